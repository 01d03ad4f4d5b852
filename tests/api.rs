//! The HTTP contract of `shared/API.md`, checked against counts computed from the corpus itself.

use std::collections::BTreeMap;

use lawka::corpus::{format_date, Meeting, Question};
use serde_json::Value;

use crate::common::{client, corpus, enc, hit_ids, shared};

/// Facet counts in a response as a map value → count.
fn facet(body: &Value, name: &str) -> BTreeMap<String, u64> {
    body["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("facet {name} missing: {body}"))
        .iter()
        .map(|f| (f["value"].as_str().expect("value").to_string(), f["count"].as_u64().expect("count")))
        .collect()
}

/// Counts of a per-question key over the questions passing `keep`, from the corpus.
fn expected<K>(keep: impl Fn(&Meeting, &Question) -> bool, keys: K) -> BTreeMap<String, u64>
where
    K: Fn(&Meeting, &Question) -> Vec<String>,
{
    let mut m = BTreeMap::new();
    for (meeting, q) in corpus().questions().filter(|(m, q)| keep(m, q)) {
        for k in keys(meeting, q) {
            *m.entry(k).or_default() += 1;
        }
    }
    m
}

fn districts(_: &Meeting, q: &Question) -> Vec<String> {
    vec![q.district.to_string()]
}
fn departments(_: &Meeting, q: &Question) -> Vec<String> {
    q.departments().iter().map(|d| d.to_string()).collect()
}
fn topics(_: &Meeting, q: &Question) -> Vec<String> {
    q.topics.iter().map(|t| t.to_string()).collect()
}
fn years(m: &Meeting, _: &Question) -> Vec<String> {
    vec![m.date.year().to_string()]
}

#[test]
fn healthz_reports_the_corpus() {
    let body = shared().get_ok("/healthz");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["documents"].as_u64(), Some(corpus().question_count() as u64));
    assert_eq!(corpus().meetings.len(), 26);
    assert!(body["generation"].as_str().is_some_and(|g| g.starts_with("gen-")));
    assert!(body["built_at"].as_str().is_some_and(|t| t.contains('T')));
    assert_eq!(body["backend"], "embedded", "the server answers through the embedded backend");
}

#[test]
fn unfiltered_facets_match_the_corpus() {
    // The whole index's facets are counted once per generation and then reused: every page and
    // order of the unfiltered listing, before and after filtered searches, must show them alike.
    let all = |_: &Meeting, _: &Question| true;
    for path in
        ["/api/search", "/api/search?district=Cały%20Kraków", "/api/search?offset=10&sort=date_asc", "/api/search"]
    {
        let body = shared().get_ok(path);
        if path.contains("district") {
            let city_wide = |_: &Meeting, q: &Question| q.district.as_str() == "Cały Kraków";
            assert!(body["total"].as_u64().is_some_and(|n| n > 0), "{body}");
            assert_eq!(facet(&body, "department"), expected(city_wide, departments));
            continue;
        }
        assert_eq!(body["total"].as_u64(), Some(corpus().question_count() as u64), "{path}");
        assert_eq!(facet(&body, "district"), expected(all, districts), "{path}");
        assert_eq!(facet(&body, "department"), expected(all, departments), "{path}");
        assert_eq!(facet(&body, "topic"), expected(all, topics), "{path}");
        assert_eq!(facet(&body, "year"), expected(all, years), "{path}");
    }
}

