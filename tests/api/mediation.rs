use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use futures_util::FutureExt;
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
        self.app.notification_kinds(session).await
    }

    fn jobs(&self, at: chrono::DateTime<chrono::Utc>) -> buurt_api::cli::commands::JobsReport {
        buurt_api::cli::commands::run_jobs(
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
    let case_new = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "case_new").count();
    let told = case_new(w.kinds(&w.mediator).await);
    assert_eq!(w.jobs(now).escalated_requests, 1);
    assert_eq!(w.jobs(now).escalated_requests, 0);
    assert_eq!(
        case_new(w.kinds(&w.mediator).await),
        told + 1,
        "the job's escalation reaches the mediators"
    );
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
    let told = case_new(w.kinds(&w.mediator).await);
    let with = w.request("care").await;
    assert_eq!(
        case_new(w.kinds(&w.mediator).await),
        told + 1,
        "the care escalation reaches the mediators"
    );
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
    // A professional's queue holds only what is referred to them: nothing yet.
    assert_eq!(as_professional.status, 200);
    assert_eq!(as_professional.json()["items"], json!([]));
    w.app
        .get_as(&professional, &format!("/v1/cases/{case}/audit"))
        .await
        .assert_problem(404, "not_found");
    let audit = w
        .app
        .get_as(&w.admin, &format!("/v1/cases/{case}/audit"))
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
        json!({"status": "resolved", "outcome": "withdrawn", "summary": "Toch niet."}),
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
        ("professional, not referred", &professional, 404, 404),
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
    // Reading the log is on it too, as its last entry, with who read it.
    let last = entries.last().unwrap();
    assert_eq!(
        (last["action"].clone(), last["actor_id"].clone()),
        (json!("read_audit"), json!(w.admin.user_id))
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
    assert_eq!(again["items"].as_array().unwrap().len(), entries.len() + 1);
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
    assert!(
        resolved["summary"]
            .as_str()
            .is_some_and(|s| !s.trim().is_empty()),
        "{resolved}"
    );
    assert!(
        w.kinds(&w.requester)
            .await
            .contains(&"case_resolved".to_owned())
    );
}

impl World {
    /// A request needing `helpers` neighbours, in mediation; returns (request, case).
    async fn request_in_mediation(&self, helpers: u32) -> (String, String) {
        let response = self
            .app
            .post_as(
                &self.requester,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &json!({"kind": "request", "title": "Verhuizen", "body": "Dozen dragen.",
                        "category": "help", "helpers_needed": helpers}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        let post = response.json()["id"].as_str().unwrap().to_owned();
        let case = self.case(&post).await;
        (post, case)
    }

    /// `helper` offers to help with `post`; returns the match.
    async fn offer(&self, helper: &Session, post: &str) -> String {
        let offered = self
            .app
            .post_as(helper, &format!("/v1/posts/{post}/matches"), &json!({}))
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        offered.json()["id"].as_str().unwrap().to_owned()
    }

    async fn accept(&self, found: &str) -> TestResponse {
        self.app
            .post_as(
                &self.requester,
                &format!("/v1/matches/{found}/accept"),
                &json!({}),
            )
            .await
    }

    async fn get_case(&self, case: &str) -> Value {
        let response = self
            .app
            .get_as(&self.mediator, &format!("/v1/cases/{case}"))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

    async fn post_status(&self, post: &str) -> Value {
        self.app
            .get_as(&self.requester, &format!("/v1/posts/{post}"))
            .await
            .json()["status"]
            .clone()
    }

    async fn queue(&self, session: &Session, query: &str) -> TestResponse {
        self.app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/cases{query}", self.neighbourhood),
            )
            .await
    }

    async fn queue_ids(&self, query: &str) -> Vec<String> {
        let queue = self.queue(&self.mediator, query).await;
        assert_eq!(queue.status, 200, "{}", queue.text());
        queue.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn in_mediation_count(&self) -> Value {
        self.app
            .get(&format!("/v1/neighbourhoods/{}/page", self.neighbourhood))
            .await
            .json()["in_mediation"]["count"]
            .clone()
    }

    /// A professional of `municipality`.
    async fn professional(&self, email: &str, municipality: &str) -> Session {
        let professional = self.app.register(email).await;
        let granted = self
            .app
            .post_as(
                &self.admin,
                "/v1/admin/professionals",
                &json!({"user_id": professional.user_id, "municipality_code": municipality}),
            )
            .await;
        assert_eq!(granted.status, 201, "{}", granted.text());
        professional
    }

    async fn care_consent(&self, given: bool) -> TestResponse {
        self.app
            .post_as(
                &self.requester,
                "/v1/me/consents",
                &json!({"kind": "care_data", "given": given}),
            )
            .await
    }

    fn audit_count(&self, case: &str, action: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM case_audit WHERE case_id = '{case}' AND action = '{action}'"
        ))
    }
}

#[actix_web::test]
async fn resolving_a_case_while_its_request_is_matched_never_deadlocks() {
    let w = world().await;
    const PAIRS: usize = 20;
    let helpers = w.app.crowd(&w.neighbourhood, PAIRS);
    let mut pairs = Vec::new();
    for helper in &helpers {
        let (post, case) = w.request_in_mediation(1).await;
        let found = w.offer(helper, &post).await;
        pairs.push((post, case, found));
    }
    // Every resolution and every acceptance at once, the two of a pair side by side (in
    // turns first), so that they meet in the database.
    let resolve =
        json!({"status": "resolved", "outcome": "solved_offline", "summary": "Buurman hielp."});
    let calls = pairs
        .iter()
        .enumerate()
        .flat_map(|(index, (_, case, found))| {
            let resolution = w.status(&w.mediator, case, resolve.clone()).boxed_local();
            let acceptance = w.accept(found).boxed_local();
            if index % 2 == 0 {
                [resolution, acceptance]
            } else {
                [acceptance, resolution]
            }
        });
    let mut answers = join_all(calls).await.into_iter();
    let (mut resolutions, mut acceptances) = (Vec::new(), Vec::new());
    for index in 0..PAIRS {
        let (first, second) = (answers.next().unwrap(), answers.next().unwrap());
        let (resolution, acceptance) = if index % 2 == 0 {
            (first, second)
        } else {
            (second, first)
        };
        resolutions.push(resolution);
        acceptances.push(acceptance);
    }
    let mut by_mediator = 0;
    for (((post, case, _), resolved), accepted) in pairs.iter().zip(&resolutions).zip(&acceptances)
    {
        let (case, request) = (w.get_case(case).await, w.post_status(post).await);
        match (resolved.status.as_u16(), accepted.status.as_u16()) {
            (200, _) => {
                by_mediator += 1;
                accepted.assert_problem(409, "request_not_open");
                assert_eq!(case["outcome"], "solved_offline");
                assert_eq!(request, "closed");
            }
            (_, 200) => {
                resolved.assert_problem(409, "illegal_transition");
                assert_eq!(case["outcome"], "matched_online");
                assert_eq!(request, "matched");
            }
            statuses => panic!(
                "one of the two wins: {statuses:?} {} {}",
                resolved.text(),
                accepted.text()
            ),
        }
        assert_eq!(case["status"], "resolved");
    }
    eprintln!("{by_mediator} of {PAIRS} resolved by the mediator first");
    assert_eq!(w.in_mediation_count().await, json!(0));
    assert!(w.queue_ids("").await.is_empty());
}

#[actix_web::test]
async fn a_request_needing_several_helpers_stays_with_the_mediators_until_it_is_full() {
    let w = world().await;
    let (post, case) = w.request_in_mediation(3).await;
    let helpers = w.app.crowd(&w.neighbourhood, 3);
    let mut found = Vec::new();
    for helper in &helpers {
        found.push(w.offer(helper, &post).await);
    }
    for (index, id) in found.iter().enumerate() {
        let accepted = w.accept(id).await;
        assert_eq!(accepted.status, 200, "{}", accepted.text());
        let now = w.get_case(&case).await;
        if index < 2 {
            // A place short: the case stays open and the request with the mediators.
            assert_eq!(now["status"], "new", "after {} accepted", index + 1);
            assert_eq!(w.post_status(&post).await, "in_mediation");
            assert_eq!(w.queue_ids("").await, vec![case.clone()]);
            assert_eq!(w.in_mediation_count().await, json!(1));
            assert!(
                !w.kinds(&w.requester)
                    .await
                    .contains(&"case_resolved".into())
            );
        } else {
            assert_eq!(
                (now["status"].clone(), now["outcome"].clone()),
                (json!("resolved"), json!("matched_online"))
            );
            assert_eq!(w.post_status(&post).await, "matched");
            assert!(w.queue_ids("").await.is_empty());
            assert_eq!(w.in_mediation_count().await, json!(0));
            assert!(
                w.kinds(&w.requester)
                    .await
                    .contains(&"case_resolved".into())
            );
        }
    }
}

#[actix_web::test]
async fn a_mediator_resolving_as_matched_online_leaves_the_request_as_its_matches_say() {
    let w = world().await;
    let helpers = w.app.crowd(&w.neighbourhood, 2);
    let matched_online =
        json!({"status": "resolved", "outcome": "matched_online", "summary": "Via de app."});

    // One of two places taken: the request is open again, and can go back to the mediators.
    let (post, case) = w.request_in_mediation(2).await;
    let first = w.offer(&helpers[0], &post).await;
    assert_eq!(w.accept(&first).await.status, 200);
    let resolved = w.status(&w.mediator, &case, matched_online.clone()).await;
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(resolved.json()["outcome"], "matched_online");
    assert_eq!(w.post_status(&post).await, "open");
    assert_eq!(w.in_mediation_count().await, json!(0));
    assert!(
        w.kinds(&w.requester)
            .await
            .contains(&"case_resolved".into())
    );
    let again = w.escalate(&w.requester, &post).await;
    assert_eq!(again.status, 201, "{}", again.text());

    // The author asks for one helper now, who is there: the request is matched, and its case
    // ends as matched online by itself; there is nothing left for the mediator to resolve.
    let case = again.json()["id"].as_str().unwrap().to_owned();
    let edited = w
        .app
        .request(Method::PATCH, &format!("/v1/posts/{post}"))
        .bearer(&w.requester.access_token)
        .json(&json!({"helpers_needed": 1}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(w.post_status(&post).await, "matched");
    let resolved = w.status(&w.mediator, &case, matched_online.clone()).await;
    resolved.assert_problem(409, "illegal_transition");
    let case_now = w
        .app
        .get_as(&w.mediator, &format!("/v1/cases/{case}"))
        .await
        .json();
    assert_eq!(case_now["status"], "resolved");
    assert_eq!(case_now["outcome"], "matched_online");

    // Nobody accepted at all: open again.
    let (post, case) = w.request_in_mediation(1).await;
    assert_eq!(
        w.status(&w.mediator, &case, matched_online).await.status,
        200
    );
    assert_eq!(w.post_status(&post).await, "open");

    // Every other outcome closes the request.
    for outcome in [
        "solved_offline",
        "referred_wijkteam",
        "not_solvable",
        "withdrawn",
    ] {
        let (post, case) = w.request_in_mediation(1).await;
        let resolved = w
            .status(
                &w.mediator,
                &case,
                json!({"status": "resolved", "outcome": outcome, "summary": "Afgerond."}),
            )
            .await;
        assert_eq!(resolved.status, 200, "{outcome}: {}", resolved.text());
        assert_eq!(w.post_status(&post).await, "closed", "{outcome}");
    }
    assert_eq!(w.in_mediation_count().await, json!(0));
    assert!(w.queue_ids("").await.is_empty());
}

#[actix_web::test]
async fn closing_or_deleting_a_request_in_mediation_withdraws_its_case() {
    let w = world().await;
    // Closed by its author.
    let (post, case) = w.request_in_mediation(1).await;
    let claimed = w
        .app
        .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await;
    assert_eq!(claimed.status, 200);
    let closed = w
        .app
        .post_as(&w.requester, &format!("/v1/posts/{post}/close"), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(closed.json()["status"], "closed");
    let withdrawn = w.get_case(&case).await;
    assert_eq!(
        (withdrawn["status"].clone(), withdrawn["outcome"].clone()),
        (json!("resolved"), json!("withdrawn"))
    );
    assert_eq!(withdrawn["summary"], "The requester withdrew the request.");
    assert!(w.queue_ids("").await.is_empty());
    assert_eq!(w.in_mediation_count().await, json!(0));
    // Their own doing: the requester is not told of it.
    let resolved_told = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "case_resolved").count();
    assert_eq!(resolved_told(w.kinds(&w.requester).await), 0);
    let audit = w
        .app
        .get_as(&w.admin, &format!("/v1/cases/{case}/audit"))
        .await
        .json();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "resolve:withdrawn"
                && e["actor_id"] == json!(w.requester.user_id)),
        "{audit}"
    );
    // Closing again changes nothing.
    w.app
        .post_as(&w.requester, &format!("/v1/posts/{post}/close"), &json!({}))
        .await
        .assert_problem(409, "illegal_transition");
    assert_eq!(w.audit_count(&case, "resolve:withdrawn"), 1);

    // Closed by an administrator.
    let (post, case) = w.request_in_mediation(1).await;
    let closed = w
        .app
        .post_as(&w.admin, &format!("/v1/posts/{post}/close"), &json!({}))
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    let withdrawn = w.get_case(&case).await;
    assert_eq!(withdrawn["outcome"], "withdrawn");
    assert_eq!(
        withdrawn["summary"],
        "The request was closed by an administrator."
    );
    // Someone else's doing: the requester is told.
    assert_eq!(resolved_told(w.kinds(&w.requester).await), 1);

    // Deleted by its author: the case goes with the request, its resolution stays audited.
    let (post, case) = w.request_in_mediation(1).await;
    let deleted = w
        .app
        .delete_as(&w.requester, &format!("/v1/posts/{post}"))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert!(w.queue_ids("").await.is_empty());
    assert_eq!(w.in_mediation_count().await, json!(0));
    assert_eq!(w.audit_count(&case, "resolve:withdrawn"), 1);
    w.app
        .get_as(&w.mediator, &format!("/v1/cases/{case}"))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_follow_up_date_can_be_changed_and_a_resolution_needs_a_summary() {
    let w = world().await;
    let (_, case) = w.request_in_mediation(1).await;
    // Not before the case is claimed.
    let later = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    w.status(
        &w.mediator,
        &case,
        json!({"status": "claimed", "follow_up_at": later}),
    )
    .await
    .assert_problem(409, "illegal_transition");
    assert_eq!(
        w.app
            .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
            .await
            .status,
        200
    );
    let at = |value: &Value| {
        value["follow_up_at"]
            .as_str()
            .map(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp())
    };
    let stamp = |raw: &str| {
        Some(
            chrono::DateTime::parse_from_rfc3339(raw)
                .unwrap()
                .timestamp(),
        )
    };

    // While claimed.
    let set = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "claimed", "follow_up_at": later}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["status"], "claimed");
    assert_eq!(at(&set.json()), stamp(&later));
    let cleared = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "claimed", "follow_up_at": null}),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text());
    assert_eq!(cleared.json()["follow_up_at"], Value::Null);
    w.status(&w.mediator, &case, json!({"status": "claimed"}))
        .await
        .assert_problem(422, "validation_failed");
    w.status(&w.mediator, &case, json!({"follow_up_at": later}))
        .await
        .assert_problem(422, "validation_failed");

    // While in progress.
    let started = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "in_progress", "follow_up_at": later}),
        )
        .await;
    assert_eq!(started.json()["status"], "in_progress");
    let sooner = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let moved = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "in_progress", "follow_up_at": sooner}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(
        (
            moved.json()["status"].clone(),
            moved.json()["overdue"].clone()
        ),
        (json!("in_progress"), json!(true))
    );
    assert_eq!(at(&moved.json()), stamp(&sooner));
    w.status(&w.mediator, &case, json!({"status": "in_progress"}))
        .await
        .assert_problem(409, "illegal_transition");
    w.status(
        &w.mediator,
        &case,
        json!({"status": "claimed", "follow_up_at": later}),
    )
    .await
    .assert_problem(409, "illegal_transition");
    assert_eq!(w.audit_count(&case, "reschedule"), 3);

    // A resolution says what was done.
    for (body, field) in [
        (
            json!({"status": "resolved", "outcome": "solved_offline"}),
            "summary",
        ),
        (
            json!({"status": "resolved", "outcome": "solved_offline", "summary": "  \n "}),
            "summary",
        ),
        (
            json!({"status": "resolved", "outcome": "solved_offline", "summary": "x".repeat(1001)}),
            "summary",
        ),
        (
            json!({"status": "in_progress", "summary": "Bezig."}),
            "summary",
        ),
        (
            json!({"status": "claimed", "follow_up_at": later, "outcome": "withdrawn"}),
            "outcome",
        ),
    ] {
        let problem = w
            .status(&w.mediator, &case, body.clone())
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    let unchanged = w.get_case(&case).await;
    assert_eq!(unchanged["status"], "in_progress");
    assert_eq!(at(&unchanged), stamp(&sooner));
    let resolved = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "resolved", "outcome": "not_solvable", "summary": "Geen vervoer."}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(resolved.json()["summary"], "Geen vervoer.");
    w.status(
        &w.mediator,
        &case,
        json!({"status": "in_progress", "follow_up_at": later}),
    )
    .await
    .assert_problem(409, "illegal_transition");
}

