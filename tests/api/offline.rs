//! Intake on behalf (issue 20, part b): offline residents registered by a mediator, requests
//! filed for them, the requester's match steps taken by the mediator, the call list, and
//! claiming the record with a code.

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    mediator: Session,
    helper: Session,
    resident: Session,
    moderator: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00002001", "Offlinewijk", &["3511"])
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "buur@example.nl", "resident")
        .await;
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    World {
        app,
        admin,
        neighbourhood,
        mediator,
        helper,
        resident,
        moderator,
    }
}

fn intake() -> Value {
    json!({
        "display_name": "Mevrouw Jansen",
        "phone": "030 123 4567",
        "postcode": "3511 ab",
        "languages": ["nl"],
        "consent_method": "phone",
        "consent_given_at": "2026-01-05T10:00:00Z",
    })
}

impl World {
    fn residents_path(&self) -> String {
        format!(
            "/v1/neighbourhoods/{}/offline-residents",
            self.neighbourhood
        )
    }

    async fn register(&self, session: &Session, body: &Value) -> TestResponse {
        self.app
            .post_as(session, &self.residents_path(), body)
            .await
    }

    /// Registers Mevrouw Jansen; returns her id.
    async fn offline_resident(&self) -> String {
        let response = self.register(&self.mediator, &intake()).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn file(&self, session: &Session, body: Value) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await
    }

