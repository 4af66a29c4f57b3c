//! The mediators' workbench (issue 20): suggestions for a request seen by its neighbourhood's
//! mediators and a referred professional, brokered matches from suggestion to completion, and
//! the requester's contact details on the case, for its mediators only.

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use futures_util::future::join_all;
use serde_json::{Value, json};

const REQUESTER_PHONE: &str = "0612340001";
const HELPER_PHONE: &str = "0698760002";

struct World {
    app: TestApp,
    admin: Session,
    home: String,
    requester: Session,
    mediator: Session,
    other_mediator: Session,
    resident: Session,
    /// Lives in the adjacent neighbourhood; skilled in `help`.
    helper: Session,
    /// A mediator of a neighbourhood that is not adjacent.
    far_mediator: Session,
    /// Lives in a neighbourhood that is not adjacent; skilled in `help`.
    far_resident: Session,
    /// A professional of the municipality (nothing referred to them yet).
    professional: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let next_door = app
        .create_neighbourhood(&admin, "BU00000002", "Naast", &[])
        .await;
    let far = app
        .create_neighbourhood(&admin, "BU00000003", "Ver", &[])
        .await;
    let home = app
        .post_as(&admin, "/v1/neighbourhoods", &json!({
            "code": "BU00000001", "name": "Thuis", "municipality_code": "GM0001",
            "municipality_name": "Gemeente", "lat": 52.0, "lng": 5.0, "adjacent": ["BU00000002"],
        }))
        .await;
    assert_eq!(home.status, 201, "{}", home.text());
    let home = home.json()["id"].as_str().unwrap().to_owned();
    let requester = app
        .member(&admin, &home, "vrager@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &home, "bemiddelaar@example.nl", "mediator")
        .await;
    let other_mediator = app
        .member(&admin, &home, "tweede@example.nl", "mediator")
        .await;
    let resident = app
        .member(&admin, &home, "buur@example.nl", "resident")
        .await;
    let helper = app
        .member(&admin, &next_door, "helper@example.nl", "resident")
        .await;
    let far_mediator = app
        .member(&admin, &far, "verre@example.nl", "mediator")
        .await;
    let far_resident = app
        .member(&admin, &far, "verweg@example.nl", "resident")
        .await;
    let professional = app.register("wijkteam@example.nl").await;
    let granted = app
        .post_as(
            &admin,
            "/v1/admin/professionals",
            &json!({"user_id": professional.user_id, "municipality_code": "GM0001"}),
        )
        .await;
    assert_eq!(granted.status, 201, "{}", granted.text());
    for (session, profile) in [
        (&requester, json!({"phone": REQUESTER_PHONE})),
        (
            &helper,
            json!({"phone": HELPER_PHONE, "skills": ["help"], "bio": "Ik heb diabetes"}),
        ),
        (&far_resident, json!({"skills": ["help"]})),
        (&resident, json!({"interests": ["help"]})),
    ] {
        let patched = app
            .request(Method::PATCH, "/v1/me")
            .bearer(&session.access_token)
            .json(&profile)
            .await;
        assert_eq!(patched.status, 200, "{}", patched.text());
    }
    World {
        app,
        admin,
        home,
        requester,
        mediator,
        other_mediator,
        resident,
        helper,
        far_mediator,
        far_resident,
        professional,
    }
}

impl World {
    /// A members-only request for help (a walk), by the requester.
    async fn request(&self) -> String {
        let response = self
            .app
            .post_as(
                &self.requester,
                &format!("/v1/neighbourhoods/{}/posts", self.home),
                &json!({"kind": "request", "title": "Wandelen met rolstoel",
                        "body": "Wie loopt mee? Ik heb diabetes.", "category": "help",
                        "visibility": "members"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn suggestions(&self, session: &Session, request: &str) -> TestResponse {
        self.app
            .get_as(session, &format!("/v1/posts/{request}/suggestions"))
            .await
    }

    async fn broker(&self, session: &Session, request: &str, helper: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/posts/{request}/matches"),
                &json!({"helper_id": helper, "message": "Zou u met mevrouw willen wandelen?"}),
            )
            .await
    }

    async fn act(&self, session: &Session, id: &str, action: &str) -> TestResponse {
        self.app
            .post_as(session, &format!("/v1/matches/{id}/{action}"), &json!({}))
            .await
    }

    async fn post_status(&self, post: &str) -> Value {
        self.app
            .get_as(&self.requester, &format!("/v1/posts/{post}"))
            .await
            .json()["status"]
            .clone()
    }

    /// The ids of the cases of `post`.
    fn cases_of(&self, post: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM cases WHERE request_id = '{post}'"
        ))
    }

    /// The request's open case, from the mediators' queue.
    async fn case_of(&self, post: &str) -> Value {
        let queue = self
            .app
            .get_as(
                &self.mediator,
                &format!("/v1/neighbourhoods/{}/cases", self.home),
            )
            .await;
        assert_eq!(queue.status, 200, "{}", queue.text());
        queue.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|case| case["request_id"] == post)
            .cloned()
            .unwrap_or_else(|| panic!("no open case for {post}"))
    }

