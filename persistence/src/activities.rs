//! RSVPs, the waitlist, check-ins and organisers. Every change to an activity's answers runs
//! in a write transaction holding the activity (a row lock on PostgreSQL, the write lock on
//! SQLite), so `going` never exceeds the capacity and the waitlist keeps its order, whatever
//! arrives at once.

use buurt_domain::accounts::UserId;
use buurt_domain::activities::{Rsvp, RsvpStatus, placement, promotions};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::notifications::NotificationKind;
use buurt_domain::partners::EventKind;
use buurt_domain::posts::PostId;
use buurt_domain::stats::StatKind;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::max;
use diesel::prelude::*;
use uuid::Uuid;

use crate::notifications::notify;
use crate::schema::{activity_organisers, posts, rsvps, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, partners, stats, write_transaction};

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("rsvps.{what} holds {value:?}"))
}

type Row = (
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn from_row(
    (user_id, status, position, checked_in_at, created_at, updated_at, waitlisted_at): Row,
) -> Result<Rsvp, PersistenceError> {
    Ok(Rsvp {
        user_id: UserId(Uuid::parse_str(&user_id).map_err(|_| corrupt("user_id", &user_id))?),
        status: RsvpStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        position,
        checked_in_at: checked_in_at.map(from_db),
        created_at: from_db(created_at),
        updated_at: from_db(updated_at),
        waitlisted_at: waitlisted_at.map(from_db),
    })
}

const COLUMNS: (
    rsvps::user_id,
    rsvps::status,
    rsvps::position,
    rsvps::checked_in_at,
    rsvps::created_at,
    rsvps::updated_at,
    rsvps::waitlisted_at,
) = (
    rsvps::user_id,
    rsvps::status,
    rsvps::position,
    rsvps::checked_in_at,
    rsvps::created_at,
    rsvps::updated_at,
    rsvps::waitlisted_at,
);

pub fn find_rsvp(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
) -> Result<Option<Rsvp>, PersistenceError> {
    rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::user_id.eq(user.to_string()))
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

fn count(
    conn: &mut DbConnection,
    post: PostId,
    status: RsvpStatus,
) -> Result<u64, PersistenceError> {
    let count: i64 = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.eq(status.as_str()))
        .count()
        .get_result(conn)?;
    Ok(count.unsigned_abs())
}

/// How many wait for `post` in front of `position`.
pub fn waitlisted_before(
    conn: &mut DbConnection,
    post: PostId,
    position: i64,
) -> Result<u64, PersistenceError> {
    let count: i64 = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .filter(rsvps::position.lt(position))
        .count()
        .get_result(conn)?;
    Ok(count.unsigned_abs())
}

pub fn going_count(conn: &mut DbConnection, post: PostId) -> Result<u64, PersistenceError> {
    count(conn, post, RsvpStatus::Going)
}

fn neighbourhood_of(
    conn: &mut DbConnection,
    post: PostId,
) -> Result<NeighbourhoodId, PersistenceError> {
    let id: String = posts::table
        .find(post.to_string())
        .select(posts::neighbourhood_id)
        .first(conn)?;
    Uuid::parse_str(&id)
        .map(NeighbourhoodId)
        .map_err(|_| PersistenceError::Corrupt(format!("posts.neighbourhood_id holds {id:?}")))
}

pub(crate) fn capacity(
    conn: &mut DbConnection,
    post: PostId,
) -> Result<Option<u32>, PersistenceError> {
    let capacity: Option<i32> = posts::table
        .find(post.to_string())
        .select(posts::capacity)
        .first(conn)?;
    Ok(capacity.map(|c| u32::try_from(c).unwrap_or(0)))
}

