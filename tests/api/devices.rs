//! `POST|GET /v1/me/devices`, `DELETE /v1/me/devices/{id}`: idempotent per token, one owner per
//! token, bound to the login they were registered under.

use actix_web::http::Method;
use buurt_tests::{Session, TEST_PASSWORD, TestApp, TestResponse, spawn_app};
use serde_json::{Value, json};

pub const ANDROID_TOKEN: &str =
    "fcm-token-0001:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx_Kp8FmWq3TQXlHxp0Dv1vLqW";

pub fn apns_token(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

pub async fn register_device(app: &TestApp, session: &Session, body: &Value) -> TestResponse {
    app.post_as(session, "/v1/me/devices", body).await
}

pub async fn devices(app: &TestApp, session: &Session) -> Vec<Value> {
    let response = app.get_as(session, "/v1/me/devices").await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn registering_a_token_again_is_the_same_device() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let first = register_device(
        &app,
        &anna,
        &json!({"platform": "android", "token": ANDROID_TOKEN, "app_version": "2.4.1 (318)"}),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let device = first.json();
    assert_eq!(device["platform"], "android");
    assert_eq!(device["token"], ANDROID_TOKEN);
    assert_eq!(device["app_version"], "2.4.1 (318)");

    let again = register_device(
        &app,
        &anna,
        &json!({"platform": "android", "token": ANDROID_TOKEN, "app_version": "2.5.0"}),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["id"], device["id"]);
    assert_eq!(again.json()["app_version"], "2.5.0");
    assert_eq!(again.json()["created_at"], device["created_at"]);

    // An APNs token in capitals is the same token in lower case.
    let ios = register_device(
        &app,
        &anna,
        &json!({"platform": "ios", "token": apns_token(0xab).to_uppercase()}),
    )
    .await;
    assert_eq!(ios.status, 201, "{}", ios.text());
    assert_eq!(ios.json()["token"], apns_token(0xab));
    assert_eq!(ios.json()["app_version"], Value::Null);
    let listed = devices(&app, &anna).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], device["id"]);
    assert_eq!(listed[0]["app_version"], "2.5.0");
    assert_eq!(listed[1]["id"], ios.json()["id"]);
}

#[actix_web::test]
async fn a_token_belongs_to_one_user_and_moves_to_the_last_to_register_it() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    let body = json!({"platform": "ios", "token": apns_token(1)});
    let annas = register_device(&app, &anna, &body).await;
    assert_eq!(annas.status, 201);
    let berts = register_device(&app, &bert, &body).await;
    assert_eq!(berts.status, 201, "{}", berts.text());
    assert_ne!(berts.json()["id"], annas.json()["id"]);
    assert!(devices(&app, &anna).await.is_empty());
    assert_eq!(devices(&app, &bert).await.len(), 1);
    assert_eq!(app.count("SELECT count(*) FROM devices"), 1);
}

#[actix_web::test]
async fn only_ones_own_device_can_be_removed() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    let device = register_device(
        &app,
        &anna,
        &json!({"platform": "android", "token": ANDROID_TOKEN}),
    )
    .await
    .json();
    let path = format!("/v1/me/devices/{}", device["id"].as_str().unwrap());

    app.delete_as(&bert, &path)
        .await
        .assert_problem(404, "not_found");
    app.request(Method::DELETE, &path)
        .send()
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(devices(&app, &anna).await.len(), 1);

    let removed = app.delete_as(&anna, &path).await;
    assert_eq!(removed.status, 204, "{}", removed.text());
    assert!(devices(&app, &anna).await.is_empty());
    app.delete_as(&anna, &path)
        .await
        .assert_problem(404, "not_found");
    let bad_id = app.delete_as(&anna, "/v1/me/devices/not-a-uuid").await;
    assert!(bad_id.status.is_client_error(), "{}", bad_id.status);
}

