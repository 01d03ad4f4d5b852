//! Ukrainian and Russian words to Polish ones, for queries typed in Cyrillic (Kraków has many
//! Ukrainian residents, and many of them, like other newcomers from the east, type in Russian; the
//! questions and answers are Polish). No Ukrainian–Polish dictionary installs here, so the
//! Ukrainian table chains two packages through Russian: Apertium's Ukrainian–Russian pair (every
//! inflected Ukrainian form to its lemma, the lemma to Russian) and FreeDict's Polish–Russian
//! dictionary read backwards (for Russian words it lacks, FreeDict's dictionaries through two other
//! languages that agree); the Russian table needs the pair's Russian analyser and FreeDict,
//! and takes the forms the analyser lacks from simplemma's lemma list (`=form` lines, whose
//! lemma was guessed without a part of speech). `tools/cyrillic-polish.py` (run by
//! `tools/setup-dictionary.sh`) writes each from the installed packages as one line per form,
//! `form TAB polish|polish`; they are never copied into the repository. Without them, Cyrillic
//! queries are served by meaning and by their words in Polish letters, as before.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

/// Where `tools/setup-dictionary.sh` writes the Ukrainian table.
pub const UKRAINIAN_PATH: &str = "/usr/local/share/lawka/ukr-pol.tsv";
/// Environment variable naming another Ukrainian table.
pub const UKRAINIAN_ENV: &str = "LAWKA_UKR_POL";
/// Where `tools/setup-dictionary.sh` writes the Russian table.
pub const RUSSIAN_PATH: &str = "/usr/local/share/lawka/rus-pol.tsv";
/// Environment variable naming another Russian table.
pub const RUSSIAN_ENV: &str = "LAWKA_RUS_POL";

/// Which Cyrillic language a text is written in, as far as its letters tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CyrillicLanguage {
    /// It has a letter only Ukrainian writes (`і`, `ї`, `є`, `ґ`) and none only Russian writes.
    Ukrainian,
    /// It has a letter only Russian writes (`ы`, `э`, `ъ`, `ё`) and none only Ukrainian writes.
    Russian,
    /// Neither or both: many short texts (`кабани`, `лифт`, `де вивчити`) could be either.
    Either,
}

/// The language of a Cyrillic `text` by its letters (pure). Whole-text detectors guess on a few
/// words; these letters do not.
pub fn cyrillic_language(text: &str) -> CyrillicLanguage {
    let lower = text.to_lowercase();
    let ukrainian = lower.contains(['і', 'ї', 'є', 'ґ']);
    let russian = lower.contains(['ы', 'э', 'ъ', 'ё']);
    match (ukrainian, russian) {
        (true, false) => CyrillicLanguage::Ukrainian,
        (false, true) => CyrillicLanguage::Russian,
        _ => CyrillicLanguage::Either,
    }
}

/// Ukrainian function words: stopwords-iso's `uk` list (MIT) minus the words a resident's need
/// can hang on ([`UKRAINIAN_WORDS_KEPT`]).
const UKRAINIAN_FUNCTION_WORDS: &[&str] = &[
    "авжеж",
    "адже",
    "але",
    "б",
    "був",
    "була",
    "були",
    "було",
    "бути",
    "більш",
    "вам",
    "вас",
    "весь",
    "ви",
    "вона",
    "вони",
    "воно",
    "все",
    "всіх",
    "від",
    "він",
    "да",
    "де",
    "дещо",
    "для",
    "до",
    "з",
    "й",
    "коли",
    "ми",
    "навіть",
    "нам",
    "от",
    "отже",
    "отож",
    "про",
    "під",
    "та",
    "так",
    "такий",
    "також",
    "те",
    "ти",
    "тобто",
    "тож",
    "тощо",
    "хоча",
    "це",
    "цей",
    "чи",
    "чого",
    "що",
    "як",
    "який",
    "якої",
    "є",
    "із",
    "інших",
    "їх",
    "її",
];

