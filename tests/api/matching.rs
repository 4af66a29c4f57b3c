use actix_web::http::Method;
use buurt_domain::matching::MAX_ACTIVE_MATCHES;
use buurt_persistence::DbConnection;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use diesel::connection::SimpleConnection;
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    requester: Session,
    helper: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let requester = app
        .member(&admin, &neighbourhood, "vrager@example.nl", "resident")
        .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    for (session, street, phone) in [
        (&requester, "Vragerstraat", "0611111111"),
        (&helper, "Helperlaan", "0622222222"),
    ] {
        let response = app
            .request(Method::PATCH, "/v1/me")
            .bearer(&session.access_token)
            .json(
                &json!({"street": street, "house_number": "1", "phone": phone, "skills": ["help"]}),
            )
            .await;
        assert_eq!(response.status, 200);
    }
    World {
        app,
        admin,
        neighbourhood,
        requester,
        helper,
    }
}

impl World {
    async fn request(&self, helpers_needed: u32, extra: Value) -> String {
        let mut body = json!({"kind": "request", "title": "Boodschappen doen", "body": "Elke dinsdag boodschappen.",
                              "category": "help", "helpers_needed": helpers_needed});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let response = self
            .app
            .post_as(
                &self.requester,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn offer_help(&self, helper: &Session, request: &str) -> TestResponse {
        self.app
            .post_as(
                helper,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik help graag"}),
            )
            .await
    }

    async fn act(&self, session: &Session, id: &str, action: &str) -> TestResponse {
        self.app
            .post_as(session, &format!("/v1/matches/{id}/{action}"), &json!({}))
            .await
    }

    /// Offers help and returns the new match's id.
    async fn offered(&self, helper: &Session, request: &str) -> String {
        let response = self.offer_help(helper, request).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// Takes a step that must succeed; returns the match's new status.
    async fn done(&self, session: &Session, id: &str, action: &str) -> String {
        let response = self.act(session, id, action).await;
        assert_eq!(response.status, 200, "{action}: {}", response.text());
        response.json()["status"].as_str().unwrap().to_owned()
    }

    async fn match_status(&self, id: &str) -> String {
        self.app
            .get_as(&self.requester, &format!("/v1/matches/{id}"))
            .await
            .json()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn edit(&self, post: &str, body: Value) -> TestResponse {
        self.app
            .request(Method::PATCH, &format!("/v1/posts/{post}"))
            .bearer(&self.requester.access_token)
            .json(&body)
            .await
    }

    async fn post(&self, post: &str) -> Value {
        self.app
            .get_as(&self.requester, &format!("/v1/posts/{post}"))
            .await
            .json()
    }

    /// A user's notifications, newest first: (kind, match id).
    async fn inbox(&self, session: &Session) -> Vec<(String, String)> {
        let inbox = self
            .app
            .get_as(session, "/v1/me/notifications?limit=100")
            .await
            .json();
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["kind"].as_str().unwrap().to_owned(),
                    n["match_id"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    async fn status_of(&self, post: &str) -> String {
        self.app
            .get_as(&self.requester, &format!("/v1/posts/{post}"))
            .await
            .json()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

#[actix_web::test]
async fn a_request_is_offered_accepted_discussed_and_completed() {
    let w = world().await;
    let request = w.request(1, json!({})).await;
    let proposed = w.offer_help(&w.helper, &request).await;
    assert_eq!(proposed.status, 201, "{}", proposed.text());
    let m = proposed.json();
    let id = m["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (m["status"].clone(), m["proposed_by"].clone()),
        (json!("proposed"), json!("helper"))
    );
    assert_eq!(
        m["contact"],
        Value::Null,
        "no contact details before acceptance"
    );
    let inbox = w
        .app
        .get_as(&w.requester, "/v1/me/notifications")
        .await
        .json();
    assert_eq!(inbox["items"][0]["kind"], "match_proposed", "{inbox}");
    assert_eq!(inbox["items"][0]["match_id"], json!(id));

    // A third party sees neither the match nor its messages.
    let stranger = w
        .app
        .member(&w.admin, &w.neighbourhood, "vreemd@example.nl", "resident")
        .await;
    w.app
        .get_as(&stranger, &format!("/v1/matches/{id}"))
        .await
        .assert_problem(404, "not_found");
    w.app
        .get_as(&stranger, &format!("/v1/matches/{id}/messages"))
        .await
        .assert_problem(404, "not_found");
    w.app
        .post_as(
            &stranger,
            &format!("/v1/matches/{id}/messages"),
            &json!({"body": "Hoi"}),
        )
        .await
        .assert_problem(404, "not_found");
    w.act(&stranger, &id, "accept")
        .await
        .assert_problem(404, "not_found");
    assert!(
        w.app
            .get_as(&stranger, &format!("/v1/posts/{request}/matches"))
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    w.act(&w.helper, &id, "accept")
        .await
        .assert_problem(403, "not_your_move");
    let accepted = w.act(&w.requester, &id, "accept").await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let contact = &accepted.json()["contact"];
    assert_eq!(contact["email"], "helper@example.nl");
    assert_eq!(contact["phone"], "0622222222");
    assert_eq!(
        (contact["street"].clone(), contact["house_number"].clone()),
        (json!("Helperlaan"), json!("1"))
    );
    let seen_by_helper = w
        .app
        .get_as(&w.helper, &format!("/v1/matches/{id}"))
        .await
        .json();
    assert_eq!(seen_by_helper["contact"]["phone"], "0611111111");
    assert_eq!(w.status_of(&request).await, "matched");
    assert_eq!(
        w.app.get_as(&w.helper, "/v1/me/notifications").await.json()["items"][0]["kind"],
        "match_accepted"
    );
    // Contact details stay inside the match.
    let post = w
        .app
        .get_as(&stranger, &format!("/v1/posts/{request}"))
        .await
        .text();
    assert!(!post.contains("0611111111") && !post.contains("Vragerstraat"));

    for (author, text) in [
        (&w.helper, "Welke supermarkt?"),
        (&w.requester, "De Jumbo, graag"),
    ] {
        let sent = w
            .app
            .post_as(
                author,
                &format!("/v1/matches/{id}/messages"),
                &json!({"body": text}),
            )
            .await;
        assert_eq!(sent.status, 201, "{}", sent.text());
    }
    let thread = w
        .app
        .get_as(&w.requester, &format!("/v1/matches/{id}/messages?limit=1"))
        .await
        .json();
    assert_eq!(thread["items"][0]["body"], "Welke supermarkt?");
    let next = thread["next_cursor"].as_str().unwrap();
    let rest = w
        .app
        .get_as(
            &w.requester,
            &format!("/v1/matches/{id}/messages?limit=1&cursor={next}"),
        )
        .await
        .json();
    assert_eq!(rest["items"][0]["body"], "De Jumbo, graag");
    assert_eq!(rest["items"][0]["author"]["display_name"], "vrager");

    w.act(&w.helper, &id, "complete")
        .await
        .assert_problem(403, "not_your_move");
    // The body of `complete` is optional: `null` and nothing are both fine.
    w.app
        .request(Method::POST, &format!("/v1/matches/{id}/complete"))
        .bearer(&w.helper.access_token)
        .raw("application/json", "null")
        .await
        .assert_problem(403, "not_your_move");
    let completed = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/matches/{id}/complete"),
            &json!({"thanks": "Dank je wel!"}),
        )
        .await;
    assert_eq!(completed.status, 200, "{}", completed.text());
    assert_eq!(
        (
            completed.json()["status"].clone(),
            completed.json()["thanks"].clone()
        ),
        (json!("completed"), json!("Dank je wel!"))
    );
    assert_eq!(w.status_of(&request).await, "fulfilled");
    assert_eq!(
        w.app.get_as(&w.helper, "/v1/me/notifications").await.json()["items"][0]["kind"],
        "match_completed"
    );
    let mine = w.app.get_as(&w.helper, "/v1/me/matches").await.json();
    assert_eq!(mine["items"][0]["id"], json!(id));
}

#[actix_web::test]
async fn every_step_and_who_may_take_it() {
    let w = world().await;
    let request = w.request(1, json!({})).await;
    // An invitation by the author: the invited helper answers.
    let invited = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text());
    let id = invited.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(invited.json()["proposed_by"], "requester");
    w.app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id}),
        )
        .await
        .assert_problem(409, "already_matched");
    w.act(&w.requester, &id, "accept")
        .await
        .assert_problem(403, "not_your_move");
    w.act(&w.requester, &id, "complete")
        .await
        .assert_problem(409, "illegal_transition");
    assert_eq!(
        w.act(&w.helper, &id, "decline").await.json()["status"],
        "declined"
    );
    w.act(&w.helper, &id, "accept")
        .await
        .assert_problem(409, "illegal_transition");
    w.act(&w.requester, &id, "cancel")
        .await
        .assert_problem(409, "illegal_transition");

    // Offered again, accepted, then the help never came: the request opens again.
    let again = w.offer_help(&w.helper, &request).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.act(&w.requester, &again, "accept").await;
    assert_eq!(w.status_of(&request).await, "matched");
    w.act(&w.helper, &again, "no-show")
        .await
        .assert_problem(403, "not_your_move");
    assert_eq!(
        w.act(&w.requester, &again, "no-show").await.json()["status"],
        "no_show"
    );
    assert_eq!(w.status_of(&request).await, "open");
    assert_eq!(
        w.app
            .get_as(&w.helper, &format!("/v1/matches/{again}"))
            .await
            .json()["contact"],
        Value::Null
    );

    // Accepted, then cancelled by the helper: open again too.
    let third = w.offer_help(&w.helper, &request).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.act(&w.requester, &third, "accept").await;
    assert_eq!(
        w.act(&w.helper, &third, "cancel").await.json()["status"],
        "cancelled"
    );
    assert_eq!(w.status_of(&request).await, "open");

    // Not a request; the requester cannot help themselves; outsiders cannot offer.
    let news = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
            &json!({"kind": "news", "title": "x", "body": "y"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.offer_help(&w.helper, &news)
        .await
        .assert_problem(409, "not_a_request");
    w.app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({}),
        )
        .await
        .assert_problem(422, "validation_failed");
    let elsewhere = w
        .app
        .create_neighbourhood(&w.admin, "BU00000009", "Ver weg", &[])
        .await;
    let outsider = w
        .app
        .member(&w.admin, &elsewhere, "ver@example.nl", "resident")
        .await;
    w.offer_help(&outsider, &request)
        .await
        .assert_problem(403, "forbidden");
    // A closed request takes no offers.
    w.app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/close"),
            &json!({}),
        )
        .await;
    let late = w
        .app
        .member(&w.admin, &w.neighbourhood, "laat@example.nl", "resident")
        .await;
    w.offer_help(&late, &request)
        .await
        .assert_problem(409, "request_not_open");
}

#[actix_web::test]
async fn a_busy_helper_cannot_take_more() {
    let w = world().await;
    let mut requests = Vec::new();
    for index in 0..5 {
        let request = w
            .request(1, json!({"title": format!("Vraag {index}")}))
            .await;
        assert_eq!(w.offer_help(&w.helper, &request).await.status, 201);
        requests.push(request);
    }
    let sixth = w.request(1, json!({"title": "Vraag 6"})).await;
    w.offer_help(&w.helper, &sixth)
        .await
        .assert_problem(409, "helper_busy");
    // A request that ended takes up no one's time: its author closing it frees a place.
    let closed = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{}/close", requests[0]),
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(w.offer_help(&w.helper, &sixth).await.status, 201);
    let seventh = w.request(1, json!({"title": "Vraag 7"})).await;
    w.offer_help(&w.helper, &seventh)
        .await
        .assert_problem(409, "helper_busy");
}

async fn race_accepts(helpers_needed: u32) -> (usize, usize, String) {
    let w = world().await;
    let request = w.request(helpers_needed, json!({})).await;
    let helpers = w.app.crowd(&w.neighbourhood, 50);
    let mut ids = Vec::new();
    for helper in &helpers {
        let response = w.offer_help(helper, &request).await;
        assert_eq!(response.status, 201, "{}", response.text());
        ids.push(response.json()["id"].as_str().unwrap().to_owned());
    }
    let w_ref = &w;
    let responses = join_all(
        ids.iter()
            .map(|id| async move { w_ref.act(&w_ref.requester, id, "accept").await }),
    )
    .await;
    let accepted = responses.iter().filter(|r| r.status == 200).count();
    let full = responses
        .iter()
        .filter(|r| r.status == 409 && r.json()["code"] == "request_full")
        .count();
    let status = w.status_of(&request).await;
    (accepted, full, status)
}

#[actix_web::test]
async fn fifty_concurrent_accepts_fill_one_place_once() {
    assert_eq!(race_accepts(1).await, (1, 49, "matched".to_owned()));
}

#[actix_web::test]
async fn fifty_concurrent_accepts_fill_three_places_exactly() {
    assert_eq!(race_accepts(3).await, (3, 47, "matched".to_owned()));
}

#[actix_web::test]
async fn suggestions_rank_as_documented() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbour = app
        .create_neighbourhood(&admin, "BU00000002", "Naast", &[])
        .await;
    let home = {
        let response = app
            .post_as(&admin, "/v1/neighbourhoods", &json!({
                "code": "BU00000001", "name": "Thuis", "municipality_code": "GM0001", "municipality_name": "G",
                "lat": 52.0, "lng": 5.0, "adjacent": ["BU00000002"],
            }))
            .await;
        response.json()["id"].as_str().unwrap().to_owned()
    };
    let requester = app
        .member(&admin, &home, "vrager@example.nl", "resident")
        .await;
    let profile = |skills: Value, bio: &str| json!({"skills": skills, "bio": bio});
    let mut people = Vec::new();
    for (email, place, skills, bio) in [
        (
            "dichtbij@example.nl",
            &home,
            json!(["help"]),
            "Ik doe graag boodschappen",
        ),
        ("naast@example.nl", &neighbour, json!(["help"]), ""),
        (
            "woorden@example.nl",
            &home,
            json!(["goods"]),
            "boodschappen dinsdag",
        ),
        ("belangstelling@example.nl", &home, json!([]), ""),
        ("afgewezen@example.nl", &home, json!(["help"]), ""),
    ] {
        let session = app.member(&admin, place, email, "resident").await;
        app.request(Method::PATCH, "/v1/me")
            .bearer(&session.access_token)
            .json(&profile(skills, bio))
            .await;
        people.push(session);
    }
    let (near, next_door, wordy, interested, declined) =
        (&people[0], &people[1], &people[2], &people[3], &people[4]);
    app.request(Method::PATCH, "/v1/me")
        .bearer(&interested.access_token)
        .json(&json!({"interests": ["help"]}))
        .await;
    let request = app
        .post_as(&requester, &format!("/v1/neighbourhoods/{home}/posts"),
            &json!({"kind": "request", "title": "Boodschappen op dinsdag", "body": "Wie helpt?", "category": "help"}))
        .await
        .json()["id"].as_str().unwrap().to_owned();
    // Someone who declined is not suggested again.
    let invite = app
        .post_as(
            &requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": declined.user_id}),
        )
        .await;
    let invite_id = invite.json()["id"].as_str().unwrap().to_owned();
    app.post_as(
        declined,
        &format!("/v1/matches/{invite_id}/decline"),
        &json!({}),
    )
    .await;

    let suggestions = |session: &Session, lang: &'static str| {
        let request = app
            .request(Method::GET, &format!("/v1/posts/{request}/suggestions"))
            .bearer(&session.access_token)
            .header("accept-language", lang);
        async move { request.send().await }
    };
    let ranked = suggestions(&requester, "en").await;
    assert_eq!(ranked.status, 200, "{}", ranked.text());
    let ranked = ranked.json();
    let order: Vec<&str> = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user"]["id"].as_str().unwrap())
        .collect();
    // Category first, own neighbourhood before the next one; text alone comes last (it is not
    // even a candidate without the skill); the author and who declined are left out.
    assert_eq!(
        order,
        [
            near.user_id.as_str(),
            next_door.user_id.as_str(),
            interested.user_id.as_str()
        ]
    );
    assert!(
        !order.contains(&wordy.user_id.as_str()) && !order.contains(&declined.user_id.as_str())
    );
    let codes: Vec<&str> = ranked["items"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    // The near helper's bio shares "boodschappen" with the request, but a bio is private: it
    // neither shows in a reason nor counts (issue 16).
    assert_eq!(codes, ["same_category", "same_neighbourhood"]);
    assert!(
        ranked["items"][0]["score"].as_f64().unwrap()
            > ranked["items"][1]["score"].as_f64().unwrap()
    );
    let dutch = suggestions(&requester, "nl").await.json();
    assert_eq!(
        dutch["items"][0]["reasons"][1]["text"],
        "Woont in uw buurt."
    );

    // Load lowers rank: with three open matches elsewhere, the near helper drops below.
    for index in 0..3 {
        let other = app
            .post_as(&requester, &format!("/v1/neighbourhoods/{home}/posts"),
                &json!({"kind": "request", "title": format!("Iets anders {index}"), "body": "x", "category": "goods"}))
            .await
            .json()["id"].as_str().unwrap().to_owned();
        app.post_as(near, &format!("/v1/posts/{other}/matches"), &json!({}))
            .await;
    }
    let loaded = suggestions(&requester, "en").await.json();
    let order: Vec<&str> = loaded["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            next_door.user_id.as_str(),
            near.user_id.as_str(),
            interested.user_id.as_str()
        ]
    );
    assert_eq!(
        loaded["items"][1]["reasons"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["code"],
        "busy"
    );

    // Only the author gets suggestions.
    app.get_as(near, &format!("/v1/posts/{request}/suggestions"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn remote_help_ignores_distance_and_offers_are_suggested() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbour = app
        .create_neighbourhood(&admin, "BU00000002", "Naast", &[])
        .await;
    let home = app
        .post_as(&admin, "/v1/neighbourhoods", &json!({
            "code": "BU00000001", "name": "Thuis", "municipality_code": "GM0001", "municipality_name": "G",
            "lat": 52.0, "lng": 5.0, "adjacent": ["BU00000002"],
        }))
        .await
        .json()["id"].as_str().unwrap().to_owned();
    let requester = app
        .member(&admin, &home, "vrager@example.nl", "resident")
        .await;
    let near = app
        .member(&admin, &home, "dichtbij@example.nl", "resident")
        .await;
    let far = app
        .member(&admin, &neighbour, "naast@example.nl", "resident")
        .await;
    for session in [&near, &far] {
        app.post_as(session, &format!("/v1/neighbourhoods/{}/posts", if session.user_id == near.user_id { &home } else { &neighbour }),
            &json!({"kind": "offer", "title": "Telefonisch advies over formulieren", "body": "Bel maar", "category": "knowledge"}))
            .await;
    }
    let request = app
        .post_as(&requester, &format!("/v1/neighbourhoods/{home}/posts"),
            &json!({"kind": "request", "title": "Hulp met formulieren", "body": "Kan telefonisch", "category": "knowledge", "remote_ok": true}))
        .await
        .json()["id"].as_str().unwrap().to_owned();
    let ranked = app
        .get_as(&requester, &format!("/v1/posts/{request}/suggestions"))
        .await
        .json();
    let items = ranked["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|s| s["post"]["title"] == "Telefonisch advies over formulieren")
    );
    let scores: Vec<f64> = items.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(
        (scores[0] - scores[1]).abs() < 0.01,
        "distance does not count: {scores:?}"
    );
    assert!(items.iter().all(|s| {
        s["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "remote_help")
    }));

    // An offer's author gets requests suggested.
    let offer = app
        .get_as(
            &near,
            &format!("/v1/neighbourhoods/{home}/posts?kind=offer"),
        )
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["author"]["id"] == json!(near.user_id))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let for_offer = app
        .get_as(&near, &format!("/v1/posts/{offer}/suggestions"))
        .await
        .json();
    assert_eq!(for_offer["items"][0]["post"]["id"], json!(request));
}

/// The places held on a request, straight from the database: (accepted_slot, slot_limit).
fn held_places(app: &TestApp, request: &str) -> Vec<(i32, i32)> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Integer;
    #[derive(diesel::QueryableByName)]
    struct Place {
        #[diesel(sql_type = Integer)]
        accepted_slot: i32,
        #[diesel(sql_type = Integer)]
        slot_limit: i32,
    }
    let query = format!(
        "SELECT accepted_slot, slot_limit FROM matches \
         WHERE request_id = '{request}' AND accepted_slot IS NOT NULL ORDER BY accepted_slot"
    );
    let rows: Vec<Place> = match &mut app.database.connect() {
        DbConnection::Sqlite(conn) => diesel::sql_query(&query).load(conn),
        DbConnection::Postgresql(conn) => diesel::sql_query(&query).load(conn),
    }
    .expect("read the places");
    rows.into_iter()
        .map(|p| (p.accepted_slot, p.slot_limit))
        .collect()
}

#[actix_web::test]
async fn helpers_offering_on_ten_requests_at_once_get_no_more_than_the_cap() {
    let w = world().await;
    let mut requests = Vec::new();
    for index in 0..10 {
        requests.push(
            w.request(1, json!({"title": format!("Vraag {index}")}))
                .await,
        );
    }
    // Three helpers, each offering on all ten at once: thirty proposals in flight.
    let mut helpers = vec![w.helper.clone()];
    helpers.extend(w.app.crowd(&w.neighbourhood, 2));
    let w_ref = &w;
    let offers = helpers.iter().flat_map(|helper| {
        requests
            .iter()
            .map(move |request| async move { (helper, w_ref.offer_help(helper, request).await) })
    });
    let responses = join_all(offers).await;
    let cap = MAX_ACTIVE_MATCHES as usize;
    for helper in &helpers {
        let theirs: Vec<&TestResponse> = responses
            .iter()
            .filter(|(who, _)| who.user_id == helper.user_id)
            .map(|(_, response)| response)
            .collect();
        let proposed = theirs.iter().filter(|r| r.status == 201).count();
        assert_eq!(
            proposed,
            cap,
            "{:?}",
            theirs.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        for refused in theirs.iter().filter(|r| r.status != 201) {
            refused.assert_problem(409, "helper_busy");
        }
        let mine = w.app.get_as(helper, "/v1/me/matches?limit=50").await.json();
        let live = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["status"] == "proposed")
            .count();
        assert_eq!(live, cap, "the store agrees: {mine}");
    }
}

#[actix_web::test]
async fn helpers_needed_follows_the_accepted_helpers() {
    let w = world().await;
    let request = w.request(3, json!({})).await;
    let crowd = w.app.crowd(&w.neighbourhood, 5);
    let mut ids = Vec::new();
    for helper in &crowd[..4] {
        ids.push(w.offered(helper, &request).await);
    }
    for id in &ids[..3] {
        assert_eq!(w.done(&w.requester, id, "accept").await, "accepted");
    }
    assert_eq!(w.status_of(&request).await, "matched");
    w.act(&w.requester, &ids[3], "accept")
        .await
        .assert_problem(409, "request_full");

    // Fewer than the accepted helpers is refused, and nothing changes (not the title either).
    for needed in [1, 2] {
        w.edit(
            &request,
            json!({"helpers_needed": needed, "title": "Anders"}),
        )
        .await
        .assert_problem(409, "helpers_below_accepted");
    }
    let post = w.post(&request).await;
    assert_eq!(
        (&post["helpers_needed"], &post["status"], &post["title"]),
        (&json!(3), &json!("matched"), &json!("Boodschappen doen"))
    );

    // The first accepted helper drops out: two of three places held, open again.
    assert_eq!(w.done(&w.requester, &ids[0], "cancel").await, "cancelled");
    assert_eq!(w.status_of(&request).await, "open");
    assert_eq!(held_places(&w.app, &request), [(2, 3), (3, 3)]);

    // Exactly the accepted helpers: matched, the places numbered again under the new limit.
    let edited = w.edit(&request, json!({"helpers_needed": 2})).await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(
        (&edited.json()["helpers_needed"], &edited.json()["status"]),
        (&json!(2), &json!("matched"))
    );
    assert_eq!(held_places(&w.app, &request), [(1, 2), (2, 2)]);
    w.act(&w.requester, &ids[3], "accept")
        .await
        .assert_problem(409, "request_full");

    // Raised again: open, and the waiting offer takes the new place.
    let edited = w.edit(&request, json!({"helpers_needed": 3})).await;
    assert_eq!(edited.json()["status"], "open", "{}", edited.text());
    assert_eq!(w.done(&w.requester, &ids[3], "accept").await, "accepted");
    assert_eq!(w.status_of(&request).await, "matched");
    assert_eq!(held_places(&w.app, &request), [(1, 3), (2, 3), (3, 3)]);

    // Raised while matched: open; a new helper offers and is accepted into the fourth place.
    let edited = w.edit(&request, json!({"helpers_needed": 4})).await;
    assert_eq!(edited.json()["status"], "open", "{}", edited.text());
    let fifth = w.offered(&crowd[4], &request).await;
    assert_eq!(w.done(&w.requester, &fifth, "accept").await, "accepted");
    assert_eq!(w.status_of(&request).await, "matched");
    assert_eq!(
        held_places(&w.app, &request),
        [(1, 4), (2, 4), (3, 4), (4, 4)]
    );
    // An unchanged number on a full request keeps it matched.
    let edited = w.edit(&request, json!({"body": "Elke woensdag."})).await;
    assert_eq!(edited.json()["status"], "matched", "{}", edited.text());
}

#[actix_web::test]
async fn the_database_refuses_to_overfill_a_request() {
    let w = world().await;
    let request = w.request(1, json!({})).await;
    let crowd = w.app.crowd(&w.neighbourhood, 3);
    let first = w.offered(&crowd[0], &request).await;
    let second = w.offered(&crowd[1], &request).await;
    assert_eq!(w.done(&w.requester, &first, "accept").await, "accepted");

    // Behind the API's back, straight to the test's database.
    let mut conn = w.app.database.connect();
    let mut refused = |statement: String| {
        conn.batch_execute(&statement)
            .expect_err(&statement)
            .to_string()
            .to_lowercase()
    };
    let take = |slot: u32, limit: u32| {
        format!(
            "UPDATE matches SET status = 'accepted', accepted_slot = {slot}, slot_limit = {limit} \
             WHERE id = '{second}'"
        )
    };
    // The place the first helper holds.
    let error = refused(take(1, 1));
    assert!(error.contains("unique"), "{error}");
    // A place beyond the limit.
    let error = refused(take(2, 1));
    assert!(error.contains("check"), "{error}");
    // Accepted without a place.
    let error = refused(format!(
        "UPDATE matches SET status = 'accepted' WHERE id = '{second}'"
    ));
    assert!(error.contains("check"), "{error}");
    // A new match in the held place.
    let now = chrono::Utc::now().naive_utc();
    let error = refused(format!(
        "INSERT INTO matches (id, request_id, requester_id, helper_id, proposed_by, status, \
         accepted_slot, slot_limit, created_at, updated_at) VALUES ('{}', '{request}', '{}', \
         '{}', 'helper', 'accepted', 1, 1, '{now}', '{now}')",
        uuid::Uuid::new_v4(),
        w.requester.user_id,
        crowd[2].user_id
    ));
    assert!(error.contains("unique"), "{error}");
    assert_eq!(w.match_status(&second).await, "proposed");
    assert_eq!(held_places(&w.app, &request), [(1, 1)]);

    // Once the place is free, the very statement refused above goes through.
    assert_eq!(w.done(&w.requester, &first, "cancel").await, "cancelled");
    conn.batch_execute(&take(1, 1))
        .expect("a free place can be taken");
    assert_eq!(w.match_status(&second).await, "accepted");
}

/// How many notifications each party had, to see who was told of the next step.
struct Inboxes {
    requester: usize,
    helper: usize,
}

impl Inboxes {
    async fn of(w: &World) -> Self {
        Self {
            requester: w.inbox(&w.requester).await.len(),
            helper: w.inbox(&w.helper).await.len(),
        }
    }

    /// Exactly one new notification, of `kind` about match `id`, for `told` (the requester or
    /// the helper of `w`), and none for the other.
    async fn told(&mut self, w: &World, told_requester: bool, kind: &str, id: &str) {
        let requester = w.inbox(&w.requester).await;
        let helper = w.inbox(&w.helper).await;
        let (told, told_before, other, other_before) = if told_requester {
            (&requester, self.requester, &helper, self.helper)
        } else {
            (&helper, self.helper, &requester, self.requester)
        };
        assert_eq!(told.len(), told_before + 1, "{kind}: {told:?}");
        assert_eq!(told[0], (kind.to_owned(), id.to_owned()));
        assert_eq!(
            other.len(),
            other_before,
            "the actor is not told: {other:?}"
        );
        *self = Self {
            requester: requester.len(),
            helper: helper.len(),
        };
    }
}

#[actix_web::test]
async fn the_other_party_is_told_of_every_step() {
    let w = world().await;
    let kinds = [
        "match_proposed",
        "match_accepted",
        "match_declined",
        "match_cancelled",
        "match_completed",
        "match_no_show",
        "match_message",
    ];
    let spec = w.app.get("/openapi.json").await.json();
    let listed = &spec["components"]["schemas"]["NotificationKindDto"]["enum"];
    for kind in kinds {
        assert!(
            listed.as_array().unwrap().contains(&json!(kind)),
            "{kind} in {listed}"
        );
    }
    let request = w.request(1, json!({})).await;
    let (to_requester, to_helper) = (true, false);
    let mut inboxes = Inboxes::of(&w).await;

    // Invited by the requester; the helper declines.
    let invited = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text());
    let id = invited.json()["id"].as_str().unwrap().to_owned();
    inboxes.told(&w, to_helper, "match_proposed", &id).await;
    w.done(&w.helper, &id, "decline").await;
    inboxes.told(&w, to_requester, "match_declined", &id).await;

    // Offered by the helper; the requester declines.
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.requester, &id, "decline").await;
    inboxes.told(&w, to_helper, "match_declined", &id).await;

    // A proposal cancelled by the requester, then one by the helper.
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.requester, &id, "cancel").await;
    inboxes.told(&w, to_helper, "match_cancelled", &id).await;
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.helper, &id, "cancel").await;
    inboxes.told(&w, to_requester, "match_cancelled", &id).await;

