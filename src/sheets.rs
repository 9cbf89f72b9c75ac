//! Reading answer sheets against the handreiking: one sheet opened, its
//! columns understood and every row read as a respondent or a bad row (what
//! `check`, `report` and `group` all start with), and `check` and `mapping`.

use std::path::{Path, PathBuf};

use crate::answers::{self, Location, ReadOptions, Sheet};
use crate::content::{self, Handreiking};
use crate::dates;
use crate::error::{Error, Problem, Result};
use crate::mapping::{self, CellProblem, Mapping};
use crate::settings::{Settings, load_content};

/// A sheet read and understood, summed up row by row (the rows themselves are
/// not kept, so any length fits in memory): what `check` shows.
pub struct ReadSheet {
    /// The header part (its `rows` are empty) and the notes from reading.
    pub sheet: Sheet,
    pub mapping: Mapping,
    /// Good rows: respondents a report can be made for.
    pub respondents: usize,
    /// Per question id: how many respondents answered A, B, or left it open.
    pub answers: std::collections::BTreeMap<String, [usize; 3]>,
    /// The first [`ReadSheet::KEPT`] rows with bad cells, each with all its problems.
    pub bad_rows: Vec<(Location, Vec<CellProblem>)>,
    /// All rows with bad cells, and their bad cells.
    pub bad_row_count: usize,
    pub bad_cell_count: usize,
    pub empty_rows: usize,
    pub tally: mapping::Tally,
    /// The first [`ReadSheet::DATES_KEPT`] respondents' dates that cannot be
    /// read (reports show them as written), as written.
    pub unreadable_dates: Vec<(Location, String)>,
    pub unreadable_date_count: usize,
    /// With an e-mail column: the first [`ReadSheet::KEPT`] respondents whose
    /// address `mail` will skip (as written), and why; `mail`'s own rule.
    pub unmailable: Vec<(Location, String, mapping::address::Unmailable)>,
    pub unmailable_count: usize,
}

impl ReadSheet {
    pub const KEPT: usize = 1000;
    pub const DATES_KEPT: usize = 5;
}

/// How to read answer sheets: reading options (flags win) and an optional mapping file.
#[derive(Debug, Clone, Default)]
pub struct SheetOptions {
    pub read: ReadOptions,
    pub mapping: Option<PathBuf>,
}

impl SheetOptions {
    /// The reading options with the mapping file's `[source]` filled in (flags win), and the mapping file.
    pub fn load(&self, h: &Handreiking) -> Result<(ReadOptions, Option<mapping::MappingFile>)> {
        let Some(path) = &self.mapping else { return Ok((self.read.clone(), None)) };
        let file = mapping::MappingFile::load(path, h)?;
        let mut read = self.read.clone();
        let bad = |key: &str, e: String| {
            Error::Mapping(vec![Problem::new(
                path.display().to_string(),
                None,
                format!("[source] {key}: {e}"),
            )])
        };
        if read.delimiter.is_none()
            && let Some(d) = &file.source.delimiter
        {
            read.delimiter = Some(d.parse().map_err(|e| bad("delimiter", e))?);
        }
        if read.encoding.is_none()
            && let Some(e) = &file.source.encoding
        {
            read.encoding = Some(e.parse().map_err(|e| bad("encoding", e))?);
        }
        if read.header_rows.is_none() {
            read.header_rows = file.source.header_rows;
        }
        if read.sheet.is_none() {
            read.sheet = file.source.sheet.clone();
        }
        Ok((read, Some(file)))
    }
}

/// Opens one answer sheet, finds what its columns mean, and passes every row,
/// as it is read and understood, to `each`, with the name of the file (and of
/// the sheet, in a workbook) as messages give it. Returns the header part,
/// with the notes from reading, the mapping and the tally of values.
pub fn stream_sheet(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
    mut each: impl FnMut(&str, Location, mapping::Reading) -> Result<()>,
) -> Result<(Sheet, Mapping, mapping::Tally)> {
    stream_sheet_rows(h, path, options, file, |sheet, row, reading| each(&sheet.file, row.location, reading))
}

/// [`stream_sheet`] with the header part and each row's own cells beside what the
/// row was read as: for what identifies a respondent over two measurements
/// (`followup`), which may be a column no report shows.
pub(crate) fn stream_sheet_rows(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
    mut each: impl FnMut(&Sheet, &answers::Row, mapping::Reading) -> Result<()>,
) -> Result<(Sheet, Mapping, mapping::Tally)> {
    let (mut sheet, mut rows) = answers::open(path, options, &question_columns(h, file))?;
    let mapping = mapping::detect(&sheet, h, file)?;
    let mut tally = mapping::Tally::default();
    for row in rows.by_ref() {
        let row = row?;
        let reading = mapping::interpret_row(&row, &sheet.headers, &mapping, h, &mut tally);
        each(&sheet, &row, reading)?;
    }
    sheet.notes.extend(rows.notes());
    Ok((sheet, mapping, tally))
}

