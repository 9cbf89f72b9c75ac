//! `handreiking`: turns answer sheets for the handreiking "Digitaal samenwerken in
//! welzijn en zorg" into PDF advice reports, and typesets the handreiking itself.
//!
//! Each command is a plain function that reads top to bottom as its pipeline:
//! load content → resolve document data → render with Typst → write.

pub mod answers;
pub mod brand;
pub mod content;
pub mod dates;
pub mod error;
pub mod files;
pub mod mapping;
pub mod output;
pub mod render;
pub mod resolve;
pub mod sheet_template;
pub mod worker;

use std::path::{Path, PathBuf};

pub use error::{Error, Problem, Result};

use content::Handreiking;
use files::Files;
use render::{Engine, PdfMeta};

/// Where content, templates and fonts come from: the embedded defaults unless overridden.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// A content folder that replaces the embedded handreiking.
    pub content: Option<PathBuf>,
    /// A folder whose templates override the embedded ones by file name.
    pub templates: Option<PathBuf>,
    /// Folders with extra fonts.
    pub font_paths: Vec<PathBuf>,
    /// Seconds since 1970 for the documents' date (SOURCE_DATE_EPOCH). Reports
    /// use the respondent's date when it can be read; never the clock.
    pub timestamp: Option<i64>,
    /// A brand file; the embedded default brand when None.
    pub brand: Option<PathBuf>,
}

impl Settings {
    pub fn content_files(&self) -> Result<Files> {
        match &self.content {
            Some(dir) => Files::from_dir(dir),
            None => Ok(Files::default_content()),
        }
    }

    pub fn template_files(&self) -> Result<Files> {
        let defaults = Files::default_templates();
        match &self.templates {
            Some(dir) => defaults.overridden_by(dir),
            None => Ok(defaults),
        }
    }

    /// The embedded fonts, the brand's fonts folder (`[lettertypen] map`) and `--font-path`s.
    pub fn font_files(&self, brand: &brand::Brand) -> Result<Vec<Files>> {
        let mut sets = vec![Files::default_fonts()];
        for dir in brand.font_dir.iter().chain(&self.font_paths) {
            sets.push(Files::from_dir(dir)?);
        }
        Ok(sets)
    }

    pub fn brand(&self) -> Result<brand::Brand> {
        match &self.brand {
            Some(path) => brand::Brand::load(path),
            None => brand::Brand::default_brand(&self.template_files()?),
        }
    }

    /// The typesetting engine for documents in this brand; checks the brand's fonts exist.
    pub fn engine(&self, brand: &brand::Brand) -> Result<Engine> {
        let engine = Engine::new(&self.template_files()?, &self.font_files(brand)?, brand.assets())?;
        let file = self
            .brand
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<embedded>/templates/brand.toml".into());
        for family in [&brand.lettertypen.tekst, &brand.lettertypen.koppen] {
            if !engine.has_family(family) {
                return Err(Error::Brand(vec![Problem::new(file, None, format!("the font family `{family}` is not available"))
                    .hint("put its font files in a folder next to the brand file and name it with `map = \"fonts\"` under [lettertypen] (or pass it with --font-path DIR); the embedded family is Inter")]));
            }
        }
        Ok(engine)
    }

    fn timestamp(&self) -> i64 {
        self.timestamp.unwrap_or(dates::FALLBACK)
    }
}

/// Loads and validates the handreiking.
pub fn load_content(settings: &Settings) -> Result<Handreiking> {
    content::load(&settings.content_files()?)
}

pub struct BlankOptions {
    /// Page numbers next to internal links, for a printed copy.
    pub print: bool,
}

pub struct Written {
    pub path: PathBuf,
    pub bytes: usize,
}

/// The documents made from the handreiking alone (no answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handout {
    /// The whole handreiking, navigable (`blank.typ`).
    Blank,
    /// A printable answer form (`form.typ`).
    Form,
    /// Werkvorm cards, A5, two to an A4 sheet (`cards.typ`).
    Cards,
}

impl Handout {
    pub fn name(self) -> &'static str {
        match self {
            Handout::Blank => "blank",
            Handout::Form => "form",
            Handout::Cards => "cards",
        }
    }
}

