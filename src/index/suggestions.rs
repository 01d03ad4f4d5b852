//! The words offered as completions while a resident types: every word of the titles and
//! questions, as written, with a weight (title words count more), ordered by their folded form so
//! that a prefix typed with or without Polish letters is one binary search. The same list tells
//! how the corpus spells a word typed without Polish letters, and which of its words a misspelt
//! one most likely meant ([`Suggestions::near`]).

use std::io;
use std::path::Path;

use crate::analysis::{self, fold_polish, is_stop_word, Near};

/// The file in a generation.
pub const FILE: &str = "suggest.tsv";

/// Weight of a word seen in a title, against 1 in a question's text.
const TITLE_WEIGHT: u32 = 3;

/// Completion words of one generation.
#[derive(Clone, Debug)]
pub struct Suggestions {
    /// (folded lowercase word, word as most often written, weight), sorted by folded word.
    words: Vec<(String, String, u32)>,
    /// The distinct folded words, for finding those near a misspelt one without reading them all.
    folded: fst::Set<Vec<u8>>,
}

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions::new(WordCounts::default())
    }
}

/// A word of the list near a misspelt one (see [`Suggestions::near`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NearWord<'a> {
    /// The word as the corpus most often writes it.
    pub word: &'a str,
    /// Edits from the word typed (a transposition counts as one).
    pub distance: u8,
    /// How often the corpus writes it (titles weigh more), all spellings of its folded form.
    pub weight: u32,
}

/// Most words read from the list for one misspelt word (bounds the work on a huge vocabulary).
const MAX_NEAR_SCANNED: usize = 20_000;

/// Words and their weighted counts. Counting hashes every word of the corpus once: foldhash, not
/// the standard library's SipHash (which costs more than the rest of the count for short keys).
pub type WordCounts = foldhash::HashMap<String, u32>;

/// Counts the words of titles and question texts (stop words, numbers and 1–2 letter words left out).
pub fn count_words<'a>(titles: impl Iterator<Item = &'a str>, texts: impl Iterator<Item = &'a str>) -> WordCounts {
    use rayon::prelude::*;
    let weighted: Vec<(&str, u32)> = titles.map(|t| (t, TITLE_WEIGHT)).chain(texts.map(|t| (t, 1))).collect();
    weighted
        .par_iter()
        .fold(
            || (analysis::plain_analyzer(false), WordCounts::default()),
            |(mut plain, mut counts): (_, WordCounts), (text, weight)| {
                let mut stream = plain.token_stream(text);
                while stream.advance() {
                    let w = stream.token().text.as_str();
                    if w.chars().count() < 3 || w.chars().any(|c| c.is_ascii_digit()) || is_stop_word(w) {
                        continue;
                    }
                    // Most words were seen before: look up before allocating a key.
                    match counts.get_mut(w) {
                        Some(n) => *n += weight,
                        None => {
                            counts.insert(w.to_string(), *weight);
                        }
                    }
                }
                drop(stream);
                (plain, counts)
            },
        )
        .map(|(_, counts)| counts)
        .reduce(WordCounts::default, |mut a, b| {
            for (w, n) in b {
                *a.entry(w).or_default() += n;
            }
            a
        })
}

