use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection,
    TransactionManager,
};
use diesel::r2d2::{self, HandleError, ManageConnection};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use crate::PersistenceError;

// The derive writes helper items into the enclosing module, so it gets a module of its own.
mod multi {
    /// One connection to whichever backend `DATABASE_URL` chose.
    #[derive(diesel::MultiConnection)]
    pub enum DbConnection {
        Postgresql(diesel::PgConnection),
        Sqlite(diesel::SqliteConnection),
    }
}
pub use multi::{DbConnection, MultiBackend};

pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Which database engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed `DATABASE_URL`: `postgres://…` or `postgresql://…` select PostgreSQL; `sqlite://PATH`,
/// `sqlite:PATH` or a bare path select a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { path: String },
    Postgres { url: String },
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, PersistenceError> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: raw.to_owned(),
            });
        }
        let path = if let Some(path) = raw.strip_prefix("sqlite://") {
            path
        } else if let Some(path) = raw.strip_prefix("sqlite:") {
            path
        } else if let Some((scheme, _)) = raw.split_once("://") {
            return Err(PersistenceError::InvalidUrl(format!(
                "unsupported scheme `{scheme}`: use postgres://… or a SQLite file path"
            )));
        } else {
            raw
        };
        if path.is_empty() {
            return Err(PersistenceError::InvalidUrl(
                "the SQLite file path is empty".into(),
            ));
        }
        if path.contains(":memory:") || path.contains("mode=memory") {
            // Every pooled connection would get a database of its own.
            return Err(PersistenceError::InvalidUrl(
                "in-memory SQLite cannot be shared by a connection pool: use a file".into(),
            ));
        }
        Ok(Self::Sqlite {
            path: path.to_owned(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite { .. } => Backend::Sqlite,
            Self::Postgres { .. } => Backend::Postgres,
        }
    }
}

/// Never prints a password: this ends up in logs.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite { path } => write!(f, "sqlite://{path}"),
            Self::Postgres { url } => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.rsplit_once('@') {
                    Some((credentials, host)) => {
                        let user = credentials.split(':').next().unwrap_or_default();
                        let hidden = if credentials.contains(':') {
                            ":***"
                        } else {
                            ""
                        };
                        write!(f, "{scheme}://{user}{hidden}@{host}")
                    }
                    None => write!(f, "{scheme}://{rest}"),
                }
            }
        }
    }
}

/// Opens connections for the pool. Unlike the derived `establish`, it reports the real
/// connection error, and it prepares every SQLite connection the same way.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    statements: StatementCount,
    role: Role,
}

/// What a pool's connections are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Reads and writes: on PostgreSQL a connection is only valid while its server is the
    /// leader, so a pooled connection to a demoted one is dropped at checkout, not used for
    /// writes that would fail.
    Leader,
    /// Reads only, where a little staleness is acceptable (a standby, `BUURT_DATABASE_READ_URL`).
    Replica,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl, statements: StatementCount) -> Self {
        Self {
            url,
            statements,
            role: Role::Leader,
        }
    }
}

/// How many statements a pool's connections have sent since it was built
/// (`db_statements_total` in the metrics; tests use it to show a list is not N+1).
#[derive(Debug, Clone, Default)]
pub struct StatementCount(Arc<AtomicU64>);

impl StatementCount {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Counts every statement a connection starts.
struct StatementCounter(Arc<AtomicU64>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Applied to every SQLite connection: wait for the write lock rather than failing at once,
/// enforce foreign keys, and fsync at checkpoints only (safe with WAL).
const SQLITE_CONNECTION_PRAGMAS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = PersistenceError;

    fn connect(&self) -> Result<DbConnection, PersistenceError> {
        let mut conn = match &self.url {
            DatabaseUrl::Postgres { url } => {
                DbConnection::Postgresql(PgConnection::establish(url)?)
            }
            DatabaseUrl::Sqlite { path } => {
                // `mode=rw`: never create the file here. A database that has gone missing must
                // fail to open, not come back empty.
                let mut conn = SqliteConnection::establish(&sqlite_uri(path, "rw"))?;
                conn.batch_execute(SQLITE_CONNECTION_PRAGMAS)?;
                DbConnection::Sqlite(conn)
            }
        };
        conn.set_instrumentation(StatementCounter(self.statements.0.clone()));
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), PersistenceError> {
        // An open connection keeps working on a deleted or moved file, and whatever it writes
        // there is lost: such a connection is no longer valid.
        if let DatabaseUrl::Sqlite { path } = &self.url
            && !Path::new(path).exists()
        {
            return Err(PersistenceError::FileMissing(path.clone()));
        }
        match conn {
            // The check costs what `SELECT 1` costs, and after a failover it is what keeps a
            // connection to the demoted leader (reached again through a proxy) out of use.
            DbConnection::Postgresql(pg) if self.role == Role::Leader => {
                let standby: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "pg_is_in_recovery()",
                ))
                .get_result(pg)?;
                if standby {
                    return Err(PersistenceError::NotLeader);
                }
                Ok(())
            }
            _ => Ok(conn.batch_execute("SELECT 1")?),
        }
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// An SQLite URI for a file path, opened in `mode` (`rw`, or `rwc` to create it).
fn sqlite_uri(path: &str, mode: &str) -> String {
    let mut escaped = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '?' => escaped.push_str("%3f"),
            '#' => escaped.push_str("%23"),
            c => escaped.push(c),
        }
    }
    format!("file:{escaped}?mode={mode}")
}

