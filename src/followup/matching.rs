//! Every respondent of the new sheets matched to one of the earlier measurement.
//!
//! The keys are tried in order: the e-mail address, when both have one; else name
//! plus organisation (case, accents and spaces ignored), unless both have an
//! e-mail address and it differs (then they are two people with one name); else
//! the `--match` column, the user's own identifier. The first key that finds any
//! earlier respondent decides. A match is made only when it is one to one: a new
//! respondent that fits two earlier ones, or two new respondents that fit one
//! earlier one, are ambiguous, listed with their rows and never guessed.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::EarlierOptions;
use super::compare::Earlier;
use super::index::{Index, Keys, OldRow, stream_keyed};
use crate::answers::{Location, ReadOptions};
use crate::content::Handreiking;
use crate::error::Result;
use crate::mapping::MappingFile;

/// The key a match was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Key {
    #[serde(rename = "e-mail")]
    Email,
    #[serde(rename = "name and organisation")]
    Name,
    /// The `--match` column, by its header.
    #[serde(rename = "column")]
    Column(String),
}

/// What became of one new respondent.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Compared with this earlier respondent (`Index::rows`).
    Matched { old: u32, key: Key },
    /// Not compared: more than one earlier respondent fits (`old`), or the one
    /// that fits also fits other new respondents (`others`, in `Plan::rows`).
    Ambiguous { key: Key, old: Vec<u32>, others: Vec<usize> },
    /// No earlier respondent fits. `other_address`: one with the same name and
    /// organisation has another e-mail address, so it was not taken.
    Unmatched { other_address: Option<u32> },
}

/// A new respondent and its match.
#[derive(Debug)]
pub struct NewRow {
    /// Which new sheet (`Plan::files`).
    pub file: usize,
    pub location: Location,
    pub naam: String,
    pub outcome: Outcome,
}

/// Both measurements matched, before anything is rendered.
#[derive(Debug)]
pub struct Plan {
    pub index: Index,
    /// The new sheets as messages name them.
    pub files: Vec<String>,
    /// The new respondents, in file order.
    pub rows: Vec<NewRow>,
    /// The `--match` column.
    pub column: Option<String>,
    /// New rows with cells that are not answers (they get no report).
    pub bad_rows: usize,
    lookup: HashMap<(usize, Location), usize>,
}

impl Plan {
    /// Reads the earlier measurement into its index, then the new sheets' keys,
    /// and matches them.
    pub(crate) fn make(
        h: &Handreiking,
        earlier: &EarlierOptions,
        inputs: &[PathBuf],
        read: &ReadOptions,
        file: Option<&MappingFile>,
    ) -> Result<Plan> {
        let index = Index::read(h, earlier)?;
        let column = earlier.column.clone();
        let mut files = vec![];
        let mut keyed: Vec<(NewRow, Keys)> = vec![];
        let mut bad_rows = 0;
        for input in inputs {
            let number = files.len();
            let sheet =
                stream_keyed(h, input, read, file, column.as_deref(), |_, location, row| match row {
                    Some((r, keys)) => {
                        let outcome = Outcome::Unmatched { other_address: None };
                        keyed.push((NewRow { file: number, location, naam: r.naam, outcome }, keys));
                    }
                    None => bad_rows += 1,
                })?;
            files.push(sheet.file);
        }

        // Each new respondent's candidates, then which earlier respondents are claimed more than once.
        let found: Vec<Option<(Key, Vec<u32>)>> =
            keyed.iter().map(|(_, keys)| candidates(&index, keys, column.as_deref())).collect();
        let mut claims: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, f) in found.iter().enumerate() {
            if let Some((_, old)) = f
                && let [one] = old.as_slice()
            {
                claims.entry(*one).or_default().push(i);
            }
        }
        let mut rows = Vec::with_capacity(keyed.len());
        for (i, ((mut row, keys), found)) in keyed.into_iter().zip(found).enumerate() {
            row.outcome = match found {
                None => Outcome::Unmatched { other_address: other_address(&index, &keys) },
                Some((key, old)) if old.len() > 1 => Outcome::Ambiguous { key, old, others: vec![] },
                Some((key, old)) => {
                    let others: Vec<usize> = claims[&old[0]].iter().copied().filter(|&j| j != i).collect();
                    if others.is_empty() {
                        Outcome::Matched { old: old[0], key }
                    } else {
                        Outcome::Ambiguous { key, old, others }
                    }
                }
            };
            rows.push(row);
        }
        let lookup = rows.iter().enumerate().map(|(i, r)| ((r.file, r.location), i)).collect();
        Ok(Plan { index, files, rows, column, bad_rows, lookup })
    }

    /// What became of the new respondent in this file (as messages name it) and row.
    pub fn row(&self, file: &str, location: Location) -> Option<&NewRow> {
        let file = self.files.iter().position(|f| f == file)?;
        self.lookup.get(&(file, location)).map(|&i| &self.rows[i])
    }

    /// The earlier answers a new respondent's report is compared with, when matched.
    pub fn earlier_for(&self, file: &str, location: Location) -> Option<Earlier> {
        let Outcome::Matched { old, .. } = self.row(file, location)?.outcome else { return None };
        let old = &self.index.rows[old as usize];
        Some(Earlier {
            datum: old.datum.clone(),
            antwoorden: self.index.questions.iter().cloned().zip(old.antwoorden.iter().copied()).collect(),
        })
    }

    pub fn matched(&self) -> impl Iterator<Item = (&NewRow, &OldRow, &Key)> {
        self.rows.iter().filter_map(|r| match &r.outcome {
            Outcome::Matched { old, key } => Some((r, &self.index.rows[*old as usize], key)),
            _ => None,
        })
    }

    pub fn ambiguous(&self) -> impl Iterator<Item = &NewRow> {
        self.rows.iter().filter(|r| matches!(r.outcome, Outcome::Ambiguous { .. }))
    }

    /// An ambiguous row's parts, for saying why it was not compared: the key, the
    /// earlier rows it fits, and the other new rows that fit them too.
    pub fn ambiguity<'a>(&'a self, row: &'a NewRow) -> Option<(&'a Key, Vec<&'a OldRow>, Vec<&'a NewRow>)> {
        let Outcome::Ambiguous { key, old, others } = &row.outcome else { return None };
        let earlier = old.iter().map(|&o| &self.index.rows[o as usize]).collect();
        Some((key, earlier, others.iter().map(|&i| &self.rows[i]).collect()))
    }

    pub fn only_new(&self) -> impl Iterator<Item = &NewRow> {
        self.rows.iter().filter(|r| matches!(r.outcome, Outcome::Unmatched { .. }))
    }

    /// Earlier respondents that no new respondent matched or was ambiguous with.
    pub fn only_earlier(&self) -> Vec<&OldRow> {
        let mut seen = vec![false; self.index.rows.len()];
        for r in &self.rows {
            match &r.outcome {
                Outcome::Matched { old, .. } => seen[*old as usize] = true,
                Outcome::Ambiguous { old, .. } => old.iter().for_each(|&o| seen[o as usize] = true),
                Outcome::Unmatched { .. } => {}
            }
        }
        self.index.rows.iter().zip(seen).filter(|(_, seen)| !seen).map(|(r, _)| r).collect()
    }
}

