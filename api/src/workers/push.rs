//! The push senders: Firebase Cloud Messaging (HTTP v1) and APNs (HTTP/2, token auth), behind
//! one trait, and the dispatcher that sends a message to every device of its user.
//!
//! The HTTP client (awc) lives on one thread: its futures are not `Send`, while the outbox
//! worker that calls [`PushDispatch::deliver`] may run anywhere. So the dispatcher is a queue
//! into a thread of its own (an actix system) that looks the devices up, sends, and removes
//! the tokens the services refuse.

pub mod apns;
pub mod fcm;

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use buurt_app::Clock;
use buurt_app::devices::{self as app, PushTargets};
use buurt_domain::devices::{Device, DeviceId, PushService};
use buurt_persistence::DbPool;
use futures_util::future::LocalBoxFuture;
use tokio::sync::{Semaphore, mpsc, oneshot};

use crate::config::Config;
use crate::startup::StartupError;
use crate::workers::push_dispatch::{PushDispatch, PushMessage, PushResult};

/// How long a push service has to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Messages being sent at once; more wait in the queue.
const IN_FLIGHT: usize = 64;

/// What became of one message to one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// The service says the token is no good (unregistered, invalid, another app's): forget
    /// the device.
    TokenRefused(String),
    /// Refused for good for another reason (a message too large, say): not retried.
    Failed(String),
    /// Try again later (the service is down or busy, or our credentials were refused).
    Transient(String),
}

/// A push service.
pub trait PushSender {
    /// Sends `message` to the device with `token`.
    fn send<'a>(
        &'a self,
        token: &'a str,
        message: &'a PushMessage,
    ) -> LocalBoxFuture<'a, SendOutcome>;
}

/// The configured push services, ready to build their senders.
pub struct PushSettings {
    pub fcm: Option<fcm::FcmSettings>,
    pub apns: Option<apns::ApnsSettings>,
    /// TLS for both: the web's roots and `BUURT_PUSH_CA_FILE`'s.
    pub tls: rustls::ClientConfig,
}

impl PushSettings {
    /// The push services `config` sets up; `None` when it sets up none. A service configured
    /// badly (a missing or unreadable key, half of the APNs settings) is an error.
    pub fn from_config(config: &Config) -> Result<Option<Self>, StartupError> {
        let fcm = config
            .fcm_credentials
            .as_deref()
            .map(|path| fcm::FcmSettings::load(path, &config.fcm_url))
            .transpose()
            .map_err(|error| StartupError::Config(format!("BUURT_FCM_CREDENTIALS: {error}")))?;
        let apns = apns::ApnsSettings::from_config(config)
            .map_err(|error| StartupError::Config(format!("APNs: {error}")))?;
        if fcm.is_none() && apns.is_none() {
            return Ok(None);
        }
        let tls = tls_config(config.push_ca_file.as_deref())
            .map_err(|error| StartupError::Config(format!("BUURT_PUSH_CA_FILE: {error}")))?;
        Ok(Some(Self { fcm, apns, tls }))
    }
}

