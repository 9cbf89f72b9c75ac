//! What the check and report pages show, made from the library's results, and
//! the check page's choices made into a mapping file (the same TOML a user
//! would write for `--mapping`).

use std::path::Path;
use std::sync::Arc;

use handreiking::answers::{ReadOptions, Sheet};
use handreiking::content::Handreiking;
use handreiking::mapping::{
    AnswerEntry, Field, How, Mapping, MappingFile, OneOrMany, column_letter, shorten, unique_name,
};
use serde_json::{Value, json};

use super::session::{Chosen, Ready, Upload, sheet_options};
use super::{App, earlier};

/// Rows with problems listed on the check page; the rest are counted.
const BAD_SHOWN: usize = 50;

/// The check page's content for every file (the new measurement's, then the
/// earlier one's) and, with an earlier measurement, the matching.
pub fn check_view(h: &Handreiking, chosen: &Chosen) -> Value {
    let (files, mapping_error, mut ready) =
        measurement_view(h, &chosen.sheets, chosen.mapping.as_ref(), false);
    let count = |key: &str| files.iter().map(|f| f[key].as_u64().unwrap_or(0)).sum::<u64>();
    let (respondents, bad_rows) = (count("respondents"), count("bad_rows"));
    // The earlier measurement is not mailed: only the new one's addresses count.
    let unmailable = count("unmailable_count");
    let mut view = json!({
        "ready": ready && respondents > 0,
        "respondents": respondents,
        "bad_rows": bad_rows,
        "unmailable": unmailable,
        "mapping": chosen.mapping.as_ref().map(|m| &m.name),
        "mapping_error": mapping_error,
        "label_a": h.labels.a.label,
        "label_b": h.labels.b.label,
    });
    let mut all = files;
    if let Some(options) = chosen.earlier_options() {
        let (old, old_error, old_ready) =
            measurement_view(h, &chosen.earlier, chosen.earlier_mapping.as_ref(), true);
        ready &= old_ready && respondents > 0;
        view["earlier_mapping"] = chosen.earlier_mapping.as_ref().map(|m| m.name.as_str()).into();
        view["earlier_mapping_error"] = old_error.into();
        // Matched only when both measurements can be read: a file's own problems are shown with it.
        let matching = if ready {
            earlier::matching_view(h, &chosen.sheet_paths(), &chosen.sheet_options(), &options)
        } else {
            json!({ "waiting": true })
        };
        ready &= matching.get("error").is_none();
        view["compared"] = matching["compared"].clone();
        view["matching"] = matching;
        view["match_columns"] = earlier::shared_columns(all.iter().chain(&old), chosen.column.as_deref());
        view["match_column"] = chosen.column.as_deref().into();
        view["ready"] = ready.into();
        all.extend(old);
    }
    view["files"] = all.into();
    view
}

/// The files of one measurement, whether they can all be read, and the mapping file's error.
fn measurement_view(
    h: &Handreiking,
    sheets: &[Upload],
    mapping: Option<&Upload>,
    earlier: bool,
) -> (Vec<Value>, Option<String>, bool) {
    let (read, file, mapping_error) = match sheet_options(mapping).load(h) {
        Ok((read, file)) => (read, file, None),
        Err(e) => (ReadOptions::default(), None, Some(e.to_string())),
    };
    let mut ready = mapping_error.is_none();
    let mut files = vec![];
    for (i, upload) in sheets.iter().enumerate() {
        let mut view = file_view(h, i + 1, upload, &read, file.as_ref());
        ready &= view["ready"].as_bool().unwrap_or(false);
        view["earlier"] = earlier.into();
        // Element ids: the earlier measurement's files have their own.
        view["key"] = if earlier { format!("e{}", i + 1) } else { (i + 1).to_string() }.into();
        files.push(view);
    }
    (files, mapping_error, ready)
}

