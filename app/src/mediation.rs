//! Use cases of mediation.

use buurt_domain::accounts::UserId;
use buurt_domain::posts::{Post, PostId};
use buurt_persistence::{DbConnection, PersistenceError};
use chrono::{DateTime, Utc};

/// The request's open case, if any, ends as matched online (every helper place is taken).
/// Call it inside the transaction that holds the request. (A seam other areas call.)
pub fn resolve_matched_online(
    conn: &mut DbConnection,
    request: PostId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    buurt_persistence::mediation::resolve_matched_online(conn, request, now)
}

/// The request's open case, if any, ends as withdrawn (its request was closed by `by`). Call it
/// inside the transaction that holds the request. (A seam other areas call.)
pub fn withdraw_case(
    conn: &mut DbConnection,
    request: &Post,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    buurt_persistence::mediation::withdraw_within(conn, request, by, now)
}

/// Turns the request into a case, inside the caller's transaction (the request's row is locked
/// first). The refusal says why not. (A seam other areas call: creating a care request opens
/// its case in the same transaction.)
pub fn escalate_within(
    conn: &mut DbConnection,
    request: PostId,
    by: buurt_domain::mediation::EscalatedBy,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<
    Result<buurt_domain::mediation::Case, buurt_persistence::mediation::EscalateRefusal>,
    PersistenceError,
> {
    buurt_persistence::mediation::escalate_within(conn, request, by, actor, reason, now)
}
