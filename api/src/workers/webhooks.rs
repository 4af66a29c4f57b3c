//! The webhook worker: queues a delivery for every event a webhook should hear of, signs it,
//! posts it, and retries with exponential backoff. Runs inside the server (one per process;
//! several processes share the work through claims in the database).
//!
//! A webhook URL never makes the server reach anything but a public address: host names are
//! resolved by our own resolver, which drops every non-public address, so a name that points
//! inside the network (or starts to, between registration and delivery) gets nothing;
//! redirects are never followed.

use std::cell::RefCell;
use std::collections::HashSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use actix_tls::connect::{Connector as TcpConnector, Resolve, Resolver};
use actix_web::web;
use buurt_app::partners::{self as app, DeliveryToMake};
use buurt_app::{Clock, Cx, SystemClock};
use buurt_domain::partners::{check_webhook_url, is_public};
use buurt_openapi::partners::{EventDto, WebhookPayload};
use buurt_persistence::DbPool;
use buurt_persistence::partners::DueDelivery;
use buurt_persistence::secrets::SecretsKey;
use futures_util::future::LocalBoxFuture;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::state::WebhookSettings;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Buurt-Signature";

/// How long a receiver has to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a claimed delivery stays this worker's: well past everything an attempt may take
/// (connecting, `DELIVERY_TIMEOUT`, recording), so no other node tries it meanwhile.
const CLAIM_LEASE: Duration = Duration::from_secs(60);
const _: () = assert!(CLAIM_LEASE.as_secs() > 2 * DELIVERY_TIMEOUT.as_secs());

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!(
        "t={timestamp},v1={}",
        crate::auth::tokens::hex(digest.as_slice())
    )
}

/// Resolves host names to their public addresses only (all of them, when private ones are
/// allowed).
struct PublicOnly {
    allow_private: bool,
}

impl Resolve for PublicOnly {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> LocalBoxFuture<'a, Result<Vec<SocketAddr>, Box<dyn std::error::Error>>> {
        let host = host.to_owned();
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found = actix_web::rt::task::spawn_blocking(move || {
                (host.as_str(), port)
                    .to_socket_addrs()
                    .map(Iterator::collect::<Vec<_>>)
            })
            .await
            .map_err(|error| Box::new(error) as Box<dyn std::error::Error>)??;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|address| allow_private || is_public(address.ip()))
                .collect();
            if allowed.is_empty() {
                return Err("the host has no public address".into());
            }
            Ok(allowed)
        })
    }
}

/// The HTTP client deliveries go out with: our resolver, TLS with the web's roots, no
/// redirects.
fn client(allow_private: bool) -> awc::Client {
    let connector = awc::Connector::new()
        .connector(TcpConnector::new(Resolver::custom(PublicOnly { allow_private })).service())
        .timeout(Duration::from_secs(5));
    awc::Client::builder()
        .connector(connector)
        .disable_redirects()
        .timeout(DELIVERY_TIMEOUT)
        .finish()
}

/// Posts one delivery: the receiver's status when it answered 2xx, otherwise what went wrong.
async fn send(
    client: &awc::Client,
    item: &DueDelivery,
    body: Vec<u8>,
    allow_private: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u16, (Option<u16>, String)> {
    // A literal address is never resolved: check it here (again) before connecting.
    check_webhook_url(&item.webhook.url, allow_private, allow_private)
        .map_err(|error| (None, format!("refused: {error}")))?;
    let now = now.timestamp();
    let response = client
        .post(&item.webhook.url)
        .insert_header(("content-type", "application/json"))
        .insert_header(("user-agent", "Buurt-Webhooks/1"))
        .insert_header(("buurt-event-id", item.event.id.to_string()))
        .insert_header((
            SIGNATURE_HEADER,
            signature(&item.webhook.secret, now, &body),
        ))
        .send_body(body)
        .await
        .map_err(|error| (None, error.to_string()))?;
    let status = response.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else if status.is_redirection() {
        Err((
            Some(status.as_u16()),
            "redirects are not followed".to_owned(),
        ))
    } else {
        Err((
            Some(status.as_u16()),
            format!("the receiver answered {status}"),
        ))
    }
}

/// Queues new deliveries and names the webhooks with deliveries due.
async fn due_webhooks(pool: &DbPool, clock: Arc<dyn Clock>) -> Result<Vec<Uuid>, String> {
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(|error| error.to_string())?;
        let mut cx = Cx::new(&mut conn, clock.as_ref());
        app::queue_deliveries(&mut cx).map_err(|error| error.to_string())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// Claims the next due delivery of `webhook` and what it sends.
async fn claim(
    pool: &DbPool,
    clock: Arc<dyn Clock>,
    secrets: Arc<SecretsKey>,
    webhook: Uuid,
) -> Result<Option<(DueDelivery, Vec<u8>)>, String> {
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(|error| error.to_string())?;
        let mut cx = Cx::new(&mut conn, clock.as_ref());
        let lease = chrono::Duration::from_std(CLAIM_LEASE).expect("a short lease");
        let Some(DeliveryToMake { due, referral }) =
            app::claim_delivery(&mut cx, webhook, lease, &secrets)
                .map_err(|error| error.to_string())?
        else {
            return Ok(None);
        };
        // What it receives: the event, and a referral's data for those entitled to it.
        let payload = WebhookPayload {
            event: EventDto::from(&due.event),
            referral: referral.map(Into::into),
        };
        let body = serde_json::to_vec(&payload).map_err(|error| error.to_string())?;
        Ok(Some((due, body)))
    })
    .await
    .map_err(|error| error.to_string())?
}

