//! Polish text → index terms.
//!
//! Four named analyzers, registered on an index's `TokenizerManager` by [`register`] and used the
//! same way at index and at query time:
//!
//! | name | chain | used for |
//! |---|---|---|
//! | [`PL`] | words → lowercase → stop words → Polish lemmas | Polish text, exact letters |
//! | [`PL_ASCII`] | words → lowercase → ASCII folding → stop words → Polish lemmas (folded dictionary) | Polish text, typed without Polish letters |
//! | [`PLAIN`] | words → lowercase | text in other languages (never Polish-stemmed) |
//! | [`EN`] | words → lowercase → Snowball English | questions in English |
//! | [`PLAIN_ASCII`] | words → lowercase → ASCII folding | the same, folded |
//!
//! Lemmatisation is the chain's last link ([`PolishLemmaFilter`]: SGJP dictionary lemmas, Snowball
//! stems for unknown words), so it can be replaced without changing anything else.
//!
//! ```
//! use lawka::analysis::{analyze, polish_analyzer};
//! let mut pl = polish_analyzer(false);
//! assert_eq!(analyze(&mut pl, "Dziury na ulicach"), vec!["dziura", "ulica"]);
//! ```

mod abbreviations;
pub mod cyrillic;
pub mod english;
mod fold;
mod gazetteer;
mod lang;
mod lemma_filter;
mod lemmatizer;
mod near;
mod polish_tokenizer;
mod stopwords;
pub mod thesaurus;
pub mod transliterate;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, TokenizerManager,
};

pub use abbreviations::{spelled_out, Abbreviations, LearnedAbbreviation};
pub use fold::fold_polish;
pub use gazetteer::Gazetteer;
pub use lang::detect_language;
pub use lemma_filter::{fixed_point, stem_word, PolishLemmaFilter};
pub use lemmatizer::{sgjp, DictionaryError, Lemmatizer, Rule};
pub use near::Near;
pub use polish_tokenizer::{word_spans, CachedWordTokenizer};
pub use stopwords::{folded_stop_words, is_stop_word, STOP_WORDS};

/// Polish analysis with Polish letters kept.
pub const PL: &str = "pl";
/// Polish analysis on ASCII-folded text (`żółw`, `zółw` and `zolw` give the same terms).
pub const PL_ASCII: &str = "pl_ascii";
/// Lowercase words only: for text that is not Polish.
pub const PLAIN: &str = "plain";
/// Lowercase, ASCII-folded words: for text that is not Polish.
pub const PLAIN_ASCII: &str = "plain_ascii";
/// English: lowercase words, Snowball English stems.
pub const EN: &str = "en";

/// Tokens longer than this (in bytes) are dropped: they are never words a person searches for,
/// and tantivy rejects terms above 65,530 bytes.
pub const MAX_TOKEN_BYTES: usize = 60;

/// The Polish chain; `fold` folds Polish letters to ASCII before stop words and stemming.
pub fn polish_analyzer(fold: bool) -> TextAnalyzer {
    polish_analyzer_with(fold, &Gazetteer::default())
}

/// The Polish chain with a corpus's gazetteer (see [`Gazetteer`]).
pub fn polish_analyzer_with(fold: bool, gazetteer: &Gazetteer) -> TextAnalyzer {
    // The stop list holds folded forms too, so both chains drop `się` and `sie` alike.
    let stop = StopWordFilter::remove(folded_stop_words());
    // The chain for one word; `CachedWordTokenizer` splits the text and remembers each word's terms.
    let base = TextAnalyzer::builder(RawTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    let word_chain = if fold {
        base.filter(AsciiFoldingFilter).filter(stop).filter(PolishLemmaFilter::with_gazetteer(true, gazetteer)).build()
    } else {
        base.filter(stop).filter(PolishLemmaFilter::with_gazetteer(false, gazetteer)).build()
    };
    TextAnalyzer::from(CachedWordTokenizer::new(word_chain, (fold, gazetteer.id())))
}

/// The language-neutral chain: lowercase words, optionally folded; no stop words, no stemming.
pub fn plain_analyzer(fold: bool) -> TextAnalyzer {
    let base = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    if fold {
        base.filter(AsciiFoldingFilter).build()
    } else {
        base.build()
    }
}

/// The English chain: lowercase, English stop words ([`english_stop_words`]), Snowball English
/// (for questions written in English). Every query is searched in this analysis too, so with the
/// stop words kept an English query's `where can I … my street` matched English questions on its
/// function words.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(english_stop_words())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// English words to stems without dropping any (a dictionary's headwords: `over` and `more` have
/// translations too).
pub fn english_stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(Stemmer::new(Language::English)).build()
}