    async fn filed_request(&self, resident: &str) -> String {
        let response = self
            .file(
                &self.mediator,
                json!({"kind": "request", "title": "Boodschappen doen", "body": "Elke dinsdag.",
                       "category": "help", "on_behalf_of": resident}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn act(&self, session: &Session, id: &str, action: &str) -> TestResponse {
        self.app
            .post_as(session, &format!("/v1/matches/{id}/{action}"), &json!({}))
            .await
    }

    async fn call_list(&self, session: &Session, all: bool) -> TestResponse {
        let query = if all { "?include_done=true" } else { "" };
        self.app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/call-list{query}", self.neighbourhood),
            )
            .await
    }

    async fn claim_code(&self, session: &Session, resident: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("{}/{resident}/claim-code", self.residents_path()),
                &json!({}),
            )
            .await
    }

    async fn patch(&self, session: &Session, resident: &str, body: &Value) -> TestResponse {
        self.app
            .request(
                Method::PATCH,
                &format!("{}/{resident}", self.residents_path()),
            )
            .bearer(&session.access_token)
            .json(body)
            .await
    }

    fn actions(detail: &Value) -> Vec<String> {
        detail["audit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[actix_web::test]
async fn an_offline_residents_request_from_intake_to_completed_match_and_claimed_account() {
    let w = world().await;

    // Intake.
    let registered = w.register(&w.mediator, &intake()).await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let body = registered.json();
    let resident = body["id"].as_str().unwrap().to_owned();
    assert_eq!(body["display_name"], "Mevrouw Jansen");
    assert_eq!(body["postcode"], "3511AB");
    assert_eq!(body["phone"], "030 123 4567");
    assert_eq!(body["postal_address"], Value::Null);
    assert_eq!(body["consent_method"], "phone");
    assert_eq!(body["registered_by"], w.mediator.user_id.as_str());
    let listed = w.app.get_as(&w.mediator, &w.residents_path()).await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert_eq!(listed.json()["items"][0]["id"], resident.as_str());
    // A user that cannot sign in, an active verified member.
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{resident}' AND offline AND password_hash = '!'"
        )),
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE user_id = '{resident}' AND status = 'active' \
             AND verification IS NOT NULL"
        )),
        1
    );
    w.app
        .login(
            &format!("offline-{resident}@offline.invalid"),
            buurt_tests::TEST_PASSWORD,
        )
        .await
        .assert_problem(401, "invalid_credentials");

    // A correction.
    let patched = w
        .patch(
            &w.mediator,
            &resident,
            &json!({"postal_address": "Dorpsstraat 1\n3511 AB Utrecht", "phone": null}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(patched.json()["phone"], Value::Null);
    assert_eq!(
        patched.json()["postal_address"],
        "Dorpsstraat 1\n3511 AB Utrecht"
    );
    assert_eq!(patched.json()["display_name"], "Mevrouw Jansen");

    // The mediator files a request for her: she is its author, the mediator its filer.
    let request = w.filed_request(&resident).await;
    let post = w
        .app
        .get_as(&w.helper, &format!("/v1/posts/{request}"))
        .await;
    assert_eq!(post.status, 200, "{}", post.text());
    assert_eq!(post.json()["author"]["id"], resident.as_str());
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM offline_filings WHERE post_id = '{request}' \
             AND filed_by = '{}'",
            w.mediator.user_id
        )),
        1
    );

    // A neighbour offers help: the update lands on the call list, not in an inbox.
    let offered = w
        .app
        .post_as(
            &w.helper,
            &format!("/v1/posts/{request}/matches"),
            &json!({"message": "Ik doe het graag"}),
        )
        .await;
    assert_eq!(offered.status, 201, "{}", offered.text());
    let id = offered.json()["id"].as_str().unwrap().to_owned();
    let calls = w.call_list(&w.mediator, false).await;
    assert_eq!(calls.status, 200, "{}", calls.text());
    let items = calls.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "match_proposed");
    assert_eq!(items[0]["resident_id"], resident.as_str());
    assert_eq!(items[0]["resident_name"], "Mevrouw Jansen");
    assert_eq!(items[0]["match_id"], id.as_str());
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}'"
        )),
        0
    );

    // The mediator sees the request's matches as the requester does, and takes her steps;
    // other neighbours cannot.
    let matches = w
        .app
        .get_as(&w.mediator, &format!("/v1/posts/{request}/matches"))
        .await;
    assert_eq!(
        matches.json()["items"][0]["id"],
        id.as_str(),
        "{}",
        matches.text()
    );
    w.act(&w.resident, &id, "accept")
        .await
        .assert_problem(404, "not_found");
    w.act(&w.moderator, &id, "accept")
        .await
        .assert_problem(404, "not_found");
    let accepted = w.act(&w.mediator, &id, "accept").await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    assert_eq!(accepted.json()["status"], "accepted");
    assert!(
        w.app
            .notification_kinds(&w.helper)
            .await
            .contains(&"match_accepted".to_owned())
    );
    let seen = w
        .app
        .get_as(&w.mediator, &format!("/v1/matches/{id}"))
        .await;
    assert_eq!(seen.status, 200, "{}", seen.text());
    let completed = w.act(&w.mediator, &id, "complete").await;
    assert_eq!(completed.status, 200, "{}", completed.text());
    assert_eq!(completed.json()["status"], "completed");
    assert_eq!(
        w.app
            .get_as(&w.helper, &format!("/v1/posts/{request}"))
            .await
            .json()["status"],
        "fulfilled"
    );

    // Everything the mediator did is audited.
    let detail = w
        .app
        .get_as(&w.mediator, &format!("{}/{resident}", w.residents_path()))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text());
    let actions = World::actions(&detail.json());
    for expected in [
        "register",
        "update",
        "file_request",
        "match_step:accept",
        "match_step:complete",
        "read",
    ] {
        assert!(
            actions.contains(&expected.to_owned()),
            "{expected} in {actions:?}"
        );
    }

    // The call item is done once; the list then shows it only when asked.
    let item = items[0]["id"].as_str().unwrap();
    let path = format!(
        "/v1/neighbourhoods/{}/call-list/{item}/done",
        w.neighbourhood
    );
    let done = w.app.post_as(&w.mediator, &path, &json!({})).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["done_by"], w.mediator.user_id.as_str());
    let again = w.app.post_as(&w.mediator, &path, &json!({})).await;
    assert_eq!(again.json()["done_at"], done.json()["done_at"]);
    let open = w.call_list(&w.mediator, false).await.json();
    assert!(
        open["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != item),
        "{open}"
    );
    let all = w.call_list(&w.mediator, true).await.json();
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == item)
    );

    // She makes an account and claims her record with the code the mediator gives her.
    let code = w.claim_code(&w.mediator, &resident).await;
    assert_eq!(code.status, 201, "{}", code.text());
    let code = code.json()["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 12);
    let jansen = w.app.register("jansen@example.nl").await;
    let typed = format!("{}-{}", &code[..6], code[6..].to_lowercase());
    let claimed = w
        .app
        .post_as(&jansen, "/v1/me/claim", &json!({"code": typed}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    assert_eq!(claimed.json()["claimed_id"], resident.as_str());
    // Her request, match and membership are hers now; the offline record ended.
    let post = w.app.get_as(&jansen, &format!("/v1/posts/{request}")).await;
    assert_eq!(post.json()["author"]["id"], jansen.user_id.as_str());
    let matched = w.app.get_as(&jansen, &format!("/v1/matches/{id}")).await;
    assert_eq!(matched.status, 200, "{}", matched.text());
    let memberships = w.app.get_as(&jansen, "/v1/me/memberships").await.json();
    assert!(
        memberships["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |m| m["neighbourhood"]["id"] == w.neighbourhood.as_str() && m["status"] == "active"
            ),
        "{memberships}"
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{resident}'"
        )),
        0
    );
    w.app
        .get_as(&w.mediator, &format!("{}/{resident}", w.residents_path()))
        .await
        .assert_problem(404, "not_found");
    // The mediator no longer acts for her: she has an account.
    w.app
        .get_as(&w.mediator, &format!("/v1/matches/{id}"))
        .await
        .assert_problem(404, "not_found");
    // A code works once.
    let other = w.app.register("ander@example.nl").await;
    w.app
        .post_as(&other, "/v1/me/claim", &json!({"code": code}))
        .await
        .assert_problem(400, "claim_code_invalid");
}

