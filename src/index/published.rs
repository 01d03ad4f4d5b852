//! What another engine receives of a generation (issue 13, docs/SCALE.md): its stored records,
//! one at a time, and each text's terms as Ławka's analysis makes them, so that a query analysed
//! by Ławka matches the same terms there as in the embedded index.

use tantivy::schema::Value as _;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, TantivyDocument};

use super::document::{Analyzers, Record};
use super::error::{IndexError, Result};
use super::handle::Generation;
use crate::analysis;

/// The analyzers a document's terms come from: the generation's own (its gazetteer included).
pub struct Terms {
    pl: TextAnalyzer,
    pl_ascii: TextAnalyzer,
    other: Analyzers,
}

impl Terms {
    /// The analyzers of `generation`.
    pub fn new(generation: &Generation) -> Result<Terms> {
        let get = |name: &str| {
            generation
                .index
                .tokenizers()
                .get(name)
                .ok_or_else(|| IndexError::Verification(format!("the index has no {name:?} analyzer")))
        };
        Ok(Terms { pl: get(analysis::PL)?, pl_ascii: get(analysis::PL_ASCII)?, other: Analyzers::default() })
    }

    /// The text's terms, space-separated: Polish analysis for Polish text, as the index does;
    /// `fold`: without Polish letters, as the folded field holds them. A text in Cyrillic letters
    /// has its words' Polish translations' terms after its own, as the index has them
    /// (`index::document::to_document`).
    pub fn of(&mut self, text: &str, lang: &str, fold: bool) -> String {
        let polish = if fold { &mut self.pl_ascii } else { &mut self.pl };
        let mut terms = match lang {
            "pl" => analysis::analyze(polish, text),
            lang => self.other.pre_tokenize(text, lang, fold).tokens.into_iter().map(|t| t.text).collect(),
        };
        let translated = analysis::cyrillic::polish_words_of(text);
        if !translated.is_empty() {
            terms.extend(analysis::analyze(polish, &translated));
        }
        terms.join(" ")
    }
}

/// Calls `visit` with every record of the generation, in index order (one at a time: a
/// million records do not fit in memory at once).
pub fn for_each_record<E: From<IndexError>>(
    generation: &Generation,
    mut visit: impl FnMut(Record) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let searcher = generation.searcher();
    let field = generation.fields.record;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let stored: TantivyDocument = searcher
                .doc(DocAddress::new(ord as u32, doc))
                .map_err(|e| IndexError::Verification(format!("reading stored record {ord}/{doc}: {e}")))?;
            let json = stored
                .get_first(field)
                .and_then(|v| v.as_str())
                .ok_or_else(|| IndexError::Verification(format!("document {ord}/{doc} has no stored record")))?;
            let record =
                serde_json::from_str(json).map_err(|e| IndexError::Verification(format!("record {ord}/{doc}: {e}")))?;
            visit(record)?;
        }
    }
    Ok(())
}
