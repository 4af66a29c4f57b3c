//! The signed-in user's inbox.

use actix_web::{HttpResponse, get, post, web};
use buurt_app::notifications as app;
use buurt_domain::notifications::{Notification, NotificationKind};
use buurt_openapi::notifications::{
    ListNotificationsParams, NotificationDto, NotificationKindDto, NotificationList,
    NotificationPost,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::notifications::InboxCursor;
use chrono::{DateTime, Utc};

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

fn dto(notification: Notification, title: Option<String>) -> NotificationDto {
    NotificationDto {
        id: notification.id,
        kind: match notification.kind {
            NotificationKind::PostExpiring => NotificationKindDto::PostExpiring,
            NotificationKind::PostExpired => NotificationKindDto::PostExpired,
            NotificationKind::RsvpPromoted => NotificationKindDto::RsvpPromoted,
            NotificationKind::MatchProposed => NotificationKindDto::MatchProposed,
            NotificationKind::MatchAccepted => NotificationKindDto::MatchAccepted,
            NotificationKind::MatchDeclined => NotificationKindDto::MatchDeclined,
            NotificationKind::MatchCancelled => NotificationKindDto::MatchCancelled,
            NotificationKind::MatchCompleted => NotificationKindDto::MatchCompleted,
            NotificationKind::MatchNoShow => NotificationKindDto::MatchNoShow,
            NotificationKind::MatchMessage => NotificationKindDto::MatchMessage,
            NotificationKind::CaseNew => NotificationKindDto::CaseNew,
            NotificationKind::CaseClaimed => NotificationKindDto::CaseClaimed,
            NotificationKind::CaseResolved => NotificationKindDto::CaseResolved,
            NotificationKind::ReportQueued => NotificationKindDto::ReportQueued,
            NotificationKind::ReportResolved => NotificationKindDto::ReportResolved,
            NotificationKind::ModerationDecision => NotificationKindDto::ModerationDecision,
            NotificationKind::AppealFiled => NotificationKindDto::AppealFiled,
            NotificationKind::AppealDecided => NotificationKindDto::AppealDecided,
            NotificationKind::PostHeld => NotificationKindDto::PostHeld,
        },
        post: notification
            .post_id
            .zip(title)
            .map(|(id, title)| NotificationPost { id: id.0, title }),
        match_id: notification.match_id.map(|id| id.0),
        created_at: notification.created_at,
        read_at: notification.read_at,
    }
}

/// The inbox, newest first.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(ListNotificationsParams),
    responses(
        (status = 200, description = "One page of notifications, with the unread count.", body = NotificationList,
         headers(("etag" = String, description = "Send as `If-None-Match` to get 304 when nothing changed: a cheap poll."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/notifications")]
pub async fn list_notifications(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    params: Query<ListNotificationsParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (limit, after): (usize, Option<(DateTime<Utc>, String)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let unread_only = params.unread.unwrap_or(false);
    let after = after.map(|(created_at, id)| InboxCursor { created_at, id });
    let inbox = state
        .run(move |cx| app::inbox(cx, caller.user_id, unread_only, after, limit))
        .await?;
    crate::http::etag::json_with_etag(
        &req,
        &NotificationList {
            items: inbox
                .items
                .into_iter()
                .map(|(n, title)| dto(n, title))
                .collect(),
            next_cursor: inbox
                .next
                .map(|cursor| encode_cursor(&(cursor.created_at, cursor.id))),
            unread_count: inbox.unread,
        },
    )
}

/// Mark one notification read (again is harmless).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The notification's id.")),
    responses(
        (status = 200, description = "Read.", body = NotificationDto),
        (status = 404, description = "No such notification of yours.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/notifications/{id}/read")]
pub async fn mark_notification_read(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<NotificationDto>, ApiError> {
    let id = id.into_inner();
    let (notification, title) = state
        .run(move |cx| app::mark_read(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(dto(notification, title)))
}

/// Mark every notification read.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "All read."),
    ),
)]
#[post("/v1/me/notifications/read-all")]
pub async fn mark_all_notifications_read(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    state
        .run(move |cx| app::mark_all_read(cx, caller.user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
