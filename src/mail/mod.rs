//! Delivering the reports by e-mail, after `report`: what goes to whom
//! ([`plan`], from the manifest and the send log), drafts to review and send
//! from a mail program ([`write_drafts`]), or sending over SMTP ([`send`]).
//!
//! Never twice and never to the wrong person: a report goes only with the
//! mail for its own row, only while its bytes match the manifest's sha256, and
//! the send log beside the manifest (`mail-log.jsonl`) keeps a re-run from
//! sending what was sent, or may have been, to the same respondent, whatever
//! their report is called now. A run holds a lock on the folder
//! (`mail-log.lock`) from reading the log to its last message, so a second
//! run at the same time stops instead of sending everything again.

mod draft;
mod log;
mod send;
mod server;

pub use server::is_loopback;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use draft::{Drafts, Preview, write_drafts};
pub use send::{Password, Security, SendOptions, SendOutcome, SendResult, SmtpServer, send};

use crate::brand::Brand;
use crate::error::{Error, Problem, Result};
pub use crate::mapping::address;
use crate::mapping::address::Unmailable;
use crate::output;

pub use crate::brand::mail_text::{DEFAULT_SUBJECT, DEFAULT_TEXT};

/// The send log, its lock and the drafts' folder, beside the manifest.
pub use crate::output::{MAIL_DRAFTS as DRAFTS, MAIL_LOCK as LOCK, MAIL_LOG as LOG};

#[derive(Debug, Clone, Default)]
pub struct MailOptions {
    /// A brand file instead of the one the manifest names (the one the
    /// reports were made with), or the embedded brand.
    pub brand: Option<PathBuf>,
    /// Mail rows that share an address with other rows (each gets its own report).
    pub allow_shared_address: bool,
    /// Only look (`--dry-run`): no lock is taken, so nothing is written; the
    /// plan cannot be sent or written as drafts.
    pub dry_run: bool,
    /// The folder of the send log and its lock; None: the reports' folder. The
    /// web app keeps one for all its batches, which `mail --send-log` shares.
    pub log_dir: Option<PathBuf>,
    /// The sender for this run instead of the brand's `[afzender]`.
    pub sender: Option<Sender>,
    /// Rows whose respondent was sent an earlier version of their report (a
    /// report made again, a follow-up) get this one too.
    pub send_newer: bool,
}

/// A sender given for one run (typed on the web app's page), in place of the brand's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sender {
    pub naam: String,
    pub email: String,
    /// Replies go here instead of to `email`.
    pub antwoord_aan: Option<String>,
}

/// What goes to whom, row by row, before anything is written or sent.
#[derive(Debug)]
pub struct Plan {
    pub manifest: PathBuf,
    /// The folder of the reports (and of the manifest and `mail/`).
    pub dir: PathBuf,
    /// The send log (`mail-log.jsonl`); its lock is beside it.
    pub log: PathBuf,
    /// The brand file the texts and the sender come from; None: the embedded brand.
    pub brand: Option<PathBuf>,
    /// The sender, as the From line shows it.
    pub sender: String,
    pub reply_to: Option<String>,
    /// Every row of the manifest, in its order.
    pub items: Vec<Planned>,
    /// Lines of the send log that could not be read (a run killed mid-line).
    pub notes: Vec<String>,
    letter: draft::Letter,
    /// Held until the plan is dropped; None for a dry run.
    lock: Option<log::RunLock>,
}

impl Plan {
    /// The rows that get a mail.
    pub fn ready(&self) -> impl Iterator<Item = &Planned> {
        self.items.iter().filter(|i| i.skip.is_none())
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Planned> {
        self.items.iter().filter(|i| i.skip.is_some())
    }

    /// Sending and writing drafts need the lock a dry run does not take.
    fn locked(&self) -> Result<()> {
        match &self.lock {
            Some(_) => Ok(()),
            None => Err(Error::Usage("a dry run's plan cannot be sent or written as drafts".into())),
        }
    }
}

/// One row of the manifest and what happens to it.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The answer sheet, as the manifest names it.
    pub source: String,
    /// Its row, as a spreadsheet numbers it.
    pub row: usize,
    pub respondent: String,
    /// The report to attach (None when the row has none).
    pub report: Option<PathBuf>,
    /// The e-mail address as the sheet has it.
    pub address: Option<String>,
    /// The report's bytes against the manifest's sha256.
    pub check: Check,
    /// Why this row gets no mail; None: it does.
    pub skip: Option<Skip>,
    /// sha256 of the report, from the manifest.
    pub sha256: Option<String>,
    to: Option<lettre::Address>,
    fields: BTreeMap<String, String>,
    /// 1 for the first row of this respondent and address, 2 for the second, …
    nth: usize,
}

