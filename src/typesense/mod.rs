//! Ławka's questions on a Typesense cluster (issue 13; docs/SCALE.md says why Typesense): a
//! client for its nodes and the bulk publication of an index generation as a collection behind
//! an alias.
//!
//! Ławka analyses, Typesense stores and replicates: documents go out pre-analysed (each text's
//! terms and folded terms, space-separated, matched exactly under `locale: pl`), so a query
//! analysed by Ławka matches the same terms on either backend.

pub mod client;
pub mod collection;
pub mod error;
pub mod search;

pub use client::{Client, Cluster};
pub use collection::{publish, Published, DEFAULT_ALIAS, REPLICATION_WAIT};
pub use error::{Result, TypesenseError};
