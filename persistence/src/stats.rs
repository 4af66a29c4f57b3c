//! Monitoring: the facts recorded as things happen, and the aggregate queries over them.
//!
//! `record` runs inside the transaction of the change it counts, so a change that rolls back
//! leaves no count behind and a change that commits is never missed. With each fact really
//! added, the rollups grow in the same transaction: `stat_counts` per neighbourhood, week or
//! month and kind, and `stat_presence`, the people counted once per period for the distinct
//! figures (issue 22). Reports read the rollups, not the facts: their cost grows with the
//! neighbourhoods and periods asked for, not with what happened in them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostStatus;
use buurt_domain::stats::{
    Interval, Period, RawFigures, ReportedPlace, StatEvent, StatKind, local_date, period_start,
    start_of_day,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;
use diesel::upsert::excluded;

use crate::schema::{neighbourhoods, posts, stat_counts, stat_events, stat_presence};
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

/// The rollup unit of an interval (`stat_counts.unit`, `stat_presence.unit`).
fn unit(interval: Interval) -> &'static str {
    match interval {
        Interval::Week => "week",
        Interval::Month => "month",
    }
}

/// The distinct-people figures of the rollups, next to the fact kinds in `stat_counts.figure`.
const ACTIVE_RESIDENTS: &str = "active_residents";
const UNIQUE_ATTENDEES: &str = "unique_attendees";

/// The periods of both units a fact falls in.
const UNITS: [Interval; 2] = [Interval::Week, Interval::Month];

/// What was counted, per neighbourhood and period (keyed by the period's first day), for the
/// `periods` (consecutive, in order) of `interval`. Every neighbourhood and period is present.
///
/// Reads the rollups, which the facts keep as they are recorded, in four statements whatever
/// the neighbourhoods and periods: the counts and distinct people per period, the balance of
/// requests opened and ended before the first period, the durations (raw facts: medians need
/// every value) and the activities held (posts).
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
    // Periods are whole: a fact's day is in the range exactly when its period is.
    let (from, to) = (day_key(first.start), day_key(last.end));
    let durations = [
        StatKind::FirstResponse.as_str(),
        StatKind::Accepted.as_str(),
    ];
    let counts: Vec<(String, String, String, i32)> = stat_counts::table
        .filter(stat_counts::neighbourhood_id.eq_any(&ids))
        .filter(stat_counts::unit.eq(unit(interval)))
        .filter(stat_counts::period.ge(&from))
        .filter(stat_counts::period.le(day_key(last.start)))
        .filter(stat_counts::figure.ne_all(durations))
        .select((
            stat_counts::neighbourhood_id,
            stat_counts::period,
            stat_counts::figure,
            stat_counts::n,
        ))
        .load(conn)?;
    for (neighbourhood, period, figure, n) in counts {
        let n = u64::try_from(n).unwrap_or(0);
        if n == 0 {
            continue;
        }
        let figures = slot(&mut figures, &neighbourhood, &period)?;
        match figure.as_str() {
            ACTIVE_RESIDENTS => figures.active_residents = n,
            UNIQUE_ATTENDEES => figures.unique_attendees = n,
            kind => {
                let kind = StatKind::parse(kind).ok_or_else(|| {
                    PersistenceError::Corrupt(format!("stat_counts holds {kind:?}"))
                })?;
                figures.counts.insert(kind, n);
            }
        }
    }

    let opened_or_ended: Vec<&str> = std::iter::once(StatKind::RequestOpened)
        .chain(StatKind::OUTCOMES)
        .map(|kind| kind.as_str())
        .collect();
    let before: Vec<(String, String, Option<i64>)> = stat_counts::table
        .filter(stat_counts::neighbourhood_id.eq_any(&ids))
        .filter(stat_counts::unit.eq(unit(interval)))
        .filter(stat_counts::period.lt(&from))
        .filter(stat_counts::figure.eq_any(&opened_or_ended))
        .group_by((stat_counts::neighbourhood_id, stat_counts::figure))
        .select((
            stat_counts::neighbourhood_id,
            stat_counts::figure,
            sum(stat_counts::n),
        ))
        .load(conn)?;
    let mut open_before: HashMap<String, i64> = HashMap::new();
    for (neighbourhood, figure, count) in before {
        let sign = if figure == StatKind::RequestOpened.as_str() {
            1
        } else {
            -1
        };
        *open_before.entry(neighbourhood).or_default() += sign * count.unwrap_or(0);
    }
    add_durations(conn, &ids, (&from, &to), interval, &mut figures)?;
    add_still_open(neighbourhoods, periods, &open_before, &mut figures);
    add_activities_held(conn, &ids, (first, last), interval, now, &mut figures)?;
    Ok(figures)
}

