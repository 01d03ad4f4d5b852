//! What can go wrong talking to a Typesense cluster.

/// A Typesense failure, with what was asked and what the cluster said.
#[derive(Debug, thiserror::Error)]
pub enum TypesenseError {
    /// The cluster's address or key is missing or malformed.
    #[error("{0}")]
    Config(String),
    /// No node answered usefully within the retry time.
    #[error("Typesense {method} {path}: no node answered in time (last: {last})")]
    Unavailable {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
        /// The last node's failure.
        last: String,
    },
    /// A node answered with an error status.
    #[error("Typesense {method} {path}: HTTP {status}: {body}")]
    Status {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
        /// The answer's status.
        status: u16,
        /// The start of the answer's body.
        body: String,
    },
    /// An answer Ławka cannot read, or a state it did not expect.
    #[error("Typesense: {0}")]
    Protocol(String),
    /// The alias was switched to the new collection, but not every node was seen to follow in
    /// time: the cluster may serve the new generation.
    #[error("Typesense: {0}")]
    PartlyPublished(String),
    /// Reading the index to publish.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
}

/// A Typesense result.
pub type Result<T> = std::result::Result<T, TypesenseError>;
