//! The tool's own JSON: one object or an array of them,
//! `{"respondent": {"naam": …}, "answers": {"R1V1": "A", …}}`; null or missing is unanswered.

use serde_json::{Map, Value};

use super::{Location, Row, Sheet, unreadable};
use crate::error::Result;

const SHAPE: &str = "each respondent is {\"respondent\": {\"naam\": …, \"organisatie\": …, \"datum\": …}, \"answers\": {\"R1V1\": \"A\", …}}";

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<Sheet> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        unreadable(
            name,
            Some(e.line()),
            format!("is not valid JSON: {e}"),
            SHAPE,
        )
    })?;
    let records = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => {
            return Err(unreadable(
                name,
                None,
                "expected a JSON object or an array of objects",
                SHAPE,
            ));
        }
    };

    let mut headers: Vec<String> = vec![];
    let mut parsed: Vec<Vec<(String, String)>> = vec![];
    for (i, record) in records.iter().enumerate() {
        let location = Location::Record(i + 1);
        let Value::Object(record) = record else {
            return Err(unreadable(
                name,
                None,
                format!("{location} is not an object"),
                SHAPE,
            ));
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
                    return Err(unreadable(
                        name,
                        None,
                        format!("{location}: `{key}` must be an object"),
                        SHAPE,
                    ));
                }
            }
        }
        for (header, _) in &cells {
            if !headers.contains(header) {
                headers.push(header.clone());
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
                let col = headers
                    .iter()
                    .position(|h| *h == header)
                    .expect("collected above");
                row[col] = value;
            }
            Row {
                location: Location::Record(i + 1),
                cells: row,
            }
        })
        .collect();
    Ok(Sheet {
        file: name.to_string(),
        headers,
        rows,
        notes: vec![],
    })
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
