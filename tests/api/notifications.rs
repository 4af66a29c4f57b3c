use actix_web::http::Method;
use buurt_api::cli::commands::{JobsReport, run_jobs};
use buurt_tests::{Session, TestApp, spawn_app};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    author: Session,
    neighbourhood: String,
    config: buurt_api::Config,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let author = app
        .member(&admin, &neighbourhood, "auteur@example.nl", "resident")
        .await;
    let config = buurt_api::Config::with_database_url(app.database.url());
    World {
        app,
        author,
        neighbourhood,
        config,
    }
}

impl World {
    async fn post(&self, title: &str, expires_in: Option<Duration>) -> String {
        let mut body = json!({"kind": "request", "title": title, "body": "x", "category": "help"});
        if let Some(expires_in) = expires_in {
            body["expires_at"] = json!((Utc::now() + expires_in).to_rfc3339());
        }
        let response = self
            .app
            .post_as(
                &self.author,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn inbox(&self, session: &Session, query: &str) -> Value {
        let response = self
            .app
            .get_as(session, &format!("/v1/me/notifications?{query}"))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

    fn jobs(&self, at: chrono::DateTime<Utc>) -> JobsReport {
        run_jobs(&self.config, at).expect("the jobs run")
    }
}

#[actix_web::test]
async fn authors_are_warned_a_day_before_and_posts_expire() {
    let w = world().await;
    let soon = w.post("Snel nodig", Some(Duration::hours(12))).await;
    let later = w.post("Later nodig", Some(Duration::days(3))).await;
    w.post("Zonder einde", None).await;
    let closed = w.post("Al gesloten", Some(Duration::hours(12))).await;
    w.app
        .post_as(&w.author, &format!("/v1/posts/{closed}/close"), &json!({}))
        .await;

    let now = Utc::now();
    assert_eq!(
        w.jobs(now),
        JobsReport {
            escalated_requests: 0,
            expiry_warnings: 1,
            expired_posts: 0,
            idempotency_keys_purged: 0,
            login_failures_purged: 0,
            refresh_tokens_purged: 0,
            retention: Default::default(),
            digests_queued: 0,
            signals: Default::default(),
            lapsed_arrangements: 0,
        }
    );
    // Running again warns nobody twice.
    assert_eq!(w.jobs(now).expiry_warnings, 0);
    let inbox = w.inbox(&w.author, "").await;
    assert_eq!(inbox["unread_count"], 1);
    assert_eq!(inbox["items"][0]["kind"], "post_expiring");
    assert_eq!(
        inbox["items"][0]["post"],
        json!({"id": soon, "title": "Snel nodig"})
    );
    assert_eq!(inbox["items"][0]["read_at"], Value::Null);

    // Thirteen hours on, the first has expired; the closed one stays closed.
    let report = w.jobs(now + Duration::hours(13));
    assert_eq!(report.expired_posts, 1);
    assert_eq!(w.jobs(now + Duration::hours(13)).expired_posts, 0);
    assert_eq!(
        w.app.get(&format!("/v1/posts/{soon}")).await.json()["status"],
        "expired"
    );
    assert_eq!(
        w.app
            .get_as(&w.author, &format!("/v1/posts/{closed}"))
            .await
            .json()["status"],
        "closed"
    );
    assert_eq!(
        w.app.get(&format!("/v1/posts/{later}")).await.json()["status"],
        "open"
    );
    let inbox = w.inbox(&w.author, "").await;
    assert_eq!(inbox["items"][0]["kind"], "post_expired");
    assert_eq!(inbox["unread_count"], 2);

    // A new expiry deserves a new warning.
    let moved = (Utc::now() + Duration::hours(30)).to_rfc3339();
    let edited = w
        .app
        .request(Method::PATCH, &format!("/v1/posts/{later}"))
        .bearer(&w.author.access_token)
        .json(&json!({"expires_at": moved}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(w.jobs(now + Duration::hours(7)).expiry_warnings, 1);
    assert_eq!(w.jobs(now + Duration::hours(7)).expiry_warnings, 0);
}

#[actix_web::test]
async fn concurrent_job_runs_warn_each_author_once() {
    let w = world().await;
    for index in 0..6 {
        w.post(&format!("Verzoek {index}"), Some(Duration::hours(6)))
            .await;
    }
    let now = Utc::now();
    let configs = [w.config.clone(), w.config.clone(), w.config.clone()];
    let handles: Vec<_> = configs
        .into_iter()
        .map(|config| std::thread::spawn(move || run_jobs(&config, now).unwrap().expiry_warnings))
        .collect();
    let warned: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(warned, 6);
    assert_eq!(
        w.inbox(&w.author, "limit=100").await["items"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}

#[actix_web::test]
async fn the_inbox_pages_and_is_marked_read() {
    let w = world().await;
    for index in 0..5 {
        w.post(&format!("Verzoek {index}"), Some(Duration::hours(6)))
            .await;
    }
    w.jobs(Utc::now());
    let mut seen = Vec::new();
    let mut query = "limit=2".to_owned();
    loop {
        let page = w.inbox(&w.author, &query).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(
        seen.iter().collect::<std::collections::HashSet<_>>().len(),
        5
    );

    let first = &seen[0];
    let read = w
        .app
        .post_as(
            &w.author,
            &format!("/v1/me/notifications/{first}/read"),
            &json!({}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text());
    assert!(read.json()["read_at"].is_string());
    let again = w
        .app
        .post_as(
            &w.author,
            &format!("/v1/me/notifications/{first}/read"),
            &json!({}),
        )
        .await;
    assert_eq!(
        again.json()["read_at"],
        read.json()["read_at"],
        "reading twice keeps the first time"
    );
    assert_eq!(w.inbox(&w.author, "").await["unread_count"], 4);
    assert_eq!(
        w.inbox(&w.author, "unread=true&limit=100").await["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Nobody else can see or touch them.
    let other = w.app.register("ander@example.nl").await;
    assert_eq!(w.inbox(&other, "").await["items"], json!([]));
    w.app
        .post_as(
            &other,
            &format!("/v1/me/notifications/{first}/read"),
            &json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    w.app
        .get("/v1/me/notifications")
        .await
        .assert_problem(401, "unauthorized");

    let all = w
        .app
        .post_as(&w.author, "/v1/me/notifications/read-all", &json!({}))
        .await;
    assert_eq!(all.status, 204);
    assert_eq!(w.inbox(&w.author, "").await["unread_count"], 0);
}

#[actix_web::test]
async fn a_post_expires_only_together_with_its_notification() {
    let w = world().await;
    let soon = w.post("Snel nodig", Some(Duration::hours(12))).await;
    let now = Utc::now();
    assert_eq!(w.jobs(now).expiry_warnings, 1);
    // The notification cannot be written: the expiry is undone with it.
    w.app
        .sql("ALTER TABLE notifications RENAME TO notifications_away");
    assert!(run_jobs(&w.config, now + Duration::hours(13)).is_err());
    w.app
        .sql("ALTER TABLE notifications_away RENAME TO notifications");
    assert_eq!(
        w.app.get(&format!("/v1/posts/{soon}")).await.json()["status"],
        "open"
    );
    // The next run does both.
    assert_eq!(w.jobs(now + Duration::hours(13)).expired_posts, 1);
    let inbox = w.inbox(&w.author, "").await;
    assert_eq!(inbox["items"][0]["kind"], "post_expired");
    assert_eq!(inbox["items"][0]["post"]["id"], json!(soon));
}
