//! Requests → ranked results, facet counts and snippets, over one index generation.
//!
//! Synchronous and free of HTTP: the server runs it on a blocking thread, the CLI calls it
//! directly, and both get the same [`SearchResponse`].

pub mod at_least;
pub mod backend;
pub mod best_of;
pub mod dense;
pub mod doc_set;
pub mod error;
pub mod eval;
pub mod export;
pub mod facet_count;
pub mod fuzzy;
pub mod glossary;
pub(crate) mod parallel;
pub mod perturb;
pub mod phrase;
mod post_filter;
pub mod prune;
pub mod query;
pub mod rank;
pub mod related;
pub mod request;
pub mod response;
#[cfg(test)]
mod scorer_tests;
pub mod snippet;
pub mod suggest;
pub mod term;
pub mod translate;

use std::ops::Bound;
use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

pub use backend::{Backend, MatchList, Retrieval};
use best_of::Probe;
pub use error::{Result, SearchError};
use facet_count::FacetOrds;
pub use glossary::Glossary;
use query::Proximity;
pub use related::{related_to_question, related_to_text, RelatedHit, MAX_RELATED};
pub use request::{Filters, RawSearchParams, SearchRequest, Sort};
pub use response::{FacetCount, Facets, Hit, QuestionResponse, SearchResponse, SYNTHETIC_NOTICE};

use crate::corpus::QuestionId;
use crate::index::{date_value, schema, Fields, Generation, Record};

/// The facet fields, each with the filter that belongs to it (left out when counting it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FacetField {
    District,
    Department,
    Topic,
    Year,
}

const FACET_FIELDS: [FacetField; 4] =
    [FacetField::District, FacetField::Department, FacetField::Topic, FacetField::Year];

impl FacetField {
    fn field_name(self) -> &'static str {
        match self {
            FacetField::District => schema::DISTRICT,
            FacetField::Department => schema::DEPARTMENT,
            FacetField::Topic => schema::TOPIC,
            FacetField::Year => schema::YEAR_MONTH,
        }
    }
}

/// The filter clauses of a request, kept apart per facet so each facet can be counted without
/// its own filter.
struct FilterQueries {
    district: Option<Box<dyn Query>>,
    department: Option<Box<dyn Query>>,
    topic: Option<Box<dyn Query>>,
    date: Option<Box<dyn Query>>,
    /// The date filter's bounds, for checking a match's date in the fast field.
    dates: (Bound<tantivy::DateTime>, Bound<tantivy::DateTime>),
    lang: Option<Box<dyn Query>>,
    meeting: Option<Box<dyn Query>>,
}

impl FilterQueries {
    fn new(f: &Fields, filters: &Filters) -> FilterQueries {
        let facet_any = |field: Field, values: Vec<&str>| -> Option<Box<dyn Query>> {
            any_term(values.into_iter().map(|v| Term::from_facet(field, &Facet::from_path([v]))).collect())
        };
        let bound = |d: Option<time::Date>| d.map_or(Bound::Unbounded, |d| Bound::Included(date_value(d)));
        let dates = (bound(filters.from), bound(filters.to));
        let date = (filters.from.is_some() || filters.to.is_some()).then(|| {
            let term = |b: Bound<tantivy::DateTime>| b.map(|d| Term::from_field_date_for_search(f.date, d));
            Box::new(RangeQuery::new(term(dates.0), term(dates.1))) as Box<dyn Query>
        });
        // A filter selects and never scores: the same page whether it is applied in the query or
        // checked per match (see `post_filter`), and a rarer district of several asked for gives
        // its questions no lift.
        let unscored = |q: Option<Box<dyn Query>>| q.map(|q| Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>);
        FilterQueries {
            district: unscored(facet_any(f.district, filters.districts.iter().map(|d| d.as_str()).collect())),
            department: unscored(facet_any(f.department, filters.departments.iter().map(String::as_str).collect())),
            topic: unscored(facet_any(f.topic, filters.topics.iter().map(String::as_str).collect())),
            date: unscored(date),
            dates,
            lang: unscored(any_term(filters.langs.iter().map(|l| Term::from_field_text(f.lang, l)).collect())),
            meeting: unscored(any_term(filters.meetings.iter().map(|m| Term::from_field_text(f.meeting, m)).collect())),
        }
    }

    fn own(&self, facet: FacetField) -> Option<&dyn Query> {
        match facet {
            FacetField::District => self.district.as_deref(),
            FacetField::Department => self.department.as_deref(),
            FacetField::Topic => self.topic.as_deref(),
            FacetField::Year => self.date.as_deref(),
        }
    }

