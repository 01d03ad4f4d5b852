//! Earlier versions of answers: `revisions/<meeting id>.json`, written by `lawka import` when a
//! re-import finds an answer changed, read back with the corpus.
//!
//! The city revises its answers after publication and a page only ever shows the latest text, so
//! the corpus is the only place the earlier texts survive. They are machine-written history, kept
//! apart from the meeting files so that an editor's meeting file stays the current truth.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::Diagnostic;
use super::model::{format_date, parse_date, Answer, Meeting, Revision};
use super::vocab::Vocabulary;

/// The directory of revision files inside a corpus.
pub const REVISIONS_DIR: &str = "revisions";

/// One revision file as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionFile {
    /// The meeting id (the file stem).
    pub meeting: String,
    /// Every earlier version, oldest first.
    pub revisions: Vec<RevisionEntry>,
}

/// One earlier version of one question's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionEntry {
    /// The question number.
    pub question: u32,
    /// `YYYY-MM-DD`: the "stan na" date the article had while this text was current.
    pub as_of: Option<String>,
    /// `YYYY-MM-DD`: when a newer text replaced it.
    pub replaced: String,
    /// The answers as they were.
    pub answers: Vec<RevisionAnswer>,
}

/// One unit's earlier answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevisionAnswer {
    /// The unit's canonical name (`departments.txt`).
    pub unit: String,
    /// The text, paragraphs joined by blank lines.
    pub text: String,
}

impl RevisionEntry {
    /// The entry for an earlier version.
    pub fn new(question: u32, as_of: Option<time::Date>, replaced: time::Date, answers: &[Answer]) -> RevisionEntry {
        RevisionEntry {
            question,
            as_of: as_of.map(format_date),
            replaced: format_date(replaced),
            answers: answers
                .iter()
                .map(|a| RevisionAnswer { unit: a.department.to_string(), text: a.text.clone() })
                .collect(),
        }
    }
}

/// The revision file of a meeting in the corpus at `dir`.
pub fn path(dir: &Path, meeting: &str) -> PathBuf {
    dir.join(REVISIONS_DIR).join(format!("{meeting}.json"))
}

/// Reads every revision file of the corpus at `dir` and attaches each entry to its question;
/// every problem is pushed to `problems`.
pub(crate) fn attach(dir: &Path, vocab: &Vocabulary, meetings: &mut [Meeting], problems: &mut Vec<Diagnostic>) {
    let by_id: HashMap<String, usize> = meetings.iter().enumerate().map(|(i, m)| (m.id.to_string(), i)).collect();
    for (file, parsed) in read_files(dir, problems) {
        match by_id.get(&parsed.meeting) {
            Some(&mi) => apply(&file, &parsed, &mut meetings[mi], vocab, problems),
            None => problems.push(Diagnostic::new(&file, 0, format!("no meeting {} in meetings/", parsed.meeting))),
        }
    }
}

/// Every revision file of the corpus at `dir` that parses and names its meeting as its file
/// name does, in file-name order; every problem is pushed to `problems`.
pub(crate) fn read_files(dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(PathBuf, RevisionFile)> {
    let rdir = dir.join(REVISIONS_DIR);
    let entries = match std::fs::read_dir(&rdir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(Diagnostic::new(&rdir, 0, format!("cannot read: {e}")));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        if file.extension().is_none_or(|e| e != "json") {
            problems.push(Diagnostic::new(&file, 0, "unexpected file: revisions/ holds only <meeting id>.json"));
            continue;
        }
        let parsed: RevisionFile = match std::fs::read_to_string(&file)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(p) => p,
            Err(e) => {
                problems.push(Diagnostic::new(&file, 0, format!("not a revision file: {e}")));
                continue;
            }
        };
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if parsed.meeting != stem {
            problems.push(Diagnostic::new(&file, 0, format!("names meeting {:?}, not its file name", parsed.meeting)));
            continue;
        }
        out.push((file, parsed));
    }
    out
}

/// Attaches the entries of one revision file (`file`, for the diagnostics) to its meeting.
pub(crate) fn apply(
    file: &Path,
    parsed: &RevisionFile,
    meeting: &mut Meeting,
    vocab: &Vocabulary,
    problems: &mut Vec<Diagnostic>,
) {
    for entry in &parsed.revisions {
        match revision(entry, vocab) {
            Err(e) => problems.push(Diagnostic::new(file, 0, format!("question {}: {e}", entry.question))),
            Ok(r) => match meeting.questions.iter_mut().find(|q| q.id.n == entry.question) {
                Some(q) => q.revisions.push(r),
                None => problems.push(Diagnostic::new(
                    file,
                    0,
                    format!("question {} is not in meeting {}", entry.question, parsed.meeting),
                )),
            },
        }
    }
    for q in &mut meeting.questions {
        q.revisions.sort_by_key(|r| r.replaced);
    }
}

