//! `lawka eval`: relevance on judged queries, through the same search code as the API.
//!
//! By default every judged set of the repository side by side: the development set `tests/eval`,
//! the nine holdouts `tests/eval/holdout` to `tests/eval/holdout9`, and the queries in other
//! languages written apart, `tests/eval/russian`, `tests/eval/ukrainian`, `tests/eval/english`,
//! `tests/eval/ukrainian2` and `tests/eval/english2`.
//! A ranking change is kept only if it does not lose on the sets it was not chosen on, so all are
//! printed together.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::{Backend, CorpusArg, IndexArg, SphinxArgs, TypesenseArgs};
use crate::search::eval::{self, JudgedQuery, JudgedRelated, QueryResult, Summary};
use crate::search::perturb::Perturbation;

/// The judged sets `lawka eval` runs when given none.
const DEFAULT_SETS: [&str; 15] = [
    "tests/eval",
    "tests/eval/holdout",
    "tests/eval/holdout2",
    "tests/eval/holdout3",
    "tests/eval/holdout4",
    "tests/eval/holdout5",
    "tests/eval/holdout6",
    "tests/eval/holdout7",
    "tests/eval/holdout8",
    "tests/eval/holdout9",
    "tests/eval/russian",
    "tests/eval/ukrainian",
    "tests/eval/english",
    "tests/eval/ukrainian2",
    "tests/eval/english2",
];

/// Arguments of `lawka eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A judged set: a directory with `queries-*.json` and optionally `related.json` (the format
    /// of shared/eval/); repeatable. Default: tests/eval, tests/eval/holdout to holdout9,
    /// tests/eval/russian, tests/eval/ukrainian, tests/eval/english, tests/eval/ukrainian2 and
    /// tests/eval/english2, where present.
    #[arg(long, conflicts_with_all = ["queries", "related"])]
    set: Vec<PathBuf>,
    /// Judged queries (JSON, the format of shared/eval/queries-*.json) as one set; repeatable.
    #[arg(long)]
    queries: Vec<PathBuf>,
    /// Judged related questions (JSON, the format of shared/eval/related.json), with --queries.
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
    /// Exit 1 when the mean nDCG@10 over all queries of any set is below this (0..1).
    #[arg(long, value_parser = ndcg_bound)]
    min_ndcg: Option<f64>,
    /// Whose ranking to measure: `embedded` (Ławka's), `typesense` (the collection published
    /// by `lawka index --backend typesense`, ranked by Typesense; queries only) or `sphinx`
    /// (what `lawka serve --backend sphinx` answers from the cluster published by `lawka index
    /// --backend sphinx`, queries and related questions).
    #[arg(long, value_enum, default_value_t = Backend::Embedded)]
    backend: Backend,
    /// With `--backend sphinx`: instead, Ławka's own ranking kept to the cluster's first 50
    /// candidates and the questions it joins by meaning (the candidate step measured in
    /// docs/SCALE.md; queries only).
    #[arg(long, requires = "backend")]
    sphinx_candidates: bool,
    /// Instead of Ławka's ranking, issue 14's baseline for sentences: OR BM25 over the same
    /// analysis (any word enough; no glossary, bonus or meaning; queries only).
    #[arg(long, conflicts_with_all = ["backend", "sphinx_candidates"])]
    or_bm25: bool,
    #[command(flatten)]
    typesense: TypesenseArgs,
    #[command(flatten)]
    sphinx: SphinxArgs,
    /// Rewrite every judged query (other languages aside) the way residents mistype, keeping its
    /// judgments: `typo` (one slip in one word), `nodiacritics` or `both`. Related seeds are not run.
    #[arg(long)]
    perturb: Option<Perturbation>,
    /// With --perturb: rewritings per query.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=100))]
    variants: u16,
    /// With --perturb: the seed of the rewritings (the same seed, the same queries).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// One judged set: its name, its queries and its related seeds.
struct JudgedSet {
    name: String,
    queries: Vec<JudgedQuery>,
    related: Vec<JudgedRelated>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Reads a set directory: every `queries-*.json` (sorted) and `related.json` when present.
fn read_set(dir: &Path) -> anyhow::Result<JudgedSet> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("queries-") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    anyhow::ensure!(!files.is_empty(), "{}: no queries-*.json in it", dir.display());
    let mut queries = Vec::new();
    for f in &files {
        queries.extend(read_json::<Vec<JudgedQuery>>(f)?);
    }
    let related_path = dir.join("related.json");
    let related = if related_path.exists() { read_json(&related_path)? } else { Vec::new() };
    Ok(JudgedSet { name: dir.display().to_string(), queries, related })
}

