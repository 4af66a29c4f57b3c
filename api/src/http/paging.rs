//! Keyset paging: the `limit` parameter and opaque cursors.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
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

/// A cursor is the last row's sort key, as base64url JSON: opaque to clients.
pub fn encode_cursor<T: Serialize>(key: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("sort keys serialise"))
}

pub fn decode_cursor<T: DeserializeOwned>(raw: Option<&str>) -> Result<Option<T>, ApiError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
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
        assert_eq!(decode_cursor::<(String, String)>(None).unwrap(), None);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert_eq!(limit(None).unwrap(), 20);
    }
}
