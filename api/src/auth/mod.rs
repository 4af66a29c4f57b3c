//! Signing in: password hashes, access tokens, refresh tokens, and the extractor that says who
//! is calling.

pub mod password;
pub mod standing;
pub mod tokens;

use std::future::{Ready, ready};

use futures_util::future::LocalBoxFuture;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use buurt_domain::accounts::UserId;
use buurt_domain::partners::{Client, Scope};

use buurt_app::partners::{ClientToken, Requester};

use crate::http::error::{ApiError, ErrorCode};
use crate::state::AppState;
use tokens::{Subject, TokenError};

/// The user a valid access token speaks for. Only the id is taken from the token: anything
/// that can change after it was issued (roles, memberships) is read from the database; the
/// token counts only while it carries the account's token generation and the account is not
/// suspended (see [`standing`]).
#[derive(Debug, Clone, Copy)]
pub struct Authenticated {
    pub user_id: UserId,
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let subject = checked_subject(req);
        Box::pin(async move {
            match subject.await? {
                Subject::User(user_id, _) => Ok(Authenticated { user_id }),
                // A machine client's token on an endpoint for people: signed by us, but not
                // for this.
                Subject::Machine { .. } => Err(ApiError::Refused(ErrorCode::InsufficientScope)),
            }
        })
    }
}

/// The signed-in user and the login their access token was issued in (none for a token from
/// before tokens named their login): for what lives only as long as the login, a device.
#[derive(Debug, Clone, Copy)]
pub struct AuthenticatedLogin {
    pub user_id: UserId,
    pub login: Option<uuid::Uuid>,
}

impl FromRequest for AuthenticatedLogin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let caller = Authenticated::from_request(req, payload);
        // Read only once the token has been checked, below.
        let login = req
            .app_data::<web::Data<AppState>>()
            .zip(bearer(req).ok())
            .and_then(|(state, token)| state.tokens.login_of(token));
        Box::pin(async move {
            let caller = caller.await?;
            Ok(AuthenticatedLogin {
                user_id: caller.user_id,
                login,
            })
        })
    }
}

/// The caller when a valid token is sent, or nobody when none is; an invalid token is still a
/// 401, so a client never silently reads as anonymous.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthenticated(pub Option<Authenticated>);

impl FromRequest for MaybeAuthenticated {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let caller = Authenticated::from_request(req, payload);
            Box::pin(async move { Ok(MaybeAuthenticated(Some(caller.await?))) })
        } else {
            Box::pin(ready(Ok(MaybeAuthenticated(None))))
        }
    }
}

/// Who calls an endpoint that machine clients may call too: a user, a machine client (with the
/// scopes its token carries), or nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    User(UserId),
    Machine(MachineCaller),
}

/// A machine client as its token describes it. What can change after issue (disabled, its
/// municipalities) is read from the database by [`MachineCaller::client`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineCaller {
    pub client_id: String,
    pub scopes: Vec<Scope>,
}

impl MachineCaller {
    /// The client, when it is still enabled and its token carries `scope`: otherwise 401 (a
    /// disabled or deleted client) or 403 `insufficient_scope`.
    pub fn client(
        &self,
        conn: &mut buurt_persistence::DbConnection,
        scope: Scope,
    ) -> Result<Client, ApiError> {
        Ok(self.token().client(conn, scope)?)
    }

    /// `client`, and 403 `insufficient_scope` unless the client is bound to `municipality`.
    pub fn client_in(
        &self,
        conn: &mut buurt_persistence::DbConnection,
        scope: Scope,
        municipality: &str,
    ) -> Result<Client, ApiError> {
        Ok(self.token().client_in(conn, scope, municipality)?)
    }

    /// The token as the use cases take it.
    pub fn token(&self) -> ClientToken {
        ClientToken {
            client_id: self.client_id.clone(),
            scopes: self.scopes.clone(),
        }
    }
}

/// The partner endpoints take a machine client: 401 for nobody, 403 `insufficient_scope` for a
/// user. As an extractor placed first this is decided before the body or query is read, so an
/// anonymous request is 401 whatever it sends.
impl FromRequest for MachineCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return ready(Err(ApiError::Refused(ErrorCode::Unauthorized)));
        }
        ready(subject(req).and_then(|subject| match subject {
            Subject::Machine { client_id, scopes } => Ok(MachineCaller { client_id, scopes }),
            Subject::User(..) => Err(ApiError::Refused(ErrorCode::InsufficientScope)),
        }))
    }
}

impl Caller {
    /// The user, or 401 for nobody and 403 for a machine client.
    pub fn user(&self) -> Result<UserId, ApiError> {
        Ok(self.requester().user()?)
    }

