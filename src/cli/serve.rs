//! `lawka serve`: the HTTP service; builds the index first when there is none.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use super::{CorpusArg, IndexArg};
use crate::index::IndexHandle;
use crate::server;

/// Arguments of `lawka serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    corpus: CorpusArg,
    /// Address to listen on (loopback by default: put a reverse proxy in front to publish it).
    #[arg(long, env = "LAWKA_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// Opens (or first builds) the index and serves until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let handle = open_or_build(&args)?;
    let glossary = server::LiveGlossary::open(&super::glossary_path(&args.corpus.dir))
        .map_err(|e| anyhow::anyhow!("bad glossary:\n{e}"))?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime
        .block_on(server::serve(Arc::new(handle), Arc::new(glossary), args.addr))
        .with_context(|| format!("serving on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}

fn open_or_build(args: &Args) -> anyhow::Result<IndexHandle> {
    super::open_or_build(&args.index.dir, &args.corpus.dir)
}