fn file_view(
    h: &Handreiking,
    index: usize,
    upload: &Upload,
    read: &ReadOptions,
    file: Option<&MappingFile>,
) -> Value {
    let mut view = json!({ "index": index, "name": upload.name, "ready": false });
    let inspection = match handreiking::inspect(h, &upload.path, read, file) {
        Ok(inspection) => inspection,
        Err(e) => {
            view["error"] = e.to_string().into();
            return view;
        }
    };
    let (sheet, mapping) = (&inspection.sheet, &inspection.mapping);
    view["notes"] = json!(sheet.notes);
    view["columns"] = columns(h, sheet, mapping);
    // Columns that could identify a respondent over two measurements (`--match`): not the
    // questions, nor name, organisation, date and e-mail (matching uses those already).
    view["names"] = (0..sheet.headers.len())
        .filter(|c| !mapping.questions.iter().any(|q| q.col == *c))
        .filter(|c| !mapping.fields.iter().chain(&mapping.fallbacks).any(|(_, cols)| cols.contains(c)))
        .filter_map(|c| unique_name(sheet, c))
        .collect();
    view["missing"] = mapping
        .unmatched
        .iter()
        .filter_map(|(id, _)| h.vraag(id).map(|v| json!({ "id": id, "text": shorten(&v.tekst, 70) })))
        .collect();
    let mut unknown = vec![];
    if inspection.problems.is_empty() {
        match handreiking::read_sheet(h, &upload.path, read, file) {
            Err(e) => view["error"] = e.to_string().into(),
            Ok(checked) => {
                let shown: usize =
                    checked.bad_rows.iter().map(|(_, p)| p.len()).sum::<usize>().min(BAD_SHOWN);
                view["respondents"] = checked.respondents.into();
                view["bad_rows"] = checked.bad_row_count.into();
                view["empty_rows"] = checked.empty_rows.into();
                view["ready"] = (checked.respondents > 0).into();
                if checked.respondents == 0 && checked.bad_row_count == 0 {
                    view["error"] = "het bestand heeft kopjes maar geen rijen met antwoorden".into();
                }
                view["answers"] = checked
                    .mapping
                    .questions
                    .iter()
                    .map(|q| {
                        let [a, b, open] = checked.answers.get(&q.id).copied().unwrap_or_default();
                        let text = h.vraag(&q.id).map(|v| shorten(&v.tekst, 70)).unwrap_or_default();
                        json!({ "id": q.id, "text": text, "a": a, "b": b, "open": open })
                    })
                    .collect();
                view["bad"] = checked
                    .bad_rows
                    .iter()
                    .flat_map(|(_, problems)| problems)
                    .take(BAD_SHOWN)
                    .map(|p| json!({ "row": p.location.number(), "column": p.column, "value": p.value, "expected": p.expected }))
                    .collect();
                view["more_bad"] = checked.bad_cell_count.saturating_sub(shown).into();
                view["dates"] = checked
                    .unreadable_dates
                    .iter()
                    .map(|(l, d)| json!({ "row": l.number(), "value": d }))
                    .collect();
                view["unmailable"] = checked
                    .unmailable
                    .iter()
                    .take(BAD_SHOWN)
                    .map(|(l, raw, skip)| json!({ "row": l.number(), "value": raw, "why": no_mail(skip) }))
                    .collect();
                view["unmailable_count"] = checked.unmailable_count.into();
                view["more_unmailable"] = checked.unmailable_count.saturating_sub(BAD_SHOWN).into();
                unknown = checked.tally.unknown.into_iter().take(BAD_SHOWN).collect();
            }
        }
    } else {
        // Guesses in Dutch, like the page; other problems as the command line says them.
        let guesses: Vec<String> = mapping
            .unmatched
            .iter()
            .filter_map(|(id, guess)| {
                let (col, score) = (*guess)?;
                Some(format!(
                    "Voor vraag {id} lijkt kolom {} (“{}”) er het meest op, voor {:.0}%: te onzeker om zonder u te kiezen.",
                    column_letter(col),
                    shorten(&sheet.headers[col], 60),
                    score * 100.0
                ))
            })
            .collect();
        let others = inspection
            .problems
            .iter()
            .filter(|p| !p.message.contains(" is only a guess: "))
            .map(|p| p.message.clone());
        view["problems"] = guesses.into_iter().chain(others).collect();
    }
    view["open_form"] = (!inspection.problems.is_empty() || !unknown.is_empty()).into();
    view["form"] = choices(h, sheet, mapping, file, &unknown);
    view
}

