//! The JSON endpoints: thin handlers that validate, call `search` on a blocking thread, answer.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::error::ApiError;
use super::params::{check_text, number, value, Pairs, Segments};
use super::AppState;
use crate::corpus::QuestionId;
use crate::index::MeetingSummary;
use crate::search::export::{Histogram, Interval};
use crate::search::suggest::{SuggestResponse, MAX_SUGGESTIONS};
use crate::search::{
    self, Backend, Glossary, QuestionResponse, RelatedHit, SearchRequest, SearchResponse, MAX_RELATED,
};

/// Longest free text accepted by `/api/related` (a resident may paste a whole question).
pub const MAX_RELATED_TEXT_CHARS: usize = 5_000;
/// Related questions returned when `limit` is not given.
pub const DEFAULT_RELATED: usize = 5;
/// Suggestions returned when `limit` is not given.
pub const DEFAULT_SUGGESTIONS: usize = 8;

/// Runs engine work off the async executor, on the backend (the generation) live when it starts.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Backend, &Glossary) -> Result<T, ApiError> + Send + 'static,
{
    let permit = state.engine.clone().acquire_owned().await.map_err(|e| ApiError::internal(&e))?;
    let backend = state.backend();
    let glossary = state.glossary.load_full();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        // Counted while it runs, so that a search splits its segments only onto idle cores.
        let _busy = crate::search::parallel::Busy::enter();
        f(backend.as_ref(), &glossary)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
}

/// Parses the search parameters (plus `extra` keys) against the live generation's vocabulary.
pub(crate) fn search_request(
    b: &dyn Backend,
    pairs: Pairs,
    extra: &[&str],
) -> Result<(SearchRequest, Vec<(String, String)>), ApiError> {
    let (raw, rest) = pairs.search_params(extra)?;
    Ok((SearchRequest::parse(&raw, b.meta())?, rest))
}

/// `GET /api/search`.
pub async fn search(State(state): State<AppState>, pairs: Pairs) -> Result<Json<SearchResponse>, ApiError> {
    let resp = blocking(&state, move |b, glossary| {
        let (req, _) = search_request(b, pairs, &[])?;
        Ok(b.search(glossary, &req)?)
    })
    .await?;
    tracing::info!(q = %resp.query, total = resp.total, took_ms = resp.took_ms, "search");
    // What residents look for and do not find: the query text only, never who asked. A search
    // whose words no question has is answered by meaning where the model is installed, so it is
    // never empty; it is what the city's answers do not say in residents' words all the same.
    if resp.total == 0 {
        state.metrics.zero_result();
        tracing::info!(target: "lawka::zero_results", q = %resp.query, "zero-result search");
    } else if resp.meaning_only {
        state.metrics.meaning_only();
        tracing::info!(target: "lawka::zero_results", q = %resp.query, by_meaning = true, "no question has these words");
    }
    Ok(Json(resp))
}

fn question_id(meeting: &str, n: &str) -> Result<QuestionId, ApiError> {
    let raw = format!("{meeting}/{n}");
    raw.parse().map_err(|_| ApiError::question_not_found(&raw))
}

/// `GET /api/questions/{meeting}/{n}`.
pub async fn question(
    State(state): State<AppState>,
    Segments((meeting, n)): Segments<(String, String)>,
    pairs: Pairs,
) -> Result<Json<QuestionResponse>, ApiError> {
    // It takes no parameter; one sent is a mistake (`?limit=5` meant for `…/related`), as anywhere.
    pairs.only(&[])?;
    let id = question_id(&meeting, &n)?;
    let resp = blocking(&state, move |b, _| Ok(b.question(&id)?)).await?;
    Ok(Json(resp))
}

/// The body of the related-questions endpoints.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RelatedResponse {
    /// The seed question (for `/api/questions/{id}/related`).
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// The seed text (for `/api/related`).
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<String>,
    /// Best first; never the seed itself.
    related: Vec<RelatedHit>,
}

/// `GET /api/questions/{meeting}/{n}/related?limit=5`.
pub async fn related_to_question(
    State(state): State<AppState>,
    Segments((meeting, n)): Segments<(String, String)>,
    pairs: Pairs,
) -> Result<Json<RelatedResponse>, ApiError> {
    let id = question_id(&meeting, &n)?;
    let pairs = pairs.only(&["limit"])?;
    let limit = number(&pairs, "limit", DEFAULT_RELATED, 1, MAX_RELATED)?;
    let related = blocking(&state, move |b, glossary| Ok(b.related_to_question(glossary, &id, limit)?)).await?;
    Ok(Json(RelatedResponse { id: Some(format!("{meeting}/{n}")), query: None, related }))
}

/// `GET /api/related?q=TEXT&limit=5`: "was this already asked?"
pub async fn related_to_text(State(state): State<AppState>, pairs: Pairs) -> Result<Json<RelatedResponse>, ApiError> {
    let pairs = pairs.only(&["q", "limit"])?;
    let limit = number(&pairs, "limit", DEFAULT_RELATED, 1, MAX_RELATED)?;
    let sent = value(&pairs, "q").unwrap_or("");
    // The limit counts what was sent, spaces included, as the API description says.
    if sent.chars().count() > MAX_RELATED_TEXT_CHARS {
        return Err(ApiError::bad_parameter("q", &format!("tekst jest dłuższy niż {MAX_RELATED_TEXT_CHARS} znaków")));
    }
    check_text("q", sent)?;
    let text = sent.trim().to_string();
    if text.is_empty() {
        return Err(ApiError::bad_parameter("q", "podaj treść pytania"));
    }
    let seed = text.clone();
    let related = blocking(&state, move |b, glossary| Ok(b.related_to_text(glossary, &seed, limit)?)).await?;
    Ok(Json(RelatedResponse { id: None, query: Some(text), related }))
}

