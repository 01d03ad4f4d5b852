//! As-you-type help: completions of the word being typed and the questions that best match what
//! the completed query would find. Cheap enough for every keystroke: one binary search in the
//! generation's word list and one small search.

use serde::Serialize;

use super::error::Result;
use super::request::{Filters, SearchRequest, Sort};
use super::{load_record, ranked, response, Glossary};
use crate::index::Generation;

/// Most completions or questions asked for at once.
pub const MAX_SUGGESTIONS: usize = 20;

/// One suggested question.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestedQuestion {
    /// `<meeting>/<n>`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The question's page.
    pub url: String,
}

/// The body of `/api/suggest`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    /// Whole queries: what was typed, its last word completed.
    pub completions: Vec<String>,
    /// The best questions for the first completion (or the text as typed).
    pub questions: Vec<SuggestedQuestion>,
}

/// Suggestions for `q` as typed so far.
pub fn suggest(generation: &Generation, glossary: &Glossary, q: &str, limit: usize) -> Result<SuggestResponse> {
    let limit = limit.clamp(1, MAX_SUGGESTIONS);
    let trimmed = q.trim_start();
    // The word being typed is the last one, unless the text ends with a space (it is complete).
    let (head, prefix) = match trimmed.rfind(char::is_whitespace) {
        _ if trimmed.ends_with(char::is_whitespace) => (trimmed.trim_end(), ""),
        Some(i) => (trimmed[..i].trim_end(), &trimmed[i + 1..]),
        None => ("", trimmed),
    };
    let prefix_word: String = prefix.chars().filter(|c| c.is_alphanumeric()).collect();
    let completions: Vec<String> = if prefix_word.chars().count() >= 2 {
        let start = &prefix[..prefix.find(|c: char| c.is_alphanumeric()).unwrap_or(0)];
        generation
            .suggestions
            .complete(&prefix_word, limit)
            .into_iter()
            .map(|w| if head.is_empty() { format!("{start}{w}") } else { format!("{head} {start}{w}") })
            .collect()
    } else {
        Vec::new()
    };
    let query = completions.first().cloned().unwrap_or_else(|| trimmed.trim_end().to_string());
    let questions = if query.trim().is_empty() {
        Vec::new()
    } else {
        // The ranked page only: no facets, no snippets (this runs on every keystroke).
        let req = SearchRequest {
            q: query,
            filters: Filters::default(),
            sort: Sort::Relevance,
            limit,
            offset: 0,
            facets: false,
            snippets: false,
            // A prefix has no meaning to embed, and this runs on every keystroke.
            dense: false,
            // Nobody sees the total: the page may be pruned (see `search::prune`).
            track_total_hits: Some(0),
        };
        let ranked = ranked(generation, glossary, &req)?;
        let mut out = Vec::with_capacity(limit);
        for (_, addr) in ranked.page {
            let rec = load_record(&ranked.searcher, &generation.fields, addr)?;
            out.push(SuggestedQuestion { url: response::question_url(&rec.id), id: rec.id, title: rec.title });
        }
        out
    };
    Ok(SuggestResponse { completions, questions })
}
