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

/// The text before the word being typed, and that word: the last one, unless the text ends with
/// a space (it is complete). Any Unicode space separates words, the non-breaking one (two bytes in
/// UTF-8) and the ideographic one (three) as well as ASCII's.
fn split_last_word(text: &str) -> (&str, &str) {
    if text.ends_with(char::is_whitespace) {
        return (text.trim_end(), "");
    }
    match text.char_indices().rfind(|(_, c)| c.is_whitespace()) {
        Some((i, c)) => (text[..i].trim_end(), &text[i + c.len_utf8()..]),
        None => ("", text),
    }
}

/// Suggestions for `q` as typed so far.
pub fn suggest(generation: &Generation, glossary: &Glossary, q: &str, limit: usize) -> Result<SuggestResponse> {
    let limit = limit.clamp(1, MAX_SUGGESTIONS);
    let trimmed = q.trim_start();
    // The word being typed is the last one, unless the text ends with a space (it is complete).
    let (head, prefix) = split_last_word(trimmed);
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

#[cfg(test)]
mod tests {
    use super::split_last_word;

    #[test]
    fn the_word_being_typed_follows_any_kind_of_space() {
        assert_eq!(split_last_word("dziury na Bal"), ("dziury na", "Bal"));
        assert_eq!(split_last_word("dziury na "), ("dziury na", ""));
        assert_eq!(split_last_word("dziury"), ("", "dziury"));
        assert_eq!(split_last_word(""), ("", ""));
        // A non-breaking space (U+00A0), NEL (U+0085) and the ideographic space (U+3000) are
        // more than one byte: the word after them starts past all of it.
        assert_eq!(split_last_word("dziury\u{a0}w"), ("dziury", "w"));
        assert_eq!(split_last_word("a\u{85}b"), ("a", "b"));
        assert_eq!(split_last_word("tramwaj\u{3000}Mistrz"), ("tramwaj", "Mistrz"));
        assert_eq!(split_last_word("tramwaj\u{2028}"), ("tramwaj", ""));
    }
}
