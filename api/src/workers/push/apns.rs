//! Apple Push Notification service over HTTP/2 with token-based auth: `POST
//! {base}/3/device/{token}` with a provider token (an ES256 JWT from the team's `.p8` key),
//! which is reused for 50 minutes (Apple refuses one older than an hour, and new ones more
//! often than every 20 minutes).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use futures_util::future::LocalBoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

use super::{PushSender, SendOutcome, data_with_kind, pem_block, post_json};
use crate::config::Config;
use crate::workers::push_dispatch::PushMessage;

/// How long one provider token is used.
const PROVIDER_TOKEN_LIFETIME: Duration = Duration::from_secs(50 * 60);

/// APNs as configured.
pub struct ApnsSettings {
    base_url: String,
    key_id: String,
    team_id: String,
    topic: String,
    key: EncodingKey,
}

impl ApnsSettings {
    /// The APNs settings of `config`: all of `BUURT_APNS_KEY_FILE`, `…_KEY_ID`, `…_TEAM_ID`
    /// and `…_TOPIC`, or none of them.
    pub fn from_config(config: &Config) -> Result<Option<Self>, String> {
        let given = [
            ("BUURT_APNS_KEY_FILE", config.apns_key_file.is_some()),
            ("BUURT_APNS_KEY_ID", config.apns_key_id.is_some()),
            ("BUURT_APNS_TEAM_ID", config.apns_team_id.is_some()),
            ("BUURT_APNS_TOPIC", config.apns_topic.is_some()),
        ];
        if given.iter().all(|(_, set)| !set) {
            return Ok(None);
        }
        let missing: Vec<&str> = given
            .iter()
            .filter(|(_, set)| !set)
            .map(|(name, _)| *name)
            .collect();
        let (Some(path), Some(key_id), Some(team_id), Some(topic)) = (
            &config.apns_key_file,
            &config.apns_key_id,
            &config.apns_team_id,
            &config.apns_topic,
        ) else {
            return Err(format!("set {} as well", missing.join(", ")));
        };
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let der = pem_block(&text, "PRIVATE KEY")
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let key = EncodingKey::from_ec_der(&der);
        let settings = Self {
            base_url: config.apns_url.trim_end_matches('/').to_owned(),
            key_id: key_id.trim().to_owned(),
            team_id: team_id.trim().to_owned(),
            topic: topic.trim().to_owned(),
            key,
        };
        // A key that cannot sign is found now, not at the first push.
        settings
            .provider_token(0)
            .map_err(|error| format!("{}: {error}", path.display()))?;
        Ok(Some(settings))
    }

    fn provider_token(&self, issued_at: i64) -> Result<String, String> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            iat: i64,
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        let claims = Claims {
            iss: &self.team_id,
            iat: issued_at,
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|error| format!("not a P-256 signing key: {error}"))
    }
}

/// The APNs sender.
pub struct Apns {
    settings: ApnsSettings,
    client: awc::Client,
    token: RefCell<Option<(String, Instant)>>,
}

impl Apns {
    pub fn new(settings: ApnsSettings, client: awc::Client) -> Self {
        Self {
            settings,
            client,
            token: RefCell::new(None),
        }
    }

    /// The provider token: the one in use while it is young enough, or a new one.
    fn provider_token(&self) -> Result<String, String> {
        let mut kept = self.token.borrow_mut();
        if let Some((token, made)) = kept.as_ref()
            && made.elapsed() < PROVIDER_TOKEN_LIFETIME
        {
            return Ok(token.clone());
        }
        let token = self
            .settings
            .provider_token(chrono::Utc::now().timestamp())?;
        *kept = Some((token.clone(), Instant::now()));
        Ok(token)
    }

    /// The notification: the alert in `aps`, the message's data beside it.
    fn payload(message: &PushMessage) -> Value {
        let mut payload = data_with_kind(message);
        payload.insert(
            "aps".into(),
            json!({
                "alert": {"title": message.title, "body": message.body},
                "sound": "default",
            }),
        );
        Value::Object(payload)
    }

    async fn send_message(&self, token: &str, message: &PushMessage) -> SendOutcome {
        let provider = match self.provider_token() {
            Ok(provider) => provider,
            Err(error) => return SendOutcome::Failed(error),
        };
        let url = format!("{}/3/device/{token}", self.settings.base_url);
        let request = self
            .client
            .post(&url)
            .bearer_auth(&provider)
            .insert_header(("apns-topic", self.settings.topic.as_str()))
            .insert_header(("apns-push-type", "alert"))
            .insert_header(("apns-priority", "10"));
        let (status, body) = match post_json("APNs", request, &Self::payload(message)).await {
            Ok(None) => return SendOutcome::Sent,
            Ok(Some(refused)) => refused,
            Err(outcome) => return outcome,
        };
        let reason = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|value| value["reason"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let described = format!("APNs answered {status}: {reason}");
        match (status.as_u16(), reason.as_str()) {
            (410, _) | (400, "BadDeviceToken" | "DeviceTokenNotForTopic") => {
                SendOutcome::TokenRefused(described)
            }
            (403, "ExpiredProviderToken" | "InvalidProviderToken") => {
                self.token.borrow_mut().take();
                SendOutcome::Transient(described)
            }
            (429, _) | (500..=599, _) => SendOutcome::Transient(described),
            _ => SendOutcome::Failed(described),
        }
    }
}

impl PushSender for Apns {
    fn send<'a>(
        &'a self,
        token: &'a str,
        message: &'a PushMessage,
    ) -> LocalBoxFuture<'a, SendOutcome> {
        Box::pin(self.send_message(token, message))
    }
}
