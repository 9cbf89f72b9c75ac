//! What `check` understood of an answer sheet (columns, values, answers,
//! problems with hints), and what `content` found in the content.

use std::io::Write;

use handreiking::content::Handreiking;

use super::{quoted, shown};

pub fn content_ok(h: &Handreiking) {
    let vragen: usize = h.reflecties.iter().map(|r| r.vragen.len()).sum();
    out!(
        "content ok: {} reflections, {} questions, {} answers, {} werkvormen",
        h.reflecties.len(),
        vragen,
        vragen * 2,
        h.werkvormen.len()
    );
    for r in &h.reflecties {
        let ids: Vec<&str> = r.vragen.iter().map(|v| v.id.as_str()).collect();
        out!("  {} {}: {}", r.id, r.titel, ids.join(", "));
    }
}

/// Prints what `check` understood; returns the number of bad rows. `mailed`:
/// these respondents get their reports by mail (not an earlier measurement's).
pub fn check(h: &Handreiking, sheets: &[handreiking::ReadSheet], mailed: bool) -> usize {
    use handreiking::content::Letter;
    use handreiking::mapping::{How, column_letter};
    let mut bad = 0;
    for s in sheets {
        let sheet = &s.sheet;
        let cols = |cols: &[usize]| {
            cols.iter()
                .map(|&c| format!("{} {}", column_letter(c), quoted(&sheet.headers[c])))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        out!("{}", shown(&sheet.file));
        for note in &sheet.notes {
            out!("  note: {note}");
        }
        out!("  columns:");
        for (field, c) in &s.mapping.fields {
            out!("    {:<36} → {}", cols(c), field.name());
        }
        for (field, c) in &s.mapping.fallbacks {
            let first =
                s.mapping.fields.iter().find(|(f, _)| f == field).map(|(_, c)| cols(c)).unwrap_or_default();
            out!("    {:<36} → {} where {first} is empty", cols(c), field.name());
        }
        for q in &s.mapping.questions {
            let how = match &q.how {
                How::File => "mapping file".to_string(),
                How::Id => "id".to_string(),
                How::Text { score, part: None } => format!("text {:.0}%", score * 100.0),
                How::Text { score, part: Some(part) } => {
                    format!("text {:.0}% in {}", score * 100.0, quoted(part))
                }
            };
            out!("    {:<36} → question {} ({how})", cols(&[q.col]), q.id);
        }
        for (label, c) in &s.mapping.extras {
            out!("    {:<36} → shown in the report as “{}”", cols(c), shown(label));
        }
        let missing: Vec<&str> = s.mapping.unmatched.iter().map(|(id, _)| id.as_str()).collect();
        if !missing.is_empty() {
            out!("  no column for: {} (these count as unanswered)", missing.join(", "));
        }
        if !s.tally.values.is_empty() {
            out!("  values:");
            for (raw, (answer, n)) in &s.tally.values {
                let answer = match answer {
                    Some(Letter::A) => "A",
                    Some(Letter::B) => "B",
                    None => "unanswered",
                };
                out!("    {:<36} → {answer} ({n}×)", quoted(raw));
            }
        }
        if s.tally.untallied > 0 {
            out!(
                "    … and {} more cells with other values (only {} distinct values of each kind are listed)",
                s.tally.untallied,
                handreiking::mapping::Tally::MAX_DISTINCT
            );
        }
        out!("  answers:           A     B  open");
        for q in &s.mapping.questions {
            let [a, b, open] = s.answers.get(&q.id).copied().unwrap_or_default();
            out!("    {:<12} {a:>5} {b:>5} {open:>5}", q.id);
        }
        out!(
            "  {} respondent(s) ready, {} row(s) with problems{}",
            s.respondents,
            s.bad_row_count,
            if s.empty_rows > 0 { format!(", {} empty row(s) skipped", s.empty_rows) } else { String::new() }
        );
        if s.respondents == 0 && s.bad_row_count == 0 {
            out!("  error: the sheet has a header but no answer rows");
        }
        if s.unreadable_date_count > 0 {
            out!(
                "  note: {} date(s) could not be read; the reports show them as written:",
                s.unreadable_date_count
            );
            for (location, date) in &s.unreadable_dates {
                out!("    {location}: {}", quoted(date));
            }
            if s.unreadable_date_count > s.unreadable_dates.len() {
                out!("    … and {} more", s.unreadable_date_count - s.unreadable_dates.len());
            }
        }
        const SHOWN: usize = 10;
        let all: Vec<_> = s.bad_rows.iter().flat_map(|(_, problems)| problems).collect();
        for p in all.iter().take(SHOWN) {
            out!("  error: {}", shown(&p.to_string()));
        }
        if s.bad_cell_count > SHOWN {
            out!("  … and {} more cells like these", s.bad_cell_count - SHOWN);
        }
        if mailed && s.unmailable_count > 0 {
            out!(
                "  note: {} respondent(s) will get no mail from `handreiking mail` (their reports are made):",
                s.unmailable_count
            );
            // Each address that is not one on its own line; the empty ones on one.
            let mut empty = vec![];
            for (location, _, skip) in &s.unmailable {
                match skip {
                    handreiking::mapping::address::Unmailable::NoAddress => empty.push(location.to_string()),
                    skip => out!("    {location}: {}", shown(&skip.to_string())),
                }
            }
            if !empty.is_empty() {
                out!("    no e-mail address: {}", empty.join(", "));
            }
            if s.unmailable_count > s.unmailable.len() {
                out!("    … and {} more", s.unmailable_count - s.unmailable.len());
            }
        }
        if !s.tally.unknown.is_empty() {
            let seen: Vec<String> = s.tally.unknown.iter().map(|(v, n)| format!("{v:?} ({n}×)")).collect();
            out!("  values that are not answers: {}", seen.join(", "));
            out!(
                "  hint: if they are answer codes, say what they mean in a mapping file (--mapping FILE), e.g."
            );
            out!("    [answers]");
            out!(
                "    A = [{:?}]   # the value(s) meaning: {}",
                s.tally.unknown.keys().next().unwrap(),
                h.labels.a.label
            );
            out!("    B = []        # the value(s) meaning: {}", h.labels.b.label);
        }
        bad += s.bad_row_count;
    }
    bad
}
