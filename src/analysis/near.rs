//! Words within a few edits of a misspelt one, found in an `fst` word list without reading it
//! all: a Levenshtein automaton (transpositions count as one edit, as in tantivy's fuzzy queries)
//! walked together with the list.

use std::sync::OnceLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};

/// The automaton builders for one and two edits: building one costs milliseconds, so each is
/// built once per process.
fn builder(max: u8) -> &'static LevenshteinAutomatonBuilder {
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; 2] = [OnceLock::new(), OnceLock::new()];
    let max = max.clamp(1, 2);
    BUILDERS[usize::from(max - 1)].get_or_init(|| LevenshteinAutomatonBuilder::new(max, true))
}

/// The words within `max` (1 or 2) edits of one word, as an [`fst::Automaton`].
pub struct Near(DFA);

impl Near {
    /// The automaton for `word` (compared byte for byte: give the list's own spelling, e.g. folded).
    pub fn new(word: &str, max: u8) -> Near {
        Near(builder(max).build_dfa(word))
    }

    /// The edits from the word to `other`, where within the bound.
    pub fn distance(&self, other: &str) -> Option<u8> {
        match self.0.eval(other) {
            Distance::Exact(d) => Some(d),
            Distance::AtLeast(_) => None,
        }
    }
}

impl fst::Automaton for Near {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fst::{IntoStreamer, Streamer};

    #[test]
    fn finds_the_words_within_the_bound_transpositions_included() {
        let set = fst::Set::from_iter(["kot", "koty", "kursy", "plywalni", "plywalnia", "ulica"]).unwrap();
        let near = Near::new("ukrsy", 1);
        let mut found = Vec::new();
        let mut stream = set.search(&near).into_stream();
        while let Some(k) = stream.next() {
            found.push(String::from_utf8(k.to_vec()).unwrap());
        }
        assert_eq!(found, vec!["kursy"]);
        assert_eq!(near.distance("kursy"), Some(1));
        assert_eq!(near.distance("koty"), None);
        assert_eq!(Near::new("pkywalni", 2).distance("plywalnia"), Some(2));
    }
}
