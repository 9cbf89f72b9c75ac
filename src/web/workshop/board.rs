//! The facilitator's board, on 127.0.0.1: how to join (address, code, QR),
//! the room's answers as they come in (hidden until shown), the group report
//! and the export at any moment, and closing and deleting the meeting.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use handreiking::workshop::Workshop;
use serde_json::{Value, json};

use super::{Meeting, VENUE_PORT, now, on, venue};
use crate::web::views::Frame;

/// The board.
pub async fn board(State(meeting): State<Arc<Meeting>>) -> Response {
    board_page(&meeting, None).await
}

async fn board_page(meeting: &Arc<Meeting>, venue_error: Option<String>) -> Response {
    let venue = meeting.venue.lock().unwrap().as_ref().map(|v| v.url.clone());
    let folder = meeting.folder.display().to_string();
    let view = on(meeting, Frame::Board, move |w| {
        let meta = w.store.meta()?;
        let mut view = stand_view(w)?;
        let join_url = venue.as_ref().map(|url| format!("{url}?code={}", meta.code));
        let extra = json!({
            "title": "Gebruikersbijeenkomst",
            "board": true,
            "datum": handreiking::dates::shown(&w.date()?),
            "closed": meta.closed.is_some(),
            "venue": venue.as_ref().map(|u| u.trim_end_matches('/').trim_start_matches("http://").to_string()),
            "join_url": join_url,
            "code": meta.code,
            "code_spelled": meta.code.chars().map(String::from).collect::<Vec<_>>().join(" "),
            "ask_names": meta.ask_names,
            "folder": folder,
            "addresses": venue::addresses().into_iter().map(|(ip, name)| json!({ "ip": ip, "name": name })).collect::<Vec<_>>(),
            "port": VENUE_PORT,
            "venue_error": venue_error,
        });
        if let (Some(view), Value::Object(extra)) = (view.as_object_mut(), extra) {
            view.extend(extra);
        }
        Ok(view)
    })
    .await;
    match view {
        Err(page) => page,
        Ok(view) => meeting.views.page("bord.html", view).into_response(),
    }
}

/// The room: counts always; per question A and B, and the werkvormen the
/// advice points to most, only while shown.
fn stand_view(w: &Workshop) -> handreiking::Result<Value> {
    let meta = w.store.meta()?;
    let (joined, finished) = w.store.counts()?;
    let mut view = json!({ "joined": joined, "finished": finished, "shown": meta.shown });
    if meta.shown {
        let (group, participants) = w.group()?;
        let percent = |n: usize, of: usize| (n * 100 + of / 2).checked_div(of).unwrap_or(0);
        view["reflecties"] = group
            .reflecties
            .iter()
            .map(|r| {
                let vragen: Vec<Value> = r
                    .vragen
                    .iter()
                    .map(|v| {
                        let pa = percent(v.a, v.a + v.b);
                        let pb = if v.a + v.b == 0 { 0 } else { 100 - pa };
                        json!({ "nummer": v.nummer, "tekst": v.tekst, "a": v.a, "b": v.b, "open": v.open, "pa": pa, "pb": pb })
                    })
                    .collect();
                json!({ "nummer": r.nummer, "titel": r.titel, "vragen": vragen })
            })
            .collect();
        view["werkvormen"] = w
            .werkvormen(&participants)
            .into_iter()
            .take(5)
            .map(|(_, titel, n)| json!({ "titel": titel, "n": n }))
            .collect();
    }
    Ok(view)
}

/// The room's part of the board alone, for the board's script to swap in.
pub async fn stand(State(meeting): State<Arc<Meeting>>) -> Response {
    match on(&meeting, Frame::Board, stand_view).await {
        Err(page) => page,
        Ok(view) => meeting.views.page("bord-stand.html", view).into_response(),
    }
}

