use std::collections::HashSet;

use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    organiser: Session,
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
    World {
        app,
        admin,
        neighbourhood,
        organiser,
    }
}

impl World {
    async fn activity(&self, title: &str, capacity: Option<u32>, extra: Value) -> String {
        let mut body = json!({
            "kind": "activity", "title": title, "body": "Kom ook!",
            "activity": {"starts_at": (Utc::now() + Duration::days(2)).to_rfc3339(),
                         "ends_at": (Utc::now() + Duration::days(2) + Duration::hours(2)).to_rfc3339(),
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

    async fn rsvp(&self, session: &Session, post: &str) -> buurt_tests::TestResponse {
        self.app
            .post_as(session, &format!("/v1/posts/{post}/rsvp"), &json!({}))
            .await
    }

    /// Moves an activity in time behind the app's back.
    fn reschedule(&self, post: &str, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) {
        let format = "%Y-%m-%d %H:%M:%S";
        self.app.sql(&format!(
            "UPDATE posts SET starts_at = '{}', ends_at = '{}' WHERE id = '{post}'",
            starts_at.format(format),
            ends_at.format(format)
        ));
    }

    /// Makes an activity one that is going on now.
    fn happening_now(&self, post: &str) {
        self.reschedule(
            post,
            Utc::now() - Duration::minutes(30),
            Utc::now() + Duration::hours(2),
        );
    }

    async fn check_in(&self, organiser: &Session, post: &str, user: &str) -> TestResponse {
        self.app
            .post_as(
                organiser,
                &format!("/v1/posts/{post}/check-ins"),
                &json!({"user_id": user}),
            )
            .await
    }

    async fn attendees(&self, post: &str) -> Value {
        let response = self
            .app
            .get_as(&self.organiser, &format!("/v1/posts/{post}/attendees"))
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()
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
async fn the_waitlist_fills_and_moves_up() {
    let w = world().await;
    let post = w.activity("Buurtborrel", Some(2), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 4);
    let mut answers = Vec::new();
    for person in &people {
        let response = w.rsvp(person, &post).await;
        assert_eq!(response.status, 201, "{}", response.text());
        answers.push(response.json());
    }
    let statuses: Vec<&str> = answers
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["going", "going", "waitlisted", "waitlisted"]);
    assert_eq!(answers[3]["waitlist_ahead"], 1);
    // Answering again changes nothing.
    let again = w.rsvp(&people[0], &post).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["status"], "going");

    // The first going cancels: the first waiting moves up and is told.
    assert_eq!(
        w.app
            .delete_as(&people[0], &format!("/v1/posts/{post}/rsvp"))
            .await
            .status,
        204
    );
    let list = w.attendees(&post).await;
    assert_eq!(
        ids(&list["going"]),
        [people[1].user_id.clone(), people[2].user_id.clone()]
    );
    assert_eq!(ids(&list["waitlist"]), [people[3].user_id.clone()]);
    // Who had to wait stays on record after moving up; who never waited has no such time.
    assert!(list["going"][0]["waitlisted_at"].is_null());
    assert!(list["going"][1]["waitlisted_at"].is_string(), "{list}");
    assert!(list["waitlist"][0]["waitlisted_at"].is_string());
    let inbox = w
        .app
        .get_as(&people[2], "/v1/me/notifications")
        .await
        .json();
    assert_eq!(inbox["items"][0]["kind"], "rsvp_promoted");
    assert_eq!(inbox["items"][0]["post"]["id"], json!(post));
    assert_eq!(w.rsvp(&people[3], &post).await.json()["waitlist_ahead"], 0);
    w.app
        .delete_as(&people[0], &format!("/v1/posts/{post}/rsvp"))
        .await
        .assert_problem(404, "not_found");
    // Coming back means the back of the queue.
    assert_eq!(w.rsvp(&people[0], &post).await.json()["waitlist_ahead"], 1);
}

#[actix_web::test]
async fn two_hundred_at_once_for_twenty_places() {
    let w = world().await;
    let post = w.activity("Kerstdiner", Some(20), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 200);
    let (w_ref, post_ref) = (&w, &post);
    let responses = join_all(
        people
            .iter()
            .map(|person| async move { w_ref.rsvp(person, post_ref).await }),
    )
    .await;
    let mut going = 0;
    let mut ahead = Vec::new();
    for response in &responses {
        assert_eq!(response.status, 201, "{}", response.text());
        match response.json()["status"].as_str().unwrap() {
            "going" => going += 1,
            _ => ahead.push(response.json()["waitlist_ahead"].as_u64().unwrap()),
        }
    }
    assert_eq!(going, 20);
    assert_eq!(ahead.len(), 180);
    ahead.sort_unstable();
    assert_eq!(
        ahead,
        (0..180).collect::<Vec<u64>>(),
        "one arrival order, no ties"
    );
    let list = w.attendees(&post).await;
    assert_eq!(list["going"].as_array().unwrap().len(), 20);
    assert_eq!(list["waitlist"].as_array().unwrap().len(), 180);
    // The waitlist is listed in the order the answers arrived.
    let by_ahead: Vec<String> = {
        let mut waiting: Vec<(u64, String)> = responses
            .iter()
            .zip(&people)
            .filter(|(r, _)| r.json()["status"] == "waitlisted")
            .map(|(r, p)| {
                (
                    r.json()["waitlist_ahead"].as_u64().unwrap(),
                    p.user_id.clone(),
                )
            })
            .collect();
        waiting.sort();
        waiting.into_iter().map(|(_, id)| id).collect()
    };
    assert_eq!(ids(&list["waitlist"]), by_ahead);
}

#[actix_web::test]
async fn concurrent_cancellations_and_answers_keep_the_limit_and_the_order() {
    let w = world().await;
    let post = w.activity("Wandeling", Some(10), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 40);
    for person in &people[..30] {
        w.rsvp(person, &post).await;
    }
    let before = w.attendees(&post).await;
    let old_waitlist = ids(&before["waitlist"]);
    assert_eq!(old_waitlist.len(), 20);

    let (w_ref, post_ref) = (&w, &post);
    let cancels = people[..10].iter().map(|p| async move {
        w_ref
            .app
            .delete_as(p, &format!("/v1/posts/{post_ref}/rsvp"))
            .await
            .status
            .as_u16()
    });
    let answers = people[30..]
        .iter()
        .map(|p| async move { w_ref.rsvp(p, post_ref).await.status.as_u16() });
    let (cancelled, answered) =
        futures_util::future::join(join_all(cancels), join_all(answers)).await;
    assert!(cancelled.iter().all(|s| *s == 204), "{cancelled:?}");
    assert!(answered.iter().all(|s| *s == 201), "{answered:?}");

    let after = w.attendees(&post).await;
    let going = ids(&after["going"]);
    let waitlist = ids(&after["waitlist"]);
    assert_eq!(going.len(), 10, "exactly the capacity");
    assert_eq!(waitlist.len(), 20);
    // The ten who waited longest moved up; the rest keep their order, newcomers behind them.
    let promoted: HashSet<&String> = old_waitlist[..10].iter().collect();
    assert_eq!(going.iter().collect::<HashSet<_>>(), promoted);
    assert_eq!(&waitlist[..10], &old_waitlist[10..]);
    let newcomers: HashSet<&String> = people[30..].iter().map(|p| &p.user_id).collect();
    assert_eq!(waitlist[10..].iter().collect::<HashSet<_>>(), newcomers);
}

#[actix_web::test]
async fn who_may_answer_and_who_may_organise() {
    let w = world().await;
    let members_only = w
        .activity("Alleen leden", None, json!({"visibility": "members"}))
        .await;
    let public = w.activity("Iedereen", Some(1), json!({})).await;
    let outsider = w.app.register("buiten@example.nl").await;
    let member = w.app.crowd(&w.neighbourhood, 1).remove(0);

    w.app
        .post(&format!("/v1/posts/{public}/rsvp"), &json!({}))
        .await
        .assert_problem(401, "unauthorized");
    w.rsvp(&outsider, &members_only)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(w.rsvp(&member, &members_only).await.status, 201);
    assert_eq!(
        w.rsvp(&outsider, &public).await.status,
        201,
        "public activities are open to all"
    );

    let news = w
        .app
        .post_as(
            &w.organiser,
            &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
            &json!({"kind": "news", "title": "Nieuws", "body": "x"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.rsvp(&member, &news)
        .await
        .assert_problem(409, "not_an_activity");

    let past = w.activity("Voorbij", None, json!({})).await;
    w.app.sql(&format!(
        "UPDATE posts SET starts_at = '2020-01-01 10:00:00', ends_at = '2020-01-01 12:00:00' WHERE id = '{past}'"
    ));
    w.rsvp(&member, &past)
        .await
        .assert_problem(409, "rsvp_closed");
    let closed = w.activity("Gesloten", None, json!({})).await;
    w.app
        .post_as(
            &w.organiser,
            &format!("/v1/posts/{closed}/close"),
            &json!({}),
        )
        .await;
    w.rsvp(&member, &closed)
        .await
        .assert_problem(409, "rsvp_closed");
    let hidden = w.activity("Verborgen", None, json!({})).await;
    w.app
        .post_as(&w.admin, &format!("/v1/posts/{hidden}/hide"), &json!({}))
        .await;
    w.rsvp(&member, &hidden)
        .await
        .assert_problem(404, "not_found");
    w.rsvp(&w.organiser, &hidden)
        .await
        .assert_problem(409, "rsvp_closed");

    // Organisers: the author, co-organisers the author adds, administrators.
    let attendees = format!("/v1/posts/{public}/attendees");
    w.app
        .get_as(&member, &attendees)
        .await
        .assert_problem(403, "forbidden");
    w.app
        .post_as(
            &member,
            &format!("/v1/posts/{public}/organisers"),
            &json!({"user_id": member.user_id}),
        )
        .await
        .assert_problem(403, "forbidden");
    let added = w
        .app
        .post_as(
            &w.organiser,
            &format!("/v1/posts/{public}/organisers"),
            &json!({"user_id": member.user_id}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(w.app.get_as(&member, &attendees).await.status, 200);
    assert_eq!(w.app.get_as(&w.admin, &attendees).await.status, 200);
}

#[actix_web::test]
async fn organisers_check_in_and_change_the_capacity() {
    let w = world().await;
    let post = w.activity("Repair café", Some(2), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 5);
    for person in &people {
        w.rsvp(person, &post).await;
    }
    let starts_at = Utc::now() + Duration::days(2);
    w.happening_now(&post);
    let check_in_path = format!("/v1/posts/{post}/check-ins");
    let check_in = |user: String| {
        let (app, organiser, path) = (&w.app, &w.organiser, check_in_path.clone());
        async move {
            app.post_as(organiser, &path, &json!({"user_id": user}))
                .await
        }
    };
    let checked = check_in(people[0].user_id.clone()).await;
    assert_eq!(checked.status, 200, "{}", checked.text());
    let first_time = checked.json()["checked_in_at"].clone();
    assert!(first_time.is_string());
    assert_eq!(
        check_in(people[0].user_id.clone()).await.json()["checked_in_at"],
        first_time
    );
    let stranger = w.app.register("vreemde@example.nl").await;
    check_in(stranger.user_id.clone())
        .await
        .assert_problem(422, "no_rsvp");
    w.app
        .post_as(
            &people[1],
            &format!("/v1/posts/{post}/check-ins"),
            &json!({"user_id": people[1].user_id}),
        )
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(w.attendees(&post).await["checked_in"], 1);
    w.reschedule(&post, starts_at, starts_at + Duration::hours(2));

    let capacity = format!("/v1/posts/{post}/capacity");
    w.app
        .put_as(&w.organiser, &capacity, &json!({"capacity": 1}))
        .await
        .assert_problem(409, "capacity_below_going");
    w.app
        .put_as(&people[0], &capacity, &json!({"capacity": 10}))
        .await
        .assert_problem(403, "forbidden");
    let raised = w
        .app
        .put_as(&w.organiser, &capacity, &json!({"capacity": 4}))
        .await;
    assert_eq!(raised.status, 200, "{}", raised.text());
    assert_eq!(
        raised.json(),
        json!({"capacity": 4, "going": 4, "waitlisted": 1})
    );
    let list = w.attendees(&post).await;
    assert_eq!(
        ids(&list["going"]),
        people[..4]
            .iter()
            .map(|p| p.user_id.clone())
            .collect::<Vec<_>>()
    );
    let unlimited = w
        .app
        .put_as(&w.organiser, &capacity, &json!({"capacity": null}))
        .await;
    assert_eq!(
        unlimited.json(),
        json!({"capacity": null, "going": 5, "waitlisted": 0})
    );

    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(
        page["upcoming_activities"]["items"][0]["places_left"],
        Value::Null
    );
    w.app
        .put_as(&w.organiser, &capacity, &json!({"capacity": 8}))
        .await;
    let page = w
        .app
        .get(&format!("/v1/neighbourhoods/{}/page", w.neighbourhood))
        .await
        .json();
    assert_eq!(page["upcoming_activities"]["items"][0]["places_left"], 3);
}

#[actix_web::test]
async fn calendars_parse_and_keep_what_was_written() {
    let w = world().await;
    let title = "Soep, brood; en koffie\nvoor iedereen — één keer 🎉";
    let summer_start = Utc.with_ymd_and_hms(2027, 7, 1, 16, 0, 0).unwrap();
    let winter_start = Utc.with_ymd_and_hms(2027, 12, 1, 16, 0, 0).unwrap();
    let summer = w.app.post_as(&w.organiser, &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood), &json!({
        "kind": "activity", "title": title, "body": "Meenemen: lepel, kom\\; of niet.",
        "activity": {"starts_at": summer_start.to_rfc3339(), "ends_at": (summer_start + Duration::hours(2)).to_rfc3339(), "location": "Buurthuis, zaal 2"},
    })).await.json()["id"].as_str().unwrap().to_owned();
    w.app.post_as(&w.organiser, &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood), &json!({
        "kind": "activity", "title": "Winterwandeling", "body": "Warm aankleden",
        "activity": {"starts_at": winter_start.to_rfc3339(), "ends_at": (winter_start + Duration::hours(1)).to_rfc3339(), "location": "Plein"},
    })).await;
    w.activity("Alleen leden", None, json!({"visibility": "members"}))
        .await;

    let single = w.app.get(&format!("/v1/posts/{summer}/calendar.ics")).await;
    assert_eq!(single.status, 200, "{}", single.text());
    assert_eq!(
        single.header("content-type").as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    let text = single.text();
    assert!(
        text.lines().all(|line| line.len() <= 75),
        "lines are folded at 75 octets"
    );
    let calendar: icalendar::Calendar = icalendar::parser::unfold(&text)
        .parse()
        .expect("valid iCalendar");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1);
    let event = events[0];
    use icalendar::{Component, EventLike};
    assert_eq!(event.get_summary(), Some(title));
    assert_eq!(
        event.get_description(),
        Some("Meenemen: lepel, kom\\; of niet.")
    );
    assert_eq!(event.get_location(), Some("Buurthuis, zaal 2"));
    assert_eq!(
        event.get_uid(),
        Some(format!("post-{summer}@buurt").as_str())
    );
    assert!(
        text.contains("DTSTART;TZID=Europe/Amsterdam:20270701T180000"),
        "{text}"
    );
    assert!(text.contains("BEGIN:VTIMEZONE") && text.contains("TZID:Europe/Amsterdam"));

    // The same UID on every export, also after an edit.
    w.app
        .request(
            actix_web::http::Method::PATCH,
            &format!("/v1/posts/{summer}"),
        )
        .bearer(&w.organiser.access_token)
        .json(&json!({"body": "Aangepast"}))
        .await;
    let again = w
        .app
        .get(&format!("/v1/posts/{summer}/calendar.ics"))
        .await
        .text();
    assert!(again.contains(&format!("UID:post-{summer}@buurt")));

    let feed = w
        .app
        .get(&format!(
            "/v1/neighbourhoods/{}/calendar.ics",
            w.neighbourhood
        ))
        .await;
    assert_eq!(feed.status, 200);
    let feed_text = feed.text();
    let calendar: icalendar::Calendar = icalendar::parser::unfold(&feed_text)
        .parse()
        .expect("valid iCalendar");
    let summaries: Vec<&str> = calendar.events().filter_map(|e| e.get_summary()).collect();
    assert_eq!(
        summaries,
        [title, "Winterwandeling"],
        "public, upcoming, soonest first"
    );
    assert!(
        feed_text.contains("DTSTART;TZID=Europe/Amsterdam:20271201T170000"),
        "CET in winter"
    );
    w.app
        .get(&format!(
            "/v1/neighbourhoods/{}/calendar.ics",
            uuid::Uuid::new_v4()
        ))
        .await
        .assert_problem(404, "not_found");
}

/// A strict reading of an iCalendar file (RFC 5545 §3.1), with no iCalendar library: the body
/// is UTF-8 (so no fold split a character), every line ends in CRLF with no other CR or LF, no
/// line is over 75 octets, and every unfolded line is `NAME[;params]:value`. Returns the
/// unfolded lines as (name, value).
fn content_lines(body: &[u8]) -> Vec<(String, String)> {
    let text = std::str::from_utf8(body).expect("UTF-8, no character split by a fold");
    let text = text.strip_suffix("\r\n").expect("ends with CRLF");
    let mut unfolded: Vec<String> = Vec::new();
    for line in text.split("\r\n") {
        assert!(!line.contains(['\r', '\n']), "a bare CR or LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        match line.strip_prefix([' ', '\t']) {
            Some(rest) => unfolded
                .last_mut()
                .expect("a folded line continues another")
                .push_str(rest),
            None => unfolded.push(line.to_owned()),
        }
    }
    unfolded
        .into_iter()
        .map(|line| {
            // The value starts at the first colon outside a quoted parameter value.
            let mut quoted = false;
            let colon = line
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    c == ':' && !quoted
                })
                .map(|(at, _)| at)
                .unwrap_or_else(|| panic!("no value in {line:?}"));
            let name = line[..colon].split(';').next().unwrap_or_default();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "not a property name in {line:?}"
            );
            (name.to_owned(), line[colon + 1..].to_owned())
        })
        .collect()
}

/// A TEXT value read back (RFC 5545 §3.3.11); an unescaped `;` or `,` is an error.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => panic!("a bad escape \\{other:?} in {value:?}"),
            },
            ';' | ',' => panic!("an unescaped {c:?} in {value:?}"),
            c => out.push(c),
        }
    }
    out
}

