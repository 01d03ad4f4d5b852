//! The ranked page without counting every match (Elasticsearch's `track_total_hits`): the
//! at-least scorer passes over the documents that cannot enter the page, by the best score each
//! term reaches in each block of its postings.
//!
//! A search that asks for the page alone (`facets=false`, by relevance) and allows a total that
//! is only a lower bound (`track_total_hits=false` or a number) counts its matches exactly up to
//! that number, as before. From there on, the collector ([`TopHits`]) publishes the lowest
//! score its page still takes, and the at-least scorer reads it at each window of documents:
//! - a window where no word can lift a document above it is passed over whole (its blocks are
//!   skipped through tantivy's skip lists, not decoded);
//! - a query word whose terms cannot reach that score together with the other words in the
//!   window (the sum of their bounds stays at or below it) only completes the documents the other
//!   words bring (MaxScore, as Lucene's disjunctions): its postings are sought, not read;
//! - a term's blocks that cannot reach it with the best the other words add are not read;
//! - a candidate is sought by the next word only if the words left can still lift it above it.
//!
//! The bounds are each term's best score per block of 128 postings, for its own BM25 weight
//! (multiplied by the query's weight of the term). tantivy keeps a block's best pair of term
//! frequency and field norm in its skip list but exposes it only for the block it stands on, so
//! each term's table is computed once per segment and generation (a pass over its postings, the
//! first time a pruned search asks) and kept, up to [`MAX_BLOCKS`] blocks in all.
//!
//! The page is the same, documents and scores, as without pruning: a document is passed over
//! only when its score is below the lowest score of a full page, and a whole block or window only
//! when its bound, raised by `MARGIN`, is at most that score, so that all it holds scores below
//! (a tie is left to the collector, [`TopHits`], which gives it to the newer question, then the
//! earlier document, whichever segment published the threshold). Only the total changes: once
//! something was passed over, it counts the matches seen, at least the number asked for, and the
//! response says `total_is_exact: false`.

use std::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, Term};

use super::term::BLOCK;
use crate::index::schema;

/// Blocks whose bounds a generation keeps, in all terms and segments (8 bytes each: 32 MB). A
/// term of a million questions' most common word has ~2,500 blocks.
pub const MAX_BLOCKS: usize = 4_000_000;

/// A bound is raised by this factor: the query's weight multiplies a term's score after the
/// bound was taken, and a sum of words is added in another order than the bounds are, each a
/// rounding away from the other.
pub(crate) const MARGIN: Score = 1.0001;

/// One term's best score in each block of its postings in one segment: (last document of the
/// block, best score), in document order, for the term's BM25 weight without the query's boost.
pub struct BlockMaxes {
    blocks: Box<[(DocId, Score)]>,
}

impl BlockMaxes {
    /// Reads `term`'s postings in `reader` once; `None` where the segment does not have it, has it
    /// without frequencies, or its table would have more than `room` blocks.
    fn compute(
        reader: &SegmentReader,
        term: &Term,
        bm25: &Bm25Weight,
        room: usize,
    ) -> tantivy::Result<Option<BlockMaxes>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else {
            return Ok(None);
        };
        if info.doc_freq as usize / BLOCK + 1 > room {
            return Ok(None);
        }
        let norms = reader.fieldnorms_readers().get_field(term.field())?;
        let norms = norms.unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        let mut postings = inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let mut blocks = Vec::with_capacity(info.doc_freq as usize / BLOCK + 1);
        loop {
            let docs = postings.docs();
            let Some(&last) = docs.last() else {
                break;
            };
            if postings.freqs().len() < docs.len() {
                // Indexed without frequencies: no bound rather than a wrong one.
                return Ok(None);
            }
            let best = docs
                .iter()
                .zip(postings.freqs())
                .map(|(&doc, &tf)| bm25.score(norms.fieldnorm_id(doc), tf))
                .fold(0.0, Score::max);
            blocks.push((last, best));
            if docs.len() < BLOCK {
                break;
            }
            postings.advance();
        }
        Ok(Some(BlockMaxes { blocks: blocks.into_boxed_slice() }))
    }

    /// The best score, times `factor`, of any document in `from..end` (`from < end`).
    #[inline]
    pub fn bound(&self, from: DocId, end: DocId, factor: Score) -> Score {
        let first = self.blocks.partition_point(|&(last, _)| last < from);
        let mut best: Score = 0.0;
        for &(last, max) in &self.blocks[first..] {
            best = best.max(max);
            if last >= end - 1 {
                break;
            }
        }
        best * factor * MARGIN
    }

    /// The first block, from the one of `doc` on and starting before `end`, whose best score
    /// times `factor` exceeds `floor`: where to start in it (`doc`, or its first possible
    /// document) and its last document; `None` if there is none.
    #[inline]
    pub fn next_above(&self, doc: DocId, end: DocId, floor: Score, factor: Score) -> Option<(DocId, DocId)> {
        let mut i = self.blocks.partition_point(|&(last, _)| last < doc);
        let mut from = doc;
        while let Some(&(last, max)) = self.blocks.get(i) {
            if max * factor * MARGIN > floor {
                return Some((from, last));
            }
            if last >= end - 1 {
                return None;
            }
            from = last + 1;
            i += 1;
        }
        None
    }

    fn len(&self) -> usize {
        self.blocks.len()
    }
}

