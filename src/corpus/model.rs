//! The corpus model: meetings, questions and answers, with the identifiers and vocabulary values
//! parsed once at the edge so the rest of the program never handles raw strings for them.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};
use time::Date;

use super::vocab;

/// A meeting id: the file stem `YYYY-MM-DD-slug` (slug: ASCII lowercase words joined by `-`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeetingId(String);

impl MeetingId {
    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The date its first ten characters name.
    pub fn date(&self) -> Date {
        // Validated in `from_str`, so parsing cannot fail here.
        parse_date(&self.0[..10]).expect("a MeetingId starts with a valid date")
    }
}

impl FromStr for MeetingId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok_len = s.len() > 11 && s.is_char_boundary(10) && s.as_bytes()[10] == b'-';
        if !ok_len || parse_date(&s[..10]).is_none() {
            return Err(format!("meeting id {s:?} does not start with a date YYYY-MM-DD-"));
        }
        let slug = &s[11..];
        let slug_ok = !slug.is_empty()
            && slug
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !slug_ok {
            return Err(format!("meeting id {s:?}: the slug must be lowercase ASCII words joined by '-'"));
        }
        Ok(MeetingId(s.to_string()))
    }
}

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MeetingId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A question id, `<meeting id>/<n>`: part of the public contract, never renumbered.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionId {
    /// The meeting the question was asked at.
    pub meeting: MeetingId,
    /// Its number within the meeting, from 1.
    pub n: u32,
}

impl FromStr for QuestionId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (meeting, n) =
            s.split_once('/').ok_or_else(|| format!("question id {s:?} is not of the form <meeting>/<n>"))?;
        let meeting = meeting.parse()?;
        let n = parse_question_number(n)
            .ok_or_else(|| format!("question id {s:?}: {n:?} is not a question number (1, 2, ...)"))?;
        Ok(QuestionId { meeting, n })
    }
}

/// A question number as written in an id or heading: digits only, no leading zero, at least 1.
pub fn parse_question_number(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 6 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.meeting, self.n)
    }
}

impl Serialize for QuestionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Declares a newtype over a canonical vocabulary value (district, department, topic): it can only
/// be made by looking the name up, so holding one proves the name is valid.
macro_rules! vocab_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The canonical name.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub(crate) fn new_unchecked(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

vocab_newtype!(
    /// One of Kraków's 18 districts (`Dzielnica VI Bronowice`) or `Cały Kraków`.
    District
);
vocab_newtype!(
    /// A city unit's canonical name from `departments.txt`.
    Department
);
vocab_newtype!(
    /// A topic from `topics.txt`.
    Topic
);

impl FromStr for District {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        vocab::DISTRICTS
            .iter()
            .find(|d| **d == s)
            .map(|d| District::new_unchecked(d))
            .ok_or_else(|| format!("unknown district {s:?} (expected `Dzielnica <roman> <name>` or `Cały Kraków`)"))
    }
}

/// What kind of meeting it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingKind {
    /// A meeting in a district.
    Dzielnica,
    /// An online meeting.
    Online,
    /// With school pupils.
    Uczniowie,
    /// With students.
    Studenci,
    /// With seniors.
    Seniorzy,
    /// At an event (a festival).
    Wydarzenie,
}

impl MeetingKind {
    /// All kinds, in the order FORMAT.md lists them.
    pub const ALL: [MeetingKind; 6] = [
        MeetingKind::Dzielnica,
        MeetingKind::Online,
        MeetingKind::Uczniowie,
        MeetingKind::Studenci,
        MeetingKind::Seniorzy,
        MeetingKind::Wydarzenie,
    ];

    /// The name used in the corpus and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Dzielnica => "dzielnica",
            MeetingKind::Online => "online",
            MeetingKind::Uczniowie => "uczniowie",
            MeetingKind::Studenci => "studenci",
            MeetingKind::Seniorzy => "seniorzy",
            MeetingKind::Wydarzenie => "wydarzenie",
        }
    }
}

impl FromStr for MeetingKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MeetingKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            format!("unknown kind {s:?} (expected dzielnica, online, uczniowie, studenci, seniorzy or wydarzenie)")
        })
    }
}

/// Where a meeting's texts come from: the demo corpus written for the project, or the city's pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    /// Written for the project as a demo; not the city's official answers.
    #[serde(rename = "synthetic")]
    Synthetic,
    /// Imported from the city's published articles.
    #[serde(rename = "krakow.pl")]
    KrakowPl,
}

