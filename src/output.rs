//! Writing results: a file appears only when complete (temporary name, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically: readers see the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        action: "create folder",
        path: dir.clone(),
        source,
    })?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io { action: "write", path: path.to_owned(), source }
    })
}

/// File names for reports from a minijinja pattern over the respondent's fields,
/// made safe for every common file system and unique within one run.
pub struct Namer {
    env: minijinja::Environment<'static>,
    used: std::collections::HashSet<String>,
}

pub const DEFAULT_NAME: &str = "{% if organisatie %}{{ organisatie }} - {% endif %}{% if naam %}{{ naam }}{% else %}rij {{ rij }}{% endif %}.pdf";

impl Namer {
    pub fn new(pattern: &str) -> Result<Namer> {
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.add_template_owned("name", pattern.to_string())
            .map_err(|e| Error::Usage(format!("the file name pattern `{pattern}` is not valid: {e}")))?;
        Ok(Namer { env, used: Default::default() })
    }

    /// The next file name for these fields (`naam`, `organisatie`, `datum`, `rij`, and other columns).
    pub fn name(&mut self, fields: &std::collections::BTreeMap<String, String>) -> Result<String> {
        let raw = self
            .env
            .get_template("name")
            .and_then(|t| t.render(fields))
            .map_err(|e| Error::Usage(format!("the file name pattern failed: {e}")))?;
        let name = sanitise(&raw);
        Ok(self.unique(name))
    }

    fn unique(&mut self, name: String) -> String {
        let (stem, ext) = split_ext(&name);
        let mut candidate = name.clone();
        let mut n = 2;
        // Case-insensitive: Windows and macOS file systems are.
        while !self.used.insert(candidate.to_lowercase()) {
            candidate = format!("{stem} ({n}){ext}");
            n += 1;
        }
        candidate
    }
}

fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// A single path component that is valid and harmless on Windows, macOS and Linux.
pub fn sanitise(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let raw: String = raw.nfc().collect();
    let raw = raw.trim();
    let (stem, ext) = match raw.to_lowercase().ends_with(".pdf") {
        true => (&raw[..raw.len() - 4], ".pdf"),
        false => (raw, ".pdf"),
    };
    let mut clean = String::new();
    for c in stem.chars() {
        let bad = c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
        let c = if bad { '_' } else { c };
        if c.is_whitespace() {
            if !clean.ends_with(' ') {
                clean.push(' ');
            }
        } else {
            clean.push(c);
        }
    }
    let mut clean = clean.trim_matches(|c: char| c == ' ' || c == '.').to_string();
    const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];
    let base = clean.split('.').next().unwrap_or("").trim().to_lowercase();
    let numbered = (base.starts_with("com") || base.starts_with("lpt"))
        && base.len() == 4
        && base.as_bytes()[3].is_ascii_digit();
    if RESERVED.contains(&base.as_str()) || numbered {
        clean.insert(0, '_');
    }
    if clean.is_empty() {
        clean = "rapport".into();
    }
    // 255 bytes is the limit on most file systems; leave room for " (99)" and the extension.
    let mut end = clean.len().min(200);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean.truncate(end);
    format!("{}{ext}", clean.trim_end_matches([' ', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_on_every_file_system() {
        assert_eq!(sanitise("Zorggroep Almere - Jan"), "Zorggroep Almere - Jan.pdf");
        assert_eq!(sanitise("../../etc/passwd"), "_.._etc_passwd.pdf");
        assert_eq!(sanitise("/abs/path.pdf"), "_abs_path.pdf");
        assert_eq!(sanitise("a\0b\nc"), "a_b_c.pdf");
        assert_eq!(sanitise("CON"), "_CON.pdf");
        assert_eq!(sanitise("nul.txt"), "_nul.txt.pdf");
        assert_eq!(sanitise("com1"), "_com1.pdf");
        assert_eq!(sanitise("naam. . "), "naam.pdf");
        assert_eq!(sanitise("..."), "rapport.pdf");
        assert_eq!(sanitise(""), "rapport.pdf");
        assert_eq!(sanitise("a:b*c?\"d<e>f|g"), "a_b_c__d_e_f_g.pdf");
        // Decomposed é (e + combining accent) becomes the composed one.
        assert_eq!(sanitise("Jose\u{301}"), "José.pdf");
        let long = sanitise(&"é".repeat(300));
        assert!(long.len() <= 255 && long.ends_with(".pdf"));
    }

    #[test]
    fn collisions_get_a_suffix() {
        let mut namer = Namer::new("{{ naam }}").unwrap();
        let fields = |n: &str| [("naam".to_string(), n.to_string())].into_iter().collect();
        assert_eq!(namer.name(&fields("Jan")).unwrap(), "Jan.pdf");
        assert_eq!(namer.name(&fields("jan")).unwrap(), "jan (2).pdf");
        assert_eq!(namer.name(&fields("Jan")).unwrap(), "Jan (3).pdf");
    }

    #[test]
    fn the_default_pattern_falls_back_to_the_row() {
        let mut namer = Namer::new(DEFAULT_NAME).unwrap();
        let fields: std::collections::BTreeMap<String, String> =
            [("rij".to_string(), "7".to_string()), ("naam".to_string(), String::new())].into_iter().collect();
        assert_eq!(namer.name(&fields).unwrap(), "rij 7.pdf");
    }
}
