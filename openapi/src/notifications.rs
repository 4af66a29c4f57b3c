//! The in-app inbox.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a notification is about; apps show their own text for each kind. New kinds are added
/// over time: show unknown kinds generically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKindDto {
    /// One of your posts expires within a day; edit `expires_at` to keep it open.
    PostExpiring,
    /// One of your posts has expired.
    PostExpired,
    /// A place came free at an activity: you moved up from the waitlist and are going.
    RsvpPromoted,
    /// Someone offered help with your request, or invited you to help (see `match_id`).
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchCancelled,
    MatchCompleted,
    /// The requester says the help did not happen.
    MatchNoShow,
    /// A new message in one of your matches.
    MatchMessage,
    /// A request entered the mediation queue of your neighbourhood (mediators).
    CaseNew,
    /// A mediator picked up your request.
    CaseClaimed,
    /// Mediation of your request has ended.
    CaseResolved,
    /// Something new in your neighbourhood's report queue (moderators).
    ReportQueued,
    /// A report you made was resolved: see `GET /v1/me/reports`.
    ReportResolved,
    /// A moderator decided something about you or what you wrote, and why: see
    /// `GET /v1/me/moderation-decisions`.
    ModerationDecision,
    /// A member appealed a moderation decision (moderators).
    AppealFiled,
    /// Your appeal was decided: see `GET /v1/me/moderation-decisions`.
    AppealDecided,
    /// A new member's post waits for review (moderators).
    PostHeld,
}

/// The post a notification is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationPost {
    pub id: Uuid,
    pub title: String,
}

/// `kind` is an open set: one of the known kinds (`NotificationKindDto`) or any other string,
/// so a generated client does not break on a kind added later.
fn open_kind_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Ref, Type};
    AnyOfBuilder::new()
        .item(Ref::from_schema_name("NotificationKindDto"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("A kind added after this version of the API.")),
        )
        .description(Some(
            "What the notification is about: one of `NotificationKindDto`, or a kind added \
             later (show it generically).",
        ))
        .into()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    #[schema(schema_with = open_kind_schema)]
    pub kind: NotificationKindDto,
    pub post: Option<NotificationPost>,
    /// The match it is about, for match notifications.
    pub match_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    /// When it was marked read; `null` while unread.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationDto>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Unread notifications in all.
    pub unread_count: i64,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListNotificationsParams {
    /// Only unread ones.
    pub unread: Option<bool>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}
