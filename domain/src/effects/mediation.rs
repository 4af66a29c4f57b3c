//! What follows the events of a case: the mediators hear of a new case, the requester of a
//! claim and of the outcome, partners of escalations, referrals and resolutions, and the
//! request's outcome is counted once the case is resolved.

use chrono::{DateTime, Utc};

use super::Effects;
use crate::accounts::UserId;
use crate::mediation::{Case, Outcome};
use crate::neighbourhoods::NeighbourhoodId;
use crate::notifications::NotificationKind;
use crate::partners::EventKind;
use crate::posts::PostId;
use crate::stats::StatKind;

/// What happened to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseEvent {
    /// A request became this case; `mediators` are its neighbourhood's active mediators.
    Escalated { mediators: Vec<UserId> },
    /// A mediator claimed it.
    Claimed,
    /// It was resolved with `outcome`, by `by` (`None`: by the system, when accepted matches
    /// filled the request).
    Resolved {
        outcome: Outcome,
        by: Option<UserId>,
    },
    /// It was referred to a professional.
    Referred,
}

impl CaseEvent {
    /// The request was closed or deleted by `by` (its author, or an administrator).
    pub fn withdrawn(by: UserId) -> Self {
        Self::Resolved {
            outcome: Outcome::Withdrawn,
            by: Some(by),
        }
    }

    /// Accepted matches filled the request.
    pub fn matched_online() -> Self {
        Self::Resolved {
            outcome: Outcome::MatchedOnline,
            by: None,
        }
    }

    /// What follows this event on `case`, at `at`.
    pub fn effects(&self, case: &Case, at: DateTime<Utc>) -> Effects {
        let (place, request) = (case.neighbourhood_id, case.request_id);
        let subject = case.id.0;
        match self {
            Self::Escalated { mediators } => mediators.iter().fold(
                Effects::none(at).tell(EventKind::CaseEscalated, place, subject, Some(request)),
                |effects, mediator| {
                    effects.notify(*mediator, NotificationKind::CaseNew, Some(request), None)
                },
            ),
            Self::Claimed => Effects::none(at).notify(
                case.requester_id,
                NotificationKind::CaseClaimed,
                Some(request),
                None,
            ),
            Self::Resolved { outcome, by } => {
                let effects = outcome_counted(place, request, *outcome, at).tell(
                    EventKind::CaseResolved,
                    place,
                    subject,
                    Some(request),
                );
                // The requester is told, unless it was their own doing (they withdrew).
                if *by == Some(case.requester_id) {
                    effects
                } else {
                    effects.notify(
                        case.requester_id,
                        NotificationKind::CaseResolved,
                        Some(request),
                        None,
                    )
                }
            }
            Self::Referred => {
                Effects::none(at).tell(EventKind::CaseReferred, place, subject, Some(request))
            }
        }
    }
}

