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
/// section, all of it read from one snapshot of the database (the data as it was when the
/// download began). Only what is about the person or given by them: of a match their own side and
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
    // issue 18 for issue 20 (r2privacy)
    /// Answers for occurrences of a recurring activity (a series).
    pub occurrence_rsvps: Vec<ExportOccurrenceRsvpDto>,
    /// Lasting help the person is a party to, with its sessions: their own notes to the
    /// mediator and their own reason for ending; the other party's are theirs.
    pub arrangements: Vec<ExportArrangementDto>,
    /// The person's matches a mediator brokered; the mediator is not named.
    pub brokered_matches: Vec<ExportBrokeredMatchDto>,
    // issue 20 (h20rest)
    /// When the person claimed the record a mediator kept for them as an offline resident
    /// (`POST /v1/me/claim`): that intake record and what mediators did for them. Empty for
    /// everyone else.
    pub offline_intake: Vec<ExportOfflineIntakeDto>,
}

/// The record a mediator kept for the person while they had no account, as it was claimed.
/// The contact details written down at intake ended with the record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportOfflineIntakeDto {
    /// The offline record's id (it ended with the claim; their posts and matches moved to
    /// this account).
    pub resident_id: Uuid,
    pub neighbourhood_id: Uuid,
    /// The mediator who registered them.
    pub registered_by: Uuid,
    /// That mediator's name; `null` when their account is gone.
    pub registered_by_name: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub registered_at: DateTime<Utc>,
    /// How the person gave consent to the mediator: `phone`, `in_person` or `paper`.
    pub consent_method: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub consent_given_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub claimed_at: DateTime<Utc>,
    /// What mediators did for the person, oldest first.
    pub audit: Vec<ExportOfflineAuditDto>,
}

/// One thing a mediator did for the person while they were offline (or the claim itself).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportOfflineAuditDto {
    /// Who: the mediator's account id (the person's own for `claimed`); `null` for a
    /// removed account.
    pub actor_id: Option<Uuid>,
    /// `register`, `update`, `read`, `file_request`, `issue_claim_code`, `call_done`,
    /// `match_step:<accept|decline|cancel|no_show|complete>`, `match_message`, `claimed`.
    pub action: String,
    /// What it concerned: a request, a match, a call-list item, the account that claimed.
    pub subject_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

/// An answer for one occurrence of a series.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportOccurrenceRsvpDto {
    pub post_id: Uuid,
    /// The occurrence's day, `YYYY-MM-DD`.
    pub occurrence: String,
    /// `going`, `waitlisted` or `cancelled`.
    pub status: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

/// One of the person's arrangements of lasting help, their side of it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportArrangementDto {
    pub match_id: Uuid,
    pub request_id: Uuid,
    /// The person's side: `requester` or `helper`.
    pub role: String,
    /// `weekly`, `fortnightly` or `monthly`.
    pub recurrence: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    /// `YYYY-MM-DD`, when the series ends.
    pub ends_on: Option<String>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub ended_at: Option<DateTime<Utc>>,
    /// `requester` or `helper`, once ended.
    pub ended_by: Option<String>,
    /// The reason, when the person ended it.
    pub end_reason: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    pub sessions: Vec<ExportSessionDto>,
}

/// A session of an arrangement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportSessionDto {
    /// `YYYY-MM-DD`.
    pub on: String,
    /// `done` or `skipped`.
    pub status: String,
    /// Who recorded it: `requester` or `helper`.
    pub recorded_by: String,
    /// The note to the mediator, when the person wrote it.
    pub note_to_mediator: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// A match of the person's that a mediator brokered from a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportBrokeredMatchDto {
    pub match_id: Uuid,
    pub case_id: Uuid,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub helper_accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
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

/// One entry of the case's audit log: who read or did what, when. Who is told by role and
/// organisation, never by another person's name or account id.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportAuditDto {
    pub reader: ExportCaseReaderDto,
    /// What was done: `read_case`, `read_notes`, `read_audit`, `read_queue` (the case seen in
    /// the mediators' queue), `write_note`, `refer` (to a professional of the wijkteam),
    /// `claim`, `start`, `reschedule`, `resolve:<outcome>`, `escalate:<by>` or
    /// `consent_withdrawn`.
    pub action: String,
    /// The same in words, in the language of `Accept-Language`.
    pub description: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

/// Who acted on a case, as their account stands now (the log keeps no roles of its own).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportCaseReaderDto {
    pub role: CaseReaderRoleDto,
    /// For `mediator`, the neighbourhood they mediate in; for `professional`, the municipality
    /// whose wijkteam they work for; `null` otherwise.
    pub organisation: Option<String>,
}

/// `you`: yourself. `system`: Buurt itself (a scheduled step). `mediator`: a mediator or
/// moderator of the case's neighbourhood. `professional`: a professional of the wijkteam the
/// case was referred to under your consent. `administrator`: a platform administrator of Buurt.
/// `former_account`: an account erased since. `former_role`: an account that holds none of
/// these roles any more (a mediator who stepped down, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseReaderRoleDto {
    You,
    System,
    Mediator,
    Professional,
    Administrator,
    FormerAccount,
    FormerRole,
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