#[actix_web::test]
async fn of_two_claims_with_one_code_exactly_one_wins() {
    let w = world().await;
    let resident = w.offline_resident().await;
    w.filed_request(&resident).await;
    let code = w.claim_code(&w.mediator, &resident).await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = w.app.register("een@example.nl").await;
    let second = w.app.register("twee@example.nl").await;
    let body = json!({"code": code});
    let responses = join_all(
        [&first, &second]
            .into_iter()
            .map(|session| w.app.post_as(session, "/v1/me/claim", &body)),
    )
    .await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        vec![200, 400],
        "{:?}",
        responses.iter().map(TestResponse::text).collect::<Vec<_>>()
    );
    // The request went to exactly one of them.
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM posts WHERE author_id IN ('{}', '{}')",
            first.user_id, second.user_id
        )),
        1
    );
}

#[actix_web::test]
async fn only_the_neighbourhoods_mediators_act_for_offline_residents() {
    let w = world().await;
    let resident = w.offline_resident().await;
    let elsewhere = w
        .app
        .create_neighbourhood(&w.admin, "BU00002002", "Elders", &["3512"])
        .await;
    let other_mediator = w
        .app
        .member(&w.admin, &elsewhere, "elders@example.nl", "mediator")
        .await;
    let stranger = w.app.register("vreemde@example.nl").await;
    let detail = format!("{}/{resident}", w.residents_path());
    let calls = format!("/v1/neighbourhoods/{}/call-list", w.neighbourhood);
    for (who, session) in [
        ("resident", &w.resident),
        ("moderator", &w.moderator),
        ("admin", &w.admin),
        ("stranger", &stranger),
        ("mediator elsewhere", &other_mediator),
    ] {
        w.register(session, &intake())
            .await
            .assert_problem(403, "forbidden");
        for path in [&w.residents_path(), &detail, &calls] {
            let response = w.app.get_as(session, path).await;
            assert_eq!(
                response.status,
                403,
                "{who} GET {path}: {}",
                response.text()
            );
        }
        let patched = w
            .patch(session, &resident, &json!({"display_name": "X"}))
            .await;
        assert_eq!(patched.status, 403, "{who}: {}", patched.text());
        let code = w.claim_code(session, &resident).await;
        assert_eq!(code.status, 403, "{who}: {}", code.text());
        let filed = w
            .file(
                session,
                json!({"kind": "request", "title": "Namens", "body": "Iets", "category": "help", "on_behalf_of": resident}),
            )
            .await;
        assert_eq!(filed.status, 403, "{who}: {}", filed.text());
    }
    // Anonymous callers are turned away before anything.
    assert_eq!(w.app.get(&w.residents_path()).await.status, 401);
    // Nothing changed.
    assert_eq!(w.app.count("SELECT COUNT(*) FROM offline_residents"), 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM offline_claim_codes"), 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM offline_filings"), 0);
    let record = w.app.get_as(&w.mediator, &detail).await.json();
    assert_eq!(record["display_name"], "Mevrouw Jansen");
    // A mediator takes no steps for a requester who has an account.
    let own = w
        .file(
            &w.resident,
            json!({"kind": "request", "title": "Ladder", "body": "Even lenen", "category": "goods"}),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.text());
    let request = own.json()["id"].as_str().unwrap().to_owned();
    let offered = w
        .app
        .post_as(
            &w.helper,
            &format!("/v1/posts/{request}/matches"),
            &json!({}),
        )
        .await;
    assert_eq!(offered.status, 201, "{}", offered.text());
    let id = offered.json()["id"].as_str().unwrap().to_owned();
    w.act(&w.mediator, &id, "accept")
        .await
        .assert_problem(404, "not_found");
    // An offline resident of another neighbourhood is not this mediator's.
    let foreign = w
        .app
        .post_as(
            &other_mediator,
            &format!("/v1/neighbourhoods/{elsewhere}/offline-residents"),
            &json!({"display_name": "Meneer Bakker", "phone": "0612345678", "postcode": "3512CD",
                    "consent_method": "in_person", "consent_given_at": "2026-01-05T10:00:00Z"}),
        )
        .await;
    assert_eq!(foreign.status, 201, "{}", foreign.text());
    let foreign = foreign.json()["id"].as_str().unwrap().to_owned();
    let response = w
        .app
        .get_as(&w.mediator, &format!("{}/{foreign}", w.residents_path()))
        .await;
    response.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn bad_intake_and_claims_are_refused_and_change_nothing() {
    let w = world().await;
    let refused = |body: Value| {
        let w = &w;
        async move {
            let response = w.register(&w.mediator, &body).await;
            assert_eq!(response.status, 422, "{body}: {}", response.text());
            response.json()
        }
    };
    let mut unreachable = intake();
    unreachable.as_object_mut().unwrap().remove("phone");
    let problem = refused(unreachable).await;
    assert_eq!(problem["errors"][0]["field"], "phone", "{problem}");
    let mut outside = intake();
    outside["postcode"] = json!("9999ZZ");
    let problem = refused(outside).await;
    assert_eq!(problem["errors"][0]["field"], "postcode", "{problem}");
    let mut future = intake();
    future["consent_given_at"] = json!("2099-01-01T00:00:00Z");
    let problem = refused(future).await;
    assert_eq!(
        problem["errors"][0]["field"], "consent_given_at",
        "{problem}"
    );
    let mut empty_name = intake();
    empty_name["display_name"] = json!("  ");
    refused(empty_name).await;
    let mut bad_phone = intake();
    bad_phone["phone"] = json!("bel me");
    refused(bad_phone).await;
    let mut method = intake();
    method["consent_method"] = json!("email");
    let response = w.register(&w.mediator, &method).await;
    assert!(
        [400, 422].contains(&response.status.as_u16()),
        "{}",
        response.text()
    );
    let mut unknown = intake();
    unknown["email"] = json!("x@example.nl");
    let response = w.register(&w.mediator, &unknown).await;
    assert!(
        [400, 422].contains(&response.status.as_u16()),
        "{}",
        response.text()
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM offline_residents"), 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM users WHERE offline"), 0);

    // A correction that would leave no way to reach her is refused.
    let resident = w.offline_resident().await;
    let response = w
        .patch(&w.mediator, &resident, &json!({"phone": null}))
        .await;
    assert_eq!(response.status, 422, "{}", response.text());
    let response = w
        .patch(&w.mediator, &resident, &json!({"postcode": "9999ZZ"}))
        .await;
    assert_eq!(response.status, 422, "{}", response.text());
    let record = w
        .app
        .get_as(&w.mediator, &format!("{}/{resident}", w.residents_path()))
        .await
        .json();
    assert_eq!(record["phone"], "030 123 4567");
    assert_eq!(record["postcode"], "3511AB");

    // Filing: only requests, only for an offline resident of this neighbourhood.
    let offer = w
        .file(
            &w.mediator,
            json!({"kind": "offer", "title": "Soep", "body": "Over", "on_behalf_of": resident}),
        )
        .await;
    assert_eq!(offer.status, 422, "{}", offer.text());
    assert_eq!(offer.json()["errors"][0]["field"], "on_behalf_of");
    let online = w
        .file(
            &w.mediator,
            json!({"kind": "request", "title": "Namens", "body": "Iets", "category": "help",
                   "on_behalf_of": w.resident.user_id}),
        )
        .await;
    assert_eq!(online.status, 422, "{}", online.text());
    assert_eq!(w.app.count("SELECT COUNT(*) FROM posts"), 0);

    // Claims: an unknown code, an expired code.
    let account = w.app.register("jansen@example.nl").await;
    w.app
        .post_as(&account, "/v1/me/claim", &json!({"code": "ABCDEFGHJKLM"}))
        .await
        .assert_problem(400, "claim_code_invalid");
    let code = w.claim_code(&w.mediator, &resident).await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    w.app
        .sql("UPDATE offline_claim_codes SET expires_at = created_at");
    w.app
        .post_as(&account, "/v1/me/claim", &json!({"code": code}))
        .await
        .assert_problem(400, "claim_code_invalid");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{resident}'"
        )),
        1
    );
    // A new code replaces the old one.
    let first = w.claim_code(&w.mediator, &resident).await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = w.claim_code(&w.mediator, &resident).await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    w.app
        .post_as(&account, "/v1/me/claim", &json!({"code": first}))
        .await
        .assert_problem(400, "claim_code_invalid");
    let claimed = w
        .app
        .post_as(&account, "/v1/me/claim", &json!({"code": second}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
}

// issue 20 (h20rest) ---------------------------------------------------------------------

impl World {
    /// A filed request for `resident` with the helper's offer on it; returns (request, match).
    async fn offered_match(&self, resident: &str) -> (String, String) {
        let request = self.filed_request(resident).await;
        let offered = self
            .app
            .post_as(
                &self.helper,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik doe het graag"}),
            )
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        (request, offered.json()["id"].as_str().unwrap().to_owned())
    }

    async fn send(&self, session: &Session, id: &str, body: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/matches/{id}/messages"),
                &json!({"body": body}),
            )
            .await
    }

    async fn thread(&self, session: &Session, id: &str) -> TestResponse {
        self.app
            .get_as(session, &format!("/v1/matches/{id}/messages"))
            .await
    }

    /// Registers an account and claims `resident`'s record with a fresh code.
    async fn claimed_by(&self, resident: &str, email: &str) -> Session {
        let code = self.claim_code(&self.mediator, resident).await.json()["code"]
            .as_str()
            .unwrap()
            .to_owned();
        let account = self.app.register(email).await;
        let claimed = self
            .app
            .post_as(&account, "/v1/me/claim", &json!({"code": code}))
            .await;
        assert_eq!(claimed.status, 200, "{}", claimed.text());
        account
    }
}

