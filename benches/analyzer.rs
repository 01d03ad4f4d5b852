//! Analysis throughput: municipal text (three meetings of the demo corpus, 7k words) through the
//! exact-letter and the folded Polish chains. The token count is asserted in the loop so that a
//! broken analyzer cannot look fast.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lawka::analysis::polish_analyzer;

const TEXT: &str = include_str!("municipal.txt");

fn analyze(c: &mut Criterion) {
    let mut group = c.benchmark_group("analysis");
    for (name, fold) in [("pl", false), ("pl_ascii", true)] {
        let mut analyzer = polish_analyzer(fold);
        let count = lawka::analysis::analyze(&mut analyzer, TEXT).len() as u64;
        group.throughput(Throughput::Elements(count));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut n = 0;
                let mut stream = analyzer.token_stream(TEXT);
                while stream.advance() {
                    n += 1;
                }
                assert_eq!(n, count);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analyze);
criterion_main!(benches);
