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
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 3] =
        [Self::PostExpiring, Self::PostExpired, Self::RsvpPromoted];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostExpiring => "post_expiring",
            Self::PostExpired => "post_expired",
            Self::RsvpPromoted => "rsvp_promoted",
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
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