/// The neighbourhood's mediators write and read a match's messages for an offline requester:
/// the message is hers, marked as sent by the mediator, audited; nobody else may, and once
/// she claimed her record, the mediators no longer do.
#[actix_web::test]
async fn mediators_write_and_read_match_messages_for_an_offline_resident() {
    let w = world().await;
    let resident = w.offline_resident().await;
    let (request, id) = w.offered_match(&resident).await;
    // The request has a case: the messages written for her land on its audit log too.
    let escalated = w
        .app
        .post_as(
            &w.mediator,
            &format!("/v1/posts/{request}/escalate"),
            &json!({}),
        )
        .await;
    assert_eq!(escalated.status, 201, "{}", escalated.text());
    let case = escalated.json()["id"].as_str().unwrap().to_owned();

    let sent = w
        .send(
            &w.mediator,
            &id,
            "Mevrouw Jansen zegt: dinsdag om tien uur graag.",
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let sent = sent.json();
    assert_eq!(sent["author"]["id"], resident.as_str());
    assert_eq!(sent["author"]["display_name"], "Mevrouw Jansen");
    assert_eq!(sent["sent_by_mediator"], w.mediator.user_id.as_str());
    // The helper reads it as hers, marked; and answers.
    let thread = w.thread(&w.helper, &id).await;
    assert_eq!(thread.status, 200, "{}", thread.text());
    let first = &thread.json()["items"][0];
    assert_eq!(first["author"]["id"], resident.as_str());
    assert_eq!(first["sent_by_mediator"], w.mediator.user_id.as_str());
    assert_eq!(
        w.send(&w.helper, &id, "Prima, tot dinsdag").await.status,
        201
    );
    // The mediator reads the thread for her: both messages, the helper's unmarked.
    let read = w.thread(&w.mediator, &id).await;
    assert_eq!(read.status, 200, "{}", read.text());
    let items = read.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[1]["author"]["id"], w.helper.user_id.as_str());
    assert_eq!(items[1]["sent_by_mediator"], Value::Null);
    // The helper hears of it as a message from her.
    assert!(
        w.app
            .notification_kinds(&w.helper)
            .await
            .contains(&"match_message".to_owned())
    );
    // Audited: for her, and on the case with the match.
    let detail = w
        .app
        .get_as(&w.mediator, &format!("{}/{resident}", w.residents_path()))
        .await;
    let actions = World::actions(&detail.json());
    assert!(actions.contains(&"match_message".to_owned()), "{actions:?}");
    assert!(actions.contains(&"read_messages".to_owned()), "{actions:?}");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM case_audit WHERE case_id = '{case}' \
             AND action = 'offline:match_message' AND match_id = '{id}' AND actor_id = '{}'",
            w.mediator.user_id
        )),
        1
    );
    let timeline = w
        .app
        .get_as(&w.mediator, &format!("/v1/cases/{case}/timeline"))
        .await;
    assert_eq!(timeline.status, 200, "{}", timeline.text());
    let timeline = timeline.json();
    let on_behalf = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "message_on_behalf")
        .cloned()
        .unwrap_or_else(|| panic!("{timeline}"));
    assert_eq!(on_behalf["match_id"], id.as_str());
    assert_eq!(on_behalf["actor"]["id"], w.mediator.user_id.as_str());

    // Nobody else: a resident, the moderator, another neighbourhood's mediator.
    let elsewhere = w
        .app
        .create_neighbourhood(&w.admin, "BU00002002", "Elders", &["3512"])
        .await;
    let far_mediator = w
        .app
        .member(&w.admin, &elsewhere, "elders@example.nl", "mediator")
        .await;
    let messages = w.app.count("SELECT COUNT(*) FROM match_messages");
    for session in [&w.resident, &w.moderator, &far_mediator] {
        w.send(session, &id, "Hallo")
            .await
            .assert_problem(404, "not_found");
        w.thread(session, &id)
            .await
            .assert_problem(404, "not_found");
    }
    // Bad input changes nothing.
    let empty = w.send(&w.mediator, &id, "   ").await;
    assert_eq!(empty.status, 422, "{}", empty.text());
    assert_eq!(w.app.count("SELECT COUNT(*) FROM match_messages"), messages);

    // Once she claimed her record, she writes herself; the mediator no longer does.
    let jansen = w.claimed_by(&resident, "jansen@example.nl").await;
    w.send(&w.mediator, &id, "Nog iets")
        .await
        .assert_problem(404, "not_found");
    let own = w.thread(&jansen, &id).await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(
        own.json()["items"][0]["author"]["id"],
        jansen.user_id.as_str()
    );
    assert_eq!(
        own.json()["items"][0]["sent_by_mediator"],
        w.mediator.user_id.as_str()
    );
}

