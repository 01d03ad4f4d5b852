//! Residents' words to the ones the corpus uses, from a Polish thesaurus: OpenThesaurus-pl
//! (Debian `mythes-pl`, LGPL-2.1), read where the package installs it and never copied into the
//! repository. Its entries are a headword and its senses, each sense a list of words and short
//! phrases marked as synonyms, broader or narrower terms, with register marks (`pot.`, `wulg.`,
//! `przestarz.`).
//!
//! The thesaurus knows no city and many senses: `latarnia` is also a head, `dziura` a vulgar word.
//! So [`attested`] keeps only what a corpus vouches for, and the index build keeps that with each
//! generation ([`FILE`]): the words no question uses, each with the words of the corpus the
//! thesaurus gives for it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where `mythes-pl` installs its data.
pub const DEFAULT_PATH: &str = "/usr/share/mythes/th_pl_PL_v2.dat";
/// Environment variable naming another MyThes `.dat` file.
pub const ENV_PATH: &str = "LAWKA_THESAURUS";

/// The thesaurus file to read: `$LAWKA_THESAURUS`, or where `mythes-pl` installs it.
pub fn path() -> PathBuf {
    std::env::var_os(ENV_PATH).map_or_else(|| PathBuf::from(DEFAULT_PATH), PathBuf::from)
}

/// How a word of a sense relates to the headword.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Means the same.
    Synonym,
    /// A broader term ("pojęcie nadrzędne": `odpady` for `śmieci`).
    Broader,
    /// A narrower term ("pojęcie podrzędne": `śmieci` for `odpady`).
    Narrower,
}

/// One word or phrase of a sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// As written, without its marks.
    pub text: String,
    /// How it relates to the headword.
    pub relation: Relation,
    /// Marked colloquial (`pot.`).
    pub colloquial: bool,
}

/// A headword and its senses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// As written.
    pub word: String,
    /// Each sense's words, those of a register no resident searches in or no answer is written in
    /// left out (see [`DROPPED_MARKS`]).
    pub senses: Vec<Vec<Related>>,
}

/// Marks whose words are left out: vulgar, offensive and euphemistic words, antonyms (listed in
/// senses but the opposite of an alternative), and archaic, bookish, poetic, jocular and
/// specialist words, which neither residents nor the city's answers use. Colloquial (`pot.`),
/// official (`oficj.`) and overused (`nadużyw.`) words stay: they are how residents and
/// departments write.
pub const DROPPED_MARKS: [&str; 9] =
    ["wulg.", "obraźl.", "euf.", "antonim", "przestarz.", "książk.", "poet.", "żart.", "specjalist."];
/// The marks that say how a word relates, or its register; any other bracket is part of the text.
const RELATION_MARKS: [&str; 5] = ["pojęcie nadrzędne", "pojęcie podrzędne", "pot.", "oficj.", "nadużyw."];

/// Alternatives kept per word: the corpus's commonest first.
pub const MAX_ALTERNATIVES: usize = 5;
/// A word in more than this share of the questions says little of what a question is about (the
/// share past which a query word stops selecting questions, `search::rank::COMMON_WORD_SHARE`;
/// the analysis cannot depend on the search).
pub const MAX_DOC_SHARE: f64 = 0.3;
/// A broader term the thesaurus gives more headwords than this names a class (`osoba`, `sprzęt`,
/// `miejsce`), not the thing a resident meant: it is no alternative.
pub const MAX_BROADER_OF: usize = 50;

/// A word of a thesaurus and the words a corpus uses for it: what an index keeps of the thesaurus
/// ([`FILE`]), and the search reads as the word's alternatives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alternatives {
    /// The headword, as the thesaurus writes it (a lemma: a query word is looked up by its lemmas).
    pub word: String,
    /// Its folded lemma, which a query word typed without Polish letters is looked up by; `None`
    /// where a word of the corpus folds alike (`żebrać` and `zebranie` meet as `zebrac`: typed
    /// plain, that is the corpus's word).
    pub folded: Option<String>,
    /// The words to search as well, as the thesaurus writes them, commonest first.
    pub alternatives: Vec<String>,
}

