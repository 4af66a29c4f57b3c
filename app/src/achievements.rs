//! What a neighbourhood achieved, for its public page: per month (the last twelve) and per
//! year (this one and the last), requests solved by neighbours, solved with a mediator, and
//! handed to the wijkteam, as monitoring counted their first way of ending.

use buurt_domain::achievements::Achievement;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::stats::{Count, Interval, local_date, period_start};
use buurt_persistence::DbConnection;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::error::AppError;

/// How many months the page shows, the current one included.
pub const MONTHS_SHOWN: u32 = 12;

/// The counts of one month or year, published with the monitoring's suppression (1 to 4 is
/// "fewer than five").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AchievedCounts {
    pub solved_by_neighbours: Count,
    pub solved_with_mediator: Count,
    pub handed_to_wijkteam: Count,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally([u64; 3]);

impl Tally {
    fn add(&mut self, achievement: Achievement) {
        let slot = match achievement {
            Achievement::SolvedByNeighbours => 0,
            Achievement::SolvedWithMediator => 1,
            Achievement::HandedToWijkteam => 2,
        };
        self.0[slot] += 1;
    }

    fn publish(self) -> AchievedCounts {
        AchievedCounts {
            solved_by_neighbours: Count::of(self.0[0]),
            solved_with_mediator: Count::of(self.0[1]),
            handed_to_wijkteam: Count::of(self.0[2]),
        }
    }
}

/// The neighbourhood's achievements, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Achievements {
    /// The first day of each month, and its counts.
    pub months: Vec<(NaiveDate, AchievedCounts)>,
    pub years: Vec<(i32, AchievedCounts)>,
    /// Arrangements of lasting help running now, with the same suppression.
    pub lasting_arrangements: Count,
}

/// The achievements as of `now`, in three queries.
pub fn achievements(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    now: DateTime<Utc>,
) -> Result<Achievements, AppError> {
    let today = local_date(now);
    let this_month = period_start(today, Interval::Month);
    let months: Vec<NaiveDate> = (0..MONTHS_SHOWN)
        .filter_map(|back| this_month.checked_sub_months(Months::new(back)))
        .collect();
    let years = [today.year(), today.year() - 1];
    let first_month = months.last().copied().unwrap_or(this_month);
    let from = NaiveDate::from_ymd_opt(years[1], 1, 1)
        .unwrap_or(first_month)
        .min(first_month);
    let ended =
        buurt_persistence::signals::ended_requests(conn, Some(&[neighbourhood]), from, today)?;
    let mut by_month = vec![Tally::default(); months.len()];
    let mut by_year = [Tally::default(); 2];
    for (_, day, outcome, had_case) in ended {
        let Some(achievement) = Achievement::of(outcome, had_case) else {
            continue;
        };
        let month = period_start(day, Interval::Month);
        if let Some(slot) = months.iter().position(|m| *m == month) {
            by_month[slot].add(achievement);
        }
        if let Some(slot) = years.iter().position(|y| *y == day.year()) {
            by_year[slot].add(achievement);
        }
    }
    let lasting_arrangements = Count::of(buurt_persistence::arrangements::running_in(
        conn,
        neighbourhood,
    )?);
    Ok(Achievements {
        lasting_arrangements,
        months: months
            .into_iter()
            .zip(by_month)
            .map(|(month, tally)| (month, tally.publish()))
            .collect(),
        years: years
            .into_iter()
            .zip(by_year)
            .map(|(year, tally)| (year, tally.publish()))
            .collect(),
    })
}
