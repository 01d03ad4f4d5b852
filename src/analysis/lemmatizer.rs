//! A Polish form → lemma dictionary: an `fst::Map` from each word form to a rule-set id, and a
//! table of rule sets ("strip N bytes, append S"), built from SGJP by `examples/build_fst.rs`.
//!
//! The rule table is a flat arena (one suffix string, fixed-size rule records), so loading is a
//! single pass and costs a few MB, not a `Vec<String>` per rule.

use std::sync::LazyLock;

/// One lemma rule: strip `strip` bytes from the end of the form, then append `suffix`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule {
    /// Bytes removed from the end of the form.
    pub strip: u16,
    /// Text appended after stripping.
    pub suffix: String,
}

impl Rule {
    /// The rule that turns `form` into `lemma`.
    pub fn between(form: &str, lemma: &str) -> Rule {
        let mut common = 0usize;
        for ((i, a), b) in form.char_indices().zip(lemma.chars()) {
            if a != b {
                break;
            }
            common = i + a.len_utf8();
        }
        Rule { strip: (form.len() - common) as u16, suffix: lemma[common..].to_string() }
    }
}

/// Why dictionary data could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("lemma dictionary: {0}")]
pub struct DictionaryError(String);

#[derive(Clone, Copy, Debug)]
struct PackedRule {
    strip: u16,
    suffix_start: u32,
    suffix_len: u16,
}

/// A form → lemmas dictionary.
pub struct Lemmatizer {
    map: fst::Map<&'static [u8]>,
    /// Rule set `i` is `rules[sets[i].0 .. sets[i].0 + sets[i].1]`.
    sets: Vec<(u32, u16)>,
    rules: Vec<PackedRule>,
    suffixes: String,
}

impl Lemmatizer {
    /// Reads the map and the rule table (`strip:suffix|strip:suffix` per line).
    pub fn from_bytes(fst_bytes: &'static [u8], rules_text: &str) -> Result<Lemmatizer, DictionaryError> {
        let map = fst::Map::new(fst_bytes).map_err(|e| DictionaryError(e.to_string()))?;
        let mut sets = Vec::new();
        let mut rules = Vec::new();
        let mut suffixes = String::new();
        for (i, line) in rules_text.lines().enumerate() {
            let start = rules.len() as u32;
            for r in line.split('|') {
                let (strip, suffix) =
                    r.split_once(':').ok_or_else(|| DictionaryError(format!("rules line {}: {r:?}", i + 1)))?;
                let strip = strip.parse().map_err(|_| DictionaryError(format!("rules line {}: {r:?}", i + 1)))?;
                rules.push(PackedRule { strip, suffix_start: suffixes.len() as u32, suffix_len: suffix.len() as u16 });
                suffixes.push_str(suffix);
            }
            sets.push((start, (rules.len() as u32 - start) as u16));
        }
        Ok(Lemmatizer { map, sets, rules, suffixes })
    }

    /// Pushes the lemmas of `word` (lowercase) into `out`; false when the word is unknown.
    pub fn lemmas(&self, word: &str, out: &mut Vec<String>) -> bool {
        // An id past the table would be a build bug: treat the word as unknown rather than panic.
        let Some(&(start, len)) = self.map.get(word).and_then(|id| self.sets.get(id as usize)) else {
            return false;
        };
        for r in &self.rules[start as usize..start as usize + len as usize] {
            let keep = word.len().saturating_sub(r.strip as usize);
            if !word.is_char_boundary(keep) {
                continue;
            }
            let suffix = &self.suffixes[r.suffix_start as usize..r.suffix_start as usize + r.suffix_len as usize];
            let mut s = String::with_capacity(keep + suffix.len());
            s.push_str(&word[..keep]);
            s.push_str(suffix);
            out.push(s);
        }
        true
    }

    /// Whether some form lies within `max` edits of `word` (lowercase), itself excluded.
    pub fn knows_near(&self, word: &str, max: u8) -> bool {
        use fst::{IntoStreamer, Streamer};
        let near = super::Near::new(word, max);
        let mut stream = self.map.search(&near).into_stream();
        while let Some((form, _)) = stream.next() {
            if form != word.as_bytes() {
                return true;
            }
        }
        false
    }

    /// Number of forms.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

static SGJP: LazyLock<Lemmatizer> = LazyLock::new(|| {
    Lemmatizer::from_bytes(include_bytes!("pl/sgjp.fst"), include_str!("pl/sgjp.rules"))
        .expect("the embedded SGJP dictionary is valid (checked by a test)")
});

static SGJP_FOLDED: LazyLock<Lemmatizer> = LazyLock::new(|| {
    Lemmatizer::from_bytes(include_bytes!("pl/sgjp_folded.fst"), include_str!("pl/sgjp_folded.rules"))
        .expect("the embedded folded SGJP dictionary is valid (checked by a test)")
});

/// The embedded SGJP dictionary, keyed by forms with Polish letters (`folded`: ASCII-folded forms).
pub fn sgjp(folded: bool) -> &'static Lemmatizer {
    if folded {
        &SGJP_FOLDED
    } else {
        &SGJP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Lemmatizer {
        let mut b = fst::MapBuilder::memory();
        b.insert("drodze", 1).unwrap();
        b.insert("psem", 0).unwrap();
        let bytes: &'static [u8] = Box::leak(b.into_inner().unwrap().into_boxed_slice());
        // set 0: psem -> pies; set 1: drodze -> droga or itself (an ambiguous form)
        let rules = format!("{}\n{}|0:\n", r(&Rule::between("psem", "pies")), r(&Rule::between("drodze", "droga")));
        Lemmatizer::from_bytes(bytes, &rules).unwrap()
    }

    fn r(rule: &Rule) -> String {
        format!("{}:{}", rule.strip, rule.suffix)
    }

    #[test]
    fn rules_rebuild_lemmas() {
        assert_eq!(Rule::between("psem", "pies"), Rule { strip: 3, suffix: "ies".into() });
        assert_eq!(Rule::between("dróg", "droga"), Rule { strip: 3, suffix: "oga".into() });
        let l = tiny();
        let mut out = Vec::new();
        assert!(l.lemmas("psem", &mut out));
        assert_eq!(out, vec!["pies"]);
        out.clear();
        assert!(l.lemmas("drodze", &mut out));
        assert_eq!(out, vec!["droga", "drodze"]);
        assert!(!l.lemmas("kot", &mut out));
    }

    #[test]
    fn bad_tables_are_errors_or_unknown_words_never_panics() {
        let mut b = fst::MapBuilder::memory();
        b.insert("a", 5).unwrap();
        let bytes: &'static [u8] = Box::leak(b.into_inner().unwrap().into_boxed_slice());
        assert!(Lemmatizer::from_bytes(bytes, "x\n").is_err());
        let l = Lemmatizer::from_bytes(bytes, "0:\n").unwrap();
        assert!(!l.lemmas("a", &mut Vec::new()), "id 5 names no rule set");
    }

    #[test]
    fn embedded_dictionaries_load() {
        assert!(sgjp(false).len() > 4_000_000);
        assert!(sgjp(true).len() > 3_500_000);
        let mut out = Vec::new();
        assert!(sgjp(true).lemmas("zolwia", &mut out));
        assert!(out.contains(&"zolw".to_string()), "{out:?}");
    }
}