impl Suggestions {
    /// From word counts.
    pub fn new(counts: WordCounts) -> Suggestions {
        let mut words: Vec<(String, String, u32)> = counts.into_iter().map(|(w, n)| (fold_polish(&w), w, n)).collect();
        words.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then_with(|| a.1.cmp(&b.1)));
        let mut folded: Vec<&str> = words.iter().map(|(f, _, _)| f.as_str()).collect();
        folded.dedup();
        // Sorted and distinct, so building cannot fail.
        let folded = fst::Set::from_iter(folded).unwrap_or_default();
        Suggestions { words, folded }
    }

    /// Up to `n` words of the list within `max` (1 or 2) edits of `typed` (any case, with or
    /// without Polish letters; compared folded), nearest first, then the most frequent: the words a
    /// misspelling most likely meant, in the form written (`pkywalni` → `pływalni`), so that
    /// analysing them gives the lemmas the index holds. The word itself is not among them.
    pub fn near(&self, typed: &str, max: u8, n: usize) -> Vec<NearWord<'_>> {
        use fst::{IntoStreamer, Streamer};
        let folded = fold_polish(&typed.to_lowercase());
        if max == 0 || folded.is_empty() || n == 0 {
            return Vec::new();
        }
        let near = Near::new(&folded, max);
        let mut found: Vec<NearWord<'_>> = Vec::new();
        let mut stream = self.folded.search(&near).into_stream();
        let mut scanned = 0;
        while let Some(key) = stream.next() {
            scanned += 1;
            if scanned > MAX_NEAR_SCANNED {
                break;
            }
            let Ok(key) = std::str::from_utf8(key) else { continue };
            let Some(distance) = near.distance(key).filter(|d| *d > 0) else { continue };
            let at = self.words.partition_point(|(f, _, _)| f.as_str() < key);
            let spellings = &self.words[at..];
            let Some((_, word, _)) = spellings.first() else { continue };
            let weight = spellings.iter().take_while(|(f, _, _)| f == key).map(|(_, _, w)| *w).sum();
            found.push(NearWord { word: word.as_str(), distance, weight });
        }
        found
            .sort_by(|a, b| a.distance.cmp(&b.distance).then(b.weight.cmp(&a.weight)).then_with(|| a.word.cmp(b.word)));
        found.truncate(n);
        found
    }

    /// Writes `word<TAB>weight` lines.
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let mut out = String::new();
        for (_, w, n) in &self.words {
            out.push_str(&format!("{w}\t{n}\n"));
        }
        std::fs::write(path, out)
    }

    /// Reads what [`Suggestions::write`] wrote; a missing file is an empty list.
    pub fn read(path: &Path) -> io::Result<Suggestions> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Suggestions::default()),
            Err(e) => return Err(e),
        };
        let counts = text
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(w, n)| Some((w.to_string(), n.parse().ok()?)))
            .collect();
        Ok(Suggestions::new(counts))
    }

    /// How the corpus writes a word typed without Polish letters (`swiatlo` → `światło`): the word
    /// itself where the corpus has it so (`sad` stays `sad`, not `sąd`), else its most frequent
    /// spelling; `None` when no title or question has it.
    pub fn as_written(&self, folded: &str) -> Option<&str> {
        let at = self.words.partition_point(|(f, _, _)| f.as_str() < folded);
        // Equal folded forms are sorted by weight, the most frequent first.
        let spellings = || self.words[at..].iter().take_while(|(f, _, _)| f == folded).map(|(_, w, _)| w.as_str());
        let first = spellings().next()?;
        Some(spellings().find(|w| *w == folded).unwrap_or(first))
    }

    /// Up to `n` words starting with `prefix` (any case, with or without Polish letters), most
    /// frequent first; words typed with Polish letters only match words that have them.
    pub fn complete(&self, prefix: &str, n: usize) -> Vec<&str> {
        let lower = prefix.to_lowercase();
        let folded = fold_polish(&lower);
        if folded.is_empty() {
            return Vec::new();
        }
        let start = self.words.partition_point(|(f, _, _)| f.as_str() < folded.as_str());
        let mut found: Vec<&(String, String, u32)> = self.words[start..]
            .iter()
            .take_while(|(f, _, _)| f.starts_with(&folded))
            .filter(|(_, w, _)| lower == folded || w.starts_with(&lower))
            .collect();
        found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(n).map(|(_, w, _)| w.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> Suggestions {
        let counts = count_words(
            ["Tramwaj do Mistrzejowic", "Tramwaje stadami", "Zieleń na Klinach"].into_iter(),
            ["Tramwajem jeżdżę, a tramwaj się spóźnia. Zielony park, zieleń."].into_iter(),
        );
        Suggestions::new(counts)
    }

    #[test]
    fn words_typed_without_polish_letters_get_the_corpus_spelling() {
        let s = s();
        assert_eq!(s.as_written("zielen"), Some("zieleń"));
        assert_eq!(s.as_written("tramwaj"), Some("tramwaj"));
        assert_eq!(s.as_written("ziel"), None);
        let both = Suggestions::new([("sąd".to_string(), 9), ("sad".to_string(), 1)].into_iter().collect());
        assert_eq!(both.as_written("sad"), Some("sad"), "a word the corpus writes so is kept");
    }

    #[test]
    fn completes_by_frequency_with_or_without_polish_letters() {
        let s = s();
        assert_eq!(s.complete("tram", 3), vec!["tramwaj", "tramwaje", "tramwajem"]);
        assert_eq!(s.complete("ziel", 5), vec!["zieleń", "zielony"]);
        assert_eq!(s.complete("zielen", 5), vec!["zieleń"]);
        assert_eq!(s.complete("zieleń", 5), vec!["zieleń"]);
        assert_eq!(s.complete("ZIEL", 1), vec!["zieleń"]);
        assert!(s.complete("", 5).is_empty());
        assert!(s.complete("xyz", 5).is_empty());
    }

    #[test]
    fn round_trips_through_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        s().write(&path).unwrap();
        assert_eq!(Suggestions::read(&path).unwrap().complete("tram", 3), s().complete("tram", 3));
        assert!(Suggestions::read(&dir.path().join("none")).unwrap().complete("tram", 1).is_empty());
    }

    #[test]
    fn near_finds_the_forms_a_slip_meant_nearest_then_commonest() {
        let s = Suggestions::new(
            [("pływalni", 2), ("pływalnia", 5), ("bloki", 4), ("kloki", 1), ("kursy", 3), ("koty", 6), ("kot", 9)]
                .into_iter()
                .map(|(w, n)| (w.to_string(), n))
                .collect(),
        );
        let words =
            |typed: &str, max: u8| s.near(typed, max, 3).iter().map(|n| (n.word, n.distance)).collect::<Vec<_>>();
        // One slip in an inflected form: the form, then (two edits) its other forms.
        assert_eq!(words("pkywalni", 1), vec![("pływalni", 1)]);
        assert_eq!(words("pkywalni", 2), vec![("pływalni", 1), ("pływalnia", 2)]);
        // Any letter may be the wrong one, the first too; at one edit the commonest comes first.
        assert_eq!(words("hloki", 1), vec![("bloki", 1), ("kloki", 1)]);
        assert_eq!(words("ukrsy", 1), vec![("kursy", 1)], "a transposition is one edit");
        // Typed without Polish letters or in capitals alike; the word itself is no correction.
        assert_eq!(words("PLYWALNI", 1), vec![("pływalnia", 1)]);
        assert_eq!(words("kooty", 1), vec![("koty", 1)]);
        assert!(words("tramwaj", 2).is_empty());
        assert!(words("kot", 0).is_empty());
        assert!(Suggestions::default().near("kot", 1, 3).is_empty());
    }
}
