//! The on-disk layout of an index directory, and the atomic switch between generations.
//!
//! ```text
//! index/
//!   CURRENT            "gen-00000007": the live generation, replaced by write-temp + rename
//!   gen-00000007/      a complete tantivy index + lawka.json (its metadata)
//!   gen-00000006/      the previous one, kept for servers still reading it
//!   gen-00000008.partial/  a build in progress (or one that crashed; removed by the next build)
//!   .lock              held by the indexer while it builds
//! ```
//!
//! A generation directory only gets its final name once it is complete and verified, and
//! `CURRENT` only ever names a final one, so a crash at any point leaves the previous generation
//! live and usable.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file naming the live generation.
pub const CURRENT: &str = "CURRENT";
/// The metadata file inside a generation.
pub const META: &str = "lawka.json";
/// The version of the text analysis (tokenizers, stop words, dictionary, stemming). Terms from
/// another version do not match this version's query terms, so a generation built by another
/// version is not served: it is rebuilt. Raise it whenever the analysis or the index layout
/// changes what a query's terms meet (2: one weighted field per analysis, BM25F; 3: a text in
/// Cyrillic letters has its words' Polish translations too).
pub const ANALYSIS_VERSION: u32 = 3;

/// The lock file an indexer holds.
pub const LOCK: &str = ".lock";
/// The file inside a generation that every process reading it holds a shared lock on, so that
/// garbage collection never removes a generation in use.
pub const READERS: &str = "READERS";
const PREFIX: &str = "gen-";
const PARTIAL: &str = ".partial";

/// A meeting as listed by `/api/meetings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    /// Meeting id.
    pub id: String,
    /// Published title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Neighbourhood or venue.
    pub place: String,
    /// District or `Cały Kraków`.
    pub district: String,
    /// Meeting kind.
    pub kind: String,
    /// `synthetic` or `krakow.pl`.
    pub source: String,
    /// Number of questions.
    pub questions: usize,
}

/// What `lawka.json` records about a generation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationMeta {
    /// The directory name, `gen-NNNNNNNN`.
    pub generation: String,
    /// When the build finished, RFC 3339.
    pub built_at: String,
    /// Number of documents (questions).
    pub documents: u64,
    /// The meetings, newest first.
    pub meetings: Vec<MeetingSummary>,
    /// Questions per language code.
    pub languages: std::collections::BTreeMap<String, u64>,
    /// The corpus's department names (for validating filters).
    pub departments: Vec<String>,
    /// The corpus's topic names (for validating filters).
    pub topics: Vec<String>,
    /// The version of the analysis the generation was built with ([`ANALYSIS_VERSION`]).
    #[serde(default)]
    pub analysis: u32,
    /// Names the dictionary does not know, learnt from the corpus (see `analysis::Gazetteer`);
    /// the analysis of this generation, at index and at query time, depends on them.
    #[serde(default)]
    pub gazetteer: Vec<String>,
    /// Every revision of an answer, newest first: what the Atom feed announces.
    #[serde(default)]
    pub revised: Vec<RevisedQuestion>,
    /// The abbreviations the corpus spells out ("long form (ABBR)", see
    /// [`crate::analysis::spelled_out`]); searches add them to the glossary's. A generation built before
    /// has none (`lawka index` learns them).
    #[serde(default)]
    pub abbreviations: Vec<crate::analysis::LearnedAbbreviation>,
    /// How many words of the thesaurus the corpus attests (kept in
    /// [`crate::analysis::thesaurus::FILE`], see [`crate::analysis::thesaurus::attested`]); 0 in a
    /// generation built before, or without the thesaurus installed.
    #[serde(default)]
    pub thesaurus_words: usize,
}

/// A question whose answers were revised, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisedQuestion {
    /// `<meeting>/<n>`.
    pub id: String,
    /// `YYYY-MM-DD`.
    pub replaced: String,
}

/// The directory name of generation `n`.
pub fn generation_name(n: u64) -> String {
    format!("{PREFIX}{n:08}")
}

