//! The language of a document, so that text in another language is not run through the Polish
//! stemmer.

/// Detects the language of `text` and returns its ISO 639-1 code (`pl`, `uk`, `en`, ...), or its
/// ISO 639-3 code where 639-1 has none. Text too short or mixed to tell is taken as Polish, the
/// corpus's language.
pub fn detect_language(text: &str) -> &'static str {
    // Letters only Polish writes among the languages residents use (Lithuanian shares ą and ę,
    // not these): a few of them settle it without running the detector, which is by far the
    // costliest step of indexing otherwise.
    let polish = text
        .chars()
        .filter(|c| matches!(c, 'ł' | 'ś' | 'ż' | 'ź' | 'ć' | 'ń' | 'Ł' | 'Ś' | 'Ż' | 'Ź' | 'Ć' | 'Ń'))
        .count();
    if polish >= 2 {
        return "pl";
    }
    // The opening is enough to tell a language, and bounds the cost for long texts.
    let sample = match text.char_indices().nth(DETECTION_SAMPLE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let Some(info) = whatlang::detect(sample) else {
        return "pl";
    };
    // whatlang is unreliable on short texts; only trust a confident answer that differs from
    // Polish, and a script that is not Latin (Cyrillic is never Polish).
    let cyrillic = info.script() == whatlang::Script::Cyrillic;
    if info.lang() == whatlang::Lang::Pol || (!info.is_reliable() && !cyrillic) {
        return "pl";
    }
    iso639_1(info.lang())
}

/// Characters of a text given to the detector.
const DETECTION_SAMPLE_CHARS: usize = 600;

fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Pol => "pl",
        Ukr => "uk",
        Eng => "en",
        Rus => "ru",
        Deu => "de",
        Fra => "fr",
        Spa => "es",
        Ita => "it",
        Ces => "cs",
        Slk => "sk",
        Bel => "be",
        Por => "pt",
        Nld => "nl",
        Lit => "lt",
        Heb => "he",
        Ara => "ar",
        Vie => "vi",
        Tur => "tr",
        Hin => "hi",
        Jpn => "ja",
        Cmn => "zh",
        Kor => "ko",
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_corpus_languages_apart() {
        assert_eq!(
            detect_language("Kiedy wreszcie naprawią dziury na ulicy Balickiej? Jeździmy tam codziennie."),
            "pl"
        );
        assert_eq!(
            detect_language("Добрий день! Я переїхала до Кракова з Харкова і хочу знати, як записати дитину до школи."),
            "uk"
        );
        assert_eq!(
            detect_language(
                "Hi, I am an Erasmus student from Spain and I would like to know how to buy a monthly ticket."
            ),
            "en"
        );
    }

    #[test]
    fn short_or_empty_text_is_polish() {
        assert_eq!(detect_language(""), "pl");
        assert_eq!(detect_language("ok"), "pl");
    }
}
