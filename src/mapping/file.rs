//! The mapping file: the user's TOML that says which column is which question
//! or field and what values mean; and the starting one `handreiking mapping` writes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Field, How, Values, detect_all, letter_mapped, normalise, short};
use crate::answers::Sheet;
use crate::content::Handreiking;
use crate::error::{Error, Problem, Result};

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub respondent: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    pub questions: BTreeMap<String, String>,
    #[serde(default)]
    pub answers: BTreeMap<String, AnswerEntry>,
    /// The file, for messages.
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The sheet of a workbook to read.
    pub sheet: Option<String>,
    pub header_rows: Option<usize>,
    pub delimiter: Option<String>,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn list(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum AnswerEntry {
    List(Vec<String>),
    Question(QuestionValues),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionValues {
    #[serde(rename = "A", default)]
    pub a: Vec<String>,
    #[serde(rename = "B", default)]
    pub b: Vec<String>,
}

impl MappingFile {
    /// The file as TOML a user can read, keep and pass with `--mapping`,
    /// under comment lines saying where it came from.
    pub fn to_toml(&self, comment: &str) -> String {
        let body = toml::to_string(self).expect("a mapping file serialises");
        let mut out: String = comment.lines().map(|l| format!("# {l}\n")).collect();
        out.push('\n');
        out.push_str(&body);
        out
    }

    /// Reads and checks a mapping file against the handreiking's question ids.
    pub fn load(path: &std::path::Path, h: &Handreiking) -> Result<MappingFile> {
        let bytes = crate::error::read(path)?;
        MappingFile::parse(&path.display().to_string(), &String::from_utf8_lossy(&bytes), h)
    }

    /// Parses and checks mapping-file text; `file` names it in messages.
    pub fn parse(file: &str, text: &str, h: &Handreiking) -> Result<MappingFile> {
        let file = file.to_string();
        let text = text.to_string();
        let mut m: MappingFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            Error::Mapping(vec![Problem::new(&file, line, e.message().to_string()).hint(
                "the sections are [source], [respondent], [questions] and [answers]; see docs/src/sheets/mapping-files.md (the guide)",
            )])
        })?;
        m.file = file;
        m.text = text;
        let mut problems = vec![];
        let known = |id: &str| h.vraag(id).is_some();
        for id in m.questions.keys() {
            if !known(id) {
                problems.push(m.problem(id, format!("unknown question id `{id}` in [questions]")));
            }
        }
        for (key, entry) in &m.answers {
            match (key.as_str(), entry) {
                ("A" | "B" | "open", AnswerEntry::List(_)) => {}
                ("A" | "B" | "open", AnswerEntry::Question(_)) => {
                    problems.push(m.problem(key, format!("`{key}` in [answers] must be a list of values")))
                }
                (id, AnswerEntry::Question(_)) if known(id) => {}
                (id, _) => problems.push(m.problem(
                    id,
                    format!(
                        "unknown key `{id}` in [answers]: expected A, B, open or a question id with its own A and B"
                    ),
                )),
            }
        }
        for key in m.respondent.keys() {
            if key.trim().is_empty() {
                problems.push(m.problem(key, "an empty field name in [respondent]".to_string()));
            }
        }
        if problems.is_empty() { Ok(m) } else { Err(Error::Mapping(problems)) }
    }

    /// The line a key is written on, for messages.
    fn line_of(&self, key: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| {
                let t = l.trim_start().trim_start_matches('[').trim_start_matches("answers.");
                t.starts_with(key) && t[key.len()..].trim_start().starts_with(['=', ']'])
            })
            .map(|i| i + 1)
    }

    pub(super) fn problem(&self, key: &str, message: String) -> Problem {
        Problem::new(&self.file, self.line_of(key), message)
    }

    pub(super) fn values(&self) -> Values {
        let norm = |v: &Vec<String>| v.iter().map(|s| normalise(s)).collect::<Vec<_>>();
        let mut values = Values::default();
        for (key, entry) in &self.answers {
            match (key.as_str(), entry) {
                ("A", AnswerEntry::List(l)) => values.a = norm(l),
                ("B", AnswerEntry::List(l)) => values.b = norm(l),
                ("open", AnswerEntry::List(l)) => values.open = norm(l),
                (id, AnswerEntry::Question(q)) => {
                    values.per_question.insert(id.to_string(), (norm(&q.a), norm(&q.b)));
                }
                _ => {}
            }
        }
        values
    }
}

