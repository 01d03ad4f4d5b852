//! What every request passes through before a handler: bounds on its size, its time and the
//! number in flight, and the headers that make pages safe to render. Each violation is answered in
//! the contract's JSON error format, quickly, so overload never means unbounded memory or waiting.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::error::ApiError;
use super::metrics::Metrics;

/// Longest request URI (path and query string), in bytes: a 1,000-character query in Polish
/// letters, percent-encoded, with every filter, fits in well under this.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest total size of the request headers, in bytes.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The service takes no request bodies (it is read-only); anything larger than this is refused.
pub const MAX_BODY_BYTES: u64 = 0;
/// Most requests handled at once; past it a request gets 503 at once instead of queueing.
pub const MAX_IN_FLIGHT: usize = 64;
/// Longest time a request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The Content-Security-Policy of every response: only the service's own scripts, styles and
/// forms; no frames, no plugins.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Shared limits.
#[derive(Clone)]
pub struct Limits {
    in_flight: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

impl Limits {
    /// Limits reporting to `metrics`.
    pub fn new(metrics: Arc<Metrics>) -> Limits {
        Limits { in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)), metrics }
    }
}

fn reject(status: StatusCode, code: &str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// Checks the request's bounds, sheds load, times out, counts, and adds the safety headers.
pub async fn guard(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let response = check_and_run(&limits, request, next).await;
    limits.metrics.observe(&route, response.status(), started.elapsed());
    secure(response)
}

async fn check_and_run(limits: &Limits, request: Request, next: Next) -> Response {
    let uri_len = request.uri().path().len() + request.uri().query().map_or(0, |q| q.len() + 1);
    if uri_len > MAX_URI_BYTES {
        return reject(StatusCode::URI_TOO_LONG, "uri_too_long", "Adres zapytania jest za długi (najwyżej 8 KiB).");
    }
    let header_bytes: usize = request.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return reject(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            "Nagłówki zapytania są za duże (najwyżej 16 KiB).",
        );
    }
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) || chunked {
        return reject(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Usługa nie przyjmuje treści zapytań.");
    }
    let Ok(_permit) = limits.in_flight.clone().try_acquire_owned() else {
        return reject(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Serwer jest przeciążony. Spróbuj ponownie za chwilę.",
        );
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!("request timed out");
            reject(StatusCode::SERVICE_UNAVAILABLE, "timeout", "Przekroczono czas odpowiedzi. Spróbuj ponownie.")
        }
    }
}

/// Headers every response carries.
fn secure(mut response: Response<Body>) -> Response<Body> {
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
