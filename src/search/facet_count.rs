//! Exact facet counts without tantivy's per-document column decoding.
//!
//! A generation never changes once written, so each segment's facet values per document (district,
//! departments, topics, month) are read once from the fast fields into plain arrays, kept while
//! the generation is open, and a search counts its matches from those: two array reads and an
//! increment per value, where tantivy's `FacetCollector` decodes a multi-valued column (optional
//! index, bit-unpacking, ordinal mapping) for every matching document and every facet field.
//! Memory: 4 bytes per document and facet field plus 4 per value (≈ 20 MB at 1M questions).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Per segment, the facet values of every document, for each counted facet field.
pub struct FacetOrds {
    fields: Vec<&'static str>,
    segments: HashMap<SegmentId, Arc<SegmentOrds>>,
}

/// One segment's values: per field, documents' value ordinals (compressed sparse rows) and the
/// value each ordinal stands for.
struct SegmentOrds {
    fields: Vec<FieldOrds>,
}

struct FieldOrds {
    /// Document `d`'s ordinals are `ords[starts[d]..starts[d + 1]]`, ascending, without repeats.
    starts: Vec<u32>,
    ords: Vec<u32>,
    /// The top-level value of each ordinal (a facet `/a/b` counts as `a`).
    names: Vec<String>,
}

