//! `handreiking mapping`: a starting mapping file for a survey export.

use super::{Outcome, fail, settings};
use crate::cli::MappingArgs;
use crate::messages;

pub fn run(args: MappingArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let options = args.sheet.options();
    let text = handreiking::suggest_mapping(&settings, &args.input, &options).map_err(fail)?;
    messages::suggestion(&text);
    Ok(())
}
