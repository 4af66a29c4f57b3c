//! Lists come back from a constant number of statements, whatever their length: no N+1. The
//! server counts the statements its pool sends (`buurt_db_statements_total` in `/metrics`).

use buurt_tests::{Session, TestApp, spawn_app};
use serde_json::{Value, json};

async fn statements_sent(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("buurt_db_statements_total "))
        .expect("the metrics count statements")
        .trim()
        .parse()
        .expect("a number")
}

/// The statements one GET costs, and how many items it listed.
async fn cost_of(app: &TestApp, session: &Session, path: &str) -> (u64, usize) {
    // The standing of the token's account is read once per user every few seconds, not per
    // page: read it now, so the measured request costs only what the page itself costs.
    assert_eq!(app.get_as(session, "/v1/me").await.status, 200);
    let before = statements_sent(app).await;
    let response = app.get_as(session, path).await;
    let after = statements_sent(app).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let items = response.json()["items"].as_array().expect("a list").len();
    (after - before, items)
}

async fn neighbourhood_with_crowd(app: &TestApp, people: usize) -> (String, Vec<Session>) {
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &[])
        .await;
    let crowd = app.crowd(&neighbourhood, people);
    (neighbourhood, crowd)
}

async fn request(app: &TestApp, author: &Session, neighbourhood: &str, index: usize) -> String {
    let created = app
        .post_as(
            author,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": format!("Boodschappen {index}"),
                    "body": "Wie helpt?", "category": "help"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn my_matches_cost_the_same_statements_for_two_matches_as_for_fifty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 51).await;
    let requester = &crowd[0];
    let (small, large) = (
        request(&app, requester, &neighbourhood, 0).await,
        request(&app, requester, &neighbourhood, 1).await,
    );
    for (post, helpers) in [(&small, &crowd[1..3]), (&large, &crowd[1..51])] {
        for helper in helpers {
            let offered = app
                .post_as(helper, &format!("/v1/posts/{post}/matches"), &json!({}))
                .await;
            assert_eq!(offered.status, 201, "{}", offered.text());
        }
    }
    let (few, listed) = cost_of(&app, requester, "/v1/me/matches?limit=2").await;
    assert_eq!(listed, 2);
    let (many, listed) = cost_of(&app, requester, "/v1/me/matches?limit=50").await;
    assert_eq!(listed, 50);
    assert_eq!(few, many, "statements for a page of 2 matches and of 50");
    let (few, listed) = cost_of(&app, requester, &format!("/v1/posts/{small}/matches")).await;
    assert_eq!(listed, 2);
    let (many, listed) = cost_of(&app, requester, &format!("/v1/posts/{large}/matches")).await;
    assert_eq!(listed, 50);
    assert_eq!(
        few, many,
        "statements for a request with 2 matches and with 50"
    );
}

#[actix_web::test]
async fn the_case_queue_costs_the_same_statements_for_two_cases_as_for_fifty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 2).await;
    let (requester, mediator) = (&crowd[0], &crowd[1]);
    app.sql(&format!(
        "UPDATE memberships SET role = 'mediator' WHERE user_id = '{}'",
        mediator.user_id
    ));
    let queue = format!("/v1/neighbourhoods/{neighbourhood}/cases");
    let mut costs = Vec::new();
    for index in 0..50 {
        let post = request(&app, requester, &neighbourhood, index).await;
        let escalated = app
            .post_as(requester, &format!("/v1/posts/{post}/escalate"), &json!({}))
            .await;
        assert_eq!(escalated.status, 201, "{}", escalated.text());
        if index == 1 || index == 49 {
            // The queue comes whole: measure it with 2 cases and again with 50.
            costs.push(cost_of(&app, mediator, &queue).await);
        }
    }
    assert_eq!(costs[0].1, 2);
    assert_eq!(costs[1].1, 50);
    assert_eq!(costs[0].0, costs[1].0, "statements for 2 cases and for 50");
}

