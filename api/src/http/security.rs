//! Security headers on every response, and the bearer token that may guard `/metrics`.
//!
//! - `X-Content-Type-Options: nosniff` everywhere: a browser never guesses a type (a CSV or a
//!   problem shown as HTML).
//! - `Cache-Control: no-store` on every answer that may carry a token or personal data: any
//!   request that carries credentials (`Authorization`: a person's access token, a partner's
//!   token or client credentials) and everything under `/v1/auth/` (tokens are handed out
//!   there, also to callers without one). Public reads without credentials keep their own
//!   caching, and so do image bytes, which say `private, …, immutable` themselves (the device may keep
//!   them, no shared cache).
//! - On the interactive documentation (`/docs/…`): a content security policy that allows only
//!   its own assets (Swagger UI is served from the binary, so it works offline) and calls to
//!   this API, and no framing (`frame-ancestors 'none'`, `X-Frame-Options: DENY`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use sha2::{Digest, Sha256};

/// The policy of `/docs/`: Swagger UI's own scripts and styles (it sets inline styles on its
/// elements and uses `data:` images), requests to this API only, never in a frame.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether an answer to this request may carry a token or personal data, so no cache keeps it.
pub fn never_stored(path: &str, has_credentials: bool) -> bool {
    has_credentials || path.starts_with("/v1/auth/")
}

/// Whether the answer says itself that only the caller's own cache may keep it, for good
/// (`private` and `immutable`): an image's bytes, which never change (`routes::images`), are
/// worth keeping on the device.
fn kept_privately(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("private") && value.contains("immutable"))
}

/// Whether the path is the interactive documentation.
fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let path = req.path().to_owned();
    let has_credentials = req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if never_stored(&path, has_credentials) && !kept_privately(headers) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if is_docs(&path) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CONTENT_SECURITY_POLICY),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    Ok(response)
}

/// The token `/metrics` asks for (`BUURT_METRICS_TOKEN`); without one, `/metrics` is open and
/// the operator keeps it off the public internet at the proxy.
#[derive(Clone, Default)]
pub struct MetricsToken(Option<[u8; 32]>);

impl MetricsToken {
    pub fn new(token: Option<&str>) -> Self {
        Self(token.map(|token| Sha256::digest(token.as_bytes()).into()))
    }

    /// Whether a request with this `Authorization` header may read the metrics. The digests
    /// are compared in constant time, so the answer's timing tells nothing about the token.
    pub fn admits(&self, authorization: Option<&HeaderValue>) -> bool {
        let Some(expected) = &self.0 else {
            return true;
        };
        let Some(presented) = authorization
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return false;
        };
        let presented: [u8; 32] = Sha256::digest(presented.trim().as_bytes()).into();
        expected
            .iter()
            .zip(presented.iter())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metrics_token_admits_only_itself() {
        let open = MetricsToken::new(None);
        assert!(open.admits(None));
        let guarded = MetricsToken::new(Some("s3cret-metrics"));
        let header = |raw: &'static str| HeaderValue::from_static(raw);
        assert!(guarded.admits(Some(&header("Bearer s3cret-metrics"))));
        assert!(!guarded.admits(None));
        assert!(!guarded.admits(Some(&header("Bearer s3cret-metric"))));
        assert!(!guarded.admits(Some(&header("Basic s3cret-metrics"))));
        assert!(!guarded.admits(Some(&header("s3cret-metrics"))));
    }

    #[test]
    fn what_is_never_stored() {
        assert!(never_stored("/v1/auth/login", false));
        assert!(never_stored("/v1/neighbourhoods", true));
        assert!(!never_stored("/v1/neighbourhoods", false));
        assert!(!never_stored("/docs/", false));
    }
}
