//! `lawka import` against the krakow.pl fixtures (`tests/fixtures/krakow/`, written for these
//! tests in the pages' structure), served by a real HTTP server on 127.0.0.1.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::common::{client, corpus_dir, enc, lawka, TestServer};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/krakow")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[derive(Clone, Default)]
struct SiteState {
    /// Serve the Bieżanów article as revised in August 2025.
    revised: Arc<AtomicBool>,
    /// Requests answered 304.
    not_modified: Arc<AtomicUsize>,
    /// Every request's User-Agent.
    agents: Arc<std::sync::Mutex<Vec<String>>>,
    port: Arc<AtomicUsize>,
}

/// The city's site as the fixtures reproduce it, plus the failure cases under `/case/<name>/`.
struct Site {
    addr: std::net::SocketAddr,
    state: SiteState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Site {
    fn start() -> Site {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let state = SiteState::default();
        state.port.store(addr.port() as usize, Ordering::SeqCst);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new().fallback(page).with_state(state.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await
                    .expect("site serves");
            });
        });
        Site { addr, state, shutdown: Some(tx), thread: Some(thread) }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A listing linking the good Bieżanów article, then the failure case's article.
fn bad_listing(case: &str) -> String {
    // A district meeting at a place no district's name matches, and no `places.txt` line for it.
    let place = if case == "place" { "w Opatkowicach" } else { "w Czyżynach" };
    format!(
        "<html><body><main><h1>Spotkania z prezydentem Aleksandrem Miszalskim na ławce dialogu</h1><ul>\
         <li><a href=\"/start/290478,artykul,lawka_dialogu_w_biezanowie.html\">Spotkanie w Bieżanowie (26 listopada 2024 r.)</a></li>\
         <li><a href=\"/case/{case}/293000,artykul,lawka_dialogu_w_czyzynach.html\">Spotkanie {place} (4 lutego 2025 r.)</a></li>\
         </ul></main></body></html>"
    )
}

async fn page(State(s): State<SiteState>, uri: Uri, headers: HeaderMap) -> Response {
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    s.agents.lock().expect("lock").push(agent);
    let path = uri.path();
    if path == "/start/lawka-dialogu.html" {
        return html(fixture("listing.html"));
    }
    if let Some(case) = path.strip_prefix("/bad/").and_then(|p| p.strip_suffix(".html")) {
        return html(bad_listing(case));
    }
    if let Some(rest) = path.strip_prefix("/case/") {
        let case = rest.split('/').next().unwrap_or("");
        return match case {
            "404" => (StatusCode::NOT_FOUND, "Nie znaleziono").into_response(),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                html(fixture("unknown-unit.html"))
            }
            "huge" => {
                let chunk = axum::body::Bytes::from(vec![b'a'; 1 << 20]);
                let chunks = (0..20).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
                ([(header::CONTENT_TYPE, "text/html")], Body::from_stream(futures_util::stream::iter(chunks)))
                    .into_response()
            }
            "empty" => html(fixture("no-items.html")),
            "unknown" => html(fixture("unknown-unit.html")),
            "place" => html(fixture("291000.html")),
            "redirect" => {
                let port = s.port.load(Ordering::SeqCst);
                let to = format!("http://localhost:{port}/start/292000,artykul,x.html");
                (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        };
    }
    // An article under any of its URL forms.
    let dok_id = uri
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("dok_id=")))
        .or_else(|| path.rsplit('/').next().and_then(|last| last.split_once(",artykul,")).map(|(id, _)| id));
    let (name, version) = match dok_id {
        Some("290478") if s.revised.load(Ordering::SeqCst) => ("290478-revised.html", 2),
        Some("290478") => ("290478.html", 1),
        Some("291000") => ("291000.html", 1),
        Some("292000") => ("292000.html", 1),
        _ => return (StatusCode::NOT_FOUND, "Nie znaleziono").into_response(),
    };
    let etag = format!("\"{}-v{version}\"", dok_id.unwrap_or(""));
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        s.not_modified.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()), (header::ETAG, etag)], fixture(name))
        .into_response()
}

