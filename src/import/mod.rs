//! `lawka import`: the city's published articles → meetings in the corpus format.
//!
//! An import reads one or more listing pages (over HTTP or saved), every article they link, and
//! writes each article as a meeting file (`source: krakow.pl`). It never edits the live corpus in
//! place: it copies it beside itself, writes the meetings there, validates the copy exactly as
//! `lawka check` does, and only then swaps the copy in. Any failure (a page that cannot be read,
//! an unknown unit abbreviation, a corpus that does not validate) leaves the live corpus as it was.
//!
//! Ids are stable: a meeting's id is the listing's date and a slug of the place; a question's
//! number is its item's. Re-importing an article whose answers changed keeps the earlier answers
//! in `revisions/<meeting id>.json` with the "stan na" date they had.
//!
//! ```no_run
//! use lawka::import::{import, ImportOptions, NoProgress};
//! let opts = ImportOptions::new(vec!["https://www.krakow.pl/...".into()], "corpus".into());
//! let summary = import(&opts, &NoProgress)?;
//! println!("{} meetings added", summary.meetings_added);
//! # Ok::<(), lawka::import::ImportError>(())
//! ```

mod error;
mod fetch;
pub mod html;
mod write;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use time::Date;
use url::Url;

pub use error::{ImportError, Result};
pub use fetch::{FetchOptions, FetchStats, Source, CACHE_FILE, USER_AGENT};

use crate::corpus::{
    revisions, Answer, Corpus, District, Meeting, MeetingId, MeetingKind, Question, QuestionId, Source as TextSource,
    Vocabulary,
};
use fetch::{Cache, Fetcher};
use html::{Article, ListingLink};

/// Saved pages come from the city's site: their relative links are resolved against it.
const SAVED_PAGES_BASE: &str = "https://www.krakow.pl/";

/// What to import and how.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Listing pages: http(s) URLs, saved HTML files, or directories holding `index.html` (the
    /// listing) and `<dok_id>.html` (the articles).
    pub sources: Vec<String>,
    /// The live corpus (its vocabularies, `units.txt` and `places.txt` are used).
    pub corpus: PathBuf,
    /// Fetching limits.
    pub fetch: FetchOptions,
    /// Today, for revisions of articles without a "stan na" date.
    pub today: Date,
}

impl ImportOptions {
    /// Default fetching, today's date.
    pub fn new(sources: Vec<String>, corpus: PathBuf) -> ImportOptions {
        let today = time::OffsetDateTime::now_utc().date();
        ImportOptions { sources, corpus, fetch: FetchOptions::default(), today }
    }
}

pub use crate::progress::{NoProgress, Progress};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Meetings new to the corpus.
    pub meetings_added: usize,
    /// Meetings already there whose text changed.
    pub meetings_changed: usize,
    /// Meetings already there, unchanged.
    pub meetings_unchanged: usize,
    /// Questions new to the corpus.
    pub questions_added: usize,
    /// Questions whose question or answers changed.
    pub questions_changed: usize,
    /// Questions unchanged.
    pub questions_unchanged: usize,
    /// Earlier answers kept as revisions by this import.
    pub revisions: usize,
    /// Articles whose lead gives another date than the listing (the listing's is used).
    pub date_mismatches: Vec<String>,
    /// Requests sent and pages found unchanged (304).
    pub fetch: FetchStats,
}

