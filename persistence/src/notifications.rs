//! The inbox, and the jobs that fill it.

use buurt_domain::accounts::UserId;
use buurt_domain::matching::MatchId;
use buurt_domain::notifications::{Notification, NotificationKind};
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::schema::{notifications, posts};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

type Row = (
    Stored<Uuid>,
    Stored<UserId>,
    Stored<NotificationKind>,
    Option<Stored<PostId>>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<Stored<MatchId>>,
);

fn from_row((id, user_id, kind, post_id, created_at, read_at, match_id): Row) -> Notification {
    Notification {
        id: id.0,
        user_id: user_id.0,
        kind: kind.0,
        post_id: post_id.map(|p| p.0),
        match_id: match_id.map(|m| m.0),
        created_at: from_db(created_at),
        read_at: read_at.map(from_db),
    }
}

const COLUMNS: (
    notifications::id,
    notifications::user_id,
    notifications::kind,
    notifications::post_id,
    notifications::created_at,
    notifications::read_at,
    notifications::match_id,
) = (
    notifications::id,
    notifications::user_id,
    notifications::kind,
    notifications::post_id,
    notifications::created_at,
    notifications::read_at,
    notifications::match_id,
);

pub fn notify(
    conn: &mut DbConnection,
    user: UserId,
    kind: NotificationKind,
    post: Option<PostId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    notify_about(conn, user, kind, post, None, now)
}

/// A notification about a post and, possibly, a match on it.
pub fn notify_about(
    conn: &mut DbConnection,
    user: UserId,
    kind: NotificationKind,
    post: Option<PostId>,
    match_id: Option<MatchId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(Uuid::new_v4().to_string()),
            notifications::user_id.eq(user.to_string()),
            notifications::kind.eq(kind.as_str()),
            notifications::post_id.eq(post.map(|p| p.to_string())),
            notifications::match_id.eq(match_id.map(|m| m.to_string())),
            notifications::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A notification with the title of its post, if it has one.
pub type InboxItem = (Notification, Option<String>);

/// Where an inbox page starts: after this creation time and id (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// One page of a user's inbox, newest first, with the post titles, and the next cursor.
pub fn inbox(
    conn: &mut DbConnection,
    user: UserId,
    unread_only: bool,
    after: Option<&InboxCursor>,
    limit: usize,
) -> Result<(Vec<InboxItem>, Option<InboxCursor>), PersistenceError> {
    let mut query = notifications::table
        .left_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
        .filter(notifications::user_id.eq(user.to_string()))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .select((COLUMNS, posts::title.nullable()))
        .into_boxed::<MultiBackend>();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(crate::keyset::before(
            (notifications::created_at, notifications::id),
            (at, after.id.clone()),
        ));
    }
    let mut rows: Vec<(Row, Option<String>)> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(row, _)| InboxCursor {
            created_at: from_db(row.4),
            id: row.0.0.to_string(),
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|(row, title)| (from_row(row), title))
        .collect();
    Ok((items, next))
}

pub fn count_unread(conn: &mut DbConnection, user: UserId) -> Result<i64, PersistenceError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Marks one of the user's notifications read (again is fine). `None` if it is not theirs.
pub fn mark_read(
    conn: &mut DbConnection,
    user: UserId,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<InboxItem>, PersistenceError> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id.to_string()))
            .filter(notifications::user_id.eq(user.to_string()))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(to_db(now))))
    .execute(conn)?;
    let row: Option<(Row, Option<String>)> = notifications::table
        .left_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
        .filter(notifications::id.eq(id.to_string()))
        .filter(notifications::user_id.eq(user.to_string()))
        .select((COLUMNS, posts::title.nullable()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(row, title)| (from_row(row), title)))
}

pub fn mark_all_read(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user.to_string()))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(to_db(now))))
    .execute(conn)?)
}

/// How many unread `match_message` notices `user` has about each of `matches` (those with
/// none are left out), in one query.
pub fn unread_messages_per_match(
    conn: &mut DbConnection,
    user: UserId,
    matches: &[MatchId],
) -> Result<Vec<(MatchId, i64)>, PersistenceError> {
    if matches.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = matches.iter().map(ToString::to_string).collect();
    let rows: Vec<(Option<Stored<MatchId>>, i64)> = notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .filter(notifications::read_at.is_null())
        .filter(notifications::kind.eq(NotificationKind::MatchMessage.as_str()))
        .filter(notifications::match_id.eq_any(ids))
        .group_by(notifications::match_id)
        .select((notifications::match_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, count)| id.map(|id| (id.0, count)))
        .collect())
}
