//! Workbooks: .xlsx/.xlsm and .xlsb (streamed cell by cell), .xls and .ods, read
//! with calamine into the same header block and row stream as CSV. Every
//! message names the sheet; rows keep the number the spreadsheet shows.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::kind::Workbook;
use super::{Location, ReadOptions, Row, Sheet, Streamed, bounds, header, unreadable};
use crate::error::{Error, Result};

/// The most columns a workbook can have (Excel: XFD). A sheet that says it has
/// more is damaged or hostile, and is refused before anything is allocated.
pub const MAX_COLUMNS: usize = bounds::MAX_COLUMNS;
/// The most rows a workbook can have.
pub const MAX_ROWS: usize = 1_048_576;

type Source = BufReader<File>;

/// An open workbook: read here with calamine, or elsewhere (by a reader
/// process, see `process`), which answers the same questions.
pub(super) enum Book {
    Xlsx(Xlsx<Source>),
    Xlsb(Xlsb<Source>),
    Xls(Xls<Source>),
    Ods(Ods<Source>),
    Elsewhere(Box<dyn Elsewhere>),
}

/// A workbook read outside this process.
pub(super) trait Elsewhere: Send {
    fn tabs(&self) -> &[Tab];
    /// As [`Book::rows`].
    fn rows(
        &mut self,
        file: &str,
        tab: &str,
        limit: Option<usize>,
        each: &mut dyn FnMut(usize, Vec<String>) -> Result<bool>,
    ) -> Result<()>;
}

/// A sheet of the workbook, as the user sees it in the tabs.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Tab {
    pub name: String,
    pub visible: bool,
    pub worksheet: bool,
}

/// Opens the sheet to read: the one `--sheet` names, else the first visible
/// worksheet whose header `fit` finds question columns in (`fit` returns how
/// many). Returns its header part and its rows as a stream.
pub(super) fn open(
    name: &str,
    mut book: Book,
    options: &ReadOptions,
    fit: &dyn Fn(&Sheet) -> usize,
) -> Result<(Sheet, Streamed)> {
    let tabs = book.tabs();
    if tabs.is_empty() {
        return Err(unreadable(name, None, "the workbook has no sheets", ""));
    }
    let probe = |book: &mut Book, tab: &Tab| -> Result<Option<Sheet>> {
        let first =
            book.first_rows(name, &tab.name, options.header_rows.unwrap_or(0).max(header::LOOKAHEAD))?;
        if first.is_empty() {
            return Ok(None);
        }
        Ok(Some(sheet_of(name, &tab.name, first, options).0))
    };

    let chosen = match &options.sheet {
        Some(wanted) => {
            let found = tabs
                .iter()
                .find(|t| t.name == *wanted)
                .or_else(|| tabs.iter().find(|t| t.name.trim().eq_ignore_ascii_case(wanted.trim())));
            match found {
                Some(tab) if !tab.worksheet => {
                    return Err(unreadable(
                        name,
                        None,
                        format!("sheet \"{}\" is a chart, not a table", tab.name),
                        "",
                    ));
                }
                Some(tab) => tab,
                None => {
                    let listed = describe(&mut book, &tabs, &probe, fit)?;
                    return Err(unreadable(
                        name,
                        None,
                        format!("the workbook has no sheet named \"{wanted}\"; its sheets are:\n{listed}"),
                        "give one of these names with --sheet (quote names with spaces)",
                    ));
                }
            }
        }
        None => {
            let mut chosen = None;
            for tab in tabs.iter().filter(|t| t.visible && t.worksheet) {
                if let Some(sheet) = probe(&mut book, tab)?
                    && fit(&sheet) > 0
                {
                    chosen = Some(tab);
                    break;
                }
            }
            match chosen {
                Some(tab) => tab,
                // One sheet only: read it, and let the mapping say what is missing.
                None if tabs.len() == 1 => &tabs[0],
                None => {
                    let listed = describe(&mut book, &tabs, &probe, fit)?;
                    return Err(unreadable(
                        name,
                        None,
                        format!(
                            "no visible sheet has a column headed by a question id or a question's text; the sheets are:\n{listed}"
                        ),
                        "choose the sheet with the answers with --sheet NAME, or name its columns in a mapping file",
                    ));
                }
            }
        }
    };
    let tab_name = chosen.name.clone();
    let lookahead = options.header_rows.unwrap_or(0).max(header::LOOKAHEAD);
    let first = book.first_rows(name, &tab_name, lookahead)?;
    if first.is_empty() {
        return Err(unreadable(
            &label(name, &tab_name),
            None,
            "the sheet is empty",
            "choose the sheet with the answers with --sheet NAME",
        ));
    }
    let last_read = first.last().map(|(n, _)| *n).unwrap_or(0);
    let (mut sheet, rest) = sheet_of(name, &tab_name, first, options);
    if tabs.len() > 1 {
        sheet.notes.insert(
            0,
            format!(
                "read sheet \"{tab_name}\" ({} sheets in the workbook; --sheet chooses another)",
                tabs.len()
            ),
        );
    }
    let width = sheet.headers.len();
    let ahead = rest
        .into_iter()
        .map(|(number, cells)| Row { location: Location::Row(number), cells: trimmed(cells, width) })
        .collect();
    let file = sheet.file.clone();
    let rows = Streamed::spawn(ahead, move |send| {
        book.rows(&file, &tab_name, None, |number, cells| {
            if number <= last_read {
                return Ok(true);
            }
            Ok(send(Row { location: Location::Row(number), cells: trimmed(cells, width) }))
        })
    });
    Ok((sheet, rows))
}

