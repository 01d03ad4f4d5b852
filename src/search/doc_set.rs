//! A query matching a given set of documents: for the relaxed form of a search whose strict
//! matches are already known (`search::relaxed`). Asking the strict query again at every document
//! of the relaxed one meant seeking its scorers (phrases included) across the whole relaxed
//! result; a handful of known documents is a sorted list per segment.

use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// The documents of `docs` (of the searcher they were found with), each scoring 1.
#[derive(Clone, Debug)]
pub struct DocSetQuery {
    /// Per segment, its documents in increasing order.
    segments: Vec<(SegmentId, Vec<DocId>)>,
}

impl DocSetQuery {
    /// `docs` as addresses in `searcher`.
    pub fn new(searcher: &Searcher, docs: &[DocAddress]) -> DocSetQuery {
        let mut segments: Vec<(SegmentId, Vec<DocId>)> = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mut ids: Vec<DocId> = docs.iter().filter(|a| a.segment_ord as usize == ord).map(|a| a.doc_id).collect();
            if !ids.is_empty() {
                ids.sort_unstable();
                ids.dedup();
                segments.push((reader.segment_id(), ids));
            }
        }
        DocSetQuery { segments }
    }
}

impl Query for DocSetQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for DocSetQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let ids = self.segments.iter().find(|(id, _)| *id == reader.segment_id()).map(|(_, d)| d.clone());
        Ok(Box::new(Listed { docs: ids.unwrap_or_default(), at: 0, score: boost }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let listed = self.segments.iter().any(|(id, d)| *id == reader.segment_id() && d.binary_search(&doc).is_ok());
        if listed {
            Ok(Explanation::new("a listed document", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!("Document #({doc}) is not listed")))
        }
    }
}

/// The listed documents of one segment, in increasing order; the current one at `at`.
struct Listed {
    docs: Vec<DocId>,
    at: usize,
    score: Score,
}

impl DocSet for Listed {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

impl Scorer for Listed {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    use crate::search::scorer_tests::{index_of, matches};

    #[test]
    fn a_listed_bonus_is_the_strict_query_bonus() {
        // Relaxed: word 0; strict: words 0 and 1 (every 7th document); in one segment or two.
        let docs: Vec<Vec<u8>> = (0..9_000u32).map(|i| if i % 7 == 0 { vec![0, 1] } else { vec![0, 2] }).collect();
        for split in [false, true] {
            let (index, field) = index_of(&docs, split);
            let term = |w: u8| -> Box<dyn Query> {
                Box::new(TermQuery::new(Term::from_field_text(field, &format!("w{w}")), IndexRecordOption::WithFreqs))
            };
            let strict = BooleanQuery::new(vec![(Occur::Must, term(0)), (Occur::Must, term(1))]);
            let listed: Vec<DocAddress> = matches(&index, &strict).into_iter().map(|(a, _)| a).collect();
            assert_eq!(listed.len(), 1286);
            let searcher = index.reader().expect("reader").searcher();
            let relaxed = |bonus: Box<dyn Query>| {
                BooleanQuery::new(vec![
                    (Occur::Must, term(0)),
                    (Occur::Should, Box::new(ConstScoreQuery::new(bonus, 1000.0)) as Box<dyn Query>),
                ])
            };
            let by_query = matches(&index, &relaxed(Box::new(strict.clone())));
            let by_list = matches(&index, &relaxed(Box::new(DocSetQuery::new(&searcher, &listed))));
            assert_eq!(by_query, by_list);
            assert_eq!(by_list.iter().filter(|(_, s)| *s > 1000.0).count(), listed.len());
        }
    }
}
