//! Cross-cutting request handling: request ids with a tracing span, and problem rendering.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use buurt_openapi::problem::PROBLEM_CONTENT_TYPE;
use tracing::Instrument;

use crate::http::error::{ApiError, FieldIssue, FieldProblem, ProblemDraft};
use crate::http::lang::Lang;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, as echoed in `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts the client's `x-request-id` when it is a sane token, so ids can be followed across
/// systems; otherwise makes one. Every log line of the request carries it, and so does the
/// response.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_valid_request_id(value))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request completed"
        )
    });
    response.headers_mut().insert(
        REQUEST_ID_HEADER,
        HeaderValue::from_str(&id).expect("request ids are visible ASCII"),
    );
    Ok(response)
}

fn is_valid_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Marks an error response whose body is a page for people (`routes::pages`): it is sent as
/// it is, not replaced by a problem.
#[derive(Debug, Clone, Copy)]
pub struct PageForPeople;

/// Renders every error response as a problem in the request's language, with its request id.
/// Error responses that did not come from `ApiError` (actix's own) become problems too.
pub async fn problem_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let lang = Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    let response = next.call(req).await?;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response
            .response()
            .extensions()
            .get::<PageForPeople>()
            .is_some()
    {
        return Ok(response.map_into_left_body());
    }
    let draft = match response.response().extensions().get::<ProblemDraft>() {
        Some(draft) => draft.clone(),
        None => {
            if status.is_server_error() {
                tracing::error!(%status, error = ?response.response().error(), "unmapped error");
            }
            ProblemDraft::for_status(status)
        }
    };
    let request_id = response
        .request()
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let mut rendered = HttpResponse::build(status);
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.append_header((name.clone(), value.clone()));
        }
    }
    let rendered = rendered
        .content_type(PROBLEM_CONTENT_TYPE)
        .json(draft.render(lang, request_id));
    Ok(response.into_response(rendered).map_into_right_body())
}

/// Refuses a URL that decodes to a NUL character, before any handler reads it: PostgreSQL
/// cannot hold one in text, and no id, code or search means one. A decoded NUL can only come
/// from `%00`. In the path it names nothing (404); in the query string the parameter is
/// invalid (400 `invalid_query`).
pub async fn refuse_nul_in_url(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let error = if holds_encoded_nul(req.path()) {
        Some(ApiError::NotFound)
    } else {
        req.query_string()
            .split('&')
            .find(|pair| holds_encoded_nul(pair))
            .map(|pair| {
                let name = pair.split_once('=').map_or(pair, |(name, _)| name);
                let name = if holds_encoded_nul(name) { "" } else { name };
                ApiError::InvalidQuery(vec![FieldProblem::new(name, FieldIssue::ContainsNul)])
            })
    };
    match error {
        Some(error) => Ok(req.error_response(error).map_into_right_body()),
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

fn holds_encoded_nul(raw: &str) -> bool {
    raw.as_bytes()
        .windows(3)
        .any(|window| window[0] == b'%' && window[1] == b'0' && window[2] == b'0')
}

/// HEAD is GET without the body (RFC 9110 §9.3.2): answer it wherever GET is answered. The
/// HTTP layer remembers the request was HEAD and sends the head only.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

/// Says what an answer depends on and what language its texts are in: `Vary: Accept-Language,
/// Authorization` (problems and some texts follow the language, most answers the caller), and
/// `Content-Language` with the negotiated language.
pub async fn negotiation_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let lang = crate::http::lang::Negotiated::of(req.request());
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Authorization"),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(match lang {
            Lang::Nl => "nl",
            Lang::En => "en",
        }),
    );
    Ok(response)
}