/// `handreiking blank | form | cards`: a document from the handreiking alone.
pub fn handout(settings: &Settings, kind: Handout, options: &BlankOptions, output: &Path) -> Result<Written> {
    let handreiking = load_content(settings)?;
    let brand = settings.brand()?;
    let document = resolve::blank(&handreiking, &brand, kind.name(), options.print);
    let engine = settings.engine(&brand)?;
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let meta = PdfMeta {
        ident: format!("handreiking-{}-{}", kind.name(), if options.print { "print" } else { "screen" }),
        timestamp: settings.timestamp(),
        title: None,
        author: vec![],
        subject: None,
        standards: true,
    };
    let pdf = engine.render(&format!("{}.typ", kind.name()), data, &meta)?;
    output::write_atomic(output, &pdf)?;
    Ok(Written { path: output.to_owned(), bytes: pdf.len() })
}

/// `--emit-data`: the JSON a template receives, for designers and the stock typst CLI.
pub fn handout_data(settings: &Settings, kind: Handout, print: bool) -> Result<String> {
    let handreiking = load_content(settings)?;
    let brand = settings.brand()?;
    Ok(serde_json::to_string_pretty(&resolve::blank(&handreiking, &brand, kind.name(), print))
        .expect("document data serialises"))
}

// ---- Answer sheets -----------------------------------------------------------------

use answers::{Location, ReadOptions, Sheet};
use mapping::{CellProblem, Mapping, Respondent};

/// A sheet read and understood, summed up row by row (the rows themselves are
/// not kept, so any length fits in memory): what `check` shows.
pub struct ReadSheet {
    /// The header part (its `rows` are empty) and the notes from reading.
    pub sheet: Sheet,
    pub mapping: Mapping,
    /// Good rows: respondents a report can be made for.
    pub respondents: usize,
    /// Per question id: how many respondents answered A, B, or left it open.
    pub answers: std::collections::BTreeMap<String, [usize; 3]>,
    /// The first [`ReadSheet::KEPT`] rows with bad cells, each with all its problems.
    pub bad_rows: Vec<(Location, Vec<CellProblem>)>,
    /// All rows with bad cells, and their bad cells.
    pub bad_row_count: usize,
    pub bad_cell_count: usize,
    pub empty_rows: usize,
    pub tally: mapping::Tally,
    /// The first [`ReadSheet::DATES_KEPT`] respondents' dates that cannot be
    /// read (reports show them as written), as written.
    pub unreadable_dates: Vec<(Location, String)>,
    pub unreadable_date_count: usize,
}

impl ReadSheet {
    pub const KEPT: usize = 1000;
    pub const DATES_KEPT: usize = 5;
}

/// How to read answer sheets: reading options (flags win) and an optional mapping file.
#[derive(Debug, Clone, Default)]
pub struct SheetOptions {
    pub read: ReadOptions,
    pub mapping: Option<PathBuf>,
}

impl SheetOptions {
    fn load(&self, h: &Handreiking) -> Result<(ReadOptions, Option<mapping::MappingFile>)> {
        let Some(path) = &self.mapping else { return Ok((self.read.clone(), None)) };
        let file = mapping::MappingFile::load(path, h)?;
        let mut read = self.read.clone();
        let bad = |key: &str, e: String| {
            Error::Mapping(vec![Problem::new(
                path.display().to_string(),
                None,
                format!("[source] {key}: {e}"),
            )])
        };
        if read.delimiter.is_none()
            && let Some(d) = &file.source.delimiter
        {
            read.delimiter = Some(d.parse().map_err(|e| bad("delimiter", e))?);
        }
        if read.encoding.is_none()
            && let Some(e) = &file.source.encoding
        {
            read.encoding = Some(e.parse().map_err(|e| bad("encoding", e))?);
        }
        if read.header_rows.is_none() {
            read.header_rows = file.source.header_rows;
        }
        if read.sheet.is_none() {
            read.sheet = file.source.sheet.clone();
        }
        Ok((read, Some(file)))
    }
}

/// Opens one answer sheet, finds what its columns mean, and passes every row,
/// as it is read and understood, to `each`, with the name of the file (and of
/// the sheet, in a workbook) as messages give it. Returns the header part,
/// with the notes from reading, the mapping and the tally of values.
pub fn stream_sheet(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
    mut each: impl FnMut(&str, Location, mapping::Reading) -> Result<()>,
) -> Result<(Sheet, Mapping, mapping::Tally)> {
    let (mut sheet, mut rows) = answers::open(path, options, &question_columns(h, file))?;
    let mapping = mapping::detect(&sheet, h, file)?;
    let mut tally = mapping::Tally::default();
    for row in rows.by_ref() {
        let row = row?;
        each(
            &sheet.file,
            row.location,
            mapping::interpret_row(&row, &sheet.headers, &mapping, h, &mut tally),
        )?;
    }
    sheet.notes.extend(rows.notes());
    Ok((sheet, mapping, tally))
}

