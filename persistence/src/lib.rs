//! Persistence: the diesel schema, the connection pool over SQLite or PostgreSQL, embedded
//! migrations per backend, and repository functions that speak domain types.

pub mod accounts;
pub mod activities;
pub mod arrangements;
pub mod blocks;
pub mod claims;
pub mod columns;
mod connection;
pub mod deliveries;
pub mod devices;
mod error;
pub mod escalation;
pub mod grants;
pub mod idempotency;
pub mod images;
pub mod keyset;
pub mod letters;
pub mod matching;
pub mod mediation;
pub mod memberships;
mod migrations;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod occurrences;
pub mod offline;
pub mod partners;
pub mod post_states;
pub mod posts;
pub mod privacy;
pub mod schema;
pub mod secrets;
pub mod seed;
pub mod settings;
pub mod signals;
pub mod stats;
pub mod time;
pub mod workbench;

pub use connection::{
    Backend, ConnectionManager, DatabaseUrl, DbConnection, DbPool, PoolOptions, PooledDb,
    StatementCount, backup_sqlite, build_pool, build_read_pool, check_ready, holding_post,
    in_read_snapshot, in_write_transaction, write_transaction,
};
pub use error::PersistenceError;
pub use migrations::{
    MIGRATION_LOCK_KEY, MIGRATION_LOCK_PATIENCE, run_migrations, run_migrations_within,
};
