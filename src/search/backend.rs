//! What the server needs from an index, as one trait (issue 13's seam; docs/SCALE.md, "The
//! backend seam"): searches with their filters and facets, histograms, exports, related
//! questions, completions and questions by id. The embedded tantivy generation is one
//! implementation; a distributed engine behind Ławka's analysis is meant to be another, so the
//! HTTP handlers hold a `&dyn Backend` and never a tantivy type.
//!
//! Parameters are parsed against [`Backend::meta`] (the vocabulary of districts, units, topics
//! and meetings), whichever backend answers: a request is valid or not the same way on both.

use super::error::Result;
use super::export::{self, Histogram, Interval, Matches};
use super::suggest::{self, SuggestResponse};
use super::{Glossary, QuestionResponse, RelatedHit, SearchRequest, SearchResponse};
use crate::corpus::QuestionId;
use crate::index::{Generation, GenerationMeta, Record};

/// How a backend ranks: the figures `/healthz` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retrieval {
    /// Whether the query's meaning (dense retrieval) is fused with its words.
    pub hybrid: bool,
    /// Questions with a vector: dense retrieval covers these.
    pub vectors: usize,
    /// Paragraphs of their answers with a vector: a query's meaning meets these too.
    pub answer_vectors: usize,
}

/// One index as the server uses it (see the module's text). Every method runs on a blocking
/// thread: a backend may wait on disk or on the network.
pub trait Backend: Send + Sync {
    /// What it is, for `/healthz`: `embedded` or `sphinx`.
    fn name(&self) -> &'static str;

    /// The generation's description: its vocabulary, meetings, build time and revisions.
    fn meta(&self) -> &GenerationMeta;

    /// A page of ranked hits with the total, facets and snippets (`/api/search`).
    fn search(&self, glossary: &Glossary, req: &SearchRequest) -> Result<SearchResponse>;

    /// One question with its answers (`/api/questions/{id}`).
    fn question(&self, id: &QuestionId) -> Result<QuestionResponse>;

    /// The questions most like question `id`, best first, never itself.
    fn related_to_question(&self, glossary: &Glossary, id: &QuestionId, limit: usize) -> Result<Vec<RelatedHit>>;

    /// The questions most like a text being typed ("already asked?").
    fn related_to_text(&self, glossary: &Glossary, text: &str, limit: usize) -> Result<Vec<RelatedHit>>;

    /// Completions of the word being typed (`/api/suggest`).
    fn suggest(&self, glossary: &Glossary, prefix: &str, limit: usize) -> Result<SuggestResponse>;

    /// The search's matches counted per month or year (`/api/histogram`).
    fn histogram(&self, glossary: &Glossary, req: &SearchRequest, interval: Interval) -> Result<Histogram>;

    /// Every match of the search, in the request's order, for exports and feeds.
    fn matches(&self, glossary: &Glossary, req: &SearchRequest) -> Result<Box<dyn MatchList>>;

    /// How it ranks, for `/healthz`.
    fn retrieval(&self) -> Retrieval;
}

/// Every match of a search, read lazily: an export streams them after the search has answered.
pub trait MatchList: Send {
    /// Number of matches.
    fn len(&self) -> usize;

    /// Whether nothing matched.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored records, in order.
    fn records(&self) -> Box<dyn Iterator<Item = Result<Record>> + '_>;

    /// The records of the questions with these ids that are among the matches, in the ids' order.
    fn records_of(&self, ids: &[&str]) -> Result<Vec<Record>>;
}

impl MatchList for Matches {
    fn len(&self) -> usize {
        Matches::len(self)
    }

    fn records(&self) -> Box<dyn Iterator<Item = Result<Record>> + '_> {
        Box::new(Matches::records(self))
    }

    fn records_of(&self, ids: &[&str]) -> Result<Vec<Record>> {
        Matches::records_of(self, ids.iter().copied())
    }
}

/// The embedded backend: a tantivy generation on this machine.
impl Backend for Generation {
    fn name(&self) -> &'static str {
        "embedded"
    }

    fn meta(&self) -> &GenerationMeta {
        &self.meta
    }

    fn search(&self, glossary: &Glossary, req: &SearchRequest) -> Result<SearchResponse> {
        super::search(self, glossary, req)
    }

    fn question(&self, id: &QuestionId) -> Result<QuestionResponse> {
        super::question(self, id)
    }

    fn related_to_question(&self, glossary: &Glossary, id: &QuestionId, limit: usize) -> Result<Vec<RelatedHit>> {
        super::related_to_question(self, glossary, id, limit)
    }

    fn related_to_text(&self, glossary: &Glossary, text: &str, limit: usize) -> Result<Vec<RelatedHit>> {
        super::related_to_text(self, glossary, text, limit)
    }

    fn suggest(&self, glossary: &Glossary, prefix: &str, limit: usize) -> Result<SuggestResponse> {
        suggest::suggest(self, glossary, prefix, limit)
    }

    fn histogram(&self, glossary: &Glossary, req: &SearchRequest, interval: Interval) -> Result<Histogram> {
        export::histogram(self, glossary, req, interval)
    }

    fn matches(&self, glossary: &Glossary, req: &SearchRequest) -> Result<Box<dyn MatchList>> {
        Ok(Box::new(Matches::collect(self, glossary, req)?))
    }

    fn retrieval(&self) -> Retrieval {
        Retrieval {
            hybrid: super::dense::enabled(self),
            vectors: self.dense.as_ref().map_or(0, |d| d.len()),
            answer_vectors: self.dense.as_ref().map_or(0, |d| d.answer_paragraphs()),
        }
    }
}
