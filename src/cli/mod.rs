//! The `lawka` command line: one subcommand per file, each an `Args` struct and a `run`.

mod analyze;
mod check;
mod embed;
mod eval;
mod import;
mod index;
mod progress;
mod search;
mod serve;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Ławka: search over the questions and answers of Kraków's "Ławka dialogu" meetings.
#[derive(Debug, Parser)]
#[command(name = "lawka", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index from a corpus and switch to it atomically.
    Index(index::Args),
    /// Search the index from the command line.
    Search(search::Args),
    /// Serve the HTTP API (builds the index first if there is none).
    Serve(serve::Args),
    /// Validate a corpus and print every problem (exit 1 if any).
    Check(check::Args),
    /// Run judged queries and print nDCG@10, recall@10 and zero-result counts per query type
    /// (the index is first built from --corpus where --index has none).
    Eval(eval::Args),
    /// Print the terms the Polish analysis makes of a text, word by word.
    Analyze(analyze::Args),
    /// Import the city's Ławka dialogu articles (krakow.pl) into a corpus, keeping revised answers.
    Import(import::Args),
    /// Compute the corpus's vectors (questions and their answers' paragraphs) for dense retrieval, reusing those whose text is unchanged.
    Embed(embed::Args),
    /// Write a synthetic corpus of any size (sentences sampled from a real one), for benchmarks.
    Synth(synth::Args),
}

impl Command {
    /// The log level when RUST_LOG is not set: the server reports its requests, the rest stay quiet.
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Serve(_) => "info",
            _ => "warn",
        }
    }
}

/// The corpus directory flag, shared by the commands that read a corpus.
#[derive(Debug, clap::Args)]
pub struct CorpusArg {
    /// The corpus directory (departments.txt, topics.txt, meetings/*.md).
    #[arg(id = "corpus", long = "corpus", env = "LAWKA_CORPUS_DIR", default_value = "corpus")]
    pub dir: PathBuf,
}

/// Where searches are served from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// The tantivy index in the index directory.
    Embedded,
    /// A Typesense cluster (docs/SCALE.md).
    Typesense,
    /// A Sphinx cluster: shards with mirrors (docs/SCALE.md).
    Sphinx,
}

/// The Sphinx cluster's address and layout, as `tools/sphinx-cluster.sh` writes them to
/// cluster.env.
#[derive(Debug, clap::Args)]
pub struct SphinxArgs {
    /// The cluster's nodes: SphinxQL `host:port`, separated by spaces or commas.
    #[arg(id = "sphinx_nodes", long = "sphinx-nodes", env = "SPHINX_NODES", default_value = "")]
    pub nodes: String,
    /// The nodes' config files (for `indexer`), separated by spaces or commas.
    #[arg(id = "sphinx_configs", long = "sphinx-configs", env = "SPHINX_CONFIGS", default_value = "")]
    pub configs: String,
    /// The directory the nodes' sources read the exported shards from.
    #[arg(id = "sphinx_export", long = "sphinx-export", env = "SPHINX_EXPORT", default_value = "")]
    pub export: String,
}

impl SphinxArgs {
    /// A client for the cluster, or an error naming what is missing.
    pub fn client(&self) -> anyhow::Result<crate::sphinx::Client> {
        Ok(crate::sphinx::Client::new(crate::sphinx::Cluster::parse(&self.nodes)?))
    }

    /// The cluster's layout, or an error naming what is missing.
    pub fn layout(&self) -> anyhow::Result<crate::sphinx::Layout> {
        Ok(crate::sphinx::Layout::parse(&self.configs, &self.export)?)
    }
}

/// The Typesense cluster's address, as `tools/typesense-cluster.sh` writes it to cluster.env.
#[derive(Debug, clap::Args)]
pub struct TypesenseArgs {
    /// The cluster's nodes: base URLs separated by spaces or commas.
    #[arg(long = "typesense-nodes", env = "TYPESENSE_NODES", default_value = "")]
    pub nodes: String,
    /// The cluster's API key.
    #[arg(long = "typesense-api-key", env = "TYPESENSE_API_KEY", default_value = "", hide_env_values = true)]
    pub key: String,
    /// The alias searches go to; each publication points it at a new collection.
    #[arg(long = "typesense-alias", env = "LAWKA_TYPESENSE_ALIAS", default_value = crate::typesense::DEFAULT_ALIAS)]
    pub alias: String,
}

