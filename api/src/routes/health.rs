use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, web};
use buurt_openapi::health::HealthStatus;
use buurt_openapi::problem::Problem;

use crate::availability::{Admission, PROBE_TIMEOUT};
use crate::http::error::{ApiError, ErrorCode};
use crate::state::AppState;
use buurt_persistence::PersistenceError;

/// How long readiness waits for a database connection before answering 503: a load balancer
/// polls it and wants its answer quickly.
const READINESS_TIMEOUT: Duration = Duration::from_millis(500);

fn ok() -> web::Json<HealthStatus> {
    web::Json(HealthStatus {
        status: "ok".into(),
    })
}

/// Liveness: the process is up and serving. Never touches the database.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is serving.", body = HealthStatus)),
)]
#[get("/health/live")]
pub async fn live() -> web::Json<HealthStatus> {
    ok()
}

/// Readiness: the database answers. Use it to take a node out of a load balancer while its
/// database is unreachable; it turns 200 again by itself once the database is back.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve requests.", body = HealthStatus),
        (status = 503, description = "The database is unreachable (`database_unavailable`).",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<web::Json<HealthStatus>, ApiError> {
    let timeout = match state.availability.admit() {
        Admission::Go => READINESS_TIMEOUT,
        Admission::Probe => PROBE_TIMEOUT,
        Admission::Refuse => {
            return Err(ApiError::DatabaseUnavailable(
                PersistenceError::KnownUnavailable,
            ));
        }
    };
    let pool = state.pool.clone();
    let url = state.database_url.clone();
    let availability = state.availability.clone();
    web::block(move || {
        let checked = buurt_persistence::check_ready(&pool, &url, timeout);
        match &checked {
            Ok(()) => availability.reached(),
            Err(_) => availability.unreachable(),
        }
        checked
    })
    .await?
    .map_err(ApiError::DatabaseUnavailable)?;
    Ok(ok())
}

/// Prometheus metrics in the text format: requests and their latency per route, method and
/// status; the database pool; the process (memory, CPU, open files). Meant for the operator's
/// scraper: keep it off the public internet at the proxy. With `BUURT_METRICS_TOKEN` set, only
/// a request with `Authorization: Bearer <that token>` gets them.
#[utoipa::path(
    tag = "operations",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Metrics in the Prometheus text format 0.0.4.",
         body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "`metrics_token_required`: `BUURT_METRICS_TOKEN` is set \
          and the request did not carry it.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    metrics: web::Data<crate::http::metrics::Metrics>,
    token: web::Data<crate::http::security::MetricsToken>,
) -> Result<HttpResponse, ApiError> {
    if !token.admits(req.headers().get(actix_web::http::header::AUTHORIZATION)) {
        return Err(ApiError::Refused(ErrorCode::MetricsTokenRequired));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render()))
}