#[test]
fn district_filter_counts_and_other_facets_match_the_corpus() {
    let d = "Dzielnica XVI Bieńczyce";
    let body = shared().get_ok(&format!("/api/search?district={}&limit=100", enc(d)));
    let in_d = |_: &Meeting, q: &Question| q.district.as_str() == d;
    let n = corpus().questions().filter(|(m, q)| in_d(m, q)).count() as u64;
    assert!(n > 5, "the test needs a district with questions");
    assert_eq!(body["total"].as_u64(), Some(n));
    assert!(body["hits"].as_array().unwrap().iter().all(|h| h["district"] == d));
    // Other facets are counted under the district filter...
    assert_eq!(facet(&body, "department"), expected(in_d, departments));
    assert_eq!(facet(&body, "topic"), expected(in_d, topics));
    assert_eq!(facet(&body, "year"), expected(in_d, years));
    // ...the district facet itself is not, so a journalist sees what choosing another gives.
    assert_eq!(facet(&body, "district"), expected(|_, _| true, districts));
}

#[test]
fn with_words_each_facet_counts_what_choosing_its_values_would_find() {
    // Words, two districts and a date: each facet is counted in the pass that ranks the page,
    // with its own filter checked per match (search::post_filter), so every count must be the
    // total of the search a journalist gets by choosing that value instead.
    let (words, a, b, from) = ("chodnik", "Dzielnica VI Bronowice", "Dzielnica XVIII Nowa Huta", "2025-01-01");
    let districts = |ds: &[&str]| ds.iter().map(|d| format!("&district={}", enc(d))).collect::<String>();
    let total = |path: String| shared().get_ok(&path)["total"].as_u64().unwrap_or_else(|| panic!("{path}"));
    let base = format!("/api/search?q={words}{}&from={from}&limit=1", districts(&[a, b]));
    let body = shared().get_ok(&base);
    let by_district = facet(&body, "district");
    assert!(by_district.len() > 2, "the test needs matches in other districts: {body}");
    assert_eq!(
        by_district.get(a).copied().unwrap_or(0) + by_district.get(b).copied().unwrap_or(0),
        total(base.clone())
    );
    for (district, n) in &by_district {
        assert_eq!(*n, total(format!("/api/search?q={words}{}&from={from}", districts(&[district]))), "{district}");
    }
    let by_year = facet(&body, "year");
    assert!(by_year.len() > 1, "the test needs matches before {from}: {body}");
    for (year, n) in &by_year {
        let path = format!("/api/search?q={words}{}&from={year}-01-01&to={year}-12-31", districts(&[a, b]));
        assert_eq!(*n, total(path), "{year}");
    }
    for (department, n) in &facet(&body, "department") {
        assert_eq!(*n, total(format!("{base}&department={}", enc(department))), "{department}");
    }
}

#[test]
fn department_topic_and_date_filters_combine_with_and_across_or_within() {
    let (d1, d2) = ("Zarząd Zieleni Miejskiej", "Zarząd Dróg Miasta Krakowa");
    let topic = "bezpieczeństwo";
    let (from, to) = ("2025-01-01", "2025-12-31");
    let path = format!(
        "/api/search?department={}&department={}&topic={}&from={from}&to={to}&limit=100",
        enc(d1),
        enc(d2),
        enc(topic)
    );
    let body = shared().get_ok(&path);
    let in_dates = |m: &Meeting| format_date(m.date).as_str() >= from && format_date(m.date).as_str() <= to;
    let has_dep = |q: &Question| q.departments().iter().any(|d| d.as_str() == d1 || d.as_str() == d2);
    let has_topic = |q: &Question| q.topics.iter().any(|t| t.as_str() == topic);
    let all = |m: &Meeting, q: &Question| in_dates(m) && has_dep(q) && has_topic(q);
    let n = corpus().questions().filter(|(m, q)| all(m, q)).count() as u64;
    assert!(n > 0);
    assert_eq!(body["total"].as_u64(), Some(n), "{path}");
    assert_eq!(facet(&body, "district"), expected(all, districts));
    assert_eq!(facet(&body, "department"), expected(|m, q| in_dates(m) && has_topic(q), departments));
    assert_eq!(facet(&body, "topic"), expected(|m, q| in_dates(m) && has_dep(q), topics));
    assert_eq!(facet(&body, "year"), expected(|_, q| has_dep(q) && has_topic(q), years));
}

