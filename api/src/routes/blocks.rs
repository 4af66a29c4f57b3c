//! Personal blocks: `POST|DELETE /v1/users/{id}/block`, `GET /v1/me/blocks`.

use actix_web::{HttpResponse, delete, get, post, web};
use buurt_app::matching as use_case;
use buurt_domain::accounts::UserId;
use buurt_openapi::accounts::{BlockDto, BlockList, ListBlocksParams};
use buurt_openapi::problem::Problem;
use buurt_persistence::blocks::Block;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

fn dto(block: Block) -> BlockDto {
    BlockDto {
        user_id: block.user_id.0,
        display_name: block.display_name,
        blocked_at: block.blocked_at,
    }
}

/// Block someone. From then on neither of you is suggested to the other, and neither can offer
/// help on the other's request or invite the other; matches already made go on. They are not
/// told. Blocking again changes nothing (200).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The user to block.")),
    responses(
        (status = 201, description = "Blocked.", body = BlockDto),
        (status = 200, description = "Blocked already: unchanged.", body = BlockDto),
        (status = 404, description = "No such user.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: you cannot block yourself.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/users/{id}/block")]
pub async fn block_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let blocked = UserId(id.into_inner());
    let (created, block) = state
        .run(move |cx| use_case::block_user(cx, caller.user_id, blocked))
        .await?;
    Ok(crate::routes::created_or_ok(created, dto(block)))
}

/// Lift a block (lifting one that is not there is harmless).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The blocked user.")),
    responses(
        (status = 204, description = "Not blocked (any more)."),
    ),
)]
#[delete("/v1/users/{id}/block")]
pub async fn unblock_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let blocked = UserId(id.into_inner());
    state
        .run(move |cx| use_case::unblock_user(cx, caller.user_id, blocked))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The people you blocked, by user id.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(ListBlocksParams),
    responses(
        (status = 200, description = "One page of your block list.", body = BlockList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/blocks")]
pub async fn list_blocks(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: Query<ListBlocksParams>,
) -> Result<web::Json<BlockList>, ApiError> {
    let params = params.into_inner();
    let (limit, after): (usize, Option<uuid::Uuid>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let after = after.map(UserId);
    let mut items = state
        .run(move |cx| use_case::list_blocks(cx, caller.user_id, after, limit + 1))
        .await?;
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        encode_cursor(&items[limit - 1].user_id.0)
    });
    Ok(web::Json(BlockList {
        items: items.into_iter().map(dto).collect(),
        next_cursor,
    }))
}
