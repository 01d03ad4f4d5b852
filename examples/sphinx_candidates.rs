//! Would Sphinx's candidates keep Ławka's ranking (issue 13, docs/SCALE.md)? Sphinx 2.2 (Debian's
//! `sphinxsearch`) has what Typesense lacks: BM25 and OR queries. This exports a generation as
//! Sphinx's xmlpipe2 (Ławka's folded terms, pre-analysed; the searched body repeats title,
//! question and answers 3 : 2 : 1 as Ławka's does), then, against a running `searchd`, takes
//! Sphinx's top N for Ławka's expanded query (an OR of its folded terms, ranked by Sphinx's BM25F)
//! and keeps Ławka's own ranking to those N.
//!
//! `cargo run --release --example sphinx_candidates -- export INDEX_DIR OUT.xml`, then
//! `indexer`/`searchd` with a config whose source reads OUT.xml, then
//! `cargo run --release --example sphinx_candidates -- measure INDEX_DIR SPHINXQL_PORT [SETS…]`.
//! `overlap INDEX_DIR PORT N` needs no judgments: for the dev queries, the share of Ławka's top
//! 10 that is among Sphinx's top N (for the synthetic 100k or 1M corpus).
//! `tools/sphinx-candidates.sh INDEX_DIR measure|overlap N` does all of it.
//!
//! `SPHINX_RANKER` sets Sphinx's ranker (default its BM25F); `SPHINX_ADDED_BOOST=w` searches the
//! terms Ławka adds to the query's own (other names, typo corrections, translations) with their
//! IDF scaled by w.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use mysql::prelude::Queryable;

use lawka::index::published::{for_each_record, Terms};
use lawka::index::{Generation, IndexHandle};
use lawka::search::eval::{self, JudgedQuery};
use lawka::search::{self, Glossary, SearchRequest};

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn export(generation: &Generation, out: &Path) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sphinx:docset>\n<sphinx:schema>")?;
    for f in ["title", "question", "answers", "body"] {
        writeln!(w, "<sphinx:field name=\"{f}\"/>")?;
    }
    for (a, t) in [
        ("qid", "string"),
        ("district", "int"),
        ("lang", "string"),
        ("departments", "multi"),
        ("topics", "multi"),
        ("date", "int"),
    ] {
        writeln!(w, "<sphinx:attr name=\"{a}\" type=\"{t}\"/>")?;
    }
    writeln!(w, "</sphinx:schema>")?;
    let mut terms = Terms::new(generation)?;
    let departments = &generation.meta.departments;
    let topics = &generation.meta.topics;
    let ids = |vs: &[String], vocab: &[String]| -> String {
        let ids: Vec<String> =
            vs.iter().filter_map(|v| vocab.iter().position(|x| x == v)).map(|i| (i + 1).to_string()).collect();
        ids.join(",")
    };
    let mut n = 0u64;
    for_each_record(generation, |rec| {
        n += 1;
        let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
        let answers = answers.join("\n\n");
        let lang = rec.lang.as_str();
        let (title, question, answers) =
            (terms.of(&rec.title, lang, true), terms.of(&rec.question, lang, true), terms.of(&answers, "pl", true));
        let body =
            [title.as_str(), title.as_str(), title.as_str(), question.as_str(), question.as_str(), answers.as_str()]
                .join(" . ");
        let date: String = rec.meeting.date.chars().filter(char::is_ascii_digit).collect();
        let r = writeln!(
            w,
            "<sphinx:document id=\"{n}\"><title>{}</title><question>{}</question><answers>{}</answers><body>{}</body><qid>{}</qid><district>{}</district><lang>{}</lang><departments>{}</departments><topics>{}</topics><date>{}</date></sphinx:document>",
            xml(&title), xml(&question), xml(&answers), xml(&body), xml(&rec.id), name_id(&rec.district), xml(&rec.lang),
            ids(&rec.departments, departments), ids(&rec.topics, topics), date
        );
        r.map_err(|e| lawka::index::IndexError::Verification(e.to_string()))
    })?;
    writeln!(w, "</sphinx:docset>")?;
    w.flush()?;
    eprintln!("{n} documents");
    Ok(())
}

