//! The strict parser of one meeting file (see `corpus/FORMAT.md`).
//!
//! It reads line by line and reports every problem it finds with its line number, instead of
//! stopping at the first: an editor fixing a file wants the whole list at once.

use std::path::Path;

use time::Date;

use super::error::Diagnostic;
use super::model::{
    parse_date, parse_question_number, Answer, District, Meeting, MeetingId, MeetingKind, Question, QuestionId, Source,
};
use super::vocab::Vocabulary;

const MARK_QUESTION: &str = "**Pytanie:**";
const MARK_ANSWER_OPEN: &str = "**Odpowiedź (";
const MARK_ANSWER_CLOSE: &str = "):**";
const MARK_DISTRICT: &str = "**Dzielnica:**";
const MARK_TOPICS: &str = "**Tematy:**";

/// Parses one meeting file's text. `path` names the file in diagnostics and gives the meeting id
/// (its stem).
pub fn parse_meeting(path: &Path, text: &str, vocab: &Vocabulary) -> Result<Meeting, Vec<Diagnostic>> {
    let mut p = Parser { path, vocab, problems: Vec::new() };
    let meeting = p.meeting(text);
    match meeting {
        Some(m) if p.problems.is_empty() => Ok(m),
        _ => Err(p.problems),
    }
}

struct Parser<'a> {
    path: &'a Path,
    vocab: &'a Vocabulary,
    problems: Vec<Diagnostic>,
}

/// The front matter as read, before it is known to be complete.
#[derive(Default)]
struct FrontMatter {
    title: Option<String>,
    date: Option<Date>,
    place: Option<String>,
    district: Option<District>,
    kind: Option<MeetingKind>,
    source: Option<Source>,
    url: Option<String>,
    dok_id: Option<u64>,
    updated: Option<Date>,
}

/// A block of a question section: what a marker line opened, and the paragraphs that followed.
enum Block {
    Question {
        line: usize,
        paragraphs: Vec<String>,
    },
    Answer {
        line: usize,
        unit: String,
        paragraphs: Vec<String>,
    },
    /// A one-line field; any text after it is an error.
    Field,
}

impl Block {
    fn paragraphs(&mut self) -> Option<&mut Vec<String>> {
        match self {
            Block::Question { paragraphs, .. } | Block::Answer { paragraphs, .. } => Some(paragraphs),
            Block::Field => None,
        }
    }
}

/// What a question section collected.
struct Section {
    line: usize,
    number: Option<u32>,
    title: String,
    blocks: Vec<Block>,
    district: Option<District>,
    topics: Vec<super::model::Topic>,
    seen_district: bool,
    seen_topics: bool,
    /// A blank line was seen since the last text line: the next text line opens a paragraph.
    paragraph_break: bool,
}

