//! Snippets: the best passage of a text with the query's words in `<mark>`, everything else
//! HTML-escaped.
//!
//! The words to mark are read from the index rather than found by analysing the page's texts
//! again (which cost a quarter of a full search): each query term's positions in each hit come
//! from its postings, and a position leads back to its word through the layout of the `body`
//! field — title, question and answers, each repeated ([`BODY_REPEATS`]), one position per word
//! (stop words included), one position of gap between values, as tantivy indexes them. Only the
//! marked words of the chosen passage are analysed, to check that layout; a text whose check
//! fails, or that was indexed with another analysis (a question in another language), is
//! analysed whole by tantivy's snippet generator, as before.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use tantivy::postings::Postings;
use tantivy::query::Query;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocSet, Score, Searcher, Term, TERMINATED};

use crate::analysis::word_spans;
use crate::index::schema::BODY_REPEATS;
use crate::index::Record;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;

/// A word's byte range in its text.
type Span = (usize, usize);

/// Makes the snippets of a page for one query, trying the exact-letter analysis first and the
/// folded one when the query was typed without Polish letters.
pub struct Snippets {
    plain: FieldTerms,
    folded: FieldTerms,
    /// Texts analysed whole because their positions did not check out: none on a sound index.
    unplaced: usize,
}

/// The query's terms in one of the two body fields.
struct FieldTerms {
    field: Field,
    /// Each term found in the index, its text, and the weight tantivy's generator gives it,
    /// 1 / (1 + document frequency): the rarest words choose the passage.
    terms: Vec<(Term, String, Score)>,
    analyzer: TextAnalyzer,
    /// For texts whose words cannot be placed from positions: made on first need, since most
    /// pages have none.
    generator: OnceCell<SnippetGenerator>,
}

/// Where the query's terms occur in one hit: (position in the field, index of the term), sorted,
/// for each of the two fields.
#[derive(Debug, Default)]
pub struct HitMatches {
    plain: Vec<(u32, u32)>,
    folded: Vec<(u32, u32)>,
}

impl Snippets {
    /// Looks up the query's terms once per search, not per hit.
    pub fn new(searcher: &Searcher, query: &dyn Query, plain: Field, folded: Field) -> tantivy::Result<Snippets> {
        Ok(Snippets {
            plain: FieldTerms::new(searcher, query, plain)?,
            folded: FieldTerms::new(searcher, query, folded)?,
            unplaced: 0,
        })
    }

    /// The positions of the query's terms in each document of `page`: one postings walk per
    /// term and segment, the page's documents in order.
    pub fn matches(&self, searcher: &Searcher, page: &[DocAddress]) -> tantivy::Result<Vec<HitMatches>> {
        let mut out: Vec<HitMatches> = page.iter().map(|_| HitMatches::default()).collect();
        let mut order: Vec<usize> = (0..page.len()).collect();
        order.sort_by_key(|&i| (page[i].segment_ord, page[i].doc_id));
        let mut positions = Vec::new();
        for group in order.chunk_by(|&a, &b| page[a].segment_ord == page[b].segment_ord) {
            let segment = searcher.segment_reader(page[group[0]].segment_ord);
            for (ft, folded) in [(&self.plain, false), (&self.folded, true)] {
                if ft.terms.is_empty() {
                    continue;
                }
                let inverted = segment.inverted_index(ft.field)?;
                for (t, (term, _, _)) in ft.terms.iter().enumerate() {
                    let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
                    else {
                        continue;
                    };
                    for &i in group {
                        let doc = page[i].doc_id;
                        if postings.doc() == TERMINATED {
                            break;
                        }
                        if postings.doc() > doc || postings.seek(doc) != doc {
                            continue;
                        }
                        positions.clear();
                        postings.positions(&mut positions);
                        let hit = if folded { &mut out[i].folded } else { &mut out[i].plain };
                        hit.extend(positions.iter().map(|&p| (p, t as u32)));
                    }
                }
            }
        }
        for hit in &mut out {
            hit.plain.sort_unstable();
            hit.folded.sort_unstable();
        }
        Ok(out)
    }

