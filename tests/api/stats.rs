use buurt_domain::accounts::UserId;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use std::collections::HashMap;

use buurt_domain::stats::{RawFigures, RequestOutcome, StatEvent, StatKind};
use buurt_tests::{Session, TestApp, spawn_app};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};
use uuid::Uuid;

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00010001", "Lombok", "GM0001", &[])
        .await;
    World {
        app,
        admin,
        neighbourhood,
    }
}

fn at(raw: &str) -> DateTime<Utc> {
    raw.parse().unwrap()
}

impl World {
    /// Records facts straight into the database, at the moments given.
    fn record(&self, facts: &[(StatKind, &str, Option<Uuid>, Option<i64>)]) {
        let mut conn = self.app.database.connect();
        let neighbourhood = NeighbourhoodId(self.neighbourhood.parse().unwrap());
        for (kind, moment, actor, seconds) in facts {
            buurt_persistence::stats::record(
                &mut conn,
                &StatEvent {
                    kind: *kind,
                    neighbourhood_id: neighbourhood,
                    subject: Uuid::new_v4(),
                    actor: actor.map(UserId),
                    seconds: *seconds,
                    at: at(moment),
                },
            )
            .unwrap();
        }
    }

    async fn stats(&self, session: &Session, query: &str) -> Value {
        let response = self
            .app
            .get_as(
                session,
                &format!("/v1/neighbourhoods/{}/stats?{query}", self.neighbourhood),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

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
}

fn repeat(
    kind: StatKind,
    moment: &'static str,
    count: usize,
) -> Vec<(StatKind, &'static str, Option<Uuid>, Option<i64>)> {
    vec![(kind, moment, None, None); count]
}

/// The figures of a row, without the neighbourhood's names and the period.
fn figures(row: &Value) -> Value {
    let mut row = row.clone();
    for key in [
        "neighbourhood_id",
        "neighbourhood_code",
        "neighbourhood_name",
    ] {
        row.as_object_mut().unwrap().remove(key);
    }
    row
}

/// Two weeks around the start of summer time (Sunday 29 March 2026, 02:00 → 03:00) and the
/// turn of the month, with figures known by construction.
async fn constructed() -> World {
    let w = world().await;
    let people: Vec<Uuid> = (0..8).map(|_| Uuid::new_v4()).collect();
    let mut facts = Vec::new();
    // February: 20 requests opened, 4 withdrawn: 16 still open when March begins.
    facts.extend(repeat(StatKind::RequestOpened, "2026-02-10T10:00:00Z", 20));
    facts.extend(repeat(
        StatKind::Outcome(RequestOutcome::Withdrawn),
        "2026-02-11T10:00:00Z",
        4,
    ));
    // Week of 23 March. Monday 00:30 in Amsterdam is Sunday 23:30 UTC; Sunday 23:59 in
    // summer time is 21:59 UTC.
    facts.extend(repeat(StatKind::RequestOpened, "2026-03-22T23:30:00Z", 1));
    facts.extend(repeat(StatKind::RequestOpened, "2026-03-25T12:00:00Z", 5));
    facts.extend(repeat(StatKind::RequestOpened, "2026-03-29T21:59:00Z", 1));
    for seconds in [300, 60, 3600, 120, 240, 180] {
        facts.push((
            StatKind::FirstResponse,
            "2026-03-26T09:00:00Z",
            Some(people[7]),
            Some(seconds),
        ));
    }
    for seconds in [600, 700, 800, 900] {
        facts.push((
            StatKind::Accepted,
            "2026-03-26T10:00:00Z",
            None,
            Some(seconds),
        ));
    }
    facts.extend(repeat(
        StatKind::Outcome(RequestOutcome::MatchedOnline),
        "2026-03-27T10:00:00Z",
        6,
    ));
    facts.extend(repeat(
        StatKind::Outcome(RequestOutcome::SolvedOffline),
        "2026-03-27T10:00:00Z",
        2,
    ));
    facts.extend(repeat(
        StatKind::Outcome(RequestOutcome::Expired),
        "2026-03-28T10:00:00Z",
        8,
    ));
    // Five people answer an activity; three of them come, one of whom also posted.
    for person in &people[0..5] {
        facts.push((StatKind::Rsvp, "2026-03-24T18:00:00Z", Some(*person), None));
    }
    for person in &people[0..3] {
        facts.push((
            StatKind::Attended,
            "2026-03-25T18:00:00Z",
            Some(*person),
            None,
        ));
    }
    for person in [people[0], people[5], people[6], people[6]] {
        facts.push((StatKind::Posted, "2026-03-24T08:00:00Z", Some(person), None));
    }
    facts.push((
        StatKind::Helped,
        "2026-03-26T10:00:00Z",
        Some(people[7]),
        None,
    ));
    facts.extend(repeat(StatKind::OfferPosted, "2026-03-24T08:00:00Z", 5));
    // Monday 30 March 00:00 in Amsterdam: the next week, still March.
    facts.extend(repeat(StatKind::RequestOpened, "2026-03-29T22:00:00Z", 1));
    // Wednesday 1 April 00:30 in Amsterdam is 31 March 22:30 UTC: April.
    facts.extend(repeat(StatKind::RequestOpened, "2026-03-31T22:30:00Z", 5));
    facts.extend(repeat(StatKind::MemberJoined, "2026-04-02T10:00:00Z", 5));
    w.record(&facts);
    w
}

fn zeroes() -> Value {
    json!({
        "period_start": null, "period_end": null,
        "requests_opened": 0, "matched_online": 0, "solved_offline": 0,
        "referred_wijkteam": 0, "not_solvable": 0, "withdrawn": 0, "expired": 0,
        "still_open": 0,
        "first_response_median_seconds": null, "first_response_p90_seconds": null,
        "acceptance_median_seconds": null, "acceptance_p90_seconds": null,
        "offers_posted": 0, "activities_held": 0, "rsvps": 0, "attendance": 0,
        "unique_attendees": 0, "active_residents": 0, "new_members": 0,
        "samenredzaamheid": null,
    })
}

fn with(base: Value, changes: Value) -> Value {
    let mut base = base;
    for (key, value) in changes.as_object().unwrap() {
        assert!(base.get(key).is_some(), "no figure {key}");
        base[key] = value.clone();
    }
    base
}

#[actix_web::test]
async fn weekly_and_monthly_figures_are_exact() {
    let w = constructed().await;
    // Six activities in the first week; one is cancelled, so five were held.
    let organiser = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "organisator@example.nl",
            "resident",
        )
        .await;
    let start = Utc::now() + Duration::days(3);
    let mut activities = Vec::new();
    for index in 0..6 {
        activities.push(
            w.post(
                &organiser,
                json!({"kind": "activity", "title": format!("Koffie {index}"), "body": "Welkom",
                       "activity": {"starts_at": start.to_rfc3339(),
                                    "ends_at": (start + Duration::hours(1)).to_rfc3339(),
                                    "location": "Buurthuis"}}),
            )
            .await,
        );
    }
    let closed = w
        .app
        .post_as(
            &organiser,
            &format!("/v1/posts/{}/close", activities[0]),
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    w.app.sql(&format!(
        "UPDATE posts SET starts_at = '2026-03-28 09:00:00', ends_at = '2026-03-28 10:00:00' \
         WHERE id IN ({})",
        activities
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ")
    ));

    let weeks = w
        .stats(&w.admin, "from=2026-03-25&to=2026-04-05&interval=week")
        .await;
    assert_eq!(
        (
            &weeks["from"],
            &weeks["to"],
            &weeks["interval"],
            &weeks["time_zone"]
        ),
        (
            &json!("2026-03-23"),
            &json!("2026-04-05"),
            &json!("week"),
            &json!("Europe/Amsterdam")
        )
    );
    assert_eq!(weeks["municipality_code"], "GM0001");
    let rows = weeks["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{weeks}");
    assert_eq!(rows[0]["neighbourhood_code"], "BU00010001");
    assert_eq!(
        figures(&rows[0]),
        with(
            zeroes(),
            json!({
                "period_start": "2026-03-23", "period_end": "2026-03-29",
                "requests_opened": 7, "matched_online": 6, "solved_offline": "<5",
                "expired": 8, "still_open": 7,
                // 60 120 180 240 300 3600: the middle two average 210; the 90th percentile
                // by nearest rank is the 6th value.
                "first_response_median_seconds": 210, "first_response_p90_seconds": 3600,
                "offers_posted": 5, "activities_held": 5, "rsvps": 5, "attendance": "<5",
                // Posted 0, 5, 6; helped 7; came 0, 1, 2: six people.
                "unique_attendees": "<5", "active_residents": 6,
                "samenredzaamheid": 0.5,
            })
        )
    );
    assert_eq!(
        figures(&rows[1]),
        with(
            zeroes(),
            json!({
                "period_start": "2026-03-30", "period_end": "2026-04-05",
                "requests_opened": 6, "still_open": 13, "new_members": 5,
            })
        )
    );

    let months = w
        .stats(&w.admin, "from=2026-03-01&to=2026-04-30&interval=month")
        .await;
    let rows = months["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{months}");
    assert_eq!(
        figures(&rows[0]),
        with(
            figures(&weeks["rows"][0]),
            json!({
                "period_start": "2026-03-01", "period_end": "2026-03-31",
                "requests_opened": 8, "still_open": 8,
            })
        )
    );
    assert_eq!(
        figures(&rows[1]),
        with(
            zeroes(),
            json!({
                "period_start": "2026-04-01", "period_end": "2026-04-30",
                "requests_opened": 5, "still_open": 13, "new_members": 5,
            })
        )
    );

    // The municipality has a row per neighbourhood and period, by name.
    let other = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00010002", "Abstede", "GM0001", &[])
        .await;
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00020001", "Elders", "GM0002", &[])
        .await;
    let municipality = w
        .app
        .get_as(
            &w.admin,
            "/v1/municipalities/GM0001/stats?from=2026-03-01&to=2026-04-30&interval=month",
        )
        .await;
    assert_eq!(municipality.status, 200, "{}", municipality.text());
    let report = municipality.json();
    let places: Vec<(&str, &str)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["neighbourhood_id"].as_str().unwrap(),
                row["period_start"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            (other.as_str(), "2026-03-01"),
            (other.as_str(), "2026-04-01"),
            (w.neighbourhood.as_str(), "2026-03-01"),
            (w.neighbourhood.as_str(), "2026-04-01"),
        ]
    );
    assert!(!places.iter().any(|(id, _)| *id == elsewhere));
    assert_eq!(report["rows"][2], months["rows"][0]);
    assert_eq!(
        figures(&report["rows"][0]),
        with(
            zeroes(),
            json!({"period_start": "2026-03-01", "period_end": "2026-03-31"})
        )
    );
}

#[actix_web::test]
async fn csv_matches_the_json_and_the_script() {
    let w = constructed().await;
    let query = "from=2026-03-23&to=2026-04-05&interval=week";
    let json_report = w.stats(&w.admin, query).await;
    let response = w
        .app
        .request(
            actix_web::http::Method::GET,
            &format!("/v1/neighbourhoods/{}/stats?{query}", w.neighbourhood),
        )
        .bearer(&w.admin.access_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let mut reader = csv::Reader::from_reader(response.body.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let rows = json_report["rows"].as_array().unwrap();
    assert_eq!(records.len(), rows.len());
    for (record, row) in records.iter().zip(rows) {
        assert_eq!(record.len(), header.len());
        assert_eq!(header.len(), row.as_object().unwrap().len());
        for (name, cell) in header.iter().zip(record.iter()) {
            let expected = match &row[name] {
                Value::Null => String::new(),
                Value::String(text) if text == "<5" => String::new(),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            assert_eq!(cell, expected, "{name}");
        }
    }
    assert_eq!(&records[0][12], "7", "still_open is the 13th column");

    // `buurt export-stats` writes the same bytes.
    let config = buurt_api::Config::with_database_url(w.app.database.url());
    let params = buurt_openapi::stats::StatsParams {
        from: Some("2026-03-23".into()),
        to: Some("2026-04-05".into()),
        interval: Some(buurt_openapi::stats::IntervalDto::Week),
    };
    let scope = buurt_api::cli::commands::StatsScope::Neighbourhood("BU00010001".into());
    let exported =
        buurt_api::cli::commands::export_stats(&config, &scope, &params, Utc::now()).unwrap();
    assert_eq!(String::from_utf8(exported).unwrap(), response.text());
    let municipality = buurt_api::cli::commands::StatsScope::Municipality("GM0001".into());
    assert_eq!(
        buurt_api::cli::commands::export_stats(&config, &municipality, &params, Utc::now())
            .unwrap(),
        response.body
    );
    let unknown = buurt_api::cli::commands::StatsScope::Neighbourhood("BU99999999".into());
    assert!(
        buurt_api::cli::commands::export_stats(&config, &unknown, &params, Utc::now())
            .unwrap_err()
            .contains("BU99999999")
    );
}

#[actix_web::test]
async fn csv_cells_never_run_as_spreadsheet_formulas() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let risky = [
        "=HYPERLINK(\"http://x.example\",\"klik\")",
        "+31 Buurt",
        "-Min",
        "@SUM(A1)",
    ];
    for (n, name) in risky.iter().enumerate() {
        app.create_neighbourhood_in(&admin, &format!("BU0002000{n}"), name, "GM0002", &[])
            .await;
    }
    let query = "from=2026-03-23&to=2026-03-29&interval=week";
    let response = app
        .request(
            actix_web::http::Method::GET,
            &format!("/v1/municipalities/GM0002/stats?{query}"),
        )
        .bearer(&admin.access_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let mut reader = csv::Reader::from_reader(response.body.as_slice());
    let names: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[2].to_owned())
        .collect();
    let mut expected: Vec<String> = risky.iter().map(|name| format!("'{name}")).collect();
    expected.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    for line in response.text().lines().skip(1) {
        // No cell of the raw file starts a formula, quoted or not.
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{line}");
        }
    }

    // `buurt export-stats` writes the same, escaped.
    let config = buurt_api::Config::with_database_url(app.database.url());
    let params = buurt_openapi::stats::StatsParams {
        from: Some("2026-03-23".into()),
        to: Some("2026-03-29".into()),
        interval: Some(buurt_openapi::stats::IntervalDto::Week),
    };
    let scope = buurt_api::cli::commands::StatsScope::Municipality("GM0002".into());
    let exported =
        buurt_api::cli::commands::export_stats(&config, &scope, &params, Utc::now()).unwrap();
    assert_eq!(exported, response.body);
    // The JSON keeps the names as they are.
    let json = app
        .get_as(&admin, &format!("/v1/municipalities/GM0002/stats?{query}"))
        .await
        .json();
    assert!(
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|row| row["neighbourhood_name"] == risky[0])
    );
}

#[actix_web::test]
async fn who_may_read_the_figures() {
    let w = world().await;
    let path = format!("/v1/neighbourhoods/{}/stats", w.neighbourhood);
    let municipality = "/v1/municipalities/GM0001/stats";
    let resident = w
        .app
        .member(&w.admin, &w.neighbourhood, "bewoner@example.nl", "resident")
        .await;
    let mediator = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "bemiddelaar@example.nl",
            "mediator",
        )
        .await;
    let moderator = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "moderator@example.nl",
            "moderator",
        )
        .await;
    let professional = w.app.register("wijkteam@example.nl").await;
    let professional_elsewhere = w.app.register("wijkteam2@example.nl").await;
    for (session, code) in [
        (&professional, "GM0001"),
        (&professional_elsewhere, "GM0002"),
    ] {
        let granted = w
            .app
            .post_as(
                &w.admin,
                "/v1/admin/professionals",
                &json!({"user_id": session.user_id, "municipality_code": code}),
            )
            .await;
        assert!(granted.status.is_success(), "{}", granted.text());
    }
    let elsewhere = w
        .app
        .create_neighbourhood_in(&w.admin, "BU00020001", "Elders", "GM0002", &[])
        .await;
    let mediator_elsewhere = w
        .app
        .member(&w.admin, &elsewhere, "elders@example.nl", "mediator")
        .await;
    let stranger = w.app.register("vreemde@example.nl").await;

    for (who, session, neighbourhood, whole_municipality) in [
        ("admin", &w.admin, 200, 200),
        ("professional", &professional, 200, 200),
        ("mediator", &mediator, 200, 403),
        ("moderator", &moderator, 200, 403),
        ("resident", &resident, 403, 403),
        ("professional elsewhere", &professional_elsewhere, 403, 403),
        ("mediator elsewhere", &mediator_elsewhere, 403, 403),
        ("stranger", &stranger, 403, 403),
    ] {
        let here = w.app.get_as(session, &path).await;
        assert_eq!(
            here.status.as_u16(),
            neighbourhood,
            "{who}: {}",
            here.text()
        );
        if neighbourhood == 403 {
            here.assert_problem(403, "forbidden");
        }
        let whole = w.app.get_as(session, municipality).await;
        assert_eq!(
            whole.status.as_u16(),
            whole_municipality,
            "{who}: {}",
            whole.text()
        );
    }
    // The professional of GM0002 reads their own municipality, not through GM0001's code.
    assert_eq!(
        w.app
            .get_as(&professional_elsewhere, "/v1/municipalities/GM0002/stats")
            .await
            .status,
        200
    );
    w.app.get(&path).await.assert_problem(401, "unauthorized");
    w.app
        .get(municipality)
        .await
        .assert_problem(401, "unauthorized");
    w.app
        .get_as(
            &w.admin,
            &format!("/v1/neighbourhoods/{}/stats", Uuid::new_v4()),
        )
        .await
        .assert_problem(404, "not_found");
    for code in ["GM9999", "GM01", "0001", "gm0001x"] {
        w.app
            .get_as(&w.admin, &format!("/v1/municipalities/{code}/stats"))
            .await
            .assert_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn bad_ranges_are_refused() {
    let w = world().await;
    let path = format!("/v1/neighbourhoods/{}/stats", w.neighbourhood);
    for query in [
        "from=2026-13-01",
        "from=yesterday",
        "to=2026-02-30",
        "interval=year",
        "from=2026-05-01&to=2026-04-01",
        "from=2020-01-01&to=2026-01-01&interval=month",
        "from=2020-01-01&to=2026-01-01",
    ] {
        let response = w.app.get_as(&w.admin, &format!("{path}?{query}")).await;
        let problem = response.assert_problem(400, "invalid_query");
        let field = query.split('=').next().unwrap();
        let named = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|error| error["field"].as_str().unwrap())
            .collect::<Vec<_>>();
        // serde names no field for an unknown `interval`; its message names the values.
        assert!(
            named == [field] || (field == "from" && named == ["to"]) || named == [""],
            "{query}: {problem}"
        );
    }
    // The defaults: twelve weeks up to today.
    let report = w.stats(&w.admin, "").await;
    assert_eq!(report["interval"], "week");
    assert_eq!(report["rows"].as_array().unwrap().len(), 12);
    let months = w.stats(&w.admin, "interval=month").await;
    assert_eq!(months["rows"].as_array().unwrap().len(), 12);
}

