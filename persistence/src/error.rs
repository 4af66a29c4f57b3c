use thiserror::Error;

/// Failures of the persistence layer that are not a business outcome.
#[derive(Debug, Error)]
pub enum PersistenceError {
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("could not connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("the database is unavailable: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    #[error("the SQLite database file {0} is missing")]
    FileMissing(String),
    /// Not tried: the database was unreachable a moment ago (a circuit breaker said so).
    #[error("the database was unreachable moments ago")]
    KnownUnavailable,
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("a stored row does not hold a valid value: {0}")]
    Corrupt(String),
    #[error("the secrets key does not open the stored secrets (sealed with another key?)")]
    WrongSecretsKey,
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

impl PersistenceError {
    /// Whether the database could not be reached (as opposed to a query that failed): the
    /// caller may retry later, and readiness reports it.
    pub fn is_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            Self::Connect(_)
            | Self::Unavailable(_)
            | Self::FileMissing(_)
            | Self::KnownUnavailable => true,
            Self::Query(Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => true,
            // SQLite gave up waiting for another writer (the busy timeout passed): the database
            // is there but busy, and a retry a moment later will do.
            Self::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info))
                if is_sqlite_busy(info.message()) =>
            {
                true
            }
            Self::InvalidUrl(_)
            | Self::Migration(_)
            | Self::Corrupt(_)
            | Self::WrongSecretsKey
            | Self::Query(_) => false,
        }
    }
}

impl PersistenceError {
    /// Whether SQLite gave up waiting for another writer: unavailable for now (503), but the
    /// database was reached, so this is no sign of an outage.
    pub fn is_busy(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            Self::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info))
                if is_sqlite_busy(info.message())
        )
    }
}

/// SQLite's messages for `SQLITE_BUSY` and `SQLITE_LOCKED`.
fn is_sqlite_busy(message: &str) -> bool {
    matches!(
        message,
        "database is locked" | "database table is locked" | "database schema is locked"
    ) || message.starts_with("database table is locked")
}

/// An insert that may meet its unique key: `Ok(true)` when the row went in, `Ok(false)` when
/// an equal one was there already.
pub(crate) fn inserted_unless_duplicate(
    result: Result<usize, diesel::result::Error>,
) -> Result<bool, diesel::result::Error> {
    match result {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(error) => Err(error),
    }
}
