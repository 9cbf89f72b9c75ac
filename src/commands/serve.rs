//! `handreiking serve`: the web app on 127.0.0.1; and `handreiking app`, the
//! same app as a desktop program (started from the menu, with no terminal).

use super::{Outcome, fail, render_processes, settings};
use crate::cli::{AppArgs, KEEP_HOURS, MAX_UPLOAD_MB, ServeArgs};
use crate::{messages, web};

pub fn run(args: ServeArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let options = web::ServeOptions {
        port: args.port,
        max_upload: args.max_upload.saturating_mul(1 << 20),
        keep_minutes: args.keep_hours.saturating_mul(60),
        processes: Some(render_processes(1000)?),
        send_log: args.send_log.unwrap_or_else(handreiking::mail::default_log_dir),
        stop_when_gone: None,
    };
    start(settings, options, args.open)
}

/// The desktop program: on its usual port (or, when that is taken, any free
/// one), the browser opened at it; it stops by itself once its pages are closed.
pub fn app(args: AppArgs) -> Outcome {
    let settings = settings(&args.sources)?;
    let port = match std::net::TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(_) => args.port,
        Err(_) => 0,
    };
    let options = web::ServeOptions {
        port,
        max_upload: MAX_UPLOAD_MB << 20,
        keep_minutes: KEEP_HOURS * 60,
        processes: Some(render_processes(1000)?),
        send_log: handreiking::mail::default_log_dir(),
        stop_when_gone: Some(args.gone_after.map_or(web::desktop::GONE_FOR, std::time::Duration::from_secs)),
    };
    start(settings, options, !args.no_browser)
}

fn start(settings: handreiking::Settings, options: web::ServeOptions, open: bool) -> Outcome {
    let desktop = options.stop_when_gone.is_some();
    web::serve(settings, options, |url| {
        messages::serving(url, desktop);
        if open && let Err(e) = webbrowser::open(url) {
            messages::no_browser(url, &e);
        }
    })
    .map_err(fail)
}
