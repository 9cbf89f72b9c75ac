//! The audit manifest beside the reports: which report came from which
//! answers, with what content and brand. `mail` reads it back.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{BatchOutcome, RowOutcome};
use crate::followup::ManifestEntry;
use crate::output::sha256_hex;

/// The audit manifest: which report came from which answers, with what.
/// Read back by `handreiking mail`; fields are only ever added, so older
/// manifests still read.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    /// sha256 over the content folder (paths and bytes): changes when the text changes.
    pub content_version: String,
    pub inputs: Vec<InputEntry>,
    /// The brand file (absolute path) the reports were made with, which
    /// `mail` uses too; none for the embedded brand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<InputEntry>,
    pub shard: Option<String>,
    /// The earlier measurement's sheets, with `--earlier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_inputs: Option<Vec<InputEntry>>,
    pub rows: Vec<RowEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InputEntry {
    pub file: String,
    pub sha256: Option<String>,
}

impl InputEntry {
    /// A brand file, by its absolute path, so `mail` finds it from any folder.
    pub fn brand(path: &Path) -> InputEntry {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        InputEntry {
            file: absolute.display().to_string(),
            sha256: std::fs::read(path).ok().map(|b| sha256_hex(&b)),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RowEntry {
    pub file: String,
    /// Spreadsheet row (CSV) or record number (JSON).
    pub row: usize,
    pub respondent: String,
    pub status: String,
    pub output: Option<String>,
    pub sha256: Option<String>,
    pub error: Option<String>,
    /// The respondent's e-mail address as written in the sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The respondent's fields (naam, organisatie, datum as written, rij,
    /// other columns), for the brand's `[mail]` texts.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
    /// With `--earlier`: whom the report was compared with, or why not (written
    /// for the reader; `mail`, which reads manifests back, has no use for it).
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub earlier: Option<ManifestEntry>,
}

impl Manifest {
    pub fn new(
        inputs: &[std::path::PathBuf],
        content: &crate::files::Files,
        outcome: &BatchOutcome,
        shard: Option<(usize, usize)>,
    ) -> Manifest {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        for (rel, bytes) in content.iter() {
            hasher.update(rel.as_bytes());
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let content_version = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>();
        let rows = outcome
            .rows
            .iter()
            .map(|r| {
                let (status, output, sha256, error) = match &r.outcome {
                    RowOutcome::Written { path, sha256 } => (
                        "written",
                        path.file_name().map(|n| n.to_string_lossy().into_owned()),
                        Some(sha256.clone()),
                        None,
                    ),
                    RowOutcome::Bad(problems) => (
                        "bad",
                        None,
                        None,
                        Some(problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ")),
                    ),
                    RowOutcome::Failed(e) => ("failed", None, None, Some(e.clone())),
                };
                RowEntry {
                    file: r.file.clone(),
                    row: r.location.number(),
                    respondent: r.naam.clone(),
                    status: status.to_string(),
                    output,
                    sha256,
                    error,
                    email: Some(r.email.clone()).filter(|e| !e.is_empty()),
                    fields: r.fields.clone(),
                    earlier: outcome.earlier.as_ref().and_then(|p| p.manifest_entry(&r.file, r.location)),
                }
            })
            .collect();
        Manifest {
            tool: "handreiking".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            content_version,
            inputs: input_entries(inputs),
            brand: None,
            shard: shard.map(|(k, n)| format!("{k}/{n}")),
            earlier_inputs: outcome.earlier.as_ref().map(|p| input_entries(&p.index.inputs)),
            rows,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("manifest serialises") + "\n"
    }
}

fn input_entries(inputs: &[std::path::PathBuf]) -> Vec<InputEntry> {
    inputs
        .iter()
        .map(|p| InputEntry {
            file: p.display().to_string(),
            sha256: std::fs::read(p).ok().map(|b| sha256_hex(&b)),
        })
        .collect()
}
