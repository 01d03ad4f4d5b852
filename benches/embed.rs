//! Dense retrieval on one thread: embedding a query with e5 (the cost a hybrid search adds) and
//! the brute-force nearest-neighbour scan over the demo corpus's question vectors.
//!
//! Without the model (tools/setup-model.sh not run, or the runtime not compiled in) it says so
//! and measures nothing, so `cargo bench` keeps working everywhere.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use lawka::embed::{Embedder, Vectors};

/// Short queries as residents type them, in the three languages the demo corpus is asked in.
const QUERIES: &[&str] = &[
    "dziura w jezdni na ulicy Krakusa",
    "kiedy wrócą tramwaje na Kalwaryjską",
    "коли відремонтують трамвайні колії",
    "rubbish bins not emptied in my street",
];

fn bench(c: &mut Criterion) {
    let embedder = match Embedder::open_default() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("benches/embed: skipped: {e}");
            return;
        }
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let vectors = Vectors::read(&root.join("corpus/vectors.e5")).expect("corpus/vectors.e5 (lawka embed)");
    assert!(vectors.len() >= 300, "the demo corpus has ~320 questions");

    let mut g = c.benchmark_group(format!("embed/{}", embedder.runtime()));
    g.bench_function("query", |b| {
        let mut i = 0;
        b.iter(|| {
            let v = embedder.embed_query(QUERIES[i % QUERIES.len()]).expect("embed");
            assert_eq!(v.len(), lawka::embed::DIM);
            i += 1;
            black_box(v)
        })
    });
    let q = embedder.embed_query(QUERIES[2]).expect("embed");
    g.bench_function("nearest_10_of_320", |b| {
        b.iter(|| {
            // The questions' own vectors, as related questions scan them (the file also holds
            // their answers' paragraphs).
            let hits = vectors.nearest(black_box(&q), 10, |id| !lawka::embed::passage_owner(id).1);
            assert_eq!(hits.len(), 10);
            black_box(hits.len())
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
