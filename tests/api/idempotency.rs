use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use futures_util::future::join_all;
use serde_json::{Value, json};

async fn setup() -> (TestApp, Session, String) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let author = app
        .member(&admin, &neighbourhood, "auteur@example.nl", "resident")
        .await;
    (app, author, neighbourhood)
}

async fn post_with_key(
    app: &TestApp,
    session: &Session,
    neighbourhood: &str,
    key: &str,
    title: &str,
) -> TestResponse {
    app.request(
        Method::POST,
        &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
    )
    .bearer(&session.access_token)
    .header("idempotency-key", key)
    .json(&json!({"kind": "news", "title": title, "body": "Tekst"}))
    .await
}

async fn count_posts(app: &TestApp, session: &Session, neighbourhood: &str) -> usize {
    app.get_as(
        session,
        &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
    )
    .await
    .json()["items"]
        .as_array()
        .unwrap()
        .len()
}

#[actix_web::test]
async fn a_retry_gets_the_first_answer_and_changes_nothing() {
    let (app, author, neighbourhood) = setup().await;
    let first = post_with_key(&app, &author, &neighbourhood, "key-1", "Straatfeest").await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let retry = post_with_key(&app, &author, &neighbourhood, "key-1", "Straatfeest").await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.json(), first.json());
    assert_eq!(retry.header("location"), first.header("location"));
    assert_eq!(count_posts(&app, &author, &neighbourhood).await, 1);

    // The same key with another request is refused and changes nothing.
    post_with_key(&app, &author, &neighbourhood, "key-1", "Iets anders")
        .await
        .assert_problem(422, "idempotency_key_reused");
    // Without a key, or with a new one, it is a new post.
    assert_eq!(
        post_with_key(&app, &author, &neighbourhood, "key-2", "Straatfeest")
            .await
            .status,
        201
    );
    assert_eq!(count_posts(&app, &author, &neighbourhood).await, 2);
}

#[actix_web::test]
async fn concurrent_retries_create_one_post() {
    let (app, author, neighbourhood) = setup().await;
    let (app_ref, author_ref, neighbourhood_ref) = (&app, &author, &neighbourhood);
    let responses = join_all((0..8).map(|_| async move {
        post_with_key(
            app_ref,
            author_ref,
            neighbourhood_ref,
            "same-key",
            "Een keer",
        )
        .await
    }))
    .await;
    let ids: Vec<Value> = responses
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text());
            r.json()["id"].clone()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(count_posts(&app, &author, &neighbourhood).await, 1);
}

#[actix_web::test]
async fn keys_belong_to_their_user_and_failures_are_not_kept() {
    let (app, author, neighbourhood) = setup().await;
    let admin = app
        .login("admin@example.nl", buurt_tests::TEST_PASSWORD)
        .await;
    let admin = Session::from_tokens(&admin.json());
    assert_eq!(
        post_with_key(&app, &author, &neighbourhood, "shared", "Van de auteur")
            .await
            .status,
        201
    );
    let other = post_with_key(&app, &admin, &neighbourhood, "shared", "Van de beheerder").await;
    assert_eq!(other.status, 201);
    assert_eq!(other.header("idempotent-replayed"), None);

    // A refused request does not use the key up.
    let refused = app
        .request(
            Method::POST,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
        )
        .bearer(&author.access_token)
        .header("idempotency-key", "fix-and-retry")
        .json(&json!({"kind": "news", "title": " ", "body": "Tekst"}))
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(
        post_with_key(&app, &author, &neighbourhood, "fix-and-retry", "Verbeterd")
            .await
            .status,
        201
    );

    for bad in ["with space", &"k".repeat(256)] {
        post_with_key(&app, &author, &neighbourhood, bad, "x")
            .await
            .assert_problem(400, "invalid_idempotency_key");
    }
}

