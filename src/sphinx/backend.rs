//! The Sphinx backend (issue 13): the server's [`Backend`] over a Sphinx cluster, Ławka's
//! analysis in front.
//!
//! What stays with Ławka is analysis data: the generation `lawka index --backend sphinx`
//! built and published (its vocabulary, gazetteer, term dictionary for typo corrections, the
//! glossary, the completion words, the statistics Ławka scores with). Matching, counting, a
//! first order and the stored records are the cluster's: a query is Ławka's expanded query as
//! Sphinx's syntax (most of the optional words as the embedded query requires them, each word
//! an OR of its terms, widened while fewer than a page match; each required word or phrase as
//! an OR of its own, the excluded ones negated), matched by Sphinx and ordered by its BM25F, its first
//! 300 come back as ids with their keywords' frequencies and are scored in front as Ławka scores
//! (see [`rescore`]), with the request's filters as attribute filters; facets, totals and
//! histograms are Sphinx's counts of those matches; the page's records are read from the cluster
//! after; snippets mark the words whose terms the query asked for (Sphinx holds terms, not
//! text); the query's meaning is fused in front with the first hundred so scored, from the
//! generation's vectors of questions and their answers, as the embedded backend fuses it with
//! its own. Related questions are the embedded backend's two stages over candidates Sphinx finds.
//!
//! Where the answers differ from the embedded backend's, and why (docs/SCALE.md, "Served by
//! Sphinx"): a query of seven words or more matches every question with any of its words
//! (Ławka's own requires most of them, so its totals and facets are larger); past the first 300
//! Sphinx's BM25F orders, where a word's alternatives add up; the proximity bonus is not
//! applied; a related question's words are scored over
//! the whole searched text, not title, question and answers apart; facets and histograms count
//! the words' matches (not the questions that joined by meaning); a query of exclusions only
//! lists every question.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use tantivy::query::{Bm25Weight, Query};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Searcher;

use super::client::Client;
use super::rescore::{self, Alternative, Concept, Plan};
use super::search::{filter_conditions, name_id, question_id, sphinx_word, FilterKind, INDEX, RANKER};
use super::SphinxError;
use crate::analysis;
use crate::corpus::{QuestionId, DISTRICTS};
use crate::index::{Fields, Generation, GenerationMeta, Record};
use crate::search::export::{Bucket, Histogram, Interval};
use crate::search::query::{self, Clause, Language, QueryBuilder};
use crate::search::request::Sort;
use crate::search::response::{self, Facets, Hit};
use crate::search::suggest::{self, SuggestResponse};
use crate::search::term::WeightedTermQuery;
use crate::search::{
    dense, rank, related, snippet, translate, with_learned, Backend, FacetCount, Glossary, MatchList, QuestionResponse,
    RelatedHit, Result, Retrieval, SearchError, SearchRequest, SearchResponse, MAX_RELATED, SYNTHETIC_NOTICE,
};

/// Sphinx's first matches of a related-questions statement that the front scores (the best
/// `related::RERANK_WINDOW` of them are the candidates, as embedded).
const RELATED_CANDIDATES: usize = 100;

/// Sphinx's first matches that the front scores by its own weights (see `rescore`).
const RESCORED: usize = 300;

/// Records read per statement while an export streams.
const EXPORT_PAGE: usize = 500;

/// Deepest row of a listing (no words, or by date) whose page statement reads records: each shard
/// ships every row up to the page's last, and at ~1.8 KB a record (more with long answers) a
/// few thousand outgrow Sphinx's packet limit (8 MB), so deeper pages read ids, then the page's
/// records by id.
const LISTING_RECORDS: usize = 200;

/// Values a facet or histogram statement groups into, at most.
const GROUPS: usize = 10_000;

/// What a related-questions seed says about itself besides its words (as embedded: none of it
/// for a free text but its meaning).
struct About<'a> {
    topics: &'a [String],
    departments: &'a [String],
    vector: Option<&'a [f32]>,
}

/// A query as the cluster is asked it.
enum Text {
    /// Nothing can match: stop words only.
    Nothing,
    /// No question has the words (none of them has a searchable term), but meaning may find some.
    Unmatched { language: Language },
    /// No words: every question (under the filters).
    Everything,
    /// Sphinx's full-text expression, the folded terms it wants (the snippets mark them), the
    /// query's language as ranking cares, whether the index has every word typed (see
    /// `dense::QueryDense::words_known`), how the front scores Sphinx's first matches, and the
    /// wider forms of the query to ask, in turn, while too few questions match (see [`Wider`]),
    /// and whether this form asks for any of the words (its strict matches then score
    /// `rank::STRICT_MATCH_BONUS` more, as the embedded backend's relaxed search scores them).
    Match {
        expr: String,
        wanted: BTreeSet<String>,
        language: Language,
        words_known: bool,
        plan: Plan,
        wider: Vec<Wider>,
        relaxed: bool,
    },
}

/// A wider form of a query's words, asked when the narrower matched fewer than
/// `rank::RELAX_BELOW` questions, as the embedded search widens its own: first most of every
/// word (the words too common to select no longer set apart), then any of them.
#[derive(Clone)]
struct Wider {
    expr: String,
    plan: Plan,
    /// Any word is enough: the response says so where it added questions (`partial_match`).
    any: bool,
}

impl Text {
    fn expr(&self) -> Option<&str> {
        match self {
            Text::Match { expr, .. } => Some(expr),
            _ => None,
        }
    }

    /// The next wider form of the query, and whether it asks for any word; none where there is
    /// none.
    fn widened(&self) -> Option<(Text, bool)> {
        let Text::Match { wanted, language, words_known, wider, .. } = self else { return None };
        let (next, rest) = wider.split_first()?;
        let text = Text::Match {
            expr: next.expr.clone(),
            wanted: wanted.clone(),
            language: *language,
            words_known: *words_known,
            plan: next.plan.clone(),
            wider: rest.to_vec(),
            relaxed: next.any,
        };
        Some((text, next.any))
    }
}

/// Most words an at-least match may write (each word's alternatives counted once per time it is
/// written; see [`k_of`]). A query whose form needs more matches any of its words, as before.
/// The form's size grows with the words, not with the groups of them: 6 words with 3 needed
/// write 22 (the flat OR of every group wrote 60), 8 with 4 write 48 (280), 10 with 5 write 98
/// (1,260), 12 with 6 write 176. Chosen by the throughput of the judged queries' mix at 100k
/// questions (docs/SCALE.md, "Matching").
const MAX_WRITTEN: usize = 100;

/// A form of a query's words in Sphinx's syntax (see [`at_least`]).
#[derive(Debug, PartialEq, Eq)]
enum Form {
    /// This expression.
    Expr(String),
    /// No question can match: more words needed than have a searchable term.
    Nothing,
    /// Longer than [`MAX_WRITTEN`]: the words are asked as any of them.
    TooMany,
}

/// `groups` (each word's alternatives in Sphinx's syntax) as a full-text expression that a
/// question matches where it has `minimum_should_match` of the words that `counts`, as the
/// embedded query matches (`query::minimum_should_match`; a word with no searchable term counts
/// and matches nothing, as there). Sphinx's quorum operator takes keywords, not a word's
/// alternatives, so "k of n" is written out (see [`k_of`]). The words that do not count add to
/// the factors the front scores by and select nothing: they are asked as "the counted words, and
/// any of the set-apart ones or of the counted ones", which matches as the counted words alone
/// (a question with enough counted words has one of them), writing each counted word once more
/// rather than the whole "k of n" twice. Sphinx's own `MAYBE` operator was meant for this, but on
/// Sphinx 2.2.11 `A MAYBE B` matches as `A B` (measured: `zaparkowac MAYBE mieszkaniec` matched 9
/// questions where `zaparkowac` matched 13, and with a word no question has, none), so the front
/// lost matches and widened to partial ones.
fn at_least(groups: &[Vec<String>], counts: &[bool]) -> Form {
    let any = |g: &[String]| format!("({})", g.join(" | "));
    let k = query::minimum_should_match(counts.iter().filter(|&&c| c).count());
    let counted: Vec<String> =
        groups.iter().zip(counts).filter(|(g, c)| **c && !g.is_empty()).map(|(g, _)| any(g)).collect();
    let apart: Vec<&String> = groups.iter().zip(counts).filter(|(_, c)| !**c).flat_map(|(g, _)| g).collect();
    let n = counted.len();
    let words = match (n, k) {
        (_, 0) => return Form::TooMany,
        (n, k) if k > n => return Form::Nothing,
        (n, k) if written(n, k) > MAX_WRITTEN => return Form::TooMany,
        (_, k) => k_of(&counted, k),
    };
    Form::Expr(if apart.is_empty() {
        words
    } else {
        let apart = apart.iter().map(|s| s.as_str()).chain(counted.iter().map(String::as_str));
        format!("({words} ({}))", apart.collect::<Vec<_>>().join(" | "))
    })
}

