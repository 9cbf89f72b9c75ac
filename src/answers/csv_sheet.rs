//! CSV as real files contain it: BOM or not, UTF-8 or Windows-1252 (Excel's
//! "Save as CSV"), `,` `;` or tab, CRLF, quoted multi-line cells, trailing
//! empty columns, spaces around headers.

use std::io::Read;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Encoding, Location, ReadOptions, Row, Sheet, header, unreadable};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }
}

impl FromStr for Delimiter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "," | "comma" => Ok(Delimiter::Comma),
            ";" | "semicolon" => Ok(Delimiter::Semicolon),
            "\t" | "\\t" | "tab" => Ok(Delimiter::Tab),
            other => Err(format!("unknown delimiter `{other}`: use `,`, `;` or `tab`")),
        }
    }
}

/// A row longer than this is not an answer row: it is what an unclosed quote
/// makes of the rest of a file. Bounds the memory one row can take.
pub const MAX_ROW_BYTES: u64 = 4 << 20;
/// How much of the file is looked at to choose the encoding and the delimiter.
const HEAD_BYTES: usize = 64 << 10;

/// Reads the header rows and returns the sheet without rows, plus the rows as
/// a stream: memory stays bounded however long the file is.
pub(super) fn open(
    name: &str,
    mut source: Box<dyn Read + Send>,
    options: &ReadOptions,
) -> Result<(Sheet, CsvRows)> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut source).take(HEAD_BYTES as u64).read_to_end(&mut head).map_err(|e| io_error(name, e))?;
    let short = head.len() < HEAD_BYTES;
    // The byte order mark is not part of the first header.
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    let body = &head[..];
    if body.iter().all(|b| b.is_ascii_whitespace()) && short {
        return Err(unreadable(
            name,
            None,
            "the file is empty",
            "export the answers again, with a header row",
        ));
    }
    let mut notes = vec![];
    let encoding = match options.encoding {
        Some(e) => e,
        // Valid so far (a character cut off at the end of the head is fine).
        None => match std::str::from_utf8(body) {
            Err(e) if e.error_len().is_some() => {
                notes.push(NOT_UTF8.to_string());
                Encoding::Windows1252
            }
            _ => Encoding::Utf8,
        },
    };
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => {
            let d = sniff(&String::from_utf8_lossy(body));
            if d != Delimiter::Comma {
                notes.push(format!("columns are separated by a {} (detected)", d.name()));
            }
            d
        }
    };
    let boundary = Arc::new(AtomicU64::new(0));
    let bounded =
        Bounded { inner: std::io::Cursor::new(head).chain(source), read: 0, boundary: boundary.clone() };
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(bounded);
    let mut rows = CsvRows {
        name: name.to_string(),
        reader,
        boundary,
        encoding,
        record: csv::ByteRecord::new(),
        number: 0,
        ahead: Default::default(),
        width: usize::MAX,
        failed: false,
        notes: vec![],
    };

    // Enough rows to recognise a survey tool's header block.
    let mut first: Vec<(usize, Vec<String>)> = vec![];
    let wanted = options.header_rows.unwrap_or(0).max(header::LOOKAHEAD);
    while first.len() < wanted {
        match rows.next_record()? {
            Some(cells) => first.push((rows.number, cells)),
            None => break,
        }
    }
    if first.is_empty() {
        return Err(unreadable(name, None, "the file has no header row", ""));
    }
    let (block, found) = header::split(first, options.header_rows);
    notes.extend(found);
    rows.width = block.headers.len();
    rows.ahead = block
        .rest
        .into_iter()
        .map(|(number, cells)| Row { location: Location::Row(number), cells: rows.trimmed(cells) })
        .collect();
    let sheet = Sheet {
        file: name.to_string(),
        headers: block.headers,
        extra_headers: block.extra_headers,
        layout: block.layout,
        rows: vec![],
        notes,
    };
    Ok((sheet, rows))
}

const NOT_UTF8: &str = "the file is not UTF-8; read it as Windows-1252 (Excel's \"CSV\"). \
                        Check names with accents in the reports, or save as \"CSV UTF-8\" next time";

/// The answer rows of a CSV file, read one at a time.
pub struct CsvRows {
    name: String,
    reader: csv::Reader<Bounded>,
    boundary: Arc<AtomicU64>,
    encoding: Encoding,
    record: csv::ByteRecord,
    /// Records read so far, header rows included: the spreadsheet row number
    /// (a multi-line cell is still one row).
    number: usize,
    /// Rows read while looking for the header block.
    ahead: std::collections::VecDeque<Row>,
    /// Columns with a header; empty cells after them are dropped.
    width: usize,
    /// A row could not be read: the stream has ended.
    failed: bool,
    /// Rows that were not UTF-8 in a file that started as UTF-8.
    pub notes: Vec<String>,
}

impl CsvRows {
    fn trimmed(&self, mut cells: Vec<String>) -> Vec<String> {
        while cells.len() > self.width && cells.last().is_some_and(|c| c.trim().is_empty()) {
            cells.pop();
        }
        cells
    }

