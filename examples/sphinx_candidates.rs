//! How much of Ławka's own first ten Sphinx's candidates hold (issue 13, docs/SCALE.md): for the
//! dev set's queries (filters included), the share of Ławka's top 10 that is among Sphinx's top
//! N for Ławka's expanded query. It needs no judgments, so it measures the candidate step on the
//! synthetic 100k or 1M corpus, where the judged sets cannot; `lawka eval --backend sphinx`
//! measures the nDCG on the bundled corpus.
//!
//! `cargo run --release --example sphinx_candidates -- INDEX_DIR N` with SPHINX_NODES set, after
//! `lawka index --index INDEX_DIR --backend sphinx` (tools/sphinx-candidates.sh does all of it).
//! `SPHINX_RANKER` replaces Sphinx's ranker (default: `lawka::sphinx::search::RANKER`);
//! `SPHINX_SHOW=1` prints each query's terms and the first ten Sphinx misses.

use std::collections::BTreeSet;
use std::path::Path;

use lawka::index::IndexHandle;
use lawka::search::eval::{self, JudgedQuery};
use lawka::search::{self, Glossary};
use lawka::sphinx::search::{expanded_terms, statement, RANKER};
use lawka::sphinx::{Client, Cluster};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sphinx_candidates INDEX_DIR N (SPHINX_NODES set)";
    let (Some(dir), Some(n)) = (args.first(), args.get(1)) else { anyhow::bail!(usage) };
    let n: usize = n.parse()?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let handle = IndexHandle::open(Path::new(dir))?;
    let generation = handle.current();
    let glossary = Glossary::read(&root.join("corpus/glossary.txt")).map_err(anyhow::Error::msg)?;
    let client = Client::new(Cluster::parse(&std::env::var("SPHINX_NODES").unwrap_or_default())?);
    let ranker = std::env::var("SPHINX_RANKER").unwrap_or_else(|_| RANKER.to_string());
    let show = std::env::var_os("SPHINX_SHOW").is_some();
    let mut queries = Vec::new();
    for file in ["queries-residents.json", "queries-journalists.json"] {
        let text = std::fs::read_to_string(root.join("tests/eval").join(file))?;
        queries.extend(serde_json::from_str::<Vec<JudgedQuery>>(&text)?);
    }
    let (mut kept, mut all) = (0usize, 0usize);
    eval::run_queries_with(&generation, &queries, |req| {
        let terms = expanded_terms(&generation, &glossary, req);
        let meta = &generation.meta;
        let found: BTreeSet<String> = match statement(&terms, &req.filters, &meta.departments, &meta.topics, n) {
            Some(sql) => client.query(&sql.replace(RANKER, &ranker))?.into_iter().collect(),
            None => BTreeSet::new(),
        };
        let resp = search::search(&generation, &glossary, req)?;
        all += resp.hits.len();
        kept += resp.hits.iter().filter(|h| found.contains(&h.id)).count();
        if show {
            eprintln!("{:?} -> {}", req.q, terms.iter().cloned().collect::<Vec<_>>().join(" | "));
            for (rank, h) in resp.hits.iter().enumerate().filter(|(_, h)| !found.contains(&h.id)) {
                eprintln!("  missing at {}: {} {}", rank + 1, h.id, h.title);
            }
        }
        anyhow::Ok((Vec::new(), 0))
    })?;
    println!("Ławka's top 10 among Sphinx's top {n}: {kept} of {all} ({:.3})", kept as f64 / all.max(1) as f64);
    Ok(())
}
