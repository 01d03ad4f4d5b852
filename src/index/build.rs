//! Building a complete generation from a corpus, beside the live one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::collector::Count;
use tantivy::query::AllQuery;
use tantivy::Index;

use super::dense::{self, VectorStats};
use super::document::{question_language, to_document, Analyzers};
use super::error::{IndexError, Result};
use super::generation::{self, BuildLock, GenerationMeta, MeetingSummary};
use super::handle::Generation;
use super::read_directory::ReadDirectory;
use super::schema::build_schema;
use super::suggestions;
use crate::analysis;
use crate::corpus::{format_date, CorpusReader, Meeting, Question};
use crate::embed::Vectors;

/// How to build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The indexer's memory budget, in bytes (tantivy splits it across its threads).
    pub memory_bytes: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { memory_bytes: 128 << 20 }
    }
}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct BuildSummary {
    /// The new live generation.
    pub generation: String,
    /// Questions indexed.
    pub questions: u64,
    /// Meetings indexed.
    pub meetings: usize,
    /// Questions per language.
    pub languages: BTreeMap<String, u64>,
    /// Wall time of the build, up to the generation being complete (not what `before_switch`
    /// of [`build_then_switch`] took).
    pub seconds: f64,
    /// Old generations and crashed builds removed afterwards.
    pub removed: Vec<String>,
    /// Vectors of questions and their answers' paragraphs reused, embedded and missing (dense
    /// retrieval).
    pub vectors: super::dense::VectorStats,
    /// Words of the Polish thesaurus the generation keeps (0 without `mythes-pl`).
    pub thesaurus_words: usize,
}

pub use crate::progress::{NoProgress, Progress};

/// Meeting files read and parsed at once: enough for every core, few enough that a batch of
/// questions is small beside tantivy's indexing budget.
const BATCH_FILES: usize = 512;
/// Most questions merged into one segment once the documents are committed (per part, see
/// [`PARALLEL_SEGMENT_DOCS`]). A generation is
/// never written again, so fewer segments only save: each search sets up its scorers and looks
/// up its terms once per segment (100k questions in one segment instead of four: −21 % of a
/// search's instructions, +2–3 s of indexing; 1M in one instead of five: the ranked page's median
/// 1.55 → 1.22 ms, docs/BENCHMARKS.md). The merge's own memory is small (26 MB merging 1M; the
/// segments are read through `pread`, see `read_directory`); its time is not (18–25 s per
/// million on one thread, measured up to one million), so past two million a part's smallest
/// segments, up to two million questions together, are merged.
const MERGE_SMALL_UP_TO: u64 = 2_000_000;

/// Bytes of stored records per compressed block (see where the index is created).
const STORE_BLOCK_BYTES: usize = 4096;

/// Reads the corpus at `corpus_dir` and builds a new generation in `index_dir`, then makes it the
/// live one. Any failure before the switch leaves the previous generation live and untouched.
/// The corpus is read twice, in batches, and never held whole: once to validate it and learn
/// what the index needs of all of it (the gazetteer, languages, counts), once for the documents.
pub fn build(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildSummary> {
    build_inner(corpus_dir, index_dir, options, progress, None)
}

/// Why what [`build_then_switch`] ran before the switch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotTaken {
    /// Nothing outside changed: the new generation is removed and the previous one stays live.
    Refused(String),
    /// The engine may already serve the new generation (some of its nodes switched to it): it
    /// goes live here too, so the front follows the engine, and the failure is reported.
    Partly(String),
}

/// What [`build_then_switch`] runs on the finished generation before the switch.
pub type BeforeSwitch<'a> = &'a mut dyn FnMut(&Generation) -> std::result::Result<(), NotTaken>;

/// As [`build`], with `before_switch` run on the finished generation before it becomes the live
/// one: a distributed engine is given the generation there (`lawka index --backend …`), so the
/// live generation never runs ahead of what the engine serves. An engine that refused it
/// ([`NotTaken::Refused`]) leaves the previous generation live here too: the new one is removed
/// and [`IndexError::NotSwitched`] returned. One that took it in part ([`NotTaken::Partly`])
/// may serve it, so it goes live here as well and [`IndexError::SwitchedAnyway`] says what
/// failed. (A refused generation's number may be given again: no node serves it.)
pub fn build_then_switch(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    before_switch: BeforeSwitch<'_>,
) -> Result<BuildSummary> {
    build_inner(corpus_dir, index_dir, options, progress, Some(before_switch))
}

