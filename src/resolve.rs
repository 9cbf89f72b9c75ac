//! Turns the handreiking (and, for reports, a respondent's answers) into the
//! document data the templates show: exactly what is on the page, nothing more.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::brand::{Brand, BrandView};
use crate::content::markdown::{Block, Inline, ref_ids, visit_inlines_mut};
use crate::content::{Antwoord, Handreiking, Labels, Letter, Werkvorm};
use crate::mapping::Respondent;

/// The one JSON document `blank.typ` receives at `/data.json`.
#[derive(Debug, Serialize)]
pub struct Blank {
    pub soort: &'static str,
    /// Made for paper: page numbers next to internal links.
    pub print: bool,
    /// Title for the PDF's metadata and the cover.
    pub titel: String,
    pub taal: String,
    pub merk: BrandView,
    pub handreiking: Handreiking,
}

/// The blank handreiking: every reflection, question, answer and werkvorm.
pub fn blank(handreiking: &Handreiking, brand: &Brand, print: bool) -> Blank {
    Blank {
        soort: "blank",
        print,
        titel: handreiking.titel.clone(),
        taal: handreiking.taal.clone(),
        merk: brand.view(&Default::default()),
        handreiking: handreiking.clone(),
    }
}

/// The one JSON document `report.typ` receives: one respondent's advice.
#[derive(Debug, Serialize)]
pub struct Report {
    pub soort: &'static str,
    pub print: bool,
    pub titel: String,
    pub taal: String,
    pub merk: BrandView,
    pub handreiking: Kop,
    pub respondent: RespondentView,
    pub samenvatting: Samenvatting,
    pub reflecties: Vec<ReflectieKeuze>,
    /// The werkvormen the chosen advice refers to, each once.
    pub werkvormen: Vec<Werkvorm>,
}

#[derive(Debug, Serialize)]
pub struct Kop {
    pub titel: String,
    pub ondertitel: String,
    pub project: String,
    pub labels: Labels,
}

#[derive(Debug, Serialize)]
pub struct RespondentView {
    pub naam: String,
    pub organisatie: String,
    pub datum: String,
    pub velden: Vec<Veld>,
}

#[derive(Debug, Serialize)]
pub struct Veld {
    pub naam: String,
    pub waarde: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Samenvatting {
    pub a: usize,
    pub b: usize,
    pub open: usize,
}

#[derive(Debug, Serialize)]
pub struct ReflectieKeuze {
    pub id: String,
    pub nummer: u32,
    pub titel: String,
    pub vragen: Vec<VraagKeuze>,
}

#[derive(Debug, Serialize)]
pub struct VraagKeuze {
    pub id: String,
    pub nummer: u32,
    pub tekst: String,
    /// None: unanswered.
    pub antwoord: Option<Letter>,
    pub advies: Option<Antwoord>,
}

/// `fields` fill the brand's personal texts ("Beste {{ naam }}").
pub fn report(
    h: &Handreiking,
    brand: &Brand,
    r: &Respondent,
    fields: &std::collections::BTreeMap<String, String>,
) -> Report {
    let mut samenvatting = Samenvatting::default();
    let mut chosen: Vec<&Antwoord> = vec![];
    let reflecties: Vec<ReflectieKeuze> = h
        .reflecties
        .iter()
        .map(|refl| ReflectieKeuze {
            id: refl.id.clone(),
            nummer: refl.nummer,
            titel: refl.titel.clone(),
            vragen: refl
                .vragen
                .iter()
                .map(|v| {
                    let antwoord = r.antwoorden.get(&v.id).copied().flatten();
                    match antwoord {
                        Some(Letter::A) => samenvatting.a += 1,
                        Some(Letter::B) => samenvatting.b += 1,
                        None => samenvatting.open += 1,
                    }
                    let advies = antwoord.and_then(|l| v.antwoorden.iter().find(|a| a.letter == l));
                    chosen.extend(advies);
                    VraagKeuze {
                        id: v.id.clone(),
                        nummer: v.nummer,
                        tekst: v.tekst.clone(),
                        antwoord,
                        advies: advies.cloned(),
                    }
                })
                .collect(),
        })
        .collect();

    // Werkvormen: those the chosen advice shows or links to, and those they link to.
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for a in &chosen {
        for b in &a.blokken {
            wanted.extend(b.werkvormen.iter().cloned());
            wanted.extend(ref_ids(&b.tekst));
        }
        wanted.extend(ref_ids(&a.tekst));
    }
    loop {
        let more: Vec<String> = h
            .werkvormen
            .iter()
            .filter(|w| wanted.contains(&w.id))
            .flat_map(|w| ref_ids(&w.tekst))
            .filter(|id| h.werkvorm(id).is_some() && !wanted.contains(id))
            .collect();
        if more.is_empty() {
            break;
        }
        wanted.extend(more);
    }
    let chosen_ids: BTreeSet<&str> = chosen.iter().map(|a| a.id.as_str()).collect();
    let mut werkvormen: Vec<Werkvorm> = h
        .werkvormen
        .iter()
        .filter(|w| wanted.contains(&w.id))
        .cloned()
        .map(|mut w| {
            w.gebruikt_bij.retain(|id| chosen_ids.contains(id.as_str()));
            w
        })
        .collect();

    // A link is live only when its target is in this report.
    let mut present: BTreeSet<String> = werkvormen.iter().map(|w| w.id.clone()).collect();
    present.extend(chosen_ids.iter().map(|s| s.to_string()));
    for (refl, v) in h.vragen() {
        present.insert(refl.id.clone());
        present.insert(v.id.clone());
    }
    let mut reflecties = reflecties;
    for v in reflecties.iter_mut().flat_map(|r| r.vragen.iter_mut()) {
        if let Some(a) = &mut v.advies {
            mark_live(&mut a.tekst, &present);
            for b in &mut a.blokken {
                mark_live(&mut b.tekst, &present);
            }
        }
    }
    for w in &mut werkvormen {
        mark_live(&mut w.tekst, &present);
    }

    let naam = if r.naam.is_empty() { format!("respondent ({})", r.location) } else { r.naam.clone() };
    let merk = brand.view(fields);
    let soort =
        if merk.rapport.titel.is_empty() { "Adviesrapport".to_string() } else { merk.rapport.titel.clone() };
    let titel = match r.organisatie.as_str() {
        "" => format!("{soort} {naam}"),
        org => format!("{soort} {naam} – {org}"),
    };
    Report {
        soort: "report",
        print: false,
        titel,
        taal: h.taal.clone(),
        merk,
        handreiking: Kop {
            titel: h.titel.clone(),
            ondertitel: h.ondertitel.clone(),
            project: h.project.clone(),
            labels: h.labels.clone(),
        },
        respondent: RespondentView {
            naam: r.naam.clone(),
            organisatie: r.organisatie.clone(),
            datum: r.datum.clone(),
            velden: r.velden.iter().map(|(n, w)| Veld { naam: n.clone(), waarde: w.clone() }).collect(),
        },
        samenvatting,
        reflecties,
        werkvormen,
    }
}

fn mark_live(blocks: &mut [Block], present: &BTreeSet<String>) {
    visit_inlines_mut(blocks, &mut |i| {
        if let Inline::Ref { id, live, .. } = i {
            *live = present.contains(id.as_str());
        }
    });
}
