//! Exact facet counts without tantivy's per-document column decoding.
//!
//! A generation never changes once written, so each segment's facet values per document (district,
//! departments, topics, month) are read once from the fast fields into plain arrays, kept while
//! the generation is open, and a search counts its matches from those: one array read per match
//! and an increment per value, where tantivy's `FacetCollector` decodes a multi-valued column (optional
//! index, bit-unpacking, ordinal mapping) for every matching document and every facet field.
//! Memory: 1 byte per document and value slot (2 past 254 distinct values; ≈ 8 MB at 1M questions).

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

/// One segment's values, every field's together so that a document's values are read in one
/// place, each an index into `names` (field by field: a field's values, then the next field's).
struct SegmentOrds {
    values: DocValues,
    /// Per value, its field (an index into [`FacetOrds::fields`]) and its top-level name (a facet
    /// `/a/b` counts as `a`).
    names: Vec<(usize, String)>,
    /// Per value, its whole path, its parts joined by `-` (`/2024/06` is `2024-06`), for
    /// counts below the top level (see [`FacetOrds::counter_by_path`]).
    paths: Vec<String>,
}

/// Most values a document may have for the fixed-width layout of [`DocValues::Slots`].
const MAX_SLOTS: usize = 16;

/// Every document's values. Counting reads them at scattered places (one document per match),
/// so its time is memory waits: at 1M questions nearly all of `collect`'s time was two dependent
/// loads per match (where the document's values start, then the values).
enum DocValues {
    /// Document `d`'s values are `values[d * width..(d + 1) * width]`, padded with `u16::MAX`:
    /// one load per match, 16-bit values. For segments with fewer than 65,535 distinct values
    /// and at most [`MAX_SLOTS`] per document, which is every segment in practice (districts,
    /// units, topics and months number a few hundred at most, a question has a few of each).
    Slots { width: usize, values: Vec<u16> },
    /// The same with 8-bit values, padded with `u8::MAX`, for segments with fewer than 255
    /// distinct values (districts, units, topics, years and months together: about 85 in the demo
    /// corpus, about 155 in the 1M synthetic one with its 7 years; a decade of the city's meetings
    /// stays below 255): half the bytes, so twice the documents per cache line.
    Bytes { width: usize, values: Vec<u8> },
    /// Document `d`'s values are `values[starts[d]..starts[d + 1]]`: any number of either.
    Ranges { starts: Vec<u32>, values: Vec<u32> },
}

impl DocValues {
    /// From the general layout, made fixed-width where it fits.
    fn new(starts: Vec<u32>, values: Vec<u32>, distinct: usize) -> DocValues {
        let width = starts.windows(2).map(|w| (w[1] - w[0]) as usize).max().unwrap_or(0);
        if distinct >= usize::from(u16::MAX) || width > MAX_SLOTS {
            return DocValues::Ranges { starts, values };
        }
        if distinct < usize::from(u8::MAX) {
            // Below `distinct`, so below `u8::MAX`.
            let values = slots(&starts, &values, width, u8::MAX, |v| v as u8);
            return DocValues::Bytes { width, values };
        }
        // Below `distinct`, so below `u16::MAX`.
        DocValues::Slots { width, values: slots(&starts, &values, width, u16::MAX, |v| v as u16) }
    }

    /// How many counters [`DocValues::count`] writes to for `distinct` values: all 256 of the
    /// 8-bit layout, whose padding (255) it counts rather than test each slot for.
    fn counters(&self, distinct: usize) -> usize {
        match self {
            DocValues::Bytes { .. } => usize::from(u8::MAX) + 1,
            _ => distinct,
        }
    }

