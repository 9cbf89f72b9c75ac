//! Where content, templates, fonts and the brand come from: the embedded
//! defaults, overridden file by file by the folders and files a user names.

use std::path::PathBuf;

use crate::content::{self, Handreiking};
use crate::error::{Error, Problem, Result};
use crate::files::Files;
use crate::render::Engine;
use crate::{brand, dates};

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
