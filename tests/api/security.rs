//! Security headers, and the token that may guard `/metrics` (issue 16).

use actix_web::http::Method;
use buurt_tests::{TestResponse, spawn_app, spawn_app_with};
use serde_json::json;

#[track_caller]
fn assert_nosniff(response: &TestResponse, what: &str) {
    assert_eq!(
        response.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}"
    );
}

#[track_caller]
fn assert_never_stored(response: &TestResponse, what: &str) {
    assert_nosniff(response, what);
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("no-store"),
        "{what}"
    );
}

#[actix_web::test]
async fn every_answer_says_nosniff_and_personal_ones_are_never_stored() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "bewoner@example.nl", "resident")
        .await;

    // Public answers, errors and operations: nosniff, and their own caching.
    for path in [
        "/health/live".to_owned(),
        "/v1/neighbourhoods".to_owned(),
        format!("/v1/neighbourhoods/{neighbourhood}/page"),
        "/nowhere".to_owned(),
        "/v1/me".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert_nosniff(&response, &path);
        assert_ne!(
            response.header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }

    // Tokens: whatever the outcome, also without a token of one's own.
    let registered = app
        .post(
            "/v1/auth/register",
            &json!({"email": "nieuw@example.nl", "password": "een-lang-wachtwoord",
                    "display_name": "Nieuw"}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    assert_never_stored(&registered, "register");
    let refreshed = app
        .post(
            "/v1/auth/refresh",
            &json!({"refresh_token": registered.json()["refresh_token"]}),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    assert_never_stored(&refreshed, "refresh");
    let failed = app
        .post(
            "/v1/auth/login",
            &json!({"email": "nieuw@example.nl", "password": "niet-het-wachtwoord"}),
        )
        .await;
    assert_eq!(failed.status, 401, "{}", failed.text());
    assert_never_stored(&failed, "failed login");

    // Everything read with credentials: the person's own data, matches, cases, members.
    for path in [
        "/v1/me".to_owned(),
        "/v1/me/matches".to_owned(),
        "/v1/me/memberships".to_owned(),
        "/v1/me/notifications".to_owned(),
        format!("/v1/neighbourhoods/{neighbourhood}/members"),
        format!("/v1/neighbourhoods/{neighbourhood}/posts"),
    ] {
        let response = app.get_as(&resident, &path).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        assert_never_stored(&response, &path);
    }
    let cases = app
        .get_as(&admin, &format!("/v1/neighbourhoods/{neighbourhood}/cases"))
        .await;
    assert_eq!(cases.status, 200, "{}", cases.text());
    assert_never_stored(&cases, "cases");
    // A refusal to a signed-in caller too.
    let refused = app
        .get_as(
            &resident,
            &format!("/v1/neighbourhoods/{neighbourhood}/cases"),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_never_stored(&refused, "refused cases");
    // A conditional read of one's own profile still answers 304, never stored.
    let me = app.get_as(&resident, "/v1/me").await;
    let tag = me.header("etag").unwrap();
    let again = app
        .request(Method::GET, "/v1/me")
        .bearer(&resident.access_token)
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert_never_stored(&again, "304 of /v1/me");
}

/// The local assets a page refers to with `src="…"` or `href="…"`, as absolute paths.
fn assets_of(page: &str, base: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap();
            let target = &rest[..end];
            rest = &rest[end..];
            let path = if target.starts_with('/') || target.contains("://") {
                target.to_owned()
            } else {
                format!("{base}{}", target.trim_start_matches("./"))
            };
            found.push(path);
        }
    }
    found
}

#[actix_web::test]
async fn the_docs_forbid_framing_and_foreign_code_and_still_load_offline() {
    let app = spawn_app().await;
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert_nosniff(&page, "/docs/");
    assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
    let policy = page.header("content-security-policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    // The policy allows no inline script: every script of the page is a file of its own.
    let html = page.text();
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=\"").count(),
        "{html}"
    );

    // Every asset the page names is served here ('self'), with a type a browser that does not
    // sniff accepts for it, under the same policy.
    let assets = assets_of(&html, "/docs/");
    assert!(
        assets.iter().any(|a| a.ends_with("swagger-initializer.js")),
        "{assets:?}"
    );
    for asset in &assets {
        assert!(asset.starts_with("/docs/"), "not local: {asset}");
        let response = app.get(asset).await;
        assert_eq!(response.status, 200, "{asset}");
        assert_nosniff(&response, asset);
        assert!(
            response.header("content-security-policy").is_some(),
            "{asset}"
        );
        let kind = response.header("content-type").unwrap_or_default();
        if asset.ends_with(".js") {
            assert!(kind.contains("javascript"), "{asset}: {kind}");
        } else if asset.ends_with(".css") {
            assert!(kind.starts_with("text/css"), "{asset}: {kind}");
        } else if asset.ends_with(".png") {
            assert!(kind.starts_with("image/png"), "{asset}: {kind}");
        }
    }
    // The document the page loads comes from here too (connect-src 'self').
    let initializer = app.get("/docs/swagger-initializer.js").await.text();
    assert!(initializer.contains("\"/openapi.json\""), "{initializer}");
    assert_eq!(app.get("/openapi.json").await.status, 200);
}

#[actix_web::test]
async fn metrics_ask_for_the_token_when_one_is_set() {
    let open = spawn_app().await;
    assert_eq!(open.get("/metrics").await.status, 200);

    let token = "metrics-token-for-the-scraper";
    let app = spawn_app_with(|config| config.metrics_token = Some(token.into())).await;
    let without = app.get("/metrics").await;
    without.assert_problem(401, "metrics_token_required");
    assert!(
        without
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    for wrong in ["metrics-token-for-the-scrape", "", "x"] {
        app.request(Method::GET, "/metrics")
            .bearer(wrong)
            .send()
            .await
            .assert_problem(401, "metrics_token_required");
    }
    // A person's access token is no metrics token.
    let admin = app.admin().await;
    app.get_as(&admin, "/metrics")
        .await
        .assert_problem(401, "metrics_token_required");
    let scraped = app
        .request(Method::GET, "/metrics")
        .bearer(token)
        .send()
        .await;
    assert_eq!(scraped.status, 200, "{}", scraped.text());
    assert!(scraped.text().contains("buurt_http_requests_total"));
    // The rest of the API is not affected.
    assert_eq!(app.get("/health/live").await.status, 200);
}
