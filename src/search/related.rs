//! Related questions: the questions most like a given one (or like a free text a resident is
//! about to ask), best first, never the question itself.
//!
//! Two stages, as more-like-this engines do, with what a resident means by "the same problem":
//! 1. **Candidates by BM25 over the seed's own words.** The seed's title and question are analysed
//!    with the same Polish analysis as search; every content word becomes an optional term,
//!    weighted by where it stands (a title names the problem) and by how often the seed repeats
//!    it, but not again by its rarity: BM25 already counts rarity once, and counting it twice let
//!    an incidental rare word ("siódma", a school's name) outweigh the problem itself. Proper
//!    names (places, streets, estates) count little: the same problem elsewhere is what a
//!    resident wants ("whoever asked, wherever"). Answers count a little less than the question:
//!    they are long and official and mention side topics, but name the kind of problem in the
//!    departments' own words.
//! 2. **Reordering the best candidates** by what the corpus says about each question beyond its
//!    words: the likeness of the whole texts, answers included (the departments' answers name the
//!    kind of problem in the same official words wherever it was asked); shared topic tags and
//!    shared answering units raise a candidate a little; so do the glossary's groups both whole
//!    texts name, whichever of a group's names each uses (`dziura` in a resident's question,
//!    `ubytek w nawierzchni` in the answer); closeness in meaning, to the seed's meaning moved
//!    towards that of the candidate first so ranked.
//! 3. **Feedback by words.** The most telling words of the candidate ranked first join the seed's,
//!    and the same candidates are scored and reordered again: the question most like the seed
//!    names the problem in the corpus's own words, which the seed may not use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, Term};

use super::doc_set::DocSetQuery;
use super::error::{Result, SearchError};
use super::request::{RawSearchParams, SearchRequest, MAX_QUERY_CHARS};
use super::Glossary;
use super::{load_record, response};
use crate::analysis;
use crate::corpus::QuestionId;
use crate::index::{DenseIndex, Generation, GenerationMeta, Record};

/// Most related questions asked for at once.
pub const MAX_RELATED: usize = 20;
/// Terms kept from the seed (a long question has many; the weakest add little but noise).
const MAX_TERMS: usize = 80;
/// A term in more than this share of questions says nothing about the problem.
const MAX_DOC_SHARE: f32 = 0.3;
/// Weight of a seed term by where it occurs: title, question, answers. The answers are long and
/// official and name side topics, but in the departments' own words for the kind of problem,
/// which other residents' questions on it do not share: once the whole texts' likeness
/// ([`LIKENESS_WEIGHT`]) reorders the candidates, more of the answers' words bring the right ones.
/// Chosen on the dev set among 0.1 / 0.3 / 0.6 / 0.8 / 1 / 1.5 / 2 (hybrid nDCG@5 0.800 / 0.800 /
/// 0.800 / 0.832 / 0.818 / 0.784 / 0.784), checked on the holdouts (0.789 / 0.793 / 0.801 / 0.800
/// / 0.794 / 0.791 / 0.789 and 0.813 / 0.820 / 0.862 / 0.854 / 0.850 / 0.841 / 0.826: both gain
/// from 0.6 to 1). Before the likeness, 0.3 was chosen the same way.
const SEED_WEIGHTS: [f32; 3] = [2.0, 1.0, 0.8];
/// Weight of a word written as a proper name (a place, a street, an estate) relative to others:
/// the same problem elsewhere is what a resident wants.
const NAME_WEIGHT: f32 = 0.3;
/// Weight of the folded analysis's terms (for seeds typed without Polish letters).
const FOLDED_SEED_WEIGHT: f32 = 0.5;
/// Candidates reordered by the second stage.
pub(crate) const RERANK_WINDOW: usize = 30;
/// Added to a candidate's normalised text score per unit of shared topic tags and of shared
/// answering units (Jaccard overlap, 0..1). Tags and units are the corpus's own judgement of what
/// a question is about; the words decide, these break near-ties.
const TOPIC_WEIGHT: f32 = 0.3;
const UNIT_WEIGHT: f32 = 0.3;
/// Pseudo-relevance feedback by words: how many of the most telling words of the candidate ranked
/// first join the seed's, and the weight of the strongest of them against the seed's strongest.
/// One candidate, as for the feedback by meaning (`rank::FEEDBACK_WEIGHT`): the first is the
/// likeliest to be right. Chosen on the dev set among 10 / 20 / 40 words and 0.2 / 0.4 (hybrid
/// nDCG@5 0.772 / 0.761, 0.768 / 0.761, 0.772 / 0.761 from 0.748), checked on the holdout (0.792 /
/// 0.796, 0.788 / 0.784, 0.788 / 0.790 from 0.771; BM25 alone 0.726 → 0.734 at 10 and 0.2), all
/// with every candidate's text scored again for the seed's and the feedback's words; scoring the
/// feedback's words alone and adding them gives 0.772 / 0.786 at a twentieth of the cost.
const FEEDBACK_TERMS: usize = 10;
const FEEDBACK_TERM_WEIGHT: f32 = 0.2;
/// Weight of closeness in meaning (dense retrieval, scaled 0..1 over the candidates) against the
/// normalised text score (1 for the best): equal, as for search.
const MEANING_WEIGHT: f32 = 1.0;
/// Weight of the likeness of the whole texts, answers included ([`likeness`], scaled 0..1 over the
/// candidates), against the normalised text score. Chosen on the dev set, with the answers' terms
/// at 0.3 of the seed's then, among 0.5 / 1 / 1.5 / 2 (hybrid nDCG@5 0.792 / 0.800 / 0.800 / 0.800
/// from 0.772: flat from 1, so 1, the meaning's weight), checked on the holdouts (0.800 / 0.793 /
/// 0.791 / 0.786 from 0.786; 0.807 / 0.820 / 0.833 / 0.839 from 0.769).
const LIKENESS_WEIGHT: f32 = 1.0;
/// Weight of the glossary's groups the whole texts both name ([`named_alike`], spread 0..1 over
/// the candidates) against the normalised text score. The glossary's residents' words were written
/// apart from the judged sets (docs/RELEVANCE.md). Chosen on the dev set among 0.25 / 0.5 / 0.75 /
/// 1 (hybrid nDCG@5 0.849 / 0.849 / 0.849 / 0.809 from 0.832: flat to 0.75, so its middle), checked
/// on the holdouts (0.806 / 0.820 / 0.819 / – from 0.800; 0.856 / 0.869 / 0.869 / – from 0.854).
/// Only the groups of related wording (`~`) gave the same on dev (0.849 / 0.849 / 0.842 / 0.809)
/// and 0.824 / 0.867 at 0.5: the equivalents stay, as fewer rules.
const NAMED_WEIGHT: f32 = 0.5;

