//! Text messages to offline residents (issue 20) through an SMS gateway, behind one trait:
//! Twilio's Programmable Messaging REST API (`POST {base}/2010-04-01/Accounts/{sid}/
//! Messages.json`, HTTP Basic auth with the account SID and auth token, a form with `To`,
//! `From` or `MessagingServiceSid`, and `Body`).
//!
//! The HTTP client is reqwest (already in the tree for the image store): its futures are
//! `Send`, so the delivery worker awaits them directly, without the push senders' thread.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Deserialize;

use crate::config::Config;
use crate::startup::StartupError;

/// How long the gateway has to answer (the worker's own send timeout may be shorter).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Twilio error codes that say the number will never take this message: not a valid number
/// (21211), not a mobile one (21614), unsubscribed with STOP (21610), a region the account may
/// not send to (21408), no route to it (21612).
const PERMANENT_CODES: [u64; 5] = [21211, 21614, 21610, 21408, 21612];

/// One text message to one phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    /// E.164 (`+31612345678`).
    pub to: String,
    pub body: String,
}

/// What became of a text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsResult {
    /// Taken by the gateway; its id for the message.
    Sent(String),
    /// Refused for good (the number does not exist or takes no SMS): not retried.
    Rejected(String),
    /// A failure that may pass (the gateway down or busy, our credentials refused): try again.
    Retry(String),
}

/// An SMS gateway.
pub trait SmsSender: Send + Sync + 'static {
    fn send<'a>(
        &'a self,
        message: &'a SmsMessage,
    ) -> Pin<Box<dyn Future<Output = SmsResult> + Send + 'a>>;
}

/// Who a Twilio message is from: a number (or alphanumeric sender id), or a messaging service
/// that picks one (an `MG…` SID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TwilioFrom {
    Number(String),
    MessagingService(String),
}

impl TwilioFrom {
    fn parse(raw: &str) -> Self {
        let is_service = raw.len() == 34
            && raw.starts_with("MG")
            && raw[2..].chars().all(|c| c.is_ascii_hexdigit());
        if is_service {
            Self::MessagingService(raw.to_owned())
        } else {
            Self::Number(raw.to_owned())
        }
    }
}

/// Twilio as configured. The auth token never reaches a log: `Debug` leaves it out.
#[derive(Clone)]
pub struct TwilioSettings {
    pub base_url: String,
    pub account_sid: String,
    pub auth_token: String,
    pub from: TwilioFrom,
}

