use std::collections::HashSet;

use actix_web::http::Method;
use buurt_tests::{NEIGHBOURHOOD_CSV_HEADER, Session, TestApp, TestResponse, spawn_app};
use serde_json::{Value, json};

fn body(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name": name, "municipality_code": "GM0363", "municipality_name": "Amsterdam",
        "lat": 52.3757, "lng": 4.9003, "postcodes": ["1012", "1013 ab"], "adjacent": [],
    })
}

async fn import(app: &TestApp, session: &Session, csv: &str) -> TestResponse {
    app.request(Method::POST, "/v1/admin/neighbourhoods/import")
        .bearer(&session.access_token)
        .raw("text/csv", csv.to_owned())
        .await
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let response = app.get(&format!("/v1/neighbourhoods?{query}")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn admins_create_and_anyone_reads_a_neighbourhood() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let created = app
        .post_as(
            &admin,
            "/v1/neighbourhoods",
            &body(" bu03630000", "Kop Zeedijk"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/v1/neighbourhoods/{id}"))
    );

    let read = app.get(&format!("/v1/neighbourhoods/{id}")).await;
    assert_eq!(read.status, 200);
    let neighbourhood = read.json();
    assert_eq!(neighbourhood["code"], "BU03630000");
    assert_eq!(
        neighbourhood["municipality"],
        json!({"code": "GM0363", "name": "Amsterdam"})
    );
    assert_eq!(
        neighbourhood["centre"],
        json!({"lat": 52.3757, "lng": 4.9003})
    );
    assert_eq!(neighbourhood["postcodes"], json!(["1012", "1013AB"]));
    assert_eq!(neighbourhood["member_count"], 0);
    let etag = read.header("etag").unwrap();
    let again = app
        .request(Method::GET, &format!("/v1/neighbourhoods/{id}"))
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);

    app.get(&format!("/v1/neighbourhoods/{}", uuid::Uuid::new_v4()))
        .await
        .assert_problem(404, "not_found");
    app.get("/v1/neighbourhoods/not-a-uuid")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn only_admins_create_and_edit() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let resident = app.register("bewoner@example.nl").await;
    app.post("/v1/neighbourhoods", &body("BU03630000", "Kop"))
        .await
        .assert_problem(401, "unauthorized");
    app.post_as(&resident, "/v1/neighbourhoods", &body("BU03630000", "Kop"))
        .await
        .assert_problem(403, "forbidden");
    let id = app
        .create_neighbourhood(&admin, "BU03630000", "Kop", &["1012"])
        .await;
    let path = format!("/v1/neighbourhoods/{id}");
    app.request(Method::PATCH, &path)
        .bearer(&resident.access_token)
        .json(&json!({"name": "Mijn buurt"}))
        .await
        .assert_problem(403, "forbidden");
    let edited = app
        .request(Method::PATCH, &path)
        .bearer(&admin.access_token)
        .json(&json!({"name": "Kop Zeedijk", "postcodes": ["1011"]}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text());
    assert_eq!(edited.json()["name"], "Kop Zeedijk");
    assert_eq!(edited.json()["postcodes"], json!(["1011"]));
    assert_eq!(edited.json()["code"], "BU03630000");
    app.request(Method::PATCH, &path)
        .bearer(&admin.access_token)
        .json(&json!({"code": "BU00000009"}))
        .await
        .assert_problem(422, "validation_failed");
    let problem = app
        .request(Method::PATCH, &path)
        .bearer(&admin.access_token)
        .json(&json!({"lat": 95.0}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "lat");
    app.request(
        Method::PATCH,
        &format!("/v1/neighbourhoods/{}", uuid::Uuid::new_v4()),
    )
    .bearer(&admin.access_token)
    .json(&json!({"name": "x"}))
    .await
    .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn bad_neighbourhoods_are_refused_with_every_reason() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_neighbourhood(&admin, "BU03630000", "Kop", &[])
        .await;
    app.post_as(&admin, "/v1/neighbourhoods", &body("BU03630000", "Again"))
        .await
        .assert_problem(409, "neighbourhood_code_taken");
    let problem = app
        .post_as(
            &admin,
            "/v1/neighbourhoods",
            &json!({
                "code": "XX1", "name": " ", "municipality_code": "GM1", "municipality_name": "A",
                "lat": 52.0, "lng": 200.0, "postcodes": ["12"], "adjacent": ["BU1"],
            }),
        )
        .await
        .assert_problem(422, "validation_failed");
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "adjacent[0]",
            "code",
            "lng",
            "municipality_code",
            "name",
            "postcodes[0]"
        ]
    );
    let mut unknown_neighbour = body("BU03630001", "Nieuw");
    unknown_neighbour["adjacent"] = json!(["BU09999999"]);
    let problem = app
        .post_as(&admin, "/v1/neighbourhoods", &unknown_neighbour)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "adjacent");
}