/// One related question.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RelatedHit {
    /// `<meeting>/<n>`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Similarity score.
    pub score: f32,
    /// Meeting date.
    pub date: String,
    /// District.
    pub district: String,
    /// The question's page.
    pub url: String,
}

/// What a seed says about itself besides its words (absent for a free text).
#[derive(Default)]
struct SeedMeta {
    topics: Vec<String>,
    departments: Vec<String>,
    /// The seed's meaning (dense retrieval), where the model and the vectors are there.
    vector: Option<Vec<f32>>,
}

/// Questions related to question `id`, best first.
pub fn related_to_question(
    generation: &Generation,
    glossary: &Glossary,
    id: &QuestionId,
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    let searcher = generation.searcher();
    let f = &generation.fields;
    let idq = TermQuery::new(Term::from_field_text(f.id, &id.to_string()), IndexRecordOption::Basic);
    let found = searcher.search(&idq, &TopDocs::with_limit(1).order_by_score())?;
    let (_, addr) = found.first().ok_or_else(|| SearchError::NotFound(id.to_string()))?;
    let rec = load_record(&searcher, f, *addr)?;
    let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
    let answers = answers.join("\n\n");
    let vector = super::dense::embedder()
        .and(generation.dense.as_ref())
        .and_then(|d| d.vector_of_id(&rec.id))
        .map(<[f32]>::to_vec);
    let meta = SeedMeta { topics: rec.topics.clone(), departments: rec.departments.clone(), vector };
    run(
        generation,
        glossary,
        &searcher,
        [rec.title.as_str(), rec.question.as_str(), answers.as_str()],
        &meta,
        Some(&rec.id),
        limit,
    )
}

/// Questions related to a free text: "was my problem already asked?". A resident's description
/// is a query, and a text short enough for one (`request::MAX_QUERY_CHARS`) is ranked as a search
/// ranks it (glossary, typo tolerance, translation, proximity, meaning): on every judged set that
/// put the judged questions higher than this module's more-like-this (nDCG@5 of the unfiltered
/// judged queries in Latin letters, dev / holdout / holdout2: 0.807 / 0.812 / 0.683 → 0.897 /
/// 0.870 / 0.763; docs/RELEVANCE.md). A text in Cyrillic letters too: it was once fused with the
/// more-like-this, which read some Ukrainian sentences' translated words better, until the
/// search compared a query with the answers' meaning as well; since then the search alone ranks
/// the 79 judged Cyrillic queries better (nDCG@5 0.751 against the fusion's 0.735; holdout4's
/// three 0.870 against 0.573). A longer text, or one the search finds nothing for, is read as a
/// question's text by the more-like-this, unless it has no word to search.
pub fn related_to_text(
    generation: &Generation,
    glossary: &Glossary,
    text: &str,
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    let limit = limit.clamp(1, MAX_RELATED);
    let searched = searched_as_query(generation, glossary, text, limit)?;
    if searched.is_empty() && asks_for_something(glossary, text) {
        return more_like_text(generation, glossary, text, limit);
    }
    Ok(searched)
}

/// Whether `text` has a word to search: punctuation or stop words alone (`?`, `czy to się`) are
/// like nothing typed yet, not a question to read, and the more-like-this found questions for them.
pub(crate) fn asks_for_something(glossary: &Glossary, text: &str) -> bool {
    !super::query::parse(text, glossary).nothing_searchable
}

/// The first `limit` questions a search for `text` finds (none where `text` is too long for a
/// query).
fn searched_as_query(
    generation: &Generation,
    glossary: &Glossary,
    text: &str,
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    match text_as_search(&generation.meta, text, limit) {
        Some(req) => Ok(hits_as_related(super::search(generation, glossary, &req)?.hits)),
        None => Ok(Vec::new()),
    }
}

/// A text as the search for its first `limit` questions (facets and snippets off); none where
/// it is too long for a query (any backend's "already asked?" box reads it so).
pub(crate) fn text_as_search(meta: &GenerationMeta, text: &str, limit: usize) -> Option<SearchRequest> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return None;
    }
    let raw = RawSearchParams {
        q: Some(text.to_string()),
        limit: Some(limit.to_string()),
        facets: Some("false".into()),
        snippets: Some("false".into()),
        ..RawSearchParams::default()
    };
    // The search accepts any text of that length; one it refused would go to more-like-this.
    SearchRequest::parse(&raw, meta).ok()
}

/// A search's hits as related questions.
pub(crate) fn hits_as_related(hits: Vec<super::Hit>) -> Vec<RelatedHit> {
    hits.into_iter()
        .map(|h| RelatedHit {
            id: h.id,
            title: h.title,
            score: h.score,
            date: h.date,
            district: h.district,
            url: h.url,
        })
        .collect()
}