impl Parser<'_> {
    fn problem(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(self.path, line, message));
    }

    fn meeting(&mut self, text: &str) -> Option<Meeting> {
        let stem = self.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let id = match stem.parse::<MeetingId>() {
            Ok(id) => Some(id),
            Err(e) => {
                self.problem(0, format!("bad file name: {e}"));
                None
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
        // Control characters are no text anyone wrote (a damaged file, a bad copy): they would
        // reach pages, snippets and terminals as they are.
        for (i, line) in lines.iter().enumerate() {
            if let Some(c) = line.chars().find(|c| c.is_control() && *c != '\t') {
                self.problem(i + 1, format!("control character U+{:04X} (not text; remove it)", u32::from(c)));
            }
        }

        let (fm, body_start) = self.front_matter(&lines)?;
        if let (Some(id), Some(date)) = (&id, fm.date) {
            if id.date() != date {
                self.problem(
                    0,
                    format!("the file name's date {} differs from the front matter's date", &id.as_str()[..10]),
                );
            }
        }
        let (lead, questions) = self.body(&lines, body_start, fm.district.as_ref(), id.as_ref());
        if questions.is_empty() && self.problems.is_empty() {
            self.problem(lines.len().max(1), "no questions: expected a heading `## 1. <title>`");
        }
        Some(Meeting {
            id: id?,
            title: fm.title?,
            date: fm.date?,
            place: fm.place?,
            district: fm.district?,
            kind: fm.kind?,
            source: fm.source?,
            url: fm.url,
            dok_id: fm.dok_id,
            updated: fm.updated,
            lead,
            questions,
        })
    }

    /// Reads the `---` block; returns it and the index of the first body line. `None` only when the
    /// block is missing altogether (then nothing else can be read reliably).
    fn front_matter(&mut self, lines: &[&str]) -> Option<(FrontMatter, usize)> {
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            self.problem(1, "expected `---` opening the front matter");
            return None;
        }
        let Some(end) = lines.iter().skip(1).position(|l| l.trim_end() == "---").map(|i| i + 1) else {
            self.problem(1, "the front matter opened here is never closed by `---`");
            return None;
        };
        let mut fm = FrontMatter::default();
        let mut seen: Vec<&str> = Vec::new();
        for (i, raw) in lines.iter().enumerate().take(end).skip(1) {
            let line_no = i + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let Some((key, value)) = raw.split_once(':') else {
                self.problem(line_no, format!("expected `key: value` in the front matter, found {raw:?}"));
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            if seen.contains(&key) {
                self.problem(line_no, format!("front matter key `{key}` appears twice"));
                continue;
            }
            seen.push(key);
            if value.is_empty() {
                self.problem(line_no, format!("front matter key `{key}` has no value"));
                continue;
            }
            let result: Result<(), String> = match key {
                "title" => {
                    fm.title = Some(value.to_string());
                    Ok(())
                }
                "place" => {
                    fm.place = Some(value.to_string());
                    Ok(())
                }
                "url" => {
                    fm.url = Some(value.to_string());
                    Ok(())
                }
                "dok_id" => value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0 && !value.starts_with('0'))
                    .map(|n| fm.dok_id = Some(n))
                    .ok_or_else(|| format!("bad dok_id {value:?}: expected the article's number, e.g. 290478")),
                "date" => parse_date(value)
                    .map(|d| fm.date = Some(d))
                    .ok_or_else(|| format!("bad date {value:?}: expected YYYY-MM-DD")),
                "updated" => parse_date(value)
                    .map(|d| fm.updated = Some(d))
                    .ok_or_else(|| format!("bad `updated` date {value:?}: expected YYYY-MM-DD")),
                "district" => value.parse().map(|d| fm.district = Some(d)),
                "kind" => value.parse().map(|k| fm.kind = Some(k)),
                "source" => value.parse().map(|s| fm.source = Some(s)),
                _ => Err(format!(
                    "unknown front matter key `{key}` (expected title, date, place, district, kind, source, url, dok_id or updated)"
                )),
            };
            if let Err(e) = result {
                self.problem(line_no, e);
            }
        }
        for key in ["title", "date", "place", "district", "kind", "source"] {
            if !seen.contains(&key) {
                self.problem(end + 1, format!("front matter key `{key}` is missing"));
            }
        }
        Some((fm, end + 1))
    }

    /// Reads the lead paragraph and the question sections.
    fn body(
        &mut self,
        lines: &[&str],
        start: usize,
        meeting_district: Option<&District>,
        meeting: Option<&MeetingId>,
    ) -> (String, Vec<Question>) {
        let mut lead: Vec<String> = Vec::new();
        let mut lead_break = true;
        let mut sections: Vec<Section> = Vec::new();
        for (i, raw) in lines.iter().enumerate().skip(start) {
            let line_no = i + 1;
            let line = raw.trim();
            if let Some(heading) = line.strip_prefix("## ") {
                sections.push(self.heading(line_no, heading));
                continue;
            }
            if line.starts_with('#') {
                self.problem(line_no, format!("unexpected heading {line:?}: questions are `## N. <title>`"));
                continue;
            }
            match sections.last_mut() {
                None => {
                    if line.is_empty() {
                        lead_break = true;
                    } else if marker_name(line).is_some() {
                        self.problem(
                            line_no,
                            format!("{line:.20}… appears before the first question heading `## 1. <title>`"),
                        );
                    } else {
                        push_text(&mut lead, line, lead_break);
                        lead_break = false;
                    }
                }
                Some(section) => {
                    let problems = section_line(section, line_no, line, self.vocab);
                    for (l, m) in problems {
                        self.problem(l, m);
                    }
                }
            }
        }

        let mut questions = Vec::with_capacity(sections.len());
        let mut expected = 1u32;
        for section in sections {
            let Some(n) = section.number else { continue };
            if n != expected {
                if n < expected {
                    self.problem(
                        section.line,
                        format!("question number {n} is used twice or out of order: expected {expected}"),
                    );
                } else {
                    self.problem(
                        section.line,
                        format!("numbering gap: question {n} follows {}, expected {expected}", expected - 1),
                    );
                }
            }
            expected = expected.max(n) + 1;
            if let Some(q) = self.question(section, n, meeting_district, meeting) {
                questions.push(q);
            }
        }
        (lead.join("\n\n"), questions)
    }

    fn heading(&mut self, line_no: usize, heading: &str) -> Section {
        let parsed =
            heading.split_once(". ").and_then(|(n, title)| Some((parse_question_number(n.trim())?, title.trim())));
        let (number, title) = match parsed {
            Some((_, "")) | None => {
                self.problem(
                    line_no,
                    format!(
                        "bad question heading {:?}: expected `## N. <title>` with N = 1, 2, ...",
                        format!("## {heading}")
                    ),
                );
                (None, String::new())
            }
            Some((n, title)) => (Some(n), title.to_string()),
        };
        Section {
            line: line_no,
            number,
            title,
            blocks: Vec::new(),
            district: None,
            topics: Vec::new(),
            seen_district: false,
            seen_topics: false,
            paragraph_break: true,
        }
    }

    fn question(
        &mut self,
        section: Section,
        n: u32,
        meeting_district: Option<&District>,
        meeting: Option<&MeetingId>,
    ) -> Option<Question> {
        let mut text = None;
        let mut answers = Vec::new();
        // An answer with an unknown unit is reported as such, not again as a missing answer.
        let mut answer_blocks = 0;
        for block in section.blocks {
            match block {
                Block::Question { line, paragraphs } => {
                    if text.is_some() {
                        self.problem(line, format!("question {n} has a second `{MARK_QUESTION}`"));
                    } else if !answers.is_empty() {
                        self.problem(line, format!("question {n}: `{MARK_QUESTION}` must come before the answers"));
                    } else if paragraphs.is_empty() {
                        self.problem(line, format!("question {n}: `{MARK_QUESTION}` has no text"));
                    }
                    text = Some(paragraphs.join("\n\n"));
                }
                Block::Answer { line, unit, paragraphs } => {
                    answer_blocks += 1;
                    if text.is_none() {
                        self.problem(line, format!("question {n}: an answer comes before `{MARK_QUESTION}`"));
                    }
                    if paragraphs.is_empty() {
                        self.problem(line, format!("question {n}: the answer of {unit} has no text"));
                    }
                    match self.vocab.department(&unit) {
                        Some(department) => answers.push(Answer { department, text: paragraphs.join("\n\n") }),
                        None => self.problem(line, format!("unit {unit:?} is not in departments.txt")),
                    }
                }
                Block::Field => {}
            }
        }
        let Some(text) = text else {
            self.problem(section.line, format!("question {n} has no `{MARK_QUESTION}` paragraph"));
            return None;
        };
        if answer_blocks == 0 {
            self.problem(
                section.line,
                format!("question {n} has no answer: expected `**Odpowiedź (<unit>):** <text>`"),
            );
            return None;
        }
        if answers.is_empty() {
            return None;
        }
        let district = section.district.or_else(|| meeting_district.cloned())?;
        Some(Question {
            id: QuestionId { meeting: meeting?.clone(), n },
            title: section.title,
            text,
            answers,
            district,
            topics: section.topics,
            revisions: Vec::new(),
        })
    }
}

