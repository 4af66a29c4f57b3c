//! Monitoring: what happened in a neighbourhood, per week or month, as aggregates that never
//! point at a person.
//!
//! Every change worth counting is recorded once as a [`StatEvent`] when it happens, with the
//! calendar day, week and month it fell in (Europe/Amsterdam), so a period is a range of one
//! index and counting needs no time-zone arithmetic in SQL. A request counts once by the first
//! way it ended ([`RequestOutcome`]): matched online, solved offline, referred to the wijkteam,
//! not solvable, withdrawn or expired.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::accounts::UserId;
use crate::mediation::Outcome;
use crate::neighbourhoods::NeighbourhoodId;

/// Periods are weeks and months as people in the Netherlands live them.
pub const TIME_ZONE: Tz = chrono_tz::Europe::Amsterdam;

/// Below this, a count is shown as "fewer than five" and a median is not shown at all.
pub const SMALLEST_SHOWN: u64 = 5;

/// The most periods one report covers (three years of weeks or months).
pub const MAX_WEEKS: usize = 157;
pub const MAX_MONTHS: usize = 36;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Week,
    Month,
}

/// The calendar day `at` falls on in the Netherlands.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&TIME_ZONE).date_naive()
}

/// The instant a Dutch calendar day begins (midnight always exists in Europe/Amsterdam: the
/// clocks change at 02:00 and 03:00).
pub fn start_of_day(date: NaiveDate) -> DateTime<Utc> {
    TIME_ZONE
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(
            || date.and_time(NaiveTime::MIN).and_utc(),
            |local| local.with_timezone(&Utc),
        )
}

/// The first day of the week (Monday) or month `date` is in.
pub fn period_start(date: NaiveDate, interval: Interval) -> NaiveDate {
    match interval {
        Interval::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
        Interval::Month => date.with_day(1).unwrap_or(date),
    }
}

fn next_period_start(start: NaiveDate, interval: Interval) -> NaiveDate {
    match interval {
        Interval::Week => start + Duration::days(7),
        Interval::Month => start
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(NaiveDate::MAX),
    }
}

/// One week or month: `start` and `end` are both days in it (the first and the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("`from` is after `to`")]
    Reversed,
    #[error("more than {max} periods")]
    TooLong { max: usize },
}

/// The whole weeks or months that cover `from` to `to` (both days included): the first
/// period starts on or before `from`, the last ends on or after `to`.
pub fn periods(
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
) -> Result<Vec<Period>, RangeError> {
    if from > to {
        return Err(RangeError::Reversed);
    }
    let max = match interval {
        Interval::Week => MAX_WEEKS,
        Interval::Month => MAX_MONTHS,
    };
    let mut periods = Vec::new();
    let mut start = period_start(from, interval);
    while start <= to {
        if periods.len() == max {
            return Err(RangeError::TooLong { max });
        }
        let next = next_period_start(start, interval);
        periods.push(Period {
            start,
            end: next.pred_opt().unwrap_or(next),
        });
        start = next;
    }
    Ok(periods)
}

/// The default report: the `count` periods up to and including the one `today` is in.
pub fn recent(today: NaiveDate, interval: Interval, count: u32) -> (NaiveDate, NaiveDate) {
    let mut start = period_start(today, interval);
    for _ in 1..count {
        start = period_start(start.pred_opt().unwrap_or(start), interval);
    }
    (start, today)
}

/// How a request ended, for the first time. Later changes (a match cancelled after the
/// request was solved) do not move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestOutcome {
    MatchedOnline,
    SolvedOffline,
    ReferredWijkteam,
    NotSolvable,
    /// Closed or deleted by its author, or a case closed as withdrawn.
    Withdrawn,
    Expired,
}

impl From<Outcome> for RequestOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::MatchedOnline => Self::MatchedOnline,
            Outcome::SolvedOffline => Self::SolvedOffline,
            Outcome::ReferredWijkteam => Self::ReferredWijkteam,
            Outcome::NotSolvable => Self::NotSolvable,
            Outcome::Withdrawn => Self::Withdrawn,
        }
    }
}

/// What a [`StatEvent`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatKind {
    /// A request was posted.
    RequestOpened,
    /// The first neighbour responded to a request (offered help, or accepted an invitation);
    /// `seconds` since the request was posted.
    FirstResponse,
    /// A helper was accepted for a request for the first time; `seconds` since it was posted.
    Accepted,
    /// A request ended (once per request).
    Outcome(RequestOutcome),
    OfferPosted,
    /// Any post; the author is active.
    Posted,
    /// A helper was accepted; the helper is active.
    Helped,
    /// Someone answered an activity (once per person and activity).
    Rsvp,
    /// Someone was checked in at an activity (once per person and activity); they are active.
    Attended,
    /// A membership became active (once per person and neighbourhood; `subject` is the
    /// neighbourhood).
    MemberJoined,
}

