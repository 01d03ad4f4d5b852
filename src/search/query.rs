//! User text → query AST → tantivy query.
//!
//! The stock `QueryParser` turns a word with several analysed terms into a phrase and needs
//! every word in every document; residents type loosely, so we build the query ourselves:
//! each word is an alternative of its terms across the fields (title > question > answers, exact
//! letters > folded), `"phrases"` must match, `-words` exclude, and documents matching more of the
//! words come first (see [`minimum_should_match`]).

use std::sync::Arc;

use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use tantivy::{Searcher, Term};

use super::at_least::{disjunction_max, AtLeastQuery};
use super::best_of::BestOfQuery;
use super::glossary::{self, Glossary, Match};
use super::phrase::{CachedPhraseQuery, PhraseCache};
use super::prune::Pruning;
use super::term::WeightedTermQuery;
use super::{fuzzy, rank};
use crate::analysis::{self, is_stop_word};
use crate::index::suggestions::NearWord;
use crate::index::{Fields, Suggestions};

/// Most words and phrases taken from one query; the rest is ignored (bounds the work per query).
pub const MAX_CLAUSES: usize = 32;

/// One part of a parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    /// A word, as typed (case kept: `BO` the programme is not `bo` the conjunction).
    Word(String),
    /// A quoted phrase (its raw text).
    Phrase(String),
    /// A word of another language with its Polish translations: any of them (see `translate`).
    AnyOf(Vec<Clause>),
}

/// A parsed query: what to match, what must match, what to exclude.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryAst {
    /// Optional words: the more of them a document has, the better.
    pub should: Vec<Clause>,
    /// Words prefixed with `+` and quoted phrases.
    pub must: Vec<Clause>,
    /// Words and phrases prefixed with `-`.
    pub must_not: Vec<Clause>,
    /// Something was typed, but no word to search: only stop words, punctuation, or a "word"
    /// longer than any word. It asks for nothing, which is not the same as an empty query (that
    /// lists everything).
    pub nothing_searchable: bool,
    /// The query's language, as far as ranking cares (set by `translate::into_polish`).
    pub language: Language,
    /// The optional words typed as proper names, as typed: a capital then small letters, not the
    /// text's first word (see `rank::NAME_WEIGHT`).
    pub names: Vec<String>,
}

/// What the ranking needs to know of a query's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// Polish (or too short to tell): words and meaning weigh the same.
    #[default]
    Polish,
    /// Another language whose words were translated into Polish words: as Polish.
    Translated,
    /// Another language the words cannot serve (no translation found): meaning decides.
    Foreign,
    /// Ukrainian (by its letters), its words searched through the installed Ukrainian table:
    /// meaning still leads, but the words weigh more than a foreign query's.
    Ukrainian,
}

impl QueryAst {
    /// Whether the query has nothing to match positively (only exclusions, or nothing at all).
    pub fn has_positive(&self) -> bool {
        !self.should.is_empty() || !self.must.is_empty()
    }
}

/// Parses query text. Never fails: unbalanced quotes close at the end, lone operators are dropped,
/// stop words are dropped from the optional words (they would only add noise) unless the glossary
/// knows them as an abbreviation written in capitals.
pub fn parse(text: &str, glossary: &Glossary) -> QueryAst {
    let mut ast = QueryAst::default();
    // Words as typed: the analyzers lowercase later, the glossary needs the case.
    let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(analysis::MAX_TOKEN_BYTES))
        .build();
    let mut rest = text;
    let mut clauses = 0;
    let mut dropped_stop_words = false;
    let mut names = Vec::new();
    // Words not opening a sentence: how many, and whether any is typed in small letters.
    let (mut later_words, mut small_letters) = (0usize, false);
    while clauses < MAX_CLAUSES {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else { break };
        // A capital there is the sentence's, not a name's.
        let mut sentence_start = opens_a_sentence(text, text.len() - rest.len());
        let (sign, body) = match first {
            '-' | '+' => (Some(first), &rest[1..]),
            _ => (None, rest),
        };
        let (clause_text, is_phrase, next) = if let Some(after) = body.strip_prefix('"') {
            match after.find('"') {
                Some(end) => (&after[..end], true, &after[end + 1..]),
                None => (after, true, ""),
            }
        } else {
            let end = body.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(body.len());
            // A word glued to a quote (`abc"def`) ends at the quote.
            (&body[..end], false, &body[end..])
        };
        rest = next;
        let words = analysis::analyze(&mut plain, clause_text);
        if words.is_empty() {
            continue;
        }
        let target = match sign {
            Some('-') => &mut ast.must_not,
            Some('+') => &mut ast.must,
            _ if is_phrase && words.len() > 1 => &mut ast.must,
            _ => &mut ast.should,
        };
        if is_phrase && words.len() > 1 {
            target.push(Clause::Phrase(clause_text.to_string()));
            clauses += 1;
        } else {
            // "P+R" or "pieszo-rowerowy" typed as one word: each part counts as a word.
            for w in words {
                if clauses >= MAX_CLAUSES {
                    break;
                }
                let first_word = std::mem::take(&mut sentence_start);
                if !first_word {
                    match w.chars().next() {
                        Some(c) if c.is_lowercase() => small_letters = true,
                        Some(c) if c.is_uppercase() => later_words += 1,
                        _ => {}
                    }
                }
                if sign.is_none() && is_stop_word(&w.to_lowercase()) && !glossary.is_abbreviation(&w) {
                    dropped_stop_words = true;
                    continue;
                }
                if sign.is_none() && !is_phrase && is_typed_as_a_name(&w, first_word) {
                    names.push(w.clone());
                }
                target.push(Clause::Word(w));
                clauses += 1;
            }
        }
    }
    let nothing_parsed = ast.should.is_empty() && ast.must.is_empty() && ast.must_not.is_empty();
    ast.nothing_searchable = (dropped_stop_words && !ast.has_positive()) || (nothing_parsed && !text.trim().is_empty());
    // Every word capitalised, the small ones too, is a way of typing a title, not a text of names.
    if small_letters || later_words < 2 {
        ast.names = names;
    }
    ast
}

