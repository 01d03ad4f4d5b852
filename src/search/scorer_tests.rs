//! Test support for the scorers written here (`at_least`, `best_of`): small indexes of numbered
//! words, and every match of a query, to compare with tantivy's own scorers.

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::{Field, Schema, TEXT};
use tantivy::{doc, DocAddress, Index, IndexWriter, Score};

/// An index of `docs` (each a list of word numbers, written `w0`, `w1`… in order) in one
/// segment, or two when `split`.
pub fn index_of(docs: &[Vec<u8>], split: bool) -> (Index, Field) {
    index_in_parts(docs, if split { 2 } else { 1 })
}

/// The same in `parts` segments (about equal, in document order; fewer where `docs` are fewer).
pub fn index_in_parts(docs: &[Vec<u8>], parts: usize) -> (Index, Field) {
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
    let per_part = docs.len().div_ceil(parts.max(1)).max(1);
    for (i, words) in docs.iter().enumerate() {
        let body: Vec<String> = words.iter().map(|w| format!("w{w}")).collect();
        writer.add_document(doc!(text => body.join(" "))).expect("add");
        if (i + 1) % per_part == 0 {
            writer.commit().expect("commit");
        }
    }
    writer.commit().expect("commit");
    (index, text)
}

/// Every match of `q` with its score, in document order.
pub fn matches(index: &Index, q: &dyn Query) -> Vec<(DocAddress, Score)> {
    let searcher = index.reader().expect("reader").searcher();
    let mut all: Vec<(DocAddress, Score)> = searcher
        .search(q, &TopDocs::with_limit(100_000).order_by_score())
        .expect("search")
        .into_iter()
        .map(|(s, a)| (a, s))
        .collect();
    all.sort_by_key(|(a, _)| *a);
    all
}