    /// The case's audit log (as the administrator): (action, actor) oldest first.
    async fn audit(&self, case: &str) -> Vec<(String, Value)> {
        let audit = self
            .app
            .get_as(&self.admin, &format!("/v1/cases/{case}/audit"))
            .await;
        assert_eq!(audit.status, 200, "{}", audit.text());
        audit.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                (
                    entry["action"].as_str().unwrap().to_owned(),
                    entry["actor_id"].clone(),
                )
            })
            .collect()
    }

    fn audit_count(&self, case: &str, action: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM case_audit WHERE case_id = '{case}' AND action = '{action}'"
        ))
    }

    async fn kinds(&self, session: &Session) -> Vec<String> {
        self.app.notification_kinds(session).await
    }

    /// Escalates the request (by its author) and returns the case's id.
    async fn escalated(&self, post: &str) -> String {
        let case = self
            .app
            .post_as(
                &self.requester,
                &format!("/v1/posts/{post}/escalate"),
                &json!({}),
            )
            .await;
        assert_eq!(case.status, 201, "{}", case.text());
        case.json()["id"].as_str().unwrap().to_owned()
    }

    /// Refers `case` to the professional (with the requester's care-data consent).
    async fn refer(&self, case: &str) {
        let consent = self
            .app
            .post_as(
                &self.requester,
                "/v1/me/consents",
                &json!({"kind": "care_data", "given": true}),
            )
            .await;
        assert!(consent.status.is_success(), "{}", consent.text());
        let referred = self
            .app
            .post_as(
                &self.mediator,
                &format!("/v1/cases/{case}/referrals"),
                &json!({"professional_id": self.professional.user_id}),
            )
            .await;
        assert_eq!(referred.status, 201, "{}", referred.text());
    }
}

