//! `ETag` and `If-None-Match` for single resources and feeds: a weak tag over the JSON body;
//! `If-Match` on changes, compared with the tag of what the caller would read now.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::tokens::hex;
use crate::http::error::ApiError;

/// Whether the request's `If-None-Match` names `tag` (or `*`): the client has it already.
pub fn none_match(req: &HttpRequest, tag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        // Weak comparison (RFC 9110 §13.1.2): `W/` does not matter.
        .any(|candidate| {
            candidate == "*" || candidate.trim_start_matches("W/") == tag.trim_start_matches("W/")
        })
}

/// 200 with the body and its `ETag`, or 304 when the client's `If-None-Match` has it already.
pub fn json_with_etag<T: Serialize>(req: &HttpRequest, body: &T) -> Result<HttpResponse, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    let tag = tag_of(&bytes);
    let matches = none_match(req, &tag);
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"));
    Ok(if matches {
        response.finish()
    } else {
        response.content_type("application/json").body(bytes)
    })
}

fn tag_of(bytes: &[u8]) -> String {
    format!("W/\"{}\"", &hex(&Sha256::digest(bytes))[..32])
}

/// The `ETag` a `GET` answering with `body` gives.
pub fn etag_of<T: Serialize>(body: &T) -> String {
    // Our own DTOs always serialise.
    tag_of(&serde_json::to_vec(body).unwrap_or_default())
}

/// A request's `If-Match`: the tags it may change (RFC 9110 §13.1.1), or none sent. The tags
/// are ours and weak (the body may be compressed on the way), so the comparison is weak too.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(Option<Vec<String>>);

impl IfMatch {
    pub fn of(req: &HttpRequest) -> Self {
        let mut sent = req.headers().get_all(header::IF_MATCH).peekable();
        if sent.peek().is_none() {
            return Self(None);
        }
        Self(Some(
            sent.filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(|tag| tag.trim().trim_start_matches("W/").to_owned())
                .filter(|tag| !tag.is_empty())
                .collect(),
        ))
    }

    /// Whether a change to what now reads as `current` may go ahead: no `If-Match`, `*`, or
    /// one of its tags is `current`'s.
    pub fn admits<T: Serialize>(&self, current: &T) -> bool {
        match &self.0 {
            None => true,
            Some(tags) => {
                let tag = etag_of(current);
                let tag = tag.trim_start_matches("W/");
                tags.iter().any(|sent| sent == "*" || sent == tag)
            }
        }
    }

    /// `admits`, as the use case's precondition: 412 `precondition_failed` when stale.
    pub fn check<T: Serialize>(&self, current: &T) -> Result<(), buurt_app::AppError> {
        if self.admits(current) {
            Ok(())
        } else {
            Err(buurt_app::ErrorCode::PreconditionFailed.into())
        }
    }

    pub fn is_sent(&self) -> bool {
        self.0.is_some()
    }
}
