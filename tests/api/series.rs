//! Recurring activities (issue 20), finished: attendees and check-ins per occurrence, a
//! series' `going_count` / `my_rsvp` for its next occurrence, and series that started weeks
//! ago still in the neighbourhood's calendar.

use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    neighbourhood: String,
    organiser: Session,
    helper: Session,
    other: Session,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let organiser = app
        .member(&admin, &neighbourhood, "organisator@example.nl", "resident")
        .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    let other = app
        .member(&admin, &neighbourhood, "ander@example.nl", "resident")
        .await;
    World {
        app,
        neighbourhood,
        organiser,
        helper,
        other,
    }
}

/// The day `at` falls on in the Netherlands.
fn dutch_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

impl World {
    /// A public activity two days ahead, recurring when `extra` says so.
    async fn activity(&self, title: &str, capacity: Option<u32>, extra: Value) -> String {
        let starts_at = Utc::now() + Duration::days(2);
        let mut body = json!({
            "kind": "activity", "title": title, "body": "Kom ook!",
            "activity": {"starts_at": starts_at.to_rfc3339(),
                         "ends_at": (starts_at + Duration::hours(2)).to_rfc3339(),
                         "location": "Buurthuis", "capacity": capacity},
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let response = self
            .app
            .post_as(
                &self.organiser,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &body,
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// Moves an activity (a series: its first occurrence) in time behind the app's back.
    fn reschedule(&self, post: &str, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
        let format = "%Y-%m-%d %H:%M:%S";
        self.app.sql(&format!(
            "UPDATE posts SET starts_at = '{}', ends_at = '{}' WHERE id = '{post}'",
            starts_at.format(format),
            ends_at.format(format)
        ));
    }

    async fn rsvp(&self, who: &Session, post: &str, on: NaiveDate) -> TestResponse {
        self.app
            .post_as(
                who,
                &format!("/v1/posts/{post}/rsvp?occurrence={on}"),
                &json!({}),
            )
            .await
    }

    async fn attendees(&self, who: &Session, post: &str, query: &str) -> TestResponse {
        self.app
            .get_as(who, &format!("/v1/posts/{post}/attendees{query}"))
            .await
    }

    async fn check_in(&self, who: &Session, post: &str, query: &str, user: &str) -> TestResponse {
        self.app
            .post_as(
                who,
                &format!("/v1/posts/{post}/check-ins{query}"),
                &json!({"user_id": user}),
            )
            .await
    }

    async fn post(&self, who: &Session, post: &str) -> Value {
        let response = self.app.get_as(who, &format!("/v1/posts/{post}")).await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
    }

    fn checked_in(&self, post: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM occurrence_rsvps WHERE post_id = '{post}' AND checked_in_at IS NOT NULL"
        ))
    }
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["user_id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn attendees_check_ins_and_counts_go_per_occurrence() {
    let w = world().await;
    let series = w
        .activity("Koffieochtend", Some(2), json!({"recurrence": "weekly"}))
        .await;
    // The series began three weeks ago; today's occurrence started half an hour ago.
    let start = Utc::now() - Duration::days(21) - Duration::minutes(30);
    w.reschedule(&series, start, start + Duration::hours(2));
    let today = dutch_day(start) + Days::new(21);
    let next_week = today + Days::new(7);

    let shown = w.post(&w.helper, &series).await;
    assert_eq!(shown["next_occurrence"], json!(today.to_string()));
    assert_eq!(shown["activity"]["going_count"], 0);
    assert_eq!(shown["activity"]["my_rsvp"], Value::Null);

    let crowd = w.app.crowd(&w.neighbourhood, 2);
    let (waiter, stranger) = (&crowd[0], &crowd[1]);
    for (who, status) in [
        (&w.helper, "going"),
        (&w.other, "going"),
        (waiter, "waitlisted"),
    ] {
        let answer = w.rsvp(who, &series, today).await;
        assert_eq!(answer.json()["status"], status, "{}", answer.text());
    }
    assert_eq!(
        w.rsvp(&w.helper, &series, next_week).await.json()["status"],
        "going"
    );

    // The post counts today's occurrence, the next one, not next week's.
    let shown = w.post(&w.helper, &series).await;
    assert_eq!(shown["next_occurrence"], json!(today.to_string()));
    assert_eq!(shown["activity"]["going_count"], 2);
    assert_eq!(shown["activity"]["waitlist_count"], 1);
    assert_eq!(shown["activity"]["places_left"], 0);
    assert_eq!(shown["activity"]["my_rsvp"], "going");
    assert_eq!(
        w.post(waiter, &series).await["activity"]["my_rsvp"],
        "waitlisted"
    );
    assert_eq!(
        w.post(stranger, &series).await["activity"]["my_rsvp"],
        Value::Null
    );

    // Attendees per occurrence: organisers only, a day of the series, a real date.
    w.attendees(&w.organiser, &series, "")
        .await
        .assert_problem(422, "validation_failed");
    let bad = w
        .attendees(&w.organiser, &series, "?occurrence=vandaag")
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    w.attendees(
        &w.organiser,
        &series,
        &format!("?occurrence={}", today + Days::new(1)),
    )
    .await
    .assert_problem(422, "validation_failed");
    w.attendees(&w.helper, &series, &format!("?occurrence={today}"))
        .await
        .assert_problem(403, "forbidden");
    let list = w
        .attendees(&w.organiser, &series, &format!("?occurrence={today}"))
        .await;
    assert_eq!(list.status, 200, "{}", list.text());
    let list = list.json();
    assert_eq!(
        ids(&list["going"]),
        [w.helper.user_id.clone(), w.other.user_id.clone()]
    );
    assert_eq!(
        ids(&list["waitlist"]),
        std::slice::from_ref(&waiter.user_id)
    );
    assert_eq!(
        (list["capacity"].clone(), list["checked_in"].clone()),
        (json!(2), json!(0))
    );
    let list = w
        .attendees(&w.organiser, &series, &format!("?occurrence={next_week}"))
        .await
        .json();
    assert_eq!(ids(&list["going"]), std::slice::from_ref(&w.helper.user_id));
    // A past occurrence can be looked at: nobody answered for it.
    let list = w
        .attendees(
            &w.organiser,
            &series,
            &format!("?occurrence={}", today - Days::new(7)),
        )
        .await
        .json();
    assert_eq!(
        (ids(&list["going"]).len(), ids(&list["waitlist"]).len()),
        (0, 0)
    );

    // Check-ins per occurrence: refused without one, with a bad one, by a non-organiser, for
    // someone waiting or not signed up, or for an occurrence on another day.
    let today_query = format!("?occurrence={today}");
    w.check_in(&w.organiser, &series, "", &w.helper.user_id)
        .await
        .assert_problem(422, "validation_failed");
    let bad = w
        .check_in(
            &w.organiser,
            &series,
            "?occurrence=31-12",
            &w.helper.user_id,
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    w.check_in(
        &w.organiser,
        &series,
        &format!("?occurrence={}", today + Days::new(2)),
        &w.helper.user_id,
    )
    .await
    .assert_problem(422, "validation_failed");
    w.check_in(&w.helper, &series, &today_query, &w.helper.user_id)
        .await
        .assert_problem(403, "forbidden");
    w.check_in(&w.organiser, &series, &today_query, &waiter.user_id)
        .await
        .assert_problem(409, "not_going");
    w.check_in(&w.organiser, &series, &today_query, &stranger.user_id)
        .await
        .assert_problem(422, "no_rsvp");
    w.check_in(
        &w.organiser,
        &series,
        &format!("?occurrence={next_week}"),
        &w.helper.user_id,
    )
    .await
    .assert_problem(409, "check_in_not_open");
    assert_eq!(w.checked_in(&series), 0);

    let checked = w
        .check_in(&w.organiser, &series, &today_query, &w.helper.user_id)
        .await;
    assert_eq!(checked.status, 200, "{}", checked.text());
    let checked = checked.json();
    assert_eq!(checked["occurrence"], json!(today.to_string()));
    assert_eq!(checked["status"], "going");
    assert!(checked["checked_in_at"].is_string(), "{checked}");
    let again = w
        .check_in(&w.organiser, &series, &today_query, &w.helper.user_id)
        .await
        .json();
    assert_eq!(again["checked_in_at"], checked["checked_in_at"]);
    assert_eq!(w.checked_in(&series), 1);
    let list = w
        .attendees(&w.organiser, &series, &today_query)
        .await
        .json();
    assert_eq!(list["checked_in"], 1);
    assert_eq!(list["going"][0]["checked_in_at"], checked["checked_in_at"]);
    // Next week's answer is apart: not checked in.
    let list = w
        .attendees(&w.organiser, &series, &format!("?occurrence={next_week}"))
        .await
        .json();
    assert_eq!(list["checked_in"], 0);

    // Someone checked in came: their answer stays. A place freed goes to who waited.
    w.app
        .delete_as(&w.helper, &format!("/v1/posts/{series}/rsvp{today_query}"))
        .await
        .assert_problem(409, "already_checked_in");
    let cancelled = w
        .app
        .delete_as(&w.other, &format!("/v1/posts/{series}/rsvp{today_query}"))
        .await;
    assert_eq!(cancelled.status, 204, "{}", cancelled.text());
    let list = w
        .attendees(&w.organiser, &series, &today_query)
        .await
        .json();
    assert_eq!(
        ids(&list["going"]),
        [w.helper.user_id.clone(), waiter.user_id.clone()]
    );

    // Checked in many times at once: once, at one time.
    let tries = futures_util::future::join_all(
        (0..6).map(|_| w.check_in(&w.organiser, &series, &today_query, &waiter.user_id)),
    )
    .await;
    let times: Vec<Value> = tries
        .iter()
        .map(|answer| {
            assert_eq!(answer.status, 200, "{}", answer.text());
            answer.json()["checked_in_at"].clone()
        })
        .collect();
    assert!(
        times
            .iter()
            .all(|time| *time == times[0] && time.is_string()),
        "{times:?}"
    );
    assert_eq!(w.checked_in(&series), 2);

    // A one-off activity takes no occurrence.
    let once = w.activity("Eenmalig", None, json!({})).await;
    w.attendees(&w.organiser, &once, &today_query)
        .await
        .assert_problem(422, "validation_failed");
    w.check_in(&w.organiser, &once, &today_query, &w.helper.user_id)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(w.attendees(&w.organiser, &once, "").await.status, 200);

    // Once today's occurrence is over, the post is about the next one: moved a day earlier,
    // the series' occurrence was yesterday and the next is in six days.
    let earlier = start - Duration::days(1);
    w.reschedule(&series, earlier, earlier + Duration::hours(2));
    let next = dutch_day(earlier) + Days::new(28);
    assert_eq!(
        w.rsvp(&w.other, &series, next).await.json()["status"],
        "going"
    );
    let shown = w.post(&w.other, &series).await;
    assert_eq!(shown["next_occurrence"], json!(next.to_string()));
    assert_eq!(shown["activity"]["going_count"], 1);
    assert_eq!(shown["activity"]["waitlist_count"], 0);
    assert_eq!(shown["activity"]["my_rsvp"], "going");
    let shown = w.post(&w.helper, &series).await;
    assert_eq!(shown["activity"]["going_count"], 1);
    assert_eq!(shown["activity"]["my_rsvp"], Value::Null);
    // A one-off activity has no next occurrence.
    assert_eq!(
        w.post(&w.helper, &once).await["next_occurrence"],
        Value::Null
    );
}

/// The SUMMARY of each event in a calendar, in order.
fn summaries(calendar: &str) -> Vec<String> {
    calendar
        .split("\r\n")
        .filter_map(|line| line.strip_prefix("SUMMARY:"))
        .map(str::to_owned)
        .collect()
}

#[actix_web::test]
async fn a_series_started_weeks_ago_stays_in_the_neighbourhood_calendar() {
    let w = world().await;
    let running = w
        .activity("Koffie", None, json!({"recurrence": "weekly"}))
        .await;
    let ended = w
        .activity("Voorbij", None, json!({"recurrence": "weekly"}))
        .await;
    w.activity("Eenmalig", None, json!({})).await;
    let past = w.activity("Oud", None, json!({})).await;
    let members = w
        .activity(
            "Leden",
            None,
            json!({"recurrence": "weekly", "visibility": "members"}),
        )
        .await;
    // Both series began 30 days ago; one ended ten days ago. The one-off "Oud" was last week.
    let start = Utc::now() - Duration::days(30);
    for post in [&running, &ended, &members] {
        w.reschedule(post, start, start + Duration::hours(2));
    }
    w.app.sql(&format!(
        "UPDATE posts SET recurrence_ends_on = '{}' WHERE id = '{ended}'",
        dutch_day(Utc::now()) - Days::new(10)
    ));
    let last_week = Utc::now() - Duration::days(7);
    w.reschedule(&past, last_week, last_week + Duration::hours(2));

    let feed = w
        .app
        .get(&format!(
            "/v1/neighbourhoods/{}/calendar.ics",
            w.neighbourhood
        ))
        .await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    let text = feed.text();
    // Soonest first: "Eenmalig" in two days, "Koffie" next in five (30 = 4 × 7 + 2).
    assert_eq!(summaries(&text), ["Eenmalig", "Koffie"], "{text}");
    assert!(text.contains("RRULE:FREQ=WEEKLY\r\n"), "{text}");
    assert!(
        text.contains(&format!("UID:post-{running}@buurt")),
        "{text}"
    );

    let shown = w.post(&w.helper, &running).await;
    assert_eq!(
        shown["next_occurrence"],
        json!((dutch_day(start) + Days::new(35)).to_string())
    );
    assert_eq!(
        w.post(&w.helper, &ended).await["next_occurrence"],
        Value::Null
    );
}

// issue 20 (h20rest)
/// The public page lists a series by its next occurrence (its start, and the places left of
/// that occurrence from its own answers); a series that started weeks ago but still runs
/// stays listed, one that ended is gone.
#[actix_web::test]
async fn the_public_page_lists_a_series_by_its_next_occurrence() {
    let w = world().await;
    let running = w
        .activity("Koffie", Some(3), json!({"recurrence": "weekly"}))
        .await;
    let ended = w
        .activity("Voorbij", Some(3), json!({"recurrence": "weekly"}))
        .await;
    let once = w.activity("Eenmalig", Some(5), json!({})).await;
    let start = Utc::now() - Duration::days(30);
    for post in [&running, &ended] {
        w.reschedule(post, start, start + Duration::hours(2));
    }
    w.app.sql(&format!(
        "UPDATE posts SET recurrence_ends_on = '{}' WHERE id = '{ended}'",
        dutch_day(Utc::now()) - Days::new(10)
    ));
    // Two answers for the next occurrence (in five days: 30 = 4 × 7 + 2), one for the
    // one-off; an answer to the series as a whole (as before series) counts for nothing.
    let next_start =
        (start.with_timezone(&chrono_tz::Europe::Amsterdam) + Days::new(35)).with_timezone(&Utc);
    let next_day = dutch_day(next_start);
    for who in [&w.helper, &w.other] {
        let answered = w.rsvp(who, &running, next_day).await;
        assert_eq!(answered.status, 201, "{}", answered.text());
    }
    let one_off = w
        .app
        .post_as(&w.helper, &format!("/v1/posts/{once}/rsvp"), &json!({}))
        .await;
    assert_eq!(one_off.status, 201, "{}", one_off.text());
    w.app.sql(&format!(
        "INSERT INTO rsvps (post_id, user_id, status, position, created_at, updated_at) \
         VALUES ('{running}', '{}', 'going', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00')",
        w.organiser.user_id
    ));

    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let section = page.json()["upcoming_activities"].clone();
    let items = section["items"].as_array().unwrap();
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Eenmalig", "Koffie"], "{section}");
    assert_eq!(section["count"], 2, "{section}");
    let series = &items[1];
    let listed_start: DateTime<Utc> = series["starts_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(listed_start.timestamp(), next_start.timestamp());
    assert_eq!(series["places_left"], 1, "{section}");
    assert_eq!(items[0]["places_left"], 4, "{section}");

    // Moved a day earlier, the series' next occurrence is another day, with all its places.
    let earlier = start - Duration::days(1);
    w.reschedule(&running, earlier, earlier + Duration::hours(2));
    let moved_start =
        (earlier.with_timezone(&chrono_tz::Europe::Amsterdam) + Days::new(35)).with_timezone(&Utc);
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    let series = page["upcoming_activities"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Koffie")
        .cloned()
        .unwrap();
    let listed_start: DateTime<Utc> = series["starts_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(listed_start.timestamp(), moved_start.timestamp());
    assert_eq!(series["places_left"], 3);

    // A series whose last day passed is gone.
    w.app.sql(&format!(
        "UPDATE posts SET recurrence_ends_on = '{}' WHERE id = '{running}'",
        dutch_day(Utc::now()) - Days::new(1)
    ));
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    let titles: Vec<&str> = page["upcoming_activities"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Eenmalig"]);
    assert_eq!(page["upcoming_activities"]["count"], 1);
}
