//! Moderation (issue 19): reports on posts, messages and members; the queue and every
//! resolution with who may take it; the reporter and the member told; the one appeal decided by
//! someone else; the append-only log and its CSV; write limits under concurrent requests; first
//! posts held for review; `membership_pending`.

use buurt_tests::{Session, TestApp, TestResponse, spawn_app, spawn_app_with};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    /// Neighbourhood A, where everything happens.
    here: String,
    /// Neighbourhood B, where the author is a member too.
    elsewhere: String,
    moderator: Session,
    second_moderator: Session,
    /// A moderator of B only.
    moderator_elsewhere: Session,
    author: Session,
    reporter: Session,
    neighbour: Session,
}

async fn world_of(app: TestApp) -> World {
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let elsewhere = app
        .create_neighbourhood(&admin, "BU00000002", "Staart", &[])
        .await;
    let moderator = app
        .member(&admin, &here, "moderator@example.nl", "moderator")
        .await;
    let second_moderator = app
        .member(&admin, &here, "moderator2@example.nl", "moderator")
        .await;
    let moderator_elsewhere = app
        .member(&admin, &elsewhere, "moderator3@example.nl", "moderator")
        .await;
    let author = app
        .member(&admin, &here, "auteur@example.nl", "resident")
        .await;
    // The author belongs to B as well (an invite lets them in there too).
    let invite = app
        .post_as(
            &admin,
            &format!("/v1/neighbourhoods/{elsewhere}/invites"),
            &json!({}),
        )
        .await
        .json();
    let joined = app
        .post_as(
            &author,
            &format!("/v1/neighbourhoods/{elsewhere}/join"),
            &json!({"invite_code": invite["code"]}),
        )
        .await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    let reporter = app
        .member(&admin, &here, "melder@example.nl", "resident")
        .await;
    let neighbour = app
        .member(&admin, &here, "buur@example.nl", "resident")
        .await;
    World {
        app,
        admin,
        here,
        elsewhere,
        moderator,
        second_moderator,
        moderator_elsewhere,
        author,
        reporter,
        neighbour,
    }
}

async fn world() -> World {
    world_of(spawn_app().await).await
}

impl World {
    async fn post_in(&self, session: &Session, place: &str, title: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/neighbourhoods/{place}/posts"),
                &json!({"kind": "news", "title": title, "body": "Tekst"}),
            )
            .await
    }

    async fn post(&self, title: &str) -> String {
        let response = self.post_in(&self.author, &self.here, title).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn report_post(&self, session: &Session, post: &str, reason: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/posts/{post}/reports"),
                &json!({"reason": reason, "details": "Dit hoort hier niet"}),
            )
            .await
    }

    /// Reports `post` and returns the report's id.
    async fn reported(&self, session: &Session, post: &str) -> String {
        let response = self.report_post(session, post, "spam").await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    async fn report_member(
        &self,
        session: &Session,
        member: &Session,
        place: &str,
        reason: &str,
    ) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/users/{}/reports", member.user_id),
                &json!({"neighbourhood_id": place, "reason": reason}),
            )
            .await
    }

    async fn resolve(&self, session: &Session, report: &str, body: Value) -> TestResponse {
        self.app
            .post_as(session, &format!("/v1/reports/{report}/resolve"), &body)
            .await
    }

    async fn queue(&self, session: &Session) -> TestResponse {
        self.app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/reports", self.here),
            )
            .await
    }

    async fn log(&self, session: &Session) -> TestResponse {
        self.app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/moderation-log?limit=100", self.here),
            )
            .await
    }

    async fn log_actions(&self) -> Vec<String> {
        let log = self.log(&self.admin).await;
        assert_eq!(log.status, 200, "{}", log.text());
        log.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn kinds(&self, session: &Session) -> Vec<String> {
        self.app.notification_kinds(session).await
    }

    fn open_reports(&self) -> i64 {
        self.app
            .count("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL")
    }

    /// A request by the author with an offer of help by the neighbour: the match's id.
    async fn a_match(&self) -> String {
        let request = self
            .app
            .post_as(
                &self.author,
                &format!("/v1/neighbourhoods/{}/posts", self.here),
                &json!({"kind": "request", "title": "Boodschappen", "body": "Elke dinsdag.", "category": "help"}),
            )
            .await;
        assert_eq!(request.status, 201, "{}", request.text());
        let request = request.json()["id"].as_str().unwrap().to_owned();
        let offered = self
            .app
            .post_as(
                &self.neighbour,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik help graag"}),
            )
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        offered.json()["id"].as_str().unwrap().to_owned()
    }

    async fn message(&self, session: &Session, id: &str, body: &str) -> TestResponse {
        self.app
            .post_as(
                session,
                &format!("/v1/matches/{id}/messages"),
                &json!({"body": body}),
            )
            .await
    }
}

