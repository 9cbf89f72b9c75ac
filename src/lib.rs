//! `handreiking`: turns answer sheets for the handreiking "Digitaal samenwerken in
//! welzijn en zorg" into PDF advice reports, and typesets the handreiking itself.
//!
//! Each command is a plain function that reads top to bottom as its pipeline:
//! load content → resolve document data → render with Typst → write.

pub mod answers;
pub mod batch;
pub mod brand;
pub mod content;
pub mod dates;
pub mod error;
pub mod files;
pub mod followup;
pub mod mail;
pub mod mapping;
pub mod output;
pub mod render;
pub mod resolve;
pub mod sheet_template;
pub mod sheets;
pub mod worker;

use std::path::{Path, PathBuf};

pub use batch::{BatchOutcome, Preview, ReportOptions, RowOutcome, RowResult, preview, report};
pub use error::{Error, Problem, Result};
pub use sheets::{
    Inspection, ReadSheet, SheetOptions, check, inspect, read_sheet, stream_sheet, suggest_mapping,
};

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

    pub(crate) fn timestamp(&self) -> i64 {
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
    /// With `--earlier`: which respondent took part both times.
    pub earlier: Option<followup::Plan>,
}

/// `handreiking group`: one report for the whole group of respondents; with
/// `earlier`, set against an earlier measurement.
pub fn group(
    settings: &Settings,
    inputs: &[PathBuf],
    options: &SheetOptions,
    names: bool,
    earlier: Option<&followup::EarlierOptions>,
    output: &Path,
) -> Result<GroupOutcome> {
    let h = load_content(settings)?;
    let brand = settings.brand()?;
    let (read, file) = options.load(&h)?;
    let plan = earlier.map(|e| followup::Plan::make(&h, e, inputs, &read, file.as_ref())).transpose()?;
    let mut respondents = vec![];
    // The sheet each respondent came from, as messages name it (for matching).
    let mut sheets: Vec<String> = vec![];
    let mut bad_rows = 0;
    let mut problems = vec![];
    for input in inputs {
        stream_sheet(&h, input, &read, file.as_ref(), |name, _, reading| {
            match reading {
                mapping::Reading::Respondent(r) => {
                    respondents.push(r);
                    if plan.is_some() {
                        sheets.push(name.to_string());
                    }
                }
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
    let mut document = resolve::group(&h, &brand, &respondents, names);
    if let Some(plan) = &plan {
        followup::annotate_group(&mut document, plan, sheets.iter().map(String::as_str).zip(&respondents));
    }
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
        earlier: plan,
    })
}
