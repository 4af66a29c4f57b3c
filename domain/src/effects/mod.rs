//! What follows an event, declared once: which notices go to whom, which events partners are
//! told, and which monitoring facts are counted. The app layer records an event's `Effects` in
//! the transaction of the change (the outbox: the in-app inbox, the partner event feed and the
//! monitoring facts), and `buurt rebuild-stats` derives the facts of old rows with the same
//! rules, so the rule for each event exists in one place.
//!
//! Later channels (push, e-mail) subscribe to the notices recorded here: every notice passes
//! through `Effects`, so a channel needs no change to the use cases.
//!
//! One submodule per area declares that area's events and their effects.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::matching::MatchId;
use crate::neighbourhoods::NeighbourhoodId;
use crate::notifications::NotificationKind;
use crate::partners::EventKind;
use crate::posts::PostId;
use crate::stats::{StatEvent, StatKind};

pub mod activities;
pub mod matching;
pub mod mediation;
pub mod membership;
pub mod moderation;
pub mod posts;

/// A notice for one person (the in-app inbox, and later push and e-mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: UserId,
    pub kind: NotificationKind,
    pub post: Option<PostId>,
    pub about_match: Option<MatchId>,
}

/// An event partners are told of (the event feed and webhooks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerEvent {
    pub kind: EventKind,
    pub neighbourhood: NeighbourhoodId,
    /// What the event is about: a post, match, case or the neighbourhood itself.
    pub subject: Uuid,
    pub post: Option<PostId>,
}

/// Everything that follows one event, at the moment it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Effects {
    pub at: DateTime<Utc>,
    pub notices: Vec<Notice>,
    pub partner_events: Vec<PartnerEvent>,
    pub facts: Vec<StatEvent>,
}

impl Effects {
    /// Nothing follows (yet).
    pub fn none(at: DateTime<Utc>) -> Self {
        Self {
            at,
            notices: Vec::new(),
            partner_events: Vec::new(),
            facts: Vec::new(),
        }
    }

    /// `to` gets a notice of `kind`, about a post and maybe a match on it.
    pub fn notify(
        mut self,
        to: UserId,
        kind: NotificationKind,
        post: Option<PostId>,
        about_match: Option<MatchId>,
    ) -> Self {
        self.notices.push(Notice {
            to,
            kind,
            post,
            about_match,
        });
        self
    }

    /// Partners are told of `kind`.
    pub fn tell(
        mut self,
        kind: EventKind,
        neighbourhood: NeighbourhoodId,
        subject: Uuid,
        post: Option<PostId>,
    ) -> Self {
        self.partner_events.push(PartnerEvent {
            kind,
            neighbourhood,
            subject,
            post,
        });
        self
    }

    /// A monitoring fact of `kind` is counted (once per kind and subject).
    pub fn count(
        mut self,
        kind: StatKind,
        neighbourhood: NeighbourhoodId,
        subject: Uuid,
        actor: Option<UserId>,
        seconds: Option<i64>,
    ) -> Self {
        self.facts.push(StatEvent {
            kind,
            neighbourhood_id: neighbourhood,
            subject,
            actor,
            seconds,
            at: self.at,
        });
        self
    }

    /// These effects and then `other`'s.
    pub fn and(mut self, other: Effects) -> Self {
        self.notices.extend(other.notices);
        self.partner_events.extend(other.partner_events);
        self.facts.extend(other.facts);
        self
    }
}
