//! The fields a follow-up measurement adds to the document data (`--earlier`):
//! built by `followup`, shown by the templates.

use serde::Serialize;

use crate::content::Letter;

/// How one question's answer moved. A is "er zijn verbetermogelijkheden", B "goed op weg".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verandering {
    /// A → B.
    Verbeterd,
    /// B → A: needs attention again.
    Teruggevallen,
    Gelijk,
    /// Unanswered earlier, answered now.
    Nieuw,
    /// Answered earlier, unanswered now.
    NietMeer,
    /// Unanswered both times.
    Open,
}

/// A question's earlier answer in a report.
#[derive(Debug, Serialize)]
pub struct Eerder {
    pub antwoord: Option<Letter>,
    pub verandering: Verandering,
}

/// The movement a report leads its overview with: question ids per kind of
/// change, in the handreiking's order.
#[derive(Debug, Default, Serialize)]
pub struct Vervolg {
    /// The earlier date as a Dutch reader writes it (or as written; empty when none).
    pub nulmeting: String,
    pub vervolgmeting: String,
    pub verbeterd: Vec<String>,
    pub teruggevallen: Vec<String>,
    pub gelijk: Vec<String>,
    pub nieuw: Vec<String>,
    pub niet_meer: Vec<String>,
}

/// The group's movement, for the group report's first pages.
#[derive(Debug, Serialize)]
pub struct GroepVervolg {
    /// The days of each measurement, as a Dutch reader writes them.
    pub nulmeting: String,
    pub vervolgmeting: String,
    /// Respondents of the earlier measurement.
    pub aantal_eerder: usize,
    /// Respondents matched in both measurements.
    pub beide: usize,
    /// Question ids whose share of B rose, most first; and those whose share fell, most first.
    pub verbeterd: Vec<String>,
    pub teruggevallen: Vec<String>,
}

/// A question's earlier spread in the group report, and how it moved.
#[derive(Debug, Serialize)]
pub struct GroepEerder {
    pub a: usize,
    pub b: usize,
    pub open: usize,
    /// The share of B among those who answered, in whole percent, earlier and now.
    pub b_eerder: Option<u32>,
    pub b_nu: Option<u32>,
    /// Percentage points of B, now minus earlier, when both times someone answered.
    pub verschil: Option<i32>,
    /// Of the respondents who took part both times: A → B and B → A.
    pub verbeterd: usize,
    pub teruggevallen: usize,
}
