//! Response shapes (`../shared/API.md`): one set of types for JSON, pages and `lawka search --json`.

use serde::Serialize;

use crate::index::{MeetingRef, Record, StoredAnswer};

/// The body of `/api/search`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// The query text as searched.
    pub query: String,
    /// Number of matching questions; with `total_is_exact: false`, a lower bound.
    pub total: u64,
    /// False where the request let the search stop counting (`track_total_hits`) and it did:
    /// `total` is then how many matches it saw.
    pub total_is_exact: bool,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// Counts per value of each facet.
    pub facets: Facets,
    /// True when too few questions had most of the words, so questions with only some of them
    /// are included (after the others). Absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial_match: bool,
    /// True when no question that passes the filters has the query's words (spelling corrected
    /// and translated as searched), so every hit is a question near in meaning; `partial_match`
    /// is then true too. Absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub meaning_only: bool,
    /// Present when some hits come from the demo corpus: says that they are not the city's
    /// official answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// One result.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// `<meeting>/<n>`.
    pub id: String,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// Question title.
    pub title: String,
    /// Meeting date.
    pub date: String,
    /// The meeting.
    pub meeting: MeetingRef,
    /// District.
    pub district: String,
    /// Answering units.
    pub departments: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Language code.
    pub lang: String,
    /// `synthetic` (demo text) or `krakow.pl`.
    pub source: String,
    /// HTML-escaped question excerpt, matched words in `<mark>`.
    pub question_snippet: String,
    /// HTML-escaped answer excerpt, matched words in `<mark>`.
    pub answer_snippet: String,
    /// The question's page.
    pub url: String,
}

/// One facet value and its count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    /// The value.
    pub value: String,
    /// Matching questions with it.
    pub count: u64,
}

impl Hit {
    /// The hit of a stored record, with its score and snippets (HTML).
    pub fn of(rec: Record, score: f32, question_snippet: String, answer_snippet: String) -> Hit {
        Hit {
            score,
            question_snippet,
            answer_snippet,
            url: question_url(&rec.id),
            date: rec.meeting.date.clone(),
            id: rec.id,
            title: rec.title,
            meeting: rec.meeting,
            district: rec.district,
            departments: rec.departments,
            topics: rec.topics,
            lang: rec.lang,
            source: rec.source,
        }
    }
}

impl QuestionResponse {
    /// The whole question as `/api/questions/{id}` answers it, from its stored record.
    pub fn of(rec: Record) -> QuestionResponse {
        let notice = (rec.source == "synthetic").then(|| SYNTHETIC_NOTICE.to_string());
        QuestionResponse {
            url: question_url(&rec.id),
            id: rec.id,
            title: rec.title,
            question: rec.question,
            answers: rec.answers,
            meeting: rec.meeting,
            district: rec.district,
            departments: rec.departments,
            topics: rec.topics,
            lang: rec.lang,
            source: rec.source,
            source_url: rec.source_url,
            updated: rec.updated,
            revised: rec.revisions.last().map(|r| r.replaced.clone()),
            revisions: rec.revisions,
            notice,
        }
    }
}

/// All facets.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Facets {
    /// Per district.
    pub district: Vec<FacetCount>,
    /// Per answering unit.
    pub department: Vec<FacetCount>,
    /// Per topic.
    pub topic: Vec<FacetCount>,
    /// Per meeting year.
    pub year: Vec<FacetCount>,
}

/// The body of `/api/questions/{meeting}/{n}`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionResponse {
    /// `<meeting>/<n>`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The question's text.
    pub question: String,
    /// Answers in order.
    pub answers: Vec<StoredAnswer>,
    /// The meeting.
    pub meeting: MeetingRef,
    /// District.
    pub district: String,
    /// Answering units.
    pub departments: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Language code.
    pub lang: String,
    /// The question's page.
    pub url: String,
    /// `synthetic` (demo text) or `krakow.pl`.
    pub source: String,
    /// The city's article, for imported questions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// `YYYY-MM-DD`: the article's "stan na" date, for imported questions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// `YYYY-MM-DD`: when the answers were last revised ("zaktualizowano"); absent if never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revised: Option<String>,
    /// Earlier versions of the answers, oldest first; absent if never revised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<crate::index::StoredRevision>,
    /// Present for demo text: it is not the city's official answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

/// The notice shown with demo-corpus results.
pub const SYNTHETIC_NOTICE: &str = "Dane demonstracyjne: pytania i odpowiedzi napisano na potrzeby projektu \
(source: synthetic) na wzór spotkań „Ławka dialogu”; nie są to oficjalne odpowiedzi Urzędu Miasta Krakowa.";

/// The page of a question.
pub fn question_url(id: &str) -> String {
    format!("/q/{id}")
}
