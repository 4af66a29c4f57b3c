//! Activities: who comes, the waitlist, and who actually came.

use chrono::{DateTime, Utc};

use crate::accounts::UserId;
use crate::posts::{ActivityDetails, Post, PostKind, PostStatus};

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
    /// When they were put on the waitlist; kept after they move up, for monitoring.
    pub waitlisted_at: Option<DateTime<Utc>>,
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

/// The when and where of a post that is an activity.
fn activity_of(post: &Post) -> Option<&ActivityDetails> {
    post.content
        .activity
        .as_ref()
        .filter(|_| post.content.kind == PostKind::Activity)
}

/// Whether the activity takes answers at `now`.
pub fn takes_rsvps(post: &Post, now: DateTime<Utc>) -> Result<(), RsvpRefusal> {
    let Some(activity) = activity_of(post) else {
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

/// When one occurrence of a series starts and ends.
pub type Occurrence = (DateTime<Utc>, DateTime<Utc>);

/// Whether a recurring activity takes answers for its occurrence on `on` (a day in the
/// Netherlands) at `now`: that occurrence's start and end; `Ok(None)` when the series has no
/// occurrence that day. As `takes_rsvps`, but per occurrence: one that ended takes no answers.
pub fn takes_occurrence_rsvps(
    post: &Post,
    on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Occurrence>, RsvpRefusal> {
    let Some(activity) = activity_of(post) else {
        return Err(RsvpRefusal::NotAnActivity);
    };
    if post.hidden {
        return Err(RsvpRefusal::Hidden);
    }
    if post.status != PostStatus::Open {
        return Err(RsvpRefusal::NotOpen);
    }
    let Some(rule) = post.content.recurrence else {
        return Ok(None);
    };
    let Some((start, end)) =
        crate::lasting::occurrence_on(rule, activity.starts_at, activity.ends_at, on)
    else {
        return Ok(None);
    };
    if end <= now {
        return Err(RsvpRefusal::Past);
    }
    Ok(Some((start, end)))
}

/// Why nobody can be checked in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInRefusal {
    NotAnActivity,
    /// Closed, expired, hidden or otherwise not open.
    NotOpen,
    /// Before the day it starts, or more than a day after it ended.
    OutsideWindow,
}

/// How long after the end organisers may still record who came.
pub const CHECK_IN_AFTER_END: chrono::Duration = chrono::Duration::hours(24);

/// Whether organisers may check people in at `now`: on an open activity, from 00:00 Dutch
/// time on the day it starts (people arrive early, doors open before the hour) until a day
/// after it ends (the list is often done afterwards).
pub fn takes_check_ins(post: &Post, now: DateTime<Utc>) -> Result<(), CheckInRefusal> {
    let Some(activity) = activity_of(post) else {
        return Err(CheckInRefusal::NotAnActivity);
    };
    if post.hidden || post.status != PostStatus::Open {
        return Err(CheckInRefusal::NotOpen);
    }
    if now < start_of_day(activity.starts_at) || now > activity.ends_at + CHECK_IN_AFTER_END {
        return Err(CheckInRefusal::OutsideWindow);
    }
    Ok(())
}

/// The next occurrence of a recurring activity at `now` (the first not ended): its day, start
/// and end; `None` for one-off activities and series that are over.
pub fn next_occurrence(
    post: &Post,
    now: DateTime<Utc>,
) -> Option<(chrono::NaiveDate, DateTime<Utc>, DateTime<Utc>)> {
    let activity = activity_of(post)?;
    let rule = post.content.recurrence?;
    crate::lasting::next_occurrence(rule, activity.starts_at, activity.ends_at, now)
}

/// Whether organisers may check people in for the occurrence of a series on `on` at `now`:
/// as `takes_check_ins`, with that occurrence's start and end. `Ok(None)` when the series has
/// no occurrence that day (or the activity does not recur).
pub fn takes_occurrence_check_ins(
    post: &Post,
    on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Occurrence>, CheckInRefusal> {
    let Some(activity) = activity_of(post) else {
        return Err(CheckInRefusal::NotAnActivity);
    };
    if post.hidden || post.status != PostStatus::Open {
        return Err(CheckInRefusal::NotOpen);
    }
    let Some(rule) = post.content.recurrence else {
        return Ok(None);
    };
    let Some((start, end)) =
        crate::lasting::occurrence_on(rule, activity.starts_at, activity.ends_at, on)
    else {
        return Ok(None);
    };
    if now < start_of_day(start) || now > end + CHECK_IN_AFTER_END {
        return Err(CheckInRefusal::OutsideWindow);
    }
    Ok(Some((start, end)))
}

/// 00:00 in Amsterdam on the day `at` falls on there.
fn start_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    use chrono_tz::Europe::Amsterdam;
    let day = at.with_timezone(&Amsterdam).date_naive();
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Dutch midnight always exists (clocks change at 02:00/03:00).
    Amsterdam
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(at, |local| local.with_timezone(&Utc))
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

    #[test]
    fn check_in_runs_from_the_start_day_until_a_day_after_the_end() {
        use crate::neighbourhoods::NeighbourhoodId;
        use crate::posts::{ActivityInput, PostContent, PostId, PostInput};
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        // 18:00 on 10 March in Amsterdam (CET, UTC+1).
        let starts_at = Utc.with_ymd_and_hms(2027, 3, 10, 17, 0, 0).unwrap();
        let ends_at = starts_at + chrono::Duration::hours(2);
        let content = PostContent::validate(
            PostInput {
                kind: Some(PostKind::Activity),
                title: "Buurtborrel",
                body: "Welkom",
                activity: Some(ActivityInput {
                    starts_at,
                    ends_at,
                    location: "Buurthuis",
                    capacity: None,
                }),
                ..PostInput::default()
            },
            now,
        )
        .unwrap();
        let mut post = Post {
            id: PostId::new(),
            neighbourhood_id: NeighbourhoodId::new(),
            author_id: UserId::new(),
            content,
            status: PostStatus::Open,
            hidden: false,
            created_at: now,
            updated_at: now,
        };
        // Amsterdam midnight on the 10th is 23:00 UTC on the 9th.
        let midnight = Utc.with_ymd_and_hms(2027, 3, 9, 23, 0, 0).unwrap();
        let window = |post: &Post, at| takes_check_ins(post, at);
        assert_eq!(
            window(&post, midnight - chrono::Duration::seconds(1)),
            Err(CheckInRefusal::OutsideWindow)
        );
        assert_eq!(window(&post, midnight), Ok(()));
        assert_eq!(window(&post, ends_at + CHECK_IN_AFTER_END), Ok(()));
        assert_eq!(
            window(
                &post,
                ends_at + CHECK_IN_AFTER_END + chrono::Duration::seconds(1)
            ),
            Err(CheckInRefusal::OutsideWindow)
        );
        post.status = PostStatus::Closed;
        assert_eq!(window(&post, starts_at), Err(CheckInRefusal::NotOpen));
        post.status = PostStatus::Open;
        post.hidden = true;
        assert_eq!(window(&post, starts_at), Err(CheckInRefusal::NotOpen));
        post.hidden = false;
        post.content.kind = PostKind::News;
        assert_eq!(window(&post, starts_at), Err(CheckInRefusal::NotAnActivity));
    }
}
