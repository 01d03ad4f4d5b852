//! The city glossary (`corpus/glossary.txt`): abbreviations and equivalent names, and residents'
//! words for the official ones, applied at query time as weighted alternatives, so the list can be
//! edited without reindexing.
//!
//! A line is a group of names joined by `=` (equivalents) or `~` (related wording); `#` starts a
//! comment. Names match query words by lemma, so any grammatical form matches.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use crate::analysis::{self, is_stop_word};

/// Weight of an equivalent name (`=`) relative to the words typed: a little below 1, so that the
/// resident's own words still rank first among equally good matches.
pub const EQUIVALENT_WEIGHT: f32 = 0.9;
/// Weight of related wording (`~`): it finds the official phrasing without outranking documents
/// that use the resident's words.
pub const RELATED_WEIGHT: f32 = 0.5;
/// Weight of a thesaurus's word the corpus prefers (see [`Glossary::with_thesaurus`]): related
/// wording, as the glossary's own `~`.
pub const THESAURUS_WEIGHT: f32 = RELATED_WEIGHT;

/// One name of a group.
#[derive(Clone, Debug)]
pub struct Name {
    /// As written.
    pub text: String,
    /// The lemma sets of its words (stop words left out), in order: exact-letter and folded
    /// lemmas together, so a name typed without Polish letters matches too.
    words: Vec<BTreeSet<String>>,
    /// Written in capitals as one word (`BO`, `ZDMK`): it matches only itself, typed in any case
    /// and with or without Polish letters, never another word's forms (`ZIM` is also a form of
    /// `zima`: "ślisko zimą" is no question about the city's investment unit); if it is also a
    /// stop word, only typed in capitals. Holds it lowercased and folded.
    abbreviation: Option<String>,
    /// An abbreviation that matches only typed in capitals: a learnt one that is also a Polish
    /// word (see [`Glossary::with_learned`]).
    capitals_only: bool,
    /// Searched as itself only, not in its other readings: a thesaurus's word for a resident's
    /// (`chcący`, not also every question with `chcieć`).
    itself_only: bool,
}

/// A group of names that stand for one another.
#[derive(Clone, Debug)]
pub struct Group {
    /// The names.
    pub names: Vec<Name>,
    /// [`EQUIVALENT_WEIGHT`] or [`RELATED_WEIGHT`].
    pub weight: f32,
}

/// A word's alternatives from the thesaurus, as names once a query asks for them: a thesaurus
/// holds thousands, and a query meets a few.
#[derive(Clone, Debug)]
struct OneWay {
    alternatives: Vec<String>,
    names: OnceLock<Vec<Name>>,
}

impl OneWay {
    fn names(&self) -> &[Name] {
        self.names.get_or_init(|| {
            self.alternatives
                .iter()
                .map(|a| Name { itself_only: true, ..Name::new(a) })
                // One word each: a phrase would be one more for the phrase cache to hold.
                .filter(|n| n.len() == 1 && n.abbreviation.is_none())
                .collect()
        })
    }
}

/// The parsed glossary.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    groups: Vec<Group>,
    /// Where each name may start: every lemma of its first word (an abbreviation by its folded
    /// form, see [`abbreviation_key`]) to its (group, name), in the groups' order. A query word
    /// is compared with the names it may start, not with all of them (over a thousand).
    by_first_word: HashMap<String, Vec<(usize, usize)>>,
    /// The thesaurus's words, one way (a resident's word to the corpus's; see
    /// [`Glossary::with_thesaurus`]), looked up by lemma in `by_lemma` and, for a word typed
    /// without Polish letters, by folded lemma in `by_folded`.
    thesaurus: Vec<OneWay>,
    by_lemma: HashMap<String, Vec<usize>>,
    by_folded: HashMap<String, Vec<usize>>,
    /// A hash of the text it was parsed from (0 for none), and of what was merged into it since:
    /// what a glossary derived from it is kept under (see [`Glossary::with_learned`]).
    fingerprint: u64,
}

