//! `GET /metrics` in Prometheus text format: requests by route and status, latency, zero-result
//! searches, and the live index's generation and size. One registry per server, so servers in one
//! process (the tests) do not share counters.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use super::AppState;

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    zero_results: IntCounter,
    meaning_only: IntCounter,
    generation: IntGauge,
    documents: IntGauge,
}

impl Metrics {
    /// A fresh registry with every metric registered.
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("lawka_http_requests_total", "HTTP requests by route and status."),
            &["route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("lawka_http_request_duration_seconds", "Time to answer a request, by route.")
                .buckets(vec![0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0]),
            &["route"],
        )
        .expect("valid metric");
        let zero_results =
            IntCounter::new("lawka_search_zero_results_total", "Searches that found nothing.").expect("valid metric");
        let meaning_only = IntCounter::new(
            "lawka_search_meaning_only_total",
            "Searches whose words no question has, answered by meaning alone.",
        )
        .expect("valid metric");
        let generation =
            IntGauge::new("lawka_index_generation", "Number of the live index generation.").expect("valid metric");
        let documents = IntGauge::new("lawka_index_documents", "Questions in the live index.").expect("valid metric");
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(zero_results.clone()),
            Box::new(meaning_only.clone()),
            Box::new(generation.clone()),
            Box::new(documents.clone()),
        ] {
            registry.register(m).expect("metric names are unique");
        }
        Metrics { registry, requests, latency, zero_results, meaning_only, generation, documents }
    }

    /// Counts one answered request.
    pub fn observe(&self, route: &str, status: StatusCode, took: Duration) {
        self.requests.with_label_values(&[route, status.as_str()]).inc();
        self.latency.with_label_values(&[route]).observe(took.as_secs_f64());
    }

    /// Counts a search that found nothing.
    pub fn zero_result(&self) {
        self.zero_results.inc();
    }

    /// Counts a search whose words found nothing, answered by meaning alone.
    pub fn meaning_only(&self) {
        self.meaning_only.inc();
    }

    fn render(&self, state: &AppState) -> String {
        let backend = state.backend();
        let meta = backend.meta();
        let number = meta.generation.trim_start_matches("gen-").parse::<i64>().unwrap_or(0);
        self.generation.set(number);
        self.documents.set(meta.documents as i64);
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(&state);
    let mut resp = body.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    resp
}