/// Whether `word` is typed as a proper name: a capital, then a small letter (not an abbreviation
/// such as `ZTP`), and not where a sentence starts (`first`), which capitalises any word.
fn is_typed_as_a_name(word: &str, first: bool) -> bool {
    let mut chars = word.chars();
    !first && chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

/// Whether a word at byte `at` of `text` opens a sentence: nothing before it, or a full stop,
/// `!`, `?`, `:` or a line break, with spaces, opening quotes or brackets between. A capital
/// there says nothing of the word.
pub(crate) fn opens_a_sentence(text: &str, at: usize) -> bool {
    let Some(before) = text.get(..at) else { return true };
    let before = before.trim_end_matches([' ', '\t', '"', '„', '«', '(', '[']);
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '\r'])
}

/// How many of `n` optional words a document must contain. Two words: both ("dziury Balicka");
/// three or four: all but one; more (a whole question pasted in): half, since a resident's long
/// question has many words the answer phrases differently (on the dev set, half beat two thirds by
/// +0.12 nDCG@10 on question-type queries; one-of-two gained only +0.003 overall and would inflate
/// journalists' totals, so two words stay both-required). A search that cannot fill a page this
/// way adds the questions with any of the words, after these (see `rank::RELAX_BELOW`).
pub fn minimum_should_match(n: usize) -> usize {
    match n {
        0..=2 => n,
        3..=4 => n - 1,
        _ => n.div_ceil(2),
    }
}

/// The proximity bonus of a query (see [`QueryBuilder::proximity`]).
pub struct Proximity {
    /// Pairs of consecutive words as sloppy phrases in the title and in the question, boosted: a
    /// hit's bonus is the sum of the scores of those it matches.
    pub clauses: Vec<Box<dyn Query>>,
}

/// Builds tantivy queries from an AST, with the index's analyzers.
pub struct QueryBuilder<'a> {
    fields: &'a Fields,
    glossary: &'a Glossary,
    /// For typo tolerance: the vocabulary of the index searched. Without it, no fuzzy matching.
    searcher: Option<&'a Searcher>,
    /// For typo tolerance: the words of the generation's titles and questions as written.
    vocabulary: Option<&'a Suggestions>,
    /// The words each misspelt word meant, looked up so far (the glossary and the terms both ask).
    meant: Vec<(String, Vec<NearWord<'a>>)>,
    /// Whether some word typed is one the index does not have (see
    /// [`QueryBuilder::met_unknown_words`]).
    unknown_words: bool,
    pl: TextAnalyzer,
    pl_ascii: TextAnalyzer,
    en: TextAnalyzer,
    /// Document frequencies looked up so far (few per query: a list beats a map).
    doc_freqs: Vec<((Field, String), u64)>,
    /// Where the glossary's phrases are kept once matched (see [`super::phrase`]); without it,
    /// every phrase is matched search by search.
    phrases: Option<Arc<PhraseCache>>,
    /// A ranked page that may pass over what cannot enter it (see [`super::prune`]): the strict
    /// query's words are then one at-least query, whatever their number.
    pruning: Option<Arc<Pruning>>,
    /// Whether the strict query takes the words too common to select a question apart (see
    /// `rank::COMMON_WORD_SHARE`), and whether a query built so far did.
    common_apart: bool,
    /// The words of the query being built that are typed as names ([`QueryAst::names`]).
    names: Vec<String>,
    common_taken_apart: bool,
    /// The language of the query being built (see [`Self::terms_of`]).
    language: Language,
    /// Tests compare the flat form of a foreign word's translations with the nested one.
    #[cfg(test)]
    nested_translations: bool,
}

impl<'a> QueryBuilder<'a> {
    /// A builder for an index with these fields; with a searcher, it analyses queries exactly as
    /// that index was analysed (its gazetteer included) and corrects typos from its vocabulary.
    pub fn new(fields: &'a Fields, glossary: &'a Glossary, searcher: Option<&'a Searcher>) -> Self {
        let tokenizers = searcher.map(|s| s.index().tokenizers());
        let get =
            |name: &str, default: fn() -> TextAnalyzer| tokenizers.and_then(|t| t.get(name)).unwrap_or_else(default);
        QueryBuilder {
            fields,
            glossary,
            searcher,
            pl: get(analysis::PL, || analysis::polish_analyzer(false)),
            pl_ascii: get(analysis::PL_ASCII, || analysis::polish_analyzer(true)),
            en: get(analysis::EN, analysis::english_analyzer),
            doc_freqs: Vec::new(),
            vocabulary: None,
            meant: Vec::new(),
            unknown_words: false,
            phrases: None,
            pruning: None,
            common_apart: true,
            names: Vec::new(),
            common_taken_apart: false,
            language: Language::Polish,
            #[cfg(test)]
            nested_translations: false,
        }
    }

    /// The words of the queries to come typed as names ([`QueryAst::names`]), for
    /// [`Self::alternatives`] (a built query takes them from its `QueryAst`).
    pub fn with_names(mut self, names: &[String]) -> Self {
        self.names = names.to_vec();
        self
    }

    /// The language of the queries to come ([`QueryAst::language`]), for [`Self::alternatives`]
    /// (a built query takes it from its `QueryAst`).
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// A foreign word's translations as one nested alternative (the form [`QueryBuilder::any_of`]
    /// flattens), to compare the two.
    #[cfg(test)]
    pub(crate) fn with_nested_translations(mut self) -> Self {
        self.nested_translations = true;
        self
    }

    /// The glossary's phrases are matched once and kept in `cache` (one per generation).
    pub fn with_phrase_cache(mut self, cache: Arc<PhraseCache>) -> Self {
        self.phrases = Some(cache);
        self
    }

    /// The strict query prunes its page with `pruning` (see [`super::prune`]).
    pub fn with_pruning(mut self, pruning: Arc<Pruning>) -> Self {
        self.pruning = Some(pruning);
        self
    }

    /// Whether some word typed in the queries built so far is one the index does not have in any
    /// analysis (a slip, searched also as the words it may mean, or a word no question uses):
    /// their words then say less of what the query asks.
    pub fn met_unknown_words(&self) -> bool {
        self.unknown_words
    }

    /// Whether a strict query built so far took common words apart (see
    /// `rank::COMMON_WORD_SHARE`).
    pub fn took_common_words_apart(&self) -> bool {
        self.common_taken_apart
    }

    /// From now on, every word of a strict query counts towards its minimum, the commonest too.
    pub fn keep_common_words(&mut self) {
        self.common_apart = false;
    }

