//! Ukrainian words to Polish ones, for queries typed in Ukrainian (Kraków has many
//! Ukrainian-speaking residents; the questions and answers are Polish). No Ukrainian–Polish
//! dictionary installs here, so the table chains two packages through Russian: Apertium's
//! Ukrainian–Russian pair (every inflected Ukrainian form to its lemma, the lemma to Russian) and
//! FreeDict's Polish–Russian dictionary read backwards. `tools/ukrainian-polish.py` (run by
//! `tools/setup-dictionary.sh`) writes it from the installed packages as one line per form,
//! `form TAB polish|polish`; it is never copied into the repository. Without it, Ukrainian queries
//! are served by meaning and by their words in Polish letters, as before.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// Where `tools/setup-dictionary.sh` writes the table.
pub const DEFAULT_PATH: &str = "/usr/local/share/lawka/ukr-pol.tsv";
/// Environment variable naming another table.
pub const ENV_PATH: &str = "LAWKA_UKR_POL";

/// Ukrainian word forms to Polish words, best first, and the two-word names translated as one.
#[derive(Debug, Default)]
pub struct UkrainianPolish {
    by_form: HashMap<String, Vec<String>>,
    /// The lemma of each form of a two-word name's lemmas.
    lemmas: HashMap<String, String>,
    /// Two lemmas (an adjective or noun, then a noun) to the Polish word that names them
    /// (`дитячий садок` → `przedszkole`).
    names: HashMap<(String, String), Vec<String>>,
}

impl UkrainianPolish {
    /// Reads the table at `path`.
    pub fn open(path: &Path) -> std::io::Result<UkrainianPolish> {
        Ok(UkrainianPolish::from_tsv(&std::fs::read_to_string(path)?))
    }

    /// The table from its text (`form TAB polish|polish[ TAB lemma]`, and `+lemma lemma TAB
    /// polish|polish` for two-word names); comment lines (`#`) and lines without a tab are
    /// skipped, and so are Polish stop words ("bardzo", "kiedy"): a word that translates to one
    /// carries no need.
    pub fn from_tsv(text: &str) -> UkrainianPolish {
        let mut table = UkrainianPolish::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let (Some(key), Some(polish)) = (fields.next(), fields.next()) else { continue };
            let words: Vec<String> = polish
                .split('|')
                .map(str::trim)
                .filter(|w| !w.is_empty() && !super::is_stop_word(w))
                .map(String::from)
                .collect();
            if let Some(name) = key.strip_prefix('+') {
                if let (Some((a, b)), false) = (name.split_once(' '), words.is_empty()) {
                    table.names.insert((normalise(a), normalise(b)), words);
                }
                continue;
            }
            let form = normalise(key);
            if let Some(lemma) = fields.next().filter(|l| !l.is_empty()) {
                table.lemmas.insert(form.clone(), normalise(lemma));
            }
            if !words.is_empty() {
                table.by_form.insert(form, words);
            }
        }
        table
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.by_form.is_empty()
    }

    /// The Polish words for a Ukrainian word in any form and case, best first; empty when the
    /// table does not know it.
    pub fn translate(&self, word: &str) -> &[String] {
        self.by_form.get(&normalise(word)).map_or(&[], Vec::as_slice)
    }

    /// The Polish words naming two consecutive words together (`дитячий садок`, `дитячого
    /// садка` → `przedszkole`), which word by word would mean something else ("a children's
    /// orchard"); empty when they name nothing together.
    pub fn translate_name(&self, first: &str, second: &str) -> &[String] {
        let (Some(a), Some(b)) = (self.lemmas.get(&normalise(first)), self.lemmas.get(&normalise(second))) else {
            return &[];
        };
        self.names.get(&(a.clone(), b.clone())).map_or(&[], Vec::as_slice)
    }
}

/// Lower case, with the apostrophe as the table writes it: residents type `'`, `’` or `ʼ`.
fn normalise(word: &str) -> String {
    word.chars().map(|c| if matches!(c, '’' | 'ʼ' | '`') { '\'' } else { c }).flat_map(char::to_lowercase).collect()
}

/// The process's table, loaded on first use from [`ENV_PATH`] or [`DEFAULT_PATH`]; `None` where
/// it was not generated.
pub fn ukrainian_polish() -> Option<&'static UkrainianPolish> {
    static TABLE: OnceLock<Option<UkrainianPolish>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            super::load_optional(
                ENV_PATH,
                DEFAULT_PATH,
                UkrainianPolish::open,
                UkrainianPolish::is_empty,
                "no Ukrainian–Polish table: Ukrainian queries are not translated",
            )
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_find_their_polish_words_in_any_case_and_apostrophe() {
        let t = UkrainianPolish::from_tsv(
            "# a comment\nкабани\tdzik\nсім'ї\tdom|rodzina\nбез\t\nzły wiersz\nколи\tgdy|kiedy\nтам\ttam|tędy\n",
        );
        assert_eq!(t.translate("Кабани"), ["dzik"]);
        assert_eq!(t.translate("сім’ї"), ["dom", "rodzina"]);
        assert_eq!(t.translate("сімʼї"), ["dom", "rodzina"]);
        assert!(t.translate("без").is_empty(), "a form without words is no entry");
        assert!(t.translate("трамвай").is_empty());
        assert!(t.translate("коли").is_empty(), "only stop words: no entry");
        assert_eq!(t.translate("там"), ["tędy"]);
        assert!(!t.is_empty());
    }

    #[test]
    fn two_words_that_name_one_thing_find_its_polish_name_in_any_form() {
        let t = UkrainianPolish::from_tsv(
            "дитячий\tdziecięcy\tдитячий\nдитячого\tdziecięcy\tдитячий\nсадок\togród|sad\tсадок\nсадка\togród\tсадок\nсад\togród\n+дитячий садок\tprzedszkole\n",
        );
        assert_eq!(t.translate_name("дитячий", "садок"), ["przedszkole"]);
        assert_eq!(t.translate_name("Дитячого", "садка"), ["przedszkole"]);
        assert!(t.translate_name("садок", "дитячий").is_empty(), "in order only");
        assert!(t.translate_name("дитячий", "сад").is_empty(), "a form without its lemma is no part of a name");
        assert_eq!(t.translate("садок"), ["ogród", "sad"], "each word keeps its own words");
    }
}