    // Accepted, a message each way, then cancelled by the helper.
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.requester, &id, "accept").await;
    inboxes.told(&w, to_helper, "match_accepted", &id).await;
    for (author, told) in [(&w.helper, to_requester), (&w.requester, to_helper)] {
        let sent = w
            .app
            .post_as(
                author,
                &format!("/v1/matches/{id}/messages"),
                &json!({"body": "Hoi"}),
            )
            .await;
        assert_eq!(sent.status, 201, "{}", sent.text());
        inboxes.told(&w, told, "match_message", &id).await;
    }
    w.done(&w.helper, &id, "cancel").await;
    inboxes.told(&w, to_requester, "match_cancelled", &id).await;

    // Accepted, then cancelled by the requester.
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.requester, &id, "accept").await;
    inboxes.told(&w, to_helper, "match_accepted", &id).await;
    w.done(&w.requester, &id, "cancel").await;
    inboxes.told(&w, to_helper, "match_cancelled", &id).await;

    // Accepted, then the help never came.
    let id = w.offered(&w.helper, &request).await;
    inboxes.told(&w, to_requester, "match_proposed", &id).await;
    w.done(&w.requester, &id, "accept").await;
    inboxes.told(&w, to_helper, "match_accepted", &id).await;
    w.done(&w.requester, &id, "no-show").await;
    inboxes.told(&w, to_helper, "match_no_show", &id).await;

    // Accepted by the invited helper, then completed.
    let invited = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id}),
        )
        .await;
    let id = invited.json()["id"].as_str().unwrap().to_owned();
    inboxes.told(&w, to_helper, "match_proposed", &id).await;
    w.done(&w.helper, &id, "accept").await;
    inboxes.told(&w, to_requester, "match_accepted", &id).await;
    w.done(&w.requester, &id, "complete").await;
    inboxes.told(&w, to_helper, "match_completed", &id).await;
}

