//! The live user meeting (`handreiking workshop`): participants answer on
//! their phones, each gets their own advice at once, the room sees the group.
//!
//! This is the meeting without the web: the answers in their database
//! (`store`), the join code (`code`), each participant as the respondent the
//! rest of the library knows (so their advice is `resolve::report`'s and their
//! PDF the batch's), the group as `resolve::group` counts it, and the export
//! that `report`, `group` and `--earlier` read back.

pub mod code;
pub mod store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::answers::Location;
use crate::brand::Brand;
use crate::content::{Handreiking, Letter, Reflectie, Soort};
use crate::error::{Error, Result};
use crate::mapping::Respondent;
use crate::settings::{Settings, load_content};
use crate::sheet_template::{self, Date, FilledRow};
use crate::{dates, output, resolve};

pub use store::{Meta, Participant, Refused, Store};

/// Participants at most, unless the facilitator says otherwise.
pub const MAX_PARTICIPANTS: usize = 200;

/// The exports in the workshop folder, as `report` and `group` read them.
pub const EXPORT_CSV: &str = "antwoorden.csv";
pub const EXPORT_XLSX: &str = "antwoorden.xlsx";
/// The participants' own PDFs.
pub const REPORTS: &str = "rapporten";

pub struct WorkshopOptions {
    /// The workshop folder: its database, exports and reports.
    pub dir: PathBuf,
    /// Ask participants their name and organisation (else they stay anonymous).
    pub ask_names: bool,
    pub max_participants: usize,
}

/// An open workshop: its database, and the content and brand it runs with.
pub struct Workshop {
    pub store: Store,
    pub h: Handreiking,
    pub brand: Brand,
    pub settings: Settings,
    pub dir: PathBuf,
    pub max_participants: usize,
}

impl Workshop {
    /// Opens the workshop in `options.dir`, or starts one there. True: it was
    /// there already (a restart after a crash goes on where it was).
    pub fn open(settings: Settings, options: &WorkshopOptions, now: i64) -> Result<(Workshop, bool)> {
        let h = load_content(&settings)?;
        let brand = settings.brand()?;
        let (store, resumed) = Store::open(&options.dir, || Meta {
            code: code::join_code(),
            created: now,
            closed: None,
            ask_names: options.ask_names,
            shown: false,
        })?;
        // Where the participants' PDFs go: as private as the database.
        store::private_dir(&options.dir.join(REPORTS))?;
        let workshop = Workshop {
            store,
            h,
            brand,
            settings,
            dir: options.dir.clone(),
            max_participants: options.max_participants,
        };
        Ok((workshop, resumed))
    }

    /// The day of the meeting, as the export writes it (2026-12-05).
    pub fn date(&self) -> Result<String> {
        let ((y, m, d), ..) = dates::civil_time(self.store.meta()?.created);
        Ok(format!("{y:04}-{m:02}-{d:02}"))
    }

    /// A participant as the rest of the library knows a respondent: the row
    /// they are in the export (participant 1 is row 2, under the header).
    pub fn respondent(&self, p: &Participant, datum: &str) -> Respondent {
        Respondent {
            location: Location::Row(p.number as usize + 1),
            naam: p.naam.clone(),
            organisatie: p.organisatie.clone(),
            datum: datum.to_string(),
            email: String::new(),
            velden: vec![],
            antwoorden: self.h.vragen().map(|(_, v)| (v.id.clone(), p.answers.get(&v.id).copied())).collect(),
        }
    }

