//! The header block above the answers, the same for every tabular source (CSV
//! and workbooks): how many rows it has (survey tools that put more than one),
//! what its cells say once cleaned, and which cells of the first row a
//! question's text covers (merged or left blank across a grid's columns).

/// The header part of a sheet, recognised from its first rows.
pub(super) struct HeaderBlock {
    pub headers: Vec<String>,
    pub extra_headers: Vec<Vec<String>>,
    pub layout: Option<&'static str>,
    /// The rows read while looking for the header block that are answers,
    /// with their spreadsheet row numbers.
    pub rest: Vec<(usize, Vec<String>)>,
}

/// How many rows are read before the header block is decided.
pub(super) const LOOKAHEAD: usize = 3;

/// Splits the first rows of a sheet (each with its spreadsheet row number) into
/// the header block and the answer rows after it. `forced` is the user's
/// `--header-rows`; `first` must hold at least that many rows when given.
pub(super) fn split(first: Vec<(usize, Vec<String>)>, forced: Option<usize>) -> (HeaderBlock, Vec<String>) {
    let cells: Vec<Vec<String>> = first.iter().map(|(_, c)| c.clone()).collect();
    let (header_rows, layout) = match forced {
        Some(n) => (n.max(1), None),
        None => detect_layout(&cells),
    };
    let mut notes = vec![];
    match layout {
        Some(layout) if header_rows > 1 => {
            notes.push(format!("recognised a {layout} export ({header_rows} header rows)"))
        }
        Some(layout) => notes.push(format!("recognised a {layout} export")),
        None => {}
    }
    let mut rows = first.into_iter();
    let mut headers: Vec<String> =
        rows.next().map(|(_, r)| r.iter().map(|h| clean(h)).collect()).unwrap_or_default();
    let extra_headers: Vec<Vec<String>> =
        rows.by_ref().take(header_rows - 1).map(|(_, r)| r.iter().map(|h| clean(h)).collect()).collect();
    fill_across(&mut headers, &extra_headers);
    // Spreadsheets save empty columns after the last one used.
    while headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    (HeaderBlock { headers, extra_headers, layout, rest: rows.collect() }, notes)
}

/// A question whose text sits only in the first cell of its block (a merged
/// header in a workbook, blank continuation columns in SurveyMonkey's CSV)
/// covers the columns under it that a further header row names: each such
/// blank first-row cell takes the text to its left.
pub(super) fn fill_across(headers: &mut Vec<String>, extra: &[Vec<String>]) {
    if extra.is_empty() {
        return;
    }
    let named_below = |col: usize| extra.iter().any(|row| row.get(col).is_some_and(|t| !t.is_empty()));
    let width = extra.iter().map(Vec::len).max().unwrap_or(0).max(headers.len());
    headers.resize(width, String::new());
    let mut last = String::new();
    for (col, header) in headers.iter_mut().enumerate() {
        if !header.is_empty() {
            last = header.clone();
        } else if named_below(col) && !last.is_empty() {
            *header = last.clone();
        } else {
            last.clear();
        }
    }
}

/// Header cells as survey tools write them: trimmed, HTML line breaks and tags
/// (SurveyMonkey) turned into spaces, line breaks into spaces.
pub(super) fn clean(h: &str) -> String {
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
    if is_microsoft_forms(row(0)) {
        return (1, Some("Microsoft Forms"));
    }
    (1, None)
}

/// Microsoft Forms' own first columns, in English or Dutch.
fn is_microsoft_forms(first: &[String]) -> bool {
    let has = |names: &[&str]| first.iter().any(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)));
    first.first().is_some_and(|c| c.trim() == "ID")
        && has(&["Start time", "Begintijd"])
        && has(&["Completion time", "Tijd van voltooien"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_grid_title_covers_the_columns_its_second_row_names() {
        let mut headers = strings(&["Respondent ID", "Reflectie 1", "", "", "Naam", ""]);
        let extra = vec![strings(&["", "Vraag a", "Vraag b", "Vraag c", "Response", ""])];
        fill_across(&mut headers, &extra);
        assert_eq!(
            headers,
            strings(&["Respondent ID", "Reflectie 1", "Reflectie 1", "Reflectie 1", "Naam", ""])
        );
    }

    #[test]
    fn microsoft_forms_is_recognised_in_both_languages() {
        let (rows, layout) =
            detect_layout(&[strings(&["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam"])]);
        assert_eq!((rows, layout), (1, Some("Microsoft Forms")));
        let (_, layout) =
            detect_layout(&[strings(&["ID", "Start time", "Completion time", "Email", "Name"])]);
        assert_eq!(layout, Some("Microsoft Forms"));
        assert_eq!(detect_layout(&[strings(&["ID", "naam"])]).1, None);
    }
}
