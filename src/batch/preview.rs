//! The first respondent's report before the batch (the web app's preview):
//! the same data, file name and metadata as the batch gives it.

use std::path::PathBuf;

use super::ReportOptions;
use super::job::{Job, Target, document};
use crate::answers::Location;
use crate::error::Result;
use crate::mapping;
use crate::settings::{Settings, load_content};
use crate::sheets::stream_sheet;

/// The first respondent's report, typeset in this process: what it would be
/// called, the PDF, and images of its first pages.
pub struct Preview {
    pub file: String,
    pub location: Location,
    pub naam: String,
    /// The file name the batch gives it.
    pub name: String,
    pub pdf: Vec<u8>,
    /// PNG images of the first pages.
    pub pages: Vec<Vec<u8>>,
}

/// Renders the report of the first respondent of `inputs`, as `report` would
/// (same data, name and metadata); `None` when no row is a respondent.
pub fn preview(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &ReportOptions,
    pixels_per_pt: f64,
    pages: usize,
) -> Result<Option<Preview>> {
    let h = load_content(settings)?;
    let brand = settings.brand()?;
    let (read_options, file) = options.sheets.load(&h)?;
    let mut namer = options.namer()?;
    // Compared with the earlier measurement as the batch would compare it.
    let plan = options.plan(&h, inputs, &read_options, file.as_ref())?;
    let mut first = None;
    for input in inputs {
        stream_sheet(&h, input, &read_options, file.as_ref(), |file_name, _, reading| {
            if first.is_none()
                && let mapping::Reading::Respondent(respondent) = reading
            {
                first = Some(Job::new(file_name, respondent, &mut namer, plan.as_ref())?);
            }
            Ok(())
        })?;
        if first.is_some() {
            break;
        }
    }
    let Some(job) = first else { return Ok(None) };
    let engine = settings.engine(&brand)?;
    let target =
        Target { out_dir: PathBuf::new(), force: false, emit_data: None, timestamp: settings.timestamp() };
    let covered = engine.missing_glyphs(&job.respondent.shown_text()).is_empty();
    let (data, meta) = document(&h, &brand, &job, &target, covered);
    let (pdf, images) = engine.render_with_images("report.typ", data, &meta, pixels_per_pt, pages)?;
    Ok(Some(Preview {
        file: job.file,
        location: job.respondent.location,
        naam: job.respondent.naam,
        name: job.name,
        pdf,
        pages: images,
    }))
}
