//! Activities: who comes, the waitlist, and who actually came.

use chrono::{DateTime, Utc};

use crate::accounts::UserId;
use crate::posts::{Post, PostKind, PostStatus};

/// Where someone stands for an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsvpStatus {
    Going,
    Waitlisted,
    Cancelled,
}

impl RsvpStatus {
    pub const ALL: [RsvpStatus; 3] = [Self::Going, Self::Waitlisted, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Going => "going",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    pub fn is_active(self) -> bool {
        self != Self::Cancelled
    }
}

/// One person's answer for one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsvp {
    pub user_id: UserId,
    pub status: RsvpStatus,
    /// Arrival order: the waitlist moves up in this order.
    pub position: i64,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A newcomer goes while there is room, and waits otherwise.
pub fn placement(capacity: Option<u32>, going: u64) -> RsvpStatus {
    match capacity {
        Some(capacity) if going >= u64::from(capacity) => RsvpStatus::Waitlisted,
        _ => RsvpStatus::Going,
    }
}

/// How many from the waitlist move up, given the places and who is going and waiting.
pub fn promotions(capacity: Option<u32>, going: u64, waiting: u64) -> u64 {
    match capacity {
        None => waiting,
        Some(capacity) => u64::from(capacity).saturating_sub(going).min(waiting),
    }
}

/// Why nobody may answer for an activity now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsvpRefusal {
    NotAnActivity,
    /// Closed, expired or otherwise not open.
    NotOpen,
    /// It has ended.
    Past,
    Hidden,
}

/// Whether the activity takes answers at `now`.
pub fn takes_rsvps(post: &Post, now: DateTime<Utc>) -> Result<(), RsvpRefusal> {
    let Some(activity) = post
        .content
        .activity
        .as_ref()
        .filter(|_| post.content.kind == PostKind::Activity)
    else {
        return Err(RsvpRefusal::NotAnActivity);
    };
    if post.hidden {
        return Err(RsvpRefusal::Hidden);
    }
    if post.status != PostStatus::Open {
        return Err(RsvpRefusal::NotOpen);
    }
    if activity.ends_at <= now {
        return Err(RsvpRefusal::Past);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_promotions() {
        assert_eq!(placement(None, 1000), RsvpStatus::Going);
        assert_eq!(placement(Some(2), 1), RsvpStatus::Going);
        assert_eq!(placement(Some(2), 2), RsvpStatus::Waitlisted);
        assert_eq!(promotions(Some(5), 3, 10), 2);
        assert_eq!(promotions(Some(5), 3, 1), 1);
        assert_eq!(promotions(Some(5), 5, 3), 0);
        assert_eq!(promotions(Some(2), 5, 3), 0);
        assert_eq!(promotions(None, 5, 3), 3);
    }
}