/// Questions related to a free text read as a question's text (more-like-this).
fn more_like_text(generation: &Generation, glossary: &Glossary, text: &str, limit: usize) -> Result<Vec<RelatedHit>> {
    let searcher = generation.searcher();
    // A Ukrainian or Russian text is read with its words' Polish translations after it, as a search reads
    // one (`translate::for_words`): its words alone share nothing with the Polish questions. Its
    // meaning is embedded as a search embeds it (`translate::for_meaning`).
    let translated = super::translate::for_words(text);
    // Through the search's cache of query vectors: a text the search found nothing for has just
    // been embedded by it, and a resident's paused text is asked again.
    let vector = super::dense::enabled(generation).then(|| {
        let polish = !super::dense::is_foreign(text);
        let meaning = super::translate::for_meaning(text);
        super::dense::query_vector(&super::dense::as_the_corpus_spells(generation, &meaning, polish))
    });
    let vector = vector.flatten().map(|v| v.to_vec());
    let meta = SeedMeta { vector, ..SeedMeta::default() };
    run(generation, glossary, &searcher, ["", &translated, ""], &meta, None, limit)
}

fn run(
    generation: &Generation,
    glossary: &Glossary,
    searcher: &Searcher,
    seed: [&str; 3],
    meta: &SeedMeta,
    exclude: Option<&str>,
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    let terms = select_terms(searcher, generation, seed, exclude.is_some())?;
    // The questions nearest in meaning are candidates too, whatever their words.
    let near: Vec<(DocAddress, f32)> = match (&meta.vector, &generation.dense) {
        (Some(v), Some(d)) => nearest(d, v),
        _ => Vec::new(),
    };
    let window = RERANK_WINDOW.max(limit.clamp(1, MAX_RELATED));
    let glossary = super::with_learned(generation, glossary);
    let ranking = Seed { generation, glossary: &glossary, searcher, text: seed, near: &near, meta, exclude, window };
    let mut scored = rank(ranking, &terms, None)?;
    // Pseudo-relevance feedback by words: the most telling words of the candidate ranked first
    // join the seed's, and the candidates are ranked again.
    if let Some(best) = scored.first() {
        let feedback =
            select_terms(searcher, generation, [best.record.title.as_str(), best.record.question.as_str(), ""], true)?;
        let feedback = feedback_terms(&terms, feedback);
        if !feedback.is_empty() {
            // Among the same candidates: finding new ones by the wider words gained nothing (dev /
            // holdout 0.772 / 0.792 either way) and cost a second search of the whole index. A
            // BM25 sum is linear in its terms, so only the feedback's are scored.
            scored = rank(ranking, &feedback, Some(scored))?;
        }
    }
    scored.truncate(limit.clamp(1, MAX_RELATED));
    Ok(scored
        .into_iter()
        .map(|Candidate { score, record: rec, .. }| RelatedHit {
            url: response::question_url(&rec.id),
            id: rec.id,
            title: rec.title,
            score,
            date: rec.meeting.date,
            district: rec.district,
        })
        .collect())
}

/// A candidate related question.
struct Candidate {
    /// Its score: text, likeness of the whole texts, meaning, topics and units.
    score: f32,
    /// Its BM25 score for the seed's terms (0 where it is a candidate by meaning alone).
    text: f32,
    /// How alike its whole text is to the seed's ([`likeness`]).
    likeness: Likeness,
    addr: DocAddress,
    record: Record,
}

/// What every ranking of one seed's candidates shares.
#[derive(Clone, Copy)]
struct Seed<'a> {
    generation: &'a Generation,
    /// With the generation's learnt abbreviations (`super::with_learned`).
    glossary: &'a Glossary,
    searcher: &'a Searcher,
    /// The seed's title, question and answers.
    text: [&'a str; 3],
    /// The questions nearest to the seed in meaning, as (address, cosine), best first.
    near: &'a [(DocAddress, f32)],
    meta: &'a SeedMeta,
    /// The seed itself, where it is a question of the index.
    exclude: Option<&'a str>,
    /// How many candidates BM25 brings.
    window: usize,
}

