//! `handreiking check-content`: the content folder (or the embedded handreiking) checked.

use super::{Outcome, fail, settings};
use crate::cli::CheckContentArgs;
use crate::messages;

pub fn run(args: CheckContentArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let h = handreiking::load_content(&settings).map_err(fail)?;
    messages::content_ok(&h);
    Ok(())
}
