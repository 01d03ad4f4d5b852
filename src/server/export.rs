//! Exports and feeds of everything a search matches: CSV (for spreadsheets), JSON, Atom.
//! Exports are streamed: records are read and encoded on a blocking thread, chunk by chunk.

use std::convert::Infallible;

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::api::{blocking, search_request};
use super::error::ApiError;
use super::params::Pairs;
use super::AppState;
use crate::index::{MeetingRef, Record, StoredAnswer};
use crate::search::request::Sort;
use crate::search::MatchList;
use crate::search::{response, SYNTHETIC_NOTICE};

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 64 * 1024;
/// Entries in a feed.
const FEED_ENTRIES: usize = 50;
/// The CSV columns: the contract's ten, then `source` (`synthetic` for the bundled demo corpus,
/// `krakow.pl` for the city's articles), so that a spreadsheet a journalist keeps still says
/// which rows are the city's answers and which are demo text.
const COLUMNS: [&str; 11] =
    ["id", "date", "meeting", "district", "departments", "topics", "title", "url", "question", "answers", "source"];

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

/// One exported question (JSON).
#[derive(Serialize)]
struct ExportRow<'a> {
    id: &'a str,
    date: &'a str,
    meeting: &'a MeetingRef,
    district: &'a str,
    departments: &'a [String],
    topics: &'a [String],
    title: &'a str,
    url: String,
    question: &'a str,
    answers: &'a [StoredAnswer],
    source: &'a str,
}

fn row(rec: &Record) -> ExportRow<'_> {
    ExportRow {
        id: &rec.id,
        date: &rec.meeting.date,
        meeting: &rec.meeting,
        district: &rec.district,
        departments: &rec.departments,
        topics: &rec.topics,
        title: &rec.title,
        url: response::question_url(&rec.id),
        question: &rec.question,
        answers: &rec.answers,
        source: &rec.source,
    }
}

fn csv_record(rec: &Record) -> [String; 11] {
    let answers: Vec<String> = rec.answers.iter().map(|a| format!("{}: {}", a.department, a.text)).collect();
    [
        rec.id.clone(),
        rec.meeting.date.clone(),
        rec.meeting.title.clone(),
        rec.district.clone(),
        rec.departments.join("; "),
        rec.topics.join("; "),
        rec.title.clone(),
        response::question_url(&rec.id),
        rec.question.clone(),
        answers.join("; "),
        rec.source.clone(),
    ]
}

/// Encodes the matches into chunks on the calling (blocking) thread and sends them.
fn produce(matches: Box<dyn MatchList>, format: Format, tx: tokio::sync::mpsc::Sender<Bytes>) {
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let send = |buf: &mut Vec<u8>| tx.blocking_send(Bytes::from(std::mem::take(buf))).is_ok();
    match format {
        Format::Csv => buf.extend_from_slice("\u{feff}".as_bytes()),
        Format::Json => buf.push(b'['),
    }
    let writer = || csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::with_capacity(CHUNK));
    let mut csv = writer();
    if let Format::Csv = format {
        if csv.write_record(COLUMNS).is_err() {
            return;
        }
    }
    for (i, rec) in matches.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                // Headers are sent: the only honest signal left is to cut the stream short.
                tracing::error!(error = %e, "export aborted");
                return;
            }
        };
        match format {
            Format::Csv => {
                if csv.write_record(csv_record(&rec)).is_err() {
                    return;
                }
                if csv.get_ref().len() >= CHUNK {
                    match std::mem::replace(&mut csv, writer()).into_inner() {
                        Ok(mut bytes) => buf.append(&mut bytes),
                        Err(_) => return,
                    }
                }
            }
            Format::Json => {
                if i > 0 {
                    buf.push(b',');
                }
                if serde_json::to_writer(&mut buf, &row(&rec)).is_err() {
                    return;
                }
            }
        }
        if buf.len() >= CHUNK && !send(&mut buf) {
            return; // the client went away
        }
    }
    match format {
        Format::Json => buf.push(b']'),
        Format::Csv => match csv.into_inner() {
            Ok(mut bytes) => buf.append(&mut bytes),
            Err(_) => return,
        },
    }
    send(&mut buf);
}

async fn export(state: AppState, pairs: Pairs, format: Format) -> Result<Response, ApiError> {
    let matches = blocking(&state, move |b, glossary| {
        let (req, _) = search_request(b, pairs, &[])?;
        Ok(b.matches(glossary, &req)?)
    })
    .await?;
    let total = matches.len();
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::task::spawn_blocking(move || produce(matches, format, tx));
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx)) });
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "lawka-eksport.csv"),
        Format::Json => ("application/json", "lawka-eksport.json"),
    };
    let mut resp = Body::from_stream(stream).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        headers.insert("x-total-count", v);
    }
    Ok(resp)
}

/// `GET /api/export.csv`: every match, UTF-8 with a BOM, RFC 4180.
pub async fn export_csv(State(state): State<AppState>, pairs: Pairs) -> Result<Response, ApiError> {
    export(state, pairs, Format::Csv).await
}

/// `GET /api/export.json`: every match, as a JSON array.
pub async fn export_json(State(state): State<AppState>, pairs: Pairs) -> Result<Response, ApiError> {
    export(state, pairs, Format::Json).await
}

/// The scheme and host the client used, for absolute links in feeds; only a plain host name or
/// address is trusted.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let plain =
        !host.is_empty() && host.len() <= 255 && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    format!("http://{}", if plain { host } else { "localhost" })
}

