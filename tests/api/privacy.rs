//! Privacy (issue 18): care data only where consent reaches, what members see of each other,
//! the export, erasure, retention and the consent history.

use actix_web::http::Method;
use buurt_tests::{Session, TEST_PASSWORD, TestApp, TestResponse, spawn_app};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// Anna's private details: distinctive, so a scan of any text finds them.
const EMAIL: &str = "annabel.zwanenbloem@example.nl";
const PHONE: &str = "0687654321";
const STREET: &str = "Zwanenbloemstraat";
// Not hexadecimal: the scans look for it as a substring, and request ids and UUIDs are hex.
const HOUSE_NUMBER: &str = "137-hs";
const POSTCODE: &str = "9999ZZ";

/// A neighbourhood with a person of every role, and Anna (a resident with data in every
/// table: a request with an accepted match and messages, a request in mediation with notes and
/// a referral, an activity others signed up for, RSVPs, a block, a report, consents).
struct World {
    app: TestApp,
    admin: Session,
    neighbourhood: String,
    anna: Session,
    /// Helps Anna in an accepted match.
    helper: Session,
    resident: Session,
    unverified: Session,
    mediator: Session,
    moderator: Session,
    professional: Session,
    /// The professional Anna's case is referred to.
    referred: Session,
    /// Anna's request with the accepted match.
    request: String,
    the_match: String,
    /// Anna's request in mediation, and its case.
    care_request: String,
    case: String,
    /// Anna's activity, with the helper going.
    activity: String,
    /// Someone else's activity Anna answered, full, with the resident waiting.
    other_activity: String,
    /// Anna's avatar, an upload of hers.
    avatar: String,
}

/// A small photo, as a phone would upload it.
fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 3) as u8, (y * 5) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

async fn post(app: &TestApp, session: &Session, neighbourhood: &str, body: Value) -> String {
    let response = app
        .post_as(
            session,
            &format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            &body,
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()["id"].as_str().unwrap().to_owned()
}

fn activity_body(title: &str, capacity: u32) -> Value {
    let starts = Utc::now() + Duration::days(3);
    json!({"kind": "activity", "title": title, "body": "Kom ook!",
           "activity": {"starts_at": starts.to_rfc3339(),
                        "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
                        "location": "Buurthuis", "capacity": capacity}})
}

/// A POST as `session` that must answer `status`; its JSON.
async fn post_ok(app: &TestApp, session: &Session, path: &str, body: Value, status: u16) -> Value {
    let response = app.post_as(session, path, &body).await;
    assert_eq!(response.status, status, "POST {path}: {}", response.text());
    response.json()
}

async fn ok(response: TestResponse, status: u16) -> Value {
    assert_eq!(response.status, status, "{}", response.text());
    if response.text().is_empty() {
        Value::Null
    } else {
        response.json()
    }
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood_in(&admin, "BU00000001", "Kop", "GM0001", &["9999"])
        .await;
    let anna = app.member(&admin, &neighbourhood, EMAIL, "resident").await;
    ok(
        app.request(Method::PATCH, "/v1/me")
            .bearer(&anna.access_token)
            .json(
                &json!({"street": STREET, "house_number": HOUSE_NUMBER, "phone": PHONE,
                          "postcode": POSTCODE, "skills": ["help"], "bio": "Houdt van wandelen."}),
            )
            .await,
        200,
    )
    .await;
    let helper = app
        .member(&admin, &neighbourhood, "helper@example.nl", "resident")
        .await;
    let resident = app
        .member(&admin, &neighbourhood, "buur@example.nl", "resident")
        .await;
    let mediator = app
        .member(&admin, &neighbourhood, "bemiddelaar@example.nl", "mediator")
        .await;
    let moderator = app
        .member(&admin, &neighbourhood, "moderator@example.nl", "moderator")
        .await;
    // An unverified member: joined by postcode.
    let unverified = app.register("nieuw@example.nl").await;
    ok(
        app.request(Method::PATCH, "/v1/me")
            .bearer(&unverified.access_token)
            .json(&json!({"postcode": "9999AA"}))
            .await,
        200,
    )
    .await;
    post_ok(
        &app,
        &unverified,
        &format!("/v1/neighbourhoods/{neighbourhood}/join"),
        json!({}),
        201,
    )
    .await;
    let mut professionals = Vec::new();
    for email in ["wijkteam@example.nl", "verwezen@example.nl"] {
        let session = app.register(email).await;
        post_ok(
            &app,
            &admin,
            "/v1/admin/professionals",
            json!({"user_id": session.user_id, "municipality_code": "GM0001"}),
            201,
        )
        .await;
        professionals.push(session);
    }
    let referred = professionals.pop().unwrap();
    let professional = professionals.pop().unwrap();

    // A request with an accepted match and messages both ways.
    let request = post(&app, &anna, &neighbourhood,
        json!({"kind": "request", "title": "Boodschappen doen", "body": "Elke vrijdag.", "category": "help"})).await;
    let the_match = post_ok(
        &app,
        &helper,
        &format!("/v1/posts/{request}/matches"),
        json!({"message": "Ik help graag."}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    post_ok(
        &app,
        &anna,
        &format!("/v1/matches/{the_match}/accept"),
        json!({}),
        200,
    )
    .await;
    for (session, body) in [
        (&anna, "Fijn, tot vrijdag!"),
        (&helper, "Helper schrijft terug."),
    ] {
        post_ok(
            &app,
            session,
            &format!("/v1/matches/{the_match}/messages"),
            json!({"body": body}),
            201,
        )
        .await;
    }

    // A request in mediation, with care-data consent, referred, with notes.
    post_ok(
        &app,
        &anna,
        "/v1/me/consents",
        json!({"kind": "care_data", "given": true}),
        200,
    )
    .await;
    let care_request = post(&app, &anna, &neighbourhood,
        json!({"kind": "request", "title": "Wekelijks wandelen met rolstoel", "body": "Ik zit in een rolstoel.", "category": "help"})).await;
    let case = post_ok(
        &app,
        &anna,
        &format!("/v1/posts/{care_request}/escalate"),
        json!({"reason": "Niemand reageert"}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (body, working) in [
        ("Mevrouw wil graag elke dinsdag.", false),
        ("Eigen indruk: wat eenzaam.", true),
    ] {
        post_ok(
            &app,
            &mediator,
            &format!("/v1/cases/{case}/notes"),
            json!({"body": body, "working": working}),
            201,
        )
        .await;
    }
    post_ok(
        &app,
        &mediator,
        &format!("/v1/cases/{case}/referrals"),
        json!({"professional_id": referred.user_id}),
        201,
    )
    .await;

    // Anna's activity the helper signed up for; someone else's, full, that Anna is going to
    // with the resident waiting.
    let activity = post(&app, &anna, &neighbourhood, activity_body("Soep koken", 10)).await;
    post_ok(
        &app,
        &helper,
        &format!("/v1/posts/{activity}/rsvp"),
        json!({}),
        201,
    )
    .await;
    let other_activity = post(
        &app,
        &helper,
        &neighbourhood,
        activity_body("Buurtborrel", 1),
    )
    .await;
    let going = post_ok(
        &app,
        &anna,
        &format!("/v1/posts/{other_activity}/rsvp"),
        json!({}),
        201,
    )
    .await;
    assert_eq!(going["status"], "going");
    let waiting = post_ok(
        &app,
        &resident,
        &format!("/v1/posts/{other_activity}/rsvp"),
        json!({}),
        201,
    )
    .await;
    assert_eq!(waiting["status"], "waitlisted");

    // A news post nobody depends on; a block; a report.
    post(
        &app,
        &anna,
        &neighbourhood,
        json!({"kind": "news", "title": "Straatfeest", "body": "Zaterdag."}),
    )
    .await;
    post_ok(
        &app,
        &anna,
        &format!("/v1/users/{}/block", resident.user_id),
        json!({}),
        201,
    )
    .await;
    let spam = post(
        &app,
        &resident,
        &neighbourhood,
        json!({"kind": "news", "title": "Koop nu", "body": "Reclame."}),
    )
    .await;
    post_ok(
        &app,
        &anna,
        &format!("/v1/posts/{spam}/reports"),
        json!({"reason": "spam", "details": "Reclame van de buurman"}),
        201,
    )
    .await;
    // A phone to push to, and a moderator's warning about Anna (a decision about her and a
    // line in the moderation log naming her).
    post_ok(
        &app,
        &anna,
        "/v1/me/devices",
        json!({"platform": "android", "token": "anna-phone:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ"}),
        201,
    )
    .await;
    let report = post_ok(
        &app,
        &resident,
        &format!("/v1/users/{}/reports", anna.user_id),
        json!({"neighbourhood_id": neighbourhood, "reason": "other", "details": "Onaardig"}),
        201,
    )
    .await;
    post_ok(
        &app,
        &moderator,
        &format!("/v1/reports/{}/resolve", report["id"].as_str().unwrap()),
        json!({"resolution": "warn", "reason": "Wees vriendelijk tegen de buren."}),
        200,
    )
    .await;
    // Her notification settings.
    ok(
        app.put_as(
            &anna,
            "/v1/me/notification-settings",
            &json!({"quiet_hours": {"start": "23:30", "end": "06:15"}, "digest": "daily",
                    "channels": [{"kind": "match_proposed", "push": true, "email": false}]}),
        )
        .await,
        200,
    )
    .await;
    // Her avatar.
    let uploaded = app
        .request(Method::POST, "/v1/uploads")
        .bearer(&anna.access_token)
        .raw("image/jpeg", photo())
        .await;
    let avatar = ok(uploaded, 201).await["id"].as_str().unwrap().to_owned();
    ok(
        app.request(Method::PATCH, "/v1/me")
            .bearer(&anna.access_token)
            .json(&json!({"avatar_image_id": avatar}))
            .await,
        200,
    )
    .await;
    World {
        avatar,
        app,
        admin,
        neighbourhood,
        anna,
        helper,
        resident,
        unverified,
        mediator,
        moderator,
        professional,
        referred,
        request,
        the_match,
        care_request,
        case,
        activity,
        other_activity,
    }
}

impl World {
    fn roles(&self) -> Vec<(&'static str, &Session)> {
        vec![
            ("anna", &self.anna),
            ("helper", &self.helper),
            ("resident", &self.resident),
            ("unverified", &self.unverified),
            ("mediator", &self.mediator),
            ("moderator", &self.moderator),
            ("professional", &self.professional),
            ("referred", &self.referred),
            ("admin", &self.admin),
        ]
    }

    fn queue_path(&self) -> String {
        format!("/v1/neighbourhoods/{}/cases", self.neighbourhood)
    }

    async fn queue_ids(&self, session: &Session) -> Vec<String> {
        let queue = self.app.get_as(session, &self.queue_path()).await;
        assert_eq!(queue.status, 200, "{}", queue.text());
        queue.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }

    fn audit_count(&self, action: &str) -> i64 {
        self.app.count(&format!(
            "SELECT COUNT(*) FROM case_audit WHERE case_id = '{}' AND action = '{action}'",
            self.case
        ))
    }
}

/// Defects 1 and 2: a professional sees a case only once it is referred to them with the
/// requester's consent; withdrawing the consent ends that access at once, everywhere, audited.
#[actix_web::test]
async fn care_data_reaches_a_professional_only_through_referral_and_consent() {
    let w = world().await;
    let case = format!("/v1/cases/{}", w.case);
    let notes = format!("{case}/notes");
    let audit = format!("{case}/audit");
    // (role, case, notes, audit, sees it in the queue)
    let expected: [(&str, u16, u16, u16, Option<bool>); 9] = [
        ("anna", 200, 403, 403, None),
        ("helper", 404, 404, 404, None),
        ("resident", 404, 404, 404, None),
        ("unverified", 404, 404, 404, None),
        ("mediator", 200, 200, 403, Some(true)),
        ("moderator", 404, 404, 404, None),
        ("professional", 404, 404, 404, Some(false)),
        ("referred", 200, 200, 200, Some(true)),
        ("admin", 200, 403, 200, Some(true)),
    ];
    for ((who, session), (role, case_status, notes_status, audit_status, in_queue)) in
        w.roles().into_iter().zip(expected)
    {
        assert_eq!(who, role);
        let read = w.app.get_as(session, &case).await;
        assert_eq!(
            read.status,
            case_status,
            "{who} reads the case: {}",
            read.text()
        );
        if read.status != 200 {
            // Not even the title or the escalation reason.
            assert!(!read.text().contains("rolstoel") && !read.text().contains("Niemand"));
        }
        assert_eq!(
            w.app.get_as(session, &notes).await.status,
            notes_status,
            "{who} notes"
        );
        assert_eq!(
            w.app.get_as(session, &audit).await.status,
            audit_status,
            "{who} audit"
        );
        match in_queue {
            Some(listed) => assert_eq!(
                w.queue_ids(session).await.contains(&w.case),
                listed,
                "{who}'s queue"
            ),
            None => assert_eq!(
                w.app.get_as(session, &w.queue_path()).await.status,
                403,
                "{who}'s queue"
            ),
        }
    }

    // Withdrawn: the referred professional loses everything at once, in the app as through
    // the partner API (no referral left); mediators keep working the case.
    let withdrawn = post_ok(
        &w.app,
        &w.anna,
        "/v1/me/consents",
        json!({"kind": "care_data", "given": false}),
        200,
    )
    .await;
    assert_eq!(withdrawn["items"][0]["kind"], "care_data");
    assert_eq!(withdrawn["items"][0]["given"], false);
    for path in [&case, &notes, &audit] {
        w.app
            .get_as(&w.referred, path)
            .await
            .assert_problem(404, "not_found");
    }
    w.app
        .post_as(&w.referred, &notes, &json!({"body": "Nog even?"}))
        .await
        .assert_problem(404, "not_found");
    assert!(!w.queue_ids(&w.referred).await.contains(&w.case));
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM case_referrals WHERE case_id = '{}'",
            w.case
        )),
        0
    );
    assert_eq!(w.audit_count("consent_withdrawn"), 1);
    let entries = ok(w.app.get_as(&w.admin, &audit).await, 200).await;
    assert!(
        entries["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "consent_withdrawn" && e["actor_id"] == json!(w.anna.user_id)),
        "{entries}"
    );
    assert_eq!(w.app.get_as(&w.mediator, &notes).await.status, 200);

    // Given again, nothing comes back by itself: a mediator refers again.
    post_ok(
        &w.app,
        &w.anna,
        "/v1/me/consents",
        json!({"kind": "care_data", "given": true}),
        200,
    )
    .await;
    w.app
        .get_as(&w.referred, &case)
        .await
        .assert_problem(404, "not_found");
    post_ok(
        &w.app,
        &w.mediator,
        &format!("{case}/referrals"),
        json!({"professional_id": w.referred.user_id}),
        201,
    )
    .await;
    assert_eq!(w.app.get_as(&w.referred, &notes).await.status, 200);
}

/// Withdrawing while a referral is being made: either the referral happened first and ends
/// with the withdrawal, or it is refused; never a referral standing after a withdrawal.
#[actix_web::test]
async fn a_withdrawal_racing_a_referral_leaves_no_access() {
    let w = world().await;
    let other = w.app.register("wijkteam3@example.nl").await;
    post_ok(
        &w.app,
        &w.admin,
        "/v1/admin/professionals",
        json!({"user_id": other.user_id, "municipality_code": "GM0001"}),
        201,
    )
    .await;
    let referral = format!("/v1/cases/{}/referrals", w.case);
    let body = json!({"professional_id": other.user_id});
    let withdraw = json!({"kind": "care_data", "given": false});
    let (referred, withdrawn) = futures_util::future::join(
        w.app.post_as(&w.mediator, &referral, &body),
        w.app.post_as(&w.anna, "/v1/me/consents", &withdraw),
    )
    .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
    assert!(
        referred.status == 201 || referred.status == 409,
        "{}",
        referred.text()
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM case_referrals WHERE case_id = '{}'",
            w.case
        )),
        0
    );
    w.app
        .get_as(&other, &format!("/v1/cases/{}", w.case))
        .await
        .assert_problem(404, "not_found");
}

/// `GET /v1/me/consents`: what stands, what each covers, and every change.
#[actix_web::test]
async fn consents_come_with_their_history() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let empty = ok(app.get_as(&anna, "/v1/me/consents").await, 200).await;
    assert_eq!(empty, json!({"items": [], "history": []}));
    for given in [true, false, false, true] {
        post_ok(
            &app,
            &anna,
            "/v1/me/consents",
            json!({"kind": "care_data", "given": given}),
            200,
        )
        .await;
    }
    post_ok(
        &app,
        &anna,
        "/v1/me/consents",
        json!({"kind": "terms", "given": true}),
        200,
    )
    .await;
    let listed = app
        .request(Method::GET, "/v1/me/consents")
        .bearer(&anna.access_token)
        .header("accept-language", "nl")
        .send()
        .await;
    let listed = ok(listed, 200).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let care = items.iter().find(|c| c["kind"] == "care_data").unwrap();
    assert_eq!(
        (care["given"].clone(), care["withdrawn_at"].clone()),
        (json!(true), Value::Null)
    );
    assert!(care["covers"].as_str().unwrap().contains("wijkteam"));
    let history: Vec<(String, String)> = listed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Withdrawing what is already withdrawn changes nothing, and is no change.
    assert_eq!(
        history,
        [
            ("care_data", "given"),
            ("care_data", "withdrawn"),
            ("care_data", "given"),
            ("terms", "given")
        ]
        .map(|(k, c)| (k.to_owned(), c.to_owned()))
    );
    // The history is one's own.
    let bert = app.register("bert@example.nl").await;
    assert_eq!(
        ok(app.get_as(&bert, "/v1/me/consents").await, 200).await["history"],
        json!([])
    );
    app.get("/v1/me/consents")
        .await
        .assert_problem(401, "unauthorized");
    app.request(Method::POST, "/v1/me/consents")
        .bearer(&anna.access_token)
        .json(&json!({"kind": "everything", "given": true}))
        .await
        .assert_problem(422, "validation_failed");
}

