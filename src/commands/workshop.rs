//! `handreiking workshop`: the live user meeting.

use super::{Outcome, fail, render_processes, settings};
use crate::cli::WorkshopArgs;
use crate::web::workshop::WorkshopServeOptions;
use crate::{messages, web};

pub fn run(args: WorkshopArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let options = WorkshopServeOptions {
        port: args.port,
        venue: args.venue,
        workshop: handreiking::workshop::WorkshopOptions {
            dir: args.data.unwrap_or_else(|| handreiking::workshop::default_dir(now)),
            ask_names: args.ask_names,
            max_participants: args.max_participants,
        },
        processes: render_processes(1000)?,
        earlier: args.earlier.options(),
    };
    let open = args.open;
    web::workshop::serve(settings, options, |board, phones, folder, resumed| {
        messages::workshop(board, phones, folder, resumed);
        if open && let Err(e) = webbrowser::open(board) {
            messages::no_browser(board, &e);
        }
    })
    .map_err(fail)
}