/// How many question columns a sheet's header has, for choosing a workbook's sheet.
fn question_columns<'a>(
    h: &'a Handreiking,
    file: Option<&'a mapping::MappingFile>,
) -> impl Fn(&Sheet) -> usize + 'a {
    move |sheet| mapping::detect_all(sheet, h, file).0.questions.len()
}

/// Reads one answer sheet against the handreiking, summing it up.
pub fn read_sheet(
    h: &Handreiking,
    path: &Path,
    options: &ReadOptions,
    file: Option<&mapping::MappingFile>,
) -> Result<ReadSheet> {
    use mapping::Reading;
    let mut answers: std::collections::BTreeMap<String, [usize; 3]> =
        h.vragen().map(|(_, v)| (v.id.clone(), [0; 3])).collect();
    let (mut respondents, mut empty_rows, mut bad_row_count, mut bad_cell_count) = (0, 0, 0, 0);
    let mut bad_rows = vec![];
    let (mut unreadable_dates, mut unreadable_date_count) = (vec![], 0);
    let (sheet, mapping, tally) = stream_sheet(h, path, options, file, |_, location, reading| {
        match reading {
            Reading::Empty => empty_rows += 1,
            Reading::Respondent(r) => {
                respondents += 1;
                if dates::unreadable(&r.datum) {
                    unreadable_date_count += 1;
                    if unreadable_dates.len() < ReadSheet::DATES_KEPT {
                        unreadable_dates.push((location, r.datum.clone()));
                    }
                }
                for (id, answer) in &r.antwoorden {
                    let i = match answer {
                        Some(content::Letter::A) => 0,
                        Some(content::Letter::B) => 1,
                        None => 2,
                    };
                    if let Some(counts) = answers.get_mut(id) {
                        counts[i] += 1;
                    }
                }
            }
            Reading::Bad(problems) => {
                bad_row_count += 1;
                bad_cell_count += problems.len();
                if bad_rows.len() < ReadSheet::KEPT {
                    bad_rows.push((location, problems));
                }
            }
        }
        Ok(())
    })?;
    Ok(ReadSheet {
        sheet,
        mapping,
        respondents,
        answers,
        bad_rows,
        bad_row_count,
        bad_cell_count,
        empty_rows,
        tally,
        unreadable_dates,
        unreadable_date_count,
    })
}

/// `handreiking check`: every sheet read, nothing rendered.
pub fn check(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
) -> Result<(Handreiking, Vec<ReadSheet>)> {
    let h = load_content(settings)?;
    let (read, file) = options.load(&h)?;
    let sheets =
        inputs.iter().map(|p| read_sheet(&h, p, &read, file.as_ref())).collect::<Result<Vec<_>>>()?;
    Ok((h, sheets))
}

/// `handreiking mapping`: a starting mapping file from what detection found.
pub fn suggest_mapping(settings: &Settings, input: &Path, options: &SheetOptions) -> Result<String> {
    let h = load_content(settings)?;
    let (read, file) = options.load(&h)?;
    let sheet = answers::read(input, &read, &question_columns(&h, file.as_ref()))?;
    Ok(mapping::suggestion(&sheet, &h, &read))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Json,
    /// An Excel workbook to type paper answer forms into.
    Xlsx,
}

/// `handreiking template`: an empty answer sheet with the right headers, as
/// bytes (a workbook is binary).
pub fn template(settings: &Settings, format: SheetFormat) -> Result<Vec<u8>> {
    let h = load_content(settings)?;
    match format {
        SheetFormat::Csv => Ok(sheet_template::csv(&h).into_bytes()),
        SheetFormat::Json => Ok(sheet_template::json(&h).into_bytes()),
        SheetFormat::Xlsx => sheet_template::workbook(&h, &[]),
    }
}

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
struct Job {
    file: String,
    respondent: Respondent,
    /// The respondent's fields by name, for file names and the brand's texts.
    fields: std::collections::BTreeMap<String, String>,
    name: String,
}

/// Where and how reports are written; the same in every renderer.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    out_dir: PathBuf,
    force: bool,
    emit_data: Option<PathBuf>,
    /// For reports whose respondent has no readable date.
    timestamp: i64,
}

/// A job's result, with the characters of its text that no font has and its
/// date, as written, when that cannot be read.
#[derive(serde::Serialize, serde::Deserialize)]
struct Rendered {
    row: RowResult,
    missing: Vec<char>,
    unreadable_date: Option<String>,
}