/// What [`attested`] asks of a corpus: its analysis and its statistics.
pub trait CorpusTerms {
    /// The terms of each word of `text` (stop words have none and are left out): the Polish
    /// analysis, or the folded one.
    fn terms(&mut self, text: &str, folded: bool) -> Vec<Vec<String>>;
    /// How many questions hold `term` of that analysis.
    fn doc_freq(&self, term: &str, folded: bool) -> u64;
    /// How many questions there are.
    fn docs(&self) -> u64;
}

/// The entries a corpus attests, as alternatives of their headwords.
///
/// A headword is kept where no question uses it in any of its readings: a resident's word
/// (`menel`, `ślizgawka`, `gliniarz`) that the departments' wording never meets. Its alternatives
/// are its synonyms that the corpus uses, and where it uses none, its broader terms (`menel` →
/// `uzależniony`) that name no class ([`MAX_BROADER_OF`]). Never narrower terms (the resident's
/// word is what was meant, not something more specific), nor colloquial ones (the corpus is the
/// answers' register). An alternative is one word the corpus uses as itself (a lemma of it, which
/// the search then asks as itself only: `chcący`, not every question with `chcieć`), in no more
/// than [`MAX_DOC_SHARE`] of the questions. At most [`MAX_ALTERNATIVES`], the commonest first.
///
/// A word the corpus uses is not widened: its own questions fill the page, and an alternative's
/// matches would be counted among them (measured in docs/RELEVANCE.md: widening rare words too,
/// or every word towards commoner ones, lost on the holdouts).
pub fn attested(entries: &[Entry], corpus: &mut impl CorpusTerms) -> Vec<Alternatives> {
    let max_df = (corpus.docs() as f64 * MAX_DOC_SHARE) as u64;
    let broader_of = broader_counts(entries);
    // Per headword (an entry may repeat one): its alternatives, each with its number of
    // questions, place in the entry, text and relation.
    let mut by_word: BTreeMap<String, Vec<(u64, usize, String, Relation)>> = BTreeMap::new();
    let mut folded: HashMap<String, Option<String>> = HashMap::new();
    for entry in entries {
        let word = entry.word.to_lowercase();
        if !unused_headword(&word, corpus) {
            continue;
        }
        folded.entry(word.clone()).or_insert_with(|| unused_folded(&word, corpus));
        let found = by_word.entry(word.clone()).or_default();
        for (order, related) in entry.senses.iter().flatten().enumerate() {
            let class = related.relation == Relation::Broader
                && broader_of.get(&related.text.to_lowercase()).is_some_and(|n| *n > MAX_BROADER_OF);
            if related.relation == Relation::Narrower || related.colloquial || class {
                continue;
            }
            let text = related.text.to_lowercase();
            if text == word {
                continue;
            }
            if let Some(questions) = used_as_itself(&text, corpus).filter(|q| *q <= max_df) {
                found.push((questions, order, related.text.clone(), related.relation));
            }
        }
    }
    by_word
        .into_iter()
        .filter_map(|(word, found)| {
            let alternatives = ranked(found);
            let folded = folded.remove(&word).flatten();
            (!alternatives.is_empty()).then_some(Alternatives { word, folded, alternatives })
        })
        .collect()
}

/// How many headwords give each broader term (lowercased).
fn broader_counts(entries: &[Entry]) -> HashMap<String, usize> {
    let mut heads: HashMap<String, BTreeSet<String>> = HashMap::new();
    for entry in entries {
        for related in entry.senses.iter().flatten().filter(|r| r.relation == Relation::Broader) {
            heads.entry(related.text.to_lowercase()).or_default().insert(entry.word.to_lowercase());
        }
    }
    heads.into_iter().map(|(term, heads)| (term, heads.len())).collect()
}

