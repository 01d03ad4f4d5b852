//! Corpus + analysis → tantivy index generations.
//!
//! A build writes a complete new generation beside the live one, verifies it, and switches to it
//! by renaming a pointer file ([`generation`]); readers hold an [`IndexHandle`] whose generation
//! is swapped whole, so no search ever sees a half-built index.

mod build;
pub mod dense;
mod document;
mod error;
pub mod generation;
mod handle;
pub mod published;
mod read_directory;
pub mod schema;
mod serving_directory;
pub mod suggestions;

pub use build::{build, build_then_switch, BeforeSwitch, BuildOptions, BuildSummary, NoProgress, NotTaken, Progress};
pub use dense::{DenseIndex, VectorStats};
pub use document::{date_value, Analyzers, MeetingRef, Record, StoredAnswer, StoredRevision};
pub use error::{IndexError, Result};
pub use generation::{GenerationMeta, MeetingSummary, RevisedQuestion};
pub use handle::{exists, Generation, IndexHandle};
pub use schema::Fields;
pub use suggestions::Suggestions;