/// The candidates for `terms`, best first: the best `window` by BM25 and `near` (the nearest in
/// meaning), scored by text, the likeness of the whole texts, closeness in meaning (with the
/// feedback of the first), shared topics and units. With `before`, the candidates are those, and `terms` add to their text scores.
fn rank(seed: Seed<'_>, terms: &[(bool, String, f32)], before: Option<Vec<Candidate>>) -> Result<Vec<Candidate>> {
    let Seed { generation, glossary, searcher, text: seed_text, near, meta, exclude, window } = seed;
    let f = &generation.fields;
    if terms.is_empty() && near.is_empty() && before.is_none() {
        return Ok(Vec::new());
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (folded, text, weight) in terms.iter().cloned() {
        // A folded term (a seed typed without Polish letters) in the whole text alone: the parts
        // apart are kept for the exact letters only: weighing folded matches by part did not gain
        // (dev / holdout nDCG@5 hybrid 0.744 / 0.757 with it, 0.742 / 0.757 without; BM25 alone
        // 0.755 / 0.717 with it, 0.745 / 0.728 without).
        let q: Box<dyn Query> = if folded {
            term(f.body_ascii, &text)
        } else {
            let per_field: Vec<Box<dyn Query>> = f
                .related_fields()
                .into_iter()
                .zip(super::rank::FIELD_BOOSTS)
                .map(|(field, boost)| Box::new(BoostQuery::new(term(field, &text), boost)) as Box<dyn Query>)
                .collect();
            Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, super::rank::FIELD_TIE_BREAKER))
        };
        clauses.push((Occur::Should, Box::new(BoostQuery::new(q, weight))));
    }
    let mut candidates: Vec<Candidate> = match before {
        Some(before) => {
            let addrs: Vec<DocAddress> = before.iter().map(|c| c.addr).collect();
            let docs = Box::new(ConstScoreQuery::new(Box::new(DocSetQuery::new(searcher, &addrs)), 0.0));
            clauses.push((Occur::Must, docs));
            let query = BooleanQuery::new(clauses);
            let added: HashMap<DocAddress, f32> =
                super::parallel::search(searcher, &query, &TopDocs::with_limit(addrs.len().max(1)).order_by_score())?
                    .into_iter()
                    .map(|(s, a)| (a, s))
                    .collect();
            before
                .into_iter()
                .map(|c| Candidate { text: c.text + added.get(&c.addr).copied().unwrap_or(0.0), ..c })
                .collect()
        }
        None => {
            if let Some(id) = exclude {
                clauses.push((Occur::MustNot, term(f.id, id)));
            }
            let query = BooleanQuery::new(clauses);
            let top = if terms.is_empty() {
                Vec::new()
            } else {
                // Ties to the newer question, as for search: the same candidates on every build.
                super::parallel::search(searcher, &query, &super::prune::TopHits::exact(window))?.1
            };
            let mut addrs: Vec<(f32, DocAddress)> = top;
            for (addr, _) in near {
                if !addrs.iter().any(|(_, a)| a == addr) {
                    addrs.push((0.0, *addr));
                }
            }
            let mut out = Vec::with_capacity(addrs.len());
            for (text, addr) in addrs {
                let record = load_record(searcher, f, addr)?;
                if exclude != Some(record.id.as_str()) {
                    out.push(Candidate { score: 0.0, text, likeness: Likeness::default(), addr, record });
                }
            }
            let records: Vec<&Record> = out.iter().map(|c| &c.record).collect();
            let alike = likeness(searcher, generation, glossary, seed_text, exclude, &records)?;
            for (c, l) in out.iter_mut().zip(alike) {
                c.likeness = l;
            }
            out
        }
    };
    let texts: Vec<(f32, &Record)> = candidates.iter().map(|c| (c.text, &c.record)).collect();
    // Carried in the candidates, so as long as `texts` (`second_stage` pairs them).
    let alike: Vec<Likeness> = candidates.iter().map(|c| c.likeness).collect();
    let meaning = match (&meta.vector, &generation.dense) {
        (Some(v), Some(d)) => Some((v.as_slice(), d)),
        _ => None,
    };
    let near: Vec<f32> = near.iter().map(|n| n.1).collect();
    let scores = second_stage(&texts, &alike, &meta.topics, &meta.departments, meaning, &near, |i, d| {
        d.vector_at(candidates[i].addr)
    });
    for (c, s) in candidates.iter_mut().zip(scores) {
        c.score = s;
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(candidates)
}

/// The second stage's scores of candidates given as (text score, record), in their order: the
/// text score against the best one's, the likeness of their whole texts to the seed's by words
/// and by the glossary's groups (`alike`, [`likeness`], each spread 0..1 over the candidates), the
/// topic tags and answering units shared with the seed (`topics`, `departments`), and, with the
/// seed's `meaning` (its vector and the generation's vectors), closeness in meaning scaled over
/// the cosines of the questions nearest the seed (`near`, best first), then again with the
/// meaning of the candidate so ranked first joined to the seed's. `vector_of(i, vectors)` is candidate `i`'s vector. Any backend's candidates are
/// reordered by it.
pub(crate) fn second_stage<'v>(
    candidates: &[(f32, &Record)],
    alike: &[Likeness],
    topics: &[String],
    departments: &[String],
    meaning: Option<(&[f32], &'v DenseIndex)>,
    near: &[f32],
    vector_of: impl Fn(usize, &'v DenseIndex) -> Option<&'v [f32]>,
) -> Vec<f32> {
    let best = candidates.iter().map(|c| c.0).fold(0.0f32, f32::max);
    let best = if best > 0.0 { best } else { 1.0 };
    debug_assert_eq!(alike.len(), candidates.len(), "a likeness per candidate");
    let words = spread(&alike.iter().map(|l| l.words).collect::<Vec<_>>());
    let named = spread(&alike.iter().map(|l| l.named).collect::<Vec<_>>());
    // Each candidate's score but for its meaning.
    let base: Vec<f32> = candidates
        .iter()
        .zip(words.into_iter().zip(named))
        .map(|((text, rec), (words, named))| {
            text / best
                + LIKENESS_WEIGHT * words
                + NAMED_WEIGHT * named
                + TOPIC_WEIGHT * overlap(topics, &rec.topics)
                + UNIT_WEIGHT * overlap(departments, &rec.departments)
        })
        .collect();
    let Some((v, d)) = meaning else { return base };
    let first = by_meaning(&base, v, near, |i| vector_of(i, d));
    // Pseudo-relevance feedback, as for search (`rank::FEEDBACK_WEIGHT`): the meaning of the
    // candidate ranked first joins the seed's.
    let best = (0..first.len()).max_by(|&i, &j| first[i].total_cmp(&first[j]).then(j.cmp(&i)));
    match best.and_then(|i| vector_of(i, d)) {
        Some(b) => {
            let moved = super::dense::rocchio(v, b, super::rank::FEEDBACK_WEIGHT);
            let near: Vec<f32> = nearest(d, &moved).into_iter().map(|n| n.1).collect();
            by_meaning(&base, &moved, &near, |i| vector_of(i, d))
        }
        None => first,
    }
}

/// The terms `feedback` adds to the seed's `terms`, weighted: the strongest at
/// [`FEEDBACK_TERM_WEIGHT`] of the seed's strongest, at most [`FEEDBACK_TERMS`] of them (the most
/// telling first). A term the seed has too adds to its weight.
pub(crate) fn feedback_terms(
    terms: &[(bool, String, f32)],
    mut feedback: Vec<(bool, String, f32)>,
) -> Vec<(bool, String, f32)> {
    feedback.truncate(FEEDBACK_TERMS);
    let strongest = terms.iter().map(|t| t.2).fold(0.0f32, f32::max).max(f32::EPSILON);
    let feedback_strongest = feedback.iter().map(|t| t.2).fold(0.0f32, f32::max).max(f32::EPSILON);
    feedback
        .into_iter()
        .map(|(folded, text, weight)| (folded, text, FEEDBACK_TERM_WEIGHT * strongest * weight / feedback_strongest))
        .collect()
}

/// The questions nearest in meaning to `vector`, as (id, cosine), best first: the same as
/// [`nearest`], for a backend whose questions are not this generation's documents.
pub(crate) fn nearest_ids(dense: &DenseIndex, vector: &[f32]) -> Vec<(String, f32)> {
    dense.nearest(vector, RERANK_WINDOW + 1).into_iter().map(|(_, id, cos)| (id.to_string(), cos)).collect()
}

/// The questions nearest in meaning to `vector`, as (address, cosine), best first.
pub(crate) fn nearest(dense: &DenseIndex, vector: &[f32]) -> Vec<(DocAddress, f32)> {
    dense.nearest(vector, RERANK_WINDOW + 1).into_iter().map(|(a, _, cos)| (a, cos)).collect()
}

/// The scores `base` with closeness in meaning to `vector` added, in their order (`vector_of(i)`
/// is candidate `i`'s vector). Cosines are spread 1..0 between the nearest and the farthest of
/// `near` (cosines, best first).
fn by_meaning<'v>(
    base: &[f32],
    vector: &[f32],
    near: &[f32],
    vector_of: impl Fn(usize) -> Option<&'v [f32]>,
) -> Vec<f32> {
    let (hi, lo) = (near.first().copied().unwrap_or(1.0), near.last().copied().unwrap_or(0.0));
    let spread = (hi - lo).max(f32::EPSILON);
    base.iter()
        .enumerate()
        .map(|(i, score)| {
            let cosine = vector_of(i).map(|c| c.iter().zip(vector).map(|(a, b)| a * b).sum::<f32>());
            let meaning = cosine.map_or(0.0, |cos| ((cos - lo) / spread).clamp(0.0, 1.0));
            score + MEANING_WEIGHT * meaning
        })
        .collect()
}

