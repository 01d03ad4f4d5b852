//! `lawka index --backend typesense` against a real 3-node Typesense cluster on 127.0.0.1,
//! started by the test with tools/typesense-cluster.sh (tools/test.sh installs the server
//! before the suite runs): the demo corpus published, on every node, and searched; a node killed
//! under four clients' searches without a failed search; republished while readers search the
//! alias, with no failed read; a publication that cannot finish leaves the alias, the
//! collections and the index directory's live generation as they were.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::common::{corpus, workspace};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/typesense-cluster.sh")
}

/// A base port whose cluster ports (API base, base+10, base+20; peering one below each) are free.
fn free_port_base() -> u16 {
    (0..50)
        .map(|i| 28108 + i * 100)
        .find(|&base| {
            [0u16, 10, 20].iter().all(|o| {
                [base + o, base + o - 1].iter().all(|&p| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok())
            })
        })
        .expect("a free port range for the cluster")
}

/// A running cluster, stopped and its data removed when dropped.
struct Cluster {
    dir: PathBuf,
    env: HashMap<String, String>,
    http: reqwest::blocking::Client,
    _tmp: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("typesense");
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(&dir)
            .env("LAWKA_TS_PORT", free_port_base().to_string())
            .output()
            .expect("tools/typesense-cluster.sh runs");
        assert!(out.status.success(), "the cluster did not start:\n{}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(dir.join("cluster.env")).expect("cluster.env");
        let env = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
        Cluster { dir, env, http, _tmp: tmp }
    }

    fn nodes(&self) -> Vec<String> {
        self.env["TYPESENSE_NODES"].split_whitespace().map(str::to_string).collect()
    }

