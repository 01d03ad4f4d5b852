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
//!
//! `… INDEX_DIR load N SECONDS CLIENTS` is a load generator instead: CLIENTS threads send the dev
//! queries' candidate statements (first N) round-robin to SPHINX_NODES for SECONDS, a new
//! connection per statement as Ławka's client makes them; it prints statements/s and the
//! p50/p99 latency (the statements are built before, so Ławka's analysis is not timed).

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
    if args.get(2).map(String::as_str) == Some("load") {
        let seconds: f64 = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(20.0);
        let clients: usize = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(16);
        let mut statements = Vec::new();
        eval::run_queries_with(&generation, &queries, |req| {
            let terms = expanded_terms(&generation, &glossary, req);
            let sql = statement(&terms, &req.filters, n);
            statements.push(sql.replace(RANKER, &ranker));
            anyhow::Ok((Vec::new(), 0))
        })?;
        return load(&client, &statements, std::time::Duration::from_secs_f64(seconds), clients);
    }
    let (mut kept, mut all) = (0usize, 0usize);
    eval::run_queries_with(&generation, &queries, |req| {
        let terms = expanded_terms(&generation, &glossary, req);
        let sql = statement(&terms, &req.filters, n);
        let found: BTreeSet<String> = client.query(&sql.replace(RANKER, &ranker))?.into_iter().collect();
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

/// `clients` threads sending `statements` in turn for `duration`; prints the rate and latencies.
fn load(client: &Client, statements: &[String], duration: std::time::Duration, clients: usize) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let failed = std::sync::atomic::AtomicUsize::new(0);
    let mut times: Vec<std::time::Duration> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..clients)
            .map(|c| {
                let failed = &failed;
                s.spawn(move || {
                    let mut times = Vec::new();
                    let mut i = c;
                    while started.elapsed() < duration {
                        let t = std::time::Instant::now();
                        if client.query::<String>(&statements[i % statements.len()]).is_err() {
                            failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        times.push(t.elapsed());
                        i += 1;
                    }
                    times
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    times.sort();
    let at = |q: f64| {
        times.get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    println!(
        "{} statements in {:.1} s from {clients} clients: {:.1}/s, p50 {:.2} ms, p99 {:.2} ms, {} failed",
        times.len(),
        started.elapsed().as_secs_f64(),
        times.len() as f64 / started.elapsed().as_secs_f64(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        failed.load(std::sync::atomic::Ordering::Relaxed)
    );
    Ok(())
}