/// Server-sent events: `stand` whenever the room changed (at most a few a second).
pub async fn events(State(meeting): State<Arc<Meeting>>) -> Response {
    let receiver = meeting.changed.subscribe();
    let events = futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
        if !first && receiver.changed().await.is_err() {
            return None;
        }
        let n = *receiver.borrow_and_update();
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        Some((Ok::<_, Infallible>(Event::default().event("stand").data(n.to_string())), (receiver, false)))
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// The join address (with the code) as a QR code.
pub async fn qr(State(meeting): State<Arc<Meeting>>) -> Response {
    let venue = meeting.venue.lock().unwrap().as_ref().map(|v| v.url.clone());
    let Some(url) = venue else { return StatusCode::NOT_FOUND.into_response() };
    let code = match on(&meeting, Frame::Board, |w| Ok(w.store.meta()?.code)).await {
        Ok(code) => code,
        Err(page) => return page,
    };
    match qrcode::QrCode::new(format!("{url}?code={code}")) {
        Ok(qr) => {
            let svg =
                qr.render::<qrcode::render::svg::Color>().min_dimensions(320, 320).quiet_zone(true).build();
            ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct Show {
    tonen: String,
}

pub async fn show(State(meeting): State<Arc<Meeting>>, axum::Form(form): axum::Form<Show>) -> Response {
    let shown = form.tonen == "ja";
    match on(&meeting, Frame::Board, move |w| w.store.set_shown(shown)).await {
        Err(page) => page,
        Ok(()) => {
            meeting.touch();
            Redirect::to("/#stand").into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Names {
    vragen: String,
}

pub async fn names(State(meeting): State<Arc<Meeting>>, axum::Form(form): axum::Form<Names>) -> Response {
    let ask = form.vragen == "ja";
    match on(&meeting, Frame::Board, move |w| w.store.set_ask_names(ask)).await {
        Err(page) => page,
        Ok(()) => Redirect::to("/").into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct VenueForm {
    #[serde(default)]
    adres: String,
    #[serde(default)]
    ander: String,
    #[serde(default)]
    poort: String,
}

/// Opens the participants' listener on the address the facilitator chose.
pub async fn open_venue(
    State(meeting): State<Arc<Meeting>>,
    axum::Form(form): axum::Form<VenueForm>,
) -> Response {
    if meeting.venue.lock().unwrap().is_some() {
        return Redirect::to("/").into_response();
    }
    let address = if form.adres == "anders" { form.ander.trim() } else { form.adres.trim() };
    let port = form.poort.trim();
    let spec = if port.is_empty() {
        address.to_string()
    } else if address.contains(':') {
        format!("[{}]:{port}", address.trim_start_matches('[').trim_end_matches(']'))
    } else {
        format!("{address}:{port}")
    };
    let opened = match venue::parse(&spec) {
        Ok(addr) => venue::open(meeting.clone(), addr).await,
        Err(_) => Err(format!("“{spec}” is geen adres met poort, zoals 192.168.1.20 en 8766.")),
    };
    match opened {
        Ok(opened) => {
            *meeting.venue.lock().unwrap() = Some(opened);
            Redirect::to("/").into_response()
        }
        Err(why) => board_page(&meeting, Some(format!("Deelnemers kunnen daar niet meedoen: {why}"))).await,
    }
}

pub async fn close(State(meeting): State<Arc<Meeting>>) -> Response {
    match on(&meeting, Frame::Board, |w| w.store.close(now())).await {
        Err(page) => page,
        Ok(()) => {
            meeting.touch();
            Redirect::to("/").into_response()
        }
    }
}

#[derive(serde::Deserialize)]
pub struct Delete {
    #[serde(default)]
    zeker: String,
}

/// Deletes the meeting: the participants' pages stop, the database and every
/// file the meeting made are removed, and the board says so.
pub async fn delete(State(meeting): State<Arc<Meeting>>, axum::Form(form): axum::Form<Delete>) -> Response {
    if form.zeker != "ja" {
        return Redirect::to("/").into_response();
    }
    // The phones' listener first: no answer comes in while the files go.
    drop(meeting.venue.lock().unwrap().take());
    let shared = meeting.clone();
    let deleted = tokio::task::spawn_blocking(move || {
        let workshop = shared.workshop.write().unwrap_or_else(|p| p.into_inner()).take();
        match workshop {
            Some(workshop) => workshop.delete().map(|()| true),
            None => Ok(false),
        }
    })
    .await;
    meeting.touch();
    let folder = meeting.folder.display().to_string();
    match deleted {
        Ok(Ok(_)) => meeting
            .views
            .message_in(
                Frame::Board,
                "De bijeenkomst is gewist",
                &format!(
                    "De antwoorden, de rapporten en de exports van deze bijeenkomst zijn verwijderd uit {folder}. \
                     Deelnemers kunnen niet meer bij hun pagina’s. U kunt de app nu afsluiten."
                ),
                None,
            )
            .into_response(),
        Ok(Err(e)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            meeting.views.message_in(Frame::Board, "Niet alles kon worden gewist", &e.to_string(), None),
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The group report of the answers so far.
pub async fn group_report(State(meeting): State<Arc<Meeting>>) -> Response {
    let earlier = meeting.earlier.clone();
    let made = on(&meeting, Frame::Board, move |w| {
        let path = w.group_report(earlier.as_ref())?;
        handreiking::error::read(&path)
    })
    .await;
    match made {
        Err(page) => page,
        Ok(pdf) => download(pdf, "application/pdf", handreiking::output::GROUP_REPORT),
    }
}

pub async fn export_xlsx(State(meeting): State<Arc<Meeting>>) -> Response {
    match on(&meeting, Frame::Board, |w| w.export_xlsx()).await {
        Err(page) => page,
        Ok(bytes) => download(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            handreiking::workshop::EXPORT_XLSX,
        ),
    }
}

pub async fn export_csv(State(meeting): State<Arc<Meeting>>) -> Response {
    match on(&meeting, Frame::Board, |w| w.export_csv()).await {
        Err(page) => page,
        Ok(bytes) => download(bytes, "text/csv; charset=utf-8", handreiking::workshop::EXPORT_CSV),
    }
}

fn download(bytes: Vec<u8>, kind: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, crate::web::page::disposition("attachment", name)),
        ],
        bytes,
    )
        .into_response()
}
