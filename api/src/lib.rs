//! The Buurt HTTP API: configuration, error mapping, extractors, handlers, and start-up.

pub mod auth;
pub mod calendar;
pub mod commands;
pub mod config;
pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod lang;
pub mod metrics;
pub mod middleware;
pub mod neighbourhood_input;
pub mod paging;
pub mod routes;
pub mod seed;
pub mod spec;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;

pub use config::Config;
pub use startup::{Application, StartupError};
