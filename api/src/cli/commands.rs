//! The scripts' subcommands, callable from tests as well as from `main`.

use buurt_app::stats::ExportScope;
use buurt_app::{AppError, Cx, FixedClock, SystemClock};
use buurt_domain::accounts::{DisplayName, Email, Password};

use crate::Config;
use crate::auth::password;
use crate::http::error::ApiError;
use crate::http::lang::Lang;
use crate::neighbourhood_input::parse_csv;
use crate::startup::prepare_database;

pub use buurt_app::accounts::AdminOutcome;

/// Creates a platform administrator, or promotes the existing account with this email.
pub fn create_admin(
    config: &Config,
    email: &str,
    password: &str,
    display_name: &str,
) -> Result<AdminOutcome, String> {
    use buurt_app::accounts as app;
    let email = Email::parse(email).map_err(|error| format!("--email: {error}"))?;
    let display_name =
        DisplayName::parse(display_name).map_err(|error| format!("--name: {error}"))?;
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let mut cx = Cx::new(&mut conn, &SystemClock);
    if app::promote_admin(&mut cx, &email).map_err(describe)? {
        return Ok(AdminOutcome::Promoted);
    }
    let password = Password::parse(password).map_err(|error| format!("--password: {error}"))?;
    let hash = password::hash(&password);
    app::create_admin(&mut cx, email, display_name, &hash).map_err(describe)
}

/// Imports neighbourhoods from a CSV file: all rows or none. On failure the message lists
/// every problem by line.
pub fn import_neighbourhoods(
    config: &Config,
    path: &std::path::Path,
) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let drafts = parse_csv(&bytes).map_err(describe)?;
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let mut cx = Cx::new(&mut conn, &SystemClock);
    let report =
        buurt_app::neighbourhoods::import_neighbourhoods(&mut cx, &drafts).map_err(describe)?;
    Ok((report.created, report.updated))
}