/// The paths that show the two parties of an accepted match each other's contact details.
const MATCH_PATHS: [&str; 3] = [
    "/v1/matches/{id}",
    "/v1/me/matches",
    "/v1/posts/{id}/matches",
];

/// Defect 3 and the data-minimisation pass: every GET in the spec, as every role (and
/// anonymously), never shows Anna's e-mail, phone, street or house number, except to the other
/// party of her accepted match, in that match. (Anna's own answers are hers.)
#[actix_web::test]
async fn no_endpoint_shows_contact_details_where_the_rule_says_it_must_not() {
    let w = world().await;
    let spec = w.app.get("/openapi.json").await.json();
    let mut paths: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect();
    paths.sort();
    assert!(paths.len() > 30, "every GET of the spec: {paths:?}");
    let concrete = |template: &str| -> String {
        let mut out = Vec::new();
        let segments: Vec<&str> = template.split('/').collect();
        for (index, segment) in segments.iter().enumerate() {
            let value = match *segment {
                "{code}" => "GM0001".to_owned(),
                s if s.starts_with('{') => match (segments[index - 1], s) {
                    ("neighbourhoods", _) => w.neighbourhood.clone(),
                    ("posts", _) => w.request.clone(),
                    ("matches", _) => w.the_match.clone(),
                    ("cases", _) => w.case.clone(),
                    ("users", _) => w.anna.user_id.clone(),
                    _ => uuid::Uuid::new_v4().to_string(),
                },
                s => s.to_owned(),
            };
            out.push(value);
        }
        out.join("/")
    };
    let mut callers: Vec<(&str, Option<String>)> = w
        .roles()
        .into_iter()
        .filter(|(who, _)| *who != "anna")
        .map(|(who, session)| (who, Some(session.access_token.clone())))
        .collect();
    callers.push(("anonymous", None));
    // A partner system of the municipality, with every scope.
    let client = post_ok(
        &w.app,
        &w.admin,
        "/v1/admin/clients",
        json!({"name": "Wijkteam", "municipalities": ["GM0001"], "scopes": [
            "neighbourhoods:read", "posts:read", "stats:read", "cases:referrals", "webhooks:manage"]}),
        201,
    )
    .await;
    let token = w
        .app
        .request(Method::POST, "/v1/auth/token")
        .raw(
            "application/x-www-form-urlencoded",
            format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                client["client_id"].as_str().unwrap(),
                client["client_secret"].as_str().unwrap()
            ),
        )
        .await;
    let token = ok(token, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    callers.push(("partner", Some(token)));
    let mut seen = std::collections::BTreeSet::new();
    for template in &paths {
        let path = concrete(template);
        for (who, session) in &callers {
            let mut request = w.app.request(Method::GET, &path);
            if let Some(token) = session {
                request = request.bearer(token);
            }
            let response = request.send().await;
            assert!(
                response.status.as_u16() < 500,
                "{who} GET {path}: {}",
                response.text()
            );
            let text = response.text();
            // The helper in the match; the wijkteam's system with the referred case, under
            // Anna's care-data consent (never her street or house number); the case's
            // mediators in the case, to reach her (issue 20, every read audited).
            let allowed = |private: &str| {
                (*who == "helper" && MATCH_PATHS.contains(&template.as_str()))
                    || (*who == "partner"
                        && template == "/v1/cases/{id}/referral"
                        && [EMAIL, PHONE].contains(&private))
                    || (*who == "mediator"
                        && template == "/v1/cases/{id}"
                        && [EMAIL, PHONE].contains(&private))
            };
            for private in [EMAIL, PHONE, STREET, HOUSE_NUMBER] {
                if text.contains(private) {
                    assert!(
                        allowed(private),
                        "{who} sees {private} at GET {path}: {text}"
                    );
                    seen.insert(*who);
                }
            }
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["helper", "mediator", "partner"],
        "the helper sees Anna's contact details in the match, the wijkteam in the referral, \
         the case's mediators in the case"
    );

    // The member list: names, never streets.
    let members = ok(
        w.app
            .get_as(
                &w.resident,
                &format!("/v1/neighbourhoods/{}/members", w.neighbourhood),
            )
            .await,
        200,
    )
    .await;
    let anna = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == json!(w.anna.user_id))
        .unwrap();
    assert_eq!(anna["display_name"], "annabel.zwanenbloem");
    assert!(anna.get("street").is_none());
    // And the spec says so.
    let member = &spec["components"]["schemas"]["MemberDto"];
    assert!(member["properties"].get("street").is_none(), "{member}");
    assert!(
        member["description"]
            .as_str()
            .unwrap()
            .contains("accepted match")
    );
}

