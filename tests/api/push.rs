//! The push dispatcher, built from configuration as the server builds it, against local fakes
//! of FCM and APNs that verify the signatures and the messages; the devices are registered
//! through the API.

use std::collections::BTreeMap;
use std::sync::Arc;

use buurt_api::Config;
use buurt_api::workers::push::from_config;
use buurt_api::workers::push_dispatch::{PushDispatch, PushMessage, PushResult};
use buurt_domain::accounts::UserId;
use buurt_tests::push::{
    APNS_KEY_ID, APNS_TEAM_ID, APNS_TOPIC, FakeAnswer, FakeApns, FakeFcm, fixture,
};
use buurt_tests::{Session, TestApp, spawn_app};
use serde_json::json;

use crate::devices::{ANDROID_TOKEN, apns_token, devices, register_device};

/// An FCM token of an iOS app built with Firebase.
const IOS_FCM_TOKEN: &str =
    "fcm-token-ios1:APA91bGmuY3Q8pT6w5Bf2sD1nR0kLxZc7Vq4HjU9eWtYoIiPaSdFgHjKlZxCv";
const BERTS_TOKEN: &str = "fcm-token-bert:APA91bE9kLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXy";

struct World {
    app: TestApp,
    fcm: FakeFcm,
    apns: FakeApns,
    dir: std::path::PathBuf,
}