/// "export.xlsx [Blad1]": how messages name a sheet of a workbook.
fn label(file: &str, sheet: &str) -> String {
    format!("{file} [{sheet}]")
}

/// The header part of a sheet from its first rows, and the answer rows among them.
fn sheet_of(
    name: &str,
    tab: &str,
    first: Vec<(usize, Vec<String>)>,
    options: &ReadOptions,
) -> (Sheet, Vec<(usize, Vec<String>)>) {
    let (block, notes) = header::split(first, options.header_rows);
    let sheet = Sheet {
        file: label(name, tab),
        headers: block.headers,
        extra_headers: block.extra_headers,
        layout: block.layout,
        rows: vec![],
        notes,
    };
    (sheet, block.rest)
}

/// Empty cells after the last headed column go, as in CSV.
fn trimmed(mut cells: Vec<String>, width: usize) -> Vec<String> {
    while cells.len() > width && cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}

/// Every sheet with what it holds, for a message that asks the user to choose.
fn describe(
    book: &mut Book,
    tabs: &[Tab],
    probe: &dyn Fn(&mut Book, &Tab) -> Result<Option<Sheet>>,
    fit: &dyn Fn(&Sheet) -> usize,
) -> Result<String> {
    let mut lines = vec![];
    for tab in tabs {
        let mut what = vec![];
        if !tab.visible {
            what.push("hidden".to_string());
        }
        if !tab.worksheet {
            what.push("a chart".to_string());
        } else {
            match probe(book, tab)? {
                None => what.push("empty".to_string()),
                Some(sheet) => {
                    let columns = sheet.headers.iter().filter(|h| !h.is_empty()).count();
                    let questions = fit(&sheet);
                    what.push(format!("{columns} column{}", if columns == 1 { "" } else { "s" }));
                    what.push(match questions {
                        0 => "no question columns".to_string(),
                        1 => "1 question column".to_string(),
                        n => format!("{n} question columns"),
                    });
                }
            }
        }
        lines.push(format!("  \"{}\": {}", tab.name, what.join(", ")));
    }
    Ok(lines.join("\n"))
}