/// Whether one branch of the spec's `CaseStatusRequest` (an object schema) admits `body`, as far
/// as these bodies need: the status, required fields, no others, and fields that must be `null`.
fn branch_admits(branch: &Value, body: &Value) -> bool {
    let properties = branch["properties"].as_object().unwrap();
    let fields = body.as_object().unwrap();
    properties["status"]["enum"]
        .as_array()
        .unwrap()
        .contains(&body["status"])
        && branch["required"]
            .as_array()
            .unwrap()
            .iter()
            .all(|name| fields.contains_key(name.as_str().unwrap()))
        && fields.iter().all(|(name, value)| {
            properties.get(name).is_some_and(|property| {
                let takes_null = property["type"] == "null"
                    || property["type"]
                        .as_array()
                        .is_some_and(|types| types.contains(&json!("null")));
                if value.is_null() {
                    takes_null
                } else {
                    property["type"] != "null"
                }
            })
        })
}

/// The fuzzer sent `{"status": "claimed", "follow_up_at": …, "summary": "0"}`, valid by the spec
/// of the time and rightly refused with 422: the spec now says per status which fields go with
/// it, and it agrees with the handler on each of these bodies.
#[actix_web::test]
async fn the_spec_says_which_fields_go_with_which_case_status() {
    let spec = serde_json::to_value(buurt_api::spec::openapi()).unwrap();
    let branches = spec["components"]["schemas"]["CaseStatusRequest"]["oneOf"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(branches.len(), 3);
    let spec_admits = |body: &Value| {
        branches
            .iter()
            .filter(|branch| branch_admits(branch, body))
            .count()
            == 1
    };

    let w = world().await;
    let (_, case) = w.request_in_mediation(1).await;
    let claimed = w
        .app
        .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    let later = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    for body in [
        json!({"status": "claimed", "follow_up_at": "2000-01-01T00:00:00Z", "outcome": null, "summary": "0"}),
        json!({"status": "claimed", "follow_up_at": later, "outcome": "withdrawn"}),
        json!({"status": "claimed"}),
        json!({"status": "claimed", "follow_up_at": later, "outcome": null, "summary": null}),
        json!({"status": "in_progress", "summary": "Bezig."}),
        json!({"status": "resolved", "outcome": "solved_offline"}),
        json!({"status": "resolved", "summary": "Klaar."}),
        json!({"status": "resolved", "outcome": null, "summary": "Klaar."}),
        json!({"status": "in_progress", "follow_up_at": null, "outcome": null}),
        json!({"status": "resolved", "outcome": "solved_offline", "summary": "Klaar."}),
    ] {
        let response = w.status(&w.mediator, &case, body.clone()).await;
        assert_eq!(
            spec_admits(&body),
            response.status == 200,
            "{body}: {}",
            response.text()
        );
        assert!(
            matches!(response.status.as_u16(), 200 | 422),
            "{body}: {}",
            response.text()
        );
    }
}

#[actix_web::test]
async fn the_queue_puts_overdue_cases_first_and_filters_by_status() {
    let w = world().await;
    let (_, without) = w.request_in_mediation(1).await;
    let (_, not_yet) = w.request_in_mediation(1).await;
    let (_, overdue) = w.request_in_mediation(1).await;
    // Created a day apart, oldest first: without a follow-up, due later, overdue.
    for (case, day) in [(&without, 1), (&not_yet, 2), (&overdue, 3)] {
        w.app.sql(&format!(
            "UPDATE cases SET created_at = '2026-01-0{day} 12:00:00' WHERE id = '{case}'"
        ));
    }
    for (case, follow_up) in [
        (&not_yet, chrono::Utc::now() + chrono::Duration::days(1)),
        (&overdue, chrono::Utc::now() - chrono::Duration::hours(1)),
    ] {
        assert_eq!(
            w.app
                .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
                .await
                .status,
            200
        );
        let started = w
            .status(
                &w.mediator,
                case,
                json!({"status": "in_progress", "follow_up_at": follow_up.to_rfc3339()}),
            )
            .await;
        assert_eq!(started.status, 200, "{}", started.text());
    }
    assert_eq!(
        w.queue_ids("").await,
        vec![overdue.clone(), without.clone(), not_yet.clone()],
        "overdue first, then oldest first"
    );
    let queue = w.queue(&w.mediator, "").await.json();
    let flags: Vec<&Value> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["overdue"])
        .collect();
    assert_eq!(flags, [&json!(true), &json!(false), &json!(false)]);

    assert_eq!(
        w.queue_ids("?status=in_progress").await,
        vec![overdue.clone(), not_yet.clone()]
    );
    assert_eq!(w.queue_ids("?status=new").await, vec![without.clone()]);
    assert!(w.queue_ids("?status=claimed").await.is_empty());
    assert!(w.queue_ids("?status=resolved").await.is_empty());
    let resolved = w
        .status(
            &w.mediator,
            &without,
            json!({"status": "resolved", "outcome": "not_solvable", "summary": "Niemand."}),
        )
        .await;
    assert_eq!(resolved.status, 200);
    assert_eq!(w.queue_ids("?status=resolved").await, vec![without.clone()]);
    assert_eq!(
        w.queue_ids("").await,
        vec![overdue, not_yet],
        "resolved cases leave the queue"
    );
    w.queue(&w.mediator, "?status=bogus")
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn only_mediators_here_work_cases_and_only_whom_it_concerns_sees_the_queue() {
    let w = world().await;
    let (_, case) = w.request_in_mediation(1).await;
    let professional = w.professional("wijkteam@example.nl", "GM0001").await;
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00000002", "Elders", "GM0002", &[])
        .await;
    let far_professional = w.professional("wijkteam2@example.nl", "GM0002").await;
    let far_mediator = w
        .app
        .member(&w.admin, &elsewhere, "ver@example.nl", "mediator")
        .await;

    // The requester and an administrator see the case but do not work it; a professional of
    // the municipality does not even see it before it is referred to them.
    for (session, status, code) in [
        (&w.requester, 403, "forbidden"),
        (&professional, 404, "not_found"),
        (&w.admin, 403, "forbidden"),
    ] {
        for body in [
            json!({"status": "in_progress"}),
            json!({"status": "resolved", "outcome": "solved_offline", "summary": "Klaar."}),
        ] {
            w.status(session, &case, body)
                .await
                .assert_problem(status, code);
        }
    }
    for (session, status, code) in [
        (&professional, 404, "not_found"),
        (&w.admin, 403, "forbidden"),
    ] {
        w.app
            .post_as(session, &format!("/v1/cases/{case}/claim"), &json!({}))
            .await
            .assert_problem(status, code);
    }
    for session in [&far_professional, &far_mediator] {
        w.queue(session, "").await.assert_problem(403, "forbidden");
    }
    assert_eq!(w.queue(&professional, "").await.status, 200);
    assert_eq!(w.queue(&w.admin, "").await.status, 200);
    let notes = format!("/v1/cases/{case}/notes");
    for (session, status, code) in [
        (&w.admin, 403, "forbidden"),
        (&professional, 404, "not_found"),
    ] {
        w.app
            .post_as(session, &notes, &json!({"body": "Mag ik?"}))
            .await
            .assert_problem(status, code);
    }
    // None of that changed the case.
    let unchanged = w.get_case(&case).await;
    assert_eq!(
        (unchanged["status"].clone(), unchanged["claimed_by"].clone()),
        (json!("new"), Value::Null)
    );
    let read = w.app.get_as(&w.mediator, &notes).await;
    assert_eq!(read.json()["items"], json!([]));
    assert_eq!(w.audit_count(&case, "write_note"), 0);
}

#[actix_web::test]
async fn referrals_need_consent_that_has_not_been_withdrawn_and_happen_once() {
    let w = world().await;
    let (_, case) = w.request_in_mediation(1).await;
    let professional = w.professional("wijkteam@example.nl", "GM0001").await;
    let referral = format!("/v1/cases/{case}/referrals");
    let body = json!({"professional_id": professional.user_id});
    assert_eq!(w.care_consent(true).await.status, 200);
    let withdrawn = w.care_consent(false).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
    assert_eq!(withdrawn.json()["items"][0]["given"], false);
    w.app
        .post_as(&w.mediator, &referral, &body)
        .await
        .assert_problem(409, "consent_required");
    w.app
        .get_as(&professional, &format!("/v1/cases/{case}/notes"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(w.audit_count(&case, "refer"), 0);

    // Given again: referred once, however often and however concurrently it is asked.
    assert_eq!(w.care_consent(true).await.status, 200);
    let first = w.app.post_as(&w.mediator, &referral, &body).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = w.app.post_as(&w.mediator, &referral, &body).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), first.json());
    let other = w.professional("wijkteam2@example.nl", "GM0001").await;
    let other_body = json!({"professional_id": other.user_id});
    let at_once =
        join_all((0..6).map(|_| w.app.post_as(&w.mediator, &referral, &other_body))).await;
    let statuses: Vec<u16> = at_once.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    assert_eq!(w.audit_count(&case, "refer"), 2);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM case_referrals WHERE case_id = '{case}'"
        )),
        2
    );
    // The audit is intact and the referred professionals work the notes.
    for session in [&professional, &other] {
        assert_eq!(
            w.app
                .post_as(
                    session,
                    &format!("/v1/cases/{case}/notes"),
                    &json!({"body": "Gezien."})
                )
                .await
                .status,
            201
        );
    }
    let audit = w
        .app
        .get_as(&w.admin, &format!("/v1/cases/{case}/audit"))
        .await
        .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "refer").count(), 2);
    assert_eq!(actions.iter().filter(|a| **a == "write_note").count(), 2);
}

