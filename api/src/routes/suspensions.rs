//! Administrators suspend accounts and lift suspensions.

use actix_web::{post, web};
use buurt_app::accounts as app;
use buurt_domain::accounts::{Standing, UserId};
use buurt_openapi::accounts::AccountSuspension;
use buurt_openapi::problem::Problem;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::state::AppState;

fn suspension_dto(user: UserId, standing: Standing) -> AccountSuspension {
    AccountSuspension {
        user_id: user.0,
        suspended: standing.suspended_at.is_some(),
        suspended_at: standing.suspended_at,
    }
}

/// Suspend an account.
///
/// The account's logins end and its access tokens stop working: at once on the node that
/// handled this, within 5 seconds on every other node. It cannot sign in (403
/// `account_suspended`) until an administrator reinstates it. Suspending a suspended account
/// changes nothing.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses(
        (status = 200, description = "The account, suspended.", body = AccountSuspension),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cannot_suspend_self`: another administrator has to do it.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/users/{id}/suspend")]
pub async fn suspend_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<AccountSuspension>, ApiError> {
    let user = UserId(id.into_inner());
    let by = caller.user_id;
    let standing = state.run(move |cx| app::suspend_user(cx, by, user)).await?;
    // The user's tokens end here at once; other nodes drop their cached standing soon.
    state.standings.forget(user);
    tracing::info!(user_id = %user, by = %by, "account suspended");
    Ok(web::Json(suspension_dto(user, standing)))
}

/// Reinstate a suspended account: it may sign in again (tokens from before stay invalid).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses(
        (status = 200, description = "The account, no longer suspended.", body = AccountSuspension),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/users/{id}/reinstate")]
pub async fn reinstate_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<AccountSuspension>, ApiError> {
    let user = UserId(id.into_inner());
    let by = caller.user_id;
    let standing = state
        .run(move |cx| app::reinstate_user(cx, by, user))
        .await?;
    state.standings.forget(user);
    tracing::info!(user_id = %user, by = %by, "account reinstated");
    Ok(web::Json(suspension_dto(user, standing)))
}
