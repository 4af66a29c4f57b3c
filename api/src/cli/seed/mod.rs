//! `buurt seed`: fills an empty database with a believable Dutch world, the same one for the
//! same `--seed` and `--now`. `demo` is a few Utrecht neighbourhoods to try the API with; `nl`
//! is the national data set (14,000 neighbourhoods, a million residents) for benchmarks.

mod words;
mod world;

use std::time::{Duration, Instant};

use buurt_domain::accounts::Password;
use buurt_persistence::seed as repo;
use buurt_persistence::{DbConnection, PersistenceError, write_transaction};
use chrono::{DateTime, NaiveDate, Utc};

pub use world::{Content, Login, Scale, World};

use crate::Config;
use crate::auth::password;
use crate::startup::prepare_database;

/// Every seeded account signs in with this password.
pub const SEED_PASSWORD: &str = "buurt-demo-2026";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedProfile {
    /// A few neighbourhoods of Utrecht, about a hundred residents, known logins.
    Demo,
    /// The whole country: 14,000 neighbourhoods, 1,000,000 residents, 2,000,000 posts.
    Nl,
}

#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    pub profile: SeedProfile,
    pub seed: u64,
    /// The world is generated around this moment: posts before it, some activities after.
    pub now: DateTime<Utc>,
}

/// `--now`: a date (midnight UTC) or an RFC 3339 moment; by default today at midnight UTC, so
/// that runs on one day give the same rows.
pub fn parse_now(raw: Option<&str>) -> Result<DateTime<Utc>, String> {
    match raw.map(str::trim) {
        None => Ok(Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(|date| {
                date.and_hms_opt(0, 0, 0)
                    .expect("midnight exists")
                    .and_utc()
            })
            .or_else(|_| DateTime::parse_from_rfc3339(raw).map(|at| at.with_timezone(&Utc)))
            .map_err(|_| format!("--now: {raw:?} is not a date (2026-11-29) or an RFC 3339 time")),
    }
}

/// How many rows went into one table, and how long the database took for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: &'static str,
    pub rows: usize,
    pub busy: Duration,
}

impl TableReport {
    pub fn rows_per_second(&self) -> f64 {
        let rows = self.rows as f64;
        rows / self.busy.as_secs_f64().max(1e-9)
    }
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    pub tables: Vec<TableReport>,
    /// Indexes built after the load (PostgreSQL), and how long that took.
    pub indexes: Option<(usize, Duration)>,
    pub logins: Vec<Login>,
    pub password: &'static str,
    pub elapsed: Duration,
}

impl SeedReport {
    pub fn rows(&self, table: &str) -> usize {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }
}

/// The tables in the order they are filled (parents first).
const TABLES: [&str; 9] = [
    "neighbourhoods",
    "users",
    "memberships",
    "posts",
    "matches",
    "rsvps",
    "consents",
    "cases",
    "case_audit",
];

/// How far the load is: rows and database time per table, and progress lines on stderr.
struct Stats {
    tables: Vec<TableReport>,
    /// How many indexes were built after the load, and how long that took.
    indexes: Option<(usize, Duration)>,
    started: Instant,
    last_report: Instant,
    quiet: bool,
}

impl Stats {
    fn timed(
        &mut self,
        conn: &mut DbConnection,
        table: &'static str,
        insert: impl FnOnce(&mut DbConnection) -> Result<usize, PersistenceError>,
    ) -> Result<(), PersistenceError> {
        let started = Instant::now();
        let rows = insert(conn)?;
        let entry = self
            .tables
            .iter_mut()
            .find(|t| t.table == table)
            .expect("a known table");
        entry.rows += rows;
        entry.busy += started.elapsed();
        Ok(())
    }

    fn progress(&mut self, phase: &str, done: usize, of: usize) {
        if self.quiet || (self.last_report.elapsed() < Duration::from_secs(2) && done < of) {
            return;
        }
        self.last_report = Instant::now();
        let rates: Vec<String> = self
            .tables
            .iter()
            .filter(|t| t.rows > 0)
            .map(|t| format!("{} {} ({:.0}/s)", t.table, t.rows, t.rows_per_second()))
            .collect();
        eprintln!(
            "seed: {phase}: {done}/{of} neighbourhoods, {:.0} s · {}",
            self.started.elapsed().as_secs_f64(),
            rates.join(", ")
        );
    }
}

/// Fills the empty database `config` points at; refuses one that holds users or
/// neighbourhoods.
pub fn seed(config: &Config, options: &SeedOptions) -> Result<SeedReport, String> {
    seed_with(config, options, false)
}

/// `seed`, without progress lines when `quiet` (tests).
pub fn seed_with(
    config: &Config,
    options: &SeedOptions,
    quiet: bool,
) -> Result<SeedReport, String> {
    let failed = |error: PersistenceError| error.to_string();
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let conn = &mut *conn;
    if !repo::is_empty(conn).map_err(failed)? {
        return Err(
            "the database already holds users or neighbourhoods: seed fills an empty database \
             only (create a new one, or point DATABASE_URL elsewhere)"
                .into(),
        );
    }
    repo::prepare_session(conn).map_err(failed)?;
    let started = Instant::now();
    let world = match options.profile {
        SeedProfile::Demo => World::demo(options.seed, options.now),
        SeedProfile::Nl => World::national(options.seed, options.now, Scale::NATIONAL),
    };
    // One hash for everyone: argon2 is slow on purpose, and these are test accounts.
    let hash = password::hash(&Password::parse(SEED_PASSWORD).expect("long enough"));
    let mut stats = Stats {
        tables: TABLES
            .iter()
            .map(|table| TableReport {
                table,
                rows: 0,
                busy: Duration::ZERO,
            })
            .collect(),
        indexes: None,
        started,
        last_report: started,
        quiet,
    };
    load(conn, &mut stats, &world, &hash).map_err(failed)?;
    repo::analyze(conn).map_err(failed)?;
    Ok(SeedReport {
        tables: stats.tables,
        indexes: stats.indexes,
        logins: world.logins(),
        password: SEED_PASSWORD,
        elapsed: started.elapsed(),
    })
}