/// NLTK's English stop words (the `stop-words` crate): Lucene's shorter list keeps `can`, `my`,
/// `where` and `about`, which name no need.
pub fn english_stop_words() -> StopWordFilter {
    // Built once: every translated query asks for it, and the filter shares its set when cloned.
    static STOP: std::sync::LazyLock<StopWordFilter> =
        std::sync::LazyLock::new(|| StopWordFilter::remove(stop_words::get("en").iter().map(|w| w.to_string())));
    STOP.clone()
}

/// Registers the analyzers under their names, the Polish ones with the index's gazetteer.
pub fn register(manager: &TokenizerManager, gazetteer: &Gazetteer) {
    manager.register(EN, english_analyzer());
    manager.register(PL, polish_analyzer_with(false, gazetteer));
    manager.register(PL_ASCII, polish_analyzer_with(true, gazetteer));
    manager.register(PLAIN, plain_analyzer(false));
    manager.register(PLAIN_ASCII, plain_analyzer(true));
}

/// The terms `analyzer` makes of `text`, in order.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The terms `analyzer` makes of each word of `text` (a word's terms share its position), in
/// order; words without terms (stop words) are left out.
pub fn analyze_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut last = usize::MAX;
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let token = stream.token();
        if token.position != last || out.is_empty() {
            out.push(Vec::new());
            last = token.position;
        }
        if let Some(word) = out.last_mut() {
            word.push(token.text.clone());
        }
    }
    out
}