#[actix_web::test]
async fn more_steps_and_who_may_take_them() {
    let w = world().await;
    let request = w.request(1, json!({})).await;

    // Who proposed cannot decline: they cancel.
    let offered = w.offered(&w.helper, &request).await;
    w.act(&w.helper, &offered, "decline")
        .await
        .assert_problem(403, "not_your_move");
    assert_eq!(w.match_status(&offered).await, "proposed");
    assert_eq!(w.done(&w.helper, &offered, "cancel").await, "cancelled");
    assert_eq!(w.status_of(&request).await, "open");
    let invited = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.act(&w.requester, &invited, "decline")
        .await
        .assert_problem(403, "not_your_move");
    assert_eq!(w.done(&w.requester, &invited, "cancel").await, "cancelled");
    w.act(&w.helper, &invited, "accept")
        .await
        .assert_problem(409, "illegal_transition");

    // The requester cancels an accepted match: the request opens again, contacts close.
    let accepted = w.offered(&w.helper, &request).await;
    w.done(&w.requester, &accepted, "accept").await;
    assert_eq!(w.status_of(&request).await, "matched");
    assert_eq!(w.done(&w.requester, &accepted, "cancel").await, "cancelled");
    assert_eq!(w.status_of(&request).await, "open");
    assert_eq!(
        w.app
            .get_as(&w.helper, &format!("/v1/matches/{accepted}"))
            .await
            .json()["contact"],
        Value::Null
    );

    // A completed match takes no further step, from either party.
    let completed = w.offered(&w.helper, &request).await;
    w.done(&w.requester, &completed, "accept").await;
    assert_eq!(
        w.done(&w.requester, &completed, "complete").await,
        "completed"
    );
    for session in [&w.requester, &w.helper] {
        for action in ["accept", "decline", "cancel", "complete", "no-show"] {
            w.act(session, &completed, action)
                .await
                .assert_problem(409, "illegal_transition");
        }
    }
    assert_eq!(w.match_status(&completed).await, "completed");
    assert_eq!(w.status_of(&request).await, "fulfilled");

    // A closed request accepts no one.
    let closing = w.request(1, json!({"title": "Tweede vraag"})).await;
    let waiting = w.offered(&w.helper, &closing).await;
    let closed = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{closing}/close"),
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    w.act(&w.requester, &waiting, "accept")
        .await
        .assert_problem(409, "request_not_open");
    assert_eq!(w.match_status(&waiting).await, "proposed");
    assert_eq!(w.status_of(&closing).await, "closed");
}