/// The tables computed so far in a generation (see the module's text).
#[derive(Default)]
pub struct BlockMaxCache {
    kept: RwLock<HashMap<(SegmentId, Term), Arc<BlockMaxes>>>,
    blocks: AtomicUsize,
}

impl BlockMaxCache {
    /// `term`'s table in `reader`'s segment for `bm25` (the same for every search of a
    /// generation: its statistics are the generation's), computed now if not before; `None`
    /// where the segment lacks the term (or its frequencies) or the cache is full (the term is
    /// then never passed over).
    pub fn get(
        &self,
        reader: &SegmentReader,
        term: &Term,
        bm25: &Bm25Weight,
    ) -> tantivy::Result<Option<Arc<BlockMaxes>>> {
        let key = (reader.segment_id(), term.clone());
        if let Some(kept) = self.kept.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(Some(Arc::clone(kept)));
        }
        // A table that would not fit is not computed (it would be dropped at every search).
        let room = MAX_BLOCKS.saturating_sub(self.blocks.load(Ordering::Relaxed));
        let Some(maxes) = BlockMaxes::compute(reader, term, bm25, room)? else {
            return Ok(None);
        };
        let maxes = Arc::new(maxes);
        let mut kept = self.kept.write().unwrap_or_else(|p| p.into_inner());
        if self.blocks.load(Ordering::Relaxed) + maxes.len() <= MAX_BLOCKS
            && kept.insert(key, Arc::clone(&maxes)).is_none()
        {
            self.blocks.fetch_add(maxes.len(), Ordering::Relaxed);
        }
        Ok(Some(maxes))
    }
}

/// What one pruned search shares between its scorers and its collector.
pub struct Pruning {
    /// Matches are counted exactly up to this many before anything is passed over.
    exact_up_to: u64,
    counted: AtomicU64,
    /// The bits of the lowest score a full page takes (scores are never negative, so the bits
    /// order as the scores do), valid once `started`.
    threshold: AtomicU32,
    started: AtomicBool,
    /// Something that might have matched was passed over: the count is a lower bound.
    skipped: AtomicBool,
    /// The pruned pass is over: a later pass over the same query (another collector) is exact.
    finished: AtomicBool,
    /// The block bounds of the generation.
    pub(crate) maxes: Arc<BlockMaxCache>,
}

impl std::fmt::Debug for Pruning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pruning").field("exact_up_to", &self.exact_up_to).finish_non_exhaustive()
    }
}

impl Pruning {
    /// A search that counts exactly up to `exact_up_to` matches, with the generation's bounds.
    pub fn new(exact_up_to: u64, maxes: Arc<BlockMaxCache>) -> Pruning {
        Pruning {
            exact_up_to,
            counted: AtomicU64::new(0),
            threshold: AtomicU32::new(0),
            started: AtomicBool::new(false),
            skipped: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            maxes,
        }
    }

    /// The page's lowest score once pruning has started: a document below it cannot enter the page
    /// (one that ties with it may, if it is newer or, as new, comes first).
    #[inline]
    pub fn threshold(&self) -> Option<Score> {
        (self.started.load(Ordering::Relaxed) && !self.finished.load(Ordering::Relaxed))
            .then(|| Score::from_bits(self.threshold.load(Ordering::Relaxed)))
    }

    /// A scorer passed over documents that might have matched.
    #[inline]
    pub fn mark_skipped(&self) {
        // Read first: a store on every document passed over would take the cache line from the
        // other segments' threads reading the threshold beside it (see `super::parallel`).
        if !self.skipped.load(Ordering::Relaxed) {
            self.skipped.store(true, Ordering::Relaxed);
        }
    }

    /// Whether nothing was passed over (the count is the total).
    pub fn exact(&self) -> bool {
        !self.skipped.load(Ordering::Relaxed)
    }

    /// A document scoring below the threshold is passed over; one that ties with it is not, since
    /// the page's documents that set it may come from a later segment searched at the same time
    /// (see `super::parallel`), and the tie goes to the newer question, then the earlier document.
    fn raise(&self, score: Score) {
        self.threshold.fetch_max(score.max(0.0).to_bits(), Ordering::Relaxed);
        self.started.store(true, Ordering::Relaxed);
    }

    /// Ends the pruned pass (see `finished`).
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }
}

