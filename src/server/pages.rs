//! Pages for people (Polish, server-rendered, working without JavaScript): `/` search with
//! facets, `/q/{meeting}/{n}` one question, `/meetings`, `/stats`. They call the same engine
//! functions as the JSON API; only the last step, rendering, differs.

use askama::Template;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::api::{blocking, search_request, MAX_RELATED_TEXT_CHARS};
use super::error::ApiError;
use super::params::Pairs;
use super::AppState;
use crate::corpus::QuestionId;
use crate::index::MeetingSummary;
use crate::search::export::Interval;
use crate::search::request::forbidden_in_query;
use crate::search::request::RawSearchParams;
use crate::search::{self, FacetCount, QuestionResponse, RelatedHit, SearchRequest, SearchResponse, Sort};

/// Links of the page numbers shown around the current one.
const PAGE_WINDOW: usize = 4;

/// A rendered page, or a Polish error page with the right status.
fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => {
            let mut resp = (status, Html(html)).into_response();
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// A query string from pairs.
fn href(path: &str, pairs: &[(String, String)]) -> String {
    let qs = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if qs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{qs}")
    }
}

/// The pairs without `offset` (a new filter starts from the first page) and without `key=value`
/// (or every `key` when `value` is `None`).
fn without(pairs: &[(String, String)], key: &str, value: Option<&str>) -> Vec<(String, String)> {
    pairs.iter().filter(|(k, v)| k != "offset" && !(k == key && value.is_none_or(|x| x == v))).cloned().collect()
}

fn with(pairs: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    let mut out = without(pairs, key, Some(value));
    out.push((key.to_string(), value.to_string()));
    out
}

/// The parameters a page reads: the search's own, with empty values dropped (an empty date field
/// of the form), so links stay clean. Any other is left out rather than refused, as the API
/// refuses it: links shared on social sites come back with `fbclid`, `utm_source` and the like,
/// and a resident following one should see the results, not an error.
fn meaningful(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.into_iter().filter(|(k, v)| RawSearchParams::KEYS.contains(&k.as_str()) && !v.trim().is_empty()).collect()
}

/// The API answers a date range that ends before it starts with no hits; on a page a person more
/// likely swapped the dates, and is told so.
fn swapped_dates() -> ApiError {
    ApiError::bad_parameter("to", "data końcowa jest wcześniejsza niż początkowa")
}

/// A language's name as the pages write it (`język: ukraiński`); a code they do not know as itself.
fn language_name(code: &str) -> &str {
    match code {
        "pl" => "polski",
        "uk" => "ukraiński",
        "en" => "angielski",
        "ru" => "rosyjski",
        "de" => "niemiecki",
        other => other,
    }
}

/// A parameter as the page's form names it, for messages in the form's words.
fn field_label(param: &str) -> Option<&'static str> {
    Some(match param {
        "q" => "Czego szukasz?",
        "from" => "Od",
        "to" => "Do",
        "sort" => "Kolejność",
        "district" => "Dzielnica",
        "department" => "Jednostka",
        "topic" => "Temat",
        "lang" => "Język",
        "meeting" => "Spotkanie",
        "offset" => "strona wyników",
        "limit" => "liczba wyników",
        _ => return None,
    })
}

/// The message of an error for a page: a bad parameter named as the form's field, not as the
/// API's parameter (`Do`, not `to`).
fn page_message(e: &ApiError) -> String {
    let message = e.message();
    let Some(param) = e.code().strip_prefix("invalid_") else {
        return message.to_string();
    };
    match (field_label(param), message.strip_prefix(&format!("Niepoprawny parametr „{param}”"))) {
        (Some(label), Some(rest)) => format!("Niepoprawna wartość pola „{label}”{rest}"),
        _ => message.to_string(),
    }
}

