//! Use cases of activities: answering (RSVP) with a waitlist, cancelling, moving the waitlist
//! up, checking people in, organisers and capacity. Every change to an activity's answers runs
//! in a write transaction that holds the activity from the start (a row lock on PostgreSQL,
//! the write lock on SQLite) and checks whether it takes answers under that hold, so an answer
//! never lands on an activity closed a moment before, `going` never exceeds the capacity and
//! the waitlist keeps its order, whatever arrives at once.

use buurt_domain::accounts::UserId;
use buurt_domain::activities::{
    CheckInRefusal, Rsvp, RsvpRefusal, RsvpStatus, next_occurrence, placement, promotions,
    takes_check_ins, takes_occurrence_check_ins, takes_occurrence_rsvps, takes_rsvps,
};
use buurt_domain::effects::activities::ActivityHappening;
use buurt_domain::lasting::{local_day, occurrence_on};
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::{Action, Actor};
use buurt_domain::posts::{MAX_CAPACITY, Post, PostId, PostKind};
use buurt_persistence::activities::{self as repo, Attendee};
use buurt_persistence::{
    DbConnection, PersistenceError, accounts, in_write_transaction, occurrences, posts,
};
use chrono::{DateTime, NaiveDate, Utc};

use crate::posts::{PostWithAuthor, visible_post, visible_post_as};
use crate::{AppError, Cx, ErrorCode, FieldIssue, FieldProblem, outbox};

impl From<RsvpRefusal> for AppError {
    fn from(refusal: RsvpRefusal) -> Self {
        match refusal {
            RsvpRefusal::NotAnActivity => ErrorCode::NotAnActivity.into(),
            RsvpRefusal::NotOpen | RsvpRefusal::Past | RsvpRefusal::Hidden => {
                ErrorCode::RsvpClosed.into()
            }
        }
    }
}

impl From<CheckInRefusal> for AppError {
    fn from(refusal: CheckInRefusal) -> Self {
        match refusal {
            CheckInRefusal::NotAnActivity => ErrorCode::NotAnActivity.into(),
            CheckInRefusal::NotOpen | CheckInRefusal::OutsideWindow => {
                ErrorCode::CheckInNotOpen.into()
            }
        }
    }
}

/// An activity the caller may see and who they are in its neighbourhood, or `NotFound`;
/// `NotAnActivity` when the post is no activity.
fn visible_activity(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Actor), AppError> {
    let (found, actor) = visible_post_as(conn, caller, id)?;
    if found.post.content.kind != PostKind::Activity {
        return Err(ErrorCode::NotAnActivity.into());
    }
    Ok((found, actor))
}

