//! Residents' and journalists' features over real HTTP: related questions, suggestions, histogram,
//! exports, the Atom feed and the pages for people.

use std::str::FromStr;

use serde_json::Value;

use crate::common::{client, corpus, enc, hit_ids, shared};

fn get_text(path: &str) -> (u16, String, String) {
    let resp = client().get(shared().url(path)).send().unwrap();
    let status = resp.status().as_u16();
    let ctype = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ctype, resp.text().unwrap())
}

#[test]
fn related_never_contains_the_question_and_respects_the_limit() {
    for (i, (_, q)) in corpus().questions().enumerate() {
        let limit = 1 + i % 7;
        let body = shared().get_ok(&format!("/api/questions/{}/related?limit={limit}", q.id));
        assert_eq!(body["id"], q.id.to_string());
        let ids: Vec<&str> = body["related"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert!(!ids.contains(&q.id.to_string().as_str()), "{} relates to itself", q.id);
        assert!(ids.len() <= limit && !ids.is_empty(), "{}: {} related for limit {limit}", q.id, ids.len());
    }
    for bad in ["limit=0", "limit=21", "limit=pięć", "foo=1"] {
        let (status, _) = shared().get(&format!("/api/questions/2024-06-24-bronowice-wielkie/7/related?{bad}"));
        assert_eq!(status, 400, "{bad}");
    }
    assert_eq!(shared().get("/api/questions/2024-06-24-bronowice-wielkie/999/related").0, 404);
}

/// Pairs of questions about the same concrete problem asked at different meetings, picked by
/// reading the corpus: each is among the other's five most related, both ways.
const SAME_PROBLEM: [(&str, &str); 14] = [
    ("2024-09-10-grzegorzki/10", "2025-04-03-bienczyce/8"), // squealing trams
    ("2025-07-18-bulwar-sztuki/10", "2026-03-04-seniorzy/2"), // high steps in old trams
    ("2024-10-15-krowodrza-gorka/9", "2026-03-03-iii-lo/3"), // a skatepark
    ("2024-10-15-krowodrza-gorka/5", "2025-02-18-podgorze-duchackie/5"), // fourth floor, no lift
    ("2024-06-24-bronowice-wielkie/12", "2024-11-26-biezanow/4"), // Park&Ride full
    ("2024-10-29-wzgorza-krzeslawickie/12", "2025-09-04-mistrzejowice/9"), // a swimming pool
    ("2025-02-18-podgorze-duchackie/9", "2025-06-25-lagiewniki-borek-falecki/13"), // burning rubbish
    ("2025-02-18-podgorze-duchackie/6", "2025-04-03-bienczyce/12"), // school pitch locked
    ("2024-06-27-opatkowice/5", "2025-04-10-kliny/10"),     // flooded cellars
    ("2024-11-26-biezanow/13", "2025-04-10-kliny/7"),       // A4 motorway noise
    ("2025-10-21-pradnik-czerwony/11", "2025-11-25-bronowice/10"), // community cats
    ("2024-09-10-grzegorzki/8", "2024-12-12-podgorze/9"),   // abandoned scooters
    ("2025-05-22-studenci/7", "2025-10-21-pradnik-czerwony/10"), // psychological help
    ("2024-06-24-bronowice-wielkie/3", "2025-03-18-zwierzyniec/13"), // cesspits, no sewer
];

#[test]
fn related_finds_the_same_problem_from_other_meetings() {
    let mut misses = Vec::new();
    for (a, b) in SAME_PROBLEM {
        for (seed, partner) in [(a, b), (b, a)] {
            let body = shared().get_ok(&format!("/api/questions/{seed}/related?limit=5"));
            let ids: Vec<&str> =
                body["related"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
            if !ids.contains(&partner) {
                misses.push(format!("{seed} -> {partner}: {ids:?}"));
            }
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

#[test]
fn related_to_free_text_answers_was_this_asked() {
    let body = shared()
        .get_ok(&format!("/api/related?q={}", enc("Na naszym osiedlu ktoś pali w piecu śmieciami i śmierdzi dymem")));
    let ids: Vec<&str> = body["related"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"2025-02-18-podgorze-duchackie/9") || ids.contains(&"2025-06-25-lagiewniki-borek-falecki/13"),
        "{ids:?}"
    );
    assert_eq!(shared().get("/api/related").0, 400);
    assert_eq!(shared().get("/api/related?q=%20").0, 400);
    assert_eq!(shared().get(&format!("/api/related?q={}", "a".repeat(5001))).0, 400);
}

#[test]
fn suggestions_complete_prefixes_with_or_without_polish_letters() {
    for prefix in ["tram", "tramw", "parkow", "zielen"] {
        let body = shared().get_ok(&format!("/api/suggest?q={prefix}"));
        let completions: Vec<&str> =
            body["completions"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert!(!completions.is_empty(), "{prefix}: {body}");
        assert!(completions.len() <= 8);
        for c in &completions {
            assert!(lawka::analysis::fold_polish(c).starts_with(prefix), "{prefix} -> {c}");
        }
        assert!(!body["questions"].as_array().unwrap().is_empty(), "{prefix}: {body}");
    }
    let zielen = shared().get_ok("/api/suggest?q=zielen");
    assert!(zielen["completions"].as_array().unwrap().iter().any(|c| c == "zieleń"), "{zielen}");
    let phrase = shared().get_ok(&format!("/api/suggest?q={}&limit=3", enc("dziury na bal")));
    assert!(phrase["completions"][0].as_str().unwrap().starts_with("dziury na bal"), "{phrase}");
    let empty = shared().get_ok("/api/suggest?q=");
    assert_eq!(empty["completions"].as_array().unwrap().len(), 0);
    assert_eq!(shared().get("/api/suggest?q=tram&limit=0").0, 400);
}

#[test]
fn histogram_buckets_add_up_to_the_search_total() {
    for query in
        ["", "q=drzewa", "q=tramwaj&district=Dzielnica%20XV%20Mistrzejowice", "topic=parkowanie&from=2025-01-01"]
    {
        let total = shared().get_ok(&format!("/api/search?{query}"))["total"].as_u64().unwrap();
        for interval in ["month", "year"] {
            let h = shared().get_ok(&format!("/api/histogram?interval={interval}&{query}"));
            let buckets = h["buckets"].as_array().unwrap();
            let sum: u64 = buckets.iter().map(|b| b["count"].as_u64().unwrap()).sum();
            assert_eq!(sum, total, "{interval} {query}");
            let keys: Vec<&str> = buckets.iter().map(|b| b["key"].as_str().unwrap()).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "time order: {keys:?}");
            let len = if interval == "month" { 7 } else { 4 };
            assert!(keys.iter().all(|k| k.len() == len), "{keys:?}");
        }
    }
    assert_eq!(shared().get("/api/histogram?interval=week").0, 400);
}

#[test]
fn histogram_months_and_years_are_the_corpus_questions_per_meeting_date() {
    // Counted in one pass from the facet values read per generation; here against the corpus
    // itself, for every question and for a topic since a date (a filter of the year facet's own).
    let (topic, from) = ("parkowanie", "2025-01-01");
    type Keep = Box<dyn Fn(&lawka::corpus::Meeting, &lawka::corpus::Question) -> bool>;
    let cases: [(String, Keep); 2] = [
        (String::new(), Box::new(|_, _| true)),
        (
            format!("topic={}&from={from}", enc(topic)),
            Box::new(move |m, q| {
                lawka::corpus::format_date(m.date).as_str() >= from && q.topics.iter().any(|t| t.as_str() == topic)
            }),
        ),
    ];
    for (query, keep) in &cases {
        for (interval, len) in [("month", 7), ("year", 4)] {
            let mut expected: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
            for (m, _) in corpus().questions().filter(|(m, q)| keep(m, q)) {
                *expected.entry(lawka::corpus::format_date(m.date)[..len].to_string()).or_default() += 1;
            }
            assert!(expected.len() > 1, "the test needs matches in more than one {interval}");
            let h = shared().get_ok(&format!("/api/histogram?interval={interval}&{query}"));
            let got: std::collections::BTreeMap<String, u64> = h["buckets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| (b["key"].as_str().unwrap().to_string(), b["count"].as_u64().unwrap()))
                .collect();
            assert_eq!(got, expected, "{interval} {query}");
        }
    }
}

#[test]
fn csv_export_has_every_match_and_parses_back() {
    let filter =
        format!("q=drzewa&district={}&district={}", enc("Dzielnica VI Bronowice"), enc("Dzielnica XVIII Nowa Huta"));
    let total = shared().get_ok(&format!("/api/search?{filter}"))["total"].as_u64().unwrap();
    let (status, ctype, text) = get_text(&format!("/api/export.csv?{filter}"));
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/csv"), "{ctype}");
    let body = text.strip_prefix('\u{feff}').expect("UTF-8 BOM for spreadsheets");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    // The contract's ten columns in its order, then where each row comes from.
    assert_eq!(
        headers,
        ["id", "date", "meeting", "district", "departments", "topics", "title", "url", "question", "answers", "source"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() as u64, total);
    assert!(total > 1);
    for row in &rows {
        let q = shared().get_ok(&format!("/api/questions/{}", &row[0]));
        assert_eq!(&row[6], q["title"].as_str().unwrap());
        assert_eq!(&row[8], q["question"].as_str().unwrap(), "quotes, commas and newlines survive");
        assert!(["Dzielnica VI Bronowice", "Dzielnica XVIII Nowa Huta"].contains(&&row[3]));
        assert_eq!(&row[7], format!("/q/{}", &row[0]));
        assert_eq!(&row[10], q["source"].as_str().unwrap(), "demo rows say they are demo text");
    }
    // The page's export links keep its order.
    let (_, _, page) = get_text(&format!("/?{filter}&sort=date_asc"));
    let csv_link = page.split("href=\"/api/export.csv?").nth(1).expect("the CSV link");
    assert!(csv_link[..csv_link.find('"').unwrap()].contains("sort=date_asc"));
    // All matches, not one page.
    let (_, _, all) = get_text("/api/export.csv");
    assert_eq!(
        csv::Reader::from_reader(all.trim_start_matches('\u{feff}').as_bytes()).records().count(),
        corpus().question_count()
    );
}

#[test]
fn json_export_has_every_match() {
    let total = shared().get_ok("/api/search?q=hałas")["total"].as_u64().unwrap();
    let (status, ctype, text) = get_text(&format!("/api/export.json?q={}", enc("hałas")));
    assert_eq!((status, ctype.as_str()), (200, "application/json"));
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(rows.len() as u64, total);
    assert!(rows.iter().all(|r| r["answers"].as_array().is_some_and(|a| !a.is_empty())));
    assert_eq!(shared().get("/api/export.json?limit=abc").0, 400);
}

#[test]
fn feed_is_valid_atom_newest_first() {
    let (status, ctype, text) = get_text(&format!("/feed.atom?q={}", enc("drzewa")));
    assert_eq!(status, 200);
    assert!(ctype.starts_with("application/atom+xml"), "{ctype}");
    let feed = atom_syndication::Feed::from_str(&text).expect("parses as Atom");
    assert!(!feed.id().is_empty() && feed.title().value.contains("drzewa"));
    assert!(feed.links().iter().any(|l| l.rel() == "self"));
    let total = shared().get_ok("/api/search?q=drzewa")["total"].as_u64().unwrap();
    assert_eq!(feed.entries().len() as u64, total.min(50));
    let dates: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for e in feed.entries() {
        assert!(e.id().contains("/q/") && !e.title().value.is_empty());
        assert!(e.links().iter().any(|l| l.href().ends_with(e.id().rsplit("/q/").next().unwrap())));
        // A reader shows one entry at a time: each says it is demo text.
        let content = e.content().and_then(|c| c.value()).unwrap_or_default();
        assert!(content.starts_with("Dane demonstracyjne"), "{content:.80}");
    }
    assert!(feed.subtitle().is_some_and(|s| s.value.contains("Dane demonstracyjne")));
}

#[test]
fn pages_render_in_polish_and_escape_what_people_type() {
    let hostile = "<script>alert(1)</script>";
    for path in [
        format!("/?q={}", enc(hostile)),
        format!("/stats?q={}", enc(hostile)),
        format!("/q/{}", enc(hostile)),
        format!("/?q={}&district={}", enc("tramwaj"), enc(hostile)),
        format!("/nie-ma/{}", enc(hostile)),
    ] {
        let (status, ctype, html) = get_text(&path);
        assert!(ctype.starts_with("text/html"), "{path}: {ctype}");
        assert!([200, 400, 404].contains(&status), "{path}: {status}");
        assert!(!html.contains(hostile), "{path} echoes the script unescaped");
        assert!(!html.to_lowercase().contains("<script>alert"), "{path}");
        assert!(html.contains("lang=\"pl\""));
    }
    let (status, _, home) = get_text("/");
    assert_eq!(status, 200);
    assert!(home.contains("Czego szukasz?") && home.contains("Dane demonstracyjne") && home.contains("<label"));
    let (status, _, results) = get_text(&format!("/?q={}", enc("dziury w jezdni")));
    assert_eq!(status, 200);
    assert!(results.contains("<mark>") && results.contains("Dzielnica") && results.contains("Jednostka miejska"));
    let first = hit_ids(&shared().get_ok(&format!("/api/search?q={}", enc("dziury w jezdni"))))[0].clone();
    assert!(results.contains(&format!("href=\"/q/{first}\"")));
    let (status, _, page) = get_text(&format!("/q/{first}"));
    assert_eq!(status, 200);
    assert!(page.contains("Podobne pytania") && page.contains("Odpowiedź:"));
    let (status, _, meetings) = get_text("/meetings");
    assert_eq!(status, 200);
    for m in &corpus().meetings {
        assert!(meetings.contains(m.id.as_str()), "{} listed", m.id);
    }
    let (status, _, stats) = get_text(&format!("/stats?district={}", enc("Dzielnica XVI Bieńczyce")));
    assert_eq!(status, 200);
    assert!(stats.contains("<svg") && stats.contains("Tematy"));
    let (status, _, bad) = get_text("/?limit=1000");
    assert_eq!(status, 400);
    assert!(bad.contains("role=\"alert\""));
    assert_eq!(get_text("/q/2024-06-24-bronowice-wielkie/999").0, 404);
    assert_eq!(get_text("/static/app.js").0, 200);
    assert_eq!(get_text("/static/../Cargo.toml").0, 404);
}

#[test]
fn already_asked_page_lists_questions_on_the_same_problem() {
    // The home page offers the box; a sentence typed into it (no JavaScript) lands on /zapytaj.
    let (status, _, home) = get_text("/");
    assert_eq!(status, 200);
    assert!(home.contains("Czy ktoś już o to pytał?") && home.contains(r#"action="/zapytaj""#), "{home}");
    // After a search the box gives way to the results.
    assert!(!get_text("/?q=tramwaj").2.contains(r#"action="/zapytaj""#));

    let sentence = "Na osiedlu sąsiad pali w piecu śmieciami i cały dym idzie nam do okien";
    let (status, ctype, page) = get_text(&format!("/zapytaj?tresc={}", enc(sentence)));
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"));
    assert!(page.contains(">Na osiedlu sąsiad pali w piecu"), "the text stays in the box");
    let listed = |id: &str| page.contains(&format!(r#"href="/q/{id}""#));
    assert!(
        listed("2025-02-18-podgorze-duchackie/9") || listed("2025-06-25-lagiewniki-borek-falecki/13"),
        "a question on burning rubbish is listed: {page}"
    );
    // The page lists exactly what /api/related answers for the same text, in the same order.
    let api = shared().get_ok(&format!("/api/related?q={}&limit=8", enc(sentence)));
    let positions: Vec<usize> = api["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| page.find(&format!(r#"href="{}""#, r["url"].as_str().unwrap())).expect("listed on the page"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    // Hostile and oversized text: escaped, and a clear 400 page.
    let (status, _, page) = get_text(&format!("/zapytaj?tresc={}", enc("<script>alert(1)</script> śmieci")));
    assert_eq!(status, 200);
    assert!(!page.to_lowercase().contains("<script>alert"), "the text is escaped");
    assert!(page.contains("alert(1)"), "and still shown");
    let (status, _, page) = get_text(&format!("/zapytaj?tresc={}", "a".repeat(5001)));
    assert_eq!(status, 400);
    assert!(page.contains("dłuższy niż"), "{page}");
}

#[test]
fn text_typed_with_unusual_spaces_or_control_characters_gets_an_answer_or_a_400_never_a_500() {
    // A non-breaking space (pasted text, Option+Space on a Mac) before the word being typed: it is
    // completed like after an ordinary space.
    let body = shared().get_ok("/api/suggest?q=dziury%C2%A0na%C2%A0bal");
    let first = body["completions"][0].as_str().unwrap_or_default();
    assert!(first.starts_with("dziury\u{a0}na bal"), "{body}");
    for spaced in ["a%C2%85b", "tramwaj%E3%80%80Mistrz", "tramwaj%E2%80%A8"] {
        assert_eq!(shared().get(&format!("/api/suggest?q={spaced}")).0, 200, "{spaced}");
    }
    // Control characters are refused as the search refuses them, with the parameter named.
    for path in ["/api/related?q=dziury%00", "/api/related?q=dziury%1F", "/api/suggest?q=tram%00"] {
        let (status, body) = shared().get(path);
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_q")), "{path}: {body}");
    }
    let (status, _, page) = get_text("/zapytaj?tresc=dym%00z%20komina");
    assert_eq!(status, 400);
    assert!(page.contains("znaki sterujące") && page.contains("dymz komina"), "{page}");
    // One interval, as every single-valued parameter.
    let (status, body) = shared().get("/api/histogram?interval=month&interval=year");
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_interval")), "{body}");
}

#[test]
fn a_description_as_long_as_related_takes_reaches_it_in_polish() {
    // Half the corpus's questions take 1.64 bytes a character or more, percent-encoded; this one 1.73.
    let sentence = "Sąsiad zza płotu pali w piecu śmieciami, plastikiem i starymi meblami; gęsty, żółty dym \
                    wchodzi przez okna, dzieci kaszlą, a straż miejska nie przyjeżdża. ";
    let mut text = String::new();
    while text.chars().count() + sentence.chars().count() <= 5_000 {
        text.push_str(sentence);
    }
    let encoded = enc(text.trim_end());
    assert!(encoded.len() > 8 * 1024, "percent-encoded Polish takes more bytes than characters: {}", encoded.len());
    let body = shared().get_ok(&format!("/api/related?q={encoded}"));
    let ids: Vec<&str> = body["related"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(
        ids.contains(&"2025-02-18-podgorze-duchackie/9") || ids.contains(&"2025-06-25-lagiewniki-borek-falecki/13"),
        "{ids:?}"
    );
}

#[test]
fn a_long_description_in_ukrainian_reaches_the_already_asked_page() {
    // Every Cyrillic letter takes 6 bytes percent-encoded: at 16 KiB of address a Ukrainian
    // description stopped at about 2,700 of the 5,000 characters the form allows.
    let sentence = "Сусід за парканом палить у печі сміття і пластик, густий жовтий дим заходить у вікна, \
                    діти кашляють, а міська варта не приїжджає. ";
    let mut text = String::new();
    while text.chars().count() + sentence.chars().count() <= 5_000 {
        text.push_str(sentence);
    }
    let encoded = enc(text.trim_end());
    assert!(encoded.len() > 16 * 1024, "{}", encoded.len());
    let (status, ctype, page) = get_text(&format!("/zapytaj?tresc={encoded}"));
    assert_eq!(status, 200, "{}", &page[..page.len().min(300)]);
    assert!(ctype.starts_with("text/html") && page.contains("Najbardziej podobne pytania"));
    // Past the bound a page answers with a page, in Polish; the API with its JSON.
    let (status, ctype, page) = get_text(&format!("/zapytaj?tresc={}", "a".repeat(40_000)));
    assert_eq!(status, 414);
    assert!(ctype.starts_with("text/html") && page.contains("Za długi tekst"), "{ctype}");
    let (status, body) = shared().get(&format!("/api/related?q={}", "a".repeat(40_000)));
    assert_eq!((status, body["error"]["code"].as_str()), (414, Some("uri_too_long")));
}

#[test]
fn a_path_that_is_not_utf8_or_a_parameter_no_route_takes_is_a_json_400_and_a_404_page_for_people() {
    for path in ["/api/questions/%FF/1", "/api/questions/%C3%28/1/related", "/static/%FF"] {
        let (status, body) = shared().get(path);
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_encoding")), "{path}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("UTF-8")), "{body}");
    }
    // Routes without parameters refuse one as every other route refuses an unknown one.
    for path in ["/api/questions/2024-06-24-bronowice-wielkie/1?limit=5", "/api/meetings?limit=abc"] {
        let (status, body) = shared().get(path);
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("unknown_parameter")), "{path}: {body}");
    }
    let (status, ctype, page) = get_text("/q/%FF/1");
    assert_eq!(status, 404);
    assert!(ctype.starts_with("text/html") && page.contains("Nie znaleziono"), "{page}");
}

/// The value the page's `<select name="…">` sends: its selected option, else its first.
fn selected_option(html: &str, name: &str) -> String {
    let start = html.find(&format!("<select name=\"{name}\"")).expect("the select");
    let select = &html[start..start + html[start..].find("</select>").expect("closed")];
    let options: Vec<&str> = select.split("<option ").skip(1).collect();
    let chosen = options.iter().find(|o| o.contains(" selected")).or(options.first()).expect("options");
    chosen.split('"').nth(1).expect("a value").to_string()
}

/// The questions a results page links to, in order.
fn page_hits(html: &str) -> Vec<String> {
    let results = &html[html.find("class=\"hits\"").expect("a result list")..];
    results.split("<h3><a href=\"/q/").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[test]
fn a_query_typed_into_the_home_page_is_ranked_by_relevance() {
    // The home page lists the newest questions; its form must still send a query to be ranked.
    let (_, _, home) = get_text("/");
    let sort = selected_option(&home, "sort");
    assert_eq!(sort, "relevance", "the home page's form sends sort={sort}");
    for q in ["kiedy beda latarnie na zawilej", "dziury na balickiej"] {
        let (status, _, page) = get_text(&format!("/?q={}&from=&to=&sort={sort}", enc(q)));
        assert_eq!(status, 200);
        let ranked = hit_ids(&shared().get_ok(&format!("/api/search?q={}", enc(q))));
        assert_eq!(page_hits(&page), ranked, "{q}");
    }
    // A chosen order is shown as chosen.
    let (_, _, oldest) = get_text(&format!("/?q={}&sort=date_asc", enc("tramwaj")));
    assert_eq!(selected_option(&oldest, "sort"), "date_asc");
}

#[test]
fn shared_links_with_tracking_parameters_still_show_the_results() {
    let (_, _, plain) = get_text(&format!("/?q={}", enc("tramwaj")));
    for extra in ["fbclid=IwAR0abc", "utm_source=facebook&utm_medium=social", "gclid=x"] {
        let (status, _, page) = get_text(&format!("/?q={}&{extra}", enc("tramwaj")));
        assert_eq!(status, 200, "{extra}");
        assert_eq!(page_hits(&page), page_hits(&plain), "{extra}");
        assert_eq!(get_text(&format!("/stats?q=tramwaj&{extra}")).0, 200, "{extra}");
    }
    // The API, which programs call, still names an unknown parameter.
    assert_eq!(shared().get("/api/search?q=tramwaj&fbclid=x").0, 400);
}

#[test]
fn a_page_with_a_bad_filter_names_the_field_and_offers_its_removal() {
    let (status, _, page) = get_text(&format!("/?q={}&district=Bronowice", enc("drogi")));
    assert_eq!(status, 400);
    assert!(page.contains("pola „Dzielnica”"), "the field as the form names it");
    let remove = page.split("class=\"active\" href=\"").nth(1).expect("a link removing the filter");
    let remove = remove[..remove.find('"').unwrap()].replace("&#38;", "&").replace("&amp;", "&");
    assert_eq!(remove, format!("/?q={}", enc("drogi")).replace("%20", "+"));
    let (status, _, fixed) = get_text(&remove);
    assert_eq!(status, 200);
    assert!(!page_hits(&fixed).is_empty());
    for page in ["/", "/stats"] {
        let (status, _, swapped) = get_text(&format!("{page}?q=tramwaj&from=2025-05-01&to=2025-01-01"));
        assert_eq!(status, 400, "{page}");
        assert!(swapped.contains("pola „Do”"), "{page}");
    }
    // A control character typed into the address is refused, and not written into the page.
    let resp = client().get(shared().url("/?q=ulica%00x")).send().unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert!(!resp.bytes().unwrap().contains(&0u8));
}

#[test]
fn a_page_past_the_last_result_links_to_the_last_page() {
    let total = shared().get_ok(&format!("/api/search?q={}&limit=1", enc("latarnie")))["total"].as_u64().unwrap();
    assert!(total > 10 && total < 100, "{total}");
    let (status, _, page) = get_text(&format!("/?q={}&offset=100", enc("latarnie")));
    assert_eq!(status, 200);
    let last = page.split("nie ma już wyników. <a href=\"").nth(1).expect("a link to the last page");
    let last = last[..last.find('"').unwrap()].replace("&#38;", "&").replace("&amp;", "&");
    let (_, _, last_page) = get_text(&last);
    let shown = page_hits(&last_page).len() as u64;
    assert_eq!(shown, total - (total - 1) / 10 * 10, "the last page shows the last results");
}

/// A search that finds nothing says what to try, and hands the words to the "already asked?"
/// page, where a resident's own description is read as a question.
#[test]
fn a_search_that_finds_nothing_says_what_to_try() {
    // Punctuation alone asks for nothing (meaning would find something near any words).
    let (status, _, page) = get_text(&format!("/?q={}", enc("?? !!")));
    assert_eq!(status, 200);
    assert!(page.contains("Nic nie znaleziono."), "{page}");
    assert!(page.contains("Spróbuj mniej słów albo innych."), "{page}");
    assert!(page.contains("href=\"/zapytaj?tresc=%3F%3F%20%21%21\""), "{page}");
    // With a filter chosen (here a year before the meetings), removing one is the first thing to try.
    let (_, _, filtered) = get_text(&format!("/?q={}&from=2001-01-01&to=2001-12-31", enc("latarnie przy szkole")));
    assert!(filtered.contains("Nic nie znaleziono."), "{filtered}");
    assert!(filtered.contains("lub usuń któryś z wybranych filtrów"), "{filtered}");
    // A page with results gives no such advice.
    let (_, _, found) = get_text(&format!("/?q={}", enc("latarnie")));
    assert!(!found.contains("Spróbuj mniej słów"));
}

#[test]
fn text_in_another_language_is_marked_as_such_and_named_in_polish() {
    let uk = hit_ids(&shared().get_ok("/api/search?lang=uk&limit=1"))[0].clone();
    let (_, _, page) = get_text(&format!("/q/{uk}"));
    assert!(page.contains("<h1 lang=\"uk\">"), "a screen reader reads the Ukrainian title as Ukrainian");
    assert!(page.contains("język: ukraiński") && !page.contains("język: uk<"));
    let (_, _, list) = get_text("/?lang=uk");
    assert!(list.contains("<h3 lang=\"uk\">") && list.contains("Język: ukraiński ✕"));
    // Every page has one first-level heading.
    for path in ["/", "/zapytaj?tresc=latarnie", "/meetings", "/stats", &format!("/q/{uk}")] {
        assert_eq!(get_text(path).2.matches("<h1").count(), 1, "{path}");
    }
}

#[test]
fn statistics_count_every_month_and_a_chart_row_shows_that_value_alone() {
    let (status, _, page) = get_text(&format!("/stats?q={}", enc("latarnie")));
    assert_eq!(status, 200);
    let months: Vec<(String, u64)> = page
        .split("<tr><td>")
        .skip(1)
        .map(|row| {
            let (month, rest) = row.split_once("</td>").unwrap();
            let n = rest.split("class=\"num\">").nth(1).unwrap();
            (month.to_string(), n[..n.find('<').unwrap()].parse().unwrap())
        })
        .collect();
    let next = |m: &str| {
        let (y, mo): (u32, u32) = (m[..4].parse().unwrap(), m[5..].parse().unwrap());
        if mo == 12 {
            format!("{}-01", y + 1)
        } else {
            format!("{y}-{:02}", mo + 1)
        }
    };
    assert!(months.len() > 3);
    assert!(months.windows(2).all(|w| next(&w[0].0) == w[1].0), "every month in turn: {months:?}");
    assert!(months.iter().any(|(_, n)| *n == 0), "months without questions count 0");
    let total = shared().get_ok(&format!("/api/search?q={}&limit=1", enc("latarnie")))["total"].as_u64().unwrap();
    assert_eq!(months.iter().map(|(_, n)| n).sum::<u64>(), total);
    // Under one district's filter, the districts' chart still lists others; each links to its own.
    let (_, _, one) = get_text(&format!("/stats?district={}", enc("Dzielnica VI Bronowice")));
    let links: Vec<&str> =
        one.split("<th scope=\"row\"><a href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    let districts: Vec<&&str> = links.iter().filter(|l| l.contains("district=")).collect();
    assert!(districts.len() > 3);
    assert!(districts.iter().all(|l| l.matches("district=").count() == 1), "{districts:?}");
    assert!(one.contains("<tr class=\"selected\">"), "the chosen district is marked");
    // And the page says what such a row counts, where a filter is chosen: the header's total
    // counts the chosen districts alone.
    let says = "każdy wiersz mówi, ile pytań dałby wybór tej wartości";
    assert!(one.contains(says), "{one}");
    assert!(!page.contains(says));
}

#[test]
fn an_address_cut_after_the_meeting_lists_that_meeting_and_a_trailing_slash_is_forgiven() {
    let meeting = &corpus().meetings[0];
    let (status, _, page) = get_text(&format!("/q/{}", meeting.id.as_str()));
    assert_eq!(status, 200);
    let hits = page_hits(&page);
    assert!(!hits.is_empty() && hits.iter().all(|h| h.starts_with(&format!("{}/", meeting.id.as_str()))), "{hits:?}");
    assert!(page.contains(&format!("Spotkanie: {} ✕", meeting.title)), "the filter named by the meeting's title");
    let first = &hits[0];
    let (status, _, question) = get_text(&format!("/q/{first}/"));
    assert_eq!(status, 200);
    assert!(question.contains("Podobne pytania"));
    assert_eq!(get_text("/q/nie-ma-takiego-spotkania").0, 404);
}
