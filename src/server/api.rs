//! The JSON endpoints: thin handlers that validate, call `search` on a blocking thread, answer.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::{Query, QueryRejection};
use serde::Serialize;

use super::error::ApiError;
use super::AppState;
use crate::corpus::QuestionId;
use crate::index::{Generation, MeetingSummary};
use crate::search::{self, Glossary, QuestionResponse, RawSearchParams, SearchRequest, SearchResponse};

/// Runs CPU-bound engine work off the async executor, on the generation live when it starts.
async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Generation, &Glossary) -> Result<T, ApiError> + Send + 'static,
{
    let generation = state.index.current();
    let glossary = state.glossary.load_full();
    tokio::task::spawn_blocking(move || f(&generation, &glossary)).await.map_err(|e| ApiError::internal(&e))?
}

/// Turns a query-string rejection (unknown parameter, bad encoding) into our 400.
fn query_params(q: Result<Query<RawSearchParams>, QueryRejection>) -> Result<RawSearchParams, ApiError> {
    q.map(|Query(p)| p).map_err(|e| {
        let detail = e.body_text();
        let detail = detail.trim_start_matches("Failed to deserialize query string: ");
        if detail.contains("unknown field") {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unknown_parameter",
                format!("Nieznany parametr zapytania ({detail})."),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query_string",
                format!("Niepoprawne parametry zapytania ({detail})."),
            )
        }
    })
}

/// Rejects a query string whose percent-encoded bytes are not UTF-8 (the decoder would otherwise
/// replace them silently and search for something the user never typed).
fn check_encoding(query: Option<&str>) -> Result<(), ApiError> {
    let Some(query) = query else { return Ok(()) };
    let bytes = query.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|b| (*b as char).to_digit(16));
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                decoded.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    std::str::from_utf8(&decoded).map(|_| ()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_encoding",
            "Parametry zapytania nie są poprawnie zakodowanym tekstem UTF-8.",
        )
    })
}

/// `GET /api/search`.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    q: Result<Query<RawSearchParams>, QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    check_encoding(query.as_deref())?;
    let raw = query_params(q)?;
    let resp = blocking(&state, move |g, glossary| {
        let req = SearchRequest::parse(&raw, &g.meta)?;
        Ok(search::search(g, glossary, &req)?)
    })
    .await?;
    tracing::info!(q = %resp.query, total = resp.total, took_ms = resp.took_ms, "search");
    Ok(Json(resp))
}

/// `GET /api/questions/{meeting}/{n}`.
pub async fn question(
    State(state): State<AppState>,
    Path((meeting, n)): Path<(String, String)>,
) -> Result<Json<QuestionResponse>, ApiError> {
    let raw = format!("{meeting}/{n}");
    let id: QuestionId = raw.parse().map_err(|_| ApiError::question_not_found(&raw))?;
    let resp = blocking(&state, move |g, _| Ok(search::question(g, &id)?)).await?;
    Ok(Json(resp))
}

/// `GET /api/meetings`: newest first.
pub async fn meetings(State(state): State<AppState>) -> Json<Vec<MeetingSummary>> {
    Json(state.index.current().meta.meetings.clone())
}

/// The body of `/healthz`.
#[derive(Serialize)]
pub struct Health {
    status: &'static str,
    documents: u64,
    generation: String,
    built_at: String,
}

/// `GET /healthz`.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let g: Arc<Generation> = state.index.current();
    Json(Health {
        status: "ok",
        documents: g.meta.documents,
        generation: g.meta.generation.clone(),
        built_at: g.meta.built_at.clone(),
    })
}

/// Any other path.
pub async fn fallback() -> ApiError {
    ApiError::not_found()
}