/// A request that went through mediation ended the way its case did: the outcome fact of a
/// case resolved at `at`. The live resolution and `buurt rebuild-stats` both count it so.
pub fn outcome_counted(
    neighbourhood: NeighbourhoodId,
    request: PostId,
    outcome: Outcome,
    at: DateTime<Utc>,
) -> Effects {
    Effects::none(at).count(
        StatKind::Outcome(outcome.into()),
        neighbourhood,
        request.0,
        None,
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mediation::{CaseId, CaseStatus, EscalatedBy};
    use crate::stats::RequestOutcome;
    use uuid::Uuid;

    fn case() -> Case {
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        Case {
            id: CaseId(Uuid::new_v4()),
            request_id: PostId(Uuid::new_v4()),
            neighbourhood_id: NeighbourhoodId(Uuid::new_v4()),
            requester_id: UserId(Uuid::new_v4()),
            status: CaseStatus::New,
            outcome: None,
            summary: None,
            reason: None,
            escalated_by: EscalatedBy::Requester,
            claimed_by: None,
            follow_up_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn kinds(effects: &Effects) -> Vec<EventKind> {
        effects.partner_events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn an_escalation_tells_partners_and_every_mediator() {
        let case = case();
        let mediators = vec![UserId(Uuid::new_v4()), UserId(Uuid::new_v4())];
        let at = case.created_at;
        let effects = CaseEvent::Escalated {
            mediators: mediators.clone(),
        }
        .effects(&case, at);
        assert_eq!(effects.at, at);
        assert_eq!(kinds(&effects), [EventKind::CaseEscalated]);
        let told = &effects.partner_events[0];
        assert_eq!(told.subject, case.id.0);
        assert_eq!(told.neighbourhood, case.neighbourhood_id);
        assert_eq!(told.post, Some(case.request_id));
        let to: Vec<UserId> = effects.notices.iter().map(|n| n.to).collect();
        assert_eq!(to, mediators);
        assert!(
            effects
                .notices
                .iter()
                .all(|n| n.kind == NotificationKind::CaseNew
                    && n.post == Some(case.request_id)
                    && n.about_match.is_none())
        );
        assert!(effects.facts.is_empty());
        // No mediators here: partners are still told.
        let alone = CaseEvent::Escalated { mediators: vec![] }.effects(&case, at);
        assert!(alone.notices.is_empty());
        assert_eq!(kinds(&alone), [EventKind::CaseEscalated]);
    }

    #[test]
    fn a_claim_tells_only_the_requester() {
        let case = case();
        let effects = CaseEvent::Claimed.effects(&case, case.created_at);
        assert_eq!(effects.notices.len(), 1);
        assert_eq!(effects.notices[0].to, case.requester_id);
        assert_eq!(effects.notices[0].kind, NotificationKind::CaseClaimed);
        assert!(effects.partner_events.is_empty() && effects.facts.is_empty());
    }

    #[test]
    fn a_resolution_counts_the_request_outcome_and_tells_partners_and_requester() {
        let case = case();
        let mediator = UserId(Uuid::new_v4());
        let at = case.created_at;
        for outcome in Outcome::ALL.iter().copied() {
            let by = Some(mediator);
            let effects = CaseEvent::Resolved { outcome, by }.effects(&case, at);
            assert_eq!(kinds(&effects), [EventKind::CaseResolved]);
            assert_eq!(effects.facts.len(), 1);
            let fact = &effects.facts[0];
            assert_eq!(fact.kind, StatKind::Outcome(RequestOutcome::from(outcome)));
            assert_eq!(fact.subject, case.request_id.0);
            assert_eq!(fact.neighbourhood_id, case.neighbourhood_id);
            assert_eq!((fact.actor, fact.seconds, fact.at), (None, None, at));
            assert_eq!(effects.notices.len(), 1);
            assert_eq!(effects.notices[0].to, case.requester_id);
            assert_eq!(effects.notices[0].kind, NotificationKind::CaseResolved);
        }
        // The same fact `rebuild-stats` derives from the resolved case.
        let effects = CaseEvent::matched_online().effects(&case, at);
        assert_eq!(
            effects.facts,
            outcome_counted(
                case.neighbourhood_id,
                case.request_id,
                Outcome::MatchedOnline,
                at
            )
            .facts
        );
        assert_eq!(
            effects.notices.len(),
            1,
            "matched online: the requester hears"
        );
    }

    #[test]
    fn a_requester_withdrawing_is_not_told_of_it_but_others_are() {
        let case = case();
        let at = case.created_at;
        let own = CaseEvent::withdrawn(case.requester_id).effects(&case, at);
        assert!(own.notices.is_empty());
        assert_eq!(kinds(&own), [EventKind::CaseResolved]);
        assert_eq!(
            own.facts[0].kind,
            StatKind::Outcome(RequestOutcome::Withdrawn)
        );
        let admin = CaseEvent::withdrawn(UserId(Uuid::new_v4())).effects(&case, at);
        assert_eq!(admin.notices.len(), 1);
        assert_eq!(admin.notices[0].to, case.requester_id);
    }

    #[test]
    fn a_referral_tells_partners_only() {
        let case = case();
        let effects = CaseEvent::Referred.effects(&case, case.created_at);
        assert_eq!(kinds(&effects), [EventKind::CaseReferred]);
        assert_eq!(effects.partner_events[0].subject, case.id.0);
        assert!(effects.notices.is_empty() && effects.facts.is_empty());
    }
}