/// `values` spread 1..0 between the highest and the lowest (all 0 where they are equal, or differ
/// by rounding only: a spread of nothing would weigh as much as a real difference).
fn spread(values: &[f32]) -> Vec<f32> {
    let hi = values.iter().copied().fold(f32::MIN, f32::max);
    let lo = values.iter().copied().fold(f32::MAX, f32::min);
    let range = hi - lo;
    let real = range > 1e-4 * hi.abs().max(f32::MIN_POSITIVE);
    values.iter().map(|v| if real { (v - lo) / range } else { 0.0 }).collect()
}

/// How alike each of `records`' whole texts (title, question and answers) is to the seed's
/// (title, question, answers): the tf-idf (log tf) dot product, the candidate's side divided by
/// the square root of its length. The answers say in the departments' own words what kind of
/// problem a question is (replacement buses, events filling a district's streets, shared paths),
/// which residents asking about the same problem in different words do not share. Unlike the
/// first stage, rarity counts on both sides (idf²) and names are not lightened: this is the plain
/// tf-idf cosine measured before it was built (docs/RELEVANCE.md), which lifted every judged set;
/// the first stage's rules keep the candidates to the problem, this only orders them. Beside it,
/// the groups of `glossary` both texts name ([`named_alike`]). `seed_id`: the seed's id, where it
/// is a question of the index.
pub(crate) fn likeness(
    searcher: &Searcher,
    generation: &Generation,
    glossary: &Glossary,
    seed: [&str; 3],
    seed_id: Option<&str>,
    records: &[&Record],
) -> Result<Vec<Likeness>> {
    let f = &generation.fields;
    let n = searcher.num_docs().max(1) as f32;
    let mut analyzer =
        searcher.index().tokenizers().get(analysis::PL).unwrap_or_else(|| analysis::polish_analyzer(false));
    let own = u64::from(seed_id.is_some());
    let mut counts: HashMap<String, u32> = HashMap::new();
    each_term(&mut analyzer, &seed, |t| match counts.get_mut(t) {
        Some(n) => *n += 1,
        None => {
            counts.insert(t.to_string(), 1);
        }
    });
    let mut weights: HashMap<String, f32> = HashMap::new();
    for (term, tf) in counts {
        let df = searcher.doc_freq(&Term::from_field_text(f.body, &term))?;
        // As for the seed's terms: one only the seed has relates nothing, one too common says nothing.
        if df <= own || df as f32 > MAX_DOC_SHARE * n {
            continue;
        }
        let idf = (1.0 + n / df as f32).ln();
        weights.insert(term, sublinear(tf) * idf * idf);
    }
    let words: Vec<f32> = records
        .iter()
        .map(|rec| {
            let shared = shared_terms(&mut analyzer, &whole_text(rec), &weights);
            alike(&weights, &shared)
        })
        .collect();
    let groups = NamedGroups::of(generation, glossary);
    let seed_groups = match seed_id {
        // A question of the index: its groups are kept as a candidate's are.
        Some(id) => groups.named_in(glossary, id, &seed),
        None => groups_in(glossary, &seed).into(),
    };
    let candidate_groups: Vec<Arc<[usize]>> =
        records.iter().map(|rec| groups.named_in(glossary, &rec.id, &whole_text(rec))).collect();
    let candidate_groups: Vec<&[usize]> = candidate_groups.iter().map(|g| &g[..]).collect();
    let named = named_alike(&seed_groups, &candidate_groups);
    Ok(words.into_iter().zip(named).map(|(words, named)| Likeness { words, named }).collect())
}

/// How alike a candidate's whole text is to the seed's.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Likeness {
    /// By their words ([`alike`]).
    pub words: f32,
    /// By the glossary's groups they name ([`named_alike`]).
    pub named: f32,
}

/// A question's title, question and answers.
fn whole_text(rec: &Record) -> Vec<&str> {
    let mut texts = vec![rec.title.as_str(), rec.question.as_str()];
    texts.extend(rec.answers.iter().map(|a| a.text.as_str()));
    texts
}

