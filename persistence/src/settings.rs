//! Instance-wide settings kept in the database, so every node and every restart agrees.

use chrono::Utc;
use diesel::prelude::*;

use crate::schema::settings;
use crate::{DbConnection, PersistenceError};

const JWT_SECRET_KEY: &str = "jwt_secret";

/// Returns the stored JWT secret, storing `candidate` first when there is none yet. When
/// several nodes start at once, the first insert wins and all of them return that one.
pub fn jwt_secret_or_init(
    conn: &mut DbConnection,
    candidate: &str,
) -> Result<String, PersistenceError> {
    if let Some(secret) = get(conn, JWT_SECRET_KEY)? {
        return Ok(secret);
    }
    let inserted = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(JWT_SECRET_KEY),
            settings::value.eq(candidate),
            settings::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn);
    // When another node stored its secret between our read and our insert, use that one.
    crate::error::inserted_unless_duplicate(inserted)?;
    get(conn, JWT_SECRET_KEY)?
        .ok_or_else(|| PersistenceError::Query(diesel::result::Error::NotFound))
}

fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, PersistenceError> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()?)
}