/// The export: everything of Anna's, field by field; nothing of anyone else's.
#[actix_web::test]
async fn the_export_holds_everything_of_the_person_and_nothing_of_others() {
    let w = world().await;
    // The wijkteam reads the case referred to it, an administrator its log.
    let case_path = format!("/v1/cases/{}", w.case);
    ok(w.app.get_as(&w.referred, &case_path).await, 200).await;
    ok(
        w.app.get_as(&w.admin, &format!("{case_path}/audit")).await,
        200,
    )
    .await;
    let response = w.app.get_as(&w.anna, "/v1/me/export").await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(
        response
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"buurt-export-"),
        "a download"
    );
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("no-store")
    );
    let text = response.text();
    let export: Value = serde_json::from_str(&text).expect("one JSON document");
    assert_eq!(export["format"], "buurt-export/1");
    let profile = &export["profile"];
    assert_eq!(
        (
            profile["id"].clone(),
            profile["email"].clone(),
            profile["phone"].clone(),
            profile["street"].clone(),
            profile["house_number"].clone(),
            profile["postcode"].clone(),
            profile["bio"].clone(),
            profile["skills"].clone(),
        ),
        (
            json!(w.anna.user_id),
            json!(EMAIL),
            json!(PHONE),
            json!(STREET),
            json!(HOUSE_NUMBER),
            json!(POSTCODE),
            json!("Houdt van wandelen."),
            json!(["help"])
        )
    );
    let memberships = export["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(
        memberships[0]["neighbourhood"]["id"],
        json!(w.neighbourhood)
    );
    assert_eq!(memberships[0]["role"], "resident");
    assert_eq!(export["consents"]["items"][0]["kind"], "care_data");
    assert_eq!(export["consents"]["history"][0]["change"], "given");

    let mut titles: Vec<&str> = export["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        [
            "Boodschappen doen",
            "Soep koken",
            "Straatfeest",
            "Wekelijks wandelen met rolstoel"
        ]
    );
    let activity = export["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(w.activity))
        .unwrap();
    assert_eq!(
        (activity["kind"].clone(), activity["location"].clone()),
        (json!("activity"), json!("Buurthuis"))
    );

    let matches = export["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(
        (
            matches[0]["id"].clone(),
            matches[0]["request_id"].clone(),
            matches[0]["role"].clone(),
            matches[0]["status"].clone(),
            matches[0]["message"].clone(),
        ),
        (
            json!(w.the_match),
            json!(w.request),
            json!("requester"),
            json!("accepted"),
            Value::Null
        ),
        "the helper's proposal message is the helper's"
    );
    let messages = export["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (messages[0]["match_id"].clone(), messages[0]["body"].clone()),
        (json!(w.the_match), json!("Fijn, tot vrijdag!"))
    );
    let rsvps = export["rsvps"].as_array().unwrap();
    assert_eq!(rsvps.len(), 1);
    assert_eq!(
        (rsvps[0]["post_id"].clone(), rsvps[0]["status"].clone()),
        (json!(w.other_activity), json!("going"))
    );
    let notifications = export["notifications"].as_array().unwrap();
    assert!(!notifications.is_empty());
    let inbox = ok(
        w.app
            .get_as(&w.anna, "/v1/me/notifications?limit=100")
            .await,
        200,
    )
    .await;
    assert_eq!(
        notifications.len(),
        inbox["items"].as_array().unwrap().len(),
        "every notification"
    );
    assert_eq!(
        export["blocks"],
        json!([{"user_id": w.resident.user_id, "created_at": export["blocks"][0]["created_at"]}])
    );
    // Her device, as she lists it herself.
    let listed = w.app.get_as(&w.anna, "/v1/me/devices").await.json();
    assert_eq!(export["devices"], listed["items"], "{}", export["devices"]);
    assert_eq!(export["devices"].as_array().unwrap().len(), 1);
    assert!(
        export["devices"][0]["token"]
            .as_str()
            .unwrap()
            .starts_with("anna-phone:")
    );
    let reports = export["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(
        (reports[0]["reason"].clone(), reports[0]["details"].clone()),
        (json!("spam"), json!("Reclame van de buurman"))
    );
    let cases = export["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(
        (
            case["id"].clone(),
            case["request_id"].clone(),
            case["status"].clone()
        ),
        (json!(w.case), json!(w.care_request), json!("new"))
    );
    assert_eq!(
        case["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["body"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Mevrouw wil graag elke dinsdag."],
        "working notes are left out"
    );
    // Who read or did what: by role and organisation, in words, never by account or name.
    let audit: Vec<(&str, Value, &str, &str)> = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert!(a.get("actor_id").is_none(), "{a}");
            (
                a["reader"]["role"].as_str().unwrap(),
                a["reader"]["organisation"].clone(),
                a["action"].as_str().unwrap(),
                a["description"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        (
            "you",
            Value::Null,
            "escalate:requester",
            "handed the request to the mediators (requester)",
        ),
        ("mediator", json!("Kop"), "write_note", "wrote a note"),
        (
            "mediator",
            json!("Kop"),
            "refer",
            "referred the case to the wijkteam",
        ),
        (
            "professional",
            json!("Gemeente"),
            "read_case",
            "read the case",
        ),
        (
            "administrator",
            Value::Null,
            "read_audit",
            "read who saw the case (this log)",
        ),
    ] {
        assert!(audit.contains(&expected), "{expected:?} in {audit:?}");
    }
    for (who, session) in [
        ("mediator", &w.mediator),
        ("referred", &w.referred),
        ("admin", &w.admin),
    ] {
        assert!(
            !text.contains(&session.user_id),
            "the {who}'s account id in Anna's export"
        );
    }

    // Nothing of anyone else's.
    for foreign in [
        "helper@example.nl",
        "buur@example.nl",
        "Helper schrijft terug.",
        "Ik help graag.",
        "Eigen indruk",
        "Buurtborrel",
        "Koop nu",
    ] {
        assert!(!text.contains(foreign), "{foreign} in Anna's export");
    }
    let helpers = ok(w.app.get_as(&w.helper, "/v1/me/export").await, 200).await;
    let helpers_text = helpers.to_string();
    for anna_s in [
        EMAIL,
        PHONE,
        STREET,
        "Fijn, tot vrijdag!",
        "Straatfeest",
        "Mevrouw wil graag",
    ] {
        assert!(
            !helpers_text.contains(anna_s),
            "{anna_s} in the helper's export"
        );
    }
    assert_eq!(helpers["matches"][0]["role"], "helper");
    assert_eq!(helpers["matches"][0]["message"], "Ik help graag.");
    w.app
        .get("/v1/me/export")
        .await
        .assert_problem(401, "unauthorized");
}

/// A large export is streamed, and whole.
/// Issue 20's data in the export: lasting help with its sessions (her own notes and reason,
/// never the other party's), answers for occurrences of a series, matches a mediator brokered
/// (the mediator not named); and nothing of hers in another's export. Signals are the
/// mediators' working notes, like a case's working notes: not exported.
#[actix_web::test]
async fn the_export_holds_issue_20_s_data_of_the_person_only() {
    let w = world().await;
    let lasting = post(
        &w.app,
        &w.anna,
        &w.neighbourhood,
        json!({"kind": "request", "title": "Wandelmaatje", "body": "Elke week een rondje.",
               "category": "help", "recurrence": "weekly"}),
    )
    .await;
    let arrangement = post_ok(
        &w.app,
        &w.helper,
        &format!("/v1/posts/{lasting}/matches"),
        json!({"message": "Ik loop graag mee"}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/accept"),
        json!({}),
        200,
    )
    .await;
    let start = Utc::now().date_naive() - chrono::Days::new(14);
    w.app.sql(&format!(
        "UPDATE arrangements SET starts_on = '{start}' WHERE match_id = '{arrangement}'"
    ));
    let second = start + chrono::Days::new(7);
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/sessions"),
        json!({"on": start.to_string(), "status": "done", "note_to_mediator": "Mijn notitie"}),
        201,
    )
    .await;
    post_ok(
        &w.app,
        &w.helper,
        &format!("/v1/matches/{arrangement}/sessions"),
        json!({"on": second.to_string(), "status": "skipped",
               "note_to_mediator": "Notitie van de helper"}),
        201,
    )
    .await;
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/end"),
        json!({"reason": "Ik verhuis"}),
        200,
    )
    .await;
    // A series: she goes to its first occurrence.
    let first_start = (Utc::now() + chrono::Days::new(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let first = first_start.date_naive();
    let series = post(
        &w.app,
        &w.helper,
        &w.neighbourhood,
        json!({"kind": "activity", "title": "Koffieochtend", "body": "Elke week koffie.",
               "recurrence": "weekly",
               "activity": {"starts_at": first_start.to_rfc3339(),
                            "ends_at": (first_start + Duration::hours(2)).to_rfc3339(),
                            "location": "Buurthuis", "capacity": 5}}),
    )
    .await;
    let occurrence = format!("/v1/posts/{series}/rsvp?occurrence={first}");
    post_ok(&w.app, &w.anna, &occurrence, json!({}), 201).await;
    post_ok(&w.app, &w.resident, &occurrence, json!({}), 201).await;
    // A mediator brokers a match on another request of hers.
    let brokered_request = post(
        &w.app,
        &w.anna,
        &w.neighbourhood,
        json!({"kind": "request", "title": "Boodschappen", "body": "Wie helpt?",
               "category": "help"}),
    )
    .await;
    let brokered = post_ok(
        &w.app,
        &w.mediator,
        &format!("/v1/posts/{brokered_request}/matches"),
        json!({"helper_id": w.helper.user_id, "message": "Zou u willen helpen?"}),
        201,
    )
    .await;
    let brokered_id = brokered["id"].as_str().unwrap().to_owned();
    let recorded = w.app.count(&format!(
        "SELECT COUNT(*) FROM brokered_matches WHERE match_id = '{brokered_id}'"
    ));
    assert_eq!(recorded, 1);

    let export = ok(w.app.get_as(&w.anna, "/v1/me/export").await, 200).await;
    let arrangements = export["arrangements"].as_array().unwrap();
    assert_eq!(arrangements.len(), 1, "{}", export["arrangements"]);
    let a = &arrangements[0];
    assert_eq!(
        (
            a["match_id"].clone(),
            a["request_id"].clone(),
            a["role"].clone(),
            a["recurrence"].clone(),
            a["starts_on"].clone(),
            a["ends_on"].clone(),
            a["ended_by"].clone(),
            a["end_reason"].clone(),
        ),
        (
            json!(arrangement),
            json!(lasting),
            json!("requester"),
            json!("weekly"),
            json!(start.to_string()),
            Value::Null,
            json!("requester"),
            json!("Ik verhuis"),
        )
    );
    assert!(
        a["ended_at"].is_string() && a["created_at"].is_string(),
        "{a}"
    );
    let sessions: Vec<Value> = a["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert!(s["created_at"].is_string(), "{s}");
            json!([
                s["on"],
                s["status"],
                s["recorded_by"],
                s["note_to_mediator"]
            ])
        })
        .collect();
    assert_eq!(
        sessions,
        [
            json!([start.to_string(), "done", "requester", "Mijn notitie"]),
            json!([second.to_string(), "skipped", "helper", null]),
        ]
    );
    let rsvps = export["occurrence_rsvps"].as_array().unwrap();
    assert_eq!(rsvps.len(), 1, "{}", export["occurrence_rsvps"]);
    assert_eq!(
        (
            rsvps[0]["post_id"].clone(),
            rsvps[0]["occurrence"].clone(),
            rsvps[0]["status"].clone()
        ),
        (json!(series), json!(first.to_string()), json!("going"))
    );
    assert!(rsvps[0]["created_at"].is_string() && rsvps[0]["updated_at"].is_string());
    let brokered = export["brokered_matches"].as_array().unwrap();
    assert_eq!(brokered.len(), 1, "{}", export["brokered_matches"]);
    assert_eq!(brokered[0]["match_id"], json!(brokered_id));
    assert!(brokered[0]["case_id"].is_string(), "{}", brokered[0]);
    assert_eq!(brokered[0]["helper_accepted_at"], Value::Null);
    assert!(brokered[0]["created_at"].is_string());
    // Nothing names the mediator who brokered it, and no signal is exported.
    let fields: Vec<&String> = brokered[0].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["case_id", "created_at", "helper_accepted_at", "match_id"]
    );
    assert!(!brokered[0].to_string().contains(&w.mediator.user_id));
    assert!(export.get("signals").is_none());

    // The helper's export: their side; her note and reason are hers.
    let theirs = ok(w.app.get_as(&w.helper, "/v1/me/export").await, 200).await;
    let a = &theirs["arrangements"][0];
    assert_eq!(a["role"], "helper");
    assert_eq!(a["end_reason"], Value::Null);
    let notes: Vec<Value> = a["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["note_to_mediator"].clone())
        .collect();
    assert_eq!(notes, [Value::Null, json!("Notitie van de helper")]);
    assert!(!theirs.to_string().contains("Mijn notitie"));
    assert!(!theirs.to_string().contains("Ik verhuis"));
    // The resident's: their own answer only; no arrangement, no brokered match.
    let residents = ok(w.app.get_as(&w.resident, "/v1/me/export").await, 200).await;
    assert_eq!(residents["occurrence_rsvps"].as_array().unwrap().len(), 1);
    assert_eq!(residents["arrangements"], json!([]));
    assert_eq!(residents["brokered_matches"], json!([]));
}

#[actix_web::test]
async fn a_large_export_streams_whole() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let anna = app
        .member(&admin, &neighbourhood, "anna@example.nl", "resident")
        .await;
    let now = Utc::now().naive_utc();
    let rows: Vec<String> = (0..3000)
        .map(|_| {
            format!(
                "('{}', '{}', 'post_expired', NULL, '{now}', NULL, NULL)",
                uuid::Uuid::new_v4(),
                anna.user_id
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        app.sql(&format!(
            "INSERT INTO notifications (id, user_id, kind, post_id, created_at, read_at, match_id) VALUES {}",
            chunk.join(", ")
        ));
    }
    let response = app.get_as(&anna, "/v1/me/export").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-length"),
        None,
        "streamed, not sized up front"
    );
    let export = response.json();
    assert_eq!(export["notifications"].as_array().unwrap().len(), 3000);
}

/// Every column, by table, that holds a user id or a contact detail, and how erasure treats
/// it. A column whose name says it holds such a thing and is missing here fails
/// `erasure_leaves_no_trace`: add its table to `buurt_app::privacy::erase_account` (or give it
/// a foreign key that cascades) and list it here.
const PERSONAL_COLUMNS: &[(&str, &str, &str)] = &[
    (
        "users",
        "id",
        "the account row goes; a tombstone with a fresh id takes its place",
    ),
    ("users", "email", "goes with the account"),
    ("users", "phone", "goes with the account"),
    ("users", "street", "goes with the account"),
    ("users", "house_number", "goes with the account"),
    ("users", "postcode", "goes with the account"),
    ("refresh_tokens", "user_id", "cascade"),
    ("login_failures", "subject", "deleted by e-mail address"),
    ("memberships", "user_id", "cascade"),
    ("memberships", "verified_by", "set null"),
    ("membership_joins", "user_id", "cascade"),
    ("verification_letters", "user_id", "cascade"),
    ("verification_letters", "street", "cascade, with the letter"),
    (
        "verification_letters",
        "house_number",
        "cascade, with the letter",
    ),
    (
        "verification_letters",
        "postcode",
        "cascade, with the letter",
    ),
    (
        "verification_letters",
        "recipient",
        "cascade, with the letter",
    ),
    ("verification_letters", "created_by", "tombstone"),
    ("invites", "created_by", "cascade"),
    ("professional_grants", "user_id", "cascade"),
    (
        "posts",
        "author_id",
        "deleted, or tombstone where others depend on it",
    ),
    ("idempotency_keys", "scope", "deleted"),
    ("notifications", "user_id", "cascade"),
    (
        "rsvps",
        "user_id",
        "withdrawn; begun activities' answers to the tombstone",
    ),
    ("activity_organisers", "user_id", "tombstone"),
    ("matches", "requester_id", "cancelled, then tombstone"),
    ("matches", "helper_id", "cancelled, then tombstone"),
    ("match_messages", "author_id", "deleted"),
    ("consents", "user_id", "cascade"),
    ("consent_events", "user_id", "cascade"),
    ("cases", "requester_id", "withdrawn, then tombstone"),
    ("cases", "claimed_by", "tombstone"),
    ("case_notes", "author_id", "tombstone"),
    ("case_referrals", "professional_id", "deleted"),
    ("case_referrals", "referred_by", "tombstone"),
    (
        "case_audit",
        "actor_id",
        "tombstone (the log keeps its entries)",
    ),
    (
        "role_grants",
        "actor_id",
        "tombstone (the log keeps its entries)",
    ),
    (
        "role_grants",
        "target_id",
        "tombstone (the log keeps its entries)",
    ),
    ("user_blocks", "blocker_id", "cascade"),
    ("user_blocks", "blocked_id", "cascade"),
    (
        "stat_events",
        "actor_id",
        "tombstone: counts of distinct people stay",
    ),
    (
        "stat_events",
        "key",
        "tombstone: counts of distinct people stay",
    ),
    // issue 22 (h22stats): the rollups' people.
    (
        "stat_presence",
        "actor_id",
        "tombstone: counts of distinct people stay",
    ),
    ("account_erasures", "actor_id", "tombstone"),
    (
        "account_erasures",
        "tombstone_id",
        "names the tombstone only",
    ),
    // Issue 17: the delivery outbox, notification settings, account tokens, newsletters sent,
    // devices.
    ("deliveries", "user_id", "cascade"),
    ("notification_settings", "user_id", "cascade"),
    ("notification_preferences", "user_id", "cascade"),
    ("account_tokens", "user_id", "cascade"),
    ("account_tokens", "email", "cascade, with the token"),
    ("digest_sends", "user_id", "cascade"),
    ("devices", "user_id", "cascade"),
    ("devices", "token", "cascade, with the device"),
    // Issue 21: images.
    (
        "images",
        "uploader_id",
        "cascade: the uploads go, their stored bytes too",
    ),
    ("images", "avatar_of", "set null (the upload goes as hers)"),
    // Issue 19: moderation.
    ("reports", "reporter_id", "tombstone"),
    (
        "reports",
        "member_id",
        "cascade: reports about the person go",
    ),
    (
        "reports",
        "target_id",
        "a member target is the member: cascade",
    ),
    (
        "moderation_decisions",
        "member_id",
        "cascade: decisions about the person go",
    ),
    (
        "moderation_decisions",
        "target_id",
        "a member target is the member: cascade",
    ),
    ("moderation_decisions", "decided_by", "tombstone"),
    ("moderation_decisions", "appeal_decided_by", "tombstone"),
    ("posting_suspensions", "user_id", "cascade"),
    ("post_reviews", "author_id", "cascade"),
    ("post_reviews", "reviewed_by", "tombstone"),
    ("write_events", "user_id", "cascade"),
    (
        "moderation_log",
        "actor_id",
        "tombstone (the log keeps its entries)",
    ),
    (
        "moderation_log",
        "target_id",
        "a member target: tombstone (the log keeps its entries)",
    ),
    // issue 20 (h20a)
    (
        "brokered_matches",
        "brokered_by",
        "set null (the match keeps its brokerage)",
    ),
    // issue 20 (h20b): intake on behalf.
    (
        "offline_residents",
        "user_id",
        "an offline record: cascades with its user row",
    ),
    (
        "offline_residents",
        "registered_by",
        "the mediator: moves to the tombstone",
    ),
    (
        "offline_claim_codes",
        "created_by",
        "the mediator: moves to the tombstone",
    ),
    (
        "offline_filings",
        "filed_by",
        "the mediator: moves to the tombstone",
    ),
    (
        "offline_audit",
        "actor_id",
        "the mediator: moves to the tombstone",
    ),
    (
        "call_list_items",
        "done_by",
        "the mediator: moves to the tombstone",
    ),
    // issue 20 (h20d)
    (
        "signals",
        "subject",
        "cascade: a signal about a person goes with their `person_id`",
    ),
    ("signals", "acknowledged_by", "set null"),
    ("signal_audit", "actor_id", "set null"),
    // issue 18 for issue 20 (r2privacy)
    (
        "signals",
        "person_id",
        "cascade: signals about the person go (their audit with them)",
    ),
    (
        "offline_claim_codes",
        "resident_id",
        "cascade: codes to claim the person's record go",
    ),
    (
        "call_list_items",
        "resident_id",
        "cascade: calls to make to the person go",
    ),
    (
        "offline_audit",
        "resident_id",
        "tombstone (the log keeps its entries)",
    ),
    (
        "occurrence_rsvps",
        "user_id",
        "withdrawn (each occurrence's waitlist moves up), then cascade",
    ),
    // issue 20 (h20rest)
    (
        "match_messages",
        "sent_by",
        "the mediator who wrote for an offline resident: moves to the tombstone",
    ),
    (
        "offline_claims",
        "account_id",
        "cascade: the intake record goes with the account",
    ),
    (
        "offline_claims",
        "resident_id",
        "cascade with the account (the ended offline record's id)",
    ),
    (
        "offline_claims",
        "registered_by",
        "the mediator: moves to the tombstone",
    ),
];

/// Columns whose names sound personal but hold no person's data.
const NOT_PERSONAL: &[(&str, &str, &str)] = &[
    (
        "neighbourhood_postcodes",
        "postcode",
        "a neighbourhood's postcodes",
    ),
    ("matches", "proposed_by", "`requester` or `helper`"),
    (
        "cases",
        "escalated_by",
        "`requester`, `mediator`, `job` or `care_consent`",
    ),
    ("login_failures", "scope", "`account` or `client`"),
    // issue 18 for issue 20 (r2privacy): a party's role; the free text it wrote is blanked.
    (
        "arrangements",
        "ended_by",
        "`requester` or `helper`; the person's reason is blanked",
    ),
    (
        "arrangement_sessions",
        "recorded_by",
        "`requester` or `helper`; the person's note is blanked",
    ),
];

/// Whether (table, column) is listed as sounding personal without holding anyone's data.
pub(crate) fn not_personal(table: &str, column: &str) -> bool {
    NOT_PERSONAL
        .iter()
        .any(|(t, c, _)| *t == table && *c == column)
}

/// Whether a column's name says it holds a user id or a contact detail.
pub(crate) fn looks_personal(column: &str) -> bool {
    const NAMES: [&str; 11] = [
        "email",
        "phone",
        "street",
        "house_number",
        "postcode",
        "recipient",
        "subject",
        "scope",
        "user_id",
        "address",
        "token",
    ];
    NAMES.contains(&column)
        || column.ends_with("_by")
        || column.ends_with("user_id")
        || column.ends_with("_email")
        || column.ends_with("_phone")
        || [
            "author_id",
            "actor_id",
            "requester_id",
            "helper_id",
            "reporter_id",
            "blocker_id",
            "blocked_id",
            "professional_id",
            "target_id",
            "tombstone_id",
            "member_id",
            "recipient_id",
            "owner_id",
            "uploader_id",
            "avatar_of",
            "person_id",
            "resident_id",
        ]
        .contains(&column)
}

/// Every (table, column, type) of the schema, read from the database itself.
pub(crate) fn columns(app: &TestApp) -> Vec<(String, String, String)> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        t: String,
        #[diesel(sql_type = Text)]
        c: String,
        #[diesel(sql_type = Text)]
        ty: String,
    }
    let found: Vec<Column> = match app.database.connect() {
        buurt_persistence::DbConnection::Postgresql(mut conn) => diesel::sql_query(
            "SELECT table_name AS t, column_name AS c, data_type AS ty \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name NOT LIKE '\\_\\_%'",
        )
        .load(&mut conn),
        buurt_persistence::DbConnection::Sqlite(mut conn) => diesel::sql_query(
            "SELECT m.name AS t, p.name AS c, p.type AS ty FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_\\_%' ESCAPE '\\'",
        )
        .load(&mut conn),
    }
    .expect("the schema");
    found.into_iter().map(|c| (c.t, c.c, c.ty)).collect()
}

