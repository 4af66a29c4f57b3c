use std::time::Duration;

use buurt_tests::spawn_app;

#[actix_web::test]
async fn liveness_answers_ok() {
    let app = spawn_app().await;
    let response = app.get("/health/live").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), serde_json::json!({"status": "ok"}));
}

#[actix_web::test]
async fn readiness_follows_the_database_away_and_back() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/ready").await.status, 200);

    app.database.take_offline();
    let response = app
        .wait_for_status("/health/ready", 503, Duration::from_secs(20))
        .await;
    let problem = response.assert_problem(503, "database_unavailable");
    assert_eq!(response.header("retry-after").as_deref(), Some("5"));
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        !detail.contains("buurt_test") && !detail.contains(".db"),
        "{detail}"
    );
    // Liveness does not depend on the database.
    assert_eq!(app.get("/health/live").await.status, 200);
    // Requests that need the database say so, and ask to be retried.
    let during = app
        .post(
            "/v1/auth/login",
            &serde_json::json!({"email": "a@example.nl", "password": "whatever"}),
        )
        .await;
    during.assert_problem(503, "database_unavailable");
    assert_eq!(during.header("retry-after").as_deref(), Some("5"));

    app.database.bring_online();
    let response = app
        .wait_for_status("/health/ready", 200, Duration::from_secs(30))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    // And work resumes without a restart.
    app.register("na-de-storing@example.nl").await;
}
