//! Signals: patterns `buurt run-jobs` finds for the mediators (and, counted, for the wijkteam)
//! that no single event shows. Each is raised once for what raised it (its evidence): running
//! the job again adds nothing, newer evidence about the same subject refreshes the signal still
//! open, and after a mediator acknowledged it only newer evidence raises it again.
//!
//! What "clearly" and "unanswered" mean is fixed here, in one place, and documented in
//! docs/mediation.md.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::mediation::CaseId;
use crate::neighbourhoods::NeighbourhoodId;
use crate::posts::PostStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalId(pub Uuid);

impl std::fmt::Display for SignalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

string_enum!(
    /// What a signal is about.
    SignalKind {
        UnansweredRequests => "unanswered_requests",
        LastingHelpLapsed => "lasting_help_lapsed",
        SolvedShareDropped => "solved_share_dropped",
        FollowUpOverdue => "follow_up_overdue",
    }
);

impl SignalKind {
    /// Whether a signal of this kind points at a person (a resident, a requester, the two sides
    /// of an arrangement): only the neighbourhood's mediators ever see those, and counts of
    /// them are published with the monitoring's small-number suppression.
    pub fn is_about_a_person(self) -> bool {
        !matches!(self, Self::SolvedShareDropped)
    }
}

/// A resident with this many unanswered requests…
pub const UNANSWERED_AT_LEAST: usize = 3;
/// …posted within this many days before the job runs…
pub const UNANSWERED_WINDOW_DAYS: i64 = 30;
/// …each of them at least this many hours old (a request of a minute ago is not unanswered).
pub const UNANSWERED_AFTER_HOURS: i64 = 24;
/// The states of a request nobody answered, when no neighbour ever offered or was invited: still
/// open, handed to mediators, or expired. Matched, fulfilled and closed requests do not count.
pub const UNANSWERED_STATUSES: [PostStatus; 3] = [
    PostStatus::Open,
    PostStatus::InMediation,
    PostStatus::Expired,
];

/// The window of requests the unanswered-requests signal looks at: `[from, to]` by their
/// `created_at`.
pub fn unanswered_window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(UNANSWERED_WINDOW_DAYS),
        now - Duration::hours(UNANSWERED_AFTER_HOURS),
    )
}

/// A case is signalled once its follow-up date is more than this many days past.
pub const FOLLOW_UP_GRACE_DAYS: i64 = 7;

/// Whether an open case's follow-up date is more than a week past.
pub fn follow_up_overdue(follow_up_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    follow_up_at + Duration::days(FOLLOW_UP_GRACE_DAYS) < now
}

/// Neither quarter is judged with fewer requests ended in it than this.
pub const SHARE_MIN_ENDED: u64 = 10;
/// "Clearly": the share fell by at least this many percentage points.
pub const SHARE_DROP_POINTS: u64 = 15;

