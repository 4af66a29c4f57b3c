use actix_web::http::Method;
use buurt_tests::{Session, TestApp, TestResponse, spawn_app};
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

async fn invite(
    app: &TestApp,
    session: &Session,
    neighbourhood: &str,
    body: Value,
) -> TestResponse {
    app.post_as(
        session,
        &format!("/v1/neighbourhoods/{neighbourhood}/invites"),
        &body,
    )
    .await
}

async fn set_postcode(app: &TestApp, session: &Session, postcode: &str) {
    let response = app
        .request(Method::PATCH, "/v1/me")
        .bearer(&session.access_token)
        .json(&json!({"postcode": postcode, "street": "Dorpsstraat", "house_number": "7", "phone": "0612345678"}))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
}

#[actix_web::test]
async fn residents_join_by_postcode_or_wait_for_a_moderator() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234", "5678AB"])
        .await;

    let local = app.register("local@example.nl").await;
    set_postcode(&app, &local, "1234 xy").await;
    let joined = join(&app, &local, &id, json!({})).await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    assert_eq!(joined.json()["status"], "active");
    assert_eq!(joined.json()["role"], "resident");
    // Asking again changes nothing.
    let again = join(&app, &local, &id, json!({})).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["status"], "active");

    let pc6 = app.register("pc6@example.nl").await;
    set_postcode(&app, &pc6, "5678AB").await;
    assert_eq!(
        join(&app, &pc6, &id, json!({})).await.json()["status"],
        "active"
    );

    let outsider = app.register("outsider@example.nl").await;
    set_postcode(&app, &outsider, "5678AC").await;
    let pending = join(&app, &outsider, &id, json!({})).await;
    assert_eq!(pending.status, 201);
    assert_eq!(pending.json()["status"], "pending");
    let no_postcode = app.register("nopostcode@example.nl").await;
    assert_eq!(
        join(&app, &no_postcode, &id, json!({})).await.json()["status"],
        "pending"
    );

    join(&app, &local, &uuid::Uuid::new_v4().to_string(), json!({}))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("/v1/neighbourhoods/{id}/join"), &json!({}))
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(
        app.get(&format!("/v1/neighbourhoods/{id}")).await.json()["member_count"],
        2
    );
}

