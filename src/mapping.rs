//! Which column holds what, and what a cell means: header matching for the
//! respondent fields and the questions, and answer values read as A or B.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::answers::{Location, Sheet};
use crate::content::{Handreiking, Letter};
use crate::error::{Error, Problem, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Naam,
    Organisatie,
    Datum,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::Naam, Field::Organisatie, Field::Datum];

    pub fn name(self) -> &'static str {
        match self {
            Field::Naam => "naam",
            Field::Organisatie => "organisatie",
            Field::Datum => "datum",
        }
    }

    fn matches(self, header: &str) -> bool {
        let h = header.trim().to_lowercase();
        let names: &[&str] = match self {
            Field::Naam => &["naam", "name"],
            Field::Organisatie => &["organisatie", "organisation", "organization"],
            Field::Datum => &["datum", "date"],
        };
        names.contains(&h.as_str())
    }
}

/// Column → meaning, decided once per sheet.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub fields: Vec<(Field, usize)>,
    /// Question id → column, in the handreiking's order.
    pub questions: Vec<(String, usize)>,
    /// Other non-empty columns, shown in the report as they are (project, e-mail, …).
    pub extras: Vec<usize>,
}

/// Reads the headers. Fails when no question column is found or two columns claim one question.
pub fn detect(sheet: &Sheet, h: &Handreiking) -> Result<Mapping> {
    let mut mapping = Mapping::default();
    let mut problems = vec![];
    let mut claimed: BTreeMap<String, usize> = BTreeMap::new();
    for (col, header) in sheet.headers.iter().enumerate() {
        if let Some(field) = Field::ALL.into_iter().find(|f| f.matches(header)) {
            if let Some((_, first)) = mapping.fields.iter().find(|(f, _)| *f == field) {
                problems.push(
                    Problem::new(
                        &sheet.file,
                        Some(1),
                        format!(
                            "columns {} and {} are both `{}`",
                            column_letter(*first),
                            column_letter(col),
                            field.name()
                        ),
                    )
                    .hint("remove or rename one of them"),
                );
            } else {
                mapping.fields.push((field, col));
            }
        } else if let Some(id) = question_id(header).filter(|id| h.vraag(id).is_some()) {
            if let Some(first) = claimed.insert(id.clone(), col) {
                problems.push(
                    Problem::new(
                        &sheet.file,
                        Some(1),
                        format!(
                            "columns {} (`{}`) and {} (`{header}`) both claim question {id}",
                            column_letter(first),
                            sheet.headers[first],
                            column_letter(col)
                        ),
                    )
                    .hint("keep one column per question"),
                );
            }
        } else if !header.trim().is_empty() {
            mapping.extras.push(col);
        }
    }
    for (_, v) in h.vragen() {
        if let Some(&col) = claimed.get(&v.id) {
            mapping.questions.push((v.id.clone(), col));
        }
    }
    if mapping.questions.is_empty() {
        problems.push(
            Problem::new(&sheet.file, Some(1), "no column is headed by a question id")
                .hint("head the answer columns R1V1 … R5V2 (`handreiking template` writes an empty sheet)"),
        );
    }
    if problems.is_empty() {
        Ok(mapping)
    } else {
        Err(Error::Sheet(problems))
    }
}

/// `R1V1`, `r1v1`, `R1-V1`, `R1.V1`, `1.1`, `1-1` → `R1V1`.
pub fn question_id(header: &str) -> Option<String> {
    let s: String = header
        .trim()
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.strip_prefix('R').unwrap_or(&s);
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (r, rest) = s.split_at(split);
    let rest = rest.trim_start_matches(['-', '.', '_', ':']);
    let rest = rest.strip_prefix('V').unwrap_or(rest);
    if r.is_empty() || rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!(
        "R{}V{}",
        r.parse::<u32>().ok()?,
        rest.parse::<u32>().ok()?
    ))
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

#[derive(Debug, Clone, Serialize)]
pub struct Respondent {
    #[serde(skip)]
    pub location: Location,
    pub naam: String,
    pub organisatie: String,
    pub datum: String,
    /// Other columns, as (header, value).
    pub velden: Vec<(String, String)>,
    /// Question id → answer (None: unanswered).
    pub antwoorden: BTreeMap<String, Option<Letter>>,
}

/// A cell that could not be read as an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub location: Location,
    pub column: String,
    pub value: String,
    pub expected: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, column {}: `{}` is not an answer; expected {}",
            self.location, self.column, self.value, self.expected
        )
    }
}

pub struct Interpreted {
    pub respondents: Vec<Respondent>,
    /// Rows with at least one bad cell, each with all its problems.
    pub bad_rows: Vec<(Location, Vec<CellProblem>)>,
    /// Completely empty rows (skipped).
    pub empty_rows: usize,
}