/// Every (table, column) with a foreign key to `users`, read from the database itself.
pub(crate) fn references_to_users(app: &TestApp) -> Vec<(String, String)> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::Text;
    #[derive(diesel::QueryableByName)]
    struct Reference {
        #[diesel(sql_type = Text)]
        t: String,
        #[diesel(sql_type = Text)]
        c: String,
    }
    let found: Vec<Reference> = match app.database.connect() {
        buurt_persistence::DbConnection::Postgresql(mut conn) => diesel::sql_query(
            "SELECT kcu.table_name AS t, kcu.column_name AS c \
             FROM information_schema.referential_constraints rc \
             JOIN information_schema.key_column_usage kcu \
               ON kcu.constraint_name = rc.constraint_name \
              AND kcu.constraint_schema = rc.constraint_schema \
             JOIN information_schema.key_column_usage pk \
               ON pk.constraint_name = rc.unique_constraint_name \
              AND pk.constraint_schema = rc.unique_constraint_schema \
             WHERE rc.constraint_schema = current_schema() AND pk.table_name = 'users'",
        )
        .load(&mut conn),
        buurt_persistence::DbConnection::Sqlite(mut conn) => diesel::sql_query(
            "SELECT m.name AS t, f.\"from\" AS c FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
             AND f.\"table\" = 'users'",
        )
        .load(&mut conn),
    }
    .expect("the foreign keys");
    found.into_iter().map(|r| (r.t, r.c)).collect()
}

