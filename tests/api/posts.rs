use std::collections::HashSet;

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    author: Session,
    member: Session,
    moderator: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let author = app
        .member(&admin, &neighbourhood, "auteur@example.nl", "resident")
        .await;
    let member = app
        .member(&admin, &neighbourhood, "lid@example.nl", "resident")
        .await;
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    World {
        app,
        admin,
        neighbourhood,
        author,
        member,
        moderator,
    }
}

impl World {
    fn feed(&self) -> String {
        format!("/v1/neighbourhoods/{}/posts", self.neighbourhood)
    }

    async fn post(&self, session: &Session, body: Value) -> TestResponse {
        self.app.post_as(session, &self.feed(), &body).await
    }

    async fn create(&self, body: Value) -> String {
        let response = self.post(&self.author, body).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn titles(&self, session: Option<&Session>, query: &str) -> Vec<String> {
        let path = format!("{}?{query}", self.feed());
        let response = match session {
            Some(session) => self.app.get_as(session, &path).await,
            None => self.app.get(&path).await,
        };
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|post| post["title"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn news(title: &str) -> Value {
    json!({"kind": "news", "title": title, "body": "Nieuws uit de buurt."})
}

fn in_hours(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339()
}

#[actix_web::test]
async fn members_post_all_four_kinds() {
    let w = world().await;
    let created = w.post(&w.author, news("Straatfeest")).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.header("location"), Some(format!("/v1/posts/{id}")));
    let post = created.json();
    assert_eq!(post["status"], "open");
    assert_eq!(post["visibility"], "public");
    assert_eq!(post["author"]["display_name"], "auteur");
    assert_eq!(post["category"], Value::Null);

    let activity = w
        .post(&w.author, json!({
            "kind": "activity", "title": "Buurtborrel", "body": "Iedereen welkom",
            "activity": {"starts_at": in_hours(24), "ends_at": in_hours(26), "location": "Buurthuis", "capacity": 40},
        }))
        .await;
    assert_eq!(activity.status, 201, "{}", activity.text());
    assert_eq!(activity.json()["activity"]["capacity"], 40);

    let offer = w
        .post(&w.author, json!({"kind": "offer", "title": "Bijles wiskunde", "body": "Voor drie kinderen.", "category": "knowledge", "helpers_needed": 3, "remote_ok": true}))
        .await
        .json();
    assert_eq!(offer["helpers_needed"], 3);
    assert_eq!(offer["remote_ok"], true);

    let request = w
        .post(
            &w.author,
            json!({
                "kind": "request", "title": "Wie helpt met boodschappen?", "body": "Elke week.",
                "category": "help", "urgency": "high", "helpers_needed": 2, "remote_ok": false,
                "expires_at": in_hours(72),
            }),
        )
        .await
        .json();
    assert_eq!(
        (
            request["urgency"].clone(),
            request["helpers_needed"].clone()
        ),
        (json!("high"), json!(2))
    );

    let care = w
        .post(&w.author, json!({"kind": "offer", "title": "Ik kan koken", "body": "Voor wie ziek is.", "category": "care"}))
        .await
        .json();
    assert_eq!(care["visibility"], "members", "care is members-only");
}

#[actix_web::test]
async fn the_rules_of_each_kind_are_enforced() {
    let w = world().await;
    let field_of = |response: TestResponse| {
        let problem = response.assert_problem(422, "validation_failed");
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let cases = [
        (
            json!({"kind": "request", "title": "x", "body": "y"}),
            vec!["category"],
        ),
        (
            json!({"kind": "news", "title": "x", "body": "y", "category": "help"}),
            vec!["category"],
        ),
        (
            json!({"kind": "offer", "title": "x", "body": "y", "category": "care", "visibility": "public"}),
            vec!["visibility"],
        ),
        (
            json!({"kind": "activity", "title": "x", "body": "y"}),
            vec!["activity"],
        ),
        (
            json!({"kind": "news", "title": "x", "body": "y", "expires_at": in_hours(-1)}),
            vec!["expires_at"],
        ),
        (
            json!({"kind": "news", "title": " ", "body": ""}),
            vec!["title", "body"],
        ),
        (
            json!({"kind": "activity", "title": "x", "body": "y", "activity": {"starts_at": in_hours(2), "ends_at": in_hours(1), "location": "Hier"}}),
            vec!["activity.ends_at"],
        ),
    ];
    for (body, fields) in cases {
        assert_eq!(
            field_of(w.post(&w.author, body.clone()).await),
            fields,
            "{body}"
        );
    }
    let unknown_kind = w
        .post(
            &w.author,
            json!({"kind": "gossip", "title": "x", "body": "y"}),
        )
        .await;
    assert_eq!(
        unknown_kind.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "kind"
    );
    assert!(
        w.titles(Some(&w.author), "").await.is_empty(),
        "nothing was stored"
    );
}

#[actix_web::test]
async fn only_active_members_post() {
    let w = world().await;
    let outsider = w.app.register("buiten@example.nl").await;
    let pending = w.app.register("wacht@example.nl").await;
    w.app
        .post_as(
            &pending,
            &format!("/v1/neighbourhoods/{}/join", w.neighbourhood),
            &json!({}),
        )
        .await;
    w.app
        .post(&w.feed(), &news("x"))
        .await
        .assert_problem(401, "unauthorized");
    w.post(&outsider, news("x"))
        .await
        .assert_problem(403, "forbidden");
    // A pending member learns why (issue 19), not a bare `forbidden`.
    w.post(&pending, news("x"))
        .await
        .assert_problem(403, "membership_pending");
    assert_eq!(w.post(&w.admin, news("Van de beheerder")).await.status, 201);
}

#[actix_web::test]
async fn visibility_follows_membership_and_hiding() {
    let w = world().await;
    let public = w.create(news("Openbaar")).await;
    let members_only = w
        .create(
            json!({"kind": "news", "title": "Alleen leden", "body": "x", "visibility": "members"}),
        )
        .await;
    let outsider = w.app.register("buiten@example.nl").await;

    assert_eq!(w.titles(None, "").await, ["Openbaar"]);
    assert_eq!(w.titles(Some(&outsider), "").await, ["Openbaar"]);
    assert_eq!(
        w.titles(Some(&w.member), "").await,
        ["Alleen leden", "Openbaar"]
    );
    assert_eq!(
        w.titles(Some(&w.admin), "").await,
        ["Alleen leden", "Openbaar"]
    );
    let pending = w.app.register("wacht@example.nl").await;
    w.app
        .post_as(
            &pending,
            &format!("/v1/neighbourhoods/{}/join", w.neighbourhood),
            &json!({}),
        )
        .await;
    assert_eq!(w.titles(Some(&pending), "").await, ["Openbaar"]);
    w.app
        .get_as(&pending, &format!("/v1/posts/{members_only}"))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get(&format!("/v1/posts/{members_only}"))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get_as(&outsider, &format!("/v1/posts/{members_only}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .get_as(&w.member, &format!("/v1/posts/{members_only}"))
            .await
            .status,
        200
    );
    assert_eq!(w.app.get(&format!("/v1/posts/{public}")).await.status, 200);

    // Hidden: gone for everyone but the author and moderators.
    w.app
        .post_as(&w.member, &format!("/v1/posts/{public}/hide"), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    let hidden = w
        .app
        .post_as(
            &w.moderator,
            &format!("/v1/posts/{public}/hide"),
            &json!({}),
        )
        .await;
    assert_eq!(hidden.status, 200, "{}", hidden.text());
    assert_eq!(hidden.json()["hidden"], true);
    assert!(w.titles(None, "").await.is_empty());
    assert_eq!(w.titles(Some(&w.member), "").await, ["Alleen leden"]);
    assert_eq!(
        w.titles(Some(&w.author), "").await,
        ["Alleen leden", "Openbaar"]
    );
    assert_eq!(
        w.titles(Some(&w.moderator), "").await,
        ["Alleen leden", "Openbaar"]
    );
    assert_eq!(
        w.titles(Some(&w.admin), "").await,
        ["Alleen leden", "Openbaar"]
    );
    w.app
        .get(&format!("/v1/posts/{public}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .get_as(&w.author, &format!("/v1/posts/{public}"))
            .await
            .status,
        200
    );
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(page["news"]["count"], 0);

    assert_eq!(
        w.app
            .post_as(
                &w.moderator,
                &format!("/v1/posts/{public}/unhide"),
                &json!({})
            )
            .await
            .status,
        200
    );
    assert_eq!(w.titles(None, "").await, ["Openbaar"]);
    // An invalid token is a 401, never a silent anonymous read.
    w.app
        .request(Method::GET, &w.feed())
        .bearer("nonsense")
        .send()
        .await
        .assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn authors_edit_close_and_delete_their_own_posts() {
    let w = world().await;
    let id = w.create(json!({"kind": "offer", "title": "Ladder te leen", "body": "Drie meter.", "category": "goods"})).await;
    let path = format!("/v1/posts/{id}");
    let patch = |session: &Session, body: Value| {
        let request = w
            .app
            .request(Method::PATCH, &path)
            .bearer(&session.access_token);
        async move { request.json(&body).await }
    };
    let edited = patch(
        &w.author,
        json!({"title": "Ladder (4 m) te leen", "remote_ok": true}),
    )
    .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(edited.json()["title"], "Ladder (4 m) te leen");
    assert_eq!(edited.json()["body"], "Drie meter.");
    patch(&w.member, json!({"title": "Van mij"}))
        .await
        .assert_problem(403, "forbidden");
    patch(
        &w.author,
        json!({"category": "care", "visibility": "public"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    patch(&w.author, json!({"kind": "news"}))
        .await
        .assert_problem(422, "validation_failed");

    w.app
        .post_as(&w.member, &format!("{path}/close"), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    let closed = w
        .app
        .post_as(&w.author, &format!("{path}/close"), &json!({}))
        .await;
    assert_eq!(closed.json()["status"], "closed");
    w.app
        .post_as(&w.author, &format!("{path}/close"), &json!({}))
        .await
        .assert_problem(409, "illegal_transition");
    patch(&w.author, json!({"title": "Toch nog"}))
        .await
        .assert_problem(409, "post_not_live");
    assert_eq!(
        w.titles(None, "status=closed").await,
        ["Ladder (4 m) te leen"]
    );

    w.app
        .request(Method::DELETE, &path)
        .bearer(&w.member.access_token)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        w.app
            .request(Method::DELETE, &path)
            .bearer(&w.author.access_token)
            .send()
            .await
            .status,
        204
    );
    w.app.get(&path).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_feed_filters_and_searches() {
    let w = world().await;
    w.create(json!({"kind": "request", "title": "Fietsen repareren", "body": "Mijn fiets heeft een lekke band.", "category": "skills"})).await;
    w.create(json!({"kind": "offer", "title": "Boormachine te leen", "body": "Met boren.", "category": "goods"})).await;
    w.create(news("Straatfeest op zaterdag")).await;

    assert_eq!(w.titles(None, "kind=offer").await, ["Boormachine te leen"]);
    assert_eq!(
        w.titles(None, "category=skills").await,
        ["Fietsen repareren"]
    );
    assert_eq!(
        w.titles(None, "kind=news&status=open").await,
        ["Straatfeest op zaterdag"]
    );
    assert!(w.titles(None, "status=expired").await.is_empty());
    // Exact words, any case, on both backends; every word must match.
    assert_eq!(
        w.titles(None, "q=boormachine").await,
        ["Boormachine te leen"]
    );
    assert_eq!(
        w.titles(None, "q=LEKKE%20band").await,
        ["Fietsen repareren"]
    );
    assert!(w.titles(None, "q=lekke%20boormachine").await.is_empty());
    assert!(w.titles(None, "q=%22").await.is_empty());
    assert!(w.titles(None, "q=OR%20NEAR(").await.is_empty());
    if w.app.database.is_postgres() {
        // Dutch stemming: inflected forms find each other.
        assert_eq!(w.titles(None, "q=fiets").await, ["Fietsen repareren"]);
        assert_eq!(w.titles(None, "q=repareer").await, ["Fietsen repareren"]);
    }
    for bad in ["kind=gossip", "limit=0", "cursor=xyz"] {
        w.app
            .get(&format!("{}?{bad}", w.feed()))
            .await
            .assert_problem(400, "invalid_query");
    }
}

#[actix_web::test]
async fn feeds_and_posts_have_etags() {
    let w = world().await;
    let id = w.create(news("Eerste")).await;
    let feed = w.app.get(&w.feed()).await;
    let etag = feed.header("etag").unwrap();
    let unchanged = w
        .app
        .request(Method::GET, &w.feed())
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
    w.create(news("Tweede")).await;
    let changed = w
        .app
        .request(Method::GET, &w.feed())
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(changed.status, 200);

    let post = w.app.get(&format!("/v1/posts/{id}")).await;
    let etag = post.header("etag").unwrap();
    let unchanged = w
        .app
        .request(Method::GET, &format!("/v1/posts/{id}"))
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
}

#[actix_web::test]
async fn reports_once_per_member() {
    let w = world().await;
    let id = w.create(news("Verdacht")).await;
    let path = format!("/v1/posts/{id}/reports");
    let reported = w
        .app
        .post_as(
            &w.member,
            &path,
            &json!({"reason": "spam", "details": "Reclame"}),
        )
        .await;
    assert_eq!(reported.status, 201, "{}", reported.text());
    assert_eq!(reported.json()["reason"], "spam");
    w.app
        .post_as(&w.member, &path, &json!({"reason": "intimidation"}))
        .await
        .assert_problem(409, "already_reported");
    let outsider = w.app.register("buiten@example.nl").await;
    w.app
        .post_as(&outsider, &path, &json!({"reason": "spam"}))
        .await
        .assert_problem(403, "forbidden");
    w.app
        .post_as(&w.moderator, &path, &json!({"reason": "boring"}))
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .post(&path, &json!({"reason": "spam"}))
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn the_public_page_shows_public_open_posts() {
    let w = world().await;
    w.create(news("Straatfeest")).await;
    w.create(json!({"kind": "news", "title": "Voor leden", "body": "x", "visibility": "members"}))
        .await;
    w.create(json!({"kind": "request", "title": "Hulp gezocht", "body": "x", "category": "help"}))
        .await;
    w.create(json!({"kind": "offer", "title": "Soep over", "body": "x", "category": "goods"}))
        .await;
    let closed = w
        .create(json!({"kind": "offer", "title": "Al weg", "body": "x", "category": "goods"}))
        .await;
    w.app
        .post_as(&w.author, &format!("/v1/posts/{closed}/close"), &json!({}))
        .await;
    w.create(json!({"kind": "activity", "title": "Later", "body": "x", "activity": {"starts_at": in_hours(48), "ends_at": in_hours(50), "location": "Plein"}})).await;
    w.create(json!({"kind": "activity", "title": "Eerst", "body": "x", "activity": {"starts_at": in_hours(24), "ends_at": in_hours(25), "location": "Plein"}})).await;

    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    let titles = |section: &str| -> Vec<String> {
        page[section]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles("news"), ["Straatfeest"]);
    assert_eq!(titles("open_requests"), ["Hulp gezocht"]);
    assert_eq!(titles("open_offers"), ["Soep over"]);
    assert_eq!(titles("upcoming_activities"), ["Eerst", "Later"]);
    assert_eq!(page["upcoming_activities"]["count"], 2);
    assert_eq!(page["open_requests"]["items"][0]["category"], "help");
    assert_eq!(page["member_count"], 3);
}

/// Ten thousand posts, paged newest first while new posts keep arriving: every post that
/// existed at the start is seen exactly once, in order.
#[actix_web::test]
async fn paging_through_ten_thousand_posts_while_new_ones_arrive() {
    let w = world().await;
    let author = w.author.user_id.clone();
    let base = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let mut expected = Vec::new();
    for batch in 0..20 {
        let mut values = Vec::new();
        for index in batch * 500..(batch + 1) * 500 {
            let id = uuid::Uuid::new_v4().to_string();
            // Pairs share a timestamp, so the id must break ties.
            let at = base + chrono::Duration::seconds(index / 2);
            values.push(format!(
                "('{id}', '{}', '{author}', 'news', 'open', 'Bericht {index}', 'Tekst', 'public', FALSE, 1, FALSE, '{at}', '{at}')",
                w.neighbourhood
            ));
            expected.push((at, id));
        }
        w.app.sql(&format!(
            "INSERT INTO posts (id, neighbourhood_id, author_id, kind, status, title, body, visibility, remote_ok, helpers_needed, hidden, created_at, updated_at) VALUES {}",
            values.join(", ")
        ));
    }
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arrived = HashSet::new();
    loop {
        let path = match &cursor {
            Some(cursor) => format!("{}?limit=100&cursor={cursor}", w.feed()),
            None => format!("{}?limit=100", w.feed()),
        };
        let page = w.app.get(&path).await.json();
        for post in page["items"].as_array().unwrap() {
            seen.push(post["id"].as_str().unwrap().to_owned());
        }
        // A neighbour posts while we page.
        if seen.len() % 1000 == 0 {
            arrived.insert(w.create(news("Nieuw tijdens het bladeren")).await);
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let fresh: Vec<&String> = seen.iter().filter(|id| arrived.contains(*id)).collect();
    assert!(
        fresh.is_empty(),
        "posts newer than the first page never appear further down"
    );
    assert_eq!(seen.len(), 10_000);
    assert_eq!(seen, expected, "each older post exactly once, newest first");
}

#[actix_web::test]
async fn hidden_posts_are_for_moderators_of_their_own_neighbourhood() {
    let w = world().await;
    let id = w.create(news("Te verbergen")).await;
    let path = format!("/v1/posts/{id}");
    // A moderator elsewhere has no say here.
    let elsewhere = w
        .app
        .create_neighbourhood(&w.admin, "BU00000002", "Elders", &[])
        .await;
    let other_moderator = w
        .app
        .member(&w.admin, &elsewhere, "elders@example.nl", "moderator")
        .await;
    w.app
        .post_as(&other_moderator, &format!("{path}/hide"), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(w.app.get(&path).await.json()["hidden"], false);

    let hidden = w
        .app
        .post_as(&w.moderator, &format!("{path}/hide"), &json!({}))
        .await;
    assert_eq!(hidden.status, 200, "{}", hidden.text());
    w.app
        .get_as(&w.member, &path)
        .await
        .assert_problem(404, "not_found");
    w.app
        .get_as(&other_moderator, &path)
        .await
        .assert_problem(404, "not_found");
    let seen = w.app.get_as(&w.moderator, &path).await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    assert_eq!(seen.json()["hidden"], true);
}

#[actix_web::test]
async fn expired_and_fulfilled_posts_cannot_be_closed() {
    let w = world().await;
    for status in ["expired", "fulfilled"] {
        let id = w
            .create(json!({"kind": "request", "title": "Ladder", "body": "x", "category": "goods"}))
            .await;
        w.app.sql(&format!(
            "UPDATE posts SET status = '{status}' WHERE id = '{id}'"
        ));
        w.app
            .post_as(&w.author, &format!("/v1/posts/{id}/close"), &json!({}))
            .await
            .assert_problem(409, "illegal_transition");
        assert_eq!(
            w.app
                .get_as(&w.author, &format!("/v1/posts/{id}"))
                .await
                .json()["status"],
            status
        );
    }
}

#[actix_web::test]
async fn two_edits_at_once_each_keep_the_others_fields() {
    let w = world().await;
    let kinds = [
        json!({"kind": "offer", "title": "Ladder te leen", "body": "Drie meter.", "category": "goods"}),
        json!({"kind": "request", "title": "Hulp gezocht", "body": "Met de tuin.", "category": "help"}),
    ];
    for post in kinds {
        let id = w.create(post).await;
        let path = format!("/v1/posts/{id}");
        for round in 0..8 {
            let edit = |body: Value| {
                let request = w
                    .app
                    .request(Method::PATCH, &path)
                    .bearer(&w.author.access_token);
                async move { request.json(&body).await }
            };
            let (title, body) = futures_util::future::join(
                edit(json!({"title": format!("Titel {round}")})),
                edit(json!({"body": format!("Tekst {round}.")})),
            )
            .await;
            assert_eq!(title.status, 200, "{}", title.text());
            assert_eq!(body.status, 200, "{}", body.text());
            let now = w.app.get_as(&w.author, &path).await.json();
            assert_eq!(
                (now["title"].as_str(), now["body"].as_str()),
                (
                    Some(format!("Titel {round}").as_str()),
                    Some(format!("Tekst {round}.").as_str())
                ),
                "round {round}: an acknowledged edit was lost"
            );
        }
    }
}