/// A column named for a contact detail rather than an account: the claim leaves the
/// account's own as they are (the offline record's go with its user row).
fn contact_detail(column: &str) -> bool {
    matches!(
        column,
        "email" | "phone" | "street" | "house_number" | "postcode" | "recipient" | "token"
    ) || column.ends_with("_email")
        || column.ends_with("_phone")
        || column.contains("address")
}

/// Claiming moves everything keyed by the offline record: a column that points at an account
/// (or sounds personal) and that `buurt_persistence::claims::ON_CLAIM` does not know fails
/// here, and after a claim no column anywhere still names the record.
#[actix_web::test]
async fn claim_moves_everything_keyed_by_the_resident() {
    use buurt_persistence::claims::ON_CLAIM;
    let w = world().await;
    // Every column that points at `users`, or sounds personal, has its line in `ON_CLAIM`.
    let known =
        |table: &str, column: &str| ON_CLAIM.iter().any(|(t, c, _)| *t == table && *c == column);
    let unknown: Vec<String> = crate::privacy::references_to_users(&w.app)
        .into_iter()
        .filter(|(t, c)| !known(t, c))
        .map(|(t, c)| format!("{t}.{c}"))
        .chain(
            crate::privacy::columns(&w.app)
                .into_iter()
                .filter(|(t, c, _)| {
                    crate::privacy::looks_personal(c)
                        && !known(t, c)
                        && !crate::privacy::not_personal(t, c)
                        && !contact_detail(c)
                })
                .map(|(t, c, _)| format!("{t}.{c}")),
        )
        .collect();
    assert!(
        unknown.is_empty(),
        "columns that may name an offline resident, unknown to the claim: {unknown:?}"
    );
    let schema = crate::privacy::columns(&w.app);
    let stale: Vec<String> = ON_CLAIM
        .iter()
        .filter(|(t, c, _)| !schema.iter().any(|(st, sc, _)| st == t && sc == c))
        .map(|(t, c, _)| format!("{t}.{c}"))
        .collect();
    assert!(
        stale.is_empty(),
        "in ON_CLAIM, not in the schema: {stale:?}"
    );

    // Her record with a request, a match, a case, answers to an activity and to a series'
    // occurrence, monitoring facts, a signal and a membership join.
    let resident = w.offline_resident().await;
    let (request, id) = w.offered_match(&resident).await;
    let escalated = w
        .app
        .post_as(
            &w.mediator,
            &format!("/v1/posts/{request}/escalate"),
            &json!({}),
        )
        .await;
    assert!(escalated.status.is_success(), "{}", escalated.text());
    assert_eq!(w.act(&w.mediator, &id, "accept").await.status, 200);
    assert_eq!(w.send(&w.mediator, &id, "Dank u").await.status, 201);
    let activity = w
        .file(
            &w.moderator,
            json!({"kind": "activity", "title": "Koffieochtend", "body": "Elke week.",
                   "activity": {"starts_at": "2030-01-07T09:00:00Z", "ends_at": "2030-01-07T11:00:00Z",
                                "location": "Buurthuis", "capacity": 10},
                   "recurrence": "weekly"}),
        )
        .await;
    assert_eq!(activity.status, 201, "{}", activity.text());
    let activity = activity.json()["id"].as_str().unwrap().to_owned();
    let neighbourhood = &w.neighbourhood;
    for statement in [
        format!(
            "INSERT INTO rsvps (post_id, user_id, status, position, created_at, updated_at) \
             VALUES ('{activity}', '{resident}', 'going', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
        ),
        format!(
            "INSERT INTO occurrence_rsvps (post_id, occurrence, user_id, status, position, created_at, updated_at) \
             VALUES ('{activity}', '2030-01-14', '{resident}', 'going', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
        ),
        format!(
            "INSERT INTO stat_events (key, neighbourhood_id, kind, actor_id, occurred_at, day, week, month) \
             VALUES ('rsvp:{activity}:{resident}', '{neighbourhood}', 'rsvp', '{resident}', '2026-01-01 10:00:00', '2026-01-01', '2025-12-29', '2026-01-01')"
        ),
        format!(
            "INSERT INTO signals (id, neighbourhood_id, kind, subject, evidence, person_id, count, raised_at, updated_at) \
             VALUES ('{}', '{neighbourhood}', 'unanswered_requests', '{resident}', '{request}', '{resident}', 3, '2026-01-01 10:00:00', '2026-01-01 10:00:00')",
            uuid::Uuid::new_v4()
        ),
        format!(
            "INSERT INTO membership_joins (id, user_id, neighbourhood_id, joined_at) \
             VALUES ('{}', '{resident}', '{neighbourhood}', '2026-01-01 10:00:00')",
            uuid::Uuid::new_v4()
        ),
    ] {
        w.app.sql(&statement);
    }
    let jansen = w.claimed_by(&resident, "jansen@example.nl").await;
    let me = &jansen.user_id;

    // Nothing anywhere names the record any more, but the claim's own note of it.
    let left = crate::privacy::traces(&w.app, &[resident.as_str()]);
    assert_eq!(left, vec!["offline_claims.resident_id (1)".to_owned()]);
    for (what, query) in [
        (
            "her request",
            format!("SELECT COUNT(*) FROM posts WHERE id = '{request}' AND author_id = '{me}'"),
        ),
        (
            "her match",
            format!("SELECT COUNT(*) FROM matches WHERE id = '{id}' AND requester_id = '{me}'"),
        ),
        (
            "her case",
            format!(
                "SELECT COUNT(*) FROM cases WHERE request_id = '{request}' AND requester_id = '{me}'"
            ),
        ),
        (
            "the message written for her",
            format!(
                "SELECT COUNT(*) FROM match_messages WHERE match_id = '{id}' AND author_id = '{me}' AND sent_by IS NOT NULL"
            ),
        ),
        (
            "her answer",
            format!("SELECT COUNT(*) FROM rsvps WHERE post_id = '{activity}' AND user_id = '{me}'"),
        ),
        (
            "her occurrence",
            format!(
                "SELECT COUNT(*) FROM occurrence_rsvps WHERE post_id = '{activity}' AND user_id = '{me}'"
            ),
        ),
        (
            "her fact",
            format!(
                "SELECT COUNT(*) FROM stat_events WHERE actor_id = '{me}' AND key = 'rsvp:{activity}:{me}'"
            ),
        ),
        (
            "her signal",
            format!("SELECT COUNT(*) FROM signals WHERE person_id = '{me}' AND subject = '{me}'"),
        ),
        (
            "her join",
            format!("SELECT COUNT(*) FROM membership_joins WHERE user_id = '{me}'"),
        ),
        (
            "the trail about her",
            format!(
                "SELECT COUNT(*) FROM offline_audit WHERE resident_id = '{me}' AND action = 'register'"
            ),
        ),
    ] {
        assert_eq!(w.app.count(&query), 1, "{what}");
    }
    // She sees her answer to the series' occurrence.
    let export = w.app.get_as(&jansen, "/v1/me/export").await;
    assert_eq!(export.status, 200, "{}", export.text());
    assert_eq!(
        export.json()["occurrence_rsvps"][0]["occurrence"],
        "2030-01-14"
    );
}

