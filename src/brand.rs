//! The brand file: who sends the documents and how they look. Checked once
//! (colours contrast, logo readable, texts are valid templates); personal texts
//! are rendered per respondent with minijinja and shown as plain text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Result};

mod logo;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandFile {
    #[serde(default)]
    organisatie: String,
    logo: Option<LogoFile>,
    #[serde(default)]
    kleuren: Kleuren,
    #[serde(default)]
    lettertypen: Lettertypen,
    #[serde(default)]
    rapport: Rapport,
    #[serde(default)]
    afzender: Afzender,
    #[serde(default)]
    teksten: Teksten,
    #[serde(default)]
    mail: MailTexts,
}

/// `[mail]`: the e-mail that carries each report (`handreiking mail`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MailTexts {
    onderwerp: Option<String>,
    tekst: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogoFile {
    bestand: String,
    alt: Option<String>,
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
struct Teksten {
    #[serde(default)]
    voettekst: String,
    #[serde(default)]
    opening: String,
    #[serde(default)]
    afsluiting: String,
}

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

    fn parse(name: &str, text: &str, dir: Option<&Path>) -> Result<Brand> {
        let fail = |line: Option<usize>, message: String, hint: &str| {
            let mut p = Problem::new(name, line, message);
            if !hint.is_empty() {
                p = p.hint(hint);
            }
            Error::Brand(vec![p])
        };
        let file: BrandFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            fail(
                line,
                e.message().to_string(),
                "see the brand file section of the README, or `handreiking init DIR` for an example",
            )
        })?;
        let line_of = |key: &str| {
            text.lines().position(|l| l.trim_start().starts_with(key) && l.contains('=')).map(|i| i + 1)
        };

        let mut problems = vec![];
        let mut colours =
            vec![("primair", file.kleuren.primair.clone()), ("accent", file.kleuren.accent.clone())];
        if file.kleuren.reflecties.len() != 5 {
            problems.push(Problem::new(
                name,
                line_of("reflecties"),
                format!(
                    "`reflecties` has {} colours; it needs one per reflection (5)",
                    file.kleuren.reflecties.len()
                ),
            ));
        }
        for (i, c) in file.kleuren.reflecties.iter().enumerate() {
            colours.push((
                ["reflectie 1", "reflectie 2", "reflectie 3", "reflectie 4", "reflectie 5"]
                    .get(i)
                    .copied()
                    .unwrap_or("reflectie"),
                c.clone(),
            ));
        }
        for (what, c) in &colours {
            match parse_colour(c) {
                None => problems.push(
                    Problem::new(
                        name,
                        line_of(what.split(' ').next().unwrap()),
                        format!("colour {what} `{c}` is not a colour"),
                    )
                    .hint("write colours as #rrggbb, e.g. \"#1f5f8b\""),
                ),
                Some(rgb) => {
                    // Every brand colour carries white text (cover, bars, badges) and is text on white (links, titles).
                    let ratio = contrast(rgb, (255, 255, 255));
                    if ratio < 4.5 {
                        problems.push(
                            Problem::new(name, line_of(what.split(' ').next().unwrap()), format!(
                                "white text on {what} {c} has contrast {ratio:.2}:1; WCAG AA needs 4.5:1 ({:.2} short)",
                                4.5 - ratio
                            ))
                            .hint(format!("darken {what}; for example {} passes", darken_until(rgb, 4.5))),
                        );
                    }
                }
            }
        }

        let logo = match &file.logo {
            None => None,
            Some(l) => {
                let line = line_of("bestand");
                let path: PathBuf =
                    dir.map(|d| d.join(&l.bestand)).unwrap_or_else(|| PathBuf::from(&l.bestand));
                let alt = l.alt.clone().unwrap_or_default();
                if alt.trim().is_empty() {
                    problems.push(Problem::new(name, line, "the logo has no alt text").hint(
                        "add `alt = \"Logo van …\"` under [logo]: screen readers read it, and PDF/UA requires it",
                    ));
                }
                match read_logo(&path) {
                    Err(e) => {
                        problems.push(Problem::new(
                            name,
                            line,
                            format!("cannot read the logo `{}` ({}): {e}", l.bestand, path.display()),
                        ));
                        None
                    }
                    Ok(bytes) => match logo::check(&bytes) {
                        Ok(ext) => Some((format!("/merk/logo.{ext}"), bytes, alt)),
                        Err(wrong) => {
                            problems.push(
                                Problem::new(name, line, format!("the logo `{}` {}", l.bestand, wrong.what))
                                    .hint(wrong.hint),
                            );
                            None
                        }
                    },
                }
            }
        };

        let font_dir = file.lettertypen.map.as_ref().and_then(|m| {
            let path = dir.map(|d| d.join(m)).unwrap_or_else(|| PathBuf::from(m));
            if path.is_dir() {
                return Some(path);
            }
            problems.push(
                Problem::new(
                    name,
                    line_of("map"),
                    format!("the fonts folder `{m}` does not exist ({} is no folder)", path.display()),
                )
                .hint("`map` under [lettertypen] names a folder with .otf or .ttf files, relative to the brand file"),
            );
            None
        });

        for (key, value) in
            [("email", Some(&file.afzender.email)), ("antwoord_aan", file.afzender.antwoord_aan.as_ref())]
        {
            if let Some(address) = value.filter(|a| !a.is_empty() && !looks_like_email(a)) {
                problems.push(
                    Problem::new(
                        name,
                        line_of(key),
                        format!("`{key}` under [afzender] is `{address}`, which is not an e-mail address"),
                    )
                    .hint("write one address, such as \"naam@organisatie.nl\""),
                );
            }
        }

        let mut texts = minijinja::Environment::new();
        texts.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        // `tekst` is also a key of [lettertypen]: the mail's keys are looked for below [mail].
        let mail_start = text.lines().position(|l| l.trim() == "[mail]").unwrap_or(0);
        let line_in_mail = |key: &str| {
            text.lines()
                .skip(mail_start)
                .position(|l| l.trim_start().starts_with(key) && l.contains('='))
                .map(|i| i + mail_start + 1)
        };
        let or_default = |text: &Option<String>, default: &str| {
            text.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| default.to_string())
        };
        for (key, value, line) in [
            ("voettekst", file.teksten.voettekst.clone(), line_of("voettekst")),
            ("opening", file.teksten.opening.clone(), line_of("opening")),
            ("afsluiting", file.teksten.afsluiting.clone(), line_of("afsluiting")),
            ("rapport.titel", file.rapport.titel.clone(), line_of("titel")),
            ("rapport.ondertitel", file.rapport.ondertitel.clone(), line_of("ondertitel")),
            (
                "mail.onderwerp",
                or_default(&file.mail.onderwerp, crate::mail::DEFAULT_SUBJECT),
                line_in_mail("onderwerp"),
            ),
            ("mail.tekst", or_default(&file.mail.tekst, crate::mail::DEFAULT_TEXT), line_in_mail("tekst")),
        ] {
            if let Err(e) = texts.add_template_owned(key.to_string(), value) {
                problems.push(Problem::new(name, line, format!("`{key}` is not a valid template: {e}")));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Brand(problems));
        }
        Ok(Brand {
            organisatie: file.organisatie,
            logo,
            kleuren: file.kleuren,
            lettertypen: file.lettertypen,
            font_dir,
            rapport: file.rapport,
            afzender: file.afzender,
            texts,
        })
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

