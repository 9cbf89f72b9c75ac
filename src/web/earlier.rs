//! The follow-up measurement on the pages, in Dutch: the matching with the
//! earlier measurement as `check --earlier` shows it, the columns to match on
//! (`--match`), and after the batch whose reports show the comparison. The
//! matching itself is the library's (`followup`); this only words it.

use std::path::PathBuf;

use handreiking::answers::Location;
use handreiking::batch::Compared;
use handreiking::content::Handreiking;
use handreiking::followup::words::{self, Language::Dutch};
use handreiking::followup::{EarlierOptions, Key, NewRow, Outcome, Plan};
use serde_json::{Value, json};

/// The check page's matching section: who was matched, and on which key; who is
/// in one measurement only; and the ambiguous cases, with their rows.
pub fn matching_view(
    h: &Handreiking,
    inputs: &[PathBuf],
    options: &handreiking::SheetOptions,
    earlier: &EarlierOptions,
) -> Value {
    let plan = match handreiking::followup::plan(h, inputs, options, earlier) {
        Ok(plan) => plan,
        Err(e) => return json!({ "error": e.to_string() }),
    };
    let old = |o: u32| {
        let r = &plan.index.rows[o as usize];
        who(&plan.index.files, r.file, r.location, &r.naam)
    };
    let new = |r: &NewRow| who(&plan.files, r.file, r.location, &r.naam);
    let matched: Vec<Value> = plan
        .rows
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Matched { old: o, key: k } => {
                Some(json!({ "new": new(r), "old": old(*o), "key": key(k) }))
            }
            _ => None,
        })
        .collect();
    let mut by_key: Vec<(String, usize)> = vec![];
    for (_, _, k) in plan.matched() {
        match by_key.iter_mut().find(|(text, _)| *text == key(k)) {
            Some((_, n)) => *n += 1,
            None => by_key.push((key(k), 1)),
        }
    }
    let only_new: Vec<Value> = plan
        .only_new()
        .map(|r| {
            let note = match r.outcome {
                Outcome::Unmatched { other_address: Some(o) } => Some(format!(
                    "niet gekoppeld aan {} van de nulmeting: zelfde naam en organisatie, maar een ander e-mailadres",
                    old(o)
                )),
                _ => None,
            };
            json!({ "who": new(r), "note": note })
        })
        .collect();
    let only_old: Vec<String> =
        plan.only_earlier().iter().map(|r| who(&plan.index.files, r.file, r.location, &r.naam)).collect();
    let ambiguous: Vec<Value> =
        plan.ambiguous().map(|r| json!({ "who": new(r), "why": ambiguity(&plan, r) })).collect();
    let bad_old: Vec<String> = plan
        .index
        .bad_rows
        .iter()
        .map(|&(file, location)| who(&plan.index.files, file, location, ""))
        .collect();
    json!({
        "new_files": and(&plan.files),
        "old_files": and(&plan.index.files),
        "compared": matched.len(),
        "matched": matched,
        "by_key": by_key.iter().map(|(k, n)| format!("{n} op {k}")).collect::<Vec<_>>(),
        "only_new": only_new,
        "only_old": only_old,
        "ambiguous": ambiguous,
        "bad_old": bad_old,
        "column": plan.column,
    })
}

/// The columns every file of both measurements has, apart from the questions,
/// for the `--match` drop-down (from each file's view: `names`), with the one in use selected.
pub fn shared_columns<'a>(files: impl Iterator<Item = &'a Value>, current: Option<&str>) -> Value {
    let names = |f: &Value| -> Vec<String> {
        f["names"].as_array().into_iter().flatten().filter_map(|n| n.as_str().map(str::to_string)).collect()
    };
    let mut files = files;
    let Some(first) = files.next() else { return json!([]) };
    let mut shared = names(first);
    for f in files {
        let theirs: Vec<String> = names(f).iter().map(|n| n.to_lowercase()).collect();
        shared.retain(|n| theirs.contains(&n.to_lowercase()));
    }
    let current = current.map(str::to_lowercase);
    shared
        .into_iter()
        .map(|n| json!({ "selected": current.as_deref() == Some(n.to_lowercase().as_str()), "value": n }))
        .collect()
}

/// The progress page after a batch with an earlier measurement: how many
/// reports show the comparison, and who has none and why.
pub fn summary_view(compared: &Compared) -> Value {
    let plan = compared.plan;
    let new = |r: &&NewRow| who(&plan.files, r.file, r.location, &r.naam);
    json!({
        "files": and(&plan.index.files),
        "compared": compared.compared,
        "alone": compared.alone.iter().map(new).collect::<Vec<_>>(),
        "ambiguous": compared
            .ambiguous
            .iter()
            .map(|r| json!({ "who": new(r), "why": ambiguity(plan, r) }))
            .collect::<Vec<_>>(),
        "only_earlier": compared.only_earlier,
    })
}

fn who(files: &[String], file: usize, location: Location, naam: &str) -> String {
    words::who(Dutch, files, file, location, naam)
}

fn key(key: &Key) -> String {
    words::key(Dutch, key)
}

fn ambiguity(plan: &Plan, row: &NewRow) -> String {
    words::ambiguity(Dutch, plan, row)
}

fn and(items: &[String]) -> String {
    words::and(Dutch, items)
}