/// A calendar quarter (by the Dutch calendar day a fact fell on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = self.next().first_day();
        next.pred_opt().unwrap_or(next)
    }

    pub fn previous(self) -> Self {
        if self.number == 1 {
            Self {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Self {
                year: self.year,
                number: self.number - 1,
            }
        }
    }

    pub fn next(self) -> Self {
        if self.number == 4 {
            Self {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Self {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// `2026-Q3`.
    pub fn label(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }

    /// The last quarter that has ended by `today`, and the one before it: the two the share
    /// signal compares.
    pub fn last_two_complete(today: NaiveDate) -> (Self, Self) {
        let last = Self::of(today).previous();
        (last.previous(), last)
    }
}

/// Of the requests that ended in a quarter, how many were solved by neighbours on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuarterShare {
    pub solved_by_neighbours: u64,
    pub ended: u64,
}

impl QuarterShare {
    /// The share in whole percent, rounded down.
    pub fn percent(self) -> u64 {
        (self.solved_by_neighbours * 100)
            .checked_div(self.ended)
            .unwrap_or(0)
    }
}

/// Whether the share solved by neighbours fell clearly from `previous` to `current`: both
/// quarters saw at least [`SHARE_MIN_ENDED`] requests end, and the share dropped by at least
/// [`SHARE_DROP_POINTS`] percentage points (compared exactly, not on rounded percents).
pub fn share_fell_clearly(previous: QuarterShare, current: QuarterShare) -> bool {
    if previous.ended < SHARE_MIN_ENDED || current.ended < SHARE_MIN_ENDED {
        return false;
    }
    // previous/prev_n - current/cur_n >= points/100, without fractions.
    let lhs = 100
        * (previous.solved_by_neighbours * current.ended)
            .saturating_sub(current.solved_by_neighbours * previous.ended);
    let falls = previous.solved_by_neighbours * current.ended
        > current.solved_by_neighbours * previous.ended;
    falls && lhs >= SHARE_DROP_POINTS * previous.ended * current.ended
}

/// A signal as the job found it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalFact {
    pub neighbourhood_id: NeighbourhoodId,
    pub kind: SignalKind,
    /// What it is about, as text: a user's, arrangement's, neighbourhood's or case's id.
    pub subject: String,
    /// What raised it: the newest request counted, the lapse's moment, the quarter, the
    /// follow-up date. The same evidence never raises a signal twice.
    pub evidence: String,
    pub person: Option<UserId>,
    pub case_id: Option<CaseId>,
    /// The lasting-help arrangement that lapsed.
    pub arrangement_id: Option<Uuid>,
    /// Unanswered requests in the window.
    pub count: Option<u64>,
    /// For the share signal: the quarter and the two shares in percent.
    pub quarter: Option<String>,
    pub share_percent: Option<u64>,
    pub previous_share_percent: Option<u64>,
    pub follow_up_at: Option<DateTime<Utc>>,
}

impl SignalFact {
    fn bare(
        neighbourhood_id: NeighbourhoodId,
        kind: SignalKind,
        subject: String,
        evidence: String,
    ) -> Self {
        Self {
            neighbourhood_id,
            kind,
            subject,
            evidence,
            person: None,
            case_id: None,
            arrangement_id: None,
            count: None,
            quarter: None,
            share_percent: None,
            previous_share_percent: None,
            follow_up_at: None,
        }
    }

    /// A resident with `count` (at least three) unanswered requests, the newest `newest`.
    pub fn unanswered_requests(
        neighbourhood: NeighbourhoodId,
        resident: UserId,
        count: u64,
        newest: Uuid,
    ) -> Self {
        Self {
            person: Some(resident),
            count: Some(count),
            ..Self::bare(
                neighbourhood,
                SignalKind::UnansweredRequests,
                resident.to_string(),
                newest.to_string(),
            )
        }
    }

    /// Lasting help between `person` and a helper lapsed at `lapsed_at` (sessions missed, or
    /// none recorded for too long): fed by the lasting-help job.
    pub fn lasting_help_lapsed(
        neighbourhood: NeighbourhoodId,
        arrangement: Uuid,
        person: UserId,
        lapsed_at: DateTime<Utc>,
    ) -> Self {
        Self {
            person: Some(person),
            arrangement_id: Some(arrangement),
            ..Self::bare(
                neighbourhood,
                SignalKind::LastingHelpLapsed,
                arrangement.to_string(),
                lapsed_at.to_rfc3339(),
            )
        }
    }

    /// The neighbourhood's share solved by neighbours fell clearly in `quarter`.
    pub fn solved_share_dropped(
        neighbourhood: NeighbourhoodId,
        quarter: Quarter,
        previous: QuarterShare,
        current: QuarterShare,
    ) -> Self {
        Self {
            quarter: Some(quarter.label()),
            share_percent: Some(current.percent()),
            previous_share_percent: Some(previous.percent()),
            ..Self::bare(
                neighbourhood,
                SignalKind::SolvedShareDropped,
                neighbourhood.to_string(),
                quarter.label(),
            )
        }
    }

    /// An open case more than a week past its follow-up date.
    pub fn follow_up_overdue(
        neighbourhood: NeighbourhoodId,
        case: CaseId,
        requester: UserId,
        follow_up_at: DateTime<Utc>,
    ) -> Self {
        Self {
            person: Some(requester),
            case_id: Some(case),
            follow_up_at: Some(follow_up_at),
            ..Self::bare(
                neighbourhood,
                SignalKind::FollowUpOverdue,
                case.to_string(),
                follow_up_at.to_rfc3339(),
            )
        }
    }
}

/// A signal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub id: SignalId,
    pub fact: SignalFact,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub acknowledgement: Option<Acknowledgement>,
}

/// A mediator's acknowledgement of a signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// `None` once that account was erased.
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    fn share(solved: u64, ended: u64) -> QuarterShare {
        QuarterShare {
            solved_by_neighbours: solved,
            ended,
        }
    }

    #[test]
    fn quarters() {
        let q = Quarter::of(day("2026-12-07"));
        assert_eq!(
            (q.year, q.number, q.label()),
            (2026, 4, "2026-Q4".to_owned())
        );
        assert_eq!(q.first_day(), day("2026-10-01"));
        assert_eq!(q.last_day(), day("2026-12-31"));
        assert_eq!(Quarter::of(day("2026-01-01")).previous().label(), "2025-Q4");
        assert_eq!(Quarter::of(day("2026-03-31")).number, 1);
        assert_eq!(Quarter::of(day("2026-04-01")).number, 2);
        let (before, last) = Quarter::last_two_complete(day("2026-12-07"));
        assert_eq!(
            (before.label(), last.label()),
            ("2026-Q2".into(), "2026-Q3".into())
        );
    }

    #[test]
    fn a_clear_fall_takes_enough_requests_and_fifteen_points() {
        // 80% → 60%: 20 points, enough requests.
        assert!(share_fell_clearly(share(8, 10), share(6, 10)));
        // Exactly 15 points counts.
        assert!(share_fell_clearly(share(15, 20), share(12, 20)));
        // 14 points does not.
        assert!(!share_fell_clearly(share(80, 100), share(66, 100)));
        // Too few requests in either quarter.
        assert!(!share_fell_clearly(share(9, 9), share(0, 10)));
        assert!(!share_fell_clearly(share(10, 10), share(0, 9)));
        // A rise is no fall.
        assert!(!share_fell_clearly(share(2, 10), share(9, 10)));
        assert_eq!(share(2, 3).percent(), 66);
        assert_eq!(share(0, 0).percent(), 0);
    }

    #[test]
    fn only_the_share_is_about_no_one() {
        for kind in SignalKind::ALL {
            assert_eq!(
                kind.is_about_a_person(),
                *kind != SignalKind::SolvedShareDropped
            );
            assert_eq!(SignalKind::parse(kind.as_str()), Some(*kind));
        }
    }
}