#[test]
fn lang_filter_finds_the_other_languages() {
    let uk = shared().get_ok("/api/search?lang=uk");
    let en = shared().get_ok("/api/search?lang=en");
    assert!(uk["total"].as_u64().unwrap() >= 2, "{uk}");
    assert_eq!(en["total"].as_u64(), Some(1));
    assert!(uk["hits"].as_array().unwrap().iter().all(|h| h["lang"] == "uk"));
    let pl = shared().get_ok("/api/search?lang=pl&limit=1");
    let total = corpus().question_count() as u64;
    assert_eq!(pl["total"].as_u64().unwrap() + uk["total"].as_u64().unwrap() + en["total"].as_u64().unwrap(), total);
}

#[test]
fn query_and_filter_counts_agree_with_facets() {
    let body = shared().get_ok("/api/search?q=parkowanie");
    let total = body["total"].as_u64().unwrap();
    assert!(total > 3);
    // Without filters, each question has exactly one district and one year.
    assert_eq!(facet(&body, "district").values().sum::<u64>(), total);
    assert_eq!(facet(&body, "year").values().sum::<u64>(), total);
    for (district, count) in facet(&body, "district") {
        let filtered = shared().get_ok(&format!("/api/search?q=parkowanie&district={}", enc(&district)));
        assert_eq!(filtered["total"].as_u64(), Some(count), "{district}");
    }
}

#[test]
fn every_id_round_trips_through_questions() {
    let mut seen = 0;
    for offset in (0..corpus().question_count()).step_by(100) {
        let body = shared().get_ok(&format!("/api/search?limit=100&offset={offset}&sort=date_asc"));
        for hit in body["hits"].as_array().unwrap() {
            let id = hit["id"].as_str().unwrap();
            let q = shared().get_ok(&format!("/api/questions/{id}"));
            assert_eq!(q["id"], hit["id"]);
            assert_eq!(q["title"], hit["title"]);
            assert_eq!(q["url"], format!("/q/{id}"));
            assert_eq!(q["source"], "synthetic");
            assert!(q["notice"].as_str().is_some_and(|n| n.contains("demonstracyjne")));
            assert!(!q["answers"].as_array().unwrap().is_empty());
            seen += 1;
        }
    }
    assert_eq!(seen, corpus().question_count());
    // And the stored text is the corpus's text.
    let (m, q) = corpus().questions().nth(7).unwrap();
    let body = shared().get_ok(&format!("/api/questions/{}", q.id));
    assert_eq!(body["question"], q.text);
    assert_eq!(body["answers"][0]["text"], q.answers[0].text);
    assert_eq!(body["meeting"]["place"], m.place);
}

