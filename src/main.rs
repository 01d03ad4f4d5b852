//! The `lawka` binary: parse the command line, set up logging, run, map the outcome to an exit
//! code (0 ok, 1 problems found or nothing matched, 2 error).

use std::process::ExitCode;

use clap::Parser;
use lawka::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

/// jemalloc, as Quickwit uses, rather than glibc's malloc: the server runs searches and opens each
/// new generation on tokio's blocking threads, and glibc gives such threads arenas of their own
/// (up to 8 per core), each keeping what it frees. Measured with 20 reindexes under load
/// (docs/BENCHMARKS.md, "The allocator"): anonymous memory 72 → 193 MB with glibc, 75 → 81–102 MB
/// with jemalloc, and requests/s up by 4–10 %.
#[cfg(feature = "jemalloc")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, cli::Command::Search(_) | cli::Command::Analyze(_) | cli::Command::Check(_)) {
        end_quietly_on_a_closed_pipe();
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(cli.command.default_log_level()));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lawka: error: {}", cli::error_line(&e));
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so writing to a pipe whose reader has gone (`lawka search … | head`)
/// is an error, and `println!` panics on it with a backtrace. A command-line tool should simply
/// stop, as C tools do: the signal's default action. Only for the commands that print and touch
/// no network: a socket written with `writev` (hyper's requests in `import`, a cluster's in
/// `index --backend`, the clients of `serve`) would raise the signal too, and the process would
/// end without its retries or its message.
fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called at the start of `main`, before any thread is started; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