/// How many question columns a sheet's header has, for choosing a workbook's sheet.
fn question_columns<'a>(
    h: &'a Handreiking,
    file: Option<&'a mapping::MappingFile>,
) -> impl Fn(&Sheet) -> usize + 'a {
    move |sheet| mapping::detect_all(sheet, h, file).0.questions.len()
}

/// Reads one answer sheet against the handreiking, summing it up.
pub fn read_sheet(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
) -> Result<ReadSheet> {
    use mapping::Reading;
    let mut answers: std::collections::BTreeMap<String, [usize; 3]> =
        h.vragen().map(|(_, v)| (v.id.clone(), [0; 3])).collect();
    let (mut respondents, mut empty_rows, mut bad_row_count, mut bad_cell_count) = (0, 0, 0, 0);
    let mut bad_rows = vec![];
    let (mut unreadable_dates, mut unreadable_date_count) = (vec![], 0);
    let (mut unmailable, mut unmailable_count) = (vec![], 0);
    let (sheet, mapping, tally) = stream_sheet(h, path, options, file, |_, location, reading| {
        match reading {
            Reading::Empty => empty_rows += 1,
            Reading::Respondent(r) => {
                respondents += 1;
                if dates::unreadable(&r.datum) {
                    unreadable_date_count += 1;
                    if unreadable_dates.len() < ReadSheet::DATES_KEPT {
                        unreadable_dates.push((location, r.datum.clone()));
                    }
                }
                if let Err(skip) = mapping::address::recipient(&r.email) {
                    unmailable_count += 1;
                    if unmailable.len() < ReadSheet::KEPT {
                        unmailable.push((location, r.email.clone(), skip));
                    }
                }
                for (id, answer) in &r.antwoorden {
                    let i = match answer {
                        Some(content::Letter::A) => 0,
                        Some(content::Letter::B) => 1,
                        None => 2,
                    };
                    if let Some(counts) = answers.get_mut(id) {
                        counts[i] += 1;
                    }
                }
            }
            Reading::Bad(problems) => {
                bad_row_count += 1;
                bad_cell_count += problems.len();
                if bad_rows.len() < ReadSheet::KEPT {
                    bad_rows.push((location, problems));
                }
            }
        }
        Ok(())
    })?;
    // Without an e-mail column no row is meant to be mailed.
    if !mapping.fields.iter().any(|(field, _)| *field == mapping::Field::Email) {
        (unmailable, unmailable_count) = (vec![], 0);
    }
    Ok(ReadSheet {
        sheet,
        mapping,
        respondents,
        answers,
        bad_rows,
        bad_row_count,
        bad_cell_count,
        empty_rows,
        tally,
        unreadable_dates,
        unreadable_date_count,
        unmailable,
        unmailable_count,
    })
}

/// `handreiking check`: every sheet read, nothing rendered.
pub fn check(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
) -> Result<(Handreiking, Vec<ReadSheet>)> {
    let h = load_content(settings)?;
    let (read, file) = options.load(&h)?;
    let sheets =
        inputs.iter().map(|p| read_sheet(&h, p, &read, file.as_ref())).collect::<Result<Vec<_>>>()?;
    Ok((h, sheets))
}

/// A sheet's header and what detection makes of it, problems included
/// instead of failing: where a front end offers the user a choice of columns.
pub struct Inspection {
    /// The header part (its `rows` are empty) and the notes from reading.
    pub sheet: Sheet,
    pub mapping: Mapping,
    /// What stops the sheet from being read as answers (a weak guess, a column
    /// claimed twice, a mapped column that is missing); empty when it can be.
    pub problems: Vec<Problem>,
}

/// Opens a sheet and detects its columns without reading its rows.
pub fn inspect(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
) -> Result<Inspection> {
    let (sheet, _rows) = answers::open(path, options, &question_columns(h, file))?;
    let (mapping, problems) = mapping::detect_all(&sheet, h, file);
    Ok(Inspection { sheet, mapping, problems })
}

/// `handreiking mapping`: a starting mapping file from what detection found.
pub fn suggest_mapping(settings: &Settings, input: &Path, options: &SheetOptions) -> Result<String> {
    let h = load_content(settings)?;
    let (read, file) = options.load(&h)?;
    let sheet = answers::read(input, &read, &question_columns(&h, file.as_ref()))?;
    Ok(mapping::suggestion(&sheet, &h, &read))
}
