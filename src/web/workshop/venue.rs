//! The participants' listener on the venue's network: the phone pages and
//! nothing else, for the one address it was opened on, with small bodies and
//! a limit on how fast any one phone may ask.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Meeting, VENUE_PORT, phone};

/// A form from a phone is a few hundred bytes; nothing bigger is read.
const BODY_LIMIT: usize = 16 * 1024;

pub struct Venue {
    /// What participants type (and the QR code holds): `http://ADDR:PORT/`.
    pub url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// `ADDR` or `ADDR:PORT` (`[v6]:PORT` for IPv6) as the address to listen on.
pub fn parse(spec: &str) -> Result<SocketAddr, String> {
    let spec = spec.trim();
    if let Ok(addr) = spec.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = spec.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => Ok(SocketAddr::new(ip, VENUE_PORT)),
        Err(_) => Err(format!(
            "`{spec}` is not an address of this machine: give its IP address on the venue's network, \
             as ADDR or ADDR:PORT (e.g. 192.168.1.20 or 192.168.1.20:{VENUE_PORT}); `handreiking workshop` \
             without --venue lists this machine's addresses on its page"
        )),
    }
}

/// Starts serving the phone pages on `addr`; they stop when the Venue is dropped.
pub async fn open(meeting: Arc<Meeting>, addr: SocketAddr) -> Result<Venue, String> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        format!("cannot listen on {addr}: {e} (is it an address of this machine, and the port free?)")
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = router(meeting, addr).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Venue { url: format!("http://{addr}/"), _stop: stop })
}

/// The addresses this machine has that phones could reach (not loopback), to choose from.
pub fn addresses() -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && !i.is_link_local())
        .map(|i| (i.ip().to_string(), i.name))
        .collect();
    // IPv4 first: what people type.
    found.sort_by_key(|(ip, _)| ip.contains(':'));
    found
}

fn router(meeting: Arc<Meeting>, addr: SocketAddr) -> Router {
    Router::new()
        .route("/", get(phone::start))
        .route("/meedoen", axum::routing::post(phone::join))
        .route("/vraag/{n}", get(phone::question).post(phone::answer))
        .route("/advies", get(phone::advice))
        .route("/advies.pdf", get(phone::pdf))
        .route("/privacy", get(phone::privacy))
        .route("/stijl.css", get(crate::web::pages::stylesheet))
        .route("/app.js", get(crate::web::pages::script))
        .fallback(phone::not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state((meeting.clone(), addr), guard))
        .with_state(meeting)
}

/// The Host must be the address participants were given; then the checks of
/// every listener, and a limit per phone on how fast it may ask.
async fn guard(
    State((meeting, addr)): State<(Arc<Meeting>, SocketAddr)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let key = match phone::cookie(request.headers(), phone::TOKEN)
        .or_else(|| phone::cookie(request.headers(), phone::JOINING))
    {
        Some(token) => format!("c:{token}"),
        None => format!("ip:{}", peer.ip()),
    };
    if !meeting.limits.allow(&key) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            meeting.views.message_in(
                crate::web::views::Frame::Phone,
                "Even geduld",
                "Er kwamen te veel verzoeken tegelijk. Probeer het over een paar tellen opnieuw.",
                Some(("/", "Opnieuw")),
            ),
        )
            .into_response();
    }
    crate::web::checked(&[addr.to_string()], &meeting.views, request, next).await
}

/// Per phone (its cookie, or before it has one its address): a bucket of
/// requests that fills up again over time.
#[derive(Default)]
pub struct Limits {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Requests a phone may make at once, and per second after that. A person
/// tapping through the questions makes a few a minute; a page and its
/// stylesheet and script are three.
const BURST: f64 = 120.0;
const PER_SECOND: f64 = 30.0;
/// Phones remembered at most; the bucket of one not seen for a while is forgotten.
const REMEMBERED: usize = 10_000;

impl Limits {
    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= REMEMBERED {
            buckets.retain(|_, (_, seen)| now.duration_since(*seen).as_secs() < 60);
        }
        let (tokens, seen) = buckets.entry(key.to_string()).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*seen).as_secs_f64() * PER_SECOND).min(BURST);
        *seen = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn venue_addresses_as_typed() {
        assert_eq!(parse("192.168.1.20").unwrap(), "192.168.1.20:8766".parse().unwrap());
        assert_eq!(parse("192.168.1.20:9000").unwrap(), "192.168.1.20:9000".parse().unwrap());
        assert_eq!(parse("[::1]:9000").unwrap(), "[::1]:9000".parse().unwrap());
        assert_eq!(parse("::1").unwrap(), "[::1]:8766".parse().unwrap());
        assert!(parse("laptop.local").is_err());
    }

    #[test]
    fn a_flood_from_one_phone_is_held_back_and_others_still_pass() {
        let limits = Limits::default();
        let allowed = (0..1000).filter(|_| limits.allow("c:flood")).count();
        assert!((BURST as usize..BURST as usize + 50).contains(&allowed), "{allowed}");
        assert!(limits.allow("c:other"));
    }
}
