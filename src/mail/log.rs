//! The send log: one JSON object per line, appended and synced before and
//! after each message, so a run that stops anywhere leaves a log that says
//! what was sent, what was refused, and what may have gone. A row's lines are
//! found by its respondent and address, not by the report's file name, which
//! changes when `report` runs again (`Jan (2).pdf`). And the lock that keeps
//! two runs on one folder from both reading the log and both sending.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Event {
    /// About to be handed to the server; a line without a later result means
    /// the run stopped in between, and the message may have arrived.
    Sending,
    /// The server accepted it.
    Sent,
    /// The server refused it: it did not go, and a re-run tries again.
    Failed,
    /// The connection broke while the message was on its way: it may have arrived.
    Uncertain,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub(crate) time: String,
    pub(crate) event: Event,
    /// The report's file name; what the lines of logs from before `naam` are found by.
    pub(crate) report: String,
    /// The respondent as the manifest has them: with `organisatie`, `to` and
    /// `nth`, what a row's lines are found by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) naam: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) organisatie: Option<String>,
    /// The second (third, …) row of the same respondent and address in the
    /// manifest (one person with several reports); absent for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) nth: Option<usize>,
    /// The answer sheet and its row, for people reading the log.
    pub(crate) source: String,
    pub(crate) row: usize,
    pub(crate) to: String,
    pub(crate) message_id: String,
    /// sha256 of the attached report.
    pub(crate) sha256: String,
    /// The server's answer or the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) response: Option<String>,
}

impl Entry {
    /// What a row's last line means for sending it now: nothing (it was
    /// refused, so it did not go), or why it is not sent again.
    pub(crate) fn skip(&self, sha256: Option<&str>, report: &str) -> Option<super::Skip> {
        match self.event {
            Event::Failed => None,
            Event::Sent => Some(super::Skip::Sent {
                time: self.time.clone(),
                to: self.to.clone(),
                message_id: self.message_id.clone(),
                same_report: sha256 == Some(self.sha256.as_str()),
                renamed: Some(self.report.clone()).filter(|then| then != report),
            }),
            Event::Sending | Event::Uncertain => {
                Some(super::Skip::Uncertain { time: self.time.clone(), to: self.to.clone() })
            }
        }
    }

    /// What the line is found by; None for lines of logs from before `naam`.
    fn key(&self) -> Option<String> {
        let naam = self.naam.as_deref()?;
        Some(key(naam, self.organisatie.as_deref().unwrap_or_default(), &self.to, self.nth.unwrap_or(1)))
    }
}

/// A respondent with an address, as a row and its log lines are matched:
/// name and organisation compared as the follow-up matching compares them,
/// the address without regard to case.
pub(crate) fn key(naam: &str, organisatie: &str, to: &str, nth: usize) -> String {
    use crate::followup::normalise;
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{nth}",
        normalise(naam),
        normalise(organisatie),
        to.trim().to_lowercase()
    )
}

pub(crate) struct SendLog {
    path: PathBuf,
    /// The last line per respondent.
    by_respondent: HashMap<String, Entry>,
    /// The last line per report, of lines written before lines named the respondent.
    by_report: HashMap<String, Entry>,
}

impl SendLog {
    /// Reads the log (none yet: empty). Lines that do not read (a run killed
    /// mid-line) are skipped with a note; the line before them still counts.
    pub(crate) fn read(path: &Path) -> Result<(SendLog, Vec<String>)> {
        let mut log =
            SendLog { path: path.to_owned(), by_respondent: HashMap::new(), by_report: HashMap::new() };
        let mut notes = vec![];
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((log, notes)),
            Err(source) => return Err(Error::Io { action: "read", path: path.to_owned(), source }),
        };
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => log.remember(entry),
                Err(e) => notes.push(format!(
                    "{}:{}: a line that does not read was skipped ({e})",
                    path.display(),
                    i + 1
                )),
            }
        }
        Ok((log, notes))
    }

    fn remember(&mut self, entry: Entry) {
        match entry.key() {
            Some(key) => self.by_respondent.insert(key, entry),
            None => self.by_report.insert(entry.report.clone(), entry),
        };
    }

    /// The last line for a row: by its respondent (`key`), else, for logs
    /// written before lines named the respondent, by its report's file name.
    pub(crate) fn last(&self, key: Option<&str>, report: &str) -> Option<&Entry> {
        key.and_then(|k| self.by_respondent.get(k)).or_else(|| self.by_report.get(report))
    }

    /// Appends one line and syncs it to disk before returning: a message is
    /// handed to the server only after its `sending` line is safe.
    pub(crate) fn append(&mut self, entry: Entry) -> Result<()> {
        let io = |source| Error::Io { action: "write the send log", path: self.path.clone(), source };
        let mut line = serde_json::to_string(&entry).expect("log entries serialise");
        line.push('\n');
        let (mut file, created) = match OpenOptions::new().append(true).open(&self.path) {
            Ok(file) => (file, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (OpenOptions::new().create(true).append(true).open(&self.path).map_err(io)?, true)
            }
            Err(e) => return Err(io(e)),
        };
        // One write of a whole line: appends from two runs never interleave within a line.
        file.write_all(line.as_bytes()).map_err(io)?;
        file.sync_data().map_err(io)?;
        if created {
            // A new file's name is in its folder: synced too, or a crash can lose the whole log.
            sync_dir_of(&self.path).map_err(io)?;
        }
        self.remember(entry);
        Ok(())
    }
}

/// Syncs the folder that holds `file`, so that a file created, renamed or
/// removed there stays so after a crash. (Only Unix can open a folder to sync it.)
pub(crate) fn sync_dir_of(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The lock a run holds on a folder from planning to its last message; let go
/// when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub(crate) struct RunLock {
    _file: File,
}

/// Takes the lock on the folder of the reports, or says that another run holds it.
/// The lock file stays: removing it would let a third run lock a new file while
/// a second still waits on the old one.
pub(crate) fn lock(dir: &Path) -> Result<RunLock> {
    let path = dir.join(super::LOCK);
    let io = |source| Error::Io { action: "lock", path: path.clone(), source };
    let (file, created) = match OpenOptions::new().create_new(true).write(true).open(&path) {
        Ok(file) => (file, true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            (OpenOptions::new().write(true).open(&path).map_err(io)?, false)
        }
        Err(e) => return Err(io(e)),
    };
    if created {
        sync_dir_of(&path).map_err(io)?;
    }
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Busy(
            Problem::new(
                path.display().to_string(),
                None,
                "another `handreiking mail` run on this folder is busy (it holds this lock), so this one \
                 stopped before reading the send log",
            )
            .hint(format!(
                "wait until that run has finished, then run this command again: what it sent is in {} \
                 and is not sent again",
                super::LOG
            )),
        )),
        Err(std::fs::TryLockError::Error(source)) => Err(io(source)),
    }
}
