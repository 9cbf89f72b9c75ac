//! Turns the handreiking (and, for reports, a respondent's answers) into the
//! document data the templates show: exactly what is on the page, nothing more.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::brand::{Brand, BrandView};
use crate::content::markdown::{Block, Inline, ref_ids, visit_inlines_mut};
use crate::content::{Antwoord, Handreiking, Labels, Letter, Werkvorm};
use crate::dates;
use crate::mapping::Respondent;

mod followup;
pub use followup::{Eerder, GroepEerder, GroepVervolg, Verandering, Vervolg};

/// The fields every document's data begins with.
#[derive(Debug, Serialize)]
pub struct Document {
    /// Which document: blank, form, cards, report or group.
    pub soort: &'static str,
    /// Made for paper: page numbers next to internal links.
    pub print: bool,
    /// Title for the PDF's metadata and the cover.
    pub titel: String,
    pub taal: String,
    pub merk: BrandView,
}

/// The one JSON document `blank.typ` receives at `/data.json`.
#[derive(Debug, Serialize)]
pub struct Blank {
    #[serde(flatten)]
    pub document: Document,
    pub handreiking: Handreiking,
}

/// The blank handreiking: every reflection, question, answer and werkvorm.
/// The handreiking for documents without answers: `soort` is blank, form or cards.
pub fn blank(handreiking: &Handreiking, brand: &Brand, soort: &'static str, print: bool) -> Blank {
    Blank {
        document: Document {
            soort,
            print,
            titel: handreiking.titel.clone(),
            taal: handreiking.taal.clone(),
            merk: brand.view(&Default::default()),
        },
        handreiking: handreiking.clone(),
    }
}

/// The one JSON document `report.typ` receives: one respondent's advice.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub document: Document,
    pub handreiking: Kop,
    pub respondent: RespondentView,
    pub samenvatting: Samenvatting,
    pub reflecties: Vec<ReflectieKeuze>,
    /// The werkvormen the chosen advice refers to, each once.
    pub werkvormen: Vec<Werkvorm>,
    /// The movement since the earlier measurement (`report --earlier`); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vervolg: Option<Vervolg>,
}

/// What every document shows of the handreiking itself.
#[derive(Debug, Serialize)]
pub struct Kop {
    pub titel: String,
    pub ondertitel: String,
    pub project: String,
    pub labels: Labels,
}

impl Kop {
    pub fn of(h: &Handreiking) -> Kop {
        Kop {
            titel: h.titel.clone(),
            ondertitel: h.ondertitel.clone(),
            project: h.project.clone(),
            labels: h.labels.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RespondentView {
    pub naam: String,
    pub organisatie: String,
    /// As a Dutch reader writes it ("12 maart 2026"), or as written when it cannot be read.
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
    /// The earlier answer and how it moved (`report --earlier`); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eerder: Option<Eerder>,
}

/// `fields` fill the brand's personal texts ("Beste {{ naam }}"); their `datum`
/// in its Dutch form when it can be read.
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
                        eerder: None,
                    }
                })
                .collect(),
        })
        .collect();

    let (werkvormen, present) = referenced_werkvormen(h, &chosen);
    let mut werkvormen = werkvormen;
    let mut reflecties = reflecties;
    for v in reflecties.iter_mut().flat_map(|r| r.vragen.iter_mut()) {
        if let Some(a) = &mut v.advies {
            mark_live_answer(a, &present);
        }
    }
    for w in &mut werkvormen {
        mark_live(&mut w.tekst, &present);
    }

    let naam = if r.naam.is_empty() { format!("respondent ({})", r.location) } else { r.naam.clone() };
    // Dates as a Dutch reader writes them ("12 maart 2026"), on the cover and in
    // the brand's texts; a date that cannot be read is shown as written.
    let datum = dates::shown(&r.datum);
    let merk = match fields.get("datum").and_then(|raw| dates::dutch(raw)) {
        Some(dutch) => {
            let mut fields = fields.clone();
            fields.insert("datum".into(), dutch);
            brand.view(&fields)
        }
        None => brand.view(fields),
    };
    let soort =
        if merk.rapport.titel.is_empty() { "Adviesrapport".to_string() } else { merk.rapport.titel.clone() };
    let titel = match r.organisatie.as_str() {
        "" => format!("{soort} {naam}"),
        org => format!("{soort} {naam} – {org}"),
    };
    Report {
        document: Document { soort: "report", print: false, titel, taal: h.taal.clone(), merk },
        handreiking: Kop::of(h),
        respondent: RespondentView {
            naam: r.naam.clone(),
            organisatie: r.organisatie.clone(),
            datum,
            velden: r.velden.iter().map(|(n, w)| Veld { naam: n.clone(), waarde: w.clone() }).collect(),
        },
        samenvatting,
        reflecties,
        werkvormen,
        vervolg: None,
    }
}

