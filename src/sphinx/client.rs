//! A client for the nodes of a Sphinx cluster, over SphinxQL (Sphinx's MySQL protocol, through
//! the `mysql` crate's text protocol, which Sphinx 2.2 speaks).
//!
//! Every node answers for the whole corpus through its distributed index, whose agents are each
//! shard's mirrors. A statement goes to the next node in turn; a node that cannot be reached,
//! fails, or answers with a warning is left for the next, with backoff, for a bounded time. The
//! warning matters: for a few queries after a node is lost, Sphinx 2.2 still sends some shards to
//! the lost mirror and answers with the other shards' matches and a warning (measured,
//! docs/SCALE.md), so a result with a warning is partial and is never returned.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mysql::prelude::{FromRow, Queryable};

use super::error::{Result, SphinxError};

/// How long a statement keeps trying the cluster's nodes.
pub const RETRY_FOR: Duration = Duration::from_secs(10);

/// Where the cluster is: each node's SphinxQL address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// `host:port` of each node's SphinxQL listener.
    pub nodes: Vec<(String, u16)>,
}

impl Cluster {
    /// A cluster from its nodes' `host:port` (separated by spaces or commas).
    pub fn parse(nodes: &str) -> Result<Cluster> {
        let mut out = Vec::new();
        for n in nodes.split(|c: char| c == ',' || c.is_whitespace()).filter(|n| !n.is_empty()) {
            let (host, port) =
                n.rsplit_once(':').ok_or_else(|| SphinxError::Config(format!("node {n:?}: expected host:port")))?;
            let port =
                port.parse().map_err(|_| SphinxError::Config(format!("node {n:?}: the port is not a number")))?;
            if host.is_empty() {
                return Err(SphinxError::Config(format!("node {n:?}: no host")));
            }
            out.push((host.to_string(), port));
        }
        if out.is_empty() {
            return Err(SphinxError::Config("no Sphinx node given (SPHINX_NODES)".into()));
        }
        Ok(Cluster { nodes: out })
    }
}

/// The client; shared by threads (round-robin over the nodes).
pub struct Client {
    cluster: Cluster,
    next: AtomicUsize,
    retry_for: Duration,
    /// Attempts that failed and were tried again (for tests and diagnostics).
    retried: AtomicUsize,
    /// Per node, when it last failed: it is passed over for [`REST`] after that while another
    /// node has not failed, so a lost node costs one failed attempt per [`REST`], not one in
    /// every few searches.
    failed: Mutex<Vec<Option<Instant>>>,
}

/// How long a node that failed is passed over.
const REST: Duration = Duration::from_millis(500);

impl Client {
    /// A client for `cluster`, retrying for [`RETRY_FOR`].
    pub fn new(cluster: Cluster) -> Client {
        Client::with_retry(cluster, RETRY_FOR)
    }

    /// The same, retrying for `retry_for`.
    pub fn with_retry(cluster: Cluster, retry_for: Duration) -> Client {
        let failed = Mutex::new(vec![None; cluster.nodes.len()]);
        Client { cluster, next: AtomicUsize::new(0), retry_for, retried: AtomicUsize::new(0), failed }
    }

    /// The cluster's nodes.
    pub fn nodes(&self) -> &[(String, u16)] {
        &self.cluster.nodes
    }

    /// How many attempts failed (a node unreachable, failing or answering in part) and were
    /// tried again.
    pub fn retried(&self) -> usize {
        self.retried.load(Ordering::Relaxed)
    }

    /// Runs `sql` on the next node that answers in full: every row, or an error once no node
    /// did within the retry time. A statement Sphinx refuses (a syntax error, an unknown
    /// attribute) fails at once: another node would refuse it too.
    pub fn query<T: FromRow>(&self, sql: &str) -> Result<Vec<T>> {
        let rows = self.batch(&[sql])?.pop().unwrap_or_default();
        rows.into_iter()
            .map(|row| {
                mysql::from_row_opt::<T>(row)
                    .map_err(|e| SphinxError::Statement { sql: sql.to_string(), message: e.to_string() })
            })
            .collect()
    }

