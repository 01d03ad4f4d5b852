//! The HTTP service: the contract of `shared/API.md` over [`crate::search`].
//!
//! Handlers only translate: they validate parameters into a [`crate::search::SearchRequest`],
//! run the engine on a blocking thread and answer JSON. Errors are made in one place
//! ([`error::ApiError`]). The live index generation is re-read from disk every few seconds, so an
//! operator's `lawka index` reaches a running server without a restart.

mod api;
mod assets;
pub mod error;
mod export;
pub mod limits;
pub mod metrics;
pub mod openapi;
mod pages;
mod params;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::index::IndexHandle;
use crate::search::Glossary;
use error::ApiError;

/// How often a server looks for a newly published index generation.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(2);

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The live index.
    pub index: Arc<IndexHandle>,
    /// The live glossary.
    pub glossary: Arc<LiveGlossary>,
    /// Counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// Two permits per core for engine work. Unbounded, sixteen searches at once on two cores
    /// time-slice, each evicting the others' postings from the caches: p99 at concurrency 16
    /// doubled (92 against 42 ms, 100k questions); one per core left a core idle between one
    /// search and the next (-20 % requests/s). Waiting for a permit counts towards the timeout.
    pub engine: Arc<tokio::sync::Semaphore>,
    /// The per-client rate limiter, shared by every route; `None` when turned off.
    pub rate_limiter: Option<limits::RateLimiter>,
    /// The Sphinx cluster that answers in place of the embedded index (`lawka serve --backend
    /// sphinx`), the generation in front supplying the analysis; `None`: the embedded index.
    pub sphinx: Option<Arc<crate::sphinx::Client>>,
}

impl AppState {
    /// State over an index and a glossary, with fresh metrics and the default [`limits::Protection`].
    pub fn new(index: Arc<IndexHandle>, glossary: Arc<LiveGlossary>) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        AppState {
            index,
            glossary,
            metrics: Arc::new(metrics::Metrics::new()),
            engine: Arc::new(tokio::sync::Semaphore::new(2 * cores)),
            rate_limiter: None,
            sphinx: None,
        }
        .with_protection(&limits::Protection::default())
    }

    /// The backend live now: the generation `lawka index` published last. Each request takes it
    /// once, so a switch to a new generation never splits one request's work across two.
    pub fn backend(&self) -> Arc<dyn crate::search::Backend> {
        match &self.sphinx {
            Some(client) => Arc::new(crate::sphinx::SphinxBackend::new(self.index.current(), Arc::clone(client))),
            None => self.index.current(),
        }
    }

    /// The same state answering through a Sphinx cluster (see [`AppState::sphinx`]).
    pub fn with_sphinx(mut self, client: Arc<crate::sphinx::Client>) -> AppState {
        self.sphinx = Some(client);
        self
    }

    /// The same state with this protection (a fresh rate limiter).
    pub fn with_protection(mut self, protection: &limits::Protection) -> AppState {
        self.rate_limiter =
            protection.rate_limit.map(|limit| limits::RateLimiter::new(limit, protection.client_header.clone()));
        self
    }
}

/// The glossary file, re-read when it changes so that editors need no restart or reindex.
pub struct LiveGlossary {
    path: Option<std::path::PathBuf>,
    current: arc_swap::ArcSwap<Glossary>,
    modified: std::sync::Mutex<Option<std::time::SystemTime>>,
}

impl LiveGlossary {
    /// Reads the glossary at `path` (a missing file is an empty glossary); errors name file and line.
    pub fn open(path: &std::path::Path) -> Result<LiveGlossary, String> {
        let glossary = Glossary::read(path)?;
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        Ok(LiveGlossary {
            path: Some(path.to_path_buf()),
            current: arc_swap::ArcSwap::from_pointee(glossary),
            modified: std::sync::Mutex::new(modified),
        })
    }

    /// A fixed glossary (tests, or none at all).
    pub fn fixed(glossary: Glossary) -> LiveGlossary {
        LiveGlossary {
            path: None,
            current: arc_swap::ArcSwap::from_pointee(glossary),
            modified: std::sync::Mutex::new(None),
        }
    }

    /// The glossary to use for a request.
    pub fn load_full(&self) -> Arc<Glossary> {
        self.current.load_full()
    }

    /// Re-reads the file if it changed; a file with errors, or a file gone, is not used (the old
    /// glossary stays).
    fn reload(&self) {
        let Some(path) = &self.path else { return };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let Ok(mut last) = self.modified.lock() else { return };
        if *last == modified {
            return;
        }
        *last = modified;
        if modified.is_none() && !path.exists() {
            // A glossary that disappears is more likely being replaced (an import swaps the whole
            // corpus directory) than withdrawn: searching without it would drop every resident's
            // word until the next restart. A restart without the file starts without it.
            tracing::warn!(path = %path.display(), "glossary file missing: the glossary in use stays");
            return;
        }
        match Glossary::read(path) {
            Ok(g) => {
                tracing::info!(groups = g.len(), path = %path.display(), "glossary reloaded");
                self.current.store(Arc::new(g));
            }
            Err(e) => tracing::warn!(error = %e, "glossary not reloaded: it has errors"),
        }
    }
}

