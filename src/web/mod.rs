//! `handreiking serve`: the whole job in a browser, for consultants who never
//! open a terminal. A second front end beside the CLI: pages (minijinja) over
//! the same library functions (`check`, `inspect`, `preview`, `report`, …).
//!
//! Local only: it listens on 127.0.0.1, refuses requests whose Host or Origin
//! is not that address (DNS rebinding, cross-site posts) and every request a
//! page on another site makes, and keeps every upload and report in a private
//! temporary folder per session, behind an unguessable id in the address,
//! deleted when the session ends or the app stops (or, after a crash, when it
//! starts again).

pub mod desktop;
mod download;
mod earlier;
mod forms;
mod mail;
mod page;
mod pages;
mod root;
mod run;
mod session;
mod views;
pub mod workshop;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use session::Sessions;

/// How the app is served.
pub struct ServeOptions {
    /// 0: any free port.
    pub port: u16,
    /// Largest upload, in bytes (all files of one upload together).
    pub max_upload: usize,
    /// Minutes without a request after which a session and its files are deleted.
    pub keep_minutes: u64,
    /// Render processes, as `report` uses them.
    pub processes: Option<handreiking::batch::processes::Processes>,
    /// The folder of the send log, for every batch of every session.
    pub send_log: PathBuf,
    /// Started as a desktop program: stop once no page of it has been open for this long.
    pub stop_when_gone: Option<std::time::Duration>,
}

/// What every handler shares.
pub struct App {
    pub settings: handreiking::Settings,
    pub options: ServeOptions,
    pub sessions: Sessions,
    pub views: views::Views,
    /// The address it listens on, for the Host and Origin checks.
    pub addr: SocketAddr,
    /// Whether any page of it is open, for a desktop program to stop by itself.
    pub lifetime: desktop::Lifetime,
}

impl App {
    /// The options `report` gets from the web app: the command line's defaults,
    /// with this app's render processes.
    pub fn report_options(
        &self,
        sheets: handreiking::SheetOptions,
        cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
        earlier: Option<handreiking::followup::EarlierOptions>,
    ) -> handreiking::ReportOptions {
        handreiking::ReportOptions {
            processes: self.options.processes.clone(),
            cancel,
            earlier,
            ..handreiking::ReportOptions::new(sheets)
        }
    }
}

/// The folder all sessions live in, for removing it when the app is stopped.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Removes every session's files (on Ctrl-C, before the process exits).
pub fn remove_temporary_files() {
    if let Some(root) = ROOT.get() {
        let _ = std::fs::remove_dir_all(root);
    }
}

/// Starts the app and serves until the process is stopped. `started` gets the
/// address once it listens (to print it, and open a browser).
pub fn serve(
    settings: handreiking::Settings,
    options: ServeOptions,
    started: impl FnOnce(&str),
) -> Result<(), handreiking::Error> {
    // Loaded once up front: a broken content folder, brand or template stops
    // the app before it listens, as it would stop `report`.
    let h = handreiking::load_content(&settings)?;
    let brand = settings.brand()?;
    settings.engine(&brand)?;
    runtime()?.block_on(async move {
        let (listener, addr) = listen_locally(options.port).await?;
        let tmp = std::env::temp_dir();
        root::remove_stale(&tmp);
        let root = root::Root::create(&tmp).map_err(|source| handreiking::Error::Io {
            action: "create folder",
            path: tmp,
            source,
        })?;
        let _ = ROOT.set(root.path.clone());
        let app = Arc::new(App {
            sessions: Sessions::new(root.path.clone()),
            views: views::Views::new(h).with_quit(),
            settings,
            options,
            addr,
            lifetime: desktop::Lifetime::default(),
        });
        tokio::spawn(session::reap(app.clone()));
        if let Some(gone_for) = app.options.stop_when_gone {
            tokio::spawn(desktop::watch(app.clone(), gone_for));
        }
        let url = format!("http://{addr}/");
        started(&url);
        // From here on every file the app and its render processes make (uploads,
        // mapping files, reports, manifests) is for this account only. Not before:
        // a browser `--open` starts keeps the user's own umask. Nothing else is
        // written outside the root, which is private already.
        #[cfg(unix)]
        // SAFETY: only sets this process's file creation mask.
        unsafe {
            libc::umask(0o077);
        }
        axum::serve(listener, router(app))
            .await
            .map_err(|e| handreiking::Error::Usage(format!("the web server stopped: {e}")))?;
        drop(root);
        Ok(())
    })
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(pages::start))
        .route("/stijl.css", get(pages::stylesheet))
        .route("/app.js", get(pages::script))
        .route("/leeft", get(desktop::alive))
        .route("/afsluiten", post(desktop::quit))
        .route("/s/{id}/", get(pages::choose))
        .route("/s/{id}/bestanden", post(pages::upload).layer(DefaultBodyLimit::disable()))
        .route("/s/{id}/bestand/{n}/weg", post(pages::remove_file))
        .route("/s/{id}/controleren", get(pages::check))
        .route("/s/{id}/koppeling", post(pages::save_mapping))
        .route("/s/{id}/koppelen", post(pages::save_match_column))
        .route("/s/{id}/koppeling.toml", get(pages::download_mapping))
        .route("/s/{id}/koppeling-nulmeting.toml", get(pages::download_earlier_mapping))
        .route("/s/{id}/rapporten", get(pages::reports))
        .route("/s/{id}/voorbeeld/{page}", get(pages::preview_page))
        .route("/s/{id}/voorbeeld.pdf", get(pages::preview_pdf))
        .route("/s/{id}/maken", post(run::start))
        .route("/s/{id}/voortgang", get(run::progress_page))
        .route("/s/{id}/voortgang/stroom", get(run::progress_events))
        .route("/s/{id}/stoppen", post(run::stop))
        .route("/s/{id}/rapporten.zip", get(run::download_zip))
        .route("/s/{id}/bestand/{name}", get(run::download_one))
        .route("/s/{id}/versturen", get(mail::page))
        .route("/s/{id}/versturen/afzender", post(mail::save_sender))
        .route("/s/{id}/versturen/concepten.zip", post(mail::drafts))
        .route("/s/{id}/versturen/controleren", post(mail::confirm))
        .route("/s/{id}/versturen/starten", post(mail::start))
        .route("/s/{id}/versturen/voortgang", get(mail::progress_page))
        .route("/s/{id}/versturen/stroom", get(mail::progress_events))
        .route("/s/{id}/versturen/stoppen", post(mail::stop))
        .route("/s/{id}/versturen/opnieuw", post(mail::again))
        .route("/s/{id}/wissen", post(pages::end_session))
        .fallback(page::not_found)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// The web server's runtime (the web app's, and the live meeting's).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, handreiking::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| handreiking::Error::Usage(format!("cannot start the web server: {e}")))
}