#[actix_web::test]
async fn a_reported_post_is_queued_resolved_and_everyone_is_told() {
    let w = world().await;
    let post = w.post("Koop goedkope horloges").await;
    let later = w.post("Nog meer reclame").await;

    // Bad input is refused and stores nothing.
    w.report_post(&w.reporter, &post, "boring")
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .post_as(
            &w.reporter,
            &format!("/v1/posts/{post}/reports"),
            &json!({"reason": "spam", "details": "x".repeat(1001)}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(w.open_reports(), 0);

    let first = w.report_post(&w.reporter, &post, "spam").await;
    assert_eq!(first.status, 201, "{}", first.text());
    let first = first.json();
    assert_eq!(
        (
            first["status"].clone(),
            first["target_kind"].clone(),
            first["reason"].clone()
        ),
        (json!("open"), json!("post"), json!("spam"))
    );
    let report = first["id"].as_str().unwrap().to_owned();
    // One open report per reporter and target.
    w.report_post(&w.reporter, &post, "dangerous")
        .await
        .assert_problem(409, "already_reported");
    w.reported(&w.neighbour, &post).await;
    w.reported(&w.reporter, &later).await;
    // Moderators hear of each new target once, not of every report.
    let told = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "report_queued").count();
    assert_eq!(told(w.kinds(&w.moderator).await), 2);
    assert_eq!(told(w.kinds(&w.second_moderator).await), 2);
    assert_eq!(told(w.kinds(&w.moderator_elsewhere).await), 0);

    // The queue: per target, oldest first, with the count; moderators here and admins only.
    let queue = w.queue(&w.moderator).await;
    assert_eq!(queue.status, 200, "{}", queue.text());
    let queue = queue.json();
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{queue}");
    assert_eq!(items[0]["target_id"], json!(post));
    assert_eq!(items[0]["report_count"], 2);
    assert_eq!(items[0]["report_id"], json!(report));
    assert_eq!(items[0]["member_id"], json!(w.author.user_id));
    assert_eq!(items[0]["reports"].as_array().unwrap().len(), 2);
    assert!(items[0]["reports"][0].get("reporter_id").is_none());
    assert_eq!(items[1]["target_id"], json!(later));
    assert_eq!(items[1]["report_count"], 1);
    let paged = w
        .app
        .get_as(
            &w.moderator,
            &format!("/v1/neighbourhoods/{}/reports?limit=1", w.here),
        )
        .await
        .json();
    assert_eq!(paged["items"][0]["target_id"], json!(post));
    let next = paged["next_cursor"].as_str().unwrap();
    let second_page = w
        .app
        .get_as(
            &w.moderator,
            &format!(
                "/v1/neighbourhoods/{}/reports?limit=1&cursor={next}",
                w.here
            ),
        )
        .await
        .json();
    assert_eq!(second_page["items"][0]["target_id"], json!(later));
    assert_eq!(second_page["next_cursor"], Value::Null);
    assert_eq!(w.queue(&w.admin).await.status, 200);
    w.queue(&w.reporter).await.assert_problem(403, "forbidden");
    w.queue(&w.moderator_elsewhere)
        .await
        .assert_problem(403, "forbidden");

    // Who may not resolve, and bad resolutions: nothing changes.
    let hide = json!({"resolution": "hide_post", "reason": "Reclame hoort niet in de buurt"});
    w.resolve(&w.reporter, &report, hide.clone())
        .await
        .assert_problem(403, "forbidden");
    w.resolve(&w.moderator_elsewhere, &report, hide.clone())
        .await
        .assert_problem(404, "not_found");
    for bad in [
        json!({"resolution": "hide_post", "reason": " "}),
        json!({"resolution": "remove_message", "reason": "x"}),
        json!({"resolution": "suspend", "reason": "x"}),
        json!({"resolution": "warn", "reason": "x", "suspend_days": 3}),
        json!({"resolution": "suspend", "reason": "x", "suspend_days": 0}),
        json!({"resolution": "suspend", "reason": "x", "suspend_days": 366}),
        json!({"resolution": "ban", "reason": "x"}),
    ] {
        w.resolve(&w.moderator, &report, bad)
            .await
            .assert_problem(422, "validation_failed");
    }
    assert_eq!(w.open_reports(), 3);
    assert_eq!(
        w.app
            .get_as(&w.reporter, &format!("/v1/posts/{post}"))
            .await
            .status,
        200
    );

    // The moderator hides the post: every open report on it is resolved.
    let decided = w.resolve(&w.moderator, &report, hide.clone()).await;
    assert_eq!(decided.status, 200, "{}", decided.text());
    let decided = decided.json();
    assert_eq!(decided["resolution"], "hide_post");
    assert_eq!(decided["report_reasons"], json!(["spam"]));
    assert!(
        decided["statement"]
            .as_str()
            .unwrap()
            .contains("Reclame hoort niet in de buurt")
    );
    assert_eq!(w.open_reports(), 1);
    w.app
        .get_as(&w.reporter, &format!("/v1/posts/{post}"))
        .await
        .assert_problem(404, "not_found");
    w.resolve(&w.second_moderator, &report, hide.clone())
        .await
        .assert_problem(409, "report_already_resolved");

    // The reporters see what happened to it, in plain words that name nobody.
    for reporter in [&w.reporter, &w.neighbour] {
        assert!(w.kinds(reporter).await.contains(&"report_resolved".into()));
        let mine = w.app.get_as(reporter, "/v1/me/reports").await.json();
        let on_post = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["target_id"] == json!(post))
            .unwrap()
            .clone();
        assert_eq!(on_post["status"], "resolved");
        assert_eq!(on_post["outcome"], "hide_post");
        let text = on_post["outcome_text"].as_str().unwrap();
        assert!(text.contains("hid the post"), "{text}");
        assert!(!text.contains("auteur"), "{text}");
    }
    let dutch = w
        .app
        .request(actix_web::http::Method::GET, "/v1/me/reports")
        .bearer(&w.reporter.access_token)
        .header("accept-language", "nl")
        .send()
        .await
        .json();
    assert!(
        dutch["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["outcome_text"] == "De moderatoren hebben het gemelde bericht verborgen.")
    );

    // The author is told what was done and why.
    assert!(
        w.kinds(&w.author)
            .await
            .contains(&"moderation_decision".into())
    );
    let statements = w
        .app
        .get_as(&w.author, "/v1/me/moderation-decisions")
        .await
        .json();
    let statement = &statements["items"][0];
    assert_eq!(statement["resolution"], "hide_post");
    assert_eq!(statement["reason"], "Reclame hoort niet in de buurt");
    assert_eq!(statement["appealable"], true);
    assert!(
        statement["statement"]
            .as_str()
            .unwrap()
            .contains("A moderator hid your post")
    );
    // Nobody else reads it.
    assert_eq!(
        w.app
            .get_as(&w.reporter, "/v1/me/moderation-decisions")
            .await
            .json()["items"],
        json!([])
    );

    // The step is in the log, with who, why and when.
    let log = w.log(&w.moderator).await.json();
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "hide_post")
        .unwrap()
        .clone();
    assert_eq!(entry["actor_id"], json!(w.moderator.user_id));
    assert_eq!(entry["target_id"], json!(post));
    assert_eq!(entry["reason"], "Reclame hoort niet in de buurt");
}