/// The Polish form of a noun for a count: `[one, few, many]` (`pytanie`, `pytania`, `pytań`).
fn plural(n: u64, [one, few, many]: [&'static str; 3]) -> &'static str {
    let (tens, ones) = (n % 100, n % 10);
    if n == 1 {
        one
    } else if (2..=4).contains(&ones) && !(12..=14).contains(&tens) {
        few
    } else {
        many
    }
}

/// "pytanie", "pytania" or "pytań" for a count.
fn questions_word(n: u64) -> &'static str {
    plural(n, ["pytanie", "pytania", "pytań"])
}

struct FacetLink {
    value: String,
    count: u64,
    selected: bool,
    href: String,
}

struct FacetGroup {
    label: &'static str,
    values: Vec<FacetLink>,
}

struct HitView {
    url: String,
    title: String,
    date: String,
    district: String,
    meeting: String,
    departments: String,
    /// The question's language code (the `lang` of its title and text on the page) and name.
    lang: String,
    lang_name: String,
    question_snippet: String,
    answer_snippet: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    error: Option<String>,
    hidden: Vec<(String, String)>,
    from: String,
    to: String,
    has_dates: bool,
    sorts: Vec<(&'static str, &'static str, bool)>,
    active: Vec<(String, String)>,
    facets: Vec<FacetGroup>,
    total: u64,
    total_word: &'static str,
    partial_match: bool,
    /// No question has the words: every hit is near in meaning.
    meaning_only: bool,
    hits: Vec<HitView>,
    first_number: usize,
    pages: Vec<(usize, String, bool)>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// Paged past the last result: the last page's number and link.
    past_end: Option<(usize, String)>,
    stats_href: String,
    csv_href: String,
    json_href: String,
    feed_href: String,
    /// The "already asked?" box (the home page, before any search): its text, matches, bound.
    ask_box: bool,
    text: String,
    asked: Vec<RelatedHit>,
    max_chars: usize,
}

fn facet_group(label: &'static str, param: &str, counts: &[FacetCount], pairs: &[(String, String)]) -> FacetGroup {
    let chosen: Vec<&str> = pairs.iter().filter(|(k, _)| k == param).map(|(_, v)| v.as_str()).collect();
    let mut values: Vec<FacetLink> = counts
        .iter()
        .map(|c| {
            let selected = chosen.contains(&c.value.as_str());
            let target = if selected { without(pairs, param, Some(&c.value)) } else { with(pairs, param, &c.value) };
            FacetLink { value: c.value.clone(), count: c.count, selected, href: href("/", &target) }
        })
        .collect();
    // A chosen value without matches still needs its link, to be unchosen.
    for v in chosen {
        if !values.iter().any(|f| f.value == v) {
            values.push(FacetLink {
                value: v.to_string(),
                count: 0,
                selected: true,
                href: href("/", &without(pairs, param, Some(v))),
            });
        }
    }
    FacetGroup { label, values }
}

fn year_group(counts: &[FacetCount], pairs: &[(String, String)]) -> FacetGroup {
    let from = pairs.iter().find(|(k, _)| k == "from").map(|(_, v)| v.as_str());
    let to = pairs.iter().find(|(k, _)| k == "to").map(|(_, v)| v.as_str());
    let values = counts
        .iter()
        .map(|c| {
            let (y_from, y_to) = (format!("{}-01-01", c.value), format!("{}-12-31", c.value));
            let selected = from == Some(y_from.as_str()) && to == Some(y_to.as_str());
            let mut target = without(&without(pairs, "from", None), "to", None);
            if !selected {
                target.push(("from".into(), y_from));
                target.push(("to".into(), y_to));
            }
            FacetLink { value: c.value.clone(), count: c.count, selected, href: href("/", &target) }
        })
        .collect();
    FacetGroup { label: "Rok", values }
}

const FILTER_LABELS: [(&str, &str); 7] = [
    ("district", "Dzielnica"),
    ("department", "Jednostka"),
    ("topic", "Temat"),
    ("lang", "Język"),
    ("meeting", "Spotkanie"),
    ("from", "Od"),
    ("to", "Do"),
];

/// The chosen filters, each with the link that removes it; a language by its name and a meeting
/// by its title (`meetings`), not by their codes.
fn active_filters(pairs: &[(String, String)], meetings: &[MeetingSummary]) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let label = FILTER_LABELS.iter().find(|(key, _)| key == k)?.1;
            let shown = match k.as_str() {
                "lang" => language_name(v),
                "meeting" => meetings.iter().find(|m| m.id == *v).map_or(v.as_str(), |m| m.title.as_str()),
                _ => v.as_str(),
            };
            Some((format!("{label}: {shown}"), href("/", &without(pairs, k, Some(v)))))
        })
        .collect()
}

