//! `lawka import`: the city's articles → the corpus, swapped in whole or not at all.

use std::process::ExitCode;
use std::time::Duration;

use super::CorpusArg;
use crate::import::{self, FetchOptions, ImportOptions, Summary};

/// Arguments of `lawka import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A listing page: an http(s) URL, a saved HTML file, or a directory with `index.html` (the
    /// listing) and `<dok_id>.html` (the articles). Repeatable. Over HTTP, only the listing's host
    /// is read.
    #[arg(long = "from", required = true, value_name = "URL|FILE|DIR", env = "LAWKA_IMPORT_FROM")]
    from: Vec<String>,
    #[command(flatten)]
    corpus: CorpusArg,
    /// Pause between two requests, in milliseconds (at most 600000: ten minutes).
    #[arg(long, default_value_t = 1000, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=MAX_MS))]
    delay_ms: u64,
    /// Time limit of one request, in milliseconds (1..600000).
    #[arg(long, default_value_t = 30_000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=MAX_MS))]
    timeout_ms: u64,
    /// Further attempts after a timeout, a connection error or a 5xx answer.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: u32,
    /// First pause before a retry, in milliseconds (at most 600000); doubled for each further
    /// one, up to ten minutes.
    #[arg(long, default_value_t = 2000, value_name = "MS", value_parser = clap::value_parser!(u64).range(0..=MAX_MS))]
    backoff_ms: u64,
    /// Largest page read, in MiB.
    #[arg(long, default_value_t = 5, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=100))]
    max_page_mb: u64,
}

/// Longest pause, request time or first backoff an operator may set, in milliseconds: a typo of a
/// few digits must not make a nightly import sleep for days.
const MAX_MS: u64 = 600_000;

/// Imports, swaps, prints the summary.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut opts = ImportOptions::new(args.from, args.corpus.dir.clone());
    opts.fetch = FetchOptions {
        delay: Duration::from_millis(args.delay_ms),
        timeout: Duration::from_millis(args.timeout_ms),
        retries: args.retries,
        backoff: Duration::from_millis(args.backoff_ms),
        max_bytes: args.max_page_mb << 20,
    };
    let summary = import::import(&opts, &super::progress::Bar::new("articles"))
        .map_err(|e| anyhow::anyhow!("{e}\nthe corpus in {} is unchanged", args.corpus.dir.display()))?;
    for note in &summary.date_mismatches {
        println!("note: {note}; the listing's date is the meeting's");
    }
    println!("{}", summary_line(&summary));
    Ok(ExitCode::SUCCESS)
}

/// `meetings: 2 added, 1 changed, 0 unchanged; questions: ...; 1 revision kept; 5 requests (2 not modified)`
pub fn summary_line(s: &Summary) -> String {
    format!(
        "meetings: {} added, {} changed, {} unchanged; questions: {} added, {} changed, {} unchanged; \
         {} revision(s) kept; {} request(s), {} not modified",
        s.meetings_added,
        s.meetings_changed,
        s.meetings_unchanged,
        s.questions_added,
        s.questions_changed,
        s.questions_unchanged,
        s.revisions,
        s.fetch.requests,
        s.fetch.not_modified
    )
}
