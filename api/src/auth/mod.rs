//! Signing in: password hashes, access tokens, refresh tokens, and the extractor that says who
//! is calling.

pub mod password;
pub mod tokens;

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use buurt_domain::accounts::UserId;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use tokens::TokenError;

/// The user a valid access token speaks for. Only the id is taken from the token: anything
/// that can change after it was issued (roles, memberships) is read from the database.
#[derive(Debug, Clone, Copy)]
pub struct Authenticated {
    pub user_id: UserId,
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// The caller when a valid token is sent, or nobody when none is; an invalid token is still a
/// 401, so a client never silently reads as anonymous.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthenticated(pub Option<Authenticated>);

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            ready(authenticate(req).map(|caller| MaybeAuthenticated(Some(caller))))
        } else {
            ready(Ok(MaybeAuthenticated(None)))
        }
    }
}

fn authenticate(req: &HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("AppState is not registered"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Refused(ErrorCode::Unauthorized))?
        .to_str()
        .map_err(|_| ApiError::Refused(ErrorCode::InvalidToken))?;
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or(ApiError::Refused(ErrorCode::InvalidToken))?;
    match state.tokens.verify(token) {
        Ok(user_id) => Ok(Authenticated { user_id }),
        Err(TokenError::Expired) => Err(ApiError::Refused(ErrorCode::TokenExpired)),
        Err(TokenError::Invalid) => Err(ApiError::Refused(ErrorCode::InvalidToken)),
    }
}
