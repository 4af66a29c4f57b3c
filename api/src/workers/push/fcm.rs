//! Firebase Cloud Messaging, HTTP v1: `POST {base}/v1/projects/{project}/messages:send` with
//! an OAuth 2.0 access token, which the service account gets with an RS256-signed JWT grant
//! (RFC 7523) at its `token_uri` and which is kept until shortly before it expires.

use std::path::Path;
use std::time::{Duration, Instant};

use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{PushSender, SendOutcome, data_with_kind, pem_block, post_json};
use crate::workers::push_dispatch::PushMessage;

/// What the access token is asked for.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// The longest a grant may ask for (Google's limit).
const GRANT_LIFETIME: Duration = Duration::from_secs(3600);
/// A token is renewed this long before it expires, so none expires on its way.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

/// The parts of a service account's JSON key file that are used.
#[derive(Deserialize)]
struct ServiceAccount {
    #[serde(rename = "type")]
    kind: String,
    project_id: String,
    private_key_id: Option<String>,
    private_key: String,
    client_email: String,
    #[serde(default = "default_token_uri")]
    token_uri: String,
}

fn default_token_uri() -> String {
    "https://oauth2.googleapis.com/token".into()
}

/// FCM as configured: where to send, and the service account's identity and key.
pub struct FcmSettings {
    send_url: String,
    token_uri: String,
    client_email: String,
    private_key_id: Option<String>,
    key: EncodingKey,
}

impl FcmSettings {
    /// Reads the service account's key file; messages go to `base_url`.
    pub fn load(path: &Path, base_url: &str) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let account: ServiceAccount = serde_json::from_str(&text)
            .map_err(|error| format!("{}: not a service account key: {error}", path.display()))?;
        if account.kind != "service_account" {
            return Err(format!(
                "{}: a key of type {:?}, not \"service_account\"",
                path.display(),
                account.kind
            ));
        }
        let key = rsa_key(&account.private_key)
            .map_err(|error| format!("{}: private_key: {error}", path.display()))?;
        let project = &account.project_id;
        if project.is_empty()
            || !project
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!("{}: project_id {project:?}", path.display()));
        }
        Ok(Self {
            send_url: format!(
                "{}/v1/projects/{project}/messages:send",
                base_url.trim_end_matches('/')
            ),
            token_uri: account.token_uri,
            client_email: account.client_email,
            private_key_id: account.private_key_id,
            key,
        })
    }
}

/// The signing key from a service account's `private_key` (PKCS#8 PEM).
fn rsa_key(pem: &str) -> Result<EncodingKey, String> {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let der = pem_block(pem, "PRIVATE KEY")?;
    let key = rsa::PrivateKey::from_pkcs8_der(&der)
        .map_err(|error| format!("not an RSA key: {error}"))?;
    let pkcs1 = key
        .to_pkcs1_der()
        .map_err(|error| format!("not an RSA key: {error}"))?;
    Ok(EncodingKey::from_rsa_der(pkcs1.as_bytes()))
}

#[derive(Serialize)]
struct GrantClaims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

struct AccessToken {
    value: String,
    renew_at: Instant,
}

/// The FCM sender.
pub struct Fcm {
    settings: FcmSettings,
    client: awc::Client,
    token: tokio::sync::Mutex<Option<AccessToken>>,
}

impl Fcm {
    pub fn new(settings: FcmSettings, client: awc::Client) -> Self {
        Self {
            settings,
            client,
            token: tokio::sync::Mutex::new(None),
        }
    }

    /// The JWT the access token is asked for with.
    fn grant(&self) -> Result<String, String> {
        let now = chrono::Utc::now().timestamp();
        let lifetime = i64::try_from(GRANT_LIFETIME.as_secs()).unwrap_or(3600);
        let mut header = Header::new(Algorithm::RS256);
        header.kid.clone_from(&self.settings.private_key_id);
        let claims = GrantClaims {
            iss: &self.settings.client_email,
            scope: SCOPE,
            aud: &self.settings.token_uri,
            iat: now,
            exp: now + lifetime,
        };
        jsonwebtoken::encode(&header, &claims, &self.settings.key)
            .map_err(|error| format!("signing the grant: {error}"))
    }

