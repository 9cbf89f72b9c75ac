//! `handreiking group`: one report for the whole group.

use super::{EXIT_SOME_ROWS, Outcome, fail, settings};
use crate::cli::GroupArgs;
use crate::messages;

pub fn run(args: GroupArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let options = args.sheet.options();
    let earlier = args.earlier.options();
    let outcome =
        handreiking::group(&settings, &args.inputs, &options, args.names, earlier.as_ref(), &args.output)
            .map_err(fail)?;
    messages::group(&outcome);
    if outcome.bad_rows > 0 {
        return Err(EXIT_SOME_ROWS);
    }
    Ok(())
}
