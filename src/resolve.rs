//! Turns the handreiking (and, for reports, a respondent's answers) into the
//! document data the templates show: exactly what is on the page, nothing more.

use serde::Serialize;

use crate::content::Handreiking;

/// The one JSON document a template receives at `/data.json`.
#[derive(Debug, Serialize)]
pub struct Document {
    /// `blank` (the whole handreiking).
    pub soort: &'static str,
    /// Made for paper: page numbers next to internal links.
    pub print: bool,
    /// Title for the PDF's metadata and the cover.
    pub titel: String,
    pub taal: String,
    pub handreiking: Handreiking,
}

/// The blank handreiking: every reflection, question, answer and werkvorm.
pub fn blank(handreiking: &Handreiking, print: bool) -> Document {
    Document {
        soort: "blank",
        print,
        titel: handreiking.titel.clone(),
        taal: handreiking.taal.clone(),
        handreiking: handreiking.clone(),
    }
}
