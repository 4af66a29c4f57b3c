use std::sync::Arc;

use actix_web::web;
use buurt_persistence::{DatabaseUrl, DbConnection, DbPool};

use buurt_app::{Clock, Cx};

use crate::auth::password::HashingPool;
use crate::auth::tokens::TokenKeys;
use crate::availability::{Admission, DatabaseAvailability, PROBE_TIMEOUT};
use crate::http::error::ApiError;
use buurt_domain::throttle::ThrottlePolicy;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub database_url: DatabaseUrl,
    /// Where reads that may be a little stale go (`BUURT_DATABASE_READ_URL`), if anywhere.
    pub replica: Option<Replica>,
    pub tokens: Arc<TokenKeys>,
    /// Users' token generations and suspensions, cached briefly.
    pub standings: Arc<crate::auth::standing::Standings>,
    /// The key secrets are sealed with at rest.
    pub secrets: Arc<buurt_persistence::secrets::SecretsKey>,
    pub login_throttle: LoginThrottle,
    /// Take the client address from `Forwarded`/`X-Forwarded-For` (behind a trusted proxy).
    pub trust_proxy_headers: bool,
    pub webhooks: WebhookSettings,
    /// Whether the database is known to be unreachable (requests are then refused at once).
    pub availability: Arc<DatabaseAvailability>,
    /// Where passwords are hashed and checked, apart from the database pool.
    pub hashing: HashingPool,
    /// Registrations per client address within the throttle window.
    pub registration_throttle: ThrottlePolicy,
    /// Joins per account per day and the cool-down on postcode changes.
    pub join_limits: buurt_domain::membership::JoinLimits,
    /// Per-user write limits (posts, messages, reports, offers of help).
    pub write_limits: buurt_domain::moderation::WriteLimits,
    /// Where the use cases get the time.
    pub clock: Arc<dyn Clock>,
    /// Sends push notifications to users' devices; `None` when no push service is configured.
    pub push: Option<Arc<dyn crate::workers::push_dispatch::PushDispatch>>,
    /// Sends text messages to offline residents; `None` when no SMS gateway is configured
    /// (their updates then go onto the call list).
    pub sms: Option<Arc<dyn crate::workers::sms::SmsSender>>,
    /// Where uploads are decoded and resized, apart from the blocking pool.
    pub imaging: HashingPool,
    /// Where image bytes are kept.
    pub images: crate::images::ImageStore,
    /// How e-mail is sent; `None`: it is not (`email_not_configured`).
    pub mailer: Option<crate::mail::Mailer>,
    /// Signed links in e-mails (unsubscribe).
    pub links: crate::mail::Links,
    /// Turns for building monitoring reports: one per core. A municipality's year by week is
    /// megabytes of figures while it is built and serialised; 64 at once took the server past
    /// 300 MiB (issue 22). Others wait their turn holding nothing but their request.
    pub reports: Arc<tokio::sync::Semaphore>,
}

/// A read replica: its pool and its own breaker (a replica that is down says nothing about the
/// leader).
#[derive(Clone)]
pub struct Replica {
    pub pool: DbPool,
    pub availability: Arc<DatabaseAvailability>,
}

/// How webhooks are checked and delivered.
#[derive(Debug, Clone, Copy)]
pub struct WebhookSettings {
    /// Plain http and private addresses allowed (development and tests).
    pub allow_private: bool,
    pub policy: buurt_domain::partners::DeliveryPolicy,
    /// How often the worker looks; `None`: no worker in this process.
    pub poll: Option<std::time::Duration>,
}

impl WebhookSettings {
    pub fn from_config(config: &crate::Config) -> Self {
        Self {
            allow_private: config.webhook_allow_private,
            policy: buurt_domain::partners::DeliveryPolicy {
                retry_base: std::time::Duration::from_millis(config.webhook_retry_base_ms),
                max_attempts: config.webhook_max_attempts.max(1),
                pause_after: config.webhook_pause_after.max(1),
            },
            poll: (config.webhook_poll_ms > 0)
                .then(|| std::time::Duration::from_millis(config.webhook_poll_ms)),
        }
    }
}

