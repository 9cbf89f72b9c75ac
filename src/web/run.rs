//! Making all reports: the same batch as `handreiking report`, started from
//! the page, with live progress (server-sent events), a Stop button, and the
//! results as one zip or file by file, also when the batch stopped halfway.

use std::convert::Infallible;
use std::path::Path as FsPath;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::App;
use super::download::Entry;
use super::page::{Found, disposition, frame, gone, not_found, percent, with};
use super::session::{BatchRun, Chosen, Finished};

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct Extras {
    groep: Option<String>,
    namen: Option<String>,
    handreiking: Option<String>,
    formulier: Option<String>,
    kaarten: Option<String>,
}

/// Starts the batch for the session's files (one at a time per session).
pub async fn start(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    axum::Form(extras): axum::Form<Extras>,
) -> Response {
    let mut session = shared.lock().unwrap();
    if session.ended {
        return gone(&app);
    }
    if session.sheets.is_empty() {
        return Redirect::to(&format!("/s/{id}/")).into_response();
    }
    if !session.running() {
        let out = session.reports_dir();
        // A new batch replaces the last one's files.
        let _ = std::fs::remove_dir_all(&out);
        // What the mail page showed was about the last batch's reports.
        session.mail = None;
        session.pending = None;
        let cancel = Arc::new(AtomicBool::new(false));
        let run = Arc::new(BatchRun::new(cancel.clone(), "Antwoorden lezen…"));
        session.batch = Some(run.clone());
        let (chosen, dir) = (session.chosen(), session.dir.clone());
        let app = app.clone();
        tokio::task::spawn_blocking(move || {
            let finished = make_all(&app, &chosen, &out, &extras, cancel, &run);
            if run.finish(finished) {
                let _ = std::fs::remove_dir_all(&dir);
            }
        });
    }
    Redirect::to(&format!("/s/{id}/voortgang")).into_response()
}