/// The figures of `report` worked out from every fact, as they were before the rollups: the
/// reference the rollups are tested against (`tests/api/stats.rs`), not for serving.
#[doc(hidden)]
pub fn report_from_facts(
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
    add_durations(conn, &ids, (&from, &to), interval, &mut figures)?;
    add_still_open(neighbourhoods, periods, &open_before, &mut figures);
    add_activities_held(conn, &ids, (first, last), interval, now, &mut figures)?;
    Ok(figures)
}

/// The durations of the period's first responses and acceptances: their medians need every
/// value, so they come from the facts (one per request, few).
fn add_durations(
    conn: &mut DbConnection,
    ids: &[String],
    (from, to): (&str, &str),
    interval: Interval,
    figures: &mut Report,
) -> Result<(), PersistenceError> {
    let durations: Vec<(String, String, String, Option<i64>)> =
        with_period_column!(interval, |period| {
            stat_events::table
                .filter(stat_events::neighbourhood_id.eq_any(ids))
                .filter(stat_events::day.ge(from))
                .filter(stat_events::day.le(to))
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
        let figures = slot(figures, &neighbourhood, &period)?;
        let seconds = seconds.unwrap_or(0);
        if kind == StatKind::FirstResponse.as_str() {
            figures.first_response_seconds.push(seconds);
        } else {
            figures.acceptance_seconds.push(seconds);
        }
    }

    Ok(())
}

/// Still open at the end of each period: opened before it ended, not ended by then.
/// `open_before` holds, per neighbourhood, the requests opened minus those ended before the
/// first period.
fn add_still_open(
    neighbourhoods: &[NeighbourhoodId],
    periods: &[Period],
    open_before: &HashMap<String, i64>,
    figures: &mut Report,
) {
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
}

/// Activities held: started in the period (and by now), not cancelled, not hidden.
fn add_activities_held(
    conn: &mut DbConnection,
    ids: &[String],
    (first, last): (&Period, &Period),
    interval: Interval,
    now: DateTime<Utc>,
    figures: &mut Report,
) -> Result<(), PersistenceError> {
    let started: Vec<(String, Option<NaiveDateTime>)> = posts::table
        .filter(posts::neighbourhood_id.eq_any(ids))
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
    Ok(())
}

/// Whether recording facts keeps the rollups at once, or leaves them to `refill_rollups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollups {
    /// In the same statements' transaction: what the live path and `rebuild-stats` do.
    Kept,
    /// Not yet: a bulk load that calls `refill_rollups` when its facts are in.
    Deferred,
}

/// Records many facts at once (the same rules as `record`: a fact already there stays), and
/// adds the ones really added to the rollups. Returns how many were added.
pub fn record_many(
    conn: &mut DbConnection,
    events: &[StatEvent],
) -> Result<usize, PersistenceError> {
    record_facts(conn, events, Rollups::Kept)
}

/// What the rollups need of a fact: neighbourhood, kind, actor, week and month.
type Added = (String, String, Option<String>, String, String);

/// Records facts, keeping the rollups or not (`Rollups`). Returns how many were added.
pub fn record_facts(
    conn: &mut DbConnection,
    events: &[StatEvent],
    rollups: Rollups,
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
        if rollups == Rollups::Deferred {
            written += match conn {
                DbConnection::Postgresql(conn) => insert.execute(conn)?,
                DbConnection::Sqlite(conn) => insert.execute(conn)?,
            };
            continue;
        }
        // Only the rows really inserted come back: a fact recorded again counts nothing.
        let returning = insert.returning((
            stat_events::neighbourhood_id,
            stat_events::kind,
            stat_events::actor_id,
            stat_events::week,
            stat_events::month,
        ));
        let added: Vec<Added> = match conn {
            DbConnection::Postgresql(conn) => returning.get_results(conn)?,
            DbConnection::Sqlite(conn) => returning.get_results(conn)?,
        };
        roll_up(conn, &added)?;
        written += added.len();
    }
    Ok(written)
}