/// Renders jobs in threads of this process, sharing one engine, and hands
/// each result to `done` as it is ready (in `report`, or in a render process).
fn render_here(
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
    let row =
        RowResult { file: job.file, location: job.respondent.location, naam: job.respondent.naam, outcome };
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
                let mapping::Reading::Respondent(respondent) = reading else { return Ok(()) };
                // Every row is named, in every shard, so that names (and their
                // collision suffixes) are the same however the batch is split.
                let fields = name_fields(&respondent);
                let name = namer.name(&fields)?;
                if in_shard(location) {
                    let job = Job { file: file_name.to_string(), respondent, fields, name };
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
    fed?;
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
    let manifest = output::Manifest::new(inputs, &settings.content_files()?, &outcome, options.shard);
    let name = match options.shard {
        Some((k, n)) => format!("manifest-shard-{k}-of-{n}.json"),
        None => "manifest.json".to_string(),
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
    if !target.force && path.exists() {
        return RowOutcome::Failed(format!("{} exists already; use --force to overwrite it", path.display()));
    }
    let document = resolve::report(h, brand, &job.respondent, &job.fields);
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let title = document.titel.clone();
    if let Some(dir) = &target.emit_data {
        let json_path = dir.join(job.name.trim_end_matches(".pdf").to_string() + ".json");
        if let Err(e) = output::write_atomic(&json_path, &data) {
            return RowOutcome::Failed(e.to_string());
        }
    }
    let meta = PdfMeta {
        ident: format!("handreiking-report|{}|{}|{}", job.file, job.respondent.location, job.name),
        timestamp: dates::parse(&job.respondent.datum).unwrap_or(target.timestamp),
        title: Some(title),
        // The sender wrote the report; the respondent is named in title and subject.
        author: brand.sender().into_iter().collect(),
        subject: Some(report_subject(h, &job.respondent)),
        standards: covered,
    };
    match engine
        .render("report.typ", data, &meta)
        .and_then(|pdf| output::write_atomic(&path, &pdf).map(|()| pdf))
    {
        Ok(pdf) => RowOutcome::Written { path, sha256: output::sha256_hex(&pdf) },
        Err(e) => RowOutcome::Failed(e.to_string()),
    }
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

/// `handreiking init DIR`: the default brand file and the templates, to edit.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let templates = Files::default_templates();
    let mut written = vec![];
    let mut planned: Vec<(PathBuf, &[u8])> = vec![];
    for (rel, bytes) in templates.iter() {
        let target = if rel == "brand.toml" { dir.join(rel) } else { dir.join("templates").join(rel) };
        planned.push((target, bytes));
    }
    for (path, _) in &planned {
        if path.exists() && !force {
            return Err(Error::Usage(format!(
                "{} exists already; use --force to overwrite it",
                path.display()
            )));
        }
    }
    for (path, bytes) in planned {
        output::write_atomic(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

pub struct GroupOutcome {
    pub written: Written,
    pub respondents: usize,
    /// Rows left out because of bad cells.
    pub bad_rows: usize,
    pub problems: Vec<String>,
}

/// `handreiking group`: one report for the whole group of respondents.
pub fn group(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
    names: bool,
    output: &Path,
) -> Result<GroupOutcome> {
    let h = load_content(settings)?;
    let brand = settings.brand()?;
    let (read, file) = options.load(&h)?;
    let mut respondents = vec![];
    let mut bad_rows = 0;
    let mut problems = vec![];
    for input in inputs {
        stream_sheet(&h, input, &read, file.as_ref(), |name, _, reading| {
            match reading {
                mapping::Reading::Respondent(r) => respondents.push(r),
                mapping::Reading::Bad(ps) => {
                    bad_rows += 1;
                    problems.extend(ps.iter().map(|p| format!("{name}: {p}")));
                }
                mapping::Reading::Empty => {}
            }
            Ok(())
        })?;
    }
    if respondents.is_empty() {
        return Err(Error::Sheet(vec![Problem::new(
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            None,
            "no respondents to count",
        )]));
    }
    let document = resolve::group(&h, &brand, &respondents, names);
    let engine = settings.engine(&brand)?;
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let shown: String = if names {
        respondents.iter().map(|r| r.naam.as_str()).collect::<Vec<_>>().join(" ")
    } else {
        String::new()
    };
    let meta = PdfMeta {
        ident: format!(
            "handreiking-group|{}",
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("|")
        ),
        timestamp: settings.timestamp(),
        title: None,
        author: vec![],
        subject: None,
        standards: engine.missing_glyphs(&shown).is_empty(),
    };
    let pdf = engine.render("group.typ", data, &meta)?;
    output::write_atomic(output, &pdf)?;
    Ok(GroupOutcome {
        written: Written { path: output.to_owned(), bytes: pdf.len() },
        respondents: respondents.len(),
        bad_rows,
        problems,
    })
}
