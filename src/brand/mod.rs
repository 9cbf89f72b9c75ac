//! The brand file: who sends the documents and how they look. Checked once
//! (colours contrast, logo readable, texts are valid templates); personal texts
//! are rendered per respondent with minijinja and shown as plain text.
//!
//! The file's format is in `file`, reading and checking it in `check`, the
//! colours' contrast in `colour`, the logo's decoding in `logo`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;

mod check;
mod colour;
mod file;
mod logo;
pub mod mail_text;

pub use colour::{contrast, parse_colour};
pub use file::{Afzender, Kleuren, Lettertypen, Rapport};

/// A checked brand, ready to use for any number of documents.
#[derive(Debug, Clone)]
pub struct Brand {
    pub organisatie: String,
    /// (virtual path in the Typst world, bytes, alt text)
    pub logo: Option<(String, Vec<u8>, String)>,
    pub kleuren: Kleuren,
    pub lettertypen: Lettertypen,
    /// `[lettertypen] map`, resolved against the brand file's folder (it exists).
    pub font_dir: Option<PathBuf>,
    pub rapport: Rapport,
    pub afzender: Afzender,
    texts: minijinja::Environment<'static>,
}

/// What the templates receive as `merk`.
#[derive(Debug, Clone, Serialize)]
pub struct BrandView {
    pub organisatie: String,
    pub logo: Option<LogoView>,
    pub kleuren: Kleuren,
    pub lettertypen: Lettertypen,
    pub rapport: Rapport,
    pub afzender: Afzender,
    pub voettekst: String,
    pub opening: String,
    pub afsluiting: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogoView {
    pub pad: String,
    pub alt: String,
}

const DEFAULT: &str = "brand.toml";

impl Brand {
    /// The embedded default brand.
    pub fn default_brand(templates: &crate::files::Files) -> Result<Brand> {
        let text =
            templates.get(DEFAULT).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        Brand::parse(&templates.name(DEFAULT), &text, None)
    }

    /// Reads and checks a brand file; the logo is read relative to it.
    pub fn load(path: &Path) -> Result<Brand> {
        let bytes = crate::error::read(path)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Brand::parse(&path.display().to_string(), &text, path.parent())
    }

    /// The brand for one document; `fields` fill the personal texts (none for the blank handreiking).
    pub fn view(&self, fields: &BTreeMap<String, String>) -> BrandView {
        let render = |key: &str| {
            self.texts.get_template(key).and_then(|t| t.render(fields)).unwrap_or_default().trim().to_string()
        };
        BrandView {
            organisatie: self.organisatie.clone(),
            logo: self.logo.as_ref().map(|(pad, _, alt)| LogoView { pad: pad.clone(), alt: alt.clone() }),
            kleuren: self.kleuren.clone(),
            lettertypen: self.lettertypen.clone(),
            rapport: Rapport { titel: render("rapport.titel"), ondertitel: render("rapport.ondertitel") },
            afzender: self.afzender.clone(),
            voettekst: render("voettekst"),
            opening: render("opening"),
            afsluiting: render("afsluiting"),
        }
    }

    /// The `[mail]` subject and text for one message; `context` holds the
    /// respondent's fields and the sender (`afzender`). Plain text.
    pub fn mail_texts(
        &self,
        context: &minijinja::Value,
    ) -> std::result::Result<(String, String), minijinja::Error> {
        let render = |key: &str| self.texts.get_template(key).and_then(|t| t.render(context));
        Ok((render("mail.onderwerp")?, render("mail.tekst")?))
    }

    /// Who sends the documents, for the PDF's author: "Naam, Organisatie", or
    /// whichever of the two the brand has.
    pub fn sender(&self) -> Option<String> {
        let parts: Vec<&str> = [self.afzender.naam.trim(), self.organisatie.trim()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// Files the templates need besides data (the logo).
    pub fn assets(&self) -> Vec<(String, Vec<u8>)> {
        self.logo.iter().map(|(p, b, _)| (p.clone(), b.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_brand_file_shows_the_default_mail() {
        let file = crate::files::Files::default_templates();
        let text = String::from_utf8_lossy(file.get(DEFAULT).unwrap()).into_owned();
        let commented: String = text
            .lines()
            .skip_while(|l| *l != "# [mail]")
            .map(|l| l.strip_prefix("# ").unwrap_or(l.strip_prefix('#').unwrap_or(l)))
            .collect::<Vec<_>>()
            .join("\n");
        let shown: toml::Table = toml::from_str(&commented).unwrap();
        assert_eq!(shown["mail"]["onderwerp"].as_str(), Some(super::mail_text::DEFAULT_SUBJECT));
        assert_eq!(shown["mail"]["tekst"].as_str(), Some(super::mail_text::DEFAULT_TEXT));
    }

    #[test]
    fn mail_texts_from_the_brand_file_or_the_default() {
        let context =
            minijinja::context! { naam => "Anna <b>", afzender => minijinja::context! { naam => "Marian" } };
        let brand = Brand::parse(
            "b.toml",
            "[lettertypen]\ntekst = \"Inter\"\nkoppen = \"Inter\"\n[mail]\nonderwerp = \"Voor {{ naam }}\"\n",
            None,
        )
        .unwrap();
        let (subject, text) = brand.mail_texts(&context).unwrap();
        assert_eq!(subject, "Voor Anna <b>");
        assert!(text.starts_with("Beste Anna <b>,") && text.contains("Marian"), "{text}");
        // A mistake in the mail's text names its line, not [lettertypen]'s `tekst`.
        let err = Brand::parse(
            "b.toml",
            "[lettertypen]\ntekst = \"Inter\"\nkoppen = \"Inter\"\n\n[mail]\ntekst = \"{{ naam \"\n",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("b.toml:6: `mail.tekst` is not a valid template"), "{err}");
    }

    #[test]
    fn personal_texts_are_rendered_as_plain_text() {
        let brand = Brand::parse("b.toml", "[teksten]\nopening = \"Beste {{ naam }},\"\n", None).unwrap();
        let fields: BTreeMap<String, String> =
            [("naam".to_string(), "#set text(red) <b>".to_string())].into_iter().collect();
        assert_eq!(brand.view(&fields).opening, "Beste #set text(red) <b>,");
    }
}
