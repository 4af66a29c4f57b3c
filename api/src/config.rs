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
    /// Run the periodic jobs once (escalation of requests unanswered for their neighbourhood's
    /// `escalate_after_days` to its mediators, expiry warnings, expiry, clean-up, retention
    /// of case notes, match messages, notifications and the partner outbox); schedule it,
    /// e.g. every 10 minutes.
    RunJobs,
    /// Import neighbourhoods from CSV (header
    /// `code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent`): every row or
    /// none; known codes are updated.
    ImportNeighbourhoods {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Copy a SQLite database, online, into a new file (`VACUUM INTO`: one consistent
    /// snapshot while the server keeps serving). To restore, stop the server and put the copy
    /// in the database's place. PostgreSQL is backed up with `pg_basebackup` and WAL archiving.
    Backup {
        /// The new file (it must not exist).
        target: std::path::PathBuf,
    },
    /// Derive the monitoring facts from the tables for rows that came in without them (a bulk
    /// load, or data from before monitoring existed). Safe to run again: facts already
    /// recorded stay.
    RebuildStats,
    /// Write monitoring figures as CSV (the same as `GET …/stats` with `Accept: text/csv`) for
    /// one neighbourhood or every neighbourhood of a municipality.
    #[command(group(clap::ArgGroup::new("scope").required(true).args(["neighbourhood", "municipality"])))]
    ExportStats {
        /// A neighbourhood's CBS code (`BU` and eight digits).
        #[arg(long)]
        neighbourhood: Option<String>,
        /// A municipality's CBS code (`GM` and four digits).
        #[arg(long)]
        municipality: Option<String>,
        /// The first day (YYYY-MM-DD); default: eleven periods before `--to`'s.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// The last day (YYYY-MM-DD); default: today.
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        #[arg(long, value_enum, default_value_t = StatsInterval::Week)]
        interval: StatsInterval,
        /// Write here instead of to standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
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
        profile: crate::cli::seed::SeedProfile,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The moment the world is generated around: a date (`2026-11-29`, midnight UTC) or an
        /// RFC 3339 time. Defaults to today at midnight UTC.
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsInterval {
    Week,
    Month,
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

    /// Optional: a copy of the database that may lag a little (a PostgreSQL hot standby) for
    /// the reads where that is acceptable: the public neighbourhood page, monitoring figures,
    /// anonymous feeds and the partners' event feed. A signed-in user's own reads always go to
    /// `DATABASE_URL` (read-your-writes). While it is unreachable those reads go there too.
    #[arg(long, env = "BUURT_DATABASE_READ_URL", global = true)]
    pub database_read_url: Option<String>,

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

    /// The key secrets are sealed with at rest (the generated JWT secret, webhook secrets): 32
    /// bytes as 64 hexadecimal digits (`openssl rand -hex 32`). Required on PostgreSQL unless
    /// `BUURT_SECRETS_KEY_FILE` is set; on SQLite it defaults to a key file beside the database.
    #[arg(long, env = "BUURT_SECRETS_KEY", hide_env_values = true, global = true)]
    pub secrets_key: Option<String>,

    /// A file holding the secrets key (64 hexadecimal digits), instead of `BUURT_SECRETS_KEY`.
    #[arg(long, env = "BUURT_SECRETS_KEY_FILE", global = true)]
    pub secrets_key_file: Option<std::path::PathBuf>,

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

    /// Let webhooks use plain http and private addresses (loopback, LAN). For development and
    /// tests only: in production a webhook URL must never reach inside the network.
    #[arg(long, env = "BUURT_WEBHOOK_ALLOW_PRIVATE", global = true)]
    pub webhook_allow_private: bool,

    /// The wait before a failed webhook delivery is tried again, in milliseconds; it doubles
    /// for each further attempt (at most an hour).
    #[arg(
        long,
        env = "BUURT_WEBHOOK_RETRY_BASE_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub webhook_retry_base_ms: u64,

    /// Attempts per webhook delivery before it is given up.
    #[arg(
        long,
        env = "BUURT_WEBHOOK_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub webhook_max_attempts: u32,

    /// Failed attempts in a row after which a webhook is paused.
    #[arg(
        long,
        env = "BUURT_WEBHOOK_PAUSE_AFTER",
        default_value_t = 20,
        global = true
    )]
    pub webhook_pause_after: u32,

    /// How often the webhook worker looks for events to deliver, in milliseconds; 0 turns the
    /// worker off in this process.
    #[arg(
        long,
        env = "BUURT_WEBHOOK_POLL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub webhook_poll_ms: u64,

    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`
    /// (401 otherwise), for a scraper that reaches the server past the proxy.
    #[arg(
        long,
        env = "BUURT_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,
    /// Threads that hash and check passwords (each hash takes 19 MiB); defaults to the number
    /// of CPU cores.
    #[arg(long, env = "BUURT_HASHING_THREADS", global = true)]
    pub hashing_threads: Option<usize>,

    /// Password checks that may wait for a hashing thread; beyond them the answer is 503
    /// `server_busy` at once.
    #[arg(long, env = "BUURT_HASHING_QUEUE", default_value_t = 8, global = true)]
    pub hashing_queue: usize,

    /// Registrations per client address within the throttle window before 429.
    #[arg(
        long,
        env = "BUURT_REGISTRATIONS_PER_CLIENT",
        default_value_t = 10,
        global = true
    )]
    pub registrations_per_client: usize,

    /// How long a client may take to send a request's head (line and headers), in ms.
    #[arg(
        long,
        env = "BUURT_HEADER_TIMEOUT_MS",
        default_value_t = 5000,
        global = true
    )]
    pub header_timeout_ms: u64,

    /// How long a client may take to send a request's body, in ms.
    #[arg(
        long,
        env = "BUURT_BODY_TIMEOUT_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub body_timeout_ms: u64,

    /// Open connections per HTTP worker; more wait in the listen backlog.
    #[arg(
        long,
        env = "BUURT_MAX_CONNECTIONS",
        default_value_t = 1000,
        global = true
    )]
    pub max_connections: usize,

    /// Neighbourhoods an account may join (or be let into) per 24 hours; more answer 429.
    #[arg(long, env = "BUURT_JOINS_PER_DAY", default_value_t = 3, global = true)]
    pub joins_per_day: u32,

    /// Days before an account's postcode may change again (memberships rest on it).
    #[arg(
        long,
        env = "BUURT_POSTCODE_COOLDOWN_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub postcode_cooldown_days: u32,

    /// Push to Android (and to iOS apps built with Firebase) through Firebase Cloud Messaging:
    /// the path of the service account's JSON key file (from the Firebase console). Its
    /// `project_id` names the project, its `token_uri` is where access tokens are fetched.
    #[arg(long, env = "BUURT_FCM_CREDENTIALS", global = true)]
    pub fcm_credentials: Option<std::path::PathBuf>,

    /// The FCM HTTP v1 API's base URL (messages go to `<this>/v1/projects/<project>/messages:send`).
    #[arg(
        long,
        env = "BUURT_FCM_URL",
        default_value = "https://fcm.googleapis.com",
        global = true
    )]
    pub fcm_url: String,

    /// Push to iOS apps through APNs with token-based auth: the `.p8` signing key file (with
    /// `BUURT_APNS_KEY_ID`, `BUURT_APNS_TEAM_ID` and `BUURT_APNS_TOPIC`, all four or none).
    #[arg(long, env = "BUURT_APNS_KEY_FILE", global = true)]
    pub apns_key_file: Option<std::path::PathBuf>,

    /// The id of the APNs signing key (10 characters, from the Apple developer account).
    #[arg(long, env = "BUURT_APNS_KEY_ID", global = true)]
    pub apns_key_id: Option<String>,

    /// The Apple developer team id the key belongs to.
    #[arg(long, env = "BUURT_APNS_TEAM_ID", global = true)]
    pub apns_team_id: Option<String>,

    /// The app's bundle id (`apns-topic`).
    #[arg(long, env = "BUURT_APNS_TOPIC", global = true)]
    pub apns_topic: Option<String>,

    /// The APNs server: `https://api.push.apple.com`, or
    /// `https://api.sandbox.push.apple.com` for development builds of the app.
    #[arg(
        long,
        env = "BUURT_APNS_URL",
        default_value = "https://api.push.apple.com",
        global = true
    )]
    pub apns_url: String,

    /// Extra root certificates (a PEM file) the push connections trust besides the web's
    /// roots: for a push service behind your own CA, or a local test server.
    #[arg(long, env = "BUURT_PUSH_CA_FILE", global = true)]
    pub push_ca_file: Option<std::path::PathBuf>,

    /// Text messages to offline residents (issue 20): the SMS gateway, `twilio` (with
    /// `BUURT_SMS_ACCOUNT_SID`, `BUURT_SMS_AUTH_TOKEN` and `BUURT_SMS_FROM`, all or none).
    /// Unset: their updates go onto the mediators' call list.
    #[arg(long, env = "BUURT_SMS_PROVIDER", global = true)]
    pub sms_provider: Option<String>,

    /// The gateway's API base URL (messages go to
    /// `<this>/2010-04-01/Accounts/<sid>/Messages.json`).
    #[arg(
        long,
        env = "BUURT_SMS_BASE_URL",
        default_value = "https://api.twilio.com",
        global = true
    )]
    pub sms_base_url: String,

    /// The Twilio account SID (`AC` and 32 hexadecimal digits).
    #[arg(long, env = "BUURT_SMS_ACCOUNT_SID", global = true)]
    pub sms_account_sid: Option<String>,

    /// The Twilio auth token (a secret: never logged).
    #[arg(
        long,
        env = "BUURT_SMS_AUTH_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub sms_auth_token: Option<String>,

    /// Who the messages are from: a Twilio number in E.164 form (`+3197010203040`), an
    /// alphanumeric sender id, or a messaging service SID (`MG…`).
    #[arg(long, env = "BUURT_SMS_FROM", global = true)]
    pub sms_from: Option<String>,
    /// Posts one user may write per hour; more answer 429 (0: no limit).
    #[arg(
        long,
        env = "BUURT_LIMIT_POSTS_PER_HOUR",
        default_value_t = 10,
        global = true
    )]
    pub limit_posts_per_hour: u32,

    /// Match messages one user may send per minute; more answer 429 (0: no limit).
    #[arg(
        long,
        env = "BUURT_LIMIT_MESSAGES_PER_MINUTE",
        default_value_t = 20,
        global = true
    )]
    pub limit_messages_per_minute: u32,

    /// Reports one user may make per day; more answer 429 (0: no limit).
    #[arg(
        long,
        env = "BUURT_LIMIT_REPORTS_PER_DAY",
        default_value_t = 20,
        global = true
    )]
    pub limit_reports_per_day: u32,

    /// Offers of help one user may make per hour; more answer 429 (0: no limit).
    #[arg(
        long,
        env = "BUURT_LIMIT_OFFERS_PER_HOUR",
        default_value_t = 20,
        global = true
    )]
    pub limit_offers_per_hour: u32,
    /// Months after a case is resolved that its notes and referrals are kept (then the case
    /// keeps its outcome and dates only). `buurt run-jobs` removes what is older.
    #[arg(
        long,
        env = "BUURT_RETAIN_CASE_NOTES_MONTHS",
        default_value_t = 24,
        global = true
    )]
    pub retain_case_notes_months: u32,

    /// Months after a match ended that its messages are kept.
    #[arg(
        long,
        env = "BUURT_RETAIN_MATCH_MESSAGES_MONTHS",
        default_value_t = 12,
        global = true
    )]
    pub retain_match_messages_months: u32,

    /// Months notifications are kept, and their e-mail and push deliveries once settled.
    #[arg(
        long,
        env = "BUURT_RETAIN_NOTIFICATIONS_MONTHS",
        default_value_t = 6,
        global = true
    )]
    pub retain_notifications_months: u32,

    /// Days the partner outbox (events) and webhook deliveries are kept.
    #[arg(
        long,
        env = "BUURT_RETAIN_PARTNER_OUTBOX_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub retain_partner_outbox_days: u32,
    /// Where uploaded images are kept: `s3://bucket[/prefix]` (S3-compatible storage, for
    /// several nodes; endpoint, region and credentials from `AWS_ENDPOINT`, `AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`) or
    /// `file:///absolute/dir`. Default: the directory `<database>.images` beside the SQLite
    /// file, or `buurt-images` in the working directory on PostgreSQL.
    #[arg(long, env = "BUURT_OBJECT_STORE_URL", global = true)]
    pub object_store_url: Option<String>,

    /// S3 settings on top of the environment's (`aws_endpoint`, …), for tests.
    #[arg(skip)]
    pub object_store_options: Vec<(String, String)>,

    /// Threads that decode and resize uploaded images; defaults to the number of CPU cores.
    #[arg(long, env = "BUURT_IMAGE_THREADS", global = true)]
    pub image_threads: Option<usize>,

    /// Uploads that may wait for an image thread; beyond them the answer is 503
    /// `server_busy` at once.
    #[arg(long, env = "BUURT_IMAGE_QUEUE", default_value_t = 4, global = true)]
    pub image_queue: usize,
    /// The SMTP server e-mail goes out through, in lettre's URL form: `smtp://host:25` (plain,
    /// a local relay or test sink), `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465`. Unset: no e-mail (see `BUURT_MAIL_DIR`).
    #[arg(long, env = "BUURT_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Without an SMTP server: write each e-mail as a `.eml` file into this directory
    /// (development).
    #[arg(long, env = "BUURT_MAIL_DIR", global = true)]
    pub mail_dir: Option<std::path::PathBuf>,

    /// The sender of every e-mail (`Buurt <noreply@example.org>`).
    #[arg(
        long,
        env = "BUURT_MAIL_FROM",
        default_value = "Buurt <noreply@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Where people reach this server, for links in e-mails (no trailing slash).
    #[arg(
        long,
        env = "BUURT_PUBLIC_URL",
        default_value = "http://localhost:8080",
        global = true
    )]
    pub public_url: String,

    /// How often the delivery worker (push, e-mail) looks for messages, in milliseconds; 0
    /// turns it off in this process.
    #[arg(
        long,
        env = "BUURT_DELIVERY_POLL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub delivery_poll_ms: u64,

    /// The wait before a failed push or e-mail is tried again, in milliseconds; it doubles
    /// with every attempt.
    #[arg(
        long,
        env = "BUURT_DELIVERY_RETRY_BASE_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub delivery_retry_base_ms: u64,

    /// Attempts per push or e-mail before it is given up.
    #[arg(
        long,
        env = "BUURT_DELIVERY_MAX_ATTEMPTS",
        default_value_t = 10,
        global = true
    )]
    pub delivery_max_attempts: u32,

    /// How long a delivery worker holds a push or e-mail it took, in seconds (at least 3): no
    /// other process sends it meanwhile, and a process that dies while sending leaves it to be
    /// sent again when the hold ends. Each send gets at most a third of it (and 30 s).
    #[arg(
        long,
        env = "BUURT_DELIVERY_CLAIM_LEASE_SECS",
        default_value_t = 120,
        global = true
    )]
    pub delivery_claim_lease_secs: u64,

    /// Where links in e-mails lead (reset password, verify an address, a post, the newsletter;
    /// no trailing slash): the domain of the app's universal links / app links, so a phone
    /// with the app opens it there. Unset: `BUURT_PUBLIC_URL`, where this server answers
    /// `/reset-password` and `/verify-email` with small pages of its own.
    #[arg(long, env = "BUURT_APP_LINK_URL", global = true)]
    pub app_link_url: Option<String>,

    /// Where "now" comes from: the system clock unless a test sets its own.
    #[arg(skip)]
    pub clock: Option<std::sync::Arc<dyn buurt_app::Clock>>,
}