/// A glossary line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlossaryProblem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The lemma set of one word: its exact-letter lemmas, and its folded lemmas marked with a
/// leading `~` (so `pływalni` and `plywalni` share `~plywalnia` without `sad` meeting `sąd` on the
/// exact side).
fn lemmas(word: &str) -> BTreeSet<String> {
    thread_local! {
        static PL: std::cell::RefCell<(tantivy::tokenizer::TextAnalyzer, tantivy::tokenizer::TextAnalyzer)> =
            std::cell::RefCell::new((analysis::polish_analyzer(false), analysis::polish_analyzer(true)));
    }
    PL.with(|a| {
        let (pl, pl_ascii) = &mut *a.borrow_mut();
        let mut set: BTreeSet<String> = analysis::analyze(pl, word).into_iter().collect();
        set.extend(analysis::analyze(pl_ascii, word).into_iter().map(|t| format!("~{t}")));
        set
    })
}

impl Name {
    fn new(text: &str) -> Name {
        let mut plain = analysis::plain_analyzer(false);
        let raw = analysis::analyze(&mut plain, text);
        let abbreviation = (raw.len() == 1
            && text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !text.chars().any(char::is_lowercase))
        .then(|| analysis::fold_polish(&raw[0].to_lowercase()));
        let words = raw
            .iter()
            .filter(|w| abbreviation.is_some() || !is_stop_word(w))
            .map(|w| {
                let l = lemmas(w);
                // A stop word kept as an abbreviation has no lemma: match it as written.
                if l.is_empty() {
                    BTreeSet::from([w.clone()])
                } else {
                    l
                }
            })
            .collect();
        Name { text: text.to_string(), words, abbreviation, capitals_only: false, itself_only: false }
    }

    /// A learnt abbreviation (`PSZOK`, `GDDKiA`) as a name that matches only itself, in capitals
    /// where it is also a Polish word; `None` for no word.
    fn learned_abbreviation(text: &str) -> Option<Name> {
        let lower = text.to_lowercase();
        if lower.split_whitespace().count() != 1 {
            return None;
        }
        let word = analysis::sgjp(false).lemmas(&lower, &mut Vec::new()) || is_stop_word(&lower);
        Some(Name {
            text: text.to_string(),
            words: vec![BTreeSet::from([lower])],
            abbreviation: Some(folded_lower(text)),
            capitals_only: word,
            itself_only: false,
        })
    }

    /// Whether `other`'s words stand, in order, among this name's (by lemmas).
    fn holds(&self, other: &Name) -> bool {
        other.words.len() <= self.words.len()
            && self.words.windows(other.words.len()).any(|w| w.iter().zip(&other.words).all(|(a, b)| !a.is_disjoint(b)))
    }

    /// Whether it is searched as itself only, not in its other readings: a thesaurus's word for a
    /// resident's.
    pub fn itself_only(&self) -> bool {
        self.itself_only
    }

    /// How many words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether it has no searchable word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether some word of this name meets its query word only without Polish letters (by a
    /// folded lemma, `~...`): a match as uncertain as any folded one.
    fn met_folded(&self, query: &[Typed]) -> bool {
        self.abbreviation.is_none()
            && self
                .words
                .iter()
                .zip(query)
                .any(|(lemma_set, typed)| lemma_set.intersection(&typed.lemmas).all(|l| l.starts_with('~')))
    }

    /// Whether this name matches the query words `query` from their start.
    fn matches(&self, query: &[Typed]) -> bool {
        if self.words.is_empty() || query.len() < self.words.len() {
            return false;
        }
        if let Some(written) = &self.abbreviation {
            let typed = &query[0];
            return analysis::fold_polish(&typed.lower) == *written
                && (typed.capitals || !(self.capitals_only || is_stop_word(&typed.lower)));
        }
        self.words.iter().zip(query).all(|(lemma_set, typed)| !lemma_set.is_disjoint(&typed.lemmas))
    }
}

/// Lowercase, without Polish letters: how abbreviations are compared.
fn folded_lower(text: &str) -> String {
    analysis::fold_polish(&text.to_lowercase())
}

