//! Ukrainian and Russian (Cyrillic) words written in Polish letters, the way Polish spells their
//! names (`будинків` → `budynkiw`, `психолога` → `psychołoga`; Russian `бесплатный` →
//! `bespłatnyj`, see [`russian_to_polish`]). Both share many words with Polish
//! that differ mostly in script; once transliterated, the Polish analysis (folded field, typo
//! tolerance) meets them (`budynków`, `psychologa`, `tramwajach`).

/// Letters after which `я`, `ю`, `є` are written `ja`, `ju`, `je` (a vowel, a sign, the start of the
/// word; Russian's `ы`, `э`, `ё`, `ъ` among them); after a consonant they soften it: `ia`, `iu`, `ie`.
const VOWELS_AND_SIGNS: &str = "аеиіїоуяюєьʼ'’ыэёъ";

/// Whether `text` has a Cyrillic letter (Ukrainian, Russian, ...).
pub fn is_cyrillic(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// `word`, read as Ukrainian, in Polish letters, lowercased; `None` when it has no Cyrillic letter.
pub fn ukrainian_to_polish(word: &str) -> Option<String> {
    to_polish(word, false)
}

/// `word`, read as Russian, in Polish letters, lowercased; `None` when it has no Cyrillic letter.
/// As Ukrainian, but for the letters the two read differently: `и` is `i` (`y` after `ж`, `ш`,
/// `ц`), `ы` is `y`, `э` and `е` are `e` (the Polish cognates' letter: `проблема` → `problema`,
/// not the `ie` of Polish transcription), `ё` is `io` (`jo` after a vowel), `ъ` is nothing, and
/// `л` is soft (`l`) before `и`, `е`, `ё`, `ю`, `я`. Simplified as the search needs it, not a
/// transcription standard: `е` stays `e` after a vowel or a sign too, and `ё` is `io` after `ж` or
/// `ш` as well.
pub fn russian_to_polish(word: &str) -> Option<String> {
    to_polish(word, true)
}

fn to_polish(word: &str, russian: bool) -> Option<String> {
    if !is_cyrillic(word) {
        return None;
    }
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    for (i, &c) in lower.iter().enumerate() {
        let next = lower.get(i + 1).copied();
        let after_consonant = i > 0 && !VOWELS_AND_SIGNS.contains(lower[i - 1]);
        // A soft sign softens the consonant before it: нь → ń, сь → ś.
        if next == Some('ь') {
            if let Some(soft) = soft(c) {
                out.push_str(soft);
                continue;
            }
        }
        let russian_letter = match c {
            _ if !russian => None,
            'и' if i > 0 && "жшц".contains(lower[i - 1]) => Some("y"),
            'и' => Some("i"),
            'ы' => Some("y"),
            'э' | 'е' => Some("e"),
            'ё' if after_consonant => Some("io"),
            'ё' => Some("jo"),
            'ъ' => Some(""),
            // (`ль` is soft already, by the soft sign's rule above.)
            'л' if next.is_some_and(|n| "иеёюя".contains(n)) => Some("l"),
            _ => None,
        };
        if let Some(s) = russian_letter {
            out.push_str(s);
            continue;
        }
        let s = match c {
            'ь' | 'ʼ' | '\'' | '’' => "",
            'л' if next.is_some_and(|n| "іяюєї".contains(n)) => "l",
            'л' => "ł",
            'я' if after_consonant => "ia",
            'ю' if after_consonant => "iu",
            'є' if after_consonant => "ie",
            'я' => "ja",
            'ю' => "ju",
            'є' => "je",
            'ї' => "ji",
            'а' => "a",
            'б' => "b",
            'в' => "w",
            // Ukrainian г is Polish g in the words they share (голова / głowa, програма / program).
            'г' | 'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'ж' => "ż",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'й' => "j",
            'к' => "k",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "ch",
            'ц' => "c",
            'ч' => "cz",
            'ш' => "sz",
            'щ' => "szcz",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(s);
    }
    Some(out)
}

fn soft(c: char) -> Option<&'static str> {
    Some(match c {
        'н' => "ń",
        'с' => "ś",
        'ц' => "ć",
        'з' => "ź",
        'л' => "l",
        'т' => "t",
        'д' => "d",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_words_come_out_in_polish_spelling() {
        let t = |w: &str| ukrainian_to_polish(w).unwrap_or_default();
        // Polish writes ł here; folded (as the folded fields are) it is the cognate `psychologa`.
        assert_eq!(t("психолога"), "psychołoga");
        assert_eq!(t("трамваях"), "tramwajach");
        assert_eq!(t("будинків"), "budynkiw");
        assert_eq!(t("Кракові"), "krakowi");
        assert_eq!(t("польську"), "polśku");
        assert_eq!(t("школа"), "szkoła");
        assert_eq!(t("яма"), "jama");
        assert_eq!(t("біля"), "bilia");
        assert_eq!(ukrainian_to_polish("tramwaj"), None);
    }

    #[test]
    fn russian_words_come_out_in_polish_spelling() {
        let t = |w: &str| russian_to_polish(w).unwrap_or_default();
        assert_eq!(t("психолога"), "psichołoga");
        assert_eq!(t("трамваях"), "tramwajach");
        assert_eq!(t("проблема"), "problema");
        assert_eq!(t("дикие"), "dikie");
        assert_eq!(t("жилье"), "żyle");
        assert_eq!(t("жизнь"), "żyzń");
        assert_eq!(t("бесплатный"), "bespłatnyj");
        assert_eq!(t("объявление"), "objawlenie");
        assert_eq!(t("ёлка"), "jołka");
        assert_eq!(t("Кракове"), "krakowe");
        assert_eq!(russian_to_polish("tramwaj"), None);
    }
}
