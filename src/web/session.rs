//! Sessions: one per browser tab that starts at `/`, behind an unguessable id
//! in the address, each with its own temporary folder. Uploaded files are
//! stored as `bestanden/<n>/bestand.<ext>`; the name the user gave is only
//! ever shown (messages that name the stored file show it instead).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::sync::Condvar;
use std::sync::atomic::{AtomicBool, Ordering};

use handreiking::mail::{Password, Sender, SmtpServer};
use serde::Serialize;

use super::App;

/// At most this many sessions at once. A new one only ever pushes out one
/// that has nothing in it yet: any page can make the browser open `/` (with
/// `same-site` from another port of this machine, or an older browser), and
/// that must not cost a consultant their files.
const MAX_SESSIONS: usize = 64;

/// How long ending a session waits for its batch to stop before saying so.
const STOP_WAIT: Duration = Duration::from_secs(30);

pub struct Sessions {
    root: PathBuf,
    all: Mutex<HashMap<String, Arc<Mutex<Session>>>>,
}

/// An uploaded answer sheet (or mapping file).
#[derive(Clone)]
pub struct Upload {
    /// The name the user's file had, for showing only.
    pub name: String,
    /// Where it is stored: `<session>/bestanden/<n>/bestand.<ext>`.
    pub path: PathBuf,
}

pub struct Session {
    pub id: String,
    pub dir: PathBuf,
    pub sheets: Vec<Upload>,
    /// The mapping file in use: uploaded, or made from the choices on the check page.
    pub mapping: Option<Upload>,
    /// The earlier measurement (the nulmeting) to compare with, when chosen.
    pub earlier: Vec<Upload>,
    /// Its own mapping file, as `--earlier-mapping`.
    pub earlier_mapping: Option<Upload>,
    /// The column both measurements have to match on, as `--match`.
    pub match_column: Option<String>,
    /// The respondents' count and the first one's report, made once for the
    /// current files and mapping.
    pub preview: Option<Ready>,
    pub batch: Option<Arc<BatchRun>>,
    /// The sender and options chosen on the mail page, for this session.
    pub choices: MailChoices,
    /// A send started from the mail page, and the server details waiting for
    /// their confirmation (the password only ever in memory).
    pub mail: Option<Arc<MailRun>>,
    pub pending: Option<PendingSend>,
    /// Ended (or pushed out): a request that found it before must store nothing.
    pub ended: bool,
    last_seen: Instant,
    uploads: usize,
}

/// Why no new session was made.
pub enum NoSession {
    /// Every session has files or a batch; none is pushed out for a new one.
    Full,
    Io(std::io::Error),
}

impl Session {
    /// The folder the reports of the last batch are in.
    pub fn reports_dir(&self) -> PathBuf {
        self.dir.join("rapporten")
    }

