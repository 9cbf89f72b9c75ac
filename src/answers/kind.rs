//! What a file is, told by its content, not its name: a workbook renamed
//! `.csv` is still read as a workbook, and a PDF, an SPSS file or an
//! encrypted workbook gets a message saying what it is and what to do,
//! never a parse error about a comma.

use std::io::{Read, Seek};
use std::path::Path;

use super::unreadable;
use crate::error::Result;

/// The formats an answer sheet can be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    /// CSV in UTF-16 (Excel's "Unicode text").
    Utf16,
    Json,
    Workbook(Workbook),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workbook {
    /// Office Open XML: .xlsx and .xlsm.
    Xlsx,
    /// Excel's binary workbook.
    Xlsb,
    /// Excel 97–2003.
    Xls,
    /// OpenDocument (LibreOffice, Google Sheets download as .ods).
    Ods,
}

impl Workbook {
    pub fn name(self) -> &'static str {
        match self {
            Workbook::Xlsx => "an Excel workbook (.xlsx)",
            Workbook::Xlsb => "an Excel binary workbook (.xlsb)",
            Workbook::Xls => "an Excel 97-2003 workbook (.xls)",
            Workbook::Ods => "an OpenDocument spreadsheet (.ods)",
        }
    }

    /// The file name endings this format is normally saved with.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Workbook::Xlsx => &["xlsx", "xlsm"],
            Workbook::Xlsb => &["xlsb"],
            Workbook::Xls => &["xls"],
            Workbook::Ods => &["ods"],
        }
    }
}

const HINT_EXPORT: &str = "export the responses from the survey tool as CSV or as an Excel workbook (.xlsx), \
                           and give that file";

/// Tells what the file at `path` is from its first bytes (`head`) and, for
/// containers, from what they hold. Returns the kind and, when the name says
/// otherwise, a note for the user; a file that is no answer sheet is an error
/// that says what it is.
pub fn recognise(name: &str, path: &Path, head: &[u8]) -> Result<(Kind, Option<String>)> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let not_sheet = |what: &str, hint: &str| {
        Err(unreadable(name, None, format!("this is {what}, not an answer sheet"), hint))
    };
    if head.is_empty() {
        return Err(unreadable(name, None, "the file is empty (0 bytes)", "export the answers again"));
    }
    let kind = if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        let (inside, mimetype) = zip_entries(name, path)?;
        Kind::Workbook(zip_kind(name, &inside, mimetype.as_deref())?)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Workbook(compound_kind(name, path)?)
    } else if head.starts_with(b"%PDF") {
        return not_sheet("a PDF document", &format!("a PDF cannot be read back; {HINT_EXPORT}"));
    } else if head.starts_with(b"$FL2") || head.starts_with(b"$FL3") {
        return not_sheet("an SPSS data file (.sav)", HINT_EXPORT);
    } else if head.starts_with(b"<stata_dta>") {
        return not_sheet("a Stata data file (.dta)", HINT_EXPORT);
    } else if head.starts_with(&[0x1F, 0x8B]) {
        return not_sheet(
            "a compressed file (gzip)",
            "unpack it first, then give the CSV or workbook inside",
        );
    } else if head.starts_with(b"7z\xBC\xAF\x27\x1C") || head.starts_with(b"Rar!") {
        return not_sheet(
            "a compressed archive (7-Zip or RAR)",
            "unpack it first, then give the CSV or workbook inside",
        );
    } else if head.starts_with(b"\x89PNG")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"GIF8")
    {
        return not_sheet("an image", HINT_EXPORT);
    } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || utf16_without_bom(head) {
        Kind::Utf16
    } else if mapping_file(head) {
        return not_sheet(
            "a mapping file",
            "give it with --mapping, together with the survey tool's export it describes: \
             handreiking check EXPORT --mapping FILE",
        );
    } else if let Some(kind) = markup(head) {
        return not_sheet(
            kind,
            "open it in Excel and save it as an Excel workbook (.xlsx), or export the answers as CSV",
        );
    } else if binary(head) {
        return not_sheet(
            "a binary file that is no workbook this tool knows",
            "answer sheets are CSV, JSON, or workbooks (.xlsx, .xlsm, .xls, .ods)",
        );
    } else if is_json(&ext, head) {
        Kind::Json
    } else {
        Kind::Csv
    };
    Ok((kind, renamed_note(&ext, kind)))
}

