//! Workbooks (.xlsx, .xls, .ods) as survey tools and people really write them become
//! correct reports without a mapping file; the sheet to read is found (or named with
//! `--sheet`); files that are not answer workbooks are refused with exit code 4 and a
//! message that says what they are. The files come from
//! `examples/exports/make-workbooks.sh` (examples/exports/ and tests/fixtures/sheets/).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use common::{Pdf, assert_example_respondents, bin, pdfs, run, run_ok, scratch, squash};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/exports").join(name)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets").join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Renders one file (with `extra` arguments such as `--sheet`) into a fresh folder and
/// checks the three synthetic respondents' reports, as `assert_export` in exports.rs:
/// three PDFs named by the name column; Anouk answered R1V1 A and R1V3 B; Sanne left
/// R1V3 open and answered R1V2 A. Returns the folder.
fn assert_reports(tag: &str, file: &Path, extra: &[&str]) -> PathBuf {
    let dir = scratch(&format!("workbook-{tag}"));
    let mut args = vec!["report", "-o", s(&dir), "--name", "{{ naam }}"];
    args.extend(extra);
    args.push(s(file));
    let out = run(&args);
    assert!(out.status.success(), "{tag}: {:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    assert_example_respondents(tag, &dir);
    dir
}

/// Standard output and standard error together.
fn both(out: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `text` names `name` as a word of its own (not inside a longer word).
fn names(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

// ---------------------------------------------------------------------------------
// Every example workbook gives the right reports with no mapping file.

#[test]
fn microsoft_forms_english_likert_columns_quiz_columns_and_a_name_question() {
    // Name is empty (anonymous form), so the names come from "Wat is uw naam?", not from
    // "Points - Wat is uw naam?" or "Feedback - Wat is uw naam?".
    let dir = assert_reports("msforms-en", &example("microsoft-forms-en.xlsx"), &[]);
    assert!(dir.join("Mehmet Yılmaz.pdf").exists(), "{:?}", pdfs(&dir));
}

#[test]
fn microsoft_forms_dutch_signed_in_with_long_labels() {
    assert_reports("msforms-nl", &example("microsoft-forms-nl.xlsx"), &[]);
}

#[test]
fn google_sheets_download_with_one_grid_per_reflection() {
    assert_reports("google-grid", &example("google-sheets-grid.xlsx"), &[]);
}

#[test]
fn surveymonkey_matrices_under_merged_titles_and_two_header_rows() {
    assert_reports("surveymonkey-xlsx", &example("surveymonkey.xlsx"), &[]);
}

#[test]
fn limesurvey_excel_export_with_full_texts() {
    assert_reports("lime-xlsx", &example("limesurvey.xlsx"), &[]);
}

#[test]
fn kobotoolbox_legacy_xls() {
    assert_reports("kobo-xls", &example("kobotoolbox.xls"), &[]);
}

#[test]
fn answer_sheet_typed_in_libreoffice_ods() {
    assert_reports("ods", &example("handmatig.ods"), &[]);
}

/// Every example workbook with the sheet its answers are on.
const WORKBOOKS: [(&str, &str); 7] = [
    ("microsoft-forms-en.xlsx", "Sheet1"),
    ("microsoft-forms-nl.xlsx", "Sheet1"),
    ("google-sheets-grid.xlsx", "Formulierreacties 1"),
    ("surveymonkey.xlsx", "Sheet"),
    ("limesurvey.xlsx", "Digitaal samenwerken in welzijn"),
    ("kobotoolbox.xls", "Reflecties digitaal samenwerken"),
    ("handmatig.ods", "Blad1"),
];

#[test]
fn check_reads_every_example_workbook_and_names_its_sheet() {
    let mut failures = vec![];
    for (file, sheet) in WORKBOOKS {
        let out = run(&["check", s(&example(file))]);
        let text = both(&out);
        if out.status.code() != Some(0) {
            failures.push(format!("{file}: exit {:?}\n{text}", out.status.code()));
            continue;
        }
        if !names(&text, sheet) {
            failures.push(format!("{file}: the sheet {sheet:?} is not named\n{text}"));
        }
        if !text.contains("3 respondent(s) ready, 0 row(s) with problems") || text.contains("no column for") {
            failures.push(format!("{file}: not every question or respondent was read\n{text}"));
        }
        // The name and organisation columns (or questions such as "Wat is uw organisatie?").
        for field in ["naam", "organisatie"] {
            if !text.lines().any(|l| l.trim_end().ends_with(&format!("→ {field}"))) {
                failures.push(format!("{file}: no column read as {field}\n{text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------
// Which sheet.

#[test]
fn sheet_option_picks_the_named_sheet() {
    // Nulmeting has two other people; Vervolgmeting the three respondents.
    let dir =
        assert_reports("sheet-option", &fixture("two-answer-sheets.xlsx"), &["--sheet", "Vervolgmeting"]);
    assert!(!dir.join("Joris Bakker.pdf").exists());
    let out = run_ok(&["check", "--sheet", "Vervolgmeting", s(&fixture("two-answer-sheets.xlsx"))]);
    assert!(names(&both(&out), "Vervolgmeting"), "{}", both(&out));
}

#[test]
fn an_unknown_sheet_is_refused_with_the_sheet_names() {
    let out = run(&["check", "--sheet", "Nope", s(&fixture("two-answer-sheets.xlsx"))]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{}", both(&out));
    assert!(stderr.contains("Nope"), "{stderr}");
    assert!(names(&stderr, "Nulmeting") && names(&stderr, "Vervolgmeting"), "{stderr}");
}

#[test]
fn an_instructions_sheet_before_the_answers_is_passed_over() {
    let file = fixture("instructions-first.xlsx");
    assert_reports("instructions-first", &file, &[]);
    let out = run_ok(&["check", s(&file)]);
    assert!(names(&both(&out), "Antwoorden"), "{}", both(&out));
}

#[test]
fn a_hidden_first_sheet_is_passed_over() {
    // The hidden sheet "Oud" holds last year's answers of two other people.
    let file = fixture("hidden-first-sheet.xlsx");
    let dir = assert_reports("hidden-first", &file, &[]);
    assert!(!dir.join("Joris Bakker.pdf").exists() && !dir.join("Fatima El Amrani.pdf").exists());
    let out = run_ok(&["check", s(&file)]);
    assert!(names(&both(&out), "Antwoorden"), "{}", both(&out));
}

// ---------------------------------------------------------------------------------
// The content decides what a file is, not its extension.

#[test]
fn a_workbook_named_csv_is_read_as_a_workbook() {
    assert_reports("workbook-named-csv", &fixture("workbook-named.csv"), &[]);
}

#[test]
fn a_csv_named_xlsx_is_read_as_csv() {
    assert_reports("csv-named-xlsx", &fixture("csv-named.xlsx"), &[]);
}

// ---------------------------------------------------------------------------------
// Files that are not answer workbooks: exit code 4 and a message that says what the
// file is. Only key words are asserted, not the wording.

/// Runs `check` on a fixture and returns its standard error in lower case with the
/// file's name and path taken out (they hold the key words), after asserting exit code
/// 4, the file's name in the message, a finish within two minutes (a file must not make
/// the tool hang or eat memory), and that the file was not read as a table whose
/// headers are then not understood (the CSV reader's diagnosis).
fn refused(name: &str) -> String {
    let path = fixture(name);
    let mut child = bin()
        .args(["check", s(&path)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{name}: check still running after two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(4), "{name}: {}", both(&out));
    assert!(stderr.contains(name), "{name}: the message should name the file: {stderr}");
    let e = stderr.replace(s(&path), "").replace(name, "").to_lowercase();
    assert!(!e.contains("no column is headed"), "{name}: read as a table instead of recognised: {stderr}");
    e
}

/// The fixtures are what their names say (these hold without any workbook reading).
#[test]
fn the_failure_fixtures_are_what_they_claim() {
    let bytes = |name: &str| std::fs::read(fixture(name)).unwrap();
    // An encrypted OOXML file is an OLE compound file with an EncryptedPackage stream.
    assert!(bytes("encrypted.xlsx").starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]));
    let stream: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(bytes("encrypted.xlsx").windows(stream.len()).any(|w| w == stream));
    assert!(bytes("workbook-named.csv").starts_with(b"PK\x03\x04"));
    assert!(bytes("csv-named.xlsx").starts_with(b"Tijdstempel,"));
    assert!(bytes("not-a-workbook.xlsx").starts_with(b"PK\x03\x04"));
    assert!(bytes("spss.sav").starts_with(b"$FL2@(#) SPSS DATA FILE"));
    assert!(bytes("empty.xlsx").is_empty());
    assert_eq!(Pdf::load(&fixture("document.pdf")).pages.len(), 1);
    for name in
        ["absurd-size.xlsx", "hidden-first-sheet.xlsx", "instructions-first.xlsx", "two-answer-sheets.xlsx"]
    {
        assert!(bytes(name).starts_with(b"PK\x03\x04"), "{name}");
    }
}

#[test]
fn an_encrypted_workbook_is_refused_as_such() {
    let e = refused("encrypted.xlsx");
    assert!(e.contains("password") || e.contains("encrypted"), "{e}");
}

#[test]
fn an_spss_file_is_refused_as_such() {
    let e = refused("spss.sav");
    assert!(e.contains("spss"), "{e}");
}

#[test]
fn a_pdf_is_refused_as_such() {
    let e = refused("document.pdf");
    assert!(e.contains("pdf"), "{e}");
}

#[test]
fn a_zip_that_is_no_workbook_is_refused_as_such() {
    let e = refused("not-a-workbook.xlsx");
    assert!(e.contains("zip") || e.contains("not a workbook"), "{e}");
}

#[test]
fn an_empty_file_is_refused_as_such() {
    let e = refused("empty.xlsx");
    assert!(e.contains("empty"), "{e}");
}

#[test]
fn a_sheet_declaring_a_million_columns_is_refused() {
    // <dimension ref="A1:BDWGN4"/> and a cell in column BDWGN (1,000,000; Excel stops at XFD).
    let e = refused("absurd-size.xlsx");
    assert!(e.contains("columns"), "{e}");
}

// ---------------------------------------------------------------------------------
// Dates. Needs the Dutch date on the cover too (another branch).

#[test]
fn a_date_cell_becomes_a_dutch_date_on_the_cover() {
    // Anouk answered on 4 May 2026: a date-time cell (Google Sheets' Tijdstempel) and a
    // date cell (typed in LibreOffice). Excel's serial number for that day is 46146.
    for (tag, file) in [("date-xlsx", "google-sheets-grid.xlsx"), ("date-ods", "handmatig.ods")] {
        let dir = scratch(&format!("workbook-{tag}"));
        run_ok(&["report", "-o", s(&dir), "--name", "{{ naam }}", s(&example(file))]);
        let anouk = Pdf::load(&dir.join("Anouk de Vries.pdf"));
        let cover = squash(&anouk.text[0]);
        assert!(cover.contains("4mei2026"), "{file}: no \"4 mei 2026\" on the cover: {}", anouk.text[0]);
        assert!(!cover.contains("46146"), "{file}: the serial number shows: {}", anouk.text[0]);
    }
}
