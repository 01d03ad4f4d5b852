//! `lawka check`: validate a corpus.

use std::process::ExitCode;

use super::CorpusArg;
use crate::corpus;

/// Arguments of `lawka check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    corpus: CorpusArg,
}

/// Prints every problem; exit 1 if there are any.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match corpus::Corpus::load(&args.corpus.dir) {
        Ok(c) => {
            println!("corpus OK: {} meetings, {} questions", c.meetings.len(), c.question_count());
            Ok(ExitCode::SUCCESS)
        }
        Err(corpus::CorpusError::Invalid(problems)) => {
            for p in &problems {
                println!("{p}");
            }
            println!("{} problem(s) in {}", problems.len(), args.corpus.dir.display());
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}
