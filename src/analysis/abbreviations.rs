//! Abbreviations the corpus spells out itself: official Polish writes a name in full once, with
//! its abbreviation in brackets after it ("Punktach Selektywnego Zbierania Odpadów Komunalnych
//! (PSZOK)"), and then, like residents, uses the abbreviation alone. Learnt at index time, so the
//! city's own articles teach the search the abbreviations nobody listed in the glossary.

use std::collections::{BTreeMap, BTreeSet};

/// Letters of an abbreviation, at most: longer capitals in brackets are words, not abbreviations.
const MAX_LETTERS: usize = 8;
/// Words that may stand inside a name without a letter of their own (`zezwoleniu na realizację`,
/// `Komunikacji Miejskiej w Krakowie`), unless the abbreviation writes them (`GDDKiA`).
const CONNECTORS: [&str; 12] = ["i", "o", "na", "w", "we", "z", "ze", "do", "dla", "od", "po", "oraz"];
/// Long forms kept per abbreviation (the commonest): a name is written a few ways at most
/// (`Punktach Selektywnego Zbierania …`, `Punktu Selektywnej Zbiórki …`).
const MAX_FORMS: usize = 3;

/// Every `(abbreviation, long form)` that `text` spells out as "long form (ABBR)", in order: the
/// abbreviation's letters are the initials of the words just before the bracket, right to left,
/// with connectors (`na`, `w`, `i`) passed over where they have no letter of their own (pure).
pub fn spelled_out(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('(') {
        let at = offset + open;
        let after = &text[at + 1..];
        let Some(close) = after.find(')') else { break };
        let abbreviation = &after[..close];
        if is_abbreviation(abbreviation) {
            if let Some(long) = long_form(&text[..at], abbreviation) {
                out.push((abbreviation.to_string(), long));
            }
        }
        offset = at + 1;
        rest = &text[offset..];
    }
    out
}

/// Capitals (with a lowercase connector's letter among them, `GDDKiA`), 2 to [`MAX_LETTERS`],
/// Latin letters only.
fn is_abbreviation(s: &str) -> bool {
    let letters = s.chars().count();
    let capitals = s.chars().filter(|c| c.is_uppercase()).count();
    (2..=MAX_LETTERS).contains(&letters)
        && capitals >= 2
        && s.chars().next().is_some_and(char::is_uppercase)
        && s.chars().all(|c| c.is_alphabetic() && (c.is_ascii() || "ĄĆĘŁŃÓŚŹŻąćęłńóśźż".contains(c)))
}

/// The words before the bracket whose initials spell `abbreviation`, as written; `None` where
/// they do not (a clause's punctuation ends the search).
fn long_form(before: &str, abbreviation: &str) -> Option<String> {
    let clause = before.rsplit([',', '.', ';', ':', '(', ')', '\n', '"', '„', '”']).next().unwrap_or(before);
    let words: Vec<&str> = clause.split_whitespace().collect();
    let mut letters: Vec<char> = abbreviation.chars().flat_map(char::to_lowercase).collect();
    let mut first = words.len();
    while let Some(&letter) = letters.last() {
        first = first.checked_sub(1)?;
        let word = words[first];
        let initial = word.chars().next()?.to_lowercase().next()?;
        if initial == letter {
            letters.pop();
        } else if !CONNECTORS.contains(&word.to_lowercase().as_str()) {
            return None;
        }
    }
    // A name of one word is the word's own abbreviation (`Kraków (KRK)`): no name to learn.
    (words.len() - first >= 2).then(|| words[first..].join(" "))
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

    /// Glossary lines, `ABBR = long form = long form`, sorted: the three commonest long
    /// forms of each (distinct by their lowercase), the first written first.
    pub fn glossary_lines(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(abbreviation, forms)| {
                let mut by_count: Vec<(&String, &u32)> = forms.iter().collect();
                by_count.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
                let mut seen = BTreeSet::new();
                let longs: Vec<&str> = by_count
                    .into_iter()
                    .filter(|(long, _)| seen.insert(long.to_lowercase()))
                    .take(MAX_FORMS)
                    .map(|(long, _)| long.as_str())
                    .collect();
                format!("{abbreviation} = {}", longs.join(" = "))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learnt(text: &str) -> Vec<(String, String)> {
        spelled_out(text)
    }

    #[test]
    fn a_name_spelled_out_before_its_abbreviation_is_learnt() {
        assert_eq!(
            learnt("Meble i opony w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK), a gruz…"),
            [("PSZOK".to_string(), "Punktach Selektywnego Zbierania Odpadów Komunalnych".to_string())]
        );
        // Connectors without a letter of their own are passed over; one the abbreviation writes
        // is a letter.
        assert_eq!(
            learnt("co wymaga decyzji o zezwoleniu na realizację inwestycji drogowej (ZRID)."),
            [("ZRID".to_string(), "zezwoleniu na realizację inwestycji drogowej".to_string())]
        );
        assert_eq!(
            learnt("w zarządzie Generalnej Dyrekcji Dróg Krajowych i Autostrad (GDDKiA)"),
            [("GDDKiA".to_string(), "Generalnej Dyrekcji Dróg Krajowych i Autostrad".to_string())]
        );
        assert_eq!(
            learnt("bilety Komunikacji Miejskiej w Krakowie (KMK) oraz obowiązuje plan (MPZP)"),
            [("KMK".to_string(), "Komunikacji Miejskiej w Krakowie".to_string())]
        );
    }

    #[test]
    fn brackets_that_spell_nothing_teach_nothing() {
        assert!(learnt("podatek na dochody (PIT)").is_empty(), "the initials do not spell it");
        assert!(learnt("Kraków (KRK)").is_empty());
        assert!(learnt("mieszkańcy (oraz goście)").is_empty());
        assert!(learnt("ulica Długa, Wielka Droga (WD) i").len() == 1);
        assert!(learnt("Ulica, Długa (UD)").is_empty(), "a comma ends the name");
        assert!(learnt("(PSZOK)").is_empty());
        assert!(learnt("Centralną комісією (CK)").is_empty());
        assert!(learnt("unclosed (PSZOK").is_empty());
    }

    #[test]
    fn the_commonest_long_forms_become_one_glossary_line() {
        let mut a = Abbreviations::default();
        a.learn("w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK)");
        a.learn("do Punktu Selektywnej Zbiórki Odpadów Komunalnych (PSZOK) i");
        let mut b = Abbreviations::default();
        b.learn("w Punktach Selektywnego Zbierania Odpadów Komunalnych (PSZOK).");
        b.learn("Strefa Płatnego Parkowania (SPP)");
        a.extend(b);
        assert_eq!(
            a.glossary_lines(),
            [
                "PSZOK = Punktach Selektywnego Zbierania Odpadów Komunalnych = Punktu Selektywnej Zbiórki Odpadów Komunalnych",
                "SPP = Strefa Płatnego Parkowania",
            ]
        );
    }
}
