//! Lists come back from a constant number of statements, whatever their length: no N+1. The
//! server counts the statements its pool sends (`buurt_db_statements_total` in `/metrics`).

use buurt_tests::{Session, TestApp, spawn_app};
use serde_json::{Value, json};

async fn statements_sent(app: &TestApp) -> u64 {
    let metrics = app.get("/metrics").await.text();
    metrics
        .lines()
        .find_map(|line| line.strip_prefix("buurt_db_statements_total "))
        .expect("the metrics count statements")
        .trim()
        .parse()
        .expect("a number")
}

/// The statements one GET costs, and how many items it listed.
async fn cost_of(app: &TestApp, session: &Session, path: &str) -> (u64, usize) {
    // The standing of the token's account is read once per user every few seconds, not per
    // page: read it now, so the measured request costs only what the page itself costs.
    assert_eq!(app.get_as(session, "/v1/me").await.status, 200);
    let before = statements_sent(app).await;
    let response = app.get_as(session, path).await;
    let after = statements_sent(app).await;
    assert_eq!(response.status, 200, "{}", response.text());
    let items = response.json()["items"].as_array().expect("a list").len();
    (after - before, items)
}

async fn neighbourhood_with_crowd(app: &TestApp, people: usize) -> (String, Vec<Session>) {
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &[])
        .await;
    let crowd = app.crowd(&neighbourhood, people);
    (neighbourhood, crowd)
}

async fn request(app: &TestApp, author: &Session, neighbourhood: &str, index: usize) -> String {
    let created = app
        .post_as(
            author,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": format!("Boodschappen {index}"),
                    "body": "Wie helpt?", "category": "help"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn my_matches_cost_the_same_statements_for_two_matches_as_for_fifty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 51).await;
    let requester = &crowd[0];
    let (small, large) = (
        request(&app, requester, &neighbourhood, 0).await,
        request(&app, requester, &neighbourhood, 1).await,
    );
    for (post, helpers) in [(&small, &crowd[1..3]), (&large, &crowd[1..51])] {
        for helper in helpers {
            let offered = app
                .post_as(helper, &format!("/v1/posts/{post}/matches"), &json!({}))
                .await;
            assert_eq!(offered.status, 201, "{}", offered.text());
        }
    }
    let (few, listed) = cost_of(&app, requester, "/v1/me/matches?limit=2").await;
    assert_eq!(listed, 2);
    let (many, listed) = cost_of(&app, requester, "/v1/me/matches?limit=50").await;
    assert_eq!(listed, 50);
    assert_eq!(few, many, "statements for a page of 2 matches and of 50");
    let (few, listed) = cost_of(&app, requester, &format!("/v1/posts/{small}/matches")).await;
    assert_eq!(listed, 2);
    let (many, listed) = cost_of(&app, requester, &format!("/v1/posts/{large}/matches")).await;
    assert_eq!(listed, 50);
    assert_eq!(
        few, many,
        "statements for a request with 2 matches and with 50"
    );
}

#[actix_web::test]
async fn the_case_queue_costs_the_same_statements_for_two_cases_as_for_fifty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 2).await;
    let (requester, mediator) = (&crowd[0], &crowd[1]);
    app.sql(&format!(
        "UPDATE memberships SET role = 'mediator' WHERE user_id = '{}'",
        mediator.user_id
    ));
    let queue = format!("/v1/neighbourhoods/{neighbourhood}/cases");
    let mut costs = Vec::new();
    for index in 0..50 {
        let post = request(&app, requester, &neighbourhood, index).await;
        let escalated = app
            .post_as(requester, &format!("/v1/posts/{post}/escalate"), &json!({}))
            .await;
        assert_eq!(escalated.status, 201, "{}", escalated.text());
        if index == 1 || index == 49 {
            // The queue comes whole: measure it with 2 cases and again with 50.
            costs.push(cost_of(&app, mediator, &queue).await);
        }
    }
    assert_eq!(costs[0].1, 2);
    assert_eq!(costs[1].1, 50);
    assert_eq!(costs[0].0, costs[1].0, "statements for 2 cases and for 50");
}