/// The tables whose secondary indexes are built after their rows are in (PostgreSQL).
const DEFERRED_INDEXES: [&str; 6] = [
    "users",
    "memberships",
    "posts",
    "matches",
    "rsvps",
    "stat_events",
];

/// On PostgreSQL the whole load is one transaction (the batches are savepoints in it): the
/// secondary indexes are dropped first and built again at the end, and a failure leaves the
/// database as it was. SQLite writes batch by batch with its indexes in place.
fn load(
    conn: &mut DbConnection,
    stats: &mut Stats,
    world: &World,
    hash: &str,
) -> Result<(), PersistenceError> {
    if !matches!(conn, DbConnection::Postgresql(_)) {
        load_rows(conn, stats, world, hash)?;
        return derive(conn, stats);
    }
    write_transaction(conn, |conn| {
        let dropped = repo::drop_indexes(conn, &DEFERRED_INDEXES)?;
        load_rows(conn, stats, world, hash)?;
        // Derived from the rows by their primary keys, before the other indexes come back.
        derive(conn, stats)?;
        let started = Instant::now();
        let count = dropped.len();
        repo::recreate_indexes(conn, dropped)?;
        stats.indexes = Some((count, started.elapsed()));
        if !stats.quiet {
            eprintln!(
                "seed: built {count} indexes in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    })
}

/// The monitoring facts, derived from the seeded rows by the live path's rules, and their
/// rollups. (The partners' event feed starts empty: a seed is not a change anyone should be
/// told of.)
fn derive(conn: &mut DbConnection, stats: &Stats) -> Result<(), PersistenceError> {
    let started = Instant::now();
    let clock = buurt_app::SystemClock;
    buurt_app::stats::derive_seeded_stats(&mut buurt_app::Cx::new(conn, &clock)).map_err(
        |error| match error {
            buurt_app::AppError::Persistence(error) => error,
            other => PersistenceError::Corrupt(other.to_string()),
        },
    )?;
    if !stats.quiet {
        eprintln!(
            "seed: derived the monitoring facts in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn load_rows(
    conn: &mut DbConnection,
    stats: &mut Stats,
    world: &World,
    hash: &str,
) -> Result<(), PersistenceError> {
    let places = world.places.len();
    let neighbourhoods: Vec<_> = world
        .places
        .iter()
        .map(|p| p.neighbourhood.clone())
        .collect();
    write_transaction(conn, |conn| {
        stats.timed(conn, "neighbourhoods", |conn| {
            repo::insert_neighbourhoods(conn, &neighbourhoods)
        })
    })?;

    // Residents: a transaction holds several statements' worth of rows.
    let flush_at = repo::rows_per_statement(conn, 16) * 4;
    let mut users = vec![world.admin()];
    let mut members = Vec::new();
    for index in 0..places {
        let (more_users, more_members) = world.people(index);
        users.extend(more_users);
        members.extend(more_members);
        if users.len() >= flush_at || index + 1 == places {
            write_transaction(conn, |conn| {
                stats.timed(conn, "users", |conn| repo::insert_users(conn, &users, hash))?;
                stats.timed(conn, "memberships", |conn| {
                    repo::insert_memberships(conn, &members)
                })
            })?;
            users.clear();
            members.clear();
            stats.progress("residents", index + 1, places);
        }
    }

    // Posts and what hangs off them; parents are always written first.
    let flush_at = repo::rows_per_statement(conn, 21) * 4;
    let mut batch = Content::default();
    for index in 0..places {
        let content = world.content(index);
        batch.posts.extend(content.posts);
        batch.matches.extend(content.matches);
        batch.rsvps.extend(content.rsvps);
        batch.consents.extend(content.consents);
        batch.cases.extend(content.cases);
        batch.audit.extend(content.audit);
        if batch.posts.len() >= flush_at || batch.rsvps.len() >= flush_at || index + 1 == places {
            write_transaction(conn, |conn| {
                stats.timed(conn, "posts", |conn| repo::insert_posts(conn, &batch.posts))?;
                stats.timed(conn, "matches", |conn| {
                    repo::insert_matches(conn, &batch.matches)
                })?;
                stats.timed(conn, "rsvps", |conn| repo::insert_rsvps(conn, &batch.rsvps))?;
                stats.timed(conn, "consents", |conn| {
                    repo::insert_consents(conn, &batch.consents)
                })?;
                stats.timed(conn, "cases", |conn| repo::insert_cases(conn, &batch.cases))?;
                stats.timed(conn, "case_audit", |conn| {
                    repo::insert_audit(conn, &batch.audit)
                })
            })?;
            batch = Content::default();
            stats.progress("posts", index + 1, places);
        }
    }
    Ok(())
}