/// The file's components as `BEGIN`/`END` check them: balanced, one calendar around all.
fn components(lines: &[(String, String)]) -> Vec<String> {
    let mut open = Vec::new();
    let mut seen = Vec::new();
    for (name, value) in lines {
        match name.as_str() {
            "BEGIN" => {
                assert!(
                    value == "VCALENDAR" || !open.is_empty(),
                    "{value} outside the calendar"
                );
                open.push(value.clone());
                seen.push(value.clone());
            }
            "END" => assert_eq!(open.pop().as_ref(), Some(value), "unbalanced END:{value}"),
            _ => assert!(!open.is_empty(), "{name} outside the calendar"),
        }
    }
    assert!(open.is_empty(), "unclosed {open:?}");
    assert_eq!(lines.first().map(|l| l.0.as_str()), Some("BEGIN"));
    assert_eq!(seen.iter().filter(|c| *c == "VCALENDAR").count(), 1);
    seen
}

fn values<'a>(lines: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[actix_web::test]
async fn calendar_text_cannot_break_out_and_folds_whole_characters() {
    let w = world().await;
    let injection = "Feest\nEND:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:nep";
    // 140 characters, over 75 octets many times, with two- and four-byte characters.
    let long: String = "Één soep; brood, koffie 🎉 \\ "
        .repeat(6)
        .chars()
        .take(140)
        .collect();
    let long = long.trim_end().to_owned();
    for title in [injection, long.as_str()] {
        let post = w
            .app
            .post_as(
                &w.organiser,
                &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
                &json!({
                    "kind": "activity", "title": title, "body": "Regel één;\r\nregel twee, drie",
                    "activity": {"starts_at": (Utc::now() + Duration::days(2)).to_rfc3339(),
                                 "ends_at": (Utc::now() + Duration::days(2) + Duration::hours(2)).to_rfc3339(),
                                 "location": "Buurthuis"},
                }),
            )
            .await;
        assert_eq!(post.status, 201, "{}", post.text());
        let post = post.json()["id"].as_str().unwrap().to_owned();
        let ics = w.app.get(&format!("/v1/posts/{post}/calendar.ics")).await;
        assert_eq!(ics.status, 200);
        let lines = content_lines(&ics.body);
        let components = components(&lines);
        assert_eq!(
            components,
            ["VCALENDAR", "VTIMEZONE", "DAYLIGHT", "STANDARD", "VEVENT"]
        );
        assert_eq!(lines.last().unwrap(), &("END".into(), "VCALENDAR".into()));
        for name in ["NAME", "X-WR-CALNAME", "SUMMARY"] {
            let found = values(&lines, name);
            assert_eq!(found.len(), 1, "{name}");
            assert_eq!(unescape(found[0]), title, "{name} gives back the title");
        }
        assert_eq!(
            unescape(values(&lines, "DESCRIPTION")[0]),
            "Regel één;\nregel twee, drie"
        );
        assert_eq!(values(&lines, "TZID"), ["Europe/Amsterdam"]);
        // An independent parse agrees.
        let text = ics.text();
        let calendar: icalendar::Calendar = icalendar::parser::unfold(&text)
            .parse()
            .expect("valid iCalendar");
        use icalendar::Component;
        assert_eq!(calendar.events().count(), 1);
        assert_eq!(calendar.events().next().unwrap().get_summary(), Some(title));
        if title == long {
            assert!(text.contains("\r\n "), "the long title is folded");
        }
    }
    let feed = w
        .app
        .get(&format!(
            "/v1/neighbourhoods/{}/calendar.ics",
            w.neighbourhood
        ))
        .await;
    let lines = content_lines(&feed.body);
    let components = components(&lines);
    assert_eq!(components.iter().filter(|c| *c == "VEVENT").count(), 2);
    let summaries: Vec<String> = values(&lines, "SUMMARY")
        .into_iter()
        .map(unescape)
        .collect();
    assert_eq!(summaries, [injection, long.as_str()]);
    assert_eq!(unescape(values(&lines, "NAME")[0]), "Buurt: Kop");
}

