//! Publishing an index generation to Typesense: a new collection beside the live one, filled,
//! checked on every node, then the alias switched to it in one step (Typesense's own alias
//! mechanism, as the embedded index switches its `CURRENT` file). Until the switch nothing
//! readers see changes; a failed build drops its collection and leaves the alias where it was.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::client::{Body, Client};
use super::error::{Result, TypesenseError};
use crate::index::published::{for_each_record, Terms};
use crate::index::{Generation, Record};

/// The alias readers search when none is configured.
pub const DEFAULT_ALIAS: &str = "questions";

/// Documents per import request: a few MB of JSON lines.
const BATCH: usize = 500;

/// How long every node may take, by default, to hold the whole new collection and to see the
/// alias switch. Followers trail the leader by about a second for the demo corpus (docs/SCALE.md).
pub const REPLICATION_WAIT: Duration = Duration::from_secs(120);

/// What [`publish`] did.
#[derive(Debug)]
pub struct Published {
    /// The new collection, now behind the alias.
    pub collection: String,
    /// Documents in it (every node holds all of them).
    pub documents: u64,
    /// The collection the alias pointed to before, now dropped.
    pub replaced: Option<String>,
    /// Wall time.
    pub seconds: f64,
}

/// The collection's fields. Terms are matched exactly: `locale: pl` keeps Typesense from folding
/// diacritics itself (the `*_folded` fields carry Ławka's own folding). Records are stored, not
/// indexed (undeclared fields are kept as sent).
pub fn schema(name: &str) -> Value {
    let text = |n: &str| json!({"name": n, "type": "string", "locale": "pl"});
    json!({
        "name": name,
        "fields": [
            {"name": "qid", "type": "string"},
            text("title_terms"), text("question_terms"), text("answer_terms"),
            text("title_folded"), text("question_folded"), text("answer_folded"),
            {"name": "district", "type": "string", "facet": true},
            {"name": "departments", "type": "string[]", "facet": true},
            {"name": "topics", "type": "string[]", "facet": true},
            {"name": "lang", "type": "string", "facet": true},
            {"name": "year", "type": "int32", "facet": true},
            {"name": "month", "type": "int32", "facet": true},
            {"name": "date", "type": "int32"}
        ],
        "default_sorting_field": "date"
    })
}

/// A document id Typesense can take in a URL path: `/` becomes `~` (never in a question id).
pub fn document_id(qid: &str) -> String {
    qid.replace('/', "~")
}

/// The Typesense document of one stored record.
fn document(rec: &Record, terms: &mut Terms) -> Result<Value> {
    let answers: Vec<&str> = rec.answers.iter().map(|a| a.text.as_str()).collect();
    let answers = answers.join("\n\n");
    // Answers are the city's Polish whatever the question's language.
    let lang = rec.lang.as_str();
    let date = &rec.meeting.date;
    let number = |from: usize, to: usize| -> Result<i32> {
        date.get(from..to)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| TypesenseError::Protocol(format!("{}: meeting date {date:?} is not YYYY-MM-DD", rec.id)))
    };
    let (year, month, day) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let record = serde_json::to_string(rec).map_err(|e| TypesenseError::Protocol(format!("{}: {e}", rec.id)))?;
    Ok(json!({
        "id": document_id(&rec.id),
        "qid": rec.id,
        "title_terms": terms.of(&rec.title, lang, false),
        "question_terms": terms.of(&rec.question, lang, false),
        "answer_terms": terms.of(&answers, "pl", false),
        "title_folded": terms.of(&rec.title, lang, true),
        "question_folded": terms.of(&rec.question, lang, true),
        "answer_folded": terms.of(&answers, "pl", true),
        "district": rec.district,
        "departments": rec.departments,
        "topics": rec.topics,
        "lang": rec.lang,
        "year": year,
        "month": year * 100 + month,
        "date": (year * 100 + month) * 100 + day,
        "record": record,
    }))
}

