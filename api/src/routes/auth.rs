//! Registration, sign-in, refresh and sign-out.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use buurt_app::accounts::{
    self as app, LoginStart, RefreshGrant, Registration, SignedIn, ThrottleSubject,
};
use buurt_domain::accounts::{DisplayName, Email, Password, Postcode, UserId};
use buurt_domain::throttle::ThrottleScope;
use buurt_openapi::accounts::{LoginRequest, RefreshTokenRequest, RegisterRequest, TokenResponse};
use buurt_openapi::problem::Problem;

use crate::auth::password;
use crate::auth::tokens::{
    ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, new_refresh_token, refresh_token_hash,
};
use crate::http::error::{ApiError, ErrorCode, FieldErrors, FieldIssue};
use crate::http::extract::Json;
use crate::routes::me::me_dto;
use crate::state::AppState;

/// A new refresh token: the token handed out, and the grant the use case stores (its hash).
fn new_refresh_grant() -> (String, RefreshGrant) {
    let token = new_refresh_token();
    let grant = RefreshGrant {
        token_hash: refresh_token_hash(&token),
        lifetime: REFRESH_TOKEN_TTL,
    };
    (token, grant)
}

fn token_response(state: &AppState, signed_in: SignedIn, refresh_token: String) -> TokenResponse {
    let user = me_dto(&signed_in.account);
    TokenResponse {
        access_token: state.tokens.issue_in_login(
            UserId(user.id),
            signed_in.token_generation,
            signed_in.login,
            signed_in.at,
        ),
        user,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_TTL.num_seconds().unsigned_abs(),
        refresh_token,
        refresh_expires_in: REFRESH_TOKEN_TTL.num_seconds().unsigned_abs(),
    }
}

/// Create an account and sign in.
///
/// Registrations from one client address are limited (`BUURT_REGISTRATIONS_PER_CLIENT` within
/// the throttle window, counted whether they succeed or not); beyond it the answer is 429 with
/// `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in.", body = TokenResponse,
         headers(("location" = String, description = "`/v1/me`"))),
        (status = 409, description = "`email_taken`: an account with this email exists \
          (in any letter case).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: too many registrations from this \
          address; wait `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
        (status = 503, description = "`server_busy`: too many passwords are being hashed at \
          once; try again after `Retry-After` seconds. Nothing was changed.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/auth/register")]
pub async fn register(
    req: HttpRequest,
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

    let client = client_address(&req, state.trust_proxy_headers);
    let policy = state.registration_throttle;
    if let Some(retry_after_secs) = state
        .run(move |cx| app::begin_registration(cx, &client, policy))
        .await?
    {
        return Err(ApiError::Throttled { retry_after_secs });
    }
    let password_hash = state.hash(move || password::hash(&password)).await?;
    let registration = Registration {
        email,
        display_name,
        postcode,
    };
    let (token, grant) = new_refresh_grant();
    let signed_in = state
        .run(move |cx| app::register(cx, registration, &password_hash, &grant))
        .await?;
    tracing::info!(user_id = %signed_in.account.user.id, "user registered");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/me"))
        .json(token_response(&state, signed_in, token)))
}

/// The address failed sign-ins are counted against.
/// The client's address. Behind a trusted proxy it is the right-most entry of
/// `X-Forwarded-For` (or of `for=` in `Forwarded`): the one our proxy added. Entries to its
/// left come from the client, who can write anything there.
pub(crate) fn client_address(req: &HttpRequest, trust_proxy_headers: bool) -> String {
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
        (status = 429, description = "`too_many_attempts`: wait `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
        (status = 503, description = "`server_busy`: too many passwords are being checked at \
          once; try again after `Retry-After` seconds.",
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
    let subjects = [
        ThrottleSubject {
            scope: ThrottleScope::Account,
            subject: email.as_str().to_owned(),
            policy: throttle.per_account,
        },
        ThrottleSubject {
            scope: ThrottleScope::Client,
            subject: client,
            policy: throttle.per_client,
        },
    ];

    let lookup_email = email.clone();
    let (attempt, credentials) = match state
        .run(move |cx| app::begin_login(cx, &lookup_email, &subjects))
        .await?
    {
        LoginStart::Throttled { retry_after_secs } => {
            return Err(ApiError::Throttled { retry_after_secs });
        }
        LoginStart::Allowed {
            attempt,
            credentials,
        } => (attempt, credentials),
    };

    let verified = state
        .hash(move || match credentials {
            Some((user_id, hash)) => password::verify(&password, &hash).then_some(user_id),
            None => {
                password::verify_against_nothing(&password);
                None
            }
        })
        .await;
    let verified = match verified {
        Ok(verified) => verified,
        // Refused before any password was checked (too busy): not a failed sign-in.
        Err(refused) => {
            let withdrawn = attempt.clone();
            if let Err(error) = state
                .run(move |cx| app::abandon_login(cx, &withdrawn))
                .await
            {
                tracing::warn!(?error, "a refused sign-in could not be withdrawn");
            }
            return Err(refused);
        }
    };

    // A failed attempt was counted when it began.
    let Some(user_id) = verified else {
        return Err(ApiError::Refused(ErrorCode::InvalidCredentials));
    };

    let (token, grant) = new_refresh_grant();
    let signed_in = state
        .run(move |cx| app::finish_login(cx, &attempt, &email, user_id, &grant))
        .await?;
    Ok(web::Json(token_response(&state, signed_in, token)))
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
    ),
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshTokenRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let presented = refresh_token_hash(checked_refresh_token(&body.0)?);
    let (token, grant) = new_refresh_grant();
    let signed_in = state
        .run(move |cx| app::refresh(cx, &presented, &grant))
        .await?;
    Ok(web::Json(token_response(&state, signed_in, token)))
}

/// Sign out: revoke the login this refresh token belongs to (every refresh token issued since
/// its sign-in). Access tokens already issued stay valid until they expire (15 minutes at
/// most). An unknown token changes nothing and gets the same answer.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshTokenRequest,
    responses(
        (status = 204, description = "Signed out."),
    ),
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = refresh_token_hash(checked_refresh_token(&body.0)?);
    state.run(move |cx| app::logout(cx, &token_hash)).await?;
    Ok(HttpResponse::NoContent().finish())
}