impl World {
    async fn new() -> Self {
        let app = spawn_app().await;
        let dir =
            std::env::temp_dir().join(format!("buurt-push-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            app,
            fcm: FakeFcm::start(),
            apns: FakeApns::start(),
            dir,
        }
    }

    /// The configuration a server pointed at the fakes has; `adjust` may change it.
    fn config(&self, adjust: impl FnOnce(&mut Config)) -> Config {
        let mut config = Config::with_database_url(self.app.database.url());
        config.db_pool_size = 2;
        config.fcm_credentials = Some(
            self.fcm
                .credentials(&self.dir, "fcm-service-account-key.pem"),
        );
        config.fcm_url = self.fcm.url.clone();
        config.apns_key_file = Some(fixture("apns-AuthKey.p8"));
        config.apns_key_id = Some(APNS_KEY_ID.into());
        config.apns_team_id = Some(APNS_TEAM_ID.into());
        config.apns_topic = Some(APNS_TOPIC.into());
        config.apns_url = self.apns.url.clone();
        config.push_ca_file = Some(fixture("ca.pem"));
        adjust(&mut config);
        config
    }

    fn dispatcher(&self, adjust: impl FnOnce(&mut Config)) -> Arc<dyn PushDispatch> {
        let config = self.config(adjust);
        let (_, pool, _) = buurt_api::startup::prepare_database(&config).expect("the database");
        from_config(&config, pool, Arc::new(buurt_app::SystemClock))
            .expect("push is configured")
            .expect("a dispatcher")
    }

    async fn device(&self, session: &Session, platform: &str, token: &str) {
        let response = register_device(
            &self.app,
            session,
            &json!({"platform": platform, "token": token}),
        )
        .await;
        assert_eq!(response.status, 201, "{}", response.text());
    }

    async fn tokens(&self, session: &Session) -> Vec<String> {
        let mut tokens: Vec<String> = devices(&self.app, session)
            .await
            .iter()
            .map(|device| device["token"].as_str().unwrap().to_owned())
            .collect();
        tokens.sort();
        tokens
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn message_to(session: &Session) -> PushMessage {
    let user = UserId(session.user_id.parse().unwrap());
    PushMessage {
        user_id: user.0,
        kind: "match_offered".into(),
        title: "Hulp aangeboden".into(),
        body: "Bert wil je helpen met de ladder.".into(),
        data: BTreeMap::from([("match_id".to_owned(), "m-1".to_owned())]),
    }
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

#[actix_web::test]
async fn a_message_reaches_every_device_of_its_user_through_fcm_and_apns() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    let bert = w.app.register("bert@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    w.device(&anna, "ios", &apns_token(0xa1)).await;
    w.device(&anna, "ios", IOS_FCM_TOKEN).await;
    w.device(&bert, "android", BERTS_TOKEN).await;
    let dispatcher = w.dispatcher(|_| {});

    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::Delivered
    );
    assert_eq!(w.fcm.state.refused(), Vec::<String>::new());
    assert_eq!(w.apns.state.refused(), Vec::<String>::new());

    let fcm = w.fcm.state.accepted();
    assert_eq!(
        sorted(
            fcm.iter()
                .map(|m| m["token"].as_str().unwrap().to_owned())
                .collect()
        ),
        sorted(vec![ANDROID_TOKEN.to_owned(), IOS_FCM_TOKEN.to_owned()])
    );
    for message in &fcm {
        assert_eq!(message["notification"]["title"], "Hulp aangeboden");
        assert_eq!(
            message["notification"]["body"],
            "Bert wil je helpen met de ladder."
        );
        assert_eq!(
            message["data"],
            json!({"kind": "match_offered", "match_id": "m-1"})
        );
    }
    let apns = w.apns.state.accepted();
    assert_eq!(apns.len(), 1, "{apns:?}");
    assert_eq!(apns[0]["token"], apns_token(0xa1));
    assert_eq!(apns[0]["topic"], APNS_TOPIC);
    assert_eq!(
        apns[0]["payload"]["aps"]["alert"]["title"],
        "Hulp aangeboden"
    );
    assert_eq!(apns[0]["payload"]["kind"], "match_offered");
    assert_eq!(apns[0]["payload"]["match_id"], "m-1");

    // The access token and the provider token are kept for the next message.
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::Delivered
    );
    assert_eq!(w.fcm.state.accepted().len(), 4);
    assert_eq!(w.apns.state.accepted().len(), 2);
    assert_eq!(w.fcm.state.grants(), 1);
    assert_eq!(w.apns.state.grants(), 1);
    // Bert got nothing of Anna's.
    assert!(
        w.fcm
            .state
            .accepted()
            .iter()
            .all(|m| m["token"] != BERTS_TOKEN)
    );
}

#[actix_web::test]
async fn tokens_the_services_report_unregistered_are_removed() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    w.device(&anna, "ios", &apns_token(0xb2)).await;
    w.fcm.state.answer(ANDROID_TOKEN, FakeAnswer::Unregistered);
    w.apns
        .state
        .answer(&apns_token(0xb2), FakeAnswer::Unregistered);
    let dispatcher = w.dispatcher(|_| {});

    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::NoDevices
    );
    assert_eq!(w.tokens(&anna).await, Vec::<String>::new());

    // One good device among bad ones: delivered, and only the bad one goes.
    w.device(&anna, "ios", IOS_FCM_TOKEN).await;
    w.device(&anna, "ios", &apns_token(0xb2)).await;
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::Delivered
    );
    assert_eq!(w.tokens(&anna).await, vec![IOS_FCM_TOKEN.to_owned()]);

    // Tokens the services call malformed go as well.
    w.fcm.state.answer(IOS_FCM_TOKEN, FakeAnswer::Invalid);
    w.device(&anna, "ios", &apns_token(0xb3)).await;
    w.apns.state.answer(&apns_token(0xb3), FakeAnswer::Invalid);
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::NoDevices
    );
    assert_eq!(w.tokens(&anna).await, Vec::<String>::new());
}

