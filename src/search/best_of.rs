//! "The best of these alternatives" (plus a share of the others, the tie-breaker) for a word that
//! every match must have: the same documents and scores as a `DisjunctionMaxQuery`, but without
//! its buffering.
//!
//! tantivy's `DisjunctionMaxQuery` is a buffered union: asked for the next document at or after
//! some target, it reads every alternative through the next 4,096 documents. Inside a
//! conjunction led by a rarer word (`MPZP Bronowice`, where `MPZP` also stands for the phrases
//! `miejscowy plan zagospodarowania przestrzennego` and `plan miejscowy`), that means checking
//! the phrases' positions in every document of each window the leader lands in, nearly all of
//! which the conjunction then drops. This union keeps each alternative where it stands and asks
//! it only about the documents the conjunction proposes (`seek_danger`, where a phrase checks the
//! one document and says where its next candidate may be), so a phrase's positions are read
//! only for documents the other words have.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

/// The best of `alternatives` (see the module's text).
#[derive(Debug)]
pub struct BestOfQuery {
    alternatives: Vec<Box<dyn Query>>,
    tie_breaker: Score,
}

impl BestOfQuery {
    /// Meant for two alternatives or more; with none, nothing matches.
    pub fn new(alternatives: Vec<Box<dyn Query>>) -> BestOfQuery {
        BestOfQuery::with_tie_breaker(alternatives, 0.0)
    }

    /// The best score plus `tie_breaker` times the others', as `DisjunctionMaxQuery` scores.
    pub fn with_tie_breaker(alternatives: Vec<Box<dyn Query>>, tie_breaker: Score) -> BestOfQuery {
        BestOfQuery { alternatives, tie_breaker }
    }
}

impl Clone for BestOfQuery {
    fn clone(&self) -> BestOfQuery {
        BestOfQuery {
            alternatives: self.alternatives.iter().map(|a| a.box_clone()).collect(),
            tie_breaker: self.tie_breaker,
        }
    }
}

impl Query for BestOfQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self.alternatives.iter().map(|a| a.weight(enable_scoring)).collect::<tantivy::Result<_>>()?;
        Ok(Box::new(BestOfWeight { weights, tie_breaker: self.tie_breaker }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for a in &self.alternatives {
            a.query_terms(visitor);
        }
    }
}

struct BestOfWeight {
    weights: Vec<Box<dyn Weight>>,
    tie_breaker: Score,
}

impl Weight for BestOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorers = self.weights.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(BestOfScorer::new(scorers, self.tie_breaker)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("Document #({doc}) does not match")));
        }
        let mut explanation = Explanation::new("best of the alternatives", scorer.score());
        for w in &self.weights {
            if let Ok(child) = w.explain(reader, doc) {
                explanation.add_detail(child);
            }
        }
        Ok(explanation)
    }
}

/// One alternative and where it stands.
struct Alternative {
    scorer: Box<dyn Scorer>,
    /// Its document when `exact`; after a `seek_danger` that missed, only a lower bound of it
    /// (the alternative must then be asked with `seek_danger` until it finds one).
    at: DocId,
    exact: bool,
}

impl Alternative {
    /// Whether the alternative has `target` (no earlier than any target asked before), asking it
    /// only when it may still stand before or on it.
    fn has(&mut self, target: DocId) -> bool {
        if self.at < target || (self.at == target && !self.exact) {
            self.probe(target)
        } else {
            self.at == target
        }
    }

    /// Asks the alternative whether it has `target` (greater than any target asked before).
    fn probe(&mut self, target: DocId) -> bool {
        match self.scorer.seek_danger(target) {
            SeekDangerResult::Found => {
                (self.at, self.exact) = (target, true);
                true
            }
            SeekDangerResult::SeekLowerBound(bound) => {
                // A bound of TERMINATED is exact: the alternative has nothing more.
                (self.at, self.exact) = (bound, bound == TERMINATED);
                false
            }
        }
    }
}

/// A query asked only about given documents, in increasing order, each checked alone (a phrase
/// reads that document's positions and nothing beyond): for a bonus added to hits found
/// otherwise (see `rerank_by_proximity`).
pub(crate) struct Probe(Alternative);

impl Probe {
    /// `weight` in the segment of `reader`, to be asked about `first` and later documents.
    pub(crate) fn new(weight: &dyn Weight, reader: &SegmentReader, first: DocId) -> tantivy::Result<Probe> {
        let (result, scorer) = weight.scorer_danger(reader, first, 1.0)?;
        let (at, exact) = match result {
            SeekDangerResult::Found => (first, true),
            SeekDangerResult::SeekLowerBound(bound) => (bound, bound == TERMINATED),
        };
        Ok(Probe(Alternative { scorer, at, exact }))
    }

