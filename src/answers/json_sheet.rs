//! The tool's own JSON: one object or an array of them,
//! `{"respondent": {"naam": …}, "answers": {"R1V1": "A", …}}`; null or missing is unanswered.

use std::path::Path;

use serde_json::{Map, Value};

use super::{Location, ReadOptions, Row, Sheet, Streamed, unreadable};
use crate::error::Result;

const SHAPE: &str = "each respondent is {\"respondent\": {\"naam\": …, \"organisatie\": …, \"datum\": …}, \"answers\": {\"R1V1\": \"A\", …}}";

pub(super) fn read(name: &str, bytes: &[u8], _options: &ReadOptions) -> Result<Sheet> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| unreadable(name, Some(e.line()), format!("is not valid JSON: {e}"), SHAPE))?;
    if let Some(sheet) = survey_export(name, &value) {
        return Ok(sheet);
    }
    let records = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => {
            return Err(unreadable(name, None, "expected a JSON object or an array of objects", SHAPE));
        }
    };

    let mut headers: Vec<String> = vec![];
    let mut parsed: Vec<Vec<(String, String)>> = vec![];
    for (i, record) in records.iter().enumerate() {
        let cells = record_cells(name, Location::Record(i + 1), record)?;
        for (header, _) in &cells {
            if !headers.contains(header) {
                headers.push(header.clone());
                super::bounds::check_columns(name, None, headers.len())?;
            }
        }
        parsed.push(cells);
    }
    let rows = parsed
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![String::new(); headers.len()];
            for (header, value) in cells {
                let col = headers.iter().position(|h| *h == header).expect("collected above");
                row[col] = value;
            }
            Row { location: Location::Record(i + 1), cells: row }
        })
        .collect();
    Ok(Sheet { file: name.to_string(), headers, extra_headers: vec![], layout: None, rows, notes: vec![] })
}

/// One respondent of the tool's own format as (header, value) cells.
fn record_cells(name: &str, location: Location, record: &Value) -> Result<Vec<(String, String)>> {
    let Value::Object(record) = record else {
        return Err(unreadable(name, None, format!("{location} is not an object"), SHAPE));
    };
    let mut cells = vec![];
    for (key, value) in record {
        let group = match key.as_str() {
            "respondent" | "answers" => value,
            other => {
                return Err(unreadable(
                    name,
                    None,
                    format!("{location} has an unknown key `{other}`"),
                    SHAPE,
                ));
            }
        };
        match group {
            Value::Object(fields) => cells.extend(flatten(name, location, key, fields)?),
            Value::Null => {}
            _ => {
                return Err(unreadable(name, None, format!("{location}: `{key}` must be an object"), SHAPE));
            }
        }
    }
    Ok(cells)
}

/// Whether the file is a top-level array (the tool's own format for several
/// respondents), which is read one respondent at a time.
pub(super) fn is_array(start: &[u8]) -> bool {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Opens a top-level array of respondents as a stream: a first pass collects
/// the columns (and finds any mistake before a report is made), then a reader
/// thread hands the rows over a few at a time. Memory stays bounded however
/// many respondents the file holds.
pub(super) fn open_array(name: &str, path: &Path) -> Result<(Sheet, Streamed)> {
    let mut headers: Vec<String> = vec![];
    let mut seen = std::collections::HashSet::new();
    for_each_element(name, path, |i, value| {
        for (header, _) in record_cells(name, Location::Record(i + 1), &value)? {
            if seen.insert(header.clone()) {
                headers.push(header);
                super::bounds::check_columns(name, None, headers.len())?;
            }
        }
        Ok(())
    })?;
    let columns: std::collections::HashMap<String, usize> =
        headers.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
    let (name_, path) = (name.to_string(), path.to_owned());
    let rows = Streamed::spawn(vec![], move |send| {
        for_each_element(&name_, &path, |i, value| {
            let location = Location::Record(i + 1);
            let mut cells = vec![String::new(); columns.len()];
            for (header, text) in record_cells(&name_, location, &value)? {
                // A file changed since the first pass may have new keys: those are left out.
                if let Some(&col) = columns.get(&header) {
                    cells[col] = text;
                }
            }
            // The reader stopped listening (an error elsewhere): stop reading.
            if send(Row { location, cells }) { Ok(()) } else { Err(crate::Error::Usage(String::new())) }
        })
    });
    let sheet = Sheet {
        file: name.to_string(),
        headers,
        extra_headers: vec![],
        layout: None,
        rows: vec![],
        notes: vec![],
    };
    Ok((sheet, rows))
}

/// Calls `each` with every element of the file's top-level array, parsed one at a time.
fn for_each_element(name: &str, path: &Path, mut each: impl FnMut(usize, Value) -> Result<()>) -> Result<()> {
    use serde::de::{Deserializer as _, Error as _, SeqAccess, Visitor};
    struct Elements<'a, F> {
        each: &'a mut F,
        failed: &'a mut Option<crate::Error>,
    }
    impl<'de, F: FnMut(usize, Value) -> Result<()>> Visitor<'de> for Elements<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of respondents")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            let mut i = 0;
            while let Some(value) = seq.next_element::<Value>()? {
                if let Err(e) = (self.each)(i, value) {
                    *self.failed = Some(e);
                    return Err(A::Error::custom("stopped"));
                }
                i += 1;
            }
            Ok(())
        }
    }
    let io = |source| crate::Error::Io { action: "read", path: path.to_owned(), source };
    let mut reader = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
    if std::io::BufRead::fill_buf(&mut reader).map_err(io)?.starts_with(b"\xEF\xBB\xBF") {
        std::io::BufRead::consume(&mut reader, 3);
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut failed = None;
    let parsed =
        de.deserialize_seq(Elements { each: &mut each, failed: &mut failed }).and_then(|()| de.end());
    if let Some(e) = failed {
        return Err(e);
    }
    parsed.map_err(|e| unreadable(name, Some(e.line()), format!("is not valid JSON: {e}"), SHAPE))
}

