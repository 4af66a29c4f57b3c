use buurt_tests::spawn_app;
use serde_json::json;

#[actix_web::test]
async fn people_block_and_unblock_others_and_see_their_list() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let mut others = Vec::new();
    for index in 0..5 {
        others.push(app.register(&format!("ander{index}@example.nl")).await);
    }
    let block = |who: &str| format!("/v1/users/{who}/block");

    let first = app
        .post_as(&anna, &block(&others[0].user_id), &json!({}))
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.json()["user_id"], json!(others[0].user_id));
    assert_eq!(first.json()["display_name"], "ander0");
    // Again: unchanged, the same answer.
    let again = app
        .post_as(&anna, &block(&others[0].user_id), &json!({}))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["blocked_at"], first.json()["blocked_at"]);
    for other in &others[1..] {
        assert_eq!(
            app.post_as(&anna, &block(&other.user_id), &json!({}))
                .await
                .status,
            201
        );
    }

    // The list pages by user id, each blocked person once.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/me/blocks?limit=2&cursor={cursor}"),
            None => "/v1/me/blocks?limit=2".to_owned(),
        };
        let page = app.get_as(&anna, &path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let page = page.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["user_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = others.iter().map(|o| o.user_id.clone()).collect();
    expected.sort();
    assert_eq!(seen, expected);

    // Someone else's list is their own, and empty.
    let blocked = app.get_as(&others[0], "/v1/me/blocks").await.json();
    assert_eq!(blocked["items"], json!([]));

    // Lifting a block, twice: harmless.
    for _ in 0..2 {
        assert_eq!(
            app.delete_as(&anna, &block(&others[0].user_id))
                .await
                .status,
            204
        );
    }
    let list = app.get_as(&anna, "/v1/me/blocks").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
}

#[actix_web::test]
async fn blocking_refuses_oneself_strangers_and_the_anonymous() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    app.post_as(
        &anna,
        &format!("/v1/users/{}/block", anna.user_id),
        &json!({}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post_as(
        &anna,
        &format!("/v1/users/{}/block", uuid::Uuid::new_v4()),
        &json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_as(&anna, "/v1/users/not-a-uuid/block", &json!({}))
        .await
        .assert_problem(404, "not_found");
    app.post(&format!("/v1/users/{}/block", bert.user_id), &json!({}))
        .await
        .assert_problem(401, "unauthorized");
    app.get("/v1/me/blocks")
        .await
        .assert_problem(401, "unauthorized");
    app.get_as(&anna, "/v1/me/blocks?limit=0")
        .await
        .assert_problem(400, "invalid_query");
    app.get_as(&anna, "/v1/me/blocks?cursor=zzz")
        .await
        .assert_problem(400, "invalid_query");
    // Nothing of that was stored.
    assert_eq!(
        app.get_as(&anna, "/v1/me/blocks").await.json()["items"],
        json!([])
    );
}