    /// Adds one to `counts` (of [`DocValues::counters`]) at each value of document `d`.
    fn count(&self, d: usize, counts: &mut [u32]) {
        match self {
            DocValues::Slots { width, values } => {
                for &v in values[d * width..(d + 1) * width].iter().take_while(|v| **v != u16::MAX) {
                    counts[usize::from(v)] += 1;
                }
            }
            DocValues::Bytes { width, values } => {
                // Every slot, the padding counted into the unused last counter (see
                // `DocValues::counters`): no branch on the values, whose number varies.
                for &v in &values[d * width..(d + 1) * width] {
                    counts[usize::from(v)] += 1;
                }
            }
            DocValues::Ranges { starts, values } => {
                for &v in &values[starts[d] as usize..starts[d + 1] as usize] {
                    counts[v as usize] += 1;
                }
            }
        }
    }
}

/// Each document's `values` (between its two `starts`) in `width` slots, padded with `none`.
fn slots<T: Copy>(starts: &[u32], values: &[u32], width: usize, none: T, narrow: impl Fn(u32) -> T) -> Vec<T> {
    let docs = starts.len().saturating_sub(1);
    let mut slots = vec![none; docs * width];
    for (d, w) in starts.windows(2).enumerate() {
        for (slot, &v) in slots[d * width..].iter_mut().zip(&values[w[0] as usize..w[1] as usize]) {
            *slot = narrow(v);
        }
    }
    slots
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
        FacetCounter { ords: Arc::clone(self), fields: at, by_path: false }
    }

    /// The same, each value counted under its whole path (`2024-06`) rather than its top-level
    /// name (`2024`): a histogram's months.
    pub fn counter_by_path(self: &Arc<Self>, fields: &[&'static str]) -> FacetCounter {
        FacetCounter { by_path: true, ..self.counter(fields) }
    }
}

impl SegmentOrds {
    fn read(reader: &SegmentReader, fields: &[&'static str]) -> tantivy::Result<SegmentOrds> {
        let max_doc = reader.max_doc() as usize;
        let mut readers = Vec::with_capacity(fields.len());
        let mut names = Vec::new();
        let mut paths = Vec::new();
        // Where each field's values start in `names`.
        let mut offsets = Vec::with_capacity(fields.len());
        for (i, field) in fields.iter().enumerate() {
            let facets = reader.facet_reader(field)?;
            offsets.push(names.len() as u64);
            let mut facet = Facet::root();
            for ord in 0..facets.num_facets() as u64 {
                facets.facet_from_ord(ord, &mut facet)?;
                let parts = facet.to_path();
                names.push((i, parts.first().map(|s| s.to_string()).unwrap_or_default()));
                paths.push(parts.join("-"));
            }
            readers.push(facets);
        }
        let too_many = || tantivy::TantivyError::InternalError("more facet values than 32 bits count".into());
        let mut starts = Vec::with_capacity(max_doc + 1);
        let mut values: Vec<u32> = Vec::with_capacity(max_doc * fields.len());
        for doc in 0..max_doc as DocId {
            starts.push(u32::try_from(values.len()).map_err(|_| too_many())?);
            for (facets, offset) in readers.iter().zip(&offsets) {
                let first = values.len();
                for ord in facets.facet_ords(doc) {
                    let value = u32::try_from(offset + ord).map_err(|_| too_many())?;
                    // A document counts once per value.
                    if values[first..].last() != Some(&value) {
                        values.push(value);
                    }
                }
            }
        }
        starts.push(u32::try_from(values.len()).map_err(|_| too_many())?);
        let values = DocValues::new(starts, values, names.len());
        Ok(SegmentOrds { values, names, paths })
    }
}

/// Counts, per requested facet field, how many matching documents have each value.
pub struct FacetCounter {
    ords: Arc<FacetOrds>,
    /// Indexes into `ords.fields`, in the order the counts are returned.
    fields: Vec<usize>,
    /// Values counted under their whole paths, not their top-level names.
    by_path: bool,
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
        let counts = vec![0u32; segment.values.counters(segment.names.len())];
        Ok(SegmentFacetCounter {
            segment,
            fields: self.fields.clone(),
            by_path: self.by_path,
            counts,
            pending: Vec::with_capacity(BATCH),
        })
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

/// [`FacetCounter`] on one segment: counts every field's values (one pass over one array per
/// document) and keeps the requested fields' at harvest.
pub struct SegmentFacetCounter {
    segment: Arc<SegmentOrds>,
    fields: Vec<usize>,
    by_path: bool,
    /// The count of each value of the segment.
    counts: Vec<u32>,
    /// Matches not counted yet (see [`BATCH`]).
    pending: Vec<DocId>,
}

/// Matches counted at once. A match's values are one memory load, usually a cache miss at 1M
/// questions; counted as they come, each miss waits alone between two steps of the scorer, while
/// a batch's loads are independent and the CPU overlaps them.
const BATCH: usize = 64;

impl SegmentFacetCounter {
    fn flush(&mut self) {
        for &doc in &self.pending {
            self.segment.values.count(doc as usize, &mut self.counts);
        }
        self.pending.clear();
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.pending.push(doc);
        if self.pending.len() == BATCH {
            self.flush();
        }
    }

