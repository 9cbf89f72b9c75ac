//! What a survey export can hold, checked before anything is allocated for it.
//!
//! A workbook is a container (a zip file, or for .xls an OLE file) whose parts
//! *claim* sizes and counts. A reader that believes a claim reserves memory for
//! it: a 2 KB file can claim 10^14 strings. So the container is checked first,
//! against what it really holds, and refused with a message that says what is
//! wrong; then every cell and row is checked as it is read. These limits are
//! far beyond any survey export (and are listed in the guide, docs/src/sheets/files-from-anyone.md); what they do
//! not catch, the reader process's memory and time limits do (`process`).

use std::io::Read;
use std::path::Path;

use super::kind::Workbook;
use super::unreadable;
use crate::error::Result;

/// Excel's own limit on the text in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The most text one row may hold (as for CSV, see `csv_sheet`).
pub const MAX_ROW_BYTES: usize = 4 << 20;
/// The most parts a workbook's zip may have (a real one has tens).
pub const MAX_ENTRIES: usize = 10_000;
/// The most any one part may unpack to.
pub const MAX_PART_BYTES: u64 = 1 << 30;
/// The most a workbook may unpack to in all.
pub const MAX_UNPACKED_BYTES: u64 = 2 << 30;
/// A part this large must not unpack to more than [`MAX_RATIO`] times its packed size.
const RATIO_FROM: u64 = 16 << 20;
/// Sheets compress well (30 to 100 times when rows repeat); a zip bomb, a thousand times.
pub const MAX_RATIO: u64 = 250;
/// The most text a workbook's shared-string table may hold: it is read whole.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;
/// The smallest a shared string takes in the table: `<si><t/></si>`.
const SMALLEST_SHARED_STRING: u64 = 12;

const HINT_DAMAGED: &str = "the file is damaged or was not made by a spreadsheet program: open it in Excel or LibreOffice and save it again, or export the answers as CSV";

/// The most columns a sheet can have (Excel: up to column XFD).
pub const MAX_COLUMNS: usize = 16_384;

/// Checks how many columns a row (or a JSON file's keys) has.
pub fn check_columns(file: &str, row: Option<usize>, columns: usize) -> Result<()> {
    if columns > MAX_COLUMNS {
        let what = match row {
            Some(row) => format!("row {row} has {columns} columns"),
            None => format!("the respondents have more than {MAX_COLUMNS} different keys"),
        };
        return Err(unreadable(
            file,
            row,
            format!("{what}; a sheet has at most {MAX_COLUMNS} (up to column XFD)"),
            HINT_DAMAGED,
        ));
    }
    Ok(())
}

/// Checks one cell's text; returns its length in bytes.
pub fn check_cell(file: &str, row: usize, column: usize, text: &str) -> Result<usize> {
    // Bytes first: no more than four per character, so most cells need no count.
    if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
        return Err(unreadable(
            file,
            Some(row),
            format!(
                "cell {}{row} holds {} characters; a spreadsheet cell holds at most {MAX_CELL_CHARS}",
                column_letters(column),
                text.chars().count()
            ),
            HINT_DAMAGED,
        ));
    }
    Ok(text.len())
}

/// Checks the text of one row so far.
pub fn check_row(file: &str, row: usize, bytes: usize) -> Result<()> {
    if bytes > MAX_ROW_BYTES {
        return Err(unreadable(
            file,
            Some(row),
            format!(
                "row {row} holds more than {} MiB of text; no survey answer is that long",
                MAX_ROW_BYTES >> 20
            ),
            HINT_DAMAGED,
        ));
    }
    Ok(())
}

/// `A`, `B`, …, `Z`, `AA`: a 0-based column as a spreadsheet names it.
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut letters = vec![];
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// Checks a workbook's container against what it really holds, before a
/// reader believes any of its claims. An .xls has no zip; its reader is held
/// by the reader process's limits alone.
pub fn check_container(name: &str, path: &Path, kind: Workbook) -> Result<()> {
    match kind {
        Workbook::Xlsx | Workbook::Xlsb | Workbook::Ods => check_zip(name, path, kind),
        Workbook::Xls => Ok(()),
    }
}

