//! One module per command: each takes its arguments (`crate::cli`), calls the
//! library, has `messages` say what happened, and returns the exit code to use
//! when it did not all go well.

pub mod check;
pub mod check_content;
pub mod group;
pub mod handout;
pub mod init;
pub mod mail;
pub mod manual;
pub mod mapping;
pub mod processes;
pub mod report;
pub mod serve;
pub mod template;
pub mod workshop;

use crate::{cli, messages};

/// What a command returns: `Err(exit code)` when it did not all go well.
pub type Outcome = Result<(), u8>;

/// Something went wrong that stopped the command (bad content, unreadable file, …).
pub const EXIT_FAILURE: u8 = 1;
/// The command line itself is wrong.
pub const EXIT_USAGE: u8 = 2;
/// Some rows could not be turned into reports (the others were).
pub const EXIT_SOME_ROWS: u8 = 3;
/// The answer sheet could not be read at all.
pub const EXIT_UNREADABLE: u8 = 4;
/// Interrupted by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The settings the source flags name, or the exit code for a wrong command line.
fn settings(sources: &cli::Sources) -> Result<handreiking::Settings, u8> {
    sources.settings().map_err(|m| {
        messages::usage(&m);
        EXIT_USAGE
    })
}

/// Says what went wrong and chooses the exit code for it.
fn fail(e: handreiking::Error) -> u8 {
    messages::error(&e);
    match e {
        handreiking::Error::Usage(_) | handreiking::Error::Mapping(_) | handreiking::Error::Brand(_) => {
            EXIT_USAGE
        }
        handreiking::Error::Sheet(_) | handreiking::Error::Io { .. } => EXIT_UNREADABLE,
        _ => EXIT_FAILURE,
    }
}

/// Render processes started from this program, each replaced after `reports_each` reports.
fn render_processes(reports_each: usize) -> Result<handreiking::batch::processes::Processes, u8> {
    let program = std::env::current_exe().map_err(|e| {
        messages::usage(&format!("cannot find this program to start render processes: {e}"));
        EXIT_FAILURE
    })?;
    // Seconds one report may take (tests set it low; the default is generous).
    let report_limit = std::env::var("HANDREIKING_REPORT_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(std::time::Duration::from_secs)
        .unwrap_or(handreiking::batch::processes::REPORT_LIMIT);
    Ok(handreiking::batch::processes::Processes { program, reports_each, report_limit })
}
