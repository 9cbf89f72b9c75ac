//! Step 4, sending the reports: the same machinery as `handreiking mail`
//! (its plan, drafts, SMTP sending and send log), on pages in Dutch. The send
//! log is one folder for all of the app's batches (`serve --send-log`), so
//! what went out is never sent again, in this session or a later one, or by
//! `handreiking mail --send-log` on the same folder.
//!
//! The SMTP password is typed on the page, kept in memory until the run it
//! was typed for has started, and never written anywhere or shown again.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use handreiking::mail::{Password, Planned, Security, SendResult, Sender, Skip, SmtpServer};
use serde_json::json;

use super::App;
use super::download::Entry;
use super::page::{Found, blocking, frame, gone, with};
use super::session::{MailChoices as Choices, MailRun, MailSent as Sent, PendingSend as Pending, Session};

fn options(app: &App, choices: &Choices, dry_run: bool) -> handreiking::mail::MailOptions {
    handreiking::mail::MailOptions {
        brand: app.settings.brand.clone(),
        allow_shared_address: choices.shared,
        dry_run,
        log_dir: Some(app.options.send_log.clone()),
        sender: choices.sender.clone(),
        send_newer: choices.newer,
    }
}

/// The session's reports can be mailed: a batch has finished and wrote some.
fn reports_made(session: &Session) -> bool {
    session.batch.as_ref().is_some_and(|b| {
        b.finished.lock().unwrap().as_ref().and_then(|f| f.outcome.as_ref()).is_some_and(|o| o.written() > 0)
    })
}

/// Step 4: the sender, one mail as it will look, who gets what and who not,
/// and the two ways to send (drafts, or the mail server).
pub async fn page(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let (dir, choices, frame) = {
        let session = shared.lock().unwrap();
        if session.mail.is_some() {
            return Redirect::to(&format!("/s/{id}/versturen/voortgang")).into_response();
        }
        if !reports_made(&session) {
            return Redirect::to(&format!("/s/{id}/rapporten")).into_response();
        }
        (session.reports_dir(), session.choices.clone(), frame(&app, &session, 4, "Versturen"))
    };
    let brand = app.settings.brand.clone();
    let view = blocking({
        let app = app.clone();
        move || plan_view(&app, &dir, &choices, brand.as_deref())
    })
    .await
    .unwrap_or_else(|e| json!({ "error": e }));
    let shown = {
        let session = shared.lock().unwrap();
        serde_json::from_str(&session.shown_in_json(&view.to_string())).unwrap_or(view)
    };
    app.views.page("versturen.html", with(frame, shown)).into_response()
}

/// The plan as the page shows it (a dry run: nothing is locked or written).
fn plan_view(
    app: &App,
    dir: &std::path::Path,
    choices: &Choices,
    brand: Option<&std::path::Path>,
) -> serde_json::Value {
    let sender =
        choices.sender.clone().or_else(|| handreiking::mail::brand_sender(brand).ok()).unwrap_or_default();
    let mut view = json!({
        "sender": {
            "naam": sender.naam,
            "email": sender.email,
            "antwoord_aan": sender.antwoord_aan.clone().unwrap_or_default(),
            "typed": choices.sender.is_some(),
        },
        "shared": choices.shared,
        "newer": choices.newer,
        "log": app.options.send_log.join(handreiking::mail::LOG).display().to_string(),
    });
    if sender.email.trim().is_empty() {
        view["no_sender"] = true.into();
        return view;
    }
    let plan = match handreiking::mail::plan(dir, &options(app, choices, true)) {
        Ok(plan) => plan,
        Err(e) => {
            view["error"] = e.to_string().into();
            return view;
        }
    };
    view["ready"] = plan.ready().map(row).collect();
    view["skipped"] =
        plan.skipped().map(|item| with(row(item), json!({ "why": reason(item.skip.as_ref()) }))).collect();
    view["notes"] = plan.notes.clone().into();
    view["newer_skipped"] =
        plan.skipped().any(|i| matches!(i.skip, Some(Skip::Sent { same_report: false, .. }))).into();
    view["shared_skipped"] =
        plan.skipped().any(|i| matches!(i.skip, Some(Skip::SharedAddress { .. }))).into();
    match plan.preview() {
        Some(Ok(preview)) => {
            view["preview"] = json!({
                "from": preview.from,
                "reply_to": preview.reply_to,
                "to": preview.to,
                "subject": preview.subject,
                "text": preview.text,
                "attachment": preview.attachment,
                "size": size(preview.bytes),
            })
        }
        Some(Err(e)) => view["error"] = e.to_string().into(),
        None => {}
    }
    view
}

