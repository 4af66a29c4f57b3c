//! Monitoring for the wijkteam and the municipality: figures per neighbourhood and week or
//! month, as JSON or CSV, never about a person.

use actix_web::http::header::{self, Accept};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::partners::Scope;
use buurt_domain::policy::Action;
use buurt_domain::stats::{
    self as rules, Figures, Interval, Period, RangeError, ReportedPlace, TIME_ZONE, local_date,
};
use buurt_domain::value::day_in_range;
use buurt_openapi::problem::Problem;
use buurt_openapi::stats::{IntervalDto, StatsParams, StatsReport, StatsRow};
use buurt_persistence::{DbConnection, PersistenceError, memberships, stats as repo, time};
use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode, FieldIssue, FieldProblem};
use crate::routes::neighbourhoods::load;
use crate::state::AppState;

/// How many periods a report covers when `from` is not given.
const DEFAULT_PERIODS: u32 = 12;

/// The periods a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub interval: Interval,
    pub periods: Vec<Period>,
}

impl Range {
    /// Reads `from`, `to` and `interval`, with the defaults documented on [`StatsParams`].
    pub fn from_params(params: &StatsParams, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let interval = match params.interval.unwrap_or_default() {
            IntervalDto::Week => Interval::Week,
            IntervalDto::Month => Interval::Month,
        };
        let day = |field: &str, raw: &Option<String>| -> Result<Option<NaiveDate>, FieldProblem> {
            raw.as_deref()
                .map(|raw| {
                    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                        FieldProblem::new(
                            field,
                            FieldIssue::invalid("a day as YYYY-MM-DD", "een dag als JJJJ-MM-DD"),
                        )
                    })?;
                    // Far days would overflow the week and month arithmetic.
                    day_in_range(day).map_err(|error| FieldProblem::new(field, error.into()))
                })
                .transpose()
        };
        let (from, to) = match (day("from", &params.from), day("to", &params.to)) {
            (Ok(from), Ok(to)) => (from, to),
            (from, to) => {
                let problems = [from.err(), to.err()].into_iter().flatten().collect();
                return Err(ApiError::InvalidQuery(problems));
            }
        };
        let to = to.unwrap_or_else(|| local_date(now));
        let from = from.unwrap_or_else(|| rules::recent(to, interval, DEFAULT_PERIODS).0);
        let periods = rules::periods(from, to, interval).map_err(|error| {
            let issue = match error {
                RangeError::Reversed => {
                    FieldIssue::invalid("a day on or after `from`", "een dag op of na `from`")
                }
                RangeError::TooLong { max } => FieldIssue::TooMany { max },
            };
            ApiError::InvalidQuery(vec![FieldProblem::new("to", issue)])
        })?;
        Ok(Self { interval, periods })
    }
}

/// The report over `places` (all in one municipality), every place and period.
pub fn build_report(
    conn: &mut DbConnection,
    places: &[ReportedPlace],
    range: &Range,
    now: DateTime<Utc>,
) -> Result<StatsReport, PersistenceError> {
    let ids: Vec<NeighbourhoodId> = places.iter().map(|place| place.id).collect();
    let raw = repo::report(conn, &ids, &range.periods, range.interval, now)?;
    let mut rows = Vec::with_capacity(places.len() * range.periods.len());
    for place in places {
        for period in &range.periods {
            let figures = raw
                .get(&(place.id, period.start))
                .map(Figures::publish)
                .unwrap_or_else(|| Figures::publish(&Default::default()));
            rows.push(StatsRow::new(
                (place.id.0, place.code.clone(), place.name.clone()),
                (period.start, period.end),
                &figures,
            ));
        }
    }
    let first = places.first();
    Ok(StatsReport {
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
        interval: match range.interval {
            Interval::Week => IntervalDto::Week,
            Interval::Month => IntervalDto::Month,
        },
        time_zone: TIME_ZONE.name().to_owned(),
        rows,
    })
}

