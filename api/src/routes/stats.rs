//! Monitoring for the wijkteam and the municipality: figures per neighbourhood and week or
//! month, as JSON or CSV, never about a person.

use actix_web::http::header::{self, Accept};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use buurt_app::stats::{self as app, Range, Report};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::stats::{Interval, RangeError, TIME_ZONE, local_date};
use buurt_domain::value::day_in_range;
use buurt_openapi::problem::Problem;
use buurt_openapi::stats::{IntervalDto, StatsParams, StatsReport, StatsRow};
use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::Caller;
use crate::http::error::{ApiError, FieldIssue, FieldProblem};
use crate::http::query::Query;
use crate::state::AppState;

/// Reads `from`, `to` and `interval`, with the defaults documented on [`StatsParams`]
/// (`to` is today as of `now`).
pub fn range(params: &StatsParams, now: DateTime<Utc>) -> Result<Range, ApiError> {
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
    Range::new(from, to, interval, local_date(now)).map_err(|error| {
        let issue = match error {
            RangeError::Reversed => {
                FieldIssue::invalid("a day on or after `from`", "een dag op of na `from`")
            }
            RangeError::TooLong { max } => FieldIssue::TooMany { max },
        };
        ApiError::InvalidQuery(vec![FieldProblem::new("to", issue)])
    })
}

/// The report as the wire shows it.
pub fn report_dto(report: Report) -> StatsReport {
    StatsReport {
        municipality_code: report.municipality_code,
        municipality_name: report.municipality_name,
        from: report.from,
        to: report.to,
        interval: match report.interval {
            Interval::Week => IntervalDto::Week,
            Interval::Month => IntervalDto::Month,
        },
        time_zone: TIME_ZONE.name().to_owned(),
        rows: report
            .rows
            .into_iter()
            .map(|row| {
                StatsRow::new(
                    (row.place.id.0, row.place.code, row.place.name),
                    (row.period.start, row.period.end),
                    &row.figures,
                )
            })
            .collect(),
    }
}

/// The report as CSV: a header row, then a row per neighbourhood and period, every cell
/// [`spreadsheet_safe`].
pub fn to_csv(report: &StatsReport) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(StatsRow::CSV_HEADER)?;
    for row in &report.rows {
        writer.write_record(
            row.cells()
                .iter()
                .map(|cell| spreadsheet_safe(cell).into_owned()),
        )?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// A CSV cell a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula (a neighbourhood named `=HYPERLINK(…)`), so it
/// gets a leading `'`, as OWASP advises against CSV injection. The figures never start so.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Whether the client asked for CSV rather than JSON (by `Accept`, best first).
pub(crate) fn wants_csv(request: &HttpRequest) -> bool {
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
        (status = 403, description = "`forbidden`: not a mediator or moderator here, nor a professional of its municipality; `insufficient_scope`: a machine client without `stats:read` for this municipality.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`invalid_query`: a day that is not `YYYY-MM-DD`, `to` before `from`, or too many periods.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/stats")]
pub async fn neighbourhood_stats(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    params: Query<StatsParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let range = range(&params, state.clock.now())?;
    let id = NeighbourhoodId(id.into_inner());
    let by = caller.requester();
    // Built and serialised in a turn of its own (`AppState::reports`).
    let _turn = state.report_turn().await;
    // Aggregates of facts recorded elsewhere: the read replica may serve them.
    let report = state
        .read(move |cx| app::neighbourhood_report(cx, &by, id, &range))
        .await
        .map(report_dto)?;
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
    params: Query<StatsParams>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let range = range(&params, state.clock.now())?;
    let code = MunicipalityCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    let name = code.as_str().to_owned();
    let by = caller.requester();
    // Built and serialised in a turn of its own (`AppState::reports`).
    let _turn = state.report_turn().await;
    let report = state
        .read(move |cx| app::municipality_report(cx, &by, &code, &range))
        .await
        .map(report_dto)?;
    respond(&request, report, &name)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_escaped() {
        for risky in ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        for plain in ["Lombok", "12", "0.5", "", "'s-Hertogenbosch", "a=b"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
