//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every endpoint. Response bodies come
//! from the response types themselves (utoipa); every parameter's constraints come from the
//! constants, enums and predicates that validate it, and the vocabularies (departments, topics,
//! meetings) from the index generation being served, so the description cannot drift from what
//! the server accepts. The tests validate served responses against it, and schemathesis
//! (`tests/schemathesis.sh`) checks both ways that what it allows is accepted and what it forbids
//! is refused.

use std::sync::OnceLock;

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Required, ResponseBuilder, Schema};
use utoipa::{OpenApi, ToSchema};

use super::api::{Health, RelatedResponse, DEFAULT_RELATED, DEFAULT_SUGGESTIONS, MAX_RELATED_TEXT_CHARS};
use super::AppState;
use crate::corpus::DISTRICTS;
use crate::index::{GenerationMeta, MeetingRef, MeetingSummary, StoredAnswer, StoredRevision};
use crate::search::export::{Bucket, Histogram, Interval};
use crate::search::request::{
    forbidden_in_query, DEFAULT_LIMIT, FLAG_OFF, FLAG_ON, LANG_CODE_LEN, MAX_FILTER_VALUES, MAX_LIMIT, MAX_OFFSET,
    MAX_QUERY_CHARS, MAX_TRACK_TOTAL_HITS,
};
use crate::search::suggest::{SuggestResponse, SuggestedQuestion, MAX_SUGGESTIONS};
use crate::search::{FacetCount, Facets, Hit, QuestionResponse, RelatedHit, SearchResponse, Sort, MAX_RELATED};

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

#[utoipa::path(get, path = "/api/search", responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn search() {}

#[utoipa::path(get, path = "/api/questions/{meeting}/{n}", responses((status = 200, body = QuestionResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[allow(dead_code)]
fn question() {}

#[utoipa::path(get, path = "/api/questions/{meeting}/{n}/related", responses((status = 200, body = RelatedResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[allow(dead_code)]
fn related_to_question() {}

#[utoipa::path(get, path = "/api/related", responses((status = 200, body = RelatedResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn related_to_text() {}

#[utoipa::path(get, path = "/api/suggest", responses((status = 200, body = SuggestResponse), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn suggest() {}

#[utoipa::path(get, path = "/api/meetings", responses((status = 200, body = Vec<MeetingSummary>), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn meetings() {}

#[utoipa::path(get, path = "/api/histogram", responses((status = 200, body = Histogram), (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn histogram() {}

#[utoipa::path(get, path = "/api/export.csv", responses((status = 200, description = "Every match: UTF-8 CSV with a BOM, RFC 4180, a header row; columns id, date, meeting, district, departments, topics, title, url, question, answers, source (`synthetic` for demo text, `krakow.pl` for the city's articles)", content_type = "text/csv"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn export_csv() {}

#[utoipa::path(get, path = "/api/export.json", responses((status = 200, description = "Every match, as a JSON array of questions with their answers", content_type = "application/json"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn export_json() {}

#[utoipa::path(get, path = "/feed.atom", responses((status = 200, description = "The newest matches as an Atom 1.0 feed", content_type = "application/atom+xml"),
        (status = 400, body = ErrorBody)))]
#[allow(dead_code)]
fn feed() {}

#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
#[allow(dead_code)]
fn health() {}

#[utoipa::path(get, path = "/api/openapi.json", responses((status = 200, description = "This description (OpenAPI 3.1)", content_type = "application/json")))]
#[allow(dead_code)]
fn description() {}

#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format: requests by route and status, a latency histogram, zero-result searches, the index generation and its document count", content_type = "text/plain")))]
#[allow(dead_code)]
fn metrics() {}

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
        health,
        description,
        metrics
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

