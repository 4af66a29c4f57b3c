//! Lasting help ("maatjes"): a request that asks for help again and again (a weekly walk), the
//! arrangement an accepted match for it becomes, the sessions its parties record, and when it
//! has lapsed so that a mediator should check in.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};

use crate::matching::{MatchAction, MatchId, MatchRefusal, MatchStatus, Party};
use crate::posts::PostId;

use crate::value::{ValueError, day_in_range};

/// How often help is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recurrence {
    Weekly,
    Fortnightly,
    Monthly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 3] = [Self::Weekly, Self::Fortnightly, Self::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Fortnightly => "fortnightly",
            Self::Monthly => "monthly",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|every| every.as_str() == raw)
    }

    /// The day `n` intervals after `day`; `None` past the calendar's end. Monthly on the 31st
    /// falls on the last day of shorter months.
    pub fn nth_after(self, day: NaiveDate, n: u32) -> Option<NaiveDate> {
        match self {
            Self::Weekly => day.checked_add_days(Days::new(7 * u64::from(n))),
            Self::Fortnightly => day.checked_add_days(Days::new(14 * u64::from(n))),
            Self::Monthly => day.checked_add_months(Months::new(n)),
        }
    }
}

/// A request's recurrence: how often, and until when (inclusive) if it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecurrenceRule {
    pub every: Recurrence,
    pub ends_on: Option<NaiveDate>,
}

impl RecurrenceRule {
    /// The rule asked for a series starting on `starts_on`: an end date needs a recurrence,
    /// lies after the start and within [`crate::value::YEARS`]. Errors name the field.
    pub fn validate(
        every: Option<Recurrence>,
        ends_on: Option<NaiveDate>,
        starts_on: NaiveDate,
    ) -> Result<Option<Self>, (&'static str, ValueError)> {
        let Some(every) = every else {
            return match ends_on {
                Some(_) => Err((
                    "recurrence_ends_on",
                    ValueError::NotOneOf {
                        accepted: "absent without a recurrence",
                    },
                )),
                None => Ok(None),
            };
        };
        if let Some(ends_on) = ends_on {
            day_in_range(ends_on).map_err(|e| ("recurrence_ends_on", e))?;
            if ends_on <= starts_on {
                return Err((
                    "recurrence_ends_on",
                    ValueError::NotOneOf {
                        accepted: "a day after the start",
                    },
                ));
            }
        }
        Ok(Some(Self { every, ends_on }))
    }
}

/// What became of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionStatus {
    Done,
    Skipped,
}

impl SessionStatus {
    pub const ALL: [SessionStatus; 2] = [Self::Done, Self::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

/// When an arrangement's sessions are due: one per period of `every` from `starts_on` (the day
/// the match was accepted), until `ends_on` if the request set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Recurrence,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// How many periods in a row without a session that happened make a lapse.
pub const LAPSE_PERIODS: u32 = 2;

/// The most periods judged (weekly, a lifetime of sessions): beyond them an arrangement is
/// judged as if it had ended.
const MAX_PERIODS: u32 = 5_000;

impl Schedule {
    /// Period `k` (from 0): `[start, end)`.
    fn period(&self, k: u32) -> Option<(NaiveDate, NaiveDate)> {
        Some((
            self.every.nth_after(self.starts_on, k)?,
            self.every.nth_after(self.starts_on, k + 1)?,
        ))
    }

    /// Whether a session may be recorded for `on` at `today`: not before the arrangement
    /// started, not after its end, not in the future, within [`crate::value::YEARS`].
    pub fn check_session_day(&self, on: NaiveDate, today: NaiveDate) -> Result<(), ValueError> {
        day_in_range(on)?;
        if on < self.starts_on || on > today || self.ends_on.is_some_and(|end| on > end) {
            return Err(ValueError::OutOfRange);
        }
        Ok(())
    }

    /// Whether the arrangement has lapsed at `today`, and since when: the start of the latest
    /// run of at least [`LAPSE_PERIODS`] whole periods in a row with no session that happened
    /// (sessions skipped, or none recorded), unless a session happened in the period running
    /// now (they met again). Periods starting after `ends_on` do not count. The day returned
    /// names the lapse: it stays the same while the lapse lasts, so noticing it once per day
    /// returned is noticing it once per lapse.
    pub fn lapsed_since(
        &self,
        sessions: &[(NaiveDate, SessionStatus)],
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        let met_in = |start: NaiveDate, end: NaiveDate| {
            sessions
                .iter()
                .any(|(on, status)| *status == SessionStatus::Done && *on >= start && *on < end)
        };
        let mut run: Option<(NaiveDate, u32)> = None;
        for k in 0..MAX_PERIODS {
            let (start, end) = self.period(k)?;
            if self.ends_on.is_some_and(|ends_on| start > ends_on) {
                break;
            }
            if end > today {
                // The period running now: a session in it ends any lapse.
                if met_in(start, end) {
                    return None;
                }
                break;
            }
            run = if met_in(start, end) {
                None
            } else {
                Some(run.map_or((start, 1), |(since, n)| (since, n + 1)))
            };
        }
        run.filter(|(_, missed)| *missed >= LAPSE_PERIODS)
            .map(|(since, _)| since)
    }
}

/// How an arrangement ended: by which party, why, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub by: Party,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// An accepted match on a recurring request: lasting help between two neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    pub match_id: MatchId,
    pub request_id: PostId,
    pub schedule: Schedule,
    pub ended: Option<Ending>,
    pub created_at: DateTime<Utc>,
}

/// One recorded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub on: NaiveDate,
    pub status: SessionStatus,
    /// For the neighbourhood's mediators only: the other party does not see it.
    pub note_to_mediator: Option<String>,
    pub recorded_by: Party,
    pub created_at: DateTime<Utc>,
}

