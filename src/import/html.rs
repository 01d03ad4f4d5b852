//! Reading krakow.pl's pages (`../shared/notes/krakow-pages.md`) with an HTML parser: the listing
//! of meetings and one meeting's article.
//!
//! The pages' exact markup is not known to the project, only their rendered text and its order,
//! so the article is read as the browser shows it: a sequence of text blocks (paragraphs, list
//! items, headings, accordion buttons) in document order, with menus, headers, footers and
//! scripts left out. Items are heading-like blocks (a heading, an accordion button, a `<summary>`,
//! a `<dt>`, a wholly bold paragraph, or an element classed or roled as an accordion trigger)
//! numbered `N. `; when a page has none, plain blocks numbered 1, 2, 3, ... in turn. Answers are
//! the paragraphs led by a unit abbreviation and a colon, and unprefixed paragraphs belong to the
//! unit before them. An unnumbered heading after the last item ends the questions. A `div` that
//! holds other blocks is read through them, so text written directly in it beside them is not read.

use scraper::{ElementRef, Html, Node, Selector};
use time::{Date, Month};
use url::Url;

/// One link of the listing: a meeting's article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingLink {
    /// The link text without the date: `Spotkanie w Bronowicach Wielkich`.
    pub title: String,
    /// What follows `Spotkanie`: `w Bronowicach Wielkich`, `online`, `z uczniami ...`.
    pub place: String,
    /// The date in the link text.
    pub date: Date,
    /// The article, resolved against the listing's address.
    pub url: Url,
}

/// One article as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// The heading.
    pub heading: String,
    /// The lead sentence (the first paragraph that gives a date), if any.
    pub lead: Option<String>,
    /// The date in the lead.
    pub date: Option<Date>,
    /// The "stan na `<date>`" stamp.
    pub updated: Option<Date>,
    /// The numbered items, in page order.
    pub items: Vec<Item>,
}

/// One numbered item: the resident's question and the answers under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The number as written.
    pub number: u32,
    /// The question's paragraphs.
    pub question: Vec<String>,
    /// The answers in order, each led by its unit abbreviation.
    pub answers: Vec<RawAnswer>,
}

/// An answer as read: the abbreviations that lead it and its paragraphs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAnswer {
    /// `ZDMK`, `TŁ`, ...: one, or several for a joint answer (`ZDMK i ZTP: ...`).
    pub abbreviations: Vec<String>,
    /// The paragraphs, the first without its prefix.
    pub paragraphs: Vec<String>,
}

const MONTHS: [&str; 12] = [
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
];

/// The first `<day> <month in the genitive> <year>` in a text.
pub fn polish_date(text: &str) -> Option<Date> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(3).find_map(|w| {
        let day: u8 = w[0].trim_end_matches('.').parse().ok()?;
        let month = MONTHS.iter().position(|m| w[1].eq_ignore_ascii_case(m))?;
        let year = w[2].trim_end_matches(['.', 'r']);
        if year.len() != 4 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        Date::from_calendar_date(year, Month::try_from(month as u8 + 1).ok()?, day).ok()
    })
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("a constant selector parses")
}

