//! Publishing an index generation to a Sphinx cluster: every shard rebuilt beside the one served,
//! then switched in on every node (Sphinx's own rotation), as the embedded index switches its
//! `CURRENT` file.
//!
//! The cluster's layout is in its nodes' configs (written by tools/sphinx-cluster.sh): each
//! node's plain indexes `shard0`, `shard1`, … read `<export>/shardN.xml` (xmlpipe2), and its
//! distributed index `lawka` has each shard's mirrors as agents. A publication exports the
//! generation into those files (question n into shard n mod shards, Ławka's folded terms), runs
//! `indexer` for every node with rotation withheld, so each shard is built as `*.new.*` beside the
//! served one; only once every node's shards are built are they switched: a running node by
//! SIGHUP (Sphinx rotates seamlessly: searches go on), a stopped one by renaming, so it starts
//! with them. A build that fails on any node removes every new file and changes nothing. The
//! switch itself is per node, not across nodes at once: for the moment between two nodes' SIGHUPs
//! a search may combine one shard's new version with another's old one (docs/SCALE.md).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::client::Client;
use super::error::{Result, SphinxError};
use super::search::{meeting_id, name_id, question_id, sphinx_word};
use crate::index::published::{for_each_record, Terms};
use crate::index::{Generation, Record};
// XML's text escapes are HTML's.
use crate::search::snippet::escape_html as xml_text;

/// How long every node may take, by default, to serve the new shards.
pub const SWITCH_WAIT: Duration = Duration::from_secs(60);

/// One node of the cluster, as its config describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Its config file.
    pub config: PathBuf,
    /// Its SphinxQL address.
    pub listen: (String, u16),
    /// Its pid file.
    pub pid_file: PathBuf,
    /// Where each of its shards' files are (`path`), by shard.
    pub paths: BTreeMap<usize, PathBuf>,
    /// Each shard source's `xmlpipe_command`, by shard.
    pub sources: BTreeMap<usize, String>,
}

/// The cluster's layout: its nodes and where the exported shards go.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Every node.
    pub nodes: Vec<Node>,
    /// The directory the nodes' sources read `shardN.xml` from.
    pub export: PathBuf,
    /// Shards in all.
    pub shards: usize,
}

impl Layout {
    /// The layout from the nodes' config files (separated by spaces or commas) and the export
    /// directory, as tools/sphinx-cluster.sh writes them to cluster.env.
    pub fn parse(configs: &str, export: &str) -> Result<Layout> {
        let mut nodes = Vec::new();
        for c in configs.split(|c: char| c == ',' || c.is_whitespace()).filter(|c| !c.is_empty()) {
            let text = std::fs::read_to_string(c)
                .map_err(|e| SphinxError::Config(format!("reading the Sphinx config {c}: {e}")))?;
            nodes.push(Node::parse(Path::new(c), &text)?);
        }
        if nodes.is_empty() {
            return Err(SphinxError::Config("no Sphinx node config given (SPHINX_CONFIGS)".into()));
        }
        if export.is_empty() {
            return Err(SphinxError::Config("no export directory given (SPHINX_EXPORT)".into()));
        }
        let held: BTreeSet<usize> = nodes.iter().flat_map(|n| n.shards()).collect();
        let shards = held.iter().max().map_or(0, |m| m + 1);
        if shards == 0 || held.len() != shards {
            return Err(SphinxError::Config(format!(
                "the configs hold shards {held:?}: every shard from 0 up must be on some node"
            )));
        }
        let export = PathBuf::from(export);
        for node in &nodes {
            for shard in node.shards() {
                let file = export.join(format!("shard{shard}.xml"));
                let reads = node.sources.get(&shard).is_some_and(|c| c.contains(file.to_string_lossy().as_ref()));
                if !reads {
                    return Err(SphinxError::Config(format!(
                        "{}: shard {shard}'s source does not read {} (SPHINX_EXPORT and the configs disagree)",
                        node.config.display(),
                        file.display()
                    )));
                }
            }
        }
        Ok(Layout { nodes, export, shards })
    }
}

