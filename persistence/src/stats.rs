//! Monitoring: the facts recorded as things happen, and the aggregate queries over them.
//!
//! `record` runs inside the transaction of the change it counts, so a change that rolls back
//! leaves no count behind and a change that commits is never missed. Reports read ranges of
//! one index (`stat_events_report_idx`): their cost grows with the neighbourhoods and periods
//! asked for, not with the table.

use std::collections::HashMap;

use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostStatus;
use buurt_domain::stats::{
    Interval, Period, RawFigures, ReportedPlace, StatEvent, StatKind, local_date, period_start,
    start_of_day,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use crate::schema::{neighbourhoods, posts, stat_events};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

fn day_key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn parse_day(raw: &str) -> Result<NaiveDate, PersistenceError> {
    raw.parse()
        .map_err(|_| PersistenceError::Corrupt(format!("stat_events holds the day {raw:?}")))
}

type Report = HashMap<(NeighbourhoodId, NaiveDate), RawFigures>;

/// The figures of a neighbourhood and period that a query row names.
fn slot<'a>(
    figures: &'a mut Report,
    neighbourhood: &str,
    period: &str,
) -> Result<&'a mut RawFigures, PersistenceError> {
    let key = (parse_neighbourhood(neighbourhood)?, parse_day(period)?);
    figures.get_mut(&key).ok_or_else(|| {
        PersistenceError::Corrupt(format!("stat_events holds the period {period:?}"))
    })
}

fn parse_neighbourhood(raw: &str) -> Result<NeighbourhoodId, PersistenceError> {
    crate::columns::read("a neighbourhood id", raw)
}

/// Records a fact, once: the same fact recorded again (a retry, a second path to the same
/// outcome) changes nothing. Call it inside the transaction of the change.
pub fn record(conn: &mut DbConnection, event: &StatEvent) -> Result<(), PersistenceError> {
    record_many(conn, std::slice::from_ref(event)).map(|_| ())
}

type PlaceRow = (String, String, String, String, String);

fn place(row: PlaceRow) -> Result<ReportedPlace, PersistenceError> {
    let (id, code, name, municipality_code, municipality_name) = row;
    Ok(ReportedPlace {
        id: parse_neighbourhood(&id)?,
        code,
        name,
        municipality_code,
        municipality_name,
    })
}

/// The neighbourhoods of a municipality, by name.
pub fn places_in_municipality(
    conn: &mut DbConnection,
    municipality_code: &str,
) -> Result<Vec<ReportedPlace>, PersistenceError> {
    neighbourhoods::table
        .filter(neighbourhoods::municipality_code.eq(municipality_code))
        .order((neighbourhoods::search_name, neighbourhoods::id))
        .select((
            neighbourhoods::id,
            neighbourhoods::code,
            neighbourhoods::name,
            neighbourhoods::municipality_code,
            neighbourhoods::municipality_name,
        ))
        .load::<PlaceRow>(conn)?
        .into_iter()
        .map(place)
        .collect()
}

