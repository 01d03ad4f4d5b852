//! The `lawka` binary: parse the command line, set up logging, run, map the outcome to an exit
//! code (0 ok, 1 problems found or nothing matched, 2 error).

use std::process::ExitCode;

use clap::Parser;
use lawka::cli::{self, Cli};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
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
