//! Limits on every resource: password hashing, registrations, current-password checks, body
//! sizes with idempotency keys, slow clients, search terms, and an unreachable database.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use buurt_tests::{Session, TEST_PASSWORD, TestApp, TestResponse, spawn_app, spawn_app_with};
use serde_json::{Value, json};

async fn patch_me(app: &TestApp, session: &Session, body: &Value) -> TestResponse {
    app.request(Method::PATCH, "/v1/me")
        .bearer(&session.access_token)
        .json(body)
        .await
}

#[actix_web::test]
async fn hashing_beyond_its_threads_and_queue_is_refused_at_once() {
    use futures_util::FutureExt;

    let app = spawn_app_with(|config| {
        config.hashing_threads = Some(1);
        config.hashing_queue = 1;
        // Far fewer than the sign-ins refused below: a refused sign-in checked no password,
        // so it must not count as a failed one (or the flood would lock the account out).
        config.login_max_failures = 3;
        config.login_max_failures_per_client = 3;
    })
    .await;
    app.register("druk@example.nl").await;

    // The one hashing thread is kept busy until the test lets it go, and the one queue place is
    // taken: no sign-in can be hashed now, so every answer that comes back was refused at once,
    // without waiting for a hash (a timing-free proof of "at once").
    let (started, running) = tokio::sync::oneshot::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let hashing = app.hashing.clone();
    let held = actix_web::rt::spawn(async move {
        hashing
            .run(move || {
                let _ = started.send(());
                let _ = released.recv();
            })
            .await
    });
    running.await.expect("the hashing thread took the held job");
    assert!(
        app.hashing.run(|| ()).now_or_never().is_none(),
        "the queue place is taken, not refused"
    );
    assert!(
        matches!(app.hashing.run(|| ()).now_or_never(), Some(Err(_))),
        "a full pool refuses"
    );

    // As many at once as the throttle allows in flight (an attempt counts while it runs)...
    let attempts = (0..3).map(|_| app.login("druk@example.nl", TEST_PASSWORD));
    for response in futures_util::future::join_all(attempts).await {
        response.assert_problem(503, "server_busy");
        assert_eq!(response.header("retry-after").as_deref(), Some("1"));
    }
    // ...and many more one after the other: each refusal is taken back, so none of them
    // brings the account or the address nearer to its limit.
    for _ in 0..13 {
        let response = app.login("druk@example.nl", TEST_PASSWORD).await;
        response.assert_problem(503, "server_busy");
        assert_eq!(response.header("retry-after").as_deref(), Some("1"));
    }

    // Once the flood is over, signing in works again: the refusals were not failures.
    release.send(()).expect("the held job waits");
    held.await
        .expect("the held job ends")
        .expect("the held job ran");
    let mut free = false;
    for _ in 0..500 {
        if app.hashing.run(|| ()).await.is_ok() {
            free = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(free, "the hashing pool never came free");
    assert_eq!(
        app.login("druk@example.nl", TEST_PASSWORD).await.status,
        200
    );
}

#[actix_web::test]
async fn registrations_are_limited_per_client_address() {
    let app = spawn_app_with(|config| {
        config.registrations_per_client = 3;
        config.trust_proxy_headers = true;
    })
    .await;
    let register = |email: &'static str, from: &'static str| {
        let app = &app;
        async move {
            app.request(Method::POST, "/v1/auth/register")
                .header("x-forwarded-for", from)
                .json(&json!({"email": email, "password": TEST_PASSWORD, "display_name": "Nieuw"}))
                .await
        }
    };
    assert_eq!(register("een@example.nl", "203.0.113.7").await.status, 201);
    assert_eq!(register("twee@example.nl", "203.0.113.7").await.status, 201);
    // A refused registration (the email is taken) counts too.
    assert_eq!(register("een@example.nl", "203.0.113.7").await.status, 409);
    let refused = register("vier@example.nl", "203.0.113.7").await;
    refused.assert_problem(429, "too_many_attempts");
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(
        app.count("SELECT count(*) FROM users WHERE email = 'vier@example.nl'"),
        0
    );
    // Another address is counted apart.
    assert_eq!(
        register("vier@example.nl", "198.51.100.2").await.status,
        201
    );
}

#[actix_web::test]
async fn current_password_checks_are_throttled_like_sign_in() {
    let app = spawn_app_with(|config| {
        config.login_max_failures = 3;
    })
    .await;
    let session = app.register("wachtwoord@example.nl").await;
    let change = |current: &str| json!({"new_password": "nieuw-en-lang-genoeg", "current_password": current});

    // A right current password clears the account's count, as a sign-in does.
    for _ in 0..2 {
        patch_me(&app, &session, &change("niet het wachtwoord"))
            .await
            .assert_problem(403, "current_password_incorrect");
    }
    assert_eq!(
        patch_me(
            &app,
            &session,
            &json!({"new_password": TEST_PASSWORD, "current_password": TEST_PASSWORD})
        )
        .await
        .status,
        200
    );
    let session = Session::from_tokens(
        &app.login("wachtwoord@example.nl", TEST_PASSWORD)
            .await
            .json(),
    );

    for _ in 0..3 {
        patch_me(&app, &session, &change("niet het wachtwoord"))
            .await
            .assert_problem(403, "current_password_incorrect");
    }
    // Over the limit: refused before the password is checked, even the right one.
    let throttled = patch_me(&app, &session, &change(TEST_PASSWORD)).await;
    throttled.assert_problem(429, "too_many_attempts");
    assert!(throttled.header("retry-after").is_some());
    // The limit is the account's: sign-in waits too, and the password did not change.
    app.login("wachtwoord@example.nl", TEST_PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL \
             AND user_id IN (SELECT id FROM users WHERE email = 'wachtwoord@example.nl')"
        ),
        1,
        "the password change would have ended every login"
    );
}

#[actix_web::test]
async fn an_idempotency_key_does_not_lift_the_body_limit() {
    let app = spawn_app().await;
    let session = app.register("groot@example.nl").await;
    // A route that reads no body at all: a key made the server read (and keep) up to 16 MiB
    // before it, whatever the route's own limit.
    let big = "x".repeat(100 * 1024);
    let response = app
        .request(Method::POST, "/v1/me/notifications/read-all")
        .bearer(&session.access_token)
        .header("idempotency-key", "groot-1")
        .raw("application/json", big.clone())
        .await;
    response.assert_problem(413, "payload_too_large");
    // A JSON route: the same answer with a key as without.
    for key in [Some("groot-2"), None] {
        let mut request = app
            .request(Method::POST, "/v1/me/consents")
            .bearer(&session.access_token);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request
            .raw("application/json", big.clone())
            .await
            .assert_problem(413, "payload_too_large");
    }

    // The CSV import keeps its own, larger limit with a key.
    let admin = app.admin().await;
    let mut csv = String::from(buurt_tests::NEIGHBOURHOOD_CSV_HEADER);
    while csv.len() < 100 * 1024 {
        csv.push_str("BU00000000,x,GM0000,x,0,0,,\n");
    }
    let import = app
        .request(Method::POST, "/v1/admin/neighbourhoods/import")
        .bearer(&admin.access_token)
        .header("idempotency-key", "import-1")
        .raw("text/csv", csv)
        .await;
    assert_ne!(import.status, 413, "{}", import.text());
}

/// Sends `head`, then `trickle` one byte at a time every 100 ms, and returns what the server
/// answered and how long until it closed the connection (or `None` if it did not within 10 s).
fn slow_client(port: u16, head: &str, trickle: &[u8]) -> (String, Option<Duration>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut sent = 0;
    while started.elapsed() < Duration::from_secs(10) {
        if sent < trickle.len() && stream.write_all(&trickle[sent..=sent]).is_ok() {
            sent += 1;
        }
        let mut buffer = [0u8; 4096];
        match stream.read(&mut buffer) {
            Ok(0) => {
                return (
                    String::from_utf8_lossy(&answer).into(),
                    Some(started.elapsed()),
                );
            }
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => {
                return (
                    String::from_utf8_lossy(&answer).into(),
                    Some(started.elapsed()),
                );
            }
        }
    }
    (String::from_utf8_lossy(&answer).into(), None)
}

#[actix_web::test]
async fn slow_clients_are_timed_out() {
    let app = spawn_app_with(|config| {
        config.header_timeout_ms = 1000;
        config.body_timeout_ms = 1000;
    })
    .await;
    let port = app.port;

    // A body one byte at a time: 408 once the body's time is up, and the connection closes.
    let body = std::thread::spawn(move || {
        slow_client(
            port,
            "POST /v1/auth/login HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n\
             content-length: 400\r\n\r\n",
            &[b' '; 400],
        )
    });
    // Headers one byte at a time: the head's time runs out.
    let head = std::thread::spawn(move || {
        slow_client(
            port,
            "GET /health/live HTTP/1.1\r\nhost: localhost\r\n",
            "x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".as_bytes(),
        )
    });
    // Many slow bodies at once do not keep others out.
    let crowd: Vec<_> = (0..40)
        .map(|_| {
            std::thread::spawn(move || {
                slow_client(
                    port,
                    "POST /v1/auth/register HTTP/1.1\r\nhost: localhost\r\n\
                     content-type: application/json\r\ncontent-length: 1000\r\n\r\n",
                    &[b' '; 1000],
                )
            })
        })
        .collect();
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    assert_eq!(app.get("/health/live").await.status, 200);
    assert!(started.elapsed() < Duration::from_secs(1));

    let (answer, closed) = body.join().unwrap();
    let closed = closed.expect("the slow body's connection was closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(closed < Duration::from_secs(4), "{closed:?}");

    let (answer, closed) = head.join().unwrap();
    let closed = closed.expect("the slow head's connection was closed");
    assert!(closed < Duration::from_secs(4), "{closed:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");

    for client in crowd {
        let (_, closed) = client.join().unwrap();
        assert!(
            closed.is_some_and(|closed| closed < Duration::from_secs(4)),
            "{closed:?}"
        );
    }
}

#[actix_web::test]
async fn searches_are_bounded_in_length_and_words() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let id = app
        .create_neighbourhood(&admin, "BU03630009", "Zoekwijk", &["3512"])
        .await;
    let search = |q: String| {
        let encoded: String = q
            .bytes()
            .map(|byte| match byte {
                b'a'..=b'z' => char::from(byte).to_string(),
                _ => format!("%{byte:02X}"),
            })
            .collect();
        let path = format!("/v1/neighbourhoods/{id}/posts?q={encoded}");
        let app = &app;
        async move { app.get(&path).await }
    };
    assert_eq!(search("fiets ".repeat(8)).await.status, 200);
    let words = search("fiets ".repeat(9)).await;
    let problem = words.assert_problem(400, "invalid_query");
    assert_eq!(problem["errors"][0]["field"], "q");
    let long = search("f".repeat(201)).await;
    let problem = long.assert_problem(400, "invalid_query");
    assert_eq!(problem["errors"][0]["field"], "q");
    assert_eq!(search("é".repeat(200)).await.status, 200);
}

#[actix_web::test]
async fn an_unreachable_database_is_reported_fast_and_recovers() {
    let app = spawn_app().await;
    assert_eq!(app.get("/health/ready").await.status, 200);

    app.database.take_offline();
    app.wait_for_status("/health/ready", 503, Duration::from_secs(20))
        .await;
    // Known to be down: every answer comes at once.
    for _ in 0..10 {
        let started = Instant::now();
        app.get("/health/ready")
            .await
            .assert_problem(503, "database_unavailable");
        let ready = started.elapsed();
        let started = Instant::now();
        let login = app.login("weg@example.nl", "whatever-really").await;
        let elapsed = started.elapsed();
        login.assert_problem(503, "database_unavailable");
        assert!(ready < Duration::from_millis(800), "{ready:?}");
        assert!(elapsed < Duration::from_millis(800), "{elapsed:?}");
    }

    app.database.bring_online();
    let response = app
        .wait_for_status("/health/ready", 200, Duration::from_secs(30))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    app.register("terug@example.nl").await;
}