/// An activity the caller organises (see `Action::OrganiseActivity`), or `Forbidden`.
fn organised_activity(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<PostWithAuthor, AppError> {
    let (found, actor) = visible_activity(conn, caller, id)?;
    let action = Action::OrganiseActivity {
        author: found.post.author_id,
        co_organiser: repo::is_organiser(conn, id, caller)?,
    };
    if actor.may(action) {
        Ok(found)
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

/// One person's answer, and how many wait before them (0 unless waitlisted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub post: PostId,
    pub rsvp: Rsvp,
    pub waitlist_ahead: u64,
}

fn answer(conn: &mut DbConnection, post: PostId, rsvp: Rsvp) -> Result<Answer, AppError> {
    let waitlist_ahead = if rsvp.status == RsvpStatus::Waitlisted {
        repo::waitlisted_before(conn, post, rsvp.position)?
    } else {
        0
    };
    Ok(Answer {
        post,
        rsvp,
        waitlist_ahead,
    })
}

/// Moves the waitlist up into free places, in arrival order, and tells each who moved. The
/// caller holds the activity.
pub(crate) fn promote(
    conn: &mut DbConnection,
    post: &Post,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<Vec<UserId>, PersistenceError> {
    let going = repo::going_count(conn, post.id)?;
    let waiting = repo::count(conn, post.id, RsvpStatus::Waitlisted)?;
    let moving = promotions(repo::capacity(conn, post.id)?, going, waiting);
    let promoted = repo::first_waiting(conn, post.id, moving)?;
    for &user in &promoted {
        repo::set_rsvp_status(conn, post.id, user, RsvpStatus::Going, now)?;
        let effects =
            ActivityHappening::Promoted.effects(post.id, post.neighbourhood_id, user, now);
        outbox::record(conn, &effects, routes)?;
    }
    Ok(promoted)
}

/// `caller` signs up for an activity: going while there is room, waitlisted after, in order of
/// arrival. Signing up again changes nothing. Returns the answer and whether it is new.
pub fn rsvp(cx: &mut Cx<'_>, caller: UserId, id: PostId) -> Result<(Answer, bool), AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let (found, _) = visible_activity(conn, caller, id)?;
        no_series(&found.post)?;
        takes_rsvps(&found.post, now)?;
        let existing = repo::find_rsvp(conn, id, caller)?;
        if let Some(rsvp) = existing.clone().filter(|r| r.status.is_active()) {
            return Ok((answer(conn, id, rsvp)?, false));
        }
        let status = placement(repo::capacity(conn, id)?, repo::going_count(conn, id)?);
        let position = repo::next_position(conn, id)?;
        let again = existing.is_some();
        let rsvp = repo::write_rsvp(conn, id, caller, status, position, again, now)?;
        let place = found.post.neighbourhood_id;
        outbox::record(
            conn,
            &ActivityHappening::Answered.effects(id, place, caller, now),
            routes,
        )?;
        Ok((answer(conn, id, rsvp)?, true))
    })
}

/// `caller` withdraws their answer while the activity takes answers; a freed place goes to the
/// first on the waitlist. Someone checked in came, and that stays recorded.
pub fn cancel_rsvp(cx: &mut Cx<'_>, caller: UserId, id: PostId) -> Result<(), AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let (found, _) = visible_activity(conn, caller, id)?;
        no_series(&found.post)?;
        takes_rsvps(&found.post, now)?;
        match repo::find_rsvp(conn, id, caller)? {
            None => return Err(AppError::NotFound),
            Some(rsvp) if !rsvp.status.is_active() => return Err(AppError::NotFound),
            Some(rsvp) if rsvp.checked_in_at.is_some() => {
                return Err(ErrorCode::AlreadyCheckedIn.into());
            }
            Some(_) => {}
        }
        repo::set_rsvp_status(conn, id, caller, RsvpStatus::Cancelled, now)?;
        promote(conn, &found.post, now, routes)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Series (issue 20): a recurring activity is answered per occurrence.

/// A series is answered per occurrence: refused without one.
fn no_series(post: &Post) -> Result<(), AppError> {
    if post.content.recurrence.is_some() {
        return Err(AppError::invalid(
            "occurrence",
            FieldIssue::invalid(
                "the day of an occurrence: this activity recurs",
                "de dag van een keer: deze activiteit herhaalt zich",
            ),
        ));
    }
    Ok(())
}

/// The occurrence of `post` on `on` takes answers at `now`.
fn open_occurrence(post: &Post, on: NaiveDate, now: DateTime<Utc>) -> Result<(), AppError> {
    if post.content.recurrence.is_none() {
        return Err(not_a_series());
    }
    match takes_occurrence_rsvps(post, on, now)? {
        Some(_) => Ok(()),
        None => Err(no_occurrence()),
    }
}

/// An occurrence asked of an activity that does not recur.
fn not_a_series() -> AppError {
    AppError::invalid(
        "occurrence",
        FieldIssue::invalid(
            "only for an activity that recurs",
            "alleen bij een activiteit die zich herhaalt",
        ),
    )
}

/// One person's answer for one occurrence of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrenceAnswer {
    /// `None` for a one-off activity (from `check_in`).
    pub occurrence: Option<NaiveDate>,
    pub answer: Answer,
}

fn occurrence_answer(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    rsvp: Rsvp,
) -> Result<OccurrenceAnswer, AppError> {
    let waitlist_ahead = if rsvp.status == RsvpStatus::Waitlisted {
        occurrences::waitlisted_before(conn, post, on, rsvp.position)?
    } else {
        0
    };
    Ok(OccurrenceAnswer {
        occurrence: Some(on),
        answer: Answer {
            post,
            rsvp,
            waitlist_ahead,
        },
    })
}

/// `caller` signs up for the occurrence of a series on `on` (a day in the Netherlands): going
/// while that occurrence has room, waitlisted after. As `rsvp`, per occurrence.
pub fn rsvp_occurrence(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    on: NaiveDate,
) -> Result<(OccurrenceAnswer, bool), AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let (found, _) = visible_activity(conn, caller, id)?;
        open_occurrence(&found.post, on, now)?;
        let existing = occurrences::find(conn, id, on, caller)?;
        if let Some(rsvp) = existing.clone().filter(|r| r.status.is_active()) {
            return Ok((occurrence_answer(conn, id, on, rsvp)?, false));
        }
        let capacity = found
            .post
            .content
            .activity
            .as_ref()
            .and_then(|a| a.capacity);
        let going = occurrences::count(conn, id, on, RsvpStatus::Going)?;
        let status = placement(capacity, going);
        let rsvp = occurrences::write(conn, id, on, caller, status, existing.is_some(), now)?;
        let place = found.post.neighbourhood_id;
        outbox::record(
            conn,
            &ActivityHappening::Answered.effects(id, place, caller, now),
            routes,
        )?;
        Ok((occurrence_answer(conn, id, on, rsvp)?, true))
    })
}