    fn get(&self, node: &str, path: &str) -> (u16, Value) {
        let resp = self
            .http
            .get(format!("{node}{path}"))
            .header("X-TYPESENSE-API-KEY", &self.env["TYPESENSE_API_KEY"])
            .send()
            .expect("node answers");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// The collection the alias points to on `node`.
    fn alias(&self, node: &str) -> Option<String> {
        let (status, body) = self.get(node, "/aliases/questions");
        (status == 200).then(|| body["collection_name"].as_str().expect("collection_name").to_string())
    }

    /// The collections `node` holds.
    fn collections(&self, node: &str) -> Vec<String> {
        let (status, body) = self.get(node, "/collections");
        assert_eq!(status, 200, "{body}");
        let mut names: Vec<String> =
            body.as_array().expect("list").iter().map(|c| c["name"].as_str().expect("name").to_string()).collect();
        names.sort();
        names
    }

    /// `lawka index --backend typesense` in `dir`, with the cluster's environment and `nodes`.
    fn publish(&self, dir: &Path, nodes: &str, extra: &[&str]) -> Output {
        crate::common::lawka_command()
            .args(["index", "--backend", "typesense"])
            .args(extra)
            .current_dir(dir)
            .env_remove("LAWKA_INDEX_DIR")
            .env_remove("LAWKA_CORPUS_DIR")
            .env("TYPESENSE_NODES", nodes)
            .env("TYPESENSE_API_KEY", &self.env["TYPESENSE_API_KEY"])
            .output()
            .expect("lawka runs")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(script()).arg("stop").arg(&self.dir).output();
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A search of the alias the way a reader does it: node after node until one answers 200.
fn search_any(cluster: &Cluster, nodes: &[String], first: usize, q: &str) -> Option<u64> {
    let path = format!(
        "/collections/questions/documents/search?q={}&query_by=title_terms,question_terms,answer_terms\
         &pre_segmented_query=true&prefix=false&num_typos=0&per_page=3",
        crate::common::enc(q)
    );
    (0..nodes.len()).find_map(|i| {
        let (status, body) = cluster.get(&nodes[(first + i) % nodes.len()], &path);
        (status == 200).then(|| body["found"].as_u64().unwrap_or(0))
    })
}

#[test]
fn published_to_every_node_searched_through_a_node_loss_and_republished_under_reads() {
    let cluster = Cluster::start();
    let nodes = cluster.nodes();
    assert_eq!(nodes.len(), 3);
    let all = cluster.env["TYPESENSE_NODES"].clone();
    let ws = workspace(false);
    let questions = corpus().question_count() as u64;

    // First publication: every node holds every question, each searchable by its own terms.
    let out = cluster.publish(ws.path(), &all, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&format!("published {questions} questions")), "{}", text(&out));
    let first = cluster.alias(&nodes[0]).expect("the alias exists");
    let (_, q) = corpus().questions().nth(7).expect("a question");
    for node in &nodes {
        assert_eq!(cluster.alias(node).as_deref(), Some(first.as_str()), "{node}");
        let (status, c) = cluster.get(node, &format!("/collections/{first}"));
        assert_eq!((status, c["num_documents"].as_u64()), (200, Some(questions)), "{node}: {c}");
        let (status, doc) =
            cluster.get(node, &format!("/collections/questions/documents/{}", q.id.to_string().replace('/', "~")));
        assert_eq!(status, 200, "{node}: {doc}");
        let record: Value = serde_json::from_str(doc["record"].as_str().expect("stored record")).expect("record json");
        assert_eq!(record["title"], q.title.as_str());
        assert_eq!(doc["district"], q.district.to_string().as_str());
        let terms = doc["title_terms"].as_str().expect("title terms");
        assert!(!terms.is_empty() && terms == terms.to_lowercase(), "{terms}");
        let found = search_any(&cluster, std::slice::from_ref(node), 0, terms).expect("search answers");
        assert!(found >= 1, "{node}: {terms:?} finds nothing");
    }

    // Searched with Typesense's ranking, Ławka's analysis in front: a filtered search keeps to
    // its filter, and the judged sets run (their nDCG is measured in docs/SCALE.md).
    let handle = lawka::index::IndexHandle::open(&ws.path().join("index")).expect("index opens");
    let generation = handle.current();
    let client = lawka::typesense::Client::new(
        lawka::typesense::Cluster::parse(&all, &cluster.env["TYPESENSE_API_KEY"]).expect("cluster"),
    )
    .expect("client");
    let district = q.district.to_string();
    let raw = lawka::search::RawSearchParams {
        q: Some("remont ulicy".into()),
        district: vec![district.clone()],
        ..Default::default()
    };
    let req = lawka::search::SearchRequest::parse(&raw, &generation.meta).expect("request");
    let ranked = lawka::typesense::search::ranked(&client, "questions", &generation, &req).expect("search");
    assert!(!ranked.ids.is_empty() && ranked.found >= ranked.ids.len() as u64, "{ranked:?}");
    for id in &ranked.ids {
        let (_, hit) = corpus().questions().find(|(_, c)| c.id.to_string() == *id).expect("a corpus question");
        assert_eq!(hit.district.to_string(), district, "{id}");
    }
    let eval = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval");
    let out = crate::common::lawka_command()
        .args(["eval", "--backend", "typesense", "--min-ndcg", "0.4", "--set"])
        .arg(&eval)
        .arg("--set")
        .arg(eval.join("holdout"))
        .current_dir(ws.path())
        .env_remove("LAWKA_INDEX_DIR")
        .env_remove("LAWKA_CORPUS_DIR")
        .env("TYPESENSE_NODES", &all)
        .env("TYPESENSE_API_KEY", &cluster.env["TYPESENSE_API_KEY"])
        .output()
        .expect("lawka eval runs");
    assert!(out.status.success() && text(&out).contains("other_language"), "{}", text(&out));

    // A node killed (SIGKILL) during 30 s of searches by four clients, then restarted: Ławka's
    // client retries on the next node, so no search fails, and once the node is back every node
    // answers every query as before.
    let queries: Vec<lawka::search::SearchRequest> = ["dziury w jezdni", "remont ulicy", "zieleń park", "parking"]
        .iter()
        .map(|q| {
            let raw = lawka::search::RawSearchParams { q: Some(q.to_string()), ..Default::default() };
            lawka::search::SearchRequest::parse(&raw, &generation.meta).expect("request")
        })
        .collect();
    let rank = |client: &lawka::typesense::Client, req| {
        lawka::typesense::search::ranked(client, "questions", &generation, req).map(|r| (r.ids, r.found))
    };
    let before: Vec<_> = queries.iter().map(|r| rank(&client, r).expect("search")).collect();
    let (searches, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let done = AtomicBool::new(false);
    let first_failure = std::sync::Mutex::new(None::<String>);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    for (req, expected) in queries.iter().zip(&before) {
                        match rank(&client, req) {
                            Ok(got) if got == *expected => searches.fetch_add(1, Ordering::Relaxed),
                            got => {
                                first_failure.lock().expect("lock").get_or_insert(format!("{:?}: {got:?}", req.q));
                                failed.fetch_add(1, Ordering::Relaxed)
                            }
                        };
                    }
                }
            });
        }
        std::thread::sleep(Duration::from_secs(5));
        let out = Command::new("bash").arg(script()).args(["kill", "2"]).arg(&cluster.dir).output().expect("kill");
        assert!(out.status.success(), "{}", text(&out));
        std::thread::sleep(Duration::from_secs(10));
        let out = Command::new("bash").arg(script()).arg("start").arg(&cluster.dir).output().expect("restart");
        assert!(out.status.success(), "the killed node did not rejoin: {}", text(&out));
        std::thread::sleep(Duration::from_secs(15));
        done.store(true, Ordering::Relaxed);
    });
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "failed or changed searches while a node was down, the first: {:?}",
        first_failure.lock().expect("lock")
    );
    assert!(searches.load(Ordering::Relaxed) >= 100, "only {} searches", searches.load(Ordering::Relaxed));
    eprintln!(
        "typesense: {} searches by 4 clients while node 2 was killed and restarted, none failed",
        searches.load(Ordering::Relaxed)
    );
    for node in &nodes {
        let one = lawka::typesense::Client::new(
            lawka::typesense::Cluster::parse(node, &cluster.env["TYPESENSE_API_KEY"]).expect("node"),
        )
        .expect("client");
        for (req, expected) in queries.iter().zip(&before) {
            assert_eq!(rank(&one, req).expect("search"), *expected, "{node} after the restart: {:?}", req.q);
        }
    }

    // Republished while four readers search the alias through any node: no read fails or comes
    // back empty, and the replaced collection is gone from every node.
    let stop = Arc::new(AtomicBool::new(false));
    let (reads, failures) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let probe = cluster
        .get(&nodes[0], &format!("/collections/questions/documents/{}", q.id.to_string().replace('/', "~")))
        .1["title_terms"]
        .as_str()
        .expect("terms")
        .to_string();
    std::thread::scope(|s| {
        for reader in 0..4 {
            let (stop, reads, failures, nodes, probe, cluster) = (&stop, &reads, &failures, &nodes, &probe, &cluster);
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match search_any(cluster, nodes, reader, probe) {
                        Some(n) if n >= 1 => reads.fetch_add(1, Ordering::Relaxed),
                        _ => failures.fetch_add(1, Ordering::Relaxed),
                    };
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let out = cluster.publish(ws.path(), &all, &[]);
        stop.store(true, Ordering::Relaxed);
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(&format!("(replaced {first})")), "{}", text(&out));
    });
    assert_eq!(failures.load(Ordering::Relaxed), 0, "failed reads during the republication");
    assert!(reads.load(Ordering::Relaxed) >= 20, "only {} reads", reads.load(Ordering::Relaxed));
    let second = cluster.alias(&nodes[0]).expect("alias");
    assert_ne!(second, first);
    for node in &nodes {
        assert_eq!(cluster.collections(node), std::slice::from_ref(&second), "{node}");
    }

    // A publication that cannot finish (a fourth node that never answers, so the new collection
    // is never on every node) fails, drops its collection and leaves the alias alone.
    let dead = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    );
    let current = || std::fs::read_to_string(ws.path().join("index/CURRENT")).expect("CURRENT");
    let live = current();
    let out = cluster.publish(ws.path(), &format!("{all} {dead}"), &["--typesense-wait", "3"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&dead), "the error names the node that lags: {}", text(&out));
    for node in &nodes {
        assert_eq!(cluster.alias(node).as_deref(), Some(second.as_str()), "{node}");
        assert_eq!(cluster.collections(node), std::slice::from_ref(&second), "{node}");
    }
    // Nor does the index directory move on to a generation the cluster does not serve.
    assert_eq!(current(), live);
}