/// The columns of any table that still hold one of `needles`: one query per column, on one
/// connection.
pub(crate) fn traces(app: &TestApp, needles: &[&str]) -> Vec<String> {
    use diesel::RunQueryDsl;
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    let postgres = app.database.is_postgres();
    let mut conn = app.database.connect();
    let mut found = Vec::new();
    for (table, column, ty) in columns(app) {
        let text = if postgres && ty == "bytea" {
            format!("encode(\"{column}\", 'escape')")
        } else {
            format!("CAST(\"{column}\" AS TEXT)")
        };
        let any = needles
            .iter()
            .map(|needle| format!("{text} LIKE '%{needle}%'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let query = format!("(SELECT COUNT(*) FROM \"{table}\" WHERE {any})");
        let count = match &mut conn {
            buurt_persistence::DbConnection::Postgresql(conn) => {
                diesel::select(sql::<BigInt>(&query)).get_result::<i64>(conn)
            }
            buurt_persistence::DbConnection::Sqlite(conn) => {
                diesel::select(sql::<BigInt>(&query)).get_result::<i64>(conn)
            }
        }
        .unwrap_or_else(|error| panic!("{query}: {error}"));
        if count > 0 {
            found.push(format!("{table}.{column} ({count})"));
        }
    }
    found
}

async fn delete_me(app: &TestApp, session: &Session, password: &str) -> TestResponse {
    app.request(Method::DELETE, "/v1/me")
        .bearer(&session.access_token)
        .json(&json!({"password": password}))
        .await
}

/// Deletion: every row that named Anna is gone or anonymised; the other party, the waitlist
/// and the case queue follow; the old credentials fail; the e-mail address registers afresh.
#[actix_web::test]
async fn erasure_leaves_no_trace() {
    let w = world().await;
    // Every column that looks personal is known to the erasure.
    let unknown: Vec<String> = columns(&w.app)
        .into_iter()
        .filter(|(table, column, _)| {
            looks_personal(column)
                && !PERSONAL_COLUMNS
                    .iter()
                    .chain(NOT_PERSONAL)
                    .any(|(t, c, _)| t == table && c == column)
        })
        .map(|(table, column, _)| format!("{table}.{column}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "columns that may hold a user id or contact detail, unknown to erasure: {unknown:?}"
    );
    // Whatever its name, a column that points at an account is known to the erasure.
    let references = references_to_users(&w.app);
    assert!(references.len() > 30, "{references:?}");
    let unknown: Vec<String> = references
        .iter()
        .filter(|(table, column)| {
            !PERSONAL_COLUMNS
                .iter()
                .any(|(t, c, _)| t == table && c == column)
        })
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "columns that point at an account, unknown to erasure: {unknown:?}"
    );
    // And the lists name nothing that is not there (a table dropped, a column renamed), so
    // they cannot go stale unnoticed.
    let schema = columns(&w.app);
    let stale: Vec<String> = PERSONAL_COLUMNS
        .iter()
        .chain(NOT_PERSONAL)
        .filter(|(table, column, _)| !schema.iter().any(|(t, c, _)| t == table && c == column))
        .map(|(table, column, _)| format!("{table}.{column}"))
        .collect();
    assert!(stale.is_empty(), "listed, but not in the schema: {stale:?}");
    let needles = [
        w.anna.user_id.as_str(),
        EMAIL,
        PHONE,
        STREET,
        HOUSE_NUMBER,
        POSTCODE,
        "annabel.zwanenbloem",
    ];
    // Issue 20's data of hers: lasting help with sessions (a note of hers, one of the
    // helper's), ended by her with a reason; a signal about her; an occurrence of a series.
    let lasting = ok(
        w.app
            .post_as(
                &w.anna,
                &format!("/v1/neighbourhoods/{}/posts", w.neighbourhood),
                &json!({"kind": "request", "title": "Wandelmaatje", "body": "Elke week een rondje.",
                        "category": "help", "recurrence": "weekly"}),
            )
            .await,
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let arrangement = post_ok(
        &w.app,
        &w.helper,
        &format!("/v1/posts/{lasting}/matches"),
        json!({"message": "Ik loop graag mee"}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/accept"),
        json!({}),
        200,
    )
    .await;
    let start = Utc::now().date_naive() - chrono::Days::new(42);
    w.app.sql(&format!(
        "UPDATE arrangements SET starts_on = '{start}' WHERE match_id = '{arrangement}'"
    ));
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/sessions"),
        json!({"on": start.to_string(), "status": "done",
               "note_to_mediator": "Groet van annabel.zwanenbloem"}),
        201,
    )
    .await;
    post_ok(
        &w.app,
        &w.helper,
        &format!("/v1/matches/{arrangement}/sessions"),
        json!({"on": (start + chrono::Days::new(7)).to_string(), "status": "done",
               "note_to_mediator": "Notitie van de helper"}),
        201,
    )
    .await;
    // Weeks missed since: the job raises a signal about her.
    let jobs = buurt_api::cli::commands::run_jobs(
        &buurt_api::Config::with_database_url(w.app.database.url()),
        Utc::now(),
    )
    .unwrap();
    assert_eq!(jobs.lapsed_arrangements, 1);
    let signals_about_anna = format!(
        "SELECT COUNT(*) FROM signals WHERE person_id = '{}'",
        w.anna.user_id
    );
    assert!(w.app.count(&signals_about_anna) >= 1);
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{arrangement}/end"),
        json!({"reason": "Verhuisd, groet annabel.zwanenbloem"}),
        200,
    )
    .await;
    // A weekly series with one place: she goes to the first occurrence, the resident waits.
    let first_start = (Utc::now() + chrono::Days::new(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    let first = first_start.date_naive();
    let series = post(
        &w.app,
        &w.helper,
        &w.neighbourhood,
        json!({"kind": "activity", "title": "Koffieochtend", "body": "Elke week koffie.",
               "recurrence": "weekly",
               "activity": {"starts_at": first_start.to_rfc3339(),
                            "ends_at": (first_start + Duration::hours(2)).to_rfc3339(),
                            "location": "Buurthuis", "capacity": 1}}),
    )
    .await;
    let occurrence = format!("/v1/posts/{series}/rsvp?occurrence={first}");
    let going = post_ok(&w.app, &w.anna, &occurrence, json!({}), 201).await;
    assert_eq!(going["status"], "going", "{going}");
    let waiting = post_ok(&w.app, &w.resident, &occurrence, json!({}), 201).await;
    assert_eq!(waiting["status"], "waitlisted", "{waiting}");
    let before = traces(&w.app, &needles);
    assert!(before.len() >= 10, "the scan finds Anna before: {before:?}");
    // Including the tables later issues added: the scan covers them.
    for table in [
        "devices",
        "images",
        "notification_settings",
        "notification_preferences",
        "reports",
        "moderation_decisions",
        "moderation_log",
        "consent_events",
        "case_audit",
        "stat_events",
        "arrangement_sessions",
        "arrangements",
        "occurrence_rsvps",
        "signals",
    ] {
        assert!(
            before
                .iter()
                .any(|found| found.starts_with(&format!("{table}."))),
            "the world has nothing of Anna's in {table}: {before:?}"
        );
    }
    let audit_entries = w.app.count("SELECT COUNT(*) FROM case_audit");
    let facts = w.app.count("SELECT COUNT(*) FROM stat_events");
    let people = w
        .app
        .count("SELECT COUNT(DISTINCT actor_id) FROM stat_events");

    // A wrong password, or none: nothing happens.
    delete_me(&w.app, &w.anna, "not the password")
        .await
        .assert_problem(403, "current_password_incorrect");
    w.app
        .request(Method::DELETE, "/v1/me")
        .bearer(&w.anna.access_token)
        .send()
        .await;
    assert_eq!(w.app.get_as(&w.anna, "/v1/me").await.status, 200);

    let stored = w.app.database.images_dir().join("images").join(&w.avatar);
    assert!(
        stored.is_dir(),
        "her avatar's bytes are stored: {}",
        stored.display()
    );

    assert_eq!(delete_me(&w.app, &w.anna, TEST_PASSWORD).await.status, 204);

    // Her photos' bytes are gone from the store too.
    let files = std::fs::read_dir(&stored).map_or(0, |dir| dir.count());
    assert_eq!(files, 0, "{} still holds her avatar", stored.display());
    let left = traces(&w.app, &needles);
    assert!(left.is_empty(), "Anna is still named in: {left:?}");
    w.app
        .get_as(&w.anna, "/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.app
        .login(EMAIL, TEST_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    w.app
        .refresh(&w.anna.refresh_token)
        .await
        .assert_problem(401, "invalid_refresh_token");

    // The helper's match is cancelled and they are told; the request it was on stays (it
    // had a match), by a former resident, closed.
    let the_match = ok(
        w.app
            .get_as(&w.helper, &format!("/v1/matches/{}", w.the_match))
            .await,
        200,
    )
    .await;
    assert_eq!(the_match["status"], "cancelled");
    assert_eq!(the_match["requester"]["display_name"], "former resident");
    assert_ne!(the_match["requester"]["id"], json!(w.anna.user_id));
    // The name follows the reader's language, wherever it shows.
    for (lang, name) in [("nl", "voormalig bewoner"), ("en", "former resident")] {
        let read = |path: String| {
            w.app
                .request(Method::GET, &path)
                .bearer(&w.helper.access_token)
                .header("accept-language", lang)
                .send()
        };
        let the_match = ok(read(format!("/v1/matches/{}", w.the_match)).await, 200).await;
        assert_eq!(the_match["requester"]["display_name"], name, "{lang}");
        let request = ok(read(format!("/v1/posts/{}", w.request)).await, 200).await;
        assert_eq!(request["author"]["display_name"], name, "{lang}");
        let feed = ok(
            read(format!("/v1/neighbourhoods/{}/posts", w.neighbourhood)).await,
            200,
        )
        .await;
        let activity = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == json!(w.activity))
            .unwrap_or_else(|| panic!("{feed}"));
        assert_eq!(activity["author"]["display_name"], name, "{lang}");
        let matches = ok(read(format!("/v1/posts/{}/matches", w.request)).await, 200).await;
        assert_eq!(matches["items"][0]["requester"]["display_name"], name);
    }
    let inbox = ok(
        w.app
            .get_as(&w.helper, "/v1/me/notifications?limit=100")
            .await,
        200,
    )
    .await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "match_cancelled"),
        "{inbox}"
    );
    let request = ok(
        w.app
            .get_as(&w.helper, &format!("/v1/posts/{}", w.request))
            .await,
        200,
    )
    .await;
    assert_eq!(request["status"], "closed");
    assert_eq!(request["author"]["display_name"], "former resident");
    // Her activity others signed up for stays; her news is gone.
    let activity = ok(
        w.app
            .get_as(&w.helper, &format!("/v1/posts/{}", w.activity))
            .await,
        200,
    )
    .await;
    assert_eq!(activity["author"]["id"], request["author"]["id"]);
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM posts WHERE title = 'Straatfeest'"),
        0
    );
    // The waitlist moved up.
    let attendees = ok(
        w.app
            .get_as(
                &w.helper,
                &format!("/v1/posts/{}/attendees", w.other_activity),
            )
            .await,
        200,
    )
    .await;
    assert!(
        attendees.to_string().contains(&w.resident.user_id),
        "{attendees}"
    );
    let resident_rsvp = w.app.count(&format!(
        "SELECT COUNT(*) FROM rsvps WHERE post_id = '{}' AND user_id = '{}' AND status = 'going'",
        w.other_activity, w.resident.user_id
    ));
    assert_eq!(resident_rsvp, 1);
    // Issue 20: the series' waitlist moved up for that occurrence; the signal about her is
    // gone; the sessions stay without her note, the helper's note stays, her reason is gone.
    let moved = w.app.count(&format!(
        "SELECT COUNT(*) FROM occurrence_rsvps WHERE post_id = '{series}' AND occurrence = '{first}' \
         AND user_id = '{}' AND status = 'going'",
        w.resident.user_id
    ));
    assert_eq!(moved, 1);
    assert_eq!(w.app.count(&signals_about_anna), 0);
    let sessions =
        format!("SELECT COUNT(*) FROM arrangement_sessions WHERE match_id = '{arrangement}'");
    assert_eq!(w.app.count(&sessions), 2);
    assert_eq!(
        w.app.count(&format!(
            "{sessions} AND note_to_mediator = 'Notitie van de helper'"
        )),
        1
    );
    assert_eq!(
        w.app
            .count(&format!("{sessions} AND note_to_mediator IS NULL")),
        1
    );
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM arrangements WHERE match_id = '{arrangement}' \
             AND ended_by = 'requester' AND end_reason IS NULL"
        )),
        1
    );
    // The case is withdrawn, out of the queue; its care request closed; the audit log kept.
    assert!(!w.queue_ids(&w.mediator).await.contains(&w.case));
    let case = ok(
        w.app
            .get_as(&w.mediator, &format!("/v1/cases/{}", w.case))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (case["status"].clone(), case["outcome"].clone()),
        (json!("resolved"), json!("withdrawn"))
    );
    assert!(w.app.count("SELECT COUNT(*) FROM case_audit") >= audit_entries);
    // Monitoring keeps its facts and its count of distinct people.
    assert!(w.app.count("SELECT COUNT(*) FROM stat_events") >= facts);
    assert!(
        w.app
            .count("SELECT COUNT(DISTINCT actor_id) FROM stat_events")
            >= people
    );
    // Nothing says who was erased; that someone was, is recorded.
    assert_eq!(
        w.app.count(
            "SELECT COUNT(*) FROM account_erasures WHERE by_admin = FALSE AND actor_id IS NULL"
        ),
        1
    );

    // The e-mail address registers afresh, with nothing of the old account.
    let again = w.app.register(EMAIL).await;
    assert_ne!(again.user_id, w.anna.user_id);
    let me = ok(w.app.get_as(&again, "/v1/me").await, 200).await;
    assert_eq!(
        (
            me["street"].clone(),
            me["phone"].clone(),
            me["postcode"].clone()
        ),
        (Value::Null, Value::Null, Value::Null)
    );
    let export = ok(w.app.get_as(&again, "/v1/me/export").await, 200).await;
    for section in [
        "memberships",
        "posts",
        "matches",
        "messages",
        "rsvps",
        "blocks",
        "reports",
        "cases",
        "occurrence_rsvps",
        "arrangements",
        "brokered_matches",
    ] {
        assert_eq!(export[section], json!([]), "{section}");
    }
    assert_eq!(export["consents"]["history"], json!([]));
}

