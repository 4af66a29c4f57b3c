//! Issue 20 (h20d): escalation rules per neighbourhood and category, the mediators' signals
//! and the wijkteam's counts of them, and what the public page says a neighbourhood achieved.

use buurt_domain::signals::Quarter;
use buurt_domain::stats::local_date;
use buurt_tests::{Session, TestApp, spawn_app};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    resident: Session,
    neighbour: Session,
    mediator: Session,
    moderator: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &[])
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "vrager@example.nl", "resident")
        .await;
    let neighbour = app
        .member(&admin, &neighbourhood, "buur@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    World {
        app,
        admin,
        neighbourhood,
        resident,
        neighbour,
        mediator,
        moderator,
    }
}

fn db_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl World {
    async fn request(&self, category: &str, age: Duration) -> String {
        let response = self
            .app
            .post_as(
                &self.resident,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &json!({"kind": "request", "title": "Hulp gezocht", "body": "Wie kan helpen?", "category": category}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        let id = response.json()["id"].as_str().unwrap().to_owned();
        self.app.sql(&format!(
            "UPDATE posts SET created_at = '{}' WHERE id = '{id}'",
            db_time(Utc::now() - age)
        ));
        id
    }

    async fn status(&self, post: &str) -> String {
        self.app
            .get_as(&self.resident, &format!("/v1/posts/{post}"))
            .await
            .json()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn jobs(&self, at: DateTime<Utc>) -> buurt_api::cli::commands::JobsReport {
        buurt_api::cli::commands::run_jobs(
            &buurt_api::Config::with_database_url(self.app.database.url()),
            at,
        )
        .unwrap()
    }

    fn rules_path(&self) -> String {
        format!("/v1/neighbourhoods/{}/escalation-rules", self.neighbourhood)
    }

    fn signals_path(&self) -> String {
        format!("/v1/neighbourhoods/{}/signals", self.neighbourhood)
    }

    async fn signals(&self, session: &Session, query: &str) -> Value {
        let response = self
            .app
            .get_as(session, &format!("{}{query}", self.signals_path()))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

    async fn acknowledge(
        &self,
        session: &Session,
        signal: &str,
        note: Value,
    ) -> buurt_tests::TestResponse {
        self.app
            .post_as(
                session,
                &format!("{}/{signal}/acknowledgement", self.signals_path()),
                &note,
            )
            .await
    }

    async fn professional(&self, email: &str, code: &str) -> Session {
        let session = self.app.register(email).await;
        let granted = self
            .app
            .post_as(
                &self.admin,
                "/v1/admin/professionals",
                &json!({"user_id": session.user_id, "municipality_code": code}),
            )
            .await;
        assert!(granted.status.is_success(), "{}", granted.text());
        session
    }

    /// A request's first way of ending, as monitoring records it, on `day`.
    fn outcome(&self, neighbourhood: &str, request: &str, kind: &str, day: NaiveDate) {
        let day_text = day.format("%Y-%m-%d");
        let month = day.format("%Y-%m-01");
        self.app.sql(&format!(
            "INSERT INTO stat_events (key, neighbourhood_id, kind, actor_id, seconds, occurred_at, day, week, month) \
             VALUES ('outcome:{request}', '{neighbourhood}', '{kind}', NULL, NULL, '{day_text} 12:00:00', '{day_text}', '{day_text}', '{month}')"
        ));
    }
}

fn kinds(list: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

#[actix_web::test]
async fn escalation_follows_each_categorys_rule() {
    let w = world().await;
    // Anyone reads the rules: goods lending never goes by itself, the rest after 3 days.
    let rules = w.app.get(&w.rules_path()).await;
    assert_eq!(rules.status, 200, "{}", rules.text());
    let rules = rules.json();
    assert_eq!(rules["default_after_days"], 3);
    assert_eq!(
        rules["rules"],
        json!([
            {"category": "goods", "escalates": false, "after_days": null, "customised": false},
            {"category": "knowledge", "escalates": true, "after_days": 3, "customised": false},
            {"category": "skills", "escalates": true, "after_days": 3, "customised": false},
            {"category": "help", "escalates": true, "after_days": 3, "customised": false},
            {"category": "care", "escalates": true, "after_days": 3, "customised": false},
        ])
    );
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(page["escalation_rules"], rules);

    let now = Utc::now();
    let drill = w.request("goods", Duration::days(5)).await;
    let walk = w.request("help", Duration::days(5)).await;
    assert_eq!(w.jobs(now).escalated_requests, 1);
    assert_eq!(w.status(&drill).await, "open", "goods lending waits");
    assert_eq!(w.status(&walk).await, "in_mediation");

    // Only moderators (and administrators) set them.
    let wanted = json!({"rules": [
        {"category": "goods", "escalates": true, "after_days": 10},
        {"category": "help", "escalates": false},
    ]});
    for (who, session) in [("resident", &w.resident), ("mediator", &w.mediator)] {
        let refused = w.app.put_as(session, &w.rules_path(), &wanted).await;
        assert_eq!(refused.status, 403, "{who}: {}", refused.text());
    }
    let anonymous = w
        .app
        .request(actix_web::http::Method::PUT, &w.rules_path())
        .json(&wanted)
        .await;
    assert_eq!(anonymous.status, 401);
    let set = w.app.put_as(&w.moderator, &w.rules_path(), &wanted).await;
    assert_eq!(set.status, 200, "{}", set.text());
    let set = set.json();
    assert_eq!(
        set["rules"][0],
        json!({"category": "goods", "escalates": true, "after_days": 10, "customised": true})
    );
    assert_eq!(
        set["rules"][3],
        json!({"category": "help", "escalates": false, "after_days": null, "customised": true})
    );
    assert_eq!(set["rules"][4]["customised"], false);
    assert_eq!(w.app.get(&w.rules_path()).await.json(), set);
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(page["escalation_rules"], set);

    // The job follows them: help now waits, goods goes after ten days.
    let help = w.request("help", Duration::days(20)).await;
    assert_eq!(w.jobs(now).escalated_requests, 0, "the drill is 5 days old");
    assert_eq!(w.status(&help).await, "open");
    assert_eq!(w.jobs(now + Duration::days(6)).escalated_requests, 1);
    assert_eq!(w.status(&drill).await, "in_mediation");
    assert_eq!(w.status(&help).await, "open");
    // The neighbourhood's default moves the categories without a rule of their own.
    let knowledge = w.request("knowledge", Duration::days(4)).await;
    let settings = format!("/v1/neighbourhoods/{}/settings", w.neighbourhood);
    let changed = w
        .app
        .put_as(&w.moderator, &settings, &json!({"escalate_after_days": 7}))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(w.jobs(now).escalated_requests, 0);
    assert_eq!(w.status(&knowledge).await, "open");
    assert_eq!(
        w.jobs(now + Duration::days(3) + Duration::hours(1))
            .escalated_requests,
        1
    );
    assert_eq!(w.status(&knowledge).await, "in_mediation");

    // An administrator may; an empty list restores every default.
    let reset = w
        .app
        .put_as(&w.admin, &w.rules_path(), &json!({"rules": []}))
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert_eq!(reset.json()["rules"][0]["escalates"], false);
    assert_eq!(reset.json()["rules"][3]["after_days"], 7);
    assert_eq!(w.jobs(now).escalated_requests, 1, "help goes again");
    assert_eq!(w.status(&help).await, "in_mediation");

    // Bad input changes nothing.
    let before = w.app.get(&w.rules_path()).await.json();
    for (body, field) in [
        (
            json!({"rules": [{"category": "help", "escalates": true, "after_days": 2},
                             {"category": "help", "escalates": false}]}),
            "rules[1].category",
        ),
        (
            json!({"rules": [{"category": "help", "escalates": true}]}),
            "rules[0].after_days",
        ),
        (
            json!({"rules": [{"category": "help", "escalates": true, "after_days": 0}]}),
            "rules[0].after_days",
        ),
        (
            json!({"rules": [{"category": "help", "escalates": true, "after_days": 61}]}),
            "rules[0].after_days",
        ),
        (
            json!({"rules": [{"category": "help", "escalates": false, "after_days": 3}]}),
            "rules[0].after_days",
        ),
    ] {
        let problem = w
            .app
            .put_as(&w.moderator, &w.rules_path(), &body)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    for body in [
        json!({"rules": [{"category": "garden", "escalates": false}]}),
        json!({"rules": [{"category": "help", "escalates": false, "extra": 1}]}),
        json!({}),
    ] {
        let refused = w.app.put_as(&w.moderator, &w.rules_path(), &body).await;
        assert!(
            refused.status == 422 || refused.status == 400,
            "{body}: {}",
            refused.text()
        );
    }
    assert_eq!(w.app.get(&w.rules_path()).await.json(), before);
    let unknown = format!(
        "/v1/neighbourhoods/{}/escalation-rules",
        uuid::Uuid::new_v4()
    );
    w.app.get(&unknown).await.assert_problem(404, "not_found");
    w.app
        .put_as(&w.admin, &unknown, &json!({"rules": []}))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn each_signal_on_constructed_data() {
    let w = world().await;
    let now = Utc::now();

    // Three requests nobody answered in 30 days; a fourth that a neighbour answered, one too
    // young and one too old do not count.
    for days in [2, 3, 4] {
        w.request("goods", Duration::days(days)).await;
    }
    let answered = w.request("goods", Duration::days(5)).await;
    let offered = w
        .app
        .post_as(
            &w.neighbour,
            &format!("/v1/posts/{answered}/matches"),
            &json!({"message": "Ik heb er een"}),
        )
        .await;
    assert_eq!(offered.status, 201, "{}", offered.text());
    w.request("goods", Duration::hours(2)).await;
    w.request("goods", Duration::days(31)).await;
    // Someone else with only two.
    for days in [2, 3] {
        let response = w
            .app
            .post_as(
                &w.neighbour,
                &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
                &json!({"kind": "request", "title": "Ladder", "body": "Even lenen", "category": "goods"}),
            )
            .await;
        let id = response.json()["id"].as_str().unwrap().to_owned();
        w.app.sql(&format!(
            "UPDATE posts SET created_at = '{}' WHERE id = '{id}'",
            db_time(now - Duration::days(days))
        ));
    }

    // A case eight days past its follow-up, and one six days past.
    let mut cases = Vec::new();
    for days in [8, 6] {
        let request = w.request("help", Duration::hours(1)).await;
        let case = w
            .app
            .post_as(
                &w.mediator,
                &format!("/v1/posts/{request}/escalate"),
                &json!({}),
            )
            .await;
        assert_eq!(case.status, 201, "{}", case.text());
        let case = case.json()["id"].as_str().unwrap().to_owned();
        w.app.sql(&format!(
            "UPDATE cases SET follow_up_at = '{}' WHERE id = '{case}'",
            db_time(now - Duration::days(days))
        ));
        cases.push(case);
    }

    // The share solved by neighbours: 100% in the quarter before the last, 40% in the last.
    let (before, last) = Quarter::last_two_complete(local_date(now));
    for i in 0..10 {
        let request = uuid::Uuid::new_v4();
        w.outcome(
            &w.neighbourhood,
            &request.to_string(),
            "matched_online",
            before.first_day(),
        );
        let kind = if i < 4 {
            "matched_online"
        } else {
            "not_solvable"
        };
        let request = uuid::Uuid::new_v4();
        w.outcome(
            &w.neighbourhood,
            &request.to_string(),
            kind,
            last.last_day(),
        );
    }
    // Next door, 90% then 80%: not clearly.
    let next_door = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00000002", "Buren", "GM0001", &[])
        .await;
    for i in 0..10 {
        let kind = if i < 9 {
            "matched_online"
        } else {
            "not_solvable"
        };
        w.outcome(
            &next_door,
            &uuid::Uuid::new_v4().to_string(),
            kind,
            before.last_day(),
        );
        let kind = if i < 8 {
            "matched_online"
        } else {
            "not_solvable"
        };
        w.outcome(
            &next_door,
            &uuid::Uuid::new_v4().to_string(),
            kind,
            last.first_day(),
        );
    }

    let report = w.jobs(now);
    assert_eq!(report.signals.raised, 3, "{report:?}");
    let again = w.jobs(now);
    assert_eq!(
        (again.signals.raised, again.signals.refreshed),
        (0, 0),
        "idempotent"
    );

    let list = w.signals(&w.mediator, "").await;
    assert_eq!(
        kinds(&list),
        [
            "follow_up_overdue",
            "solved_share_dropped",
            "unanswered_requests"
        ]
    );
    let of = |kind: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .unwrap()
            .clone()
    };
    let unanswered = of("unanswered_requests");
    assert_eq!(unanswered["person"]["id"], json!(w.resident.user_id));
    assert_eq!(unanswered["count"], 3);
    assert_eq!(unanswered["acknowledgement"], Value::Null);
    let overdue = of("follow_up_overdue");
    assert_eq!(overdue["case_id"], json!(cases[0]));
    assert_eq!(overdue["person"]["id"], json!(w.resident.user_id));
    let dropped = of("solved_share_dropped");
    assert_eq!(
        (
            dropped["quarter"].clone(),
            dropped["share_percent"].clone(),
            dropped["previous_share_percent"].clone(),
            dropped["person"].clone()
        ),
        (json!(last.label()), json!(40), json!(100), Value::Null)
    );
    // Next door has nothing.
    let mediator_next_door = w
        .app
        .member(&w.admin, &next_door, "naast@example.nl", "mediator")
        .await;
    let there = w
        .app
        .get_as(
            &mediator_next_door,
            &format!("/v1/neighbourhoods/{next_door}/signals"),
        )
        .await;
    assert_eq!(there.json()["items"], json!([]));

    // Lasting help feeds its lapses through the hook; the same lapse is one signal.
    let arrangement = uuid::Uuid::new_v4();
    let lapsed_at = now - Duration::days(1);
    let neighbourhood =
        buurt_domain::neighbourhoods::NeighbourhoodId(w.neighbourhood.parse().unwrap());
    let resident = buurt_domain::accounts::UserId(w.resident.user_id.parse().unwrap());
    for expected in [true, false] {
        let mut conn = w.app.database.connect();
        let raised = buurt_app::signals::raise_lasting_help_lapse(
            &mut conn,
            neighbourhood,
            arrangement,
            resident,
            buurt_persistence::time::to_db(lapsed_at).and_utc(),
            now,
        )
        .unwrap();
        assert_eq!(raised, expected);
    }
    let list = w.signals(&w.mediator, "").await;
    assert_eq!(kinds(&list).len(), 4);
    let lapse = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "lasting_help_lapsed")
        .unwrap();
    assert_eq!(lapse["arrangement_id"], json!(arrangement));
    assert_eq!(lapse["person"]["id"], json!(w.resident.user_id));

    // Acknowledged with a note, audited (on the case too); re-running raises nothing again.
    let ack = w
        .acknowledge(
            &w.mediator,
            overdue["id"].as_str().unwrap(),
            json!({"note": "Gebeld, komt goed."}),
        )
        .await;
    assert_eq!(ack.status, 200, "{}", ack.text());
    assert_eq!(ack.json()["acknowledgement"]["note"], "Gebeld, komt goed.");
    assert_eq!(
        ack.json()["acknowledgement"]["by"],
        json!(w.mediator.user_id)
    );
    w.acknowledge(
        &w.mediator,
        overdue["id"].as_str().unwrap(),
        json!({"note": "Nog eens"}),
    )
    .await
    .assert_problem(409, "signal_already_acknowledged");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM signal_audit WHERE signal_id = '{}' AND action = 'acknowledge' AND actor_id = '{}'",
            overdue["id"].as_str().unwrap(),
            w.mediator.user_id
        )),
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM case_audit WHERE case_id = '{}' AND action = 'acknowledge_signal'",
            cases[0]
        )),
        1
    );
    assert!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM signal_audit WHERE signal_id = '{}' AND action = 'read'",
            unanswered["id"].as_str().unwrap()
        )) >= 2,
        "every list is a read"
    );
    assert_eq!(w.jobs(now).signals.raised, 0);
    assert_eq!(kinds(&w.signals(&w.mediator, "").await).len(), 3);
    let acknowledged = w.signals(&w.mediator, "?status=acknowledged").await;
    assert_eq!(kinds(&acknowledged), ["follow_up_overdue"]);

    // New evidence: a fourth unanswered request refreshes the open signal; once acknowledged,
    // a fifth raises a new one.
    w.request("goods", Duration::days(1) + Duration::hours(1))
        .await;
    let run = w.jobs(now);
    assert_eq!((run.signals.raised, run.signals.refreshed), (0, 1));
    let refreshed = w.signals(&w.mediator, "").await;
    let refreshed = refreshed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "unanswered_requests")
        .unwrap()
        .clone();
    assert_eq!(
        (refreshed["id"].clone(), refreshed["count"].clone()),
        (unanswered["id"].clone(), json!(4))
    );
    let ack = w
        .acknowledge(
            &w.mediator,
            unanswered["id"].as_str().unwrap(),
            json!({"note": "Langsgegaan."}),
        )
        .await;
    assert_eq!(ack.status, 200, "{}", ack.text());
    assert_eq!(
        w.jobs(now).signals.raised,
        0,
        "the same evidence stays acknowledged"
    );
    w.request("goods", Duration::days(1) + Duration::minutes(30))
        .await;
    assert_eq!(w.jobs(now).signals.raised, 1);
    // A follow-up moved on raises the case again once it is overdue again.
    w.app.sql(&format!(
        "UPDATE cases SET follow_up_at = '{}' WHERE id = '{}'",
        db_time(now - Duration::days(9)),
        cases[0]
    ));
    assert_eq!(w.jobs(now).signals.raised, 1);

    // Paging: one at a time, newest first, every signal once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = w.signals(&w.mediator, &format!("?limit=1{cursor}")).await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let all = w.signals(&w.mediator, "?limit=100").await;
    let all: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, all);
    assert_eq!(
        all.len(),
        4,
        "the share, the lapse, and the two raised anew"
    );
}

