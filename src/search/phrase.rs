//! The glossary's phrases, matched once per generation and kept.
//!
//! A glossary name of several words (`parking przesiadkowy` for `P+R`, `miejscowy plan
//! zagospodarowania przestrzennego` for `MPZP`, `usunięcie drzew` for `wycinka`) is searched as a
//! phrase, and a phrase reads the positions of its words in every document that has all of them:
//! at a million questions, a quarter of the time of the judged queries went there. A generation
//! never changes, so each such phrase's matches (document and phrase count, per segment) are
//! found the first time a search asks for them and kept while the generation is open; later
//! searches read that list, scored as tantivy's `PhraseQuery` scores it (the same BM25 weight over
//! the phrase's terms, the same field norms, the same phrase count, and the same estimates of its
//! size and cost, by which other scorers order their clauses), so nothing ranks differently.
//! The glossary stays live: a name added later is matched on its first search, like any other.
//!
//! The first search of a phrase reads its positions in every document that has all its words,
//! where tantivy's phrase query reads them only where the rest of the search asks: a one-time
//! cost per phrase and generation. What is kept is bounded (`MAX_LISTS`, `MAX_MATCHES`);
//! past that, a phrase not kept is tantivy's phrase query again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// How much a generation keeps: phrase lists (one per phrase and segment) and matches in all (8
/// bytes each). The whole glossary at a million questions is 440 lists and 2.3 M matches. Once
/// either is spent, a phrase not kept is matched as tantivy matches it, at each search.
const MAX_LISTS: usize = 4096;
const MAX_MATCHES: usize = 4_000_000;

/// One phrase's matches in one segment, and what tantivy's phrase scorer reports of itself
/// there (callers order their clauses by it, and a sum's order is part of its value).
struct Found {
    /// Each document with its phrase count, in document order.
    matches: Box<[(DocId, u32)]>,
    size_hint: u32,
    cost: u64,
}

/// Per phrase (its offsets and terms, in offset order), its matches in one segment.
type SegmentPhrases = HashMap<Vec<(usize, Term)>, Arc<Found>>;

/// The matches found so far, per segment and phrase (see the module's text).
pub struct PhraseCache {
    found: RwLock<Kept>,
    /// A list could not be kept: phrases not kept are no longer matched here.
    full: AtomicBool,
    max_lists: usize,
    max_matches: usize,
}

#[derive(Default)]
struct Kept {
    segments: HashMap<SegmentId, SegmentPhrases>,
    lists: usize,
    matches: usize,
}

impl Default for PhraseCache {
    fn default() -> Self {
        PhraseCache::with_budget(MAX_LISTS, MAX_MATCHES)
    }
}

impl PhraseCache {
    /// A cache that keeps at most `lists` phrase lists and `matches` matches in all.
    fn with_budget(lists: usize, matches: usize) -> PhraseCache {
        PhraseCache { found: RwLock::default(), full: AtomicBool::new(false), max_lists: lists, max_matches: matches }
    }

    /// How many phrase lists (one per phrase and segment) are kept (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.found.read().unwrap_or_else(|p| p.into_inner()).lists
    }

    /// Whether `terms` are kept for some segment, or there is room to keep them: otherwise they
    /// are better matched by tantivy's phrase query, which reads positions only where the rest
    /// of the search asks.
    fn serves(&self, terms: &[(usize, Term)]) -> bool {
        !self.full.load(Ordering::Relaxed)
            || self.found.read().unwrap_or_else(|p| p.into_inner()).segments.values().any(|s| s.contains_key(terms))
    }

    /// The matches of `terms` (offsets and terms, in offset order) in `reader`'s segment,
    /// found now if not found before (and kept if the budget allows).
    fn matches(&self, reader: &SegmentReader, terms: &[(usize, Term)]) -> tantivy::Result<Arc<Found>> {
        let segment = reader.segment_id();
        let kept = self
            .found
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .segments
            .get(&segment)
            .and_then(|s| s.get(terms).cloned());
        if let Some(m) = kept {
            return Ok(m);
        }
        // Two searches that miss at once both match the phrase; the second list kept replaces
        // the first, equal to it.
        let found = Arc::new(find(reader, terms)?);
        let mut kept = self.found.write().unwrap_or_else(|p| p.into_inner());
        if kept.lists < self.max_lists && kept.matches + found.matches.len() <= self.max_matches {
            let previous = kept.segments.entry(segment).or_default().insert(terms.to_vec(), Arc::clone(&found));
            if previous.is_none() {
                kept.lists += 1;
                kept.matches += found.matches.len();
            }
        } else {
            self.full.store(true, Ordering::Relaxed);
        }
        Ok(found)
    }
}