/// Words a resident's need can hang on, kept in a query though stopwords-iso or the analyser
/// (the table's `-form` lines) call them function words, as the Polish list keeps `zamiast` or
/// `wokół`: `без` "without", `вздовж`/`уздовж` "along", `вниз`/`униз`/`внизу`/`унизу`
/// "down/below", `всередині`/`усередині` "inside", `давай`/`давати` "give", `завжди` "always",
/// `замість` "instead of", `ледве` "barely", `майже` "almost", `навколо` "around", `поза`/`зовні`
/// "outside", `навпроти` "opposite". Unlike the Polish list, the analyser's also drops numerals
/// and modal words (`десять`, `треба`, `хочемо`): the table translates none of them, so in a
/// query they were only their Polish-letter spelling, which the typo tolerance matches to
/// unrelated words.
const UKRAINIAN_WORDS_KEPT: &[&str] = &[
    "без",
    "вздовж",
    "уздовж",
    "вниз",
    "униз",
    "внизу",
    "унизу",
    "всередині",
    "усередині",
    "давай",
    "давати",
    "завжди",
    "замість",
    "ледве",
    "майже",
    "навколо",
    "поза",
    "зовні",
    "навпроти",
];

/// Whether `word` (lowercase) is a Ukrainian function word (`для`, `до`, `чи`, `та`, `як`). Spelt
/// in Polish letters such words meet Polish words by the typo tolerance (`для` → `dlja`, one edit
/// from many), which no need of the query asked for.
pub fn is_ukrainian_function_word(word: &str) -> bool {
    UKRAINIAN_FUNCTION_WORDS.contains(&word)
}

/// Word forms of one Cyrillic language to Polish words, best first, and the two-word names
/// translated as one.
#[derive(Debug, Default)]
pub struct CyrillicPolish {
    /// Each form's place in `lists`: forms with the same Polish words (mostly a lemma's forms)
    /// share one list, so ~90,000 forms hold a few thousand lists (a table took 22–24 MB of server
    /// memory with a list per form, 8–9 MB shared; the Russian one's ~140,000 guessed forms add
    /// ~16 MB).
    by_form: HashMap<Box<str>, usize>,
    /// The same for forms whose lemma was guessed without a part of speech (`=form` lines: forms
    /// the analyser lacks, lemmatised by a word list): searched, but not embedded
    /// ([`CyrillicPolish::translate_analysed`]).
    guessed: HashMap<Box<str>, usize>,
    lists: Vec<Vec<String>>,
    /// The lemma of each form of a two-word name's lemmas.
    lemmas: HashMap<String, String>,
    /// Two lemmas (an adjective or noun, then a noun) to the Polish word that names them
    /// (`дитячий садок` → `przedszkole`).
    names: HashMap<(String, String), Vec<String>>,
    /// Forms that every reading of the analyser makes a function word (`-form` lines), less
    /// [`UKRAINIAN_WORDS_KEPT`].
    function_words: HashSet<Box<str>>,
}

impl CyrillicPolish {
    /// Reads the table at `path`.
    pub fn open(path: &Path) -> std::io::Result<CyrillicPolish> {
        Ok(CyrillicPolish::from_tsv(&std::fs::read_to_string(path)?))
    }

