//! `lawka synth`: a synthetic corpus of any size, for benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::CorpusArg;
use crate::corpus::{synth, Corpus};

/// Arguments of `lawka synth`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many questions to write.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    questions: u64,
    /// Seed: the same seed writes the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write it (a new or empty directory).
    #[arg(long)]
    out: PathBuf,
    /// The corpus to sample sentences, titles, places and units from.
    #[command(flatten)]
    source: CorpusArg,
}

/// Writes the corpus and prints what it wrote.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let source = Corpus::load(&args.source.dir).with_context(|| format!("reading {}", args.source.dir.display()))?;
    let started = std::time::Instant::now();
    let summary = synth::synthesize(&args.source.dir, &source, args.questions as usize, args.seed, &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "wrote {} questions in {} meetings to {} in {:.1} s (synthetic: for benchmarks only)",
        summary.questions,
        summary.meetings,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
