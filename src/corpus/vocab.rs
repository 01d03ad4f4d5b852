//! The closed vocabularies of the corpus: districts (fixed by the city's statute) and the
//! departments and topics a corpus lists in `departments.txt` and `topics.txt`.

use std::path::Path;

use super::error::{CorpusError, Diagnostic};
use super::model::{Department, District, Topic};

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
    /// `units.txt`: the abbreviations that lead answers on the city's pages, with their unit.
    units: Vec<(String, Department)>,
    /// `places.txt`: a meeting slug's district, where the importer cannot tell it from the name.
    places: Vec<(String, District)>,
}

impl Vocabulary {
    /// Builds a vocabulary from lists of names (blank lines and `#` comments already removed).
    pub fn new(departments: Vec<String>, topics: Vec<String>) -> Vocabulary {
        Vocabulary { departments, topics, ..Vocabulary::default() }
    }

    /// Reads `departments.txt` and `topics.txt` from a corpus directory, and the optional import
    /// tables `units.txt` and `places.txt` (every unit named must be in `departments.txt`).
    pub fn load(dir: &Path) -> Result<Vocabulary, CorpusError> {
        let departments = read_list(&dir.join("departments.txt"))?;
        let topics = read_list(&dir.join("topics.txt"))?;
        let mut vocab = Vocabulary { departments, topics, ..Vocabulary::default() };
        let mut problems = Vec::new();
        let units_path = dir.join(UNITS_FILE);
        for (line, abbr, name) in read_table(&units_path)? {
            match vocab.department(&name) {
                Some(d) if vocab.units.iter().all(|(a, _)| *a != abbr) => vocab.units.push((abbr, d)),
                Some(_) => problems.push(Diagnostic::new(&units_path, line, format!("{abbr:?} is listed twice"))),
                None => problems.push(Diagnostic::new(
                    &units_path,
                    line,
                    format!("unit {name:?} (for {abbr}) is not in departments.txt"),
                )),
            }
        }
        let places_path = dir.join(PLACES_FILE);
        for (line, slug, district) in read_table(&places_path)? {
            match district.parse::<District>() {
                Ok(d) => vocab.places.push((slug, d)),
                Err(e) => problems.push(Diagnostic::new(&places_path, line, e)),
            }
        }
        if problems.is_empty() {
            Ok(vocab)
        } else {
            Err(CorpusError::Invalid(problems))
        }
    }

    /// The unit an abbreviation on the city's pages stands for (`units.txt`).
    pub fn unit(&self, abbreviation: &str) -> Option<Department> {
        self.units.iter().find(|(a, _)| a == abbreviation).map(|(_, d)| d.clone())
    }

    /// The district written for a meeting slug in `places.txt`.
    pub fn place_district(&self, slug: &str) -> Option<District> {
        self.places.iter().find(|(s, _)| s == slug).map(|(_, d)| d.clone())
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

/// The table of unit abbreviations: `ABBR Full name` per line.
pub const UNITS_FILE: &str = "units.txt";
/// The table of places: `slug Dzielnica ...` per line.
pub const PLACES_FILE: &str = "places.txt";

/// An optional two-column table: the first word, then the rest of the line; blank lines and `#`
/// comments skipped. A missing file is an empty table (only imports need these).
fn read_table(path: &Path) -> Result<Vec<(usize, String, String)>, CorpusError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CorpusError::io(path, e)),
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((key, value)) if !value.trim().is_empty() => {
                rows.push((i + 1, key.to_string(), value.trim().to_string()))
            }
            _ => problems.push(Diagnostic::new(path, i + 1, format!("expected `<key> <name>`, found {line:?}"))),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(CorpusError::Invalid(problems))
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
