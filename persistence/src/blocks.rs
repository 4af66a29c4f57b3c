//! Personal blocks: who does not want to meet whom through the platform.

use std::collections::HashSet;

use buurt_domain::accounts::UserId;
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{user_blocks, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// One entry of a person's block list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub user_id: UserId,
    pub display_name: String,
    pub blocked_at: DateTime<Utc>,
}

/// Holds both people's rows for the rest of the write transaction, so that a block between
/// them and a match proposed between them (which holds the helper's row, see
/// `matching::hold_helper`) take turns.
pub fn hold_pair(
    conn: &mut DbConnection,
    one: UserId,
    other: UserId,
) -> Result<(), PersistenceError> {
    // Always in the same order, so two blocks between the same people never deadlock.
    let (first, second) = if one.0 <= other.0 {
        (one, other)
    } else {
        (other, one)
    };
    hold_person(conn, first)?;
    hold_person(conn, second)
}

/// `SELECT … FOR NO KEY UPDATE` on PostgreSQL (SQLite's write transaction holds everything):
/// it waits for a proposal holding the row, but not for rows merely referenced (a proposal's
/// new match and notice point at the other person's row, which the block may hold).
fn hold_person(conn: &mut DbConnection, user: UserId) -> Result<(), PersistenceError> {
    if let DbConnection::Postgresql(_) = conn {
        // A UUID formatted by us: safe to put in the statement.
        conn.batch_execute(&format!(
            "SELECT 1 FROM users WHERE id = '{}' FOR NO KEY UPDATE",
            user.0
        ))?;
    }
    Ok(())
}

/// `blocker` blocks `blocked`. Returns whether the block is new.
pub fn block(
    conn: &mut DbConnection,
    blocker: UserId,
    blocked: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::insert_into(user_blocks::table)
        .values((
            user_blocks::blocker_id.eq(blocker.to_string()),
            user_blocks::blocked_id.eq(blocked.to_string()),
            user_blocks::created_at.eq(to_db(now)),
        ))
        .execute(conn);
    Ok(crate::error::inserted_unless_duplicate(inserted)?)
}

/// Lifts a block. Returns whether there was one.
pub fn unblock(
    conn: &mut DbConnection,
    blocker: UserId,
    blocked: UserId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(
        user_blocks::table
            .filter(user_blocks::blocker_id.eq(blocker.to_string()))
            .filter(user_blocks::blocked_id.eq(blocked.to_string())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// The people `blocker` blocked, by user id, after `after`, at most `limit`.
pub fn blocked_by(
    conn: &mut DbConnection,
    blocker: UserId,
    after: Option<UserId>,
    limit: usize,
) -> Result<Vec<Block>, PersistenceError> {
    load(conn, blocker, Range::After(after), limit)
}

/// `blocker`'s block of `blocked`, if there is one.
pub fn find(
    conn: &mut DbConnection,
    blocker: UserId,
    blocked: UserId,
) -> Result<Option<Block>, PersistenceError> {
    Ok(load(conn, blocker, Range::Exactly(blocked), 1)?.pop())
}

enum Range {
    After(Option<UserId>),
    Exactly(UserId),
}

fn load(
    conn: &mut DbConnection,
    blocker: UserId,
    range: Range,
    limit: usize,
) -> Result<Vec<Block>, PersistenceError> {
    let mut query = user_blocks::table
        .inner_join(users::table.on(users::id.eq(user_blocks::blocked_id)))
        .filter(user_blocks::blocker_id.eq(blocker.to_string()))
        .into_boxed();
    query = match range {
        Range::After(None) => query,
        Range::After(Some(after)) => query.filter(user_blocks::blocked_id.gt(after.to_string())),
        Range::Exactly(user) => query.filter(user_blocks::blocked_id.eq(user.to_string())),
    };
    let rows: Vec<(Stored<UserId>, String, chrono::NaiveDateTime)> = query
        .order(user_blocks::blocked_id.asc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((
            user_blocks::blocked_id,
            users::display_name,
            user_blocks::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, display_name, at)| Block {
            user_id: id.0,
            display_name,
            blocked_at: from_db(at),
        })
        .collect())
}

/// Everyone `user` blocked or was blocked by: people the platform keeps apart from them.
pub fn kept_apart_from(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<HashSet<UserId>, PersistenceError> {
    let id = user.to_string();
    let blocked: Vec<Stored<UserId>> = user_blocks::table
        .filter(user_blocks::blocker_id.eq(&id))
        .select(user_blocks::blocked_id)
        .load(conn)?;
    let blockers: Vec<Stored<UserId>> = user_blocks::table
        .filter(user_blocks::blocked_id.eq(&id))
        .select(user_blocks::blocker_id)
        .load(conn)?;
    Ok(blocked.into_iter().chain(blockers).map(|id| id.0).collect())
}

/// Whether either of the two blocked the other.
pub fn apart(
    conn: &mut DbConnection,
    one: UserId,
    other: UserId,
) -> Result<bool, PersistenceError> {
    let (one, other) = (one.to_string(), other.to_string());
    let count: i64 = user_blocks::table
        .filter(
            user_blocks::blocker_id
                .eq(&one)
                .and(user_blocks::blocked_id.eq(&other))
                .or(user_blocks::blocker_id
                    .eq(&other)
                    .and(user_blocks::blocked_id.eq(&one))),
        )
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}