impl StatKind {
    pub const ALL: [Self; 15] = [
        Self::RequestOpened,
        Self::FirstResponse,
        Self::Accepted,
        Self::Outcome(RequestOutcome::MatchedOnline),
        Self::Outcome(RequestOutcome::SolvedOffline),
        Self::Outcome(RequestOutcome::ReferredWijkteam),
        Self::Outcome(RequestOutcome::NotSolvable),
        Self::Outcome(RequestOutcome::Withdrawn),
        Self::Outcome(RequestOutcome::Expired),
        Self::OfferPosted,
        Self::Posted,
        Self::Helped,
        Self::Rsvp,
        Self::Attended,
        Self::MemberJoined,
    ];

    /// The kinds whose actors make up the active residents.
    pub const ACTIVITY: [Self; 3] = [Self::Posted, Self::Helped, Self::Attended];

    pub const OUTCOMES: [Self; 6] = [
        Self::Outcome(RequestOutcome::MatchedOnline),
        Self::Outcome(RequestOutcome::SolvedOffline),
        Self::Outcome(RequestOutcome::ReferredWijkteam),
        Self::Outcome(RequestOutcome::NotSolvable),
        Self::Outcome(RequestOutcome::Withdrawn),
        Self::Outcome(RequestOutcome::Expired),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestOpened => "request_opened",
            Self::FirstResponse => "first_response",
            Self::Accepted => "accepted",
            Self::Outcome(RequestOutcome::MatchedOnline) => "matched_online",
            Self::Outcome(RequestOutcome::SolvedOffline) => "solved_offline",
            Self::Outcome(RequestOutcome::ReferredWijkteam) => "referred_wijkteam",
            Self::Outcome(RequestOutcome::NotSolvable) => "not_solvable",
            Self::Outcome(RequestOutcome::Withdrawn) => "withdrawn",
            Self::Outcome(RequestOutcome::Expired) => "expired",
            Self::OfferPosted => "offer_posted",
            Self::Posted => "posted",
            Self::Helped => "helped",
            Self::Rsvp => "rsvp",
            Self::Attended => "attended",
            Self::MemberJoined => "member_joined",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }
}

/// One countable fact about a neighbourhood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatEvent {
    pub kind: StatKind,
    pub neighbourhood_id: NeighbourhoodId,
    /// The request, post, match or activity it is about.
    pub subject: Uuid,
    /// Who acted, for counting distinct people; never shown.
    pub actor: Option<UserId>,
    pub seconds: Option<i64>,
    pub at: DateTime<Utc>,
}

impl StatEvent {
    /// What makes the fact one fact: recording it twice keeps the first. All outcomes of a
    /// request share one key, so a request ends once.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            StatKind::Outcome(_) => "outcome",
            other => other.as_str(),
        };
        match (self.kind, self.actor) {
            (StatKind::Rsvp | StatKind::Attended | StatKind::MemberJoined, Some(actor)) => {
                format!("{kind}:{}:{actor}", self.subject)
            }
            _ => format!("{kind}:{}", self.subject),
        }
    }
}

/// A count as published: exact, or "fewer than five" (1 to 4), so nobody can be singled out.
/// Zero is shown: it says that nothing happened, not who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact(u64),
    FewerThanFive,
}

impl Count {
    pub fn of(n: u64) -> Self {
        if n == 0 || n >= SMALLEST_SHOWN {
            Self::Exact(n)
        } else {
            Self::FewerThanFive
        }
    }
}

/// The median (the mean of the middle two for an even count, rounded down), or `None` for
/// fewer than five values.
pub fn median(values: &[i64]) -> Option<i64> {
    if (values.len() as u64) < SMALLEST_SHOWN {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    Some(if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]).div_euclid(2)
    })
}

/// The 90th percentile by nearest rank (the smallest value at least 90% of the values do not
/// exceed), or `None` for fewer than five values.
pub fn p90(values: &[i64]) -> Option<i64> {
    if (values.len() as u64) < SMALLEST_SHOWN {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted.get(rank.saturating_sub(1)).copied()
}

/// What was counted for one neighbourhood in one period, before anything is published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFigures {
    /// Events per kind.
    pub counts: std::collections::HashMap<StatKind, u64>,
    /// Requests posted before the period ended and not ended by then.
    pub still_open: u64,
    pub first_response_seconds: Vec<i64>,
    pub acceptance_seconds: Vec<i64>,
    /// Activities that started in the period (and were not cancelled).
    pub activities_held: u64,
    pub unique_attendees: u64,
    /// Distinct people who posted, helped or attended.
    pub active_residents: u64,
}