/// Whether `word` is one word of three letters or more, a lemma of itself, and in no question in
/// any of its readings.
fn unused_headword(word: &str, corpus: &mut impl CorpusTerms) -> bool {
    if word.contains(' ') || word.chars().count() < 3 {
        return false;
    }
    let terms = corpus.terms(word, false);
    let [readings] = terms.as_slice() else { return false };
    readings.iter().any(|t| t == word) && readings.iter().all(|t| corpus.doc_freq(t, false) == 0)
}

/// The folded lemma of `word` a plain-letter query is looked up by, where no question uses any of
/// its folded readings.
fn unused_folded(word: &str, corpus: &mut impl CorpusTerms) -> Option<String> {
    let folded = super::fold_polish(word);
    let terms = corpus.terms(word, true);
    let [readings] = terms.as_slice() else { return None };
    (readings.contains(&folded) && readings.iter().all(|t| corpus.doc_freq(t, true) == 0)).then_some(folded)
}

/// How many questions use `text` as itself, where it is one word and a lemma of itself; `None`
/// otherwise. Only the word itself is searched (`chcący`, not also `chcieć`): its other readings
/// do not count.
fn used_as_itself(text: &str, corpus: &mut impl CorpusTerms) -> Option<u64> {
    if text.contains(' ') {
        return None;
    }
    let terms = corpus.terms(text, false);
    let [readings] = terms.as_slice() else { return None };
    readings.iter().any(|t| t == text).then(|| corpus.doc_freq(text, false)).filter(|n| *n > 0)
}

/// The alternatives of one headword, best first: synonyms where the corpus has any, else broader
/// terms; the commonest first, then in the thesaurus's order; each once, at most
/// [`MAX_ALTERNATIVES`].
fn ranked(mut found: Vec<(u64, usize, String, Relation)>) -> Vec<String> {
    // Broader terms only where no synonym is in the corpus: `gliniarz` is `policjant`, not also
    // every `funkcjonariusz`.
    if found.iter().any(|f| f.3 == Relation::Synonym) {
        found.retain(|f| f.3 == Relation::Synonym);
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen = HashSet::new();
    found.into_iter().map(|f| f.2).filter(|t| seen.insert(t.to_lowercase())).take(MAX_ALTERNATIVES).collect()
}

/// The file of a generation that keeps the words [`attested`] found: [`TSV_HEADER`], then one
/// word per line: the word, its folded lemma (empty for none) and its alternatives (separated by
/// `|`), separated by tabs.
pub const FILE: &str = "thesaurus.tsv";
/// The first line of [`FILE`]: a file without it was written by another version, whose columns
/// meant other things, and is not read.
pub const TSV_HEADER: &str = "# lawka thesaurus 2: word, folded lemma, alternatives";

/// Writes `words` in the form of [`FILE`].
pub fn write_tsv(words: &[Alternatives], path: &Path) -> std::io::Result<()> {
    let mut out = format!("{TSV_HEADER}\n");
    for w in words {
        let folded = w.folded.as_deref().unwrap_or_default();
        out.push_str(&format!("{}\t{folded}\t{}\n", w.word, w.alternatives.join("|")));
    }
    std::fs::write(path, out)
}

/// Reads a file [`write_tsv`] wrote; a generation built before it, without one, has no words.
pub fn read_tsv(path: &Path) -> std::io::Result<Vec<Alternatives>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut lines = text.lines().enumerate();
    if lines.next().is_none_or(|(_, first)| first != TSV_HEADER) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: written by another version of Ławka (no {TSV_HEADER:?})", path.display()),
        ));
    }
    lines
        .map(|(i, line)| {
            let mut fields = line.split('\t');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(word), Some(folded), Some(alternatives), None) if !word.is_empty() => Ok(Alternatives {
                    word: word.to_string(),
                    folded: (!folded.is_empty()).then(|| folded.to_string()),
                    alternatives: alternatives.split('|').filter(|a| !a.is_empty()).map(str::to_string).collect(),
                }),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}:{}: expected word, folded lemma and alternatives", path.display(), i + 1),
                )),
            }
        })
        .collect()
}

