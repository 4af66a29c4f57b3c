//! Use cases of the inbox: reading it and marking notices read. (What fills it is declared in
//! `buurt_domain::effects` and recorded by `outbox`.)

use buurt_domain::accounts::UserId;
use buurt_persistence::notifications::{self as repo, InboxCursor, InboxItem};
use uuid::Uuid;

use crate::{AppError, Cx};

/// One page of the inbox, newest first.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub items: Vec<InboxItem>,
    pub next: Option<InboxCursor>,
    /// How many are unread in the whole inbox.
    pub unread: i64,
}

/// One page of `user`'s inbox (only the unread ones, with `unread_only`).
pub fn inbox(
    cx: &mut Cx<'_>,
    user: UserId,
    unread_only: bool,
    after: Option<InboxCursor>,
    limit: usize,
) -> Result<Inbox, AppError> {
    let (items, next) = repo::inbox(cx.conn, user, unread_only, after.as_ref(), limit)?;
    let unread = repo::count_unread(cx.conn, user)?;
    Ok(Inbox {
        items,
        next,
        unread,
    })
}

/// Marks one of `user`'s notices read (again is harmless); `NotFound` if it is not theirs.
pub fn mark_read(cx: &mut Cx<'_>, user: UserId, id: Uuid) -> Result<InboxItem, AppError> {
    let now = cx.now();
    repo::mark_read(cx.conn, user, id, now)?.ok_or(AppError::NotFound)
}

/// Marks every notice of `user` read.
pub fn mark_all_read(cx: &mut Cx<'_>, user: UserId) -> Result<(), AppError> {
    let now = cx.now();
    repo::mark_all_read(cx.conn, user, now)?;
    Ok(())
}

/// How many unread messages `user` has in each of `matches` (unread `match_message` notices).
pub fn unread_messages_per_match(
    cx: &mut Cx<'_>,
    user: UserId,
    matches: &[buurt_domain::matching::MatchId],
) -> Result<std::collections::HashMap<buurt_domain::matching::MatchId, i64>, AppError> {
    Ok(repo::unread_messages_per_match(cx.conn, user, matches)?
        .into_iter()
        .collect())
}
