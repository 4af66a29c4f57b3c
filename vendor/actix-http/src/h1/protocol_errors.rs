//! Buurt's patch: the bodies of the responses the HTTP/1 dispatcher makes itself.
//!
//! Upstream, a request that cannot be parsed (400), whose head is too large (431), or whose head
//! does not arrive in time (408) is answered with an empty body that no application can change:
//! those answers never reach a service. This lets the application give them a body (an RFC 9457
//! problem, say) once, at start-up, for every connection of the process.

use std::sync::OnceLock;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};

use crate::{body::BoxBody, Response, StatusCode};

/// Makes the body of a response the dispatcher answers by itself: its content type and bytes.
pub type ProtocolErrorBody = fn(StatusCode) -> Option<(HeaderValue, Bytes)>;

static BODY: OnceLock<ProtocolErrorBody> = OnceLock::new();

/// Sets, once per process, how the dispatcher's own error responses get a body. Later calls are
/// ignored; returns whether this call set it.
pub fn set_protocol_error_body(body: ProtocolErrorBody) -> bool {
    BODY.set(body).is_ok()
}

/// The body for a response the dispatcher made itself (empty without a hook).
pub(crate) fn with_body(mut res: Response<()>) -> (Response<()>, BoxBody) {
    match BODY.get().and_then(|body| body(res.status())) {
        Some((content_type, bytes)) => {
            res.headers_mut().insert(CONTENT_TYPE, content_type);
            (res, BoxBody::new(bytes))
        }
        None => (res, BoxBody::new(())),
    }
}