    /// The table from its text (`form TAB polish|polish[ TAB lemma]`, `+lemma lemma TAB
    /// polish|polish` for two-word names, `=form TAB polish|polish` for forms whose lemma was
    /// guessed, and `-form` for function words); comment lines (`#`) and other lines without a tab
    /// are skipped, and so are Polish stop words ("bardzo", "kiedy"): a word that translates to
    /// one carries no need.
    pub fn from_tsv(text: &str) -> CyrillicPolish {
        let mut table = CyrillicPolish::default();
        let mut ids: HashMap<Vec<String>, usize> = HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(form) = line.strip_prefix('-').filter(|f| !f.contains('\t')) {
                let form = normalise(form.trim());
                if !form.is_empty() && !UKRAINIAN_WORDS_KEPT.contains(&form.as_str()) {
                    table.function_words.insert(form.into_boxed_str());
                }
                continue;
            }
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
            let (key, guessed) = match key.strip_prefix('=') {
                Some(key) => (key, true),
                None => (key, false),
            };
            let form = normalise(key);
            if let Some(lemma) = fields.next().filter(|l| !l.is_empty() && !guessed) {
                table.lemmas.insert(form.clone(), normalise(lemma));
            }
            if !words.is_empty() {
                let next = table.lists.len();
                let id = *ids.entry(words).or_insert_with_key(|words| {
                    table.lists.push(words.clone());
                    next
                });
                let forms = if guessed { &mut table.guessed } else { &mut table.by_form };
                forms.insert(form.into_boxed_str(), id);
            }
        }
        table
    }

    /// Whether the analyser makes `word` (any case) a function word by every reading: a query
    /// drops it (`біля`, `нашого`, `можна`; see `search::translate::without_function_words`).
    pub fn is_function_word(&self, word: &str) -> bool {
        self.function_words.contains(normalise(word).as_str())
    }

    /// Whether the table lists its analyser's function words (`-form` lines; a table written by an
    /// older `tools/cyrillic-polish.py` does not).
    pub fn has_function_words(&self) -> bool {
        !self.function_words.is_empty()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.by_form.is_empty() && self.guessed.is_empty()
    }

    /// The Polish words for a word in any form and case, best first; empty when the table does
    /// not know it.
    pub fn translate(&self, word: &str) -> &[String] {
        let form = normalise(word);
        let id = self.by_form.get(form.as_str()).or_else(|| self.guessed.get(form.as_str()));
        id.and_then(|&id| self.lists.get(id)).map_or(&[], Vec::as_slice)
    }

    /// The same, only where the analyser read the form (not where its lemma was guessed): the
    /// words that join a text whose meaning is embedded. Guessed forms' words, right or wrong,
    /// moved the meaning of the Russian judged queries away from their questions (hybrid nDCG@10
    /// 0.813 → 0.801 with them embedded, 0.818 searched only; docs/RELEVANCE.md).
    pub fn translate_analysed(&self, word: &str) -> &[String] {
        self.by_form.get(normalise(word).as_str()).and_then(|&id| self.lists.get(id)).map_or(&[], Vec::as_slice)
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

/// Lower case, with the apostrophe as the table writes it (residents type `'`, `’` or `ʼ`) and
/// `ё` as `е` (as residents mostly type it, and as the table is written).
fn normalise(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '’' | 'ʼ' | '`' => '\'',
            'ё' => 'е',
            'Ё' => 'Е',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The process's Ukrainian table, loaded on first use from [`UKRAINIAN_ENV`] or
/// [`UKRAINIAN_PATH`]; `None` where it was not generated.
pub fn ukrainian_polish() -> Option<&'static CyrillicPolish> {
    static TABLE: OnceLock<Option<CyrillicPolish>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            super::load_optional(
                UKRAINIAN_ENV,
                UKRAINIAN_PATH,
                CyrillicPolish::open,
                CyrillicPolish::is_empty,
                "no Ukrainian–Polish table: Ukrainian queries are not translated",
            )
        })
        .as_ref()
}

/// The process's Russian table, loaded on first use from [`RUSSIAN_ENV`] or [`RUSSIAN_PATH`];
/// `None` where it was not generated.
pub fn russian_polish() -> Option<&'static CyrillicPolish> {
    static TABLE: OnceLock<Option<CyrillicPolish>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            super::load_optional(
                RUSSIAN_ENV,
                RUSSIAN_PATH,
                CyrillicPolish::open,
                CyrillicPolish::is_empty,
                "no Russian–Polish table: Russian queries are not translated",
            )
        })
        .as_ref()
}