#[actix_web::test]
async fn outages_are_retried_and_the_devices_kept() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    w.device(&anna, "ios", &apns_token(0xc3)).await;
    w.fcm.state.answer(ANDROID_TOKEN, FakeAnswer::Unavailable);
    w.apns
        .state
        .answer(&apns_token(0xc3), FakeAnswer::Unavailable);
    let dispatcher = w.dispatcher(|_| {});

    let result = dispatcher.deliver(&message_to(&anna)).await;
    assert!(
        matches!(&result, PushResult::Retry(reason) if reason.contains("503")),
        "{result:?}"
    );
    assert_eq!(w.tokens(&anna).await.len(), 2);

    w.fcm.state.answer(ANDROID_TOKEN, FakeAnswer::Success);
    w.apns.state.answer(&apns_token(0xc3), FakeAnswer::Success);
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::Delivered
    );
    assert_eq!(w.fcm.state.accepted().len(), 1);
    assert_eq!(w.apns.state.accepted().len(), 1);
}

#[actix_web::test]
async fn the_fakes_refuse_what_is_not_signed_with_the_configured_keys() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    w.device(&anna, "ios", &apns_token(0xd4)).await;
    // Keys the services do not know: the signatures do not verify.
    let dispatcher = w.dispatcher(|config| {
        config.fcm_credentials = Some(w.fcm.credentials(&w.dir, "fcm-other-key.pem"));
        config.apns_key_file = Some(fixture("apns-other-AuthKey.p8"));
    });
    let result = dispatcher.deliver(&message_to(&anna)).await;
    assert!(matches!(result, PushResult::Retry(_)), "{result:?}");
    assert!(
        w.fcm
            .state
            .refused()
            .iter()
            .any(|r| r.contains("the grant does not verify: InvalidSignature")),
        "{:?}",
        w.fcm.state.refused()
    );
    assert!(
        w.apns
            .state
            .refused()
            .iter()
            .any(|r| r.contains("InvalidProviderToken: InvalidSignature")),
        "{:?}",
        w.apns.state.refused()
    );
    assert!(w.fcm.state.accepted().is_empty());
    assert!(w.apns.state.accepted().is_empty());
    assert_eq!(w.tokens(&anna).await.len(), 2);
}

#[actix_web::test]
async fn access_tokens_are_renewed_when_they_expire() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    // Tokens that expire within the renewal margin are used once.
    w.fcm
        .expires_in
        .store(30, std::sync::atomic::Ordering::SeqCst);
    let dispatcher = w.dispatcher(|_| {});
    for _ in 0..2 {
        assert_eq!(
            dispatcher.deliver(&message_to(&anna)).await,
            PushResult::Delivered
        );
    }
    assert_eq!(w.fcm.state.grants(), 2);
}

#[actix_web::test]
async fn a_refused_access_token_is_replaced() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    let dispatcher = w.dispatcher(|_| {});
    // Messages sent at once share one access token.
    let at_once = futures_util::future::join_all((0..5).map(|_| {
        let dispatcher = dispatcher.clone();
        let message = message_to(&anna);
        async move { dispatcher.deliver(&message).await }
    }))
    .await;
    assert!(
        at_once
            .iter()
            .all(|result| *result == PushResult::Delivered)
    );
    assert_eq!(w.fcm.state.grants(), 1);

    w.fcm.revoke_access_tokens();
    let result = dispatcher.deliver(&message_to(&anna)).await;
    assert!(
        matches!(&result, PushResult::Retry(reason) if reason.contains("401")),
        "{result:?}"
    );
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::Delivered
    );
    assert_eq!(w.fcm.state.grants(), 2);
    assert_eq!(w.fcm.state.accepted().len(), 6);
    assert_eq!(w.tokens(&anna).await.len(), 1);
}

#[actix_web::test]
async fn users_without_live_devices_get_nothing() {
    let w = World::new().await;
    let anna = w.app.register("anna@example.nl").await;
    let dispatcher = w.dispatcher(|_| {});
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::NoDevices
    );

    // A device whose login ended (here: a new password ends every login) gets nothing more,
    // and is forgotten.
    w.device(&anna, "android", ANDROID_TOKEN).await;
    let changed = w
        .app
        .request(actix_web::http::Method::PATCH, "/v1/me")
        .bearer(&anna.access_token)
        .json(&json!({
            "current_password": buurt_tests::TEST_PASSWORD,
            "new_password": "een heel nieuw wachtwoord"
        }))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(
        dispatcher.deliver(&message_to(&anna)).await,
        PushResult::NoDevices
    );
    assert!(w.fcm.state.accepted().is_empty());
    assert_eq!(w.app.count("SELECT count(*) FROM devices"), 0);
}