fn sets(args: &Args) -> anyhow::Result<Vec<JudgedSet>> {
    if !args.queries.is_empty() {
        let mut queries = Vec::new();
        for path in &args.queries {
            queries.extend(read_json::<Vec<JudgedQuery>>(path)?);
        }
        let related = match &args.related {
            Some(p) => read_json(p)?,
            None => Vec::new(),
        };
        return Ok(vec![JudgedSet { name: "queries".into(), queries, related }]);
    }
    anyhow::ensure!(args.related.is_none(), "--related goes with --queries; or give --set DIR");
    if !args.set.is_empty() {
        return args.set.iter().map(|d| read_set(d)).collect();
    }
    let found: Vec<&str> =
        DEFAULT_SETS.iter().copied().filter(|d| Path::new(d).join("queries-residents.json").exists()).collect();
    anyhow::ensure!(!found.is_empty(), "no judged set here (tests/eval); give --set DIR or --queries FILE");
    found.into_iter().map(|d| read_set(Path::new(d))).collect()
}

fn print_each(set: &str, metric: &str, results: &[QueryResult]) {
    for r in results {
        println!(
            "{set:<20} {:<10} {:<15} {metric} {:.3}  recall {:.2}  total {:>3}  {}",
            r.qid, r.kind, r.ndcg, r.recall, r.total, r.query
        );
    }
    println!();
}

/// A table with one row per type and, per set, the metric, recall and zero-result count.
fn print_table(title: &str, names: &[String], summaries: &[Vec<(String, Summary)>]) {
    println!("{title}");
    let mut kinds: Vec<String> = Vec::new();
    for s in summaries {
        for (k, _) in s {
            if k != "all" && !kinds.contains(k) {
                kinds.push(k.clone());
            }
        }
    }
    kinds.sort();
    kinds.push("all".into());
    print!("{:<16}", "");
    for name in names {
        print!(" | {name:<24}");
    }
    println!();
    print!("{:<16}", "type");
    for _ in names {
        print!(" | {:>3} {:>6} {:>6} {:>5}", "n", "nDCG", "recall", "zero");
    }
    println!();
    for kind in &kinds {
        print!("{kind:<16}");
        for s in summaries {
            // A set without related seeds summarises nothing: a dash, not a mean of none.
            match s.iter().find(|(k, v)| k == kind && v.n > 0) {
                Some((_, v)) => print!(" | {:>3} {:>6.3} {:>6.3} {:>5}", v.n, v.ndcg, v.recall, v.zero),
                None => print!(" | {:>3} {:>6} {:>6} {:>5}", "-", "-", "-", "-"),
            }
        }
        println!();
    }
}

/// The set with each query replaced by its rewritings, and no related seeds.
fn perturbed(set: JudgedSet, kind: Perturbation, n: usize, seed: u64) -> JudgedSet {
    let queries = eval::perturbed(&set.queries, kind, n, seed);
    JudgedSet { name: format!("{} ({kind} x{n})", set.name), queries, related: Vec::new() }
}

