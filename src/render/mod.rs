//! Typesetting: one engine per process (fonts, templates, standard library
//! loaded once), one small World per document that adds `/data.json`.
//! Documents differ only in their data; the Typst sources are fixed files.

mod world;

use std::collections::HashMap;

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::error::{Error, Result};
use crate::files::Files;

pub use world::DocWorld;

/// The fixed virtual path the templates read their data from.
pub const DATA_PATH: &str = "/data.json";

/// Memoised layout unused for this many documents is dropped (see `typeset`).
const EVICT_AFTER: usize = 30;

pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
    assets: HashMap<FileId, Bytes>,
    data_id: FileId,
}

/// What the PDF says about itself, beyond what the template sets.
pub struct PdfMeta {
    /// Stable, unique per document (e.g. content version + respondent + row).
    pub ident: String,
    /// Seconds since 1970 (from the data or SOURCE_DATE_EPOCH): never the wall clock
    /// unless the caller chose so.
    pub timestamp: i64,
    /// Title and authors for the PDF's metadata, when the template leaves them
    /// out (so that nothing per-document sits in the styles of the whole document).
    pub title: Option<String>,
    pub author: Vec<String>,
    /// The PDF's subject (Typst's document description), set when given.
    pub subject: Option<String>,
    /// Claim (and enforce) PDF/UA-1 and PDF/A-2a. Off only when text has
    /// characters no font can show, which both standards forbid.
    pub standards: bool,
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl Engine {
    /// Loads fonts and templates once. `fonts` are the embedded fonts plus any added.
    /// `assets` are extra files the templates may read (a brand's logo), by virtual path.
    pub fn new(templates: &Files, fonts: &[Files], extra: Vec<(String, Vec<u8>)>) -> Result<Self> {
        let mut loaded = Vec::new();
        for set in fonts {
            for (rel, bytes) in set.iter() {
                let lower = rel.to_ascii_lowercase();
                if !(lower.ends_with(".otf")
                    || lower.ends_with(".ttf")
                    || lower.ends_with(".ttc")
                    || lower.ends_with(".otc"))
                {
                    continue;
                }
                let before = loaded.len();
                loaded.extend(Font::iter(Bytes::new(bytes.to_vec())));
                if loaded.len() == before {
                    return Err(Error::Usage(format!("{} is not a font file Typst can read", set.name(rel))));
                }
            }
        }
        let book = FontBook::from_fonts(&loaded);

        let mut sources = HashMap::new();
        let mut assets = HashMap::new();
        for (rel, bytes) in templates.iter() {
            let id = file_id(&format!("/{rel}"));
            if rel.ends_with(".typ") {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Error::Usage(format!("{} is not valid UTF-8", templates.name(rel))))?;
                sources.insert(id, Source::new(id, text));
            } else {
                assets.insert(id, Bytes::new(bytes.to_vec()));
            }
        }

        for (path, bytes) in extra {
            assets.insert(file_id(&path), Bytes::new(bytes));
        }
        Ok(Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts: loaded,
            sources,
            assets,
            data_id: file_id(DATA_PATH),
        })
    }

    /// Whether a font family is loaded (brand files name families).
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }

    /// Characters of `text` that no loaded font can show.
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .filter(|&c| !self.fonts.iter().any(|f| f.info().coverage.contains(c as u32)))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    pub fn has_template(&self, entry: &str) -> bool {
        self.sources.contains_key(&file_id(&format!("/{entry}")))
    }

    /// Typesets `entry` (e.g. `blank.typ`) with `data` as `/data.json` and exports a PDF.
    pub fn render(&self, entry: &str, data: Vec<u8>, meta: &PdfMeta) -> Result<Vec<u8>> {
        self.typeset(entry, data, meta, |world, document| self.pdf(world, entry, document, meta))
    }

    /// The PDF and PNG images of its first `pages` pages, at `pixels_per_pt`
    /// (a preview: the web app shows a report before the batch is made).
    pub fn render_with_images(
        &self,
        entry: &str,
        data: Vec<u8>,
        meta: &PdfMeta,
        pixels_per_pt: f64,
        pages: usize,
    ) -> Result<(Vec<u8>, Vec<Vec<u8>>)> {
        self.typeset(entry, data, meta, |world, document| {
            let pdf = self.pdf(world, entry, document, meta)?;
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(pixels_per_pt),
                render_bleed: false,
            };
            let images = document
                .pages()
                .iter()
                .take(pages)
                .map(|page| {
                    typst_render::render(page, &options).encode_png().map_err(|e| Error::Render {
                        template: entry.to_string(),
                        messages: vec![format!("  a page could not be made into an image: {e}")],
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok((pdf, images))
        })
    }

    /// Compiles `entry` into a document with the metadata of `meta` and hands it to `then`.
    fn typeset<T>(
        &self,
        entry: &str,
        data: Vec<u8>,
        meta: &PdfMeta,
        then: impl FnOnce(&DocWorld, &PagedDocument) -> Result<T>,
    ) -> Result<T> {
        let main = file_id(&format!("/{entry}"));
        if !self.sources.contains_key(&main) {
            return Err(Error::Usage(format!("there is no template named {entry}")));
        }
        let world = DocWorld::new(self, main, Bytes::new(data), datetime(meta.timestamp));
        let warned = typst::compile::<PagedDocument>(&world);
        let mut document = warned.output.map_err(|errors| self.failure(&world, entry, &errors))?;
        if let Some(title) = &meta.title {
            let info = document.info_mut();
            info.title = Some(clipped(title).into());
            info.author = meta.author.iter().map(|a| clipped(a).into()).collect();
        }
        if let Some(subject) = &meta.subject {
            document.info_mut().description = Some(clipped(subject).into());
        }
        let out = then(&world, &document);
        // Drop what the last 30 documents did not use. Reports share much of their
        // layout with recent ones (the same advice, answer rows, dates), so a longer
        // window is faster and a shorter one leaner; render processes are recycled,
        // so memory stays bounded either way. Measured on 400 reports (2 runs each):
        // 10 took 12.0 s at 142 MB per process, 30 took 10.0 s at 203 MB, 50 took
        // 9.5 s at 265 MB.
        typst::comemo::evict(EVICT_AFTER);
        out
    }

    fn pdf(
        &self,
        world: &DocWorld,
        entry: &str,
        document: &PagedDocument,
        meta: &PdfMeta,
    ) -> Result<Vec<u8>> {
        let options = PdfOptions {
            ident: Smart::Custom(meta.ident.clone()),
            timestamp: datetime(meta.timestamp).map(Timestamp::new_utc),
            standards: if meta.standards {
                PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1, typst_pdf::PdfStandard::A_2a])
                    .expect("compatible standards")
            } else {
                PdfStandards::default()
            },
            tagged: true,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|errors| self.failure(world, entry, &errors))
    }

    fn failure(&self, world: &DocWorld, entry: &str, errors: &[SourceDiagnostic]) -> Error {
        let messages = errors
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let place = d.span.id().and_then(|id| {
                    let range = world.range(d.span)?;
                    let source = self.sources.get(&id)?;
                    let line = source.lines().byte_to_line(range.start)? + 1;
                    Some(format!("{:?}:{line}: ", id.vpath()))
                });
                let mut hints: String = d.hints.iter().map(|h| format!("\n    hint: {}", h.v)).collect();
                // Metadata is clipped (`clipped`), so what is too long is text
                // shown on a page: Typst's hint about titles would mislead.
                if d.message.contains("PDF string is longer than") {
                    hints = "\n    hint: a value of this row (a name, an organisation, another column) \
                             has a word of thousands of characters without a space; shorten it"
                        .into();
                }
                format!("  {}{}{hints}", place.unwrap_or_default(), d.message)
            })
            .collect();
        Error::Render { template: entry.to_string(), messages }
    }
}

/// Metadata made from a respondent's values, cut to a length every reader
/// shows: PDF/A refuses a string over 32,767 bytes, and a name that long (a
/// sheet's cell may hold as much) would fail the whole report.
fn clipped(text: &str) -> String {
    const MOST: usize = 1_000;
    match text.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A UTC datetime from seconds since 1970 (civil-from-days, proleptic Gregorian).
pub fn datetime(secs: i64) -> Option<Datetime> {
    let ((y, m, d), hh, mm, ss) = crate::dates::civil_time(secs);
    Datetime::from_ymd_hms(i32::try_from(y).ok()?, m, d, hh, mm, ss)
}
