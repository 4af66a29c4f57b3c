//! Role grants: no one gives themself a role that opens casework, and every grant is kept in
//! an append-only audit record that administrators read (issue 16).

use buurt_tests::{Session, TestApp, spawn_app};
use serde_json::{Value, json};

/// Every entry of the audit record, newest first, read a page of `limit` at a time.
async fn record(app: &TestApp, admin: &Session, limit: u32) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/admin/role-grants?limit={limit}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get_as(admin, &path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        entries.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return entries,
        }
    }
}

/// The `(actor, user, role, change)` of each entry.
fn summary(entries: &[Value]) -> Vec<(Value, String, String, String)> {
    entries
        .iter()
        .map(|entry| {
            (
                entry["actor_id"].clone(),
                entry["user_id"].as_str().unwrap().to_owned(),
                entry["role"].as_str().unwrap().to_owned(),
                entry["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn set_role(
    app: &TestApp,
    caller: &Session,
    neighbourhood: &str,
    member: &Session,
    role: &str,
) -> buurt_tests::TestResponse {
    app.put_as(
        caller,
        &format!(
            "/v1/neighbourhoods/{neighbourhood}/members/{}",
            member.user_id
        ),
        &json!({"role": role}),
    )
    .await
}

async fn role_of(app: &TestApp, admin: &Session, neighbourhood: &str, user: &Session) -> String {
    let members = app
        .get_as(
            admin,
            &format!("/v1/neighbourhoods/{neighbourhood}/members?limit=100"),
        )
        .await;
    assert_eq!(members.status, 200, "{}", members.text());
    members.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == user.user_id.as_str())
        .unwrap_or_else(|| panic!("{} not a member: {}", user.user_id, members.text()))["role"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn no_one_makes_themself_a_mediator_or_a_professional() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    // The administrator joins the neighbourhood as a resident, with an invite.
    let invite = app
        .post_as(
            &admin,
            &format!("/v1/neighbourhoods/{neighbourhood}/invites"),
            &json!({}),
        )
        .await;
    let code = invite.json()["code"].as_str().unwrap().to_owned();
    let joined = app
        .post_as(
            &admin,
            &format!("/v1/neighbourhoods/{neighbourhood}/join"),
            &json!({"invite_code": code}),
        )
        .await;
    assert_eq!(joined.status, 201, "{}", joined.text());
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    let before = record(&app, &admin, 100).await;

    // Neither the administrator nor a moderator makes themself a mediator: nothing changes
    // and nothing is recorded.
    set_role(&app, &admin, &neighbourhood, &admin, "mediator")
        .await
        .assert_problem(403, "self_grant_refused");
    set_role(&app, &moderator, &neighbourhood, &moderator, "mediator")
        .await
        .assert_problem(403, "self_grant_refused");
    assert_eq!(
        role_of(&app, &admin, &neighbourhood, &admin).await,
        "resident"
    );
    assert_eq!(
        role_of(&app, &admin, &neighbourhood, &moderator).await,
        "moderator"
    );
    // Nor a professional grant to oneself.
    app.post_as(
        &admin,
        "/v1/admin/professionals",
        &json!({"user_id": admin.user_id, "municipality_code": "GM0001"}),
    )
    .await
    .assert_problem(403, "self_grant_refused");
    assert_eq!(record(&app, &admin, 100).await, before);

    // A second person grants it, and the record says who.
    let granted = set_role(&app, &moderator, &neighbourhood, &admin, "mediator").await;
    assert_eq!(granted.status, 200, "{}", granted.text());
    // Roles without casework one may take oneself (the administrator made moderator by
    // themself, a moderator stepping down while another stays).
    let second = app
        .member(&admin, &neighbourhood, "tweede@example.nl", "moderator")
        .await;
    let stepped_down = set_role(&app, &second, &neighbourhood, &second, "resident").await;
    assert_eq!(stepped_down.status, 200, "{}", stepped_down.text());
    let professional = app.register("wijkteam@example.nl").await;
    let grant = app
        .post_as(
            &admin,
            "/v1/admin/professionals",
            &json!({"user_id": professional.user_id, "municipality_code": "GM0001"}),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.text());
    let revoked = app
        .delete_as(
            &admin,
            &format!("/v1/admin/professionals/{}/GM0001", professional.user_id),
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text());

    let after = record(&app, &admin, 100).await;
    let new = &after[..after.len() - before.len()];
    let (admin_id, moderator_id) = (json!(admin.user_id), json!(moderator.user_id));
    assert_eq!(
        summary(new),
        [
            (
                admin_id.clone(),
                professional.user_id.clone(),
                "professional".into(),
                "revoked".into()
            ),
            (
                admin_id.clone(),
                professional.user_id.clone(),
                "professional".into(),
                "granted".into()
            ),
            (
                json!(second.user_id),
                second.user_id.clone(),
                "resident".into(),
                "granted".into()
            ),
            (
                admin_id.clone(),
                second.user_id.clone(),
                "moderator".into(),
                "granted".into()
            ),
            (
                moderator_id,
                admin.user_id.clone(),
                "mediator".into(),
                "granted".into()
            ),
        ]
    );
    assert_eq!(new[4]["neighbourhood_id"], neighbourhood.as_str());
    assert_eq!(new[0]["municipality_code"], "GM0001");
    assert!(new[0]["neighbourhood_id"].is_null());
    // The moderator's own grant, made by the administrator when they joined (`member`).
    assert!(summary(&before).contains(&(
        admin_id,
        moderator.user_id.clone(),
        "moderator".into(),
        "granted".into()
    )));
}

#[actix_web::test]
async fn the_record_is_for_administrators_pages_and_cannot_be_changed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let mut people = Vec::new();
    for (n, role) in ["mediator", "moderator", "mediator", "moderator", "mediator"]
        .into_iter()
        .enumerate()
    {
        people.push(
            app.member(&admin, &neighbourhood, &format!("lid{n}@example.nl"), role)
                .await,
        );
    }
    // The command line makes an administrator: recorded without an actor.
    let config = buurt_api::Config::with_database_url(app.database.url());
    buurt_api::cli::commands::create_admin(
        &config,
        "beheer@example.nl",
        "een-lang-wachtwoord",
        "Beheer",
    )
    .unwrap();
    // Promoting an administrator again records nothing new.
    buurt_api::cli::commands::create_admin(
        &config,
        "beheer@example.nl",
        "een-lang-wachtwoord",
        "Beheer",
    )
    .unwrap();

    let whole = record(&app, &admin, 100).await;
    // Pages of two walk the same entries, each once, newest first.
    assert_eq!(record(&app, &admin, 2).await, whole);
    let times: Vec<&str> = whole.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    let platform: Vec<&Value> = whole
        .iter()
        .filter(|e| e["role"] == "platform_admin")
        .collect();
    // The test's own administrator (`TestApp::admin`, by the same command) and this one.
    assert_eq!(platform.len(), 2, "{whole:?}");
    assert!(platform.iter().all(|entry| entry["actor_id"].is_null()));
    // Filtered by the person.
    let about = app
        .get_as(
            &admin,
            &format!("/v1/admin/role-grants?user_id={}", people[1].user_id),
        )
        .await
        .json();
    assert_eq!(summary(about["items"].as_array().unwrap()).len(), 1);
    assert_eq!(about["items"][0]["role"], "moderator");

    // Only administrators read it; a bad cursor is a 400.
    app.get_as(&people[1], "/v1/admin/role-grants")
        .await
        .assert_problem(403, "forbidden");
    app.get_as(&admin, "/v1/admin/role-grants?cursor=nonsense")
        .await
        .assert_problem(400, "invalid_query");

    // Append-only: the database refuses to change or remove an entry.
    for statement in [
        "UPDATE role_grants SET role = 'resident'",
        "DELETE FROM role_grants",
    ] {
        use diesel::connection::SimpleConnection;
        assert!(
            app.database.connect().batch_execute(statement).is_err(),
            "{statement}"
        );
    }
    assert_eq!(record(&app, &admin, 100).await, whole);
}