/// The neighbourhood with this CBS code.
pub fn place_by_code(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<ReportedPlace>, PersistenceError> {
    neighbourhoods::table
        .filter(neighbourhoods::code.eq(code))
        .select((
            neighbourhoods::id,
            neighbourhoods::code,
            neighbourhoods::name,
            neighbourhoods::municipality_code,
            neighbourhoods::municipality_name,
        ))
        .first::<PlaceRow>(conn)
        .optional()?
        .map(place)
        .transpose()
}

/// Runs `$body` with `$column` bound to the period column of `$interval`.
macro_rules! with_period_column {
    ($interval:expr, |$column:ident| $body:expr) => {
        match $interval {
            Interval::Week => {
                let $column = stat_events::week;
                $body
            }
            Interval::Month => {
                let $column = stat_events::month;
                $body
            }
        }
    };
}

/// What was counted, per neighbourhood and period (keyed by the period's first day), for the
/// `periods` (consecutive, in order) of `interval`. Every neighbourhood and period is present.
pub fn report(
    conn: &mut DbConnection,
    neighbourhoods: &[NeighbourhoodId],
    periods: &[Period],
    interval: Interval,
    now: DateTime<Utc>,
) -> Result<Report, PersistenceError> {
    let mut figures = HashMap::new();
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Ok(figures);
    };
    for neighbourhood in neighbourhoods {
        for period in periods {
            figures.insert((*neighbourhood, period.start), RawFigures::default());
        }
    }
    let ids: Vec<String> = neighbourhoods.iter().map(ToString::to_string).collect();
    let (from, to) = (day_key(first.start), day_key(last.end));
    let in_range = || {
        stat_events::table
            .filter(stat_events::neighbourhood_id.eq_any(ids.clone()))
            .filter(stat_events::day.ge(from.clone()))
            .filter(stat_events::day.le(to.clone()))
    };
    let counted: Vec<&str> = StatKind::ALL
        .iter()
        .filter(|kind| !matches!(kind, StatKind::FirstResponse | StatKind::Accepted))
        .map(|kind| kind.as_str())
        .collect();
    let counts: Vec<(String, String, String, i64)> = with_period_column!(interval, |period| {
        in_range()
            .filter(stat_events::kind.eq_any(&counted))
            .group_by((stat_events::neighbourhood_id, period, stat_events::kind))
            .select((
                stat_events::neighbourhood_id,
                period,
                stat_events::kind,
                count_star(),
            ))
            .load(conn)?
    });
    for (neighbourhood, period, kind, count) in counts {
        let kind = StatKind::parse(&kind)
            .ok_or_else(|| PersistenceError::Corrupt(format!("stat_events holds {kind:?}")))?;
        slot(&mut figures, &neighbourhood, &period)?
            .counts
            .insert(kind, u64::try_from(count).unwrap_or(0));
    }

    let distinct_actors = |conn: &mut DbConnection,
                           kinds: &[StatKind]|
     -> Result<Vec<(String, String, i64)>, PersistenceError> {
        let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
        Ok(with_period_column!(interval, |period| {
            in_range()
                .filter(stat_events::kind.eq_any(&kinds))
                .group_by((stat_events::neighbourhood_id, period))
                .select((
                    stat_events::neighbourhood_id,
                    period,
                    count(stat_events::actor_id).aggregate_distinct(),
                ))
                .load(conn)?
        }))
    };
    for (neighbourhood, period, count) in distinct_actors(conn, &StatKind::ACTIVITY)? {
        slot(&mut figures, &neighbourhood, &period)?.active_residents =
            u64::try_from(count).unwrap_or(0);
    }
    for (neighbourhood, period, count) in distinct_actors(conn, &[StatKind::Attended])? {
        slot(&mut figures, &neighbourhood, &period)?.unique_attendees =
            u64::try_from(count).unwrap_or(0);
    }

    let durations: Vec<(String, String, String, Option<i64>)> =
        with_period_column!(interval, |period| {
            in_range()
                .filter(stat_events::kind.eq_any([
                    StatKind::FirstResponse.as_str(),
                    StatKind::Accepted.as_str(),
                ]))
                .select((
                    stat_events::neighbourhood_id,
                    period,
                    stat_events::kind,
                    stat_events::seconds,
                ))
                .load(conn)?
        });
    for (neighbourhood, period, kind, seconds) in durations {
        let figures = slot(&mut figures, &neighbourhood, &period)?;
        let seconds = seconds.unwrap_or(0);
        if kind == StatKind::FirstResponse.as_str() {
            figures.first_response_seconds.push(seconds);
        } else {
            figures.acceptance_seconds.push(seconds);
        }
    }

    // Still open at the end of each period: opened before it ended, not ended by then.
    let mut open_before: HashMap<String, i64> = HashMap::new();
    let opened_or_ended: Vec<&str> = std::iter::once(StatKind::RequestOpened)
        .chain(StatKind::OUTCOMES)
        .map(|kind| kind.as_str())
        .collect();
    let before: Vec<(String, String, i64)> = stat_events::table
        .filter(stat_events::neighbourhood_id.eq_any(ids.clone()))
        .filter(stat_events::kind.eq_any(&opened_or_ended))
        .filter(stat_events::day.lt(from.clone()))
        .group_by((stat_events::neighbourhood_id, stat_events::kind))
        .select((
            stat_events::neighbourhood_id,
            stat_events::kind,
            count_star(),
        ))
        .load(conn)?;
    for (neighbourhood, kind, count) in before {
        let sign = if kind == StatKind::RequestOpened.as_str() {
            1
        } else {
            -1
        };
        *open_before.entry(neighbourhood).or_default() += sign * count;
    }
    for neighbourhood in neighbourhoods {
        let mut open = open_before
            .get(&neighbourhood.to_string())
            .copied()
            .unwrap_or(0);
        for period in periods {
            let Some(figures) = figures.get_mut(&(*neighbourhood, period.start)) else {
                continue;
            };
            let ended: u64 = StatKind::OUTCOMES
                .iter()
                .map(|kind| figures.count(*kind))
                .sum();
            open += i64::try_from(figures.count(StatKind::RequestOpened)).unwrap_or(0)
                - i64::try_from(ended).unwrap_or(0);
            figures.still_open = u64::try_from(open).unwrap_or(0);
        }
    }

    // Activities held: started in the period (and by now), not cancelled, not hidden.
    let started: Vec<(String, Option<NaiveDateTime>)> = posts::table
        .filter(posts::neighbourhood_id.eq_any(ids.clone()))
        .filter(posts::kind.eq(buurt_domain::posts::PostKind::Activity.as_str()))
        .filter(posts::starts_at.ge(to_db(start_of_day(first.start))))
        .filter(posts::starts_at.lt(to_db(start_of_day(last.end.succ_opt().unwrap_or(last.end)))))
        .filter(posts::starts_at.le(to_db(now)))
        .filter(posts::status.ne(PostStatus::Closed.as_str()))
        .filter(posts::hidden.eq(false))
        .select((posts::neighbourhood_id, posts::starts_at))
        .load(conn)?;
    for (neighbourhood, starts_at) in started {
        let Some(starts_at) = starts_at else { continue };
        let period = period_start(local_date(from_db(starts_at)), interval);
        let key = (parse_neighbourhood(&neighbourhood)?, period);
        if let Some(figures) = figures.get_mut(&key) {
            figures.activities_held += 1;
        }
    }
    Ok(figures)
}

