//! Local fakes of the push services, real servers on 127.0.0.1 that check what the real ones
//! check: FCM (HTTP/1.1; an OAuth token endpoint that verifies the RS256 grant with the service
//! account's public key, and `messages:send` that checks the bearer token and the message) and
//! APNs (HTTP/2 over TLS; verifies the ES256 provider token with the key's public half, the
//! `apns-topic` and `apns-push-type` headers and the payload). Each answers per device token:
//! success, unregistered, or unavailable.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

/// A file of the push fixtures (`tests/fixtures/push`).
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/push")
        .join(name)
}

/// How a fake answers for one device token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeAnswer {
    Success,
    /// FCM: 404 `UNREGISTERED`; APNs: 410 `Unregistered`.
    Unregistered,
    /// The token is malformed: FCM 400 `INVALID_ARGUMENT` naming `message.token`; APNs 400
    /// `BadDeviceToken`.
    Invalid,
    /// 503.
    Unavailable,
}

/// What a fake saw and how it answers; shared with its server.
#[derive(Default)]
pub struct FakeState {
    /// Accepted messages (FCM: the `message` object; APNs: the token and the payload).
    pub accepted: Mutex<Vec<Value>>,
    /// Requests refused for bad credentials or a bad shape, with the reason.
    pub refused: Mutex<Vec<String>>,
    /// FCM: the grants verified; APNs: the distinct provider tokens seen.
    pub grants: Mutex<Vec<Value>>,
    answers: Mutex<HashMap<String, FakeAnswer>>,
}

impl FakeState {
    pub fn answer(&self, token: &str, answer: FakeAnswer) {
        self.answers
            .lock()
            .unwrap()
            .insert(token.to_owned(), answer);
    }

    fn answer_for(&self, token: &str) -> FakeAnswer {
        self.answers
            .lock()
            .unwrap()
            .get(token)
            .copied()
            .unwrap_or(FakeAnswer::Success)
    }

    fn refuse(&self, reason: String) {
        self.refused.lock().unwrap().push(reason);
    }

    pub fn accepted(&self) -> Vec<Value> {
        self.accepted.lock().unwrap().clone()
    }

    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }

    pub fn grants(&self) -> usize {
        self.grants.lock().unwrap().len()
    }
}

/// The service account the fake FCM knows.
pub const FCM_PROJECT: &str = "buurt-test";
pub const FCM_CLIENT_EMAIL: &str = "push@buurt-test.iam.gserviceaccount.com";
pub const FCM_KEY_ID: &str = "fcm-key-1";
const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

/// A fake FCM: `POST /token` and `POST /v1/projects/buurt-test/messages:send`.
pub struct FakeFcm {
    /// The base URL (`BUURT_FCM_URL`).
    pub url: String,
    /// Where the grant goes (the service account's `token_uri`).
    pub token_uri: String,
    pub state: Arc<FakeState>,
    /// The `expires_in` of the access tokens it issues, in seconds.
    pub expires_in: Arc<std::sync::atomic::AtomicU64>,
    issued: Arc<Mutex<HashSet<String>>>,
    server: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

#[derive(Clone)]
struct FcmContext {
    state: Arc<FakeState>,
    token_uri: Arc<Mutex<String>>,
    issued: Arc<Mutex<HashSet<String>>>,
    expires_in: Arc<std::sync::atomic::AtomicU64>,
    public_key: Arc<DecodingKey>,
}

impl FakeFcm {
    pub fn start() -> Self {
        use actix_web::{App, HttpServer, web};
        let public = std::fs::read(fixture("fcm-service-account-public.pkcs1.der"))
            .expect("the FCM public key fixture");
        let context = FcmContext {
            state: Arc::default(),
            token_uri: Arc::default(),
            issued: Arc::default(),
            expires_in: Arc::new(std::sync::atomic::AtomicU64::new(3600)),
            public_key: Arc::new(DecodingKey::from_rsa_der(&public)),
        };
        let shared = context.clone();
        let (ready, started) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(web::Data::new(shared.clone()))
                        .route("/token", web::post().to(fcm_token))
                        .route(
                            "/v1/projects/{project}/messages:send",
                            web::post().to(fcm_send),
                        )
                })
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind the fake FCM");
                let port = server.addrs()[0].port();
                let server = server.run();
                ready.send((port, server.handle())).expect("the test waits");
                server.await
            })
        });
        let (port, server) = started.recv().expect("the fake FCM starts");
        let url = format!("http://127.0.0.1:{port}");
        let token_uri = format!("{url}/token");
        *context.token_uri.lock().unwrap() = token_uri.clone();
        Self {
            url,
            token_uri,
            state: context.state,
            expires_in: context.expires_in,
            issued: context.issued,
            server,
            thread: Some(thread),
        }
    }

    /// Revokes every access token issued so far (they answer 401 from now on).
    pub fn revoke_access_tokens(&self) {
        self.issued.lock().unwrap().clear();
    }

    /// A service account key file for this fake, in `dir`, with the private key in the
    /// fixture `key` (`fcm-service-account-key.pem` is the one the fake knows).
    pub fn credentials(&self, dir: &std::path::Path, key: &str) -> PathBuf {
        let path = dir.join(format!("service-account-{key}.json"));
        let key = std::fs::read_to_string(fixture(key)).expect("the FCM key fixture");
        let account = json!({
            "type": "service_account",
            "project_id": FCM_PROJECT,
            "private_key_id": FCM_KEY_ID,
            "private_key": key,
            "client_email": FCM_CLIENT_EMAIL,
            "client_id": "1234567890",
            "token_uri": self.token_uri,
        });
        std::fs::write(&path, account.to_string()).expect("write the key file");
        path
    }
}

