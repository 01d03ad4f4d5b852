//! `lawka search`: the same search as `/api/search`, from the command line.

use std::process::ExitCode;

use super::{CorpusArg, IndexArg};
use crate::index::IndexHandle;
use crate::search::{self, RawSearchParams, SearchError, SearchRequest, SearchResponse};

/// Arguments of `lawka search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query: words in any form, with or without Polish letters; "a phrase"; -excluded.
    #[arg(allow_hyphen_values = true)]
    query: String,
    #[command(flatten)]
    pub(crate) index: IndexArg,
    /// The corpus whose glossary.txt applies.
    #[command(flatten)]
    corpus: CorpusArg,
    /// Only this district (repeatable: any of them).
    #[arg(long)]
    pub(crate) district: Vec<String>,
    /// Only questions answered by this unit (repeatable).
    #[arg(long)]
    department: Vec<String>,
    /// Only this topic (repeatable).
    #[arg(long)]
    topic: Vec<String>,
    /// Only this language code: pl, uk, en (repeatable).
    #[arg(long)]
    lang: Vec<String>,
    /// Only this meeting (its id, e.g. 2024-06-24-bronowice-wielkie; repeatable).
    #[arg(long)]
    meeting: Vec<String>,
    /// Meetings on or after this date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<String>,
    /// Meetings on or before this date (YYYY-MM-DD).
    #[arg(long)]
    to: Option<String>,
    /// Number of results, 1..100.
    #[arg(long)]
    pub(crate) limit: Option<String>,
    /// Results to skip, 0..10000.
    #[arg(long)]
    offset: Option<String>,
    /// relevance, date_desc or date_asc.
    #[arg(long)]
    sort: Option<String>,
    /// Print the /api/search JSON response body instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Searches; exit 1 when nothing matched.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The query may start with `-` (an excluded word), so clap takes a mistyped option before it
    // (`--lmit 5`) for the query; nobody searches for a word written with two dashes.
    if args.query.starts_with("--") && !std::env::args_os().any(|a| a == "--") {
        anyhow::bail!(
            "{:?} is no option of `lawka search` (see --help); to search for text starting with two dashes, write `lawka search -- {:?}`",
            args.query,
            args.query
        );
    }
    let handle = IndexHandle::open(&args.index.dir)?;
    let generation = handle.current();
    let raw = RawSearchParams {
        q: Some(args.query),
        district: args.district,
        department: args.department,
        topic: args.topic,
        lang: args.lang,
        meeting: args.meeting,
        from: args.from,
        to: args.to,
        limit: args.limit,
        offset: args.offset,
        sort: args.sort,
        ..Default::default()
    };
    let req = match SearchRequest::parse(&raw, &generation.meta) {
        Ok(r) => r,
        Err(SearchError::BadParameter { param: "q", reason }) => anyhow::bail!("invalid query: {reason}"),
        Err(SearchError::BadParameter { param, reason }) => anyhow::bail!("invalid --{param}: {reason}"),
        Err(e) => return Err(e.into()),
    };
    let glossary = super::load_glossary(&args.corpus.dir)?;
    let resp = search::search(&generation, &glossary, &req)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&resp)?);
    } else {
        print_text(&resp);
    }
    Ok(if resp.total == 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_text(resp: &SearchResponse) {
    println!("{} result(s) in {:.1} ms", resp.total, resp.took_ms);
    for (i, h) in resp.hits.iter().enumerate() {
        println!();
        println!("{:>3}. {}  {}  {}", i + 1, h.id, h.date, h.district);
        println!("     {}", h.title);
        println!("     {}", terminal_text(&h.question_snippet));
    }
    if let Some(n) = &resp.notice {
        println!();
        println!("{n}");
    }
}

/// Snippet HTML as terminal text: marks become bold, entities plain characters.
fn terminal_text(html: &str) -> String {
    let (bold, reset) =
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) { ("\x1b[1m", "\x1b[0m") } else { ("", "") };
    html.replace("<mark>", bold)
        .replace("</mark>", reset)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}
