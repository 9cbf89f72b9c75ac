//! Reading a row's cells: a respondent from a good row, every problem of a bad one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Field, Mapping, Values, column_letter, short};
use crate::answers::{Location, Row, Sheet};
use crate::content::{Handreiking, Letter};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Respondent {
    pub location: Location,
    pub naam: String,
    pub organisatie: String,
    pub datum: String,
    /// The e-mail address as written (empty when none), for `handreiking mail`.
    #[serde(default)]
    pub email: String,
    /// Other columns, as (header, value).
    pub velden: Vec<(String, String)>,
    /// Question id → answer (None: unanswered).
    pub antwoorden: BTreeMap<String, Option<Letter>>,
}

/// A value's text as a document can show it: trimmed, tabs and line breaks
/// as spaces, other control characters (which no font has) left out, and so
/// are accents with no letter to sit on (after a space, or first): an accent
/// on a space is no text, and each costs Typst's line breaking time in
/// proportion to the paragraph (500 of them kept one report busy for over a
/// minute).
pub fn visible(cell: &str) -> String {
    let spaced: String = cell
        .chars()
        .filter_map(|c| if c.is_control() { c.is_whitespace().then_some(' ') } else { Some(c) })
        .collect();
    spaced
        .split_whitespace()
        .map(|word| word.trim_start_matches(unicode_normalization::char::is_combining_mark))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Respondent {
    /// Everything of the respondent's own that a report shows (for font coverage).
    pub fn shown_text(&self) -> String {
        let mut parts = vec![self.naam.as_str(), self.organisatie.as_str(), self.datum.as_str()];
        parts.extend(self.velden.iter().map(|(_, v)| v.as_str()));
        parts.join(" ")
    }
}

/// A cell that could not be read as an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub tally: Tally,
}

/// What one row is.
pub enum Reading {
    /// Nothing in any cell: skipped.
    Empty,
    Respondent(Respondent),
    /// At least one bad cell, with all its problems.
    Bad(Vec<CellProblem>),
}

/// What the question columns held over all rows: what `check` shows. The
/// distinct values kept are capped, so a file of endless odd values cannot
/// take all memory; the rest are only counted.
#[derive(Debug, Default)]
pub struct Tally {
    /// Raw value (trimmed) → what it was read as, and how often.
    pub values: BTreeMap<String, (Option<Letter>, usize)>,
    /// Values in question columns that are not answers, and how often.
    pub unknown: BTreeMap<String, usize>,
    /// Cells whose value was not kept because the cap was reached.
    pub untallied: usize,
}

impl Tally {
    /// Distinct values kept per kind.
    pub const MAX_DISTINCT: usize = 500;

    fn value(&mut self, value: &str, answer: Option<Letter>) {
        let full = self.values.len() >= Self::MAX_DISTINCT;
        match self.values.get_mut(value) {
            Some(entry) => entry.1 += 1,
            None if full => self.untallied += 1,
            None => {
                self.values.insert(value.to_string(), (answer, 1));
            }
        }
    }

    fn unknown(&mut self, value: &str) {
        let full = self.unknown.len() >= Self::MAX_DISTINCT;
        match self.unknown.get_mut(value) {
            Some(n) => *n += 1,
            None if full => self.untallied += 1,
            None => {
                self.unknown.insert(value.to_string(), 1);
            }
        }
    }
}

/// Reads every row of a sheet read whole.
pub fn interpret(sheet: &Sheet, mapping: &Mapping, h: &Handreiking) -> Interpreted {
    let mut out =
        Interpreted { respondents: vec![], bad_rows: vec![], empty_rows: 0, tally: Tally::default() };
    for row in &sheet.rows {
        match interpret_row(row, &sheet.headers, mapping, h, &mut out.tally) {
            Reading::Empty => out.empty_rows += 1,
            Reading::Respondent(r) => out.respondents.push(r),
            Reading::Bad(problems) => out.bad_rows.push((row.location, problems)),
        }
    }
    out
}

