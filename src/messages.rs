//! All console text of the binary in one place.

use std::path::Path;

use handreiking::content::Handreiking;

pub fn written(path: &Path, bytes: usize) {
    eprintln!("wrote {} ({} kB)", path.display(), bytes.div_ceil(1024));
}

pub fn data_written(path: &Path) {
    eprintln!("wrote the template data to {}", path.display());
}

pub fn content_ok(h: &Handreiking) {
    let vragen: usize = h.reflecties.iter().map(|r| r.vragen.len()).sum();
    println!(
        "content ok: {} reflections, {} questions, {} answers, {} werkvormen",
        h.reflecties.len(),
        vragen,
        vragen * 2,
        h.werkvormen.len()
    );
    for r in &h.reflecties {
        let ids: Vec<&str> = r.vragen.iter().map(|v| v.id.as_str()).collect();
        println!("  {} {}: {}", r.id, r.titel, ids.join(", "));
    }
}

pub fn error(e: &handreiking::Error) {
    eprintln!("error: {e}");
}

pub fn usage(message: &str) {
    eprintln!("error: {message}");
}
