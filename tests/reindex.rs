//! Rebuilding while serving: a good corpus switches the server over, a bad one changes nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{corpus, enc, lawka, spawn_serve, workspace, TestServer};

fn wait_for(server: &TestServer, what: &str, ok: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let body = server.get_ok("/healthz");
        if ok(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "{what} not seen within 5 s: {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const HOSTILE: &str =
    "---\ntitle: Spotkanie testowe\ndate: 2026-06-01\nplace: Kliny\ndistrict: Dzielnica X Swoszowice\n\
kind: dzielnica\nsource: synthetic\n---\n\n## 1. Skrypt <script>alert(1)</script> w pytaniu\n\n\
**Pytanie:** Czy <b>pogrubienie</b> & \"cudzysłów\" psują stronę z wynikami wyszukiwania?\n\n\
**Odpowiedź (Zarząd Dróg Miasta Krakowa):** Nie, tekst jest zawsze escapowany <i>przed</i> wyświetleniem.\n";

#[test]
fn reindex_switches_a_running_server_and_a_bad_corpus_changes_nothing() {
    let tmp = workspace(false);
    let work = tmp.path();
    let out = lawka(work, &["index"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!("indexed {} questions from 26 meetings", corpus().question_count())),
        "{summary}"
    );
    let server = TestServer::start(&work.join("index"));
    let before = server.get_ok("/healthz");

    // A corpus error: the build fails naming file and line, and the old index keeps serving.
    let extra = work.join("corpus/meetings/2026-06-01-test.md");
    std::fs::write(&extra, HOSTILE.replace("Zarząd Dróg Miasta Krakowa", "Zarząd Dróg")).unwrap();
    let out = lawka(work, &["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("1 problem(s) in the corpus:"), "{stderr}");
    assert!(stderr.contains("2026-06-01-test.md:14: unit \"Zarząd Dróg\" is not in departments.txt"), "{stderr}");
    std::thread::sleep(lawka::server::RELOAD_INTERVAL + Duration::from_millis(200));
    assert_eq!(server.get_ok("/healthz"), before);
    assert_eq!(std::fs::read_dir(work.join("index")).unwrap().count(), 3, "CURRENT, .lock and one generation");

    // A good change: the running server switches within 5 s, and the new question is searchable,
    // its HTML escaped.
    std::fs::write(&extra, HOSTILE).unwrap();
    let out = lawka(work, &["index"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let n = before["documents"].as_u64().unwrap();
    let after = wait_for(&server, "the new generation", |b| b["documents"].as_u64() == Some(n + 1));
    assert_ne!(after["generation"], before["generation"]);
    let body = server.get_ok(&format!("/api/search?q={}", enc("pogrubienie cudzysłów")));
    assert_eq!(body["hits"][0]["id"], "2026-06-01-test/1");
    let snippet = body["hits"][0]["question_snippet"].as_str().unwrap();
    assert!(snippet.contains("&lt;b&gt;") && snippet.contains("&amp;") && !snippet.contains("<b>"), "{snippet}");
    let q = server.get_ok("/api/questions/2026-06-01-test/1");
    assert_eq!(q["title"], "Skrypt <script>alert(1)</script> w pytaniu", "JSON carries the text as written");

    // A third build: the server switches; generations nobody reads any more are removed by the
    // next build, never one still open.
    std::fs::remove_file(&extra).unwrap();
    assert!(lawka(work, &["index"]).status.success());
    let third = wait_for(&server, "the third generation", |b| b["documents"].as_u64() == Some(n));
    assert!(lawka(work, &["index"]).status.success());
    let fourth = wait_for(&server, "the fourth generation", |b| b["generation"] != third["generation"]);
    let gens = generations(&work.join("index"));
    assert!(gens.len() <= 2 && gens.contains(&fourth["generation"].as_str().unwrap().to_string()), "{gens:?}");
    assert!(
        !gens.contains(&before["generation"].as_str().unwrap().to_string()),
        "the first generation is gone: {gens:?}"
    );
}

fn generations(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("gen-"))
        .collect();
    v.sort();
    v
}

#[test]
fn serve_builds_a_missing_index_then_answers() {
    let tmp = workspace(false);
    let work = tmp.path();
    let (mut child, body) = spawn_serve(work);
    assert_eq!(body["documents"].as_u64(), Some(corpus().question_count() as u64));
    // SIGTERM: a clean, zero exit.
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