/// A regular-expression class of the characters in `0..=char::MAX` for which `pred` holds,
/// `\uXXXX`-escaped (JSON Schema patterns are ECMA-262, whose `\u` takes four hex digits; every
/// character used here is in the Basic Multilingual Plane).
fn class_of(pred: impl Fn(char) -> bool) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in (0..=char::MAX as u32).filter_map(char::from_u32).filter(|c| pred(*c)) {
        let c = c as u32;
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    let mut class = String::new();
    for (a, b) in ranges {
        debug_assert!(b <= 0xFFFF, "outside the BMP: {b:#x}");
        class.push_str(&format!("\\u{a:04x}"));
        if b > a {
            class.push_str(&format!("-\\u{b:04x}"));
        }
    }
    class
}

/// `q` of the search: no character [`forbidden_in_query`].
fn query_pattern() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| format!("^[^{}]*$", class_of(forbidden_in_query)))
}

/// The text of `/api/related`: at least one character that is not whitespace (it is trimmed), and
/// none [`forbidden_in_query`].
fn not_blank_pattern() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| {
        let (control, space) = (class_of(forbidden_in_query), class_of(char::is_whitespace));
        format!("^[^{control}]*[^{control}{space}][^{control}]*$")
    })
}

/// The empty value, which every single-valued query parameter takes to mean its default.
fn empty() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([""]))
        .description(Some("Empty: the same as leaving the parameter out."))
        .into()
}

/// An integer in `min..=max`, or empty for `default`.
fn integer(min: usize, max: usize, default: usize) -> Schema {
    let number = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
        .default(Some(json!(default)));
    OneOfBuilder::new().item(number).item(empty()).into()
}

/// `track_total_hits`: `true`, `false`, empty, or a count.
fn track_total() -> Schema {
    let number =
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0.0)).maximum(Some(MAX_TRACK_TOTAL_HITS as f64));
    OneOfBuilder::new().item(number).item(one_of(["", "true", "false"])).into()
}

/// One of `values` (the empty value among them when it is accepted).
fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> Schema {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values.into_iter().collect::<Vec<_>>())).into()
}

/// A repeatable filter: at most [`MAX_FILTER_VALUES`] values, each `item`.
fn repeated(item: Schema) -> Schema {
    ArrayBuilder::new().items(RefOr::T(item)).max_items(Some(MAX_FILTER_VALUES)).into()
}

fn query(name: &str, description: &str, schema: Schema, example: Option<Value>) -> Parameter {
    let repeatable = matches!(schema, Schema::Array(_));
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .style(repeatable.then_some(ParameterStyle::Form))
        .explode(repeatable.then_some(true))
        .example(example)
        .build()
}

