//! Moderation on the wire: reports, the moderators' queue, decisions with their statement of
//! reasons, appeals, posts held for review and the moderation log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Why something is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    /// Threats, bullying, harassment.
    Intimidation,
    Discrimination,
    /// Someone's private details shared without their consent.
    Privacy,
    /// Dangerous or illegal.
    Dangerous,
    Other,
}

/// Report something to the neighbourhood's moderators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReportRequest {
    pub reason: ReportReason,
    /// A few words for the moderators (optional).
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub details: Option<String>,
}

/// Report a member of a neighbourhood to its moderators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMemberReportRequest {
    /// The neighbourhood both of you belong to, whose moderators decide.
    pub neighbourhood_id: Uuid,
    pub reason: ReportReason,
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub details: Option<String>,
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportTargetKind {
    Post,
    /// A message in a match's thread.
    Message,
    Member,
}

/// Whether moderators still have to look at a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Open,
    Resolved,
}

/// What a moderator decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Nothing to act on.
    Dismiss,
    HidePost,
    RemoveMessage,
    /// The member is warned.
    Warn,
    /// The member may not post in the neighbourhood for `suspend_days` days.
    Suspend,
    /// The member is removed from the neighbourhood.
    RemoveMember,
}

/// A report as its reporter sees it: what they reported, and what came of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportDto {
    pub id: Uuid,
    pub target_kind: ReportTargetKind,
    /// The post, message or member reported.
    pub target_id: Uuid,
    pub reason: ReportReason,
    pub details: Option<String>,
    pub status: ReportStatus,
    /// What the moderators decided (once resolved).
    pub outcome: Option<Resolution>,
    /// The outcome in plain words (`Accept-Language`), naming nobody.
    pub outcome_text: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The reports one made, newest first (the latest 100).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportDto>,
}

/// One report in the queue (reporters stay anonymous to moderators).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueReportDto {
    pub id: Uuid,
    pub reason: ReportReason,
    pub details: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// A reported target with its open reports.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItemDto {
    /// The oldest open report: resolve with `POST /v1/reports/{report_id}/resolve`, which
    /// resolves every open report on the target.
    pub report_id: Uuid,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    /// The member concerned: the author of the post or message, or the member reported.
    pub member_id: Uuid,
    /// The post reported, or the request of the match whose message was reported.
    pub post_id: Option<Uuid>,
    pub match_id: Option<Uuid>,
    pub report_count: u32,
    #[serde(serialize_with = "crate::moment::write")]
    pub first_reported_at: DateTime<Utc>,
    /// The open reports, oldest first.
    pub reports: Vec<QueueReportDto>,
}

/// The queue: reported targets, the longest waiting first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueList {
    pub items: Vec<QueueItemDto>,
    pub next_cursor: Option<String>,
}

/// Resolve every open report on a target.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveReportRequest {
    /// `hide_post` fits posts only, `remove_message` messages only.
    pub resolution: Resolution,
    /// Why: the member concerned reads it (statement of reasons).
    #[schema(max_length = 2000, min_length = 1)]
    pub reason: String,
    /// Days (1 to 365), with `suspend` only.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365)]
    pub suspend_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    /// The decision stands.
    Upheld,
    /// The decision is undone.
    Overturned,
}

/// The member's appeal and what came of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppealDto {
    pub text: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub appealed_at: DateTime<Utc>,
    pub outcome: Option<AppealOutcome>,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub decided_at: Option<DateTime<Utc>>,
}

/// A moderation decision with its statement of reasons.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionDto {
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub resolution: Resolution,
    /// The moderator's reason.
    pub reason: String,
    /// The grounds reported (the reasons of the reports behind the decision).
    pub report_reasons: Vec<ReportReason>,
    /// Until when posting in the neighbourhood is suspended (`suspend`).
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub suspended_until: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub decided_at: DateTime<Utc>,
    /// What was done and why, in plain words (`Accept-Language`), and how to appeal.
    pub statement: String,
    /// Whether an appeal can still be made (once, by the member concerned).
    pub appealable: bool,
    pub appeal: Option<AppealDto>,
}

/// The decisions about oneself, newest first (the latest 100).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionList {
    pub items: Vec<DecisionDto>,
}

/// Appeal a decision (once).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRequest {
    /// Why the decision is wrong.
    #[schema(max_length = 2000, min_length = 1)]
    pub text: String,
}

/// Decide an appeal (another moderator of the neighbourhood, or an administrator).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideAppealRequest {
    pub outcome: AppealOutcome,
    #[schema(max_length = 2000, min_length = 1)]
    pub reason: String,
}

/// What the moderation log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogActionDto {
    HidePost,
    UnhidePost,
    /// A new member's post was held for review.
    HoldPost,
    /// A held post was released.
    ApprovePost,
    RemoveMessage,
    RestoreMessage,
    Warn,
    Suspend,
    LiftSuspension,
    RemoveMember,
    ReinstateMember,
    Dismiss,
    RoleChange,
    AppealFiled,
    AppealUpheld,
    AppealOverturned,
}

/// One step in the moderation log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModerationLogEntryDto {
    pub id: Uuid,
    /// Who took the step (none: the system, e.g. holding a post).
    pub actor_id: Option<Uuid>,
    pub action: LogActionDto,
    pub target_kind: ReportTargetKind,
    pub target_id: Uuid,
    pub reason: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

impl ModerationLogEntryDto {
    pub const CSV_HEADER: [&'static str; 7] = [
        "created_at",
        "action",
        "actor_id",
        "target_kind",
        "target_id",
        "reason",
        "id",
    ];
}

/// The log, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModerationLogList {
    pub items: Vec<ModerationLogEntryDto>,
    pub next_cursor: Option<String>,
}

/// A post waiting for review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldPostDto {
    pub post_id: Uuid,
    pub author_id: Uuid,
    #[serde(serialize_with = "crate::moment::write")]
    pub held_at: DateTime<Utc>,
}

/// Posts waiting for review, the longest waiting first (at most 100); release one with
/// `POST /v1/posts/{id}/unhide`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HeldPostList {
    pub items: Vec<HeldPostDto>,
}
