//! The empty answer sheet (`handreiking template`): its columns, as CSV and as
//! JSON, and an Excel workbook to type paper answer forms into, with the
//! questions in the headers, drop-downs for A and B, and a sheet of instructions.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

use crate::content::{Handreiking, Letter};
use crate::error::{Error, Result};

/// The respondent columns before the questions, under the names every reader knows.
pub const FIELDS: [&str; 3] = ["naam", "organisatie", "datum"];

/// Rows below the header that get drop-downs: more than a workshop's forms.
pub const ROWS: u32 = 500;

/// The sheet names, as the instructions refer to them.
pub const ANSWERS_SHEET: &str = "Antwoorden";
pub const INSTRUCTIONS_SHEET: &str = "Uitleg";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Json,
    /// An Excel workbook to type paper answer forms into.
    Xlsx,
}

/// `handreiking template`: an empty answer sheet with the right headers, as
/// bytes (a workbook is binary).
pub fn template(settings: &crate::settings::Settings, format: SheetFormat) -> Result<Vec<u8>> {
    let h = crate::settings::load_content(settings)?;
    match format {
        SheetFormat::Csv => Ok(csv(&h).into_bytes()),
        SheetFormat::Json => Ok(json(&h).into_bytes()),
        SheetFormat::Xlsx => workbook(&h, &[]),
    }
}

/// The columns of an answer sheet: the respondent fields, then the question ids in the content's order.
pub fn columns(h: &Handreiking) -> Vec<String> {
    FIELDS.iter().map(|f| f.to_string()).chain(h.vragen().map(|(_, v)| v.id.clone())).collect()
}

/// The header line of an empty CSV answer sheet.
pub fn csv(h: &Handreiking) -> String {
    format!("{}\n", columns(h).join(","))
}

/// An empty JSON answer sheet: one respondent with every answer null.
pub fn json(h: &Handreiking) -> String {
    let answers: serde_json::Map<String, serde_json::Value> =
        h.vragen().map(|(_, v)| (v.id.clone(), serde_json::Value::Null)).collect();
    let value = serde_json::json!([{
        "respondent": {"naam": "", "organisatie": "", "datum": ""},
        "answers": answers,
    }]);
    format!("{}\n", serde_json::to_string_pretty(&value).expect("serialises"))
}

/// A calendar date, as a respondent writes it on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A respondent typed in already: tests and examples use it to simulate filled-in forms.
#[derive(Debug, Clone, Default)]
pub struct FilledRow {
    pub naam: String,
    pub organisatie: String,
    pub datum: Option<Date>,
    /// Question id → answer; ids left out, and None, stay empty (unanswered).
    pub antwoorden: BTreeMap<String, Option<Letter>>,
}