impl Drop for FakeFcm {
    fn drop(&mut self) {
        drop(self.server.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(serde::Deserialize)]
struct GrantForm {
    grant_type: String,
    assertion: String,
}

async fn fcm_token(
    context: actix_web::web::Data<FcmContext>,
    form: actix_web::web::Form<GrantForm>,
) -> actix_web::HttpResponse {
    use actix_web::HttpResponse;
    let refuse = |reason: String| {
        context.state.refuse(format!("token: {reason}"));
        HttpResponse::BadRequest()
            .json(json!({"error": "invalid_grant", "error_description": reason}))
    };
    if form.grant_type != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
        return refuse(format!("grant_type {}", form.grant_type));
    }
    let token_uri = context.token_uri.lock().unwrap().clone();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[token_uri]);
    validation.set_issuer(&[FCM_CLIENT_EMAIL]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
    let grant =
        match jsonwebtoken::decode::<Value>(&form.assertion, &context.public_key, &validation) {
            Ok(grant) => grant,
            Err(error) => return refuse(format!("the grant does not verify: {error}")),
        };
    if grant.header.kid.as_deref() != Some(FCM_KEY_ID) {
        return refuse(format!("kid {:?}", grant.header.kid));
    }
    let claims = grant.claims;
    if claims["scope"] != FCM_SCOPE {
        return refuse(format!("scope {}", claims["scope"]));
    }
    let lifetime = claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0);
    if !(1..=3600).contains(&lifetime) {
        return refuse(format!("a grant for {lifetime} s"));
    }
    let access_token = format!("ya29.fake-{}", uuid::Uuid::new_v4().simple());
    context.issued.lock().unwrap().insert(access_token.clone());
    context.state.grants.lock().unwrap().push(claims);
    HttpResponse::Ok().json(json!({
        "access_token": access_token,
        "expires_in": context.expires_in.load(std::sync::atomic::Ordering::SeqCst),
        "token_type": "Bearer",
    }))
}

fn fcm_error(status: u16, state: &str, code: Option<&str>) -> actix_web::HttpResponse {
    let mut error = json!({"code": status, "message": state, "status": state});
    if let Some(code) = code {
        error["details"] = json!([{
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": code,
        }]);
    }
    actix_web::HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({ "error": error }))
}

/// The problem with an FCM message's shape, if any.
fn fcm_shape_problem(body: &Value) -> Option<String> {
    let message = &body["message"];
    if message["token"].as_str().is_none_or(str::is_empty) {
        return Some("message.token is not a non-empty string".into());
    }
    for field in ["title", "body"] {
        if !message["notification"][field].is_string() {
            return Some(format!("message.notification.{field} is not a string"));
        }
    }
    if let Some(data) = message.get("data") {
        let all_strings = data
            .as_object()
            .is_some_and(|data| data.values().all(Value::is_string));
        if !all_strings {
            return Some("message.data holds a value that is not a string".into());
        }
    }
    None
}

