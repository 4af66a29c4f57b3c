//! `ETag` and `If-None-Match` for single resources and feeds: a weak tag over the JSON body.

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
    let tag = format!("W/\"{}\"", &hex(&Sha256::digest(&bytes))[..32]);
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