#[actix_web::test]
async fn the_job_escalates_after_three_days_by_default_not_before() {
    let w = world().await;
    let post = w.request("help").await;
    let now = chrono::Utc::now();
    let backdate = |age: chrono::Duration| {
        w.app.sql(&format!(
            "UPDATE posts SET created_at = '{}' WHERE id = '{post}'",
            (now - age).format("%Y-%m-%d %H:%M:%S")
        ))
    };
    let told = || async {
        w.kinds(&w.mediator)
            .await
            .iter()
            .filter(|k| *k == "case_new")
            .count()
    };
    backdate(chrono::Duration::days(3) - chrono::Duration::hours(1));
    assert_eq!(w.jobs(now).escalated_requests, 0, "2 days 23 hours old");
    assert_eq!(w.post_status(&post).await, "open");
    assert_eq!(told().await, 0);
    backdate(chrono::Duration::days(3) + chrono::Duration::hours(1));
    assert_eq!(w.jobs(now).escalated_requests, 1, "3 days 1 hour old");
    assert_eq!(w.post_status(&post).await, "in_mediation");
    assert_eq!(told().await, 1);
    let queue = w.queue(&w.mediator, "").await.json();
    assert_eq!(queue["items"][0]["escalated_by"], "job");
}

#[actix_web::test]
async fn a_cases_life_tells_partners_each_step_once_and_counts_its_outcome_once() {
    let w = world().await;
    assert_eq!(w.care_consent(true).await.status, 200);
    let (post, case) = w.request_in_mediation(1).await;
    let professional = w.professional("wijkteam@example.nl", "GM0001").await;
    let claimed = w
        .app
        .post_as(&w.mediator, &format!("/v1/cases/{case}/claim"), &json!({}))
        .await;
    assert_eq!(claimed.status, 200, "{}", claimed.text());
    let referral = format!("/v1/cases/{case}/referrals");
    let body = json!({"professional_id": professional.user_id});
    assert_eq!(
        w.app.post_as(&w.mediator, &referral, &body).await.status,
        201
    );
    assert_eq!(
        w.app.post_as(&w.mediator, &referral, &body).await.status,
        200
    );
    let resolved = w
        .status(
            &w.mediator,
            &case,
            json!({"status": "resolved", "outcome": "referred_wijkteam", "summary": "Wijkteam."}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    assert_eq!(resolved.json()["request_title"], "Verhuizen");

    // Partners hear of the escalation, the referral and the resolution once each, about the
    // case and its request.
    for kind in ["case.escalated", "case.referred", "case.resolved"] {
        assert_eq!(
            w.app.count(&format!(
                "SELECT COUNT(*) FROM events WHERE kind = '{kind}' \
                 AND subject_id = '{case}' AND post_id = '{post}'"
            )),
            1,
            "{kind}"
        );
    }
    // The request ended the way its case did, once: closing it after does not count again.
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM stat_events WHERE key = 'outcome:{post}'"
        )),
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM stat_events WHERE key = 'outcome:{post}' \
             AND kind = 'referred_wijkteam'"
        )),
        1
    );
    let post_status = w
        .app
        .get_as(&w.requester, &format!("/v1/posts/{post}"))
        .await;
    assert_eq!(
        post_status.json()["status"],
        "closed",
        "{}",
        post_status.text()
    );
    // The requester hears of the claim and of the outcome, once each.
    let kinds = w.kinds(&w.requester).await;
    for kind in ["case_claimed", "case_resolved"] {
        assert_eq!(kinds.iter().filter(|k| *k == kind).count(), 1, "{kinds:?}");
    }
}

#[actix_web::test]
async fn every_case_on_the_queue_shows_its_title_and_each_read_is_audited_once() {
    let w = world().await;
    let mut titles = std::collections::HashMap::new();
    for index in 0..6 {
        let title = format!("Klus {index}");
        let response = w
            .app
            .post_as(
                &w.requester,
                &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
                &json!({"kind": "request", "title": title, "body": "Graag.", "category": "help"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        let post = response.json()["id"].as_str().unwrap().to_owned();
        titles.insert(w.case(&post).await, title);
    }
    for _ in 0..2 {
        let queue = w.queue(&w.mediator, "").await;
        assert_eq!(queue.status, 200, "{}", queue.text());
        let shown: std::collections::HashMap<String, String> = queue.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["request_title"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(shown, titles);
    }
    // A read the policy refuses is no read.
    w.queue(&w.resident, "")
        .await
        .assert_problem(403, "forbidden");
    for case in titles.keys() {
        assert_eq!(w.audit_count(case, "read_queue"), 2, "{case}");
    }
}