fn row(item: &Planned) -> serde_json::Value {
    json!({
        "naam": item.respondent,
        "adres": item.address.as_deref().unwrap_or("").trim(),
        "rapport": item.report_name().unwrap_or_default(),
        "rij": item.row,
        "bestand": item.source,
    })
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{} kB", bytes.div_ceil(1_000)),
        _ => format!("{:.1} MB", bytes as f64 / 1e6).replace('.', ","),
    }
}

#[derive(serde::Deserialize)]
pub struct SenderForm {
    naam: String,
    email: String,
    #[serde(default)]
    antwoord_aan: String,
    #[serde(default)]
    gedeeld: Option<String>,
    #[serde(default)]
    nieuwer: Option<String>,
}

/// The sender and options for this session (never written to the brand file).
pub async fn save_sender(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    axum::Form(form): axum::Form<SenderForm>,
) -> Response {
    let mut session = shared.lock().unwrap();
    if session.ended {
        return gone(&app);
    }
    let email = form.email.trim().to_string();
    let reply = form.antwoord_aan.trim().to_string();
    for (label, address) in [("van de afzender", &email), ("voor antwoorden", &reply)] {
        if address.is_empty() && label == "voor antwoorden" {
            continue;
        }
        if let Err(why) = handreiking::mail::address::recipient(address) {
            let why = match why {
                handreiking::mail::address::Unmailable::NoAddress => "er is geen adres ingevuld".to_string(),
                handreiking::mail::address::Unmailable::Invalid(invalid) => address_reason(&invalid.why),
            };
            let page = app.views.message(
                "Dit adres klopt niet",
                &format!("Het e-mailadres {label}, “{address}”, is niet bruikbaar: {why}."),
                Some((&format!("/s/{id}/versturen"), "Terug naar versturen")),
            );
            return (axum::http::StatusCode::BAD_REQUEST, page).into_response();
        }
    }
    let brand = handreiking::mail::brand_sender(app.settings.brand.as_deref()).ok();
    let sender = Sender {
        naam: form.naam.trim().chars().filter(|c| !c.is_control()).take(200).collect(),
        email,
        antwoord_aan: Some(reply).filter(|r| !r.is_empty()),
    };
    session.choices = Choices {
        sender: Some(sender).filter(|s| Some(s) != brand.as_ref()),
        shared: form.gedeeld.is_some(),
        newer: form.nieuwer.is_some(),
    };
    Redirect::to(&format!("/s/{id}/versturen")).into_response()
}

/// Drafts: a `.eml` per mail (X-Unsent), as one zip to open in a mail program.
pub async fn drafts(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let (dir, choices) = {
        let session = shared.lock().unwrap();
        if session.running() || !reports_made(&session) {
            return Redirect::to(&format!("/s/{id}/versturen")).into_response();
        }
        (session.reports_dir(), session.choices.clone())
    };
    let written = blocking({
        let app = app.clone();
        let dir = dir.clone();
        move || {
            let plan = handreiking::mail::plan(&dir, &options(&app, &choices, false))?;
            handreiking::mail::write_drafts(&plan)
        }
    })
    .await;
    match written {
        Ok(Ok(drafts)) => {
            let entries = drafts
                .written
                .iter()
                .filter_map(|(_, path)| {
                    let name = path.file_name()?.to_string_lossy().into_owned();
                    Some(Entry::File { name, path: path.clone() })
                })
                .collect();
            super::download::zip("concepten.zip", entries)
        }
        Ok(Err(e)) => failed(&app, &id, "De concepten konden niet worden gemaakt", &e.to_string()),
        Err(e) => failed(&app, &id, "De concepten konden niet worden gemaakt", &e),
    }
}

