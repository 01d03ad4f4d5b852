//! Ławka: search over the questions residents ask at Kraków's "Ławka dialogu" meetings and the
//! answers the city's departments publish.
//!
//! Data flows one way; a module uses only the modules listed above it:
//!
//! - [`progress`]: the progress events that long operations (import, index build) report.
//! - [`corpus`]: the Markdown corpus → typed meetings, questions and answers (strict parser).
//! - [`import`]: the city's published articles (HTTP or saved pages) → meetings in the corpus.
//! - [`analysis`]: Polish text → index terms (tokenizer chains registered by name).
//! - [`embed`]: text → multilingual sentence vectors (optional e5 model) and the vector file of
//!   the questions and their answers' paragraphs, with its content-hash cache.
//! - [`index`]: corpus + analysis → tantivy index generations, built beside the live one and
//!   switched atomically.
//! - [`search`]: requests → ranked hits, facet counts and snippets over an [`index::IndexHandle`].
//! - [`server`]: the HTTP service (axum) over [`search`].
//! - [`typesense`], [`sphinx`]: a generation published to a distributed engine's cluster, and
//!   the queries Ławka sends there (issue 13, docs/SCALE.md).
//! - [`cli`]: the `lawka` command line (clap) over all of the above.
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod corpus;
pub mod embed;
pub mod import;
pub mod index;
pub mod progress;
pub mod search;
pub mod server;
pub mod sphinx;
pub mod typesense;