/// The figures follow what residents, helpers and mediators do through the API.
#[actix_web::test]
async fn the_api_keeps_the_figures() {
    let w = world().await;
    let requester = w
        .app
        .member(&w.admin, &w.neighbourhood, "vrager@example.nl", "resident")
        .await;
    let mediator = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "bemiddelaar@example.nl",
            "mediator",
        )
        .await;
    let helpers = w.app.crowd(&w.neighbourhood, 6);
    let mut requests = Vec::new();
    for index in 0..7 {
        requests.push(
            w.post(
                &requester,
                json!({"kind": "request", "title": format!("Hulp nodig {index}"),
                       "body": "Wie helpt?", "category": "help"}),
            )
            .await,
        );
    }
    // Five requests get a helper, who is accepted.
    for (request, helper) in requests.iter().zip(&helpers).take(5) {
        let offered = w
            .app
            .post_as(helper, &format!("/v1/posts/{request}/matches"), &json!({}))
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        let id = offered.json()["id"].as_str().unwrap().to_owned();
        let accepted = w
            .app
            .post_as(&requester, &format!("/v1/matches/{id}/accept"), &json!({}))
            .await;
        assert_eq!(accepted.status, 200, "{}", accepted.text());
    }
    // Closing a matched request afterwards does not make it count twice.
    let closed = w
        .app
        .post_as(
            &requester,
            &format!("/v1/posts/{}/close", requests[0]),
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    // One goes to the mediators and is solved offline; one is withdrawn by deleting it.
    let case = w
        .app
        .post_as(
            &requester,
            &format!("/v1/posts/{}/escalate", requests[5]),
            &json!({}),
        )
        .await;
    assert_eq!(case.status, 201, "{}", case.text());
    let case = case.json()["id"].as_str().unwrap().to_owned();
    for (step, body) in [
        ("claim", json!({})),
        (
            "status",
            json!({"status": "resolved", "outcome": "solved_offline", "summary": "Buurvrouw helpt"}),
        ),
    ] {
        let stepped = w
            .app
            .post_as(&mediator, &format!("/v1/cases/{case}/{step}"), &body)
            .await;
        assert_eq!(stepped.status, 200, "{}", stepped.text());
    }

    let deleted = w
        .app
        .delete_as(&requester, &format!("/v1/posts/{}", requests[6]))
        .await;
    assert!(deleted.status.is_success(), "{}", deleted.text());

    let report = w.stats(&mediator, "").await;
    let rows = report["rows"].as_array().unwrap();
    let this_week = figures(&rows[rows.len() - 1]);
    let median = this_week["first_response_median_seconds"].clone();
    assert!(median.as_i64().is_some_and(|s| s >= 0), "{this_week}");
    assert!(
        this_week["acceptance_median_seconds"]
            .as_i64()
            .is_some_and(|s| s >= 0),
        "{this_week}"
    );
    // New members: the requester and the mediator joined through the API (the crowd was
    // written straight into the database), so fewer than five.
    assert_eq!(
        this_week,
        with(
            zeroes(),
            json!({
                "period_start": this_week["period_start"], "period_end": this_week["period_end"],
                "requests_opened": 7, "matched_online": 5, "solved_offline": "<5",
                "withdrawn": "<5", "still_open": 0,
                "first_response_median_seconds": median,
                "first_response_p90_seconds": this_week["first_response_p90_seconds"],
                "acceptance_median_seconds": this_week["acceptance_median_seconds"],
                "acceptance_p90_seconds": this_week["acceptance_p90_seconds"],
                // The requester and five helpers.
                "active_residents": 6, "new_members": "<5",
                // 6 of 7 solved within: one not, so the share is withheld.
                "samenredzaamheid": null,
            })
        )
    );

    // What the tables hold gives the same figures again (`buurt rebuild-stats`).
    let live = w.stats(&mediator, "").await;
    w.app
        .sql("DELETE FROM stat_events; DELETE FROM stat_counts; DELETE FROM stat_presence");
    let config = buurt_api::Config::with_database_url(w.app.database.url());
    assert!(buurt_api::cli::commands::rebuild_stats(&config).unwrap() > 0);
    let rebuilt = w.stats(&mediator, "").await;
    let last = live["rows"].as_array().unwrap().len() - 1;
    assert_eq!(
        rebuilt["rows"].as_array().unwrap()[..last],
        live["rows"].as_array().unwrap()[..last]
    );
    // The crowd was written straight into the memberships, so only the rebuild counts it; the
    // deleted request is gone from the tables; and they no longer show that the closed
    // request had a helper (closing cancelled the match), so it counts as withdrawn.
    assert_eq!(
        rebuilt["rows"][last],
        with(
            live["rows"][last].clone(),
            json!({"new_members": 8, "matched_online": "<5", "requests_opened": 6})
        )
    );
    assert_eq!(
        buurt_api::cli::commands::rebuild_stats(&config).unwrap(),
        0,
        "nothing twice"
    );
}

