//! `Idempotency-Key` on POST: a retry with the same key and request gets the first answer and
//! changes nothing, because mobile networks retry.
//!
//! Keys belong to a signed-in caller (a user, or a partner client as `client:<id>`); without a
//! token a key is not honoured, since nothing tells two anonymous callers apart. Answers that
//! hand out a credential are never kept: a retry of one is told so (409
//! `idempotency_key_held_secret`) rather than given the secret again, and still changes
//! nothing.

use std::time::{Duration as StdDuration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpMessage, HttpResponse};
use buurt_persistence::idempotency::{self as repo, Claim, StoredResponse};
use chrono::Duration;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::auth::tokens::{Subject, hex};
use crate::http::error::{ApiError, ErrorCode};
use crate::http::extract::{body_limit, is_timeout};
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// How long a key and its response are kept.
const KEY_TTL: Duration = Duration::hours(24);
/// A claim unfinished for this long belonged to a process that died: it may be taken over.
const ABANDONED_AFTER: Duration = Duration::seconds(60);
/// How long a concurrent retry waits for the first request to finish.
const WAIT_FOR_FIRST: StdDuration = StdDuration::from_secs(10);

fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// Whose keys these are: the signed-in user, or the partner client. `None` without a valid
/// token: no key is honoured then (an invalid token gets its 401 from the handler).
fn scope(req: &ServiceRequest, state: &AppState) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let token = value.to_str().ok()?.split_once(' ')?.1.trim();
    match state.tokens.verify_subject(token).ok()? {
        Subject::User(user, _) => Some(user.to_string()),
        Subject::Machine { client_id, .. } => Some(format!("client:{client_id}")),
    }
}

/// The operations whose answer holds a credential shown once: tokens, a client secret, a
/// webhook's signing secret.
const ISSUES_SECRET: [&str; 7] = [
    "/v1/auth/register",
    "/v1/auth/login",
    "/v1/auth/refresh",
    "/v1/auth/token",
    "/v1/admin/clients",
    "/v1/admin/clients/{id}/secret",
    "/v1/webhooks",
];

fn issues_secret(req: &ServiceRequest) -> bool {
    req.match_pattern()
        .is_some_and(|pattern| ISSUES_SECRET.contains(&pattern.as_str()))
}

pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match req.headers().get(&IDEMPOTENCY_KEY) {
        Some(key) if req.method() == Method::POST => key.to_str().ok().map(str::to_owned),
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    let Some(key) = key.filter(|key| valid_key(key)) else {
        return Ok(req.error_response(ApiError::Refused(ErrorCode::InvalidIdempotencyKey)));
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(scope) = scope(&req, &state) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    // The body is part of what makes two requests the same; read it, then hand it on.
    // The route's own limit applies: a key must not let a larger body in.
    let limit = body_limit(req.match_pattern().as_deref());
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) if is_timeout(&error) => {
                return Ok(req.error_response(ApiError::Refused(ErrorCode::RequestTimeout)));
            }
            Err(error) => return Err(error.into()),
        };
        if body.len() + chunk.len() > limit {
            return Ok(req.error_response(ApiError::PayloadTooLarge { limit }));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.uri().to_string());
    hasher.update(b"\n");
    hasher.update(&body);
    let fingerprint = hex(&hasher.finalize());
    req.set_payload(Payload::from(body));
    let secret = issues_secret(&req);

    let started = Instant::now();
    loop {
        let (scope_, key_, fingerprint_) = (scope.clone(), key.clone(), fingerprint.clone());
        let now = state.clock.now();
        let claim = state
            .db(move |conn| {
                Ok(repo::claim(
                    conn,
                    &scope_,
                    &key_,
                    &fingerprint_,
                    now,
                    KEY_TTL,
                    ABANDONED_AFTER,
                )?)
            })
            .await;
        let claim = match claim {
            Ok(claim) => claim,
            Err(error) => return Ok(req.error_response(error)),
        };
        match claim {
            Claim::Claimed => return run_first(req, next, state, scope, key, secret).await,
            Claim::Completed(_) if secret => {
                return Ok(
                    req.error_response(ApiError::Refused(ErrorCode::IdempotencyKeyHeldSecret))
                );
            }
            Claim::Completed(stored) => return Ok(req.into_response(replay(stored))),
            Claim::Mismatch => {
                return Ok(req.error_response(ApiError::Refused(ErrorCode::IdempotencyKeyReused)));
            }
            Claim::InProgress if started.elapsed() < WAIT_FOR_FIRST => {
                actix_web::rt::time::sleep(StdDuration::from_millis(50)).await;
            }
            Claim::InProgress => {
                return Ok(
                    req.error_response(ApiError::Refused(ErrorCode::IdempotencyKeyInProgress))
                );
            }
        }
    }
}

/// Runs the request that claimed the key, and keeps its answer when it succeeded. A failure is
/// not kept: the retry runs again. An answer holding a secret is kept without its body, which
/// is never replayed.
async fn run_first(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    state: web::Data<AppState>,
    scope: String,
    key: String,
    secret: bool,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let release = |state: web::Data<AppState>, scope: String, key: String| async move {
        let released = state
            .db(move |conn| Ok(repo::release(conn, &scope, &key)?))
            .await;
        if let Err(error) = released {
            tracing::warn!(%error, "could not release an idempotency key; it expires by itself");
        }
    };
    let response = match next.call(req).await {
        Ok(response) => response,
        Err(error) => {
            release(state, scope, key).await;
            return Err(error);
        }
    };
    if !response.status().is_success() {
        release(state, scope, key).await;
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes: Bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|error| actix_web::error::ErrorInternalServerError(error.into().to_string()))?;
    let header_text = |name| {
        head.headers()
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
            .map(str::to_owned)
    };
    let stored = if secret {
        StoredResponse {
            status: head.status().as_u16(),
            content_type: None,
            location: None,
            body: Vec::new(),
        }
    } else {
        StoredResponse {
            status: head.status().as_u16(),
            content_type: header_text(header::CONTENT_TYPE),
            location: header_text(header::LOCATION),
            body: bytes.to_vec(),
        }
    };
    let kept = state
        .db(move |conn| Ok(repo::complete(conn, &scope, &key, &stored)?))
        .await;
    if let Err(error) = kept {
        // The change is made; only the replay is lost. A retry then meets an unfinished claim
        // and, after it is abandoned, runs again.
        tracing::error!(%error, "could not keep an idempotent response");
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}

fn replay(stored: StoredResponse) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(stored.status)
        .unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(content_type) = stored.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(location) = stored.location {
        response.insert_header((header::LOCATION, location));
    }
    response
        .insert_header((IDEMPOTENT_REPLAYED, "true"))
        .body(stored.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii() {
        assert!(valid_key("3f2b0c1e-8d5f-4c3a-9a57-1f0e2d3c4b5a"));
        assert!(!valid_key(""));
        assert!(!valid_key("with space"));
        assert!(!valid_key("ünïcode"));
        assert!(!valid_key(&"k".repeat(256)));
    }
}
