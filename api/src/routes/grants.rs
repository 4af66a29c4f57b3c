//! The audit record of role grants: `GET /v1/admin/role-grants`.

use actix_web::{get, web};
use buurt_app::grants as use_case;
use buurt_domain::accounts::UserId;
use buurt_domain::grants::{GrantScope, RoleGrant};
use buurt_openapi::grants::{ListRoleGrantsParams, RoleGrantDto, RoleGrantList};
use buurt_openapi::problem::Problem;
use chrono::{DateTime, Utc};

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

fn dto(grant: RoleGrant) -> RoleGrantDto {
    let (neighbourhood_id, municipality_code) = match grant.scope {
        GrantScope::Neighbourhood(id) => (Some(id.0), None),
        GrantScope::Municipality(code) => (None, Some(code.as_str().to_owned())),
        GrantScope::Platform => (None, None),
    };
    RoleGrantDto {
        id: grant.id,
        actor_id: grant.actor.map(|actor| actor.0),
        user_id: grant.target.0,
        role: grant.role.as_str().to_owned(),
        change: grant.change.as_str().to_owned(),
        neighbourhood_id,
        municipality_code,
        at: grant.at,
    }
}

/// Every role given or taken (a role in a neighbourhood, professional for a municipality,
/// platform administrator), by whom, to whom and when, newest first (administrators). The
/// record is append-only: the database refuses to change or remove an entry.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(ListRoleGrantsParams),
    responses(
        (status = 200, description = "One page of the audit record.", body = RoleGrantList),
        (status = 400, description = "`invalid_query`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a platform administrator.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/admin/role-grants")]
pub async fn list_role_grants(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: Query<ListRoleGrantsParams>,
) -> Result<web::Json<RoleGrantList>, ApiError> {
    let params = params.into_inner();
    let (limit, after): (usize, Option<(DateTime<Utc>, uuid::Uuid)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let target = params.user_id.map(UserId);
    let mut items = state
        .run(move |cx| use_case::list_role_grants(cx, caller.user_id, target, after, limit + 1))
        .await?;
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        let last = &items[limit - 1];
        encode_cursor(&(last.at, last.id))
    });
    Ok(web::Json(RoleGrantList {
        items: items.into_iter().map(dto).collect(),
        next_cursor,
    }))
}
