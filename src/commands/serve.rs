//! `handreiking serve`: the web app on 127.0.0.1.

use super::{Outcome, fail, render_processes, settings};
use crate::cli::ServeArgs;
use crate::{messages, web};

pub fn run(args: ServeArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let options = web::ServeOptions {
        port: args.port,
        max_upload: args.max_upload.saturating_mul(1 << 20),
        keep_minutes: args.keep_hours.saturating_mul(60),
        processes: Some(render_processes(1000)?),
    };
    let open = args.open;
    web::serve(settings, options, |url| {
        messages::serving(url);
        if open && let Err(e) = webbrowser::open(url) {
            messages::no_browser(url, &e);
        }
    })
    .map_err(fail)
}
