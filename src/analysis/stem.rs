//! `PolishStemmer`: the Snowball Polish stemmer (frostem) as a tantivy token filter.
//!
//! Snowball Polish is not idempotent: `tramwaje → tramwaj` but `tramwaj → tramw`, so a query for
//! one form misses documents with the other. The filter therefore emits the stem and, when it
//! differs, the stem of the stem at the same position (the stemmer's fixed point). On the
//! 258-form list of `shared/notes/polish-analysis.md` this raises conflation from 167 to 176
//! forms with no new false merge among the 28 must-not-merge pairs (measured for this change).
//!
//! tantivy's own `Stemmer` has no Polish in its `Language` enum, so we call frostem directly.
//! The filter is the last, replaceable link of the Polish chains: dictionary lemmas can take its
//! place without touching tokenization, stop words or folding.

use std::borrow::Cow;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Replaces each token by its Snowball Polish stem (and the stem's own stem, at the same
/// position, when that differs). Expects lowercase input.
#[derive(Clone, Copy, Debug, Default)]
pub struct PolishStemmer;

impl TokenFilter for PolishStemmer {
    type Tokenizer<T: Tokenizer> = PolishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> PolishStemmerFilter<T> {
        PolishStemmerFilter { inner }
    }
}

/// The tokenizer [`PolishStemmer`] wraps around its input.
#[derive(Clone)]
pub struct PolishStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for PolishStemmerFilter<T> {
    type TokenStream<'a> = PolishStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        PolishStemmerStream { tail: self.inner.token_stream(text), stemmer: stemmer(), pending: None }
    }
}

fn stemmer() -> frostem::Stemmer {
    frostem::Stemmer::new(frostem::Algorithm::Polish)
}

/// The token stream of [`PolishStemmerFilter`].
pub struct PolishStemmerStream<S> {
    tail: S,
    stemmer: frostem::Stemmer,
    /// The second stem of the last token, emitted next at the same position.
    pending: Option<String>,
}

impl<S: TokenStream> TokenStream for PolishStemmerStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(next) = self.pending.take() {
            self.tail.token_mut().text = next;
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // Borrowed means "unchanged": only an owned result needs storing.
        if let Cow::Owned(stem) = self.stemmer.stem(&token.text) {
            if let Cow::Owned(second) = self.stemmer.stem(&stem) {
                self.pending = Some(second);
            }
            token.text = stem;
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

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;

    fn tokens(text: &str) -> Vec<(usize, String)> {
        let mut a = TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(PolishStemmer).build();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().position, s.token().text.clone()));
        }
        out
    }

    #[test]
    fn emits_the_fixed_point_at_the_same_position() {
        assert_eq!(tokens("tramwaje jadą"), vec![(0, "tramwaj".into()), (0, "tramw".into()), (1, "jad".into())]);
        assert_eq!(tokens("tramwaj"), vec![(0, "tramw".into())]);
    }
}
