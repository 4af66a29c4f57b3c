//! The database's own ceiling for the feed's SQL (issue 22): `list_feed`, exactly as the
//! server calls it for a member who is no moderator, in a tight loop on N threads, each with
//! one connection of its own opened as the server's pool opens them (same PRAGMAs, same
//! diesel statement cache). No HTTP, no pool, no permission statements: what is left is the
//! feed query itself, so the server's feed throughput divided by this figure is the share of
//! the database's ceiling the server reaches. `bench/run` builds and runs it.
//!
//! ```sh
//! cargo build --release -p buurt-persistence --example feed_sql_ceiling
//! target/release/examples/feed_sql_ceiling --database bench/results/…/demo.db \
//!     --neighbourhood <uuid> --reader <uuid> [--seconds 10] [--threads 2] [--limit 20]
//! ```
//! Prints one line of `key=value` pairs (queries, seconds, queries_per_sec, rows per query).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use buurt_domain::accounts::UserId;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_persistence::posts::{FeedQuery, HiddenPosts, list_feed};
use buurt_persistence::{ConnectionManager, DatabaseUrl, StatementCount};
use diesel::r2d2::ManageConnection;

struct Args {
    database: String,
    neighbourhood: NeighbourhoodId,
    reader: UserId,
    seconds: f64,
    threads: usize,
    limit: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut database = None;
    let mut neighbourhood = None;
    let mut reader = None;
    let (mut seconds, mut threads, mut limit) = (10.0_f64, 2_usize, 20_usize);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let uuid = |v: &str| uuid::Uuid::parse_str(v).map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--database" => database = Some(value),
            "--neighbourhood" => neighbourhood = Some(NeighbourhoodId(uuid(&value)?)),
            "--reader" => reader = Some(UserId(uuid(&value)?)),
            "--seconds" => seconds = value.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--threads" => threads = value.parse().map_err(|e| format!("{flag}: {e}"))?,
            "--limit" => limit = value.parse().map_err(|e| format!("{flag}: {e}"))?,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if seconds.is_nan() || seconds <= 0.0 || threads == 0 || limit == 0 {
        return Err("--seconds, --threads and --limit must be positive".into());
    }
    Ok(Args {
        database: database.ok_or("--database is required")?,
        neighbourhood: neighbourhood.ok_or("--neighbourhood is required")?,
        reader: reader.ok_or("--reader is required")?,
        seconds,
        threads,
        limit,
    })
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("feed_sql_ceiling: {message}");
            std::process::exit(2);
        }
    };
    let url = DatabaseUrl::parse(&args.database).unwrap_or_else(|e| {
        eprintln!("feed_sql_ceiling: {e}");
        std::process::exit(2);
    });
    let manager = ConnectionManager::new(url, StatementCount::default());
    // The query `app::posts::list_posts` builds for a member who is no moderator: members'
    // posts, hidden ones only the reader's own, the first page.
    let query = FeedQuery {
        neighbourhood: Some(args.neighbourhood),
        author: None,
        kind: None,
        category: None,
        status: None,
        text: None,
        members_posts: true,
        members_news: false,
        reader: Some(args.reader),
        hidden: HiddenPosts::OwnOnly(args.reader),
        after: None,
        limit: args.limit,
    };

    // Connect and warm every thread's statement cache before the clock starts.
    let mut connections = Vec::with_capacity(args.threads);
    let mut rows = 0;
    for _ in 0..args.threads {
        let mut conn = manager.connect().unwrap_or_else(|e| {
            eprintln!("feed_sql_ceiling: cannot connect: {e}");
            std::process::exit(1);
        });
        let (page, _) = list_feed(&mut conn, &query).unwrap_or_else(|e| {
            eprintln!("feed_sql_ceiling: the feed query failed: {e}");
            std::process::exit(1);
        });
        rows = page.len();
        connections.push(conn);
    }
    if rows == 0 {
        eprintln!("feed_sql_ceiling: the feed is empty: wrong neighbourhood or reader?");
        std::process::exit(1);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = connections
        .into_iter()
        .map(|mut conn| {
            let (stop, done, query) = (stop.clone(), done.clone(), query.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    if let Err(e) = list_feed(&mut conn, &query) {
                        eprintln!("feed_sql_ceiling: the feed query failed: {e}");
                        std::process::exit(1);
                    }
                    n += 1;
                }
                done.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(args.seconds));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        let _ = worker.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let queries = done.load(Ordering::Relaxed);
    println!(
        "queries={queries} seconds={elapsed:.3} threads={} rows={rows} queries_per_sec={:.1}",
        args.threads,
        queries as f64 / elapsed
    );
}
