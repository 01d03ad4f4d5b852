//! Dense retrieval beside BM25: the query embedded with the multilingual e5 model and compared
//! with every question's vector (stored with the generation, see [`crate::index::dense`]).
//!
//! What it adds, and where:
//! - **Order.** The best BM25 matches are reordered by reciprocal-rank fusion of their BM25 rank
//!   and their rank by meaning, so a question that says the same thing in other words moves up.
//! - **Recall where words fail.** When the words find nothing (a resident's word the answers never
//!   use, "betonoza") or the query is not in Polish (Ukrainian and English queries share few or no
//!   words with Polish answers), the questions nearest in meaning join the matches, flagged as a
//!   partial match, so totals, facets and exports count them like any match.
//! - **Feedback.** The order by meaning is then taken again from the query's vector moved towards
//!   the question fused first (`rocchio`): it says in the corpus's words what was meant.
//!
//! Without the model (not installed, or `LAWKA_DENSE=off`) or without vectors in the generation,
//! searches are BM25 only, exactly as before.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use lru::LruCache;

use tantivy::DocAddress;

use super::query::Language;
use super::rank;
use crate::analysis;
use crate::embed::Embedder;
use crate::index::{DenseIndex, Generation};

/// Environment switch: `off` serves BM25 only even where the model is installed.
pub const ENV_SWITCH: &str = "LAWKA_DENSE";

/// The process's model, loaded on first use; `None` when absent or switched off.
pub fn embedder() -> Option<&'static Embedder> {
    static EMBEDDER: OnceLock<Option<Embedder>> = OnceLock::new();
    EMBEDDER
        .get_or_init(|| {
            if std::env::var(ENV_SWITCH).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
                tracing::info!("dense retrieval switched off ({ENV_SWITCH}=off)");
                return None;
            }
            match Embedder::open_default() {
                Ok(e) => Some(e),
                Err(e) => {
                    tracing::info!(reason = %e, "dense retrieval off: searching with BM25 only");
                    None
                }
            }
        })
        .as_ref()
}

/// Query texts whose vectors are kept: a journalist choosing filters, paging or changing the order
/// repeats the same text, and embedding it costs tens of milliseconds of a core.
const CACHED_QUERIES: usize = 1024;

/// Most characters of a text the model reads, as many as a search's query may have: a resident's
/// whole description on `/api/related?q=` (up to 5,000) would cost the model seconds of a core,
/// most of it on words after the problem is told.
pub const MAX_EMBEDDED_CHARS: usize = 1_000;

/// The part of `text` the model reads: all of it up to [`MAX_EMBEDDED_CHARS`] characters, else
/// its beginning, cut before the word that would pass the limit.
pub fn embedded_part(text: &str) -> &str {
    let Some((end, _)) = text.char_indices().nth(MAX_EMBEDDED_CHARS) else { return text };
    let head = &text[..end];
    match head.rfind(char::is_whitespace) {
        Some(space) if !text[end..].starts_with(char::is_whitespace) => head[..space].trim_end(),
        _ => head.trim_end(),
    }
}

/// The vector of a query text (e5's query side), from the cache when it was asked recently.
pub fn query_vector(text: &str) -> Option<Arc<[f32]>> {
    let text = embedded_part(text);
    static CACHE: LazyLock<Mutex<LruCache<String, Arc<[f32]>>>> =
        LazyLock::new(|| Mutex::new(LruCache::new(NonZeroUsize::new(CACHED_QUERIES).unwrap_or(NonZeroUsize::MIN))));
    if let Some(v) = CACHE.lock().ok().and_then(|mut c| c.get(text).cloned()) {
        return Some(v);
    }
    let v: Arc<[f32]> = embedder()?.embed_query(text).ok()?.into();
    if let Ok(mut c) = CACHE.lock() {
        c.put(text.to_string(), v.clone());
    }
    Some(v)
}

/// Whether searches on `generation` use dense retrieval.
pub fn enabled(generation: &Generation) -> bool {
    generation.dense.as_ref().is_some_and(|d| !d.is_empty()) && embedder().is_some()
}