/// Mostly control characters: no text a person typed. (One stray NUL in a
/// CSV cell does not make it binary.)
fn binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096)];
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)).count();
    controls * 10 > sample.len()
}

/// UTF-16 little-endian text without its byte order mark: every other byte is
/// zero (Latin text, which answer sheets are).
fn utf16_without_bom(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    pairs >= 4 && sample.chunks(2).filter(|p| p[1] == 0 && p[0] != 0).count() * 10 >= pairs * 9
}

/// A note when the file's name promises another format than its content.
fn renamed_note(ext: &str, kind: Kind) -> Option<String> {
    let (what, fits) = match kind {
        Kind::Workbook(w) => (w.name(), w.extensions().contains(&ext)),
        Kind::Csv | Kind::Utf16 => {
            ("a CSV file", !["xlsx", "xlsm", "xls", "xlsb", "ods", "json"].contains(&ext))
        }
        Kind::Json => ("a JSON file", ext != "csv" && ext != "xlsx" && ext != "xls" && ext != "ods"),
    };
    (!fits).then(|| format!("this is {what}, although its name ends in .{ext}; it was read as one"))
}

pub(super) fn is_json(ext: &str, start: &[u8]) -> bool {
    let first =
        start.iter().copied().find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    ext == "json" || (ext != "csv" && matches!(first, Some(b'{') | Some(b'[')))
}

/// Web pages and Excel 2003 XML, which some tools save with an `.xls` name.
/// A mapping file (TOML) given where the answer sheet goes: a line that is
/// one of its tables' headers, which no sheet's row is.
fn mapping_file(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(2048)]);
    text.lines().any(|l| matches!(l.trim(), "[source]" | "[respondent]" | "[questions]" | "[answers]"))
}

fn markup(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(&head[..head.len().min(2048)]).to_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        return Some("an Excel 2003 XML spreadsheet");
    }
    if text.starts_with("<!doctype html")
        || text.starts_with("<html")
        || (text.starts_with('<') && text.contains("<html"))
    {
        return Some("a web page (HTML)");
    }
    None
}

/// The names inside a zip file (its central directory; nothing is unpacked),
/// and what its `mimetype` entry says (OpenDocument files have one).
fn zip_entries(name: &str, path: &Path) -> Result<(Vec<String>, Option<String>)> {
    let file = std::fs::File::open(path)
        .map_err(|e| unreadable(name, None, format!("cannot read the file: {e}"), ""))?;
    let archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        unreadable(
            name,
            None,
            format!("this looks like a workbook or zip file, but it is damaged: {e}"),
            "download or export it again; if Excel can open it, save it again as .xlsx",
        )
    })?;
    let mut archive = archive;
    let names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let mimetype = archive.by_name("mimetype").ok().and_then(|entry| {
        let mut text = String::new();
        entry.take(200).read_to_string(&mut text).ok().map(|_| text)
    });
    Ok((names, mimetype))
}

fn zip_kind(name: &str, inside: &[String], mimetype: Option<&str>) -> Result<Workbook> {
    let has = |entry: &str| inside.iter().any(|n| n == entry);
    let under = |dir: &str| inside.iter().any(|n| n.starts_with(dir));
    if has("xl/workbook.xml") {
        return Ok(Workbook::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Ok(Workbook::Xlsb);
    }
    if let Some(mimetype) = mimetype {
        if mimetype.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(Workbook::Ods);
        }
        let what = if mimetype.contains("opendocument.text") {
            "an OpenDocument text document"
        } else {
            "an OpenDocument file that is no spreadsheet"
        };
        return Err(unreadable(name, None, format!("this is {what}, not an answer sheet"), HINT_EXPORT));
    }
    let what = if under("word/") {
        "a Word document"
    } else if under("ppt/") {
        "a PowerPoint presentation"
    } else {
        "a zip archive"
    };
    let sheets: Vec<&String> = inside
        .iter()
        .filter(|n| {
            let n = n.to_lowercase();
            [".csv", ".xlsx", ".xls", ".ods", ".json"].iter().any(|e| n.ends_with(e))
        })
        .take(5)
        .collect();
    let hint = if sheets.is_empty() {
        HINT_EXPORT.to_string()
    } else {
        let list: Vec<String> = sheets.iter().map(|s| format!("`{s}`")).collect();
        format!("it holds {}: unpack it and give that file", list.join(", "))
    };
    Err(unreadable(name, None, format!("this is {what}, not a workbook or an answer sheet"), &hint))
}