fn failed(app: &App, id: &str, title: &str, why: &str) -> Response {
    let page = app.views.message(title, why, Some((&format!("/s/{id}/versturen"), "Terug naar versturen")));
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, page).into_response()
}

#[derive(serde::Deserialize)]
pub struct ServerForm {
    server: String,
    #[serde(default)]
    poort: String,
    beveiliging: String,
    #[serde(default)]
    gebruiker: String,
    #[serde(default)]
    wachtwoord: String,
}

/// The server details, checked; then the page that says how many mails go
/// out and asks to confirm. The password waits in memory only.
pub async fn confirm(
    State(app): State<Arc<App>>,
    Found { id, session: shared }: Found,
    axum::Form(form): axum::Form<ServerForm>,
) -> Response {
    let back = format!("/s/{id}/versturen");
    let wrong = |text: &str| {
        let page = app.views.message("Controleer de mailserver", text, Some((&back, "Terug naar versturen")));
        (axum::http::StatusCode::BAD_REQUEST, page).into_response()
    };
    let security = match form.beveiliging.as_str() {
        "starttls" => Security::StartTls,
        "tls" => Security::Tls,
        "geen" => Security::None,
        _ => return wrong("Kies hoe de verbinding wordt beveiligd."),
    };
    let host = form.server.trim();
    if host.is_empty() {
        return wrong("Vul de naam van de mailserver in, bijvoorbeeld smtp.organisatie.nl.");
    }
    if security == Security::None && !handreiking::mail::is_loopback(host) {
        return wrong(
            "Zonder beveiliging zouden de rapporten en het wachtwoord onversleuteld over het netwerk gaan. \
             Dat kan alleen naar deze computer zelf (een testserver). Kies STARTTLS (poort 587) of TLS (poort 465).",
        );
    }
    let spec = match form.poort.trim() {
        "" => host.to_string(),
        port => match port.parse::<u16>() {
            Ok(port) if port > 0 && host.contains(':') => format!("[{host}]:{port}"),
            Ok(port) if port > 0 => format!("{host}:{port}"),
            _ => return wrong(&format!("“{port}” is geen poortnummer (zoals 587 of 465).")),
        },
    };
    let server = match SmtpServer::new(&spec, security) {
        Ok(server) => server,
        Err(e) => return wrong(&format!("Deze server kan niet worden gebruikt: {e}")),
    };
    let user = Some(form.gebruiker.trim().to_string()).filter(|u| !u.is_empty());
    if user.is_some() && form.wachtwoord.is_empty() {
        return wrong(
            "Vul het wachtwoord in bij de gebruikersnaam (of laat beide leeg als de server dat niet vraagt).",
        );
    }
    let (dir, choices, frame) = {
        let session = shared.lock().unwrap();
        if session.ended {
            return gone(&app);
        }
        if session.running() || !reports_made(&session) {
            return Redirect::to(&back).into_response();
        }
        (session.reports_dir(), session.choices.clone(), frame(&app, &session, 4, "Versturen bevestigen"))
    };
    let count = blocking({
        let app = app.clone();
        move || handreiking::mail::plan(&dir, &options(&app, &choices, true)).map(|plan| plan.ready().count())
    })
    .await;
    let count = match count {
        Ok(Ok(count)) => count,
        Ok(Err(e)) => return failed(&app, &id, "Versturen kan niet", &e.to_string()),
        Err(e) => return failed(&app, &id, "Versturen kan niet", &e),
    };
    let view = json!({
        "count": count,
        "server": server.name(),
        "user": user,
        "security": match security { Security::StartTls => "STARTTLS", Security::Tls => "TLS", Security::None => "zonder beveiliging" },
    });
    let password = user.as_ref().map(|_| Password::new(form.wachtwoord));
    let mut session = shared.lock().unwrap();
    session.pending = Some(Pending { server, user, password });
    let view = serde_json::from_str(&session.shown_in_json(&view.to_string())).unwrap_or(view);
    app.views.page("versturen-bevestigen.html", with(frame, view)).into_response()
}

