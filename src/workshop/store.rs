//! The workshop's answers in an embedded SQLite database (`workshop.sqlite` in
//! the workshop folder): every answer is committed before the participant's
//! phone hears back, in WAL mode with full syncs, so a crash (or `kill -9`)
//! loses nothing, and a restart on the same folder goes on where it was.
//!
//! Participants are known by a random token (their phone's cookie); the
//! database keeps only its SHA-256, so the file alone lets no one answer as them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};

use crate::content::Letter;
use crate::error::{Error, Result};

/// The database file in the workshop folder.
pub const DATABASE: &str = "workshop.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS workshop (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    created INTEGER NOT NULL,
    closed INTEGER,
    ask_names INTEGER NOT NULL,
    shown INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participant (
    number INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    naam TEXT NOT NULL DEFAULT '',
    organisatie TEXT NOT NULL DEFAULT '',
    joined INTEGER NOT NULL,
    finished INTEGER,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS answer (
    participant INTEGER NOT NULL REFERENCES participant(number) ON DELETE CASCADE,
    question TEXT NOT NULL,
    letter TEXT NOT NULL CHECK (letter IN ('A', 'B')),
    at INTEGER NOT NULL,
    PRIMARY KEY (participant, question)
);
";

/// What the workshop is: its join code, when it began, whether it still takes answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub code: String,
    /// Seconds since 1970.
    pub created: i64,
    pub closed: Option<i64>,
    /// Participants are asked their name and organisation (else anonymous).
    pub ask_names: bool,
    /// The room's answers are on the board (hidden while people answer).
    pub shown: bool,
}

/// One participant and their answers so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// 1, 2, …: in the order they joined; a row number in the export.
    pub number: i64,
    pub naam: String,
    pub organisatie: String,
    pub joined: i64,
    pub finished: Option<i64>,
    /// Goes up with every change of their answers (their PDF is made again).
    pub version: i64,
    pub answers: BTreeMap<String, Letter>,
}

/// Why a phone could not join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Closed,
    Full,
}

pub struct Store {
    connection: Mutex<Connection>,
    pub path: PathBuf,
}

impl Store {
    /// Opens the workshop in `dir` (made private to this account when new),
    /// or starts it with `new` when the folder has none yet. True: resumed.
    pub fn open(dir: &Path, new: impl FnOnce() -> Meta) -> Result<(Store, bool)> {
        private_dir(dir)?;
        let path = dir.join(DATABASE);
        let existed = path.exists();
        if !existed {
            private_file(&path)?;
        }
        let fail = |e: rusqlite::Error| Error::Workshop { path: path.clone(), message: e.to_string() };
        let connection = Connection::open(&path).map_err(fail)?;
        connection.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        connection.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
        connection.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(fail)?;
        connection.execute_batch(SCHEMA).map_err(fail)?;
        let store = Store { connection: Mutex::new(connection), path: path.clone() };
        let resumed = match store.meta_if_any()? {
            Some(_) => true,
            None => {
                let meta = new();
                store.lock().execute(
                    "INSERT INTO workshop (id, code, created, closed, ask_names, shown) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                    params![meta.code, meta.created, meta.closed, meta.ask_names, meta.shown],
                )
                .map_err(fail)?;
                false
            }
        };
        Ok((store, resumed))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::Workshop { path: self.path.clone(), message: e.to_string() }
    }

