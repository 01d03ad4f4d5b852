//! Bulk indexing throughput (questions/s): a deterministic synthetic corpus of 2,000 questions,
//! built into a fresh generation each iteration with the full Polish analysis.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lawka::corpus::{synth, Corpus};
use lawka::index::{self, BuildOptions, NoProgress};

const QUESTIONS: usize = 2_000;

fn indexing(c: &mut Criterion) {
    let source_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let source = Corpus::load(&source_dir).expect("demo corpus");
    let corpus = tempfile::tempdir().expect("temp dir");
    synth::synthesize(&source_dir, &source, QUESTIONS, 1, corpus.path()).expect("synthetic corpus");
    let mut group = c.benchmark_group("indexing");
    group.sample_size(10);
    group.throughput(Throughput::Elements(QUESTIONS as u64));
    group.bench_function("synthetic_2k", |b| {
        b.iter(|| {
            let out = tempfile::tempdir().expect("temp dir");
            let s = index::build(corpus.path(), &out.path().join("index"), &BuildOptions::default(), &NoProgress)
                .expect("build");
            assert_eq!(s.questions, QUESTIONS as u64);
        })
    });
    group.finish();
}

criterion_group!(benches, indexing);
criterion_main!(benches);