fn search_page(
    pairs: Vec<(String, String)>,
    meetings: &[MeetingSummary],
    req: Option<&SearchRequest>,
    resp: Result<SearchResponse, String>,
) -> SearchPage {
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default();
    // Shown without the control characters a hand-made address may carry (the search refuses
    // them; the page says why, and must not echo them into its HTML).
    let q: String = get("q").chars().filter(|c| !forbidden_in_query(*c)).collect();
    // The form shows (and sends) the order asked for, else relevance: the home page lists the
    // newest questions, but a query typed into its box must be ranked, not sent as `date_desc`.
    // Without a query every question scores the same, so relevance lists the newest first too.
    let asked = get("sort");
    let sort = Sort::ALL.into_iter().find(|s| s.as_str() == asked).unwrap_or(Sort::Relevance);
    let sorts = vec![
        ("relevance", "najtrafniejsze", sort == Sort::Relevance),
        ("date_desc", "najnowsze", sort == Sort::DateDesc),
        ("date_asc", "najstarsze", sort == Sort::DateAsc),
    ];
    // Filters chosen by links travel with the form as hidden fields, so a new query keeps them.
    let hidden: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| ["district", "department", "topic", "lang", "meeting"].contains(&k.as_str()))
        .cloned()
        .collect();
    // Exports keep the page's order; the statistics and the feed (newest first) have their own.
    let export_pairs = without(&pairs, "limit", None);
    let mut page = SearchPage {
        error: None,
        hidden,
        from: get("from"),
        to: get("to"),
        has_dates: !get("from").is_empty() || !get("to").is_empty(),
        sorts,
        active: active_filters(&pairs, meetings),
        facets: Vec::new(),
        total: 0,
        total_word: "pytań",
        partial_match: false,
        meaning_only: false,
        hits: Vec::new(),
        first_number: 1,
        pages: Vec::new(),
        prev_href: None,
        next_href: None,
        past_end: None,
        stats_href: href("/stats", &without(&export_pairs, "sort", None)),
        csv_href: href("/api/export.csv", &export_pairs),
        json_href: href("/api/export.json", &export_pairs),
        feed_href: href("/feed.atom", &without(&export_pairs, "sort", None)),
        ask_box: pairs.is_empty(),
        text: String::new(),
        asked: Vec::new(),
        max_chars: MAX_RELATED_TEXT_CHARS,
        q,
    };
    let resp = match resp {
        Ok(r) => r,
        Err(message) => {
            page.error = Some(message);
            return page;
        }
    };
    let (limit, offset) = req.map(|r| (r.limit, r.offset)).unwrap_or((10, 0));
    page.facets = vec![
        facet_group("Dzielnica", "district", &resp.facets.district, &pairs),
        facet_group("Jednostka miejska", "department", &resp.facets.department, &pairs),
        facet_group("Temat", "topic", &resp.facets.topic, &pairs),
        year_group(&resp.facets.year, &pairs),
    ];
    page.total = resp.total;
    page.total_word = questions_word(resp.total);
    page.partial_match = resp.partial_match;
    page.meaning_only = resp.meaning_only;
    page.first_number = offset + 1;
    page.hits = resp
        .hits
        .into_iter()
        .map(|h| HitView {
            url: h.url,
            title: h.title,
            date: h.date,
            district: h.district,
            meeting: h.meeting.title,
            departments: h.departments.join(", "),
            lang_name: language_name(&h.lang).to_string(),
            lang: h.lang,
            question_snippet: h.question_snippet,
            answer_snippet: h.answer_snippet,
        })
        .collect();
    let pages_total = (resp.total as usize).min(search::request::MAX_OFFSET + limit).div_ceil(limit);
    let current = offset / limit + 1;
    let page_href = |n: usize| {
        let mut p = without(&pairs, "offset", None);
        if n > 1 {
            p.push(("offset".into(), ((n - 1) * limit).to_string()));
        }
        href("/", &p)
    };
    if page.hits.is_empty() && offset > 0 && pages_total > 0 {
        // An address paged past the end (a shorter result since, or a hand-edited offset).
        page.past_end = Some((pages_total, page_href(pages_total)));
    } else if pages_total > 1 {
        let lo = current.saturating_sub(PAGE_WINDOW).max(1);
        let hi = (current + PAGE_WINDOW).min(pages_total);
        page.pages = (lo..=hi).map(|n| (n, page_href(n), n == current)).collect();
        page.prev_href = (current > 1).then(|| page_href(current - 1));
        page.next_href = (current < pages_total).then(|| page_href(current + 1));
    }
    page
}

