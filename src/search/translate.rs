//! A query in another language searched in Polish words. An English word becomes "any of" itself
//! and its Polish translations (FreeDict, see [`analysis::english`]); a Ukrainian word, "any of"
//! itself, its spelling in Polish letters (see [`analysis::transliterate`]) and its Polish words
//! (Apertium and FreeDict chained through Russian, see [`analysis::ukrainian`]). So the words find
//! Polish questions the way a Polish query would, and dense retrieval (where installed) is fused
//! with a list that means something.

use std::borrow::Cow;

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer};

use super::dense;
use super::query::{Clause, Language, QueryAst};
use crate::analysis::{self, english::EnglishPolish, ukrainian::UkrainianPolish};

/// `ast` with the words of a query in another language widened by Polish ones, and its
/// [`Language`] decided once for the ranking: a Cyrillic query is transliterated and, where the
/// table is installed, translated (and stays foreign); a Latin-script query that reads as not
/// Polish is translated where the dictionary is installed and knows some of its words.
pub fn into_polish(ast: QueryAst, text: &str) -> QueryAst {
    if is_cyrillic(text) {
        // Foreign even where its words were translated: word by word through Russian they are
        // rougher than English ones, and leaning on the words (as `Translated` does) lost on
        // the dev set and the first holdout (docs/RELEVANCE.md).
        return QueryAst { language: Language::Foreign, ..transliterate(ast) };
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

/// A Ukrainian query's words widened by their Polish spelling (see
/// [`analysis::transliterate`]) and, where the table is installed, their Polish words (see
/// [`analysis::ukrainian`]): "any of" the word as typed, in Polish letters and in Polish.
pub fn transliterate(ast: QueryAst) -> QueryAst {
    widen_ukrainian(ast, analysis::ukrainian::ukrainian_polish())
}

/// The text whose meaning is searched: a Ukrainian query's is followed by its words' Polish
/// translations, which put its vector nearer the Polish questions (the small model maps
/// Ukrainian less well than Polish); any other text is searched as typed.
pub fn for_meaning(text: &str) -> Cow<'_, str> {
    match analysis::ukrainian::ukrainian_polish() {
        Some(table) if is_cyrillic(text) => with_translations(text, table),
        _ => text.into(),
    }
}

/// [`for_meaning`] with the table given (pure).
pub fn with_translations<'t>(text: &'t str, table: &UkrainianPolish) -> Cow<'t, str> {
    let mut polish: Vec<&str> = Vec::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '\'' | '’' | 'ʼ'))) {
        for p in table.translate(word) {
            if !polish.contains(&p.as_str()) {
                polish.push(p);
            }
        }
    }
    if polish.is_empty() {
        return text.into();
    }
    format!("{text} {}", polish.join(" ")).into()
}

fn is_cyrillic(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// [`transliterate`] with the table given (pure).
pub fn widen_ukrainian(ast: QueryAst, table: Option<&UkrainianPolish>) -> QueryAst {
    let widen = |c: Clause| match c {
        Clause::Word(w) => {
            let mut any = Vec::new();
            if let Some(polish) = analysis::transliterate::ukrainian_to_polish(&w) {
                if polish.chars().count() >= 4 {
                    any.push(Clause::Word(polish));
                }
            }
            for p in table.map_or(&[][..], |t| t.translate(&w)) {
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
    QueryAst {
        should: ast.should.into_iter().map(widen).collect(),
        must: ast.must.into_iter().map(widen).collect(),
        ..ast
    }
}

/// The translation itself (pure: the dictionary is given).
pub fn translate(ast: QueryAst, dictionary: &EnglishPolish) -> QueryAst {
    let mut stemmer = analysis::english_analyzer();
    let mut stop = english_stop_words();
    let should: Vec<Clause> = ast
        .should
        .into_iter()
        // English function words ("the", "how", "after") are no part of the need: those of
        // Lucene's English stop list and those whose every translation is a Polish stop word.
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
    let only_stop_words = ast.only_stop_words || (should.is_empty() && ast.must.is_empty());
    QueryAst {
        should: should.into_iter().map(&mut word).collect(),
        must: ast.must.into_iter().map(&mut word).collect(),
        must_not: ast.must_not,
        only_stop_words,
        language: ast.language,
    }
}

fn english_stop_words() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser);
    match StopWordFilter::new(tantivy::tokenizer::Language::English) {
        Some(stop) => builder.filter(stop).build(),
        None => builder.build(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::english::dictd_text;
    use crate::search::glossary::Glossary;
    use crate::search::query;

    fn dictionary() -> EnglishPolish {
        let entries = ["bin /bɪn/ <N>\n 1.  wiadro na śmieci, wiadro\n 2.  pojemnik\n", "how /haʊ/ <Adv>\n  jak\n"];
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

    #[test]
    fn the_language_is_decided_once_for_the_ranking() {
        let g = Glossary::default();
        let polish = into_polish(query::parse("dziury na Balickiej", &g), "dziury na Balickiej");
        assert_eq!(polish.language, Language::Polish);
        assert!(!polish.should.iter().any(|c| matches!(c, Clause::AnyOf(_))), "a Polish query is left as typed");
        let ukrainian = into_polish(query::parse("переповнені трамваї", &g), "переповнені трамваї");
        assert_eq!(ukrainian.language, Language::Foreign);
        assert!(ukrainian.should.iter().all(|c| matches!(c, Clause::AnyOf(_))), "{:?}", ukrainian.should);
    }

    #[test]
    fn ukrainian_words_become_any_of_their_polish_spelling_and_translations() {
        let table = UkrainianPolish::from_tsv("кабани\tdzik\nбудинків\tdom\n");
        let ast = query::parse("дикі кабани біля будинків", &Glossary::default());
        let out = widen_ukrainian(ast, Some(&table));
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
        let without = widen_ukrainian(query::parse("дикі кабани", &Glossary::default()), None);
        assert_eq!(
            without.should[1],
            Clause::AnyOf(vec![Clause::Word("кабани".into()), Clause::Word("kabany".into())])
        );
    }

    #[test]
    fn a_ukrainian_text_means_what_its_translations_add() {
        let table = UkrainianPolish::from_tsv("кабани\tdzik\nкабан\tdzik\nсім'ї\trodzina\n");
        assert_eq!(with_translations("кабани і кабан у сім’ї", &table), "кабани і кабан у сім’ї dzik rodzina");
        assert_eq!(with_translations("невідоме слово", &table), "невідоме слово");
    }

    #[test]
    fn a_query_of_function_words_only_asks_for_nothing() {
        let out = translate(query::parse("how are the", &Glossary::default()), &dictionary());
        assert!(out.should.is_empty() && out.only_stop_words);
    }
}
