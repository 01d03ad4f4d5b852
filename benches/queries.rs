//! Search with facets and snippets, and the ranked page alone (exact total, or pruned), in
//! process, on synthetic indexes of 10k questions (built at the start), or on the index at
//! LAWKA_BENCH_INDEX (e.g. a 100k or 1M index made with `lawka synth` + `lawka index`). The query
//! mix is the judged queries of tests/eval; related questions are asked of the first question
//! each of them finds, and of its title as free text.

use criterion::{criterion_group, criterion_main, Criterion};
use lawka::corpus::{synth, Corpus};
use lawka::index::{self, BuildOptions, IndexHandle, NoProgress};
use lawka::search::{self, Glossary, RawSearchParams, SearchRequest};

fn queries() -> Vec<String> {
    let mut out = Vec::new();
    for file in ["queries-residents.json", "queries-journalists.json"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval").join(file);
        let judged: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).expect("eval file")).expect("JSON");
        out.extend(judged.iter().filter_map(|q| q["query"].as_str().map(str::to_string)));
    }
    out
}

fn bench(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_tmp, dir) = match std::env::var_os("LAWKA_BENCH_INDEX") {
        Some(dir) => (None, std::path::PathBuf::from(dir)),
        None => {
            let tmp = tempfile::tempdir().expect("temp dir");
            let source = Corpus::load(&root.join("corpus")).expect("demo corpus");
            synth::synthesize(&root.join("corpus"), &source, 10_000, 1, &tmp.path().join("corpus")).expect("synth");
            index::build(&tmp.path().join("corpus"), &tmp.path().join("index"), &BuildOptions::default(), &NoProgress)
                .expect("build");
            let dir = tmp.path().join("index");
            (Some(tmp), dir)
        }
    };
    let handle = IndexHandle::open(&dir).expect("index");
    let generation = handle.current();
    let glossary = Glossary::read(&root.join("corpus/glossary.txt")).expect("glossary");
    let requests: Vec<SearchRequest> = queries()
        .into_iter()
        .map(|q| {
            SearchRequest::parse(&RawSearchParams { q: Some(q), ..Default::default() }, &generation.meta)
                .expect("valid")
        })
        .collect();
    let docs = generation.meta.documents;
    let mut group = c.benchmark_group(format!("search_{docs}"));
    let mut i = 0;
    group.bench_function("query_mix_with_facets", |b| {
        b.iter(|| {
            let resp = search::search(&generation, &glossary, &requests[i % requests.len()]).expect("search");
            i += 1;
            assert!(resp.hits.len() <= 10);
        })
    });
    // The ranked page alone, with the exact total and with a total that may stop counting (the
    // page pruned: see `search::prune`).
    for (name, track) in [("ranked_page", None), ("ranked_page_pruned", Some("false"))] {
        let pages: Vec<SearchRequest> = queries()
            .into_iter()
            .map(|q| {
                let raw = RawSearchParams {
                    q: Some(q),
                    facets: Some("false".into()),
                    snippets: Some("false".into()),
                    track_total_hits: track.map(String::from),
                    ..Default::default()
                };
                SearchRequest::parse(&raw, &generation.meta).expect("valid")
            })
            .collect();
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                let resp = search::search(&generation, &glossary, &pages[i % pages.len()]).expect("search");
                i += 1;
                assert!(resp.hits.len() <= 10);
            })
        });
    }
    let seeds: Vec<(lawka::corpus::QuestionId, String)> = requests
        .iter()
        .filter_map(|r| search::search(&generation, &glossary, r).expect("search").hits.into_iter().next())
        .map(|h| (h.id.parse().expect("a question id"), h.title))
        .collect();
    let mut i = 0;
    group.bench_function("related_to_question", |b| {
        b.iter(|| {
            let (id, _) = &seeds[i % seeds.len()];
            i += 1;
            assert!(search::related_to_question(&generation, &glossary, id, 5).expect("related").len() <= 5);
        })
    });
    let mut i = 0;
    group.bench_function("related_to_text", |b| {
        b.iter(|| {
            let (_, title) = &seeds[i % seeds.len()];
            i += 1;
            assert!(search::related_to_text(&generation, &glossary, title, 5).expect("related").len() <= 5);
        })
    });
    let all = SearchRequest::parse(&RawSearchParams::default(), &generation.meta).expect("valid");
    group.bench_function("browse_newest_with_facets", |b| {
        b.iter(|| assert_eq!(search::search(&generation, &glossary, &all).expect("search").total, docs))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