#[actix_web::test]
async fn neighbourhood_calendars_leave_out_hidden_closed_past_and_members_only() {
    let w = world().await;
    let shown = w.activity("Open", None, json!({})).await;
    let hidden = w.activity("Verborgen", None, json!({})).await;
    let closed = w.activity("Gesloten", None, json!({})).await;
    let past = w.activity("Voorbij", None, json!({})).await;
    let members = w
        .activity("Leden", None, json!({"visibility": "members"}))
        .await;
    w.app
        .post_as(&w.admin, &format!("/v1/posts/{hidden}/hide"), &json!({}))
        .await;
    w.app
        .post_as(
            &w.organiser,
            &format!("/v1/posts/{closed}/close"),
            &json!({}),
        )
        .await;
    w.reschedule(
        &past,
        Utc::now() - Duration::days(2),
        Utc::now() - Duration::days(2) + Duration::hours(2),
    );
    let feed = w
        .app
        .get(&format!(
            "/v1/neighbourhoods/{}/calendar.ics",
            w.neighbourhood
        ))
        .await;
    assert_eq!(feed.status, 200);
    let lines = content_lines(&feed.body);
    components(&lines);
    assert_eq!(values(&lines, "SUMMARY"), ["Open"]);
    assert_eq!(values(&lines, "UID"), [format!("post-{shown}@buurt")]);

    // One activity: hidden or members-only is not there for an outsider.
    let outsider = w.app.register("buiten@example.nl").await;
    for post in [&hidden, &members] {
        let path = format!("/v1/posts/{post}/calendar.ics");
        w.app.get(&path).await.assert_problem(404, "not_found");
        w.app
            .get_as(&outsider, &path)
            .await
            .assert_problem(404, "not_found");
    }
    let member = w.app.crowd(&w.neighbourhood, 1).remove(0);
    assert_eq!(
        w.app
            .get_as(&member, &format!("/v1/posts/{members}/calendar.ics"))
            .await
            .status,
        200
    );
    w.app
        .get_as(&member, &format!("/v1/posts/{hidden}/calendar.ics"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        w.app
            .get_as(&w.admin, &format!("/v1/posts/{hidden}/calendar.ics"))
            .await
            .status,
        200,
        "moderators see hidden posts"
    );
}

#[actix_web::test]
async fn patching_an_activity_follows_the_capacity_rules() {
    let w = world().await;
    let post = w.activity("Borrel", Some(3), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 5);
    for person in &people {
        w.rsvp(person, &post).await;
    }
    let starts_at = (Utc::now() + Duration::days(3)).to_rfc3339();
    let ends_at = (Utc::now() + Duration::days(3) + Duration::hours(2)).to_rfc3339();
    let patch = |block: Value| {
        let (app, organiser, path) = (&w.app, &w.organiser, format!("/v1/posts/{post}"));
        async move {
            app.request(actix_web::http::Method::PATCH, &path)
                .bearer(&organiser.access_token)
                .json(&json!({ "activity": block }))
                .await
        }
    };
    // Below the number going: refused, nothing changes.
    patch(json!({"starts_at": starts_at, "ends_at": ends_at, "location": "Elders", "capacity": 1}))
        .await
        .assert_problem(409, "capacity_below_going");
    let list = w.attendees(&post).await;
    assert_eq!(
        (
            list["capacity"].clone(),
            list["going"].as_array().unwrap().len()
        ),
        (json!(3), 3)
    );
    let unchanged = w
        .app
        .get_as(&w.organiser, &format!("/v1/posts/{post}"))
        .await
        .json();
    assert_eq!(unchanged["activity"]["location"], "Buurthuis");

    // Capacity left out: it stays, and so does the waitlist.
    let moved =
        patch(json!({"starts_at": starts_at, "ends_at": ends_at, "location": "Elders"})).await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(moved.json()["activity"]["capacity"], 3);
    assert_eq!(moved.json()["activity"]["location"], "Elders");
    let list = w.attendees(&post).await;
    assert_eq!(list["waitlist"].as_array().unwrap().len(), 2);
    let late = w.app.crowd(&w.neighbourhood, 1).remove(0);
    assert_eq!(w.rsvp(&late, &post).await.json()["status"], "waitlisted");
    // Other edits leave the capacity alone too.
    let retitled = w
        .app
        .request(actix_web::http::Method::PATCH, &format!("/v1/posts/{post}"))
        .bearer(&w.organiser.access_token)
        .json(&json!({"title": "Borrel op het plein"}))
        .await;
    assert_eq!(retitled.json()["activity"]["capacity"], 3);

    // Raised: the first waiting move up, in order, and are told.
    let raised = patch(
        json!({"starts_at": starts_at, "ends_at": ends_at, "location": "Elders", "capacity": 4}),
    )
    .await;
    assert_eq!(raised.status, 200, "{}", raised.text());
    let list = w.attendees(&post).await;
    assert_eq!(
        ids(&list["going"]),
        people[..4]
            .iter()
            .map(|p| p.user_id.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        ids(&list["waitlist"]),
        [people[4].user_id.clone(), late.user_id.clone()]
    );
    let inbox = w
        .app
        .get_as(&people[3], "/v1/me/notifications")
        .await
        .json();
    assert_eq!(inbox["items"][0]["kind"], "rsvp_promoted");

    // `null`: no limit, everyone goes.
    let unlimited = patch(
        json!({"starts_at": starts_at, "ends_at": ends_at, "location": "Elders", "capacity": null}),
    )
    .await;
    assert_eq!(unlimited.status, 200, "{}", unlimited.text());
    assert_eq!(unlimited.json()["activity"]["capacity"], Value::Null);
    let list = w.attendees(&post).await;
    assert_eq!(list["going"].as_array().unwrap().len(), 6);
    assert_eq!(list["waitlist"].as_array().unwrap().len(), 0);

    // Bad input changes nothing.
    patch(json!({"starts_at": starts_at, "ends_at": ends_at, "location": "Elders", "capacity": 0}))
        .await
        .assert_problem(422, "validation_failed");

    // Over: the capacity no longer changes, but the same block is still accepted.
    let over = w.activity("Voorbij", Some(1), json!({})).await;
    w.rsvp(&people[0], &over).await;
    w.rsvp(&people[1], &over).await;
    let (started, ended) = (
        Utc::now() - Duration::days(1),
        Utc::now() - Duration::days(1) + Duration::hours(2),
    );
    w.reschedule(&over, started, ended);
    let edit = |capacity: u32| {
        let (app, organiser, path) = (&w.app, &w.organiser, format!("/v1/posts/{over}"));
        async move {
            app.request(actix_web::http::Method::PATCH, &path)
                .bearer(&organiser.access_token)
                .json(&json!({"activity": {"starts_at": started.to_rfc3339(),
                    "ends_at": ended.to_rfc3339(), "location": "Buurthuis", "capacity": capacity}}))
                .await
        }
    };
    edit(5).await.assert_problem(409, "rsvp_closed");
    assert_eq!(
        ids(&w.attendees(&over).await["waitlist"]),
        [people[1].user_id.clone()]
    );
    let same = edit(1).await;
    assert_eq!(same.status, 200, "{}", same.text());
}

#[actix_web::test]
async fn answers_stand_once_over_closed_or_checked_in() {
    let w = world().await;
    let cancel = |session: &Session, post: &str| {
        let (app, session, path) = (&w.app, session.clone(), format!("/v1/posts/{post}/rsvp"));
        async move { app.delete_as(&session, &path).await }
    };

    // Over: nobody cancels, nobody moves up, nobody is told.
    let past = w.activity("Voorbij", Some(1), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 3);
    w.rsvp(&people[0], &past).await;
    w.rsvp(&people[1], &past).await;
    w.reschedule(
        &past,
        Utc::now() - Duration::days(1),
        Utc::now() - Duration::days(1) + Duration::hours(2),
    );
    cancel(&people[0], &past)
        .await
        .assert_problem(409, "rsvp_closed");
    let list = w.attendees(&past).await;
    assert_eq!(ids(&list["going"]), [people[0].user_id.clone()]);
    assert_eq!(ids(&list["waitlist"]), [people[1].user_id.clone()]);
    let inbox = w
        .app
        .get_as(&people[1], "/v1/me/notifications")
        .await
        .json();
    assert_eq!(inbox["items"], json!([]));
    w.app
        .put_as(
            &w.organiser,
            &format!("/v1/posts/{past}/capacity"),
            &json!({"capacity": 2}),
        )
        .await
        .assert_problem(409, "rsvp_closed");
    assert_eq!(
        ids(&w.attendees(&past).await["waitlist"]),
        [people[1].user_id.clone()]
    );

    // Closed: the same.
    let closed = w.activity("Gesloten", Some(1), json!({})).await;
    w.rsvp(&people[0], &closed).await;
    w.rsvp(&people[1], &closed).await;
    w.app
        .post_as(
            &w.organiser,
            &format!("/v1/posts/{closed}/close"),
            &json!({}),
        )
        .await;
    cancel(&people[0], &closed)
        .await
        .assert_problem(409, "rsvp_closed");
    assert_eq!(
        ids(&w.attendees(&closed).await["going"]),
        [people[0].user_id.clone()]
    );

    // Checked in: they came, and that stays.
    let now = w.activity("Nu", Some(1), json!({})).await;
    w.rsvp(&people[0], &now).await;
    w.rsvp(&people[1], &now).await;
    w.happening_now(&now);
    assert_eq!(
        w.check_in(&w.organiser, &now, &people[0].user_id)
            .await
            .status,
        200
    );
    cancel(&people[0], &now)
        .await
        .assert_problem(409, "already_checked_in");
    let list = w.attendees(&now).await;
    assert_eq!(list["checked_in"], 1);
    assert_eq!(ids(&list["going"]), [people[0].user_id.clone()]);
    // Someone going who is not checked in still may, and the waitlist moves up.
    let open = w.activity("Later", Some(1), json!({})).await;
    w.rsvp(&people[0], &open).await;
    w.rsvp(&people[1], &open).await;
    assert_eq!(cancel(&people[0], &open).await.status, 204);
    assert_eq!(
        ids(&w.attendees(&open).await["going"]),
        [people[1].user_id.clone()]
    );
}

#[actix_web::test]
async fn check_ins_take_people_going_on_the_day() {
    let w = world().await;
    let post = w.activity("Repair café", Some(1), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 2);
    w.rsvp(&people[0], &post).await;
    w.rsvp(&people[1], &post).await;

    // Two days ahead: not yet.
    w.check_in(&w.organiser, &post, &people[0].user_id)
        .await
        .assert_problem(409, "check_in_not_open");
    w.happening_now(&post);
    w.check_in(&w.organiser, &post, &people[1].user_id)
        .await
        .assert_problem(409, "not_going");
    assert_eq!(
        w.check_in(&w.organiser, &post, &people[0].user_id)
            .await
            .status,
        200
    );
    // More than a day after the end: the list is closed.
    w.reschedule(
        &post,
        Utc::now() - Duration::days(3),
        Utc::now() - Duration::days(3) + Duration::hours(2),
    );
    w.check_in(&w.organiser, &post, &people[0].user_id)
        .await
        .assert_problem(409, "check_in_not_open");
    // Within a day after the end: still possible.
    w.reschedule(
        &post,
        Utc::now() - Duration::hours(5),
        Utc::now() - Duration::hours(3),
    );
    assert_eq!(
        w.check_in(&w.organiser, &post, &people[0].user_id)
            .await
            .status,
        200
    );
    // Closed: no more.
    w.app
        .post_as(&w.organiser, &format!("/v1/posts/{post}/close"), &json!({}))
        .await;
    w.check_in(&w.organiser, &post, &people[0].user_id)
        .await
        .assert_problem(409, "check_in_not_open");
    let list = w.attendees(&post).await;
    assert_eq!(list["checked_in"], 1);
    assert!(list["waitlist"][0]["checked_in_at"].is_null());
}

#[actix_web::test]
async fn co_organisers_check_in_and_change_the_capacity_but_add_nobody() {
    let w = world().await;
    let post = w.activity("Samen", Some(1), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 4);
    let co = &people[0];
    let added = w
        .app
        .post_as(
            &w.organiser,
            &format!("/v1/posts/{post}/organisers"),
            &json!({"user_id": co.user_id}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    w.rsvp(&people[1], &post).await;
    w.rsvp(&people[2], &post).await;

    let raised = w
        .app
        .put_as(
            co,
            &format!("/v1/posts/{post}/capacity"),
            &json!({"capacity": 2}),
        )
        .await;
    assert_eq!(raised.status, 200, "{}", raised.text());
    assert_eq!(
        raised.json(),
        json!({"capacity": 2, "going": 2, "waitlisted": 0})
    );
    w.happening_now(&post);
    let checked = w.check_in(co, &post, &people[2].user_id).await;
    assert_eq!(checked.status, 200, "{}", checked.text());
    assert!(checked.json()["checked_in_at"].is_string());

    // Only the author (or an administrator) adds organisers.
    w.app
        .post_as(
            co,
            &format!("/v1/posts/{post}/organisers"),
            &json!({"user_id": people[3].user_id}),
        )
        .await
        .assert_problem(403, "forbidden");
    w.app
        .get_as(&people[3], &format!("/v1/posts/{post}/attendees"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn capacity_edits_racing_answers_never_overbook() {
    let w = world().await;
    let post = w.activity("Drukte", Some(20), json!({})).await;
    let people = w.app.crowd(&w.neighbourhood, 30);
    for person in &people[..5] {
        w.rsvp(person, &post).await;
    }
    let (starts_at, ends_at) = (
        (Utc::now() + Duration::days(3)).to_rfc3339(),
        (Utc::now() + Duration::days(3) + Duration::hours(1)).to_rfc3339(),
    );
    let (w_ref, post_ref) = (&w, &post);
    let answers = people[5..]
        .iter()
        .map(|p| async move { w_ref.rsvp(p, post_ref).await.status.as_u16() });
    // Lowering to 8 while 25 answer: refused or applied, never over the limit.
    let edits = [8u32, 12].map(|capacity| {
        let (starts_at, ends_at) = (starts_at.clone(), ends_at.clone());
        async move {
            let response = w_ref
                .app
                .request(
                    actix_web::http::Method::PATCH,
                    &format!("/v1/posts/{post_ref}"),
                )
                .bearer(&w_ref.organiser.access_token)
                .json(
                    &json!({"activity": {"starts_at": starts_at, "ends_at": ends_at,
                    "location": "Buurthuis", "capacity": capacity}}),
                )
                .await;
            assert!(
                response.status == 200 || response.status == 409,
                "{}",
                response.text()
            );
            response.status.as_u16()
        }
    });
    let (answered, edited) = futures_util::future::join(join_all(answers), join_all(edits)).await;
    assert!(answered.iter().all(|s| *s == 201), "{answered:?}");
    let list = w.attendees(&post).await;
    let capacity = list["capacity"].as_u64().unwrap();
    let going = list["going"].as_array().unwrap().len() as u64;
    let waiting = list["waitlist"].as_array().unwrap().len() as u64;
    assert!(
        going <= capacity,
        "{going} going for {capacity} places ({edited:?})"
    );
    assert_eq!(going + waiting, 30);
    // Room left means nobody waits.
    assert!(
        going == capacity || waiting == 0,
        "{going}/{capacity}, {waiting} waiting"
    );
    assert_eq!(
        &ids(&list["going"])[..5],
        &people[..5]
            .iter()
            .map(|p| p.user_id.clone())
            .collect::<Vec<_>>()[..]
    );
}

/// Records, behind the app's back, the status each activity had when an answer for it was
/// written: the trigger runs inside the writing transaction, so it sees what that write saw.
fn record_rsvp_writes(app: &TestApp) {
    let table = "CREATE TABLE rsvp_writes \
                 (post_id TEXT NOT NULL, user_id TEXT NOT NULL, post_status TEXT NOT NULL);";
    let insert = "INSERT INTO rsvp_writes (post_id, user_id, post_status) \
                  SELECT NEW.post_id, NEW.user_id, status FROM posts WHERE id = NEW.post_id;";
    if app.database.is_postgres() {
        app.sql(&format!(
            "{table}
             CREATE FUNCTION note_rsvp_write() RETURNS trigger AS $$
             BEGIN {insert} RETURN NEW; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER rsvp_inserted AFTER INSERT ON rsvps
                 FOR EACH ROW EXECUTE FUNCTION note_rsvp_write();
             CREATE TRIGGER rsvp_updated AFTER UPDATE OF status ON rsvps
                 FOR EACH ROW EXECUTE FUNCTION note_rsvp_write();"
        ));
    } else {
        app.sql(&format!(
            "{table}
             CREATE TRIGGER rsvp_inserted AFTER INSERT ON rsvps BEGIN {insert} END;
             CREATE TRIGGER rsvp_updated AFTER UPDATE OF status ON rsvps BEGIN {insert} END;"
        ));
    }
}

#[actix_web::test]
async fn an_activity_closed_while_answers_arrive_takes_none_after_its_close() {
    let w = world().await;
    record_rsvp_writes(&w.app);
    let people = w.app.crowd(&w.neighbourhood, 50);
    // Whether an activity takes answers (and cancellations) is judged while they arrive, so a
    // close lands between the check and the write of some of them unless both happen under
    // one hold. A few rounds, since each may or may not hit the window.
    for round in 0..4 {
        let post = w
            .activity(&format!("Buurtborrel {round}"), Some(15), json!({}))
            .await;
        // Ten answered before; they cancel while the others answer and the close arrives.
        let (newcomers, leavers) = people.split_at(40);
        for person in leavers {
            assert_eq!(w.rsvp(person, &post).await.status, 201);
        }
        let (w_ref, post_ref) = (&w, &post);
        let answers = newcomers.iter().map(|person| async move {
            let response = w_ref.rsvp(person, post_ref).await;
            (person.user_id.clone(), response)
        });
        let cancels = leavers.iter().map(|person| async move {
            let response = w_ref
                .app
                .delete_as(person, &format!("/v1/posts/{post_ref}/rsvp"))
                .await;
            (person.user_id.clone(), response)
        });
        let close = async {
            w_ref
                .app
                .post_as(
                    &w_ref.organiser,
                    &format!("/v1/posts/{post_ref}/close"),
                    &json!({}),
                )
                .await
        };
        let ((answered, cancelled), closed) = futures_util::future::join(
            futures_util::future::join(join_all(answers), join_all(cancels)),
            close,
        )
        .await;
        assert_eq!(closed.status, 200, "{}", closed.text());
        assert_eq!(closed.json()["status"], "closed");

        let mut signed_up = Vec::new();
        for (user, response) in &answered {
            match response.status.as_u16() {
                201 => signed_up.push(user.clone()),
                409 => {
                    response.assert_problem(409, "rsvp_closed");
                }
                other => panic!("{other}: {}", response.text()),
            }
        }
        let mut standing = signed_up.clone();
        for (user, response) in &cancelled {
            match response.status.as_u16() {
                204 => {}
                409 => {
                    response.assert_problem(409, "rsvp_closed");
                    standing.push(user.clone());
                }
                other => panic!("{other}: {}", response.text()),
            }
        }
        // Nothing was written on the activity once it was closed (no answer, cancellation or
        // move up): every write happened while it was open, and exactly the answers that were
        // told so exist.
        assert_eq!(
            w.app.count(&format!(
                "SELECT COUNT(*) FROM rsvp_writes \
                 WHERE post_id = '{post}' AND post_status <> 'open'"
            )),
            0,
            "answers written on the closed activity (round {round})"
        );
        assert_eq!(
            w.app.count(&format!(
                "SELECT COUNT(*) FROM rsvps WHERE post_id = '{post}'"
            )),
            (leavers.len() + signed_up.len()) as i64
        );
        let list = w.attendees(&post).await;
        let mut listed = ids(&list["going"]);
        listed.extend(ids(&list["waitlist"]));
        listed.sort();
        standing.sort();
        assert_eq!(listed, standing);
        // And answering now is refused.
        w.rsvp(&people[0], &post)
            .await
            .assert_problem(409, "rsvp_closed");
    }
}