#[actix_web::test]
async fn keys_without_a_token_are_not_honoured() {
    let app = spawn_app().await;
    let body = json!({"email": "nieuw@example.nl", "password": buurt_tests::TEST_PASSWORD, "display_name": "Nieuw"});
    let register = |key: &'static str, body: Value| {
        let request = app
            .request(Method::POST, "/v1/auth/register")
            .header("idempotency-key", key);
        async move { request.json(&body).await }
    };
    let first = register("signup-1", body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text());
    // Registering is idempotent on the email: the retry meets the taken email, and gets no
    // tokens a second time.
    let retry = register("signup-1", body.clone()).await;
    retry.assert_problem(409, "email_taken");
    assert_eq!(retry.header("idempotent-replayed"), None);
    // Another anonymous caller with the same key is not mistaken for the first.
    let other = register(
        "signup-1",
        json!({"email": "ander@example.nl", "password": buurt_tests::TEST_PASSWORD, "display_name": "Ander"}),
    )
    .await;
    assert_eq!(other.status, 201, "{}", other.text());
    assert_ne!(other.json()["user"]["id"], first.json()["user"]["id"]);
    // Still checked: a malformed key is refused.
    register("with space", body)
        .await
        .assert_problem(400, "invalid_idempotency_key");
}

#[actix_web::test]
async fn answers_with_a_secret_are_never_replayed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let keyed = |session: &Session, path: &str, key: &str| {
        app.request(Method::POST, path)
            .bearer(&session.access_token)
            .header("idempotency-key", key)
    };
    let client =
        json!({"name": "Wijkteam", "scopes": ["posts:read"], "municipalities": ["GM0001"]});
    let created = keyed(&admin, "/v1/admin/clients", "client-1")
        .json(&client)
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(created.json()["client_secret"].is_string());
    keyed(&admin, "/v1/admin/clients", "client-1")
        .json(&client)
        .await
        .assert_problem(409, "idempotency_key_held_secret");
    let listed = app.get_as(&admin, "/v1/admin/clients").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "one client");

    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let rotate = format!("/v1/admin/clients/{id}/secret");
    let rotated = keyed(&admin, &rotate, "rotate-1").json(&json!({})).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let secret = rotated.json()["client_secret"].as_str().unwrap().to_owned();
    keyed(&admin, &rotate, "rotate-1")
        .json(&json!({}))
        .await
        .assert_problem(409, "idempotency_key_held_secret");
    // The retry rotated nothing: the secret from the first answer works.
    let token = app
        .request(Method::POST, "/v1/auth/token")
        .raw(
            "application/x-www-form-urlencoded",
            format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
        )
        .await;
    assert_eq!(token.status, 200, "{}", token.text());

    // Tokens: a signed-in refresh with a key is not kept either.
    let refresh = json!({"refresh_token": admin.refresh_token});
    let refreshed = keyed(&admin, "/v1/auth/refresh", "refresh-1")
        .json(&refresh)
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    keyed(&admin, "/v1/auth/refresh", "refresh-1")
        .json(&refresh)
        .await
        .assert_problem(409, "idempotency_key_held_secret");
}

#[actix_web::test]
async fn partner_clients_keys_are_their_own() {
    let app = buurt_tests::spawn_app_with(|config| config.webhook_allow_private = true).await;
    let admin = app.admin().await;
    let client = app
        .post_as(
            &admin,
            "/v1/admin/clients",
            &json!({"name": "Wijkteam", "scopes": ["webhooks:manage", "posts:read"], "municipalities": ["GM0001"]}),
        )
        .await
        .json();
    let token = app
        .request(Method::POST, "/v1/auth/token")
        .raw(
            "application/x-www-form-urlencoded",
            format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                client["client_id"].as_str().unwrap(),
                client["client_secret"].as_str().unwrap()
            ),
        )
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let receiver = buurt_tests::Receiver::start();
    let hook = json!({"url": receiver.url, "kinds": ["post.created"]});
    let keyed = |path: String, key: &'static str, body: Value| {
        let request = app
            .request(Method::POST, &path)
            .bearer(&token)
            .header("idempotency-key", key);
        async move { request.json(&body).await }
    };
    let created = keyed("/v1/webhooks".into(), "hook-1", hook.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text());
    // The key is honoured for the client: no second webhook, and no second look at the secret.
    keyed("/v1/webhooks".into(), "hook-1", hook.clone())
        .await
        .assert_problem(409, "idempotency_key_held_secret");
    let listed = app
        .request(Method::GET, "/v1/webhooks")
        .bearer(&token)
        .send()
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    keyed(
        "/v1/webhooks".into(),
        "hook-1",
        json!({"url": receiver.url, "kinds": ["post.closed"]}),
    )
    .await
    .assert_problem(422, "idempotency_key_reused");

    // An answer without a secret is replayed for the client.
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let resume = format!("/v1/webhooks/{id}/resume");
    let first = keyed(resume.clone(), "resume-1", json!({})).await;
    assert!(first.status.is_success(), "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = keyed(resume, "resume-1", json!({})).await;
    assert_eq!(again.status, first.status);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json(), first.json());
}

