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
use std::hash::BuildHasher;

use hashbrown::HashTable;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Most distinct written words a thread remembers per analysis; past that the cache starts over.
/// A corpus's vocabulary is far smaller (15k written forms in 20k synthetic questions).
const CACHE_WORDS: usize = 100_000;

/// Most analyses (dictionary, folding and gazetteer) a thread keeps caches for.
const CACHED_ANALYSES: usize = 4;

/// One analysis's words and their terms, packed into one buffer: per word its length (one byte),
/// the word, then its terms as [`Packed`] lays them out; found through a table of offsets.
/// Indexing looks a word up for every token, and a map of boxed words to boxed terms cost four
/// dependent cache misses for each (a fifth of indexing's CPU time at 100k questions): here
/// the table holds 4-byte offsets and a word's terms lie next to it.
#[derive(Default)]
struct WordCache {
    table: HashTable<u32>,
    entries: Vec<u8>,
    hasher: foldhash::fast::FixedState,
}

impl WordCache {
    /// The word stored at `at`.
    fn word_at(entries: &[u8], at: u32) -> &[u8] {
        let at = at as usize;
        let len = usize::from(entries[at]);
        &entries[at + 1..at + 1 + len]
    }

    /// The packed terms of `word`, if cached; `hash` is the cache's hash of its bytes.
    fn get(&self, word: &str, hash: u64) -> Option<&[u8]> {
        let entries = &self.entries;
        let at = *self.table.find(hash, |&at| Self::word_at(entries, at) == word.as_bytes())? as usize;
        let start = at + 1 + usize::from(entries[at]);
        Some(&entries[start..start + Packed::len_at(&entries[start..])])
    }

    /// Remembers the packed `terms` of `word`, starting over past `capacity` words. A word longer
    /// than 255 bytes is not cached (the chain drops words over [`super::MAX_TOKEN_BYTES`]).
    fn insert(&mut self, word: &str, hash: u64, terms: &[u8], capacity: usize) {
        let Ok(len) = u8::try_from(word.len()) else { return };
        if self.table.len() >= capacity || self.entries.len() + 1 + word.len() + terms.len() > u32::MAX as usize {
            self.table.clear();
            self.entries.clear();
        }
        let at = self.entries.len() as u32;
        self.entries.push(len);
        self.entries.extend_from_slice(word.as_bytes());
        self.entries.extend_from_slice(terms);
        let (entries, hasher) = (&self.entries, &self.hasher);
        self.table.insert_unique(hash, at, |&at| hasher.hash_one(Self::word_at(entries, at)));
    }
}

/// A word's terms in one buffer: their count, then each term's length and bytes (both lengths as
/// two bytes, little-endian).
struct Packed;

impl Packed {
    fn u16_at(bytes: &[u8], at: usize) -> usize {
        usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
    }

    /// Starts an empty list in `out`.
    fn start(out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(&[0, 0]);
    }

    /// Appends `term` to the list in `out`. A term over 65,535 bytes is left out, as tantivy
    /// leaves out terms over 65,530; so is a word's 65,536th term (a word has a few lemmas).
    fn push(out: &mut Vec<u8>, term: &[u8]) {
        let count = Self::u16_at(out, 0);
        let (Ok(len), Ok(count)) = (u16::try_from(term.len()), u16::try_from(count + 1)) else { return };
        out[..2].copy_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(term);
    }

    /// How many terms the list at the start of `bytes` holds.
    fn count(bytes: &[u8]) -> usize {
        Self::u16_at(bytes, 0)
    }

    /// The length in bytes of the list at the start of `bytes`.
    fn len_at(bytes: &[u8]) -> usize {
        let mut end = 2;
        for _ in 0..Self::count(bytes) {
            end += 2 + Self::u16_at(bytes, end);
        }
        end
    }

    /// The term at byte `at` of a list, and where the next one starts.
    fn term_at(bytes: &[u8], at: usize) -> (&[u8], usize) {
        let len = Self::u16_at(bytes, at);
        (&bytes[at + 2..at + 2 + len], at + 2 + len)
    }
}

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
    /// The current word's packed terms (see [`WordCache`]), reused from word to word.
    terms: Vec<u8>,
}

impl CachedWordTokenizer {
    /// `chain` must take a single word to its terms; `key` must differ for chains that differ.
    pub fn new(chain: TextAnalyzer, key: (bool, u64)) -> Self {
        CachedWordTokenizer { chain, key, token: Token::default(), terms: Vec::new() }
    }
}

impl Tokenizer for CachedWordTokenizer {
    type TokenStream<'a> = CachedWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CachedWordStream<'a> {
        self.token.reset();
        self.terms.clear();
        CachedWordStream {
            text,
            next: 0,
            position: 0,
            chain: &mut self.chain,
            key: self.key,
            token: &mut self.token,
            terms: &mut self.terms,
            left: 0,
            cursor: 0,
        }
    }
}