/// A query's dense side: its nearest questions, best first, and whether it is in another language.
pub(crate) struct QueryDense {
    /// (address, id, closeness: `index::dense::with_answers`) of the nearest
    /// [`rank::DENSE_CANDIDATES`].
    pub near: Vec<(DocAddress, String, f32)>,
    /// Dense rank (0-based) of each of `near`.
    pub rank: HashMap<DocAddress, usize>,
    /// The query's language: meaning weighs more than words where they cannot serve it.
    pub language: Language,
    /// The query's meaning (normalised), for feedback.
    vector: Arc<[f32]>,
    /// Whether the query is a sentence ([`rank::SENTENCE_WORDS`] words or more).
    sentence: bool,
    /// Whether the index has every word of the query (none a slip or a word no question uses;
    /// see [`QueryDense::fuse`]); the searches that read the words say so.
    pub words_known: bool,
}

impl QueryDense {
    /// The dense side of `text`, or `None` where dense retrieval is off.
    pub fn of(generation: &Generation, text: &str, language: Language) -> Option<QueryDense> {
        let dense = generation.dense.as_ref().filter(|d| !d.is_empty())?;
        let vector = query_vector(&as_the_corpus_spells(generation, text, language == Language::Polish))?;
        let sentence = text.split_whitespace().count() >= rank::SENTENCE_WORDS;
        let d = QueryDense::nearest_to(dense, vector, language, sentence);
        tracing::debug!(
            best = d.near.first().map(|n| n.2),
            tenth = d.near.get(9).map(|n| n.2),
            last = d.near.last().map(|n| n.2),
            "nearest by meaning"
        );
        Some(d)
    }

    /// The questions nearest to `vector` and their ranks.
    fn nearest_to(dense: &DenseIndex, vector: Arc<[f32]>, language: Language, sentence: bool) -> QueryDense {
        let near: Vec<(DocAddress, String, f32)> = dense
            .nearest_with_answers(&vector, rank::DENSE_CANDIDATES, rank::ANSWER_MEANING_WEIGHT)
            .into_iter()
            .map(|(addr, id, cos)| (addr, id.to_string(), cos))
            .collect();
        let rank = near.iter().enumerate().map(|(i, (addr, _, _))| (*addr, i)).collect();
        QueryDense { near, rank, language, vector, sentence, words_known: true }
    }

    /// The dense side again, with the meaning of the question at `best` (the first result)
    /// added to the query's ([`rank::FEEDBACK_WEIGHT`]); `None` where it has no vector.
    pub fn with_feedback(&self, generation: &Generation, best: DocAddress) -> Option<QueryDense> {
        let dense = generation.dense.as_ref()?;
        let vector = rocchio(&self.vector, dense.vector_at(best)?, rank::FEEDBACK_WEIGHT);
        let again = QueryDense::nearest_to(dense, vector.into(), self.language, self.sentence);
        Some(QueryDense { words_known: self.words_known, ..again })
    }

    /// The same as [`QueryDense::with_feedback`], the best question named by its id (a backend
    /// whose hits are not this generation's documents).
    pub fn with_feedback_of_id(&self, generation: &Generation, best: &str) -> Option<QueryDense> {
        let dense = generation.dense.as_ref()?;
        let vector = rocchio(&self.vector, dense.vector_of_id(best)?, rank::FEEDBACK_WEIGHT);
        let again = QueryDense::nearest_to(dense, vector.into(), self.language, self.sentence);
        Some(QueryDense { words_known: self.words_known, ..again })
    }

    /// Whether the query is in another language than Polish (translated or not).
    pub fn foreign(&self) -> bool {
        self.language != Language::Polish
    }

    /// The ids that join the matches when words alone cannot serve the query.
    pub fn additions(&self) -> impl Iterator<Item = &str> {
        self.near.iter().take(rank::DENSE_ADDED).map(|(_, id, _)| id.as_str())
    }

    /// Reorders `hits` (in BM25 order) by reciprocal-rank fusion with the dense ranks and the
    /// words' share of the best score ([`words_part`]); a clear first by words
    /// ([`rank::CLEAR_FIRST_MARGIN`]) stays first where the index has every word of a Polish query
    /// ([`QueryDense::words_known`]) or the query is English, translated.
    pub fn fuse(&self, hits: &mut [(f32, DocAddress)]) {
        self.fuse_by(hits, |addr| self.rank.get(addr).copied());
    }