/// A corpus with the bundled vocabularies, the fixtures' unit table and no meetings yet.
fn empty_corpus(root: &Path) -> PathBuf {
    let dir = root.join("corpus");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["departments.txt", "topics.txt", "glossary.txt"] {
        std::fs::copy(corpus_dir().join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(fixtures().join("units.txt"), dir.join("units.txt")).unwrap();
    dir
}

fn import(root: &Path, from: &str) -> (Option<i32>, String, String) {
    let out = lawka(
        root,
        &[
            "import",
            "--from",
            from,
            "--corpus",
            "corpus",
            "--delay-ms",
            "0",
            "--backoff-ms",
            "50",
            "--timeout-ms",
            "1000",
        ],
    );
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Every file of a directory tree with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn meeting_file(root: &Path, id: &str) -> String {
    std::fs::read_to_string(root.join(format!("corpus/meetings/{id}.md"))).unwrap()
}

const BIEZANOW: &str = "2024-11-26-biezanowie";

#[test]
fn import_reads_the_listing_and_its_articles_into_a_checked_searchable_corpus() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = empty_corpus(tmp.path());
    let (code, stdout, stderr) = import(tmp.path(), &site.url("/start/lawka-dialogu.html"));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // Three URL forms of the Bieżanów article are one meeting; the promotional link is no meeting.
    assert!(stdout.contains("meetings: 3 added, 0 changed, 0 unchanged; questions: 8 added"), "{stdout}");
    assert!(stdout.contains("2024-11-26-biezanowie: the listing says 2024-11-26, the article 2024-11-29"), "{stdout}");
    let agents = site.state.agents.lock().unwrap().clone();
    assert_eq!(agents.len(), 4, "the listing and three articles, each once: {agents:?}");
    assert!(agents.iter().all(|a| a.starts_with("Lawka/")), "{agents:?}");

    let mut ids: Vec<String> = std::fs::read_dir(corpus.join("meetings"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        [format!("{BIEZANOW}.md"), "2025-02-18-podgorzu-duchackim.md".into(), "2025-05-22-studentami.md".into()]
    );
    let b = meeting_file(tmp.path(), BIEZANOW);
    for line in [
        "source: krakow.pl",
        "dok_id: 290478",
        "updated: 2025-01-15",
        "district: Dzielnica XII Bieżanów-Prokocim",
        "## 1. Czy przy ulicy Sadowej powstanie chodnik?",
        "**Odpowiedź (Zarząd Transportu Publicznego):** Zarząd Transportu Publicznego przeanalizuje ograniczenie prędkości",
        "- kursy o 6:40 i 7:10 z pętli Złocień,",
    ] {
        assert!(b.contains(line), "{line:?} missing in:\n{b}");
    }
    assert!(!b.contains("Menu główne") && !b.contains("Zgłoszenia awarii"), "menus and footers are no answers:\n{b}");
    // The broken page still gives both items; the themed edition has no district.
    let p = meeting_file(tmp.path(), "2025-02-18-podgorzu-duchackim");
    assert!(
        p.contains("district: Dzielnica XI Podgórze Duchackie") && p.contains("## 2. Czy w Parku Duchackim"),
        "{p}"
    );
    let s = meeting_file(tmp.path(), "2025-05-22-studentami");
    assert!(s.contains("kind: studenci") && s.contains("district: Cały Kraków"), "{s}");
    assert!(
        s.contains("**Odpowiedź (Miejski Ośrodek Pomocy Społecznej):**")
            && s.contains("**Odpowiedź (Wydział Mieszkalnictwa):**")
    );
    assert!(!s.contains("YouTube") && !s.contains("fotogaleri"), "{s}");
    // A joint answer credits each unit.
    for unit in ["Zarząd Transportu Publicznego", "Zarząd Dróg Miasta Krakowa"] {
        assert!(s.contains(&format!("**Odpowiedź ({unit}):** Od czerwca 2025 r. linie nocne")), "{unit}: {s}");
    }

    let out = lawka(tmp.path(), &["check", "--corpus", "corpus"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    let server = TestServer::build_and_start(&corpus);
    let body = server.get_ok(&format!("/api/search?q={}", enc("toaleta w parku")));
    assert_eq!(body["hits"][0]["id"], "2025-02-18-podgorzu-duchackim/2", "{body}");
    assert_eq!(body["hits"][0]["source"], "krakow.pl");
    assert!(body.get("notice").is_none(), "no demo notice on the city's text: {body}");
    let q = server.get_ok(&format!("/api/questions/{BIEZANOW}/4"));
    assert_eq!(q["departments"], serde_json::json!(["Zarząd Zieleni Miejskiej", "Wydział Gospodarki Komunalnej"]));
    assert_eq!(q["source_url"], site.url("/start/290478,artykul,lawka_dialogu_w_biezanowie.html"));
    assert!(q.get("notice").is_none() && q.get("revisions").is_none(), "{q}");
}

#[test]
fn import_of_saved_pages_reads_the_same_articles() {
    let tmp = tempfile::tempdir().unwrap();
    empty_corpus(tmp.path());
    let listing = fixtures().join("listing.html");
    let (code, stdout, stderr) = import(tmp.path(), listing.to_str().unwrap());
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("meetings: 3 added"), "{stdout}");
    let b = meeting_file(tmp.path(), BIEZANOW);
    assert!(b.contains("url: https://www.krakow.pl/start/290478,artykul,lawka_dialogu_w_biezanowie.html"), "{b}");
}

#[test]
fn reimport_keeps_ids_and_a_changed_answer_becomes_a_revision() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = empty_corpus(tmp.path());
    let listing = site.url("/start/lawka-dialogu.html");
    let (code, stdout, stderr) = import(tmp.path(), &listing);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let first = snapshot(&corpus.join("meetings"));

    // Unchanged pages: conditional requests, same files, same ids.
    let (code, stdout, stderr) = import(tmp.path(), &listing);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("meetings: 0 added, 0 changed, 3 unchanged; questions: 0 added, 0 changed, 8 unchanged"));
    assert_eq!(site.state.not_modified.load(Ordering::SeqCst), 3, "each article answered 304: {stdout}");
    assert_eq!(snapshot(&corpus.join("meetings")), first);
    assert!(!corpus.join("revisions").exists());

    // The city revises one answer.
    site.state.revised.store(true, Ordering::SeqCst);
    let (code, stdout, stderr) = import(tmp.path(), &listing);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "meetings: 0 added, 1 changed, 2 unchanged; questions: 0 added, 1 changed, 7 unchanged; 1 revision(s) kept"
        ),
        "{stdout}"
    );
    let b = meeting_file(tmp.path(), BIEZANOW);
    assert!(b.contains("updated: 2025-08-12") && b.contains("1,8 mln zł"), "{b}");
    let rev: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join(format!("revisions/{BIEZANOW}.json"))).unwrap())
            .unwrap();
    assert_eq!(rev["revisions"].as_array().unwrap().len(), 1, "{rev}");
    assert_eq!(rev["revisions"][0]["question"], 1);
    assert_eq!(rev["revisions"][0]["as_of"], "2025-01-15");
    assert_eq!(rev["revisions"][0]["replaced"], "2025-08-12");
    assert!(rev["revisions"][0]["answers"][0]["text"].as_str().unwrap().contains("1,2 mln zł"), "{rev}");
    let out = lawka(tmp.path(), &["check", "--corpus", "corpus"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    // The same revision again is not a second one.
    let (code, stdout, _) = import(tmp.path(), &listing);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("0 revision(s) kept"), "{stdout}");

    let server = TestServer::build_and_start(&corpus);
    let q = server.get_ok(&format!("/api/questions/{BIEZANOW}/1"));
    assert_eq!(q["revised"], "2025-08-12", "{q}");
    assert_eq!(q["updated"], "2025-08-12");
    assert!(q["answers"][0]["text"].as_str().unwrap().contains("1,8 mln zł"));
    assert!(q["revisions"][0]["answers"][0]["text"].as_str().unwrap().contains("1,2 mln zł"), "{q}");
    assert!(server.get_ok(&format!("/api/questions/{BIEZANOW}/2")).get("revised").is_none());

    let page = client().get(server.url(&format!("/q/{BIEZANOW}/1"))).send().unwrap().text().unwrap();
    assert!(page.contains("Odpowiedź zaktualizowano 2025-08-12."), "{page}");
    assert!(page.contains("Wcześniejsze wersje odpowiedzi (1)") && page.contains("Stan na 2025-01-15"), "{page}");
    assert!(page.contains("1,2 mln zł") && page.contains("1,8 mln zł"), "both versions on the page");

    let feed = client().get(server.url("/feed.atom")).send().unwrap().text().unwrap();
    assert_eq!(feed.matches("Zaktualizowano odpowiedź:").count(), 1, "{feed}");
    assert!(feed.contains(&format!("/q/{BIEZANOW}/1#zmiana-1")), "{feed}");
    assert!(feed.contains("<updated>2025-08-12T00:00:00+00:00</updated>"), "{feed}");
    // A search that does not match the revised question announces no revision (one that matches
    // another question, so that no question joins it by meaning alone).
    let feed = client().get(server.url(&format!("/feed.atom?q={}", enc("autobus")))).send().unwrap().text().unwrap();
    assert!(!feed.contains("Zaktualizowano odpowiedź:"), "{feed}");
}