/// Every document of `reader` where `terms` stand at their offsets, with how many times, as
/// tantivy's phrase scorer counts them: the terms taken rarest first (its intersection's order),
/// the positions of each less its offset intersected with the same steps.
fn find(reader: &SegmentReader, terms: &[(usize, Term)]) -> tantivy::Result<Found> {
    let none = || Found { matches: Box::new([]), size_hint: 0, cost: 0 };
    let Some(field) = terms.first().map(|(_, t)| t.field()) else {
        return Ok(none());
    };
    let inverted = reader.inverted_index(field)?;
    let max_offset = terms.iter().map(|(o, _)| *o).max().unwrap_or(0);
    let mut postings = Vec::with_capacity(terms.len());
    for (offset, term) in terms {
        match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
            Some(p) => postings.push(((max_offset - offset) as u32, p)),
            // As tantivy: a phrase with a term the segment lacks has an empty scorer there.
            None => return Ok(none()),
        }
    }
    // Stable, by cost (a posting list's length), as tantivy's intersection orders them.
    postings.sort_by_key(|(_, p)| p.size_hint());
    let n = postings.len() as u32;
    let estimate = estimate_intersection(postings.iter().map(|(_, p)| p.size_hint()), reader.max_doc());
    let mut found = Vec::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut doc = postings[0].1.doc();
    'docs: while doc != TERMINATED {
        // Leapfrog to a document every term has.
        for (_, p) in postings.iter_mut() {
            let d = if p.doc() < doc { p.seek(doc) } else { p.doc() };
            if d != doc {
                doc = d;
                continue 'docs;
            }
        }
        let (shift, first) = &mut postings[0];
        first.positions_with_offset(*shift, &mut left);
        for (shift, p) in postings[1..].iter_mut() {
            if left.is_empty() {
                break;
            }
            p.positions_with_offset(*shift, &mut right);
            intersection(&mut left, &right);
        }
        // What is left is what tantivy counts on its last step (`intersection_count`).
        if !left.is_empty() {
            found.push((doc, left.len() as u32));
        }
        doc = postings[0].1.advance();
    }
    Ok(Found {
        matches: found.into_boxed_slice(),
        size_hint: estimate / (10 * n),
        cost: u64::from(estimate) * 10 * u64::from(n),
    })
}

/// tantivy's estimate of how many documents an intersection of lists of these sizes holds
/// (`query::size_hint::estimate_intersection`, not exported), for the phrase scorer's reports.
fn estimate_intersection(mut sizes: impl Iterator<Item = u32>, max_docs: u32) -> u32 {
    if max_docs == 0 {
        return 0;
    }
    let mut co_loc_factor: f64 = 1.3;
    let Some(first) = sizes.next() else {
        return 0;
    };
    let mut estimate = f64::from(first);
    let mut smallest = estimate;
    for size in sizes {
        co_loc_factor = (co_loc_factor - 0.1).max(1.0);
        estimate *= (f64::from(size) / f64::from(max_docs)) * co_loc_factor;
        smallest = smallest.min(f64::from(size));
    }
    estimate.round().min(smallest) as u32
}

/// Keeps in `left` the positions also in `right`, stepping both as tantivy's phrase scorer does.
fn intersection(left: &mut Vec<u32>, right: &[u32]) {
    let (mut l, mut r, mut count) = (0, 0, 0);
    while l < left.len() && r < right.len() {
        match left[l].cmp(&right[r]) {
            std::cmp::Ordering::Less => l += 1,
            std::cmp::Ordering::Greater => r += 1,
            std::cmp::Ordering::Equal => {
                left[count] = left[l];
                count += 1;
                l += 1;
                r += 1;
            }
        }
    }
    left.truncate(count);
}

/// A phrase (exact, no slop) whose matches are kept in a [`PhraseCache`]; to every scorer the
/// same documents and scores as `PhraseQuery::new_with_offset` over the same terms.
#[derive(Clone)]
pub struct CachedPhraseQuery {
    /// Offsets and terms, in offset order (as `PhraseQuery` keeps them).
    terms: Vec<(usize, Term)>,
    cache: Arc<PhraseCache>,
}

impl std::fmt::Debug for CachedPhraseQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedPhraseQuery").field("terms", &self.terms).finish()
    }
}