/// Reads every row: respondents from good rows, problems from bad ones.
pub fn interpret(sheet: &Sheet, mapping: &Mapping, h: &Handreiking) -> Interpreted {
    let mut out = Interpreted {
        respondents: vec![],
        bad_rows: vec![],
        empty_rows: 0,
    };
    for row in &sheet.rows {
        if row.is_empty() {
            out.empty_rows += 1;
            continue;
        }
        let field = |f: Field| {
            mapping
                .fields
                .iter()
                .find(|(g, _)| *g == f)
                .map(|(_, col)| row.cell(*col).trim().to_string())
                .unwrap_or_default()
        };
        let mut problems = vec![];
        let mut antwoorden = BTreeMap::new();
        for (_, v) in h.vragen() {
            let Some(&(_, col)) = mapping.questions.iter().find(|(id, _)| *id == v.id) else {
                antwoorden.insert(v.id.clone(), None);
                continue;
            };
            let value = row.cell(col);
            match letter(value, &v.id, h) {
                Some(answer) => {
                    antwoorden.insert(v.id.clone(), answer);
                }
                None => problems.push(CellProblem {
                    location: row.location,
                    column: format!("{} ({})", sheet.headers[col], column_letter(col)),
                    value: value.to_string(),
                    expected: format!(
                        "A or B (also \"A. …\", \"(B)\", or the labels \"{}\" / \"{}\"), or empty for unanswered",
                        h.labels.a.kort, h.labels.b.kort
                    ),
                }),
            }
        }
        if !problems.is_empty() {
            out.bad_rows.push((row.location, problems));
            continue;
        }
        let velden = mapping
            .extras
            .iter()
            .map(|&col| (sheet.headers[col].clone(), row.cell(col).trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        out.respondents.push(Respondent {
            location: row.location,
            naam: field(Field::Naam),
            organisatie: field(Field::Organisatie),
            datum: field(Field::Datum),
            velden,
            antwoorden,
        });
    }
    out
}

/// Reads a cell as an answer: `Some(None)` is unanswered, `None` is not an answer.
pub fn letter(value: &str, vraag: &str, h: &Handreiking) -> Option<Option<Letter>> {
    let v = value.trim();
    if v.is_empty() {
        return Some(None);
    }
    let lower = normalise(v);
    // A lone letter, or a letter followed by punctuation: "A", "b", "A. …", "A - …", "(B) …", "B)".
    let unwrapped = lower.trim_start_matches(['(', '[']);
    let mut chars = unwrapped.chars();
    if let Some(first) = chars.next() {
        let rest = chars.as_str();
        let separated = rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric());
        if separated {
            match first {
                'a' => return Some(Some(Letter::A)),
                'b' => return Some(Some(Letter::B)),
                _ => {}
            }
        }
    }
    // The content's own labels and the example statements of this question.
    for letter in Letter::BOTH {
        let label = h.labels.get(letter);
        let mut phrases = vec![label.label.as_str(), label.kort.as_str()];
        if let Some(q) = h.vraag(vraag)
            && let Some(a) = q.antwoorden.iter().find(|a| a.letter == letter)
        {
            phrases.extend(a.voorbeelden.iter().map(String::as_str));
        }
        if phrases.iter().any(|p| normalise(p) == lower) {
            return Some(Some(letter));
        }
    }
    None
}

/// Lower case, single spaces, no trailing punctuation: "Goed op weg! " ≈ "goed op weg".
fn normalise(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    words
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['.', '!', '?', ';', ','])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Handreiking {
        crate::load_content(&Default::default()).unwrap()
    }

    #[test]
    fn question_ids_in_their_usual_spellings() {
        for (header, id) in [
            ("R1V1", "R1V1"),
            ("r1v1", "R1V1"),
            ("R1-V1", "R1V1"),
            ("1.1", "R1V1"),
            (" R5V2 ", "R5V2"),
            ("r4.v3", "R4V3"),
        ] {
            assert_eq!(question_id(header).as_deref(), Some(id), "{header}");
        }
        for header in ["naam", "R1", "V1", "1", "R1V1x", "email"] {
            assert_eq!(question_id(header), None, "{header}");
        }
    }

    #[test]
    fn answer_values_in_their_usual_forms() {
        let h = h();
        for (value, want) in [
            ("A", Some(Letter::A)),
            (" b ", Some(Letter::B)),
            ("A. Er zijn verbetermogelijkheden", Some(Letter::A)),
            ("A - verbeteren", Some(Letter::A)),
            ("(B) goed op weg", Some(Letter::B)),
            ("B)", Some(Letter::B)),
            ("Goed op weg", Some(Letter::B)),
            (
                "er zijn verbetermogelijkheden op dit onderdeel",
                Some(Letter::A),
            ),
            ("", None),
        ] {
            assert_eq!(letter(value, "R1V1", &h), Some(want), "{value:?}");
        }
        assert_eq!(
            letter("Dat weten we eigenlijk nog niet", "R2V1", &h),
            Some(Some(Letter::A))
        );
        for bad in ["C", "Aap", "ja", "1", "AB"] {
            assert_eq!(letter(bad, "R1V1", &h), None, "{bad:?}");
        }
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