impl Node {
    /// A node from its config: its `index shardN` blocks with their `path`, the `mysql41` listener
    /// and the pid file.
    fn parse(config: &Path, text: &str) -> Result<Node> {
        let bad = |what: &str| SphinxError::Config(format!("{}: {what}", config.display()));
        let mut paths = BTreeMap::new();
        let mut sources = BTreeMap::new();
        let mut current: Option<usize> = None;
        let mut source: Option<usize> = None;
        let mut listen = None;
        let mut pid_file = None;
        for line in text.lines().map(str::trim) {
            if let Some(name) = line.strip_prefix("index ") {
                current = name.trim().strip_prefix("shard").and_then(|n| n.parse().ok());
            } else if let Some(name) = line.strip_prefix("source ") {
                source = name.trim().strip_prefix("shard").and_then(|n| n.parse().ok());
            } else if let Some((key, value)) = line.split_once('=') {
                let (key, value) = (key.trim(), value.trim());
                match (key, current) {
                    ("path", Some(shard)) => {
                        paths.insert(shard, PathBuf::from(value));
                    }
                    ("listen", _) if value.ends_with(":mysql41") => {
                        let addr = value.trim_end_matches(":mysql41");
                        let (host, port) = addr.rsplit_once(':').ok_or_else(|| bad("a listen without a port"))?;
                        let port = port.parse().map_err(|_| bad("a listen port that is not a number"))?;
                        listen = Some((host.to_string(), port));
                    }
                    ("pid_file", _) => pid_file = Some(PathBuf::from(value)),
                    ("xmlpipe_command", _) => {
                        if let Some(shard) = source {
                            sources.insert(shard, value.to_string());
                        }
                    }
                    _ => {}
                }
            } else if line == "}" {
                current = None;
                source = None;
            }
        }
        Ok(Node {
            config: config.to_path_buf(),
            listen: listen.ok_or_else(|| bad("no `listen = host:port:mysql41`"))?,
            pid_file: pid_file.ok_or_else(|| bad("no pid_file"))?,
            paths,
            sources,
        })
    }

    /// The shards it holds (its plain indexes `shardN`).
    pub fn shards(&self) -> impl Iterator<Item = usize> + '_ {
        self.paths.keys().copied()
    }

    /// The pid of the node's searchd, if it runs: the pid file's process, if it is a searchd
    /// of this config (a pid file left by a killed node may name a reused pid).
    fn running(&self) -> Option<u32> {
        let pid: u32 = std::fs::read_to_string(&self.pid_file).ok()?.trim().parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let config = self.config.to_string_lossy();
        (cmdline.contains("searchd") && cmdline.contains(config.as_ref())).then_some(pid)
    }

    /// Whether something answers on the node's SphinxQL port.
    fn answers(&self) -> bool {
        use std::net::ToSocketAddrs;
        let (host, port) = &self.listen;
        (host.as_str(), *port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok())
    }
}

/// What [`publish`] did.
#[derive(Debug)]
pub struct Published {
    /// The generation now served.
    pub generation: String,
    /// Documents in all shards.
    pub documents: u64,
    /// Shards, each on its nodes.
    pub shards: usize,
    /// Nodes switched by SIGHUP (running) and by renaming (stopped).
    pub rotated: usize,
    /// Nodes that were not running (they start with the new shards).
    pub stopped: usize,
    /// Wall time.
    pub seconds: f64,
}

/// The generation's number (`gen-00000012` → 12), stored with every document so a node shows
/// which generation it serves.
fn generation_number(name: &str) -> Result<u32> {
    name.trim_start_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .map_err(|_| SphinxError::Publish(format!("generation {name:?} has no number")))
}