/// `GET /api/suggest?q=PREFIX&limit=8`.
pub async fn suggest(State(state): State<AppState>, pairs: Pairs) -> Result<Json<SuggestResponse>, ApiError> {
    let pairs = pairs.only(&["q", "limit"])?;
    let limit = number(&pairs, "limit", DEFAULT_SUGGESTIONS, 1, MAX_SUGGESTIONS)?;
    let q = value(&pairs, "q").unwrap_or("").to_string();
    if q.chars().count() > search::request::MAX_QUERY_CHARS {
        return Err(ApiError::bad_parameter("q", "tekst jest za długi"));
    }
    check_text("q", &q)?;
    let resp = blocking(&state, move |b, glossary| Ok(b.suggest(glossary, &q, limit)?)).await?;
    Ok(Json(resp))
}

/// `GET /api/histogram?interval=month|year` with the search's `q` and filters.
pub async fn histogram(State(state): State<AppState>, pairs: Pairs) -> Result<Json<Histogram>, ApiError> {
    let resp = blocking(&state, move |b, glossary| {
        let (req, rest) = search_request(b, pairs, &["interval"])?;
        if rest.iter().filter(|(k, _)| k == "interval").count() > 1 {
            return Err(ApiError::bad_parameter("interval", "podano ten parametr więcej niż raz"));
        }
        // Empty, like every other single-valued parameter, means the default.
        let interval = match value(&rest, "interval") {
            None | Some("") => Interval::Month,
            Some(v) => Interval::ALL
                .into_iter()
                .find(|i| i.as_str() == v)
                .ok_or_else(|| ApiError::bad_parameter("interval", &format!("{v:?}: dozwolone month lub year")))?,
        };
        Ok(b.histogram(glossary, &req, interval)?)
    })
    .await?;
    Ok(Json(resp))
}

/// `GET /api/meetings`: newest first.
pub async fn meetings(State(state): State<AppState>, pairs: Pairs) -> Result<Json<Vec<MeetingSummary>>, ApiError> {
    pairs.only(&[])?;
    Ok(Json(state.backend().meta().meetings.clone()))
}

/// The body of `/healthz`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` once the index is open.
    status: &'static str,
    /// Questions in the live index.
    documents: u64,
    /// The live generation, `gen-NNNNNNNN`.
    generation: String,
    /// When it was built, RFC 3339.
    built_at: String,
    /// The backend that answers: `embedded` (the tantivy generation on this machine).
    backend: &'static str,
    /// `hybrid` (BM25 fused with the multilingual embedding model) or `bm25` (the model is not
    /// installed, is switched off with `LAWKA_DENSE=off`, or the generation has no vectors).
    retrieval: &'static str,
    /// Questions of the live index with a vector (dense retrieval covers these).
    vectors: usize,
    /// Paragraphs of their answers with a vector: a query's meaning is also compared with these
    /// (0 where the generation's vectors predate them; `lawka embed` adds them).
    answer_vectors: usize,
    /// Whether English queries are also searched with the Polish translations of their words
    /// (FreeDict's English–Polish dictionary is installed, `tools/setup-dictionary.sh`).
    english_dictionary: bool,
    /// Whether Ukrainian queries are also searched with the Polish words of theirs that the
    /// Ukrainian–Polish table knows (generated by `tools/setup-dictionary.sh`).
    ukrainian_dictionary: bool,
    /// Whether Russian queries are also searched with the Polish words of theirs that the
    /// Russian–Polish table knows (generated by `tools/setup-dictionary.sh`).
    russian_dictionary: bool,
    /// Residents' words of the Polish thesaurus (`mythes-pl`, `tools/setup-dictionary.sh`) that no
    /// question of the live index uses and that reach the words it does use; 0 where the index
    /// was built without the thesaurus (see `analysis::thesaurus::attested`).
    thesaurus_words: usize,
}

/// `GET /healthz`.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let backend: Arc<dyn Backend> = state.backend();
    let (meta, retrieval) = (backend.meta(), backend.retrieval());
    Json(Health {
        status: "ok",
        documents: meta.documents,
        generation: meta.generation.clone(),
        built_at: meta.built_at.clone(),
        backend: backend.name(),
        retrieval: if retrieval.hybrid { "hybrid" } else { "bm25" },
        vectors: retrieval.vectors,
        answer_vectors: retrieval.answer_vectors,
        english_dictionary: crate::analysis::english::english_polish().is_some(),
        ukrainian_dictionary: crate::analysis::cyrillic::ukrainian_polish().is_some(),
        russian_dictionary: crate::analysis::cyrillic::russian_polish().is_some(),
        thesaurus_words: meta.thesaurus_words,
    })
}
