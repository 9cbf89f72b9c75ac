//! The follow-up measurement (`--earlier`): who was compared with whom, who
//! was not and why, as `check` shows it and as a batch sums it up.

use std::io::Write;

use handreiking::followup::words::{self, Language::English};

use super::shown;

/// A respondent as messages show it: "row 5 (Anouk de Vries)", with the file
/// when a measurement has more than one.
pub(super) fn who(
    files: &[String],
    file: usize,
    location: handreiking::answers::Location,
    naam: &str,
) -> String {
    shown(&words::who(English, files, file, location, naam)).into_owned()
}

fn key(key: &handreiking::followup::Key) -> String {
    shown(&words::key(English, key)).into_owned()
}

/// Why a new respondent was not compared although it fits: the rows involved.
pub(super) fn ambiguity(plan: &handreiking::followup::Plan, row: &handreiking::followup::NewRow) -> String {
    shown(&words::ambiguity(English, plan, row)).into_owned()
}

/// After a batch with --earlier: who was compared, and who was not and why.
pub(super) fn earlier_summary(outcome: &handreiking::BatchOutcome) {
    let Some(c) = outcome.compared() else { return };
    let (plan, compared, alone, ambiguous, gone) =
        (c.plan, c.compared, &c.alone, &c.ambiguous, c.only_earlier);
    err!("{compared} report(s) compared with the earlier measurement ({})", plan.index.files.join(", "));
    if !alone.is_empty() {
        err!("{} report(s) without an earlier match (a report without comparison):", alone.len());
        for new in alone {
            err!("  {}", who(&plan.files, new.file, new.location, &new.naam));
        }
    }
    if !ambiguous.is_empty() {
        err!("{} report(s) not compared because the match is ambiguous (never guessed):", ambiguous.len());
        for new in ambiguous {
            err!("  {}: {}", who(&plan.files, new.file, new.location, &new.naam), ambiguity(plan, new));
        }
    }
    if gone > 0 {
        err!("{gone} respondent(s) of the earlier measurement have no match in the new one");
    }
    if !alone.is_empty() || !ambiguous.is_empty() || gone > 0 {
        err!(
            "hint: `handreiking check NEW --earlier OLD` shows the matching row by row; --match COLUMN \
             matches on a column both sheets have (a participant code)"
        );
    }
}

/// Before the earlier measurement's part of `check --earlier`.
pub fn earlier_heading(inputs: &[std::path::PathBuf]) {
    let files: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    out!("\nearlier measurement (--earlier {}):", files.join(", "));
}

/// What `check --earlier` shows of the matching; returns the number of ambiguous new rows.
pub fn matching(plan: &handreiking::followup::Plan) -> usize {
    use handreiking::followup::Outcome;
    let old = |o: u32| {
        let r = &plan.index.rows[o as usize];
        who(&plan.index.files, r.file, r.location, &r.naam)
    };
    let new = |r: &handreiking::followup::NewRow| who(&plan.files, r.file, r.location, &r.naam);
    out!("\nmatching {} with the earlier {}:", plan.files.join(", "), plan.index.files.join(", "));
    let matched: Vec<_> = plan.matched().collect();
    out!("  matched: {}", matched.len());
    for (r, _, k) in &matched {
        let Outcome::Matched { old: o, .. } = r.outcome else { continue };
        out!("    {} ← earlier {}, {}", new(r), old(o), key(k));
    }
    let only_new: Vec<_> = plan.only_new().collect();
    out!("  only in the new measurement (a report without comparison): {}", only_new.len());
    for r in &only_new {
        out!("    {}", new(r));
        if let Outcome::Unmatched { other_address: Some(o) } = r.outcome {
            out!("      not earlier {}: same name and organisation, but another e-mail address", old(o));
        }
    }
    let only_old = plan.only_earlier();
    out!("  only in the earlier measurement: {}", only_old.len());
    for r in &only_old {
        out!("    earlier {}", who(&plan.index.files, r.file, r.location, &r.naam));
    }
    let ambiguous: Vec<_> = plan.ambiguous().collect();
    if !ambiguous.is_empty() {
        out!("  ambiguous, not compared (a match is never guessed): {}", ambiguous.len());
        for r in &ambiguous {
            out!("    {}: {}", new(r), ambiguity(plan, r));
        }
        out!(
            "  hint: make these respondents unique: an e-mail column in both sheets, or a code column \
             both have with --match COLUMN"
        );
    }
    for (file, location) in &plan.index.bad_rows {
        out!(
            "  note: earlier {} has cells that are not answers; it is left out of the comparison",
            who(&plan.index.files, *file, *location, "")
        );
    }
    ambiguous.len()
}