impl std::fmt::Debug for TwilioSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioSettings")
            .field("base_url", &self.base_url)
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// The SMS settings of `config`: `None` when `BUURT_SMS_PROVIDER` is unset and nothing else
/// of SMS is set; an error naming what is missing or wrong for a half or bad configuration,
/// so the server refuses to start rather than quietly putting everything on the call list.
pub fn settings_from_config(config: &Config) -> Result<Option<TwilioSettings>, StartupError> {
    let given = [
        ("BUURT_SMS_ACCOUNT_SID", config.sms_account_sid.is_some()),
        ("BUURT_SMS_AUTH_TOKEN", config.sms_auth_token.is_some()),
        ("BUURT_SMS_FROM", config.sms_from.is_some()),
    ];
    let Some(provider) = config.sms_provider.as_deref() else {
        let stray: Vec<&str> = given
            .iter()
            .filter(|(_, set)| *set)
            .map(|(name, _)| *name)
            .collect();
        if stray.is_empty() {
            return Ok(None);
        }
        return Err(StartupError::Config(format!(
            "SMS: {} set without BUURT_SMS_PROVIDER (twilio)",
            stray.join(", ")
        )));
    };
    if provider != "twilio" {
        return Err(StartupError::Config(format!(
            "SMS: BUURT_SMS_PROVIDER {provider:?} is not known (twilio)"
        )));
    }
    let missing: Vec<&str> = given
        .iter()
        .filter(|(_, set)| !*set)
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(StartupError::Config(format!(
            "SMS: BUURT_SMS_PROVIDER=twilio needs {} as well",
            missing.join(", ")
        )));
    }
    let account_sid = config.sms_account_sid.clone().unwrap_or_default();
    let sid_ok = account_sid.len() == 34
        && account_sid.starts_with("AC")
        && account_sid[2..].chars().all(|c| c.is_ascii_hexdigit());
    if !sid_ok {
        return Err(StartupError::Config(
            "SMS: BUURT_SMS_ACCOUNT_SID is not a Twilio account SID (AC and 32 hex digits)".into(),
        ));
    }
    let auth_token = config.sms_auth_token.clone().unwrap_or_default();
    if auth_token.trim().is_empty() {
        return Err(StartupError::Config(
            "SMS: BUURT_SMS_AUTH_TOKEN is empty".into(),
        ));
    }
    let from = config.sms_from.clone().unwrap_or_default();
    if from.trim().is_empty() {
        return Err(StartupError::Config("SMS: BUURT_SMS_FROM is empty".into()));
    }
    let base_url = config.sms_base_url.trim_end_matches('/').to_owned();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return Err(StartupError::Config(format!(
            "SMS: BUURT_SMS_BASE_URL {base_url:?} is not an http(s) URL"
        )));
    }
    Ok(Some(TwilioSettings {
        base_url,
        account_sid,
        auth_token,
        from: TwilioFrom::parse(from.trim()),
    }))
}

/// The sender `config` sets up; `None` when SMS is not configured.
pub fn from_config(config: &Config) -> Result<Option<std::sync::Arc<dyn SmsSender>>, StartupError> {
    let Some(settings) = settings_from_config(config)? else {
        return Ok(None);
    };
    tracing::info!(
        provider = "twilio",
        base_url = %settings.base_url,
        account = %settings.account_sid,
        "SMS configured"
    );
    Ok(Some(std::sync::Arc::new(Twilio::new(settings)?)))
}

/// The Twilio sender.
pub struct Twilio {
    settings: TwilioSettings,
    url: String,
    client: reqwest::Client,
}

/// A Twilio error answer.
#[derive(Deserialize)]
struct TwilioError {
    code: Option<u64>,
    message: Option<String>,
}

/// A Twilio message resource (the part used).
#[derive(Deserialize)]
struct TwilioMessage {
    sid: String,
}

impl Twilio {
    pub fn new(settings: TwilioSettings) -> Result<Self, StartupError> {
        // reqwest's TLS needs a process-wide rustls provider; the server installs ring's too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| StartupError::Config(format!("SMS: an HTTP client: {error}")))?;
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            settings.base_url, settings.account_sid
        );
        Ok(Self {
            settings,
            url,
            client,
        })
    }

    async fn post(&self, message: &SmsMessage) -> SmsResult {
        let from = match &self.settings.from {
            TwilioFrom::Number(number) => ("From", number.as_str()),
            TwilioFrom::MessagingService(sid) => ("MessagingServiceSid", sid.as_str()),
        };
        let form = [
            ("To", message.to.as_str()),
            from,
            ("Body", message.body.as_str()),
        ];
        let body = match serde_urlencoded::to_string(form) {
            Ok(body) => body,
            Err(error) => return SmsResult::Rejected(format!("the form: {error}")),
        };
        let sent = self
            .client
            .post(&self.url)
            .basic_auth(&self.settings.account_sid, Some(&self.settings.auth_token))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            // reqwest's errors name the URL, which holds no secret (the token is in a header).
            Err(error) => return SmsResult::Retry(format!("twilio: {error}")),
        };
        let status = response.status();
        let answer = response.bytes().await.unwrap_or_default();
        classify(status.as_u16(), &answer)
    }
}