/// The parameters of `/api/search` (and of the histogram, exports and feed), with the
/// vocabularies of `meta`.
fn search_params(meta: &GenerationMeta) -> Vec<Parameter> {
    let date = || -> Schema {
        let day =
            ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
        OneOfBuilder::new().item(day).item(empty()).into()
    };
    let flag = FLAG_ON.into_iter().chain(FLAG_OFF);
    let sorts = std::iter::once("").chain(Sort::ALL.iter().map(|s| s.as_str()));
    let (shortest, longest) = LANG_CODE_LEN;
    let lang = ObjectBuilder::new().schema_type(Type::String).pattern(Some(format!("^[a-z]{{{shortest},{longest}}}$")));
    let q =
        ObjectBuilder::new().schema_type(Type::String).max_length(Some(MAX_QUERY_CHARS)).pattern(Some(query_pattern()));
    vec![
        query(
            "q",
            &format!("Query text, at most {MAX_QUERY_CHARS} characters as sent (spaces included), without control characters other than whitespace: words in any form, with or without Polish letters; \"a phrase\"; -excluded; +required. Empty or absent: everything matching the filters, newest first. Text with no word to search (punctuation or stop words alone): nothing."),
            q.into(),
            Some(json!("dziury w jezdni")),
        ),
        query(
            "district",
            "District (repeatable: any of them). One of Kraków's 18 districts or `Cały Kraków`; any other value, the empty one included, is 400 `invalid_district`.",
            repeated(one_of(DISTRICTS)),
            Some(json!(["Dzielnica VI Bronowice"])),
        ),
        query(
            "department",
            "Answering unit's canonical name (repeatable), one of the served index's units; any other value, the empty one included, is 400 `invalid_department`.",
            repeated(one_of(meta.departments.iter().map(String::as_str))),
            None,
        ),
        query(
            "topic",
            "Topic (repeatable), one of the served index's topics; any other value, the empty one included, is 400 `invalid_topic`.",
            repeated(one_of(meta.topics.iter().map(String::as_str))),
            None,
        ),
        query(
            "lang",
            "Language code of the question, lowercase letters (`pl`, `uk`, `en`); repeatable. A code no question has matches nothing.",
            repeated(lang.into()),
            Some(json!(["pl"])),
        ),
        query(
            "meeting",
            "Meeting id (repeatable), one of the served index's meetings (`GET /api/meetings`).",
            repeated(one_of(meta.meetings.iter().map(|m| m.id.as_str()))),
            None,
        ),
        query(
            "from",
            "Earliest meeting date, `YYYY-MM-DD`, inclusive. Empty: no bound.",
            date(),
            Some(json!("2024-01-01")),
        ),
        query(
            "to",
            "Latest meeting date, `YYYY-MM-DD`, inclusive. Before `from`: an empty range, no hits. Empty: no bound.",
            date(),
            None,
        ),
        query(
            "limit",
            &format!("Page size, 1..{MAX_LIMIT} (default {DEFAULT_LIMIT}); empty: the default."),
            integer(1, MAX_LIMIT, DEFAULT_LIMIT),
            None,
        ),
        query(
            "offset",
            &format!("Hits skipped, 0..{MAX_OFFSET} (default 0); empty: the default."),
            integer(0, MAX_OFFSET, 0),
            None,
        ),
        query(
            "sort",
            "`relevance` (the default with `q`), `date_desc` (the default without), `date_asc`; empty: the default.",
            one_of(sorts),
            None,
        ),
        query(
            "facets",
            "`false` or `0`: leave the facet counts empty (faster: for clients that want the ranked page only); `true`, `1` or empty: count them (the default).",
            one_of(flag.clone()),
            None,
        ),
        query("snippets", "`false` or `0`: leave the snippets empty; `true`, `1` or empty: highlight them (the default).", one_of(flag.clone()), None),
        query(
            "track_total_hits",
            "`true` or empty: `total` counts every match (the default). `false` or a number N: matches are counted exactly up to N (at least 10); past that, a search for the ranked page alone (`facets=false`, by relevance, without filters or required words) may pass over the matches that cannot enter the page, and then answers `total_is_exact: false` with `total` the matches it saw, a lower bound (as Elasticsearch's parameter of the same name). The page itself is the same. Ignored where every match is counted anyway (facets, histograms, exports).",
            track_total(),
            None,
        ),
        query(
            "dense",
            "`false` or `0`: rank by the words alone (BM25), without embedding the query or letting questions near in meaning join (faster: no model run per new query text); `true`, `1` or empty: rank by meaning too where the server has the model (the default; `GET /healthz` says which retrieval it has).",
            one_of(flag),
            None,
        ),
    ]
}

fn limit_param(max: usize, default: usize) -> Parameter {
    query(
        "limit",
        &format!("How many, 1..{max} (default {default}); empty: the default."),
        integer(1, max, default),
        None,
    )
}

/// The path of one question, with a real id of the served index as the example.
fn question_path(meta: &GenerationMeta) -> Vec<Parameter> {
    let most = meta.meetings.iter().map(|m| m.questions).max().unwrap_or(1).max(1);
    let example = meta.meetings.iter().find(|m| m.questions > 0);
    let meeting = ParameterBuilder::new()
        .name("meeting")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some("Meeting id, one of the served index's meetings (`GET /api/meetings`)."))
        .schema(Some(one_of(meta.meetings.iter().map(|m| m.id.as_str()))))
        .example(example.map(|m| json!(m.id)))
        .build();
    // The largest number any meeting has: the meeting's own count is the real bound (beyond it:
    // 404), which a schema of one parameter cannot say.
    let max = most as f64;
    let n = ParameterBuilder::new()
        .name("n")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some("Question number within the meeting, from 1 (written without leading zeros). A number the meeting does not have is 404 `question_not_found`."))
        .schema(Some(Schema::from(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1.0)).maximum(Some(max)))))
        .example(example.map(|_| json!(1)))
        .build();
    vec![meeting, n]
}