#[actix_web::test]
async fn push_is_off_without_configuration_and_refuses_a_half_one() {
    let w = World::new().await;
    let plain = Config::with_database_url(w.app.database.url());
    let (_, pool, _) = buurt_api::startup::prepare_database(&plain).unwrap();
    let clock = || Arc::new(buurt_app::SystemClock);
    assert!(
        from_config(&plain, pool.clone(), clock())
            .unwrap()
            .is_none()
    );

    let half = w.config(|config| {
        config.fcm_credentials = None;
        config.apns_key_file = None;
    });
    let error = from_config(&half, pool.clone(), clock())
        .err()
        .expect("refused");
    assert!(error.to_string().contains("BUURT_APNS_KEY_FILE"), "{error}");

    let missing = w.config(|config| {
        config.fcm_credentials = Some(w.dir.join("missing.json"));
    });
    let error = from_config(&missing, pool.clone(), clock())
        .err()
        .expect("refused");
    assert!(
        error.to_string().contains("BUURT_FCM_CREDENTIALS"),
        "{error}"
    );

    let not_a_key = w.config(|config| {
        config.apns_key_file = Some(fixture("ca.pem"));
    });
    let error = from_config(&not_a_key, pool, clock())
        .err()
        .expect("refused");
    assert!(error.to_string().contains("APNs"), "{error}");

    // The server itself refuses to start on a bad push configuration, and starts on a good one.
    let mut bad = not_a_key;
    bad.listen = "127.0.0.1:0".into();
    bad.secrets_key = Some(buurt_tests::TEST_SECRETS_KEY.into());
    let error = buurt_api::Application::build(&bad).err().expect("refused");
    assert!(error.to_string().contains("APNs"), "{error}");
    let good = w.config(|_| {});
    let node = w.app.another_node(|config| {
        config.fcm_credentials = good.fcm_credentials.clone();
        config.fcm_url = good.fcm_url.clone();
        config.apns_key_file = good.apns_key_file.clone();
        config.apns_key_id = good.apns_key_id.clone();
        config.apns_team_id = good.apns_team_id.clone();
        config.apns_topic = good.apns_topic.clone();
        config.apns_url = good.apns_url.clone();
        config.push_ca_file = good.push_ca_file.clone();
    });
    assert_eq!(node.get("/v1/me/devices").await.status, 401);
    drop(node);
}

