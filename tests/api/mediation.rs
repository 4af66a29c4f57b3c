use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    requester: Session,
    mediator: Session,
    resident: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &[])
        .await;
    let requester = app
        .member(&admin, &neighbourhood, "vrager@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "buur@example.nl", "resident")
        .await;
    World {
        app,
        admin,
        neighbourhood,
        requester,
        mediator,
        resident,
    }
}

impl World {
    async fn request(&self, category: &str) -> String {
        let response = self
            .app
            .post_as(&self.requester, &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &json!({"kind": "request", "title": "Wandelen met rolstoel", "body": "Elke week.", "category": category}))
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn escalate(&self, session: &Session, post: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/posts/{post}/escalate"),
                &json!({"reason": "Niemand reageert"}),
            )
            .await
    }

    async fn case(&self, post: &str) -> String {
        let response = self.escalate(&self.requester, post).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn status(&self, session: &Session, case: &str, body: Value) -> TestResponse {
        self.app
            .post_as(session, &format!("/v1/cases/{case}/status"), &body)
            .await
    }

    async fn kinds(&self, session: &Session) -> Vec<String> {
        self.app
            .get_as(session, "/v1/me/notifications?limit=100")
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    fn jobs(&self, at: chrono::DateTime<chrono::Utc>) -> buurt_api::commands::JobsReport {
        buurt_api::commands::run_jobs(
            &buurt_api::Config::with_database_url(self.app.database.url()),
            at,
        )
        .unwrap()
    }
}

#[actix_web::test]
async fn requests_reach_mediators_by_every_path() {
    let w = world().await;
    // By the requester.
    let first = w.request("help").await;
    let case = w.escalate(&w.requester, &first).await;
    assert_eq!(case.status, 201, "{}", case.text());
    assert_eq!(
        (
            case.json()["status"].clone(),
            case.json()["escalated_by"].clone()
        ),
        (json!("new"), json!("requester"))
    );
    assert_eq!(
        w.app
            .get_as(&w.requester, &format!("/v1/posts/{first}"))
            .await
            .json()["status"],
        "in_mediation"
    );
    assert!(w.kinds(&w.mediator).await.contains(&"case_new".to_owned()));
    w.escalate(&w.requester, &first)
        .await
        .assert_problem(409, "already_escalated");
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(page["in_mediation"], json!({"count": 1}));

    // By a mediator; not by another resident.
    let second = w.request("help").await;
    w.escalate(&w.resident, &second)
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        w.escalate(&w.mediator, &second).await.json()["escalated_by"],
        "mediator"
    );

    // By the job, after the neighbourhood's escalate_after_days (3 by default).
    let third = w.request("help").await;
    w.app.sql(&format!(
        "UPDATE posts SET created_at = '2020-01-01 00:00:00' WHERE id = '{third}'"
    ));
    let now = chrono::Utc::now();
    assert_eq!(w.jobs(now).escalated_requests, 1);
    assert_eq!(w.jobs(now).escalated_requests, 0);
    let fourth = w.request("help").await;
    let moderator = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "moderator@example.nl",
            "moderator",
        )
        .await;
    let settings = format!("/v1/neighbourhoods/{}/settings", w.neighbourhood);
    w.app
        .put_as(&w.resident, &settings, &json!({"escalate_after_days": 10}))
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        w.app
            .put_as(&moderator, &settings, &json!({"escalate_after_days": 10}))
            .await
            .status,
        200
    );
    assert_eq!(
        w.jobs(now + chrono::Duration::days(5)).escalated_requests,
        0,
        "ten days now"
    );
    assert_eq!(
        w.jobs(now + chrono::Duration::days(11)).escalated_requests,
        1
    );
    assert_eq!(
        w.app
            .get_as(&w.requester, &format!("/v1/posts/{fourth}"))
            .await
            .json()["status"],
        "in_mediation"
    );

    // At once for care requests, but only with care-data consent.
    let without = w.request("care").await;
    assert_eq!(
        w.app
            .get_as(&w.requester, &format!("/v1/posts/{without}"))
            .await
            .json()["status"],
        "open"
    );
    let consents = w
        .app
        .post_as(
            &w.requester,
            "/v1/me/consents",
            &json!({"kind": "care_data", "given": true}),
        )
        .await;
    assert_eq!(consents.status, 200, "{}", consents.text());
    assert_eq!(consents.json()["items"][0]["given"], true);
    let with = w.request("care").await;
    let post = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{with}"))
        .await
        .json();
    assert_eq!(post["status"], "in_mediation");
    assert_eq!(post["mediation"]["status"], "new");
}