fn check_zip(name: &str, path: &Path, kind: Workbook) -> Result<()> {
    let refuse = |message: String| Err(unreadable(name, None, message, HINT_DAMAGED));
    let file = std::fs::File::open(path)
        .map_err(|e| unreadable(name, None, format!("cannot read the file: {e}"), ""))?;
    let length = file.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| unreadable(name, None, format!("{} that is damaged: {e}", kind.name()), HINT_DAMAGED))?;
    if archive.len() > MAX_ENTRIES {
        return refuse(format!(
            "the workbook holds {} parts; a workbook has tens, and at most {MAX_ENTRIES} are read",
            archive.len()
        ));
    }
    let (mut packed, mut unpacked) = (0u64, 0u64);
    let mut strings = None;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| {
            unreadable(name, None, format!("{} that is damaged: {e}", kind.name()), HINT_DAMAGED)
        })?;
        let (part, size, compressed) =
            (entry.name().map(|n| n.into_owned()).unwrap_or_default(), entry.size(), entry.compressed_size());
        packed = packed.saturating_add(compressed);
        unpacked = unpacked.saturating_add(size);
        if size > MAX_PART_BYTES {
            return refuse(format!(
                "its part `{part}` unpacks to {}; a workbook's part is read up to {}",
                megabytes(size),
                megabytes(MAX_PART_BYTES)
            ));
        }
        if size > RATIO_FROM && size / compressed.max(1) > MAX_RATIO {
            return refuse(format!(
                "its part `{part}` unpacks from {} to {} ({} times): a zip bomb, not a spreadsheet (sheets compress at most about {MAX_RATIO} times)",
                megabytes(compressed),
                megabytes(size),
                size / compressed.max(1)
            ));
        }
        if part.eq_ignore_ascii_case("xl/sharedStrings.xml") {
            strings = Some((i, size));
        }
    }
    if packed > length {
        return refuse(format!(
            "its parts claim {} packed, more than the file's own {}",
            megabytes(packed),
            megabytes(length)
        ));
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return refuse(format!(
            "it unpacks to {} in all; a workbook is read up to {}",
            megabytes(unpacked),
            megabytes(MAX_UNPACKED_BYTES)
        ));
    }
    if let Some((index, size)) = strings {
        if size > MAX_SHARED_STRINGS_BYTES {
            return refuse(format!(
                "its shared text (xl/sharedStrings.xml) is {}; it is read whole, up to {}",
                megabytes(size),
                megabytes(MAX_SHARED_STRINGS_BYTES)
            ));
        }
        let mut head = Vec::with_capacity(4096);
        if let Ok(entry) = archive.by_index(index) {
            // A part that does not unpack is the workbook reader's to report.
            let _ = entry.take(4096).read_to_end(&mut head);
        }
        if let Some(claimed) = claimed_strings(&head) {
            let room = size / SMALLEST_SHARED_STRING;
            if claimed > room {
                return refuse(format!(
                    "its shared-string table claims {claimed} strings, but its {} hold at most {room}",
                    megabytes(size)
                ));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` (else `count`) of the `<sst>` element at the start of a
/// shared-string table: what a reader reserves room for.
fn claimed_strings(head: &[u8]) -> Option<u64> {
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buf = vec![];
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == b"sst" =>
            {
                let attribute = |key: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == key)
                        .map(|a| a.value.into_owned())
                };
                let value = attribute(b"uniqueCount").or_else(|| attribute(b"count"))?;
                // A count that is not a number at all is as wrong as a huge one.
                return Some(std::str::from_utf8(&value).ok()?.trim().parse().unwrap_or(u64::MAX));
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            Ok(_) => buf.clear(),
        }
    }
}

fn megabytes(bytes: u64) -> String {
    if bytes < 1 << 20 { format!("{} KB", bytes.div_ceil(1000)) } else { format!("{} MB", bytes / 1_000_000) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn the_string_table_claim_is_read_from_its_start() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="5" uniqueCount="100000000000000"><si>"#;
        assert_eq!(claimed_strings(head), Some(100_000_000_000_000));
        assert_eq!(claimed_strings(br#"<sst count="7">"#), Some(7));
        assert_eq!(claimed_strings(br#"<sst uniqueCount="-1">"#), Some(u64::MAX));
        assert_eq!(claimed_strings(b"<sst>"), None);
    }

    #[test]
    fn a_cell_is_measured_in_characters() {
        assert!(check_cell("f", 2, 0, &"é".repeat(MAX_CELL_CHARS)).is_ok());
        let message = check_cell("f", 2, 2, &"a".repeat(MAX_CELL_CHARS + 1)).unwrap_err().to_string();
        assert!(message.contains("cell C2 holds 32768 characters"), "{message}");
    }
}
