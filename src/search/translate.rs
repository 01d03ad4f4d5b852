//! A query in another language searched in Polish words. An English word becomes "any of" itself
//! and its Polish translations (FreeDict, see [`analysis::english`]); a Ukrainian or Russian word,
//! "any of" itself, its spelling in Polish letters (see [`analysis::transliterate`]) and its Polish
//! words (from Apertium and FreeDict, see [`analysis::cyrillic`]). So the words find
//! Polish questions the way a Polish query would, and dense retrieval (where installed) is fused
//! with a list that means something.

use std::borrow::Cow;

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

use super::dense;
use super::query::{Clause, Language, QueryAst};
use crate::analysis::cyrillic::{self, CyrillicLanguage, CyrillicPolish};
use crate::analysis::transliterate::is_cyrillic;
use crate::analysis::{self, english::EnglishPolish};

/// `ast` with the words of a query in another language widened by Polish ones, and its
/// [`Language`] decided once for the ranking: a Cyrillic query is transliterated and, where its
/// language's table is installed, translated (and ranks as `cyrillic_ranking` says); a
/// Latin-script query that reads as not Polish is translated where the dictionary is installed
/// and knows some of its words.
pub fn into_polish(ast: QueryAst, text: &str) -> QueryAst {
    if is_cyrillic(text) {
        let letters = cyrillic::cyrillic_language(text);
        let ast = match letters {
            CyrillicLanguage::Ukrainian => without_function_words(ast, text, cyrillic::ukrainian_polish()),
            _ => ast,
        };
        let words_serve = cyrillic::ukrainian_polish().is_some_and(CyrillicPolish::has_function_words);
        let language = cyrillic_ranking(letters, words_serve);
        return QueryAst { language, ..transliterate(ast, text) };
    }
    if !dense::is_foreign(text) {
        return ast;
    }
    let translated = analysis::english::english_polish().map(|dictionary| translate(ast.clone(), dictionary));
    match translated {
        Some(t) if t.should.iter().chain(&t.must).any(|c| matches!(c, Clause::AnyOf(_))) => {
            QueryAst { language: Language::Translated, ..t }
        }
        // No word found a translation: drop nothing either (the words as typed are all there is).
        _ => QueryAst { language: Language::Foreign, ..ast },
    }
}

/// `ast` without its Ukrainian function words (`чи`, `для`, `до`, see
/// [`cyrillic::is_ukrainian_function_word`], and where the Ukrainian `table` is installed, every
/// form its analyser makes one: `біля`, `нашого`, `можна`) among the words it need not all have;
/// as typed where they are all it has. `text` is the query as typed: a word the parser split at an
/// apostrophe (`з'являється`) keeps its first piece, which carries the whole word's translation
/// (see [`widen_cyrillic`]).
pub fn without_function_words(ast: QueryAst, text: &str, table: Option<&CyrillicPolish>) -> QueryAst {
    let split: Vec<String> = text
        .split(|c: char| !cyrillic::is_word_char(c))
        .filter_map(|w| w.find(['\'', '’']).map(|at| w[..at].to_lowercase()))
        .collect();
    let content = |c: &Clause| {
        !matches!(c, Clause::Word(w) if {
            let w = w.to_lowercase();
            (cyrillic::is_ukrainian_function_word(&w) || table.is_some_and(|t| t.is_function_word(&w)))
                && !split.contains(&w)
        })
    };
    if ast.must.is_empty() && !ast.should.iter().any(content) {
        return ast;
    }
    QueryAst { should: ast.should.into_iter().filter(|c| content(c)).collect(), ..ast }
}

/// How a Cyrillic query ranks. Never as `Translated`: word by word (Ukrainian through Russian)
/// its words are rougher than English ones, and leaning on them that much lost on the dev set and
/// the first holdout for Ukrainian, and on the development probe for Russian. A Ukrainian query
/// leans on its words more than a foreign one (`rank::DENSE_WEIGHT_UKRAINIAN`) where its table is
/// installed with the analyser's function words (`words_serve`), which the query has dropped:
/// without them, on Ukrainian queries nobody had read, leaning on the words lost (0.525 → 0.498,
/// docs/RELEVANCE.md). A Russian one, or one whose letters do not tell, does not: the Russian
/// probe loses.
pub(crate) fn cyrillic_ranking(letters: CyrillicLanguage, words_serve: bool) -> Language {
    match letters {
        CyrillicLanguage::Ukrainian if words_serve => Language::Ukrainian,
        _ => Language::Foreign,
    }
}