/// The web's root certificates and those in `extra`.
fn tls_config(extra: Option<&std::path::Path>) -> Result<rustls::ClientConfig, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = actix_tls::connect::rustls_0_23::webpki_roots_cert_store();
    if let Some(path) = extra {
        let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|error| format!("{}: {error}", path.display()))?
            .collect::<Result<_, _>>()
            .map_err(|error| format!("{}: {error}", path.display()))?;
        if certificates.is_empty() {
            return Err(format!("{} holds no certificate", path.display()));
        }
        for certificate in certificates {
            roots
                .add(certificate)
                .map_err(|error| format!("{}: {error}", path.display()))?;
        }
    }
    Ok(rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// An HTTP client over `tls` that offers `protocols` (ALPN).
fn client(tls: &rustls::ClientConfig, protocols: &[&[u8]]) -> awc::Client {
    let mut tls = tls.clone();
    tls.alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
    awc::Client::builder()
        .connector(
            awc::Connector::new()
                .rustls_0_23(Arc::new(tls))
                .timeout(Duration::from_secs(5)),
        )
        .timeout(SEND_TIMEOUT)
        .disable_redirects()
        .finish()
}

/// Posts `body` to a push service: `None` when the service took it, otherwise its status and
/// (the start of) its answer; a request that got no answer is `Transient`.
pub(crate) async fn post_json(
    service: &str,
    request: awc::ClientRequest,
    body: &serde_json::Value,
) -> Result<Option<(awc::http::StatusCode, Vec<u8>)>, SendOutcome> {
    let mut response = request
        .send_json(body)
        .await
        .map_err(|error| SendOutcome::Transient(format!("{service}: {error}")))?;
    let status = response.status();
    if status.is_success() {
        return Ok(None);
    }
    let answer = response.body().limit(64 * 1024).await.unwrap_or_default();
    Ok(Some((status, answer.to_vec())))
}

/// The PEM block of `label` in `text`, decoded.
pub(crate) fn pem_block(text: &str, label: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| format!("no {label} in PEM form"))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| format!("the {label} is cut off"))?
        + start;
    let body: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|error| format!("the {label} is not valid base64: {error}"))
}

/// The senders, on the push thread.
struct Senders {
    fcm: Option<fcm::Fcm>,
    apns: Option<apns::Apns>,
}

impl Senders {
    fn new(settings: PushSettings) -> Self {
        Self {
            fcm: settings
                .fcm
                .map(|fcm| fcm::Fcm::new(fcm, client(&settings.tls, &[b"h2", b"http/1.1"]))),
            // APNs speaks only HTTP/2.
            apns: settings
                .apns
                .map(|apns| apns::Apns::new(apns, client(&settings.tls, &[b"h2"]))),
        }
    }

    fn for_service(&self, service: PushService) -> Option<&dyn PushSender> {
        match service {
            PushService::Fcm => self.fcm.as_ref().map(|s| s as &dyn PushSender),
            PushService::Apns => self.apns.as_ref().map(|s| s as &dyn PushSender),
        }
    }
}

struct Job {
    message: PushMessage,
    answer: oneshot::Sender<PushResult>,
}

/// Sends push messages from a thread of its own; see the module's documentation.
pub struct PushDispatcher {
    jobs: mpsc::UnboundedSender<Job>,
}

impl PushDispatcher {
    /// Starts the push thread. It stops when the dispatcher is dropped.
    pub fn start(
        settings: PushSettings,
        pool: DbPool,
        clock: Arc<dyn Clock>,
    ) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("buurt-push".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(serve(settings, pool, clock, queue));
            })?;
        Ok(Self { jobs })
    }
}

/// The dispatcher `config` sets up, on `pool`; `None` when no push service is configured.
pub fn from_config(
    config: &Config,
    pool: DbPool,
    clock: Arc<dyn Clock>,
) -> Result<Option<Arc<dyn PushDispatch>>, StartupError> {
    let Some(settings) = PushSettings::from_config(config)? else {
        return Ok(None);
    };
    tracing::info!(
        fcm = settings.fcm.is_some(),
        apns = settings.apns.is_some(),
        "push notifications configured"
    );
    let dispatcher = PushDispatcher::start(settings, pool, clock)?;
    Ok(Some(Arc::new(dispatcher)))
}

impl PushDispatch for PushDispatcher {
    fn deliver<'a>(
        &'a self,
        message: &'a PushMessage,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = PushResult> + Send + 'a>> {
        Box::pin(async move {
            let (answer, answered) = oneshot::channel();
            let job = Job {
                message: message.clone(),
                answer,
            };
            if self.jobs.send(job).is_err() {
                return PushResult::Retry("the push sender has stopped".into());
            }
            answered
                .await
                .unwrap_or_else(|_| PushResult::Retry("the push sender stopped".into()))
        })
    }
}

