//! The participants' pages, on their phones: join with the code, one
//! reflection per page, then their own advice at once and their PDF.
//! Every page works without JavaScript; every post carries a token only
//! this phone's pages hold (CSRF).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use handreiking::content::Letter;
use handreiking::workshop::{Participant, Refused, code};
use serde_json::json;

use super::{Meeting, advice, now, on};
use crate::web::views::Frame;

/// The cookie that says who a phone is (its participant's token).
pub const TOKEN: &str = "deelnemer";
/// The cookie a join form is checked against, before the phone has a token.
pub const JOINING: &str = "meedoen";

/// A cookie's value from the request, when it is one we could have set.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn set_cookie(name: &str, value: &str) -> HeaderValue {
    // A day: a phone that slept, or a page reloaded, goes on where it was.
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400"))
        .expect("cookie values are hex")
}

/// The token a participant's forms carry: derived from their cookie, so no
/// page elsewhere can know it.
fn csrf(token: &str) -> String {
    handreiking::output::sha256_hex(format!("handreiking-workshop-form|{token}").as_bytes())[..32].to_string()
}

/// The phone's participant, when it has joined.
async fn participant(
    meeting: &Arc<Meeting>,
    headers: &HeaderMap,
) -> Result<Option<(String, Participant)>, Response> {
    let Some(token) = cookie(headers, TOKEN).map(str::to_string) else { return Ok(None) };
    let lookup = token.clone();
    let found = on(meeting, Frame::Phone, move |w| w.store.participant(&lookup)).await?;
    Ok(found.map(|p| (token, p)))
}

#[derive(serde::Deserialize, Default)]
pub struct Start {
    #[serde(default)]
    code: String,
}

/// `/`: where a phone that joined goes on; the join form for one that has not.
pub async fn start(
    State(meeting): State<Arc<Meeting>>,
    headers: HeaderMap,
    Query(start): Query<Start>,
) -> Response {
    match participant(&meeting, &headers).await {
        Err(page) => page,
        Ok(Some((_, p))) => Redirect::to(&next_page(&meeting, &p).await).into_response(),
        Ok(None) => join_page(&meeting, &start.code, "", "", None, StatusCode::OK).await,
    }
}

/// The first reflection page with an unanswered question, else the advice.
async fn next_page(meeting: &Arc<Meeting>, p: &Participant) -> String {
    let answers = p.answers.clone();
    let first_open = on(meeting, Frame::Phone, move |w| {
        Ok(w.h.reflecties.iter().position(|r| r.vragen.iter().any(|v| !answers.contains_key(&v.id))))
    })
    .await;
    match first_open {
        Ok(Some(i)) => format!("/vraag/{}", i + 1),
        _ => "/advies".into(),
    }
}

async fn join_page(
    meeting: &Arc<Meeting>,
    code: &str,
    naam: &str,
    organisatie: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let facts =
        on(meeting, Frame::Phone, |w| Ok((w.store.meta()?, w.h.vragen().count(), w.h.reflecties.len())))
            .await;
    let (meta, questions, reflections) = match facts {
        Ok(facts) => facts,
        Err(page) => return page,
    };
    if meta.closed.is_some() {
        return closed(meeting);
    }
    let joining = code::token();
    let typed = code::typed(code).unwrap_or_default();
    let page = meeting.views.page(
        "meedoen.html",
        json!({
            "title": "Doe mee",
            "csrf": joining,
            "code": typed,
            "naam": naam,
            "organisatie": organisatie,
            "ask_names": meta.ask_names,
            "questions": questions,
            "reflections": reflections,
            "error": error,
        }),
    );
    (status, [(header::SET_COOKIE, set_cookie(JOINING, &joining))], page).into_response()
}