    /// Takes out of `concepts` those whose commonest term is in more than
    /// [`rank::COMMON_WORD_SHARE`] of the questions (a concept with an alternative that is not a
    /// term, a glossary name's phrase, is never common), unless every concept is.
    fn common_words(&self, concepts: &mut Vec<Vec<Box<dyn Query>>>) -> Vec<Vec<Box<dyn Query>>> {
        let Some(searcher) = self.searcher else { return Vec::new() };
        let docs = searcher.num_docs().max(1) as f32;
        let share = |concept: &[Box<dyn Query>]| -> f32 {
            let mut commonest = 0u64;
            for a in concept {
                match a.downcast_ref::<WeightedTermQuery>() {
                    Some(t) => commonest = commonest.max(searcher.doc_freq(t.term()).unwrap_or(0)),
                    None => return 0.0,
                }
            }
            commonest as f32 / docs
        };
        let common: Vec<bool> = concepts.iter().map(|c| share(c) > rank::COMMON_WORD_SHARE).collect();
        if common.iter().all(|&c| c) || !common.iter().any(|&c| c) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut i = 0;
        concepts.retain_mut(|c| {
            let keep = !common[i];
            i += 1;
            if !keep {
                out.push(std::mem::take(c));
            }
            keep
        });
        out
    }

    /// Misspelt words are also corrected to the words the corpus writes (not only to its lemmas):
    /// a slip in an inflected form is one edit from the form, often more from its lemma.
    pub fn with_vocabulary(mut self, vocabulary: &'a Suggestions) -> Self {
        self.vocabulary = Some(vocabulary);
        self
    }

