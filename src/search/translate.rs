//! A query in another language searched in Polish words. An English word becomes "any of" itself
//! and its Polish translations (FreeDict, see [`analysis::english`]); a Ukrainian word, "any of"
//! itself and its spelling in Polish letters (no Ukrainian–Polish dictionary installs here; see
//! [`analysis::transliterate`]). So the words find Polish questions the way a Polish query would,
//! and dense retrieval (where installed) is fused with a list that means something.

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer};

use super::dense;
use super::query::{Clause, Language, QueryAst};
use crate::analysis::{self, english::EnglishPolish};

/// `ast` with the words of a query in another language widened by Polish ones, and its
/// [`Language`] decided once for the ranking: a Cyrillic query is transliterated (and stays
/// foreign: its shared words are few); a Latin-script query that reads as not Polish is
/// translated where the dictionary is installed and knows some of its words.
pub fn into_polish(ast: QueryAst, text: &str) -> QueryAst {
    if text.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}')) {
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
/// [`analysis::transliterate`]): "any of" the word as typed and in Polish letters.
pub fn transliterate(ast: QueryAst) -> QueryAst {
    let widen = |c: Clause| match c {
        Clause::Word(w) => match analysis::transliterate::ukrainian_to_polish(&w) {
            Some(polish) if polish.chars().count() >= 4 => Clause::AnyOf(vec![Clause::Word(w), Clause::Word(polish)]),
            _ => Clause::Word(w),
        },
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
    fn a_query_of_function_words_only_asks_for_nothing() {
        let out = translate(query::parse("how are the", &Glossary::default()), &dictionary());
        assert!(out.should.is_empty() && out.only_stop_words);
    }
}
