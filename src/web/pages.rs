//! The pages of the flow: choosing answer files, checking them (and choosing
//! columns where detection could not), and the preview before the batch.

use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::page::{Found, blocking, frame, gone, not_found, with};
use super::session::{NoSession, Session};
use super::{App, forms, views};

type Shared = Arc<Mutex<Session>>;

pub async fn start(State(app): State<Arc<App>>) -> Response {
    match app.sessions.create() {
        Ok(id) => Redirect::to(&format!("/s/{id}/")).into_response(),
        Err(NoSession::Full) => (
            StatusCode::SERVICE_UNAVAILABLE,
            app.views.message(
                "Te veel sessies tegelijk",
                "Er zijn al te veel sessies met bestanden open; de app wist daarvoor geen bestanden van een \
                 andere sessie. Beëindig een sessie die u niet meer nodig hebt (knop “Sessie beëindigen”), of \
                 wacht tot sessies die lang niet zijn gebruikt vanzelf worden gewist, en probeer het opnieuw.",
                Some(("/", "Opnieuw proberen")),
            ),
        )
            .into_response(),
        Err(NoSession::Io(e)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            app.views.message(
                "Er ging iets mis",
                &format!("Er kon geen tijdelijke map worden gemaakt: {e}"),
                None,
            ),
        )
            .into_response(),
    }
}

pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], views::STYLESHEET).into_response()
}

pub async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], views::SCRIPT).into_response()
}

pub async fn choose(State(app): State<Arc<App>>, Found { session: shared, .. }: Found) -> Response {
    let session = shared.lock().unwrap();
    choose_page(&app, &session, None, StatusCode::OK)
}

fn choose_page(app: &App, session: &Session, error: Option<&str>, status: StatusCode) -> Response {
    let listed = |uploads: &[super::session::Upload]| -> Vec<serde_json::Value> {
        uploads
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let size = std::fs::metadata(&u.path).map(|m| m.len()).unwrap_or(0);
                json!({ "index": i + 1, "name": u.name, "size": size_text(size) })
            })
            .collect()
    };
    let page = app.views.page(
        "kiezen.html",
        with(
            frame(app, session, 1, "Antwoorden kiezen"),
            json!({
                "sheets": listed(&session.sheets),
                "mapping": session.mapping.as_ref().map(|m| &m.name),
                "earlier": listed(&session.earlier),
                "earlier_mapping": session.earlier_mapping.as_ref().map(|m| &m.name),
                "error": error,
                "max_upload": size_text(app.options.max_upload as u64),
            }),
        ),
    );
    (status, page).into_response()
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MB", b >> 20),
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1 << 20) as f64).replace('.', ","),
        b if b >= 1 << 10 => format!("{} kB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Receives the upload form: answer files and an optional mapping file, and
/// the earlier measurement's files with their own optional mapping file.
pub async fn upload(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    mut form: Multipart,
) -> Response {
    // The limit is kept here rather than by cutting the request off: the rest of
    // a too-big upload is read and dropped, so the browser gets to show the page that says so.
    let limit = app.options.max_upload;
    let (mut received, mut total): (Vec<(String, String, Vec<u8>)>, usize) = (vec![], 0);
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return upload_failed(&app, &shared, &e.body_text(), e.status()),
        };
        let kind = field.name().unwrap_or("").to_string();
        let name = field.file_name().unwrap_or("").to_string();
        let mut bytes = vec![];
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total <= limit {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(e) => return upload_failed(&app, &shared, &e.body_text(), e.status()),
            }
        }
        if !bytes.is_empty() {
            received.push((kind, name, bytes));
        }
    }
    if total > limit {
        return upload_failed(&app, &shared, "", StatusCode::PAYLOAD_TOO_LARGE);
    }
    let mut session = shared.lock().unwrap();
    if session.ended {
        return gone(&app);
    }
    if let Some(page) = busy(&app, &session) {
        return page;
    }
    if received.is_empty() {
        return choose_page(
            &app,
            &session,
            Some("Kies eerst een bestand (het gekozen bestand is leeg)."),
            StatusCode::BAD_REQUEST,
        );
    }
    for (kind, name, bytes) in received {
        let stored = match session.store(&name, &bytes) {
            Ok(stored) => stored,
            Err(e) => {
                let message = format!("Het bestand kon niet worden bewaard: {e}");
                return choose_page(&app, &session, Some(&message), StatusCode::INTERNAL_SERVER_ERROR);
            }
        };
        match kind.as_str() {
            "mapping" => session.mapping = Some(stored),
            "eerder" => session.earlier.push(stored),
            "eerder_koppeling" => session.earlier_mapping = Some(stored),
            _ => session.sheets.push(stored),
        }
    }
    session.changed();
    // Only an earlier measurement so far: the new one is still to be chosen.
    let next = if session.sheets.is_empty() { "" } else { "controleren" };
    Redirect::to(&format!("/s/{id}/{next}")).into_response()
}

