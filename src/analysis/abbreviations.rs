//! Abbreviations the corpus spells out itself: official Polish writes a name in full once, with
//! its abbreviation in brackets after it ("Punktach Selektywnego Zbierania Odpadów Komunalnych
//! (PSZOK)", or the other way round, "NFZ (Narodowy Fundusz Zdrowia)"), and then, like residents,
//! uses the abbreviation alone. Learnt at index time, so the city's own articles teach the search
//! the abbreviations nobody listed in the glossary.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Letters of an abbreviation, at most: longer capitals in brackets are words, not abbreviations.
const MAX_LETTERS: usize = 8;
/// Words that may stand inside a name without a letter of their own (`zezwoleniu na realizację`,
/// `Komunikacji Miejskiej w Krakowie`); one gives a letter only where the abbreviation writes it
/// small (`GDDKiA`: "… Krajowych i Autostrad").
const CONNECTORS: &[&str] = &["i", "o", "na", "w", "we", "z", "ze", "do", "dla", "od", "po", "oraz"];
/// Characters that end a name: a name never runs across a clause.
const CLAUSE_ENDS: &[char] = &[',', '.', ';', ':', '?', '!', '(', ')', '\n', '–', '—'];
/// Characters around a word that are no part of it (quotes, Markdown's bold).
const AROUND_WORDS: &[char] = &['"', '„', '”', '“', '*', '_', '\''];
/// Long forms kept per abbreviation (the commonest): a name is written a few ways at most
/// (`Punktach Selektywnego Zbierania …`, `Punktu Selektywnej Zbiórki …`).
const MAX_FORMS: usize = 3;
/// Letters of a word that stand for it when long forms are compared: enough to tell words apart,
/// few enough that a word's inflected forms share them (`Strefa`, `Strefy`, `Strefie`).
const STEM_LETTERS: usize = 4;

/// An abbreviation the corpus spells out, with its long forms, commonest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedAbbreviation {
    /// As written: `PSZOK`, `GDDKiA`.
    pub abbreviation: String,
    /// As written in the corpus: `Punktach Selektywnego Zbierania Odpadów Komunalnych`.
    pub long_forms: Vec<String>,
}

/// Every `(abbreviation, long form)` that `text` spells out, in order, as "long form (ABBR)" (the
/// abbreviation's letters are the initials of the words just before the bracket, right to left)
/// or as "ABBR (long form)" (every word of the bracket, left to right) (pure). A connector
/// (`na`, `w`, `i`) without a letter of its own is passed over; a name has two words at least
/// that are not connectors.
pub fn spelled_out(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('(') {
        let at = from + open;
        // Both brackets are one byte: the slices below stay on character boundaries.
        let after = &text[at + 1..];
        let Some(close) = after.find(')') else { break };
        let inside = &after[..close];
        if is_abbreviation(inside) {
            let clause = text[..at].rsplit(CLAUSE_ENDS).next().unwrap_or_default();
            if let Some(long) = spelled_backwards(&words(clause), inside) {
                out.push((inside.to_string(), long));
            }
        } else if let Some(before) = text[..at]
            .split_whitespace()
            .next_back()
            .map(|w| w.trim_matches(AROUND_WORDS))
            .filter(|w| is_abbreviation(w))
        {
            let inside = words(inside);
            if spells(&inside, before) {
                out.push((before.to_string(), inside.join(" ")));
            }
        }
        from = at + 1;
    }
    out
}

/// The words of `text`, quotes and Markdown marks around them left out.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().map(|w| w.trim_matches(AROUND_WORDS)).filter(|w| !w.is_empty()).collect()
}

/// Capitals of the Polish alphabet (a connector's small letter allowed among them, `GDDKiA`), 2 to
/// [`MAX_LETTERS`] letters, more capitals than small letters.
fn is_abbreviation(s: &str) -> bool {
    let letters = s.chars().count();
    let capitals = s.chars().filter(|c| c.is_uppercase()).count();
    (2..=MAX_LETTERS).contains(&letters)
        && capitals >= 2
        && capitals * 2 > letters
        && s.chars().next().is_some_and(char::is_uppercase)
        && s.chars().all(|c| c.is_ascii_alphabetic() || "ĄĆĘŁŃÓŚŹŻąćęłńóśźż".contains(c))
}

