//! The Polish chain fused into one tokenizer, with a per-thread cache keyed by the word as written.
//!
//! The chain of filters (words → lowercase → [fold] → stop words → lemmas) costs a dozen string
//! copies, two hash lookups and a unicode lowercase per token. Words follow Zipf's law, so most
//! tokens of a text were seen a moment ago: this tokenizer splits the text exactly as
//! `SimpleTokenizer` does, looks each word up as written (no allocation), and emits the terms the
//! chain gave it the first time. Only a word not yet cached goes through the chain itself
//! (`RawTokenizer` + the same filters), so the terms are the chain's by construction.
//! Positions count every word, stop words and over-long ones included, as the chain's do.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Most distinct written words a thread remembers per analysis; past that the cache starts over.
/// A corpus's vocabulary is far smaller (15k written forms in 20k synthetic questions).
const CACHE_WORDS: usize = 100_000;

/// Most analyses (dictionary, folding and gazetteer) a thread keeps caches for.
const CACHED_ANALYSES: usize = 4;

type Terms = Rc<[Box<str>]>;
type WordCache = HashMap<Box<str>, Terms, foldhash::fast::FixedState>;

thread_local! {
    /// Per thread, so no lock is shared; keyed by the analysis (folding and gazetteer), since a
    /// word's terms depend on both. Analyzers are cloned for every search and snippet, so a cache
    /// inside the tokenizer would start empty each time. A few analyses at most: a list is faster
    /// to scan than a map to hash, once per token.
    static CACHES: RefCell<Vec<((bool, u64), WordCache)>> = const { RefCell::new(Vec::new()) };
}

/// Splits like `SimpleTokenizer`; each word's terms come from `chain`, applied to the word alone.
#[derive(Clone)]
pub struct CachedWordTokenizer {
    /// `RawTokenizer` followed by the per-word filters of the chain.
    chain: TextAnalyzer,
    /// Identifies the chain (folding, gazetteer) for the caches.
    key: (bool, u64),
    token: Token,
}

impl CachedWordTokenizer {
    /// `chain` must take a single word to its terms; `key` must differ for chains that differ.
    pub fn new(chain: TextAnalyzer, key: (bool, u64)) -> Self {
        CachedWordTokenizer { chain, key, token: Token::default() }
    }
}

impl Tokenizer for CachedWordTokenizer {
    type TokenStream<'a> = CachedWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CachedWordStream<'a> {
        self.token.reset();
        CachedWordStream {
            text,
            next: 0,
            position: 0,
            chain: &mut self.chain,
            key: self.key,
            token: &mut self.token,
            terms: Rc::from(Vec::new()),
            emitted: 0,
        }
    }
}

/// The first word of `text` at or after byte `start`, as `(from, to)` byte offsets: a maximal
/// run of alphanumeric characters, as `SimpleTokenizer` splits.
fn word_after(text: &str, start: usize) -> Option<(usize, usize)> {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    let from = loop {
        let (i, c) = chars.next()?;
        if c.is_alphanumeric() {
            break i;
        }
    };
    let to = chars.find(|(_, c)| !c.is_alphanumeric()).map_or(rest.len(), |(i, _)| i);
    Some((start + from, start + to))
}

/// The words of `text` as [`CachedWordTokenizer`] splits it, as byte ranges: the word at index
/// `i` is the one indexed at position `i` of its value.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut next = 0;
    std::iter::from_fn(move || {
        let (from, to) = word_after(text, next)?;
        next = to;
        Some((from, to))
    })
}

/// The token stream of [`CachedWordTokenizer`].
pub struct CachedWordStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    next: usize,
    /// Position of the next word.
    position: usize,
    chain: &'a mut TextAnalyzer,
    key: (bool, u64),
    token: &'a mut Token,
    /// Terms of the current word, and how many of them were emitted.
    terms: Terms,
    emitted: usize,
}

impl CachedWordStream<'_> {
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let (from, to) = word_after(self.text, self.next)?;
        self.next = to;
        Some((from, to))
    }

    fn terms_of(&mut self, word: &str) -> Terms {
        let (key, chain) = (self.key, &mut *self.chain);
        CACHES.with_borrow_mut(|caches| {
            let at = match caches.iter().position(|(k, _)| *k == key) {
                Some(at) => at,
                None => {
                    if caches.len() >= CACHED_ANALYSES {
                        caches.clear();
                    }
                    caches.push((key, WordCache::default()));
                    caches.len() - 1
                }
            };
            let cache = &mut caches[at].1;
            if let Some(terms) = cache.get(word) {
                return terms.clone();
            }
            if cache.len() >= CACHE_WORDS {
                cache.clear();
            }
            let mut found: Vec<Box<str>> = Vec::new();
            let mut stream = chain.token_stream(word);
            while stream.advance() {
                found.push(stream.token().text.as_str().into());
            }
            let terms: Terms = Rc::from(found);
            cache.insert(word.into(), terms.clone());
            terms
        })
    }
}

impl TokenStream for CachedWordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.emitted >= self.terms.len() {
            let Some((from, to)) = self.next_word() else { return false };
            let text = self.text;
            self.terms = self.terms_of(&text[from..to]);
            self.emitted = 0;
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.position;
            self.position += 1;
        }
        self.token.text.clear();
        self.token.text.push_str(&self.terms[self.emitted]);
        self.emitted += 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{
        AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer,
    };

    use crate::analysis::{folded_stop_words, polish_analyzer_with, Gazetteer, PolishLemmaFilter, MAX_TOKEN_BYTES};

    /// The chain as plain tantivy filters over `SimpleTokenizer`, the reference.
    fn unfused(fold: bool, gazetteer: &Gazetteer) -> TextAnalyzer {
        let stop = StopWordFilter::remove(folded_stop_words());
        let base = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser);
        if fold {
            base.filter(AsciiFoldingFilter)
                .filter(stop)
                .filter(PolishLemmaFilter::with_gazetteer(true, gazetteer))
                .build()
        } else {
            base.filter(stop).filter(PolishLemmaFilter::with_gazetteer(false, gazetteer)).build()
        }
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn gives_the_chains_terms_positions_and_offsets() {
        let gazetteer = Gazetteer::new(&["duchackiego".to_string()]);
        let long = "a".repeat(MAX_TOKEN_BYTES + 5);
        let text = format!(
            "Czy Zarząd Dróg naprawi DZIURY na ul. Duchackiego 12? Dziury, dziurami — {long} i \
             znowu dziury! Żółw, zolw; ŻÓŁW. Кияни питають 2025-03-18 o P+R, Park&Ride i 5G."
        );
        for fold in [false, true] {
            let mut fused = polish_analyzer_with(fold, &gazetteer);
            let mut reference = unfused(fold, &gazetteer);
            // Twice: the second pass is answered from the cache.
            for _ in 0..2 {
                assert_eq!(tokens(&mut fused, &text), tokens(&mut reference, &text), "fold {fold}");
            }
        }
    }
}