fn date_time(date: &str) -> FixedDateTime {
    format!("{date}T00:00:00+00:00").parse().unwrap_or_default()
}

/// An entry's answers, after the demo notice where the question is demo text: a feed reader
/// shows entries one by one, never the feed's subtitle beside them.
fn entry_content(r: &Record, answers: String) -> String {
    if r.source == "synthetic" {
        format!("{SYNTHETIC_NOTICE}\n\n{answers}")
    } else {
        answers
    }
}

fn answers_text(answers: &[StoredAnswer]) -> String {
    answers.iter().map(|a| format!("{}: {}", a.department, a.text)).collect::<Vec<_>>().join("\n\n")
}

/// One entry per revision of a question's answers: its date is the revision's, its content the
/// answers that replaced the earlier ones, its summary the earlier ones.
fn revision_entries(base: &str, r: &Record) -> Vec<Entry> {
    let url = format!("{base}{}", response::question_url(&r.id));
    let mut newer = answers_text(&r.answers);
    let mut out = Vec::with_capacity(r.revisions.len());
    for (k, rev) in r.revisions.iter().enumerate().rev() {
        let earlier = match &rev.as_of {
            Some(d) => format!("Poprzednia wersja (stan na {d}):"),
            None => "Poprzednia wersja:".to_string(),
        };
        out.push(Entry {
            title: Text::plain(format!("Zaktualizowano odpowiedź: {} ({}, {})", r.title, r.district, r.meeting.date)),
            id: format!("{url}#zmiana-{}", k + 1),
            updated: date_time(&rev.replaced),
            published: Some(date_time(&rev.replaced)),
            links: vec![Link { href: url.clone(), rel: "alternate".into(), ..Link::default() }],
            summary: Some(Text::plain(format!("{earlier}\n\n{}", answers_text(&rev.answers)))),
            content: Some(Content {
                value: Some(entry_content(r, newer.clone())),
                content_type: Some("text".into()),
                ..Content::default()
            }),
            ..Entry::default()
        });
        newer = answers_text(&rev.answers);
    }
    out
}

/// `GET /feed.atom` with the search's `q` and filters: the newest matches.
pub async fn feed(State(state): State<AppState>, headers: HeaderMap, pairs: Pairs) -> Result<Response, ApiError> {
    let base = base_url(&headers);
    let (records, revised, q, self_query) = blocking(&state, move |b, glossary| {
        let self_query = serde_urlencoded::to_string(&pairs.0).unwrap_or_default();
        let (mut req, _) = search_request(b, pairs, &[])?;
        req.sort = Sort::DateDesc;
        let matches = b.matches(glossary, &req)?;
        let records: Vec<Record> = matches.records().take(FEED_ENTRIES).collect::<Result<_, _>>()?;
        // Journalists follow revisions: every revised answer among the matches is an entry of its
        // own, however old its meeting.
        let mut ids: Vec<&str> = Vec::new();
        for r in &b.meta().revised {
            if !ids.contains(&r.id.as_str()) && ids.len() < FEED_ENTRIES {
                ids.push(&r.id);
            }
        }
        let revised = matches.records_of(&ids)?;
        Ok((records, revised, req.q, self_query))
    })
    .await?;
    let mut entries: Vec<Entry> = records
        .iter()
        .map(|r| {
            let answers: Vec<String> = r.answers.iter().map(|a| format!("{}: {}", a.department, a.text)).collect();
            Entry {
                title: Text::plain(format!("{} ({}, {})", r.title, r.district, r.meeting.date)),
                id: format!("{base}{}", response::question_url(&r.id)),
                updated: date_time(&r.meeting.date),
                published: Some(date_time(&r.meeting.date)),
                links: vec![Link {
                    href: format!("{base}{}", response::question_url(&r.id)),
                    rel: "alternate".into(),
                    ..Link::default()
                }],
                summary: Some(Text::plain(r.question.clone())),
                content: Some(Content {
                    value: Some(entry_content(r, answers.join("\n\n"))),
                    content_type: Some("text".into()),
                    ..Content::default()
                }),
                ..Entry::default()
            }
        })
        .collect();
    entries.extend(revised.iter().flat_map(|r| revision_entries(&base, r)));
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    let updated = entries.first().map(|e| e.updated).unwrap_or_default();
    let title = if q.is_empty() { "Ławka: nowe pytania".to_string() } else { format!("Ławka: {q}") };
    let self_href =
        if self_query.is_empty() { format!("{base}/feed.atom") } else { format!("{base}/feed.atom?{self_query}") };
    let subtitle = if records.iter().any(|r| r.source == "synthetic") {
        format!("Pytania mieszkańców Krakowa z odpowiedziami. {SYNTHETIC_NOTICE}")
    } else {
        "Pytania mieszkańców Krakowa z odpowiedziami.".to_string()
    };
    let feed = Feed {
        title: Text::plain(title),
        id: self_href.clone(),
        updated,
        authors: vec![Person { name: "Ławka".into(), ..Person::default() }],
        links: vec![
            Link {
                href: self_href,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link { href: format!("{base}/"), rel: "alternate".into(), ..Link::default() },
        ],
        subtitle: Some(Text::plain(subtitle)),
        lang: Some("pl".into()),
        entries,
        ..Feed::default()
    };
    let mut resp = feed.to_string().into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/atom+xml; charset=utf-8"));
    Ok(resp)
}