fn build_inner(
    corpus_dir: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    before_switch: Option<BeforeSwitch<'_>>,
) -> Result<BuildSummary> {
    let started = Instant::now();
    let reader = CorpusReader::open(corpus_dir)?;
    // Vectors: the corpus's cache first, then the live generation's (questions embedded by an
    // earlier build), so a rebuild embeds only new and edited questions.
    let live = generation::read_current(index_dir).ok().flatten().map(|name| index_dir.join(name).join(dense::FILE));
    let corpus_cache = corpus_dir.join(dense::FILE);
    let caches: Vec<&Path> = std::iter::once(corpus_cache.as_path()).chain(live.as_deref()).collect();
    // Read (and so validate) the corpus before touching the index directory at all.
    let survey = survey(&reader, &caches)?;
    tracing::debug!(seconds = started.elapsed().as_secs_f64(), "corpus read: languages, names, counts");
    // `create_dir_all` says only "File exists" of a file in the way.
    if index_dir.exists() && !index_dir.is_dir() {
        let e = std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a file, not a directory");
        return Err(IndexError::io(format!("the index directory {}", index_dir.display()), e));
    }
    std::fs::create_dir_all(index_dir).map_err(|e| IndexError::io(format!("creating {}", index_dir.display()), e))?;
    let _lock = BuildLock::acquire(index_dir).map_err(|e| IndexError::io("locking the index directory", e))?;
    // What earlier builds left (a crashed or failed build's partial generation, generations no
    // one reads) goes first: on a nearly full disk it is the room this build needs.
    if let Err(e) = generation::collect_garbage(index_dir) {
        tracing::warn!(error = %e, "could not remove old index generations");
    }

    let n = generation::next_generation(index_dir)
        .map_err(|e| IndexError::io(format!("reading {}", index_dir.display()), e))?;
    let work = generation::partial_dir(index_dir, n);
    std::fs::create_dir(&work).map_err(|e| IndexError::io(format!("creating {}", work.display()), e))?;
    let _work = WorkDir(&work);

    let (meta, vectors, vector_stats) =
        write_generation(&reader, survey, &work, &generation::generation_name(n), options, progress)?;
    if !vectors.is_empty() {
        vectors
            .write(&work.join(dense::FILE))
            .map_err(|e| IndexError::Verification(format!("writing the vectors: {e}")))?;
    }
    generation::sync_tree(&work).map_err(|e| IndexError::io("syncing the new index", e))?;
    let seconds = started.elapsed().as_secs_f64();
    progress.finish();
    if let Some(before_switch) = before_switch {
        let partial = work.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        // Opened (and so verified) as a reader opens it, and closed again before the rename.
        let handed = Generation::open(index_dir, &partial)
            .map_err(|e| NotTaken::Refused(e.to_string()))
            .and_then(|g| before_switch(&g));
        match handed {
            Ok(()) => {}
            Err(NotTaken::Refused(why)) => return Err(IndexError::NotSwitched(why)),
            Err(NotTaken::Partly(why)) => {
                let name = switch(index_dir, n)?;
                return Err(IndexError::SwitchedAnyway { generation: name, why });
            }
        }
    }
    let name = switch(index_dir, n)?;
    let removed = generation::collect_garbage(index_dir).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not remove old index generations");
        Vec::new()
    });
    Ok(BuildSummary {
        vectors: vector_stats,
        generation: name,
        questions: meta.documents,
        meetings: meta.meetings.len(),
        languages: meta.languages,
        seconds,
        removed,
        thesaurus_words: meta.thesaurus_words,
    })
}

/// A new generation's work directory, removed when the build ends without switching to it (an
/// error, a refusal, a panic): a failed build leaves nothing behind. Once switched to, it has
/// been renamed, and there is nothing at its path to remove.
struct WorkDir<'a>(&'a Path);

