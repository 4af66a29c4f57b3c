//! Mediation: cases, private notes, referrals, the audit log, consents.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatusDto {
    New,
    Claimed,
    InProgress,
    Resolved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeDto {
    MatchedOnline,
    SolvedOffline,
    ReferredWijkteam,
    NotSolvable,
    Withdrawn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EscalatedByDto {
    Requester,
    Mediator,
    Job,
    CareConsent,
}

/// A request being handled by mediators. Never carries the private notes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseDto {
    pub id: Uuid,
    pub request_id: Uuid,
    pub request_title: String,
    pub neighbourhood_id: Uuid,
    pub status: CaseStatusDto,
    pub outcome: Option<OutcomeDto>,
    pub summary: Option<String>,
    pub reason: Option<String>,
    pub escalated_by: EscalatedByDto,
    pub claimed_by: Option<Uuid>,
    /// When to look at it again; overdue cases come first in the queue.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub follow_up_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
    /// The requester and how to reach them: only for the case's mediators (active mediators
    /// of its neighbourhood), only in `GET /v1/cases/{id}`, and every such read is audited
    /// (`read_requester_contact`). `null` for everyone else and in every other answer.
    pub requester: Option<CaseRequesterDto>,
}

/// The requester of a case as its mediators reach them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseRequesterDto {
    pub id: Uuid,
    pub display_name: String,
    /// Their e-mail address; `null` when they have none (or erased their account).
    pub email: Option<String>,
    /// Their phone number, as they gave it; `null` when they gave none.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseList {
    /// Overdue follow-ups first, then oldest first; at most 200.
    pub items: Vec<CaseDto>,
    /// Always `null`: the queue comes whole.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCasesParams {
    /// Only cases with this status; without it, every open case.
    pub status: Option<CaseStatusDto>,
}

/// Hand a request to the mediators.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub reason: Option<String>,
}

/// The statuses a case can be moved to (claiming is `POST /v1/cases/{id}/claim`), or the
/// status it has, to change only its `follow_up_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatusChange {
    Claimed,
    InProgress,
    Resolved,
}

/// Move a case on: `in_progress` once claimed, or `resolved` with an outcome and a summary.
/// Sent with the status the case has (`claimed` or `in_progress`) and a `follow_up_at`, it only
/// reschedules the case (or, with `null`, clears its follow-up): no transition.
///
/// Which fields go with which status is a rule between fields, so the schema (below) is written
/// out by hand as one object per status (titled, so generated clients name them well); the
/// handler checks the same rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseStatusRequest {
    pub status: CaseStatusChange,
    /// Required with `resolved`, and only then.
    #[serde(default)]
    pub outcome: Option<OutcomeDto>,
    /// What was done, in a few words: required with `resolved` (not blank), and only then.
    #[serde(default)]
    pub summary: Option<String>,
    /// When to look at the case again; `null` clears it, absent leaves it as it is. Required
    /// with `claimed`.
    #[serde(default, deserialize_with = "crate::moment::nullable")]
    pub follow_up_at: Option<Option<DateTime<Utc>>>,
}