/// values it could not read, for the user to complete.
pub fn suggestion(sheet: &Sheet, h: &Handreiking, read: &crate::answers::ReadOptions) -> String {
    use std::fmt::Write as _;
    let (mapping, _) = detect_all(sheet, h, None);
    let q = |s: &str| format!("{s:?}");
    let mut out = String::new();
    let _ = writeln!(out, "# Mapping for {}, written by `handreiking mapping`.", sheet.file);
    let _ = writeln!(out, "# Check every line, complete what is marked TODO, then run:");
    let _ = writeln!(out, "#   handreiking check {} --mapping mapping.toml\n", sheet.file);
    let _ = writeln!(out, "[source]");
    let _ = writeln!(out, "header_rows = {}", 1 + sheet.extra_headers.len());
    if let Some(d) = read.delimiter {
        let _ = writeln!(out, "delimiter = {}", q(&(d.byte() as char).to_string()));
    }
    let _ = writeln!(out, "\n[respondent]");
    for field in Field::ALL {
        match mapping.fields.iter().find(|(f, _)| *f == field) {
            Some((_, cols)) if cols.len() == 1 => {
                let _ = writeln!(out, "{} = {}", field.name(), q(&sheet.headers[cols[0]]));
            }
            Some((_, cols)) => {
                let list: Vec<String> = cols.iter().map(|&c| q(&sheet.headers[c])).collect();
                let _ = writeln!(out, "{} = [{}]", field.name(), list.join(", "));
            }
            None if field == Field::Email => {
                let _ = writeln!(
                    out,
                    "# email = \"\"   # optional: the column with the e-mail address, for `handreiking mail`"
                );
            }
            None => {
                let _ =
                    writeln!(out, "# {} = \"\"   # TODO: the column with the {}", field.name(), field.name());
            }
        }
    }
    let _ = writeln!(out, "\n[questions]");
    for (_, v) in h.vragen() {
        if let Some(qc) = mapping.questions.iter().find(|qc| qc.id == v.id) {
            let how = match &qc.how {
                How::File => "from the mapping file".to_string(),
                How::Id => "headed by its id".to_string(),
                How::Text { score, part: None } => format!("text matches {:.0}%", score * 100.0),
                How::Text { score, part: Some(part) } => {
                    format!("text matches {:.0}% in the part \"{}\"", score * 100.0, short(part))
                }
            };
            let _ = writeln!(out, "{} = {}   # {how}", v.id, q(&sheet.headers[qc.col]));
        } else if let Some((_, Some((col, score)))) = mapping.unmatched.iter().find(|(id, _)| *id == v.id) {
            let _ = writeln!(
                out,
                "# {} = {}   # TODO: a guess ({:.0}%); remove the # if it is right",
                v.id,
                q(&sheet.headers[*col]),
                score * 100.0
            );
        } else {
            let _ = writeln!(out, "# {} = \"\"   # TODO: no column found for: {}", v.id, short(&v.tekst));
        }
    }
    // Values in the question columns that are not read as A or B yet.
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    for qc in &mapping.questions {
        for row in &sheet.rows {
            let value = row.cell(qc.col).trim();
            if letter_mapped(value, &qc.id, h, &mapping.values).is_none() {
                *unknown.entry(value.to_string()).or_default() += 1;
            }
        }
    }
    let _ = writeln!(out, "\n[answers]");
    if unknown.is_empty() {
        let _ = writeln!(out, "# Every answer value was understood; list other values here if needed.");
        let _ = writeln!(out, "A = []\nB = []");
    } else {
        let seen: Vec<String> = unknown.iter().map(|(v, n)| format!("{} ({n}×)", q(v))).collect();
        let _ = writeln!(out, "# TODO: these values were not understood: {}", seen.join(", "));
        let _ = writeln!(out, "# Put each under A (verbetermogelijkheden) or B (goed op weg).");
        let _ = writeln!(out, "A = []\nB = []");
    }
    out
}
