//! The web app as a desktop program (`handreiking app`, or no arguments
//! without a terminal): it stops when told to on the page ("Afsluiten"), or
//! once no page of it has been open for a while, since nobody started it from
//! a terminal to press Ctrl-C in.
//!
//! Every page of the app keeps one quiet connection open (`/leeft`, server-sent
//! events that never send anything); the app counts them.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::App;

/// How long the app waits with no page open before it stops by itself (a page
/// that follows a link closes its connection a moment before the next opens).
pub const GONE_FOR: Duration = Duration::from_secs(90);

/// The pages open now, and when the app was last used.
pub struct Lifetime {
    open: AtomicUsize,
    last: Mutex<Instant>,
}

impl Default for Lifetime {
    fn default() -> Lifetime {
        Lifetime { open: AtomicUsize::new(0), last: Mutex::new(Instant::now()) }
    }
}

impl Lifetime {
    /// A request came in.
    pub fn touch(&self) {
        *self.last.lock().unwrap() = Instant::now();
    }

    /// No page open and no request for `GONE_FOR`.
    fn gone(&self, gone_for: Duration) -> bool {
        self.open.load(Ordering::SeqCst) == 0 && self.last.lock().unwrap().elapsed() > gone_for
    }
}

/// Counts a page as open while its connection lasts.
struct Open(Arc<App>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.lifetime.open.fetch_sub(1, Ordering::SeqCst);
        self.0.lifetime.touch();
    }
}

/// `/leeft`: held open by every page, and never sends a thing but keep-alives.
pub async fn alive(State(app): State<Arc<App>>) -> Response {
    app.lifetime.open.fetch_add(1, Ordering::SeqCst);
    let open = Open(app);
    let events = futures_util::stream::unfold(open, |open| async move {
        std::future::pending::<()>().await;
        Some((Ok::<Event, Infallible>(Event::default()), open))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))).into_response()
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Quit {
    /// Confirmed while a batch or a send run was busy.
    toch: Option<String>,
}

/// "Afsluiten": the app stops and deletes every session's files. While a batch
/// or a send run is busy it asks first.
pub async fn quit(
    State(app): State<Arc<App>>,
    form: Result<axum::Form<Quit>, axum::extract::rejection::FormRejection>,
) -> Response {
    let confirmed = form.is_ok_and(|f| f.toch.is_some());
    if app.sessions.busy() && !confirmed {
        return app
            .views
            .page("afsluiten.html", serde_json::json!({ "title": "Toch afsluiten?", "busy": true }))
            .into_response();
    }
    tokio::spawn(async {
        // The page below reaches the browser first.
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop();
    });
    app.views.page("afsluiten.html", serde_json::json!({ "title": "De app is afgesloten" })).into_response()
}

/// Stops the app as Ctrl-C does: the render processes, then every session's files.
fn stop() -> ! {
    handreiking::batch::processes::stop_processes();
    super::remove_temporary_files();
    std::process::exit(0)
}

/// Stops the app once no page has been open for `gone_for` and nothing runs.
pub async fn watch(app: Arc<App>, gone_for: Duration) {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        if app.lifetime.gone(gone_for) && !app.sessions.busy() {
            stop();
        }
    }
}