/// The feed, a single post and one's own posts carry live state (answers, helpers, the
/// reader's own): the same number of statements for a page of 4 posts as for one of 40.
#[actix_web::test]
async fn post_state_costs_the_same_statements_for_four_posts_as_for_forty() {
    let app = spawn_app().await;
    let (neighbourhood, crowd) = neighbourhood_with_crowd(&app, 23).await;
    let (author, reader) = (&crowd[0], &crowd[1]);
    for index in 0..20 {
        let post = request(&app, author, &neighbourhood, index).await;
        // A helper has at most 5 live matches: the reader offers on a few, others on the rest.
        let helper = if index.is_multiple_of(4) {
            reader
        } else {
            &crowd[3 + index]
        };
        let offered = app
            .post_as(helper, &format!("/v1/posts/{post}/matches"), &json!({}))
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        let activity = app
            .post_as(
                author,
                &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
                &json!({"kind": "activity", "title": format!("Koffie {index}"), "body": "Kom!",
                        "activity": {"starts_at": "2099-01-01T10:00:00Z",
                                     "ends_at": "2099-01-01T12:00:00Z",
                                     "location": "Buurthuis", "capacity": 1}}),
            )
            .await;
        assert_eq!(activity.status, 201, "{}", activity.text());
        let activity = activity.json()["id"].as_str().unwrap().to_owned();
        for person in [reader, &crowd[2]] {
            let answered = app
                .post_as(person, &format!("/v1/posts/{activity}/rsvp"), &json!({}))
                .await;
            assert_eq!(answered.status, 201, "{}", answered.text());
        }
    }
    let feed = format!("/v1/neighbourhoods/{neighbourhood}/posts");
    let (few, listed) = cost_of(&app, reader, &format!("{feed}?limit=4")).await;
    assert_eq!(listed, 4);
    let (many, listed) = cost_of(&app, reader, &format!("{feed}?limit=40")).await;
    assert_eq!(listed, 40);
    assert_eq!(few, many, "statements for a feed page of 4 and of 40");
    let (few, listed) = cost_of(&app, author, "/v1/me/posts?limit=4").await;
    assert_eq!(listed, 4);
    let (many, listed) = cost_of(&app, author, "/v1/me/posts?limit=40").await;
    assert_eq!(listed, 40);
    assert_eq!(few, many, "statements for 4 and 40 of one's own posts");
    let page = app.get_as(reader, &format!("{feed}?limit=40")).await.json();
    for item in page["items"].as_array().unwrap() {
        match item["kind"].as_str().unwrap() {
            "activity" => {
                assert_eq!(item["activity"]["going_count"], 1);
                assert_eq!(item["activity"]["waitlist_count"], 1);
                assert_eq!(item["activity"]["my_rsvp"], "going");
            }
            _ => {
                let title = item["title"].as_str().unwrap();
                let index: usize = title.rsplit(' ').next().unwrap().parse().unwrap();
                let mine = if index.is_multiple_of(4) {
                    json!("proposed")
                } else {
                    Value::Null
                };
                assert_eq!(item["my_match"]["status"], mine, "{item}");
                assert_eq!(item["helpers_accepted"], 0);
            }
        }
    }
}

// issue 22 (h22stats)
/// A municipality's figures come from the same statements for 2 neighbourhoods as for 20,
/// over a year of weeks.
#[actix_web::test]
async fn municipality_stats_cost_the_same_statements_for_two_neighbourhoods_as_for_twenty() {
    use buurt_domain::neighbourhoods::NeighbourhoodId;
    use buurt_domain::stats::{StatEvent, StatKind};
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut costs = Vec::new();
    for (municipality, count) in [("GM0002", 2), ("GM0003", 20)] {
        let mut facts = Vec::new();
        for index in 0..count {
            let place = app
                .create_neighbourhood_in(
                    &admin,
                    &format!("BU{}{index:04}", &municipality[2..]),
                    &format!("Wijk {index}"),
                    municipality,
                    &[],
                )
                .await;
            for week in 0..52 {
                for kind in [
                    StatKind::RequestOpened,
                    StatKind::Posted,
                    StatKind::Accepted,
                ] {
                    facts.push(StatEvent {
                        kind,
                        neighbourhood_id: NeighbourhoodId(place.parse().unwrap()),
                        subject: uuid::Uuid::new_v4(),
                        actor: Some(buurt_domain::accounts::UserId(uuid::Uuid::new_v4())),
                        seconds: Some(60),
                        at: chrono::Utc::now() - chrono::Duration::weeks(week),
                    });
                }
            }
        }
        let mut conn = app.database.connect();
        buurt_persistence::stats::record_many(&mut conn, &facts).unwrap();
        let path = format!(
            "/v1/municipalities/{municipality}/stats?interval=week&from={}",
            (chrono::Utc::now() - chrono::Duration::weeks(52)).date_naive()
        );
        assert_eq!(app.get_as(&admin, "/v1/me").await.status, 200);
        let before = statements_sent(&app).await;
        let response = app.get_as(&admin, &path).await;
        let after = statements_sent(&app).await;
        assert_eq!(response.status, 200, "{}", response.text());
        let rows = response.json()["rows"].as_array().expect("rows").len();
        assert!(rows >= count * 52, "{rows}");
        costs.push(after - before);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 2 and for 20 neighbourhoods"
    );
}
