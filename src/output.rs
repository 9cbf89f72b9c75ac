//! Writing results: a file appears only when complete (temporary name, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A document written, and its size.
pub struct Written {
    pub path: PathBuf,
    pub bytes: usize,
}

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
    let tmp = dir.join(format!(".{name}{}", part_suffix(std::process::id())));
    parts().push(tmp.clone());
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        // Renamed under the lock, so an interruption sees either the
        // temporary file (and removes it) or the finished one.
        let mut parts = parts();
        parts.retain(|p| *p != tmp);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io { action: "write", path: path.to_owned(), source }
    })
}

/// How a process's temporary files end: `.<name>.<pid>.part`.
fn part_suffix(pid: u32) -> String {
    format!(".{pid}.part")
}

/// Removes the temporary files a process that died (without cleaning up) left in `dir`.
pub fn remove_parts_of(dir: &Path, pid: u32) {
    let suffix = part_suffix(pid);
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(&suffix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Temporary files being written right now.
static PARTS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn parts() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PARTS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// For an interrupted process (Ctrl-C, SIGTERM): removes the temporary files
/// being written and returns a guard that keeps any write from finishing, so
/// no half-written file is left. Hold it until the process exits.
pub fn abandon_writes() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let mut parts = parts();
    for tmp in parts.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    parts
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the batch and the commands beside it write into a reports folder
/// (their default names): a report never takes one of these names.
pub const MANIFEST: &str = "manifest.json";
pub const GROUP_REPORT: &str = "groepsrapport.pdf";
pub const BLANK: &str = "handreiking.pdf";
pub const FORM: &str = "antwoordformulier.pdf";
pub const CARDS: &str = "werkvormkaarten.pdf";
/// The web app's download of the whole folder.
pub const ZIP: &str = "rapporten.zip";
/// `mail`'s send log, beside the manifest: one JSON object per line.
pub const MAIL_LOG: &str = "mail-log.jsonl";
/// The lock file beside the send log that a `mail` run holds (it stays when the run ends).
pub const MAIL_LOCK: &str = "mail-log.lock";
/// The folder beside the reports that `mail` writes drafts to.
pub const MAIL_DRAFTS: &str = "mail";

/// The manifest of one shard of a batch (`--shard K/N`).
pub fn shard_manifest(k: usize, n: usize) -> String {
    format!("manifest-shard-{k}-of-{n}.json")
}

/// Whether a report named `name` could be mistaken for (or be overwritten by)
/// a file the batch writes itself. By stem, so the report's data (`--emit-data`,
/// `.json`) and mail draft (`.eml`) are safe too; compared as a case-insensitive,
/// normalisation-insensitive file system compares names.
fn reserved(name: &str) -> bool {
    let stem = fs_key(split_ext(name).0);
    let own = [MANIFEST, GROUP_REPORT, BLANK, FORM, CARDS, ZIP, MAIL_LOG, MAIL_DRAFTS];
    let shard = stem
        .strip_prefix("manifest-shard-")
        .and_then(|rest| rest.split_once("-of-"))
        .is_some_and(|(k, n)| [k, n].iter().all(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())));
    shard || own.iter().any(|file| fs_key(split_ext(file).0) == stem)
}

/// A name as Windows and macOS file systems compare names: case and Unicode
/// normalisation do not count.
fn fs_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase().nfc().collect()
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

    /// The name, or with a suffix when another report has it or the batch's own files do.
    fn unique(&mut self, name: String) -> String {
        let (stem, ext) = split_ext(&name);
        let mut candidate = name.clone();
        let mut n = 2;
        while reserved(&candidate) || !self.used.insert(fs_key(&candidate)) {
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
        // Composed and decomposed é are one name to macOS.
        assert_eq!(namer.name(&fields("José")).unwrap(), "José.pdf");
        assert_eq!(namer.name(&fields("JOSE\u{301}")).unwrap(), "JOSÉ (2).pdf");
    }

    #[test]
    fn the_batchs_own_files_are_never_a_reports_name() {
        let mut namer = Namer::new("{{ naam }}").unwrap();
        let fields = |n: &str| [("naam".to_string(), n.to_string())].into_iter().collect();
        for (naam, file) in [
            ("groepsrapport", "groepsrapport (2).pdf"),
            ("Groepsrapport.PDF", "Groepsrapport (3).pdf"),
            ("groepsrapport .pdf", "groepsrapport (4).pdf"),
            ("Manifest", "Manifest (2).pdf"),
            ("manifest-shard-0-of-2", "manifest-shard-0-of-2 (2).pdf"),
            ("MAIL", "MAIL (2).pdf"),
            ("mail-log", "mail-log (2).pdf"),
            ("Werkvormkaarten", "Werkvormkaarten (2).pdf"),
            ("handreiking", "handreiking (2).pdf"),
            ("antwoordformulier", "antwoordformulier (2).pdf"),
            ("rapporten", "rapporten (2).pdf"),
            ("manifest-shard-x", "manifest-shard-x.pdf"),
            ("groepsrapporten", "groepsrapporten.pdf"),
        ] {
            assert_eq!(namer.name(&fields(naam)).unwrap(), file, "{naam}");
        }
    }

    #[test]
    fn the_default_pattern_falls_back_to_the_row() {
        let mut namer = Namer::new(DEFAULT_NAME).unwrap();
        let fields: std::collections::BTreeMap<String, String> =
            [("rij".to_string(), "7".to_string()), ("naam".to_string(), String::new())].into_iter().collect();
        assert_eq!(namer.name(&fields).unwrap(), "rij 7.pdf");
    }
}
