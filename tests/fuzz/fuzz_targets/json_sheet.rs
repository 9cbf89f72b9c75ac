#![no_main]
//! Any bytes as a JSON answer sheet or survey export: read, map and interpret without panicking.
use std::sync::OnceLock;

use handreiking::answers::{self, ReadOptions};
use handreiking::content::Handreiking;
use libfuzzer_sys::fuzz_target;

fn content() -> &'static Handreiking {
    static H: OnceLock<Handreiking> = OnceLock::new();
    H.get_or_init(|| handreiking::load_content(&Default::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(sheet) = answers::read_bytes("fuzz.json", "json", data, &ReadOptions::default()) {
        let (mapping, _) = handreiking::mapping::detect_all(&sheet, content(), None);
        let _ = handreiking::mapping::interpret(&sheet, &mapping, content());
    }
});