/// Confirmed: the run starts in the background, with the password it was confirmed with.
pub async fn start(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let mut session = shared.lock().unwrap();
    if session.ended {
        return gone(&app);
    }
    let Some(pending) = session.pending.take() else {
        return Redirect::to(&format!("/s/{id}/versturen")).into_response();
    };
    if session.running() || !reports_made(&session) {
        return Redirect::to(&format!("/s/{id}/versturen")).into_response();
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let run: Arc<MailRun> = Arc::new(MailRun::new(cancel.clone(), "Verbinden met de mailserver…"));
    session.mail = Some(run.clone());
    let (dir, choices, session_dir) = (session.reports_dir(), session.choices.clone(), session.dir.clone());
    drop(session);
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let sent = send(&app, &dir, &choices, pending, &cancel, &run);
        if run.finish(sent) {
            let _ = std::fs::remove_dir_all(&session_dir);
        }
    });
    Redirect::to(&format!("/s/{id}/versturen/voortgang")).into_response()
}

fn send(
    app: &App,
    dir: &std::path::Path,
    choices: &Choices,
    pending: Pending,
    cancel: &AtomicBool,
    run: &MailRun,
) -> Sent {
    let mut sent = Sent { rows: vec![], sent: 0, stopped: None, not_tried: 0, error: None };
    let plan = match handreiking::mail::plan(dir, &options(app, choices, false)) {
        Ok(plan) => plan,
        Err(e) => {
            sent.error = Some(e.to_string());
            return sent;
        }
    };
    let total = plan.ready().count();
    run.progress.send_modify(|p| p.totaal = total);
    let Pending { server, user, password } = pending;
    let options = handreiking::mail::SendOptions { user, password, per_minute: None, bcc_sender: false };
    let progress = |done: usize, total: usize, _: &Planned, _: &SendResult| {
        run.progress.send_modify(|p| {
            p.klaar = done;
            p.totaal = total;
            p.status = "E-mails versturen…".into();
        })
    };
    match handreiking::mail::send(&plan, &server, &options, &progress, cancel) {
        Ok(outcome) => {
            sent.sent = outcome.sent();
            sent.stopped = outcome.stopped.clone();
            sent.not_tried = outcome.not_tried;
            sent.rows = outcome
                .results
                .iter()
                .map(|(i, result)| {
                    let item = &plan.items[*i];
                    let (ok, what) = match result {
                        SendResult::Sent { .. } => (true, "verstuurd".to_string()),
                        SendResult::Refused { error } => (false, format!("geweigerd door de mailserver: {error}")),
                        SendResult::Uncertain { error } => (
                            false,
                            format!("de verbinding brak tijdens het versturen ({error}); de e-mail kan zijn aangekomen"),
                        ),
                        SendResult::Skipped(skip) => (false, reason(Some(skip))),
                    };
                    with(row(item), json!({ "ok": ok, "uitkomst": what }))
                })
                .collect();
        }
        Err(e) => sent.error = Some(e.to_string()),
    }
    sent
}

/// The run's progress; once done, what happened to every row.
pub async fn progress_page(State(app): State<Arc<App>>, Found { id, session: shared }: Found) -> Response {
    let session = shared.lock().unwrap();
    let Some(run) = session.mail.clone() else {
        return Redirect::to(&format!("/s/{id}/versturen")).into_response();
    };
    let progress = run.progress.borrow().clone();
    let mut view = progress.view();
    if let Some(sent) = run.finished.lock().unwrap().as_ref() {
        view["sent"] = sent.sent.into();
        view["rows"] = sent.rows.clone().into();
        view["stopped"] = sent.stopped.as_deref().map(stopped_reason).into();
        view["not_tried"] = sent.not_tried.into();
        view["error"] = sent.error.as_deref().map(|e| session.shown(e)).into();
    }
    let title = if progress.bezig { "E-mails worden verstuurd" } else { "Versturen klaar" };
    let view = serde_json::from_str(&session.shown_in_json(&view.to_string())).unwrap_or(view);
    app.views.page("versturen-voortgang.html", with(frame(&app, &session, 4, title), view)).into_response()
}

