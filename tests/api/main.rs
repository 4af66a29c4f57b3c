//! The one integration-test binary: the whole API over HTTP, on SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

mod errors;
mod health;
mod openapi;
mod startup;
