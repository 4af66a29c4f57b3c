//! RSVPs, the waitlist, check-ins and organisers: the rows. The use cases (`app::activities`)
//! change an activity's answers in a write transaction holding the activity (a row lock on
//! PostgreSQL, the write lock on SQLite), so `going` never exceeds the capacity and the
//! waitlist keeps its order, whatever arrives at once.

use buurt_domain::accounts::UserId;
use buurt_domain::activities::{Rsvp, RsvpStatus};
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::max;
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{activity_organisers, posts, rsvps, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = rsvps)]
struct RsvpRow {
    user_id: Stored<UserId>,
    status: Stored<RsvpStatus>,
    position: i64,
    checked_in_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    waitlisted_at: Option<NaiveDateTime>,
}

impl From<RsvpRow> for Rsvp {
    fn from(row: RsvpRow) -> Self {
        Rsvp {
            user_id: row.user_id.0,
            status: row.status.0,
            position: row.position,
            checked_in_at: row.checked_in_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
            waitlisted_at: row.waitlisted_at.map(from_db),
        }
    }
}

/// The answer of `user` for `post`, of `post`.
fn of(
    post: PostId,
    user: UserId,
) -> diesel::dsl::Filter<
    diesel::dsl::Filter<rsvps::table, diesel::dsl::Eq<rsvps::post_id, String>>,
    diesel::dsl::Eq<rsvps::user_id, String>,
> {
    rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::user_id.eq(user.to_string()))
}

pub fn find_rsvp(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
) -> Result<Option<Rsvp>, PersistenceError> {
    Ok(of(post, user)
        .select(RsvpRow::as_select())
        .first(conn)
        .optional()?
        .map(Rsvp::from))
}

/// How many answers for `post` are `status`.
pub fn count(
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

/// The capacity stored for the activity now.
pub fn capacity(conn: &mut DbConnection, post: PostId) -> Result<Option<u32>, PersistenceError> {
    let capacity: Option<i32> = posts::table
        .find(post.to_string())
        .select(posts::capacity)
        .first(conn)?;
    Ok(capacity.map(|c| u32::try_from(c).unwrap_or(0)))
}

/// The position after every answer given for `post` so far (arrival order).
pub fn next_position(conn: &mut DbConnection, post: PostId) -> Result<i64, PersistenceError> {
    let last: Option<i64> = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .select(max(rsvps::position))
        .first(conn)?;
    Ok(last.unwrap_or(0) + 1)
}

/// Writes `user`'s answer afresh: a new row, or (`again`) the row of an answer they cancelled,
/// at a new `position` and not checked in. Returns the answer as stored.
pub fn write_rsvp(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    status: RsvpStatus,
    position: i64,
    again: bool,
    now: DateTime<Utc>,
) -> Result<Rsvp, PersistenceError> {
    let waitlisted_at = (status == RsvpStatus::Waitlisted).then(|| to_db(now));
    if again {
        diesel::update(of(post, user))
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
    find_rsvp(conn, post, user)?.ok_or(PersistenceError::Query(diesel::result::Error::NotFound))
}

/// Sets the status of `user`'s answer.
pub fn set_rsvp_status(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    status: RsvpStatus,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(of(post, user))
        .set((
            rsvps::status.eq(status.as_str()),
            rsvps::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The first `limit` on the waitlist, in arrival order.
pub fn first_waiting(
    conn: &mut DbConnection,
    post: PostId,
    limit: u64,
) -> Result<Vec<UserId>, PersistenceError> {
    let next: Vec<Stored<UserId>> = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .order(rsvps::position)
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(rsvps::user_id)
        .load(conn)?;
    Ok(next.into_iter().map(|user| user.0).collect())
}

/// Stores the activity's capacity.
pub fn set_capacity(
    conn: &mut DbConnection,
    post: PostId,
    capacity: Option<u32>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(posts::table.find(post.to_string()))
        .set((
            posts::capacity.eq(capacity.map(|c| i32::try_from(c).unwrap_or(i32::MAX))),
            posts::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that `user` came, at `now`. Returns the answer as stored.
pub fn set_checked_in(
    conn: &mut DbConnection,
    post: PostId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Rsvp, PersistenceError> {
    diesel::update(of(post, user))
        .set(rsvps::checked_in_at.eq(Some(to_db(now))))
        .execute(conn)?;
    find_rsvp(conn, post, user)?.ok_or(PersistenceError::Query(diesel::result::Error::NotFound))
}

/// An answer with the display name of who gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub rsvp: Rsvp,
    pub display_name: String,
}

/// Everyone with an answer standing, going first, each list in arrival order, with names: one
/// query.
pub fn attendees(conn: &mut DbConnection, post: PostId) -> Result<Vec<Attendee>, PersistenceError> {
    let rows: Vec<(RsvpRow, String)> = rsvps::table
        .inner_join(users::table)
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
        // Going before waitlisted ("g" < "w"), each in arrival order.
        .order((rsvps::status, rsvps::position))
        .select((RsvpRow::as_select(), users::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, display_name)| Attendee {
            rsvp: Rsvp::from(row),
            display_name,
        })
        .collect())
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

/// One person's answer to an activity, as `rebuild-stats` reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    pub post: PostId,
    pub user: UserId,
    pub neighbourhood: buurt_domain::neighbourhoods::NeighbourhoodId,
    pub answered_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// Answers after `after` (by post, then person), `limit` at a time (for `rebuild-stats`).
pub fn answers_after(
    conn: &mut DbConnection,
    after: Option<(PostId, UserId)>,
    limit: i64,
) -> Result<Vec<AnswerRecord>, PersistenceError> {
    type Row = (
        Stored<PostId>,
        Stored<UserId>,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Stored<buurt_domain::neighbourhoods::NeighbourhoodId>,
    );
    let (post, user) = after
        .map(|(post, user)| (post.to_string(), user.to_string()))
        .unwrap_or_default();
    let rows: Vec<Row> = rsvps::table
        .inner_join(posts::table.on(posts::id.eq(rsvps::post_id)))
        .filter(crate::keyset::after(
            (rsvps::post_id, rsvps::user_id),
            (post, user),
        ))
        .order((rsvps::post_id, rsvps::user_id))
        .limit(limit)
        .select((
            rsvps::post_id,
            rsvps::user_id,
            rsvps::created_at,
            rsvps::checked_in_at,
            posts::neighbourhood_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(post, user, answered, checked_in, place)| AnswerRecord {
            post: post.0,
            user: user.0,
            neighbourhood: place.0,
            answered_at: from_db(answered),
            checked_in_at: checked_in.map(from_db),
        })
        .collect())
}
