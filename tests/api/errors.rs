use actix_web::http::Method;
use buurt_tests::spawn_app;

#[actix_web::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in ["/nope", "/v1", "/v1/nothing/here", "/health/live/extra"] {
        app.get(path).await.assert_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn wrong_methods_are_405_problems_with_allow() {
    let app = spawn_app().await;
    for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = app.request(method.clone(), "/health/ready").send().await;
        response.assert_problem(405, "method_not_allowed");
        assert_eq!(
            response.header("allow").as_deref(),
            Some("GET, HEAD"),
            "{method}"
        );
    }
}

#[actix_web::test]
async fn head_is_answered_wherever_get_is() {
    let app = spawn_app().await;
    for path in ["/health/live", "/openapi.json", "/docs/"] {
        let get = app.get(path).await;
        let head = app.request(Method::HEAD, path).send().await;
        assert_eq!(head.status, 200, "{path}");
        assert!(head.text().is_empty(), "{path}: HEAD carries no body");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
    }
    // Without a token: the same 401 as GET, head only.
    let head = app.request(Method::HEAD, "/v1/me").send().await;
    assert_eq!(head.status, 401);
    assert!(head.text().is_empty());
    assert_eq!(app.request(Method::HEAD, "/nope").send().await.status, 404);
}

#[actix_web::test]
async fn problems_speak_the_requested_language() {
    let app = spawn_app().await;
    let english = app.get("/nope").await.assert_problem(404, "not_found");
    assert_eq!(english["title"], "Not found");

    let dutch = app
        .request(Method::GET, "/nope")
        .header("accept-language", "nl-NL,nl;q=0.9,en;q=0.8")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(dutch["title"], "Niet gevonden");
    assert_ne!(dutch["detail"], english["detail"]);

    let preferred_english = app
        .request(Method::GET, "/nope")
        .header("accept-language", "nl;q=0.5, en")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(preferred_english["title"], "Not found");

    let unsupported = app
        .request(Method::GET, "/nope")
        .header("accept-language", "de-DE")
        .send()
        .await
        .assert_problem(404, "not_found");
    assert_eq!(unsupported["title"], "Not found");

    // Field messages too, including what they quote of serde's explanation and of ours.
    let mut body = register_body();
    body["display_name"] = serde_json::json!(5);
    let in_dutch = |path: &'static str, body: serde_json::Value| {
        let app = &app;
        async move {
            app.request(Method::POST, path)
                .header("accept-language", "nl")
                .json(&body)
                .await
        }
    };
    let wrong_type = in_dutch("/v1/auth/register", body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        wrong_type["errors"][0]["message"],
        "Verkeerd type: ongeldig type: geheel getal `5`, verwacht tekst."
    );
    let broken = app
        .request(Method::POST, "/v1/auth/register")
        .header("accept-language", "nl")
        .raw("application/json", "{\"email\": ")
        .await
        .assert_problem(400, "malformed_json");
    assert_eq!(
        broken["detail"],
        "De inhoud kon niet als JSON worden gelezen (de inhoud houdt op midden in een waarde \
         op regel 1, kolom 10)."
    );
}

#[actix_web::test]
async fn request_ids_are_echoed_or_made() {
    let app = spawn_app().await;
    let response = app.get("/health/live").await;
    let made = response.header("x-request-id").expect("a request id");
    assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");

    let response = app
        .request(Method::GET, "/nope")
        .header("x-request-id", "app-42.retry:1")
        .send()
        .await;
    assert_eq!(
        response.header("x-request-id").as_deref(),
        Some("app-42.retry:1")
    );
    assert_eq!(response.json()["request_id"], "app-42.retry:1");

    // Not a sane token: replaced rather than echoed into logs and headers.
    let response = app
        .request(Method::GET, "/health/live")
        .header("x-request-id", "two words")
        .send()
        .await;
    let replaced = response.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(&replaced).is_ok(), "{replaced}");
}

fn register_body() -> serde_json::Value {
    serde_json::json!({"email": "a@example.nl", "password": "lang-genoeg-wachtwoord", "display_name": "A"})
}

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    for body in [
        "{",
        "{\"email\": }",
        "",
        "not json",
        "{\"email\": \"a\"} trailing",
    ] {
        app.request(Method::POST, "/v1/auth/register")
            .raw("application/json", body)
            .await
            .assert_problem(400, "malformed_json");
    }
}

#[actix_web::test]
async fn bodies_of_the_wrong_shape_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            serde_json::json!({"email": 5, "password": "lang-genoeg-wachtwoord", "display_name": "A"}),
            "email",
            "invalid_type",
        ),
        (
            serde_json::json!({"email": "a@example.nl", "display_name": "A"}),
            "password",
            "required",
        ),
        (
            serde_json::json!({"email": "a@example.nl", "password": "lang-genoeg-wachtwoord", "display_name": "A", "admin": true}),
            "admin",
            "unknown_field",
        ),
        (serde_json::json!(["a@example.nl"]), "", "invalid_type"),
        (
            serde_json::json!({"email": "a\u{0}@example.nl", "password": "lang-genoeg-wachtwoord", "display_name": "A"}),
            "email",
            "invalid_value",
        ),
    ];
    for (body, field, code) in cases {
        let problem = app
            .post("/v1/auth/register", &body)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}: {problem}");
    }
    // Nothing was stored by any of them.
    let response = app.post("/v1/auth/register", &register_body()).await;
    assert_eq!(response.status, 201, "{}", response.text());
}