impl RawFigures {
    pub fn count(&self, kind: StatKind) -> u64 {
        self.counts.get(&kind).copied().unwrap_or(0)
    }
}

/// The figures of one neighbourhood in one period, safe to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub requests_opened: Count,
    pub matched_online: Count,
    pub solved_offline: Count,
    pub referred_wijkteam: Count,
    pub not_solvable: Count,
    pub withdrawn: Count,
    pub expired: Count,
    pub still_open: Count,
    pub first_response_median_seconds: Option<i64>,
    pub first_response_p90_seconds: Option<i64>,
    pub acceptance_median_seconds: Option<i64>,
    pub acceptance_p90_seconds: Option<i64>,
    pub offers_posted: Count,
    pub activities_held: Count,
    pub rsvps: Count,
    pub attendance: Count,
    pub unique_attendees: Count,
    pub active_residents: Count,
    pub new_members: Count,
    /// Samenredzaamheid: of the requests that ended, the share solved within the neighbourhood
    /// (matched online or solved offline). Shown only when neither the solved nor the other
    /// requests number one to four, since the share would give those counts away.
    pub samenredzaamheid: Option<f64>,
}

impl Figures {
    pub fn publish(raw: &RawFigures) -> Self {
        use RequestOutcome::*;
        let outcome = |o| raw.count(StatKind::Outcome(o));
        let solved = outcome(MatchedOnline) + outcome(SolvedOffline);
        let ended: u64 = StatKind::OUTCOMES.iter().map(|kind| raw.count(*kind)).sum();
        let samenredzaamheid = (ended >= SMALLEST_SHOWN
            && Count::of(solved) == Count::Exact(solved)
            && Count::of(ended - solved) == Count::Exact(ended - solved))
        .then(|| solved as f64 / ended as f64);
        Self {
            requests_opened: Count::of(raw.count(StatKind::RequestOpened)),
            matched_online: Count::of(outcome(MatchedOnline)),
            solved_offline: Count::of(outcome(SolvedOffline)),
            referred_wijkteam: Count::of(outcome(ReferredWijkteam)),
            not_solvable: Count::of(outcome(NotSolvable)),
            withdrawn: Count::of(outcome(Withdrawn)),
            expired: Count::of(outcome(Expired)),
            still_open: Count::of(raw.still_open),
            first_response_median_seconds: median(&raw.first_response_seconds),
            first_response_p90_seconds: p90(&raw.first_response_seconds),
            acceptance_median_seconds: median(&raw.acceptance_seconds),
            acceptance_p90_seconds: p90(&raw.acceptance_seconds),
            offers_posted: Count::of(raw.count(StatKind::OfferPosted)),
            activities_held: Count::of(raw.activities_held),
            rsvps: Count::of(raw.count(StatKind::Rsvp)),
            attendance: Count::of(raw.count(StatKind::Attended)),
            unique_attendees: Count::of(raw.unique_attendees),
            active_residents: Count::of(raw.active_residents),
            new_members: Count::of(raw.count(StatKind::MemberJoined)),
            samenredzaamheid,
        }
    }
}

/// A neighbourhood as a report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedPlace {
    pub id: NeighbourhoodId,
    pub code: String,
    pub name: String,
    pub municipality_code: String,
    pub municipality_name: String,
}