/// The whole way: an offer of help on Anna's request writes a notice, the delivery outbox a
/// push, and the worker of a node configured for FCM sends it to her phone, once. With push
/// switched off for that kind, nothing reaches the phone; the inbox has it either way.
#[actix_web::test]
async fn an_offer_of_help_reaches_the_requesters_phone_through_the_outbox() {
    let w = World::new().await;
    let admin = w.app.admin().await;
    let place = w
        .app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &["9999"])
        .await;
    let anna = w
        .app
        .member(&admin, &place, "anna@example.nl", "resident")
        .await;
    let bert = w
        .app
        .member(&admin, &place, "bert@example.nl", "resident")
        .await;
    w.device(&anna, "android", ANDROID_TOKEN).await;
    // No quiet hours, whatever the time of day the test runs at.
    let settings = w
        .app
        .put_as(
            &anna,
            "/v1/me/notification-settings",
            &json!({"quiet_hours": null}),
        )
        .await;
    assert_eq!(settings.status, 200, "{}", settings.text());
    let pushing = w.config(|_| {});
    let node = w.app.another_node(move |config| {
        config.fcm_credentials = pushing.fcm_credentials;
        config.fcm_url = pushing.fcm_url;
        config.apns_key_file = pushing.apns_key_file;
        config.apns_key_id = pushing.apns_key_id;
        config.apns_team_id = pushing.apns_team_id;
        config.apns_topic = pushing.apns_topic;
        config.apns_url = pushing.apns_url;
        config.push_ca_file = pushing.push_ca_file;
        config.delivery_poll_ms = 50;
    });

    let request = |title: &'static str| {
        let (app, anna, place) = (&w.app, &anna, &place);
        async move {
            let response = app
                .post_as(
                    anna,
                    &format!("/v1/neighbourhoods/{place}/posts"),
                    &json!({"kind": "request", "title": title, "body": "Wie helpt?",
                            "category": "help"}),
                )
                .await;
            assert_eq!(response.status, 201, "{}", response.text());
            response.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let ladder = request("Een ladder lenen").await;
    let offer = w
        .app
        .post_as(&bert, &format!("/v1/posts/{ladder}/matches"), &json!({}))
        .await;
    assert_eq!(offer.status, 201, "{}", offer.text());

    let started = std::time::Instant::now();
    while w.fcm.state.accepted().is_empty() && started.elapsed().as_secs() < 20 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sent = w.fcm.state.accepted();
    assert_eq!(
        sent.len(),
        1,
        "{sent:?} refused: {:?}",
        w.fcm.state.refused()
    );
    assert_eq!(sent[0]["token"], ANDROID_TOKEN, "{}", sent[0]);
    assert_eq!(sent[0]["data"]["kind"], "match_proposed", "{}", sent[0]);
    assert_eq!(sent[0]["data"]["post_id"], ladder.as_str(), "{}", sent[0]);
    assert!(
        sent[0]["notification"]["body"]
            .as_str()
            .is_some_and(|body| body.contains("Een ladder lenen")),
        "{}",
        sent[0]
    );
    // Once: the worker does not send it again.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(w.fcm.state.accepted().len(), 1);

    // Push off for offers of help: the next one stays in the inbox.
    let off = w
        .app
        .put_as(
            &anna,
            "/v1/me/notification-settings",
            &json!({"channels": [{"kind": "match_proposed", "push": false, "email": false}]}),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.text());
    let tools = request("Gereedschap lenen").await;
    let offer = w
        .app
        .post_as(&bert, &format!("/v1/posts/{tools}/matches"), &json!({}))
        .await;
    assert_eq!(offer.status, 201, "{}", offer.text());
    actix_web::rt::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(w.fcm.state.accepted().len(), 1);
    let inbox = w.app.get_as(&anna, "/v1/me/notifications").await.json();
    let offers = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["kind"] == "match_proposed")
        .count();
    assert_eq!(offers, 2, "{inbox}");
    drop(node);
}