    /// The text query of `ast`; `relaxed` lets one optional word be enough. A query with no
    /// positive part matches everything but its exclusions; one of stop words only, nothing.
    /// The proximity bonus is apart ([`QueryBuilder::proximity`]): it only reorders the best
    /// matches, so it need not be computed for every match.
    pub fn build(&mut self, ast: &QueryAst, relaxed: bool) -> Box<dyn Query> {
        self.names.clone_from(&ast.names);
        self.language = ast.language;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut should = self.concepts(&ast.should);
        // The words too common to select a question only add to the score (see
        // `rank::COMMON_WORD_SHARE`); not in a relaxed query, whose one word is enough.
        // One word has nothing to be set apart from: no look-ups of its terms' frequencies.
        let apart = !relaxed && self.common_apart && should.len() > 1;
        let common = if apart { self.common_words(&mut should) } else { Vec::new() };
        self.common_taken_apart |= !common.is_empty();
        let n = should.len();
        if !common.is_empty() {
            let words = AtLeastQuery::new(should, minimum_should_match(n)).scoring_also(common);
            let words = match self.pruning.clone() {
                Some(pruning) => words.with_pruning(pruning),
                None => words,
            };
            clauses.push((Occur::Must, Box::new(words)));
        } else if n > 0 {
            let min = if relaxed { 1 } else { minimum_should_match(n) };
            // tantivy serves "any" (a union) and "all" (a conjunction, with block-max pruning)
            // best; between the two, our windowed scorer (see `at_least`), which takes each
            // word's alternatives without a union of their own.
            let pruning = self.pruning.clone().filter(|_| !relaxed);
            let words: Box<dyn Query> = if let Some(pruning) = pruning.filter(|_| min < n || n <= 2) {
                // One word, two both required, or some of more: the same documents and scores
                // (a sum of two is the same in either order), with the page pruned.
                Box::new(AtLeastQuery::new(should, min).with_pruning(pruning))
            } else if min > 1 && min < n {
                Box::new(AtLeastQuery::new(should, min))
            } else if min == n && n > 1 {
                // Every word required: a word's alternatives are asked only about the documents
                // the other words have (see `best_of`).
                let words = should.into_iter().map(|q| {
                    let q: Box<dyn Query> =
                        if q.len() > 1 { Box::new(BestOfQuery::new(q)) } else { disjunction_max(q) };
                    (Occur::Must, q)
                });
                Box::new(BooleanQuery::new(words.collect()))
            } else {
                Box::new(BooleanQuery::with_minimum_required_clauses(
                    should.into_iter().map(|q| (Occur::Should, disjunction_max(q))).collect(),
                    min,
                ))
            };
            clauses.push((Occur::Must, words));
        }
        for c in &ast.must {
            // A required word or phrase with no searchable term cannot match anything.
            let q = self.clause(c).unwrap_or_else(|| Box::new(EmptyQuery));
            clauses.push((Occur::Must, q));
        }
        if clauses.is_empty() {
            if ast.nothing_searchable {
                return Box::new(EmptyQuery);
            }
            // Every question, scored 0 as a filter is: with no words, nothing is more relevant,
            // whichever filters apply here or per match (`post_filter`).
            let all = tantivy::query::ConstScoreQuery::new(Box::new(tantivy::query::AllQuery), 0.0);
            clauses.push((Occur::Must, Box::new(all)));
        }
        for c in &ast.must_not {
            if let Some(q) = self.clause(c) {
                clauses.push((Occur::MustNot, q));
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Each of `should`'s words as the query's alternatives for it (lemmas, folded forms, typo
    /// corrections, the glossary's other names), each with the weight it is boosted by beyond its
    /// own (a glossary name of several words, otherwise 1; a term carries its own): what another
    /// backend is asked for, and scores by.
    pub fn alternatives(&mut self, should: &[Clause]) -> Vec<Vec<(Box<dyn Query>, f32)>> {
        self.weighted_concepts(should)
    }

    /// The optional words as concepts, each the alternatives that satisfy it (the best of them
    /// counts): a run of words the glossary names (`Zarządu Dróg Miasta Krakowa`, `P+R`) becomes
    /// one concept that its other names (`ZDMK`, `Park&Ride`) also satisfy; every other word is
    /// its own concept, its terms the alternatives.
    fn concepts(&mut self, should: &[Clause]) -> Vec<Vec<Box<dyn Query>>> {
        let concepts = self.weighted_concepts(should);
        concepts.into_iter().map(|c| c.into_iter().map(|(q, _)| q).collect()).collect()
    }

    /// [`Self::concepts`], each alternative with the weight its query is boosted by (see
    /// [`Self::alternatives`]).
    fn weighted_concepts(&mut self, should: &[Clause]) -> Vec<Vec<(Box<dyn Query>, f32)>> {
        let words: Vec<String> = should
            .iter()
            .map(|c| match c {
                // A misspelt word finds the glossary's names as the word it meant would.
                Clause::Word(w) => self.corrected(w).unwrap_or_else(|| w.clone()),
                Clause::Phrase(w) => w.clone(),
                // Translations are not the glossary's names.
                Clause::AnyOf(_) => String::new(),
            })
            .collect();
        let glossary = self.glossary;
        let mut matches = glossary.find(&words);
        // The thesaurus, for a word the glossary does not name and no question has, as typed: a
        // resident's word near a word of the corpus (`chłodnik`, `chodnik`) is no slip to correct
        // first.
        for (i, clause) in should.iter().enumerate().filter(|_| glossary.has_thesaurus()) {
            let Clause::Word(typed) = clause else { continue };
            if matches.iter().any(|m| (m.start..m.start + m.len).contains(&i)) || self.in_the_index(typed) {
                continue;
            }
            if let Some(m) = glossary.thesaurus_match(typed, i) {
                matches.push(m);
            }
        }
        matches.sort_by_key(|m| m.start);
        let mut out = Vec::new();
        let mut i = 0;
        let mut next = matches.iter().peekable();
        while i < should.len() {
            match next.peek() {
                Some(m) if m.start == i && m.related && !m.proper && m.len > 1 => {
                    // Residents' words of several words (`brązowy kubeł`, `hałas samolotów`)
                    // stay words: each is its own concept, as unmatched words are, and the
                    // group's other names satisfy each of them. As one phrase, the words typed
                    // would find only questions that write them side by side, in that order, and
                    // related wording rarely is. Over all the words, the other names weigh at
                    // most what one word typed weighs (two words: each at the group's weight;
                    // four: at half of it), so a question with only another name never counts
                    // for more than a word of the resident's. A proper name (written with a
                    // capital) stays one phrase, as equivalents do.
                    let share = (1.0 / (glossary::RELATED_WEIGHT * m.len as f32)).min(1.0);
                    let (alt_terms, alt_phrases) = self.other_names(m);
                    let alt_terms: Vec<WeightedTermQuery> =
                        alt_terms.into_iter().map(|t| t.weighted_by(share)).collect();
                    let alt_phrases: Vec<Weighted> =
                        alt_phrases.into_iter().map(|(q, w)| (boosted(q, share), w * share)).collect();
                    for clause in &should[i..i + m.len] {
                        let mut terms: Vec<WeightedTermQuery> = Vec::new();
                        let mut concept: Vec<(Box<dyn Query>, f32)> = Vec::new();
                        match clause {
                            Clause::Word(w) => {
                                let weight = self.word_weight(w, should.len());
                                terms.extend(self.word_terms(w).into_iter().map(|t| t.weighted_by(weight)));
                            }
                            c => concept.extend(self.clause(c).map(|q| (q, 1.0))),
                        }
                        terms.extend(alt_terms.iter().cloned());
                        concept
                            .extend(best_weight_each(terms).into_iter().map(|t| (Box::new(t) as Box<dyn Query>, 1.0)));
                        concept.extend(alt_phrases.iter().map(|(q, w)| (q.box_clone(), *w)));
                        if concept.is_empty() {
                            concept.push((Box::new(EmptyQuery), 1.0));
                        }
                        out.push(concept);
                    }
                    i += m.len;
                    next.next();
                }
                Some(m) if m.start == i => {
                    // The words as typed, kept together: a phrase when the name has several words
                    // (`P+R` must not match any text with a `p` and an `r` somewhere). A name of
                    // one word brings its terms, each weighted by the name's weight, as
                    // alternatives of their own: the best of (the best of a word's terms) is the
                    // best of all the terms, and a flat list is read from the postings' blocks
                    // (see `term`) instead of through a buffered union per name.
                    let mut terms: Vec<WeightedTermQuery> = Vec::new();
                    let mut alternatives: Vec<(Box<dyn Query>, f32)> = Vec::new();
                    match &should[i] {
                        Clause::Word(w) if m.len == 1 => terms.extend(self.word_terms(w)),
                        c if m.len == 1 => alternatives.extend(self.clause(c).map(|q| (q, 1.0))),
                        _ => alternatives
                            .extend(self.phrase(&words[i..i + m.len].join(" "), Keep::Yes).map(|q| (q, 1.0))),
                    }
                    let (other_terms, other_phrases) = self.other_names(m);
                    terms.extend(other_terms);
                    alternatives.extend(other_phrases);
                    let mut concept: Vec<(Box<dyn Query>, f32)> =
                        best_weight_each(terms).into_iter().map(|t| (Box::new(t) as Box<dyn Query>, 1.0)).collect();
                    concept.extend(alternatives);
                    // A concept none of whose names the index has still counts among the words.
                    if concept.is_empty() {
                        concept.push((Box::new(EmptyQuery), 1.0));
                    }
                    out.push(concept);
                    i += m.len;
                    next.next();
                }
                _ => {
                    let alternatives = match &should[i] {
                        Clause::Word(w) => {
                            let weight = self.word_weight(w, should.len());
                            let terms = self.word_terms(w).into_iter().map(|t| t.weighted_by(weight));
                            Some(terms.map(|t| Box::new(t) as Box<dyn Query>).collect())
                        }
                        #[cfg(test)]
                        c @ Clause::AnyOf(_) if self.nested_translations => self.clause(c).map(|q| vec![q]),
                        Clause::AnyOf(any) => self.any_of(any),
                        c => self.clause(c).map(|q| vec![q]),
                    };
                    out.extend(alternatives.map(|a: Vec<Box<dyn Query>>| a.into_iter().map(|q| (q, 1.0)).collect()));
                    i += 1;
                }
            }
        }
        out
    }

    /// The weight of an optional word typed among `words` words: a place named beside the
    /// problem weighs less than the problem (see `rank::NAME_WEIGHT`).
    fn word_weight(&self, word: &str, words: usize) -> f32 {
        if words > 1 && self.names.iter().any(|n| n == word) {
            rank::NAME_WEIGHT
        } else {
            1.0
        }
    }

    /// The other names of a glossary match as queries, each at its weight: a name of one word as
    /// its terms, a name of several as a phrase (with the weight its query is boosted by).
    fn other_names(&mut self, m: &Match<'_>) -> (Vec<WeightedTermQuery>, Vec<Weighted>) {
        let mut terms = Vec::new();
        let mut phrases = Vec::new();
        // Met only without Polish letters, the words typed weigh as folded matches do
        // (`rank::FOLDED_WEIGHT`), and so do the other names: a title typed either way ranks alike.
        let scale = if m.folded { rank::FOLDED_WEIGHT } else { 1.0 };
        for &(name, weight) in &m.alternatives {
            let weight = weight * scale;
            if name.len() == 1 {
                let own = if name.itself_only() { self.itself_terms(&name.text) } else { self.name_terms(&name.text) };
                terms.extend(own.into_iter().map(|t| t.weighted_by(weight)));
            } else if let Some(q) = self.phrase(&name.text, Keep::Yes) {
                phrases.push((boosted(q, weight), weight));
            }
        }
        (terms, phrases)
    }

    /// A word of another language as the alternatives of one query word: the terms of all its
    /// translations in one flat list (the best of the best of each translation's terms is the
    /// best of all the terms, read from the postings' blocks, as a glossary concept's one-word
    /// names are) and its translations' phrases beside them; the same documents and scores as
    /// [`QueryBuilder::clause`]'s nested form. `None` where that gives nothing (the word then does
    /// not count among the query's words); a translation without any term still counts it.
    fn any_of(&mut self, alternatives: &[Clause]) -> Option<Vec<Box<dyn Query>>> {
        let mut terms: Vec<WeightedTermQuery> = Vec::new();
        let mut others: Vec<Box<dyn Query>> = Vec::new();
        let mut counts = false;
        for a in alternatives {
            match a {
                Clause::Word(w) => {
                    terms.extend(self.word_terms(w));
                    counts = true;
                }
                Clause::Phrase(p) => others.extend(self.phrase(p, Keep::Yes)),
                a => others.extend(self.clause(a)),
            }
        }
        let mut out: Vec<Box<dyn Query>> =
            best_weight_each(terms).into_iter().map(|t| Box::new(t) as Box<dyn Query>).collect();
        out.extend(others);
        if out.is_empty() && counts {
            out.push(Box::new(EmptyQuery));
        }
        (!out.is_empty()).then_some(out)
    }

    fn clause(&mut self, c: &Clause) -> Option<Box<dyn Query>> {
        match c {
            Clause::Word(w) => self.word(w),
            Clause::Phrase(p) => self.phrase(p, Keep::No),
            Clause::AnyOf(alternatives) => {
                // A translation's phrase comes from the dictionary, not from the query's text: a
                // bounded set, so its matches are kept like the glossary's.
                let mut found: Vec<Box<dyn Query>> = alternatives
                    .iter()
                    .filter_map(|a| match a {
                        Clause::Phrase(p) => self.phrase(p, Keep::Yes),
                        a => self.clause(a),
                    })
                    .collect();
                match found.len() {
                    0 => None,
                    1 => found.pop(),
                    _ => Some(Box::new(DisjunctionMaxQuery::new(found))),
                }
            }
        }
    }

    /// A word: the best of its terms (lemmas, the raw and English forms, folded forms, typo
    /// corrections) in the searched text, where title, question and answers are already weighted
    /// (BM25F, [`crate::index::schema::BODY`]): one posting list per term, not one per part.
    fn word(&mut self, word: &str) -> Option<Box<dyn Query>> {
        Some(disjunction_max(self.word_terms(word).into_iter().map(|t| Box::new(t) as Box<dyn Query>).collect()))
    }

    /// A word that is a lemma as its own term only, on the exact-letter field: not its other
    /// readings, nor the words that fold like it (a thesaurus's `żądanie` is no `zadanie`).
    fn itself_terms(&mut self, word: &str) -> Vec<WeightedTermQuery> {
        let word = word.to_lowercase();
        let body = self.fields.body;
        let mut terms = self.name_terms(&word);
        terms.retain(|t| t.term().field() == body && t.term().value().as_str() == Some(word.as_str()));
        terms
    }

    /// Whether a question has `word` (as typed) in one of its readings: by its exact-letter terms
    /// where it has Polish letters, by its folded ones where it has none.
    fn in_the_index(&mut self, word: &str) -> bool {
        let word = word.to_lowercase();
        let (analyzer, field) = if word.is_ascii() {
            (&mut self.pl_ascii, self.fields.body_ascii)
        } else {
            (&mut self.pl, self.fields.body)
        };
        let terms = analysis::analyze(analyzer, &word);
        terms.iter().any(|t| self.doc_freq(field, t).is_some_and(|n| n > 0))
    }

    /// The terms of [`Self::word`], each boosted by its weight; none where no question has any
    /// (the word still counts as a word of the query, for the minimum to match).
    fn word_terms(&mut self, word: &str) -> Vec<WeightedTermQuery> {
        self.terms_of(word, true)
    }

    /// The terms of a glossary name's word: as [`Self::word_terms`], but never read as a
    /// misspelling of a word of the corpus. A name is written as meant (`trotuar`, which no
    /// question has, is no slip for anything), and looking for what it might misspell would cost
    /// a Levenshtein automaton per name and search.
    fn name_terms(&mut self, word: &str) -> Vec<WeightedTermQuery> {
        self.terms_of(word, false)
    }

    fn terms_of(&mut self, word: &str, slips: bool) -> Vec<WeightedTermQuery> {
        let word = word.to_lowercase();
        let stem = analysis::analyze(&mut self.pl, &word);
        // Questions in English are indexed with English stems: a query is searched in every
        // analysis, but a Polish query's Polish word has no English stem: it would be another
        // Polish word (`halas`, typed for `hałas`, stems to `hala`, a market hall) matched above
        // the word meant. An English query keeps them for its Polish translations too, whose
        // English stems happen to reach their families (`projektant` → `projekt`).
        let english = if self.language == Language::Polish && is_polish_word(&word) {
            Vec::new()
        } else {
            analysis::analyze(&mut self.en, &word)
        };
        let folded_stem = analysis::analyze(&mut self.pl_ascii, &word);
        let folded_raw = analysis::fold_polish(&word);
        let fuzzy = if slips { self.fuzzy_terms(&word, &stem, &folded_stem, &folded_raw) } else { Vec::new() };
        let raw = word;
        let (plain, folded) = (self.fields.body, self.fields.body_ascii);
        let mut alternatives: Vec<(Field, String, f32)> = Vec::new();
        // Stems for Polish text; the raw word for text indexed without stemming (other
        // languages), with and without Polish letters.
        for t in stem.iter().chain(std::iter::once(&raw)).chain(&english) {
            push_unique(&mut alternatives, (plain, t.clone(), 1.0));
        }
        // Terms no question has are left out: each would cost a scorer in every search.
        alternatives.retain(|(field, text, _)| self.doc_freq(*field, text) != Some(0));
        for t in folded_stem.iter().chain(std::iter::once(&folded_raw)) {
            // A folded term spelt like an exact one found in the index (a word without Polish
            // letters) matches the same questions at a lower weight: it could never win the
            // disjunction, only cost a second pass over the same postings.
            if !alternatives.iter().any(|(_, exact, _)| exact == t) {
                push_unique(&mut alternatives, (folded, t.clone(), rank::FOLDED_WEIGHT));
            }
        }
        for (t, d) in &fuzzy {
            push_unique(&mut alternatives, (folded, t.clone(), rank::FOLDED_WEIGHT * rank::fuzzy_weight(*d)));
        }
        alternatives.retain(|(field, text, _)| self.doc_freq(*field, text) != Some(0));
        // Each term is read by the at-least scorer from its blocks (see `term`).
        alternatives
            .into_iter()
            .map(|(field, text, weight)| WeightedTermQuery::new(Term::from_field_text(field, &text), weight))
            .collect()
    }

    /// How many questions of the index have `text` in `field` (memoised for the query: the strict
    /// and the relaxed form ask alike); `None` without an index.
    fn doc_freq(&mut self, field: Field, text: &str) -> Option<u64> {
        let searcher = self.searcher?;
        if let Some((_, n)) = self.doc_freqs.iter().find(|((f, t), _)| *f == field && t == text) {
            return Some(*n);
        }
        let n = searcher.doc_freq(&Term::from_field_text(field, text)).unwrap_or(0);
        self.doc_freqs.push(((field, text.to_string()), n));
        Some(n)
    }

    /// A bonus for questions where consecutive query words stand close together (within
    /// [`rank::PROXIMITY_SLOP`] positions) in the title or the question: "dziury na Balickiej" ranks
    /// a question about holes on Balicka above one mentioning holes and, elsewhere, Balicka.
    pub fn proximity(&mut self, should: &[Clause]) -> Option<Proximity> {
        let searcher = self.searcher?;
        // One term per word: its most frequent analysed term in the searched text (several lemmas of
        // one form cannot all stand at one position of a phrase query).
        let mut primary: Vec<Option<String>> = Vec::new();
        for c in should {
            let Clause::Word(w) = c else {
                primary.push(None);
                continue;
            };
            let terms = analysis::analyze(&mut self.pl, &w.to_lowercase());
            let best = terms
                .into_iter()
                .map(|t| {
                    let df = searcher.doc_freq(&Term::from_field_text(self.fields.body, &t)).unwrap_or(0);
                    (df, t)
                })
                .filter(|(df, _)| *df > 0)
                .max();
            primary.push(best.map(|(_, t)| t));
        }
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        for w in primary.windows(2) {
            let (Some(a), Some(b)) = (&w[0], &w[1]) else { continue };
            if a == b {
                continue;
            }
            for (field, boost) in
                [(self.fields.title, rank::FIELD_BOOSTS[0]), (self.fields.question, rank::FIELD_BOOSTS[1])]
            {
                let mut phrase =
                    PhraseQuery::new(vec![Term::from_field_text(field, a), Term::from_field_text(field, b)]);
                phrase.set_slop(rank::PROXIMITY_SLOP);
                clauses.push(boosted(Box::new(phrase), boost * rank::PROXIMITY_WEIGHT));
            }
        }
        (!clauses.is_empty()).then_some(Proximity { clauses })
    }

    /// Whether the index has no term of `word` in any analysis (a typo, or a word no question
    /// uses); words with digits are never corrected.
    fn is_unknown(&mut self, word: &str, stem: &[String], folded_stem: &[String], folded_raw: &str) -> bool {
        if self.searcher.is_none() || word.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let (plain, folded) = (self.fields.body, self.fields.body_ascii);
        let mut known = |field: Field, t: &str| self.doc_freq(field, t).is_some_and(|n| n > 0);
        !(stem.iter().any(|t| known(plain, t))
            || known(plain, word)
            || folded_stem.iter().any(|t| known(folded, t))
            || known(folded, folded_raw))
    }

    /// The words of the corpus's titles and questions a misspelt word most likely meant, nearest
    /// and commonest first (see [`fuzzy::vocabulary_distance`] for the bounds).
    fn meant(&mut self, folded_raw: &str) -> Vec<NearWord<'a>> {
        let Some(vocabulary) = self.vocabulary else { return Vec::new() };
        if let Some((_, found)) = self.meant.iter().find(|(w, _)| w == folded_raw) {
            return found.clone();
        }
        let max = fuzzy::vocabulary_distance(folded_raw.chars().count());
        let found = vocabulary.near(folded_raw, max as u8, fuzzy::MAX_MEANT);
        self.meant.push((folded_raw.to_string(), found.clone()));
        found
    }

    /// `word` as the corpus writes it where the index does not know it and the corpus has a word
    /// close to it (`pkywalni` → `pływalni`), so that the glossary sees the word meant.
    fn corrected(&mut self, word: &str) -> Option<String> {
        let word = word.to_lowercase();
        let stem = analysis::analyze(&mut self.pl, &word);
        let folded_stem = analysis::analyze(&mut self.pl_ascii, &word);
        let folded_raw = analysis::fold_polish(&word);
        if !self.is_unknown(&word, &stem, &folded_stem, &folded_raw) {
            return None;
        }
        self.meant(&folded_raw).first().map(|n| n.word.to_string())
    }

    /// Index terms close to a word the index does not know at all (a typo), on the folded field,
    /// with their edit distance: first the terms of the words the corpus writes that the typo most
    /// likely meant (a slip in an inflected form is one edit from the form, often two from its
    /// lemma: `pkywalni` is two from `plywalnia`), then the index terms near its stems.
    fn fuzzy_terms(
        &mut self,
        word: &str,
        stem: &[String],
        folded_stem: &[String],
        folded_raw: &str,
    ) -> Vec<(String, u32)> {
        let Some(searcher) = self.searcher else { return Vec::new() };
        if !self.is_unknown(word, stem, folded_stem, folded_raw) {
            return Vec::new();
        }
        self.unknown_words = true;
        let mut best: Vec<(String, u32)> = Vec::new();
        for near in self.meant(folded_raw) {
            for t in analysis::analyze(&mut self.pl_ascii, near.word) {
                if !best.iter().any(|(b, _)| *b == t) {
                    best.push((t, u32::from(near.distance)));
                }
            }
        }
        let typed_len = folded_raw.chars().count();
        let folded = self.fields.body_ascii;
        for probe in folded_stem.iter().map(String::as_str).chain(std::iter::once(folded_raw)) {
            // The bound follows the word as typed, not its (shorter) stem.
            if let Ok(found) = fuzzy::expansions_within(searcher, folded, probe, fuzzy::max_distance(typed_len)) {
                for (t, d) in found {
                    match best.iter_mut().find(|(b, _)| *b == t) {
                        Some(e) => e.1 = e.1.min(d),
                        None => best.push((t, d)),
                    }
                }
            }
        }
        best.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        best.truncate(fuzzy::MAX_EXPANSIONS);
        best
    }

    /// A phrase: its terms in order in the searched text, exact letters or folded. `keep`: a
    /// glossary name's phrase (or the words typed that matched one) or a translation's, whose
    /// matches are kept once found; a phrase typed in quotes is matched search by search, or any
    /// text could fill the cache.
    fn phrase(&mut self, text: &str, keep: Keep) -> Option<Box<dyn Query>> {
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        let (plain, folded) = (self.fields.body, self.fields.body_ascii);
        for (field, fold, weight) in [(plain, false, 1.0), (folded, true, rank::FOLDED_WEIGHT)] {
            let analyzer = if fold { &mut self.pl_ascii } else { &mut self.pl };
            let mut terms: Vec<(usize, Term)> = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                let term = Term::from_field_text(field, &t.text);
                // Of several terms at one position keep the last, the stemmer's fixed point,
                // which every inflected form of the word shares.
                match terms.last_mut() {
                    Some(last) if last.0 == t.position => last.1 = term,
                    _ => terms.push((t.position, term)),
                }
            }
            match terms.len() {
                0 => {}
                1 => {
                    let term = terms.remove(0).1;
                    let q = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                    alternatives.push(boosted(q, weight));
                }
                _ => {
                    let q: Box<dyn Query> = match (&self.phrases, keep) {
                        (Some(cache), Keep::Yes) => Box::new(CachedPhraseQuery::new(terms, Arc::clone(cache))),
                        _ => Box::new(PhraseQuery::new_with_offset(terms)),
                    };
                    alternatives.push(boosted(q, weight));
                }
            }
        }
        // Not buffered: a phrase's positions are then read only where the rest of the query
        // asks (see `best_of`).
        (!alternatives.is_empty())
            .then(|| Box::new(BestOfQuery::with_tie_breaker(alternatives, rank::FIELD_TIE_BREAKER)) as Box<dyn Query>)
    }
}

/// Whether a phrase's matches are kept (see [`QueryBuilder::phrase`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Yes,
    No,
}

/// A query with the weight it is boosted by (see [`QueryBuilder::alternatives`]).
type Weighted = (Box<dyn Query>, f32);

/// Whether `word` (lowercase) is a form of a Polish word, with its Polish letters or without them.
fn is_polish_word(word: &str) -> bool {
    let mut lemmas = Vec::new();
    analysis::sgjp(false).lemmas(word, &mut lemmas)
        || analysis::sgjp(true).lemmas(&analysis::fold_polish(word), &mut lemmas)
}

/// `terms` with each term once, at the highest of its weights (the best of a term at two weights is
/// the term at the higher: scores are not negative).
fn best_weight_each(terms: Vec<WeightedTermQuery>) -> Vec<WeightedTermQuery> {
    let mut out: Vec<WeightedTermQuery> = Vec::with_capacity(terms.len());
    for t in terms {
        match out.iter_mut().find(|o| o.term() == t.term()) {
            Some(o) if o.boost() < t.boost() => *o = t,
            Some(_) => {}
            None => out.push(t),
        }
    }
    out
}

fn push_unique(v: &mut Vec<(Field, String, f32)>, item: (Field, String, f32)) {
    if !v.iter().any(|(f, t, _)| *f == item.0 && *t == item.1) {
        v.push(item);
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::scorer_tests::{index_of, matches};

    #[test]
    fn a_term_named_twice_is_kept_once_at_its_higher_weight() {
        let t = |w: &str, boost: f32| WeightedTermQuery::new(Term::from_field_text(Field::from_field_id(0), w), boost);
        let kept = best_weight_each(vec![t("a", 0.5), t("b", 0.7), t("a", 0.9), t("b", 0.2)]);
        let kept: Vec<(String, f32)> =
            kept.iter().map(|k| (k.term().value().as_str().unwrap_or_default().to_string(), k.boost())).collect();
        assert_eq!(kept, vec![("a".to_string(), 0.9), ("b".to_string(), 0.7)]);
    }

    /// A glossary concept as `concepts` builds it (every name's terms in one flat list, each at its
    /// weight times the name's) matches and scores as the names nested (the best of each name's
    /// terms, boosted by the name's weight), inside "at least 2 of 3" and "all of 2".
    #[test]
    fn a_concept_of_flat_weighted_terms_scores_as_its_names_nested() {
        let docs: Vec<Vec<u8>> = (0..9_000u32)
            .map(|i| (0..6u8).filter(|w| i % (u32::from(*w) + 2) == 0 || (i / 7) % (u32::from(*w) + 3) == 1).collect())
            .collect();
        for split in [false, true] {
            let (index, field) = index_of(&docs, split);
            let term =
                |w: u8, boost: f32| WeightedTermQuery::new(Term::from_field_text(field, &format!("w{w}")), boost);
            // The word as typed (w0 exact, w1 folded), a name of weight 0.5 sharing w1, a name of 0.8.
            let names: Vec<(Vec<WeightedTermQuery>, f32)> = vec![
                (vec![term(0, 1.0), term(1, 0.7)], 1.0),
                (vec![term(2, 1.0), term(1, 0.7)], 0.5),
                (vec![term(3, 1.0)], 0.8),
            ];
            let flat = || -> Vec<Box<dyn Query>> {
                let terms = names.iter().flat_map(|(ts, w)| ts.iter().map(|t| t.clone().weighted_by(*w)));
                best_weight_each(terms.collect()).into_iter().map(|t| Box::new(t) as Box<dyn Query>).collect()
            };
            let nested = || -> Vec<Box<dyn Query>> {
                names
                    .iter()
                    .map(|(ts, w)| {
                        let word = disjunction_max(ts.iter().map(|t| Box::new(t.clone()) as Box<dyn Query>).collect());
                        boosted(word, *w)
                    })
                    .collect()
            };
            let others =
                || vec![vec![Box::new(term(4, 1.0)) as Box<dyn Query>], vec![Box::new(term(5, 1.0)) as Box<dyn Query>]];
            let at_least = |concept: Vec<Box<dyn Query>>| {
                let mut clauses = vec![concept];
                clauses.extend(others());
                AtLeastQuery::new(clauses, 2)
            };
            let all = |concept: Vec<Box<dyn Query>>| {
                BooleanQuery::new(vec![
                    (Occur::Must, Box::new(BestOfQuery::new(concept)) as Box<dyn Query>),
                    (Occur::Must, Box::new(term(4, 1.0)) as Box<dyn Query>),
                ])
            };
            for (ours, theirs) in [
                (matches(&index, &at_least(flat())), matches(&index, &at_least(nested()))),
                (matches(&index, &all(flat())), matches(&index, &all(nested()))),
            ] {
                assert!(ours.len() > 100, "{}", ours.len());
                assert_eq!(ours, theirs);
            }
        }
    }

    fn parse(text: &str) -> QueryAst {
        super::parse(text, &Glossary::default())
    }

    fn words(v: &[&str]) -> Vec<Clause> {
        v.iter().map(|w| Clause::Word(w.to_string())).collect()
    }

    #[test]
    fn parses_words_phrases_and_exclusions() {
        let ast = parse(r#"Dziury na "ulicy Balickiej" -tramwaj +Bronowice"#);
        assert_eq!(ast.should, words(&["Dziury"]));
        assert_eq!(ast.must, vec![Clause::Phrase("ulicy Balickiej".into()), Clause::Word("Bronowice".into())]);
        assert_eq!(ast.must_not, words(&["tramwaj"]));
    }

    #[test]
    fn hostile_text_never_panics_and_stays_bounded() {
        for text in ["\"", "\"\"", "- + -", "-\"", "\"a b", "ąę\"żó -", "🚋🚋 \u{202e}abc", "a\"b\"c", "+"] {
            let _ = parse(text);
        }
        let long = "słowo ".repeat(1000);
        assert_eq!(parse(&long).should.len(), MAX_CLAUSES);
        assert_eq!(parse(r#"-"ulica Balicka" x"#).must_not, vec![Clause::Phrase("ulica Balicka".into())]);
    }

    #[test]
    fn words_typed_as_names_are_known_but_not_the_first_word_or_an_abbreviation() {
        assert_eq!(parse("za mało miejsc parkingowych na Kurdwanowie").names, vec!["Kurdwanowie"]);
        assert_eq!(parse("czy na Białych Morzach powstaną budynki").names, vec!["Białych", "Morzach"]);
        assert_eq!(parse("Dziury na Balickiej").names, vec!["Balickiej"], "a sentence's capital is no name");
        assert!(parse("ZTP priorytet na światłach").names.is_empty(), "an abbreviation");
        assert!(parse("dziury na balickiej").names.is_empty());
        let names = parse("\"Nowa Huta\" stary Kombinat -Kurdwanów").names;
        assert_eq!(names, vec!["Kombinat"], "phrases and exclusions aside");
        let text = "Dzień dobry. Parkingi na Kurdwanowie są pełne! Kto to sprawdzi?\nSąsiedzi z Witosa";
        assert_eq!(parse(text).names, vec!["Kurdwanowie", "Witosa"], "every sentence's first word is no name");
        assert_eq!(parse("1. Parking przy Kurdwanowie").names, vec!["Kurdwanowie"]);
        assert_eq!(parse("„Parking” przy Kurdwanowie").names, vec!["Kurdwanowie"]);
        assert!(parse("Brak Miejsc Parkingowych Na Kurdwanowie").names.is_empty(), "typed in title case");
        assert_eq!(parse("hałas z Trasy Łagiewnickiej").names, vec!["Trasy", "Łagiewnickiej"]);
        assert_eq!(parse("Parking Kurdwanów").names, vec!["Kurdwanów"]);
    }

    #[test]
    fn a_sentence_opens_at_the_start_after_a_stop_or_a_line_break() {
        let text = "Dziury. „Na Balickiej” (Bronowice)\nCo dalej";
        let at = |w: &str| text.find(w).unwrap();
        assert!(opens_a_sentence(text, at("Dziury")));
        assert!(opens_a_sentence(text, at("Na")), "after a stop and an opening quote");
        assert!(!opens_a_sentence(text, at("Balickiej")));
        assert!(!opens_a_sentence(text, at("Bronowice")), "a bracket mid-sentence");
        assert!(opens_a_sentence(text, at("Co")), "after a line break");
    }

    #[test]
    fn stop_words_and_punctuation_are_dropped() {
        assert_eq!(parse("kiedy tramwaj do Mistrzejowic?").should, words(&["tramwaj", "Mistrzejowic"]));
        assert_eq!(parse("P+R").should, words(&["P", "R"]));
        assert_eq!(parse("czy się da").should, words(&["da"]));
        assert!(parse("czy to się").nothing_searchable);
        // Punctuation, or a run of letters longer than any word, is something typed that asks
        // for nothing: not the empty query, which lists everything.
        assert!(!parse("-- ??").has_positive());
        assert!(parse("-- ??").nothing_searchable);
        assert!(parse(&"q".repeat(100)).nothing_searchable);
        assert!(!parse("").nothing_searchable && !parse("  ").nothing_searchable);
        // Exclusions alone ask for everything else.
        assert!(!parse("-smog").nothing_searchable);
    }

    #[test]
    fn minimum_should_match_grows_with_the_query() {
        let got: Vec<usize> = (0..=9).map(minimum_should_match).collect();
        assert_eq!(got, vec![0, 1, 2, 2, 3, 3, 3, 4, 4, 5]);
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_within_bounds(text in ".{0,400}") {
            let ast = parse(&text);
            proptest::prop_assert!(ast.should.len() + ast.must.len() + ast.must_not.len() <= MAX_CLAUSES);
        }

        #[test]
        fn operator_soup_parses(text in "[-+\" a-zżółć]{0,200}") {
            let _ = parse(&text);
        }
    }
}