/// "At least `k` of `words`" (1 ≤ `k` ≤ their number; each word in Sphinx's syntax): any of
/// them, all of them, or, split in two halves, `i` of the first and `k − i` of the second for
/// every `i` that can add up. The OR of every group of `k` words says the same but writes each
/// word C(n − 1, k − 1) times; this writes it a few times (see [`written`]).
fn k_of(words: &[String], k: usize) -> String {
    let n = words.len();
    let joined = |sep: &str| if n == 1 { words[0].clone() } else { format!("({})", words.join(sep)) };
    if k == 1 {
        return joined(" | ");
    }
    if k == n {
        return joined(" ");
    }
    let (first, second) = words.split_at(n / 2);
    let terms: Vec<String> = (k.saturating_sub(second.len())..=k.min(first.len()))
        .map(|i| match (i, k - i) {
            (0, j) => k_of(second, j),
            (i, 0) => k_of(first, i),
            (i, j) => format!("({} {})", k_of(first, i), k_of(second, j)),
        })
        .collect();
    if terms.len() == 1 {
        terms.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", terms.join(" | "))
    }
}

/// How many words [`k_of`] writes for `k` of `n` (remembered by (n, k): a sentence of a hundred
/// words asks only a few hundred of them, not the millions of calls the recursion would make).
fn written(n: usize, k: usize) -> usize {
    fn count(n: usize, k: usize, known: &mut HashMap<(usize, usize), usize>) -> usize {
        if k == 0 {
            return 0;
        }
        if k == 1 || k == n {
            return n;
        }
        if let Some(&w) = known.get(&(n, k)) {
            return w;
        }
        let (first, second) = (n / 2, n - n / 2);
        let w = (k.saturating_sub(second)..=k.min(first))
            .map(|i| count(first, i, known).saturating_add(count(second, k - i, known)))
            .fold(0usize, usize::saturating_add);
        known.insert((n, k), w);
        w
    }
    count(n, k, &mut HashMap::new())
}

/// The server's backend over a Sphinx cluster: the generation in front, the cluster's client.
pub struct SphinxBackend {
    generation: Arc<Generation>,
    client: Arc<Client>,
    /// Records per statement while an export streams.
    export_page: usize,
    /// Sphinx's first matches that the front scores (see [`RESCORED`]).
    rescored: usize,
}

impl SphinxBackend {
    /// The backend over `client`'s cluster, which serves what `generation` published.
    pub fn new(generation: Arc<Generation>, client: Arc<Client>) -> SphinxBackend {
        SphinxBackend { generation, client, export_page: EXPORT_PAGE, rescored: RESCORED }
    }

    /// The same, reading exports `rows` records per statement (at least one); the tests read
    /// a small corpus's export in many pages this way.
    pub fn with_export_page(self, rows: usize) -> SphinxBackend {
        SphinxBackend { export_page: rows.max(1), ..self }
    }

    /// The same, the front scoring Sphinx's first `matches`, no fewer than meaning reorders
    /// (`rank::PROXIMITY_WINDOW`, or pages would not be slices of one order); the tests reach
    /// past them in a small corpus this way.
    pub fn with_rescored(self, matches: usize) -> SphinxBackend {
        SphinxBackend { rescored: matches.max(rank::PROXIMITY_WINDOW), ..self }
    }

    fn rows(&self, statements: &[&str]) -> Result<Vec<Vec<mysql::Row>>> {
        self.client.batch(statements).map_err(unavailable)
    }

