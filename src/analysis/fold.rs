//! ASCII folding of Polish letters, for checks made outside a tokenizer chain (the chains
//! themselves use tantivy's `AsciiFoldingFilter`, which folds these letters the same way).

/// Replaces the nine Polish letters (both cases) by their ASCII base letters; `ł` becomes `l`.
pub fn fold_polish(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' => 's',
            'ź' | 'ż' => 'z',
            'Ą' => 'A',
            'Ć' => 'C',
            'Ę' => 'E',
            'Ł' => 'L',
            'Ń' => 'N',
            'Ó' => 'O',
            'Ś' => 'S',
            'Ź' | 'Ż' => 'Z',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_all_polish_letters() {
        assert_eq!(fold_polish("żółw łąka ŹRÓDŁO ćma ńś"), "zolw laka ZRODLO cma ns");
    }
}