/// `GET /`: the search page.
pub async fn search(State(state): State<AppState>, pairs: Pairs) -> Response {
    let raw_pairs = meaningful(pairs.0.clone());
    let result = blocking(&state, move |b, glossary| {
        let (req, _) = search_request(b, Pairs(meaningful(pairs.0)), &[])?;
        if req.empty_date_range() {
            return Err(swapped_dates());
        }
        let resp = b.search(glossary, &req)?;
        Ok((req, resp))
    })
    .await;
    match result {
        Ok((req, resp)) => {
            render(StatusCode::OK, &search_page(raw_pairs, &state.backend().meta().meetings, Some(&req), Ok(resp)))
        }
        Err(e) if e.status().is_client_error() => {
            render(e.status(), &search_page(raw_pairs, &state.backend().meta().meetings, None, Err(page_message(&e))))
        }
        Err(e) => e.into_response(),
    }
}

struct AnswerView {
    department: String,
    paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    q: QuestionResponse,
    question_paragraphs: Vec<String>,
    answers: Vec<AnswerView>,
    /// Earlier versions, newest first: a reader wants to see what just changed.
    revisions: Vec<RevisionView>,
    related: Vec<RelatedHit>,
    lang_name: String,
}

/// An earlier version of the answers, as shown.
struct RevisionView {
    as_of: Option<String>,
    replaced: String,
    answers: Vec<AnswerView>,
}

fn answer_views(answers: &[crate::index::StoredAnswer]) -> Vec<AnswerView> {
    answers.iter().map(|a| AnswerView { department: a.department.clone(), paragraphs: paragraphs(&a.text) }).collect()
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::to_string).collect()
}

/// `GET /q/{meeting}/{n}`: the whole question, its answers and related questions.
pub async fn question(State(state): State<AppState>, path: Result<Path<(String, String)>, PathRejection>) -> Response {
    // A path that is not UTF-8 once decoded names no question either.
    let Ok(Path((meeting, n))) = path else {
        return not_found_page("?");
    };
    let raw = format!("{meeting}/{n}");
    let Ok(id) = raw.parse::<QuestionId>() else {
        return not_found_page(&raw);
    };
    let result = blocking(&state, move |b, glossary| {
        let q = b.question(&id)?;
        let related = b.related_to_question(glossary, &id, 5)?;
        Ok((q, related))
    })
    .await;
    match result {
        Ok((q, related)) => {
            let page = QuestionPage {
                question_paragraphs: paragraphs(&q.question),
                answers: answer_views(&q.answers),
                revisions: q
                    .revisions
                    .iter()
                    .rev()
                    .map(|r| RevisionView {
                        as_of: r.as_of.clone(),
                        replaced: r.replaced.clone(),
                        answers: answer_views(&r.answers),
                    })
                    .collect(),
                lang_name: language_name(&q.lang).to_string(),
                q,
                related,
            };
            render(StatusCode::OK, &page)
        }
        Err(e) if e.status() == StatusCode::NOT_FOUND => not_found_page(&raw),
        Err(e) => e.into_response(),
    }
}

/// `GET /q/{meeting}`: an address cut after the meeting (from a question's permanent link) shows
/// that meeting's questions, in their order.
pub async fn meeting(State(state): State<AppState>, path: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(meeting)) = path else {
        return not_found_page("?");
    };
    if !state.backend().meta().meetings.iter().any(|m| m.id == meeting) {
        return not_found_page(&meeting);
    }
    let target = href("/", &[("meeting".into(), meeting), ("sort".into(), "date_asc".into())]);
    axum::response::Redirect::to(&target).into_response()
}

