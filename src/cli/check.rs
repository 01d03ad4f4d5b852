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

/// Prints every problem of the meetings and of the glossary (which `lawka serve` refuses to start
/// with); exit 1 if there are any.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (ok, mut problems) = match corpus::Corpus::load(&args.corpus.dir) {
        Ok(c) => (format!("corpus OK: {} meetings, {} questions", c.meetings.len(), c.question_count()), Vec::new()),
        Err(corpus::CorpusError::Invalid(problems)) => {
            (String::new(), problems.iter().map(|p| p.to_string()).collect())
        }
        Err(e) => return Err(e.into()),
    };
    if let Err(lines) = crate::search::Glossary::read(&super::glossary_path(&args.corpus.dir)) {
        problems.extend(lines.lines().map(str::to_string));
    }
    if problems.is_empty() {
        println!("{ok}");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        println!("{p}");
    }
    println!("{} problem(s) in {}", problems.len(), args.corpus.dir.display());
    Ok(ExitCode::from(1))
}
