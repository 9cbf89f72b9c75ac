//! Helpers shared by the integration tests: run the real binary, read PDFs back.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lopdf::{Dictionary, Document, Object, ObjectId};

pub mod browser;
pub mod meeting;
pub mod server;
pub mod smtp_sink;

pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handreiking"));
    cmd.env("SOURCE_DATE_EPOCH", "1767225600"); // 2026-01-01, for reproducible output
    cmd
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

pub fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "handreiking {args:?} failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh folder below the target dir for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PDFs in a folder, sorted.
pub fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

/// The PDFs in a folder that may not exist yet.
pub fn pdfs_if_any(dir: &Path) -> Vec<PathBuf> {
    if dir.is_dir() { pdfs(dir) } else { vec![] }
}

/// Lower-case letters and digits only: compares text across line breaks,
/// hyphenation and typographic punctuation.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

pub struct Pdf {
    pub doc: Document,
    /// Page object ids in page order.
    pub pages: Vec<ObjectId>,
    /// Extracted text per page.
    pub text: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Link {
    /// Name of the destination, for links to labels.
    pub name: Option<String>,
    /// 0-based page the link lands on.
    pub target: Option<usize>,
    pub uri: Option<String>,
}

impl Pdf {
    pub fn load(path: &Path) -> Pdf {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let doc = Document::load_mem(&bytes).expect("valid PDF");
        let pages: Vec<ObjectId> = doc.get_pages().values().copied().collect();
        let text = (1..=pages.len() as u32).map(|n| doc.extract_text(&[n]).unwrap_or_default()).collect();
        Pdf { doc, pages, text }
    }

    pub fn page_of(&self, id: ObjectId) -> Option<usize> {
        self.pages.iter().position(|p| *p == id)
    }

    fn deref<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }

    fn dest_page(&self, dest: &Object) -> Option<usize> {
        match self.deref(dest) {
            Object::Array(a) => a.first().and_then(|p| p.as_reference().ok()).and_then(|id| self.page_of(id)),
            Object::Dictionary(d) => d.get(b"D").ok().and_then(|d| self.dest_page(d)),
            _ => None,
        }
    }

    /// Named destinations → 0-based page.
    pub fn named_dests(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        let catalog = self.doc.catalog().expect("catalog");
        if let Ok(names) = catalog.get(b"Names").map(|o| self.deref(o)).and_then(|o| o.as_dict())
            && let Ok(tree) = names.get(b"Dests").map(|o| self.deref(o)).and_then(|o| o.as_dict())
        {
            self.walk_names(tree, &mut out);
        }
        if let Ok(dests) = catalog.get(b"Dests").map(|o| self.deref(o)).and_then(|o| o.as_dict()) {
            for (k, v) in dests.iter() {
                if let Some(p) = self.dest_page(v) {
                    out.insert(String::from_utf8_lossy(k).into_owned(), p);
                }
            }
        }
        out
    }

    fn walk_names(&self, node: &Dictionary, out: &mut HashMap<String, usize>) {
        if let Ok(kids) = node.get(b"Kids").map(|o| self.deref(o)).and_then(|o| o.as_array()) {
            for kid in kids {
                if let Ok(d) = self.deref(kid).as_dict() {
                    self.walk_names(d, out);
                }
            }
        }
        if let Ok(names) = node.get(b"Names").map(|o| self.deref(o)).and_then(|o| o.as_array()) {
            for pair in names.chunks(2) {
                if let (Ok(key), Some(val)) = (pair[0].as_str(), pair.get(1))
                    && let Some(p) = self.dest_page(val)
                {
                    out.insert(String::from_utf8_lossy(key).into_owned(), p);
                }
            }
        }
    }

