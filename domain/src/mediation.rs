//! Mediation: what the online network cannot solve becomes a case that mediators and the
//! wijkteam handle offline, with its progress and outcome recorded.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::neighbourhoods::NeighbourhoodId;
use crate::posts::{Post, PostEvent, PostKind, PostStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseId(pub Uuid);

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == raw)
            }
        }
    };
}

string_enum!(
    /// Where a case stands.
    CaseStatus { New => "new", Claimed => "claimed", InProgress => "in_progress", Resolved => "resolved" }
);
string_enum!(
    /// How a case ended.
    Outcome {
        MatchedOnline => "matched_online",
        SolvedOffline => "solved_offline",
        ReferredWijkteam => "referred_wijkteam",
        NotSolvable => "not_solvable",
        Withdrawn => "withdrawn",
    }
);
string_enum!(
    /// How a request became a case.
    EscalatedBy { Requester => "requester", Mediator => "mediator", Job => "job", CareConsent => "care_consent" }
);
string_enum!(
    /// What a user agreed to.
    ConsentKind { Terms => "terms", CareData => "care_data" }
);

/// What is done to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    Claim,
    Start,
    /// A new (or no) follow-up date for a case that has this status (claimed or in progress):
    /// no transition, the status stays.
    Reschedule(CaseStatus),
    Resolve(Outcome),
}

/// The summary of a case resolved because a match was accepted that filled its request.
pub const MATCHED_ONLINE_SUMMARY: &str = "Matched online: enough neighbours were accepted.";
/// The summary of a case whose request its author closed or deleted.
pub const WITHDRAWN_SUMMARY: &str = "The requester withdrew the request.";
/// The summary of a case whose request someone other than its author (an administrator)
/// closed or deleted.
pub const REMOVED_SUMMARY: &str = "The request was closed by an administrator.";

/// The summary of a case whose request `by` closed or deleted: its author withdrew it, anyone
/// else (an administrator) removed it.
pub fn withdrawal_summary(author: UserId, by: UserId) -> &'static str {
    if by == author {
        WITHDRAWN_SUMMARY
    } else {
        REMOVED_SUMMARY
    }
}

/// Why a request cannot become a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalateRefusal {
    /// Only an open request can be escalated.
    NotOpen,
    /// The request has an open case already.
    AlreadyOpen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not possible while {status:?}")]
pub struct IllegalCaseTransition {
    pub status: CaseStatus,
    pub action: CaseAction,
}

impl CaseStatus {
    /// `new` → `claimed` → `in_progress` → `resolved`; an open case can be resolved at any
    /// point (a match made online, a withdrawn request). A claimed case or one in progress can
    /// be rescheduled, staying where it is.
    pub fn transition(self, action: CaseAction) -> Result<CaseStatus, IllegalCaseTransition> {
        use CaseStatus::*;
        match (self, action) {
            (New, CaseAction::Claim) => Ok(Claimed),
            (Claimed, CaseAction::Start) => Ok(InProgress),
            (Claimed, CaseAction::Reschedule(Claimed)) => Ok(Claimed),
            (InProgress, CaseAction::Reschedule(InProgress)) => Ok(InProgress),
            (New | Claimed | InProgress, CaseAction::Resolve(_)) => Ok(Resolved),
            (status, action) => Err(IllegalCaseTransition { status, action }),
        }
    }
}