/// `caller` withdraws their answer for an occurrence that has not ended; a freed place goes to
/// the first waiting for that occurrence, who is told.
pub fn cancel_occurrence(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    on: NaiveDate,
) -> Result<(), AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let (found, _) = visible_activity(conn, caller, id)?;
        open_occurrence(&found.post, on, now)?;
        match occurrences::find(conn, id, on, caller)? {
            Some(rsvp) if rsvp.checked_in_at.is_some() && rsvp.status.is_active() => {
                return Err(ErrorCode::AlreadyCheckedIn.into());
            }
            Some(rsvp) if rsvp.status.is_active() => {}
            _ => return Err(AppError::NotFound),
        }
        occurrences::set_status(conn, id, on, caller, RsvpStatus::Cancelled, now)?;
        let capacity = found
            .post
            .content
            .activity
            .as_ref()
            .and_then(|a| a.capacity);
        let going = occurrences::count(conn, id, on, RsvpStatus::Going)?;
        let waiting = occurrences::count(conn, id, on, RsvpStatus::Waitlisted)?;
        let moving = promotions(capacity, going, waiting);
        for user in occurrences::first_waiting(conn, id, on, moving)? {
            occurrences::set_status(conn, id, on, user, RsvpStatus::Going, now)?;
            let place = found.post.neighbourhood_id;
            outbox::record(
                conn,
                &ActivityHappening::Promoted.effects(id, place, user, now),
                routes,
            )?;
        }
        Ok(())
    })
}

/// Refused: `user` has no answer standing.
fn no_rsvp() -> AppError {
    AppError::RefusedFields(
        ErrorCode::NoRsvp,
        vec![FieldProblem::new(
            "user_id",
            FieldIssue::invalid("not signed up", "niet aangemeld"),
        )],
    )
}

/// A day that is no occurrence of the series.
fn no_occurrence() -> AppError {
    AppError::invalid(
        "occurrence",
        FieldIssue::invalid(
            "a day on which the activity takes place",
            "een dag waarop de activiteit plaatsvindt",
        ),
    )
}

/// An organiser checks `user` in: they came. Only people going, on an open activity, within
/// its check-in window; checking in twice keeps the first time. A series is checked in per
/// occurrence (`occurrence`, its day), within that occurrence's window.
pub fn check_in(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    user: UserId,
    occurrence: Option<NaiveDate>,
) -> Result<OccurrenceAnswer, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let found = organised_activity(conn, caller, id)?;
        let Some(on) = occurrence else {
            no_series(&found.post)?;
            return check_in_once(conn, &found.post, user, now, routes).map(|answer| {
                OccurrenceAnswer {
                    occurrence: None,
                    answer,
                }
            });
        };
        if found.post.content.recurrence.is_none() {
            return Err(not_a_series());
        }
        if takes_occurrence_check_ins(&found.post, on, now)?.is_none() {
            return Err(no_occurrence());
        }
        let rsvp = match occurrences::find(conn, id, on, user)? {
            Some(rsvp) if rsvp.status.is_active() => rsvp,
            None | Some(_) => return Err(no_rsvp()),
        };
        if rsvp.status == RsvpStatus::Waitlisted {
            return Err(ErrorCode::NotGoing.into());
        }
        let rsvp = if rsvp.checked_in_at.is_some() {
            rsvp
        } else {
            let rsvp = occurrences::set_checked_in(conn, id, on, user, now)?;
            let place = found.post.neighbourhood_id;
            outbox::record(
                conn,
                &ActivityHappening::CheckedIn.effects(id, place, user, now),
                routes,
            )?;
            rsvp
        };
        occurrence_answer(conn, id, on, rsvp)
    })
}

/// Checks `user` in at a one-off activity; the caller holds it and organises it.
fn check_in_once(
    conn: &mut DbConnection,
    post: &Post,
    user: UserId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<Answer, AppError> {
    let id = post.id;
    takes_check_ins(post, now)?;
    let rsvp = match repo::find_rsvp(conn, id, user)? {
        Some(rsvp) if rsvp.status.is_active() => rsvp,
        None | Some(_) => return Err(no_rsvp()),
    };
    if rsvp.status == RsvpStatus::Waitlisted {
        return Err(ErrorCode::NotGoing.into());
    }
    if rsvp.checked_in_at.is_some() {
        return answer(conn, id, rsvp);
    }
    let rsvp = repo::set_checked_in(conn, id, user, now)?;
    outbox::record(
        conn,
        &ActivityHappening::CheckedIn.effects(id, post.neighbourhood_id, user, now),
        routes,
    )?;
    answer(conn, id, rsvp)
}

/// Who comes to an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendees {
    /// Going first, then the waitlist, each in arrival order.
    pub attendees: Vec<Attendee>,
    pub capacity: Option<u32>,
}

