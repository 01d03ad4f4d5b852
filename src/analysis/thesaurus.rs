//! Residents' words to the ones the corpus uses, from a Polish thesaurus: OpenThesaurus-pl
//! (Debian `mythes-pl`, LGPL-2.1), read where the package installs it and never copied into the
//! repository. Its entries are a headword and its senses, each sense a list of words and short
//! phrases marked as synonyms, broader or narrower terms, with register marks (`pot.`, `wulg.`,
//! `przestarz.`). This module only reads the file; which entries a corpus attests, and so are
//! built into an index, is decided by the index build (`index::thesaurus`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Where `mythes-pl` installs its data.
pub const DEFAULT_PATH: &str = "/usr/share/mythes/th_pl_PL_v2.dat";
/// Environment variable naming another MyThes `.dat` file.
pub const ENV_PATH: &str = "LAWKA_THESAURUS";

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

/// Alternatives kept per word: the corpus's commonest first.
pub const MAX_ALTERNATIVES: usize = 5;
/// A word or phrase in more than this share of the questions says little of what a question is
/// about (the share past which a query word stops selecting questions, `rank::COMMON_WORD_SHARE`).
pub const MAX_DOC_SHARE: f64 = 0.3;
/// A broader term the thesaurus gives more headwords than this names a class (`osoba`, `sprzęt`,
/// `miejsce`), not the thing a resident meant: it is no alternative.
pub const MAX_BROADER_OF: usize = 50;
/// Words of a phrase kept as an alternative at most (`zator drogowy`, `korek uliczny`).
pub const MAX_PHRASE_WORDS: usize = 3;

/// A word of a thesaurus and the words a corpus uses for it: what an index keeps of the thesaurus
/// ([`FILE`]), and the search reads as the word's alternatives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Alternatives {
    /// The headword, as the thesaurus writes it.
    pub word: String,
    /// Its lemmas, as the Polish analysis makes them: what a query word is looked up by.
    pub lemmas: Vec<String>,
    /// The words and phrases to search as well, as the thesaurus writes them, commonest first.
    pub alternatives: Vec<String>,
}

