//! Sending over SMTP with lettre's client: one connection for the run, one
//! transaction per row, each logged before and after. A message the server
//! refuses is recorded and the run goes on (a re-run tries it again); a server
//! that says "try later" (4xx) or refuses the sender, and a broken connection,
//! stop the run cleanly, since the next messages would fare the same.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailParameter};

use super::log::{Entry, Event, SendLog};
use super::{Plan, Planned, Skip, server};
use crate::error::{Error, Result};

/// How the connection to the server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587): required, never skipped.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to this machine (a test server).
    None,
}

/// A mail server as `--smtp HOST[:PORT]` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl SmtpServer {
    /// Checks `HOST[:PORT]` (the port defaults to 587, 465 or 25). Without
    /// encryption only a loopback address is accepted; nothing is looked up
    /// or connected to here.
    pub fn new(spec: &str, security: Security) -> Result<SmtpServer> {
        let (host, port) = server::host_port(spec).map_err(Error::Usage)?;
        if security == Security::None && !server::is_loopback(&host) {
            return Err(Error::Usage(format!(
                "--tls none would send the reports and the password unencrypted to `{host}`; it is only \
                 allowed to this machine (localhost, 127.0.0.1, ::1), for testing. Use --tls starttls \
                 (port 587) or --tls tls (port 465)"
            )));
        }
        let port = port.unwrap_or(match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        });
        Ok(SmtpServer { host, port, security })
    }

    pub fn name(&self) -> String {
        match self.host.contains(':') {
            true => format!("[{}]:{}", self.host, self.port),
            false => format!("{}:{}", self.host, self.port),
        }
    }
}

/// A password that never shows in `Debug` output.
pub struct Password(String);

impl Password {
    pub fn new(password: impl Into<String>) -> Password {
        Password(password.into())
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(hidden)")
    }
}

#[derive(Debug, Default)]
pub struct SendOptions {
    /// Sign in as this user (with `password`).
    pub user: Option<String>,
    pub password: Option<Password>,
    /// At most this many messages a minute.
    pub per_minute: Option<u32>,
    /// A blind copy of every message to the sender.
    pub bcc_sender: bool,
}

/// What happened to one row's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// The server accepted it.
    Sent { message_id: String, response: String },
    /// The server refused it: it did not go; a re-run tries again.
    Refused { error: String },
    /// The connection broke while it was on its way: it may have arrived.
    Uncertain { error: String },
    /// Not sent: the report changed or went missing after planning, or
    /// another run has sent it since.
    Skipped(Skip),
}

#[derive(Debug, Default)]
pub struct SendOutcome {
    /// (index into the plan's items, what happened), in the order sent.
    pub results: Vec<(usize, SendResult)>,
    /// Why the run stopped before the end; the rows after it were not tried.
    pub stopped: Option<String>,
    /// Rows that were ready but not tried because the run stopped.
    pub not_tried: usize,
}

impl SendOutcome {
    pub fn sent(&self) -> usize {
        self.results.iter().filter(|(_, r)| matches!(r, SendResult::Sent { .. })).count()
    }
}

