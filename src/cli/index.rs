//! `lawka index`: build a new index generation and switch to it.

use std::process::ExitCode;

use super::{Backend, CorpusArg, IndexArg, SphinxArgs, TypesenseArgs};
use crate::index::{self, BuildOptions, BuildSummary};
use crate::{sphinx, typesense};

/// Arguments of `lawka index`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArg,
    #[command(flatten)]
    index: IndexArg,
    /// Memory budget of the indexer, in MiB (at least 15).
    #[arg(long, env = "LAWKA_MEMORY_MB", default_value_t = 128, value_parser = clap::value_parser!(u64).range(15..=16384))]
    memory_mb: u64,
    /// Where searches are served from: `embedded` (the index directory alone), `typesense`
    /// (the index is also published to a Typesense cluster as a new collection, and the
    /// cluster's alias switched to it once every node holds all of it) or `sphinx` (also
    /// published to a Sphinx cluster's shards, built beside the served ones and switched in on
    /// every node once all are built).
    #[arg(long, value_enum, default_value_t = Backend::Embedded)]
    backend: Backend,
    #[command(flatten)]
    typesense: TypesenseArgs,
    /// Seconds every node may take to hold the new collection and see the alias switch; past
    /// that the publication fails and the alias stays where it was.
    #[arg(long = "typesense-wait", default_value_t = typesense::REPLICATION_WAIT.as_secs_f64())]
    typesense_wait: f64,
    #[command(flatten)]
    sphinx: SphinxArgs,
    /// Seconds every running Sphinx node may take to serve the new shards.
    #[arg(long = "sphinx-wait", default_value_t = sphinx::publish::SWITCH_WAIT.as_secs_f64())]
    sphinx_wait: f64,
}

/// Builds, switches, prints a one-line summary.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = BuildOptions { memory_bytes: (args.memory_mb as usize) << 20 };
    // Checked before the build, so a missing address fails at once.
    let client = match args.backend {
        Backend::Typesense => Some(args.typesense.client()?),
        _ => None,
    };
    let sphinx = match args.backend {
        Backend::Sphinx => Some((args.sphinx.client()?, args.sphinx.layout()?)),
        _ => None,
    };
    let wait = std::time::Duration::try_from_secs_f64(args.typesense_wait)
        .map_err(|e| anyhow::anyhow!("--typesense-wait {}: {e}", args.typesense_wait))?;
    let sphinx_wait = std::time::Duration::try_from_secs_f64(args.sphinx_wait)
        .map_err(|e| anyhow::anyhow!("--sphinx-wait {}: {e}", args.sphinx_wait))?;
    let summary = build(&args.corpus.dir, &args.index.dir, &options)?;
    println!("{}", summary_line(&summary));
    if let Some(client) = client {
        use anyhow::Context;
        let handle = crate::index::IndexHandle::open(&args.index.dir)?;
        let generation = handle.current();
        let published = typesense::publish(&client, &generation, &args.typesense.alias, wait)
            .with_context(|| format!("publishing {} to Typesense", generation.meta.generation))?;
        println!(
            "published {} questions to Typesense collection {} behind alias {} in {:.2} s{}",
            published.documents,
            published.collection,
            args.typesense.alias,
            published.seconds,
            published.replaced.map(|old| format!(" (replaced {old})")).unwrap_or_default()
        );
    }
    if let Some((client, layout)) = sphinx {
        use anyhow::Context;
        let handle = crate::index::IndexHandle::open(&args.index.dir)?;
        let generation = handle.current();
        let published = sphinx::publish(&client, &generation, &layout, sphinx_wait)
            .with_context(|| format!("publishing {} to Sphinx", generation.meta.generation))?;
        println!(
            "published {} questions of {} to Sphinx in {} shards on {} nodes ({} switched running, {} stopped) in {:.2} s",
            published.documents,
            published.generation,
            published.shards,
            layout.nodes.len(),
            published.rotated,
            published.stopped,
            published.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn build(
    corpus: &std::path::Path,
    index_dir: &std::path::Path,
    options: &BuildOptions,
) -> anyhow::Result<BuildSummary> {
    use anyhow::Context;
    index::build(corpus, index_dir, options, &super::progress::Bar::new("questions"))
        .with_context(|| format!("building the index in {} from {}", index_dir.display(), corpus.display()))
}

/// `indexed 320 questions from 26 meetings (en 1, pl 316, uk 3) in 0.42 s -> gen-00000002; vectors: 320 reused, 0 embedded, 0 missing`
pub fn summary_line(s: &BuildSummary) -> String {
    let langs: Vec<String> = s.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let v = &s.vectors;
    format!(
        "indexed {} questions from {} meetings ({}) in {:.2} s -> {}; vectors: {} reused, {} embedded, {} missing",
        s.questions,
        s.meetings,
        langs.join(", "),
        s.seconds,
        s.generation,
        v.reused,
        v.embedded,
        v.missing
    )
}
