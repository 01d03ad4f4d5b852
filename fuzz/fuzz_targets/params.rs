//! Query strings as the server decodes them, through parameter validation: a request or an error
//! naming the parameter, never a panic.
#![no_main]

use lawka::index::GenerationMeta;
use lawka::search::{RawSearchParams, SearchRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(data) else { return };
    let meta = GenerationMeta {
        generation: "gen-00000001".into(),
        built_at: "2026-01-01T00:00:00Z".into(),
        documents: 0,
        meetings: vec![],
        languages: Default::default(),
        departments: vec!["Zarząd Dróg Miasta Krakowa".into()],
        topics: vec!["parkowanie".into()],
        gazetteer: vec![],
        analysis: 1,
    };
    if let Ok((raw, _)) = RawSearchParams::from_pairs(pairs, &["interval"]) {
        if let Ok(req) = SearchRequest::parse(&raw, &meta) {
            assert!((1..=100).contains(&req.limit) && req.offset <= 10_000);
        }
    }
});