/// Delivers `webhook`'s due deliveries one after another (a partner gets its events in
/// order), each claimed just before it is sent. Returns how many were tried.
async fn drain(
    pool: &DbPool,
    client: &awc::Client,
    settings: &WebhookSettings,
    clock: Arc<dyn Clock>,
    secrets: &Arc<SecretsKey>,
    webhook: Uuid,
) -> Result<usize, String> {
    let mut tried = 0;
    while let Some((item, body)) = claim(pool, clock.clone(), secrets.clone(), webhook).await? {
        tried += 1;
        let outcome = send(client, &item, body, settings.allow_private, clock.now()).await;
        if let Err((_, error)) = &outcome {
            tracing::info!(webhook = %item.webhook.id, event = item.event.seq, %error, "webhook delivery failed");
        }
        let record_pool = pool.clone();
        let record_clock = clock.clone();
        let policy = settings.policy;
        let recorded = web::block(move || {
            let mut conn = record_pool.get().map_err(|error| error.to_string())?;
            let mut cx = Cx::new(&mut conn, record_clock.as_ref());
            app::record_delivery(&mut cx, &item, outcome, policy).map_err(|error| error.to_string())
        })
        .await
        .map_err(|error| error.to_string())??;
        if !recorded {
            tracing::warn!(%webhook, "a webhook delivery outlived its claim");
        }
    }
    Ok(tried)
}

/// Delivers webhooks until the server stops: each webhook with deliveries due gets a task of
/// its own, so a slow receiver holds up only its own events; a webhook already being served in
/// this process is left to its task.
pub async fn run(
    pool: DbPool,
    settings: WebhookSettings,
    secrets: Arc<SecretsKey>,
    every: Duration,
) {
    let client = client(settings.allow_private);
    // The server's own worker runs on the system's clock.
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let busy: Rc<RefCell<HashSet<Uuid>>> = Rc::default();
    let mut tick = actix_web::rt::time::interval(every);
    loop {
        tick.tick().await;
        let due = match due_webhooks(&pool, clock.clone()).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "webhook round failed");
                continue;
            }
        };
        for webhook in due {
            if !busy.borrow_mut().insert(webhook) {
                continue;
            }
            let (pool, client, clock, busy, secrets) = (
                pool.clone(),
                client.clone(),
                clock.clone(),
                busy.clone(),
                secrets.clone(),
            );
            actix_web::rt::spawn(async move {
                if let Err(error) = drain(&pool, &client, &settings, clock, &secrets, webhook).await
                {
                    tracing::warn!(%webhook, %error, "webhook deliveries failed");
                }
                busy.borrow_mut().remove(&webhook);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn names_that_resolve_inside_the_network_get_no_address() {
        let strict = PublicOnly {
            allow_private: false,
        };
        let error = strict.lookup("localhost", 443).await.unwrap_err();
        assert!(error.to_string().contains("no public address"), "{error}");
        let lenient = PublicOnly {
            allow_private: true,
        };
        let found = lenient.lookup("localhost", 443).await.unwrap();
        assert!(found.iter().all(|address| address.ip().is_loopback()));
    }

    #[test]
    fn signatures_follow_the_documented_scheme() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
