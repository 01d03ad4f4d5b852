//! "At least `m` of these `n` clauses", each clause the best of its alternatives, scored as the
//! sum of the clauses that match.
//!
//! tantivy's own minimum-should-match scorer (`Disjunction`) keeps the clauses in a binary heap
//! and pops and pushes every posting through it; on a three-word query over a million questions
//! that heap was a third of the search's time. This scorer works like tantivy's buffered union
//! (and Lucene's `BooleanScorer`): each clause writes its documents of a 4,096-document window
//! into per-document clause masks and per-clause best scores, and the window is then read in
//! order, keeping the documents that `m` clauses reached.
//!
//! A clause is a query word: the best of its terms (lemmas, folded forms, typo corrections) or of
//! a glossary concept's names. Taking the alternatives' postings straight into the window, rather
//! than through one `DisjunctionMaxQuery` (a buffered union of its own) per word, skips a second
//! buffering of every posting; a term's postings are read from tantivy's decoded blocks (see
//! [`super::term`]). The clauses fill a window rarest first, and the window starts at
//! the first document of the `n - m + 1` rarest (any match has one of them): a document the
//! rarer clauses left too far from `m` is not scored or marked by the commoner ones, whose
//! postings are mostly the bulk. The same documents and the same scores as tantivy's
//! minimum-should-match over one `DisjunctionMaxQuery` per clause (no tie-breaker): the best of
//! a clause is exact, and the clauses are summed in the same order. tantivy still handles `m = 1`
//! (a union) and `m = n` (a conjunction) of an exact search, unless some clauses only add to the
//! score (see [`AtLeastQuery::scoring_also`]): those are read last, and only asked about the
//! documents that already have `m` of the others.

use tantivy::query::{
    BooleanQuery, DisjunctionMaxQuery, EmptyQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use std::sync::Arc;

use super::prune::{Pruning, MARGIN};
use super::term::{PreparedTerm, TermPostings, WeightedTermQuery};

/// Documents per window: 64 words of 64 bits.
const WINDOW: u32 = 4096;
const WORDS: usize = (WINDOW / 64) as usize;

/// A trailing clause (see `refill`) with this many times more postings in a window than the
/// window has documents seeks those documents instead of reading its postings through.
const SEEK_RATIO: u64 = 8;

/// Clauses one scorer can tell apart (one bit each in a document's mask); a query with more is
/// served by tantivy's own minimum-should-match.
pub const MAX_CLAUSES: usize = 64;

/// At least `minimum` of `clauses` must match (see the module's text); each clause is the best of
/// its alternatives, and a clause without any never matches (it still counts among the `n`).
#[derive(Debug)]
pub struct AtLeastQuery {
    clauses: Vec<Vec<Box<dyn Query>>>,
    /// The first `counted` clauses count towards the minimum; the others only add their scores
    /// to the documents that reach it (see [`AtLeastQuery::scoring_also`]).
    counted: usize,
    minimum: usize,
    /// A ranked page that may pass over what cannot enter it (see [`super::prune`]).
    pruning: Option<Arc<Pruning>>,
}

/// The best of `alternatives` as one query: nothing, the one, or tantivy's (buffered)
/// `DisjunctionMaxQuery`, fit where they are read through, as a word's terms are (for one asked
/// about a document at a time, see [`super::best_of`]).
pub fn disjunction_max(mut alternatives: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match alternatives.len() {
        0 => Box::new(EmptyQuery),
        1 => alternatives.remove(0),
        _ => Box::new(DisjunctionMaxQuery::new(alternatives)),
    }
}

impl AtLeastQuery {
    /// `minimum` is meant to lie strictly between 1 and the number of clauses; outside, the
    /// query still answers correctly (nothing matches when `minimum` exceeds the clauses).
    pub fn new(clauses: Vec<Vec<Box<dyn Query>>>, minimum: usize) -> AtLeastQuery {
        AtLeastQuery { counted: clauses.len(), clauses, minimum: minimum.max(1), pruning: None }
    }

    /// The same query, where `extra` clauses add their scores to the documents that reach the
    /// minimum without counting towards it (as Lucene's common-terms query treats the words
    /// too common to select a document).
    pub fn scoring_also(mut self, extra: Vec<Vec<Box<dyn Query>>>) -> AtLeastQuery {
        self.clauses.extend(extra);
        self
    }

    /// The same query, passing over the documents that cannot enter `pruning`'s page.
    pub fn with_pruning(mut self, pruning: Arc<Pruning>) -> AtLeastQuery {
        self.pruning = Some(pruning);
        self
    }
}

impl Clone for AtLeastQuery {
    fn clone(&self) -> AtLeastQuery {
        AtLeastQuery {
            clauses: self.clauses.iter().map(|c| c.iter().map(|a| a.box_clone()).collect()).collect(),
            counted: self.counted,
            minimum: self.minimum,
            pruning: self.pruning.clone(),
        }
    }
}

impl Query for AtLeastQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if self.clauses.len() > MAX_CLAUSES {
            let any = |c: &Vec<Box<dyn Query>>| disjunction_max(c.iter().map(|a| a.box_clone()).collect());
            let counted = self.clauses[..self.counted].iter().map(|c| (Occur::Should, any(c)));
            let counted = BooleanQuery::with_minimum_required_clauses(counted.collect(), self.minimum);
            if self.counted == self.clauses.len() {
                return counted.weight(enable_scoring);
            }
            let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(counted))];
            all.extend(self.clauses[self.counted..].iter().map(|c| (Occur::Should, any(c))));
            return BooleanQuery::new(all).weight(enable_scoring);
        }
        // A term is read from its blocks by this scorer (see `term`); anything else (a glossary
        // name's phrase) through its own scorer.
        let alternative = |a: &dyn Query| match a.downcast_ref::<WeightedTermQuery>() {
            Some(t) => t.prepare(enable_scoring).map(AltWeight::Term),
            None => a.weight(enable_scoring).map(AltWeight::Other),
        };
        let scoring = enable_scoring.is_scoring_enabled();
        // Without scores (a count, facets apart, a date order), the clauses that only add to the
        // score have nothing to do.
        let clauses = if scoring { &self.clauses[..] } else { &self.clauses[..self.counted] };
        let weights = clauses
            .iter()
            .map(|c| c.iter().map(|a| alternative(a.as_ref())).collect::<tantivy::Result<Vec<_>>>())
            .collect::<tantivy::Result<Vec<_>>>()?;
        let pruning = self.pruning.clone().filter(|_| scoring);
        Ok(Box::new(AtLeastWeight { weights, counted: self.counted, minimum: self.minimum, scoring, pruning }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for a in self.clauses.iter().flatten() {
            a.query_terms(visitor);
        }
    }
}