/// r2d2 reports connection failures through `log`; send them to `tracing` instead.
#[derive(Debug)]
struct TracingErrorHandler;

impl HandleError<PersistenceError> for TracingErrorHandler {
    fn handle_error(&self, error: PersistenceError) {
        tracing::warn!(%error, "database connection failed");
    }
}

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub checkout_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            checkout_timeout: Duration::from_secs(5),
        }
    }
}

/// Builds the pool and opens its first connection, so a wrong URL fails here, clearly.
pub fn build_pool(
    url: &DatabaseUrl,
    options: &PoolOptions,
    statements: StatementCount,
) -> Result<DbPool, PersistenceError> {
    if let DatabaseUrl::Sqlite { path } = url {
        // WAL is a property of the file: set it once, before several connections contend.
        let mut conn = SqliteConnection::establish(&sqlite_uri(path, "rwc"))?;
        // Wait for the lock like every other connection does: the last connection of a process
        // that just stopped may still be checkpointing the file.
        conn.batch_execute(SQLITE_CONNECTION_PRAGMAS)?;
        conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(1))
        .connection_timeout(options.checkout_timeout)
        .error_handler(Box::new(TracingErrorHandler))
        .build(ConnectionManager::new(url.clone(), statements))?;
    Ok(pool)
}

/// A pool for reads that may be a little stale (`BUURT_DATABASE_READ_URL`: a standby). Never
/// migrated, never written; built without waiting for a first connection, so a replica that
/// is down does not keep the node from starting (its reads go to the leader meanwhile).
pub fn build_read_pool(
    url: &DatabaseUrl,
    options: &PoolOptions,
    statements: StatementCount,
) -> DbPool {
    let mut manager = ConnectionManager::new(url.clone(), statements);
    manager.role = Role::Replica;
    r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(0))
        .connection_timeout(options.checkout_timeout)
        .error_handler(Box::new(TracingErrorHandler))
        .build_unchecked(manager)
}

/// An online copy of a SQLite database into the new file `target` (`VACUUM INTO`: one
/// consistent snapshot, taken while the server serves; readers and writers carry on). A
/// PostgreSQL database is backed up with its own tools (`pg_basebackup` and WAL archiving).
pub fn backup_sqlite(url: &DatabaseUrl, target: &Path) -> Result<(), PersistenceError> {
    let DatabaseUrl::Sqlite { path } = url else {
        return Err(PersistenceError::Unsupported(
            "buurt backup copies a SQLite database; back PostgreSQL up with pg_basebackup and \
             WAL archiving (deploy/README.md)",
        ));
    };
    if target.exists() {
        return Err(PersistenceError::Backup(format!(
            "{} exists already: a backup never overwrites a file",
            target.display()
        )));
    }
    let target = target
        .to_str()
        .ok_or_else(|| PersistenceError::Backup("the backup path is not valid UTF-8".to_owned()))?;
    let mut conn = SqliteConnection::establish(&sqlite_uri(path, "rw"))?;
    conn.batch_execute(SQLITE_CONNECTION_PRAGMAS)?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(&mut conn)?;
    // The copy must be whole and readable before it counts as a backup.
    let mut copy = SqliteConnection::establish(&sqlite_uri(target, "ro"))?;
    let check: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "(SELECT integrity_check FROM pragma_integrity_check)",
    ))
    .get_result(&mut copy)?;
    if check != "ok" {
        return Err(PersistenceError::Backup(format!(
            "the copy failed its integrity check: {check}"
        )));
    }
    Ok(())
}

/// Readiness: a connection can be had within `timeout` and answers a query on our schema.
/// For SQLite the file must also still be where it was configured: connections that hold a
/// deleted or moved file open keep working, but everything written there would be lost.
pub fn check_ready(
    pool: &DbPool,
    url: &DatabaseUrl,
    timeout: Duration,
) -> Result<(), PersistenceError> {
    if let DatabaseUrl::Sqlite { path } = url
        && !Path::new(path).exists()
    {
        return Err(PersistenceError::FileMissing(path.clone()));
    }
    let mut conn = pool.get_timeout(timeout)?;
    conn.batch_execute("SELECT count(*) FROM settings")?;
    Ok(())
}

