//! A client for the nodes of a Typesense cluster: reads and writes go to any node (Typesense
//! forwards writes to its Raft leader), and a request that finds a node down, not ready (503) or
//! without a leader (5xx) is tried on the next node, with backoff, for a bounded time — what the
//! official clients do (`numRetries`, `retryIntervalSeconds`; docs/SCALE.md).
//!
//! A node that failed is then left alone until it holds what the others hold. A node restarted
//! after a crash replays its Raft log when it has no snapshot and, meanwhile, reports itself
//! healthy and answers searches from the documents indexed so far (seen in the cluster test:
//! `found: 0`, and `found: 14` with no hits). So before a failed node is asked again, its
//! collections (names and document counts) and aliases must equal those of a node that did not
//! fail.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::blocking::Client as Http;
use reqwest::{Method, StatusCode};

use super::error::{Result, TypesenseError};

/// How long a request keeps trying the cluster's nodes. A leader's loss stops writes for ~6 s
/// until another is elected (measured, docs/SCALE.md), so writes need more than that.
pub const RETRY_FOR: Duration = Duration::from_secs(20);

/// Where the cluster is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Each node's API base URL, `http://host:port`, without a trailing slash.
    pub nodes: Vec<String>,
    /// The API key (the same on every node).
    pub key: String,
}

impl Cluster {
    /// A cluster from its nodes' base URLs (separated by spaces or commas) and its API key.
    pub fn parse(nodes: &str, key: &str) -> Result<Cluster> {
        let nodes: Vec<String> = nodes
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|n| !n.is_empty())
            .map(|n| n.trim_end_matches('/').to_string())
            .collect();
        if nodes.is_empty() {
            return Err(TypesenseError::Config("no Typesense node given (TYPESENSE_NODES)".into()));
        }
        for n in &nodes {
            let url = reqwest::Url::parse(n).map_err(|e| TypesenseError::Config(format!("node {n:?}: {e}")))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(TypesenseError::Config(format!("node {n:?}: expected http(s)://host:port")));
            }
        }
        if key.is_empty() {
            return Err(TypesenseError::Config("no Typesense API key given (TYPESENSE_API_KEY)".into()));
        }
        Ok(Cluster { nodes, key: key.to_string() })
    }
}

/// A node's collections (name, documents) and aliases (name, collection), sorted.
type NodeState = (Vec<(String, u64)>, Vec<(String, String)>);

/// How often a failed node is checked for readmission.
const PROBE_EVERY: Duration = Duration::from_millis(500);

/// The client; shared by threads (round-robin over the nodes).
pub struct Client {
    cluster: Cluster,
    http: Http,
    next: AtomicUsize,
    retry_for: Duration,
    /// Per node: `None` while it serves, else when it failed or was last checked since.
    failed: Mutex<Vec<Option<Instant>>>,
}