impl Planned {
    /// The report's file name, which also names its draft.
    pub fn report_name(&self) -> Option<String> {
        self.report.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned())
    }

    /// The name as the sheet has it (manifests before `fields`: the respondent).
    fn naam(&self) -> &str {
        self.fields.get("naam").map_or(self.respondent.as_str(), String::as_str)
    }

    fn organisatie(&self) -> &str {
        self.fields.get("organisatie").map_or("", String::as_str)
    }

    /// What the row's lines in the send log are found by: who, at which address.
    fn key(&self) -> Option<String> {
        self.to.as_ref().map(|to| log::key(self.naam(), self.organisatie(), to.as_ref(), self.nth))
    }

    /// The row's last line in the send log, by its respondent or (logs from
    /// before lines named the respondent) its report's file name.
    fn logged(&self, log: &log::SendLog) -> Option<Skip> {
        let name = self.report_name()?;
        log.last(self.key().as_deref(), &name).and_then(|entry| entry.skip(self.sha256.as_deref(), &name))
    }
}

/// The report's bytes against the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The sha256 matches: this is the report `report` wrote for this row.
    Same,
    /// The file changed since `report` wrote it.
    Changed {
        sha256: String,
    },
    Missing,
    /// The row has no report (a bad row, or rendering failed).
    NoReport,
}

/// Why a row gets no mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// `report` wrote no report for this row.
    NoReport {
        status: String,
    },
    NoAddress,
    /// The address is not one: why.
    InvalidAddress(address::Invalid),
    /// Other rows (sheet row numbers) have the same address.
    SharedAddress {
        rows: Vec<usize>,
    },
    /// The report changed (or is gone) since `report` wrote it.
    ReportChanged,
    ReportMissing,
    /// The send log says it was sent to this respondent.
    Sent {
        time: String,
        to: String,
        message_id: String,
        /// The report sent has the sha256 of this one; else this one is newer.
        same_report: bool,
        /// The report's file name then, when it is another now.
        renamed: Option<String>,
    },
    /// A send was started and did not finish (interrupted, or the connection
    /// broke): it may have arrived.
    Uncertain {
        time: String,
        to: String,
    },
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NoReport { status } => write!(f, "no report for this row ({status} in `report`)"),
            Skip::NoAddress => write!(f, "no e-mail address"),
            Skip::InvalidAddress(why) => write!(f, "not an e-mail address: {why}"),
            Skip::SharedAddress { rows } => write!(
                f,
                "the same address as row{} {}; each report goes only to its own respondent, so check the \
                 address, or pass --allow-shared-address if one person should get several reports",
                if rows.len() == 1 { "" } else { "s" },
                rows.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ")
            ),
            Skip::ReportChanged => write!(
                f,
                "the report changed since `report` wrote it (its sha256 differs from the manifest's); \
                 run `report` again to make and record it"
            ),
            Skip::ReportMissing => write!(f, "the report is missing from the folder"),
            Skip::Sent { time, to, same_report: true, renamed, .. } => {
                write!(f, "sent to {to} on {time}")?;
                match renamed {
                    Some(then) => write!(f, " (this same report, then named `{then}`)"),
                    None => Ok(()),
                }
            }
            Skip::Sent { time, to, same_report: false, renamed, .. } => write!(
                f,
                "sent to {to} on {time}: an earlier version of this report{}; this one is newer: to send \
                 it too, remove the lines for {to} from {LOG}",
                renamed.as_ref().map(|then| format!(", then named `{then}`")).unwrap_or_default()
            ),
            Skip::Uncertain { time, to } => write!(
                f,
                "sending to {to} started on {time} and did not finish (interrupted, or the connection \
                 broke), so it may have arrived; check, and to send it again remove the lines for {to} from {LOG}"
            ),
        }
    }
}