/// An error as a script's user reads it: one line per field problem.
fn describe(error: impl Into<ApiError>) -> String {
    match error.into() {
        ApiError::Validation(problems) | ApiError::InvalidQuery(problems) => problems
            .iter()
            .map(|problem| {
                format!(
                    "{}: {}",
                    problem.field,
                    problem.issue.message().get(Lang::En)
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// Derives the monitoring facts from the tables (`buurt_app::stats::rebuild_stats`).
pub fn rebuild_stats(config: &Config) -> Result<usize, String> {
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let clock = buurt_app::SystemClock;
    buurt_app::stats::rebuild_stats(&mut buurt_app::Cx::new(&mut conn, &clock))
        .map_err(|error| error.to_string())
}

/// Which figures `export-stats` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsScope {
    Neighbourhood(String),
    Municipality(String),
}

/// The monitoring figures as CSV, exactly as the API serves them with `Accept: text/csv`.
pub fn export_stats(
    config: &Config,
    scope: &StatsScope,
    params: &buurt_openapi::stats::StatsParams,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, String> {
    use crate::routes::stats::{range, report_dto, to_csv};
    let range = range(params, now).map_err(describe)?;
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let scope = match scope {
        StatsScope::Neighbourhood(code) => ExportScope::Neighbourhood(code.clone()),
        StatsScope::Municipality(code) => ExportScope::Municipality(code.clone()),
    };
    let clock = FixedClock(now);
    let report =
        match buurt_app::stats::export_stats(&mut Cx::new(&mut conn, &clock), &scope, &range) {
            Ok(report) => report,
            Err(AppError::NotFound) => {
                return Err(match scope {
                    ExportScope::Neighbourhood(code) => {
                        format!("no neighbourhood with code {code}")
                    }
                    ExportScope::Municipality(code) => {
                        format!("no neighbourhoods in municipality {code}")
                    }
                });
            }
            Err(error) => return Err(describe(error)),
        };
    to_csv(&report_dto(report)).map_err(|error| error.to_string())
}

/// `buurt backup TARGET`: an online copy of the SQLite database into the new file `target`.
pub fn backup(config: &Config, target: &std::path::Path) -> Result<(), String> {
    let url = buurt_persistence::DatabaseUrl::parse(&config.database_url)
        .map_err(|error| error.to_string())?;
    buurt_persistence::backup_sqlite(&url, target).map_err(|error| error.to_string())
}

/// What one run of the periodic jobs did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobsReport {
    pub escalated_requests: usize,
    pub expiry_warnings: usize,
    pub expired_posts: usize,
    pub idempotency_keys_purged: usize,
    pub login_failures_purged: usize,
    pub refresh_tokens_purged: usize,
    /// What retention removed (see `Config::retention`).
    pub retention: buurt_app::privacy::retention::Purged,
    /// Newsletter e-mails queued (none when this server sends no e-mail).
    pub digests_queued: usize,
    /// Signals raised and refreshed for mediators (issue 20).
    pub signals: buurt_app::signals::SignalsRun,
    /// Lasting help that lapsed, each put on its request's case for a mediator (issue 20).
    pub lapsed_arrangements: usize,
}

/// The periodic jobs, as of `now`: hand requests unmatched for as long as their
/// neighbourhood's escalation rule for their category says to the mediators, warn authors a day before their posts expire,
/// expire posts past `expires_at`, forget idempotency keys older than a day, failed sign-ins
/// older than the throttling window and refresh tokens past their expiry, apply retention
/// (`Config::retention`), queue the newsletter e-mails due (weekly, daily; once per
/// period), tell mediators of lasting help that lapsed (once per lapse), and raise the
/// mediators' signals. Safe to run often and on several machines at once.
pub fn run_jobs(config: &Config, now: chrono::DateTime<chrono::Utc>) -> Result<JobsReport, String> {
    let (_, pool, _) = prepare_database(config).map_err(|error| error.to_string())?;
    let mut conn = pool.get().map_err(|error| error.to_string())?;
    let conn = &mut *conn;
    let failed = |error: buurt_persistence::PersistenceError| error.to_string();
    let clock = buurt_app::FixedClock(now);
    // Notices to offline residents go by SMS when this deployment has a gateway.
    let routes = buurt_app::outbox::Routes {
        sms: crate::workers::sms::settings_from_config(config)
            .map_err(|error| error.to_string())?
            .is_some(),
    };
    Ok(JobsReport {
        escalated_requests: buurt_app::mediation::escalate_stale_requests(
            &mut buurt_app::Cx::new(conn, &clock).with_routes(routes),
        )
        .map_err(|error| error.to_string())?,
        expiry_warnings: buurt_app::posts::warn_expiring_posts(
            &mut buurt_app::Cx::new(conn, &clock).with_routes(routes),
        )
        .map_err(|error| error.to_string())?,
        expired_posts: buurt_app::posts::expire_posts(
            &mut buurt_app::Cx::new(conn, &clock).with_routes(routes),
        )
        .map_err(|error| error.to_string())?,
        idempotency_keys_purged: buurt_persistence::idempotency::purge(
            conn,
            now - chrono::Duration::days(1),
        )
        .map_err(failed)?,
        login_failures_purged: buurt_app::accounts::forget_login_failures(
            &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
            chrono::Duration::seconds(config.login_throttle_window.into()),
        )
        .map_err(describe)?,
        refresh_tokens_purged: buurt_app::accounts::forget_expired_refresh_tokens(
            &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
        )
        .map_err(describe)?,
        retention: buurt_app::privacy::retention::apply_retention(
            &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
            config.retention(),
        )
        .map_err(describe)?,
        digests_queued: if config
            .smtp_url
            .as_deref()
            .is_some_and(|url| !url.is_empty())
            || config.mail_dir.is_some()
        {
            buurt_app::digest::queue_digests(
                &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
                buurt_app::digest::DIGEST_PAGE,
            )
            .map_err(describe)?
        } else {
            0
        },
        lapsed_arrangements: buurt_app::arrangements::notice_lapses(
            &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
        )
        .map_err(describe)?,
        signals: buurt_app::signals::compute_signals(
            &mut Cx::new(conn, &FixedClock(now)).with_routes(routes),
        )
        .map_err(describe)?,
    })
}
