//! `handreiking`: turns answer sheets for the handreiking "Digitaal samenwerken in
//! welzijn en zorg" into PDF advice reports, and typesets the handreiking itself.
//!
//! Each command is a plain function that reads top to bottom as its pipeline:
//! load content → resolve document data → render with Typst → write.

pub mod content;
pub mod error;
pub mod files;
pub mod output;
pub mod render;
pub mod resolve;

use std::path::{Path, PathBuf};

pub use error::{Error, Problem, Result};

use content::Handreiking;
use files::Files;
use render::{Engine, PdfMeta};

/// Where content, templates and fonts come from: the embedded defaults unless overridden.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A content folder that replaces the embedded handreiking.
    pub content: Option<PathBuf>,
    /// A folder whose templates override the embedded ones by file name.
    pub templates: Option<PathBuf>,
    /// Folders with extra fonts.
    pub font_paths: Vec<PathBuf>,
    /// Seconds since 1970 for the documents' date (SOURCE_DATE_EPOCH), else now.
    pub timestamp: Option<i64>,
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

    pub fn font_files(&self) -> Result<Vec<Files>> {
        let mut sets = vec![Files::default_fonts()];
        for dir in &self.font_paths {
            sets.push(Files::from_dir(dir)?);
        }
        Ok(sets)
    }

    pub fn engine(&self) -> Result<Engine> {
        Engine::new(&self.template_files()?, &self.font_files()?)
    }

    fn timestamp(&self) -> i64 {
        self.timestamp.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
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

/// `handreiking blank`: the whole handreiking as a navigable PDF.
pub fn blank(settings: &Settings, options: &BlankOptions, output: &Path) -> Result<Written> {
    let handreiking = load_content(settings)?;
    let document = resolve::blank(&handreiking, options.print);
    let engine = settings.engine()?;
    let data = serde_json::to_vec(&document).expect("document data serialises");
    let meta = PdfMeta {
        ident: format!(
            "handreiking-blank-{}",
            if options.print { "print" } else { "screen" }
        ),
        timestamp: settings.timestamp(),
    };
    let pdf = engine.render("blank.typ", data, &meta)?;
    output::write_atomic(output, &pdf)?;
    Ok(Written {
        path: output.to_owned(),
        bytes: pdf.len(),
    })
}

/// `handreiking emit-data`: the JSON a template receives, for designers and the stock typst CLI.
pub fn blank_data(settings: &Settings, print: bool) -> Result<String> {
    let handreiking = load_content(settings)?;
    Ok(
        serde_json::to_string_pretty(&resolve::blank(&handreiking, print))
            .expect("document data serialises"),
    )
}
