//! Keyset paging: the `limit` parameter and opaque cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use buurt_domain::value::moment_in_range;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, FieldIssue, FieldProblem};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// The page size asked for: 1 to 100, 20 when absent.
pub fn limit(raw: Option<u32>) -> Result<usize, ApiError> {
    let limit = raw.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit as usize)
    } else {
        Err(ApiError::InvalidQuery(vec![FieldProblem::new(
            "limit",
            FieldIssue::OutOfRange,
        )]))
    }
}

/// The page size and where the page starts, with every problem of both (and of `more`, found
/// in the list's other parameters) in one 400 `invalid_query`.
pub fn page<T: DeserializeOwned>(
    raw_limit: Option<u32>,
    cursor: Option<&str>,
    more: Vec<FieldProblem>,
) -> Result<(usize, Option<T>), ApiError> {
    let mut problems = more;
    let limit = limit(raw_limit).map_err(|error| problems.extend(problems_of(error)));
    let after = decode_cursor(cursor).map_err(|error| problems.extend(problems_of(error)));
    match (limit, after) {
        (Ok(limit), Ok(after)) if problems.is_empty() => Ok((limit, after)),
        _ => Err(ApiError::InvalidQuery(problems)),
    }
}

fn problems_of(error: ApiError) -> Vec<FieldProblem> {
    match error {
        ApiError::InvalidQuery(problems) => problems,
        _ => Vec::new(),
    }
}

/// A cursor is the last row's sort key, as base64url JSON: opaque to clients.
pub fn encode_cursor<T: Serialize>(key: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("sort keys serialise"))
}

/// Reads a cursor back. Only cursors this API issued mean anything, and a client can forge
/// any other, so what it decodes to is checked as any input is before it reaches a query: no
/// NUL or other control character in its text, no moment outside the years a request may name.
pub fn decode_cursor<T: DeserializeOwned>(raw: Option<&str>) -> Result<Option<T>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter(is_sane)
        .and_then(|value| serde_json::from_value(value).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::InvalidQuery(vec![FieldProblem::new(
                "cursor",
                FieldIssue::invalid(
                    "use the `next_cursor` of a previous page",
                    "gebruik de `next_cursor` van een vorige pagina",
                ),
            )])
        })
}

/// Whether every text in a decoded cursor is free of control characters, and every moment
/// in it (a text that reads as one) lies within [`buurt_domain::value::YEARS`].
fn is_sane(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => {
            !text.chars().any(char::is_control)
                && text
                    .parse::<DateTime<Utc>>()
                    .map_or(true, |at| moment_in_range(at).is_ok())
        }
        serde_json::Value::Array(items) => items.iter().all(is_sane),
        serde_json::Value::Object(map) => map.values().all(is_sane),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let key = ("zuid".to_owned(), "id-1".to_owned());
        let cursor = encode_cursor(&key);
        assert_eq!(
            decode_cursor::<(String, String)>(Some(&cursor)).unwrap(),
            Some(key)
        );
        assert!(decode_cursor::<(String, String)>(Some("!!")).is_err());
        assert!(decode_cursor::<(String, String)>(Some("e30")).is_err());
        // Forged cursors that decode: NUL in text, moments outside the years.
        for forged in [
            serde_json::json!(["2026-01-01T00:00:00Z", "a\u{0}b"]),
            serde_json::json!(["+100000-01-01T00:00:00Z", "id"]),
            serde_json::json!(["-5000-01-01T00:00:00Z", "id"]),
        ] {
            let cursor = encode_cursor(&forged);
            assert!(
                decode_cursor::<(DateTime<Utc>, String)>(Some(&cursor)).is_err(),
                "{forged}"
            );
        }
        let fine = encode_cursor(&serde_json::json!(["2026-01-01T00:00:00Z", "id"]));
        assert!(decode_cursor::<(DateTime<Utc>, String)>(Some(&fine)).is_ok());
        assert_eq!(decode_cursor::<(String, String)>(None).unwrap(), None);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert_eq!(limit(None).unwrap(), 20);
    }
}