/// An alternative of a clause, prepared for a search.
enum AltWeight {
    Term(PreparedTerm),
    Other(Box<dyn Weight>),
}

/// An alternative of a clause in one segment, positioned on a document.
enum Alt {
    /// Boxed: its decoded block is a kilobyte.
    Term(Box<TermPostings>),
    Other(Box<dyn Scorer>),
}

impl Alt {
    fn doc(&self) -> DocId {
        match self {
            Alt::Term(t) => t.doc(),
            Alt::Other(s) => s.doc(),
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Alt::Term(t) => t.seek(target),
            Alt::Other(s) => s.seek(target),
        }
    }

    fn score(&mut self) -> Score {
        match self {
            Alt::Term(t) => t.score(),
            Alt::Other(s) => s.score(),
        }
    }

    fn cost(&self) -> u64 {
        match self {
            Alt::Term(t) => t.cost(),
            Alt::Other(s) => s.cost(),
        }
    }

    fn size_hint(&self) -> u32 {
        match self {
            Alt::Term(t) => u32::try_from(t.cost()).unwrap_or(u32::MAX),
            Alt::Other(s) => s.size_hint(),
        }
    }

    /// The best score of its documents from the current one up to `end` (unbounded where
    /// not known: a phrase's).
    fn bound_before(&self, end: DocId) -> Score {
        match self {
            Alt::Term(t) => t.bound_before(end),
            Alt::Other(s) if s.doc() >= end => 0.0,
            Alt::Other(_) => Score::INFINITY,
        }
    }

    /// Marks and scores (see [`Marks::mark`]) every document of this alternative from its
    /// current one up to `end`, and stops there; a term passes over its blocks whose best score
    /// is at most `floor` (a document there cannot enter a pruned page). True if it passed over
    /// any posting.
    fn mark_until(&mut self, end: DocId, floor: Score, marks: &mut Marks<'_>) -> bool {
        match self {
            Alt::Term(t) if floor > 0.0 => {
                t.for_each_before_above(end, floor, |doc, score| marks.mark(doc, || score.get()))
            }
            Alt::Term(t) => {
                t.for_each_before(end, |doc, score| marks.mark(doc, || score.get()));
                false
            }
            Alt::Other(s) => {
                let mut doc = s.doc();
                while doc < end {
                    marks.mark(doc, || s.score());
                    doc = s.advance();
                }
                false
            }
        }
    }
}

/// What filling a window with one clause writes to.
struct Marks<'a> {
    masks: &'a mut [u64],
    counts: &'a mut [u8],
    bits: &'a mut [u64; WORDS],
    /// The clause's best scores in the window (empty where the search does not score).
    best: &'a mut [Score],
    start: DocId,
    bit: u64,
    /// How many clauses a document needs already to be marked (see `refill`).
    needed: u32,
    /// The clause counts towards the minimum.
    tally: bool,
}

impl Marks<'_> {
    #[inline]
    fn mark(&mut self, doc: DocId, score: impl FnOnce() -> Score) {
        let delta = (doc - self.start) as usize;
        let count = &mut self.counts[delta];
        if u32::from(*count) >= self.needed {
            let mask = &mut self.masks[delta];
            let seen = *mask & self.bit != 0;
            self.bits[delta / 64] |= 1 << (delta % 64);
            if !self.best.is_empty() {
                keep_best(&mut self.best[delta], seen, score());
            }
            *mask |= self.bit;
            *count += u8::from(!seen && self.tally);
        }
    }
}

struct AtLeastWeight {
    /// Per clause, its alternatives.
    weights: Vec<Vec<AltWeight>>,
    /// Clauses that count towards the minimum (the first ones).
    counted: usize,
    minimum: usize,
    scoring: bool,
    pruning: Option<Arc<Pruning>>,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let alternative = |w: &AltWeight| -> tantivy::Result<Option<Alt>> {
            Ok(match w {
                AltWeight::Term(t) => match &self.pruning {
                    Some(p) => t.bounded_postings(reader, boost, &p.maxes)?,
                    None => t.postings(reader, boost)?,
                }
                .map(|p| Alt::Term(Box::new(p))),
                AltWeight::Other(w) => Some(Alt::Other(w.scorer(reader, boost)?)),
            })
        };
        let scorers = self
            .weights
            .iter()
            .map(|c| c.iter().filter_map(|w| alternative(w).transpose()).collect::<tantivy::Result<Vec<_>>>())
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut scorer = AtLeastScorer::new(scorers, self.counted, self.minimum, self.scoring, reader.max_doc());
        scorer.pruning = self.pruning.clone();
        scorer.advance();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("Document #({doc}) does not match")));
        }
        let mut explanation = Explanation::new_with_string(
            format!(
                "at least {} of {} clauses (and {} adding to the score), each the best of its alternatives",
                self.minimum,
                self.counted,
                self.weights.len() - self.counted
            ),
            scorer.score(),
        );
        for w in self.weights.iter().flatten() {
            match w {
                AltWeight::Term(t) => {
                    if let Some(mut p) = t.postings(reader, 1.0)? {
                        if p.seek(doc) == doc {
                            explanation.add_detail(Explanation::new_with_string(t.describe(), p.score()));
                        }
                    }
                }
                AltWeight::Other(w) => {
                    if let Ok(child) = w.explain(reader, doc) {
                        explanation.add_detail(child);
                    }
                }
            }
        }
        Ok(explanation)
    }
}

