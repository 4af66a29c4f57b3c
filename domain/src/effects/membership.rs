//! The effects of membership events: partners hear of every membership that becomes active and
//! of every one that ends, and a membership that becomes active counts a new member (once per
//! person and neighbourhood; the fact's subject is the neighbourhood).

use chrono::{DateTime, Utc};

use super::Effects;
use crate::accounts::UserId;
use crate::neighbourhoods::NeighbourhoodId;
use crate::partners::EventKind;
use crate::stats::StatKind;

/// Something that happened to one person's membership of one neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipEvent {
    /// The membership became active (joined at once, let in by an invite, or approved).
    Joined {
        neighbourhood: NeighbourhoodId,
        member: UserId,
    },
    /// The membership ended (left, or a pending request withdrawn).
    Left { neighbourhood: NeighbourhoodId },
}

impl MembershipEvent {
    /// What follows the event, at `at`.
    pub fn effects(self, at: DateTime<Utc>) -> Effects {
        match self {
            Self::Joined {
                neighbourhood,
                member,
            } => Effects::none(at)
                .count(
                    StatKind::MemberJoined,
                    neighbourhood,
                    neighbourhood.0,
                    Some(member),
                    None,
                )
                .tell(
                    EventKind::MembershipJoined,
                    neighbourhood,
                    neighbourhood.0,
                    None,
                ),
            Self::Left { neighbourhood } => Effects::none(at).tell(
                EventKind::MembershipLeft,
                neighbourhood,
                neighbourhood.0,
                None,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::effects::PartnerEvent;
    use crate::stats::StatEvent;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn joining_counts_a_member_and_tells_partners_about_the_neighbourhood() {
        let neighbourhood = NeighbourhoodId(Uuid::from_u128(1));
        let member = UserId(Uuid::from_u128(2));
        let effects = MembershipEvent::Joined {
            neighbourhood,
            member,
        }
        .effects(at());
        assert_eq!(effects.at, at());
        assert!(effects.notices.is_empty());
        assert_eq!(
            effects.facts,
            vec![StatEvent {
                kind: StatKind::MemberJoined,
                neighbourhood_id: neighbourhood,
                subject: neighbourhood.0,
                actor: Some(member),
                seconds: None,
                at: at(),
            }]
        );
        assert_eq!(
            effects.partner_events,
            vec![PartnerEvent {
                kind: EventKind::MembershipJoined,
                neighbourhood,
                subject: neighbourhood.0,
                post: None,
            }]
        );
    }

    #[test]
    fn leaving_only_tells_partners() {
        let neighbourhood = NeighbourhoodId(Uuid::from_u128(1));
        let effects = MembershipEvent::Left { neighbourhood }.effects(at());
        assert!(effects.notices.is_empty());
        assert!(effects.facts.is_empty());
        assert_eq!(
            effects.partner_events,
            vec![PartnerEvent {
                kind: EventKind::MembershipLeft,
                neighbourhood,
                subject: neighbourhood.0,
                post: None,
            }]
        );
    }
}