/// Rollup rows a statement writes (five values each, well within both databases' limits).
const ROLLUP_ROWS_PER_STATEMENT: usize = 3_000;

/// Adds facts just inserted to the rollups: a person not yet present in a period is added to
/// it and counted, and each count grows by the facts of its kind. Both are single statements
/// that the database makes atomic (insert-or-ignore, `n = n + excluded.n`), so concurrent
/// transactions add up exactly; rows go in key order, so two never wait for each other in a
/// circle.
fn roll_up(conn: &mut DbConnection, added: &[Added]) -> Result<(), PersistenceError> {
    if added.is_empty() {
        return Ok(());
    }
    type Key = (String, &'static str, String, String);
    let mut counts: BTreeMap<Key, i32> = BTreeMap::new();
    let mut present: BTreeSet<(String, &'static str, String, &'static str, String)> =
        BTreeSet::new();
    for (neighbourhood, kind, actor, week, month) in added {
        let parsed = StatKind::parse(kind)
            .ok_or_else(|| PersistenceError::Corrupt(format!("a fact of kind {kind:?}")))?;
        for interval in UNITS {
            let period = match interval {
                Interval::Week => week,
                Interval::Month => month,
            };
            let key = (
                neighbourhood.clone(),
                unit(interval),
                period.clone(),
                kind.clone(),
            );
            *counts.entry(key).or_default() += 1;
            let Some(actor) = actor else { continue };
            let mut presence = |figure| {
                present.insert((
                    neighbourhood.clone(),
                    unit(interval),
                    period.clone(),
                    figure,
                    actor.clone(),
                ));
            };
            if StatKind::ACTIVITY.contains(&parsed) {
                presence(ACTIVE_RESIDENTS);
            }
            if parsed == StatKind::Attended {
                presence(UNIQUE_ATTENDEES);
            }
        }
    }
    let present: Vec<_> = present.into_iter().collect();
    for chunk in present.chunks(ROLLUP_ROWS_PER_STATEMENT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(neighbourhood, unit, period, figure, actor)| {
                (
                    stat_presence::neighbourhood_id.eq(neighbourhood),
                    stat_presence::unit.eq(*unit),
                    stat_presence::period.eq(period),
                    stat_presence::figure.eq(*figure),
                    stat_presence::actor_id.eq(actor),
                )
            })
            .collect();
        let insert = diesel::insert_into(stat_presence::table)
            .values(rows)
            .on_conflict_do_nothing()
            .returning((
                stat_presence::neighbourhood_id,
                stat_presence::unit,
                stat_presence::period,
                stat_presence::figure,
            ));
        let new: Vec<(String, String, String, String)> = match conn {
            DbConnection::Postgresql(conn) => insert.get_results(conn)?,
            DbConnection::Sqlite(conn) => insert.get_results(conn)?,
        };
        for (neighbourhood, unit_name, period, figure) in new {
            let unit_name = if unit_name == unit(Interval::Week) {
                unit(Interval::Week)
            } else {
                unit(Interval::Month)
            };
            *counts
                .entry((neighbourhood, unit_name, period, figure))
                .or_default() += 1;
        }
    }
    let counts: Vec<_> = counts.into_iter().collect();
    for chunk in counts.chunks(ROLLUP_ROWS_PER_STATEMENT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|((neighbourhood, unit, period, figure), n)| {
                (
                    stat_counts::neighbourhood_id.eq(neighbourhood),
                    stat_counts::unit.eq(*unit),
                    stat_counts::period.eq(period),
                    stat_counts::figure.eq(figure),
                    stat_counts::n.eq(*n),
                )
            })
            .collect();
        let upsert = diesel::insert_into(stat_counts::table)
            .values(rows)
            .on_conflict((
                stat_counts::neighbourhood_id,
                stat_counts::unit,
                stat_counts::period,
                stat_counts::figure,
            ))
            .do_update()
            .set(stat_counts::n.eq(stat_counts::n + excluded(stat_counts::n)));
        match conn {
            DbConnection::Postgresql(conn) => upsert.execute(conn)?,
            DbConnection::Sqlite(conn) => upsert.execute(conn)?,
        };
    }
    Ok(())
}

