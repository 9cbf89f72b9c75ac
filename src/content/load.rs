//! Loads the content folder: the manifest, then every file it names, then one
//! pass that checks the cross-references. Every problem is collected, so an
//! editor sees them all at once, each with its file and line.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::markdown::{self, Parsed, Section};
use super::*;
use crate::error::{Error, Problem, Result};
use crate::files::Files;

const MANIFEST: &str = "handreiking.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    titel: String,
    ondertitel: String,
    project: String,
    taal: String,
    introductie: String,
    reflecties: Vec<String>,
    werkvormen: Vec<String>,
    rollen: Rollen,
    antwoorden: Labels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntroMeta {
    titel: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReflectieMeta {
    id: String,
    nummer: u32,
    titel: String,
    vragen: Vec<VraagMeta>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VraagMeta {
    id: String,
    tekst: String,
    #[serde(default)]
    voorbeelden: Voorbeelden,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Voorbeelden {
    #[serde(rename = "A", default)]
    a: Vec<String>,
    #[serde(rename = "B", default)]
    b: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AntwoordMeta {
    vraag: String,
    antwoord: Letter,
    #[serde(default)]
    werkvormen: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WerkvormMeta {
    id: String,
    nummer: u32,
    titel: String,
    #[serde(default)]
    bron: Option<String>,
}

/// Everything needed to report a problem in one file.
struct Loader<'a> {
    files: &'a Files,
    problems: Vec<Problem>,
    /// (file, reference) pairs, checked after loading.
    refs: Vec<(String, markdown::RefSite)>,
    /// Werkvorm ids listed in answers' front matter: (file, line, answer id, werkvorm id).
    shown: Vec<(String, usize, String, String)>,
}

/// Loads and validates the handreiking from `files` (the embedded defaults or a `--content` folder).
pub fn load(files: &Files) -> Result<Handreiking> {
    let mut loader = Loader { files, problems: vec![], refs: vec![], shown: vec![] };
    let handreiking = loader.load();
    match handreiking {
        Some(h) if loader.problems.is_empty() => Ok(h),
        _ => Err(Error::Content(loader.problems)),
    }
}

impl Loader<'_> {
    fn problem(&mut self, rel: &str, line: Option<usize>, message: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::new(self.files.name(rel), line, message));
        self.problems.last_mut().unwrap()
    }

    fn text(&mut self, rel: &str) -> Option<String> {
        let Some(bytes) = self.files.get(rel) else {
            self.problem(rel, None, "file is missing").hint = Some(format!(
                "every file named in {MANIFEST} must exist; answers are looked for as antwoorden/<vraag>-a.md and -b.md"
            ));
            return None;
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text.trim_start_matches('\u{feff}').replace("\r\n", "\n")),
            Err(e) => {
                let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
                self.problem(rel, Some(line), "is not valid UTF-8").hint =
                    Some("save the file as UTF-8 in your editor".into());
                None
            }
        }
    }

    fn load(&mut self) -> Option<Handreiking> {
        let manifest_text = self.text(MANIFEST)?;
        let manifest: Manifest = match toml::from_str(&manifest_text) {
            Ok(m) => m,
            Err(e) => {
                let line = e.span().map(|s| line_at(&manifest_text, s.start));
                self.problem(MANIFEST, line, e.message().to_string());
                return None;
            }
        };

        let introductie = self.introductie(&manifest.introductie);
        let reflecties: Vec<_> = manifest.reflecties.iter().filter_map(|rel| self.reflectie(rel)).collect();
        let mut werkvormen: Vec<_> =
            manifest.werkvormen.iter().filter_map(|rel| self.werkvorm(rel)).collect();
        self.check_numbering(&reflecties, &werkvormen);
        self.check_unused_answers(&reflecties);
        self.check_references(&reflecties, &mut werkvormen);

        Some(Handreiking {
            titel: manifest.titel,
            ondertitel: manifest.ondertitel,
            project: manifest.project,
            taal: manifest.taal,
            rollen: manifest.rollen,
            labels: manifest.antwoorden,
            introductie: introductie?,
            reflecties,
            werkvormen,
        })
    }

    /// Splits front matter from body; returns (meta, body, first line of body).
    fn front_matter<T: DeserializeOwned>(&mut self, rel: &str) -> Option<(T, String, usize)> {
        let text = self.text(rel)?;
        let Some(rest) = text.strip_prefix("---\n") else {
            self.problem(rel, Some(1), "does not start with front matter (a line `---`)").hint =
                Some("start the file with `---`, the header fields, and `---` again".into());
            return None;
        };
        let (yaml, body) = match rest.find("\n---\n") {
            Some(end) => (&rest[..end + 1], &rest[end + 5..]),
            None if rest.ends_with("\n---") => (&rest[..rest.len() - 3], ""),
            None => {
                self.problem(rel, Some(1), "the front matter is not closed").hint =
                    Some("end the header with a line `---`".into());
                return None;
            }
        };
        let body_line = 3 + yaml.lines().count();
        match serde_saphyr::from_str::<T>(yaml) {
            Ok(meta) => Some((meta, body.to_string(), body_line)),
            Err(e) => {
                // The YAML starts on line 2 of the file.
                let line = e.location().map(|l| l.line() as usize + 1);
                // The bare message: the file and line are said by the problem itself.
                let message = e.without_snippet().to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).trim().to_string();
                self.problem(rel, line.or(Some(2)), format!("front matter: {message}"));
                None
            }
        }
    }

    fn markdown(&mut self, rel: &str, body: &str, first_line: usize) -> Vec<Section> {
        let Parsed { sections, refs, problems } = markdown::parse(body, first_line);
        for (line, message) in problems {
            self.problem(rel, Some(line), message);
        }
        let name = rel.to_string();
        self.refs.extend(refs.into_iter().map(|r| (name.clone(), r)));
        sections
    }

    fn introductie(&mut self, rel: &str) -> Option<Introductie> {
        let (meta, body, line) = self.front_matter::<IntroMeta>(rel)?;
        let mut tekst = vec![];
        for section in self.markdown(rel, &body, line) {
            if let Some((heading, _)) = section.heading {
                tekst.push(Block::H { level: 2, c: vec![Inline::Text { v: heading }] });
            }
            tekst.extend(section.blocks);
        }
        Some(Introductie { titel: meta.titel, tekst })
    }

    fn reflectie(&mut self, rel: &str) -> Option<Reflectie> {
        let (meta, body, line) = self.front_matter::<ReflectieMeta>(rel)?;
        let tekst = self.flat_body(rel, &body, line);
        let expected = format!("R{}", meta.nummer);
        if meta.id != expected {
            self.problem(rel, Some(2), format!("id `{}` does not match nummer {}", meta.id, meta.nummer))
                .hint = Some(format!("a reflection with nummer {} has id {expected}", meta.nummer));
        }
        if meta.vragen.is_empty() {
            self.problem(rel, Some(2), "the reflection has no questions (`vragen:`)");
        }
        let mut vragen = vec![];
        for (i, v) in meta.vragen.into_iter().enumerate() {
            let nummer = i as u32 + 1;
            let expected = format!("{}V{nummer}", meta.id);
            if v.id != expected {
                self.problem(rel, Some(2), format!("question {nummer} has id `{}`", v.id)).hint =
                    Some(format!("questions are numbered in order: this one is {expected}"));
            }
            let mut antwoorden = vec![];
            for letter in Letter::BOTH {
                let voorbeelden = match letter {
                    Letter::A => v.voorbeelden.a.clone(),
                    Letter::B => v.voorbeelden.b.clone(),
                };
                if let Some(a) = self.antwoord(&v.id, letter, voorbeelden) {
                    antwoorden.push(a);
                }
            }
            vragen.push(Vraag { id: v.id, nummer, tekst: v.tekst.trim().to_string(), antwoorden });
        }
        Some(Reflectie { id: meta.id, nummer: meta.nummer, titel: meta.titel, tekst, vragen })
    }

    /// A body whose level-2 headings are just headings.
    fn flat_body(&mut self, rel: &str, body: &str, line: usize) -> Vec<Block> {
        let mut out = vec![];
        for section in self.markdown(rel, body, line) {
            if let Some((heading, _)) = section.heading {
                out.push(Block::H { level: 2, c: vec![Inline::Text { v: heading }] });
            }
            out.extend(section.blocks);
        }
        out
    }

    fn antwoord(&mut self, vraag: &str, letter: Letter, voorbeelden: Vec<String>) -> Option<Antwoord> {
        let rel = answer_file(vraag, letter);
        let (meta, body, line) = self.front_matter::<AntwoordMeta>(&rel)?;
        let id = format!("{vraag}-{}", letter.as_str());
        if meta.vraag != vraag || meta.antwoord != letter {
            self.problem(
                &rel,
                Some(2),
                format!(
                    "the header says vraag {} antwoord {}, but the file is the one for {id}",
                    meta.vraag,
                    meta.antwoord.as_str()
                ),
            );
        }
        let mut sections = self.markdown(&rel, &body, line).into_iter();
        let tekst = sections.next().map(|s| s.blocks).unwrap_or_default();
        let mut blokken: Vec<Blok> = vec![];
        for section in sections {
            let (heading, hline) = section.heading.expect("sections after the first have headings");
            let Some(soort) = Soort::parse(&heading) else {
                self.problem(&rel, Some(hline), format!("unknown block `## {heading}`")).hint =
                    Some(format!("the blocks are: {}", Soort::ALL.map(|s| s.titel()).join(", ")));
                continue;
            };
            if blokken.iter().any(|b| b.soort == soort) {
                self.problem(&rel, Some(hline), format!("block `## {heading}` appears twice")).hint =
                    Some("merge the two blocks into one".into());
                continue;
            }
            let werkvormen = if soort == Soort::Werkvormen {
                meta.werkvormen.iter().map(|w| w.trim().to_ascii_uppercase()).collect()
            } else {
                vec![]
            };
            if soort == Soort::Werkvormen && werkvormen.is_empty() && section.blocks.is_empty() {
                self.problem(&rel, Some(hline), "the Werkvormen block is empty").hint = Some(
                    "list werkvormen in the header (`werkvormen: [W1]`) or write text under the heading"
                        .into(),
                );
            }
            blokken.push(Blok { soort, titel: soort.titel().to_string(), tekst: section.blocks, werkvormen });
        }
        if !meta.werkvormen.is_empty() && !blokken.iter().any(|b| b.soort == Soort::Werkvormen) {
            self.problem(
                &rel,
                Some(2),
                "the header lists werkvormen but the text has no `## Werkvormen` heading",
            )
            .hint = Some("add a `## Werkvormen` heading where the werkvormen should appear".into());
        }
        for w in &meta.werkvormen {
            self.shown.push((rel.clone(), 2, id.clone(), w.trim().to_ascii_uppercase()));
        }
        if tekst.is_empty() && blokken.is_empty() {
            self.problem(&rel, Some(line), "the answer has no text");
        }
        Some(Antwoord { id, letter, voorbeelden, tekst, blokken })
    }

    fn werkvorm(&mut self, rel: &str) -> Option<Werkvorm> {
        let (meta, body, line) = self.front_matter::<WerkvormMeta>(rel)?;
        let expected = format!("W{}", meta.nummer);
        if meta.id != expected {
            self.problem(rel, Some(2), format!("id `{}` does not match nummer {}", meta.id, meta.nummer))
                .hint = Some(format!("a werkvorm with nummer {} has id {expected}", meta.nummer));
        }
        let tekst = self.flat_body(rel, &body, line);
        if tekst.is_empty() {
            self.problem(rel, Some(line), "the werkvorm has no text");
        }
        Some(Werkvorm {
            id: meta.id,
            nummer: meta.nummer,
            titel: meta.titel,
            bron: meta.bron,
            tekst,
            gebruikt_bij: vec![],
        })
    }

    fn check_numbering(&mut self, reflecties: &[Reflectie], werkvormen: &[Werkvorm]) {
        let mut seen = HashMap::new();
        for (i, r) in reflecties.iter().enumerate() {
            if let Some(prev) = seen.insert(r.id.clone(), i) {
                let _ = prev;
                self.problem(MANIFEST, None, format!("reflection id {} is used twice", r.id));
            }
        }
        let mut seen = BTreeSet::new();
        for w in werkvormen {
            if !seen.insert(w.id.clone()) {
                self.problem(MANIFEST, None, format!("werkvorm id {} is used twice", w.id)).hint =
                    Some("give every werkvorm its own nummer and id".into());
            }
        }
    }

    /// Answer files for questions that do not exist are mistakes (a renamed id, say).
    fn check_unused_answers(&mut self, reflecties: &[Reflectie]) {
        let known: BTreeSet<String> = reflecties
            .iter()
            .flat_map(|r| &r.vragen)
            .flat_map(|v| Letter::BOTH.map(|l| answer_file(&v.id, l)))
            .collect();
        let stray: Vec<String> = self
            .files
            .iter()
            .map(|(rel, _)| rel.to_string())
            .filter(|rel| rel.starts_with("antwoorden/") && rel.ends_with(".md") && !known.contains(rel))
            .collect();
        for rel in stray {
            self.problem(&rel, None, "no question in the reflections has this answer file").hint = Some(
                "answer files are named antwoorden/<vraag id>-a.md and -b.md, e.g. antwoorden/r1v1-a.md"
                    .into(),
            );
        }
    }

    fn check_references(&mut self, reflecties: &[Reflectie], werkvormen: &mut [Werkvorm]) {
        let mut ids: BTreeSet<String> = BTreeSet::new();
        for r in reflecties {
            ids.insert(r.id.clone());
            for v in &r.vragen {
                ids.insert(v.id.clone());
                for a in &v.antwoorden {
                    ids.insert(a.id.clone());
                }
            }
        }
        for w in werkvormen.iter() {
            ids.insert(w.id.clone());
        }
        for (rel, site) in std::mem::take(&mut self.refs) {
            if !ids.contains(&site.id) {
                self.problem(&rel, Some(site.line), format!("link to #{}, which does not exist", site.id))
                    .hint = Some(
                    "link to an id: #R1 (reflectie), #R1V1 (vraag), #R1V1-A (antwoord), #W1 (werkvorm)"
                        .into(),
                );
            }
        }
        for (rel, line, answer, werkvorm) in std::mem::take(&mut self.shown) {
            match werkvormen.iter_mut().find(|w| w.id == werkvorm) {
                Some(w) => w.gebruikt_bij.push(answer),
                None => {
                    let known = werkvormen.iter().map(|w| w.id.as_str()).collect::<Vec<_>>().join(", ");
                    self.problem(
                        &rel,
                        Some(line),
                        format!("unknown werkvorm `{werkvorm}` in `werkvormen:`"),
                    )
                    .hint = Some(format!("the werkvormen are {known}"));
                }
            }
        }
    }
}

pub(crate) fn answer_file(vraag: &str, letter: Letter) -> String {
    format!("antwoorden/{}-{}.md", vraag.to_ascii_lowercase(), letter.as_str().to_ascii_lowercase())
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}
