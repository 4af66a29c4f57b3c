use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection,
    TransactionManager,
};
use diesel::r2d2::{self, HandleError, ManageConnection, R2D2Connection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
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
    /// The pool's SQLite writers take turns here before `BEGIN IMMEDIATE` (see `WriterGate`).
    writers: Arc<WriterGate>,
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
            writers: Arc::default(),
        }
    }
}

/// The turn of one writer at a time among a pool's SQLite connections.
///
/// SQLite lets one transaction write at a time, and a writer that finds the lock taken sleeps
/// in its busy handler for 1, 2, 5, 10 … up to 100 ms before it looks again: while everyone
/// sleeps the lock stands free, and an unlucky writer keeps missing it. Under 16 concurrent
/// post creations p99 was 545 ms and an open-loop load fell behind its rate (issue 22,
/// BENCHMARKS.md). Writers of the same pool wait here instead, and the one that ends its
/// transaction hands the turn straight on. Writers of other processes (`run-jobs`) still meet
/// SQLite's own lock and busy timeout, as before.
#[derive(Debug, Default)]
struct WriterGate {
    taken: Mutex<bool>,
    freed: Condvar,
}

/// How long a writer waits for its turn before it goes to SQLite's lock anyway (and its busy
/// timeout): a connection that took the turn and then waits for another write of its own
/// thread must not hang for ever.
const WRITER_TURN_TIMEOUT: Duration = Duration::from_secs(5);

impl WriterGate {
    /// Waits for the turn; false when it did not come within `WRITER_TURN_TIMEOUT`.
    fn take(&self) -> bool {
        let taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut taken, waited) = self
            .freed
            .wait_timeout_while(taken, WRITER_TURN_TIMEOUT, |taken| *taken)
            .unwrap_or_else(PoisonError::into_inner);
        if waited.timed_out() && *taken {
            return false;
        }
        *taken = true;
        true
    }

    fn give_back(&self) {
        *self.taken.lock().unwrap_or_else(PoisonError::into_inner) = false;
        self.freed.notify_one();
    }
}

/// Where a SQLite connection is in the writer turn (`ConnectionWatch` follows its
/// transactions to know).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// Not in a write transaction of its own.
    None,
    /// An outermost transaction is beginning: its `BEGIN` is the next statement.
    Beginning,
    /// Holds the turn while its `BEGIN IMMEDIATE` runs.
    Opening,
    /// Holds the turn in a write transaction.
    Writing,
    /// Holds the turn while its `COMMIT` or `ROLLBACK` runs.
    Ending,
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

/// A connection as the pool keeps it: the connection itself (what `Deref` gives), and what the
/// pool has seen of it, so that checking a connection out costs no statement (issue 22: a
/// `SELECT 1` per check-out was ~58 µs of every request).
pub struct PooledDb {
    conn: DbConnection,
    /// Set by the connection's instrumentation when a statement failed in a way that leaves
    /// the connection useless (the server went away, or it is no longer the leader).
    broken: Arc<AtomicBool>,
    /// When the connection last came back to the pool in good order, or was last checked.
    known_good_at: Instant,
}

impl PooledDb {
    /// The connection, out of the pool's keeping.
    pub fn into_inner(self) -> DbConnection {
        self.conn
    }
}

impl Deref for PooledDb {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// How long a PostgreSQL connection may rest in the pool and still be handed out unchecked.
/// A busy pool's connections come back within milliseconds and are never checked; one that
/// rested longer (through a failover, say) is checked once before use.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// Watches every statement a connection runs: counts them, and marks the connection broken
/// when one failed because the connection or its server's role is gone.
/// On SQLite it also takes the pool's writer turn for each `BEGIN IMMEDIATE` transaction
/// (`write_transaction`) and hands it on when that transaction has ended.
struct ConnectionWatch {
    statements: Arc<AtomicU64>,
    broken: Arc<AtomicBool>,
    /// The pool's writer turn (SQLite only).
    writers: Option<Arc<WriterGate>>,
    turn: Turn,
}

impl ConnectionWatch {
    fn follow_turn(&mut self, event: &InstrumentationEvent<'_>) {
        let Some(writers) = &self.writers else {
            return;
        };
        self.turn = match (self.turn, event) {
            (Turn::None, InstrumentationEvent::BeginTransaction { depth, .. })
                if depth.get() == 1 =>
            {
                Turn::Beginning
            }
            // Only the text of a transaction's first statement is looked at.
            (Turn::Beginning, InstrumentationEvent::StartQuery { query, .. }) => {
                if query.to_string().starts_with("BEGIN IMMEDIATE") && writers.take() {
                    Turn::Opening
                } else {
                    Turn::None
                }
            }
            (Turn::Opening, InstrumentationEvent::FinishQuery { error, .. }) => {
                if error.is_some() {
                    writers.give_back();
                    Turn::None
                } else {
                    Turn::Writing
                }
            }
            (
                Turn::Writing,
                InstrumentationEvent::CommitTransaction { depth, .. }
                | InstrumentationEvent::RollbackTransaction { depth, .. },
            ) if depth.get() == 1 => Turn::Ending,
            (Turn::Ending, InstrumentationEvent::FinishQuery { .. }) => {
                writers.give_back();
                Turn::None
            }
            (turn, _) => turn,
        };
    }
}

impl Instrumentation for ConnectionWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        self.follow_turn(&event);
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                self.statements.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::FinishQuery {
                error: Some(error), ..
            } if leaves_connection_useless(error) => {
                self.broken.store(true, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

impl Drop for ConnectionWatch {
    /// A connection dropped inside its write transaction (a panic) hands the turn on.
    fn drop(&mut self) {
        if let Some(writers) = &self.writers
            && matches!(self.turn, Turn::Opening | Turn::Writing | Turn::Ending)
        {
            writers.give_back();
        }
    }
}

/// A failure after which the connection should not be used again: the server closed it or
/// cannot be reached through it, or it now answers as a standby (a demoted leader).
fn leaves_connection_useless(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection
                | DatabaseErrorKind::UnableToSendCommand
                | DatabaseErrorKind::ReadOnlyTransaction,
            _
        ) | DieselError::BrokenTransactionManager
    )
}

/// Applied to every SQLite connection: wait for the write lock rather than failing at once,
/// enforce foreign keys, and fsync at checkpoints only (safe with WAL).
const SQLITE_CONNECTION_PRAGMAS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = PersistenceError;