    /// Link annotations on a 0-based page.
    pub fn links(&self, page: usize) -> Vec<Link> {
        let dests = self.named_dests();
        let annots = self.doc.get_page_annotations(self.pages[page]).unwrap_or_default();
        annots
            .into_iter()
            .filter(|a| a.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Link".as_slice()))
            .map(|a| {
                let action = a.get(b"A").map(|o| self.deref(o)).and_then(|o| o.as_dict()).ok();
                let dest = a.get(b"Dest").ok().or_else(|| action.and_then(|d| d.get(b"D").ok()));
                let uri = action
                    .and_then(|d| d.get(b"URI").ok())
                    .and_then(|u| u.as_str().ok())
                    .map(|u| String::from_utf8_lossy(u).into_owned());
                let (name, target) = match dest.map(|d| self.deref(d)) {
                    Some(Object::String(s, _)) | Some(Object::Name(s)) => {
                        let name = String::from_utf8_lossy(s).into_owned();
                        let target = dests.get(&name).copied();
                        (Some(name), target)
                    }
                    Some(d @ Object::Array(_)) => (None, self.dest_page(d)),
                    _ => (None, None),
                };
                Link { name, target, uri }
            })
            .collect()
    }

    /// (level, title, 0-based page) for every bookmark.
    pub fn outline(&self) -> Vec<(usize, String, usize)> {
        let toc = self.doc.get_toc().expect("the PDF has an outline");
        toc.toc.into_iter().map(|t| (t.level, t.title, t.page.saturating_sub(1))).collect()
    }

    pub fn all_text(&self) -> String {
        self.text.join("\n")
    }

    pub fn info(&self, key: &str) -> Option<String> {
        let trailer_info = self.doc.trailer.get(b"Info").ok()?;
        let info = self.deref(trailer_info).as_dict().ok()?;
        let value = info.get(key.as_bytes()).ok()?;
        lopdf::decode_text_string(self.deref(value)).ok()
    }

    pub fn catalog_entry(&self, key: &str) -> Option<Object> {
        self.doc.catalog().ok()?.get(key.as_bytes()).ok().map(|o| self.deref(o).clone())
    }

    /// The XMP metadata stream of the catalog, as text.
    pub fn xmp(&self) -> String {
        let Some(Object::Stream(stream)) = self.catalog_entry("Metadata") else {
            return String::new();
        };
        let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The base names of every font embedded in the PDF.
    pub fn font_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Font".as_slice()))
            .filter_map(|d| d.get(b"BaseFont").and_then(|n| n.as_name()).ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Every /Alt text in the document (figures in the structure tree).
    pub fn alt_texts(&self) -> Vec<String> {
        self.doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter_map(|d| d.get(b"Alt").ok())
            .filter_map(|a| lopdf::decode_text_string(self.deref(a)).ok())
            .collect()
    }
}

/// The first words of the advice for one answer: what a report that gives that
/// advice must contain (a paragraph may run over a page break and its footer).
pub fn opening(
    h: &handreiking::content::Handreiking,
    id: &str,
    letter: handreiking::content::Letter,
) -> String {
    let a = h.vraag(id).unwrap().antwoorden.iter().find(|a| a.letter == letter).unwrap();
    let mut out = vec![];
    handreiking::content::markdown::paragraphs(&a.tekst, &mut out);
    squash(&out[0]).chars().take(80).collect()
}

/// Checks the reports of the three synthetic respondents of every example export
/// (examples/exports/), written with `--name "{{ naam }}"` into `dir`: three PDFs;
/// Anouk (Zorggroep Almere) answered R1V1 A and R1V3 B; Sanne left R1V3 open and
/// answered R1V2 A.
pub fn assert_example_respondents(tag: &str, dir: &Path) {
    use handreiking::content::Letter;
    let h = handreiking::load_content(&Default::default()).unwrap();
    let files = pdfs(dir);
    assert_eq!(files.len(), 3, "{tag}: {files:?}");
    let anouk = Pdf::load(&dir.join("Anouk de Vries.pdf"));
    let text = squash(&anouk.all_text());
    assert!(text.contains(&squash("Zorggroep Almere")), "{tag}: organisation missing");
    assert!(text.contains(&opening(&h, "R1V1", Letter::A)), "{tag}: R1V1 A missing");
    assert!(!text.contains(&opening(&h, "R1V1", Letter::B)), "{tag}: R1V1 B present");
    assert!(text.contains(&opening(&h, "R1V3", Letter::B)), "{tag}: R1V3 B missing");
    let sanne = Pdf::load(&dir.join("Sanne Jansen.pdf"));
    let text = squash(&sanne.all_text());
    assert!(text.contains(&squash("Niet beantwoord. Bij deze vraag")), "{tag}: open question not listed");
    assert!(
        !text.contains(&opening(&h, "R1V3", Letter::A)) && !text.contains(&opening(&h, "R1V3", Letter::B)),
        "{tag}: Sanne's open R1V3 has advice"
    );
    assert!(text.contains(&opening(&h, "R1V2", Letter::A)), "{tag}: Sanne's R1V2 A missing");
}