#[test]
fn pagination_and_date_sort_are_consistent() {
    let all = hit_ids(&shared().get_ok("/api/search?q=drzewa&limit=20"));
    let first = hit_ids(&shared().get_ok("/api/search?q=drzewa&limit=10"));
    let second = hit_ids(&shared().get_ok("/api/search?q=drzewa&limit=10&offset=10"));
    assert_eq!([first, second].concat(), all);
    let newest = shared().get_ok("/api/search?limit=100");
    let dates: Vec<&str> = newest["hits"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first without q");
    let latest = corpus().meetings.iter().map(|m| format_date(m.date)).max().unwrap();
    assert_eq!(dates[0], latest);
    let oldest = shared().get_ok("/api/search?q=drzewa&sort=date_asc&limit=100");
    let dates: Vec<&str> = oldest["hits"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_ranked_page_alone_is_the_same_page_without_facets_or_snippets() {
    let full = shared().get_ok("/api/search?q=dziury%20w%20jezdni&limit=20");
    let lean = shared().get_ok("/api/search?q=dziury%20w%20jezdni&limit=20&facets=false&snippets=false");
    assert!(full["total"].as_u64().is_some_and(|n| n > 0), "{full}");
    assert_eq!(full["total"], lean["total"]);
    assert_eq!(hit_ids(&full), hit_ids(&lean));
    assert!(!facet(&full, "district").is_empty());
    for name in ["district", "department", "topic", "year"] {
        assert!(facet(&lean, name).is_empty(), "{name}: {lean}");
    }
    let hits = lean["hits"].as_array().expect("hits");
    assert!(hits.iter().all(|h| h["question_snippet"] == "" && h["answer_snippet"] == ""), "{lean}");
    assert!(full["hits"][0]["question_snippet"].as_str().is_some_and(|s| s.contains("<mark>")), "{full}");
}

#[test]
fn a_page_that_may_stop_counting_is_the_exact_page_with_a_lower_bound_for_a_total() {
    // One word in 161 questions and ten on the page: once the page holds its best ten, the
    // others are compared with its lowest score and most are passed over.
    let q = "ulica";
    let (total, _) = plain_counts(q);
    assert!(total > 100, "the word must be in far more questions than a page: {total}");
    let exact = shared().get_ok(&format!("/api/search?q={q}&facets=false&snippets=false&dense=false"));
    assert_eq!((exact["total"].as_u64(), &exact["total_is_exact"]), (Some(total), &Value::Bool(true)), "{exact}");
    for track in ["false", "0", "20"] {
        let url = format!("/api/search?q={q}&facets=false&snippets=false&dense=false&track_total_hits={track}");
        let pruned = shared().get_ok(&url);
        assert_eq!(hit_ids(&pruned), hit_ids(&exact), "{track}");
        assert_eq!(pruned["hits"][9]["score"], exact["hits"][9]["score"], "{track}");
        assert_eq!(pruned["total_is_exact"], false, "{track}: {pruned}");
        let seen = pruned["total"].as_u64().expect("total");
        assert!(seen < total && seen >= track.parse().unwrap_or(10).max(10), "{track}: {seen} of {total}");
    }
    // Asked to count more than there are, or with facets (which count every match), it is exact.
    for params in ["facets=false&track_total_hits=1000", "facets=false&track_total_hits=true", "track_total_hits=false"]
    {
        let body = shared().get_ok(&format!("/api/search?q={q}&snippets=false&dense=false&{params}"));
        assert_eq!((body["total"].as_u64(), &body["total_is_exact"]), (Some(total), &Value::Bool(true)), "{params}");
        assert_eq!(hit_ids(&body), hit_ids(&exact), "{params}");
    }
}

/// The matches of `q` (strict: no relaxing, no joining by meaning) and their facet counts, from
/// tantivy's own `Count` and `FacetCollector` over the served index.
fn plain_counts(q: &str) -> (u64, BTreeMap<&'static str, BTreeMap<String, u64>>) {
    use lawka::index::schema;
    use tantivy::collector::{Count, FacetCollector};
    use tantivy::schema::Facet;
    let handle = lawka::index::IndexHandle::open(&shared().index_dir).expect("index opens");
    let generation = handle.current();
    let searcher = generation.searcher();
    let glossary = lawka::search::Glossary::read(&crate::common::corpus_dir().join("glossary.txt")).expect("glossary");
    let ast = lawka::search::query::parse(q, &glossary);
    let query =
        lawka::search::query::QueryBuilder::new(&generation.fields, &glossary, Some(&searcher)).build(&ast, false);
    let total = searcher.search(query.as_ref(), &Count).expect("count") as u64;
    let mut facets = BTreeMap::new();
    for (name, field) in [
        ("district", schema::DISTRICT),
        ("department", schema::DEPARTMENT),
        ("topic", schema::TOPIC),
        ("year", schema::YEAR_MONTH),
    ] {
        let mut collector = FacetCollector::for_field(field);
        collector.add_facet(Facet::root());
        let counts = searcher.search(query.as_ref(), &collector).expect("facets");
        let values = counts
            .get(Facet::root())
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| (f.to_path().last().expect("a value").to_string(), n))
            .collect();
        facets.insert(name, values);
    }
    (total, facets)
}

#[test]
fn totals_and_facet_counts_are_exact_when_the_matches_exceed_the_page() {
    let q = "miasto ulica";
    let (total, facets) = plain_counts(q);
    assert!(total > 100, "the query must match far more than a page: {total}");
    for limit in [1, 10, 100] {
        let body = shared().get_ok(&format!("/api/search?q={}&limit={limit}&dense=false", enc(q)));
        assert_eq!(body["total"].as_u64(), Some(total), "limit {limit}: {body}");
        assert_eq!(body["hits"].as_array().map(Vec::len), Some(limit));
        assert_ne!(body["partial_match"], true, "neither relaxed nor widened: {body}");
        for (name, counts) in &facets {
            assert_eq!(&facet(&body, name), counts, "{name}, limit {limit}");
        }
    }
}

#[test]
fn dense_false_ranks_by_the_words_alone() {
    // A resident's word no question uses: with the model, the questions nearest in meaning join
    // (the words find nothing); `dense=false` must leave exactly the word matches.
    let q = "hulajnogowcy";
    let (strict, _) = plain_counts(q);
    let words = shared().get_ok(&format!("/api/search?q={}&limit=100&dense=false", enc(q)));
    let total = words["total"].as_u64().expect("total");
    // Too few strict matches are relaxed to any of the words, never widened by meaning.
    assert!(total >= strict, "{words}");
    let again = shared().get_ok(&format!("/api/search?q={}&limit=100&dense=0", enc(q)));
    assert_eq!(hit_ids(&words), hit_ids(&again));
    assert_eq!(words["total"], again["total"]);
    let health = shared().get_ok("/healthz");
    let hybrid = shared().get_ok(&format!("/api/search?q={}&limit=100", enc(q)));
    if health["retrieval"] == "hybrid" {
        assert!(hybrid["total"].as_u64().expect("total") > total, "meaning adds questions: {hybrid}");
        assert_ne!(hit_ids(&hybrid), hit_ids(&words));
    } else {
        assert_eq!(hit_ids(&hybrid), hit_ids(&words), "without the model, dense=false changes nothing");
    }
}

#[test]
fn pages_across_the_proximity_window_show_every_match_once_in_one_order() {
    // Two words: the best hundred are reordered by the proximity bonus; pages of 7 cross that
    // boundary (offset 98) and must still list every match exactly once, in the order of a
    // single large page.
    let q = enc("miasto ulica");
    let first = shared().get_ok(&format!("/api/search?q={q}&limit=100"));
    let total = first["total"].as_u64().expect("total") as usize;
    assert!(total > 110, "the query must match more than the window: {total}");
    let mut paged = Vec::new();
    for offset in (0..total).step_by(7) {
        paged.extend(hit_ids(&shared().get_ok(&format!("/api/search?q={q}&limit=7&offset={offset}"))));
    }
    assert_eq!(paged.len(), total);
    let unique: std::collections::BTreeSet<&String> = paged.iter().collect();
    assert_eq!(unique.len(), total, "a match shown twice");
    assert_eq!(paged[..100], hit_ids(&first)[..]);
    let second = hit_ids(&shared().get_ok(&format!("/api/search?q={q}&limit=100&offset=100")));
    assert_eq!(paged[100..], second[..]);
}

#[test]
fn every_invalid_parameter_is_a_400_naming_it() {
    let cases = [
        ("limit=0", "invalid_limit"),
        ("limit=101", "invalid_limit"),
        ("limit=dziesięć", "invalid_limit"),
        ("offset=-1", "invalid_offset"),
        ("offset=10001", "invalid_offset"),
        ("sort=newest", "invalid_sort"),
        ("from=2025-02-30", "invalid_from"),
        ("to=jutro", "invalid_to"),
        ("district=Bronowice", "invalid_district"),
        ("department=ZDMK", "invalid_department"),
        ("topic=drogi", "invalid_topic"),
        ("lang=polski", "invalid_lang"),
        ("districts=Dzielnica%20VI%20Bronowice", "unknown_parameter"),
        ("q=%FF%FE", "invalid_encoding"),
        ("q=a%00b", "invalid_q"),
        ("facets=no", "invalid_facets"),
        ("snippets=tak", "invalid_snippets"),
        ("facets=true&facets=false", "invalid_facets"),
        ("dense=nie", "invalid_dense"),
        ("dense=true&dense=false", "invalid_dense"),
        ("track_total_hits=tak", "invalid_track_total_hits"),
        ("track_total_hits=-1", "invalid_track_total_hits"),
        ("track_total_hits=1000000001", "invalid_track_total_hits"),
        ("track_total_hits=false&track_total_hits=true", "invalid_track_total_hits"),
    ];
    for (query, code) in cases {
        let (status, body) = shared().get(&format!("/api/search?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], code, "{query}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.len() > 10), "{query}: {body}");
    }
    let long = "a".repeat(1001);
    let (status, body) = shared().get(&format!("/api/search?q={long}"));
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_q")));
}

#[test]
fn a_date_range_ending_before_it_starts_matches_nothing_and_the_page_says_why() {
    let body = shared().get_ok("/api/search?from=2025-06-01&to=2025-01-01");
    assert_eq!((body["total"].as_u64(), body["hits"].as_array().map(Vec::len)), (Some(0), Some(0)), "{body}");
    // Without the reversed bound the same search has hits: the range alone emptied it.
    assert!(shared().get_ok("/api/search?from=2025-01-01")["total"].as_u64().unwrap() > 0);
    let r = client().get(shared().url("/?from=2025-06-01&to=2025-01-01")).send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().unwrap().contains("data końcowa jest wcześniejsza niż początkowa"));
}

#[test]
fn unknown_ids_and_paths_are_404_json() {
    for path in [
        "/api/questions/2024-06-24-bronowice-wielkie/999",
        "/api/questions/2024-06-24-bronowice-wielkie/0",
        "/api/questions/nie-ma/1",
        "/api/questions/2099-01-01-nigdzie/1",
    ] {
        let (status, body) = shared().get(path);
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "question_not_found");
    }
    let (status, body) = shared().get("/api/nothing");
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
}

