//! Membership that means something (issue 16, section 1): a claimed postcode gives an
//! unverified membership that reads no care data; invites, vouches, moderators and letters
//! verify; one postcode membership at a time, a cool-down on postcode changes, a daily limit.

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app, spawn_app_with};
use chrono::{Duration, Utc};
use futures_util::future::join_all;
use serde_json::{Value, json};

async fn join(app: &TestApp, session: &Session, neighbourhood: &str, body: Value) -> TestResponse {
    app.post_as(
        session,
        &format!("/v1/neighbourhoods/{neighbourhood}/join"),
        &body,
    )
    .await
}

async fn patch_me(app: &TestApp, session: &Session, body: Value) -> TestResponse {
    app.request(Method::PATCH, "/v1/me")
        .bearer(&session.access_token)
        .json(&body)
        .await
}

/// Registers someone and gives them an address with this postcode.
async fn resident_at(app: &TestApp, email: &str, postcode: &str) -> Session {
    let session = app.register(email).await;
    let patched = patch_me(
        app,
        &session,
        json!({"postcode": postcode, "street": "Dorpsstraat", "house_number": "7"}),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    session
}

/// A post by `author` in `neighbourhood`; returns its id.
async fn post(app: &TestApp, author: &Session, neighbourhood: &str, body: Value) -> String {
    let created = app
        .post_as(
            author,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &body,
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_str().unwrap().to_owned()
}

fn care_request(title: &str) -> Value {
    json!({"kind": "request", "title": title, "body": "Ik heb hulp nodig na mijn operatie.",
           "category": "help", "visibility": "members"})
}

fn feed_titles(feed: &TestResponse) -> Vec<String> {
    assert_eq!(feed.status, 200, "{}", feed.text());
    feed.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_stranger_claiming_a_public_postcode_reads_no_care_request() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let there = app
        .create_neighbourhood(&admin, "BU00000002", "Staart", &["5678"])
        .await;
    let anna = app
        .member(&admin, &here, "anna@example.nl", "resident")
        .await;
    let request = post(&app, &anna, &here, care_request("Hulp na operatie")).await;
    post(
        &app,
        &anna,
        &here,
        json!({"kind": "news", "title": "Ledennieuws", "body": "x", "visibility": "members"}),
    )
    .await;
    let start = Utc::now() + Duration::days(2);
    let activity = post(
        &app,
        &anna,
        &here,
        json!({"kind": "activity", "title": "Ledenborrel", "body": "x", "visibility": "members",
               "activity": {"starts_at": start.to_rfc3339(),
                            "ends_at": (start + Duration::hours(2)).to_rfc3339(),
                            "location": "Buurthuis"}}),
    )
    .await;
    let bert = app
        .member(&admin, &there, "bert@example.nl", "resident")
        .await;
    let elsewhere = post(&app, &bert, &there, care_request("Schulden")).await;

    // The attack: register, take a postcode from the public neighbourhood record, join.
    let public = app.get(&format!("/v1/neighbourhoods/{here}")).await.json();
    let postcode = format!("{}AB", public["postcodes"][0].as_str().unwrap());
    let mallory = resident_at(&app, "mallory@example.nl", &postcode).await;
    let joined = join(&app, &mallory, &here, json!({})).await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    let membership = joined.json();
    assert_eq!(membership["status"], "active");
    assert_eq!(membership["verified"], false);
    assert_eq!(membership["verification"], Value::Null);
    assert_eq!(membership["via_postcode"], true);

    // News and activities, also members-only ones; no care request.
    let titles = feed_titles(
        &app.get_as(&mallory, &format!("/v1/neighbourhoods/{here}/posts"))
            .await,
    );
    assert!(titles.contains(&"Ledennieuws".to_owned()), "{titles:?}");
    assert!(titles.contains(&"Ledenborrel".to_owned()), "{titles:?}");
    assert!(
        !titles.contains(&"Hulp na operatie".to_owned()),
        "{titles:?}"
    );
    let requests = feed_titles(
        &app.get_as(
            &mallory,
            &format!("/v1/neighbourhoods/{here}/posts?kind=request"),
        )
        .await,
    );
    assert!(requests.is_empty(), "{requests:?}");
    app.get_as(&mallory, &format!("/v1/posts/{request}"))
        .await
        .assert_problem(404, "not_found");
    app.get_as(&mallory, &format!("/v1/posts/{request}/matches"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get_as(&mallory, &format!("/v1/posts/{activity}"))
            .await
            .status,
        200
    );
    // No member list, so no streets; no posting (a request would fish for suggestions).
    app.get_as(&mallory, &format!("/v1/neighbourhoods/{here}/members"))
        .await
        .assert_problem(403, "forbidden");
    app.post_as(
        &mallory,
        &format!("/v1/neighbourhoods/{here}/posts"),
        &care_request("Ik ook"),
    )
    .await
    .assert_problem(403, "forbidden");
    // Offering help on the request is no way in either.
    assert_eq!(
        app.post_as(
            &mallory,
            &format!("/v1/posts/{request}/matches"),
            &json!({})
        )
        .await
        .status,
        404
    );

    // Change the postcode and join the next neighbourhood: the cool-down refuses the change.
    let moved = patch_me(&app, &mallory, json!({"postcode": "5678AB"})).await;
    moved.assert_problem(429, "postcode_change_too_soon");
    let retry: i64 = moved.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 29 * 24 * 3600 && retry <= 30 * 24 * 3600, "{retry}");
    assert_eq!(
        app.get_as(&mallory, "/v1/me").await.json()["postcode"],
        postcode
    );
    // Even once the cool-down has passed, one postcode membership at a time.
    app.sql(&format!(
        "UPDATE users SET postcode_changed_at = '2020-01-01 00:00:00' WHERE id = '{}'",
        mallory.user_id
    ));
    let moved = patch_me(&app, &mallory, json!({"postcode": "5678AB"})).await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    join(&app, &mallory, &there, json!({}))
        .await
        .assert_problem(409, "postcode_membership_exists");
    app.get_as(&mallory, &format!("/v1/posts/{elsewhere}"))
        .await
        .assert_problem(404, "not_found");
    app.get_as(&mallory, &format!("/v1/neighbourhoods/{there}/members"))
        .await
        .assert_problem(403, "forbidden");
    // Leaving the first lets them join the second, unverified again.
    let left = app
        .request(
            Method::DELETE,
            &format!("/v1/neighbourhoods/{here}/membership"),
        )
        .bearer(&mallory.access_token)
        .send()
        .await;
    assert_eq!(left.status, 204);
    let joined = join(&app, &mallory, &there, json!({})).await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    assert_eq!(joined.json()["verified"], false);
    app.get_as(&mallory, &format!("/v1/posts/{elsewhere}"))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn of_concurrent_postcode_joins_one_account_gets_one() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut places = Vec::new();
    for (index, code) in ["BU00000001", "BU00000002", "BU00000003"]
        .iter()
        .enumerate()
    {
        places.push(
            app.create_neighbourhood(&admin, code, &format!("Buurt {index}"), &["1234"])
                .await,
        );
    }
    let mallory = resident_at(&app, "mallory@example.nl", "1234AB").await;
    let answers = join_all(
        places
            .iter()
            .map(|place| join(&app, &mallory, place, json!({}))),
    )
    .await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    for answer in answers.iter().filter(|a| a.status != 201) {
        answer.assert_problem(409, "postcode_membership_exists");
    }
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE user_id = '{}'",
            mallory.user_id
        )),
        1
    );
}

