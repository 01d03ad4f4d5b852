//! Ławka's own word scoring over Sphinx's first matches (issue 13, ranking parity).
//!
//! Sphinx ranks by its BM25F, which adds up every alternative of a word (a lemma, its folded
//! form, a typo correction, a glossary name) and reads each shard's own statistics, so a
//! question's rank moves with the shard it lands in. Ławka scores a word by the best of its
//! alternatives, each with the whole index's IDF, and puts the questions with most of the words
//! first. Sphinx still matches, counts and orders the candidates; for its first 300 (the
//! backend's `RESCORED`), the page statement also returns each keyword's frequency in the
//! question (`PACKEDFACTORS()`) and the question's length (`body_len`), and the
//! front scores them as the embedded backend would: tantivy's BM25 with the generation's
//! statistics (it holds the same questions), the best alternative per word, the strict matches
//! first. What it cannot see: whether a glossary name's words stand together (its words'
//! smallest frequency stands for the phrase's), a term's exact letters (Sphinx holds folded
//! terms: `sąd` counts `sad` too) and the proximity bonus.

use std::collections::HashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25Weight;

use crate::search::query::minimum_should_match;

/// One way to satisfy a query word: a term, or a phrase's terms (the glossary's other names of
/// several words), with its BM25 weight (the whole index's IDF, the word's boost).
#[derive(Clone)]
pub struct Alternative {
    /// The keywords as Sphinx holds them (one for a term).
    pub words: Vec<String>,
    /// Its BM25 weight, boosted.
    pub weight: Bm25Weight,
    /// In how many questions the term is; none for a phrase, whose word is never a common one.
    pub doc_freq: Option<u64>,
}

/// A query word as its alternatives; whether it counts towards the minimum a strict match
/// needs (a word too common to select questions only adds to the score, as embedded).
#[derive(Clone)]
pub struct Concept {
    /// What satisfies it; the best counts.
    pub alternatives: Vec<Alternative>,
    /// Whether it counts towards a strict match.
    pub counts: bool,
}

/// How the front scores a search's candidates.
#[derive(Clone)]
pub struct Plan {
    /// The query's words, the optional ones first, then the required.
    pub concepts: Vec<Concept>,
    /// Keywords' places in the statement's full-text expression (see [`keyword_positions`]).
    pub positions: HashMap<String, usize>,
}

/// A candidate's score by the plan: whether it has most of the counted words (a strict match,
/// as the embedded query requires), and the sum of each word's best alternative.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    /// Whether it has most of the counted words.
    pub strict: bool,
    /// Its BM25 score by Ławka's weights.
    pub score: f32,
}

impl Plan {
    /// The score of a question whose keywords at each place occur `tfs` times, `len` terms long.
    pub fn score(&self, tfs: &HashMap<usize, u32>, len: u32) -> Scored {
        let norm = FieldNormReader::fieldnorm_to_id(len);
        let tf = |word: &str| self.positions.get(word).and_then(|p| tfs.get(p)).copied().unwrap_or(0);
        let (mut score, mut matched, mut counted) = (0.0f32, 0usize, 0usize);
        for concept in &self.concepts {
            counted += usize::from(concept.counts);
            let mut best = 0.0f32;
            let mut found = false;
            for a in &concept.alternatives {
                // A phrase occurs at most as often as its rarest word.
                let f = a.words.iter().map(|w| tf(w)).min().unwrap_or(0);
                if f > 0 {
                    found = true;
                    best = best.max(a.weight.score(norm, f));
                }
            }
            score += best;
            matched += usize::from(found && concept.counts);
        }
        Scored { strict: matched >= minimum_should_match(counted), score }
    }
}

/// Each keyword of a Sphinx full-text expression at its first place, as `PACKEDFACTORS()`
/// numbers them (`word0`, `word1`, …): every keyword takes the next place, a repeated one too
/// (its factors are reported at its first), a proximity phrase (`"a b"~4`) one more after its
/// words. Measured on Sphinx 2.2.11; the tests hold what it answered.
pub fn keyword_positions(expr: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut place = 0;
    for token in expr.split_whitespace() {
        if token.starts_with('@') {
            continue;
        }
        let token = token.trim_start_matches(['-', '(', '"']);
        let (word, rest) = token.split_at(token.find(|c: char| !c.is_alphanumeric()).unwrap_or(token.len()));
        if word.is_empty() {
            continue;
        }
        out.entry(word.to_string()).or_insert(place);
        place += 1;
        if rest.starts_with("\"~") {
            place += 1;
        }
    }
    out
}