    fn harvest(mut self) -> FacetFruit {
        self.flush();
        let mut out: Vec<HashMap<&str, u64>> = vec![HashMap::new(); self.fields.len()];
        let values = self.segment.names.len();
        for (value, n) in self.counts.into_iter().take(values).enumerate().filter(|(_, n)| *n > 0) {
            let (field, name) = &self.segment.names[value];
            // Values whose facets collapse to one top-level value are summed.
            let name = if self.by_path { &self.segment.paths[value] } else { name };
            if let Some(at) = self.fields.iter().position(|f| f == field) {
                *out[at].entry(name.as_str()).or_default() += u64::from(n);
            }
        }
        out.into_iter().map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{FacetCollector, MultiCollector};
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{FacetOptions, IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    /// Counts of every document's values, one document at a time.
    fn counts(values: &DocValues, docs: usize, distinct: usize) -> Vec<u32> {
        let mut counts = vec![0u32; values.counters(distinct)];
        (0..docs).for_each(|d| values.count(d, &mut counts));
        counts.truncate(distinct);
        counts
    }

    #[test]
    fn both_layouts_count_alike() {
        // Four documents: two values, none, three, one.
        let (starts, values) = (vec![0, 2, 2, 5, 6], vec![0, 7, 1, 2, 7, 3]);
        let bytes = DocValues::new(starts.clone(), values.clone(), 8);
        assert!(matches!(bytes, DocValues::Bytes { width: 3, .. }));
        let ranges = DocValues::Ranges { starts: starts.clone(), values: values.clone() };
        assert_eq!(counts(&bytes, 4, 8), vec![1, 1, 1, 1, 0, 0, 0, 2]);
        assert_eq!(counts(&bytes, 4, 8), counts(&ranges, 4, 8));
        // 255 distinct values or more: 16 bits, the same counts.
        let shifted: Vec<u32> = values.iter().map(|v| v + 300).collect();
        let slots = DocValues::new(starts.clone(), shifted.clone(), 308);
        assert!(matches!(slots, DocValues::Slots { width: 3, .. }));
        let ranges = DocValues::Ranges { starts: starts.clone(), values: shifted };
        assert_eq!(counts(&slots, 4, 308)[300..], [1, 1, 1, 1, 0, 0, 0, 2]);
        assert_eq!(counts(&slots, 4, 308), counts(&ranges, 4, 308));
        // 254 distinct values still fit a byte (255 is the padding).
        assert!(matches!(DocValues::new(vec![0, 1], vec![253], 254), DocValues::Bytes { .. }));
        assert!(matches!(DocValues::new(vec![0, 1], vec![254], 255), DocValues::Slots { .. }));
        // Too many distinct values for 16 bits, or too many per document: the general layout.
        let wide = DocValues::new(vec![0, 2], vec![70_000, 3], 70_001);
        assert!(matches!(wide, DocValues::Ranges { .. }));
        assert_eq!(counts(&wide, 1, 70_001)[70_000], 1);
        let many = DocValues::new(vec![0, 17], (0..17).collect(), 17);
        assert!(matches!(many, DocValues::Ranges { .. }));
        assert_eq!(counts(&many, 1, 17), vec![1; 17]);
    }

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