#[test]
fn meetings_are_listed_newest_first_with_counts() {
    let body = shared().get_ok("/api/meetings");
    let list = body.as_array().unwrap();
    assert_eq!(list.len(), corpus().meetings.len());
    let dates: Vec<&str> = list.iter().map(|m| m["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    for m in &corpus().meetings {
        let listed = list.iter().find(|x| x["id"] == m.id.as_str()).expect("listed");
        assert_eq!(listed["questions"].as_u64(), Some(m.questions.len() as u64));
        assert_eq!(listed["place"], m.place);
        assert_eq!(listed["kind"], m.kind.as_str());
    }
}

#[test]
fn hits_carry_source_notice_and_escaped_snippets() {
    let body = shared().get_ok(&format!("/api/search?q={}", enc("dziury w jezdni")));
    assert!(body["notice"].as_str().is_some_and(|n| n.contains("nie są to oficjalne odpowiedzi")));
    for h in body["hits"].as_array().unwrap() {
        assert_eq!(h["source"], "synthetic");
        for s in [&h["question_snippet"], &h["answer_snippet"]] {
            let s = s.as_str().unwrap();
            let without_marks = s.replace("<mark>", "").replace("</mark>", "");
            assert!(!without_marks.contains('<') && !without_marks.contains('>'), "{s}");
        }
    }
    let marked = body["hits"][0]["question_snippet"].as_str().unwrap().to_lowercase();
    assert!(marked.contains("<mark>dziur") || marked.contains("<mark>jezdn"), "{marked}");
}