/// The number of a `gen-NNNNNNNN` or `gen-NNNNNNNN.partial` name.
fn generation_number(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(PREFIX)?;
    let digits = digits.strip_suffix(PARTIAL).unwrap_or(digits);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The live generation's name, or `None` when the directory has none yet.
pub fn read_current(dir: &Path) -> io::Result<Option<String>> {
    match fs::read_to_string(dir.join(CURRENT)) {
        Ok(s) => {
            let name = s.trim();
            match generation_number(name) {
                Some(_) if !name.ends_with(PARTIAL) => Ok(Some(name.to_string())),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} names no generation: {name:?}", dir.join(CURRENT).display()),
                )),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The number the next build gets: one above every generation present, partial ones included.
pub fn next_generation(dir: &Path) -> io::Result<u64> {
    let mut max = 0;
    for entry in fs::read_dir(dir)? {
        if let Some(n) = entry?.file_name().to_str().and_then(generation_number) {
            max = max.max(n);
        }
    }
    Ok(max + 1)
}

/// The working directory of a build of generation `n`.
pub fn partial_dir(dir: &Path, n: u64) -> PathBuf {
    dir.join(format!("{}{PARTIAL}", generation_name(n)))
}

/// Fsyncs a directory so that renames inside it are durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Fsyncs every file in a directory, then the directory itself.
pub fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            File::open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory, fsynced, then renamed.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Publishes a finished build: renames its partial directory to its final name, then points
/// `CURRENT` at it.
pub fn publish(dir: &Path, n: u64) -> io::Result<String> {
    let name = generation_name(n);
    fs::rename(partial_dir(dir, n), dir.join(&name))?;
    sync_dir(dir)?;
    atomic_write(&dir.join(CURRENT), format!("{name}\n").as_bytes())?;
    Ok(name)
}

/// Removes leftovers of crashed builds, and every generation older than the live one that no
/// process is reading (see [`ReaderLock`]). Only call while holding the build lock.
pub fn collect_garbage(dir: &Path) -> io::Result<Vec<String>> {
    let current = read_current(dir)?.and_then(|c| generation_number(&c));
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        let Some(n) = generation_number(&name) else { continue };
        let old = name.ends_with(PARTIAL) || current.is_some_and(|c| n < c);
        if old && !in_use(&entry.path())? {
            fs::remove_dir_all(entry.path())?;
            removed.push(name);
        }
    }
    Ok(removed)
}

/// Whether some process holds a [`ReaderLock`] on the generation at `path`.
fn in_use(path: &Path) -> io::Result<bool> {
    let file = match fs::File::open(path.join(READERS)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    match file.try_lock() {
        Ok(()) => Ok(false),
        Err(fs::TryLockError::WouldBlock) => Ok(true),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// A shared lock a reader holds on the generation it has open; released when dropped.
#[derive(Debug)]
pub struct ReaderLock {
    _file: Option<File>,
}

impl ReaderLock {
    /// Marks the generation at `path` as in use (creating its lock file if a build did not).
    ///
    /// The file is opened for reading when it exists (a shared `flock` needs no more), so that a
    /// generation on a read-only file system can be served; there, where no build can remove it
    /// and no lock file can be created, no lock is needed and none is taken.
    pub fn acquire(path: &Path) -> io::Result<ReaderLock> {
        let file = match File::open(path.join(READERS)) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match fs::OpenOptions::new().create(true).truncate(false).write(true).open(path.join(READERS)) {
                    Ok(file) => file,
                    Err(e) if e.kind() == io::ErrorKind::ReadOnlyFilesystem => return Ok(ReaderLock { _file: None }),
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        file.lock_shared()?;
        Ok(ReaderLock { _file: Some(file) })
    }
}

/// An exclusive lock on an index directory for one build; released when dropped.
#[derive(Debug)]
pub struct BuildLock {
    _file: File,
}

impl BuildLock {
    /// Takes the lock, or fails at once if another build holds it.
    pub fn acquire(dir: &Path) -> io::Result<BuildLock> {
        let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(LOCK))?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("another `lawka index` is building in {}; wait for it to finish", dir.display()),
            )),
            Err(fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(generation_name(7), "gen-00000007");
        assert_eq!(generation_number("gen-00000007"), Some(7));
        assert_eq!(generation_number("gen-00000008.partial"), Some(8));
        assert_eq!(generation_number("gen-"), None);
        assert_eq!(generation_number("gen-x1"), None);
        assert_eq!(generation_number("CURRENT"), None);
    }

    #[test]
    fn garbage_collection_spares_the_live_generation_and_those_in_use() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["gen-00000001", "gen-00000002", "gen-00000003", "gen-00000004", "gen-00000005.partial"] {
            fs::create_dir(dir.path().join(name)).unwrap();
        }
        atomic_write(&dir.path().join(CURRENT), b"gen-00000003\n").unwrap();
        let reader = ReaderLock::acquire(&dir.path().join("gen-00000002")).unwrap();
        let mut removed = collect_garbage(dir.path()).unwrap();
        removed.sort();
        assert_eq!(removed, vec!["gen-00000001", "gen-00000005.partial"]);
        assert!(dir.path().join("gen-00000002").exists(), "a reader still has it open");
        // gen 4 is newer than CURRENT (never published, e.g. a build that lost a race): kept.
        assert!(dir.path().join("gen-00000004").exists());
        drop(reader);
        assert_eq!(collect_garbage(dir.path()).unwrap(), vec!["gen-00000002"]);
        assert_eq!(next_generation(dir.path()).unwrap(), 5);
    }

    #[test]
    fn second_lock_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _held = BuildLock::acquire(dir.path()).unwrap();
        let err = BuildLock::acquire(dir.path()).unwrap_err();
        assert!(err.to_string().contains("another `lawka index`"), "{err}");
    }

    #[test]
    fn corrupt_current_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_current(dir.path()).unwrap(), None);
        fs::write(dir.path().join(CURRENT), "garbage").unwrap();
        assert!(read_current(dir.path()).is_err());
    }
}