/// A row of either measurement, for the manifest.
#[derive(Debug, Serialize)]
pub struct RowRef {
    pub file: String,
    pub row: usize,
}

/// What the audit manifest says of a new respondent's match.
#[derive(Debug, Serialize)]
pub struct ManifestEntry {
    /// `compared`, `no match` or `ambiguous` (not compared).
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<Key>,
    /// The earlier row compared with, or the earlier rows that fit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<RowRef>,
    /// Other new rows that fit the same earlier row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<RowRef>,
}

impl Plan {
    pub fn manifest_entry(&self, file: &str, location: Location) -> Option<ManifestEntry> {
        let row = self.row(file, location)?;
        let old = |o: &u32| {
            let r = &self.index.rows[*o as usize];
            RowRef { file: self.index.files[r.file].clone(), row: r.location.number() }
        };
        let new = |i: &usize| {
            let r = &self.rows[*i];
            RowRef { file: self.files[r.file].clone(), row: r.location.number() }
        };
        Some(match &row.outcome {
            Outcome::Matched { old: o, key } => ManifestEntry {
                status: "compared",
                by: Some(key.clone()),
                earlier: vec![old(o)],
                also: vec![],
            },
            Outcome::Ambiguous { key, old: os, others } => ManifestEntry {
                status: "ambiguous",
                by: Some(key.clone()),
                earlier: os.iter().map(old).collect(),
                also: others.iter().map(new).collect(),
            },
            Outcome::Unmatched { .. } => {
                ManifestEntry { status: "no match", by: None, earlier: vec![], also: vec![] }
            }
        })
    }
}

/// The earlier respondents a new respondent's keys point to, with the key that found them.
fn candidates(index: &Index, keys: &Keys, column: Option<&str>) -> Option<(Key, Vec<u32>)> {
    let found = |map: &HashMap<String, Vec<u32>>, key: &Option<String>| {
        key.as_ref().and_then(|k| map.get(k)).cloned().unwrap_or_default()
    };
    let by_email = found(&index.by_email, &keys.email);
    if !by_email.is_empty() {
        return Some((Key::Email, by_email));
    }
    let by_name: Vec<u32> =
        found(&index.by_name, &keys.name).into_iter().filter(|&o| !other_person(index, keys, o)).collect();
    if !by_name.is_empty() {
        return Some((Key::Name, by_name));
    }
    let by_column = found(&index.by_column, &keys.column);
    match (by_column.is_empty(), column) {
        (false, Some(column)) => Some((Key::Column(column.to_string()), by_column)),
        _ => None,
    }
}

/// Both have an e-mail address and they differ: the same name, another person.
fn other_person(index: &Index, keys: &Keys, old: u32) -> bool {
    matches!((&keys.email, &index.rows[old as usize].email), (Some(new), Some(old)) if new != old)
}

/// An earlier respondent with this name and organisation but another address.
fn other_address(index: &Index, keys: &Keys) -> Option<u32> {
    let name = keys.name.as_ref()?;
    index.by_name.get(name)?.iter().copied().find(|&o| other_person(index, keys, o))
}
