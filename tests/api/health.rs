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

#[actix_web::test]
async fn metrics_count_requests_by_route_with_bounded_labels() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU03630001", "Metriekwijk", &["3511"])
        .await;
    assert_eq!(
        app.get_as(&admin, &format!("/v1/neighbourhoods/{id}"))
            .await
            .status,
        200
    );
    assert_eq!(app.get("/no/such/path/12345").await.status, 404);
    assert_eq!(
        app.request(
            actix_web::http::Method::from_bytes(b"PROPFIND").unwrap(),
            "/health/live"
        )
        .send()
        .await
        .status,
        405
    );

    let response = app.get("/metrics").await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let text = response.text();
    let requests = |route: &str, method: &str, status: u16| {
        let prefix = format!(
            "buurt_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} "
        );
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|count| count.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
    };
    // The route pattern, never the id; unknown paths and methods share one series each.
    assert_eq!(requests("/v1/neighbourhoods/{id}", "GET", 200), 1);
    assert_eq!(requests("unmatched", "GET", 404), 1);
    assert_eq!(requests("/health/live", "other", 405), 1);
    assert!(!text.contains(&id), "an id leaked into a label");
    assert!(!text.contains("/no/such/path"));
    assert!(text.contains("buurt_http_request_duration_seconds_bucket{"));
    assert!(text.contains("buurt_db_pool_max_connections "));
    assert!(text.contains("buurt_db_pool_connections "));
    assert!(text.contains("buurt_process_resident_memory_bytes "));
}
