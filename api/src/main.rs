use std::process::ExitCode;

use buurt_api::cli::commands::{
    AdminOutcome, StatsScope, backup, create_admin, export_stats, import_neighbourhoods,
    rebuild_stats, run_jobs,
};
use buurt_api::cli::seed::{SeedOptions, SeedProfile, parse_now};
use buurt_api::config::{Cli, Command, StatsInterval};
use buurt_api::startup::{Application, prepare_database};
use clap::Parser;

/// mimalloc returns freed memory to the system within milliseconds; glibc keeps what each
/// thread's arena once held (after a flood of sign-ins: +270 MiB for good). BENCHMARKS.md.
/// Built with `no_thp`: mimalloc's arena is one large mapping, and when mimalloc asks for
/// transparent huge pages for it (its default on Linux) every 2 MiB region touched stays
/// resident whole, and what is freed inside one is not returned: the idle server held 70 MiB
/// of huge pages (issue 22).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay`: its place in mimalloc's `mi_option_e` (v2 and v3 alike), which
/// `libmimalloc-sys` does not name. The test below checks it against mimalloc's default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc gives freed memory back to the system only after a delay (1 s), and only when a
/// later allocation or free calls for it. A blocking thread that hashed a password (argon2:
/// 19 MiB) and then sat idle kept those pages for good: 64 MiB more RSS after four sign-ins
/// at once, never returned (issue 22, BENCHMARKS.md). With no delay, freed pages go back at
/// once, for ~2% of the feed's throughput. An operator's `MIMALLOC_PURGE_DELAY` wins.
#[allow(unsafe_code)]
fn return_freed_memory_at_once() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: `mi_option_set` stores a number in mimalloc's option table and takes no
    // pointer. It runs first thing in `main`, before the server starts its threads.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

#[actix_web::main]
async fn main() -> ExitCode {
    return_freed_memory_at_once();
    let cli = Cli::parse();
    buurt_api::telemetry::init(cli.log_format);
    let result = match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => serve(&cli.config).await,
        Command::Migrate => prepare_database(&cli.config)
            .map(|(url, _, applied)| {
                println!(
                    "{url}: {} migration(s) applied, schema up to date",
                    applied.len()
                );
            })
            .map_err(|error| error.to_string()),
        Command::RunJobs => run_jobs(&cli.config, chrono::Utc::now()).map(|report| {
            println!(
                "escalated requests: {}, expiry warnings: {}, expired posts: {}, idempotency keys \
                 purged: {}, failed sign-ins purged: {}, expired refresh tokens purged: {}, \
                 newsletters queued: {}",
                report.escalated_requests,
                report.expiry_warnings,
                report.expired_posts,
                report.idempotency_keys_purged,
                report.login_failures_purged,
                report.refresh_tokens_purged,
                report.digests_queued
            );
            // issue 20 (h20d)
            println!(
                "signals raised: {}, signals refreshed: {}",
                report.signals.raised, report.signals.refreshed
            );
            // issue 20 (h20c): lasting help
            println!("lapsed arrangements: {}", report.lapsed_arrangements);
            let kept = report.retention;
            println!(
                "retention removed: case notes: {}, case referrals: {}, cases reduced to outcome \
                 and dates: {}, match messages: {}, notifications: {}, e-mail and push \
                 deliveries: {}, webhook deliveries: {}, partner events: {}, call-list items \
                 done: {}, expired claim codes: {}, acknowledged signals: {}",
                kept.case_notes,
                kept.case_referrals,
                kept.cases_reduced,
                kept.match_messages,
                kept.notifications,
                kept.deliveries,
                kept.webhook_deliveries,
                kept.partner_events,
                kept.call_list_items,
                kept.claim_codes,
                kept.signals
            );
        }),
        Command::ImportNeighbourhoods { file } => {
            import_neighbourhoods(&cli.config, &file).map(|(created, updated)| {
                println!("{}: {created} created, {updated} updated", file.display());
            })
        }
        Command::Backup { target } => backup(&cli.config, &target).map(|()| {
            println!("backed up to {}", target.display());
        }),
        Command::RebuildStats => rebuild_stats(&cli.config).map(|added| {
            println!("monitoring facts added: {added}");
        }),
        Command::ExportStats {
            neighbourhood,
            municipality,
            from,
            to,
            interval,
            output,
        } => {
            let scope = match (neighbourhood, municipality) {
                (Some(code), _) => StatsScope::Neighbourhood(code),
                (None, code) => StatsScope::Municipality(code.unwrap_or_default()),
            };
            let params = buurt_openapi::stats::StatsParams {
                from: from.map(|day| day.to_string()),
                to: to.map(|day| day.to_string()),
                interval: Some(match interval {
                    StatsInterval::Week => buurt_openapi::stats::IntervalDto::Week,
                    StatsInterval::Month => buurt_openapi::stats::IntervalDto::Month,
                }),
            };
            export_stats(&cli.config, &scope, &params, chrono::Utc::now()).and_then(|csv| {
                match output {
                    Some(path) => std::fs::write(&path, csv)
                        .map_err(|error| format!("{}: {error}", path.display())),
                    None => {
                        use std::io::Write;
                        std::io::stdout()
                            .write_all(&csv)
                            .map_err(|error| error.to_string())
                    }
                }
            })
        }
        Command::CreateAdmin {
            email,
            password,
            name,
        } => create_admin(&cli.config, &email, &password, &name).map(|outcome| match outcome {
            AdminOutcome::Created(id) => println!("created platform administrator {email} ({id})"),
            AdminOutcome::Promoted => println!("{email} is now a platform administrator"),
        }),
        Command::Seed { profile, seed, now } => seed_database(&cli.config, profile, seed, now),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(error = %message, "buurt failed");
            eprintln!("buurt: {message}");
            ExitCode::FAILURE
        }
    }
}