/// A row's e-mail address as `mail` takes it (as written in the sheet; empty
/// is none): the address to send to, or why the row gets no mail. `check`
/// says the same before any report is made.
pub fn recipient(email: Option<&str>) -> std::result::Result<lettre::Address, Skip> {
    address::recipient(email.unwrap_or_default()).map_err(|why| match why {
        Unmailable::NoAddress => Skip::NoAddress,
        Unmailable::Invalid(invalid) => Skip::InvalidAddress(invalid),
    })
}

/// Plans the mails for the reports in a folder (or for one manifest file):
/// reads the manifest `report` wrote and the send log, checks every report
/// against its sha256 and every address, and says per row what happens.
/// Writes and sends nothing.
pub fn plan(target: &Path, options: &MailOptions) -> Result<Plan> {
    let manifest_path = if target.is_dir() { target.join(output::MANIFEST) } else { target.to_owned() };
    let dir = match manifest_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let manifest = read_manifest(&manifest_path)?;
    let brand_path =
        options.brand.clone().or_else(|| manifest.brand.as_ref().map(|b| PathBuf::from(&b.file)));
    let letter = load_letter(brand_path.as_deref(), options.sender.as_ref())?;
    let log_dir = options.log_dir.clone().unwrap_or_else(|| dir.clone());
    if options.log_dir.is_some() && !options.dry_run {
        private_dir(&log_dir)?;
    }
    // Taken before the log is read, so what this run plans from stays true
    // until its last message: a second run stops here instead.
    let lock = if options.dry_run { None } else { Some(log::lock(&log_dir)?) };
    let log_path = log_dir.join(LOG);
    let (log, notes) = log::SendLog::read(&log_path)?;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();

    let mut items: Vec<Planned> = manifest
        .rows
        .into_iter()
        .map(|row| {
            let report = row.output.as_ref().map(|name| dir.join(name));
            let check = match (&report, &row.sha256) {
                (Some(path), Some(want)) if row.status == "written" => match std::fs::read(path) {
                    Ok(bytes) => match output::sha256_hex(&bytes) {
                        got if got == *want => Check::Same,
                        got => Check::Changed { sha256: got },
                    },
                    Err(_) => Check::Missing,
                },
                _ => Check::NoReport,
            };
            let to = recipient(row.email.as_deref());
            let mut item = Planned {
                source: row.file,
                row: row.row,
                respondent: row.respondent,
                report,
                address: row.email,
                check,
                skip: None,
                sha256: row.sha256,
                to: to.as_ref().ok().cloned(),
                fields: row.fields,
                nth: 1,
            };
            // One person with several reports (--allow-shared-address): each its own lines.
            if let (Some(key), Check::Same | Check::Changed { .. } | Check::Missing) =
                (item.key(), &item.check)
            {
                let n = seen.entry(key).or_default();
                *n += 1;
                item.nth = *n;
            }
            let check = &item.check;
            item.skip = match (check, &to, item.logged(&log)) {
                (Check::NoReport, _, _) => Some(Skip::NoReport { status: row.status }),
                (_, _, Some(Skip::Sent { same_report: false, .. })) if options.send_newer => None,
                (_, _, Some(logged)) => Some(logged),
                (_, Err(why), _) => Some(why.clone()),
                (Check::Missing, _, _) => Some(Skip::ReportMissing),
                (Check::Changed { .. }, _, _) => Some(Skip::ReportChanged),
                _ => None,
            };
            item
        })
        .collect();

    // One address on several rows is more often a copying mistake than one
    // person with several reports: those rows wait for --allow-shared-address.
    if !options.allow_shared_address {
        let mut by_address: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(to) = &item.to
                && !matches!(item.skip, Some(Skip::NoReport { .. }))
            {
                by_address.entry(to.to_string().to_lowercase()).or_default().push(i);
            }
        }
        for shared in by_address.values().filter(|v| v.len() > 1) {
            for &i in shared {
                if items[i].skip.is_none() {
                    let rows = shared.iter().filter(|&&j| j != i).map(|&j| items[j].row).collect();
                    items[i].skip = Some(Skip::SharedAddress { rows });
                }
            }
        }
    }

    Ok(Plan {
        manifest: manifest_path,
        dir,
        log: log_path,
        brand: brand_path,
        sender: letter.from.to_string(),
        reply_to: letter.reply_to.as_ref().map(|r| r.to_string()),
        items,
        notes,
        letter,
        lock,
    })
}

