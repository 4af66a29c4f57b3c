//! Request extractors whose failures are problems, not actix's plain-text errors.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{self, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, ErrorCode, FieldIssue, FieldProblem};

/// The largest JSON body accepted, in bytes.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// A JSON request body, read up to [`MAX_JSON_BODY`] bytes and deserialised with the path of
/// whatever field is wrong. Syntax errors are 400 `malformed_json`; well-formed JSON of the
/// wrong shape (missing or unknown fields, wrong types, unknown enum values) is 422
/// `validation_failed` with one entry per field. Strings may not contain NUL characters.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json_media_type(&media_type(req));
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "application/json",
                });
            }
            let body = read_body(&mut payload, declared_length, MAX_JSON_BODY).await?;
            parse_json(&body).map(Json)
        })
    }
}

/// A JSON body that may be left out: no body, or `null`, is `None`; any other body must be
/// JSON of the right shape.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type = media_type(req);
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&mut payload, declared_length, MAX_JSON_BODY).await?;
            // No body, or JSON `null`, is nothing.
            if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
                return Ok(OptionalJson(None));
            }
            if !is_json_media_type(&media_type) {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "application/json",
                });
            }
            parse_json(&body).map(|value| OptionalJson(Some(value)))
        })
    }
}

/// Reads a whole body of at most `limit` bytes; 413 as soon as it is clear it is larger.
pub(crate) async fn read_body(
    payload: &mut Payload,
    declared_length: Option<usize>,
    limit: usize,
) -> Result<BytesMut, ApiError> {
    if declared_length.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| match error {
            error if is_timeout(&error) => ApiError::Refused(ErrorCode::RequestTimeout),
            error => ApiError::MalformedJson(error.to_string()),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Whether reading the body failed because it took too long (see `http::limits`).
pub fn is_timeout(error: &actix_web::error::PayloadError) -> bool {
    matches!(error, actix_web::error::PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// The largest body the route with this pattern reads: the CSV import takes a large one,
/// every other route a JSON body of at most [`MAX_JSON_BODY`].
pub fn body_limit(pattern: Option<&str>) -> usize {
    match pattern {
        Some(CSV_ROUTE) => MAX_CSV_BODY,
        Some(UPLOAD_ROUTE) => MAX_UPLOAD_BODY,
        _ => MAX_JSON_BODY,
    }
}

/// The route that takes an image (`routes::images`).
pub const UPLOAD_ROUTE: &str = "/v1/uploads";

/// The largest upload body: the image's 10 MiB and a multipart envelope around it.
pub const MAX_UPLOAD_BODY: usize = buurt_domain::images::MAX_UPLOAD_BYTES + 64 * 1024;

/// The one route that takes a [`Csv`] body.
pub const CSV_ROUTE: &str = "/v1/admin/neighbourhoods/import";

pub(crate) fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok())
}

pub(crate) fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The largest CSV body accepted: all Dutch neighbourhoods fit several times over.
pub const MAX_CSV_BODY: usize = 16 * 1024 * 1024;

/// A `text/csv` request body of at most [`MAX_CSV_BODY`] bytes.
#[derive(Debug)]
pub struct Csv(pub Vec<u8>);

impl FromRequest for Csv {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_csv = media_type(req) == "text/csv";
        let declared_length = declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_csv {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "text/csv",
                });
            }
            let body = read_body(&mut payload, declared_length, MAX_CSV_BODY).await?;
            Ok(Csv(body.to_vec()))
        })
    }
}

/// `essence` is the media type without parameters, in lower case.
fn is_json_media_type(essence: &str) -> bool {
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses in two steps, so that syntax errors and shape errors are told apart, and so that NUL
/// characters (which PostgreSQL cannot store) are refused wherever they hide.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson("the body is empty".into()));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| ApiError::MalformedJson(error.to_string()))?;
    // Every request body of this API is an object; serde would also read a struct from an
    // array, by position, which no client means.
    if !value.is_object() {
        return Err(ApiError::validation(
            "",
            FieldIssue::wrong_type("expected a JSON object", "verwacht een JSON-object"),
        ));
    }
    let mut value = value;
    integral_floats_to_integers(&mut value);
    let mut nul_fields = Vec::new();
    find_nul_strings(&value, String::new(), &mut nul_fields);
    if !nul_fields.is_empty() {
        return Err(ApiError::Validation(
            nul_fields
                .into_iter()
                .map(|field| FieldProblem::new(field, FieldIssue::ContainsNul))
                .collect(),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::Validation(vec![field_problem(&path, &error.into_inner().to_string())])
    })
}

/// JSON Schema counts `7.0` as an integer; serde's integer types do not. Whole numbers
/// written as floats become integers before deserialising.
fn integral_floats_to_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            // Exactly representable as an integer: within ±2^53 and without a fraction.
            if float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0 {
                *value = serde_json::Value::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_to_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_to_integers),
        _ => {}
    }
}

