//! The neighbourhood newsletter: which week it covers and how it is ranked for its reader.

use chrono::{DateTime, Datelike, Duration, IsoWeek, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Amsterdam;

use crate::ValueError;
use crate::category::Category;
use crate::posts::Post;

/// An ISO week (`2026-W49`), Monday to Monday in Amsterdam's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    monday: NaiveDate,
}

impl Week {
    /// Parses `YYYY-Www`.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let (year, week) = raw.split_once("-W").ok_or(ValueError::InvalidFormat)?;
        if year.len() != 4 || week.len() != 2 {
            return Err(ValueError::InvalidFormat);
        }
        let year: i32 = year.parse().map_err(|_| ValueError::InvalidFormat)?;
        let week: u32 = week.parse().map_err(|_| ValueError::InvalidFormat)?;
        if !crate::value::YEARS.contains(&year) {
            return Err(ValueError::OutOfRange);
        }
        let monday =
            NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or(ValueError::OutOfRange)?;
        Ok(Self { monday })
    }

    /// The week `at` falls in (Amsterdam's calendar).
    pub fn containing(at: DateTime<Utc>) -> Self {
        let day = at.with_timezone(&Amsterdam).date_naive();
        Self {
            monday: day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        }
    }

    pub fn previous(self) -> Self {
        Self {
            monday: self.monday - Duration::days(7),
        }
    }

    fn iso(self) -> IsoWeek {
        self.monday.iso_week()
    }

    /// `2026-W49`.
    pub fn label(self) -> String {
        format!("{}-W{:02}", self.iso().year(), self.iso().week())
    }

    fn midnight(day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        // Midnight is never skipped in Amsterdam (changes happen at 02:00 and 03:00).
        Amsterdam
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
    }

    /// Monday 00:00 in Amsterdam.
    pub fn start(self) -> DateTime<Utc> {
        Self::midnight(self.monday)
    }

    /// The next Monday 00:00 in Amsterdam.
    pub fn end(self) -> DateTime<Utc> {
        Self::midnight(self.monday + Duration::days(7))
    }
}

/// The day `at` falls on in Amsterdam, `2026-12-06`: a daily newsletter's period.
pub fn local_day(at: DateTime<Utc>) -> String {
    at.with_timezone(&Amsterdam).date_naive().to_string()
}

/// Ranks requests for a reader: those in a category among their skills first, then newest
/// first.
pub fn rank_requests(requests: &mut [Post], skills: &[Category]) {
    requests.sort_by_key(|post| {
        let fits = post
            .content
            .category
            .is_some_and(|category| skills.contains(&category));
        (!fits, std::cmp::Reverse(post.created_at))
    });
}

/// Ranks activities nearest in time first.
pub fn rank_activities(activities: &mut [Post]) {
    activities.sort_by_key(|post| {
        post.content
            .activity
            .as_ref()
            .map(|activity| activity.starts_at)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_parse_and_run_monday_to_monday_in_amsterdam() {
        let week = Week::parse("2026-W49").unwrap();
        assert_eq!(week.label(), "2026-W49");
        // Monday 30 November 2026, 00:00 CET is 29 November 23:00 UTC.
        assert_eq!(week.start().to_rfc3339(), "2026-11-29T23:00:00+00:00");
        assert_eq!(week.end().to_rfc3339(), "2026-12-06T23:00:00+00:00");
        assert_eq!(Week::containing(week.start()), week);
        assert_eq!(Week::containing(week.end() - Duration::seconds(1)), week);
        assert_eq!(week.previous().label(), "2026-W48");
        // 2025 has 52 ISO weeks, 2026 has 53.
        assert_eq!(Week::parse("2025-W53"), Err(ValueError::OutOfRange));
        assert_eq!(Week::parse("2026-W53").unwrap().label(), "2026-W53");
        assert_eq!(Week::parse("2020-W53").unwrap().label(), "2020-W53");
        for bad in ["2026-49", "2026-W4", "26-W49", "2026-Wxx", ""] {
            assert_eq!(Week::parse(bad), Err(ValueError::InvalidFormat), "{bad}");
        }
    }
}
