//! Related questions: the questions most like a given one (or like a free text a resident is
//! about to ask), best first, never the question itself.
//!
//! The seed's most telling terms are chosen by weighted tf-idf over the same Polish analysis as
//! search: a term counts more in the title than in the question, more in the question than in the
//! answers, and terms found in a large share of questions ("ulica", "mieszkańcy", "miasto") are
//! skipped, so a question about parking on one estate brings parking questions from other estates
//! rather than unrelated questions of the same meeting.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::error::{Result, SearchError};
use super::{load_record, response};
use crate::analysis;
use crate::corpus::QuestionId;
use crate::index::Generation;

/// Most related questions asked for at once.
pub const MAX_RELATED: usize = 20;
/// Terms kept from the seed.
const MAX_TERMS: usize = 24;
/// A term in more than this share of questions says nothing about the problem.
const MAX_DOC_SHARE: f32 = 0.15;
/// Weight of a seed term by where it occurs: title, question, answers.
const SEED_WEIGHTS: [f32; 3] = [3.0, 2.0, 0.5];
/// Weight of the folded analysis's terms (for seeds typed without Polish letters).
const FOLDED_SEED_WEIGHT: f32 = 0.5;

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

/// Questions related to question `id`, best first.
pub fn related_to_question(generation: &Generation, id: &QuestionId, limit: usize) -> Result<Vec<RelatedHit>> {
    let searcher = generation.searcher();
    let f = &generation.fields;
    let idq = TermQuery::new(Term::from_field_text(f.id, &id.to_string()), IndexRecordOption::Basic);
    let found = searcher.search(&idq, &TopDocs::with_limit(1).order_by_score())?;
    let (_, addr) = found.first().ok_or_else(|| SearchError::NotFound(id.to_string()))?;
    let rec = load_record(&searcher, f, *addr)?;
    let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
    let answers = answers.join("\n\n");
    run(generation, &searcher, [rec.title.as_str(), rec.question.as_str(), answers.as_str()], Some(&rec.id), limit)
}

/// Questions related to a free text (treated as a question's text).
pub fn related_to_text(generation: &Generation, text: &str, limit: usize) -> Result<Vec<RelatedHit>> {
    let searcher = generation.searcher();
    run(generation, &searcher, ["", text, ""], None, limit)
}

fn run(
    generation: &Generation,
    searcher: &Searcher,
    seed: [&str; 3],
    exclude: Option<&str>,
    limit: usize,
) -> Result<Vec<RelatedHit>> {
    let f = &generation.fields;
    let terms = select_terms(searcher, generation, seed, exclude.is_some())?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (folded, text, weight) in terms {
        let per_field: Vec<Box<dyn Query>> = f
            .text_pairs()
            .into_iter()
            .zip(super::rank::FIELD_BOOSTS)
            .map(|((plain, folded_field), boost)| {
                let field = if folded { folded_field } else { plain };
                Box::new(BoostQuery::new(term(field, &text), boost)) as Box<dyn Query>
            })
            .collect();
        let q = DisjunctionMaxQuery::with_tie_breaker(per_field, super::rank::FIELD_TIE_BREAKER);
        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), weight))));
    }
    if let Some(id) = exclude {
        clauses.push((Occur::MustNot, term(f.id, id)));
    }
    let query = BooleanQuery::new(clauses);
    let top = searcher.search(&query, &TopDocs::with_limit(limit.clamp(1, MAX_RELATED)).order_by_score())?;
    let mut out = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let rec = load_record(searcher, f, addr)?;
        out.push(RelatedHit {
            url: response::question_url(&rec.id),
            id: rec.id,
            title: rec.title,
            score,
            date: rec.meeting.date,
            district: rec.district,
        });
    }
    Ok(out)
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

/// The seed's most telling terms as (folded?, term, weight), best first.
fn select_terms(
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
        let mut tf: HashMap<String, f32> = HashMap::new();
        for (text, w) in seed.iter().zip(SEED_WEIGHTS) {
            for t in analysis::analyze(&mut analyzer, text) {
                if t.chars().count() >= 3 && !t.bytes().all(|b| b.is_ascii_digit()) {
                    *tf.entry(t).or_default() += w;
                }
            }
        }
        let (title, question, answers) =
            if folded { (f.title_ascii, f.question_ascii, f.answers_ascii) } else { (f.title, f.question, f.answers) };
        for (t, weight) in tf {
            let df = [title, question, answers]
                .into_iter()
                .map(|field| searcher.doc_freq(&Term::from_field_text(field, &t)))
                .collect::<tantivy::Result<Vec<u64>>>()?
                .into_iter()
                .max()
                .unwrap_or(0);
            // Only in the seed itself: cannot relate it to anything.
            let own = u64::from(seed_is_indexed);
            if df <= own || df as f32 > MAX_DOC_SHARE * n {
                continue;
            }
            let idf = (1.0 + n / df as f32).ln();
            candidates.push((folded, t, weight.sqrt() * idf * analyzer_weight));
        }
    }
    candidates.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    candidates.truncate(MAX_TERMS);
    Ok(candidates)
}