    /// Stores an upload under a fresh numbered folder.
    pub fn store(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<Upload> {
        self.uploads += 1;
        // Not `create_dir_all`: the session's folder is never made again once it is deleted.
        let files = self.dir.join("bestanden");
        match std::fs::create_dir(&files) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let folder = files.join(self.uploads.to_string());
        std::fs::create_dir(&folder)?;
        let path = folder.join(stored_name(name));
        std::fs::write(&path, bytes)?;
        Ok(Upload { name: shown_name(name), path })
    }

    /// Files or mapping changed: what was made from the old ones no longer holds.
    pub fn changed(&mut self) {
        self.preview = None;
    }

    /// Every upload: the sheets, the earlier ones and the mapping files.
    fn uploads(&self) -> impl Iterator<Item = &Upload> {
        self.sheets.iter().chain(&self.mapping).chain(&self.earlier).chain(&self.earlier_mapping)
    }

    /// Library messages name files by their stored path: show the user's names.
    pub fn shown(&self, text: &str) -> String {
        let mut text = text.to_string();
        for upload in self.uploads() {
            text = text.replace(&upload.path.display().to_string(), &upload.name);
        }
        text.replace(&format!("{}/", self.reports_dir().display()), "")
    }

    /// [`Session::shown`] inside JSON text: the names are escaped as JSON strings.
    pub fn shown_in_json(&self, json: &str) -> String {
        let mut text = json.to_string();
        for upload in self.uploads() {
            let escaped = serde_json::to_string(&upload.name).expect("a string serialises");
            text = text.replace(&upload.path.display().to_string(), &escaped[1..escaped.len() - 1]);
        }
        text
    }

    /// What the pages work on, taken out of the lock.
    pub fn chosen(&self) -> Chosen {
        Chosen {
            sheets: self.sheets.clone(),
            mapping: self.mapping.clone(),
            earlier: self.earlier.clone(),
            earlier_mapping: self.earlier_mapping.clone(),
            column: self.match_column.clone(),
        }
    }

    /// A batch or a send run is busy (the session's files stay as they are).
    pub fn running(&self) -> bool {
        self.batch.as_ref().is_some_and(|b| b.running()) || self.mail.as_ref().is_some_and(|m| m.running())
    }

    /// Nothing in it to lose: no file, no mapping, no batch.
    fn empty(&self) -> bool {
        self.uploads == 0 && self.uploads().next().is_none() && self.batch.is_none()
    }
}

/// The files chosen in a session and how to read them: the options `report`,
/// `check` and `group` get on the command line.
#[derive(Clone)]
pub struct Chosen {
    pub sheets: Vec<Upload>,
    pub mapping: Option<Upload>,
    pub earlier: Vec<Upload>,
    pub earlier_mapping: Option<Upload>,
    pub column: Option<String>,
}

impl Chosen {
    pub fn sheet_paths(&self) -> Vec<PathBuf> {
        self.sheets.iter().map(|u| u.path.clone()).collect()
    }

    /// `--mapping`.
    pub fn sheet_options(&self) -> handreiking::SheetOptions {
        sheet_options(self.mapping.as_ref())
    }

    /// `--earlier`, `--earlier-mapping` and `--match`, when an earlier measurement is chosen.
    pub fn earlier_options(&self) -> Option<handreiking::followup::EarlierOptions> {
        (!self.earlier.is_empty()).then(|| handreiking::followup::EarlierOptions {
            inputs: self.earlier.iter().map(|u| u.path.clone()).collect(),
            sheets: sheet_options(self.earlier_mapping.as_ref()),
            column: self.column.clone(),
        })
    }
}

/// How to read sheets: detected, or with this mapping file.
pub fn sheet_options(mapping: Option<&Upload>) -> handreiking::SheetOptions {
    handreiking::SheetOptions { read: Default::default(), mapping: mapping.map(|m| m.path.clone()) }
}

impl Sessions {
    pub fn new(root: PathBuf) -> Sessions {
        Sessions { root, all: Mutex::new(HashMap::new()) }
    }

    /// A new session with its own folder. When there are too many, the one
    /// unused longest of those with nothing in them gives way; when every
    /// session has files, none does.
    pub fn create(&self) -> Result<String, NoSession> {
        let mut all = self.all.lock().unwrap();
        if all.len() >= MAX_SESSIONS {
            let unused = all
                .iter()
                .filter(|(_, s)| s.lock().unwrap().empty())
                .min_by_key(|(_, s)| s.lock().unwrap().last_seen)
                .map(|(id, _)| id.clone());
            let old = unused.and_then(|id| all.remove(&id)).ok_or(NoSession::Full)?;
            let mut old = old.lock().unwrap();
            old.ended = true;
            let _ = std::fs::remove_dir_all(&old.dir);
        }
        let id = new_id();
        let dir = self.root.join(&id);
        // Not `create_dir_all`: the root is never made again once the app removed it.
        std::fs::create_dir(&dir).map_err(NoSession::Io)?;
        let session = Session {
            id: id.clone(),
            dir,
            sheets: vec![],
            mapping: None,
            earlier: vec![],
            earlier_mapping: None,
            match_column: None,
            preview: None,
            batch: None,
            choices: Default::default(),
            mail: None,
            pending: None,
            ended: false,
            last_seen: Instant::now(),
            uploads: 0,
        };
        all.insert(id.clone(), Arc::new(Mutex::new(session)));
        Ok(id)
    }

