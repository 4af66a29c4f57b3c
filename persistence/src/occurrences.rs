//! The answers for the occurrences of a recurring activity (issue 20): per occurrence, who
//! goes and who waits, in arrival order. As for one-off activities, the use cases change them
//! holding the activity's row, so `going` never exceeds the capacity of an occurrence.

use buurt_domain::accounts::UserId;
use buurt_domain::activities::{Rsvp, RsvpStatus};
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::max;
use diesel::prelude::*;

use crate::activities::Attendee;
use crate::columns::{Stored, day_column};
use crate::schema::occurrence_rsvps as rsvps;
use crate::schema::users;
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

type RsvpColumns = (
    Stored<UserId>,
    Stored<RsvpStatus>,
    i64,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn rsvp((user, status, position, created_at, updated_at, checked_in_at): RsvpColumns) -> Rsvp {
    Rsvp {
        user_id: user.0,
        status: status.0,
        position,
        checked_in_at: checked_in_at.map(from_db),
        created_at: from_db(created_at),
        updated_at: from_db(updated_at),
        waitlisted_at: None,
    }
}

const COLUMNS: (
    rsvps::user_id,
    rsvps::status,
    rsvps::position,
    rsvps::created_at,
    rsvps::updated_at,
    rsvps::checked_in_at,
) = (
    rsvps::user_id,
    rsvps::status,
    rsvps::position,
    rsvps::created_at,
    rsvps::updated_at,
    rsvps::checked_in_at,
);

/// The answer of `user` for the occurrence of `post` on `on`.
pub fn find(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    user: UserId,
) -> Result<Option<Rsvp>, PersistenceError> {
    Ok(rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(day_column(on)))
        .filter(rsvps::user_id.eq(user.to_string()))
        .select(COLUMNS)
        .first::<RsvpColumns>(conn)
        .optional()?
        .map(rsvp))
}

/// How many answers of the occurrence have `status`.
pub fn count(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    status: RsvpStatus,
) -> Result<u64, PersistenceError> {
    let n: i64 = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(day_column(on)))
        .filter(rsvps::status.eq(status.as_str()))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How many waiting for the occurrence arrived before `position`.
pub fn waitlisted_before(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    position: i64,
) -> Result<u64, PersistenceError> {
    let n: i64 = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(day_column(on)))
        .filter(rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .filter(rsvps::position.lt(position))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Writes `user`'s answer for the occurrence: a new row, or (`again`) over their cancelled
/// one, at `position` (the end of the line).
pub fn write(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    user: UserId,
    status: RsvpStatus,
    again: bool,
    now: DateTime<Utc>,
) -> Result<Rsvp, PersistenceError> {
    let day = day_column(on);
    let next: Option<i64> = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(&day))
        .select(max(rsvps::position))
        .first(conn)?;
    let position = next.unwrap_or(0) + 1;
    if again {
        diesel::update(
            rsvps::table
                .filter(rsvps::post_id.eq(post.to_string()))
                .filter(rsvps::occurrence.eq(&day))
                .filter(rsvps::user_id.eq(user.to_string())),
        )
        .set((
            rsvps::status.eq(status.as_str()),
            rsvps::position.eq(position),
            rsvps::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    } else {
        diesel::insert_into(rsvps::table)
            .values((
                rsvps::post_id.eq(post.to_string()),
                rsvps::occurrence.eq(&day),
                rsvps::user_id.eq(user.to_string()),
                rsvps::status.eq(status.as_str()),
                rsvps::position.eq(position),
                rsvps::created_at.eq(to_db(now)),
                rsvps::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    find(conn, post, on, user)?.ok_or(PersistenceError::Corrupt(
        "an answer just written is gone".into(),
    ))
}

/// Sets the status of `user`'s answer for the occurrence.
pub fn set_status(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    user: UserId,
    status: RsvpStatus,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(
        rsvps::table
            .filter(rsvps::post_id.eq(post.to_string()))
            .filter(rsvps::occurrence.eq(day_column(on)))
            .filter(rsvps::user_id.eq(user.to_string())),
    )
    .set((
        rsvps::status.eq(status.as_str()),
        rsvps::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(())
}

/// The first `n` waiting for the occurrence, in arrival order.
pub fn first_waiting(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    n: u64,
) -> Result<Vec<UserId>, PersistenceError> {
    let rows: Vec<Stored<UserId>> = rsvps::table
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(day_column(on)))
        .filter(rsvps::status.eq(RsvpStatus::Waitlisted.as_str()))
        .order(rsvps::position.asc())
        .limit(i64::try_from(n).unwrap_or(i64::MAX))
        .select(rsvps::user_id)
        .load(conn)?;
    Ok(rows.into_iter().map(|user| user.0).collect())
}

/// Records that `user` came to the occurrence, at `now`; returns their answer.
pub fn set_checked_in(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Rsvp, PersistenceError> {
    diesel::update(
        rsvps::table
            .filter(rsvps::post_id.eq(post.to_string()))
            .filter(rsvps::occurrence.eq(day_column(on)))
            .filter(rsvps::user_id.eq(user.to_string())),
    )
    .set(rsvps::checked_in_at.eq(to_db(now)))
    .execute(conn)?;
    find(conn, post, on, user)?.ok_or(PersistenceError::Corrupt(
        "an answer just checked in is gone".into(),
    ))
}

/// Everyone with an answer standing for the occurrence, going first, each list in arrival
/// order, with names: one query.
pub fn attendees(
    conn: &mut DbConnection,
    post: PostId,
    on: NaiveDate,
) -> Result<Vec<Attendee>, PersistenceError> {
    let rows: Vec<(RsvpColumns, String)> = rsvps::table
        .inner_join(users::table)
        .filter(rsvps::post_id.eq(post.to_string()))
        .filter(rsvps::occurrence.eq(day_column(on)))
        .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
        // Going before waitlisted ("g" < "w"), each in arrival order.
        .order((rsvps::status, rsvps::position))
        .select((COLUMNS, users::display_name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, display_name)| Attendee {
            rsvp: rsvp(row),
            display_name,
        })
        .collect())
}

/// Erasure (issue 18 for issue 20's series): the occurrences `user` still has an active
/// answer for (going or waiting), oldest first, to be withdrawn one by one.
pub fn active_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<(PostId, NaiveDate)>, PersistenceError> {
    let rows: Vec<(Stored<PostId>, String)> = rsvps::table
        .filter(rsvps::user_id.eq(user.to_string()))
        .filter(rsvps::status.ne("cancelled"))
        .order((rsvps::occurrence, rsvps::post_id))
        .select((rsvps::post_id, rsvps::occurrence))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(post, day)| {
            NaiveDate::parse_from_str(&day, crate::columns::DAY_FORMAT)
                .ok()
                .map(|on| (post.0, on))
        })
        .collect())
}