/// Handles one line inside a question section; returns the problems it found.
fn section_line(section: &mut Section, line_no: usize, line: &str, vocab: &Vocabulary) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    if line.is_empty() {
        section.paragraph_break = true;
        return problems;
    }
    let new_block = |section: &mut Section, block: Block, rest: &str| {
        section.blocks.push(block);
        section.paragraph_break = true;
        if !rest.is_empty() {
            if let Some(ps) = section.blocks.last_mut().and_then(Block::paragraphs) {
                push_text(ps, rest, true);
                section.paragraph_break = false;
            }
        }
    };
    if let Some(rest) = line.strip_prefix(MARK_QUESTION) {
        new_block(section, Block::Question { line: line_no, paragraphs: Vec::new() }, rest.trim());
    } else if let Some(rest) = line.strip_prefix(MARK_ANSWER_OPEN) {
        match rest.split_once(MARK_ANSWER_CLOSE) {
            Some((unit, text)) if !unit.trim().is_empty() => {
                let block = Block::Answer { line: line_no, unit: unit.trim().to_string(), paragraphs: Vec::new() };
                new_block(section, block, text.trim());
            }
            _ => problems
                .push((line_no, format!("bad answer marker: expected `{MARK_ANSWER_OPEN}<unit>{MARK_ANSWER_CLOSE}`"))),
        }
    } else if let Some(rest) = line.strip_prefix(MARK_DISTRICT) {
        if std::mem::replace(&mut section.seen_district, true) {
            problems.push((line_no, format!("`{MARK_DISTRICT}` appears twice in this question")));
        }
        match rest.trim().parse::<District>() {
            Ok(d) => section.district = Some(d),
            Err(e) => problems.push((line_no, e)),
        }
        section.blocks.push(Block::Field);
    } else if let Some(rest) = line.strip_prefix(MARK_TOPICS) {
        if std::mem::replace(&mut section.seen_topics, true) {
            problems.push((line_no, format!("`{MARK_TOPICS}` appears twice in this question")));
        }
        for name in rest.split(',').map(str::trim) {
            match vocab.topic(name) {
                _ if name.is_empty() => {
                    problems.push((line_no, "empty topic: expected topics separated by commas".to_string()))
                }
                Some(t) if section.topics.contains(&t) => {
                    problems.push((line_no, format!("topic {name:?} is listed twice")))
                }
                Some(t) => section.topics.push(t),
                None => problems.push((line_no, format!("topic {name:?} is not in topics.txt"))),
            }
        }
        section.blocks.push(Block::Field);
    } else if let Some(name) = marker_name(line) {
        problems.push((
            line_no,
            format!("unknown field `**{name}:**` (expected Pytanie, Odpowiedź (<unit>), Dzielnica or Tematy)"),
        ));
    } else {
        let break_before = section.paragraph_break;
        match section.blocks.last_mut() {
            None => problems.push((line_no, format!("text before `{MARK_QUESTION}`: every question starts with it"))),
            Some(Block::Field) => problems.push((
                line_no,
                "text after a `**Dzielnica:**`/`**Tematy:**` line: these one-line fields end a question".to_string(),
            )),
            Some(block) => {
                if let Some(ps) = block.paragraphs() {
                    push_text(ps, line, break_before);
                }
            }
        }
        section.paragraph_break = false;
    }
    problems
}

