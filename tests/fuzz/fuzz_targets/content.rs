#![no_main]
//! Any bytes as one file of the content folder (the rest as shipped): the loader
//! returns the handreiking or errors with file and line, never panics.
use handreiking::files::Files;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let mut files: Vec<(String, Vec<u8>)> =
        Files::default_content().iter().map(|(r, b)| (r.to_string(), b.to_vec())).collect();
    let k = which as usize % files.len();
    files[k].1 = bytes.to_vec();
    let _ = handreiking::content::load(&Files::from_memory("content", files));
});
