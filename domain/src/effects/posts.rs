//! The effects of posts events: what follows a post being written, moving along its lifecycle,
//! nearing its expiry or being deleted.

use chrono::{DateTime, Utc};

use super::Effects;
use crate::notifications::NotificationKind;
use crate::partners::EventKind;
use crate::posts::{Post, PostEvent, PostKind, PostStatus};
use crate::stats::{RequestOutcome, StatKind};

/// Something that happened to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostHappening {
    /// Written by its author.
    Created,
    /// Moved along its lifecycle (the post as it was before the event).
    Moved(PostEvent),
    /// Its expiry is near (`EXPIRY_WARNING`).
    ExpiringSoon,
    /// Deleted by its author or an administrator.
    Deleted,
}

/// How a request ended, when `event` ends it.
pub fn request_outcome(event: PostEvent) -> Option<RequestOutcome> {
    match event {
        PostEvent::Match | PostEvent::Fulfil => Some(RequestOutcome::MatchedOnline),
        PostEvent::Expire => Some(RequestOutcome::Expired),
        PostEvent::Close => Some(RequestOutcome::Withdrawn),
        PostEvent::Unmatch | PostEvent::Escalate | PostEvent::Reopen => None,
    }
}

/// The event that brought a post to `status` when that status ends it (for facts derived from
/// stored rows, which keep the status but not the event).
pub fn event_that_ended(status: PostStatus) -> Option<PostEvent> {
    match status {
        PostStatus::Matched => Some(PostEvent::Match),
        PostStatus::Fulfilled => Some(PostEvent::Fulfil),
        PostStatus::Expired => Some(PostEvent::Expire),
        PostStatus::Closed => Some(PostEvent::Close),
        PostStatus::Open | PostStatus::InMediation => None,
    }
}

/// What partners are told when `event` happens to a post.
fn told(event: PostEvent) -> Option<EventKind> {
    match event {
        PostEvent::Close => Some(EventKind::PostClosed),
        PostEvent::Expire => Some(EventKind::PostExpired),
        PostEvent::Fulfil => Some(EventKind::PostFulfilled),
        PostEvent::Match | PostEvent::Unmatch | PostEvent::Escalate | PostEvent::Reopen => None,
    }
}