/// The user ids suggested in an answer.
fn suggested(answer: &TestResponse) -> Vec<String> {
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["user"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_brokered_match_from_suggestion_to_completion_is_audited_at_every_step() {
    let w = world().await;
    let request = w.request().await;

    // The mediator finds the neighbour next door among the suggestions; far away is nobody,
    // and no private bio word counts.
    let answer = w.suggestions(&w.mediator, &request).await;
    let found = suggested(&answer);
    assert!(found.contains(&w.helper.user_id), "{found:?}");
    assert!(!found.contains(&w.far_resident.user_id), "{found:?}");
    assert!(!found.contains(&w.requester.user_id), "{found:?}");
    let helper_suggestion = answer.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user"]["id"] == w.helper.user_id.as_str())
        .cloned()
        .unwrap();
    let codes: Vec<&str> = helper_suggestion["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"adjacent_neighbourhood"), "{codes:?}");
    assert!(codes.contains(&"same_category"), "{codes:?}");
    assert!(
        !codes.contains(&"shared_words"),
        "the bio is private: {codes:?}"
    );
    assert!(!helper_suggestion.to_string().contains("diabetes"));
    // No case yet: nothing to audit the read on, and reading opened none.
    assert_eq!(w.cases_of(&request), 0);

    // The mediator proposes the helper: the request goes into mediation under a new case.
    let proposed = w.broker(&w.mediator, &request, &w.helper.user_id).await;
    assert_eq!(proposed.status, 201, "{}", proposed.text());
    let proposed = proposed.json();
    let id = proposed["id"].as_str().unwrap().to_owned();
    assert_eq!(proposed["status"], "proposed");
    assert_eq!(proposed["proposed_by"], "requester");
    assert_eq!(proposed["helper"]["id"], w.helper.user_id.as_str());
    assert_eq!(proposed["requester"]["id"], w.requester.user_id.as_str());
    assert_eq!(
        proposed["brokered"]["mediator"]["id"],
        w.mediator.user_id.as_str()
    );
    assert_eq!(proposed["brokered"]["helper_accepted_at"], Value::Null);
    assert_eq!(proposed["contact"], Value::Null);
    assert_eq!(w.post_status(&request).await, "in_mediation");
    let case = w.case_of(&request).await;
    assert_eq!(case["escalated_by"], "mediator");
    let case = case["id"].as_str().unwrap().to_owned();
    assert!(
        w.kinds(&w.helper)
            .await
            .contains(&"match_proposed".to_owned())
    );
    // With a case, the workbench's reads are audited on it.
    suggested(&w.suggestions(&w.other_mediator, &request).await);
    assert_eq!(w.audit_count(&case, "read_suggestions"), 1);

    // The requester's step comes after the helper's; the mediator takes neither.
    w.act(&w.requester, &id, "accept")
        .await
        .assert_problem(403, "not_your_move");
    w.act(&w.mediator, &id, "accept")
        .await
        .assert_problem(403, "forbidden");
    w.act(&w.mediator, &id, "decline")
        .await
        .assert_problem(403, "forbidden");
    let seen = w
        .app
        .get_as(&w.helper, &format!("/v1/matches/{id}"))
        .await
        .json();
    assert_eq!(seen["contact"], Value::Null);
    assert_eq!(
        seen["brokered"]["mediator"]["id"],
        w.mediator.user_id.as_str()
    );

    // The helper agrees: still proposed, now the requester's move; no contact details yet.
    let agreed = w.act(&w.helper, &id, "accept").await;
    assert_eq!(agreed.status, 200, "{}", agreed.text());
    let agreed = agreed.json();
    assert_eq!(agreed["status"], "proposed");
    assert!(
        agreed["brokered"]["helper_accepted_at"].is_string(),
        "{agreed}"
    );
    assert_eq!(agreed["contact"], Value::Null);
    w.act(&w.helper, &id, "accept")
        .await
        .assert_problem(403, "not_your_move");
    w.act(&w.helper, &id, "decline")
        .await
        .assert_problem(403, "not_your_move");
    assert!(
        w.kinds(&w.requester)
            .await
            .contains(&"match_proposed".to_owned())
    );
    let for_requester = w
        .app
        .get_as(&w.requester, &format!("/v1/matches/{id}"))
        .await
        .json();
    assert_eq!(for_requester["contact"], Value::Null);
    assert_eq!(w.post_status(&request).await, "in_mediation");

    // The requester accepts: matched, contact details shared, the case ends matched online.
    let accepted = w.act(&w.requester, &id, "accept").await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let accepted = accepted.json();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["contact"]["phone"], HELPER_PHONE);
    let for_helper = w
        .app
        .get_as(&w.helper, &format!("/v1/matches/{id}"))
        .await
        .json();
    assert_eq!(for_helper["contact"]["phone"], REQUESTER_PHONE);
    assert!(
        w.kinds(&w.helper)
            .await
            .contains(&"match_accepted".to_owned())
    );
    assert_eq!(w.post_status(&request).await, "matched");
    let resolved = w
        .app
        .get_as(&w.mediator, &format!("/v1/cases/{case}"))
        .await
        .json();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["outcome"], "matched_online");
    // The mediators still see the match, never anyone's contact details.
    let for_mediator = w
        .app
        .get_as(&w.other_mediator, &format!("/v1/matches/{id}"))
        .await;
    assert_eq!(for_mediator.status, 200, "{}", for_mediator.text());
    assert_eq!(for_mediator.json()["status"], "accepted");
    assert_eq!(for_mediator.json()["contact"], Value::Null);
    let listed = w
        .app
        .get_as(&w.mediator, &format!("/v1/posts/{request}/matches"))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["contact"], Value::Null);
    let for_resident = w
        .app
        .get_as(&w.resident, &format!("/v1/posts/{request}/matches"))
        .await;
    assert_eq!(
        for_resident.json()["items"],
        json!([]),
        "{}",
        for_resident.text()
    );
    for outsider in [&w.resident, &w.far_mediator, &w.professional] {
        w.app
            .get_as(outsider, &format!("/v1/matches/{id}"))
            .await
            .assert_problem(404, "not_found");
    }

    // Completed with thanks: fulfilled.
    let completed = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/matches/{id}/complete"),
            &json!({"thanks": "Heerlijk gewandeld!"}),
        )
        .await;
    assert_eq!(completed.status, 200, "{}", completed.text());
    assert_eq!(completed.json()["status"], "completed");
    assert_eq!(w.post_status(&request).await, "fulfilled");

    // Every step is on the case's audit log, by whom it was taken.
    let audit = w.audit(&case).await;
    let by = |action: &str| -> Vec<Value> {
        audit
            .iter()
            .filter(|(a, _)| a == action)
            .map(|(_, actor)| actor.clone())
            .collect()
    };
    let mediator = json!(w.mediator.user_id);
    assert_eq!(by("escalate:mediator"), std::slice::from_ref(&mediator));
    assert_eq!(by("broker_propose"), [mediator]);
    assert_eq!(by("read_suggestions"), [json!(w.other_mediator.user_id)]);
    assert_eq!(by("broker_helper_accept"), [json!(w.helper.user_id)]);
    assert_eq!(by("broker_accept"), [json!(w.requester.user_id)]);
    assert_eq!(by("resolve:matched_online"), [Value::Null]);
    assert_eq!(by("broker_complete"), [json!(w.requester.user_id)]);
    // In the order they happened (steps at one moment may share a timestamp).
    let position = |action: &str| audit.iter().position(|(a, _)| a == action).unwrap();
    assert!(position("broker_propose") < position("broker_helper_accept"));
    assert!(position("broker_helper_accept") < position("broker_accept"));
    assert!(position("broker_accept") < position("broker_complete"));
    // Refusals left no trace.
    assert_eq!(
        audit
            .iter()
            .filter(|(a, _)| a.starts_with("broker_"))
            .count(),
        4,
        "{audit:?}"
    );
}