/// The report as CSV: a header row, then a row per neighbourhood and period.
pub fn to_csv(report: &StatsReport) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(StatsRow::CSV_HEADER)?;
    for row in &report.rows {
        writer.write_record(row.cells())?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// Whether the client asked for CSV rather than JSON (by `Accept`, best first).
fn wants_csv(request: &HttpRequest) -> bool {
    let Some(accept) = request.get_header::<Accept>() else {
        return false;
    };
    accept
        .ranked()
        .into_iter()
        .find_map(
            |mime| match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("text", "csv") => Some(true),
                ("application", "json") | ("application", "*") | ("*", "*") => Some(false),
                _ => None,
            },
        )
        .unwrap_or(false)
}

fn respond(
    request: &HttpRequest,
    report: StatsReport,
    name: &str,
) -> Result<HttpResponse, ApiError> {
    if !wants_csv(request) {
        return Ok(HttpResponse::Ok().json(report));
    }
    let body = to_csv(&report).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"buurt-{name}-{}-{}.csv\"",
                report.from, report.to
            ),
        ))
        .body(body))
}

/// Figures for one neighbourhood, per week or month (its mediators and moderators,
/// professionals of its municipality, administrators). JSON, or CSV with `Accept: text/csv`.
/// Counts of 1 to 4 are shown as `"<5"` (empty in CSV); medians need five values.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = []), ("partner" = ["stats:read"])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), StatsParams),
    responses(
        (status = 200, description = "The figures.", content(
            (StatsReport = "application/json"),
            (String = "text/csv", example = json!("neighbourhood_id,neighbourhood_code,…\n")),
        )),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a mediator or moderator here, nor a professional of its municipality; `insufficient_scope`: a machine client without `stats:read` for this municipality.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`invalid_query`: a day that is not `YYYY-MM-DD`, `to` before `from`, or too many periods.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/stats")]
pub async fn neighbourhood_stats(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    params: web::Query<StatsParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let range = Range::from_params(&params, now)?;
    let id = NeighbourhoodId(id.into_inner());
    let report = state
        .db(move |conn| {
            let place = load(conn, id)?;
            match &caller {
                Caller::Machine(machine) => {
                    let municipality = place.draft.municipality_code.as_str();
                    machine.client_in(conn, Scope::StatsRead, municipality)?;
                }
                caller => {
                    let actor = memberships::actor(conn, caller.user()?, &place)?;
                    if !actor.may(Action::ReadNeighbourhoodStats) {
                        return Err(ApiError::Refused(ErrorCode::Forbidden));
                    }
                }
            }
            Ok(build_report(
                conn,
                &[ReportedPlace::from(&place)],
                &range,
                now,
            )?)
        })
        .await?;
    let name = report
        .rows
        .first()
        .map_or_else(String::new, |row| row.neighbourhood_code.clone());
    respond(&request, report, &name)
}

/// Figures for every neighbourhood of a municipality, a row per neighbourhood and period
/// (professionals of that municipality, administrators). JSON, or CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "monitoring",
    security(("bearer" = []), ("partner" = ["stats:read"])),
    params(("code" = String, Path, description = "The CBS municipality code, `GM` and four digits.", example = "GM0363"), StatsParams),
    responses(
        (status = 200, description = "The figures.", content(
            (StatsReport = "application/json"),
            (String = "text/csv", example = json!("neighbourhood_id,neighbourhood_code,…\n")),
        )),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a professional of this municipality; `insufficient_scope`: a machine client without `stats:read` for it.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No neighbourhoods with this municipality code.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`invalid_query`: a day that is not `YYYY-MM-DD`, `to` before `from`, or too many periods.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/municipalities/{code}/stats")]
pub async fn municipality_stats(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    params: web::Query<StatsParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let now = time::now();
    let range = Range::from_params(&params, now)?;
    let code = MunicipalityCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    let name = code.as_str().to_owned();
    let report = state
        .db(move |conn| {
            let places = repo::places_in_municipality(conn, code.as_str())?;
            if places.is_empty() {
                return Err(ApiError::NotFound);
            }
            match &caller {
                Caller::Machine(machine) => {
                    machine.client_in(conn, Scope::StatsRead, code.as_str())?;
                }
                caller => {
                    let actor = memberships::municipality_actor(conn, caller.user()?, &code)?;
                    if !actor.may(Action::ReadMunicipalityStats) {
                        return Err(ApiError::Refused(ErrorCode::Forbidden));
                    }
                }
            }
            Ok(build_report(conn, &places, &range, now)?)
        })
        .await?;
    respond(&request, report, &name)
}