/// A Cyrillic query's words widened by their Polish spelling (see [`analysis::transliterate`])
/// and, where the tables are installed, their Polish words (see [`analysis::cyrillic`]): "any of"
/// the word as typed, in Polish letters and in Polish. Its letters tell Russian from Ukrainian
/// where they can; otherwise it is read both ways. `text` is the query as typed, whose words
/// with an apostrophe the parser has split.
pub fn transliterate(ast: QueryAst, text: &str) -> QueryAst {
    let language = cyrillic::cyrillic_language(text);
    widen_cyrillic(ast, &cyrillic::tables_for(language), language, text)
}

/// Most words of a text whose translations join its meaning: the model reads a few hundred
/// tokens, so words appended after a long text would be cut off anyway, and each costs time.
const MAX_TRANSLATED_WORDS: usize = 24;

/// The text whose meaning is searched: a Ukrainian or Russian query's is followed by its words'
/// Polish translations, which put its vector nearer the Polish questions (the small model maps
/// Ukrainian less well than Polish); any other text is searched as typed. Only the forms the
/// analyser read: the words of forms whose lemma was guessed moved the Russian judged queries'
/// meaning away from their questions (`CyrillicPolish::translate_analysed`).
pub fn for_meaning(text: &str) -> Cow<'_, str> {
    if !is_cyrillic(text) {
        return text.into();
    }
    with_translations(text, &cyrillic::tables_for(cyrillic::cyrillic_language(text)))
}

/// The same with the words of every form the tables know, guessed lemmas included: a Cyrillic
/// text read as a question's words (more-like-this), which searches them as a query's words are.
pub fn for_words(text: &str) -> Cow<'_, str> {
    if !is_cyrillic(text) {
        return text.into();
    }
    with_all_translations(text, &cyrillic::tables_for(cyrillic::cyrillic_language(text)))
}

/// [`for_meaning`] with the tables given (pure). Excluded words (`-ліфт`, `-"..."`) add nothing:
/// their meaning would draw in the questions the resident left out.
pub fn with_translations<'t>(text: &'t str, tables: &[&CyrillicPolish]) -> Cow<'t, str> {
    translations_after(text, tables, CyrillicPolish::translate_analysed)
}

/// [`for_words`] with the tables given (pure).
pub fn with_all_translations<'t>(text: &'t str, tables: &[&CyrillicPolish]) -> Cow<'t, str> {
    translations_after(text, tables, CyrillicPolish::translate)
}

/// `text` followed by the Polish words `words_of` gives its words and names in `tables`.
fn translations_after<'t>(
    text: &'t str,
    tables: &[&CyrillicPolish],
    words_of: for<'c> fn(&'c CyrillicPolish, &str) -> &'c [String],
) -> Cow<'t, str> {
    let mut polish: Vec<&str> = Vec::new();
    let words: Vec<&str> = searched_words(text).take(MAX_TRANSLATED_WORDS).collect();
    let names = tables.iter().flat_map(|t| words.windows(2).flat_map(move |pair| t.translate_name(pair[0], pair[1])));
    let translated = words.iter().flat_map(|w| tables.iter().flat_map(move |t| words_of(t, w)));
    for p in translated.chain(names) {
        if !polish.contains(&p.as_str()) {
            polish.push(p);
        }
    }
    if polish.is_empty() {
        return text.into();
    }
    format!("{text} {}", polish.join(" ")).into()
}

/// The words of `text` that are not excluded, apostrophes kept inside them (`здоров'я`), as
/// [`query::parse`] reads a leading `-` (before a word or a quoted phrase).
fn searched_words(text: &str) -> impl Iterator<Item = &str> {
    let mut kept: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let excluded = rest.starts_with('-');
        let end = match rest.strip_prefix("-\"").or_else(|| rest.strip_prefix('"')) {
            Some(after) => after.find('"').map_or(rest.len(), |e| rest.len() - after.len() + e + 1),
            None => rest.find(char::is_whitespace).unwrap_or(rest.len()),
        };
        if !excluded {
            kept.push(&rest[..end]);
        }
        rest = &rest[end..];
    }
    kept.into_iter().flat_map(|chunk| chunk.split(|c: char| !cyrillic::is_word_char(c)).filter(|w| !w.is_empty()))
}