impl Book {
    /// Opens the workbook in this process, after checking that its container
    /// holds what a workbook can (see `bounds`).
    pub(super) fn open(name: &str, path: &Path, kind: Workbook) -> Result<Book> {
        bounds::check_container(name, path, kind)?;
        let file =
            File::open(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })?;
        let source = BufReader::new(file);
        let damaged = |e: String| {
            let encrypted = e.to_lowercase().contains("password");
            if encrypted {
                unreadable(
                    name,
                    None,
                    "this workbook is protected with a password (encrypted), so it cannot be read",
                    "open it in Excel, remove the password, save, and give that file; or export the answers as CSV",
                )
            } else {
                unreadable(
                    name,
                    None,
                    format!("{} that cannot be read: {e}", kind.name()),
                    "open it in Excel or LibreOffice and save it again, or export the answers as CSV",
                )
            }
        };
        Ok(match kind {
            Workbook::Xlsx => Book::Xlsx(Xlsx::new(source).map_err(|e| damaged(e.to_string()))?),
            Workbook::Xlsb => Book::Xlsb(Xlsb::new(source).map_err(|e| damaged(e.to_string()))?),
            Workbook::Xls => Book::Xls(Xls::new(source).map_err(|e| damaged(e.to_string()))?),
            Workbook::Ods => Book::Ods(Ods::new(source).map_err(|e| damaged(e.to_string()))?),
        })
    }

    pub(super) fn tabs(&self) -> Vec<Tab> {
        let metadata = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
            Book::Xls(b) => b.sheets_metadata(),
            Book::Ods(b) => b.sheets_metadata(),
            Book::Elsewhere(remote) => return remote.tabs().to_vec(),
        };
        metadata
            .iter()
            .map(|s| Tab {
                name: s.name.clone(),
                visible: s.visible == SheetVisible::Visible,
                worksheet: s.typ == SheetType::WorkSheet,
            })
            .collect()
    }

    /// The first `n` rows that are not empty, with their spreadsheet row numbers.
    fn first_rows(&mut self, name: &str, tab: &str, n: usize) -> Result<Vec<(usize, Vec<String>)>> {
        let mut rows = vec![];
        self.rows(&label(name, tab), tab, Some(n), |number, cells| {
            rows.push((number, cells));
            Ok(true)
        })?;
        Ok(rows)
    }

    /// Calls `each` with every row that is not empty, in order, until it
    /// returns false or `limit` rows have been passed.
    pub(super) fn rows(
        &mut self,
        file: &str,
        tab: &str,
        limit: Option<usize>,
        mut each: impl FnMut(usize, Vec<String>) -> Result<bool>,
    ) -> Result<()> {
        if let Book::Elsewhere(remote) = self {
            return remote.rows(file, tab, limit, &mut each);
        }
        let mut left = limit.unwrap_or(usize::MAX);
        if left == 0 {
            return Ok(());
        }
        self.each_row(file, tab, |number, cells| {
            left -= 1;
            Ok(each(number, cells)? && left > 0)
        })
    }

    /// Calls `each` with every row that is not empty, in order, until it returns false.
    fn each_row(
        &mut self,
        file: &str,
        tab: &str,
        mut each: impl FnMut(usize, Vec<String>) -> Result<bool>,
    ) -> Result<()> {
        let failed = |e: String| {
            unreadable(
                file,
                None,
                format!("cannot read the sheet: {e}"),
                "open the workbook in Excel or LibreOffice and save it again",
            )
        };
        match self {
            Book::Xlsx(book) => {
                let mut reader = book.worksheet_cells_reader(tab).map_err(|e| failed(e.to_string()))?;
                let declared = reader.dimensions();
                check_size(file, declared.end.0 as usize + 1, declared.end.1 as usize + 1)?;
                cells_of(file, || reader.next_cell().map_err(|e| failed(e.to_string())), each)
            }
            Book::Xlsb(book) => {
                let mut reader = book.worksheet_cells_reader(tab).map_err(|e| failed(e.to_string()))?;
                let declared = reader.dimensions();
                check_size(file, declared.end.0 as usize + 1, declared.end.1 as usize + 1)?;
                cells_of(file, || reader.next_cell().map_err(|e| failed(e.to_string())), each)
            }
            Book::Xls(book) => {
                rows_of(file, book.worksheet_range(tab).map_err(|e| failed(e.to_string()))?, each)
            }
            Book::Ods(book) => {
                rows_of(file, book.worksheet_range(tab).map_err(|e| failed(e.to_string()))?, each)
            }
            Book::Elsewhere(remote) => remote.rows(file, tab, None, &mut each),
        }
    }
}

/// The rows of a sheet read cell by cell (.xlsx, .xlsb): only one row is
/// held at a time, and no cell's text is copied before its length is checked.
fn cells_of<'a>(
    file: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>>,
    mut each: impl FnMut(usize, Vec<String>) -> Result<bool>,
) -> Result<()> {
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut row_bytes = 0;
    while let Some(cell) = next()? {
        let (r, c) = (cell.get_position().0 as usize, cell.get_position().1 as usize);
        check_size(file, r + 1, c + 1)?;
        if row.as_ref().is_some_and(|(n, _)| *n != r + 1) {
            let (number, cells) = row.take().unwrap();
            row_bytes = 0;
            if !blank(&cells) && !each(number, cells)? {
                return Ok(());
            }
        }
        let value = cell.get_value();
        let length = bounds::check_cell(file, r + 1, c, value_text(value))?;
        row_bytes += length;
        bounds::check_row(file, r + 1, row_bytes)?;
        let text = text_ref(value);
        let (_, cells) = row.get_or_insert_with(|| (r + 1, vec![]));
        if !text.is_empty() {
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            cells[c] = text;
        }
    }
    if let Some((number, cells)) = row
        && !blank(&cells)
    {
        each(number, cells)?;
    }
    Ok(())
}