impl Drop for WorkDir<'_> {
    fn drop(&mut self) {
        match std::fs::remove_dir_all(self.0) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, dir = %self.0.display(), "could not remove the unfinished generation"),
        }
    }
}

/// Makes finished generation `n` the live one of `index_dir`.
fn switch(index_dir: &Path, n: u64) -> Result<String> {
    generation::publish(index_dir, n).map_err(|e| IndexError::io("switching to the new index", e))
}

/// What the first pass learns of the whole corpus, without keeping its text.
struct Survey {
    /// Each meeting's question languages, in file order.
    langs: Vec<Vec<&'static str>>,
    /// The gazetteer: names the dictionary does not know.
    names: BTreeSet<String>,
    /// The suggestions' word counts.
    words: suggestions::WordCounts,
    /// The abbreviations the corpus spells out.
    abbreviations: analysis::Abbreviations,
    meetings: Vec<MeetingSummary>,
    revised: Vec<generation::RevisedQuestion>,
    questions: u64,
    vectors: dense::VectorsBuilder,
}

/// The first pass over the corpus: validates every file, detects the languages and learns the
/// names, counts the suggestions' words, and gathers the meetings' summaries and the vectors.
fn survey(reader: &CorpusReader, caches: &[&Path]) -> Result<Survey> {
    let mut s = Survey {
        langs: Vec::new(),
        names: BTreeSet::new(),
        words: suggestions::WordCounts::default(),
        abbreviations: analysis::Abbreviations::default(),
        meetings: Vec::new(),
        revised: Vec::new(),
        questions: 0,
        vectors: dense::VectorsBuilder::new(caches),
    };
    reader.for_each_batch(BATCH_FILES, |batch: Vec<Meeting>| -> Result<()> {
        let langs: Vec<Vec<&'static str>> =
            batch.par_iter().map(|m| m.questions.iter().map(question_language).collect()).collect();
        s.names.extend(learn_names(&batch, &langs));
        s.abbreviations.extend(learn_abbreviations(&batch, &langs));
        let words = suggestions::count_words(
            batch.iter().flat_map(|m| m.questions.iter().map(|q| q.title.as_str())),
            batch.iter().flat_map(|m| m.questions.iter().map(|q| q.text.as_str())),
        );
        for (w, n) in words {
            *s.words.entry(w).or_default() += n;
        }
        for m in &batch {
            s.meetings.push(MeetingSummary {
                id: m.id.to_string(),
                title: m.title.clone(),
                date: format_date(m.date),
                place: m.place.clone(),
                district: m.district.to_string(),
                kind: m.kind.as_str().to_string(),
                source: m.source.as_str().to_string(),
                questions: m.questions.len(),
            });
            for q in &m.questions {
                s.questions += 1;
                s.vectors.add(q);
                s.revised.extend(
                    q.revisions.iter().map(|r| generation::RevisedQuestion {
                        id: q.id.to_string(),
                        replaced: format_date(r.replaced),
                    }),
                );
            }
        }
        s.langs.extend(langs);
        Ok(())
    })?;
    Ok(s)
}

