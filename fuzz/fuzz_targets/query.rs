//! The query parser and the Polish analysis on arbitrary text: never a panic.
#![no_main]

use lawka::analysis;
use lawka::search::query;
use lawka::search::Glossary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let glossary = Glossary::parse("ZDMK = Zarząd Dróg Miasta Krakowa\nBO = budżet obywatelski\ndziura ~ ubytek w nawierzchni\n")
        .expect("valid glossary");
    let ast = query::parse(text, &glossary);
    assert!(ast.should.len() + ast.must.len() + ast.must_not.len() <= query::MAX_CLAUSES);
    for fold in [false, true] {
        let _ = analysis::analyze(&mut analysis::polish_analyzer(fold), text);
    }
    let _ = glossary.find(&text.split_whitespace().map(str::to_string).collect::<Vec<_>>());
});
