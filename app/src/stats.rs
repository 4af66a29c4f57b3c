//! Use cases of monitoring: the figures per neighbourhood and week or month, for the wijkteam,
//! the municipality and partners, and for `buurt export-stats`. Never about a person.

use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::partners::Scope;
use buurt_domain::policy::Action;
use buurt_domain::stats::{
    self as rules, Figures, Interval, Period, RangeError, ReportedPlace, local_date,
};
use buurt_persistence::{DbConnection, memberships, stats as repo};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{AppError, ErrorCode};
use crate::partners::Requester;
use crate::{Cx, neighbourhoods};

/// How many periods a report covers when `from` is not given.
const DEFAULT_PERIODS: u32 = 12;

/// The periods a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub interval: Interval,
    pub periods: Vec<Period>,
}

impl Range {
    /// The whole periods from `from` to `to`; `to` defaults to `today`, `from` to the start of
    /// the twelve periods up to `to`.
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        interval: Interval,
        today: NaiveDate,
    ) -> Result<Self, RangeError> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| rules::recent(to, interval, DEFAULT_PERIODS).0);
        Ok(Self {
            interval,
            periods: rules::periods(from, to, interval)?,
        })
    }
}

/// One neighbourhood in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub place: ReportedPlace,
    pub period: Period,
    pub figures: Figures,
}

/// The figures of some neighbourhoods of one municipality, every place and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub municipality_code: String,
    pub municipality_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub rows: Vec<ReportRow>,
}

/// The report over `places` (all in one municipality), every place and period.
fn build_report(
    conn: &mut DbConnection,
    places: &[ReportedPlace],
    range: &Range,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let ids: Vec<NeighbourhoodId> = places.iter().map(|place| place.id).collect();
    let raw = repo::report(conn, &ids, &range.periods, range.interval, now)?;
    let mut rows = Vec::with_capacity(places.len() * range.periods.len());
    for place in places {
        for period in &range.periods {
            let figures = raw
                .get(&(place.id, period.start))
                .map(Figures::publish)
                .unwrap_or_else(|| Figures::publish(&Default::default()));
            rows.push(ReportRow {
                place: place.clone(),
                period: *period,
                figures,
            });
        }
    }
    let first = places.first();
    Ok(Report {
        municipality_code: first
            .map(|p| p.municipality_code.clone())
            .unwrap_or_default(),
        municipality_name: first
            .map(|p| p.municipality_name.clone())
            .unwrap_or_default(),
        from: range
            .periods
            .first()
            .map_or_else(|| local_date(now), |p| p.start),
        to: range
            .periods
            .last()
            .map_or_else(|| local_date(now), |p| p.end),
        interval: range.interval,
        rows,
    })
}

/// Figures for one neighbourhood (its mediators and moderators, professionals of its
/// municipality, administrators, and machine clients with `stats:read` there).
pub fn neighbourhood_report(
    cx: &mut Cx<'_>,
    by: &Requester,
    id: NeighbourhoodId,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let place = neighbourhoods::find(conn, id)?;
    match by {
        Requester::Client(token) => {
            let municipality = place.draft.municipality_code.as_str();
            token.client_in(conn, Scope::StatsRead, municipality)?;
        }
        by => {
            let actor = memberships::actor(conn, by.user()?, &place)?;
            if !actor.may(Action::ReadNeighbourhoodStats) {
                return Err(ErrorCode::Forbidden.into());
            }
        }
    }
    build_report(conn, &[ReportedPlace::from(&place)], range, now)
}

/// Figures for every neighbourhood of a municipality (its professionals, administrators, and
/// machine clients with `stats:read` there). `NotFound` when it has no neighbourhoods.
pub fn municipality_report(
    cx: &mut Cx<'_>,
    by: &Requester,
    code: &MunicipalityCode,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let places = repo::places_in_municipality(conn, code.as_str())?;
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    match by {
        Requester::Client(token) => {
            token.client_in(conn, Scope::StatsRead, code.as_str())?;
        }
        by => {
            let actor = memberships::municipality_actor(conn, by.user()?, code)?;
            if !actor.may(Action::ReadMunicipalityStats) {
                return Err(ErrorCode::Forbidden.into());
            }
        }
    }
    build_report(conn, &places, range, now)
}

/// Which figures `export_stats` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// The neighbourhood with this CBS code.
    Neighbourhood(String),
    /// Every neighbourhood of the municipality with this code.
    Municipality(String),
}

/// The figures for an operator (`buurt export-stats`): no caller to check. `NotFound` when the
/// scope holds no neighbourhood.
pub fn export_stats(
    cx: &mut Cx<'_>,
    scope: &ExportScope,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let places = match scope {
        ExportScope::Neighbourhood(code) => repo::place_by_code(conn, code)?
            .into_iter()
            .collect::<Vec<_>>(),
        ExportScope::Municipality(code) => repo::places_in_municipality(conn, code)?,
    };
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    build_report(conn, &places, range, now)
}
