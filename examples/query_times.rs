//! Per-query latency on a built index, in process: each judged query of tests/eval run N times,
//! the median and the worst of each printed, then the p50/p99 over all runs. As in a server that
//! has been serving: the facet values are read first (as `lawka serve` does at start), and each
//! query is searched once before the timed runs (a glossary phrase is matched at its first search
//! and kept); both are timed apart and printed last.
//!
//! `cargo run --release --example query_times -- INDEX_DIR [RUNS] [full|page|pruned[=N]]`: `full`
//! (the default) counts the facets and highlights snippets, `page` is the ranked page alone
//! (`facets=false&snippets=false`, still with the exact total), `pruned` the same page with
//! `track_total_hits=false` (or `=N`: the total exact up to N), which lets it be pruned.
//! `LAWKA_DENSE=off` measures the BM25 path alone; `QUERY_TIMES_ONLY=text` runs only the queries
//! containing `text` (to profile one). `QUERY_TIMES_FILTERS=on` applies each judged query's filters
//! (districts, departments, topics, dates), as the HTTP mix does; `QUERY_TIMES_SET=DIR` reads the
//! queries of another judged set than `tests/eval` (e.g. `tests/eval/holdout`).

use std::time::Instant;

use lawka::index::IndexHandle;
use lawka::search::{self, Glossary, RawSearchParams, SearchRequest};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or_else(|| anyhow::anyhow!("usage: query_times INDEX_DIR [RUNS]"))?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(20);
    let mode = args.next();
    let (lean, track) = match mode.as_deref() {
        None | Some("full") => (None, None),
        Some("page") => (Some("false".to_string()), None),
        Some("pruned") => (Some("false".to_string()), Some("false".to_string())),
        Some(m) if m.starts_with("pruned=") => (Some("false".to_string()), Some(m["pruned=".len()..].to_string())),
        Some(other) => anyhow::bail!("unknown mode {other:?}: full, page, pruned or pruned=N"),
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let handle = IndexHandle::open(std::path::Path::new(&dir))?;
    let generation = handle.current();
    let glossary = Glossary::read(&root.join("corpus/glossary.txt")).map_err(anyhow::Error::msg)?;
    let only = std::env::var("QUERY_TIMES_ONLY").ok();
    let with_filters = std::env::var("QUERY_TIMES_FILTERS").is_ok_and(|v| v == "on");
    let set = std::env::var("QUERY_TIMES_SET").map_or_else(|_| root.join("tests/eval"), std::path::PathBuf::from);
    // As a server starts: each document's facet values read before the first search.
    let started = Instant::now();
    search::warm(&generation);
    let warm_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut requests = Vec::new();
    for file in ["queries-residents.json", "queries-journalists.json"] {
        let judged: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(set.join(file))?)?;
        for q in judged {
            let text = q["query"].as_str().unwrap_or_default().to_string();
            if only.as_deref().is_some_and(|o| !text.contains(o)) {
                continue;
            }
            let filters = &q["filters"];
            let list = |key: &str| -> Vec<String> {
                let values = filters[key].as_array().map(Vec::as_slice).unwrap_or_default();
                values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            };
            let date = |key: &str| filters[key].as_str().map(str::to_string);
            let raw = if with_filters {
                RawSearchParams {
                    district: list("district"),
                    department: list("department"),
                    topic: list("topic"),
                    from: date("from"),
                    to: date("to"),
                    ..Default::default()
                }
            } else {
                RawSearchParams::default()
            };
            let req = SearchRequest::parse(
                &RawSearchParams {
                    q: Some(text.clone()),
                    facets: lean.clone(),
                    snippets: lean.clone(),
                    track_total_hits: track.clone(),
                    ..raw
                },
                &generation.meta,
            )?;
            requests.push((text, req));
        }
    }
    // Each query once before timing, as a server that has served it (a glossary phrase's
    // matches are found at its first search and kept: see `search::phrase`); printed apart.
    let started = Instant::now();
    for (_, req) in &requests {
        search::search(&generation, &glossary, req)?;
    }
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut all = Vec::new();
    for (text, req) in &requests {
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let resp = search::search(&generation, &glossary, req);
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                assert!(resp.is_ok());
                ms
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let resp = search::search(&generation, &glossary, req)?;
        let total = format!("{}{}", if resp.total_is_exact { "" } else { ">=" }, resp.total);
        println!("{:8.2} ms median {:8.2} ms worst {:>10} hits  {}", times[runs / 2], times[runs - 1], total, text);
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    let at = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!("all: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms over {} searches", at(0.5), at(0.9), at(0.99), all.len());
    println!("before timing: facet values {warm_ms:.0} ms, the first search of each query {first_ms:.0} ms in all");
    Ok(())
}