/// The installed tables to read a Cyrillic text of `language` with, in order (see [`choose`]).
pub fn tables_for(language: CyrillicLanguage) -> Vec<&'static CyrillicPolish> {
    choose(language, ukrainian_polish(), russian_polish())
}

/// The tables to read a text of `language` with, in order: its language's, or both (Ukrainian
/// first) where its letters do not tell (pure).
pub fn choose<T>(language: CyrillicLanguage, ukrainian: Option<T>, russian: Option<T>) -> Vec<T> {
    let (uk, ru) = match language {
        CyrillicLanguage::Ukrainian => (ukrainian, None),
        CyrillicLanguage::Russian => (None, russian),
        CyrillicLanguage::Either => (ukrainian, russian),
    };
    uk.into_iter().chain(ru).collect()
}

/// A letter, a digit or an apostrophe, which Ukrainian writes inside words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\'' | '’' | 'ʼ')
}

/// The Polish words of a `text` in Cyrillic letters, as the tables read them: each word's best
/// translation where the analyser read its form (one, so that a document does not swell with
/// alternatives), and the names two words make together; its function words give none. Empty
/// where `text` is not Cyrillic or no table is installed. A question a resident wrote in
/// Ukrainian, and the city's answer where it is in Ukrainian too, are indexed with them, so that
/// a Polish query's words meet them as they meet a Polish question's (pure but for the tables).
pub fn polish_words_of(text: &str) -> String {
    if !super::transliterate::is_cyrillic(text) {
        return String::new();
    }
    polish_words_with(text, &tables_for(cyrillic_language(text)))
}

