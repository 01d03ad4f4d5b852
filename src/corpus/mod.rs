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

/// A corpus read in batches of meeting files, for a build that must not hold every question at
/// once (as [`Corpus::load`] does): a first pass validates it as strictly and learns what the
/// index needs of the whole, a second builds the documents.
pub struct CorpusReader {
    dir: PathBuf,
    /// The departments and topics it allows.
    pub vocabulary: Vocabulary,
    files: Vec<PathBuf>,
    /// The revision files by meeting id (few and small: read once).
    revisions: std::collections::HashMap<String, (PathBuf, revisions::RevisionFile)>,
    /// Problems of the revision files themselves.
    problems: Vec<Diagnostic>,
}

impl CorpusReader {
    /// Lists the meeting files of the corpus at `dir` and reads its vocabulary and revisions.
    pub fn open(dir: &Path) -> Result<CorpusReader> {
        let vocabulary = Vocabulary::load(dir)?;
        let files = meeting_files(dir)?;
        let mut problems = Vec::new();
        let revisions =
            revisions::read_files(dir, &mut problems).into_iter().map(|(f, r)| (r.meeting.clone(), (f, r))).collect();
        Ok(CorpusReader { dir: dir.to_path_buf(), vocabulary, files, revisions, problems })
    }

    /// Hands the meetings to `each`, `batch` files at a time in file order (each batch parsed in
    /// parallel, with its revisions). A batch with a problem is not handed over; the reading goes
    /// on, and every problem of every file is returned at the end, as [`Corpus::load`] does.
    pub fn for_each_batch<E: From<CorpusError>>(
        &self,
        batch: usize,
        mut each: impl FnMut(Vec<Meeting>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        use rayon::prelude::*;
        let mut problems = self.problems.clone();
        let mut attached = std::collections::HashSet::new();
        for files in self.files.chunks(batch.max(1)) {
            let parsed: Vec<std::result::Result<Meeting, Vec<Diagnostic>>> = files
                .par_iter()
                .map(|path| {
                    let text = read_text(path).map_err(|d| vec![d])?;
                    parse_meeting(path, &text, &self.vocabulary)
                })
                .collect();
            let mut meetings = Vec::with_capacity(parsed.len());
            for result in parsed {
                match result {
                    Ok(mut m) => {
                        if let Some((file, r)) = self.revisions.get(m.id.as_str()) {
                            revisions::apply(file, r, &mut m, &self.vocabulary, &mut problems);
                            attached.insert(m.id.to_string());
                        }
                        meetings.push(m);
                    }
                    Err(p) => problems.extend(p),
                }
            }
            // Once anything is wrong the corpus will be refused: nothing more is handed over.
            if problems.is_empty() {
                each(meetings)?;
            }
        }
        let mut unattached: Vec<&(PathBuf, revisions::RevisionFile)> =
            self.revisions.iter().filter(|(id, _)| !attached.contains(*id)).map(|(_, v)| v).collect();
        unattached.sort_by(|a, b| a.0.cmp(&b.0));
        for (file, r) in unattached {
            problems.push(Diagnostic::new(file, 0, format!("no meeting {} in meetings/", r.meeting)));
        }
        if self.files.is_empty() && problems.is_empty() {
            problems.push(Diagnostic::new(&self.dir.join("meetings"), 0, "no meeting files (*.md)"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CorpusError::Invalid(problems).into())
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read_batches(dir: &Path, batch: usize) -> Result<Vec<Meeting>> {
        let reader = CorpusReader::open(dir)?;
        let mut all = Vec::new();
        reader.for_each_batch(batch, |b| {
            all.extend(b);
            Ok::<(), CorpusError>(())
        })?;
        Ok(all)
    }

    fn problems(r: Result<impl std::fmt::Debug>) -> Vec<String> {
        let mut p: Vec<String> = match r {
            Err(CorpusError::Invalid(p)) => p.iter().map(|d| format!("{d:?}")).collect(),
            other => panic!("expected problems, got {other:?}"),
        };
        p.sort();
        p
    }

    #[test]
    fn batches_read_the_same_meetings_as_a_whole_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let whole = format!("{:?}", Corpus::load(&dir).expect("the bundled corpus loads").meetings);
        for batch in [1, 7, 100_000] {
            assert_eq!(format!("{:?}", read_batches(&dir, batch).expect("it reads")), whole, "batches of {batch}");
        }
    }

    #[test]
    fn batches_report_every_problem_a_whole_load_does() {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let tmp = tempfile::tempdir().expect("temp dir");
        let d = tmp.path();
        for f in ["departments.txt", "topics.txt", "units.txt"] {
            std::fs::copy(bundled.join(f), d.join(f)).expect("copy");
        }
        std::fs::create_dir_all(d.join("meetings")).expect("meetings");
        std::fs::create_dir_all(d.join(revisions::REVISIONS_DIR)).expect("revisions");
        let good = meeting_files(&bundled).expect("files").remove(0);
        std::fs::copy(&good, d.join("meetings").join(good.file_name().expect("name"))).expect("copy");
        std::fs::write(d.join("meetings/2030-01-01-zle.md"), "---\ntitle: Bez daty\n---\n").expect("write");
        std::fs::write(revisions::path(d, "2020-01-01-nic"), r#"{"meeting":"2020-01-01-nic","revisions":[]}"#)
            .expect("write");
        let whole = problems(Corpus::load(d));
        assert!(whole.len() >= 2, "{whole:?}");
        for batch in [1, 2] {
            assert_eq!(problems(read_batches(d, batch)), whole, "batches of {batch}");
        }
    }
}