/// Appends a text line: as a new paragraph after a blank line, else joined to the last one with a
/// space, as Markdown renders a soft line break.
fn push_text(paragraphs: &mut Vec<String>, line: &str, new_paragraph: bool) {
    match paragraphs.last_mut() {
        Some(last) if !new_paragraph => {
            last.push(' ');
            last.push_str(line);
        }
        _ => paragraphs.push(line.to_string()),
    }
}

/// The name of a `**Name:**` or `**Name (x):**` marker opening the line, if it is one.
fn marker_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find(":**")?;
    let name = &rest[..end];
    let plausible = !name.is_empty() && name.chars().count() <= 60 && !name.contains('*');
    plausible.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::new(
            vec!["Zarząd Dróg Miasta Krakowa".into(), "Zarząd Transportu Publicznego".into()],
            vec!["drogi i chodniki".into(), "komunikacja miejska".into()],
        )
    }

    const GOOD: &str = "---\ntitle: Spotkanie w Bronowicach\ndate: 2024-06-24\nplace: Bronowice\n\
district: Dzielnica VI Bronowice\nkind: dzielnica\nsource: synthetic\n---\n\nLead line one\nand two.\n\n\
## 1. Korki na Balickiej\n\n**Pytanie:** Czy będzie buspas?\nDruga linia.\n\nDrugi akapit.\n\n\
**Odpowiedź (Zarząd Dróg Miasta Krakowa):** Analizujemy.\n\n\
**Odpowiedź (Zarząd Transportu Publicznego):** Też analizujemy.\n\n\
**Dzielnica:** Dzielnica XIII Podgórze\n**Tematy:** drogi i chodniki, komunikacja miejska\n\n\
## 2. Drugie\n\n**Pytanie:** Pytanie dwa.\n\n**Odpowiedź (Zarząd Dróg Miasta Krakowa):** Odpowiedź dwa.\n";

    fn parse(text: &str) -> Result<Meeting, Vec<Diagnostic>> {
        parse_meeting(Path::new("meetings/2024-06-24-bronowice.md"), text, &vocab())
    }

    fn problems(text: &str) -> Vec<String> {
        parse(text).expect_err("should fail").iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn parses_a_whole_meeting() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.id.as_str(), "2024-06-24-bronowice");
        assert_eq!(m.lead, "Lead line one and two.");
        assert_eq!(m.questions.len(), 2);
        let q = &m.questions[0];
        assert_eq!(q.id.to_string(), "2024-06-24-bronowice/1");
        assert_eq!(q.text, "Czy będzie buspas? Druga linia.\n\nDrugi akapit.");
        assert_eq!(q.answers.len(), 2);
        assert_eq!(q.answers[1].department.as_str(), "Zarząd Transportu Publicznego");
        assert_eq!(q.district.as_str(), "Dzielnica XIII Podgórze");
        assert_eq!(q.topics.len(), 2);
        assert_eq!(m.questions[1].district.as_str(), "Dzielnica VI Bronowice");
        assert!(m.questions[1].topics.is_empty());
    }

    #[test]
    fn accepts_crlf_and_bom() {
        let text = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        assert_eq!(parse(&text).unwrap().questions.len(), 2);
    }

    #[test]
    fn names_line_of_each_problem() {
        let bad = GOOD
            .replace("date: 2024-06-24", "date: 2024-06-31")
            .replace("Zarząd Transportu Publicznego):", "Zarząd Tramwajów):")
            .replace("komunikacja miejska\n", "komunikacja\n");
        let p = problems(&bad);
        assert!(p.iter().any(|m| m.starts_with("meetings/2024-06-24-bronowice.md:3: bad date")), "{p:?}");
        assert!(p.iter().any(|m| m.contains(":22: unit \"Zarząd Tramwajów\" is not in departments.txt")), "{p:?}");
        assert!(p.iter().any(|m| m.contains(":25: topic \"komunikacja\" is not in topics.txt")), "{p:?}");
    }

    #[test]
    fn control_characters_are_problems_on_their_line_but_tabs_are_text() {
        let damaged = GOOD.replacen("date: 2024-06-24", "date: 2024-06-24\u{0}\u{1b}[31m", 1);
        let p = problems(&damaged);
        assert!(p.iter().any(|m| m.contains(":3: control character U+0000")), "{p:?}");
        assert_eq!(p.iter().filter(|m| m.contains("control character")).count(), 1, "one per line: {p:?}");
        assert!(parse(&GOOD.replacen("Czy będzie buspas?", "Czy będzie\tbuspas?", 1)).is_ok());
    }

    #[test]
    fn reports_missing_keys_and_unknown_ones() {
        let p = problems(&GOOD.replace("place: Bronowice\n", "miejsce: Bronowice\n"));
        assert!(p.iter().any(|m| m.contains(":4: unknown front matter key `miejsce`")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("key `place` is missing")), "{p:?}");
    }

    #[test]
    fn reports_numbering_gaps_and_duplicates() {
        let p = problems(&GOOD.replace("## 2. Drugie", "## 3. Drugie"));
        assert!(p.iter().any(|m| m.contains(":27: numbering gap: question 3 follows 1, expected 2")), "{p:?}");
        let p = problems(&GOOD.replace("## 2. Drugie", "## 1. Drugie"));
        assert!(p.iter().any(|m| m.contains(":27: question number 1 is used twice")), "{p:?}");
    }

    #[test]
    fn reports_question_without_answer() {
        let text = GOOD.replace("**Odpowiedź (Zarząd Dróg Miasta Krakowa):** Odpowiedź dwa.\n", "");
        let p = problems(&text);
        assert!(p.iter().any(|m| m.contains(":27: question 2 has no answer")), "{p:?}");
    }

    #[test]
    fn reports_unknown_district_and_markers() {
        let p = problems(
            &GOOD
                .replace("Dzielnica XIII Podgórze", "Podgórze")
                .replace("**Pytanie:** Pytanie dwa.", "**Pytanko:** Pytanie dwa."),
        );
        assert!(p.iter().any(|m| m.contains(":24: unknown district \"Podgórze\"")), "{p:?}");
        assert!(p.iter().any(|m| m.contains(":29: unknown field `**Pytanko:**`")), "{p:?}");
    }

    #[test]
    fn reports_text_after_fields_and_missing_front_matter() {
        let p =
            problems(&GOOD.replace("komunikacja miejska\n\n## 2.", "komunikacja miejska\nZgubiony tekst.\n\n## 2."));
        assert!(p.iter().any(|m| m.contains(":26: text after")), "{p:?}");
        let p = problems("## 1. Bez nagłówka\n");
        assert_eq!(p, vec!["meetings/2024-06-24-bronowice.md:1: expected `---` opening the front matter"]);
    }

    #[test]
    fn file_date_must_match_front_matter() {
        let p = parse_meeting(Path::new("m/2024-06-25-bronowice.md"), GOOD, &vocab()).unwrap_err();
        assert!(p[0].message.contains("differs from the front matter"), "{p:?}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "(?s).{0,2000}") {
            let _ = parse(&text);
        }

        #[test]
        fn damaged_files_give_problems_not_panics(
            cut in 0usize..1000,
            insert in "(\\*\\*[A-Za-zż ()]{0,20}:\\*\\*|## [0-9]{0,3}\\.? ?|---|<b>|\\x00|\\r|\\u{202e}|🚋){0,3}",
        ) {
            let at = GOOD.char_indices().map(|(i, _)| i).nth(cut % GOOD.chars().count()).unwrap_or(0);
            let text = format!("{}{insert}{}", &GOOD[..at], &GOOD[at..]);
            match parse(&text) {
                Ok(m) => proptest::prop_assert!(!m.questions.is_empty()),
                Err(problems) => proptest::prop_assert!(!problems.is_empty()),
            }
        }
    }
}
