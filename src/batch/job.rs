//! One report of a batch: the job a respondent becomes, and how it is
//! typeset and written, the same in this process, in a render process and
//! in the web app's preview.

use std::path::PathBuf;

use crate::answers::Location;
use crate::content::Handreiking;
use crate::error::Result;
use crate::mapping::{CellProblem, Respondent};
use crate::output::Namer;
use crate::render::{Engine, PdfMeta};
use crate::{brand, dates, followup, output, resolve};

/// One input row's fate.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum RowOutcome {
    Written {
        path: PathBuf,
        /// sha256 of the PDF, hex.
        sha256: String,
    },
    /// Cells that are not answers.
    Bad(Vec<CellProblem>),
    /// Rendering or writing failed.
    Failed(String),
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RowResult {
    pub file: String,
    pub location: Location,
    pub naam: String,
    pub outcome: RowOutcome,
    /// The respondent's e-mail address as written, and the fields the brand's
    /// texts use: recorded in the manifest for `handreiking mail`.
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// A respondent with where it came from and the file it becomes.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Job {
    pub(crate) file: String,
    pub(crate) respondent: Respondent,
    /// The respondent's fields by name, for file names and the brand's texts.
    pub(crate) fields: std::collections::BTreeMap<String, String>,
    pub(crate) name: String,
    /// Sent again after a render process died holding it: that process may
    /// have written the report before it died.
    #[serde(default)]
    pub(crate) retried: bool,
    /// The matched earlier answers, with `--earlier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) earlier: Option<followup::Earlier>,
}

/// Where and how reports are written; the same in every renderer.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Target {
    pub(crate) out_dir: PathBuf,
    pub(crate) force: bool,
    pub(crate) emit_data: Option<PathBuf>,
    /// For reports whose respondent has no readable date.
    pub(crate) timestamp: i64,
}

/// A job's result, with the characters of its text that no font has and its
/// date, as written, when that cannot be read.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Rendered {
    pub(crate) row: RowResult,
    pub(crate) missing: Vec<char>,
    pub(crate) unreadable_date: Option<String>,
}

/// Renders jobs in threads of this process, sharing one engine, and hands
/// each result to `done` as it is ready (in `report`, or in a render process).
pub(crate) fn render_here(
    engine: &Engine,
    h: &Handreiking,
    brand: &brand::Brand,
    target: &Target,
    threads: usize,
    jobs: std::sync::mpsc::Receiver<Job>,
    done: &(dyn Fn(Rendered) + Sync),
) {
    let jobs = std::sync::Mutex::new(jobs);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let Ok(job) = jobs.lock().unwrap().recv() else { break };
                    done(render_job(engine, h, brand, target, job));
                }
            });
        }
    });
}

/// One report: font coverage checked, typeset, written.
fn render_job(engine: &Engine, h: &Handreiking, brand: &brand::Brand, target: &Target, job: Job) -> Rendered {
    // Characters no font can show would silently become boxes: say which and where.
    let missing = engine.missing_glyphs(&job.respondent.shown_text());
    // A date that cannot be read is shown as written: say so, and where.
    let unreadable_date = dates::unreadable(&job.respondent.datum).then(|| job.respondent.datum.clone());
    let outcome = render_one(engine, h, brand, &job, target, missing.is_empty());
    let row = RowResult {
        file: job.file,
        location: job.respondent.location,
        naam: job.respondent.naam,
        outcome,
        email: job.respondent.email,
        fields: job.fields,
    };
    Rendered { row, missing, unreadable_date }
}

impl Job {
    /// The job for a respondent of `file`: its fields, its file name (every row
    /// is named, so that names and their collision suffixes are the same
    /// however the batch is split) and, with an earlier measurement, its match.
    pub(crate) fn new(
        file: &str,
        respondent: Respondent,
        namer: &mut Namer,
        plan: Option<&followup::Plan>,
    ) -> Result<Job> {
        let fields = name_fields(&respondent);
        let name = namer.name(&fields)?;
        let earlier = plan.and_then(|p| p.earlier_for(file, respondent.location));
        Ok(Job { file: file.to_string(), respondent, fields, name, retried: false, earlier })
    }
}

