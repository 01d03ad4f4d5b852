//! Corpus errors: every problem names the file and the line.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a corpus file, at a line (1-based; 0 when it concerns the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub path: PathBuf,
    /// The line, from 1; 0 for the file as a whole.
    pub line: usize,
    /// What was expected, in English.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `path:line`.
    pub fn new(path: &Path, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic { path: path.to_path_buf(), line, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        }
    }
}

/// Why a corpus could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file or directory could not be read.
    #[error("cannot read {path}")]
    Io {
        /// What was being read.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The corpus was read but is malformed; every problem found is listed.
    #[error("{}", list_problems(.0))]
    Invalid(Vec<Diagnostic>),
}

/// How many problems an error message lists before "and N more" (`lawka check` lists all).
const LISTED: usize = 20;

fn list_problems(problems: &[Diagnostic]) -> String {
    let mut out = format!("{} problem(s) in the corpus:", problems.len());
    for d in problems.iter().take(LISTED) {
        out.push_str(&format!("\n  {d}"));
    }
    if problems.len() > LISTED {
        out.push_str(&format!("\n  ... and {} more (run `lawka check`)", problems.len() - LISTED));
    }
    out
}

impl CorpusError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> CorpusError {
        CorpusError::Io { path: path.to_path_buf(), source }
    }
}

/// The corpus module's result.
pub type Result<T> = std::result::Result<T, CorpusError>;