/// The werkvormen that `chosen` advice shows or links to (and those they link to),
/// with "used by" narrowed to the chosen answers; and the set of ids a document
/// with this advice contains, for marking links live.
fn referenced_werkvormen(h: &Handreiking, chosen: &[&Antwoord]) -> (Vec<Werkvorm>, BTreeSet<String>) {
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for a in chosen {
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
    let werkvormen: Vec<Werkvorm> = h
        .werkvormen
        .iter()
        .filter(|w| wanted.contains(&w.id))
        .cloned()
        .map(|mut w| {
            w.gebruikt_bij.retain(|id| chosen_ids.contains(id.as_str()));
            w
        })
        .collect();
    let mut present: BTreeSet<String> = werkvormen.iter().map(|w| w.id.clone()).collect();
    present.extend(chosen_ids.iter().map(|s| s.to_string()));
    for (refl, v) in h.vragen() {
        present.insert(refl.id.clone());
        present.insert(v.id.clone());
    }
    (werkvormen, present)
}

fn mark_live_answer(a: &mut Antwoord, present: &BTreeSet<String>) {
    mark_live(&mut a.tekst, present);
    for b in &mut a.blokken {
        mark_live(&mut b.tekst, present);
    }
}

fn mark_live(blocks: &mut [Block], present: &BTreeSet<String>) {
    visit_inlines_mut(blocks, &mut |i| {
        if let Inline::Ref { id, live, .. } = i {
            *live = present.contains(id.as_str());
        }
    });
}

/// The one JSON document `group.typ` receives: the group's answers, counted.
#[derive(Debug, Serialize)]
pub struct Group {
    #[serde(flatten)]
    pub document: Document,
    pub handreiking: Kop,
    /// Respondents counted.
    pub aantal: usize,
    /// Question ids, most room for improvement first (share of A).
    pub verbeter: Vec<String>,
    /// Question ids, most divided first (A and B closest to equal).
    pub verdeeld: Vec<String>,
    pub reflecties: Vec<GroepReflectie>,
    pub werkvormen: Vec<Werkvorm>,
    /// The earlier measurement and the movement since (`group --earlier`); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vervolg: Option<GroepVervolg>,
}

#[derive(Debug, Serialize)]
pub struct GroepReflectie {
    pub id: String,
    pub nummer: u32,
    pub titel: String,
    pub vragen: Vec<GroepVraag>,
}

#[derive(Debug, Serialize)]
pub struct GroepVraag {
    pub id: String,
    pub nummer: u32,
    pub tekst: String,
    pub a: usize,
    pub b: usize,
    pub open: usize,
    /// The answer most chosen (A on a tie: the advice with more to do); None when nobody answered.
    pub meest: Option<Letter>,
    pub gelijk: bool,
    /// The advice for the answer most chosen.
    pub advies: Option<Antwoord>,
    /// Names per answer, only with `--names`.
    pub namen: Option<Namen>,
    /// The earlier spread (`group --earlier`); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eerder: Option<GroepEerder>,
}

#[derive(Debug, Serialize, Default)]
pub struct Namen {
    pub a: Vec<String>,
    pub b: Vec<String>,
    pub open: Vec<String>,
}

pub fn group(h: &Handreiking, brand: &Brand, respondents: &[Respondent], names: bool) -> Group {
    let mut chosen: Vec<&Antwoord> = vec![];
    let mut reflecties: Vec<GroepReflectie> = h
        .reflecties
        .iter()
        .map(|refl| GroepReflectie {
            id: refl.id.clone(),
            nummer: refl.nummer,
            titel: refl.titel.clone(),
            vragen: refl
                .vragen
                .iter()
                .map(|v| {
                    let mut namen = Namen::default();
                    let (mut a, mut b, mut open) = (0, 0, 0);
                    for r in respondents {
                        let who =
                            if r.naam.is_empty() { format!("({})", r.location) } else { r.naam.clone() };
                        match r.antwoorden.get(&v.id).copied().flatten() {
                            Some(Letter::A) => {
                                a += 1;
                                namen.a.push(who);
                            }
                            Some(Letter::B) => {
                                b += 1;
                                namen.b.push(who);
                            }
                            None => {
                                open += 1;
                                namen.open.push(who);
                            }
                        }
                    }
                    let meest = match (a, b) {
                        (0, 0) => None,
                        (a, b) if a >= b => Some(Letter::A),
                        _ => Some(Letter::B),
                    };
                    let advies = meest.and_then(|l| v.antwoorden.iter().find(|x| x.letter == l));
                    chosen.extend(advies);
                    GroepVraag {
                        id: v.id.clone(),
                        nummer: v.nummer,
                        tekst: v.tekst.clone(),
                        a,
                        b,
                        open,
                        meest,
                        gelijk: a == b && a > 0,
                        advies: advies.cloned(),
                        namen: names.then_some(namen),
                        eerder: None,
                    }
                })
                .collect(),
        })
        .collect();
    let (mut werkvormen, present) = referenced_werkvormen(h, &chosen);
    for v in reflecties.iter_mut().flat_map(|r| r.vragen.iter_mut()) {
        if let Some(a) = &mut v.advies {
            mark_live_answer(a, &present);
        }
    }
    for w in &mut werkvormen {
        mark_live(&mut w.tekst, &present);
    }

    let all: Vec<&GroepVraag> = reflecties.iter().flat_map(|r| &r.vragen).collect();
    let share = |q: &GroepVraag| if q.a + q.b == 0 { 0.0 } else { q.a as f64 / (q.a + q.b) as f64 };
    let mut verbeter: Vec<&GroepVraag> = all.iter().copied().filter(|q| q.a > 0).collect();
    verbeter.sort_by(|x, y| share(y).total_cmp(&share(x)).then(y.a.cmp(&x.a)));
    let mut verdeeld: Vec<&GroepVraag> = all.iter().copied().filter(|q| q.a > 0 && q.b > 0).collect();
    verdeeld.sort_by(|x, y| {
        (share(x) - 0.5).abs().total_cmp(&(share(y) - 0.5).abs()).then((y.a + y.b).cmp(&(x.a + x.b)))
    });

    let merk = brand.view(&Default::default());
    Group {
        document: Document {
            soort: "group",
            print: false,
            titel: format!("Groepsrapport – {}", h.titel),
            taal: h.taal.clone(),
            merk,
        },
        handreiking: Kop::of(h),
        aantal: respondents.len(),
        verbeter: verbeter.iter().map(|q| q.id.clone()).collect(),
        verdeeld: verdeeld.iter().map(|q| q.id.clone()).collect(),
        reflecties,
        werkvormen,
        vervolg: None,
    }
}