/// The names of a batch of meetings the dictionary does not know: from places, districts,
/// headings and texts of Polish questions (`langs`: each meeting's question languages).
fn learn_names(meetings: &[Meeting], langs: &[Vec<&'static str>]) -> Vec<String> {
    let per_meeting: Vec<Vec<String>> = meetings
        .par_iter()
        .zip(langs)
        .map(|(m, langs)| {
            let polish: Vec<_> = m.questions.iter().zip(langs).filter(|(_, l)| **l == "pl").map(|(q, _)| q).collect();
            // Front-matter values and titles are names throughout: read them as if mid-sentence.
            let headings: Vec<String> = std::iter::once(format!("w {} {} {}", m.place, m.district, m.title))
                .chain(polish.iter().map(|q| format!("w {}", q.title)))
                .collect();
            let texts = polish
                .iter()
                .flat_map(|q| std::iter::once(q.text.as_str()).chain(q.answers.iter().map(|a| a.text.as_str())));
            analysis::Gazetteer::learn(headings.iter().map(String::as_str).chain(texts))
        })
        .collect();
    let names: BTreeSet<String> = per_meeting.into_iter().flatten().collect();
    names.into_iter().collect()
}

/// The abbreviations a batch of meetings spells out ("long form (ABBR)"): in the titles and texts
/// of Polish questions and in every answer (Cyrillic initials never spell a Latin abbreviation).
fn learn_abbreviations(meetings: &[Meeting], langs: &[Vec<&'static str>]) -> analysis::Abbreviations {
    meetings
        .par_iter()
        .zip(langs)
        .map(|(m, langs)| {
            let mut learnt = analysis::Abbreviations::default();
            for (q, lang) in m.questions.iter().zip(langs) {
                if *lang == "pl" {
                    learnt.learn(&q.title);
                    learnt.learn(&q.text);
                }
                for a in &q.answers {
                    learnt.learn(&a.text);
                }
            }
            learnt
        })
        .reduce(analysis::Abbreviations::default, |mut a, b| {
            a.extend(b);
            a
        })
}

/// The second pass: writes the whole index of the corpus into `work` and verifies it.
fn write_generation(
    reader: &CorpusReader,
    survey: Survey,
    work: &Path,
    name: &str,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(GenerationMeta, Vectors, VectorStats)> {
    let Survey { langs, names, words, abbreviations, mut meetings, mut revised, questions: expected, vectors } = survey;
    let names: Vec<String> = names.into_iter().collect();
    let (schema, fields) = build_schema();
    // Stored records in 4 KB blocks rather than tantivy's 16 KB: a page of results decompresses a
    // block per hit, so smaller blocks cost each hit a quarter of the work, for a slightly larger
    // store (a record is ~1.5 KB of JSON).
    let settings = tantivy::IndexSettings { docstore_blocksize: STORE_BLOCK_BYTES, ..Default::default() };
    // Read back through `pread`, not maps: merges read every segment, and mapped pages would stay
    // in the build's resident set (see `read_directory`).
    let directory = ReadDirectory::open(work).map_err(tantivy::TantivyError::from)?;
    let index = Index::create(directory, schema, settings)?;
    let phase = Instant::now();
    analysis::register(index.tokenizers(), &analysis::Gazetteer::new(&names));
    let writer: tantivy::IndexWriter = index.writer(options.memory_bytes.max(15 << 20))?;
    progress.start(expected);
    let mut next = 0;
    reader.for_each_batch(BATCH_FILES, |batch: Vec<Meeting>| -> Result<()> {
        let batch_langs = langs.get(next..next + batch.len()).unwrap_or_default();
        next += batch.len();
        let changed = batch_langs.len() != batch.len()
            || batch.iter().zip(batch_langs).any(|(m, l)| m.questions.len() != l.len());
        if changed {
            return Err(IndexError::Verification("the corpus changed while it was being indexed".into()));
        }
        // Documents are built on rayon's threads and analysed on tantivy's; both share the cores.
        let questions: Vec<(&Meeting, &Question, &'static str)> = batch
            .iter()
            .zip(batch_langs)
            .flat_map(|(m, langs)| m.questions.iter().zip(langs).map(move |(q, l)| (m, q, *l)))
            .collect();
        questions.par_iter().try_for_each_init(Analyzers::default, |analyzers, (meeting, q, lang)| {
            let doc = to_document(&fields, analyzers, meeting, q, lang)
                .map_err(|e| IndexError::Verification(format!("encoding {}: {e}", q.id)))?;
            writer.add_document(doc)?;
            progress.inc();
            Ok::<(), IndexError>(())
        })
    })?;
    tracing::debug!(seconds = phase.elapsed().as_secs_f64(), "documents added");
    let phase = Instant::now();
    let mut languages: BTreeMap<String, u64> = BTreeMap::new();
    for lang in langs.iter().flatten() {
        *languages.entry(lang.to_string()).or_default() += 1;
    }
    // Embedding (when a few questions need it) runs while tantivy commits and merges.
    let index_ref = &index;
    let (committed, (vectors, vector_stats)) = rayon::join(
        move || -> Result<()> {
            let mut writer = writer;
            writer.commit()?;
            writer.wait_merging_threads()?;
            // Only once tantivy's own merges are done: a segment it is still merging cannot be
            // merged again. One thread and the smallest budget: a merge does not index.
            let sizes: Vec<(tantivy::index::SegmentId, u64)> =
                index_ref.searchable_segment_metas()?.iter().map(|m| (m.id(), u64::from(m.num_docs()))).collect();
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let groups: Vec<Vec<tantivy::index::SegmentId>> = balanced(sizes, parts_for(expected, cores))
                .into_iter()
                .map(|group| smallest_within(group, MERGE_SMALL_UP_TO))
                .filter(|group| group.len() > 1)
                .collect();
            if !groups.is_empty() {
                // The groups merge side by side, one thread each (tantivy merges on its own pool).
                let mut merger: tantivy::IndexWriter = index_ref.writer_with_num_threads(1, 15 << 20)?;
                let merges: Vec<_> = groups.iter().map(|group| merger.merge(group)).collect();
                for merge in merges {
                    merge.wait()?;
                }
                merger.wait_merging_threads()?;
            }
            Ok(())
        },
        || vectors.finish(),
    );
    committed?;
    tracing::debug!(seconds = phase.elapsed().as_secs_f64(), "committed and merged");

    let searcher = index.reader()?.searcher();
    let found = searcher.search(&AllQuery, &Count)? as u64;
    if found != expected {
        return Err(IndexError::Verification(format!(
            "{found} documents in the index, {expected} questions in the corpus"
        )));
    }
    let phase = Instant::now();
    let thesaurus = attested_thesaurus(&index, &searcher, &fields, found);
    tracing::debug!(seconds = phase.elapsed().as_secs_f64(), words = thesaurus.len(), "thesaurus attested");

    meetings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.id.cmp(&a.id)));
    revised.sort_by(|a, b| b.replaced.cmp(&a.replaced).then_with(|| a.id.cmp(&b.id)));
    let built_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| IndexError::Verification(format!("formatting the build time: {e}")))?;
    let meta = GenerationMeta {
        generation: name.to_string(),
        built_at,
        documents: found,
        meetings,
        languages,
        departments: reader.vocabulary.departments().to_vec(),
        topics: reader.vocabulary.topics().to_vec(),
        gazetteer: names,
        analysis: generation::ANALYSIS_VERSION,
        revised,
        abbreviations: abbreviations.learned(),
        thesaurus_words: thesaurus.len(),
    };
    analysis::thesaurus::write_tsv(&thesaurus, &work.join(analysis::thesaurus::FILE))
        .map_err(|e| IndexError::io("writing the thesaurus", e))?;
    suggestions::Suggestions::new(words)
        .write(&work.join(suggestions::FILE))
        .map_err(|e| IndexError::io("writing the suggestions", e))?;
    let json = serde_json::to_vec_pretty(&meta).map_err(|e| IndexError::Verification(e.to_string()))?;
    generation::atomic_write(&work.join(generation::META), &json)
        .map_err(|e| IndexError::io("writing lawka.json", e))?;
    Ok((meta, vectors, vector_stats))
}

/// The thesaurus's words this generation's questions attest (see
/// [`analysis::thesaurus::attested`]); none where the thesaurus is not installed or unreadable
/// (the index is built all the same).
fn attested_thesaurus(
    index: &Index,
    searcher: &tantivy::Searcher,
    fields: &super::schema::Fields,
    docs: u64,
) -> Vec<analysis::thesaurus::Alternatives> {
    let path = analysis::thesaurus::path();
    let entries = match analysis::thesaurus::read(&path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::info!(path = %path.display(), "no thesaurus (mythes-pl): residents' words reach the corpus's through the glossary only");
            return Vec::new();
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the thesaurus is unreadable: the index is built without it");
            return Vec::new();
        }
    };
    let (Some(pl), Some(pl_ascii)) = (index.tokenizers().get(analysis::PL), index.tokenizers().get(analysis::PL_ASCII))
    else {
        return Vec::new();
    };
    let mut corpus = GenerationTerms { pl, pl_ascii, searcher, body: fields.body, body_ascii: fields.body_ascii, docs };
    analysis::thesaurus::attested(&entries, &mut corpus)
}

