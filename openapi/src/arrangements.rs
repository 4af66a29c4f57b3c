//! Lasting help ("maatjes", issue 20): the recurrence of a request, the arrangement an accepted
//! match on it becomes, and its sessions.

use buurt_domain::lasting::{Arrangement, Recurrence, Session, SessionStatus};
use buurt_domain::matching::Party;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::matching::PartyDto;

/// How often help is asked for: every week, every two weeks, every month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceDto {
    Weekly,
    Fortnightly,
    Monthly,
}

impl From<Recurrence> for RecurrenceDto {
    fn from(value: Recurrence) -> Self {
        match value {
            Recurrence::Weekly => Self::Weekly,
            Recurrence::Fortnightly => Self::Fortnightly,
            Recurrence::Monthly => Self::Monthly,
        }
    }
}

impl From<RecurrenceDto> for Recurrence {
    fn from(value: RecurrenceDto) -> Self {
        match value {
            RecurrenceDto::Weekly => Self::Weekly,
            RecurrenceDto::Fortnightly => Self::Fortnightly,
            RecurrenceDto::Monthly => Self::Monthly,
        }
    }
}

/// `done`: the session took place; `skipped`: it did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatusDto {
    Done,
    Skipped,
}

impl From<SessionStatusDto> for SessionStatus {
    fn from(value: SessionStatusDto) -> Self {
        match value {
            SessionStatusDto::Done => Self::Done,
            SessionStatusDto::Skipped => Self::Skipped,
        }
    }
}

impl From<SessionStatus> for SessionStatusDto {
    fn from(value: SessionStatus) -> Self {
        match value {
            SessionStatus::Done => Self::Done,
            SessionStatus::Skipped => Self::Skipped,
        }
    }
}

fn party(party: Party) -> PartyDto {
    match party {
        Party::Requester => PartyDto::Requester,
        Party::Helper => PartyDto::Helper,
    }
}

/// A session, as a party records it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"on": "2026-12-07", "status": "done"}))]
pub struct RecordSessionRequest {
    /// The day of the session: from the day the match was accepted until today (and not after
    /// `ends_on`). One session per day.
    pub on: NaiveDate,
    pub status: SessionStatusDto,
    /// For the neighbourhood's mediators: the other party does not see it.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note_to_mediator: Option<String>,
}

/// Ending an arrangement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndArrangementRequest {
    /// Why it ends; the other party and the mediators read it.
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// One recorded session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionDto {
    pub on: NaiveDate,
    pub status: SessionStatusDto,
    pub recorded_by: PartyDto,
    /// Shown to the party who wrote it and to the mediators; `null` for the other party.
    pub note_to_mediator: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub recorded_at: DateTime<Utc>,
}

impl From<Session> for SessionDto {
    fn from(session: Session) -> Self {
        Self {
            on: session.on,
            status: session.status.into(),
            recorded_by: party(session.recorded_by),
            note_to_mediator: session.note_to_mediator,
            recorded_at: session.created_at,
        }
    }
}

/// How an arrangement ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EndingDto {
    pub by: PartyDto,
    pub reason: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

/// Lasting help: an accepted match on a recurring request, with its sessions (oldest first).
/// It stays active until a party ends it; when two periods in a row pass without a session
/// that took place, a mediator is asked to check in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ArrangementDto {
    pub match_id: Uuid,
    pub request_id: Uuid,
    pub recurrence: RecurrenceDto,
    /// The day the match was accepted: the first period starts then.
    pub starts_on: NaiveDate,
    /// The request's last day, if it set one.
    pub ends_on: Option<NaiveDate>,
    /// `null` while it runs.
    pub ended: Option<EndingDto>,
    pub sessions: Vec<SessionDto>,
}

impl ArrangementDto {
    pub fn new(arrangement: Arrangement, sessions: Vec<Session>) -> Self {
        Self {
            match_id: arrangement.match_id.0,
            request_id: arrangement.request_id.0,
            recurrence: arrangement.schedule.every.into(),
            starts_on: arrangement.schedule.starts_on,
            ends_on: arrangement.schedule.ends_on,
            ended: arrangement.ended.map(|ending| EndingDto {
                by: party(ending.by),
                reason: ending.reason,
                at: ending.at,
            }),
            sessions: sessions.into_iter().map(Into::into).collect(),
        }
    }
}