#[actix_web::test]
async fn bad_registrations_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let cases = [
        (
            json!({"platform": "windows", "token": ANDROID_TOKEN}),
            "platform",
        ),
        (json!({"platform": "android"}), "token"),
        (json!({"platform": "android", "token": ""}), "token"),
        (
            json!({"platform": "android", "token": "short:token"}),
            "token",
        ),
        (
            json!({"platform": "android", "token": format!("{ANDROID_TOKEN} x")}),
            "token",
        ),
        (
            json!({"platform": "android", "token": "a".repeat(4097)}),
            "token",
        ),
        (
            json!({"platform": "android", "token": apns_token(3)}),
            "token",
        ),
        (json!({"platform": "ios", "token": "abc123"}), "token"),
        (json!({"platform": "ios", "token": "a".repeat(63)}), "token"),
        (json!({"platform": "android", "token": 42}), "token"),
        (
            json!({"platform": "android", "token": ANDROID_TOKEN, "app_version": "x".repeat(65)}),
            "app_version",
        ),
        (
            json!({"platform": "android", "token": ANDROID_TOKEN, "app_version": "1.0\n2"}),
            "app_version",
        ),
        (
            json!({"platform": "android", "token": ANDROID_TOKEN, "owner": "someone"}),
            "owner",
        ),
    ];
    for (body, field) in cases {
        let problem = register_device(&app, &anna, &body)
            .await
            .assert_problem(422, "validation_failed");
        let errors = problem["errors"].as_array().expect("field errors");
        assert!(
            errors.iter().any(|error| error["field"] == field),
            "{body}: {problem}"
        );
    }
    app.request(Method::POST, "/v1/me/devices")
        .bearer(&anna.access_token)
        .raw("application/json", "{\"platform\": ")
        .await
        .assert_problem(400, "malformed_json");
    app.request(Method::POST, "/v1/me/devices")
        .json(&json!({"platform": "android", "token": ANDROID_TOKEN}))
        .await
        .assert_problem(401, "unauthorized");
    app.request(Method::GET, "/v1/me/devices")
        .send()
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(app.count("SELECT count(*) FROM devices"), 0);
}

#[actix_web::test]
async fn signing_out_removes_the_devices_of_that_login_only() {
    let app = spawn_app().await;
    let phone = app.register("anna@example.nl").await;
    let tablet = Session::from_tokens(&app.login("anna@example.nl", TEST_PASSWORD).await.json());
    let on_phone = register_device(
        &app,
        &phone,
        &json!({"platform": "android", "token": ANDROID_TOKEN}),
    )
    .await;
    assert_eq!(on_phone.status, 201);
    let on_tablet = register_device(
        &app,
        &tablet,
        &json!({"platform": "ios", "token": apns_token(7)}),
    )
    .await;
    assert_eq!(on_tablet.status, 201);

    // A refreshed access token is still the same login.
    let refreshed = Session::from_tokens(&app.refresh(&phone.refresh_token).await.json());
    let again = register_device(
        &app,
        &refreshed,
        &json!({"platform": "android", "token": ANDROID_TOKEN}),
    )
    .await;
    assert_eq!(again.status, 200);

    let logout = app
        .post(
            "/v1/auth/logout",
            &json!({"refresh_token": refreshed.refresh_token}),
        )
        .await;
    assert_eq!(logout.status, 204);
    let left = devices(&app, &tablet).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["id"], on_tablet.json()["id"]);
}

#[actix_web::test]
async fn an_account_keeps_its_most_recent_twenty_devices() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    for n in 0..21u8 {
        let registered = register_device(
            &app,
            &anna,
            &json!({"platform": "ios", "token": apns_token(n)}),
        )
        .await;
        assert_eq!(registered.status, 201, "{}", registered.text());
    }
    let kept = devices(&app, &anna).await;
    assert_eq!(kept.len(), 20);
    assert!(kept.iter().all(|device| device["token"] != apns_token(0)));
}

#[actix_web::test]
async fn concurrent_registrations_of_one_token_leave_one_device() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    let body = json!({"platform": "android", "token": ANDROID_TOKEN});
    let attempts = (0..8).map(|n| {
        let session = if n % 2 == 0 { &anna } else { &bert };
        register_device(&app, session, &body)
    });
    let answers = futures_util::future::join_all(attempts).await;
    for answer in &answers {
        assert!(
            answer.status == 200 || answer.status == 201,
            "{} {}",
            answer.status,
            answer.text()
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM devices"), 1);
    let owners = devices(&app, &anna).await.len() + devices(&app, &bert).await.len();
    assert_eq!(owners, 1);
}
