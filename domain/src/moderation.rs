//! Moderation: what residents report and why, what moderators decide about it, the one appeal
//! against a decision, what lands in the moderation log, and the per-user write limits that
//! slow a spammer before anyone has to act.

use chrono::{DateTime, Duration, Utc};

use crate::accounts::UserId;
use crate::throttle::ThrottlePolicy;

string_enum!(
    /// Why something was reported: a fixed list, so moderators can sort and count.
    ReportReason {
        Spam => "spam",
        Intimidation => "intimidation",
        Discrimination => "discrimination",
        Privacy => "privacy",
        Dangerous => "dangerous",
        Other => "other",
    }
);
string_enum!(
    /// What a report is about.
    TargetKind { Post => "post", Message => "message", Member => "member" }
);
string_enum!(
    /// What a moderator decides about a reported target.
    Resolution {
        Dismiss => "dismiss",
        HidePost => "hide_post",
        RemoveMessage => "remove_message",
        Warn => "warn",
        Suspend => "suspend",
        RemoveMember => "remove_member",
    }
);
string_enum!(
    /// How an appeal ended: the decision stands, or it is undone.
    AppealOutcome { Upheld => "upheld", Overturned => "overturned" }
);
string_enum!(
    /// What the moderation log records.
    LogAction {
        HidePost => "hide_post",
        UnhidePost => "unhide_post",
        HoldPost => "hold_post",
        ApprovePost => "approve_post",
        RemoveMessage => "remove_message",
        RestoreMessage => "restore_message",
        Warn => "warn",
        Suspend => "suspend",
        LiftSuspension => "lift_suspension",
        RemoveMember => "remove_member",
        ReinstateMember => "reinstate_member",
        Dismiss => "dismiss",
        RoleChange => "role_change",
        AppealFiled => "appeal_filed",
        AppealUpheld => "appeal_upheld",
        AppealOverturned => "appeal_overturned",
    }
);
string_enum!(
    /// A write that counts against a user's limits.
    WriteKind { Post => "post", Message => "message", Report => "report", Offer => "offer" }
);

/// Days a member can be suspended from posting at most.
pub const MAX_SUSPENSION_DAYS: u32 = 365;

/// How many of a new member's first posts in a neighbourhood wait for a moderator when the
/// neighbourhood asks for it (`first_posts_reviewed`).
pub const REVIEWED_FIRST_POSTS: i64 = 3;

impl Resolution {
    /// Whether this resolution can be taken about a target of `kind`: a post is hidden, a
    /// message removed; the member concerned can be warned, suspended or removed for any.
    pub fn fits(self, kind: TargetKind) -> bool {
        match self {
            Self::HidePost => kind == TargetKind::Post,
            Self::RemoveMessage => kind == TargetKind::Message,
            Self::Dismiss | Self::Warn | Self::Suspend | Self::RemoveMember => true,
        }
    }

    /// Whether the member concerned is told: every resolution that does something to them or
    /// their words (a dismissal changes nothing for them).
    pub fn concerns_member(self) -> bool {
        self != Self::Dismiss
    }

    /// The log entry of taking this resolution.
    pub fn log_action(self) -> LogAction {
        match self {
            Self::Dismiss => LogAction::Dismiss,
            Self::HidePost => LogAction::HidePost,
            Self::RemoveMessage => LogAction::RemoveMessage,
            Self::Warn => LogAction::Warn,
            Self::Suspend => LogAction::Suspend,
            Self::RemoveMember => LogAction::RemoveMember,
        }
    }

    /// The log entry of undoing it after an appeal (none where nothing was done).
    pub fn undo_action(self) -> Option<LogAction> {
        match self {
            Self::Dismiss | Self::Warn => None,
            Self::HidePost => Some(LogAction::UnhidePost),
            Self::RemoveMessage => Some(LogAction::RestoreMessage),
            Self::Suspend => Some(LogAction::LiftSuspension),
            Self::RemoveMember => Some(LogAction::ReinstateMember),
        }
    }
}