/// Whitespace-collapsed text of an element, with `<br>` read as a space and control characters
/// (`&#1;`, a stray NUL: never text, and `lawka check` refuses them in a corpus) left out.
fn text_of(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    for node in el.descendants() {
        match node.value() {
            Node::Text(t) => out.extend(t.chars().filter(|c| !c.is_control() || c.is_whitespace())),
            Node::Element(e) if e.name() == "br" => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements whose contents are never page text.
const HIDDEN: [&str; 9] = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"];
/// Elements read as one block of text each (a `div` only when it holds no other block).
const BLOCKS: [&str; 15] =
    ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "button", "summary", "dt", "dd", "td", "th", "div"];
/// Class-name parts of accordion triggers in common CMS markup (`accordion-header`, `toggle`, ...).
const TRIGGER_CLASSES: [&str; 6] = ["head", "title", "toggle", "trigger", "question", "pytani"];
/// Of those, the ones that can open an item.
const HEADING_LIKE: [&str; 9] = ["h1", "h2", "h3", "h4", "h5", "h6", "button", "summary", "dt"];

fn is_hidden(el: ElementRef<'_>) -> bool {
    el.ancestors().any(|n| n.value().as_element().is_some_and(|e| HIDDEN.contains(&e.name())))
}

/// Reads the listing: every link worded `Spotkanie <where> (<date> r.)`, in page order, each
/// resolved against `base`.
pub fn listing(html: &str, base: &Url) -> Vec<ListingLink> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for a in doc.select(&selector("a[href]")) {
        if is_hidden(a) {
            continue;
        }
        let text = text_of(a);
        let Some(rest) = text.strip_prefix("Spotkanie ") else { continue };
        let Some((place, tail)) = rest.rsplit_once('(') else { continue };
        let Some(date) = polish_date(tail) else { continue };
        let Some(href) = a.value().attr("href") else { continue };
        let Ok(url) = base.join(href.trim()) else { continue };
        let place = place.trim().to_string();
        out.push(ListingLink { title: format!("Spotkanie {place}"), place, date, url });
    }
    out
}

/// A block of the article's text.
struct Block {
    text: String,
    heading_like: bool,
    /// A real heading (`h2`..`h6`), which ends the questions when it is not numbered.
    heading: bool,
}

/// Whether an element or one of its two nearest ancestors looks like an accordion trigger.
fn looks_like_trigger(el: ElementRef<'_>) -> bool {
    std::iter::once(el).chain(el.ancestors().filter_map(ElementRef::wrap)).take(3).any(|e| {
        let v = e.value();
        let role = v.attr("role").is_some_and(|r| matches!(r, "button" | "heading" | "tab"));
        let class = v.attr("class").unwrap_or("").to_ascii_lowercase();
        role || TRIGGER_CLASSES.iter().any(|c| class.contains(c))
    })
}

fn blocks(doc: &Html) -> Vec<Block> {
    let all = selector(&BLOCKS.join(", "));
    let mut out = Vec::new();
    for el in doc.select(&all) {
        if is_hidden(el) {
            continue;
        }
        // A block holding other blocks is read through them, so no text is read twice.
        let holds_blocks =
            el.descendants().skip(1).any(|n| n.value().as_element().is_some_and(|e| BLOCKS.contains(&e.name())));
        if holds_blocks {
            continue;
        }
        let text = text_of(el);
        if text.is_empty() {
            continue;
        }
        let name = el.value().name();
        let wholly_bold = name == "p" && {
            let children: Vec<ElementRef<'_>> = el.children().filter_map(ElementRef::wrap).collect();
            children.len() == 1 && matches!(children[0].value().name(), "strong" | "b") && text_of(children[0]) == text
        };
        // A list item stays one, so an answer's list reads as a list in the corpus.
        let text = if name == "li" { format!("- {text}") } else { text };
        let heading_like = HEADING_LIKE.contains(&name) || wholly_bold || looks_like_trigger(el);
        out.push(Block { text, heading_like, heading: matches!(name, "h2" | "h3" | "h4" | "h5" | "h6") });
    }
    out
}

/// `N. text` → (N, text).
fn numbered(text: &str) -> Option<(u32, &str)> {
    let (n, rest) = text.split_once('.')?;
    if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) || !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim();
    (!rest.is_empty()).then(|| (n.parse().ok(), rest)).and_then(|(n, r)| Some((n?, r)))
}

/// `ZDMK: text` → (`[ZDMK]`, text); a joint answer `ZDMK i ZTP: text` or `ZDMK, ZTP: text` gives
/// both. An abbreviation is 2 to 8 capital letters (Polish ones too).
pub fn unit_prefix(text: &str) -> Option<(Vec<&str>, &str)> {
    let (lead, rest) = text.split_once(':')?;
    let shaped = |a: &str| {
        let n = a.chars().count();
        (2..=8).contains(&n) && a.chars().all(|c| c.is_uppercase() && c.is_alphabetic())
    };
    let abbrs: Vec<&str> =
        lead.split([',', '/']).flat_map(|p| p.split(" i ")).map(str::trim).filter(|a| !a.is_empty()).collect();
    (!abbrs.is_empty() && abbrs.len() <= 4 && abbrs.iter().all(|a| shaped(a))).then(|| (abbrs, rest.trim()))
}

/// Whether a block heads the questions ("Pytania i odpowiedzi", "Pytania, poruszone tematy i
/// odpowiedzi").
fn is_questions_heading(text: &str) -> bool {
    let t = text.to_lowercase();
    t.starts_with("pytania i odpowiedzi") || t.starts_with("pytania, poruszone tematy i odpowiedzi")
}

