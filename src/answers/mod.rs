//! Reading answer sheets: CSV (any delimiter, UTF-8, UTF-16 or Windows-1252),
//! JSON and workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods), recognised by their
//! content, into one shape: a header and rows of raw cells, each row with the
//! number a spreadsheet shows for it. What the cells mean is `mapping`'s business.

pub mod bounds;
mod csv_sheet;
mod header;
mod json_sheet;
pub mod kind;
pub mod process;
mod workbook;

use std::fmt;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

pub use csv_sheet::Delimiter;
pub use json_sheet::flat_records;
use process::Opened;
pub use process::isolate_with;

/// Where a row comes from, as the user would look it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Location {
    /// A spreadsheet row (the header is row 1).
    Row(usize),
    /// The n-th respondent in a JSON file (1-based).
    Record(usize),
}

impl Location {
    pub fn number(self) -> usize {
        match self {
            Location::Row(n) | Location::Record(n) => n,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Row(n) => write!(f, "row {n}"),
            Location::Record(n) => write!(f, "record {n}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub location: Location,
    pub cells: Vec<String>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map(String::as_str).unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct Sheet {
    /// The file, as the user named it.
    pub file: String,
    /// The row that names the columns.
    pub headers: Vec<String>,
    /// Further header rows (question texts in Qualtrics, choice labels in
    /// SurveyMonkey), per row; matching may use them.
    pub extra_headers: Vec<Vec<String>>,
    /// The survey tool the layout was recognised as, if any.
    pub layout: Option<&'static str>,
    pub rows: Vec<Row>,
    /// Things worth telling the user that are not errors (encoding guessed, …).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOptions {
    /// Overrides the sniffed delimiter.
    pub delimiter: Option<Delimiter>,
    /// Header rows before the first answer row (the first names the columns); detected when None.
    pub header_rows: Option<usize>,
    /// Overrides encoding detection.
    pub encoding: Option<Encoding>,
    /// The sheet of a workbook to read; the first visible one with question columns when None.
    pub sheet: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

impl std::str::FromStr for Encoding {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" => Ok(Encoding::Windows1252),
            other => Err(format!("unknown encoding `{other}`: use utf-8 or windows-1252")),
        }
    }
}

impl Sheet {
    /// Every header text of a column: its name and what further header rows say.
    pub fn header_texts(&self, col: usize) -> Vec<&str> {
        std::iter::once(self.headers.get(col).map(String::as_str).unwrap_or(""))
            .chain(self.extra_headers.iter().filter_map(|row| row.get(col).map(String::as_str)))
            .filter(|t| !t.trim().is_empty())
            .collect()
    }
}

/// Reads a whole answer sheet (tests, `mapping`); `fit` as for [`open`].
pub fn read(path: &Path, options: &ReadOptions, fit: &dyn Fn(&Sheet) -> usize) -> Result<Sheet> {
    let (sheet, rows) = open(path, options, fit)?;
    collect(sheet, rows)
}

/// A sheet with all its rows read in.
fn collect(mut sheet: Sheet, mut rows: Rows) -> Result<Sheet> {
    for row in rows.by_ref() {
        sheet.rows.push(row?);
    }
    sheet.notes.extend(rows.notes());
    Ok(sheet)
}

/// Opens a sheet: its header part (with `rows` empty) and its rows as a
/// stream. What the file is comes from its content, not its name. A CSV file,
/// a JSON array of respondents or an .xlsx sheet is read as it is consumed,
/// so memory stays bounded however many rows it has; other JSON (one
/// respondent, survey-tool exports) is parsed whole. `fit` tells how many
/// question columns a workbook sheet's header has: the first visible sheet
/// with any is read, unless `options.sheet` names one.
pub fn open(path: &Path, options: &ReadOptions, fit: &dyn Fn(&Sheet) -> usize) -> Result<(Sheet, Rows)> {
    let name = path.display().to_string();
    if let Some(program) = process::program() {
        return process::open(program, &name, path, options, fit);
    }
    match open_here(&name, path, options)? {
        Opened::Workbook(book, renamed) => {
            // A damaged or hostile workbook must not take the program down
            // with it, whatever the workbook library makes of it.
            let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                workbook::open(&name, book, options, fit)
            }))
            .unwrap_or_else(|_| Err(reader_failed(&name)));
            let (mut sheet, rows) = opened?;
            if let Some(note) = renamed {
                sheet.notes.insert(0, note);
            }
            Ok((sheet, Rows::Streamed(rows)))
        }
        Opened::Sheet(sheet, rows) => Ok((sheet, rows)),
    }
}

