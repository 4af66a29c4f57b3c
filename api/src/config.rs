//! Configuration: from flags, then the environment, then defaults that just work.

use clap::{Parser, Subcommand, ValueEnum};

/// Buurt: the neighbourhood-development platform's API server and its scripts.
#[derive(Debug, Clone, Parser)]
#[command(name = "buurt", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    /// Log as JSON lines (for collectors) or as readable text.
    #[arg(long, env = "BUURT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Run the periodic jobs once (expiry warnings, expiry, clean-up); schedule it, e.g.
    /// every 10 minutes.
    RunJobs,
    /// Import neighbourhoods from CSV (header
    /// `code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent`): every row or
    /// none; known codes are updated.
    ImportNeighbourhoods {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Create a platform administrator, or make the account with this email one.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// At least 10 characters; ignored when the account exists.
        #[arg(long, env = "BUURT_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// The display name of a new account.
        #[arg(long, default_value = "Beheerder")]
        name: String,
    },
    /// Fill an empty database with a believable Dutch world: `demo` (a few neighbourhoods,
    /// known logins) or `nl` (the national data set, for benchmarks). The same seed and
    /// `--now` give the same ids and rows.
    Seed {
        #[arg(long, value_enum)]
        profile: crate::seed::SeedProfile,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The moment the world is generated around: a date (`2026-11-29`, midnight UTC) or an
        /// RFC 3339 time. Defaults to today at midnight UTC.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the server needs to start; tests build one directly.
#[derive(Clone, clap::Args)]
pub struct Config {
    /// A SQLite file (`buurt.db`, `sqlite://path`) or a PostgreSQL URL (`postgres://…`).
    #[arg(long, env = "DATABASE_URL", default_value = "buurt.db", global = true)]
    pub database_url: String,

    /// The address to serve on; port 0 picks a free one.
    #[arg(
        long,
        env = "BUURT_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: String,

    /// The HS256 key for access tokens (at least 32 bytes). When unset, a random key is
    /// generated once and kept in the database, so every node and every restart agrees.
    #[arg(long, env = "BUURT_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// The most database connections this process holds.
    #[arg(long, env = "BUURT_DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: u32,

    /// HTTP worker threads; defaults to the number of CPU cores.
    #[arg(long, env = "BUURT_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Failed sign-ins per account within the throttle window before 429.
    #[arg(
        long,
        env = "BUURT_LOGIN_MAX_FAILURES",
        default_value_t = 5,
        global = true
    )]
    pub login_max_failures: usize,

    /// Failed sign-ins per client address within the throttle window before 429.
    #[arg(
        long,
        env = "BUURT_LOGIN_MAX_FAILURES_PER_CLIENT",
        default_value_t = 20,
        global = true
    )]
    pub login_max_failures_per_client: usize,

    /// The throttle window, in seconds.
    #[arg(
        long,
        env = "BUURT_LOGIN_THROTTLE_WINDOW",
        default_value_t = 900,
        global = true
    )]
    pub login_throttle_window: u32,

    /// Behind a reverse proxy: take the client address from `Forwarded`/`X-Forwarded-For`.
    #[arg(long, env = "BUURT_TRUST_PROXY_HEADERS", global = true)]
    pub trust_proxy_headers: bool,
}

impl Config {
    /// The defaults, as `cargo run` with an empty environment would have them.
    pub fn with_database_url(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: "127.0.0.1:8080".into(),
            jwt_secret: None,
            db_pool_size: 10,
            workers: None,
            login_max_failures: 5,
            login_max_failures_per_client: 20,
            login_throttle_window: 900,
            trust_proxy_headers: false,
        }
    }
}

/// Keeps the secret out of logs and panics.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &buurt_persistence::DatabaseUrl::parse(&self.database_url),
            )
            .field("listen", &self.listen)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("db_pool_size", &self.db_pool_size)
            .field("workers", &self.workers)
            .field("login_max_failures", &self.login_max_failures)
            .field(
                "login_max_failures_per_client",
                &self.login_max_failures_per_client,
            )
            .field("login_throttle_window", &self.login_throttle_window)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .finish()
    }
}
