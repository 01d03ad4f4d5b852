//! `lawka serve`: the HTTP service; builds the index first when there is none.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use axum::http::HeaderName;

use super::{Backend, CorpusArg, IndexArg, SphinxArgs};
use crate::index::IndexHandle;
use crate::server::{self, limits};

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
    /// Requests per second one client may sustain; past it the client gets 429 with Retry-After.
    /// 0 turns the per-client limit off.
    #[arg(long, env = "LAWKA_RATE_LIMIT", default_value_t = limits::DEFAULT_RATE_PER_SECOND)]
    rate_limit: u32,
    /// Requests one client may send at once after a pause (keep it under the 64 requests in flight).
    #[arg(long, env = "LAWKA_RATE_BURST", default_value_t = limits::DEFAULT_RATE_BURST,
        value_parser = clap::value_parser!(u32).range(1..))]
    rate_burst: u32,
    /// Header in which a trusted reverse proxy puts the client's address (e.g. X-Forwarded-For;
    /// its last address counts). Without it, a client is the connection's peer address. Set it
    /// only if every request comes through that proxy: otherwise clients can name themselves.
    #[arg(long, env = "LAWKA_TRUSTED_PROXY_HEADER")]
    trusted_proxy_header: Option<HeaderName>,
    /// Where searches are answered from: `embedded` (the index directory) or `sphinx` (the
    /// Sphinx cluster `lawka index --backend sphinx` published the index directory's generation
    /// to; the generation stays in front for the analysis; docs/SCALE.md says what differs).
    #[arg(long, value_enum, default_value_t = Backend::Embedded)]
    backend: Backend,
    #[command(flatten)]
    sphinx: SphinxArgs,
}

impl Args {
    fn protection(&self) -> limits::Protection {
        let rate_limit = NonZeroU32::new(self.rate_limit).map(|per_second| limits::RateLimit {
            per_second,
            burst: NonZeroU32::new(self.rate_burst).unwrap_or(NonZeroU32::MIN),
        });
        limits::Protection { rate_limit, client_header: self.trusted_proxy_header.clone() }
    }
}

/// Opens (or first builds) the index and serves until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Checked before anything is built or opened, so a missing address fails at once.
    let sphinx = match args.backend {
        Backend::Embedded => None,
        Backend::Sphinx => Some(Arc::new(args.sphinx.client()?)),
        Backend::Typesense => anyhow::bail!(
            "--backend typesense: searches are not served through Typesense (its ranking has no BM25, docs/SCALE.md); \
             use embedded or sphinx"
        ),
    };
    let handle = open_or_build(&args)?;
    let glossary = server::LiveGlossary::open(&super::glossary_path(&args.corpus.dir))
        .map_err(|e| anyhow::anyhow!("bad glossary:\n{e}"))?;
    let mut state = server::AppState::new(Arc::new(handle), Arc::new(glossary)).with_protection(&args.protection());
    if let Some(client) = sphinx {
        state = state.with_sphinx(client);
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(server::serve(state, args.addr)).with_context(|| format!("serving on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}

fn open_or_build(args: &Args) -> anyhow::Result<IndexHandle> {
    super::open_or_build(&args.index.dir, &args.corpus.dir)
}