/// Opens a file in this process: a workbook as a book to ask for rows (with
/// the note if its name says otherwise), any other sheet with its rows.
fn open_here(name: &str, path: &Path, options: &ReadOptions) -> Result<Opened> {
    let io = |source| Error::Io { action: "read", path: path.to_owned(), source };
    let mut file = std::io::BufReader::with_capacity(64 << 10, std::fs::File::open(path).map_err(io)?);
    let peek = std::io::BufRead::fill_buf(&mut file).map_err(io)?;
    let (kind, renamed) = kind::recognise(name, path, peek)?;
    let (mut sheet, rows) = match kind {
        kind::Kind::Workbook(book) => {
            let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                workbook::Book::open(name, path, book)
            }))
            .unwrap_or_else(|_| Err(reader_failed(name)));
            return Ok(Opened::Workbook(opened?, renamed));
        }
        kind::Kind::Json if json_sheet::is_array(peek) => {
            let (sheet, rows) = json_sheet::open_array(name, path)?;
            (sheet, Rows::Streamed(rows))
        }
        kind::Kind::Json => {
            let mut bytes = vec![];
            file.read_to_end(&mut bytes).map_err(io)?;
            Rows::memory(json_sheet::read(name, &bytes, options)?)
        }
        kind::Kind::Utf16 => {
            let mut bytes = vec![];
            file.read_to_end(&mut bytes).map_err(io)?;
            let text = encoding_rs::UTF_16LE.decode(&bytes).0.into_owned();
            drop(bytes);
            let (sheet, rows) =
                csv_sheet::open(name, Box::new(std::io::Cursor::new(text.into_bytes())), options)?;
            let mut sheet = sheet;
            sheet
                .notes
                .insert(0, "the file is UTF-16 text (Excel's \"Unicode text\"); read it as such".into());
            (sheet, Rows::Csv(Box::new(rows)))
        }
        kind::Kind::Csv => {
            let (sheet, rows) = csv_sheet::open(name, Box::new(file), options)?;
            (sheet, Rows::Csv(Box::new(rows)))
        }
    };
    if let Some(note) = renamed {
        sheet.notes.insert(0, note);
    }
    Ok(Opened::Sheet(sheet, rows))
}

/// Reads a CSV or JSON sheet from memory; `ext` (`csv`, `json` or empty) decides the format, else the first byte.
pub fn read_bytes(name: &str, ext: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet> {
    if kind::is_json(ext, bytes) {
        json_sheet::read(name, bytes, options)
    } else {
        let (sheet, rows) = csv_sheet::open(name, Box::new(std::io::Cursor::new(bytes.to_vec())), options)?;
        collect(sheet, Rows::Csv(Box::new(rows)))
    }
}

/// Rows read by a thread of their own (a JSON array, a workbook sheet, a
/// reader process) and handed over through a short queue, after any read
/// ahead with the header.
pub struct Streamed {
    ahead: std::collections::VecDeque<Row>,
    receive: std::sync::mpsc::Receiver<Result<Row>>,
    notes: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Streamed {
    /// Starts `read` in a thread; it passes each row to the function it is
    /// given, which returns false once nobody listens any more (stop reading).
    pub(crate) fn spawn(
        ahead: Vec<Row>,
        read: impl FnOnce(&dyn Fn(Row) -> bool) -> Result<()> + Send + 'static,
    ) -> Streamed {
        Streamed::spawn_with_notes(ahead, |send, _| read(send))
    }

    /// [`Streamed::spawn`] for a reader that also has notes to pass on.
    pub(crate) fn spawn_with_notes(
        ahead: Vec<Row>,
        read: impl FnOnce(&dyn Fn(Row) -> bool, &dyn Fn(Vec<String>)) -> Result<()> + Send + 'static,
    ) -> Streamed {
        let (send, receive) = std::sync::mpsc::sync_channel(64);
        let notes = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
        let found = notes.clone();
        std::thread::spawn(move || {
            let note = |more: Vec<String>| found.lock().unwrap_or_else(|p| p.into_inner()).extend(more);
            // A reader that panics must not look like the end of the sheet.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read(&|row| send.send(Ok(row)).is_ok(), &note)
            }))
            .unwrap_or_else(|_| Err(reader_failed("the sheet")));
            if let Err(e) = read {
                let _ = send.send(Err(e));
            }
        });
        Streamed { ahead: ahead.into(), receive, notes }
    }
}

impl Iterator for Streamed {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        match self.ahead.pop_front() {
            Some(row) => Some(Ok(row)),
            None => self.receive.recv().ok(),
        }
    }
}

/// The answer rows of an opened sheet, in file order.
pub enum Rows {
    Csv(Box<csv_sheet::CsvRows>),
    Streamed(Streamed),
    Memory(std::vec::IntoIter<Row>),
}

impl Rows {
    fn memory(mut sheet: Sheet) -> (Sheet, Rows) {
        let rows = std::mem::take(&mut sheet.rows);
        (sheet, Rows::Memory(rows.into_iter()))
    }

    /// What reading the rows found worth saying (a row that is not UTF-8, …).
    pub fn notes(&mut self) -> Vec<String> {
        match self {
            Rows::Csv(rows) => std::mem::take(&mut rows.notes),
            Rows::Streamed(rows) => {
                std::mem::take(&mut *rows.notes.lock().unwrap_or_else(|p| p.into_inner()))
            }
            Rows::Memory(_) => vec![],
        }
    }
}

impl Iterator for Rows {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        match self {
            Rows::Csv(rows) => rows.next(),
            Rows::Streamed(rows) => rows.next(),
            Rows::Memory(rows) => rows.next().map(Ok),
        }
    }
}

/// The reading library failed on a damaged file.
fn reader_failed(name: &str) -> Error {
    unreadable(
        name,
        None,
        "the file is damaged: reading it failed part-way",
        "open it in Excel or LibreOffice and save it again, or export the answers as CSV",
    )
}

/// A sheet-level problem: the file cannot be read as answers at all.
pub(crate) fn unreadable(file: &str, line: Option<usize>, message: impl Into<String>, hint: &str) -> Error {
    let mut p = crate::Problem::new(file, line, message);
    if !hint.is_empty() {
        p = p.hint(hint);
    }
    Error::Sheet(vec![p])
}