/// Publishes `generation` to the cluster of `layout`, `client` reaching the same nodes: built
/// beside, switched on every node, then checked on every running node.
pub fn publish(client: &Client, generation: &Generation, layout: &Layout, wait: Duration) -> Result<Published> {
    let started = Instant::now();
    let gen = generation_number(&generation.meta.generation)?;
    check_nodes(client, layout)?;
    let _lock = lock(layout)?;
    let per_shard = export(generation, layout, gen)?;
    let documents: u64 = per_shard.iter().sum();
    if documents != generation.meta.documents {
        return Err(SphinxError::Publish(format!(
            "{documents} records exported, the generation says {}",
            generation.meta.documents
        )));
    }
    // New files an interrupted publication left would be rotated in with these, or at a node's
    // next start: none survive.
    remove_new(layout);
    if let Err(e) = build(layout).and_then(|()| check_built(layout, &per_shard)) {
        remove_new(layout);
        return Err(e);
    }
    let (mut rotated, mut stopped) = (0, 0);
    let mut switched: Vec<String> = Vec::new();
    for (k, node) in layout.nodes.iter().enumerate() {
        let done = match node.running() {
            Some(pid) => {
                let signalled = Command::new("kill").arg("-HUP").arg(pid.to_string()).status();
                rotated += 1;
                signalled.map_err(|e| e.to_string()).and_then(|s| {
                    if s.success() {
                        Ok(())
                    } else {
                        Err(format!("kill -HUP {pid}: {s}"))
                    }
                })
            }
            None if node.answers() => Err(format!(
                "it answers on {}:{} but its pid file {} names no searchd of it",
                node.listen.0,
                node.listen.1,
                node.pid_file.display()
            )),
            None => {
                stopped += 1;
                move_new_in(node).map_err(|e| e.to_string())
            }
        };
        if let Err(why) = done {
            // The nodes not yet switched keep what they serve, and no new file is left for them.
            for rest in &layout.nodes[k..] {
                remove_new_of(rest);
            }
            let said = format!(
                "switching {} failed ({why}); switched to {} before: {}; the others still serve what they served",
                node.config.display(),
                generation.meta.generation,
                if switched.is_empty() { "none".to_string() } else { switched.join(", ") }
            );
            return Err(if switched.is_empty() {
                SphinxError::Publish(said)
            } else {
                SphinxError::PartlyPublished(said)
            });
        }
        switched.push(node.config.display().to_string());
    }
    // Every node was switched: one not seen serving the new shards in time may yet.
    wait_for_nodes(client, layout, gen, &per_shard, wait).map_err(|e| SphinxError::PartlyPublished(e.to_string()))?;
    Ok(Published {
        generation: generation.meta.generation.clone(),
        documents,
        shards: layout.shards,
        rotated,
        stopped,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Every node of the layout is one the client reaches, and the reverse: a node left out of
/// either would keep serving the old shards, mixed into every search.
fn check_nodes(client: &Client, layout: &Layout) -> Result<()> {
    let configured: BTreeSet<&(String, u16)> = layout.nodes.iter().map(|n| &n.listen).collect();
    let reached: BTreeSet<&(String, u16)> = client.nodes().iter().collect();
    if configured != reached {
        let show =
            |s: &BTreeSet<&(String, u16)>| s.iter().map(|(h, p)| format!("{h}:{p}")).collect::<Vec<_>>().join(" ");
        return Err(SphinxError::Config(format!(
            "the configs' nodes ({}) are not SPHINX_NODES ({}): every node must be in both",
            show(&configured),
            show(&reached)
        )));
    }
    Ok(())
}

/// One publication at a time per export directory (its shard files and build config are
/// shared): the lock is held until the returned file is dropped.
fn lock(layout: &Layout) -> Result<std::fs::File> {
    let path = layout.export.join(".publish.lock");
    std::fs::create_dir_all(&layout.export)
        .map_err(|e| SphinxError::Publish(format!("creating {}: {e}", layout.export.display())))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| SphinxError::Publish(format!("opening {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(SphinxError::Publish(format!("another publication holds {}", path.display())))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(SphinxError::Publish(format!("locking {}: {e}", path.display()))),
    }
}

/// Before any node is switched: every node's every new shard holds the documents exported for
/// it (`indextool --dumpheader`).
fn check_built(layout: &Layout, per_shard: &[u64]) -> Result<()> {
    for node in &layout.nodes {
        for (shard, path) in &node.paths {
            let header = path
                .with_file_name(format!("{}.new.sph", path.file_name().and_then(|n| n.to_str()).unwrap_or_default()));
            let out = Command::new("indextool")
                .arg("--config")
                .arg(&node.config)
                .arg("--dumpheader")
                .arg(&header)
                .output()
                .map_err(|e| SphinxError::Publish(format!("running indextool: {e}")))?;
            let said = String::from_utf8_lossy(&out.stdout);
            let total =
                said.lines().find_map(|l| l.strip_prefix("total-documents:")).and_then(|n| n.trim().parse().ok());
            if total != Some(per_shard[*shard]) {
                return Err(SphinxError::Publish(format!(
                    "{}: the new shard {shard} holds {total:?} documents, {} were exported",
                    node.config.display(),
                    per_shard[*shard]
                )));
            }
        }
    }
    Ok(())
}

/// Writes every shard's xmlpipe2 file (beside, then renamed over the last one); the documents
/// per shard.
fn export(generation: &Generation, layout: &Layout, gen: u32) -> Result<Vec<u64>> {
    let io = |what: String| move |e: std::io::Error| SphinxError::Publish(format!("{what}: {e}"));
    std::fs::create_dir_all(&layout.export).map_err(io(format!("creating {}", layout.export.display())))?;
    let final_path = |s: usize| layout.export.join(format!("shard{s}.xml"));
    let temp_path = |s: usize| layout.export.join(format!(".shard{s}.xml.tmp"));
    let mut files = Vec::with_capacity(layout.shards);
    for s in 0..layout.shards {
        let f = std::fs::File::create(temp_path(s)).map_err(io(format!("creating {}", temp_path(s).display())))?;
        let mut w = std::io::BufWriter::new(f);
        w.write_all(SCHEMA.as_bytes()).map_err(io("writing a shard".into()))?;
        files.push(w);
    }
    let mut terms = Terms::new(generation)?;
    let mut counts = vec![0u64; layout.shards];
    let mut n = 0u64;
    for_each_record(generation, |rec| {
        n += 1;
        // By the question's id, not its place in the build: every publication of a corpus puts
        // a question in the same shard, so the shards' statistics, which Sphinx's BM25F reads
        // per shard, and with them the ranking, are the same each time.
        let shard = name_id(&rec.id) as usize % layout.shards;
        let doc = document(n, &rec, &mut terms, gen)?;
        files[shard].write_all(doc.as_bytes()).map_err(io("writing a shard".into()))?;
        counts[shard] += 1;
        Ok::<(), SphinxError>(())
    })?;
    for (s, mut w) in files.into_iter().enumerate() {
        w.write_all(b"</sphinx:docset>\n").map_err(io("writing a shard".into()))?;
        w.into_inner()
            .map_err(|e| SphinxError::Publish(format!("writing a shard: {e}")))?
            .sync_all()
            .map_err(io("syncing a shard".into()))?;
        std::fs::rename(temp_path(s), final_path(s)).map_err(io(format!("renaming {}", temp_path(s).display())))?;
    }
    Ok(counts)
}

/// The xmlpipe2 schema: the texts' folded terms (the searched `body` repeats title, question and
/// answers 3 : 2 : 1, as Ławka's own field does), the stored id and its hash, the filters' attributes, the
/// question's number in its meeting (listings by date order by it next) and the stored record
/// (JSON, as the embedded index stores it), which the Sphinx backend answers with.
const SCHEMA: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sphinx:docset>\n<sphinx:schema>\n\
<sphinx:field name=\"title\"/>\n<sphinx:field name=\"question\"/>\n<sphinx:field name=\"answers\"/>\n\
<sphinx:field name=\"body\"/>\n<sphinx:attr name=\"qid\" type=\"string\"/>\n<sphinx:attr name=\"qhash\" type=\"bigint\"/>\n\
<sphinx:attr name=\"district\" type=\"int\"/>\n<sphinx:attr name=\"lang\" type=\"int\"/>\n\
<sphinx:attr name=\"meeting\" type=\"bigint\"/>\n<sphinx:attr name=\"departments\" type=\"multi\"/>\n\
<sphinx:attr name=\"topics\" type=\"multi\"/>\n<sphinx:attr name=\"date\" type=\"int\"/>\n\
<sphinx:attr name=\"gen\" type=\"int\"/>\n<sphinx:attr name=\"n\" type=\"int\"/>\n<sphinx:attr name=\"record\" type=\"string\"/>\n</sphinx:schema>\n";

/// One record as an xmlpipe2 document numbered `n`.
fn document(n: u64, rec: &Record, terms: &mut Terms, gen: u32) -> Result<String> {
    let record = serde_json::to_string(rec).map_err(|e| SphinxError::Publish(format!("encoding {}: {e}", rec.id)))?;
    let mut words = |text: &str, lang: &str| -> String {
        let t = terms.of(text, lang, true);
        let w: Vec<String> = t.split(' ').map(sphinx_word).filter(|w| !w.is_empty()).collect();
        w.join(" ")
    };
    let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
    let lang = rec.lang.as_str();
    let (title, question) = (words(&rec.title, lang), words(&rec.question, lang));
    // Answers are the city's Polish whatever the question's language.
    let answers = words(&answers.join("\n\n"), "pl");
    let body = [&title, &title, &title, &question, &question, &answers].map(String::as_str).join(" ");
    let ids = |values: &[String]| -> String {
        let ids: Vec<String> = values.iter().map(|v| name_id(v).to_string()).collect();
        ids.join(",")
    };
    let date: String = rec.meeting.date.chars().filter(char::is_ascii_digit).collect();
    let meeting = rec.id.split_once('/').map_or(rec.id.as_str(), |(m, _)| m);
    Ok(format!(
        "<sphinx:document id=\"{n}\"><title>{title}</title><question>{question}</question><answers>{answers}</answers>\
<body>{body}</body><qid>{}</qid><qhash>{}</qhash><district>{}</district><lang>{}</lang><meeting>{}</meeting>\
<departments>{}</departments><topics>{}</topics><date>{date}</date><gen>{gen}</gen><n>{}</n><record>{}</record></sphinx:document>\n",
        xml_text(&rec.id),
        question_id(&rec.id),
        name_id(&rec.district),
        name_id(&rec.lang),
        meeting_id(meeting),
        ids(&rec.departments),
        ids(&rec.topics),
        rec.id.rsplit_once('/').map_or("0", |(_, n)| n),
        xml_text(&record),
    ))
}

/// Runs `indexer` for every node, each shard built as `*.new.*` beside the served one and no
/// node told to rotate yet.
fn build(layout: &Layout) -> Result<()> {
    for node in &layout.nodes {
        let text = std::fs::read_to_string(&node.config)
            .map_err(|e| SphinxError::Publish(format!("reading {}: {e}", node.config.display())))?;
        // The same config, but a pid file no searchd holds: `indexer --rotate` then builds
        // `*.new.*` files and signals nobody (Sphinx 2.2's indexer has no `--nohup`).
        let withheld = layout.export.join(".no-searchd.pid");
        let _ = std::fs::remove_file(&withheld);
        let text: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("pid_file") {
                    format!("  pid_file = {}", withheld.display())
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let build_config = layout.export.join(".build.conf");
        std::fs::write(&build_config, text)
            .map_err(|e| SphinxError::Publish(format!("writing {}: {e}", build_config.display())))?;
        let out = Command::new("indexer")
            .arg("--quiet")
            .arg("--config")
            .arg(&build_config)
            .arg("--all")
            .arg("--rotate")
            .output()
            .map_err(|e| SphinxError::Publish(format!("running indexer (is sphinxsearch installed?): {e}")))?;
        let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        // Exit 2 with "NOT rotated" is the withheld signal; anything else is a failed build.
        let withheld_only = out.status.code() == Some(2) && said.contains("NOT rotated") && !said.contains("ERROR");
        if !(out.status.success() || withheld_only) {
            return Err(SphinxError::Publish(format!("indexer failed for {}: {}", node.config.display(), said.trim())));
        }
        for (shard, path) in &node.paths {
            if !new_files(path).iter().any(|f| f.extension().is_some_and(|e| e == "sph")) {
                return Err(SphinxError::Publish(format!(
                    "indexer built no shard {shard} for {}: {}",
                    node.config.display(),
                    said.trim()
                )));
            }
        }
    }
    Ok(())
}

/// The `*.new.*` files of the shard at `path`.
fn new_files(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(stem)) = (path.parent(), path.file_name().and_then(|s| s.to_str())) else {
        return Vec::new();
    };
    let prefix = format!("{stem}.new.");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix)))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// After a failed build: no new file stays behind to be rotated in later.
fn remove_new(layout: &Layout) {
    for node in &layout.nodes {
        remove_new_of(node);
    }
}

fn remove_new_of(node: &Node) {
    for path in node.paths.values() {
        for f in new_files(path) {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// A stopped node's new shard files take the served ones' names.
fn move_new_in(node: &Node) -> Result<()> {
    for path in node.paths.values() {
        for f in new_files(path) {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default().replacen(".new.", ".", 1);
            let to = f.with_file_name(name);
            std::fs::rename(&f, &to).map_err(|e| SphinxError::Publish(format!("renaming {}: {e}", f.display())))?;
        }
    }
    Ok(())
}

/// Waits until every running node serves generation `gen` in each of its shards, whole.
fn wait_for_nodes(client: &Client, layout: &Layout, gen: u32, per_shard: &[u64], wait: Duration) -> Result<()> {
    let started = Instant::now();
    for node in layout.nodes.iter().filter(|n| n.running().is_some()) {
        let Some(at) = client.nodes().iter().position(|n| *n == node.listen) else {
            return Err(SphinxError::Config(format!(
                "{} listens on {}:{}, which SPHINX_NODES does not list",
                node.config.display(),
                node.listen.0,
                node.listen.1
            )));
        };
        for shard in node.shards() {
            let sql = format!("SELECT COUNT(*) FROM shard{shard} WHERE gen={gen}");
            loop {
                let got: std::result::Result<Vec<u64>, String> = client.query_on(at, &sql);
                match got {
                    Ok(counts) if counts.first() == Some(&per_shard[shard]) => break,
                    other if started.elapsed() >= wait => {
                        return Err(SphinxError::Publish(format!(
                            "{} does not serve shard {shard} of the new generation after {:.0} s (last: {other:?})",
                            node.config.display(),
                            wait.as_secs_f64()
                        )));
                    }
                    _ => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_config_gives_its_shards_address_and_pid_file() {
        let text = "source shard0\n{\n  type = xmlpipe2\n}\nindex shard0\n{\n  source = shard0\n  path = /d/node1/shard0\n}\n\
index shard2\n{\n  path = /d/node1/shard2\n}\nindex lawka\n{\n  type = distributed\n  agent = 127.0.0.1:1|127.0.0.1:2:shard0\n}\n\
searchd\n{\n  listen = 127.0.0.1:19306:mysql41\n  listen = 127.0.0.1:19307\n  pid_file = /d/node1/searchd.pid\n}\n";
        let node = Node::parse(Path::new("/d/node1.conf"), text).expect("parses");
        assert_eq!(node.shards().collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(node.listen, ("127.0.0.1".to_string(), 19306));
        assert_eq!(node.pid_file, PathBuf::from("/d/node1/searchd.pid"));
        assert_eq!(node.paths[&2], PathBuf::from("/d/node1/shard2"));
        assert!(Node::parse(Path::new("x"), "searchd\n{\n  pid_file = /p\n}\n").is_err(), "no listener");
    }

    #[test]
    fn generation_numbers_come_from_the_name() {
        assert_eq!(generation_number("gen-00000012").ok(), Some(12));
        assert!(generation_number("current").is_err());
    }
}
