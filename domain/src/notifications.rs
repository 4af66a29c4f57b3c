//! The in-app inbox.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::posts::PostId;

/// What a notification is about. Later capabilities add kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// One of your posts expires within a day.
    PostExpiring,
    /// One of your posts has expired.
    PostExpired,
    /// A place came free: you moved up from the waitlist and are going.
    RsvpPromoted,
    /// Someone offered help with your request, or invited you to help.
    MatchProposed,
    MatchAccepted,
    MatchDeclined,
    MatchCancelled,
    MatchCompleted,
    /// The requester says the help did not happen.
    MatchNoShow,
    /// A new message in one of your matches.
    MatchMessage,
    /// A request entered the mediation queue of your neighbourhood.
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
    /// Your appeal was decided.
    AppealDecided,
    /// A new member's post waits for review (moderators).
    PostHeld,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 19] = [
        Self::PostExpiring,
        Self::PostExpired,
        Self::RsvpPromoted,
        Self::MatchProposed,
        Self::MatchAccepted,
        Self::MatchDeclined,
        Self::MatchCancelled,
        Self::MatchCompleted,
        Self::MatchNoShow,
        Self::MatchMessage,
        Self::CaseNew,
        Self::CaseClaimed,
        Self::CaseResolved,
        Self::ReportQueued,
        Self::ReportResolved,
        Self::ModerationDecision,
        Self::AppealFiled,
        Self::AppealDecided,
        Self::PostHeld,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostExpiring => "post_expiring",
            Self::PostExpired => "post_expired",
            Self::RsvpPromoted => "rsvp_promoted",
            Self::MatchProposed => "match_proposed",
            Self::MatchAccepted => "match_accepted",
            Self::MatchDeclined => "match_declined",
            Self::MatchCancelled => "match_cancelled",
            Self::MatchCompleted => "match_completed",
            Self::MatchNoShow => "match_no_show",
            Self::MatchMessage => "match_message",
            Self::CaseNew => "case_new",
            Self::CaseClaimed => "case_claimed",
            Self::CaseResolved => "case_resolved",
            Self::ReportQueued => "report_queued",
            Self::ReportResolved => "report_resolved",
            Self::ModerationDecision => "moderation_decision",
            Self::AppealFiled => "appeal_filed",
            Self::AppealDecided => "appeal_decided",
            Self::PostHeld => "post_held",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// How long before a post expires its author is warned.
pub const EXPIRY_WARNING: Duration = Duration::days(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub post_id: Option<PostId>,
    pub match_id: Option<crate::matching::MatchId>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::NotificationKind::{self, *};

    /// Exhaustive: a new kind does not compile until it gets a number here.
    fn number(kind: NotificationKind) -> usize {
        match kind {
            PostExpiring => 0,
            PostExpired => 1,
            RsvpPromoted => 2,
            MatchProposed => 3,
            MatchAccepted => 4,
            MatchDeclined => 5,
            MatchCancelled => 6,
            MatchCompleted => 7,
            MatchNoShow => 8,
            MatchMessage => 9,
            CaseNew => 10,
            CaseClaimed => 11,
            CaseResolved => 12,
            ReportQueued => 13,
            ReportResolved => 14,
            ModerationDecision => 15,
            AppealFiled => 16,
            AppealDecided => 17,
            PostHeld => 18,
        }
    }

    #[test]
    fn every_kind_is_listed_once_and_round_trips() {
        let mut numbers: Vec<usize> = NotificationKind::ALL.iter().map(|k| number(*k)).collect();
        numbers.sort_unstable();
        assert_eq!(
            numbers,
            (0..19).collect::<Vec<_>>(),
            "ALL lists every kind once"
        );
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
    }
}