fn revision(entry: &RevisionEntry, vocab: &Vocabulary) -> Result<Revision, String> {
    let as_of = match &entry.as_of {
        None => None,
        Some(s) => Some(parse_date(s).ok_or_else(|| format!("bad as_of date {s:?}: expected YYYY-MM-DD"))?),
    };
    let replaced = parse_date(&entry.replaced)
        .ok_or_else(|| format!("bad replaced date {:?}: expected YYYY-MM-DD", entry.replaced))?;
    if entry.answers.is_empty() {
        return Err("a revision without answers".into());
    }
    let answers = entry
        .answers
        .iter()
        .map(|a| {
            let department =
                vocab.department(&a.unit).ok_or_else(|| format!("unit {:?} is not in departments.txt", a.unit))?;
            Ok(Answer { department, text: a.text.clone() })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Revision { as_of, replaced, answers })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{check, Corpus};

    const MEETING: &str = "---\ntitle: Spotkanie w Bieżanowie\ndate: 2024-11-26\nplace: w Bieżanowie\n\
district: Dzielnica XII Bieżanów-Prokocim\nkind: dzielnica\nsource: krakow.pl\nurl: https://www.krakow.pl/start/290478,artykul,a.html\n\
dok_id: 290478\nupdated: 2025-08-12\n---\n\n## 1. Chodnik\n\n**Pytanie:** Czy powstanie chodnik?\n\n\
**Odpowiedź (Zarząd Dróg Miasta Krakowa):** Tak, za 1,8 mln zł.\n";

    fn corpus_with(revisions: &str, units: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("meetings")).unwrap();
        std::fs::create_dir_all(d.join(REVISIONS_DIR)).unwrap();
        std::fs::write(d.join("departments.txt"), "Zarząd Dróg Miasta Krakowa\n").unwrap();
        std::fs::write(d.join("topics.txt"), "drogi i chodniki\n").unwrap();
        std::fs::write(d.join("units.txt"), units).unwrap();
        std::fs::write(d.join("meetings/2024-11-26-biezanowie.md"), MEETING).unwrap();
        std::fs::write(path(d, "2024-11-26-biezanowie"), revisions).unwrap();
        tmp
    }

    #[test]
    fn revisions_attach_to_their_question() {
        let tmp = corpus_with(
            r#"{"meeting": "2024-11-26-biezanowie", "revisions": [{"question": 1, "as_of": "2025-01-15",
            "replaced": "2025-08-12", "answers": [{"unit": "Zarząd Dróg Miasta Krakowa", "text": "Tak, za 1,2 mln zł."}]}]}"#,
            "ZDMK Zarząd Dróg Miasta Krakowa\n",
        );
        let c = Corpus::load(tmp.path()).unwrap();
        let m = &c.meetings[0];
        assert_eq!(m.dok_id, Some(290478));
        let r = &m.questions[0].revisions;
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].as_of.map(format_date).as_deref(), Some("2025-01-15"));
        assert_eq!(r[0].answers[0].text, "Tak, za 1,2 mln zł.");
        assert_eq!(c.vocabulary.unit("ZDMK").map(|d| d.to_string()).as_deref(), Some("Zarząd Dróg Miasta Krakowa"));
        assert!(c.vocabulary.unit("ZTP").is_none());
    }

    #[test]
    fn check_reports_bad_revisions_and_unit_tables() {
        let tmp = corpus_with(
            r#"{"meeting": "2024-11-26-biezanowie", "revisions": [
            {"question": 2, "as_of": null, "replaced": "2025-08-12", "answers": [{"unit": "Zarząd Dróg Miasta Krakowa", "text": "x"}]},
            {"question": 1, "as_of": "2025-13-01", "replaced": "2025-08-12", "answers": [{"unit": "Zarząd Dróg Miasta Krakowa", "text": "x"}]},
            {"question": 1, "as_of": null, "replaced": "2025-08-12", "answers": [{"unit": "Zarząd Tramwajów", "text": "x"}]}]}"#,
            "ZDMK Zarząd Dróg Miasta Krakowa\n",
        );
        let problems: Vec<String> = check(tmp.path()).iter().map(|d| d.to_string()).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].ends_with("2024-11-26-biezanowie.json: question 2 is not in meeting 2024-11-26-biezanowie"));
        assert!(problems[1].ends_with("question 1: bad as_of date \"2025-13-01\": expected YYYY-MM-DD"));
        assert!(problems[2].ends_with("question 1: unit \"Zarząd Tramwajów\" is not in departments.txt"));

        let tmp = corpus_with(r#"{"meeting": "2024-11-26-biezanowie", "revisions": []}"#, "ZDMK Zarząd Dróg\nZTP\n");
        let problems: Vec<String> = check(tmp.path()).iter().map(|d| d.to_string()).collect();
        assert!(problems[0].ends_with("units.txt:2: expected `<key> <name>`, found \"ZTP\""), "{problems:?}");
        let tmp = corpus_with(r#"{"meeting": "2024-11-26-biezanowie", "revisions": []}"#, "ZDMK Zarząd Dróg\n");
        let problems: Vec<String> = check(tmp.path()).iter().map(|d| d.to_string()).collect();
        assert!(
            problems[0].ends_with("units.txt:1: unit \"Zarząd Dróg\" (for ZDMK) is not in departments.txt"),
            "{problems:?}"
        );
    }
}
