//! What every request passes through before a handler: bounds on its size, a per-client rate
//! limit, a bound on the requests in flight and on their time, and the headers that make pages
//! safe to render. Each violation is answered in the contract's JSON error format, quickly, so
//! overload never means unbounded memory or waiting, and one greedy client cannot take every
//! slot from the others.
//!
//! The size checks, metrics and headers are ours ([`guard`]); shedding, concurrency and timeouts
//! are tower's own layers, and the rate limit is `tower_governor` (a GCRA per client), configured
//! here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::middleware::NoOpMiddleware;
use tower::BoxError;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use super::error::ApiError;
use super::metrics::Metrics;

/// Longest request URI (path and query string), in bytes: every text a parameter may hold fits,
/// percent-encoded, with every filter: a 1,000-character query of four-byte characters (12 bytes
/// each encoded), a resident's 5,000-character description in Polish (~8–9 KiB: its spaces and
/// Polish letters take 3 and 6 bytes) or in Ukrainian (~28 KiB: every Cyrillic letter takes 6;
/// at 16 KiB a Ukrainian description stopped at about 2,700 characters).
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// Largest total size of the request headers, in bytes.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The service takes no request bodies (it is read-only); anything larger than this is refused.
pub const MAX_BODY_BYTES: u64 = 0;
/// Most requests handled at once; past it a request gets 503 at once instead of queueing.
pub const MAX_IN_FLIGHT: usize = 64;
/// Longest time a request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests per second one client may sustain by default: a person paging, filtering and typing
/// (every keystroke asks for suggestions) stays far below it; a script looping requests does not.
pub const DEFAULT_RATE_PER_SECOND: u32 = 20;
/// Requests one client may send at once after a pause, by default. Well under [`MAX_IN_FLIGHT`],
/// so that a client opening 64 connections at once still leaves slots for everybody else.
pub const DEFAULT_RATE_BURST: u32 = 32;
/// How often the rate limiter forgets clients that have been quiet long enough to be full again.
pub const RATE_LIMITER_SWEEP: Duration = Duration::from_secs(60);

/// The Content-Security-Policy of every response: only the service's own scripts, styles and
/// forms; no frames, no plugins.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// How fast one client may send requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per second it may sustain.
    pub per_second: NonZeroU32,
    /// Requests it may send at once after a pause.
    pub burst: NonZeroU32,
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit {
            per_second: NonZeroU32::new(DEFAULT_RATE_PER_SECOND).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(DEFAULT_RATE_BURST).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// How the service keeps clients from starving each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protection {
    /// The per-client rate limit; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// A header that a trusted reverse proxy sets to the client's address (`X-Forwarded-For`);
    /// without it, the client is the peer address of the connection. Only set this when every
    /// request comes through that proxy: otherwise any client can name itself.
    pub client_header: Option<HeaderName>,
}

impl Default for Protection {
    fn default() -> Protection {
        Protection { rate_limit: Some(RateLimit::default()), client_header: None }
    }
}