pub async fn progress_events(State(app): State<Arc<App>>, Found { session: shared, .. }: Found) -> Response {
    let Some(run) = shared.lock().unwrap().mail.clone() else {
        return super::page::not_found(State(app)).await;
    };
    super::run::stream(run.progress.subscribe())
}

pub async fn stop(Found { id, session: shared }: Found) -> Response {
    if let Some(run) = &shared.lock().unwrap().mail {
        run.stop();
    }
    Redirect::to(&format!("/s/{id}/versturen/voortgang")).into_response()
}

/// Back to the mail page after a run (to send what is left, or see that nothing is).
pub async fn again(Found { id, session: shared }: Found) -> Response {
    let mut session = shared.lock().unwrap();
    if !session.mail.as_ref().is_some_and(|m| m.running()) {
        session.mail = None;
    }
    Redirect::to(&format!("/s/{id}/versturen")).into_response()
}

fn stopped_reason(why: &str) -> String {
    match why {
        "stopped on request" => "u heeft het versturen gestopt".into(),
        other => other.to_string(),
    }
}

/// Why a row gets no mail, in Dutch: the same reasons `mail` gives, with what to do on this page.
pub fn reason(skip: Option<&Skip>) -> String {
    let Some(skip) = skip else { return String::new() };
    match skip {
        Skip::NoReport { .. } => "voor deze rij is geen rapport gemaakt".into(),
        Skip::NoAddress => "geen e-mailadres".into(),
        Skip::InvalidAddress(invalid) => {
            format!("“{}” is geen bruikbaar e-mailadres: {}", invalid.raw, address_reason(&invalid.why))
        }
        Skip::SharedAddress { rows } => format!(
            "hetzelfde adres als rij {}; elk rapport gaat alleen naar de eigen deelnemer. Controleer het adres, \
             of kies hierboven dat één persoon meerdere rapporten mag krijgen",
            rows.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ")
        ),
        Skip::ReportChanged => {
            "het rapport is veranderd nadat het werd gemaakt; maak de rapporten opnieuw".into()
        }
        Skip::ReportMissing => "het rapport ontbreekt".into(),
        Skip::Sent { time, to, same_report: true, .. } => format!("al verstuurd aan {to} op {}", when(time)),
        Skip::Sent { time, to, same_report: false, .. } => format!(
            "een eerdere versie van dit rapport is verstuurd aan {to} op {}; kies hierboven ‘ook nieuwere \
             versies sturen’ om deze ook te sturen",
            when(time)
        ),
        Skip::Uncertain { time, to } => format!(
            "het versturen aan {to} begon op {} en werd niet afgemaakt, dus de e-mail kan zijn aangekomen; \
             vraag het na bij de ontvanger",
            when(time)
        ),
    }
}

/// A send log's time (`2026-12-05T09:30:00Z`) as a reader here writes it (UTC).
fn when(time: &str) -> String {
    match (time.get(0..10), time.get(11..16)) {
        (Some(day), Some(clock)) => format!("{day} om {clock} (UTC)"),
        _ => time.to_string(),
    }
}

/// Why a cell is not one e-mail address, in Dutch (the check page says the same).
pub fn address_reason(why: &handreiking::mapping::address::Why) -> String {
    use handreiking::mapping::address::Why;
    match why {
        Why::Several => "meer dan één adres, een naam bij het adres, een spatie of een regeleinde: \
                         per rij hoort er precies één adres te staan"
            .into(),
        Why::MissingParts => "er ontbreekt een naam, een @ of een domein".into(),
        Why::InvalidUser => "het deel vóór de @ is geen geldig adres".into(),
        Why::InvalidDomain => "het domein na de @ is niet geldig".into(),
        Why::NotOne => "dit is niet geschreven als één e-mailadres".into(),
        Why::NoDot(domain) => format!("het domein “{domain}” heeft geen punt (zoals voorbeeld.nl)"),
    }
}
