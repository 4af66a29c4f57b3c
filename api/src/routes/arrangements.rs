//! Lasting help (issue 20): the sessions of an arrangement, and ending it.

use actix_web::{HttpResponse, get, post, web};
use buurt_app::arrangements::{self as use_case, ArrangementView, NewSession};
use buurt_domain::matching::MatchId;
use buurt_openapi::arrangements::{ArrangementDto, EndArrangementRequest, RecordSessionRequest};
use buurt_openapi::problem::Problem;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::state::AppState;

fn dto(view: ArrangementView) -> ArrangementDto {
    ArrangementDto::new(view.arrangement, view.sessions)
}

/// Record a session of lasting help (either party of a running arrangement): it took place
/// (`done`) or not (`skipped`), with a note for the mediators if wanted.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    request_body = RecordSessionRequest,
    responses(
        (status = 201, description = "Recorded: the arrangement with every session.", body = ArrangementDto),
        (status = 403, description = "`not_your_move`: a mediator reads sessions but does not \
         record them.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`no_running_arrangement`: the request does not recur, the \
         match is not accepted, or the arrangement ended; `session_already_recorded`: a session \
         for that day exists.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/matches/{id}/sessions")]
pub async fn record_session(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<RecordSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = MatchId(id.into_inner());
    let body = body.0;
    let input = NewSession {
        on: body.on,
        status: body.status.into(),
        note_to_mediator: body.note_to_mediator,
    };
    let view = state
        .run(move |cx| use_case::record_session(cx, caller.user_id, id, input))
        .await?;
    Ok(HttpResponse::Created().json(dto(view)))
}

/// The arrangement of lasting help on a match and its sessions, oldest first: for its two
/// parties (each sees only their own notes to the mediator) and the mediators of the request's
/// neighbourhood (who see every note).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    responses(
        (status = 200, description = "The arrangement.", body = ArrangementDto),
        (status = 409, description = "`no_running_arrangement`: the match's request does not \
         recur, or the match was never accepted.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/matches/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<ArrangementDto>, ApiError> {
    let id = MatchId(id.into_inner());
    let view = state
        .run(move |cx| use_case::list_sessions(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(dto(view)))
}

/// End an arrangement of lasting help, with a reason (either party). The match completes; the
/// request is `fulfilled` when it was `matched`; the other party is told.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    request_body = EndArrangementRequest,
    responses(
        (status = 200, description = "Ended.", body = ArrangementDto),
        (status = 403, description = "`not_your_move`: only its parties end it.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`no_running_arrangement`: not running (any more).",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/matches/{id}/end")]
pub async fn end_arrangement(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<EndArrangementRequest>,
) -> Result<web::Json<ArrangementDto>, ApiError> {
    let id = MatchId(id.into_inner());
    let reason = body.0.reason;
    let view = state
        .run(move |cx| use_case::end_arrangement(cx, caller.user_id, id, reason))
        .await?;
    Ok(web::Json(dto(view)))
}