/// The collection `alias` points to, if any.
pub fn alias_target(client: &Client, alias: &str) -> Result<Option<String>> {
    let (status, text) = client.request(Method::GET, &format!("/aliases/{alias}"), None)?;
    match status {
        StatusCode::NOT_FOUND => Ok(None),
        s if s.is_success() => collection_name(&text).map(Some),
        s => Err(TypesenseError::Status {
            method: "GET".into(),
            path: format!("/aliases/{alias}"),
            status: s.as_u16(),
            body: text,
        }),
    }
}

fn collection_name(alias_json: &str) -> Result<String> {
    let v: Value = serde_json::from_str(alias_json).map_err(|e| TypesenseError::Protocol(format!("alias: {e}")))?;
    v["collection_name"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| TypesenseError::Protocol(format!("alias without collection_name: {alias_json}")))
}

/// Waits until `check` holds on every node (each asked directly), or fails after `wait` naming
/// the nodes that lag.
fn wait_for_every_node(client: &Client, wait: Duration, what: &str, check: impl Fn(usize) -> bool) -> Result<()> {
    let started = Instant::now();
    loop {
        let lagging: Vec<&str> =
            (0..client.nodes().len()).filter(|&i| !check(i)).map(|i| client.nodes()[i].as_str()).collect();
        if lagging.is_empty() {
            return Ok(());
        }
        if started.elapsed() > wait {
            return Err(TypesenseError::Protocol(format!(
                "{what}: not on {} after {:.1} s",
                lagging.join(", "),
                wait.as_secs_f64()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Publishes `generation` as a new collection and points `alias` at it once every node holds
/// all of it; then drops the collection the alias pointed to before. On any failure before the
/// switch, the new collection is dropped (best effort) and the alias is left as it was. Every
/// node must catch up within `wait` (see [`REPLICATION_WAIT`]).
pub fn publish(client: &Client, generation: &Generation, alias: &str, wait: Duration) -> Result<Published> {
    let started = Instant::now();
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let name = format!("{alias}_{}_{millis}", generation.meta.generation);
    let before = alias_target(client, alias)?;
    client.json(Method::POST, "/collections", Some(Body::Json(&schema(&name))))?;
    let filled = fill(client, generation, &name).and_then(|documents| {
        wait_for_every_node(client, wait, &format!("{documents} documents in {name}"), |i| {
            client.on_node(i, Method::GET, &format!("/collections/{name}")).is_ok_and(|(s, text)| {
                s.is_success()
                    && serde_json::from_str::<Value>(&text)
                        .is_ok_and(|v| v["num_documents"].as_u64() == Some(documents))
            })
        })?;
        let switch = json!({"collection_name": name});
        if let Err(e) = client.json(Method::PUT, &format!("/aliases/{alias}"), Some(Body::Json(&switch))) {
            // An answer lost after the leader applied the switch: the alias names the new
            // collection, which must then stay.
            if alias_target(client, alias).ok().flatten().as_deref() != Some(name.as_str()) {
                return Err(e);
            }
        }
        Ok(documents)
    });
    let documents = match filled {
        Ok(n) => n,
        Err(e) => {
            // The error that stopped the build is the one to report.
            if let Err(cleanup) = drop_collection(client, &name, wait) {
                tracing::warn!(collection = %name, error = %cleanup, "the failed build's collection was not dropped everywhere");
            }
            return Err(e);
        }
    };
    wait_for_every_node(client, wait, &format!("alias {alias} -> {name}"), |i| {
        client
            .on_node(i, Method::GET, &format!("/aliases/{alias}"))
            .is_ok_and(|(s, text)| s.is_success() && collection_name(&text).is_ok_and(|c| c == name))
    })
    .map_err(|e| TypesenseError::PartlyPublished(format!("the alias switched to {name}, but {e}")))?;
    // The switch is done; dropping the replaced collection is clean-up, so its failure is a
    // warning.
    if let Some(old) = before.as_ref().filter(|old| **old != name) {
        if let Err(e) = drop_collection(client, old, wait) {
            tracing::warn!(collection = %old, error = %e, "the replaced collection was not dropped everywhere");
        }
    }
    Ok(Published { collection: name, documents, replaced: before, seconds: started.elapsed().as_secs_f64() })
}

/// Drops collection `name` and waits until every node that answers no longer has it, so that
/// when a build returns, the nodes hold only what the alias shows (a node that cannot be reached
/// catches up from the Raft log when it rejoins).
fn drop_collection(client: &Client, name: &str, wait: Duration) -> Result<()> {
    let path = format!("/collections/{name}");
    let (status, text) = client.request(Method::DELETE, &path, None)?;
    if !status.is_success() && status != StatusCode::NOT_FOUND {
        return Err(TypesenseError::Status { method: "DELETE".into(), path, status: status.as_u16(), body: text });
    }
    wait_for_every_node(client, wait, &format!("{name} dropped"), |i| {
        client.on_node(i, Method::GET, &path).map_or(true, |(s, _)| s == StatusCode::NOT_FOUND)
    })
}

/// Imports every record of `generation` into collection `name`, [`BATCH`] at a time; the
/// number imported.
fn fill(client: &Client, generation: &Generation, name: &str) -> Result<u64> {
    let mut terms = Terms::new(generation)?;
    let path = format!("/collections/{name}/documents/import?action=upsert");
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    let mut imported = 0u64;
    for_each_record(generation, |rec| {
        batch.push(rec);
        if batch.len() == BATCH {
            imported += import(client, &path, &batch, &mut terms)?;
            batch.clear();
        }
        Ok::<(), TypesenseError>(())
    })?;
    imported += import(client, &path, &batch, &mut terms)?;
    if imported != generation.meta.documents {
        return Err(TypesenseError::Protocol(format!(
            "{imported} records read, the generation says {}",
            generation.meta.documents
        )));
    }
    Ok(imported)
}

/// Imports one batch of records; the number imported (all, or an error).
fn import(client: &Client, path: &str, batch: &[Record], terms: &mut Terms) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let mut lines = Vec::with_capacity(batch.len() * 4096);
    for rec in batch {
        serde_json::to_writer(&mut lines, &document(rec, terms)?)
            .map_err(|e| TypesenseError::Protocol(format!("{}: {e}", rec.id)))?;
        lines.push(b'\n');
    }
    // Upserts by id: a batch retried after a lost answer (a leader lost mid-import) does not
    // duplicate or fail on what the first attempt wrote.
    let (status, text) = client.request(Method::POST, path, Some(Body::JsonLines(&lines)))?;
    if !status.is_success() {
        return Err(TypesenseError::Status {
            method: "POST".into(),
            path: path.into(),
            status: status.as_u16(),
            body: text,
        });
    }
    if text.lines().count() != batch.len() {
        return Err(TypesenseError::Protocol(format!(
            "import answered {} lines for {} documents",
            text.lines().count(),
            batch.len()
        )));
    }
    for (line, rec) in text.lines().zip(batch) {
        let v: Value =
            serde_json::from_str(line).map_err(|e| TypesenseError::Protocol(format!("import answer: {e}")))?;
        if v["success"] != Value::Bool(true) {
            return Err(TypesenseError::Protocol(format!("{} not imported: {}", rec.id, v["error"])));
        }
    }
    Ok(batch.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fit_a_url_path() {
        assert_eq!(document_id("2024-06-24-bronowice-wielkie/1"), "2024-06-24-bronowice-wielkie~1");
    }

    #[test]
    fn the_schema_sorts_by_date_and_facets_the_filters() {
        let s = schema("questions_x");
        assert_eq!(s["default_sorting_field"], "date");
        let faceted: Vec<&str> = s["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["facet"] == true)
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(faceted, ["district", "departments", "topics", "lang", "year", "month"]);
    }
}
