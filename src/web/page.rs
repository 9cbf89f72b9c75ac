//! What every page shares: the session found from the address, the frame
//! around a page's content, the pages for what is not there, and file names
//! in headers and links.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::App;
use super::session::{Session, valid_id};

type Shared = Arc<Mutex<Session>>;

/// The session named in the address (`/s/<id>/…`): handlers take it as an
/// argument; an unknown or ended one gets the page that says so.
pub struct Found {
    pub id: String,
    pub session: Shared,
}

impl axum::extract::FromRequestParts<Arc<App>> for Found {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &Arc<App>,
    ) -> Result<Self, Response> {
        let id = parts.uri.path().strip_prefix("/s/").and_then(|rest| rest.split('/').next()).unwrap_or("");
        let found = if valid_id(id) { app.sessions.get(id) } else { None };
        match found {
            Some(session) => Ok(Found { id: id.to_string(), session }),
            None => Err(gone(app)),
        }
    }
}

/// The page for a session that does not exist (any more).
pub fn gone(app: &App) -> Response {
    let page = app.views.message(
        "Deze sessie bestaat niet (meer)",
        "De bestanden van een sessie worden gewist als u de sessie beëindigt, als hij lang niet is gebruikt, of als de app is gestopt. Begin opnieuw.",
        Some(("/", "Opnieuw beginnen")),
    );
    (StatusCode::NOT_FOUND, page).into_response()
}

/// What every page of a session shows around its content.
pub fn frame(app: &App, session: &Session, step: u8, title: &str) -> serde_json::Value {
    json!({
        "id": session.id,
        "step": step,
        "title": title,
        "has_files": !session.sheets.is_empty(),
        "has_reports": session.batch.as_ref().is_some_and(|b| !b.running()),
        "keep_hours": (app.options.keep_minutes as f64 / 60.0).ceil() as u64,
    })
}

/// Merges page-specific values into the frame.
pub fn with(mut frame: serde_json::Value, more: serde_json::Value) -> serde_json::Value {
    if let (Some(frame), serde_json::Value::Object(more)) = (frame.as_object_mut(), more) {
        frame.extend(more);
    }
    frame
}

/// Runs library work off the async threads; a panic becomes a message, never a blank page.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| format!("an internal error stopped this step: {e}"))
}

pub async fn not_found(State(app): State<Arc<App>>) -> Response {
    let page = app.views.message(
        "Pagina niet gevonden",
        "Dit adres bestaat niet in deze app.",
        Some(("/", "Naar het begin")),
    );
    (StatusCode::NOT_FOUND, page).into_response()
}

/// Step 1: choose answer files (and optionally a mapping file).
/// Content-Disposition with the file name for every browser (RFC 6266: an
/// ASCII fallback and the UTF-8 name).
pub fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}", percent(name))
}

/// Percent-encoded for a URL path or an RFC 5987 file name: all but letters, digits and `-._~`.
pub fn percent(s: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    utf8_percent_encode(s, KEEP).to_string()
}
