//! What an app developer relies on (issue 21): live state in every post, one's own posts,
//! `If-Match` on every change, query strings that never silently ignore a parameter, and the
//! HTTP habits (compression, `Vary`, `Content-Language`, one timestamp format).

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use chrono::{Duration, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    crowd: Vec<Session>,
}

async fn world(people: usize) -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let crowd = app.crowd(&neighbourhood, people);
    World {
        app,
        admin,
        neighbourhood,
        crowd,
    }
}

impl World {
    async fn post(&self, author: &Session, body: Value) -> String {
        let response = self
            .app
            .post_as(
                author,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn activity(&self, author: &Session, capacity: u32) -> String {
        self.post(author, json!({
            "kind": "activity", "title": "Buurtbarbecue", "body": "Kom ook!",
            "activity": {"starts_at": (Utc::now() + Duration::days(2)).to_rfc3339(),
                         "ends_at": (Utc::now() + Duration::days(2) + Duration::hours(2)).to_rfc3339(),
                         "location": "Buurthuis", "capacity": capacity},
        }))
        .await
    }

    async fn request(&self, author: &Session, helpers_needed: u32) -> String {
        self.post(
            author,
            json!({"kind": "request", "title": "Boodschappen doen", "body": "Wie helpt?",
                   "category": "help", "helpers_needed": helpers_needed}),
        )
        .await
    }

    async fn read(&self, session: &Session, post: &str) -> Value {
        let response = self.app.get_as(session, &format!("/v1/posts/{post}")).await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

    /// The post as it appears in the feed read by `session`.
    async fn in_feed(&self, session: &Session, post: &str) -> Value {
        let feed = self
            .app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/posts?limit=100", self.neighbourhood),
            )
            .await;
        assert_eq!(feed.status, 200, "{}", feed.text());
        feed.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["id"] == post)
            .cloned()
            .expect("the post is in the feed")
    }
}

fn activity_state(post: &Value) -> (u64, Value, u64, Value) {
    let activity = &post["activity"];
    (
        activity["going_count"].as_u64().unwrap(),
        activity["places_left"].clone(),
        activity["waitlist_count"].as_u64().unwrap(),
        activity["my_rsvp"].clone(),
    )
}

#[actix_web::test]
async fn activity_state_is_exact_under_concurrent_rsvps() {
    let world = world(13).await;
    let (organiser, people) = (&world.crowd[0], &world.crowd[1..]);
    let post = world.activity(organiser, 5).await;
    let fresh = world.read(organiser, &post).await;
    assert_eq!(activity_state(&fresh), (0, json!(5), 0, Value::Null));

    let rsvp = format!("/v1/posts/{post}/rsvp");
    let answers = join_all(people.iter().map(|person| {
        let (app, rsvp) = (&world.app, &rsvp);
        async move { app.post_as(person, rsvp, &json!({})).await }
    }))
    .await;
    let mut going = Vec::new();
    let mut waiting = Vec::new();
    for (person, answer) in people.iter().zip(&answers) {
        assert_eq!(answer.status, 201, "{}", answer.text());
        match answer.json()["status"].as_str().unwrap() {
            "going" => going.push(person),
            _ => waiting.push((answer.json()["waitlist_ahead"].as_u64().unwrap(), person)),
        }
    }
    // In the order of the waitlist.
    waiting.sort_by_key(|(ahead, _)| *ahead);
    let waiting: Vec<&Session> = waiting.into_iter().map(|(_, person)| person).collect();
    assert_eq!((going.len(), waiting.len()), (5, 7));
    for person in &going {
        for seen in [
            world.read(person, &post).await,
            world.in_feed(person, &post).await,
        ] {
            assert_eq!(activity_state(&seen), (5, json!(0), 7, json!("going")));
        }
    }
    for person in &waiting {
        let seen = world.read(person, &post).await;
        assert_eq!(activity_state(&seen), (5, json!(0), 7, json!("waitlisted")));
    }
    let anonymous = world.app.get(&format!("/v1/posts/{post}")).await.json();
    assert_eq!(activity_state(&anonymous), (5, json!(0), 7, Value::Null));

    // Two going cancel while two on the waitlist cancel: the waitlist moves up by two.
    let cancels = join_all(
        [going[0], going[1], waiting[5], waiting[6]]
            .into_iter()
            .map(|person| world.app.delete_as(person, &rsvp)),
    )
    .await;
    assert!(cancels.iter().all(|c| c.status == 204), "{cancels:?}");
    let seen = world.read(going[0], &post).await;
    assert_eq!(activity_state(&seen), (5, json!(0), 3, Value::Null));
    let moved_up = world.read(waiting[0], &post).await;
    assert_eq!(activity_state(&moved_up).3, json!("going"));
}

#[actix_web::test]
async fn request_state_is_exact_under_concurrent_accepts() {
    let world = world(7).await;
    let (requester, helpers) = (&world.crowd[0], &world.crowd[1..]);
    let post = world.request(requester, 2).await;
    let fresh = world.read(requester, &post).await;
    assert_eq!(fresh["helpers_accepted"], 0);
    assert_eq!(fresh["my_match"], Value::Null);
    assert_eq!(fresh["activity"], Value::Null);

    let mut matches = Vec::new();
    for helper in helpers {
        // Offering help takes no body at all, like escalate and accept.
        let offered = world
            .app
            .request(Method::POST, &format!("/v1/posts/{post}/matches"))
            .bearer(&helper.access_token)
            .send()
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        matches.push(offered.json()["id"].as_str().unwrap().to_owned());
    }
    let offered = world.read(&helpers[0], &post).await;
    assert_eq!(offered["my_match"]["id"], matches[0].as_str());
    assert_eq!(offered["my_match"]["status"], "proposed");

    let accepts = join_all(matches.iter().map(|id| {
        let app = &world.app;
        async move {
            app.post_as(requester, &format!("/v1/matches/{id}/accept"), &json!({}))
                .await
        }
    }))
    .await;
    let accepted: Vec<usize> = (0..accepts.len())
        .filter(|&i| accepts[i].status == 200)
        .collect();
    assert_eq!(accepted.len(), 2, "{accepts:?}");
    let seen = world.read(requester, &post).await;
    assert_eq!(seen["helpers_accepted"], 2);
    assert_eq!(seen["status"], "matched");
    assert_eq!(seen["my_match"], Value::Null, "the requester is no helper");
    for (index, helper) in helpers.iter().enumerate() {
        let expected = if accepted.contains(&index) {
            "accepted"
        } else {
            "proposed"
        };
        for seen in [
            world.read(helper, &post).await,
            world.in_feed(helper, &post).await,
        ] {
            assert_eq!(seen["helpers_accepted"], 2);
            assert_eq!(seen["my_match"]["status"], expected);
            assert_eq!(seen["my_match"]["id"], matches[index].as_str());
        }
    }
}

#[actix_web::test]
async fn news_shows_no_request_fields() {
    let world = world(1).await;
    let news = world
        .post(
            &world.crowd[0],
            json!({"kind": "news", "title": "Straatfeest", "body": "Zaterdag!"}),
        )
        .await;
    let seen = world.read(&world.crowd[0], &news).await;
    for field in [
        "remote_ok",
        "helpers_needed",
        "helpers_accepted",
        "my_match",
        "activity",
        "category",
        "urgency",
    ] {
        assert_eq!(seen[field], Value::Null, "{field}");
    }
    // And it still refuses them as input.
    let refused = world
        .app
        .post_as(
            &world.crowd[0],
            &format!("/v1/neighbourhoods/{}/posts", world.neighbourhood),
            &json!({"kind": "news", "title": "Straatfeest", "body": "Zaterdag!", "remote_ok": true}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let request = world.request(&world.crowd[0], 3).await;
    let seen = world.read(&world.crowd[0], &request).await;
    assert_eq!(seen["remote_ok"], false);
    assert_eq!(seen["helpers_needed"], 3);
}

#[actix_web::test]
async fn my_posts_are_mine_filtered_and_paged() {
    let world = world(2).await;
    let (me, other) = (&world.crowd[0], &world.crowd[1]);
    let mut mine = Vec::new();
    for index in 0..3 {
        mine.push(world.request(me, 1).await);
        world
            .post(
                me,
                json!({"kind": "news", "title": format!("Nieuws {index}"), "body": "Hoi"}),
            )
            .await;
    }
    world.request(other, 1).await;
    let closed = world
        .app
        .post_as(me, &format!("/v1/posts/{}/close", mine[0]), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());

    let all = world.app.get_as(me, "/v1/me/posts?limit=100").await;
    assert_eq!(all.status, 200, "{}", all.text());
    let items = all.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 6);
    assert!(
        items
            .iter()
            .all(|item| item["author"]["id"] == me.user_id.as_str())
    );

    let requests = world
        .app
        .get_as(me, "/v1/me/posts?kind=request")
        .await
        .json();
    let ids: Vec<&str> = requests["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine[2].as_str(), mine[1].as_str(), mine[0].as_str()]);
    let open = world
        .app
        .get_as(me, "/v1/me/posts?kind=request&status=open")
        .await
        .json();
    assert_eq!(open["items"].as_array().unwrap().len(), 2);

    // Keyset pages: every post once, newest first.
    let mut seen = Vec::new();
    let mut path = "/v1/me/posts?limit=4".to_owned();
    loop {
        let page = world.app.get_as(me, &path).await.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/me/posts?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    let listed: Vec<String> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, listed);

    world
        .app
        .get("/v1/me/posts")
        .await
        .assert_problem(401, "unauthorized");
    let bad = world
        .app
        .get_as(me, "/v1/me/posts?kind=gossip&limit=0&author=me")
        .await;
    let problem = bad.assert_problem(400, "invalid_query");
    assert_eq!(problem["errors"][0]["field"], "author");
}

/// Every field of every problem: which parameter, and no English left in a Dutch answer.
fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn query_problems_name_every_parameter_in_the_callers_language() {
    let world = world(1).await;
    let feed = format!("/v1/neighbourhoods/{}/posts", world.neighbourhood);
    let response = world
        .app
        .request(
            Method::GET,
            &format!("{feed}?limit=tien&kind=gossip&status=open&remote=1"),
        )
        .header("accept-language", "nl")
        .send()
        .await;
    let problem = response.assert_problem(400, "invalid_query");
    // Unknown parameters come first, on their own: a typo is the likeliest mistake.
    assert_eq!(fields(&problem), ["remote"]);
    let response = world
        .app
        .request(
            Method::GET,
            &format!("{feed}?limit=tien&kind=gossip&status=open"),
        )
        .header("accept-language", "nl")
        .send()
        .await;
    let problem = response.assert_problem(400, "invalid_query");
    assert_eq!(fields(&problem), ["limit", "kind"]);
    let text = problem.to_string();
    for english in ["invalid digit", "string", "expected", "unknown variant"] {
        assert!(!text.contains(english), "{english} in {text}");
    }
    assert_eq!(
        response.header("content-language").as_deref(),
        Some("nl"),
        "{:?}",
        response.headers
    );
}

/// Every `GET` of the spec, with parameters it does not document, is 400 naming each of them
/// (before anything else is looked at: no token or existing resource needed).
#[actix_web::test]
async fn unknown_query_parameters_are_refused_on_every_get() {
    let app = spawn_app().await;
    let spec = app.get("/openapi.json").await.json();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        let documented: Vec<&str> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(!documented.contains(&"bogus"));
        let concrete = path
            .split('/')
            .map(|segment| match segment {
                "{code}" => "GM0001".to_owned(),
                s if s.starts_with('{') => uuid::Uuid::new_v4().to_string(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let response = app
            .get(&format!("{concrete}?bogus=1&author=me&bogus=2"))
            .await;
        let problem = response.assert_problem(400, "invalid_query");
        assert_eq!(fields(&problem), ["bogus", "author"], "{path}");
        checked += 1;
    }
    assert!(checked > 30, "only {checked} GET operations in the spec");
    // Documented parameters still work.
    let listed = app.get("/v1/neighbourhoods?limit=5").await;
    assert_eq!(listed.status, 200, "{}", listed.text());
}

async fn patch(
    app: &TestApp,
    session: &Session,
    path: &str,
    tag: &str,
    body: &Value,
) -> TestResponse {
    app.request(Method::PATCH, path)
        .bearer(&session.access_token)
        .header("if-match", tag)
        .json(body)
        .await
}

#[actix_web::test]
async fn if_match_guards_every_patch() {
    let world = world(1).await;
    let me = &world.crowd[0];
    let post = world.request(me, 1).await;
    let path = format!("/v1/posts/{post}");
    let read = world.app.get_as(me, &path).await;
    let tag = read.header("etag").expect("an ETag");

    // Of two changes made from the same read, exactly one goes through.
    let (first, second) = futures_util::future::join(
        patch(&world.app, me, &path, &tag, &json!({"title": "Eerste"})),
        patch(&world.app, me, &path, &tag, &json!({"title": "Tweede"})),
    )
    .await;
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", first.text(), second.text());
    let winner = if first.status == 200 { &first } else { &second };
    let loser = if first.status == 200 { &second } else { &first };
    loser.assert_problem(412, "precondition_failed");
    let now = world.app.get_as(me, &path).await;
    assert_eq!(now.json()["title"], winner.json()["title"]);
    // The change answers with the new ETag, which the next change may use.
    assert_eq!(winner.header("etag"), now.header("etag"));
    let next = patch(
        &world.app,
        me,
        &path,
        &now.header("etag").unwrap(),
        &json!({"body": "Nu"}),
    )
    .await;
    assert_eq!(next.status, 200, "{}", next.text());
    // A stale tag changes nothing; `*` and no If-Match at all still work.
    patch(&world.app, me, &path, &tag, &json!({"title": "Oud"}))
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        world.app.get_as(me, &path).await.json()["title"],
        winner.json()["title"]
    );
    assert_eq!(
        patch(&world.app, me, &path, "*", &json!({"title": "Ster"}))
            .await
            .status,
        200
    );

    // The profile and a neighbourhood, the same way.
    let profile_tag = world.app.get_as(me, "/v1/me").await.header("etag").unwrap();
    let changed = patch(
        &world.app,
        me,
        "/v1/me",
        &profile_tag,
        &json!({"bio": "Hallo"}),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    patch(
        &world.app,
        me,
        "/v1/me",
        &profile_tag,
        &json!({"bio": "Oud"}),
    )
    .await
    .assert_problem(412, "precondition_failed");
    let place = format!("/v1/neighbourhoods/{}", world.neighbourhood);
    let place_tag = world.app.get(&place).await.header("etag").unwrap();
    let (a, b) = futures_util::future::join(
        patch(
            &world.app,
            &world.admin,
            &place,
            &place_tag,
            &json!({"name": "Een"}),
        ),
        patch(
            &world.app,
            &world.admin,
            &place,
            &place_tag,
            &json!({"name": "Twee"}),
        ),
    )
    .await;
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", a.text(), b.text());
}

#[actix_web::test]
async fn suggestions_list_each_person_once_and_not_who_was_asked() {
    let world = world(0).await;
    let app = &world.app;
    let requester = app
        .member(
            &world.admin,
            &world.neighbourhood,
            "vrager@example.nl",
            "resident",
        )
        .await;
    let mut helpers = Vec::new();
    for email in ["een@example.nl", "twee@example.nl"] {
        let helper = app
            .member(&world.admin, &world.neighbourhood, email, "resident")
            .await;
        let profile = app
            .request(Method::PATCH, "/v1/me")
            .bearer(&helper.access_token)
            .json(&json!({"skills": ["help"]}))
            .await;
        assert_eq!(profile.status, 200, "{}", profile.text());
        // An offer too: the person is a candidate twice over.
        world
            .post(
                &helper,
                json!({"kind": "offer", "title": "Ik doe boodschappen", "body": "Graag!",
                       "category": "help"}),
            )
            .await;
        helpers.push(helper);
    }
    let request = world.request(&requester, 1).await;
    let suggested = |_: ()| async {
        let response = app
            .get_as(&requester, &format!("/v1/posts/{request}/suggestions"))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["user"]["id"].as_str().unwrap().to_owned())
            .collect::<Vec<String>>()
    };
    let mut before = suggested(()).await;
    before.sort();
    let mut expected: Vec<String> = helpers.iter().map(|h| h.user_id.clone()).collect();
    expected.sort();
    assert_eq!(before, expected, "each person once");
    let invited = app
        .post_as(
            &requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": helpers[0].user_id}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text());
    assert_eq!(suggested(()).await, [helpers[1].user_id.clone()]);
}

#[actix_web::test]
async fn answers_follow_the_http_habits_of_apps() {
    let world = world(1).await;
    let app = &world.app;
    // `/` leads to the docs, titled for what they are.
    let root = app.get("/").await;
    assert!(
        matches!(root.status.as_u16(), 301 | 302 | 307 | 308),
        "{}",
        root.status
    );
    assert_eq!(root.header("location").as_deref(), Some("/docs/"));
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status, 200);
    assert!(
        docs.text().contains("<title>Buurt API</title>"),
        "{}",
        docs.text()
    );
    // Sections in the order an app developer reads them, operations last; summaries plain.
    let spec = app.get("/openapi.json").await.json();
    let tags: Vec<&str> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| tag["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &tags[..6],
        [
            "auth",
            "me",
            "neighbourhoods",
            "membership",
            "posts",
            "matching"
        ]
    );
    assert_eq!(tags.last(), Some(&"operations"));
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let summary = operation["summary"].as_str().unwrap_or_default();
            assert!(!summary.contains('`'), "{method} {path}: {summary}");
            for tag in operation["tags"].as_array().into_iter().flatten() {
                assert!(tags.contains(&tag.as_str().unwrap()), "{tag} is not listed");
            }
        }
    }

    // JSON is compressed for who asks, and says it varies with what was asked.
    let feed = format!("/v1/neighbourhoods/{}/posts", world.neighbourhood);
    for index in 0..5 {
        world
            .post(
                &world.crowd[0],
                json!({"kind": "news", "title": format!("Nieuws {index}"), "body": "Veel te vertellen. ".repeat(40)}),
            )
            .await;
    }
    let compressed = app
        .request(Method::GET, &feed)
        .header("accept-encoding", "gzip")
        .send()
        .await;
    assert_eq!(compressed.status, 200);
    assert_eq!(
        compressed.header("content-encoding").as_deref(),
        Some("gzip")
    );
    let vary = compressed
        .headers
        .get_all("vary")
        .map(|value| value.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    for header in ["accept-encoding", "accept-language", "authorization"] {
        assert!(vary.contains(header), "Vary: {vary}");
    }
    assert_eq!(compressed.header("content-language").as_deref(), Some("en"));
    let dutch = app
        .request(
            Method::GET,
            "/v1/posts/00000000-0000-0000-0000-000000000000",
        )
        .header("accept-language", "nl")
        .send()
        .await;
    assert_eq!(dutch.status, 404);
    assert_eq!(dutch.header("content-language").as_deref(), Some("nl"));

    // Every timestamp the same shape: RFC 3339, UTC, microseconds.
    let shape = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$").unwrap();
    let page = app.get(&feed).await.json();
    let mut stamps = Vec::new();
    collect_timestamps(&page, &mut stamps);
    let me = app.get_as(&world.crowd[0], "/v1/me").await.json();
    collect_timestamps(&me, &mut stamps);
    assert!(stamps.len() > 10);
    for stamp in stamps {
        assert!(shape.is_match(&stamp), "{stamp}");
    }
}

fn collect_timestamps(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match item {
                    Value::String(text) if key.ends_with("_at") => found.push(text.clone()),
                    other => collect_timestamps(other, found),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_timestamps(item, found)),
        _ => {}
    }
}

#[actix_web::test]
async fn paging_problems_come_with_the_others() {
    let world = world(1).await;
    let feed = format!(
        "/v1/neighbourhoods/{}/posts?limit=500&cursor=rommel&q={}",
        world.neighbourhood,
        "woord ".repeat(9).trim().replace(' ', "+")
    );
    let problem = world
        .app
        .get(&feed)
        .await
        .assert_problem(400, "invalid_query");
    assert_eq!(fields(&problem), ["q", "limit", "cursor"]);
    let problem = world
        .app
        .get("/v1/neighbourhoods?municipality=XX&limit=0")
        .await
        .assert_problem(400, "invalid_query");
    assert_eq!(fields(&problem), ["municipality", "limit"]);
}
