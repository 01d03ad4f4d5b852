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

/// Typo correction's lookups, per misspelt word: the dictionary's forms one edit away (the
/// language check; SGJP's 4 M folded forms are the largest list searched) and the corpus words
/// meant (on a vocabulary of ~700k words: the demo text's words with prefixes and endings added, larger than a
/// city's titles and questions hold).
fn typo_lookups(c: &mut Criterion) {
    use lawka::index::Suggestions;
    let typos = ["pkywalni", "ukrsy", "wynaju", "hulajngoi", "zanieczyszcenie"];
    let mut group = c.benchmark_group("typo");
    group.throughput(Throughput::Elements(typos.len() as u64));
    let dictionary = lawka::analysis::sgjp(true);
    group.bench_function("dictionary_near_1", |b| {
        b.iter(|| {
            let known = typos.iter().filter(|w| dictionary.knows_near(w, 1)).count();
            assert!(known >= 3, "{known}");
        })
    });
    let mut words: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut plain = lawka::analysis::plain_analyzer(false);
    for w in lawka::analysis::analyze(&mut plain, TEXT) {
        for ending in ["", "a", "e", "i", "y", "ami", "ach", "om", "owi", "em", "ów", "ego", "emu", "ej", "ą", "ę"] {
            for prefix in
                ["", "na", "po", "prze", "z", "wy", "do", "od", "roz", "u", "za", "nad", "pod", "przy", "s", "w"]
            {
                words.insert(format!("{prefix}{w}{ending}"));
            }
        }
    }
    let n = words.len();
    let vocabulary = Suggestions::new(words.into_iter().map(|w| (w, 1)).collect());
    for max in [1u8, 2] {
        group.bench_function(format!("vocabulary_{n}_near_{max}"), |b| {
            b.iter(|| {
                let found: usize = typos.iter().map(|w| vocabulary.near(w, max, 3).len()).sum();
                assert!(found >= 3, "{found}");
            })
        });
    }
    group.finish();
}

/// The glossary's groups a text names (`Glossary::groups_named`), per word of the municipal text:
/// what related questions read once per generation from each candidate's whole text (a demo
/// question with its answers has ~250 words).
fn glossary_groups(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/glossary.txt");
    let glossary = lawka::search::Glossary::read(&path).expect("glossary");
    let mut plain = lawka::analysis::plain_analyzer(false);
    let words: Vec<String> = lawka::analysis::analyze(&mut plain, TEXT)
        .into_iter()
        .filter(|w| !lawka::analysis::is_stop_word(&w.to_lowercase()))
        .collect();
    let mut group = c.benchmark_group("glossary");
    group.throughput(Throughput::Elements(words.len() as u64));
    group.bench_function("groups_named", |b| {
        b.iter(|| {
            let named = glossary.groups_named(&words).len();
            assert!(named >= 10, "{named}");
        })
    });
    group.finish();
}

criterion_group!(benches, analyze, typo_lookups, glossary_groups);
criterion_main!(benches);
