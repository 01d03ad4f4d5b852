//! The candidate query: Ławka's expanded query (each word's lemmas, the glossary's other names,
//! typo corrections, translations) as one OR of its folded terms, ranked by Sphinx's BM25F, with
//! the request's filters as attribute filters. Ławka then ranks the candidates itself
//! (docs/SCALE.md: over Sphinx's first 50, within 0.02 of the embedded ranking).

use std::collections::BTreeSet;

use super::client::Client;
use super::error::Result;
use crate::index::Generation;
use crate::search::request::Filters;
use crate::search::{dense, query, translate, Glossary, SearchRequest};

/// Candidates asked of Sphinx per query.
pub const CANDIDATES: usize = 50;

/// Sphinx's BM25F with tantivy's k1 and b over the field lengths (`index_field_lengths`). The
/// ranker's weight is an integer, hence the factor; Sphinx's `bm25` ranker ignores lengths.
pub const RANKER: &str = "expr('bm25f(1.2,0.75)*100000')";

/// The distributed index every node serves.
pub const INDEX: &str = "lawka";

/// A name's attribute (district, language, unit, topic): a stable 31-bit hash (FNV-1a), since
/// Sphinx 2.2 compares strings by equality alone and a request may name several. A stable hash
/// rather than a place in the generation's lists: the shards may hold another generation than
/// the one in front for a while (a publication switches the nodes after the front), and a
/// place in a list shifts as the list grows. These names number a few hundred at most, far from
/// a collision at 31 bits; meetings, which grow without bound, get 63 ([`meeting_id`]).
pub fn name_id(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)) & 0x7fff_ffff
}

/// A meeting's attribute: a stable 63-bit hash (FNV-1a; Sphinx's `bigint` is signed), so that
/// tens of thousands of meetings stay clear of a collision.
pub fn meeting_id(s: &str) -> i64 {
    hash63(s)
}

/// A question's id as an integer attribute (`qhash`), the same 63-bit hash: Sphinx 2.2 finds a
/// question by an integer filter, many at once with `IN`, about six times faster than by its
/// string id (0.9 against 5.7 ms at 100k questions); who reads by it still checks the id, in
/// case two ids ever share a hash.
pub fn question_id(id: &str) -> i64 {
    hash63(id)
}

fn hash63(s: &str) -> i64 {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    (h & 0x7fff_ffff_ffff_ffff) as i64
}