/// What a Twilio answer means.
fn classify(status: u16, answer: &[u8]) -> SmsResult {
    if (200..300).contains(&status) {
        return match serde_json::from_slice::<TwilioMessage>(answer) {
            Ok(message) => SmsResult::Sent(message.sid),
            // Taken (2xx) but said oddly: sending again would send twice.
            Err(_) => SmsResult::Sent(String::new()),
        };
    }
    let error: Option<TwilioError> = serde_json::from_slice(answer).ok();
    let code = error.as_ref().and_then(|e| e.code);
    let text = error
        .as_ref()
        .and_then(|e| e.message.clone())
        .unwrap_or_else(|| String::from_utf8_lossy(&answer[..answer.len().min(200)]).into());
    let described = match code {
        Some(code) => format!("twilio {status} (code {code}): {text}"),
        None => format!("twilio {status}: {text}"),
    };
    match code {
        Some(code) if (400..500).contains(&status) && PERMANENT_CODES.contains(&code) => {
            SmsResult::Rejected(described)
        }
        // 401/403 (credentials), 404 (account), 429 (busy), 5xx: may pass, or be fixed by the
        // operator; a message that keeps failing ends on the call list when retries run out.
        _ => SmsResult::Retry(described),
    }
}

impl SmsSender for Twilio {
    fn send<'a>(
        &'a self,
        message: &'a SmsMessage,
    ) -> Pin<Box<dyn Future<Output = SmsResult> + Send + 'a>> {
        Box::pin(self.post(message))
    }
}

/// The characters of the GSM 03.38 basic set: a text of only these fits 160 to a segment;
/// one other character makes the whole message UCS-2, 70 to a segment.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// How many characters fit in one segment for `text`.
pub fn segment_limit(text: &str) -> usize {
    if text.chars().all(|c| GSM_BASIC.contains(c)) {
        160
    } else {
        70
    }
}

/// Whether `text` fits in one SMS segment.
pub fn fits_one_segment(text: &str) -> bool {
    text.chars().count() <= segment_limit(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_answers_are_classified() {
        assert_eq!(
            classify(201, br#"{"sid":"SM123","status":"queued"}"#),
            SmsResult::Sent("SM123".into())
        );
        assert!(matches!(
            classify(400, br#"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#),
            SmsResult::Rejected(reason) if reason.contains("21211")
        ));
        assert!(matches!(
            classify(
                400,
                br#"{"code":21614,"message":"not a mobile number","status":400}"#
            ),
            SmsResult::Rejected(_)
        ));
        assert!(matches!(
            classify(
                429,
                br#"{"code":20429,"message":"Too Many Requests","status":429}"#
            ),
            SmsResult::Retry(_)
        ));
        assert!(matches!(classify(500, b"oops"), SmsResult::Retry(_)));
        assert!(matches!(
            classify(
                401,
                br#"{"code":20003,"message":"Authenticate","status":401}"#
            ),
            SmsResult::Retry(_)
        ));
    }

    #[test]
    fn segments() {
        assert!(fits_one_segment(&"a".repeat(160)));
        assert!(!fits_one_segment(&"a".repeat(161)));
        assert!(fits_one_segment(&format!("{}é", "a".repeat(159))));
        // One character outside the GSM set: the whole text counts in UCS-2, 70 a segment.
        assert!(fits_one_segment(&format!("{}ő", "a".repeat(69))));
        assert!(!fits_one_segment(&format!("{}ő", "a".repeat(70))));
        assert_eq!(segment_limit("Buurt: een ladder"), 160);
    }

    #[test]
    fn from_is_a_number_or_a_messaging_service() {
        assert_eq!(
            TwilioFrom::parse("+3197010203040"),
            TwilioFrom::Number("+3197010203040".into())
        );
        let service = format!("MG{}", "a1".repeat(16));
        assert_eq!(
            TwilioFrom::parse(&service),
            TwilioFrom::MessagingService(service.clone())
        );
    }
}
