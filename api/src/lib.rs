//! The Buurt HTTP API: configuration, error mapping, extractors, handlers, and start-up.

pub mod auth;
pub mod availability;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod http;
pub mod images;
pub mod letters;
pub mod mail;
pub mod neighbourhood_input;
pub mod routes;
pub mod spec;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod workers;

pub use config::Config;
pub use startup::{Application, StartupError};
