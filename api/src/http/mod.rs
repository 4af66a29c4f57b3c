//! HTTP plumbing shared by every handler: the error type and its problem responses, the
//! extractors, language negotiation, paging, ETags, idempotency keys, metrics and middleware.

pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod lang;
pub mod limits;
pub mod metrics;
pub mod middleware;
pub mod paging;
pub mod query;
pub mod security;