    fn meta_if_any(&self) -> Result<Option<Meta>> {
        self.lock()
            .query_row(
                "SELECT code, created, closed, ask_names, shown FROM workshop WHERE id = 1",
                [],
                |row| {
                    Ok(Meta {
                        code: row.get(0)?,
                        created: row.get(1)?,
                        closed: row.get(2)?,
                        ask_names: row.get(3)?,
                        shown: row.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    pub fn meta(&self) -> Result<Meta> {
        self.meta_if_any()?.ok_or_else(|| Error::Workshop {
            path: self.path.clone(),
            message: "the database holds no workshop".into(),
        })
    }

    /// Shows or hides the room's answers on the board.
    pub fn set_shown(&self, shown: bool) -> Result<()> {
        self.lock()
            .execute("UPDATE workshop SET shown = ?1 WHERE id = 1", params![shown])
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Whether participants are asked their name and organisation (for those who join from now on).
    pub fn set_ask_names(&self, ask: bool) -> Result<()> {
        self.lock()
            .execute("UPDATE workshop SET ask_names = ?1 WHERE id = 1", params![ask])
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// No new participants and no new answers from now on.
    pub fn close(&self, now: i64) -> Result<()> {
        self.lock()
            .execute("UPDATE workshop SET closed = COALESCE(closed, ?1) WHERE id = 1", params![now])
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// A new participant with this token, unless the workshop is closed or has
    /// `max` participants already. Their number.
    pub fn join(
        &self,
        token: &str,
        naam: &str,
        organisatie: &str,
        now: i64,
        max: usize,
    ) -> Result<Result<i64, Refused>> {
        let mut connection = self.lock();
        let tx = connection.transaction().map_err(|e| self.fail(e))?;
        let closed: Option<i64> = tx
            .query_row("SELECT closed FROM workshop WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        if closed.is_some() {
            return Ok(Err(Refused::Closed));
        }
        let count: i64 =
            tx.query_row("SELECT COUNT(*) FROM participant", [], |r| r.get(0)).map_err(|e| self.fail(e))?;
        if count as usize >= max {
            return Ok(Err(Refused::Full));
        }
        tx.execute(
            "INSERT INTO participant (token, naam, organisatie, joined) VALUES (?1, ?2, ?3, ?4)",
            params![hashed(token), naam, organisatie, now],
        )
        .map_err(|e| self.fail(e))?;
        let number = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.fail(e))?;
        Ok(Ok(number))
    }

    /// The participant whose phone holds this token.
    pub fn participant(&self, token: &str) -> Result<Option<Participant>> {
        let connection = self.lock();
        let found = connection
            .query_row(
                "SELECT number, naam, organisatie, joined, finished, version FROM participant WHERE token = ?1",
                params![hashed(token)],
                participant_row,
            )
            .optional()
            .map_err(|e| self.fail(e))?;
        let Some(mut participant) = found else { return Ok(None) };
        let mut statement = connection
            .prepare_cached("SELECT question, letter FROM answer WHERE participant = ?1")
            .map_err(|e| self.fail(e))?;
        let answers = statement
            .query_map(params![participant.number], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.fail(e))?;
        for answer in answers {
            let (question, letter) = answer.map_err(|e| self.fail(e))?;
            participant.answers.insert(question, letter_of(&letter));
        }
        Ok(Some(participant))
    }

    /// Stores a participant's answers (one reflection's, say) in one
    /// transaction; `finished` marks the questionnaire done. False when the
    /// workshop is closed (nothing is stored).
    pub fn answer(
        &self,
        number: i64,
        answers: &[(String, Letter)],
        finished: bool,
        now: i64,
    ) -> Result<bool> {
        let mut connection = self.lock();
        let tx = connection.transaction().map_err(|e| self.fail(e))?;
        let closed: Option<i64> = tx
            .query_row("SELECT closed FROM workshop WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        if closed.is_some() {
            return Ok(false);
        }
        for (question, letter) in answers {
            tx.execute(
                "INSERT INTO answer (participant, question, letter, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (participant, question) DO UPDATE SET letter = excluded.letter, at = excluded.at",
                params![number, question, letter.as_str(), now],
            )
            .map_err(|e| self.fail(e))?;
        }
        tx.execute(
            "UPDATE participant SET version = version + 1,
                 finished = CASE WHEN ?2 THEN COALESCE(finished, ?3) ELSE finished END
             WHERE number = ?1",
            params![number, finished, now],
        )
        .map_err(|e| self.fail(e))?;
        tx.commit().map_err(|e| self.fail(e))?;
        Ok(true)
    }

    /// Every participant with their answers, in the order they joined.
    pub fn participants(&self) -> Result<Vec<Participant>> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached(
                "SELECT number, naam, organisatie, joined, finished, version FROM participant ORDER BY number",
            )
            .map_err(|e| self.fail(e))?;
        let mut participants: Vec<Participant> = statement
            .query_map([], participant_row)
            .map_err(|e| self.fail(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.fail(e))?;
        let mut statement = connection
            .prepare_cached("SELECT participant, question, letter FROM answer ORDER BY participant")
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
            })
            .map_err(|e| self.fail(e))?;
        let mut by_number: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, p) in participants.iter().enumerate() {
            by_number.insert(p.number, i);
        }
        for row in rows {
            let (number, question, letter) = row.map_err(|e| self.fail(e))?;
            if let Some(&i) = by_number.get(&number) {
                participants[i].answers.insert(question, letter_of(&letter));
            }
        }
        Ok(participants)
    }

    /// (joined, finished).
    pub fn counts(&self) -> Result<(usize, usize)> {
        self.lock()
            .query_row("SELECT COUNT(*), COUNT(finished) FROM participant", [], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))
            })
            .map_err(|e| self.fail(e))
    }
}

fn participant_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Participant> {
    Ok(Participant {
        number: row.get(0)?,
        naam: row.get(1)?,
        organisatie: row.get(2)?,
        joined: row.get(3)?,
        finished: row.get(4)?,
        version: row.get(5)?,
        answers: BTreeMap::new(),
    })
}

fn letter_of(s: &str) -> Letter {
    // The table's CHECK allows only these two.
    if s == "A" { Letter::A } else { Letter::B }
}

/// What the database keeps of a participant's token.
fn hashed(token: &str) -> String {
    crate::output::sha256_hex(token.as_bytes())
}

/// The workshop folder, private to this account (0700) when made here.
pub(crate) fn private_dir(dir: &Path) -> Result<()> {
    let io = |source| Error::Io { action: "create folder", path: dir.to_owned(), source };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io)
}

