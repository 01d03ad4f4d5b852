//! English words to Polish ones, for queries typed in English (students, visitors, journalists
//! abroad): the questions and answers are Polish, so an English query shares almost no word with
//! them. The data is FreeDict's English–Polish dictionary (Debian `dict-freedict-eng-pol`, from
//! Piotrowski and Saloni's dictionary; GPL-3+ / GFDL), widened by its Polish–English one read
//! backwards (`dict-freedict-pol-eng`, from Wiktionary; CC-BY-SA 3.0), read where the packages
//! install them and never copied into the repository. Without the packages, English queries are
//! served by meaning alone (dense retrieval) or by their words as typed, as before.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use tantivy::tokenizer::TextAnalyzer;

/// Where `dict-freedict-eng-pol` installs its files.
pub const DEFAULT_DIR: &str = "/usr/share/dictd";
/// Environment variable naming another directory with `freedict-eng-pol.{index,dict.dz}`.
pub const ENV_DIR: &str = "LAWKA_FREEDICT_DIR";
const NAME: &str = "freedict-eng-pol";
/// Translations kept per English word: the dictionary lists the common senses first, and the
/// later ones ("sejf" for "safe") mostly add noise to a query.
const MAX_TRANSLATIONS: usize = 5;
/// FreeDict's Polish–English dictionary (Debian `dict-freedict-pol-eng`, from Wiktionary;
/// CC-BY-SA 3.0), read backwards where it is installed beside the other: it knows words the
/// English–Polish one lacks ("volunteer" is `wolontariusz` there, only `ochotnik` here; "shelter"
/// `schronisko`).
const INVERSE_NAME: &str = "freedict-pol-eng";
/// Polish words added per English word from [`INVERSE_NAME`], after the English–Polish
/// dictionary's own.
const MAX_INVERSE: usize = 3;

/// English headwords (and their English stems) to Polish words and short phrases, best first.
#[derive(Debug, Default)]
pub struct EnglishPolish {
    by_word: HashMap<String, Vec<String>>,
    by_stem: HashMap<String, Vec<String>>,
    inverse: bool,
}

impl EnglishPolish {
    /// Reads the dictionary from `dir` (`freedict-eng-pol.index` and `.dict.dz` or `.dict`).
    pub fn open(dir: &Path) -> std::io::Result<EnglishPolish> {
        let (index, dict) = read_dictd(dir, NAME)?;
        let mut out = EnglishPolish::from_dictd(&index, &dict);
        if dir.join(format!("{INVERSE_NAME}.index")).exists() {
            // The second dictionary only widens the first: unreadable, it is left out, not both.
            match read_dictd(dir, INVERSE_NAME) {
                Ok((index, dict)) => out.add_inverse(&index, &dict),
                Err(e) => {
                    tracing::warn!(error = %e, "{INVERSE_NAME} unreadable: English words are translated without it")
                }
            }
        }
        Ok(out)
    }

    /// Whether the Polish–English dictionary was read backwards too (`dict-freedict-pol-eng`).
    pub fn reads_polish_english(&self) -> bool {
        self.inverse
    }

    /// Adds the Polish headwords of a Polish–English dictionary (dictd index and data) under the
    /// English words of their first sense, up to three per English word.
    pub fn add_inverse(&mut self, index: &str, dict: &[u8]) {
        let mut stemmer = super::english_stemmer();
        // Under the English word each Polish word translates first, the most specific first (the
        // fewest other translations): "report" is first for `raport`, not for `protokół`.
        let mut ranked: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        for (head, entry) in dictd_entries(index, dict) {
            let sense = first_sense(&entry);
            if let Some(first) = sense.first().filter(|t| t.chars().all(|c| c.is_ascii_alphabetic())) {
                ranked.entry(first.clone()).or_default().push((sense.len(), head));
            }
        }
        // In a fixed order: the words of several English words meet under one stem.
        let inverse: BTreeMap<String, Vec<String>> = ranked
            .into_iter()
            .map(|(english, mut polish)| {
                polish.sort();
                (english, polish.into_iter().map(|(_, p)| p).collect())
            })
            .collect();
        // An English word the English–Polish dictionary knows only by its stem ("dumping", under
        // "dump") keeps that stem's words first: its own entry is looked up before the stem's.
        let seeds: Vec<(String, Vec<String>)> = inverse
            .keys()
            .filter(|english| !self.by_word.contains_key(*english))
            .map(|english| (english.clone(), self.translate(english, &mut stemmer).to_vec()))
            .collect();
        for (english, seed) in seeds {
            self.by_word.insert(english, seed);
        }
        // Words added under each stem, counted across the English words that share it.
        let mut added: HashMap<String, usize> = HashMap::new();
        for (english, polish) in inverse {
            for key in super::analyze(&mut stemmer, &english) {
                let n = added.entry(key.clone()).or_default();
                *n += merge_inverse(self.by_stem.entry(key).or_default(), &polish, MAX_INVERSE - *n);
            }
            merge_inverse(self.by_word.entry(english).or_default(), &polish, MAX_INVERSE);
        }
        // A word left without any (nothing known, nothing added) must not hide its stem's entry.
        self.by_word.retain(|_, polish| !polish.is_empty());
        self.inverse = true;
    }

