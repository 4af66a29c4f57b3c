use actix_web::http::Method;
use buurt_tests::{Session, TEST_PASSWORD, TestApp, TestResponse, spawn_app};
use serde_json::{Value, json};

async fn patch_me(app: &TestApp, session: &Session, body: &Value) -> TestResponse {
    app.request(Method::PATCH, "/v1/me")
        .bearer(&session.access_token)
        .json(body)
        .await
}

#[actix_web::test]
async fn me_needs_a_token() {
    let app = spawn_app().await;
    app.get("/v1/me").await.assert_problem(401, "unauthorized");
    app.request(Method::PATCH, "/v1/me")
        .json(&json!({"bio": "hallo"}))
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn me_has_an_etag() {
    let app = spawn_app().await;
    let session = app.register("etag@example.nl").await;
    let first = app.get_as(&session, "/v1/me").await;
    let etag = first.header("etag").expect("an ETag");
    let unchanged = app
        .request(Method::GET, "/v1/me")
        .bearer(&session.access_token)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());

    patch_me(&app, &session, &json!({"bio": "Nieuw in de buurt"})).await;
    let changed = app
        .request(Method::GET, "/v1/me")
        .bearer(&session.access_token)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag"), Some(etag));
}

#[actix_web::test]
async fn profile_fields_are_set_cleared_and_kept() {
    let app = spawn_app().await;
    let session = app.register("profiel@example.nl").await;
    let response = patch_me(
        &app,
        &session,
        &json!({
            "display_name": "Fatima",
            "postcode": "3511 ab",
            "street": "Oudegracht",
            "house_number": "12a",
            "phone": "+31 6 12345678",
            "bio": "Ik kook graag.\nEn ik fiets.",
            "skills": ["help", "goods", "help"],
            "interests": ["care"],
            "languages": ["NL", "ar", "nl"],
        }),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let me = response.json();
    assert_eq!(me["display_name"], "Fatima");
    assert_eq!(me["postcode"], "3511AB");
    assert_eq!(me["street"], "Oudegracht");
    assert_eq!(me["house_number"], "12a");
    assert_eq!(me["phone"], "+31 6 12345678");
    assert_eq!(me["bio"], "Ik kook graag.\nEn ik fiets.");
    assert_eq!(me["skills"], json!(["goods", "help"]));
    assert_eq!(me["interests"], json!(["care"]));
    assert_eq!(me["languages"], json!(["ar", "nl"]));
    assert_eq!(app.get_as(&session, "/v1/me").await.json(), me);

    // Absent fields stay; null and blank clear.
    let response = patch_me(
        &app,
        &session,
        &json!({"phone": null, "bio": "  ", "skills": []}),
    )
    .await;
    let after = response.json();
    assert_eq!(after["phone"], Value::Null);
    assert_eq!(after["bio"], Value::Null);
    assert_eq!(after["skills"], json!([]));
    assert_eq!(after["street"], "Oudegracht");
    assert_eq!(after["display_name"], "Fatima");

    // An empty patch changes nothing.
    let same = patch_me(&app, &session, &json!({})).await;
    assert_eq!(same.status, 200);
    assert_eq!(same.json()["street"], "Oudegracht");
}

#[actix_web::test]
async fn forbidden_and_unknown_fields_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let session = app.register("stiekem@example.nl").await;
    let before = app.get_as(&session, "/v1/me").await.json();
    for (field, value) in [
        ("email", json!("other@example.nl")),
        ("platform_admin", json!(true)),
        ("id", json!(uuid::Uuid::new_v4().to_string())),
        ("email_verified", json!(true)),
        ("role", json!("moderator")),
        ("password_hash", json!("x")),
        ("created_at", json!("2020-01-01T00:00:00Z")),
    ] {
        let response = patch_me(&app, &session, &json!({"bio": "changed", field: value})).await;
        let problem = response.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], "unknown_field", "{problem}");
    }
    assert_eq!(app.get_as(&session, "/v1/me").await.json(), before);
}

#[actix_web::test]
async fn bad_profile_values_are_all_reported() {
    let app = spawn_app().await;
    let session = app.register("fout@example.nl").await;
    let response = patch_me(
        &app,
        &session,
        &json!({
            "display_name": "",
            "postcode": "abc",
            "house_number": "x1",
            "phone": "12",
            "bio": "x".repeat(1001),
            "languages": ["nl", "nederlands"],
        }),
    )
    .await;
    let problem = response.assert_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "bio",
            "display_name",
            "house_number",
            "languages[1]",
            "phone",
            "postcode"
        ]
    );

    let response = patch_me(&app, &session, &json!({"skills": ["help", "gossip"]})).await;
    let problem = response.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "skills[1]");
    assert_eq!(problem["errors"][0]["code"], "invalid_value");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("gossip")
    );

    let response = patch_me(&app, &session, &json!({"display_name": 42})).await;
    let problem = response.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "display_name");
    assert_eq!(problem["errors"][0]["code"], "invalid_type");
}

#[actix_web::test]
async fn a_password_change_needs_the_current_one_and_ends_every_session() {
    let app = spawn_app().await;
    let phone = app.register("wachtwoord@example.nl").await;
    let laptop = Session::from_tokens(
        &app.login("wachtwoord@example.nl", TEST_PASSWORD)
            .await
            .json(),
    );

    patch_me(
        &app,
        &phone,
        &json!({"new_password": "nieuw-en-lang-genoeg"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let wrong = patch_me(
        &app,
        &phone,
        &json!({"new_password": "nieuw-en-lang-genoeg", "current_password": "not it at all", "bio": "x"}),
    )
    .await
    .assert_problem(403, "current_password_incorrect");
    assert_eq!(wrong["errors"][0]["field"], "current_password");
    assert_eq!(wrong["errors"][0]["code"], "incorrect");
    assert_eq!(
        app.get_as(&phone, "/v1/me").await.json()["bio"],
        Value::Null
    );
    let short = patch_me(
        &app,
        &phone,
        &json!({"new_password": "kort", "current_password": TEST_PASSWORD}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(short["errors"][0]["field"], "new_password");
    // Nothing changed so far.
    assert_eq!(app.refresh(&laptop.refresh_token).await.status, 200);
    let laptop = Session::from_tokens(
        &app.login("wachtwoord@example.nl", TEST_PASSWORD)
            .await
            .json(),
    );

    let changed = patch_me(
        &app,
        &phone,
        &json!({"new_password": "nieuw-en-lang-genoeg", "current_password": TEST_PASSWORD}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    for session in [&phone, &laptop] {
        app.refresh(&session.refresh_token)
            .await
            .assert_problem(401, "invalid_refresh_token");
    }
    app.login("wachtwoord@example.nl", TEST_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login("wachtwoord@example.nl", "nieuw-en-lang-genoeg")
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn a_user_never_sees_another_users_private_fields() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    patch_me(
        &app,
        &bert,
        &json!({"street": "Geheimstraat", "house_number": "99", "phone": "0612345678"}),
    )
    .await;
    let seen_by_anna = app.get_as(&anna, "/v1/me").await;
    assert_eq!(
        seen_by_anna.json()["id"].as_str(),
        Some(anna.user_id.as_str())
    );
    let text = seen_by_anna.text();
    for secret in [
        "Geheimstraat",
        "0612345678",
        "bert@example.nl",
        bert.user_id.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // Anna's token cannot change Bert's profile: the token decides whose profile it is.
    patch_me(&app, &anna, &json!({"street": "Annastraat"})).await;
    assert_eq!(
        app.get_as(&bert, "/v1/me").await.json()["street"],
        "Geheimstraat"
    );
}
