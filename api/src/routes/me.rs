//! The signed-in user's own account.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, web};
use buurt_app::accounts::{self as app, Account, PasswordChange, PasswordCheckStart};
use buurt_domain::ValueError;
use buurt_domain::accounts::{
    Bio, DisplayName, HouseNumber, Language, Password, Phone, Postcode, ProfileChanges, Street,
    UserId, language_set,
};
use buurt_domain::category::Category;
use buurt_openapi::accounts::{Me, UpdateMeRequest};
use buurt_openapi::problem::Problem;

use crate::auth::{Authenticated, password};
use crate::http::error::{ApiError, FieldErrors, FieldIssue};
use crate::http::etag::{IfMatch, etag_of, json_with_etag};
use crate::http::extract::Json;
use crate::routes::auth::client_address;
use crate::state::AppState;

/// The user as they see themselves.
pub fn me_dto(account: &Account) -> Me {
    Me::new(
        &account.user,
        &account.professional_in,
        account.avatar.as_ref(),
    )
}

/// The signed-in user, with their private fields.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user.", body = Me,
         headers(("etag" = String, description = "Send as `If-None-Match` to get 304 when unchanged."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me")]
pub async fn get_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let account = state.run(move |cx| app::get_me(cx, caller.user_id)).await?;
    json_with_etag(&req, &me_dto(&account))
}

/// A clearable field: `null` or a blank string clears it.
fn clearable<T>(
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<Option<T>, ValueError> {
    match raw {
        Some(raw) if !raw.trim().is_empty() => parse(raw).map(Some),
        _ => Ok(None),
    }
}

/// The domain change a request asks for, or every field error in it.
fn profile_changes(
    body: &UpdateMeRequest,
) -> Result<(ProfileChanges, Option<(Password, String)>), ApiError> {
    let mut errors = FieldErrors::default();
    let mut changes = ProfileChanges::default();
    if let Some(raw) = &body.display_name {
        changes.display_name = errors.check("display_name", DisplayName::parse(raw));
    }
    if let Some(raw) = &body.postcode {
        changes.postcode = errors.check("postcode", clearable(raw.as_deref(), Postcode::parse));
    }
    if let Some(raw) = &body.street {
        changes.street = errors.check("street", clearable(raw.as_deref(), Street::parse));
    }
    if let Some(raw) = &body.house_number {
        changes.house_number = errors.check(
            "house_number",
            clearable(raw.as_deref(), HouseNumber::parse),
        );
    }
    if let Some(raw) = &body.phone {
        changes.phone = errors.check("phone", clearable(raw.as_deref(), Phone::parse));
    }
    if let Some(raw) = &body.bio {
        changes.bio = errors.check("bio", clearable(raw.as_deref(), Bio::parse));
    }
    changes.skills = body
        .skills
        .as_ref()
        .map(|skills| skills.iter().copied().map(Category::from).collect());
    changes.interests = body
        .interests
        .as_ref()
        .map(|interests| interests.iter().copied().map(Category::from).collect());
    if let Some(raw) = &body.languages {
        let parsed: Vec<Option<Language>> = raw
            .iter()
            .enumerate()
            .map(|(index, code)| {
                errors.check(&format!("languages[{index}]"), Language::parse(&code.0))
            })
            .collect();
        if let Some(languages) = parsed.into_iter().collect::<Option<Vec<_>>>() {
            changes.languages = errors.check("languages", language_set(languages));
        }
    }
    changes.avatar = body
        .avatar_image_id
        .map(|avatar| avatar.map(buurt_domain::images::ImageId));
    let current_password = match &body.current_password {
        Some(None) => {
            errors.push(
                "current_password",
                FieldIssue::wrong_type("expected a string, not null", "verwacht tekst, geen null"),
            );
            None
        }
        Some(Some(current)) if current.is_empty() => {
            errors.push("current_password", FieldIssue::Required);
            None
        }
        Some(Some(current)) => Some(current.clone()),
        None => None,
    };
    let new_password = match (&body.new_password, &current_password) {
        (Some(new), Some(current)) => errors
            .check("new_password", Password::parse(new))
            .map(|new| (new, current.clone())),
        (Some(_), None) if body.current_password.is_none() => {
            errors.push("current_password", FieldIssue::Required);
            None
        }
        _ => None,
    };
    if errors.is_empty() {
        Ok((changes, new_password))
    } else {
        Err(errors.into())
    }
}

/// Checks `current` against `user`'s password, counted like a sign-in (a wrong one is a failed
/// sign-in of the account and the address, and shares their limits). Returns the stored hash it
/// was checked against.
pub async fn check_current_password(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    user: UserId,
    current: String,
) -> Result<String, ApiError> {
    let client = client_address(req, state.trust_proxy_headers);
    let throttle = state.login_throttle;
    let (attempt, stored) = match state
        .run(move |cx| {
            app::begin_password_check(cx, user, &client, throttle.per_account, throttle.per_client)
        })
        .await?
    {
        PasswordCheckStart::Throttled { retry_after_secs } => {
            return Err(ApiError::Throttled { retry_after_secs });
        }
        PasswordCheckStart::Allowed { attempt, hash } => (attempt, hash),
    };
    let against = stored.clone();
    let right = state
        .hash(move || password::verify(&current, &against))
        .await?;
    // A failed check was counted when it began.
    if !right {
        return Err(app::incorrect_password().into());
    }
    state
        .run(move |cx| app::password_check_succeeded(cx, &attempt, user))
        .await?;
    Ok(stored)
}

/// Change one's own profile, and optionally one's password.
///
/// Absent fields stay as they are; `null` (or a blank string) clears a clearable field.
/// Unknown fields, and fields nobody may set here (`email`, `platform_admin`, `id`,
/// `email_verified`), are refused with 422 and change nothing (the address changes through
/// `POST /v1/me/email-change`, once the new one is verified). A new password needs the
/// current one and signs out every session: all refresh tokens are revoked. Setting the
/// `postcode` to another within the cool-down (`BUURT_POSTCODE_COOLDOWN_DAYS`, default 30)
/// after it was last given, changed or cleared answers 429 `postcode_change_too_soon` with
/// `Retry-After` and changes nothing; clearing it is always allowed.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The user after the change.", body = Me),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`current_password_incorrect`: nothing was changed.",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: a wrong `current_password` counts \
          as a failed sign-in of the account and the address, and shares their limits. \
          `postcode_change_too_soon`: the postcode changed within the cool-down. Either way, \
          wait `Retry-After` seconds; nothing was changed.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
        (status = 503, description = "`server_busy`: too many passwords are being checked at \
          once; try again after `Retry-After` seconds. Nothing was changed.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[patch("/v1/me")]
pub async fn update_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let (changes, password_change) = profile_changes(&body)?;
    let user_id = caller.user_id;

    let password = match password_change {
        Some((new_password, current)) => {
            let stored = check_current_password(&req, &state, user_id, current).await?;
            let new_hash = state.hash(move || password::hash(&new_password)).await?;
            Some(PasswordChange {
                new_hash,
                checked_against: stored,
            })
        }
        None => None,
    };

    let limits = state.join_limits;
    let if_match = IfMatch::of(&req);
    let account = state
        .run(move |cx| {
            app::update_me(cx, user_id, changes, password, limits, |before| {
                if_match.check(&me_dto(before))
            })
        })
        .await?;
    let me = me_dto(&account);
    if body.new_password.is_some() {
        // Every access token of the user ends with the new password: here at once.
        state.standings.forget(user_id);
        tracing::info!(%user_id, "password changed; every session revoked");
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_of(&me)))
        .json(me))
}