pub(crate) fn name_fields(r: &Respondent) -> std::collections::BTreeMap<String, String> {
    let mut fields: std::collections::BTreeMap<String, String> = r
        .velden
        .iter()
        .map(|(k, v)| (k.to_lowercase().replace(|c: char| !c.is_alphanumeric(), "_"), v.clone()))
        .collect();
    fields.insert("naam".into(), r.naam.clone());
    fields.insert("organisatie".into(), r.organisatie.clone());
    // The date as written, not its Dutch form ("12 maart 2026"): file names made
    // with `--name` stay what they were, as users expect. (`resolve::report`
    // gives the brand's texts the Dutch form.)
    fields.insert("datum".into(), r.datum.clone());
    fields.insert("rij".into(), r.location.number().to_string());
    fields
}

fn render_one(
    engine: &Engine,
    h: &Handreiking,
    brand: &brand::Brand,
    job: &Job,
    target: &Target,
    covered: bool,
) -> RowOutcome {
    let path = target.out_dir.join(&job.name);
    let exists_already =
        || RowOutcome::Failed(format!("{} exists already; use --force to overwrite it", path.display()));
    // A retried report's file may be the one the dead process wrote: output is
    // reproducible, so an identical file is that report, anything else is not.
    let keep_if_same = !target.force && path.exists();
    if keep_if_same && !job.retried {
        return exists_already();
    }
    let (data, meta) = document(h, brand, job, target, covered);
    if let Some(dir) = &target.emit_data {
        let json_path = dir.join(job.name.trim_end_matches(".pdf").to_string() + ".json");
        if let Err(e) = output::write_atomic(&json_path, &data) {
            return RowOutcome::Failed(e.to_string());
        }
    }
    let pdf = match engine.render("report.typ", data, &meta) {
        Ok(pdf) => pdf,
        Err(e) => return RowOutcome::Failed(e.to_string()),
    };
    if keep_if_same {
        if std::fs::read(&path).is_ok_and(|written| written == pdf) {
            return RowOutcome::Written { path, sha256: output::sha256_hex(&pdf) };
        }
        return exists_already();
    }
    match output::write_atomic(&path, &pdf) {
        Ok(()) => RowOutcome::Written { path, sha256: output::sha256_hex(&pdf) },
        Err(e) => RowOutcome::Failed(e.to_string()),
    }
}

/// A report's document data and what its PDF says about itself.
pub(crate) fn document(
    h: &Handreiking,
    brand: &brand::Brand,
    job: &Job,
    target: &Target,
    covered: bool,
) -> (Vec<u8>, PdfMeta) {
    let mut document = resolve::report(h, brand, &job.respondent, &job.fields);
    if let Some(earlier) = &job.earlier {
        followup::annotate(&mut document, earlier);
    }
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let meta = PdfMeta {
        ident: format!("handreiking-report|{}|{}|{}", job.file, job.respondent.location, job.name),
        timestamp: dates::parse(&job.respondent.datum).unwrap_or(target.timestamp),
        title: Some(document.document.titel),
        // The sender wrote the report; the respondent is named in title and subject.
        author: brand.sender().into_iter().collect(),
        subject: Some(report_subject(h, &job.respondent)),
        standards: covered,
    };
    (data, meta)
}

/// The PDF's subject (description) of a report: for whom, from what.
fn report_subject(h: &Handreiking, r: &Respondent) -> String {
    let who = match (r.naam.trim(), r.organisatie.trim()) {
        ("", "") => String::new(),
        (naam, "") => format!(" voor {naam}"),
        ("", org) => format!(" voor {org}"),
        (naam, org) => format!(" voor {naam} ({org})"),
    };
    format!("Persoonlijk advies{who} bij de handreiking “{}”", h.titel)
}