/// A finished generation as [`analysis::thesaurus::attested`] reads it: its own analyzers and
/// term statistics.
struct GenerationTerms<'a> {
    pl: tantivy::tokenizer::TextAnalyzer,
    pl_ascii: tantivy::tokenizer::TextAnalyzer,
    searcher: &'a tantivy::Searcher,
    body: tantivy::schema::Field,
    body_ascii: tantivy::schema::Field,
    docs: u64,
}

impl analysis::thesaurus::CorpusTerms for GenerationTerms<'_> {
    fn terms(&mut self, text: &str, folded: bool) -> Vec<Vec<String>> {
        analysis::analyze_words(if folded { &mut self.pl_ascii } else { &mut self.pl }, text)
    }

    fn doc_freq(&self, term: &str, folded: bool) -> u64 {
        let field = if folded { self.body_ascii } else { self.body };
        self.searcher.doc_freq(&tantivy::Term::from_field_text(field, term)).unwrap_or(0)
    }

    fn docs(&self) -> u64 {
        self.docs
    }
}

/// Questions per segment from which a generation is split into one segment per core: a search
/// at 1M questions then runs on both cores of a 2-core machine when the other is idle (see
/// `search::parallel`), where one segment of 1M keeps it on one. Below, one segment: a search sets
/// up its scorers and looks up its terms once per segment, and a page of 100k takes well under a
/// millisecond on one core anyway.
const PARALLEL_SEGMENT_DOCS: u64 = 250_000;

