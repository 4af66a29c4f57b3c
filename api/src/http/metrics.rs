//! Prometheus metrics: requests by route, latency, the connection pool and the process.
//!
//! Labels are bounded on purpose: the route is the matched pattern (`/v1/posts/{id}`), never the
//! raw path; an unknown route is `unmatched` and an unknown method `other`, so a scanner cannot
//! grow the series without limit.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use buurt_persistence::{DbPool, StatementCount};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

/// The metrics of one server; shared by its workers.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl Metrics {
    pub fn new(
        pool: DbPool,
        pool_max: u32,
        statements: StatementCount,
    ) -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("buurt".into()), None)?;
        let labels = &["route", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered."),
            labels,
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from receiving a request to its response head.",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(PoolCollector::new(pool, pool_max, statements)?))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        Ok(Self {
            registry,
            requests,
            duration,
        })
    }

    /// The text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let families = self.registry.gather();
        prometheus::TextEncoder::new()
            .encode_to_string(&families)
            .unwrap_or_default()
    }

    fn observe(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [route, method_label(method), status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(seconds);
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times every request under the route it matched.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let metrics = req.app_data::<actix_web::web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        metrics.observe(
            &route,
            &method,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

/// The pool's state, read when scraped.
struct PoolCollector {
    pool: DbPool,
    statements_sent: StatementCount,
    size: IntGauge,
    idle: IntGauge,
    max: IntGauge,
    statements: IntCounter,
}

impl PoolCollector {
    fn new(
        pool: DbPool,
        max: u32,
        statements_sent: StatementCount,
    ) -> Result<Self, prometheus::Error> {
        let collector = Self {
            pool,
            statements_sent,
            size: IntGauge::new(
                "db_pool_connections",
                "Database connections open in the pool.",
            )?,
            idle: IntGauge::new(
                "db_pool_idle_connections",
                "Open database connections not checked out.",
            )?,
            max: IntGauge::new(
                "db_pool_max_connections",
                "The most connections the pool opens (BUURT_DB_POOL_SIZE).",
            )?,
            statements: IntCounter::new(
                "db_statements_total",
                "Statements sent to the database by this process's pool.",
            )?,
        };
        collector.max.set(i64::from(max));
        Ok(collector)
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        let gauges = [&self.size, &self.idle, &self.max].into_iter();
        gauges
            .flat_map(Collector::desc)
            .chain(self.statements.desc())
            .collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let state = self.pool.state();
        self.size.set(i64::from(state.connections));
        self.idle.set(i64::from(state.idle_connections));
        let sent = self.statements_sent.get();
        self.statements
            .inc_by(sent.saturating_sub(self.statements.get()));
        let gauges = [&self.size, &self.idle, &self.max].into_iter();
        gauges
            .flat_map(Collector::collect)
            .chain(self.statements.collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        let custom = Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(method_label(&custom), "other");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }
}
