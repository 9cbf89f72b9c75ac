//! The matching in words: English for the terminal (`check --earlier`, the
//! batch's summary), Dutch for the web app, side by side so that the two say
//! the same. Values are as written; each front end escapes for where it shows them.

use super::{Key, NewRow, Plan};
use crate::answers::Location;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Dutch,
}

use Language::{Dutch, English};

/// "row 5 (Anouk de Vries)" / "rij 5 (Anouk de Vries)", with the file when a
/// measurement has more than one.
pub fn who(language: Language, files: &[String], file: usize, location: Location, naam: &str) -> String {
    let file = match (files.len() > 1, language) {
        (false, _) => String::new(),
        (true, English) => format!("{}: ", files[file]),
        (true, Dutch) => format!("{}, ", files[file]),
    };
    let naam = naam.trim();
    let naam = if naam.is_empty() { String::new() } else { format!(" ({naam})") };
    format!("{file}{}{naam}", place(language, location))
}

/// "row 5" / "rij 5"; "record 3" in both.
pub fn place(language: Language, location: Location) -> String {
    let n = location.number();
    match (language, location) {
        (English, Location::Row(_)) => format!("row {n}"),
        (Dutch, Location::Row(_)) => format!("rij {n}"),
        (_, Location::Record(_)) => format!("record {n}"),
    }
}

/// What two respondents were matched on: "by e-mail address" / "e-mailadres"
/// (the Dutch pages put it in a column "Gekoppeld op", or after "op").
pub fn key(language: Language, key: &Key) -> String {
    match (language, key) {
        (English, Key::Email) => "by e-mail address".into(),
        (English, Key::Name) => "by name and organisation".into(),
        (English, Key::Column(column)) => format!("by the column \"{column}\""),
        (Dutch, Key::Email) => "e-mailadres".into(),
        (Dutch, Key::Name) => "naam en organisatie".into(),
        (Dutch, Key::Column(column)) => format!("de kolom “{column}”"),
    }
}

/// Why a new respondent was not compared although it fits: the rows involved.
pub fn ambiguity(language: Language, plan: &Plan, row: &NewRow) -> String {
    let Some((k, old, others)) = plan.ambiguity(row) else { return String::new() };
    let earlier = rows(language, &plan.index.files, old.iter().map(|r| (r.file, r.location)));
    let new: Vec<String> =
        others.iter().map(|r| who(language, &plan.files, r.file, r.location, &r.naam)).collect();
    let one = new.len() == 1;
    match (language, new.is_empty()) {
        (English, true) => format!("fits earlier {earlier}, {}", key(language, k)),
        (English, false) => format!(
            "fits earlier {earlier}, which {} {} too, {}",
            and(language, &new),
            if one { "fits" } else { "fit" },
            key(language, k)
        ),
        (Dutch, true) => format!("past bij {earlier} van de nulmeting, op {}", key(language, k)),
        (Dutch, false) => format!(
            "past bij {earlier} van de nulmeting, waar ook {} bij {}, op {}",
            and(language, &new),
            if one { "past" } else { "passen" },
            key(language, k)
        ),
    }
}

/// "row 8", "rows 6 and 7" / "rij 8", "rijen 6 en 7"; each with its file when
/// a measurement has more than one.
pub fn rows(language: Language, files: &[String], rows: impl Iterator<Item = (usize, Location)>) -> String {
    let rows: Vec<(usize, Location)> = rows.collect();
    let all_rows = rows.iter().all(|(_, l)| matches!(l, Location::Row(_)));
    let all_records = rows.iter().all(|(_, l)| matches!(l, Location::Record(_)));
    if files.len() == 1 && rows.len() > 1 && (all_rows || all_records) {
        let numbers: Vec<String> = rows.iter().map(|(_, l)| l.number().to_string()).collect();
        let noun = match (language, all_rows) {
            (English, true) => "rows",
            (Dutch, true) => "rijen",
            (_, false) => "records",
        };
        return format!("{noun} {}", and(language, &numbers));
    }
    and(language, &rows.iter().map(|&(f, l)| who(language, files, f, l, "")).collect::<Vec<_>>())
}

/// "a", "a and b", "a, b and c" / "a en b".
pub fn and(language: Language, items: &[String]) -> String {
    let word = match language {
        English => "and",
        Dutch => "en",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}