    /// A participant's advice: the document data their PDF report is made from.
    pub fn advice(&self, p: &Participant) -> Result<resolve::Report> {
        let respondent = self.respondent(p, &self.date()?);
        let fields: BTreeMap<String, String> = [
            ("naam", respondent.naam.clone()),
            ("organisatie", respondent.organisatie.clone()),
            ("datum", respondent.datum.clone()),
            ("rij", respondent.location.number().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Ok(resolve::report(&self.h, &self.brand, &respondent, &fields))
    }

    /// The room's answers so far, counted as the group report counts them.
    pub fn group(&self) -> Result<(resolve::Group, Vec<Participant>)> {
        let participants = self.store.participants()?;
        let datum = self.date()?;
        let respondents: Vec<Respondent> = participants.iter().map(|p| self.respondent(p, &datum)).collect();
        Ok((resolve::group(&self.h, &self.brand, &respondents, false), participants))
    }

    /// The werkvormen the room's answers point to, most first: (id, title, participants).
    pub fn werkvormen(&self, participants: &[Participant]) -> Vec<(String, String, usize)> {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for p in participants {
            let mut theirs: Vec<&str> = vec![];
            for (_, vraag) in self.h.vragen() {
                let Some(letter) = p.answers.get(&vraag.id) else { continue };
                let Some(antwoord) = vraag.antwoorden.iter().find(|a| a.letter == *letter) else { continue };
                for blok in antwoord.blokken.iter().filter(|b| b.soort == Soort::Werkvormen) {
                    theirs.extend(blok.werkvormen.iter().map(String::as_str));
                }
            }
            theirs.sort_unstable();
            theirs.dedup();
            for id in theirs {
                *count.entry(id).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, String, usize)> = self
            .h
            .werkvormen
            .iter()
            .filter_map(|w| count.get(w.id.as_str()).map(|&n| (w.id.clone(), w.titel.clone(), n)))
            .collect();
        ranked.sort_by_key(|w| std::cmp::Reverse(w.2));
        ranked
    }

    /// The reflection a phone shows as page `n` (1-based).
    pub fn reflection(&self, n: usize) -> Option<&Reflectie> {
        n.checked_sub(1).and_then(|i| self.h.reflecties.get(i))
    }

    /// A reflection page's form, checked against the content: every question of
    /// the reflection answered A or B, and nothing else. The answers, or what is missing.
    pub fn answers_from_form(
        &self,
        n: usize,
        form: &[(String, String)],
    ) -> std::result::Result<Vec<(String, Letter)>, Vec<String>> {
        let Some(reflectie) = self.reflection(n) else { return Err(vec![]) };
        let mut answers = vec![];
        let mut missing = vec![];
        for vraag in &reflectie.vragen {
            let given = form.iter().find(|(k, _)| *k == vraag.id).map(|(_, v)| v.as_str());
            match given {
                Some("A") => answers.push((vraag.id.clone(), Letter::A)),
                Some("B") => answers.push((vraag.id.clone(), Letter::B)),
                _ => missing.push(vraag.id.clone()),
            }
        }
        if missing.is_empty() { Ok(answers) } else { Err(missing) }
    }

    /// The answers as an answer sheet: the columns `template` gives (naam,
    /// organisatie, datum, the question ids), one row per participant.
    pub fn export_csv(&self) -> Result<Vec<u8>> {
        let participants = self.store.participants()?;
        let datum = self.date()?;
        let mut writer = csv::Writer::from_writer(vec![]);
        let csv_error = |e: csv::Error| Error::Usage(format!("cannot write the export: {e}"));
        writer.write_record(sheet_template::columns(&self.h)).map_err(csv_error)?;
        for p in &participants {
            let mut record = vec![p.naam.clone(), p.organisatie.clone(), datum.clone()];
            record.extend(
                self.h
                    .vragen()
                    .map(|(_, v)| p.answers.get(&v.id).map(|l| l.as_str().to_string()).unwrap_or_default()),
            );
            writer.write_record(&record).map_err(csv_error)?;
        }
        writer.into_inner().map_err(|e| Error::Usage(format!("cannot write the export: {e}")))
    }

    /// The answers as the workbook `template --format xlsx` gives, filled in.
    pub fn export_xlsx(&self) -> Result<Vec<u8>> {
        let participants = self.store.participants()?;
        let ((year, month, day), ..) = dates::civil_time(self.store.meta()?.created);
        let rows: Vec<FilledRow> = participants
            .iter()
            .map(|p| FilledRow {
                naam: p.naam.clone(),
                organisatie: p.organisatie.clone(),
                datum: Some(Date { year: year as u16, month, day }),
                antwoorden: p.answers.iter().map(|(id, l)| (id.clone(), Some(*l))).collect(),
            })
            .collect();
        sheet_template::workbook(&self.h, &rows)
    }

    /// Writes both exports into the workshop folder; the CSV's path.
    pub fn write_exports(&self) -> Result<PathBuf> {
        let csv = self.dir.join(EXPORT_CSV);
        output::write_atomic(&csv, &self.export_csv()?)?;
        output::write_atomic(&self.dir.join(EXPORT_XLSX), &self.export_xlsx()?)?;
        Ok(csv)
    }

    /// The group report of the answers so far, made as `handreiking group`
    /// makes it from the export (with an earlier measurement when given).
    pub fn group_report(&self, earlier: Option<&crate::followup::EarlierOptions>) -> Result<PathBuf> {
        let csv = self.write_exports()?;
        let out = self.dir.join(output::GROUP_REPORT);
        crate::group::group(&self.settings, &[csv], &Default::default(), false, earlier, &out)?;
        Ok(out)
    }

    /// Where a participant's PDF goes: a new name for every version of their answers.
    pub fn report_path(&self, p: &Participant) -> PathBuf {
        self.dir.join(REPORTS).join(format!("deelnemer-{}-{}.pdf", p.number, p.version))
    }

    /// Deletes the workshop: its database (with its journal), exports and reports, and the folder.
    pub fn delete(self) -> Result<()> {
        let Workshop { store, dir, .. } = self;
        drop(store);
        remove_workshop(&dir)
    }
}

/// Removes what a workshop keeps in `dir`, and `dir` when nothing else is in it.
pub fn remove_workshop(dir: &Path) -> Result<()> {
    let io = |path: &Path, source| Error::Io { action: "delete", path: path.to_owned(), source };
    for name in [
        store::DATABASE.to_string(),
        format!("{}-wal", store::DATABASE),
        format!("{}-shm", store::DATABASE),
        EXPORT_CSV.into(),
        EXPORT_XLSX.into(),
        output::GROUP_REPORT.into(),
    ] {
        let path = dir.join(&name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, e)),
        }
    }
    let reports = dir.join(REPORTS);
    match std::fs::remove_dir_all(&reports) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(&reports, e)),
    }
    // The folder itself only when it is empty now: never what else the user put in it.
    let _ = std::fs::remove_dir(dir);
    Ok(())
}

/// Where a workshop goes when the facilitator names no folder: a dated folder
/// under the user's documents (these answers must outlive the app), the same
/// one all day, so that a restart finds it.
pub fn default_dir(now: i64) -> PathBuf {
    let documents = std::env::var_os("XDG_DOCUMENTS_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join("Documents")))
        .unwrap_or_else(|| PathBuf::from("."));
    let ((y, m, d), ..) = dates::civil_time(now);
    documents.join("Handreiking").join(format!("workshop-{y:04}-{m:02}-{d:02}"))
}
