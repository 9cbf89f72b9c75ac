//! `handreiking template`: an empty answer sheet with the right headers.

use handreiking::SheetFormat;

use super::{EXIT_USAGE, Outcome, fail, settings};
use crate::cli::{Format, TemplateArgs};
use crate::messages;

pub fn run(args: TemplateArgs) -> Outcome {
    let format = match args.format.or_else(|| args.output.as_deref().and_then(Format::of)) {
        Some(Format::Xlsx) => SheetFormat::Xlsx,
        Some(Format::Json) => SheetFormat::Json,
        Some(Format::Csv) | None => SheetFormat::Csv,
    };
    // A workbook is binary: garbage on a terminal, and rarely meant for a pipe.
    if format == SheetFormat::Xlsx && args.output.is_none() {
        messages::workbook_needs_file();
        return Err(EXIT_USAGE);
    }
    let settings = settings(&args.sources)?;
    let bytes = handreiking::template(&settings, format).map_err(fail)?;
    match args.output {
        Some(path) => {
            handreiking::output::write_atomic(&path, &bytes).map_err(fail)?;
            if format == SheetFormat::Xlsx {
                messages::workbook_written(&path);
            } else {
                messages::data_written(&path);
            }
        }
        None => messages::raw(&String::from_utf8_lossy(&bytes)),
    }
    Ok(())
}
