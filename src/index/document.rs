//! Question → tantivy document: the only place that knows both shapes.

use serde::{Deserialize, Serialize};
use tantivy::schema::{Facet, Field};
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, Token};
use tantivy::{DateTime, TantivyDocument};
use time::Date;

use super::schema::{Fields, BODY_REPEATS};
use crate::analysis;
use crate::corpus::{format_date, Meeting, Question};

/// The meeting a question belongs to, as shown with every hit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingRef {
    /// Meeting id.
    pub id: String,
    /// Its published title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Neighbourhood or venue.
    pub place: String,
}

/// One answer as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredAnswer {
    /// The unit's canonical name.
    pub department: String,
    /// The answer's text.
    pub text: String,
}

/// An earlier version of a question's answers, replaced when the city revised them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredRevision {
    /// `YYYY-MM-DD`: the article's "stan na" date while these answers were current, if it had one.
    pub as_of: Option<String>,
    /// `YYYY-MM-DD`: when newer answers replaced them.
    pub replaced: String,
    /// The answers as they were.
    pub answers: Vec<StoredAnswer>,
}

/// Everything needed to render a hit or the whole question, stored with each document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// `<meeting>/<n>`.
    pub id: String,
    /// The question's title.
    pub title: String,
    /// The question's text.
    pub question: String,
    /// The answers in order.
    pub answers: Vec<StoredAnswer>,
    /// The meeting.
    pub meeting: MeetingRef,
    /// `kind` of the meeting.
    pub kind: String,
    /// The effective district.
    pub district: String,
    /// Answering units, each once.
    pub departments: Vec<String>,
    /// Topic tags.
    pub topics: Vec<String>,
    /// Detected language code.
    pub lang: String,
    /// `synthetic` or `krakow.pl`.
    pub source: String,
    /// The city's article, for imported meetings.
    pub source_url: Option<String>,
    /// `YYYY-MM-DD`: the article's "stan na" date, for imported meetings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Earlier versions of the answers, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<StoredRevision>,
}

fn stored_answers(answers: &[crate::corpus::Answer]) -> Vec<StoredAnswer> {
    answers.iter().map(|a| StoredAnswer { department: a.department.to_string(), text: a.text.clone() }).collect()
}

/// The analyzers used to pre-tokenize text that is not Polish, made once per build.
pub struct Analyzers {
    plain: TextAnalyzer,
    plain_ascii: TextAnalyzer,
    english: TextAnalyzer,
}

impl Default for Analyzers {
    fn default() -> Self {
        Analyzers {
            plain: analysis::plain_analyzer(false),
            plain_ascii: analysis::plain_analyzer(true),
            english: analysis::english_analyzer(),
        }
    }
}

impl Analyzers {
    /// Tokens of text in language `lang` (not Polish) for the exact or the folded field: English
    /// is stemmed on the exact field; other languages are lowercased (and folded) words.
    pub fn pre_tokenize(&mut self, text: &str, lang: &str, fold: bool) -> PreTokenizedString {
        let analyzer = match (fold, lang) {
            (true, _) => &mut self.plain_ascii,
            (false, "en") => &mut self.english,
            (false, _) => &mut self.plain,
        };
        let mut tokens: Vec<Token> = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        PreTokenizedString { text: text.to_string(), tokens }
    }
}

/// The record stored for a question.
pub fn record(meeting: &Meeting, q: &Question, lang: &str) -> Record {
    Record {
        id: q.id.to_string(),
        title: q.title.clone(),
        question: q.text.clone(),
        answers: stored_answers(&q.answers),
        meeting: MeetingRef {
            id: meeting.id.to_string(),
            title: meeting.title.clone(),
            date: format_date(meeting.date),
            place: meeting.place.clone(),
        },
        kind: meeting.kind.as_str().to_string(),
        district: q.district.to_string(),
        departments: q.departments().iter().map(|d| d.to_string()).collect(),
        topics: q.topics.iter().map(|t| t.to_string()).collect(),
        lang: lang.to_string(),
        source: meeting.source.as_str().to_string(),
        source_url: meeting.url.clone(),
        updated: meeting.updated.map(format_date),
        revisions: q
            .revisions
            .iter()
            .map(|r| StoredRevision {
                as_of: r.as_of.map(format_date),
                replaced: format_date(r.replaced),
                answers: stored_answers(&r.answers),
            })
            .collect(),
    }
}

/// The language of a question, judged on its title and text (answers are always the city's Polish).
pub fn question_language(q: &Question) -> &'static str {
    analysis::detect_language(&format!("{}. {}", q.title, q.text))
}