    /// The session with this id, marked as used now.
    pub fn get(&self, id: &str) -> Option<Arc<Mutex<Session>>> {
        let session = self.all.lock().unwrap().get(id).cloned()?;
        session.lock().unwrap().last_seen = Instant::now();
        Some(session)
    }

    /// Ends a session: a running batch is stopped first, then every file is
    /// deleted. False when the batch did not stop in time: it deletes the
    /// folder itself once it has, so nothing writes there after it is gone.
    pub fn end(&self, id: &str) -> bool {
        let Some(session) = self.all.lock().unwrap().remove(id) else { return true };
        let (dir, batch, mail) = {
            let mut session = session.lock().unwrap();
            session.ended = true;
            session.pending = None;
            (session.dir.clone(), session.batch.clone(), session.mail.clone())
        };
        if let Some(batch) = batch
            && !batch.end(STOP_WAIT)
        {
            return false;
        }
        if let Some(mail) = mail
            && !mail.end(STOP_WAIT)
        {
            return false;
        }
        let _ = std::fs::remove_dir_all(&dir);
        true
    }

    /// A batch or a send run is busy in some session.
    pub fn busy(&self) -> bool {
        self.all.lock().unwrap().values().any(|s| s.lock().unwrap().running())
    }

    /// Sessions unused for longer than `idle`, with no batch running.
    fn idle(&self, idle: Duration) -> Vec<String> {
        let all = self.all.lock().unwrap();
        all.iter()
            .filter(|(_, s)| {
                let s = s.lock().unwrap();
                s.last_seen.elapsed() > idle && !s.running()
            })
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// Deletes sessions that have not been used for the app's keep time.
pub async fn reap(app: Arc<App>) {
    let idle = Duration::from_secs(app.options.keep_minutes.max(1) * 60);
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        for id in app.sessions.idle(idle) {
            let app = app.clone();
            let _ = tokio::task::spawn_blocking(move || app.sessions.end(&id)).await;
        }
    }
}

/// 128 random bits, as hex.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system has a source of randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `id` looks like one of ours (anything else is not looked up).
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The name as the user's browser gave it, without any folder part.
fn shown_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let base: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if base.is_empty() { "bestand".into() } else { base }
}

/// The name an upload is stored under: `bestand` with the extension of the
/// user's name when it is one of the answer formats (the file is read for what
/// it is anyway), so nothing of the user's name reaches the file system.
fn stored_name(name: &str) -> String {
    const KNOWN: [&str; 11] =
        ["csv", "tsv", "txt", "json", "xlsx", "xlsm", "xls", "xlsb", "ods", "toml", "sav"];
    let ext = Path::new(&shown_name(name)).extension().map(|e| e.to_string_lossy().to_lowercase());
    match ext {
        Some(ext) if KNOWN.contains(&ext.as_str()) => format!("bestand.{ext}"),
        _ => "bestand".into(),
    }
}

/// What the report page shows before the batch: how many respondents get a
/// report, and the first one's report. Made once per set of files and mapping.
#[derive(Clone)]
pub struct Ready {
    pub respondents: usize,
    /// With an earlier measurement: how many reports will show the comparison.
    pub compared: Option<usize>,
    pub preview: Arc<handreiking::Preview>,
}

/// Where a batch is; sent to the progress page as it changes.
#[derive(Clone, Serialize)]
pub struct Progress {
    pub klaar: usize,
    pub totaal: usize,
    pub status: String,
    pub bezig: bool,
}

impl Progress {
    /// What a progress page shows of it.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({ "running": self.bezig, "done": self.klaar, "total": self.totaal, "status": self.status })
    }
}

/// What the mail page's first form sets, for the rest of the session.
#[derive(Clone, Debug, Default)]
pub struct MailChoices {
    /// The sender typed on the page; None: the brand's.
    pub sender: Option<Sender>,
    /// Several reports to one address (`--allow-shared-address`).
    pub shared: bool,
    /// Also to who got an earlier version of their report (`--send-newer`).
    pub newer: bool,
}

