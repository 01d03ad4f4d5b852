//! The glossary's phrases, matched once per generation and kept.
//!
//! A glossary name of several words (`parking przesiadkowy` for `P+R`, `miejscowy plan
//! zagospodarowania przestrzennego` for `MPZP`, `usunięcie drzew` for `wycinka`) is searched as a
//! phrase, and a phrase reads the positions of its words in every document that has all of them:
//! at a million questions, a quarter of the time of the judged queries went there. A generation
//! never changes, so each such phrase's matches (document and phrase count, per segment) are
//! found the first time a search asks for them and kept while the generation is open; later
//! searches read that list, scored as tantivy's `PhraseQuery` scores it (the same BM25 weight over
//! the phrase's terms, the same field norms, the same phrase count), so nothing ranks differently.
//! The glossary stays live: a name added later is matched on its first search, like any other.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::Postings;
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Most phrases kept per generation (counted once per segment): the glossary's names, the words
/// typed that matched one and the translations' phrases are far fewer; past it, a phrase is
/// matched anew at each search, as before.
const MAX_PHRASES: usize = 4096;

/// One phrase's matches in one segment: each document with its phrase count, in document order.
type Matches = Arc<[(DocId, u32)]>;

/// Per phrase (its offsets and terms, in offset order), its matches in one segment.
type SegmentPhrases = HashMap<Vec<(usize, Term)>, Matches>;

/// The matches found so far, per segment and phrase (see the module's text).
#[derive(Default)]
pub struct PhraseCache {
    found: RwLock<HashMap<SegmentId, SegmentPhrases>>,
}

impl PhraseCache {
    /// How many phrases (per segment) are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.found.read().unwrap_or_else(|p| p.into_inner()).values().map(HashMap::len).sum()
    }

    /// The matches of `terms` (offsets and terms, in offset order) in `reader`'s segment,
    /// found now if not found before.
    fn matches(&self, reader: &SegmentReader, terms: &[(usize, Term)]) -> tantivy::Result<Matches> {
        let segment = reader.segment_id();
        let kept =
            self.found.read().unwrap_or_else(|p| p.into_inner()).get(&segment).and_then(|s| s.get(terms).cloned());
        if let Some(m) = kept {
            return Ok(m);
        }
        let matches: Matches = find(reader, terms)?.into();
        let mut found = self.found.write().unwrap_or_else(|p| p.into_inner());
        if found.values().map(HashMap::len).sum::<usize>() < MAX_PHRASES {
            found.entry(segment).or_default().insert(terms.to_vec(), Arc::clone(&matches));
        }
        Ok(matches)
    }
}

/// Every document of `reader` where `terms` stand at their offsets, with how many times, as
/// tantivy's phrase scorer counts them: the positions of each term less its offset, intersected.
fn find(reader: &SegmentReader, terms: &[(usize, Term)]) -> tantivy::Result<Vec<(DocId, u32)>> {
    let Some(field) = terms.first().map(|(_, t)| t.field()) else {
        return Ok(Vec::new());
    };
    let inverted = reader.inverted_index(field)?;
    let mut postings = Vec::with_capacity(terms.len());
    for (_, term) in terms {
        match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
            Some(p) => postings.push(p),
            None => return Ok(Vec::new()),
        }
    }
    let max_offset = terms.iter().map(|(o, _)| *o).max().unwrap_or(0);
    let shifts: Vec<u32> = terms.iter().map(|(o, _)| (max_offset - o) as u32).collect();
    let mut found = Vec::new();
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut doc = postings[0].doc();
    'docs: while doc != TERMINATED {
        // Leapfrog to a document every term has.
        for p in postings.iter_mut() {
            let d = if p.doc() < doc { p.seek(doc) } else { p.doc() };
            if d != doc {
                doc = d;
                continue 'docs;
            }
        }
        postings[0].positions_with_offset(shifts[0], &mut left);
        for (p, shift) in postings.iter_mut().zip(&shifts).skip(1) {
            p.positions_with_offset(*shift, &mut right);
            intersect(&mut left, &right);
        }
        if !left.is_empty() {
            found.push((doc, left.len() as u32));
        }
        doc = postings[0].advance();
    }
    Ok(found)
}

/// Keeps in `left` the positions also in `right` (both ascending).
fn intersect(left: &mut Vec<u32>, right: &[u32]) {
    let mut j = 0;
    left.retain(|&p| {
        while j < right.len() && right[j] < p {
            j += 1;
        }
        j < right.len() && right[j] == p
    });
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
    /// The phrase of `terms` (two or more, one field) kept in `cache`.
    pub fn new(mut terms: Vec<(usize, Term)>, cache: Arc<PhraseCache>) -> CachedPhraseQuery {
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
        if !has_positions {
            // As tantivy's phrase query answers.
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
        let matches = self.cache.matches(reader, &self.terms)?;
        let scoring = match &self.bm25 {
            Some(bm25) => {
                let field = self.terms[0].1.field();
                let norms = reader.fieldnorms_readers().get_field(field)?;
                let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                Some((bm25.boost_by(boost), norms))
            }
            None => None,
        };
        Ok(CachedPhraseScorer { matches, cursor: 0, scoring })
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
            explanation.add_detail(bm25.explain(norms.fieldnorm_id(doc), scorer.matches[scorer.cursor].1));
        }
        Ok(explanation)
    }
}

/// A phrase's kept matches in one segment, positioned on a document.
struct CachedPhraseScorer {
    matches: Matches,
    cursor: usize,
    scoring: Option<(Bm25Weight, FieldNormReader)>,
}

impl DocSet for CachedPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.cursor = (self.cursor + 1).min(self.matches.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            self.cursor += self.matches[self.cursor..].partition_point(|&(d, _)| d < target);
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.matches.get(self.cursor).map_or(TERMINATED, |&(d, _)| d)
    }

    fn size_hint(&self) -> u32 {
        u32::try_from(self.matches.len() - self.cursor).unwrap_or(u32::MAX)
    }
}

impl Scorer for CachedPhraseScorer {
    fn score(&mut self) -> Score {
        match (&self.scoring, self.matches.get(self.cursor)) {
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
    /// tantivy's `PhraseQuery`, twice (found, then kept).
    fn both(docs: &[Vec<u8>], words: &[(usize, u8)], split: bool, boost: Score) {
        let (index, field) = index_of(docs, split);
        let terms: Vec<(usize, Term)> =
            words.iter().map(|&(o, w)| (o, Term::from_field_text(field, &format!("w{w}")))).collect();
        let theirs = tantivy::query::BoostQuery::new(Box::new(PhraseQuery::new_with_offset(terms.clone())), boost);
        let cache = Arc::new(PhraseCache::default());
        let ours = tantivy::query::BoostQuery::new(Box::new(CachedPhraseQuery::new(terms, cache)), boost);
        let expected = matches(&index, &theirs);
        assert_eq!(matches(&index, &ours), expected, "{words:?} found");
        assert_eq!(matches(&index, &ours), expected, "{words:?} kept");
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
    fn keeps_what_it_found() {
        let (index, field) = index_of(&docs(300, 3), false);
        let searcher = index.reader().expect("reader").searcher();
        let terms: Vec<(usize, Term)> =
            vec![(0, Term::from_field_text(field, "w0")), (1, Term::from_field_text(field, "w1"))];
        let cache = PhraseCache::default();
        let reader = &searcher.segment_readers()[0];
        let first = cache.matches(reader, &terms).expect("found");
        assert!(!first.is_empty());
        let again = cache.matches(reader, &terms).expect("kept");
        assert!(Arc::ptr_eq(&first, &again), "the second search reads the kept list");
    }
}