    /// The same for hits named by their ids (a backend whose hits are not this generation's
    /// documents).
    pub fn fuse_ids(&self, hits: &mut [(f32, String)]) {
        let rank: HashMap<&str, usize> = self.near.iter().enumerate().map(|(i, (_, id, _))| (id.as_str(), i)).collect();
        self.fuse_by(hits, |id| rank.get(id.as_str()).copied());
    }

    fn fuse_by<T: Clone>(&self, hits: &mut [(f32, T)], rank_of: impl Fn(&T) -> Option<usize>) {
        let dense_weight = match self.language {
            Language::Polish if self.sentence => rank::DENSE_WEIGHT_SENTENCE,
            Language::Polish => rank::DENSE_WEIGHT,
            Language::Translated => rank::DENSE_WEIGHT_TRANSLATED,
            Language::Foreign => rank::DENSE_WEIGHT_FOREIGN,
            Language::Ukrainian => rank::DENSE_WEIGHT_UKRAINIAN,
        };
        let by_words = tied_ranks(hits.iter().map(|(score, _)| *score));
        let best_by_words = hits.iter().map(|(score, _)| *score).fold(0.0, f32::max);
        let mut fused: Vec<(f32, usize)> = hits
            .iter()
            .zip(by_words)
            .enumerate()
            .map(|(i, ((score, key), rank))| {
                // A question that joined by meaning alone has no rank by words.
                let words = if *score > 0.0 { words_part(rank, *score / best_by_words) } else { 0.0 };
                let meaning = rank_of(key).map_or(0.0, |r| dense_weight * rrf(r));
                (words + meaning, i)
            })
            .collect();
        fused.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        // Words the index all has that find one question clearly first have said what the query
        // asks: meaning orders the rest. Not for a foreign query, whose words may be mistranslated.
        // An English query's words are searched as their Polish translations: the English words
        // typed are unknown to the index by nature, not slips.
        let words_decide = match self.language {
            Language::Polish => self.words_known,
            Language::Translated => true,
            Language::Foreign | Language::Ukrainian => false,
        };
        if words_decide && clear_first(hits.iter().map(|h| h.0)) {
            if let Some(at) = fused.iter().position(|f| f.1 == 0) {
                let (score, i) = fused.remove(at);
                // Its score rises to the best one's: the scores a response shows stay in order.
                let best = fused.first().map_or(score, |f| f.0.max(score));
                fused.insert(0, (best, i));
            }
        }
        let reordered: Vec<(f32, T)> = fused.iter().map(|&(s, i)| (s, hits[i].1.clone())).collect();
        for (slot, hit) in hits.iter_mut().zip(reordered) {
            *slot = hit;
        }
    }
}