/// How many segments a generation of `docs` questions is merged into on `cores` cores.
fn parts_for(docs: u64, cores: usize) -> usize {
    usize::try_from(docs / PARALLEL_SEGMENT_DOCS).unwrap_or(usize::MAX).clamp(1, cores.max(1))
}

/// `segments` (id, documents) in `parts` groups of about as many documents each: the largest
/// first, each into the group that has the fewest so far.
fn balanced<T>(mut segments: Vec<(T, u64)>, parts: usize) -> Vec<Vec<(T, u64)>> {
    segments.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut groups: Vec<(u64, Vec<(T, u64)>)> = (0..parts.max(1)).map(|_| (0, Vec::new())).collect();
    for (id, n) in segments {
        if let Some(lightest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            lightest.0 += n;
            lightest.1.push((id, n));
        }
    }
    groups.into_iter().map(|(_, group)| group).filter(|group| !group.is_empty()).collect()
}

/// The smallest of `segments` (id, questions) whose questions add up to at most `budget`,
/// smallest first: the ones worth merging into one.
fn smallest_within<T>(mut segments: Vec<(T, u64)>, budget: u64) -> Vec<T> {
    segments.sort_by_key(|(_, n)| *n);
    let mut total = 0;
    let mut out = Vec::new();
    for (id, n) in segments {
        total += n;
        if total > budget {
            break;
        }
        out.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{balanced, build, build_then_switch, parts_for, smallest_within, BuildOptions, NoProgress, NotTaken};
    use crate::index::{generation, IndexError};

    /// What a distributed engine is given before the switch is the generation that then goes
    /// live; one it refuses never goes live and leaves nothing behind; one it took in part goes
    /// live, and the failure is reported.
    #[test]
    fn a_generation_refused_before_the_switch_leaves_the_previous_one_live() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("index");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let first = build(&corpus, &dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        let names = |dir: &Path| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .expect("index dir")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.starts_with("gen-"))
                .collect();
            names.sort();
            names
        };
        let current = |dir: &Path| generation::read_current(dir).expect("CURRENT");
        let mut seen = Vec::new();
        let mut hand_over = |answer: Result<(), NotTaken>| {
            build_then_switch(&corpus, &dir, &BuildOptions::default(), &NoProgress, &mut |g| {
                seen.push((g.meta.generation.clone(), g.meta.documents, g.searcher().num_docs()));
                answer.clone()
            })
        };

        let refused = hand_over(Err(NotTaken::Refused("the cluster said no".to_string())));
        assert!(matches!(&refused, Err(IndexError::NotSwitched(why)) if why == "the cluster said no"), "{refused:?}");
        assert_eq!(current(&dir), Some(first.generation.clone()));
        assert_eq!(names(&dir), std::slice::from_ref(&first.generation));

        let second = hand_over(Ok(())).expect("index builds");
        assert_eq!(current(&dir), Some(second.generation.clone()));
        assert_eq!(names(&dir), std::slice::from_ref(&second.generation));

        let partly = hand_over(Err(NotTaken::Partly("node 3 did not follow in time".to_string())));
        let third = "gen-00000003".to_string();
        assert!(
            matches!(&partly, Err(IndexError::SwitchedAnyway { generation, why }) if *generation == third && why == "node 3 did not follow in time"),
            "{partly:?}"
        );
        assert_eq!(current(&dir), Some(third.clone()));
        // Each was handed the generation it would become, whole.
        let q = first.questions;
        assert_eq!(seen, [("gen-00000002".to_string(), q, q), (second.generation.clone(), q, q), (third, q, q)]);
    }

    /// A full disk or a crash leaves a partial generation; the next build removes it first, and a
    /// build that stops after writing its own leaves nothing.
    #[test]
    fn a_build_removes_what_failed_builds_left_and_leaves_nothing_when_it_stops() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("index");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        build(&corpus, &dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        let stale = dir.join("gen-00000007.partial");
        std::fs::create_dir_all(&stale).expect("a stale partial");
        std::fs::write(stale.join("x.idx"), vec![0u8; 1 << 20]).expect("its bytes");
        build(&corpus, &dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        assert!(!stale.exists());
        let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            build_then_switch(&corpus, &dir, &BuildOptions::default(), &NoProgress, &mut |_| panic!("stopped"))
        }));
        assert!(stopped.is_err());
        let partials: Vec<String> = std::fs::read_dir(&dir)
            .expect("index dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(partials.is_empty(), "{partials:?}");
    }

    #[test]
    fn a_large_generation_is_split_evenly_over_the_cores() {
        assert_eq!(parts_for(320, 2), 1);
        assert_eq!(parts_for(100_000, 2), 1);
        assert_eq!(parts_for(1_000_000, 2), 2);
        assert_eq!(parts_for(1_000_000, 1), 1);
        assert_eq!(parts_for(1_000_000, 8), 4);
        // What tantivy's two indexing threads leave at 1M: a few large segments and a tail.
        let mut million: Vec<(u32, u64)> = (0..4).map(|i| (i, 204_000)).collect();
        million.extend((10..18).map(|i| (i, 25_000)));
        million.push((20, 10_445));
        let groups = balanced(million, 2);
        let totals: Vec<u64> = groups.iter().map(|g| g.iter().map(|(_, n)| n).sum()).collect();
        assert_eq!(totals.len(), 2);
        assert_eq!(totals.iter().sum::<u64>(), 4 * 204_000 + 8 * 25_000 + 10_445);
        assert!(totals[0].abs_diff(totals[1]) <= 25_000, "{totals:?}");
        // Fewer segments than parts: one group each.
        assert_eq!(balanced(vec![(1, 10)], 2).len(), 1);
    }

    #[test]
    fn merges_the_small_tail_within_the_budget() {
        // 100k in four segments: all of them.
        let four = vec![(1, 25_545), (2, 25_539), (3, 25_487), (4, 23_429)];
        assert_eq!(smallest_within(four, 250_000), vec![4, 3, 2, 1]);
        // 1M: the small tail, never a large segment.
        let mut million: Vec<(u32, u64)> = (0..4).map(|i| (i, 204_000)).collect();
        million.extend((10..18).map(|i| (i, 25_000)));
        million.push((20, 10_445));
        let merged = smallest_within(million, 250_000);
        assert_eq!(merged.len(), 9);
        assert!(merged.iter().all(|id| *id >= 10));
        // Nothing fits, or one segment: nothing to merge.
        assert!(smallest_within(vec![(1, 300_000)], 250_000).is_empty());
        assert_eq!(smallest_within(vec![(1, 10)], 250_000), vec![1]);
    }
}