    /// The query's score at `doc` (no earlier than the documents asked before), if it matches.
    pub(crate) fn score_at(&mut self, doc: DocId) -> Option<Score> {
        self.0.has(doc).then(|| self.0.scorer.score())
    }
}

/// The scorer: see the module's text. When `doc` is a match, every alternative standing exactly
/// on it is `exact`, and every other stands past it.
pub struct BestOfScorer {
    alternatives: Vec<Alternative>,
    tie_breaker: Score,
    doc: DocId,
}

impl BestOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, tie_breaker: Score) -> BestOfScorer {
        // Those with nothing in this segment are left out, as tantivy's union leaves them out
        // (and out of its cost, which orders a conjunction's words and so its sum's terms).
        let alternatives = scorers
            .into_iter()
            .filter(|s| s.doc() != TERMINATED)
            .map(|scorer| Alternative { at: scorer.doc(), scorer, exact: true })
            .collect();
        let mut scorer = BestOfScorer { alternatives, tie_breaker, doc: 0 };
        scorer.doc = scorer.first();
        scorer
    }

    /// The smallest document of the alternatives, after asking those that only know a lower
    /// bound no greater than it where they really stand.
    fn first(&mut self) -> DocId {
        loop {
            let min = self.alternatives.iter().map(|a| a.at).min().unwrap_or(TERMINATED);
            if min == TERMINATED {
                return TERMINATED;
            }
            match self.alternatives.iter_mut().find(|a| a.at == min && !a.exact) {
                Some(a) => {
                    a.probe(min);
                }
                None => return min,
            }
        }
    }
}

impl DocSet for BestOfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for a in self.alternatives.iter_mut().filter(|a| a.at == self.doc) {
            a.at = a.scorer.advance();
        }
        self.doc = self.first();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for a in self.alternatives.iter_mut() {
            a.has(target);
        }
        self.doc = self.first();
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        let mut found = false;
        for a in self.alternatives.iter_mut() {
            found |= a.has(target);
        }
        if found {
            self.doc = target;
            return SeekDangerResult::Found;
        }
        // Every alternative stands, or may stand, past the target.
        self.doc = self.alternatives.iter().map(|a| a.at).min().unwrap_or(TERMINATED);
        SeekDangerResult::SeekLowerBound(self.doc)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.alternatives.iter().fold(0u32, |n, a| n.saturating_add(a.scorer.size_hint()))
    }

    fn cost(&self) -> u64 {
        // As tantivy's union counts it, so a conjunction orders its words as before.
        self.alternatives.iter().map(|a| a.scorer.cost()).sum()
    }
}