#[actix_web::test]
async fn signals_about_people_reach_only_the_mediators_here() {
    let w = world().await;
    let now = Utc::now();
    for days in [2, 3, 4] {
        w.request("goods", Duration::days(days)).await;
    }
    assert_eq!(w.jobs(now).signals.raised, 1);
    let signal = w.signals(&w.mediator, "").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00020001", "Elders", "GM0002", &[])
        .await;
    let mediator_elsewhere = w
        .app
        .member(&w.admin, &elsewhere, "elders@example.nl", "mediator")
        .await;
    let professional = w.professional("wijkteam@example.nl", "GM0001").await;
    let professional_elsewhere = w.professional("wijkteam2@example.nl", "GM0002").await;

    for (who, session) in [
        ("the resident it is about", &w.resident),
        ("another resident", &w.neighbour),
        ("a moderator", &w.moderator),
        ("an administrator", &w.admin),
        ("a professional of the municipality", &professional),
        ("a mediator elsewhere", &mediator_elsewhere),
    ] {
        let listed = w.app.get_as(session, &w.signals_path()).await;
        assert_eq!(listed.status, 403, "{who}: {}", listed.text());
        assert!(!listed.text().contains(&w.resident.user_id), "{who}");
        let ack = w
            .acknowledge(session, &signal, json!({"note": "Gezien"}))
            .await;
        assert_eq!(ack.status, 403, "{who}: {}", ack.text());
    }
    // A mediator elsewhere cannot reach it through their own neighbourhood either.
    w.app
        .post_as(
            &mediator_elsewhere,
            &format!("/v1/neighbourhoods/{elsewhere}/signals/{signal}/acknowledgement"),
            &json!({"note": "Gezien"}),
        )
        .await
        .assert_problem(404, "not_found");
    let anonymous = w.app.get(&w.signals_path()).await;
    assert_eq!(anonymous.status, 401);
    let anonymous = w
        .app
        .post(
            &format!("{}/{signal}/acknowledgement", w.signals_path()),
            &json!({"note": "Gezien"}),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    w.app
        .get_as(
            &w.mediator,
            &format!("/v1/neighbourhoods/{}/signals", uuid::Uuid::new_v4()),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM signals WHERE acknowledged_at IS NOT NULL"),
        0,
        "nothing was acknowledged by anyone refused"
    );

    // The wijkteam: counts per neighbourhood and kind, never a person; small counts hidden.
    let counts = w
        .app
        .get_as(&professional, "/v1/municipalities/GM0001/signals")
        .await;
    assert_eq!(counts.status, 200, "{}", counts.text());
    let text = counts.text();
    assert!(!text.contains(&w.resident.user_id));
    assert!(!text.contains("vrager"));
    let counts = counts.json();
    assert_eq!(counts["municipality_code"], "GM0001");
    let items = counts["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "every kind of the one neighbourhood");
    for item in items {
        assert_eq!(item["neighbourhood_id"], json!(w.neighbourhood));
        let expected = if item["kind"] == "unanswered_requests" {
            json!("<5")
        } else {
            json!(0)
        };
        assert_eq!(item["open"], expected, "{item}");
        assert_eq!(item["acknowledged"], 0);
    }
    assert_eq!(
        w.app
            .get_as(&w.admin, "/v1/municipalities/GM0001/signals")
            .await
            .status,
        200
    );
    for (who, session) in [
        ("a mediator", &w.mediator),
        ("a moderator", &w.moderator),
        ("a resident", &w.resident),
        ("a professional elsewhere", &professional_elsewhere),
    ] {
        let refused = w
            .app
            .get_as(session, "/v1/municipalities/GM0001/signals")
            .await;
        assert_eq!(refused.status, 403, "{who}: {}", refused.text());
    }
    assert_eq!(
        w.app.get("/v1/municipalities/GM0001/signals").await.status,
        401
    );
    w.app
        .get_as(&professional, "/v1/municipalities/GM9999/signals")
        .await
        .assert_problem(404, "not_found");
    w.app
        .get_as(&professional, "/v1/municipalities/nonsense/signals")
        .await
        .assert_problem(404, "not_found");

    // Bad input: nothing changes.
    for body in [
        json!({"note": "   "}),
        json!({"note": "a".repeat(2001)}),
        json!({"note": "x\u{0}y"}),
    ] {
        let refused = w.acknowledge(&w.mediator, &signal, body.clone()).await;
        assert!(
            refused.status == 422 || refused.status == 400,
            "{body}: {}",
            refused.text()
        );
    }
    for body in [json!({}), json!({"note": "ok", "extra": true})] {
        let refused = w.acknowledge(&w.mediator, &signal, body.clone()).await;
        assert!(refused.status == 422 || refused.status == 400, "{body}");
    }
    w.acknowledge(
        &w.mediator,
        &uuid::Uuid::new_v4().to_string(),
        json!({"note": "Gezien"}),
    )
    .await
    .assert_problem(404, "not_found");
    for query in [
        "?status=bogus",
        "?limit=0",
        "?limit=101",
        "?cursor=nonsense",
    ] {
        w.app
            .get_as(&w.mediator, &format!("{}{query}", w.signals_path()))
            .await
            .assert_problem(400, "invalid_query");
    }
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM signals WHERE acknowledged_at IS NOT NULL"),
        0
    );

    // Two mediators at once: one acknowledges, the other is told.
    let second = w
        .app
        .member(&w.admin, &w.neighbourhood, "tweede@example.nl", "mediator")
        .await;
    let answers = join_all([
        w.acknowledge(&w.mediator, &signal, json!({"note": "Ik ga langs"})),
        w.acknowledge(&second, &signal, json!({"note": "Ik bel"})),
    ])
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM signal_audit WHERE action = 'acknowledge'"),
        1
    );
    // Acknowledged counts show for the wijkteam.
    let counts = w
        .app
        .get_as(&professional, "/v1/municipalities/GM0001/signals")
        .await
        .json();
    let unanswered = counts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "unanswered_requests")
        .unwrap()
        .clone();
    assert_eq!(
        (
            unanswered["open"].clone(),
            unanswered["acknowledged"].clone()
        ),
        (json!(0), json!("<5"))
    );
}

