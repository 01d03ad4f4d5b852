//! Relevance evaluation: judged queries (the JSON format of `shared/eval/`) run through the same
//! search code as the API, scored with nDCG@10 (gain 2^grade − 1), recall@10 and the number of
//! queries without any result; related questions with nDCG@5.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::Result;
use super::perturb::Perturbation;
use super::request::{RawSearchParams, SearchRequest};
use crate::corpus::QuestionId;
use crate::index::Generation;

/// A filter value written as one string or a list.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// The filters of a judged query: the /api/search parameters of the same names.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgedFilters {
    district: Option<OneOrMany>,
    department: Option<OneOrMany>,
    topic: Option<OneOrMany>,
    lang: Option<OneOrMany>,
    from: Option<String>,
    to: Option<String>,
}

/// One judged query.
#[derive(Clone, Debug, Deserialize)]
pub struct JudgedQuery {
    /// Its id (`r-01`).
    pub qid: String,
    /// The text as typed.
    pub query: String,
    /// keyword, question, nodiacritics, typo, place, topic, filtered, abbrev, synonym, ...
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    filters: JudgedFilters,
    /// Relevant question ids with grades (2 answers the need, 1 useful).
    pub relevant: BTreeMap<String, u32>,
}

/// One judged related-questions seed.
#[derive(Clone, Debug, Deserialize)]
pub struct JudgedRelated {
    /// The seed question.
    pub id: String,
    /// Related ids with grades.
    pub related: BTreeMap<String, u32>,
}

/// The outcome of one query.
#[derive(Clone, Debug, Serialize)]
pub struct QueryResult {
    /// Query id.
    pub qid: String,
    /// Query type.
    pub kind: String,
    /// The text.
    pub query: String,
    /// nDCG at the cut-off.
    pub ndcg: f64,
    /// Recall at 10.
    pub recall: f64,
    /// Total hits.
    pub total: u64,
}

/// Averages of a group of queries.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Queries in the group.
    pub n: usize,
    /// Mean nDCG.
    pub ndcg: f64,
    /// Mean recall@10.
    pub recall: f64,
    /// Queries with no result.
    pub zero: usize,
}

/// nDCG@k of a ranking, with gain 2^grade − 1 and the ideal ranking of all judged documents.
pub fn ndcg(ranked: &[String], relevant: &BTreeMap<String, u32>, k: usize) -> f64 {
    let gain = |g: u32| f64::from((1u32 << g.min(16)) - 1);
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 =
        ranked.iter().take(k).enumerate().map(|(i, id)| gain(*relevant.get(id).unwrap_or(&0)) * discount(i)).sum();
    let mut ideal: Vec<u32> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, g)| gain(*g) * discount(i)).sum();
    if idcg == 0.0 {
        0.0
    } else {
        dcg / idcg
    }
}

/// Share of the judged documents (grade ≥ 1) found in the first `k`.
pub fn recall(ranked: &[String], relevant: &BTreeMap<String, u32>, k: usize) -> f64 {
    let wanted = relevant.values().filter(|g| **g > 0).count();
    if wanted == 0 {
        return 0.0;
    }
    let found = ranked.iter().take(k).filter(|id| relevant.get(*id).is_some_and(|g| *g > 0)).count();
    found as f64 / wanted as f64
}

/// Runs judged queries; each result is scored at 10.
pub fn run_queries(
    generation: &Generation,
    glossary: &super::Glossary,
    queries: &[JudgedQuery],
) -> Result<Vec<QueryResult>> {
    run_queries_with(generation, queries, |req| {
        let resp = super::search(generation, glossary, req)?;
        Ok((resp.hits.into_iter().map(|h| h.id).collect(), resp.total))
    })
}

/// Runs judged queries through `rank` (a page of 10 ids, best first, and the number of
/// matches): another backend's ranking measured the same way.
pub fn run_queries_with<E: From<super::SearchError>>(
    generation: &Generation,
    queries: &[JudgedQuery],
    mut rank: impl FnMut(&SearchRequest) -> std::result::Result<(Vec<String>, u64), E>,
) -> std::result::Result<Vec<QueryResult>, E> {
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let f = q.filters.clone();
        let raw = RawSearchParams {
            q: Some(q.query.clone()),
            district: f.district.map(OneOrMany::into_vec).unwrap_or_default(),
            department: f.department.map(OneOrMany::into_vec).unwrap_or_default(),
            topic: f.topic.map(OneOrMany::into_vec).unwrap_or_default(),
            lang: f.lang.map(OneOrMany::into_vec).unwrap_or_default(),
            from: f.from,
            to: f.to,
            limit: Some("10".into()),
            ..RawSearchParams::default()
        };
        // A bad filter in a judged file names the query it is on.
        let req = SearchRequest::parse(&raw, &generation.meta).map_err(|e| match e {
            super::SearchError::BadParameter { param, reason } => {
                super::SearchError::BadParameter { param, reason: format!("{reason} (judged query {})", q.qid) }
            }
            e => e,
        })?;
        let (ranked, total) = rank(&req)?;
        out.push(QueryResult {
            qid: q.qid.clone(),
            kind: q.kind.clone(),
            query: q.query.clone(),
            ndcg: ndcg(&ranked, &q.relevant, 10),
            recall: recall(&ranked, &q.relevant, 10),
            total,
        });
    }
    Ok(out)
}

