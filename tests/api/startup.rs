use buurt_api::Config;
use buurt_api::startup::prepare_database;
use buurt_persistence::secrets::SecretsKey;
use buurt_tests::{TEST_JWT_SECRET, TEST_SECRETS_KEY, TestDatabase, start};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

diesel::table! {
    __diesel_schema_migrations (version) {
        version -> Text,
        run_on -> Timestamp,
    }
}

fn migration_names() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    let mut names = Vec::new();
    for backend in ["sqlite", "postgres"] {
        let mut these: Vec<String> = std::fs::read_dir(format!("{dir}/{backend}"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        these.sort();
        names.push(these);
    }
    assert_eq!(names[0], names[1], "both backends have the same migrations");
    names.remove(0)
}

fn applied_versions(database: &TestDatabase) -> Vec<String> {
    let mut conn = database.connect();
    __diesel_schema_migrations::table
        .select(__diesel_schema_migrations::version)
        .order(__diesel_schema_migrations::version)
        .load(&mut conn)
        .unwrap()
}

fn stored_secret(database: &TestDatabase) -> Vec<String> {
    let mut conn = database.connect();
    buurt_persistence::schema::settings::table
        .filter(buurt_persistence::schema::settings::key.eq("jwt_secret"))
        .select(buurt_persistence::schema::settings::value)
        .load(&mut conn)
        .unwrap()
}

#[actix_web::test]
async fn start_up_migrates_an_empty_database_and_keeps_its_secret() {
    let app = buurt_tests::spawn_app_with(|config| config.jwt_secret = None).await;
    let expected: Vec<String> = migration_names()
        .iter()
        .map(|name| name.split('_').next().unwrap().replace('-', ""))
        .collect();
    assert_eq!(applied_versions(&app.database), expected);

    // Kept sealed: 32 random bytes (64 hex digits) are no longer to be read in the database.
    let secret = stored_secret(&app.database);
    assert_eq!(secret.len(), 1);
    let key = SecretsKey::parse(TEST_SECRETS_KEY).unwrap();
    assert!(secret[0].starts_with("sealed:v1:"), "{}", secret[0]);
    let opened = key.open("settings:jwt_secret", &secret[0]).unwrap();
    assert_eq!(opened.len(), 64, "32 random bytes, hex");

    // A restart on the same database migrates nothing and keeps the same secret.
    let mut config = Config::with_database_url(app.database.url());
    config.listen = "127.0.0.1:0".into();
    config.secrets_key = Some(TEST_SECRETS_KEY.into());
    let (_, _, applied) = prepare_database(&config).unwrap();
    assert!(applied.is_empty(), "{applied:?}");
    let database = std::mem::replace(&mut { app }.database, TestDatabase::create());
    let restarted = start(database, &config);
    assert_eq!(stored_secret(&restarted.database), secret);
    assert_eq!(restarted.get("/health/ready").await.status, 200);
}

#[actix_web::test]
async fn a_configured_secret_is_used_and_not_stored() {
    let app = buurt_tests::spawn_app_with(|config| {
        config.jwt_secret = Some("a-configured-secret-of-32-bytes-or-more".into());
    })
    .await;
    assert!(stored_secret(&app.database).is_empty());
}

#[actix_web::test]
async fn a_short_configured_secret_is_refused() {
    let database = TestDatabase::create();
    let mut config = Config::with_database_url(database.url());
    config.listen = "127.0.0.1:0".into();
    config.jwt_secret = Some("too-short".into());
    let error = buurt_api::Application::build(&config)
        .err()
        .expect("refused");
    assert!(error.to_string().contains("at least 32 bytes"), "{error}");
}

#[actix_web::test]
async fn a_bad_database_url_is_a_clear_error() {
    for (url, expected) in [
        ("mysql://localhost/buurt", "unsupported scheme"),
        ("sqlite://:memory:", "in-memory"),
    ] {
        let mut config = Config::with_database_url(url);
        config.listen = "127.0.0.1:0".into();
        let error = buurt_api::Application::build(&config)
            .err()
            .expect("refused");
        assert!(error.to_string().contains(expected), "{url}: {error}");
    }
}

fn stored_webhook_secrets(database: &TestDatabase) -> Vec<String> {
    let mut conn = database.connect();
    buurt_persistence::schema::webhooks::table
        .select(buurt_persistence::schema::webhooks::secret)
        .load(&mut conn)
        .unwrap()
}

/// A token for `user` signed with `secret`, as the server issues them.
fn token_signed_with(secret: &str, user: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"sub": user, "iat": now, "exp": now + 600, "iss": "buurt", "aud": "buurt-api"}),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn plain_secrets_from_before_are_sealed_at_start_and_a_wrong_key_is_refused() {
    let app = buurt_tests::spawn_app_with(|config| config.jwt_secret = None).await;
    let resident = app.register("sleutels@example.nl").await;
    // Rows as an earlier version stored them: in plain text.
    let plain_jwt = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    app.sql(&format!(
        "UPDATE settings SET value = '{plain_jwt}' WHERE key = 'jwt_secret'"
    ));
    app.sql(
        "INSERT INTO clients (id, name, secret_hash, scopes, municipalities, created_at, updated_at) \
         VALUES ('bc_oud', 'Oud', 'x', 'posts:read', 'GM0001', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    );
    app.sql(&format!(
        "INSERT INTO webhooks (id, client_id, url, secret, kinds, status, consecutive_failures, \
         cursor, created_at, updated_at) VALUES ('{}', 'bc_oud', 'https://example.nl/hook', \
         'whsec_plain', '', 'active', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        uuid::Uuid::new_v4()
    ));
    let mut config = Config::with_database_url(app.database.url());
    config.listen = "127.0.0.1:0".into();
    config.workers = Some(1);
    config.webhook_poll_ms = 0;

    let key = SecretsKey::parse(TEST_SECRETS_KEY).unwrap();
    // The right key: the plain rows are sealed, and mean what they meant.
    config.secrets_key = Some(TEST_SECRETS_KEY.into());
    let database = std::mem::replace(&mut { app }.database, TestDatabase::create());
    let restarted = start(database, &config);
    let jwt = stored_secret(&restarted.database);
    assert!(jwt[0].starts_with("sealed:v1:"), "{}", jwt[0]);
    assert_eq!(key.open("settings:jwt_secret", &jwt[0]).unwrap(), plain_jwt);
    let hooks = stored_webhook_secrets(&restarted.database);
    assert!(hooks.iter().all(|secret| secret.starts_with("sealed:v1:")));
    assert!(!hooks.iter().any(|secret| secret.contains("whsec_plain")));
    let me = restarted
        .request(actix_web::http::Method::GET, "/v1/me")
        .bearer(&token_signed_with(plain_jwt, &resident.user_id))
        .send()
        .await;
    assert_eq!(me.status, 200, "{}", me.text());

    // Another key does not open what this one sealed: a node with it refuses to start.
    config.secrets_key = Some(SecretsKey::generate());
    let error = buurt_api::Application::build(&config)
        .err()
        .expect("refused");
    assert!(error.to_string().contains("secrets key"), "{error}");
    let _ = TEST_JWT_SECRET;
}

#[actix_web::test]
async fn the_secrets_key_comes_from_a_file_or_beside_a_sqlite_database() {
    use buurt_api::startup::secrets_key;
    let database = TestDatabase::create();
    let mut config = Config::with_database_url(database.url());
    let url = buurt_persistence::DatabaseUrl::parse(&database.url()).unwrap();
    if database.is_postgres() {
        // Production: no key, no start.
        let error = secrets_key(&config, &url).expect_err("refused");
        assert!(error.to_string().contains("BUURT_SECRETS_KEY"), "{error}");
    } else {
        // A first run on SQLite needs nothing: a key file is made beside the database.
        let TestDatabase::Sqlite { path } = &database else {
            unreachable!()
        };
        let key_file = std::path::PathBuf::from(format!("{}.key", path.display()));
        secrets_key(&config, &url).unwrap();
        let made = std::fs::read_to_string(&key_file).unwrap();
        assert!(SecretsKey::parse(&made).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only its owner reads it");
        }
        // The next start reads the same key.
        let sealed = secrets_key(&config, &url).unwrap().seal("p", "geheim");
        assert_eq!(
            secrets_key(&config, &url)
                .unwrap()
                .open("p", &sealed)
                .unwrap(),
            "geheim"
        );
        assert_eq!(std::fs::read_to_string(&key_file).unwrap(), made);
        let _ = std::fs::remove_file(&key_file);
    }
    // A key file named in the configuration; a bad one is a clear error.
    let file = std::env::temp_dir().join(format!("buurt-key-{}", uuid::Uuid::new_v4()));
    std::fs::write(&file, "not a key").unwrap();
    config.secrets_key_file = Some(file.clone());
    let error = secrets_key(&config, &url).expect_err("refused");
    assert!(error.to_string().contains("64 hexadecimal"), "{error}");
    std::fs::write(&file, format!("{TEST_SECRETS_KEY}\n")).unwrap();
    let from_file = secrets_key(&config, &url).unwrap();
    let sealed = SecretsKey::parse(TEST_SECRETS_KEY)
        .unwrap()
        .seal("p", "geheim");
    assert_eq!(from_file.open("p", &sealed).unwrap(), "geheim");
    // The variable wins over the file.
    config.secrets_key = Some(SecretsKey::generate());
    assert!(
        secrets_key(&config, &url)
            .unwrap()
            .open("p", &sealed)
            .is_err()
    );
    let _ = std::fs::remove_file(&file);
}

/// One value from `query` on `conn` (PostgreSQL or SQLite).
fn select_i64(conn: &mut buurt_persistence::DbConnection, query: &str) -> i64 {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let query = format!("({query})");
    let value = match conn {
        buurt_persistence::DbConnection::Postgresql(conn) => {
            diesel::select(sql::<BigInt>(&query)).get_result(conn)
        }
        buurt_persistence::DbConnection::Sqlite(conn) => {
            diesel::select(sql::<BigInt>(&query)).get_result(conn)
        }
    };
    value.unwrap_or_else(|error| panic!("{query}: {error}"))
}

#[test]
fn nodes_starting_at_once_on_an_empty_database_apply_each_migration_once() {
    let database = TestDatabase::create();
    let config = buurt_tests::node_config(database.url());
    let started = std::time::Instant::now();
    let applied: Vec<Vec<String>> = std::thread::scope(|scope| {
        let nodes: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| prepare_database(&config).map(|(_, _, applied)| applied)))
            .collect();
        nodes
            .into_iter()
            .map(|node| node.join().unwrap().expect("every node starts"))
            .collect()
    });
    let expected = migration_names().len();
    // One node applied them all; the others waited for it and found nothing left to do.
    let mut counts: Vec<usize> = applied.iter().map(Vec::len).collect();
    counts.sort_unstable();
    assert_eq!(counts, [0, 0, 0, expected], "{applied:?}");
    assert_eq!(applied_versions(&database).len(), expected);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