impl CaseAction {
    /// The action a status change asks of a case that has `status`: asking for the status it
    /// has already (`in_progress` again), with a follow-up date, only reschedules it.
    pub fn judged_against(self, status: CaseStatus, with_follow_up: bool) -> CaseAction {
        match self {
            CaseAction::Start if status == CaseStatus::InProgress && with_follow_up => {
                CaseAction::Reschedule(CaseStatus::InProgress)
            }
            action => action,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub request_id: crate::posts::PostId,
    pub neighbourhood_id: NeighbourhoodId,
    pub requester_id: UserId,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    pub summary: Option<String>,
    pub reason: Option<String>,
    pub escalated_by: EscalatedBy,
    pub claimed_by: Option<UserId>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Case {
    /// Past its follow-up date and still open.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status != CaseStatus::Resolved && self.follow_up_at.is_some_and(|at| at <= now)
    }
}

/// Whether an open request has waited long enough to go to mediators by itself.
pub fn due_for_escalation(request: &Post, escalate_after_days: u32, now: DateTime<Utc>) -> bool {
    request.content.kind == PostKind::Request
        && request.status == PostStatus::Open
        && !request.hidden
        && request.created_at + Duration::days(i64::from(escalate_after_days)) <= now
}

/// What a mediator's resolution does to the request: matched online, it follows its matches
/// (matched when every helper place is taken, open again otherwise); any other outcome closes
/// it.
pub fn request_event_on_resolve(
    outcome: Outcome,
    places_taken: u32,
    helpers_needed: u32,
) -> PostEvent {
    match outcome {
        Outcome::MatchedOnline if places_taken >= helpers_needed => PostEvent::Match,
        Outcome::MatchedOnline => PostEvent::Reopen,
        Outcome::SolvedOffline
        | Outcome::ReferredWijkteam
        | Outcome::NotSolvable
        | Outcome::Withdrawn => PostEvent::Close,
    }
}

// issue 20 (h20rest)
/// What a step on a case's timeline was. The timeline is the case's audit log without the
/// reads (who looked at what stays in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineKind {
    /// The request went to the mediators (by its author, a mediator, the job, a lapse).
    Escalated,
    Claimed,
    Started,
    /// A follow-up was planned.
    FollowUpPlanned,
    Resolved,
    Referred,
    NoteWritten,
    /// A mediator proposed a helper (a brokered match).
    HelperProposed,
    /// The helper agreed to a brokered match.
    HelperAgreed,
    /// The requester (or a mediator for them) accepted a brokered match.
    MatchAccepted,
    MatchDeclined,
    MatchCancelled,
    MatchCompleted,
    NoShow,
    /// A mediator filed the request for an offline resident.
    FiledOnBehalf,
    /// A mediator took a match step for an offline resident.
    StepOnBehalf,
    /// A mediator wrote in a match's thread for an offline resident.
    MessageOnBehalf,
    /// A party recorded a session of lasting help.
    SessionRecorded,
    /// Lasting help lapsed: the job put a follow-up on the case.
    ArrangementLapsed,
    /// A mediator acknowledged a signal about the case.
    SignalAcknowledged,
    /// The requester withdrew their care-data consent (the referral ended).
    ConsentWithdrawn,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 21] = [
        Self::Escalated,
        Self::Claimed,
        Self::Started,
        Self::FollowUpPlanned,
        Self::Resolved,
        Self::Referred,
        Self::NoteWritten,
        Self::HelperProposed,
        Self::HelperAgreed,
        Self::MatchAccepted,
        Self::MatchDeclined,
        Self::MatchCancelled,
        Self::MatchCompleted,
        Self::NoShow,
        Self::FiledOnBehalf,
        Self::StepOnBehalf,
        Self::MessageOnBehalf,
        Self::SessionRecorded,
        Self::ArrangementLapsed,
        Self::SignalAcknowledged,
        Self::ConsentWithdrawn,
    ];