// issue 22 (h22stats): the rollups the reports read give exactly the figures of every fact.

/// Figures per neighbourhood and period.
type PlaceFigures = HashMap<(NeighbourhoodId, NaiveDate), RawFigures>;

/// The figures of every neighbourhood and period, from the rollups and from every fact (the
/// old computation, kept as the reference), for `range` by `interval`.
fn both_ways(
    conn: &mut buurt_persistence::DbConnection,
    places: &[NeighbourhoodId],
    (from, to): (&str, &str),
    interval: buurt_domain::stats::Interval,
) -> (PlaceFigures, PlaceFigures) {
    let periods =
        buurt_domain::stats::periods(from.parse().unwrap(), to.parse().unwrap(), interval).unwrap();
    let now = Utc::now();
    let rolled = buurt_persistence::stats::report(conn, places, &periods, interval, now);
    let counted =
        buurt_persistence::stats::report_from_facts(conn, places, &periods, interval, now);
    (rolled.unwrap(), counted.unwrap())
}

/// The rollups as they stand, to compare before and after.
fn rollups(app: &TestApp) -> Vec<String> {
    use buurt_persistence::schema::{stat_counts, stat_presence};
    use diesel::prelude::*;
    let mut conn = app.database.connect();
    let counts: Vec<(String, String, String, String, i32)> = stat_counts::table
        .select((
            stat_counts::neighbourhood_id,
            stat_counts::unit,
            stat_counts::period,
            stat_counts::figure,
            stat_counts::n,
        ))
        .order((
            stat_counts::neighbourhood_id,
            stat_counts::unit,
            stat_counts::period,
            stat_counts::figure,
        ))
        .load(&mut conn)
        .unwrap();
    let present: Vec<(String, String, String, String, String)> = stat_presence::table
        .select((
            stat_presence::neighbourhood_id,
            stat_presence::unit,
            stat_presence::period,
            stat_presence::figure,
            stat_presence::actor_id,
        ))
        .order((
            stat_presence::neighbourhood_id,
            stat_presence::unit,
            stat_presence::period,
            stat_presence::figure,
            stat_presence::actor_id,
        ))
        .load(&mut conn)
        .unwrap();
    counts
        .into_iter()
        .map(|row| format!("{row:?}"))
        .chain(present.into_iter().map(|row| format!("{row:?}")))
        .collect()
}

