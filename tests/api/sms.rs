//! Text messages to offline residents (issue 20): a server with an SMS gateway (a local fake
//! of Twilio's Messages API) queues an SMS in the outbox for an offline resident with a phone
//! number instead of a call-list item; the delivery worker sends it once, retries what may
//! pass, and puts what fails for good on the call list.

use std::sync::Arc;
use std::time::Duration;

use buurt_api::Config;
use buurt_api::workers::deliveries::{DeliveryWorker, drain};
use buurt_api::workers::sms::{SmsSender, from_config, settings_from_config};
use buurt_domain::delivery::RetryPolicy;
use buurt_tests::sms::{ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, SmsAnswer};
use buurt_tests::{Session, TestApp, TestClock, spawn_app_with};
use chrono::TimeZone;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    twilio: FakeTwilio,
    clock: Arc<TestClock>,
    mediator: Session,
    helper: Session,
    neighbourhood: String,
}

fn with_gateway(config: &mut Config, twilio: &FakeTwilio) {
    config.sms_provider = Some("twilio".into());
    config.sms_base_url = twilio.url.clone();
    config.sms_account_sid = Some(ACCOUNT_SID.into());
    config.sms_auth_token = Some(AUTH_TOKEN.into());
    config.sms_from = Some(FROM.into());
}

/// A server (with a gateway when `gateway`) at noon in Amsterdam, outside quiet hours.
async fn world(gateway: bool) -> World {
    let twilio = FakeTwilio::start();
    let clock = TestClock::at(chrono::Utc.with_ymd_and_hms(2026, 12, 7, 11, 0, 0).unwrap());
    let on_clock = clock.clone();
    let url = twilio.url.clone();
    let app = spawn_app_with(move |config| {
        if gateway {
            config.sms_provider = Some("twilio".into());
            config.sms_base_url = url;
            config.sms_account_sid = Some(ACCOUNT_SID.into());
            config.sms_auth_token = Some(AUTH_TOKEN.into());
            config.sms_from = Some(FROM.into());
        }
        config.clock = Some(on_clock);
    })
    .await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00003001", "Smswijk", &["3512"])
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    World {
        app,
        twilio,
        clock,
        mediator,
        helper,
        neighbourhood,
    }
}

impl World {
    /// Registers an offline resident; returns their id.
    async fn resident(&self, phone: Option<&str>, language: &str) -> String {
        let mut body = json!({
            "display_name": "Mevrouw Jansen",
            "postcode": "3512 ab",
            "languages": [language],
            "consent_method": "phone",
            "consent_given_at": "2026-01-05T10:00:00Z",
        });
        match phone {
            Some(phone) => body["phone"] = json!(phone),
            None => body["postal_address"] = json!("Dorpsstraat 1\n3512 AB Utrecht"),
        }
        let response = self
            .app
            .post_as(
                &self.mediator,
                &format!(
                    "/v1/neighbourhoods/{}/offline-residents",
                    self.neighbourhood
                ),
                &body,
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()["id"].as_str().unwrap().to_owned()
    }

    /// Files a request for `resident` and has the helper offer help on it; returns the
    /// request's and the match's ids.
    async fn offer_for(&self, resident: &str, title: &str) -> (String, String) {
        let filed = self
            .app
            .post_as(
                &self.mediator,
                &format!("/v1/neighbourhoods/{}/posts", self.neighbourhood),
                &json!({"kind": "request", "title": title, "body": "Elke dinsdag.",
                        "category": "help", "on_behalf_of": resident}),
            )
            .await;
        assert_eq!(filed.status, 201, "{}", filed.text());
        let request = filed.json()["id"].as_str().unwrap().to_owned();
        let offered = self
            .app
            .post_as(
                &self.helper,
                &format!("/v1/posts/{request}/matches"),
                &json!({"message": "Ik doe het graag"}),
            )
            .await;
        assert_eq!(offered.status, 201, "{}", offered.text());
        (request, offered.json()["id"].as_str().unwrap().to_owned())
    }

    async fn call_list(&self) -> Vec<Value> {
        let calls = self
            .app
            .get_as(
                &self.mediator,
                &format!("/v1/neighbourhoods/{}/call-list", self.neighbourhood),
            )
            .await;
        assert_eq!(calls.status, 200, "{}", calls.text());
        calls.json()["items"].as_array().unwrap().clone()
    }

    fn sender(&self, token: &str) -> Arc<dyn SmsSender> {
        let mut config = Config::with_database_url(self.app.database.url());
        with_gateway(&mut config, &self.twilio);
        config.sms_auth_token = Some(token.into());
        from_config(&config).unwrap().expect("a sender")
    }

    /// A delivery worker on its own pool (another process, as far as the database can tell).
    fn worker(&self, sms: Option<Arc<dyn SmsSender>>) -> DeliveryWorker {
        let mut config = Config::with_database_url(self.app.database.url());
        config.db_pool_size = 2;
        let (_, pool, _) = buurt_api::startup::prepare_database(&config).expect("the database");
        DeliveryWorker {
            pool,
            clock: self.clock.clone(),
            mailer: None,
            push: None,
            sms,
            policy: RetryPolicy {
                base: chrono::Duration::zero(),
                max_attempts: 3,
            },
            poll: Duration::from_millis(50),
            lease: Duration::from_secs(30),
        }
    }

    fn sms_deliveries(&self, resident: &str, status: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}' AND channel = 'sms' \
             AND status = '{status}'"
        ))
    }
}