/// A starting node waits while another one migrates (PostgreSQL: the migration lock; SQLite:
/// the file's write lock) and carries on once it is done. On PostgreSQL the lock lives only as
/// long as the migrating transaction, never in the session (a pooler's session outlives its
/// client), and a node that waits too long gives up naming who holds it.
#[test]
fn a_starting_node_waits_for_another_nodes_migrations() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let database = TestDatabase::create();
    let expected = migration_names().len();
    // Another node is migrating: it holds the lock inside its transaction.
    let mut other = if database.is_postgres() {
        let mut other = database.connect();
        let key = buurt_persistence::MIGRATION_LOCK_KEY;
        other
            .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({key});"))
            .unwrap();
        other
    } else {
        // SQLite: an empty database file, whose write lock the other node holds.
        let url = database.url();
        std::fs::File::create(url.trim_start_matches("sqlite://")).unwrap();
        let mut other = database.connect();
        other.batch_execute("BEGIN IMMEDIATE;").unwrap();
        other
    };
    let (done, finished) = mpsc::channel();
    let waiting = {
        let shared = database.share();
        std::thread::spawn(move || {
            let mut conn = shared.connect();
            let result =
                buurt_persistence::run_migrations_within(&mut conn, Duration::from_secs(30));
            done.send(result.map_err(|error| error.to_string()))
                .unwrap();
            conn
        })
    };
    assert!(
        finished.recv_timeout(Duration::from_millis(800)).is_err(),
        "the starting node waits while the other one migrates"
    );
    other.batch_execute("COMMIT;").unwrap();
    let applied = finished
        .recv_timeout(Duration::from_secs(10))
        .expect("it carries on once the other one is done")
        .expect("and migrates");
    let mut conn = waiting.join().unwrap();
    assert_eq!(applied.len(), expected, "{applied:?}");
    assert_eq!(applied_versions(&database).len(), expected);
    if !database.is_postgres() {
        return;
    }
    // Its session keeps no lock once the migrations are committed.
    let held =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()";
    assert_eq!(select_i64(&mut conn, held), 0);

    // A holder that never lets go: the node gives up after its patience, naming the holder.
    let holder_pid = select_i64(&mut other, "SELECT pg_backend_pid()::bigint");
    let key = buurt_persistence::MIGRATION_LOCK_KEY;
    other
        .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({key});"))
        .unwrap();
    let started = Instant::now();
    let error = buurt_persistence::run_migrations_within(&mut conn, Duration::from_secs(1))
        .expect_err("gives up");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("migration lock") && message.contains(&format!("pid {holder_pid},")),
        "{message}"
    );
    // Giving up leaves nothing behind either: the holder's transaction ends, the lock is free.
    assert_eq!(select_i64(&mut conn, held), 0);
    other.batch_execute("ROLLBACK;").unwrap();
    assert!(
        buurt_persistence::run_migrations_within(&mut conn, Duration::from_secs(1))
            .unwrap()
            .is_empty()
    );
}