/// A year and a half of facts of every kind in five neighbourhoods, recorded one by one and in
/// batches, some twice: the rollups give exactly what counting every fact gives, by week and
/// by month, for ranges that start before, inside and after the facts; and the API serves the
/// same after the rollups are derived afresh in set statements (as the seed and migration do).
#[actix_web::test]
async fn rollups_give_exactly_what_the_facts_give() {
    use buurt_domain::stats::Interval;
    let w = world().await;
    let mut places = vec![NeighbourhoodId(w.neighbourhood.parse().unwrap())];
    for index in 2..=5 {
        let id = w
            .app
            .create_neighbourhood_in(
                &w.admin,
                &format!("BU0001000{index}"),
                &format!("Wijk {index}"),
                "GM0001",
                &[],
            )
            .await;
        places.push(NeighbourhoodId(id.parse().unwrap()));
    }
    let people: Vec<UserId> = (0..12).map(|_| UserId(Uuid::new_v4())).collect();
    // A small deterministic generator: the same world every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |below: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % below
    };
    let start = at("2025-01-01T00:00:00Z");
    let mut facts = Vec::new();
    for _ in 0..3_000 {
        // Requests opened more often than any one kind, so some stay open.
        let kind = if next(3) == 0 {
            StatKind::RequestOpened
        } else {
            StatKind::ALL[next(StatKind::ALL.len() as u64) as usize]
        };
        let place = places[next(places.len() as u64) as usize];
        let actor = (next(5) > 0).then(|| people[next(people.len() as u64) as usize]);
        // Any minute of 560 days: around midnight, month ends, both clock changes.
        let moment = start + Duration::minutes(next(560 * 24 * 60) as i64);
        facts.push(StatEvent {
            kind,
            neighbourhood_id: place,
            // Subjects repeat: outcomes of one request share a key, so some never count.
            subject: Uuid::from_u128(u128::from(next(4_000))),
            actor,
            seconds: matches!(kind, StatKind::FirstResponse | StatKind::Accepted)
                .then(|| next(100_000) as i64),
            at: moment,
        });
    }
    // Seconds of database work: on a blocking thread with a connection of its own, so the
    // test's own runtime (and the server's connections to the client) stay responsive.
    let url = w.app.database.url();
    let kept_places = places.clone();
    let (added, mut conn) = actix_web::rt::task::spawn_blocking(move || {
        use diesel::r2d2::ManageConnection;
        let places = kept_places;
        let mut conn = buurt_persistence::ConnectionManager::new(
            buurt_persistence::DatabaseUrl::parse(&url).expect("a valid URL"),
            Default::default(),
        )
        .connect()
        .expect("connect to the test database")
        .into_inner();
        let (one_by_one, batched) = facts.split_at(500);
        let mut added = 0;
        for fact in one_by_one {
            added += buurt_persistence::stats::record_many(&mut conn, std::slice::from_ref(fact))
                .unwrap();
        }
        for batch in batched.chunks(700) {
            added += buurt_persistence::stats::record_many(&mut conn, batch).unwrap();
        }
        // Again: nothing more.
        assert_eq!(
            buurt_persistence::stats::record_many(&mut conn, &facts).unwrap(),
            0
        );
        for (range, interval) in [
            (("2024-12-01", "2026-08-31"), Interval::Week),
            (("2024-12-01", "2026-08-31"), Interval::Month),
            (("2025-03-05", "2025-11-20"), Interval::Week),
            (("2025-03-05", "2025-11-20"), Interval::Month),
            (("2026-01-01", "2026-12-31"), Interval::Month),
            (("2025-10-20", "2025-11-02"), Interval::Week),
        ] {
            let (rolled, counted) = both_ways(&mut conn, &places, range, interval);
            assert!(
                counted.values().any(|raw| !raw.counts.is_empty()),
                "{range:?} {interval:?} counts something"
            );
            if range.0 == "2024-12-01" {
                for (figure, found) in [
                    (
                        "active",
                        counted.values().any(|raw| raw.active_residents > 1),
                    ),
                    (
                        "attendees",
                        counted.values().any(|raw| raw.unique_attendees > 1),
                    ),
                    ("open", counted.values().any(|raw| raw.still_open > 0)),
                    (
                        "medians",
                        counted.values().any(|raw| raw.acceptance_seconds.len() > 1),
                    ),
                ] {
                    assert!(found, "{figure} {interval:?}");
                }
            }
            assert_eq!(rolled, counted, "{range:?} {interval:?}");
        }
        (added, conn)
    })
    .await
    .expect("the facts are recorded and compared");
    let stored = w.app.count("SELECT COUNT(*) FROM stat_events");
    assert_eq!(added as i64, stored);
    assert!(stored > 1_000 && stored < 3_000, "{stored}");

    // The API, from the rollups kept fact by fact and from rollups derived in set statements.
    let paths = [
        "/v1/municipalities/GM0001/stats?from=2025-09-01&to=2025-12-31&interval=week",
        "/v1/municipalities/GM0001/stats?from=2025-03-05&to=2026-07-31&interval=month",
    ];
    let mut served = Vec::new();
    for path in paths {
        let response = w.app.get_as(&w.admin, path).await;
        assert_eq!(response.status, 200, "{}", response.text());
        served.push(response.json());
    }
    let kept = rollups(&w.app);
    buurt_persistence::stats::refill_rollups(&mut conn).unwrap();
    assert_eq!(rollups(&w.app), kept);
    for (path, before) in paths.iter().zip(served) {
        let response = w.app.get_as(&w.admin, path).await;
        assert_eq!(response.json(), before, "{path}");
    }
}

