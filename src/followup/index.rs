//! What identifies a respondent in either measurement (the keys), and the earlier
//! measurement read once into a compact index of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::EarlierOptions;
use crate::answers::{Location, ReadOptions, Row, Sheet};
use crate::content::{Handreiking, Letter};
use crate::error::{Error, Problem, Result};
use crate::mapping::{MappingFile, Reading, Respondent, column_named};
use crate::sheets::stream_sheet_rows;

/// Text as it is compared: lower case, without accents, single spaces
/// ("José  Álvarez" is "jose alvarez").
pub fn normalise(s: &str) -> String {
    let plain: String = s.to_lowercase().nfkd().filter(|c| !is_combining_mark(*c)).collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What identifies a respondent over two measurements, each normalised.
#[derive(Debug, Default, Clone)]
pub(crate) struct Keys {
    pub(crate) email: Option<String>,
    /// Name and organisation together; only when there is a name.
    pub(crate) name: Option<String>,
    /// The value in the `--match` column.
    pub(crate) column: Option<String>,
}

/// The `--match` column of one sheet (the other keys are respondent fields).
struct KeyColumns {
    column: Option<usize>,
}

impl KeyColumns {
    /// The `--match` column, which must exist.
    fn of(sheet: &Sheet, column: Option<&str>) -> Result<KeyColumns> {
        let column = match column {
            None => None,
            Some(name) => Some(column_named(sheet, name).ok_or_else(|| {
                let known: Vec<String> =
                    sheet.headers.iter().take(12).map(|h| format!("`{}`", h.trim())).collect();
                Error::Sheet(vec![
                    Problem::new(
                        &sheet.file,
                        Some(1),
                        format!("there is no column `{name}` to match respondents on (--match)"),
                    )
                    .hint(format!(
                        "--match names a column both measurements have; the columns are {}{}",
                        known.join(", "),
                        if sheet.headers.len() > 12 { ", …" } else { "" }
                    )),
                ])
            })?),
        };
        Ok(KeyColumns { column })
    }

    fn keys(&self, row: &Row, r: &Respondent) -> Keys {
        // The address as detected for mailing (an e-mail column, or `email =` in
        // the mapping file); one that is no address (`anonymous`) is no key.
        let email = crate::mapping::address::parse(r.email.trim()).ok().map(|a| a.to_string().to_lowercase());
        let naam = normalise(&r.naam);
        let name = (!naam.is_empty()).then(|| format!("{naam}\u{1f}{}", normalise(&r.organisatie)));
        let column = self.column.map(|c| normalise(row.cell(c))).filter(|v| !v.is_empty());
        Keys { email, name, column }
    }
}

/// Streams a sheet's rows, each a respondent with its keys or None for a row with
/// cells that are not answers (empty rows skipped); returns the header part with its notes.
pub(crate) fn stream_keyed(
    h: &Handreiking,
    path: &Path,
    read: &ReadOptions,
    file: Option<&MappingFile>,
    column: Option<&str>,
    mut each: impl FnMut(&str, Location, Option<(Respondent, Keys)>),
) -> Result<Sheet> {
    let mut columns: Option<KeyColumns> = None;
    let (sheet, _, _) = stream_sheet_rows(h, path, read, file, |sheet, row, reading| {
        if columns.is_none() {
            columns = Some(KeyColumns::of(sheet, column)?);
        }
        let columns = columns.as_ref().expect("set above");
        match reading {
            Reading::Respondent(r) => {
                let keys = columns.keys(row, &r);
                each(&sheet.file, row.location, Some((r, keys)));
            }
            Reading::Bad(_) => each(&sheet.file, row.location, None),
            Reading::Empty => {}
        }
        Ok(())
    })?;
    if columns.is_none() {
        // No rows: still say when the --match column is missing.
        KeyColumns::of(&sheet, column)?;
    }
    Ok(sheet)
}

/// One earlier respondent: only what matching and comparing need.
#[derive(Debug)]
pub struct OldRow {
    /// Which earlier sheet (`Index::files`).
    pub file: usize,
    pub location: Location,
    pub naam: String,
    /// As written.
    pub datum: String,
    pub(crate) email: Option<String>,
    /// In the handreiking's question order (`Index::questions`).
    pub antwoorden: Box<[Option<Letter>]>,
}

/// The earlier measurement, read once up front.
#[derive(Debug, Default)]
pub struct Index {
    /// The earlier sheets, as messages name them, and as given.
    pub files: Vec<String>,
    pub inputs: Vec<PathBuf>,
    /// Question ids in the handreiking's order.
    pub questions: Vec<String>,
    pub rows: Vec<OldRow>,
    /// Rows with cells that are not answers: left out of the comparison.
    pub bad_rows: Vec<(usize, Location)>,
    /// Notes from reading (encoding, delimiter).
    pub notes: Vec<String>,
    pub(crate) by_email: HashMap<String, Vec<u32>>,
    pub(crate) by_name: HashMap<String, Vec<u32>>,
    pub(crate) by_column: HashMap<String, Vec<u32>>,
}

impl Index {
    /// Reads the earlier sheets with their own mapping file (or detection).
    pub(crate) fn read(h: &Handreiking, earlier: &EarlierOptions) -> Result<Index> {
        let (read, file) = earlier.sheets.load(h)?;
        let mut index = Index {
            inputs: earlier.inputs.clone(),
            questions: h.vragen().map(|(_, v)| v.id.clone()).collect(),
            ..Index::default()
        };
        for input in &earlier.inputs {
            let number = index.files.len();
            let sheet = stream_keyed(
                h,
                input,
                &read,
                file.as_ref(),
                earlier.column.as_deref(),
                |_, location, keyed| match keyed {
                    Some((r, keys)) => index.add(number, r, keys),
                    None => index.bad_rows.push((number, location)),
                },
            )?;
            index.notes.extend(sheet.notes.iter().map(|n| format!("{}: {n}", sheet.file)));
            index.files.push(sheet.file);
        }
        if index.rows.is_empty() {
            let files: Vec<String> = earlier.inputs.iter().map(|p| p.display().to_string()).collect();
            return Err(Error::Sheet(vec![
                Problem::new(
                    files.join(", "),
                    None,
                    "the earlier measurement has no respondents to compare with",
                )
                .hint("--earlier names the answer sheet of the earlier measurement (the nulmeting)"),
            ]));
        }
        Ok(index)
    }

    fn add(&mut self, file: usize, r: Respondent, keys: Keys) {
        let i = self.rows.len() as u32;
        let Keys { email, name, column } = keys;
        for (map, key) in
            [(&mut self.by_email, &email), (&mut self.by_name, &name), (&mut self.by_column, &column)]
        {
            if let Some(key) = key {
                map.entry(key.clone()).or_default().push(i);
            }
        }
        let antwoorden = self.questions.iter().map(|id| r.antwoorden.get(id).copied().flatten()).collect();
        self.rows.push(OldRow {
            file,
            location: r.location,
            naam: r.naam,
            datum: r.datum,
            email,
            antwoorden,
        });
    }

    /// An earlier respondent's answer to a question.
    pub fn answer(&self, row: &OldRow, id: &str) -> Option<Letter> {
        self.questions.iter().position(|q| q == id).and_then(|i| row.antwoorden[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_accents_or_extra_spaces() {
        assert_eq!(normalise("  José   Álvarez "), "jose alvarez");
        assert_eq!(normalise("ANOUK de\tVRIES"), "anouk de vries");
        assert_eq!(normalise("Zoë Müller-Çelik"), "zoe muller-celik");
        // Decomposed and composed accents are the same.
        assert_eq!(normalise("Jose\u{301}"), normalise("José"));
        assert_ne!(normalise("Jan de Vries"), normalise("Jan de Vriez"));
    }
}