/// Whether `word` gives `letter` (as the abbreviation writes it): its initial, and a connector
/// only a small letter.
fn gives(word: &str, letter: char) -> bool {
    let connector = is_connector(word);
    let initial = word.chars().next().and_then(|c| c.to_lowercase().next());
    initial == letter.to_lowercase().next() && (!connector || letter.is_lowercase())
}

fn is_connector(word: &str) -> bool {
    CONNECTORS.contains(&word.to_lowercase().as_str())
}

/// The last words of `words` whose initials spell `abbreviation`, joined; `None` where none do.
fn spelled_backwards(words: &[&str], abbreviation: &str) -> Option<String> {
    let mut letters: Vec<char> = abbreviation.chars().collect();
    let mut first = words.len();
    while let Some(&letter) = letters.last() {
        first = first.checked_sub(1)?;
        if gives(words[first], letter) {
            letters.pop();
        } else if !is_connector(words[first]) {
            return None;
        }
    }
    let name = &words[first..];
    (name.iter().filter(|w| !is_connector(w)).count() >= 2).then(|| name.join(" "))
}

/// Whether every one of `words` spells `abbreviation`, left to right.
fn spells(words: &[&str], abbreviation: &str) -> bool {
    let mut letters = abbreviation.chars().peekable();
    for word in words {
        match letters.peek() {
            Some(&letter) if gives(word, letter) => {
                letters.next();
            }
            _ if is_connector(word) => {}
            _ => return false,
        }
    }
    letters.next().is_none() && words.iter().filter(|w| !is_connector(w)).count() >= 2
}

/// The words of a long form by their first letters, lowercased: two forms alike by these are one
/// name inflected (`Strefa Płatnego Parkowania`, `Strefy Płatnego Parkowania`).
fn stems(long: &str) -> Vec<String> {
    words(long)
        .into_iter()
        .filter(|w| !is_connector(w))
        .map(|w| w.to_lowercase().chars().take(STEM_LETTERS).collect())
        .collect()
}

/// Counts of the long forms each abbreviation is spelled out as, over a corpus.
#[derive(Debug, Default)]
pub struct Abbreviations(BTreeMap<String, BTreeMap<String, u32>>);

impl Abbreviations {
    /// Adds the abbreviations `text` spells out.
    pub fn learn(&mut self, text: &str) {
        for (abbreviation, long) in spelled_out(text) {
            *self.0.entry(abbreviation).or_default().entry(long).or_default() += 1;
        }
    }

    /// Adds another's counts.
    pub fn extend(&mut self, other: Abbreviations) {
        for (abbreviation, forms) in other.0 {
            let mine = self.0.entry(abbreviation).or_default();
            for (long, n) in forms {
                *mine.entry(long).or_default() += n;
            }
        }
    }