/// `GET /q/{meeting}/{n}/`: the question's address without the slash.
pub async fn question_with_slash(path: Result<Path<(String, String)>, PathRejection>) -> Response {
    let Ok(Path((meeting, n))) = path else {
        return not_found_page("?");
    };
    let raw = format!("{meeting}/{n}");
    match raw.parse::<QuestionId>() {
        Ok(id) => axum::response::Redirect::permanent(&search::response::question_url(&id.to_string())).into_response(),
        Err(_) => not_found_page(&raw),
    }
}

/// Questions shown for a text on the "already asked?" page.
const ASKED_LIMIT: usize = 8;

#[derive(Template)]
#[template(path = "ask.html")]
struct AskPage {
    text: String,
    asked: Vec<RelatedHit>,
    error: Option<String>,
    max_chars: usize,
}

/// `GET /zapytaj?tresc=TEXT`: "was my problem already asked?" A resident describes the problem in
/// a sentence; the page lists the questions on the same problem (as `/api/related` ranks a
/// text: `search::related_to_text`). Without JavaScript this page is the answer; with it, the home page's box
/// shows the same list while the resident types.
pub async fn ask(State(state): State<AppState>, pairs: Pairs) -> Response {
    let text = pairs.0.iter().find(|(k, _)| k == "tresc").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut page = AskPage { text, asked: Vec::new(), error: None, max_chars: MAX_RELATED_TEXT_CHARS };
    if page.text.chars().count() > MAX_RELATED_TEXT_CHARS {
        page.error = Some(format!("Opis jest dłuższy niż {MAX_RELATED_TEXT_CHARS} znaków – skróć go."));
        return render(StatusCode::BAD_REQUEST, &page);
    }
    if page.text.chars().any(forbidden_in_query) {
        page.text = page.text.chars().filter(|c| !forbidden_in_query(*c)).collect();
        page.error = Some("Opis zawiera znaki sterujące – usuń je.".to_string());
        return render(StatusCode::BAD_REQUEST, &page);
    }
    if !page.text.is_empty() {
        let seed = page.text.clone();
        match blocking(&state, move |b, glossary| Ok(b.related_to_text(glossary, &seed, ASKED_LIMIT)?)).await {
            Ok(asked) => page.asked = asked,
            Err(e) => return e.into_response(),
        }
    }
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(
    source = r#"{% extends "base.html" %}{% block title %}Nie znaleziono{% endblock %}{% block content %}<h1>Nie znaleziono</h1><p>{{ message }}</p><p><a href="/">Wróć do wyszukiwarki</a></p>{% endblock %}"#,
    ext = "html"
)]
struct NotFoundPage {
    message: String,
}

fn not_found_page(what: &str) -> Response {
    render(StatusCode::NOT_FOUND, &NotFoundPage { message: format!("Nie ma pytania ani strony „{what}”.") })
}

/// Whether `path` is one of the pages for people, which answer errors with a page, not JSON.
pub fn is_page(path: &str) -> bool {
    matches!(path, "/" | "/zapytaj" | "/meetings" | "/stats") || path.starts_with("/q/")
}

#[derive(Template)]
#[template(
    source = r#"{% extends "base.html" %}{% block title %}Za długi tekst{% endblock %}{% block content %}<h1>Za długi tekst</h1><p>Opis lub zapytanie jest za długie, by je wysłać. Skróć je i spróbuj ponownie.</p><p><a href="/">Wróć do wyszukiwarki</a> · <a href="/zapytaj">Czy ktoś już o to pytał?</a></p>{% endblock %}"#,
    ext = "html"
)]
struct TooLongPage;

/// The 414 page for people: the address of a page grew past [`super::limits::MAX_URI_BYTES`].
pub fn too_long() -> Response {
    render(StatusCode::URI_TOO_LONG, &TooLongPage)
}

/// A 404 page for people (paths outside `/api/`).
pub fn not_found(path: &str) -> Response {
    not_found_page(path)
}

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    meetings: Vec<MeetingSummary>,
    meetings_word: &'static str,
    questions: usize,
    questions_word: &'static str,
}