/// [`transliterate`] with the tables given (pure), in the order their words are added. A word is
/// spelt in Polish letters as `language` reads its letters, both ways where the letters do not
/// tell (see `spellings`). The parser splits a word at an apostrophe (`здоров'я` → `здоров`, `я`): the whole word's
/// translations go to its first piece, and its other pieces are not looked up (`я` would find
/// some other word's entry).
pub fn widen_cyrillic(ast: QueryAst, tables: &[&CyrillicPolish], language: CyrillicLanguage, text: &str) -> QueryAst {
    let mut whole: Vec<(String, &str)> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    for word in text.split(|c: char| !cyrillic::is_word_char(c)) {
        let mut pieces = word.split(['\'', '’']).filter(|p| !p.is_empty());
        if let (Some(first), Some(_)) = (pieces.next(), word.find(['\'', '’'])) {
            whole.push((first.to_lowercase(), word));
            inner.extend(pieces.map(str::to_lowercase));
        }
    }
    let translations = |w: &str| -> Vec<&String> {
        let lower = w.to_lowercase();
        let word = match whole.iter().find(|(first, _)| *first == lower) {
            Some((_, word)) => *word,
            None if inner.contains(&lower) => return Vec::new(),
            None => w,
        };
        tables.iter().flat_map(|t| t.translate(word)).collect()
    };
    // Two consecutive words that name one thing both take its Polish name.
    let named = |clauses: &[Clause]| -> Vec<Vec<String>> {
        let mut names = vec![Vec::new(); clauses.len()];
        for i in 1..clauses.len() {
            if let (Clause::Word(a), Clause::Word(b)) = (&clauses[i - 1], &clauses[i]) {
                for p in tables.iter().flat_map(|t| t.translate_name(a, b)) {
                    names[i - 1].push(p.clone());
                    names[i].push(p.clone());
                }
            }
        }
        names
    };
    let widen = |(c, names): (Clause, Vec<String>)| match c {
        Clause::Word(w) => {
            let mut any = Vec::new();
            for polish in spellings(&w, language) {
                if polish.chars().count() >= 4 {
                    any.push(Clause::Word(polish));
                }
            }
            for p in translations(&w).into_iter().chain(&names) {
                if !any.contains(&Clause::Word(p.clone())) {
                    any.push(Clause::Word(p.clone()));
                }
            }
            if any.is_empty() {
                Clause::Word(w)
            } else {
                any.insert(0, Clause::Word(w));
                Clause::AnyOf(any)
            }
        }
        other => other,
    };
    let (should_names, must_names) = (named(&ast.should), named(&ast.must));
    QueryAst {
        should: ast.should.into_iter().zip(should_names).map(widen).collect(),
        must: ast.must.into_iter().zip(must_names).map(widen).collect(),
        ..ast
    }
}

/// A Cyrillic word in Polish letters as its language reads them: both readings, where the letters
/// do not tell the language and the two differ (Ukrainian `и` is Polish `y`, Russian `и` is `i`).
fn spellings(word: &str, language: CyrillicLanguage) -> Vec<String> {
    use analysis::transliterate::{russian_to_polish, ukrainian_to_polish};
    let (uk, ru) = match language {
        CyrillicLanguage::Ukrainian => (ukrainian_to_polish(word), None),
        CyrillicLanguage::Russian => (None, russian_to_polish(word)),
        CyrillicLanguage::Either => (ukrainian_to_polish(word), russian_to_polish(word)),
    };
    let mut out: Vec<String> = uk.into_iter().collect();
    out.extend(ru.filter(|r| !out.contains(r)));
    out
}