#[actix_web::test]
async fn neighbourhoods_are_found_by_name_municipality_and_postcode() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.create_neighbourhood_in(&admin, "BU00000001", "Zuidöost", "GM0001", &["1101"])
        .await;
    app.create_neighbourhood_in(&admin, "BU00000002", "Zuid", "GM0001", &["1077AB"])
        .await;
    app.create_neighbourhood_in(&admin, "BU00000003", "Noord", "GM0002", &["1031", "1077AC"])
        .await;

    assert_eq!(names(&app, "q=zuid").await, ["Zuid", "Zuidöost"]);
    assert_eq!(names(&app, "q=ZUIDO").await, ["Zuidöost"]);
    assert_eq!(names(&app, "q=zuido%CC%88").await, ["Zuidöost"]);
    assert!(names(&app, "q=oost").await.is_empty());
    assert_eq!(names(&app, "municipality=gm0002").await, ["Noord"]);
    assert_eq!(names(&app, "postcode=1101%20xy").await, ["Zuidöost"]);
    assert_eq!(names(&app, "postcode=1077AB").await, ["Zuid"]);
    assert_eq!(names(&app, "postcode=1077").await, ["Noord", "Zuid"]);
    assert_eq!(
        names(&app, "q=zuid&municipality=GM0001&postcode=1077AB").await,
        ["Zuid"]
    );
    assert_eq!(names(&app, "").await, ["Noord", "Zuid", "Zuidöost"]);

    let too_long = format!("q={}", "%C3%A9".repeat(101));
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "cursor=nonsense",
        "municipality=Amsterdam",
        "postcode=12",
        too_long.as_str(),
    ] {
        app.get(&format!("/v1/neighbourhoods?{bad}"))
            .await
            .assert_problem(400, "invalid_query");
    }
    // A hundred characters are fine (found by the fuzzer: longer ones were not refused).
    assert!(
        names(&app, &format!("q={}", "%C3%A9".repeat(100)))
            .await
            .is_empty()
    );
}

fn thousand_neighbourhoods() -> String {
    let mut csv = NEIGHBOURHOOD_CSV_HEADER.to_owned();
    for index in 0..1000 {
        // Names that sort differently from codes, with some duplicates.
        let name = format!("Buurt {}", (index * 7919) % 500);
        let next = (index + 1) % 1000;
        csv.push_str(&format!(
            "BU{index:08},{name},GM{:04},Gemeente {},52.{index},5.{index},{},BU{next:08}\n",
            index % 10,
            index % 10,
            1000 + index
        ));
    }
    csv
}

#[actix_web::test]
async fn paging_through_a_thousand_neighbourhoods_returns_each_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let report = import(&app, &admin, &thousand_neighbourhoods()).await;
    assert_eq!(report.status, 200, "{}", report.text());
    assert_eq!(report.json(), json!({"created": 1000, "updated": 0}));

    for page_size in [100, 37] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/v1/neighbourhoods?limit={page_size}&cursor={cursor}"),
                None => format!("/v1/neighbourhoods?limit={page_size}"),
            };
            let page = app.get(&path).await.json();
            pages += 1;
            for item in page["items"].as_array().unwrap() {
                seen.push((
                    item["name"].as_str().unwrap().to_owned(),
                    item["id"].as_str().unwrap().to_owned(),
                ));
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 1000, "page size {page_size}");
        let unique: HashSet<&String> = seen.iter().map(|(_, id)| id).collect();
        assert_eq!(unique.len(), 1000);
        let names: Vec<&String> = seen.iter().map(|(name, _)| name).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|name| name.to_lowercase());
        assert_eq!(names, sorted, "ordered by name");
        assert_eq!(pages, 1000_usize.div_ceil(page_size));
    }
}

#[actix_web::test]
async fn importing_twice_updates_and_never_duplicates() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let csv = thousand_neighbourhoods();
    assert_eq!(
        import(&app, &admin, &csv).await.json(),
        json!({"created": 1000, "updated": 0})
    );
    let changed = csv.replace("BU00000000,Buurt 0,", "BU00000000,Centrum,");
    assert_eq!(
        import(&app, &admin, &changed).await.json(),
        json!({"created": 0, "updated": 1000})
    );
    assert_eq!(names(&app, "q=centrum").await, ["Centrum"]);
    // Each municipality still holds exactly its 100 neighbourhoods: nothing was duplicated.
    let all = app
        .get("/v1/neighbourhoods?limit=100&municipality=GM0000")
        .await
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 100);
    assert_eq!(all["next_cursor"], Value::Null);
}