/// Imports the listings' articles into the corpus at `opts.corpus` (see the module docs).
pub fn import(opts: &ImportOptions, progress: &dyn Progress) -> Result<Summary> {
    let _lock = write::ImportLock::acquire(&opts.corpus)?;
    let vocab = Vocabulary::load(&opts.corpus)?;
    let live = live_meetings(&opts.corpus)?;
    let mut fetcher = Fetcher::new(opts.fetch.clone(), Cache::load(&opts.corpus))?;
    let mut summary = Summary::default();

    // Every article once, whichever URL forms and listings link it.
    let mut articles: Vec<(ListingLink, Source, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for raw in &opts.sources {
        let (listing, base, host) = resolve(raw)?;
        let page = fetcher.get(&listing, &host)?;
        let links = html::listing(&page, &base);
        if links.is_empty() {
            return Err(ImportError::NoLinks { source_name: raw.clone() });
        }
        for link in links {
            let key = html::dok_id(&link.url).map_or_else(|| link.url.to_string(), |n| n.to_string());
            if !seen.insert(key) {
                continue;
            }
            let source = match &listing {
                Source::Http(_) => {
                    fetch::check_url(&link.url, &host)?;
                    Source::Http(link.url.clone())
                }
                Source::File(path) => {
                    let n = html::dok_id(&link.url).ok_or_else(|| ImportError::BadSource(link.url.to_string()))?;
                    Source::File(path.with_file_name(format!("{n}.html")))
                }
            };
            articles.push((link, source, host.clone()));
        }
    }

    progress.start(articles.len() as u64);
    let mut imported: BTreeMap<MeetingId, Meeting> = BTreeMap::new();
    for (link, source, host) in &articles {
        let page = fetcher.get(source, host)?;
        let article = html::article(&page);
        let meeting = meeting(link, &article, &vocab)?;
        if let Some(d) = article.date.filter(|d| *d != link.date) {
            summary.date_mismatches.push(format!(
                "{}: the listing says {}, the article {}",
                meeting.id,
                crate::corpus::format_date(link.date),
                crate::corpus::format_date(d)
            ));
        }
        if let Some(first) = imported.get(&meeting.id) {
            return Err(ImportError::DuplicateMeeting {
                url: link.url.to_string(),
                other: first.url.clone().unwrap_or_default(),
                id: meeting.id.to_string(),
            });
        }
        imported.insert(meeting.id.clone(), meeting);
        progress.inc();
    }
    progress.finish();

    let mut new_revisions: BTreeMap<MeetingId, Vec<revisions::RevisionEntry>> = BTreeMap::new();
    for m in imported.values_mut() {
        let Some(old) = live.iter().find(|o| o.id == m.id) else {
            summary.meetings_added += 1;
            summary.questions_added += m.questions.len();
            continue;
        };
        // The demo texts are not the city's earlier answers: never overwrite them as revisions.
        if old.source != TextSource::KrakowPl {
            return Err(ImportError::DuplicateMeeting {
                url: m.url.clone().unwrap_or_default(),
                other: format!("the {} meeting in the corpus", old.source.as_str()),
                id: m.id.to_string(),
            });
        }
        let mut changed = old.title != m.title || old.updated != m.updated || old.lead != m.lead;
        for q in &mut m.questions {
            let Some(oq) = old.questions.iter().find(|o| o.id.n == q.id.n) else {
                summary.questions_added += 1;
                changed = true;
                continue;
            };
            // What editors added by hand survives a re-import.
            q.topics = oq.topics.clone();
            if oq.district != old.district {
                q.district = oq.district.clone();
            }
            if oq.answers != q.answers {
                let replaced = m.updated.unwrap_or(opts.today);
                let entry = revisions::RevisionEntry::new(q.id.n, old.updated, replaced, &oq.answers);
                new_revisions.entry(m.id.clone()).or_default().push(entry);
                summary.revisions += 1;
            }
            if oq.answers != q.answers || oq.text != q.text || oq.title != q.title {
                summary.questions_changed += 1;
                changed = true;
            } else {
                summary.questions_unchanged += 1;
            }
        }
        if changed {
            summary.meetings_changed += 1;
        } else {
            summary.meetings_unchanged += 1;
        }
    }

    write::replace_corpus(&opts.corpus, |dir| {
        for m in imported.values() {
            write::meeting(dir, m)?;
        }
        for (id, entries) in &new_revisions {
            write::add_revisions(dir, id, entries)?;
        }
        fetcher.cache.save(dir)
    })?;
    summary.fetch = fetcher.stats;
    Ok(summary)
}

/// The live corpus's meetings; none for a corpus that has only its vocabularies yet.
fn live_meetings(dir: &Path) -> Result<Vec<Meeting>> {
    let meetings = dir.join("meetings");
    let has_any = match std::fs::read_dir(&meetings) {
        Ok(entries) => entries.filter_map(|e| e.ok()).any(|e| e.path().extension().is_some_and(|x| x == "md")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(ImportError::io(&meetings, e)),
    };
    if has_any {
        Ok(Corpus::load(dir)?.meetings)
    } else {
        Ok(Vec::new())
    }
}

/// A `--from` value → the listing's source, the base for its links and the host it may use.
fn resolve(raw: &str) -> Result<(Source, Url, String)> {
    if raw.starts_with("http://") || raw.starts_with("https://") {
        let url = Url::parse(raw).map_err(|_| ImportError::BadSource(raw.to_string()))?;
        let host = url.host_str().ok_or_else(|| ImportError::BadSource(raw.to_string()))?.to_string();
        return Ok((Source::Http(url.clone()), url, host));
    }
    let path = Path::new(raw);
    let file = if path.is_dir() { path.join("index.html") } else { path.to_path_buf() };
    if !file.is_file() {
        return Err(ImportError::BadSource(raw.to_string()));
    }
    let base = Url::parse(SAVED_PAGES_BASE).expect("a constant URL parses");
    let host = base.host_str().unwrap_or_default().to_string();
    Ok((Source::File(file), base, host))
}

/// One article → one meeting, every answer's unit mapped through `units.txt`.
fn meeting(link: &ListingLink, article: &Article, vocab: &Vocabulary) -> Result<Meeting> {
    let url = link.url.to_string();
    if article.items.is_empty() {
        return Err(ImportError::NoItems { url });
    }
    let kind = kind_of(&link.place);
    let slug = slug(&link.place);
    // The slug is lowercase ASCII words by construction, so the id always parses.
    let id: MeetingId = format!("{}-{slug}", crate::corpus::format_date(link.date))
        .parse()
        .map_err(|_| ImportError::BadSource(url.clone()))?;
    let district = match vocab.place_district(&slug) {
        Some(d) => d,
        None if kind != MeetingKind::Dzielnica => "Cały Kraków".parse().expect("a district"),
        None => district_of(&link.place).ok_or_else(|| ImportError::District {
            url: url.clone(),
            title: link.title.clone(),
            slug: slug.clone(),
        })?,
    };
    let mut questions = Vec::with_capacity(article.items.len());
    for (i, item) in article.items.iter().enumerate() {
        let n = item.number;
        let item_err = |reason: String| ImportError::Item { url: url.clone(), item: n, reason };
        if n as usize != i + 1 {
            return Err(item_err(format!("expected item {} here: items must be numbered 1, 2, ...", i + 1)));
        }
        if item.answers.is_empty() {
            return Err(item_err("no answer (no paragraph led by a unit abbreviation and a colon)".into()));
        }
        let mut answers = Vec::with_capacity(item.answers.len());
        for a in &item.answers {
            if a.paragraphs.is_empty() {
                return Err(item_err(format!("the answer of {} has no text", a.abbreviations.join(", "))));
            }
            // A joint answer is each unit's answer: every unit is credited in the facets.
            for abbreviation in &a.abbreviations {
                let department = vocab.unit(abbreviation).ok_or_else(|| ImportError::UnknownUnit {
                    url: url.clone(),
                    item: n,
                    abbreviation: abbreviation.clone(),
                })?;
                answers.push(Answer { department, text: a.paragraphs.join("\n\n") });
            }
        }
        let text = item.question.join("\n\n");
        questions.push(Question {
            id: QuestionId { meeting: id.clone(), n },
            title: short_title(&item.question[0]),
            text,
            answers,
            district: district.clone(),
            topics: Vec::new(),
            revisions: Vec::new(),
        });
    }
    Ok(Meeting {
        id,
        title: link.title.clone(),
        date: link.date,
        place: link.place.clone(),
        district,
        kind,
        source: TextSource::KrakowPl,
        url: Some(url),
        dok_id: html::dok_id(&link.url),
        updated: article.updated,
        lead: article.lead.clone().unwrap_or_default(),
        questions,
    })
}

/// The kind of meeting its listing wording names; district meetings name a place.
fn kind_of(place: &str) -> MeetingKind {
    let p = place.to_lowercase();
    if p.contains("online") {
        MeetingKind::Online
    } else if p.contains("uczni") {
        MeetingKind::Uczniowie
    } else if p.contains("student") {
        MeetingKind::Studenci
    } else if p.contains("senior") {
        MeetingKind::Seniorzy
    } else if p.contains("festiwal") || p.contains("piknik") || p.contains("wydarzeni") {
        MeetingKind::Wydarzenie
    } else {
        MeetingKind::Dzielnica
    }
}

/// ASCII letters for Polish ones, lowercase.
fn fold(s: &str) -> String {
    crate::analysis::fold_polish(&s.to_lowercase())
}

/// Prepositions the listing puts before a place.
const PREPOSITIONS: [&str; 6] = ["w", "we", "z", "ze", "na", "o"];

/// The place's words, folded, without a leading preposition, at most five: `bronowicach-wielkich`.
fn slug(place: &str) -> String {
    let folded = fold(place);
    let mut words: Vec<String> =
        folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    if words.len() > 1 && PREPOSITIONS.contains(&words[0].as_str()) {
        words.remove(0);
    }
    words.truncate(5);
    if words.is_empty() {
        "spotkanie".to_string()
    } else {
        words.join("-")
    }
}

/// The district whose name's words best match the place's (inflected) words, by their first five
/// letters: "w Podgórzu Duchackim" → Dzielnica XI Podgórze Duchackie, not XIII Podgórze.
fn district_of(place: &str) -> Option<District> {
    const STEM: usize = 5;
    let stems = |s: &str| -> Vec<String> {
        fold(s)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 4)
            .map(|w| w.chars().take(STEM).collect())
            .collect()
    };
    let place_stems = stems(place);
    // Most words matched, then fewest of the district's words left unmatched.
    let mut best: Option<((usize, std::cmp::Reverse<usize>), &str)> = None;
    for name in &crate::corpus::DISTRICTS[..18] {
        let words: Vec<&str> = name.split_whitespace().skip(2).collect();
        let district_stems = stems(&words.join(" "));
        let hits = district_stems.iter().filter(|s| place_stems.contains(s)).count();
        let score = (hits, std::cmp::Reverse(district_stems.len() - hits));
        if hits > 0 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, name));
        }
    }
    best.and_then(|(_, name)| name.parse().ok())
}