/// The translation itself (pure: the dictionary is given).
pub fn translate(ast: QueryAst, dictionary: &EnglishPolish) -> QueryAst {
    let mut stemmer = analysis::english_stemmer();
    let mut stop = english_stop_words();
    let should: Vec<Clause> = ast
        .should
        .into_iter()
        // English function words ("the", "how", "after") are no part of the need: those of
        // NLTK's English stop list and those whose every translation is a Polish stop word.
        .filter(|c| match c {
            Clause::Word(w) => {
                let polish = dictionary.translate(w, &mut stemmer);
                let function_word = !polish.is_empty() && polish.iter().all(|p| analysis::is_stop_word(p));
                !function_word && !analysis::analyze(&mut stop, w).is_empty()
            }
            _ => true,
        })
        .collect();
    let mut word = |c: Clause| match c {
        Clause::Word(w) => {
            let polish = dictionary.translate(&w, &mut stemmer);
            if polish.is_empty() {
                return Clause::Word(w);
            }
            let mut any = vec![Clause::Word(w.clone())];
            for p in polish {
                any.push(if p.contains(' ') { Clause::Phrase(p.clone()) } else { Clause::Word(p.clone()) });
            }
            Clause::AnyOf(any)
        }
        other => other,
    };
    let nothing_searchable = ast.nothing_searchable || (should.is_empty() && ast.must.is_empty());
    QueryAst {
        should: should.into_iter().map(&mut word).collect(),
        must: ast.must.into_iter().map(&mut word).collect(),
        must_not: ast.must_not,
        nothing_searchable,
        language: ast.language,
        names: ast.names,
    }
}

