//! Snippets: the best passage of a text with the query's words in `<mark>`, everything else
//! HTML-escaped.

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// Makes snippets of one text field for one query, trying the exact-letter analysis first and
/// the folded one when the query was typed without Polish letters.
pub struct Snippets {
    /// Each generator with whether the query has any term in its field: without one, there is
    /// nothing to highlight and tokenizing the text would be wasted.
    plain: (SnippetGenerator, bool),
    folded: (SnippetGenerator, bool),
}

impl Snippets {
    /// Prepares the generators (looks up the query's terms once per search, not per hit).
    pub fn new(searcher: &Searcher, query: &dyn Query, plain: Field, folded: Field) -> tantivy::Result<Snippets> {
        let (mut has_plain, mut has_folded) = (false, false);
        query.query_terms(&mut |term, _| {
            has_plain |= term.field() == plain;
            has_folded |= term.field() == folded;
        });
        let mut plain_gen = SnippetGenerator::create(searcher, query, plain)?;
        let mut folded_gen = SnippetGenerator::create(searcher, query, folded)?;
        plain_gen.set_max_num_chars(SNIPPET_CHARS);
        folded_gen.set_max_num_chars(SNIPPET_CHARS);
        Ok(Snippets { plain: (plain_gen, has_plain), folded: (folded_gen, has_folded) })
    }

    /// The snippet of `text` as HTML: escaped text with `<mark>` around matched words; the text's
    /// beginning when no word matched.
    pub fn html(&self, text: &str) -> String {
        for (generator, _) in [&self.plain, &self.folded].into_iter().filter(|(_, has_terms)| *has_terms) {
            let mut s = generator.snippet(text);
            if !s.highlighted().is_empty() {
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                return s.to_html();
            }
        }
        leading_html(text)
    }
}

/// The beginning of `text`, cut at a word boundary, HTML-escaped, with an ellipsis if cut.
pub fn leading_html(text: &str) -> String {
    if text.chars().count() <= SNIPPET_CHARS {
        return escape_html(text);
    }
    let cut = text.char_indices().nth(SNIPPET_CHARS).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
    format!("{}…", escape_html(head.trim_end()))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_text_is_escaped_and_cut_at_a_word() {
        assert_eq!(leading_html("<b>tak</b> & nie"), "&lt;b&gt;tak&lt;/b&gt; &amp; nie");
        let long = "słowo ".repeat(100);
        let s = leading_html(&long);
        assert!(s.ends_with("słowo…"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
    }
}