/// A request body: JSON or newline-delimited JSON (document import).
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    /// A JSON value.
    Json(&'a serde_json::Value),
    /// One JSON document per line.
    JsonLines(&'a [u8]),
}

impl Client {
    /// A client that retries for [`RETRY_FOR`].
    pub fn new(cluster: Cluster) -> Result<Client> {
        Client::with_retry(cluster, RETRY_FOR)
    }

    /// A client that keeps trying the nodes for `retry_for`.
    pub fn with_retry(cluster: Cluster, retry_for: Duration) -> Result<Client> {
        let http = Http::builder()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| TypesenseError::Config(format!("HTTP client: {e}")))?;
        let failed = Mutex::new(vec![None; cluster.nodes.len()]);
        Ok(Client { cluster, http, next: AtomicUsize::new(0), retry_for, failed })
    }

    /// The cluster's nodes.
    pub fn nodes(&self) -> &[String] {
        &self.cluster.nodes
    }

    /// One request to node `node` only, never retried: for checks of every node.
    pub fn on_node(&self, node: usize, method: Method, path: &str) -> Result<(StatusCode, String)> {
        let base = &self.cluster.nodes[node];
        self.send(base, method.clone(), path, None).map_err(|reason| TypesenseError::Unavailable {
            method: method.to_string(),
            path: path.to_string(),
            last: format!("{base}: {reason}"),
        })
    }

    /// A request to the cluster, answered by the first node that can: a node that cannot be
    /// reached, times out, or answers 5xx (503 while it catches up, 500 while there is no leader)
    /// hands the request to the next node, with backoff, until [`RETRY_FOR`] has passed. Other
    /// answers, 4xx included, are returned as they are.
    pub fn request(&self, method: Method, path: &str, body: Option<Body<'_>>) -> Result<(StatusCode, String)> {
        self.request_checked(method, path, body, &|_| None)
    }

    /// [`Client::request`], where a 2xx answer that `unready` finds fault with (it says why) is
    /// also handed to the next node: a node still loading its data after a restart answers some
    /// searches with matches counted but not returned.
    pub fn request_checked(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        unready: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(StatusCode, String)> {
        let started = Instant::now();
        let n = self.cluster.nodes.len();
        let mut node = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let mut pause = Duration::from_millis(50);
        let mut tried = 0usize;
        loop {
            node = self.serving_from(node);
            let base = &self.cluster.nodes[node];
            let last = match self.send(base, method.clone(), path, body) {
                Ok((status, text)) if status.is_server_error() => format!("{base}: HTTP {status}: {}", snippet(&text)),
                Ok((status, text)) => match status.is_success().then(|| unready(&text)).flatten() {
                    Some(reason) => format!("{base}: {reason}"),
                    None => return Ok((status, text)),
                },
                Err(reason) => format!("{base}: {reason}"),
            };
            self.mark_failed(node);
            tried += 1;
            node = (node + 1) % n;
            if started.elapsed() >= self.retry_for {
                return Err(TypesenseError::Unavailable { method: method.to_string(), path: path.to_string(), last });
            }
            // Every node tried once: wait before the next round.
            if tried.is_multiple_of(n) {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
            }
        }
    }

    /// The first node from `start` on (round the ring) that serves, or that failed and now holds
    /// what a serving node holds; `start` itself when none does (then every node is tried).
    fn serving_from(&self, start: usize) -> usize {
        let n = self.cluster.nodes.len();
        (0..n).map(|i| (start + i) % n).find(|&i| self.serves(i)).unwrap_or(start)
    }

    /// Whether `node` may be asked: it has not failed, or it caught up (checked at most every
    /// [`PROBE_EVERY`]).
    fn serves(&self, node: usize) -> bool {
        {
            let Ok(mut failed) = self.failed.lock() else { return true };
            match failed[node] {
                None => return true,
                Some(at) if at.elapsed() < PROBE_EVERY => return false,
                Some(_) => failed[node] = Some(Instant::now()),
            }
        }
        let reference = {
            let Ok(failed) = self.failed.lock() else { return false };
            (0..failed.len()).find(|&i| failed[i].is_none())
        };
        let caught_up = match (self.state(node), reference) {
            (Some(mine), Some(r)) => self.state(r).is_some_and(|theirs| theirs == mine),
            // Nothing to compare with: a node that answers is the best there is.
            (Some(_), None) => true,
            (None, _) => false,
        };
        if caught_up {
            if let Ok(mut failed) = self.failed.lock() {
                failed[node] = None;
            }
            tracing::info!(node = %self.cluster.nodes[node], "Typesense node caught up: asked again");
        }
        caught_up
    }

    fn mark_failed(&self, node: usize) {
        if let Ok(mut failed) = self.failed.lock() {
            if failed[node].is_none() {
                tracing::warn!(node = %self.cluster.nodes[node], "Typesense node failed: others asked until it catches up");
                failed[node] = Some(Instant::now());
            }
        }
    }

    /// What `node` holds: its collections with their document counts and its aliases, sorted;
    /// `None` when it does not answer both.
    fn state(&self, node: usize) -> Option<NodeState> {
        let base = &self.cluster.nodes[node];
        let get = |path: &str| -> Option<serde_json::Value> {
            let (status, text) = self.send(base, Method::GET, path, None).ok()?;
            status.is_success().then(|| serde_json::from_str(&text).ok()).flatten()
        };
        let mut collections: Vec<(String, u64)> = get("/collections")?
            .as_array()?
            .iter()
            .filter_map(|c| Some((c["name"].as_str()?.to_string(), c["num_documents"].as_u64()?)))
            .collect();
        let mut aliases: Vec<(String, String)> = get("/aliases")?["aliases"]
            .as_array()?
            .iter()
            .filter_map(|a| Some((a["name"].as_str()?.to_string(), a["collection_name"].as_str()?.to_string())))
            .collect();
        collections.sort();
        aliases.sort();
        Some((collections, aliases))
    }

    /// A request whose answer must be 2xx JSON.
    pub fn json(&self, method: Method, path: &str, body: Option<Body<'_>>) -> Result<serde_json::Value> {
        self.json_checked(method, path, body, &|_| None)
    }

    /// [`Client::json`], with a check of the answer as [`Client::request_checked`] makes it.
    pub fn json_checked(
        &self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        unready: &dyn Fn(&serde_json::Value) -> Option<String>,
    ) -> Result<serde_json::Value> {
        // The answer is parsed once, by the check; the last parsed answer is the one returned.
        let parsed: RefCell<Option<serde_json::Value>> = RefCell::new(None);
        let check = |text: &str| {
            let value = serde_json::from_str::<serde_json::Value>(text).ok()?;
            let reason = unready(&value);
            *parsed.borrow_mut() = Some(value);
            reason
        };
        let (status, text) = self.request_checked(method.clone(), path, body, &check)?;
        if !status.is_success() {
            return Err(TypesenseError::Status {
                method: method.to_string(),
                path: path.to_string(),
                status: status.as_u16(),
                body: snippet(&text),
            });
        }
        match parsed.into_inner() {
            Some(value) => Ok(value),
            None => serde_json::from_str(&text).map_err(|e| TypesenseError::Protocol(format!("{method} {path}: {e}"))),
        }
    }

    fn send(
        &self,
        base: &str,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
    ) -> std::result::Result<(StatusCode, String), String> {
        let mut req =
            self.http.request(method, format!("{base}{path}")).header("X-TYPESENSE-API-KEY", &self.cluster.key);
        req = match body {
            Some(Body::Json(v)) => req.header("Content-Type", "application/json").body(v.to_string()),
            Some(Body::JsonLines(bytes)) => req.header("Content-Type", "text/plain").body(bytes.to_vec()),
            None => req,
        };
        let resp = req.send().map_err(|e| e.to_string())?;
        let status = resp.status();
        let text = resp.text().map_err(|e| e.to_string())?;
        Ok((status, text))
    }
}

/// The start of an answer, for error messages.
fn snippet(text: &str) -> String {
    let cut: String = text.chars().take(300).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_parsed_from_the_environment_format() {
        let c = Cluster::parse("http://127.0.0.1:18108 http://127.0.0.1:18118/,http://127.0.0.1:18128", "k").unwrap();
        assert_eq!(c.nodes, ["http://127.0.0.1:18108", "http://127.0.0.1:18118", "http://127.0.0.1:18128"]);
        assert!(Cluster::parse("", "k").is_err());
        assert!(Cluster::parse("127.0.0.1:18108", "k").is_err());
        assert!(Cluster::parse("http://127.0.0.1:18108", "").is_err());
    }
}
