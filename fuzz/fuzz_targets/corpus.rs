//! The corpus parser on arbitrary meeting files: problems, never a panic.
#![no_main]

use std::path::Path;

use lawka::corpus::{parse_meeting, Vocabulary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let vocab = Vocabulary::new(
        vec!["Zarząd Dróg Miasta Krakowa".into(), "Zarząd Transportu Publicznego".into()],
        vec!["drogi i chodniki".into(), "komunikacja miejska".into()],
    );
    if let Err(problems) = parse_meeting(Path::new("meetings/2024-06-24-bronowice.md"), text, &vocab) {
        assert!(!problems.is_empty());
    }
});