/// 24 bits that tell a day's meetings apart, the same on every build (a hash of the id, so the
/// meetings of one day come in no particular order, but always the same).
fn meeting_of_the_day(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    let b = hash.as_bytes();
    u64::from(b[0]) << 16 | u64::from(b[1]) << 8 | u64::from(b[2])
}

/// Days since 1970-01-01, for sort keys.
fn epoch_days(d: Date) -> u64 {
    let days = d.to_julian_day()
        - Date::from_calendar_date(1970, time::Month::January, 1).expect("valid date").to_julian_day();
    days.max(0) as u64
}

/// The stored date value of a meeting day (midnight UTC).
pub fn date_value(d: Date) -> DateTime {
    DateTime::from_utc(d.midnight().assume_utc())
}

/// Builds the tantivy document of one question written in `lang` (see [`question_language`]).
pub fn to_document(
    f: &Fields,
    analyzers: &mut Analyzers,
    meeting: &Meeting,
    q: &Question,
    lang: &str,
) -> serde_json::Result<TantivyDocument> {
    let rec = record(meeting, q, lang);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &rec.id);
    doc.add_text(f.meeting, &rec.meeting.id);
    doc.add_facet(f.district, Facet::from_path([rec.district.as_str()]));
    for d in &rec.departments {
        doc.add_facet(f.department, Facet::from_path([d.as_str()]));
    }
    for t in &rec.topics {
        doc.add_facet(f.topic, Facet::from_path([t.as_str()]));
    }
    let (year, month) = (meeting.date.year().to_string(), format!("{:02}", u8::from(meeting.date.month())));
    doc.add_facet(f.year_month, Facet::from_path([year.as_str(), month.as_str()]));
    doc.add_text(f.lang, lang);
    doc.add_date(f.date, date_value(meeting.date));
    // The date dominates the key, then the meeting, then the question (up to 65,535 per
    // meeting). Two meetings of one day must differ: the key also orders questions that score
    // the same (`search::prune::TopHits`), and a rebuild would otherwise leave those of two
    // meetings in whatever order it placed them.
    let (days, n) = (epoch_days(meeting.date), u64::from(q.id.n.min(0xFFFF)));
    let day_key = (days << 40) | (meeting_of_the_day(meeting.id.as_str()) << 16);
    doc.add_u64(f.sort_asc, day_key | n);
    doc.add_u64(f.sort_desc, day_key | (0xFFFF - n));

    let answers: Vec<&str> = q.answers.iter().map(|a| a.text.as_str()).collect();
    // The part's own field, where more-like-this and the proximity bonus need it apart (the
    // answers, the one part without one, are only searched as part of the whole text).
    let texts: [(Option<Field>, Vec<&str>); 3] =
        [(Some(f.title), vec![q.title.as_str()]), (Some(f.question), vec![q.text.as_str()]), (None, answers)];
    for ((part, values), repeats) in texts.into_iter().zip(BODY_REPEATS) {
        for v in values {
            // Answers are searched as Polish whatever the question's language; only a question's
            // own title and text in another language skip the Polish stemmer.
            if lang == "pl" || part.is_none() {
                if let Some(field) = part {
                    doc.add_text(field, v);
                }
                for _ in 0..repeats {
                    doc.add_text(f.body, v);
                    doc.add_text(f.body_ascii, v);
                }
            } else {
                let plain = analyzers.pre_tokenize(v, lang, false);
                let folded = analyzers.pre_tokenize(v, lang, true);
                for _ in 0..repeats {
                    doc.add_pre_tokenized_text(f.body, plain.clone());
                    doc.add_pre_tokenized_text(f.body_ascii, folded.clone());
                }
                if let Some(field) = part {
                    doc.add_pre_tokenized_text(field, plain);
                }
            }
            // A text in Cyrillic letters (a resident's question in Ukrainian, and the city's answer
            // to it in the same language) has its words in Polish too, so that a Polish query
            // meets its title, text and answer as it meets a Polish question's.
            let polish = analysis::cyrillic::polish_words_of(v);
            if !polish.is_empty() {
                if let Some(field) = part {
                    doc.add_text(field, &polish);
                }
                for _ in 0..repeats {
                    doc.add_text(f.body, &polish);
                    doc.add_text(f.body_ascii, &polish);
                }
            }
        }
    }
    doc.add_text(f.record, serde_json::to_string(&rec)?);
    Ok(doc)
}
