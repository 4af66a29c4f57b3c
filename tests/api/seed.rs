//! `buurt seed`: the demo world loads, its logins work through the API, the same seed gives
//! the same rows, and a database in use is left alone.

use buurt_api::Config;
use buurt_api::cli::seed::{SEED_PASSWORD, SeedOptions, SeedProfile, parse_now, seed_with};
use buurt_persistence::schema::{matches, posts, rsvps, users};
use buurt_tests::{Session, TEST_JWT_SECRET, TestDatabase, spawn_app};
use diesel::prelude::*;

fn config(database: &TestDatabase) -> Config {
    let mut config = Config::with_database_url(database.url());
    config.jwt_secret = Some(TEST_JWT_SECRET.into());
    config
}

fn demo(seed: u64, now: &str) -> SeedOptions {
    SeedOptions {
        profile: SeedProfile::Demo,
        seed,
        now: parse_now(Some(now)).expect("a date"),
    }
}

#[actix_web::test]
async fn demo_logins_work_through_the_api() {
    let app = spawn_app().await;
    let options = SeedOptions {
        profile: SeedProfile::Demo,
        seed: 42,
        now: parse_now(None).unwrap(),
    };
    let report = seed_with(&config(&app.database), &options, true).expect("seeded");
    assert_eq!(report.rows("neighbourhoods"), 4);
    assert_eq!(report.rows("users"), 101);
    assert!(report.rows("posts") >= 150, "{report:?}");
    assert!(report.rows("matches") > 0 && report.rows("rsvps") > 0 && report.rows("cases") > 0);
    if app.database.is_postgres() {
        // Built again after the load, as the migrations define them: every index of those
        // tables that backs no constraint.
        let mut conn = app.database.connect();
        let defined: i64 = diesel::RunQueryDsl::get_result(
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "SELECT count(*) FROM pg_indexes i WHERE i.schemaname = current_schema() \
                 AND i.tablename IN ('users', 'memberships', 'posts', 'matches', 'rsvps', 'stat_events') \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            ),
            &mut conn,
        )
        .unwrap();
        assert_eq!(
            report.indexes.map(|(count, _)| count),
            Some(usize::try_from(defined).unwrap())
        );
        app.sql("SELECT 'posts_search_idx'::regclass, 'matches_live_pair_key'::regclass");
    }
    // The monitoring facts were derived from the seeded rows.
    let mut conn = app.database.connect();
    let facts: i64 = diesel::RunQueryDsl::get_result(
        diesel::QueryDsl::count(buurt_persistence::schema::stat_events::table),
        &mut conn,
    )
    .unwrap();
    assert!(facts > 300, "{facts} facts");
    let emails: Vec<&str> = report.logins.iter().map(|l| l.email.as_str()).collect();
    for email in [
        "beheerder@example.nl",
        "bemiddelaar@example.nl",
        "bewoner@example.nl",
    ] {
        assert!(emails.contains(&email), "{emails:?}");
    }

    let login = app.login("bewoner@example.nl", SEED_PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text());
    let resident = Session::from_tokens(&login.json());
    let memberships = app.get_as(&resident, "/v1/me/memberships").await.json();
    let neighbourhood = memberships["items"][0]["neighbourhood"]["id"]
        .as_str()
        .expect("a membership")
        .to_owned();
    let feed = app
        .get_as(
            &resident,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
        )
        .await;
    assert_eq!(feed.status, 200, "{}", feed.text());
    let feed = feed.json();
    assert_eq!(feed["items"].as_array().unwrap().len(), 20);
    assert!(feed["next_cursor"].is_string());

    // The seeded matches move on as any other: accept a helper's proposal.
    let mine = app
        .get_as(&resident, "/v1/me/matches?limit=100")
        .await
        .json();
    let proposal = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["status"] == "proposed"
                && m["proposed_by"] == "helper"
                && m["requester"]["id"] == resident.user_id.as_str()
        })
        .expect("a proposal to the known resident");
    let accepted = app
        .post_as(
            &resident,
            &format!("/v1/matches/{}/accept", proposal["id"].as_str().unwrap()),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());

    // The mediator has a case waiting.
    let login = app.login("bemiddelaar@example.nl", SEED_PASSWORD).await;
    let mediator = Session::from_tokens(&login.json());
    let cases = app
        .get_as(
            &mediator,
            &format!("/v1/neighbourhoods/{neighbourhood}/cases"),
        )
        .await;
    assert_eq!(cases.status, 200, "{}", cases.text());
    assert!(!cases.json()["items"].as_array().unwrap().is_empty());

    let login = app.login("beheerder@example.nl", SEED_PASSWORD).await;
    assert_eq!(login.json()["user"]["platform_admin"], true);
}

/// Everything that tells two seeded databases apart.
fn digest(database: &TestDatabase) -> Vec<String> {
    let mut conn = database.connect();
    let mut rows: Vec<String> = users::table
        .select((
            users::id,
            users::email,
            users::display_name,
            users::created_at,
        ))
        .order(users::id)
        .load::<(String, String, String, chrono::NaiveDateTime)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| format!("{row:?}"))
        .collect();
    rows.extend(
        posts::table
            .select((posts::id, posts::title, posts::status, posts::created_at))
            .order(posts::id)
            .load::<(String, String, String, chrono::NaiveDateTime)>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|row| format!("{row:?}")),
    );
    rows.extend(
        matches::table
            .select((matches::id, matches::status, matches::helper_id))
            .order(matches::id)
            .load::<(String, String, String)>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|row| format!("{row:?}")),
    );
    rows.extend(
        rsvps::table
            .select((
                rsvps::post_id,
                rsvps::user_id,
                rsvps::status,
                rsvps::position,
            ))
            .order((rsvps::post_id, rsvps::position))
            .load::<(String, String, String, i64)>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|row| format!("{row:?}")),
    );
    rows
}

#[test]
fn the_same_seed_gives_the_same_rows() {
    let first = TestDatabase::create();
    let second = TestDatabase::create();
    let third = TestDatabase::create();
    seed_with(&config(&first), &demo(7, "2026-06-01"), true).unwrap();
    seed_with(&config(&second), &demo(7, "2026-06-01"), true).unwrap();
    seed_with(&config(&third), &demo(8, "2026-06-01"), true).unwrap();
    let digest_first = digest(&first);
    assert!(digest_first.len() > 300, "{}", digest_first.len());
    assert_eq!(digest_first, digest(&second));
    assert_ne!(digest_first, digest(&third));
}

#[actix_web::test]
async fn a_database_in_use_is_refused() {
    let app = spawn_app().await;
    app.register("al-hier@example.nl").await;
    let error = seed_with(&config(&app.database), &demo(42, "2026-06-01"), true).unwrap_err();
    assert!(error.contains("empty database"), "{error}");
    // Nothing was written.
    assert_eq!(
        app.login("bewoner@example.nl", SEED_PASSWORD).await.status,
        401
    );

    let fresh = TestDatabase::create();
    seed_with(&config(&fresh), &demo(42, "2026-06-01"), true).unwrap();
    let error = seed_with(&config(&fresh), &demo(42, "2026-06-01"), true).unwrap_err();
    assert!(error.contains("already holds"), "{error}");
}
