//! Polite, bounded fetching of the city's pages: one request at a time with a delay between
//! them, a User-Agent naming Ławka, conditional requests answered from a cache, a timeout and
//! retries with backoff, a size limit, and redirects followed only within the configured host.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use url::Url;

use super::error::{ImportError, Result};

/// Sent with every request, so the city's operators can tell who is reading.
pub const USER_AGENT: &str = concat!(
    "Lawka/",
    env!("CARGO_PKG_VERSION"),
    " (search over the Q&A of Krakow's Lawka dialogu meetings; one request at a time)"
);

/// How to fetch.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    /// Pause between two requests.
    pub delay: Duration,
    /// Limit for one request, connection to last byte.
    pub timeout: Duration,
    /// Further attempts after a timeout, a connection error or a 5xx/429 answer.
    pub retries: u32,
    /// The first pause before a retry; doubled for each further one.
    pub backoff: Duration,
    /// Largest page read, in bytes.
    pub max_bytes: u64,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            delay: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_secs(2),
            max_bytes: 5 << 20,
        }
    }
}

/// Validators and bodies of pages read before, for conditional requests.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CacheEntry {
    etag: Option<String>,
    last_modified: Option<String>,
    body: String,
}

/// Where a corpus keeps the fetch cache (not part of the corpus format; safe to delete).
pub const CACHE_FILE: &str = ".import-cache.json";

impl Cache {
    /// The cache of the corpus at `dir`; empty when absent or unreadable (it only saves requests).
    pub fn load(dir: &Path) -> Cache {
        std::fs::read_to_string(dir.join(CACHE_FILE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Writes the cache into the corpus at `dir`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(CACHE_FILE);
        let json = serde_json::to_string(self).map_err(|e| ImportError::io(&path, e.into()))?;
        std::fs::write(&path, json).map_err(|e| ImportError::io(&path, e))
    }
}

/// What the fetcher did, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetchStats {
    /// HTTP requests sent (retries and redirects included).
    pub requests: u32,
    /// Pages the server said were unchanged (304), served from the cache.
    pub not_modified: u32,
}

/// Reads pages one at a time.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    options: FetchOptions,
    last_request: Option<Instant>,
    /// Conditional-request state; saved with the imported corpus.
    pub cache: Cache,
    /// Counts for the summary.
    pub stats: FetchStats,
}

/// How one attempt ended.
enum Attempt {
    Body(String),
    Redirect(Url),
    /// Worth another try (timeout, connection error, 5xx, 429).
    Retry(String),
}

/// A page source: over HTTP or a saved file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An http(s) page.
    Http(Url),
    /// A saved page.
    File(PathBuf),
}