/// How many failed sign-ins are tolerated, per account and per client address.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    pub per_account: ThrottlePolicy,
    pub per_client: ThrottlePolicy,
}

impl AppState {
    /// Hashes or checks a password on the hashing pool; 503 `server_busy` when it is full.
    pub async fn hash<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Ok(self.hashing.run(work).await?)
    }

    /// Waits for a turn to build a monitoring report; the turn ends when the guard is dropped.
    pub async fn report_turn(&self) -> tokio::sync::OwnedSemaphorePermit {
        Arc::clone(&self.reports)
            .acquire_owned()
            .await
            .expect("the reports semaphore is never closed")
    }

    /// Decodes and resizes on the imaging pool; 503 `server_busy` when it is full.
    pub async fn image<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Ok(self.imaging.run(work).await?)
    }

    /// Runs CPU-heavy work (parsing an upload) on the blocking pool.
    pub async fn compute<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Ok(web::block(work).await?)
    }

    /// Runs `work` with a pooled connection on the blocking thread pool: the checkout may wait
    /// and every query blocks, so neither may happen on an async worker.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        on_pool(self.pool.clone(), Arc::clone(&self.availability), work).await
    }

    /// Runs a use case that only reads, and whose reader accepts what it reads to lag a moment
    /// behind the leader (nobody reads their own writes through it), on the read replica when
    /// one is configured and reachable; on the leader otherwise.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Cx<'_>) -> Result<T, E> + Clone + Send + 'static,
        T: Send + 'static,
        ApiError: From<E>,
    {
        if let Some(replica) = &self.replica {
            let clock = self.clock.clone();
            let on_replica = work.clone();
            let answer = on_pool(
                replica.pool.clone(),
                Arc::clone(&replica.availability),
                move |conn| Ok(on_replica(&mut Cx::new(conn, clock.as_ref()))?),
            )
            .await;
            match answer {
                Err(ApiError::DatabaseUnavailable(error)) => {
                    tracing::debug!(%error, "read replica unavailable; reading from the leader");
                }
                answer => return answer,
            }
        }
        self.run(work).await
    }

    /// The ways out this server has, for the use cases (`outbox::Routes`).
    pub fn routes(&self) -> buurt_app::outbox::Routes {
        buurt_app::outbox::Routes {
            sms: self.sms.is_some(),
        }
    }

    /// Runs a use case with a pooled connection and the clock on the blocking thread pool.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Cx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        ApiError: From<E>,
    {
        let clock = self.clock.clone();
        let limits = self.write_limits;
        let routes = self.routes();
        self.db(move |conn| {
            Ok(work(
                &mut Cx::new(conn, clock.as_ref())
                    .with_limits(limits)
                    .with_routes(routes),
            )?)
        })
        .await
    }
}

/// Runs `work` with a connection of `pool` on the blocking thread pool, behind the pool's
/// breaker `availability`.
async fn on_pool<T, F>(
    pool: DbPool,
    availability: Arc<DatabaseAvailability>,
    work: F,
) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let admission = availability.admit();
    if admission == Admission::Refuse {
        return Err(ApiError::DatabaseUnavailable(
            buurt_persistence::PersistenceError::KnownUnavailable,
        ));
    }
    let span = tracing::Span::current();
    web::block(move || {
        let _entered = span.enter();
        let checkout = match admission {
            Admission::Probe => pool.get_timeout(PROBE_TIMEOUT),
            _ => pool.get(),
        };
        let mut conn = match checkout {
            Ok(conn) => conn,
            Err(error) => {
                availability.unreachable();
                return Err(ApiError::from(buurt_persistence::PersistenceError::from(
                    error,
                )));
            }
        };
        let result = work(&mut conn);
        // A lock wait that timed out reached the database: only a real outage trips.
        if matches!(&result, Err(ApiError::DatabaseUnavailable(error)) if !error.is_busy()) {
            availability.unreachable();
        } else {
            availability.reached();
        }
        result
    })
    .await?
}
