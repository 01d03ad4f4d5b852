//! `lawka index`: build a new index generation and switch to it.

use std::process::ExitCode;

use super::{Backend, CorpusArg, IndexArg, SphinxArgs, TypesenseArgs};
use crate::index::{self, BeforeSwitch, BuildOptions, BuildSummary, Generation, NotTaken};
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
    // The server refuses to start with a glossary it cannot read: a build that took one would
    // succeed tonight and leave the next restart failing.
    super::load_glossary(&args.corpus.dir)?;
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
    // The engine is given the new generation before it becomes the live one here, so a server
    // in front never analyses with a generation the engine does not serve yet, and an engine
    // that fails to take it leaves both on the previous one.
    let mut published: Option<String> = None;
    let mut hand_over = |generation: &Generation| -> Result<(), NotTaken> {
        let line = if let Some(client) = &client {
            let p = typesense::publish(client, generation, &args.typesense.alias, wait).map_err(|e| {
                let partly = matches!(e, typesense::TypesenseError::PartlyPublished(_));
                not_taken(partly, format!("publishing {} to Typesense: {e}", generation.meta.generation))
            })?;
            format!(
                "published {} questions to Typesense collection {} behind alias {} in {:.2} s{}",
                p.documents,
                p.collection,
                args.typesense.alias,
                p.seconds,
                p.replaced.map(|old| format!(" (replaced {old})")).unwrap_or_default()
            )
        } else if let Some((client, layout)) = &sphinx {
            let p = sphinx::publish(client, generation, layout, sphinx_wait).map_err(|e| {
                let partly = matches!(e, sphinx::SphinxError::PartlyPublished(_));
                not_taken(partly, format!("publishing {} to Sphinx: {e}", generation.meta.generation))
            })?;
            format!(
                "published {} questions of {} to Sphinx in {} shards on {} nodes ({} switched running, {} stopped) in {:.2} s",
                p.documents,
                p.generation,
                p.shards,
                layout.nodes.len(),
                p.rotated,
                p.stopped,
                p.seconds
            )
        } else {
            return Ok(());
        };
        published = Some(line);
        Ok(())
    };
    let summary = if client.is_none() && sphinx.is_none() {
        build(&args.corpus.dir, &args.index.dir, &options)?
    } else {
        build_then_switch(&args.corpus.dir, &args.index.dir, &options, &mut hand_over)?
    };
    println!("{}", summary_line(&summary));
    if let Some(line) = published {
        println!("{line}");
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

/// A publication's failure as the build sees it: whether the engine may already serve the new
/// generation (then it goes live here too) or nothing changed there.
fn not_taken(partly: bool, why: String) -> NotTaken {
    if partly {
        NotTaken::Partly(why)
    } else {
        NotTaken::Refused(why)
    }
}

/// As [`build`], `before_switch` given the finished generation before it becomes the live one.
fn build_then_switch(
    corpus: &std::path::Path,
    index_dir: &std::path::Path,
    options: &BuildOptions,
    before_switch: BeforeSwitch<'_>,
) -> anyhow::Result<BuildSummary> {
    use anyhow::Context;
    index::build_then_switch(corpus, index_dir, options, &super::progress::Bar::new("questions"), before_switch)
        .with_context(|| format!("building the index in {} from {}", index_dir.display(), corpus.display()))
}

/// `indexed 320 questions from 26 meetings (en 1, pl 316, uk 3) in 0.42 s -> gen-00000002; vectors: 1047 reused, 0 embedded, 0 missing; thesaurus: 8149 words`
pub fn summary_line(s: &BuildSummary) -> String {
    let langs: Vec<String> = s.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    let v = &s.vectors;
    format!(
        "indexed {} questions from {} meetings ({}) in {:.2} s -> {}; vectors: {} reused, {} embedded, {} missing; thesaurus: {} words",
        s.questions,
        s.meetings,
        langs.join(", "),
        s.seconds,
        s.generation,
        v.reused,
        v.embedded,
        v.missing,
        s.thesaurus_words
    )
}