    /// The request's query as Sphinx's full-text condition (see the module's text).
    fn full_text(&self, glossary: &Glossary, q: &str) -> Text {
        let glossary = with_learned(&self.generation, glossary);
        let ast = translate::into_polish(query::parse(q, &glossary), q);
        if ast.nothing_searchable {
            // No word to search (stop words or punctuation alone): no question matches, as embedded.
            return Text::Nothing;
        }
        let mut wanted = BTreeSet::new();
        let mut concepts = Vec::new();
        let mut unknown = false;
        let groups = self.alternatives(
            &glossary,
            &ast.should,
            (&ast.names, ast.language),
            &mut wanted,
            Some(&mut concepts),
            &mut unknown,
        );
        let apart = self.set_common_apart(&mut concepts);
        let mut should: Vec<&String> = groups.iter().flatten().collect();
        should.sort();
        should.dedup();
        let mut tail = Vec::new();
        let mut required_concepts = Vec::new();
        for clause in &ast.must {
            let mut required = Vec::new();
            let alternatives: Vec<String> = self
                .alternatives(
                    &glossary,
                    std::slice::from_ref(clause),
                    (&[], ast.language),
                    &mut wanted,
                    Some(&mut required),
                    &mut unknown,
                )
                .concat();
            // Required words only add to the score: every match has them.
            required_concepts.extend(required.into_iter().map(|c| Concept { counts: false, ..c }));
            if alternatives.is_empty() {
                // A required word with no searchable term matches nothing, as embedded.
                return Text::Unmatched { language: ast.language };
            }
            tail.push(format!("({})", alternatives.join(" | ")));
        }
        if should.is_empty() && tail.is_empty() {
            return if ast.should.is_empty() { Text::Everything } else { Text::Unmatched { language: ast.language } };
        }
        for clause in &ast.must_not {
            let alternatives: Vec<String> = self
                .alternatives(
                    &glossary,
                    std::slice::from_ref(clause),
                    (&[], ast.language),
                    &mut BTreeSet::new(),
                    None,
                    &mut false,
                )
                .concat();
            if !alternatives.is_empty() {
                tail.push(format!("-({})", alternatives.join(" | ")));
            }
        }
        // The words as the embedded query matches them, then wider while too few match (see
        // `Wider`): most of the words that select, most of every word, any word.
        let any = (!should.is_empty())
            .then(|| format!("({})", should.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" | ")));
        let counts: Vec<bool> = concepts.iter().map(|c| c.counts).collect();
        let every = vec![true; counts.len()];
        if !ast.should.is_empty() && any.is_none() {
            // None of the words has a searchable term: nothing has most of them, nor any.
            return Text::Unmatched { language: ast.language };
        }
        let widens = ast.should.len() > 1;
        // A form that needs more groups than are written asks for any word, as the widest does.
        let form = |counts: &[bool]| match at_least(&groups, counts) {
            Form::Expr(e) => Some((Some(e), false)),
            Form::Nothing => None,
            Form::TooMany => Some((any.clone(), widens)),
        };
        let mut levels: Vec<(Option<String>, &[bool], bool)> = Vec::new();
        levels.extend(form(&counts).map(|(e, a)| (e, &counts[..], a)));
        if apart {
            levels.extend(form(&every).map(|(e, a)| (e, &every[..], a)));
        }
        if widens || levels.is_empty() {
            let last = levels.last().map_or(&counts[..], |l| l.1);
            levels.push((any.clone(), last, true));
        }
        // The same form twice is asked once, saying it asks for any word if either does.
        let mut unique: Vec<(Option<String>, &[bool], bool)> = Vec::new();
        for level in levels {
            match unique.last_mut() {
                Some(last) if last.0 == level.0 => last.2 |= level.2,
                _ => unique.push(level),
            }
        }
        let levels = unique;
        let mut forms = levels.into_iter().map(|(words, counts, any)| {
            let parts: Vec<&str> = words.as_deref().into_iter().chain(tail.iter().map(String::as_str)).collect();
            let expr = format!("@body {}", parts.join(" "));
            let mut level: Vec<Concept> =
                concepts.iter().zip(counts).map(|(c, &counts)| Concept { counts, ..c.clone() }).collect();
            level.extend(required_concepts.iter().cloned());
            let plan = Plan { concepts: level, positions: rescore::keyword_positions(&expr) };
            Wider { expr, plan, any }
        });
        let Some(Wider { expr, plan, .. }) = forms.next() else { return Text::Everything };
        Text::Match {
            expr,
            wanted,
            language: ast.language,
            words_known: !unknown,
            plan,
            wider: forms.collect(),
            relaxed: false,
        }
    }

    /// Marks the words too common to select questions (see `rank::COMMON_WORD_SHARE`) as not
    /// counting towards a strict match, as the embedded query sets them apart: a word is common
    /// where its commonest term is, unless every word or none is, or there is one word.
    fn set_common_apart(&self, concepts: &mut [Concept]) -> bool {
        let searcher = self.generation.searcher();
        let docs = searcher.num_docs().max(1) as f32;
        // A word with a phrase among its alternatives (a glossary name) is never common.
        let common: Vec<bool> = concepts
            .iter()
            .map(|c| {
                let commonest = c.alternatives.iter().try_fold(0u64, |most, a| a.doc_freq.map(|df| most.max(df)));
                commonest.is_some_and(|df| df as f32 / docs > rank::COMMON_WORD_SHARE)
            })
            .collect();
        let apart = concepts.len() > 1 && common.iter().any(|&c| c) && !common.iter().all(|&c| c);
        if apart {
            for (c, common) in concepts.iter_mut().zip(common) {
                c.counts = !common;
            }
        }
        apart
    }

    /// Each alternative Ławka's query builder makes of `clauses` (see [`QueryBuilder::alternatives`])
    /// in Sphinx's syntax: a term as the published documents hold it (folded), with the weight
    /// Ławka gives it (lemmas 1, folded forms, typo corrections and the glossary's other names
    /// less) shared among its word's terms, as Sphinx's IDF boost. Sphinx adds up a word's terms
    /// where Ławka takes the best of them, and a word of the documents stands for all its
    /// lemmas: shared, a word weighs about what it weighs in Ławka. A glossary name of several
    /// words, and a phrase the resident quoted, are asked for as a phrase (its words near each
    /// other): as its words one by one, a name matched every question with any of them. Each
    /// word's alternatives apart, in the order of the words; the terms go into `wanted`.
    /// With `plan`, each word's alternatives as the front scores them (see [`rescore`]). `names`
    /// are the words typed as names ([`query::QueryAst::names`]), `language` the query's; `unknown` is
    /// set where the index lacks a word typed.
    fn alternatives(
        &self,
        glossary: &Glossary,
        clauses: &[Clause],
        (names, language): (&[String], Language),
        wanted: &mut BTreeSet<String>,
        mut plan: Option<&mut Vec<Concept>>,
        unknown: &mut bool,
    ) -> Vec<Vec<String>> {
        if clauses.is_empty() {
            return Vec::new();
        }
        let searcher = self.generation.searcher();
        let f = &self.generation.fields;
        let mut builder = QueryBuilder::new(f, glossary, Some(&searcher)).with_names(names).with_language(language);
        let mut groups = Vec::new();
        for concept in builder.alternatives(clauses) {
            let mut out = BTreeSet::new();
            if let Some(plan) = plan.as_deref_mut() {
                let alternatives = concept.iter().filter_map(|(a, w)| scored_alternative(&searcher, f, a.as_ref(), *w));
                plan.push(Concept { alternatives: alternatives.collect(), counts: true });
            }
            // The word's terms, each with its best weight.
            let mut terms: BTreeMap<String, f32> = BTreeMap::new();
            for (alternative, _) in concept {
                let boost = alternative.downcast_ref::<WeightedTermQuery>().map_or(1.0, WeightedTermQuery::boost);
                // A phrase is asked in both analyses (the best of them): its exact-letter words,
                // else its folded ones, once (both folded alike would write it twice).
                let (mut plain, mut folded, mut positional) = (Vec::new(), Vec::new(), false);
                alternative.query_terms(&mut |t, positions| {
                    let words = if t.field() == f.body {
                        &mut plain
                    } else if t.field() == f.body_ascii {
                        &mut folded
                    } else {
                        return;
                    };
                    if let Some(s) = t.value().as_str() {
                        let w = sphinx_word(&analysis::fold_polish(s));
                        if !w.is_empty() && words.last() != Some(&w) {
                            words.push(w);
                        }
                    }
                    positional |= positions;
                });
                let words = if plain.is_empty() { folded } else { plain };
                if positional && words.len() > 1 {
                    out.insert(format!("\"{}\"~{}", words.join(" "), 2 * words.len()));
                    wanted.extend(words);
                    continue;
                }
                for w in words {
                    let best = terms.entry(w).or_insert(0.0);
                    *best = best.max(boost);
                }
            }
            let shares = terms.len().max(1) as f32;
            for (term, boost) in terms {
                out.insert(weighted(&term, boost / shares));
                wanted.insert(term);
            }
            groups.push(out.into_iter().collect());
        }
        *unknown |= builder.met_unknown_words();
        groups
    }

    /// The `WHERE` conditions of a request (its full text and filters, all but `except`).
    fn conditions(&self, text: &Text, req: &SearchRequest, except: Option<FilterKind>) -> String {
        let mut conditions: Vec<String> = text.expr().map(|m| format!("MATCH('{m}')")).into_iter().collect();
        conditions.extend(filter_conditions(&req.filters, except));
        if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        }
    }

    /// `ORDER BY`, `LIMIT` and `OPTION` of the matches `offset..offset + limit` in the order
    /// `sort` asks.
    fn listing(text: &Text, sort: Sort, offset: usize, limit: usize) -> String {
        let ranked = text.expr().is_some();
        let order = match sort {
            // Ties by the question's place in time, never by the shards' document numbers,
            // which follow the build's order (so every publication ranks alike).
            Sort::Relevance if ranked => "WEIGHT() DESC, date DESC, meeting ASC, n ASC",
            // Nothing to rank by: the newest first, as a listing; within a meeting, in its order
            // (as the embedded index's date keys).
            Sort::Relevance | Sort::DateDesc => "date DESC, meeting ASC, n ASC",
            Sort::DateAsc => "date ASC, meeting ASC, n ASC",
        };
        let ranker = if ranked { format!(", ranker={RANKER}") } else { String::new() };
        let max_matches = (offset + limit).max(1);
        format!(" ORDER BY {order} LIMIT {offset}, {limit} OPTION max_matches={max_matches}{ranker}")
    }

    /// The facets of the request's matches, each counted without its own filter.
    fn facets(&self, rows: &[Vec<mysql::Row>]) -> Result<Facets> {
        let meta = &self.generation.meta;
        // Values are name hashes (see `name_id`): named back from the vocabulary in front; a
        // value it does not know (a newer generation's on the shards) is left out.
        let names = |list: &[String]| -> HashMap<u64, String> {
            list.iter().map(|v| (u64::from(name_id(v)), v.clone())).collect()
        };
        let districts = names(&DISTRICTS.map(str::to_string));
        let (departments, topics) = (names(&meta.departments), names(&meta.topics));
        let counts = |rows: &[mysql::Row], value: &dyn Fn(u64) -> Option<String>| -> Result<Vec<FacetCount>> {
            let mut out = Vec::new();
            for row in rows {
                let (key, count): (u64, u64) = pair(row)?;
                if let Some(value) = value(key) {
                    out.push(FacetCount { value, count });
                }
            }
            out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            Ok(out)
        };
        let [district, department, topic, year] = rows else {
            return Err(SearchError::Backend("Sphinx answered fewer facet lists than asked".into()));
        };
        let mut year = counts(year, &|y| Some(y.to_string()))?;
        year.sort_by(|a, b| a.value.cmp(&b.value));
        Ok(Facets {
            district: counts(district, &|id| districts.get(&id).cloned())?,
            department: counts(department, &|id| departments.get(&id).cloned())?,
            topic: counts(topic, &|id| topics.get(&id).cloned())?,
            year,
        })
    }

    /// The record of question `id`.
    fn record(&self, id: &str) -> Result<Option<Record>> {
        Ok(self.records_by_id("", &[id])?.into_iter().next().map(|(rec, _)| rec))
    }

    /// The records (and documents' numbers) of the questions `ids` that pass `conditions` (see
    /// [`records_by_id`]).
    fn records_by_id(&self, conditions: &str, ids: &[&str]) -> Result<Vec<(Record, u64)>> {
        records_by_id(&self.client, conditions, ids)
    }

    /// Questions related to a free text read as a question's text, as embedded: its words with
    /// their Polish translations, its meaning as a search embeds it.
    fn more_like_text(&self, glossary: &Glossary, text: &str, limit: usize) -> Result<Vec<RelatedHit>> {
        let translated = translate::for_words(text);
        let vector = dense::enabled(&self.generation).then(|| {
            let polish = !dense::is_foreign(text);
            let meaning = translate::for_meaning(text);
            dense::query_vector(&dense::as_the_corpus_spells(&self.generation, &meaning, polish))
        });
        let vector = vector.flatten();
        let about = About { topics: &[], departments: &[], vector: vector.as_deref() };
        self.more_like(glossary, ["", &translated, ""], &about, None, limit)
    }

    /// The questions most like `seed` (title, question, answers), best first, without the
    /// question `exclude`: the embedded backend's two stages (`search::related`) with Sphinx
    /// finding the candidates. The seed's weighted terms (`related::select_terms`) as an OR;
    /// Sphinx's first [`RELATED_CANDIDATES`] scored in front by their keywords' frequencies with
    /// the generation's statistics (see [`rescore`]), the best
    /// [`related::RERANK_WINDOW`] kept, the questions nearest in meaning added; reordered by the
    /// likeness of the whole texts by words and by the glossary's groups they name
    /// (`related::likeness`, over the records Sphinx returns), shared
    /// topics and units and closeness in meaning (`related::second_stage`); the words of
    /// the one so ranked first added to every candidate's text score, and reordered again.
    fn more_like(
        &self,
        glossary: &Glossary,
        seed: [&str; 3],
        about: &About<'_>,
        exclude: Option<&str>,
        limit: usize,
    ) -> Result<Vec<RelatedHit>> {
        let searcher = self.generation.searcher();
        let terms = related::select_terms(&searcher, &self.generation, seed, exclude.is_some())?;
        let vectors = self.generation.dense.as_ref();
        let near: Vec<(String, f32)> = match (about.vector, vectors) {
            (Some(v), Some(d)) => related::nearest_ids(d, v),
            _ => Vec::new(),
        };
        let near_cosines: Vec<f32> = near.iter().map(|(_, cos)| *cos).collect();
        if terms.is_empty() && near.is_empty() {
            return Ok(Vec::new());
        }
        // Candidates by words: (text score, document number, id).
        let mut by_words: Vec<(f32, u64, String)> = Vec::new();
        if let Some((plan, expr)) = self.terms_plan(&searcher, &terms) {
            let mut sql = format!(
                "SELECT id, qid, PACKEDFACTORS({{no_atc=1}}) AS f, body_len FROM {INDEX} WHERE MATCH('{expr}')"
            );
            // One more than wanted: the seed itself is left out here (a string filter would
            // compare every match's id on every shard).
            let n = RELATED_CANDIDATES + 1;
            sql += &format!(
                " ORDER BY WEIGHT() DESC, date DESC, meeting ASC, n ASC LIMIT {n} OPTION max_matches={n}, ranker={RANKER}"
            );
            for row in self.rows(&[&sql])?.into_iter().flatten() {
                let (Some(doc), Some(qid)) = (column::<u64>(&row, 0), column::<String>(&row, 1)) else {
                    return Err(SearchError::Backend("Sphinx answered a match without its id".into()));
                };
                if exclude == Some(qid.as_str()) {
                    continue;
                }
                let packed: String = column(&row, 2).unwrap_or_default();
                let text = plan.score(&rescore::keyword_tfs(&packed), column(&row, 3).unwrap_or(0)).score;
                by_words.push((text, doc, qid));
            }
            // Stable: ties keep Sphinx's order.
            by_words.sort_by(|a, b| b.0.total_cmp(&a.0));
            by_words.truncate(related::RERANK_WINDOW.max(limit));
        }
        // The candidates' records: by document number, and by id for those nearest in meaning
        // that the words did not bring.
        let docs: HashMap<String, u64> = by_words.iter().map(|(_, doc, id)| (id.clone(), *doc)).collect();
        let mut ids: Vec<(f32, String)> = by_words.into_iter().map(|(text, _, id)| (text, id)).collect();
        for (id, _) in near {
            if exclude != Some(id.as_str()) && !ids.iter().any(|(_, i)| *i == id) {
                ids.push((0.0, id));
            }
        }
        let mut candidates = self.records_with_numbers(ids, &docs)?;
        let records: Vec<&Record> = candidates.iter().map(|c| &c.1).collect();
        let glossary = crate::search::with_learned(&self.generation, glossary);
        let alike = related::likeness(&searcher, &self.generation, &glossary, seed, exclude, &records)?;
        let mut scores = self.second_stage(&candidates, &alike, about, &near_cosines);
        // Feedback by words, as embedded: the most telling words of the candidate ranked first
        // join the seed's, scored over the same candidates and added.
        let first = (0..scores.len()).max_by(|&i, &j| scores[i].total_cmp(&scores[j]).then(j.cmp(&i)));
        if let Some(best) = first.map(|i| &candidates[i].1) {
            let feedback = related::select_terms(
                &searcher,
                &self.generation,
                [best.title.as_str(), best.question.as_str(), ""],
                true,
            )?;
            let feedback = related::feedback_terms(&terms, feedback);
            if let Some((plan, expr)) = self.terms_plan(&searcher, &feedback) {
                let list: Vec<String> = candidates.iter().map(|c| c.2.to_string()).collect();
                let n = list.len();
                let sql = format!(
                    "SELECT id, PACKEDFACTORS({{no_atc=1}}) AS f, body_len FROM {INDEX} WHERE MATCH('{expr}') AND id IN ({}) \
                     LIMIT {n} OPTION max_matches={n}, ranker={RANKER}",
                    list.join(",")
                );
                let mut added: HashMap<u64, f32> = HashMap::new();
                for row in self.rows(&[&sql])?.into_iter().flatten() {
                    let packed: String = column(&row, 1).unwrap_or_default();
                    let text = plan.score(&rescore::keyword_tfs(&packed), column(&row, 2).unwrap_or(0)).score;
                    added.extend(column::<u64>(&row, 0).map(|doc| (doc, text)));
                }
                for c in candidates.iter_mut() {
                    c.0 += added.get(&c.2).copied().unwrap_or(0.0);
                }
                scores = self.second_stage(&candidates, &alike, about, &near_cosines);
            }
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        // Stable: ties keep the candidates' order, as embedded.
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let mut slots: Vec<Option<(f32, Record, u64)>> = candidates.into_iter().map(Some).collect();
        Ok(order
            .into_iter()
            .filter_map(|i| slots[i].take().map(|(_, rec, _)| (scores[i], rec)))
            .take(limit)
            .map(|(score, rec)| RelatedHit {
                url: response::question_url(&rec.id),
                score,
                date: rec.meeting.date,
                district: rec.district,
                id: rec.id,
                title: rec.title,
            })
            .collect())
    }

    /// `terms` (folded?, term, weight) as the front scores them, each its own word (see
    /// [`rescore`]), and as Sphinx's OR, a keyword's IDF boost its best weight; none without a
    /// term Sphinx can hold.
    fn terms_plan(&self, searcher: &Searcher, terms: &[(bool, String, f32)]) -> Option<(Plan, String)> {
        let f = &self.generation.fields;
        let mut concepts = Vec::new();
        let mut boosts: BTreeMap<String, f32> = BTreeMap::new();
        for (folded, text, weight) in terms {
            let word = sphinx_word(&analysis::fold_polish(text));
            if word.is_empty() {
                continue;
            }
            let field = if *folded { f.body_ascii } else { f.body };
            let term = tantivy::Term::from_field_text(field, text);
            let Ok(bm25) = Bm25Weight::for_terms(searcher, &[term]) else { continue };
            let best = boosts.entry(word.clone()).or_insert(0.0);
            *best = best.max(*weight);
            let alternative = Alternative { words: vec![word], weight: bm25.boost_by(*weight), doc_freq: None };
            concepts.push(Concept { alternatives: vec![alternative], counts: false });
        }
        if boosts.is_empty() {
            return None;
        }
        let words: Vec<String> = boosts.iter().map(|(w, b)| weighted(w, *b)).collect();
        let expr = format!("@body {}", words.join(" | "));
        let positions = rescore::keyword_positions(&expr);
        Some((Plan { concepts, positions }, expr))
    }

    /// The records of `ids` (in order, with their text scores) and their documents' numbers:
    /// by number where `docs` has it, by id otherwise; a question the shards do not hold is
    /// left out, never another's score given to the next.
    fn records_with_numbers(
        &self,
        ids: Vec<(f32, String)>,
        docs: &HashMap<String, u64>,
    ) -> Result<Vec<(f32, Record, u64)>> {
        let list: Vec<String> = ids.iter().filter_map(|(_, id)| docs.get(id)).map(u64::to_string).collect();
        let mut found: HashMap<String, (Record, u64)> = HashMap::new();
        if !list.is_empty() {
            let n = list.len();
            let sql = format!(
                "SELECT id, record FROM {INDEX} WHERE id IN ({}) LIMIT {n} OPTION max_matches={n}",
                list.join(",")
            );
            for row in self.rows(&[&sql])?.into_iter().flatten() {
                let rec = parse_record(&row, 1)?;
                if let Some(doc) = column::<u64>(&row, 0) {
                    found.insert(rec.id.clone(), (rec, doc));
                }
            }
        }
        // Those without a number, or whose number now holds another question (a publication
        // switched the shards between the statements), by id.
        let by_id: Vec<&str> =
            ids.iter().filter(|(_, id)| !found.contains_key(id)).map(|(_, id)| id.as_str()).collect();
        found.extend(self.records_by_id("", &by_id)?.into_iter().map(|(rec, doc)| (rec.id.clone(), (rec, doc))));
        Ok(ids.into_iter().filter_map(|(text, id)| found.remove(&id).map(|(rec, doc)| (text, rec, doc))).collect())
    }

    /// The embedded backend's second-stage scores (`related::second_stage`) of `candidates`
    /// (text score, record, document number) and their whole texts' likeness to the seed
    /// (`alike`); `near`: the cosines of the questions nearest the
    /// seed, best first.
    fn second_stage(
        &self,
        candidates: &[(f32, Record, u64)],
        alike: &[related::Likeness],
        about: &About<'_>,
        near: &[f32],
    ) -> Vec<f32> {
        let texts: Vec<(f32, &Record)> = candidates.iter().map(|(t, rec, _)| (*t, rec)).collect();
        let meaning = about.vector.zip(self.generation.dense.as_ref());
        related::second_stage(&texts, alike, about.topics, about.departments, meaning, near, |i, d| {
            d.vector_of_id(&candidates[i].1.id)
        })
    }

    /// The questions nearest to the query in meaning (the first [`rank::DENSE_ADDED`]) that
    /// pass the request's filters and are not among `ranked` already.
    fn joined(&self, dense: &dense::QueryDense, req: &SearchRequest, ranked: &[(f32, String)]) -> Result<Vec<Record>> {
        let conditions = self.conditions(&Text::Everything, req, None);
        let ids: Vec<&str> = dense.additions().filter(|id| !ranked.iter().any(|(_, r)| r == id)).collect();
        Ok(self.records_by_id(&conditions, &ids)?.into_iter().map(|(rec, _)| rec).collect())
    }

    /// The records of `page` (question ids, in order), those not `known` read by their
    /// documents' numbers in `docs`. A question the shards no longer hold under its number (a
    /// publication switched them between the statements) is read by its id.
    fn records_of(
        &self,
        page: Vec<(f32, String)>,
        docs: &HashMap<String, u64>,
        mut known: HashMap<String, Record>,
    ) -> Result<Vec<(f32, Record)>> {
        let wanted: Vec<u64> =
            page.iter().filter(|(_, id)| !known.contains_key(id)).filter_map(|(_, id)| docs.get(id).copied()).collect();
        if !wanted.is_empty() {
            let list: Vec<String> = wanted.iter().map(u64::to_string).collect();
            let n = wanted.len();
            let sql =
                format!("SELECT record FROM {INDEX} WHERE id IN ({}) LIMIT {n} OPTION max_matches={n}", list.join(","));
            for row in self.rows(&[&sql])?.into_iter().flatten() {
                let rec = parse_record(&row, 0)?;
                known.insert(rec.id.clone(), rec);
            }
        }
        let mut out = Vec::with_capacity(page.len());
        for (score, id) in page {
            let rec = match known.remove(&id) {
                Some(rec) => Some(rec),
                None => self.record(&id)?,
            };
            out.extend(rec.map(|rec| (score, rec)));
        }
        Ok(out)
    }

    /// A hit of `rec`, its snippets marking the `wanted` terms where the request asks for them.
    fn hit(&self, score: f32, rec: Record, req: &SearchRequest, wanted: &BTreeSet<String>) -> Hit {
        let is_wanted = |t: &str| wanted.contains(&sphinx_word(t));
        let (question_snippet, answer_snippet) = if req.snippets {
            let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
            let question = snippet::by_terms(&rec.question, &mut self.snippet_analyzer(&rec.lang), is_wanted);
            // Answers are the city's Polish whatever the question's language.
            let answer = snippet::by_terms(&answers.join("\n\n"), &mut self.snippet_analyzer("pl"), is_wanted);
            (question, answer)
        } else {
            (String::new(), String::new())
        };
        Hit::of(rec, score, question_snippet, answer_snippet)
    }

    /// How many of `joined` the words of `text` do not match (the others are counted already).
    fn not_matched(&self, text: &Text, req: &SearchRequest, joined: &[Record]) -> Result<u64> {
        if joined.is_empty() || text.expr().is_none() {
            return Ok(joined.len() as u64);
        }
        let conditions = self.conditions(text, req, None);
        let hashes: Vec<String> = joined.iter().map(|r| question_id(&r.id).to_string()).collect();
        let n = joined.len();
        let sql = format!(
            "SELECT qid FROM {INDEX}{conditions} AND qhash IN ({}) LIMIT {n} OPTION max_matches={n}, ranker=none",
            hashes.join(",")
        );
        let matched: BTreeSet<String> =
            self.rows(&[&sql])?.into_iter().flatten().filter_map(|r| column(&r, 0)).collect();
        Ok(joined.iter().filter(|r| !matched.contains(&r.id)).count() as u64)
    }

    /// The analyzer whose terms a hit's snippets are matched against.
    fn snippet_analyzer(&self, lang: &str) -> TextAnalyzer {
        let name = if lang == "pl" { analysis::PL_ASCII } else { "" };
        self.generation.index.tokenizers().get(name).unwrap_or_else(|| analysis::plain_analyzer(true))
    }
}

