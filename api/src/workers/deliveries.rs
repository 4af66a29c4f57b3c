//! The delivery worker: sends what the outbox holds (push, e-mail, SMS), one message at a time
//! per process, each claimed with a lease well past everything a send may take, so no two
//! processes send one message; a process that dies mid-send leaves it to be claimed again
//! when the lease ends. Failures are retried with doubling waits; push and SMS in quiet hours
//! wait. A text message that cannot be sent for good goes onto the call list instead.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use buurt_app::deliveries::{self as app, Attempt, Composed, FreshToken};
use buurt_app::{Clock, Cx};
use buurt_domain::delivery::{Channel, RetryPolicy};
use buurt_persistence::DbPool;
use buurt_persistence::deliveries::Delivery;

use crate::mail::{self, Mailer};
use crate::workers::push_dispatch::{PushDispatch, PushMessage, PushResult};
use crate::workers::sms::{SmsMessage, SmsResult, SmsSender};

/// How long a claimed message stays this worker's by default (`BUURT_DELIVERY_CLAIM_LEASE_SECS`).
pub const CLAIM_LEASE: Duration = Duration::from_secs(120);

/// The shortest lease: a send gets a third of it, and needs a second at least.
pub const MIN_CLAIM_LEASE: Duration = Duration::from_secs(3);

/// How long one send (an SMTP conversation, a push) may take under a claim of `lease`: a
/// third of it, at most 30 s; the rest is left for recording the outcome, so the lease never
/// ends while the send it covers is still going.
pub fn send_timeout(lease: Duration) -> Duration {
    (lease / 3).min(Duration::from_secs(30))
}

/// What the worker needs.
#[derive(Clone)]
pub struct DeliveryWorker {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub mailer: Option<Mailer>,
    pub push: Option<Arc<dyn PushDispatch>>,
    pub sms: Option<Arc<dyn SmsSender>>,
    pub policy: RetryPolicy,
    pub poll: Duration,
    /// How long a claim holds (`BUURT_DELIVERY_CLAIM_LEASE_SECS`).
    pub lease: Duration,
}