impl utoipa::PartialSchema for CaseStatusRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat,
            SchemaType, Type,
        };
        let status = |value: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([value]))
        };
        let absent = |description: &str| {
            ObjectBuilder::new()
                .schema_type(Type::Null)
                .description(Some(description))
        };
        let follow_up_at = |description: &str| {
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .description(Some(description))
        };
        let only_resolved = "Only with `resolved`: `null` or absent.";
        let resolved = ObjectBuilder::new()
            .title(Some("CaseStatusResolved"))
            .description(Some("End the case with an outcome and a summary."))
            .property("status", status("resolved"))
            .required("status")
            .property(
                "outcome",
                utoipa::openapi::Ref::from_schema_name(OutcomeDto::name()),
            )
            .required("outcome")
            .property(
                "summary",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("What was done, in a few words; not blank."))
                    .min_length(Some(1))
                    .max_length(Some(1000))
                    .pattern(Some(
                        r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#,
                    )),
            )
            .required("summary")
            .property(
                "follow_up_at",
                follow_up_at("`null` clears the follow-up, absent leaves it as it is."),
            )
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let in_progress = ObjectBuilder::new()
            .title(Some("CaseStatusInProgress"))
            .description(Some(
                "Start work on a claimed case; on a case in progress with a `follow_up_at`, \
                 only reschedule it.",
            ))
            .property("status", status("in_progress"))
            .required("status")
            .property(
                "follow_up_at",
                follow_up_at("When to look again; `null` clears it, absent leaves it as it is."),
            )
            .property("outcome", absent(only_resolved))
            .property("summary", absent(only_resolved))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        let claimed = ObjectBuilder::new()
            .title(Some("CaseStatusClaimed"))
            .description(Some(
                "Reschedule a claimed case (claiming is `POST /v1/cases/{id}/claim`).",
            ))
            .property("status", status("claimed"))
            .required("status")
            .property(
                "follow_up_at",
                follow_up_at("When to look again; `null` clears it."),
            )
            .required("follow_up_at")
            .property("outcome", absent(only_resolved))
            .property("summary", absent(only_resolved))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        OneOfBuilder::new()
            .description(Some(
                "Move a case on: `in_progress` once claimed, or `resolved` with an outcome and a \
                 summary. Sent with the status the case has (`claimed` or `in_progress`) and a \
                 `follow_up_at`, it only reschedules the case (or, with `null`, clears its \
                 follow-up): no transition.",
            ))
            .item(resolved)
            .item(in_progress)
            .item(claimed)
            .into()
    }
}

impl ToSchema for CaseStatusRequest {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            OutcomeDto::name().into(),
            <OutcomeDto as utoipa::PartialSchema>::schema(),
        ));
        OutcomeDto::schemas(schemas);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNoteRequest {
    #[schema(
        max_length = 5000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub body: String,
    /// A working note: the writer's own aid (impressions, reminders, first thoughts). Every
    /// mediator and referred professional reads it like any note, but it is left out of the
    /// requester's export (`GET /v1/me/export`); every other note's text is in it.
    #[serde(default)]
    pub working: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteDto {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    /// A working note, left out of the requester's export.
    pub working: bool,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteList {
    /// Oldest first.
    pub items: Vec<NoteDto>,
    pub next_cursor: Option<String>,
}

/// Refer a case to a professional of the wijkteam (needs the requester's care-data consent).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReferralRequest {
    pub professional_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReferralDto {
    pub case_id: Uuid,
    pub professional_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryDto {
    /// `null` for the system (a job, a match made online).
    pub actor_id: Option<Uuid>,
    /// `read_case`, `read_queue`, `read_notes`, `write_note`, `claim`, `start`,
    /// `resolve:<outcome>`, `refer`, `escalate:<how>`; for the workbench (issue 20):
    /// `read_suggestions`, `read_requester_contact`, and the steps of a brokered match:
    /// `broker_propose` (the mediator), `broker_helper_accept` (the helper agrees),
    /// `broker_accept` (the requester accepts), `broker_decline`, `broker_cancel`,
    /// `broker_complete`, `broker_no_show`; for lasting help (issue 20):
    /// `arrangement_lapsed` (`buurt run-jobs` put a follow-up on the case).
    pub action: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditList {
    /// Oldest first.
    pub items: Vec<AuditEntryDto>,
}

// issue 20 (h20rest)
/// What a step on a case's timeline was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKindDto {
    /// The request went to the mediators (by its author, a mediator, the job, a lapse).
    Escalated,
    Claimed,
    Started,
    /// A follow-up was planned.
    FollowUpPlanned,
    Resolved,
    /// Referred to a professional of the wijkteam.
    Referred,
    NoteWritten,
    /// A mediator proposed a helper: a brokered match (`match_id`).
    HelperProposed,
    /// The helper agreed to the brokered match; the requester accepts next.
    HelperAgreed,
    /// The requester (or a mediator for an offline requester) accepted the brokered match.
    MatchAccepted,
    MatchDeclined,
    MatchCancelled,
    MatchCompleted,
    NoShow,
    /// A mediator filed the request for an offline resident.
    FiledOnBehalf,
    /// A mediator took a match step for the offline requester (`action` says which).
    StepOnBehalf,
    /// A mediator wrote in the match's thread for the offline requester.
    MessageOnBehalf,
    /// A party recorded a session of lasting help (`action`: `session:done|skipped`).
    SessionRecorded,
    /// Lasting help lapsed: `buurt run-jobs` put a follow-up on the case.
    ArrangementLapsed,
    /// A mediator acknowledged a signal about the case.
    SignalAcknowledged,
    /// The requester withdrew their care-data consent, which ended the referral.
    ConsentWithdrawn,
}

impl From<buurt_domain::mediation::TimelineKind> for TimelineKindDto {
    fn from(kind: buurt_domain::mediation::TimelineKind) -> Self {
        use buurt_domain::mediation::TimelineKind as K;
        match kind {
            K::Escalated => Self::Escalated,
            K::Claimed => Self::Claimed,
            K::Started => Self::Started,
            K::FollowUpPlanned => Self::FollowUpPlanned,
            K::Resolved => Self::Resolved,
            K::Referred => Self::Referred,
            K::NoteWritten => Self::NoteWritten,
            K::HelperProposed => Self::HelperProposed,
            K::HelperAgreed => Self::HelperAgreed,
            K::MatchAccepted => Self::MatchAccepted,
            K::MatchDeclined => Self::MatchDeclined,
            K::MatchCancelled => Self::MatchCancelled,
            K::MatchCompleted => Self::MatchCompleted,
            K::NoShow => Self::NoShow,
            K::FiledOnBehalf => Self::FiledOnBehalf,
            K::StepOnBehalf => Self::StepOnBehalf,
            K::MessageOnBehalf => Self::MessageOnBehalf,
            K::SessionRecorded => Self::SessionRecorded,
            K::ArrangementLapsed => Self::ArrangementLapsed,
            K::SignalAcknowledged => Self::SignalAcknowledged,
            K::ConsentWithdrawn => Self::ConsentWithdrawn,
        }
    }
}

/// Who took a step on a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineActorDto {
    pub id: Uuid,
    /// Their name now (`former resident` / `voormalig bewoner` for an erased account).
    pub display_name: String,
}

/// One step on a case's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntryDto {
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
    /// Who took it; `null` for the system (`buurt run-jobs`) or an account that is gone.
    pub actor: Option<TimelineActorDto>,
    pub kind: TimelineKindDto,
    /// The entry as the case's audit log holds it (`GET /v1/cases/{id}/audit`), with its
    /// details: `resolve:<outcome>`, `escalate:<how>`, `offline:match_step:<step>`,
    /// `session:<done|skipped>`.
    pub action: String,
    /// The match the step concerns (a brokered match, a match of the offline requester's,
    /// lasting help); `null` when none.
    pub match_id: Option<Uuid>,
}

/// A case's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineList {
    /// Oldest first, newest last.
    pub items: Vec<TimelineEntryDto>,
}

