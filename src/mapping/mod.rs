//! Which column holds what, and what a cell means: the user's mapping file
//! (`file`), detection from the headers (`detect`: question ids, or the
//! question's text as a survey author typed it, also inside a grid's header),
//! and reading each row's cells as a respondent (`cells`).

pub mod address;
mod cells;
mod detect;
mod file;

use std::collections::BTreeMap;

use serde::Serialize;

pub use cells::{
    CellProblem, Interpreted, Reading, Respondent, Tally, interpret, interpret_row, letter, letter_mapped,
    normalise, visible,
};
pub(crate) use detect::column_named;
pub use detect::{detect, detect_all, id_in_header, question_id, similarity, unique_name};
pub use file::{AnswerEntry, MappingFile, OneOrMany, QuestionValues, Source, suggestion};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Naam,
    Organisatie,
    Datum,
    /// The respondent's e-mail address, for `handreiking mail`; not shown in reports.
    Email,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Naam, Field::Organisatie, Field::Datum, Field::Email];

    pub fn name(self) -> &'static str {
        match self {
            Field::Naam => "naam",
            Field::Organisatie => "organisatie",
            Field::Datum => "datum",
            Field::Email => "email",
        }
    }

    /// Headers survey tools use for this field, most specific first.
    pub(super) fn headers(self) -> &'static [&'static str] {
        match self {
            Field::Naam => &[
                "naam",
                "name",
                "volledige naam",
                "uw naam",
                "je naam",
                "naam respondent",
                "naam deelnemer",
                "full name",
                "your name",
                "respondent",
            ],
            Field::Organisatie => &[
                "organisatie",
                "organisation",
                "organization",
                "organisatienaam",
                "naam organisatie",
                "naam van de organisatie",
                "uw organisatie",
                "je organisatie",
                "organisation name",
                "organization name",
                "company",
                "bedrijf",
            ],
            Field::Datum => &[
                "datum",
                "date",
                "tijdstempel",
                "timestamp",
                "tijd van voltooien",
                "completion time",
                "submitdate",
                "submit date (utc)",
                "submitted_at",
                "_submission_time",
                "recordeddate",
                "enddate",
                "end date",
                "date submitted",
                "datum verstuurd",
            ],
            Field::Email => &[
                "e-mail",
                "email",
                "e-mailadres",
                "emailadres",
                "e-mail address",
                "email address",
                "e-mailadres respondent",
                "uw e-mailadres",
                "je e-mailadres",
                "recipientemail",
                "recipient email",
            ],
        }
    }
}

/// How a question's column was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum How {
    /// Named in the mapping file.
    File,
    /// Headed by the question id.
    Id,
    /// Headed by the question's text: the similarity (0–1), and the part of
    /// the header that matched when not the whole (a grid's row).
    Text { score: f64, part: Option<String> },
}

#[derive(Debug, Clone)]
pub struct QuestionColumn {
    pub id: String,
    pub col: usize,
    pub how: How,
}

/// Column → meaning, decided once per sheet.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// A field may be several columns joined with a space (first and last name).
    pub fields: Vec<(Field, Vec<usize>)>,
    /// Where a field comes from in a row whose `fields` columns are empty
    /// (Microsoft Forms' `Name` behind a name question).
    pub fallbacks: Vec<(Field, Vec<usize>)>,
    /// In the handreiking's order.
    pub questions: Vec<QuestionColumn>,
    /// Other non-empty columns, shown in the report as they are (project, e-mail, …),
    /// with the label to show.
    pub extras: Vec<(String, Vec<usize>)>,
    /// Raw values that mean A or B, from the mapping file (normalised).
    pub values: Values,
    /// Dates with `/` are month first, whatever the year (SurveyMonkey's exports).
    pub month_first: bool,
    /// Questions without a column, and why (a weak match, say).
    pub unmatched: Vec<(String, Option<(usize, f64)>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Values {
    pub a: Vec<String>,
    pub b: Vec<String>,
    /// Values that mean the question was left open ("weet niet", "n.v.t.").
    pub open: Vec<String>,
    pub per_question: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

fn short(s: &str) -> String {
    shorten(s, 60)
}

/// A header or text on one line, cut to at most `max` characters with "…".
pub fn shorten(s: &str, max: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > max {
        one.chars().take(max.saturating_sub(3)).collect::<String>() + "…"
    } else {
        one
    }
}

/// Spreadsheet column letters: 0 → A, 26 → AA.
pub fn column_letter(mut col: usize) -> String {
    let mut out = vec![];
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
