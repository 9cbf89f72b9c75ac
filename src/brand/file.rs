//! The brand file's format (`brand.toml`), as serde reads it, with the
//! defaults of what it leaves out.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BrandFile {
    #[serde(default)]
    pub(super) organisatie: String,
    pub(super) logo: Option<LogoFile>,
    #[serde(default)]
    pub(super) kleuren: Kleuren,
    #[serde(default)]
    pub(super) lettertypen: Lettertypen,
    #[serde(default)]
    pub(super) rapport: Rapport,
    #[serde(default)]
    pub(super) afzender: Afzender,
    #[serde(default)]
    pub(super) teksten: Teksten,
    #[serde(default)]
    pub(super) mail: MailTexts,
}

/// `[mail]`: the e-mail that carries each report (`handreiking mail`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct MailTexts {
    pub(super) onderwerp: Option<String>,
    pub(super) tekst: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LogoFile {
    pub(super) bestand: String,
    pub(super) alt: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kleuren {
    pub primair: String,
    pub accent: String,
    pub reflecties: Vec<String>,
}

impl Default for Kleuren {
    fn default() -> Self {
        Kleuren {
            primair: "#1f5f8b".into(),
            accent: "#a3531f".into(),
            reflecties: ["#1f6f78", "#2c5aa0", "#6a4c93", "#a3531f", "#3b7a3b"].map(String::from).to_vec(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lettertypen {
    pub tekst: String,
    pub koppen: String,
    /// A folder with font files, relative to the brand file (not shown to templates).
    #[serde(default, skip_serializing)]
    pub map: Option<String>,
}

impl Default for Lettertypen {
    fn default() -> Self {
        Lettertypen { tekst: "Inter".into(), koppen: "Inter".into(), map: None }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rapport {
    #[serde(default)]
    pub titel: String,
    #[serde(default)]
    pub ondertitel: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Afzender {
    #[serde(default)]
    pub naam: String,
    #[serde(default)]
    pub contact: String,
    /// The sender's e-mail address (checked to look like one), for sending reports.
    #[serde(default)]
    pub email: String,
    /// Where replies go, when not to `email`.
    #[serde(default)]
    pub antwoord_aan: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct Teksten {
    #[serde(default)]
    pub(super) voettekst: String,
    #[serde(default)]
    pub(super) opening: String,
    #[serde(default)]
    pub(super) afsluiting: String,
}