/// Reads an article.
pub fn article(html: &str) -> Article {
    let doc = Html::parse_document(html);
    let heading = doc.select(&selector("h1")).find(|h| !is_hidden(*h)).map(text_of).unwrap_or_default();
    let blocks = blocks(&doc);
    let mut lead = None;
    let mut date = None;
    let mut updated = None;
    let mut start = None;
    for (i, block) in blocks.iter().enumerate() {
        if let Some(at) = block.text.find("stan na ") {
            updated = updated.or_else(|| polish_date(&block.text[at..]));
        }
        if is_questions_heading(&block.text) {
            start = Some(i + 1);
            break;
        }
        if lead.is_none() && !block.heading_like {
            if let Some(d) = polish_date(&block.text) {
                lead = Some(block.text.clone());
                date = Some(d);
            }
        }
    }
    let questions = start.map_or(&blocks[..0], |s| &blocks[s..]);
    let mut items = read_items(questions, true);
    if items.is_empty() {
        // The markup gives no trigger element: take plain blocks numbered 1, 2, 3, ... in turn.
        items = read_items(questions, false);
    }
    Article { heading, lead, date, updated, items }
}

/// The numbered items of the blocks after the questions heading. Strict: only heading-like
/// blocks open an item; otherwise any block numbered with the next number does.
fn read_items(blocks: &[Block], strict: bool) -> Vec<Item> {
    let opens = |block: &Block, opened: usize| -> Option<(u32, String)> {
        if strict && !block.heading_like {
            return None;
        }
        let (number, question) = numbered(&block.text)?;
        (strict || number as usize == opened + 1).then(|| (number, question.to_string()))
    };
    // An unnumbered heading after the last item ("Zobacz także") ends the questions; one before
    // it is part of an answer.
    let mut opened = 0;
    let mut last_open = 0;
    for (i, block) in blocks.iter().enumerate() {
        if opens(block, opened).is_some() {
            opened += 1;
            last_open = i;
        }
    }
    let mut items: Vec<Item> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let text = &block.text;
        if let Some((number, question)) = opens(block, items.len()) {
            items.push(Item { number, question: vec![question], answers: Vec::new() });
            continue;
        }
        if block.heading && i > last_open {
            break;
        }
        let Some(item) = items.last_mut() else { continue };
        match unit_prefix(text) {
            Some((abbrs, rest)) => item.answers.push(RawAnswer {
                abbreviations: abbrs.into_iter().map(str::to_string).collect(),
                paragraphs: if rest.is_empty() { Vec::new() } else { vec![rest.to_string()] },
            }),
            None => match item.answers.last_mut() {
                Some(a) => a.paragraphs.push(text.clone()),
                None => item.question.push(text.clone()),
            },
        }
    }
    items
}