/// `GET /meetings`: every meeting with its date, place and number of questions.
pub async fn meetings(State(state): State<AppState>) -> Response {
    let meetings = state.backend().meta().meetings.clone();
    let questions = meetings.iter().map(|m| m.questions).sum();
    let page = MeetingsPage {
        meetings_word: plural(meetings.len() as u64, ["spotkanie", "spotkania", "spotkań"]),
        meetings,
        questions_word: questions_word(questions as u64),
        questions,
    };
    render(StatusCode::OK, &page)
}

struct BarRow {
    value: String,
    count: u64,
    percent: String,
    href: String,
    /// The value the current filters choose.
    selected: bool,
}

struct Chart {
    label: &'static str,
    rows: Vec<BarRow>,
}

struct TimelineBar {
    label: String,
    /// The axis label, on every third month (every month's would not fit a phone).
    short: Option<String>,
    count: u64,
    x: String,
    y: String,
    width: String,
    height: String,
    text_x: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    q: String,
    error: Option<String>,
    total: u64,
    total_word: &'static str,
    filters: String,
    search_href: String,
    charts: Vec<Chart>,
    timeline: Vec<TimelineBar>,
    timeline_width: usize,
}

fn chart(label: &'static str, param: &str, counts: &[FacetCount], pairs: &[(String, String)]) -> Chart {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(1).max(1);
    let rows = counts
        .iter()
        .map(|c| BarRow {
            value: c.value.clone(),
            count: c.count,
            percent: format!("{:.1}", c.count as f64 * 100.0 / max as f64),
            // A row shows that value's results (it replaces the filter of its kind: the chart of
            // districts under one district's filter lists them all, and a click means "this one").
            href: href("/", &with(&without(pairs, param, None), param, &c.value)),
            selected: pairs.iter().any(|(k, v)| k == param && *v == c.value),
        })
        .collect();
    Chart { label, rows }
}

