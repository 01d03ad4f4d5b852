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
/// Question title, Polish analysis, apart from the rest: more-like-this weighs a seed's words by
/// where they stand in each candidate, and the proximity bonus looks for the query's words close
/// together here (searches match words in [`BODY`]).
pub const TITLE: &str = "title";
/// Question text (as [`TITLE`]).
pub const QUESTION: &str = "question";
/// Title, question and answers in one field, each indexed as many times as its weight
/// ([`BODY_REPEATS`]): term frequencies and the field length are then the
/// weighted sums of BM25F, so a query word is one posting list per analysis, not one per part.
/// Positions for phrases and proximity; the source of snippets' term statistics.
pub const BODY: &str = "body";
/// The same, folded.
pub const BODY_ASCII: &str = "body_ascii";
/// How many times the title, the question and the answers are indexed in [`BODY`]: the parts'
/// weights (`search::rank::FIELD_BOOSTS`, 3 : 1.5 : 1) as small integers with the answers, the
/// bulk of the text, indexed once. Against the three parts scored apart and combined by a
/// disjunction, 2026-12-03, dev / holdout nDCG@10: hybrid 0.898 / 0.826 → 0.904 / 0.844, BM25
/// alone 0.817 / 0.728 → 0.833 / 0.745; related 0.741 / 0.751 → 0.746 / 0.747. The exact ratio
/// (6 : 3 : 2) ranked alike (hybrid 0.894 / 0.848) but indexed the answers twice: 45 % slower.
pub const BODY_REPEATS: [usize; 3] = [3, 2, 1];
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
    pub question: Field,
    pub body: Field,
    pub body_ascii: Field,
    pub record: Field,
}

impl Fields {
    /// The fields more-like-this scores a seed's exact-letter term in: title, question, the whole
    /// text (see [`BODY`]), in `search::rank::FIELD_BOOSTS` order.
    pub fn related_fields(&self) -> [Field; 3] {
        [self.title, self.question, self.body]
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
        question: b.add_text_field(QUESTION, text(analysis::PL)),
        body: b.add_text_field(BODY, text(analysis::PL)),
        body_ascii: b.add_text_field(BODY_ASCII, text(analysis::PL_ASCII)),
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