#[actix_web::test]
async fn an_offline_resident_with_a_phone_gets_one_sms_in_their_language_and_no_call() {
    let w = world(true).await;
    let resident = w.resident(Some("06 1234 5678"), "en").await;
    w.offer_for(&resident, "Boodschappen doen").await;

    // Queued in the outbox with the change; nothing on the call list.
    assert_eq!(w.sms_deliveries(&resident, "pending"), 1);
    assert_eq!(w.call_list().await, Vec::<Value>::new());
    assert!(w.twilio.state.sent().is_empty());

    let worker = w.worker(Some(w.sender(AUTH_TOKEN)));
    // (The round also settles the mediator's and helper's push and e-mail: not configured.)
    drain(&worker).await.unwrap();
    let sent = w.twilio.state.sent();
    assert_eq!(sent.len(), 1, "refused: {:?}", w.twilio.state.refused());
    assert_eq!(sent[0].to, "+31612345678");
    assert_eq!(sent[0].from, FROM);
    assert_eq!(
        sent[0].body,
        "Buurt: A neighbour can help: Boodschappen doen. Questions? Call your neighbourhood \
         mediator."
    );
    // Nothing about the helper: no name, no message.
    assert!(!sent[0].body.contains("helper"), "{}", sent[0].body);
    assert!(!sent[0].body.contains("graag"), "{}", sent[0].body);
    assert_eq!(w.sms_deliveries(&resident, "sent"), 1);

    // Once: a second round sends nothing.
    drain(&worker).await.unwrap();
    assert_eq!(w.twilio.state.sent().len(), 1);
    assert_eq!(w.call_list().await, Vec::<Value>::new());

    // In Dutch for a Dutch speaker, one segment even with a long title.
    let other = w.resident(Some("+31 6 8765 4321"), "nl").await;
    let title = format!(
        "Hulp bij {}",
        "de boodschappen en de tuin ".repeat(4).trim()
    );
    w.offer_for(&other, &title).await;
    drain(&worker).await.unwrap();
    let sent = w.twilio.state.sent();
    let dutch = &sent[1];
    assert_eq!(dutch.to, "+31687654321");
    assert!(
        dutch
            .body
            .starts_with("Buurt: Een buurtgenoot kan helpen: Hulp bij de boodschappen"),
        "{}",
        dutch.body
    );
    assert!(dutch.body.contains("..."), "{}", dutch.body);
    assert!(
        dutch.body.ends_with("Vragen? Bel uw buurtbemiddelaar."),
        "{}",
        dutch.body
    );
    assert!(dutch.body.chars().count() <= 160, "{}", dutch.body);
}

#[actix_web::test]
async fn without_a_gateway_or_a_phone_updates_go_on_the_call_list() {
    // No gateway: the call list, as before; the fake hears nothing.
    let w = world(false).await;
    let resident = w.resident(Some("06 1234 5678"), "nl").await;
    let (_, matched) = w.offer_for(&resident, "Boodschappen doen").await;
    let items = w.call_list().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["match_id"], matched.as_str());
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}'"
        )),
        0
    );
    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    assert_eq!(w.twilio.state.requests(), 0);

    // A gateway, but no phone number: the call list too.
    let w = world(true).await;
    let resident = w.resident(None, "nl").await;
    w.offer_for(&resident, "Boodschappen doen").await;
    assert_eq!(w.call_list().await.len(), 1);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}'"
        )),
        0
    );
    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    assert_eq!(w.twilio.state.requests(), 0);
}