/// The scorer: see the module's text. `masks`, `counts`, `best` and `bits` describe the window
/// that starts at `window_start`; a document's mask and count are zeroed when it is read (its
/// best scores are valid only where its mask says so, and are overwritten, not cleared).
pub struct AtLeastScorer {
    /// Per clause, its alternatives not yet exhausted, each positioned past the current window.
    clauses: Vec<Vec<Alt>>,
    /// The clauses in the order a window is filled: fewest postings first.
    order: Vec<usize>,
    /// Per clause, about how many postings it has in a window.
    per_window: Vec<u64>,
    /// Clauses that count towards the minimum with an alternative left.
    live: usize,
    /// The first `counted` clauses count towards the minimum; the others only add to the score.
    counted: usize,
    minimum: u32,
    scoring: bool,
    /// Per document of the window, the clauses that matched it (bit `c` for clause `c`).
    masks: Box<[u64]>,
    /// Per document of the window, how many clauses matched it (the bits of its mask, kept
    /// as a count: a population count per posting costs a dozen instructions without the CPU's
    /// own, which a portable build does not assume).
    counts: Box<[u8]>,
    /// Per clause and document of the window (`c * WINDOW + delta`), its best alternative's score.
    best: Box<[Score]>,
    bits: [u64; WORDS],
    word: usize,
    window_start: DocId,
    doc: DocId,
    score: Score,
    /// Where the page may be pruned (see [`super::prune`]): the shared threshold, the one read
    /// for the buffered window (documents below it are passed over), and per window the
    /// clauses' bounds and the order they fill it in.
    pruning: Option<Arc<Pruning>>,
    threshold: Option<Score>,
    bounds: Vec<Score>,
    pass: Vec<usize>,
}

impl AtLeastScorer {
    /// The scorer before its first document (`advance` to start), in a segment of `max_doc`.
    fn new(clauses: Vec<Vec<Alt>>, counted: usize, minimum: usize, scoring: bool, max_doc: DocId) -> AtLeastScorer {
        let clauses: Vec<Vec<Alt>> =
            clauses.into_iter().map(|c| c.into_iter().filter(|s| s.doc() != TERMINATED).collect()).collect();
        let best = if scoring { vec![0.0; clauses.len() * WINDOW as usize] } else { Vec::new() };
        let cost = |c: &Vec<Alt>| c.iter().map(Alt::cost).sum::<u64>();
        let mut order: Vec<usize> = (0..clauses.len()).collect();
        // The clauses that only add to the score are read last: they add to what the others found.
        order.sort_by_key(|&c| (c >= counted, cost(&clauses[c])));
        let per_window = clauses.iter().map(|c| cost(c) * u64::from(WINDOW) / u64::from(max_doc.max(1))).collect();
        AtLeastScorer {
            order,
            per_window,
            live: clauses[..counted].iter().filter(|c| !c.is_empty()).count(),
            counted,
            clauses,
            minimum: u32::try_from(minimum).unwrap_or(u32::MAX),
            scoring,
            masks: vec![0; WINDOW as usize].into_boxed_slice(),
            counts: vec![0; WINDOW as usize].into_boxed_slice(),
            best: best.into_boxed_slice(),
            bits: [0; WORDS],
            word: WORDS,
            window_start: 0,
            doc: 0,
            score: 0.0,
            pruning: None,
            threshold: None,
            bounds: Vec::new(),
            pass: Vec::new(),
        }
    }

