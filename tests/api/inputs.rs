//! No input makes the server fail: hostile values in every parameter and body field of every
//! operation of the spec get a 4xx (or a success), never a 5xx and never a dropped connection.
//! The operations come from the API's own OpenAPI document, so a new endpoint is covered
//! without a test of its own. The regression tests below pin each class of failure found.

use actix_web::http::Method;
use buurt_tests::{Session, TestApp, spawn_app};
use serde_json::{Map, Value, json};

/// Text that once made the server fail, or that no handler should have to fear: NUL, format
/// characters, far dates, FTS5 syntax, a multi-byte first character, over-long text.
fn hostile_texts() -> Vec<String> {
    vec![
        "a\u{0}b".into(),
        "\u{0}".into(),
        "abc\u{202E}def".into(),
        "wo\u{200B}rd".into(),
        "+100000-01-01T00:00:00Z".into(),
        "-5000-01-01T00:00:00Z".into(),
        "99999-12-31".into(),
        "-5000-01-01".into(),
        "\"a\" OR NEAR(b".into(),
        "* ^ - \"".into(),
        "é+31612345678".into(),
        "€".into(),
        "woord ".repeat(2000),
    ]
}

/// Every byte but the unreserved ones percent-encoded, as a query value or path segment.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(spec, &spec["components"]["schemas"][name])
        }
        None => match schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
            // The first alternative that is not `null`.
            Some(options) => options
                .iter()
                .find(|option| option["type"] != "null")
                .map_or(schema, |option| resolve(spec, option)),
            None => schema,
        },
    }
}

fn has_type(schema: &Value, name: &str) -> bool {
    match &schema["type"] {
        Value::String(kind) => kind == name,
        Value::Array(kinds) => kinds.iter().any(|kind| kind == name),
        _ => false,
    }
}

/// A plausible value of `schema`: its example, else one built from its required fields.
fn sample(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    if !schema["example"].is_null() {
        return schema["example"].clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
        return first.clone();
    }
    if has_type(schema, "object") || schema["properties"].is_object() {
        let mut object = Map::new();
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().expect("required names are text");
            object.insert(name.into(), sample(spec, &schema["properties"][name]));
        }
        return Value::Object(object);
    }
    if has_type(schema, "array") {
        return json!([]);
    }
    if has_type(schema, "integer") || has_type(schema, "number") {
        return schema["minimum"].clone().max_or(json!(1));
    }
    if has_type(schema, "boolean") {
        return json!(false);
    }
    match schema["format"].as_str() {
        Some("date-time") => json!("2030-01-01T12:00:00Z"),
        Some("date") => json!("2030-01-01"),
        Some("uuid") => json!(uuid::Uuid::new_v4()),
        Some("email") => json!("someone@example.nl"),
        _ => json!("tekst"),
    }
}

trait MaxOr {
    fn max_or(self, default: Value) -> Value;
}

impl MaxOr for Value {
    fn max_or(self, default: Value) -> Value {
        if self.is_null() { default } else { self }
    }
}

/// Every field path of an object schema, nested objects included (`activity.location`).
fn field_paths(spec: &Value, schema: &Value, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let schema = resolve(spec, schema);
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    for (name, property) in properties {
        let mut path = prefix.to_vec();
        path.push(name.clone());
        out.push(path.clone());
        if prefix.len() < 2 {
            field_paths(spec, property, &path, out);
        }
    }
}

fn set_path(body: &mut Value, path: &[String], value: Value, spec: &Value, schema: &Value) {
    let schema = resolve(spec, schema);
    let (first, rest) = path.split_first().expect("a path has a field");
    if !body.is_object() {
        *body = json!({});
    }
    let object = body.as_object_mut().expect("an object");
    if rest.is_empty() {
        object.insert(first.clone(), value);
    } else {
        let property = &schema["properties"][first];
        let entry = object
            .entry(first.clone())
            .or_insert_with(|| sample(spec, property));
        set_path(entry, rest, value, spec, property);
    }
}

