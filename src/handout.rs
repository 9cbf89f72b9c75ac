//! `handreiking blank | form | cards`: the documents made from the handreiking
//! alone, without answers.

use std::path::Path;

use crate::error::Result;
use crate::output::{self, Written};
use crate::render::PdfMeta;
use crate::resolve;
use crate::settings::{Settings, load_content};

pub struct BlankOptions {
    /// Page numbers next to internal links, for a printed copy.
    pub print: bool,
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