impl Scorer for BestOfScorer {
    fn score(&mut self) -> Score {
        // Summed and compared in the alternatives' order, as tantivy's `DisjunctionMaxCombiner`.
        let doc = self.doc;
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        for a in self.alternatives.iter_mut().filter(|a| a.at == doc) {
            let score = a.scorer.score();
            max = max.max(score);
            sum += score;
        }
        max + (sum - max) * self.tie_breaker
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use crate::search::scorer_tests::{index_of, matches};

    /// An alternative: a boosted word, or a two-word phrase when `second` is given.
    fn alternative(field: tantivy::schema::Field, (first, second, boost): (u8, Option<u8>, u8)) -> Box<dyn Query> {
        let term = |w: u8| Term::from_field_text(field, &format!("w{w}"));
        let q: Box<dyn Query> = match second {
            Some(s) if s != first => Box::new(PhraseQuery::new(vec![term(first), term(s)])),
            _ => Box::new(TermQuery::new(term(first), IndexRecordOption::WithFreqs)),
        };
        Box::new(BoostQuery::new(q, 0.5 + f32::from(boost)))
    }

    type Alt = (u8, Option<u8>, u8);

    /// A conjunction of `required` words with the best of `alternatives`, ours against tantivy's.
    fn same_as_tantivy(docs: &[Vec<u8>], required: &[u8], alternatives: &[Alt], split: bool) {
        for tie in [0.0, 0.3] {
            same_as_tantivy_with(docs, required, alternatives, split, tie);
        }
    }

    fn same_as_tantivy_with(docs: &[Vec<u8>], required: &[u8], alternatives: &[Alt], split: bool, tie: Score) {
        let (index, field) = index_of(docs, split);
        let both = |best: Box<dyn Query>| {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, best)];
            for w in required {
                clauses.push((Occur::Must, alternative(field, (*w, None, 1))));
            }
            BooleanQuery::new(clauses)
        };
        let alts = || alternatives.iter().map(|a| alternative(field, *a)).collect::<Vec<_>>();
        let ours = both(Box::new(BestOfQuery::with_tie_breaker(alts(), tie)));
        let theirs = both(Box::new(DisjunctionMaxQuery::with_tie_breaker(alts(), tie)));
        let (a, b) = (matches(&index, &ours), matches(&index, &theirs));
        assert_eq!(a.len(), b.len(), "{required:?} and the best of {alternatives:?}");
        for ((da, sa), (db, sb)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            // A conjunction may add its words' scores in another order (its order follows costs).
            assert!((sa - sb).abs() <= 1e-5 * sb.abs().max(1.0), "{da:?}: {sa} vs {sb}");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.search(&ours, &Count).expect("count"), b.len());
        // Alone, as the leader of nothing.
        let alone = BestOfQuery::with_tie_breaker(alts(), tie);
        let theirs = DisjunctionMaxQuery::with_tie_breaker(alts(), tie);
        assert_eq!(matches(&index, &alone), matches(&index, &theirs), "the best alone");
    }

    #[test]
    fn a_phrase_checked_only_where_the_rare_word_is() {
        // Word 1 everywhere, the phrase "w1 w2" in every third document, word 5 in every 97th.
        let docs: Vec<Vec<u8>> = (0..12_000u32)
            .map(|i| {
                let mut d = vec![1];
                if i % 3 == 0 {
                    d.push(2);
                }
                if i % 97 == 0 {
                    d.push(5);
                }
                if i % 5 == 0 {
                    d.push(3);
                }
                d
            })
            .collect();
        for split in [false, true] {
            same_as_tantivy(&docs, &[5], &[(3, None, 0), (1, Some(2), 2)], split);
            same_as_tantivy(&docs, &[5, 3], &[(1, Some(2), 0), (2, Some(1), 1), (4, None, 0)], split);
        }
    }

    /// Every `every`-th document of each segment asked of a `Probe`, against the query's matches.
    fn probes_as_the_scorer_scores(docs: &[Vec<u8>], alt: Alt, slop: u32, every: usize, split: bool) {
        let (index, field) = index_of(docs, split);
        let term = |w: u8| Term::from_field_text(field, &format!("w{w}"));
        let q: Box<dyn Query> = match alt.1 {
            Some(s) if s != alt.0 => {
                let mut phrase = PhraseQuery::new(vec![term(alt.0), term(s)]);
                phrase.set_slop(slop);
                Box::new(BoostQuery::new(Box::new(phrase), 0.5 + f32::from(alt.2)))
            }
            _ => alternative(field, alt),
        };
        let expected = matches(&index, q.as_ref());
        let searcher = index.reader().expect("reader").searcher();
        let weight = q.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("weight");
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let asked: Vec<DocId> = (0..reader.max_doc()).step_by(every.max(1)).collect();
            let Some(&first) = asked.first() else { continue };
            let mut probe = Probe::new(weight.as_ref(), reader, first).expect("probe");
            for doc in asked {
                let address = tantivy::DocAddress::new(ord as u32, doc);
                let want = expected.iter().find(|(a, _)| *a == address).map(|(_, s)| *s);
                assert_eq!(probe.score_at(doc), want, "{alt:?} slop {slop} at {address:?}");
            }
        }
    }

    #[test]
    fn a_probe_finds_a_phrase_in_the_document_asked_only() {
        // "w0 w1" in every 10th document, "w0 x w1" (slop 1) in every 15th, the words apart elsewhere.
        let docs: Vec<Vec<u8>> = (0..9_000u32)
            .map(|i| match (i % 10, i % 15) {
                (0, _) => vec![0, 1],
                (_, 0) => vec![0, 2, 1],
                _ => vec![1, 2, 0],
            })
            .collect();
        for (slop, every) in [(0, 1), (0, 7), (1, 3), (1, 4_000)] {
            probes_as_the_scorer_scores(&docs, (0, Some(1), 2), slop, every, true);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn a_probe_scores_what_the_scorer_does(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..5, 0..6), 1..3_000),
            alt in (0u8..5, proptest::option::of(0u8..5), 0u8..3),
            slop in 0u32..3,
            every in 1usize..40,
            split in any::<bool>(),
        ) {
            probes_as_the_scorer_scores(&docs, alt, slop, every, split);
        }

        #[test]
        fn matches_and_scores_as_a_disjunction_max_does(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..7, 0..6), 1..6_000),
            required in proptest::collection::vec(0u8..7, 0..3),
            alternatives in proptest::collection::vec((0u8..8, proptest::option::of(0u8..8), 0u8..3), 1..5),
            split in any::<bool>(),
        ) {
            same_as_tantivy(&docs, &required, &alternatives, split);
        }
    }
}