/// `char::is_alphanumeric`, answered without the Unicode tables for Latin letters with
/// diacritics (U+00C0 to U+017F, Polish letters among them): every one of them is a letter but
/// `×` and `÷`. The tables cost a lookup per Polish letter, on every word indexed.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{C0}'..='\u{17F}').contains(&c) {
        c != '×' && c != '÷'
    } else {
        c.is_alphanumeric()
    }
}

/// The first word of `text` at or after byte `start`, as `(from, to)` byte offsets: a maximal
/// run of alphanumeric characters, as `SimpleTokenizer` splits.
fn word_after(text: &str, start: usize) -> Option<(usize, usize)> {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    let from = loop {
        let (i, c) = chars.next()?;
        if is_word_char(c) {
            break i;
        }
    };
    let to = chars.find(|(_, c)| !is_word_char(*c)).map_or(rest.len(), |(i, _)| i);
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
    /// The current word's packed terms, how many are left to emit, and where the next one is.
    terms: &'a mut Vec<u8>,
    left: usize,
    cursor: usize,
}

impl CachedWordStream<'_> {
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let (from, to) = word_after(self.text, self.next)?;
        self.next = to;
        Some((from, to))
    }

    /// Fills `self.terms` with the packed terms of `word`, from the cache or from the chain.
    fn terms_of(&mut self, word: &str) {
        let (key, chain, out) = (self.key, &mut *self.chain, &mut *self.terms);
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
            let hash = cache.hasher.hash_one(word.as_bytes());
            if let Some(terms) = cache.get(word, hash) {
                out.clear();
                out.extend_from_slice(terms);
                return;
            }
            Packed::start(out);
            let mut stream = chain.token_stream(word);
            while stream.advance() {
                Packed::push(out, stream.token().text.as_bytes());
            }
            cache.insert(word, hash, out, CACHE_WORDS);
        });
    }
}

impl TokenStream for CachedWordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.left == 0 {
            let Some((from, to)) = self.next_word() else { return false };
            let text = self.text;
            self.terms_of(&text[from..to]);
            self.left = Packed::count(self.terms);
            self.cursor = 2;
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.position;
            self.position += 1;
        }
        let (term, next) = Packed::term_at(self.terms, self.cursor);
        self.cursor = next;
        self.left -= 1;
        self.token.text.clear();
        // The bytes were copied whole from a `str`, term by term.
        self.token.text.push_str(std::str::from_utf8(term).unwrap_or_default());
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
    use std::hash::BuildHasher;

    use tantivy::tokenizer::{
        AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter, TextAnalyzer,
    };

    use super::{Packed, WordCache};
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

    fn packed(terms: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        Packed::start(&mut out);
        for t in terms {
            Packed::push(&mut out, t);
        }
        out
    }

    fn unpacked(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut at = 2;
        (0..Packed::count(bytes))
            .map(|_| {
                let (term, next) = Packed::term_at(bytes, at);
                at = next;
                term.to_vec()
            })
            .collect()
    }

    #[test]
    fn word_characters_are_the_alphanumeric_ones() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(super::is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn packed_terms_come_back_in_order() {
        let long = vec![b'a'; 300];
        let bytes = packed(&[b"dziura", long.as_slice(), "żółw".as_bytes()]);
        assert_eq!(unpacked(&bytes), vec![b"dziura".to_vec(), long, "żółw".as_bytes().to_vec()]);
        assert_eq!(Packed::len_at(&bytes), bytes.len());
        // Beyond what tantivy indexes: left out, the rest kept.
        let huge = vec![b'a'; 70_000];
        assert_eq!(unpacked(&packed(&[huge.as_slice(), b"ulica"])), vec![b"ulica".to_vec()]);
        assert_eq!(Packed::count(&packed(&[])), 0);
    }

    #[test]
    fn the_cache_finds_each_word_and_starts_over_when_full() {
        let mut cache = WordCache::default();
        let hash = |w: &str| cache_hash(w);
        let words = ["dziury", "dziurami", "ulica", "a"];
        for (i, w) in words.iter().take(3).enumerate() {
            cache.insert(w, hash(w), &packed(&[w.as_bytes(), &[b'0' + i as u8]]), 3);
        }
        for (i, w) in words.iter().take(3).enumerate() {
            let found = cache.get(w, hash(w)).map(unpacked);
            assert_eq!(found, Some(vec![w.as_bytes().to_vec(), vec![b'0' + i as u8]]), "{w}");
        }
        assert_eq!(cache.get("dziur", hash("dziur")), None, "a prefix is another word");
        // The fourth word starts the cache over.
        cache.insert(words[3], hash(words[3]), &packed(&[]), 3);
        assert_eq!(cache.get(words[3], hash(words[3])).map(unpacked), Some(vec![]));
        assert_eq!(cache.get(words[0], hash(words[0])), None);
        // Longer than the packing holds: not cached, not misread.
        let long = "ż".repeat(200);
        cache.insert(&long, hash(&long), &packed(&[b"x"]), 3);
        assert_eq!(cache.get(&long, hash(&long)), None);
    }

    fn cache_hash(word: &str) -> u64 {
        WordCache::default().hasher.hash_one(word.as_bytes())
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