/// Answers for `user`: going while there is room, waitlisted after. Answering again changes
/// nothing. Returns the answer and whether it is new.
pub fn rsvp(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(Rsvp, bool), PersistenceError> {
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", post.0)?;
        let existing = find_rsvp(conn, post, user)?;
        if let Some(rsvp) = existing.as_ref().filter(|r| r.status.is_active()) {
            return Ok((rsvp.clone(), false));
        }
        let status = placement(capacity(conn, post)?, going_count(conn, post)?);
        let last: Option<i64> = rsvps::table
            .filter(rsvps::post_id.eq(post.to_string()))
            .select(max(rsvps::position))
            .first(conn)?;
        let position = last.unwrap_or(0) + 1;
        let waitlisted_at = (status == RsvpStatus::Waitlisted).then(|| to_db(now));
        if existing.is_some() {
            diesel::update(
                rsvps::table
                    .filter(rsvps::post_id.eq(post.to_string()))
                    .filter(rsvps::user_id.eq(user.to_string())),
            )
            .set((
                rsvps::status.eq(status.as_str()),
                rsvps::position.eq(position),
                rsvps::checked_in_at.eq(None::<NaiveDateTime>),
                rsvps::updated_at.eq(to_db(now)),
                rsvps::waitlisted_at.eq(waitlisted_at),
            ))
            .execute(conn)?;
        } else {
            diesel::insert_into(rsvps::table)
                .values((
                    rsvps::post_id.eq(post.to_string()),
                    rsvps::user_id.eq(user.to_string()),
                    rsvps::status.eq(status.as_str()),
                    rsvps::position.eq(position),
                    rsvps::created_at.eq(to_db(now)),
                    rsvps::updated_at.eq(to_db(now)),
                    rsvps::waitlisted_at.eq(waitlisted_at),
                ))
                .execute(conn)?;
        }
        let rsvp = find_rsvp(conn, post, user)?
            .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        let place = neighbourhood_of(conn, post)?;
        stats::note(conn, StatKind::Rsvp, place, post.0, Some(user), None, now)?;
        partners::emit(conn, EventKind::RsvpCreated, place, post.0, Some(post), now)?;
        Ok((rsvp, true))
    })
}