/// The feed, a single post and one's own posts carry live state (answers, helpers, the
/// reader's own): the same number of statements for a page of 4 posts as for one of 40.
#[actix_web::test]
async fn post_state_costs_the_same_statements_for_four_posts_as_for_forty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 23).await;
    let (author, reader) = (&crowd[0], &crowd[1]);
    for index in 0..20 {
        let post = request(&app, author, &neighbourhood, index).await;
        // A helper has at most 5 live matches: the reader offers on a few, others on the rest.
        let helper = if index.is_multiple_of(4) {
            reader
        } else {
            &crowd[3 + index]
        };
        let offered = app
            .post_as(helper, &format!("/v1/posts/{post}/matches"), &json!({}))
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        let activity = app
            .post_as(
                author,
                &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
                &json!({"kind": "activity", "title": format!("Koffie {index}"), "body": "Kom!",
                        "activity": {"starts_at": "2099-01-01T10:00:00Z",
                                     "ends_at": "2099-01-01T12:00:00Z",
                                     "location": "Buurthuis", "capacity": 1}}),
            )
            .await;
        assert_eq!(activity.status, 201, "{}", activity.text());
        let activity = activity.json()["id"].as_str().unwrap().to_owned();
        for person in [reader, &crowd[2]] {
            let answered = app
                .post_as(person, &format!("/v1/posts/{activity}/rsvp"), &json!({}))
                .await;
            assert_eq!(answered.status, 201, "{}", answered.text());
        }
    }
    let feed = format!("/v1/neighbourhoods/{neighbourhood}/posts");
    let (few, listed) = cost_of(&app, reader, &format!("{feed}?limit=4")).await;
    assert_eq!(listed, 4);
    let (many, listed) = cost_of(&app, reader, &format!("{feed}?limit=40")).await;
    assert_eq!(listed, 40);
    assert_eq!(few, many, "statements for a feed page of 4 and of 40");
    let (few, listed) = cost_of(&app, author, "/v1/me/posts?limit=4").await;
    assert_eq!(listed, 4);
    let (many, listed) = cost_of(&app, author, "/v1/me/posts?limit=40").await;
    assert_eq!(listed, 40);
    assert_eq!(few, many, "statements for 4 and 40 of one's own posts");
    let page = app.get_as(reader, &format!("{feed}?limit=40")).await.json();
    for item in page["items"].as_array().unwrap() {
        match item["kind"].as_str().unwrap() {
            "activity" => {
                assert_eq!(item["activity"]["going_count"], 1);
                assert_eq!(item["activity"]["waitlist_count"], 1);
                assert_eq!(item["activity"]["my_rsvp"], "going");
            }
            _ => {
                let title = item["title"].as_str().unwrap();
                let index: usize = title.rsplit(' ').next().unwrap().parse().unwrap();
                let mine = if index.is_multiple_of(4) {
                    json!("proposed")
                } else {
                    Value::Null
                };
                assert_eq!(item["my_match"]["status"], mine, "{item}");
                assert_eq!(item["helpers_accepted"], 0);
            }
        }
    }
}