#[actix_web::test]
async fn unknown_enum_values_are_refused() {
    let app = spawn_app().await;
    let session = app.register("enum@example.nl").await;
    let problem = app
        .request(Method::PATCH, "/v1/me")
        .bearer(&session.access_token)
        .json(&serde_json::json!({"interests": ["gossip"]}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "interests[0]");
    assert_eq!(problem["errors"][0]["code"], "invalid_value");
}

#[actix_web::test]
async fn bodies_over_64_kib_are_413_problems() {
    let app = spawn_app().await;
    let mut body = register_body();
    body["display_name"] = serde_json::Value::String("x".repeat(64 * 1024));
    app.post("/v1/auth/register", &body)
        .await
        .assert_problem(413, "payload_too_large");
    // Without a Content-Length the limit holds just the same, with or without a key.
    let text = body.to_string().into_bytes();
    for key in [None, Some("chunked-retry-1")] {
        let mut request = app.request(Method::POST, "/v1/auth/register");
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request
            .chunked(
                "application/json",
                text.chunks(4096).map(<[u8]>::to_vec).collect(),
            )
            .await
            .assert_problem(413, "payload_too_large");
    }
    // Just under the limit is read (and then judged on its merits).
    body["display_name"] = serde_json::Value::String("x".repeat(60 * 1024));
    app.post("/v1/auth/register", &body)
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn bodies_that_are_not_json_are_415_problems() {
    let app = spawn_app().await;
    let body = register_body().to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        app.request(Method::POST, "/v1/auth/register")
            .raw(content_type, body.clone())
            .await
            .assert_problem(415, "unsupported_media_type");
    }
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .raw("application/json; charset=utf-8", body)
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
}

#[actix_web::test]
async fn a_5xx_carries_no_internals() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    app.register("kapot@example.nl").await;
    // Break the schema behind the app's back: every sign-in now fails inside the database.
    app.database
        .connect()
        .batch_execute("ALTER TABLE users RENAME TO users_gone")
        .unwrap();
    let response = app
        .login("kapot@example.nl", buurt_tests::TEST_PASSWORD)
        .await;
    let problem = response.assert_problem(500, "internal_error");
    let text = response.text().to_lowercase();
    for internal in ["users", "table", "relation", "sql", "diesel", "no such"] {
        assert!(!text.contains(internal), "{internal} leaked: {text}");
    }
    assert_eq!(
        problem["request_id"].as_str(),
        response.header("x-request-id").as_deref()
    );
}

/// Writes `request` on a fresh connection and reads the answer until the server closes it.
fn raw_exchange(port: u16, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before it has read everything: a failed write is fine.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Splits a raw HTTP/1.1 answer into its status, its lower-cased head and its body as JSON.
fn problem_of(answer: &str) -> (u16, String, serde_json::Value) {
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete answer: {answer:?}"));
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {answer}"));
    (status, head.to_ascii_lowercase(), body)
}

/// What actix-http's HTTP/1 dispatcher answers by itself, before any handler or middleware
/// runs, is an RFC 9457 problem like every other error (issue 16, §2).
#[actix_web::test]
async fn protocol_errors_are_problems() {
    let app = spawn_app().await;
    let port = app.port;
    let long = "a".repeat(140 * 1024);
    let many: String = (0..120).map(|n| format!("x-h{n}: {n}\r\n")).collect();
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"GARBAGE\r\n\r\n".to_vec(), 400, "bad_request"),
        (
            b"GET /health/live HTTP/1.1\r\nhost: localhost\r\nbad header\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            b"GET /health/live HTTP/1.1\r\nhost: localhost\r\ncontent-length: ten\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            b"GET /health/live HTTP/1.1\r\nhost: localhost\r\ncontent-length: 1\r\n\
              content-length: 2\r\n\r\nab"
                .to_vec(),
            400,
            "bad_request",
        ),
        (
            b"GET /health/live HTTP/9.9\r\n\r\n".to_vec(),
            400,
            "bad_request",
        ),
        (
            format!("GET /health/live HTTP/1.1\r\nhost: localhost\r\nx-long: {long}\r\n\r\n")
                .into_bytes(),
            431,
            "request_header_fields_too_large",
        ),
        (
            format!("GET /health/live HTTP/1.1\r\nhost: localhost\r\n{many}\r\n").into_bytes(),
            431,
            "request_header_fields_too_large",
        ),
    ];
    for (request, status, code) in cases {
        let answer = std::thread::spawn(move || raw_exchange(port, &request))
            .join()
            .unwrap();
        let (got, head, body) = problem_of(&answer);
        assert_eq!(got, status, "{answer}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{answer}"
        );
        assert_eq!(body["code"], code, "{answer}");
        assert_eq!(body["status"], status, "{answer}");
        assert_eq!(body["type"], format!("urn:buurt:problem:{code}"));
        assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // The server took no harm.
    assert_eq!(app.get("/health/live").await.status, 200);
}

/// A request head that does not arrive in time is answered 408 with a problem.
#[actix_web::test]
async fn a_head_that_does_not_arrive_in_time_is_a_problem() {
    let app = buurt_tests::spawn_app_with(|config| config.header_timeout_ms = 500).await;
    let port = app.port;
    let answer = std::thread::spawn(move || {
        raw_exchange(port, b"GET /health/live HTTP/1.1\r\nhost: localhost\r\n")
    })
    .join()
    .unwrap();
    let (status, head, body) = problem_of(&answer);
    assert_eq!(status, 408, "{answer}");
    assert!(head.contains("content-type: application/problem+json"));
    assert_eq!(body["code"], "request_timeout");
}