/// Quiet hours on a clock the test sets: an offer of help at 23:00 in Amsterdam (the default
/// quiet hours are 22:00–07:00) is mailed at once, while its push waits; once the clock passes
/// 07:00 the worker sends the push, once.
#[actix_web::test]
async fn quiet_hours_defer_push_until_they_end_while_mail_goes_at_once() {
    use chrono::TimeZone;
    // 23:00 in Amsterdam (CET, UTC+1).
    let evening = chrono::Utc.with_ymd_and_hms(2026, 12, 7, 22, 0, 0).unwrap();
    let morning = chrono::Utc.with_ymd_and_hms(2026, 12, 8, 6, 0, 0).unwrap();
    let clock = buurt_tests::TestClock::at(evening);
    let sink = buurt_tests::smtp::SmtpSink::start();
    let smtp = sink.url();
    let on_clock = clock.clone();
    let app = buurt_tests::spawn_app_with(move |config| {
        config.smtp_url = Some(smtp);
        config.public_url = "https://buurt.test".into();
        config.clock = Some(on_clock);
    })
    .await;
    let dir = std::env::temp_dir().join(format!("buurt-push-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let w = World {
        app,
        fcm: FakeFcm::start(),
        apns: FakeApns::start(),
        dir,
    };
    let admin = w.app.admin().await;
    let place = w
        .app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &["9999"])
        .await;
    let anna = w
        .app
        .member(&admin, &place, "anna@example.nl", "resident")
        .await;
    let bert = w
        .app
        .member(&admin, &place, "bert@example.nl", "resident")
        .await;
    w.app.sql("UPDATE users SET email_verified = TRUE");
    w.device(&anna, "android", ANDROID_TOKEN).await;
    let settings = w
        .app
        .get_as(&anna, "/v1/me/notification-settings")
        .await
        .json();
    assert_eq!(
        settings["quiet_hours"],
        json!({"start": "22:00", "end": "07:00"})
    );

    let pushing = w.config(|_| {});
    let smtp = sink.url();
    let node_clock = clock.clone();
    let node = w.app.another_node(move |config| {
        config.fcm_credentials = pushing.fcm_credentials;
        config.fcm_url = pushing.fcm_url;
        config.apns_key_file = pushing.apns_key_file;
        config.apns_key_id = pushing.apns_key_id;
        config.apns_team_id = pushing.apns_team_id;
        config.apns_topic = pushing.apns_topic;
        config.apns_url = pushing.apns_url;
        config.push_ca_file = pushing.push_ca_file;
        config.smtp_url = Some(smtp);
        config.public_url = "https://buurt.test".into();
        config.delivery_poll_ms = 50;
        config.clock = Some(node_clock);
    });

    let request = w
        .app
        .post_as(
            &anna,
            &format!("/v1/neighbourhoods/{place}/posts"),
            &json!({"kind": "request", "title": "Een ladder lenen", "body": "Wie helpt?",
                    "category": "help"}),
        )
        .await;
    assert_eq!(request.status, 201, "{}", request.text());
    let ladder = request.json()["id"].as_str().unwrap().to_owned();
    let offer = w
        .app
        .post_as(&bert, &format!("/v1/posts/{ladder}/matches"), &json!({}))
        .await;
    assert_eq!(offer.status, 201, "{}", offer.text());

    // The mail goes now.
    let started = std::time::Instant::now();
    let mailed = |sink: &buurt_tests::smtp::SmtpSink| {
        sink.received()
            .iter()
            .filter(|m| m.to == ["anna@example.nl".to_owned()])
            .filter(|m| {
                m.header("subject")
                    .is_some_and(|s| s.contains("Een buurtgenoot kan helpen"))
            })
            .count()
    };
    while mailed(&sink) == 0 && started.elapsed().as_secs() < 20 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mailed(&sink), 1, "{:#?}", sink.received());
    // The push waits for 07:00 in Amsterdam.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(
        w.fcm.state.accepted().is_empty(),
        "{:?}",
        w.fcm.state.accepted()
    );
    let waiting = w.app.count(&format!(
        "SELECT COUNT(*) FROM deliveries WHERE user_id = '{}' AND channel = 'push' \
         AND status = 'pending' AND next_attempt_at = '2026-12-08 06:00:00'",
        anna.user_id
    ));
    assert_eq!(waiting, 1);
    // 06:59 in Amsterdam: still quiet.
    clock.set(morning - chrono::Duration::minutes(1));
    actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(w.fcm.state.accepted().is_empty());

    // 07:01: the push goes, once.
    clock.set(morning + chrono::Duration::minutes(1));
    let started = std::time::Instant::now();
    while w.fcm.state.accepted().is_empty() && started.elapsed().as_secs() < 20 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let sent = w.fcm.state.accepted();
    assert_eq!(sent.len(), 1, "refused: {:?}", w.fcm.state.refused());
    assert_eq!(sent[0]["token"], ANDROID_TOKEN, "{}", sent[0]);
    assert_eq!(sent[0]["data"]["kind"], "match_proposed", "{}", sent[0]);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(w.fcm.state.accepted().len(), 1);
    assert_eq!(mailed(&sink), 1);
    drop(node);
}
