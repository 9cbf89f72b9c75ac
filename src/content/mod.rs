//! The handreiking as a model: reflections → questions → answers A/B → blocks,
//! and werkvormen. Loaded from Markdown files with front matter (`load`), with
//! every cross-reference checked after everything is loaded.

mod load;
pub mod markdown;

use serde::{Deserialize, Serialize};

pub use load::load;
pub use markdown::{Block, Inline};

#[derive(Debug, Clone, Serialize)]
pub struct Handreiking {
    pub titel: String,
    pub ondertitel: String,
    pub project: String,
    pub taal: String,
    pub rollen: Rollen,
    pub labels: Labels,
    pub introductie: Introductie,
    pub reflecties: Vec<Reflectie>,
    pub werkvormen: Vec<Werkvorm>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollen {
    pub vraag: String,
    pub omslag: Vec<String>,
    pub namen: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    #[serde(rename = "A")]
    pub a: Label,
    #[serde(rename = "B")]
    pub b: Label,
}

impl Labels {
    pub fn get(&self, letter: Letter) -> &Label {
        match letter {
            Letter::A => &self.a,
            Letter::B => &self.b,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// The full label, as in the handreiking's introduction.
    pub label: String,
    /// A short form for tables and buttons.
    pub kort: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Introductie {
    pub titel: String,
    pub tekst: Vec<Block>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reflectie {
    pub id: String,
    pub nummer: u32,
    pub titel: String,
    pub tekst: Vec<Block>,
    pub vragen: Vec<Vraag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vraag {
    pub id: String,
    pub nummer: u32,
    pub tekst: String,
    pub antwoorden: Vec<Antwoord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Letter {
    A,
    B,
}

impl Letter {
    pub const BOTH: [Letter; 2] = [Letter::A, Letter::B];

    pub fn as_str(self) -> &'static str {
        match self {
            Letter::A => "A",
            Letter::B => "B",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Antwoord {
    /// `R1V1-A`
    pub id: String,
    pub letter: Letter,
    /// Example statements shown with this answer on the reflection's start page.
    pub voorbeelden: Vec<String>,
    /// The opening text.
    pub tekst: Vec<Block>,
    pub blokken: Vec<Blok>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Soort {
    Randvoorwaarden,
    Slaagfactoren,
    Faalfactoren,
    Werkvormen,
    Tips,
    Aandachtspunten,
}

impl Soort {
    pub const ALL: [Soort; 6] = [
        Soort::Randvoorwaarden,
        Soort::Slaagfactoren,
        Soort::Faalfactoren,
        Soort::Werkvormen,
        Soort::Tips,
        Soort::Aandachtspunten,
    ];

    pub fn titel(self) -> &'static str {
        match self {
            Soort::Randvoorwaarden => "Randvoorwaarden",
            Soort::Slaagfactoren => "Slaagfactoren",
            Soort::Faalfactoren => "Faalfactoren",
            Soort::Werkvormen => "Werkvormen",
            Soort::Tips => "Tips",
            Soort::Aandachtspunten => "Aandachtspunten",
        }
    }

    fn parse(heading: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|s| s.titel().eq_ignore_ascii_case(heading.trim()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Blok {
    pub soort: Soort,
    pub titel: String,
    pub tekst: Vec<Block>,
    /// Werkvormen shown in full in this block (ids).
    pub werkvormen: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Werkvorm {
    pub id: String,
    pub nummer: u32,
    pub titel: String,
    pub bron: Option<String>,
    pub tekst: Vec<Block>,
    /// Answers that show this werkvorm in full (ids), in document order.
    pub gebruikt_bij: Vec<String>,
}

impl Handreiking {
    pub fn vragen(&self) -> impl Iterator<Item = (&Reflectie, &Vraag)> {
        self.reflecties.iter().flat_map(|r| r.vragen.iter().map(move |v| (r, v)))
    }

    pub fn vraag(&self, id: &str) -> Option<&Vraag> {
        self.vragen().map(|(_, v)| v).find(|v| v.id == id)
    }

    pub fn werkvorm(&self, id: &str) -> Option<&Werkvorm> {
        self.werkvormen.iter().find(|w| w.id == id)
    }
}