#[actix_web::test]
async fn a_case_is_claimed_worked_and_resolved() {
    let w = world().await;
    let post = w.request("help").await;
    let case = w.case(&post).await;
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00000002", "Elders", "GM0002", &[])
        .await;
    let far_mediator = w
        .app
        .member(&w.admin, &elsewhere, "ver@example.nl", "mediator")
        .await;

    w.app
        .post_as(&w.resident, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await
        .assert_problem(404, "not_found");
    w.app
        .post_as(
            &far_mediator,
            &format!("/v1/cases/{case}/claim"),
            &json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    w.app
        .post_as(&w.requester, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    w.status(&w.mediator, &case, json!({"status": "in_progress"}))
        .await
        .assert_problem(409, "illegal_transition");
    let claimed = w
        .app
        .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    assert_eq!(claimed.json()["claimed_by"], json!(w.mediator.user_id));
    assert!(
        w.kinds(&w.requester)
            .await
            .contains(&"case_claimed".to_owned())
    );
    let mine = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{post}"))
        .await
        .json();
    assert_eq!(mine["mediation"]["status"], "claimed");
    assert_eq!(
        mine["mediation"]["text"],
        "A mediator is working on your request."
    );
    let dutch = w
        .app
        .request(Method::GET, &format!("/v1/posts/{post}"))
        .bearer(&w.requester.access_token)
        .header("accept-language", "nl")
        .send()
        .await
        .json();
    assert_eq!(
        dutch["mediation"]["text"],
        "Een bemiddelaar werkt aan uw hulpvraag."
    );
    assert_eq!(
        w.app
            .get_as(&w.resident, &format!("/v1/posts/{post}"))
            .await
            .json()["mediation"],
        Value::Null
    );

    let follow_up = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let started = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "in_progress", "follow_up_at": follow_up}),
        )
        .await;
    assert_eq!(started.json()["status"], "in_progress");
    assert_eq!(started.json()["overdue"], true);
    let queue = w
        .app
        .get_as(
            &w.mediator,
            &format!("/v1/neighbourhoods/{}/cases", w.neighbourhood),
        )
        .await;
    assert_eq!(queue.status, 200, "{}", queue.text());
    assert_eq!(queue.json()["items"][0]["id"], json!(case), "overdue first");
    let professional = w.app.register("wijkteam@example.nl").await;
    w.app
        .post_as(
            &w.admin,
            "/v1/admin/professionals",
            &json!({"user_id": professional.user_id, "municipality_code": "GM0001"}),
        )
        .await;
    let as_professional = w
        .app
        .get_as(
            &professional,
            &format!("/v1/neighbourhoods/{}/cases", w.neighbourhood),
        )
        .await;
    assert_eq!(as_professional.status, 200);
    let audit = w
        .app
        .get_as(&professional, &format!("/v1/cases/{case}/audit"))
        .await
        .json();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "read_queue" && e["actor_id"] == json!(w.mediator.user_id))
    );
    w.app
        .get_as(
            &w.resident,
            &format!("/v1/neighbourhoods/{}/cases", w.neighbourhood),
        )
        .await
        .assert_problem(403, "forbidden");

    w.status(&w.mediator, &case, json!({"status": "new"}))
        .await
        .assert_problem(422, "validation_failed");
    w.status(&w.mediator, &case, json!({"status": "resolved"}))
        .await
        .assert_problem(422, "validation_failed");
    let resolved = w.status(&w.mediator, &case, json!({"status": "resolved", "outcome": "solved_offline", "summary": "Buurman wandelt mee."})).await;
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(
        (
            resolved.json()["outcome"].clone(),
            resolved.json()["summary"].clone()
        ),
        (json!("solved_offline"), json!("Buurman wandelt mee."))
    );
    assert_eq!(
        w.app
            .get_as(&w.requester, &format!("/v1/posts/{post}"))
            .await
            .json()["status"],
        "closed"
    );
    assert!(
        w.kinds(&w.requester)
            .await
            .contains(&"case_resolved".to_owned())
    );
    w.status(
        &w.mediator,
        &case,
        json!({"status": "resolved", "outcome": "withdrawn"}),
    )
    .await
    .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn notes_and_audit_are_seen_only_by_whom_they_concern() {
    let w = world().await;
    let post = w.request("help").await;
    let case = w.case(&post).await;
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00000002", "Elders", "GM0002", &[])
        .await;
    let far_mediator = w
        .app
        .member(&w.admin, &elsewhere, "ver@example.nl", "mediator")
        .await;
    let professional = w.app.register("wijkteam@example.nl").await;
    let referred = w.app.register("wijkteam2@example.nl").await;
    let far_professional = w.app.register("wijkteam3@example.nl").await;
    for (who, code) in [
        (&professional, "GM0001"),
        (&referred, "GM0001"),
        (&far_professional, "GM0002"),
    ] {
        let grant = w
            .app
            .post_as(
                &w.admin,
                "/v1/admin/professionals",
                &json!({"user_id": who.user_id, "municipality_code": code}),
            )
            .await;
        assert_eq!(grant.status, 201);
    }
    let notes = format!("/v1/cases/{case}/notes");
    let written = w
        .app
        .post_as(
            &w.mediator,
            &notes,
            &json!({"body": "Mevrouw is slecht ter been; dochter woont ver weg."}),
        )
        .await;
    assert_eq!(written.status, 201, "{}", written.text());

    // Referral needs the requester's consent.
    let referral = format!("/v1/cases/{case}/referrals");
    w.app
        .post_as(
            &w.mediator,
            &referral,
            &json!({"professional_id": referred.user_id}),
        )
        .await
        .assert_problem(409, "consent_required");
    w.app
        .post_as(
            &w.mediator,
            &referral,
            &json!({"professional_id": far_professional.user_id}),
        )
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .post_as(
            &w.requester,
            "/v1/me/consents",
            &json!({"kind": "care_data", "given": true}),
        )
        .await;
    w.app
        .post_as(
            &w.resident,
            &referral,
            &json!({"professional_id": referred.user_id}),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .post_as(
                &w.mediator,
                &referral,
                &json!({"professional_id": referred.user_id})
            )
            .await
            .status,
        201
    );

    // (who, reads the notes, reads the audit)
    let cases: [(&str, &Session, u16, u16); 8] = [
        ("requester", &w.requester, 403, 403),
        ("other resident", &w.resident, 404, 404),
        ("mediator here", &w.mediator, 200, 403),
        ("mediator elsewhere", &far_mediator, 404, 404),
        ("professional, not referred", &professional, 403, 200),
        ("professional, referred", &referred, 200, 200),
        ("professional elsewhere", &far_professional, 404, 404),
        ("admin", &w.admin, 403, 200),
    ];
    let mut note_reads = 0;
    for (who, session, notes_status, audit_status) in cases {
        let read = w.app.get_as(session, &notes).await;
        assert_eq!(
            read.status,
            notes_status,
            "{who} reads notes: {}",
            read.text()
        );
        if read.status == 200 {
            note_reads += 1;
            assert_eq!(
                read.json()["items"][0]["body"],
                "Mevrouw is slecht ter been; dochter woont ver weg."
            );
        }
        let audit = w
            .app
            .get_as(session, &format!("/v1/cases/{case}/audit"))
            .await;
        assert_eq!(
            audit.status,
            audit_status,
            "{who} reads the audit: {}",
            audit.text()
        );
    }
    // The referred professional writes too; the requester never sees notes anywhere.
    assert_eq!(
        w.app
            .post_as(&referred, &notes, &json!({"body": "Contact gelegd."}))
            .await
            .status,
        201
    );
    w.app
        .post_as(&w.requester, &notes, &json!({"body": "Mag ik?"}))
        .await
        .assert_problem(403, "forbidden");
    let post_text = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{post}"))
        .await
        .text();
    let case_text = w
        .app
        .get_as(&w.requester, &format!("/v1/cases/{case}"))
        .await
        .text();
    for text in [post_text, case_text] {
        assert!(
            !text.contains("slecht ter been") && !text.contains("Contact gelegd"),
            "{text}"
        );
    }

    // Every note read and write left an audit entry, with who did it.
    let audit = w
        .app
        .get_as(&w.admin, &format!("/v1/cases/{case}/audit"))
        .await
        .json();
    let entries = audit["items"].as_array().unwrap();
    let count = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("read_notes"), note_reads);
    assert_eq!(count("write_note"), 2);
    assert_eq!(count("refer"), 1);
    assert!(count("read_case") >= 1);
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "read_notes" && e["actor_id"] == json!(referred.user_id))
    );

    // Nobody can change the audit log, not even behind the API's back.
    use diesel::connection::SimpleConnection;
    let mut conn = w.app.database.connect();
    assert!(
        conn.batch_execute("UPDATE case_audit SET action = 'nothing'")
            .is_err()
    );
    assert!(conn.batch_execute("DELETE FROM case_audit").is_err());
    let again = w
        .app
        .get_as(&w.admin, &format!("/v1/cases/{case}/audit"))
        .await
        .json();
    assert!(again["items"].as_array().unwrap().len() >= entries.len());
}