/// The glossary's groups each question's whole text names ([`groups_in`]), kept per generation
/// while the glossary stays the same: a question is read for them once, when it is first a
/// candidate (~0.1 ms for a demo question with its answers; docs/BENCHMARKS.md). At most
/// [`MAX_NAMED_KEPT`] questions are kept; past that the list starts again, so that a front over
/// millions of questions does not keep them all.
#[derive(Default)]
struct NamedGroups(Mutex<NamedById>);

/// The glossary's fingerprint, and each question's groups by id.
type NamedById = (u64, HashMap<String, Arc<[usize]>>);

/// Questions whose groups [`NamedGroups`] keeps at most (~100 bytes each).
const MAX_NAMED_KEPT: usize = 200_000;

impl NamedGroups {
    fn of(generation: &Generation, glossary: &Glossary) -> Arc<NamedGroups> {
        let kept: Arc<NamedGroups> =
            generation.derived.get().unwrap_or_else(|| generation.derived.set(NamedGroups::default()));
        let mut by_id = kept.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if by_id.0 != glossary.fingerprint() {
            *by_id = (glossary.fingerprint(), HashMap::new());
        }
        drop(by_id);
        kept
    }

    /// The groups question `id`, of whole text `texts`, names.
    fn named_in(&self, glossary: &Glossary, id: &str, texts: &[&str]) -> Arc<[usize]> {
        let lock = || self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(groups) = lock().1.get(id) {
            return Arc::clone(groups);
        }
        // Read outside the lock: other requests' candidates do not wait for this one's.
        let groups: Arc<[usize]> = groups_in(glossary, texts).into();
        let mut kept = lock();
        if kept.0 == glossary.fingerprint() {
            if kept.1.len() >= MAX_NAMED_KEPT {
                kept.1.clear();
            }
            kept.1.insert(id.to_string(), Arc::clone(&groups));
        }
        groups
    }
}

/// The glossary's groups that `texts` name, each once: what a text is about in the glossary's
/// terms, whichever of a group's names it uses (`dziura` or `ubytek w nawierzchni`, `PSZOK` or
/// `punkt selektywnego zbierania odpadów`). Names are matched as a query's words are (stop words
/// left out), within one paragraph: a seed's answers, joined, name what they name apart.
fn groups_in(glossary: &Glossary, texts: &[&str]) -> Vec<usize> {
    let mut plain = analysis::plain_analyzer(false);
    let mut out: Vec<usize> = Vec::new();
    for text in texts.iter().flat_map(|t| t.split("\n\n")) {
        let words: Vec<String> = analysis::analyze(&mut plain, text)
            .into_iter()
            .filter(|w| !analysis::is_stop_word(&w.to_lowercase()) || glossary.is_abbreviation(w))
            .collect();
        for g in glossary.groups_named(&words) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out
}

/// How much each candidate's groups (`candidates`, [`groups_in`]) share with the seed's: the
/// cosine of their weights, a group weighing its rarity squared, as [`likeness`] weighs words.
/// Rarity is counted among the seed and the candidates: a group every candidate names tells none
/// apart.
fn named_alike(seed: &[usize], candidates: &[&[usize]]) -> Vec<f32> {
    let mut df: HashMap<usize, u32> = HashMap::new();
    for groups in candidates.iter().copied().chain(std::iter::once(seed)) {
        for g in groups {
            *df.entry(*g).or_default() += 1;
        }
    }
    let n = (candidates.len() + 1) as f32;
    let weight = |g: &usize| {
        let idf = (1.0 + n / df.get(g).copied().unwrap_or(1) as f32).ln();
        idf * idf
    };
    let norm = |groups: &[usize]| groups.iter().map(weight).sum::<f32>().sqrt();
    let seed_norm = norm(seed);
    candidates
        .iter()
        .map(|groups| {
            let dot: f32 = groups.iter().filter(|g| seed.contains(g)).map(weight).sum();
            if dot > 0.0 {
                dot / (seed_norm * norm(groups))
            } else {
                0.0
            }
        })
        .collect()
}

/// Calls `term` with each term of `texts` (words of three letters or more, not numbers, as the
/// seed's are chosen) and gives how many there were.
fn each_term(analyzer: &mut TextAnalyzer, texts: &[&str], mut term: impl FnMut(&str)) -> u32 {
    let mut all = 0;
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if t.text.chars().count() < 3 || t.text.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            all += 1;
            term(&t.text);
        }
    }
    all
}

/// How often each of `seed`'s terms occurs in `texts`, and how many terms they have in all.
fn shared_terms<'s>(
    analyzer: &mut TextAnalyzer,
    texts: &[&str],
    seed: &'s HashMap<String, f32>,
) -> (HashMap<&'s str, u32>, u32) {
    let mut counts: HashMap<&'s str, u32> = HashMap::new();
    let all = each_term(analyzer, texts, |t| {
        if let Some((t, _)) = seed.get_key_value(t) {
            *counts.entry(t.as_str()).or_default() += 1;
        }
    });
    (counts, all)
}

/// A text's likeness to a seed whose terms weigh `seed` (log term frequency × idf², the idf of
/// the text's side joined), from how often the text has each of them (`shared`) and its length:
/// the sum over shared terms, divided by the square root of the length, so that a long answer
/// does not win by length alone.
fn alike(seed: &HashMap<String, f32>, (shared, all): &(HashMap<&str, u32>, u32)) -> f32 {
    if *all == 0 {
        return 0.0;
    }
    let dot: f32 = shared.iter().filter_map(|(t, tf)| seed.get(*t).map(|w| w * sublinear(*tf))).sum();
    dot / (*all as f32).sqrt()
}

/// Term frequency with diminishing returns.
fn sublinear(tf: u32) -> f32 {
    1.0 + (tf as f32).ln()
}

