//! `handreiking workshop`: the live user meeting, served by this laptop.
//!
//! Two listeners. The facilitator's board on 127.0.0.1, checked as `serve` is.
//! And, only when asked for (`--venue`, or chosen on the board), the
//! participants' pages on the laptop's address on the venue's network: that
//! listener serves those pages and nothing else, and only for the address it
//! was given. Answers go into the workshop's database (`handreiking::workshop`)
//! before a phone hears back; PDFs are made by the batch's render processes.

mod advice;
mod board;
mod phone;
mod venue;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use handreiking::batch::pool::Pool;
use handreiking::batch::processes::Processes;
use handreiking::followup::EarlierOptions;
use handreiking::workshop::Workshop;

use super::views::{Frame, Views};

/// The port participants' pages get when none is named.
pub const VENUE_PORT: u16 = 8766;

pub struct WorkshopServeOptions {
    /// The facilitator's port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Where participants' phones reach this laptop: ADDR or ADDR:PORT.
    pub venue: Option<String>,
    pub workshop: handreiking::workshop::WorkshopOptions,
    pub processes: Processes,
    /// The group report compared with an earlier measurement.
    pub earlier: Option<EarlierOptions>,
}

/// What both listeners share.
pub struct Meeting {
    /// None once the facilitator has deleted it.
    workshop: RwLock<Option<Workshop>>,
    views: Views,
    pool: Pool,
    facilitator: SocketAddr,
    venue: Mutex<Option<venue::Venue>>,
    /// Goes up whenever the room changes (a join, an answer, show/hide): the board listens.
    changed: tokio::sync::watch::Sender<u64>,
    limits: venue::Limits,
    earlier: Option<EarlierOptions>,
    folder: PathBuf,
}

impl Meeting {
    fn touch(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// Runs `work` on the workshop off the async threads. The page to show instead
/// when it was deleted, or when the database failed.
async fn on<T: Send + 'static>(
    meeting: &Arc<Meeting>,
    frame: Frame,
    work: impl FnOnce(&Workshop) -> handreiking::Result<T> + Send + 'static,
) -> Result<T, Response> {
    let shared = meeting.clone();
    let done = tokio::task::spawn_blocking(move || {
        let workshop = shared.workshop.read().unwrap_or_else(|p| p.into_inner());
        workshop.as_ref().map(work)
    })
    .await;
    match done {
        Ok(Some(Ok(value))) => Ok(value),
        Ok(None) => Err(ended(meeting, frame)),
        Ok(Some(Err(e))) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            meeting.views.message_in(
                frame,
                "Er ging iets mis",
                &format!("Dit lukte niet: {e}"),
                Some(("/", "Opnieuw")),
            ),
        )
            .into_response()),
        Err(e) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            meeting.views.message_in(
                frame,
                "Er ging iets mis",
                &format!("Een interne fout hield dit tegen: {e}"),
                None,
            ),
        )
            .into_response()),
    }
}

fn ended(meeting: &Meeting, frame: Frame) -> Response {
    (
        StatusCode::GONE,
        meeting.views.message_in(
            frame,
            "Deze bijeenkomst is gewist",
            "De gespreksleider heeft deze bijeenkomst en alle antwoorden gewist.",
            None,
        ),
    )
        .into_response()
}

/// Starts the meeting and serves until the process is stopped. `started` gets
/// the board's address and, when opened already, the participants'.
pub fn serve(
    settings: handreiking::Settings,
    options: WorkshopServeOptions,
    started: impl FnOnce(&str, Option<&str>, &std::path::Path, bool),
) -> Result<(), handreiking::Error> {
    let now = now();
    let (workshop, resumed) = Workshop::open(settings.clone(), &options.workshop, now)?;
    // A broken brand or template stops the meeting before anyone joins.
    settings.engine(&workshop.brand)?;
    let reports = workshop.dir.join(handreiking::workshop::REPORTS);
    let venue = options.venue.as_deref().map(venue::parse).transpose().map_err(handreiking::Error::Usage)?;
    super::runtime()?.block_on(async move {
        let (listener, facilitator) = super::listen_locally(options.port).await?;
        let (changed, _) = tokio::sync::watch::channel(0);
        let folder = workshop.dir.clone();
        let meeting = Arc::new(Meeting {
            views: Views::new(workshop.h.clone()),
            pool: Pool::start(options.processes, settings, reports),
            workshop: RwLock::new(Some(workshop)),
            facilitator,
            venue: Mutex::new(None),
            changed,
            limits: venue::Limits::default(),
            earlier: options.earlier,
            folder: folder.clone(),
        });
        if let Some(addr) = venue {
            let opened = venue::open(meeting.clone(), addr).await.map_err(handreiking::Error::Usage)?;
            *meeting.venue.lock().unwrap() = Some(opened);
        }
        let board = format!("http://{facilitator}/");
        let phones = meeting.venue.lock().unwrap().as_ref().map(|v| v.url.clone());
        started(&board, phones.as_deref(), &folder, resumed);
        // From here on every file is for this account only (the database was made so already).
        #[cfg(unix)]
        // SAFETY: only sets this process's file creation mask.
        unsafe {
            libc::umask(0o077);
        }
        axum::serve(listener, board_router(meeting))
            .await
            .map_err(|e| handreiking::Error::Usage(format!("the web server stopped: {e}")))
    })
}

/// The facilitator's routes, on 127.0.0.1 only.
fn board_router(meeting: Arc<Meeting>) -> Router {
    Router::new()
        .route("/", get(board::board))
        .route("/stand", get(board::stand))
        .route("/stroom", get(board::events))
        .route("/qr.svg", get(board::qr))
        .route("/tonen", post(board::show))
        .route("/namen", post(board::names))
        .route("/zaal", post(board::open_venue))
        .route("/sluiten", post(board::close))
        .route("/wissen", post(board::delete))
        .route("/groepsrapport.pdf", get(board::group_report))
        .route("/antwoorden.xlsx", get(board::export_xlsx))
        .route("/antwoorden.csv", get(board::export_csv))
        .route("/stijl.css", get(super::pages::stylesheet))
        .route("/app.js", get(super::pages::script))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(meeting.clone(), board_guard))
        .with_state(meeting)
}

async fn board_guard(State(meeting): State<Arc<Meeting>>, request: Request, next: Next) -> Response {
    let port = meeting.facilitator.port();
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    super::checked(&hosts, &meeting.views, request, next).await
}

async fn not_found(State(meeting): State<Arc<Meeting>>) -> Response {
    let page = meeting.views.message_in(
        Frame::Board,
        "Pagina niet gevonden",
        "Dit adres bestaat niet in deze app.",
        Some(("/", "Naar het begin")),
    );
    (StatusCode::NOT_FOUND, page).into_response()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