#[actix_web::test]
async fn of_two_mediators_claiming_at_once_exactly_one_wins() {
    let w = world().await;
    let second = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "bemiddelaar2@example.nl",
            "mediator",
        )
        .await;
    for _ in 0..3 {
        let post = w.request("help").await;
        let case = w.case(&post).await;
        let (app, case_ref) = (&w.app, &case);
        let responses = join_all([&w.mediator, &second].into_iter().map(|m| async move {
            app.post_as(m, &format!("/v1/cases/{case_ref}/claim"), &json!({}))
                .await
        }))
        .await;
        let won = responses.iter().filter(|r| r.status == 200).count();
        let lost = responses.iter().filter(|r| r.status == 409).count();
        assert_eq!((won, lost), (1, 1), "{responses:?}");
    }
}

#[actix_web::test]
async fn a_match_made_later_resolves_the_case_as_matched_online() {
    let w = world().await;
    let post = w.request("help").await;
    let case = w.case(&post).await;
    let offered = w
        .app
        .post_as(
            &w.resident,
            &format!("/v1/posts/{post}/matches"),
            &json!({}),
        )
        .await;
    assert_eq!(offered.status, 201, "{}", offered.text());
    let id = offered.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        w.app
            .post_as(
                &w.requester,
                &format!("/v1/matches/{id}/accept"),
                &json!({})
            )
            .await
            .status,
        200
    );
    let resolved = w
        .app
        .get_as(&w.mediator, &format!("/v1/cases/{case}"))
        .await
        .json();
    assert_eq!(
        (resolved["status"].clone(), resolved["outcome"].clone()),
        (json!("resolved"), json!("matched_online"))
    );
    let request = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{post}"))
        .await
        .json();
    assert_eq!(request["status"], "matched");
    assert_eq!(request["mediation"]["outcome"], "matched_online");
}
