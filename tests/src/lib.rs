//! The harness of the integration tests: a real server on a fresh database per test.
//!
//! Tests run on SQLite (a temporary file each). When `TEST_DATABASE_URL` points at a PostgreSQL
//! server (`postgres://postgres@127.0.0.1:5432/postgres`), each test gets a database of its own
//! there instead, created before and dropped after.

pub mod push;
pub mod sms;
pub mod smtp;

use std::path::PathBuf;
use std::time::Duration;

use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use buurt_api::{Application, Config};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::Value;

/// A database that exists for one test.
pub enum TestDatabase {
    Sqlite {
        path: PathBuf,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another test's database, reached by its URL (a second node on it); never dropped here.
    Shared {
        url: String,
        postgres: bool,
    },
}

impl TestDatabase {
    pub fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                let name = format!("buurt_test_{}", uuid::Uuid::new_v4().simple());
                admin_connection(&admin_url)
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                Self::Postgres { admin_url, name }
            }
            _ => Self::Sqlite {
                path: std::env::temp_dir()
                    .join(format!("buurt-test-{}.db", uuid::Uuid::new_v4().simple())),
            },
        }
    }

    /// The `DATABASE_URL` the app uses.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("sqlite://{}", path.display()),
            Self::Postgres { admin_url, name } => {
                // Connection parameters after `?` (sslmode, say) carry over.
                let (base, query) = match admin_url.split_once('?') {
                    Some((base, query)) => (base, format!("?{query}")),
                    None => (admin_url.as_str(), String::new()),
                };
                let (server, _) = base
                    .rsplit_once('/')
                    .expect("TEST_DATABASE_URL ends in /<database>");
                format!("{server}/{name}{query}")
            }
            Self::Shared { url, .. } => url.clone(),
        }
    }

    /// Where the app keeps image bytes: beside the SQLite file (the default), or a
    /// directory named after the PostgreSQL database (configured by `spawn_app_with`).
    pub fn images_dir(&self) -> PathBuf {
        match self {
            Self::Sqlite { path } => PathBuf::from(format!("{}.images", path.display())),
            Self::Postgres { name, .. } => std::env::temp_dir().join(format!("{name}.images")),
            Self::Shared { url, postgres } => {
                if *postgres {
                    let base = url.split('?').next().unwrap_or(url);
                    let name = base.rsplit('/').next().unwrap_or(base);
                    std::env::temp_dir().join(format!("{name}.images"))
                } else {
                    let path = url.trim_start_matches("sqlite://");
                    PathBuf::from(format!("{path}.images"))
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(
            self,
            Self::Postgres { .. } | Self::Shared { postgres: true, .. }
        )
    }

    /// The same database for another server: dropping it leaves the database alone.
    pub fn share(&self) -> Self {
        Self::Shared {
            url: self.url(),
            postgres: self.is_postgres(),
        }
    }

    /// A direct connection to the test's database, behind the app's back.
    pub fn connect(&self) -> buurt_persistence::DbConnection {
        use diesel::r2d2::ManageConnection;
        let url = buurt_persistence::DatabaseUrl::parse(&self.url()).expect("a valid URL");
        buurt_persistence::ConnectionManager::new(url, Default::default())
            .connect()
            .expect("connect to the test database")
            .into_inner()
    }

    /// A new database holding what this one holds now (a replica as of this moment, say); it
    /// must not be in use meanwhile. SQLite copies with `buurt backup`, PostgreSQL from a
    /// template.
    pub fn snapshot(&self) -> Self {
        match self {
            Self::Sqlite { path } => {
                let copy = path.with_extension(format!("{}.db", uuid::Uuid::new_v4().simple()));
                let url = buurt_persistence::DatabaseUrl::parse(&self.url()).expect("a valid URL");
                buurt_persistence::backup_sqlite(&url, &copy).expect("copy the database");
                Self::Sqlite { path: copy }
            }
            Self::Postgres { admin_url, name } => {
                let copy = format!("buurt_test_{}", uuid::Uuid::new_v4().simple());
                admin_connection(admin_url)
                    .batch_execute(&format!("CREATE DATABASE {copy} TEMPLATE {name}"))
                    .expect("copy the database");
                Self::Postgres {
                    admin_url: admin_url.clone(),
                    name: copy,
                }
            }
            Self::Shared { .. } => panic!("snapshot the owning test's database"),
        }
    }

    /// Makes the database unreachable for the app, as an outage would.
    pub fn take_offline(&self) {
        match self {
            Self::Sqlite { path } => {
                std::fs::rename(path, path.with_extension("offline")).expect("move the file away")
            }
            Self::Postgres { admin_url, name } => admin_connection(admin_url)
                .batch_execute(&format!(
                    "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid();"
                ))
                .expect("take the database offline"),
            Self::Shared { .. } => panic!("take the owning test's database offline"),
        }
    }

    /// Ends the outage started by `take_offline`.
    pub fn bring_online(&self) {
        match self {
            Self::Sqlite { path } => {
                std::fs::rename(path.with_extension("offline"), path).expect("move the file back")
            }
            Self::Postgres { admin_url, name } => admin_connection(admin_url)
                .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
                .expect("bring the database back"),
            Self::Shared { .. } => panic!("bring the owning test's database back"),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !matches!(self, Self::Shared { .. }) {
            let _ = std::fs::remove_dir_all(self.images_dir());
        }
        match self {
            Self::Sqlite { path } => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Self::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
            Self::Shared { .. } => {}
        }
    }
}

fn admin_connection(admin_url: &str) -> PgConnection {
    PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL")
}

/// A running server on its own database, and a client for it.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: awc::Client,
    server: actix_web::dev::ServerHandle,
    /// The server's password-hashing pool (a test can keep its threads busy).
    pub hashing: buurt_api::auth::password::HashingPool,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    // Dropped after the server has stopped.
    pub database: TestDatabase,
}

/// The JWT secret every test app signs with, so tests can forge tokens.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The key every test app seals its secrets with (on PostgreSQL one must be configured).
pub const TEST_SECRETS_KEY: &str =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Starts the app on a fresh database with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app on a fresh database after `customize` has adjusted the configuration.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    // BUURT_TEST_LOG=1 shows the servers' logs (with RUST_LOG as usual).
    static LOGS: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("BUURT_TEST_LOG").is_some() {
        LOGS.call_once(|| buurt_api::telemetry::init(buurt_api::config::LogFormat::Text));
    }
    let database = TestDatabase::create();
    let mut config = node_config(database.url());
    config.object_store_url = images_url(&database);
    // Every test registers its users from 127.0.0.1; the `limits` tests set their own.
    config.registrations_per_client = 10_000;
    // Tests write a lot from one account; the `moderation` tests set their own write limits.
    config.limit_posts_per_hour = 10_000;
    config.limit_messages_per_minute = 10_000;
    config.limit_reports_per_day = 10_000;
    config.limit_offers_per_hour = 10_000;
    customize(&mut config);
    start(database, &config)
}

/// A test server's configuration on the database at `url`: any port, the test secrets, a
/// small pool, and no webhook worker (it runs only where a test turns it on).
pub fn node_config(url: String) -> Config {
    let mut config = Config::with_database_url(url);
    config.listen = "127.0.0.1:0".into();
    config.workers = Some(2);
    config.db_pool_size = 4;
    config.jwt_secret = Some(TEST_JWT_SECRET.into());
    config.secrets_key = Some(TEST_SECRETS_KEY.into());
    config.webhook_poll_ms = 0;
    // So is the delivery worker (push, e-mail).
    config.delivery_poll_ms = 0;
    config
}

impl TestApp {
    /// A second server on this app's database, configured as `spawn_app_with` would: another
    /// node of the same deployment. Drop it before this app.
    pub fn another_node(&self, customize: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = node_config(self.database.url());
        config.object_store_url = images_url(&self.database);
        customize(&mut config);
        start(self.database.share(), &config)
    }
}

/// On PostgreSQL, a directory of the test's own for image bytes (the default would be the
/// working directory); on SQLite, none: the default beside the database file is used.
fn images_url(database: &TestDatabase) -> Option<String> {
    database
        .is_postgres()
        .then(|| format!("file://{}", database.images_dir().display()))
}

/// Starts the app on an existing database (a restart, say).
///
/// The server runs on a thread (and actix system) of its own, so that dropping the `TestApp`
/// can stop it and wait until it has stopped: its connections are closed before the test's
/// database is dropped, and no server outlives its test into the process's exit.
pub fn start(database: TestDatabase, config: &Config) -> TestApp {
    let config = config.clone();
    let (ready, started) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(&config)
                .unwrap_or_else(|error| panic!("the app starts: {error}"));
            ready
                .send((app.port(), app.handle(), app.hashing_pool()))
                .expect("the test waits for its server");
            app.run_until_stopped().await
        })
    });
    let Ok((port, server, hashing)) = started.recv() else {
        let panic = thread
            .join()
            .expect_err("the server thread failed to start");
        std::panic::resume_unwind(panic);
    };
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .disable_redirects()
            .finish(),
        server,
        hashing,
        thread: Some(thread),
        database,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop command is sent at once; the server's thread ends when every worker has
        // stopped and the connection pool is gone.
        drop(self.server.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("a text header").to_owned())
    }

    /// Asserts an RFC 9457 problem with this status and code, and returns its body.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "status; body: {}",
            self.text()
        );
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "content type; body: {}",
            self.text()
        );
        let problem = self.json();
        assert_eq!(problem["status"], status, "{problem}");
        assert_eq!(problem["code"], code, "{problem}");
        assert_eq!(
            problem["type"],
            format!("urn:buurt:problem:{code}"),
            "{problem}"
        );
        for field in ["title", "detail", "request_id"] {
            assert!(
                problem[field].as_str().is_some_and(|text| !text.is_empty()),
                "problem without {field}: {problem}"
            );
        }
        problem
    }
}