/// Reads a MyThes `.dat` file (its first line names its encoding: ISO8859-2 for `mythes-pl`).
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    parse(&std::fs::read(path)?).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Parses a MyThes `.dat` file's bytes: the encoding's name, then per entry `word|senses` and
/// that many lines `-|a|b (mark)|c (mark) (mark)`.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let label = String::from_utf8_lossy(first).trim().to_string();
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
        .or_else(|| encoding_rs::Encoding::for_label(label.replace("ISO8859", "ISO-8859").as_bytes()))
        .ok_or_else(|| format!("unknown encoding {label:?} on the first line"))?;
    let (text, _, malformed) = encoding.decode(bytes);
    if malformed {
        return Err(format!("not valid {}", encoding.name()));
    }
    let mut lines = text.lines().skip(1).enumerate().map(|(i, l)| (i + 2, l));
    let mut entries = Vec::new();
    while let Some((n, line)) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        let (word, count) = line.rsplit_once('|').ok_or_else(|| format!("line {n}: expected `word|senses`"))?;
        let count: usize = count.trim().parse().map_err(|_| format!("line {n}: {count:?} is no number of senses"))?;
        // Not sized by the count: a broken file's count is no allocation to attempt.
        let mut senses = Vec::new();
        for _ in 0..count {
            let (n, sense) = lines.next().ok_or_else(|| format!("line {n}: the file ends inside {word:?}"))?;
            let mut parts = sense.split('|');
            if parts.next().is_none_or(|p| p.trim() != "-") {
                return Err(format!("line {n}: a sense starts with `-|`"));
            }
            senses.push(parts.filter_map(related).collect());
        }
        entries.push(Entry { word: word.trim().to_string(), senses });
    }
    Ok(entries)
}