/// While a batch runs, its files and mapping stay as they are.
fn busy(app: &App, session: &Session) -> Option<Response> {
    session.running().then(|| {
        let message = "Er worden nog rapporten gemaakt; wacht tot dat klaar is of stop het eerst.";
        choose_page(app, session, Some(message), StatusCode::CONFLICT)
    })
}

fn upload_failed(app: &App, shared: &Shared, detail: &str, status: StatusCode) -> Response {
    let session = shared.lock().unwrap();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "De bestanden zijn samen groter dan {}. Start de app met --max-upload om grotere bestanden toe te staan.",
            size_text(app.options.max_upload as u64)
        )
    } else {
        format!("Het uploaden is mislukt ({detail}). Probeer het opnieuw.")
    };
    choose_page(app, &session, Some(&message), status)
}

/// Removes one uploaded file (or the mapping file) from the session.
pub async fn remove_file(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    Path((_, which)): Path<(String, String)>,
) -> Response {
    let mut session = shared.lock().unwrap();
    if let Some(page) = busy(&app, &session) {
        return page;
    }
    let removed = match which.as_str() {
        "koppeling" => session.mapping.take(),
        "eerder-koppeling" => session.earlier_mapping.take(),
        n => {
            let (list, n) = match n.strip_prefix("eerder-") {
                Some(n) => (&mut session.earlier, n),
                None => (&mut session.sheets, n),
            };
            match n.parse::<usize>() {
                Ok(n) if (1..=list.len()).contains(&n) => Some(list.remove(n - 1)),
                _ => None,
            }
        }
    };
    if let Some(upload) = removed {
        let _ = std::fs::remove_file(&upload.path);
    }
    if session.earlier.is_empty() {
        session.match_column = None;
    }
    session.changed();
    Redirect::to(&format!("/s/{id}/")).into_response()
}

/// Step 2: what `check` says, as a page, with choices where detection could not decide.
pub async fn check(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let (chosen, frame) = {
        let session = shared.lock().unwrap();
        if session.sheets.is_empty() {
            return Redirect::to(&format!("/s/{id}/")).into_response();
        }
        (session.chosen(), frame(&app, &session, 2, "Controleren"))
    };
    let worker = app.clone();
    let checked = blocking(move || forms::check_view(&worker.views.h, &chosen)).await;
    let session = shared.lock().unwrap();
    match checked {
        Ok(view) => {
            let view: serde_json::Value =
                serde_json::from_str(&session.shown_in_json(&view.to_string())).unwrap_or(view);
            app.views.page("controleren.html", with(frame, view)).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, app.views.message("Er ging iets mis", &e, None))
            .into_response(),
    }
}

/// The choices of the check page become the session's mapping file.
pub async fn save_mapping(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let (chosen, dir) = {
        let session = shared.lock().unwrap();
        if let Some(page) = busy(&app, &session) {
            return page;
        }
        (session.chosen(), session.dir.clone())
    };
    let worker = app.clone();
    let made = blocking(move || forms::mapping_from_choices(&worker.views.h, &chosen, &pairs, &dir))
        .await
        .and_then(|r| r);
    let mut session = shared.lock().unwrap();
    match made {
        Ok((earlier, upload)) => {
            if earlier {
                session.earlier_mapping = Some(upload);
            } else {
                session.mapping = Some(upload);
            }
            session.changed();
            Redirect::to(&format!("/s/{id}/controleren")).into_response()
        }
        Err(e) => {
            let text = session.shown(&e);
            let link = format!("/s/{id}/controleren");
            (
                StatusCode::BAD_REQUEST,
                app.views.message(
                    "De keuzes konden niet worden opgeslagen",
                    &text,
                    Some((&link, "Terug naar controleren")),
                ),
            )
                .into_response()
        }
    }
}

