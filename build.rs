//! Embeds the default content, templates and fonts, so the binary works on its own.
//! Each folder becomes a sorted list of (relative path, bytes); files on disk
//! given with flags override them by the same relative path.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Hidden files and template data written for previews (`--emit-data templates/…`) stay out.
        if name.starts_with('.') || name.ends_with(".json") || name == "data" {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut code = String::new();
    for (name, folder) in [("CONTENT", "content"), ("TEMPLATES", "templates"), ("FONTS", "fonts")] {
        let root = manifest.join(folder);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect(&root, &mut files);
        writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for path in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path.strip_prefix(&root).unwrap().to_str().unwrap().replace('\\', "/");
            writeln!(code, "    ({rel:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
