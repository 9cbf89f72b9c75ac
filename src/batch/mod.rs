//! The batch: one PDF report per respondent of one or more sheets, rendered
//! in threads here or in render processes (`worker`), written atomically,
//! with an audit manifest. Front ends (the CLI) call [`report`] with a
//! progress callback.

use std::path::{Path, PathBuf};

use crate::answers::Location;
use crate::content::Handreiking;
use crate::error::{Error, Problem, Result};
use crate::mapping::{self, CellProblem, Respondent};
use crate::render::{Engine, PdfMeta};
use crate::sheets::{SheetOptions, stream_sheet};
use crate::{Settings, brand, dates, followup, load_content, output, resolve, worker};

mod preview;
pub use preview::{Preview, preview};

pub struct ReportOptions {
    /// minijinja pattern for file names; `output::DEFAULT_NAME` when None.
    pub name: Option<String>,
    /// Worker threads (0: all cores).
    pub jobs: usize,
    /// Render nothing when any row is bad.
    pub strict: bool,
    /// Overwrite existing files.
    pub force: bool,
    pub sheets: SheetOptions,
    /// Also write each respondent's document data as JSON into this folder.
    pub emit_data: Option<PathBuf>,
    /// Render only rows whose number modulo N is K: (K, N).
    pub shard: Option<(usize, usize)>,
    /// Render in child processes, each replaced after a number of reports
    /// (memory stays flat); in threads of this process when None.
    pub processes: Option<worker::Processes>,
    /// Set from elsewhere to stop feeding rows: the reports being made are
    /// finished, the manifest lists what was made (the web app's Stop button).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Compare every report with the respondent's answers in an earlier measurement.
    pub earlier: Option<followup::EarlierOptions>,
}

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

#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub rows: Vec<RowResult>,
    /// Notes from reading (encoding, delimiter).
    pub notes: Vec<String>,
    /// `--strict` and some rows were bad: nothing was rendered.
    pub refused: bool,
    /// The audit manifest written beside the reports.
    pub manifest: Option<PathBuf>,
    /// Stopped through `ReportOptions::cancel` before every row was rendered.
    pub cancelled: bool,
    /// With `--earlier`: which respondent was compared with whom, and who not.
    pub earlier: Option<followup::Plan>,
}

impl BatchOutcome {
    pub fn written(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.outcome, RowOutcome::Written { .. })).count()
    }

    pub fn failed(&self) -> usize {
        self.rows.len() - self.written()
    }
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