/// Real ids for path parameters, so a hostile value in one parameter reaches past the lookup
/// of the others.
struct World {
    neighbourhood: String,
    post: String,
}

fn base_path_value(path: &str, parameter: &str, world: &World) -> String {
    match (path, parameter) {
        (p, "id") if p.starts_with("/v1/neighbourhoods/") => world.neighbourhood.clone(),
        (p, "id") if p.starts_with("/v1/posts/") => world.post.clone(),
        (_, "code") => "GM0001".into(),
        _ => uuid::Uuid::new_v4().to_string(),
    }
}

#[derive(Default)]
struct Request {
    path_values: Vec<(String, String)>,
    query: Vec<(String, String)>,
    header: Option<(String, Vec<u8>)>,
    body: Option<(&'static str, Vec<u8>)>,
}

/// Sends one request; `Err` describes a 5xx or a connection that ended without an answer.
async fn probe(
    app: &TestApp,
    admin: &Session,
    method: &Method,
    template: &str,
    request: Request,
) -> Result<(), String> {
    let mut path = template.to_owned();
    for (name, value) in &request.path_values {
        path = path.replace(&format!("{{{name}}}"), &encode(value));
    }
    if !request.query.is_empty() {
        let query: Vec<String> = request
            .query
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect();
        path = format!("{path}?{}", query.join("&"));
    }
    let mut builder = app
        .client
        .request(method.clone(), app.url(&path))
        .insert_header(("authorization", format!("Bearer {}", admin.access_token)));
    if let Some((name, value)) = &request.header {
        let value = actix_web::http::header::HeaderValue::from_bytes(value)
            .expect("a header value without control characters");
        builder = builder.insert_header((name.as_str(), value));
    }
    let sent = match request.body {
        Some((content_type, body)) => {
            builder
                .insert_header(("content-type", content_type))
                .send_body(body)
                .await
        }
        None => builder.send().await,
    };
    let shown = || format!("{method} {}", path.chars().take(160).collect::<String>());
    match sent {
        Err(error) => Err(format!("{}: no answer ({error})", shown())),
        Ok(mut response) => {
            let body = response.body().limit(16 * 1024 * 1024).await;
            if response.status().is_server_error() {
                Err(format!(
                    "{}: {} {}",
                    shown(),
                    response.status(),
                    body.map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                ))
            } else {
                body.map(|_| ())
                    .map_err(|error| format!("{}: body cut off ({error})", shown()))
            }
        }
    }
}

#[actix_web::test]
async fn no_hostile_input_in_any_parameter_or_field_fails_the_server() {
    // A server that sends e-mail (to files), so nothing answers 503 `email_not_configured`.
    let mail_dir = std::env::temp_dir().join(format!(
        "buurt-inputs-mail-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let dir = mail_dir.clone();
    let app = buurt_tests::spawn_app_with(move |config| config.mail_dir = Some(dir)).await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00010001", "Zuid", &["3511AB"])
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "bewoner@example.nl", "resident")
        .await;
    // Verified addresses, so they may post and offer help.
    app.sql("UPDATE users SET email_verified = TRUE");
    let post = app
        .post_as(
            &resident,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": "Ladder", "body": "Een ladder lenen",
                    "category": "goods"}),
        )
        .await;
    assert_eq!(post.status, 201, "{}", post.text());
    let world = World {
        neighbourhood,
        post: post.json()["id"].as_str().expect("id").to_owned(),
    };
    let spec = app.get("/openapi.json").await.json();
    let texts = hostile_texts();
    let mut failures = Vec::new();
    let mut sent = 0;