/// The city's document number in any of an article's URL forms: `/start/<id>,artykul,<slug>.html`,
/// `/dzielnice/<id>,artykul,<slug>.html`, `get_html.php?dok_id=<id>`, `getHtml/?dok_id=<id>`.
pub fn dok_id(url: &Url) -> Option<u64> {
    if let Some((_, v)) = url.query_pairs().find(|(k, _)| k == "dok_id") {
        return v.parse().ok();
    }
    let last = url.path_segments()?.next_back()?;
    let (id, rest) = last.split_once(',')?;
    rest.starts_with("artykul,").then(|| id.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_corpus_text() {
        let doc = Html::parse_fragment("<p>Dziura&#1; na\tBalickiej&#27;[31m<br>i&#127; obok</p>");
        let p = doc.select(&selector("p")).next().unwrap();
        assert_eq!(text_of(p), "Dziura na Balickiej[31m i obok");
    }

    #[test]
    fn dates_in_polish() {
        let d = polish_date("Spotkanie w Bronowicach (24 czerwca 2024 r.)").unwrap();
        assert_eq!(d, Date::from_calendar_date(2024, Month::June, 24).unwrap());
        let d = polish_date("aktualizacja: stan na 12 sierpnia 2025 r.):").unwrap();
        assert_eq!(d, Date::from_calendar_date(2025, Month::August, 12).unwrap());
        assert!(polish_date("31 lutego 2025 r.").is_none());
        assert!(polish_date("24 czerwiec 2024").is_none());
    }

    #[test]
    fn every_url_form_gives_the_document_number() {
        for u in [
            "https://www.krakow.pl/start/290478,artykul,biezanow.html",
            "https://www.krakow.pl/dzielnice/290478,artykul,biezanow.html",
            "https://www.krakow.pl/get_html.php?dok_id=290478",
            "https://www.krakow.pl/getHtml/?dok_id=290478",
        ] {
            assert_eq!(dok_id(&Url::parse(u).unwrap()), Some(290478), "{u}");
        }
        assert_eq!(dok_id(&Url::parse("https://www.krakow.pl/start/aktualnosci.html").unwrap()), None);
    }

    #[test]
    fn unit_prefixes_are_capital_abbreviations() {
        assert_eq!(unit_prefix("TŁ: Spółka informuje"), Some((vec!["TŁ"], "Spółka informuje")));
        assert_eq!(unit_prefix("ZDMK : tak"), Some((vec!["ZDMK"], "tak")));
        assert_eq!(unit_prefix("ZDMK i ZTP: wspólnie"), Some((vec!["ZDMK", "ZTP"], "wspólnie")));
        assert_eq!(unit_prefix("ZDMK, ZTP/ZZM: razem"), Some((vec!["ZDMK", "ZTP", "ZZM"], "razem")));
        assert_eq!(unit_prefix("ZDMK i Wydział: nie"), None);
        assert_eq!(unit_prefix("Uwaga: to nie jednostka"), None);
        assert_eq!(unit_prefix("Linia 50: co 10 minut"), None);
        assert_eq!(unit_prefix("A: za krótkie"), None);
    }

    #[test]
    fn items_answers_and_continuations() {
        let html = "<html><body><nav><ul><li><button>1. Menu</button></li></ul></nav><main>\
            <h1>„Ławka dialogu” w Bieżanowie – pytania i odpowiedzi</h1>\
            <p>29 listopada 2024 r. odbyło się spotkanie z mieszkańcami Bieżanowa.</p>\
            <p>Pytania i odpowiedzi (aktualizacja: stan na 12 sierpnia 2025 r.):</p>\
            <p>(Odpowiedź pojawi się po kliknięciu na wybrane pytanie)</p>\
            <div><h3><button>1. Czy powstanie chodnik? Dzieci chodzą poboczem.</button></h3>\
            <div><p>ZDMK: Chodnik jest w planach.</p><ul><li>etap 1: 2026</li></ul><p>ZTP: Autobus<br>pojedzie.</p></div></div>\
            <div><h3><button>2. Drugie</button></h3><div><p>GS: Tak.</p></div></div>\
            </main><footer><p>Kontakt: UMK</p></footer></body></html>";
        let a = article(html);
        assert_eq!(a.heading, "„Ławka dialogu” w Bieżanowie – pytania i odpowiedzi");
        assert_eq!(a.date, Date::from_calendar_date(2024, Month::November, 29).ok());
        assert_eq!(a.updated, Date::from_calendar_date(2025, Month::August, 12).ok());
        assert_eq!(a.items.len(), 2);
        assert_eq!(a.items[0].question, vec!["Czy powstanie chodnik? Dzieci chodzą poboczem."]);
        assert_eq!(a.items[0].answers.len(), 2);
        assert_eq!(a.items[0].answers[0].paragraphs, vec!["Chodnik jest w planach.", "- etap 1: 2026"]);
        assert_eq!(a.items[0].answers[1].paragraphs, vec!["Autobus pojedzie."]);
        assert_eq!(a.items[1].answers[0].abbreviations, vec!["GS"]);
        assert_eq!(a.items[1].answers[0].paragraphs, vec!["Tak."]);
    }

    #[test]
    fn div_accordions_numbered_paragraphs_and_the_end_of_the_questions() {
        let html = "<main><p>Pytania i odpowiedzi (aktualizacja: stan na 1 marca 2025 r.):</p>\
            <div class=\"acc\"><div class=\"acc-title\"><a href=\"#\">1. Pierwsze pytanie?</a></div>\
            <div class=\"acc-content\"><p>ZTP: Odpowiedź pierwsza.</p><h4>Stan prac</h4><p>Trwa projektowanie.</p></div></div>\
            <div class=\"acc\"><div class=\"acc-title\">2. Drugie pytanie?</div><div class=\"acc-content\"><p>GS: Druga.</p><p>2. etap w 2026 r.</p></div></div>\
            <h2>Zobacz także</h2><p>Inne spotkania</p></main>";
        let a = article(html);
        assert_eq!(a.items.len(), 2);
        assert_eq!(a.items[0].answers[0].paragraphs, vec!["Odpowiedź pierwsza.", "Stan prac", "Trwa projektowanie."]);
        assert_eq!(a.items[1].answers[0].paragraphs, vec!["Druga.", "2. etap w 2026 r."]);

        let plain = "<main><p>Pytania i odpowiedzi:</p><p>1. Czy będzie park?</p><p>ZZM: Tak.</p>\
            <p>2. Czy będzie ławka?</p><p>ZZM: Tak, dwie.</p><p>1. etap: projekt.</p></main>";
        let a = article(plain);
        assert_eq!(a.items.len(), 2);
        assert_eq!(a.items[1].answers[0].paragraphs, vec!["Tak, dwie.", "1. etap: projekt."]);
    }
}