/// A claimed resident's export holds the intake record: who registered them, when, how their
/// consent was given, and what mediators did for them. Nobody else's export has one.
#[actix_web::test]
async fn the_export_of_a_claimed_resident_holds_the_intake_record() {
    let w = world().await;
    let resident = w.offline_resident().await;
    let request = w.filed_request(&resident).await;
    let jansen = w.claimed_by(&resident, "jansen@example.nl").await;
    let export = w.app.get_as(&jansen, "/v1/me/export").await;
    assert_eq!(export.status, 200, "{}", export.text());
    let export = export.json();
    let intakes = export["offline_intake"].as_array().unwrap();
    assert_eq!(intakes.len(), 1, "{export}");
    let intake = &intakes[0];
    assert_eq!(intake["resident_id"], resident.as_str());
    assert_eq!(intake["neighbourhood_id"], w.neighbourhood.as_str());
    assert_eq!(intake["registered_by"], w.mediator.user_id.as_str());
    assert_eq!(intake["registered_by_name"], "bemiddelaar");
    assert_eq!(intake["consent_method"], "phone");
    let given: chrono::DateTime<chrono::Utc> = intake["consent_given_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(given.to_rfc3339(), "2026-01-05T10:00:00+00:00");
    assert!(intake["registered_at"].is_string() && intake["claimed_at"].is_string());
    let trail: Vec<(&str, Value, Value)> = intake["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor_id"].clone(),
                e["subject_id"].clone(),
            )
        })
        .collect();
    let mediator = json!(w.mediator.user_id);
    assert_eq!(
        trail,
        vec![
            ("register", mediator.clone(), Value::Null),
            ("file_request", mediator.clone(), json!(request)),
            ("issue_claim_code", mediator, Value::Null),
            ("claimed", json!(jansen.user_id), json!(jansen.user_id)),
        ]
    );
    // The contact details written down at intake are not kept.
    assert!(!export.to_string().contains("030 123 4567"));
    // Her request is hers in the export too.
    assert!(
        export["posts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == request.as_str())
    );
    // Anyone else: none.
    let other = w.app.get_as(&w.helper, "/v1/me/export").await.json();
    assert_eq!(other["offline_intake"], json!([]));
    // Erasing her account takes the intake record with it.
    let erased = w
        .app
        .request(Method::DELETE, "/v1/me")
        .bearer(&jansen.access_token)
        .json(&json!({"password": buurt_tests::TEST_PASSWORD}))
        .await;
    assert_eq!(erased.status, 204, "{}", erased.text());
    assert_eq!(w.app.count("SELECT COUNT(*) FROM offline_claims"), 0);
}