/// Who is going and who waits (for the author, co-organisers and administrators); for a
/// series, at its occurrence on `occurrence` (past ones too: the record of who came).
pub fn attendees(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    occurrence: Option<NaiveDate>,
) -> Result<Attendees, AppError> {
    let found = organised_activity(cx.conn, caller, id)?;
    let attendees = match occurrence {
        None => {
            no_series(&found.post)?;
            repo::attendees(cx.conn, id)?
        }
        Some(on) => {
            let activity = found.post.content.activity.as_ref();
            let Some((rule, activity)) = found.post.content.recurrence.zip(activity) else {
                return Err(not_a_series());
            };
            if occurrence_on(rule, activity.starts_at, activity.ends_at, on).is_none() {
                return Err(no_occurrence());
            }
            occurrences::attendees(cx.conn, id, on)?
        }
    };
    Ok(Attendees {
        attendees,
        capacity: found
            .post
            .content
            .activity
            .as_ref()
            .and_then(|a| a.capacity),
    })
}

/// The capacity after a change, and how many go and wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityChange {
    pub capacity: Option<u32>,
    pub going: u64,
    pub waitlisted: u64,
}

/// An organiser changes the capacity. Raising it moves the waitlist up; lowering it below the
/// number going is refused. Once over, nobody moves up any more: the answers are the record of
/// who came.
pub fn set_capacity(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    capacity: Option<u32>,
) -> Result<CapacityChange, AppError> {
    let routes = cx.routes();
    if capacity.is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c)) {
        return Err(AppError::invalid("capacity", FieldIssue::OutOfRange));
    }
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        posts::lock(conn, id)?;
        let found = organised_activity(conn, caller, id)?;
        if !found.post.status.is_live() {
            return Err(ErrorCode::PostNotLive.into());
        }
        takes_rsvps(&found.post, now)?;
        let going = repo::going_count(conn, id)?;
        if capacity.is_some_and(|c| u64::from(c) < going) {
            return Err(ErrorCode::CapacityBelowGoing.into());
        }
        repo::set_capacity(conn, id, capacity, now)?;
        promote(conn, &found.post, now, routes)?;
        Ok(CapacityChange {
            capacity,
            going: repo::going_count(conn, id)?,
            waitlisted: repo::count(conn, id, RsvpStatus::Waitlisted)?,
        })
    })
}

/// `caller` (the author or an administrator) adds a co-organiser. Returns false when they were
/// one already.
pub fn add_organiser(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    user: UserId,
) -> Result<bool, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let (found, actor) = visible_activity(conn, caller, id)?;
    if !actor.may(Action::AddOrganiser {
        author: found.post.author_id,
    }) {
        return Err(ErrorCode::Forbidden.into());
    }
    if accounts::find_user(conn, user)?.is_none() {
        return Err(AppError::invalid(
            "user_id",
            FieldIssue::invalid("no such user", "geen bestaande gebruiker"),
        ));
    }
    Ok(repo::add_organiser(conn, id, user, now)?)
}

/// An activity `caller` may see, for its calendar entry.
pub fn activity(cx: &mut Cx<'_>, caller: Option<UserId>, id: PostId) -> Result<Post, AppError> {
    let (found, _) = visible_post(cx.conn, caller, id)?;
    if found.post.content.kind != PostKind::Activity {
        return Err(ErrorCode::NotAnActivity.into());
    }
    Ok(found.post)
}

/// The most events one neighbourhood calendar holds.
const CALENDAR_MAX_EVENTS: usize = 500;

/// A neighbourhood and its upcoming public activities, soonest first, for its calendar: the
/// one-off ones not over and the series with occurrences to come (by their next one).
pub fn upcoming_activities(
    cx: &mut Cx<'_>,
    id: NeighbourhoodId,
) -> Result<(Neighbourhood, Vec<Post>), AppError> {
    let now = cx.now();
    let neighbourhood = crate::posts::neighbourhood(cx.conn, id)?;
    let (mut activities, _) =
        posts::public_section(cx.conn, id, PostKind::Activity, now, CALENDAR_MAX_EVENTS)?;
    // A series whose first occurrence passed is still coming while it has occurrences left.
    let running = posts::running_series(cx.conn, id, now, local_day(now), CALENDAR_MAX_EVENTS)?;
    activities.extend(
        running
            .into_iter()
            .filter(|post| next_occurrence(post, now).is_some()),
    );
    activities.sort_by_key(|post| {
        let first = post.content.activity.as_ref().map(|a| a.starts_at);
        (
            next_occurrence(post, now)
                .map(|(_, start, _)| start)
                .or(first),
            post.id.0,
        )
    });
    activities.truncate(CALENDAR_MAX_EVENTS);
    Ok((neighbourhood, activities))
}