impl TypesenseArgs {
    /// A client for the cluster, or an error naming what is missing.
    pub fn client(&self) -> anyhow::Result<crate::typesense::Client> {
        Ok(crate::typesense::Client::new(crate::typesense::Cluster::parse(&self.nodes, &self.key)?)?)
    }
}

/// The index directory flag, shared by the commands that use an index.
#[derive(Debug, clap::Args)]
pub struct IndexArg {
    /// The index directory (generations and the CURRENT pointer).
    #[arg(id = "index", long = "index", env = "LAWKA_INDEX_DIR", default_value = "index")]
    pub dir: PathBuf,
}

/// The glossary of the corpus at `corpus_dir` (`glossary.txt`; empty when absent). Where the
/// directory itself is missing (a mistyped `--corpus`, or a command run from another directory),
/// the searches go on without its names, and the log says so.
pub fn load_glossary(corpus_dir: &std::path::Path) -> anyhow::Result<crate::search::Glossary> {
    if !corpus_dir.is_dir() {
        tracing::warn!(corpus = %corpus_dir.display(), "no corpus directory here: searching without its glossary");
    }
    crate::search::Glossary::read(&glossary_path(corpus_dir)).map_err(|e| anyhow::anyhow!("bad glossary:\n{e}"))
}

/// Where a corpus keeps its glossary.
pub fn glossary_path(corpus_dir: &std::path::Path) -> PathBuf {
    corpus_dir.join("glossary.txt")
}

/// Opens the index at `index_dir`, first building it from `corpus_dir` when there is none or it
/// cannot be opened (damaged, or built by a Ławka with another schema or analysis), so that the
/// commands that need an index just work on a fresh checkout.
pub fn open_or_build(
    index_dir: &std::path::Path,
    corpus_dir: &std::path::Path,
) -> anyhow::Result<crate::index::IndexHandle> {
    use crate::index::{self, BuildOptions, IndexHandle};
    use anyhow::Context;
    if index::exists(index_dir) {
        match IndexHandle::open(index_dir) {
            Ok(h) => return Ok(h),
            Err(e) => tracing::warn!(error = %e, "the index cannot be opened; rebuilding it from the corpus"),
        }
    } else {
        tracing::info!(index = %index_dir.display(), corpus = %corpus_dir.display(), "no index yet; building it from the corpus");
    }
    let summary = self::index::build(corpus_dir, index_dir, &BuildOptions::default())?;
    tracing::info!("{}", self::index::summary_line(&summary));
    IndexHandle::open(index_dir).with_context(|| format!("opening the index in {}", index_dir.display()))
}

/// An error and its causes on one line, each cause said once: some libraries' messages already
/// hold their cause's (tantivy's "An IO error occurred: 'No space left on device'"), which
/// `{:#}` would print a second time.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Runs a parsed command: exit 0 on success, 1 when a check or search found problems or nothing.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Check(a) => check::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Synth(a) => synth::run(a),
        Command::Import(a) => import::run(a),
        Command::Embed(a) => embed::run(a),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn an_error_line_says_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        let tantivy = tantivy::TantivyError::from(io);
        let e = anyhow::Error::from(crate::index::IndexError::from(tantivy)).context("building the index");
        let line = error_line(&e);
        assert_eq!(line.matches("No space left on device").count(), 1, "{line}");
        assert!(line.starts_with("building the index: "), "{line}");
    }

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_filters_and_defaults_parse() {
        let cli = Cli::try_parse_from([
            "lawka",
            "search",
            "dziury",
            "--district",
            "Dzielnica VI Bronowice",
            "--district",
            "Cały Kraków",
            "--limit",
            "5",
            "--json",
        ])
        .unwrap();
        let Command::Search(a) = cli.command else { panic!("not search") };
        assert_eq!(a.district.len(), 2);
        assert_eq!(a.limit.as_deref(), Some("5"));
        assert!(a.json);
        assert_eq!(a.index.dir, PathBuf::from("index"));
    }
}