    /// The filter of `facet`, as checked at each match (see `post_filter`).
    fn post_filter(&self, facet: FacetField) -> Option<post_filter::Filter<'_>> {
        match facet {
            FacetField::Year => self.date.as_ref().map(|_| post_filter::Filter::Dates {
                field: schema::DATE,
                from: self.dates.0,
                to: self.dates.1,
            }),
            _ => self.own(facet).map(post_filter::Filter::Query),
        }
    }

    /// `text` AND every filter except those of the facets in `except`.
    fn apply(&self, text: &dyn Query, except: &[FacetField]) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        let all = [
            (Some(FacetField::District), &self.district),
            (Some(FacetField::Department), &self.department),
            (Some(FacetField::Topic), &self.topic),
            (Some(FacetField::Year), &self.date),
            (None, &self.lang),
            (None, &self.meeting),
        ];
        for (facet, q) in all {
            if let Some(q) = q {
                if facet.is_none_or(|f| !except.contains(&f)) {
                    clauses.push((Occur::Must, q.box_clone()));
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

fn any_term(terms: Vec<Term>) -> Option<Box<dyn Query>> {
    if terms.is_empty() {
        return None;
    }
    let clauses = terms
        .into_iter()
        .map(|t| (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>))
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A request turned into its query (text and filters, relaxed when too few match) and its count.
pub(crate) struct Prepared {
    searcher: Searcher,
    full: Box<dyn Query>,
    total: u64,
    /// The proximity bonus (see [`rerank_by_proximity`]).
    near: Option<Proximity>,
    /// The query's side of dense retrieval and the questions that joined by meaning.
    dense: Option<(dense::QueryDense, Vec<DocAddress>)>,
}

/// Builds the queries of a request and counts its matches (relaxing a search that cannot fill a
/// page, see [`rank::RELAX_BELOW`], and letting questions near in meaning join, see [`dense`]);
/// with `proximity`, the bonus a relevance order needs.
pub(crate) fn prepare(
    generation: &Generation,
    glossary: &Glossary,
    req: &SearchRequest,
    proximity: bool,
) -> Result<Prepared> {
    let searcher = generation.searcher();
    let f = &generation.fields;
    let glossary = with_learned(generation, glossary);
    let glossary: &Glossary = &glossary;
    let ast = translate::into_polish(query::parse(&req.q, glossary), &req.q);
    let mut builder = query::QueryBuilder::new(f, glossary, Some(&searcher))
        .with_vocabulary(&generation.suggestions)
        .with_phrase_cache(phrase_cache(generation));
    let filters = FilterQueries::new(f, &req.filters);

    let mut text = builder.build(&ast, false);
    let mut total = searcher.search(filters.apply(text.as_ref(), &[]).as_ref(), &Count)? as u64;
    // As `ranked` does: common words counted again, then some of the words.
    if needs_relaxing(total, &ast) && builder.took_common_words_apart() {
        builder.keep_common_words();
        text = builder.build(&ast, false);
        total = searcher.search(filters.apply(text.as_ref(), &[]).as_ref(), &Count)? as u64;
    }
    if needs_relaxing(total, &ast) {
        text = relaxed(text, None, &ast, &mut builder);
        total = searcher.search(filters.apply(text.as_ref(), &[]).as_ref(), &Count)? as u64;
    }
    let near = if proximity { builder.proximity(&ast.should) } else { None };
    let words_known = !builder.met_unknown_words();
    drop(builder);
    let mut dense = query_dense(generation, req, &ast);
    if let Some(d) = dense.as_mut() {
        d.words_known = words_known;
    }
    let mut joined = Vec::new();
    if let Some(d) = &dense {
        if let Some((wider, j)) = join_by_meaning(&searcher, f, &filters, text.as_ref(), d, total)? {
            text = wider;
            joined = j;
            total = searcher.search(filters.apply(text.as_ref(), &[]).as_ref(), &Count)? as u64;
        }
    }
    let full = filters.apply(text.as_ref(), &[]);
    Ok(Prepared { searcher, full, total, near, dense: dense.map(|d| (d, joined)) })
}

/// The dense side of a request, where the model, the generation's vectors and the request allow.
fn query_dense(generation: &Generation, req: &SearchRequest, ast: &query::QueryAst) -> Option<dense::QueryDense> {
    (req.dense && ast.has_positive())
        .then(|| dense::QueryDense::of(generation, &translate::for_meaning(&req.q), ast.language))
        .flatten()
}

/// A text query widened by meaning, and the questions that joined it.
type Joined = (Box<dyn Query>, Vec<DocAddress>);

/// Where the words cannot serve the query (they find nothing, or the query is in another
/// language), the text query widened by the questions nearest in meaning, with those of them that
/// pass the filters; `None` where the words suffice.
fn join_by_meaning(
    searcher: &Searcher,
    f: &Fields,
    filters: &FilterQueries,
    text: &dyn Query,
    dense: &dense::QueryDense,
    total: u64,
) -> Result<Option<Joined>> {
    if !dense.foreign() && total > 0 {
        return Ok(None);
    }
    let Some(ids) = any_term(dense.additions().map(|id| Term::from_field_text(f.id, id)).collect()) else {
        return Ok(None);
    };
    let ids: Box<dyn Query> = Box::new(ConstScoreQuery::new(ids, 0.0));
    let top = TopDocs::with_limit(rank::DENSE_ADDED).order_by_score();
    let joined =
        searcher.search(filters.apply(ids.as_ref(), &[]).as_ref(), &top)?.into_iter().map(|(_, a)| a).collect();
    let wider = Box::new(BooleanQuery::new(vec![(Occur::Should, text.box_clone()), (Occur::Should, ids)]));
    Ok(Some((wider, joined)))
}

/// Puts the first [`rank::PROXIMITY_WINDOW`] of `hits` (in score order) in fused order, with the
/// questions that joined by meaning among them. The order by meaning is that of the query moved
/// towards the meaning of the question the first fusion puts first (pseudo-relevance feedback).
fn fuse_head(
    generation: &Generation,
    hits: Vec<(f32, DocAddress)>,
    dense: &dense::QueryDense,
    joined: &[DocAddress],
) -> Vec<(f32, DocAddress)> {
    let mut head: Vec<(f32, DocAddress)> = hits.iter().take(rank::PROXIMITY_WINDOW).copied().collect();
    for a in joined {
        if !head.iter().any(|(_, h)| h == a) {
            head.push((0.0, *a));
        }
    }
    let by_words = head.clone();
    dense.fuse(&mut head);
    let best = head.first().map(|&(_, a)| a);
    if let Some(again) = best.and_then(|best| dense.with_feedback(generation, best)) {
        head = by_words;
        again.fuse(&mut head);
    }
    let in_head: std::collections::HashSet<DocAddress> = head.iter().map(|(_, a)| *a).collect();
    let rest = hits.into_iter().skip(rank::PROXIMITY_WINDOW).filter(|(_, a)| !in_head.contains(a));
    head.into_iter().chain(rest).collect()
}

/// Whether too few questions have most of the words to fill a page.
fn needs_relaxing(total: u64, ast: &query::QueryAst) -> bool {
    total < rank::RELAX_BELOW && ast.should.len() > 1
}

/// The relaxed form of `strict`: questions with some of the words, after those with most. With
/// `known`, every match of `strict` (where the search asks) in `searcher`: the bonus goes to
/// those without asking `strict` again (see `doc_set`).
fn relaxed(
    strict: Box<dyn Query>,
    known: Option<(&Searcher, Vec<DocAddress>)>,
    ast: &query::QueryAst,
    builder: &mut query::QueryBuilder,
) -> Box<dyn Query> {
    let strict: Box<dyn Query> = match known {
        Some((searcher, docs)) => Box::new(doc_set::DocSetQuery::new(searcher, &docs)),
        None => strict,
    };
    let strict = ConstScoreQuery::new(strict, rank::STRICT_MATCH_BONUS);
    let relaxed = builder.build(ast, true);
    Box::new(BooleanQuery::new(vec![(Occur::Must, relaxed), (Occur::Should, Box::new(strict))]))
}

/// The ranked part of a search: the text query finally used, the total, the page, the counts of
/// the facets (when the request asks for them), and whether the query was relaxed to fill the page.
pub(crate) struct Ranked {
    searcher: Searcher,
    text: Box<dyn Query>,
    total: u64,
    /// False where the page was pruned: `total` is then the matches seen, a lower bound.
    total_is_exact: bool,
    page: Vec<(f32, DocAddress)>,
    facets: Facets,
    partial_match: bool,
    /// The words found nothing: every match joined by meaning.
    meaning_only: bool,
}

/// Ranks `req`: the total, the page and the facets of the strict query are gathered in one pass;
/// a second pass only when the query must be relaxed to fill a page.
pub(crate) fn ranked(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> Result<Ranked> {
    let searcher = generation.searcher();
    let f = &generation.fields;
    let glossary = with_learned(generation, glossary);
    let glossary: &Glossary = &glossary;
    let ast = translate::into_polish(query::parse(&req.q, glossary), &req.q);
    let mut builder = query::QueryBuilder::new(f, glossary, Some(&searcher))
        .with_vocabulary(&generation.suggestions)
        .with_phrase_cache(phrase_cache(generation));
    let filters = FilterQueries::new(f, &req.filters);
    // Browsing everything: the facets are those of the whole generation, counted once.
    let everything = req.facets && req.q.is_empty() && req.filters == Filters::default();
    let known: Option<Arc<Facets>> = if everything { generation.derived.get::<Facets>() } else { None };
    // The facets are counted in the same pass as the total and the page; each one that has a
    // filter of its own without it (see `post_filter`).
    let counted: Vec<FacetField> = if req.facets && known.is_none() { FACET_FIELDS.to_vec() } else { Vec::new() };
    let pass = Pass { filters: &filters, facets: &counted };

    // By relevance, the best PROXIMITY_WINDOW are reordered by the bonus, then the page is cut.
    let near = match req.sort {
        Sort::Relevance if req.offset < rank::PROXIMITY_WINDOW => builder.proximity(&ast.should),
        _ => None,
    };
    // And by meaning, where the model is installed (see `dense`).
    let mut dense = query_dense(generation, req, &ast);
    // Every page of a relevance order comes from the same fused list (a question that joined by
    // meaning stands in its head, on whatever page is asked).
    let fused = dense.is_some() && req.sort == Sort::Relevance;
    let window = (near.is_some() || fused).then(|| (req.offset + req.limit).max(rank::PROXIMITY_WINDOW));
    // The page alone, by relevance, without a filter or a required word (whose scores the
    // words' bounds do not cover), where the total may stop being exact: the strict query's
    // page is pruned (see `prune`). A foreign query is widened by meaning whatever its total,
    // and searched again in full; so it is not pruned.
    let pruning = req
        .track_total_hits
        .filter(|_| {
            req.sort == Sort::Relevance
                && !req.facets
                && req.filters == Filters::default()
                && ast.must.is_empty()
                && !dense.as_ref().is_some_and(|d| d.foreign())
        })
        .map(|n| Arc::new(prune::Pruning::new(n.max(rank::RELAX_BELOW), block_maxes(generation))));
    if let Some(p) = &pruning {
        builder = builder.with_pruning(Arc::clone(p));
    }
    let mut text = builder.build(&ast, false);
    let ords = if counted.is_empty() { None } else { Some(facet_ords(generation)?) };
    let mut collected = match &pruning {
        Some(p) => collect_pruned(&searcher, filters.apply(text.as_ref(), &[]).as_ref(), req, window, p)?,
        None => collect(&searcher, &pass, text.as_ref(), req, window, ords.as_ref())?,
    };
    if needs_relaxing(collected.total, &ast) && builder.took_common_words_apart() {
        // Too few questions have most of the words that select: most of all the words, as
        // before common words were set apart, then (below) some of them.
        builder.keep_common_words();
        text = builder.build(&ast, false);
        collected = collect(&searcher, &pass, text.as_ref(), req, window, ords.as_ref())?;
    }
    let mut partial_match = false;
    if needs_relaxing(collected.total, &ast) {
        // The page holds every strict match when it holds as many as there are.
        let known = (collected.page.len() as u64 == collected.total)
            .then(|| (&searcher, collected.page.iter().map(|&(_, a)| a).collect()));
        text = relaxed(text, known, &ast, &mut builder);
        let wider = collect(&searcher, &pass, text.as_ref(), req, window, ords.as_ref())?;
        partial_match = wider.total > collected.total;
        collected = wider;
    }
    if let Some(d) = dense.as_mut() {
        d.words_known = !builder.met_unknown_words();
    }
    drop(builder);
    let mut joined: Vec<DocAddress> = Vec::new();
    let mut meaning_only = false;
    if let Some(d) = &dense {
        if let Some((wider_text, j)) = join_by_meaning(&searcher, f, &filters, text.as_ref(), d, collected.total)? {
            text = wider_text;
            joined = j;
            let wider = collect(&searcher, &pass, text.as_ref(), req, window, ords.as_ref())?;
            partial_match |= wider.total > collected.total;
            meaning_only = collected.total == 0 && wider.total > 0;
            collected = wider;
        }
    }
    let Collected { total, mut page, facets: counted, exact: total_is_exact } = collected;
    if let Some(near) = &near {
        let head = page.len().min(rank::PROXIMITY_WINDOW);
        rerank_by_proximity(&searcher, near, &mut page[..head])?;
    }
    if let Some(d) = dense.as_ref().filter(|_| fused) {
        page = fuse_head(generation, page, d, &joined);
    }
    if window.is_some() {
        page = page.into_iter().skip(req.offset).take(req.limit).collect();
    }
    let mut facets = Facets::default();
    for (facet, counts) in counted {
        match facet {
            FacetField::District => facets.district = counts,
            FacetField::Department => facets.department = counts,
            FacetField::Topic => facets.topic = counts,
            FacetField::Year => facets.year = counts,
        }
    }
    match known {
        Some(known) => facets = (*known).clone(),
        None if everything => {
            generation.derived.set(facets.clone());
        }
        None => {}
    }
    Ok(Ranked { searcher, text, total, total_is_exact, page, facets, partial_match, meaning_only })
}

/// Runs a search on a generation, with the glossary's alternatives.
pub fn search(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> Result<SearchResponse> {
    let started = Instant::now();
    let f = &generation.fields;
    let Ranked { searcher, text, total, total_is_exact, page, facets, partial_match, meaning_only } =
        ranked(generation, glossary, req)?;
    // The generators look up every query term's statistics: only for a page that shows snippets.
    let mut snippets = if req.snippets && !page.is_empty() {
        let snippets = snippet::Snippets::new(&searcher, text.as_ref(), f.body, f.body_ascii)?;
        let addrs: Vec<DocAddress> = page.iter().map(|&(_, addr)| addr).collect();
        let matches = snippets.matches(&searcher, &addrs)?;
        Some((snippets, matches))
    } else {
        None
    };
    let mut hits = Vec::with_capacity(page.len());
    for (i, (score, addr)) in page.into_iter().enumerate() {
        let rec = load_record(&searcher, f, addr)?;
        let (question_snippet, answer_snippet) = match &mut snippets {
            Some((snippets, matches)) => snippets.for_record(&rec, &matches[i]),
            None => (String::new(), String::new()),
        };
        hits.push(Hit::of(rec, score, question_snippet, answer_snippet));
    }
    let notice = hits.iter().any(|h| h.source == "synthetic").then(|| SYNTHETIC_NOTICE.to_string());
    let took_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    Ok(SearchResponse {
        query: req.q.clone(),
        total,
        total_is_exact,
        took_ms,
        hits,
        facets,
        partial_match,
        meaning_only,
        notice,
    })
}

/// What one pass over the matches gathers.
struct Collected {
    total: u64,
    /// The requested page, as (score, address); the score is 0 when sorting by date.
    page: Vec<(f32, DocAddress)>,
    facets: Vec<(FacetField, Vec<FacetCount>)>,
    /// Whether `total` counts every match.
    exact: bool,
}

/// What a pass over a text query applies and counts besides the page.
struct Pass<'a> {
    filters: &'a FilterQueries,
    /// The facets to count (each without its own filter).
    facets: &'a [FacetField],
}

/// The total, the requested page (or the first `window` hits) and the counts of the pass's
/// facets, in one pass over the matches of `text` and the filters.
fn collect(
    searcher: &Searcher,
    pass: &Pass<'_>,
    text: &dyn Query,
    req: &SearchRequest,
    window: Option<usize>,
    ords: Option<&Arc<FacetOrds>>,
) -> Result<Collected> {
    match req.sort {
        Sort::Relevance => {
            // Ties to the newer question, then in address order, whatever the segments (see
            // `prune::TopHits`).
            let skip = if window.is_some() { 0 } else { req.offset };
            let top = prune::TopHits::exact(window.unwrap_or(req.offset + req.limit));
            let page = move |(_, mut hits): (u64, Vec<(f32, DocAddress)>)| {
                hits.drain(..skip.min(hits.len()));
                hits
            };
            collect_with(searcher, pass, text, top, page, ords)
        }
        Sort::DateDesc | Sort::DateAsc => {
            let top = match window {
                Some(n) => TopDocs::with_limit(n),
                None => TopDocs::with_limit(req.limit).and_offset(req.offset),
            };
            let (key, order) = match req.sort {
                Sort::DateAsc => (schema::SORT_ASC, Order::Asc),
                _ => (schema::SORT_DESC, Order::Desc),
            };
            collect_with(searcher, pass, text, top.order_by_fast_field::<u64>(key, order), by_key, ords)
        }
    }
}

/// The best `window` (or the requested page) of `q` by relevance, pruned by `pruning`, and the
/// matches seen (see [`prune`]). The pass ends the pruning: any later pass over the same query
/// sees every match.
fn collect_pruned(
    searcher: &Searcher,
    q: &dyn Query,
    req: &SearchRequest,
    window: Option<usize>,
    pruning: &Arc<prune::Pruning>,
) -> Result<Collected> {
    let k = window.unwrap_or(req.offset + req.limit);
    let found = parallel::search(searcher, q, &prune::TopHits::new(k, Arc::clone(pruning)));
    pruning.finish();
    let (seen, mut page) = found?;
    if window.is_none() {
        page.drain(..req.offset.min(page.len()));
    }
    Ok(Collected { total: seen, page, facets: Vec::new(), exact: pruning.exact() })
}

fn collect_with<C>(
    searcher: &Searcher,
    pass: &Pass<'_>,
    text: &dyn Query,
    top: C,
    to_page: impl FnOnce(C::Fruit) -> Vec<(f32, DocAddress)>,
    ords: Option<&Arc<FacetOrds>>,
) -> Result<Collected>
where
    C: tantivy::collector::Collector + 'static,
{
    let facets = pass.facets;
    let counted = ords.filter(|_| !facets.is_empty());
    // Where the facets are counted, their own filters are checked per match (`post_filter`):
    // (place in `facets`, filter).
    let post: Vec<(usize, post_filter::Filter<'_>)> = match counted {
        Some(_) => {
            facets.iter().enumerate().filter_map(|(i, f)| pass.filters.post_filter(*f).map(|p| (i, p))).collect()
        }
        None => Vec::new(),
    };
    let filtered: Vec<FacetField> = post.iter().map(|(i, _)| facets[*i]).collect();
    let q = pass.filters.apply(text, &filtered);
    let q = q.as_ref();
    // Statically typed collectors: one call per match and collector, none through a vtable.
    match counted {
        Some(ords) if filtered.is_empty() => {
            let (total, page, counts) =
                parallel::search(searcher, q, &(Count, top, ords.counter(&field_names(facets))))?;
            Ok(Collected {
                total: total as u64,
                page: to_page(page),
                facets: sorted_facets(facets, counts),
                exact: true,
            })
        }
        Some(ords) => {
            let positions: Vec<usize> = post.iter().map(|(i, _)| *i).collect();
            let own = post.into_iter().map(|(i, p)| (p, ords.counter(&[facets[i].field_name()]))).collect();
            let inner = (Count, top, ords.counter(&field_names(facets)));
            let collector = post_filter::PostFiltered::new(searcher, inner, own)?;
            let ((total, page, mut counts), dropped) = parallel::search(searcher, q, &collector)?;
            for (at, mut extra) in positions.into_iter().zip(dropped) {
                // One count list per facet asked, so `at` always has one.
                if let (Some(into), Some(extra)) = (counts.get_mut(at), extra.pop()) {
                    add_counts(into, extra);
                }
            }
            Ok(Collected {
                total: total as u64,
                page: to_page(page),
                facets: sorted_facets(facets, counts),
                exact: true,
            })
        }
        None => {
            let (total, page) = parallel::search(searcher, q, &(Count, top))?;
            Ok(Collected { total: total as u64, page: to_page(page), facets: Vec::new(), exact: true })
        }
    }
}

/// Adds the proximity bonus to each of `hits` that has one, then puts `hits` back in score order
/// (ties as the collector ordered them: the newer question first, see `prune::TopHits`). Each of
/// the bonus's clauses is asked about these documents only (a `Probe` per segment and clause):
/// the phrases' positions are read for the hits and nothing else, where a union of the clauses
/// would read them ahead through a window of thousands of documents at each hit.
pub(crate) fn rerank_by_proximity(searcher: &Searcher, near: &Proximity, hits: &mut [(f32, DocAddress)]) -> Result<()> {
    let scoring = tantivy::query::EnableScoring::enabled_from_searcher(searcher);
    let weights = near.clauses.iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by_key(|&i| hits[i].1);
    let mut probes: Option<(u32, Vec<Probe>)> = None;
    for i in order {
        let DocAddress { segment_ord, doc_id } = hits[i].1;
        let current = match probes {
            Some((ord, ref mut p)) if ord == segment_ord => p,
            _ => {
                let reader = searcher.segment_reader(segment_ord);
                let p =
                    weights.iter().map(|w| Probe::new(w.as_ref(), reader, doc_id)).collect::<tantivy::Result<_>>()?;
                &mut probes.insert((segment_ord, p)).1
            }
        };
        // Summed in clause order from zero, as the clauses' union would.
        let mut bonus: Option<f32> = None;
        for p in current.iter_mut() {
            if let Some(score) = p.score_at(doc_id) {
                bonus = Some(bonus.unwrap_or(0.0) + score);
            }
        }
        if let Some(bonus) = bonus {
            hits[i].0 += bonus;
        }
    }
    // Stable: ties keep the collector's order.
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(())
}

fn by_key(docs: Vec<(Option<u64>, DocAddress)>) -> Vec<(f32, DocAddress)> {
    docs.into_iter().map(|(_, a)| (0.0, a)).collect()
}

/// `more`'s counts added to `into`'s, value by value.
fn add_counts(into: &mut Vec<(String, u64)>, more: Vec<(String, u64)>) {
    let mut sums: std::collections::HashMap<String, u64> = std::mem::take(into).into_iter().collect();
    for (value, n) in more {
        *sums.entry(value).or_default() += n;
    }
    *into = sums.into_iter().collect();
}

/// Computes now what a generation's first searches would otherwise wait for (each document's
/// facet values); a failure is only logged, since searches compute it again on need. The
/// glossary's phrases are matched on their first search instead: matching them all ahead would
/// read the positions of every name's words (~150 MB of the index's pages at 1M questions) for
/// the few names searched.
pub fn warm(generation: &Generation) {
    if let Err(e) = facet_ords(generation) {
        tracing::warn!(error = %e, "facet values not read ahead");
    }
}

/// The glossary with the abbreviations this generation's corpus spells out
/// (`GenerationMeta::abbreviations`) and the thesaurus's words it attests
/// (`Generation::thesaurus`), merged once per generation and version of the glossary.
pub fn with_learned(generation: &Generation, glossary: &Glossary) -> Arc<Glossary> {
    #[derive(Default)]
    struct Merged(std::sync::Mutex<Option<(u64, Arc<Glossary>)>>);
    let merged: Arc<Merged> = generation.derived.get().unwrap_or_else(|| generation.derived.set(Merged::default()));
    fn kept(m: &Merged) -> std::sync::MutexGuard<'_, Option<(u64, Arc<Glossary>)>> {
        m.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
    if let Some((fingerprint, g)) = kept(&merged).as_ref() {
        if *fingerprint == glossary.fingerprint() {
            return Arc::clone(g);
        }
    }
    // Merged outside the lock: searches of the glossary kept meanwhile do not wait for it.
    let g = Arc::new(glossary.with_learned(&generation.meta.abbreviations).with_thesaurus(&generation.thesaurus));
    *kept(&merged) = Some((glossary.fingerprint(), Arc::clone(&g)));
    g
}

/// The glossary's phrases matched so far in this generation (see [`phrase`]).
fn phrase_cache(generation: &Generation) -> Arc<phrase::PhraseCache> {
    generation.derived.get().unwrap_or_else(|| generation.derived.set(phrase::PhraseCache::default()))
}

/// The terms' block bounds computed so far in this generation (see [`prune`]).
fn block_maxes(generation: &Generation) -> Arc<prune::BlockMaxCache> {
    generation.derived.get().unwrap_or_else(|| generation.derived.set(prune::BlockMaxCache::default()))
}

/// Each document's facet values, read once per generation (see [`facet_count`]).
fn facet_ords(generation: &Generation) -> Result<Arc<FacetOrds>> {
    if let Some(ords) = generation.derived.get::<FacetOrds>() {
        return Ok(ords);
    }
    let names: Vec<&'static str> = FACET_FIELDS.iter().map(|f| f.field_name()).collect();
    let ords = FacetOrds::read(&generation.searcher(), &names)?;
    Ok(generation.derived.set(ords))
}

fn field_names(facets: &[FacetField]) -> Vec<&'static str> {
    facets.iter().map(|f| f.field_name()).collect()
}

/// The counts of each facet: most frequent first, except years, which come in time order.
fn sorted_facets(facets: &[FacetField], counts: facet_count::FacetFruit) -> Vec<(FacetField, Vec<FacetCount>)> {
    let mut out = Vec::with_capacity(facets.len());
    for (facet, counts) in facets.iter().zip(counts) {
        let mut values: Vec<FacetCount> =
            counts.into_iter().filter(|(_, n)| *n > 0).map(|(value, count)| FacetCount { value, count }).collect();
        if *facet == FacetField::Year {
            values.sort_by(|a, b| a.value.cmp(&b.value));
        } else {
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        out.push((*facet, values));
    }
    out
}

fn load_record(searcher: &Searcher, f: &Fields, addr: DocAddress) -> Result<Record> {
    let doc: TantivyDocument = searcher.doc(addr)?;
    let json = doc
        .get_first(f.record)
        .and_then(|v| v.as_str())
        .ok_or_else(|| SearchError::Record { id: format!("{addr:?}"), reason: "no stored record".into() })?;
    serde_json::from_str(json).map_err(|e| SearchError::Record { id: format!("{addr:?}"), reason: e.to_string() })
}

/// The whole question with this id.
pub fn question(generation: &Generation, id: &QuestionId) -> Result<QuestionResponse> {
    let searcher = generation.searcher();
    let f = &generation.fields;
    let q = TermQuery::new(Term::from_field_text(f.id, &id.to_string()), IndexRecordOption::Basic);
    let found = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, addr)) = found.first() else {
        return Err(SearchError::NotFound(id.to_string()));
    };
    Ok(QuestionResponse::of(load_record(&searcher, f, *addr)?))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::index::{BuildOptions, IndexHandle};
    use crate::progress::NoProgress;

    /// The bundled corpus indexed in a temporary directory (kept while the first value lives),
    /// and its glossary.
    fn bundled() -> (tempfile::TempDir, IndexHandle, Glossary) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("index");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        crate::index::build(&corpus, &dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        let handle = IndexHandle::open(&dir).expect("index opens");
        let glossary = Glossary::read(&corpus.join("glossary.txt")).expect("glossary");
        (tmp, handle, glossary)
    }

    /// Issue 14's baseline (`eval::or_bm25`) takes any one of the words: no question has both
    /// `skatepark` and `tramwaj`, and it finds every question with either, where the engine's
    /// own search of the same two words finds none with both and has to relax.
    #[test]
    fn the_or_baseline_takes_any_word() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let req = |q: &str| {
            let raw = RawSearchParams { q: Some(q.into()), ..RawSearchParams::default() };
            SearchRequest::parse(&raw, &generation.meta).expect("a request")
        };
        let or = |q: &str| eval::or_bm25(&generation, &req(q)).expect("OR BM25");
        let ((_, a), (_, b), (page, both)) = (or("skatepark"), or("tramwaj"), or("skatepark tramwaj"));
        assert!(a > 0 && b > 0, "{a} {b}");
        assert_eq!(both, a + b);
        assert_eq!(page.len(), 10);
        let engine = search(&generation, &glossary, &req("skatepark tramwaj")).expect("search");
        assert!(engine.partial_match);
    }

    /// A resident's words of several words that the glossary relates to other wording stay
    /// words: a question with both words apart is found as without the glossary, and an
    /// alternative adds to each word it stands for. As one phrase (before), the words found only
    /// questions writing them side by side, and "hałas samolotów" found nothing.
    #[test]
    fn related_wording_of_several_words_keeps_the_words_typed() {
        let (_tmp, handle, _) = bundled();
        let generation = handle.current();
        let search = |q: &str, glossary: &Glossary| {
            let req = by_words(&generation, q);
            let hits = super::search(&generation, glossary, &req).expect("search").hits;
            hits.into_iter().map(|h| h.id.to_string()).collect::<Vec<_>>()
        };
        let planes = "2024-06-24-bronowice-wielkie/10";
        let q = "hałas samolotów";
        let plain = search(q, &Glossary::default());
        let at = |hits: &[String]| hits.iter().position(|id| id == planes);
        assert!(at(&plain).is_some_and(|i| i < 3), "{plain:?}");
        // An alternative no question has changes nothing; one word of it is not read as a slip
        // for a word of the corpus either (`kanar` is one letter from `kanał`).
        for line in ["hałas samolotów ~ huk odrzutowców\n", "hałas samolotów ~ kanar\n"] {
            let nowhere = Glossary::parse(line).expect("glossary");
            assert_eq!(search(q, &nowhere), plain, "{line}");
        }
        // One a question has brings it in, below the questions with the words typed.
        let somewhere = Glossary::parse("hałas samolotów ~ warsztaty komputerowe\n").expect("glossary");
        let widened = search(q, &somewhere);
        assert!(at(&widened).is_some_and(|w| Some(w) <= at(&plain)), "{widened:?}");
        let workshops = search("\"warsztaty komputerowe\"", &Glossary::default());
        let workshop = workshops.first().expect("a question with computer workshops");
        assert!(!plain.contains(workshop) && widened.contains(workshop), "{workshop} in {widened:?}");

        // Over four words the other names weigh what one word typed weighs, not four times the
        // group's weight: a question with only another name does not come before those with
        // the words typed.
        let lorries = "zakaz ruchu pojazdów ciężarowych";
        let typed = search(lorries, &Glossary::default());
        let four = Glossary::parse("zakaz ruchu pojazdów ciężarowych ~ warsztaty komputerowe\n").expect("glossary");
        let widened = search(lorries, &four);
        assert_eq!(widened.first(), typed.first(), "{widened:?}");
        assert!(widened.contains(workshop), "{workshop} in {widened:?}");

        // A proper name stays one name: its words are not searched one by one.
        let office = "Urząd Miasta Krakowa";
        let proper = Glossary::parse("Urząd Miasta Krakowa ~ magistrat\n").expect("glossary");
        let total = |q: &str, glossary: &Glossary| {
            super::search(&generation, glossary, &by_words(&generation, q)).expect("search").total
        };
        assert_eq!(total(office, &proper), total("\"Urząd Miasta Krakowa\"", &Glossary::default()));
    }

    /// Related questions: a question that names what the seed names, in the glossary's groups,
    /// rises. "Upały w betonowym mieście" and "Beton i upał na Grzegórzkach" both name the heat
    /// and the concrete (`skwar ~ upał ~ …`, `betonoza ~ zabetonowanie ~ beton ~ …`), where the
    /// candidates that share other words with the seed (bathing in the Vistula, flooded cellars)
    /// name other things. A glossary none of whose names the texts use changes nothing.
    #[test]
    fn related_questions_rise_by_the_glossary_groups_they_share() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let seed: QuestionId = "2025-05-07-online/10".parse().expect("an id");
        let related = |glossary: &Glossary| -> Vec<String> {
            let hits = super::related_to_question(&generation, glossary, &seed, 20).expect("related");
            hits.into_iter().map(|h| h.id).collect()
        };
        let heat = "2024-09-10-grzegorzki/5";
        let at = |ids: &[String]| ids.iter().position(|id| id == heat).unwrap_or(usize::MAX);
        let (without, with) = (related(&Glossary::default()), related(&glossary));
        assert!(at(&with) < 5 && at(&with) < at(&without), "{with:?} against {without:?}");
        let elsewhere = Glossary::parse("huk odrzutowców ~ warsztaty garncarskie\n").expect("glossary");
        assert_eq!(related(&elsewhere), without);
    }

    /// A search of `q` by its words alone (no meaning), without facets or snippets.
    fn by_words(generation: &Generation, q: &str) -> SearchRequest {
        let raw = RawSearchParams {
            q: Some(q.to_string()),
            dense: Some("false".into()),
            facets: Some("false".into()),
            snippets: Some("false".into()),
            ..Default::default()
        };
        SearchRequest::parse(&raw, &generation.meta).expect("valid request")
    }

    /// The glossary's phrases, kept per generation, give every search of a glossary name (and
    /// of a name with another word) the same documents and scores as phrases matched search by
    /// search, over the bundled corpus.
    #[test]
    fn kept_glossary_phrases_rank_as_phrases_matched_per_search() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let searcher = generation.searcher();
        let f = &generation.fields;
        let cache = Arc::new(phrase::PhraseCache::default());
        let all = TopDocs::with_limit(10_000).order_by_score();
        let (mut searched, mut found) = (0, 0);
        for name in glossary.names().filter(|n| n.len() > 1) {
            for text in [name.text.clone(), format!("{} Kraków", name.text), format!("{} w Nowej Hucie", name.text)] {
                let ast = query::parse(&text, &glossary);
                let plain = query::QueryBuilder::new(f, &glossary, Some(&searcher)).build(&ast, false);
                let kept = query::QueryBuilder::new(f, &glossary, Some(&searcher))
                    .with_phrase_cache(Arc::clone(&cache))
                    .build(&ast, false);
                let expected = searcher.search(plain.as_ref(), &all).expect("search");
                // Twice: the phrases found, then read from where they are kept.
                for _ in 0..2 {
                    assert_eq!(searcher.search(kept.as_ref(), &all).expect("search"), expected, "{text:?}");
                }
                searched += 1;
                found += usize::from(!expected.is_empty());
            }
        }
        assert!(cache.len() > 20, "only {} phrases kept", cache.len());
        assert!(found > searched / 2, "{found} of {searched} searches found anything");
    }

    /// A foreign word's translations, flattened into one list of terms (and phrases), match and
    /// score as the nested form (the best of each translation's best term) in every judged query
    /// in English or Ukrainian, over the bundled corpus.
    #[test]
    fn flat_translations_rank_as_nested_ones() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let searcher = generation.searcher();
        let f = &generation.fields;
        let all = TopDocs::with_limit(10_000).order_by_score();
        let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
        let mut checked = 0;
        for set in [eval.clone(), eval.join("holdout"), eval.join("holdout2")] {
            for file in ["queries-residents.json", "queries-journalists.json"] {
                let text = std::fs::read_to_string(set.join(file)).expect("judged queries");
                for q in serde_json::from_str::<Vec<eval::JudgedQuery>>(&text).expect("json") {
                    let ast = translate::into_polish(query::parse(&q.query, &glossary), &q.query);
                    if !ast.should.iter().any(|c| matches!(c, query::Clause::AnyOf(_))) {
                        continue;
                    }
                    // Every word counted in both (a nested translation is never taken for a
                    // common word, see `QueryBuilder::common_words`).
                    let mut flat = query::QueryBuilder::new(f, &glossary, Some(&searcher));
                    flat.keep_common_words();
                    let flat = flat.build(&ast, false);
                    let mut nested = query::QueryBuilder::new(f, &glossary, Some(&searcher)).with_nested_translations();
                    nested.keep_common_words();
                    let nested = nested.build(&ast, false);
                    let expected = searcher.search(nested.as_ref(), &all).expect("search");
                    assert_eq!(searcher.search(flat.as_ref(), &all).expect("search"), expected, "{:?}", q.query);
                    checked += usize::from(!expected.is_empty());
                }
            }
        }
        assert!(checked >= 10, "only {checked} translated queries found anything");
    }

    /// Facets counted in the pass that ranks the page (`post_filter`) are the counts of the query
    /// without each facet's own filter, the total and the page those of the query with every
    /// filter, and the page (hits and scores) the same as without facets: words, no words, a
    /// relaxed query, another language; filters of every kind alone and together, with a range
    /// inside a month; every sort, with an offset. (Written by a reviewer of the change.)
    #[test]
    fn one_pass_facets_are_the_facets_of_one_pass_per_facet() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let searcher = generation.searcher();
        let f = &generation.fields;
        let ords = facet_ords(&generation).expect("facet values");
        let everything = RawSearchParams::default();
        let everything =
            ranked(&generation, &glossary, &SearchRequest::parse(&everything, &generation.meta).expect("req"))
                .expect("search");
        let values = |counts: &[FacetCount]| counts.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
        let (d, dep, top, years) = (
            values(&everything.facets.district),
            values(&everything.facets.department),
            values(&everything.facets.topic),
            values(&everything.facets.year),
        );
        assert!(d.len() > 3 && dep.len() > 2 && top.len() > 2 && years.len() > 1);
        let (first, last) = (&years[0], &years[years.len() - 1]);
        let combos = [
            RawSearchParams { district: vec![d[0].clone(), d[1].clone()], ..Default::default() },
            RawSearchParams { department: vec![dep[0].clone()], ..Default::default() },
            RawSearchParams { topic: vec![top[0].clone(), top[2].clone()], ..Default::default() },
            RawSearchParams { from: Some(format!("{last}-01-01")), ..Default::default() },
            RawSearchParams { to: Some(format!("{first}-12-31")), ..Default::default() },
            RawSearchParams {
                from: Some(format!("{last}-03-05")),
                to: Some(format!("{last}-06-17")),
                ..Default::default()
            },
            RawSearchParams { district: vec![d[0].clone()], from: Some(format!("{last}-01-01")), ..Default::default() },
            RawSearchParams {
                department: vec![dep[1].clone()],
                topic: vec![top[0].clone()],
                to: Some(format!("{last}-06-30")),
                ..Default::default()
            },
            RawSearchParams { lang: vec!["pl".into()], district: vec![d[2].clone()], ..Default::default() },
            RawSearchParams {
                district: vec![d[0].clone(), d[3].clone()],
                department: vec![dep[0].clone(), dep[2].clone()],
                topic: vec![top[1].clone()],
                from: Some(format!("{first}-06-01")),
                to: Some(format!("{last}-02-01")),
                ..Default::default()
            },
        ];
        let queries = [
            "chodnik",
            "",
            "drzewa w parku",
            "przystanek autobusowy remont",
            "kwiatki balkon xyzzy",
            "noise in the street at night",
        ];
        let mut checked = 0;
        for q in queries {
            for sort in [None, Some("date_desc"), Some("date_asc")] {
                for (offset, limit) in [(None, None), (Some("5"), Some("3"))] {
                    for combo in &combos {
                        let raw = RawSearchParams {
                            q: Some(q.into()),
                            sort: sort.map(String::from),
                            offset: offset.map(String::from),
                            limit: limit.map(String::from),
                            ..combo.clone()
                        };
                        let what = format!("{q:?} {sort:?} {offset:?} {combo:?}");
                        let req = SearchRequest::parse(&raw, &generation.meta).expect("request");
                        let r = ranked(&generation, &glossary, &req).expect("search");
                        let filters = FilterQueries::new(f, &req.filters);
                        let total =
                            searcher.search(filters.apply(r.text.as_ref(), &[]).as_ref(), &Count).expect("count");
                        assert_eq!(r.total, total as u64, "{what}");
                        for facet in FACET_FIELDS {
                            let without_own = filters.apply(r.text.as_ref(), &[facet]);
                            let counts = searcher.search(without_own.as_ref(), &ords.counter(&[facet.field_name()]));
                            let expected = sorted_facets(&[facet], counts.expect("facet")).pop().map(|(_, c)| c);
                            let got = match facet {
                                FacetField::District => &r.facets.district,
                                FacetField::Department => &r.facets.department,
                                FacetField::Topic => &r.facets.topic,
                                FacetField::Year => &r.facets.year,
                            };
                            assert_eq!(Some(got), expected.as_ref(), "{facet:?} {what}");
                        }
                        let lean = RawSearchParams { facets: Some("false".into()), ..raw.clone() };
                        let lean = ranked(
                            &generation,
                            &glossary,
                            &SearchRequest::parse(&lean, &generation.meta).expect("req"),
                        )
                        .expect("search");
                        assert_eq!(r.page, lean.page, "{what}");
                        assert_eq!((r.total, r.partial_match), (lean.total, lean.partial_match), "{what}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, queries.len() * 3 * 2 * combos.len());
    }

    /// A filter selects and adds nothing to a score: two districts of different sizes, a topic and
    /// a date range leave every kept question with its words' score.
    #[test]
    fn filters_select_and_never_score() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let searcher = generation.searcher();
        let f = &generation.fields;
        let ast = query::parse("chodnik", &glossary);
        let text = query::QueryBuilder::new(f, &glossary, Some(&searcher)).build(&ast, false);
        let all = TopDocs::with_limit(10_000).order_by_score();
        let scores: std::collections::HashMap<DocAddress, f32> =
            searcher.search(text.as_ref(), &all).expect("search").into_iter().map(|(s, a)| (a, s)).collect();
        let raw = RawSearchParams {
            district: vec!["Dzielnica VI Bronowice".into(), "Dzielnica XVIII Nowa Huta".into()],
            topic: vec!["drogi i chodniki".into()],
            from: Some("2025-01-01".into()),
            ..Default::default()
        };
        let req = SearchRequest::parse(&raw, &generation.meta).expect("request");
        let filters = FilterQueries::new(f, &req.filters);
        let kept = searcher.search(filters.apply(text.as_ref(), &[]).as_ref(), &all).expect("search");
        assert!(kept.len() >= 2 && kept.len() < scores.len(), "{} of {}", kept.len(), scores.len());
        for (score, addr) in kept {
            assert_eq!(Some(&score), scores.get(&addr), "{addr:?}");
        }
    }

    /// A page that may stop counting (`track_total_hits=false`) is the exact page, hit for hit
    /// and score for score, on every judged query and on common words, first and second page,
    /// over the bundled corpus; where the total is not exact, it is a lower bound, and some
    /// searches are pruned.
    #[test]
    fn pruned_pages_are_the_exact_pages() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
        let mut texts: Vec<String> =
            ["ulica", "Kraków", "remont", "miasto", "drzewa w parku", "kiedy będzie remont ulicy"]
                .map(String::from)
                .into();
        for set in [eval.clone(), eval.join("holdout"), eval.join("holdout2")] {
            for file in ["queries-residents.json", "queries-journalists.json"] {
                let text = std::fs::read_to_string(set.join(file)).expect("judged queries");
                texts.extend(
                    serde_json::from_str::<Vec<eval::JudgedQuery>>(&text).expect("json").into_iter().map(|q| q.query),
                );
            }
        }
        let search = |q: &str, offset: &str, dense: &str, track: Option<&str>| {
            let raw = RawSearchParams {
                q: Some(q.to_string()),
                offset: Some(offset.to_string()),
                dense: Some(dense.to_string()),
                facets: Some("false".into()),
                snippets: Some("false".into()),
                track_total_hits: track.map(String::from),
                ..Default::default()
            };
            let req = SearchRequest::parse(&raw, &generation.meta).expect("valid request");
            super::search(&generation, &glossary, &req).expect("search")
        };
        let mut pruned = 0;
        for text in &texts {
            for (offset, dense) in [("0", "true"), ("0", "false"), ("10", "false")] {
                let exact = search(text, offset, dense, None);
                let got = search(text, offset, dense, Some("false"));
                assert!(exact.total_is_exact);
                let hits = |r: &SearchResponse| r.hits.iter().map(|h| (h.id.clone(), h.score)).collect::<Vec<_>>();
                assert_eq!(hits(&got), hits(&exact), "{text:?} from {offset}, dense {dense}");
                if got.total_is_exact {
                    assert_eq!(got.total, exact.total, "{text:?}");
                } else {
                    assert!(got.total >= rank::RELAX_BELOW && got.total <= exact.total, "{text:?}: {}", got.total);
                    pruned += 1;
                }
            }
        }
        assert!(pruned >= 10, "only {pruned} searches pruned");
    }

    /// A word in more than `rank::COMMON_WORD_SHARE` of the bundled corpus's questions does not
    /// select questions: beside a rarer word, the rarer one alone decides what matches, and the
    /// common ones still add to the scores; where that leaves fewer than a page, every word
    /// counts again, as before common words were set apart.
    #[test]
    fn words_too_common_to_select_only_add_to_the_score() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let searcher = generation.searcher();
        let docs = searcher.num_docs() as f32;
        let search = |q: &str| {
            let req = by_words(&generation, q);
            super::search(&generation, &glossary, &req).expect("search")
        };
        // The strict query's matches, with the common words set apart or (as before) not.
        let strict = |q: &str, apart: bool| {
            let ast = translate::into_polish(query::parse(q, &glossary), q);
            let mut builder = query::QueryBuilder::new(&generation.fields, &glossary, Some(&searcher));
            if !apart {
                builder.keep_common_words();
            }
            searcher.search(builder.build(&ast, false).as_ref(), &Count).expect("count") as u64
        };
        let unsplit = |q: &str| strict(q, false);
        let share = |w: &str| search(w).total as f32 / docs;
        let common: Vec<&str> = ["miasto", "mieszkaniec", "ulica", "teren", "brak"]
            .into_iter()
            .filter(|w| share(w) > rank::COMMON_WORD_SHARE)
            .collect();
        assert!(common.len() >= 2, "common words of the bundled corpus: {common:?}");
        let (a, b) = (common[0], common[1]);
        let mut selected = 0;
        for rare in ["chodnik", "latarnia", "drzewo", "autobus", "parking", "szkoła", "hałas", "śmieci", "tramwaj"] {
            let alone = search(rare);
            if alone.total < rank::RELAX_BELOW || share(rare) > rank::COMMON_WORD_SHARE {
                continue;
            }
            let q = format!("{a} {b} {rare}");
            let got = search(&q);
            // The rare word alone selects; before, any two of the three did.
            assert_eq!(got.total, alone.total, "{q}");
            assert!(!got.partial_match, "{q}");
            assert!(got.total < unsplit(&q), "{q}: {} matches, {} with every word counted", got.total, unsplit(&q));
            // The common words add to the score.
            assert!(got.hits[0].score > alone.hits[0].score, "{q}: {} vs {}", got.hits[0].score, alone.hits[0].score);
            selected += 1;
        }
        assert!(selected >= 3, "only {selected} rare words tried");
        // Fewer than a page of questions have the rarer words: every word counts again.
        let mut again = 0;
        for rare in ["oszustwo wnuczek", "gołoledź chodnik", "skatepark młodzież", "winda blok", "psycholog szkoła"]
        {
            let q = format!("{a} {b} {rare}");
            if strict(&q, true) >= rank::RELAX_BELOW || unsplit(&q) < rank::RELAX_BELOW {
                continue;
            }
            let got = search(&q);
            assert_eq!(got.total, unsplit(&q), "{q}");
            assert!(!got.partial_match, "{q}");
            again += 1;
        }
        assert!(again >= 1, "no query fell back to every word");
    }

    /// The words inside `<mark>` of a snippet, lowercased.
    fn marked(html: &str) -> Vec<String> {
        html.split("<mark>").skip(1).filter_map(|s| s.split_once("</mark>")).map(|(w, _)| w.to_lowercase()).collect()
    }

    /// Snippets placed from positions mark what analysing the texts again marks, over every
    /// judged query's page of the bundled corpus.
    #[test]
    fn snippets_from_positions_mark_what_reanalysis_marks() {
        let (_tmp, handle, glossary) = bundled();
        let generation = handle.current();
        let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
        let mut queries: Vec<eval::JudgedQuery> = Vec::new();
        for file in ["queries-residents.json", "queries-journalists.json"] {
            for set in [eval.clone(), eval.join("holdout")] {
                let text = std::fs::read_to_string(set.join(file)).expect("judged queries");
                queries.extend(serde_json::from_str::<Vec<eval::JudgedQuery>>(&text).expect("json"));
            }
        }
        let (mut texts, mut with_marks, mut unplaced, mut differ) = (0, 0, 0, Vec::new());
        for q in &queries {
            let raw = RawSearchParams { q: Some(q.query.clone()), limit: Some("10".into()), ..Default::default() };
            let req = SearchRequest::parse(&raw, &generation.meta).expect("request");
            let Ranked { searcher, text, page, .. } = ranked(&generation, &glossary, &req).expect("search");
            let f = &generation.fields;
            let mut snippets =
                snippet::Snippets::new(&searcher, text.as_ref(), f.body, f.body_ascii).expect("snippets");
            let addrs: Vec<DocAddress> = page.iter().map(|&(_, a)| a).collect();
            let matches = snippets.matches(&searcher, &addrs).expect("positions");
            for (addr, m) in addrs.iter().zip(&matches) {
                let rec = load_record(&searcher, f, *addr).expect("record");
                let joined = rec.answers.iter().map(|a| a.text.as_str()).collect::<Vec<_>>().join("\n\n");
                let (question, answer) = snippets.for_record(&rec, m);
                for (new, text) in [(question, &rec.question), (answer, &joined)] {
                    let old = snippets.reanalysed(text);
                    texts += 1;
                    with_marks += usize::from(!marked(&old).is_empty());
                    assert_eq!(
                        marked(&new).is_empty(),
                        marked(&old).is_empty(),
                        "{:?} {}:\n{new}\n{old}",
                        q.query,
                        rec.id
                    );
                    if marked(&new) != marked(&old) {
                        differ.push(format!("{:?} {}:\n  {new}\n  {old}", q.query, rec.id));
                    }
                }
            }
            unplaced += snippets.unplaced();
        }
        assert_eq!(unplaced, 0, "texts whose positions did not check out");
        assert!(with_marks > 1000, "only {with_marks} of {texts} snippets mark a word");
        // Passages are cut counting every word, where tantivy's generator counts only the words
        // that give terms (not stop words): a passage may then start or end a word apart and,
        // rarely, another passage win. 7 of 2,012 texts when written.
        assert!(
            differ.len() * 100 <= texts,
            "{} of {texts} snippets mark other words:\n{}",
            differ.len(),
            differ.join("\n")
        );
    }
}