// issue 22 (h22stats)
/// A municipality's figures come from the same statements for 2 neighbourhoods as for 20,
/// over a year of weeks.
#[actix_web::test]
async fn municipality_stats_cost_the_same_statements_for_two_neighbourhoods_as_for_twenty() {
    use buurt_domain::neighbourhoods::NeighbourhoodId;
    use buurt_domain::stats::{StatEvent, StatKind};
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut costs = Vec::new();
    for (municipality, count) in [("GM0002", 2), ("GM0003", 20)] {
        let mut facts = Vec::new();
        for index in 0..count {
            let place = app
                .create_neighbourhood_in(
                    &admin,
                    &format!("BU{}{index:04}", &municipality[2..]),
                    &format!("Wijk {index}"),
                    municipality,
                    &[],
                )
                .await;
            for week in 0..52 {
                for kind in [
                    StatKind::RequestOpened,
                    StatKind::Posted,
                    StatKind::Accepted,
                ] {
                    facts.push(StatEvent {
                        kind,
                        neighbourhood_id: NeighbourhoodId(place.parse().unwrap()),
                        subject: uuid::Uuid::new_v4(),
                        actor: Some(buurt_domain::accounts::UserId(uuid::Uuid::new_v4())),
                        seconds: Some(60),
                        at: chrono::Utc::now() - chrono::Duration::weeks(week),
                    });
                }
            }
        }
        let mut conn = app.database.connect();
        buurt_persistence::stats::record_many(&mut conn, &facts).unwrap();
        let path = format!(
            "/v1/municipalities/{municipality}/stats?interval=week&from={}",
            (chrono::Utc::now() - chrono::Duration::weeks(52)).date_naive()
        );
        assert_eq!(app.get_as(&admin, "/v1/me").await.status, 200);
        let before = statements_sent(&app).await;
        let response = app.get_as(&admin, &path).await;
        let after = statements_sent(&app).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let rows = response.json()["rows"].as_array().expect("rows").len();
        assert!(rows >= count * 52, "{rows}");
        costs.push(after - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 2 and for 20 neighbourhoods"
    );
}

/// An offline resident's registration, made unique by `index`.
fn offline_intake(index: usize) -> Value {
    json!({
        "display_name": format!("Mevrouw Jansen {index}"),
        "phone": "030 123 4567",
        "postcode": "3511 ab",
        "languages": ["nl"],
        "consent_method": "phone",
        "consent_given_at": "2026-01-05T10:00:00Z",
    })
}

/// Who reads a list in [`lists`].
#[derive(Debug, Clone, Copy)]
enum Reader {
    Admin,
    Requester,
    Moderator,
    Mediator,
    Reporter,
    /// A partner system's client (scopes `webhooks:manage`, `posts:read`).
    Partner,
}

/// A world with some of everything a list shows, grown `add` by `add`: each list is read once
/// with little in it and again with much more, and must cost the same statements both times.
struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    requester: Session,
    moderator: Session,
    mediator: Session,
    reporter: Session,
    /// Fresh residents, each used for one thing.
    crowd: Vec<Session>,
    /// The request every helper offers on, its match with the first helper, and its case.
    request: String,
    thread: String,
    case: String,
    /// How many of everything were added so far (names and codes stay unique).
    added: usize,
    /// Whom the role-grant record is about: a resident made moderator and back.
    promoted: Session,
    partner: Session,
    webhook: String,
    /// The offline resident whose call list grows.
    offline: String,
    refused: std::cell::RefCell<Vec<String>>,
}