    /// The dictionary from a dictd index (`headword TAB offset TAB length`, numbers in dictd's
    /// base 64) and its uncompressed data.
    pub fn from_dictd(index: &str, dict: &[u8]) -> EnglishPolish {
        let mut stemmer = super::english_stemmer();
        let mut out = EnglishPolish::default();
        for (head, entry) in dictd_entries(index, dict) {
            let translations = translations(&entry);
            if translations.is_empty() {
                continue;
            }
            for key in super::analyze(&mut stemmer, &head) {
                merge(out.by_stem.entry(key).or_default(), &translations);
            }
            merge(out.by_word.entry(head).or_default(), &translations);
        }
        out
    }

    /// Whether the dictionary has no entries.
    pub fn is_empty(&self) -> bool {
        self.by_word.is_empty()
    }

    /// The Polish words and phrases for an English word in any form ("sites", "dumping"), best
    /// first; empty when the dictionary does not know it.
    pub fn translate(&self, word: &str, stemmer: &mut TextAnalyzer) -> &[String] {
        let word = word.to_lowercase();
        if let Some(found) = self.by_word.get(&word) {
            return found;
        }
        super::analyze(stemmer, &word).into_iter().find_map(|stem| self.by_stem.get(&stem)).map_or(&[], Vec::as_slice)
    }
}

/// The process's dictionary, loaded on first use from [`ENV_DIR`] or [`DEFAULT_DIR`]; `None`
/// where it is not installed.
pub fn english_polish() -> Option<&'static EnglishPolish> {
    static DICTIONARY: OnceLock<Option<EnglishPolish>> = OnceLock::new();
    DICTIONARY
        .get_or_init(|| {
            super::load_optional(
                ENV_DIR,
                DEFAULT_DIR,
                EnglishPolish::open,
                EnglishPolish::is_empty,
                "no English–Polish dictionary: English queries are not translated",
            )
        })
        .as_ref()
}

/// A dictd dictionary's index and uncompressed data, from `dir`.
fn read_dictd(dir: &Path, name: &str) -> std::io::Result<(String, Vec<u8>)> {
    let index = std::fs::read_to_string(dir.join(format!("{name}.index")))?;
    let compressed = dir.join(format!("{name}.dict.dz"));
    let mut dict = Vec::new();
    if compressed.exists() {
        // dictzip is gzip with a chunk table in an extra header field, which gzip readers skip.
        flate2::read::GzDecoder::new(std::fs::File::open(compressed)?).read_to_end(&mut dict)?;
    } else {
        dict = std::fs::read(dir.join(format!("{name}.dict")))?;
    }
    Ok((index, dict))
}

/// The (lowercase headword, entry text) pairs of a dictd dictionary whose headword is one word:
/// the database's own entries (`00-database-...`) and multi-word headwords are no words.
fn dictd_entries<'a>(index: &'a str, dict: &'a [u8]) -> impl Iterator<Item = (String, String)> + 'a {
    index.lines().filter_map(move |line| {
        let mut parts = line.split('\t');
        let (head, offset, len) = (parts.next()?, parts.next()?, parts.next()?);
        let head = head.to_lowercase();
        if !head.chars().all(char::is_alphabetic) {
            return None;
        }
        let (offset, len) = (dictd_number(offset)?, dictd_number(len)?);
        let entry = dict.get(offset..offset.saturating_add(len))?;
        Some((head, String::from_utf8_lossy(entry).into_owned()))
    })
}

