//! What can go wrong with a Sphinx cluster.

/// A Sphinx failure, with what was asked and what the cluster said.
#[derive(Debug, thiserror::Error)]
pub enum SphinxError {
    /// The cluster's address or layout is missing or malformed.
    #[error("{0}")]
    Config(String),
    /// No node answered in full within the retry time.
    #[error("Sphinx: no node answered in full in time (last: {last}); statement: {sql}")]
    Unavailable {
        /// The statement.
        sql: String,
        /// The last node's failure.
        last: String,
    },
    /// Sphinx refused the statement (no node would answer it).
    #[error("Sphinx refused {sql}: {message}")]
    Statement {
        /// The statement.
        sql: String,
        /// Sphinx's answer.
        message: String,
    },
    /// Building or switching the shards failed before any node switched: the cluster serves
    /// what it served.
    #[error("Sphinx: {0}")]
    Publish(String),
    /// Some node switched to the new shards, or all did and not every one was seen serving
    /// them in time: the cluster may serve the new generation.
    #[error("Sphinx: {0}")]
    PartlyPublished(String),
    /// Reading the index to publish.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
}

/// A Sphinx result.
pub type Result<T> = std::result::Result<T, SphinxError>;