/// The server and sign-in typed on the page, waiting for the confirmation.
pub struct PendingSend {
    pub(super) server: SmtpServer,
    pub(super) user: Option<String>,
    pub(super) password: Option<Password>,
}

/// What a send run leaves for its page.
pub struct MailSent {
    /// Per row tried: who, to which address, and what happened (in Dutch).
    pub(super) rows: Vec<serde_json::Value>,
    pub(super) sent: usize,
    /// Why it stopped before the end, and how many rows it did not try.
    pub(super) stopped: Option<String>,
    pub(super) not_tried: usize,
    /// It could not start (the server could not be reached, the sign-in failed).
    pub(super) error: Option<String>,
}

/// A batch started from the page.
pub type BatchRun = Run<Finished>;

/// Mail being sent from the page; `F` is what a finished run leaves.
pub type MailRun = Run<MailSent>;

/// Work started from a page that goes on in the background (a batch, a send
/// run), with its progress for the page and a Stop button.
pub struct Run<F> {
    pub(super) cancel: Arc<AtomicBool>,
    /// Its session ended: the batch deletes the session's folder when it is
    /// done. Read and set under the `finished` lock, so exactly one of ending
    /// and finishing comes first.
    pub(super) ended: AtomicBool,
    pub(super) progress: tokio::sync::watch::Sender<Progress>,
    pub(super) finished: Mutex<Option<F>>,
    /// Signalled when `finished` is set.
    pub(super) done: Condvar,
}

pub struct Finished {
    pub(super) outcome: Option<handreiking::BatchOutcome>,
    pub(super) error: Option<String>,
    /// Group report and handouts made after the reports: (what, file name).
    pub(super) extras: Vec<(&'static str, String)>,
}

impl<F> Run<F> {
    /// Work that has just started, saying `status`.
    pub fn new(cancel: Arc<AtomicBool>, status: &str) -> Run<F> {
        let (progress, _) =
            tokio::sync::watch::channel(Progress { klaar: 0, totaal: 0, status: status.into(), bezig: true });
        Run {
            cancel,
            ended: AtomicBool::new(false),
            progress,
            finished: Mutex::new(None),
            done: Condvar::new(),
        }
    }

    pub fn running(&self) -> bool {
        self.progress.borrow().bezig
    }

    pub fn stop(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The work is done: `finished` is what it left. True when its session
    /// ended meanwhile: the caller then deletes the session's folder (after
    /// the last write, so exactly one of ending and finishing removes it).
    pub fn finish(&self, finished: F) -> bool {
        let ended = {
            let mut done = self.finished.lock().unwrap();
            *done = Some(finished);
            self.ended.load(Ordering::Relaxed)
        };
        self.done.notify_all();
        self.progress.send_modify(|p| {
            p.bezig = false;
            p.status = "Klaar".into();
        });
        ended
    }

    /// Its session ends: stops the batch and waits (at most `wait`) until
    /// nothing writes any more. False if it still runs; it then deletes the
    /// session's folder itself when it is done.
    pub fn end(&self, wait: Duration) -> bool {
        self.stop();
        let finished = self.finished.lock().unwrap();
        self.ended.store(true, Ordering::Relaxed);
        let (finished, _) = self.done.wait_timeout_while(finished, wait, |f| f.is_none()).unwrap();
        finished.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_never_paths() {
        assert_eq!(stored_name("../../etc/passwd"), "bestand");
        assert_eq!(stored_name("C:\\Users\\x\\Antwoorden.XLSX"), "bestand.xlsx");
        assert_eq!(stored_name("a<b>|c?.csv"), "bestand.csv");
        assert_eq!(stored_name("rapport.pdf"), "bestand");
        assert_eq!(shown_name("C:\\Users\\x\\Enquête 2026.xlsx"), "Enquête 2026.xlsx");
        assert!(valid_id(&new_id()));
        assert_ne!(new_id(), new_id());
    }
}