impl FacetOrds {
    /// Reads the values of `fields` (facet fields' names) for every segment of `searcher`.
    pub fn read(searcher: &Searcher, fields: &[&'static str]) -> tantivy::Result<FacetOrds> {
        let mut segments = HashMap::new();
        for reader in searcher.segment_readers() {
            segments.insert(reader.segment_id(), Arc::new(SegmentOrds::read(reader, fields)?));
        }
        Ok(FacetOrds { fields: fields.to_vec(), segments })
    }

    /// A collector of the counts of `fields` (a subset of those read), in that order.
    pub fn counter(self: &Arc<Self>, fields: &[&'static str]) -> FacetCounter {
        let at = fields.iter().filter_map(|f| self.fields.iter().position(|g| g == f)).collect();
        FacetCounter { ords: Arc::clone(self), fields: at }
    }
}

impl SegmentOrds {
    fn read(reader: &SegmentReader, fields: &[&'static str]) -> tantivy::Result<SegmentOrds> {
        let max_doc = reader.max_doc();
        let mut out = Vec::with_capacity(fields.len());
        for field in fields {
            let facets = reader.facet_reader(field)?;
            let mut starts = Vec::with_capacity(max_doc as usize + 1);
            let mut ords = Vec::with_capacity(max_doc as usize);
            for doc in 0..max_doc {
                starts.push(ords.len() as u32);
                let first = ords.len();
                for ord in facets.facet_ords(doc) {
                    let ord = u32::try_from(ord).map_err(|_| {
                        tantivy::TantivyError::InternalError(format!("facet ordinal {ord} of {field} out of range"))
                    })?;
                    if ords[first..].last() != Some(&ord) {
                        ords.push(ord);
                    }
                }
            }
            starts.push(ords.len() as u32);
            let mut names = Vec::with_capacity(facets.num_facets());
            let mut facet = Facet::root();
            for ord in 0..facets.num_facets() as u64 {
                facets.facet_from_ord(ord, &mut facet)?;
                names.push(facet.to_path().first().map(|s| s.to_string()).unwrap_or_default());
            }
            out.push(FieldOrds { starts, ords, names });
        }
        Ok(SegmentOrds { fields: out })
    }
}

/// Counts, per requested facet field, how many matching documents have each value.
pub struct FacetCounter {
    ords: Arc<FacetOrds>,
    /// Indexes into `ords.fields`, in the order the counts are returned.
    fields: Vec<usize>,
}

/// Per requested field, (value, count) for the values with a count, in no particular order.
pub type FacetFruit = Vec<Vec<(String, u64)>>;

impl Collector for FacetCounter {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacetCounter> {
        let segment = match self.ords.segments.get(&reader.segment_id()) {
            Some(s) => Arc::clone(s),
            // A segment not read up front (never in a written generation): read it now.
            None => Arc::new(SegmentOrds::read(reader, &self.ords.fields)?),
        };
        let counts = self.fields.iter().map(|&f| vec![0u64; segment.fields[f].names.len()]).collect();
        Ok(SegmentFacetCounter { segment, fields: self.fields.clone(), counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.fields.len()];
        for fruit in fruits {
            for (into, counts) in merged.iter_mut().zip(fruit) {
                for (value, n) in counts {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        Ok(merged.into_iter().map(|m| m.into_iter().collect()).collect())
    }
}

/// [`FacetCounter`] on one segment.
pub struct SegmentFacetCounter {
    segment: Arc<SegmentOrds>,
    fields: Vec<usize>,
    /// Per requested field, the count of each ordinal.
    counts: Vec<Vec<u64>>,
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (&f, counts) in self.fields.iter().zip(self.counts.iter_mut()) {
            let field = &self.segment.fields[f];
            let d = doc as usize;
            let (from, to) = (field.starts[d] as usize, field.starts[d + 1] as usize);
            for &ord in &field.ords[from..to] {
                counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut out = Vec::with_capacity(self.fields.len());
        for (&f, counts) in self.fields.iter().zip(self.counts) {
            let names = &self.segment.fields[f].names;
            // Values whose facets collapse to one top-level value are summed.
            let mut by_name: HashMap<&str, u64> = HashMap::new();
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                *by_name.entry(names[ord].as_str()).or_default() += n;
            }
            out.push(by_name.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{FacetCollector, MultiCollector};
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{FacetOptions, IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    #[test]
    fn counts_as_tantivy_does_across_segments() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let district = schema.add_facet_field("district", FacetOptions::default());
        let topic = schema.add_facet_field("topic", FacetOptions::default());
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let districts = ["Podgórze", "Nowa Huta", "Krowodrza"];
        let topics = ["zieleń", "drogi", "edukacja", "komunikacja"];
        for i in 0..3_000usize {
            let mut d = doc!(text => if i % 3 == 0 { "drzewa" } else { "chodnik" });
            if i % 7 != 0 {
                // Some questions have no district.
                d.add_facet(district, Facet::from_path([districts[i % 3]]));
            }
            for (t, name) in topics.iter().enumerate() {
                if (i + t) % (t + 2) == 0 {
                    d.add_facet(topic, Facet::from_path([*name]));
                }
            }
            writer.add_document(d).expect("add");
            if i % 1_000 == 999 {
                writer.commit().expect("commit");
            }
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        assert!(searcher.segment_readers().len() > 1);
        let ords = Arc::new(FacetOrds::read(&searcher, &["district", "topic"]).expect("ords"));
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(Term::from_field_text(text, "drzewa"), IndexRecordOption::Basic)),
        ];
        for q in queries {
            for fields in [vec!["district", "topic"], vec!["topic"]] {
                let mut ours = searcher.search(q.as_ref(), &ords.counter(&fields)).expect("ours");
                let mut theirs = Vec::new();
                for f in &fields {
                    let mut multi = MultiCollector::new();
                    let mut c = FacetCollector::for_field(*f);
                    c.add_facet(Facet::root());
                    let handle = multi.add_collector(c);
                    let counts = handle.extract(&mut searcher.search(q.as_ref(), &multi).expect("theirs"));
                    let mut v: Vec<(String, u64)> = counts
                        .get(Facet::root())
                        .map(|(f, n)| (f.to_path().last().map(|s| s.to_string()).unwrap_or_default(), n))
                        .collect();
                    v.sort();
                    theirs.push(v);
                }
                for v in ours.iter_mut() {
                    v.sort();
                }
                assert_eq!(ours, theirs, "{q:?} {fields:?}");
                assert!(ours.iter().all(|v| !v.is_empty()));
            }
        }
    }
}