#[actix_web::test]
async fn invites_let_residents_in_until_they_expire_or_run_out() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let other = app
        .create_neighbourhood(&admin, "BU00000002", "Elders", &[])
        .await;
    let mediator = app
        .member(&admin, &id, "mediator@example.nl", "mediator")
        .await;

    let created = invite(
        &app,
        &mediator,
        &id,
        json!({"max_uses": 2, "valid_days": 3}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let created = created.json();
    let code = created["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 10);
    assert_eq!(created["max_uses"], 2);
    assert_eq!(created["uses"], 0);

    // Case, spaces and dashes do not matter.
    let first = app.register("eerste@example.nl").await;
    let typed = format!(" {}-{} ", &code[..5].to_lowercase(), &code[5..]);
    let joined = join(&app, &first, &id, json!({"invite_code": typed})).await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    assert_eq!(joined.json()["status"], "active");
    // A member joining again does not use the invite up.
    assert_eq!(
        join(&app, &first, &id, json!({"invite_code": code}))
            .await
            .status,
        200
    );
    let second = app.register("tweede@example.nl").await;
    assert_eq!(
        join(&app, &second, &id, json!({"invite_code": code}))
            .await
            .json()["status"],
        "active"
    );
    let third = app.register("derde@example.nl").await;
    join(&app, &third, &id, json!({"invite_code": code}))
        .await
        .assert_problem(422, "invite_used_up");
    join(&app, &third, &other, json!({"invite_code": code}))
        .await
        .assert_problem(422, "invite_invalid");
    join(&app, &third, &id, json!({"invite_code": "NOSUCHCODE"}))
        .await
        .assert_problem(422, "invite_invalid");
    // A failed invite leaves no membership behind.
    assert_eq!(
        app.get_as(&third, "/v1/me/memberships").await.json()["items"],
        json!([])
    );

    let expiring = invite(&app, &mediator, &id, json!({})).await.json();
    app.sql(&format!(
        "UPDATE invites SET expires_at = created_at WHERE code = '{}'",
        expiring["code"].as_str().unwrap()
    ));
    join(&app, &third, &id, json!({"invite_code": expiring["code"]}))
        .await
        .assert_problem(422, "invite_expired");

    for bad in [
        json!({"max_uses": 0}),
        json!({"max_uses": 501}),
        json!({"valid_days": 0}),
        json!({"valid_days": 91}),
    ] {
        invite(&app, &mediator, &id, bad.clone())
            .await
            .assert_problem(422, "validation_failed");
    }
}

#[actix_web::test]
async fn of_concurrent_uses_of_the_last_invite_exactly_one_wins() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let code = invite(&app, &admin, &id, json!({"max_uses": 1}))
        .await
        .json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut residents = Vec::new();
    for index in 0..8 {
        residents.push(app.register(&format!("racer{index}@example.nl")).await);
    }
    let (app, id, code) = (&app, &id, &code);
    let responses = join_all(residents.iter().map(|resident| async move {
        join(app, resident, id, json!({"invite_code": code})).await
    }))
    .await;
    let winners = responses.iter().filter(|r| r.status == 201).count();
    assert_eq!(winners, 1, "{responses:?}");
    for response in responses.iter().filter(|r| r.status != 201) {
        response.assert_problem(422, "invite_used_up");
    }
    assert_eq!(
        app.get(&format!("/v1/neighbourhoods/{id}")).await.json()["member_count"],
        1
    );
}

#[actix_web::test]
async fn moderators_approve_reject_and_appoint() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let moderator = app
        .member(&admin, &id, "moderator@example.nl", "moderator")
        .await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    join(&app, &anna, &id, json!({})).await;
    join(&app, &bert, &id, json!({})).await;
    let member = |user: &Session| format!("/v1/neighbourhoods/{id}/members/{}", user.user_id);

    let pending = app
        .get_as(
            &moderator,
            &format!("/v1/neighbourhoods/{id}/members?status=pending"),
        )
        .await;
    assert_eq!(pending.status, 200, "{}", pending.text());
    assert_eq!(pending.json()["items"].as_array().unwrap().len(), 2);

    // A role for someone not yet active is refused.
    app.put_as(&moderator, &member(&anna), &json!({"role": "mediator"}))
        .await
        .assert_problem(409, "member_not_active");
    let approved = app
        .put_as(&moderator, &member(&anna), &json!({"status": "active"}))
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!(approved.json()["status"], "active");
    let rejected = app
        .put_as(&moderator, &member(&bert), &json!({"status": "rejected"}))
        .await;
    assert_eq!(rejected.json()["status"], "rejected");
    join(&app, &bert, &id, json!({}))
        .await
        .assert_problem(403, "membership_rejected");
    // Back to pending is not a thing.
    app.put_as(&moderator, &member(&anna), &json!({"status": "pending"}))
        .await
        .assert_problem(409, "illegal_transition");
    // An invite still lets a rejected resident in.
    let code = invite(&app, &moderator, &id, json!({})).await.json()["code"].clone();
    assert_eq!(
        join(&app, &bert, &id, json!({"invite_code": code}))
            .await
            .json()["status"],
        "active"
    );

    let promoted = app
        .put_as(&moderator, &member(&anna), &json!({"role": "moderator"}))
        .await;
    assert_eq!(promoted.json()["role"], "moderator");
    // Anna steps the original moderator down; then she cannot step down herself.
    let anna_path = member(&anna);
    assert_eq!(
        app.put_as(&anna, &member(&moderator), &json!({"role": "resident"}))
            .await
            .status,
        200
    );
    // (To resident: making herself a mediator is refused before that, as a self-grant.)
    app.put_as(&anna, &anna_path, &json!({"role": "resident"}))
        .await
        .assert_problem(409, "last_moderator");
    app.put_as(
        &anna,
        &format!("/v1/neighbourhoods/{id}/members/{}", uuid::Uuid::new_v4()),
        &json!({"role": "mediator"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.put_as(&anna, &anna_path, &json!({"role": "king"}))
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn members_see_names_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let anna = app.register("anna@example.nl").await;
    set_postcode(&app, &anna, "1234AB").await;
    join(&app, &anna, &id, json!({})).await;
    let bert = app.member(&admin, &id, "bert@example.nl", "resident").await;

    let list = app
        .get_as(&bert, &format!("/v1/neighbourhoods/{id}/members"))
        .await;
    assert_eq!(list.status, 200, "{}", list.text());
    let items = list.json()["items"].clone();
    let anna_entry = items
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["user_id"] == json!(anna.user_id))
        .expect("anna is listed")
        .clone();
    assert_eq!(anna_entry["display_name"], "anna");
    assert!(anna_entry.get("street").is_none(), "{anna_entry}");
    let text = list.text();
    for private in [
        "Dorpsstraat",
        "anna@example.nl",
        "0612345678",
        "1234AB",
        "house_number",
        "\"7\"",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    // Residents see active members only.
    app.get_as(
        &bert,
        &format!("/v1/neighbourhoods/{id}/members?status=pending"),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn member_lists_page_through_everyone_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let mut expected = Vec::new();
    for index in 0..7 {
        let session = app.register(&format!("lid{index}@example.nl")).await;
        set_postcode(&app, &session, "1234AA").await;
        join(&app, &session, &id, json!({})).await;
        expected.push(session.user_id);
    }
    let mut seen = Vec::new();
    let mut path = format!("/v1/neighbourhoods/{id}/members?limit=3");
    loop {
        let page = app.get_as(&admin, &path).await.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["user_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/v1/neighbourhoods/{id}/members?limit=3&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen, expected, "in order of joining, each once");
}

/// Every role boundary for the member list, member management and invites.
#[actix_web::test]
async fn each_role_may_do_what_it_may_and_nothing_more() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &[])
        .await;
    let elsewhere = app
        .create_neighbourhood_in(&admin, "BU00000002", "Elders", "GM0002", &[])
        .await;
    let target = app
        .member(&admin, &id, "target@example.nl", "resident")
        .await;

    let non_member = app.register("buiten@example.nl").await;
    let pending = app.register("wacht@example.nl").await;
    join(&app, &pending, &id, json!({})).await;
    let resident = app
        .member(&admin, &id, "bewoner@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &id, "bemiddelaar@example.nl", "mediator")
        .await;
    let moderator = app
        .member(&admin, &id, "moderator@example.nl", "moderator")
        .await;
    let foreign_moderator = app
        .member(&admin, &elsewhere, "moderator2@example.nl", "moderator")
        .await;
    let professional = app.register("wijkteam@example.nl").await;
    let grant = app
        .post_as(
            &admin,
            "/v1/admin/professionals",
            &json!({"user_id": professional.user_id, "municipality_code": "GM0002"}),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.text());

    let members = format!("/v1/neighbourhoods/{id}/members");
    let manage = format!("/v1/neighbourhoods/{id}/members/{}", target.user_id);
    let invites = format!("/v1/neighbourhoods/{id}/invites");
    let neighbourhood = format!("/v1/neighbourhoods/{id}");
    // Who may list members, manage members, create invites, edit the neighbourhood, create
    // one, import a CSV, grant the professional role; and everyone reads the neighbourhood and
    // its public page.
    let cases: [(&str, Option<&Session>, [u16; 7]); 9] = [
        ("anonymous", None, [401, 401, 401, 401, 401, 401, 401]),
        ("non-member", Some(&non_member), [403; 7]),
        ("pending member", Some(&pending), [403; 7]),
        (
            "resident",
            Some(&resident),
            [200, 403, 403, 403, 403, 403, 403],
        ),
        (
            "mediator",
            Some(&mediator),
            [200, 403, 201, 403, 403, 403, 403],
        ),
        (
            "moderator",
            Some(&moderator),
            [200, 200, 201, 403, 403, 403, 403],
        ),
        ("moderator elsewhere", Some(&foreign_moderator), [403; 7]),
        ("professional elsewhere", Some(&professional), [403; 7]),
        ("admin", Some(&admin), [200, 200, 201, 200, 201, 200, 201]),
    ];
    for (index, (who, session, expected)) in cases.into_iter().enumerate() {
        let with_token = |method: Method, path: &str| {
            let request = app.request(method, path);
            match session {
                Some(session) => request.bearer(&session.access_token),
                None => request,
            }
        };
        let code = format!("BU0000{index:04}");
        let csv = format!(
            "code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent\n\
             BU0009{index:04},Import {index},GM0001,Gemeente,52.1,5.1,9{index:03},\n"
        );
        let grantee = app.register(&format!("grantee{index}@example.nl")).await;
        let statuses = [
            with_token(Method::GET, &members).send().await,
            with_token(Method::PUT, &manage)
                .json(&json!({"role": "resident"}))
                .await,
            with_token(Method::POST, &invites).json(&json!({})).await,
            with_token(Method::PATCH, &neighbourhood)
                .json(&json!({"name": format!("Kop {index}")}))
                .await,
            with_token(Method::POST, "/v1/neighbourhoods")
                .json(&json!({
                    "code": code, "name": "Nieuw", "municipality_code": "GM0001",
                    "municipality_name": "Gemeente", "lat": 52.0, "lng": 5.0,
                    "postcodes": [], "adjacent": []
                }))
                .await,
            with_token(Method::POST, "/v1/admin/neighbourhoods/import")
                .raw("text/csv", csv)
                .await,
            with_token(Method::POST, "/v1/admin/professionals")
                .json(&json!({"user_id": grantee.user_id, "municipality_code": "GM0001"}))
                .await,
        ];
        let what = [
            "lists members",
            "manages a member",
            "creates an invite",
            "edits the neighbourhood",
            "creates a neighbourhood",
            "imports a CSV",
            "grants the professional role",
        ];
        for ((response, status), what) in statuses.iter().zip(expected).zip(what) {
            assert_eq!(response.status, status, "{who} {what}: {}", response.text());
        }
        for path in [neighbourhood.clone(), format!("{neighbourhood}/page")] {
            let response = with_token(Method::GET, &path).send().await;
            assert_eq!(response.status, 200, "{who} reads {path}");
        }
    }
    // Only the admin's writes took effect.
    let list = app.get("/v1/neighbourhoods?limit=100").await.json();
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes
            .iter()
            .filter(|code| code.starts_with("BU0000"))
            .count(),
        3,
        "{codes:?}"
    );
    assert!(codes.contains(&"BU00000008") && codes.contains(&"BU00090008"));
    assert_eq!(app.get(&neighbourhood).await.json()["name"], "Kop 8");
}

#[actix_web::test]
async fn leaving_and_listing_ones_memberships() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let kop = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let staart = app
        .create_neighbourhood(&admin, "BU00000002", "Staart", &[])
        .await;
    let resident = app.register("bewoner@example.nl").await;
    set_postcode(&app, &resident, "1234AB").await;
    join(&app, &resident, &kop, json!({})).await;
    join(&app, &resident, &staart, json!({})).await;

    let mine = app.get_as(&resident, "/v1/me/memberships").await.json();
    let summary: Vec<(String, String)> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["neighbourhood"]["name"].as_str().unwrap().to_owned(),
                m["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Kop".into(), "active".into()),
            ("Staart".into(), "pending".into())
        ]
    );

    let leave = |id: &str| {
        app.request(
            Method::DELETE,
            &format!("/v1/neighbourhoods/{id}/membership"),
        )
    };
    assert_eq!(
        leave(&kop)
            .bearer(&resident.access_token)
            .send()
            .await
            .status,
        204
    );
    leave(&kop)
        .bearer(&resident.access_token)
        .send()
        .await
        .assert_problem(404, "not_found");
    leave(&kop).send().await.assert_problem(401, "unauthorized");
    assert_eq!(
        app.get_as(&resident, "/v1/me/memberships").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn admins_grant_and_withdraw_the_professional_role() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let professional = app.register("wijkteam@example.nl").await;
    let grant = json!({"user_id": professional.user_id, "municipality_code": "gm0363"});
    let response = app.post_as(&admin, "/v1/admin/professionals", &grant).await;
    assert_eq!(response.status, 201, "{}", response.text());
    assert_eq!(response.json()["municipality_code"], "GM0363");
    assert_eq!(
        app.post_as(&admin, "/v1/admin/professionals", &grant)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get_as(&professional, "/v1/me").await.json()["professional_municipalities"],
        json!(["GM0363"])
    );

    app.post_as(
        &admin,
        "/v1/admin/professionals",
        &json!({"user_id": uuid::Uuid::new_v4(), "municipality_code": "GM0363"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post_as(
        &admin,
        "/v1/admin/professionals",
        &json!({"user_id": professional.user_id, "municipality_code": "Amsterdam"}),
    )
    .await
    .assert_problem(422, "validation_failed");

    let path = format!("/v1/admin/professionals/{}/GM0363", professional.user_id);
    app.request(Method::DELETE, &path)
        .bearer(&professional.access_token)
        .send()
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(
        app.request(Method::DELETE, &path)
            .bearer(&admin.access_token)
            .send()
            .await
            .status,
        204
    );
    app.request(Method::DELETE, &path)
        .bearer(&admin.access_token)
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get_as(&professional, "/v1/me").await.json()["professional_municipalities"],
        json!([])
    );
}

#[actix_web::test]
async fn a_neighbourhood_keeps_a_moderator_whoever_tries_to_remove_the_last() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let first = app
        .member(&admin, &id, "eerste@example.nl", "moderator")
        .await;
    let second = app
        .member(&admin, &id, "tweede@example.nl", "moderator")
        .await;
    let member = |user: &Session| format!("/v1/neighbourhoods/{id}/members/{}", user.user_id);
    let leave = |session: &Session| {
        app.request(
            Method::DELETE,
            &format!("/v1/neighbourhoods/{id}/membership"),
        )
        .bearer(&session.access_token)
    };

    // Two moderators stepping each other down at the same moment: one of them stays.
    let (one, two) = futures_util::future::join(
        app.put_as(&first, &member(&second), &json!({"role": "resident"})),
        app.put_as(&second, &member(&first), &json!({"role": "resident"})),
    )
    .await;
    let mut statuses = [one.status.as_u16(), two.status.as_u16()];
    statuses.sort_unstable();
    // The other is refused: as the last moderator (409), or as no moderator any more (403).
    assert!(
        statuses == [200, 403] || statuses == [200, 409],
        "{} / {}",
        one.text(),
        two.text()
    );
    let (last, former) = if one.status == 200 {
        (&first, &second)
    } else {
        (&second, &first)
    };
    // The last one may neither leave nor be stepped down, not even by an admin.
    leave(last)
        .send()
        .await
        .assert_problem(409, "last_moderator");
    app.put_as(&admin, &member(last), &json!({"role": "mediator"}))
        .await
        .assert_problem(409, "last_moderator");
    let moderators = app
        .get_as(&admin, &format!("/v1/neighbourhoods/{id}/members"))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["role"] == "moderator")
        .count();
    assert_eq!(moderators, 1);
    // With a successor appointed, they may go.
    assert_eq!(
        app.put_as(last, &member(former), &json!({"role": "moderator"}))
            .await
            .status,
        200
    );
    assert_eq!(leave(last).send().await.status, 204);
}

#[actix_web::test]
async fn pending_requests_are_withdrawn_let_in_or_reconsidered() {
    // Eva moves her postcode inside at once: no cool-down here (see verification.rs for it).
    let app = buurt_tests::spawn_app_with(|config| config.postcode_cooldown_days = 0).await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let moderator = app
        .member(&admin, &id, "moderator@example.nl", "moderator")
        .await;
    let members = |status: &str| {
        let path = format!("/v1/neighbourhoods/{id}/members?status={status}");
        let app = &app;
        let moderator = &moderator;
        async move {
            let list = app.get_as(moderator, &path).await;
            assert_eq!(list.status, 200, "{}", list.text());
            list.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["user_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };

    // A pending member withdraws their request.
    let carla = app.register("carla@example.nl").await;
    assert_eq!(
        join(&app, &carla, &id, json!({})).await.json()["status"],
        "pending"
    );
    let withdrawn = app
        .request(
            Method::DELETE,
            &format!("/v1/neighbourhoods/{id}/membership"),
        )
        .bearer(&carla.access_token)
        .send()
        .await;
    assert_eq!(withdrawn.status, 204);
    assert!(!members("pending").await.contains(&carla.user_id));

    // A pending member who brings a code is let in.
    let dirk = app.register("dirk@example.nl").await;
    join(&app, &dirk, &id, json!({})).await;
    let code = invite(&app, &moderator, &id, json!({})).await.json()["code"].clone();
    assert_eq!(
        join(&app, &dirk, &id, json!({"invite_code": code}))
            .await
            .json()["status"],
        "active"
    );

    // A pending member whose postcode moved inside is let in on asking again.
    let eva = app.register("eva@example.nl").await;
    set_postcode(&app, &eva, "9999ZZ").await;
    assert_eq!(
        join(&app, &eva, &id, json!({})).await.json()["status"],
        "pending"
    );
    assert_eq!(
        join(&app, &eva, &id, json!({})).await.json()["status"],
        "pending"
    );
    set_postcode(&app, &eva, "1234 ab").await;
    let again = join(&app, &eva, &id, json!({})).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json()["status"], "active");

    // A wrong code is refused, even where the postcode would have let them in.
    let fien = app.register("fien@example.nl").await;
    set_postcode(&app, &fien, "1234AA").await;
    join(&app, &fien, &id, json!({"invite_code": "NOPE-NOPE"}))
        .await
        .assert_problem(422, "invite_invalid");

    // A rejected member is listed as such, and a moderator may still let them in.
    let gijs = app.register("gijs@example.nl").await;
    join(&app, &gijs, &id, json!({})).await;
    let path = format!("/v1/neighbourhoods/{id}/members/{}", gijs.user_id);
    app.put_as(&moderator, &path, &json!({"status": "rejected"}))
        .await;
    assert_eq!(
        members("rejected").await,
        std::slice::from_ref(&gijs.user_id)
    );
    let reconsidered = app
        .put_as(&moderator, &path, &json!({"status": "active"}))
        .await;
    assert_eq!(reconsidered.status, 200, "{}", reconsidered.text());
    assert!(members("active").await.contains(&gijs.user_id));
    assert!(members("rejected").await.is_empty());
}

#[actix_web::test]
async fn moderators_see_no_private_fields_either() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    let moderator = app
        .member(&admin, &id, "moderator@example.nl", "moderator")
        .await;
    let hans = app.register("hans@example.nl").await;
    set_postcode(&app, &hans, "5678AB").await;
    join(&app, &hans, &id, json!({})).await;
    for status in ["pending", "active"] {
        let list = app
            .get_as(
                &moderator,
                &format!("/v1/neighbourhoods/{id}/members?status={status}"),
            )
            .await;
        assert_eq!(list.status, 200);
        let text = list.text();
        for private in [
            "hans@example.nl",
            "0612345678",
            "5678AB",
            "house_number",
            "\"7\"",
        ] {
            assert!(!text.contains(private), "{private} leaked: {text}");
        }
    }
}

#[actix_web::test]
async fn partners_and_monitoring_hear_of_memberships_that_begin_and_end() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let place = app
        .create_neighbourhood(&admin, "BU00000001", "Centrum", &[])
        .await;
    let events = |kind: &str| {
        app.count(&format!(
            "SELECT COUNT(*) FROM events WHERE neighbourhood_id = '{place}' AND kind = '{kind}'"
        ))
    };
    let facts = || {
        app.count(&format!(
            "SELECT COUNT(*) FROM stat_events WHERE neighbourhood_id = '{place}' \
             AND kind = 'member_joined'"
        ))
    };
    let resident = app.register("wacht@example.nl").await;
    let member = format!("/v1/neighbourhoods/{place}/members/{}", resident.user_id);

    // Waiting for a moderator is no membership yet.
    let asked = join(&app, &resident, &place, json!({})).await;
    assert_eq!(asked.status, 201, "{}", asked.text());
    assert_eq!(asked.json()["status"], "pending");
    assert_eq!((events("membership.joined"), facts()), (0, 0));

    // Approved: partners are told, and a new member is counted.
    let approved = app
        .put_as(&admin, &member, &json!({"status": "active"}))
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text());
    assert_eq!((events("membership.joined"), facts()), (1, 1));
    // Approving again changes nothing and tells nobody.
    let again = app
        .put_as(&admin, &member, &json!({"status": "active"}))
        .await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!((events("membership.joined"), facts()), (1, 1));

    // Leaving is told; refused leaving is not.
    let left = app
        .delete_as(&resident, &format!("/v1/neighbourhoods/{place}/membership"))
        .await;
    assert_eq!(left.status, 204, "{}", left.text());
    assert_eq!(events("membership.left"), 1);
    app.delete_as(&resident, &format!("/v1/neighbourhoods/{place}/membership"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(events("membership.left"), 1);

    // Back by invite: told again, but a person counts once as a new member of a place.
    let code = invite(&app, &admin, &place, json!({})).await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = join(&app, &resident, &place, json!({"invite_code": code})).await;
    assert_eq!(back.status, 201, "{}", back.text());
    assert_eq!(back.json()["status"], "active");
    assert_eq!((events("membership.joined"), facts()), (2, 1));
}
