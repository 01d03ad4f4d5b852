//! `lawka analyze`: the terms Ławka makes of a text (as Elasticsearch's `_analyze`), to see why a
//! query does or does not match.

use std::process::ExitCode;

use crate::analysis;

/// Arguments of `lawka analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to analyse.
    text: String,
    /// Show the folded analysis (used for text typed without Polish letters).
    #[arg(long)]
    folded: bool,
}

/// Prints one line per word position: the word's terms.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut analyzer = analysis::polish_analyzer(args.folded);
    let mut stream = analyzer.token_stream(&args.text);
    let mut line: Option<(usize, String, Vec<String>)> = None;
    let print = |l: &(usize, String, Vec<String>)| println!("{}\t{}\t{}", l.0, l.1, l.2.join(" "));
    while stream.advance() {
        let t = stream.token();
        match &mut line {
            Some((pos, _, terms)) if *pos == t.position => terms.push(t.text.clone()),
            _ => {
                if let Some(l) = &line {
                    print(l);
                }
                let word = args.text.get(t.offset_from..t.offset_to).unwrap_or("").to_string();
                line = Some((t.position, word, vec![t.text.clone()]));
            }
        }
    }
    if let Some(l) = &line {
        print(l);
    }
    Ok(ExitCode::SUCCESS)
}