/// Records many facts at once (the same rules as `record`: a fact already there stays).
pub fn record_many(
    conn: &mut DbConnection,
    events: &[StatEvent],
) -> Result<usize, PersistenceError> {
    // Nine values a row; SQLite binds at most 32,766 per statement, PostgreSQL 65,535.
    let per_statement = match conn {
        DbConnection::Postgresql(_) => 7_000,
        DbConnection::Sqlite(_) => 3_600,
    };
    let mut written = 0;
    for chunk in events.chunks(per_statement) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|event| {
                let day = local_date(event.at);
                (
                    stat_events::key.eq(event.key()),
                    stat_events::neighbourhood_id.eq(event.neighbourhood_id.to_string()),
                    stat_events::kind.eq(event.kind.as_str()),
                    stat_events::actor_id.eq(event.actor.map(|actor| actor.to_string())),
                    stat_events::seconds.eq(event.seconds.map(|s| s.max(0))),
                    stat_events::occurred_at.eq(to_db(event.at)),
                    stat_events::day.eq(day_key(day)),
                    stat_events::week.eq(day_key(period_start(day, Interval::Week))),
                    stat_events::month.eq(day_key(period_start(day, Interval::Month))),
                )
            })
            .collect();
        let insert = diesel::insert_into(stat_events::table)
            .values(rows)
            .on_conflict_do_nothing();
        written += match conn {
            DbConnection::Postgresql(conn) => insert.execute(conn)?,
            DbConnection::Sqlite(conn) => insert.execute(conn)?,
        };
    }
    Ok(written)
}

/// How many facts of `kinds` a neighbourhood counted in `[from, to)`.
pub fn count_facts(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    kinds: &[StatKind],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    Ok(stat_events::table
        .filter(stat_events::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(stat_events::kind.eq_any(kinds))
        .filter(stat_events::occurred_at.ge(to_db(from)))
        .filter(stat_events::occurred_at.lt(to_db(to)))
        .count()
        .get_result(conn)?)
}
