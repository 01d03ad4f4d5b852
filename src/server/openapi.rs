//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every endpoint, generated from the
//! response types themselves (utoipa), so it cannot drift from what is served; the tests validate
//! served responses against it.

use axum::Json;
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::api::{Health, RelatedResponse};
use crate::index::{MeetingRef, MeetingSummary, StoredAnswer, StoredRevision};
use crate::search::export::{Bucket, Histogram};
use crate::search::suggest::{SuggestResponse, SuggestedQuestion};
use crate::search::{FacetCount, Facets, Hit, QuestionResponse, RelatedHit, SearchResponse};

/// Every error: `{"error": {"code", "message"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

/// The error's machine code and Polish message.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine code, e.g. `invalid_limit`, `unknown_parameter`, `question_not_found`.
    code: String,
    /// A Polish sentence for people.
    message: String,
}

/// The search parameters (also taken by histogram, exports and the feed). Repeated parameters
/// mean OR within one field, AND across fields.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// Query text, up to 1,000 characters: words in any form, with or without Polish letters;
    /// "a phrase"; -excluded. Empty: everything matching the filters, newest first.
    q: Option<String>,
    /// District (`Dzielnica VI Bronowice`, `Cały Kraków`); repeatable.
    district: Option<Vec<String>>,
    /// A unit's canonical name; repeatable.
    department: Option<Vec<String>>,
    /// Topic; repeatable.
    topic: Option<Vec<String>>,
    /// Language code (`pl`, `uk`, `en`); repeatable.
    lang: Option<Vec<String>>,
    /// Meeting id; repeatable.
    meeting: Option<Vec<String>>,
    /// Earliest meeting date, `YYYY-MM-DD`, inclusive.
    from: Option<String>,
    /// Latest meeting date, `YYYY-MM-DD`, inclusive.
    to: Option<String>,
    /// Page size, 1..100 (default 10).
    limit: Option<u32>,
    /// Hits skipped, 0..10000 (default 0).
    offset: Option<u32>,
    /// `relevance` (default with q), `date_desc` (default without), `date_asc`.
    sort: Option<String>,
    /// `false`: leave the facet counts empty (faster: for clients that want the ranked page only).
    facets: Option<bool>,
    /// `false`: leave the snippets empty.
    snippets: Option<bool>,
}

/// Parameters of the related endpoints.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct LimitParam {
    /// How many, 1..20 (default 5).
    limit: Option<u32>,
}

/// Parameters of `/api/related`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RelatedTextParams {
    /// The text a resident is about to ask, up to 5,000 characters.
    q: String,
    /// How many, 1..20 (default 5).
    limit: Option<u32>,
}

/// Parameters of `/api/suggest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SuggestParams {
    /// What has been typed so far.
    q: Option<String>,
    /// How many, 1..20 (default 8).
    limit: Option<u32>,
}

/// Parameter of `/api/histogram`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IntervalParam {
    /// `month` (default) or `year`.
    interval: Option<String>,
}

/// The path of one question.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct QuestionPath {
    /// Meeting id, e.g. `2024-06-24-bronowice-wielkie`.
    meeting: String,
    /// Question number within the meeting, from 1.
    n: u32,
}

#[utoipa::path(get, path = "/api/search", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn search() {}

#[utoipa::path(get, path = "/api/questions/{meeting}/{n}", params(QuestionPath),
    responses((status = 200, body = QuestionResponse), (status = 404, body = ErrorBody)))]
#[allow(dead_code)]
fn question() {}

#[utoipa::path(get, path = "/api/questions/{meeting}/{n}/related", params(QuestionPath, LimitParam),
    responses((status = 200, body = RelatedResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[allow(dead_code)]
fn related_to_question() {}

#[utoipa::path(get, path = "/api/related", params(RelatedTextParams),
    responses((status = 200, body = RelatedResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn related_to_text() {}

#[utoipa::path(get, path = "/api/suggest", params(SuggestParams),
    responses((status = 200, body = SuggestResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn suggest() {}

#[utoipa::path(get, path = "/api/meetings", responses((status = 200, body = Vec<MeetingSummary>)))]
#[allow(dead_code)]
fn meetings() {}

#[utoipa::path(get, path = "/api/histogram", params(SearchParams, IntervalParam),
    responses((status = 200, body = Histogram), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn histogram() {}

#[utoipa::path(get, path = "/api/export.csv", params(SearchParams),
    responses((status = 200, description = "Every match: UTF-8 CSV with a BOM, RFC 4180, a header row; columns id, date, meeting, district, departments, topics, title, url, question, answers", content_type = "text/csv"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn export_csv() {}

#[utoipa::path(get, path = "/api/export.json", params(SearchParams),
    responses((status = 200, description = "Every match, as a JSON array of questions with their answers", content_type = "application/json"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn export_json() {}

#[utoipa::path(get, path = "/feed.atom", params(SearchParams),
    responses((status = 200, description = "The newest matches as an Atom 1.0 feed", content_type = "application/atom+xml"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn feed() {}

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
#[allow(dead_code)]
fn health() {}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ławka",
        description = "Search over the questions residents ask at Kraków's \"Ławka dialogu\" meetings and the city's answers. The bundled data is a demo corpus (source: synthetic), not the city's official answers."
    ),
    paths(
        search,
        question,
        related_to_question,
        related_to_text,
        suggest,
        meetings,
        histogram,
        export_csv,
        export_json,
        feed,
        health
    ),
    components(schemas(
        SearchResponse,
        Hit,
        Facets,
        FacetCount,
        MeetingRef,
        StoredAnswer,
        StoredRevision,
        QuestionResponse,
        RelatedHit,
        RelatedResponse,
        SuggestResponse,
        SuggestedQuestion,
        Histogram,
        Bucket,
        MeetingSummary,
        Health,
        ErrorBody,
        ErrorDetail
    ))
)]
pub struct ApiDoc;

/// The description as JSON.
pub fn document() -> serde_json::Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(document())
}