    /// The step an audit action records; `None` for a read (and anything unknown).
    pub fn of_action(action: &str) -> Option<Self> {
        let (verb, detail) = action.split_once(':').unwrap_or((action, ""));
        Some(match verb {
            "escalate" => Self::Escalated,
            "claim" => Self::Claimed,
            "start" => Self::Started,
            "reschedule" => Self::FollowUpPlanned,
            "resolve" => Self::Resolved,
            "refer" => Self::Referred,
            "write_note" => Self::NoteWritten,
            "broker_propose" => Self::HelperProposed,
            "broker_helper_accept" => Self::HelperAgreed,
            "broker_accept" => Self::MatchAccepted,
            "broker_decline" => Self::MatchDeclined,
            "broker_cancel" => Self::MatchCancelled,
            "broker_complete" => Self::MatchCompleted,
            "broker_no_show" => Self::NoShow,
            "offline" => match detail.split_once(':').map_or(detail, |(what, _)| what) {
                "file_request" => Self::FiledOnBehalf,
                "match_step" => Self::StepOnBehalf,
                "match_message" => Self::MessageOnBehalf,
                _ => return None,
            },
            "session" => Self::SessionRecorded,
            "arrangement_lapsed" => Self::ArrangementLapsed,
            "acknowledge_signal" => Self::SignalAcknowledged,
            "consent_withdrawn" => Self::ConsentWithdrawn,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod timeline_tests {
    use super::TimelineKind;

    #[test]
    fn reads_are_not_steps_and_steps_are_known() {
        for read in [
            "read_case",
            "read_notes",
            "read_audit",
            "read_queue",
            "read_suggestions",
            "read_requester_contact",
            "read_timeline",
            "offline:read_messages",
            "offline:read",
        ] {
            assert_eq!(TimelineKind::of_action(read), None, "{read}");
        }
        assert_eq!(
            TimelineKind::of_action("offline:match_step:accept"),
            Some(TimelineKind::StepOnBehalf)
        );
        assert_eq!(
            TimelineKind::of_action("resolve:matched_online"),
            Some(TimelineKind::Resolved)
        );
        assert_eq!(
            TimelineKind::of_action("session:done"),
            Some(TimelineKind::SessionRecorded)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_lifecycle() {
        use CaseStatus::*;
        assert_eq!(New.transition(CaseAction::Claim), Ok(Claimed));
        assert_eq!(Claimed.transition(CaseAction::Start), Ok(InProgress));
        assert_eq!(
            InProgress.transition(CaseAction::Resolve(Outcome::SolvedOffline)),
            Ok(Resolved)
        );
        assert_eq!(
            New.transition(CaseAction::Resolve(Outcome::MatchedOnline)),
            Ok(Resolved)
        );
        assert!(Claimed.transition(CaseAction::Claim).is_err());
        assert!(New.transition(CaseAction::Start).is_err());
        assert!(
            Resolved
                .transition(CaseAction::Resolve(Outcome::Withdrawn))
                .is_err()
        );
        assert!(InProgress.transition(CaseAction::Start).is_err());
        for status in [Claimed, InProgress] {
            assert_eq!(
                status.transition(CaseAction::Reschedule(status)),
                Ok(status)
            );
        }
        assert!(
            Claimed
                .transition(CaseAction::Reschedule(InProgress))
                .is_err()
        );
        assert!(
            InProgress
                .transition(CaseAction::Reschedule(Claimed))
                .is_err()
        );
        for status in [New, Resolved] {
            assert!(status.transition(CaseAction::Reschedule(status)).is_err());
        }
    }

    #[test]
    fn asking_for_the_status_a_case_has_with_a_date_reschedules_it() {
        use CaseStatus::*;
        let start = CaseAction::Start;
        assert_eq!(
            start.judged_against(InProgress, true),
            CaseAction::Reschedule(InProgress)
        );
        assert_eq!(start.judged_against(InProgress, false), start);
        assert_eq!(start.judged_against(Claimed, true), start);
        let resolve = CaseAction::Resolve(Outcome::SolvedOffline);
        assert_eq!(resolve.judged_against(InProgress, true), resolve);
    }

    #[test]
    fn a_withdrawal_by_its_author_is_no_removal() {
        let (author, admin) = (UserId(Uuid::new_v4()), UserId(Uuid::new_v4()));
        assert_eq!(withdrawal_summary(author, author), WITHDRAWN_SUMMARY);
        assert_eq!(withdrawal_summary(author, admin), REMOVED_SUMMARY);
    }

    #[test]
    fn a_resolved_request_follows_its_matches_or_closes() {
        assert_eq!(
            request_event_on_resolve(Outcome::MatchedOnline, 3, 3),
            PostEvent::Match
        );
        assert_eq!(
            request_event_on_resolve(Outcome::MatchedOnline, 1, 3),
            PostEvent::Reopen
        );
        assert_eq!(
            request_event_on_resolve(Outcome::MatchedOnline, 0, 1),
            PostEvent::Reopen
        );
        for outcome in [
            Outcome::SolvedOffline,
            Outcome::ReferredWijkteam,
            Outcome::NotSolvable,
            Outcome::Withdrawn,
        ] {
            assert_eq!(request_event_on_resolve(outcome, 3, 1), PostEvent::Close);
        }
        // Back to open is only for requests leaving mediation.
        assert_eq!(
            PostStatus::InMediation.transition(PostKind::Request, PostEvent::Reopen),
            Ok(PostStatus::Open)
        );
        assert!(
            PostStatus::Matched
                .transition(PostKind::Request, PostEvent::Reopen)
                .is_err()
        );
        assert!(
            PostStatus::InMediation
                .transition(PostKind::Offer, PostEvent::Reopen)
                .is_err()
        );
    }
}