#[actix_web::test]
async fn an_invalid_number_fails_for_good_and_lands_on_the_call_list() {
    let w = world(true).await;
    let resident = w.resident(Some("06 1234 5678"), "nl").await;
    w.twilio
        .state
        .answer("+31612345678", SmsAnswer::InvalidNumber);
    let (request, matched) = w.offer_for(&resident, "Boodschappen doen").await;
    assert!(w.call_list().await.is_empty());

    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    // Tried once, not retried.
    assert_eq!(w.twilio.state.failed(), vec!["+31612345678".to_owned()]);
    assert!(w.twilio.state.sent().is_empty());
    assert_eq!(w.sms_deliveries(&resident, "failed"), 1);
    let items = w.call_list().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "match_proposed");
    assert_eq!(items[0]["resident_id"], resident.as_str());
    assert_eq!(items[0]["post_id"], request.as_str());
    assert_eq!(items[0]["match_id"], matched.as_str());

    // A node without a gateway that claims an SMS puts it on the call list too.
    w.twilio.state.answer("+31612345678", SmsAnswer::Accept);
    w.offer_for(&resident, "Ramen lappen").await;
    drain(&w.worker(None)).await.unwrap();
    assert_eq!(w.sms_deliveries(&resident, "failed"), 2);
    assert_eq!(w.call_list().await.len(), 2);
    assert!(w.twilio.state.sent().is_empty());
}

#[actix_web::test]
async fn a_gateway_error_is_retried_and_the_message_sent_once() {
    let w = world(true).await;
    let resident = w.resident(Some("06 1234 5678"), "nl").await;
    w.twilio
        .state
        .answer_once("+31612345678", SmsAnswer::ServerError);
    w.offer_for(&resident, "Boodschappen doen").await;

    // The retry waits nothing here (base 0), so one round tries twice.
    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    assert_eq!(w.twilio.state.failed().len(), 1);
    assert_eq!(w.twilio.state.sent().len(), 1);
    assert_eq!(w.sms_deliveries(&resident, "sent"), 1);
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}' AND attempts = 2"
        )),
        1
    );
    assert!(w.call_list().await.is_empty());
}

#[actix_web::test]
async fn two_workers_in_two_processes_send_each_message_once() {
    let w = world(true).await;
    let mut residents = Vec::new();
    for n in 0..4 {
        let resident = w.resident(Some(&format!("06 1234 56{n}{n}")), "nl").await;
        w.offer_for(&resident, "Boodschappen doen").await;
        residents.push(resident);
    }
    let (one, two) = (
        w.worker(Some(w.sender(AUTH_TOKEN))),
        w.worker(Some(w.sender(AUTH_TOKEN))),
    );
    let (a, b) = futures_util::future::join(drain(&one), drain(&two)).await;
    // Between them they also settle the other users' push and e-mail (not configured).
    assert!(a.unwrap() + b.unwrap() >= 4);
    let mut to: Vec<String> = w.twilio.state.sent().into_iter().map(|m| m.to).collect();
    to.sort();
    assert_eq!(
        to,
        vec![
            "+31612345600",
            "+31612345611",
            "+31612345622",
            "+31612345633"
        ]
    );
    for resident in &residents {
        assert_eq!(w.sms_deliveries(resident, "sent"), 1);
    }
}

#[actix_web::test]
async fn wrong_credentials_are_retried_and_the_token_kept_out_of_the_record() {
    let w = world(true).await;
    let resident = w.resident(Some("06 1234 5678"), "nl").await;
    w.offer_for(&resident, "Boodschappen doen").await;
    let wrong = "wrong-token-0123456789";
    let mut worker = w.worker(Some(w.sender(wrong)));
    worker.policy = RetryPolicy {
        base: chrono::Duration::minutes(1),
        max_attempts: 5,
    };
    drain(&worker).await.unwrap();
    assert!(w.twilio.state.sent().is_empty());
    assert_eq!(w.twilio.state.refused().len(), 1);
    // Still pending, to be tried again; the error names Twilio's code, not the token.
    assert_eq!(w.sms_deliveries(&resident, "pending"), 1);
    let errors = w.app.count(&format!(
        "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}' \
         AND last_error LIKE '%20003%' AND last_error NOT LIKE '%{wrong}%'"
    ));
    assert_eq!(errors, 1);
    assert!(w.call_list().await.is_empty());
    // The configuration never shows the token.
    let mut config = Config::with_database_url(w.app.database.url());
    with_gateway(&mut config, &w.twilio);
    let shown = format!("{config:?} {:?}", settings_from_config(&config).unwrap());
    assert!(!shown.contains(AUTH_TOKEN), "{shown}");
    assert!(shown.contains(ACCOUNT_SID), "{shown}");

    // Fixed credentials: the next attempt (a minute on) sends it, once.
    w.clock.advance(chrono::Duration::minutes(2));
    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    assert_eq!(w.twilio.state.sent().len(), 1);
    assert_eq!(w.sms_deliveries(&resident, "sent"), 1);
}