    /// Buffers the next window, which starts at the smallest current document of the rarest
    /// clauses (see the module's text); false when no document can reach the minimum any more.
    fn refill(&mut self) -> bool {
        loop {
            if self.live < self.minimum as usize {
                return false;
            }
            // A document that `minimum` of the `counted` clauses match is in one of the first
            // `counted - minimum + 1` (the rarest): the window starts at the first of theirs.
            let n = self.order.len();
            let leading = (self.counted + 1).saturating_sub(self.minimum as usize);
            let Some(start) = self.order[..leading].iter().flat_map(|&c| self.clauses[c].iter()).map(|s| s.doc()).min()
            else {
                return false;
            };
            let end = start.saturating_add(WINDOW);
            self.threshold = self.pruning.as_ref().and_then(|p| p.threshold());
            let optional = match self.threshold {
                Some(threshold) => match self.plan(threshold, end) {
                    Some(optional) => optional,
                    None => {
                        self.pass_over(end);
                        continue;
                    }
                },
                None => {
                    self.pass.clear();
                    self.pass.extend_from_slice(&self.order);
                    0u64
                }
            };
            self.window_start = start;
            self.word = 0;
            for i in 0..n {
                let c = self.pass[i];
                let bit = 1u64 << c;
                // Clauses are read rarest first: a document that the clauses read so far gave
                // fewer than `needed` cannot reach the minimum with the `n - i` left, so the
                // postings of the last (the commonest words) are mostly passed over without being
                // scored. A clause that cannot lift a document above the page's threshold (with
                // the other such clauses) only completes documents the others brought.
                // (A clause that only adds to the score needs the minimum already.)
                let mut needed = self.minimum.saturating_sub(self.counted.saturating_sub(i) as u32);
                if optional & bit != 0 {
                    needed = needed.max(1);
                }
                if needed > 0 {
                    let marked: u64 = self.bits.iter().map(|b| u64::from(b.count_ones())).sum();
                    if marked * SEEK_RATIO < self.per_window[c] {
                        // In a pruned window, a document is sought only if what it has plus the
                        // best of the clauses still to read can exceed the threshold.
                        let hopeless =
                            self.threshold.map(|t| (t, self.pass[i..].iter().map(|&c| self.bounds[c]).sum()));
                        self.seek_candidates(c, needed, end, hopeless);
                        continue;
                    }
                }
                // What this clause must score for a document to exceed the threshold with the
                // best the other clauses can add (the threshold lowered by the margin: the
                // subtraction's rounding must not pass over a document that could enter).
                let floor = match self.threshold {
                    Some(threshold) => {
                        let others: Score = (0..n).filter(|&d| d != c).map(|d| self.bounds[d]).sum();
                        threshold / MARGIN - others
                    }
                    None => Score::NEG_INFINITY,
                };
                let best =
                    if self.scoring { &mut self.best[c * WINDOW as usize..(c + 1) * WINDOW as usize] } else { &mut [] };
                let mut marks = Marks {
                    masks: &mut self.masks,
                    counts: &mut self.counts,
                    bits: &mut self.bits,
                    best,
                    start,
                    bit,
                    needed,
                    tally: c < self.counted,
                };
                for s in self.clauses[c].iter_mut() {
                    if s.doc() < start {
                        // Only a trailing clause lags: what it has before the window cannot match.
                        s.seek(start);
                    }
                    // A clause that only adds to the score loses no match by what it passes over.
                    let passed = s.mark_until(end, floor, &mut marks);
                    if passed && c < self.counted {
                        if let Some(p) = &self.pruning {
                            p.mark_skipped();
                        }
                    }
                    #[cfg(test)]
                    if passed && c >= self.counted {
                        tests::SCORING_ONLY_PASSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                self.clauses[c].retain(|s| s.doc() != TERMINATED);
            }
            self.live = self.live_counted();
            return true;
        }
    }

    /// For the window up to `end` in a pruned search: puts in `pass` first the counted clauses
    /// that can lift a document above `threshold`, then those that cannot even together with
    /// every clause that only adds to the score (the lowest bounds whose sum with theirs stays at
    /// or below it), each group rarest first, then the clauses that only add to the score; returns
    /// the second group (one bit per clause), or `None` where no document of the window can
    /// exceed `threshold`.
    fn plan(&mut self, threshold: Score, end: DocId) -> Option<u64> {
        let counted = self.counted;
        self.bounds.clear();
        self.bounds.extend(
            self.clauses
                .iter()
                .map(|alternatives| alternatives.iter().map(|s| s.bound_before(end)).fold(0.0, Score::max)),
        );
        self.pass.clear();
        self.pass.extend(0..counted);
        let bounds = &self.bounds;
        self.pass.sort_by(|&a, &b| bounds[a].total_cmp(&bounds[b]));
        // A document that only the optional clauses select has at most their bounds and those
        // of every clause that only adds to the score.
        let mut sum: Score = bounds[counted..].iter().sum();
        let mut optional = 0u64;
        let mut count = 0;
        let mut reachable = false;
        for &c in &self.pass {
            sum += bounds[c];
            if sum > threshold {
                break;
            }
            optional |= 1 << c;
            count += 1;
            reachable |= bounds[c] > 0.0;
        }
        if count == counted {
            return None;
        }
        if reachable {
            // Documents that only these clauses have are not read.
            if let Some(p) = &self.pruning {
                p.mark_skipped();
            }
        }
        self.pass.clear();
        self.pass.extend(self.order.iter().filter(|&&c| c < counted && optional & (1 << c) == 0));
        self.pass.extend(self.order.iter().filter(|&&c| c < counted && optional & (1 << c) != 0));
        self.pass.extend(self.order.iter().filter(|&&c| c >= counted));
        Some(optional)
    }

    /// Passes over every document before `end` (a window whose documents cannot enter the page).
    fn pass_over(&mut self, end: DocId) {
        if let Some(p) = &self.pruning {
            p.mark_skipped();
        }
        for alternatives in self.clauses.iter_mut() {
            for s in alternatives.iter_mut() {
                if s.doc() < end {
                    s.seek(end);
                }
            }
            alternatives.retain(|s| s.doc() != TERMINATED);
        }
        self.live = self.live_counted();
    }

    /// Fills clause `c` only where the window's documents have `needed` clauses already, each
    /// alternative seeking them (skipping whole blocks of postings) rather than reading every
    /// posting of the window; then past the window (`end`). With `hopeless` (a pruned window's
    /// threshold, and the sum of the bounds of the clauses left, this one's included), only those
    /// whose scores so far with that sum exceed the threshold.
    fn seek_candidates(&mut self, c: usize, needed: u32, end: DocId, hopeless: Option<(Score, Score)>) {
        let bit = 1u64 << c;
        let start = self.window_start;
        for w in 0..WORDS {
            let mut bits = self.bits[w];
            while bits != 0 {
                let delta = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if u32::from(self.counts[delta]) < needed {
                    continue;
                }
                if let Some((threshold, rest)) = hopeless {
                    // Scores so far and bounds added in another order than the document's own
                    // sum: the margin covers the rounding.
                    if (self.sum_of(self.masks[delta], delta) + rest) * MARGIN <= threshold {
                        if let Some(p) = &self.pruning {
                            p.mark_skipped();
                        }
                        continue;
                    }
                }
                let doc = start + delta as DocId;
                for s in self.clauses[c].iter_mut() {
                    if s.doc() < doc {
                        s.seek(doc);
                    }
                    if s.doc() == doc {
                        let seen = self.masks[delta] & bit != 0;
                        if self.scoring {
                            keep_best(&mut self.best[c * WINDOW as usize + delta], seen, s.score());
                        }
                        self.masks[delta] |= bit;
                        self.counts[delta] += u8::from(!seen && c < self.counted);
                    }
                }
            }
        }
        for s in self.clauses[c].iter_mut() {
            if s.doc() < end {
                s.seek(end);
            }
        }
        self.clauses[c].retain(|s| s.doc() != TERMINATED);
    }

    /// The next document of the buffered window that reaches the minimum.
    fn next_buffered(&mut self) -> bool {
        while self.word < WORDS {
            while self.bits[self.word] != 0 {
                let bits = self.bits[self.word];
                self.bits[self.word] = bits & (bits - 1);
                let delta = self.word * 64 + bits.trailing_zeros() as usize;
                let mask = std::mem::take(&mut self.masks[delta]);
                if u32::from(std::mem::take(&mut self.counts[delta])) >= self.minimum {
                    self.doc = self.window_start + delta as DocId;
                    self.score = if self.scoring { self.sum_of(mask, delta) } else { 0.0 };
                    // The threshold read again: it rises as the page fills.
                    if let Some(p) = &self.pruning {
                        self.threshold = p.threshold();
                    }
                    if self.threshold.is_some_and(|t| self.score < t) {
                        // It cannot enter the page (see `super::prune`). One that ties with the
                        // threshold is kept: the threshold may come from a later segment searched
                        // beside this one (see `super::parallel`), and a tie goes to the newer
                        // question, then the earlier document.
                        if let Some(p) = &self.pruning {
                            p.mark_skipped();
                        }
                        continue;
                    }
                    return true;
                }
            }
            self.word += 1;
        }
        false
    }

    /// The sum of the best scores of the clauses in `mask`, in clause order.
    fn sum_of(&self, mut mask: u64, delta: usize) -> Score {
        let mut score = 0.0;
        while mask != 0 {
            let c = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            score += self.best[c * WINDOW as usize + delta];
        }
        score
    }

    /// How many of the clauses that count towards the minimum have an alternative left.
    fn live_counted(&self) -> usize {
        self.clauses[..self.counted].iter().filter(|c| !c.is_empty()).count()
    }

    /// Forgets the buffered documents of the words before `upto`.
    fn drop_words(&mut self, upto: usize) {
        for w in self.word..upto.min(WORDS) {
            let mut bits = std::mem::take(&mut self.bits[w]);
            while bits != 0 {
                let delta = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                self.masks[delta] = 0;
                self.counts[delta] = 0;
            }
        }
        self.word = self.word.max(upto.min(WORDS));
    }
}

/// A clause's score for a document: its first alternative's, then the best of its alternatives'
/// (`seen`: an earlier alternative of the clause matched the document).
fn keep_best(best: &mut Score, seen: bool, score: Score) {
    *best = if seen { best.max(score) } else { score };
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        loop {
            if self.next_buffered() {
                return self.doc;
            }
            if !self.refill() {
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let gap = target - self.window_start;
        if gap < WINDOW {
            // Within the window: forget the words wholly before the target, then step.
            self.drop_words(gap as usize / 64);
        } else {
            self.drop_words(WORDS);
            for alternatives in self.clauses.iter_mut() {
                for s in alternatives.iter_mut() {
                    if s.doc() < target {
                        s.seek(target);
                    }
                }
                alternatives.retain(|s| s.doc() != TERMINATED);
            }
            self.live = self.live_counted();
        }
        let mut doc = self.advance();
        while doc < target {
            doc = self.advance();
        }
        doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // A document that `minimum` clauses match is in one of any `n - minimum + 1` of them: at
        // most the sizes of the smallest such group, summed.
        let mut sizes: Vec<u32> = self.clauses[..self.counted]
            .iter()
            .map(|c| c.iter().fold(0u32, |a, s| a.saturating_add(s.size_hint())))
            .collect();
        sizes.sort_unstable();
        let group = (sizes.len() + 1).saturating_sub(self.minimum as usize);
        sizes.iter().take(group).fold(0u32, |a, b| a.saturating_add(*b))
    }

    fn cost(&self) -> u64 {
        // What selects the documents, as `size_hint`.
        self.clauses[..self.counted].iter().flatten().map(Alt::cost).sum()
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::Count;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::IndexRecordOption;

    use crate::search::scorer_tests::{index_of, matches};

    fn term(field: tantivy::schema::Field, w: u8) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, &format!("w{w}")), IndexRecordOption::WithFreqs))
    }