/// The web app's send log: one folder for all its batches, in the user's data
/// folder (`$XDG_DATA_HOME/handreiking/verzonden`, else `~/.local/share/…`).
pub fn default_log_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir)
        .join("handreiking")
        .join("verzonden")
}

/// A folder of the send log's own: made for this account only (who was sent
/// what is personal data).
fn private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| Error::Io { action: "create folder", path: dir.to_owned(), source })
}

/// Checks that a brand can send mail (it has a sender's address), before
/// `report --mail` writes anything.
pub fn check_sender(brand: Option<&Path>) -> Result<()> {
    load_letter(brand, None).map(drop)
}

/// The sender as a brand file has it (`[afzender]`), for a page to start from.
pub fn brand_sender(brand: Option<&Path>) -> Result<Sender> {
    let brand = load_brand(brand)?;
    Ok(Sender {
        naam: [brand.afzender.naam.trim(), brand.organisatie.trim()]
            .into_iter()
            .find(|n| !n.is_empty())
            .unwrap_or_default()
            .to_string(),
        email: brand.afzender.email.trim().to_string(),
        antwoord_aan: brand.afzender.antwoord_aan.clone().filter(|a| !a.trim().is_empty()),
    })
}

fn load_brand(path: Option<&Path>) -> Result<Brand> {
    match path {
        Some(path) => Brand::load(path),
        None => Brand::default_brand(&crate::files::Files::default_templates()),
    }
}

fn load_letter(path: Option<&Path>, sender: Option<&Sender>) -> Result<draft::Letter> {
    let mut brand = load_brand(path)?;
    let name = match (sender, path) {
        (Some(_), _) => "the sender given for this run".to_string(),
        (None, Some(p)) => p.display().to_string(),
        (None, None) => "<embedded>/templates/brand.toml".into(),
    };
    if let Some(sender) = sender {
        brand.afzender.naam = sender.naam.clone();
        brand.afzender.email = sender.email.clone();
        brand.afzender.antwoord_aan = sender.antwoord_aan.clone();
    }
    draft::Letter::new(brand, &name)
}

fn read_manifest(path: &Path) -> Result<crate::batch::manifest::Manifest> {
    let bytes = std::fs::read(path).map_err(|source| {
        let dir = path.parent().unwrap_or(Path::new("."));
        let shards = std::fs::read_dir(dir)
            .map(|entries| {
                entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("manifest-shard-"))
            })
            .unwrap_or(false);
        if shards {
            return Error::Usage(format!(
                "{} does not exist, but shard manifests do: combine them first (the guide: \
                 docs/src/developers/batches.md), or name one: handreiking mail {}",
                path.display(),
                dir.join("manifest-shard-0-of-N.json").display()
            ));
        }
        if source.kind() == std::io::ErrorKind::NotFound {
            return Error::Usage(format!(
                "{} does not exist: `handreiking mail` reads the manifest that `handreiking report` writes \
                 beside the reports; run report first, or name its output folder",
                path.display()
            ));
        }
        Error::Io { action: "read", path: path.to_owned(), source }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::Sheet(vec![
            Problem::new(
                path.display().to_string(),
                Some(e.line()),
                format!("not a manifest of `report`: {e}"),
            )
            .hint("name the folder `handreiking report` wrote, or its manifest.json"),
        ])
    })
}