impl Fetcher {
    /// A fetcher with these options and cache.
    pub fn new(options: FetchOptions, cache: Cache) -> Result<Fetcher> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            // Redirects are followed by hand, so that each hop is checked against the host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ImportError::Fetch { url: String::new(), reason: e.to_string() })?;
        Ok(Fetcher { client, options, last_request: None, cache, stats: FetchStats::default() })
    }

    /// Reads a page from a file or over HTTP; `host` is the only host HTTP may reach.
    pub fn get(&mut self, source: &Source, host: &str) -> Result<String> {
        match source {
            Source::File(path) => read_file(path, self.options.max_bytes),
            Source::Http(url) => self.get_http(url, host),
        }
    }

    fn get_http(&mut self, url: &Url, host: &str) -> Result<String> {
        let asked = url.to_string();
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            check_url(&current, host)?;
            match self.with_retries(&current)? {
                Attempt::Body(b) => return Ok(b),
                Attempt::Redirect(next) => {
                    if check_url(&next, host).is_err() {
                        return Err(ImportError::Redirect {
                            url: asked,
                            host: host.to_string(),
                            reason: format!("to {next}"),
                        });
                    }
                    current = next;
                }
                // `with_retries` turns a last retry into an error; this arm only satisfies the type.
                Attempt::Retry(reason) => return Err(ImportError::Fetch { url: asked, reason }),
            }
        }
        Err(ImportError::Redirect { url: asked, host: host.to_string(), reason: "too many redirects".into() })
    }

    /// Retries a request that timed out, failed to connect or got a 5xx, with the pause doubled
    /// each time up to [`MAX_BACKOFF`].
    fn with_retries(&mut self, url: &Url) -> Result<Attempt> {
        let mut pause = self.options.backoff;
        let mut attempt = 0;
        loop {
            match self.attempt(url)? {
                Attempt::Retry(reason) if attempt >= self.options.retries => {
                    return Err(ImportError::Fetch { url: url.to_string(), reason });
                }
                Attempt::Retry(reason) => {
                    tracing::warn!(%url, %reason, attempt, "retrying");
                    std::thread::sleep(pause);
                    pause = pause.saturating_mul(2).min(MAX_BACKOFF);
                    attempt += 1;
                }
                done => return Ok(done),
            }
        }
    }

    fn attempt(&mut self, url: &Url) -> Result<Attempt> {
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < self.options.delay {
                std::thread::sleep(self.options.delay - since);
            }
        }
        self.last_request = Some(Instant::now());
        self.stats.requests += 1;
        let key = url.to_string();
        let mut headers = HeaderMap::new();
        if let Some(c) = self.cache.entries.get(&key) {
            if let Some(v) = c.etag.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(header::IF_NONE_MATCH, v);
            }
            if let Some(v) = c.last_modified.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(header::IF_MODIFIED_SINCE, v);
            }
        }
        let resp = match self.client.get(url.clone()).headers(headers).send() {
            Ok(r) => r,
            Err(e) => return Ok(Attempt::Retry(describe(&e))),
        };
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            if let Some(c) = self.cache.entries.get(&key) {
                self.stats.not_modified += 1;
                return Ok(Attempt::Body(c.body.clone()));
            }
            return Err(ImportError::Status { url: key, status: status.as_u16() });
        }
        if status.is_redirection() {
            let next = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| ImportError::Status { url: key.clone(), status: status.as_u16() })?;
            return Ok(Attempt::Redirect(next));
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Ok(Attempt::Retry(format!("HTTP {}", status.as_u16())));
        }
        if !status.is_success() {
            return Err(ImportError::Status { url: key, status: status.as_u16() });
        }
        let limit = self.options.max_bytes;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(ImportError::TooLarge { url: key, limit });
        }
        let header_text = |name| resp.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(String::from);
        let (etag, last_modified) = (header_text(header::ETAG), header_text(header::LAST_MODIFIED));
        let mut bytes = Vec::new();
        if let Err(e) = resp.take(limit + 1).read_to_end(&mut bytes) {
            return Ok(Attempt::Retry(format!("reading the body: {e}")));
        }
        if bytes.len() as u64 > limit {
            return Err(ImportError::TooLarge { url: key, limit });
        }
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if etag.is_some() || last_modified.is_some() {
            self.cache.entries.insert(key, CacheEntry { etag, last_modified, body: body.clone() });
        } else {
            self.cache.entries.remove(&key);
        }
        Ok(Attempt::Body(body))
    }
}

const MAX_REDIRECTS: usize = 5;

/// Longest pause before a retry: doubling from a long first pause must not sleep for days.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// Only http(s) on the configured host.
pub fn check_url(url: &Url, host: &str) -> Result<()> {
    let ok = matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host));
    if ok {
        Ok(())
    } else {
        Err(ImportError::ForeignUrl { url: url.to_string(), host: host.to_string() })
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        let mut s = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(inner) = src {
            s.push_str(&format!(": {inner}"));
            src = inner.source();
        }
        s
    }
}

fn read_file(path: &Path, limit: u64) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io(path, e))?;
    if meta.len() > limit {
        return Err(ImportError::TooLarge { url: path.display().to_string(), limit });
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