#[test]
fn bad_input_stops_the_import_and_leaves_the_live_corpus_untouched() {
    let site = Site::start();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = empty_corpus(tmp.path());
    // A live corpus with meetings in it already.
    let (code, stdout, stderr) = import(tmp.path(), &site.url("/start/lawka-dialogu.html"));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    site.state.revised.store(true, Ordering::SeqCst);
    let before = snapshot(&corpus);
    for (from, expected) in [
        ("/start/brak.html".to_string(), "/start/brak.html: HTTP 404".to_string()),
        ("/bad/404.html".into(), "293000,artykul,lawka_dialogu_w_czyzynach.html: HTTP 404".into()),
        ("/bad/slow.html".into(), "293000,artykul,lawka_dialogu_w_czyzynach.html: timed out".into()),
        ("/bad/huge.html".into(), "is larger than the limit of 5242880 bytes".into()),
        ("/bad/empty.html".into(), "293000,artykul,lawka_dialogu_w_czyzynach.html: no numbered questions found".into()),
        (
            "/bad/redirect.html".into(),
            format!("redirects outside 127.0.0.1: to http://localhost:{}/", site.addr.port()),
        ),
        (
            "/bad/unknown.html".into(),
            "293000,artykul,lawka_dialogu_w_czyzynach.html, item 2: unit abbreviation \"ZGKR\" is not in units.txt"
                .into(),
        ),
        (
            "/bad/place.html".into(),
            "cannot tell the district of \"Spotkanie w Opatkowicach\"; add `opatkowicach <Dzielnica ...>` to places.txt"
                .into(),
        ),
        ("ftp://127.0.0.1/lista.html".into(), "\"ftp://127.0.0.1/lista.html\" is neither an http(s) URL".into()),
    ] {
        let url = if from.starts_with('/') { site.url(&from) } else { from.clone() };
        let started = Instant::now();
        let (code, stdout, stderr) = import(tmp.path(), &url);
        assert_eq!(code, Some(2), "{from}: {stdout}{stderr}");
        assert!(stderr.contains(&expected), "{from}: expected {expected:?} in {stderr}");
        assert!(stderr.contains("the corpus in corpus is unchanged"), "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(20), "{from} took {:?}", started.elapsed());
        assert_eq!(snapshot(&corpus), before, "{from} changed the live corpus");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| [".corpus.import", ".corpus.old"].contains(&n.to_string_lossy().as_ref()))
            .collect();
        assert!(leftovers.is_empty(), "{from} left {leftovers:?}");
    }
    // The operator places the place, and the same listing imports.
    std::fs::write(corpus.join("places.txt"), "opatkowicach Dzielnica X Swoszowice\n").unwrap();
    let (code, stdout, stderr) = import(tmp.path(), &site.url("/bad/place.html"));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(meeting_file(tmp.path(), "2025-02-04-opatkowicach").contains("district: Dzielnica X Swoszowice"));
}