/// Reads one row: a respondent from a good row, every problem of a bad one.
pub fn interpret_row(
    row: &Row,
    headers: &[String],
    mapping: &Mapping,
    h: &Handreiking,
    tally: &mut Tally,
) -> Reading {
    if row.is_empty() {
        return Reading::Empty;
    }
    let joined = |cols: &[usize]| {
        cols.iter().map(|&c| visible(row.cell(c))).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(" ")
    };
    let field = |f: Field| {
        let from = |list: &[(Field, Vec<usize>)]| {
            let value = list.iter().find(|(g, _)| *g == f).map(|(_, cols)| joined(cols)).unwrap_or_default();
            // Microsoft Forms writes "anonymous" where it knows no address.
            let anonymous =
                f == Field::Email && ["anonymous", "anoniem"].contains(&value.to_lowercase().as_str());
            if anonymous { String::new() } else { value }
        };
        let value = from(&mapping.fields);
        if value.is_empty() { from(&mapping.fallbacks) } else { value }
    };
    let mut problems = vec![];
    let mut antwoorden = BTreeMap::new();
    for (_, v) in h.vragen() {
        let Some(q) = mapping.questions.iter().find(|q| q.id == v.id) else {
            antwoorden.insert(v.id.clone(), None);
            continue;
        };
        let value = row.cell(q.col);
        let answer = letter_mapped(value, &v.id, h, &mapping.values);
        if let Some(a) = answer
            && !value.trim().is_empty()
        {
            tally.value(value.trim(), a);
        }
        match answer {
            Some(answer) => {
                antwoorden.insert(v.id.clone(), answer);
            }
            None => {
                tally.unknown(value.trim());
                problems.push(CellProblem {
                    location: row.location,
                    column: format!("{} ({})", short(&headers[q.col]), column_letter(q.col)),
                    value: value.to_string(),
                    expected: format!(
                        "A or B (also \"A. …\", \"(B)\", or the labels \"{}\" / \"{}\"), or empty for unanswered; \
                         other values can be listed under [answers] in a mapping file",
                        h.labels.a.kort, h.labels.b.kort
                    ),
                })
            }
        }
    }
    if !problems.is_empty() {
        return Reading::Bad(problems);
    }
    let velden = mapping
        .extras
        .iter()
        .map(|(label, cols)| (visible(label), joined(cols)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Reading::Respondent(Respondent {
        location: row.location,
        naam: field(Field::Naam),
        organisatie: field(Field::Organisatie),
        datum: match field(Field::Datum) {
            datum if mapping.month_first => crate::dates::month_first_to_iso(&datum).unwrap_or(datum),
            datum => datum,
        },
        email: field(Field::Email),
        velden,
        antwoorden,
    })
}

/// Reads a cell with the mapping file's values first, then the built-in forms.
pub fn letter_mapped(value: &str, vraag: &str, h: &Handreiking, values: &Values) -> Option<Option<Letter>> {
    let v = normalise(value);
    if !v.is_empty() {
        if let Some((a, b)) = values.per_question.get(vraag) {
            if a.contains(&v) {
                return Some(Some(Letter::A));
            }
            if b.contains(&v) {
                return Some(Some(Letter::B));
            }
        }
        if values.a.contains(&v) {
            return Some(Some(Letter::A));
        }
        if values.b.contains(&v) {
            return Some(Some(Letter::B));
        }
        if values.open.contains(&v) {
            return Some(None);
        }
    }
    letter(value, vraag, h)
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
    // The content's own labels (also shortened: "goed op weg", "er zijn
    // verbetermogelijkheden") and the example statements of this question.
    for letter in Letter::BOTH {
        let label = h.labels.get(letter);
        let mut phrases = vec![label.label.clone(), label.kort.clone()];
        phrases.push(label.label.trim_end_matches(" op dit onderdeel").to_string());
        if let Some(q) = h.vraag(vraag)
            && let Some(a) = q.antwoorden.iter().find(|a| a.letter == letter)
        {
            phrases.extend(a.voorbeelden.iter().cloned());
        }
        if phrases.iter().any(|p| normalise(p) == lower) {
            return Some(Some(letter));
        }
    }
    None
}

/// Lower case, single spaces, no trailing punctuation: "Goed op weg! " ≈ "goed op weg".
pub fn normalise(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.join(" ").to_lowercase().trim_end_matches(['.', '!', '?', ';', ',']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Handreiking {
        crate::settings::load_content(&Default::default()).unwrap()
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
            ("er zijn verbetermogelijkheden op dit onderdeel", Some(Letter::A)),
            ("", None),
        ] {
            assert_eq!(letter(value, "R1V1", &h), Some(want), "{value:?}");
        }
        assert_eq!(letter("Dat weten we eigenlijk nog niet", "R2V1", &h), Some(Some(Letter::A)));
        for bad in ["C", "Aap", "ja", "1", "AB"] {
            assert_eq!(letter(bad, "R1V1", &h), None, "{bad:?}");
        }
    }
}
