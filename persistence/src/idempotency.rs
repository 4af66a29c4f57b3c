//! Idempotency keys: the first response to a keyed POST, kept for its retries.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::idempotency_keys as keys;
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// A stored successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What a keyed request finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First with this key: go ahead, then `complete` or `release`.
    Claimed,
    /// Done before: answer with this.
    Completed(StoredResponse),
    /// The same request is running now.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

type Row = (
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
    NaiveDateTime,
);

/// Claims `key` for a request with `fingerprint`. Keys older than `ttl` are forgotten, and a
/// claim left unfinished for `abandoned_after` (its process died) may be taken over.
pub fn claim(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    ttl: Duration,
    abandoned_after: Duration,
) -> Result<Claim, PersistenceError> {
    for _ in 0..3 {
        let inserted = diesel::insert_into(keys::table)
            .values((
                keys::scope.eq(scope),
                keys::key.eq(key),
                keys::fingerprint.eq(fingerprint),
                keys::created_at.eq(to_db(now)),
            ))
            .execute(conn);
        if crate::error::inserted_unless_duplicate(inserted)? {
            return Ok(Claim::Claimed);
        }
        let found: Option<Row> = keys::table
            .filter(keys::scope.eq(scope))
            .filter(keys::key.eq(key))
            .select((
                keys::fingerprint,
                keys::status,
                keys::content_type,
                keys::location,
                keys::body,
                keys::created_at,
            ))
            .first(conn)
            .optional()?;
        let Some((stored_fingerprint, status, content_type, location, body, created_at)) = found
        else {
            continue;
        };
        let created_at = from_db(created_at);
        let expired = created_at <= now - ttl;
        let abandoned = status.is_none() && created_at <= now - abandoned_after;
        if expired || abandoned {
            // Only the row we looked at: a concurrent taker-over wins, and we see its claim.
            diesel::delete(
                keys::table
                    .filter(keys::scope.eq(scope))
                    .filter(keys::key.eq(key))
                    .filter(keys::created_at.eq(to_db(created_at))),
            )
            .execute(conn)?;
            continue;
        }
        if stored_fingerprint != fingerprint {
            return Ok(Claim::Mismatch);
        }
        return Ok(match status {
            Some(status) => Claim::Completed(StoredResponse {
                status: u16::try_from(status).unwrap_or(200),
                content_type,
                location,
                body: body.unwrap_or_default(),
            }),
            None => Claim::InProgress,
        });
    }
    Ok(Claim::InProgress)
}

/// Stores the response of a claimed key.
pub fn complete(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    response: &StoredResponse,
) -> Result<(), PersistenceError> {
    diesel::update(
        keys::table
            .filter(keys::scope.eq(scope))
            .filter(keys::key.eq(key)),
    )
    .set((
        keys::status.eq(Some(i32::from(response.status))),
        keys::content_type.eq(response.content_type.as_deref()),
        keys::location.eq(response.location.as_deref()),
        keys::body.eq(Some(&response.body)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives a claimed key up (the request failed), so a retry runs again.
pub fn release(conn: &mut DbConnection, scope: &str, key: &str) -> Result<(), PersistenceError> {
    diesel::delete(
        keys::table
            .filter(keys::scope.eq(scope))
            .filter(keys::key.eq(key))
            .filter(keys::status.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets keys created before `before`. Returns how many.
pub fn purge(conn: &mut DbConnection, before: DateTime<Utc>) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(keys::table.filter(keys::created_at.lt(to_db(before)))).execute(conn)?)
}
