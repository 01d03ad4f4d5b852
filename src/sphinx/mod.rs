//! Ławka's questions on a Sphinx cluster (issue 13; docs/SCALE.md says why Sphinx): a client for
//! its nodes, the bulk publication of an index generation as shards, the candidate query, and
//! the server's backend over the cluster (`lawka serve --backend sphinx`).
//!
//! Ławka analyses, Sphinx stores, shards and mirrors: documents go out pre-analysed (Ławka's
//! folded terms, space-separated, which Sphinx's `charset_table` keeps whole), so a query
//! analysed by Ławka matches the same terms on either backend. Sphinx matches an OR of Ławka's
//! expanded query and orders it by its BM25F; Ławka scores Sphinx's first matches from their
//! keyword frequencies ([`rescore`]), which keeps the served ranking within 0.02 of the
//! embedded one on the judged sets (docs/SCALE.md).

pub mod backend;
pub mod client;
mod error;
pub mod publish;
pub mod rescore;
pub mod search;

pub use backend::SphinxBackend;
pub use client::{Client, Cluster};
pub use error::{Result, SphinxError};
pub use publish::{publish, Layout, Published};