/// A listener on 127.0.0.1 (`port` 0: any free one), and its address.
pub(crate) async fn listen_locally(
    port: u16,
) -> Result<(tokio::net::TcpListener, SocketAddr), handreiking::Error> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        handreiking::Error::Usage(format!(
            "cannot listen on 127.0.0.1:{port}: {e}; choose another port with --port N (0: any free port)"
        ))
    })?;
    let addr = listener.local_addr().map_err(|e| handreiking::Error::Usage(e.to_string()))?;
    Ok((listener, addr))
}

/// Only requests for this address, and posts from its own pages: a page on
/// another site (or a DNS name rebound to 127.0.0.1) cannot drive the app.
async fn guard(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    app.lifetime.touch();
    let port = app.addr.port();
    let hosts = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    checked(&hosts, &app.views, request, next).await
}

/// The checks every listener makes (the web app's, and the live meeting's two):
/// the Host is one of `hosts`, nothing comes from another site, a post comes
/// from a page of this address; and the headers every response carries.
pub(crate) async fn checked(
    hosts: &[String],
    views: &views::Views,
    request: Request,
    next: Next,
) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        return refused(
            views,
            "Dit adres hoort niet bij deze app. Open de app via het adres dat bij het starten werd getoond.",
        );
    }
    // Any request a page on another site makes (a link, an image, a form, a
    // script's fetch), GET included: opening the app makes a session, and its
    // pages show personal data. Browsers say so in Sec-Fetch-Site; `same-site`
    // (another port of this machine), `none` (typed, a bookmark, `--open`)
    // and none at all (not a browser) pass, with the Origin check for posts.
    let site = request.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site.is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return refused(
            views,
            "Deze pagina werd geopend vanaf een andere website. Om uw gegevens te beschermen doet de app niets \
             voor een andere website. Typ of plak het adres dat bij het starten werd getoond in de adresbalk van \
             de browser, of klik op de link in het venster waarin de app draait.",
        );
    }
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD);
    if unsafe_method && !same_origin(request.headers(), hosts) {
        return refused(views, "Dit verzoek komt niet van een pagina van deze app en is geweigerd.");
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not `no-referrer`: browsers then send `Origin: null` on the app's own posts.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Answers and reports are personal: never kept in a browser's cache.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// A post is from this app's pages when its Origin (or, without one, its
/// Referer) is this address. Browsers send Origin on every cross-site post;
/// a request without either is not from a browser page (a test, curl).
fn same_origin(headers: &HeaderMap, hosts: &[String]) -> bool {
    let from = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    let matches = |url: &str| {
        let rest = url.strip_prefix("http://").unwrap_or("");
        let host = rest.split('/').next().unwrap_or("");
        hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    };
    match (from(header::ORIGIN), from(header::REFERER)) {
        (Some(origin), _) => matches(origin),
        (None, Some(referer)) => matches(referer),
        (None, None) => headers.get("sec-fetch-site").is_none(),
    }
}

fn refused(views: &views::Views, message: &str) -> Response {
    (StatusCode::FORBIDDEN, views.message("Geweigerd", message, None)).into_response()
}