#[actix_web::test]
async fn every_resolution_does_what_it_says() {
    let w = world().await;

    // Dismiss: nothing happens to the author, who is not bothered with it.
    let post = w.post("Gewoon nieuws").await;
    let report = w.reported(&w.reporter, &post).await;
    let dismissed = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "dismiss", "reason": "Niets mis mee"}),
        )
        .await;
    assert_eq!(dismissed.status, 200, "{}", dismissed.text());
    assert_eq!(
        w.app
            .get_as(&w.reporter, &format!("/v1/posts/{post}"))
            .await
            .status,
        200
    );
    assert!(
        !w.kinds(&w.author)
            .await
            .contains(&"moderation_decision".into())
    );
    // Once resolved, the same reporter may report the target again.
    let again = w.reported(&w.reporter, &post).await;

    // Warn (by an administrator): the author is told.
    let warned = w
        .resolve(
            &w.admin,
            &again,
            json!({"resolution": "warn", "reason": "Let op je toon"}),
        )
        .await;
    assert_eq!(warned.status, 200, "{}", warned.text());
    assert!(
        w.kinds(&w.author)
            .await
            .contains(&"moderation_decision".into())
    );

    // Remove a message: a party reports what the other wrote; it leaves the thread.
    let id = w.a_match().await;
    let sent = w.message(&w.author, &id, "Jij bent dom").await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let message = sent.json()["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/matches/{id}/messages/{message}/reports");
    // Not one's own message; not a stranger's match.
    w.app
        .post_as(&w.author, &path, &json!({"reason": "intimidation"}))
        .await
        .assert_problem(422, "validation_failed");
    w.app
        .post_as(&w.reporter, &path, &json!({"reason": "intimidation"}))
        .await
        .assert_problem(404, "not_found");
    let reported = w
        .app
        .post_as(&w.neighbour, &path, &json!({"reason": "intimidation"}))
        .await;
    assert_eq!(reported.status, 201, "{}", reported.text());
    assert_eq!(reported.json()["target_kind"], "message");
    let report = reported.json()["id"].as_str().unwrap().to_owned();
    w.resolve(
        &w.moderator,
        &report,
        json!({"resolution": "hide_post", "reason": "x"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let removed = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "remove_message", "reason": "Schelden mag niet"}),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.text());
    let thread = w
        .app
        .get_as(&w.neighbour, &format!("/v1/matches/{id}/messages"))
        .await
        .json();
    assert!(
        thread["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["id"] != json!(message)),
        "{thread}"
    );

    // Suspend: no posting in this neighbourhood for N days, elsewhere still.
    let member_report = w
        .app
        .post_as(
            &w.reporter,
            &format!("/v1/users/{}/reports", w.author.user_id),
            &json!({"neighbourhood_id": w.here, "reason": "spam"}),
        )
        .await;
    assert_eq!(member_report.status, 201, "{}", member_report.text());
    assert_eq!(member_report.json()["target_kind"], "member");
    let report = member_report.json()["id"].as_str().unwrap().to_owned();
    let suspended = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "suspend", "reason": "Blijft reclame plaatsen", "suspend_days": 7}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text());
    let until = suspended.json()["suspended_until"]
        .as_str()
        .unwrap()
        .to_owned();
    let until: chrono::DateTime<chrono::Utc> = until.parse().unwrap();
    let days = (until - chrono::Utc::now()).num_hours();
    assert!((7 * 24 - 1..=7 * 24).contains(&days), "{days}");
    w.post_in(&w.author, &w.here, "Toch nog even")
        .await
        .assert_problem(403, "posting_suspended");
    let there = w.post_in(&w.author, &w.elsewhere, "Elders mag het").await;
    assert_eq!(there.status, 201, "{}", there.text());

    // Remove from the neighbourhood.
    let member_report = w
        .app
        .post_as(
            &w.neighbour,
            &format!("/v1/users/{}/reports", w.author.user_id),
            &json!({"neighbourhood_id": w.here, "reason": "intimidation"}),
        )
        .await;
    assert_eq!(member_report.status, 201, "{}", member_report.text());
    let report = member_report.json()["id"].as_str().unwrap().to_owned();
    let removed = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "remove_member", "reason": "Intimideert buren"}),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.text());
    let memberships = w.app.get_as(&w.author, "/v1/me/memberships").await.json();
    let here = memberships["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["neighbourhood_id"] == json!(w.here))
        .map(|m| m["status"].clone());
    assert_ne!(here, Some(json!("active")), "{memberships}");
    w.post_in(&w.author, &w.here, "Weer terug?")
        .await
        .assert_problem(403, "forbidden");

    let actions = w.log_actions().await;
    for action in [
        "dismiss",
        "warn",
        "remove_message",
        "suspend",
        "remove_member",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }
}

