//! Writing imported meetings and revisions into a copy of the corpus, and swapping it in.

use std::path::{Path, PathBuf};

use super::error::{ImportError, Result};
use crate::corpus::revisions::{self, RevisionEntry, RevisionFile};
use crate::corpus::{format_date, Corpus, Meeting, MeetingId};

/// An exclusive lock on imports into one corpus, held from reading the live corpus to the swap;
/// released when dropped.
pub struct ImportLock {
    _file: std::fs::File,
}

impl ImportLock {
    /// Takes the lock, or fails at once if another import into `live` holds it.
    pub fn acquire(live: &Path) -> Result<ImportLock> {
        let path = sibling(live, "import.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| ImportError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {
                recover_interrupted_swap(live)?;
                Ok(ImportLock { _file: file })
            }
            Err(std::fs::TryLockError::WouldBlock) => Err(ImportError::io(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another `lawka import` into this corpus is running",
                ),
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(ImportError::io(&path, e)),
        }
    }
}

/// Copies the live corpus beside itself, lets `fill` write into the copy, validates the copy as
/// `lawka check` does, and swaps it in. On any failure the copy is removed and the live corpus
/// is untouched.
pub fn replace_corpus(live: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let staging = sibling(live, "import");
    if staging.try_exists().map_err(|e| ImportError::io(&staging, e))? {
        std::fs::remove_dir_all(&staging).map_err(|e| ImportError::io(&staging, e))?;
    }
    let outcome = copy_dir(live, &staging).and_then(|()| fill(&staging)).and_then(|()| {
        Corpus::load(&staging)?;
        Ok(())
    });
    if let Err(e) = outcome {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    // One atomic exchange where the system has it: at every instant the live path holds a whole
    // corpus, the old or the new, even if the import is killed. Elsewhere two renames, with a
    // window in which the live path is missing: a rename failing halfway puts the live corpus
    // back, and a crash between the two is repaired by the next import
    // ([`recover_interrupted_swap`]).
    let old = sibling(live, "old");
    if old.try_exists().map_err(|e| ImportError::io(&old, e))? {
        std::fs::remove_dir_all(&old).map_err(|e| ImportError::io(&old, e))?;
    }
    // After an exchange the previous corpus is at the staging path; after two renames, aside.
    let previous = match exchange(&staging, live) {
        Ok(()) => staging,
        Err(_) => {
            std::fs::rename(live, &old).map_err(|e| ImportError::io(live, e))?;
            if let Err(e) = std::fs::rename(&staging, live) {
                let _ = std::fs::rename(&old, live);
                let _ = std::fs::remove_dir_all(&staging);
                return Err(ImportError::io(live, e));
            }
            old
        }
    };
    if let Err(e) = std::fs::remove_dir_all(&previous) {
        tracing::warn!(path = %previous.display(), error = %e, "cannot remove the previous corpus");
    }
    Ok(())
}

/// Swaps two directories in one step (Linux's `renameat2` with `RENAME_EXCHANGE`); an error where
/// the system or the file system has no such call.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Puts the previous corpus back where an import was killed between its two renames (the live
/// path missing, the previous corpus beside it): without this, every later import, build and
/// check would fail on the missing corpus until someone moved it back by hand.
fn recover_interrupted_swap(live: &Path) -> Result<()> {
    let old = sibling(live, "old");
    let missing = !live.try_exists().map_err(|e| ImportError::io(live, e))?;
    if missing && old.is_dir() {
        tracing::warn!(from = %old.display(), to = %live.display(), "an earlier import was interrupted; restoring the corpus");
        std::fs::rename(&old, live).map_err(|e| ImportError::io(live, e))?;
    }
    Ok(())
}

/// `<parent>/.<name>.<tag>`: on the same file system, so the swap is a rename.
fn sibling(live: &Path, tag: &str) -> PathBuf {
    let name = live.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "corpus".into());
    live.with_file_name(format!(".{name}.{tag}"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| ImportError::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| ImportError::io(from, e))? {
        let entry = entry.map_err(|e| ImportError::io(from, e))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| ImportError::io(&src, e))?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(|e| ImportError::io(&src, e))?;
        }
    }
    Ok(())
}

/// Writes a meeting as `meetings/<id>.md` in the corpus format.
pub fn meeting(dir: &Path, m: &Meeting) -> Result<()> {
    let meetings = dir.join("meetings");
    std::fs::create_dir_all(&meetings).map_err(|e| ImportError::io(&meetings, e))?;
    let path = meetings.join(format!("{}.md", m.id));
    std::fs::write(&path, render(m)).map_err(|e| ImportError::io(&path, e))
}