/// What the requester sees of mediation on their own request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediationStatusDto {
    pub status: CaseStatusDto,
    pub outcome: Option<OutcomeDto>,
    /// The status in plain words, in the negotiated language.
    pub text: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKindDto {
    Terms,
    /// Care data may be shared with mediators and the wijkteam.
    CareData,
}

/// Give or withdraw a consent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub kind: ConsentKindDto,
    pub given: bool,
}

/// A consent as it stands.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentDto {
    pub kind: ConsentKindDto,
    /// Whether it holds now.
    pub given: bool,
    /// When it was last given.
    #[serde(serialize_with = "crate::moment::write")]
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn, if it was since it was last given.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// What it covers, in the language asked for.
    pub covers: String,
}

/// One change of a consent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentChangeDto {
    pub kind: ConsentKindDto,
    /// `given` or `withdrawn`.
    pub change: ConsentChangeKindDto,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentChangeKindDto {
    Given,
    Withdrawn,
}

/// One's consents as they stand, and every change of them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentList {
    pub items: Vec<ConsentDto>,
    /// Every time a consent was given or withdrawn, oldest first.
    pub history: Vec<ConsentChangeDto>,
}

/// A neighbourhood's mediation setting (moderators).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeighbourhoodSettings {
    /// Days an open request may stay unmatched before it goes to the mediators by itself.
    #[schema(minimum = 1, maximum = 60)]
    pub escalate_after_days: u32,
    /// Whether a new member's first three posts wait for a moderator before others see them
    /// (default false; a PUT without it turns it off).
    #[serde(default)]
    pub first_posts_reviewed: bool,
}