fn english_stop_words() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(analysis::english_stop_words()).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::english::dictd_text;
    use crate::search::glossary::Glossary;
    use crate::search::query;

    fn dictionary() -> EnglishPolish {
        let entries = [
            "bin /bɪn/ <N>\n 1.  wiadro na śmieci, wiadro\n 2.  pojemnik\n",
            "how /haʊ/ <Adv>\n  jak\n",
            "can /kæn/ <N>\n  puszka\n",
        ];
        let (mut index, mut offset) = (String::new(), 0);
        for e in entries {
            let head = e.split(' ').next().unwrap_or_default();
            index.push_str(&format!("{head}\t{}\t{}\n", dictd_text(offset), dictd_text(e.len())));
            offset += e.len();
        }
        EnglishPolish::from_dictd(&index, entries.concat().as_bytes())
    }

    #[test]
    fn english_words_become_any_of_their_translations_and_function_words_go() {
        let ast = query::parse("the bins are overflowing", &Glossary::default());
        let out = translate(ast, &dictionary());
        assert_eq!(
            out.should,
            vec![
                Clause::AnyOf(vec![
                    Clause::Word("bins".into()),
                    Clause::Phrase("wiadro na śmieci".into()),
                    Clause::Word("wiadro".into()),
                    Clause::Word("pojemnik".into()),
                ]),
                Clause::Word("overflowing".into()),
            ]
        );
    }

    /// An English function word goes with whatever the dictionary gives it (`can` is also a tin,
    /// `puszka`), and so does one it does not know (`my`).
    #[test]
    fn english_function_words_go_with_their_translations() {
        let out = translate(query::parse("where can my bin be", &Glossary::default()), &dictionary());
        assert_eq!(out.should.len(), 1, "{:?}", out.should);
        assert!(matches!(&out.should[0], Clause::AnyOf(any) if any[0] == Clause::Word("bin".into())));
    }

    #[test]
    fn the_language_is_decided_once_for_the_ranking() {
        let g = Glossary::default();
        let polish = into_polish(query::parse("dziury na Balickiej", &g), "dziury na Balickiej");
        assert_eq!(polish.language, Language::Polish);
        assert!(!polish.should.iter().any(|c| matches!(c, Clause::AnyOf(_))), "a Polish query is left as typed");
        let ukrainian = into_polish(query::parse("переповнені трамваї", &g), "переповнені трамваї");
        let words_serve = cyrillic::ukrainian_polish().is_some_and(CyrillicPolish::has_function_words);
        assert_eq!(ukrainian.language, cyrillic_ranking(CyrillicLanguage::Ukrainian, words_serve));
        assert!(ukrainian.should.iter().all(|c| matches!(c, Clause::AnyOf(_))), "{:?}", ukrainian.should);
    }

    #[test]
    fn only_ukrainian_with_its_table_leans_on_its_words() {
        assert_eq!(cyrillic_ranking(CyrillicLanguage::Ukrainian, true), Language::Ukrainian);
        assert_eq!(
            cyrillic_ranking(CyrillicLanguage::Ukrainian, false),
            Language::Foreign,
            "no table, or none of its function words"
        );
        assert_eq!(cyrillic_ranking(CyrillicLanguage::Russian, true), Language::Foreign);
        assert_eq!(cyrillic_ranking(CyrillicLanguage::Either, true), Language::Foreign, "letters that do not tell");
    }

    #[test]
    fn ukrainian_function_words_go_unless_they_are_all_there_is() {
        let g = Glossary::default();
        let table = CyrillicPolish::from_tsv("собаку\tpies\n-можна\n-біля\n-без\n");
        let words = |text: &str, table: Option<&CyrillicPolish>| {
            without_function_words(query::parse(text, &g), text, table).should.len()
        };
        // `чи` (whether), `є` (is) and `для` (for) go by the list; `можна` (one may) and `біля`
        // (near) by the table's analyser, where it is installed.
        assert_eq!(words("чи є місця для дітей", None), 2);
        assert_eq!(words("чи можна вигулювати собаку", None), 3);
        assert_eq!(words("чи можна вигулювати собаку", Some(&table)), 2);
        assert_eq!(words("Біля будинку", Some(&table)), 1, "any case");
        assert_eq!(words("чи є для", None), 3, "only function words: as typed");
        assert_eq!(words("з'являється", None), 2, "the first piece of a word split at its apostrophe stays");
        assert_eq!(
            words("без ліфта", Some(&table)),
            2,
            "`без`, without, is no function word here, whatever the table says"
        );
        assert!(cyrillic::is_ukrainian_function_word("для") && !cyrillic::is_ukrainian_function_word("собаку"));
        // A text without a letter only Ukrainian writes may be Russian, and keeps them all.
        let russian = "можно ли выгуливать собак для детей";
        assert_eq!(into_polish(query::parse(russian, &g), russian).should.len(), 6);
    }

    #[test]
    fn ukrainian_words_become_any_of_their_polish_spelling_and_translations() {
        let table = CyrillicPolish::from_tsv("кабани\tdzik\nбудинків\tdom\n");
        let ast = query::parse("дикі кабани біля будинків", &Glossary::default());
        let out = widen_cyrillic(ast, &[&table], CyrillicLanguage::Ukrainian, "дикі кабани біля будинків");
        assert_eq!(
            out.should[1],
            Clause::AnyOf(vec![
                Clause::Word("кабани".into()),
                Clause::Word("kabany".into()),
                Clause::Word("dzik".into())
            ])
        );
        assert_eq!(
            out.should[3],
            Clause::AnyOf(vec![
                Clause::Word("будинків".into()),
                Clause::Word("budynkiw".into()),
                Clause::Word("dom".into())
            ])
        );
        let without = widen_cyrillic(
            query::parse("дикі кабани", &Glossary::default()),
            &[],
            CyrillicLanguage::Ukrainian,
            "дикі кабани",
        );
        assert_eq!(
            without.should[1],
            Clause::AnyOf(vec![Clause::Word("кабани".into()), Clause::Word("kabany".into())])
        );
    }

    #[test]
    fn a_ukrainian_text_means_what_its_translations_add() {
        let table = CyrillicPolish::from_tsv("кабани\tdzik\nкабан\tdzik\nсім'ї\trodzina\n");
        assert_eq!(with_translations("кабани і кабан у сім’ї", &[&table]), "кабани і кабан у сім’ї dzik rodzina");
        assert_eq!(with_translations("невідоме слово", &[&table]), "невідоме слово");
        assert_eq!(
            with_translations("кабани -сім'ї", &[&table]),
            "кабани -сім'ї dzik",
            "an excluded word adds nothing"
        );
        assert_eq!(with_translations(r#"-"сім'ї кабани" кабан"#, &[&table]), r#"-"сім'ї кабани" кабан dzik"#);
        let russian = CyrillicPolish::from_tsv("браслет\tbransoletka\n=бабушки\tbabcia\n");
        assert_eq!(
            with_translations("браслет для бабушки", &[&russian]),
            "браслет для бабушки bransoletka",
            "a form whose lemma was guessed adds nothing to the meaning"
        );
        assert_eq!(
            with_all_translations("браслет для бабушки", &[&russian]),
            "браслет для бабушки bransoletka babcia",
            "but its words are read as a question's words"
        );
    }

    #[test]
    fn two_words_naming_one_thing_both_take_its_polish_name() {
        let table = CyrillicPolish::from_tsv(
            "дитячий\tdziecięcy\tдитячий\nсадок\togród\tсадок\nдитину\tdziecko\n+дитячий садок\tprzedszkole\n",
        );
        let text = "дитину в дитячий садок";
        let out = widen_cyrillic(query::parse(text, &Glossary::default()), &[&table], CyrillicLanguage::Either, text);
        let with_name: Vec<&Clause> = out
            .should
            .iter()
            .filter(|c| matches!(c, Clause::AnyOf(any) if any.contains(&Clause::Word("przedszkole".into()))))
            .collect();
        assert_eq!(with_name.len(), 2, "{:?}", out.should);
        assert_eq!(with_translations(text, &[&table]), "дитину в дитячий садок dziecko dziecięcy ogród przedszkole");
    }

    #[test]
    fn a_word_split_at_its_apostrophe_is_translated_whole() {
        let table = CyrillicPolish::from_tsv("здоров'я\tzdrowie\nздоров\tgratulować\nя\tja\nдітей\tdziecko\n");
        for text in ["здоров'я дітей", "Здоров’я дітей"] {
            let out =
                widen_cyrillic(query::parse(text, &Glossary::default()), &[&table], CyrillicLanguage::Either, text);
            let words: Vec<String> = out
                .should
                .iter()
                .flat_map(|c| match c {
                    Clause::AnyOf(any) => any.clone(),
                    other => vec![other.clone()],
                })
                .filter_map(|c| if let Clause::Word(w) = c { Some(w) } else { None })
                .collect();
            assert!(words.contains(&"zdrowie".to_string()), "{text}: {words:?}");
            assert!(
                !words.contains(&"gratulować".to_string()) && !words.contains(&"ja".to_string()),
                "{text}: {words:?}"
            );
            assert!(words.contains(&"dziecko".to_string()), "{text}: {words:?}");
        }
    }

    #[test]
    fn a_russian_query_reads_its_own_table_and_spelling_and_an_unclear_one_reads_both() {
        let uk = CyrillicPolish::from_tsv("кабани\tdzik\nчас\tczas\n");
        let ru = CyrillicPolish::from_tsv("кабаны\tdzik\nчас\tgodzina\nдворе\tpodwórze\n+детский сад\tprzedszkole\nдетский\tdziecięcy\tдетский\nсад\togród\tсад\n");
        let text = "дикие кабаны во дворе";
        let out = widen_cyrillic(query::parse(text, &Glossary::default()), &[&ru], CyrillicLanguage::Russian, text);
        assert_eq!(
            out.should[1],
            Clause::AnyOf(vec![
                Clause::Word("кабаны".into()),
                Clause::Word("kabany".into()),
                Clause::Word("dzik".into())
            ])
        );
        assert_eq!(out.should[0], Clause::AnyOf(vec![Clause::Word("дикие".into()), Clause::Word("dikie".into())]));
        // Both tables, Ukrainian first, with each one's names.
        let both = with_translations("час детский сад", &[&uk, &ru]);
        assert_eq!(both, "час детский сад czas godzina dziecięcy ogród przedszkole");
        // A form whose lemma was guessed is searched as its Polish words too.
        let guessed = CyrillicPolish::from_tsv("=газонах\ttrawnik\n");
        let text = "машины на газонах";
        let out =
            widen_cyrillic(query::parse(text, &Glossary::default()), &[&guessed], CyrillicLanguage::Russian, text);
        assert!(
            out.should.iter().any(|c| matches!(c, Clause::AnyOf(any) if any.contains(&Clause::Word("trawnik".into())))),
            "{out:?}"
        );
    }

    #[test]
    fn an_unclear_word_is_spelt_both_ways_where_they_differ() {
        assert_eq!(spellings("психолога", CyrillicLanguage::Either), ["psychołoga", "psichołoga"]);
        assert_eq!(spellings("психолога", CyrillicLanguage::Ukrainian), ["psychołoga"]);
        assert_eq!(spellings("психолога", CyrillicLanguage::Russian), ["psichołoga"]);
        assert_eq!(spellings("трамвай", CyrillicLanguage::Either), ["tramwaj"], "one spelling where both agree");
        assert!(spellings("tram", CyrillicLanguage::Either).is_empty());
    }

    #[test]
    fn a_query_of_function_words_only_asks_for_nothing() {
        let out = translate(query::parse("how are the", &Glossary::default()), &dictionary());
        assert!(out.should.is_empty() && out.nothing_searchable);
    }
}