/// The entries a corpus attests, as alternatives of their headwords (pure).
///
/// `terms` is the Polish analysis (each word's terms, stop words none), `doc_freq` a term's number
/// of questions, `docs` the questions in all. A headword is kept where no question uses it: a
/// resident's word (`menel`, `gliniarz`) that the departments' wording never meets. Its synonyms
/// are its alternatives where the corpus uses them (each of their words in some question) and
/// they are not in more than [`MAX_DOC_SHARE`] of the questions; where no synonym is, its broader
/// terms so attested (`menel` → `uzależniony`), unless they name a class ([`MAX_BROADER_OF`]).
/// Never narrower terms (the resident's word is what
/// was meant, not something more specific) nor colloquial ones (the corpus is the answers'
/// register). At most [`MAX_ALTERNATIVES`], the commonest first.
///
/// A word the corpus uses is not widened: its own questions fill the page, and an alternative's
/// matches would be counted among them (measured in docs/RELEVANCE.md: widening rare words too,
/// or every word towards commoner ones, lost on the holdouts).
pub fn attested(
    entries: &[Entry],
    mut terms: impl FnMut(&str) -> Vec<Vec<String>>,
    doc_freq: impl Fn(&str) -> u64,
    docs: u64,
) -> Vec<Alternatives> {
    let max_df = (docs as f64 * MAX_DOC_SHARE) as u64;
    let mut broader_of: HashMap<String, usize> = HashMap::new();
    for related in entries.iter().flat_map(|e| e.senses.iter().flatten()) {
        if related.relation == Relation::Broader {
            *broader_of.entry(related.text.to_lowercase()).or_default() += 1;
        }
    }
    // A word's questions: those of its commonest term (an upper bound where its forms are
    // ambiguous); a phrase's, at most those of its rarest word.
    let frequency = |words: &[Vec<String>]| -> Option<u64> {
        (!words.is_empty())
            .then(|| words.iter().map(|w| w.iter().map(|t| doc_freq(t)).max().unwrap_or(0)).min().unwrap_or(0))
    };
    /// An attested alternative: its number of questions, place in the entry, text, relation.
    struct Found {
        questions: u64,
        order: usize,
        text: String,
        synonym: bool,
    }
    // Per headword (an entry may repeat one): its lemmas and its attested alternatives.
    let mut by_word: BTreeMap<String, (Vec<String>, Vec<Found>)> = BTreeMap::new();
    for entry in entries {
        let word = entry.word.to_lowercase();
        if word.contains(' ') || word.chars().count() < 3 {
            continue;
        }
        let head_terms = terms(&word);
        let [lemmas] = head_terms.as_slice() else { continue };
        // The headword is a lemma: where the analysis also reads it as another word's form, it is
        // looked up as itself.
        let lemmas = if lemmas.contains(&word) { vec![word.clone()] } else { lemmas.clone() };
        if lemmas.iter().any(|t| doc_freq(t) > 0) {
            continue;
        }
        let slot = by_word.entry(word.clone()).or_insert_with(|| (lemmas, Vec::new()));
        for (order, related) in entry.senses.iter().flatten().enumerate() {
            if related.relation == Relation::Narrower || related.colloquial {
                continue;
            }
            let text = related.text.to_lowercase();
            if text == word || text.split_whitespace().count() > MAX_PHRASE_WORDS {
                continue;
            }
            if related.relation == Relation::Broader && broader_of.get(&text).is_some_and(|n| *n > MAX_BROADER_OF) {
                continue;
            }
            match frequency(&terms(&text)) {
                Some(questions) if questions > 0 && questions <= max_df => slot.1.push(Found {
                    questions,
                    order,
                    text: related.text.clone(),
                    synonym: related.relation == Relation::Synonym,
                }),
                _ => {}
            }
        }
    }
    by_word
        .into_iter()
        .filter_map(|(word, (lemmas, mut found))| {
            // Broader terms only where no synonym is in the corpus: `gliniarz` is `policjant`, not
            // also every `funkcjonariusz`.
            if found.iter().any(|f| f.synonym) {
                found.retain(|f| f.synonym);
            }
            found.sort_by(|a, b| b.questions.cmp(&a.questions).then(a.order.cmp(&b.order)));
            let mut seen = HashSet::new();
            let alternatives: Vec<String> = found
                .into_iter()
                .map(|f| f.text)
                .filter(|t| seen.insert(t.to_lowercase()))
                .take(MAX_ALTERNATIVES)
                .collect();
            (!alternatives.is_empty()).then_some(Alternatives { word, lemmas, alternatives })
        })
        .collect()
}

/// The file of a generation that keeps the words [`attested`] found, one per line: the word, its
/// lemmas (separated by spaces) and its alternatives (separated by `|`), separated by tabs.
pub const FILE: &str = "thesaurus.tsv";