fn flatten(
    name: &str,
    location: Location,
    group: &str,
    fields: &Map<String, Value>,
) -> Result<Vec<(String, String)>> {
    fields
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => {
                    return Err(unreadable(
                        name,
                        None,
                        format!("{location}: `{group}.{key}` must be text, not a list or object"),
                        SHAPE,
                    ));
                }
            };
            Ok((key.trim().to_string(), text))
        })
        .collect()
}

/// Exports of survey tools' APIs, read into the same rows as their CSV exports.
fn survey_export(name: &str, value: &Value) -> Option<Sheet> {
    let obj = value.as_object()?;
    if let Some(items) = obj.get("items").and_then(Value::as_array) {
        let records = items.iter().filter_map(Value::as_object).map(typeform_record).collect();
        return Some(flat_records(name, records, "Typeform"));
    }
    if let Some(responses) = obj.get("responses").and_then(Value::as_array) {
        let qualtrics = responses.iter().any(|r| r.get("values").is_some());
        let records = responses
            .iter()
            .filter_map(Value::as_object)
            .map(|r| if qualtrics { qualtrics_record(r) } else { limesurvey_record(r) })
            .collect();
        return Some(flat_records(name, records, if qualtrics { "Qualtrics" } else { "LimeSurvey" }));
    }
    if obj.get("values").is_some_and(Value::is_object) {
        return Some(flat_records(name, vec![qualtrics_record(obj)], "Qualtrics"));
    }
    None
}

/// Typeform: `items[].answers[]` keyed by `field.ref`; hidden fields and dates beside them.
fn typeform_record(item: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for key in ["response_id", "landed_at", "submitted_at"] {
        if let Some(v) = item.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(hidden) = item.get("hidden").and_then(Value::as_object) {
        out.extend(hidden.clone());
    }
    for answer in item.get("answers").and_then(Value::as_array).into_iter().flatten() {
        let Some(field) = answer.get("field") else { continue };
        let key =
            field.get("ref").or_else(|| field.get("id")).and_then(Value::as_str).unwrap_or("").to_string();
        let kind = answer.get("type").and_then(Value::as_str).unwrap_or("");
        let value = match kind {
            "choice" => answer.pointer("/choice/label").or_else(|| answer.pointer("/choice/other")).cloned(),
            "choices" => answer.pointer("/choices/labels").cloned(),
            _ => answer.get(kind).cloned(),
        };
        out.insert(key, value.unwrap_or(Value::Null));
    }
    out
}

/// Qualtrics' API: `values` (codes) and `labels` (choice texts); labels win.
fn qualtrics_record(r: &Map<String, Value>) -> Map<String, Value> {
    let mut out = r.get("values").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(labels) = r.get("labels").and_then(Value::as_object) {
        out.extend(labels.clone());
    }
    out
}

/// LimeSurvey's `{"responses": [{…flat…}]}`, or `[{"<id>": {…flat…}}]` in older versions.
fn limesurvey_record(r: &Map<String, Value>) -> Map<String, Value> {
    if r.len() == 1
        && let Some(Value::Object(inner)) = r.values().next()
    {
        return inner.clone();
    }
    r.clone()
}

/// Flat JSON objects as rows: the union of their keys as columns, in first-seen order.
pub fn flat_records(name: &str, records: Vec<Map<String, Value>>, layout: &'static str) -> Sheet {
    let mut headers: Vec<String> = vec![];
    let mut seen = std::collections::HashSet::new();
    for r in &records {
        for k in r.keys() {
            if seen.insert(k.as_str()) {
                headers.push(k.clone());
            }
        }
    }
    let rows = records
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            location: Location::Record(i + 1),
            cells: headers.iter().map(|h| r.get(h).map(text).unwrap_or_default()).collect(),
        })
        .collect();
    Sheet {
        file: name.to_string(),
        headers,
        extra_headers: vec![],
        layout: Some(layout),
        rows,
        notes: vec![format!("recognised a {layout} JSON export")],
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}