/// Why `handreiking mail` will skip a respondent's address, in Dutch.
fn no_mail(why: &handreiking::mapping::address::Unmailable) -> String {
    use handreiking::mapping::address::Unmailable;
    let Unmailable::Invalid(invalid) = why else { return "geen e-mailadres".into() };
    super::mail::address_reason(&invalid.why)
}

fn field_label(field: Field) -> &'static str {
    match field {
        Field::Naam => "Naam",
        Field::Organisatie => "Organisatie",
        Field::Datum => "Datum",
        Field::Email => "E-mailadres",
    }
}

/// Every column with what it is used for and how that was found.
fn columns(h: &Handreiking, sheet: &Sheet, mapping: &Mapping) -> Value {
    (0..sheet.headers.len())
        .map(|c| {
            let (meaning, how) = if let Some((f, _)) = mapping.fields.iter().find(|(_, cols)| cols.contains(&c)) {
                (field_label(*f).to_lowercase(), String::new())
            } else if let Some((f, _)) = mapping.fallbacks.iter().find(|(_, cols)| cols.contains(&c)) {
                (format!("{} (als de vraag ernaar leeg is)", field_label(*f).to_lowercase()), String::new())
            } else if let Some(q) = mapping.questions.iter().find(|q| q.col == c) {
                let how = match &q.how {
                    How::File => "koppelbestand".to_string(),
                    How::Id => "vraagnummer in de kop".to_string(),
                    How::Text { score, part: None } => format!("tekst lijkt {:.0}% op de vraag", score * 100.0),
                    How::Text { score, part: Some(part) } => {
                        format!("tekst lijkt {:.0}% op de vraag, in “{}”", score * 100.0, shorten(part, 50))
                    }
                };
                let text = h.vraag(&q.id).map(|v| shorten(&v.tekst, 50)).unwrap_or_default();
                (format!("vraag {}: {text}", q.id), how)
            } else if let Some((id, Some((_, score)))) =
                mapping.unmatched.iter().find(|(_, guess)| guess.is_some_and(|(col, _)| col == c))
            {
                (format!("misschien vraag {id}"), format!("alleen een gok: {:.0}%", score * 100.0))
            } else if let Some((label, _)) = mapping.extras.iter().find(|(_, cols)| cols.contains(&c)) {
                (format!("getoond op het rapport als “{}”", shorten(label, 40)), String::new())
            } else {
                ("niet gebruikt".to_string(), String::new())
            };
            json!({ "letter": column_letter(c), "header": shorten(&sheet.headers[c], 80), "meaning": meaning, "how": how })
        })
        .collect()
}

fn column_options(sheet: &Sheet, selected: &str, suggested: Option<usize>) -> Vec<Value> {
    (0..sheet.headers.len())
        .map(|c| {
            let mut label = format!("{}: {}", column_letter(c), shorten(&sheet.headers[c], 70));
            if suggested == Some(c) {
                label.push_str(" (lijkt er het meest op)");
            }
            json!({ "value": c.to_string(), "label": label, "selected": selected == c.to_string() })
        })
        .collect()
}

