//! Searching a published collection with Typesense's own ranking, Ławka's analysis in front:
//! the query's words become the same folded terms the documents were published with, filters
//! become `filter_by`, and Typesense ranks (its text-match score: tokens matched, typos,
//! proximity, field weights; no term or document frequencies). `lawka eval --backend typesense`
//! measures this against the embedded ranking (docs/SCALE.md).

use reqwest::Method;
use tantivy::tokenizer::TextAnalyzer;

use super::client::Client;
use super::error::{Result, TypesenseError};
use crate::analysis;
use crate::index::schema::BODY_REPEATS;
use crate::index::Generation;
use crate::search::request::Filters;
use crate::search::SearchRequest;

/// One page of ids, best first, and how many questions matched.
#[derive(Debug)]
pub struct Ranked {
    /// Question ids (`<meeting>/<n>`).
    pub ids: Vec<String>,
    /// Matches in all.
    pub found: u64,
}

/// The first term of each word of `text`: the term a word is published under first, since
/// Typesense requires every query token (a word's other lemmas would have to match too).
pub fn first_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last = None;
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if last != Some(t.position) {
            out.push(t.text.clone());
            last = Some(t.position);
        }
    }
    out
}

/// A `filter_by` value list: backquoted, so commas and spaces in names stay inside a value.
fn values<S: AsRef<str>>(vs: &[S]) -> String {
    let quoted: Vec<String> = vs.iter().map(|v| format!("`{}`", v.as_ref().replace('`', ""))).collect();
    format!("[{}]", quoted.join(","))
}

/// The request's filters as Typesense's `filter_by` (empty when none).
pub fn filter_by(filters: &Filters) -> Result<String> {
    if !filters.meetings.is_empty() {
        return Err(TypesenseError::Protocol("the meeting filter is not published to Typesense".into()));
    }
    let mut parts = Vec::new();
    let districts: Vec<String> = filters.districts.iter().map(|d| d.to_string()).collect();
    for (field, vs) in [
        ("district", &districts),
        ("departments", &filters.departments),
        ("topics", &filters.topics),
        ("lang", &filters.langs),
    ] {
        if !vs.is_empty() {
            parts.push(format!("{field}:={}", values(vs)));
        }
    }
    let day =
        |d: time::Date| i32::from(d.year() as i16) * 10_000 + i32::from(u8::from(d.month())) * 100 + i32::from(d.day());
    if let Some(from) = filters.from {
        parts.push(format!("date:>={}", day(from)));
    }
    if let Some(to) = filters.to {
        parts.push(format!("date:<={}", day(to)));
    }
    Ok(parts.join(" && "))
}

/// Runs `req` on the collection behind `alias`, analysing its words with `generation`'s folded
/// Polish analysis (the one its documents were published with).
pub fn ranked(client: &Client, alias: &str, generation: &Generation, req: &SearchRequest) -> Result<Ranked> {
    let mut folded = generation
        .index
        .tokenizers()
        .get(analysis::PL_ASCII)
        .ok_or_else(|| TypesenseError::Protocol("the index has no folded Polish analyzer".into()))?;
    let terms = first_terms(&mut folded, &req.q);
    let q = if terms.is_empty() { "*".to_string() } else { terms.join(" ") };
    let weights: Vec<String> = BODY_REPEATS.iter().map(|w| w.to_string()).collect();
    let page = req.offset / req.limit.max(1) + 1;
    let mut params: Vec<(&str, String)> = vec![
        ("q", q),
        ("query_by", "title_folded,question_folded,answer_folded".into()),
        ("query_by_weights", weights.join(",")),
        ("pre_segmented_query", "true".into()),
        ("prefix", "false".into()),
        // Fewer than a page of questions with every word: drop words (from the right) until
        // there are, as Ławka's "most of the words" does.
        ("drop_tokens_threshold", (req.offset + req.limit).to_string()),
        ("per_page", req.limit.to_string()),
        ("page", page.to_string()),
        ("include_fields", "qid".into()),
    ];
    let filter = filter_by(&req.filters)?;
    if !filter.is_empty() {
        params.push(("filter_by", filter));
    }
    if terms.is_empty() {
        params.push(("sort_by", "date:desc".into()));
    }
    let query = serde_urlencoded::to_string(&params).map_err(|e| TypesenseError::Protocol(e.to_string()))?;
    let skipped = (page as u64 - 1) * req.limit as u64;
    let body =
        client.json_checked(Method::GET, &format!("/collections/{alias}/documents/search?{query}"), None, &|body| {
            short_page(body, skipped, req.limit as u64)
        })?;
    let ids = body["hits"]
        .as_array()
        .ok_or_else(|| TypesenseError::Protocol(format!("search answer without hits: {body}")))?
        .iter()
        .map(|h| h["document"]["qid"].as_str().map(str::to_string))
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| TypesenseError::Protocol("a hit without qid".into()))?;
    Ok(Ranked { ids, found: body["found"].as_u64().unwrap_or(0) })
}

/// Why a search answer is not a whole page, if it is not: fewer hits than the matches it counts
/// leave past the `skipped` ones (a node restarting after a crash answered `found: 14` with no
/// hits while it loaded its documents; the next node answers in full).
fn short_page(body: &serde_json::Value, skipped: u64, per_page: u64) -> Option<String> {
    let found = body["found"].as_u64()?;
    let hits = body["hits"].as_array().map_or(0, Vec::len) as u64;
    let expected = found.saturating_sub(skipped).min(per_page);
    (hits < expected).then(|| format!("a page of {hits} hits where {found} matches leave {expected}: node not ready"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_term_per_word() {
        let mut a = analysis::polish_analyzer(true);
        let terms = first_terms(&mut a, "dziury na ulicach Krakowa");
        assert_eq!(terms.len(), 3, "{terms:?}");
        assert!(terms.iter().all(|t| t.is_ascii()), "{terms:?}");
    }

    #[test]
    fn a_page_short_of_its_counted_matches_is_not_taken() {
        let page =
            |found: u64, hits: usize| serde_json::json!({ "found": found, "hits": vec![serde_json::json!({}); hits] });
        assert!(short_page(&page(14, 0), 0, 10).is_some(), "matches counted, none returned");
        assert!(short_page(&page(14, 9), 0, 10).is_some());
        assert!(short_page(&page(14, 10), 0, 10).is_none());
        assert!(short_page(&page(14, 4), 10, 10).is_none(), "the last page");
        assert!(short_page(&page(14, 0), 20, 10).is_none(), "past the last page");
        assert!(short_page(&page(0, 0), 0, 10).is_none());
    }

    #[test]
    fn filters_become_filter_by() {
        let filters = Filters {
            departments: vec!["Zarząd Dróg Miasta Krakowa".into()],
            langs: vec!["pl".into()],
            from: Some(time::macros::date!(2024 - 06 - 01)),
            ..Filters::default()
        };
        assert_eq!(
            filter_by(&filters).unwrap(),
            "departments:=[`Zarząd Dróg Miasta Krakowa`] && lang:=[`pl`] && date:>=20240601"
        );
        assert!(filter_by(&Filters { meetings: vec!["m".into()], ..Filters::default() }).is_err());
    }
}