/// The last moderator and the last administrator are refused, as when leaving; administrators
/// erase accounts, audited; nobody else does.
#[actix_web::test]
async fn erasure_by_administrators_and_the_last_of_their_kind() {
    let w = world().await;
    delete_me(&w.app, &w.moderator, TEST_PASSWORD)
        .await
        .assert_problem(409, "last_moderator");
    w.app
        .request(
            Method::DELETE,
            &format!("/v1/admin/users/{}", w.moderator.user_id),
        )
        .bearer(&w.admin.access_token)
        .send()
        .await
        .assert_problem(409, "last_moderator");
    delete_me(&w.app, &w.admin, TEST_PASSWORD)
        .await
        .assert_problem(409, "last_admin");
    assert_eq!(w.app.get_as(&w.moderator, "/v1/me").await.status, 200);
    assert_eq!(w.app.get_as(&w.admin, "/v1/me").await.status, 200);

    let erase = |session: &Session, user: &str| {
        w.app
            .request(Method::DELETE, &format!("/v1/admin/users/{user}"))
            .bearer(&session.access_token)
            .send()
    };
    erase(&w.mediator, &w.resident.user_id)
        .await
        .assert_problem(403, "forbidden");
    erase(&w.admin, &uuid::Uuid::new_v4().to_string())
        .await
        .assert_problem(404, "not_found");
    w.app
        .request(
            Method::DELETE,
            &format!("/v1/admin/users/{}", w.resident.user_id),
        )
        .send()
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(w.app.get_as(&w.resident, "/v1/me").await.status, 200);

    assert_eq!(erase(&w.admin, &w.resident.user_id).await.status, 204);
    w.app
        .get_as(&w.resident, "/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    assert_eq!(
        w.app.count(&format!(
            "SELECT COUNT(*) FROM account_erasures WHERE by_admin = TRUE AND actor_id = '{}'",
            w.admin.user_id
        )),
        1
    );
    assert!(traces(&w.app, &[w.resident.user_id.as_str(), "buur@example.nl"]).is_empty());
    // Erased is gone: a second time is a 404.
    erase(&w.admin, &w.resident.user_id)
        .await
        .assert_problem(404, "not_found");

    // With a second moderator, the first may go.
    let second = w
        .app
        .member(
            &w.admin,
            &w.neighbourhood,
            "moderator2@example.nl",
            "moderator",
        )
        .await;
    assert_eq!(
        delete_me(&w.app, &w.moderator, TEST_PASSWORD).await.status,
        204
    );
    assert_eq!(w.app.get_as(&second, "/v1/me").await.status, 200);
}