    /// Who asks, as the use cases take it.
    pub fn requester(&self) -> Requester {
        match self {
            Self::Anonymous => Requester::Anonymous,
            Self::User(user) => Requester::User(*user),
            Self::Machine(machine) => Requester::Client(machine.token()),
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        if !req.headers().contains_key(header::AUTHORIZATION) {
            return Box::pin(ready(Ok(Caller::Anonymous)));
        }
        let subject = checked_subject(req);
        Box::pin(async move {
            Ok(match subject.await? {
                Subject::User(user, _) => Caller::User(user),
                Subject::Machine { client_id, scopes } => {
                    Caller::Machine(MachineCaller { client_id, scopes })
                }
            })
        })
    }
}

fn subject(req: &HttpRequest) -> Result<Subject, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("AppState is not registered"))?;
    match state.tokens.verify_subject(bearer(req)?) {
        Ok(subject) => Ok(subject),
        Err(TokenError::Expired) => Err(ApiError::Refused(ErrorCode::TokenExpired)),
        Err(TokenError::Invalid) => Err(ApiError::Refused(ErrorCode::InvalidToken)),
    }
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Refused(ErrorCode::Unauthorized))?
        .to_str()
        .map_err(|_| ApiError::Refused(ErrorCode::InvalidToken))?;
    value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or(ApiError::Refused(ErrorCode::InvalidToken))
}

/// The token's subject; a user's only while the token carries the account's current token
/// generation and the account is not suspended (`invalid_token` otherwise).
fn checked_subject(req: &HttpRequest) -> LocalBoxFuture<'static, Result<Subject, ApiError>> {
    let subject = subject(req);
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let request = req.clone();
    Box::pin(async move {
        let subject = subject?;
        let Subject::User(user, generation) = subject else {
            return Ok(subject);
        };
        let state = state.ok_or_else(|| ApiError::internal("AppState is not registered"))?;
        let (standing, cached) = match state.standings.cached(user) {
            Some(standing) => (standing, true),
            None => {
                let mark = state.standings.mark();
                let standing = state
                    .run(move |cx| buurt_app::accounts::token_standing(cx, user))
                    .await?;
                state.standings.remember(user, standing, mark);
                (standing, false)
            }
        };
        match standing {
            Some(standing) if standing.accepts(generation) => {
                request.extensions_mut().insert(AcceptedToken {
                    user,
                    generation,
                    cached,
                });
                Ok(subject)
            }
            _ => Err(ApiError::Refused(ErrorCode::InvalidToken)),
        }
    })
}

/// A user's token as the request's extractor accepted it: kept with the request, so that a
/// refusal can be weighed against the account as it is by then ([`recheck_refused_tokens`]).
#[derive(Debug, Clone, Copy)]
pub struct AcceptedToken {
    pub user: UserId,
    pub generation: i64,
    /// Accepted on this process's cached standing, which may be up to
    /// [`standing::STANDING_CACHE`] old.
    pub cached: bool,
}

/// Middleware: a refusal (4xx) of a request whose user token was accepted on a standing that
/// may have changed since is weighed again against the account as it is now. When the token
/// no longer counts (the account was erased or suspended, on another node, within the cache
/// window), the answer is 401 `invalid_token`, as it would have been a moment later: not a
/// 403 for a membership that went with the account, nor `reference_gone` for the account
/// row itself. Asked again only for a cached standing, or when a write met a foreign key to a
/// row that is gone (`reference_gone`, which may be the caller's own account erased between
/// the check and the write).
pub async fn recheck_refused_tokens(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<
        actix_web::body::EitherBody<impl actix_web::body::MessageBody + 'static>,
    >,
    actix_web::Error,
> {
    use actix_web::ResponseError;
    use actix_web::http::StatusCode;

    let response = next.call(req).await?;
    let status = response.status();
    if !status.is_client_error()
        || status == StatusCode::UNAUTHORIZED
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        return Ok(response.map_into_left_body());
    }
    let Some(accepted) = response
        .request()
        .extensions()
        .get::<AcceptedToken>()
        .copied()
    else {
        return Ok(response.map_into_left_body());
    };
    let gone = response
        .response()
        .extensions()
        .get::<crate::http::error::ProblemDraft>()
        .is_some_and(|draft| draft.code == ErrorCode::ReferenceGone);
    let Some(state) = response
        .request()
        .app_data::<web::Data<AppState>>()
        .cloned()
    else {
        return Ok(response.map_into_left_body());
    };
    if !(accepted.cached || gone) {
        return Ok(response.map_into_left_body());
    }
    let user = accepted.user;
    let standing = state
        .run(move |cx| buurt_app::accounts::token_standing(cx, user))
        .await;
    match standing {
        Ok(Some(standing)) if standing.accepts(accepted.generation) => {
            Ok(response.map_into_left_body())
        }
        // Could not tell: the refusal stands as it was.
        Err(_) => Ok(response.map_into_left_body()),
        Ok(_) => {
            state.standings.forget(user);
            let refusal = ApiError::Refused(ErrorCode::InvalidToken).error_response();
            Ok(response.into_response(refusal).map_into_right_body())
        }
    }
}