#[actix_web::test]
async fn a_bad_row_imports_nothing_and_says_where() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let csv = format!(
        "{NEIGHBOURHOOD_CSV_HEADER}\
         BU00000001,Goed,GM0001,Ergens,52.1,5.1,1234,\n\
         BU00000002,Fout,GM0001,Ergens,52.1,5.1,99,\n\
         BU00000003,Ook goed,GM0001,Ergens,52.1,5.1,,BU00000001\n"
    );
    let problem = import(&app, &admin, &csv)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "lines[3].postcodes[0]");
    assert!(names(&app, "").await.is_empty(), "nothing imported");

    let unknown =
        format!("{NEIGHBOURHOOD_CSV_HEADER}BU00000001,Goed,GM0001,Ergens,52.1,5.1,,BU00000077\n");
    let problem = import(&app, &admin, &unknown)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "lines[2].adjacent[0]");
    assert!(names(&app, "").await.is_empty(), "nothing imported");

    // Rows that were already written when a later row fails are taken back, updates included.
    app.create_neighbourhood(&admin, "BU00000010", "Bestaand", &[])
        .await;
    let late = format!(
        "{NEIGHBOURHOOD_CSV_HEADER}\
         BU00000010,Hernoemd,GM0001,Ergens,52.1,5.1,,\n\
         BU00000011,Nieuw een,GM0001,Ergens,52.1,5.1,1111,BU00000010\n\
         BU00000012,Nieuw twee,GM0001,Ergens,52.1,5.1,,BU00000011\n\
         BU00000013,Nieuw drie,GM0001,Ergens,52.1,5.1,,BU00000099\n"
    );
    let problem = import(&app, &admin, &late)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "lines[5].adjacent[0]");
    assert_eq!(names(&app, "").await, ["Bestaand"]);

    let wrong_header = "naam,code\nKop,BU00000001\n";
    import(&app, &admin, wrong_header)
        .await
        .assert_problem(422, "validation_failed");

    let resident = app.register("bewoner@example.nl").await;
    import(&app, &resident, &csv)
        .await
        .assert_problem(403, "forbidden");
    app.request(Method::POST, "/v1/admin/neighbourhoods/import")
        .bearer(&admin.access_token)
        .json(&json!({"csv": csv}))
        .await
        .assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn the_command_imports_the_same_csv() {
    let app = spawn_app().await;
    let file = std::env::temp_dir().join(format!("buurt-import-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(
        &file,
        format!("{NEIGHBOURHOOD_CSV_HEADER}BU00000001,Kop,GM0001,Ergens,52.1,5.1,1234,\n"),
    )
    .unwrap();
    let config = buurt_api::Config::with_database_url(app.database.url());
    assert_eq!(
        buurt_api::cli::commands::import_neighbourhoods(&config, &file),
        Ok((1, 0))
    );
    assert_eq!(
        buurt_api::cli::commands::import_neighbourhoods(&config, &file),
        Ok((0, 1))
    );
    std::fs::write(
        &file,
        format!("{NEIGHBOURHOOD_CSV_HEADER}BU1,Kop,GM0001,Ergens,52.1,5.1,,\n"),
    )
    .unwrap();
    let error = buurt_api::cli::commands::import_neighbourhoods(&config, &file).unwrap_err();
    assert!(error.starts_with("lines[2].code:"), "{error}");
    // A late row naming an unknown neighbour takes back the rows before it.
    std::fs::write(
        &file,
        format!(
            "{NEIGHBOURHOOD_CSV_HEADER}\
             BU00000001,Kop hernoemd,GM0001,Ergens,52.1,5.1,1234,\n\
             BU00000002,Staart,GM0001,Ergens,52.1,5.1,,BU00000001\n\
             BU00000003,Romp,GM0001,Ergens,52.1,5.1,,BU00000077\n"
        ),
    )
    .unwrap();
    let error = buurt_api::cli::commands::import_neighbourhoods(&config, &file).unwrap_err();
    assert!(error.starts_with("lines[4].adjacent[0]:"), "{error}");
    std::fs::remove_file(&file).unwrap();
    assert_eq!(names(&app, "").await, ["Kop"]);
}

#[actix_web::test]
async fn the_public_page_needs_no_login() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &["1234"])
        .await;
    app.member(&admin, &id, "lid@example.nl", "resident").await;
    let page = app.get(&format!("/v1/neighbourhoods/{id}/page")).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    assert_eq!(page["neighbourhood"]["name"], "Kop");
    assert_eq!(page["member_count"], 1);
    for section in [
        "news",
        "upcoming_activities",
        "open_requests",
        "open_offers",
    ] {
        assert_eq!(page[section], json!({"items": [], "count": 0}), "{section}");
    }
    assert_eq!(page["in_mediation"], json!({"count": 0}));
    assert!(!page.to_string().contains("lid@example.nl"));
    app.get(&format!("/v1/neighbourhoods/{}/page", uuid::Uuid::new_v4()))
        .await
        .assert_problem(404, "not_found");
}