/// Moves the waitlist up into free places, in arrival order, and tells each who moved. The
/// caller holds the activity.
pub(crate) fn promote(
    conn: &mut DbConnection,
    post: PostId,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, PersistenceError> {
    let going = going_count(conn, post)?;
    let waiting = count(conn, post, RsvpStatus::Waitlisted)?;
    let moving = promotions(capacity(conn, post)?, going, waiting);
    let next: Vec<String> = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .order(rsvps::position)
        .limit(i64::try_from(moving).unwrap_or(i64::MAX))
        .select(rsvps::user_id)
        .load(conn)?;
    let mut promoted = Vec::new();
    for user in next {
        diesel::update(
            rsvps::table
                .filter(rsvps::post_id.eq(post.to_string()))
                .filter(rsvps::user_id.eq(&user)),
        )
        .set((
            rsvps::status.eq(RsvpStatus::Going.as_str()),
            rsvps::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
        let user = UserId(Uuid::parse_str(&user).map_err(|_| corrupt("user_id", &user))?);
        notify(conn, user, NotificationKind::RsvpPromoted, Some(post), now)?;
        promoted.push(user);
    }
    Ok(promoted)
}

/// What became of a cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancellation {
    /// Withdrawn; these moved up from the waitlist.
    Cancelled(Vec<UserId>),
    /// No answer standing.
    NoRsvp,
    /// They were checked in: they came, and that stays recorded.
    CheckedIn,
}

/// Withdraws `user`'s answer; a freed place goes to the first on the waitlist.
pub fn cancel_rsvp(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Cancellation, PersistenceError> {
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", post.0)?;
        match find_rsvp(conn, post, user)? {
            Some(rsvp) if !rsvp.status.is_active() => return Ok(Cancellation::NoRsvp),
            None => return Ok(Cancellation::NoRsvp),
            Some(rsvp) if rsvp.checked_in_at.is_some() => return Ok(Cancellation::CheckedIn),
            Some(_) => {}
        }
        diesel::update(
            rsvps::table
                .filter(rsvps::post_id.eq(post.to_string()))
                .filter(rsvps::user_id.eq(user.to_string())),
        )
        .set((
            rsvps::status.eq(RsvpStatus::Cancelled.as_str()),
            rsvps::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
        promote(conn, post, now).map(Cancellation::Cancelled)
    })
}

/// Sets the capacity. Raising it moves the waitlist up; lowering it below the number going is
/// refused with `Err(going)`.
pub fn set_capacity(
    conn: &mut DbConnection,
    post: PostId,
    capacity: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Result<Vec<UserId>, u64>, PersistenceError> {
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", post.0)?;
        let going = going_count(conn, post)?;
        if capacity.is_some_and(|c| u64::from(c) < going) {
            return Ok(Err(going));
        }
        diesel::update(posts::table.find(post.to_string()))
            .set((
                posts::capacity.eq(capacity.map(|c| i32::try_from(c).unwrap_or(i32::MAX))),
                posts::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        promote(conn, post, now).map(Ok)
    })
}

/// What became of a check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    /// Checked in (or already was: the first time stays).
    CheckedIn(Rsvp),
    /// No answer standing.
    NoRsvp,
    /// On the waitlist: only people going come in.
    Waitlisted,
}

/// Records that `user` came, holding the activity so a cancellation cannot cross it.
pub fn check_in(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<CheckIn, PersistenceError> {
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", post.0)?;
        let rsvp = match find_rsvp(conn, post, user)? {
            None => return Ok(CheckIn::NoRsvp),
            Some(rsvp) => rsvp,
        };
        match rsvp.status {
            RsvpStatus::Cancelled => return Ok(CheckIn::NoRsvp),
            RsvpStatus::Waitlisted => return Ok(CheckIn::Waitlisted),
            RsvpStatus::Going if rsvp.checked_in_at.is_some() => {
                return Ok(CheckIn::CheckedIn(rsvp));
            }
            RsvpStatus::Going => {}
        }
        diesel::update(
            rsvps::table
                .filter(rsvps::post_id.eq(post.to_string()))
                .filter(rsvps::user_id.eq(user.to_string())),
        )
        .set(rsvps::checked_in_at.eq(Some(to_db(now))))
        .execute(conn)?;
        let place = neighbourhood_of(conn, post)?;
        stats::note(
            conn,
            StatKind::Attended,
            place,
            post.0,
            Some(user),
            None,
            now,
        )?;
        let rsvp = find_rsvp(conn, post, user)?
            .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        Ok(CheckIn::CheckedIn(rsvp))
    })
}

/// Everyone with an answer standing, going first, each list in arrival order, with names.
pub fn attendees(
    conn: &mut DbConnection,
    post: PostId,
) -> Result<Vec<(Rsvp, String)>, PersistenceError> {
    let rows: Vec<(Row, String)> = rsvps::table
        .inner_join(users::table)
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
        .order(rsvps::position)
        .select((COLUMNS, users::display_name))
        .load(conn)?;
    let mut all = rows
        .into_iter()
        .map(|(row, name)| Ok((from_row(row)?, name)))
        .collect::<Result<Vec<_>, PersistenceError>>()?;
    all.sort_by_key(|(rsvp, _)| (rsvp.status != RsvpStatus::Going, rsvp.position));
    Ok(all)
}

pub fn is_organiser(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
) -> Result<bool, PersistenceError> {
    let count: i64 = activity_organisers::table
        .filter(activity_organisers::post_id.eq(post.to_string()))
        .filter(activity_organisers::user_id.eq(user.to_string()))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Adds a co-organiser. Returns false when they were one already.
pub fn add_organiser(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::insert_into(activity_organisers::table)
        .values((
            activity_organisers::post_id.eq(post.to_string()),
            activity_organisers::user_id.eq(user.to_string()),
            activity_organisers::added_at.eq(to_db(now)),
        ))
        .execute(conn);
    Ok(crate::error::inserted_unless_duplicate(inserted)?)
}
