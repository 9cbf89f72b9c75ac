//! Follow-up measurements: a repeat measurement (the NEW sheets) shown against an
//! earlier one (the OLD sheets, `--earlier`), per respondent and for the group.
//!
//! - `index`: the earlier sheets, read once up front into a compact index that
//!   holds per respondent only what matching and comparing need (keys, answers,
//!   date), so that `report` keeps streaming the new sheets.
//! - `matching`: every new respondent matched to one earlier respondent, by e-mail
//!   address, else by name plus organisation, else by a column the user names;
//!   an ambiguous match is listed with its rows, never guessed.
//! - `compare`: per question what moved, as document data for `report` and `group`.

mod compare;
mod index;
mod matching;
pub mod words;

use std::path::PathBuf;

use crate::content::Handreiking;
use crate::error::Result;
use crate::settings::{Settings, load_content};
use crate::sheets::{ReadSheet, SheetOptions, read_sheet};

pub use compare::{Earlier, annotate, annotate_group, change};
pub use index::{Index, OldRow, normalise};
pub use matching::{Key, ManifestEntry, NewRow, Outcome, Plan, RowRef};

/// The earlier measurement to compare with, and how to read and match it.
#[derive(Debug, Clone, Default)]
pub struct EarlierOptions {
    /// The earlier answer sheets (`--earlier`).
    pub inputs: Vec<PathBuf>,
    /// How to read them: their own mapping file (`--earlier-mapping`), else detected.
    pub sheets: SheetOptions,
    /// A column both measurements have that identifies a respondent (`--match`),
    /// for respondents that neither e-mail address nor name and organisation match.
    pub column: Option<String>,
}

/// What `check --earlier` shows: both measurements read as `check` reads them, and
/// the matching, before anything is rendered.
pub struct Checked {
    pub handreiking: Handreiking,
    pub new: Vec<ReadSheet>,
    pub old: Vec<ReadSheet>,
    pub plan: Plan,
}

/// `handreiking check NEW --earlier OLD`: every sheet read, and every new
/// respondent matched (or not) to an earlier one; nothing rendered.
pub fn check(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
    earlier: &EarlierOptions,
) -> Result<Checked> {
    let h = load_content(settings)?;
    let (read, file) = options.load(&h)?;
    let new = inputs.iter().map(|p| read_sheet(&h, p, &read, file.as_ref())).collect::<Result<Vec<_>>>()?;
    let (old_read, old_file) = earlier.sheets.load(&h)?;
    let old = earlier
        .inputs
        .iter()
        .map(|p| read_sheet(&h, p, &old_read, old_file.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    let plan = Plan::make(&h, earlier, inputs, &read, file.as_ref())?;
    Ok(Checked { handreiking: h, new, old, plan })
}

/// The matching alone, for a front end that shows the sheets itself (the web
/// app's check page): every new respondent matched (or not) to an earlier one.
pub fn plan(
    h: &Handreiking,
    inputs: &[PathBuf],
    options: &SheetOptions,
    earlier: &EarlierOptions,
) -> Result<Plan> {
    let (read, file) = options.load(h)?;
    Plan::make(h, earlier, inputs, &read, file.as_ref())
}