/// The push thread: takes jobs until the dispatcher is gone, `IN_FLIGHT` at a time.
async fn serve(
    settings: PushSettings,
    pool: DbPool,
    clock: Arc<dyn Clock>,
    mut queue: mpsc::UnboundedReceiver<Job>,
) {
    let senders = Rc::new(Senders::new(settings));
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(job) = queue.recv().await {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (senders, pool, clock) = (senders.clone(), pool.clone(), clock.clone());
        actix_web::rt::spawn(async move {
            let result = deliver(&senders, &pool, clock, &job.message).await;
            // The caller may have given up waiting: nothing to tell then.
            let _ = job.answer.send(result);
            drop(slot);
        });
    }
}

/// Runs a use case on the blocking pool.
async fn run<T: Send + 'static>(
    pool: &DbPool,
    clock: Arc<dyn Clock>,
    work: impl FnOnce(&mut buurt_app::Cx<'_>) -> Result<T, buurt_app::AppError> + Send + 'static,
) -> Result<T, String> {
    let pool = pool.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(|error| error.to_string())?;
        let mut cx = buurt_app::Cx::new(&mut conn, clock.as_ref());
        work(&mut cx).map_err(|error| error.to_string())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// Sends `message` to every device of its user and forgets the tokens refused.
async fn deliver(
    senders: &Senders,
    pool: &DbPool,
    clock: Arc<dyn Clock>,
    message: &PushMessage,
) -> PushResult {
    let user = buurt_domain::accounts::UserId(message.user_id);
    let targets = match run(pool, clock.clone(), move |cx| app::push_targets(cx, user)).await {
        Ok(PushTargets::Devices(devices)) => devices,
        Ok(PushTargets::Ambiguous) => {
            tracing::error!(
                user = %message.user_id,
                "the devices looked up belong to several users: the push goes to none"
            );
            return PushResult::NoDevices;
        }
        Err(error) => return PushResult::Retry(format!("looking up the devices: {error}")),
    };
    let sends = targets.iter().filter_map(|device| {
        let sender = senders.for_service(device.service())?;
        Some(async move { (device, sender.send(device.token.as_str(), message).await) })
    });
    let outcomes: Vec<(&Device, SendOutcome)> = futures_util::future::join_all(sends).await;

    let mut delivered = false;
    let mut retry = None;
    let mut refused: Vec<DeviceId> = Vec::new();
    for (device, outcome) in outcomes {
        match outcome {
            SendOutcome::Sent => delivered = true,
            SendOutcome::TokenRefused(reason) => {
                tracing::info!(device = %device.id, %reason, "push token refused: device removed");
                refused.push(device.id);
            }
            SendOutcome::Failed(reason) => {
                tracing::warn!(device = %device.id, %reason, "push refused");
            }
            SendOutcome::Transient(reason) => {
                tracing::info!(device = %device.id, %reason, "push failed for now");
                retry.get_or_insert(reason);
            }
        }
    }
    if !refused.is_empty() {
        let forgotten = refused.clone();
        if let Err(error) = run(pool, clock, move |cx| app::forget_devices(cx, &forgotten)).await {
            return PushResult::Retry(format!("removing refused tokens: {error}"));
        }
    }
    match (delivered, retry) {
        (true, _) => PushResult::Delivered,
        (false, Some(reason)) => PushResult::Retry(reason),
        (false, None) => PushResult::NoDevices,
    }
}

/// The data a message carries to the app: its own, and its `kind`.
pub(crate) fn data_with_kind(message: &PushMessage) -> serde_json::Map<String, serde_json::Value> {
    let mut data: serde_json::Map<String, serde_json::Value> = message
        .data
        .iter()
        .map(|(key, value)| (key.clone(), serde_json::Value::String(value.clone())))
        .collect();
    data.entry("kind")
        .or_insert_with(|| serde_json::Value::String(message.kind.clone()));
    data
}
