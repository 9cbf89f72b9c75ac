//! What moved between the two measurements, per question: as document data for
//! a respondent's report (`annotate`) and for the group report (`annotate_group`).
//! Templates show it; they compute nothing but counts of these lists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::answers::Location;
use crate::content::Letter;
use crate::dates;
use crate::mapping::Respondent;
use crate::resolve::{Eerder, GroepEerder, GroepVervolg, Group, Report, Verandering, Vervolg};

/// What a report is compared with: the matched earlier respondent's answers.
/// Travels with the job to the render process, so it is small.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Earlier {
    /// The earlier date, as written.
    pub datum: String,
    /// Question id → earlier answer (None: unanswered).
    pub antwoorden: BTreeMap<String, Option<Letter>>,
}

pub fn change(before: Option<Letter>, now: Option<Letter>) -> Verandering {
    match (before, now) {
        (Some(Letter::A), Some(Letter::B)) => Verandering::Verbeterd,
        (Some(Letter::B), Some(Letter::A)) => Verandering::Teruggevallen,
        (Some(_), Some(_)) => Verandering::Gelijk,
        (None, Some(_)) => Verandering::Nieuw,
        (Some(_), None) => Verandering::NietMeer,
        (None, None) => Verandering::Open,
    }
}

/// Adds the comparison with the earlier answers to a respondent's report.
pub fn annotate(report: &mut Report, earlier: &Earlier) {
    let mut vervolg = Vervolg {
        nulmeting: dates::shown(&earlier.datum),
        vervolgmeting: report.respondent.datum.clone(),
        ..Vervolg::default()
    };
    for q in report.reflecties.iter_mut().flat_map(|r| r.vragen.iter_mut()) {
        let before = earlier.antwoorden.get(&q.id).copied().flatten();
        let verandering = change(before, q.antwoord);
        let list = match verandering {
            Verandering::Verbeterd => Some(&mut vervolg.verbeterd),
            Verandering::Teruggevallen => Some(&mut vervolg.teruggevallen),
            Verandering::Gelijk => Some(&mut vervolg.gelijk),
            Verandering::Nieuw => Some(&mut vervolg.nieuw),
            Verandering::NietMeer => Some(&mut vervolg.niet_meer),
            Verandering::Open => None,
        };
        if let Some(list) = list {
            list.push(q.id.clone());
        }
        q.eerder = Some(Eerder { antwoord: before, verandering });
    }
    report.vervolg = Some(vervolg);
}

/// Adds the earlier measurement to the group report: `current` are the new
/// respondents with the sheet (as messages name it) each came from.
pub fn annotate_group<'a>(
    group: &mut Group,
    plan: &Plan,
    current: impl IntoIterator<Item = (&'a str, &'a Respondent)>,
) {
    let index = &plan.index;
    // Per question: (A→B, B→A) among the matched respondents.
    let mut moved: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut days_now = vec![];
    let mut both = 0;
    for (file, r) in current {
        days_now.push(r.datum.as_str());
        let Some(old) = matched(plan, file, r.location) else { continue };
        both += 1;
        for (i, id) in index.questions.iter().enumerate() {
            let entry = moved.entry(id).or_default();
            match change(index.rows[old].antwoorden[i], r.antwoorden.get(id).copied().flatten()) {
                Verandering::Verbeterd => entry.0 += 1,
                Verandering::Teruggevallen => entry.1 += 1,
                _ => {}
            }
        }
    }
    let share = |b: usize, a: usize| (a + b > 0).then(|| b as f64 / (a + b) as f64);
    let mut rising: Vec<(f64, String)> = vec![];
    let mut falling: Vec<(f64, String)> = vec![];
    for q in group.reflecties.iter_mut().flat_map(|r| r.vragen.iter_mut()) {
        let i = index.questions.iter().position(|id| *id == q.id);
        let [mut a, mut b, mut open] = [0; 3];
        for row in &index.rows {
            match i.and_then(|i| row.antwoorden[i]) {
                Some(Letter::A) => a += 1,
                Some(Letter::B) => b += 1,
                None => open += 1,
            }
        }
        let (before, now) = (share(b, a), share(q.b, q.a));
        let verschil = before.zip(now).map(|(before, now)| now - before);
        match verschil {
            Some(d) if d > 0.0 => rising.push((d, q.id.clone())),
            Some(d) if d < 0.0 => falling.push((d, q.id.clone())),
            _ => {}
        }
        let percent = |s: Option<f64>| s.map(|s| (s * 100.0).round() as u32);
        let (verbeterd, teruggevallen) = moved.get(q.id.as_str()).copied().unwrap_or_default();
        q.eerder = Some(GroepEerder {
            a,
            b,
            open,
            b_eerder: percent(before),
            b_nu: percent(now),
            verschil: verschil.map(|d| (d * 100.0).round() as i32),
            verbeterd,
            teruggevallen,
        });
    }
    // Largest change first; on a tie, the handreiking's order (the sort is stable).
    rising.sort_by(|x, y| y.0.total_cmp(&x.0));
    falling.sort_by(|x, y| x.0.total_cmp(&y.0));
    group.vervolg = Some(GroepVervolg {
        nulmeting: dates::span(index.rows.iter().map(|r| r.datum.as_str())),
        vervolgmeting: dates::span(days_now),
        aantal_eerder: index.rows.len(),
        beide: both,
        verbeterd: rising.into_iter().map(|(_, id)| id).collect(),
        teruggevallen: falling.into_iter().map(|(_, id)| id).collect(),
    });
}

/// The earlier respondent (`Index::rows`) a new one was matched to.
fn matched(plan: &Plan, file: &str, location: Location) -> Option<usize> {
    match plan.row(file, location)?.outcome {
        super::Outcome::Matched { old, .. } => Some(old as usize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_change() {
        use Letter::{A, B};
        assert_eq!(change(Some(A), Some(B)), Verandering::Verbeterd);
        assert_eq!(change(Some(B), Some(A)), Verandering::Teruggevallen);
        assert_eq!(change(Some(A), Some(A)), Verandering::Gelijk);
        assert_eq!(change(Some(B), Some(B)), Verandering::Gelijk);
        assert_eq!(change(None, Some(B)), Verandering::Nieuw);
        assert_eq!(change(Some(A), None), Verandering::NietMeer);
        assert_eq!(change(None, None), Verandering::Open);
    }
}