/// Whether a name of `len` words of `group` is a better match than the best so far (`best_len`
/// words of `best`): longer, or as long and an equivalent where the best is related wording (a
/// resident's line naming `Punkt Selektywnej Zbiórki Odpadów Komunalnych` must not hide that
/// it is `PSZOK`). Otherwise the first found stays.
fn longer_or_surer(len: usize, group: &Group, best_len: usize, best: &Group) -> bool {
    len > best_len || (len == best_len && group.weight > best.weight)
}

/// An abbreviation's key among the first words' lemmas (which never start with a control
/// character).
fn abbreviation_key(folded: &str) -> String {
    format!("\u{1}{folded}")
}

/// A query word as typed, analysed once for all the names it is compared with.
struct Typed {
    lower: String,
    capitals: bool,
    lemmas: BTreeSet<String>,
}

impl Typed {
    fn new(word: &str) -> Typed {
        let lower = word.to_lowercase();
        let lemmas = lemmas(&lower);
        let lemmas = if lemmas.is_empty() { BTreeSet::from([lower.clone()]) } else { lemmas };
        Typed { capitals: word.chars().all(|c| !c.is_lowercase()), lower, lemmas }
    }
}

/// A glossary match: query words `start..start + len` name something of `group`.
#[derive(Clone, Debug)]
pub struct Match<'a> {
    /// First query word.
    pub start: usize,
    /// Number of query words.
    pub len: usize,
    /// The other names of the group (or the thesaurus's words for the query word), with their
    /// weight.
    pub alternatives: Vec<(&'a Name, f32)>,
    /// Related wording (`~`, or the thesaurus's): the query's words stay words, each also
    /// satisfied by the alternatives; equivalents (`=`) make the words one name.
    pub related: bool,
    /// Met only without Polish letters (see `Name::met_folded`).
    pub folded: bool,
    /// The name met is written with a capital (`Generalna Dyrekcja Dróg Krajowych i
    /// Autostrad`): a proper name, whose words stay together even as related wording.
    pub proper: bool,
}