    fn connect(&self) -> Result<PooledDb, PersistenceError> {
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
        let broken = Arc::new(AtomicBool::new(false));
        let writers = matches!(self.url, DatabaseUrl::Sqlite { .. }).then(|| self.writers.clone());
        conn.set_instrumentation(ConnectionWatch {
            statements: self.statements.0.clone(),
            broken: broken.clone(),
            writers,
            turn: Turn::None,
        });
        Ok(PooledDb {
            conn,
            broken,
            known_good_at: Instant::now(),
        })
    }

    fn is_valid(&self, pooled: &mut PooledDb) -> Result<(), PersistenceError> {
        match &self.url {
            // An open connection keeps working on a deleted or moved file, and whatever it
            // writes there is lost: such a connection is no longer valid. A SQLite connection
            // breaks no other way, so no statement is needed.
            DatabaseUrl::Sqlite { path } => {
                if !Path::new(path).exists() {
                    return Err(PersistenceError::FileMissing(path.clone()));
                }
                Ok(())
            }
            // A connection that just came back in good order is used as it is. One that
            // rested is checked: the server may have gone, or (reached again through a proxy
            // after a failover) be a standby now, whose connections must not take writes.
            DatabaseUrl::Postgres { .. } if pooled.known_good_at.elapsed() < TRUSTED_FOR => Ok(()),
            DatabaseUrl::Postgres { .. } => {
                let standby: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "pg_is_in_recovery()",
                ))
                .get_result(&mut pooled.conn)?;
                if standby && self.role == Role::Leader {
                    return Err(PersistenceError::NotLeader);
                }
                pooled.known_good_at = Instant::now();
                Ok(())
            }
        }
    }

    fn has_broken(&self, pooled: &mut PooledDb) -> bool {
        if pooled.broken.load(Ordering::Relaxed) || pooled.conn.is_broken() {
            return true;
        }
        pooled.known_good_at = Instant::now();
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

#[cfg(test)]
mod tests {
    use diesel::QueryableByName;
    use diesel::sql_types::Text;

    use super::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = Text)]
        compile_options: String,
    }

    /// `.cargo/config.toml` compiles SQLite with the query planner stability guarantee, without
    /// which every list query with a bound `LIMIT` is compiled again on each execution.
    #[test]
    fn sqlite_is_built_with_a_stable_query_planner() {
        let mut conn = SqliteConnection::establish(":memory:").expect("an in-memory database");
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .expect("the compile options");
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG: {:?}",
            options
                .iter()
                .map(|o| &o.compile_options)
                .collect::<Vec<_>>()
        );
    }

    /// Taking a connection from the pool and giving it back sends no statement on SQLite, and a
    /// connection whose file was removed is refused.
    #[test]
    fn a_sqlite_checkout_costs_no_statement() {
        let path = std::env::temp_dir().join(format!("buurt-pool-{}.db", uuid::Uuid::new_v4()));
        let url = DatabaseUrl::parse(path.to_str().expect("a UTF-8 path")).expect("a URL");
        let statements = StatementCount::default();
        let pool = build_pool(
            &url,
            &PoolOptions {
                max_size: 1,
                checkout_timeout: Duration::from_millis(500),
            },
            statements.clone(),
        )
        .expect("a pool");
        drop(pool.get().expect("a connection"));
        let before = statements.get();
        for _ in 0..10 {
            let mut conn = pool.get().expect("a connection");
            conn.batch_execute("SELECT 1").expect("a statement");
        }
        assert_eq!(
            statements.get() - before,
            10,
            "one statement per use, none per checkout"
        );

        std::fs::remove_file(&path).expect("the file removed");
        assert!(
            pool.get().is_err(),
            "a connection to a removed file is not handed out"
        );
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
