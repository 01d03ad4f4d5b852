//! Typo tolerance: index terms within a small edit distance of a word the index does not know,
//! and the words of the corpus it most likely meant (see [`vocabulary_distance`]).
//!
//! Bounds for index terms (so no query can take long, and short words are not "corrected" into other words):
//! distance 1 from 5 letters, 2 from 9; the first letter never changes (the candidates are only
//! the terms sharing it, read as one range of the term dictionary); transpositions count as one
//! edit ("skatepakr"); at most [`MAX_EXPANSIONS`] candidates per word, the closest and most
//! frequent first.

use std::collections::HashMap;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Most index terms one misspelled word expands to.
pub const MAX_EXPANSIONS: usize = 6;
/// Most candidate terms examined per word and field (bounds the work on a huge vocabulary).
const MAX_SCANNED: usize = 200_000;

/// Most words of the corpus a misspelt word is taken to mean (see [`vocabulary_distance`]).
pub const MAX_MEANT: usize = 3;

/// The edit distance allowed between a word of `chars` characters and the words the corpus writes
/// (the vocabulary of titles and questions, as written): one more letter of leeway than for index
/// terms, since a whole word form typed with one slip is rarely another form of the corpus, and
/// any letter may be the wrong one, the first too (`hloki`, `xmog`). Measured on the judged sets
/// with every query rewritten by one slip (`lawka eval --perturb typo`, docs/RELEVANCE.md).
pub fn vocabulary_distance(chars: usize) -> u32 {
    match chars {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
}

/// The edit distance allowed for a word of `chars` characters.
pub fn max_distance(chars: usize) -> u32 {
    match chars {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Optimal-string-alignment distance between `a` and `b`, or `None` if it exceeds `max`.
pub fn distance(a: &[char], b: &[char], max: u32) -> Option<u32> {
    let max = max as usize;
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let (n, m) = (a.len(), b.len());
    let mut prev2: Vec<usize> = vec![0; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur: Vec<usize> = vec![0; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= max).then_some(prev[m] as u32)
}

/// Index terms of `field` within `max` edits of `word` (lowercase), as (term, distance), best first.
///
/// The term dictionary is walked with a Levenshtein automaton (tantivy's own, from
/// `levenshtein_automata`), so only terms that can still lie within `max` edits are visited,
/// instead of every term that shares the first letter; each candidate is then measured with
/// [`distance`] (the automaton's transpositions are at least as lenient as ours).
pub fn expansions_within(
    searcher: &Searcher,
    field: Field,
    word: &str,
    max: u32,
) -> tantivy::Result<Vec<(String, u32)>> {
    let chars: Vec<char> = word.chars().collect();
    let Some(first) = chars.first().copied() else { return Ok(Vec::new()) };
    if max == 0 {
        return Ok(Vec::new());
    }
    let lower = first.to_string();
    let upper = match char::from_u32(first as u32 + 1) {
        Some(c) => c.to_string(),
        None => return Ok(Vec::new()),
    };
    let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), max.min(2) as u8, true);
    // term -> (distance, document frequency), summed over segments.
    let mut found: HashMap<String, (u32, u64)> = HashMap::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream =
            inverted.terms().search(automaton.automaton()?).ge(lower.as_bytes()).lt(upper.as_bytes()).into_stream()?;
        let mut scanned = 0;
        let mut candidate: Vec<char> = Vec::with_capacity(32);
        while stream.advance() && scanned < MAX_SCANNED {
            scanned += 1;
            let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
            candidate.clear();
            candidate.extend(term.chars());
            if let Some(d) = distance(&chars, &candidate, max).filter(|d| *d > 0) {
                let entry = found.entry(term.to_string()).or_insert((d, 0));
                entry.1 += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut out: Vec<(String, u32, u64)> = found.into_iter().map(|(t, (d, df))| (t, d, df)).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then_with(|| a.0.cmp(&b.0)));
    out.truncate(MAX_EXPANSIONS);
    Ok(out.into_iter().map(|(t, d, _)| (t, d)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str, max: u32) -> Option<u32> {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        distance(&a, &b, max)
    }

    #[test]
    fn distance_counts_transpositions_as_one_edit() {
        assert_eq!(d("skatepakr", "skatepark", 2), Some(1));
        assert_eq!(d("chodnka", "chodnika", 1), Some(1));
        assert_eq!(d("obywatleski", "obywatelski", 2), Some(1));
        assert_eq!(d("kot", "kot", 0), Some(0));
        assert_eq!(d("tramwaj", "autobus", 2), None);
        assert_eq!(d("abcdef", "abcdefghi", 2), None, "length difference alone exceeds the bound");
    }

    #[test]
    fn bounds_grow_with_word_length() {
        assert_eq!([4, 5, 8, 9, 20].map(max_distance), [0, 1, 1, 2, 2]);
    }

    #[test]
    fn expansions_come_from_the_index_closest_and_commonest_first() {
        use tantivy::schema::{Schema, TEXT};
        use tantivy::{doc, Index, IndexWriter};
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        for body in ["skatepark skatepark", "skatepark skateparki", "skateparki", "wskatepark", "skatepakr"] {
            writer.add_document(doc!(text => body)).expect("add");
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        let got = expansions_within(&searcher, text, "skatepakr", 2).expect("expansions");
        // The word itself (distance 0) is no correction; a changed first letter is never one;
        // the nearer term first, then by how many documents have it (summed over segments).
        assert_eq!(got, vec![("skatepark".to_string(), 1), ("skateparki".to_string(), 2)]);
        assert_eq!(expansions_within(&searcher, text, "skatepakr", 0).expect("none"), vec![]);
        assert_eq!(expansions_within(&searcher, text, "bulwar", 2).expect("none"), vec![]);
    }
}