/// The meeting file's text.
pub fn render(m: &Meeting) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", m.title));
    out.push_str(&format!("date: {}\n", format_date(m.date)));
    out.push_str(&format!("place: {}\n", m.place));
    out.push_str(&format!("district: {}\n", m.district));
    out.push_str(&format!("kind: {}\n", m.kind.as_str()));
    out.push_str(&format!("source: {}\n", m.source.as_str()));
    if let Some(url) = &m.url {
        out.push_str(&format!("url: {url}\n"));
    }
    if let Some(n) = m.dok_id {
        out.push_str(&format!("dok_id: {n}\n"));
    }
    if let Some(d) = m.updated {
        out.push_str(&format!("updated: {}\n", format_date(d)));
    }
    out.push_str("---\n");
    if !m.lead.is_empty() {
        out.push_str(&format!("\n{}\n", m.lead));
    }
    for q in &m.questions {
        out.push_str(&format!("\n## {}. {}\n\n**Pytanie:** {}\n", q.id.n, q.title, q.text));
        for a in &q.answers {
            out.push_str(&format!("\n**Odpowiedź ({}):** {}\n", a.department, a.text));
        }
        let mut fields = String::new();
        if q.district != m.district {
            fields.push_str(&format!("**Dzielnica:** {}\n", q.district));
        }
        if !q.topics.is_empty() {
            let topics: Vec<&str> = q.topics.iter().map(|t| t.as_str()).collect();
            fields.push_str(&format!("**Tematy:** {}\n", topics.join(", ")));
        }
        if !fields.is_empty() {
            out.push('\n');
            out.push_str(&fields);
        }
    }
    out
}

/// Appends revisions to `revisions/<meeting>.json`, keeping those already there.
pub fn add_revisions(dir: &Path, meeting: &MeetingId, entries: &[RevisionEntry]) -> Result<()> {
    let path = revisions::path(dir, meeting.as_str());
    let mut file = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| ImportError::io(&path, e.into()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            RevisionFile { meeting: meeting.to_string(), revisions: Vec::new() }
        }
        Err(e) => return Err(ImportError::io(&path, e)),
    };
    file.revisions.extend(entries.iter().cloned());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ImportError::io(parent, e))?;
    }
    let mut json = serde_json::to_string_pretty(&file).map_err(|e| ImportError::io(&path, e.into()))?;
    json.push('\n');
    std::fs::write(&path, json).map_err(|e| ImportError::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_import_at_a_time() {
        let tmp = tempfile::tempdir().unwrap();
        let live = tmp.path().join("corpus");
        let first = ImportLock::acquire(&live).unwrap();
        let second = ImportLock::acquire(&live).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(second.contains("another `lawka import` into this corpus is running"), "{second}");
        drop(first);
        assert!(ImportLock::acquire(&live).is_ok());
    }

    #[test]
    fn a_swap_leaves_the_new_corpus_and_nothing_beside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let live = tmp.path().join("corpus");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"), &live).unwrap();
        replace_corpus(&live, |dir| std::fs::write(dir.join("marker"), "nowy\n").map_err(|e| ImportError::io(dir, e)))
            .unwrap();
        assert_eq!(std::fs::read_to_string(live.join("marker")).unwrap(), "nowy\n");
        assert!(Corpus::load(&live).is_ok());
        assert!(!tmp.path().join(".corpus.import").exists() && !tmp.path().join(".corpus.old").exists());
    }

    #[test]
    fn an_import_killed_between_two_renames_is_repaired_by_the_next() {
        // Where the system has no atomic exchange, the old corpus is renamed aside before the new
        // one takes its place; a crash in between left no corpus at the live path.
        let tmp = tempfile::tempdir().unwrap();
        let live = tmp.path().join("corpus");
        let old = tmp.path().join(".corpus.old");
        std::fs::create_dir_all(old.join("meetings")).unwrap();
        std::fs::write(old.join("departments.txt"), "Zarząd Dróg Miasta Krakowa\n").unwrap();
        let _lock = ImportLock::acquire(&live).unwrap();
        assert_eq!(std::fs::read_to_string(live.join("departments.txt")).unwrap(), "Zarząd Dróg Miasta Krakowa\n");
        assert!(!old.exists());
    }

    #[test]
    fn a_failed_fill_leaves_the_live_corpus_and_no_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let live = tmp.path().join("corpus");
        std::fs::create_dir_all(live.join("meetings")).unwrap();
        std::fs::write(live.join("departments.txt"), "Zarząd Dróg Miasta Krakowa\n").unwrap();
        let err = replace_corpus(&live, |dir| {
            std::fs::write(dir.join("departments.txt"), "zmienione\n").map_err(|e| ImportError::io(dir, e))?;
            Err(ImportError::NoItems { url: "http://127.0.0.1/x".into() })
        });
        assert!(matches!(err, Err(ImportError::NoItems { .. })));
        assert_eq!(std::fs::read_to_string(live.join("departments.txt")).unwrap(), "Zarząd Dróg Miasta Krakowa\n");
        assert!(!tmp.path().join(".corpus.import").exists());
    }
}
