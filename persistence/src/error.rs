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
    /// A connection meant for writes reached a PostgreSQL standby (a failover under way).
    #[error("the database server is not the leader (a standby)")]
    NotLeader,
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("backup failed: {0}")]
    Backup(String),
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
            | Self::KnownUnavailable
            | Self::NotLeader => true,
            Self::Query(Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => true,
            // A write that reached a standby: the leader is changing (a failover), and the
            // same write on the new leader a moment later will do.
            Self::Query(Error::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _)) => true,
            Self::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info))
                if is_switching_over(info.message()) =>
            {
                true
            }
            // SQLite gave up waiting for another writer (the busy timeout passed): the database
            // is there but busy, and a retry a moment later will do.
            Self::Query(Error::DatabaseError(DatabaseErrorKind::Unknown, info))
                if is_sqlite_busy(info.message()) =>
            {
                true
            }
            Self::InvalidUrl(_)
            | Self::Unsupported(_)
            | Self::Backup(_)
            | Self::Migration(_)
            | Self::Corrupt(_)
            | Self::WrongSecretsKey
            | Self::Query(_) => false,
        }
    }
}

impl PersistenceError {
    /// Whether a row pointed at another that is not there (any more): an account erased, a
    /// post deleted, between the caller's check and its write (or on another node that still
    /// trusted a token of the erased account). Not the server's fault: a 401 or 409, never 500.
    pub fn is_foreign_key_violation(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        matches!(
            self,
            Self::Query(Error::DatabaseError(
                DatabaseErrorKind::ForeignKeyViolation,
                _
            ))
        )
    }

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

/// What PostgreSQL and PgBouncer say while a server stops, starts or changes role (libpq
/// hands over the message, not the SQLSTATE, to diesel's `Unknown`): the server is going away
/// or not there yet, and the request may be tried again in a moment.
fn is_switching_over(message: &str) -> bool {
    const TRANSIENT: [&str; 10] = [
        // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
        "terminating connection due to administrator command",
        "terminating connection because of crash of another server process",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "the database system is not yet accepting connections",
        // A hot standby cancelling a read that WAL replay needs out of the way.
        "canceling statement due to conflict with recovery",
        // PgBouncer, when its server connection went away or none can be had in time.
        "server conn crashed?",
        "query_wait_timeout",
        "pgbouncer cannot connect to server",
    ];
    TRANSIENT
        .iter()
        .any(|transient| message.contains(transient))
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

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn unknown(message: &str) -> PersistenceError {
        PersistenceError::Query(Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(message.to_owned()),
        ))
    }

    #[test]
    fn a_server_changing_role_is_unavailable_not_a_failure() {
        for message in [
            "terminating connection due to administrator command",
            "FATAL:  the database system is shutting down",
            "the database system is starting up",
            "ERROR:  server conn crashed?",
            "query_wait_timeout",
        ] {
            assert!(unknown(message).is_unavailable(), "{message}");
            assert!(!unknown(message).is_busy(), "{message}");
        }
        let on_standby = PersistenceError::Query(Error::DatabaseError(
            DatabaseErrorKind::ReadOnlyTransaction,
            Box::new("cannot execute INSERT in a read-only transaction".to_owned()),
        ));
        assert!(on_standby.is_unavailable());
        assert!(PersistenceError::NotLeader.is_unavailable());
        // A real query error stays one (a 500, logged).
        assert!(!unknown("column \"nope\" does not exist").is_unavailable());
    }
}