#[actix_web::test]
async fn a_brokered_match_declined_or_cancelled_is_audited_and_a_case_is_reused() {
    let w = world().await;
    let request = w.request().await;
    // The requester escalated first: the brokered match joins that case.
    let case = w.escalated(&request).await;
    let first = w.broker(&w.mediator, &request, &w.helper.user_id).await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(w.cases_of(&request), 1);
    let first = first.json()["id"].as_str().unwrap().to_owned();
    // The helper says no.
    assert_eq!(
        w.act(&w.helper, &first, "decline").await.json()["status"],
        "declined"
    );
    // Brokered again (another helper), agreed, then declined by the requester.
    let second = w
        .broker(&w.other_mediator, &request, &w.resident.user_id)
        .await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        w.act(&w.resident, &second, "accept").await.json()["status"],
        "proposed"
    );
    assert_eq!(
        w.act(&w.requester, &second, "decline").await.json()["status"],
        "declined"
    );
    // And the helper again (declined before, but a mediator may ask again), who cancels
    // after agreeing.
    let third = w.broker(&w.mediator, &request, &w.helper.user_id).await;
    assert_eq!(third.status, 201, "{}", third.text());
    let third = third.json()["id"].as_str().unwrap().to_owned();
    w.act(&w.helper, &third, "accept").await;
    assert_eq!(
        w.act(&w.helper, &third, "cancel").await.json()["status"],
        "cancelled"
    );
    assert_eq!(w.cases_of(&request), 1);
    assert_eq!(w.post_status(&request).await, "in_mediation");
    assert_eq!(w.audit_count(&case, "broker_propose"), 3);
    assert_eq!(w.audit_count(&case, "broker_decline"), 2);
    assert_eq!(w.audit_count(&case, "broker_helper_accept"), 2);
    assert_eq!(w.audit_count(&case, "broker_cancel"), 1);
    assert_eq!(w.audit_count(&case, "broker_accept"), 0);
}