async fn fcm_send(
    req: actix_web::HttpRequest,
    context: actix_web::web::Data<FcmContext>,
    project: actix_web::web::Path<String>,
    body: actix_web::web::Bytes,
) -> actix_web::HttpResponse {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !context.issued.lock().unwrap().contains(bearer) {
        context
            .state
            .refuse(format!("send: unknown access token {bearer:?}"));
        return fcm_error(401, "UNAUTHENTICATED", None);
    }
    if *project != FCM_PROJECT {
        context.state.refuse(format!("send: project {project}"));
        return fcm_error(403, "PERMISSION_DENIED", None);
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    if let Some(problem) = fcm_shape_problem(&body) {
        context.state.refuse(format!("send: {problem}"));
        return fcm_error(400, "INVALID_ARGUMENT", Some("INVALID_ARGUMENT"));
    }
    let message = body["message"].clone();
    let token = message["token"].as_str().unwrap_or_default();
    match context.state.answer_for(token) {
        FakeAnswer::Success => {
            context.state.accepted.lock().unwrap().push(message);
            actix_web::HttpResponse::Ok().json(json!({
                "name": format!("projects/{FCM_PROJECT}/messages/{}", uuid::Uuid::new_v4().simple())
            }))
        }
        FakeAnswer::Unregistered => fcm_error(404, "NOT_FOUND", Some("UNREGISTERED")),
        FakeAnswer::Invalid => {
            let answer = json!({"error": {
                "code": 400,
                "message": "The registration token is not a valid FCM registration token",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                     "errorCode": "INVALID_ARGUMENT"},
                    {"@type": "type.googleapis.com/google.rpc.BadRequest",
                     "fieldViolations": [{"field": "message.token",
                                          "description": "Invalid registration token"}]},
                ],
            }});
            actix_web::HttpResponse::BadRequest().json(answer)
        }
        FakeAnswer::Unavailable => fcm_error(503, "UNAVAILABLE", Some("UNAVAILABLE")),
    }
}

/// The APNs key and app the fake APNs knows.
pub const APNS_KEY_ID: &str = "ABC123DEFG";
pub const APNS_TEAM_ID: &str = "DEF123GHIJ";
pub const APNS_TOPIC: &str = "nl.buurt.app";