impl Glossary {
    /// Parses glossary text; every bad line is reported.
    pub fn parse(text: &str) -> Result<Glossary, Vec<GlossaryProblem>> {
        let mut groups = Vec::new();
        let mut problems = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (sep, weight) = match (line.contains(" = "), line.contains(" ~ ")) {
                (true, false) => (" = ", EQUIVALENT_WEIGHT),
                (false, true) => (" ~ ", RELATED_WEIGHT),
                (true, true) => {
                    problems
                        .push(GlossaryProblem { line: i + 1, message: "mixes `=` and `~`; use one per line".into() });
                    continue;
                }
                (false, false) => {
                    problems.push(GlossaryProblem {
                        line: i + 1,
                        message: "expected names joined by ` = ` or ` ~ `".into(),
                    });
                    continue;
                }
            };
            let names: Vec<Name> = line.split(sep).map(|n| Name::new(n.trim())).collect();
            if let Some(empty) = names.iter().find(|n| n.is_empty()) {
                problems
                    .push(GlossaryProblem { line: i + 1, message: format!("{:?} has no searchable word", empty.text) });
                continue;
            }
            groups.push(Group { names, weight });
        }
        if problems.is_empty() {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut hasher);
            let mut glossary = Glossary { groups, fingerprint: hasher.finish(), ..Glossary::default() };
            glossary.index_first_words();
            Ok(glossary)
        } else {
            Err(problems)
        }
    }

    /// Reads and parses a glossary file; a missing file is an empty glossary (it is optional).
    /// Errors name the file and line.
    pub fn read(path: &std::path::Path) -> Result<Glossary, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Glossary::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        Glossary::parse(&text).map_err(|problems| {
            let lines: Vec<String> =
                problems.iter().map(|p| format!("{}:{}: {}", path.display(), p.line, p.message)).collect();
            lines.join("\n")
        })
    }

    /// A hash of the text it was parsed from: two glossaries of one text share it.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// This glossary and the abbreviations a corpus spells out (see
    /// [`analysis::spelled_out`]), each as a group of equivalents. The glossary, written by someone
    /// who knows the city, keeps its own: an abbreviation it lists (in any case) adds nothing, and
    /// neither does one whose long form holds a name of the glossary's equivalents (`Zarząd Inwestycji Miejskich w
    /// Krakowie (ZIMK)` would otherwise, as the longer match, hide the glossary's `ZIM` line). A
    /// learnt abbreviation that is also a Polish word (`DOM`) matches only typed in capitals.
    pub fn with_learned(&self, learned: &[analysis::LearnedAbbreviation]) -> Glossary {
        use std::hash::{Hash, Hasher};
        let mut merged = self.clone();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.fingerprint.hash(&mut hasher);
        let listed: BTreeSet<String> =
            self.names().filter(|n| n.text.split_whitespace().count() == 1).map(|n| folded_lower(&n.text)).collect();
        for l in learned {
            l.abbreviation.hash(&mut hasher);
            l.long_forms.hash(&mut hasher);
            if listed.contains(&folded_lower(&l.abbreviation)) {
                continue;
            }
            let mut longs: Vec<Name> = Vec::new();
            for long in &l.long_forms {
                let name = Name::new(long);
                // Forms written alike but for their endings are one name.
                if !name.is_empty() && name.abbreviation.is_none() && !longs.iter().any(|n| n.words == name.words) {
                    longs.push(name);
                }
            }
            // Only an equivalent's name stands for the abbreviation: related wording (`punkt
            // zbiórki odpadów ~ ...`) is no reason to forget `PSZOK`.
            let holds_a_name = |n: &Name| {
                self.groups
                    .iter()
                    .filter(|g| g.weight == EQUIVALENT_WEIGHT)
                    .flat_map(|g| &g.names)
                    .any(|m| m.abbreviation.is_none() && m.len() >= 2 && n.holds(m))
            };
            if longs.is_empty() || longs.iter().any(holds_a_name) {
                continue;
            }
            let Some(abbreviation) = Name::learned_abbreviation(&l.abbreviation) else { continue };
            let names = std::iter::once(abbreviation).chain(longs).collect();
            merged.groups.push(Group { names, weight: EQUIVALENT_WEIGHT });
        }
        merged.index_first_words();
        merged.fingerprint = hasher.finish();
        merged
    }

    /// Fills [`Glossary::by_first_word`] from the groups.
    fn index_first_words(&mut self) {
        let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (g, group) in self.groups.iter().enumerate() {
            for (k, name) in group.names.iter().enumerate() {
                let keys: Vec<String> = match &name.abbreviation {
                    Some(written) => vec![abbreviation_key(written)],
                    None => name.words.first().into_iter().flatten().cloned().collect(),
                };
                for key in keys {
                    let at = index.entry(key).or_default();
                    if at.last() != Some(&(g, k)) {
                        at.push((g, k));
                    }
                }
            }
        }
        self.by_first_word = index;
    }

    /// This glossary and the words of a thesaurus an index attests (see
    /// [`analysis::thesaurus::attested`]), one way: a query word that is one of them (typed with
    /// Polish letters, by lemma; without, by its folded lemma, where the index keeps one) also
    /// searches the words the corpus uses for it, at [`THESAURUS_WEIGHT`] (see
    /// [`Glossary::thesaurus_match`]; [`Glossary::find`] is the glossary's own).
    pub fn with_thesaurus(&self, words: &[analysis::thesaurus::Alternatives]) -> Glossary {
        use std::hash::{Hash, Hasher};
        let mut merged = self.clone();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.fingerprint.hash(&mut hasher);
        for w in words {
            w.hash(&mut hasher);
            let at = merged.thesaurus.len();
            merged.thesaurus.push(OneWay { alternatives: w.alternatives.clone(), names: OnceLock::new() });
            merged.by_lemma.entry(w.word.clone()).or_default().push(at);
            if let Some(folded) = &w.folded {
                merged.by_folded.entry(folded.clone()).or_default().push(at);
            }
        }
        merged.fingerprint = hasher.finish();
        merged
    }

    /// Whether it holds a thesaurus's words (see [`Glossary::with_thesaurus`]).
    pub fn has_thesaurus(&self) -> bool {
        !self.thesaurus.is_empty()
    }

    /// The thesaurus's alternatives of query word `word` (as typed) at `start`, each name once;
    /// `None` where it has none. The caller asks only for a word the glossary does not name and no
    /// question has (see [`Glossary::with_thesaurus`]).
    pub fn thesaurus_match(&self, word: &str, start: usize) -> Option<Match<'_>> {
        if self.thesaurus.is_empty() {
            return None;
        }
        let alternatives = self.thesaurus_alternatives(&Typed::new(word));
        (!alternatives.is_empty()).then_some(Match {
            start,
            len: 1,
            alternatives,
            related: true,
            folded: false,
            proper: false,
        })
    }

    fn thesaurus_alternatives(&self, typed: &Typed) -> Vec<(&Name, f32)> {
        // A word typed with Polish letters is looked up by its lemmas (`sąd` is no `sad`); one
        // typed without, by its folded lemmas only, which the index keeps only where no word of
        // the corpus folds alike (`sad` may be the corpus's `sąd`).
        let plain = typed.lower.is_ascii();
        let mut found: Vec<(&Name, f32)> = Vec::new();
        for lemma in &typed.lemmas {
            let at = match lemma.strip_prefix('~') {
                Some(folded) if plain => self.by_folded.get(folded),
                None if !plain => self.by_lemma.get(lemma),
                _ => None,
            };
            for &at in at.into_iter().flatten() {
                for name in self.thesaurus[at].names() {
                    if !found.iter().any(|(n, _)| n.text == name.text) {
                        found.push((name, THESAURUS_WEIGHT));
                    }
                }
            }
        }
        found
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Every name of every group.
    pub fn names(&self) -> impl Iterator<Item = &Name> {
        self.groups.iter().flat_map(|g| &g.names)
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Whether `word` (as typed) is an abbreviation of the glossary written in capitals, so that
    /// the query keeps it even though it is also a stop word (`BO`).
    pub fn is_abbreviation(&self, word: &str) -> bool {
        if word.chars().count() < 2 || word.chars().any(char::is_lowercase) {
            return false;
        }
        let typed = Typed::new(word);
        let at = self.by_first_word.get(&abbreviation_key(&folded_lower(word)));
        at.into_iter().flatten().any(|&(g, k)| {
            let n = &self.groups[g].names[k];
            n.abbreviation.is_some() && n.matches(std::slice::from_ref(&typed))
        })
    }

    /// Non-overlapping matches in `words`, longest names first, left to right.
    pub fn find(&self, words: &[String]) -> Vec<Match<'_>> {
        let words: Vec<Typed> = words.iter().map(|w| Typed::new(w)).collect();
        self.matched(&words)
            .into_iter()
            .map(|(start, g, k)| {
                let (group, name) = (&self.groups[g], &self.groups[g].names[k]);
                let alternatives =
                    group.names.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, n)| (n, group.weight)).collect();
                let (folded, proper) = (name.met_folded(&words[start..]), name.text.chars().any(char::is_uppercase));
                let related = group.weight == RELATED_WEIGHT;
                Match { start, len: name.len(), alternatives, related, folded, proper }
            })
            .collect()
    }

    /// The groups a text names, as [`Glossary::find`] matches them in its words (`words`, stop
    /// words left out), each once, in the order met: what the text is about in the glossary's
    /// terms, whichever of a group's names it uses.
    pub fn groups_named(&self, words: &[String]) -> Vec<usize> {
        let words: Vec<Typed> = words.iter().map(|w| Typed::new(w)).collect();
        let mut out: Vec<usize> = Vec::new();
        for (_, g, _) in self.matched(&words) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// The non-overlapping matches in `words` as (first word, group, name), longest names first,
    /// left to right.
    fn matched(&self, words: &[Typed]) -> Vec<(usize, usize, usize)> {
        if self.groups.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut i = 0;
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        while i < words.len() {
            // The names this word may start, in the groups' order (see `longer_or_surer`).
            candidates.clear();
            let typed = &words[i];
            let abbreviation = abbreviation_key(&folded_lower(&typed.lower));
            for key in typed.lemmas.iter().chain(std::iter::once(&abbreviation)) {
                candidates.extend(self.by_first_word.get(key).into_iter().flatten());
            }
            candidates.sort_unstable();
            candidates.dedup();
            let mut best: Option<(usize, &Group, usize, usize)> = None;
            for &(g, k) in &candidates {
                let (group, n) = (&self.groups[g], &self.groups[g].names[k]);
                if best.is_none_or(|(len, b, _, _)| longer_or_surer(n.len(), group, len, b)) && n.matches(&words[i..]) {
                    best = Some((n.len(), group, g, k));
                }
            }
            match best {
                Some((len, _, g, k)) => {
                    out.push((i, g, k));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    const TEXT: &str =
        "# units\nZDMK = Zarząd Dróg Miasta Krakowa\nBO = budżet obywatelski\n\ndziura ~ ubytek w nawierzchni\n";

    #[test]
    fn parses_groups_and_reports_bad_lines() {
        let g = Glossary::parse(TEXT).unwrap();
        assert_eq!(g.len(), 3);
        let err = Glossary::parse("ZDMK\nA = B ~ C\nok = dobrze\n").unwrap_err();
        assert_eq!(err.iter().map(|p| p.line).collect::<Vec<_>>(), vec![1, 2]);
    }

    /// [`Glossary::find`] as it was before names were looked up by their first word: every name
    /// compared with every query word.
    fn find_by_scan<'a>(glossary: &'a Glossary, words: &[String]) -> Vec<(usize, usize, Vec<&'a str>)> {
        let words: Vec<Typed> = words.iter().map(|w| Typed::new(w)).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<(usize, &Group, usize)> = None;
            for g in &glossary.groups {
                for (k, n) in g.names.iter().enumerate() {
                    if best.is_none_or(|(len, b, _)| longer_or_surer(n.len(), g, len, b)) && n.matches(&words[i..]) {
                        best = Some((n.len(), g, k));
                    }
                }
            }
            match best {
                Some((len, g, k)) => {
                    let others = g.names.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, n)| n.text.as_str());
                    out.push((i, len, others.collect()));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Looking names up by their first word finds what comparing every name finds, for every
    /// name of the bundled glossary typed alone, in another form, among other words, in
    /// capitals and without Polish letters, and with the abbreviations the corpus spells out.
    #[test]
    fn names_looked_up_by_first_word_match_as_a_scan_of_all() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/glossary.txt");
        let glossary = Glossary::read(&path).expect("glossary").with_learned(&[
            learned("PSZOK", &["Punkt Selektywnego Zbierania Odpadów Komunalnych"]),
            learned("DOM", &["Dzienny Ośrodek Mieszkaniowy"]),
        ]);
        assert!(glossary.len() > 40, "{}", glossary.len());
        let mut texts: Vec<String> = Vec::new();
        for name in glossary.names() {
            let t = &name.text;
            texts.extend([
                t.clone(),
                format!("gdzie {t} przy szkole"),
                format!("{} nocą", t.to_uppercase()),
                crate::analysis::fold_polish(&t.to_lowercase()),
                format!("{t}ami i {t}ów"),
            ]);
        }
        let mut found = 0;
        for text in &texts {
            let w = words(text);
            let indexed: Vec<(usize, usize, Vec<&str>)> = glossary
                .find(&w)
                .into_iter()
                .map(|m| (m.start, m.len, m.alternatives.iter().map(|(n, _)| n.text.as_str()).collect()))
                .collect();
            assert_eq!(indexed, find_by_scan(&glossary, &w), "{text:?}");
            found += usize::from(!indexed.is_empty());
        }
        assert!(found > texts.len() / 2, "{found} of {} texts matched a name", texts.len());
    }

    #[test]
    fn matches_any_form_by_lemma() {
        let g = Glossary::parse(TEXT).unwrap();
        let m = g.find(&words("remont Zarządu Dróg Miasta Krakowa"));
        assert_eq!((m[0].start, m[0].len), (1, 4));
        assert_eq!(m[0].alternatives[0].0.text, "ZDMK");
        let m = g.find(&words("dziurami na ulicy"));
        assert_eq!((m[0].start, m[0].len, m[0].alternatives[0].1), (0, 1, RELATED_WEIGHT));
        let m = g.find(&words("zarzad drog miasta krakowa"));
        assert_eq!((m[0].start, m[0].len), (0, 4), "typed without Polish letters");
        assert_eq!(g.find(&words("zdmk"))[0].alternatives[0].0.text, "Zarząd Dróg Miasta Krakowa");
    }

    #[test]
    fn abbreviations_that_are_stop_words_need_capitals() {
        let g = Glossary::parse(TEXT).unwrap();
        assert!(g.find(&words("bo nie działa")).is_empty());
        assert_eq!(g.find(&words("BO 2025")).len(), 1);
        assert!(g.is_abbreviation("BO"));
        assert!(!g.is_abbreviation("bo"));
        assert!(!g.is_abbreviation("NIE"));
    }

    #[test]
    fn abbreviations_match_only_themselves() {
        let g =
            Glossary::parse("ZIM = Zarząd Inwestycji Miejskich\nMOPS = Miejski Ośrodek Pomocy Społecznej\n").unwrap();
        for q in ["ślisko na chodnikach zimą", "zima w mieście", "mopsy na spacerze"] {
            assert!(g.find(&words(q)).is_empty(), "{q}");
        }
        // (The query parser splits `MOPS-u` into `MOPS` and the stop word `u`.)
        for q in ["ZIM remont", "zim remont", "pomoc z MOPS", "mops"] {
            assert_eq!(g.find(&words(q)).len(), 1, "{q}");
        }
        let m = g.find(&words("Zarządu Inwestycji Miejskich"));
        assert_eq!(m[0].alternatives[0].0.text, "ZIM", "the full name still finds the abbreviation");
    }

    fn learned(abbreviation: &str, long_forms: &[&str]) -> analysis::LearnedAbbreviation {
        analysis::LearnedAbbreviation {
            abbreviation: abbreviation.into(),
            long_forms: long_forms.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn learned_abbreviations_join_unless_the_glossary_has_them() {
        let g = Glossary::parse(
            "SCT = Strefa Czystego Transportu\nGDDKiA = Generalna Dyrekcja Dróg Krajowych i Autostrad\nZIM = Zarząd Inwestycji Miejskich\nśmieci ~ odpady ~ odpady komunalne\n",
        )
        .unwrap();
        let merged = g.with_learned(&[
            learned(
                "PSZOK",
                &[
                    "Punktach Selektywnego Zbierania Odpadów Komunalnych",
                    "Punkt Selektywnego Zbierania Odpadów Komunalnych",
                    "Punktu Selektywnej Zbiórki Odpadów Komunalnych",
                ],
            ),
            learned("SCT", &["Strefy Czystego Transportu"]),
            learned("GDDKiA", &["Generalnej Dyrekcji Dróg Krajowych i Autostrad"]),
            learned("ZIMK", &["Zarząd Inwestycji Miejskich w Krakowie"]),
            learned("DOM", &["Dzienny Ośrodek Mieszkaniowy"]),
        ]);
        assert_eq!(
            merged.len(),
            6,
            "PSZOK (whose name holds only related wording of the glossary, `odpady komunalne`) and DOM join; SCT, GDDKiA (in any case) and ZIMK (holding the name of ZIM's equivalent) do not"
        );
        let m = merged.find(&words("pszok co przyjmuje"));
        let names: Vec<&str> = m[0].alternatives.iter().map(|(n, _)| n.text.as_str()).collect();
        assert_eq!(
            names,
            ["Punktach Selektywnego Zbierania Odpadów Komunalnych", "Punktu Selektywnej Zbiórki Odpadów Komunalnych"],
            "two forms of one name are one alternative"
        );
        let zim = merged.find(&words("Zarząd Inwestycji Miejskich w Krakowie"));
        assert_eq!(zim[0].alternatives[0].0.text, "ZIM", "the glossary's line is not hidden by a longer learnt one");
        assert!(merged.find(&words("nowy dom")).is_empty(), "a learnt abbreviation that is a word needs capitals");
        assert_eq!(merged.find(&words("nowy DOM")).len(), 1);
        assert_ne!(merged.fingerprint(), g.fingerprint());
        assert_eq!(g.with_learned(&[]).len(), 4);
    }

    /// A resident's line naming a learnt abbreviation's long form, as long as the long form,
    /// does not hide the abbreviation: the equivalent wins a tie in length.
    #[test]
    fn an_equivalent_wins_over_related_wording_as_long() {
        let g = Glossary::parse("punkt zbiórki odpadów ~ Punkt Selektywnego Zbierania Odpadów Komunalnych\n").unwrap();
        let merged = g.with_learned(&[learned("PSZOK", &["Punkt Selektywnego Zbierania Odpadów Komunalnych"])]);
        assert_eq!(merged.len(), 2, "PSZOK is learnt");
        let m = merged.find(&words("Punkt Selektywnego Zbierania Odpadów Komunalnych"));
        let names: Vec<&str> = m[0].alternatives.iter().map(|(n, _)| n.text.as_str()).collect();
        assert_eq!(names, ["PSZOK"]);
        assert!(!m[0].related);
    }

    fn alternatives(word: &str, folded: Option<&str>, alternatives: &[&str]) -> analysis::thesaurus::Alternatives {
        analysis::thesaurus::Alternatives {
            word: word.into(),
            folded: folded.map(str::to_string),
            alternatives: alternatives.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn thesaurus_words_reach_the_corpus_s_one_way() {
        let g = Glossary::parse(TEXT).unwrap();
        let t = g.with_thesaurus(&[
            alternatives("menel", Some("menel"), &["pijak", "uzależniony", "osoba uzależniona"]),
            alternatives("sad", Some("sad"), &["ogród"]),
            alternatives("żebrać", None, &["prosić"]),
            alternatives("ślizgawka", Some("slizgawka"), &["lodowisko"]),
        ]);
        let texts = |word: &str| -> Vec<(String, f32)> {
            t.thesaurus_match(word, 3)
                .map(|m| {
                    assert_eq!((m.start, m.len), (3, 1));
                    m.alternatives.iter().map(|(n, w)| (n.text.clone(), *w)).collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            texts("menele"),
            [("pijak".to_string(), THESAURUS_WEIGHT), ("uzależniony".to_string(), THESAURUS_WEIGHT)],
            "by the lemma of any form; one word each"
        );
        assert!(texts("pijak").is_empty(), "one way: the corpus's word is not widened");
        assert!(t.find(&words("menele pod sklepem")).is_empty(), "the glossary's own matches only");
        assert_eq!(texts("sad"), [("ogród".to_string(), THESAURUS_WEIGHT)], "typed plain, by its folded lemma");
        assert!(texts("sąd").is_empty(), "`sąd`, typed with Polish letters, is no `sad`");
        assert_eq!(texts("MENELE").len(), 2);
        assert_eq!(texts("slizgawka").len(), 1, "typed plain");
        assert_eq!(texts("żebrać").len(), 1);
        assert!(texts("zebrac").is_empty(), "typed plain, `zebrac` may be the corpus's `zebranie`");
        assert!(g.thesaurus_match("menele", 0).is_none());
        assert_ne!(t.fingerprint(), g.fingerprint());
        assert_eq!(t.len(), g.len(), "no group of the glossary's own is added");
    }
}