/// Issue 14's baseline for a question typed as a sentence: OR BM25 over the same analysis. Any one
/// of the query's words is enough, and a question scores the BM25 sum of those it has (as the
/// relaxed query does: each word the best of its terms, lemmas and folded forms; common words
/// counted like the others); no glossary, no proximity, no bonus for most of the words, no meaning.
/// The request's filters apply. A page of 10 ids and the number of matches, for
/// [`run_queries_with`].
pub fn or_bm25(generation: &Generation, req: &SearchRequest) -> Result<(Vec<String>, u64)> {
    use tantivy::collector::{Count, TopDocs};
    let searcher = generation.searcher();
    let f = &generation.fields;
    let glossary = super::Glossary::default();
    let ast = super::query::parse(&req.q, &glossary);
    // Relaxed, the builder sets no common word apart: every word counts alike.
    let text = super::query::QueryBuilder::new(f, &glossary, Some(&searcher)).build(&ast, true);
    let query = super::FilterQueries::new(f, &req.filters).apply(text.as_ref(), &[]);
    let (top, total) = searcher.search(query.as_ref(), &(TopDocs::with_limit(10).order_by_score(), Count))?;
    let ids =
        top.into_iter().map(|(_, addr)| super::load_record(&searcher, f, addr).map(|r| r.id)).collect::<Result<_>>()?;
    Ok((ids, total as u64))
}

/// Runs judged related-question seeds; each scored with nDCG@5.
pub fn run_related(
    generation: &Generation,
    glossary: &super::Glossary,
    seeds: &[JudgedRelated],
) -> Result<Vec<QueryResult>> {
    run_related_with(seeds, |id, limit| super::related::related_to_question(generation, glossary, id, limit))
}

/// Runs judged related-question seeds through `related` (a seed's id and how many to return):
/// another backend's related questions measured the same way.
pub fn run_related_with(
    seeds: &[JudgedRelated],
    mut related: impl FnMut(&QuestionId, usize) -> Result<Vec<super::RelatedHit>>,
) -> Result<Vec<QueryResult>> {
    let mut out = Vec::with_capacity(seeds.len());
    for s in seeds {
        let id: QuestionId =
            s.id.parse().map_err(|e: String| super::SearchError::BadParameter { param: "id", reason: e })?;
        let hits = related(&id, 5)?;
        let ranked: Vec<String> = hits.into_iter().map(|h| h.id).collect();
        out.push(QueryResult {
            qid: s.id.clone(),
            kind: "related".into(),
            query: s.id.clone(),
            ndcg: ndcg(&ranked, &s.related, 5),
            recall: recall(&ranked, &s.related, 5),
            total: ranked.len() as u64,
        });
    }
    Ok(out)
}

/// Each query (those in other languages left out: a slip or a missing mark is measured on Polish)
/// replaced by `n` rewritings of the `kind` (see [`super::perturb`]), with its judgments; ids
/// `<qid>~<k>`. Seeded per query id, so a query's rewritings do not depend on the rest of the set.
pub fn perturbed(queries: &[JudgedQuery], kind: Perturbation, n: usize, seed: u64) -> Vec<JudgedQuery> {
    let mut out = Vec::new();
    for q in queries.iter().filter(|q| q.kind != "other_language") {
        let hash = blake3::hash(q.qid.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        let query_seed = seed ^ u64::from_le_bytes(first);
        for (i, text) in super::perturb::variants(&q.query, kind, n, query_seed).into_iter().enumerate() {
            out.push(JudgedQuery { qid: format!("{}~{}", q.qid, i + 1), query: text, ..q.clone() });
        }
    }
    out
}

/// Averages per type (sorted by name) and over all, in that order; the last row is "all".
pub fn summarize(results: &[QueryResult]) -> Vec<(String, Summary)> {
    let mut groups: BTreeMap<String, Vec<&QueryResult>> = BTreeMap::new();
    for r in results {
        groups.entry(r.kind.clone()).or_default().push(r);
    }
    let avg = |rs: &[&QueryResult]| Summary {
        n: rs.len(),
        ndcg: rs.iter().map(|r| r.ndcg).sum::<f64>() / rs.len().max(1) as f64,
        recall: rs.iter().map(|r| r.recall).sum::<f64>() / rs.len().max(1) as f64,
        zero: rs.iter().filter(|r| r.total == 0).count(),
    };
    let mut out: Vec<(String, Summary)> = groups.iter().map(|(k, rs)| (k.clone(), avg(rs))).collect();
    let all: Vec<&QueryResult> = results.iter().collect();
    out.push(("all".into(), avg(&all)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_drops_otherwise() {
        let rel = judged(&[("a", 2), ("b", 1)]);
        assert!((ndcg(&ids(&["a", "b", "x"]), &rel, 10) - 1.0).abs() < 1e-9);
        let swapped = ndcg(&ids(&["b", "a"]), &rel, 10);
        // DCG = 1/log2(2) + 3/log2(3); IDCG = 3 + 1/log2(3).
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((swapped - expected).abs() < 1e-9, "{swapped} vs {expected}");
        assert_eq!(ndcg(&ids(&["x"]), &rel, 10), 0.0);
        assert_eq!(ndcg(&ids(&["x", "a"]), &rel, 1), 0.0, "cut at k");
    }

    #[test]
    fn recall_counts_judged_documents_in_the_cut() {
        let rel = judged(&[("a", 2), ("b", 1), ("c", 1), ("d", 0)]);
        assert!((recall(&ids(&["a", "x", "c"]), &rel, 10) - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(recall(&ids(&["x", "a"]), &rel, 1), 0.0);
    }

    #[test]
    fn filters_accept_one_value_or_a_list() {
        let q: JudgedQuery = serde_json::from_str(
            r#"{"qid":"x","query":"q","type":"filtered","filters":{"district":"Cały Kraków","topic":["a","b"],"from":"2025-01-01"},"relevant":{}}"#,
        )
        .unwrap();
        assert_eq!(q.filters.district.unwrap().into_vec(), vec!["Cały Kraków"]);
        assert_eq!(q.filters.topic.unwrap().into_vec().len(), 2);
    }
}
