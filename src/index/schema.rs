//! The tantivy schema: field names and the resolved field handles.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, STORED, STRING,
};

use crate::analysis;

/// Question id `<meeting>/<n>` (exact, for lookups).
pub const ID: &str = "id";
/// Meeting id (exact).
pub const MEETING: &str = "meeting";
/// Facet `/<district>`.
pub const DISTRICT: &str = "district";
/// Facet `/<department>`, one value per answering unit.
pub const DEPARTMENT: &str = "department";
/// Facet `/<topic>`, multi-valued.
pub const TOPIC: &str = "topic";
/// Facet `/<year>/<month>`: year counts at the root, month counts under each year.
pub const YEAR_MONTH: &str = "year_month";
/// Document language code (exact).
pub const LANG: &str = "lang";
/// Meeting date: fast, for ranges and sorting.
pub const DATE: &str = "date";
/// Sort key for oldest first: date, then question number.
pub const SORT_ASC: &str = "sort_asc";
/// Sort key for newest first: date, then question number ascending within the meeting.
pub const SORT_DESC: &str = "sort_desc";
/// Question title, Polish analysis.
pub const TITLE: &str = "title";
/// Question title, folded Polish analysis.
pub const TITLE_ASCII: &str = "title_ascii";
/// Question text.
pub const QUESTION: &str = "question";
/// Question text, folded.
pub const QUESTION_ASCII: &str = "question_ascii";
/// All answers' texts.
pub const ANSWERS: &str = "answers";
/// All answers' texts, folded.
pub const ANSWERS_ASCII: &str = "answers_ascii";
/// The stored record (JSON) that renders a hit and the whole question.
pub const RECORD: &str = "record";

/// Resolved handles of every field, built once per schema.
#[derive(Clone, Copy, Debug)]
#[allow(missing_docs)]
pub struct Fields {
    pub id: Field,
    pub meeting: Field,
    pub district: Field,
    pub department: Field,
    pub topic: Field,
    pub year_month: Field,
    pub lang: Field,
    pub date: Field,
    pub sort_asc: Field,
    pub sort_desc: Field,
    pub title: Field,
    pub title_ascii: Field,
    pub question: Field,
    pub question_ascii: Field,
    pub answers: Field,
    pub answers_ascii: Field,
    pub record: Field,
}

/// The text fields, each paired with its folded twin: (plain, folded).
impl Fields {
    /// The searchable text fields as (exact-letters field, folded field) pairs, most important first.
    pub fn text_pairs(&self) -> [(Field, Field); 3] {
        [(self.title, self.title_ascii), (self.question, self.question_ascii), (self.answers, self.answers_ascii)]
    }
}

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// Builds the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let date_opts = DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds);
    let sort_opts = NumericOptions::default().set_fast();
    let fields = Fields {
        id: b.add_text_field(ID, STRING | STORED),
        meeting: b.add_text_field(MEETING, STRING),
        district: b.add_facet_field(DISTRICT, FacetOptions::default()),
        department: b.add_facet_field(DEPARTMENT, FacetOptions::default()),
        topic: b.add_facet_field(TOPIC, FacetOptions::default()),
        year_month: b.add_facet_field(YEAR_MONTH, FacetOptions::default()),
        lang: b.add_text_field(LANG, STRING),
        date: b.add_date_field(DATE, date_opts),
        sort_asc: b.add_u64_field(SORT_ASC, sort_opts.clone()),
        sort_desc: b.add_u64_field(SORT_DESC, sort_opts),
        title: b.add_text_field(TITLE, text(analysis::PL)),
        title_ascii: b.add_text_field(TITLE_ASCII, text(analysis::PL_ASCII)),
        question: b.add_text_field(QUESTION, text(analysis::PL)),
        question_ascii: b.add_text_field(QUESTION_ASCII, text(analysis::PL_ASCII)),
        answers: b.add_text_field(ANSWERS, text(analysis::PL)),
        answers_ascii: b.add_text_field(ANSWERS_ASCII, text(analysis::PL_ASCII)),
        record: b.add_text_field(RECORD, STORED),
    };
    (b.build(), fields)
}

/// Resolves the handles of an existing index's schema; fails if the index was built with another
/// schema (an older Ławka), so it is rebuilt rather than misread.
pub fn resolve(schema: &Schema) -> tantivy::Result<Fields> {
    let (expected, fields) = build_schema();
    if schema != &expected {
        return Err(tantivy::TantivyError::SchemaError(
            "the index was built with a different schema; rebuild it with `lawka index`".to_string(),
        ));
    }
    Ok(fields)
}
