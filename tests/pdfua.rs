//! Every kind of document the tool makes passes `pdfua check`, an independent checker
//! of the machine-checkable part of PDF/UA-1 (PyPI package `pdfua`, installed by
//! `.ci/run`). Without the `pdfua` command this test fails: skipping it would hide a
//! regression (a table without header cells, say) exactly where CI should catch it.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{pdfs, run_ok, scratch};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `pdfua check --format json FILE`: exit code 0 and no finding, or a panic that
/// shows everything it said. A rule that pdfua itself could not run is listed in its
/// output as skipped; that is not a finding about the file.
fn assert_clean(pdf: &Path) {
    let out = match Command::new("pdfua").args(["check", "--format", "json"]).arg(pdf).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("the `pdfua` command is not installed; install pdfua: pip install pdfua")
        }
        Err(e) => panic!("running pdfua: {e}; install pdfua: pip install pdfua"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("pdfua's output for {} is no JSON ({e}):\n{stdout}\n{stderr}", pdf.display())
    });
    let findings = report["findings"].as_array().map_or(usize::MAX, Vec::len);
    assert!(
        out.status.success() && findings == 0 && report["summary"]["findings"] == 0,
        "pdfua check {} reports something (exit {:?}):\n{stdout}\n{stderr}",
        pdf.display(),
        out.status.code()
    );
}

fn check_all(dir: &Path, at_least: usize) {
    let files = pdfs(dir);
    assert!(files.len() >= at_least, "{} PDFs in {}", files.len(), dir.display());
    for pdf in &files {
        assert_clean(pdf);
    }
}

#[test]
fn reports_pass_pdfua() {
    let dir = scratch("pdfua-reports");
    let sheet = examples().join("antwoorden.csv");
    run_ok(&["report", sheet.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    check_all(&dir, 4);
}

#[test]
fn reports_with_a_brand_pass_pdfua() {
    let dir = scratch("pdfua-reports-brand");
    let sheet = examples().join("antwoorden.csv");
    let brand = examples().join("brands/adviesbureau/brand.toml");
    run_ok(&[
        "report",
        sheet.to_str().unwrap(),
        "--brand",
        brand.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    check_all(&dir, 4);
}

#[test]
fn the_group_report_the_handreiking_and_the_handouts_pass_pdfua() {
    let dir = scratch("pdfua-documents");
    let sheet = examples().join("antwoorden.csv");
    let out = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    run_ok(&["group", sheet.to_str().unwrap(), "-o", &out("group.pdf")]);
    run_ok(&["blank", "-o", &out("blank.pdf")]);
    run_ok(&["blank", "--print", "-o", &out("blank-print.pdf")]);
    run_ok(&["form", "-o", &out("form.pdf")]);
    run_ok(&["cards", "-o", &out("cards.pdf")]);
    check_all(&dir, 5);
}

#[test]
fn follow_up_reports_and_group_report_pass_pdfua() {
    let dir = scratch("pdfua-earlier");
    let new = examples().join("vervolgmeting.csv");
    let old = examples().join("nulmeting.csv");
    let (new, old) = (new.to_str().unwrap(), old.to_str().unwrap());
    // The reports compared with the nulmeting, and the one of a respondent without an earlier match.
    run_ok(&["report", new, "--earlier", old, "-o", dir.to_str().unwrap()]);
    run_ok(&["group", new, "--earlier", old, "-o", dir.join("group.pdf").to_str().unwrap()]);
    check_all(&dir, 5);
}
