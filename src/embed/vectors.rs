//! The vector file: one embedding per question and one per paragraph of its answers, keyed by id
//! (`<meeting>/<n>`, and `<meeting>/<n>#<k>` for the k-th paragraph of its answers) and by the hash
//! of the text that was embedded, so a rebuild embeds only what changed.
//!
//! Layout (little-endian), version 1:
//!
//! ```text
//! "LAWKAVEC"  u32 version  u32 dim  u32 count  u16 len + model id (UTF-8)
//! count × { u16 len + question id (UTF-8), 32-byte blake3 of the passage text, dim × f16 }
//! 32-byte blake3 of everything above
//! ```
//!
//! Half floats halve the file (~850 KB for the 320 demo questions and their 727 answer
//! paragraphs) and move cosines by ~1e-3, far below the gaps that order a ranking. The trailing hash turns a damaged file into an error
//! rather than wrong neighbours.

use std::collections::HashMap;
use std::path::Path;

use half::f16;

use super::{EmbedError, Result};

const MAGIC: &[u8; 8] = b"LAWKAVEC";
const VERSION: u32 = 1;

/// How many words of a question's title and text are embedded.
///
/// Answers are left out and the question is cut because e5's cost on one CPU thread grows with the
/// text (~0.3 s for a 110-token question, over a second for one with its long answers); the title
/// and the first 90 words (~128 XLM-R tokens of Polish; every demo question fits, median 111
/// tokens, max 147) say what the question asks, which is what a query matches.
pub const PASSAGE_WORDS: usize = 90;

/// How many words of one paragraph of an answer are embedded: the demo corpus's paragraphs have 61
/// words at the median, and a paragraph says one thing, which is what a query about it matches.
pub const ANSWER_PASSAGE_WORDS: usize = 120;

/// Between a question's id and the number of one of its answers' paragraphs in a vector id.
const ANSWER_MARK: char = '#';

/// The blake3 hash of an embedded text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The hash of `text`.
    pub fn of(text: &str) -> ContentHash {
        ContentHash(*blake3::hash(text.as_bytes()).as_bytes())
    }
}

/// Longest word given to the model, in characters; a longer one is cut. The corpus's longest has
/// 29 (`psychologiczno-pedagogicznych`), but a blob pasted without spaces went to the model's
/// tokenizer whole: one word of 10,000 letters took 23 s of `lawka embed`, one of 20,000 held
/// `lawka index` for 47 s.
pub const MAX_PASSAGE_WORD_CHARS: usize = 64;

/// `word` cut to [`MAX_PASSAGE_WORD_CHARS`] characters.
fn clipped(word: &str) -> &str {
    match word.char_indices().nth(MAX_PASSAGE_WORD_CHARS) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// The text embedded for a question: its title, then the first words of its text, up to
/// [`PASSAGE_WORDS`] words in all, each cut to `MAX_PASSAGE_WORD_CHARS` characters.
pub fn passage_text(title: &str, text: &str) -> String {
    let words: Vec<&str> =
        title.split_whitespace().chain(text.split_whitespace()).take(PASSAGE_WORDS).map(clipped).collect();
    words.join(" ")
}

/// A text to embed: a question, or one paragraph of its answers.
#[derive(Clone, Debug)]
pub struct Passage {
    /// The question id (`<meeting>/<n>`), or that of one of its answers' paragraphs
    /// (`<meeting>/<n>#<k>`, see [`passage_owner`]).
    pub id: String,
    /// The text to embed ([`passage_text`], or a paragraph cut to [`ANSWER_PASSAGE_WORDS`]).
    pub text: String,
}

/// What is embedded for one question: its title and text ([`passage_text`]), then every
/// paragraph of its answers, in order (blank ones skipped), each cut to [`ANSWER_PASSAGE_WORDS`].
/// The answers are embedded apart from the question: a query may ask what only an answer says
/// (the fee, the programme, the unit), and one vector for a question with its long answers would
/// blur what the question asks.
pub fn passages_of<'a>(id: &str, title: &str, text: &str, answers: impl IntoIterator<Item = &'a str>) -> Vec<Passage> {
    let question = Passage { id: id.to_string(), text: passage_text(title, text) };
    let paragraphs = answers
        .into_iter()
        .flat_map(|a| a.split("\n\n"))
        .map(|p| p.split_whitespace().take(ANSWER_PASSAGE_WORDS).map(clipped).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty());
    let answers = paragraphs.enumerate().map(|(k, text)| Passage { id: format!("{id}{ANSWER_MARK}{}", k + 1), text });
    std::iter::once(question).chain(answers).collect()
}