/// [`polish_words_of`] with the tables given (pure).
pub fn polish_words_with(text: &str, tables: &[&CyrillicPolish]) -> String {
    let words: Vec<&str> = text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).collect();
    let mut polish: Vec<&str> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for t in tables {
            if t.is_function_word(word) {
                continue;
            }
            let named = words.get(i + 1).map_or(&[][..], |next| t.translate_name(word, next));
            polish.extend(t.translate_analysed(word).first().into_iter().chain(named).map(String::as_str));
        }
    }
    polish.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_find_their_polish_words_in_any_case_and_apostrophe() {
        let t = CyrillicPolish::from_tsv(
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
    fn a_cyrillic_text_gives_each_read_words_best_polish_word_and_its_names() {
        let t = CyrillicPolish::from_tsv(
            "уроки\tlekcja|zajęcia\tурок\nпольської\tpolski\tпольський\nдля\tdla\n-для\n\
             дитячому\tdziecięcy\tдитячий\nсадку\tsad\tсадок\n+дитячий садок\tprzedszkole\n=курси\tkurs\n",
        );
        assert_eq!(polish_words_with("Уроки польської для дітей", &[&t]), "lekcja polski");
        assert_eq!(polish_words_with("місця в дитячому садку", &[&t]), "dziecięcy przedszkole sad");
        assert_eq!(polish_words_with("курси", &[&t]), "", "a guessed form gives a text no words");
        assert_eq!(polish_words_of("Lekcje polskiego"), "", "Latin letters are no Cyrillic text");
    }

    #[test]
    fn a_form_whose_lemma_was_guessed_is_searched_but_not_embedded() {
        let t = CyrillicPolish::from_tsv("лекарство\tlekarstwo\n=лекарства\tfarmaceutyk|lekarstwo\n=когда\tgdy\n");
        assert_eq!(t.translate("Лекарства"), ["farmaceutyk", "lekarstwo"]);
        assert_eq!(t.translate_analysed("лекарство"), ["lekarstwo"]);
        assert!(t.translate_analysed("лекарства").is_empty(), "a guessed form joins no embedded text");
        assert!(t.translate("когда").is_empty(), "only stop words: no entry, guessed or not");
        let guessed_only = CyrillicPolish::from_tsv("=перчатки\trękawica\n");
        assert!(!guessed_only.is_empty());
        assert_eq!(guessed_only.translate("перчатки"), ["rękawica"]);
        // A guessed form is no part of a two-word name, even with a lemma column; an analysed
        // form's words come first where both are listed.
        let t = CyrillicPolish::from_tsv(
            "детский\tdziecięcy\tдетский\n=сада\togród\tсад\nсад\togród\tсад\n+детский сад\tprzedszkole\n=парке\tparkiet\nпарке\tpark\n",
        );
        assert!(t.translate_name("детский", "сада").is_empty());
        assert_eq!(t.translate_name("детский", "сад"), ["przedszkole"]);
        assert_eq!(t.translate("парке"), ["park"]);
    }

    #[test]
    fn function_word_lines_mark_forms_to_drop_but_not_the_words_kept() {
        let t = CyrillicPolish::from_tsv("будинку\tdom\n-біля\n-нашого\n-без\n-навколо\n");
        assert!(t.is_function_word("біля") && t.is_function_word("Нашого"));
        assert!(!t.is_function_word("будинку"), "a content word");
        assert!(!t.is_function_word("без") && !t.is_function_word("навколо"), "words a need hangs on");
        assert!(t.translate("біля").is_empty() && t.translate("будинку") == ["dom"]);
        assert!(t.has_function_words() && !CyrillicPolish::from_tsv("будинку\tdom\n").has_function_words());
    }

    #[test]
    fn two_words_that_name_one_thing_find_its_polish_name_in_any_form() {
        let t = CyrillicPolish::from_tsv(
            "дитячий\tdziecięcy\tдитячий\nдитячого\tdziecięcy\tдитячий\nсадок\togród|sad\tсадок\nсадка\togród\tсадок\nсад\togród\n+дитячий садок\tprzedszkole\n",
        );
        assert_eq!(t.translate_name("дитячий", "садок"), ["przedszkole"]);
        assert_eq!(t.translate_name("Дитячого", "садка"), ["przedszkole"]);
        assert!(t.translate_name("садок", "дитячий").is_empty(), "in order only");
        assert!(t.translate_name("дитячий", "сад").is_empty(), "a form without its lemma is no part of a name");
        assert_eq!(t.translate("садок"), ["ogród", "sad"], "each word keeps its own words");
    }

    #[test]
    fn letters_only_one_language_writes_tell_the_language() {
        use CyrillicLanguage::*;
        assert_eq!(cyrillic_language("дикі кабани біля будинків"), Ukrainian);
        assert_eq!(cyrillic_language("Їжа"), Ukrainian);
        assert_eq!(cyrillic_language("дикие кабаны возле домов"), Russian);
        assert_eq!(cyrillic_language("Жильё"), Russian);
        assert_eq!(cyrillic_language("сломан лифт"), Either);
        assert_eq!(cyrillic_language("лифт і ы"), Either, "both: no letter decides");
    }

    #[test]
    fn a_language_reads_its_own_table_and_an_unclear_text_both() {
        use CyrillicLanguage::*;
        assert_eq!(choose(Ukrainian, Some("uk"), Some("ru")), ["uk"]);
        assert_eq!(choose(Russian, Some("uk"), Some("ru")), ["ru"]);
        assert_eq!(choose(Either, Some("uk"), Some("ru")), ["uk", "ru"]);
        assert_eq!(choose(Either, None, Some("ru")), ["ru"]);
        assert!(choose(Russian, Some("uk"), None).is_empty(), "never the other language's table alone");
    }

    #[test]
    fn yo_is_read_as_ye() {
        let t = CyrillicPolish::from_tsv("жилье\tmieszkanie\n");
        assert_eq!(t.translate("жильё"), ["mieszkanie"]);
        assert_eq!(t.translate("ЖИЛЬЁ"), ["mieszkanie"]);
    }
}
