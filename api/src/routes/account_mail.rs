//! The account's life cycle by e-mail: password reset, address verification, and the
//! one-click unsubscribe links in e-mails (RFC 8058).

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use buurt_app::deliveries as app;
use buurt_domain::accounts::{Email, Password};
use buurt_openapi::delivery::{
    ChangeEmailRequest, PasswordResetConfirm, PasswordResetRequest, UnsubscribeParams,
    VerifyEmailRequest,
};
use buurt_openapi::problem::Problem;

use crate::auth::tokens::refresh_token_hash;
use crate::auth::{Authenticated, password};
use crate::http::error::{ApiError, ErrorCode, FieldErrors, FieldIssue};
use crate::http::extract::Json;
use crate::state::AppState;

/// Every answer to a reset request takes at least this long, whether or not the account
/// exists, so the time does not tell.
const RESET_ANSWER_TIME: Duration = Duration::from_millis(400);

fn require_mail(state: &AppState) -> Result<(), ApiError> {
    match state.mailer {
        Some(_) => Ok(()),
        None => Err(ApiError::from(buurt_app::AppError::from(
            ErrorCode::EmailNotConfigured,
        ))),
    }
}

/// On a server that sends e-mail, posting and offering help need a verified address
/// (`email_not_verified`); reading never does. Without e-mail nobody could verify, so nothing
/// is asked.
pub async fn require_verified(
    state: &AppState,
    user: buurt_domain::accounts::UserId,
) -> Result<(), ApiError> {
    if state.mailer.is_none() {
        return Ok(());
    }
    state.run(move |cx| app::require_verified(cx, user)).await
}

/// Asks for a password-reset e-mail. The answer is 202 whether or not an account has this
/// address, and takes the same time either way; if one has, an e-mail with a link (valid for
/// an hour, once) is on its way.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this address, a reset e-mail is on its way."),
        (status = 422, description = "`validation_failed`: not an e-mail address.",
         body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`email_not_configured`: this server sends no e-mail.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let started = Instant::now();
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&body.0.email));
    let Some(email) = email else {
        return Err(errors.into());
    };
    require_mail(&state)?;
    let outcome = state
        .run(move |cx| app::request_password_reset(cx, &email))
        .await;
    actix_web::rt::time::sleep(RESET_ANSWER_TIME.saturating_sub(started.elapsed())).await;
    outcome?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the token from a reset e-mail. The token works once, within an
/// hour; every login and access token of the account ends.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "The password is changed; sign in with it."),
        (status = 400, description = "`reset_token_invalid`: unknown, used or expired.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the new password is too short or long.",
         body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`server_busy`: too many passwords are being hashed at \
          once; try again after `Retry-After` seconds. Nothing was changed.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = FieldErrors::default();
    let new_password = errors.check("new_password", Password::parse(&body.new_password));
    let Some(new_password) = new_password else {
        return Err(errors.into());
    };
    let token_hash = refresh_token_hash(body.token.trim());
    let new_hash = state.hash(move || password::hash(&new_password)).await?;
    let user = state
        .run(move |cx| app::confirm_password_reset(cx, &token_hash, &new_hash))
        .await?;
    // Access tokens issued before are refused from now on, not after the standing cache.
    state.standings.forget(user);
    tracing::info!(user_id = %user, "password reset");
    Ok(HttpResponse::NoContent().finish())
}