/// Optional language data (a dictionary, a word table) at `$env` or `default`, opened once per
/// process by its caller; `None`, logged once with `absent` (what goes without it), where it is
/// missing, unreadable or empty: Ławka serves without it.
fn load_optional<T>(
    env: &str,
    default: &str,
    open: impl FnOnce(&std::path::Path) -> std::io::Result<T>,
    is_empty: impl FnOnce(&T) -> bool,
    absent: &str,
) -> Option<T> {
    let path = std::env::var_os(env).map_or_else(|| std::path::PathBuf::from(default), std::path::PathBuf::from);
    match open(&path) {
        Ok(data) if !is_empty(&data) => Some(data),
        Ok(_) => None,
        Err(e) => {
            tracing::info!(path = %path.display(), reason = %e, "{absent}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(fold: bool, text: &str) -> Vec<String> {
        analyze(&mut polish_analyzer(fold), text)
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        for (a, b) in [
            ("dziurami", "dziury"),
            ("ulicach", "ulica"),
            ("chodnikami", "chodniki"),
            ("mieszkańców", "mieszkańcy"),
            ("przystankach", "przystanki"),
            ("tramwajów", "tramwaje"),
        ] {
            assert_eq!(terms(false, a), terms(false, b), "{a} ~ {b}");
        }
    }

    #[test]
    fn folded_chain_ignores_polish_letters() {
        assert_eq!(terms(true, "żółw"), terms(true, "zolw"));
        assert_eq!(terms(true, "zółw"), terms(true, "zolw"));
        assert_eq!(terms(true, "łąka"), terms(true, "laka"));
        assert_eq!(terms(true, "Podgórze Duchackie"), terms(true, "podgorze duchackie"));
        assert_ne!(terms(false, "żółw"), terms(false, "zolw"), "the plain field keeps letters apart");
    }

    #[test]
    fn stop_words_go_but_civic_words_stay() {
        assert_eq!(terms(false, "Czy to się da zrobić?"), terms(false, "da zrobić"));
        assert_eq!(terms(true, "czy to sie da zrobic"), terms(true, "da zrobić"));
        assert_eq!(
            terms(false, "ul. Balicka nr 5, 100 zł"),
            vec!["ul", "ula", "ulica", "balicka", "nr", "numer", "5", "100", "złoty"]
        );
    }

    /// English questions and the English reading of every query drop English function words; a
    /// dictionary's headwords keep them (`over` has translations).
    #[test]
    fn english_function_words_go_but_a_dictionary_keeps_them() {
        assert_eq!(analyze(&mut english_analyzer(), "Where can I buy my tickets?"), ["buy", "ticket"]);
        assert_eq!(analyze(&mut english_stemmer(), "can over tickets"), ["can", "over", "ticket"]);
    }

    #[test]
    fn positions_and_offsets_survive_the_chain() {
        let mut a = polish_analyzer(false);
        let mut s = a.token_stream("Nowe przystanki na Kurdwanowie");
        let mut seen = Vec::new();
        while s.advance() {
            let t = s.token();
            seen.push((t.position, t.offset_from, t.offset_to));
        }
        // Several lemmas of one word share its position and offsets.
        seen.dedup();
        // "na" is a stop word: the next token keeps its own position, so phrases stay honest.
        assert_eq!(seen, vec![(0, 0, 4), (1, 5, 15), (3, 19, 30)]);
    }

    #[test]
    fn plain_chain_does_not_stem() {
        assert_eq!(analyze(&mut plain_analyzer(false), "Students Ticket"), vec!["students", "ticket"]);
        assert_eq!(analyze(&mut plain_analyzer(true), "Łódź"), vec!["lodz"]);
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(terms(false, &format!("{long} tramwaj")), terms(false, "tramwaj"));
    }

    fn shares_a_term(fold: bool, a: &str, b: &str) -> bool {
        let (x, y) = (terms(fold, a), terms(fold, b));
        x.iter().any(|t| y.contains(t))
    }

    fn tsv(text: &str) -> Vec<Vec<&str>> {
        text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split('\t').collect()).collect()
    }

    /// The 258 forms of `shared/notes/polish-analysis.md` (nouns, Kraków places, verbs, adjectives,
    /// rare and new words): each must share a term with its lemma.
    #[test]
    fn municipal_forms_reach_their_lemma() {
        let rows = tsv(include_str!("testdata/forms.tsv"));
        assert_eq!(rows.len(), 258);
        let misses: Vec<String> =
            rows.iter().filter(|r| !shares_a_term(false, r[0], r[1])).map(|r| format!("{}→{}", r[0], r[1])).collect();
        let rate = 1.0 - misses.len() as f64 / rows.len() as f64;
        assert!(rate >= 0.98, "{:.1} % reach their lemma; misses: {misses:?}", rate * 100.0);
        // Typed without Polish letters, through the folded chain.
        let folded_misses = rows
            .iter()
            .filter(|r| !shares_a_term(true, &fold_polish(r[0]), r[1]))
            .map(|r| format!("{}→{}", r[0], r[1]))
            .collect::<Vec<_>>();
        let rate = 1.0 - folded_misses.len() as f64 / rows.len() as f64;
        assert!(rate >= 0.98, "{:.1} % without diacritics; misses: {folded_misses:?}", rate * 100.0);
    }

    /// The 28 must-not-merge pairs: the dictionary's known homographs (`list`/`lista`,
    /// `Kliny`/`klin`, the gerund `mienie`/`mieć`, `drogami`/`drogie`) are the only ones allowed.
    #[test]
    fn distinct_words_stay_apart() {
        let rows = tsv(include_str!("testdata/must_not_merge.tsv"));
        assert_eq!(rows.len(), 28);
        let merged: Vec<String> =
            rows.iter().filter(|r| shares_a_term(false, r[0], r[1])).map(|r| format!("{}~{}", r[0], r[1])).collect();
        let known = ["mieć~mienie", "drogami~drogie", "list~lista", "Kliny~klin"];
        let unexpected: Vec<&String> = merged.iter().filter(|m| !known.contains(&m.as_str())).collect();
        assert!(unexpected.is_empty(), "unexpected merges: {unexpected:?} (all: {merged:?})");
        for must in ["park\tparka", "pies\tpiesi", "linia\tlina", "park\tparking", "szkoła\tszkolenie"] {
            let (a, b) = must.split_once('\t').unwrap();
            assert!(!shares_a_term(false, a, b), "{a} ~ {b}");
        }
    }

    /// Folding merges exactly what it must (the price of the folded field) and no more.
    #[test]
    fn folding_merges_the_listed_pairs_only_on_the_folded_field() {
        for r in tsv(include_str!("testdata/fold_merges.tsv")) {
            assert!(shares_a_term(true, r[0], r[1]), "{} ~ {} on the folded field", r[0], r[1]);
            assert!(!shares_a_term(false, r[0], r[1]), "{} ≁ {} on the exact field", r[0], r[1]);
        }
        assert_eq!(terms(true, "łąka"), terms(true, "laka"));
        assert!(terms(true, "łąka").contains(&"laka".to_string()));
    }

    proptest::proptest! {
        #[test]
        fn analysis_never_panics_and_terms_stay_short(text in "(?s).{0,300}") {
            for fold in [false, true] {
                for t in terms(fold, &text) {
                    proptest::prop_assert!(!t.is_empty());
                    proptest::prop_assert!(t.len() <= 4 * MAX_TOKEN_BYTES);
                }
            }
        }
    }
}