/// Sends a mail per ready row of the plan over one SMTP connection, calling
/// `progress` after each (done, total, row, result). Checks `cancel` between
/// messages. Fails (sending nothing) when the server cannot be reached or
/// refuses the sign-in.
pub fn send(
    plan: &Plan,
    server: &SmtpServer,
    options: &SendOptions,
    progress: &dyn Fn(usize, usize, &Planned, &SendResult),
    cancel: &AtomicBool,
) -> Result<SendOutcome> {
    plan.locked()?;
    let ready: Vec<usize> = (0..plan.items.len()).filter(|&i| plan.items[i].skip.is_none()).collect();
    let mut outcome = SendOutcome::default();
    if ready.is_empty() {
        return Ok(outcome);
    }
    let credentials = match (&options.user, &options.password) {
        (Some(user), Some(Password(password))) => Some(Credentials::new(user.clone(), password.clone())),
        (Some(user), None) => return Err(Error::Usage(format!("no password for the user `{user}`"))),
        (None, _) => None,
    };
    // Read again under the plan's lock (so it is what the plan saw), to append to.
    let (mut log, _) = SendLog::read(&plan.log)?;
    let mut conn = connect(server, credentials.as_ref())?;
    let from = plan.letter.from.email.clone();
    let interval =
        options.per_minute.filter(|&n| n > 0).map(|n| Duration::from_secs_f64(60.0 / f64::from(n)));
    let mut last_start: Option<Instant> = None;

    for (done, &i) in ready.iter().enumerate() {
        let item = &plan.items[i];
        if let (Some(interval), Some(last)) = (interval, last_start) {
            while last.elapsed() < interval && !cancel.load(Ordering::Relaxed) {
                std::thread::sleep((interval - last.elapsed()).min(Duration::from_millis(200)));
            }
        }
        if cancel.load(Ordering::Relaxed) {
            outcome.stopped = Some("stopped on request".into());
            outcome.not_tried = ready.len() - done;
            break;
        }
        let name = item.report_name().unwrap_or_default();
        let result = match (item.logged(&log), item.attachment()) {
            (Some(skip), _) | (None, Err(skip)) => SendResult::Skipped(skip),
            (_, Ok(pdf)) => {
                last_start = Some(Instant::now());
                let composed = plan.letter.compose(item, pdf, false)?;
                let mut recipients = vec![composed.to.clone()];
                if options.bcc_sender && composed.to != from {
                    recipients.push(from.clone());
                }
                let entry = |event, response: Option<String>| Entry {
                    time: crate::dates::iso_utc(now()),
                    event,
                    report: name.clone(),
                    naam: Some(item.naam().to_string()),
                    organisatie: Some(item.organisatie().to_string()),
                    nth: Some(item.nth).filter(|&n| n > 1),
                    source: item.source.clone(),
                    row: item.row,
                    to: composed.to.to_string(),
                    message_id: composed.message_id.clone(),
                    sha256: item.sha256.clone().unwrap_or_default(),
                    response,
                };
                // Logged (and synced) before the server sees it: a run that stops
                // in the middle leaves a line that says this one may have gone.
                log.append(entry(Event::Sending, None))?;
                match transmit(&mut conn, &from, &recipients, &composed.message.formatted()) {
                    Ok(response) => {
                        log.append(entry(Event::Sent, Some(response.clone())))?;
                        // A draft of it from an earlier run could be sent a second time by
                        // hand; its removal synced, so a crash cannot bring it back.
                        let draft = super::draft::draft_path(&plan.dir, &name);
                        if std::fs::remove_file(&draft).is_ok() {
                            let _ = super::log::sync_dir_of(&draft);
                        }
                        SendResult::Sent { message_id: composed.message_id.clone(), response }
                    }
                    Err(Failure::Refused { error, stop }) => {
                        log.append(entry(Event::Failed, Some(error.clone())))?;
                        if stop {
                            outcome.stopped = Some(format!("the server refused to go on: {error}"));
                        } else if let Err(e) = conn.command(Rset) {
                            outcome.stopped = Some(format!("the connection broke: {e}"));
                        }
                        SendResult::Refused { error }
                    }
                    Err(Failure::Broken { error, data_sent: false }) => {
                        log.append(entry(Event::Failed, Some(error.clone())))?;
                        outcome.stopped = Some(format!("the connection broke: {error}"));
                        SendResult::Refused { error }
                    }
                    Err(Failure::Broken { error, data_sent: true }) => {
                        log.append(entry(Event::Uncertain, Some(error.clone())))?;
                        outcome.stopped =
                            Some(format!("the connection broke while a message was on its way: {error}"));
                        SendResult::Uncertain { error }
                    }
                }
            }
        };
        progress(done + 1, ready.len(), item, &result);
        outcome.results.push((i, result));
        if outcome.stopped.is_some() {
            conn.abort();
            outcome.not_tried = ready.len() - done - 1;
            return Ok(outcome);
        }
    }
    let _ = conn.quit();
    Ok(outcome)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Connects, secures the connection and signs in.
fn connect(server: &SmtpServer, credentials: Option<&Credentials>) -> Result<SmtpConnection> {
    let fail = |message: String| Error::Smtp { server: server.name(), message };
    let tls = match server.security {
        Security::None => None,
        _ => Some(
            TlsParameters::new(server.host.clone())
                .map_err(|e| fail(format!("TLS cannot be set up: {e}")))?,
        ),
    };
    let wrapped = if server.security == Security::Tls { tls.as_ref() } else { None };
    let hello = ClientId::default();
    let mut conn = SmtpConnection::connect(
        (server.host.as_str(), server.port),
        Some(Duration::from_secs(60)),
        &hello,
        wrapped,
        None,
    )
    .map_err(|e| fail(format!("cannot connect: {e}")))?;
    if let (Security::StartTls, Some(tls)) = (server.security, &tls) {
        if !conn.can_starttls() {
            conn.abort();
            return Err(fail(
                "the server does not offer STARTTLS; use --tls tls if it speaks TLS from the start (usually port 465)"
                    .into(),
            ));
        }
        conn.starttls(tls, &hello).map_err(|e| fail(format!("STARTTLS failed: {e}")))?;
    }
    if let Some(credentials) = credentials {
        // The password goes to the server and nowhere else: not into messages or the log.
        conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials).map_err(|e| {
            fail(format!("signing in failed: {e}; check --smtp-user and HANDREIKING_SMTP_PASSWORD"))
        })?;
    }
    Ok(conn)
}