async fn blocking<T, F>(worker: &DeliveryWorker, work: F) -> Result<T, String>
where
    F: FnOnce(&mut Cx<'_>) -> Result<T, buurt_app::AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = worker.pool.clone();
    let clock = worker.clock.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(|error| error.to_string())?;
        let mut cx = Cx::new(&mut conn, clock.as_ref());
        work(&mut cx).map_err(|error| error.to_string())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// Sends one claimed message; what became of it.
async fn attempt(worker: &DeliveryWorker, delivery: &Delivery) -> Result<Attempt, String> {
    // Push and SMS wait out the user's quiet hours (they may have changed since it was queued).
    let waits = match delivery.channel {
        Channel::Push => worker.push.is_some(),
        Channel::Sms => worker.sms.is_some(),
        Channel::Email => false,
    };
    if waits {
        let user = delivery.user_id;
        if let Some(until) = blocking(worker, move |cx| app::push_deferred_until(cx, user)).await? {
            return Ok(Attempt::Deferred(until));
        }
    }
    match delivery.channel {
        Channel::Push if worker.push.is_none() => {
            return Ok(Attempt::NotApplicable("push is not configured".into()));
        }
        Channel::Email if worker.mailer.is_none() => {
            return Ok(Attempt::NotApplicable("e-mail is not configured".into()));
        }
        // Queued by a node with a gateway, claimed by one without: the call list, not lost.
        Channel::Sms if worker.sms.is_none() => {
            return Ok(Attempt::Undeliverable("SMS is not configured".into()));
        }
        _ => {}
    }
    let token = crate::auth::tokens::new_refresh_token();
    let fresh = FreshToken {
        hash: crate::auth::tokens::refresh_token_hash(&token),
        token,
    };
    let claimed = delivery.clone();
    let Some(composed) = blocking(worker, move |cx| app::compose(cx, &claimed, fresh)).await?
    else {
        return Ok(Attempt::NotApplicable("nothing to send any more".into()));
    };
    match composed {
        Composed::Email(email) => {
            let mailer = worker.mailer.as_ref().expect("checked above");
            let message = match mailer.compose(delivery.user_id, &email) {
                Ok(message) => message,
                // An address lettre cannot write will not improve by waiting.
                Err(error) => return Ok(Attempt::NotApplicable(error)),
            };
            let limit = send_timeout(worker.lease);
            match actix_web::rt::time::timeout(limit, mailer.send(message)).await {
                Ok(Ok(())) => Ok(Attempt::Sent),
                Ok(Err(error)) => Ok(Attempt::Failed(error)),
                Err(_) => Ok(Attempt::Failed(
                    "the SMTP server did not answer in time".into(),
                )),
            }
        }
        Composed::Push(push) => {
            let sender = worker.push.as_ref().expect("checked above");
            let (title, body) = mail::push_text(&push)?;
            let mut data = BTreeMap::new();
            data.insert("kind".to_owned(), push.kind.as_str().to_owned());
            if let Some(post) = &push.post_id {
                data.insert("post_id".to_owned(), post.clone());
            }
            if let Some(matched) = &push.match_id {
                data.insert("match_id".to_owned(), matched.clone());
            }
            let message = PushMessage {
                user_id: delivery.user_id.0,
                kind: push.kind.as_str().to_owned(),
                title,
                body,
                data,
            };
            let limit = send_timeout(worker.lease);
            match actix_web::rt::time::timeout(limit, sender.deliver(&message)).await {
                Ok(PushResult::Delivered) => Ok(Attempt::Sent),
                Ok(PushResult::NoDevices) => Ok(Attempt::NotApplicable("no devices".into())),
                Ok(PushResult::Retry(error)) => Ok(Attempt::Failed(error)),
                Err(_) => Ok(Attempt::Failed(
                    "the push service did not answer in time".into(),
                )),
            }
        }
        Composed::Sms(sms) => {
            let sender = worker.sms.as_ref().expect("checked above");
            let Some(to) = sms.to.clone() else {
                return Ok(Attempt::Undeliverable(
                    "no phone number an SMS gateway takes".into(),
                ));
            };
            let message = SmsMessage {
                to,
                body: mail::sms_text(&sms)?,
            };
            let limit = send_timeout(worker.lease);
            match actix_web::rt::time::timeout(limit, sender.send(&message)).await {
                Ok(SmsResult::Sent(_)) => Ok(Attempt::Sent),
                Ok(SmsResult::Rejected(error)) => Ok(Attempt::Undeliverable(error)),
                Ok(SmsResult::Retry(error)) => Ok(Attempt::Failed(error)),
                Err(_) => Ok(Attempt::Failed(
                    "the SMS gateway did not answer in time".into(),
                )),
            }
        }
    }
}

/// Claims, sends and settles messages until none is due. Returns how many were tried.
pub async fn drain(worker: &DeliveryWorker) -> Result<usize, String> {
    let lease = chrono::Duration::from_std(worker.lease).unwrap_or(chrono::Duration::hours(1));
    let mut tried = 0;
    while let Some(delivery) = blocking(worker, move |cx| app::claim_delivery(cx, lease)).await? {
        tried += 1;
        let outcome = match attempt(worker, &delivery).await {
            Ok(outcome) => outcome,
            Err(error) => Attempt::Failed(error),
        };
        match &outcome {
            Attempt::Failed(error) => {
                tracing::info!(delivery = %delivery.id, channel = delivery.channel.as_str(), %error, "delivery failed");
            }
            Attempt::Undeliverable(error) => {
                tracing::warn!(delivery = %delivery.id, channel = delivery.channel.as_str(), %error, "delivery failed for good");
            }
            _ => {}
        }
        let policy = worker.policy;
        let recorded = blocking(worker, move |cx| {
            app::settle_delivery(cx, &delivery, outcome, policy)
        })
        .await?;
        if !recorded {
            tracing::warn!("a delivery outlived its claim");
        }
    }
    Ok(tried)
}

/// Messages sent at once by one process: a slow SMTP server or push service holds up only
/// its own share.
const SENDERS: usize = 4;

/// Sends messages until the server stops: `SENDERS` loops, each claiming its own, all in
/// this one task. Stopping the task (`Application::run_until_stopped` aborts it and waits)
/// drops every send in flight there and then, inside the runtime: an SMTP send dropped later,
/// as the runtime itself goes, would hand its pooled connection back through a runtime that
/// is no longer there, and that aborts the process.
pub async fn run(worker: DeliveryWorker) {
    use futures_util::FutureExt;
    let senders = (0..SENDERS).map(|_| {
        let worker = worker.clone();
        let sender = async move {
            let mut tick = actix_web::rt::time::interval(worker.poll);
            loop {
                tick.tick().await;
                if let Err(error) = drain(&worker).await {
                    tracing::warn!(%error, "delivery round failed");
                }
            }
        };
        // A sender that panics ends alone, as a task of its own would: the others go on.
        std::panic::AssertUnwindSafe(sender)
            .catch_unwind()
            .map(|ended| {
                if ended.is_err() {
                    tracing::error!("a delivery sender panicked; the others go on");
                }
            })
    });
    futures_util::future::join_all(senders).await;
}
