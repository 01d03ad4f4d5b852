//! `lawka eval`: relevance on judged queries, through the same search code as the API.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::{CorpusArg, IndexArg};
use crate::search::eval::{self, QueryResult};

/// Arguments of `lawka eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Judged queries (JSON, the format of shared/eval/queries-*.json); repeatable.
    #[arg(long, required = true)]
    queries: Vec<PathBuf>,
    /// Judged related questions (JSON, the format of shared/eval/related.json).
    #[arg(long)]
    related: Option<PathBuf>,
    #[command(flatten)]
    index: IndexArg,
    /// The corpus whose glossary.txt applies (the index itself need not come from it).
    #[command(flatten)]
    corpus: CorpusArg,
    /// Print each query's figures too.
    #[arg(long, short)]
    verbose: bool,
    /// Exit 1 when the mean nDCG@10 over all queries is below this.
    #[arg(long)]
    min_ndcg: Option<f64>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn print_table(title: &str, metric: &str, results: &[QueryResult], verbose: bool) {
    if verbose {
        for r in results {
            println!(
                "{:<8} {:<15} {metric} {:.3}  recall {:.2}  total {:>3}  {}",
                r.qid, r.kind, r.ndcg, r.recall, r.total, r.query
            );
        }
        println!();
    }
    println!("{title}");
    println!("{:<16} {:>3}  {:>8}  {:>9}  {:>4}", "type", "n", metric, "recall", "zero");
    for (kind, s) in eval::summarize(results) {
        println!("{kind:<16} {:>3}  {:>8.3}  {:>9.3}  {:>4}", s.n, s.ndcg, s.recall, s.zero);
    }
}

/// Runs and prints; exit 1 below `--min-ndcg`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let handle = super::open_or_build(&args.index.dir, &args.corpus.dir)?;
    let generation = handle.current();
    let glossary = super::load_glossary(&args.corpus.dir)?;
    let mut results = Vec::new();
    for path in &args.queries {
        let queries: Vec<eval::JudgedQuery> = read_json(path)?;
        results.extend(
            eval::run_queries(&generation, &glossary, &queries)
                .with_context(|| format!("running {}", path.display()))?,
        );
    }
    print_table("queries (nDCG@10, recall@10)", "nDCG@10", &results, args.verbose);
    if let Some(path) = &args.related {
        let seeds: Vec<eval::JudgedRelated> = read_json(path)?;
        let related = eval::run_related(&generation, &seeds)?;
        println!();
        print_table("related questions (nDCG@5, recall@5)", "nDCG@5", &related, args.verbose);
    }
    let all = eval::summarize(&results).pop().map(|(_, s)| s.ndcg).unwrap_or(0.0);
    match args.min_ndcg {
        Some(min) if all < min => {
            println!("nDCG@10 {all:.3} is below the floor {min:.3}");
            Ok(ExitCode::from(1))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
