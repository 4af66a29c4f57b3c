//! Instance-wide settings kept in the database, so every node and every restart agrees.

use chrono::Utc;
use diesel::prelude::*;

use crate::schema::settings;
use crate::secrets::{SecretsKey, setting_purpose};
use crate::{DbConnection, PersistenceError};

const JWT_SECRET_KEY: &str = "jwt_secret";

/// The settings that hold secrets: stored sealed.
pub const SECRET_KEYS: &[&str] = &[JWT_SECRET_KEY];

/// Returns the stored JWT secret, storing `candidate` first (sealed with `key`) when there is
/// none yet. When several nodes start at once, the first insert wins and all of them return
/// that one.
pub fn jwt_secret_or_init(
    conn: &mut DbConnection,
    candidate: &str,
    key: &SecretsKey,
) -> Result<String, PersistenceError> {
    let purpose = setting_purpose(JWT_SECRET_KEY);
    if let Some(secret) = get(conn, JWT_SECRET_KEY)? {
        return key.open(&purpose, &secret);
    }
    let inserted = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(JWT_SECRET_KEY),
            settings::value.eq(key.seal(&purpose, candidate)),
            settings::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn);
    // When another node stored its secret between our read and our insert, use that one.
    crate::error::inserted_unless_duplicate(inserted)?;
    let stored = get(conn, JWT_SECRET_KEY)?
        .ok_or_else(|| PersistenceError::Query(diesel::result::Error::NotFound))?;
    key.open(&purpose, &stored)
}

fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, PersistenceError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}
