//! A search's segments side by side on the cores no other search is using.
//!
//! tantivy collects a query's segments one after the other on the calling thread. A large
//! generation is written as one segment per core (`index::build`), and where fewer searches run
//! than there are cores, a search collects its first segment on its own thread and hands the
//! others to a pool of one thread per other core, so a journalist's search at a million questions
//! takes both cores of a 2-core machine rather than one. Under load every core is busy with
//! searches of their own: each then runs on its own thread as before, with no hand-off (splitting
//! a search never adds throughput; Elasticsearch's concurrent segment search and Lucene's
//! `IndexSearcher` executor say the same).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query};
use tantivy::Searcher;

/// Searches collecting now, in this process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// The cores, read once (on Linux each read looks at the cgroup's files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// One thread per core beside the searching threads, made at the first search that can use it;
/// `None` on one core.
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

/// Counts a search as running until dropped.
struct Running;

impl Running {
    /// Enters, returning how many searches run now, this one included.
    fn enter() -> (Running, usize) {
        (Running, RUNNING.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether a search of `segments` segments, with `running` searches running (itself included),
/// on `cores` cores, hands its segments to the pool: more than one segment, and a core left idle
/// by the others.
pub fn side_by_side(segments: usize, running: usize, cores: usize) -> bool {
    segments > 1 && running < cores
}

/// `searcher.search(query, collector)`, its segments side by side where [`side_by_side`] says:
/// the first on this thread, the others on the pool (a hand-off to the pool and back for each
/// would cost the calling thread's wake-up on top). The fruits are the same either way: they are
/// merged in segment order.
pub fn search<C: Collector>(searcher: &Searcher, query: &dyn Query, collector: &C) -> tantivy::Result<C::Fruit> {
    let (_running, running) = Running::enter();
    match pool().filter(|_| side_by_side(searcher.segment_readers().len(), running, cores())) {
        Some(pool) => search_on(pool, searcher, query, collector),
        None => searcher.search(query, collector),
    }
}

/// The segments of a search of more than one segment, the first on this thread and the others on
/// `pool`.
fn search_on<C: Collector>(
    pool: &rayon::ThreadPool,
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
) -> tantivy::Result<C::Fruit> {
    let readers = searcher.segment_readers();
    if readers.is_empty() {
        return searcher.search(query, collector);
    }
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    collector.check_schema(searcher.schema())?;
    let weight = weight.as_ref();
    let mut fruits: Vec<Option<tantivy::Result<SegmentFruit<C>>>> = (0..readers.len()).map(|_| None).collect();
    let (first, rest) = fruits.split_at_mut(1);
    pool.in_place_scope(|scope| {
        for ((ord, reader), slot) in readers.iter().enumerate().skip(1).zip(rest.iter_mut()) {
            scope.spawn(move |_| *slot = Some(collector.collect_segment(weight, ord as u32, reader)));
        }
        first[0] = Some(collector.collect_segment(weight, 0, &readers[0]));
    });
    let fruits = fruits
        .into_iter()
        .map(|f| f.unwrap_or_else(|| Err(tantivy::TantivyError::InternalError("a segment was not searched".into()))))
        .collect::<tantivy::Result<Vec<_>>>()?;
    collector.merge_fruits(fruits)
}

type SegmentFruit<C> = <<C as Collector>::Child as SegmentCollector>::Fruit;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tantivy::collector::Count;
    use tantivy::query::Query;
    use tantivy::Term;

    use super::{search_on, side_by_side};
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
                assert_eq!(search_on(&pool, &searcher, &exact, &(Count, TopHits::exact(k))).expect("search"), expected);
                for _ in 0..5 {
                    let pruning = Arc::new(Pruning::new(0, Arc::new(BlockMaxCache::default())));
                    let (_, page) =
                        search_on(&pool, &searcher, &words(Some(Arc::clone(&pruning))), &TopHits::new(k, pruning))
                            .expect("search");
                    assert_eq!(page, expected.1 .1, "top {k} in {parts} segments, pruned");
                }
            }
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