fn closed(meeting: &Meeting) -> Response {
    (
        StatusCode::FORBIDDEN,
        meeting.views.message_in(
                Frame::Phone,
            "De bijeenkomst is gesloten",
            "Er kunnen geen nieuwe deelnemers en antwoorden meer bij. Vraag de gespreksleider wat u kunt doen.",
            None,
        ),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct JoinForm {
    csrf: String,
    code: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    organisatie: String,
}

/// A name or organisation as typed: visible characters, at most 200.
fn typed_text(raw: &str) -> String {
    let text: String = raw.chars().filter(|c| !c.is_control()).take(200).collect();
    handreiking::mapping::visible(&text)
}

pub async fn join(
    State(meeting): State<Arc<Meeting>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<JoinForm>,
) -> Response {
    if cookie(&headers, JOINING) != Some(form.csrf.as_str()) {
        return forbidden(&meeting);
    }
    if let Ok(Some((_, p))) = participant(&meeting, &headers).await {
        return Redirect::to(&next_page(&meeting, &p).await).into_response();
    }
    let (naam, organisatie) = (typed_text(&form.naam), typed_text(&form.organisatie));
    let meta = match on(&meeting, Frame::Phone, |w| w.store.meta()).await {
        Ok(meta) => meta,
        Err(page) => return page,
    };
    if code::typed(&form.code).as_deref() != Some(meta.code.as_str()) {
        let error = "Deze code klopt niet. Kijk nog eens op het scherm in de zaal: zes tekens, hoofdletters en cijfers.";
        return join_page(&meeting, &form.code, &naam, &organisatie, Some(error), StatusCode::BAD_REQUEST)
            .await;
    }
    let (naam, organisatie) =
        if meta.ask_names { (naam, organisatie) } else { (String::new(), String::new()) };
    let token = code::token();
    let (stored, max) = (token.clone(), meeting_max(&meeting));
    let joined =
        on(&meeting, Frame::Phone, move |w| w.store.join(&stored, &naam, &organisatie, now(), max)).await;
    match joined {
        Err(page) => page,
        Ok(Err(Refused::Closed)) => closed(&meeting),
        Ok(Err(Refused::Full)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            meeting.views.message_in(
                Frame::Phone,
                "De bijeenkomst is vol",
                "Het hoogste aantal deelnemers is bereikt. Vraag de gespreksleider of u met iemand kunt meekijken.",
                None,
            ),
        )
            .into_response(),
        Ok(Ok(_)) => {
            meeting.touch();
            ([(header::SET_COOKIE, set_cookie(TOKEN, &token))], Redirect::to("/vraag/1").into_response()).into_response()
        }
    }
}

fn meeting_max(meeting: &Meeting) -> usize {
    meeting.workshop.read().ok().and_then(|w| w.as_ref().map(|w| w.max_participants)).unwrap_or(0)
}

fn forbidden(meeting: &Meeting) -> Response {
    (
        StatusCode::FORBIDDEN,
        meeting.views.message_in(
            Frame::Phone,
            "Dit formulier is verlopen",
            "Open de pagina opnieuw en probeer het nog eens.",
            Some(("/", "Opnieuw beginnen")),
        ),
    )
        .into_response()
}

/// A reflection's page: its questions with A and B, the answers given so far checked.
pub async fn question(
    State(meeting): State<Arc<Meeting>>,
    headers: HeaderMap,
    Path(n): Path<usize>,
) -> Response {
    let (token, p) = match participant(&meeting, &headers).await {
        Err(page) => return page,
        Ok(None) => return Redirect::to("/").into_response(),
        Ok(Some(found)) => found,
    };
    question_page(&meeting, &token, &p, n, &[], StatusCode::OK).await
}

async fn question_page(
    meeting: &Arc<Meeting>,
    token: &str,
    p: &Participant,
    n: usize,
    missing: &[String],
    status: StatusCode,
) -> Response {
    let (answers, missing) = (p.answers.clone(), missing.to_vec());
    let view = on(meeting, Frame::Phone, move |w| {
        let Some(reflectie) = w.reflection(n) else { return Ok(None) };
        let vragen: Vec<_> = reflectie
            .vragen
            .iter()
            .map(|v| json!({ "id": v.id, "nummer": v.nummer, "tekst": v.tekst, "antwoord": answers.get(&v.id).map(|l| l.as_str()) }))
            .collect();
        let missing: Vec<_> = reflectie
            .vragen
            .iter()
            .filter(|v| missing.contains(&v.id))
            .map(|v| json!({ "id": v.id, "nummer": v.nummer }))
            .collect();
        Ok(Some(json!({
            "title": format!("{}. {}", reflectie.nummer, reflectie.titel),
            "reflectie": format!("{}. {}", reflectie.nummer, reflectie.titel),
            "n": n,
            "total": w.h.reflecties.len(),
            "vragen": vragen,
            "missing": missing,
            "label_a": w.h.labels.get(Letter::A).label,
            "label_b": w.h.labels.get(Letter::B).label,
        })))
    })
    .await;
    match view {
        Err(page) => page,
        Ok(None) => not_found(State(meeting.clone())).await,
        Ok(Some(mut view)) => {
            view["csrf"] = csrf(token).into();
            (status, meeting.views.page("vraag.html", view)).into_response()
        }
    }
}

/// A reflection's answers: stored, then the next page (or the advice).
pub async fn answer(
    State(meeting): State<Arc<Meeting>>,
    headers: HeaderMap,
    Path(n): Path<usize>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let (token, p) = match participant(&meeting, &headers).await {
        Err(page) => return page,
        Ok(None) => return Redirect::to("/").into_response(),
        Ok(Some(found)) => found,
    };
    let given = form.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
    if given != Some(csrf(&token).as_str()) {
        return forbidden(&meeting);
    }
    let checked =
        on(&meeting, Frame::Phone, move |w| Ok((w.answers_from_form(n, &form), w.h.reflecties.len()))).await;
    let (answers, total) = match checked {
        Err(page) => return page,
        Ok((Err(missing), _)) if missing.is_empty() => return not_found(State(meeting)).await,
        Ok((Err(missing), _)) => {
            return question_page(&meeting, &token, &p, n, &missing, StatusCode::BAD_REQUEST).await;
        }
        Ok((Ok(answers), total)) => (answers, total),
    };
    let number = p.number;
    let mut all = p.answers.clone();
    all.extend(answers.iter().cloned());
    let stored = on(&meeting, Frame::Phone, move |w| {
        let finished = w.h.vragen().all(|(_, v)| all.contains_key(&v.id));
        w.store.answer(number, &answers, finished, now())
    })
    .await;
    match stored {
        Err(page) => page,
        Ok(false) => closed(&meeting),
        Ok(true) => {
            meeting.touch();
            let next = if n >= total { "/advies".to_string() } else { format!("/vraag/{}", n + 1) };
            Redirect::to(&next).into_response()
        }
    }
}

/// The participant's advice, at once, as a page.
pub async fn advice(State(meeting): State<Arc<Meeting>>, headers: HeaderMap) -> Response {
    let p = match participant(&meeting, &headers).await {
        Err(page) => return page,
        Ok(None) => return Redirect::to("/").into_response(),
        Ok(Some((_, p))) => p,
    };
    let view = on(&meeting, Frame::Phone, move |w| Ok(advice::view(&w.advice(&p)?, &w.h.labels))).await;
    match view {
        Err(page) => page,
        Ok(view) => meeting.views.page("advies.html", view).into_response(),
    }
}

/// The participant's PDF report, made by the render processes in turn (the
/// request waits for it); made again only when their answers changed.
pub async fn pdf(State(meeting): State<Arc<Meeting>>, headers: HeaderMap) -> Response {
    let p = match participant(&meeting, &headers).await {
        Err(page) => return page,
        Ok(None) => return Redirect::to("/").into_response(),
        Ok(Some((_, p))) => p,
    };
    let job = on(&meeting, Frame::Phone, move |w| {
        let path = w.report_path(&p);
        let respondent = w.respondent(&p, &w.date()?);
        Ok((path, respondent))
    })
    .await;
    let (path, respondent) = match job {
        Err(page) => return page,
        Ok(job) => job,
    };
    let shared = meeting.clone();
    let made = tokio::task::spawn_blocking(move || {
        if path.exists() {
            return Ok(path);
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        shared.pool.render("workshop", respondent, name)
    })
    .await
    .unwrap_or_else(|e| Err(e.to_string()));
    match made.and_then(|path| std::fs::read(&path).map_err(|e| e.to_string())) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    crate::web::page::disposition("attachment", "Mijn adviesrapport.pdf"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(why) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            meeting.views.message_in(
                Frame::Phone,
                "Uw rapport kon niet worden gemaakt",
                &format!("Probeer het over een minuut opnieuw. ({why})"),
                Some(("/advies", "Terug naar uw advies")),
            ),
        )
            .into_response(),
    }
}

pub async fn privacy(State(meeting): State<Arc<Meeting>>) -> Response {
    let ask_names = on(&meeting, Frame::Phone, |w| Ok(w.store.meta()?.ask_names)).await.unwrap_or(true);
    meeting.views.page("privacy.html", json!({ "title": "Privacy", "ask_names": ask_names })).into_response()
}

pub async fn not_found(State(meeting): State<Arc<Meeting>>) -> Response {
    let page = meeting.views.message_in(
        Frame::Phone,
        "Pagina niet gevonden",
        "Dit adres bestaat niet.",
        Some(("/", "Naar het begin")),
    );
    (StatusCode::NOT_FOUND, page).into_response()
}
