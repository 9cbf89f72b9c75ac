//! The batch: one PDF report per respondent of one or more sheets, rendered
//! in threads here or in render processes (`processes`), written atomically,
//! with an audit manifest. Front ends (the CLI) call [`report`] with a
//! progress callback.

use std::path::{Path, PathBuf};

use crate::answers::Location;
use crate::error::{Error, Problem, Result};
use crate::mapping;
use crate::settings::{Settings, load_content};
use crate::sheets::{SheetOptions, stream_sheet};
use crate::{followup, output};

mod job;
pub mod manifest;
pub mod pool;
mod preview;
pub mod processes;

pub use job::{RowOutcome, RowResult};
pub use preview::{Preview, preview};

use job::{Job, Rendered, Target, render_here};

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
    pub processes: Option<processes::Processes>,
    /// Set from elsewhere to stop feeding rows: the reports being made are
    /// finished, the manifest lists what was made (the web app's Stop button).
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Compare every report with the respondent's answers in an earlier measurement.
    pub earlier: Option<followup::EarlierOptions>,
}

impl ReportOptions {
    /// What the CLI and the web app start from: sheets read as `sheets` says,
    /// names as `output::DEFAULT_NAME`, all cores, reports in threads here.
    pub fn new(sheets: SheetOptions) -> ReportOptions {
        ReportOptions {
            name: None,
            jobs: 0,
            strict: false,
            force: false,
            sheets,
            emit_data: None,
            shard: None,
            processes: None,
            cancel: None,
            earlier: None,
        }
    }

    fn namer(&self) -> Result<output::Namer> {
        output::Namer::new(self.name.as_deref().unwrap_or(output::DEFAULT_NAME))
    }

    /// With an earlier measurement: every new respondent matched before anything is rendered.
    fn plan(
        &self,
        h: &crate::content::Handreiking,
        inputs: &[PathBuf],
        read: &crate::answers::ReadOptions,
        file: Option<&mapping::MappingFile>,
    ) -> Result<Option<followup::Plan>> {
        self.earlier.as_ref().map(|e| followup::Plan::make(h, e, inputs, read, file)).transpose()
    }
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
    let mut namer = options.namer()?;
    let (read_options, file) = options.sheets.load(&h)?;
    let in_shard = |l: Location| options.shard.is_none_or(|(k, n)| l.number() % n == k);
    // The earlier measurement is read into a compact index and matched before
    // anything is rendered; the new sheets are still streamed below.
    let plan = options.plan(&h, inputs, &read_options, file.as_ref())?;

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
        let renderers = scope.spawn(|| {
            let finished = std::sync::Mutex::new(Vec::with_capacity(total));
            let done = |rendered| {
                let mut finished = finished.lock().unwrap();
                finished.push(rendered);
                progress(finished.len(), total);
            };
            let notes = match &options.processes {
                Some(processes) => {
                    drop(engine);
                    let setup =
                        processes::Setup { settings: settings.clone(), target: target.clone(), threads };
                    processes::render_in_processes(processes, &setup, receive, &done)?
                }
                None => {
                    render_here(&engine, &h, &brand, &target, threads, receive, &done);
                    vec![]
                }
            };
            Ok::<_, Error>((finished.into_inner().unwrap(), notes))
        });
        let fed = inputs.iter().try_for_each(|input| {
            stream_sheet(&h, input, &read_options, file.as_ref(), |file_name, location, reading| {
                if options.cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
                    return Err(Error::Cancelled);
                }
                let mapping::Reading::Respondent(respondent) = reading else { return Ok(()) };
                // Every row is named, in every shard (see Job::new).
                let job = Job::new(file_name, respondent, &mut namer, plan.as_ref())?;
                if in_shard(location) {
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
    let mut manifest = manifest::Manifest::new(inputs, &settings.content_files()?, &outcome, options.shard);
    manifest.brand = settings.brand.as_deref().map(manifest::InputEntry::brand);
    let name = match options.shard {
        Some((k, n)) => output::shard_manifest(k, n),
        None => output::MANIFEST.to_string(),
    };
    let path = out_dir.join(name);
    output::write_atomic(&path, manifest.to_json().as_bytes())?;
    outcome.manifest = Some(path);
    Ok(outcome)
}

/// After a batch with an earlier measurement: whose report shows the comparison,
/// and whose not, and why.
pub struct Compared<'a> {
    pub plan: &'a followup::Plan,
    /// Reports written with a comparison.
    pub compared: usize,
    /// Reports written without one: no earlier respondent fits.
    pub alone: Vec<&'a followup::NewRow>,
    /// Reports written without one: the match is ambiguous (never guessed).
    pub ambiguous: Vec<&'a followup::NewRow>,
    /// Earlier respondents no new respondent matched.
    pub only_earlier: usize,
}

impl BatchOutcome {
    /// With `--earlier`: the written reports by whether they show a comparison.
    pub fn compared(&self) -> Option<Compared<'_>> {
        let plan = self.earlier.as_ref()?;
        let mut compared = Compared { plan, compared: 0, alone: vec![], ambiguous: vec![], only_earlier: 0 };
        for row in &self.rows {
            if !matches!(row.outcome, RowOutcome::Written { .. }) {
                continue;
            }
            match plan.row(&row.file, row.location) {
                Some(new) if matches!(new.outcome, followup::Outcome::Matched { .. }) => {
                    compared.compared += 1
                }
                Some(new) if matches!(new.outcome, followup::Outcome::Ambiguous { .. }) => {
                    compared.ambiguous.push(new)
                }
                Some(new) => compared.alone.push(new),
                None => {}
            }
        }
        compared.only_earlier = plan.only_earlier().len();
        Some(compared)
    }
}