impl Source {
    /// The name used in the corpus and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Synthetic => "synthetic",
            Source::KrakowPl => "krakow.pl",
        }
    }
}

impl FromStr for Source {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "synthetic" => Ok(Source::Synthetic),
            "krakow.pl" => Ok(Source::KrakowPl),
            _ => Err(format!("unknown source {s:?} (expected synthetic or krakow.pl)")),
        }
    }
}

/// One meeting: its front matter and its questions in order.
#[derive(Clone, Debug)]
pub struct Meeting {
    /// The file stem.
    pub id: MeetingId,
    /// The title as published.
    pub title: String,
    /// The day of the meeting.
    pub date: Date,
    /// The neighbourhood or venue.
    pub place: String,
    /// The district the meeting is tied to.
    pub district: District,
    /// What kind of meeting.
    pub kind: MeetingKind,
    /// Demo text or the city's own.
    pub source: Source,
    /// The published article, for imported meetings.
    pub url: Option<String>,
    /// The city's document number (`dok_id`): one article under all its URL forms.
    pub dok_id: Option<u64>,
    /// When the article was last revised.
    pub updated: Option<Date>,
    /// The optional lead paragraph.
    pub lead: String,
    /// Questions numbered 1..=n.
    pub questions: Vec<Question>,
}

/// One resident's question with the answers it got.
#[derive(Clone, Debug)]
pub struct Question {
    /// `<meeting>/<n>`.
    pub id: QuestionId,
    /// The heading's short title.
    pub title: String,
    /// The question's paragraphs, joined by blank lines.
    pub text: String,
    /// One or more answers, in order.
    pub answers: Vec<Answer>,
    /// The meeting's district, or the question's own `**Dzielnica:**` line.
    pub district: District,
    /// Topic tags, in the order written.
    pub topics: Vec<Topic>,
    /// Earlier versions of the answers, oldest first (from `revisions/<meeting>.json`).
    pub revisions: Vec<Revision>,
}

/// An earlier version of a question's answers, kept when a re-import found them changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The "stan na" date the article carried while these answers were current, if it had one.
    pub as_of: Option<Date>,
    /// The "stan na" date of the article that replaced them (or the import day when it had none).
    pub replaced: Date,
    /// The answers as they were.
    pub answers: Vec<Answer>,
}

impl Question {
    /// The units that answered, each once, in order of their first answer.
    pub fn departments(&self) -> Vec<Department> {
        let mut out: Vec<Department> = Vec::with_capacity(self.answers.len());
        for a in &self.answers {
            if !out.contains(&a.department) {
                out.push(a.department.clone());
            }
        }
        out
    }
}

/// One unit's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The unit that answered.
    pub department: Department,
    /// The answer's paragraphs, joined by blank lines.
    pub text: String,
}

/// Parses an ISO `YYYY-MM-DD` date, strictly (four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..].parse().ok()?;
    Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Formats a date as ISO `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_id_round_trips() {
        let id: QuestionId = "2024-06-24-bronowice-wielkie/3".parse().unwrap();
        assert_eq!(id.meeting.as_str(), "2024-06-24-bronowice-wielkie");
        assert_eq!(id.n, 3);
        assert_eq!(id.to_string(), "2024-06-24-bronowice-wielkie/3");
    }

    #[test]
    fn question_id_rejects_malformed() {
        for bad in [
            "",
            "2024-06-24-bronowice",
            "2024-06-24-bronowice/0",
            "2024-06-24-bronowice/03",
            "2024-06-24-bronowice/x",
            "2024-13-24-bronowice/1",
            "2024-06-24-Bronowice/1",
            "2024-06-24-/1",
            "2024-06-24-a--b/1",
            "2024-06-24-ż/1",
            "ż024-06-24-a/1",
        ] {
            assert!(bad.parse::<QuestionId>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        for bad in ["2023-02-29", "2024-2-01", "24-02-01", "2024-02-01x", "2024/02/01", "+024-02-01"] {
            assert!(parse_date(bad).is_none(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn district_lookup_is_exact() {
        assert!("Dzielnica VI Bronowice".parse::<District>().is_ok());
        assert!("Cały Kraków".parse::<District>().is_ok());
        assert!("dzielnica vi bronowice".parse::<District>().is_err());
        assert!("Bronowice".parse::<District>().is_err());
    }
}