/// A district's attribute: a stable 32-bit hash of its name (FNV-1a), since Sphinx 2.2 filters
/// strings by equality alone and a request may name several districts.
fn name_id(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193)) & 0x7fff_ffff
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Ławka's expanded query's folded terms (lemma alternatives, glossary, typo corrections,
/// translations).
fn expanded(generation: &Generation, glossary: &Glossary, req: &SearchRequest) -> BTreeSet<String> {
    let searcher = generation.searcher();
    let ast = search::translate::into_polish(search::query::parse(&req.q, glossary), &req.q);
    let mut builder = search::query::QueryBuilder::new(&generation.fields, glossary, Some(&searcher));
    let query = builder.build(&ast, false);
    let mut terms = BTreeSet::new();
    tantivy::query::Query::query_terms(query.as_ref(), &mut |t, _| {
        // Sphinx holds the folded terms: an exact term is searched folded (the folded field
        // leaves out terms spelt like an exact one).
        if t.field() == generation.fields.body_ascii || t.field() == generation.fields.body {
            if let Some(s) = t.value().as_str() {
                terms.insert(lawka::analysis::fold_polish(s));
            }
        }
    });
    terms
}

/// Sphinx's top `n` question ids for the OR of `terms`, with the request's filters.
fn sphinx_top(
    conn: &mut mysql::Conn,
    generation: &Generation,
    terms: &BTreeSet<String>,
    req: &SearchRequest,
    n: usize,
    ranker: &str,
) -> anyhow::Result<Vec<String>> {
    // The query's own words at full weight; the terms Ławka adds (the glossary's other names,
    // typo corrections, translations) lower, as Ławka weighs them (Sphinx's IDF boost).
    let own: BTreeSet<String> = match std::env::var("SPHINX_ADDED_BOOST") {
        Ok(_) => Terms::new(generation)?.of(&req.q, "pl", true).split(' ').map(str::to_string).collect(),
        Err(_) => terms.clone(),
    };
    let boost: f32 = std::env::var("SPHINX_ADDED_BOOST").ok().and_then(|b| b.parse().ok()).unwrap_or(1.0);
    // Sphinx's own query syntax: each term as a quoted phrase of one word, so no operator
    // character inside a term is read as one.
    let words: Vec<String> = terms
        .iter()
        .map(|t| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|t| !t.is_empty())
        .map(|t| if own.contains(&t) { t } else { format!("{t}^{boost}") })
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    if std::env::var_os("SPHINX_SHOW").is_some() {
        eprintln!("{:?} -> {}", req.q, words.join(" | "));
    }
    let mut sql = format!("SELECT qid FROM lawka WHERE MATCH({})", quote(&format!("@body {}", words.join(" | "))));
    let f = &req.filters;
    let ids = |vs: &[String], vocab: &[String]| -> Vec<String> {
        vs.iter().filter_map(|v| vocab.iter().position(|x| x == v)).map(|i| (i + 1).to_string()).collect()
    };
    if !f.districts.is_empty() {
        let d: Vec<String> = f.districts.iter().map(|d| name_id(d.as_str()).to_string()).collect();
        sql += &format!(" AND district IN ({})", d.join(","));
    }
    if !f.departments.is_empty() {
        sql += &format!(" AND departments IN ({})", ids(&f.departments, &generation.meta.departments).join(","));
    }
    if !f.topics.is_empty() {
        sql += &format!(" AND topics IN ({})", ids(&f.topics, &generation.meta.topics).join(","));
    }
    if let Some(from) = f.from {
        sql += &format!(
            " AND date >= {}",
            from.year() as u32 * 10000 + u32::from(u8::from(from.month())) * 100 + u32::from(from.day())
        );
    }
    if let Some(to) = f.to {
        sql += &format!(
            " AND date <= {}",
            to.year() as u32 * 10000 + u32::from(u8::from(to.month())) * 100 + u32::from(to.day())
        );
    }
    sql += &format!(" LIMIT {n} OPTION max_matches={n}, ranker={ranker}");
    let rows: Vec<String> = conn.query(sql)?;
    Ok(rows)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: sphinx_candidates export INDEX_DIR OUT.xml | measure INDEX_DIR PORT [SET…] | overlap INDEX_DIR PORT N";
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let handle = IndexHandle::open(Path::new(args.get(1).ok_or_else(|| anyhow::anyhow!(usage))?))?;
    let generation = handle.current();
    if args[0] == "export" {
        return export(&generation, Path::new(args.get(2).ok_or_else(|| anyhow::anyhow!(usage))?));
    }
    let port: u16 = args.get(2).ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let opts = mysql::OptsBuilder::new().ip_or_hostname(Some("127.0.0.1")).tcp_port(port).prefer_socket(false);
    let mut conn = mysql::Conn::new(opts)?;
    let glossary = Glossary::read(&root.join("corpus/glossary.txt")).map_err(anyhow::Error::msg)?;
    // Sphinx's BM25F with tantivy's k1 and b over the field lengths (an integer weight, hence the
    // factor); its plain `bm25` ranker ignores lengths.
    let ranker = std::env::var("SPHINX_RANKER").unwrap_or_else(|_| "expr('bm25f(1.2,0.75)*100000')".into());
    let read_set = |set: &str| -> anyhow::Result<Vec<JudgedQuery>> {
        let mut queries = Vec::new();
        for file in ["queries-residents.json", "queries-journalists.json"] {
            let text = std::fs::read_to_string(root.join(set).join(file))?;
            queries.extend(serde_json::from_str::<Vec<JudgedQuery>>(&text)?);
        }
        Ok(queries)
    };
    let lawka = |req: &SearchRequest, limit: usize| {
        let mut full = req.clone();
        (full.limit, full.facets, full.snippets) = (limit, false, false);
        search::search(&generation, &glossary, &full)
    };
    if args[0] == "overlap" {
        let n: usize = args.get(3).ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
        let (mut kept, mut all) = (0usize, 0usize);
        let queries = read_set("tests/eval")?;
        eval::run_queries_with(&generation, &queries, |req| {
            let found: BTreeSet<String> =
                sphinx_top(&mut conn, &generation, &expanded(&generation, &glossary, req), req, n, &ranker)?
                    .into_iter()
                    .collect();
            let resp = lawka(req, 10)?;
            all += resp.hits.len();
            kept += resp.hits.iter().filter(|h| found.contains(&h.id)).count();
            if std::env::var_os("SPHINX_SHOW").is_some() {
                for (rank, h) in resp.hits.iter().enumerate().filter(|(_, h)| !found.contains(&h.id)) {
                    eprintln!("  missing at {}: {} {}", rank + 1, h.id, h.title);
                }
            }
            anyhow::Ok((Vec::new(), 0))
        })?;
        println!("Ławka's top 10 among Sphinx's top {n}: {kept} of {all} ({:.3})", kept as f64 / all.max(1) as f64);
        return Ok(());
    }
    anyhow::ensure!(args[0] == "measure", "{usage}");
    let sets: Vec<String> = if args.len() > 3 {
        args[3..].to_vec()
    } else {
        vec!["tests/eval".into(), "tests/eval/holdout".into(), "tests/eval/holdout2".into()]
    };
    let sets: Vec<Vec<JudgedQuery>> = sets.iter().map(|s| read_set(s)).collect::<anyhow::Result<_>>()?;
    let mean = |results: &[eval::QueryResult]| results.iter().map(|r| r.ndcg).sum::<f64>() / results.len() as f64;
    for candidates in [None, Some(0), Some(10), Some(25), Some(50), Some(100)] {
        let mut row = Vec::new();
        for queries in &sets {
            let results = eval::run_queries_with(&generation, queries, |req| match candidates {
                None => {
                    let resp = lawka(req, 10)?;
                    anyhow::Ok((resp.hits.into_iter().map(|h| h.id).collect(), resp.total))
                }
                Some(0) => Ok((
                    sphinx_top(&mut conn, &generation, &expanded(&generation, &glossary, req), req, 10, &ranker)?,
                    0,
                )),
                Some(n) => {
                    let found: BTreeSet<String> =
                        sphinx_top(&mut conn, &generation, &expanded(&generation, &glossary, req), req, n, &ranker)?
                            .into_iter()
                            .collect();
                    let resp = lawka(req, 100)?;
                    let ids = resp.hits.into_iter().map(|h| h.id).filter(|id| found.contains(id)).take(10).collect();
                    Ok((ids, resp.total))
                }
            })?;
            row.push(mean(&results));
        }
        let name = match candidates {
            None => "Ławka alone".to_string(),
            Some(0) => "Sphinx alone (OR, its ranker)".to_string(),
            Some(n) => format!("Ławka over Sphinx's top {n}"),
        };
        println!("{name:<40} {}", row.iter().map(|r| format!("{r:>8.3}")).collect::<String>());
    }
    Ok(())
}
