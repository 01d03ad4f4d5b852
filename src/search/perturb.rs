//! Judged queries rewritten the way residents mistype them, to measure how ranking holds on
//! queries nobody tuned for.
//!
//! The judged sets hold a few typed-with-typos and without-Polish-letters queries each, so a rule
//! tuned on them can fit those few words. Here every judged query becomes several variants, each
//! with one slip of the fingers (a letter dropped, doubled, swapped with its neighbour or replaced
//! by one next to it on the keyboard) and/or its Polish letters typed plain; the need, and so the
//! judgments, stay those of the query as written. Seeded, so a variant is the same on every run.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::analysis::fold_polish;

/// How the judged queries are rewritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perturbation {
    /// One typing slip in one word of four letters or more.
    Typo,
    /// Polish letters typed without their marks (`ż` → `z`).
    Nodiacritics,
    /// Both: the way many residents type on a phone.
    Both,
}

impl std::str::FromStr for Perturbation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "typo" => Ok(Perturbation::Typo),
            "nodiacritics" => Ok(Perturbation::Nodiacritics),
            "both" => Ok(Perturbation::Both),
            other => Err(format!("unknown rewriting {other:?}: typo, nodiacritics or both")),
        }
    }
}

impl std::fmt::Display for Perturbation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Perturbation::Typo => "typo",
            Perturbation::Nodiacritics => "nodiacritics",
            Perturbation::Both => "both",
        })
    }
}

/// The keys next to each letter on the Polish programmer's keyboard (QWERTY): where a finger
/// slips to.
fn neighbours(c: char) -> &'static str {
    match c {
        'q' => "wa",
        'w' => "qes",
        'e' => "wrd",
        'r' => "etf",
        't' => "ryg",
        'y' => "tuh",
        'u' => "yij",
        'i' => "uok",
        'o' => "ipl",
        'p' => "ol",
        'a' => "qsz",
        's' => "adwx",
        'd' => "sfex",
        'f' => "dgrc",
        'g' => "fhtv",
        'h' => "gjyb",
        'j' => "hkun",
        'k' => "jlim",
        'l' => "kop",
        'z' => "xas",
        'x' => "zcsd",
        'c' => "xvdf",
        'v' => "cbfg",
        'b' => "vngh",
        'n' => "bmhj",
        'm' => "njk",
        _ => "",
    }
}

/// A word a slip may fall on: four letters or more, not an abbreviation in capitals (`MPZP`:
/// typed with care, and matched only as itself).
fn slippable(word: &str) -> bool {
    word.chars().count() >= 4 && word.chars().all(char::is_alphabetic) && !word.chars().all(|c| c.is_uppercase())
}

/// `word` with one slip chosen by `rng`: a letter dropped, doubled, swapped with the next one, or
/// replaced by a key next to it; never the same word back.
pub fn slip(word: &str, rng: &mut impl Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    for _ in 0..16 {
        let mut out = chars.clone();
        let i = rng.random_range(0..n);
        match rng.random_range(0..4) {
            0 => {
                out.remove(i);
            }
            1 => out.insert(i, chars[i]),
            2 if i + 1 < n => out.swap(i, i + 1),
            3 => {
                let lower = chars[i].to_lowercase().next().unwrap_or(chars[i]);
                let near: Vec<char> = neighbours(lower).chars().collect();
                match near.choose(rng) {
                    Some(c) => out[i] = *c,
                    None => continue,
                }
            }
            _ => continue,
        }
        if out != chars {
            return out.into_iter().collect();
        }
    }
    word.to_string()
}

/// `query` rewritten by `kind`; `None` where nothing in it can be rewritten that way (no word to
/// slip on, no Polish letter).
pub fn rewrite(query: &str, kind: Perturbation, rng: &mut impl Rng) -> Option<String> {
    let typo = |q: &str, rng: &mut ChaCha8Rng| -> Option<String> {
        let words: Vec<&str> = q.split(' ').collect();
        let candidates: Vec<usize> = (0..words.len()).filter(|i| slippable(words[*i])).collect();
        let &i = candidates.choose(rng)?;
        let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        out[i] = slip(words[i], rng);
        Some(out.join(" "))
    };
    // One generator per query, seeded from the caller's, so adding a kind never shifts another's.
    let mut local = ChaCha8Rng::seed_from_u64(rng.random());
    match kind {
        Perturbation::Typo => typo(query, &mut local),
        Perturbation::Nodiacritics => {
            let plain = fold_polish(query);
            (plain != query).then_some(plain)
        }
        Perturbation::Both => typo(&fold_polish(query), &mut local),
    }
}

/// `variants` rewritings of each query (distinct, in order), from one seed.
pub fn variants(query: &str, kind: Perturbation, variants: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out: Vec<String> = Vec::new();
    // Bounded: a short query has few distinct slips.
    for _ in 0..variants * 4 {
        if out.len() == variants {
            break;
        }
        match rewrite(query, kind, &mut rng) {
            Some(v) if !out.contains(&v) && v != query => out.push(v),
            Some(_) => {}
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit_distance(a: &str, b: &str) -> u32 {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        crate::search::fuzzy::distance(&a, &b, 3).unwrap_or(99)
    }

    #[test]
    fn a_slip_is_one_edit_of_one_long_word() {
        let query = "dziury na ulicy Balickiej";
        for seed in 0..200 {
            let v = variants(query, Perturbation::Typo, 1, seed);
            let [v] = v.as_slice() else { panic!("no variant for seed {seed}") };
            let (before, after): (Vec<&str>, Vec<&str>) = (query.split(' ').collect(), v.split(' ').collect());
            assert_eq!(before.len(), after.len(), "{v}");
            let changed: Vec<usize> = (0..before.len()).filter(|i| before[*i] != after[*i]).collect();
            assert_eq!(changed.len(), 1, "{v}");
            let i = changed[0];
            assert!(before[i].chars().count() >= 4, "a short word was changed: {v}");
            assert_eq!(edit_distance(before[i], after[i]), 1, "{v}");
        }
    }

    #[test]
    fn abbreviations_and_short_words_are_left_alone() {
        assert_eq!(variants("MPZP i ZTP na Bem", Perturbation::Typo, 3, 7), Vec::<String>::new());
        let v = variants("MOPS pomoc", Perturbation::Typo, 5, 7);
        assert!(!v.is_empty() && v.iter().all(|q| q.starts_with("MOPS ")), "{v:?}");
    }

    #[test]
    fn variants_are_distinct_and_repeatable() {
        let a = variants("wywóz śmieci wielkogabarytowych", Perturbation::Both, 5, 42);
        assert_eq!(a, variants("wywóz śmieci wielkogabarytowych", Perturbation::Both, 5, 42));
        assert_eq!(a.len(), 5);
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "{a:?}");
        assert!(a.iter().all(|q| !q.contains('ó') && !q.contains('ś')), "{a:?}");
    }

    #[test]
    fn no_diacritics_types_polish_letters_plain_and_skips_queries_without_them() {
        assert_eq!(variants("Źródło na Łąkach", Perturbation::Nodiacritics, 3, 1), vec!["Zrodlo na Lakach"]);
        assert!(variants("park na Woli", Perturbation::Nodiacritics, 3, 1).is_empty());
    }
}