/// The drop-downs of the check page, with what is used now selected.
fn choices(
    h: &Handreiking,
    sheet: &Sheet,
    mapping: &Mapping,
    file: Option<&MappingFile>,
    unknown: &[(String, usize)],
) -> Value {
    let joined = |cols: &[usize]| cols.iter().map(usize::to_string).collect::<Vec<_>>().join("+");
    let fields: Vec<Value> = Field::ALL
        .into_iter()
        .map(|field| {
            let current = mapping.fields.iter().find(|(f, _)| *f == field).map(|(_, c)| joined(c)).unwrap_or_default();
            let mut options = vec![json!({ "value": "", "label": "— geen kolom —", "selected": current.is_empty() })];
            if current.contains('+') {
                let cols = mapping.fields.iter().find(|(f, _)| *f == field).map(|(_, c)| c.clone()).unwrap_or_default();
                let label = cols
                    .iter()
                    .map(|&c| format!("{}: {}", column_letter(c), shorten(&sheet.headers[c], 30)))
                    .collect::<Vec<_>>()
                    .join(" + ");
                options.push(json!({ "value": current, "label": label, "selected": true }));
            }
            options.extend(column_options(sheet, &current, None));
            json!({ "name": format!("veld_{}", field.name()), "label": field_label(field), "options": options })
        })
        .collect();
    let questions: Vec<Value> = h
        .vragen()
        .map(|(_, v)| {
            let found = mapping.questions.iter().find(|q| q.id == v.id);
            let declared = file.and_then(|f| f.questions.get(&v.id));
            let guess = mapping.unmatched.iter().find(|(id, _)| *id == v.id).and_then(|(_, g)| g.map(|(c, _)| c));
            let needs_choice = guess.is_some();
            // What detection found stays detection's ("auto", not written to the
            // mapping file); what the mapping file says stays in it.
            let selected = match (declared, found) {
                (Some(name), _) if name.trim().is_empty() => String::new(),
                (_, Some(q)) if q.how == How::File => q.col.to_string(),
                _ => "auto".into(),
            };
            let auto = match found {
                Some(q) if q.how != How::File => {
                    format!("automatisch: {}: {}", column_letter(q.col), shorten(&sheet.headers[q.col], 60))
                }
                _ if needs_choice => "— kies een kolom —".into(),
                _ => "— automatisch (geen kolom gevonden) —".into(),
            };
            let mut options = vec![
                json!({ "value": "auto", "label": auto, "selected": selected == "auto" }),
                json!({ "value": "", "label": "geen kolom: telt als niet beantwoord", "selected": selected.is_empty() }),
            ];
            options.extend(column_options(sheet, &selected, guess));
            json!({ "id": v.id, "text": shorten(&v.tekst, 90), "needs_choice": needs_choice, "options": options })
        })
        .collect();
    let values: Vec<Value> = unknown.iter().map(|(v, n)| json!({ "value": v, "count": n })).collect();
    json!({ "fields": fields, "questions": questions, "values": values })
}

