//! Facets counted without their own filter, in the same pass as the page.
//!
//! A journalist who filters by district still sees how many matches every other district has: a
//! facet is counted over the query without its own filter (see `FilterQueries` in the parent
//! module). Counted as a second pass over the query, that pass reads every match of the words
//! again; at a million questions it doubled a filtered search. Here the words' matches are read
//! once, and each facet's filter is a document set sought at each match (as Elasticsearch's
//! `post_filter` keeps aggregations apart from the hits): a match that every filter keeps goes
//! to the page, the total and every facet; one that exactly one filter drops is counted only in
//! that filter's own facet; the rest are passed over.
//!
//! The words' scorer scores every match it reads whether the page takes it or not (the at-least
//! scorer sums its clauses as it fills a window), so a match that a filter drops costs no more
//! here than it did in the second pass. A date range is read from the date's fast field at each
//! match: seeking tantivy's range listing match by match cost more than the second pass it saved.

use std::ops::{Bound, RangeBounds};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::schema::Schema;
use tantivy::{DateTime, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::facet_count::{FacetCounter, FacetFruit, SegmentFacetCounter};

/// A filter checked at each match.
pub(crate) enum Filter<'a> {
    /// The documents of a query.
    Query(&'a dyn Query),
    /// The documents whose date (a fast field) lies in a range.
    Dates { field: &'static str, from: Bound<DateTime>, to: Bound<DateTime> },
}

/// [`Filter`] ready for any segment.
enum FilterWeight {
    Query(Box<dyn Weight>),
    Dates { field: &'static str, from: Bound<DateTime>, to: Bound<DateTime> },
}

impl FilterWeight {
    fn for_segment(&self, reader: &SegmentReader) -> tantivy::Result<SegmentFilter> {
        Ok(match self {
            FilterWeight::Query(w) => SegmentFilter::Docs(w.scorer(reader, 1.0)?),
            // A segment without dates has none in range, as a range query would find.
            FilterWeight::Dates { field, from, to } => match reader.fast_fields().column_opt::<DateTime>(field)? {
                Some(column) => SegmentFilter::Dates { column, from: *from, to: *to },
                None => SegmentFilter::Nothing,
            },
        })
    }
}

/// [`Filter`] on one segment.
enum SegmentFilter {
    Docs(Box<dyn Scorer>),
    Dates { column: Column<DateTime>, from: Bound<DateTime>, to: Bound<DateTime> },
    Nothing,
}

impl SegmentFilter {
    /// Whether the filter keeps `doc`; asked in document order.
    fn holds(&mut self, doc: DocId) -> bool {
        match self {
            SegmentFilter::Docs(set) => {
                let at = set.doc();
                let at = if at < doc { set.seek(doc) } else { at };
                // TERMINATED is never a document.
                at == doc
            }
            SegmentFilter::Dates { column, from, to } => column.values_for_doc(doc).any(|d| (*from, *to).contains(&d)),
            SegmentFilter::Nothing => false,
        }
    }
}

/// `inner` over the matches that every filter keeps, and per filter a facet counter over the
/// matches that only that filter drops.
pub(crate) struct PostFiltered<C> {
    inner: C,
    filters: Vec<FilterWeight>,
    /// One per filter: its facet, counted over the matches that it alone drops.
    dropped_by: Vec<FacetCounter>,
}

impl<C: Collector> PostFiltered<C> {
    /// Each filter with the counter of its facet.
    pub(crate) fn new(
        searcher: &Searcher,
        inner: C,
        filters: Vec<(Filter<'_>, FacetCounter)>,
    ) -> tantivy::Result<PostFiltered<C>> {
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let mut weights = Vec::with_capacity(filters.len());
        let mut dropped_by = Vec::with_capacity(filters.len());
        for (filter, counter) in filters {
            weights.push(match filter {
                Filter::Query(q) => FilterWeight::Query(q.weight(unscored)?),
                Filter::Dates { field, from, to } => FilterWeight::Dates { field, from, to },
            });
            dropped_by.push(counter);
        }
        Ok(PostFiltered { inner, filters: weights, dropped_by })
    }
}

impl<C: Collector> Collector for PostFiltered<C> {
    /// The inner fruit, and per filter the counts of the matches that it alone drops.
    type Fruit = (C::Fruit, Vec<FacetFruit>);
    type Child = PostFilteredSegment<C::Child>;

    fn for_segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(PostFilteredSegment {
            inner: self.inner.for_segment(ord, reader)?,
            filters: self.filters.iter().map(|w| w.for_segment(reader)).collect::<tantivy::Result<_>>()?,
            dropped_by: self.dropped_by.iter().map(|c| c.for_segment(ord, reader)).collect::<tantivy::Result<_>>()?,
        })
    }

    fn check_schema(&self, schema: &Schema) -> tantivy::Result<()> {
        self.inner.check_schema(schema)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<<Self::Child as SegmentCollector>::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut inner = Vec::with_capacity(fruits.len());
        let mut dropped: Vec<Vec<FacetFruit>> = vec![Vec::with_capacity(fruits.len()); self.dropped_by.len()];
        for (fruit, counts) in fruits {
            inner.push(fruit);
            for (into, c) in dropped.iter_mut().zip(counts) {
                into.push(c);
            }
        }
        let dropped =
            self.dropped_by.iter().zip(dropped).map(|(c, f)| c.merge_fruits(f)).collect::<tantivy::Result<_>>()?;
        Ok((self.inner.merge_fruits(inner)?, dropped))
    }
}

/// [`PostFiltered`] on one segment.
pub(crate) struct PostFilteredSegment<S> {
    inner: S,
    filters: Vec<SegmentFilter>,
    dropped_by: Vec<SegmentFacetCounter>,
}

impl<S: SegmentCollector> SegmentCollector for PostFilteredSegment<S> {
    type Fruit = (S::Fruit, Vec<FacetFruit>);

    fn collect(&mut self, doc: DocId, score: Score) {
        let mut dropped = None;
        for (i, filter) in self.filters.iter_mut().enumerate() {
            if !filter.holds(doc) {
                if dropped.is_some() {
                    // Two filters drop it: no facet counts it.
                    return;
                }
                dropped = Some(i);
            }
        }
        match dropped {
            None => self.inner.collect(doc, score),
            Some(i) => self.dropped_by[i].collect(doc, score),
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.inner.harvest(), self.dropped_by.into_iter().map(SegmentCollector::harvest).collect())
    }
}