/// Share of `a`'s and `b`'s values they have in common (Jaccard); 0 when either has none.
fn overlap(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|x| b.contains(x)).count();
    common as f32 / (a.len() + b.len() - common) as f32
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

/// Whether the word at byte `at` of `text` is written as a proper name: capitalised and not the
/// first word of a sentence.
fn is_name_at(text: &str, at: usize) -> bool {
    let Some(word) = text.get(at..) else { return false };
    word.chars().next().is_some_and(char::is_uppercase) && !super::query::opens_a_sentence(text, at)
}

/// The weighted terms of one analysis of the seed: term → weight.
fn seed_weights(analyzer: &mut TextAnalyzer, seed: [&str; 3]) -> HashMap<String, f32> {
    let mut out: HashMap<String, f32> = HashMap::new();
    for (text, part) in seed.iter().zip(SEED_WEIGHTS) {
        // Occurrences, and how many of them are written as a name.
        let mut tf: HashMap<String, (u32, u32)> = HashMap::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if t.text.chars().count() < 3 || t.text.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let e = tf.entry(t.text.clone()).or_default();
            e.0 += 1;
            e.1 += u32::from(is_name_at(text, t.offset_from));
        }
        // Repeating a word says it matters, with diminishing returns.
        for (t, (n, names)) in tf {
            let kind = if names * 2 > n { NAME_WEIGHT } else { 1.0 };
            *out.entry(t).or_default() += part * (n as f32).sqrt() * kind;
        }
    }
    out
}

