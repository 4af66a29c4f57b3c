//! One error type for the whole API, mapped to RFC 9457 problems with stable codes.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use buurt_openapi::problem::{FieldError, PROBLEM_CONTENT_TYPE, Problem};
use buurt_persistence::PersistenceError;

use crate::http::lang::{Lang, Text};

pub use buurt_app::error::{AppError, ErrorCode, FieldErrors, FieldIssue, FieldProblem};

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors.into_problems())
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => Self::NotFound,
            AppError::Refused(code) => Self::Refused(code),
            AppError::RefusedFields(code, fields) => Self::RefusedFields(code, fields),
            AppError::Invalid(fields) => Self::Validation(fields),
            AppError::RefusedUntil {
                code,
                retry_after_secs,
            } => Self::RefusedUntil {
                code,
                retry_after_secs,
            },
            AppError::Persistence(error) => error.into(),
        }
    }
}

/// The HTTP status of a refusal with `code`.
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Every way a request can fail. Handlers return it; `error_response` turns it into a problem.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allowed: Vec<Method> },
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("invalid request body: {0:?}")]
    Validation(Vec<FieldProblem>),
    #[error("invalid query: {0:?}")]
    InvalidQuery(Vec<FieldProblem>),
    #[error("request body over {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type; expected {expected}")]
    UnsupportedMediaType { expected: &'static str },
    /// A refusal fully described by its code.
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    /// A refusal that names the fields at fault.
    #[error("refused: {0:?} {1:?}")]
    RefusedFields(ErrorCode, Vec<FieldProblem>),
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// Too much hashing at once (`server_busy`): try again in a moment.
    #[error("busy")]
    Busy,
    /// A refusal with its code that may succeed after `retry_after_secs`.
    #[error("refused for {retry_after_secs} s: {code:?}")]
    RefusedUntil {
        code: ErrorCode,
        retry_after_secs: u64,
    },
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(#[source] PersistenceError),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }

    pub fn validation(field: impl Into<String>, issue: FieldIssue) -> Self {
        Self::Validation(vec![FieldProblem::new(field, issue)])
    }

    fn draft(&self) -> ProblemDraft {
        let (code, detail) = match self {
            Self::NotFound => (
                ErrorCode::NotFound,
                Text::new(
                    "There is nothing at this address, or it is not yours to see.",
                    "Hier is niets te vinden, of het is niet voor u zichtbaar.",
                ),
            ),
            Self::MethodNotAllowed { allowed } => {
                let allowed = allowed
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    ErrorCode::MethodNotAllowed,
                    Text::owned(
                        format!("This address accepts only: {allowed}."),
                        format!("Dit adres accepteert alleen: {allowed}."),
                    ),
                )
            }
            Self::MalformedJson(reason) => (
                ErrorCode::MalformedJson,
                Text::owned(
                    format!("The body could not be read as JSON ({reason})."),
                    format!(
                        "De inhoud kon niet als JSON worden gelezen ({}).",
                        crate::http::lang::serde_in_dutch(reason)
                    ),
                ),
            ),
            Self::Validation(_) => (
                ErrorCode::ValidationFailed,
                Text::new(
                    "One or more fields are missing or wrong; see `errors`.",
                    "Een of meer velden ontbreken of kloppen niet; zie `errors`.",
                ),
            ),
            Self::InvalidQuery(_) => (
                ErrorCode::InvalidQuery,
                Text::new(
                    "One or more query parameters are wrong; see `errors`.",
                    "Een of meer queryparameters kloppen niet; zie `errors`.",
                ),
            ),
            Self::PayloadTooLarge { limit } => (
                ErrorCode::PayloadTooLarge,
                Text::owned(
                    format!("Request bodies may be at most {} KiB.", limit / 1024),
                    format!("De inhoud mag hoogstens {} KiB zijn.", limit / 1024),
                ),
            ),
            Self::UnsupportedMediaType { expected } => (
                ErrorCode::UnsupportedMediaType,
                Text::owned(
                    format!("Send the body as `{expected}`, with a matching Content-Type."),
                    format!("Stuur de inhoud als `{expected}`, met een passende Content-Type."),
                ),
            ),
            Self::Refused(code)
            | Self::RefusedFields(code, _)
            | Self::RefusedUntil { code, .. } => (*code, code.detail()),
            Self::Throttled { retry_after_secs } => (
                ErrorCode::TooManyAttempts,
                Text::owned(
                    format!("Too many failed attempts. Try again in {retry_after_secs} seconds."),
                    format!(
                        "Te veel mislukte pogingen. Probeer het over {retry_after_secs} seconden opnieuw."
                    ),
                ),
            ),
            Self::Busy => (ErrorCode::ServerBusy, ErrorCode::ServerBusy.detail()),
            Self::DatabaseUnavailable(_) => (
                ErrorCode::DatabaseUnavailable,
                Text::new(
                    "The database cannot be reached right now. Please try again shortly.",
                    "De database is nu niet bereikbaar. Probeer het zo opnieuw.",
                ),
            ),
            Self::Internal(_) => (
                ErrorCode::InternalError,
                Text::new(
                    "An unexpected error occurred. It has been logged; please try again later.",
                    "Er ging onverwacht iets mis. Dit is vastgelegd; probeer het later opnieuw.",
                ),
            ),
        };
        let errors = match self {
            Self::Validation(problems)
            | Self::InvalidQuery(problems)
            | Self::RefusedFields(_, problems) => problems.clone(),
            _ => Vec::new(),
        };
        ProblemDraft {
            status: self.status_code(),
            code,
            detail,
            errors,
        }
    }
}

