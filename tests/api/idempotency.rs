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
async fn anonymous_posts_take_keys_too() {
    let app = spawn_app().await;
    let body = json!({"email": "nieuw@example.nl", "password": buurt_tests::TEST_PASSWORD, "display_name": "Nieuw"});
    let register = |key: &'static str| {
        let request = app
            .request(Method::POST, "/v1/auth/register")
            .header("idempotency-key", key);
        let body = body.clone();
        async move { request.json(&body).await }
    };
    let first = register("signup-1").await;
    assert_eq!(first.status, 201, "{}", first.text());
    let retry = register("signup-1").await;
    assert_eq!(
        retry.status,
        201,
        "a lost response can be fetched again: {}",
        retry.text()
    );
    assert_eq!(retry.json()["user"]["id"], first.json()["user"]["id"]);
    // Without the key, the retry meets the taken email.
    app.post("/v1/auth/register", &body)
        .await
        .assert_problem(409, "email_taken");
}