/// The best `k` matches by score, ties to the newer question (the date then the question
/// number, [`schema::SORT_DESC`]), then to the earlier document (by address, across segments
/// too), and how many matches were seen; with a [`Pruning`], publishing the page's lowest score
/// to the scorers once the count has reached what must be exact (see the module's text).
///
/// Every ranked search collects with it, pruned or not, so both give one order: tantivy's
/// `TopDocs` keeps ties in address order within a segment, but merging three segments or more
/// it may keep a later one of documents tied at the page's last score. Ties go to the newer
/// question before the address, since a rebuild puts the same questions at other addresses (a
/// parallel build distributes them over its threads as they come): the same page on every
/// build, and of equally good answers the latest first.
pub struct TopHits {
    k: usize,
    pruning: Option<Arc<Pruning>>,
}

impl TopHits {
    /// The best `k` (at least one), pruned by `pruning`.
    pub fn new(k: usize, pruning: Arc<Pruning>) -> TopHits {
        TopHits { k: k.max(1), pruning: Some(pruning) }
    }

    /// The best `k` (at least one), every match seen.
    pub fn exact(k: usize) -> TopHits {
        TopHits { k: k.max(1), pruning: None }
    }
}

/// A hit in a segment's heap, the worst on top: the lowest score, then the older question,
/// then the later document.
#[derive(Clone, Copy)]
struct Entry {
    score: Score,
    /// [`schema::SORT_DESC`]: greater is earlier in newest-first order.
    newer: u64,
    doc: DocId,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Greater is worse.
    fn cmp(&self, other: &Entry) -> CmpOrdering {
        other
            .score
            .total_cmp(&self.score)
            .then_with(|| other.newer.cmp(&self.newer))
            .then_with(|| self.doc.cmp(&other.doc))
    }
}

/// One segment's part of [`TopHits`].
pub struct TopHitsSegment {
    segment: SegmentOrdinal,
    k: usize,
    heap: BinaryHeap<Entry>,
    /// The heap's lowest score once it is full (a later document must reach it; at a tie the
    /// newer question wins).
    floor: Score,
    /// The segment's [`schema::SORT_DESC`] (none in an index without it: ties by address).
    newer: Option<Column<u64>>,
    counted: u64,
    pruning: Option<Arc<Pruning>>,
    /// The floor last published to `pruning`.
    published: Option<Score>,
    /// The search as a whole has seen the matches it counts exactly (see `Pruning::exact_up_to`).
    enough: bool,
}

impl SegmentCollector for TopHitsSegment {
    type Fruit = (u64, Vec<(Score, u64, DocAddress)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.counted += 1;
        // The key is read only for a document that may enter the page.
        if score >= self.floor {
            let newer = self.newer.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            let entry = Entry { score, newer, doc };
            if self.heap.len() < self.k {
                self.heap.push(entry);
            } else if let Some(mut worst) = self.heap.peek_mut() {
                if entry < *worst {
                    *worst = entry;
                }
            }
            if self.heap.len() == self.k {
                self.floor = self.heap.peek().map_or(Score::NEG_INFINITY, |e| e.score);
            }
        }
        if let Some(pruning) = &self.pruning {
            // Counted together until enough matches were seen; then no longer (a shared count
            // per match would bounce between the threads of segments searched side by side).
            if !self.enough {
                self.enough = pruning.counted.fetch_add(1, Ordering::Relaxed) + 1 >= pruning.exact_up_to;
            }
            if self.heap.len() == self.k && self.enough && self.published != Some(self.floor) {
                pruning.raise(self.floor);
                self.published = Some(self.floor);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        (self.counted, self.heap.into_iter().map(|e| (e.score, e.newer, DocAddress::new(segment, e.doc))).collect())
    }
}

impl Collector for TopHits {
    type Fruit = (u64, Vec<(Score, DocAddress)>);
    type Child = TopHitsSegment;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<TopHitsSegment> {
        Ok(TopHitsSegment {
            newer: reader.fast_fields().column_opt::<u64>(schema::SORT_DESC)?,
            segment,
            k: self.k,
            // A page as long as every match (an export) holds no more than the segment has.
            heap: BinaryHeap::with_capacity(self.k.min(reader.max_doc() as usize) + 1),
            floor: Score::NEG_INFINITY,
            counted: 0,
            pruning: self.pruning.clone(),
            published: None,
            enough: false,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<<TopHitsSegment as SegmentCollector>::Fruit>) -> tantivy::Result<Self::Fruit> {
        let counted = fruits.iter().map(|(c, _)| c).sum();
        let mut hits: Vec<(Score, u64, DocAddress)> = fruits.into_iter().flat_map(|(_, h)| h).collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)).then_with(|| a.2.cmp(&b.2)));
        hits.truncate(self.k);
        Ok((counted, hits.into_iter().map(|(score, _, addr)| (score, addr)).collect()))
    }
}