/// The parameters of each described path.
fn parameters(path: &str, meta: &GenerationMeta) -> Vec<Parameter> {
    match path {
        "/api/search" | "/api/export.csv" | "/api/export.json" | "/feed.atom" => search_params(meta),
        "/api/histogram" => {
            let mut p = search_params(meta);
            let widths = std::iter::once("").chain(Interval::ALL.iter().map(|i| i.as_str()));
            p.push(query(
                "interval",
                "Bucket width: `month` (the default) or `year`; empty: the default.",
                one_of(widths),
                Some(json!("year")),
            ));
            p
        }
        "/api/questions/{meeting}/{n}" => question_path(meta),
        "/api/questions/{meeting}/{n}/related" => {
            let mut p = question_path(meta);
            p.push(limit_param(MAX_RELATED, DEFAULT_RELATED));
            p
        }
        "/api/related" => {
            let text = ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_RELATED_TEXT_CHARS))
                .pattern(Some(not_blank_pattern()));
            let q = ParameterBuilder::new()
                .name("q")
                .parameter_in(ParameterIn::Query)
                .required(Required::True)
                .description(Some(format!("The text a resident is about to ask, at most {MAX_RELATED_TEXT_CHARS} characters as sent, not only whitespace, without control characters other than whitespace. A text with no word to search (punctuation or stop words alone) has no related questions.")))
                .schema(Some(Schema::from(text)))
                .example(Some(json!("wycięte drzewa przy szkole")))
                .build();
            vec![q, limit_param(MAX_RELATED, DEFAULT_RELATED)]
        }
        "/api/suggest" => {
            let q = ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(MAX_QUERY_CHARS))
                .pattern(Some(query_pattern()));
            vec![
                query(
                    "q",
                    &format!("What has been typed so far, at most {MAX_QUERY_CHARS} characters, without control characters other than whitespace."),
                    q.into(),
                    Some(json!("tramw")),
                ),
                limit_param(MAX_SUGGESTIONS, DEFAULT_SUGGESTIONS),
            ]
        }
        _ => Vec::new(),
    }
}

/// An error answer, with the contract's body.
fn error_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
}

/// The errors any request may get, whatever its parameters: from the limits every request passes
/// through (`limits.rs`).
fn limit_responses() -> Vec<(&'static str, RefOr<utoipa::openapi::Response>)> {
    let retry_after = HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1.0)))
        .description(Some("Seconds to wait before the next request from this client."))
        .build();
    vec![
        ("413", error_response("`payload_too_large`: the request has a body (the service is read-only).").build().into()),
        ("414", error_response("`uri_too_long`: path and query string over 32 KiB.").build().into()),
        (
            "429",
            error_response("`rate_limited`: this client (its address, or the address a trusted proxy names) sent more requests than its rate allows.")
                .header("Retry-After", retry_after)
                .build()
                .into(),
        ),
        ("431", error_response("`headers_too_large`: request headers over 16 KiB.").build().into()),
        ("503", error_response("`overloaded` (every slot for requests in flight is taken) or `timeout` (the request took over 10 s). Retry later.").build().into()),
    ]
}

/// The description of the API as served with generation `meta`.
pub fn document(meta: &GenerationMeta) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(op) = item.get.as_mut() else { continue };
        let params = parameters(path, meta);
        if !params.is_empty() {
            op.parameters = Some(params);
        }
        for (status, response) in limit_responses() {
            op.responses.responses.entry(status.to_string()).or_insert(response);
        }
    }
    doc
}

/// `GET /api/openapi.json`.
pub async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(serde_json::to_value(document(state.backend().meta())).unwrap_or_default())
}
