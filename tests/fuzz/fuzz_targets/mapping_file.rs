#![no_main]
//! Any text as a mapping file: parsed and checked without panicking.
use std::sync::OnceLock;

use handreiking::content::Handreiking;
use libfuzzer_sys::fuzz_target;

fn content() -> &'static Handreiking {
    static H: OnceLock<Handreiking> = OnceLock::new();
    H.get_or_init(|| handreiking::load_content(&Default::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let _ = handreiking::mapping::MappingFile::parse("fuzz.toml", &String::from_utf8_lossy(data), content());
});
