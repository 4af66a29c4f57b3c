//! Building the application from a `Config`: database, migrations, secrets, HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use buurt_persistence::secrets::SecretsKey;

use crate::workers::deliveries::DeliveryWorker;
use buurt_persistence::{DatabaseUrl, DbPool, PersistenceError, PoolOptions, StatementCount};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::password::HashingPool;
use crate::auth::tokens::TokenKeys;
use crate::config::Config;
use crate::http::extract;
use crate::http::idempotency::idempotency;
use crate::http::limits::{BodyTimeout, body_deadline};
use crate::http::metrics::Metrics;
use crate::http::middleware::{
    head_as_get, negotiation_headers, problem_responses, refuse_nul_in_url, request_id,
};
use crate::http::query::{DocumentedQueries, refuse_unknown_parameters};
use crate::http::security::{MetricsToken, security_headers};
use crate::routes::fallback::{RouteTable, not_matched};
use crate::state::{AppState, LoginThrottle, WebhookSettings};
use crate::{routes, spec};
use buurt_domain::throttle::ThrottlePolicy;

/// The shortest HS256 key accepted, in bytes (RFC 7518 §3.2).
const MIN_JWT_SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Database(#[from] PersistenceError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Connects and migrates: what `serve` and `migrate` share. Returns the versions applied.
pub fn prepare_database(
    config: &Config,
) -> Result<(DatabaseUrl, DbPool, Vec<String>), StartupError> {
    prepare_counted_database(config, StatementCount::default())
}

/// `prepare_database`, counting the statements the pool's connections send in `statements`.
fn prepare_counted_database(
    config: &Config,
    statements: StatementCount,
) -> Result<(DatabaseUrl, DbPool, Vec<String>), StartupError> {
    let url = DatabaseUrl::parse(&config.database_url)?;
    if config.db_pool_size == 0 {
        return Err(StartupError::Config(
            "BUURT_DB_POOL_SIZE must be at least 1".into(),
        ));
    }
    let options = PoolOptions {
        max_size: config.db_pool_size,
        ..PoolOptions::default()
    };
    let pool = buurt_persistence::build_pool(&url, &options, statements)?;
    let applied =
        buurt_persistence::run_migrations(&mut *pool.get().map_err(PersistenceError::from)?)?;
    for version in &applied {
        tracing::info!(%version, "migration applied");
    }
    Ok((url, pool, applied))
}

/// The key secrets are sealed with at rest: `BUURT_SECRETS_KEY`, the file
/// `BUURT_SECRETS_KEY_FILE` names, or (SQLite only, so a first run needs no setup) the file
/// `<database>.key` beside the database, made with a random key on the first start. PostgreSQL
/// (production, several nodes) refuses to start without one.
pub fn secrets_key(config: &Config, url: &DatabaseUrl) -> Result<SecretsKey, StartupError> {
    fn bad(
        source: &'static str,
    ) -> impl Fn(buurt_persistence::secrets::BadSecretsKey) -> StartupError {
        move |error| StartupError::Config(format!("{source}: {error}"))
    }
    if let Some(key) = &config.secrets_key {
        return SecretsKey::parse(key).map_err(bad("BUURT_SECRETS_KEY"));
    }
    if let Some(path) = &config.secrets_key_file {
        let text = std::fs::read_to_string(path).map_err(|error| {
            StartupError::Config(format!(
                "BUURT_SECRETS_KEY_FILE {}: {error}",
                path.display()
            ))
        })?;
        return SecretsKey::parse(&text).map_err(bad("BUURT_SECRETS_KEY_FILE"));
    }
    let DatabaseUrl::Sqlite { path } = url else {
        return Err(StartupError::Config(
            "set BUURT_SECRETS_KEY or BUURT_SECRETS_KEY_FILE (openssl rand -hex 32): on \
             PostgreSQL secrets are sealed with a key every node shares, kept apart from the \
             database"
                .into(),
        ));
    };
    let path = std::path::PathBuf::from(format!("{path}.key"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretsKey::generate();
            write_private(&path, &key)?;
            tracing::info!(path = %path.display(), "generated the secrets key");
            key
        }
        Err(error) => return Err(error.into()),
    };
    SecretsKey::parse(&text).map_err(bad("the secrets key file beside the database"))
}

/// Writes a new file only its owner may read.
fn write_private(path: &std::path::Path, text: &str) -> Result<(), StartupError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(format!("{text}\n").as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// A configured JWT secret must be long enough: checked before anything else starts.
fn check_jwt_secret(config: &Config) -> Result<(), StartupError> {
    match &config.jwt_secret {
        Some(secret) if secret.len() < MIN_JWT_SECRET_BYTES => Err(StartupError::Config(format!(
            "BUURT_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes"
        ))),
        _ => Ok(()),
    }
}

fn jwt_secret(config: &Config, pool: &DbPool, key: &SecretsKey) -> Result<Vec<u8>, StartupError> {
    if let Some(secret) = &config.jwt_secret {
        check_jwt_secret(config)?;
        return Ok(secret.as_bytes().to_vec());
    }
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|error| {
        StartupError::Config(format!("no randomness for the JWT secret: {error}"))
    })?;
    let candidate: String = random.iter().map(|byte| format!("{byte:02x}")).collect();
    let mut conn = pool.get().map_err(PersistenceError::from)?;
    Ok(buurt_persistence::settings::jwt_secret_or_init(&mut conn, &candidate, key)?.into_bytes())
}

/// The pool for `BUURT_DATABASE_READ_URL`: same size as the leader's; connections are opened
/// when first needed.
fn read_replica(url: &str, config: &Config) -> Result<crate::state::Replica, StartupError> {
    let url = DatabaseUrl::parse(url)
        .map_err(|error| StartupError::Config(format!("BUURT_DATABASE_READ_URL: {error}")))?;
    let options = PoolOptions {
        max_size: config.db_pool_size,
        ..PoolOptions::default()
    };
    tracing::info!(%url, "reads that may lag go to the read replica");
    Ok(crate::state::Replica {
        pool: buurt_persistence::build_read_pool(&url, &options, StatementCount::default()),
        availability: Arc::default(),
    })
}

/// Where image bytes are kept: `BUURT_OBJECT_STORE_URL`, or a directory beside the SQLite
/// file (`<database>.images`), or `buurt-images` in the working directory on PostgreSQL.
fn image_store(
    config: &Config,
    url: &DatabaseUrl,
) -> Result<crate::images::ImageStore, StartupError> {
    let default_dir = match url {
        DatabaseUrl::Sqlite { path } => std::path::PathBuf::from(format!("{path}.images")),
        _ => {
            if config.object_store_url.is_none() {
                tracing::warn!(
                    "images are kept in ./buurt-images: set BUURT_OBJECT_STORE_URL (s3://…) \
                     when several nodes serve"
                );
            }
            std::path::PathBuf::from("buurt-images")
        }
    };
    crate::images::ImageStore::open(
        config.object_store_url.as_deref(),
        &config.object_store_options,
        default_dir,
    )
    .map_err(|error| StartupError::Config(error.to_string()))
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    worker: (buurt_persistence::DbPool, WebhookSettings, Arc<SecretsKey>),
    delivery_worker: Option<DeliveryWorker>,
    hashing: HashingPool,
}

impl Application {
    /// Connects to the database, migrates it, binds the listener. Blocks while it does.
    pub fn build(config: &Config) -> Result<Self, StartupError> {
        check_jwt_secret(config)?;
        let statements = StatementCount::default();
        let (database_url, pool, _) = prepare_counted_database(config, statements.clone())?;
        let secrets = Arc::new(secrets_key(config, &database_url)?);
        // Secrets stored plain by an earlier version are sealed now; a wrong key stops here.
        let sealed = buurt_persistence::secrets::seal_plain_secrets(
            &mut *pool.get().map_err(PersistenceError::from)?,
            &secrets,
        )?;
        if sealed > 0 {
            tracing::info!(sealed, "sealed secrets stored plain");
        }
        let signing_secret = jwt_secret(config, &pool, &secrets)?;
        let tokens = TokenKeys::new(&signing_secret)
            .map_err(|error| StartupError::Config(format!("unusable JWT secret: {error}")))?;
        let mailer = crate::mail::Mailer::from_config(config, &signing_secret)?;
        let links = crate::mail::Links::new(
            &config.public_url,
            config.app_link_url.as_deref(),
            &signing_secret,
        );
        let images = image_store(config, &database_url)?;
        // TLS to S3 (reqwest in object_store) with the ring provider rustls already builds.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let window = chrono::Duration::seconds(config.login_throttle_window.into());
        let clock: Arc<dyn buurt_app::Clock> = config
            .clock
            .clone()
            .unwrap_or_else(|| Arc::new(buurt_app::SystemClock));
        let lease = Duration::from_secs(config.delivery_claim_lease_secs);
        if lease < crate::workers::deliveries::MIN_CLAIM_LEASE {
            return Err(StartupError::Config(format!(
                "BUURT_DELIVERY_CLAIM_LEASE_SECS must be at least {}",
                crate::workers::deliveries::MIN_CLAIM_LEASE.as_secs()
            )));
        }
        let tokens = Arc::new(tokens.with_clock(clock.clone()));
        let push = crate::workers::push::from_config(config, pool.clone(), clock.clone())?;
        let sms = crate::workers::sms::from_config(config)?;
        let replica = match &config.database_read_url {
            Some(url) => Some(read_replica(url, config)?),
            None => None,
        };
        let state = web::Data::new(AppState {
            pool,
            database_url,
            replica,
            tokens,
            standings: Arc::default(),
            secrets,
            login_throttle: LoginThrottle {
                per_account: ThrottlePolicy {
                    max_failures: config.login_max_failures,
                    window,
                },
                per_client: ThrottlePolicy {
                    max_failures: config.login_max_failures_per_client,
                    window,
                },
            },
            trust_proxy_headers: config.trust_proxy_headers,
            webhooks: WebhookSettings::from_config(config),
            join_limits: buurt_domain::membership::JoinLimits {
                joins_per_day: config.joins_per_day,
                postcode_cooldown: chrono::Duration::days(config.postcode_cooldown_days.into()),
            },
            write_limits: buurt_domain::moderation::WriteLimits {
                posts_per_hour: config.limit_posts_per_hour,
                messages_per_minute: config.limit_messages_per_minute,
                reports_per_day: config.limit_reports_per_day,
                offers_per_hour: config.limit_offers_per_hour,
            },
            clock,
            push,
            sms,
            mailer: mailer.clone(),
            links,
            availability: Arc::default(),
            hashing: HashingPool::new(
                config
                    .hashing_threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
                config.hashing_queue,
            ),
            registration_throttle: ThrottlePolicy {
                max_failures: config.registrations_per_client,
                window,
            },
            imaging: HashingPool::named(
                "buurt-image",
                config.image_threads.unwrap_or(cores),
                config.image_queue,
            ),
            images,
            reports: Arc::new(tokio::sync::Semaphore::new(cores)),
        });
        let body_timeout = web::Data::new(BodyTimeout(Duration::from_millis(
            config.body_timeout_ms.max(1),
        )));
        let worker = (state.pool.clone(), state.webhooks, state.secrets.clone());
        let hashing = state.hashing.clone();
        let delivery_worker = (config.delivery_poll_ms > 0).then(|| DeliveryWorker {
            pool: state.pool.clone(),
            clock: state.clock.clone(),
            mailer,
            push: state.push.clone(),
            sms: state.sms.clone(),
            policy: buurt_domain::delivery::RetryPolicy {
                base: chrono::Duration::milliseconds(
                    i64::try_from(config.delivery_retry_base_ms).unwrap_or(i64::MAX),
                ),
                max_attempts: config.delivery_max_attempts.max(1),
            },
            poll: Duration::from_millis(config.delivery_poll_ms),
            lease,
        });
        let metrics = web::Data::new(
            Metrics::new(state.pool.clone(), config.db_pool_size, statements)
                .map_err(|error| StartupError::Config(format!("metrics: {error}")))?,
        );
        let metrics_token = web::Data::new(MetricsToken::new(config.metrics_token.as_deref()));
        let spec = spec::openapi();
        let route_table = web::Data::new(RouteTable::from_spec(&spec));
        let documented_queries = web::Data::new(DocumentedQueries::from_spec(&spec));
        // Serialised once, shared by the workers (each used to keep a copy of the document and
        // serialise it for every request).
        let spec_json = web::Data::new(SpecJson(web::Bytes::from(
            serde_json::to_vec(&spec)
                .map_err(|error| StartupError::Config(format!("spec: {error}")))?,
        )));
        drop(spec);
        let listener = TcpListener::bind(&config.listen)?;
        let port = listener.local_addr()?.port();

        // A request actix-http cannot parse, or whose head is too large or too slow, is
        // answered by its dispatcher before any of our code runs: give those a problem body too.
        actix_http::h1::set_protocol_error_body(crate::http::error::protocol_error_body);
        let mut server = HttpServer::new(move || {
            App::new()
                .configure(routes::configure_handlers)
                .app_data(state.clone())
                .app_data(route_table.clone())
                .app_data(documented_queries.clone())
                .app_data(metrics.clone())
                .app_data(metrics_token.clone())
                .app_data(body_timeout.clone())
                .app_data(extract::query_config())
                .app_data(extract::path_config())
                .route("/", web::get().to(|| async { redirect_to("/docs/") }))
                .route("/docs/", web::get().to(docs_page))
                .route("/docs/index.html", web::get().to(docs_page))
                .service(
                    web::resource("/openapi.json")
                        .guard(actix_web::guard::Get())
                        .app_data(spec_json.clone())
                        .to(serve_spec),
                )
                .service(SwaggerUi::new("/docs/{_:.*}").config(swagger_config()))
                .route("/docs", web::get().to(|| async { redirect_to("/docs/") }))
                // The pages behind the links in account e-mails (not API operations).
                .route(
                    "/reset-password",
                    web::get().to(routes::pages::reset_password_page),
                )
                .route(
                    "/reset-password",
                    web::post().to(routes::pages::reset_password),
                )
                .route(
                    "/verify-email",
                    web::get().to(routes::pages::verify_email_page),
                )
                .route("/verify-email", web::post().to(routes::pages::verify_email))
                .default_service(web::to(not_matched))
                .wrap(from_fn(crate::auth::recheck_refused_tokens))
                .wrap(from_fn(head_as_get))
                .wrap(from_fn(idempotency))
                .wrap(from_fn(refuse_unknown_parameters))
                .wrap(from_fn(refuse_nul_in_url))
                .wrap(from_fn(body_deadline))
                .wrap(from_fn(problem_responses))
                .wrap(from_fn(request_id))
                .wrap(from_fn(crate::http::metrics::record))
                .wrap(from_fn(security_headers))
                .wrap(from_fn(negotiation_headers))
                // gzip only: the zstd and brotli encoders cost more to build than they save.
                .wrap(Compress::default())
        })
        // A slow client gets a deadline for its request head (the body's is `body_deadline`),
        // and each worker holds a bounded number of connections.
        .client_request_timeout(Duration::from_millis(config.header_timeout_ms.max(1)))
        .client_disconnect_timeout(Duration::from_secs(1))
        .max_connections(config.max_connections.max(1))
        // An answer goes out as soon as it is written. With Nagle's algorithm on, the last
        // segment of a response bigger than one segment (a feed page) waits for the client's
        // ACK of the one before, and clients delay that ACK by up to 40 ms: every feed request
        // took ~42 ms whatever the load (BENCHMARKS.md, issue 22).
        .tcp_nodelay(true)
        .listen(listener)?
        // Every query and password hash runs on a worker's blocking pool; more threads than
        // connections only wait for one (and each thread costs memory: a stack and, with
        // glibc, a malloc arena). 512 / cores by default.
        .worker_max_blocking_threads(usize::try_from(config.db_pool_size).unwrap_or(10).max(2))
        // On SIGTERM or SIGINT: stop accepting, let requests in flight finish for up to 30 s.
        .shutdown_timeout(30);
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            worker,
            delivery_worker,
            hashing,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pool passwords are hashed on: a test can occupy it to see a full pool refused.
    pub fn hashing_pool(&self) -> HashingPool {
        self.hashing.clone()
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (pool, settings, secrets) = self.worker;
        let worker = settings.poll.map(|every| {
            actix_web::rt::spawn(crate::workers::webhooks::run(
                pool, settings, secrets, every,
            ))
        });
        let deliveries = self
            .delivery_worker
            .map(|worker| actix_web::rt::spawn(crate::workers::deliveries::run(worker)));
        let served = self.server.await;
        // Stopped and waited for, so that what they hold is dropped here, inside the runtime
        // (see `workers::deliveries::run`), not when the runtime itself is dropped.
        for worker in [worker, deliveries].into_iter().flatten() {
            worker.abort();
            let _ = worker.await;
        }
        served
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

fn redirect_to(location: &'static str) -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("location", location))
        .finish()
}

/// The OpenAPI document, serialised.
struct SpecJson(web::Bytes);

/// `GET /openapi.json`.
async fn serve_spec(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(spec.0.clone())
}

/// Swagger UI, reading the document from `/openapi.json`.
fn swagger_config() -> utoipa_swagger_ui::Config<'static> {
    utoipa_swagger_ui::Config::new(["/openapi.json"])
}

/// The interactive documentation's page, titled for what it documents.
async fn docs_page() -> HttpResponse {
    let config = std::sync::Arc::new(swagger_config());
    match utoipa_swagger_ui::serve("index.html", config) {
        Ok(Some(file)) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(
                String::from_utf8_lossy(&file.bytes)
                    .replace("<title>Swagger UI</title>", "<title>Buurt API</title>"),
            ),
        _ => HttpResponse::NotFound().finish(),
    }
}
