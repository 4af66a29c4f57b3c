//! Use cases of posts.

use buurt_domain::posts::{IllegalPostTransition, Post, PostEvent, PostId};
use buurt_persistence::{DbConnection, PersistenceError};
use chrono::{DateTime, Utc};

/// Applies `event` to a post whose row the caller's transaction holds, with what follows it.
/// `None` when there is no such post. (The seam other areas call; its body moves here from
/// persistence with the posts use cases.)
pub fn apply_post_event(
    conn: &mut DbConnection,
    id: PostId,
    event: PostEvent,
    now: DateTime<Utc>,
) -> Result<Option<Result<Post, IllegalPostTransition>>, PersistenceError> {
    buurt_persistence::posts::apply_event_within(conn, id, event, now)
}
