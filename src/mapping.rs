//! Which column holds what, and what a cell means: the user's mapping file,
//! or detection from the headers (question ids, or the question's text as a
//! survey author typed it), and answer values read as A or B.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answers::{Location, Row, Sheet};
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

    /// Headers survey tools use for this field, most specific first.
    fn headers(self) -> &'static [&'static str] {
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
    /// Headed by the question's text; the similarity (0–1).
    Text(f64),
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
    /// In the handreiking's order.
    pub questions: Vec<QuestionColumn>,
    /// Other non-empty columns, shown in the report as they are (project, e-mail, …),
    /// with the label to show.
    pub extras: Vec<(String, Vec<usize>)>,
    /// Raw values that mean A or B, from the mapping file (normalised).
    pub values: Values,
    /// Questions without a column, and why (a weak match, say).
    pub unmatched: Vec<(String, Option<(usize, f64)>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Values {
    pub a: Vec<String>,
    pub b: Vec<String>,
    pub per_question: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

// ---- The mapping file -------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, Default)]
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

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub header_rows: Option<usize>,
    pub delimiter: Option<String>,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn list(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AnswerEntry {
    List(Vec<String>),
    Question(QuestionValues),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionValues {
    #[serde(rename = "A", default)]
    pub a: Vec<String>,
    #[serde(rename = "B", default)]
    pub b: Vec<String>,
}

impl MappingFile {
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
                "the sections are [source], [respondent], [questions] and [answers]; see README (Survey-tool exports)",
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
                ("A" | "B", AnswerEntry::List(_)) => {}
                ("A" | "B", AnswerEntry::Question(_)) => {
                    problems.push(m.problem(key, format!("`{key}` in [answers] must be a list of values")))
                }
                (id, AnswerEntry::Question(_)) if known(id) => {}
                (id, _) => problems.push(m.problem(
                    id,
                    format!(
                        "unknown key `{id}` in [answers]: expected A, B or a question id with its own A and B"
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

    fn problem(&self, key: &str, message: String) -> Problem {
        Problem::new(&self.file, self.line_of(key), message)
    }

    fn values(&self) -> Values {
        let norm = |v: &Vec<String>| v.iter().map(|s| normalise(s)).collect::<Vec<_>>();
        let mut values = Values::default();
        for (key, entry) in &self.answers {
            match (key.as_str(), entry) {
                ("A", AnswerEntry::List(l)) => values.a = norm(l),
                ("B", AnswerEntry::List(l)) => values.b = norm(l),
                (id, AnswerEntry::Question(q)) => {
                    values.per_question.insert(id.to_string(), (norm(&q.a), norm(&q.b)));
                }
                _ => {}
            }
        }
        values
    }
}

// ---- Detection ----------------------------------------------------------------------

/// The column whose header (any header row) is `name`, ignoring case and spaces around.
fn column_named(sheet: &Sheet, name: &str) -> Option<usize> {
    let want = name.trim().to_lowercase();
    (0..sheet.headers.len()).find(|&c| sheet.header_texts(c).iter().any(|t| t.trim().to_lowercase() == want))
}

/// Reads the headers, with the mapping file first when there is one.
/// Fails when a question is claimed twice, a mapped column does not exist, no
/// question column is found, or a question's column is only a weak guess.
pub fn detect(sheet: &Sheet, h: &Handreiking, file: Option<&MappingFile>) -> Result<Mapping> {
    let (mapping, problems) = detect_all(sheet, h, file);
    if problems.is_empty() { Ok(mapping) } else { Err(Error::Sheet(problems)) }
}

/// Detection that always returns what it found, with the problems beside it.
pub fn detect_all(sheet: &Sheet, h: &Handreiking, file: Option<&MappingFile>) -> (Mapping, Vec<Problem>) {
    let mut mapping = Mapping::default();
    let mut problems = vec![];
    let mut taken: BTreeMap<usize, String> = BTreeMap::new();

    if let Some(m) = file {
        mapping.values = m.values();
        for (key, cols) in &m.respondent {
            let mut found = vec![];
            for name in cols.list() {
                match column_named(sheet, name) {
                    Some(c) => found.push(c),
                    None => problems.push(missing_column(sheet, m, key, name)),
                }
            }
            for &c in &found {
                taken.insert(c, key.clone());
            }
            match Field::ALL.into_iter().find(|f| f.name() == key.to_lowercase()) {
                Some(field) => mapping.fields.push((field, found)),
                None => mapping.extras.push((key.clone(), found)),
            }
        }
        for (id, name) in &m.questions {
            match column_named(sheet, name) {
                Some(col) => {
                    taken.insert(col, id.clone());
                    mapping.questions.push(QuestionColumn { id: id.clone(), col, how: How::File });
                }
                None => problems.push(missing_column(sheet, m, id, name)),
            }
        }
    }

    // Respondent fields not in the mapping file.
    for field in Field::ALL {
        if mapping.fields.iter().any(|(f, _)| *f == field) {
            continue;
        }
        let found = field
            .headers()
            .iter()
            .find_map(|name| column_named(sheet, name).filter(|c| !taken.contains_key(c)));
        let cols = match (field, found) {
            (_, Some(c)) => vec![c],
            // Qualtrics keeps first and last name apart.
            (Field::Naam, None) => ["RecipientFirstName", "RecipientLastName"]
                .iter()
                .filter_map(|n| column_named(sheet, n))
                .filter(|c| !taken.contains_key(c))
                .collect(),
            _ => vec![],
        };
        if !cols.is_empty() {
            for &c in &cols {
                taken.insert(c, field.name().into());
            }
            mapping.fields.push((field, cols));
        }
    }

    // Questions by id, then by text.
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for col in 0..sheet.headers.len() {
        if taken.contains_key(&col) {
            continue;
        }
        let ids: Vec<String> = sheet
            .header_texts(col)
            .iter()
            .filter_map(|t| id_in_header(t))
            .filter(|id| h.vraag(id).is_some())
            .collect();
        if let Some(id) = ids.first() {
            by_id.entry(id.clone()).or_default().push(col);
        }
    }
    for (id, cols) in &by_id {
        if mapping.questions.iter().any(|q| q.id == *id) {
            continue;
        }
        if cols.len() > 1 {
            problems.push(
                Problem::new(
                    &sheet.file,
                    Some(1),
                    format!(
                        "columns {} both claim question {id}",
                        cols.iter()
                            .map(|&c| format!("{} (`{}`)", column_letter(c), sheet.headers[c]))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                )
                .hint(
                    "keep one column per question, or say which one in a mapping file: [questions] "
                        .to_string()
                        + id
                        + " = \"<header>\"",
                ),
            );
            continue;
        }
        taken.insert(cols[0], id.clone());
        mapping.questions.push(QuestionColumn { id: id.clone(), col: cols[0], how: How::Id });
    }

    let free: Vec<usize> = (0..sheet.headers.len()).filter(|c| !taken.contains_key(c)).collect();
    let scores: Vec<(String, Vec<(usize, f64)>)> = h
        .vragen()
        .filter(|(_, v)| !mapping.questions.iter().any(|q| q.id == v.id))
        .map(|(_, v)| {
            let mut s: Vec<(usize, f64)> = free
                .iter()
                .map(|&c| {
                    (c, sheet.header_texts(c).iter().map(|t| similarity(t, &v.tekst)).fold(0.0, f64::max))
                })
                .collect();
            s.sort_by(|a, b| b.1.total_cmp(&a.1));
            (v.id.clone(), s)
        })
        .collect();
    for (id, ranked) in &scores {
        let best = ranked.first().copied();
        let second = ranked.get(1).map(|x| x.1).unwrap_or(0.0);
        match best {
            Some((col, score))
                if score >= STRONG
                    && score - second >= MARGIN
                    && !better_elsewhere(&scores, id, col, score) =>
            {
                taken.insert(col, id.clone());
                mapping.questions.push(QuestionColumn { id: id.clone(), col, how: How::Text(score) });
            }
            Some((col, score)) if score >= WEAK => {
                mapping.unmatched.push((id.clone(), Some((col, score))));
                problems.push(
                    Problem::new(
                        &sheet.file,
                        Some(1),
                        format!(
                            "question {id} is only a guess: column {} (`{}`) resembles its text for {:.0}%",
                            column_letter(col),
                            short(&sheet.headers[col]),
                            score * 100.0
                        ),
                    )
                    .hint(format!(
                        "if that is right, put this in a mapping file under [questions]: {id} = {:?}",
                        sheet.headers[col]
                    )),
                );
            }
            _ => mapping.unmatched.push((id.clone(), None)),
        }
    }
    let order: Vec<String> = h.vragen().map(|(_, v)| v.id.clone()).collect();
    mapping.questions.sort_by_key(|q| order.iter().position(|id| *id == q.id));

    for col in 0..sheet.headers.len() {
        if !taken.contains_key(&col)
            && !sheet.headers[col].trim().is_empty()
            && !is_tool_column(&sheet.headers[col])
        {
            mapping.extras.push((sheet.headers[col].clone(), vec![col]));
        }
    }
    if mapping.questions.is_empty() && problems.is_empty() {
        problems.push(
            Problem::new(&sheet.file, Some(1), "no column is headed by a question id or a question's text")
                .hint("head the answer columns R1V1 … R5V2, or write a mapping file (`handreiking mapping INPUT > mapping.toml`)"),
        );
    }
    (mapping, problems)
}

/// A starting mapping file: what detection found, guesses to confirm, and the
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
            None => {
                let _ =
                    writeln!(out, "# {} = \"\"   # TODO: the column with the {}", field.name(), field.name());
            }
        }
    }
    let _ = writeln!(out, "\n[questions]");
    for (_, v) in h.vragen() {
        if let Some(qc) = mapping.questions.iter().find(|qc| qc.id == v.id) {
            let how = match qc.how {
                How::File => "from the mapping file".to_string(),
                How::Id => "headed by its id".to_string(),
                How::Text(s) => format!("text matches {:.0}%", s * 100.0),
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

const STRONG: f64 = 0.8;
const WEAK: f64 = 0.55;
const MARGIN: f64 = 0.05;

fn better_elsewhere(scores: &[(String, Vec<(usize, f64)>)], id: &str, col: usize, score: f64) -> bool {
    scores.iter().any(|(other, ranked)| other != id && ranked.iter().any(|&(c, s)| c == col && s > score))
}

fn missing_column(sheet: &Sheet, m: &MappingFile, key: &str, name: &str) -> Problem {
    let known: Vec<String> = sheet.headers.iter().take(12).map(|h| format!("`{}`", short(h))).collect();
    m.problem(key, format!("`{key}` names the column `{name}`, which {} does not have", sheet.file)).hint(
        format!("the columns are {}{}", known.join(", "), if sheet.headers.len() > 12 { ", …" } else { "" }),
    )
}

/// Bookkeeping columns of survey tools, not worth showing in a report.
fn is_tool_column(header: &str) -> bool {
    let h = header.trim().to_lowercase();
    const TOOL: &[&str] = &[
        "id",
        "#",
        "respondentid",
        "collectorid",
        "responseid",
        "response id",
        "response_id",
        "_id",
        "_uuid",
        "_index",
        "_status",
        "_submitted_by",
        "_validation_status",
        "_notes",
        "_tags",
        "meta/instanceid",
        "__version__",
        "start date",
        "startdate",
        "start date (utc)",
        "begintijd",
        "start time",
        "landed_at",
        "network id",
        "lastpage",
        "startlanguage",
        "seed",
        "ipaddress",
        "ip address",
        "progress",
        "status",
        "finished",
        "duration (in seconds)",
        "distributionchannel",
        "userlanguage",
        "locationlatitude",
        "locationlongitude",
        "externalreference",
        "response type",
        "tags",
        "ending",
        "stage date (utc)",
        "tijd van laatste wijziging",
        "last modified time",
        "recipientemail",
        "e-mail",
        "email",
        "e-mailadres",
    ];
    TOOL.contains(&h.as_str())
        || Field::Datum.headers().contains(&h.as_str())
        || h.starts_with("_gps")
        || h.starts_with("meta/")
        || h.starts_with("custom data")
}

fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 { one.chars().take(57).collect::<String>() + "…" } else { one }
}

/// A question id in a header: the whole header (`R1V1`, `1.1`), its last path
/// segment (Kobo's `reflectie1/R1V1`), or an `R1V1` token inside the text.
pub fn id_in_header(header: &str) -> Option<String> {
    if let Some(id) = question_id(header) {
        return Some(id);
    }
    if let Some(last) = header.rsplit('/').next().filter(|l| l.len() < header.len())
        && let Some(id) = question_id(last)
    {
        return Some(id);
    }
    header
        .split(|c: char| !c.is_alphanumeric())
        .find(|t| t.len() >= 4 && t.to_uppercase().starts_with('R') && t.to_uppercase().contains('V'))
        .and_then(question_id)
}

/// How alike a header and a question text are (0–1), ignoring numbering,
/// punctuation, case and line breaks; small typos cost little.
pub fn similarity(header: &str, question: &str) -> f64 {
    let a = strip_numbering(&words(header));
    let b = words(question);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    // A header that holds the whole question plus a little more ("… (kies A of B)").
    if a.contains(&b) && b.len() * 10 >= a.len() * 7 {
        return 0.95;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len()) as f64;
    // The length difference alone bounds the score: skip the quadratic work when it cannot matter.
    let bound = 1.0 - a.len().abs_diff(b.len()) as f64 / longest;
    if bound < WEAK {
        return bound;
    }
    1.0 - levenshtein(&a, &b) as f64 / longest
}

fn words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "1 ", "12 ", "vraag 3 ", "q4 ", "r1v1 " in front of a header's text.
fn strip_numbering(s: &str) -> String {
    let mut rest = s;
    loop {
        let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let numbering = first.chars().all(|c| c.is_ascii_digit())
            || question_id(first).is_some()
            || ((first.starts_with('q') || first.starts_with('v'))
                && first[1..].chars().all(|c| c.is_ascii_digit())
                && first.len() > 1)
            || first == "vraag"
            || first == "question";
        if numbering && !tail.is_empty() {
            rest = tail;
        } else {
            return rest.to_string();
        }
    }
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `R1V1`, `r1v1`, `R1-V1`, `R1.V1`, `1.1`, `1-1` → `R1V1`.
pub fn question_id(header: &str) -> Option<String> {
    let s: String = header.trim().to_uppercase().chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_prefix('R').unwrap_or(&s);
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (r, rest) = s.split_at(split);
    let rest = rest.trim_start_matches(['-', '.', '_', ':']);
    let rest = rest.strip_prefix('V').unwrap_or(rest);
    if r.is_empty() || rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("R{}V{}", r.parse::<u32>().ok()?, rest.parse::<u32>().ok()?))
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Respondent {
    pub location: Location,
    pub naam: String,
    pub organisatie: String,
    pub datum: String,
    /// Other columns, as (header, value).
    pub velden: Vec<(String, String)>,
    /// Question id → answer (None: unanswered).
    pub antwoorden: BTreeMap<String, Option<Letter>>,
}

/// A cell's text as a document can show it: trimmed, tabs and line breaks as
/// spaces, other control characters (which no font has) left out.
fn visible(cell: &str) -> String {
    let spaced: String = cell
        .chars()
        .filter_map(|c| if c.is_control() { c.is_whitespace().then_some(' ') } else { Some(c) })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
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
        mapping.fields.iter().find(|(g, _)| *g == f).map(|(_, cols)| joined(cols)).unwrap_or_default()
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
        .map(|(label, cols)| (label.clone(), joined(cols)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Reading::Respondent(Respondent {
        location: row.location,
        naam: field(Field::Naam),
        organisatie: field(Field::Organisatie),
        datum: field(Field::Datum),
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

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
