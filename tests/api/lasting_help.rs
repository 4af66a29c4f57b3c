//! Lasting help ("maatjes", issue 20): a recurring request, the arrangement its accepted match
//! becomes, sessions, ending it, and the job that asks a mediator to check in when it lapses.

use buurt_api::cli::commands::{JobsReport, run_jobs};
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    requester: Session,
    helper: Session,
    mediator: Session,
    outsider: Session,
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
    let helper = app
        .member(&admin, &neighbourhood, "maatje@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let outsider = app
        .member(&admin, &neighbourhood, "buur@example.nl", "resident")
        .await;
    World {
        app,
        admin,
        neighbourhood,
        requester,
        helper,
        mediator,
        outsider,
    }
}

fn day(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

impl World {
    async fn create_request(&self, extra: Value) -> TestResponse {
        let mut body = json!({"kind": "request", "title": "Wandelen met rolstoel",
                              "body": "Elke week een rondje door het park.", "category": "help"});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        self.app
            .post_as(
                &self.requester,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await
    }

    async fn request(&self, extra: Value) -> String {
        let response = self.create_request(extra).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// The helper offers; returns the match.
    async fn offered(&self, request: &str) -> String {
        let response = self
            .app
            .post_as(
                &self.helper,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik loop graag mee"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// The helper offers and the requester accepts; returns the match.
    async fn accepted(&self, request: &str) -> String {
        let id = self.offered(request).await;
        let response = self
            .app
            .post_as(
                &self.requester,
                &format!("/v1/matches/{id}/accept"),
                &json!({}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        id
    }

    async fn session(&self, who: &Session, id: &str, body: Value) -> TestResponse {
        self.app
            .post_as(who, &format!("/v1/matches/{id}/sessions"), &body)
            .await
    }

    async fn recorded(&self, who: &Session, id: &str, on: NaiveDate, status: &str) {
        let response = self
            .session(who, id, json!({"on": on.to_string(), "status": status}))
            .await;
        assert_eq!(response.status, 201, "{on}: {}", response.text());
    }

    async fn sessions(&self, who: &Session, id: &str) -> TestResponse {
        self.app
            .get_as(who, &format!("/v1/matches/{id}/sessions"))
            .await
    }

    async fn end(&self, who: &Session, id: &str, body: &Value) -> TestResponse {
        self.app
            .post_as(who, &format!("/v1/matches/{id}/end"), body)
            .await
    }

    async fn get(&self, who: &Session, path: &str) -> Value {
        let response = self.app.get_as(who, path).await;
        assert_eq!(response.status, 200, "{path}: {}", response.text());
        response.json()
    }

    fn jobs(&self, at: DateTime<Utc>) -> JobsReport {
        run_jobs(
            &buurt_api::Config::with_database_url(self.app.database.url()),
            at,
        )
        .unwrap()
    }

    /// The open cases of the neighbourhood, as its mediator sees them.
    async fn cases(&self) -> Vec<Value> {
        self.get(
            &self.mediator,
            &format!("/v1/neighbourhoods/{}/cases", self.neighbourhood),
        )
        .await["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// How many arrangements the neighbourhood's public page says run now.
    async fn running_in_public(&self) -> Value {
        let page = self
            .app
            .get(&format!("/v1/neighbourhoods/{}/page", self.neighbourhood))
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        page.json()["achievements"]["lasting_arrangements"].clone()
    }

    /// The `lasting_help_lapsed` signals the neighbourhood's mediator sees: whom each is about.
    async fn lapse_signals(&self) -> Vec<Value> {
        self.get(
            &self.mediator,
            &format!("/v1/neighbourhoods/{}/signals", self.neighbourhood),
        )
        .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|signal| signal["kind"] == "lasting_help_lapsed")
            .map(|signal| signal["person"]["id"].clone())
            .collect()
    }

    async fn lapses_audited(&self, case: &str) -> usize {
        self.get(&self.admin, &format!("/v1/cases/{case}/audit"))
            .await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["action"] == "arrangement_lapsed")
            .count()
    }
}

#[actix_web::test]
async fn a_weekly_walk_stays_active_and_a_lapse_reaches_a_mediator_once() {
    let w = world().await;
    let request = w.request(json!({"recurrence": "weekly"})).await;
    let post = w.get(&w.requester, &format!("/v1/posts/{request}")).await;
    assert_eq!(
        (
            post["recurrence"].clone(),
            post["recurrence_ends_on"].clone()
        ),
        (json!("weekly"), Value::Null)
    );
    let id = w.accepted(&request).await;
    let now = Utc::now();
    let today = day(now);
    let arrangement = w.sessions(&w.helper, &id).await.json();
    assert_eq!(arrangement["starts_on"], json!(today.to_string()));
    assert_eq!(arrangement["recurrence"], "weekly");
    assert_eq!(arrangement["sessions"], json!([]));

    // Six weeks ago, as the job sees it: the arrangement began on `start`.
    let start = today - Days::new(42);
    w.app.sql(&format!(
        "UPDATE arrangements SET starts_on = '{start}' WHERE match_id = '{id}'"
    ));
    let week = |n: u64| start + Days::new(7 * n);
    w.recorded(&w.helper, &id, week(0), "done").await;
    w.recorded(&w.requester, &id, week(1), "done").await;
    let noted = w
        .session(
            &w.requester,
            &id,
            json!({"on": week(2).to_string(), "status": "done",
                   "note_to_mediator": "Het gaat goed, hij is erg geduldig."}),
        )
        .await;
    assert_eq!(noted.status, 201, "{}", noted.text());
    w.recorded(&w.helper, &id, week(3) + Days::new(1), "skipped")
        .await;
    w.session(
        &w.helper,
        &id,
        json!({"on": week(1).to_string(), "status": "skipped"}),
    )
    .await
    .assert_problem(409, "session_already_recorded");
    // Many sessions, and the match is still accepted: it does not complete after one.
    let found = w.get(&w.requester, &format!("/v1/matches/{id}")).await;
    assert_eq!(found["status"], "accepted");
    assert_eq!(
        w.get(&w.requester, &format!("/v1/posts/{request}")).await["status"],
        "matched"
    );

    // Who reads what: each party its own notes; the mediator all; nobody else anything.
    let notes = |body: &Value| -> Vec<Value> {
        body["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["note_to_mediator"].clone())
            .collect()
    };
    let by_helper = w.sessions(&w.helper, &id).await.json();
    assert_eq!(by_helper["sessions"].as_array().unwrap().len(), 4);
    assert!(notes(&by_helper).iter().all(Value::is_null));
    assert!(
        notes(&w.sessions(&w.requester, &id).await.json())
            .contains(&json!("Het gaat goed, hij is erg geduldig."))
    );
    assert!(
        notes(&w.sessions(&w.mediator, &id).await.json())
            .contains(&json!("Het gaat goed, hij is erg geduldig."))
    );
    w.sessions(&w.outsider, &id)
        .await
        .assert_problem(404, "not_found");

    // Simulated weeks. Two weeks ago: week 3 skipped, week 4 running: no lapse yet.
    assert_eq!(w.jobs(now - Days::new(14)).lapsed_arrangements, 0);
    assert!(w.cases().await.is_empty());
    // A week ago, weeks 3 and 4 had passed without a walk: a lapse, noticed once by two
    // runs of the job at the same time.
    let url = w.app.database.url();
    let at = now - Days::new(7);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                run_jobs(&buurt_api::Config::with_database_url(url), at)
                    .unwrap()
                    .lapsed_arrangements
            })
        })
        .collect();
    let noticed: usize = runs.into_iter().map(|run| run.join().unwrap()).sum();
    assert_eq!(noticed, 1, "one lapse, one follow-up");
    let cases = w.cases().await;
    assert_eq!(cases.len(), 1);
    let case = cases[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(cases[0]["request_id"], json!(request));
    assert_eq!(cases[0]["escalated_by"], "job");
    assert!(
        cases[0]["reason"]
            .as_str()
            .unwrap()
            .contains(&week(3).to_string()),
        "{}",
        cases[0]["reason"]
    );
    assert!(cases[0]["follow_up_at"].is_string());
    assert!(
        w.app
            .notification_kinds(&w.mediator)
            .await
            .contains(&"case_new".to_owned())
    );
    // The request stays matched: the walk goes on while the mediator checks in.
    assert_eq!(
        w.get(&w.requester, &format!("/v1/posts/{request}")).await["status"],
        "matched"
    );
    // The same lapse, still going on today: not again.
    assert_eq!(w.jobs(at).lapsed_arrangements, 0);
    assert_eq!(w.jobs(now).lapsed_arrangements, 0);
    assert_eq!(w.lapses_audited(&case).await, 1);
    // And the mediators get one signal about the person helped.
    assert_eq!(w.lapse_signals().await, [json!(w.requester.user_id)]);

    // They walk again today; three weeks later, two more weeks were missed: a new lapse, on
    // the case that is still open.
    w.recorded(&w.helper, &id, today, "done").await;
    assert_eq!(w.jobs(now + Days::new(14)).lapsed_arrangements, 0);
    assert_eq!(w.jobs(now + Days::new(21)).lapsed_arrangements, 1);
    assert_eq!(w.jobs(now + Days::new(22)).lapsed_arrangements, 0);
    assert_eq!(w.cases().await.len(), 1);
    assert_eq!(w.lapses_audited(&case).await, 2);
    // issue 20 (h20rest): the case's timeline names the arrangement's match at the lapses,
    // the case the job opened for it, and the session recorded while it was open.
    let timeline = w
        .get(&w.mediator, &format!("/v1/cases/{case}/timeline"))
        .await;
    let mut steps: Vec<String> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["kind"], e["match_id"], e["actor"]["id"]))
        .collect();
    // The case opened and the first lapse share a moment: compared without their order.
    steps[..2].sort();
    let about = json!(id);
    assert_eq!(
        steps,
        vec![
            format!("\"arrangement_lapsed\" {about} null"),
            format!("\"escalated\" {about} null"),
            format!("\"session_recorded\" {about} \"{}\"", w.helper.user_id),
            format!("\"arrangement_lapsed\" {about} null"),
        ],
        "{timeline}"
    );
    // The signal still open is brought up to date, not doubled.
    assert_eq!(w.lapse_signals().await, [json!(w.requester.user_id)]);

    // The public page counts the running arrangement, suppressed as a small number.
    assert_eq!(w.running_in_public().await, json!("<5"));

    // Either party ends it, with a reason: the match completes, the request is fulfilled.
    w.end(&w.outsider, &id, &json!({"reason": "Klaar"}))
        .await
        .assert_problem(404, "not_found");
    w.end(&w.mediator, &id, &json!({"reason": "Klaar"}))
        .await
        .assert_problem(403, "not_your_move");
    let ended = w
        .end(
            &w.helper,
            &id,
            &json!({"reason": "Ik verhuis naar Utrecht."}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text());
    assert_eq!(ended.json()["ended"]["by"], "helper");
    assert_eq!(ended.json()["ended"]["reason"], "Ik verhuis naar Utrecht.");
    assert_eq!(
        w.get(&w.requester, &format!("/v1/matches/{id}")).await["status"],
        "completed"
    );
    assert_eq!(
        w.get(&w.requester, &format!("/v1/posts/{request}")).await["status"],
        "fulfilled"
    );
    w.end(&w.requester, &id, &json!({"reason": "Nog eens"}))
        .await
        .assert_problem(409, "no_running_arrangement");
    w.session(
        &w.requester,
        &id,
        json!({"on": today.to_string(), "status": "skipped"}),
    )
    .await
    .assert_problem(409, "no_running_arrangement");
    assert_eq!(w.jobs(now + Days::new(90)).lapsed_arrangements, 0);
    assert_eq!(w.running_in_public().await, json!(0));
}

impl World {
    async fn end_body(&self, who: &Session, id: &str, body: Value) -> TestResponse {
        self.end(who, id, &body).await
    }
}

#[actix_web::test]
async fn lasting_help_refuses_what_does_not_fit_and_changes_nothing() {
    let w = world().await;
    let today = day(Utc::now());
    let posts = || w.app.count("SELECT COUNT(*) FROM posts");
    let before = posts();
    for (extra, field) in [
        (
            json!({"recurrence": "weekly", "kind": "offer"}),
            "recurrence",
        ),
        (
            json!({"recurrence_ends_on": "2027-01-01"}),
            "recurrence_ends_on",
        ),
        (
            json!({"recurrence": "monthly", "recurrence_ends_on": today.to_string()}),
            "recurrence_ends_on",
        ),
        (
            json!({"recurrence": "monthly", "recurrence_ends_on": "2300-01-01"}),
            "recurrence_ends_on",
        ),
    ] {
        let problem = w
            .create_request(extra.clone())
            .await
            .assert_problem(422, "validation_failed");
        assert!(problem.to_string().contains(field), "{extra}: {problem}");
    }
    w.create_request(json!({"recurrence": "daily"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(posts(), before, "nothing was posted");

    // A request that does not recur: its match has no sessions and no ending.
    let once = w.request(json!({})).await;
    let single = w.accepted(&once).await;
    w.sessions(&w.requester, &single)
        .await
        .assert_problem(409, "no_running_arrangement");
    w.session(
        &w.helper,
        &single,
        json!({"on": today.to_string(), "status": "done"}),
    )
    .await
    .assert_problem(409, "no_running_arrangement");
    w.end_body(&w.helper, &single, json!({"reason": "Klaar"}))
        .await
        .assert_problem(409, "no_running_arrangement");

    // Recurring, ending in a month; while only proposed there is no arrangement yet.
    let ends_on = today + Days::new(30);
    let request = w
        .request(json!({"recurrence": "fortnightly", "recurrence_ends_on": ends_on.to_string()}))
        .await;
    let proposed = w.offered(&request).await;
    w.session(
        &w.helper,
        &proposed,
        json!({"on": today.to_string(), "status": "done"}),
    )
    .await
    .assert_problem(409, "no_running_arrangement");
    let accepted = w
        .app
        .post_as(
            &w.requester,
            &format!("/v1/matches/{proposed}/accept"),
            &json!({}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let id = proposed;
    let arrangement = w.sessions(&w.requester, &id).await.json();
    assert_eq!(arrangement["recurrence"], "fortnightly");
    assert_eq!(arrangement["ends_on"], json!(ends_on.to_string()));

    // Days outside the arrangement, bad notes, bad statuses, who may not.
    for on in [today + Days::new(1), today - Days::new(1)] {
        w.session(
            &w.helper,
            &id,
            json!({"on": on.to_string(), "status": "done"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
    w.session(
        &w.helper,
        &id,
        json!({"on": today.to_string(), "status": "done", "note_to_mediator": "a\u{7}b"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    w.session(
        &w.helper,
        &id,
        json!({"on": today.to_string(), "status": "done", "note_to_mediator": "x".repeat(1001)}),
    )
    .await
    .assert_problem(422, "validation_failed");
    for wrong in [
        json!({"on": today.to_string(), "status": "maybe"}),
        json!({"on": "gisteren", "status": "done"}),
        json!({"on": today.to_string(), "status": "done", "extra": 1}),
    ] {
        w.session(&w.helper, &id, wrong)
            .await
            .assert_problem(422, "validation_failed");
    }
    w.session(
        &w.mediator,
        &id,
        json!({"on": today.to_string(), "status": "done"}),
    )
    .await
    .assert_problem(403, "not_your_move");
    w.session(
        &w.outsider,
        &id,
        json!({"on": today.to_string(), "status": "done"}),
    )
    .await
    .assert_problem(404, "not_found");
    w.end_body(&w.requester, &id, json!({"reason": "   "}))
        .await
        .assert_problem(422, "validation_failed");
    let unauthenticated = w
        .app
        .post(
            &format!("/v1/matches/{id}/sessions"),
            &json!({"on": today.to_string(), "status": "done"}),
        )
        .await;
    assert_eq!(unauthenticated.status, 401);
    // Nothing was recorded, and the arrangement runs.
    let arrangement = w.sessions(&w.requester, &id).await.json();
    assert_eq!(arrangement["sessions"], json!([]));
    assert_eq!(arrangement["ended"], Value::Null);
    assert_eq!(
        w.get(&w.requester, &format!("/v1/matches/{id}")).await["status"],
        "accepted"
    );
}

impl World {
    async fn rsvp(&self, who: &Session, post: &str, occurrence: Option<NaiveDate>) -> TestResponse {
        let query = occurrence.map_or(String::new(), |on| format!("?occurrence={on}"));
        self.app
            .post_as(who, &format!("/v1/posts/{post}/rsvp{query}"), &json!({}))
            .await
    }
}

#[actix_web::test]
async fn a_weekly_koffieochtend_is_one_series_answered_per_occurrence() {
    let w = world().await;
    // 09:00 UTC is 10:00 or 11:00 in Amsterdam: the same day there.
    let first_start = (Utc::now() + Days::new(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let first = day(first_start);
    let ends_on = first + Days::new(56);
    let activity = |extra: Value| {
        let mut body = json!({"kind": "activity", "title": "Koffieochtend", "body": "Elke week koffie.",
            "activity": {"starts_at": first_start.to_rfc3339(),
                         "ends_at": (first_start + chrono::Duration::hours(2)).to_rfc3339(),
                         "location": "Buurthuis", "capacity": 2}});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let path = format!("/v1/neighbourhoods/{}/posts", w.neighbourhood);
    // Bad series: monthly from after the 28th, an end before the first day.
    let late = Utc::now()
        .date_naive()
        .with_day(1)
        .unwrap()
        .checked_add_months(chrono::Months::new(1))
        .unwrap()
        .with_day(29)
        .unwrap_or_else(|| Utc::now().date_naive())
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let mut monthly = activity(json!({"recurrence": "monthly"}));
    monthly["activity"]["starts_at"] = json!(late.to_rfc3339());
    monthly["activity"]["ends_at"] = json!((late + chrono::Duration::hours(1)).to_rfc3339());
    let refused = w.app.post_as(&w.requester, &path, &monthly).await;
    if late.day() == 29 {
        refused.assert_problem(422, "validation_failed");
    }
    w.app
        .post_as(
            &w.requester,
            &path,
            &activity(json!({"recurrence": "weekly", "recurrence_ends_on": first.to_string()})),
        )
        .await
        .assert_problem(422, "validation_failed");

    let created = w
        .app
        .post_as(
            &w.requester,
            &path,
            &activity(json!({"recurrence": "weekly", "recurrence_ends_on": ends_on.to_string()})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["recurrence"], "weekly");
    let series = created.json()["id"].as_str().unwrap().to_owned();

    // Answered per occurrence: without one, or on a day it does not take place, refused.
    w.rsvp(&w.helper, &series, None)
        .await
        .assert_problem(422, "validation_failed");
    for wrong in [
        first + Days::new(1),
        first + Days::new(63),
        first - Days::new(7),
    ] {
        w.rsvp(&w.helper, &series, Some(wrong))
            .await
            .assert_problem(422, "validation_failed");
    }
    let bad = w
        .app
        .post_as(
            &w.helper,
            &format!("/v1/posts/{series}/rsvp?occurrence=volgende-week"),
            &json!({}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());

    // Two places per occurrence.
    let going = w.rsvp(&w.helper, &series, Some(first)).await;
    assert_eq!(going.status, 201, "{}", going.text());
    assert_eq!(
        (
            going.json()["status"].clone(),
            going.json()["occurrence"].clone()
        ),
        (json!("going"), json!(first.to_string()))
    );
    assert_eq!(w.rsvp(&w.helper, &series, Some(first)).await.status, 200);
    assert_eq!(
        w.rsvp(&w.mediator, &series, Some(first)).await.json()["status"],
        "going"
    );
    let waiting = w.rsvp(&w.outsider, &series, Some(first)).await;
    assert_eq!(waiting.json()["status"], "waitlisted", "{}", waiting.text());
    assert_eq!(waiting.json()["waitlist_ahead"], 0);
    // The next week has its own places.
    let next = first + Days::new(7);
    assert_eq!(
        w.rsvp(&w.outsider, &series, Some(next)).await.json()["status"],
        "going"
    );
    // A place freed in the first week goes to who waited for that week.
    let cancelled = w
        .app
        .delete_as(
            &w.helper,
            &format!("/v1/posts/{series}/rsvp?occurrence={first}"),
        )
        .await;
    assert_eq!(cancelled.status, 204, "{}", cancelled.text());
    assert_eq!(
        w.rsvp(&w.outsider, &series, Some(first)).await.json()["status"],
        "going"
    );
    w.app
        .delete_as(
            &w.helper,
            &format!("/v1/posts/{series}/rsvp?occurrence={first}"),
        )
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM occurrence_rsvps WHERE post_id = '{series}' AND status = 'going'"
        )),
        3
    );

    // Many at once for one occurrence: never more going than its places.
    let later = first + Days::new(21);
    let crowd = w.app.crowd(&w.neighbourhood, 8);
    let answers =
        futures_util::future::join_all(crowd.iter().map(|who| w.rsvp(who, &series, Some(later))))
            .await;
    let statuses: Vec<String> = answers
        .iter()
        .map(|answer| {
            assert_eq!(answer.status, 201, "{}", answer.text());
            answer.json()["status"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(statuses.iter().filter(|s| *s == "going").count(), 2);
    assert_eq!(statuses.iter().filter(|s| *s == "waitlisted").count(), 6);

    // One calendar event for the series, with its RRULE.
    let calendar = w.app.get(&format!("/v1/posts/{series}/calendar.ics")).await;
    assert_eq!(calendar.status, 200);
    let text = calendar.text();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
    let until = chrono_tz::Europe::Amsterdam
        .from_local_datetime(&ends_on.and_hms_opt(23, 59, 59).unwrap())
        .unwrap()
        .with_timezone(&Utc)
        .format("%Y%m%dT%H%M%SZ");
    assert!(
        text.contains(&format!("RRULE:FREQ=WEEKLY;UNTIL={until}\r\n")),
        "{text}"
    );

    // A one-off activity takes no occurrence.
    let once = w
        .app
        .post_as(&w.requester, &path, &activity(json!({})))
        .await;
    assert_eq!(once.status, 201, "{}", once.text());
    let once = once.json()["id"].as_str().unwrap().to_owned();
    w.rsvp(&w.helper, &once, Some(first))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(w.rsvp(&w.helper, &once, None).await.status, 201);
    let single = w
        .app
        .get(&format!("/v1/posts/{once}/calendar.ics"))
        .await
        .text();
    let event = single.split("BEGIN:VEVENT").nth(1).unwrap();
    assert!(!event.contains("RRULE"), "{single}");
}
