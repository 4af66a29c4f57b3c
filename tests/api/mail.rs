//! E-mail over a real SMTP conversation (the sink in `buurt_tests::smtp`), the account's life
//! cycle (password reset, verification), notices by e-mail with one-click unsubscribe, the
//! notification settings, quiet hours, retries, several nodes and restarts.

use std::time::{Duration, Instant};

use actix_web::http::Method;
use buurt_tests::smtp::{ReceivedMail, SmtpSink};
use buurt_tests::{Session, TEST_PASSWORD, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PUBLIC_URL: &str = "https://buurt.test";
const WAIT: Duration = Duration::from_secs(20);

async fn mail_app(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(move |config| {
        config.smtp_url = Some(url);
        config.mail_from = "Buurt <noreply@buurt.test>".into();
        config.public_url = PUBLIC_URL.into();
        config.delivery_poll_ms = 50;
        config.delivery_retry_base_ms = 200;
    })
    .await
}

/// The mails to `to` whose subject contains `subject`.
fn mails_to<'a>(mails: &'a [ReceivedMail], to: &str, subject: &str) -> Vec<&'a ReceivedMail> {
    mails
        .iter()
        .filter(|m| m.to == [to.to_owned()])
        .filter(|m| m.header("subject").is_some_and(|s| s.contains(subject)))
        .collect()
}