#[actix_web::test]
async fn the_author_is_never_suggested_to_themselves() {
    let w = world().await;
    // The requester has the skill asked for (see `world`), an interest in it too, and an open
    // offer of the same kind of help in words alike.
    let patched = w
        .app
        .request(Method::PATCH, "/v1/me")
        .bearer(&w.requester.access_token)
        .json(&json!({"interests": ["help"], "bio": "Boodschappen op dinsdag"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let posts = format!("/v1/neighbourhoods/{}/posts", w.neighbourhood);
    let own_offer = w
        .app
        .post_as(
            &w.requester,
            &posts,
            &json!({"kind": "offer", "title": "Boodschappen doen",
            "body": "Elke dinsdag boodschappen.", "category": "help"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = w.request(1, json!({})).await;
    let helpers_request = w
        .app
        .post_as(
            &w.helper,
            &posts,
            &json!({"kind": "request", "title": "Boodschappen doen",
            "body": "Wie doet op dinsdag boodschappen?", "category": "help"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let users_and_posts = |ranked: &Value| -> Vec<(String, String)> {
        ranked["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["user"]["id"].as_str().unwrap().to_owned(),
                    s["post"]["id"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    let for_request = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{request}/suggestions"))
        .await;
    assert_eq!(for_request.status, 200, "{}", for_request.text());
    let found = users_and_posts(&for_request.json());
    assert!(
        found.iter().any(|(user, _)| *user == w.helper.user_id),
        "the skilled helper is suggested: {found:?}"
    );
    assert!(
        found
            .iter()
            .all(|(user, post)| *user != w.requester.user_id && *post != own_offer),
        "{found:?}"
    );

    let for_offer = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{own_offer}/suggestions"))
        .await;
    assert_eq!(for_offer.status, 200, "{}", for_offer.text());
    let found = users_and_posts(&for_offer.json());
    assert_eq!(
        found,
        [(w.helper.user_id.clone(), helpers_request.clone())],
        "only the neighbour's request, not the author's own"
    );
}

/// A user's matches as requester and as helper, made in turns, come in one order, each once,
/// whatever the page size.
#[actix_web::test]
async fn my_matches_on_both_sides_page_in_one_order() {
    let w = world().await;
    let crowd = w.app.crowd(&w.neighbourhood, 3);
    let mut made = Vec::new();
    for neighbour in &crowd {
        // The requester asks and a neighbour helps; then the neighbour asks and they help.
        let own = w.request(1, json!({})).await;
        made.push(w.offered(neighbour, &own).await);
        let response = w
            .app
            .post_as(
                neighbour,
                &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
                &json!({"kind": "request", "title": "Ladder lenen", "body": "Voor de dakgoot.",
                        "category": "help", "helpers_needed": 1}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        let theirs = response.json()["id"].as_str().unwrap().to_owned();
        made.push(w.offered(&w.requester, &theirs).await);
    }
    // Newest first, by creation time and then id (the same instant is possible).
    let all = w
        .app
        .get_as(&w.requester, "/v1/me/matches?limit=100")
        .await
        .json();
    let mut expected: Vec<(chrono::DateTime<chrono::Utc>, String)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let at = item["created_at"].as_str().unwrap().parse().unwrap();
            (at, item["id"].as_str().unwrap().to_owned())
        })
        .collect();
    let mut listed: Vec<String> = expected.iter().map(|(_, id)| id.clone()).collect();
    listed.sort();
    made.sort();
    assert_eq!(listed, made, "both sides are listed");
    expected.sort_by(|a, b| b.cmp(a));
    let made: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    for limit in [1, 2, 4, 6] {
        let pages = my_match_pages(&w.app, &w.requester, limit, made.len() + 1).await;
        let seen: Vec<String> = pages
            .iter()
            .flatten()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(seen, made, "limit {limit}: newest first, each once");
    }
}

/// Every page of `who`'s matches (`GET /v1/me/matches`) at `limit`, following `next_cursor`;
/// each page holds at most `limit`, and there are fewer than `max_pages`.
async fn my_match_pages(
    app: &TestApp,
    who: &Session,
    limit: usize,
    max_pages: usize,
) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/me/matches?limit={limit}&cursor={cursor}"),
            None => format!("/v1/me/matches?limit={limit}"),
        };
        let page = app.get_as(who, &path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        let items = page["items"].as_array().unwrap().clone();
        assert!(items.len() <= limit);
        pages.push(items);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return pages,
        }
        assert!(pages.len() < max_pages, "paging ends");
    }
}

#[actix_web::test]
async fn my_matches_page_through_each_once() {
    let w = world().await;
    let request = w.request(1, json!({})).await;
    let crowd = w.app.crowd(&w.neighbourhood, 7);
    let mut ids = Vec::new();
    for helper in &crowd {
        ids.push(w.offered(helper, &request).await);
    }
    let pages = my_match_pages(&w.app, &w.requester, 3, 10).await;
    let mut seen: Vec<String> = Vec::new();
    let mut created: Vec<String> = Vec::new();
    for item in pages.iter().flatten() {
        seen.push(item["id"].as_str().unwrap().to_owned());
        created.push(item["created_at"].as_str().unwrap().to_owned());
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "each match once: {seen:?}");
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        created.iter().map(|at| at.parse().unwrap()).collect();
    assert!(
        parsed.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {created:?}"
    );
    // A helper sees only their own.
    let theirs = w.app.get_as(&crowd[0], "/v1/me/matches").await.json();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["id"], json!(ids[0]));
}

#[actix_web::test]
async fn lowering_helpers_needed_in_mediation_to_the_accepted_ends_the_case() {
    let w = world().await;
    let request = w.request(2, json!({})).await;
    let first = w.offered(&w.helper, &request).await;
    w.done(&w.requester, &first, "accept").await;
    assert_eq!(w.status_of(&request).await, "open");
    let escalated = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/escalate"),
            &json!({"reason": "Nog een helper nodig"}),
        )
        .await;
    assert_eq!(escalated.status, 201, "{}", escalated.text());
    assert_eq!(w.status_of(&request).await, "in_mediation");
    w.edit(&request, json!({"helpers_needed": 0}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(w.status_of(&request).await, "in_mediation");

    // One helper is enough after all: matched online, and the case ends so.
    let edited = w.edit(&request, json!({"helpers_needed": 1})).await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    let post = w.post(&request).await;
    assert_eq!(
        (&post["status"], &post["mediation"]["outcome"]),
        (&json!("matched"), &json!("matched_online")),
        "{post}"
    );
    assert_eq!(held_places(&w.app, &request), [(1, 1)]);
}

async fn block(app: &TestApp, by: &Session, whom: &Session) -> TestResponse {
    let path = format!("/v1/users/{}/block", whom.user_id);
    app.post_as(by, &path, &json!({})).await
}

async fn unblock(app: &TestApp, by: &Session, whom: &Session) -> TestResponse {
    let path = format!("/v1/users/{}/block", whom.user_id);
    app.delete_as(by, &path).await
}

#[actix_web::test]
async fn blocked_people_are_kept_apart_either_way() {
    let w = world().await;
    let request = w.request(1, json!({})).await;
    let suggested = |session: &Session, post: &str| {
        let (app, path) = (&w.app, format!("/v1/posts/{post}/suggestions"));
        let session = session.clone();
        async move {
            let response = app.get_as(&session, &path).await;
            assert_eq!(response.status, 200, "{}", response.text());
            response.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["user"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(
        suggested(&w.requester, &request)
            .await
            .contains(&w.helper.user_id)
    );

    for (blocker, blocked) in [(&w.requester, &w.helper), (&w.helper, &w.requester)] {
        assert_eq!(block(&w.app, blocker, blocked).await.status, 201);
        // Not suggested, whoever blocked whom.
        assert!(
            !suggested(&w.requester, &request)
                .await
                .contains(&w.helper.user_id)
        );
        // No offer of help, and no invitation: who blocked is told so, who was blocked gets
        // the common `forbidden` and does not learn of the block.
        w.offer_help(&w.helper, &request)
            .await
            .assert_problem(403, refusal(&w.helper, blocker));
        w.app
            .post_as(
                &w.requester,
                &format!("/v1/posts/{request}/matches"),
                &json!({"helper_id": w.helper.user_id}),
            )
            .await
            .assert_problem(403, refusal(&w.requester, blocker));
        assert_eq!(unblock(&w.app, blocker, blocked).await.status, 204);
    }

    // Lifted: suggested again, and the offer goes through.
    assert!(
        suggested(&w.requester, &request)
            .await
            .contains(&w.helper.user_id)
    );
    let offered = w.offered(&w.helper, &request).await;
    // A block after the match was made leaves that match be.
    assert_eq!(block(&w.app, &w.requester, &w.helper).await.status, 201);
    assert_eq!(w.done(&w.requester, &offered, "accept").await, "accepted");
    // Someone else is not affected by their block.
    let other = w
        .app
        .member(&w.admin, &w.neighbourhood, "ander@example.nl", "resident")
        .await;
    let second = w.request(1, json!({})).await;
    assert_eq!(w.offer_help(&other, &second).await.status, 201);
}

/// The code a proposal between two people kept apart by a block is refused with: `blocked`
/// for who blocked, the common `forbidden` for who was blocked (the block is not given away).
fn refusal(caller: &Session, blocker: &Session) -> &'static str {
    if caller.user_id == blocker.user_id {
        "blocked"
    } else {
        "forbidden"
    }
}

/// When a proposal's match or a block was stored, from its answer.
fn stored_at(answer: &Value, field: &str) -> chrono::DateTime<chrono::Utc> {
    answer[field]
        .as_str()
        .and_then(|at| at.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {answer}"))
}

/// How a block raced with proposals between the same two people.
struct BlockRace {
    helper: String,
    blocked_at: chrono::DateTime<chrono::Utc>,
    /// When the block's answer arrived.
    block_answered: std::time::Instant,
    /// The matches proposed at the same time that were stored: id, when, and when their 201
    /// arrived.
    proposed: Vec<(String, chrono::DateTime<chrono::Utc>, std::time::Instant)>,
    /// Proposals refused as blocked.
    refused: usize,
}

/// Blocks and proposals between the requester and each of a crowd of helpers, all fired at
/// once: each helper offers help on three requests and is invited to a fourth while one of
/// the two blocks the other; once the block is answered, the helper offers help once more.
async fn race_blocks_and_proposals(w: &World, requests: &[String]) -> Vec<BlockRace> {
    let helpers = w.app.crowd(&w.neighbourhood, 12);
    let rounds = helpers
        .iter()
        .enumerate()
        .map(|(round, helper)| async move {
            let (blocker, blocked) = if round % 2 == 0 {
                (&w.requester, helper)
            } else {
                (helper, &w.requester)
            };
            let blocking = async {
                let answer = block(&w.app, blocker, blocked).await;
                let answered = std::time::Instant::now();
                assert_eq!(answer.status, 201, "{}", answer.text());
                // Sent only once the block is answered: this one is always refused.
                let after = w.offer_help(helper, &requests[4]).await;
                after.assert_problem(403, refusal(helper, blocker));
                (stored_at(&answer.json(), "blocked_at"), answered)
            };
            let proposing = join_all(requests[..4].iter().enumerate().map(|(n, request)| {
                let path = format!("/v1/posts/{request}/matches");
                async move {
                    let answer = if n == 3 {
                        let invite = json!({"helper_id": helper.user_id});
                        w.app.post_as(&w.requester, &path, &invite).await
                    } else {
                        w.offer_help(helper, request).await
                    };
                    (answer, std::time::Instant::now())
                }
            }));
            let ((blocked_at, block_answered), answers) =
                futures_util::future::join(blocking, proposing).await;
            let mut race = BlockRace {
                helper: helper.user_id.clone(),
                blocked_at,
                block_answered,
                proposed: Vec::new(),
                refused: 0,
            };
            for (n, (answer, answered)) in answers.into_iter().enumerate() {
                if answer.status == 201 {
                    let found = answer.json();
                    let id = found["id"].as_str().unwrap().to_owned();
                    race.proposed
                        .push((id, stored_at(&found, "created_at"), answered));
                } else {
                    let caller = if n == 3 { &w.requester } else { helper };
                    answer.assert_problem(403, refusal(caller, blocker));
                    race.refused += 1;
                }
            }
            race
        });
    join_all(rounds).await
}

#[actix_web::test]
async fn a_block_racing_proposals_refuses_every_proposal_after_it() {
    let w = world().await;
    let mut requests = Vec::new();
    for _ in 0..5 {
        requests.push(w.request(1, json!({})).await);
    }
    let races = race_blocks_and_proposals(&w, &requests).await;

    // What is stored: the requester's matches, each with its helper and when it was made.
    let mine = w
        .app
        .get_as(&w.requester, "/v1/me/matches?limit=100")
        .await
        .json();
    let stored: Vec<(String, String, chrono::DateTime<chrono::Utc>)> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let helper = m["helper"]["id"].as_str().unwrap().to_owned();
            assert_eq!(m["status"], "proposed", "{m}");
            (
                m["id"].as_str().unwrap().to_owned(),
                helper,
                stored_at(m, "created_at"),
            )
        })
        .collect();
    for race in &races {
        assert_eq!(race.proposed.len() + race.refused, 4);
        let between: Vec<_> = stored
            .iter()
            .filter(|(_, h, _)| *h == race.helper)
            .collect();
        // Exactly the proposals answered 201 were stored, none of those refused.
        assert_eq!(between.len(), race.proposed.len());
        for (id, _, created_at) in between {
            assert!(race.proposed.iter().any(|(made, ..)| made == id));
            // No proposal between the two was made after the block: each took its turn
            // before the block did, or saw it and was refused.
            assert!(
                *created_at <= race.blocked_at,
                "match {id} made at {created_at}, after the block at {}",
                race.blocked_at
            );
        }
    }
    // And they stay apart: no one proposes anything between them any more.
    for (race, helper) in races.iter().zip(0..) {
        let request = &requests[helper % 5];
        // Even rounds: the requester blocked; odd ones: the helper did.
        let code = if helper % 2 == 0 {
            "blocked"
        } else {
            "forbidden"
        };
        let session = w
            .app
            .get_as(&w.requester, &format!("/v1/posts/{request}/matches"))
            .await;
        assert_eq!(session.status, 200);
        let invite = json!({"helper_id": race.helper});
        w.app
            .post_as(
                &w.requester,
                &format!("/v1/posts/{request}/matches"),
                &invite,
            )
            .await
            .assert_problem(403, code);
    }
}

#[actix_web::test]
async fn a_proposal_answered_after_a_block_never_stays_between_blocked_people() {
    let w = world().await;
    let mut requests = Vec::new();
    for _ in 0..5 {
        requests.push(w.request(1, json!({})).await);
    }
    // Race again and again. A proposal answered 201 after the block was answered is still
    // standing only if it was made before the block (its answer merely travelled slower);
    // one made after the block is never stored.
    let (mut late, mut refused) = (0, 0);
    for _ in 0..3 {
        for race in race_blocks_and_proposals(&w, &requests).await {
            refused += race.refused;
            for (id, created_at, answered) in &race.proposed {
                let found = w
                    .app
                    .get_as(&w.requester, &format!("/v1/matches/{id}"))
                    .await;
                assert_eq!(found.json()["status"], "proposed");
                if *answered > race.block_answered {
                    late += 1;
                    assert!(
                        *created_at <= race.blocked_at,
                        "match {id} proposed at {created_at}, answered after the block (made \
                         at {}), stands between blocked people",
                        race.blocked_at
                    );
                }
            }
        }
    }
    eprintln!("{refused} proposals refused as blocked, {late} answered 201 after the block");
}

/// One suggestion: user id, post id ("" for a resident), reason codes and texts, score.
type Suggested = (String, String, Vec<(String, String)>, f64);

/// The suggestions for `request` as `session` sees them.
async fn suggestions_for(w: &World, session: &Session, request: &str) -> Vec<Suggested> {
    let answer = w
        .app
        .get_as(session, &format!("/v1/posts/{request}/suggestions"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["user"]["id"].as_str().unwrap().to_owned(),
                s["post"]["id"].as_str().unwrap_or_default().to_owned(),
                s["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["code"].as_str().unwrap().to_owned(),
                            r["text"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect(),
                s["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn suggestions_never_name_or_weigh_words_of_a_private_bio() {
    let w = world().await;
    // The helper's bio is theirs to read only; the request uses its words.
    let patched = w
        .app
        .request(Method::PATCH, "/v1/me")
        .bearer(&w.helper.access_token)
        .json(&json!({"bio": "Ik heb diabetes en schulden"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    // Someone with the same skill and no bio at all.
    let plain = w
        .app
        .member(&w.admin, &w.neighbourhood, "gewoon@example.nl", "resident")
        .await;
    let patched = w
        .app
        .request(Method::PATCH, "/v1/me")
        .bearer(&plain.access_token)
        .json(&json!({"skills": ["help"]}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let request = w
        .request(
            1,
            json!({"title": "Hulp bij diabetes", "body": "Wie weet iets van schulden?"}),
        )
        .await;

    let found = suggestions_for(&w, &w.requester, &request).await;
    let of = |user: &str| {
        found
            .iter()
            .find(|(id, post, ..)| id == user && post.is_empty())
            .unwrap_or_else(|| panic!("{user} not suggested: {found:?}"))
            .clone()
    };
    let (_, _, reasons, score) = of(&w.helper.user_id);
    let (_, _, plain_reasons, plain_score) = of(&plain.user_id);
    for (code, text) in &reasons {
        assert_ne!(code, "shared_words", "{reasons:?}");
        let text = text.to_lowercase();
        assert!(
            !text.contains("diabetes") && !text.contains("schulden"),
            "{text}"
        );
    }
    // Nor does the bio count: the two rank alike, for the same reasons.
    assert_eq!(reasons, plain_reasons);
    assert_eq!(score, plain_score);
}

#[actix_web::test]
async fn suggestions_follow_the_authors_membership_as_it_is_now() {
    let w = world().await;
    let posts = format!("/v1/neighbourhoods/{}/posts", w.neighbourhood);
    let offer = |session: Session, visibility: &'static str| {
        let (app, posts) = (&w.app, posts.clone());
        async move {
            let answer = app
                .post_as(
                    &session,
                    &posts,
                    &json!({"kind": "offer", "title": "Boodschappen doen",
                            "body": "Op dinsdag.", "category": "help",
                            "visibility": visibility}),
                )
                .await;
            assert_eq!(answer.status, 201, "{}", answer.text());
            answer.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let members_only = offer(w.helper.clone(), "members").await;
    let other = w
        .app
        .member(&w.admin, &w.neighbourhood, "open@example.nl", "resident")
        .await;
    let public = offer(other, "public").await;
    // A resident with the skill and no offer: suggested as a resident.
    let skilled = w
        .app
        .member(&w.admin, &w.neighbourhood, "vaardig@example.nl", "resident")
        .await;
    let profile = w
        .app
        .request(Method::PATCH, "/v1/me")
        .bearer(&skilled.access_token)
        .json(&json!({"skills": ["help"]}))
        .await;
    assert_eq!(profile.status, 200, "{}", profile.text());
    let request = w.request(1, json!({"visibility": "public"})).await;

    let posts_of = |found: &[Suggested]| {
        found
            .iter()
            .map(|(_, post, ..)| post.clone())
            .collect::<Vec<_>>()
    };
    let member = suggestions_for(&w, &w.requester, &request).await;
    assert!(posts_of(&member).contains(&members_only), "{member:?}");
    assert!(posts_of(&member).contains(&public), "{member:?}");
    // A resident with the skill is suggested to a member; the helper, who has the skill too
    // (see `world`), once: by their offer, the better fit.
    assert!(
        member
            .iter()
            .any(|(user, post, ..)| post.is_empty() && *user == skilled.user_id),
        "{member:?}"
    );
    let helper_entries = member
        .iter()
        .filter(|(user, ..)| *user == w.helper.user_id)
        .count();
    assert_eq!(helper_entries, 1, "{member:?}");

    // The author leaves: their request stays theirs, its suggestions are what a stranger sees.
    let left = w
        .app
        .delete_as(
            &w.requester,
            &format!("/v1/neighbourhoods/{}/membership", w.neighbourhood),
        )
        .await;
    assert_eq!(left.status, 204, "{}", left.text());
    let former = suggestions_for(&w, &w.requester, &request).await;
    assert_eq!(posts_of(&former), [public], "{former:?}");
}