#[actix_web::test]
async fn the_workbench_for_every_role() {
    let w = world().await;
    let request = w.request().await;
    // Suggestions: the author and the neighbourhood's mediators; not other members, the helper
    // next door, a mediator elsewhere, the administrator; a professional sees nothing of a
    // members-only request until its case is referred to them.
    for (who, session, status) in [
        ("author", &w.requester, 200),
        ("mediator", &w.mediator, 200),
        ("another mediator here", &w.other_mediator, 200),
        ("resident", &w.resident, 403),
        ("helper next door", &w.helper, 404),
        ("mediator elsewhere", &w.far_mediator, 404),
        ("administrator", &w.admin, 403),
        ("professional", &w.professional, 404),
    ] {
        let answer = w.suggestions(session, &request).await;
        assert_eq!(answer.status, status, "{who}: {}", answer.text());
    }
    let case = w.escalated(&request).await;
    w.suggestions(&w.professional, &request)
        .await
        .assert_problem(404, "not_found");
    w.refer(&case).await;
    let referred = w.suggestions(&w.professional, &request).await;
    assert!(suggested(&referred).contains(&w.helper.user_id));
    assert_eq!(w.audit_count(&case, "read_suggestions"), 1);

    // Brokering: the neighbourhood's mediators only.
    for (who, session, status, code) in [
        ("resident", &w.resident, 403, "forbidden"),
        ("administrator", &w.admin, 403, "forbidden"),
        ("mediator elsewhere", &w.far_mediator, 404, "not_found"),
        ("professional, referred", &w.professional, 404, "not_found"),
        ("helper next door", &w.helper, 404, "not_found"),
    ] {
        let answer = w.broker(session, &request, &w.far_resident.user_id).await;
        assert_eq!(answer.status, status, "{who}: {}", answer.text());
        answer.assert_problem(status, code);
    }
    // A public request: outsiders who read it still may not broker.
    let public = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/neighbourhoods/{}/posts", w.home),
            &json!({"kind": "request", "title": "Tuin", "body": "Wie helpt?", "category": "help"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for session in [&w.far_mediator, &w.helper, &w.resident] {
        w.broker(session, &public, &w.other_mediator.user_id)
            .await
            .assert_problem(403, "forbidden");
        w.suggestions(session, &public)
            .await
            .assert_problem(403, "forbidden");
    }
    // Nothing was proposed, and no case opened for the public request.
    assert_eq!(w.app.count("SELECT COUNT(*) FROM matches"), 0);
    assert_eq!(w.cases_of(&public), 0);
    // Offering one's own help stays what it was, for a mediator too.
    let own = w
        .app
        .post_as(
            &w.mediator,
            &format!("/v1/posts/{public}/matches"),
            &json!({"helper_id": w.mediator.user_id}),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.text());
    assert_eq!(own.json()["brokered"], Value::Null);
    assert_eq!(own.json()["proposed_by"], "helper");
    assert_eq!(w.cases_of(&public), 0);
}

#[actix_web::test]
async fn brokering_bad_input_changes_nothing() {
    let w = world().await;
    let request = w.request().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    w.broker(&w.mediator, &request, &unknown)
        .await
        .assert_problem(422, "validation_failed");
    w.broker(&w.mediator, &request, &w.requester.user_id)
        .await
        .assert_problem(422, "validation_failed");
    w.broker(&w.mediator, &request, "not-a-uuid")
        .await
        .assert_problem(422, "validation_failed");
    // Someone from a neighbourhood that is not adjacent.
    w.broker(&w.mediator, &request, &w.far_resident.user_id)
        .await
        .assert_problem(403, "forbidden");
    // An offer that is not the helper's.
    let offer = w
        .app
        .post_as(
            &w.resident,
            &format!("/v1/neighbourhoods/{}/posts", w.home),
            &json!({"kind": "offer", "title": "Ik wandel graag", "body": "Elke dag.", "category": "help"}),
        )
        .await;
    assert_eq!(offer.status, 201, "{}", offer.text());
    let offer = offer.json()["id"].as_str().unwrap().to_owned();
    w.app
        .post_as(
            &w.mediator,
            &format!("/v1/posts/{request}/matches"),
            &json!({"helper_id": w.helper.user_id, "offer_id": offer}),
        )
        .await
        .assert_problem(422, "validation_failed");
    // Not a request.
    w.broker(&w.mediator, &offer, &w.helper.user_id)
        .await
        .assert_problem(409, "not_a_request");
    w.suggestions(&w.mediator, &offer)
        .await
        .assert_problem(403, "forbidden");
    // Nothing changed: no match, no case, the request still open.
    assert_eq!(w.app.count("SELECT COUNT(*) FROM matches"), 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM brokered_matches"), 0);
    assert_eq!(w.cases_of(&request), 0);
    assert_eq!(w.post_status(&request).await, "open");
    // A closed request takes no brokered match either.
    let closed = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/posts/{request}/close"),
            &json!({}),
        )
        .await;
    assert!(closed.status.is_success(), "{}", closed.text());
    w.broker(&w.mediator, &request, &w.helper.user_id)
        .await
        .assert_problem(409, "request_not_open");
    assert_eq!(w.cases_of(&request), 0);
}

#[actix_web::test]
async fn the_case_shows_the_requester_to_its_mediators_only_and_each_read_is_audited() {
    let w = world().await;
    let request = w.request().await;
    let case = w.escalated(&request).await;
    let path = format!("/v1/cases/{case}");
    for round in 1..=2 {
        let seen = w.app.get_as(&w.mediator, &path).await;
        assert_eq!(seen.status, 200, "{}", seen.text());
        let requester = &seen.json()["requester"];
        assert_eq!(requester["id"], w.requester.user_id.as_str());
        assert_eq!(requester["display_name"], "vrager");
        assert_eq!(requester["email"], "vrager@example.nl");
        assert_eq!(requester["phone"], REQUESTER_PHONE);
        assert_eq!(w.audit_count(&case, "read_requester_contact"), round);
    }
    // A helper in a brokered match of it, and the referred professional, see the case or not,
    // but never the requester's contact details; nor does anyone else.
    let brokered = w.broker(&w.mediator, &request, &w.helper.user_id).await;
    assert_eq!(brokered.status, 201, "{}", brokered.text());
    w.refer(&case).await;
    for (who, session, status) in [
        ("requester", &w.requester, 200),
        ("administrator", &w.admin, 200),
        ("referred professional", &w.professional, 200),
        ("helper", &w.helper, 404),
        ("resident", &w.resident, 404),
        ("mediator elsewhere", &w.far_mediator, 404),
    ] {
        let seen = w.app.get_as(session, &path).await;
        assert_eq!(seen.status, status, "{who}: {}", seen.text());
        assert!(
            !seen.text().contains(REQUESTER_PHONE),
            "{who}: {}",
            seen.text()
        );
        assert!(
            !seen.text().contains("vrager@example.nl"),
            "{who}: {}",
            seen.text()
        );
        if status == 200 {
            assert_eq!(seen.json()["requester"], Value::Null, "{who}");
        }
    }
    assert_eq!(w.audit_count(&case, "read_requester_contact"), 2);
    // Other answers about the case carry no contact details, not even for its mediators.
    let queue = w
        .app
        .get_as(&w.mediator, &format!("/v1/neighbourhoods/{}/cases", w.home))
        .await;
    assert!(!queue.text().contains(REQUESTER_PHONE), "{}", queue.text());
    let claimed = w
        .app
        .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    assert_eq!(claimed.json()["requester"], Value::Null);
    // Nor does what partners receive.
    let feed = w.app.get_as(&w.admin, "/v1/events").await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    assert!(!feed.json()["items"].as_array().unwrap().is_empty());
    assert!(!feed.text().contains(REQUESTER_PHONE), "{}", feed.text());
    assert!(
        !feed.text().contains("vrager@example.nl"),
        "{}",
        feed.text()
    );
    assert_eq!(w.audit_count(&case, "read_requester_contact"), 2);
}

#[actix_web::test]
async fn two_mediators_brokering_the_same_helper_at_once_make_one_match() {
    let w = world().await;
    for _ in 0..3 {
        let request = w.request().await;
        let answers = join_all([
            w.broker(&w.mediator, &request, &w.helper.user_id),
            w.broker(&w.other_mediator, &request, &w.helper.user_id),
        ])
        .await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{:?}",
            answers.iter().map(TestResponse::text).collect::<Vec<_>>()
        );
        let refused = answers.iter().find(|a| a.status != 201).unwrap();
        refused.assert_problem(409, "already_matched");
        assert_eq!(
            w.app.count(&format!(
                "SELECT COUNT(*) FROM matches WHERE request_id = '{request}'"
            )),
            1
        );
        assert_eq!(w.cases_of(&request), 1);
        let case = w.case_of(&request).await["id"].as_str().unwrap().to_owned();
        assert_eq!(w.audit_count(&case, "broker_propose"), 1);
        assert_eq!(w.audit_count(&case, "escalate:mediator"), 1);
    }
}

// issue 20 (h20rest)
/// The case's timeline: every step of a brokered match, newest last, with who took it (id and
/// name) and the match it concerns; the reads stay out. Its mediators read it; the requester
/// is refused, helpers and other neighbourhoods' mediators do not see the case at all.
#[actix_web::test]
async fn the_case_timeline_shows_its_mediators_every_step_and_its_match() {
    let w = world().await;
    let request = w.request().await;
    let id = w.broker(&w.mediator, &request, &w.helper.user_id).await;
    assert_eq!(id.status, 201, "{}", id.text());
    let id = id.json()["id"].as_str().unwrap().to_owned();
    let case = w.case_of(&request).await["id"].as_str().unwrap().to_owned();
    assert_eq!(w.act(&w.helper, &id, "accept").await.status, 200);
    assert_eq!(w.act(&w.requester, &id, "accept").await.status, 200);
    assert_eq!(w.act(&w.requester, &id, "complete").await.status, 200);
    // A read on the case: in the audit log, not on the timeline.
    assert_eq!(
        w.app
            .get_as(&w.mediator, &format!("/v1/cases/{case}"))
            .await
            .status,
        200
    );

    let path = format!("/v1/cases/{case}/timeline");
    let timeline = w.app.get_as(&w.other_mediator, &path).await;
    assert_eq!(timeline.status, 200, "{}", timeline.text());
    let items = timeline.json()["items"].as_array().unwrap().clone();
    let mut steps: Vec<String> = items
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["kind"], e["action"], e["actor"]["id"], e["match_id"]
            )
        })
        .collect();
    let about = json!(id);
    let (mediator, helper, requester) = (
        json!(w.mediator.user_id),
        json!(w.helper.user_id),
        json!(w.requester.user_id),
    );
    let mut expected = vec![
        format!("\"escalated\" \"escalate:mediator\" {mediator} null"),
        format!("\"helper_proposed\" \"broker_propose\" {mediator} {about}"),
        format!("\"helper_agreed\" \"broker_helper_accept\" {helper} {about}"),
        format!("\"match_accepted\" \"broker_accept\" {requester} {about}"),
        "\"resolved\" \"resolve:matched_online\" null null".to_owned(),
        format!("\"match_completed\" \"broker_complete\" {requester} {about}"),
    ];
    // Steps of one request share a moment (the case opened and the proposal): compared as a
    // set here, in order below.
    steps.sort();
    expected.sort();
    assert_eq!(steps, expected, "{items:?}");
    // The steps of the brokered match, one request each, in the order they were taken.
    let position = |action: &str| items.iter().position(|e| e["action"] == action).unwrap();
    assert!(
        position("broker_propose") < position("broker_helper_accept")
            && position("broker_helper_accept") < position("broker_accept")
            && position("broker_accept") < position("broker_complete"),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .all(|e| !e["action"].as_str().unwrap().starts_with("read_")),
        "{items:?}"
    );
    let times: Vec<&str> = items.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "newest last");
    let proposal = items
        .iter()
        .find(|e| e["kind"] == "helper_proposed")
        .unwrap();
    assert_eq!(proposal["actor"]["display_name"], "bemiddelaar");
    // Reading it is audited.
    assert_eq!(w.audit_count(&case, "read_timeline"), 1);

    // Who may not.
    w.app
        .get_as(&w.requester, &path)
        .await
        .assert_problem(403, "forbidden");
    for session in [&w.helper, &w.far_mediator, &w.resident, &w.professional] {
        w.app
            .get_as(session, &path)
            .await
            .assert_problem(404, "not_found");
    }
    assert_eq!(w.app.get_as(&w.admin, &path).await.status, 200);
    // Bad input: no such case, not an id, no token.
    w.app
        .get_as(
            &w.mediator,
            &format!("/v1/cases/{}/timeline", uuid::Uuid::new_v4()),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .get_as(&w.mediator, "/v1/cases/not-an-id/timeline")
            .await
            .status,
        404
    );
    assert_eq!(w.app.get(&path).await.status, 401);
    assert_eq!(w.audit_count(&case, "read_timeline"), 2);
}