    /// The question's and the answers' snippets of one hit, from its [`HitMatches`].
    pub fn for_record(&mut self, rec: &Record, matches: &HitMatches) -> (String, String) {
        let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
        let joined = answers.join("\n\n");
        if rec.lang != "pl" {
            return (self.reanalysed(&rec.question), self.reanalysed(&joined));
        }
        let texts = Texts::new(&rec.title, &rec.question, &answers);
        let parts = [rec.question.as_str(), joined.as_str()];
        // Per text: not yet found, or the snippet, or `None`: analyse the text whole.
        let mut out: [Option<Option<String>>; 2] = [None, None];
        for (ft, hits) in [(&mut self.plain, &matches.plain), (&mut self.folded, &matches.folded)] {
            if hits.is_empty() || out.iter().all(Option::is_some) {
                continue;
            }
            let Some(words) = texts.locate(&mut ft.analyzer, hits) else {
                out = [Some(None), Some(None)];
                break;
            };
            let spans = [&texts.question, &texts.joined];
            for (((slot, text), spans), matched) in out.iter_mut().zip(parts).zip(spans).zip(words) {
                if slot.is_none() && !matched.is_empty() {
                    *slot = Some(ft.marked(text, spans, &matched));
                }
            }
        }
        let [question, answer] = out;
        (self.finish(question, &rec.question), self.finish(answer, &joined))
    }

    /// A text's snippet from what [`Snippets::for_record`] found for it.
    fn finish(&mut self, found: Option<Option<String>>, text: &str) -> String {
        match found {
            Some(Some(html)) => html,
            Some(None) => {
                self.unplaced += 1;
                self.reanalysed(text)
            }
            None => leading_html(text),
        }
    }

    /// How many texts were analysed whole because their positions did not check out.
    pub fn unplaced(&self) -> usize {
        self.unplaced
    }

    /// The snippet of `text` by analysing it whole: escaped text with `<mark>` around matched
    /// words; the text's beginning when no word matched.
    pub fn reanalysed(&self, text: &str) -> String {
        for ft in [&self.plain, &self.folded].into_iter().filter(|ft| !ft.terms.is_empty()) {
            let mut s = ft.generator().snippet(text);
            if !s.highlighted().is_empty() {
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                return s.to_html();
            }
        }
        leading_html(text)
    }
}

impl FieldTerms {
    fn new(searcher: &Searcher, query: &dyn Query, field: Field) -> tantivy::Result<FieldTerms> {
        let mut found: BTreeSet<Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                found.insert(term.clone());
            }
        });
        let mut terms = Vec::with_capacity(found.len());
        for term in found {
            let Some(text) = term.value().as_str().map(str::to_string) else { continue };
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                terms.push((term, text, 1.0 / (1.0 + doc_freq as Score)));
            }
        }
        let analyzer = searcher.index().tokenizer_for_field(field)?;
        Ok(FieldTerms { field, terms, analyzer, generator: OnceCell::new() })
    }

    /// tantivy's generator over the same terms and weights.
    fn generator(&self) -> &SnippetGenerator {
        self.generator.get_or_init(|| {
            let weights: BTreeMap<String, Score> = self.terms.iter().map(|(_, text, w)| (text.clone(), *w)).collect();
            SnippetGenerator::new(weights, self.analyzer.clone(), self.field, SNIPPET_CHARS)
        })
    }

    /// The best passage of `text` with the `matched` words ((word index, term index), in word
    /// order) marked, as HTML; `None` if a marked word does not give its term when analysed
    /// (the positions were not laid out as [`Texts::locate`] assumes).
    fn marked(&mut self, text: &str, spans: &[Span], matched: &[(usize, u32)]) -> Option<String> {
        let weighted: Vec<(usize, Score)> = matched.iter().map(|&(w, t)| (w, self.terms[t as usize].2)).collect();
        let (from, to, marks) = best_passage(spans, &weighted, SNIPPET_CHARS)?;
        for &w in &marks {
            let (a, b) = spans[w];
            let expected = matched.iter().filter(|(m, _)| *m == w).map(|&(_, t)| self.terms[t as usize].1.as_str());
            let given = terms_of(&mut self.analyzer, &text[a..b]);
            if !expected.into_iter().all(|e| given.iter().any(|g| g == e)) {
                return None;
            }
        }
        Some(marked_html(text, from, to, marks.iter().map(|&w| spans[w])))
    }
}

/// The words of one hit's texts, as the `body` field holds them.
struct Texts<'a> {
    title: &'a str,
    question_text: &'a str,
    answers: &'a [&'a str],
    title_words: Vec<Span>,
    question: Vec<Span>,
    /// Each answer's words, in the answer.
    answer_words: Vec<Vec<Span>>,
    /// The answers' words in the answers joined by a blank line, as the snippet shows them.
    joined: Vec<Span>,
}

/// Which text a value of the `body` field holds.
#[derive(Clone, Copy)]
enum Part {
    Title,
    Question,
    Answer(usize),
}

