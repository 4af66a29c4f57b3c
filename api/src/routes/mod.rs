//! The handlers, one module per resource, and the table of every route they serve.

pub mod auth;
pub mod fallback;
pub mod health;
pub mod me;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented handler. The OpenAPI document is generated from exactly this.
pub fn configure(config: &mut ServiceConfig<'_>) {
    config
        .service(health::live)
        .service(health::ready)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(me::get_me)
        .service(me::update_me);
}
