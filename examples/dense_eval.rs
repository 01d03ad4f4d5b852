//! Dense retrieval alone, scored like `lawka eval`: each judged query is embedded with e5 and every
//! question of the vector file is ranked by cosine; nDCG@10 is printed per query type, over all
//! queries and over the unfiltered ones (filters are not applied here, so a filtered query is
//! ranked against the whole corpus and its figure understates what a filtered search would do).
//! With `--related FILE`, each judged seed's nearest questions are scored with nDCG@5 too.
//!
//! Needs the model (tools/setup-model.sh) and the vector file (`lawka embed`):
//!
//! `cargo run --release --example dense_eval -- [--vectors corpus/vectors.e5] [--related tests/eval/related.json] tests/eval/queries-*.json`

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use lawka::embed::{Embedder, Vectors};
use lawka::search::eval::ndcg;

#[derive(serde::Deserialize)]
struct Query {
    qid: String,
    query: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    filters: serde_json::Map<String, serde_json::Value>,
    relevant: BTreeMap<String, u32>,
}

#[derive(serde::Deserialize)]
struct Seed {
    id: String,
    related: BTreeMap<String, u32>,
}

#[derive(Default)]
struct Group {
    all: Vec<f64>,
    unfiltered: Vec<f64>,
}

fn mean(v: &[f64]) -> String {
    if v.is_empty() {
        "    -".into()
    } else {
        format!("{:.3}", v.iter().sum::<f64>() / v.len() as f64)
    }
}

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut vectors_path = root.join("corpus/vectors.e5");
    let mut related = None;
    let mut files = Vec::new();
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--vectors" => vectors_path = args.next().context("--vectors FILE")?.into(),
            "--related" => related = Some(PathBuf::from(args.next().context("--related FILE")?)),
            "-v" | "--verbose" => verbose = true,
            _ => files.push(PathBuf::from(a)),
        }
    }
    anyhow::ensure!(
        !files.is_empty() || related.is_some(),
        "usage: dense_eval [--vectors FILE] [--related FILE] QUERIES.json..."
    );
    let vectors = Vectors::read(&vectors_path)?;
    let embedder = Embedder::open_default()?;
    println!("{} question vectors from {}; runtime {}", vectors.len(), vectors_path.display(), embedder.runtime());

    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let queries: Vec<Query> = serde_json::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        for q in queries {
            let v = embedder.embed_query(&q.query)?;
            let ranked: Vec<String> =
                vectors.nearest(&v, 10, |_| true).into_iter().map(|(id, _)| id.to_string()).collect();
            let score = ndcg(&ranked, &q.relevant, 10);
            if verbose {
                println!(
                    "{:<8} {:<14} {score:.3} {}{}",
                    q.qid,
                    q.kind,
                    q.query,
                    if q.filters.is_empty() { "" } else { "  [filters ignored]" }
                );
            }
            for key in [q.kind.clone(), "all".to_string()] {
                let g = groups.entry(key).or_default();
                g.all.push(score);
                if q.filters.is_empty() {
                    g.unfiltered.push(score);
                }
            }
        }
    }
    if !files.is_empty() {
        println!("\ndense only, nDCG@10 ({} file(s))", files.len());
        println!("{:<16} {:>3} {:>7}   {:>3} {:>10}", "type", "n", "all", "n", "unfiltered");
        let all = groups.remove("all").unwrap_or_default();
        for (kind, g) in groups.iter().chain(std::iter::once((&"all".to_string(), &all))) {
            println!(
                "{kind:<16} {:>3} {:>7}   {:>3} {:>10}",
                g.all.len(),
                mean(&g.all),
                g.unfiltered.len(),
                mean(&g.unfiltered)
            );
        }
    }

    if let Some(path) = related {
        let seeds: Vec<Seed> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        let mut scores = Vec::new();
        for s in &seeds {
            let Some(v) = vectors.get(&s.id) else { anyhow::bail!("seed {} has no vector", s.id) };
            let ranked: Vec<String> =
                vectors.nearest(v, 5, |id| id != s.id).into_iter().map(|(id, _)| id.to_string()).collect();
            scores.push(ndcg(&ranked, &s.related, 5));
        }
        println!("\nrelated (nearest question vectors), nDCG@5 over {} seeds: {}", seeds.len(), mean(&scores));
    }
    Ok(())
}
