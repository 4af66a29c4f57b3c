//! The handlers, one module per resource, and the table of every route they serve.

pub mod fallback;
pub mod health;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented handler. The OpenAPI document is generated from exactly this.
pub fn configure(config: &mut ServiceConfig<'_>) {
    config.service(health::live).service(health::ready);
}