/// A term as Sphinx holds it: its letters and digits alone (`p+r` → `pr`), on both sides, so
/// that no character of Sphinx's query syntax reaches a query and its `charset_table` never
/// splits a term.
pub fn sphinx_word(term: &str) -> String {
    term.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The folded terms of Ławka's expanded query for `req`, as the published documents hold them:
/// those of its wanted words and phrases. Excluded words are Ławka's to apply over the
/// candidates: in the OR their terms would only draw in the questions they exclude.
pub fn expanded_terms(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> BTreeSet<String> {
    let glossary = crate::search::with_learned(generation, glossary);
    let glossary: &Glossary = &glossary;
    let mut ast = translate::into_polish(query::parse(&req.q, glossary), &req.q);
    ast.must_not.clear();
    let mut terms = BTreeSet::new();
    if !ast.has_positive() {
        return terms;
    }
    let searcher = generation.searcher();
    let mut builder = query::QueryBuilder::new(&generation.fields, glossary, Some(&searcher));
    let built = builder.build(&ast, false);
    let f = &generation.fields;
    built.query_terms(&mut |t, _| {
        // The folded field leaves out terms spelt like exact ones: both fields' terms, folded.
        if t.field() == f.body_ascii || t.field() == f.body {
            if let Some(s) = t.value().as_str() {
                terms.insert(crate::analysis::fold_polish(s));
            }
        }
    });
    terms
}

/// The SphinxQL statement for Sphinx's first `n` question ids for the OR of `terms` under
/// `filters`, by Sphinx's BM25F; without terms (nothing wanted, or only exclusions), the latest
/// `n` under the filters.
pub fn statement(terms: &BTreeSet<String>, filters: &Filters, n: usize) -> String {
    let words: BTreeSet<String> = terms.iter().map(|t| sphinx_word(t)).filter(|t| !t.is_empty()).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut conditions = Vec::new();
    if !words.is_empty() {
        conditions.push(format!("MATCH('@body {}')", words.join(" | ")));
    }
    conditions.extend(filter_conditions(filters, None));
    let mut sql = format!("SELECT qid FROM {INDEX}");
    if !conditions.is_empty() {
        sql += &format!(" WHERE {}", conditions.join(" AND "));
    }
    if words.is_empty() {
        sql += &format!(" ORDER BY date DESC LIMIT {n} OPTION max_matches={n}");
    } else {
        sql += &format!(" LIMIT {n} OPTION max_matches={n}, ranker={RANKER}");
    }
    sql
}

/// A filter of a request, told apart so that a facet can be counted without its own (a
/// journalist filtering one district still sees how many the others have).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    /// `district`.
    District,
    /// `department`.
    Department,
    /// `topic`.
    Topic,
    /// `from` and `to`, the year facet's.
    Date,
}

/// The attribute conditions of `filters`, all but `except`.
pub fn filter_conditions(filters: &Filters, except: Option<FilterKind>) -> Vec<String> {
    let mut conditions = Vec::new();
    let list = |ids: Vec<u32>| ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let keep = |kind: FilterKind| except != Some(kind);
    if !filters.districts.is_empty() && keep(FilterKind::District) {
        let ids = filters.districts.iter().map(|d| name_id(d.as_str())).collect();
        conditions.push(format!("district IN ({})", list(ids)));
    }
    if !filters.departments.is_empty() && keep(FilterKind::Department) {
        let ids = filters.departments.iter().map(|d| name_id(d)).collect();
        conditions.push(format!("departments IN ({})", list(ids)));
    }
    if !filters.topics.is_empty() && keep(FilterKind::Topic) {
        conditions.push(format!("topics IN ({})", list(filters.topics.iter().map(|t| name_id(t)).collect())));
    }
    if !filters.langs.is_empty() {
        conditions.push(format!("lang IN ({})", list(filters.langs.iter().map(|l| name_id(l)).collect())));
    }
    if !filters.meetings.is_empty() {
        let ids: Vec<String> = filters.meetings.iter().map(|m| meeting_id(m).to_string()).collect();
        conditions.push(format!("meeting IN ({})", ids.join(",")));
    }
    if keep(FilterKind::Date) {
        if let Some(from) = filters.from {
            conditions.push(format!("date >= {}", day(from)));
        }
        if let Some(to) = filters.to {
            conditions.push(format!("date <= {}", day(to)));
        }
    }
    conditions
}

/// A date as the `date` attribute holds it: `YYYYMMDD`.
pub fn day(d: time::Date) -> u32 {
    d.year() as u32 * 10_000 + u32::from(u8::from(d.month())) * 100 + u32::from(d.day())
}

/// Sphinx's first `n` candidates for `req`: question ids, best first.
pub fn candidates(
    client: &Client,
    generation: &Generation,
    glossary: &Glossary,
    req: &SearchRequest,
    n: usize,
) -> Result<Vec<String>> {
    let terms = expanded_terms(generation, glossary, req);
    client.query(&statement(&terms, &req.filters, n))
}

/// The questions Ławka itself would join to the query by meaning (its vectors of questions and
/// answers stay with Ławka; no lexical engine returns them): empty where dense retrieval is off.
pub fn nearest_by_meaning(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> Vec<String> {
    let glossary = crate::search::with_learned(generation, glossary);
    let glossary: &Glossary = &glossary;
    let ast = translate::into_polish(query::parse(&req.q, glossary), &req.q);
    if !req.dense || !ast.has_positive() {
        return Vec::new();
    }
    dense::QueryDense::of(generation, &translate::for_meaning(&req.q), ast.language)
        .map(|d| d.additions().map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_ors_the_terms_and_filters_by_attribute() {
        let terms: BTreeSet<String> =
            ["dziura", "ulica", "p+r", "(", "jezdnia"].iter().map(|s| s.to_string()).collect();
        let filters = Filters {
            departments: vec!["ZDMK".into(), "nieznany".into()],
            from: Some(time::macros::date!(2025 - 03 - 01)),
            ..Filters::default()
        };
        let sql = statement(&terms, &filters, 7);
        let units = format!("departments IN ({},{})", name_id("ZDMK"), name_id("nieznany"));
        assert_eq!(
            sql,
            format!(
                "SELECT qid FROM lawka WHERE MATCH('@body dziura | jezdnia | pr | ulica') AND {units} \
                 AND date >= 20250301 LIMIT 7 OPTION max_matches=7, ranker=expr('bm25f(1.2,0.75)*100000')"
            )
        );
        // Nothing to match: the latest under the filters (a query of exclusions only, or none).
        assert_eq!(
            statement(&BTreeSet::from(["(".to_string()]), &filters, 7),
            format!("SELECT qid FROM lawka WHERE {units} AND date >= 20250301 ORDER BY date DESC LIMIT 7 OPTION max_matches=7")
        );
        assert_eq!(
            statement(&BTreeSet::new(), &Filters::default(), 3),
            "SELECT qid FROM lawka ORDER BY date DESC LIMIT 3 OPTION max_matches=3"
        );
    }

    #[test]
    fn names_hash_apart_and_below_31_bits() {
        let a = name_id("Dzielnica I Stare Miasto");
        assert_eq!(a, name_id("Dzielnica I Stare Miasto"));
        assert_ne!(a, name_id("Dzielnica II Grzegórzki"));
        assert!(a < 1 << 31);
        let m = meeting_id("2024-06-24-bronowice-wielkie");
        assert!(m >= 0 && m != meeting_id("2024-06-24-bronowice-mlode"));
    }
}