impl From<PersistenceError> for ApiError {
    fn from(error: PersistenceError) -> Self {
        if error.is_unavailable() {
            Self::DatabaseUnavailable(error)
        } else {
            Self::internal(error)
        }
    }
}

impl From<crate::auth::password::Busy> for ApiError {
    fn from(_: crate::auth::password::Busy) -> Self {
        Self::Busy
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::MalformedJson(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Refused(code)
            | Self::RefusedFields(code, _)
            | Self::RefusedUntil { code, .. } => status_of(*code),
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy | Self::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // The cause goes to the log, never to the client.
            Self::Internal(cause) => tracing::error!(error = %cause, ?cause, "request failed"),
            Self::DatabaseUnavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable")
            }
            _ => {}
        }
        let mut response = self.draft().into_response();
        if let Self::MethodNotAllowed { allowed } = self {
            let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>();
            response.headers_mut().insert(
                header::ALLOW,
                header::HeaderValue::from_str(&allow.join(", "))
                    .expect("method names are valid header text"),
            );
        }
        let headers = response.headers_mut();
        match self {
            Self::DatabaseUnavailable(_) => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            }
            Self::Busy => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            }
            Self::Throttled { retry_after_secs }
            | Self::RefusedUntil {
                retry_after_secs, ..
            } => {
                headers.insert(
                    header::RETRY_AFTER,
                    header::HeaderValue::from(*retry_after_secs),
                );
            }
            // RFC 6750 §3: a 401 names the scheme, and says when the token was the problem.
            Self::Refused(ErrorCode::InvalidToken | ErrorCode::TokenExpired) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(
                        r#"Bearer realm="buurt", error="invalid_token""#,
                    ),
                );
            }
            Self::Refused(code) if code.status() == 401 => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(r#"Bearer realm="buurt""#),
                );
            }
            _ => {}
        }
        response
    }
}

/// A problem before its language and request id are known. It travels in the response's
/// extensions; the problem middleware renders it for the request's `Accept-Language`.
#[derive(Debug, Clone)]
pub struct ProblemDraft {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Text,
    pub errors: Vec<FieldProblem>,
}

impl ProblemDraft {
    /// For error responses that did not come from an `ApiError` (actix's own, say).
    pub fn for_status(status: StatusCode) -> Self {
        let error = match status.as_u16() {
            404 => ApiError::NotFound,
            405 => ApiError::MethodNotAllowed {
                allowed: Vec::new(),
            },
            413 => ApiError::PayloadTooLarge {
                limit: crate::http::extract::MAX_JSON_BODY,
            },
            415 => ApiError::UnsupportedMediaType {
                expected: "application/json",
            },
            500.. => ApiError::internal(format!("unmapped {status} response")),
            _ => {
                return Self {
                    status,
                    code: ErrorCode::BadRequest,
                    detail: Text::new(
                        "The request could not be handled as sent.",
                        "Het verzoek kon zo niet worden verwerkt.",
                    ),
                    errors: Vec::new(),
                };
            }
        };
        Self {
            status,
            ..error.draft()
        }
    }

    /// For the answers actix-http's HTTP/1 dispatcher makes by itself, before there is a
    /// request to negotiate a language with: a request it cannot parse (400), a head too large
    /// (431), a head that does not arrive in time (408).
    pub fn for_protocol_error(status: StatusCode) -> Self {
        let (code, detail) = match status.as_u16() {
            400 => (
                ErrorCode::BadRequest,
                Text::new(
                    "The request is not valid HTTP/1.1 (its request line, a header or the \
                     framing of its body), so the connection is closed.",
                    "Het verzoek is geen geldig HTTP/1.1 (de verzoekregel, een header of de \
                     opbouw van de inhoud), dus de verbinding wordt gesloten.",
                ),
            ),
            408 => (
                ErrorCode::RequestTimeout,
                ErrorCode::RequestTimeout.detail(),
            ),
            431 => (
                ErrorCode::RequestHeaderFieldsTooLarge,
                ErrorCode::RequestHeaderFieldsTooLarge.detail(),
            ),
            _ => return Self::for_status(status),
        };
        Self {
            status,
            code,
            detail,
            errors: Vec::new(),
        }
    }

    pub fn render(&self, lang: Lang, request_id: Option<String>) -> Problem {
        Problem {
            problem_type: format!("urn:buurt:problem:{}", self.code.as_str()),
            title: self.code.title().get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_owned(),
            code: self.code.as_str().to_owned(),
            errors: self
                .errors
                .iter()
                .map(|problem| FieldError {
                    field: problem.field.clone(),
                    code: problem.issue.code().to_owned(),
                    message: problem.issue.message().get(lang).to_owned(),
                })
                .collect(),
            request_id,
        }
    }

    /// An English rendering; the middleware replaces the body once it knows the request.
    fn into_response(self) -> HttpResponse {
        let body = self.render(Lang::En, None);
        let mut response = HttpResponse::build(self.status)
            .content_type(PROBLEM_CONTENT_TYPE)
            .json(body);
        response.extensions_mut().insert(self);
        response
    }
}

/// The body actix-http gives the responses its HTTP/1 dispatcher makes by itself (registered at
/// start-up with `actix_http::h1::set_protocol_error_body`): a problem in English, the default
/// language, since no request was understood to negotiate another.
pub fn protocol_error_body(
    status: StatusCode,
) -> Option<(actix_web::http::header::HeaderValue, actix_web::web::Bytes)> {
    let problem = ProblemDraft::for_protocol_error(status).render(Lang::En, None);
    let body = serde_json::to_vec(&problem).ok()?;
    Some((
        actix_web::http::header::HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        body.into(),
    ))
}
