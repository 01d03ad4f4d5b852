//! Relevance guards: the dev-set evaluation must not regress, and the analysis features (glossary,
//! typo tolerance, other languages) work end to end over HTTP.

use lawka::index::IndexHandle;
use lawka::search::eval::{self, JudgedQuery, JudgedRelated};
use lawka::search::{rank, Glossary};
use serde_json::json;

use crate::common::{client, corpus_dir, enc, hit_ids, shared};

/// Floors of every judged set: (directory under tests/eval, queries, nDCG@10 floor, related
/// nDCG@5 floor, most queries allowed to find nothing, nDCG@10 floor of the queries in other
/// languages), for each of the optional parts installed: dense retrieval (the embedding model) and
/// the dictionaries (English–Polish, the Ukrainian–Polish table and the Polish thesaurus,
/// installed together by `tools/setup-dictionary.sh`). Each floor is the figure measured when it was set minus 0.02
/// (minus 0.05 for the other languages' few queries): a change that loses more than that on any
/// set fails CI. Raise them when relevance improves. The holdouts (tests/eval/holdout and
/// tests/eval/holdout2, the second written after the feedback of the best result was chosen) were
/// written and judged apart from the tuning; constants are chosen on one set and kept only if the
/// others do not lose. Words alone serve other languages little (issue 14 asks 0.50 of the hybrid).
/// The third and fourth holdouts (tests/eval/holdout3 and holdout4, twenty-third and
/// twenty-fourth sessions) were measured with the dictionaries only, so the configurations
/// without them do not floor them. The fifth (tests/eval/holdout5, twenty-eighth session) was
/// written before the answers' meaning was measured on it, and is floored in every configuration;
/// so are the sixth and seventh (tests/eval/holdout6 and holdout7, twenty-ninth session) and the
/// eighth (tests/eval/holdout8, thirtieth session), each read first with the engine as it was,
/// and the ninth (tests/eval/holdout9, thirty-fifth session: topic, synonym and question queries
/// only, written to measure the two weakest types with more queries).
type Floors = &'static [(&'static str, usize, f64, f64, usize, f64)];
const HYBRID_TRANSLATED_FLOORS: Floors = &[
    ("", 32, 0.943 - 0.02, 0.849 - 0.02, 0, 0.986 - 0.05),
    ("holdout", 71, 0.920 - 0.02, 0.820 - 0.02, 0, 0.958 - 0.05),
    ("holdout2", 48, 0.843 - 0.02, 0.869 - 0.02, 0, 0.826 - 0.05),
    ("holdout3", 44, 0.795 - 0.02, 0.906 - 0.02, 0, 0.745 - 0.05),
    ("holdout4", 42, 0.859 - 0.02, 0.860 - 0.02, 0, 0.879 - 0.05),
    ("holdout5", 55, 0.804 - 0.02, 0.871 - 0.02, 0, 0.828 - 0.05),
    ("holdout6", 60, 0.838 - 0.02, 0.901 - 0.02, 0, 0.765 - 0.05),
    ("holdout7", 60, 0.899 - 0.02, 0.872 - 0.02, 0, 0.948 - 0.05),
    ("holdout8", 60, 0.912 - 0.02, 0.911 - 0.02, 0, 0.883 - 0.05),
    ("holdout9", 60, 0.738 - 0.02, 0.899 - 0.02, 0, 0.0),
];
const HYBRID_FLOORS: Floors = &[
    ("", 32, 0.922 - 0.02, 0.849 - 0.02, 0, 0.659 - 0.05),
    ("holdout", 71, 0.870 - 0.02, 0.820 - 0.02, 0, 0.558 - 0.05),
    ("holdout2", 48, 0.805 - 0.02, 0.869 - 0.02, 0, 0.599 - 0.05),
    ("holdout5", 55, 0.773 - 0.02, 0.871 - 0.02, 0, 0.544 - 0.05),
    ("holdout6", 60, 0.815 - 0.02, 0.901 - 0.02, 0, 0.584 - 0.05),
    ("holdout7", 60, 0.865 - 0.02, 0.872 - 0.02, 0, 0.680 - 0.05),
    ("holdout8", 60, 0.867 - 0.02, 0.911 - 0.02, 0, 0.612 - 0.05),
    ("holdout9", 60, 0.699 - 0.02, 0.903 - 0.02, 0, 0.0),
];
const BM25_TRANSLATED_FLOORS: Floors = &[
    ("", 32, 0.895 - 0.02, 0.840 - 0.02, 0, 0.0),
    ("holdout", 71, 0.891 - 0.02, 0.808 - 0.02, 0, 0.0),
    ("holdout2", 48, 0.812 - 0.02, 0.863 - 0.02, 0, 0.0),
    ("holdout3", 44, 0.772 - 0.02, 0.894 - 0.02, 0, 0.0),
    ("holdout4", 42, 0.816 - 0.02, 0.819 - 0.02, 0, 0.0),
    ("holdout5", 55, 0.782 - 0.02, 0.856 - 0.02, 0, 0.0),
    ("holdout6", 60, 0.815 - 0.02, 0.898 - 0.02, 0, 0.0),
    ("holdout7", 60, 0.856 - 0.02, 0.864 - 0.02, 0, 0.0),
    ("holdout8", 60, 0.895 - 0.02, 0.903 - 0.02, 0, 0.0),
    ("holdout9", 60, 0.673 - 0.02, 0.884 - 0.02, 0, 0.0),
];
const BM25_FLOORS: Floors = &[
    ("", 32, 0.843 - 0.02, 0.834 - 0.02, 0, 0.0),
    ("holdout", 71, 0.756 - 0.02, 0.790 - 0.02, 1, 0.0),
    ("holdout2", 48, 0.727 - 0.02, 0.863 - 0.02, 0, 0.0),
    ("holdout5", 55, 0.729 - 0.02, 0.856 - 0.02, 0, 0.0),
    ("holdout6", 60, 0.776 - 0.02, 0.905 - 0.02, 0, 0.0),
    ("holdout7", 60, 0.792 - 0.02, 0.866 - 0.02, 0, 0.0),
    ("holdout8", 60, 0.812 - 0.02, 0.898 - 0.02, 0, 0.0),
    ("holdout9", 60, 0.648 - 0.02, 0.884 - 0.02, 0, 0.0),
];