#[actix_web::test]
async fn the_public_page_shows_what_the_neighbourhood_achieved() {
    let w = world().await;
    let today = local_date(Utc::now());
    // Six solved by neighbours this month, one with a mediator, one handed to the wijkteam.
    for _ in 0..6 {
        w.outcome(
            &w.neighbourhood,
            &uuid::Uuid::new_v4().to_string(),
            "matched_online",
            today,
        );
    }
    for outcome in ["solved_offline", "referred_wijkteam"] {
        let request = w.request("help", Duration::hours(1)).await;
        let case = w
            .app
            .post_as(
                &w.mediator,
                &format!("/v1/posts/{request}/escalate"),
                &json!({}),
            )
            .await;
        let case = case.json()["id"].as_str().unwrap().to_owned();
        let resolved = w
            .app
            .post_as(
                &w.mediator,
                &format!("/v1/cases/{case}/status"),
                &json!({"status": "resolved", "outcome": outcome, "summary": "Geregeld"}),
            )
            .await;
        assert_eq!(resolved.status, 200, "{}", resolved.text());
    }
    // Matched online, but while mediators had a case: their work too.
    let request = w.request("help", Duration::hours(1)).await;
    let case = w
        .app
        .post_as(
            &w.mediator,
            &format!("/v1/posts/{request}/escalate"),
            &json!({}),
        )
        .await;
    assert_eq!(case.status, 201);
    let case = case.json()["id"].as_str().unwrap().to_owned();
    let resolved = w
        .app
        .post_as(
            &w.mediator,
            &format!("/v1/cases/{case}/status"),
            &json!({"status": "resolved", "outcome": "matched_online", "summary": "Buur gevonden"}),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text());
    // Not solvable is no achievement; two years ago is not shown.
    w.outcome(
        &w.neighbourhood,
        &uuid::Uuid::new_v4().to_string(),
        "not_solvable",
        today,
    );
    w.outcome(
        &w.neighbourhood,
        &uuid::Uuid::new_v4().to_string(),
        "matched_online",
        today - Duration::days(800),
    );

    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let achievements = page.json()["achievements"].clone();
    // No lasting help here: none running.
    assert_eq!(achievements["lasting_arrangements"], json!(0));
    let months = achievements["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(
        months[0],
        json!({
            "month": today.format("%Y-%m").to_string(),
            "solved_by_neighbours": 6,
            "solved_with_mediator": "<5",
            "handed_to_wijkteam": "<5",
        })
    );
    for month in &months[1..] {
        assert_eq!(
            (
                month["solved_by_neighbours"].clone(),
                month["solved_with_mediator"].clone(),
                month["handed_to_wijkteam"].clone()
            ),
            (json!(0), json!(0), json!(0)),
            "{month}"
        );
    }
    use chrono::Datelike;
    assert_eq!(
        achievements["years"],
        json!([
            {"year": today.year(), "solved_by_neighbours": 6, "solved_with_mediator": "<5", "handed_to_wijkteam": "<5"},
            {"year": today.year() - 1, "solved_by_neighbours": 0, "solved_with_mediator": 0, "handed_to_wijkteam": 0},
        ])
    );
}