impl PostHappening {
    /// What follows when this happens to `post` at `at`.
    pub fn effects(self, post: &Post, at: DateTime<Utc>) -> Effects {
        let place = post.neighbourhood_id;
        let subject = post.id.0;
        let request = post.content.kind == PostKind::Request;
        let mut effects = Effects::none(at);
        match self {
            Self::Created => {
                effects = effects
                    .count(StatKind::Posted, place, subject, Some(post.author_id), None)
                    .tell(EventKind::PostCreated, place, subject, Some(post.id));
                match post.content.kind {
                    PostKind::Request => {
                        effects = effects.count(StatKind::RequestOpened, place, subject, None, None)
                    }
                    PostKind::Offer => {
                        effects = effects.count(StatKind::OfferPosted, place, subject, None, None)
                    }
                    PostKind::News | PostKind::Activity => {}
                }
            }
            Self::Moved(event) => {
                if let Some(outcome) = request_outcome(event).filter(|_| request) {
                    let kind = StatKind::Outcome(outcome);
                    effects = effects.count(kind, place, subject, None, None);
                }
                if let Some(kind) = told(event) {
                    effects = effects.tell(kind, place, subject, Some(post.id));
                }
                if event == PostEvent::Expire {
                    let kind = NotificationKind::PostExpired;
                    effects = effects.notify(post.author_id, kind, Some(post.id), None);
                }
            }
            Self::ExpiringSoon => {
                let kind = NotificationKind::PostExpiring;
                effects = effects.notify(post.author_id, kind, Some(post.id), None);
            }
            Self::Deleted => {
                if request {
                    let kind = StatKind::Outcome(RequestOutcome::Withdrawn);
                    effects = effects.count(kind, place, subject, None, None);
                }
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::UserId;
    use crate::category::Category;
    use crate::neighbourhoods::NeighbourhoodId;
    use crate::posts::{PostContent, PostId, Visibility};
    use uuid::Uuid;

    fn post(kind: PostKind) -> Post {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Post {
            id: PostId(Uuid::from_u128(1)),
            neighbourhood_id: NeighbourhoodId(Uuid::from_u128(2)),
            author_id: UserId(Uuid::from_u128(3)),
            content: PostContent {
                kind,
                title: "Ladder".into(),
                body: "Wie leent er een?".into(),
                category: Some(Category::Goods),
                visibility: Visibility::Public,
                urgency: None,
                expires_at: None,
                remote_ok: false,
                helpers_needed: 1,
                activity: None,
                recurrence: None,
            },
            status: PostStatus::Open,
            hidden: false,
            created_at: at,
            updated_at: at,
        }
    }

    fn kinds(effects: &Effects) -> (Vec<StatKind>, Vec<EventKind>, Vec<NotificationKind>) {
        (
            effects.facts.iter().map(|f| f.kind).collect(),
            effects.partner_events.iter().map(|e| e.kind).collect(),
            effects.notices.iter().map(|n| n.kind).collect(),
        )
    }

    #[test]
    fn a_new_request_is_posted_opened_and_told() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let request = post(PostKind::Request);
        let effects = PostHappening::Created.effects(&request, at);
        assert_eq!(
            kinds(&effects),
            (
                vec![StatKind::Posted, StatKind::RequestOpened],
                vec![EventKind::PostCreated],
                vec![]
            )
        );
        assert_eq!(effects.facts[0].actor, Some(request.author_id));
        assert_eq!(effects.facts[1].actor, None);
        assert_eq!(effects.partner_events[0].post, Some(request.id));
    }

    #[test]
    fn offers_and_news_count_differently() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let offer = PostHappening::Created.effects(&post(PostKind::Offer), at);
        assert_eq!(offer.facts[1].kind, StatKind::OfferPosted);
        let news = PostHappening::Created.effects(&post(PostKind::News), at);
        assert_eq!(news.facts.len(), 1);
    }

    #[test]
    fn lifecycle_events_count_request_outcomes_and_tell_partners() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let request = post(PostKind::Request);
        let expired = PostHappening::Moved(PostEvent::Expire).effects(&request, at);
        assert_eq!(
            kinds(&expired),
            (
                vec![StatKind::Outcome(RequestOutcome::Expired)],
                vec![EventKind::PostExpired],
                vec![NotificationKind::PostExpired]
            )
        );
        assert_eq!(expired.notices[0].to, request.author_id);
        let closed = PostHappening::Moved(PostEvent::Close).effects(&request, at);
        assert_eq!(
            kinds(&closed),
            (
                vec![StatKind::Outcome(RequestOutcome::Withdrawn)],
                vec![EventKind::PostClosed],
                vec![]
            )
        );
        let matched = PostHappening::Moved(PostEvent::Match).effects(&request, at);
        assert_eq!(
            kinds(&matched),
            (
                vec![StatKind::Outcome(RequestOutcome::MatchedOnline)],
                vec![],
                vec![]
            )
        );
        let escalated = PostHappening::Moved(PostEvent::Escalate).effects(&request, at);
        assert_eq!(escalated, Effects::none(at));
    }

    #[test]
    fn only_requests_have_outcomes() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let offer = post(PostKind::Offer);
        let fulfilled = PostHappening::Moved(PostEvent::Fulfil).effects(&offer, at);
        assert_eq!(
            kinds(&fulfilled),
            (vec![], vec![EventKind::PostFulfilled], vec![])
        );
        assert_eq!(
            PostHappening::Deleted.effects(&offer, at),
            Effects::none(at)
        );
        let deleted = PostHappening::Deleted.effects(&post(PostKind::Request), at);
        assert_eq!(
            kinds(&deleted).0,
            vec![StatKind::Outcome(RequestOutcome::Withdrawn)]
        );
    }

    #[test]
    fn the_author_is_warned_before_expiry() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let request = post(PostKind::Request);
        let effects = PostHappening::ExpiringSoon.effects(&request, at);
        assert_eq!(kinds(&effects).2, vec![NotificationKind::PostExpiring]);
        assert!(effects.facts.is_empty() && effects.partner_events.is_empty());
    }

    #[test]
    fn a_stored_status_that_ends_a_post_names_the_event_the_post_took_to_get_there() {
        for status in [
            PostStatus::Matched,
            PostStatus::Fulfilled,
            PostStatus::Expired,
            PostStatus::Closed,
        ] {
            let event = event_that_ended(status).expect("an ending status");
            let from = if status == PostStatus::Fulfilled {
                PostStatus::Matched
            } else {
                PostStatus::Open
            };
            assert_eq!(
                from.transition(PostKind::Request, event),
                Ok(status),
                "{status:?}"
            );
        }
        assert_eq!(event_that_ended(PostStatus::Open), None);
        assert_eq!(event_that_ended(PostStatus::InMediation), None);
    }
}
