//! Matches and their messages. Every step runs in a write transaction holding the request (a
//! row lock on PostgreSQL), and taking a helper place is a conditional update backed by a
//! unique index, so a request never has more accepted helpers than it asked for.
//!
//! Lock order, wherever both are held: the request's `posts` row first, then the helper's
//! `users` row (which serialises everything that counts the helper's active matches).

use buurt_domain::accounts::UserId;
use buurt_domain::matching::{
    MAX_ACTIVE_MATCHES, Match, MatchAction, MatchId, MatchRefusal, MatchStatus, Party,
    request_follows_places, transition,
};
use buurt_domain::notifications::NotificationKind;
use buurt_domain::partners::EventKind;
use buurt_domain::posts::{Post, PostEvent, PostId, PostStatus};
use buurt_domain::stats::StatKind;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::connection::MultiBackend;
use crate::notifications::notify_about;
use crate::posts::{apply_event_within, find_post};
use crate::schema::{match_messages, matches, posts, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, partners, stats, write_transaction};

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("matches.{what} holds {value:?}"))
}

fn uuid(what: &str, raw: &str) -> Result<Uuid, PersistenceError> {
    Uuid::parse_str(raw).map_err(|_| corrupt(what, raw))
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = matches)]
struct MatchRow {
    id: String,
    request_id: String,
    requester_id: String,
    helper_id: String,
    offer_id: Option<String>,
    proposed_by: String,
    status: String,
    message: Option<String>,
    thanks: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<MatchRow> for Match {
    type Error = PersistenceError;

    fn try_from(row: MatchRow) -> Result<Self, PersistenceError> {
        Ok(Match {
            id: MatchId(uuid("id", &row.id)?),
            request_id: PostId(uuid("request_id", &row.request_id)?),
            requester_id: UserId(uuid("requester_id", &row.requester_id)?),
            helper_id: UserId(uuid("helper_id", &row.helper_id)?),
            offer_id: row
                .offer_id
                .map(|id| uuid("offer_id", &id).map(PostId))
                .transpose()?,
            proposed_by: Party::parse(&row.proposed_by)
                .ok_or_else(|| corrupt("proposed_by", &row.proposed_by))?,
            status: MatchStatus::parse(&row.status)
                .ok_or_else(|| corrupt("status", &row.status))?,
            message: row.message,
            thanks: row.thanks,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

pub fn find_match(conn: &mut DbConnection, id: MatchId) -> Result<Option<Match>, PersistenceError> {
    matches::table
        .find(id.to_string())
        .select(MatchRow::as_select())
        .first(conn)
        .optional()?
        .map(Match::try_from)
        .transpose()
}

/// A helper's live matches: proposed or accepted, for a request that has not ended. (A closed,
/// fulfilled or expired request keeps its matches as they were, but they take up no one's
/// time any more.)
pub fn active_matches_of(conn: &mut DbConnection, helper: UserId) -> Result<u32, PersistenceError> {
    let count: i64 = matches::table
        .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
        .filter(matches::helper_id.eq(helper.to_string()))
        .filter(matches::status.eq_any(["proposed", "accepted"]))
        .filter(posts::status.eq_any(crate::posts::LIVE))
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// `active_matches_of` for many helpers in one query (helpers without any are absent).
fn active_matches_of_many(
    conn: &mut DbConnection,
    helpers: &[String],
) -> Result<std::collections::HashMap<String, u32>, PersistenceError> {
    if helpers.is_empty() {
        return Ok(Default::default());
    }
    let counts: Vec<(String, i64)> = matches::table
        .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
        .filter(matches::helper_id.eq_any(helpers))
        .filter(matches::status.eq_any(["proposed", "accepted"]))
        .filter(posts::status.eq_any(crate::posts::LIVE))
        .group_by(matches::helper_id)
        .select((matches::helper_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .map(|(helper, count)| (helper, u32::try_from(count).unwrap_or(u32::MAX)))
        .collect())
}

/// Fills in `active_matches` of candidates gathered with 0 there.
fn count_active_matches<'a>(
    conn: &mut DbConnection,
    candidates: impl Iterator<Item = &'a mut Candidate>,
) -> Result<(), PersistenceError> {
    let mut candidates: Vec<&mut Candidate> = candidates.collect();
    let mut helpers: Vec<String> = candidates.iter().map(|c| c.user_id.to_string()).collect();
    helpers.sort_unstable();
    helpers.dedup();
    let counts = active_matches_of_many(conn, &helpers)?;
    for candidate in &mut candidates {
        candidate.active_matches = counts
            .get(&candidate.user_id.to_string())
            .copied()
            .unwrap_or(0);
    }
    Ok(())
}

/// Users who declined (or were declined for) this request: not suggested again.
pub fn declined_helpers(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<UserId>, PersistenceError> {
    let ids: Vec<String> = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::status.eq(MatchStatus::Declined.as_str()))
        .select(matches::helper_id)
        .load(conn)?;
    ids.iter()
        .map(|id| uuid("helper_id", id).map(UserId))
        .collect()
}

/// Why a match could not be proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposeRefusal {
    /// This helper has a live match for this request already.
    AlreadyMatched,
    /// The helper has `MAX_ACTIVE_MATCHES` live matches.
    HelperBusy,
    /// The request is not open (or in mediation).
    RequestNotOpen,
}

/// Stores a proposed match and tells the other party.
pub fn propose(
    conn: &mut DbConnection,
    new: &Match,
) -> Result<Result<(), ProposeRefusal>, PersistenceError> {
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", new.request_id.0)?;
        let request = find_post(conn, new.request_id)?
            .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        if !matches!(request.status, PostStatus::Open | PostStatus::InMediation) {
            return Ok(Err(ProposeRefusal::RequestNotOpen));
        }
        // Proposals for other requests hold other request rows: the helper's own row makes
        // them take turns, so the count below stays true until this one is stored.
        crate::connection::lock_row(conn, "users", new.helper_id.0)?;
        if active_matches_of(conn, new.helper_id)? >= MAX_ACTIVE_MATCHES {
            return Ok(Err(ProposeRefusal::HelperBusy));
        }
        let live: i64 = matches::table
            .filter(matches::request_id.eq(new.request_id.to_string()))
            .filter(matches::helper_id.eq(new.helper_id.to_string()))
            .filter(matches::status.eq_any(["proposed", "accepted"]))
            .count()
            .get_result(conn)?;
        if live > 0 {
            return Ok(Err(ProposeRefusal::AlreadyMatched));
        }
        diesel::insert_into(matches::table)
            .values((
                matches::id.eq(new.id.to_string()),
                matches::request_id.eq(new.request_id.to_string()),
                matches::requester_id.eq(new.requester_id.to_string()),
                matches::helper_id.eq(new.helper_id.to_string()),
                matches::offer_id.eq(new.offer_id.map(|id| id.to_string())),
                matches::proposed_by.eq(new.proposed_by.as_str()),
                matches::status.eq(MatchStatus::Proposed.as_str()),
                matches::message.eq(new.message.as_deref()),
                matches::slot_limit.eq(i32::try_from(request.content.helpers_needed).unwrap_or(1)),
                matches::created_at.eq(to_db(new.created_at)),
                matches::updated_at.eq(to_db(new.updated_at)),
            ))
            .execute(conn)?;
        if new.proposed_by == Party::Helper {
            first_response(conn, &request, new.helper_id, new.created_at)?;
        }
        partners::emit(
            conn,
            EventKind::MatchProposed,
            request.neighbourhood_id,
            new.id.0,
            Some(new.request_id),
            new.created_at,
        )?;
        let other = match new.proposed_by {
            Party::Helper => new.requester_id,
            Party::Requester => new.helper_id,
        };
        notify_about(
            conn,
            other,
            NotificationKind::MatchProposed,
            Some(new.request_id),
            Some(new.id),
            new.created_at,
        )?;
        Ok(Ok(()))
    })
}

/// Counts a neighbour's response to a request (the first one counts).
fn first_response(
    conn: &mut DbConnection,
    request: &Post,
    helper: UserId,
    at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let since_posted = Some((at - request.created_at).num_seconds());
    stats::note(
        conn,
        StatKind::FirstResponse,
        request.neighbourhood_id,
        request.id.0,
        Some(helper),
        since_posted,
        at,
    )
}

/// How a step on a match ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Done(Match),
    NotFound,
    Refused(MatchRefusal),
    /// Every helper place of the request is taken.
    RequestFull,
    /// The request is closed, fulfilled or expired.
    RequestNotOpen,
}

/// `by` takes `action` on match `id`; the request follows (matched when its places are full,
/// open again when a place frees, fulfilled on completion), and the other party is told.
pub fn step(
    conn: &mut DbConnection,
    id: MatchId,
    by: UserId,
    action: MatchAction,
    thanks: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StepOutcome, PersistenceError> {
    let Some(found) = find_match(conn, id)? else {
        return Ok(StepOutcome::NotFound);
    };
    write_transaction(conn, |conn| {
        crate::connection::lock_row(conn, "posts", found.request_id.0)?;
        // Read again under the lock: this is the state the step applies to.
        let Some(current) = find_match(conn, id)? else {
            return Ok(StepOutcome::NotFound);
        };
        let Some(party) = current.party_of(by) else {
            return Ok(StepOutcome::NotFound);
        };
        let next = match transition(current.status, action, party, current.proposed_by) {
            Ok(next) => next,
            Err(refusal) => return Ok(StepOutcome::Refused(refusal)),
        };
        let request = find_post(conn, current.request_id)?
            .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        let helpers_needed = i32::try_from(request.content.helpers_needed).unwrap_or(1);
        let held = held_places(conn, current.request_id)?;
        let row = matches::table
            .filter(matches::id.eq(id.to_string()))
            .filter(matches::status.eq(current.status.as_str()));
        // The match changes first, conditional on the status decided from: when it changed
        // meanwhile, nothing else has been written and the step is refused.
        let changed = match action {
            MatchAction::Accept => {
                match request.status {
                    PostStatus::Open | PostStatus::InMediation => {}
                    PostStatus::Matched => return Ok(StepOutcome::RequestFull),
                    _ => return Ok(StepOutcome::RequestNotOpen),
                }
                let taken: Vec<i32> = held.iter().map(|(_, slot)| *slot).collect();
                let free = (1..=helpers_needed).find(|slot| !taken.contains(slot));
                let Some(slot) = free.filter(|_| taken.len() < held_limit(helpers_needed)) else {
                    return Ok(StepOutcome::RequestFull);
                };
                diesel::update(row)
                    .set((
                        matches::status.eq(next.as_str()),
                        matches::accepted_slot.eq(Some(slot)),
                        matches::slot_limit.eq(helpers_needed),
                        matches::updated_at.eq(to_db(now)),
                    ))
                    .execute(conn)?
            }
            MatchAction::Decline => diesel::update(row)
                .set((
                    matches::status.eq(next.as_str()),
                    matches::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?,
            MatchAction::Cancel | MatchAction::NoShow => diesel::update(row)
                .set((
                    matches::status.eq(next.as_str()),
                    matches::accepted_slot.eq(None::<i32>),
                    matches::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?,
            MatchAction::Complete => diesel::update(row)
                .set((
                    matches::status.eq(next.as_str()),
                    matches::thanks.eq(thanks),
                    matches::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?,
        };
        if changed != 1 {
            let status = find_match(conn, id)?.map_or(current.status, |m| m.status);
            return Ok(StepOutcome::Refused(MatchRefusal::Illegal {
                status,
                action,
            }));
        }
        let held_after = (count(held.len()) + u32::from(next.holds_place()))
            .saturating_sub(u32::from(current.status.holds_place()));
        match action {
            MatchAction::Accept => {
                if current.proposed_by == Party::Requester {
                    // The invited neighbour's yes is their first response.
                    first_response(conn, &request, current.helper_id, now)?;
                }
                let since_posted = Some((now - request.created_at).num_seconds());
                let (place, request_id) = (request.neighbourhood_id, current.request_id.0);
                stats::note(
                    conn,
                    StatKind::Accepted,
                    place,
                    request_id,
                    None,
                    since_posted,
                    now,
                )?;
                let helper = Some(current.helper_id);
                stats::note(conn, StatKind::Helped, place, id.0, helper, None, now)?;
                if request.status == PostStatus::InMediation
                    && held_after >= request.content.helpers_needed
                {
                    // Matched online after all, every place taken: the case ends so. (A place
                    // short, the request stays with the mediators.)
                    crate::mediation::resolve_matched_online(conn, current.request_id, now)?;
                }
                follow_places(conn, &request, held_after, now)?;
            }
            MatchAction::Cancel | MatchAction::NoShow => {
                follow_places(conn, &request, held_after, now)?;
            }
            MatchAction::Complete => {
                if request.status == PostStatus::Matched {
                    follow(conn, &request, PostEvent::Fulfil, now)?;
                }
            }
            MatchAction::Decline => {}
        }
        let told = match action {
            MatchAction::Accept => Some(EventKind::MatchAccepted),
            MatchAction::Complete => Some(EventKind::MatchCompleted),
            MatchAction::Decline | MatchAction::Cancel | MatchAction::NoShow => None,
        };
        if let Some(told) = told {
            let place = request.neighbourhood_id;
            partners::emit(conn, told, place, id.0, Some(current.request_id), now)?;
        }
        let kind = match action {
            MatchAction::Accept => NotificationKind::MatchAccepted,
            MatchAction::Decline => NotificationKind::MatchDeclined,
            MatchAction::Cancel => NotificationKind::MatchCancelled,
            MatchAction::Complete => NotificationKind::MatchCompleted,
            MatchAction::NoShow => NotificationKind::MatchNoShow,
        };
        notify_about(
            conn,
            current.other_party(by),
            kind,
            Some(current.request_id),
            Some(id),
            now,
        )?;
        let updated = find_match(conn, id)?
            .ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        Ok(StepOutcome::Done(updated))
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn held_limit(helpers_needed: i32) -> usize {
    usize::try_from(helpers_needed).unwrap_or(1)
}

/// The places of a request held by accepted (or completed) matches: match id and place,
/// lowest place first.
fn held_places(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<(String, i32)>, PersistenceError> {
    let rows: Vec<(String, Option<i32>)> = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::accepted_slot.is_not_null())
        .order(matches::accepted_slot)
        .select((matches::id, matches::accepted_slot))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, slot)| slot.map(|slot| (id, slot)))
        .collect())
}

/// Moves the request to where its `held` places put it (see `request_follows_places`).
fn follow_places(
    conn: &mut DbConnection,
    request: &Post,
    held: u32,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    match request_follows_places(request.status, held, request.content.helpers_needed) {
        Some(event) => follow(conn, request, event, now),
        None => Ok(()),
    }
}

/// Applies `event` to a request whose row this transaction holds (so its status is the one
/// read): a refusal means the decision was wrong, and rolls everything back.
fn follow(
    conn: &mut DbConnection,
    request: &Post,
    event: PostEvent,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    match apply_event_within(conn, request.id, event, now)? {
        Some(Ok(_)) => Ok(()),
        Some(Err(illegal)) => Err(PersistenceError::Corrupt(format!(
            "request {} could not follow its matches: {illegal}",
            request.id
        ))),
        None => Err(PersistenceError::Query(diesel::result::Error::NotFound)),
    }
}

/// How many helper places of a request accepted (or completed) matches hold. Call it holding
/// the request.
pub fn count_held_places(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<u32, PersistenceError> {
    Ok(count(held_places(conn, request)?.len()))
}

/// Numbers the held places of a request from 1 again under a new limit of `helpers_needed`
/// (so a later accept finds a free one exactly when fewer are held than needed). The caller
/// holds the request and has checked that no more are held than needed.
pub fn renumber_held_places(
    conn: &mut DbConnection,
    request: PostId,
    helpers_needed: u32,
) -> Result<(), PersistenceError> {
    let limit = i32::try_from(helpers_needed).unwrap_or(i32::MAX);
    // Lowest first, each moves down to a place that is free or its own.
    for ((match_id, _), place) in held_places(conn, request)?.iter().zip(1..) {
        let changed = diesel::update(
            matches::table
                .filter(matches::id.eq(match_id))
                .filter(matches::accepted_slot.is_not_null()),
        )
        .set((
            matches::accepted_slot.eq(Some(place)),
            matches::slot_limit.eq(limit),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Err(PersistenceError::Corrupt(format!(
                "match {match_id} lost its place under the request's lock"
            )));
        }
    }
    Ok(())
}

/// The matches of a request, oldest first.
pub fn matches_of_request(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<Match>, PersistenceError> {
    let rows: Vec<MatchRow> = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .order((matches::created_at, matches::id))
        .select(MatchRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Match::try_from).collect()
}

/// Where a page of a user's matches starts: after this time and id (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// The user's matches, as requester or helper, newest first.
pub fn matches_of_user(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<&MatchCursor>,
    limit: usize,
) -> Result<(Vec<Match>, Option<MatchCursor>), PersistenceError> {
    let mut query = matches::table
        .filter(
            matches::requester_id
                .eq(user.to_string())
                .or(matches::helper_id.eq(user.to_string())),
        )
        .order((matches::created_at.desc(), matches::id.desc()))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .select(MatchRow::as_select())
        .into_boxed::<MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(
            matches::created_at.lt(at).or(matches::created_at
                .eq(at)
                .and(matches::id.lt(after.id.clone()))),
        );
    }
    let mut rows: Vec<MatchRow> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|row| MatchCursor {
            created_at: from_db(row.created_at),
            id: row.id.clone(),
        })
    } else {
        None
    };
    Ok((
        rows.into_iter()
            .map(Match::try_from)
            .collect::<Result<_, _>>()?,
        next,
    ))
}

/// A message in a match's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn add_message(
    conn: &mut DbConnection,
    found: &Match,
    author: UserId,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, PersistenceError> {
    let id = Uuid::new_v4();
    write_transaction(conn, |conn| {
        diesel::insert_into(match_messages::table)
            .values((
                match_messages::id.eq(id.to_string()),
                match_messages::match_id.eq(found.id.to_string()),
                match_messages::author_id.eq(author.to_string()),
                match_messages::body.eq(body),
                match_messages::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        notify_about(
            conn,
            found.other_party(author),
            NotificationKind::MatchMessage,
            Some(found.request_id),
            Some(found.id),
            now,
        )
    })?;
    Ok(id)
}

/// Where a page of messages starts: after this time and id (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// A thread, oldest first, one page at a time.
pub fn messages(
    conn: &mut DbConnection,
    found: MatchId,
    after: Option<&MessageCursor>,
    limit: usize,
) -> Result<(Vec<Message>, Option<MessageCursor>), PersistenceError> {
    let mut query = match_messages::table
        .inner_join(users::table.on(users::id.eq(match_messages::author_id)))
        .filter(match_messages::match_id.eq(found.to_string()))
        .order((match_messages::created_at, match_messages::id))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .select((
            match_messages::id,
            match_messages::author_id,
            users::display_name,
            match_messages::body,
            match_messages::created_at,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(
            match_messages::created_at
                .gt(at)
                .or(match_messages::created_at
                    .eq(at)
                    .and(match_messages::id.gt(after.id.clone()))),
        );
    }
    let mut rows: Vec<(String, String, String, String, NaiveDateTime)> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|row| MessageCursor {
            created_at: from_db(row.4),
            id: row.0.clone(),
        })
    } else {
        None
    };
    let messages = rows
        .into_iter()
        .map(|(id, author, author_name, body, created_at)| {
            Ok(Message {
                id: uuid("message id", &id)?,
                author_id: UserId(uuid("author_id", &author)?),
                author_name,
                body,
                created_at: from_db(created_at),
            })
        })
        .collect::<Result<_, PersistenceError>>()?;
    Ok((messages, next))
}

// ---------------------------------------------------------------------------------------------
// What suggestions are drawn from

use buurt_domain::category::Category;
use buurt_domain::matching::{Candidate, CandidateRef, Proximity};
use buurt_domain::membership::MembershipStatus;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::posts::{PostKind, Visibility};

use crate::schema::{memberships, neighbourhoods};

/// A neighbourhood and its neighbours, with how near each is.
pub fn nearby(
    conn: &mut DbConnection,
    neighbourhood: &Neighbourhood,
) -> Result<Vec<(NeighbourhoodId, Proximity)>, PersistenceError> {
    let mut found = vec![(neighbourhood.id, Proximity::SameNeighbourhood)];
    for code in &neighbourhood.draft.adjacent {
        let id: Option<String> = neighbourhoods::table
            .filter(neighbourhoods::code.eq(code.as_str()))
            .select(neighbourhoods::id)
            .first(conn)
            .optional()?;
        if let Some(id) = id {
            found.push((
                NeighbourhoodId(uuid("neighbourhood id", &id)?),
                Proximity::AdjacentNeighbourhood,
            ));
        }
    }
    Ok(found)
}

/// Whether `user` is an active member of one of `places`.
pub fn lives_nearby(
    conn: &mut DbConnection,
    user: UserId,
    places: &[(NeighbourhoodId, Proximity)],
) -> Result<bool, PersistenceError> {
    for (id, _) in places {
        let count: i64 = memberships::table
            .filter(memberships::neighbourhood_id.eq(id.to_string()))
            .filter(memberships::user_id.eq(user.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .count()
            .get_result(conn)?;
        if count > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The most candidates of each sort considered per neighbourhood.
const CANDIDATES_PER_PLACE: i64 = 50;

/// Open, visible posts of `kind` nearby (members-only ones of the own neighbourhood only), not
/// by `exclude`, with their authors' names.
pub fn post_candidates(
    conn: &mut DbConnection,
    kind: PostKind,
    places: &[(NeighbourhoodId, Proximity)],
    exclude: &[UserId],
) -> Result<Vec<(Candidate, Post, String)>, PersistenceError> {
    let mut found = Vec::new();
    for (place, proximity) in places {
        let mut query = crate::posts::open_posts_query(*place, kind);
        if *proximity != Proximity::SameNeighbourhood {
            query = query.filter(posts::visibility.eq(Visibility::Public.as_str()));
        }
        for (post, author_name) in
            crate::posts::load_with_authors(conn, query.limit(CANDIDATES_PER_PLACE))?
        {
            if exclude.contains(&post.author_id) {
                continue;
            }
            let candidate = Candidate {
                what: CandidateRef::Post(post.id),
                user_id: post.author_id,
                categories: post.content.category.into_iter().collect(),
                interests: Vec::new(),
                text: format!("{} {}", post.content.title, post.content.body),
                proximity: *proximity,
                posted_at: Some(post.created_at),
                active_matches: 0,
            };
            found.push((candidate, post, author_name));
        }
    }
    count_active_matches(conn, found.iter_mut().map(|(candidate, _, _)| candidate))?;
    Ok(found)
}

/// Active residents nearby who declared `category` as a skill or an interest, not in
/// `exclude`, each once at their nearest, with their names.
pub fn resident_candidates(
    conn: &mut DbConnection,
    category: Category,
    places: &[(NeighbourhoodId, Proximity)],
    exclude: &[UserId],
) -> Result<Vec<(Candidate, String)>, PersistenceError> {
    let mut found: Vec<(Candidate, String)> = Vec::new();
    for (place, proximity) in places {
        let listed = format!("%,{},%", category.as_str());
        let rows: Vec<(String, String, Option<String>, String)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::neighbourhood_id.eq(place.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("((',' || users.skills || ',') LIKE ")
                    .bind::<diesel::sql_types::Text, _>(listed.clone())
                    .sql(" OR (',' || users.interests || ',') LIKE ")
                    .bind::<diesel::sql_types::Text, _>(listed)
                    .sql(")"),
            )
            .order(memberships::joined_at)
            .limit(CANDIDATES_PER_PLACE)
            .select((users::id, users::display_name, users::bio, users::skills))
            .load(conn)?;
        for (id, name, bio, skills) in rows {
            let skilled = skills.split(',').any(|skill| skill == category.as_str());
            let user = UserId(uuid("user id", &id)?);
            if exclude.contains(&user) || found.iter().any(|(c, _)| c.user_id == user) {
                continue;
            }
            found.push((
                Candidate {
                    what: CandidateRef::Resident,
                    user_id: user,
                    categories: if skilled { vec![category] } else { Vec::new() },
                    interests: if skilled { Vec::new() } else { vec![category] },
                    text: bio.unwrap_or_default(),
                    proximity: *proximity,
                    posted_at: None,
                    active_matches: 0,
                },
                name,
            ));
        }
    }
    count_active_matches(conn, found.iter_mut().map(|(candidate, _)| candidate))?;
    Ok(found)
}