    /// A live access token: the one kept, or a new one. One request asks at a time.
    async fn access_token(&self) -> Result<String, String> {
        let mut kept = self.token.lock().await;
        if let Some(token) = kept.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let grant = self.grant()?;
        let mut response = self
            .client
            .post(&self.settings.token_uri)
            .send_form(&[("grant_type", GRANT_TYPE), ("assertion", grant.as_str())])
            .await
            .map_err(|error| format!("the token endpoint: {error}"))?;
        if !response.status().is_success() {
            let body = response.body().limit(4096).await.unwrap_or_default();
            return Err(format!(
                "the token endpoint answered {}: {}",
                response.status(),
                String::from_utf8_lossy(&body)
            ));
        }
        let answer: TokenAnswer = response
            .json()
            .limit(64 * 1024)
            .await
            .map_err(|error| format!("the token endpoint's answer: {error}"))?;
        let lifetime = Duration::from_secs(answer.expires_in).saturating_sub(RENEW_BEFORE);
        let value = answer.access_token;
        *kept = Some(AccessToken {
            value: value.clone(),
            renew_at: Instant::now() + lifetime,
        });
        Ok(value)
    }

    async fn forget_access_token(&self) {
        *self.token.lock().await = None;
    }

    async fn send_message(&self, token: &str, message: &PushMessage) -> SendOutcome {
        let access = match self.access_token().await {
            Ok(access) => access,
            Err(error) => return SendOutcome::Transient(error),
        };
        let body = json!({
            "message": {
                "token": token,
                "notification": {"title": message.title, "body": message.body},
                "data": data_with_kind(message),
                "android": {"priority": "high"},
                "apns": {"payload": {"aps": {"sound": "default"}}},
            }
        });
        let request = self
            .client
            .post(&self.settings.send_url)
            .bearer_auth(&access);
        let (status, body) = match post_json("FCM", request, &body).await {
            Ok(None) => return SendOutcome::Sent,
            Ok(Some(refused)) => refused,
            Err(outcome) => return outcome,
        };
        let error = FcmError::read(&body);
        let reason = format!("FCM answered {status}: {}", error.describe());
        match (status.as_u16(), error.code.as_deref()) {
            (_, Some("UNREGISTERED" | "SENDER_ID_MISMATCH")) | (404, _) => {
                SendOutcome::TokenRefused(reason)
            }
            // The token itself is malformed (the message is ours, and well-formed).
            (400, _) if error.names_the_token() => SendOutcome::TokenRefused(reason),
            (401, _) => {
                self.forget_access_token().await;
                SendOutcome::Transient(reason)
            }
            (429, _) | (500..=599, _) => SendOutcome::Transient(reason),
            _ => SendOutcome::Failed(reason),
        }
    }
}

impl PushSender for Fcm {
    fn send<'a>(
        &'a self,
        token: &'a str,
        message: &'a PushMessage,
    ) -> LocalBoxFuture<'a, SendOutcome> {
        Box::pin(self.send_message(token, message))
    }
}

/// An FCM error answer: `{"error": {"status", "message", "details": [{"errorCode"}]}}`.
struct FcmError {
    status: Option<String>,
    message: Option<String>,
    code: Option<String>,
    field_violations: Vec<String>,
}

impl FcmError {
    fn read(body: &[u8]) -> Self {
        let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let error = &value["error"];
        let details = error["details"].as_array().cloned().unwrap_or_default();
        let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
        Self {
            status: text(&error["status"]),
            message: text(&error["message"]),
            code: details.iter().find_map(|detail| text(&detail["errorCode"])),
            field_violations: details
                .iter()
                .flat_map(|detail| {
                    detail["fieldViolations"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|violation| text(&violation["field"]))
                .collect(),
        }
    }

    fn names_the_token(&self) -> bool {
        self.field_violations
            .iter()
            .any(|field| field == "message.token")
            || self
                .message
                .as_deref()
                .is_some_and(|message| message.contains("registration token"))
    }

    fn describe(&self) -> String {
        [&self.code, &self.status, &self.message]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(": ")
    }
}