/// Runs `f` in a transaction meant to write. On SQLite it starts as `BEGIN IMMEDIATE`, so two
/// writers queue for the lock up front instead of one failing with `SQLITE_BUSY` when its
/// read lock cannot be upgraded; on PostgreSQL it is an ordinary transaction. Inside another
/// transaction it is a savepoint of that one (which already holds the write lock).
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Manager = <DbConnection as Connection>::TransactionManager;
    // An outermost transaction on SQLite takes the write lock at once; everything else
    // (PostgreSQL, or a transaction inside another) is diesel's own, a savepoint when nested.
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    if let Ok(Some(_)) =
        AnsiTransactionManager::transaction_manager_status_mut(sqlite).transaction_depth()
    {
        return conn.transaction(f);
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback_error) => Err(rollback_error.into()),
        },
    }
}

/// Runs `f` in one read-only transaction that sees the database as it was at one moment,
/// whatever commits meanwhile: `REPEATABLE READ, READ ONLY` on PostgreSQL; on SQLite a
/// deferred transaction, whose first read fixes its snapshot (WAL) until it ends. For reads
/// that must agree with each other across many statements (an export).
pub fn in_read_snapshot<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<PersistenceError>,
{
    enum Failed<E> {
        Query(diesel::result::Error),
        Caller(E),
    }
    impl<E> From<diesel::result::Error> for Failed<E> {
        fn from(error: diesel::result::Error) -> Self {
            Self::Query(error)
        }
    }
    conn.transaction(|conn| {
        match conn {
            DbConnection::Postgresql(pg) => {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(pg)?;
            }
            // Deferred: the snapshot begins with the first read, which is this one.
            DbConnection::Sqlite(sqlite) => {
                diesel::sql_query("SELECT 1 FROM sqlite_master LIMIT 1").execute(sqlite)?;
            }
        }
        f(conn).map_err(Failed::Caller)
    })
    .map_err(|failed| match failed {
        Failed::Query(error) => E::from(PersistenceError::Query(error)),
        Failed::Caller(error) => error,
    })
}

/// Runs `work` in one write transaction that holds the post's row from the start, so that what
/// it reads of the post is still so when it writes (an edit merged into the current content,
/// say). Writes inside nest in the same transaction.
pub fn holding_post<T, E, F>(conn: &mut DbConnection, post: uuid::Uuid, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<PersistenceError>,
{
    enum Held<E> {
        Database(diesel::result::Error),
        Work(E),
    }
    impl<E> From<diesel::result::Error> for Held<E> {
        fn from(error: diesel::result::Error) -> Self {
            Self::Database(error)
        }
    }
    write_transaction(conn, |conn| {
        lock_row(conn, "posts", post).map_err(|error| Held::Work(E::from(error)))?;
        work(conn).map_err(Held::Work)
    })
    .map_err(|held| match held {
        Held::Database(error) => E::from(PersistenceError::from(error)),
        Held::Work(error) => error,
    })
}

/// Holds one row for the rest of the write transaction, so that writers of what hangs off it
/// take turns: `SELECT … FOR UPDATE` on PostgreSQL. SQLite needs nothing: its write
/// transactions (`write_transaction`) hold the whole database.
pub(crate) fn lock_row(
    conn: &mut DbConnection,
    table: &'static str,
    id: uuid::Uuid,
) -> Result<(), PersistenceError> {
    if let DbConnection::Postgresql(_) = conn {
        // A table name of ours and a UUID formatted by us: safe to put in the statement.
        conn.batch_execute(&format!(
            "SELECT 1 FROM {table} WHERE id = '{id}' FOR UPDATE"
        ))?;
    }
    Ok(())
}

/// `write_transaction` for callers whose error is not diesel's (the use cases): a query that
/// fails inside is turned into `PersistenceError`, and either way everything rolls back.
pub fn in_write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<PersistenceError>,
{
    enum Failed<E> {
        Query(diesel::result::Error),
        Caller(E),
    }
    impl<E> From<diesel::result::Error> for Failed<E> {
        fn from(error: diesel::result::Error) -> Self {
            Self::Query(error)
        }
    }
    write_transaction(conn, |conn| f(conn).map_err(Failed::Caller)).map_err(|failed| match failed {
        Failed::Query(error) => E::from(PersistenceError::Query(error)),
        Failed::Caller(error) => error,
    })
}