/// The reports as `report` makes them (with `--earlier` when an earlier
/// measurement is chosen), then what else was asked for.
fn make_all(
    app: &App,
    chosen: &Chosen,
    out: &FsPath,
    extras: &Extras,
    cancel: Arc<AtomicBool>,
    run: &BatchRun,
) -> Finished {
    let (inputs, sheets, earlier) = (&chosen.sheet_paths(), chosen.sheet_options(), chosen.earlier_options());
    let options = app.report_options(sheets.clone(), Some(cancel.clone()), earlier.clone());
    let status = |text: &str| run.progress.send_modify(|p| p.status = text.to_string());
    let outcome = handreiking::report(&app.settings, inputs, out, &options, &|done, total| {
        run.progress.send_modify(|p| {
            p.klaar = done;
            p.totaal = total;
            p.status = "Rapporten maken…".into();
        })
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return Finished { outcome: None, error: Some(e.to_string()), extras: vec![] },
    };
    let mut made = vec![];
    let mut error = None;
    let wanted = |flag: &Option<String>| flag.is_some() && !cancel.load(Ordering::Relaxed);
    if wanted(&extras.groep) {
        status("Groepsrapport maken…");
        let file = handreiking::output::GROUP_REPORT;
        match handreiking::group(
            &app.settings,
            inputs,
            &sheets,
            extras.namen.is_some(),
            earlier.as_ref(),
            &out.join(file),
        ) {
            Ok(_) => made.push(("Groepsrapport", file.to_string())),
            Err(e) => error = Some(e.to_string()),
        }
    }
    for (flag, kind, label, file) in [
        (&extras.handreiking, handreiking::Handout::Blank, "De lege handreiking", handreiking::output::BLANK),
        (&extras.formulier, handreiking::Handout::Form, "Antwoordformulier", handreiking::output::FORM),
        (&extras.kaarten, handreiking::Handout::Cards, "Werkvormkaarten", handreiking::output::CARDS),
    ] {
        if !wanted(flag) {
            continue;
        }
        status(&format!("{label} maken…"));
        let options = handreiking::BlankOptions { print: kind != handreiking::Handout::Blank };
        match handreiking::handout(&app.settings, kind, &options, &out.join(file)) {
            Ok(_) => made.push((label, file.to_string())),
            Err(e) => error = Some(e.to_string()),
        }
    }
    Finished { outcome: Some(outcome), error, extras: made }
}

pub async fn stop(Found { id, session: shared }: Found) -> Response {
    if let Some(batch) = &shared.lock().unwrap().batch {
        batch.stop();
    }
    Redirect::to(&format!("/s/{id}/voortgang")).into_response()
}

/// The progress page; once the batch is done, its summary and the downloads.
pub async fn progress_page(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let session = shared.lock().unwrap();
    let Some(batch) = session.batch.clone() else {
        return Redirect::to(&format!("/s/{id}/rapporten")).into_response();
    };
    let progress = batch.progress.borrow().clone();
    let mut view = progress.view();
    if let Some(finished) = batch.finished.lock().unwrap().as_ref() {
        view["error"] = finished.error.as_deref().map(|e| session.shown(e)).into();
        view["extras"] = finished
            .extras
            .iter()
            .map(|(label, file)| json!({ "label": label, "file": file, "href": href(&id, file) }))
            .collect();
        if let Some(outcome) = &finished.outcome {
            view["written"] = outcome.written().into();
            view["failed"] = outcome.failed().into();
            view["cancelled"] = outcome.cancelled.into();
            view["notes"] = outcome.notes.iter().map(|n| session.shown(n)).collect();
            if let Some(compared) = outcome.compared() {
                let summary = super::earlier::summary_view(&compared).to_string();
                view["earlier"] = serde_json::from_str(&session.shown_in_json(&summary)).unwrap_or_default();
            }
            view["problems"] = outcome
                .rows
                .iter()
                .filter_map(|row| {
                    let why = match &row.outcome {
                        handreiking::RowOutcome::Written { .. } => return None,
                        handreiking::RowOutcome::Bad(problems) => {
                            problems.iter().map(|p| format!("kolom {}: “{}” is geen antwoord", p.column, p.value)).collect::<Vec<_>>().join("; ")
                        }
                        handreiking::RowOutcome::Failed(message) => session.shown(message),
                    };
                    Some(json!({ "file": session.shown(&row.file), "row": row.location.number(), "naam": row.naam, "why": why }))
                })
                .take(500)
                .collect();
            view["reports"] = outcome
                .rows
                .iter()
                .filter_map(|row| match &row.outcome {
                    handreiking::RowOutcome::Written { path, .. } => {
                        path.file_name().map(|n| n.to_string_lossy().into_owned())
                    }
                    _ => None,
                })
                .take(500)
                .map(|file| json!({ "file": file, "href": href(&id, &file) }))
                .collect();
        }
    }
    let title = if progress.bezig { "Rapporten worden gemaakt" } else { "Klaar" };
    app.views.page("voortgang.html", with(frame(&app, &session, 3, title), view)).into_response()
}

/// Server-sent events: `voortgang` with the progress as JSON whenever it
/// changes, then `klaar` once the batch is done.
pub async fn progress_events(State(app): State<Arc<App>>, Found { session: shared, .. }: Found) -> Response {
    let Some(batch) = shared.lock().unwrap().batch.clone() else {
        return not_found(State(app)).await;
    };
    stream(batch.progress.subscribe())
}

/// Server-sent events for a page that follows a [`super::session::Run`]: `voortgang` with
/// the progress as JSON whenever it changes, then `klaar` once it is done.
pub(super) fn stream(receiver: tokio::sync::watch::Receiver<super::session::Progress>) -> Response {
    let events =
        futures_util::stream::unfold((receiver, true, false), |(mut receiver, first, ended)| async move {
            if ended {
                return None;
            }
            if !first && receiver.changed().await.is_err() {
                return None;
            }
            let progress = receiver.borrow_and_update().clone();
            let event = if progress.bezig {
                Event::default().event("voortgang").json_data(&progress).unwrap_or_default()
            } else {
                Event::default().event("klaar").data("klaar")
            };
            // Progress comes in bursts; a few updates a second are enough for a bar.
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            Some((Ok::<_, Infallible>(event), (receiver, false, !progress.bezig)))
        });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// Everything the batch made, as one zip: reports, manifest.json and the
/// extras, streamed from the files (the drafts' folder `mail/` has its own zip).
pub async fn download_zip(Found { session: shared, .. }: Found) -> Response {
    let entries = {
        let session = shared.lock().unwrap();
        let dir = session.reports_dir();
        finished_files(&dir)
            .into_iter()
            .map(|name| match name.as_str() {
                // The manifest names the stored files: the download shows the user's names.
                handreiking::output::MANIFEST => match std::fs::read_to_string(dir.join(&name)) {
                    Ok(text) => Entry::Text { text: session.shown_in_json(&text), name },
                    Err(_) => Entry::File { path: dir.join(&name), name },
                },
                _ => Entry::File { path: dir.join(&name), name },
            })
            .collect()
    };
    super::download::zip(handreiking::output::ZIP, entries)
}

/// The finished files of `dir` (not the ones being written), sorted.
fn finished_files(dir: &FsPath) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// One file the batch made, by its name (only names in the folder are served).
pub async fn download_one(
    State(app): State<Arc<App>>,
    Found { session: shared, .. }: Found,
    Path((_, name)): Path<(String, String)>,
) -> Response {
    let dir = shared.lock().unwrap().reports_dir();
    if !finished_files(&dir).contains(&name) {
        return not_found(State(app)).await;
    }
    match std::fs::read(dir.join(&name)) {
        Ok(bytes) => {
            let kind = if name.ends_with(".json") { "application/json" } else { "application/pdf" };
            (
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    (header::CONTENT_DISPOSITION, disposition("attachment", &name)),
                ],
                bytes,
            )
                .into_response()
        }
        Err(_) => not_found(State(app)).await,
    }
}

fn href(id: &str, file: &str) -> String {
    format!("/s/{id}/bestand/{}", percent(file))
}