/// The English translations of a Polish–English entry's first sense, in order. An entry looks
/// like
/// ```text
/// schronisko /sxrɔ̃ˈɲiskɔ/ <n>
/// 1. shelter
/// budynek zapewniający miejsce odpoczynku, …
/// 2. home
/// ```
/// or, with one sense, the translations on the line after the headword without a number.
pub fn first_sense(entry: &str) -> Vec<String> {
    let Some(line) = entry.lines().nth(1) else { return Vec::new() };
    let line = line.trim();
    let line = line.strip_prefix("1.").unwrap_or(line);
    let mut out: Vec<String> = Vec::new();
    for part in strip_parentheses(line).split([',', ';']) {
        let t = part.trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Appends up to `room` of `more` not yet in `into`, and returns how many. Nothing joins an
/// English function word (every translation a Polish stop word, which a query drops: "over" is
/// not also `odbiór`), and no stop word joins.
fn merge_inverse(into: &mut Vec<String>, more: &[String], room: usize) -> usize {
    if !into.is_empty() && into.iter().all(|t| super::is_stop_word(t)) {
        return 0;
    }
    let mut added = 0;
    for t in more {
        if added == room {
            break;
        }
        if !into.contains(t) && !super::is_stop_word(t) {
            into.push(t.clone());
            added += 1;
        }
    }
    added
}

fn merge(into: &mut Vec<String>, more: &[String]) {
    for t in more {
        if into.len() < MAX_TRANSLATIONS && !into.contains(t) {
            into.push(t.clone());
        }
    }
}

/// dictd's base 64 digits.
const DICTD_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A dictd number: base 64 digits, most significant first.
fn dictd_number(s: &str) -> Option<usize> {
    s.bytes().try_fold(0usize, |n, c| {
        let d = DICTD_DIGITS.iter().position(|&x| x == c)?;
        n.checked_mul(64)?.checked_add(d)
    })
}

/// A dictd number written out (the inverse of [`dictd_number`]), for tests that build an index.
#[cfg(test)]
pub(crate) fn dictd_text(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(DICTD_DIGITS[n % 64]);
        n /= 64;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// The Polish translations of one FreeDict entry, in the entry's order. An entry looks like
/// ```text
/// dump /dʌmp/
/// I.  <V> 1.  składować
///  2.  zwalać, zrzucać
/// II.  <N> 1.  [nieform]  wysypisko śmieci, wysypisko
///  3.  [nieform]  in the dumps (:in :the :dumps)
///  - w dołku
/// III.  <V Phras>water down   rozwadniać
/// ```
/// Idioms (`(:in :the :dumps)`, `(come V: :to :grief)`: any sense whose Polish follows on a ` - `
/// line, and that line), quoted examples (`"seventy-year-old man" - siedemdziesięciolatek` under
/// "year"), phrasal verbs and compounds translate other English words than the headword, so they
/// are left out.
pub fn translations(entry: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let lines: Vec<&str> = entry.lines().skip(1).collect();
    for (i, line) in lines.iter().enumerate() {
        // A sense whose Polish follows on a `-` line names an English phrase (`come to grief
        // (come V: :to :grief)`, `have an appointment (have V: an D: appointment N:)`): the Polish
        // is the phrase's, not the word's.
        let phrase = lines.get(i + 1).is_some_and(|next| next.trim_start().starts_with('-'));
        if phrase
            || line.trim_start().starts_with('-')
            || line.contains("(:")
            || line.contains("Phras>")
            || line.contains("Comp>")
            || line.contains('"')
        {
            continue;
        }
        let mut rest = line.trim();
        // Sense marks: `I.`, `<N>`, `1.`, `a.`, `[nieform]`, in this order, each optional.
        loop {
            let before = rest;
            if let Some((mark, after)) = rest.split_once(". ") {
                let numbered =
                    !mark.is_empty() && mark.chars().all(|c| c.is_ascii_digit() || matches!(c, 'I' | 'V' | 'X'));
                let lettered = mark.len() == 1 && mark.bytes().all(|b| b.is_ascii_lowercase());
                if numbered || lettered {
                    rest = after.trim_start();
                }
            }
            for (open, close) in [('<', '>'), ('[', ']')] {
                if rest.starts_with(open) {
                    if let Some(end) = rest.find(close) {
                        rest = rest[end + 1..].trim_start();
                    }
                }
            }
            if rest == before {
                break;
            }
        }
        for part in strip_parentheses(rest).split([',', ';']) {
            let t = part.trim().to_lowercase();
            let words = t.split_whitespace().count();
            if (1..=3).contains(&words) && t.chars().all(|c| c.is_alphabetic() || c == ' ') && !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

/// `text` without its parenthesised remarks (`(sth - w coś)`).
fn strip_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|&c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = "dump /dʌmp/\nI.  <V> 1.  składować\n 2.  zwalać, zrzucać\nII.  <N> 1.  [nieform]  wysypisko śmieci, wysypisko\n 2.  [miejscowość]  dziura\n 3.  [nieform]  in the dumps (:in :the :dumps)\n - w dołku\n";

    #[test]
    fn entries_give_their_senses_in_order_without_idioms() {
        assert_eq!(
            translations(DUMP),
            ["składować", "zwalać", "zrzucać", "wysypisko śmieci", "wysypisko", "dziura"].map(String::from)
        );
        let tap = "tap /tæp/\nI.  <N> 1.  kurek, kran, zawór\n 2.  stukanie\nII.  <V> 1.  stukać, postukiwać (sth - w coś)  (on sth - o coś)\nIII.  <N Comp>tap dancing /ˈtæp dɑ:nsɪŋ/   stepowanie\n";
        assert_eq!(translations(tap), ["kurek", "kran", "zawór", "stukanie", "stukać", "postukiwać"].map(String::from));
        assert_eq!(translations("kindergarten /ˈkɪndəgɑ:tən/ <N>\n  przedszkole\n"), ["przedszkole"]);
        // The dictionary's own lines for "mum", "grief", "year" and "appointment": an English
        // phrase (its Polish on the next, `-` line) and a quoted example are not the word's
        // translations.
        let mum = "mum /mʌm/ <N>\n 1.  mamusia\n 2.  keep mum (keep V: :mum :about)\n - trzymać język za zębami (about sth - w jakiejś sprawie) \n";
        assert_eq!(translations(mum), ["mamusia"]);
        let grief = "grief /gri:f/ <N>\n 1.  [form]  żałość, zgryzota\n 2.  [form]  come to grief (come V: :to :grief)\n - doznawać niepowodzenia\n";
        assert_eq!(translations(grief), ["żałość", "zgryzota"]);
        let year = "year /jɪə/ <N>\n 1.  a. rok\n b.\n      \"seventy-year-old man\"  - siedemdziesięciolatek, siedemdziesięcioletni mężczyzna\n";
        assert_eq!(translations(year), ["rok"]);
        let appointment = "appointment /əˈpɔɪntmənt/ <N>\n 1.  mianowanie\n 2.  stanowisko\n 3.  spotkanie\n 4.  [u lekarza]  wizyta\n 5.  by appointment (:by :appointment)\n - zgodnie z wcześniejszą umową\n 6.  have an appointment (have V: an D: appointment N:)\n - być umówionym (with sb - z kimś) \n";
        assert_eq!(translations(appointment), ["mianowanie", "stanowisko", "spotkanie", "wizyta"]);
    }

    #[test]
    fn the_polish_english_dictionary_read_backwards_adds_words_after_the_english_polish_ones() {
        let schronisko =
            "schronisko /sxrɔ̃ˈɲiskɔ/ <n>\n1. shelter\nbudynek zapewniający miejsce odpoczynku\n2. home\nmiejsce\n";
        let praktykant =
            "praktykant /praktˈɨkant/ <n>\ntrainee, apprentice, student teacher\nktoś, kto odbywa praktykę\n";
        assert_eq!(first_sense(schronisko), ["shelter"], "the first sense only");
        assert_eq!(first_sense(praktykant), ["trainee", "apprentice", "student teacher"]);
        assert!(first_sense(" 3.\n").is_empty());

        let shelter = "shelter /ˈʃeltə/\nI.  <N> 1.  schronienie, osłona\n 2.  schron, wiata\n";
        let index = format!("shelter\tA\t{}\n", dictd_text(shelter.len()));
        let mut d = EnglishPolish::from_dictd(&index, shelter.as_bytes());
        let dict = format!("{schronisko}{praktykant}");
        let inverse = format!(
            "schronisko\tA\t{}\npraktykant\t{}\t{}\n",
            dictd_text(schronisko.len()),
            dictd_text(schronisko.len()),
            dictd_text(praktykant.len())
        );
        d.add_inverse(&inverse, dict.as_bytes());
        let mut stemmer = crate::analysis::english_stemmer();
        assert_eq!(d.translate("shelter", &mut stemmer), ["schronienie", "osłona", "schron", "wiata", "schronisko"]);
        assert_eq!(d.translate("trainees", &mut stemmer), ["praktykant"], "by stem too");
        assert!(d.translate("apprentice", &mut stemmer).is_empty(), "only under the first translation");

        // An English word the English–Polish side knows by its stem alone keeps that stem's
        // words first ("dumping" is `składować`, …, then the Polish loanword).
        let mut d = EnglishPolish::from_dictd(&format!("dump\tA\t{}\n", dictd_text(DUMP.len())), DUMP.as_bytes());
        let loanword = "dumping /ˈdampʲiŋk/ <n>\ndumping\nsprzedaż poniżej kosztów\n";
        d.add_inverse(&format!("dumping\tA\t{}\n", dictd_text(loanword.len())), loanword.as_bytes());
        assert_eq!(
            d.translate("dumping", &mut stemmer),
            ["składować", "zwalać", "zrzucać", "wysypisko śmieci", "wysypisko", "dumping"]
        );
        assert!(d.translate("home", &mut stemmer).is_empty(), "a later sense is not read");

        // A function word (its translations all Polish stop words, which a query drops) gains
        // nothing, and no stop word joins another word.
        let from = "from /frɒm/\n<Prep>  z, od\n";
        let mut d = EnglishPolish::from_dictd(&format!("from\tA\t{}\n", dictd_text(from.len())), from.as_bytes());
        let polish = "spośród /spɔˈɕrut/ <prep>\nfrom, among\nz grupy\nprzez /pʃɛs/ <prep>\nvia\nz\n";
        let cut = polish.find("przez").expect("second entry");
        let index = format!(
            "spośród\tA\t{}\nprzez\t{}\t{}\n",
            dictd_text(cut),
            dictd_text(cut),
            dictd_text(polish.len() - cut)
        );
        d.add_inverse(&index, polish.as_bytes());
        assert_eq!(d.translate("from", &mut stemmer), ["z", "od"]);
        assert!(d.translate("via", &mut stemmer).is_empty(), "przez is a stop word");
    }

    #[test]
    fn dictd_numbers_are_base_64() {
        assert_eq!(dictd_number("A"), Some(0));
        assert_eq!(dictd_number("BA"), Some(64));
        assert_eq!(dictd_number("Er1E"), Some(((4 * 64 + 43) * 64 + 53) * 64 + 4));
        assert_eq!(dictd_number("!"), None);
    }

    #[test]
    fn inflected_english_words_find_their_headword() {
        let dict = format!("{DUMP}site /saɪt/\nI.  <N> 1.  teren, miejsce\n");
        let index = format!(
            "dump\tA\t{}\nsite\t{}\t{}\n00-database-short\tA\tB\n",
            dictd_text(DUMP.len()),
            dictd_text(DUMP.len()),
            dictd_text(dict.len() - DUMP.len())
        );
        let d = EnglishPolish::from_dictd(&index, dict.as_bytes());
        let mut stemmer = crate::analysis::english_stemmer();
        assert_eq!(d.translate("dumping", &mut stemmer).first().map(String::as_str), Some("składować"));
        assert_eq!(d.translate("Sites", &mut stemmer), ["teren", "miejsce"]);
        assert!(d.translate("water", &mut stemmer).is_empty());
    }
}
