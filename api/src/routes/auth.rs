//! Registration, sign-in, refresh and sign-out.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use buurt_domain::accounts::{DisplayName, Email, Password, Postcode, Profile, User, UserId};
use buurt_domain::throttle::ThrottleScope;
use buurt_openapi::accounts::{
    LoginRequest, Me, RefreshTokenRequest, RegisterRequest, TokenResponse,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::accounts::{self as repo, CreateUserError, NewRefreshToken, Rotation};
use buurt_persistence::time;
use chrono::{DateTime, Utc};

use crate::auth::password;
use crate::auth::tokens::{
    ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, new_refresh_token, refresh_token_hash,
};
use crate::error::{ApiError, ErrorCode, FieldErrors, FieldIssue, FieldProblem};
use crate::extract::Json;
use crate::routes::me::load_me;
use crate::state::AppState;

/// A refresh token as handed out, and what is stored of it.
struct IssuedRefreshToken {
    token: String,
    stored: NewRefreshToken,
}

fn issue_refresh_token(
    user_id: UserId,
    family_id: uuid::Uuid,
    now: DateTime<Utc>,
) -> IssuedRefreshToken {
    let token = new_refresh_token();
    IssuedRefreshToken {
        stored: NewRefreshToken {
            family_id,
            user_id,
            token_hash: refresh_token_hash(&token),
            expires_at: now + REFRESH_TOKEN_TTL,
        },
        token,
    }
}

fn token_response(
    state: &AppState,
    me: Me,
    refresh_token: String,
    now: DateTime<Utc>,
) -> TokenResponse {
    TokenResponse {
        access_token: state.tokens.issue(UserId(me.id), now),
        user: me,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_TTL.num_seconds().unsigned_abs(),
        refresh_token,
        refresh_expires_in: REFRESH_TOKEN_TTL.num_seconds().unsigned_abs(),
    }
}

/// Create an account and sign in.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in.", body = TokenResponse,
         headers(("location" = String, description = "`/v1/me`"))),
        (status = 409, description = "`email_taken`: an account with this email exists \
          (in any letter case).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&body.email));
    let password = errors.check("password", Password::parse(&body.password));
    let display_name = errors.check("display_name", DisplayName::parse(&body.display_name));
    let postcode = errors.check_optional("postcode", body.postcode.as_deref(), Postcode::parse);
    let (Some(email), Some(password), Some(display_name), Some(postcode)) =
        (email, password, display_name, postcode)
    else {
        return Err(errors.into());
    };

    let password_hash = state.compute(move || password::hash(&password)).await?;
    let now = time::now();
    let user = User {
        id: UserId::new(),
        email,
        email_verified: false,
        display_name,
        profile: Profile {
            postcode,
            ..Profile::default()
        },
        platform_admin: false,
        created_at: now,
        updated_at: now,
    };
    let issued = issue_refresh_token(user.id, uuid::Uuid::new_v4(), now);
    let stored = issued.stored.clone();
    let user = state
        .db(move |conn| {
            match repo::create_user_with_refresh_token(conn, &user, &password_hash, &stored) {
                Ok(()) => Ok(user),
                Err(CreateUserError::EmailTaken) => Err(ApiError::RefusedFields(
                    ErrorCode::EmailTaken,
                    vec![FieldProblem::new("email", FieldIssue::Taken)],
                )),
                Err(CreateUserError::Persistence(error)) => Err(error.into()),
            }
        })
        .await?;
    tracing::info!(user_id = %user.id, "user registered");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/me"))
        .json(token_response(
            &state,
            Me::new(&user, &[]),
            issued.token,
            now,
        )))
}

/// The address failed sign-ins are counted against.
/// The client's address. Behind a trusted proxy it is the right-most entry of
/// `X-Forwarded-For` (or of `for=` in `Forwarded`): the one our proxy added. Entries to its
/// left come from the client, who can write anything there.
fn client_address(req: &HttpRequest, trust_proxy_headers: bool) -> String {
    let last_entry = |name: &str, prefix: &str| {
        let values: Vec<&str> = req
            .headers()
            .get_all(name)
            .filter_map(|value| value.to_str().ok())
            .collect();
        values
            .iter()
            .flat_map(|value| value.split(','))
            .filter_map(|entry| {
                entry
                    .split(';')
                    .map(str::trim)
                    .find_map(|part| {
                        if prefix.is_empty() {
                            Some(part)
                        } else {
                            part.get(..prefix.len())
                                .filter(|start| start.eq_ignore_ascii_case(prefix))
                                .map(|_| &part[prefix.len()..])
                        }
                    })
                    .map(|address| address.trim_matches('"').to_owned())
            })
            .rfind(|address| !address.is_empty())
    };
    if trust_proxy_headers
        && let Some(address) =
            last_entry("x-forwarded-for", "").or_else(|| last_entry("forwarded", "for="))
    {
        return address;
    }
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |address| address.ip().to_string())
}

