//! Index errors.

use std::path::PathBuf;

use crate::corpus::CorpusError;

/// Why an index could not be built or opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The corpus is unreadable or malformed; nothing was changed.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// A file operation failed.
    // The OS error is in the message, not the error's source: `lawka`'s chain would print it twice.
    #[error("{context}: {error}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// tantivy failed.
    #[error("index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The directory has no built index.
    #[error("no index in {0} (build one with `lawka index`)")]
    Missing(PathBuf),
    /// An index being built or opened failed its own checks (count or metadata mismatch).
    #[error("the index failed its checks: {0}")]
    Verification(String),
    /// The new generation was built, but what had to take it before the switch did not; it was
    /// removed and the previous generation stays live.
    #[error("{0}; the new index was removed, the previous one stays live")]
    NotSwitched(String),
    /// The new generation was built and handed on, and what took it reported a failure after
    /// it may have begun serving it; the generation went live here too.
    #[error("{why}; the engine may serve {generation} already, so it is live here too")]
    SwitchedAnyway {
        /// The generation now live.
        generation: String,
        /// What failed.
        why: String,
    },
}

impl IndexError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> IndexError {
        IndexError::Io { context: context.into(), error: source }
    }
}

/// The index module's result.
pub type Result<T> = std::result::Result<T, IndexError>;
