//! The live index: an atomically swappable handle on the current generation.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use super::dense::DenseIndex;
use super::error::{IndexError, Result};
use super::generation::{self, GenerationMeta};
use super::read_directory::ReadDirectory;
use super::schema::{self, Fields};
use super::serving_directory::ServingDirectory;
use super::suggestions::{self, Suggestions};
use crate::analysis;

/// One opened generation: its tantivy index, a reader, and its metadata.
pub struct Generation {
    /// The tantivy index.
    pub index: Index,
    /// Field handles.
    pub fields: Fields,
    /// `lawka.json`.
    pub meta: GenerationMeta,
    /// Completion words.
    pub suggestions: Suggestions,
    /// The thesaurus's words the corpus attests (see [`analysis::thesaurus::attested`]).
    pub thesaurus: Vec<analysis::thesaurus::Alternatives>,
    /// A value computed from this generation once, on first need, and kept while it is open.
    pub derived: Derived,
    /// The questions' vectors (dense retrieval), when the generation has them.
    pub dense: Option<DenseIndex>,
    reader: IndexReader,
    /// Keeps garbage collection away from this generation while it is open.
    _in_use: generation::ReaderLock,
}

/// Values derived from a generation once (on first need, or when the server opens it) and kept
/// while it is open: the search keeps there the facet counts of the whole index, each
/// document's facet values and the matches of the glossary's phrases, which cost a pass over the
/// index and never change. Typed by their users, one value per type, so the index need not know
/// the search's types.
#[derive(Default)]
pub struct Derived(std::sync::RwLock<Vec<Arc<dyn std::any::Any + Send + Sync>>>);

impl Derived {
    /// The value of type `T`, if one was set.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let values = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        values.iter().find_map(|v| Arc::clone(v).downcast::<T>().ok())
    }

    /// Sets the value of type `T` unless one is set already (two threads may race to compute it
    /// alike), and returns the one kept.
    pub fn set<T: Send + Sync + 'static>(&self, value: T) -> Arc<T> {
        let mut values = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(kept) = values.iter().find_map(|v| Arc::clone(v).downcast::<T>().ok()) {
            return kept;
        }
        let value = Arc::new(value);
        values.push(Arc::clone(&value) as Arc<dyn std::any::Any + Send + Sync>);
        value
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.read().map(|v| v.len()).unwrap_or(0);
        write!(f, "Derived({n} values)")
    }
}

impl Generation {
    /// Opens generation `name` of `dir`.
    pub fn open(dir: &Path, name: &str) -> Result<Generation> {
        let path = dir.join(name);
        // Taken first: from here on no build removes it under us.
        let in_use = generation::ReaderLock::acquire(&path)
            .map_err(|e| IndexError::io(format!("opening {}", path.display()), e))?;
        let meta_path = path.join(generation::META);
        let meta_bytes =
            std::fs::read(&meta_path).map_err(|e| IndexError::io(format!("reading {}", meta_path.display()), e))?;
        let mut meta: GenerationMeta = serde_json::from_slice(&meta_bytes)
            .map_err(|e| IndexError::Verification(format!("{}: {e}", meta_path.display())))?;
        if meta.analysis != generation::ANALYSIS_VERSION {
            return Err(IndexError::Verification(format!(
                "{name} was built with analysis version {}, this Ławka uses {}; rebuild it with `lawka index`",
                meta.analysis,
                generation::ANALYSIS_VERSION
            )));
        }
        verify_checksums(&path, name)?;
        let index = Index::open(ServingDirectory::open(&path).map_err(tantivy::TantivyError::from)?)?;
        analysis::register(index.tokenizers(), &analysis::Gazetteer::new(&meta.gazetteer));
        let fields = schema::resolve(&index.schema())?;
        // Generations never change once published, so the reader never needs reloading.
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let docs = reader.searcher().num_docs();
        if docs != meta.documents {
            return Err(IndexError::Verification(format!(
                "{name}: {docs} documents, lawka.json says {}",
                meta.documents
            )));
        }
        let suggestions = Suggestions::read(&path.join(suggestions::FILE))
            .map_err(|e| IndexError::io(format!("reading {}", path.join(suggestions::FILE).display()), e))?;
        let thesaurus_path = path.join(analysis::thesaurus::FILE);
        // Optional: a generation whose thesaurus cannot be read serves without it.
        let thesaurus = analysis::thesaurus::read_tsv(&thesaurus_path).unwrap_or_else(|e| {
            tracing::warn!(path = %thesaurus_path.display(), error = %e, "the thesaurus is unreadable: searched without it");
            Vec::new()
        });
        // What is served, which `/healthz` reports.
        meta.thesaurus_words = thesaurus.len();
        let dense = DenseIndex::open(&path, &reader.searcher(), &fields);
        Ok(Generation {
            index,
            fields,
            meta,
            suggestions,
            thesaurus,
            derived: Derived::default(),
            dense,
            reader,
            _in_use: in_use,
        })
    }

