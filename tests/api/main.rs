//! The one integration-test binary: the whole API over HTTP, on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod activities;
mod auth;
mod backup;
mod blocks;
mod contract;
mod devices;
mod errors;
mod health;
mod idempotency;
mod images;
mod inputs;
mod lasting_help;
mod limits;
mod mail;
mod matching;
mod me;
mod mediation;
mod membership;
mod moderation;
mod neighbourhoods;
mod notifications;
mod openapi;
mod partners;
mod posts;
mod privacy;
mod push;
mod queries;
mod replicas;
mod role_grants;
mod security;
mod seed;
mod startup;
mod stats;
mod verification;
mod workbench;