/// Sign in with email and password.
///
/// After repeated failures for one account, or from one client address, sign-in is refused
/// for a while with 429 and `Retry-After`; a successful sign-in clears the account's count. An
/// unknown email and a wrong password get the same answer.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "`invalid_credentials`: unknown email or wrong password.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: wait `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let LoginRequest { email, password } = body.0;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&email));
    if password.is_empty() {
        errors.push("password", FieldIssue::Required);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };

    let client = client_address(&req, state.trust_proxy_headers);
    let throttle = state.login_throttle;
    let now = time::now();
    let subjects = [
        (
            ThrottleScope::Account,
            email.as_str().to_owned(),
            throttle.per_account,
        ),
        (ThrottleScope::Client, client, throttle.per_client),
    ];

    let lookup_email = email.clone();
    let (attempt, credentials) = state
        .db(move |conn| {
            let subjects: Vec<_> = subjects
                .iter()
                .map(|(scope, subject, policy)| (*scope, subject.as_str(), *policy))
                .collect();
            match repo::begin_login_attempt(conn, &subjects, now)? {
                repo::LoginAttempt::Throttled(wait) => {
                    let retry_after_secs = (wait.num_milliseconds() + 999) / 1000;
                    Err(ApiError::Throttled {
                        retry_after_secs: retry_after_secs.unsigned_abs().max(1),
                    })
                }
                repo::LoginAttempt::Allowed(attempt) => {
                    Ok((attempt, repo::find_credentials(conn, &lookup_email)?))
                }
            }
        })
        .await?;

    let verified = state
        .compute(move || match credentials {
            Some((user_id, hash)) => password::verify(&password, &hash).then_some(user_id),
            None => {
                password::verify_against_nothing(&password);
                None
            }
        })
        .await?;

    // A failed attempt was counted when it began.
    let Some(user_id) = verified else {
        return Err(ApiError::Refused(ErrorCode::InvalidCredentials));
    };

    let issued = issue_refresh_token(user_id, uuid::Uuid::new_v4(), now);
    let stored = issued.stored.clone();
    let user = state
        .db(move |conn| {
            repo::login_succeeded(conn, &attempt, email.as_str())?;
            repo::insert_refresh_token(conn, &stored, now)?;
            load_me(conn, user_id, ErrorCode::InvalidCredentials)
        })
        .await?;
    Ok(web::Json(token_response(&state, user, issued.token, now)))
}

/// The longest refresh token accepted: ours are 64 characters.
const MAX_REFRESH_TOKEN_LEN: usize = 256;

fn checked_refresh_token(body: &RefreshTokenRequest) -> Result<&str, ApiError> {
    if body.refresh_token.chars().count() > MAX_REFRESH_TOKEN_LEN {
        return Err(ApiError::validation(
            "refresh_token",
            FieldIssue::TooLong {
                max: MAX_REFRESH_TOKEN_LEN,
            },
        ));
    }
    Ok(&body.refresh_token)
}

/// Trade a refresh token for a new access token and a new refresh token.
///
/// The presented refresh token is spent. Presenting a spent one again means it leaked (or two
/// requests raced with it): the whole login is revoked and the answer is 401
/// `refresh_token_reused`. Of concurrent refreshes with one token, exactly one succeeds.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshTokenRequest,
    responses(
        (status = 200, description = "A new pair of tokens.", body = TokenResponse),
        (status = 401, description = "`invalid_refresh_token` (unknown, expired or revoked) or \
          `refresh_token_reused` (the login has been revoked).", body = Problem,
          content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshTokenRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let presented = refresh_token_hash(checked_refresh_token(&body.0)?);
    let now = time::now();
    let next = new_refresh_token();
    let next_hash = refresh_token_hash(&next);
    let user = state
        .db(move |conn| {
            let rotation = repo::rotate_refresh_token(
                conn,
                &presented,
                &next_hash,
                now + REFRESH_TOKEN_TTL,
                now,
            )?;
            match rotation {
                Rotation::Rotated { user_id } => {
                    load_me(conn, user_id, ErrorCode::InvalidRefreshToken)
                }
                Rotation::Reused => Err(ApiError::Refused(ErrorCode::RefreshTokenReused)),
                Rotation::Invalid => Err(ApiError::Refused(ErrorCode::InvalidRefreshToken)),
            }
        })
        .await?;
    Ok(web::Json(token_response(&state, user, next, now)))
}

/// Sign out: revoke the login this refresh token belongs to (every refresh token issued since
/// its sign-in). Access tokens already issued stay valid until they expire (15 minutes at
/// most). An unknown token changes nothing and gets the same answer.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshTokenRequest,
    responses(
        (status = 204, description = "Signed out."),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = refresh_token_hash(checked_refresh_token(&body.0)?);
    let now = time::now();
    state
        .db(move |conn| Ok(repo::revoke_login(conn, &token_hash, now)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
