//! `handreiking blank | form | cards`: documents from the handreiking alone.

use handreiking::Handout;

use super::{Outcome, fail, settings};
use crate::cli::{BlankArgs, CardsArgs, FormArgs};
use crate::messages;

pub fn blank(args: BlankArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    if let Some(path) = args.emit_data {
        let data = handreiking::handout_data(&settings, Handout::Blank, args.print).map_err(fail)?;
        handreiking::output::write_atomic(&path, data.as_bytes()).map_err(fail)?;
        messages::data_written(&path);
    }
    write(&settings, Handout::Blank, args.print, &args.output)
}

pub fn form(args: FormArgs) -> Outcome {
    write(&settings(&args.sources)?, Handout::Form, true, &args.output)
}

pub fn cards(args: CardsArgs) -> Outcome {
    write(&settings(&args.sources)?, Handout::Cards, true, &args.output)
}

/// Typesets a document from the handreiking alone and says where it went.
fn write(settings: &handreiking::Settings, kind: Handout, print: bool, output: &std::path::Path) -> Outcome {
    let options = handreiking::BlankOptions { print };
    let written = handreiking::handout(settings, kind, &options, output).map_err(fail)?;
    messages::written(&written.path, written.bytes);
    Ok(())
}
