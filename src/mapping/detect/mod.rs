//! Detection: which column is which question or respondent field, from the
//! mapping file first, then question ids (`ids`), then the question's text
//! (`text`, also a grid's row). The respondent's fields come from their
//! headers or from questions asking for them (`fields`); survey tools' own
//! columns are neither (`tools`).

mod fields;
mod ids;
mod text;
mod tools;

use std::collections::BTreeMap;

use super::{Field, How, Mapping, MappingFile, QuestionColumn, column_letter, short};
use crate::answers::Sheet;
use crate::content::Handreiking;
use crate::error::{Error, Problem, Result};

use fields::{NAME_PAIRS, asks_for};
pub use ids::{id_in_header, question_id};
pub use text::similarity;
use text::{MARGIN, Match, STRONG, WEAK, best_match, better_elsewhere};
use tools::is_tool_column;

/// The column whose header (any header row) is `name`, ignoring case and spaces around.
pub(crate) fn column_named(sheet: &Sheet, name: &str) -> Option<usize> {
    let want = name.trim().to_lowercase();
    (0..sheet.headers.len()).find(|&c| sheet.header_texts(c).iter().any(|t| t.trim().to_lowercase() == want))
}

/// A header text that names column `col` and no column before it (what a
/// mapping file can say to mean this column), if it has one.
pub fn unique_name(sheet: &Sheet, col: usize) -> Option<String> {
    sheet
        .header_texts(col)
        .into_iter()
        .find(|t| column_named(sheet, t) == Some(col))
        .map(|t| t.trim().to_string())
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
    let mut mapping = Mapping { month_first: sheet.layout == Some("SurveyMonkey"), ..Mapping::default() };
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
            // `R3V1 = ""`: the sheet has no column for this question.
            if name.trim().is_empty() {
                mapping.unmatched.push((id.clone(), None));
                continue;
            }
            match column_named(sheet, name) {
                Some(col) => {
                    taken.insert(col, id.clone());
                    mapping.questions.push(QuestionColumn { id: id.clone(), col, how: How::File });
                }
                None => problems.push(missing_column(sheet, m, id, name)),
            }
        }
    }

    // Respondent fields not in the mapping file. The name may come from a
    // survey tool's own contact columns (Microsoft Forms' `Name`, first and
    // last name of an invitation), which are empty for anonymous links: a
    // question asking for the name goes before them (below).
    let mut contact_name = false;
    for field in Field::ALL {
        if mapping.fields.iter().any(|(f, _)| *f == field) {
            continue;
        }
        let found = field
            .headers()
            .iter()
            .find_map(|name| column_named(sheet, name).filter(|c| !taken.contains_key(c)));
        let cols = match (field, found) {
            (Field::Naam, Some(c)) => {
                contact_name = sheet.layout == Some("Microsoft Forms");
                vec![c]
            }
            (_, Some(c)) => vec![c],
            // First and last name apart (Qualtrics, SurveyMonkey, a typed sheet).
            (Field::Naam, None) => {
                let pair = NAME_PAIRS.iter().find_map(|pair| {
                    let cols: Vec<usize> = pair.iter().filter_map(|n| column_named(sheet, n)).collect();
                    (cols.len() == 2 && cols.iter().all(|c| !taken.contains_key(c))).then_some(cols)
                });
                contact_name = pair.is_some();
                pair.unwrap_or_default()
            }
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

    // Survey tools' own columns (quiz points, feedback) are never questions,
    // even when they repeat a question's text.
    let free: Vec<usize> = (0..sheet.headers.len())
        .filter(|c| !taken.contains_key(c) && !is_tool_column(&sheet.headers[*c]))
        .collect();
    let texts: Vec<Vec<&str>> = (0..sheet.headers.len()).map(|c| sheet.header_texts(c)).collect();
    let scores: Vec<(String, Vec<Match>)> = h
        .vragen()
        .filter(|(_, v)| {
            !mapping.questions.iter().any(|q| q.id == v.id)
                && !mapping.unmatched.iter().any(|(id, _)| *id == v.id)
        })
        .map(|(_, v)| {
            let mut s: Vec<Match> = free.iter().map(|&c| best_match(c, &texts[c], &v.tekst)).collect();
            s.sort_by(|a, b| b.score.total_cmp(&a.score));
            (v.id.clone(), s)
        })
        .collect();
    for (id, ranked) in &scores {
        let best = ranked.first();
        let second = ranked.get(1).map(|x| x.score).unwrap_or(0.0);
        match best {
            Some(m)
                if m.score >= STRONG
                    && m.score - second >= MARGIN
                    && !better_elsewhere(&scores, id, m.col, m.score) =>
            {
                taken.insert(m.col, id.clone());
                mapping.questions.push(QuestionColumn {
                    id: id.clone(),
                    col: m.col,
                    how: How::Text { score: m.score, part: m.part.clone() },
                });
            }
            Some(m) if m.score >= WEAK => {
                let (col, score) = (m.col, m.score);
                mapping.unmatched.push((id.clone(), Some((col, score))));
                let part =
                    m.part.as_deref().map(|p| format!(", in the part `{}`,", short(p))).unwrap_or_default();
                problems.push(
                    Problem::new(
                        &sheet.file,
                        Some(1),
                        format!(
                            "question {id} is only a guess: column {} (`{}`){part} resembles its text for {:.0}%",
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

    // A question that asks for the name or the organisation ("Wat is uw
    // naam?"), among the columns no question took. Microsoft Forms' own
    // `Name` column is filled only for signed-in respondents: a name question
    // comes first there, with `Name` for the rows that left it empty.
    let from_file =
        |field: Field| file.is_some_and(|m| m.respondent.keys().any(|k| k.to_lowercase() == field.name()));
    for field in [Field::Naam, Field::Organisatie, Field::Email] {
        if from_file(field) {
            continue;
        }
        let asked: Vec<usize> = (0..sheet.headers.len())
            .filter(|c| {
                !taken.contains_key(c)
                    && !is_tool_column(&sheet.headers[*c])
                    && asks_for(field, &sheet.headers[*c])
            })
            .collect();
        // A real question ("Wat is uw naam?") before a column merely named so.
        let asked = asked.iter().find(|&&c| sheet.headers[c].trim_end().ends_with('?')).or(asked.first());
        let Some(&col) = asked else { continue };
        match mapping.fields.iter().position(|(f, _)| *f == field) {
            None => mapping.fields.push((field, vec![col])),
            Some(i) if field == Field::Naam && contact_name => {
                let own = std::mem::replace(&mut mapping.fields[i].1, vec![col]);
                mapping.fallbacks.push((field, own));
            }
            // A column headed as e-mail stays first (Microsoft Forms' `Email` of
            // signed-in respondents); the question fills in where it is empty or "anonymous".
            Some(_) if field == Field::Email => mapping.fallbacks.push((field, vec![col])),
            Some(_) => continue,
        }
        taken.insert(col, field.name().into());
    }

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

fn missing_column(sheet: &Sheet, m: &MappingFile, key: &str, name: &str) -> Problem {
    let known: Vec<String> = sheet.headers.iter().take(12).map(|h| format!("`{}`", short(h))).collect();
    m.problem(key, format!("`{key}` names the column `{name}`, which {} does not have", sheet.file)).hint(
        format!("the columns are {}{}", known.join(", "), if sheet.headers.len() > 12 { ", …" } else { "" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Handreiking {
        crate::settings::load_content(&Default::default()).unwrap()
    }

    fn sheet(headers: &[&str], layout: Option<&'static str>) -> Sheet {
        Sheet {
            file: "s.xlsx [Blad1]".into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            extra_headers: vec![],
            layout,
            rows: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn grid_rows_are_found_in_a_part_of_their_header() {
        let h = h();
        let text = |id: &str| h.vraag(id).unwrap().tekst.clone();
        let headers = [
            format!(
                "Reflectie 1: Start samenwerking, visieontwikkeling en belanghebbenden [{}]",
                text("R1V1")
            ),
            format!("Reflectie 1: Start samenwerking - {}", text("R1V2")),
            format!("Reflectie 1: Start samenwerking.{}", text("R1V3")),
            format!("Points - {}", text("R2V1")),
        ];
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let (mapping, _) = detect_all(&sheet(&headers, None), &h, None);
        let found: Vec<(&str, usize, bool)> = mapping
            .questions
            .iter()
            .map(|q| {
                (q.id.as_str(), q.col, matches!(&q.how, How::Text { part: Some(p), .. } if *p == text(&q.id)))
            })
            .collect();
        assert_eq!(found, vec![("R1V1", 0, true), ("R1V2", 1, true), ("R1V3", 2, true)]);
        // A quiz column that repeats a question's text is no question.
        assert!(mapping.unmatched.iter().any(|(id, guess)| id == "R2V1" && guess.is_none()));
    }

    #[test]
    fn a_name_question_comes_before_microsoft_forms_own_name_column() {
        let h = h();
        let headers = [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Wat is uw naam?",
            "Voor welke organisatie werkt u?",
            "R1V1",
        ];
        let (mapping, problems) = detect_all(&sheet(&headers, Some("Microsoft Forms")), &h, None);
        assert!(problems.is_empty(), "{problems:?}");
        let field = |f: Field| mapping.fields.iter().find(|(g, _)| *g == f).map(|(_, c)| c.clone());
        assert_eq!(field(Field::Naam), Some(vec![5]));
        assert_eq!(field(Field::Organisatie), Some(vec![6]));
        assert_eq!(field(Field::Datum), Some(vec![2]));
        assert_eq!(mapping.fallbacks, vec![(Field::Naam, vec![4])]);
        // Elsewhere a column headed `naam` is the name, whatever else is asked.
        let (mapping, _) = detect_all(&sheet(&["naam", "Wat is uw naam?", "R1V1"], None), &h, None);
        assert_eq!(
            mapping.fields.iter().find(|(f, _)| *f == Field::Naam).map(|(_, c)| c.clone()),
            Some(vec![0])
        );
    }

    #[test]
    fn e_mail_columns_and_questions() {
        let h = h();
        let email = |m: &Mapping| m.fields.iter().find(|(f, _)| *f == Field::Email).map(|(_, c)| c.clone());
        for header in ["E-mail", "Email", "E-mailadres", "e-mailadres", "Email Address", "RecipientEmail"] {
            let (mapping, _) = detect_all(&sheet(&["naam", header, "R1V1"], None), &h, None);
            assert_eq!(email(&mapping), Some(vec![1]), "{header}");
            assert!(mapping.extras.is_empty(), "{header}: not shown on the cover");
        }
        // Microsoft Forms' own column first, a question asking for it where that is empty.
        let headers = ["ID", "Email", "Name", "Wat is uw e-mailadres?", "R1V1"];
        let (mapping, _) = detect_all(&sheet(&headers, Some("Microsoft Forms")), &h, None);
        assert_eq!(email(&mapping), Some(vec![1]));
        assert!(mapping.fallbacks.contains(&(Field::Email, vec![3])), "{:?}", mapping.fallbacks);
        assert!(asks_for(Field::Email, "Wat is uw e-mailadres?"));
        assert!(asks_for(Field::Email, "Your email"));
        assert!(!asks_for(Field::Email, "Wat is uw naam?"));
    }
}