impl CachedPhraseQuery {
    /// The phrase of `terms` (two or more, of one field: what `PhraseQuery` asserts) kept in
    /// `cache`.
    pub fn new(mut terms: Vec<(usize, Term)>, cache: Arc<PhraseCache>) -> CachedPhraseQuery {
        debug_assert!(terms.len() > 1 && terms.iter().all(|(_, t)| t.field() == terms[0].1.field()));
        terms.sort_by_key(|&(offset, _)| offset);
        CachedPhraseQuery { terms, cache }
    }
}

impl Query for CachedPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some((_, first)) = self.terms.first() else {
            return Ok(Box::new(tantivy::query::EmptyWeight));
        };
        let field = first.field();
        let entry = enable_scoring.schema().get_field_entry(field);
        let has_positions = entry.field_type().get_index_record_option().is_some_and(|o| o.has_positions());
        if !has_positions || !self.cache.serves(&self.terms) {
            // Without positions, as tantivy's phrase query answers (an error); past the cache's
            // budget, a phrase not kept is tantivy's.
            return PhraseQuery::new_with_offset(self.terms.clone()).weight(enable_scoring);
        }
        let bm25 = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
                Some(Bm25Weight::for_terms(statistics_provider, &terms)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(CachedPhraseWeight { terms: self.terms.clone(), cache: Arc::clone(&self.cache), bm25 }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

struct CachedPhraseWeight {
    terms: Vec<(usize, Term)>,
    cache: Arc<PhraseCache>,
    /// `None` where the search does not score.
    bm25: Option<Bm25Weight>,
}

impl CachedPhraseWeight {
    fn phrase_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<CachedPhraseScorer> {
        let found = self.cache.matches(reader, &self.terms)?;
        let scoring = match &self.bm25 {
            Some(bm25) => {
                let field = self.terms[0].1.field();
                let norms = reader.fieldnorms_readers().get_field(field)?;
                let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                Some((bm25.boost_by(boost), norms))
            }
            None => None,
        };
        Ok(CachedPhraseScorer { found, cursor: 0, scoring })
    }
}

impl Weight for CachedPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.phrase_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.phrase_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("Document #({doc}) does not match")));
        }
        let mut explanation = Explanation::new("Phrase Scorer (kept per generation)", scorer.score());
        if let Some((bm25, norms)) = &scorer.scoring {
            explanation.add_detail(bm25.explain(norms.fieldnorm_id(doc), scorer.found.matches[scorer.cursor].1));
        }
        Ok(explanation)
    }
}

/// A phrase's kept matches in one segment, positioned on a document.
struct CachedPhraseScorer {
    found: Arc<Found>,
    cursor: usize,
    scoring: Option<(Bm25Weight, FieldNormReader)>,
}

impl DocSet for CachedPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.cursor = (self.cursor + 1).min(self.found.matches.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            self.cursor += self.found.matches[self.cursor..].partition_point(|&(d, _)| d < target);
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.found.matches.get(self.cursor).map_or(TERMINATED, |&(d, _)| d)
    }

    /// tantivy's phrase scorer's estimate, not the exact count: clauses are ordered by it.
    fn size_hint(&self) -> u32 {
        self.found.size_hint
    }

    fn cost(&self) -> u64 {
        self.found.cost
    }
}