impl<'a> Texts<'a> {
    fn new(title: &'a str, question: &'a str, answers: &'a [&'a str]) -> Texts<'a> {
        let answer_words: Vec<Vec<Span>> = answers.iter().map(|a| word_spans(a).collect()).collect();
        let mut joined = Vec::with_capacity(answer_words.iter().map(Vec::len).sum());
        let mut offset = 0;
        for (answer, words) in answers.iter().zip(&answer_words) {
            joined.extend(words.iter().map(|&(a, b)| (a + offset, b + offset)));
            offset += answer.len() + "\n\n".len();
        }
        Texts {
            title,
            question_text: question,
            answers,
            title_words: word_spans(title).collect(),
            question: word_spans(question).collect(),
            answer_words,
            joined,
        }
    }

    /// The matched words of the question and of the joined answers ((word index, term index),
    /// in word order), from positions in the field `analyzer` analyses; `None` when a position
    /// falls outside every value (an index laid out otherwise).
    fn locate(&self, analyzer: &mut TextAnalyzer, hits: &[(u32, u32)]) -> Option<[Vec<(usize, u32)>; 2]> {
        // Each value spans up to its last word that gives a term, then one position of gap
        // (tantivy's `POSITION_GAP`): trailing stop words take no position.
        let span = |analyzer: &mut TextAnalyzer, text: &str, words: &[Span]| -> u32 {
            words.iter().rposition(|&(a, b)| !terms_of(analyzer, &text[a..b]).is_empty()).map_or(0, |i| i as u32 + 1)
        };
        let mut parts: Vec<(Part, u32)> = vec![
            (Part::Title, span(analyzer, self.title, &self.title_words)),
            (Part::Question, span(analyzer, self.question_text, &self.question)),
        ];
        for (j, (answer, words)) in self.answers.iter().zip(&self.answer_words).enumerate() {
            parts.push((Part::Answer(j), span(analyzer, answer, words)));
        }
        // (first position, length, part, whether it is the part's first copy)
        let mut values = Vec::new();
        let mut base = 0u32;
        for (part, len) in parts {
            let repeats = match part {
                Part::Title => BODY_REPEATS[0],
                Part::Question => BODY_REPEATS[1],
                Part::Answer(_) => BODY_REPEATS[2],
            };
            for copy in 0..repeats {
                values.push((base, len, part, copy == 0));
                base += len + 1;
            }
        }
        let answer_starts: Vec<usize> = self
            .answer_words
            .iter()
            .scan(0, |n, words| {
                let start = *n;
                *n += words.len();
                Some(start)
            })
            .collect();
        let mut out: [Vec<(usize, u32)>; 2] = [Vec::new(), Vec::new()];
        for &(p, t) in hits {
            let &(first, _, part, is_first_copy) =
                values.iter().find(|(first, len, _, _)| p >= *first && p < first + len)?;
            let w = (p - first) as usize;
            match part {
                _ if !is_first_copy => {}
                Part::Title => {}
                Part::Question => out[0].push((w, t)),
                Part::Answer(j) => out[1].push((answer_starts[j] + w, t)),
            }
        }
        Some(out)
    }
}

