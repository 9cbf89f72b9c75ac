//! `handreiking group`: one report for a whole group of respondents.

use std::path::{Path, PathBuf};

use crate::error::{Error, Problem, Result};
use crate::output::{self, Written};
use crate::render::PdfMeta;
use crate::settings::{Settings, load_content};
use crate::sheets::{SheetOptions, stream_sheet};
use crate::{followup, mapping, resolve};

pub struct GroupOutcome {
    pub written: Written,
    pub respondents: usize,
    /// Rows left out because of bad cells.
    pub bad_rows: usize,
    pub problems: Vec<String>,
    /// With `--earlier`: which respondent took part both times.
    pub earlier: Option<followup::Plan>,
}

/// `handreiking group`: one report for the whole group of respondents; with
/// `earlier`, set against an earlier measurement.
pub fn group(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
    names: bool,
    earlier: Option<&followup::EarlierOptions>,
    output: &Path,
) -> Result<GroupOutcome> {
    let h = load_content(settings)?;
    let brand = settings.brand()?;
    let (read, file) = options.load(&h)?;
    let plan = earlier.map(|e| followup::Plan::make(&h, e, inputs, &read, file.as_ref())).transpose()?;
    let mut respondents = vec![];
    // The sheet each respondent came from, as messages name it (for matching).
    let mut sheets: Vec<String> = vec![];
    let mut bad_rows = 0;
    let mut problems = vec![];
    for input in inputs {
        stream_sheet(&h, input, &read, file.as_ref(), |name, _, reading| {
            match reading {
                mapping::Reading::Respondent(r) => {
                    respondents.push(r);
                    if plan.is_some() {
                        sheets.push(name.to_string());
                    }
                }
                mapping::Reading::Bad(ps) => {
                    bad_rows += 1;
                    problems.extend(ps.iter().map(|p| format!("{name}: {p}")));
                }
                mapping::Reading::Empty => {}
            }
            Ok(())
        })?;
    }
    if respondents.is_empty() {
        return Err(Error::Sheet(vec![Problem::new(
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            None,
            "no respondents to count",
        )]));
    }
    let mut document = resolve::group(&h, &brand, &respondents, names);
    if let Some(plan) = &plan {
        followup::annotate_group(&mut document, plan, sheets.iter().map(String::as_str).zip(&respondents));
    }
    let engine = settings.engine(&brand)?;
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let shown: String = if names {
        respondents.iter().map(|r| r.naam.as_str()).collect::<Vec<_>>().join(" ")
    } else {
        String::new()
    };
    let meta = PdfMeta {
        ident: format!(
            "handreiking-group|{}",
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("|")
        ),
        timestamp: settings.timestamp(),
        title: None,
        author: vec![],
        subject: None,
        standards: engine.missing_glyphs(&shown).is_empty(),
    };
    let pdf = engine.render("group.typ", data, &meta)?;
    output::write_atomic(output, &pdf)?;
    Ok(GroupOutcome {
        written: Written { path: output.to_owned(), bytes: pdf.len() },
        respondents: respondents.len(),
        bad_rows,
        problems,
        earlier: plan,
    })
}
