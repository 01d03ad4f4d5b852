//! A query word's term with its weight, and its postings read block by block.
//!
//! Each term of a query word (a lemma, a folded form, a typo correction) is a
//! [`WeightedTermQuery`]: to every other scorer it is tantivy's `TermQuery` boosted by its weight,
//! but the at-least scorer ([`super::at_least`]), which reads most of a search's postings, reads
//! its postings straight from tantivy's decoded blocks ([`TermPostings`]) instead of through a
//! boxed `Scorer`: no virtual call per posting to step and another to score, so the loop over a
//! block inlines. The scores are tantivy's to the bit (the same `Bm25Weight`, boosted the same
//! way, and the same field norms); tests compare them with tantivy's `TermScorer`.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, BoostQuery, EnableScoring, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentReader, Term, TERMINATED};

use super::prune::{BlockMaxCache, BlockMaxes};

/// A term found in the searched text, its BM25 score multiplied by `boost`.
#[derive(Clone, Debug)]
pub struct WeightedTermQuery {
    term: Term,
    boost: Score,
}

impl WeightedTermQuery {
    /// `term`, scored `boost` times its BM25 score.
    pub fn new(term: Term, boost: Score) -> WeightedTermQuery {
        WeightedTermQuery { term, boost }
    }

    /// The same term with its weight multiplied by `factor` (a glossary name's weight).
    pub fn weighted_by(self, factor: Score) -> WeightedTermQuery {
        WeightedTermQuery { boost: self.boost * factor, ..self }
    }

    /// The term.
    pub fn term(&self) -> &Term {
        &self.term
    }

    /// Its weight.
    pub fn boost(&self) -> Score {
        self.boost
    }

    /// The same query as tantivy's types, for every scorer but ours.
    fn as_tantivy(&self) -> Box<dyn Query> {
        let q: Box<dyn Query> = Box::new(TermQuery::new(self.term.clone(), IndexRecordOption::WithFreqs));
        if (self.boost - 1.0).abs() < f32::EPSILON {
            q
        } else {
            Box::new(BoostQuery::new(q, self.boost))
        }
    }

    /// What the block reader needs of this term in a search: its BM25 weight before the boost
    /// where scores are wanted.
    pub(crate) fn prepare(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<PreparedTerm> {
        let field = enable_scoring.schema().get_field_entry(self.term.field());
        if !field.is_indexed() {
            return Err(tantivy::TantivyError::SchemaError(format!("Field {:?} is not indexed.", field.name())));
        }
        let bm25 = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                Some(Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(&self.term))?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(PreparedTerm { term: self.term.clone(), boost: self.boost, bm25 })
    }
}

impl Query for WeightedTermQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.as_tantivy().weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

/// A [`WeightedTermQuery`] prepared for a search (its statistics read once, not per segment).
pub(crate) struct PreparedTerm {
    term: Term,
    boost: Score,
    /// `None` where the search does not score.
    bm25: Option<Bm25Weight>,
}

impl PreparedTerm {
    /// For `explain`.
    pub(crate) fn describe(&self) -> String {
        format!("term {:?} × {}", self.term, self.boost)
    }

