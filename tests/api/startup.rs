use buurt_api::Config;
use buurt_api::startup::prepare_database;
use buurt_tests::{TestDatabase, start};
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

    let secret = stored_secret(&app.database);
    assert_eq!(secret.len(), 1);
    assert_eq!(secret[0].len(), 64, "32 random bytes, hex");

    // A restart on the same database migrates nothing and keeps the same secret.
    let mut config = Config::with_database_url(app.database.url());
    config.listen = "127.0.0.1:0".into();
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
