//! What follows moderation events: moderators hear of a new target in their queue, of an
//! appeal and of a post held for review; reporters hear that their report was resolved; the
//! member concerned hears of every decision about them (the statement of reasons) and of the
//! decision on their appeal. Nothing here is told to partners or counted: moderation is the
//! neighbourhood's own business.

use chrono::{DateTime, Utc};

use super::Effects;
use crate::accounts::UserId;
use crate::moderation::Resolution;
use crate::notifications::NotificationKind;
use crate::posts::PostId;

/// Something that happened in moderation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModerationEvent {
    /// The first open report on a target: it entered the queue of `moderators`.
    Queued { moderators: Vec<UserId> },
    /// A target's reports were resolved with `resolution`.
    Resolved {
        resolution: Resolution,
        reporters: Vec<UserId>,
        member: UserId,
    },
    /// `member` appealed; `moderators` may decide it.
    Appealed { moderators: Vec<UserId> },
    /// The appeal of `member` was decided.
    AppealDecided { member: UserId },
    /// A new member's post waits for `moderators`.
    Held { moderators: Vec<UserId> },
}

impl ModerationEvent {
    /// What follows, at `at`; `post` is the post concerned, if any.
    pub fn effects(&self, post: Option<PostId>, at: DateTime<Utc>) -> Effects {
        let everyone = |people: &[UserId], kind| {
            people.iter().fold(Effects::none(at), |effects, person| {
                effects.notify(*person, kind, post, None)
            })
        };
        match self {
            Self::Queued { moderators } => everyone(moderators, NotificationKind::ReportQueued),
            Self::Resolved {
                resolution,
                reporters,
                member,
            } => {
                let told = everyone(reporters, NotificationKind::ReportResolved);
                if resolution.concerns_member() {
                    told.notify(*member, NotificationKind::ModerationDecision, post, None)
                } else {
                    told
                }
            }
            Self::Appealed { moderators } => everyone(moderators, NotificationKind::AppealFiled),
            Self::AppealDecided { member } => {
                Effects::none(at).notify(*member, NotificationKind::AppealDecided, post, None)
            }
            Self::Held { moderators } => everyone(moderators, NotificationKind::PostHeld),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn reporters_and_the_member_are_told_but_not_of_a_dismissal() {
        let at = Utc::now();
        let (a, b, m) = (
            UserId(Uuid::from_u128(1)),
            UserId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
        );
        let warned = ModerationEvent::Resolved {
            resolution: Resolution::Warn,
            reporters: vec![a, b],
            member: m,
        }
        .effects(None, at);
        let told: Vec<_> = warned.notices.iter().map(|n| (n.to, n.kind)).collect();
        assert_eq!(
            told,
            [
                (a, NotificationKind::ReportResolved),
                (b, NotificationKind::ReportResolved),
                (m, NotificationKind::ModerationDecision)
            ]
        );
        let dismissed = ModerationEvent::Resolved {
            resolution: Resolution::Dismiss,
            reporters: vec![a],
            member: m,
        }
        .effects(None, at);
        assert_eq!(dismissed.notices.len(), 1);
        assert!(dismissed.partner_events.is_empty() && dismissed.facts.is_empty());
    }
}