/// The application's routes.
pub fn app(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let rate_limiter = state.rate_limiter.clone();
    let router = Router::new()
        .route("/", get(pages::search))
        .route("/q/{meeting}", get(pages::meeting))
        .route("/q/{meeting}/", get(pages::meeting))
        .route("/q/{meeting}/{n}", get(pages::question))
        .route("/q/{meeting}/{n}/", get(pages::question_with_slash))
        .route("/zapytaj", get(pages::ask))
        .route("/meetings", get(pages::meetings))
        .route("/stats", get(pages::stats))
        .route("/static/{name}", get(assets::asset))
        .route("/healthz", get(api::health))
        .route("/api/search", get(api::search))
        .route("/api/questions/{meeting}/{n}", get(api::question))
        .route("/api/questions/{meeting}/{n}/related", get(api::related_to_question))
        .route("/api/related", get(api::related_to_text))
        .route("/api/suggest", get(api::suggest))
        .route("/api/histogram", get(api::histogram))
        .route("/api/export.csv", get(export::export_csv))
        .route("/api/export.json", get(export::export_json))
        .route("/feed.atom", get(export::feed))
        .route("/api/meetings", get(api::meetings))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/metrics", get(metrics::metrics))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(CatchPanicLayer::custom(panic_response))
        // One pool of slots for all routes (a per-route limit would allow 64 per route), taken
        // without waiting: a full server answers 503 at once instead of queueing without bound.
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(limits::overloaded))
                .load_shed()
                .layer(GlobalConcurrencyLimitLayer::new(limits::MAX_IN_FLIGHT))
                .timeout(limits::REQUEST_TIMEOUT),
        );
    // Outside the slots: a client over its rate is refused before it can take one.
    let router = match rate_limiter {
        Some(limiter) => router.layer(limiter.layer()),
        None => router,
    };
    router
        // Outside everything else, so that every answer (a panic's, a 429, a 503) is counted and
        // gets the safety headers.
        .layer(axum::middleware::from_fn_with_state(metrics, limits::guard))
        .layer(TraceLayer::new_for_http())
}

/// 404: JSON under `/api/`, a page for people elsewhere.
async fn fallback(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || path == "/api" {
        ApiError::not_found().into_response()
    } else {
        pages::not_found(path)
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Ta metoda HTTP nie jest obsługiwana; usługa jest tylko do odczytu.",
    )
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal(&"a request handler panicked").into_response()
}

/// Serves on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves on an already bound listener until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Loaded now rather than by the first English, Ukrainian or Russian query (tens of milliseconds).
    tokio::task::spawn_blocking(crate::analysis::english::english_polish);
    tokio::task::spawn_blocking(crate::analysis::cyrillic::ukrainian_polish);
    tokio::task::spawn_blocking(crate::analysis::cyrillic::russian_polish);
    // Likewise each document's facet values, read once per generation (~0.25 s at 1M questions).
    let current = state.index.current();
    tokio::task::spawn_blocking(move || crate::search::warm(&current));
    let reloader = tokio::spawn(watch_changes(state.clone()));
    let sweeper = state.rate_limiter.clone().map(|limiter| tokio::spawn(sweep(limiter)));
    tracing::info!(addr = %listener.local_addr()?, documents = state.backend().meta().documents, "serving");
    // The peer address is the rate limit's key (unless a trusted proxy header names the client).
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    reloader.abort();
    if let Some(s) = sweeper {
        s.abort();
    }
    result
}

/// Keeps the rate limiter's memory bounded by the clients active in the last minute.
async fn sweep(limiter: limits::RateLimiter) {
    let mut tick = tokio::time::interval(limits::RATE_LIMITER_SWEEP);
    loop {
        tick.tick().await;
        limiter.sweep();
    }
}

/// Switches to a newly published generation when `lawka index` makes one, and to an edited glossary.
async fn watch_changes(state: AppState) {
    let index = state.index;
    let mut tick = tokio::time::interval(RELOAD_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let glossary = state.glossary.clone();
        let _ = tokio::task::spawn_blocking(move || glossary.reload()).await;
        let handle = index.clone();
        // A new generation is warmed before it serves, so no request pays for its first facets.
        match tokio::task::spawn_blocking(move || handle.reload_with(crate::search::warm)).await {
            Ok(Ok(true)) => {
                let g = index.current();
                tracing::info!(generation = %g.meta.generation, documents = g.meta.documents, "switched to a new index generation");
            }
            Ok(Ok(false)) => {}
            // A generation that cannot be opened is not switched to; the old one keeps serving.
            Ok(Err(e)) => tracing::warn!(error = %e, "new index generation not loaded"),
            Err(e) => tracing::warn!(error = %e, "index reload task failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A `SocketAddr` for the default local address.
pub fn default_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glossary_file_that_disappears_leaves_the_glossary_in_use() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("glossary.txt");
        std::fs::write(&path, "dziura ~ ubytek w nawierzchni\nkopciuch ~ piec węglowy\n").unwrap();
        let live = LiveGlossary::open(&path).unwrap();
        assert_eq!(live.load_full().len(), 2);
        std::fs::remove_file(&path).unwrap();
        live.reload();
        assert_eq!(live.load_full().len(), 2, "kept while the file is away");
        std::fs::write(&path, "śmieci ~ odpady\n").unwrap();
        live.reload();
        assert_eq!(live.load_full().len(), 1, "a file put back is read");
    }
}