enum Failure {
    /// The server answered no; `stop` when the next messages would fare the
    /// same (it refuses the sender, or says to try later).
    Refused { error: String, stop: bool },
    /// No answer; `data_sent` when the message itself was on its way.
    Broken { error: String, data_sent: bool },
}

/// One SMTP transaction (MAIL, RCPT, DATA, the message): the server's answer,
/// or where and how it failed.
fn transmit(
    conn: &mut SmtpConnection,
    from: &Address,
    to: &[Address],
    message: &[u8],
) -> Result<String, Failure> {
    let classify = |e: lettre::transport::smtp::Error, sender: bool, data_sent: bool| {
        if e.is_transient() || e.is_permanent() {
            Failure::Refused { error: e.to_string(), stop: sender || e.is_transient() }
        } else {
            Failure::Broken { error: e.to_string(), data_sent }
        }
    };
    let mut parameters = vec![];
    if to.iter().chain([from]).any(|a| !AsRef::<str>::as_ref(a).is_ascii()) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(Failure::Refused {
                error:
                    "the address has characters beyond ASCII, which this server does not accept (no SMTPUTF8)"
                        .into(),
                stop: false,
            });
        }
        parameters.push(MailParameter::SmtpUtfEight);
    }
    conn.command(Mail::new(Some(from.clone()), parameters)).map_err(|e| classify(e, true, false))?;
    for address in to {
        conn.command(Rcpt::new(address.clone(), vec![])).map_err(|e| classify(e, false, false))?;
    }
    conn.command(Data).map_err(|e| classify(e, false, false))?;
    let response = conn.message(message).map_err(|e| classify(e, false, true))?;
    let text = response.message().collect::<Vec<_>>().join(" ");
    Ok(format!("{} {}", response.code(), text.trim()).trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unencrypted_only_to_this_machine() {
        let err = SmtpServer::new("smtp.example.org", Security::None).unwrap_err().to_string();
        assert!(err.contains("--tls none") && err.contains("smtp.example.org"), "{err}");
        assert_eq!(
            SmtpServer::new("127.0.0.1:2525", Security::None).unwrap(),
            SmtpServer { host: "127.0.0.1".into(), port: 2525, security: Security::None }
        );
        assert_eq!(SmtpServer::new("smtp.example.org", Security::StartTls).unwrap().port, 587);
        assert_eq!(SmtpServer::new("smtp.example.org", Security::Tls).unwrap().port, 465);
        assert_eq!(SmtpServer::new("::1", Security::None).unwrap().name(), "[::1]:25");
    }

    #[test]
    fn passwords_do_not_show() {
        let options = SendOptions { password: Some(Password::new("geheim-123")), ..SendOptions::default() };
        assert!(!format!("{options:?}").contains("geheim"));
    }
}