/// `text` with its words spelt as the corpus writes them, for the model: typed without Polish
/// letters (`swiatlo na przejsciu` → `światło na przejściu`), since the model reads `swiatlo` as
/// another word than `światło`, while the words' side meets both through the folded fields; and,
/// where `polish`, a word neither the corpus nor the dictionary has replaced by the corpus's word
/// it most likely meant (`wycinka dezew` → `wycinka drzew`), as the words' side corrects it.
pub(crate) fn as_the_corpus_spells(generation: &Generation, text: &str, polish: bool) -> String {
    let ascii = text.is_ascii();
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    let mut lemmas = Vec::new();
    let mut flush = |word: &mut String, out: &mut String| {
        let lower = word.to_lowercase();
        let folded = analysis::fold_polish(&lower);
        let written = generation.suggestions.as_written(&folded);
        let chars = word.chars().count();
        let meant = if ascii && written.is_some() {
            // Only a change of letters: case as typed is kept where nothing changes.
            written.filter(|w| *w != lower).map(str::to_string)
        } else if polish
            && written.is_none()
            && chars >= 4
            // Abbreviations in capitals and numbers are typed with care.
            && !word.chars().all(char::is_uppercase)
            && !word.chars().any(|c| c.is_ascii_digit())
            && !analysis::sgjp(true).lemmas(&folded, &mut lemmas)
        {
            let max = super::fuzzy::vocabulary_distance(chars) as u8;
            generation.suggestions.near(&folded, max, 1).first().map(|n| n.word.to_string())
        } else {
            None
        };
        out.push_str(meant.as_deref().unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `query` moved towards `feedback` by `beta` (both normalised), normalised again: Rocchio's
/// pseudo-relevance feedback in the space of meaning.
pub(crate) fn rocchio(query: &[f32], feedback: &[f32], beta: f32) -> Vec<f32> {
    let mut v: Vec<f32> = query.iter().zip(feedback).map(|(q, f)| q + beta * f).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > f32::EPSILON {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// The 0-based rank of each of `scores` (in descending order), equal scores sharing the rank of
/// the first of them. Why: questions that words score the same (the same words, as often, in
/// texts as long) are in index order, which a rebuild may change; with one rank, meaning orders
/// them, the same way after every build.
fn tied_ranks(scores: impl Iterator<Item = f32>) -> Vec<usize> {
    let mut previous: Option<(f32, usize)> = None;
    scores
        .enumerate()
        .map(|(i, score)| {
            let rank = match previous {
                Some((s, r)) if s == score => r,
                _ => i,
            };
            previous = Some((score, rank));
            rank
        })
        .collect()
}

/// Whether the first of `scores` (by words, best first) is a clear first: at least
/// [`rank::CLEAR_FIRST_MARGIN`] times the second (or the only one).
fn clear_first(mut scores: impl Iterator<Item = f32>) -> bool {
    match (scores.next(), scores.next()) {
        (Some(first), second) => first > 0.0 && first >= rank::CLEAR_FIRST_MARGIN * second.unwrap_or(0.0),
        (None, _) => false,
    }
}

/// Reciprocal-rank contribution of a 0-based rank.
fn rrf(rank: usize) -> f32 {
    1.0 / (rank::RRF_K + rank as f32 + 1.0)
}

/// The words' part of a question's fused score: its reciprocal rank by words, plus its BM25
/// score as a share of the best one's ([`rank::WORDS_SHARE_WEIGHT`] of a first place's
/// reciprocal rank). Ranks alone would count a question the words score far below the first as
/// much as the first's close runner-up; the share keeps how far apart the words put them.
fn words_part(rank: usize, share_of_best: f32) -> f32 {
    rrf(rank) + rank::WORDS_SHARE_WEIGHT * rrf(0) * share_of_best
}

/// Whether a query is written in another language than Polish: Cyrillic script, or mostly words
/// that no form of Polish has (SGJP's folded dictionary knows every Polish form typed with or
/// without Polish letters; a language detector cannot tell three words apart reliably).
pub fn is_foreign(text: &str) -> bool {
    if crate::analysis::transliterate::is_cyrillic(text) {
        return true;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        // Short words are shared between languages ("to", "do", "is" is a Polish form too), and
        // an abbreviation in capitals ("MPZP", "ZTP") belongs to no language.
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(char::is_uppercase))
        .map(|w| analysis::fold_polish(&w.to_lowercase()))
        .collect();
    if words.len() < 2 {
        return false;
    }
    let dictionary = analysis::sgjp(true);
    let mut lemmas = Vec::new();
    let known: Vec<bool> = words.iter().map(|w| dictionary.lemmas(w, &mut lemmas)).collect();
    let polish = known.iter().filter(|k| **k).count();
    // Where half the words are Polish, the others one slip from a Polish form are typos ("brak
    // pkywalni"), not another language: the detector reads a misspelt word as foreign.
    if polish * 2 == words.len()
        && words
            .iter()
            .zip(&known)
            .filter(|(_, k)| !**k)
            .all(|(w, _)| w.chars().count() >= 4 && dictionary.knows_near(w, 1))
    {
        return false;
    }
    // Half the words unknown happens in Polish too (names, typos): then the detector decides.
    polish * 2 < words.len()
        || (polish * 2 == words.len() && whatlang::detect(text).is_some_and(|i| i.lang() != whatlang::Lang::Pol))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_reads_a_long_text_up_to_the_word_that_would_pass_the_limit() {
        assert_eq!(embedded_part("dziury na Balickiej"), "dziury na Balickiej");
        let words = "dziura ".repeat(700);
        let part = embedded_part(&words);
        assert!(part.chars().count() <= MAX_EMBEDDED_CHARS, "{}", part.chars().count());
        assert!(part.ends_with("dziura") && part.len() > 990, "cut between words: {:?}", &part[part.len() - 10..]);
        // A word that ends exactly at the limit is kept whole; Polish letters count as one.
        let exact = format!("{} żółw", "a".repeat(MAX_EMBEDDED_CHARS - 5));
        assert_eq!(embedded_part(&format!("{exact} i dalej")), exact);
        let one_word = "ż".repeat(MAX_EMBEDDED_CHARS + 10);
        assert_eq!(embedded_part(&one_word).chars().count(), MAX_EMBEDDED_CHARS);
    }

    #[test]
    fn foreign_queries_are_told_from_polish_ones() {
        assert!(is_foreign("де вивчити польську мову"));
        assert!(is_foreign("how can I get a parking permit for residents"));
        assert!(!is_foreign("wycinka drzew w parku"));
        assert!(!is_foreign("swiatlo na przejsciu dla pieszych"));
        assert!(is_foreign("wheelchair accessible trams"));
        assert!(is_foreign("is the tap water in Krakow safe to drink"));
        assert!(!is_foreign("krotkie swiatlo na przejsciu"));
        assert!(!is_foreign("skatepakr dla mlodziezy"), "a typo among Polish words");
        assert!(!is_foreign("park"), "one word is too little to tell");
        assert!(!is_foreign("Kocmyrzowska hałas"), "a street the dictionary lacks");
        assert!(!is_foreign("MPZP Bronowice"), "an abbreviation is no word of another language");
        assert!(!is_foreign("bezdomne kooty"), "a typo in a two-word Polish query");
        assert!(!is_foreign("brak pkywalni"), "a typo in a two-word Polish query");
        assert!(is_foreign("tram schedule"), "English words are not typos of Polish ones");
        assert!(is_foreign("NHS waiting times"));
    }

    #[test]
    fn feedback_moves_the_query_towards_the_best_result() {
        let cos = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        let query = [1.0, 0.0, 0.0];
        let best = [0.0, 1.0, 0.0];
        let moved = rocchio(&query, &best, 0.75);
        assert!((cos(&moved, &moved) - 1.0).abs() < 1e-6, "normalised: {moved:?}");
        assert!(cos(&moved, &best) > cos(&query, &best));
        assert!(cos(&moved, &query) > cos(&moved, &best), "the query still weighs more: {moved:?}");
        assert_eq!(rocchio(&query, &best, 0.0), query.to_vec());
    }

    #[test]
    fn a_sentence_leans_on_its_words() {
        // A is first by words and far by meaning; B is 71st by words and first by meaning.
        let (a, b) = (DocAddress::new(0, 0), DocAddress::new(0, 70));
        let hits: Vec<(f32, DocAddress)> = (0..71).map(|d| (100.0 - d as f32, DocAddress::new(0, d))).collect();
        let first = |sentence: bool| {
            let rank = HashMap::from([(b, 0)]);
            let d = QueryDense {
                near: Vec::new(),
                rank,
                language: Language::Polish,
                vector: Arc::from(vec![0.0f32; 2]),
                sentence,
                words_known: true,
            };
            let mut fused = hits.clone();
            d.fuse(&mut fused);
            fused[0].1
        };
        assert_eq!(first(false), b, "a few words: meaning may lift a question from far down");
        assert_eq!(first(true), a, "a sentence: its words weigh more");
    }

    #[test]
    fn equal_scores_share_a_rank() {
        assert_eq!(tied_ranks([9.0, 7.37, 7.37, 7.37, 5.0, 0.0, 0.0].into_iter()), vec![0, 1, 1, 1, 4, 5, 5]);
        assert_eq!(tied_ranks(std::iter::empty()), Vec::<usize>::new());
    }

    #[test]
    fn meaning_orders_questions_words_tie_on_whatever_their_place_in_the_index() {
        let (a, b) = (DocAddress::new(0, 3), DocAddress::new(0, 8));
        let d = QueryDense {
            near: Vec::new(),
            rank: HashMap::from([(a, 5), (b, 2)]),
            language: Language::Polish,
            vector: Arc::from(vec![0.0f32; 2]),
            sentence: false,
            words_known: true,
        };
        for order in [[a, b], [b, a]] {
            let mut hits = vec![(7.37, order[0]), (7.37, order[1]), (1.0, DocAddress::new(0, 1))];
            d.fuse(&mut hits);
            assert_eq!(hits[0].1, b, "nearer in meaning first, in either index order");
            assert_eq!(hits[1].1, a);
        }
    }

    /// A question the words score twice the next stays first whatever meaning says, where the
    /// index has every word of a Polish query or the query is English (translated); for a
    /// foreign one, or a Polish one with a word the index lacks, the fusion decides.
    #[test]
    fn a_clear_first_by_words_stays_first() {
        let (a, b, c) = (DocAddress::new(0, 1), DocAddress::new(0, 2), DocAddress::new(0, 3));
        let dense = |language, words_known| QueryDense {
            near: Vec::new(),
            // Meaning puts `b` first and does not know `a`.
            rank: HashMap::from([(b, 0), (c, 1)]),
            language,
            vector: Arc::from(vec![0.0f32; 2]),
            sentence: false,
            words_known,
        };
        let first = |d: &QueryDense, scores: [f32; 3]| {
            let mut hits = vec![(scores[0], a), (scores[1], b), (scores[2], c)];
            d.fuse(&mut hits);
            assert!(hits.windows(2).all(|w| w[0].0 >= w[1].0), "fused scores in order: {hits:?}");
            hits[0].1
        };
        let clear = [10.0, 4.0, 3.0];
        assert_eq!(first(&dense(Language::Polish, true), clear), a);
        assert_eq!(first(&dense(Language::Translated, true), clear), a);
        assert_eq!(first(&dense(Language::Translated, false), clear), a, "English words typed");
        assert_eq!(first(&dense(Language::Polish, false), clear), b, "a word the index lacks");
        assert_eq!(first(&dense(Language::Foreign, true), clear), b, "a foreign query");
        assert_eq!(first(&dense(Language::Polish, true), [10.0, 6.0, 3.0]), b, "not twice the next");
        assert!(clear_first([5.0].into_iter()), "the only match");
        assert!(!clear_first([0.0, 0.0].into_iter()) && !clear_first(std::iter::empty()));
    }

    /// Among questions the words score alike, meaning decides; one they score far below the rest
    /// does not overtake them for being first by meaning, as it would by ranks alone.
    #[test]
    fn the_words_margins_count_beside_their_ranks() {
        let (x, y, z) = (DocAddress::new(0, 1), DocAddress::new(0, 2), DocAddress::new(0, 3));
        let dense = QueryDense {
            near: Vec::new(),
            rank: HashMap::from([(z, 0), (y, 2), (x, 4)]),
            language: Language::Polish,
            vector: Arc::from(vec![0.0f32; 2]),
            sentence: false,
            words_known: true,
        };
        let order = |scores: [f32; 3]| {
            let mut hits = vec![(scores[0], x), (scores[1], y), (scores[2], z)];
            dense.fuse(&mut hits);
            assert!(hits.windows(2).all(|w| w[0].0 >= w[1].0), "fused scores in order: {hits:?}");
            hits.iter().map(|h| h.1).collect::<Vec<_>>()
        };
        assert_eq!(order([10.0, 9.8, 9.6]), [z, y, x], "scored alike: meaning decides");
        assert_eq!(order([10.0, 9.8, 1.0]), [y, x, z], "a tenth of the others' score");
        assert!(words_part(0, 1.0) > words_part(1, 0.98) && words_part(1, 0.98) > words_part(2, 0.1));
    }

    #[test]
    fn reciprocal_ranks_decrease() {
        assert!(rrf(0) > rrf(1) && rrf(1) > rrf(50));
    }
}
