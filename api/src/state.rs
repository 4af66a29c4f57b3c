use std::sync::Arc;

use actix_web::web;
use buurt_persistence::{DatabaseUrl, DbConnection, DbPool};

use buurt_app::{Clock, Cx};

use crate::auth::tokens::TokenKeys;
use crate::http::error::ApiError;
use buurt_domain::throttle::ThrottlePolicy;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub database_url: DatabaseUrl,
    pub tokens: Arc<TokenKeys>,
    /// Users' token generations and suspensions, cached briefly.
    pub standings: Arc<crate::auth::standing::Standings>,
    /// The key secrets are sealed with at rest.
    pub secrets: Arc<buurt_persistence::secrets::SecretsKey>,
    pub login_throttle: LoginThrottle,
    /// Take the client address from `Forwarded`/`X-Forwarded-For` (behind a trusted proxy).
    pub trust_proxy_headers: bool,
    pub webhooks: WebhookSettings,
    /// Where the use cases get the time.
    pub clock: Arc<dyn Clock>,
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
    /// Runs `work` with a pooled connection on the blocking thread pool: the checkout may wait
    /// and every query blocks, so neither may happen on an async worker.
    /// Runs CPU-heavy work (password hashing) on the blocking pool.
    pub async fn compute<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        Ok(web::block(work).await?)
    }

    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(|error| {
                ApiError::from(buurt_persistence::PersistenceError::from(error))
            })?;
            work(&mut conn)
        })
        .await?
    }

    /// Runs a use case with a pooled connection and the clock on the blocking thread pool.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Cx<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        ApiError: From<E>,
    {
        let clock = self.clock.clone();
        self.db(move |conn| Ok(work(&mut Cx::new(conn, clock.as_ref()))?))
            .await
    }
}