    let operations: Vec<(String, String, Value)> = spec["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("a path item")
                .iter()
                .filter(|(method, _)| {
                    matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete")
                })
                .map(|(method, operation)| (path.clone(), method.clone(), operation.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    for (template, method, operation) in &operations {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
        let parameters: Vec<&Value> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        let base_paths: Vec<(String, String)> = parameters
            .iter()
            .filter(|parameter| parameter["in"] == "path")
            .map(|parameter| {
                let name = parameter["name"].as_str().expect("a name").to_owned();
                let value = base_path_value(template, &name, &world);
                (name, value)
            })
            .collect();
        let json_body = &operation["requestBody"]["content"]["application/json"]["schema"];
        let base_body = (!json_body.is_null()).then(|| sample(&spec, json_body));
        let with_base_body = |request: Request| Request {
            body: request.body.or_else(|| {
                base_body
                    .as_ref()
                    .map(|body| ("application/json", body.to_string().into_bytes()))
            }),
            ..request
        };

        for parameter in &parameters {
            let name = parameter["name"].as_str().expect("a name").to_owned();
            for text in &texts {
                let mut request = Request {
                    path_values: base_paths.clone(),
                    ..Default::default()
                };
                match parameter["in"].as_str() {
                    Some("path") => {
                        for (path_name, value) in &mut request.path_values {
                            if *path_name == name {
                                *value = text.clone();
                            }
                        }
                    }
                    Some("query") => request.query.push((name.clone(), text.clone())),
                    // A header cannot carry NUL or other control characters at all.
                    Some("header") if !text.chars().any(char::is_control) => {
                        request.header = Some((name.clone(), text.as_bytes().to_vec()));
                    }
                    _ => continue,
                }
                sent += 1;
                if let Err(failure) =
                    probe(&app, &admin, &method, template, with_base_body(request)).await
                {
                    failures.push(failure);
                }
            }
        }

        if let Some(base) = &base_body {
            let mut paths = Vec::new();
            field_paths(&spec, json_body, &[], &mut paths);
            for field in &paths {
                for text in &texts {
                    let mut body = base.clone();
                    set_path(&mut body, field, json!(text), &spec, json_body);
                    sent += 1;
                    let request = Request {
                        path_values: base_paths.clone(),
                        body: Some(("application/json", body.to_string().into_bytes())),
                        ..Default::default()
                    };
                    if let Err(failure) = probe(&app, &admin, &method, template, request).await {
                        failures.push(format!("{failure} (field {})", field.join(".")));
                    }
                }
            }
        }
        for content_type in ["application/x-www-form-urlencoded", "text/csv"] {
            if operation["requestBody"]["content"][content_type].is_null() {
                continue;
            }
            for text in &texts {
                let body = if content_type == "text/csv" {
                    format!(
                        "code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent\n\
                         BU00020001,{text},GM0001,{text},52.1,5.1,{text},{text}\n"
                    )
                } else {
                    format!(
                        "grant_type=client_credentials&client_id={0}&client_secret={0}&scope={0}",
                        encode(text)
                    )
                };
                sent += 1;
                let request = Request {
                    path_values: base_paths.clone(),
                    body: Some((content_type, body.into_bytes())),
                    ..Default::default()
                };
                if let Err(failure) = probe(&app, &admin, &method, template, request).await {
                    failures.push(format!("{failure} ({content_type})"));
                }
            }
        }
    }
    assert!(sent > 1000, "only {sent} requests: is the spec read?");
    let _ = std::fs::remove_dir_all(&mail_dir);
    assert!(
        failures.is_empty(),
        "{} of {sent} requests failed the server:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A neighbourhood with a resident who wrote a request, and the administrator.
async fn neighbourhood_with_a_post(app: &TestApp) -> (Session, Session, String, String) {
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00010001", "Zuid", &["3511AB"])
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "bewoner@example.nl", "resident")
        .await;
    let post = app
        .post_as(
            &resident,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": "Ladder", "body": "Een ladder lenen",
                    "category": "goods"}),
        )
        .await;
    assert_eq!(post.status, 201, "{}", post.text());
    let post = post.json()["id"].as_str().expect("id").to_owned();
    (admin, resident, neighbourhood, post)
}

#[actix_web::test]
async fn nul_in_a_url_is_refused_before_any_query() {
    let app = spawn_app().await;
    let (admin, _, neighbourhood, _) = neighbourhood_with_a_post(&app).await;
    // Query strings: a search, a filter, a cursor as sent.
    for query in [
        "q=a%00b",
        "municipality=GM%000001",
        "postcode=3511%00",
        "cursor=%00",
    ] {
        let response = app.get(&format!("/v1/neighbourhoods?{query}")).await;
        let problem = response.assert_problem(400, "invalid_query");
        assert_eq!(problem["errors"][0]["code"], "invalid_value", "{query}");
    }
    app.get(&format!(
        "/v1/neighbourhoods/{neighbourhood}/posts?q=lad%00der"
    ))
    .await
    .assert_problem(400, "invalid_query");
    // Path segments: a code, an id.
    app.get_as(&admin, "/v1/municipalities/GM%0001/stats")
        .await
        .assert_problem(404, "not_found");
    app.get("/v1/neighbourhoods/%00")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn nul_in_a_form_or_basic_credentials_is_refused() {
    let app = spawn_app().await;
    let form = "grant_type=client_credentials&client_id=a%00b&client_secret=c";
    let response = app
        .request(Method::POST, "/v1/auth/token")
        .raw("application/x-www-form-urlencoded", form)
        .await;
    assert_eq!(response.status, 400, "{}", response.text());
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode("client\0:secret");
    let response = app
        .request(Method::POST, "/v1/auth/token")
        .header("authorization", &format!("Basic {basic}"))
        .raw(
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
        )
        .await;
    response.assert_problem(401, "invalid_client");
}

#[actix_web::test]
async fn forged_cursors_are_checked_after_decoding() {
    use base64::Engine;
    let app = spawn_app().await;
    let (_, resident, neighbourhood, _) = neighbourhood_with_a_post(&app).await;
    let cursor = |key: Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.to_string().as_bytes())
    };
    for key in [
        json!(["2026-01-01T00:00:00Z", "a\u{0}b"]),
        json!([
            "+100000-01-01T00:00:00Z",
            "00000000-0000-0000-0000-000000000000"
        ]),
        json!([
            "-5000-01-01T00:00:00Z",
            "00000000-0000-0000-0000-000000000000"
        ]),
    ] {
        for path in [
            format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            "/v1/me/notifications".to_owned(),
        ] {
            let response = app
                .get_as(&resident, &format!("{path}?cursor={}", cursor(key.clone())))
                .await;
            response.assert_problem(400, "invalid_query");
        }
    }
    let names = cursor(json!(["zuid\u{0}", "00000000-0000-0000-0000-000000000000"]));
    app.get(&format!("/v1/neighbourhoods?cursor={names}"))
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn dates_outside_the_years_are_refused_in_bodies_and_queries() {
    let app = spawn_app().await;
    let (admin, resident, neighbourhood, post) = neighbourhood_with_a_post(&app).await;
    let posts = format!("/v1/neighbourhoods/{neighbourhood}/posts");
    for far in [
        "+100000-01-01T00:00:00Z",
        "-5000-01-01T00:00:00Z",
        "2201-01-01T00:00:00Z",
    ] {
        let response = app
            .post_as(
                &resident,
                &posts,
                &json!({"kind": "request", "title": "Ladder", "body": "Lenen",
                        "category": "goods", "expires_at": far}),
            )
            .await;
        let problem = response.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "expires_at", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "out_of_range", "{problem}");
        let response = app
            .post_as(
                &resident,
                &posts,
                &json!({"kind": "activity", "title": "Borrel", "body": "Op het plein",
                        "activity": {"starts_at": "2027-05-01T18:00:00Z", "ends_at": far,
                                     "location": "Plein"}}),
            )
            .await;
        let problem = response.assert_problem(422, "validation_failed");
        assert_eq!(
            problem["errors"][0]["field"], "activity.ends_at",
            "{problem}"
        );
        let response = app
            .request(Method::PATCH, &format!("/v1/posts/{post}"))
            .bearer(&resident.access_token)
            .json(&json!({"expires_at": far}))
            .await;
        response.assert_problem(422, "validation_failed");
    }
    // Within the years, far ahead: stored, and not expired at once (SQLite compares text).
    let response = app
        .post_as(
            &resident,
            &posts,
            &json!({"kind": "request", "title": "Later", "body": "Veel later",
                    "category": "goods", "expires_at": "2199-12-31T00:00:00Z"}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    assert_eq!(response.json()["status"], "open");
    // Monitoring ranges: anonymous callers used to panic the worker before authorisation.
    for range in [
        "from=-5000-01-01&to=2026-01-01",
        "from=2026-01-01&to=99999-12-31",
    ] {
        for session in [None, Some(&admin)] {
            let path = format!("/v1/neighbourhoods/{neighbourhood}/stats?{range}");
            let response = match session {
                Some(session) => app.get_as(session, &path).await,
                None => app.get(&path).await,
            };
            assert!(
                matches!(response.status.as_u16(), 400 | 401),
                "{path}: {} {}",
                response.status,
                response.text()
            );
        }
        let path = format!("/v1/neighbourhoods/{neighbourhood}/stats?{range}");
        app.get_as(&admin, &path)
            .await
            .assert_problem(400, "invalid_query");
    }
}

#[actix_web::test]
async fn format_characters_and_odd_phones_are_refused_not_fatal() {
    let app = spawn_app().await;
    let (_, resident, neighbourhood, _) = neighbourhood_with_a_post(&app).await;
    for title in ["Gratis\u{202E}fiets", "Lad\u{200B}der", "\u{FEFF}Ladder"] {
        let response = app
            .post_as(
                &resident,
                &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
                &json!({"kind": "request", "title": title, "body": "Lenen",
                        "category": "goods"}),
            )
            .await;
        let problem = response.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
    }
    for name in ["Anna\u{202E}", "\u{200B}"] {
        let response = app
            .request(Method::PATCH, "/v1/me")
            .bearer(&resident.access_token)
            .json(&json!({"display_name": name}))
            .await;
        response.assert_problem(422, "validation_failed");
    }
    // A phone number starting with a multi-byte character once panicked the worker.
    for phone in ["é0612345678", "€+31612345678"] {
        let response = app
            .request(Method::PATCH, "/v1/me")
            .bearer(&resident.access_token)
            .json(&json!({"phone": phone}))
            .await;
        let problem = response.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "phone", "{problem}");
    }
    // Search text is never syntax, whatever it holds.
    for q in ["\"a\" OR NEAR(b", "*", "^x", "a\"", "-", "NOT", "(("] {
        let response = app
            .get(&format!(
                "/v1/neighbourhoods/{neighbourhood}/posts?q={}",
                encode(q)
            ))
            .await;
        assert_eq!(response.status, 200, "{q}: {}", response.text());
    }
}

/// A write that waits for a lock longer than SQLite's busy timeout is told to retry (503 with
/// `Retry-After`), not 500; on PostgreSQL the write waits and then succeeds. Either way the
/// database answers again once the lock is gone.
#[actix_web::test]
async fn a_lock_wait_is_503_with_retry_after_never_500() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    let resident = app.register("bewoner@example.nl").await;
    let mut conn = app.database.connect();
    let postgres = app.database.is_postgres();
    conn.batch_execute(if postgres {
        "BEGIN; LOCK TABLE users IN EXCLUSIVE MODE"
    } else {
        "BEGIN EXCLUSIVE"
    })
    .expect("take the lock");
    let holder = std::thread::spawn(move || {
        // Past SQLite's 5-second busy timeout; PostgreSQL waits this out.
        std::thread::sleep(std::time::Duration::from_secs(if postgres { 1 } else { 7 }));
        conn.batch_execute("COMMIT").expect("release the lock");
    });
    let body = json!({"display_name": "Anna"});
    let change = || {
        app.request(Method::PATCH, "/v1/me")
            .bearer(&resident.access_token)
            .json(&body)
    };
    let response = change().await;
    if postgres {
        assert_eq!(response.status, 200, "{}", response.text());
    } else {
        response.assert_problem(503, "database_unavailable");
        assert!(response.header("retry-after").is_some());
    }
    holder.join().expect("the lock holder ends");
    let response = change().await;
    assert_eq!(response.status, 200, "{}", response.text());
}