impl World {
    async fn new() -> World {
        let app = spawn_app().await;
        let admin = app.admin().await;
        let neighbourhood = app
            .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &["3511"])
            .await;
        let mut crowd = app.crowd(&neighbourhood, 200);
        let [requester, moderator, mediator, reporter, promoted, helper] =
            std::array::from_fn(|_| crowd.pop().unwrap());
        for (session, role) in [(&moderator, "moderator"), (&mediator, "mediator")] {
            app.sql(&format!(
                "UPDATE memberships SET role = '{role}' WHERE user_id = '{}'",
                session.user_id
            ));
        }
        let request = request(&app, &requester, &neighbourhood, 0).await;
        let offered = app
            .post_as(&helper, &format!("/v1/posts/{request}/matches"), &json!({}))
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        let thread = offered.json()["id"].as_str().unwrap().to_owned();
        let escalated = app
            .post_as(
                &requester,
                &format!("/v1/posts/{request}/escalate"),
                &json!({}),
            )
            .await;
        assert_eq!(escalated.status, 201, "{}", escalated.text());
        let case = escalated.json()["id"].as_str().unwrap().to_owned();
        let client = app
            .post_as(
                &admin,
                "/v1/admin/clients",
                &json!({"name": "Wijkteam", "scopes": ["webhooks:manage", "posts:read"],
                        "municipalities": ["GM0001"]}),
            )
            .await;
        assert_eq!(client.status, 201, "{}", client.text());
        let client = client.json();
        let client_id = client["client_id"].as_str().unwrap();
        let token = app
            .request(actix_web::http::Method::POST, "/v1/auth/token")
            .raw(
                "application/x-www-form-urlencoded",
                format!(
                    "grant_type=client_credentials&client_id={client_id}&client_secret={}",
                    client["client_secret"].as_str().unwrap()
                ),
            )
            .await;
        assert_eq!(token.status, 200, "{}", token.text());
        let partner = Session {
            user_id: String::new(),
            email: String::new(),
            access_token: token.json()["access_token"].as_str().unwrap().to_owned(),
            refresh_token: String::new(),
        };
        let webhook = uuid::Uuid::new_v4().to_string();
        app.sql(&format!(
            "INSERT INTO webhooks (id, client_id, url, secret, kinds, status, consecutive_failures, \
             cursor, created_at, updated_at) VALUES ('{webhook}', '{client_id}', 'https://example.nl/hook', \
             'whsec_plain', '', 'active', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ));
        let offline = app
            .post_as(
                &mediator,
                &format!("/v1/neighbourhoods/{neighbourhood}/offline-residents"),
                &offline_intake(0),
            )
            .await;
        assert_eq!(offline.status, 201, "{}", offline.text());
        let offline = offline.json()["id"].as_str().unwrap().to_owned();
        World {
            app,
            admin,
            neighbourhood,
            requester,
            moderator,
            mediator,
            reporter,
            crowd,
            request,
            thread,
            case,
            added: 0,
            promoted,
            partner,
            webhook,
            offline,
            refused: Default::default(),
        }
    }

    fn session(&self, reader: Reader) -> &Session {
        match reader {
            Reader::Admin => &self.admin,
            Reader::Requester => &self.requester,
            Reader::Moderator => &self.moderator,
            Reader::Mediator => &self.mediator,
            Reader::Reporter => &self.reporter,
            Reader::Partner => &self.partner,
        }
    }

    /// POSTs `body`; what was refused is told at the end, with every other failure.
    async fn created(&self, session: &Session, path: &str, body: Value) {
        let response = self.app.post_as(session, path, &body).await;
        if response.status != 200 && response.status != 201 {
            self.refused
                .borrow_mut()
                .push(format!("POST {path}: {}", response.text()));
        }
    }

    /// Adds `count` more of everything the lists show.
    async fn add(&mut self, count: usize) {
        // At the precision the server keeps (microseconds), as a cursor carries it.
        let now = chrono::Utc::now()
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S%.6f")
            .to_string();
        for _ in 0..count {
            self.added += 1;
            let index = self.added;
            let (app, admin) = (&self.app, &self.admin);
            // Neighbourhoods, and the requester a member of each.
            let elsewhere = app
                .create_neighbourhood_in(
                    admin,
                    &format!("BU{:08}", 100 + index),
                    &format!("Wijk {index}"),
                    "GM0001",
                    &[],
                )
                .await;
            app.sql(&format!(
                "INSERT INTO memberships (id, neighbourhood_id, user_id, role, status, joined_at, updated_at, verification) \
                 VALUES ('{}', '{elsewhere}', '{}', 'resident', 'active', '{now}', '{now}', 'invite')",
                uuid::Uuid::new_v4(),
                self.requester.user_id
            ));
            // A role granted (or taken back): one entry in the grant record.
            let role = if index % 2 == 1 {
                "moderator"
            } else {
                "resident"
            };
            let changed = app
                .put_as(
                    admin,
                    &format!(
                        "/v1/neighbourhoods/{}/members/{}",
                        self.neighbourhood, self.promoted.user_id
                    ),
                    &json!({"role": role}),
                )
                .await;
            assert_eq!(changed.status, 200, "{}", changed.text());
            // An offer the request's suggestions show, older than the request below: a feed page
            // without requests skips their live state (fewer statements, never more), so the
            // first page and every other one down start with a request.
            let offerer = self.crowd.pop().unwrap();
            self.created(
                &offerer,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                json!({"kind": "offer", "title": format!("Ik help graag {index}"),
                       "body": "Boodschappen doen", "category": "help"}),
            )
            .await;
            // A request in the feed, reported, escalated into the case queue.
            let post = request(app, &self.requester, &self.neighbourhood, index).await;
            self.created(
                &self.reporter,
                &format!("/v1/posts/{post}/reports"),
                json!({"reason": "spam"}),
            )
            .await;
            self.created(
                &self.requester,
                &format!("/v1/posts/{post}/escalate"),
                json!({}),
            )
            .await;
            // An offer on the request, a message in its thread, a note on its case.
            let helper = self.crowd.pop().unwrap();
            self.created(
                &helper,
                &format!("/v1/posts/{}/matches", self.request),
                json!({}),
            )
            .await;
            self.created(
                &self.requester,
                &format!("/v1/matches/{}/messages", self.thread),
                json!({"body": format!("Bericht {index}")}),
            )
            .await;
            self.created(
                &self.mediator,
                &format!("/v1/cases/{}/notes", self.case),
                json!({"body": format!("Notitie {index}")}),
            )
            .await;
            // Someone blocked, a device, a partner client and a webhook of the partner's.
            let blocked = self.crowd.pop().unwrap();
            self.created(
                &self.requester,
                &format!("/v1/users/{}/block", blocked.user_id),
                json!({}),
            )
            .await;
            self.created(
                &self.requester,
                "/v1/me/devices",
                json!({"platform": "android",
                       "token": format!("fcm-token-{index:04}:APA91bHun4MxP5egoKMwt2KZFBaFUH")}),
            )
            .await;
            self.created(
                admin,
                "/v1/admin/clients",
                json!({"name": format!("Partner {index}"), "scopes": ["stats:read"],
                       "municipalities": ["GM0001"]}),
            )
            .await;
            app.sql(&format!(
                "INSERT INTO webhooks (id, client_id, url, secret, kinds, status, consecutive_failures, \
                 cursor, created_at, updated_at) SELECT '{}', client_id, 'https://example.nl/hook/{index}', \
                 'whsec_plain', '', 'active', 0, 0, created_at, updated_at FROM webhooks WHERE id = '{}'",
                uuid::Uuid::new_v4(),
                self.webhook
            ));
            // What jobs and moderators write: a notice, a log entry, a signal.
            app.sql(&format!(
                "INSERT INTO notifications (id, user_id, kind, post_id, created_at, read_at, match_id) \
                 VALUES ('{}', '{}', 'post_expired', NULL, '{now}', NULL, NULL)",
                uuid::Uuid::new_v4(),
                self.requester.user_id
            ));
            app.sql(&format!(
                "INSERT INTO moderation_log (id, neighbourhood_id, actor_id, action, target_kind, target_id, reason, created_at) \
                 VALUES ('{}', '{}', '{}', 'warn', 'member', '{}', NULL, '{now}')",
                uuid::Uuid::new_v4(),
                self.neighbourhood,
                self.moderator.user_id,
                blocked.user_id
            ));
            // A consent given or taken back, a decision about the requester, a post held for
            // review, a webhook delivery, an offline resident and a call to the first one.
            self.created(
                &self.requester,
                "/v1/me/consents",
                json!({"kind": "care_data", "given": index % 2 == 1}),
            )
            .await;
            app.sql(&format!(
                "INSERT INTO moderation_decisions (id, neighbourhood_id, target_kind, target_id, member_id, action, reason, decided_by, decided_at) \
                 VALUES ('{}', '{}', 'member', '{user}', '{user}', 'warn', 'Let op je toon', '{}', '{now}')",
                uuid::Uuid::new_v4(),
                self.neighbourhood,
                self.moderator.user_id,
                user = self.requester.user_id
            ));
            app.sql(&format!(
                "INSERT INTO post_reviews (post_id, neighbourhood_id, author_id, held_at) \
                 VALUES ('{post}', '{}', '{}', '{now}')",
                self.neighbourhood, self.requester.user_id
            ));
            app.sql(&format!(
                "INSERT INTO webhook_deliveries (id, webhook_id, event_seq, status, attempts, next_attempt_at, created_at, updated_at) \
                 VALUES ('{}', '{}', {index}, 'delivered', 1, '{now}', '{now}', '{now}')",
                uuid::Uuid::new_v4(),
                self.webhook
            ));
            self.created(
                &self.mediator,
                &format!(
                    "/v1/neighbourhoods/{}/offline-residents",
                    self.neighbourhood
                ),
                offline_intake(index),
            )
            .await;
            app.sql(&format!(
                "INSERT INTO call_list_items (id, neighbourhood_id, resident_id, kind, post_id, match_id, created_at) \
                 VALUES ('{}', '{}', '{}', 'match_proposed', '{}', NULL, '{now}')",
                uuid::Uuid::new_v4(),
                self.neighbourhood,
                self.offline,
                self.request
            ));
            app.sql(&format!(
                "INSERT INTO signals (id, neighbourhood_id, kind, subject, evidence, count, raised_at, updated_at) \
                 VALUES ('{}', '{}', 'unanswered_requests', 'category-{index}', 'evidence-{index}', 3, '{now}', '{now}')",
                uuid::Uuid::new_v4(),
                self.neighbourhood
            ));
        }
    }
}

/// Every list of the API, by its path in the spec, who reads it and where. Lists with a
/// `limit` are also read a page of 1 and of 10 at a time, and those with a cursor deep.
fn lists(w: &World) -> Vec<(&'static str, Reader, String)> {
    let (hood, request, thread, case) = (&w.neighbourhood, &w.request, &w.thread, &w.case);
    vec![
        (
            "/v1/admin/clients",
            Reader::Admin,
            "/v1/admin/clients".into(),
        ),
        (
            "/v1/admin/role-grants",
            Reader::Admin,
            "/v1/admin/role-grants".into(),
        ),
        (
            "/v1/cases/{id}/audit",
            Reader::Admin,
            format!("/v1/cases/{case}/audit"),
        ),
        (
            "/v1/cases/{id}/notes",
            Reader::Mediator,
            format!("/v1/cases/{case}/notes"),
        ),
        (
            "/v1/cases/{id}/timeline",
            Reader::Mediator,
            format!("/v1/cases/{case}/timeline"),
        ),
        ("/v1/events", Reader::Partner, "/v1/events".into()),
        (
            "/v1/matches/{id}/messages",
            Reader::Requester,
            format!("/v1/matches/{thread}/messages"),
        ),
        ("/v1/me/blocks", Reader::Requester, "/v1/me/blocks".into()),
        (
            "/v1/me/consents",
            Reader::Requester,
            "/v1/me/consents".into(),
        ),
        ("/v1/me/devices", Reader::Requester, "/v1/me/devices".into()),
        ("/v1/me/matches", Reader::Requester, "/v1/me/matches".into()),
        (
            "/v1/me/memberships",
            Reader::Requester,
            "/v1/me/memberships".into(),
        ),
        (
            "/v1/me/moderation-decisions",
            Reader::Requester,
            "/v1/me/moderation-decisions".into(),
        ),
        (
            "/v1/me/notifications",
            Reader::Requester,
            "/v1/me/notifications".into(),
        ),
        ("/v1/me/posts", Reader::Requester, "/v1/me/posts".into()),
        ("/v1/me/reports", Reader::Reporter, "/v1/me/reports".into()),
        (
            "/v1/municipalities/{code}/signals",
            Reader::Admin,
            "/v1/municipalities/GM0001/signals".into(),
        ),
        (
            "/v1/neighbourhoods",
            Reader::Requester,
            "/v1/neighbourhoods".into(),
        ),
        (
            "/v1/neighbourhoods/{id}/call-list",
            Reader::Mediator,
            format!("/v1/neighbourhoods/{hood}/call-list"),
        ),
        (
            "/v1/neighbourhoods/{id}/cases",
            Reader::Mediator,
            format!("/v1/neighbourhoods/{hood}/cases"),
        ),
        (
            "/v1/neighbourhoods/{id}/held-posts",
            Reader::Moderator,
            format!("/v1/neighbourhoods/{hood}/held-posts"),
        ),
        (
            "/v1/neighbourhoods/{id}/members",
            Reader::Moderator,
            format!("/v1/neighbourhoods/{hood}/members"),
        ),
        (
            "/v1/neighbourhoods/{id}/moderation-log",
            Reader::Moderator,
            format!("/v1/neighbourhoods/{hood}/moderation-log"),
        ),
        (
            "/v1/neighbourhoods/{id}/offline-residents",
            Reader::Mediator,
            format!("/v1/neighbourhoods/{hood}/offline-residents"),
        ),
        (
            "/v1/neighbourhoods/{id}/posts",
            Reader::Requester,
            format!("/v1/neighbourhoods/{hood}/posts"),
        ),
        (
            "/v1/neighbourhoods/{id}/reports",
            Reader::Moderator,
            format!("/v1/neighbourhoods/{hood}/reports"),
        ),
        (
            "/v1/neighbourhoods/{id}/signals",
            Reader::Mediator,
            format!("/v1/neighbourhoods/{hood}/signals"),
        ),
        (
            "/v1/posts/{id}/matches",
            Reader::Requester,
            format!("/v1/posts/{request}/matches"),
        ),
        (
            "/v1/posts/{id}/suggestions",
            Reader::Requester,
            format!("/v1/posts/{request}/suggestions"),
        ),
        ("/v1/webhooks", Reader::Partner, "/v1/webhooks".into()),
        (
            "/v1/webhooks/{id}/deliveries",
            Reader::Partner,
            format!("/v1/webhooks/{}/deliveries", w.webhook),
        ),
    ]
}

/// The list endpoints of the spec: every GET whose JSON answer has `items`, whether it takes a
/// `limit`, and the parameter that pages on (`cursor`, `after` or `before`, answered by the
/// page's `next_cursor`, `next_after` or `next_before`).
fn spec_lists(spec: &Value) -> Vec<(String, bool, Option<&'static str>)> {
    let schemas = &spec["components"]["schemas"];
    let resolve = |schema: &Value| {
        let mut schema = schema.clone();
        while let Some(reference) = schema["$ref"].as_str() {
            schema = schemas[reference.rsplit('/').next().unwrap()].clone();
        }
        schema
    };
    let mut lists = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        let Some(get) = operations.get("get") else {
            continue;
        };
        let schema = resolve(&get["responses"]["200"]["content"]["application/json"]["schema"]);
        if schema["properties"]["items"].is_null() && schema["type"] != "array" {
            continue;
        }
        let takes = |name: &str| {
            get["parameters"]
                .as_array()
                .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == name))
        };
        let paging = ["cursor", "after", "before"]
            .into_iter()
            .find(|name| takes(name));
        lists.push((path.clone(), takes("limit"), paging));
    }
    lists
}