/// Thirty-two posts by sixteen people at once (two each): every count exact, and each person
/// active once.
#[actix_web::test]
async fn concurrent_facts_add_up_exactly() {
    use buurt_domain::stats::Interval;
    let w = world().await;
    let people = w.app.crowd(&w.neighbourhood, 16);
    let (app, path) = (
        &w.app,
        format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
    );
    let posts = people
        .iter()
        .chain(&people)
        .enumerate()
        .map(|(index, who)| {
            let (path, body) = (
                path.clone(),
                json!({"kind": "request", "title": format!("Hulp {index}"),
                   "body": "Wie helpt?", "category": "help"}),
            );
            async move { app.post_as(who, &path, &body).await }
        });
    for response in futures_util::future::join_all(posts).await {
        assert_eq!(response.status, 201, "{}", response.text());
    }
    let today = buurt_domain::stats::local_date(Utc::now());
    let week = buurt_domain::stats::period_start(today, Interval::Week);
    let n = |unit: &str, period: NaiveDate, figure: &str| {
        w.app.count(&format!(
            "SELECT COALESCE(SUM(n), 0) FROM stat_counts WHERE neighbourhood_id = '{}' \
             AND unit = '{unit}' AND period = '{period}' AND figure = '{figure}'",
            w.neighbourhood
        ))
    };
    let month = buurt_domain::stats::period_start(today, Interval::Month);
    for (unit, period) in [("week", week), ("month", month)] {
        assert_eq!(n(unit, period, "posted"), 32, "{unit}");
        assert_eq!(n(unit, period, "request_opened"), 32, "{unit}");
        assert_eq!(n(unit, period, "active_residents"), 16, "{unit}");
    }
    let places = [NeighbourhoodId(w.neighbourhood.parse().unwrap())];
    let range = (week.to_string(), today.to_string());
    let (rolled, counted) = both_ways(
        &mut w.app.database.connect(),
        &places,
        (&range.0, &range.1),
        Interval::Week,
    );
    assert_eq!(rolled, counted);
    let raw = &rolled[&(places[0], week)];
    assert_eq!((raw.active_residents, raw.still_open), (16, 32));
}