/// Reads a logo, but no more than a logo may be (and a little, to tell it is too big).
fn read_logo(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = vec![];
    std::fs::File::open(path)?.take(logo::MAX_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One address, roughly: something@domain.tld, no spaces, no list.
fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let bad = |c: char| c.is_whitespace() || "<>,;:\"()[]\\@".contains(c);
    !local.is_empty()
        && !local.chars().any(bad)
        && !domain.chars().any(bad)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

pub fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    let hex: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => return None,
    };
    let v = u32::from_str_radix(&hex, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// WCAG 2.1 contrast ratio of two sRGB colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn lum((r, g, b): (u8, u8, u8)) -> f64 {
        let ch = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn darken_until(mut c: (u8, u8, u8), ratio: f64) -> String {
    while contrast(c, (255, 255, 255)) < ratio && (c.0 > 0 || c.1 > 0 || c.2 > 0) {
        c = ((c.0 as f64 * 0.95) as u8, (c.1 as f64 * 0.95) as u8, (c.2 as f64 * 0.95) as u8);
    }
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wcag_contrast_ratios() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 0.01);
        // #767676 is the classic just-passing grey on white.
        assert!(contrast(parse_colour("#767676").unwrap(), (255, 255, 255)) >= 4.5);
        assert!(contrast(parse_colour("#777").unwrap(), (255, 255, 255)) < 4.5);
    }

    #[test]
    fn a_light_colour_is_refused_with_a_darker_suggestion() {
        let err = Brand::parse("b.toml", "[kleuren]\nprimair = \"#ffcc00\"\naccent = \"#333333\"\nreflecties = [\"#111\", \"#222\", \"#333\", \"#444\", \"#555\"]\n", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.toml:2: white text on primair #ffcc00 has contrast 1.51:1; WCAG AA needs 4.5:1 (2.99 short)"), "{err}");
        assert!(err.contains("darken primair; for example #"), "{err}");
    }

    #[test]
    fn unknown_keys_and_missing_logos_name_the_line() {
        let err =
            Brand::parse("b.toml", "organisatie = \"X\"\nkleur = \"#000\"\n", None).unwrap_err().to_string();
        assert!(err.contains("b.toml:2:") && err.contains("kleur"), "{err}");
        let err = Brand::parse(
            "b.toml",
            "[logo]\nbestand = \"bestaat-niet.svg\"\nalt = \"Logo\"\n",
            Some(Path::new("/nonexistent")),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("b.toml:2: cannot read the logo"), "{err}");
    }

    #[test]
    fn e_mail_addresses_and_the_sender() {
        for good in ["marian@verbinding-en-co.example", "a.b+c@x.nl"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in ["marian", "marian@example", "@x.nl", "a b@x.nl", "a@x.nl, b@x.nl", "a@@x.nl", "a@x..nl"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
        let brand = Brand::parse("b.toml", "organisatie = \"Org\"\n[afzender]\nnaam = \"Marian\"\nemail = \"m@org.nl\"\nantwoord_aan = \"info@org.nl\"\n", None).unwrap();
        assert_eq!(brand.sender().as_deref(), Some("Marian, Org"));
        assert_eq!(brand.afzender.antwoord_aan.as_deref(), Some("info@org.nl"));
        let err =
            Brand::parse("b.toml", "[afzender]\nantwoord_aan = \"nee\"\n", None).unwrap_err().to_string();
        assert!(err.contains("b.toml:2: `antwoord_aan` under [afzender] is `nee`"), "{err}");
    }

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
        assert_eq!(shown["mail"]["onderwerp"].as_str(), Some(crate::mail::DEFAULT_SUBJECT));
        assert_eq!(shown["mail"]["tekst"].as_str(), Some(crate::mail::DEFAULT_TEXT));
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