/// A request being built: method, path, headers and an optional body.
pub struct TestRequest<'a> {
    app: &'a TestApp,
    request: awc::ClientRequest,
}

impl<'a> TestRequest<'a> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.request = self.request.insert_header((name, value));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub async fn send(self) -> TestResponse {
        read(self.request.send().await).await
    }

    pub async fn json(self, body: &Value) -> TestResponse {
        read(self.request.send_json(body).await).await
    }

    /// A body sent as given, with the content type given.
    pub async fn raw(self, content_type: &str, body: impl Into<Vec<u8>>) -> TestResponse {
        let body: Vec<u8> = body.into();
        read(
            self.request
                .insert_header(("content-type", content_type))
                .send_body(body)
                .await,
        )
        .await
    }

    /// A body sent in chunks (`Transfer-Encoding: chunked`), so no `Content-Length` announces
    /// its size.
    pub async fn chunked(self, content_type: &str, chunks: Vec<Vec<u8>>) -> TestResponse {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|chunk| Ok::<_, std::io::Error>(actix_web::web::Bytes::from(chunk))),
        );
        read(
            self.request
                .insert_header(("content-type", content_type))
                .send_stream(stream)
                .await,
        )
        .await
    }

    pub fn app(&self) -> &'a TestApp {
        self.app
    }
}