/// A fact recorded again, alone or among new ones, changes no rollup.
#[actix_web::test]
async fn a_fact_recorded_again_changes_nothing() {
    let w = world().await;
    let someone = Some(Uuid::new_v4());
    w.record(&[(StatKind::Posted, "2026-03-02T10:00:00Z", someone, None)]);
    let fact = StatEvent {
        kind: StatKind::Attended,
        neighbourhood_id: NeighbourhoodId(w.neighbourhood.parse().unwrap()),
        subject: Uuid::new_v4(),
        actor: someone.map(UserId),
        seconds: None,
        at: at("2026-03-03T10:00:00Z"),
    };
    let mut conn = w.app.database.connect();
    assert_eq!(
        buurt_persistence::stats::record_many(&mut conn, std::slice::from_ref(&fact)).unwrap(),
        1
    );
    let before = rollups(&w.app);
    assert!(
        before.iter().any(|row| row.contains("\"attended\"")),
        "{before:?}"
    );
    assert_eq!(
        buurt_persistence::stats::record_many(&mut conn, std::slice::from_ref(&fact)).unwrap(),
        0
    );
    buurt_persistence::stats::record(&mut conn, &fact).unwrap();
    assert_eq!(rollups(&w.app), before);
    // With a new fact in the same batch, only the new one counts.
    let other = StatEvent {
        subject: Uuid::new_v4(),
        ..fact.clone()
    };
    assert_eq!(
        buurt_persistence::stats::record_many(&mut conn, &[fact, other]).unwrap(),
        1
    );
    let week = |figure: &str| {
        w.app.count(&format!(
            "SELECT COALESCE(SUM(n), 0) FROM stat_counts WHERE unit = 'week' \
             AND period = '2026-03-02' \
             AND figure = '{figure}'"
        ))
    };
    assert_eq!(week("attended"), 2);
    assert_eq!(week("posted"), 1);
    assert_eq!(week("active_residents"), 1);
    assert_eq!(week("unique_attendees"), 1);
}

