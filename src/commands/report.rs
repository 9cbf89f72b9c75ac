//! `handreiking report`: one PDF per respondent, and with `--mail` a draft each.

use super::{EXIT_SOME_ROWS, Outcome, fail, render_processes, settings};
use crate::cli::ReportArgs;
use crate::messages;

pub fn run(args: ReportArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    if args.mail {
        // A brand without a sender's address stops here, before any report is written.
        handreiking::mail::check_sender(settings.brand.as_deref()).map_err(fail)?;
    }
    let processes = match args.reports_per_process {
        0 => None,
        reports_each => Some(render_processes(reports_each)?),
    };
    let options = handreiking::ReportOptions {
        name: args.name,
        jobs: args.jobs.unwrap_or(0),
        strict: args.strict,
        force: args.force,
        emit_data: args.emit_data,
        shard: args.shard,
        processes,
        earlier: args.earlier.options(),
        ..handreiking::ReportOptions::new(args.sheet.options())
    };
    let started = std::time::Instant::now();
    let progress = messages::Progress::new();
    let outcome = handreiking::report(&settings, &args.inputs, &args.output, &options, &|done, total| {
        progress.update(done, total)
    })
    .map_err(fail)?;
    progress.finish();
    messages::batch(&outcome, &args.output, started.elapsed());
    let mut unmailed = 0;
    if let (true, Some(manifest)) = (args.mail, &outcome.manifest) {
        let options = handreiking::mail::MailOptions { brand: settings.brand.clone(), ..Default::default() };
        let plan = handreiking::mail::plan(manifest, &options).map_err(fail)?;
        unmailed = super::mail::drafts(&plan)?;
    }
    if outcome.failed() > 0 || unmailed > 0 {
        return Err(EXIT_SOME_ROWS);
    }
    Ok(())
}