/// The workbook to type paper answer forms into: the sheet "Antwoorden" with
/// the columns of [`columns`] (each question header starts with its id, so
/// readers recognise it) and `rows` filled in, then the sheet "Uitleg".
pub fn workbook(h: &Handreiking, rows: &[FilledRow]) -> Result<Vec<u8>> {
    for (n, row) in rows.iter().enumerate() {
        if let Some(id) = row.antwoorden.keys().find(|id| h.vraag(id).is_none()) {
            return Err(Error::Usage(format!(
                "prefilled row {} answers `{id}`, which is not a question",
                n + 2
            )));
        }
    }
    let mut book = Workbook::new();
    // A fixed creation date: the same content gives the same bytes.
    let created = ExcelDateTime::from_timestamp(crate::dates::FALLBACK).map_err(xlsx)?;
    book.set_properties(
        &DocProperties::new().set_title(format!("Antwoorden: {}", h.titel)).set_creation_datetime(&created),
    );
    answers_sheet(book.add_worksheet(), h, rows).map_err(xlsx)?;
    instructions_sheet(book.add_worksheet(), h).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Only a bug or absurd content (a cell beyond Excel's limits) gets here.
fn xlsx(e: XlsxError) -> Error {
    Error::Render { template: "the answer workbook (xlsx)".into(), messages: vec![e.to_string()] }
}

const HEADER_FILL: u32 = 0xDDEBF7;
/// Width of a question column, in Excel's character units.
const QUESTION_WIDTH: f64 = 28.0;
/// Points per line of 11 pt text.
const LINE: f64 = 15.0;

fn answers_sheet(ws: &mut Worksheet, h: &Handreiking, rows: &[FilledRow]) -> Result<(), XlsxError> {
    ws.set_name(ANSWERS_SHEET)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);
    let (id_font, text_font) = (Format::new().set_bold(), Format::new());
    let date = Format::new().set_num_format("d-m-yyyy").set_align(FormatAlign::Left);
    let answer = Format::new().set_align(FormatAlign::Center);
    let last = ROWS.max(rows.len() as u32);

    for (col, (name, width)) in FIELDS.iter().zip([28.0, 30.0, 12.0]).enumerate() {
        ws.write_string_with_format(0, col as u16, *name, &header)?;
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_column_format(2, &date)?;
    ws.add_data_validation(
        1,
        2,
        last,
        2,
        &DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(2000, 1, 1)?,
                ExcelDateTime::from_ymd(2099, 12, 31)?,
            ))
            .set_input_title("Datum")?
            .set_input_message("De datum op het formulier, als dag-maand-jaar: bijvoorbeeld 14-3-2026.")?
            .set_error_title("Geen datum")?
            .set_error_message(
                "Typ een datum als dag-maand-jaar, bijvoorbeeld 14-3-2026 (of 2026-03-14), of laat de cel leeg.",
            )?,
    )?;

    let (a, b) = (&h.labels.a, &h.labels.b);
    let mut error =
        format!("Kies A ({}) of B ({}), of laat de cel leeg.", lower_first(&a.label), lower_first(&b.label));
    if utf16(&error) > 255 {
        error = format!(
            "Kies A ({}) of B ({}), of laat de cel leeg.",
            lower_first(&a.kort),
            lower_first(&b.kort)
        );
    }
    let mut header_lines = 1;
    for (i, (r, v)) in h.vragen().enumerate() {
        let col = (FIELDS.len() + i) as u16;
        // The id first: readers find the question by the id at the start of the header.
        let text = format!("\n{}", v.tekst);
        ws.write_rich_string_with_format(0, col, &[(&id_font, v.id.as_str()), (&text_font, &text)], &header)?;
        ws.insert_note(
            0,
            col,
            &Note::new(format!("{} (reflectie {}: {})\n\n{}", v.id, r.nummer, r.titel, v.tekst))
                .add_author_prefix(false)
                .set_width(320)
                .set_height(150),
        )?;
        ws.set_column_width(col, QUESTION_WIDTH)?;
        ws.set_column_format(col, &answer)?;
        header_lines = header_lines.max(1 + lines(&v.tekst, QUESTION_WIDTH));
        // The short labels, so that the question fits too (Excel allows 255 characters).
        let choices = format!("A: {}\nB: {}\nLeeg: niet beantwoord", a.kort, b.kort);
        let question = fit(&v.tekst, 253usize.saturating_sub(utf16(&choices)));
        ws.add_data_validation(
            1,
            col,
            last,
            col,
            &DataValidation::new()
                .allow_list_strings(&["A", "B"])?
                .set_input_title(fit(&format!("{}: kies A of B", v.id), 32))?
                .set_input_message(fit(&format!("{question}\n\n{choices}"), 255))?
                .set_error_style(DataValidationErrorStyle::Stop)
                .set_error_title("Alleen A of B")?
                .set_error_message(fit(&error, 255))?,
        )?;
    }
    ws.set_row_height(0, LINE * header_lines as f64)?;
    // The header and the names stay in view while typing far down or right.
    ws.set_freeze_panes(1, 1)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();

    for (n, row) in rows.iter().enumerate() {
        let r = n as u32 + 1;
        ws.write_string(r, 0, &row.naam)?;
        ws.write_string(r, 1, &row.organisatie)?;
        if let Some(d) = row.datum {
            ws.write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(d.year, d.month, d.day)?, &date)?;
        }
        for (i, (_, v)) in h.vragen().enumerate() {
            if let Some(Some(letter)) = row.antwoorden.get(&v.id) {
                ws.write_string(r, (FIELDS.len() + i) as u16, letter.as_str())?;
            }
        }
    }
    Ok(())
}