impl Config {
    /// The defaults, as `cargo run` with an empty environment would have them.
    pub fn with_database_url(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            database_read_url: None,
            listen: "127.0.0.1:8080".into(),
            jwt_secret: None,
            secrets_key: None,
            secrets_key_file: None,
            db_pool_size: 10,
            workers: None,
            login_max_failures: 5,
            login_max_failures_per_client: 20,
            login_throttle_window: 900,
            trust_proxy_headers: false,
            webhook_allow_private: false,
            webhook_retry_base_ms: 30_000,
            webhook_max_attempts: 8,
            webhook_pause_after: 20,
            webhook_poll_ms: 1000,
            metrics_token: None,
            hashing_threads: None,
            hashing_queue: 8,
            registrations_per_client: 10,
            header_timeout_ms: 5000,
            body_timeout_ms: 30_000,
            max_connections: 1000,
            joins_per_day: 3,
            postcode_cooldown_days: 30,
            fcm_credentials: None,
            fcm_url: "https://fcm.googleapis.com".into(),
            apns_key_file: None,
            apns_key_id: None,
            apns_team_id: None,
            apns_topic: None,
            apns_url: "https://api.push.apple.com".into(),
            push_ca_file: None,
            sms_provider: None,
            sms_base_url: "https://api.twilio.com".into(),
            sms_account_sid: None,
            sms_auth_token: None,
            sms_from: None,
            limit_posts_per_hour: 10,
            limit_messages_per_minute: 20,
            limit_reports_per_day: 20,
            limit_offers_per_hour: 20,
            retain_case_notes_months: 24,
            retain_match_messages_months: 12,
            retain_notifications_months: 6,
            retain_partner_outbox_days: 30,
            object_store_url: None,
            object_store_options: Vec::new(),
            image_threads: None,
            image_queue: 4,
            smtp_url: None,
            mail_dir: None,
            mail_from: "Buurt <noreply@localhost>".into(),
            public_url: "http://localhost:8080".into(),
            delivery_poll_ms: 1000,
            delivery_retry_base_ms: 30_000,
            delivery_max_attempts: 10,
            delivery_claim_lease_secs: 120,
            app_link_url: None,
            clock: None,
        }
    }
}