fn format_db(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[actix_web::test]
async fn keys_last_a_day_and_the_job_purges_them() {
    let (app, author, neighbourhood) = setup().await;
    let first = post_with_key(&app, &author, &neighbourhood, "day-key", "Eerste").await;
    assert_eq!(first.status, 201);
    let old = format_db(chrono::Utc::now() - chrono::Duration::hours(25));
    app.sql(&format!("UPDATE idempotency_keys SET created_at = '{old}'"));
    // A day on, the key is forgotten: the same request acts anew.
    let anew = post_with_key(&app, &author, &neighbourhood, "day-key", "Eerste").await;
    assert_eq!(anew.status, 201);
    assert_eq!(anew.header("idempotent-replayed"), None);
    assert_ne!(anew.json()["id"], first.json()["id"]);
    assert_eq!(count_posts(&app, &author, &neighbourhood).await, 2);

    // Two stale keys and one fresh: the job purges the two.
    post_with_key(&app, &author, &neighbourhood, "other-key", "Tweede").await;
    app.sql(&format!(
        "UPDATE idempotency_keys SET created_at = '{old}' WHERE key IN ('day-key', 'other-key')"
    ));
    post_with_key(&app, &author, &neighbourhood, "fresh-key", "Derde").await;
    let config = buurt_api::Config::with_database_url(app.database.url());
    let report =
        buurt_api::cli::commands::run_jobs(&config, chrono::Utc::now()).expect("the jobs run");
    assert_eq!(report.idempotency_keys_purged, 2);
    let replay = post_with_key(&app, &author, &neighbourhood, "fresh-key", "Derde").await;
    assert_eq!(
        replay.header("idempotent-replayed").as_deref(),
        Some("true")
    );
}

#[actix_web::test]
async fn rsvps_and_reports_take_keys() {
    let (app, author, neighbourhood) = setup().await;
    let member = app.crowd(&neighbourhood, 1).remove(0);
    let created = app
        .post_as(
            &author,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "activity", "title": "Borrel", "body": "x",
                    "activity": {"starts_at": (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339(),
                                 "ends_at": (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(1)).to_rfc3339(),
                                 "location": "Buurthuis", "capacity": 1}}),
        )
        .await;
    let post = created.json()["id"].as_str().unwrap().to_owned();
    for (key, path, body) in [
        ("rsvp-1", format!("/v1/posts/{post}/rsvp"), json!({})),
        (
            "report-1",
            format!("/v1/posts/{post}/reports"),
            json!({"reason": "spam"}),
        ),
    ] {
        let send = || {
            app.request(Method::POST, &path)
                .bearer(&member.access_token)
                .header("idempotency-key", key)
                .json(&body)
        };
        let first = send().await;
        assert_eq!(first.status, 201, "{path}: {}", first.text());
        let retry = send().await;
        assert_eq!(
            retry.status, 201,
            "{path}: the first answer, not a second one"
        );
        assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(retry.json(), first.json());
    }
    let attendees = app
        .get_as(&author, &format!("/v1/posts/{post}/attendees"))
        .await
        .json();
    assert_eq!(attendees["going"].as_array().unwrap().len(), 1);
}