fn find_nul_strings(value: &serde_json::Value, path: String, found: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) if text.contains('\0') => found.push(path),
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_nul_strings(item, format!("{path}[{index}]"), found);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                if key.contains('\0') {
                    found.push(join(key));
                }
                find_nul_strings(item, join(key), found);
            }
        }
        _ => {}
    }
}

/// Turns serde's message into a field code. serde reports a missing field at the path of the
/// object that lacks it, so the field's name is appended from the message.
fn field_problem(path: &str, message: &str) -> FieldProblem {
    let path = if path == "." { "" } else { path };
    let named = |name: Option<&str>| match (path, name) {
        ("", Some(name)) => name.to_owned(),
        (path, Some(name)) if !path.ends_with(name) => format!("{path}.{name}"),
        (path, _) => path.to_owned(),
    };
    let quoted = message.split('`').nth(1);
    let field = |issue| FieldProblem::new(named(quoted), issue);
    let explanation = || {
        message
            .split(" at line ")
            .next()
            .unwrap_or(message)
            .to_owned()
    };
    if message.starts_with("missing field") {
        field(FieldIssue::Required)
    } else if message.starts_with("unknown field") {
        field(FieldIssue::UnknownField)
    } else if message.starts_with("out of range") {
        field(FieldIssue::OutOfRange)
    } else if message.starts_with("invalid type") {
        FieldProblem::new(
            named(None),
            FieldIssue::wrong_type(
                explanation(),
                crate::http::lang::serde_in_dutch(&explanation()),
            ),
        )
    } else {
        FieldProblem::new(
            named(None),
            FieldIssue::invalid(
                explanation(),
                crate::http::lang::serde_in_dutch(&explanation()),
            ),
        )
    }
}

/// Query-string errors: 400 `invalid_query`, naming the parameter where serde does.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let message = error.to_string();
        let message = message
            .strip_prefix("Query deserialize error: ")
            .unwrap_or(&message);
        ApiError::InvalidQuery(vec![field_problem("", message)]).into()
    })
}

/// A path segment that does not parse (an id of the wrong shape) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_error, _req| ApiError::NotFound.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
        nested: Option<Nested>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        News,
    }

    fn problems(body: &str) -> Vec<(String, &'static str)> {
        match parse_json::<Body>(body.as_bytes()) {
            Err(ApiError::Validation(problems)) => problems
                .into_iter()
                .map(|p| (p.field, p.issue.code()))
                .collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        assert_eq!(problems(r#"{"name":"a"}"#), [("count".into(), "required")]);
        assert_eq!(
            problems(r#"{"name":"a","count":"x"}"#),
            [("count".into(), "invalid_type")]
        );
        assert_eq!(
            problems(r#"{"name":"a","count":-1}"#),
            [("count".into(), "invalid_value")]
        );
        assert_eq!(
            problems(r#"{"name":"a","count":1,"extra":true}"#),
            [("extra".into(), "unknown_field")]
        );
        assert_eq!(
            problems(r#"{"name":"a","count":1,"nested":{"kind":"gossip"}}"#),
            [("nested.kind".into(), "invalid_value")]
        );
        assert_eq!(
            problems(r#"{"name":"a","count":1,"nested":{}}"#),
            [("nested.kind".into(), "required")]
        );
        assert_eq!(
            problems("{\"name\":\"a\\u0000b\",\"count\":1}"),
            [("name".into(), "invalid_value")]
        );
        assert_eq!(problems("5"), [("".into(), "invalid_type")]);
        assert_eq!(problems("[\"a\", 1]"), [("".into(), "invalid_type")]);
    }

    #[test]
    fn whole_floats_count_as_integers() {
        let body: Body = parse_json(br#"{"name":"a","count":7.0}"#).unwrap();
        assert_eq!(body.count, 7);
        assert_eq!(
            problems(r#"{"name":"a","count":7.5}"#),
            [("count".into(), "invalid_type")]
        );
    }

    #[test]
    fn tells_syntax_errors_apart() {
        for body in ["", "  ", "{", "{\"name\": }", "nul", "{}{}"] {
            assert!(
                matches!(
                    parse_json::<Body>(body.as_bytes()),
                    Err(ApiError::MalformedJson(_))
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn accepts_json_media_types_only() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("application/merge-patch+json"));
        assert!(!is_json_media_type("text/plain"));
        assert!(!is_json_media_type("application/x-www-form-urlencoded"));
    }
}
