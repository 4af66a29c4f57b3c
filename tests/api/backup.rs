//! `buurt backup`: an online copy of a SQLite database that a server can be restored from.

use buurt_tests::{TestDatabase, node_config as config_for, spawn_app, start};
use serde_json::json;

#[actix_web::test]
async fn a_backup_taken_while_serving_restores_everything_acknowledged_before_it() {
    let app = spawn_app().await;
    let config = config_for(app.database.url());
    let target =
        std::env::temp_dir().join(format!("buurt-backup-{}.db", uuid::Uuid::new_v4().simple()));
    if app.database.is_postgres() {
        // PostgreSQL is backed up with its own tools; the command says so and writes nothing.
        let error = buurt_api::cli::commands::backup(&config, &target).unwrap_err();
        assert!(error.contains("pg_basebackup"), "{error}");
        assert!(!target.exists());
        return;
    }
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU02300002", "Wittevrouwen", &["3581"])
        .await;
    let member = app
        .member(&admin, &neighbourhood, "lid@example.nl", "resident")
        .await;
    let feed = format!("/v1/neighbourhoods/{neighbourhood}/posts");
    let mut acknowledged = Vec::new();
    for n in 0..5 {
        let created = app
            .post_as(
                &member,
                &feed,
                &json!({"kind": "news", "title": format!("Bericht {n}"), "body": "Tekst."}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        acknowledged.push(created.json()["id"].as_str().unwrap().to_owned());
    }

    // Writes go on while the copy is taken: the copy is one consistent moment.
    let writing = {
        let (address, token, feed) = (
            app.address.clone(),
            member.access_token.clone(),
            feed.clone(),
        );
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let client = awc::Client::default();
                for n in 0..10 {
                    let response = client
                        .post(format!("{address}{feed}"))
                        .bearer_auth(&token)
                        .send_json(&json!({"kind": "news", "title": format!("Later {n}"),
                                           "body": "Tekst."}))
                        .await
                        .expect("the server answers");
                    assert_eq!(response.status(), 201);
                }
            })
        })
    };
    let backup = {
        let (config, target) = (config.clone(), target.clone());
        std::thread::spawn(move || buurt_api::cli::commands::backup(&config, &target))
    };
    backup.join().unwrap().expect("the backup is taken");
    writing.join().unwrap();
    // A backup never overwrites a file.
    let again = buurt_api::cli::commands::backup(&config, &target).unwrap_err();
    assert!(again.contains("exists"), "{again}");

    // Restore: a server started on the copy has every post acknowledged before the backup.
    drop(app);
    let restored = start(
        TestDatabase::Sqlite {
            path: target.clone(),
        },
        &config_for(format!("sqlite://{}", target.display())),
    );
    let signed_in = restored
        .login("lid@example.nl", buurt_tests::TEST_PASSWORD)
        .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let session = buurt_tests::Session::from_tokens(&signed_in.json());
    for id in &acknowledged {
        let post = restored.get_as(&session, &format!("/v1/posts/{id}")).await;
        assert_eq!(post.status, 200, "{}", post.text());
    }
    assert_eq!(
        restored.count("SELECT COUNT(*) FROM posts WHERE title LIKE 'Bericht %'"),
        5
    );
}

#[actix_web::test]
async fn a_missing_database_is_not_backed_up() {
    let missing = std::env::temp_dir().join(format!(
        "buurt-missing-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let target = missing.with_extension("copy");
    let error = buurt_api::cli::commands::backup(
        &config_for(format!("sqlite://{}", missing.display())),
        &target,
    )
    .unwrap_err();
    assert!(!missing.exists() && !target.exists(), "{error}");
}