/// The question a vector id belongs to, and whether the vector is one of its answers' paragraphs
/// (`2025-04-10-kliny/9#2` → (`2025-04-10-kliny/9`, true)).
pub fn passage_owner(id: &str) -> (&str, bool) {
    match id.split_once(ANSWER_MARK) {
        Some((question, _)) => (question, true),
        None => (id, false),
    }
}

/// The vectors of one model (of questions and their answers' paragraphs), in the order inserted.
#[derive(Clone, Debug)]
pub struct Vectors {
    model: String,
    dim: usize,
    ids: Vec<String>,
    hashes: Vec<ContentHash>,
    /// `ids.len() × dim`, row-major, each row L2-normalised.
    data: Vec<f32>,
    by_id: HashMap<String, usize>,
}

impl Vectors {
    /// An empty set for `model`, of vectors `dim` long.
    pub fn new(model: &str, dim: usize) -> Vectors {
        Vectors {
            model: model.to_string(),
            dim,
            ids: Vec::new(),
            hashes: Vec::new(),
            data: Vec::new(),
            by_id: HashMap::new(),
        }
    }

    /// The model the vectors come from.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The length of each vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// How many vectors.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids (of questions and of their answers' paragraphs), in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// The row of `id`, if it has a vector (see [`Vectors::row_at`]).
    pub fn row_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The vector of `id` (a question, or one of its answers' paragraphs).
    pub fn get(&self, id: &str) -> Option<&[f32]> {
        self.by_id.get(id).map(|&i| self.row(i))
    }

    /// The vector of `id` if it was computed from a text with hash `hash`.
    pub fn get_fresh(&self, id: &str, hash: ContentHash) -> Option<&[f32]> {
        self.by_id.get(id).filter(|&&i| self.hashes[i] == hash).map(|&i| self.row(i))
    }

    /// Adds (or replaces) the vector of `id`; it is normalised here, so cosines are dot products.
    ///
    /// # Panics
    /// If `vector` is not [`Vectors::dim`] long: a caller mixing models is a bug.
    pub fn insert(&mut self, id: &str, hash: ContentHash, vector: &[f32]) {
        assert_eq!(vector.len(), self.dim, "vector length");
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        let row = vector.iter().map(|x| x * scale);
        match self.by_id.get(id) {
            Some(&i) => {
                self.hashes[i] = hash;
                for (slot, x) in self.data[i * self.dim..(i + 1) * self.dim].iter_mut().zip(row) {
                    *slot = x;
                }
            }
            None => {
                self.by_id.insert(id.to_string(), self.ids.len());
                self.ids.push(id.to_string());
                self.hashes.push(hash);
                self.data.extend(row);
            }
        }
    }

    /// The `k` ids (of questions or their answers' paragraphs) closest to `query` (cosine,
    /// highest first; ties by id) among those `filter` accepts. A query of another length than
    /// [`Vectors::dim`] matches nothing.
    ///
    /// Brute force: one dot product per vector is ~0.1 ms for the demo corpus and a few ms at
    /// 10^4 questions. At 10^7 (the distributed engine) this becomes an ANN index (HNSW or IVF-PQ)
    /// per shard.
    pub fn nearest(&self, query: &[f32], k: usize, filter: impl Fn(&str) -> bool) -> Vec<(&str, f32)> {
        if query.len() != self.dim || k == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(&str, f32)> = self
            .ids
            .iter()
            .enumerate()
            .filter(|(_, id)| filter(id))
            .map(|(i, id)| (id.as_str(), dot(self.row(i), query)))
            .collect();
        let by_score = |a: &(&str, f32), b: &(&str, f32)| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0));
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, by_score);
            scored.truncate(k);
        }
        scored.sort_unstable_by(by_score);
        scored
    }

    /// Every vector with the hash of the text it was computed from.
    pub fn by_content(&self) -> impl Iterator<Item = (ContentHash, &[f32])> {
        self.hashes.iter().enumerate().map(|(i, h)| (*h, self.row(i)))
    }

    /// The vector at `row` (see [`Vectors::row_of`]).
    pub fn row_at(&self, row: usize) -> &[f32] {
        self.row(row)
    }

    /// The id at `row`.
    pub fn id_at(&self, row: usize) -> &str {
        &self.ids[row]
    }

    fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.ids.len() * (40 + 2 * self.dim));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&u32::try_from(self.dim).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&u32::try_from(self.ids.len()).unwrap_or(u32::MAX).to_le_bytes());
        put_str(&mut out, &self.model);
        for (i, id) in self.ids.iter().enumerate() {
            put_str(&mut out, id);
            out.extend_from_slice(&self.hashes[i].0);
            for x in self.row(i) {
                out.extend_from_slice(&f16::from_f32(*x).to_le_bytes());
            }
        }
        let sum = blake3::hash(&out);
        out.extend_from_slice(sum.as_bytes());
        out
    }

    /// Parses a file's bytes; `path` only names it in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Vectors> {
        let bad = |reason: &str| EmbedError::BadVectors { path: path.to_path_buf(), reason: reason.to_string() };
        let (body, sum) = bytes.split_at_checked(bytes.len().saturating_sub(32)).ok_or_else(|| bad("truncated"))?;
        if body.len() < MAGIC.len() || &body[..MAGIC.len()] != MAGIC {
            return Err(bad("not a Ławka vector file"));
        }
        if blake3::hash(body).as_bytes() != sum {
            return Err(bad("checksum mismatch (damaged or truncated)"));
        }
        let mut r = Reader { rest: &body[MAGIC.len()..] };
        let version = r.u32().ok_or_else(|| bad("truncated"))?;
        if version != VERSION {
            return Err(bad(&format!("version {version}, this Ławka reads {VERSION}")));
        }
        let dim = r.u32().ok_or_else(|| bad("truncated"))? as usize;
        let count = r.u32().ok_or_else(|| bad("truncated"))? as usize;
        let model = r.str().ok_or_else(|| bad("bad model id"))?;
        let mut v = Vectors::new(&model, dim);
        let mut row = vec![0f32; dim];
        for _ in 0..count {
            let id = r.str().ok_or_else(|| bad("bad question id"))?;
            let hash =
                ContentHash(r.take(32).ok_or_else(|| bad("truncated"))?.try_into().map_err(|_| bad("truncated"))?);
            let raw = r.take(2 * dim).ok_or_else(|| bad("truncated"))?;
            for (slot, h) in row.iter_mut().zip(raw.chunks_exact(2)) {
                *slot = f16::from_le_bytes([h[0], h[1]]).to_f32();
            }
            if v.by_id.contains_key(&id) {
                return Err(bad(&format!("question {id} twice")));
            }
            v.insert(&id, hash, &row);
        }
        if !r.rest.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(v)
    }

    /// Reads the vector file at `path`.
    pub fn read(path: &Path) -> Result<Vectors> {
        let bytes = std::fs::read(path).map_err(|error| EmbedError::Io { path: path.to_path_buf(), error })?;
        Vectors::from_bytes(&bytes, path)
    }

    /// Writes the file atomically: a temp file in the same directory, synced, then renamed over
    /// `path`, so a reader sees the old file or the new one, never half of one.
    pub fn write(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let io = |error| EmbedError::Io { path: path.to_path_buf(), error };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&self.to_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(io)?;
        Ok(())
    }
}