/// The first [`rank::PROXIMITY_WINDOW`] of `ranked` (question ids in the words' order) with
/// `joined` (questions that joined by meaning) fused with the order by meaning, and again with
/// the query moved towards the meaning of the question the first fusion puts first; then the
/// rest of `ranked` as it was: the embedded backend's `search::fuse_head`, so every page of a
/// search is a slice of one order whatever the window fetched.
fn fused(
    generation: &Generation,
    dense: &dense::QueryDense,
    mut ranked: Vec<(f32, String)>,
    joined: Vec<String>,
) -> Vec<(f32, String)> {
    let rest = ranked.split_off(ranked.len().min(rank::PROXIMITY_WINDOW));
    let mut head = ranked;
    for id in joined {
        if !head.iter().any(|(_, r)| *r == id) {
            head.push((0.0, id));
        }
    }
    let by_words = head.clone();
    dense.fuse_ids(&mut head);
    if let Some(again) = head.first().and_then(|(_, best)| dense.with_feedback_of_id(generation, best)) {
        head = by_words;
        again.fuse_ids(&mut head);
    }
    let in_head: BTreeSet<String> = head.iter().map(|(_, id)| id.clone()).collect();
    head.extend(rest.into_iter().filter(|(_, id)| !in_head.contains(id)));
    head
}