/// Confirms an e-mail address with the token from a verification e-mail (valid 48 hours,
/// once). From a registration or a resend, it verifies the account's address (while the
/// account still has it). From an address change (`POST /v1/me/email-change`), the new
/// address becomes the account's, verified; the old address is told by e-mail, and links sent
/// to it before (password reset, verification) stop working.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 204, description = "The address is verified (and, after a change, the \
          account's)."),
        (status = 400, description = "`verification_token_invalid`: unknown, used, older than \
          48 hours, or for an address the account no longer has.",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`: another account took the new address \
          meanwhile; nothing was changed.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: Json<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let token_hash = refresh_token_hash(body.0.token.trim());
    state
        .run(move |cx| app::verify_email(cx, &token_hash))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a new verification e-mail to the signed-in user's address. Until the address is
/// verified an account can sign in and read, but not post or offer help (`email_not_verified`,
/// when this server sends e-mail).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A verification e-mail is on its way."),
        (status = 409, description = "`email_already_verified`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`verification_resend_too_soon`: one was sent within the \
          last five minutes; wait `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
        (status = 503, description = "`email_not_configured`: this server sends no e-mail.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/email-verification")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    require_mail(&state)?;
    state
        .run(move |cx| app::resend_verification(cx, caller.user_id))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Change the account's e-mail address. The address does not change yet: a link (valid 48
/// hours, once) goes to the new address, and opening it (`POST /v1/auth/verify-email` with its
/// token) makes the new address the account's, verified, and tells the old address. Until
/// then the account keeps its old address, and signs in with it. Asking again within five
/// minutes is refused; after that a new link goes out (earlier ones keep working until one is
/// used). `PATCH /v1/me` does not change `email`.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A link to confirm the new address is on its way to it."),
        (status = 403, description = "`current_password_incorrect`: nothing was changed.",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`: another account has this address. \
          `email_unchanged`: it is this account's address already.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not an e-mail address, or no \
          current password.",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`verification_resend_too_soon`: a change was asked for \
          within the last five minutes. `too_many_attempts`: a wrong `current_password` counts \
          as a failed sign-in of the account and the address. Either way, wait `Retry-After` \
          seconds; nothing was changed.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
        (status = 503, description = "`email_not_configured`: this server sends no e-mail. \
          `server_busy`: too many passwords are being checked at once; try again after \
          `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/email-change")]
pub async fn change_email(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&body.email));
    if body.current_password.is_empty() {
        errors.push("current_password", FieldIssue::Required);
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    require_mail(&state)?;
    let user = caller.user_id;
    let checked_against =
        crate::routes::me::check_current_password(&req, &state, user, body.current_password)
            .await?;
    state
        .run(move |cx| app::request_email_change(cx, user, &email, &checked_against))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// One-click unsubscribe (RFC 8058): the link in an e-mail's `List-Unsubscribe` header,
/// posted by the mail client with the body `List-Unsubscribe=One-Click`. Switches off the
/// e-mails the link names (one notification kind, or the newsletter); again is harmless.
#[utoipa::path(
    tag = "me",
    params(UnsubscribeParams),
    responses(
        (status = 200, description = "Unsubscribed.", body = String, content_type = "text/plain"),
        (status = 400, description = "`unsubscribe_token_invalid`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    params: web::Query<UnsubscribeParams>,
) -> Result<HttpResponse, ApiError> {
    let (user, what) = state
        .links
        .check_unsubscribe_token(&params.token)
        .ok_or_else(|| {
            ApiError::from(buurt_app::AppError::from(
                ErrorCode::UnsubscribeTokenInvalid,
            ))
        })?;
    state
        .run(move |cx| app::unsubscribe(cx, user, what))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("Unsubscribed. / U bent afgemeld.\n"))
}

/// The unsubscribe link opened in a browser: a page with a button that makes the one-click
/// `POST` (a link checker's or mail scanner's `GET` unsubscribes nobody).
#[utoipa::path(
    tag = "me",
    params(UnsubscribeParams),
    responses(
        (status = 200, description = "A page with the unsubscribe button.", body = String,
         content_type = "text/html"),
        (status = 400, description = "`unsubscribe_token_invalid`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/unsubscribe")]
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    params: web::Query<UnsubscribeParams>,
) -> Result<HttpResponse, ApiError> {
    state
        .links
        .check_unsubscribe_token(&params.token)
        .ok_or_else(|| {
            ApiError::from(buurt_app::AppError::from(
                ErrorCode::UnsubscribeTokenInvalid,
            ))
        })?;
    let page = crate::mail::unsubscribe_page(&params.token).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}
