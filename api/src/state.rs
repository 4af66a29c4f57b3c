use std::sync::Arc;

use actix_web::web;
use buurt_persistence::{DatabaseUrl, DbConnection, DbPool};

use crate::error::ApiError;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub database_url: DatabaseUrl,
    /// The HS256 key for access tokens.
    pub jwt_secret: Arc<Vec<u8>>,
}

impl AppState {
    /// Runs `work` with a pooled connection on the blocking thread pool: the checkout may wait
    /// and every query blocks, so neither may happen on an async worker.
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
}