/// The neighbourhood's monitoring figures.
async fn figures(w: &World) -> Value {
    let path = format!(
        "/v1/neighbourhoods/{}/stats?from=2026-01-01&to=2027-12-31",
        w.neighbourhood
    );
    ok(w.app.get_as(&w.admin, &path).await, 200).await
}

/// Retention with a fixed clock: what is past its period goes, the rest stays, the counts are
/// printed, and the monitoring figures do not move.
#[actix_web::test]
async fn retention_removes_what_is_past_its_period_and_nothing_else() {
    let w = world().await;
    // Resolve the case; end the match.
    post_ok(
        &w.app,
        &w.mediator,
        &format!("/v1/cases/{}/status", w.case),
        json!({"status": "resolved", "outcome": "solved_offline", "summary": "Maatje gevonden."}),
        200,
    )
    .await;
    post_ok(
        &w.app,
        &w.anna,
        &format!("/v1/matches/{}/cancel", w.the_match),
        json!({}),
        200,
    )
    .await;
    // Partner outbox rows: one old delivered, one old pending, and a new one.
    w.app.sql(
        "INSERT INTO clients (id, name, secret_hash, scopes, municipalities, created_at, updated_at) \
         VALUES ('c1', 'Gemeente', 'x', 'cases:referrals', 'GM0001', '2020-01-01 00:00:00', '2020-01-01 00:00:00')",
    );
    w.app.sql(
        "INSERT INTO webhooks (id, client_id, url, secret, kinds, status, consecutive_failures, cursor, created_at, updated_at) \
         VALUES ('h1', 'c1', 'http://127.0.0.1:9/', 's', '', 'active', 0, 0, '2020-01-01 00:00:00', '2020-01-01 00:00:00')",
    );
    for (seq, status) in [
        (900001, "delivered"),
        (900002, "pending"),
        (900003, "delivered"),
    ] {
        w.app.sql(&format!(
            "INSERT INTO events (id, seq, kind, neighbourhood_id, municipality_code, subject_id, occurred_at) \
             VALUES ('{}', {seq}, 'case.escalated', '{}', 'GM0001', '{}', '2020-01-01 00:00:00')",
            uuid::Uuid::new_v4(), w.neighbourhood, uuid::Uuid::new_v4()
        ));
        w.app.sql(&format!(
            "INSERT INTO webhook_deliveries (id, webhook_id, event_seq, status, attempts, next_attempt_at, created_at, updated_at) \
             VALUES ('{}', 'h1', {seq}, '{status}', 1, '2020-01-01 00:00:00', '2020-01-01 00:00:00', '2020-01-01 00:00:00')",
            uuid::Uuid::new_v4()
        ));
    }
    // E-mail deliveries: one sent long ago, one still pending since then.
    for (status, settled) in [("sent", "'2020-01-02 00:00:00'"), ("pending", "NULL")] {
        w.app.sql(&format!(
            "INSERT INTO deliveries (id, user_id, channel, kind, payload, status, attempts, next_attempt_at, created_at, settled_at, last_error) \
             VALUES ('{}', '{}', 'email', 'match_proposed', '{{}}', '{status}', 1, '2020-01-01 00:00:00', '2020-01-01 00:00:00', {settled}, NULL)",
            uuid::Uuid::new_v4(), w.anna.user_id
        ));
    }
    let count = |sql: &str| w.app.count(sql);
    let deliveries_before = count("SELECT COUNT(*) FROM deliveries");
    let notes_before = count("SELECT COUNT(*) FROM case_notes");
    let messages_before = count("SELECT COUNT(*) FROM match_messages");
    let notifications_before = count("SELECT COUNT(*) FROM notifications");
    let events_before = count("SELECT COUNT(*) FROM events");
    let facts = count("SELECT COUNT(*) FROM stat_events");
    assert!(notes_before == 2 && messages_before == 2 && notifications_before > 0);
    let stats_before = figures(&w).await;

    let now = Utc::now();
    // The partner rows stay out of this part: they are for `run-jobs` below.
    let periods = buurt_app::privacy::retention::RetentionPeriods {
        partner_outbox_days: 1_000_000,
        ..Default::default()
    };
    let retain = |at: chrono::DateTime<Utc>| {
        let mut conn = w.app.database.connect();
        let clock = buurt_app::FixedClock(at);
        buurt_app::privacy::retention::apply_retention(
            &mut buurt_app::Cx::new(&mut conn, &clock),
            periods,
        )
        .unwrap()
    };
    // Five months on: only the delivery sent in 2020.
    assert_eq!(
        retain(now + Duration::days(5 * 31)),
        buurt_app::privacy::retention::Purged {
            deliveries: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries"),
        deliveries_before - 1
    );

    // Seven months on: notifications, and every settled delivery; the pending one stays.
    let purged = retain(now + Duration::days(7 * 31));
    assert_eq!(purged.notifications as i64, notifications_before);
    assert_eq!(
        count("SELECT COUNT(*) FROM deliveries WHERE settled_at IS NOT NULL"),
        0
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND created_at < '2021-01-01'"
        ),
        1
    );
    assert_eq!((purged.match_messages, purged.case_notes), (0, 0));
    assert_eq!(count("SELECT COUNT(*) FROM notifications"), 0);
    assert_eq!(
        count("SELECT COUNT(*) FROM match_messages"),
        messages_before
    );

    // Thirteen months on: the ended match's messages; the case's notes stay.
    let purged = retain(now + Duration::days(13 * 31));
    assert_eq!(purged.match_messages as i64, messages_before);
    assert_eq!(purged.case_notes, 0);
    assert_eq!(count("SELECT COUNT(*) FROM case_notes"), notes_before);

    // Twenty-five months on: the case keeps its outcome and dates only.
    let purged = retain(now + Duration::days(25 * 31));
    assert_eq!(
        (
            purged.case_notes as i64,
            purged.case_referrals,
            purged.cases_reduced
        ),
        (notes_before, 1, 1)
    );
    let case = ok(
        w.app
            .get_as(&w.mediator, &format!("/v1/cases/{}", w.case))
            .await,
        200,
    )
    .await;
    assert_eq!(
        (
            case["status"].clone(),
            case["outcome"].clone(),
            case["summary"].clone(),
            case["reason"].clone()
        ),
        (
            json!("resolved"),
            json!("solved_offline"),
            Value::Null,
            Value::Null
        )
    );
    assert!(case["created_at"].is_string() && case["updated_at"].is_string());
    // Again: nothing more.
    assert_eq!(retain(now + Duration::days(25 * 31)), Default::default());
    // The figures did not move.
    assert_eq!(count("SELECT COUNT(*) FROM stat_events"), facts);
    assert_eq!(figures(&w).await, stats_before);
    assert_eq!(count("SELECT COUNT(*) FROM events"), events_before);

    // `buurt run-jobs` applies it with the configured periods (30 days for the partner
    // outbox by default): the old delivered rows go, the pending delivery and its event stay.
    let config = buurt_api::Config::with_database_url(w.app.database.url());
    let report = buurt_api::cli::commands::run_jobs(&config, now).unwrap();
    assert_eq!(
        (
            report.retention.webhook_deliveries,
            report.retention.partner_events
        ),
        (2, 2)
    );
    assert_eq!(count("SELECT COUNT(*) FROM webhook_deliveries"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM events WHERE seq = 900002"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM events"), events_before - 2);
    let mut longer = buurt_api::Config::with_database_url(w.app.database.url());
    longer.retain_partner_outbox_days = 100_000;
    w.app
        .sql("UPDATE webhook_deliveries SET status = 'delivered'");
    let report = buurt_api::cli::commands::run_jobs(&longer, now).unwrap();
    assert_eq!(report.retention.webhook_deliveries, 0, "kept for longer");
}

