//! Reading the Markdown corpus (`corpus/FORMAT.md`) into typed meetings and questions.
//!
//! A corpus directory holds `departments.txt`, `topics.txt` and `meetings/*.md`. Loading is
//! strict: any problem in any file fails the whole load and every problem is reported with its
//! file and line, so a bad file can never silently drop questions from an index.

mod error;
mod model;
mod parse;
pub mod revisions;
pub mod synth;
mod vocab;

use std::path::{Path, PathBuf};

pub use error::{CorpusError, Diagnostic, Result};
pub use model::{
    format_date, parse_date, Answer, Department, District, Meeting, MeetingId, MeetingKind, Question, QuestionId,
    Revision, Source, Topic,
};
pub use parse::parse_meeting;
pub use vocab::{Vocabulary, DISTRICTS, PLACES_FILE, UNITS_FILE};

/// A whole corpus, validated.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The departments and topics it allows.
    pub vocabulary: Vocabulary,
    /// Meetings in file-name order (that is, by date).
    pub meetings: Vec<Meeting>,
}

impl Corpus {
    /// Reads and validates every meeting of the corpus at `dir`.
    pub fn load(dir: &Path) -> Result<Corpus> {
        let vocabulary = Vocabulary::load(dir)?;
        use rayon::prelude::*;
        // Files parse independently; the collected order is the files' (sorted) order.
        let parsed: Vec<std::result::Result<Meeting, Vec<Diagnostic>>> = meeting_files(dir)?
            .par_iter()
            .map(|path| {
                let text = read_text(path).map_err(|d| vec![d])?;
                parse_meeting(path, &text, &vocabulary)
            })
            .collect();
        let mut meetings = Vec::new();
        let mut problems = Vec::new();
        for result in parsed {
            match result {
                Ok(m) => meetings.push(m),
                Err(p) => problems.extend(p),
            }
        }
        revisions::attach(dir, &vocabulary, &mut meetings, &mut problems);
        if meetings.is_empty() && problems.is_empty() {
            problems.push(Diagnostic::new(&dir.join("meetings"), 0, "no meeting files (*.md)"));
        }
        if problems.is_empty() {
            Ok(Corpus { vocabulary, meetings })
        } else {
            Err(CorpusError::Invalid(problems))
        }
    }

    /// Every question, meeting by meeting.
    pub fn questions(&self) -> impl Iterator<Item = (&Meeting, &Question)> {
        self.meetings.iter().flat_map(|m| m.questions.iter().map(move |q| (m, q)))
    }

    /// The number of questions.
    pub fn question_count(&self) -> usize {
        self.meetings.iter().map(|m| m.questions.len()).sum()
    }
}

/// Validates the corpus at `dir`; returns every problem found (empty when it is fine).
pub fn check(dir: &Path) -> Vec<Diagnostic> {
    match Corpus::load(dir) {
        Ok(_) => Vec::new(),
        Err(CorpusError::Invalid(problems)) => problems,
        Err(e @ CorpusError::Io { .. }) => vec![Diagnostic::new(dir, 0, e.to_string())],
    }
}

/// The `*.md` files of `dir/meetings`, sorted by name.
fn meeting_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let meetings = dir.join("meetings");
    let entries = std::fs::read_dir(&meetings).map_err(|e| CorpusError::io(&meetings, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| CorpusError::io(&meetings, e))?.path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads a file as UTF-8; invalid bytes are a diagnostic naming the line they are on.
fn read_text(path: &Path) -> std::result::Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(path, 0, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid].iter().filter(|b| **b == b'\n').count() + 1;
        Diagnostic::new(path, line, "invalid UTF-8: the corpus must be UTF-8 text")
    })
}
