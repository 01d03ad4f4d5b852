//! How much of Ławka's ranking would survive if its candidates came from Typesense
//! (docs/SCALE.md, "retrieve with the engine, rank in Ławka"): for each judged query, Typesense's
//! top N for Ławka's terms, then Ławka's own ranking (the embedded index, collection statistics
//! and all) kept to those N; nDCG@10 on both judged sets for several N, beside Typesense's ranking
//! alone and Ławka's alone.
//!
//! `cargo run --release --example typesense_candidates -- INDEX_DIR ALIAS` with TYPESENSE_NODES
//! and TYPESENSE_API_KEY set, after `lawka index --index INDEX_DIR --backend typesense
//! --typesense-alias ALIAS` of the bundled corpus. The restriction is applied to Ławka's first 100
//! (its page limit), which holds every match of most judged queries on the 320-question corpus.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::Method;
use tantivy::query::Query;

use lawka::index::IndexHandle;
use lawka::search::eval::{self, JudgedQuery};
use lawka::search::{self, Glossary};
use lawka::typesense::{self, Client, Cluster};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: typesense_candidates INDEX_DIR ALIAS";
    let dir = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let alias = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let handle = IndexHandle::open(Path::new(&dir))?;
    let generation = handle.current();
    let glossary = Glossary::read(&root.join("corpus/glossary.txt")).map_err(anyhow::Error::msg)?;
    let client = Client::new(Cluster::parse(
        &std::env::var("TYPESENSE_NODES").unwrap_or_default(),
        &std::env::var("TYPESENSE_API_KEY").unwrap_or_default(),
    )?)?;
    println!("{:<40} {:>8} {:>8}", "nDCG@10", "dev", "holdout");
    let sets: Vec<Vec<JudgedQuery>> = ["tests/eval", "tests/eval/holdout"]
        .iter()
        .map(|set| {
            let mut queries = Vec::new();
            for file in ["queries-residents.json", "queries-journalists.json"] {
                let text = std::fs::read_to_string(root.join(set).join(file))?;
                queries.extend(serde_json::from_str::<Vec<JudgedQuery>>(&text)?);
            }
            anyhow::Ok(queries)
        })
        .collect::<anyhow::Result<_>>()?;
    let mean = |results: &[eval::QueryResult]| results.iter().map(|r| r.ndcg).sum::<f64>() / results.len() as f64;
    // Ławka's expanded query (lemma alternatives, glossary, typo corrections, translations): its
    // folded terms, each to be searched on its own.
    let expanded = |req: &search::SearchRequest| -> BTreeSet<String> {
        let searcher = generation.searcher();
        let ast = search::translate::into_polish(search::query::parse(&req.q, &glossary), &req.q);
        let mut builder = search::query::QueryBuilder::new(&generation.fields, &glossary, Some(&searcher));
        let query = builder.build(&ast, false);
        let mut terms = BTreeSet::new();
        query.query_terms(&mut |t, _| {
            if t.field() == generation.fields.body_ascii {
                if let Some(s) = t.value().as_str() {
                    terms.insert(s.to_string());
                }
            }
        });
        terms
    };
    // Typesense's top `k` for one term, with the request's filters.
    let per_term = |term: &str, req: &search::SearchRequest, k: usize| -> anyhow::Result<Vec<String>> {
        let mut params = vec![
            ("q", term.to_string()),
            ("query_by", "title_folded,question_folded,answer_folded".into()),
            ("query_by_weights", "3,2,1".into()),
            ("pre_segmented_query", "true".into()),
            ("prefix", "false".into()),
            ("num_typos", "0".into()),
            ("per_page", k.to_string()),
            ("include_fields", "qid".into()),
        ];
        let filter = typesense::search::filter_by(&req.filters)?;
        if !filter.is_empty() {
            params.push(("filter_by", filter));
        }
        let path = format!("/collections/{alias}/documents/search?{}", serde_urlencoded::to_string(&params)?);
        let body = client.json(Method::GET, &path, None)?;
        Ok(body["hits"]
            .as_array()
            .map(|hits| hits.iter().filter_map(|h| h["document"]["qid"].as_str().map(str::to_string)).collect())
            .unwrap_or_default())
    };
    // Ławka over the union of Typesense's top k for each term of its expanded query.
    for k in [10, 25, 50] {
        let mut row = Vec::new();
        for queries in &sets {
            let results = eval::run_queries_with(&generation, queries, |req| {
                let mut found = BTreeSet::new();
                for term in expanded(req) {
                    found.extend(per_term(&term, req, k)?);
                }
                let mut full = req.clone();
                (full.limit, full.facets, full.snippets) = (100, false, false);
                let resp = search::search(&generation, &glossary, &full)?;
                let ids: Vec<String> =
                    resp.hits.into_iter().map(|h| h.id).filter(|id| found.contains(id)).take(10).collect();
                anyhow::Ok((ids, resp.total))
            })?;
            row.push(mean(&results));
        }
        println!("{:<40} {:>8.3} {:>8.3}", format!("Ławka over each term's top {k}, unioned"), row[0], row[1]);
    }
    // None: Ławka alone; Some(0): Typesense alone; Some(n): Ławka over Typesense's top n.
    for candidates in [None, Some(0), Some(10), Some(25), Some(50), Some(100), Some(250)] {
        let mut row = Vec::new();
        for queries in &sets {
            let results = eval::run_queries_with(&generation, queries, |req| {
                let lawka = |limit: usize| {
                    let mut full = req.clone();
                    (full.limit, full.facets, full.snippets) = (limit, false, false);
                    search::search(&generation, &glossary, &full)
                };
                match candidates {
                    None => {
                        let resp = lawka(10)?;
                        anyhow::Ok((resp.hits.into_iter().map(|h| h.id).collect(), resp.total))
                    }
                    Some(0) => {
                        let r = typesense::search::ranked(&client, &alias, &generation, req)?;
                        Ok((r.ids, r.found))
                    }
                    Some(n) => {
                        let mut wide = req.clone();
                        wide.limit = n;
                        let found = typesense::search::ranked(&client, &alias, &generation, &wide)?.ids;
                        let resp = lawka(100)?;
                        let ids: Vec<String> =
                            resp.hits.into_iter().map(|h| h.id).filter(|id| found.contains(id)).take(10).collect();
                        Ok((ids, resp.total))
                    }
                }
            })?;
            row.push(mean(&results));
        }
        let name = match candidates {
            None => "Ławka alone".to_string(),
            Some(0) => "Typesense alone".to_string(),
            Some(n) => format!("Ławka over Typesense's top {n}"),
        };
        println!("{name:<40} {:>8.3} {:>8.3}", row[0], row[1]);
    }
    Ok(())
}
