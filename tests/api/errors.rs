use actix_web::http::Method;
use buurt_tests::spawn_app;

#[actix_web::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in ["/nope", "/v1", "/v1/nothing/here", "/health/live/extra"] {
        app.get(path).await.assert_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn wrong_methods_are_405_problems_with_allow() {
    let app = spawn_app().await;
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app.request(method.clone(), "/health/ready").send().await;
        response.assert_problem(405, "method_not_allowed");
        assert_eq!(
            response.header("allow").as_deref(),
            Some("GET, HEAD"),
            "{method}"
        );
    }
}

#[actix_web::test]
async fn problems_speak_the_requested_language() {
    let app = spawn_app().await;
    let english = app.get("/nope").await.assert_problem(404, "not_found");
    assert_eq!(english["title"], "Not found");

    let dutch = app
        .request(Method::GET, "/nope")
        .header("accept-language", "nl-NL,nl;q=0.9,en;q=0.8")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(dutch["title"], "Niet gevonden");
    assert_ne!(dutch["detail"], english["detail"]);

    let preferred_english = app
        .request(Method::GET, "/nope")
        .header("accept-language", "nl;q=0.5, en")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(preferred_english["title"], "Not found");

    let unsupported = app
        .request(Method::GET, "/nope")
        .header("accept-language", "de-DE")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(unsupported["title"], "Not found");
}

#[actix_web::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn_app().await;
    let response = app.get("/health/live").await;
    let made = response.header("x-request-id").expect("a request id");
    assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");

    let response = app
        .request(Method::GET, "/nope")
        .header("x-request-id", "app-42.retry:1")
        .send()
        .await;
    assert_eq!(
        response.header("x-request-id").as_deref(),
        Some("app-42.retry:1")
    );
    assert_eq!(response.json()["request_id"], "app-42.retry:1");

    // Not a sane token: replaced rather than echoed into logs and headers.
    let response = app
        .request(Method::GET, "/health/live")
        .header("x-request-id", "two words")
        .send()
        .await;
    let replaced = response.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(&replaced).is_ok(), "{replaced}");
}
