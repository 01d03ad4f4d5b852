//! A gazetteer learnt from a corpus: the place and street names the dictionary does not fully
//! know, so that all their inflected forms still meet.
//!
//! SGJP knows most of Kraków, but not every name: it lemmatises `Duchackim` (as a surname's form)
//! yet does not know `Duchackiego`, so "Podgórze Duchackie" and "w Podgórzu Duchackim" would share
//! no term. For every capitalised word in the middle of a sentence of the corpus that the
//! dictionary does not know, the gazetteer keeps the word; at analysis time any token whose
//! Snowball fixed point is that of a gazetteer word also gets that fixed point as a term, so all
//! its forms meet whatever the dictionary says of each.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use super::fold::fold_polish;
use super::lemma_filter::fixed_point;
use super::lemmatizer::sgjp;

/// The fixed points of the gazetteer's words, for the exact-letter and the folded analysis.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    plain: Arc<HashSet<String>>,
    folded: Arc<HashSet<String>>,
    /// Unique per gazetteer made (0: the empty default), so caches of analysis results can tell
    /// gazetteers apart even when one is freed and another takes its memory.
    id: u64,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Shortest word taken as a name (shorter capitalised words are mostly abbreviations).
const MIN_NAME_CHARS: usize = 4;

impl Gazetteer {
    /// A gazetteer of these words (lowercase, as learnt by [`Gazetteer::learn`]).
    pub fn new(words: &[String]) -> Gazetteer {
        let plain = words.iter().map(|w| fixed_point(w)).collect();
        let folded = words.iter().map(|w| fixed_point(&fold_polish(w))).collect();
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Gazetteer { plain: Arc::new(plain), folded: Arc::new(folded), id }
    }

    /// The fixed points for the exact-letter (`false`) or folded (`true`) analysis.
    pub(crate) fn fixed_points(&self, folded: bool) -> Arc<HashSet<String>> {
        if folded {
            self.folded.clone()
        } else {
            self.plain.clone()
        }
    }

    /// This gazetteer's identity.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Whether it has no word.
    pub fn is_empty(&self) -> bool {
        self.plain.is_empty()
    }

    /// The names a corpus's texts hold that the dictionary does not know: capitalised words that do
    /// not open a sentence, lowercased, sorted. Headings and front-matter values count as texts.
    pub fn learn<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        thread_local! {
            /// Whether the dictionary knows a word, per thread: the same names (districts,
            /// streets, units) recur in every meeting, and a dictionary lookup costs more than
            /// the rest of the scan for each. Bounded: cleared when full.
            static KNOWN: std::cell::RefCell<foldhash::HashMap<String, bool>> = Default::default();
        }
        const KNOWN_WORDS: usize = 100_000;
        let dict = sgjp(false);
        let mut out = BTreeSet::new();
        let mut scratch = Vec::new();
        let mut known = |lower: &str| {
            KNOWN.with_borrow_mut(|cache| {
                if let Some(k) = cache.get(lower) {
                    return *k;
                }
                if cache.len() >= KNOWN_WORDS {
                    cache.clear();
                }
                scratch.clear();
                let k = dict.lemmas(lower, &mut scratch);
                cache.insert(lower.to_string(), k);
                k
            })
        };
        for text in texts {
            let mut sentence_start = true;
            for raw in text.split(|c: char| c.is_whitespace()) {
                let kept = |c: &char| c.is_alphabetic() || *c == '-';
                // Most words are lowercase: decide on the first kept letter before building the word.
                let starts_upper = raw.chars().find(kept).is_some_and(char::is_uppercase);
                if starts_upper && !sentence_start {
                    let word: String = raw.chars().filter(kept).collect();
                    // All capitals is an abbreviation, not a name.
                    let parts = word.split('-').filter(|p| p.chars().count() >= MIN_NAME_CHARS);
                    for part in parts.filter(|_| word.chars().any(char::is_lowercase)) {
                        let lower = part.to_lowercase();
                        if !known(&lower) {
                            out.insert(lower);
                        }
                    }
                }
                sentence_start = raw.ends_with(['.', '!', '?', ':']) || raw.is_empty() && sentence_start;
            }
        }
        out.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_unknown_mid_sentence_names_only() {
        let words = Gazetteer::learn([
            "Spotkanie na Podgórzu Duchackim. Mieszkańcy z ulicy Duchackiego pytali o Kraków.",
            "Woonerfy są modne. Nowy woonerf przy Grzegórzeckiej.",
        ]);
        assert!(words.contains(&"duchackiego".to_string()), "{words:?}");
        assert!(words.contains(&"grzegórzeckiej".to_string()), "{words:?}");
        assert!(!words.contains(&"kraków".to_string()), "the dictionary knows Kraków: {words:?}");
        assert!(!words.contains(&"mieszkańcy".to_string()), "sentence-initial words are not names");
        assert!(!words.iter().any(|w| w.starts_with("woonerf")), "lowercase or sentence-initial");
    }
}