/// Waits until a mail to `to` with `subject` in its subject has arrived.
async fn wait_for_mail(sink: &SmtpSink, to: &str, subject: &str) -> ReceivedMail {
    let deadline = Instant::now() + WAIT;
    loop {
        let mails = sink.received();
        if let Some(mail) = mails_to(&mails, to, subject).first() {
            return (*mail).clone();
        }
        assert!(
            Instant::now() < deadline,
            "no mail to {to} about {subject:?}: {mails:#?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The token of the link to `path` in the mail's plain text.
fn link_token(mail: &ReceivedMail, path: &str) -> String {
    let text = mail.part("text/plain").expect("a plain-text part");
    let prefix = format!("{PUBLIC_URL}{path}?token=");
    let start = text
        .find(&prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_by_mail_and_every_old_login_ends() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let anna = app.register("anna@example.nl").await;
    let second_login = buurt_tests::Session::from_tokens(
        &app.login("anna@example.nl", TEST_PASSWORD).await.json(),
    );
    // She reads English.
    let changed = app
        .request(Method::PATCH, "/v1/me")
        .bearer(&anna.access_token)
        .json(&json!({"languages": ["en"]}))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());

    // Known and unknown addresses get the same answer, after the same time.
    let mut answers = Vec::new();
    for email in ["Anna@Example.nl", "nobody@example.nl"] {
        let started = Instant::now();
        let answer = app
            .post("/v1/auth/password-reset", &json!({"email": email}))
            .await;
        assert!(started.elapsed() >= Duration::from_millis(400), "{email}");
        assert_eq!(answer.status, 202, "{}", answer.text());
        answers.push(answer.body);
    }
    assert_eq!(answers[0], answers[1]);
    app.post(
        "/v1/auth/password-reset",
        &json!({"email": "not an address"}),
    )
    .await
    .assert_problem(422, "validation_failed");

    let mail = wait_for_mail(&sink, "anna@example.nl", "Reset your Buurt password").await;
    assert_eq!(mail.from, "noreply@buurt.test");
    assert_eq!(mail.header("content-language").as_deref(), Some("en"));
    assert!(mail.header("from").unwrap().contains("noreply@buurt.test"));
    // A personal message has no unsubscribe link.
    assert_eq!(mail.header("list-unsubscribe"), None);
    let html = mail.part("text/html").expect("an HTML part");
    assert!(html.contains("Choose a new password"), "{html}");
    let token = link_token(&mail, "/reset-password");
    assert!(html.contains(&token), "{html}");

    // Bad input changes nothing.
    app.post(
        "/v1/auth/password-reset/confirm",
        &json!({"token": token, "new_password": "short"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        "/v1/auth/password-reset/confirm",
        &json!({"token": "0".repeat(64), "new_password": "a brand new password"}),
    )
    .await
    .assert_problem(400, "reset_token_invalid");
    assert_eq!(
        app.login("anna@example.nl", TEST_PASSWORD).await.status,
        200
    );

    let confirmed = app
        .post(
            "/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "a brand new password"}),
        )
        .await;
    assert_eq!(confirmed.status, 204, "{}", confirmed.text());
    // Every old login and access token is dead; the old password too.
    for session in [&anna, &second_login] {
        app.refresh(&session.refresh_token)
            .await
            .assert_problem(401, "invalid_refresh_token");
        assert_eq!(app.get_as(session, "/v1/me").await.status, 401);
    }
    assert_eq!(
        app.login("anna@example.nl", TEST_PASSWORD).await.status,
        401
    );
    let signed_in = app.login("anna@example.nl", "a brand new password").await;
    assert_eq!(signed_in.status, 200);
    // The link reached her: the address is verified by the way.
    assert_eq!(signed_in.json()["user"]["email_verified"], true);
    // The link works once.
    app.post(
        "/v1/auth/password-reset/confirm",
        &json!({"token": token, "new_password": "yet another password"}),
    )
    .await
    .assert_problem(400, "reset_token_invalid");
    // Nothing went to the unknown address; anna got the verification and the reset mail.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let mails = sink.received();
    assert!(
        mails.iter().all(|m| m.to == ["anna@example.nl".to_owned()]),
        "{mails:#?}"
    );
    assert_eq!(mails.len(), 2, "{mails:#?}");
}

#[actix_web::test]
async fn a_reset_link_expires_after_an_hour() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    app.register("bert@example.nl").await;
    app.post(
        "/v1/auth/password-reset",
        &json!({"email": "bert@example.nl"}),
    )
    .await;
    let mail = wait_for_mail(&sink, "bert@example.nl", "wachtwoord").await;
    let token = link_token(&mail, "/reset-password");
    // An hour and a minute later.
    app.sql(if app.database.is_postgres() {
        "UPDATE account_tokens SET expires_at = expires_at - INTERVAL '61 minutes'"
    } else {
        "UPDATE account_tokens SET expires_at = datetime(expires_at, '-61 minutes')"
    });
    app.post(
        "/v1/auth/password-reset/confirm",
        &json!({"token": token, "new_password": "a brand new password"}),
    )
    .await
    .assert_problem(400, "reset_token_invalid");
    assert_eq!(
        app.login("bert@example.nl", TEST_PASSWORD).await.status,
        200
    );
}

#[actix_web::test]
async fn registration_sends_a_verification_link_that_works_once() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let cor = app.register("cor@example.nl").await;
    let mail = wait_for_mail(&sink, "cor@example.nl", "Bevestig uw e-mailadres").await;
    // Dutch unless the profile says otherwise.
    assert_eq!(mail.header("content-language").as_deref(), Some("nl"));
    assert!(
        mail.part("text/html")
            .unwrap()
            .contains("Bevestig mijn e-mailadres")
    );
    let token = link_token(&mail, "/verify-email");

    // One was just sent: asking again now is refused, with the wait.
    let again = app
        .request(Method::POST, "/v1/me/email-verification")
        .bearer(&cor.access_token)
        .send()
        .await;
    again.assert_problem(429, "verification_resend_too_soon");
    assert!(again.header("retry-after").is_some());
    assert_eq!(
        app.request(Method::POST, "/v1/me/email-verification")
            .send()
            .await
            .status,
        401
    );

    app.post("/v1/auth/verify-email", &json!({"token": "nonsense"}))
        .await
        .assert_problem(400, "verification_token_invalid");
    assert_eq!(
        app.get_as(&cor, "/v1/me").await.json()["email_verified"],
        false
    );
    let verified = app
        .post("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(verified.status, 204, "{}", verified.text());
    assert_eq!(
        app.get_as(&cor, "/v1/me").await.json()["email_verified"],
        true
    );
    app.post("/v1/auth/verify-email", &json!({"token": token}))
        .await
        .assert_problem(400, "verification_token_invalid");
    app.request(Method::POST, "/v1/me/email-verification")
        .bearer(&cor.access_token)
        .send()
        .await
        .assert_problem(409, "email_already_verified");
}

#[actix_web::test]
async fn a_resend_after_the_pause_sends_a_new_link() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let dirk = app.register("dirk@example.nl").await;
    wait_for_mail(&sink, "dirk@example.nl", "Bevestig").await;
    // Six minutes later.
    app.sql(if app.database.is_postgres() {
        "UPDATE deliveries SET created_at = created_at - INTERVAL '6 minutes'"
    } else {
        "UPDATE deliveries SET created_at = datetime(created_at, '-6 minutes')"
    });
    let again = app
        .request(Method::POST, "/v1/me/email-verification")
        .bearer(&dirk.access_token)
        .send()
        .await;
    assert_eq!(again.status, 202, "{}", again.text());
    let deadline = Instant::now() + WAIT;
    while mails_to(&sink.received(), "dirk@example.nl", "Bevestig").len() < 2 {
        assert!(Instant::now() < deadline, "no second verification mail");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let mails = sink.received();
    let tokens: Vec<String> = mails_to(&mails, "dirk@example.nl", "Bevestig")
        .into_iter()
        .map(|m| link_token(m, "/verify-email"))
        .collect();
    assert_ne!(tokens[0], tokens[1]);
    // Either link works (once).
    let verified = app
        .post("/v1/auth/verify-email", &json!({"token": tokens[1]}))
        .await;
    assert_eq!(verified.status, 204);
}

#[actix_web::test]
async fn without_mail_the_server_runs_and_says_so() {
    let app = spawn_app().await;
    let eva = app.register("eva@example.nl").await;
    app.post(
        "/v1/auth/password-reset",
        &json!({"email": "eva@example.nl"}),
    )
    .await
    .assert_problem(503, "email_not_configured");
    app.request(Method::POST, "/v1/me/email-verification")
        .bearer(&eva.access_token)
        .send()
        .await
        .assert_problem(503, "email_not_configured");
}

#[actix_web::test]
async fn a_mail_dir_gets_eml_files() {
    let dir = std::env::temp_dir().join(format!("buurt-mail-{}", uuid::Uuid::new_v4().simple()));
    let path = dir.clone();
    let app = spawn_app_with(move |config| {
        config.mail_dir = Some(path);
        config.delivery_poll_ms = 50;
    })
    .await;
    app.register("fien@example.nl").await;
    let deadline = Instant::now() + WAIT;
    let file = loop {
        let found = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|e| e == "eml"))
            })
            .ok()
            .flatten();
        if let Some(file) = found {
            break file;
        }
        assert!(Instant::now() < deadline, "no .eml in {}", dir.display());
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("fien@example.nl"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

struct World {
    app: TestApp,
    neighbourhood: String,
    requester: Session,
    helpers: Vec<Session>,
    request: String,
}

async fn world(sink: &SmtpSink) -> World {
    let app = mail_app(sink).await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let requester = app
        .member(&admin, &neighbourhood, "vrager@example.nl", "resident")
        .await;
    let mut helpers = Vec::new();
    for email in ["helper1@example.nl", "helper2@example.nl"] {
        helpers.push(app.member(&admin, &neighbourhood, email, "resident").await);
    }
    // Unverified, they may read but not post or offer help.
    let refused = app
        .post_as(
            &requester,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "news", "title": "Hallo", "body": "Hallo buren."}),
        )
        .await;
    refused.assert_problem(403, "email_not_verified");
    assert_eq!(
        app.get_as(
            &requester,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts")
        )
        .await
        .status,
        200
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM posts"), 0);
    app.sql("UPDATE users SET email_verified = TRUE");
    let response = app
        .post_as(
            &requester,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": "Boodschappen doen", "body": "Elke dinsdag.",
                    "category": "help", "helpers_needed": 2}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let request = response.json()["id"].as_str().unwrap().to_owned();
    World {
        app,
        neighbourhood,
        requester,
        helpers,
        request,
    }
}

impl World {
    async fn offer(&self, helper: usize) {
        let response = self
            .app
            .post_as(
                &self.helpers[helper],
                &format!("/v1/posts/{}/matches", self.request),
                &json!({"message": "Ik help graag"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
    }

    fn deliveries(&self, user: &Session, channel: &str, kind: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{}' AND channel = '{channel}' \
             AND kind = '{kind}'",
            user.user_id
        ))
    }
}

#[actix_web::test]
async fn an_offer_of_help_is_mailed_and_one_click_unsubscribes() {
    let sink = SmtpSink::start();
    let w = world(&sink).await;
    w.offer(0).await;
    let mail = wait_for_mail(&sink, "vrager@example.nl", "Een buurtgenoot kan helpen").await;
    assert!(
        mail.header("subject")
            .unwrap()
            .contains("Boodschappen doen")
    );
    assert!(
        mail.part("text/plain")
            .unwrap()
            .contains(&format!("{PUBLIC_URL}/posts/{}", w.request))
    );
    // Bulk mail: RFC 2369 and RFC 8058 headers.
    assert_eq!(
        mail.header("list-unsubscribe-post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe = mail.header("list-unsubscribe").expect("List-Unsubscribe");
    let url = unsubscribe
        .trim_matches(|c| c == '<' || c == '>')
        .replace(' ', "");
    let path = url
        .strip_prefix(PUBLIC_URL)
        .expect("a link to this server")
        .to_owned();
    assert!(mail.part("text/html").unwrap().contains("Afmelden"));

    // A forged link changes nothing.
    let forged = path.replace("match_proposed", "match_accepted");
    w.app
        .request(Method::POST, &forged)
        .raw(
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await
        .assert_problem(400, "unsubscribe_token_invalid");
    // Opened in a browser (or by a link checker): a page with a button, nothing changed yet.
    let page = w.app.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().contains("method=\"post\""), "{}", page.text());
    assert_eq!(w.deliveries(&w.requester, "email", "match_proposed"), 1);
    let unchanged = w
        .app
        .get_as(&w.requester, "/v1/me/notification-settings")
        .await
        .json();
    assert!(unchanged["channels"].as_array().unwrap().contains(&json!(
        {"kind": "match_proposed", "push": true, "email": true}
    )));
    w.app
        .get(&forged)
        .await
        .assert_problem(400, "unsubscribe_token_invalid");
    // The mail client's one-click POST, without a login.
    let done = w
        .app
        .request(Method::POST, &path)
        .raw(
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text());
    let settings = w
        .app
        .get_as(&w.requester, "/v1/me/notification-settings")
        .await
        .json();
    let proposed = settings["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "match_proposed")
        .unwrap()
        .clone();
    assert_eq!(
        proposed,
        json!({"kind": "match_proposed", "push": true, "email": false})
    );

    // The next offer reaches the inbox (and push), not the mailbox.
    w.offer(1).await;
    assert_eq!(w.deliveries(&w.requester, "email", "match_proposed"), 1);
    assert_eq!(w.deliveries(&w.requester, "push", "match_proposed"), 2);
    let inbox = w
        .app
        .get_as(&w.requester, "/v1/me/notifications?unread=true")
        .await
        .json();
    assert_eq!(inbox["unread_count"], 2);
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        mails_to(&sink.received(), "vrager@example.nl", "Een buurtgenoot").len(),
        1
    );
}

#[actix_web::test]
async fn preferences_switch_channels_off_and_on() {
    let sink = SmtpSink::start();
    let w = world(&sink).await;
    // Push off, e-mail on for messages in a match; both off for offers.
    let changed = w
        .app
        .put_as(
            &w.requester,
            "/v1/me/notification-settings",
            &json!({"channels": [
                {"kind": "match_proposed", "push": false, "email": false},
            ]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    w.offer(0).await;
    assert_eq!(w.deliveries(&w.requester, "email", "match_proposed"), 0);
    assert_eq!(w.deliveries(&w.requester, "push", "match_proposed"), 0);
    // The inbox has it regardless.
    let inbox = w
        .app
        .get_as(&w.requester, "/v1/me/notifications")
        .await
        .json();
    assert_eq!(inbox["unread_count"], 1);
    // On again: the next one goes out on both.
    let changed = w
        .app
        .put_as(
            &w.requester,
            "/v1/me/notification-settings",
            &json!({"channels": [{"kind": "match_proposed", "push": true, "email": true}]}),
        )
        .await;
    assert_eq!(changed.status, 200);
    w.offer(1).await;
    assert_eq!(w.deliveries(&w.requester, "email", "match_proposed"), 1);
    assert_eq!(w.deliveries(&w.requester, "push", "match_proposed"), 1);
    wait_for_mail(&sink, "vrager@example.nl", "Een buurtgenoot kan helpen").await;
}

/// `HH:MM` of UTC now plus `offset` minutes (Amsterdam is UTC+1 or UTC+2: the quiet hours
/// below span both).
fn utc_minutes_from_now(offset: i64) -> String {
    use chrono::{Timelike, Utc};
    let now = Utc::now() + chrono::Duration::minutes(offset);
    format!("{:02}:{:02}", now.hour(), now.minute())
}

#[actix_web::test]
async fn quiet_hours_defer_push_but_not_email() {
    let sink = SmtpSink::start();
    let w = world(&sink).await;
    // Quiet from (UTC now - 1 h) to (UTC now + 4 h): Amsterdam's now (UTC+1 or +2) lies inside.
    let (start, end) = (utc_minutes_from_now(-60), utc_minutes_from_now(240));
    let changed = w
        .app
        .put_as(
            &w.requester,
            "/v1/me/notification-settings",
            &json!({"quiet_hours": {"start": start, "end": end}}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(
        changed.json()["quiet_hours"],
        json!({"start": start, "end": end})
    );
    w.offer(0).await;
    // The push waits about two to three hours (until `end`, Amsterdam time); the mail does not.
    let waits = w.app.count(&format!(
        "SELECT COUNT(*) FROM deliveries WHERE user_id = '{}' AND channel = 'push' \
         AND status = 'pending' AND next_attempt_at > {}",
        w.requester.user_id,
        if w.app.database.is_postgres() {
            "NOW() AT TIME ZONE 'UTC' + INTERVAL '100 minutes'"
        } else {
            "datetime('now', '+100 minutes')"
        }
    ));
    assert_eq!(waits, 1);
    wait_for_mail(&sink, "vrager@example.nl", "Een buurtgenoot kan helpen").await;

    // Without quiet hours push is due at once.
    let changed = w
        .app
        .put_as(
            &w.helpers[0],
            "/v1/me/notification-settings",
            &json!({"quiet_hours": null}),
        )
        .await;
    assert_eq!(changed.json()["quiet_hours"], Value::Null);
}

#[actix_web::test]
async fn notification_settings_have_defaults_and_refuse_bad_input() {
    let app = spawn_app().await;
    let gijs = app.register("gijs@example.nl").await;
    assert_eq!(app.get("/v1/me/notification-settings").await.status, 401);
    let defaults = app.get_as(&gijs, "/v1/me/notification-settings").await;
    assert_eq!(defaults.status, 200);
    let defaults = defaults.json();
    assert_eq!(
        defaults["quiet_hours"],
        json!({"start": "22:00", "end": "07:00"})
    );
    assert_eq!(defaults["digest"], "weekly");
    let channels = defaults["channels"].as_array().unwrap();
    // One choice per kind of notification there is.
    assert_eq!(
        channels.len(),
        buurt_domain::notifications::NotificationKind::ALL.len()
    );
    assert!(channels.contains(&json!({"kind": "match_proposed", "push": true, "email": true})));
    assert!(channels.contains(&json!({"kind": "match_message", "push": true, "email": false})));

    let changed = app
        .put_as(
            &gijs,
            "/v1/me/notification-settings",
            &json!({"quiet_hours": {"start": "23:30", "end": "06:15"}, "digest": "daily",
                    "channels": [{"kind": "match_message", "push": false, "email": true}]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let changed = changed.json();
    assert_eq!(
        changed["quiet_hours"],
        json!({"start": "23:30", "end": "06:15"})
    );
    assert_eq!(changed["digest"], "daily");
    assert!(changed["channels"].as_array().unwrap().contains(&json!(
        {"kind": "match_message", "push": false, "email": true}
    )));
    assert_eq!(
        app.get_as(&gijs, "/v1/me/notification-settings")
            .await
            .json(),
        changed
    );

    for bad in [
        json!({"quiet_hours": {"start": "24:00", "end": "07:00"}}),
        json!({"quiet_hours": {"start": "7:00", "end": "07:00"}}),
        json!({"channels": [{"kind": "no_such_kind", "push": true, "email": true}]}),
        json!({"digest": "hourly"}),
        json!({"digest": "daily", "surprise": 1}),
        json!({"channels": [{"kind": "match_message", "push": "yes", "email": true}]}),
    ] {
        let response = app
            .put_as(&gijs, "/v1/me/notification-settings", &bad)
            .await;
        assert!(
            [400, 422].contains(&response.status.as_u16()),
            "{bad}: {}",
            response.text()
        );
    }
    assert_eq!(
        app.get_as(&gijs, "/v1/me/notification-settings")
            .await
            .json(),
        changed
    );
    // Quiet hours off.
    let off = app
        .put_as(
            &gijs,
            "/v1/me/notification-settings",
            &json!({"quiet_hours": null}),
        )
        .await
        .json();
    assert_eq!(off["quiet_hours"], Value::Null);
    assert_eq!(off["digest"], "daily");
}

#[actix_web::test]
async fn a_refused_mail_is_tried_again() {
    let sink = SmtpSink::start();
    sink.refuse_next(2);
    let app = mail_app(&sink).await;
    let hans = app.register("hans@example.nl").await;
    let mail = wait_for_mail(&sink, "hans@example.nl", "Bevestig").await;
    assert!(!link_token(&mail, "/verify-email").is_empty());
    let row = app.count(&format!(
        "SELECT COUNT(*) FROM deliveries WHERE user_id = '{}' AND status = 'sent' AND attempts = 3",
        hans.user_id
    ));
    // Recorded right after the send; give it a moment.
    let deadline = Instant::now() + WAIT;
    let mut sent = row;
    while sent != 1 && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        sent = app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{}' AND status = 'sent' \
             AND attempts = 3",
            hans.user_id
        ));
    }
    assert_eq!(sent, 1);
    assert_eq!(sink.received().len(), 1);
}

#[actix_web::test]
async fn mail_left_by_a_node_without_a_worker_or_with_a_dead_claim_is_sent_once() {
    let sink = SmtpSink::start();
    // A node that queues but does not send (its worker off), stopped with the mail pending.
    let url = sink.url();
    let app = spawn_app_with(move |config| {
        config.smtp_url = Some(url);
        config.public_url = PUBLIC_URL.into();
    })
    .await;
    for index in 0..5 {
        app.register(&format!("ina{index}@example.nl")).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'"),
        5
    );
    // A worker that died holding a claim: its lease runs out, then the message is sent.
    app.sql(if app.database.is_postgres() {
        "UPDATE deliveries SET attempts = 1, next_attempt_at = NOW() AT TIME ZONE 'UTC' + INTERVAL '1 second' \
         WHERE id = (SELECT MIN(id) FROM deliveries)"
    } else {
        "UPDATE deliveries SET attempts = 1, next_attempt_at = datetime('now', '+1 second') \
         WHERE id = (SELECT MIN(id) FROM deliveries)"
    });
    let url = sink.url();
    let restarted = app.another_node(move |config| {
        config.smtp_url = Some(url);
        config.public_url = PUBLIC_URL.into();
        config.delivery_poll_ms = 50;
    });
    let mails = sink.wait_for(5, WAIT).await;
    assert_eq!(mails.len(), 5);
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.received().len(), 5, "a message was sent twice");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'"),
        5
    );
    drop(restarted);
}

#[actix_web::test]
async fn two_nodes_send_each_message_once() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let url = sink.url();
    let other = app.another_node(move |config| {
        config.smtp_url = Some(url);
        config.public_url = PUBLIC_URL.into();
        config.delivery_poll_ms = 10;
        config.registrations_per_client = 10_000;
    });
    let count = 12;
    for index in 0..count {
        // Half of them through each node.
        let node = if index % 2 == 0 { &app } else { &other };
        node.register(&format!("jan{index}@example.nl")).await;
    }
    let mails = sink.wait_for(count, WAIT).await;
    actix_web::rt::time::sleep(Duration::from_millis(1000)).await;
    let mails = if mails.len() == count {
        sink.received()
    } else {
        mails
    };
    let mut to: Vec<String> = mails.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), count, "{to:?}");
    assert_eq!(mails.len(), count, "a message was sent twice");
    drop(other);
}

#[actix_web::test]
async fn polling_is_cheap_with_etags_and_unread_counts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let requester = app
        .member(&admin, &neighbourhood, "vrager@example.nl", "resident")
        .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    let request = app
        .post_as(
            &requester,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &json!({"kind": "request", "title": "Boodschappen doen", "body": "Elke dinsdag.",
                    "category": "help"}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = app
        .get_as(&requester, "/v1/me/notifications?unread=true")
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["unread_count"], 0);
    let tag = first.header("etag").expect("an ETag");
    let unchanged = app
        .request(Method::GET, "/v1/me/notifications?unread=true")
        .bearer(&requester.access_token)
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());

    let offered = app
        .post_as(
            &helper,
            &format!("/v1/posts/{request}/matches"),
            &json!({"message": "Ik help graag"}),
        )
        .await;
    assert_eq!(offered.status, 201, "{}", offered.text());
    let match_id = offered.json()["id"].as_str().unwrap().to_owned();
    let changed = app
        .request(Method::GET, "/v1/me/notifications?unread=true")
        .bearer(&requester.access_token)
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["unread_count"], 1);
    assert_eq!(changed.json()["items"][0]["kind"], "match_proposed");

    // Two messages from the requester: the helper has two unread in that match.
    for body in ["Dank je!", "Tot dinsdag"] {
        let sent = app
            .post_as(
                &requester,
                &format!("/v1/matches/{match_id}/messages"),
                &json!({"body": body}),
            )
            .await;
        assert_eq!(sent.status, 201, "{}", sent.text());
    }
    let mine = app.get_as(&helper, "/v1/me/matches").await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.json()["items"][0]["unread_count"], 2);
    assert_eq!(
        app.get_as(&requester, "/v1/me/matches").await.json()["items"][0]["unread_count"],
        0
    );
    // The thread answers 304 until something new is written.
    let thread = app
        .get_as(&helper, &format!("/v1/matches/{match_id}/messages"))
        .await;
    let tag = thread.header("etag").expect("an ETag");
    let again = app
        .request(Method::GET, &format!("/v1/matches/{match_id}/messages"))
        .bearer(&helper.access_token)
        .header("if-none-match", &tag)
        .send()
        .await;
    assert_eq!(again.status, 304);
    // Reading the notices clears the count.
    let read = app
        .post_as(&helper, "/v1/me/notifications/read-all", &json!({}))
        .await;
    assert!(read.status.is_success(), "{}", read.text());
    assert_eq!(
        app.get_as(&helper, "/v1/me/matches").await.json()["items"][0]["unread_count"],
        0
    );
}

#[actix_web::test]
async fn the_newsletter_is_a_page_and_a_mail_ranked_for_its_reader() {
    use chrono::Utc;
    let sink = SmtpSink::start();
    let w = world(&sink).await;
    let neighbourhood = w.neighbourhood.clone();
    // A newer request for goods, an activity, and news.
    for body in [
        json!({"kind": "request", "title": "Ladder lenen", "body": "Voor de dakgoot.",
               "category": "goods"}),
        json!({"kind": "activity", "title": "Buurtbarbecue", "body": "Kom ook!",
               "activity": {"starts_at": (Utc::now() + chrono::Duration::days(2)).to_rfc3339(),
                            "ends_at": (Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(2)).to_rfc3339(),
                            "location": "Buurthuis"}}),
        json!({"kind": "news", "title": "Nieuwe bankjes", "body": "In het park."}),
    ] {
        let posted = w
            .app
            .post_as(
                &w.requester,
                &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
                &body,
            )
            .await;
        assert_eq!(posted.status, 201, "{}", posted.text());
    }

    // The page, as JSON (no login needed).
    let digest = w
        .app
        .get(&format!("/v1/neighbourhoods/{neighbourhood}/digest"))
        .await;
    assert_eq!(digest.status, 200, "{}", digest.text());
    let digest = digest.json();
    let titles = |section: &str| -> Vec<String> {
        digest[section]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles("open_requests"),
        ["Ladder lenen", "Boodschappen doen"]
    );
    assert_eq!(titles("new_activities"), ["Buurtbarbecue"]);
    assert_eq!(titles("news"), ["Nieuwe bankjes"]);
    assert_eq!(digest["solved_by_neighbours"], 0);
    let week = digest["week"].as_str().unwrap().to_owned();
    let same = w
        .app
        .get(&format!(
            "/v1/neighbourhoods/{neighbourhood}/digest?week={week}"
        ))
        .await
        .json();
    assert_eq!(same, digest);
    // As a page, in Dutch.
    let page = w
        .app
        .request(
            Method::GET,
            &format!("/v1/neighbourhoods/{neighbourhood}/digest"),
        )
        .header("accept", "text/html")
        .header("accept-language", "nl")
        .send()
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.text().contains("Buren die hulp vragen"),
        "{}",
        page.text()
    );
    assert!(page.text().contains("Buurtbarbecue"));
    // Bad weeks and unknown neighbourhoods.
    for bad in ["2026-49", "2026-W60", "x"] {
        w.app
            .get(&format!(
                "/v1/neighbourhoods/{neighbourhood}/digest?week={bad}"
            ))
            .await
            .assert_problem(400, "invalid_query");
    }
    w.app
        .get(&format!(
            "/v1/neighbourhoods/{}/digest",
            uuid::Uuid::new_v4()
        ))
        .await
        .assert_problem(404, "not_found");

    // The mail: helper 1 helps (skills), helper 2 wants it daily.
    let patched = w
        .app
        .request(Method::PATCH, "/v1/me")
        .bearer(&w.helpers[0].access_token)
        .json(&json!({"skills": ["help"]}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let daily = w
        .app
        .put_as(
            &w.helpers[1],
            "/v1/me/notification-settings",
            &json!({"digest": "daily"}),
        )
        .await;
    assert_eq!(daily.status, 200);
    let mut config = buurt_api::Config::with_database_url(w.app.database.url());
    config.smtp_url = Some(sink.url());
    // Everything was posted last week; this week's run sends last week's newsletter (and
    // leaves the requests with the neighbours: no escalation yet).
    w.app
        .sql("UPDATE neighbourhoods SET escalate_after_days = 30");
    w.app.sql(if w.app.database.is_postgres() {
        "UPDATE posts SET created_at = created_at - INTERVAL '7 days'"
    } else {
        "UPDATE posts SET created_at = datetime(created_at, '-7 days')"
    });
    // The first request an hour older than the second, whatever the clock's precision.
    w.app.sql(if w.app.database.is_postgres() {
        "UPDATE posts SET created_at = created_at - INTERVAL '1 hour' \
         WHERE title = 'Boodschappen doen'"
    } else {
        "UPDATE posts SET created_at = datetime(created_at, '-1 hour') \
         WHERE title = 'Boodschappen doen'"
    });
    let report = buurt_api::cli::commands::run_jobs(&config, Utc::now()).expect("the jobs run");
    assert_eq!(report.digests_queued, 3);
    let again = buurt_api::cli::commands::run_jobs(&config, Utc::now()).expect("the jobs run");
    assert_eq!(again.digests_queued, 0);

    let subject = "Deze week in Kop";
    let helps = wait_for_mail(&sink, "helper1@example.nl", subject).await;
    let text = helps.part("text/plain").unwrap();
    let position = |title: &str| {
        text.find(title)
            .unwrap_or_else(|| panic!("{title} in {text}"))
    };
    // Requests that fit the reader's skills first.
    assert!(
        position("Boodschappen doen") < position("Ladder lenen"),
        "{text}"
    );
    assert!(
        text.contains("Buurtbarbecue") && text.contains("Nieuwe bankjes"),
        "{text}"
    );
    let other = wait_for_mail(&sink, "helper2@example.nl", subject).await;
    let text = other.part("text/plain").unwrap();
    assert!(text.find("Ladder lenen").unwrap() < text.find("Boodschappen doen").unwrap());
    // Bulk mail: one click stops it.
    assert_eq!(
        other.header("list-unsubscribe-post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    let url = other
        .header("list-unsubscribe")
        .unwrap()
        .replace([' ', '<', '>'], "");
    let path = url.strip_prefix(PUBLIC_URL).unwrap().to_owned();
    let done = w
        .app
        .request(Method::POST, &path)
        .raw(
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(done.status, 200);
    let settings = w
        .app
        .get_as(&w.helpers[1], "/v1/me/notification-settings")
        .await
        .json();
    assert_eq!(settings["digest"], "never");
    wait_for_mail(&sink, "vrager@example.nl", subject).await;
}

/// `mail_app` on a clock the test sets and moves.
async fn mail_app_at(sink: &SmtpSink, clock: std::sync::Arc<buurt_tests::TestClock>) -> TestApp {
    let url = sink.url();
    spawn_app_with(move |config| {
        config.smtp_url = Some(url);
        config.mail_from = "Buurt <noreply@buurt.test>".into();
        config.public_url = PUBLIC_URL.into();
        config.delivery_poll_ms = 50;
        config.delivery_retry_base_ms = 200;
        config.clock = Some(clock);
    })
    .await
}

/// Waits until `count` mails to `to` with `subject` in their subject have arrived; returns
/// them all.
async fn wait_for_mails(
    sink: &SmtpSink,
    to: &str,
    subject: &str,
    count: usize,
) -> Vec<ReceivedMail> {
    let deadline = Instant::now() + WAIT;
    loop {
        let mails = sink.received();
        let found: Vec<ReceivedMail> = mails_to(&mails, to, subject).into_iter().cloned().collect();
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {count} mails to {to} about {subject:?}: {mails:#?}",
            found.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn change_email(app: &TestApp, session: &Session, body: &Value) -> buurt_tests::TestResponse {
    app.request(Method::POST, "/v1/me/email-change")
        .bearer(&session.access_token)
        .json(body)
        .await
}

/// The address changes only when the link sent to the new one is opened: single use, valid
/// 48 hours, asked for again only after five minutes; the old address is told, and links sent
/// to it before stop working. Who may not, and bad input, change nothing.
#[actix_web::test]
async fn an_address_changes_only_once_the_new_one_is_verified() {
    let sink = SmtpSink::start();
    let clock = buurt_tests::TestClock::at(chrono::Utc::now());
    let app = mail_app_at(&sink, clock.clone()).await;
    let anna = app.register("anna@example.nl").await;
    app.register("bert@example.nl").await;
    let first_verification =
        wait_for_mail(&sink, "anna@example.nl", "Bevestig uw e-mailadres").await;
    let old_verify_token = link_token(&first_verification, "/verify-email");
    let new_address = json!({"email": "Anna.Nieuw@Example.nl", "current_password": TEST_PASSWORD});

    // Who may not, and bad input: nothing changes, nothing is sent.
    assert_eq!(
        app.request(Method::POST, "/v1/me/email-change")
            .json(&new_address)
            .await
            .status,
        401
    );
    change_email(
        &app,
        &anna,
        &json!({"email": "anna.nieuw@example.nl", "current_password": "not the password"}),
    )
    .await
    .assert_problem(403, "current_password_incorrect");
    let problem = change_email(
        &app,
        &anna,
        &json!({"email": "no address", "current_password": ""}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert!(
        problem.to_string().contains("current_password"),
        "{problem}"
    );
    change_email(&app, &anna, &json!({"email": "anna.nieuw@example.nl"}))
        .await
        .assert_problem(422, "validation_failed");
    change_email(
        &app,
        &anna,
        &json!({"email": "anna.nieuw@example.nl", "current_password": TEST_PASSWORD, "x": 1}),
    )
    .await
    .assert_problem(422, "validation_failed");
    change_email(
        &app,
        &anna,
        &json!({"email": "ANNA@example.nl", "current_password": TEST_PASSWORD}),
    )
    .await
    .assert_problem(409, "email_unchanged");
    change_email(
        &app,
        &anna,
        &json!({"email": "bert@example.nl", "current_password": TEST_PASSWORD}),
    )
    .await
    .assert_problem(409, "email_taken");
    // PATCH /v1/me still does not take `email`.
    app.request(Method::PATCH, "/v1/me")
        .bearer(&anna.access_token)
        .json(&json!({"email": "anna.nieuw@example.nl"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE kind = 'change_email'"),
        0
    );

    // Asked for: the link goes to the new address; the account keeps the old one meanwhile.
    let asked = change_email(&app, &anna, &new_address).await;
    assert_eq!(asked.status, 202, "{}", asked.text());
    let again = change_email(&app, &anna, &new_address).await;
    again.assert_problem(429, "verification_resend_too_soon");
    assert!(again.header("retry-after").is_some());
    let mail = wait_for_mail(
        &sink,
        "anna.nieuw@example.nl",
        "Bevestig uw nieuwe e-mailadres",
    )
    .await;
    assert_eq!(mail.header("content-language").as_deref(), Some("nl"));
    assert!(
        mail.part("text/html")
            .unwrap()
            .contains("Bevestig mijn nieuwe e-mailadres")
    );
    assert_eq!(mail.header("list-unsubscribe"), None);
    let stale_token = link_token(&mail, "/verify-email");
    let me = app.get_as(&anna, "/v1/me").await.json();
    assert_eq!(me["email"], "anna@example.nl");
    assert_eq!(
        app.login("anna@example.nl", TEST_PASSWORD).await.status,
        200
    );

    // After 48 hours the link is dead; asking again (after the pause) sends a new one.
    clock.advance(chrono::Duration::hours(49));
    let anna = Session::from_tokens(&app.login("anna@example.nl", TEST_PASSWORD).await.json());
    app.post("/v1/auth/verify-email", &json!({"token": stale_token}))
        .await
        .assert_problem(400, "verification_token_invalid");
    assert_eq!(
        app.get_as(&anna, "/v1/me").await.json()["email"],
        "anna@example.nl"
    );
    let asked = change_email(&app, &anna, &new_address).await;
    assert_eq!(asked.status, 202, "{}", asked.text());
    let mails = wait_for_mails(&sink, "anna.nieuw@example.nl", "Bevestig uw nieuwe", 2).await;
    let token = link_token(&mails[1], "/verify-email");
    assert_ne!(token, stale_token);

    // Meanwhile a password-reset link went to the old address.
    let reset = app
        .post(
            "/v1/auth/password-reset",
            &json!({"email": "anna@example.nl"}),
        )
        .await;
    assert_eq!(reset.status, 202);
    let reset_mail = wait_for_mail(&sink, "anna@example.nl", "Stel uw Buurt-wachtwoord").await;
    let reset_token = link_token(&reset_mail, "/reset-password");

    // Opened: the new address is the account's, verified; once only.
    let verified = app
        .post("/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(verified.status, 204, "{}", verified.text());
    let me = app.get_as(&anna, "/v1/me").await.json();
    assert_eq!(me["email"], "anna.nieuw@example.nl");
    assert_eq!(me["email_verified"], true);
    app.post("/v1/auth/verify-email", &json!({"token": token}))
        .await
        .assert_problem(400, "verification_token_invalid");
    assert_eq!(
        app.login("anna.nieuw@example.nl", TEST_PASSWORD)
            .await
            .status,
        200
    );
    app.login("anna@example.nl", TEST_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    // The old address is told, and what was sent to it before no longer works.
    let told = wait_for_mail(&sink, "anna@example.nl", "is gewijzigd").await;
    let text = told.part("text/plain").unwrap();
    assert!(text.contains("anna.nieuw@example.nl"), "{text}");
    app.post(
        "/v1/auth/password-reset/confirm",
        &json!({"token": reset_token, "new_password": "een heel nieuw wachtwoord"}),
    )
    .await
    .assert_problem(400, "reset_token_invalid");
    app.post("/v1/auth/verify-email", &json!({"token": old_verify_token}))
        .await
        .assert_problem(400, "verification_token_invalid");
    assert_eq!(
        app.get_as(&anna, "/v1/me").await.json()["email"],
        "anna.nieuw@example.nl"
    );
    // The old address is free for someone else.
    app.register("anna@example.nl").await;
}

/// Two accounts racing for one new address: the link of whoever opens theirs second finds it
/// taken, and their account keeps its address.
#[actix_web::test]
async fn a_new_address_taken_meanwhile_is_refused_when_the_link_is_opened() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let cas = app.register("cas@example.nl").await;
    let dora = app.register("dora@example.nl").await;
    let target = json!({"email": "gedeeld@example.nl", "current_password": TEST_PASSWORD});
    for session in [&cas, &dora] {
        let asked = change_email(&app, session, &target).await;
        assert_eq!(asked.status, 202, "{}", asked.text());
    }
    let mails = wait_for_mails(&sink, "gedeeld@example.nl", "Bevestig uw nieuwe", 2).await;
    let tokens: Vec<String> = mails
        .iter()
        .map(|m| link_token(m, "/verify-email"))
        .collect();
    let bodies: Vec<Value> = tokens.iter().map(|token| json!({"token": token})).collect();
    let answers = futures_util::future::join_all(
        bodies
            .iter()
            .map(|body| app.post("/v1/auth/verify-email", body)),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409], "{answers:?}");
    let loser = answers.iter().find(|a| a.status == 409).unwrap();
    loser.assert_problem(409, "email_taken");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'gedeeld@example.nl'"),
        1
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE email IN ('cas@example.nl', 'dora@example.nl')"
        ),
        1
    );
}

/// The links in account e-mails lead to pages a resident can use without the app: a `GET`
/// shows a form and changes nothing; posting it does what the JSON endpoint does. With
/// `BUURT_APP_LINK_URL` the links lead to the app's link domain instead; one-click
/// unsubscribe stays on this server.
#[actix_web::test]
async fn the_links_in_mails_open_pages_that_work() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let els = app.register("els@example.nl").await;
    let mail = wait_for_mail(&sink, "els@example.nl", "Bevestig uw e-mailadres").await;
    let token = link_token(&mail, "/verify-email");

    // Opening the verification link shows a button; only pressing it verifies.
    let page = app
        .request(Method::GET, &format!("/verify-email?token={token}"))
        .header("accept-language", "en")
        .send()
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    assert!(page.header("content-security-policy").is_some());
    let html = page.text();
    assert!(html.contains("Confirm your e-mail address"), "{html}");
    assert!(html.contains(r#"action="/verify-email""#), "{html}");
    assert!(html.contains(&token), "{html}");
    assert_eq!(
        app.get_as(&els, "/v1/me").await.json()["email_verified"],
        false
    );
    let done = app
        .request(Method::POST, "/verify-email")
        .header("accept-language", "nl")
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={token}"),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert!(done.text().contains("bevestigd"), "{}", done.text());
    assert_eq!(
        app.get_as(&els, "/v1/me").await.json()["email_verified"],
        true
    );
    let again = app
        .request(Method::POST, "/verify-email")
        .header("accept-language", "nl")
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={token}"),
        )
        .await;
    assert_eq!(again.status, 400);
    assert!(again.text().contains("werkt niet meer"), "{}", again.text());
    assert_eq!(app.get("/verify-email").await.status, 400);

    // The reset link: a form for the new password.
    let asked = app
        .post(
            "/v1/auth/password-reset",
            &json!({"email": "els@example.nl"}),
        )
        .await;
    assert_eq!(asked.status, 202);
    let mail = wait_for_mail(&sink, "els@example.nl", "Stel uw Buurt-wachtwoord").await;
    let token = link_token(&mail, "/reset-password");
    let page = app.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains(r#"name="new_password""#), "{html}");
    assert!(html.contains(r#"action="/reset-password""#), "{html}");
    // Too short: the form again, nothing changed.
    let short = app
        .request(Method::POST, "/reset-password")
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={token}&new_password=kort"),
        )
        .await;
    assert_eq!(short.status, 422, "{}", short.text());
    assert!(short.text().contains(r#"name="new_password""#));
    assert_eq!(app.login("els@example.nl", TEST_PASSWORD).await.status, 200);
    let saved = app
        .request(Method::POST, "/reset-password")
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={token}&new_password=een+heel+nieuw+wachtwoord"),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    app.refresh(&els.refresh_token)
        .await
        .assert_problem(401, "invalid_refresh_token");
    assert_eq!(
        app.login("els@example.nl", "een heel nieuw wachtwoord")
            .await
            .status,
        200
    );
    let reused = app
        .request(Method::POST, "/reset-password")
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={token}&new_password=nog+een+ander+wachtwoord"),
        )
        .await;
    assert_eq!(reused.status, 400);
    assert_eq!(
        app.login("els@example.nl", "een heel nieuw wachtwoord")
            .await
            .status,
        200
    );

    // With an app link domain, links lead there; unsubscribe stays here.
    let url = sink.url();
    let linked = spawn_app_with(move |config| {
        config.smtp_url = Some(url);
        config.public_url = PUBLIC_URL.into();
        config.app_link_url = Some("https://app.buurt.test/".into());
        config.delivery_poll_ms = 50;
    })
    .await;
    linked.register("fons@example.nl").await;
    let mail = wait_for_mail(&sink, "fons@example.nl", "Bevestig uw e-mailadres").await;
    let text = mail.part("text/plain").unwrap();
    assert!(
        text.contains("https://app.buurt.test/verify-email?token="),
        "{text}"
    );
}

/// The newsletter job reads the memberships a page at a time (memory bounded whatever the
/// number of readers), and with pages smaller than the readers queues exactly what one page
/// would: each reader's newsletter once, by their chosen frequency, and nothing on a rerun.
#[actix_web::test]
async fn the_newsletter_job_reads_its_readers_a_page_at_a_time() {
    let sink = SmtpSink::start();
    let app = mail_app(&sink).await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let mut readers = Vec::new();
    for index in 0..7 {
        readers.push(
            app.member(
                &admin,
                &neighbourhood,
                &format!("lezer{index}@example.nl"),
                "resident",
            )
            .await,
        );
    }
    for (reader, digest) in [(&readers[0], "daily"), (&readers[1], "never")] {
        let changed = app
            .put_as(
                reader,
                "/v1/me/notification-settings",
                &json!({"digest": digest}),
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text());
    }
    let members = app.count("SELECT COUNT(*) FROM memberships WHERE status = 'active'");
    assert!(members >= 7, "{members}");
    let now = chrono::Utc::now();
    let queue = |page: usize| {
        let mut conn = app.database.connect();
        buurt_app::digest::queue_digests(
            &mut buurt_app::Cx::new(&mut conn, &buurt_app::FixedClock(now)),
            page,
        )
        .expect("the newsletter job runs")
    };
    // Pages of two: more readers than one page.
    let queued = queue(2);
    // Everyone but the one who chose never.
    assert_eq!(i64::try_from(queued).unwrap(), members - 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE kind = 'digest'"),
        members - 1
    );
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT user_id) FROM deliveries WHERE kind = 'digest'"),
        members - 1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE kind = 'digest' AND user_id = '{}'",
            readers[1].user_id
        )),
        0
    );
    // Again, in any page size: nothing more.
    assert_eq!(queue(1), 0);
    assert_eq!(queue(buurt_app::digest::DIGEST_PAGE), 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE kind = 'digest'"),
        members - 1
    );
}

/// A node stopped while a message is on its way (the SMTP server has the envelope and the
/// node waits to send the text) stops cleanly: the send in flight ends with it, and the
/// message is not counted as sent.
#[actix_web::test]
async fn a_node_stopped_mid_send_stops_cleanly_and_keeps_the_message_due() {
    let app = spawn_app_with(|config| config.public_url = PUBLIC_URL.into()).await;
    let sink = SmtpSink::start();
    sink.stall_next(1);
    let url = sink.url();
    let node = app.another_node(move |config| {
        config.smtp_url = Some(url);
        config.public_url = PUBLIC_URL.into();
        config.delivery_poll_ms = 50;
    });
    node.register("halfway@example.nl").await;
    assert_eq!(
        sink.wait_for_stalled(1, WAIT).await,
        1,
        "the node starts sending the verification mail"
    );
    let stopped = Instant::now();
    drop(node);
    assert!(
        stopped.elapsed() < WAIT,
        "the node did not stop while a send was in flight"
    );
    assert!(sink.received().is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'"),
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM deliveries"), 1);
}