/// The question's first sentence, cut at a word boundary: the item has no title of its own.
fn short_title(question: &str) -> String {
    const MAX: usize = 90;
    let end = question
        .char_indices()
        .find(|(i, c)| matches!(c, '.' | '?' | '!') && question[i + c.len_utf8()..].starts_with(' '));
    let sentence = match end {
        Some((i, c)) => &question[..i + c.len_utf8()],
        None => question,
    };
    if sentence.chars().count() <= MAX {
        return sentence.to_string();
    }
    let mut out = String::new();
    for word in sentence.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > MAX {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_kinds_from_the_listing_wording() {
        assert_eq!(slug("w Bronowicach Wielkich"), "bronowicach-wielkich");
        assert_eq!(slug("online"), "online");
        assert_eq!(
            slug("z uczniami XIII Liceum Ogólnokształcącego im. Orląt"),
            "uczniami-xiii-liceum-ogolnoksztalcacego-im"
        );
        assert_eq!(kind_of("z uczniami XIII Liceum"), MeetingKind::Uczniowie);
        assert_eq!(kind_of("na festiwalu Bulwar Sztuki"), MeetingKind::Wydarzenie);
        assert_eq!(kind_of("ze studentami"), MeetingKind::Studenci);
        assert_eq!(kind_of("w Bieżanowie"), MeetingKind::Dzielnica);
    }

    #[test]
    fn districts_from_inflected_places() {
        let d = |p: &str| district_of(p).map(|d| d.to_string());
        assert_eq!(d("w Podgórzu Duchackim").as_deref(), Some("Dzielnica XI Podgórze Duchackie"));
        assert_eq!(d("w Podgórzu").as_deref(), Some("Dzielnica XIII Podgórze"));
        assert_eq!(d("w Bieżanowie").as_deref(), Some("Dzielnica XII Bieżanów-Prokocim"));
        assert_eq!(d("w Bronowicach Wielkich").as_deref(), Some("Dzielnica VI Bronowice"));
        assert_eq!(d("w Opatkowicach"), None);
    }

    #[test]
    fn titles_are_the_first_sentence() {
        assert_eq!(short_title("Czy powstanie chodnik? Dzieci chodzą poboczem."), "Czy powstanie chodnik?");
        let long = "Słowo ".repeat(40);
        let t = short_title(long.trim());
        assert!(t.ends_with('…') && t.chars().count() <= 91, "{t}");
    }
}
