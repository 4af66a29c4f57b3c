use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::{DbConnection, PersistenceError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Any constant will do; it only has to be the same for every node of one deployment.
pub const MIGRATION_LOCK_KEY: i64 = 0x0062_7575_7274;

/// How long a starting node waits for another node's migrations before it gives up (and its
/// supervisor starts it again). Building an index on a national table takes minutes, not more.
pub const MIGRATION_LOCK_PATIENCE: Duration = Duration::from_secs(300);

/// How often a waiting node tries the lock again, and how often it says it is waiting.
const LOCK_RETRY: Duration = Duration::from_millis(250);
const LOCK_REPORT_EVERY: Duration = Duration::from_secs(10);

/// Runs the pending migrations of the connection's backend and returns the versions applied.
///
/// On PostgreSQL several nodes may start at once: they take turns by an advisory lock, so
/// each migration runs exactly once. See [`run_migrations_within`].
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, PersistenceError> {
    run_migrations_within(conn, MIGRATION_LOCK_PATIENCE)
}

/// [`run_migrations`], waiting at most `patience` for another node's migrations.
///
/// The lock belongs to one transaction that holds the whole run (`pg_advisory_xact_lock`),
/// never to the session: behind a pooler a session is not the client's own. PgBouncer in
/// transaction mode sends each statement outside a transaction to whichever server is free,
/// so a session lock taken on one server and "released" on another stayed held by a pooled
/// server connection for good, and the next node to start waited for it forever. A
/// transaction's lock ends with it: at commit, at rollback, and when its connection drops.
pub fn run_migrations_within(
    conn: &mut DbConnection,
    patience: Duration,
) -> Result<Vec<String>, PersistenceError> {
    match conn {
        DbConnection::Sqlite(_) => migrate_sqlite(conn, patience),
        DbConnection::Postgresql(pg) => pg.transaction(|pg| {
            take_migration_lock(pg, patience)?;
            // Each migration becomes a savepoint of this transaction; all or none are applied.
            applied(pg.run_pending_migrations(POSTGRES_MIGRATIONS))
        }),
    }
}

/// The versions a harness run applied, or why it failed.
fn applied(
    run: diesel::migration::Result<Vec<diesel::migration::MigrationVersion<'_>>>,
) -> Result<Vec<String>, PersistenceError> {
    run.map(|versions| versions.iter().map(ToString::to_string).collect())
        .map_err(|e| PersistenceError::Migration(e.to_string()))
}

/// SQLite: the whole run in one transaction that holds the file's write lock from its start
/// (`BEGIN IMMEDIATE`), so processes starting at once (`serve` and a `run-jobs` timer, say)
/// take turns instead of creating the same table twice. A process that finds the file locked
/// for longer than the busy timeout tries again, up to `patience`.
fn migrate_sqlite(
    conn: &mut DbConnection,
    patience: Duration,
) -> Result<Vec<String>, PersistenceError> {
    let started = Instant::now();
    loop {
        let result = crate::connection::write_transaction(conn, |conn| match conn {
            DbConnection::Sqlite(c) => applied(c.run_pending_migrations(SQLITE_MIGRATIONS)),
            DbConnection::Postgresql(c) => applied(c.run_pending_migrations(POSTGRES_MIGRATIONS)),
        });
        match result {
            Err(error) if error.is_busy() && started.elapsed() < patience => {
                tracing::warn!(
                    waited_s = started.elapsed().as_secs(),
                    "waiting for another process's migrations (the database file is locked)"
                );
            }
            result => return result,
        }
    }
}

/// Takes the migration lock for the current transaction, waiting up to `patience` while
/// another node holds it and saying every few seconds who that is.
fn take_migration_lock(
    conn: &mut PgConnection,
    patience: Duration,
) -> Result<(), PersistenceError> {
    let started = Instant::now();
    let mut reported: Option<Instant> = None;
    loop {
        let taken: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "pg_try_advisory_xact_lock({MIGRATION_LOCK_KEY})"
        )))
        .get_result(conn)?;
        if taken {
            if started.elapsed() >= LOCK_REPORT_EVERY {
                tracing::info!(
                    waited_s = started.elapsed().as_secs(),
                    "took the migration lock"
                );
            }
            return Ok(());
        }
        let waited = started.elapsed();
        if waited >= patience {
            return Err(PersistenceError::Migration(format!(
                "another session has held the migration lock for more than {} s ({}); \
                 when it is not a node migrating, end it with pg_terminate_backend(pid)",
                patience.as_secs(),
                migration_lock_holder(conn)?
            )));
        }
        if reported.is_none_or(|at| at.elapsed() >= LOCK_REPORT_EVERY) {
            reported = Some(Instant::now());
            tracing::warn!(
                waited_s = waited.as_secs(),
                holder = %migration_lock_holder(conn)?,
                "waiting for another node's migrations (the migration lock)"
            );
        }
        std::thread::sleep(LOCK_RETRY.min(patience.saturating_sub(waited)));
    }
}

/// Who holds the migration lock in this database: backend pid, state and last statement.
fn migration_lock_holder(conn: &mut PgConnection) -> Result<String, PersistenceError> {
    // A bigint key is kept as two halves: classid the high 32 bits, objid the low, objsubid 1.
    let holder: Option<String> = diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
    >(&format!(
        "(SELECT format('pid %s, %s since %s s, last statement: %s', a.pid, a.state, \
                 floor(extract(epoch FROM now() - a.state_change)), left(a.query, 80)) \
          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
            AND l.classid = {high} AND l.objid = {low} \
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
          LIMIT 1)",
        high = MIGRATION_LOCK_KEY >> 32,
        low = MIGRATION_LOCK_KEY & 0xffff_ffff,
    )))
    .get_result(conn)?;
    Ok(holder.unwrap_or_else(|| "its holder just let go".to_owned()))
}