fn judged<T: serde::de::DeserializeOwned>(set: &str, name: &str) -> T {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval").join(set).join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("eval file")).expect("eval JSON")
}

/// The judged sets written in Polish, under tests/eval: the development set and every holdout. A
/// test that holds over all of them reads this list, so a new holdout joins each such test.
const POLISH_SETS: [&str; 10] =
    ["", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8", "holdout9"];

/// A judged set's queries, residents' and journalists'.
fn judged_queries(set: &str) -> Vec<JudgedQuery> {
    let mut queries: Vec<JudgedQuery> = judged(set, "queries-residents.json");
    queries.extend(judged::<Vec<JudgedQuery>>(set, "queries-journalists.json"));
    queries
}

#[test]
fn relevance_does_not_regress_on_either_judged_set() {
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let glossary = Glossary::read(&corpus_dir().join("glossary.txt")).unwrap();
    // Both FreeDict dictionaries (the Polish–English one read backwards) and the Ukrainian table.
    let translated = lawka::analysis::english::english_polish().is_some_and(|d| d.reads_polish_english())
        && lawka::analysis::cyrillic::ukrainian_polish().is_some();
    let floors = match (lawka::search::dense::enabled(&generation), translated) {
        (true, true) => HYBRID_TRANSLATED_FLOORS,
        (true, false) => HYBRID_FLOORS,
        (false, true) => BM25_TRANSLATED_FLOORS,
        (false, false) => BM25_FLOORS,
    };
    for &(set, n, ndcg_floor, related_floor, max_zero, other_language_floor) in floors {
        let queries = judged_queries(set);
        let results = eval::run_queries(&generation, &glossary, &queries).unwrap();
        let mut by_type = eval::summarize(&results);
        // The ninth holdout has no query in another language.
        let other = by_type.iter().find(|(t, _)| t == "other_language").map_or(1.0, |(_, s)| s.ndcg);
        assert!(
            other >= other_language_floor,
            "tests/eval/{set}: other languages' nDCG@10 {other:.3} fell below {other_language_floor:.3}"
        );
        let (_, all) = by_type.pop().unwrap();
        assert_eq!(all.n, n);
        assert!(all.ndcg >= ndcg_floor, "tests/eval/{set}: nDCG@10 {:.3} fell below {ndcg_floor:.3}", all.ndcg);
        assert!(all.zero <= max_zero, "tests/eval/{set}: {} queries find nothing", all.zero);

        let related: Vec<JudgedRelated> = judged(set, "related.json");
        let results = eval::run_related(&generation, &glossary, &related).unwrap();
        let (_, all) = eval::summarize(&results).pop().unwrap();
        assert!(
            all.ndcg >= related_floor,
            "tests/eval/{set}: related nDCG@5 {:.3} fell below {related_floor:.3}",
            all.ndcg
        );
    }
}

/// The Russian queries (tests/eval/russian, 20 queries written and judged apart, before the
/// Russian table was measured on them) keep their nDCG@10, for each of the optional parts
/// installed (model, Russian table, Ukrainian table, which a query whose letters do not tell the
/// language is read with too): with the model 0.824 / 0.764 / 0.743 (both tables / the Ukrainian
/// one / none), without it 0.721 / 0.379 / 0.360 (with both tables: the figures since the tables
/// take the Russian words FreeDict's Polish–Russian dictionary lacks through other languages,
/// 0.818 / 0.696 before and 0.813 / 0.586 before simplemma's lemmas; the others when the Russian
/// table was added, today 0.785 / 0.738 and 0.376 / 0.356; with both tables and the model 0.833
/// since the answers' meaning). Each floor is that figure minus 0.05 (few queries), and none may
/// find nothing.
#[test]
fn russian_queries_find_polish_answers() {
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let glossary = Glossary::read(&corpus_dir().join("glossary.txt")).unwrap();
    let russian = lawka::analysis::cyrillic::russian_polish().is_some();
    let ukrainian = lawka::analysis::cyrillic::ukrainian_polish().is_some();
    let floor = match (lawka::search::dense::enabled(&generation), russian, ukrainian) {
        (true, true, _) => 0.833,
        (true, false, true) => 0.764,
        (true, false, false) => 0.743,
        (false, true, _) => 0.721,
        (false, false, true) => 0.379,
        (false, false, false) => 0.360,
    } - 0.05;
    let queries = judged_queries("russian");
    let results = eval::run_queries(&generation, &glossary, &queries).unwrap();
    let (_, all) = eval::summarize(&results).pop().unwrap();
    assert_eq!(all.n, 20);
    assert!(all.ndcg >= floor, "tests/eval/russian: nDCG@10 {:.3} fell below {floor:.3}", all.ndcg);
    assert_eq!(all.zero, 0, "tests/eval/russian: queries that find nothing");
}

/// The Ukrainian and English queries written and judged apart after twenty-six sessions of
/// tuning (tests/eval/ukrainian, 24 queries; tests/eval/english, 22), by helpers that never saw
/// the engine's results. Read query by query since (two changes came of it), they are partly
/// development data now. Each is floored where its dictionary is installed (the Ukrainian table;
/// both FreeDict dictionaries), with the model 0.678 / 0.605 and without it 0.659 / 0.587 (since
/// the table's function words are dropped and FreeDict's English idioms are no longer read as
/// translations; 0.632 / 0.596 and 0.574 / 0.566 before), each minus 0.05 (few queries); none may
/// find nothing. The second sets (tests/eval/ukrainian2 and english2, 16 queries each) were written
/// after those changes, to check them on queries nobody had read: 0.629 / 0.735 with the model,
/// 0.616 / 0.691 without (0.525 / 0.735 and 0.458 / 0.691 before those changes). With the
/// answers' meaning and English meaning at 1.5 (twenty-eighth session) the four are 0.732 /
/// 0.611 / 0.647 / 0.769 with the model; words alone unchanged.
#[test]
fn ukrainian_and_english_queries_written_apart_find_polish_answers() {
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let glossary = Glossary::read(&corpus_dir().join("glossary.txt")).unwrap();
    let ukrainian = lawka::analysis::cyrillic::ukrainian_polish().is_some();
    let english = lawka::analysis::english::english_polish().is_some_and(|d| d.reads_polish_english());
    let dense = lawka::search::dense::enabled(&generation);
    for (set, installed, n, hybrid, words) in [
        ("ukrainian", ukrainian, 24, 0.732, 0.659),
        ("english", english, 22, 0.611, 0.587),
        ("ukrainian2", ukrainian, 16, 0.647, 0.616),
        ("english2", english, 16, 0.769, 0.691),
    ] {
        if !installed {
            continue;
        }
        let floor = if dense { hybrid } else { words } - 0.05;
        let queries = judged_queries(set);
        let results = eval::run_queries(&generation, &glossary, &queries).unwrap();
        let (_, all) = eval::summarize(&results).pop().unwrap();
        assert_eq!(all.n, n);
        assert!(
            all.ndcg >= floor,
            "tests/eval/{set}: nDCG@10 {:.3} fell below {floor:.3} (a Ukrainian table written before its \
             function words, by an older tools/cyrillic-polish.py, scores lower: run tools/setup-dictionary.sh)",
            all.ndcg
        );
        assert_eq!(all.zero, 0, "tests/eval/{set}: queries that find nothing");
    }
}

/// Every Kraków place of the analysis notes' test list reaches its base form with the index's own
/// analysis (SGJP plus the gazetteer learnt from the corpus), with and without Polish letters.
#[test]
fn every_place_form_reaches_its_base_form() {
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let tokenizers = generation.index.tokenizers();
    let forms = include_str!("../src/analysis/testdata/forms.tsv");
    let places: Vec<Vec<&str>> =
        forms.lines().map(|l| l.split('\t').collect()).filter(|r: &Vec<&str>| r[2] == "place").collect();
    assert_eq!(places.len(), 33);
    for (name, fold) in [(lawka::analysis::PL, false), (lawka::analysis::PL_ASCII, true)] {
        let mut analyzer = tokenizers.get(name).unwrap();
        let mut misses = Vec::new();
        for r in &places {
            let form = if fold { lawka::analysis::fold_polish(r[0]) } else { r[0].to_string() };
            let a = lawka::analysis::analyze(&mut analyzer, &form);
            let b = lawka::analysis::analyze(&mut analyzer, r[1]);
            if !a.iter().any(|t| b.contains(t)) {
                misses.push(format!("{form} {a:?} / {} {b:?}", r[1]));
            }
        }
        assert!(misses.is_empty(), "{name}: {misses:?}");
    }
}

fn search(q: &str) -> serde_json::Value {
    shared().get_ok(&format!("/api/search?q={}&limit=20", enc(q)))
}

fn titles(body: &serde_json::Value) -> Vec<String> {
    body["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_lowercase()).collect()
}

#[test]
fn typos_find_the_intended_word() {
    for (typo, correct) in [("skatepakr", "skatepark"), ("obywatleski", "obywatelski"), ("chodnka", "chodnika")] {
        let wrong = hit_ids(&search(typo));
        let right = hit_ids(&search(correct));
        assert!(!right.is_empty());
        assert!(!wrong.is_empty(), "{typo}: nothing found");
        // By words the correction leads with the same question; ranking by meaning (where the
        // model is installed) embeds the text as typed, so it may order the first few otherwise.
        assert!(wrong.iter().take(3).any(|id| *id == right[0]), "{typo}: {wrong:?}, {correct}: {right:?}");
    }
    // A correct word is never "corrected": `park` does not find `parking`-only questions.
    let park = search("park");
    assert!(titles(&park).iter().take(3).all(|t| t.contains("park")), "{:?}", titles(&park));
}

/// A Polish word typed without its Polish letters is not read as English: `halas` (for `hałas`)
/// stems, as an English plural, to `hala`, and the market hall came first by words.
#[test]
fn a_polish_word_typed_without_its_letters_is_not_read_as_english() {
    let titles = first_titles_by_words("halas");
    assert!(titles.len() == 3 && titles.iter().all(|t| t.contains("hałas")), "{titles:?}");
}

/// A slip anywhere in an inflected form, the first letter too (`ukrsy`), in a query of two words
/// (which the language check must not take for another language), whether meaning (the model,
/// which is given the word meant) or words alone rank.
#[test]
fn slips_in_word_forms_find_what_was_meant() {
    for (typo, correct) in [
        ("bezdomne kooty", "bezdomne koty"),
        ("rzadkie ukrsy wieczorem", "rzadkie kursy wieczorem"),
        ("wycinka dezew", "wycinka drzew"),
        ("hulajngoi na minuty", "hulajnogi na minuty"),
        ("ośrodek kutury", "ośrodek kultury"),
    ] {
        let wrong = hit_ids(&search(typo));
        let right = hit_ids(&search(correct));
        assert!(!right.is_empty());
        assert!(wrong.iter().take(3).any(|id| *id == right[0]), "{typo}: {wrong:?}, {correct}: {right:?}");
    }
}

/// Every judged query with one slip of the fingers, on every judged set: the ranking must hold on
/// queries nobody tuned for. Floors as for the judged sets: the figure when set, minus 0.02.
#[test]
fn relevance_holds_with_a_slip_in_every_query() {
    use lawka::search::perturb::Perturbation;
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let glossary = Glossary::read(&corpus_dir().join("glossary.txt")).unwrap();
    let dense = lawka::search::dense::enabled(&generation);
    // (set, floor with the model, floor without it): `lawka eval --perturb typo --variants 3`.
    for (set, hybrid_floor, bm25_floor) in [
        ("", 0.905 - 0.02, 0.860 - 0.02),
        ("holdout", 0.878 - 0.02, 0.828 - 0.02),
        ("holdout2", 0.834 - 0.02, 0.805 - 0.02),
        ("holdout3", 0.775 - 0.02, 0.748 - 0.02),
        ("holdout4", 0.848 - 0.02, 0.823 - 0.02),
        ("holdout5", 0.801 - 0.02, 0.789 - 0.02),
        ("holdout6", 0.846 - 0.02, 0.831 - 0.02),
        ("holdout7", 0.881 - 0.02, 0.841 - 0.02),
        ("holdout8", 0.911 - 0.02, 0.890 - 0.02),
        ("holdout9", 0.715 - 0.02, 0.645 - 0.02),
    ] {
        let queries = judged_queries(set);
        let slipped = eval::perturbed(&queries, Perturbation::Typo, 3, 1);
        let results = eval::run_queries(&generation, &glossary, &slipped).unwrap();
        let (_, all) = eval::summarize(&results).pop().unwrap();
        let floor = if dense { hybrid_floor } else { bm25_floor };
        assert!(all.ndcg >= floor, "tests/eval/{set} with slips: nDCG@10 {:.3} fell below {floor:.3}", all.ndcg);
    }
}

#[test]
fn glossary_abbreviations_and_residents_words() {
    // P+R finds the Park&Ride questions (written "Park&Ride" or "parking przesiadkowy").
    let pr = search("P+R");
    let texts: Vec<String> = hit_ids(&pr)
        .iter()
        .take(5)
        .map(|id| shared().get_ok(&format!("/api/questions/{id}")).to_string().to_lowercase())
        .collect();
    assert!(
        texts.iter().all(|t| t.contains("p+r") || t.contains("park&ride") || t.contains("przesiadkow")),
        "{texts:?}"
    );
    // "BO" in capitals is the participatory budget; "bo" is only a conjunction.
    let bo = search("BO");
    assert!(bo["total"].as_u64().unwrap() > 0);
    let first = shared().get_ok(&format!("/api/questions/{}", hit_ids(&bo)[0])).to_string().to_lowercase();
    assert!(first.contains("budżet obywatelski") || first.contains("budżetu obywatelskiego"), "{first}");
    assert_eq!(search("bo")["total"].as_u64(), Some(0));
    // Residents' words reach the official wording: "dziura" finds "ubytki w nawierzchni".
    let holes = search("dziura w asfalcie");
    assert!(holes["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["answer_snippet"].as_str().unwrap().contains("<mark>ubytk")));
}

#[test]
fn other_languages_are_searched_in_their_own_analysis() {
    // English stems: "tickets" finds the English question about tickets by its words (by meaning,
    // the Polish questions on students' passes answer the query better and come first).
    let en = shared().get_ok(&format!("/api/search?q={}&limit=3&dense=false", enc("monthly tickets for students")));
    assert!(en["hits"].as_array().unwrap().iter().any(|h| h["lang"] == "en"), "{en}");
    // Ukrainian, lowercased: a word of a Ukrainian question finds it.
    let uk = search("Харкова");
    assert!(uk["hits"].as_array().unwrap().iter().any(|h| h["lang"] == "uk"), "{uk}");
}

#[test]
fn partial_matches_are_flagged_and_ranked_after_full_ones() {
    // No question has both words: every question with either is shown, and the response says so.
    let (a, b) = (search("skatepark"), search("tramwaj"));
    let both = shared().get_ok(&format!("/api/search?q={}&limit=100", enc("skatepark tramwaj")));
    assert_eq!(both["partial_match"], true);
    assert_eq!(both["total"].as_u64().unwrap(), a["total"].as_u64().unwrap() + b["total"].as_u64().unwrap());
    // Enough questions with both words: only those, no flag.
    let full = search("chodnik ulica");
    assert!(full["total"].as_u64().unwrap() >= 10);
    assert!(full.get("partial_match").is_none(), "{}", full["partial_match"]);
    // With one word missing from some questions, those with all words come first by words (by
    // meaning, a question with some of them may stand among them: README). A word counts as the
    // index reads it (its lemmas: "tramwajowe" is not "tramwaj"), with the generation's own
    // analysis (its gazetteer knows "Bieńczyc").
    let query = ["skatepark", "Bieńczyce", "tramwaj"];
    let ranked = shared().get_ok(&format!("/api/search?q={}&limit=100&dense=false", enc(&query.join(" "))));
    let ids = hit_ids(&ranked);
    let generation = IndexHandle::open(&shared().index_dir).unwrap().current();
    let mut pl = generation.searcher().index().tokenizers().get(lawka::analysis::PL).unwrap();
    let words: Vec<Vec<String>> = query.iter().map(|w| lawka::analysis::analyze(&mut pl, w)).collect();
    let has_all = |id: &String| {
        let q = shared().get_ok(&format!("/api/questions/{id}"));
        let answers: Vec<&str> = q["answers"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect();
        let text =
            format!("{} {} {}", q["title"].as_str().unwrap(), q["question"].as_str().unwrap(), answers.join(" "));
        let terms = lawka::analysis::analyze(&mut pl.clone(), &text);
        words.iter().filter(|w| w.iter().any(|t| terms.contains(t))).count()
    };
    let counts: Vec<usize> = ids.iter().take(12).map(has_all).collect();
    assert!(counts.windows(2).all(|w| w[0] >= 2 || w[1] < 2), "questions with two or more words first: {counts:?}");
}

/// With the embedding model installed (tools/setup-model.sh, which .ci/run runs), Ukrainian and
/// English queries find the Polish questions on their subject, and a resident's word the corpus
/// never uses (nor the glossary or the thesaurus: "hulajnogowcy") finds the questions that describe it. Without the model the service
/// says so in /healthz and serves BM25.
#[test]
fn queries_in_other_languages_find_polish_answers_by_meaning() {
    let health = shared().get_ok("/healthz");
    if health["retrieval"] == "bm25" {
        eprintln!("skipped: the embedding model is not installed (run tools/setup-model.sh)");
        return;
    }
    assert_eq!(health["retrieval"], "hybrid", "{health}");
    assert_eq!(health["vectors"].as_u64(), health["documents"].as_u64(), "every question has a vector");
    // The texts `lawka embed` writes for the corpus, less each question's own.
    let paragraphs: usize = crate::common::corpus()
        .questions()
        .map(|(_, q)| {
            let answers = q.answers.iter().map(|a| a.text.as_str());
            lawka::embed::passages_of(&q.id.to_string(), &q.title, &q.text, answers).len() - 1
        })
        .sum();
    assert_eq!(health["answer_vectors"].as_u64(), Some(paragraphs as u64), "every paragraph of every answer: {health}");
    for (query, wanted) in [
        ("дикі кабани біля житлових будинків", &["dzik"][..]),
        ("wild boars between apartment blocks", &["dzik"]),
        ("rubbish bins are always overflowing", &["śmiet", "odpad"]),
        ("hulajnogowcy", &["hulajnog"]),
    ] {
        let body = search(query);
        let titles = titles(&body);
        let polish = body["hits"].as_array().unwrap().iter().take(3).filter(|h| h["lang"] == "pl").count();
        assert!(titles.iter().take(3).any(|t| wanted.iter().any(|w| t.contains(w))), "{query}: {titles:?}");
        assert!(polish > 0, "{query}: a Polish answer among the first three: {titles:?}");
    }
    // "hulajnogowcy" is in no question (nor the glossary or the thesaurus): the questions near
    // in meaning are shown, flagged as partial and as found by meaning alone, which the page
    // says in place of "some of the words"; a query whose words questions have is not so flagged.
    let body = search("hulajnogowcy");
    assert_eq!((&body["partial_match"], &body["meaning_only"]), (&json!(true), &json!(true)), "{body}");
    assert!(search("wild boars between apartment blocks").get("meaning_only").is_none());
    assert!(search("hulajnogi na chodnikach").get("meaning_only").is_none());
    let page = client().get(shared().url("/?q=hulajnogowcy")).send().unwrap().text().unwrap();
    assert!(page.contains("Żadne pytanie nie zawiera tych słów"), "{page}");
    assert!(!page.contains("Niewiele pytań zawiera wszystkie słowa"));
    // With a filter, what is said is of the questions that pass it (the district of the first
    // question found by meaning, so that one passes).
    let district = body["hits"][0]["district"].as_str().unwrap();
    let url = shared().url(&format!("/?q=hulajnogowcy&district={}", enc(district)));
    let page = client().get(url).send().unwrap().text().unwrap();
    assert!(page.contains("Żadne pytanie spełniające wybrane filtry nie zawiera tych słów"), "{page}");
}

/// The titles of the first three questions a search finds by its words alone (`dense=false`: no
/// ranking by meaning, which would find them anyway).
fn first_titles_by_words(q: &str) -> Vec<String> {
    titles(&shared().get_ok(&format!("/api/search?q={}&limit=3&dense=false", enc(q))))
}

/// Asserts that each query's first three questions by words hold one whose title has its word.
fn each_finds_by_words(cases: &[(&str, &str)]) {
    for (query, wanted) in cases {
        let titles = first_titles_by_words(query);
        assert!(titles.iter().any(|t| t.contains(wanted)), "{query}: {titles:?}");
    }
}

/// One field of each of the first `limit` questions the "already asked?" box
/// (`/api/related?q=`) lists for `text`.
fn already_asked_field(text: &str, limit: usize, field: &str) -> Vec<String> {
    let body = shared().get_ok(&format!("/api/related?q={}&limit={limit}", enc(text)));
    body["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|h| h[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The lowercased titles of the first three questions the "already asked?" box shows for `text`.
fn already_asked_titles(text: &str) -> Vec<String> {
    already_asked_field(text, 3, "title").into_iter().map(|t| t.to_lowercase()).collect()
}

/// A Ukrainian query's words are also searched in Polish letters (`психологічна` →
/// `psychołogiczna`, `трамваї` → `tramwaji`): the words Ukrainian and Polish share find Polish
/// questions without ranking by meaning and without any dictionary.
#[test]
fn ukrainian_words_meet_their_polish_cognates() {
    for (query, wanted) in [("психологічна допомога студентам", "psycholog"), ("переповнені трамваї", "tramwaj")]
    {
        let titles = first_titles_by_words(query);
        assert!(titles.iter().any(|t| t.contains(wanted)), "{query}: {titles:?}");
    }
}

/// A Ukrainian query is searched with the Polish words of its own (Apertium's Ukrainian–Russian
/// pair and FreeDict's Polish–Russian dictionary chained, `tools/setup-dictionary.sh`), so its
/// words alone, without ranking by meaning, find the Polish questions on its subject where
/// neither the words as typed nor their Polish spelling share anything with them. `дірка`
/// reaches `dziura` only through FreeDict's dictionaries via other languages (Russian `дырка` is
/// not in the Polish–Russian one; no judged query uses it): without them the first three were
/// questions in Ukrainian on Polish lessons.
#[test]
fn ukrainian_words_find_polish_questions_through_the_table() {
    if lawka::analysis::cyrillic::ukrainian_polish().is_none() {
        assert_eq!(shared().get_ok("/healthz")["ukrainian_dictionary"], false, "the service says so");
        eprintln!("skipped: the Ukrainian–Polish table is not generated (tools/test.sh does it)");
        return;
    }
    assert_eq!(shared().get_ok("/healthz")["ukrainian_dictionary"], true);
    let table = lawka::analysis::cyrillic::ukrainian_polish().expect("checked above");
    assert!(table.translate("дірка").iter().any(|p| p == "dziura"), "{:?}", table.translate("дірка"));
    each_finds_by_words(&[
        ("дикі кабани у дворі", "dzik"),
        ("зламаний ліфт у будинку", "wind"),
        ("безкоштовний проїзд для пенсіонерів", "przejazd"),
        ("дірка в асфальті на дорозі", "dziur"),
    ]);
}

/// A question a resident wrote in Ukrainian, and the city's answer in Ukrainian, are indexed with
/// their words' Polish translations too, so a Polish query's words alone (no ranking by meaning)
/// find them as they find a Polish question. Without it only the Polish names inside an answer
/// could match: `kursy języka polskiego dla dorosłych` found a psychologist for students first.
#[test]
fn polish_words_find_questions_written_in_ukrainian() {
    if lawka::analysis::cyrillic::ukrainian_polish().is_none() {
        eprintln!("skipped: the Ukrainian–Polish table is not generated (tools/test.sh does it)");
        return;
    }
    each_finds_by_words(&[
        ("kursy języka polskiego dla dorosłych", "польськ"),
        ("syn nie mówi po polsku, jak zapisać go do szkoły", "польськ"),
    ]);
}

/// The "already asked?" box reads a Ukrainian text with its words' Polish translations too, so a
/// resident describing a problem in Ukrainian is shown the Polish questions about it, not the few
/// questions written in Ukrainian about something else.
#[test]
fn already_asked_finds_polish_questions_for_a_ukrainian_text() {
    if lawka::analysis::cyrillic::ukrainian_polish().is_none() {
        eprintln!("skipped: the Ukrainian–Polish table is not generated (tools/test.sh does it)");
        return;
    }
    for (text, wanted) in
        [("зламаний ліфт у будинку, мама не може вийти", "wind"), ("місця в дитячому садку для дитини", "przedszkol")]
    {
        let titles = already_asked_titles(text);
        assert!(titles.iter().any(|t| t.contains(wanted)), "{text}: {titles:?}");
    }
}

/// A Russian query is searched with the Polish words of its own (Apertium's Russian analyser and
/// FreeDict's Polish–Russian dictionary read backwards, `tools/setup-dictionary.sh`): its words
/// alone find the Polish questions on its subject, and so does the "already asked?" box for a
/// Russian text. Without the table the same words find questions written in Ukrainian or about
/// something else. `бомжи` and `лужи` are forms the analyser lacks, read through simplemma's
/// lemmas, and `самокаты` and `дырка` words FreeDict's Polish–Russian dictionary lacks, read
/// through its dictionaries via other languages (no judged query uses any of them): without
/// either the first three were questions in Ukrainian on Polish lessons. Those languages' words
/// never displace the Polish–Russian dictionary's: `даром` stays `darmo`, whatever they make of
/// its other reading, `дар` (a gift).
#[test]
fn russian_words_find_polish_questions_through_the_table() {
    if lawka::analysis::cyrillic::russian_polish().is_none() {
        assert_eq!(shared().get_ok("/healthz")["russian_dictionary"], false, "the service says so");
        eprintln!("skipped: the Russian–Polish table is not generated (tools/test.sh does it)");
        return;
    }
    assert_eq!(shared().get_ok("/healthz")["russian_dictionary"], true);
    let table = lawka::analysis::cyrillic::russian_polish().expect("checked above");
    for (word, polish) in [("самокаты", "hulajnoga"), ("дырка", "dziura"), ("даром", "darmo")] {
        assert!(table.translate(word).iter().any(|p| p == polish), "{word}: {:?}", table.translate(word));
    }
    each_finds_by_words(&[
        ("дикие кабаны во дворе", "dzik"),
        ("сломанный лифт в доме", "wind"),
        ("бесплатный проезд для пенсионеров", "przejazd"),
        ("бомжи ночуют в подъезде", "śpi"),
        ("лужи на тротуаре", "chodnik"),
        ("самокаты на тротуаре", "hulajnog"),
        ("дырка в асфальте", "dziur"),
    ]);
    let text = "нет мест в детском саду, ребёнка не приняли";
    let titles = already_asked_titles(text);
    assert!(titles.iter().any(|t| t.contains("przedszkol")), "{text}: {titles:?}");
}

/// An abbreviation the glossary does not list but the corpus spells out ("… w Punktach
/// Selektywnego Zbierania Odpadów Komunalnych (PSZOK)") is learnt at index time: `PSZOK` alone,
/// by its words, finds the questions whose answers name the points in full and never write
/// `PSZOK`, which it did not find before.
#[test]
fn abbreviations_the_corpus_spells_out_find_the_full_name() {
    assert!(
        !Glossary::read(&corpus_dir().join("glossary.txt")).unwrap().is_abbreviation("PSZOK"),
        "the hand-written glossary has no PSZOK: the test is about learning it"
    );
    let body = shared().get_ok("/api/search?q=PSZOK&limit=20&dense=false");
    let ids = hit_ids(&body);
    for id in ["2024-07-10-sidzina/8", "2025-10-21-pradnik-czerwony/8"] {
        assert!(ids.contains(&id.to_string()), "{id} not in {ids:?}");
    }
}

/// A resident's word that no question uses reaches the words the corpus uses for it through the
/// Polish thesaurus (OpenThesaurus-pl, Debian `mythes-pl`, which the test command installs), kept
/// with the index at build time: by words alone, `ślizgawka` (no result before) finds the question on an ice rink
/// (`lodowisko`) and `bryki` the one on cars (`samochody`) on lawns, which neither found before.
#[test]
fn residents_words_reach_the_corpus_s_through_the_thesaurus() {
    assert!(
        lawka::analysis::thesaurus::path().exists(),
        "mythes-pl is not installed: run tools/setup-dictionary.sh (tools/test.sh does)"
    );
    let words = shared().get_ok("/healthz")["thesaurus_words"].as_u64().unwrap_or(0);
    assert!(words > 1000, "the index keeps the thesaurus's words the corpus attests: {words}");
    each_finds_by_words(&[
        ("ślizgawka", "lodowisko"),
        ("ślizgawka dla dzieci zimą", "lodowisko"),
        ("bryki parkują na trawniku", "samochody na trawnikach"),
    ]);
}

/// Residents' everyday words that the glossary relates to the answers' wording (its section
/// written from the corpus by someone who had not seen the judged queries) find those questions
/// by words alone, where none of them found anything without it: `ropniak` the diesel cars in the
/// clean transport zone, `kwaterunek` council flats, `trotuar` pavements, `skwar` heat.
#[test]
fn residents_everyday_words_reach_the_answers_through_the_glossary() {
    each_finds_by_words(&[
        ("ropniak w strefie", "diesel"),
        ("kwaterunek", "komunaln"),
        ("trotuar", "chodnik"),
        ("skwar", "upał"),
    ]);
}

/// The thesaurus never widens a word the corpus writes (its questions' own words find them).
/// The index keeps no headword the corpus uses, nor a folded key a corpus word folds to: over
/// every word of the bundled corpus (titles, questions, answers), as written and typed without
/// Polish letters, the thesaurus words alone match none (`zebranie` typed plain is the corpus's,
/// not `żebrać`). And a search asks the thesaurus only for a word no question has in any reading:
/// `gość`, whose other reading `gościć` is a headword, finds what `gościa` finds.
#[test]
fn the_thesaurus_widens_no_word_the_corpus_writes() {
    let generation = IndexHandle::open(&shared().index_dir).unwrap().current();
    assert!(generation.thesaurus.len() > 1000, "{}", generation.thesaurus.len());
    let thesaurus = Glossary::default().with_thesaurus(&generation.thesaurus);
    let corpus = lawka::corpus::Corpus::load(&corpus_dir()).unwrap();
    let mut words: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for q in corpus.meetings.iter().flat_map(|m| &m.questions) {
        let texts = [q.title.as_str(), q.text.as_str()].into_iter().chain(q.answers.iter().map(|a| a.text.as_str()));
        for word in texts.flat_map(|t| t.split(|c: char| !c.is_alphanumeric())).filter(|w| !w.is_empty()) {
            words.insert(word.to_string());
            words.insert(lawka::analysis::fold_polish(word));
        }
    }
    let widened: Vec<&String> = words.iter().filter(|w| thesaurus.thesaurus_match(w, 0).is_some()).collect();
    assert!(widened.is_empty(), "{} of {} words widened: {widened:?}", widened.len(), words.len());
    let total = |q: &str| shared().get_ok(&format!("/api/search?q={}&dense=false", enc(q)))["total"].as_u64();
    assert_eq!(total("gość"), total("gościa"));
}

/// An English query is searched with the Polish translations of its words (FreeDict's
/// English–Polish dictionary, Debian `dict-freedict-eng-pol`, which the test command installs),
/// so its words alone, without ranking by meaning, find the Polish questions on its subject.
#[test]
fn english_words_find_polish_questions_through_the_dictionary() {
    if lawka::analysis::english::english_polish().is_none() {
        assert_eq!(shared().get_ok("/healthz")["english_dictionary"], false, "the service says so");
        eprintln!("skipped: dict-freedict-eng-pol is not installed (tools/test.sh installs it)");
        return;
    }
    assert_eq!(shared().get_ok("/healthz")["english_dictionary"], true);
    for (query, wanted) in [
        ("illegal rubbish dump near the railway", &["wysypisk"][..]),
        ("kindergarten places", &["przedszkol"]),
        ("noise from planes at night", &["hałas", "samolot"]),
    ] {
        let titles = first_titles_by_words(query);
        assert!(titles.iter().any(|t| wanted.iter().any(|w| t.contains(w))), "{query}: {titles:?}");
    }
    // Words the English–Polish side lacks, from the Polish–English one read backwards
    // (`dict-freedict-pol-eng`, which the test command installs too): "volunteer" is only
    // `ochotnik` there, "shelter" `schron`.
    let backwards = lawka::analysis::english::english_polish().is_some_and(|d| d.reads_polish_english());
    assert!(backwards, "dict-freedict-pol-eng is not installed: run tools/setup-dictionary.sh (tools/test.sh does)");
    let titles = first_titles_by_words("volunteer at the animal shelter");
    assert!(titles.iter().any(|t| t.contains("wolontariat w schronisku")), "{titles:?}");
    // English function words name no need: neither they nor their translations (`can` is also
    // `puszka`, a tin) find anything. With Lucene's shorter stop list, `where`, `do` and
    // `about` found the one English question (on night buses) second.
    let q = "where do I get sandbags when the river is about to flood";
    let body = shared().get_ok(&format!("/api/search?q={}&limit=3&dense=false", enc(q)));
    let found = self::titles(&body);
    assert!(body["hits"].as_array().unwrap().iter().all(|h| h["lang"] == "pl"), "{q}: {found:?}");
    let flood = ["Wał", "wylał", "zalan", "piwnic"];
    assert!(found.iter().any(|t| flood.iter().any(|w| t.contains(w))), "{q}: {found:?}");
}

/// The ids of the first five questions the "already asked?" box lists for `text`.
fn already_asked(text: &str) -> Vec<String> {
    already_asked_field(text, 5, "id")
}

/// The "already asked?" box (`/api/related?q=`) ranks a resident's text at least as well as a
/// search for it: on every judged set, over the queries without filters, its nDCG@5 is not below
/// the search's. It once used more-like-this alone (holdout 0.812 against the search's 0.865),
/// then fused it with the search for Cyrillic text (holdout4 0.818 against 0.841 once the search
/// met the answers' meaning); today it returns the search's ranking, and this guards that no
/// other reading of the text comes back worse.
#[test]
fn the_already_asked_box_ranks_a_text_as_well_as_a_search_does() {
    for set in POLISH_SETS {
        let queries = judged_queries(set);
        let (mut searched, mut boxed, mut n) = (0.0, 0.0, 0);
        for q in queries.iter().filter(|q| q.kind != "filtered") {
            let search = hit_ids(&shared().get_ok(&format!("/api/search?q={}&limit=5", enc(&q.query))));
            let asked = already_asked(&q.query);
            searched += eval::ndcg(&search, &q.relevant, 5);
            boxed += eval::ndcg(&asked, &q.relevant, 5);
            n += 1;
        }
        let (searched, boxed) = (searched / n as f64, boxed / n as f64);
        assert!(n > 20, "tests/eval/{set}: {n} queries");
        assert!(boxed >= searched - 0.01, "tests/eval/{set}: the box's nDCG@5 {boxed:.3}, the search's {searched:.3}");
    }
}

/// A resident's text in Ukrainian or Russian finds the Polish questions on its subject through
/// the "already asked?" box: nDCG@5 over the unfiltered queries of the sets written apart, with
/// the model and both Cyrillic tables installed (as CI has them), Russian / Ukrainian /
/// Ukrainian2 0.797 / 0.728 / 0.598 when set (the box ranking as the search does; fused with
/// more-like-this they were 0.806 / 0.720 / 0.551), each floored at that minus 0.05.
#[test]
fn the_already_asked_box_finds_polish_questions_for_cyrillic_text() {
    let health = shared().get_ok("/healthz");
    if health["retrieval"] != "hybrid" || health["ukrainian_dictionary"] != true || health["russian_dictionary"] != true
    {
        eprintln!(
            "skipped: needs the model and both Cyrillic tables (tools/setup-model.sh, tools/setup-dictionary.sh)"
        );
        return;
    }
    for (set, floor) in [("russian", 0.797 - 0.05), ("ukrainian", 0.728 - 0.05), ("ukrainian2", 0.598 - 0.05)] {
        let queries = judged_queries(set);
        let (mut boxed, mut n) = (0.0, 0);
        for q in queries.iter().filter(|q| q.kind != "filtered") {
            boxed += eval::ndcg(&already_asked(&q.query), &q.relevant, 5);
            n += 1;
        }
        assert!(n >= 15, "tests/eval/{set}: {n} queries");
        let boxed = boxed / n as f64;
        assert!(boxed >= floor, "tests/eval/{set}: the box's nDCG@5 {boxed:.3} fell below {floor:.3}");
    }
}

/// A place typed as a name beside the problem weighs less than the problem (`rank::NAME_WEIGHT`):
/// for `brak parkingów na Kurdwanowie` the question on parking at Kurdwanów comes first, and
/// parking elsewhere (useful) comes before the other problems raised at Kurdwanów's meeting
/// (not), by words. Typed in small letters, the place is an ordinary rare word and its other
/// problems come first: the name's weight is what orders them. With the model, the same holds of
/// `za mało miejsc parkingowych na Kurdwanowie` (which the glossary's parking words now order so
/// even typed in small letters).
#[test]
fn a_place_named_beside_the_problem_weighs_less_than_the_problem() {
    const HERE: &str = "2025-02-18-podgorze-duchackie/";
    let parking_here = format!("{HERE}1");
    let hits = |q: &str, dense: bool| -> Vec<(String, String)> {
        let body = shared().get_ok(&format!("/api/search?q={}&limit=10&dense={dense}", enc(q)));
        let hits = body["hits"].as_array().unwrap().iter();
        hits.map(|h| (h["id"].as_str().unwrap().to_string(), h["title"].as_str().unwrap().to_lowercase())).collect()
    };
    let about_parking = |title: &str| ["parking", "parkow", "zaparkow"].iter().any(|s| title.contains(s));
    // Whether parking elsewhere comes before any other problem of the place.
    let problem_first = |hits: &[(String, String)]| {
        let elsewhere = hits.iter().position(|(id, t)| !id.starts_with(HERE) && about_parking(t));
        let other_here = hits.iter().position(|(id, _)| id.starts_with(HERE) && *id != parking_here);
        elsewhere.is_some_and(|e| other_here.is_none_or(|o| e < o))
    };
    let named = hits("brak parkingów na Kurdwanowie", false);
    assert_eq!(named[0].0, parking_here, "{named:?}");
    assert!(problem_first(&named), "{named:?}");
    let plain = hits("brak parkingów na kurdwanowie", false);
    assert!(!problem_first(&plain), "typed in small letters: {plain:?}");
    if shared().get_ok("/healthz")["retrieval"] == "hybrid" {
        let named = hits("za mało miejsc parkingowych na Kurdwanowie", true);
        assert_eq!(named[0].0, parking_here, "with meaning: {named:?}");
        assert!(problem_first(&named), "with meaning: {named:?}");
    }
}

/// Issue 14: a long question typed as a sentence never ranks worse than OR BM25 over the same
/// analysis would (`eval::or_bm25`: any word enough, BM25 sums, no glossary, bonus or meaning).
/// On every judged set, over its Polish queries of a sentence's length (`rank::SENTENCE_WORDS`
/// words or more, 4 to 46 per set), the engine's nDCG@10 is at least OR BM25's, and so it is
/// over the question-type queries of all sets together. Measured 2026-12-07 (twenty-ninth
/// session), engine against OR BM25, with the model: dev 0.987 / 0.925, holdout 0.893 / 0.812,
/// holdout2 0.821 / 0.785, holdout3 0.812 / 0.717, holdout4 0.858 / 0.802, holdout5 0.789 /
/// 0.740, holdout6 0.848 / 0.804, holdout7 0.909 / 0.879, (thirtieth session) holdout8
/// 0.888 / 0.803, and (thirty-fifth) holdout9's 45 sentences 0.747 / 0.627 (words alone 0.671);
/// words alone the closest is holdout7, 0.881 / 0.879. Query by query it does not
/// always hold (43 of 292 queries are behind, most by a few hundredths; docs/RELEVANCE.md).
#[test]
fn sentences_rank_at_least_as_well_as_or_bm25_over_the_same_analysis() {
    let handle = IndexHandle::open(&shared().index_dir).unwrap();
    let generation = handle.current();
    let glossary = Glossary::read(&corpus_dir().join("glossary.txt")).unwrap();
    let mean = |r: &[eval::QueryResult]| r.iter().map(|q| q.ndcg).sum::<f64>() / r.len() as f64;
    let (mut questions, mut questions_or) = (Vec::new(), Vec::new());
    for set in POLISH_SETS {
        let sentences: Vec<JudgedQuery> = judged_queries(set)
            .into_iter()
            .filter(|q| q.kind != "other_language" && q.query.split_whitespace().count() >= rank::SENTENCE_WORDS)
            .collect();
        assert!(sentences.len() >= 4, "tests/eval/{set}: {} sentences", sentences.len());
        let engine = eval::run_queries(&generation, &glossary, &sentences).unwrap();
        let or = eval::run_queries_with(&generation, &sentences, |req| eval::or_bm25(&generation, req)).unwrap();
        let behind: Vec<String> = engine
            .iter()
            .zip(&or)
            .filter(|(e, o)| e.ndcg < o.ndcg)
            .map(|(e, o)| format!("{} {:.3} < {:.3}", e.query, e.ndcg, o.ndcg))
            .collect();
        assert!(
            mean(&engine) >= mean(&or),
            "tests/eval/{set}: sentences {:.3} against OR BM25's {:.3}; behind: {behind:#?}",
            mean(&engine),
            mean(&or)
        );
        let question = |r: &eval::QueryResult| r.kind == "question";
        questions.extend(engine.into_iter().filter(question));
        questions_or.extend(or.into_iter().filter(question));
    }
    assert!(questions.len() >= 40, "{} question-type queries", questions.len());
    assert!(
        mean(&questions) >= mean(&questions_or),
        "question-type queries: {:.3} against OR BM25's {:.3}",
        mean(&questions),
        mean(&questions_or)
    );
}
