//! CSV as real files contain it: BOM or not, UTF-8 or Windows-1252 (Excel's
//! "Save as CSV"), `,` `;` or tab, CRLF, quoted multi-line cells, trailing
//! empty columns, spaces around headers.

use std::str::FromStr;

use super::{Location, ReadOptions, Row, Sheet, unreadable};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            other => Err(format!(
                "unknown delimiter `{other}`: use `,`, `;` or `tab`"
            )),
        }
    }
}

pub(super) fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet> {
    let mut notes = vec![];
    let text = decode(bytes, &mut notes);
    if text.trim().is_empty() {
        return Err(unreadable(
            name,
            None,
            "the file is empty",
            "export the answers again, with a header row",
        ));
    }
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => {
            let d = sniff(&text);
            if d != Delimiter::Comma {
                notes.push(format!(
                    "columns are separated by a {} (detected)",
                    d.name()
                ));
            }
            d
        }
    };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(record)) => record.iter().map(|h| h.trim().to_string()).collect(),
        Some(Err(e)) => {
            return Err(unreadable(
                name,
                Some(1),
                format!("cannot read the header row: {e}"),
                "",
            ));
        }
        None => return Err(unreadable(name, None, "the file has no header row", "")),
    };
    let mut rows = vec![];
    for (i, record) in records.enumerate() {
        // The header is spreadsheet row 1; a multi-line cell is still one row.
        let location = Location::Row(i + 2);
        let record = record.map_err(|e| {
            unreadable(
                name,
                Some(location.number()),
                format!("cannot read {location}: {e}"),
                "check the quotes in that row",
            )
        })?;
        rows.push(Row {
            location,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    let mut sheet = Sheet {
        file: name.to_string(),
        headers,
        rows,
        notes,
    };
    drop_trailing_empty_columns(&mut sheet);
    Ok(sheet)
}

/// UTF-8 (with or without BOM) when it is valid; else Windows-1252, which is
/// what Excel writes when it saves "CSV" on a Dutch or English Windows.
fn decode(bytes: &[u8], notes: &mut Vec<String>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            notes.push(
                "the file is not UTF-8; read it as Windows-1252 (Excel's \"CSV\"). \
                 Check names with accents in the reports, or save as \"CSV UTF-8\" next time"
                    .into(),
            );
            text.into_owned()
        }
    }
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

fn drop_trailing_empty_columns(sheet: &mut Sheet) {
    while let Some(last) = sheet.headers.last() {
        let col = sheet.headers.len() - 1;
        if last.is_empty() && sheet.rows.iter().all(|r| r.cell(col).trim().is_empty()) {
            sheet.headers.pop();
            for r in &mut sheet.rows {
                r.cells.truncate(col);
            }
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_delimiter_of_the_header_row_outside_quotes() {
        assert_eq!(sniff("naam;organisatie;R1V1\n"), Delimiter::Semicolon);
        assert_eq!(sniff("\"a,b\";c;d\n"), Delimiter::Semicolon);
        assert_eq!(sniff("naam,organisatie\n;;;;;;\n"), Delimiter::Comma);
        assert_eq!(sniff("naam\torg\tR1V1\n"), Delimiter::Tab);
    }

    #[test]
    fn windows_1252_is_decoded_and_noted() {
        let mut notes = vec![];
        assert_eq!(decode(b"Jos\xe9 M\xfcller", &mut notes), "José Müller");
        assert_eq!(notes.len(), 1);
        let mut notes = vec![];
        assert_eq!(decode("\u{feff}José".as_bytes(), &mut notes), "José");
        assert!(notes.is_empty());
    }

    #[test]
    fn multi_line_cells_keep_spreadsheet_row_numbers() {
        let sheet = read(
            "x.csv",
            b"naam,R1V1\r\n\"Jan\r\nJansen\",A\r\nPiet,B\r\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(sheet.rows[1].location, Location::Row(3));
        assert_eq!(sheet.rows[0].cells[0], "Jan\r\nJansen");
    }

    #[test]
    fn trailing_empty_columns_and_header_spaces_go() {
        let sheet = read(
            "x.csv",
            b" naam , R1V1 ,,\nJan,A,,\n",
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(sheet.headers, vec!["naam", "R1V1"]);
        assert_eq!(sheet.rows[0].cells, vec!["Jan", "A"]);
    }
}