/// A fake APNs: HTTP/2 over TLS (a certificate from `ca.pem`), `POST /3/device/{token}`.
pub struct FakeApns {
    /// The base URL (`BUURT_APNS_URL`).
    pub url: String,
    pub state: Arc<FakeState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct ApnsContext {
    state: Arc<FakeState>,
    public_key: DecodingKey,
    provider_tokens: Mutex<HashSet<String>>,
}

impl FakeApns {
    pub fn start() -> Self {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certificates: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(fixture("tls-cert.pem"))
                .expect("the TLS certificate fixture")
                .collect::<Result<_, _>>()
                .expect("a PEM certificate");
        let key = PrivateKeyDer::from_pem_file(fixture("tls-key.pem")).expect("the TLS key");
        let mut tls = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certificates, key)
            .expect("a usable certificate");
        tls.alpn_protocols = vec![b"h2".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let point = std::fs::read(fixture("apns-AuthKey-public.point")).expect("the APNs key");
        let context = Arc::new(ApnsContext {
            state: Arc::default(),
            public_key: DecodingKey::from_ec_der(&point),
            provider_tokens: Mutex::default(),
        });
        let state = context.state.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, started) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let listener = actix_web::rt::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind the fake APNs");
                ready
                    .send(listener.local_addr().expect("an address").port())
                    .expect("the test waits");
                let accepting = async {
                    loop {
                        let Ok((tcp, _)) = listener.accept().await else {
                            continue;
                        };
                        let (acceptor, context) = (acceptor.clone(), context.clone());
                        actix_web::rt::spawn(async move {
                            if let Ok(tls) = acceptor.accept(tcp).await {
                                apns_connection(tls, context).await;
                            }
                        });
                    }
                };
                futures_util::future::select(Box::pin(accepting), stopped).await;
            });
        });
        let port = started.recv().expect("the fake APNs starts");
        Self {
            url: format!("https://127.0.0.1:{port}"),
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for FakeApns {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn apns_connection<T>(io: T, context: Arc<ApnsContext>)
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + 'static,
{
    let Ok(mut connection) = h2::server::handshake(io).await else {
        return;
    };
    while let Some(Ok((request, respond))) = connection.accept().await {
        let context = context.clone();
        actix_web::rt::spawn(async move {
            let _ = apns_request(request, respond, &context).await;
        });
    }
}

async fn apns_request(
    request: http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<bytes::Bytes>,
    context: &ApnsContext,
) -> Result<(), h2::Error> {
    let (head, mut body) = request.into_parts();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk?;
        let _ = body.flow_control().release_capacity(chunk.len());
        bytes.extend_from_slice(&chunk);
    }
    let (status, reason) = apns_answer(&head, &bytes, context);
    let response = http::Response::builder()
        .status(status)
        .header("apns-id", uuid::Uuid::new_v4().to_string())
        .body(())
        .expect("a response");
    if status == 200 {
        respond.send_response(response, true)?;
    } else {
        let mut stream = respond.send_response(response, false)?;
        let body = json!({"reason": reason}).to_string();
        stream.send_data(bytes::Bytes::from(body), true)?;
    }
    Ok(())
}

/// The status and reason APNs would answer with.
fn apns_answer(
    head: &http::request::Parts,
    body: &[u8],
    context: &ApnsContext,
) -> (u16, &'static str) {
    let header = |name: &str| {
        head.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let refuse = |status: u16, reason: &'static str, why: String| {
        context.state.refuse(format!("APNs {reason}: {why}"));
        (status, reason)
    };
    if head.method != http::Method::POST {
        return refuse(405, "MethodNotAllowed", head.method.to_string());
    }
    let Some(token) = head.uri.path().strip_prefix("/3/device/") else {
        return refuse(404, "BadPath", head.uri.path().to_owned());
    };
    let authorization = header("authorization");
    let Some(provider) = authorization
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
    else {
        return refuse(403, "MissingProviderToken", authorization);
    };
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_required_spec_claims(&["iss", "iat"]);
    validation.validate_exp = false;
    validation.set_issuer(&[APNS_TEAM_ID]);
    let verified = match jsonwebtoken::decode::<Value>(provider, &context.public_key, &validation) {
        Ok(verified) => verified,
        Err(error) => return refuse(403, "InvalidProviderToken", error.to_string()),
    };
    if verified.header.kid.as_deref() != Some(APNS_KEY_ID) {
        return refuse(
            403,
            "InvalidProviderToken",
            format!("kid {:?}", verified.header.kid),
        );
    }
    let age = chrono::Utc::now().timestamp() - verified.claims["iat"].as_i64().unwrap_or(0);
    if !(-60..=3600).contains(&age) {
        return refuse(403, "ExpiredProviderToken", format!("{age} s old"));
    }
    if context
        .provider_tokens
        .lock()
        .unwrap()
        .insert(provider.to_owned())
    {
        context.state.grants.lock().unwrap().push(verified.claims);
    }
    if header("apns-topic") != APNS_TOPIC {
        return refuse(400, "TopicDisallowed", header("apns-topic"));
    }
    if header("apns-push-type") != "alert" {
        return refuse(400, "InvalidPushType", header("apns-push-type"));
    }
    let payload: Value = serde_json::from_slice(body).unwrap_or_default();
    let alert = &payload["aps"]["alert"];
    if !alert["title"].is_string() || !alert["body"].is_string() {
        return refuse(400, "PayloadEmpty", payload.to_string());
    }
    if body.len() > 4096 {
        return refuse(413, "PayloadTooLarge", body.len().to_string());
    }
    match context.state.answer_for(token) {
        FakeAnswer::Success => {
            context
                .state
                .accepted
                .lock()
                .unwrap()
                .push(json!({"token": token, "payload": payload, "topic": header("apns-topic")}));
            (200, "")
        }
        FakeAnswer::Unregistered => (410, "Unregistered"),
        FakeAnswer::Invalid => (400, "BadDeviceToken"),
        FakeAnswer::Unavailable => (503, "ServiceUnavailable"),
    }
}
