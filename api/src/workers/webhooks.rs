//! The webhook worker: queues a delivery for every event a webhook should hear of, signs it,
//! posts it, and retries with exponential backoff. Runs inside the server (one per process;
//! several processes share the work through claims in the database).
//!
//! A webhook URL never makes the server reach anything but a public address: host names are
//! resolved by our own resolver, which drops every non-public address, so a name that points
//! inside the network (or starts to, between registration and delivery) gets nothing;
//! redirects are never followed.

use std::net::{SocketAddr, ToSocketAddrs};
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
use futures_util::future::LocalBoxFuture;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::state::WebhookSettings;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Buurt-Signature";

/// How long a receiver has to answer.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Deliveries tried per round.
const BATCH: i64 = 50;

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

/// One round: queue new deliveries, then try every due one. Returns how many were tried.
pub async fn deliver_once(
    pool: &DbPool,
    client: &awc::Client,
    settings: &WebhookSettings,
    clock: Arc<dyn Clock>,
) -> Result<usize, String> {
    let claim_pool = pool.clone();
    let claim_clock = clock.clone();
    let due = web::block(move || {
        let mut conn = claim_pool.get().map_err(|error| error.to_string())?;
        let mut cx = Cx::new(&mut conn, claim_clock.as_ref());
        let due = app::claim_deliveries(&mut cx, BATCH).map_err(|error| error.to_string())?;
        // What each receives: the event, and a referral's data for those entitled to it.
        due.into_iter()
            .map(|DeliveryToMake { due, referral }| {
                let payload = WebhookPayload {
                    event: EventDto::from(&due.event),
                    referral: referral.map(Into::into),
                };
                let body = serde_json::to_vec(&payload).map_err(|error| error.to_string())?;
                Ok((due, body))
            })
            .collect::<Result<Vec<_>, String>>()
    })
    .await
    .map_err(|error| error.to_string())??;
    let tried = due.len();
    for (item, body) in due {
        let outcome = send(client, &item, body, settings.allow_private, clock.now()).await;
        if let Err((_, error)) = &outcome {
            tracing::info!(webhook = %item.webhook.id, event = item.event.seq, %error, "webhook delivery failed");
        }
        let record_pool = pool.clone();
        let record_clock = clock.clone();
        let policy = settings.policy;
        web::block(move || {
            let mut conn = record_pool.get().map_err(|error| error.to_string())?;
            let mut cx = Cx::new(&mut conn, record_clock.as_ref());
            app::record_delivery(&mut cx, &item.delivery, outcome, policy)
                .map_err(|error| error.to_string())
        })
        .await
        .map_err(|error| error.to_string())??;
    }
    Ok(tried)
}

/// Delivers webhooks until the server stops.
pub async fn run(pool: DbPool, settings: WebhookSettings, every: Duration) {
    let client = client(settings.allow_private);
    // The server's own worker runs on the system's clock.
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut tick = actix_web::rt::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(error) = deliver_once(&pool, &client, &settings, clock.clone()).await {
            tracing::warn!(%error, "webhook round failed");
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