/// Column `i` of `row`, where it holds a `T`.
fn column<T: mysql::prelude::FromValue>(row: &mysql::Row, i: usize) -> Option<T> {
    row.get_opt(i).and_then(|v| v.ok())
}

/// An alternative of a query word as the front scores it (see [`rescore`]): a term at its
/// boost, or a phrase (a glossary name of several words, a quoted phrase) as its exact-letter
/// terms (the folded ones where it has none) at `weight`, the glossary name's.
fn scored_alternative(searcher: &Searcher, f: &Fields, q: &dyn Query, weight: f32) -> Option<Alternative> {
    let (terms, boost, doc_freq) = match q.downcast_ref::<WeightedTermQuery>() {
        Some(t) => (vec![t.term().clone()], t.boost() * weight, Some(searcher.doc_freq(t.term()).ok()?)),
        None => {
            let (mut plain, mut folded) = (Vec::new(), Vec::new());
            q.query_terms(&mut |t, _| {
                if t.field() == f.body {
                    plain.push(t.clone());
                } else if t.field() == f.body_ascii {
                    folded.push(t.clone());
                }
            });
            (if plain.is_empty() { folded } else { plain }, weight, None)
        }
    };
    if terms.is_empty() {
        return None;
    }
    let weight = Bm25Weight::for_terms(searcher, &terms).ok()?.boost_by(boost);
    let words: Vec<String> = terms
        .iter()
        .filter_map(|t| t.value().as_str().map(|s| sphinx_word(&analysis::fold_polish(s))))
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then_some(Alternative { words, weight, doc_freq })
}

/// `term` with Sphinx's IDF boost `weight` (none where it is 1).
fn weighted(term: &str, weight: f32) -> String {
    if (weight - 1.0).abs() < 1e-3 {
        term.to_string()
    } else {
        format!("{term}^{weight:.3}")
    }
}

/// An error of the cluster as the server answers it: unavailable (503) where no node answered
/// in time, a fault (500) where Sphinx refused what Ławka asked.
fn unavailable(e: SphinxError) -> SearchError {
    match e {
        SphinxError::Unavailable { .. } => SearchError::Unavailable(e.to_string()),
        other => SearchError::Backend(other.to_string()),
    }
}

fn pair(row: &mysql::Row) -> Result<(u64, u64)> {
    let get = |i: usize| -> Result<u64> {
        row.get_opt::<u64, usize>(i)
            .and_then(|v| v.ok())
            .ok_or_else(|| SearchError::Backend(format!("Sphinx answered a row without column {i}")))
    };
    Ok((get(0)?, get(1)?))
}

fn parse_record(row: &mysql::Row, column: usize) -> Result<Record> {
    let json: String = row.get_opt(column).and_then(|v| v.ok()).ok_or_else(|| SearchError::Record {
        id: "?".into(),
        reason: "Sphinx answered a row without its record".into(),
    })?;
    serde_json::from_str(&json).map_err(|e| SearchError::Record { id: "?".into(), reason: e.to_string() })
}

