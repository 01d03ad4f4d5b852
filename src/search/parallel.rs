//! A search's segments side by side on the cores no other search is using.
//!
//! tantivy collects a query's segments one after the other on the calling thread. A large
//! generation is written as one segment per core (`index::build`), and where less engine work runs
//! than there are cores, a search's thread and a pool of one thread per other core take its
//! segments one at a time, so a journalist's search at a million questions takes both cores of a
//! 2-core machine rather than one. Under load every core is busy with work of its own: each
//! search then runs on its own thread as before, with no hand-off (splitting a search never adds
//! throughput; Elasticsearch's concurrent segment search and Lucene's `IndexSearcher` executor
//! say the same).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::Searcher;

/// Engine work running now, in this process (see [`Busy`]).
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// The cores, read once (on Linux each read looks at the cgroup's files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One thread per core but one (the searching thread is the other), made at the first search
/// that can use it; `None` on one core (or if the threads cannot be made: searches then keep to
/// their own thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = cores().saturating_sub(1);
        (threads > 0)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("lawka-search-{i}"))
                    .build()
                    .ok()
            })
            .flatten()
    })
    .as_ref()
}

/// Counts a piece of engine work (a request's whole search, related questions, a histogram:
/// everything that keeps a core busy) as running until dropped. Only searches split themselves,
/// but any engine work occupies a core: counting all of it, from its start to its end, keeps a
/// search from splitting while another request is between two of its passes or rendering its page
/// (measured: splitting then cost a few per cent of throughput under load).
pub struct Busy;

impl Busy {
    /// Counts one more piece of engine work until the guard is dropped.
    pub fn enter() -> Busy {
        RUNNING.fetch_add(1, Ordering::Relaxed);
        Busy
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether a search of `segments` segments, with `running` pieces of engine work running (itself
/// included), on `cores` cores, shares its segments with the pool: more than one segment, and a
/// core left idle by the others.
pub fn side_by_side(segments: usize, running: usize, cores: usize) -> bool {
    segments > 1 && running < cores
}

/// `searcher.search(query, collector)`, its segments side by side where [`side_by_side`] says.
/// The fruits are the same either way: they are merged in segment order.
pub fn search<C: Collector>(searcher: &Searcher, query: &dyn Query, collector: &C) -> tantivy::Result<C::Fruit> {
    // This search is among the work counted where a server runs it (see `Busy`); where nothing
    // is counted (the command line), it is the only work.
    let running = RUNNING.load(Ordering::Relaxed).max(1);
    if !side_by_side(searcher.segment_readers().len(), running, cores()) {
        return searcher.search(query, collector);
    }
    match pool() {
        Some(pool) => search_on(pool, searcher, query, collector, Order::Ascending),
        None => searcher.search(query, collector),
    }
}

/// The order in which the segments are taken up. Tests take them last first on the calling thread
/// alone: a later segment's threshold then always reaches an earlier one, and the fruits come
/// back in the reverse of segment order.
#[derive(Clone, Copy)]
enum Order {
    Ascending,
    #[cfg(test)]
    Descending,
}

/// The segments of a search, taken up one at a time by this thread and by as many of `pool`'s
/// as there are segments besides one, each taking the next not yet taken (so the segments need
/// not number the cores: a generation built on more cores than it is served on is shared out
/// alike).
fn search_on<C: Collector>(
    pool: &rayon::ThreadPool,
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    order: Order,
) -> tantivy::Result<C::Fruit> {
    let readers = searcher.segment_readers();
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    collector.check_schema(searcher.schema())?;
    let weight = weight.as_ref();
    let slots: Vec<Mutex<Option<tantivy::Result<SegmentFruit<C>>>>> =
        (0..readers.len()).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || loop {
        let taken = next.fetch_add(1, Ordering::Relaxed);
        if taken >= readers.len() {
            break;
        }
        let ord = match order {
            Order::Ascending => taken,
            #[cfg(test)]
            Order::Descending => readers.len() - 1 - taken,
        };
        let fruit = collector.collect_segment(weight, ord as u32, &readers[ord]);
        *slots[ord].lock().unwrap_or_else(|p| p.into_inner()) = Some(fruit);
    };
    let helpers = match order {
        Order::Ascending => readers.len().saturating_sub(1).min(pool.current_num_threads()),
        // Deterministic: this thread alone, the last segment first.
        #[cfg(test)]
        Order::Descending => 0,
    };
    pool.in_place_scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(|_| work());
        }
        work();
    });
    let fruits = slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| Err(tantivy::TantivyError::InternalError("a segment was not searched".into())))
        })
        .collect::<tantivy::Result<Vec<_>>>()?;
    collector.merge_fruits(fruits)
}

type SegmentFruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{Query, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, FAST, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    use super::{search_on, side_by_side, Order};
    use crate::search::at_least::AtLeastQuery;
    use crate::search::prune::{BlockMaxCache, Pruning, TopHits};
    use crate::search::scorer_tests::index_in_parts;
    use crate::search::term::WeightedTermQuery;

    #[test]
    fn segments_side_by_side_give_what_one_after_the_other_gives() {
        // Word 0 everywhere, word 1 rare and repeated, word 2 every 7th: ties by the thousand, and
        // a pruned page whose threshold a later segment may raise first.
        let docs: Vec<Vec<u8>> = (0..30_000u32)
            .map(|i| {
                let mut d = vec![0; 1 + (i % 5) as usize];
                if i % 211 == 0 {
                    d.extend([1, 1]);
                }
                if i % 7 == 0 {
                    d.push(2);
                }
                d
            })
            .collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().expect("pool");
        for parts in [2, 4] {
            let (index, field) = index_in_parts(&docs, parts);
            let searcher = index.reader().expect("reader").searcher();
            assert_eq!(searcher.segment_readers().len(), parts);
            let words = |pruning: Option<Arc<Pruning>>| {
                let clauses: Vec<Vec<Box<dyn Query>>> = (0..3u8)
                    .map(|w| {
                        let t = WeightedTermQuery::new(Term::from_field_text(field, &format!("w{w}")), 1.0);
                        vec![Box::new(t) as Box<dyn Query>]
                    })
                    .collect();
                let q = AtLeastQuery::new(clauses, 2);
                match pruning {
                    Some(p) => q.with_pruning(p),
                    None => q,
                }
            };
            for k in [1, 10, 50] {
                let exact = words(None);
                let expected = searcher.search(&exact, &(Count, TopHits::exact(k))).expect("search");
                for order in [Order::Ascending, Order::Descending] {
                    let got = search_on(&pool, &searcher, &exact, &(Count, TopHits::exact(k)), order).expect("search");
                    assert_eq!(got, expected);
                    for _ in 0..3 {
                        let pruning = Arc::new(Pruning::new(0, Arc::new(BlockMaxCache::default())));
                        let pruned = words(Some(Arc::clone(&pruning)));
                        let (_, page) =
                            search_on(&pool, &searcher, &pruned, &TopHits::new(k, pruning), order).expect("search");
                        assert_eq!(page, expected.1 .1, "top {k} in {parts} segments, pruned");
                    }
                }
            }
        }
    }

    #[test]
    fn a_tie_with_a_later_segments_threshold_goes_to_the_earlier_document() {
        // Five kinds of document, each many times over in every segment: the page's lowest score
        // ties with documents of every segment. Searched last segment first, its threshold reaches
        // the earlier segments, whose tied documents must still win the tie.
        let docs: Vec<Vec<u8>> = (0..12_000u32).map(|i| vec![0; 1 + (i % 5) as usize]).collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
        let (index, field) = index_in_parts(&docs, 4);
        let searcher = index.reader().expect("reader").searcher();
        let word = |pruning| w0(field, pruning);
        for k in [1, 7, 40] {
            let (_, expected) = searcher.search(&word(None), &TopHits::exact(k)).expect("search");
            let pruning = Arc::new(Pruning::new(0, Arc::new(BlockMaxCache::default())));
            let q = word(Some(Arc::clone(&pruning)));
            let (_, page) =
                search_on(&pool, &searcher, &q, &TopHits::new(k, pruning), Order::Descending).expect("search");
            assert_eq!(page, expected, "top {k}");
        }
    }

    #[test]
    fn fruits_merge_in_segment_order_whatever_order_they_come_in() {
        // Equal sort keys in every segment: which documents a date order keeps depends on the
        // order the segments' fruits are merged in.
        let mut schema = Schema::builder();
        let key = schema.add_u64_field("key", FAST);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        for _ in 0..4 {
            for i in 0..500u64 {
                writer.add_document(doc!(key => i % 3, text => "w0")).expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 4);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        let q = TermQuery::new(Term::from_field_text(text, "w0"), IndexRecordOption::Basic);
        let by_key = (Count, TopDocs::with_limit(25).order_by_fast_field::<u64>("key", tantivy::Order::Desc));
        let expected = searcher.search(&q, &by_key).expect("search");
        for order in [Order::Ascending, Order::Descending] {
            assert_eq!(search_on(&pool, &searcher, &q, &by_key, order).expect("search"), expected);
        }
    }

    #[test]
    fn a_tie_goes_to_the_newer_question_pruned_or_not_in_any_segment_order() {
        // Scores in five kinds, each tied by the hundred in every segment, and a newness key
        // (`sort_desc`) that runs against the address: the page is by score, then the greater
        // key, then the address, whichever segment raises the threshold first.
        let mut schema = Schema::builder();
        let newer = schema.add_u64_field(crate::index::schema::SORT_DESC, FAST);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        for part in 0..4u64 {
            for i in 0..3_000u64 {
                let body = vec!["w0"; 1 + (i % 5) as usize].join(" ");
                writer.add_document(doc!(newer => (part * 3_000 + i) * 7919 % 13, text => body)).expect("add");
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 4);
        let word = |pruning| w0(text, pruning);
        // Every match with its score and key, in the expected order.
        let keys: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().u64(crate::index::schema::SORT_DESC).expect("keys"))
            .collect();
        let scores = searcher.search(&word(None), &TopDocs::with_limit(100_000).order_by_score()).expect("search");
        let mut all: Vec<(tantivy::Score, u64, tantivy::DocAddress)> = scores
            .into_iter()
            .map(|(score, addr)| (score, keys[addr.segment_ord as usize].first(addr.doc_id).expect("key"), addr))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
        for k in [1, 7, 40, 250] {
            let expected: Vec<(tantivy::Score, tantivy::DocAddress)> = all[..k].iter().map(|h| (h.0, h.2)).collect();
            let (_, exact) = searcher.search(&word(None), &TopHits::exact(k)).expect("search");
            assert_eq!(exact, expected, "top {k}, exact");
            for order in [Order::Ascending, Order::Descending] {
                let pruning = Arc::new(Pruning::new(0, Arc::new(BlockMaxCache::default())));
                let q = word(Some(Arc::clone(&pruning)));
                let (_, page) = search_on(&pool, &searcher, &q, &TopHits::new(k, pruning), order).expect("search");
                assert_eq!(page, expected, "top {k}, pruned");
            }
        }
    }

    /// `w0` in at least one of one clause, pruned by `pruning` where given.
    fn w0(field: tantivy::schema::Field, pruning: Option<Arc<Pruning>>) -> AtLeastQuery {
        let t = WeightedTermQuery::new(Term::from_field_text(field, "w0"), 1.0);
        let q = AtLeastQuery::new(vec![vec![Box::new(t) as Box<dyn Query>]], 1);
        match pruning {
            Some(p) => q.with_pruning(p),
            None => q,
        }
    }

    #[test]
    fn only_several_segments_on_an_idle_core() {
        assert!(side_by_side(2, 1, 2));
        assert!(!side_by_side(1, 1, 2), "one segment");
        assert!(!side_by_side(2, 2, 2), "both cores searching");
        assert!(!side_by_side(2, 1, 1), "one core");
        assert!(side_by_side(4, 3, 8));
    }
}