/// The seed's terms as (folded?, term, weight), the most telling first.
pub(crate) fn select_terms(
    searcher: &Searcher,
    generation: &Generation,
    seed: [&str; 3],
    seed_is_indexed: bool,
) -> Result<Vec<(bool, String, f32)>> {
    let f = &generation.fields;
    let n = searcher.num_docs().max(1) as f32;
    let mut candidates = Vec::new();
    for (folded, analyzer_weight) in [(false, 1.0), (true, FOLDED_SEED_WEIGHT)] {
        let name = if folded { analysis::PL_ASCII } else { analysis::PL };
        let mut analyzer = searcher.index().tokenizers().get(name).unwrap_or_else(|| analysis::polish_analyzer(folded));
        let weights = seed_weights(&mut analyzer, seed);
        // Every question with the term has it in the whole text.
        let field = if folded { f.body_ascii } else { f.body };
        for (t, weight) in weights {
            let df = searcher.doc_freq(&Term::from_field_text(field, &t))?;
            // Only in the seed itself: cannot relate it to anything.
            let own = u64::from(seed_is_indexed);
            if df <= own || df as f32 > MAX_DOC_SHARE * n {
                continue;
            }
            let idf = (1.0 + n / df as f32).ln();
            candidates.push((folded, t, weight * analyzer_weight, weight * idf));
        }
    }
    candidates.sort_by(|a, b| b.3.total_cmp(&a.3).then_with(|| a.1.cmp(&b.1)));
    candidates.truncate(MAX_TERMS);
    Ok(candidates.into_iter().map(|(folded, t, weight, _)| (folded, t, weight)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_capitalised_words_inside_a_sentence() {
        let text = "Tramwaje z Nowego Bieżanowa są pełne. Rano stoimy. „Wielicka” stoi";
        let at = |w: &str| text.find(w).unwrap();
        assert!(is_name_at(text, at("Nowego")));
        assert!(is_name_at(text, at("Bieżanowa")));
        assert!(!is_name_at(text, at("Tramwaje")), "the first word of the text");
        assert!(!is_name_at(text, at("Rano")), "the first word of a sentence");
        assert!(!is_name_at(text, at("pełne")));
        assert!(!is_name_at(text, at("Wielicka") - 1), "not a char boundary: no panic, no name");
    }

    #[test]
    fn proper_names_weigh_less_than_the_problem() {
        let mut pl = analysis::polish_analyzer(false);
        let w = seed_weights(&mut pl, ["Zatłoczone tramwaje z Bieżanowa", "Rano tramwaje z Bieżanowa są pełne.", ""]);
        assert!(w["tramwaj"] > 2.0 * w["bieżanów"], "{w:?}");
    }

    #[test]
    fn feedback_adds_few_words_weaker_than_the_seeds() {
        let t = |w: &str, x: f32| (false, w.to_string(), x);
        let terms = vec![t("winda", 4.0), t("blok", 2.0)];
        // The most telling first, as `select_terms` gives them.
        let feedback: Vec<_> = (0..20).map(|i| t(&format!("słowo{i}"), 10.0 - i as f32 * 0.1)).collect();
        let added = feedback_terms(&terms, feedback);
        assert_eq!(added.len(), FEEDBACK_TERMS, "{added:?}");
        assert!(
            (added[0].2 - FEEDBACK_TERM_WEIGHT * 4.0).abs() < 1e-5,
            "the strongest at a share of the seed's: {added:?}"
        );
        assert!(added.iter().all(|x| x.2 <= added[0].2 && x.2 < 2.0), "weaker than any word of the seed: {added:?}");
        assert!(added.iter().all(|x| x.1 != "słowo10"), "the least telling are left out: {added:?}");
    }

    #[test]
    fn likeness_counts_shared_telling_words_and_not_length() {
        let mut pl = analysis::polish_analyzer(false);
        // Weights as `likeness` gives them (here typed in): a rare word weighs more than a common one.
        let seed: HashMap<String, f32> = [("zastępczy", 4.0), ("tramwaj", 1.0), ("torowisko", 3.0)]
            .into_iter()
            .map(|(t, w)| (t.to_string(), w))
            .collect();
        let mut counts = |text: &str| shared_terms(&mut pl, &[text], &seed);
        // Inflected forms meet by lemma.
        let replacement = counts("Na czas remontu torowiska kursują autobusy zastępcze.");
        let trams = counts("Tramwaje kursują rzadko, tramwajem jedzie się długo.");
        let unrelated = counts("Wycinka drzew w parku budzi sprzeciw mieszkańców.");
        assert!(alike(&seed, &replacement) > 2.0 * alike(&seed, &trams), "the telling words weigh more");
        assert_eq!(alike(&seed, &unrelated), 0.0);
        // The same shared words in a text four times as long count half as much.
        let long = counts(&format!(
            "Na czas remontu torowiska kursują autobusy zastępcze. {}",
            "Wycinka drzew w parku. ".repeat(6)
        ));
        let ratio = alike(&seed, &long) / alike(&seed, &replacement);
        assert!(ratio > 0.3 && ratio < 0.7, "{ratio}");
        assert_eq!(alike(&seed, &counts("")), 0.0, "an empty text");
        assert_eq!(spread(&[2.0, 4.0, 3.0]), [0.0, 1.0, 0.5]);
        assert_eq!(spread(&[2.0, 2.0]), [0.0, 0.0], "all equal: nothing to tell them apart");
        assert_eq!(spread(&[2.0, 2.0 + 1e-6]), [0.0, 0.0], "a rounding is no difference");
        assert!(spread(&[]).is_empty());
    }

    /// Over the bundled corpus: every question's whole text is the most alike to itself of all
    /// questions (the seed's terms are looked up where the questions' are indexed, and weighed by
    /// rarity, so a text shares most with itself), and the most alike of the others stand well
    /// above the middle of the corpus.
    #[test]
    fn a_question_is_most_like_itself_and_like_some_others() {
        use crate::index::{BuildOptions, IndexHandle};
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("index");
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        crate::index::build(&corpus, &dir, &BuildOptions::default(), &crate::progress::NoProgress)
            .expect("index builds");
        let handle = IndexHandle::open(&dir).expect("index opens");
        let generation = handle.current();
        let searcher = generation.searcher();
        let mut records = Vec::new();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..reader.max_doc() {
                let addr = DocAddress::new(segment as u32, doc);
                records.push(load_record(&searcher, &generation.fields, addr).expect("record"));
            }
        }
        assert!(records.len() > 300, "{} questions", records.len());
        let all: Vec<&Record> = records.iter().collect();
        let glossary = Glossary::default();
        for rec in records.iter().step_by(16) {
            let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
            let answers = answers.join("\n\n");
            let scores: Vec<f32> =
                likeness(&searcher, &generation, &glossary, [&rec.title, &rec.question, &answers], Some(&rec.id), &all)
                    .expect("likeness")
                    .into_iter()
                    .map(|l| l.words)
                    .collect();
            let best = (0..scores.len()).max_by(|&i, &j| scores[i].total_cmp(&scores[j])).expect("a score");
            assert_eq!(records[best].id, rec.id, "{:?}", rec.title);
            // Most questions share a few words with any other; the likeness tells the few apart.
            let mut sorted = scores.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            assert!(sorted[5] > 0.0, "nothing else alike to {:?}", rec.title);
            assert!(sorted[sorted.len() / 2] < 0.5 * sorted[1], "no question stands out for {:?}", rec.title);
        }
    }

    #[test]
    fn groups_shared_weigh_by_rarity_among_the_candidates() {
        // The seed names groups 1 and 2; group 2 is named by every candidate but the last.
        let candidates: [&[usize]; 4] = [&[2, 1], &[2], &[2, 3], &[]];
        let s = named_alike(&[1, 2], &candidates);
        assert!((s[0] - 1.0).abs() < 1e-5, "the same groups, in any order: {s:?}");
        assert!(s[1] > 0.0 && s[1] < 0.6, "only the group most share: {s:?}");
        assert!(s[2] < s[1], "a group the seed does not name draws apart: {s:?}");
        assert_eq!(s[3], 0.0, "no group: {s:?}");
        assert!(named_alike(&[], &candidates).iter().all(|x| *x == 0.0), "a seed naming none");
        assert!(named_alike(&[1], &[]).is_empty());
    }

    #[test]
    fn texts_name_a_group_by_any_of_its_names() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/glossary.txt");
        let glossary = Glossary::read(&path).expect("glossary");
        // A resident's word in one question, the departments' in another's answer.
        let resident =
            groups_in(&glossary, &["Dziury na Balickiej", "Kiedy ktoś załata te dziury? Dziura przy dziurze."]);
        let official = groups_in(&glossary, &["", "Ubytki w nawierzchni jezdni zostaną usunięte w tym tygodniu."]);
        let shared: Vec<&usize> = resident.iter().filter(|g| official.contains(g)).collect();
        assert_eq!(shared.len(), 1, "{resident:?} / {official:?}");
        let mut once = resident.clone();
        once.dedup();
        assert_eq!(once.len(), resident.len(), "each group once: {resident:?}");
        // Within a paragraph, never across two: one's last word and the next one's first are no
        // name.
        let pothole = *shared[0];
        assert!(groups_in(&glossary, &["Duży ubytek w nawierzchni parkingu"]).contains(&pothole));
        assert!(!groups_in(&glossary, &["Duży ubytek", "w nawierzchni parkingu"]).contains(&pothole));
        assert!(!groups_in(&glossary, &["Duży ubytek\n\nw nawierzchni parkingu"]).contains(&pothole));
        let trees = groups_in(&glossary, &["Wycinka drzew w parku", "Czy drzewa przy szkole zostaną wycięte?"]);
        assert!(!trees.iter().any(|g| resident.contains(g)), "{trees:?} / {resident:?}");
    }

    #[test]
    fn overlap_is_jaccard() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(overlap(&v(&["a", "b"]), &v(&["b", "c"])), 1.0 / 3.0);
        assert_eq!(overlap(&v(&["a"]), &v(&[])), 0.0);
        assert_eq!(overlap(&v(&["a"]), &v(&["a"])), 1.0);
    }
}