/// Months (`YYYY-MM`) with their counts, from the first to the last, those without questions
/// as 0: a month left out would put March beside June and read as a steady trend.
fn every_month<'a>(counted: impl Iterator<Item = (&'a str, u64)>) -> Vec<(String, u64)> {
    let parse = |key: &str| -> Option<(i32, u32)> {
        let (y, m) = key.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?)).filter(|(_, m)| (1..=12).contains(m))
    };
    let counted: Vec<((i32, u32), u64)> = counted.filter_map(|(k, n)| Some((parse(k)?, n))).collect();
    let (Some(first), Some(last)) = (counted.iter().map(|c| c.0).min(), counted.iter().map(|c| c.0).max()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut y, mut m) = first;
    while (y, m) <= last {
        let n = counted.iter().filter(|c| c.0 == (y, m)).map(|c| c.1).sum();
        out.push((format!("{y:04}-{m:02}"), n));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Width of one month's bar in the timeline, in SVG units.
const MONTH_WIDTH: usize = 24;

/// `GET /stats`: questions per district, unit, topic and month, for the current query and filters.
pub async fn stats(State(state): State<AppState>, pairs: Pairs) -> Response {
    let pairs_clean = meaningful(pairs.0.clone());
    let q = pairs_clean.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone()).unwrap_or_default();
    let result = blocking(&state, move |b, glossary| {
        let (mut req, _) = search_request(b, Pairs(meaningful(pairs.0)), &[])?;
        if req.empty_date_range() {
            return Err(swapped_dates());
        }
        req.limit = 1;
        req.offset = 0;
        let resp = b.search(glossary, &req)?;
        let months = b.histogram(glossary, &req, Interval::Month)?;
        Ok((resp, months))
    })
    .await;
    let filters: Vec<String> =
        active_filters(&pairs_clean, &state.backend().meta().meetings).into_iter().map(|(label, _)| label).collect();
    let mut page = StatsPage {
        q,
        error: None,
        total: 0,
        total_word: "pytań",
        filters: filters.join(", "),
        search_href: href("/", &pairs_clean),
        charts: Vec::new(),
        timeline: Vec::new(),
        timeline_width: MONTH_WIDTH,
    };
    match result {
        Ok((resp, months)) => {
            page.total = resp.total;
            page.total_word = questions_word(resp.total);
            page.charts = vec![
                chart("Dzielnice", "district", &resp.facets.district, &pairs_clean),
                chart("Jednostki miejskie", "department", &resp.facets.department, &pairs_clean),
                chart("Tematy", "topic", &resp.facets.topic, &pairs_clean),
                chart("Lata", "year", &resp.facets.year, &[]),
            ];
            // The year rows link to a date range, not a `year` parameter.
            if let Some(years) = page.charts.last_mut() {
                for row in &mut years.rows {
                    let (from, to) = (format!("{}-01-01", row.value), format!("{}-12-31", row.value));
                    row.selected = pairs_clean.contains(&("from".into(), from.clone()))
                        && pairs_clean.contains(&("to".into(), to.clone()));
                    let mut p = without(&without(&pairs_clean, "from", None), "to", None);
                    p.push(("from".into(), from));
                    p.push(("to".into(), to));
                    row.href = href("/", &p);
                }
            }
            let months = every_month(months.buckets.iter().map(|b| (b.key.as_str(), b.count)));
            let max = months.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            page.timeline_width = (months.len() * MONTH_WIDTH).max(MONTH_WIDTH);
            page.timeline = months
                .iter()
                .enumerate()
                .map(|(i, (key, count))| {
                    let h = *count as f64 * 100.0 / max as f64;
                    TimelineBar {
                        label: key.clone(),
                        short: (i % 3 == 0).then(|| key.get(2..).unwrap_or(key).to_string()),
                        count: *count,
                        x: (i * MONTH_WIDTH + 2).to_string(),
                        y: format!("{:.1}", 104.0 - h),
                        width: (MONTH_WIDTH - 4).to_string(),
                        height: format!("{h:.1}"),
                        text_x: (i * MONTH_WIDTH + 1).to_string(),
                    }
                })
                .collect();
            render(StatusCode::OK, &page)
        }
        Err(e) if e.status().is_client_error() => {
            page.error = Some(page_message(&e));
            render(e.status(), &page)
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_plural_of_questions() {
        let got: Vec<&str> = [0, 1, 2, 4, 5, 11, 12, 22, 25, 102, 112].into_iter().map(questions_word).collect();
        assert_eq!(
            got,
            [
                "pytań", "pytanie", "pytania", "pytania", "pytań", "pytań", "pytań", "pytania", "pytań", "pytania",
                "pytań"
            ]
        );
    }

    #[test]
    fn the_timeline_has_every_month_between_the_first_and_the_last() {
        let got = every_month([("2024-11", 3), ("2025-02", 1), ("2024-12", 2)].into_iter());
        let want = [("2024-11", 3), ("2024-12", 2), ("2025-01", 0), ("2025-02", 1)];
        assert_eq!(got, want.map(|(k, n)| (k.to_string(), n)));
        assert!(every_month(std::iter::empty()).is_empty());
    }

    #[test]
    fn polish_plural_of_meetings() {
        let forms = ["spotkanie", "spotkania", "spotkań"];
        let got: Vec<&str> = [1, 3, 5, 22, 26].into_iter().map(|n| plural(n, forms)).collect();
        assert_eq!(got, ["spotkanie", "spotkania", "spotkań", "spotkania", "spotkań"]);
    }

    #[test]
    fn a_bad_parameter_is_named_as_the_form_names_it() {
        let e = ApiError::bad_parameter("to", "data końcowa jest wcześniejsza niż początkowa");
        assert_eq!(page_message(&e), "Niepoprawna wartość pola „Do”: data końcowa jest wcześniejsza niż początkowa.");
        let other = ApiError::not_found();
        assert_eq!(page_message(&other), other.message());
    }

    #[test]
    fn filter_links_toggle_and_reset_the_page() {
        let pairs = vec![("q".to_string(), "drzewa".to_string()), ("offset".to_string(), "20".to_string())];
        assert_eq!(href("/", &with(&pairs, "district", "Cały Kraków")), "/?q=drzewa&district=Ca%C5%82y+Krak%C3%B3w");
        let chosen = with(&pairs, "district", "Cały Kraków");
        assert_eq!(href("/", &without(&chosen, "district", Some("Cały Kraków"))), "/?q=drzewa");
    }
}