#[actix_web::test]
async fn invites_vouches_and_moderators_verify() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let moderator = app
        .member(&admin, &here, "moderator@example.nl", "moderator")
        .await;
    let anna = app
        .member(&admin, &here, "anna@example.nl", "resident")
        .await;
    let request = post(&app, &anna, &here, care_request("Hulp na operatie")).await;
    let mine = app.get_as(&anna, "/v1/me/memberships").await.json();
    assert_eq!(mine["items"][0]["verified"], true);
    assert_eq!(mine["items"][0]["verification"], "invite");

    let bea = resident_at(&app, "bea@example.nl", "1234AA").await;
    let cas = resident_at(&app, "cas@example.nl", "1234AB").await;
    let dirk = resident_at(&app, "dirk@example.nl", "1234AC").await;
    for session in [&bea, &cas, &dirk] {
        assert_eq!(join(&app, session, &here, json!({})).await.status, 201);
    }
    let vouch = |who: &Session| {
        format!(
            "/v1/neighbourhoods/{here}/members/{}/verification",
            who.user_id
        )
    };

    // Unverified members vouch for nobody, nobody for themself.
    app.post_as(&bea, &vouch(&cas), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post_as(&anna, &vouch(&anna), &json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post_as(&anna, &vouch(&admin), &json!({}))
        .await
        .assert_problem(404, "not_found");
    // The moderator sees who is unverified.
    let members = app
        .get_as(&moderator, &format!("/v1/neighbourhoods/{here}/members"))
        .await
        .json();
    let unverified: Vec<_> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["verified"] == false)
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(unverified.len(), 3, "{members}");

    // A verified neighbour vouches.
    let vouched = app.post_as(&anna, &vouch(&bea), &json!({})).await;
    assert_eq!(vouched.status, 200, "{}", vouched.text());
    assert_eq!(vouched.json()["verified"], true);
    assert_eq!(vouched.json()["verification"], "vouch");
    assert_eq!(
        app.get_as(&bea, &format!("/v1/posts/{request}"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get_as(&bea, &format!("/v1/neighbourhoods/{here}/members"))
            .await
            .status,
        200
    );
    // A moderator approves, by the verification endpoint or by setting the member active.
    let approved = app.post_as(&moderator, &vouch(&cas), &json!({})).await;
    assert_eq!(approved.json()["verification"], "moderator");
    let approved = app
        .put_as(
            &moderator,
            &format!("/v1/neighbourhoods/{here}/members/{}", dirk.user_id),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!(approved.json()["verification"], "moderator");
    // Verified stays as it was verified.
    assert_eq!(
        app.post_as(&moderator, &vouch(&bea), &json!({}))
            .await
            .json()["verification"],
        "vouch"
    );
    // An invite verifies a member who came in by postcode too (200: the same membership).
    let eva = resident_at(&app, "eva@example.nl", "1234AD").await;
    join(&app, &eva, &here, json!({})).await;
    let code = app
        .post_as(
            &moderator,
            &format!("/v1/neighbourhoods/{here}/invites"),
            &json!({}),
        )
        .await
        .json()["code"]
        .clone();
    join(&app, &eva, &here, json!({"invite_code": "NOPE"}))
        .await
        .assert_problem(422, "invite_invalid");
    let invited = join(&app, &eva, &here, json!({"invite_code": code})).await;
    assert_eq!(invited.status, 200, "{}", invited.text());
    assert_eq!(invited.json()["verification"], "invite");
    assert_eq!(
        app.get_as(&eva, &format!("/v1/posts/{request}"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE verified_by = '{}'",
            moderator.user_id
        )),
        2
    );
}

#[actix_web::test]
async fn letters_verify_the_claimed_address_once_within_thirty_days() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let moderator = app
        .member(&admin, &here, "moderator@example.nl", "moderator")
        .await;
    let anna = app
        .member(&admin, &here, "anna@example.nl", "resident")
        .await;
    let request = post(&app, &anna, &here, care_request("Hulp na operatie")).await;
    let bea = resident_at(&app, "bea@example.nl", "1234AA").await;
    let cas = resident_at(&app, "cas@example.nl", "1234AB").await;
    // Without a street there is no address to send a letter to.
    let dirk = app.register("dirk@example.nl").await;
    assert_eq!(
        patch_me(&app, &dirk, json!({"postcode": "1234AC"}))
            .await
            .status,
        200
    );
    for session in [&bea, &cas, &dirk] {
        assert_eq!(join(&app, session, &here, json!({})).await.status, 201);
    }
    let letters = format!("/v1/neighbourhoods/{here}/verification-letters");
    app.post_as(&anna, &letters, &json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.post_as(&bea, &letters, &json!({}))
        .await
        .assert_problem(403, "forbidden");
    let made = app.post_as(&moderator, &letters, &json!({})).await;
    assert_eq!(made.status, 201, "{}", made.text());
    let batch = made.json();
    assert_eq!(batch["letters"], 2);
    assert_eq!(batch["skipped_without_address"], 1);
    let location = made.header("location").unwrap();
    assert_eq!(
        location,
        format!("{letters}/{}", batch["batch_id"].as_str().unwrap())
    );
    let expires =
        chrono::DateTime::parse_from_rfc3339(batch["expires_at"].as_str().unwrap()).unwrap();
    assert!(
        (expires.with_timezone(&Utc) - Utc::now() - Duration::days(30))
            .num_minutes()
            .abs()
            < 5
    );
    // Letters still to be used are not made again.
    assert_eq!(
        app.post_as(&moderator, &letters, &json!({})).await.json()["letters"],
        0
    );

    // The CSV for the mailing house and the PDF to print hold the same codes.
    let csv = app
        .request(Method::GET, &location)
        .bearer(&moderator.access_token)
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("recipient,street,house_number,postcode,neighbourhood,code,expires_on")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    let code_for = |postcode: &str| {
        rows.iter()
            .find(|row| row[3] == postcode)
            .map(|row| row[5].clone())
            .expect("a letter to this postcode")
    };
    let (bea_code, cas_code) = (code_for("1234AA"), code_for("1234AB"));
    assert_eq!(rows[0][1], "Dorpsstraat");
    assert_eq!(rows[0][4], "Kop");
    let pdf = app
        .request(Method::GET, &location)
        .bearer(&moderator.access_token)
        .header("accept", "application/pdf")
        .send()
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert!(pdf.body.starts_with(b"%PDF-"), "a PDF");
    assert!(pdf.body.ends_with(b"%%EOF") || pdf.body.ends_with(b"%%EOF\n"));
    let printed = String::from_utf8_lossy(&pdf.body);
    assert_eq!(
        printed.matches("/Type /Page\n").count()
            + printed.matches("/Type /Page ").count()
            + printed.matches("/Type /Page>").count(),
        2,
        "one page per letter"
    );
    for code in [&bea_code, &cas_code] {
        // Text objects show the code, grouped in fours, and whole.
        let grouped = format!("({}-{}-{}) Tj", &code[..4], &code[4..8], &code[8..]);
        assert!(printed.contains(&grouped), "{grouped} in the PDF");
        assert!(printed.contains(code.as_str()));
    }
    assert_eq!(app.get_as(&moderator, &location).await.json()["letters"], 2);
    app.get_as(&anna, &location)
        .await
        .assert_problem(403, "forbidden");
    app.get_as(&moderator, &format!("{letters}/{}", uuid::Uuid::new_v4()))
        .await
        .assert_problem(404, "not_found");

    // The resident enters the code: once, only their own.
    let redeem = format!("/v1/neighbourhoods/{here}/verification");
    app.post_as(&bea, &redeem, &json!({"code": cas_code}))
        .await
        .assert_problem(422, "verification_code_invalid");
    app.post_as(&bea, &redeem, &json!({"code": ""}))
        .await
        .assert_problem(422, "validation_failed");
    let spaced = format!("{} {}", &bea_code[..4].to_lowercase(), &bea_code[4..]);
    let verified = app.post_as(&bea, &redeem, &json!({"code": spaced})).await;
    assert_eq!(verified.status, 200, "{}", verified.text());
    assert_eq!(verified.json()["verification"], "letter");
    assert_eq!(
        app.get_as(&bea, &format!("/v1/posts/{request}"))
            .await
            .status,
        200
    );
    app.post_as(&bea, &redeem, &json!({"code": bea_code}))
        .await
        .assert_problem(422, "verification_code_invalid");
    // After thirty days the code no longer works.
    app.sql(&format!(
        "UPDATE verification_letters SET expires_at = '2020-01-01 00:00:00' WHERE code = '{cas_code}'"
    ));
    app.post_as(&cas, &redeem, &json!({"code": cas_code}))
        .await
        .assert_problem(422, "verification_code_expired");
    app.get_as(&cas, &format!("/v1/posts/{request}"))
        .await
        .assert_problem(404, "not_found");
    // Expired, so a new batch has a letter for Cas again.
    assert_eq!(
        app.post_as(&moderator, &letters, &json!({})).await.json()["letters"],
        1
    );
}

#[actix_web::test]
async fn a_letter_is_void_once_the_address_changes() {
    let app = spawn_app_with(|config| config.postcode_cooldown_days = 0).await;
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let bea = resident_at(&app, "bea@example.nl", "1234AA").await;
    assert_eq!(join(&app, &bea, &here, json!({})).await.status, 201);
    let made = app
        .post_as(
            &admin,
            &format!("/v1/neighbourhoods/{here}/verification-letters"),
            &json!({}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let csv = app
        .request(Method::GET, &made.header("location").unwrap())
        .bearer(&admin.access_token)
        .header("accept", "text/csv")
        .send()
        .await
        .text();
    let code = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .to_owned();
    assert_eq!(
        patch_me(&app, &bea, json!({"postcode": "1234ZZ"}))
            .await
            .status,
        200
    );
    app.post_as(
        &bea,
        &format!("/v1/neighbourhoods/{here}/verification"),
        &json!({"code": code}),
    )
    .await
    .assert_problem(422, "verification_code_invalid");
}

#[actix_web::test]
async fn joins_are_limited_per_account_per_day() {
    let app = spawn_app_with(|config| config.joins_per_day = 2).await;
    let admin = app.admin().await;
    let mut places = Vec::new();
    for code in ["BU00000001", "BU00000002", "BU00000003"] {
        places.push(
            app.create_neighbourhood(&admin, code, code, &["1234"])
                .await,
        );
    }
    let nomad = app.register("nomad@example.nl").await;
    let invite = |place: &str| {
        let path = format!("/v1/neighbourhoods/{place}/invites");
        let app = &app;
        let admin = &admin;
        async move { app.post_as(admin, &path, &json!({})).await.json()["code"].clone() }
    };
    let first = invite(&places[0]).await;
    assert_eq!(
        join(&app, &nomad, &places[0], json!({"invite_code": first}))
            .await
            .status,
        201
    );
    // Leaving does not give the join back.
    app.request(
        Method::DELETE,
        &format!("/v1/neighbourhoods/{}/membership", places[0]),
    )
    .bearer(&nomad.access_token)
    .send()
    .await;
    // A pending request counts as a join.
    assert_eq!(
        join(&app, &nomad, &places[1], json!({})).await.json()["status"],
        "pending"
    );
    // Asking again changes nothing, and costs nothing.
    assert_eq!(join(&app, &nomad, &places[1], json!({})).await.status, 200);
    let third = invite(&places[2]).await;
    let refused = join(
        &app,
        &nomad,
        &places[2],
        json!({"invite_code": third.clone()}),
    )
    .await;
    refused.assert_problem(429, "join_limit_reached");
    let retry: i64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 23 * 3600 && retry <= 24 * 3600, "{retry}");
    // The refusal changed nothing: the invite is unused and there is no membership.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE neighbourhood_id = '{}'",
            places[2]
        )),
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM invites WHERE uses > 0"), 1);
    // A day later it works.
    app.sql(&format!(
        "UPDATE membership_joins SET joined_at = '2020-01-01 00:00:00' WHERE user_id = '{}'",
        nomad.user_id
    ));
    assert_eq!(
        join(&app, &nomad, &places[2], json!({"invite_code": third}))
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn postcode_changes_wait_for_the_cool_down() {
    let app = spawn_app().await;
    // Given at registration: the cool-down starts then.
    let registered = app
        .post(
            "/v1/auth/register",
            &json!({"email": "reg@example.nl", "password": buurt_tests::TEST_PASSWORD,
                    "display_name": "Reg", "postcode": "1234AB"}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let reg = Session::from_tokens(&registered.json());
    patch_me(&app, &reg, json!({"postcode": "5678AB"}))
        .await
        .assert_problem(429, "postcode_change_too_soon");
    // The same postcode, in another spelling, is no change; other fields change freely.
    let same = patch_me(
        &app,
        &reg,
        json!({"postcode": "1234 ab", "display_name": "Reg B"}),
    )
    .await;
    assert_eq!(same.status, 200, "{}", same.text());
    // Clearing is always allowed, but giving another one waits all the same.
    assert_eq!(
        patch_me(&app, &reg, json!({"postcode": null})).await.status,
        200
    );
    patch_me(&app, &reg, json!({"postcode": "5678AB"}))
        .await
        .assert_problem(429, "postcode_change_too_soon");

    // Without one at registration, the first postcode is free; the next waits.
    let later = app.register("later@example.nl").await;
    assert_eq!(
        patch_me(&app, &later, json!({"postcode": "1234AB"}))
            .await
            .status,
        200
    );
    let refused = patch_me(
        &app,
        &later,
        json!({"postcode": "5678AB", "display_name": "Nope"}),
    )
    .await;
    refused.assert_problem(429, "postcode_change_too_soon");
    assert!(refused.header("retry-after").is_some());
    let me = app.get_as(&later, "/v1/me").await.json();
    assert_eq!(me["postcode"], "1234AB");
    assert_ne!(me["display_name"], "Nope");
}

#[actix_web::test]
async fn members_from_before_verification_stay_verified() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let here = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let anna = app
        .member(&admin, &here, "anna@example.nl", "resident")
        .await;
    let request = post(&app, &anna, &here, care_request("Hulp na operatie")).await;
    let old = app.register("old@example.nl").await;
    let waiting = app.register("waiting@example.nl").await;

    // Back to the schema before this migration, with a member and a request to join of then.
    let backend = if app.database.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let migration = "2026-12-06-000015_verified_membership";
    let down = std::fs::read_to_string(format!(
        "{}/../migrations/{backend}/{migration}/down.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the down migration");
    app.sql(&down);
    app.sql("DELETE FROM __diesel_schema_migrations WHERE version = '20261206000015'");
    let now = Utc::now().naive_utc();
    for (user, status) in [(&old, "active"), (&waiting, "pending")] {
        app.sql(&format!(
            "INSERT INTO memberships (id, neighbourhood_id, user_id, role, status, joined_at, updated_at) \
             VALUES ('{}', '{here}', '{}', 'resident', '{status}', '{now}', '{now}')",
            uuid::Uuid::new_v4(),
            user.user_id
        ));
    }
    let applied = buurt_persistence::run_migrations(&mut app.database.connect()).unwrap();
    assert_eq!(applied, ["20261206000015"]);

    let mine = app.get_as(&old, "/v1/me/memberships").await.json();
    assert_eq!(mine["items"][0]["verified"], true);
    assert_eq!(mine["items"][0]["verification"], "existing");
    assert_eq!(
        app.get_as(&old, &format!("/v1/posts/{request}"))
            .await
            .status,
        200
    );
    // A request to join of then is approved by a moderator, who verifies it then.
    let theirs = app.get_as(&waiting, "/v1/me/memberships").await.json();
    assert_eq!(theirs["items"][0]["status"], "pending");
    assert_eq!(theirs["items"][0]["verified"], false);
}