/// An empty database file readable by this account only (0600); SQLite gives
/// its journal files the same permissions.
fn private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|source| Error::Io {
        action: "create",
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta { code: "ABC234".into(), created: 1_767_225_600, closed: None, ask_names: true, shown: false }
    }

    #[test]
    fn answers_survive_reopening_and_a_closed_workshop_takes_none() {
        let dir = tempfile::tempdir().unwrap();
        let (store, resumed) = Store::open(dir.path(), meta).unwrap();
        assert!(!resumed);
        let number = store.join("token-1", "Anna", "Zorg BV", 10, 200).unwrap().unwrap();
        assert!(
            store
                .answer(number, &[("R1V1".into(), Letter::A), ("R1V2".into(), Letter::B)], false, 11)
                .unwrap()
        );
        assert!(store.answer(number, &[("R1V1".into(), Letter::B)], true, 12).unwrap());
        drop(store);

        let (store, resumed) = Store::open(dir.path(), || unreachable!("the workshop exists")).unwrap();
        assert!(resumed);
        assert_eq!(store.meta().unwrap(), meta());
        let p = store.participant("token-1").unwrap().unwrap();
        assert_eq!((p.naam.as_str(), p.finished, p.version), ("Anna", Some(12), 2));
        assert_eq!(p.answers.get("R1V1"), Some(&Letter::B));
        assert_eq!(p.answers.get("R1V2"), Some(&Letter::B));
        assert!(store.participant("token-2").unwrap().is_none());
        assert_eq!(store.counts().unwrap(), (1, 1));

        store.close(20).unwrap();
        assert_eq!(store.join("token-2", "", "", 21, 200).unwrap(), Err(Refused::Closed));
        assert!(!store.answer(number, &[("R1V1".into(), Letter::A)], false, 22).unwrap());
        assert_eq!(store.participant("token-1").unwrap().unwrap().answers.get("R1V1"), Some(&Letter::B));
    }

    #[test]
    fn no_more_than_the_maximum_join_and_tokens_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Store::open(dir.path(), meta).unwrap();
        assert!(store.join("a", "", "", 1, 2).unwrap().is_ok());
        assert!(store.join("b", "", "", 1, 2).unwrap().is_ok());
        assert_eq!(store.join("c", "", "", 1, 2).unwrap(), Err(Refused::Full));
        let tokens: Vec<String> = {
            let connection = store.lock();
            let mut statement = connection.prepare("SELECT token FROM participant ORDER BY number").unwrap();
            statement.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
        };
        assert_eq!(tokens, [hashed("a"), hashed("b")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(DATABASE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