impl Scorer for CachedPhraseScorer {
    fn score(&mut self) -> Score {
        match (&self.scoring, self.found.matches.get(self.cursor)) {
            (Some((bm25, norms)), Some(&(doc, count))) => bm25.score(norms.fieldnorm_id(doc), count),
            (None, Some(_)) => 1.0,
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::scorer_tests::{index_of, matches};

    /// Every match and score of the phrase `words` (word numbers at their offsets), kept and by
    /// tantivy's `PhraseQuery`, twice (found, then kept); then, segment by segment, what each
    /// scorer reports of itself, where a series of seeks lands, and the count without scores.
    fn both(docs: &[Vec<u8>], words: &[(usize, u8)], split: bool, boost: Score) {
        let (index, field) = index_of(docs, split);
        let terms: Vec<(usize, Term)> =
            words.iter().map(|&(o, w)| (o, Term::from_field_text(field, &format!("w{w}")))).collect();
        let theirs = tantivy::query::BoostQuery::new(Box::new(PhraseQuery::new_with_offset(terms.clone())), boost);
        // Given in reverse: the query orders its terms by offset, as tantivy's does.
        let reversed: Vec<(usize, Term)> = terms.iter().rev().cloned().collect();
        let cache = Arc::new(PhraseCache::default());
        let ours = tantivy::query::BoostQuery::new(Box::new(CachedPhraseQuery::new(reversed, cache)), boost);
        let expected = matches(&index, &theirs);
        assert_eq!(matches(&index, &ours), expected, "{words:?} found");
        assert_eq!(matches(&index, &ours), expected, "{words:?} kept");

        let searcher = index.reader().expect("reader").searcher();
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let (tw, ow) = (theirs.weight(scoring).expect("weight"), ours.weight(scoring).expect("weight"));
        for reader in searcher.segment_readers() {
            let (mut t, mut o) = (tw.scorer(reader, 1.0).expect("scorer"), ow.scorer(reader, 1.0).expect("scorer"));
            assert_eq!((o.size_hint(), o.cost()), (t.size_hint(), t.cost()), "{words:?} reports");
            assert_eq!(o.doc(), t.doc(), "{words:?} first");
            for target in (0..reader.max_doc() + 3).step_by(37).filter(|&d| d > 0) {
                if target <= t.doc() {
                    continue;
                }
                assert_eq!(o.seek(target), t.seek(target), "{words:?} seek {target}");
                if t.doc() != TERMINATED {
                    assert_eq!(o.score(), t.score(), "{words:?} at {}", t.doc());
                }
            }
        }
        let count = |q: &dyn Query| searcher.search(q, &tantivy::collector::Count).expect("count");
        assert_eq!(count(&ours), count(&theirs), "{words:?} counted without scores");
    }

    /// Documents of words 0–3 drawn from a small generator, so that phrases recur, overlap and
    /// span the documents' whole length.
    fn docs(n: usize, seed: u64) -> Vec<Vec<u8>> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let len = 1 + (x >> 59) as usize;
                (0..len)
                    .map(|i| {
                        let r = x.rotate_left(7 * i as u32 + 3);
                        (r % 4) as u8
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_same_documents_and_scores_as_tantivys_phrase_query() {
        for seed in 1..6 {
            for split in [false, true] {
                let d = docs(700, seed);
                both(&d, &[(0, 0), (1, 1)], split, 1.0);
                both(&d, &[(0, 1), (1, 1)], split, 0.7);
                both(&d, &[(0, 2), (1, 0), (2, 3)], split, 1.0);
                // A gap where the query had a stop word.
                both(&d, &[(0, 3), (2, 1)], split, 2.0);
                both(&d, &[(1, 0), (2, 2)], split, 1.0);
                // A term no document has.
                both(&d, &[(0, 0), (1, 9)], split, 1.0);
            }
        }
    }

    #[test]
    fn past_its_budget_a_phrase_is_tantivys_with_the_same_results() {
        let d = docs(700, 2);
        let (index, field) = index_of(&d, true);
        let phrase = |a: u8, b: u8| -> Vec<(usize, Term)> {
            vec![
                (0, Term::from_field_text(field, &format!("w{a}"))),
                (1, Term::from_field_text(field, &format!("w{b}"))),
            ]
        };
        // Room for one list (of any length, then of at most 50 matches: fewer than (w0 w1) has).
        for (lists, kept) in [((1, usize::MAX), 1), ((1, 50), 0)] {
            let cache = Arc::new(PhraseCache::with_budget(lists.0, lists.1));
            for (a, b) in [(0, 1), (1, 0), (2, 3)] {
                let theirs = PhraseQuery::new_with_offset(phrase(a, b));
                let ours = CachedPhraseQuery::new(phrase(a, b), Arc::clone(&cache));
                for _ in 0..2 {
                    assert_eq!(matches(&index, &ours), matches(&index, &theirs), "w{a} w{b}");
                }
            }
            assert_eq!(cache.len(), kept, "lists kept");
            assert!(cache.full.load(Ordering::Relaxed), "a list was refused");
            assert_eq!(cache.serves(&phrase(0, 1)), kept == 1, "the kept phrase is still read from the cache");
            assert!(!cache.serves(&phrase(2, 3)), "a phrase not kept is tantivy's");
        }
    }

    #[test]
    fn keeps_what_it_found() {
        let (index, field) = index_of(&docs(300, 3), false);
        let searcher = index.reader().expect("reader").searcher();
        let terms: Vec<(usize, Term)> =
            vec![(0, Term::from_field_text(field, "w0")), (1, Term::from_field_text(field, "w1"))];
        let cache = PhraseCache::default();
        let reader = &searcher.segment_readers()[0];
        let first = cache.matches(reader, &terms).expect("found");
        assert!(!first.matches.is_empty());
        let again = cache.matches(reader, &terms).expect("kept");
        assert!(Arc::ptr_eq(&first, &again), "the second search reads the kept list");
    }
}