async fn read<S>(
    response: Result<awc::ClientResponse<S>, awc::error::SendRequestError>,
) -> TestResponse
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, awc::error::PayloadError>> + Unpin,
{
    let mut response = response.expect("the request is answered");
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("the body is read");
    TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: body.to_vec(),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            app: self,
            request: self.client.request(method, self.url(path)),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path).send().await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.request(Method::POST, path).json(body).await
    }

    /// Polls `path` until it answers `status`, for up to `within`.
    pub async fn wait_for_status(&self, path: &str, status: u16, within: Duration) -> TestResponse {
        let deadline = std::time::Instant::now() + within;
        loop {
            let response = self.get(path).await;
            if response.status.as_u16() == status || std::time::Instant::now() > deadline {
                return response;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A signed-in user, as a client holds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Session {
    pub fn from_tokens(body: &Value) -> Self {
        Self {
            user_id: body["user"]["id"].as_str().expect("user.id").to_owned(),
            email: body["user"]["email"]
                .as_str()
                .expect("user.email")
                .to_owned(),
            access_token: body["access_token"]
                .as_str()
                .expect("access_token")
                .to_owned(),
            refresh_token: body["refresh_token"]
                .as_str()
                .expect("refresh_token")
                .to_owned(),
        }
    }
}

/// The password every test user gets unless a test says otherwise.
pub const TEST_PASSWORD: &str = "correct horse battery";

impl TestApp {
    /// Registers a resident and returns their session.
    pub async fn register(&self, email: &str) -> Session {
        let response = self
            .post(
                "/v1/auth/register",
                &serde_json::json!({
                    "email": email,
                    "password": TEST_PASSWORD,
                    "display_name": email.split('@').next().unwrap(),
                }),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        Session::from_tokens(&response.json())
    }

    pub async fn login(&self, email: &str, password: &str) -> TestResponse {
        self.post(
            "/v1/auth/login",
            &serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> TestResponse {
        self.post(
            "/v1/auth/refresh",
            &serde_json::json!({"refresh_token": refresh_token}),
        )
        .await
    }

    /// A GET with the session's access token.
    pub async fn get_as(&self, session: &Session, path: &str) -> TestResponse {
        self.request(Method::GET, path)
            .bearer(&session.access_token)
            .send()
            .await
    }
}

/// The CSV header of neighbourhood imports.
pub const NEIGHBOURHOOD_CSV_HEADER: &str =
    "code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent\n";

impl TestApp {
    /// A platform administrator, created the way an operator would (`buurt create-admin`).
    pub async fn admin(&self) -> Session {
        let mut config = Config::with_database_url(self.database.url());
        config.jwt_secret = Some(TEST_JWT_SECRET.into());
        buurt_api::cli::commands::create_admin(
            &config,
            "admin@example.nl",
            TEST_PASSWORD,
            "Beheer",
        )
        .expect("create the administrator");
        let response = self.login("admin@example.nl", TEST_PASSWORD).await;
        assert_eq!(response.status, 200, "{}", response.text());
        Session::from_tokens(&response.json())
    }

    /// Creates a neighbourhood in municipality `GM0001` covering `postcodes`; returns its id.
    pub async fn create_neighbourhood(
        &self,
        admin: &Session,
        code: &str,
        name: &str,
        postcodes: &[&str],
    ) -> String {
        self.create_neighbourhood_in(admin, code, name, "GM0001", postcodes)
            .await
    }

    pub async fn create_neighbourhood_in(
        &self,
        admin: &Session,
        code: &str,
        name: &str,
        municipality: &str,
        postcodes: &[&str],
    ) -> String {
        let response = self
            .request(Method::POST, "/v1/neighbourhoods")
            .bearer(&admin.access_token)
            .json(&serde_json::json!({
                "code": code, "name": name, "municipality_code": municipality,
                "municipality_name": "Gemeente", "lat": 52.0, "lng": 5.0,
                "postcodes": postcodes,
            }))
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// A POST with the session's access token.
    pub async fn post_as(&self, session: &Session, path: &str, body: &Value) -> TestResponse {
        self.request(Method::POST, path)
            .bearer(&session.access_token)
            .json(body)
            .await
    }

    pub async fn put_as(&self, session: &Session, path: &str, body: &Value) -> TestResponse {
        self.request(Method::PUT, path)
            .bearer(&session.access_token)
            .json(body)
            .await
    }

    /// Registers a user and makes them an active member with `role`, via an invite and the
    /// administrator.
    pub async fn member(
        &self,
        admin: &Session,
        neighbourhood: &str,
        email: &str,
        role: &str,
    ) -> Session {
        let session = self.register(email).await;
        let invite = self
            .post_as(
                admin,
                &format!("/v1/neighbourhoods/{neighbourhood}/invites"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(invite.status, 201, "{}", invite.text());
        let code = invite.json()["code"].as_str().unwrap().to_owned();
        let joined = self
            .post_as(
                &session,
                &format!("/v1/neighbourhoods/{neighbourhood}/join"),
                &serde_json::json!({"invite_code": code}),
            )
            .await;
        assert_eq!(joined.status, 201, "{}", joined.text());
        if role != "resident" {
            let changed = self
                .put_as(
                    admin,
                    &format!(
                        "/v1/neighbourhoods/{neighbourhood}/members/{}",
                        session.user_id
                    ),
                    &serde_json::json!({"role": role}),
                )
                .await;
            assert_eq!(changed.status, 200, "{}", changed.text());
        }
        session
    }

    /// The number a `SELECT COUNT(*) …` finds in the test's database, behind the app's back.
    pub fn count(&self, query: &str) -> i64 {
        use diesel::RunQueryDsl;
        use diesel::dsl::sql;
        use diesel::sql_types::BigInt;
        let subquery = format!("({query})");
        let counted = match self.database.connect() {
            buurt_persistence::DbConnection::Postgresql(mut conn) => {
                diesel::select(sql::<BigInt>(&subquery)).get_result(&mut conn)
            }
            buurt_persistence::DbConnection::Sqlite(mut conn) => {
                diesel::select(sql::<BigInt>(&subquery)).get_result(&mut conn)
            }
        };
        counted.unwrap_or_else(|error| panic!("{query}: {error}"))
    }

    /// Runs SQL on the test's database behind the app's back.
    pub fn sql(&self, statement: &str) {
        self.database
            .connect()
            .batch_execute(statement)
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
}

impl TestApp {
    /// `count` active residents of `neighbourhood`, written straight into the database and
    /// given access tokens signed with the test key: for tests that need a crowd.
    pub fn crowd(&self, neighbourhood: &str, count: usize) -> Vec<Session> {
        let now = chrono::Utc::now().naive_utc();
        let mut sessions = Vec::with_capacity(count);
        let mut users = Vec::new();
        let mut members = Vec::new();
        for index in 0..count {
            let id = uuid::Uuid::new_v4().to_string();
            let email = format!("buur{index}-{}@example.nl", &id[..8]);
            users.push(format!(
                "('{id}', '{email}', 'not a hash', 'Buur {index}', '', '', '', FALSE, FALSE, '{now}', '{now}')"
            ));
            members.push(format!(
                "('{}', '{neighbourhood}', '{id}', 'resident', 'active', '{now}', '{now}', 'invite')",
                uuid::Uuid::new_v4()
            ));
            let claims = serde_json::json!({
                "sub": id, "iat": chrono::Utc::now().timestamp(),
                "exp": chrono::Utc::now().timestamp() + 900, "iss": "buurt", "aud": "buurt-api",
            });
            let token = jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &claims,
                &jsonwebtoken::EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()).expect("a key"),
            )
            .expect("a token");
            sessions.push(Session {
                user_id: id,
                email,
                access_token: token,
                refresh_token: String::new(),
            });
        }
        for chunk in users.chunks(200) {
            self.sql(&format!(
                "INSERT INTO users (id, email, password_hash, display_name, skills, interests, languages, platform_admin, email_verified, created_at, updated_at) VALUES {}",
                chunk.join(", ")
            ));
        }
        for chunk in members.chunks(200) {
            self.sql(&format!(
                "INSERT INTO memberships (id, neighbourhood_id, user_id, role, status, joined_at, updated_at, verification) VALUES {}",
                chunk.join(", ")
            ));
        }
        sessions
    }

    /// The kinds of the session's latest 100 notifications, newest first.
    pub async fn notification_kinds(&self, session: &Session) -> Vec<String> {
        self.get_as(session, "/v1/me/notifications?limit=100")
            .await
            .json()["items"]
            .as_array()
            .expect("a list of notifications")
            .iter()
            .map(|n| n["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub async fn delete_as(&self, session: &Session, path: &str) -> TestResponse {
        self.request(Method::DELETE, path)
            .bearer(&session.access_token)
            .send()
            .await
    }
}

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A webhook receiver on 127.0.0.1: records every request and answers with `status` (which a
/// test may change), or with a redirect to `redirect_to` when that is set.
pub struct Receiver {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
    pub status: std::sync::Arc<std::sync::atomic::AtomicU16>,
    pub redirect_to: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// How long it takes to answer, in milliseconds (a slow partner).
    pub delay_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
    server: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Receiver {
    pub fn start() -> Self {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let status = std::sync::Arc::new(std::sync::atomic::AtomicU16::new(200));
        let redirect_to = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
        let delay_ms = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (ready, started) = std::sync::mpsc::channel();
        let state = (
            received.clone(),
            status.clone(),
            redirect_to.clone(),
            delay_ms.clone(),
        );
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    let state = state.clone();
                    App::new().default_service(web::to(
                        move |req: HttpRequest, body: web::Bytes| {
                            let (received, status, redirect_to, delay_ms) = state.clone();
                            async move {
                                let delay = delay_ms.load(std::sync::atomic::Ordering::SeqCst);
                                if delay > 0 {
                                    actix_web::rt::time::sleep(Duration::from_millis(delay)).await;
                                }
                                received.lock().unwrap().push(Received {
                                    path: req.path().to_owned(),
                                    headers: req.headers().clone(),
                                    body: body.to_vec(),
                                });
                                if let Some(target) = redirect_to.lock().unwrap().clone() {
                                    return HttpResponse::Found()
                                        .insert_header(("location", target))
                                        .finish();
                                }
                                let code = status.load(std::sync::atomic::Ordering::SeqCst);
                                HttpResponse::build(StatusCode::from_u16(code).unwrap()).finish()
                            }
                        },
                    ))
                })
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind the receiver");
                let port = server.addrs()[0].port();
                let server = server.run();
                ready.send((port, server.handle())).expect("the test waits");
                server.await
            })
        });
        let (port, server) = started.recv().expect("the receiver starts");
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            received,
            status,
            redirect_to,
            delay_ms,
            server,
            thread: Some(thread),
        }
    }

    /// Answers every request only after `delay`.
    pub fn delay(&self, delay: Duration) {
        self.delay_ms.store(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            std::sync::atomic::Ordering::SeqCst,
        );
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn answer(&self, status: u16) {
        self.status
            .store(status, std::sync::atomic::Ordering::SeqCst);
    }

    /// Waits until `done` holds of what was received (or panics after `within`).
    pub async fn wait_until(&self, within: Duration, done: impl Fn(&[Received]) -> bool) {
        let deadline = std::time::Instant::now() + within;
        loop {
            if done(&self.requests()) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the receiver did not get what was expected: {:?}",
                self.requests()
                    .iter()
                    .map(|r| String::from_utf8_lossy(&r.body).into_owned())
                    .collect::<Vec<_>>()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.server.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A clock a test sets and moves on (`config.clock = Some(clock.clone())`): every server
/// given it, and every token it issues and checks, sees the same time.
#[derive(Debug)]
pub struct TestClock(std::sync::Mutex<chrono::DateTime<chrono::Utc>>);

impl TestClock {
    /// A clock that says `at` until it is moved.
    pub fn at(at: chrono::DateTime<chrono::Utc>) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self(std::sync::Mutex::new(at)))
    }

    /// Moves the time on by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().expect("the clock's lock");
        *now += by;
    }

    /// Sets the time.
    pub fn set(&self, at: chrono::DateTime<chrono::Utc>) {
        *self.0.lock().expect("the clock's lock") = at;
    }
}

impl buurt_app::Clock for TestClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound;
        self.0.lock().expect("the clock's lock").trunc_subsecs(6)
    }
}
