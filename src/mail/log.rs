//! The send log: one JSON object per line, appended and synced before and
//! after each message, so a run that stops anywhere leaves a log that says
//! what was sent, what was refused, and what may have gone.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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
    /// The report's file name: what a row's lines are found by.
    pub(crate) report: String,
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
    pub(crate) fn skip(&self, sha256: Option<&str>) -> Option<super::Skip> {
        match self.event {
            Event::Failed => None,
            Event::Sent => Some(super::Skip::Sent {
                time: self.time.clone(),
                to: self.to.clone(),
                message_id: self.message_id.clone(),
                same_report: sha256 == Some(self.sha256.as_str()),
            }),
            Event::Sending | Event::Uncertain => {
                Some(super::Skip::Uncertain { time: self.time.clone(), to: self.to.clone() })
            }
        }
    }
}

pub(crate) struct SendLog {
    path: PathBuf,
    /// The last line per report.
    last: HashMap<String, Entry>,
}

impl SendLog {
    /// Reads the log (none yet: empty). Lines that do not read (a run killed
    /// mid-line) are skipped with a note; the line before them still counts.
    pub(crate) fn read(path: &Path) -> Result<(SendLog, Vec<String>)> {
        let mut log = SendLog { path: path.to_owned(), last: HashMap::new() };
        let mut notes = vec![];
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((log, notes)),
            Err(source) => return Err(Error::Io { action: "read", path: path.to_owned(), source }),
        };
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => {
                    log.last.insert(entry.report.clone(), entry);
                }
                Err(e) => notes.push(format!(
                    "{}:{}: a line that does not read was skipped ({e})",
                    path.display(),
                    i + 1
                )),
            }
        }
        Ok((log, notes))
    }

    pub(crate) fn last(&self, report: &str) -> Option<&Entry> {
        self.last.get(report)
    }

    /// Appends one line and syncs it to disk before returning: a message is
    /// handed to the server only after its `sending` line is safe.
    pub(crate) fn append(&mut self, entry: Entry) -> Result<()> {
        let io = |source| Error::Io { action: "write the send log", path: self.path.clone(), source };
        let mut line = serde_json::to_string(&entry).expect("log entries serialise");
        line.push('\n');
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path).map_err(io)?;
        // One write of a whole line: appends from two runs never interleave within a line.
        file.write_all(line.as_bytes()).map_err(io)?;
        file.sync_data().map_err(io)?;
        self.last.insert(entry.report.clone(), entry);
        Ok(())
    }
}