/// Instructions for a consultant typing in paper forms, and the questions in full.
fn instructions_sheet(ws: &mut Worksheet, h: &Handreiking) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_screen_gridlines(false);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let widths = [16.0, 90.0, 60.0];
    for (col, width) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, *width)?;
    }
    let title = Format::new().set_bold().set_font_size(14);
    let heading = Format::new().set_bold().set_font_size(12);
    let label = Format::new().set_bold().set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let code = Format::new().set_font_name("Consolas").set_align(FormatAlign::Top);
    let table_head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);

    let mut row = 0;
    // One line of label and wrapped text, as tall as the text needs.
    let line = |ws: &mut Worksheet, row: &mut u32, left: &str, right: &str, format: &Format| {
        ws.write_string_with_format(*row, 0, left, &label)?;
        ws.write_string_with_format(*row, 1, right, format)?;
        ws.set_row_height(*row, LINE * lines(right, widths[1]) as f64)?;
        *row += 1;
        Ok::<(), XlsxError>(())
    };

    ws.write_string_with_format(row, 0, "Antwoordformulieren overtypen", &title)?;
    ws.set_row_height(row, 22)?;
    row += 2;
    line(
        ws,
        &mut row,
        "",
        &format!(
            "Met dit werkboek typ je ingevulde papieren antwoordformulieren van de handreiking ‘{}’ over. \
             Daarna maakt het programma handreiking voor iedere respondent een eigen adviesrapport (PDF).",
            h.titel
        ),
        &text,
    )?;
    row += 1;

    ws.write_string_with_format(row, 0, format!("Zo vul je het werkblad ‘{ANSWERS_SHEET}’ in"), &heading)?;
    row += 1;
    let first = h.vragen().next().map(|(_, v)| v.id.as_str()).unwrap_or("");
    let last = h.vragen().last().map(|(_, v)| v.id.as_str()).unwrap_or("");
    let ids = format!("{first} … {last}");
    let steps = [
        (
            "één rij",
            "Typ elk formulier op een eigen rij, vanaf rij 2: één rij per respondent. Lege rijen worden overgeslagen."
                .to_string(),
        ),
        ("naam", "De naam van de respondent. Die staat op het rapport en in de bestandsnaam.".into()),
        ("organisatie", "De organisatie van de respondent.".into()),
        (
            "datum",
            "De datum op het formulier, als dag-maand-jaar: bijvoorbeeld 14-3-2026. \
             Staat Excel niet in het Nederlands, typ dan 2026-03-14."
                .into(),
        ),
        (
            ids.as_str(),
            "Per vraag het antwoord dat op het formulier is aangekruist: typ A of B, of kies het uit de lijst \
             in de cel."
                .into(),
        ),
        ("A", h.labels.a.label.clone()),
        ("B", h.labels.b.label.clone()),
        (
            "leeg",
            "Geen antwoord gegeven? Laat de cel leeg. De vraag staat dan in het rapport als ‘niet beantwoord’, \
             zonder advies."
                .into(),
        ),
        (
            "kopjes",
            format!(
                "Laat de eerste rij zoals hij is: het programma herkent elke vraag aan de code ({first} …) \
                 aan het begin van het kopje. Wijs je een kopje aan, dan zie je de vraag in een opmerking."
            ),
        ),
    ];
    for (left, right) in &steps {
        line(ws, &mut row, left, right, &text)?;
    }
    row += 1;

    ws.write_string_with_format(row, 0, "Rapporten maken", &heading)?;
    row += 1;
    line(
        ws,
        &mut row,
        "opslaan",
        "Sla het bestand op als Excel-werkmap (.xlsx), bijvoorbeeld als antwoorden.xlsx.",
        &text,
    )?;
    line(ws, &mut row, "controleren", "handreiking check antwoorden.xlsx", &code)?;
    line(
        ws,
        &mut row,
        "",
        "Laat zien wat het programma heeft gelezen en welke cellen niet kloppen, zonder rapporten te maken.",
        &text,
    )?;
    line(ws, &mut row, "rapporten", "handreiking report antwoorden.xlsx -o rapporten", &code)?;
    line(ws, &mut row, "", "Maakt in de map ‘rapporten’ één PDF-rapport per respondent.", &text)?;
    row += 1;

    ws.write_string_with_format(row, 0, "De vragen", &heading)?;
    row += 1;
    for (col, name) in ["Code", "Vraag", "Reflectie"].iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *name, &table_head)?;
    }
    row += 1;
    for (r, v) in h.vragen() {
        let reflectie = format!("{}. {}", r.nummer, r.titel);
        ws.write_string_with_format(row, 0, &v.id, &label)?;
        ws.write_string_with_format(row, 1, &v.tekst, &text)?;
        ws.write_string_with_format(row, 2, &reflectie, &text)?;
        let needed = lines(&v.tekst, widths[1]).max(lines(&reflectie, widths[2]));
        ws.set_row_height(row, LINE * needed as f64)?;
        row += 1;
    }
    Ok(())
}

/// Lines a wrapped text takes in a column of `width` characters; generous, as
/// not every program fits row heights to wrapped text by itself.
fn lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0) as usize;
    text.split('\n').map(|p| p.chars().count().div_ceil(per_line).max(1)).sum()
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Excel counts the limits of validation texts in UTF-16 units.
fn utf16(s: &str) -> usize {
    s.encode_utf16().count()
}

/// `s`, shortened with an ellipsis to at most `limit` UTF-16 units.
fn fit(s: &str, limit: usize) -> String {
    if utf16(s) <= limit {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if utf16(&out) + c.len_utf16() + 1 > limit {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_fitted_to_excel_limits() {
        assert_eq!(fit("kort", 32), "kort");
        let long = "é".repeat(300);
        assert_eq!(utf16(&fit(&long, 255)), 255);
        assert!(fit(&long, 255).ends_with('…'));
        assert_eq!(lower_first("Er zijn"), "er zijn");
        assert_eq!(lines("abc", 24.0), 1);
        assert_eq!(lines(&"x".repeat(50), 24.0), 3);
        assert_eq!(lines("a\nb", 24.0), 2);
    }

    #[test]
    fn csv_header_has_fields_then_ids_in_content_order() {
        let h = crate::settings::load_content(&Default::default()).unwrap();
        let header = csv(&h);
        assert!(header.starts_with("naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1"));
        assert!(header.trim_end().ends_with("R5V2"));
    }

    #[test]
    fn unknown_prefilled_question_is_refused() {
        let h = crate::settings::load_content(&Default::default()).unwrap();
        let row =
            FilledRow { antwoorden: [("R9V9".to_string(), Some(Letter::A))].into(), ..Default::default() };
        let err = workbook(&h, &[row]).unwrap_err().to_string();
        assert!(err.contains("R9V9"), "{err}");
    }
}