/// Why an appeal cannot be decided by this person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealRefusal {
    /// Nobody appealed (yet).
    NotAppealed,
    /// It was decided already.
    AlreadyDecided,
    /// The one who took the decision does not judge their own decision.
    SameModerator,
}

/// Whether `by` may decide the appeal against a decision taken by `decided_by`.
pub fn check_appeal_decision(
    decided_by: Option<UserId>,
    appealed: bool,
    appeal_decided: bool,
    by: UserId,
) -> Result<(), AppealRefusal> {
    if !appealed {
        Err(AppealRefusal::NotAppealed)
    } else if appeal_decided {
        Err(AppealRefusal::AlreadyDecided)
    } else if decided_by == Some(by) {
        Err(AppealRefusal::SameModerator)
    } else {
        Ok(())
    }
}

/// Per-user write limits: how many writes of each kind within its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteLimits {
    pub posts_per_hour: u32,
    pub messages_per_minute: u32,
    pub reports_per_day: u32,
    pub offers_per_hour: u32,
}

impl Default for WriteLimits {
    fn default() -> Self {
        Self {
            posts_per_hour: 10,
            messages_per_minute: 20,
            reports_per_day: 20,
            offers_per_hour: 20,
        }
    }
}

impl WriteKind {
    /// The window the limit of this kind counts in.
    pub fn window(self) -> Duration {
        match self {
            Self::Post | Self::Offer => Duration::hours(1),
            Self::Message => Duration::minutes(1),
            Self::Report => Duration::days(1),
        }
    }
}

impl WriteLimits {
    /// The policy for writes of `kind`.
    pub fn policy(&self, kind: WriteKind) -> ThrottlePolicy {
        let max = match kind {
            WriteKind::Post => self.posts_per_hour,
            WriteKind::Message => self.messages_per_minute,
            WriteKind::Report => self.reports_per_day,
            WriteKind::Offer => self.offers_per_hour,
        };
        ThrottlePolicy {
            max_failures: usize::try_from(max).unwrap_or(usize::MAX),
            window: kind.window(),
        }
    }

    /// How long to wait before another write of `kind`, given the recent ones, or `None`.
    /// A limit of 0 means no limit.
    pub fn wait(
        &self,
        kind: WriteKind,
        recent: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        self.policy(kind).retry_after(recent, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_fit_their_targets() {
        assert!(Resolution::HidePost.fits(TargetKind::Post));
        assert!(!Resolution::HidePost.fits(TargetKind::Message));
        assert!(!Resolution::RemoveMessage.fits(TargetKind::Member));
        assert!(Resolution::Suspend.fits(TargetKind::Message));
        assert!(!Resolution::Dismiss.concerns_member());
        assert_eq!(Resolution::Dismiss.undo_action(), None);
        assert_eq!(
            Resolution::Suspend.undo_action(),
            Some(LogAction::LiftSuspension)
        );
    }

    #[test]
    fn the_same_moderator_never_decides_an_appeal() {
        let a = UserId(uuid::Uuid::from_u128(1));
        let b = UserId(uuid::Uuid::from_u128(2));
        assert_eq!(
            check_appeal_decision(Some(a), true, false, a),
            Err(AppealRefusal::SameModerator)
        );
        assert_eq!(check_appeal_decision(Some(a), true, false, b), Ok(()));
        assert_eq!(
            check_appeal_decision(Some(a), false, false, b),
            Err(AppealRefusal::NotAppealed)
        );
        assert_eq!(
            check_appeal_decision(Some(a), true, true, b),
            Err(AppealRefusal::AlreadyDecided)
        );
    }

    #[test]
    fn limits_count_within_their_window() {
        let limits = WriteLimits {
            posts_per_hour: 2,
            ..WriteLimits::default()
        };
        let now = Utc::now();
        let recent = [now - Duration::minutes(50), now - Duration::minutes(10)];
        assert_eq!(
            limits.wait(WriteKind::Post, &recent, now),
            Some(Duration::minutes(10))
        );
        assert_eq!(limits.wait(WriteKind::Post, &recent[1..], now), None);
        // Messages count per minute: the same two are long gone.
        assert_eq!(limits.wait(WriteKind::Message, &recent, now), None);
    }
}