#[actix_web::test]
async fn a_half_or_bad_sms_configuration_refuses_to_start() {
    let twilio = FakeTwilio::start();
    let app = buurt_tests::spawn_app().await;
    let plain = Config::with_database_url(app.database.url());
    assert!(settings_from_config(&plain).unwrap().is_none());

    let refused = |adjust: &dyn Fn(&mut Config)| {
        let mut config = Config::with_database_url(app.database.url());
        with_gateway(&mut config, &twilio);
        adjust(&mut config);
        settings_from_config(&config)
            .expect_err("refused")
            .to_string()
    };
    let error = refused(&|c| c.sms_auth_token = None);
    assert!(error.contains("BUURT_SMS_AUTH_TOKEN"), "{error}");
    let error = refused(&|c| {
        c.sms_from = None;
        c.sms_account_sid = None;
    });
    assert!(
        error.contains("BUURT_SMS_ACCOUNT_SID") && error.contains("BUURT_SMS_FROM"),
        "{error}"
    );
    let error = refused(&|c| c.sms_provider = None);
    assert!(error.contains("BUURT_SMS_PROVIDER"), "{error}");
    let error = refused(&|c| c.sms_provider = Some("messagebird".into()));
    assert!(error.contains("messagebird"), "{error}");
    let error = refused(&|c| c.sms_account_sid = Some("AC123".into()));
    assert!(error.contains("BUURT_SMS_ACCOUNT_SID"), "{error}");
    let error = refused(&|c| c.sms_base_url = "ftp://twilio".into());
    assert!(error.contains("BUURT_SMS_BASE_URL"), "{error}");
    for error in [
        refused(&|c| c.sms_auth_token = None),
        refused(&|c| c.sms_provider = None),
    ] {
        assert!(!error.contains(AUTH_TOKEN), "{error}");
    }

    // The server itself refuses to start on half a configuration, and starts on a whole one.
    let mut half = buurt_tests::node_config(app.database.url());
    with_gateway(&mut half, &twilio);
    half.sms_from = None;
    let error = buurt_api::Application::build(&half).err().expect("refused");
    assert!(error.to_string().contains("BUURT_SMS_FROM"), "{error}");
    let url = twilio.url.clone();
    let node = app.another_node(move |config| {
        config.sms_provider = Some("twilio".into());
        config.sms_base_url = url;
        config.sms_account_sid = Some(ACCOUNT_SID.into());
        config.sms_auth_token = Some(AUTH_TOKEN.into());
        config.sms_from = Some(FROM.into());
    });
    assert_eq!(node.get("/v1/me").await.status, 401);
    drop(node);
}

#[actix_web::test]
async fn settled_sms_deliveries_go_with_retention() {
    let w = world(true).await;
    let resident = w.resident(Some("06 1234 5678"), "nl").await;
    w.offer_for(&resident, "Boodschappen doen").await;
    drain(&w.worker(Some(w.sender(AUTH_TOKEN)))).await.unwrap();
    assert_eq!(w.sms_deliveries(&resident, "sent"), 1);
    // The outbox keeps no phone number: it is read when the message is sent.
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}' \
             AND payload LIKE '%612345678%'"
        )),
        0
    );
    let config = Config::with_database_url(w.app.database.url());
    let later = chrono::Utc.with_ymd_and_hms(2029, 12, 7, 11, 0, 0).unwrap();
    let report = buurt_api::cli::commands::run_jobs(&config, later).unwrap();
    assert!(report.retention.deliveries >= 1, "{report:?}");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM deliveries WHERE user_id = '{resident}' AND channel = 'sms'"
        )),
        0
    );
}