    /// Runs `statements` one after the other on one connection to one node, the next that
    /// answers all of them in full: each one's rows, or an error as [`Client::query`]. One
    /// connection saves a search a handshake per statement; the node's distributed index still
    /// picks a shard's mirror per statement, and a republication may switch a node between two
    /// statements, so they can see different (each complete) copies.
    pub fn batch(&self, statements: &[&str]) -> Result<Vec<Vec<mysql::Row>>> {
        if self.cluster.nodes.is_empty() {
            return Err(SphinxError::Config("no Sphinx node given (SPHINX_NODES)".into()));
        }
        let sql = || statements.join("; ");
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        loop {
            let node = self.pick();
            let left = self.retry_for.saturating_sub(started.elapsed()).max(Duration::from_millis(100));
            let result = self.attempt(node, statements, left.min(ATTEMPT));
            if let Ok(mut failed) = self.failed.lock() {
                // A partial answer says nothing against the node asked (a mirror elsewhere
                // failed it), so only a node that failed itself is passed over.
                failed[node] = matches!(result, Err(Failure::Node(_))).then(Instant::now);
            }
            let last = match result {
                Ok(rows) => return Ok(rows),
                Err(Failure::Refused(message)) => return Err(SphinxError::Statement { sql: sql(), message }),
                Err(Failure::Node(last) | Failure::Partial(last)) => last,
            };
            if started.elapsed() >= self.retry_for {
                return Err(SphinxError::Unavailable { sql: sql(), last });
            }
            self.retried.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    /// The next node in turn, passing over those that failed less than [`REST`] ago unless all
    /// did.
    fn pick(&self) -> usize {
        let n = self.cluster.nodes.len().max(1);
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let Ok(failed) = self.failed.lock() else { return first % n };
        (0..n)
            .map(|i| (first + i) % n)
            .find(|&k| failed.get(k).copied().flatten().is_none_or(|at| at.elapsed() >= REST))
            .unwrap_or(first % n)
    }

    /// Runs `sql` on node `node` only, once: its rows, or why not (unreachable, an error, or a
    /// warning, which marks a partial result).
    pub fn query_on<T: FromRow>(&self, node: usize, sql: &str) -> std::result::Result<Vec<T>, String> {
        let rows = self.attempt(node, &[sql], ATTEMPT).map_err(|f| match f {
            Failure::Node(m) | Failure::Partial(m) | Failure::Refused(m) => m,
        })?;
        rows.into_iter().flatten().map(|row| mysql::from_row_opt::<T>(row).map_err(|e| e.to_string())).collect()
    }

    fn attempt(
        &self,
        node: usize,
        statements: &[&str],
        timeout: Duration,
    ) -> std::result::Result<Vec<Vec<mysql::Row>>, Failure> {
        let Some((host, port)) = self.cluster.nodes.get(node) else {
            return Err(Failure::Refused(format!("no node {node}")));
        };
        let opts = mysql::OptsBuilder::new()
            .ip_or_hostname(Some(host.as_str()))
            .tcp_port(*port)
            .prefer_socket(false)
            .tcp_connect_timeout(Some(timeout.min(Duration::from_secs(1))))
            .read_timeout(Some(timeout))
            .write_timeout(Some(timeout));
        let failure = |e: mysql::Error| {
            let message = format!("{host}:{port}: {e}");
            match &e {
                // Sphinx refusing the statement itself (also as its agents' "remote query
                // error"): every node would refuse it alike. Any other error of Sphinx's (an
                // agent it could not reach) is worth another attempt.
                mysql::Error::MySqlError(m) if refuses_statement(&m.message) => Failure::Refused(message),
                mysql::Error::FromRowError(_) | mysql::Error::FromValueError(_) => Failure::Refused(message),
                _ => Failure::Node(message),
            }
        };
        let mut conn = mysql::Conn::new(opts).map_err(failure)?;
        let mut out = Vec::with_capacity(statements.len());
        for sql in statements {
            let rows: Vec<mysql::Row> = conn.query(sql).map_err(failure)?;
            // The protocol's warning count stays 0 where Sphinx has warnings: they are asked for.
            let warnings: Vec<(String, String, String)> = conn.query("SHOW WARNINGS").map_err(failure)?;
            if let Some((_, _, message)) = warnings.first() {
                return Err(Failure::Partial(format!("{host}:{port}: partial result: {message}")));
            }
            out.push(rows);
        }
        Ok(out)
    }
}

/// Whether Sphinx's error message refuses the statement itself (its syntax, an attribute or
/// index it does not know), as opposed to failing to reach a shard.
fn refuses_statement(message: &str) -> bool {
    let m = message.to_lowercase();
    ["parse error", "syntax error", "unknown", "no such filter attribute", "no such attribute"]
        .iter()
        .any(|s| m.contains(s))
}

/// The longest one attempt may take.
const ATTEMPT: Duration = Duration::from_secs(10);

/// Why an attempt on one node did not give a full answer.
enum Failure {
    /// The node could not be reached or failed: another node may answer.
    Node(String),
    /// An answer with some shards missing (a warning): another attempt may be whole.
    Partial(String),
    /// Sphinx refused the statement itself: no node would answer it.
    Refused(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_errors_are_told_from_unreachable_shards() {
        assert!(refuses_statement("P01: syntax error, unexpected '(' near '('"));
        assert!(refuses_statement(
            "index lawka: agent 127.0.0.1:29307: remote query error: index shard0: parse error: unknown column: x"
        ));
        // A shard published before an attribute existed (Sphinx 2.2.11's words).
        assert!(refuses_statement(
            "index lawka: agent 127.0.0.1:19607: remote query error: index shard0: no such filter attribute 'qhash'"
        ));
        assert!(!refuses_statement("index lawka: agent 127.0.0.1:29317: connect() failed: Connection refused"));
        assert!(!refuses_statement("index lawka: agent 127.0.0.1:29317: connect() failed: No such file or directory"));
    }

    #[test]
    fn nodes_parse_from_host_and_port() {
        let c = Cluster::parse("127.0.0.1:19306, localhost:19316 ").expect("parses");
        assert_eq!(c.nodes, vec![("127.0.0.1".to_string(), 19306), ("localhost".to_string(), 19316)]);
        for bad in ["", "127.0.0.1", "127.0.0.1:x", ":19306"] {
            assert!(Cluster::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