/// Who a request comes from, for the rate limit: an IPv4 address, or an IPv6 /64 (one household
/// or server gets a whole /64, so single IPv6 addresses are free to change).
#[derive(Clone, Debug)]
pub struct ClientKey {
    header: Option<HeaderName>,
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        let forwarded = self.header.as_ref().and_then(|name| address_in_header(req.headers(), name));
        let peer = || req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        // Without connection info (a router driven in-process) every request is one client.
        Ok(client_of(forwarded.or_else(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

/// The address a proxy put in `name`: the last one, because a proxy appends the address it saw
/// and everything before it was sent by the client and proves nothing.
fn address_in_header(headers: &HeaderMap, name: &HeaderName) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    last.parse::<IpAddr>().ok().or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

fn client_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The shared per-client rate limiter.
#[derive(Clone)]
pub struct RateLimiter {
    config: Arc<GovernorConfig<ClientKey, NoOpMiddleware>>,
}

impl RateLimiter {
    /// A limiter for `limit`, telling clients apart by peer address or by `client_header`.
    pub fn new(limit: RateLimit, client_header: Option<HeaderName>) -> RateLimiter {
        let period = Duration::from_secs(1) / limit.per_second.get();
        let config = GovernorConfigBuilder::default()
            .key_extractor(ClientKey { header: client_header })
            .period(period.max(Duration::from_nanos(1)))
            .burst_size(limit.burst.get())
            .finish();
        // Both values are non-zero by type, so the builder always succeeds.
        let config = config.unwrap_or_else(|| unreachable!("period and burst are non-zero"));
        RateLimiter { config: Arc::new(config) }
    }

    /// The layer answering 429 to a client over its rate.
    pub fn layer(&self) -> GovernorLayer<ClientKey, NoOpMiddleware, Body> {
        GovernorLayer::new(self.config.clone()).error_handler(rate_limited)
    }

    /// Forgets clients whose allowance is full again (bounded memory under many addresses).
    pub fn sweep(&self) {
        let limiter = self.config.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
}

/// 429 with `Retry-After` in whole seconds, rounded up (a client waiting that long gets in).
fn rate_limited(error: GovernorError) -> Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let retry_after = wait_time.saturating_add(1);
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Za dużo zapytań z jednego adresu. Spróbuj ponownie za {retry_after} s."),
            )
            .into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            response
        }
        other => ApiError::internal(&other).into_response(),
    }
}

/// The answer to a request that tower's load shedding or timeout stopped.
pub async fn overloaded(error: BoxError) -> ApiError {
    if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!("request timed out");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "Przekroczono czas odpowiedzi. Spróbuj ponownie.")
    } else if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "Serwer jest przeciążony. Spróbuj ponownie za chwilę.",
        )
    } else {
        ApiError::internal(&error)
    }
}

fn reject(status: StatusCode, code: &str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// Checks the request's size, counts it, and adds the safety headers to every answer, including
/// those of the layers inside (429, 503).
pub async fn guard(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route =
        request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let response = match check_size(&request) {
        Some(rejection) => rejection,
        None => next.run(request).await,
    };
    metrics.observe(&route, response.status(), started.elapsed());
    secure(response)
}

fn check_size(request: &Request) -> Option<Response> {
    let uri_len = request.uri().path().len() + request.uri().query().map_or(0, |q| q.len() + 1);
    if uri_len > MAX_URI_BYTES {
        if super::pages::is_page(request.uri().path()) {
            return Some(super::pages::too_long());
        }
        return Some(reject(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "Adres zapytania jest za długi (najwyżej 32 KiB).",
        ));
    }
    let header_bytes: usize = request.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    if header_bytes > MAX_HEADER_BYTES {
        return Some(reject(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            "Nagłówki zapytania są za duże (najwyżej 16 KiB).",
        ));
    }
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) || chunked {
        return Some(reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Usługa nie przyjmuje treści zapytań.",
        ));
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(header: Option<&str>, headers: &[(&str, &str)], peer: &str) -> IpAddr {
        let mut req = axum::http::Request::builder();
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(()).unwrap();
        req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        let extractor = ClientKey { header: header.map(|h| HeaderName::from_bytes(h.as_bytes()).unwrap()) };
        extractor.extract(&req).unwrap()
    }

    #[test]
    fn clients_are_told_apart_by_peer_unless_a_proxy_header_is_trusted() {
        let xff = [("x-forwarded-for", "6.6.6.6, 10.1.2.3")];
        assert_eq!(key(None, &xff, "192.0.2.1:5000"), "192.0.2.1".parse::<IpAddr>().unwrap());
        assert_eq!(key(Some("x-forwarded-for"), &xff, "192.0.2.1:5000"), "10.1.2.3".parse::<IpAddr>().unwrap());
        // A request that did not come through the proxy is its peer.
        assert_eq!(key(Some("x-forwarded-for"), &[], "192.0.2.1:5000"), "192.0.2.1".parse::<IpAddr>().unwrap());
        assert_eq!(
            key(Some("x-forwarded-for"), &[("x-forwarded-for", "nonsense")], "192.0.2.1:5000"),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
        // One IPv6 /64 is one client; an IPv4-mapped address is its IPv4 address.
        assert_eq!(key(None, &[], "[2001:db8:1:2:aaaa::1]:5000"), key(None, &[], "[2001:db8:1:2:bbbb::9]:80"));
        assert_ne!(key(None, &[], "[2001:db8:1:2::1]:5000"), key(None, &[], "[2001:db8:1:3::1]:5000"));
        assert_eq!(key(None, &[], "[::ffff:192.0.2.7]:1"), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