    /// One clause per word.
    fn clauses(field: tantivy::schema::Field, words: &[u8]) -> Vec<Box<dyn Query>> {
        words.iter().map(|w| term(field, *w)).collect()
    }

    /// Clauses of alternatives: each `(word, boost)` a boosted term, as a query word's terms are.
    fn groups(field: tantivy::schema::Field, groups: &[Vec<(u8, u8)>]) -> Vec<Vec<Box<dyn Query>>> {
        groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&(w, boost)| {
                        Box::new(BoostQuery::new(term(field, w), 0.25 * f32::from(boost + 1))) as Box<dyn Query>
                    })
                    .collect()
            })
            .collect()
    }

    /// The same clauses as [`groups`], as the query builder writes them: most terms read from
    /// their blocks (`WeightedTermQuery`), every third through tantivy's boosted term scorer (as a
    /// glossary name's phrase is), so that a clause mixes both.
    fn our_groups(field: tantivy::schema::Field, groups: &[Vec<(u8, u8)>]) -> Vec<Vec<Box<dyn Query>>> {
        groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&(w, boost)| {
                        let weight = 0.25 * f32::from(boost + 1);
                        if (w + boost) % 3 == 0 {
                            Box::new(BoostQuery::new(term(field, w), weight)) as Box<dyn Query>
                        } else {
                            Box::new(WeightedTermQuery::new(Term::from_field_text(field, &format!("w{w}")), weight))
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn same_as_tantivy(docs: &[Vec<u8>], words: &[u8], minimum: usize, split: bool) {
        let single: Vec<Vec<(u8, u8)>> = words.iter().map(|w| vec![(*w, 3)]).collect();
        same_as_tantivy_grouped(docs, &single, minimum, split);
    }

    /// Ours against tantivy's minimum-should-match over one `DisjunctionMaxQuery` per clause.
    fn same_as_tantivy_grouped(docs: &[Vec<u8>], clauses: &[Vec<(u8, u8)>], minimum: usize, split: bool) {
        let (index, field) = index_of(docs, split);
        let ours = AtLeastQuery::new(our_groups(field, clauses), minimum);
        let theirs = BooleanQuery::with_minimum_required_clauses(
            groups(field, clauses).into_iter().map(|g| (Occur::Should, disjunction_max(g))).collect(),
            minimum,
        );
        let (a, b) = (matches(&index, &ours), matches(&index, &theirs));
        assert_eq!(a.len(), b.len(), "{clauses:?} at least {minimum}");
        for ((da, sa), (db, sb)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() <= 1e-4 * sb.abs().max(1.0), "{da:?}: {sa} vs {sb}");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.search(&ours, &Count).expect("count"), b.len());
    }

    /// Ours with clauses that only add to the score against tantivy's: the counted clauses'
    /// minimum-should-match required, the others optional.
    fn scoring_also_as_tantivy(docs: &[Vec<u8>], counted: &[Vec<(u8, u8)>], extra: &[Vec<(u8, u8)>], minimum: usize) {
        let (index, field) = index_of(docs, true);
        let ours = AtLeastQuery::new(our_groups(field, counted), minimum).scoring_also(our_groups(field, extra));
        let required = BooleanQuery::with_minimum_required_clauses(
            groups(field, counted).into_iter().map(|g| (Occur::Should, disjunction_max(g))).collect(),
            minimum,
        );
        let mut theirs: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(required))];
        theirs.extend(groups(field, extra).into_iter().map(|g| (Occur::Should, disjunction_max(g))));
        let theirs = BooleanQuery::new(theirs);
        let (a, b) = (matches(&index, &ours), matches(&index, &theirs));
        assert_eq!(a.len(), b.len(), "{counted:?} at least {minimum}, and {extra:?}");
        for ((da, sa), (db, sb)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() <= 1e-4 * sb.abs().max(1.0), "{da:?}: {sa} vs {sb}");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.search(&ours, &Count).expect("count"), b.len());
    }

    /// Times a pruned search passed over blocks of a clause that only adds to the score.
    pub(super) static SCORING_ONLY_PASSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    #[test]
    fn a_pruned_page_passes_over_low_blocks_of_words_that_only_score() {
        // Word 1 selects every other document; word 0, in every fifth, only adds to the score,
        // four times more in every 211th: most of word 0's blocks cannot lift a document onto
        // the page, and are passed over.
        let docs: Vec<Vec<u8>> = (0..40_000u32)
            .map(|i| {
                let mut d = vec![7];
                if i % 2 == 0 {
                    d.push(1);
                }
                if i % 5 == 0 {
                    d.push(0);
                    if i % 211 == 0 {
                        d.extend([0, 0, 0, 0]);
                    }
                }
                d
            })
            .collect();
        for parts in [1, 2, 3] {
            for k in [1, 3] {
                let before = SCORING_ONLY_PASSES.load(std::sync::atomic::Ordering::Relaxed);
                assert!(pruned_as_unpruned_scoring_also(&docs, &[vec![(1, 1)], vec![(0, 1)]], 1, 1, k, 0, parts));
                let passed = SCORING_ONLY_PASSES.load(std::sync::atomic::Ordering::Relaxed) - before;
                assert!(passed > 0, "{parts} parts, top {k}: no block of word 0 passed over");
            }
        }
    }

    #[test]
    fn words_that_only_score_select_nothing() {
        // Word 0 in every document, word 1 in every fifth, word 2 in every seventh: at least one of
        // 1 and 2, with 0 adding to the score of those only.
        let docs: Vec<Vec<u8>> = (0..20_000u32)
            .map(|i| {
                let mut d = vec![0; 1 + (i % 3) as usize];
                if i % 5 == 0 {
                    d.push(1);
                }
                if i % 7 == 0 {
                    d.push(2);
                }
                d
            })
            .collect();
        scoring_also_as_tantivy(&docs, &[vec![(1, 1)], vec![(2, 2)]], &[vec![(0, 1)]], 1);
        scoring_also_as_tantivy(&docs, &[vec![(1, 1)], vec![(2, 2)]], &[vec![(0, 1)]], 2);
        let (index, field) = index_of(&docs, true);
        let q = AtLeastQuery::new(our_groups(field, &[vec![(1, 1)], vec![(2, 2)]]), 1)
            .scoring_also(our_groups(field, &[vec![(0, 1)]]));
        let searcher = index.reader().expect("reader").searcher();
        // Multiples of 5 or 7 below 20,000.
        assert_eq!(searcher.search(&q, &Count).expect("count"), 4_000 + 2_858 - 572);
    }

    #[test]
    fn two_of_three_across_windows_and_segments() {
        // 10,000 documents span three windows; word 0 every 2nd, word 1 every 3rd, word 2 every 7th.
        let docs: Vec<Vec<u8>> = (0..10_000u32)
            .map(|i| {
                let mut d = vec![9];
                for (w, every) in [(0u8, 2u32), (1, 3), (2, 7)] {
                    if i % every == 0 {
                        d.push(w);
                    }
                }
                d
            })
            .collect();
        for split in [false, true] {
            same_as_tantivy(&docs, &[0, 1, 2], 2, split);
            same_as_tantivy(&docs, &[0, 1, 2, 5], 3, split);
        }
    }

    #[test]
    fn a_common_word_is_sought_where_the_rare_ones_are() {
        // Word 0 in every document, words 1 and 2 rarely: at least two of the three means word 0
        // is only asked about the rare words' documents (and a few have word 0 twice).
        let docs: Vec<Vec<u8>> = (0..30_000u32)
            .map(|i| {
                let mut d = vec![0];
                if i % 97 == 0 {
                    d.push(1);
                }
                if i % 89 == 0 {
                    d.extend([2, 0]);
                }
                d
            })
            .collect();
        for split in [false, true] {
            same_as_tantivy_grouped(&docs, &[vec![(1, 3)], vec![(0, 1), (0, 3)], vec![(2, 2)]], 2, split);
            same_as_tantivy(&docs, &[1, 0, 2], 3, split);
        }
    }

    #[test]
    fn seeks_inside_and_past_the_window_as_a_filter_asks() {
        let docs: Vec<Vec<u8>> = (0..9_000u32)
            .map(|i| {
                if i % 5 == 0 {
                    vec![0, 1]
                } else if i % 3 == 0 {
                    vec![1, 2]
                } else {
                    vec![2]
                }
            })
            .collect();
        let (index, field) = index_of(&docs, false);
        // A rare filter word makes the intersection seek this scorer far ahead and nearby.
        let filter =
            |w: u8| Box::new(TermQuery::new(Term::from_field_text(field, &format!("w{w}")), IndexRecordOption::Basic));
        let ours = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(AtLeastQuery::new(our_groups(field, &[vec![(0, 1)], vec![(1, 1)], vec![(2, 3)]]), 2))
                    as Box<dyn Query>,
            ),
            (Occur::Must, filter(0)),
        ]);
        let theirs = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::with_minimum_required_clauses(
                    clauses(field, &[0, 1, 2]).into_iter().map(|q| (Occur::Should, q)).collect(),
                    2,
                )) as Box<dyn Query>,
            ),
            (Occur::Must, filter(0)),
        ]);
        let (a, b) = (matches(&index, &ours), matches(&index, &theirs));
        assert_eq!(a.iter().map(|m| m.0).collect::<Vec<_>>(), b.iter().map(|m| m.0).collect::<Vec<_>>());
        assert_eq!(a.len(), 1800);
    }

    #[test]
    fn more_clauses_than_a_mask_holds_are_left_to_tantivy() {
        let docs: Vec<Vec<u8>> = (0..3_000u32).map(|i| vec![(i % 7) as u8, (i % 5) as u8, (i % 3) as u8]).collect();
        let words: Vec<u8> = (0..MAX_CLAUSES as u8 + 2).collect();
        same_as_tantivy(&docs, &words, 2, false);
    }

    #[test]
    fn more_than_the_clauses_matches_nothing() {
        let (index, field) = index_of(&[vec![0, 1], vec![1]], false);
        assert!(matches(&index, &AtLeastQuery::new(vec![clauses(field, &[0]), clauses(field, &[1])], 3)).is_empty());
    }

    /// The best `k` of `clauses` (each alternative a term read from its blocks, every fifth
    /// through tantivy's scorer: a phrase's place, without bounds) pruned after `exact_up_to`
    /// matches, in `parts` segments, against every match of the same query unpruned, ordered by
    /// score and then address, and against the unpruned page: the same documents and scores, in
    /// the same order; a total that is exact where nothing was passed over, and never above the
    /// matches. Returns whether anything was passed over.
    fn pruned_as_unpruned(
        docs: &[Vec<u8>],
        clauses: &[Vec<(u8, u8)>],
        minimum: usize,
        k: usize,
        exact_up_to: u64,
        parts: usize,
    ) -> bool {
        pruned_as_unpruned_scoring_also(docs, clauses, clauses.len(), minimum, k, exact_up_to, parts)
    }

    /// As [`pruned_as_unpruned`], where the clauses after the first `counted` only add to the
    /// score (see [`AtLeastQuery::scoring_also`]).
    fn pruned_as_unpruned_scoring_also(
        docs: &[Vec<u8>],
        clauses: &[Vec<(u8, u8)>],
        counted: usize,
        minimum: usize,
        k: usize,
        exact_up_to: u64,
        parts: usize,
    ) -> bool {
        use crate::search::prune::{BlockMaxCache, Pruning, TopHits};

        let (index, field) = crate::search::scorer_tests::index_in_parts(docs, parts);
        let searcher = index.reader().expect("reader").searcher();
        let groups = |field| -> Vec<Vec<Box<dyn Query>>> {
            clauses
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|&(w, boost)| {
                            let weight = 0.25 * f32::from(boost + 1);
                            if (w + 2 * boost) % 5 == 0 {
                                Box::new(BoostQuery::new(term(field, w), weight)) as Box<dyn Query>
                            } else {
                                Box::new(WeightedTermQuery::new(Term::from_field_text(field, &format!("w{w}")), weight))
                            }
                        })
                        .collect()
                })
                .collect()
        };
        let query = |pruning: Option<Arc<Pruning>>| {
            let mut counted_groups = groups(field);
            let extra = counted_groups.split_off(counted.min(counted_groups.len()));
            let q = AtLeastQuery::new(counted_groups, minimum).scoring_also(extra);
            match pruning {
                Some(p) => q.with_pruning(p),
                None => q,
            }
        };
        let exact = query(None);
        // Every match in address order, then by score (a stable sort keeps ties in that order).
        let mut expected: Vec<(Score, tantivy::DocAddress)> =
            matches(&index, &exact).into_iter().map(|(a, s)| (s, a)).collect();
        expected.sort_by(|a, b| b.0.total_cmp(&a.0));
        expected.truncate(k);
        let (_, unpruned) = searcher.search(&exact, &TopHits::exact(k)).expect("search");
        assert_eq!(unpruned, expected, "{clauses:?} at least {minimum}, top {k}, unpruned");
        let total = searcher.search(&exact, &Count).expect("count") as u64;
        let pruning = Arc::new(Pruning::new(exact_up_to, Arc::new(BlockMaxCache::default())));
        let pruned = query(Some(Arc::clone(&pruning)));
        let (seen, got) = searcher.search(&pruned, &TopHits::new(k, Arc::clone(&pruning))).expect("search");
        pruning.finish();
        assert_eq!(got, expected, "{clauses:?} at least {minimum}, top {k} after {exact_up_to}");
        assert!(seen <= total && seen >= total.min(exact_up_to), "{seen} seen of {total}");
        if pruning.exact() {
            assert_eq!(seen, total);
        }
        // Once finished, the same query is exact again.
        assert_eq!(searcher.search(&pruned, &Count).expect("count") as u64, total);
        // The segments searched side by side (see `super::parallel`): the threshold may then come
        // from a later segment while an earlier one is read, and the page is still the same.
        if parts > 1 {
            let side_by_side = Arc::new(Pruning::new(exact_up_to, Arc::new(BlockMaxCache::default())));
            let q = query(Some(Arc::clone(&side_by_side)));
            let pool = tantivy::Executor::multi_thread(parts, "test-search-").expect("pool");
            let scoring = tantivy::query::EnableScoring::enabled_from_searcher(&searcher);
            let (seen, got) = searcher
                .search_with_executor(&q, &TopHits::new(k, Arc::clone(&side_by_side)), &pool, scoring)
                .expect("search");
            side_by_side.finish();
            assert_eq!(got, expected, "{clauses:?} at least {minimum}, top {k} after {exact_up_to}, side by side");
            assert!(seen <= total && seen >= total.min(exact_up_to), "{seen} seen of {total}, side by side");
        }
        !pruning.exact()
    }

    #[test]
    fn a_pruned_page_passes_over_what_cannot_enter_it() {
        // Word 1 is rare and often repeated (high scores), word 0 in every document: the best
        // ten all have word 1, and most windows of word 0 alone cannot reach them.
        let docs: Vec<Vec<u8>> = (0..40_000u32)
            .map(|i| {
                let mut d = vec![0; 1 + (i % 7) as usize];
                if i % 301 == 0 {
                    d.extend([1, 1, 1]);
                }
                if i % 13 == 0 {
                    d.push(2);
                }
                d
            })
            .collect();
        for parts in [1, 2, 4] {
            assert!(pruned_as_unpruned(&docs, &[vec![(0, 1)], vec![(1, 3), (2, 0)]], 1, 10, 0, parts));
            assert!(pruned_as_unpruned(&docs, &[vec![(0, 1)], vec![(1, 3)], vec![(2, 1)]], 2, 10, 100, parts));
            assert!(pruned_as_unpruned(&docs, &[vec![(0, 3), (1, 1)]], 1, 10, 0, parts));
            // Word 0 only adding to the score of what words 1 and 2 select.
            assert!(pruned_as_unpruned_scoring_also(
                &docs,
                &[vec![(1, 3)], vec![(2, 1)], vec![(0, 1)]],
                2,
                1,
                10,
                0,
                parts
            ));
            // Counting every match up to more than there are: nothing is passed over.
            assert!(!pruned_as_unpruned(&docs, &[vec![(0, 1)], vec![(1, 3)]], 1, 10, 1_000_000, parts));
        }
    }

    #[test]
    fn ties_at_the_end_of_the_page_go_to_the_earlier_document_across_segments() {
        // Five kinds of document, each many times over in four segments: every score is tied
        // with hundreds of others, at any page size.
        let docs: Vec<Vec<u8>> = (0..12_000u32).map(|i| vec![0; 1 + (i % 5) as usize]).collect();
        for k in [1, 15, 40, 100] {
            assert!(pruned_as_unpruned(&docs, &[vec![(0, 1)]], 1, k, 0, 4));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn a_pruned_page_is_the_unpruned_page(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..8, 0..12), 1..9_000),
            clauses in proptest::collection::vec(proptest::collection::vec((0u8..9, 0u8..4), 0..4), 1..6),
            minimum in 1usize..5,
            k in 1usize..40,
            exact_up_to in 0u64..200,
            parts in 1usize..4,
            counted in 1usize..6,
        ) {
            pruned_as_unpruned_scoring_also(&docs, &clauses, counted, minimum, k, exact_up_to, parts);
        }


        #[test]
        fn matches_and_scores_as_tantivy_does(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..6, 0..5), 1..6_000),
            words in proptest::collection::vec(0u8..7, 2..6),
            minimum in 2usize..5,
            split in any::<bool>(),
        ) {
            same_as_tantivy(&docs, &words, minimum, split);
        }

        #[test]
        fn clauses_that_only_score_match_and_score_as_tantivy_does(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..8, 0..6), 1..6_000),
            counted in proptest::collection::vec(proptest::collection::vec((0u8..9, 0u8..4), 0..4), 1..5),
            extra in proptest::collection::vec(proptest::collection::vec((0u8..9, 0u8..4), 0..4), 1..4),
            minimum in 1usize..4,
        ) {
            scoring_also_as_tantivy(&docs, &counted, &extra, minimum);
        }

        #[test]
        fn clauses_of_alternatives_match_and_score_as_tantivy_does(
            docs in proptest::collection::vec(proptest::collection::vec(0u8..8, 0..6), 1..6_000),
            clauses in proptest::collection::vec(proptest::collection::vec((0u8..9, 0u8..4), 0..4), 2..6),
            minimum in 2usize..5,
            split in any::<bool>(),
        ) {
            same_as_tantivy_grouped(&docs, &clauses, minimum, split);
        }
    }
}
