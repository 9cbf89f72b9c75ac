//! `handreiking check`: what was understood of the sheets, and every problem.

use super::{EXIT_SOME_ROWS, EXIT_UNREADABLE, Outcome, fail, settings};
use crate::cli::CheckArgs;
use crate::messages;

pub fn run(args: CheckArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let options = args.sheet.options();
    let unreadable =
        |sheets: &[handreiking::ReadSheet]| sheets.iter().any(|s| s.respondents == 0 && s.bad_row_count == 0);
    if let Some(earlier) = args.earlier.options() {
        let checked =
            handreiking::followup::check(&settings, &args.inputs, &options, &earlier).map_err(fail)?;
        let bad = messages::check(&checked.handreiking, &checked.new, true);
        messages::earlier_heading(&earlier.inputs);
        let old_bad = messages::check(&checked.handreiking, &checked.old, false);
        let ambiguous = messages::matching(&checked.plan);
        if unreadable(&checked.new) || unreadable(&checked.old) {
            return Err(EXIT_UNREADABLE);
        }
        if bad + old_bad + ambiguous > 0 {
            return Err(EXIT_SOME_ROWS);
        }
        return Ok(());
    }
    let (h, sheets) = handreiking::check(&settings, &args.inputs, &options).map_err(fail)?;
    let bad = messages::check(&h, &sheets, true);
    if unreadable(&sheets) {
        return Err(EXIT_UNREADABLE);
    }
    if bad > 0 {
        return Err(EXIT_SOME_ROWS);
    }
    Ok(())
}