    /// The term's postings in `reader`, scored with `boost` on top of its own (as tantivy's
    /// `BoostWeight` passes it down); `None` where the segment does not have the term.
    pub(crate) fn postings(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<TermPostings>> {
        let field = self.term.field();
        let inverted = reader.inverted_index(field)?;
        let Some(info) = inverted.get_term_info(&self.term)? else {
            return Ok(None);
        };
        let scoring = match &self.bm25 {
            Some(bm25) => {
                let norms = reader.fieldnorms_readers().get_field(field)?;
                let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                Some((bm25.boost_by(boost * self.boost), norms))
            }
            None => None,
        };
        let record = if scoring.is_some() { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
        let postings = inverted.read_block_postings_from_terminfo(&info, record)?;
        Ok(Some(TermPostings { postings, cursor: 0, scoring, bounds: None }))
    }

    /// As [`PreparedTerm::postings`], with the term's best score per block from `cache` (see
    /// [`super::prune`]) where the search scores.
    pub(crate) fn bounded_postings(
        &self,
        reader: &SegmentReader,
        boost: Score,
        cache: &BlockMaxCache,
    ) -> tantivy::Result<Option<TermPostings>> {
        let mut postings = self.postings(reader, boost)?;
        if let (Some(p), Some(bm25)) = (postings.as_mut(), &self.bm25) {
            p.bounds = cache.get(reader, &self.term, bm25)?.map(|m| (m, boost * self.boost));
        }
        Ok(postings)
    }
}

/// A term's postings in one segment, positioned on a document (as a `DocSet` is), with its
/// score there.
pub struct TermPostings {
    postings: BlockSegmentPostings,
    /// Index of the current document in the decoded block.
    cursor: usize,
    scoring: Option<(Bm25Weight, FieldNormReader)>,
    /// The best score per block (unboosted) and the boost, where a pruned search asks.
    bounds: Option<(Arc<BlockMaxes>, Score)>,
}

impl TermPostings {
    /// The best score any of its documents from the current one up to `end` can have:
    /// 0 where it has none before `end`, unbounded without the table.
    #[inline]
    pub fn bound_before(&self, end: DocId) -> Score {
        let doc = self.doc();
        if doc >= end {
            return 0.0;
        }
        match &self.bounds {
            Some((maxes, boost)) => maxes.bound(doc, end, *boost),
            None => Score::INFINITY,
        }
    }

    /// The current document, or `TERMINATED` past the last.
    #[inline]
    pub fn doc(&self) -> DocId {
        self.postings.docs().get(self.cursor).copied().unwrap_or(TERMINATED)
    }

    /// The next document.
    #[inline]
    pub fn advance(&mut self) -> DocId {
        self.cursor += 1;
        self.next_block_if_done();
        self.doc()
    }

    /// A full block read through is followed by the next (a shorter one is the last: tantivy
    /// pads it, and stepping past it is left alone).
    #[inline]
    fn next_block_if_done(&mut self) {
        let len = self.postings.docs().len();
        if self.cursor >= len && len == BLOCK {
            self.postings.advance();
            self.cursor = 0;
        }
    }

    /// The first document at or after `target`.
    pub fn seek(&mut self, target: DocId) -> DocId {
        let docs = self.postings.docs();
        match docs.last() {
            // Beyond this block (or past the last): the skip list finds the block.
            Some(&last) if last < target => self.cursor = self.postings.seek(target),
            Some(_) if docs[self.cursor.min(docs.len() - 1)] < target => {
                self.cursor += docs[self.cursor..].partition_point(|&d| d < target);
            }
            _ => {}
        }
        self.doc()
    }

    /// The score of the current document (0 where the search does not score).
    #[inline]
    pub fn score(&self) -> Score {
        LazyScore { postings: &self.postings, cursor: self.cursor, doc: self.doc(), scoring: self.scoring.as_ref() }
            .get()
    }

    /// How many documents have the term (deleted ones too).
    pub fn cost(&self) -> u64 {
        u64::from(self.postings.doc_freq())
    }

    /// Calls `each(doc, score)` for every document before `end` from the current one on, and
    /// stops on the first at or after `end` (or past the last): the loop over a decoded block
    /// with nothing between it and the scoring, which is done only where asked.
    #[inline]
    pub fn for_each_before(&mut self, end: DocId, mut each: impl FnMut(DocId, LazyScore<'_>)) {
        self.each_before(end, &mut each);
    }

    /// As [`TermPostings::for_each_before`], passing over the blocks whose best score is at most
    /// `floor` (those between are not decoded: the skip list finds the next block above it);
    /// true if it passed over any posting.
    #[inline]
    pub fn for_each_before_above(
        &mut self,
        end: DocId,
        floor: Score,
        mut each: impl FnMut(DocId, LazyScore<'_>),
    ) -> bool {
        let Some((maxes, boost)) = self.bounds.clone() else {
            self.each_before(end, &mut each);
            return false;
        };
        let mut passed = false;
        loop {
            let doc = self.doc();
            if doc >= end {
                return passed;
            }
            match maxes.next_above(doc, end, floor, boost) {
                Some((from, last)) => {
                    if from > doc {
                        passed = true;
                        self.seek(from);
                    }
                    self.each_before(end.min(last.saturating_add(1)), &mut each);
                }
                None => {
                    self.seek(end);
                    return true;
                }
            }
        }
    }

    /// The loop of [`TermPostings::for_each_before`], `each` called directly (not through a
    /// reference to a closure, which would keep it out of line).
    #[inline(always)]
    fn each_before<F: FnMut(DocId, LazyScore<'_>)>(&mut self, end: DocId, each: &mut F) {
        loop {
            let docs = self.postings.docs();
            let len = docs.len();
            while self.cursor < len {
                let doc = docs[self.cursor];
                if doc >= end {
                    return;
                }
                each(
                    doc,
                    LazyScore { postings: &self.postings, cursor: self.cursor, doc, scoring: self.scoring.as_ref() },
                );
                self.cursor += 1;
            }
            if len != BLOCK {
                return;
            }
            self.postings.advance();
            self.cursor = 0;
        }
    }
}

/// The score of one posting, computed only if asked for.
pub struct LazyScore<'a> {
    postings: &'a BlockSegmentPostings,
    cursor: usize,
    doc: DocId,
    scoring: Option<&'a (Bm25Weight, FieldNormReader)>,
}

impl LazyScore<'_> {
    /// The score (0 where the search does not score).
    #[inline]
    pub fn get(&self) -> Score {
        match self.scoring {
            Some((bm25, norms)) => bm25.score(norms.fieldnorm_id(self.doc), self.postings.freq(self.cursor)),
            None => 0.0,
        }
    }
}

/// Documents per decoded block (tantivy's `COMPRESSION_BLOCK_SIZE`, not exported): only the last
/// block of a term's postings is shorter.
pub(crate) const BLOCK: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::EnableScoring;
    use tantivy::{DocSet, TERMINATED};

    use crate::search::scorer_tests::index_of;

    /// Every (doc, score) of `w{word}` by our reader and by tantivy's `TermScorer`, boosted.
    fn both(docs: &[Vec<u8>], word: u8, boost: Score, split: bool) {
        let (index, field) = index_of(docs, split);
        let searcher = index.reader().expect("reader").searcher();
        let term = Term::from_field_text(field, &format!("w{word}"));
        let ours = WeightedTermQuery::new(term.clone(), boost);
        let prepared = ours.prepare(EnableScoring::enabled_from_searcher(&searcher)).expect("prepare");
        let theirs = ours.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("weight");
        for reader in searcher.segment_readers() {
            let mut t = theirs.scorer(reader, 1.0).expect("scorer");
            let mut o = prepared.postings(reader, 1.0).expect("postings");
            let mut expected = Vec::new();
            while t.doc() != TERMINATED {
                expected.push((t.doc(), t.score()));
                t.advance();
            }
            let mut got = Vec::new();
            if let Some(o) = o.as_mut() {
                while o.doc() != TERMINATED {
                    got.push((o.doc(), o.score()));
                    o.advance();
                }
            }
            assert_eq!(got, expected, "w{word} boost {boost}");
        }
    }

    fn docs(n: u32) -> Vec<Vec<u8>> {
        // w0 in every document, w1 every 3rd (twice in every 6th), w2 in 5 documents.
        (0..n)
            .map(|i| {
                let mut d = vec![0];
                if i % 3 == 0 {
                    d.push(1);
                }
                if i % 6 == 0 {
                    d.push(1);
                }
                if i % 97 == 1 && i < 500 {
                    d.push(2);
                }
                d
            })
            .collect()
    }

    #[test]
    fn the_same_documents_and_scores_as_tantivys_term_scorer() {
        for split in [false, true] {
            for word in [0, 1, 2, 7] {
                both(&docs(1000), word, 1.0, split);
                both(&docs(1000), word, 0.7, split);
            }
        }
    }

    #[test]
    fn seeks_within_a_block_across_blocks_and_past_the_end() {
        let (index, field) = index_of(&docs(1000), false);
        let searcher = index.reader().expect("reader").searcher();
        let q = WeightedTermQuery::new(Term::from_field_text(field, "w1"), 1.0);
        let prepared = q.prepare(EnableScoring::enabled_from_searcher(&searcher)).expect("prepare");
        let mut t = prepared.postings(&searcher.segment_readers()[0], 1.0).expect("postings").expect("has w1");
        assert_eq!(t.doc(), 0);
        assert_eq!(t.seek(4), 6, "within the first block");
        assert_eq!(t.seek(6), 6, "where it stands");
        assert_eq!(t.seek(700), 702, "a later block, through the skip list");
        assert_eq!(t.advance(), 705);
        let mut seen = Vec::new();
        t.for_each_before(720, |doc, score| seen.push((doc, score.get() > 0.0)));
        assert_eq!(seen, vec![(705, true), (708, true), (711, true), (714, true), (717, true)]);
        assert_eq!(t.doc(), 720, "stops on the first document at the end");
        assert_eq!(t.seek(998), 999);
        assert_eq!(t.seek(1000), TERMINATED);
        assert_eq!(t.advance(), TERMINATED);
        assert!(t.cost() > 300);
    }
}
