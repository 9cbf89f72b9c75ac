//! CSV as real files contain it: BOM or not, UTF-8 or Windows-1252 (Excel's
//! "Save as CSV"), `,` `;` or tab, CRLF, quoted multi-line cells, trailing
//! empty columns, spaces around headers.

use std::str::FromStr;

use super::{Encoding, Location, ReadOptions, Row, Sheet, unreadable};
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
            other => Err(format!("unknown delimiter `{other}`: use `,`, `;` or `tab`")),
        }
    }
}

pub(super) fn read(name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet> {
    let mut notes = vec![];
    let text = decode(bytes, options.encoding, &mut notes);
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
                notes.push(format!("columns are separated by a {} (detected)", d.name()));
            }
            d
        }
    };

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut all: Vec<Vec<String>> = vec![];
    for (i, record) in reader.records().enumerate() {
        // A multi-line cell is still one spreadsheet row.
        let record = record.map_err(|e| {
            unreadable(
                name,
                Some(i + 1),
                format!("cannot read row {}: {e}", i + 1),
                "check the quotes in that row",
            )
        })?;
        all.push(record.iter().map(str::to_string).collect());
    }
    if all.is_empty() {
        return Err(unreadable(name, None, "the file has no header row", ""));
    }
    let (header_rows, layout) = match options.header_rows {
        Some(n) => (n.max(1), None),
        None => detect_layout(&all),
    };
    if let Some(layout) = layout {
        notes.push(format!("recognised a {layout} export ({header_rows} header rows)"));
    }
    let mut records = all.into_iter();
    let headers: Vec<String> = records.next().unwrap().iter().map(|h| clean_header(h)).collect();
    let extra_headers: Vec<Vec<String>> =
        records.by_ref().take(header_rows - 1).map(|r| r.iter().map(|h| clean_header(h)).collect()).collect();
    let rows = records
        .enumerate()
        .map(|(i, cells)| Row { location: Location::Row(header_rows + i + 1), cells })
        .collect();
    let mut sheet = Sheet { file: name.to_string(), headers, extra_headers, layout, rows, notes };
    drop_trailing_empty_columns(&mut sheet);
    Ok(sheet)
}

/// Header cells as survey tools write them: trimmed, HTML line breaks and tags
/// (SurveyMonkey) turned into spaces.
fn clean_header(h: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in h.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Survey tools that put more than one header row above the answers.
fn detect_layout(rows: &[Vec<String>]) -> (usize, Option<&'static str>) {
    let row = |i: usize| rows.get(i).map(Vec::as_slice).unwrap_or(&[]);
    if row(2).iter().any(|c| c.trim_start().starts_with("{\"ImportId\"")) {
        return (3, Some("Qualtrics"));
    }
    if row(0).first().is_some_and(|c| c.trim() == "V1")
        && row(1).first().is_some_and(|c| c.trim() == "ResponseID")
    {
        return (2, Some("Qualtrics (legacy)"));
    }
    let second = row(1);
    let labels = ["Response", "Open-Ended Response", "Antwoord", "Open antwoord"];
    if second.iter().any(|c| labels.contains(&c.trim()))
        && second.first().is_some_and(|c| c.trim().is_empty())
    {
        return (2, Some("SurveyMonkey"));
    }
    (1, None)
}

/// UTF-8 (with or without BOM) when it is valid; else Windows-1252, which is
/// what Excel writes when it saves "CSV" on a Dutch or English Windows.
fn decode(bytes: &[u8], forced: Option<Encoding>, notes: &mut Vec<String>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if forced == Some(Encoding::Windows1252) {
        return encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned();
    }
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
        assert_eq!(decode(b"Jos\xe9 M\xfcller", None, &mut notes), "José Müller");
        assert_eq!(notes.len(), 1);
        let mut notes = vec![];
        assert_eq!(decode("\u{feff}José".as_bytes(), None, &mut notes), "José");
        assert!(notes.is_empty());
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