/// Retention of intake on behalf and signals (`buurt run-jobs`, on the test clock): expired
/// claim codes go; call-list items done go after the notifications' period, open ones stay;
/// acknowledged signals go after the case notes' period, open ones stay.
#[actix_web::test]
async fn retention_removes_old_call_list_items_codes_and_acknowledged_signals() {
    use chrono::{Duration, Utc};
    let w = world().await;
    let resident = w.offline_resident().await;
    let (_, _) = w.offered_match(&resident).await;
    let (_, _) = w.offered_match(&resident).await;
    let items = w.call_list(&w.mediator, false).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 2, "{items:?}");
    let done = items[0]["id"].as_str().unwrap();
    let open = items[1]["id"].as_str().unwrap();
    let item = |id: &str| {
        w.app.count(&format!(
            "SELECT COUNT(*) FROM call_list_items WHERE id = '{id}'"
        ))
    };
    let marked = w
        .app
        .post_as(
            &w.mediator,
            &format!(
                "/v1/neighbourhoods/{}/call-list/{done}/done",
                w.neighbourhood
            ),
            &json!({}),
        )
        .await;
    assert_eq!(marked.status, 200, "{}", marked.text());
    assert_eq!(w.claim_code(&w.mediator, &resident).await.status, 201);
    let (seen, unseen) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    for (id, acknowledged, note) in [
        (seen, "CURRENT_TIMESTAMP", "'Gebeld'"),
        (unseen, "NULL", "NULL"),
    ] {
        w.app.sql(&format!(
            "INSERT INTO signals (id, neighbourhood_id, kind, subject, evidence, person_id, count, raised_at, updated_at, acknowledged_at, acknowledgement_note) \
             VALUES ('{id}', '{}', 'unanswered_requests', '{resident}', '{}', '{resident}', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, {acknowledged}, {note})",
            w.neighbourhood, uuid::Uuid::new_v4()
        ));
    }
    let signal = |id: uuid::Uuid| {
        w.app
            .count(&format!("SELECT COUNT(*) FROM signals WHERE id = '{id}'"))
    };
    let count = |table: &str| w.app.count(&format!("SELECT COUNT(*) FROM {table}"));
    let config = buurt_api::Config::with_database_url(w.app.database.url());
    let now = Utc::now();
    let run = |at: chrono::DateTime<Utc>| buurt_api::cli::commands::run_jobs(&config, at).unwrap();

    // Tomorrow: nothing of it is old.
    let report = run(now + Duration::days(1));
    assert_eq!(
        (
            report.retention.claim_codes,
            report.retention.call_list_items,
            report.retention.signals
        ),
        (0, 0, 0)
    );
    assert_eq!(count("offline_claim_codes"), 1);
    // Past 30 days: the code expired and goes; the item done this month stays.
    let report = run(now + Duration::days(31));
    assert_eq!(report.retention.claim_codes, 1);
    assert_eq!(report.retention.call_list_items, 0);
    assert_eq!(count("offline_claim_codes"), 0);
    assert_eq!((item(done), item(open)), (1, 1));
    // Seven months on: the item done goes, the open one stays.
    let report = run(now + Duration::days(7 * 31));
    assert_eq!(report.retention.call_list_items, 1);
    assert_eq!((item(done), item(open)), (0, 1));
    assert_eq!((signal(seen), signal(unseen)), (1, 1));
    // Twenty-five months on: the acknowledged signal goes with its audit; the open one stays.
    w.app.sql(&format!(
        "INSERT INTO signal_audit (id, signal_id, actor_id, action, created_at) \
         VALUES ('{}', '{seen}', NULL, 'acknowledge', CURRENT_TIMESTAMP)",
        uuid::Uuid::new_v4()
    ));
    let report = run(now + Duration::days(25 * 31));
    assert_eq!(report.retention.signals, 1);
    assert_eq!((signal(seen), signal(unseen)), (0, 1));
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM signal_audit WHERE signal_id = '{seen}'"
        )),
        0
    );
    // Again: nothing more.
    let report = run(now + Duration::days(25 * 31));
    assert_eq!(
        (
            report.retention.claim_codes,
            report.retention.call_list_items,
            report.retention.signals
        ),
        (0, 0, 0)
    );
}