impl From<&crate::neighbourhoods::Neighbourhood> for ReportedPlace {
    fn from(place: &crate::neighbourhoods::Neighbourhood) -> Self {
        Self {
            id: place.id,
            code: place.draft.code.as_str().to_owned(),
            name: place.draft.name.as_str().to_owned(),
            municipality_code: place.draft.municipality_code.as_str().to_owned(),
            municipality_name: place.draft.municipality_name.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn days_are_dutch_days() {
        // 23:30 UTC on 31 March is already 1 April in summer time.
        let at = "2026-03-31T23:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(at), day("2026-04-01"));
        // 23:30 UTC on 31 January is 00:30 on 1 February in winter time.
        let at = "2026-01-31T23:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(at), day("2026-02-01"));
        let at = "2026-01-31T22:59:59Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(local_date(at), day("2026-01-31"));
        assert_eq!(
            start_of_day(day("2026-07-01")),
            "2026-06-30T22:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            start_of_day(day("2026-12-01")),
            "2026-11-30T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn periods_are_whole_weeks_and_months() {
        // 2026-11-29 is a Sunday.
        let weeks = periods(day("2026-11-18"), day("2026-11-29"), Interval::Week).unwrap();
        assert_eq!(
            weeks,
            vec![
                Period {
                    start: day("2026-11-16"),
                    end: day("2026-11-22")
                },
                Period {
                    start: day("2026-11-23"),
                    end: day("2026-11-29")
                },
            ]
        );
        let months = periods(day("2026-01-31"), day("2026-03-01"), Interval::Month).unwrap();
        assert_eq!(
            months.iter().map(|p| (p.start, p.end)).collect::<Vec<_>>(),
            vec![
                (day("2026-01-01"), day("2026-01-31")),
                (day("2026-02-01"), day("2026-02-28")),
                (day("2026-03-01"), day("2026-03-31")),
            ]
        );
        assert_eq!(
            periods(day("2026-02-01"), day("2026-01-01"), Interval::Week),
            Err(RangeError::Reversed)
        );
        assert_eq!(
            periods(day("2020-01-01"), day("2026-01-01"), Interval::Month),
            Err(RangeError::TooLong { max: MAX_MONTHS })
        );
        assert_eq!(
            periods(day("2026-01-01"), day("2028-12-31"), Interval::Month)
                .unwrap()
                .len(),
            MAX_MONTHS
        );
        assert_eq!(
            recent(day("2026-11-29"), Interval::Week, 12),
            (day("2026-09-07"), day("2026-11-29"))
        );
        assert_eq!(
            recent(day("2026-11-29"), Interval::Month, 12),
            (day("2025-12-01"), day("2026-11-29"))
        );
    }

    #[test]
    fn small_counts_are_hidden_but_zero_is_shown() {
        assert_eq!(Count::of(0), Count::Exact(0));
        for n in 1..5 {
            assert_eq!(Count::of(n), Count::FewerThanFive);
        }
        assert_eq!(Count::of(5), Count::Exact(5));
    }

    #[test]
    fn medians_and_percentiles_need_five_values() {
        assert_eq!(median(&[1, 2, 3, 4]), None);
        assert_eq!(p90(&[1, 2, 3, 4]), None);
        assert_eq!(median(&[5, 1, 4, 2, 3]), Some(3));
        assert_eq!(median(&[6, 1, 4, 2, 3, 5]), Some(3));
        assert_eq!(median(&[10, 20, 30, 41, 50, 60]), Some(35));
        // Ten values: the 9th smallest; eleven values: the 10th.
        assert_eq!(p90(&(1..=10).collect::<Vec<_>>()), Some(9));
        assert_eq!(p90(&(1..=11).collect::<Vec<_>>()), Some(10));
        assert_eq!(p90(&[7, 7, 7, 7, 100]), Some(100));
    }

    #[test]
    fn the_share_hides_what_it_would_give_away() {
        let mut raw = RawFigures::default();
        let set = |raw: &mut RawFigures, outcome, n| {
            raw.counts.insert(StatKind::Outcome(outcome), n);
        };
        set(&mut raw, RequestOutcome::MatchedOnline, 6);
        set(&mut raw, RequestOutcome::SolvedOffline, 2);
        set(&mut raw, RequestOutcome::Expired, 8);
        let figures = Figures::publish(&raw);
        assert_eq!(figures.samenredzaamheid, Some(0.5));
        assert_eq!(figures.solved_offline, Count::FewerThanFive);
        // Three not solved within: the share would tell the count.
        set(&mut raw, RequestOutcome::Expired, 3);
        assert_eq!(Figures::publish(&raw).samenredzaamheid, None);
        // All solved: nothing to give away.
        set(&mut raw, RequestOutcome::Expired, 0);
        assert_eq!(Figures::publish(&raw).samenredzaamheid, Some(1.0));
        // Nothing ended.
        assert_eq!(
            Figures::publish(&RawFigures::default()).samenredzaamheid,
            None
        );
    }

    #[test]
    fn a_request_ends_once_and_people_count_once() {
        let event = |kind, actor: Option<UserId>| StatEvent {
            kind,
            neighbourhood_id: NeighbourhoodId(Uuid::nil()),
            subject: Uuid::nil(),
            actor,
            seconds: None,
            at: Utc::now(),
        };
        let someone = Some(UserId(Uuid::from_u128(7)));
        assert_eq!(
            event(StatKind::Outcome(RequestOutcome::Expired), None).key(),
            event(StatKind::Outcome(RequestOutcome::MatchedOnline), someone).key()
        );
        assert_ne!(
            event(StatKind::Rsvp, someone).key(),
            event(StatKind::Rsvp, Some(UserId(Uuid::from_u128(8)))).key()
        );
        assert_ne!(
            event(StatKind::RequestOpened, None).key(),
            event(StatKind::Posted, someone).key()
        );
        for kind in StatKind::ALL {
            assert_eq!(StatKind::parse(kind.as_str()), Some(kind));
        }
    }
}
