//! Everything a search matches, not one page: counts over time (histogram) and the matching
//! questions themselves, in order, for exports and feeds.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::{DocAddress, Order, Searcher};

use super::error::Result;
use super::request::{SearchRequest, Sort};
use super::{fuse_head, load_record, prepare, rank, rerank_by_proximity, Glossary};
use crate::index::{schema, Generation, Record};

/// Histogram bucket width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    /// `2024-06`.
    Month,
    /// `2024`.
    Year,
}

impl Interval {
    /// Every width, as the API accepts them.
    pub const ALL: [Interval; 2] = [Interval::Month, Interval::Year];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }
}

/// One bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    /// `YYYY` or `YYYY-MM`.
    pub key: String,
    /// Matching questions.
    pub count: u64,
}

/// The body of `/api/histogram`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Histogram {
    /// `month` or `year`.
    pub interval: &'static str,
    /// Matches of the search (the buckets add up to it).
    pub total: u64,
    /// Non-empty buckets in time order.
    pub buckets: Vec<Bucket>,
}

/// Counts of a search's matches per month or year of the meeting.
pub fn histogram(
    generation: &Generation,
    glossary: &Glossary,
    req: &SearchRequest,
    interval: Interval,
) -> Result<Histogram> {
    let p = prepare(generation, glossary, req, false)?;
    // Each match's month counted once, in one pass, from the facet values read per generation
    // (`facet_count`); years are the sums of their months.
    let ords = super::facet_ords(generation)?;
    let months = super::parallel::search(&p.searcher, p.full.as_ref(), &ords.counter_by_path(&[schema::YEAR_MONTH]))?;
    let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for (path, n) in months.into_iter().flatten() {
        let key = match interval {
            Interval::Year => path.split('-').next().unwrap_or_default().to_string(),
            Interval::Month if path.contains('-') => path,
            // A value without a month (none is written so) is no month's.
            Interval::Month => continue,
        };
        *counts.entry(key).or_default() += n;
    }
    let mut buckets: Vec<Bucket> = counts.into_iter().map(|(key, count)| Bucket { key, count }).collect();
    buckets.retain(|b| b.count > 0);
    buckets.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Histogram { interval: interval.as_str(), total: p.total, buckets })
}

/// Every question a search matches, in the request's order (relevance, or by date), without the
/// page limit.
pub struct Matches {
    searcher: Searcher,
    fields: crate::index::Fields,
    docs: Vec<DocAddress>,
}

impl Matches {
    /// Runs the search.
    pub fn collect(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> Result<Matches> {
        let p = prepare(generation, glossary, req, req.sort == Sort::Relevance)?;
        let docs: Vec<DocAddress> = match req.sort {
            Sort::Relevance => {
                // The same order as the pages of /api/search: the first window by the bonus.
                let top = super::prune::TopHits::exact(p.total.max(1) as usize);
                let (_, mut hits) = super::parallel::search(&p.searcher, p.full.as_ref(), &top)?;
                if let Some(near) = &p.near {
                    let window = hits.len().min(rank::PROXIMITY_WINDOW);
                    rerank_by_proximity(&p.searcher, near, &mut hits[..window])?;
                }
                if let Some((dense, joined)) = &p.dense {
                    hits = fuse_head(generation, hits, dense, joined);
                }
                hits.into_iter().map(|(_, a)| a).collect()
            }
            Sort::DateDesc | Sort::DateAsc => {
                let (key, order) = match req.sort {
                    Sort::DateAsc => (schema::SORT_ASC, Order::Asc),
                    _ => (schema::SORT_DESC, Order::Desc),
                };
                let by_date = TopDocs::with_limit(p.total.max(1) as usize).order_by_fast_field::<u64>(key, order);
                super::parallel::search(&p.searcher, p.full.as_ref(), &by_date)?.into_iter().map(|(_, a)| a).collect()
            }
        };
        Ok(Matches { searcher: p.searcher, fields: generation.fields, docs })
    }

    /// Number of matches.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing matched.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The records of the questions with these ids that are among the matches, in the ids' order.
    pub fn records_of<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Result<Vec<Record>> {
        use tantivy::query::TermQuery;
        use tantivy::schema::IndexRecordOption;
        use tantivy::Term;
        let matched: std::collections::HashSet<DocAddress> = self.docs.iter().copied().collect();
        let mut out = Vec::new();
        for id in ids {
            let q = TermQuery::new(Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
            let found = self.searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
            if let Some((_, addr)) = found.first().filter(|(_, a)| matched.contains(a)) {
                out.push(load_record(&self.searcher, &self.fields, *addr)?);
            }
        }
        Ok(out)
    }

    /// The stored records, in order, read lazily (an export streams them).
    pub fn records(&self) -> impl Iterator<Item = Result<Record>> + '_ {
        self.docs.iter().map(|a| load_record(&self.searcher, &self.fields, *a))
    }
}