/// `DELETE /v1/me` takes the password or a fresh login, exactly one; anything else changes
/// nothing. Two at once erase once.
#[actix_web::test]
async fn erasure_needs_the_password_or_a_fresh_login() {
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    let delete = |session: &Session, body: Value| {
        let request = app
            .request(Method::DELETE, "/v1/me")
            .bearer(&session.access_token);
        async move { request.json(&body).await }
    };
    for body in [
        json!({}),
        json!({"password": ""}),
        json!({"password": TEST_PASSWORD, "refresh_token": anna.refresh_token}),
        json!({"password": null, "refresh_token": null}),
    ] {
        delete(&anna, body.clone())
            .await
            .assert_problem(422, "validation_failed");
    }
    delete(&anna, json!({"password": TEST_PASSWORD, "reason": "weg"}))
        .await
        .assert_problem(422, "validation_failed");
    delete(&anna, json!({"password": 12}))
        .await
        .assert_problem(422, "validation_failed");
    app.request(Method::DELETE, "/v1/me")
        .bearer(&anna.access_token)
        .raw("application/json", "{")
        .await
        .assert_problem(400, "malformed_json");
    app.request(Method::DELETE, "/v1/me")
        .json(&json!({"password": TEST_PASSWORD}))
        .await
        .assert_problem(401, "unauthorized");
    // Someone else's fresh login is no proof.
    delete(&anna, json!({"refresh_token": bert.refresh_token}))
        .await
        .assert_problem(403, "login_not_fresh");
    // A login that began 11 minutes ago is not fresh, however recently it was refreshed.
    app.sql(&format!(
        "UPDATE refresh_tokens SET created_at = '2020-01-01 00:00:00' WHERE user_id = '{}'",
        anna.user_id
    ));
    let refreshed = ok(app.refresh(&anna.refresh_token).await, 200).await;
    let token = refreshed["refresh_token"].as_str().unwrap().to_owned();
    delete(&anna, json!({"refresh_token": token}))
        .await
        .assert_problem(403, "login_not_fresh");
    assert_eq!(app.get_as(&anna, "/v1/me").await.status, 200);

    // Signed in just now: the refresh token of that login is enough.
    let fresh = ok(app.login("anna@example.nl", TEST_PASSWORD).await, 200).await;
    let fresh_token = fresh["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        delete(&anna, json!({"refresh_token": fresh_token}))
            .await
            .status,
        204
    );
    app.login("anna@example.nl", TEST_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");

    // Two at once: one erases, the other finds nobody.
    let answers = futures_util::future::join_all(
        (0..2).map(|_| delete(&bert, json!({"password": TEST_PASSWORD}))),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert!(
        statuses == [204, 401] || statuses == [204, 404],
        "{statuses:?}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM account_erasures"), 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE erased_at IS NULL"),
        0
    );
}

/// An erased account's access token, still trusted for a moment by another node's cache:
/// every write with it there is 401 `invalid_token`, never a 500 from a foreign key to the
/// account that is gone, and leaves nothing that names the person.
#[actix_web::test]
async fn an_erased_account_s_token_on_another_node_is_refused_never_a_500() {
    let app = spawn_app().await;
    let other_node = app.another_node(|_| {});
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    let anna = app
        .member(&admin, &neighbourhood, "anna@example.nl", "resident")
        .await;
    let bert = app
        .member(&admin, &neighbourhood, "bert@example.nl", "resident")
        .await;
    let bert_s_post = post(
        &app,
        &bert,
        &neighbourhood,
        json!({"kind": "news", "title": "Markt", "body": "Zaterdag."}),
    )
    .await;
    // The other node has read Anna's standing, and trusts it for a few seconds.
    assert_eq!(other_node.get_as(&anna, "/v1/me").await.status, 200);

    assert_eq!(delete_me(&app, &anna, TEST_PASSWORD).await.status, 204);

    // At once, on the other node, with the old token: writes that would meet the account's
    // foreign keys, a membership that went with it, and its own row.
    let writes: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/v1/me/consents".to_owned(),
            json!({"kind": "care_data", "given": true}),
        ),
        (
            Method::POST,
            "/v1/me/devices".to_owned(),
            json!({"platform": "android", "token": "anna-after-erasure"}),
        ),
        (
            Method::POST,
            format!("/v1/users/{}/block", bert.user_id),
            json!({}),
        ),
        (
            Method::POST,
            format!("/v1/posts/{bert_s_post}/reports"),
            json!({"reason": "spam"}),
        ),
        (
            Method::POST,
            format!("/v1/neighbourhoods/{neighbourhood}/posts"),
            json!({"kind": "news", "title": "Nog even", "body": "Hallo."}),
        ),
        (Method::PATCH, "/v1/me".to_owned(), json!({"bio": "Terug?"})),
        (Method::GET, "/v1/me".to_owned(), Value::Null),
    ];
    for (method, path, body) in writes {
        let request = other_node
            .request(method.clone(), &path)
            .bearer(&anna.access_token)
            .header("idempotency-key", &uuid::Uuid::new_v4().to_string());
        let response = if body.is_null() {
            request.send().await
        } else {
            request.json(&body).await
        };
        response.assert_problem(401, "invalid_token");
        assert!(
            response
                .header("www-authenticate")
                .is_some_and(|v| v.contains("invalid_token")),
            "{method} {path}"
        );
    }
    // Nothing of hers was written, nor kept (idempotency keys included).
    assert!(
        traces(&app, &[anna.user_id.as_str(), "anna@example.nl"]).is_empty(),
        "{:?}",
        traces(&app, &[anna.user_id.as_str(), "anna@example.nl"])
    );
    // Bert, on the same node, goes on as before.
    assert_eq!(other_node.get_as(&bert, "/v1/me").await.status, 200);
    drop(other_node);
}

/// Blocks of an account while it is being erased: each is made before the erasure (and goes
/// with it) or refused (404, or 409 `reference_gone` when the account went between the check
/// and the write); never a 500.
#[actix_web::test]
async fn writes_racing_an_erasure_are_refused_never_a_500() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let neighbourhood = app
        .create_neighbourhood(&admin, "BU00000001", "Kop", &[])
        .await;
    for round in 0..3 {
        let anna = app
            .member(
                &admin,
                &neighbourhood,
                &format!("anna{round}@example.nl"),
                "resident",
            )
            .await;
        let mut others = Vec::new();
        for i in 0..6 {
            others.push(
                app.member(
                    &admin,
                    &neighbourhood,
                    &format!("buur{round}-{i}@example.nl"),
                    "resident",
                )
                .await,
            );
        }
        let block = format!("/v1/users/{}/block", anna.user_id);
        let nothing = json!({});
        let writes = others
            .iter()
            .map(|session| app.post_as(session, &block, &nothing));
        let (erased, answers) = futures_util::future::join(
            delete_me(&app, &anna, TEST_PASSWORD),
            futures_util::future::join_all(writes),
        )
        .await;
        assert_eq!(erased.status, 204, "{}", erased.text());
        for answer in answers {
            match answer.status.as_u16() {
                200 | 201 | 404 => {}
                409 => {
                    answer.assert_problem(409, "reference_gone");
                }
                other => panic!("{other}: {}", answer.text()),
            }
        }
        assert!(traces(&app, &[anna.user_id.as_str()]).is_empty());
    }
}

/// The export is one snapshot: what is written while it is read (here, between its first
/// part and the rest) is not in it, and it is in the next one.
#[actix_web::test]
async fn the_export_reads_one_snapshot() {
    use buurt_app::privacy::export::{Part, Section, export};
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let bert = app.register("bert@example.nl").await;
    let user = buurt_domain::accounts::UserId(anna.user_id.parse().unwrap());
    let now = Utc::now().naive_utc();
    let write = |n: usize| {
        app.sql(&format!(
            "INSERT INTO notifications (id, user_id, kind, post_id, created_at, read_at, match_id) \
             VALUES ('{}', '{}', 'post_expired', NULL, '{now}', NULL, NULL)",
            uuid::Uuid::new_v4(),
            anna.user_id
        ));
        if n == 0 {
            app.sql(&format!(
                "INSERT INTO user_blocks (blocker_id, blocked_id, created_at) \
                 VALUES ('{}', '{}', '{now}')",
                anna.user_id, bert.user_id
            ));
        }
    };
    write(1);
    let read = |during: &dyn Fn()| {
        let mut conn = app.database.connect();
        let clock = buurt_app::SystemClock;
        let mut sections = Vec::new();
        export::<buurt_app::AppError, _>(
            &mut buurt_app::Cx::new(&mut conn, &clock),
            user,
            |part| {
                match part {
                    // Someone writes, and commits, after the export began.
                    Part::Head(_) => during(),
                    Part::Section(section) => sections.push(section),
                }
                Ok(())
            },
        )
        .unwrap();
        sections
    };
    let counts = |sections: &[Section]| {
        let mut notifications = None;
        let mut blocks = None;
        for section in sections {
            match section {
                Section::Notifications(rows) => notifications = Some(rows.len()),
                Section::Blocks(rows) => blocks = Some(rows.len()),
                _ => {}
            }
        }
        (notifications.unwrap(), blocks.unwrap())
    };
    let first = read(&|| write(0));
    assert_eq!(
        counts(&first),
        (1, 0),
        "the export saw writes made after it began"
    );
    // They were written: the next export has them.
    let second = read(&|| {});
    assert_eq!(counts(&second), (2, 1));
}

/// Under a steady stream of writes, the downloaded export still agrees with itself: each
/// write adds a notification and a device together, and the export (which reads the
/// notifications well before the devices) holds both or neither of each.
#[actix_web::test]
async fn an_export_downloaded_while_others_write_agrees_with_itself() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = spawn_app().await;
    let anna = app.register("anna@example.nl").await;
    let now = Utc::now().naive_utc();
    // Enough to make the download take a while.
    let rows: Vec<String> = (0..3000)
        .map(|_| {
            format!(
                "('{}', '{}', 'post_expired', NULL, '{now}', NULL, NULL)",
                uuid::Uuid::new_v4(),
                anna.user_id
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        app.sql(&format!(
            "INSERT INTO notifications (id, user_id, kind, post_id, created_at, read_at, match_id) VALUES {}",
            chunk.join(", ")
        ));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = Arc::clone(&stop);
        let mut conn = app.database.connect();
        let user = anna.user_id.clone();
        std::thread::spawn(move || {
            use diesel::connection::SimpleConnection;
            let mut written = 0;
            while !stop.load(Ordering::SeqCst) {
                let id = uuid::Uuid::new_v4();
                let now = Utc::now().naive_utc();
                conn.batch_execute(&format!(
                    "BEGIN; \
                     INSERT INTO notifications (id, user_id, kind, post_id, created_at, read_at, match_id) \
                     VALUES ('{id}', '{user}', 'post_expired', NULL, '{now}', NULL, NULL); \
                     INSERT INTO devices (id, user_id, login_id, platform, token, app_version, created_at, updated_at) \
                     VALUES ('{}', '{user}', NULL, 'android', 'snap-{id}', NULL, '{now}', '{now}'); \
                     COMMIT;",
                    uuid::Uuid::new_v4()
                ))
                .expect("the writer writes");
                written += 1;
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            written
        })
    };
    let mut last = 0;
    for _ in 0..3 {
        let response = app.get_as(&anna, "/v1/me/export").await;
        assert_eq!(response.status, 200);
        let export = response.json();
        let notifications: std::collections::BTreeSet<String> = export["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        let devices: Vec<String> = export["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                d["token"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("snap-")
                    .to_owned()
            })
            .collect();
        let paired = notifications.len() - 3000;
        assert_eq!(
            devices.len(),
            paired,
            "a device without its notification, or the reverse"
        );
        for device in &devices {
            assert!(notifications.contains(device), "{device}");
        }
        last = paired;
    }
    stop.store(true, Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(
        written > last,
        "the writer went on writing while the exports were read ({written} written)"
    );
}