impl Backend for SphinxBackend {
    fn name(&self) -> &'static str {
        "sphinx"
    }

    fn meta(&self) -> &GenerationMeta {
        &self.generation.meta
    }

    fn search(&self, glossary: &Glossary, req: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let mut text = self.full_text(glossary, &req.q);
        let (mut response, mut matched) = self.search_text(&text, req)?;
        // Too few questions have most of the words: wider forms of the query, as embedded.
        while matched < rank::RELAX_BELOW {
            let Some((wider, any)) = text.widened() else { break };
            let (mut next, next_matched) = self.search_text(&wider, req)?;
            next.partial_match |= any && next_matched > matched;
            (response, matched, text) = (next, next_matched, wider);
        }
        response.took_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
        Ok(response)
    }

    fn question(&self, id: &QuestionId) -> Result<QuestionResponse> {
        let rec = self.record(&id.to_string())?.ok_or_else(|| SearchError::NotFound(id.to_string()))?;
        Ok(QuestionResponse::of(rec))
    }

    fn related_to_question(&self, glossary: &Glossary, id: &QuestionId, limit: usize) -> Result<Vec<RelatedHit>> {
        let limit = limit.clamp(1, MAX_RELATED);
        let seed = self.record(&id.to_string())?.ok_or_else(|| SearchError::NotFound(id.to_string()))?;
        // The seed's meaning, where dense retrieval is on and it has a vector.
        let vector = dense::enabled(&self.generation)
            .then(|| self.generation.dense.as_ref().and_then(|d| d.vector_of_id(&seed.id)))
            .flatten();
        let answers: Vec<&str> = seed.answers.iter().map(|a| a.text.as_str()).collect();
        let seed_text = [seed.title.as_str(), seed.question.as_str(), &answers.join("\n\n")];
        let about = About { topics: &seed.topics, departments: &seed.departments, vector };
        self.more_like(glossary, seed_text, &about, Some(&seed.id), limit)
    }

    fn related_to_text(&self, glossary: &Glossary, text: &str, limit: usize) -> Result<Vec<RelatedHit>> {
        // As embedded (`search::related_to_text`): a text short enough for a query is searched;
        // a longer one, or one the search finds nothing for, is read as a question's text.
        let limit = limit.clamp(1, MAX_RELATED);
        let searched = match related::text_as_search(&self.generation.meta, text, limit) {
            Some(req) => related::hits_as_related(self.search(glossary, &req)?.hits),
            None => Vec::new(),
        };
        if searched.is_empty() && related::asks_for_something(glossary, text) {
            return self.more_like_text(glossary, text, limit);
        }
        Ok(searched)
    }

    fn suggest(&self, glossary: &Glossary, prefix: &str, limit: usize) -> Result<SuggestResponse> {
        // Completion words are analysis data: the generation in front has them.
        suggest::suggest(&self.generation, glossary, prefix, limit)
    }

    fn histogram(&self, glossary: &Glossary, req: &SearchRequest, interval: Interval) -> Result<Histogram> {
        let mut text = self.full_text(glossary, &req.q);
        if matches!(text, Text::Nothing | Text::Unmatched { .. }) {
            return Ok(Histogram { interval: interval.as_str(), total: 0, buckets: Vec::new() });
        }
        let mut buckets = self.buckets(&text, req, interval)?;
        // The same questions as the search counts: wider while too few match.
        while buckets.iter().map(|b| b.count).sum::<u64>() < rank::RELAX_BELOW {
            let Some((wider, _)) = text.widened() else { break };
            buckets = self.buckets(&wider, req, interval)?;
            text = wider;
        }
        Ok(Histogram { interval: interval.as_str(), total: buckets.iter().map(|b| b.count).sum(), buckets })
    }

    fn matches(&self, glossary: &Glossary, req: &SearchRequest) -> Result<Box<dyn MatchList>> {
        let mut text = self.full_text(glossary, &req.q);
        let mut total = match text {
            Text::Nothing | Text::Unmatched { .. } => 0,
            _ => self.count(&text, req)?,
        };
        // The same questions as the search finds: wider while too few match.
        while total < rank::RELAX_BELOW {
            let Some((wider, _)) = text.widened() else { break };
            total = self.count(&wider, req)?;
            text = wider;
        }
        let conditions = self.conditions(&text, req, None);
        Ok(Box::new(SphinxMatches {
            client: Arc::clone(&self.client),
            conditions,
            text,
            sort: req.sort,
            total: total as usize,
            page: self.export_page,
        }))
    }

    fn retrieval(&self) -> Retrieval {
        // Meaning is fused in front, from the generation's vectors, as embedded.
        self.generation.retrieval()
    }
}

impl SphinxBackend {
    /// The search of `text` (one form of the request's query, see [`Text::widened`]), and how
    /// many questions its words matched (before any joined by meaning).
    fn search_text(&self, text: &Text, req: &SearchRequest) -> Result<(SearchResponse, u64)> {
        let started = Instant::now();
        let (mut hits, mut total, mut facets) = (Vec::new(), 0, Facets::default());
        let mut matched = 0;
        if let (Text::Unmatched { language }, true) = (&text, req.dense && req.sort == Sort::Relevance) {
            // Words that match nothing: the questions nearest in meaning, as embedded.
            if let Some(dense) = dense::QueryDense::of(&self.generation, &translate::for_meaning(&req.q), *language) {
                let joined = self.joined(&dense, req, &[])?;
                total = joined.len() as u64;
                let ids = joined.iter().map(|r| r.id.clone()).collect();
                let mut known: HashMap<String, Record> = joined.into_iter().map(|r| (r.id.clone(), r)).collect();
                hits = fused(&self.generation, &dense, Vec::new(), ids)
                    .into_iter()
                    .skip(req.offset)
                    .take(req.limit)
                    .filter_map(|(score, id)| known.remove(&id).map(|rec| self.hit(score, rec, req, &BTreeSet::new())))
                    .collect();
            }
        } else if !matches!(text, Text::Nothing | Text::Unmatched { .. }) {
            // Meaning, where the request, the model and the generation's vectors allow: the
            // first [`rank::PROXIMITY_WINDOW`] by Ławka's scores fused with the questions
            // nearest in meaning, as the embedded backend fuses its own.
            let dense = match &text {
                Text::Match { language, words_known, .. } if req.dense && req.sort == Sort::Relevance => {
                    dense::QueryDense::of(&self.generation, &translate::for_meaning(&req.q), *language).map(|mut d| {
                        d.words_known = *words_known;
                        d
                    })
                }
                _ => None,
            };
            // Ranked by words, the first [`RESCORED`] are scored in front by their keywords'
            // frequencies (see `rescore`), read as ids; the page's records are read after.
            let plan = match &text {
                Text::Match { plan, relaxed, .. } if req.sort == Sort::Relevance => Some((plan, *relaxed)),
                _ => None,
            };
            let shallow = req.offset + req.limit <= LISTING_RECORDS;
            // Without the ATC factor, which Ławka does not read (a fifth of the statement's time).
            let page = match plan {
                Some(_) => format!(
                    "SELECT id, qid, PACKEDFACTORS({{no_atc=1}}) AS f, body_len FROM {INDEX}{}{}",
                    self.conditions(text, req, None),
                    Self::listing(text, req.sort, 0, self.rescored),
                ),
                None => format!(
                    "SELECT {} FROM {INDEX}{}{}",
                    if shallow { "record" } else { "id, qid" },
                    self.conditions(text, req, None),
                    Self::listing(text, req.sort, req.offset, req.limit),
                ),
            };
            // The page's statement counts its matches as it finds them (`total_found`, every
            // shard's summed): no statement of its own for the total.
            let count = "SHOW META".to_string();
            // Each facet counted without its own filter; grouped by a multi-valued attribute,
            // Sphinx names each group's value with GROUPBY().
            let facet = |value: &str, by: &str, kind: FilterKind| {
                format!(
                    "SELECT {value} AS g, COUNT(*) AS c FROM {INDEX}{} GROUP BY {by} LIMIT {GROUPS} \
                     OPTION max_matches={GROUPS}, ranker=none",
                    self.conditions(text, req, Some(kind))
                )
            };
            let mut statements = vec![page, count];
            if req.facets {
                statements.push(facet("GROUPBY()", "district", FilterKind::District));
                statements.push(facet("GROUPBY()", "departments", FilterKind::Department));
                statements.push(facet("GROUPBY()", "topics", FilterKind::Topic));
                statements.push(facet("IDIV(date, 10000)", "g", FilterKind::Date));
            }
            // A page past the scored ones: the matches after them, in Sphinx's order, as ids
            // only (no factors for thousands of matches nobody scores).
            let past = (req.offset + req.limit).saturating_sub(self.rescored);
            let deep = plan.is_some() && past > 0;
            if deep {
                statements.push(format!(
                    "SELECT id, qid FROM {INDEX}{}{}",
                    self.conditions(text, req, None),
                    Self::listing(text, req.sort, self.rescored, past),
                ));
            }
            let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
            let mut rows = self.rows(&statements)?;
            let deep_rows = if deep { rows.pop().unwrap_or_default() } else { Vec::new() };
            if req.facets {
                facets = self.facets(&rows[2..])?;
            }
            total = rows.get(1).map(|meta| total_found(meta)).transpose()?.unwrap_or(0);
            matched = total;
            let page_rows = rows.swap_remove(0);
            let id_of = |row: &mysql::Row| -> Result<(u64, String)> {
                match (column(row, 0), column(row, 1)) {
                    (Some(doc), Some(qid)) => Ok((doc, qid)),
                    _ => Err(SearchError::Backend("Sphinx answered a match without its id".into())),
                }
            };
            let ranked: Vec<(f32, Record)> = match plan {
                // A listing (no words, or by date): Sphinx's page as it is, scored 0 as embedded.
                None if shallow => {
                    page_rows.iter().map(|row| Ok((0.0, parse_record(row, 0)?))).collect::<Result<_>>()?
                }
                None => {
                    let mut docs: HashMap<String, u64> = HashMap::with_capacity(page_rows.len());
                    let mut page = Vec::with_capacity(page_rows.len());
                    for row in &page_rows {
                        let (doc, qid) = id_of(row)?;
                        docs.insert(qid.clone(), doc);
                        page.push((0.0, qid));
                    }
                    self.records_of(page, &docs, HashMap::new())?
                }
                Some((plan, relaxed)) => {
                    let mut scored = Vec::with_capacity(page_rows.len());
                    let mut docs: HashMap<String, u64> = HashMap::with_capacity(page_rows.len() + deep_rows.len());
                    for row in &page_rows {
                        let (doc, qid) = id_of(row)?;
                        let packed: String = column(row, 2).unwrap_or_default();
                        let len: u32 = column(row, 3).unwrap_or(0);
                        docs.insert(qid.clone(), doc);
                        scored.push((plan.score(&rescore::keyword_tfs(&packed), len), qid));
                    }
                    // The first [`RESCORED`] by Ławka's weights, the rest in Sphinx's order
                    // after them, whatever page is asked. A match scores above 0: 0 is a
                    // question that joined by meaning alone.
                    let mut ranked: Vec<(f32, String)> = rescore::reorder(scored)
                        .into_iter()
                        .map(|(s, id)| {
                            let bonus = if relaxed && s.strict { rank::STRICT_MATCH_BONUS } else { 0.0 };
                            (s.score.max(f32::MIN_POSITIVE) + bonus, id)
                        })
                        .collect();
                    let scored_ones = ranked.len();
                    for row in &deep_rows {
                        let (doc, qid) = id_of(row)?;
                        docs.insert(qid.clone(), doc);
                        ranked.push((f32::MIN_POSITIVE, qid));
                    }
                    let mut known = HashMap::new();
                    if let Some(dense) = &dense {
                        // Where the words find nothing, or are another language's, the nearest
                        // questions by meaning that pass the filters join the matches (as
                        // embedded), counted once. Those among the scored matches stay where
                        // they are; the others join whatever page is asked (`fused` takes them
                        // out of the rest), so every page is a slice of one order.
                        let joined = if dense.foreign() || total == 0 {
                            self.joined(dense, req, &ranked[..scored_ones])?
                        } else {
                            Vec::new()
                        };
                        total += self.not_matched(text, req, &joined)?;
                        let ids = joined.iter().map(|r| r.id.clone()).collect();
                        known.extend(joined.into_iter().map(|r| (r.id.clone(), r)));
                        ranked = fused(&self.generation, dense, ranked, ids);
                    }
                    let page: Vec<(f32, String)> = ranked.into_iter().skip(req.offset).take(req.limit).collect();
                    self.records_of(page, &docs, known)?
                }
            };
            let wanted = match &text {
                Text::Match { wanted, .. } => wanted.clone(),
                _ => BTreeSet::new(),
            };
            hits = ranked.into_iter().map(|(score, rec)| self.hit(score, rec, req, &wanted)).collect();
        }
        let notice = hits.iter().any(|h| h.source == "synthetic").then(|| SYNTHETIC_NOTICE.to_string());
        let took_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
        let response = SearchResponse {
            query: req.q.clone(),
            total,
            total_is_exact: true,
            took_ms,
            hits,
            facets,
            // Questions joined by meaning lack the words, as embedded says.
            partial_match: total > matched,
            meaning_only: matched == 0 && total > 0,
            notice,
        };
        Ok((response, matched))
    }
}

