//! `handreiking init DIR`: the brand file and templates to edit.

use super::{Outcome, fail};
use crate::cli::InitArgs;
use crate::messages;

pub fn run(args: InitArgs) -> Outcome {
    let written = handreiking::init(&args.dir, args.force).map_err(fail)?;
    messages::initialised(&args.dir, &written);
    Ok(())
}
