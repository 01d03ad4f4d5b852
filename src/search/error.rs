//! Search errors: the caller's mistakes apart from internal faults.

/// Why a search or lookup failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A parameter is invalid; `reason` is a Polish sentence for the user.
    #[error("bad parameter {param}: {reason}")]
    BadParameter {
        /// The parameter's name.
        param: &'static str,
        /// What is wrong with it (Polish, shown to users).
        reason: String,
    },
    /// A parameter the endpoint does not take (a typo such as `districts`).
    #[error("unknown parameter {0}")]
    UnknownParameter(String),
    /// No question has this id.
    #[error("no question {0}")]
    NotFound(String),
    /// The index failed (a bug or a damaged index, never the caller's fault).
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The backend could not answer now (a distributed engine's nodes unreachable): worth
    /// trying again later, never the caller's fault.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// The backend refused or failed a request it should have answered (a bug, never the
    /// caller's fault).
    #[error("backend: {0}")]
    Backend(String),
    /// A stored record could not be read back.
    #[error("stored record of {id}: {reason}")]
    Record {
        /// The document's id, if known.
        id: String,
        /// What failed.
        reason: String,
    },
}

/// The search module's result.
pub type Result<T> = std::result::Result<T, SearchError>;