impl SphinxBackend {
    /// The matches of `text` under the request's filters, counted per month or year.
    fn buckets(&self, text: &Text, req: &SearchRequest, interval: Interval) -> Result<Vec<Bucket>> {
        let divisor = match interval {
            Interval::Month => 100,
            Interval::Year => 10_000,
        };
        let sql = format!(
            "SELECT IDIV(date, {divisor}) AS g, COUNT(*) AS c FROM {INDEX}{} GROUP BY g ORDER BY g ASC LIMIT {GROUPS} \
             OPTION max_matches={GROUPS}, ranker=none",
            self.conditions(text, req, None)
        );
        let mut buckets = Vec::new();
        for row in self.rows(&[&sql])?.into_iter().flatten() {
            let (key, count) = pair(&row)?;
            let key = match interval {
                Interval::Month => format!("{}-{:02}", key / 100, key % 100),
                Interval::Year => key.to_string(),
            };
            buckets.push(Bucket { key, count });
        }
        Ok(buckets)
    }

    /// How many questions `text` matches under the request's filters.
    fn count(&self, text: &Text, req: &SearchRequest) -> Result<u64> {
        let count = format!("SELECT COUNT(*) FROM {INDEX}{} OPTION ranker=none", self.conditions(text, req, None));
        Ok(self.rows(&[&count])?.into_iter().flatten().next().map(|r| count_of(&r)).transpose()?.unwrap_or(0))
    }
}

/// The records (and documents' numbers) of the questions `ids` that pass `conditions` (a
/// `WHERE …` clause or nothing), found by their ids' hashes (`qhash`) in one statement; in the
/// order of `ids`, those the shards do not hold (or that fail `conditions`) left out.
fn records_by_id(client: &Client, conditions: &str, ids: &[&str]) -> Result<Vec<(Record, u64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let hashes: Vec<String> = ids.iter().map(|id| question_id(id).to_string()).collect();
    let and = if conditions.is_empty() { " WHERE" } else { " AND" };
    let n = ids.len();
    let sql = format!(
        "SELECT id, record FROM {INDEX}{conditions}{and} qhash IN ({}) LIMIT {n} OPTION max_matches={n}",
        hashes.join(",")
    );
    let mut found: HashMap<String, (Record, u64)> = HashMap::new();
    for row in client.batch(&[&sql]).map_err(unavailable)?.into_iter().flatten() {
        let rec = parse_record(&row, 1)?;
        let doc = column::<u64>(&row, 0).unwrap_or(0);
        found.insert(rec.id.clone(), (rec, doc));
    }
    // Checked by id: two ids could share a hash.
    Ok(ids.iter().filter_map(|id| found.remove(*id)).collect())
}

/// The matches a statement found, from its `SHOW META` rows.
fn total_found(meta: &[mysql::Row]) -> Result<u64> {
    meta.iter()
        .find(|row| column::<String>(row, 0).as_deref() == Some("total_found"))
        .and_then(|row| column::<String>(row, 1))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| SearchError::Backend("Sphinx answered no total_found".into()))
}

fn count_of(row: &mysql::Row) -> Result<u64> {
    row.get_opt::<u64, usize>(0)
        .and_then(|v| v.ok())
        .ok_or_else(|| SearchError::Backend("Sphinx answered no count".into()))
}

/// Every match of a search on the cluster, read a page of [`EXPORT_PAGE`] at a time, each page
/// the rows after the last one read (keyset paging). With offsets, every shard sorted and shipped
/// all the rows before a page too: an export's cost grew with the square of its length, and past
/// ~5,000 rows a shard's answer outgrew Sphinx's packet limit (8 MB) and the export broke off.
struct SphinxMatches {
    client: Arc<Client>,
    /// ` WHERE …` (or nothing): the request's full text and filters.
    conditions: String,
    text: Text,
    sort: Sort,
    total: usize,
    /// Records per statement.
    page: usize,
}

/// Where a row stands in a listing's order (see `SphinxBackend::listing`): its weight where the
/// listing is ranked, then its date, meeting and number, which no two questions share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Position {
    weight: Option<i64>,
    date: i64,
    meeting: i64,
    n: i64,
}

impl Position {
    /// A SphinxQL expression true for the rows after this one in the order of `sort` (ranked by
    /// weight first where `weight` is known).
    fn after(&self, sort: Sort) -> String {
        let Position { weight, date, meeting, n } = *self;
        let within_day = format!("meeting > {meeting} OR (meeting = {meeting} AND n > {n})");
        let day = if sort == Sort::DateAsc { ">" } else { "<" };
        let by_date = format!("date {day} {date} OR (date = {date} AND ({within_day}))");
        match weight {
            Some(w) => format!("w < {w} OR (w = {w} AND ({by_date}))"),
            None => by_date,
        }
    }
}

impl SphinxMatches {
    /// Whether the listing is ranked by weight (see `SphinxBackend::listing`).
    fn ranked(&self) -> bool {
        self.sort == Sort::Relevance && self.text.expr().is_some()
    }

    /// The statement of the `limit` rows after `after` (from the first without it).
    fn statement(&self, after: Option<&Position>, limit: usize) -> String {
        let weight = if self.ranked() { ", WEIGHT() AS w" } else { "" };
        let (past, condition) = match after {
            Some(position) => {
                let and = if self.conditions.is_empty() { " WHERE" } else { " AND" };
                (format!(", ({}) AS past", position.after(self.sort)), format!("{and} past = 1"))
            }
            None => (String::new(), String::new()),
        };
        format!(
            "SELECT record, date, meeting, n{weight}{past} FROM {INDEX}{}{condition}{}",
            self.conditions,
            SphinxBackend::listing(&self.text, self.sort, 0, limit)
        )
    }