    /// A searcher over the generation (cheap: shares the reader's segments).
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }
}

/// Checks every file of a generation against the checksum in its footer. Damage inside a file (a
/// flipped byte, a bad sector) keeps its size and footer, so opening it succeeds and the first
/// searches that touch it fail or panic (a helper's test: 13 of 18 requests answered 500 with a
/// damaged `.store`). Read through `pread` ([`ReadDirectory`]), not the serving maps, so that the
/// check does not leave the whole index resident; it costs one read of the files (2 MB for the
/// bundled corpus: nothing measurable; 204 MB at 100,000 questions: about 45 ms, docs/RELIABILITY.md).
fn verify_checksums(path: &Path, name: &str) -> Result<()> {
    let directory = ReadDirectory::open(path).map_err(tantivy::TantivyError::from)?;
    let damaged = Index::open(directory)?.validate_checksum()?;
    if damaged.is_empty() {
        return Ok(());
    }
    let mut files: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
    files.sort();
    Err(IndexError::Verification(format!("{name}: files damaged (their checksums do not match): {}", files.join(", "))))
}

/// The live generation of an index directory, swapped whole on reload; searches in flight keep
/// the generation they started with (as tantivy's own reader does with its searcher).
pub struct IndexHandle {
    dir: PathBuf,
    current: ArcSwap<Generation>,
}

impl IndexHandle {
    /// Opens the live generation of `dir`.
    pub fn open(dir: &Path) -> Result<IndexHandle> {
        let generation = open_current(dir)?;
        Ok(IndexHandle { dir: dir.to_path_buf(), current: ArcSwap::from_pointee(generation) })
    }

    /// The generation to run a request on.
    pub fn current(&self) -> Arc<Generation> {
        self.current.load_full()
    }

    /// Switches to the directory's live generation if it changed; returns whether it did.
    pub fn reload(&self) -> Result<bool> {
        self.reload_with(|_| {})
    }

    /// As [`IndexHandle::reload`], with `prepare` run on the new generation before it serves
    /// (to compute what its first requests would otherwise wait for).
    pub fn reload_with(&self, prepare: impl FnOnce(&Generation)) -> Result<bool> {
        let live = generation::read_current(&self.dir).map_err(|e| IndexError::io("reading CURRENT", e))?;
        if live.as_deref() == Some(self.current.load().meta.generation.as_str()) {
            return Ok(false);
        }
        let next = open_current(&self.dir)?;
        prepare(&next);
        self.current.store(Arc::new(next));
        Ok(true)
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn open_current(dir: &Path) -> Result<Generation> {
    // A build may publish a newer generation and remove this one between reading CURRENT and
    // locking the generation: then CURRENT has moved on, so read it again.
    let mut attempts = 0;
    loop {
        let name = generation::read_current(dir)
            .map_err(|e| IndexError::io(format!("reading {}", dir.display()), e))?
            .ok_or_else(|| IndexError::Missing(dir.to_path_buf()))?;
        match Generation::open(dir, &name) {
            Err(e) if attempts < 3 && !dir.join(&name).exists() => {
                tracing::debug!(error = %e, generation = %name, "generation removed while opening; retrying");
                attempts += 1;
            }
            other => return other,
        }
    }
}

/// Whether `dir` has a live generation.
pub fn exists(dir: &Path) -> bool {
    matches!(generation::read_current(dir), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{build, BuildOptions, NoProgress};

    #[test]
    fn a_generation_damaged_inside_a_file_is_refused_not_served() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("index");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let built = build(&corpus, &dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        assert!(Generation::open(&dir, &built.generation).is_ok());
        let store = std::fs::read_dir(dir.join(&built.generation))
            .expect("generation")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "store"))
            .expect("a store file");
        // Flip bytes in the middle: the size and the footer stay as they were.
        let mut bytes = std::fs::read(&store).expect("store");
        let (from, to) = (bytes.len() / 4, bytes.len() * 3 / 4);
        for b in bytes[from..to].iter_mut().step_by(997) {
            *b ^= 0x5a;
        }
        std::fs::write(&store, &bytes).expect("damaged");
        let err = Generation::open(&dir, &built.generation).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("damaged") && err.contains(".store"), "{err}");
    }
}
