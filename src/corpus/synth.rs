//! A synthetic corpus of any size, for benchmarks: meetings spread over 2024–2030 in every
//! district, with questions and answers made of sentences sampled from a real corpus, so that
//! words keep their Polish inflection and their frequencies follow the source's Zipf curve.
//! Deterministic for a seed (ChaCha8). Every file is valid per `corpus/FORMAT.md`.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration};

use super::model::{format_date, MeetingKind};
use super::vocab::DISTRICTS;
use super::Corpus;

/// Questions per meeting, on average (the demo corpus has about 12).
const QUESTIONS_PER_MEETING: usize = 12;

/// What a synthesis wrote.
#[derive(Clone, Debug)]
pub struct SynthSummary {
    /// Meeting files.
    pub meetings: usize,
    /// Questions in them.
    pub questions: usize,
}

/// Sentences of a text (split after `.`, `?`, `!` followed by a space).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '?' | '!') && bytes.get(i + 1) == Some(&b' ') {
            let s = text[start..=i].trim();
            if s.chars().count() > 15 {
                out.push(s.to_string());
            }
            start = i + 2;
        }
    }
    let tail = text[start.min(text.len())..].trim();
    if tail.chars().count() > 15 {
        out.push(tail.to_string());
    }
    out
}

/// Pools of material sampled from the source corpus.
struct Pools {
    titles: Vec<String>,
    places: Vec<String>,
    question_sentences: Vec<String>,
    /// Answer sentences per department name.
    answers: Vec<(String, Vec<String>)>,
    topics: Vec<String>,
}

impl Pools {
    fn new(source: &Corpus) -> Pools {
        let mut titles = Vec::new();
        let mut places = Vec::new();
        let mut question_sentences = Vec::new();
        let mut answers: Vec<(String, Vec<String>)> = Vec::new();
        for m in &source.meetings {
            if !places.contains(&m.place) {
                places.push(m.place.clone());
            }
            for q in &m.questions {
                titles.push(q.title.clone());
                question_sentences.extend(sentences(&q.text.replace("\n\n", " ")));
                for a in &q.answers {
                    let name = a.department.to_string();
                    let found = sentences(&a.text.replace("\n\n", " "));
                    match answers.iter_mut().find(|(d, _)| *d == name) {
                        Some((_, v)) => v.extend(found),
                        None => answers.push((name, found)),
                    }
                }
            }
        }
        answers.retain(|(_, v)| !v.is_empty());
        Pools { titles, places, question_sentences, answers, topics: source.vocabulary.topics().to_vec() }
    }
}

/// Writes a corpus of about `questions` questions into `out` (which must not exist or be empty),
/// with `departments.txt` and `topics.txt` copied from the source.
pub fn synthesize(
    source_dir: &Path,
    source: &Corpus,
    questions: usize,
    seed: u64,
    out: &Path,
) -> io::Result<SynthSummary> {
    let pools = Pools::new(source);
    if pools.titles.is_empty() || pools.question_sentences.is_empty() || pools.answers.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the source corpus has no questions to sample"));
    }
    std::fs::create_dir_all(out.join("meetings"))?;
    if std::fs::read_dir(out.join("meetings"))?.next().is_some() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} already holds meetings", out.display())));
    }
    for list in ["departments.txt", "topics.txt"] {
        std::fs::copy(source_dir.join(list), out.join(list))?;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = Date::from_calendar_date(2024, time::Month::January, 1).expect("valid date");
    let days = (Date::from_calendar_date(2030, time::Month::December, 31).expect("valid date") - first).whole_days();
    let meetings = questions.div_ceil(QUESTIONS_PER_MEETING).max(1);
    let mut written = 0;
    for k in 0..meetings {
        // Evenly spread dates, so that every month of 2024–2030 has meetings.
        let date = first + Duration::days(days * k as i64 / meetings as i64);
        let remaining = questions - written;
        let n = if k + 1 == meetings { remaining } else { remaining.min(QUESTIONS_PER_MEETING) }.max(1);
        let district = DISTRICTS[rng.random_range(0..DISTRICTS.len())];
        let place = pools.places.choose(&mut rng).map(String::as_str).unwrap_or("Kraków");
        let kind =
            MeetingKind::ALL[if district == "Cały Kraków" { rng.random_range(1..MeetingKind::ALL.len()) } else { 0 }];
        let id = format!("{}-synth-{k}", format_date(date));
        let mut text = format!(
            "---\ntitle: Spotkanie {k} ({place})\ndate: {}\nplace: {place}\ndistrict: {district}\nkind: {}\nsource: synthetic\n---\n\n\
             Syntetyczne spotkanie wygenerowane do testów wydajności.\n",
            format_date(date),
            kind.as_str()
        );
        for i in 1..=n {
            let title = pools.titles.choose(&mut rng).map(String::as_str).unwrap_or("Pytanie");
            let _ = write!(text, "\n## {i}. {title}\n\n**Pytanie:**");
            for _ in 0..rng.random_range(2..=5) {
                let _ =
                    write!(text, " {}", pools.question_sentences.choose(&mut rng).map(String::as_str).unwrap_or(""));
            }
            text.push('\n');
            for _ in 0..rng.random_range(1..=2) {
                let (department, pool) = &pools.answers[rng.random_range(0..pools.answers.len())];
                let _ = write!(text, "\n**Odpowiedź ({department}):**");
                for _ in 0..rng.random_range(3..=6) {
                    let _ = write!(text, " {}", pool.choose(&mut rng).map(String::as_str).unwrap_or(""));
                }
                text.push('\n');
            }
            if !pools.topics.is_empty() {
                let mut chosen: Vec<&str> = Vec::new();
                for _ in 0..rng.random_range(1..=2) {
                    let t = pools.topics[rng.random_range(0..pools.topics.len())].as_str();
                    if !chosen.contains(&t) {
                        chosen.push(t);
                    }
                }
                let _ = writeln!(text, "\n**Tematy:** {}", chosen.join(", "));
            }
        }
        std::fs::write(out.join("meetings").join(format!("{id}.md")), text)?;
        written += n;
    }
    Ok(SynthSummary { meetings, questions: written })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_after_punctuation() {
        let s =
            sentences("Pierwsze zdanie jest tutaj. Czy drugie też jest długie? Krótkie. Ostatnie zdanie bez kropki");
        assert_eq!(s, vec!["Pierwsze zdanie jest tutaj.", "Czy drugie też jest długie?", "Ostatnie zdanie bez kropki"]);
    }

    #[test]
    fn synthetic_corpus_is_valid_deterministic_and_sized() {
        let source_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let source = Corpus::load(&source_dir).unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let summary = synthesize(&source_dir, &source, 250, 7, a.path()).unwrap();
        synthesize(&source_dir, &source, 250, 7, b.path()).unwrap();
        assert_eq!(summary.questions, 250);
        let loaded = Corpus::load(a.path()).expect("the synthetic corpus passes the strict parser");
        assert_eq!(loaded.question_count(), 250);
        let file = |d: &Path| std::fs::read_to_string(d.join("meetings/2024-01-01-synth-0.md")).unwrap();
        assert_eq!(file(a.path()), file(b.path()), "same seed, same corpus");
        let years: std::collections::BTreeSet<i32> = loaded.meetings.iter().map(|m| m.date.year()).collect();
        assert_eq!(years.into_iter().collect::<Vec<_>>(), (2024..=2030).collect::<Vec<_>>());
        assert!(synthesize(&source_dir, &source, 10, 7, a.path()).is_err(), "never writes over a corpus");
    }
}
