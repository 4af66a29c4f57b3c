//! The effects of activities events: answers, moving up from the waitlist, coming.

use chrono::{DateTime, Utc};

use super::Effects;
use crate::accounts::UserId;
use crate::neighbourhoods::NeighbourhoodId;
use crate::notifications::NotificationKind;
use crate::partners::EventKind;
use crate::posts::PostId;
use crate::stats::StatKind;

/// Something that happened at an activity, to one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityHappening {
    /// They answered (going or waitlisted), newly or again after cancelling.
    Answered,
    /// They moved up from the waitlist into a free place.
    Promoted,
    /// They came: an organiser checked them in.
    CheckedIn,
}

impl ActivityHappening {
    /// What follows when this happens to `user` at the activity `post` in `neighbourhood`.
    pub fn effects(
        self,
        post: PostId,
        neighbourhood: NeighbourhoodId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Effects {
        let effects = Effects::none(at);
        match self {
            Self::Answered => effects
                .count(StatKind::Rsvp, neighbourhood, post.0, Some(user), None)
                .tell(EventKind::RsvpCreated, neighbourhood, post.0, Some(post)),
            Self::Promoted => {
                effects.notify(user, NotificationKind::RsvpPromoted, Some(post), None)
            }
            Self::CheckedIn => {
                effects.count(StatKind::Attended, neighbourhood, post.0, Some(user), None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ids() -> (PostId, NeighbourhoodId, UserId) {
        (
            PostId(Uuid::from_u128(1)),
            NeighbourhoodId(Uuid::from_u128(2)),
            UserId(Uuid::from_u128(3)),
        )
    }

    #[test]
    fn an_answer_is_counted_and_told() {
        let (post, place, user) = ids();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let effects = ActivityHappening::Answered.effects(post, place, user, at);
        assert_eq!(effects.facts.len(), 1);
        assert_eq!(effects.facts[0].kind, StatKind::Rsvp);
        assert_eq!(effects.facts[0].actor, Some(user));
        assert_eq!(effects.facts[0].subject, post.0);
        assert_eq!(effects.partner_events.len(), 1);
        assert_eq!(effects.partner_events[0].kind, EventKind::RsvpCreated);
        assert_eq!(effects.partner_events[0].subject, post.0);
        assert!(effects.notices.is_empty());
    }

    #[test]
    fn moving_up_is_a_notice_for_who_moved() {
        let (post, place, user) = ids();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let effects = ActivityHappening::Promoted.effects(post, place, user, at);
        assert_eq!(effects.notices.len(), 1);
        assert_eq!(effects.notices[0].to, user);
        assert_eq!(effects.notices[0].kind, NotificationKind::RsvpPromoted);
        assert_eq!(effects.notices[0].post, Some(post));
        assert!(effects.facts.is_empty() && effects.partner_events.is_empty());
    }

    #[test]
    fn coming_is_counted_once_per_person() {
        let (post, place, user) = ids();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let effects = ActivityHappening::CheckedIn.effects(post, place, user, at);
        assert_eq!(effects.facts.len(), 1);
        assert_eq!(effects.facts[0].kind, StatKind::Attended);
        assert_eq!(effects.facts[0].actor, Some(user));
        assert!(effects.notices.is_empty() && effects.partner_events.is_empty());
    }
}