/// Erasing an account keeps every figure, and its id leaves the rollups too.
#[actix_web::test]
async fn erasure_keeps_the_figures_and_not_the_person() {
    let w = world().await;
    let resident = w
        .app
        .member(&w.admin, &w.neighbourhood, "weg@example.nl", "resident")
        .await;
    let others = w.app.crowd(&w.neighbourhood, 5);
    for (index, who) in others.iter().chain([&resident]).enumerate() {
        w.post(
            who,
            json!({"kind": "offer", "title": format!("Ik help {index}"),
                   "body": "Gereedschap te leen.", "category": "help"}),
        )
        .await;
    }
    let traces = format!(
        "SELECT COUNT(*) FROM stat_presence WHERE actor_id = '{}'",
        resident.user_id
    );
    assert_eq!(w.app.count(&traces), 2, "week and month");
    let before = w.stats(&w.admin, "interval=week").await;
    assert_eq!(before["rows"][11]["active_residents"], 6, "{before}");
    let erased = w
        .app
        .request(actix_web::http::Method::DELETE, "/v1/me")
        .bearer(&resident.access_token)
        .json(&json!({"password": buurt_tests::TEST_PASSWORD}))
        .await;
    assert_eq!(erased.status, 204, "{}", erased.text());
    assert_eq!(w.app.count(&traces), 0);
    assert_eq!(w.stats(&w.admin, "interval=week").await, before);
    let places = [NeighbourhoodId(w.neighbourhood.parse().unwrap())];
    let today = buurt_domain::stats::local_date(Utc::now()).to_string();
    for interval in [
        buurt_domain::stats::Interval::Week,
        buurt_domain::stats::Interval::Month,
    ] {
        let (rolled, counted) = both_ways(
            &mut w.app.database.connect(),
            &places,
            ("2026-01-01", &today),
            interval,
        );
        assert_eq!(rolled, counted);
    }
}
