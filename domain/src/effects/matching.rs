//! The effects of matching events: the other party is told of every step, partners of
//! proposals, acceptances and completions, and monitoring counts a request's first response,
//! its first acceptance and every neighbour helped.

use chrono::{DateTime, Utc};

use super::Effects;
use crate::accounts::UserId;
use crate::matching::{Match, MatchAction, Party};
use crate::neighbourhoods::NeighbourhoodId;
use crate::notifications::NotificationKind;
use crate::partners::EventKind;
use crate::stats::StatKind;

/// Something that happened to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchEvent {
    Proposed,
    Accepted,
    Declined,
    Cancelled,
    Completed,
    NoShow,
    /// A message in the match's thread.
    Message,
}

impl From<MatchAction> for MatchEvent {
    fn from(action: MatchAction) -> Self {
        match action {
            MatchAction::Accept => Self::Accepted,
            MatchAction::Decline => Self::Declined,
            MatchAction::Cancel => Self::Cancelled,
            MatchAction::Complete => Self::Completed,
            MatchAction::NoShow => Self::NoShow,
        }
    }
}

/// The request a match is for, as far as its effects need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestFacts {
    pub neighbourhood: NeighbourhoodId,
    pub posted_at: DateTime<Utc>,
}

impl MatchEvent {
    /// What follows when `by` (one of its parties) brings about this event on `found` at `at`.
    pub fn effects(
        self,
        found: &Match,
        request: RequestFacts,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Effects {
        let place = request.neighbourhood;
        let since_posted = Some((at - request.posted_at).num_seconds());
        let (post, subject) = (Some(found.request_id), found.id.0);
        // A neighbour's first response to a request: their offer, or their yes to an invite.
        let first_response = |effects: Effects| {
            let helper = Some(found.helper_id);
            let request = found.request_id.0;
            effects.count(
                StatKind::FirstResponse,
                place,
                request,
                helper,
                since_posted,
            )
        };
        let mut effects = Effects::none(at);
        let notice = match self {
            Self::Proposed => {
                if found.proposed_by == Party::Helper {
                    effects = first_response(effects);
                }
                effects = effects.tell(EventKind::MatchProposed, place, subject, post);
                NotificationKind::MatchProposed
            }
            Self::Accepted => {
                if found.proposed_by == Party::Requester {
                    effects = first_response(effects);
                }
                let request = found.request_id.0;
                let helper = Some(found.helper_id);
                effects = effects
                    .count(StatKind::Accepted, place, request, None, since_posted)
                    .count(StatKind::Helped, place, subject, helper, None)
                    .tell(EventKind::MatchAccepted, place, subject, post);
                NotificationKind::MatchAccepted
            }
            Self::Declined => NotificationKind::MatchDeclined,
            Self::Cancelled => NotificationKind::MatchCancelled,
            Self::Completed => {
                effects = effects.tell(EventKind::MatchCompleted, place, subject, post);
                NotificationKind::MatchCompleted
            }
            Self::NoShow => NotificationKind::MatchNoShow,
            Self::Message => NotificationKind::MatchMessage,
        };
        effects.notify(found.other_party(by), notice, post, Some(found.id))
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use uuid::Uuid;

    use super::*;
    use crate::effects::{Notice, PartnerEvent};
    use crate::matching::{MatchId, MatchStatus};
    use crate::posts::PostId;
    use crate::stats::StatEvent;

    fn a_match(proposed_by: Party) -> Match {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Match {
            id: MatchId(Uuid::new_v4()),
            request_id: PostId(Uuid::new_v4()),
            requester_id: UserId(Uuid::new_v4()),
            helper_id: UserId(Uuid::new_v4()),
            offer_id: None,
            proposed_by,
            status: MatchStatus::Proposed,
            message: None,
            thanks: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn request() -> RequestFacts {
        RequestFacts {
            neighbourhood: NeighbourhoodId(Uuid::new_v4()),
            posted_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn notice(to: UserId, kind: NotificationKind, found: &Match) -> Notice {
        Notice {
            to,
            kind,
            post: Some(found.request_id),
            about_match: Some(found.id),
        }
    }

    fn told(kind: EventKind, request: RequestFacts, found: &Match) -> PartnerEvent {
        PartnerEvent {
            kind,
            neighbourhood: request.neighbourhood,
            subject: found.id.0,
            post: Some(found.request_id),
        }
    }

    fn fact(
        kind: StatKind,
        request: RequestFacts,
        subject: Uuid,
        actor: Option<UserId>,
        seconds: Option<i64>,
        at: DateTime<Utc>,
    ) -> StatEvent {
        StatEvent {
            kind,
            neighbourhood_id: request.neighbourhood,
            subject,
            actor,
            seconds,
            at,
        }
    }

    #[test]
    fn a_helper_offering_is_a_first_response_and_the_requester_is_told() {
        let (found, request) = (a_match(Party::Helper), request());
        let at = request.posted_at + Duration::seconds(90);
        let effects = MatchEvent::Proposed.effects(&found, request, found.helper_id, at);
        assert_eq!(
            effects.notices,
            [notice(
                found.requester_id,
                NotificationKind::MatchProposed,
                &found
            )]
        );
        assert_eq!(
            effects.partner_events,
            [told(EventKind::MatchProposed, request, &found)]
        );
        let helper = Some(found.helper_id);
        let first = fact(
            StatKind::FirstResponse,
            request,
            found.request_id.0,
            helper,
            Some(90),
            at,
        );
        assert_eq!(effects.facts, [first]);
    }

    #[test]
    fn an_invite_is_no_response_yet_and_the_helper_is_told() {
        let (found, request) = (a_match(Party::Requester), request());
        let at = request.posted_at + Duration::seconds(5);
        let effects = MatchEvent::Proposed.effects(&found, request, found.requester_id, at);
        let to = found.helper_id;
        assert_eq!(
            effects.notices,
            [notice(to, NotificationKind::MatchProposed, &found)]
        );
        assert_eq!(effects.partner_events.len(), 1);
        assert!(effects.facts.is_empty());
    }

    #[test]
    fn accepting_counts_the_acceptance_and_the_helped() {
        let (found, request) = (a_match(Party::Helper), request());
        let at = request.posted_at + Duration::seconds(60);
        let effects = MatchEvent::Accepted.effects(&found, request, found.requester_id, at);
        let (helper, subject) = (Some(found.helper_id), found.request_id.0);
        assert_eq!(
            effects.facts,
            [
                fact(StatKind::Accepted, request, subject, None, Some(60), at),
                fact(StatKind::Helped, request, found.id.0, helper, None, at),
            ]
        );
        assert_eq!(
            effects.partner_events,
            [told(EventKind::MatchAccepted, request, &found)]
        );
        let to = found.helper_id;
        assert_eq!(
            effects.notices,
            [notice(to, NotificationKind::MatchAccepted, &found)]
        );
    }

    #[test]
    fn accepting_an_invite_is_also_the_helpers_first_response() {
        let (found, request) = (a_match(Party::Requester), request());
        let at = request.posted_at + Duration::seconds(7);
        let effects = MatchEvent::Accepted.effects(&found, request, found.helper_id, at);
        let kinds: Vec<StatKind> = effects.facts.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                StatKind::FirstResponse,
                StatKind::Accepted,
                StatKind::Helped
            ]
        );
        assert_eq!(effects.facts[0].actor, Some(found.helper_id));
        assert_eq!(effects.facts[0].seconds, Some(7));
        let to = found.requester_id;
        assert_eq!(
            effects.notices,
            [notice(to, NotificationKind::MatchAccepted, &found)]
        );
    }

    #[test]
    fn the_other_steps_only_tell_the_other_party() {
        let (found, request) = (a_match(Party::Helper), request());
        let at = request.posted_at;
        for (event, kind) in [
            (MatchEvent::Declined, NotificationKind::MatchDeclined),
            (MatchEvent::Cancelled, NotificationKind::MatchCancelled),
            (MatchEvent::NoShow, NotificationKind::MatchNoShow),
            (MatchEvent::Message, NotificationKind::MatchMessage),
        ] {
            let effects = event.effects(&found, request, found.requester_id, at);
            assert_eq!(effects.notices, [notice(found.helper_id, kind, &found)]);
            assert!(effects.partner_events.is_empty(), "{event:?}");
            assert!(effects.facts.is_empty(), "{event:?}");
            let back = event.effects(&found, request, found.helper_id, at);
            assert_eq!(back.notices[0].to, found.requester_id);
        }
        let completed = MatchEvent::Completed.effects(&found, request, found.requester_id, at);
        assert_eq!(
            completed.partner_events,
            [told(EventKind::MatchCompleted, request, &found)]
        );
        assert!(completed.facts.is_empty());
        let to = found.helper_id;
        assert_eq!(
            completed.notices,
            [notice(to, NotificationKind::MatchCompleted, &found)]
        );
    }

    #[test]
    fn every_action_is_an_event() {
        assert_eq!(MatchEvent::from(MatchAction::Accept), MatchEvent::Accepted);
        assert_eq!(MatchEvent::from(MatchAction::Decline), MatchEvent::Declined);
        assert_eq!(MatchEvent::from(MatchAction::Cancel), MatchEvent::Cancelled);
        assert_eq!(
            MatchEvent::from(MatchAction::Complete),
            MatchEvent::Completed
        );
        assert_eq!(MatchEvent::from(MatchAction::NoShow), MatchEvent::NoShow);
    }
}
