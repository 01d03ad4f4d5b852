//! The closed vocabularies of the corpus: districts (fixed by the city's statute) and the
//! departments and topics a corpus lists in `departments.txt` and `topics.txt`.

use std::path::Path;

use super::error::{CorpusError, Diagnostic};
use super::model::{Department, Topic};

/// The 18 official districts of Kraków, then the value for meetings tied to none.
pub const DISTRICTS: [&str; 19] = [
    "Dzielnica I Stare Miasto",
    "Dzielnica II Grzegórzki",
    "Dzielnica III Prądnik Czerwony",
    "Dzielnica IV Prądnik Biały",
    "Dzielnica V Krowodrza",
    "Dzielnica VI Bronowice",
    "Dzielnica VII Zwierzyniec",
    "Dzielnica VIII Dębniki",
    "Dzielnica IX Łagiewniki-Borek Fałęcki",
    "Dzielnica X Swoszowice",
    "Dzielnica XI Podgórze Duchackie",
    "Dzielnica XII Bieżanów-Prokocim",
    "Dzielnica XIII Podgórze",
    "Dzielnica XIV Czyżyny",
    "Dzielnica XV Mistrzejowice",
    "Dzielnica XVI Bieńczyce",
    "Dzielnica XVII Wzgórza Krzesławickie",
    "Dzielnica XVIII Nowa Huta",
    "Cały Kraków",
];

/// The departments and topics a corpus allows.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    departments: Vec<String>,
    topics: Vec<String>,
}

impl Vocabulary {
    /// Builds a vocabulary from lists of names (blank lines and `#` comments already removed).
    pub fn new(departments: Vec<String>, topics: Vec<String>) -> Vocabulary {
        Vocabulary { departments, topics }
    }

    /// Reads `departments.txt` and `topics.txt` from a corpus directory.
    pub fn load(dir: &Path) -> Result<Vocabulary, CorpusError> {
        let departments = read_list(&dir.join("departments.txt"))?;
        let topics = read_list(&dir.join("topics.txt"))?;
        Ok(Vocabulary { departments, topics })
    }

    /// The canonical department of that exact name.
    pub fn department(&self, name: &str) -> Option<Department> {
        self.departments.iter().find(|d| *d == name).map(|d| Department::new_unchecked(d))
    }

    /// The topic of that exact name.
    pub fn topic(&self, name: &str) -> Option<Topic> {
        self.topics.iter().find(|t| *t == name).map(|t| Topic::new_unchecked(t))
    }

    /// All department names, in file order.
    pub fn departments(&self) -> &[String] {
        &self.departments
    }

    /// All topic names, in file order.
    pub fn topics(&self) -> &[String] {
        &self.topics
    }
}

/// One name per line; blank lines and lines starting with `#` are skipped; a name listed twice is
/// an error, since it would make facet counts ambiguous.
fn read_list(path: &Path) -> Result<Vec<String>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|e| CorpusError::io(path, e))?;
    let mut out: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() || name.starts_with('#') {
            continue;
        }
        if out.iter().any(|n| n == name) {
            problems.push(Diagnostic::new(path, i + 1, format!("{name:?} is listed twice")));
            continue;
        }
        out.push(name.to_string());
    }
    if out.is_empty() {
        problems.push(Diagnostic::new(path, 1, "the list is empty"));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(CorpusError::Invalid(problems))
    }
}