/// Derives the rollups afresh from every fact, in set statements (after a bulk load with
/// `Rollups::Deferred`). The same statements back-fill them in their migration. Run it where
/// no fact is recorded at the same time (a seed's load).
pub fn refill_rollups(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    let statements = [
        "DELETE FROM stat_counts",
        "DELETE FROM stat_presence",
        REFILL_PRESENCE,
        &REFILL_COUNTS.replace("{only}", EVERY_ROW),
    ];
    for statement in statements {
        match conn {
            DbConnection::Postgresql(conn) => diesel::sql_query(statement).execute(conn)?,
            DbConnection::Sqlite(conn) => diesel::sql_query(statement).execute(conn)?,
        };
    }
    Ok(())
}

/// Derives the rollups of `neighbourhoods` afresh from their facts, where facts were merged or
/// removed outside `record_many` (a claimed offline record's facts become the account's: one
/// person, counted once). Call it in the write transaction that changed the facts. On
/// PostgreSQL the rollups are locked against writers until that transaction ends, so a fact
/// recorded meanwhile is added after the refill, never lost or counted twice.
pub fn refill_rollups_of(
    conn: &mut DbConnection,
    neighbourhoods: &[NeighbourhoodId],
) -> Result<(), PersistenceError> {
    if neighbourhoods.is_empty() {
        return Ok(());
    }
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("LOCK TABLE stat_counts, stat_presence IN SHARE ROW EXCLUSIVE MODE")
            .execute(pg)?;
    }
    for neighbourhood in neighbourhoods {
        // A UUID we format ourselves: safe to put in the statement.
        let only = format!("neighbourhood_id = '{neighbourhood}'");
        let statements = [
            format!("DELETE FROM stat_counts WHERE {only}"),
            format!("DELETE FROM stat_presence WHERE {only}"),
            REFILL_PRESENCE.replace(
                "actor_id IS NOT NULL",
                &format!("actor_id IS NOT NULL AND {only}"),
            ),
            REFILL_COUNTS.replace("{only}", &only),
        ];
        for statement in &statements {
            match conn {
                DbConnection::Postgresql(conn) => diesel::sql_query(statement).execute(conn)?,
                DbConnection::Sqlite(conn) => diesel::sql_query(statement).execute(conn)?,
            };
        }
    }
    Ok(())
}

/// Everyone present per period (the migration `2026-12-08-303001_stat_rollups` runs the same).
const REFILL_PRESENCE: &str = "\
INSERT INTO stat_presence (neighbourhood_id, unit, period, figure, actor_id) \
SELECT DISTINCT neighbourhood_id, 'week', week, 'active_residents', actor_id FROM stat_events \
WHERE kind IN ('posted', 'helped', 'attended') AND actor_id IS NOT NULL \
UNION \
SELECT DISTINCT neighbourhood_id, 'month', month, 'active_residents', actor_id FROM stat_events \
WHERE kind IN ('posted', 'helped', 'attended') AND actor_id IS NOT NULL \
UNION \
SELECT DISTINCT neighbourhood_id, 'week', week, 'unique_attendees', actor_id FROM stat_events \
WHERE kind = 'attended' AND actor_id IS NOT NULL \
UNION \
SELECT DISTINCT neighbourhood_id, 'month', month, 'unique_attendees', actor_id FROM stat_events \
WHERE kind = 'attended' AND actor_id IS NOT NULL";

/// Every count per period, and the people present, of the facts and presence rows where
/// `{only}` holds.
const REFILL_COUNTS: &str = "\
INSERT INTO stat_counts (neighbourhood_id, unit, period, figure, n) \
SELECT neighbourhood_id, 'week', week, kind, COUNT(*) FROM stat_events WHERE {only} \
GROUP BY neighbourhood_id, week, kind \
UNION ALL \
SELECT neighbourhood_id, 'month', month, kind, COUNT(*) FROM stat_events WHERE {only} \
GROUP BY neighbourhood_id, month, kind \
UNION ALL \
SELECT neighbourhood_id, unit, period, figure, COUNT(*) FROM stat_presence WHERE {only} \
GROUP BY neighbourhood_id, unit, period, figure";

/// Every rollup row: the condition of `REFILL_COUNTS` that holds for all.
const EVERY_ROW: &str = "1 = 1";

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
