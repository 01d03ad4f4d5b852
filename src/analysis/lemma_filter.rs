//! `PolishLemmaFilter`: each token becomes its dictionary lemma(s), or a stem when the dictionary
//! does not know it.
//!
//! - Known words (SGJP, ~4.6 M forms): every lemma of an ambiguous form is emitted at the token's
//!   position (`drodze` → `droga`), so a query word matches whichever reading a document has.
//! - Unknown words (neologisms, rare street names: `buspas`, `woonerfu`, `Duchackiego`) go to the
//!   Snowball Polish stemmer (frostem, already in tantivy's tree). Snowball is not idempotent
//!   (`tramwaje → tramwaj`, `tramwaj → tramw`), so the stem of the stem is emitted too, at the same
//!   position: the forms of a word then share that fixed point.
//!
//! The filter expects lowercase input (and ASCII-folded input when built for the folded field).

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::gazetteer::Gazetteer;
use super::lemmatizer::{sgjp, Lemmatizer};

/// Replaces tokens by their lemmas (dictionary) or stems (fallback).
#[derive(Clone)]
pub struct PolishLemmaFilter {
    dict: &'static Lemmatizer,
    /// Fixed points of the gazetteer's names (empty: no gazetteer).
    names: Arc<HashSet<String>>,
}

impl PolishLemmaFilter {
    /// The filter over the embedded SGJP dictionary; `folded` for ASCII-folded tokens.
    pub fn sgjp(folded: bool) -> PolishLemmaFilter {
        PolishLemmaFilter { dict: sgjp(folded), names: Arc::default() }
    }

    /// The same, with a corpus's gazetteer of names the dictionary does not know.
    pub fn with_gazetteer(folded: bool, gazetteer: &Gazetteer) -> PolishLemmaFilter {
        PolishLemmaFilter { dict: sgjp(folded), names: gazetteer.fixed_points(folded) }
    }
}

impl TokenFilter for PolishLemmaFilter {
    type Tokenizer<T: Tokenizer> = PolishLemmaTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> PolishLemmaTokenizer<T> {
        PolishLemmaTokenizer { dict: self.dict, names: self.names, inner }
    }
}

/// The tokenizer [`PolishLemmaFilter`] wraps around its input.
#[derive(Clone)]
pub struct PolishLemmaTokenizer<T> {
    dict: &'static Lemmatizer,
    names: Arc<HashSet<String>>,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PolishLemmaTokenizer<T> {
    type TokenStream<'a> = PolishLemmaStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PolishLemmaStream {
            dict: self.dict,
            names: &self.names,
            tail: self.inner.token_stream(text),
            stemmer: stemmer(),
            pending: Vec::new(),
        }
    }
}

fn stemmer() -> frostem::Stemmer {
    frostem::Stemmer::new(frostem::Algorithm::Polish)
}

/// The token stream of [`PolishLemmaTokenizer`].
pub struct PolishLemmaStream<'a, S> {
    dict: &'static Lemmatizer,
    names: &'a HashSet<String>,
    tail: S,
    stemmer: frostem::Stemmer,
    /// Further terms of the last token, emitted next at the same position (popped from the end).
    pending: Vec<String>,
}

/// The terms of one lowercase word, in emission order.
fn terms_of(dict: &Lemmatizer, names: &HashSet<String>, stemmer: &frostem::Stemmer, word: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A name of the gazetteer: its fixed point joins whatever the dictionary says, so all its
    // forms meet (the stem fallback below emits it anyway for unknown words).
    let name =
        if names.is_empty() { None } else { Some(fixed_point_with(stemmer, word)).filter(|fp| names.contains(fp)) };
    if dict.lemmas(word, &mut out) {
        out.extend(name);
        out.sort_unstable();
        out.dedup();
    } else {
        let stem = stemmer.stem(word).into_owned();
        let second = stemmer.stem(&stem).into_owned();
        out.push(stem);
        if second != out[0] {
            out.push(second);
        }
    }
    out
}

impl<S: TokenStream> TokenStream for PolishLemmaStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(next) = self.pending.pop() {
            self.tail.token_mut().text = next;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        // Each word reaches this filter once per thread and analysis: `CachedWordTokenizer`
        // remembers the terms, so they are computed here without a cache of their own.
        let token = self.tail.token_mut();
        let mut terms = terms_of(self.dict, self.names, &self.stemmer, &token.text);
        // The first term replaces the token now; the others follow at its position.
        self.pending.extend(terms.drain(1..).rev());
        if let Some(first) = terms.pop() {
            token.text = first;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The Snowball stem of one lowercase word (a single application, without the fixed point).
pub fn stem_word(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// The Snowball stem of the stem of a lowercase word: the term all its forms share.
pub fn fixed_point(word: &str) -> String {
    fixed_point_with(&stemmer(), word)
}

fn fixed_point_with(stemmer: &frostem::Stemmer, word: &str) -> String {
    let once = stemmer.stem(word);
    stemmer.stem(&once).into_owned()
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn tokens(text: &str) -> Vec<(usize, String)> {
        let mut a = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(PolishLemmaFilter::sgjp(false))
            .build();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().position, s.token().text.clone()));
        }
        out
    }

    #[test]
    fn known_words_get_all_their_lemmas_at_one_position() {
        let t = tokens("Remont na drodze");
        assert!(t.contains(&(0, "remont".into())), "{t:?}");
        assert!(t.contains(&(2, "droga".into())), "{t:?}");
        assert!(t.iter().all(|(p, _)| *p != 1 || t.iter().filter(|(q, _)| *q == 1).count() >= 1));
        assert_eq!(tokens("tramwajów"), vec![(0, "tramwaj".into())]);
        assert_eq!(tokens("psem"), vec![(0, "pies".into())]);
    }

    #[test]
    fn unknown_words_fall_back_to_the_stem_fixed_point() {
        // Not in SGJP: Snowball, with the stem of the stem at the same position when it differs.
        let t = tokens("woonerfami");
        assert!(!t.is_empty() && t.iter().all(|(p, _)| *p == 0), "{t:?}");
        assert_eq!(tokens("woonerfami")[0].1, stem_word("woonerfami"));
    }
}
