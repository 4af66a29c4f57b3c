//! `BUURT_DATABASE_READ_URL`: the reads that may lag go to the read replica, a signed-in user's
//! own reads stay on the leader, and a replica that is down sends its reads to the leader.
//!
//! The "replica" here is a copy of the leader taken once, after the administrator was made and
//! before anything else: a standby that stopped replaying. What a read finds there (or does
//! not) shows where it went. The real thing, a streaming standby, is exercised by
//! `deploy/local-cluster/run`.

use std::time::Duration;

use buurt_tests::{Session, TEST_PASSWORD, TestApp, TestDatabase, node_config, start};
use serde_json::json;

struct World {
    app: TestApp,
    admin: Session,
    member: Session,
    neighbourhood: String,
    post: String,
}

/// A leader with an administrator, and its replica frozen at that moment.
fn leader_and_replica() -> (TestDatabase, TestDatabase) {
    let leader = TestDatabase::create();
    let config = node_config(leader.url());
    // Migrated and the administrator made with no server holding connections, so that
    // PostgreSQL can copy the database.
    drop(buurt_api::startup::prepare_database(&config).expect("migrate the leader"));
    buurt_api::cli::commands::create_admin(&config, "admin@example.nl", TEST_PASSWORD, "Beheer")
        .expect("create the administrator");
    let replica = leader.snapshot();
    (leader, replica)
}

async fn world(leader: TestDatabase, replica: &TestDatabase) -> World {
    let mut config = node_config(leader.url());
    config.database_read_url = Some(replica.url());
    let app = start(leader, &config);
    let signed_in = app.login("admin@example.nl", TEST_PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    let admin = Session::from_tokens(&signed_in.json());
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU02300001", "Lombok", &["3531"])
        .await;
    let member = app
        .member(&admin, &neighbourhood, "lid@example.nl", "resident")
        .await;
    let created = app
        .post_as(
            &member,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "news", "title": "Buurtfeest", "body": "Zaterdag op het plein.",
                    "visibility": "public"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let post = created.json()["id"].as_str().unwrap().to_owned();
    World {
        app,
        admin,
        member,
        neighbourhood,
        post,
    }
}

fn ids(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn reads_that_may_lag_go_to_the_replica_and_own_reads_to_the_leader() {
    let (leader, replica) = leader_and_replica();
    let w = world(leader, &replica).await;
    let feed = format!("/v1/neighbourhoods/{}/posts", w.neighbourhood);

    // Read-your-writes: the author's feed and post come from the leader.
    let own = w.app.get_as(&w.member, &feed).await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(ids(&own.json()), vec![w.post.clone()]);
    let post = w
        .app
        .get_as(&w.member, &format!("/v1/posts/{}", w.post))
        .await;
    assert_eq!(post.status, 200, "{}", post.text());

    // The public page, the anonymous feed and the monitoring figures come from the replica,
    // which has not heard of this neighbourhood yet.
    w.app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .assert_problem(404, "not_found");
    w.app.get(&feed).await.assert_problem(404, "not_found");
    w.app
        .get_as(
            &w.admin,
            &format!("/v1/neighbourhoods/{}/stats", w.neighbourhood),
        )
        .await
        .assert_problem(404, "not_found");
    // The event feed catches up from the replica: nothing there yet, while the leader has
    // the events.
    assert!(w.app.count("SELECT COUNT(*) FROM events") > 0);
    let events = w.app.get_as(&w.admin, "/v1/events").await;
    assert_eq!(events.status, 200, "{}", events.text());
    assert_eq!(events.json()["items"], json!([]));
    // Nothing was written to the replica.
    let mut on_replica = TestDatabase::Shared {
        url: replica.url(),
        postgres: replica.is_postgres(),
    }
    .connect();
    use diesel::RunQueryDsl;
    let posts: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM posts)",
    ))
    .get_result(&mut on_replica)
    .unwrap();
    assert_eq!(posts, 0);
}

#[actix_web::test]
async fn reads_go_to_the_leader_while_the_replica_is_down() {
    let (leader, replica) = leader_and_replica();
    let w = world(leader, &replica).await;
    let page = format!("/v1/neighbourhoods/{}/page", w.neighbourhood);
    let feed = format!("/v1/neighbourhoods/{}/posts", w.neighbourhood);
    w.app.get(&page).await.assert_problem(404, "not_found");

    replica.take_offline();
    let from_leader = w.app.get(&page).await;
    assert_eq!(from_leader.status, 200, "{}", from_leader.text());
    let anonymous = w.app.get(&feed).await;
    assert_eq!(anonymous.status, 200, "{}", anonymous.text());
    assert_eq!(ids(&anonymous.json()), vec![w.post.clone()]);
    // The leader's breaker is not tripped by the replica's outage.
    assert_eq!(w.app.get("/health/ready").await.status, 200);

    replica.bring_online();
    // Back on the replica once a probe reaches it.
    let back = w
        .app
        .wait_for_status(&page, 404, Duration::from_secs(10))
        .await;
    back.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn an_unusable_read_url_stops_the_start() {
    let database = TestDatabase::create();
    let mut config = node_config(database.url());
    config.database_read_url = Some("mysql://replica/buurt".into());
    let error = buurt_api::Application::build(&config)
        .err()
        .expect("a read URL of an unknown kind is refused");
    assert!(
        error.to_string().contains("BUURT_DATABASE_READ_URL"),
        "{error}"
    );
}