impl Config {
    /// How long what is kept only for a while is kept.
    pub fn retention(&self) -> buurt_app::privacy::retention::RetentionPeriods {
        buurt_app::privacy::retention::RetentionPeriods {
            case_notes_months: self.retain_case_notes_months,
            match_messages_months: self.retain_match_messages_months,
            notifications_months: self.retain_notifications_months,
            partner_outbox_days: self.retain_partner_outbox_days,
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
            .field(
                "database_read_url",
                &self
                    .database_read_url
                    .as_deref()
                    .map(buurt_persistence::DatabaseUrl::parse),
            )
            .field("listen", &self.listen)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("secrets_key", &self.secrets_key.as_ref().map(|_| "***"))
            .field("secrets_key_file", &self.secrets_key_file)
            .field("db_pool_size", &self.db_pool_size)
            .field("workers", &self.workers)
            .field("login_max_failures", &self.login_max_failures)
            .field(
                "login_max_failures_per_client",
                &self.login_max_failures_per_client,
            )
            .field("login_throttle_window", &self.login_throttle_window)
            .field("trust_proxy_headers", &self.trust_proxy_headers)
            .field("webhook_allow_private", &self.webhook_allow_private)
            .field("webhook_retry_base_ms", &self.webhook_retry_base_ms)
            .field("webhook_max_attempts", &self.webhook_max_attempts)
            .field("webhook_pause_after", &self.webhook_pause_after)
            .field("webhook_poll_ms", &self.webhook_poll_ms)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("hashing_threads", &self.hashing_threads)
            .field("hashing_queue", &self.hashing_queue)
            .field("registrations_per_client", &self.registrations_per_client)
            .field("header_timeout_ms", &self.header_timeout_ms)
            .field("body_timeout_ms", &self.body_timeout_ms)
            .field("max_connections", &self.max_connections)
            .field("joins_per_day", &self.joins_per_day)
            .field("postcode_cooldown_days", &self.postcode_cooldown_days)
            .field("fcm_credentials", &self.fcm_credentials)
            .field("fcm_url", &self.fcm_url)
            .field("apns_key_file", &self.apns_key_file)
            .field("apns_key_id", &self.apns_key_id)
            .field("apns_team_id", &self.apns_team_id)
            .field("apns_topic", &self.apns_topic)
            .field("apns_url", &self.apns_url)
            .field("push_ca_file", &self.push_ca_file)
            .field("sms_provider", &self.sms_provider)
            .field("sms_base_url", &self.sms_base_url)
            .field("sms_account_sid", &self.sms_account_sid)
            .field(
                "sms_auth_token",
                &self.sms_auth_token.as_ref().map(|_| "***"),
            )
            .field("sms_from", &self.sms_from)
            .field("limit_posts_per_hour", &self.limit_posts_per_hour)
            .field("limit_messages_per_minute", &self.limit_messages_per_minute)
            .field("limit_reports_per_day", &self.limit_reports_per_day)
            .field("limit_offers_per_hour", &self.limit_offers_per_hour)
            .field("retention", &self.retention())
            .field("object_store_url", &self.object_store_url)
            .field(
                "object_store_options",
                &self
                    .object_store_options
                    .iter()
                    .map(|(key, _)| key)
                    .collect::<Vec<_>>(),
            )
            .field("image_threads", &self.image_threads)
            .field("image_queue", &self.image_queue)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "***"))
            .field("mail_dir", &self.mail_dir)
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .field("delivery_poll_ms", &self.delivery_poll_ms)
            .field("delivery_retry_base_ms", &self.delivery_retry_base_ms)
            .field("delivery_max_attempts", &self.delivery_max_attempts)
            .field("delivery_claim_lease_secs", &self.delivery_claim_lease_secs)
            .field("app_link_url", &self.app_link_url)
            .field("clock", &self.clock.as_ref().map(|_| "a test's"))
            .finish()
    }
}