#[actix_web::test]
async fn members_are_reported_within_a_neighbourhood_they_share() {
    let w = world().await;
    w.report_member(&w.author, &w.author, &w.here, "spam")
        .await
        .assert_problem(422, "validation_failed");
    // The moderator of B is no member of A.
    w.report_member(&w.moderator_elsewhere, &w.author, &w.here, "spam")
        .await
        .assert_problem(403, "forbidden");
    // Someone who is no member of B cannot be reported there.
    w.report_member(&w.author, &w.reporter, &w.elsewhere, "spam")
        .await
        .assert_problem(404, "not_found");
    w.report_member(&w.reporter, &w.author, &w.here, "gossip")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(w.open_reports(), 0);
}

#[actix_web::test]
async fn an_appeal_is_decided_once_and_never_by_the_same_moderator() {
    let w = world().await;
    let report = w
        .app
        .post_as(
            &w.reporter,
            &format!("/v1/users/{}/reports", w.author.user_id),
            &json!({"neighbourhood_id": w.here, "reason": "spam"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let decision = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "suspend", "reason": "Reclame", "suspend_days": 3}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let appeal = format!("/v1/moderation-decisions/{decision}/appeal");
    let decide = format!("/v1/moderation-decisions/{decision}/appeal/decision");
    let overturn = json!({"outcome": "overturned", "reason": "Het was een buurtinitiatief"});

    // Nothing to decide before an appeal; only the member concerned appeals.
    w.app
        .post_as(&w.second_moderator, &decide, &overturn)
        .await
        .assert_problem(409, "not_appealed");
    w.app
        .post_as(&w.reporter, &appeal, &json!({"text": "Onterecht"}))
        .await
        .assert_problem(404, "not_found");
    w.app
        .post_as(&w.author, &appeal, &json!({"text": ""}))
        .await
        .assert_problem(422, "validation_failed");
    let appealed = w
        .app
        .post_as(
            &w.author,
            &appeal,
            &json!({"text": "Ik organiseer de rommelmarkt"}),
        )
        .await;
    assert_eq!(appealed.status, 200, "{}", appealed.text());
    assert_eq!(appealed.json()["appealable"], false);
    w.app
        .post_as(&w.author, &appeal, &json!({"text": "Nog eens"}))
        .await
        .assert_problem(409, "already_appealed");
    assert!(
        w.kinds(&w.second_moderator)
            .await
            .contains(&"appeal_filed".into())
    );

    // The same moderator may not decide it; nor a resident, nor a moderator elsewhere.
    w.app
        .post_as(&w.moderator, &decide, &overturn)
        .await
        .assert_problem(403, "same_moderator");
    w.app
        .post_as(&w.neighbour, &decide, &overturn)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .post_as(&w.moderator_elsewhere, &decide, &overturn)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .post_as(
            &w.second_moderator,
            &decide,
            &json!({"outcome": "maybe", "reason": "x"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    w.post_in(&w.author, &w.here, "Nog geschorst")
        .await
        .assert_problem(403, "posting_suspended");

    // Another moderator overturns it: the suspension is lifted and the member told.
    let decided = w.app.post_as(&w.second_moderator, &decide, &overturn).await;
    assert_eq!(decided.status, 200, "{}", decided.text());
    assert_eq!(decided.json()["appeal"]["outcome"], "overturned");
    assert_eq!(
        w.post_in(&w.author, &w.here, "Weer welkom").await.status,
        201
    );
    assert!(w.kinds(&w.author).await.contains(&"appeal_decided".into()));
    w.app
        .post_as(
            &w.admin,
            &decide,
            &json!({"outcome": "upheld", "reason": "x"}),
        )
        .await
        .assert_problem(409, "appeal_already_decided");
    let actions = w.log_actions().await;
    for action in [
        "suspend",
        "appeal_filed",
        "appeal_overturned",
        "lift_suspension",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action}: {actions:?}"
        );
    }

    // An administrator decides an appeal too (upheld: the post stays hidden).
    let post = w.post("Reclame").await;
    let report = w.reported(&w.reporter, &post).await;
    let decision = w
        .resolve(
            &w.moderator,
            &report,
            json!({"resolution": "hide_post", "reason": "Reclame"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.app
        .post_as(
            &w.author,
            &format!("/v1/moderation-decisions/{decision}/appeal"),
            &json!({"text": "Het is nieuws"}),
        )
        .await;
    let upheld = w
        .app
        .post_as(
            &w.admin,
            &format!("/v1/moderation-decisions/{decision}/appeal/decision"),
            &json!({"outcome": "upheld", "reason": "Het is reclame"}),
        )
        .await;
    assert_eq!(upheld.status, 200, "{}", upheld.text());
    w.app
        .get_as(&w.reporter, &format!("/v1/posts/{post}"))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_log_records_every_step_cannot_be_changed_and_exports_as_csv() {
    let w = world().await;
    let post = w.post("Straatfeest").await;
    let reason = "=HYPERLINK(\"http://evil\")";
    let report = w.reported(&w.reporter, &post).await;
    w.resolve(
        &w.moderator,
        &report,
        json!({"resolution": "warn", "reason": reason}),
    )
    .await;
    for step in ["hide", "unhide"] {
        let response = w
            .app
            .post_as(
                &w.moderator,
                &format!("/v1/posts/{post}/{step}"),
                &json!({}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
    }
    let changed = w
        .app
        .put_as(
            &w.admin,
            &format!(
                "/v1/neighbourhoods/{}/members/{}",
                w.here, w.neighbour.user_id
            ),
            &json!({"role": "mediator"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());

    let actions = w.log_actions().await;
    // The world's two moderators were made so by role changes, logged too.
    assert_eq!(
        actions,
        [
            "role_change",
            "role_change",
            "warn",
            "hide_post",
            "unhide_post",
            "role_change"
        ]
    );
    let log = w.log(&w.moderator).await.json();
    let role = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["action"] == "role_change")
        .unwrap()
        .clone();
    assert_eq!(role["actor_id"], json!(w.admin.user_id));
    assert_eq!(role["target_id"], json!(w.neighbour.user_id));
    assert_eq!(role["reason"], "resident -> mediator");

    // Readable by moderators here and administrators only.
    w.log(&w.neighbour).await.assert_problem(403, "forbidden");
    w.log(&w.moderator_elsewhere)
        .await
        .assert_problem(403, "forbidden");

    // CSV: every entry, formulas defused.
    let csv = w
        .app
        .request(
            actix_web::http::Method::GET,
            &format!("/v1/neighbourhoods/{}/moderation-log", w.here),
        )
        .bearer(&w.moderator.access_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(csv.body.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "created_at",
            "action",
            "actor_id",
            "target_kind",
            "target_id",
            "reason",
            "id"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), actions.len());
    let warn = rows.iter().find(|r| &r[1] == "warn").unwrap();
    assert_eq!(&warn[5], &format!("'{reason}"));

    // Nobody changes the log, not even behind the API's back.
    use diesel::connection::SimpleConnection;
    let mut conn = w.app.database.connect();
    assert!(
        conn.batch_execute("UPDATE moderation_log SET reason = 'nothing'")
            .is_err()
    );
    assert!(conn.batch_execute("DELETE FROM moderation_log").is_err());
    assert_eq!(w.log_actions().await, actions);
}

#[actix_web::test]
async fn limits_hold_under_concurrent_requests() {
    let app = spawn_app_with(|config| {
        config.limit_posts_per_hour = 3;
        config.limit_messages_per_minute = 2;
        config.limit_reports_per_day = 2;
        config.limit_offers_per_hour = 2;
    })
    .await;
    let w = world_of(app).await;

    let passed = |responses: &[TestResponse], code: u16| {
        for r in responses.iter().filter(|r| r.status != code) {
            let problem = r.assert_problem(429, "write_limit_reached");
            let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
            assert!(wait >= 1, "{problem}");
        }
        responses.iter().filter(|r| r.status == code).count()
    };

    // Posts: 8 at once, exactly 3 pass.
    let w = &w;
    let posts = join_all(
        (0..8).map(|i| async move { w.post_in(&w.author, &w.here, &format!("Post {i}")).await }),
    )
    .await;
    assert_eq!(passed(&posts, 201), 3);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM posts WHERE author_id = '{}'",
            w.author.user_id
        )),
        3
    );
    let wait: u64 = posts
        .iter()
        .find(|r| r.status == 429)
        .unwrap()
        .header("retry-after")
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    // Another member is not slowed by the author's limit.
    assert_eq!(
        w.post_in(&w.reporter, &w.here, "Eigen post").await.status,
        201
    );

    // Reports: 6 at once on different posts, exactly 2 pass.
    let targets: Vec<String> = posts
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.json()["id"].as_str().unwrap().to_owned())
        .collect();
    let reports = join_all(
        targets
            .iter()
            .chain(targets.iter())
            .map(|post| w.report_post(&w.neighbour, post, "spam")),
    )
    .await;
    // Reporting the same post twice is `already_reported`, not a pass.
    let created = reports.iter().filter(|r| r.status == 201).count();
    assert_eq!(
        created,
        2,
        "{:?}",
        reports.iter().map(|r| r.text()).collect::<Vec<_>>()
    );
    assert!(reports.iter().any(|r| r.status == 429));

    // Offers of help: the neighbour offers on 4 requests at once, exactly 2 pass.
    let mut requests = Vec::new();
    for (i, author) in [&w.reporter, &w.moderator, &w.second_moderator, &w.admin]
        .into_iter()
        .enumerate()
    {
        let response = w
            .app
            .post_as(
                author,
                &format!("/v1/neighbourhoods/{}/posts", w.here),
                &json!({"kind": "request", "title": format!("Hulp {i}"), "body": "x", "category": "help"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        requests.push(response.json()["id"].as_str().unwrap().to_owned());
    }
    let offers = join_all(requests.iter().map(|request| async move {
        w.app
            .post_as(
                &w.neighbour,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik help"}),
            )
            .await
    }))
    .await;
    assert_eq!(passed(&offers, 201), 2);

    // Messages: 5 at once in one thread, exactly 2 pass.
    let id = offers.iter().find(|r| r.status == 201).unwrap().json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = &id;
    let messages = join_all(
        (0..5).map(|i| async move { w.message(&w.neighbour, id, &format!("Hoi {i}")).await }),
    )
    .await;
    assert_eq!(passed(&messages, 201), 2);
}

#[actix_web::test]
async fn new_members_first_posts_wait_for_a_moderator_when_asked() {
    let w = world().await;
    let settings = format!("/v1/neighbourhoods/{}/settings", w.here);
    w.app
        .put_as(
            &w.neighbour,
            &settings,
            &json!({"escalate_after_days": 3, "first_posts_reviewed": true}),
        )
        .await
        .assert_problem(403, "forbidden");
    let set = w
        .app
        .put_as(
            &w.moderator,
            &settings,
            &json!({"escalate_after_days": 3, "first_posts_reviewed": true}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["first_posts_reviewed"], true);

    let held = w.post("Mijn eerste bericht").await;
    // The author sees it (hidden); others do not, until a moderator releases it.
    let own = w.app.get_as(&w.author, &format!("/v1/posts/{held}")).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.json()["hidden"], true);
    w.app
        .get_as(&w.reporter, &format!("/v1/posts/{held}"))
        .await
        .assert_problem(404, "not_found");
    assert!(w.kinds(&w.moderator).await.contains(&"post_held".into()));
    let list = w
        .app
        .get_as(
            &w.moderator,
            &format!("/v1/neighbourhoods/{}/held-posts", w.here),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(list.json()["items"][0]["post_id"], json!(held));
    w.app
        .get_as(
            &w.author,
            &format!("/v1/neighbourhoods/{}/held-posts", w.here),
        )
        .await
        .assert_problem(403, "forbidden");
    // A moderator's own posts are never held.
    let by_moderator = w
        .post_in(&w.moderator, &w.here, "Van de moderator")
        .await
        .json();
    assert_eq!(by_moderator["hidden"], false);

    let released = w
        .app
        .post_as(
            &w.moderator,
            &format!("/v1/posts/{held}/unhide"),
            &json!({}),
        )
        .await;
    assert_eq!(released.status, 200, "{}", released.text());
    assert_eq!(
        w.app
            .get_as(&w.reporter, &format!("/v1/posts/{held}"))
            .await
            .status,
        200
    );
    assert!(w.log_actions().await.contains(&"approve_post".into()));
    assert_eq!(
        w.app
            .get_as(
                &w.moderator,
                &format!("/v1/neighbourhoods/{}/held-posts", w.here)
            )
            .await
            .json()["items"],
        json!([])
    );

    // After the first three, posts go out at once; without the setting, at once too.
    for i in 0..2 {
        w.post(&format!("Bericht {i}")).await;
    }
    let fourth = w.post_in(&w.author, &w.here, "Vierde").await.json();
    assert_eq!(fourth["hidden"], false);
    let elsewhere = w.post_in(&w.author, &w.elsewhere, "Elders").await.json();
    assert_eq!(elsewhere["hidden"], false);
}

#[actix_web::test]
async fn a_pending_member_is_told_their_membership_is_pending() {
    let w = world().await;
    let outsider = w.app.register("nieuw@example.nl").await;
    let joined = w
        .app
        .post_as(
            &outsider,
            &format!("/v1/neighbourhoods/{}/join", w.here),
            &json!({}),
        )
        .await;
    assert_eq!(joined.json()["status"], "pending", "{}", joined.text());
    let refused = w.post_in(&outsider, &w.here, "Hallo buren").await;
    let problem = refused.assert_problem(403, "membership_pending");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("moderator") && !detail.contains("  "),
        "{detail}"
    );
    w.app
        .get_as(&outsider, &format!("/v1/neighbourhoods/{}/members", w.here))
        .await
        .assert_problem(403, "membership_pending");
    // Someone with no membership at all still gets a plain `forbidden`.
    let stranger = w.app.register("vreemd@example.nl").await;
    w.post_in(&stranger, &w.here, "Hallo")
        .await
        .assert_problem(403, "forbidden");
    w.report_member(&outsider, &w.author, &w.here, "spam")
        .await
        .assert_problem(403, "membership_pending");
}

#[actix_web::test]
async fn races_leave_one_open_report_one_resolution_and_one_appeal_decision() {
    let w = world().await;
    let post = w.post("Twijfelachtig").await;
    // The same reporter, five times at once: one report.
    let (w, post) = (&w, &post);
    let reports =
        join_all((0..5).map(|_| async move { w.report_post(&w.reporter, post, "spam").await }))
            .await;
    assert_eq!(reports.iter().filter(|r| r.status == 201).count(), 1);
    for refused in reports.iter().filter(|r| r.status != 201) {
        refused.assert_problem(409, "already_reported");
    }
    assert_eq!(w.open_reports(), 1);
    let report = reports.iter().find(|r| r.status == 201).unwrap().json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Two moderators resolve at once: one decision.
    let report = &report;
    let resolutions = join_all(
        [&w.moderator, &w.second_moderator].map(|moderator| async move {
            w.resolve(
                moderator,
                report,
                json!({"resolution": "suspend", "reason": "Reclame", "suspend_days": 2}),
            )
            .await
        }),
    )
    .await;
    assert_eq!(resolutions.iter().filter(|r| r.status == 200).count(), 1);
    for refused in resolutions.iter().filter(|r| r.status != 200) {
        refused.assert_problem(409, "report_already_resolved");
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM moderation_decisions"), 1);
    let decided = resolutions.iter().find(|r| r.status == 200).unwrap().json();
    let decision = decided["id"].as_str().unwrap().to_owned();

    // The appeal, decided at once by the other moderator and an administrator: one decision.
    let appealed = w
        .app
        .post_as(
            &w.author,
            &format!("/v1/moderation-decisions/{decision}/appeal"),
            &json!({"text": "Onterecht"}),
        )
        .await;
    assert_eq!(appealed.status, 200, "{}", appealed.text());
    let decided_by = w.app.count(&format!(
        "SELECT COUNT(*) FROM moderation_decisions WHERE decided_by = '{}'",
        w.moderator.user_id
    ));
    let other = if decided_by == 1 {
        &w.second_moderator
    } else {
        &w.moderator
    };
    let path = format!("/v1/moderation-decisions/{decision}/appeal/decision");
    let path = &path;
    let answers = join_all([other, &w.admin].map(|judge| async move {
        w.app
            .post_as(
                judge,
                path,
                &json!({"outcome": "overturned", "reason": "Klopt"}),
            )
            .await
    }))
    .await;
    assert_eq!(answers.iter().filter(|r| r.status == 200).count(), 1);
    for refused in answers.iter().filter(|r| r.status != 200) {
        refused.assert_problem(409, "appeal_already_decided");
    }
    let actions = w.log_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "appeal_overturned" || *a == "lift_suspension")
            .count(),
        2,
        "{actions:?}"
    );
}