/// One `|`-separated item of a sense: its text and relation, or `None` where a mark drops it.
fn related(item: &str) -> Option<Related> {
    let mut relation = Relation::Synonym;
    let mut colloquial = false;
    let mut text = String::new();
    let mut rest = item;
    while let Some(open) = rest.find('(') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find(')').map_or(rest.len(), |c| open + c);
        let mark = rest[open + 1..close].trim();
        match mark {
            "pojęcie nadrzędne" => relation = Relation::Broader,
            "pojęcie podrzędne" => relation = Relation::Narrower,
            "pot." => colloquial = true,
            m if DROPPED_MARKS.contains(&m) => return None,
            m if RELATION_MARKS.contains(&m) => {}
            // Not a mark: part of the phrase (`wbijać (do głowy)`).
            _ => text.push_str(rest.get(open..=close).unwrap_or_default()),
        }
        rest = rest.get(close + 1..).unwrap_or_default();
    }
    text.push_str(rest);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(Related { text, relation, colloquial })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two entries of `mythes-pl` 1.5, as the package writes them (ISO-8859-2).
    fn sample() -> Vec<u8> {
        let text =
            "ISO8859-2\nśmieci|1\n-|odpadki|resztki|nieczystości (pojęcie nadrzędne)|odpady (pojęcie nadrzędne)\n\
                    menel|2\n-|alkoholik|moczymorda (wulg.)|pijak|nałogowiec (pojęcie nadrzędne)\n\
                    -|chuligan|luj (pot.)|andrus (przestarz.) (pojęcie nadrzędne)|trzeźwy (antonim)|wbijać (do głowy)\n";
        let (bytes, _, unmappable) = encoding_rs::ISO_8859_2.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn reads_senses_relations_and_drops_registers() {
        let entries = parse(&sample()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].word, "śmieci", "decoded from ISO-8859-2");
        let odpady = &entries[0].senses[0][3];
        assert_eq!((odpady.text.as_str(), odpady.relation), ("odpady", Relation::Broader));
        assert_eq!(entries[0].senses[0][0].relation, Relation::Synonym);
        let menel: Vec<Vec<&str>> =
            entries[1].senses.iter().map(|s| s.iter().map(|r| r.text.as_str()).collect()).collect();
        assert_eq!(
            menel,
            [vec!["alkoholik", "pijak", "nałogowiec"], vec!["chuligan", "luj", "wbijać (do głowy)"]],
            "vulgar, archaic and antonym words left out, colloquial kept, a bracket that is no mark kept"
        );
    }

    /// A corpus: each word its own one term unless `readings` gives its readings; how many
    /// questions hold each term of the Polish analysis (`questions`) and of the folded one
    /// (`folded_questions`).
    #[derive(Default)]
    struct Fake {
        questions: Vec<(&'static str, u64)>,
        folded_questions: Vec<(&'static str, u64)>,
        readings: Vec<(&'static str, Vec<&'static str>)>,
    }

    impl CorpusTerms for Fake {
        fn terms(&mut self, text: &str, folded: bool) -> Vec<Vec<String>> {
            text.split_whitespace()
                .filter(|w| !["i", "na"].contains(w))
                .map(|w| {
                    let w = if folded { crate::analysis::fold_polish(w) } else { w.to_string() };
                    match self.readings.iter().find(|(word, _)| *word == w) {
                        Some((_, r)) => r.iter().map(|s| s.to_string()).collect(),
                        None => vec![w],
                    }
                })
                .collect()
        }
        fn doc_freq(&self, term: &str, folded: bool) -> u64 {
            let table = if folded { &self.folded_questions } else { &self.questions };
            table.iter().find(|(w, _)| *w == term).map_or(0, |(_, n)| *n)
        }
        fn docs(&self) -> u64 {
            100
        }
    }

    /// The attested entries of `text` (UTF-8, one `word|n` line per entry) over `corpus`.
    fn attest(text: &str, corpus: &mut Fake) -> Vec<Alternatives> {
        let (bytes, _, _) = encoding_rs::ISO_8859_2.encode(text);
        let entries = parse(&[b"ISO8859-2\n".as_slice(), &bytes].concat()).unwrap();
        attested(&entries, corpus)
    }

    fn words(got: &[Alternatives]) -> Vec<(&str, Vec<&str>)> {
        got.iter().map(|a| (a.word.as_str(), a.alternatives.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn a_word_no_question_uses_reaches_the_corpus_s_words() {
        let mut corpus = Fake {
            questions: vec![
                ("policjant", 3),
                ("funkcjonariusz", 5),
                ("glina", 9),
                ("dzielnicowy", 2),
                ("pijak", 1),
                ("uzależniony", 2),
                ("nałogowiec", 1),
                ("człowiek", 40),
                ("alkoholik", 1),
            ],
            ..Fake::default()
        };
        let got = attest(
            "gliniarz|1\n-|policjant|funkcjonariusz policji (oficj.)|glina (pot.)|dzielnicowy (pojęcie podrzędne)|funkcjonariusz (pojęcie nadrzędne)\n\
             menel|1\n-|pijak|uzależniony (pojęcie nadrzędne)\n\
             pijak|1\n-|alkoholik\n\
             żul|1\n-|lump|nałogowiec (pojęcie nadrzędne)|uzależniony (pojęcie nadrzędne)|człowiek (pojęcie nadrzędne)\n",
            &mut corpus,
        );
        assert_eq!(
            words(&got),
            [("gliniarz", vec!["policjant"]), ("menel", vec!["pijak"]), ("żul", vec!["uzależniony", "nałogowiec"])],
            "synonyms the corpus has (commonest first), not colloquial or narrower ones, not phrases, \
             nor broader ones beside them; broader ones where no synonym is, but none in over 30 % of \
             the questions; `pijak`, which a question uses, is not widened"
        );
        assert_eq!(got[2].folded.as_deref(), Some("zul"), "typed plain, `zul` is looked up too");
    }

    #[test]
    fn no_reading_the_corpus_uses_is_widened_or_searched() {
        let mut corpus = Fake {
            questions: vec![("spóźnić", 4), ("opóźniony", 2), ("chcieć", 30), ("zebranie", 8), ("prosić", 3)],
            // The folded analysis reads the corpus's `zebranie` as a form of `żebrać` too.
            folded_questions: vec![("zebranie", 8), ("zebrac", 8)],
            readings: vec![("spóźniony", vec!["spóźniony", "spóźnić"]), ("chcący", vec!["chcący", "chcieć"])],
        };
        let got = attest(
            "spóźniony|1\n-|opóźniony\n\
             celowo|1\n-|chcący|umyślnie\n\
             żebrać|1\n-|prosić\n",
            &mut corpus,
        );
        assert_eq!(
            words(&got),
            [("żebrać", vec!["prosić"])],
            "`spóźniony` is read as `spóźnić` too, which questions use; no question has `chcący` itself \
             (only `chcieć`), nor `umyślnie`"
        );
        assert_eq!(got[0].folded, None, "typed plain, `zebrac` is the corpus's `zebranie`");
    }

    #[test]
    fn at_most_five_alternatives_and_no_class_names() {
        let mut corpus = Fake {
            questions: vec![("a1", 1), ("a2", 2), ("a3", 3), ("a4", 4), ("a5", 5), ("a6", 6), ("osoba", 9)],
            ..Fake::default()
        };
        let got = attest("kibel|1\n-|a1|a2|a3|a4|a5|a6\n", &mut corpus);
        assert_eq!(got[0].alternatives, ["a6", "a5", "a4", "a3", "a2"]);
        let classes: String = (0..51).map(|i| format!("h{i:02}x|1\n-|osoba (pojęcie nadrzędne)\n")).collect();
        assert!(attest(&classes, &mut corpus).is_empty(), "a broader term of 51 headwords names a class");
        let classes: String = (0..50).map(|i| format!("h{i:02}x|1\n-|osoba (pojęcie nadrzędne)\n")).collect();
        assert_eq!(attest(&classes, &mut corpus).len(), 50);
        assert!(attest("kibel|1\n-|ustęp\n", &mut corpus).is_empty(), "no question has `ustęp`");
    }

    #[test]
    fn what_an_index_keeps_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        assert!(read_tsv(&path).unwrap().is_empty(), "a generation built before has none");
        let words = vec![
            Alternatives {
                word: "ślizgawka".into(),
                folded: Some("slizgawka".into()),
                alternatives: vec!["lodowisko".into()],
            },
            Alternatives {
                word: "żebrać".into(), folded: None, alternatives: vec!["prosić".into(), "błagać".into()]
            },
        ];
        write_tsv(&words, &path).unwrap();
        assert_eq!(read_tsv(&path).unwrap(), words);
        std::fs::write(&path, format!("{TSV_HEADER}\ngliniarz\tgliniarz\n")).unwrap();
        assert!(read_tsv(&path).unwrap_err().to_string().contains(":2:"));
        std::fs::write(&path, "gole\tgol gola\tbramka\n").unwrap();
        assert!(read_tsv(&path).unwrap_err().to_string().contains("another version"), "the first version's file");
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        assert!(parse(b"ISO8859-2\nmenel|2\n-|pijak\n").unwrap_err().contains("ends inside"));
        assert!(parse(b"ISO8859-2\nmenel|x\n").unwrap_err().contains("no number"));
        assert!(parse(b"KOI-99\nmenel|1\n-|pijak\n").unwrap_err().contains("encoding"));
        assert!(parse(b"ISO8859-2\nmenel|1\npijak\n").unwrap_err().contains("starts with"));
        assert!(parse(b"ISO8859-2\nmenel|100000000000\n-|pijak\n").unwrap_err().contains("ends inside"));
        assert!(parse(b"ISO8859-2\nmenel|99999999999999999999\n").unwrap_err().contains("no number"));
    }
}