/// The dot product of two vectors (their cosine, both being normalised). Eight running sums, so
/// the compiler can keep them in one SIMD register: a single sum must add in order and is not
/// vectorised, and a search scans every question's and answer paragraph's vector twice.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8.remainder().iter().zip(b8.remainder()).map(|(x, y)| x * y).sum();
    let mut sums = [0.0f32; 8];
    for (x, y) in a8.zip(b8) {
        for i in 0..8 {
            sums[i] += x[i] * y[i];
        }
    }
    sums.iter().sum::<f32>() + tail
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Ids and model names are short; a longer one is cut at a char boundary rather than
    // written with a wrong length.
    let mut end = s.len().min(usize::from(u16::MAX));
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<String> {
        let len = u16::from_le_bytes(self.take(2)?.try_into().ok()?);
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }
}

/// What [`update`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpdateStats {
    /// Vectors taken over from the old file (same text, same model).
    pub reused: usize,
    /// Vectors computed now.
    pub embedded: usize,
    /// Old ids no longer among the texts (their question or paragraph is gone, or moved).
    pub dropped: usize,
}

/// The vectors of `passages`, in their order: each one reused from `old` when its model matches
/// and a vector of `old` was computed from the same text (under its id first, else under any:
/// a paragraph moved by one inserted before it, or a question renumbered, keeps its vector),
/// else computed by `embed` (called only for those). Texts of `old` that are no longer among
/// `passages` are dropped.
pub fn update<E>(
    old: Option<&Vectors>,
    model: &str,
    dim: usize,
    passages: &[Passage],
    mut embed: impl FnMut(&Passage) -> std::result::Result<Vec<f32>, E>,
) -> std::result::Result<(Vectors, UpdateStats), E> {
    let old = old.filter(|o| o.model == model && o.dim == dim);
    let by_content: HashMap<ContentHash, usize> =
        old.map(|o| o.hashes.iter().enumerate().map(|(i, h)| (*h, i)).collect()).unwrap_or_default();
    let mut out = Vectors::new(model, dim);
    let mut stats = UpdateStats::default();
    for p in passages {
        let hash = ContentHash::of(&p.text);
        let reused = old.and_then(|o| o.get_fresh(&p.id, hash).or_else(|| by_content.get(&hash).map(|&i| o.row(i))));
        match reused {
            Some(v) => {
                out.insert(&p.id, hash, v);
                stats.reused += 1;
            }
            None => {
                let v = embed(p)?;
                out.insert(&p.id, hash, &v);
                stats.embedded += 1;
            }
        }
    }
    stats.dropped = old.map_or(0, |o| o.ids().filter(|id| !out.by_id.contains_key(*id)).count());
    Ok((out, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stand-in for the model: the text's bytes folded into a 4-dim vector.
    fn fake(text: &str) -> Vec<f32> {
        let mut v = vec![0.1f32; 4];
        for (i, b) in text.bytes().enumerate() {
            v[i % 4] += f32::from(b) / 255.0;
        }
        v
    }

    fn passages(texts: &[(&str, &str)]) -> Vec<Passage> {
        texts.iter().map(|(id, t)| Passage { id: id.to_string(), text: t.to_string() }).collect()
    }

    #[test]
    fn the_dot_product_adds_every_pair_whatever_the_length() {
        for n in [0, 3, 8, 13, 384] {
            let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
            let b: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 * 0.01).collect();
            let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - plain).abs() <= 1e-3 * plain.abs().max(1.0), "{n}: {} vs {plain}", dot(&a, &b));
        }
    }

    #[test]
    fn a_question_is_embedded_with_each_paragraph_of_its_answers_apart() {
        let long = "słowo ".repeat(300);
        let answers = [
            "Zarząd Zieleni Miejskiej informuje, że wybieg powstanie wiosną.\n\nKoszt: 120 tys. zł.",
            "\n\n",
            long.as_str(),
        ];
        let passages = passages_of("2025-02-04-czyzyny/7", "Wybieg dla psów", "Gdzie wyprowadzać psa?", answers);
        let ids: Vec<&str> = passages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            ["2025-02-04-czyzyny/7", "2025-02-04-czyzyny/7#1", "2025-02-04-czyzyny/7#2", "2025-02-04-czyzyny/7#3"],
            "blank paragraphs are skipped, the rest numbered across the answers"
        );
        assert_eq!(passages[0].text, "Wybieg dla psów Gdzie wyprowadzać psa?");
        assert_eq!(passages[2].text, "Koszt: 120 tys. zł.");
        assert_eq!(passages[3].text.split(' ').count(), ANSWER_PASSAGE_WORDS);
        assert_eq!(passage_owner("2025-02-04-czyzyny/7#2"), ("2025-02-04-czyzyny/7", true));
        assert_eq!(passage_owner("2025-02-04-czyzyny/7"), ("2025-02-04-czyzyny/7", false));
        assert_eq!(passages_of("x/1", "T", "Q", []).len(), 1, "a question without answers: its own text");
    }

    #[test]
    fn the_passage_is_the_title_then_the_first_words_of_the_question() {
        assert_eq!(
            passage_text("Dziura  w jezdni", "Na ulicy\nKrakusa jest\tdziura."),
            "Dziura w jezdni Na ulicy Krakusa jest dziura."
        );
        let long = "słowo ".repeat(500);
        assert_eq!(passage_text("Tytuł", &long).split(' ').count(), PASSAGE_WORDS);
        // A blob without spaces reaches the model cut, in the question and in an answer.
        let blob = "ż".repeat(20_000);
        let text = format!("Dziura {blob} w jezdni");
        let cut = format!("Dziura {} w jezdni", "ż".repeat(MAX_PASSAGE_WORD_CHARS));
        assert_eq!(passage_text("T", &text), format!("T {cut}"));
        assert_eq!(passages_of("x/1", "T", "Q", [text.as_str()])[1].text, cut);
        assert_eq!(passage_text("psychologiczno-pedagogicznych", ""), "psychologiczno-pedagogicznych");
    }

    #[test]
    fn a_file_round_trips_and_rejects_damage() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("v.e5");
        let mut v = Vectors::new("m", 4);
        v.insert("2024-06-24-bronowice-wielkie/7", ContentHash::of("wycinka"), &[3.0, 4.0, 0.0, 0.0]);
        v.insert("2025-04-03-bienczyce/3", ContentHash::of("dziura"), &[0.0, 0.0, 1.0, 1.0]);
        v.write(&path).unwrap();
        let back = Vectors::read(&path).unwrap();
        assert_eq!(back.model(), "m");
        assert_eq!(back.len(), 2);
        assert_eq!(back.ids().collect::<Vec<_>>(), vec!["2024-06-24-bronowice-wielkie/7", "2025-04-03-bienczyce/3"]);
        // Normalised on insert, and f16 keeps three decimals.
        let got = back.get("2024-06-24-bronowice-wielkie/7").unwrap();
        assert!((got[0] - 0.6).abs() < 1e-3 && (got[1] - 0.8).abs() < 1e-3, "{got:?}");
        assert!(back.get_fresh("2025-04-03-bienczyce/3", ContentHash::of("dziura")).is_some());
        assert!(back.get_fresh("2025-04-03-bienczyce/3", ContentHash::of("dziury")).is_none());
        assert!(back.get("2025-04-03-bienczyce/4").is_none());

        let mut bytes = std::fs::read(&path).unwrap();
        let reason = |bytes: &[u8]| match Vectors::from_bytes(bytes, &path) {
            Err(EmbedError::BadVectors { reason, .. }) => reason,
            other => panic!("expected BadVectors, got {other:?}"),
        };
        assert!(reason(&bytes[..bytes.len() - 1]).contains("checksum"));
        assert!(reason(b"short").contains("truncated") || reason(b"short").contains("not a"));
        assert!(reason(b"{\"json\": true, \"padding\": \"................\"}").contains("not a Ławka"));
        bytes[40] ^= 1;
        assert!(reason(&bytes).contains("checksum"));
        assert!(matches!(Vectors::read(&tmp.path().join("none")), Err(EmbedError::Io { .. })));
    }

    #[test]
    fn nearest_ranks_by_cosine_breaks_ties_by_id_and_applies_the_filter() {
        let mut v = Vectors::new("m", 2);
        v.insert("c", ContentHash::of("c"), &[1.0, 0.0]);
        v.insert("a", ContentHash::of("a"), &[0.0, 1.0]);
        v.insert("b", ContentHash::of("b"), &[1.0, 0.0]);
        v.insert("d", ContentHash::of("d"), &[1.0, 1.0]);
        let ids = |hits: Vec<(&str, f32)>| hits.into_iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(v.nearest(&[1.0, 0.0], 3, |_| true)), ["b", "c", "d"]);
        assert_eq!(ids(v.nearest(&[1.0, 0.0], 10, |id| id != "b")), ["c", "d", "a"]);
        let top = v.nearest(&[0.0, 1.0], 1, |_| true);
        assert_eq!(top[0].0, "a");
        assert!((top[0].1 - 1.0).abs() < 1e-6);
        assert!(v.nearest(&[1.0, 0.0, 0.0], 3, |_| true).is_empty(), "a vector of another model");
        assert!(v.nearest(&[1.0, 0.0], 0, |_| true).is_empty());
    }

    #[test]
    fn a_rebuild_embeds_only_new_and_changed_questions() {
        let first =
            passages(&[("m/1", "Dziura w jezdni na Krakusa"), ("m/2", "Wycinka drzew"), ("m/3", "Korki na Alejach")]);
        let mut calls = Vec::new();
        let (v1, s1) = update::<()>(None, "m", 4, &first, |p| {
            calls.push(p.id.clone());
            Ok(fake(&p.text))
        })
        .unwrap();
        assert_eq!(s1, UpdateStats { reused: 0, embedded: 3, dropped: 0 });
        assert_eq!(calls, ["m/1", "m/2", "m/3"]);

        // m/2 edited, m/3 removed, m/4 new: only m/2 and m/4 are embedded again.
        let second =
            passages(&[("m/1", "Dziura w jezdni na Krakusa"), ("m/2", "Wycinka starych drzew"), ("m/4", "Śmieci")]);
        calls.clear();
        let (v2, s2) = update::<()>(Some(&v1), "m", 4, &second, |p| {
            calls.push(p.id.clone());
            Ok(fake(&p.text))
        })
        .unwrap();
        assert_eq!(s2, UpdateStats { reused: 1, embedded: 2, dropped: 1 });
        assert_eq!(calls, ["m/2", "m/4"]);
        assert_eq!(v2.ids().collect::<Vec<_>>(), ["m/1", "m/2", "m/4"]);
        assert_eq!(v2.get("m/1"), v1.get("m/1"));
        assert_ne!(v2.get("m/2"), v1.get("m/2"));

        // A paragraph inserted before m/1's answer moves it to #2: its text keeps its vector.
        let third = passages(&[
            ("m/1", "Dziura w jezdni na Krakusa"),
            ("m/1#1", "Nowy akapit"),
            ("m/1#2", "Wycinka starych drzew"),
            ("m/4", "Śmieci"),
        ]);
        calls.clear();
        let (v3, s3) = update::<()>(Some(&v2), "m", 4, &third, |p| {
            calls.push(p.id.clone());
            Ok(fake(&p.text))
        })
        .unwrap();
        assert_eq!(calls, ["m/1#1"], "only the new text");
        assert_eq!(s3, UpdateStats { reused: 3, embedded: 1, dropped: 1 });
        assert_eq!(v3.get("m/1#2"), v2.get("m/2"));

        // Another model's vectors are never reused.
        let (_, s3) = update::<()>(Some(&v2), "other", 4, &second, |p| Ok(fake(&p.text))).unwrap();
        assert_eq!(s3.embedded, 3);
        // A failure of the model stops the update.
        assert_eq!(update(Some(&v2), "other", 4, &second, |_| Err("no model")).unwrap_err(), "no model");
    }
}