/// The statements one GET costs, and its answer.
async fn page_cost(app: &TestApp, session: &Session, path: &str) -> Result<(u64, Value), String> {
    // As in `cost_of` (a partner's client has no account: nothing to read ahead).
    app.get_as(session, "/v1/me").await;
    let before = statements_sent(app).await;
    let response = app.get_as(session, path).await;
    let after = statements_sent(app).await;
    if response.status != 200 {
        return Err(format!("GET {path}: {}", response.text()));
    }
    Ok((after - before, response.json()))
}

fn with_query(path: &str, query: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}{query}")
}

/// How many entries a page shows (one's consents come with their history).
fn listed(page: &Value) -> usize {
    let history = page["history"].as_array().map_or(0, Vec::len);
    page["items"].as_array().map_or(0, Vec::len) + history
}

fn check(failures: &mut Vec<String>, holds: bool, what: impl FnOnce() -> String) {
    if !holds {
        failures.push(what());
    }
}

/// Reads one list of a grown world: as many statements as with little data (`few`: its cost
/// and length then), for a page of 1 as for one of 10, and ten pages deep as on the first.
async fn measure(
    w: &World,
    (name, reader, path): &(&'static str, Reader, String),
    (takes_limit, paging): (bool, Option<&'static str>),
    (cost_few, listed_few): (u64, usize),
    failures: &mut Vec<String>,
) -> Result<(), String> {
    let session = w.session(*reader);
    let (cost, page) = page_cost(&w.app, session, path).await?;
    // A list with a `limit` shows a page of its default size either way.
    let grown = if takes_limit { 0 } else { 10 };
    check(failures, listed(&page) >= listed_few + grown, || {
        format!(
            "{name} lists {listed_few}, then {} once more was added",
            listed(&page)
        )
    });
    check(failures, cost == cost_few, || {
        format!(
            "{name}: {cost_few} statements for {listed_few} items, {cost} for {}",
            listed(&page)
        )
    });
    if !takes_limit {
        return Ok(());
    }
    let (one, first) = page_cost(&w.app, session, &with_query(path, "limit=1")).await?;
    let (ten, page) = page_cost(&w.app, session, &with_query(path, "limit=10")).await?;
    check(failures, listed(&first) == 1 && listed(&page) == 10, || {
        format!(
            "{name}: {} and {} items for limit 1 and 10",
            listed(&first),
            listed(&page)
        )
    });
    check(failures, one == ten, || {
        format!("{name}: {one} statements for a page of 1, {ten} for a page of 10")
    });
    let Some(paging) = paging else {
        return Ok(());
    };
    // Ten pages down, a page costs what the first one cost.
    let mut page = first;
    let mut deep = 0;
    for _ in 0..10 {
        let cursor = match &page[format!("next_{paging}")] {
            Value::String(cursor) => cursor.clone(),
            Value::Number(seq) => seq.to_string(),
            _ => return Err(format!("{name}: no next page after {page}")),
        };
        let next = with_query(path, &format!("limit=1&{paging}={cursor}"));
        (deep, page) = page_cost(&w.app, session, &next).await?;
        check(failures, listed(&page) == 1, || {
            format!("{name}: a page of {} deep down", listed(&page))
        });
    }
    check(failures, deep == one, || {
        format!("{name}: {one} statements for the first page, {deep} for the eleventh")
    });
    Ok(())
}

#[actix_web::test]
async fn every_list_costs_the_same_statements_however_long_and_however_deep() {
    let mut w = World::new().await;
    let spec = w.app.get("/openapi.json").await.json();
    let spec_lists = spec_lists(&spec);
    let mut failures = Vec::new();
    w.add(2).await;
    let mut few = Vec::new();
    for (name, reader, path) in lists(&w) {
        match page_cost(&w.app, w.session(reader), &path).await {
            Ok((cost, page)) => {
                check(&mut failures, listed(&page) >= 1, || {
                    format!("{name} lists nothing: {page}")
                });
                few.push((cost, listed(&page)));
            }
            Err(error) => {
                failures.push(error);
                few.push((0, 0));
            }
        }
    }
    w.add(11).await;
    for (list, few) in lists(&w).iter().zip(few) {
        let Some((_, takes_limit, paging)) = spec_lists.iter().find(|(path, ..)| path == list.0)
        else {
            failures.push(format!("{} is no list of the spec", list.0));
            continue;
        };
        if let Err(error) = measure(&w, list, (*takes_limit, *paging), few, &mut failures).await {
            failures.push(error);
        }
    }
    failures.extend(w.refused.take());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A list added to the API is measured above, or this fails: none can skip the count.
#[actix_web::test]
async fn every_list_of_the_spec_is_measured() {
    let w = World::new().await;
    let spec = w.app.get("/openapi.json").await.json();
    let measured: Vec<&str> = lists(&w).iter().map(|(name, ..)| *name).collect();
    let missing: Vec<String> = spec_lists(&spec)
        .into_iter()
        .map(|(path, ..)| path)
        .filter(|path| !measured.contains(&path.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "lists whose statements no test counts: {missing:?}"
    );
    let unknown: Vec<&str> = measured
        .iter()
        .copied()
        .filter(|name| spec_lists(&spec).iter().all(|(path, ..)| path != name))
        .collect();
    assert!(
        unknown.is_empty(),
        "measured lists the spec does not have: {unknown:?}"
    );
}