/// The terms `analyzer` gives one word.
fn terms_of(analyzer: &mut TextAnalyzer, word: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(word);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The passage tantivy's snippet generator would choose: the text cut into runs of words at
/// most `max_bytes` long, the run with the highest sum of its matches' weights, the earliest
/// among equals. Returns its byte range and its matched words; `None` without matches.
/// `weighted` is (word index, weight), in word order, a word once per term it matched.
fn best_passage(spans: &[Span], weighted: &[(usize, Score)], max_bytes: usize) -> Option<(usize, usize, Vec<usize>)> {
    let mut best: Option<(Score, usize, usize, Vec<usize>)> = None;
    let (mut start, mut stop, mut score, mut marks) = (0, 0, 0.0, Vec::new());
    let mut next = 0;
    let mut close = |start: usize, stop: usize, score: Score, marks: &mut Vec<usize>| {
        if score > 0.0 && best.as_ref().is_none_or(|(s, ..)| score > *s) {
            best = Some((score, start, stop, std::mem::take(marks)));
        }
        marks.clear();
    };
    for (w, &(from, to)) in spans.iter().enumerate() {
        if to - start > max_bytes {
            close(start, stop, score, &mut marks);
            (start, score) = (from, 0.0);
        }
        stop = to;
        while next < weighted.len() && weighted[next].0 < w {
            next += 1;
        }
        while next < weighted.len() && weighted[next].0 == w {
            score += weighted[next].1;
            if marks.last() != Some(&w) {
                marks.push(w);
            }
            next += 1;
        }
    }
    close(start, stop, score, &mut marks);
    best.map(|(_, start, stop, marks)| (start, stop, marks))
}

/// `text[from..to]` escaped, with the `marks` (byte ranges, in order) in `<mark>`, and an
/// ellipsis on each side where the passage cuts the text, as [`leading_html`] ends one: a reader
/// should see that the sentence goes on.
fn marked_html(text: &str, from: usize, to: usize, marks: impl Iterator<Item = Span>) -> String {
    let mut out = String::with_capacity(to - from + 64);
    if text[..from].chars().any(char::is_alphanumeric) {
        out.push('…');
    }
    let mut at = from;
    for (a, b) in marks {
        out.push_str(&escape_html(&text[at..a]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[a..b]));
        out.push_str("</mark>");
        at = b;
    }
    out.push_str(&escape_html(&text[at..to]));
    if text[to..].chars().any(char::is_alphanumeric) {
        out.push('…');
    }
    out
}

/// The snippet of `text` for a backend without the query terms' positions (a distributed
/// engine's hits): each word whose terms by `analyzer` include one that `wanted` accepts is a
/// match, and the passage is chosen as for the embedded backend's hits; the text's beginning when no
/// word matched.
pub fn by_terms(text: &str, analyzer: &mut TextAnalyzer, wanted: impl Fn(&str) -> bool) -> String {
    let spans: Vec<Span> = word_spans(text).collect();
    let weighted: Vec<(usize, Score)> = spans
        .iter()
        .enumerate()
        .filter(|(_, &(a, b))| terms_of(analyzer, &text[a..b]).iter().any(|t| wanted(t)))
        .map(|(w, _)| (w, 1.0))
        .collect();
    match best_passage(&spans, &weighted, SNIPPET_CHARS) {
        Some((from, to, marks)) => marked_html(text, from, to, marks.iter().map(|&w| spans[w])),
        None => leading_html(text),
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

    fn spans(text: &str) -> Vec<Span> {
        word_spans(text).collect()
    }

    #[test]
    fn the_passage_with_the_heaviest_matches_wins_and_the_earliest_among_equals() {
        // Runs of at most 12 bytes: "aa bb cc dd" | "ee ff gg hh" | "ii".
        let text = "aa bb cc dd ee ff gg hh ii";
        let words = spans(text);
        assert_eq!(best_passage(&words, &[], 12), None);
        let (from, to, marks) = best_passage(&words, &[(1, 0.5), (5, 0.3), (6, 0.3)], 12).unwrap();
        assert_eq!((&text[from..to], marks), ("ee ff gg hh", vec![5, 6]));
        let (from, to, marks) = best_passage(&words, &[(1, 0.5), (5, 0.5)], 12).unwrap();
        assert_eq!((&text[from..to], marks), ("aa bb cc dd", vec![1]));
        // A word matching two terms counts twice but is marked once.
        let (from, to, marks) = best_passage(&words, &[(1, 0.4), (5, 0.3), (5, 0.3)], 12).unwrap();
        assert_eq!((&text[from..to], marks), ("ee ff gg hh", vec![5]));
    }

    #[test]
    fn marked_passages_are_escaped_around_the_marks() {
        let text = "Czy <b>dziury</b> & Balicka?";
        let words = spans(text);
        let html = marked_html(text, 0, text.len(), [words[2], words[4]].into_iter());
        assert_eq!(html, "Czy &lt;b&gt;<mark>dziury</mark>&lt;/b&gt; &amp; <mark>Balicka</mark>?");
    }

    #[test]
    fn words_with_a_wanted_term_are_marked_without_positions() {
        let mut analyzer = crate::analysis::polish_analyzer(true);
        let text = "Kiedy naprawią dziury w chodniku na <Balickiej>? Chodniki są w złym stanie.";
        // The folded analysis gives `chodnik` for both forms; `dziura` is not wanted. The passage
        // runs from the first word to the last, as the embedded backend's does.
        let html = by_terms(text, &mut analyzer, |t| t == "chodnik");
        assert_eq!(
            html,
            "Kiedy naprawią dziury w <mark>chodniku</mark> na &lt;Balickiej&gt;? <mark>Chodniki</mark> są w złym stanie"
        );
        assert_eq!(by_terms(text, &mut analyzer, |_| false), leading_html(text));
        // A passage inside a longer text says so on the side it cuts.
        let long = format!("{} {text} {}", "Wstęp bez znaczenia. ".repeat(20), "Dalszy ciąg. ".repeat(20));
        let html = by_terms(&long, &mut analyzer, |t| t == "chodnik");
        assert!(html.starts_with('…') && html.ends_with('…') && html.contains("<mark>chodniku</mark>"), "{html}");
    }

    #[test]
    fn leading_text_is_escaped_and_cut_at_a_word() {
        assert_eq!(leading_html("<b>tak</b> & nie"), "&lt;b&gt;tak&lt;/b&gt; &amp; nie");
        let long = "słowo ".repeat(100);
        let s = leading_html(&long);
        assert!(s.ends_with("słowo…"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
    }
}