/// OLE compound files: Excel 97-2003 workbooks, and workbooks encrypted with
/// a password (Office keeps the encrypted .xlsx inside one).
fn compound_kind(name: &str, path: &Path) -> Result<Workbook> {
    let file = std::fs::File::open(path)
        .map_err(|e| unreadable(name, None, format!("cannot read the file: {e}"), ""))?;
    let streams = compound_streams(file).map_err(|e| {
        unreadable(
            name,
            None,
            format!("this looks like an Excel 97-2003 or Office file, but it is damaged: {e}"),
            "open it in Excel and save it again as .xlsx",
        )
    })?;
    let has = |s: &str| streams.iter().any(|n| n.eq_ignore_ascii_case(s));
    if has("EncryptedPackage") || has("EncryptionInfo") {
        return Err(unreadable(
            name,
            None,
            "this workbook is protected with a password (encrypted), so it cannot be read",
            "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password: \
             empty it), save, and give that file; or export the answers as CSV",
        ));
    }
    if has("Workbook") || has("Book") {
        return Ok(Workbook::Xls);
    }
    let what = if has("WordDocument") {
        "a Word 97-2003 document"
    } else if has("PowerPoint Document") {
        "a PowerPoint 97-2003 presentation"
    } else {
        "an Office file that holds no workbook"
    };
    Err(unreadable(name, None, format!("this is {what}, not an answer sheet"), HINT_EXPORT))
}

fn compound_streams<F: Read + Seek>(file: F) -> std::io::Result<Vec<String>> {
    let cfb = cfb::CompoundFile::open(file)?;
    Ok(cfb.walk().filter(|e| e.is_stream()).map(|e| e.name().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(name: &str, bytes: &[u8]) -> std::result::Result<Kind, String> {
        let dir = std::env::temp_dir().join(format!("handreiking-kind-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        recognise(name, &path, &bytes[..bytes.len().min(64 << 10)]).map(|(k, _)| k).map_err(|e| e.to_string())
    }

    #[test]
    fn files_that_are_no_answer_sheet_say_what_they_are() {
        assert!(kind_of("a.csv", b"").unwrap_err().contains("empty"));
        assert!(kind_of("a.xlsx", b"%PDF-1.7\n").unwrap_err().contains("PDF"));
        assert!(kind_of("a.sav", b"$FL2@(#) IBM SPSS STATISTICS").unwrap_err().contains("SPSS"));
        assert!(kind_of("a.xls", b"<html><body><table>").unwrap_err().contains("web page"));
        assert!(kind_of("a.csv", b"\x00\x01\x02\x03\x04\x05\x06\x07binary").unwrap_err().contains("binary"));
        assert!(kind_of("a.xlsx", b"PK\x03\x04 not really a zip").unwrap_err().contains("damaged"));
        let mapping = kind_of("typeform.toml", b"[questions]\nR1V1 = \"00f3a9c0e1\"\n").unwrap_err();
        assert!(mapping.contains("a mapping file") && mapping.contains("--mapping"), "{mapping}");
    }

    #[test]
    fn text_is_csv_or_json_whatever_its_name() {
        assert_eq!(kind_of("a.xlsx", b"naam,R1V1\nJan,A\n").unwrap(), Kind::Csv);
        assert_eq!(kind_of("a.txt", b"[{\"answers\": {}}]").unwrap(), Kind::Json);
        assert_eq!(kind_of("a.txt", b"\xFF\xFEn\x00").unwrap(), Kind::Utf16);
        assert_eq!(
            kind_of(
                "a.txt",
                "naam\tR1V1\n".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>().as_slice()
            )
            .unwrap(),
            Kind::Utf16
        );
        // A stray NUL in a cell is hostile text, not a binary file.
        assert_eq!(kind_of("a.csv", b"naam,R1V1\n\"a\x00b\",A\n").unwrap(), Kind::Csv);
    }
}