/// The check page's form (for the file it was shown under) as the session's
/// mapping file: what was there before, with the choices made.
/// With `meting=eerder` the form was the earlier measurement's: its own mapping
/// file (`--earlier-mapping`) is made.
pub fn mapping_from_choices(
    h: &Handreiking,
    chosen: &Chosen,
    pairs: &[(String, String)],
    dir: &Path,
) -> Result<(bool, Upload), String> {
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let earlier = get("meting") == Some("eerder");
    let (sheets, current) = if earlier {
        (&chosen.earlier, chosen.earlier_mapping.as_ref())
    } else {
        (&chosen.sheets, chosen.mapping.as_ref())
    };
    let index: usize = get("bestand").and_then(|n| n.parse().ok()).unwrap_or(1);
    let upload = sheets.get(index.wrapping_sub(1)).ok_or("Dat bestand is er niet meer.")?;
    // A broken mapping file is replaced by the choices.
    let (read, file) = sheet_options(current).load(h).unwrap_or_default();
    let inspection =
        handreiking::inspect(h, &upload.path, &read, file.as_ref()).map_err(|e| e.to_string())?;
    let sheet = &inspection.sheet;
    let name_of = |value: &str| -> Result<String, String> {
        let col: usize = value.parse().map_err(|_| format!("“{value}” is geen kolom"))?;
        if col >= sheet.headers.len() {
            return Err(format!("het bestand heeft geen kolom {}", column_letter(col)));
        }
        unique_name(sheet, col).ok_or_else(|| {
            format!(
                "kolom {} heeft geen kop die alleen bij die kolom hoort; geef de kolommen in het bestand verschillende koppen",
                column_letter(col)
            )
        })
    };
    let mut made = file.unwrap_or_default();
    for field in Field::ALL {
        let Some(value) = get(&format!("veld_{}", field.name())) else { continue };
        made.respondent.retain(|k, _| k.to_lowercase() != field.name());
        if !value.is_empty() {
            let names = value.split('+').map(name_of).collect::<Result<Vec<_>, _>>()?;
            let entry =
                if names.len() == 1 { OneOrMany::One(names[0].clone()) } else { OneOrMany::Many(names) };
            made.respondent.insert(field.name().to_string(), entry);
        }
    }
    for (_, v) in h.vragen() {
        match get(&format!("vraag_{}", v.id)) {
            None => {}
            Some("auto") => {
                made.questions.remove(&v.id);
            }
            Some("") => {
                made.questions.insert(v.id.clone(), String::new());
            }
            Some(col) => {
                made.questions.insert(v.id.clone(), name_of(col)?);
            }
        }
    }
    for (key, meaning) in pairs {
        let Some(n) = key.strip_prefix("waarde_") else { continue };
        let (Some(value), "A" | "B" | "open") = (get(&format!("waardetekst_{n}")), meaning.as_str()) else {
            continue;
        };
        let entry = made.answers.entry(meaning.clone()).or_insert_with(|| AnswerEntry::List(vec![]));
        if let AnswerEntry::List(list) = entry
            && !list.iter().any(|v| v == value)
        {
            list.push(value.to_string());
        }
    }
    let (name, usage) = if earlier {
        (
            "koppeling-nulmeting.toml",
            "handreiking report NIEUW --earlier \"{}\" --earlier-mapping koppeling-nulmeting.toml",
        )
    } else {
        ("koppeling.toml", "handreiking report \"{}\" --mapping koppeling.toml")
    };
    let comment = format!(
        "Koppelbestand voor {}, gemaakt met `handreiking serve`.\nOok te gebruiken op de opdrachtregel:\n  {}",
        upload.name,
        usage.replace("{}", &upload.name)
    );
    let text = made.to_toml(&comment);
    // Checked as the command line would check it, before it is used.
    MappingFile::parse(name, &text, h).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    std::fs::write(&path, &text).map_err(|e| format!("het koppelbestand kon niet worden bewaard: {e}"))?;
    Ok((earlier, Upload { name: name.into(), path }))
}

/// Whether reports can be made, and the preview (the session's, when it has one).
pub fn ready(app: &App, chosen: &Chosen, cached: Option<Ready>) -> Result<Ready, String> {
    if let Some(ready) = cached {
        return Ok(ready);
    }
    let (sheets, options, earlier) = (chosen.sheet_paths(), chosen.sheet_options(), chosen.earlier_options());
    let sheets = &sheets;
    let (_, checked) = handreiking::check(&app.settings, sheets, &options).map_err(|e| e.to_string())?;
    let respondents: usize = checked.iter().map(|s| s.respondents).sum();
    if respondents == 0 {
        return Err(
            "Geen enkele rij kan een rapport worden: los eerst de problemen op de pagina Controleren op."
                .into(),
        );
    }
    let compared = match &earlier {
        Some(earlier) => Some(
            handreiking::followup::plan(&app.views.h, sheets, &options, earlier)
                .map_err(|e| e.to_string())?
                .matched()
                .count(),
        ),
        None => None,
    };
    let report = app.report_options(options, None, earlier);
    match handreiking::preview(&app.settings, sheets, &report, 1.0, 2) {
        Ok(Some(preview)) => Ok(Ready { respondents, compared, preview: Arc::new(preview) }),
        Ok(None) => Err("Geen enkele rij kan een rapport worden.".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Width and height of a PNG image (from its header), for the page's layout.
pub fn png_size(png: &[u8]) -> (u32, u32) {
    let be =
        |at: usize| png.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
    (be(16), be(20))
}