/// Writes `words` in the form of [`FILE`].
pub fn write_tsv(words: &[Alternatives], path: &Path) -> std::io::Result<()> {
    let mut out = String::new();
    for w in words {
        out.push_str(&format!("{}\t{}\t{}\n", w.word, w.lemmas.join(" "), w.alternatives.join("|")));
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
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let mut fields = line.split('\t');
            match (fields.next(), fields.next(), fields.next(), fields.next()) {
                (Some(word), Some(lemmas), Some(alternatives), None) if !word.is_empty() => Ok(Alternatives {
                    word: word.to_string(),
                    lemmas: lemmas.split(' ').filter(|l| !l.is_empty()).map(str::to_string).collect(),
                    alternatives: alternatives.split('|').filter(|a| !a.is_empty()).map(str::to_string).collect(),
                }),
                _ => Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}:{}: expected word, lemmas and alternatives", path.display(), i + 1),
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
        let mut senses = Vec::with_capacity(count);
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
            _ => {}
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
                    -|chuligan|luj (pot.)|andrus (przestarz.) (pojęcie nadrzędne)|trzeźwy (antonim)\n";
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
            [vec!["alkoholik", "pijak", "nałogowiec"], vec!["chuligan", "luj"]],
            "vulgar, archaic and antonym words left out, colloquial kept"
        );
    }

    /// The attested entries of `text` (UTF-8, one `word|n` line per entry) over a corpus whose
    /// questions hold each word of `corpus` (word, number of questions), among 100; words are
    /// their own single term, `i` and `na` stop words.
    fn attest(text: &str, corpus: &[(&str, u64)]) -> Vec<Alternatives> {
        let (bytes, _, _) = encoding_rs::ISO_8859_2.encode(text);
        let entries = parse(&[b"ISO8859-2\n".as_slice(), &bytes].concat()).unwrap();
        let terms = |t: &str| -> Vec<Vec<String>> {
            t.split_whitespace().filter(|w| !["i", "na"].contains(w)).map(|w| vec![w.to_string()]).collect()
        };
        let df = |t: &str| corpus.iter().find(|(w, _)| *w == t).map_or(0, |(_, n)| *n);
        attested(&entries, terms, df, 100)
    }

    #[test]
    fn a_word_no_question_uses_reaches_the_corpus_s_words() {
        let got = attest(
            "gliniarz|1\n-|policjant|funkcjonariusz policji (oficj.)|glina (pot.)|mundurowy (pot.)|dzielnicowy (pojęcie podrzędne)|funkcjonariusz (pojęcie nadrzędne)\n\
             menel|1\n-|pijak|uzależniony (pojęcie nadrzędne)\n\
             pijak|1\n-|alkoholik\n\
             żul|1\n-|lump|nałogowiec (pojęcie nadrzędne)|uzależniony (pojęcie nadrzędne)|człowiek (pojęcie nadrzędne)\n",
            &[
                ("policjant", 3),
                ("funkcjonariusz", 5),
                ("policji", 4),
                ("glina", 9),
                ("dzielnicowy", 2),
                ("pijak", 1),
                ("uzależniony", 2),
                ("nałogowiec", 1),
                ("człowiek", 40),
                ("alkoholik", 1),
            ],
        );
        let words: Vec<(&str, Vec<&str>)> =
            got.iter().map(|a| (a.word.as_str(), a.alternatives.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            words,
            [
                ("gliniarz", vec!["funkcjonariusz policji", "policjant"]),
                ("menel", vec!["pijak"]),
                ("żul", vec!["uzależniony", "nałogowiec"]),
            ],
            "synonyms the corpus has (commonest first), not colloquial or narrower ones, nor broader ones \
             beside them; broader ones where no synonym is, but none in over 30 % of the questions; \
             `pijak`, which a question uses, is not widened"
        );
        assert_eq!(got[0].lemmas, ["gliniarz"]);
    }

    #[test]
    fn at_most_five_alternatives_and_none_the_corpus_lacks() {
        let got = attest(
            "kibel|1\n-|a1|a2|a3|a4|a5|a6|toaleta publiczna\n",
            &[("a1", 1), ("a2", 2), ("a3", 3), ("a4", 4), ("a5", 5), ("a6", 6), ("toaleta", 7)],
        );
        assert_eq!(
            got[0].alternatives,
            ["a6", "a5", "a4", "a3", "a2"],
            "`toaleta publiczna`: no question has `publiczna`"
        );
        assert!(attest("kibel|1\n-|ustęp\n", &[]).is_empty());
    }

    #[test]
    fn what_an_index_keeps_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        assert!(read_tsv(&path).unwrap().is_empty(), "a generation built before has none");
        let words = attest(
            "gliniarz|1\n-|policjant|funkcjonariusz policji\n",
            &[("policjant", 3), ("policji", 4), ("funkcjonariusz", 5)],
        );
        write_tsv(&words, &path).unwrap();
        assert_eq!(read_tsv(&path).unwrap(), words);
        std::fs::write(&path, "gliniarz\tgliniarz\n").unwrap();
        assert!(read_tsv(&path).unwrap_err().to_string().contains(":1:"));
    }

    #[test]
    fn a_broken_file_is_an_error_not_a_panic() {
        assert!(parse(b"ISO8859-2\nmenel|2\n-|pijak\n").unwrap_err().contains("ends inside"));
        assert!(parse(b"ISO8859-2\nmenel|x\n").unwrap_err().contains("no number"));
        assert!(parse(b"KOI-99\nmenel|1\n-|pijak\n").unwrap_err().contains("encoding"));
        assert!(parse(b"ISO8859-2\nmenel|1\npijak\n").unwrap_err().contains("starts with"));
    }
}