    /// The `limit` records after `after`, and where the last of them stands.
    fn page_after(&self, after: Option<&Position>, limit: usize) -> Result<(Vec<Record>, Option<Position>)> {
        let rows = self.client.batch(&[&self.statement(after, limit)]).map_err(unavailable)?;
        let mut records = Vec::with_capacity(limit);
        let mut last = None;
        for row in rows.into_iter().flatten() {
            records.push(parse_record(&row, 0)?);
            let int = |i: usize| {
                column::<i64>(&row, i)
                    .ok_or_else(|| SearchError::Backend("Sphinx answered a row without its place".into()))
            };
            let weight = if self.ranked() { Some(int(4)?) } else { None };
            last = Some(Position { weight, date: int(1)?, meeting: int(2)?, n: int(3)? });
        }
        Ok((records, last))
    }
}

/// The records of [`SphinxMatches`], a page at a time; the first failed page ends them.
struct Pages<'a> {
    matches: &'a SphinxMatches,
    after: Option<Position>,
    read: usize,
    buffer: std::vec::IntoIter<Record>,
    done: bool,
}

impl Iterator for Pages<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        loop {
            if let Some(record) = self.buffer.next() {
                return Some(Ok(record));
            }
            if self.done || self.read >= self.matches.total {
                return None;
            }
            let limit = self.matches.page.min(self.matches.total - self.read);
            match self.matches.page_after(self.after.as_ref(), limit) {
                Ok((records, last)) => {
                    // Fewer than asked: the matches ended (a republication may have removed some).
                    self.done = records.len() < limit;
                    self.read += records.len();
                    self.after = last;
                    self.buffer = records.into_iter();
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl MatchList for SphinxMatches {
    fn len(&self) -> usize {
        self.total
    }

    fn records(&self) -> Box<dyn Iterator<Item = Result<Record>> + '_> {
        Box::new(Pages { matches: self, after: None, read: 0, buffer: Vec::new().into_iter(), done: false })
    }

    fn records_of(&self, ids: &[&str]) -> Result<Vec<Record>> {
        if matches!(self.text, Text::Nothing | Text::Unmatched { .. }) {
            // No question matches (the statement would have no full-text condition).
            return Ok(Vec::new());
        }
        Ok(records_by_id(&self.client, &self.conditions, ids)?.into_iter().map(|(rec, _)| rec).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weight_is_an_idf_boost() {
        assert_eq!(weighted("chodnik", 1.0), "chodnik");
        assert_eq!(weighted("chodnik", 0.35), "chodnik^0.350");
    }

    /// Whether a question with `present` keywords matches `expr` (Sphinx's syntax as
    /// [`at_least`] writes it: words, parentheses, `|` binding tighter than the space of AND).
    fn matches(expr: &str, present: &BTreeSet<&str>) -> bool {
        fn sequence<'a>(
            tokens: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
            present: &BTreeSet<&str>,
        ) -> bool {
            let mut all = true;
            while let Some(&t) = tokens.peek() {
                if t == ")" {
                    break;
                }
                let mut any = atom(tokens, present);
                while tokens.peek() == Some(&"|") {
                    tokens.next();
                    any |= atom(tokens, present);
                }
                all &= any;
            }
            all
        }
        fn atom<'a>(tokens: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>, present: &BTreeSet<&str>) -> bool {
            match tokens.next() {
                Some("(") => {
                    let inner = sequence(tokens, present);
                    assert_eq!(tokens.next(), Some(")"), "unbalanced");
                    inner
                }
                Some(word) => present.contains(word),
                None => panic!("an operand is missing"),
            }
        }
        let spaced = expr.replace('(', " ( ").replace(')', " ) ").replace('|', " | ");
        let mut tokens = spaced.split_whitespace().peekable();
        let all = sequence(&mut tokens, present);
        assert_eq!(tokens.next(), None, "unbalanced: {expr}");
        all
    }

    #[test]
    fn most_of_the_words_are_written_out_as_the_embedded_query_needs_them() {
        let words = |n: usize| -> Vec<Vec<String>> { (0..n).map(|i| vec![format!("w{i}"), format!("v{i}")]).collect() };
        let expr = |s: &str| Form::Expr(s.to_string());
        // One word: any of its alternatives; two: both.
        assert_eq!(at_least(&words(1), &[true]), expr("(w0 | v0)"));
        assert_eq!(at_least(&words(2), &[true, true]), expr("((w0 | v0) (w1 | v1))"));
        // Three: any two of them (`query::minimum_should_match`): both of the last two, or the
        // first and either of them.
        assert_eq!(
            at_least(&words(3), &[true; 3]),
            expr("(((w1 | v1) (w2 | v2)) | ((w0 | v0) ((w1 | v1) | (w2 | v2))))")
        );
        // A word set apart selects nothing; it is asked beside the others for the factors.
        let apart = "(((w0 | v0) (w2 | v2)) (w1 | v1 | (w0 | v0) | (w2 | v2)))";
        assert_eq!(at_least(&words(3), &[true, false, true]), expr(apart));
        for mask in 0u32..1 << 3 {
            let present: BTreeSet<&str> = ["w0", "w1", "w2"]
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, w)| w)
                .collect();
            let counted = present.contains("w0") && present.contains("w2");
            assert_eq!(matches(apart, &present), counted, "{present:?}");
        }
        // A word with no term counts, as embedded, and matches nothing: three of four needed
        // are the other three; two of two, nothing.
        let mut gap = words(4);
        gap[1].clear();
        assert_eq!(at_least(&gap, &[true; 4]), expr("((w0 | v0) (w2 | v2) (w3 | v3))"));
        let mut two = words(2);
        two[0].clear();
        assert_eq!(at_least(&two, &[true; 2]), Form::Nothing);

        // Every question with enough of the words, by any alternative, matches, and no other:
        // all subsets of up to ten words.
        for n in 1..=10 {
            let Form::Expr(e) = at_least(&words(n), &vec![true; n]) else { panic!("{n} words") };
            let k = query::minimum_should_match(n);
            // A question has either alternative of a word: the first of even words, the second
            // of odd ones.
            let keyword: Vec<String> = (0..n).map(|i| format!("{}{i}", if i % 2 == 0 { 'w' } else { 'v' })).collect();
            for mask in 0u32..1 << n {
                let present: BTreeSet<&str> =
                    (0..n).filter(|i| mask & (1 << i) != 0).map(|i| keyword[i].as_str()).collect();
                assert_eq!(matches(&e, &present), mask.count_ones() as usize >= k, "{n} words, {present:?}: {e}");
            }
            // Each word written as often as `written` counts, far fewer times than in every group.
            let times: usize = (0..n).map(|i| e.matches(&format!("(w{i} | v{i})")).count()).sum();
            assert_eq!(times, written(n, k), "{e}");
        }
        assert_eq!((written(6, 3), written(8, 4), written(10, 5), written(11, 6)), (22, 48, 98, 137));
        // A sentence as long as a query may be is counted at once, and is far too long.
        assert!(written(300, 150) > MAX_WRITTEN);
        // Past what may be written, any word.
        assert!(matches!(at_least(&words(10), &[true; 10]), Form::Expr(_)));
        assert_eq!(at_least(&words(11), &[true; 11]), Form::TooMany);
    }

    #[test]
    fn the_next_page_is_the_rows_after_the_last_in_the_listings_order() {
        let last = Position { weight: None, date: 20250304, meeting: 77, n: 5 };
        let within_day = "meeting > 77 OR (meeting = 77 AND n > 5)";
        assert_eq!(last.after(Sort::DateDesc), format!("date < 20250304 OR (date = 20250304 AND ({within_day}))"));
        assert_eq!(last.after(Sort::DateAsc), format!("date > 20250304 OR (date = 20250304 AND ({within_day}))"));
        let ranked = Position { weight: Some(2508), ..last };
        assert_eq!(
            ranked.after(Sort::Relevance),
            format!("w < 2508 OR (w = 2508 AND (date < 20250304 OR (date = 20250304 AND ({within_day}))))")
        );
    }

    #[test]
    fn a_listing_is_ordered_as_asked() {
        let words = Text::Match {
            expr: "@body x".into(),
            wanted: BTreeSet::new(),
            language: Language::Polish,
            words_known: true,
            plan: Plan { concepts: Vec::new(), positions: HashMap::new() },
            wider: Vec::new(),
            relaxed: false,
        };
        let ranked = SphinxBackend::listing(&words, Sort::Relevance, 20, 10);
        assert_eq!(
            ranked,
            format!(
                " ORDER BY WEIGHT() DESC, date DESC, meeting ASC, n ASC LIMIT 20, 10 OPTION max_matches=30, ranker={RANKER}"
            )
        );
        assert_eq!(
            SphinxBackend::listing(&Text::Everything, Sort::Relevance, 0, 0),
            " ORDER BY date DESC, meeting ASC, n ASC LIMIT 0, 0 OPTION max_matches=1"
        );
        assert!(
            SphinxBackend::listing(&words, Sort::DateAsc, 0, 10).starts_with(" ORDER BY date ASC, meeting ASC, n ASC")
        );
    }

    #[test]
    fn dates_are_compared_as_numbers() {
        assert_eq!(super::super::search::day(time::macros::date!(2025 - 03 - 01)), 20250301);
    }
}