/// A value of `--min-ndcg`: an nDCG, 0..1 (`NaN` would pass every set).
fn ndcg_bound(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

/// Runs and prints; exit 1 below `--min-ndcg`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut sets = sets(&args)?;
    if let Some(kind) = args.perturb {
        sets = sets.into_iter().map(|s| perturbed(s, kind, usize::from(args.variants), args.seed)).collect();
    }
    // A figure measured without the corpus's glossary is no figure of Ławka's.
    if !args.corpus.dir.is_dir() {
        anyhow::bail!(
            "--corpus {}: no such directory (its glossary ranks the judged queries)",
            args.corpus.dir.display()
        );
    }
    let handle = super::open_or_build(&args.index.dir, &args.corpus.dir)?;
    let generation = handle.current();
    let glossary = super::load_glossary(&args.corpus.dir)?;
    let names: Vec<String> = sets.iter().map(|s| s.name.clone()).collect();
    let mut query_summaries = Vec::new();
    let mut related_summaries = Vec::new();
    let typesense = match args.backend {
        Backend::Typesense => Some(args.typesense.client()?),
        _ => None,
    };
    let sphinx = match args.backend {
        Backend::Sphinx => Some(args.sphinx.client()?),
        _ => None,
    };
    if args.sphinx_candidates && sphinx.is_none() {
        anyhow::bail!("--sphinx-candidates measures the Sphinx backend: add --backend sphinx");
    }
    let sphinx = sphinx.map(std::sync::Arc::new);
    for set in &sets {
        let (results, related) = match (&typesense, &sphinx) {
            (None, Some(client)) if !args.sphinx_candidates => {
                // What `lawka serve --backend sphinx` answers.
                use crate::search::Backend as _;
                let served = crate::sphinx::SphinxBackend::new(generation.clone(), std::sync::Arc::clone(client));
                let results = eval::run_queries_with(&generation, &set.queries, |req| {
                    let resp = served.search(&glossary, req)?;
                    anyhow::Ok((resp.hits.into_iter().map(|h| h.id).collect(), resp.total))
                })
                .with_context(|| format!("running the queries of {} through Sphinx", set.name))?;
                let related =
                    eval::run_related_with(&set.related, |id, limit| served.related_to_question(&glossary, id, limit))
                        .with_context(|| format!("running the related seeds of {} through Sphinx", set.name))?;
                (results, related)
            }
            (None, Some(client)) => {
                // Ławka's ranking (of the embedded index) kept to Sphinx's candidates and the
                // questions Ławka joins by meaning: the candidate step of the Sphinx backend, whose
                // serving is not built (docs/SCALE.md). The count is of the results kept.
                let results = eval::run_queries_with(&generation, &set.queries, |req| {
                    use crate::sphinx::search::{candidates, nearest_by_meaning, CANDIDATES};
                    let mut found: std::collections::BTreeSet<String> =
                        candidates(client, &generation, &glossary, req, CANDIDATES)?.into_iter().collect();
                    found.extend(nearest_by_meaning(&generation, &glossary, req));
                    let mut wide = req.clone();
                    (wide.offset, wide.limit, wide.facets, wide.snippets) =
                        (0, crate::search::request::MAX_LIMIT, false, false);
                    let resp = crate::search::search(&generation, &glossary, &wide)?;
                    let kept: Vec<String> =
                        resp.hits.into_iter().map(|h| h.id).filter(|id| found.contains(id)).collect();
                    let total = kept.len() as u64;
                    anyhow::Ok((kept.into_iter().take(req.limit).collect(), total))
                })
                .with_context(|| format!("running the queries of {} with Sphinx's candidates", set.name))?;
                (results, Vec::new())
            }
            (None, None) if args.or_bm25 => (
                eval::run_queries_with(&generation, &set.queries, |req| eval::or_bm25(&generation, req))
                    .with_context(|| format!("running the queries of {} as OR BM25", set.name))?,
                Vec::new(),
            ),
            (None, None) => (
                eval::run_queries(&generation, &glossary, &set.queries)
                    .with_context(|| format!("running the queries of {}", set.name))?,
                eval::run_related(&generation, &glossary, &set.related)?,
            ),
            (Some(client), _) => {
                let results = eval::run_queries_with(&generation, &set.queries, |req| {
                    let r = crate::typesense::search::ranked(client, &args.typesense.alias, &generation, req)?;
                    anyhow::Ok((r.ids, r.found))
                })
                .with_context(|| format!("running the queries of {} on Typesense", set.name))?;
                (results, Vec::new())
            }
        };
        if args.verbose {
            print_each(&set.name, "nDCG@10", &results);
            print_each(&set.name, "nDCG@5", &related);
        }
        query_summaries.push(eval::summarize(&results));
        related_summaries.push(eval::summarize(&related));
    }
    print_table("queries (nDCG@10, recall@10)", &names, &query_summaries);
    // Related questions are measured where the backend answers them: Ławka's own, or Sphinx's
    // as `lawka serve --backend sphinx` answers them.
    let related_measured = typesense.is_none() && (sphinx.is_none() || !args.sphinx_candidates) && !args.or_bm25;
    if related_measured && sets.iter().any(|s| !s.related.is_empty()) {
        println!();
        print_table("related questions (nDCG@5, recall@5)", &names, &related_summaries);
    }
    let mut below = false;
    if let Some(min) = args.min_ndcg {
        for (name, s) in names.iter().zip(&query_summaries) {
            let all = s.last().map(|(_, v)| v.ndcg).unwrap_or(0.0);
            if all < min {
                println!("{name}: nDCG@10 {all:.3} is below the floor {min:.3}");
                below = true;
            }
        }
    }
    Ok(if below { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