/// A cell's text as the file holds it, to check before it is copied (numbers
/// and dates are short whatever they are).
fn value_text<'a>(value: &'a DataRef<'_>) -> &'a str {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s,
        DataRef::SharedString(s) => s,
        _ => "",
    }
}

/// The rows of a sheet calamine read whole (.xls and .ods have no cell
/// reader): at most 65,536 rows in .xls; an .ods is held in memory.
fn rows_of(
    file: &str,
    range: calamine::Range<Data>,
    mut each: impl FnMut(usize, Vec<String>) -> Result<bool>,
) -> Result<()> {
    let Some((top, left)) = range.start() else { return Ok(()) };
    let (bottom, right) = range.end().unwrap_or((top, left));
    check_size(file, bottom as usize + 1, right as usize + 1)?;
    for (i, row) in range.rows().enumerate() {
        let number = top as usize + i + 1;
        let mut row_bytes = 0;
        for (c, value) in row.iter().enumerate() {
            let text = match value {
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.as_str(),
                _ => "",
            };
            row_bytes += bounds::check_cell(file, number, left as usize + c, text)?;
            bounds::check_row(file, number, row_bytes)?;
        }
        let mut cells = vec![String::new(); left as usize];
        cells.extend(row.iter().map(text_data));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        if !blank(&cells) && !each(number, cells)? {
            break;
        }
    }
    Ok(())
}

fn blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// A sheet that says it is larger than a workbook can be is damaged or
/// hostile: refuse it before allocating anything for it.
fn check_size(file: &str, rows: usize, columns: usize) -> Result<()> {
    if columns > MAX_COLUMNS {
        return Err(unreadable(
            file,
            None,
            format!(
                "the sheet claims {columns} columns; a workbook has at most {MAX_COLUMNS} (up to column XFD)"
            ),
            "the file is damaged or was not made by a spreadsheet program: open it in Excel or LibreOffice and save it again",
        ));
    }
    if rows > MAX_ROWS {
        return Err(unreadable(
            file,
            None,
            format!("the sheet claims {rows} rows; a workbook has at most {MAX_ROWS}"),
            "the file is damaged or was not made by a spreadsheet program: open it in Excel or LibreOffice and save it again",
        ));
    }
    Ok(())
}

/// A cell as the text a user sees in it: whole numbers without `.0`, dates
/// as ISO dates (with the time when there is one), line breaks as `\n`.
fn text_ref(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => lines(s),
        DataRef::SharedString(s) => lines(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => date_time(d),
        DataRef::DateTimeIso(s) => s.replacen('T', " ", 1),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Empty => String::new(),
    }
}

fn text_data(value: &Data) -> String {
    match value {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::String(s) => lines(s),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => date_time(d),
        Data::DateTimeIso(s) => s.replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
        Data::Empty => String::new(),
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

fn lines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// A date cell (either epoch, 1900 or 1904: calamine knows which the
/// workbook uses) as `2026-03-12`, or `2026-03-12 10:05:00` when it has a time.
fn date_time(d: &calamine::ExcelDateTime) -> String {
    if !d.is_datetime() {
        // A duration ("1:30" in a time column): its number of days.
        return number(d.as_f64());
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    if (h, min, s) == (0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_user_sees_them() {
        assert_eq!(number(3.0), "3");
        assert_eq!(number(-12.0), "-12");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(lines("a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn date_cells_in_both_epochs() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        // 2026-03-12 is serial 46093 from 1900, 44631 from 1904.
        let d1900 = ExcelDateTime::new(46093.0, ExcelDateTimeType::DateTime, false);
        let d1904 = ExcelDateTime::new(44631.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(date_time(&d1900), "2026-03-12");
        assert_eq!(date_time(&d1904), "2026-03-12");
        let with_time = ExcelDateTime::new(46093.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_time(&with_time), "2026-03-12 12:00:00");
    }
}