    /// Each abbreviation with its three commonest long forms (ties by the text), sorted:
    /// one per name however inflected, and only those that share most of their words with the
    /// commonest, so that two names one abbreviation stands for (in a large corpus) are not made
    /// equivalents of each other.
    pub fn learned(&self) -> Vec<LearnedAbbreviation> {
        self.0
            .iter()
            .map(|(abbreviation, forms)| {
                let mut by_count: Vec<(&String, &u32)> = forms.iter().collect();
                by_count.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
                let commonest = stems(by_count[0].0);
                let mut kept: Vec<Vec<String>> = Vec::new();
                let mut long_forms = Vec::new();
                for (long, _) in by_count {
                    let s = stems(long);
                    let shared = s.iter().filter(|w| commonest.contains(w)).count();
                    if kept.contains(&s) || shared * 2 < s.len() || long_forms.len() == MAX_FORMS {
                        continue;
                    }
                    kept.push(s);
                    long_forms.push(long.clone());
                }
                LearnedAbbreviation { abbreviation: abbreviation.clone(), long_forms }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: &str, long: &str) -> (String, String) {
        (a.to_string(), long.to_string())
    }

    #[test]
    fn a_name_spelled_out_before_its_abbreviation_is_learnt() {
        assert_eq!(
            spelled_out("Meble i opony w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK), a gruz…"),
            [pair("PSZOK", "Punktach Selektywnego Zbierania Odpadów Komunalnych")]
        );
        // Connectors without a letter of their own are passed over; one the abbreviation writes
        // small is a letter.
        assert_eq!(
            spelled_out("co wymaga decyzji o zezwoleniu na realizację inwestycji drogowej (ZRID)."),
            [pair("ZRID", "zezwoleniu na realizację inwestycji drogowej")]
        );
        assert_eq!(
            spelled_out("w zarządzie Generalnej Dyrekcji Dróg Krajowych i Autostrad (GDDKiA)"),
            [pair("GDDKiA", "Generalnej Dyrekcji Dróg Krajowych i Autostrad")]
        );
        // Several in a row; Polish letters; quotes and Markdown around the words.
        assert_eq!(
            spelled_out("bilety Komunikacji Miejskiej w Krakowie (KMK), pomiary „Wojewódzkiego Inspektoratu Ochrony Środowiska” (WIOŚ) i **Strefa Płatnego Parkowania** (SPP)"),
            [
                pair("KMK", "Komunikacji Miejskiej w Krakowie"),
                pair("WIOŚ", "Wojewódzkiego Inspektoratu Ochrony Środowiska"),
                pair("SPP", "Strefa Płatnego Parkowania"),
            ]
        );
        assert_eq!(spelled_out("Wielka Droga Ekspresowa Ósemka Północna Zachodnia Górna Dolna (WDEÓPZGD)").len(), 1);
    }

    #[test]
    fn an_abbreviation_spelled_out_in_brackets_after_it_is_learnt() {
        assert_eq!(
            spelled_out("Umowy zawiera NFZ (Narodowy Fundusz Zdrowia) z przychodniami"),
            [pair("NFZ", "Narodowy Fundusz Zdrowia")]
        );
        assert_eq!(
            spelled_out("pociągi SKA (Szybkiej Kolei Aglomeracyjnej), a"),
            [pair("SKA", "Szybkiej Kolei Aglomeracyjnej")]
        );
        assert!(spelled_out("NFZ (od stycznia 2025 r.)").is_empty(), "a bracket that spells nothing");
        assert!(spelled_out("NFZ (Narodowy Fundusz Zdrowia i inne)").is_empty(), "every word of the bracket spells it");
        assert!(spelled_out("MPK (Kraków)").is_empty());
    }

    #[test]
    fn brackets_that_spell_nothing_teach_nothing() {
        assert!(spelled_out("podatek na dochody (PIT)").is_empty(), "the initials do not spell it");
        assert!(spelled_out("mieszkańcy (oraz goście)").is_empty());
        assert!(spelled_out("Ulica, Długa (UD)").is_empty(), "a comma ends the name");
        assert!(spelled_out("Ulica? Długa (UD)").is_empty(), "and so does a question mark");
        assert!(spelled_out("(PSZOK)").is_empty());
        assert!(spelled_out("Centralną комісією (CK)").is_empty());
        assert!(spelled_out("unclosed (PSZOK").is_empty());
        // A connector gives no capital, and a name has two words that are no connectors.
        assert!(spelled_out("jedziemy na Wisłę (NW)").is_empty());
        assert!(spelled_out("idzie do Szkoły (DS)").is_empty());
        assert!(
            spelled_out("Wielka Droga Ekspresowa Ósemka Północna Zachodnia Górna Dolna Nowa (WDEÓPZGDN)").is_empty(),
            "9 letters"
        );
        assert!(spelled_out("Parkuj i Jedź (P+R)").is_empty(), "not letters");
        assert!(spelled_out("Rada Miasta (RM2)").is_empty());
        assert!(spelled_out("serwis You Tube (YouTube)").is_empty(), "more small letters than capitals");
    }

    #[test]
    fn one_name_however_inflected_and_never_two_names_as_one() {
        let mut a = Abbreviations::default();
        a.learn("w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK)");
        a.learn("do Punktu Selektywnej Zbiórki Odpadów Komunalnych (PSZOK) i");
        a.learn("Strefa Płatnego Parkowania (SPP), Strefy Płatnego Parkowania (SPP)");
        let mut b = Abbreviations::default();
        b.learn("w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK).");
        b.learn("Strefie Płatnego Parkowania (SPP); Szkoła Podstawowa Północna (SPP)");
        a.extend(b);
        assert_eq!(
            a.learned(),
            [
                LearnedAbbreviation {
                    abbreviation: "PSZOK".into(),
                    long_forms: vec![
                        "Punktach Selektywnego Zbierania Odpadów Komunalnych".into(),
                        "Punktu Selektywnej Zbiórki Odpadów Komunalnych".into(),
                    ],
                },
                LearnedAbbreviation {
                    abbreviation: "SPP".into(),
                    long_forms: vec!["Strefa Płatnego Parkowania".into()]
                },
            ]
        );
    }
}