/// The longest reason for ending an arrangement, and the longest note to the mediator.
pub const TEXT_MAX: usize = 1000;

/// Ending an arrangement: only while its match is accepted (then the match completes).
pub fn end(status: MatchStatus) -> Result<MatchStatus, MatchRefusal> {
    match status {
        MatchStatus::Accepted => Ok(MatchStatus::Completed),
        status => Err(MatchRefusal::Illegal {
            status,
            action: MatchAction::Complete,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Activities that recur (a weekly koffieochtend): one series, answered per occurrence.

/// The most occurrences a series is searched through.
const MAX_OCCURRENCES: u32 = 5_000;

/// `at` in Dutch local time.
fn local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .naive_local()
}

/// The day (in the Netherlands) a series starting at `starts_at` begins: the day its end date
/// must come after.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    local(at).date()
}

/// The occurrence of a series on `on` (a day in the Netherlands): its start and end, at the
/// same local time as the first (so across daylight saving time too, as a calendar's RRULE
/// with a TZID counts); `None` when the series has no occurrence that day.
pub fn occurrence_on(
    rule: RecurrenceRule,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    on: NaiveDate,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    use chrono::TimeZone;
    if rule.ends_on.is_some_and(|end| on > end) {
        return None;
    }
    let first = local(starts_at);
    for k in 0..MAX_OCCURRENCES {
        let day = rule.every.nth_after(first.date(), k)?;
        if day > on {
            return None;
        }
        if day == on {
            let start = chrono_tz::Europe::Amsterdam
                .from_local_datetime(&day.and_time(first.time()))
                .earliest()?
                .with_timezone(&Utc);
            return Some((start, start + (ends_at - starts_at)));
        }
    }
    None
}

/// The first occurrence of a series not ended at `now`: its day (in the Netherlands), start
/// and end; `None` once the series is over. Occurrences fall as `occurrence_on` places them.
pub fn next_occurrence(
    rule: RecurrenceRule,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<(NaiveDate, DateTime<Utc>, DateTime<Utc>)> {
    use chrono::TimeZone;
    let first = local(starts_at);
    for k in 0..MAX_OCCURRENCES {
        let day = rule.every.nth_after(first.date(), k)?;
        if rule.ends_on.is_some_and(|end| day > end) {
            return None;
        }
        let Some(start) = chrono_tz::Europe::Amsterdam
            .from_local_datetime(&day.and_time(first.time()))
            .earliest()
        else {
            continue;
        };
        let start = start.with_timezone(&Utc);
        let end = start + (ends_at - starts_at);
        if end > now {
            return Some((day, start, end));
        }
    }
    None
}

/// The RRULE of a series (RFC 5545), for a DTSTART in Dutch local time: `UNTIL` (in UTC, as
/// the RFC asks then) is the end of its last day.
pub fn rrule(rule: RecurrenceRule) -> String {
    use chrono::TimeZone;
    let mut out = match rule.every {
        Recurrence::Weekly => "FREQ=WEEKLY".to_owned(),
        Recurrence::Fortnightly => "FREQ=WEEKLY;INTERVAL=2".to_owned(),
        Recurrence::Monthly => "FREQ=MONTHLY".to_owned(),
    };
    if let Some(until) = rule.ends_on.and_then(|day| {
        chrono_tz::Europe::Amsterdam
            .from_local_datetime(&day.and_hms_opt(23, 59, 59)?)
            .earliest()
    }) {
        out.push_str(&format!(
            ";UNTIL={}",
            until.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_next_occurrence_is_the_first_not_ended() {
        use chrono::TimeZone;
        let rule = RecurrenceRule {
            every: Recurrence::Weekly,
            ends_on: Some(day(2027, 4, 3)),
        };
        // Saturdays 10:00-12:00 in Amsterdam from 6 March 2027 (CET, UTC+1).
        let starts_at = Utc.with_ymd_and_hms(2027, 3, 6, 9, 0, 0).unwrap();
        let ends_at = Utc.with_ymd_and_hms(2027, 3, 6, 11, 0, 0).unwrap();
        let before = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(
            next_occurrence(rule, starts_at, ends_at, before).map(|o| o.0),
            Some(day(2027, 3, 6))
        );
        // During an occurrence it is still the next; once it ended, the week after.
        let during = Utc.with_ymd_and_hms(2027, 3, 13, 10, 0, 0).unwrap();
        assert_eq!(
            next_occurrence(rule, starts_at, ends_at, during).map(|o| o.0),
            Some(day(2027, 3, 13))
        );
        let after = Utc.with_ymd_and_hms(2027, 3, 13, 11, 0, 0).unwrap();
        assert_eq!(
            next_occurrence(rule, starts_at, ends_at, after).map(|o| o.0),
            Some(day(2027, 3, 20))
        );
        // After daylight saving time starts (28 March) still 10:00 local: 08:00 UTC.
        let (on, start, _) =
            next_occurrence(rule, starts_at, ends_at, after + chrono::Duration::days(20)).unwrap();
        assert_eq!(on, day(2027, 4, 3));
        assert_eq!(start, Utc.with_ymd_and_hms(2027, 4, 3, 8, 0, 0).unwrap());
        // Past its last day there is none.
        let over = Utc.with_ymd_and_hms(2027, 4, 3, 10, 0, 0).unwrap();
        assert_eq!(next_occurrence(rule, starts_at, ends_at, over), None);
    }

    #[test]
    fn intervals() {
        let start = day(2026, 1, 31);
        assert_eq!(
            Recurrence::Weekly.nth_after(start, 1),
            Some(day(2026, 2, 7))
        );
        assert_eq!(
            Recurrence::Fortnightly.nth_after(start, 2),
            Some(day(2026, 2, 28))
        );
        assert_eq!(
            Recurrence::Monthly.nth_after(start, 1),
            Some(day(2026, 2, 28))
        );
        for every in Recurrence::ALL {
            assert_eq!(Recurrence::parse(every.as_str()), Some(every));
        }
    }

    #[test]
    fn a_rule_ends_after_it_starts_and_needs_a_recurrence() {
        let start = day(2026, 3, 1);
        assert_eq!(RecurrenceRule::validate(None, None, start), Ok(None));
        assert_eq!(
            RecurrenceRule::validate(Some(Recurrence::Weekly), Some(day(2026, 6, 1)), start),
            Ok(Some(RecurrenceRule {
                every: Recurrence::Weekly,
                ends_on: Some(day(2026, 6, 1))
            }))
        );
        for wrong in [start, day(2026, 2, 1)] {
            assert_eq!(
                RecurrenceRule::validate(Some(Recurrence::Weekly), Some(wrong), start)
                    .unwrap_err()
                    .0,
                "recurrence_ends_on"
            );
        }
        assert_eq!(
            RecurrenceRule::validate(Some(Recurrence::Monthly), Some(day(2201, 1, 1)), start),
            Err(("recurrence_ends_on", ValueError::OutOfRange))
        );
        assert!(RecurrenceRule::validate(None, Some(day(2026, 6, 1)), start).is_err());
    }

    fn weekly(starts_on: NaiveDate) -> Schedule {
        Schedule {
            every: Recurrence::Weekly,
            starts_on,
            ends_on: None,
        }
    }

    #[test]
    fn two_periods_without_meeting_are_a_lapse() {
        use SessionStatus::{Done, Skipped};
        let start = day(2026, 1, 5);
        let schedule = weekly(start);
        let week = |n: u64| start + Days::new(7 * n);
        let mut sessions = vec![(week(0), Done), (week(1), Done)];
        // Week 2 missed, week 3 running: one period only.
        assert_eq!(schedule.lapsed_since(&sessions, week(3)), None);
        // Weeks 2 and 3 missed: lapsed since week 2, and still the same lapse a week later.
        assert_eq!(schedule.lapsed_since(&sessions, week(4)), Some(week(2)));
        assert_eq!(schedule.lapsed_since(&sessions, week(5)), Some(week(2)));
        // Skipped counts as missed.
        sessions.push((week(2), Skipped));
        sessions.push((week(3) + Days::new(2), Skipped));
        assert_eq!(schedule.lapsed_since(&sessions, week(4)), Some(week(2)));
        // Meeting in the running period ends it.
        sessions.push((week(5), Done));
        assert_eq!(
            schedule.lapsed_since(&sessions, week(5) + Days::new(1)),
            None
        );
        // A new lapse after that is another one.
        assert_eq!(schedule.lapsed_since(&sessions, week(8)), Some(week(6)));
    }

    #[test]
    fn nothing_is_due_before_two_periods_or_after_the_end() {
        let start = day(2026, 1, 5);
        assert_eq!(weekly(start).lapsed_since(&[], start), None);
        assert_eq!(weekly(start).lapsed_since(&[], start + Days::new(13)), None);
        assert_eq!(
            weekly(start).lapsed_since(&[], start + Days::new(14)),
            Some(start)
        );
        let ended = Schedule {
            ends_on: Some(start + Days::new(3)),
            ..weekly(start)
        };
        assert_eq!(ended.lapsed_since(&[], start + Days::new(60)), None);
        let monthly = Schedule {
            every: Recurrence::Monthly,
            ..weekly(start)
        };
        assert_eq!(monthly.lapsed_since(&[], day(2026, 3, 4)), None);
        assert_eq!(monthly.lapsed_since(&[], day(2026, 3, 5)), Some(start));
    }

    #[test]
    fn a_weekly_series_keeps_its_local_time() {
        use chrono::TimeZone;
        // Saturday 10:00 in Amsterdam (CET), weekly, until 11 April.
        let starts_at = Utc.with_ymd_and_hms(2027, 3, 20, 9, 0, 0).unwrap();
        let ends_at = starts_at + chrono::Duration::hours(2);
        let rule = RecurrenceRule {
            every: Recurrence::Weekly,
            ends_on: Some(day(2027, 4, 11)),
        };
        assert_eq!(
            occurrence_on(rule, starts_at, ends_at, day(2027, 3, 20)),
            Some((starts_at, ends_at))
        );
        // After the switch to CEST: still 10:00 local, 08:00 UTC.
        let april = Utc.with_ymd_and_hms(2027, 4, 3, 8, 0, 0).unwrap();
        assert_eq!(
            occurrence_on(rule, starts_at, ends_at, day(2027, 4, 3)),
            Some((april, april + chrono::Duration::hours(2)))
        );
        for none in [day(2027, 3, 21), day(2027, 3, 13), day(2027, 4, 17)] {
            assert_eq!(occurrence_on(rule, starts_at, ends_at, none), None);
        }
        assert_eq!(rrule(rule), "FREQ=WEEKLY;UNTIL=20270411T215959Z");
        let fortnightly = RecurrenceRule {
            every: Recurrence::Fortnightly,
            ends_on: None,
        };
        assert_eq!(rrule(fortnightly), "FREQ=WEEKLY;INTERVAL=2");
        assert!(occurrence_on(fortnightly, starts_at, ends_at, day(2027, 3, 27)).is_none());
        assert!(occurrence_on(fortnightly, starts_at, ends_at, day(2027, 4, 3)).is_some());
    }

    #[test]
    fn sessions_fall_within_the_arrangement() {
        let start = day(2026, 1, 5);
        let schedule = Schedule {
            ends_on: Some(day(2026, 6, 1)),
            ..weekly(start)
        };
        let today = day(2026, 2, 1);
        assert_eq!(schedule.check_session_day(start, today), Ok(()));
        assert_eq!(schedule.check_session_day(today, today), Ok(()));
        for wrong in [day(2026, 1, 4), day(2026, 2, 2)] {
            assert_eq!(
                schedule.check_session_day(wrong, today),
                Err(ValueError::OutOfRange)
            );
        }
        assert!(
            schedule
                .check_session_day(day(2026, 6, 2), day(2026, 7, 1))
                .is_err()
        );
    }
}
