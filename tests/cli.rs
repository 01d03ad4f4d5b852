//! The `lawka` binary: check, index, search.

use serde_json::Value;

use crate::common::{copy_dir, corpus_dir, lawka, shared};

#[test]
fn check_passes_on_the_bundled_corpus_and_lists_every_problem_of_a_bad_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = lawka(tmp.path(), &["check", "--corpus", corpus_dir().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("26 meetings"));

    let bad = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &bad);
    let file = bad.join("meetings/2024-06-24-bronowice-wielkie.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replacen("**Odpowiedź (Wodociągi Miasta Krakowa):**", "**Odpowiedź (Wodociągi Krakowskie):**", 1)
        .replacen("## 5. ", "## 6. ", 1)
        .replacen("date: 2024-06-24", "date: 24.06.2024", 1);
    std::fs::write(&file, text).unwrap();
    let out = lawka(tmp.path(), &["check", "--corpus", "corpus"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("2024-06-24-bronowice-wielkie.md:3: bad date \"24.06.2024\""), "{stdout}");
    assert!(stdout.contains("unit \"Wodociągi Krakowskie\" is not in departments.txt"), "{stdout}");
    assert!(stdout.contains("numbering gap: question 6 follows 4, expected 5"), "{stdout}");
}

#[test]
fn a_glossary_the_server_would_refuse_fails_check_and_index_naming_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    let glossary = corpus.join("glossary.txt");
    let lines = std::fs::read_to_string(&glossary).unwrap().lines().count();
    let mut text = std::fs::read_to_string(&glossary).unwrap();
    text.push_str("dziura w jezdni = ubytek ~ wyrwa\n");
    std::fs::write(&glossary, text).unwrap();
    let line = format!("glossary.txt:{}: mixes `=` and `~`", lines + 1);

    let out = lawka(tmp.path(), &["check", "--corpus", "corpus"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&line) && stdout.contains("1 problem(s)"), "{stdout}");

    let out = lawka(tmp.path(), &["index", "--corpus", "corpus", "--index", "index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&line), "{stderr}");
    assert!(!tmp.path().join("index").join("CURRENT").exists(), "nothing was built");
}

#[test]
fn search_json_is_the_api_response_body() {
    let q = "dziury w jezdni";
    let out = lawka(
        std::env::temp_dir().as_path(),
        &[
            "search",
            q,
            "--index",
            shared().index_dir.to_str().unwrap(),
            "--corpus",
            corpus_dir().to_str().unwrap(),
            "--limit",
            "5",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut cli: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut api = shared().get_ok(&format!("/api/search?q={}&limit=5", crate::common::enc(q)));
    cli["took_ms"] = Value::Null;
    api["took_ms"] = Value::Null;
    assert_eq!(cli, api);
}

#[test]
fn search_text_output_and_exit_codes() {
    let index = shared().index_dir.to_str().unwrap().to_string();
    let out = lawka(
        std::env::temp_dir().as_path(),
        &["search", "tramwaj", "--index", &index, "--district", "Dzielnica XV Mistrzejowice"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.contains("Dzielnica XV Mistrzejowice") && stdout.contains("Dane demonstracyjne"), "{stdout}");
    // Nothing matches the words: exit 1 (with BM25 alone; by meaning the nearest questions would
    // be shown, flagged as a partial match).
    let none = crate::common::lawka_command()
        .args(["search", "xyzzyqwerty", "--index", &index])
        .env("LAWKA_DENSE", "off")
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1), "{}", String::from_utf8_lossy(&none.stdout));
    let bad = lawka(std::env::temp_dir().as_path(), &["search", "tramwaj", "--index", &index, "--limit", "500"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid --limit"));
    let missing = lawka(std::env::temp_dir().as_path(), &["search", "tramwaj", "--index", "/nonexistent/lawka"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no index in"));
}

#[test]
fn output_cut_short_by_a_closed_pipe_ends_quietly() {
    // `lawka search … | head`: the reader goes away before the results are written.
    let index = shared().index_dir.to_str().unwrap().to_string();
    let mut child = crate::common::lawka_command()
        .args(["search", "tramwaj", "--index", &index, "--limit", "100"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn an_index_from_another_analysis_version_is_rebuilt_not_misread() {
    let tmp = crate::common::workspace(true);
    let work = tmp.path();
    let current = std::fs::read_to_string(work.join("index/CURRENT")).unwrap().trim().to_string();
    let meta_path = work.join("index").join(&current).join("lawka.json");
    let mut meta: Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["analysis"] = Value::from(0);
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let search = lawka(work, &["search", "tramwaj"]);
    assert_eq!(search.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&search.stderr).contains("rebuild it with `lawka index`"),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
    // Commands that can build do so from the corpus.
    let eval = lawka(work, &["eval", "--set", &format!("{}/tests/eval", env!("CARGO_MANIFEST_DIR"))]);
    assert!(eval.status.success(), "{}", String::from_utf8_lossy(&eval.stderr));
    assert_ne!(std::fs::read_to_string(work.join("index/CURRENT")).unwrap().trim(), current);
    assert!(lawka(work, &["search", "tramwaj"]).status.success());
}

#[test]
fn eval_prints_the_dev_and_holdout_sets_side_by_side() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = shared().index_dir.display().to_string();
    // What the command prints, not the figures (tests/quality.rs floors those, with the model): by
    // the words alone, it spares the suite ~500 query embeddings (~35 s of CPU).
    let by_words = |args: &[&str]| {
        crate::common::lawka_in(root, args).env(lawka::search::dense::ENV_SWITCH, "off").output().expect("lawka runs")
    };
    let out = by_words(&["eval", "--index", &index]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "tests/eval ",
        "tests/eval/holdout ",
        "tests/eval/holdout2",
        "tests/eval/holdout3",
        "tests/eval/holdout4",
        "tests/eval/holdout5",
        "tests/eval/holdout6",
        "tests/eval/holdout7",
        "tests/eval/holdout8",
        "tests/eval/holdout9",
        "related questions",
        "other_language",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    // The "all" row has one figure per set: 32 dev queries, 71, 48, 44, 42, 55, 60, 60 and 60 holdout queries.
    let all = text.lines().find(|l| l.starts_with("all")).expect("an all row");
    assert!(
        all.contains(" 32 ")
            && all.contains(" 71 ")
            && all.contains(" 48 ")
            && all.contains(" 44 ")
            && all.contains(" 42 ")
            && all.contains(" 55 ")
            && all.contains(" 60 "),
        "{all}"
    );
    // Issue 14's baseline, OR BM25 over the same analysis: queries only, behind the engine on
    // the dev set (0.803 against 0.878 by the words alone, 0.943 with the model, when written),
    // and not of another backend.
    let or = by_words(&["eval", "--index", &index, "--or-bm25", "--set", "tests/eval"]);
    assert!(or.status.success(), "{}", String::from_utf8_lossy(&or.stderr));
    let or_text = String::from_utf8_lossy(&or.stdout);
    assert!(!or_text.contains("related questions"), "{or_text}");
    let figure = |text: &str| -> f64 {
        let all = text.lines().find(|l| l.starts_with("all")).expect("an all row");
        all.split_whitespace().nth(3).and_then(|x| x.parse().ok()).expect("nDCG in the all row")
    };
    let own = by_words(&["eval", "--index", &index, "--set", "tests/eval"]);
    let (or_ndcg, own_ndcg) = (figure(&or_text), figure(&String::from_utf8_lossy(&own.stdout)));
    assert!(or_ndcg > 0.5 && or_ndcg < own_ndcg, "OR BM25 {or_ndcg}, Ławka {own_ndcg}");
    let bad = lawka(root, &["eval", "--index", &index, "--or-bm25", "--backend", "sphinx"]);
    assert_eq!(bad.status.code(), Some(2));
    // --related belongs to --queries.
    let bad = lawka(root, &["eval", "--index", &index, "--related", "tests/eval/related.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--related goes with --queries"));
}

/// The texts `lawka embed` and `lawka index` embed for these questions: each question and each
/// paragraph of its answers.
fn passages<'a>(questions: impl IntoIterator<Item = &'a lawka::corpus::Question>) -> usize {
    questions
        .into_iter()
        .map(|q| {
            lawka::embed::passages_of(&q.id.to_string(), &q.title, &q.text, q.answers.iter().map(|a| a.text.as_str()))
                .len()
        })
        .sum()
}

#[test]
fn embed_reuses_the_shipped_vectors_and_embeds_only_a_changed_question() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    let n = crate::common::corpus().question_count();
    let texts = passages(crate::common::corpus().questions().map(|(_, q)| q));
    assert!(texts > 2 * n, "every question and its answers' paragraphs: {texts} texts for {n} questions");

    // The shipped file is current: nothing to embed, so no model is needed.
    let out = lawka(tmp.path(), &["embed", "--corpus", "corpus"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains(&format!("{texts} vectors in corpus/vectors.e5: 0 embedded, {texts} reused, 0 dropped")),
        "{stdout}"
    );
    let vectors = lawka::embed::Vectors::read(&corpus.join("vectors.e5")).unwrap();
    assert_eq!(vectors.len(), texts);
    assert_eq!(vectors.ids().filter(|id| !lawka::embed::passage_owner(id).1).count(), n, "one per question");
    assert_eq!(vectors.model(), lawka::embed::MODEL_ID);
    assert!(std::fs::metadata(corpus.join("vectors.e5")).unwrap().len() < 1 << 20, "the committed file stays small");

    // One question retitled (its answers unchanged), one meeting gone.
    let file = corpus.join("meetings/2024-06-24-bronowice-wielkie.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("## 1. Korki na ulicy Balickiej", "## 1. Zatory na ulicy Balickiej", 1))
        .unwrap();
    let gone = crate::common::corpus().meetings.iter().find(|m| m.id.to_string() == "2024-06-27-opatkowice").unwrap();
    std::fs::remove_file(corpus.join("meetings/2024-06-27-opatkowice.md")).unwrap();
    let left = texts - passages(&gone.questions);
    let out = lawka(tmp.path(), &["embed", "--corpus", "corpus", "--out", "corpus/vectors.e5"]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if lawka::embed::available() {
        assert!(out.status.success(), "{stdout}{stderr}");
        let expected = format!(
            "{left} vectors in corpus/vectors.e5: 1 embedded, {} reused, {} dropped",
            left - 1,
            passages(&gone.questions)
        );
        assert!(stdout.contains(&expected), "{stdout}");
        let after = lawka::embed::Vectors::read(&corpus.join("vectors.e5")).unwrap();
        let id = "2024-06-24-bronowice-wielkie/1";
        assert_ne!(after.get(id), vectors.get(id));
        assert_eq!(after.get("2024-06-24-bronowice-wielkie/1#1"), vectors.get("2024-06-24-bronowice-wielkie/1#1"));
        assert_eq!(after.get("2024-06-24-bronowice-wielkie/2"), vectors.get("2024-06-24-bronowice-wielkie/2"));
    } else {
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
        assert!(stderr.contains("not compiled in"), "{stderr}");
    }
}

#[test]
fn index_reuses_vectors_by_content_even_under_new_ids() {
    // A meeting copied under another id: its questions have new ids and the same texts, so the
    // build takes their vectors (and their answers') from the corpus's cache instead of
    // embedding them (or, without the model, leaving them out).
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    let texts = passages(crate::common::corpus().questions().map(|(_, q)| q));
    let copied_meeting =
        crate::common::corpus().meetings.iter().find(|m| m.id.to_string() == "2024-06-24-bronowice-wielkie").unwrap();
    let copied = std::fs::read_to_string(corpus.join("meetings/2024-06-24-bronowice-wielkie.md")).unwrap();
    std::fs::write(corpus.join("meetings/2027-06-24-bronowice-wielkie.md"), copied.replace("2024-06-24", "2027-06-24"))
        .unwrap();
    let out = lawka(tmp.path(), &["index"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reused = texts + passages(&copied_meeting.questions);
    assert!(stdout.contains(&format!("vectors: {reused} reused, 0 embedded, 0 missing")), "{stdout}");
}

#[test]
fn a_question_whose_answer_says_what_the_query_means_comes_closer_by_meaning() {
    // A built generation whose vectors are set by hand (no model needed): the query's direction
    // is `e1`. `kliny/9`'s own text is farther from it (0.5) than `bulwar-sztuki/7`'s (0.6), but
    // a paragraph of its answers says exactly that (1.0).
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    let out = lawka(tmp.path(), &["index"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index = tmp.path().join("index");
    let name = std::fs::read_to_string(index.join("CURRENT")).unwrap().trim().to_string();
    let dim = lawka::embed::DIM;
    let axis = |pairs: &[(usize, f32)]| {
        let mut v = vec![0.0f32; dim];
        for &(i, x) in pairs {
            v[i] = x;
        }
        v
    };
    let mut vectors = lawka::embed::Vectors::new(lawka::embed::MODEL_ID, dim);
    let hash = lawka::embed::ContentHash::of;
    vectors.insert("2025-04-10-kliny/9", hash("a"), &axis(&[(1, 0.5), (3, 0.866)]));
    vectors.insert("2025-04-10-kliny/9#1", hash("b"), &axis(&[(1, 1.0)]));
    vectors.insert("2025-07-18-bulwar-sztuki/7", hash("c"), &axis(&[(1, 0.6), (2, 0.8)]));
    // A paragraph of a question the index does not have is never read as a question.
    vectors.insert("2030-01-01-nowhere/1#1", hash("d"), &axis(&[(1, 1.0)]));
    vectors.write(&index.join(&name).join("vectors.e5")).unwrap();

    let generation = lawka::index::Generation::open(&index, &name).unwrap();
    let dense = generation.dense.as_ref().expect("the generation's vectors");
    assert_eq!((dense.len(), dense.answer_paragraphs()), (2, 1));
    let query = axis(&[(1, 1.0)]);
    let ids =
        |near: Vec<(tantivy::DocAddress, &str, f32)>| near.into_iter().map(|n| n.1.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(dense.nearest(&query, 10)), ["2025-07-18-bulwar-sztuki/7", "2025-04-10-kliny/9"], "own texts alone");
    let with_answers = dense.nearest_with_answers(&query, 10, 1.0);
    assert_eq!(with_answers[0].1, "2025-04-10-kliny/9", "its answer brings it first: {with_answers:?}");
    // 0.5 + 1.0 against 0.6 + 0.6 (a question without answer vectors counts its own text twice).
    assert!((with_answers[0].2 - 1.5).abs() < 1e-2 && (with_answers[1].2 - 1.2).abs() < 1e-2, "{with_answers:?}");
}

#[test]
fn serve_names_what_a_backend_lacks_and_exits_non_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let index = shared().index_dir.to_str().unwrap().to_string();
    let corpus = corpus_dir().to_str().unwrap().to_string();
    // Bounded: a server that started instead of refusing would never return.
    let serve = |backend: &str| {
        let mut child = crate::common::lawka_command()
            .args(["serve", "--index", &index, "--corpus", &corpus, "--addr", "127.0.0.1:0", "--backend", backend])
            .current_dir(tmp.path())
            .env_remove("SPHINX_NODES")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("lawka runs");
        let started = std::time::Instant::now();
        while child.try_wait().expect("wait").is_none() {
            if started.elapsed() > std::time::Duration::from_secs(30) {
                let _ = child.kill();
                panic!("lawka serve --backend {backend} started serving instead of refusing");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        child.wait_with_output().expect("output")
    };
    // No cluster given: refused before anything is opened or served.
    let out = serve("sphinx");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("SPHINX_NODES"), "{out:?}");
    let out = serve("typesense");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not served through Typesense"), "{out:?}");
}

/// A meeting of one question, the same text whatever the date.
fn same_question_on(date: &str) -> String {
    format!(
        "---\ntitle: Spotkanie testowe\ndate: {date}\nplace: Kliny\ndistrict: Dzielnica X Swoszowice\n\
         kind: dzielnica\nsource: synthetic\n---\n\n## 1. Kaczki przy stawie karmione chlebem\n\n\
         **Pytanie:** Spacerowicze karmią kaczki i łabędzie na stawie spleśniałym chlebem. Kto postawi \
         tablicę, że to im szkodzi?\n\n**Odpowiedź (Zarząd Zieleni Miejskiej):** Tablice staną wiosną.\n"
    )
}

#[test]
fn questions_words_score_the_same_come_newest_first_on_every_build() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    copy_dir(&corpus_dir(), &corpus);
    // Written oldest first: a build that takes the files in order puts the oldest first in the
    // index, so order by address would be oldest first. Two meetings share a day.
    let meetings = ["2024-02-01-test", "2025-05-05-test", "2025-05-05-drugie", "2026-10-10-test"];
    for m in meetings {
        std::fs::write(corpus.join(format!("meetings/{m}.md")), same_question_on(&m[..10])).unwrap();
    }
    let mut first_build: Option<Vec<String>> = None;
    for build in 0..2 {
        let out = lawka(tmp.path(), &["index"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Words alone: with the model, meaning orders the tie instead (the same text, the same
        // vector, ranked as the vectors are stored).
        let out = crate::common::lawka_command()
            .args(["search", "--json", "kaczki karmione spleśniałym chlebem"])
            .env("LAWKA_DENSE", "off")
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let body: Value = serde_json::from_slice(&out.stdout).unwrap();
        let hits = body["hits"].as_array().unwrap();
        assert!(hits.len() >= 4, "{body}");
        assert_eq!(hits[0]["score"], hits[3]["score"], "the four tie: {body}");
        let ids: Vec<String> = hits[..4].iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(ids[0], "2026-10-10-test/1", "build {build}: {ids:?}");
        assert!(ids[1].starts_with("2025-05-05-") && ids[2].starts_with("2025-05-05-"), "build {build}: {ids:?}");
        assert_eq!(ids[3], "2024-02-01-test/1", "build {build}: {ids:?}");
        match &first_build {
            Some(first) => assert_eq!(&ids, first, "the same day's meetings in the same order on every build"),
            None => first_build = Some(ids),
        }
    }
}

/// The files of the shared demo corpus that `corpus/` keeps byte for byte (its question ids are a
/// public contract), with their blake3 hashes: `tests/fixtures/shared-corpus.b3`.
const SHARED_CORPUS_MANIFEST: &str = "tests/fixtures/shared-corpus.b3";

/// The project's own files beside the shared ones.
const OWN_CORPUS_FILES: [&str; 3] = ["glossary.txt", "units.txt", "vectors.e5"];

fn corpus_files(root: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut std::collections::BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(name, blake3::hash(&std::fs::read(&path).unwrap()).to_hex().to_string());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[test]
fn the_bundled_corpus_is_the_shared_one_byte_for_byte() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest_path = repo.join(SHARED_CORPUS_MANIFEST);
    let shared_dir = repo.join("../shared/corpus");
    if std::env::var_os("LAWKA_BLESS_CORPUS").is_some() {
        assert!(shared_dir.is_dir(), "LAWKA_BLESS_CORPUS writes the manifest from {}", shared_dir.display());
        let listed: String = corpus_files(&shared_dir).iter().map(|(name, hash)| format!("{hash}  {name}\n")).collect();
        std::fs::write(&manifest_path, listed).unwrap();
    }
    let manifest: std::collections::BTreeMap<String, String> = std::fs::read_to_string(&manifest_path)
        .unwrap()
        .lines()
        .map(|line| {
            let (hash, name) = line.split_once("  ").expect("`hash  path` per line");
            (name.to_string(), hash.to_string())
        })
        .collect();
    assert!(manifest.len() > 20, "{} files listed", manifest.len());

    let mut ours = corpus_files(&corpus_dir());
    for own in OWN_CORPUS_FILES {
        ours.remove(own);
    }
    // Files written by the import beside the corpus (revisions, caches) are not in the demo.
    ours.retain(|name, _| !name.starts_with("revisions/") && !name.starts_with('.'));
    assert_eq!(ours, manifest, "corpus/ differs from the shared demo corpus (ids are a public contract)");

    // Where the shared corpus sits beside the checkout (this project's machines), it is the
    // manifest's too: a change to the shared corpus must be copied, not forgotten.
    if shared_dir.is_dir() {
        assert_eq!(corpus_files(&shared_dir), manifest, "{} changed; copy it to corpus/", shared_dir.display());
    } else {
        eprintln!("{} is not here: checked against the manifest only", shared_dir.display());
    }
}

#[test]
fn bad_arguments_exit_2_with_one_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let stderr_of = |args: &[&str]| {
        let out = lawka(dir, args);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    // A gate that NaN, a negative or an nDCG above 1 would turn off or make unpassable.
    for bad in ["NaN", "2", "0.8x"] {
        let (code, err) = stderr_of(&["eval", "--min-ndcg", bad]);
        assert_eq!(code, Some(2), "{bad}: {err}");
        assert!(err.contains("not a number from 0 to 1"), "{bad}: {err}");
    }
    // A pause of 584 million years is a typo, not a politeness.
    let (code, err) =
        stderr_of(&["import", "--corpus", "c", "--from", "http://127.0.0.1:9/", "--delay-ms", "18446744073709551615"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--delay-ms") && err.contains("600000"), "{err}");
    // Figures measured without the corpus's glossary would be wrong figures.
    let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/eval");
    let (code, err) = stderr_of(&["eval", "--set", dev, "--corpus", "no-such-corpus", "--index", "idx"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no-such-corpus: no such directory"), "{err}");
    assert!(!dir.join("idx").exists(), "nothing built");
    // A mistyped option before the query is no query (`-word` still excludes a word).
    let index = shared().index_dir.to_str().unwrap().to_string();
    let (code, err) = stderr_of(&["search", "--index", &index, "--lmit"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"--lmit\" is no option"), "{err}");
    let excluded = lawka(dir, &["search", "--index", &index, "-tramwaj autobus", "--limit", "1"]);
    assert_eq!(excluded.status.code(), Some(0), "{}", String::from_utf8_lossy(&excluded.stderr));
    let (code, err) = stderr_of(&["search", "--index", &index, &"a".repeat(1001)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("invalid query:"), "{err}");
    // An OS error is said once.
    std::fs::write(dir.join("a-file"), "").unwrap();
    let (code, err) = stderr_of(&["search", "--index", "a-file", "tramwaj"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
    let corpus = corpus_dir();
    let (code, err) = stderr_of(&["index", "--index", "a-file", "--corpus", corpus.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("a-file: a file, not a directory"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("a-file")).unwrap(), "", "the file is left alone");
}