    fn next_record(&mut self) -> Result<Option<Vec<String>>> {
        let number = self.number + 1;
        let more = self.reader.read_byte_record(&mut self.record).map_err(|e| {
            let too_long =
                matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge);
            if too_long {
                unreadable(
                    &self.name,
                    Some(number),
                    format!("row {number} is longer than {} MiB", MAX_ROW_BYTES >> 20),
                    "a quote that is opened and never closed makes the rest of the file one cell; \
                     check the quotes in that row",
                )
            } else if let csv::ErrorKind::Io(io) = e.kind() {
                unreadable(&self.name, Some(number), format!("cannot read row {number}: {io}"), "")
            } else {
                unreadable(
                    &self.name,
                    Some(number),
                    format!("cannot read row {number}: {e}"),
                    "check the quotes in that row",
                )
            }
        })?;
        self.boundary.store(self.reader.position().byte(), Ordering::Relaxed);
        if !more {
            return Ok(None);
        }
        self.number = number;
        super::bounds::check_columns(&self.name, Some(number), self.record.len())?;
        let cells = self
            .record
            .iter()
            .map(|field| match (self.encoding, std::str::from_utf8(field)) {
                (Encoding::Utf8, Ok(text)) => text.to_string(),
                (Encoding::Utf8, Err(_)) => {
                    if self.notes.is_empty() {
                        self.notes.push(format!(
                            "row {number} is not UTF-8 (the rows before it are); read it as Windows-1252"
                        ));
                    }
                    encoding_rs::WINDOWS_1252.decode(field).0.into_owned()
                }
                (Encoding::Windows1252, _) => encoding_rs::WINDOWS_1252.decode(field).0.into_owned(),
            })
            .collect();
        Ok(Some(cells))
    }
}

impl Iterator for CsvRows {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        if let Some(row) = self.ahead.pop_front() {
            return Some(Ok(row));
        }
        if self.failed {
            return None;
        }
        match self.next_record() {
            Ok(Some(cells)) => {
                Some(Ok(Row { location: Location::Row(self.number), cells: self.trimmed(cells) }))
            }
            Ok(None) => None,
            Err(e) => {
                // One unreadable row ends the file: what follows cannot be trusted.
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// A reader that refuses to read more than [`MAX_ROW_BYTES`] past the start of
/// the row being parsed, so one endless row cannot take all memory.
struct Bounded {
    inner: std::io::Chain<std::io::Cursor<Vec<u8>>, Box<dyn Read + Send>>,
    read: u64,
    boundary: Arc<AtomicU64>,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.saturating_sub(self.boundary.load(Ordering::Relaxed)) > MAX_ROW_BYTES {
            return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "row too long"));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

fn io_error(name: &str, e: std::io::Error) -> crate::Error {
    unreadable(name, None, format!("cannot read the file: {e}"), "")
}

/// The delimiter that splits the header row into the most columns (outside quotes).
fn sniff(text: &str) -> Delimiter {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap();
    [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet> {
        super::super::read_bytes(name, "csv", bytes, options)
    }

    #[test]
    fn sniffs_the_delimiter_of_the_header_row_outside_quotes() {
        assert_eq!(sniff("naam;organisatie;R1V1\n"), Delimiter::Semicolon);
        assert_eq!(sniff("\"a,b\";c;d\n"), Delimiter::Semicolon);
        assert_eq!(sniff("naam,organisatie\n;;;;;;\n"), Delimiter::Comma);
        assert_eq!(sniff("naam\torg\tR1V1\n"), Delimiter::Tab);
    }

    #[test]
    fn windows_1252_is_decoded_and_noted() {
        let sheet = read("x.csv", b"naam\nJos\xe9 M\xfcller\n", &ReadOptions::default()).unwrap();
        assert_eq!(sheet.rows[0].cells[0], "José Müller");
        assert_eq!(sheet.notes.len(), 1);
        let sheet = read("x.csv", "\u{feff}naam\nJosé\n".as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(sheet.headers, vec!["naam"]);
        assert_eq!(sheet.rows[0].cells[0], "José");
        assert!(sheet.notes.is_empty());
    }

    #[test]
    fn a_row_that_is_not_utf8_late_in_a_utf8_file_is_read_as_windows_1252_and_named() {
        let mut bytes = "naam,R1V1\n".to_string().into_bytes();
        for i in 0..20_000 {
            bytes.extend(format!("José {i},A\n").as_bytes());
        }
        bytes.extend(b"M\xfcller,B\n");
        let sheet = read("x.csv", &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(sheet.rows.last().unwrap().cells[0], "Müller");
        assert_eq!(sheet.rows[0].cells[0], "José 0");
        assert!(sheet.notes.iter().any(|n| n.contains("row 20002")), "{:?}", sheet.notes);
    }

    #[test]
    fn an_endless_row_is_an_error_naming_the_row_not_a_memory_hog() {
        let mut bytes = b"naam,R1V1\nJan,A\n\"Piet,B\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', (MAX_ROW_BYTES + 100_000) as usize));
        let err = read("x.csv", &bytes, &ReadOptions::default()).unwrap_err().to_string();
        assert!(err.contains("row 3") && err.contains("quote"), "{err}");
    }

    #[test]
    fn multi_line_cells_keep_spreadsheet_row_numbers() {
        let sheet = read("x.csv", b"naam,R1V1\r\n\"Jan\r\nJansen\",A\r\nPiet,B\r\n", &ReadOptions::default())
            .unwrap();
        assert_eq!(sheet.rows[1].location, Location::Row(3));
        assert_eq!(sheet.rows[0].cells[0], "Jan\r\nJansen");
    }

    #[test]
    fn trailing_empty_columns_and_header_spaces_go() {
        let sheet = read("x.csv", b" naam , R1V1 ,,\nJan,A,,\n", &ReadOptions::default()).unwrap();
        assert_eq!(sheet.headers, vec!["naam", "R1V1"]);
        assert_eq!(sheet.rows[0].cells, vec!["Jan", "A"]);
    }
}