fn seed_database(
    config: &buurt_api::Config,
    profile: SeedProfile,
    seed: u64,
    now: Option<String>,
) -> Result<(), String> {
    let now = parse_now(now.as_deref())?;
    let report = buurt_api::cli::seed::seed(config, &SeedOptions { profile, seed, now })?;
    println!(
        "Seeded {profile:?} (seed {seed}, now {}) in {:.1} s:",
        now.to_rfc3339(),
        report.elapsed.as_secs_f64()
    );
    for table in &report.tables {
        println!(
            "  {:<15} {:>10} rows  {:>9.0} rows/s",
            table.table,
            table.rows,
            table.rows_per_second()
        );
    }
    if let Some((count, took)) = report.indexes {
        println!(
            "  {count} secondary indexes built after the load in {:.1} s",
            took.as_secs_f64()
        );
    }
    println!(
        "Logins (every seeded account has the password {}):",
        report.password
    );
    for login in &report.logins {
        println!("  {:<24} {}", login.email, login.what);
    }
    Ok(())
}

async fn serve(config: &buurt_api::Config) -> Result<(), String> {
    let app = Application::build(config).map_err(|error| error.to_string())?;
    let host = config
        .listen
        .rsplit_once(':')
        .map_or(config.listen.as_str(), |(host, _)| host);
    let base = format!("http://{host}:{}", app.port());
    tracing::info!(address = %base, "serving");
    println!(
        "Buurt serves {base}  ·  interactive docs: {base}/docs/  ·  spec: {base}/openapi.json"
    );
    app.run_until_stopped()
        .await
        .map_err(|error| error.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{PURGE_DELAY, return_freed_memory_at_once};

    #[allow(unsafe_code)]
    fn purge_delay() -> std::os::raw::c_long {
        // SAFETY: reads a number from mimalloc's option table.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn freed_memory_goes_back_at_once() {
        // The option at that place is the purge delay: mimalloc's default (1000 ms in v3, 10
        // in v2) unless the environment set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert!(
                [10, 1000].contains(&purge_delay()),
                "option {PURGE_DELAY} is not mimalloc's purge delay: {}",
                purge_delay()
            );
        }
        return_freed_memory_at_once();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(purge_delay(), 0);
        }
    }
}
