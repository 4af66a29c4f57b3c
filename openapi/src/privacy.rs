//! Privacy: the export of one's data, and erasing an account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::accounts::Me;
use crate::mediation::ConsentList;
use crate::neighbourhoods::MyMembership;

/// Everything Buurt holds about the signed-in person (AVG art. 15 and 20), as one JSON
/// document, served as a download (`Content-Disposition: attachment`) and streamed section by
/// section. Only what is about the person or given by them: of a match their own side and
/// their own messages (never the other party's contact details or messages), of a case of their
/// own request its status, outcome, summary, the mediators' notes and who read or wrote what
/// of it when. A note marked `working` by its writer (a mediator's own aid) is left out; every
/// other note's text is in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportDocument {
    /// `buurt-export/1`.
    pub format: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub generated_at: DateTime<Utc>,
    /// The account with its private fields, as `GET /v1/me` shows it.
    pub profile: Me,
    pub memberships: Vec<MyMembership>,
    /// The consents as they stand and every change of them.
    pub consents: ConsentList,
    pub posts: Vec<ExportPostDto>,
    pub matches: Vec<ExportMatchDto>,
    /// Messages the person wrote in their matches.
    pub messages: Vec<ExportMessageDto>,
    /// Answers to activities, with check-ins.
    pub rsvps: Vec<ExportRsvpDto>,
    pub notifications: Vec<ExportNotificationDto>,
    /// Accounts the person blocked.
    pub blocks: Vec<ExportBlockDto>,
    /// Reports the person made.
    pub reports: Vec<ExportReportDto>,
    /// Cases of the person's own requests.
    pub cases: Vec<ExportCaseDto>,
    /// The devices push notifications go to, as `GET /v1/me/devices` lists them.
    pub devices: Vec<crate::devices::DeviceDto>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportPostDto {
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    /// `news`, `activity`, `request` or `offer`.
    pub kind: String,
    pub status: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub visibility: String,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportMatchDto {
    pub id: Uuid,
    pub request_id: Uuid,
    /// The person's side: `requester` or `helper`.
    pub role: String,
    pub status: String,
    /// The message the match was proposed with, when the person proposed it.
    pub message: Option<String>,
    /// The thanks the person gave, as the requester.
    pub thanks: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportMessageDto {
    pub id: Uuid,
    pub match_id: Uuid,
    pub body: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportRsvpDto {
    pub post_id: Uuid,
    /// `going`, `waitlisted` or `cancelled`.
    pub status: String,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub checked_in_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportNotificationDto {
    pub id: Uuid,
    pub kind: String,
    pub post_id: Option<Uuid>,
    pub match_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportBlockDto {
    pub user_id: Uuid,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportReportDto {
    pub id: Uuid,
    /// What was reported: `post`, `message` or `member`.
    pub target_kind: String,
    /// The post, match message or member reported.
    pub target_id: Uuid,
    pub reason: String,
    pub details: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportCaseDto {
    pub id: Uuid,
    pub request_id: Uuid,
    pub status: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
    /// The mediators' notes, oldest first, without working notes.
    pub notes: Vec<ExportNoteDto>,
    /// Who read or wrote what of the case, when (the case's audit log).
    pub audit: Vec<ExportAuditDto>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportNoteDto {
    pub body: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportAuditDto {
    /// The account that acted; `null` for the system.
    pub actor_id: Option<Uuid>,
    pub action: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

/// Erase one's own account: prove it is you with exactly one of the current `password` or the
/// `refresh_token` of a fresh sign-in (one that began less than 10 minutes ago).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}
