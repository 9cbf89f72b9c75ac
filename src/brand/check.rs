//! Reading a brand file and checking it once: colours that carry white text,
//! a readable logo with alt text, the fonts folder, the sender's addresses,
//! texts that are valid templates. Every problem names the line.

use std::path::{Path, PathBuf};

use super::colour::{contrast, darken_until, parse_colour};
use super::file::BrandFile;
use super::{Brand, logo};
use crate::error::{Error, Problem, Result};

impl Brand {
    pub(super) fn parse(name: &str, text: &str, dir: Option<&Path>) -> Result<Brand> {
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
                "see docs/src/brand/brand-files.md (the guide), or `handreiking init DIR` for an example",
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
                or_default(&file.mail.onderwerp, super::mail_text::DEFAULT_SUBJECT),
                line_in_mail("onderwerp"),
            ),
            (
                "mail.tekst",
                or_default(&file.mail.tekst, super::mail_text::DEFAULT_TEXT),
                line_in_mail("tekst"),
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