/// Each keyword's frequency in a question, by place, from Sphinx's `PACKEDFACTORS()` text
/// (`…, word0=(tf=5, idf=0.09), word3=(tf=3, idf=0.05)`); places missing have none.
pub fn keyword_tfs(packed: &str) -> HashMap<usize, u32> {
    let mut out = HashMap::new();
    let mut rest = packed;
    while let Some(at) = rest.find("word") {
        rest = &rest[at + 4..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let (place, after) = rest.split_at(digits);
        let Some(after) = after.strip_prefix("=(tf=") else { continue };
        let end = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
        if let (Ok(place), Ok(tf)) = (place.parse(), after[..end].parse()) {
            out.insert(place, tf);
        }
        rest = after;
    }
    out
}

/// `candidates` (Sphinx's order) reordered by their scores: strict matches first, then by
/// score, ties in Sphinx's order.
pub fn reorder<T>(candidates: Vec<(Scored, T)>) -> Vec<(Scored, T)> {
    let mut indexed: Vec<(usize, (Scored, T))> = candidates.into_iter().enumerate().collect();
    indexed.sort_by(|(i, (a, _)), (j, (b, _))| {
        b.strict.cmp(&a.strict).then_with(|| b.score.total_cmp(&a.score)).then_with(|| i.cmp(j))
    });
    indexed.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The places below are what Sphinx 2.2.11 numbered for these expressions (PACKEDFACTORS()
    // over the bundled corpus; docs/SCALE.md).
    #[test]
    fn keywords_take_places_as_sphinx_numbers_them() {
        let p = keyword_positions("@body (dziura^0.500 | jezdnia^0.500) (jezdnia | ulica) -(autobus)");
        assert_eq!((p["dziura"], p["jezdnia"], p["ulica"], p["autobus"]), (0, 1, 3, 4));
        let p = keyword_positions("@body (\"ulica balicki\"~4 | dziura) (jezdnia)");
        assert_eq!((p["ulica"], p["balicki"], p["dziura"], p["jezdnia"]), (0, 1, 3, 4));
        let p = keyword_positions("@body (dziura | \"ulica balicki\") (jezdnia)");
        assert_eq!((p["dziura"], p["ulica"], p["balicki"], p["jezdnia"]), (0, 1, 2, 3));
        let p = keyword_positions("@body (dziura) (jezdnia) -(ulica) (autobus)");
        assert_eq!((p["jezdnia"], p["autobus"]), (1, 3));
    }

    #[test]
    fn frequencies_are_read_by_place() {
        let tfs = keyword_tfs(
            "bm25=625, bm25a=0.61, field_mask=8, doc_word_count=2, field3=(lcs=1, hit_count=8, word_count=2), \
             word0=(tf=5, idf=0.094714), word1=(tf=0, idf=-0.001535), word4=(tf=3, idf=0.054999)",
        );
        assert_eq!(tfs, HashMap::from([(0, 5), (1, 0), (4, 3)]));
        assert!(keyword_tfs("").is_empty());
        assert!(keyword_tfs("word=(tf=x), wordy").is_empty());
    }

    fn weight(df: u64, boost: f32) -> Bm25Weight {
        Bm25Weight::for_one_term(df, 1000, 100.0).boost_by(boost)
    }

    fn term(word: &str, df: u64, boost: f32) -> Alternative {
        Alternative { words: vec![word.to_string()], weight: weight(df, boost), doc_freq: Some(df) }
    }

    fn plan(concepts: Vec<Concept>, words: &[&str]) -> Plan {
        let positions = words.iter().enumerate().map(|(i, w)| (w.to_string(), i)).collect();
        Plan { concepts, positions }
    }

    #[test]
    fn a_word_scores_its_best_alternative_not_their_sum() {
        let p = plan(
            vec![Concept { alternatives: vec![term("dziura", 10, 1.0), term("dziurawy", 10, 0.7)], counts: true }],
            &["dziura", "dziurawy"],
        );
        let both = p.score(&HashMap::from([(0, 2), (1, 2)]), 100);
        let one = p.score(&HashMap::from([(0, 2)]), 100);
        assert_eq!(both.score, one.score);
        assert!(one.strict);
    }

    #[test]
    fn most_words_make_a_strict_match_and_common_words_do_not_count() {
        let concepts = || {
            vec![
                Concept { alternatives: vec![term("a", 10, 1.0)], counts: true },
                Concept { alternatives: vec![term("b", 10, 1.0)], counts: true },
                Concept { alternatives: vec![term("c", 10, 1.0)], counts: true },
                Concept { alternatives: vec![term("miasto", 900, 1.0)], counts: false },
            ]
        };
        let p = plan(concepts(), &["a", "b", "c", "miasto"]);
        // Two of three counted words (3 -> 2): strict; one and the common word: not.
        assert!(p.score(&HashMap::from([(0, 1), (1, 1)]), 100).strict);
        let weak = p.score(&HashMap::from([(0, 1), (3, 5)]), 100);
        assert!(!weak.strict && weak.score > 0.0);
        let candidates = vec![(weak, "weak"), (p.score(&HashMap::from([(0, 1), (2, 1)]), 100), "strict")];
        let order: Vec<&str> = reorder(candidates).into_iter().map(|(_, c)| c).collect();
        assert_eq!(order, ["strict", "weak"]);
    }

    #[test]
    fn a_phrase_counts_as_often_as_its_rarest_word() {
        let phrase = Alternative {
            words: vec!["plan".into(), "miejscowy".into()],
            weight: Bm25Weight::for_one_term(5, 1000, 100.0),
            doc_freq: None,
        };
        let p = plan(vec![Concept { alternatives: vec![phrase], counts: true }], &["plan", "miejscowy"]);
        assert_eq!(p.score(&HashMap::from([(0, 3)]), 100).score, 0.0);
        let s = p.score(&HashMap::from([(0, 3), (1, 1)]), 100).score;
        assert_eq!(s, Bm25Weight::for_one_term(5, 1000, 100.0).score(FieldNormReader::fieldnorm_to_id(100), 1));
    }

    #[test]
    fn a_shorter_question_with_the_same_words_ranks_higher() {
        let p = plan(vec![Concept { alternatives: vec![term("dziura", 10, 1.0)], counts: true }], &["dziura"]);
        let tfs = HashMap::from([(0, 2)]);
        assert!(p.score(&tfs, 50).score > p.score(&tfs, 400).score);
    }
}