/// `handreiking report`: one PDF per respondent, rendered in parallel.
pub fn report(
    settings: &Settings,
    inputs: &[PathBuf],
    out_dir: &Path,
    options: &ReportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BatchOutcome> {
    let h = load_content(settings)?;
    let brand = settings.brand()?;
    let mut outcome = BatchOutcome::default();
    let mut namer = output::Namer::new(options.name.as_deref().unwrap_or(output::DEFAULT_NAME))?;

    let (read_options, file) = options.sheets.load(&h)?;
    let in_shard = |l: Location| options.shard.is_none_or(|(k, n)| l.number() % n == k);
    // The earlier measurement is read into a compact index and matched before
    // anything is rendered; the new sheets are still streamed below.
    let plan = match &options.earlier {
        Some(earlier) => Some(followup::Plan::make(&h, earlier, inputs, &read_options, file.as_ref())?),
        None => None,
    };

    // First pass: every sheet read through once, rendering nothing, so that an
    // unreadable file, a sheet without respondents or (with --strict) a bad
    // row stops the batch before any report is written. Rows are not kept.
    let mut total = 0;
    for input in inputs {
        let (sheet, _, _) =
            stream_sheet(&h, input, &read_options, file.as_ref(), |name, location, reading| {
                match reading {
                    mapping::Reading::Respondent(_) if in_shard(location) => total += 1,
                    mapping::Reading::Bad(problems) if in_shard(location) => outcome.rows.push(RowResult {
                        file: name.to_string(),
                        location,
                        naam: String::new(),
                        outcome: RowOutcome::Bad(problems),
                        email: String::new(),
                        fields: Default::default(),
                    }),
                    _ => {}
                }
                Ok(())
            })?;
        outcome.notes.extend(sheet.notes.iter().map(|n| format!("{}: {n}", sheet.file)));
    }
    if total == 0 && outcome.rows.is_empty() {
        return Err(Error::Sheet(vec![Problem::new(
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            None,
            "no respondents: the sheet has a header but no answer rows",
        )]));
    }
    if options.strict && !outcome.rows.is_empty() {
        outcome.refused = true;
        return Ok(outcome);
    }

    // The engine is built here even when render processes do the work, so that
    // a brand font or template problem stops the batch before anything is written.
    let engine = settings.engine(&brand)?;
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Io {
        action: "create folder",
        path: out_dir.to_owned(),
        source,
    })?;
    if let Some(dir) = &options.emit_data {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            action: "create folder",
            path: dir.clone(),
            source,
        })?;
    }
    let target = Target {
        out_dir: out_dir.to_owned(),
        force: options.force,
        emit_data: options.emit_data.clone(),
        timestamp: settings.timestamp(),
    };
    let threads = match options.jobs {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        n => n,
    }
    .min(total.max(1));

    // Second pass: rows streamed to the renderers through a short queue, so
    // memory holds a few respondents at a time, not the whole sheet.
    let (send, receive) = std::sync::mpsc::sync_channel::<Job>(threads * 2);
    let (fed, rendered) = std::thread::scope(|scope| {
        let renderers = scope.spawn(|| match &options.processes {
            Some(processes) => {
                drop(engine);
                let setup = worker::Setup { settings: settings.clone(), target: target.clone(), threads };
                worker::render_in_processes(processes, &setup, receive, progress, total)
            }
            None => {
                let finished = std::sync::Mutex::new(Vec::with_capacity(total));
                render_here(&engine, &h, &brand, &target, threads, receive, &|rendered| {
                    let mut finished = finished.lock().unwrap();
                    finished.push(rendered);
                    progress(finished.len(), total);
                });
                Ok((finished.into_inner().unwrap(), vec![]))
            }
        });
        let fed = inputs.iter().try_for_each(|input| {
            stream_sheet(&h, input, &read_options, file.as_ref(), |file_name, location, reading| {
                if options.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
                    return Err(Error::Cancelled);
                }
                let mapping::Reading::Respondent(respondent) = reading else { return Ok(()) };
                // Every row is named, in every shard, so that names (and their
                // collision suffixes) are the same however the batch is split.
                let fields = name_fields(&respondent);
                let name = namer.name(&fields)?;
                if in_shard(location) {
                    let earlier = plan.as_ref().and_then(|p| p.earlier_for(file_name, location));
                    let job = Job {
                        file: file_name.to_string(),
                        respondent,
                        fields,
                        name,
                        retried: false,
                        earlier,
                    };
                    // A closed queue means the renderers stopped on an error, which is returned below.
                    let _ = send.send(job);
                }
                Ok(())
            })
            .map(drop)
        });
        drop(send);
        (fed, renderers.join().expect("renderers do not panic"))
    });
    let (rendered, render_notes) = rendered?;
    match fed {
        Err(Error::Cancelled) => outcome.cancelled = true,
        fed => fed?,
    }
    outcome.notes.extend(render_notes);
    let mut glyph_notes = vec![];
    let mut date_notes = vec![];
    for Rendered { row, missing, unreadable_date } in rendered {
        if !missing.is_empty() {
            glyph_notes.push((row.file.clone(), row.location, missing));
        }
        if let Some(date) = unreadable_date {
            date_notes.push((row.file.clone(), row.location, date));
        }
        outcome.rows.push(row);
    }
    glyph_notes.sort();
    for (file, location, missing) in glyph_notes {
        let shown: Vec<String> = missing.iter().map(|c| format!("`{c}` (U+{:04X})", *c as u32)).collect();
        outcome.notes.push(format!(
            "{file}: {location}: no font has {}; that report shows a blank box for it and is written without the \
             PDF/UA-1 and PDF/A-2a claims. Add a font that has it with --font-path",
            shown.join(", ")
        ));
    }
    date_notes.sort();
    for (file, location, date) in date_notes {
        let short: String = date.chars().take(60).collect();
        let ellipsis = if short.len() < date.len() { "…" } else { "" };
        outcome.notes.push(format!(
            "{file}: {location}: the date \"{short}{ellipsis}\" could not be read; it is shown as written"
        ));
    }
    outcome.rows.sort_by(|a, b| (&a.file, a.location).cmp(&(&b.file, b.location)));
    if let Some(plan) = plan {
        outcome.notes.extend(plan.index.notes.iter().cloned());
        outcome.earlier = Some(plan);
    }
    let mut manifest = output::Manifest::new(inputs, &settings.content_files()?, &outcome, options.shard);
    manifest.brand = settings.brand.as_deref().map(output::InputEntry::brand);
    let name = match options.shard {
        Some((k, n)) => output::shard_manifest(k, n),
        None => output::MANIFEST.to_string(),
    };
    let path = out_dir.join(name);
    output::write_atomic(&path, manifest.to_json().as_bytes())?;
    outcome.manifest = Some(path);
    Ok(outcome)
}

fn name_fields(r: &Respondent) -> std::collections::BTreeMap<String, String> {
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
fn document(
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
        title: Some(document.titel),
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