/// The column both measurements have to match respondents on (`--match`); empty: none.
pub async fn save_match_column(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let mut session = shared.lock().unwrap();
    if let Some(page) = busy(&app, &session) {
        return page;
    }
    let column = pairs.iter().find(|(k, _)| k == "kolom").map(|(_, v)| v.trim().to_string());
    session.match_column = column.filter(|c| !c.is_empty());
    session.changed();
    Redirect::to(&format!("/s/{id}/controleren#koppeling")).into_response()
}

pub async fn download_mapping(State(app): State<Arc<App>>, Found { session, .. }: Found) -> Response {
    let path = session.lock().unwrap().mapping.as_ref().map(|m| m.path.clone());
    mapping_file(app, path, "koppeling.toml").await
}

/// The earlier measurement's mapping file (`--earlier-mapping`).
pub async fn download_earlier_mapping(State(app): State<Arc<App>>, Found { session, .. }: Found) -> Response {
    let path = session.lock().unwrap().earlier_mapping.as_ref().map(|m| m.path.clone());
    mapping_file(app, path, "koppeling-nulmeting.toml").await
}

async fn mapping_file(app: Arc<App>, path: Option<std::path::PathBuf>, name: &str) -> Response {
    match path.map(std::fs::read) {
        Some(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "application/toml; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            ],
            bytes,
        )
            .into_response(),
        _ => not_found(State(app)).await,
    }
}

/// Step 3: a preview of the first report, and the button that makes them all.
pub async fn reports(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let (chosen, cached, frame) = {
        let session = shared.lock().unwrap();
        if session.sheets.is_empty() {
            return Redirect::to(&format!("/s/{id}/")).into_response();
        }
        let frame = frame(&app, &session, 3, "Rapporten maken");
        (session.chosen(), session.preview.clone(), frame)
    };
    let earlier_files: Vec<String> = chosen.earlier.iter().map(|u| u.name.clone()).collect();
    let worker = app.clone();
    let made = blocking(move || forms::ready(&worker, &chosen, cached)).await.and_then(|r| r);
    let mut session = shared.lock().unwrap();
    let view = match made {
        Ok(ready) => {
            session.preview = Some(ready.clone());
            let (respondents, compared, preview) = (ready.respondents, ready.compared, ready.preview);
            let (width, height) = forms::png_size(preview.pages.first().map(Vec::as_slice).unwrap_or(&[]));
            json!({
                "respondents": respondents,
                "compared": compared,
                "earlier_files": earlier_files.join(", "),
                "preview": {
                    "naam": preview.naam,
                    "file": session.shown(&preview.file),
                    "row": preview.location.number(),
                    "name": preview.name,
                    "pages": preview.pages.iter().map(|_| ()).collect::<Vec<_>>(),
                    "width": width,
                    "height": height,
                },
            })
        }
        Err(e) => json!({ "error": session.shown(&e) }),
    };
    app.views.page("rapporten.html", with(frame, view)).into_response()
}

pub async fn preview_page(
    State(app): State<Arc<App>>,
    Found { session: shared, .. }: Found,
    Path((_, page)): Path<(String, usize)>,
) -> Response {
    let preview = shared.lock().unwrap().preview.clone();
    match preview.and_then(|r| r.preview.pages.get(page.wrapping_sub(1)).cloned()) {
        Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        None => not_found(State(app)).await,
    }
}

pub async fn preview_pdf(State(app): State<Arc<App>>, Found { session: shared, .. }: Found) -> Response {
    let preview = shared.lock().unwrap().preview.clone().map(|r| r.preview);
    match preview {
        Some(p) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (header::CONTENT_DISPOSITION, super::page::disposition("inline", &p.name)),
            ],
            p.pdf.clone(),
        )
            .into_response(),
        None => not_found(State(app)).await,
    }
}

/// Ends the session: its batch is stopped and every file deleted.
pub async fn end_session(State(app): State<Arc<App>>, Found { id, .. }: Found) -> Response {
    let worker = app.clone();
    let erased = blocking(move || worker.sessions.end(&id)).await.unwrap_or(false);
    let text = if erased {
        "De geüploade bestanden en de gemaakte rapporten zijn van deze computer gewist."
    } else {
        "Het maken van de rapporten wordt gestopt. Zodra het rapport dat nu wordt gemaakt klaar is, worden \
         de geüploade bestanden en de gemaakte rapporten van deze computer gewist."
    };
    app.views.message("Sessie beëindigd", text, Some(("/", "Opnieuw beginnen"))).into_response()
}
