//! `handreiking template --format xlsx`: a workbook a consultant types paper
//! answer forms into, read back as Excel would show it; and typed-in forms
//! (simulated with the library) becoming the right reports.

use crate::common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{Pdf, opening, pdfs, run, run_ok, scratch, squash};
use handreiking::content::{Handreiking, Letter};
use handreiking::sheet_template::{self, Date, FilledRow};

fn content() -> Handreiking {
    handreiking::load_content(&Default::default()).unwrap()
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// One part of the xlsx (a zip of XML files), as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut xml).unwrap();
    xml
}

/// Excel's name for a 0-based column (0 → A).
fn column(n: usize) -> String {
    let (mut n, mut name) = (n + 1, String::new());
    while n > 0 {
        name.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    name
}

#[test]
fn workbook_has_the_csv_columns_with_questions_drop_downs_and_instructions() {
    let h = content();
    let dir = scratch("template-xlsx");
    let path = dir.join("antwoorden.xlsx");
    let out = run_ok(&["template", "--format", "xlsx", "-o", path.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("antwoorden.xlsx"));

    let mut book: Xlsx<_> = open_workbook(&path).expect("an xlsx calamine can open");
    assert_eq!(book.sheet_names(), ["Antwoorden", "Uitleg"]);

    // The header: the CSV template's columns, each question's id first and its text after it.
    let csv = String::from_utf8(run_ok(&["template", "--format", "csv"]).stdout).unwrap();
    let columns: Vec<&str> = csv.trim().split(',').collect();
    assert_eq!(&columns[..3], ["naam", "organisatie", "datum"]);
    assert_eq!(columns.len(), 3 + h.vragen().count());
    let sheet = book.worksheet_range("Antwoorden").unwrap();
    for (c, name) in columns.iter().enumerate() {
        let cell = text(sheet.get_value((0, c as u32)));
        assert_eq!(cell.lines().next(), Some(*name), "column {}", column(c));
        if let Some(v) = h.vraag(name) {
            assert!(cell.contains(&v.tekst), "the header of {name} lacks its question: {cell:?}");
        }
    }
    assert!(text(sheet.get_value((0, columns.len() as u32))).is_empty(), "a column too many");
    assert!(text(sheet.get_value((1, 0))).is_empty(), "an empty template has no respondents");

    // The instructions name every question, with its reflection, and the next step.
    let uitleg = book.worksheet_range("Uitleg").unwrap();
    let cells: Vec<String> = uitleg.used_cells().map(|(_, _, d)| text(Some(d))).collect();
    let all = cells.join("\n");
    for (r, v) in h.vragen() {
        assert!(cells.iter().any(|c| c == &v.id), "Uitleg does not list {}", v.id);
        assert!(all.contains(&v.tekst), "Uitleg lacks the text of {}", v.id);
        assert!(all.contains(&r.titel), "Uitleg lacks reflection {}", r.id);
    }
    for want in
        [&h.labels.a.label, &h.labels.b.label, "handreiking report antwoorden.xlsx -o rapporten", "leeg"]
    {
        assert!(all.contains(want), "Uitleg lacks {want:?}");
    }

    // What calamine cannot read: drop-downs, the date rule, notes and frozen panes.
    let xml = part(&path, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<dataValidation"), "no data validation");
    assert!(xml.contains("\"A,B\"") || xml.contains("&quot;A,B&quot;"), "no A,B list");
    for (i, _) in h.vragen().enumerate() {
        let col = column(3 + i);
        assert!(xml.contains(&format!("sqref=\"{col}2:{col}501\"")), "no drop-down in {col}2:{col}501");
    }
    assert!(xml.contains("type=\"date\"") && xml.contains("sqref=\"C2:C501\""), "no date rule on datum");
    assert!(xml.contains("of laat de cel leeg"), "the error alert does not say an empty cell is fine");
    assert!(xml.contains("state=\"frozen\"") && xml.contains("xSplit=\"1\"") && xml.contains("ySplit=\"1\""));
    let notes = part(&path, "xl/comments1.xml");
    for (_, v) in h.vragen() {
        assert!(notes.contains(&v.id), "no note on the header of {}", v.id);
    }
}

#[test]
fn workbook_format_follows_the_file_name() {
    let dir = scratch("template-infer");
    let xlsx = dir.join("leeg.xlsx");
    run_ok(&["template", "-o", xlsx.to_str().unwrap()]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "-o leeg.xlsx should write a workbook");
    let csv = dir.join("leeg.csv");
    run_ok(&["template", "-o", csv.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("naam,organisatie,datum,R1V1"));
}

#[test]
fn workbook_without_a_file_is_a_usage_error() {
    let out = run(&["template", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no binary on standard output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("-o antwoorden.xlsx"), "{stderr}");
}

/// Three typed-in forms: answers A, B and open, dates with day ≤ 12 (so a
/// swapped day and month shows) and none.
fn forms(h: &Handreiking) -> Vec<FilledRow> {
    let ids: Vec<String> = h.vragen().map(|(_, v)| v.id.clone()).collect();
    let answers = |pick: &dyn Fn(usize) -> Option<Letter>| -> BTreeMap<String, Option<Letter>> {
        ids.iter().enumerate().map(|(i, id)| (id.clone(), pick(i))).collect()
    };
    vec![
        FilledRow {
            naam: "Anouk de Vries".into(),
            organisatie: "Zorggroep Almere".into(),
            datum: Some(Date { year: 2026, month: 3, day: 12 }),
            antwoorden: answers(&|i| Some(if i % 2 == 0 { Letter::A } else { Letter::B })),
        },
        FilledRow {
            naam: "Sanne Jansen".into(),
            organisatie: "Huisartsenpraktijk De Linde".into(),
            datum: Some(Date { year: 2026, month: 5, day: 4 }),
            // Every third question open; the last one left out altogether.
            antwoorden: answers(&|i| [Some(Letter::B), Some(Letter::A), None][i % 3])
                .into_iter()
                .take(ids.len() - 1)
                .collect(),
        },
        FilledRow {
            naam: "Mehmet Yılmaz".into(),
            organisatie: "Welzijn Lelystad".into(),
            datum: None,
            antwoorden: answers(&|i| Some(if i < 6 { Letter::A } else { Letter::B })),
        },
    ]
}

fn save_forms(h: &Handreiking, dir: &Path) -> std::path::PathBuf {
    let path = dir.join("ingevuld.xlsx");
    std::fs::write(&path, sheet_template::workbook(h, &forms(h)).unwrap()).unwrap();
    path
}

#[test]
fn prefilled_rows_are_cells_as_typed() {
    let h = content();
    let dir = scratch("template-prefilled");
    let path = save_forms(&h, &dir);
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Antwoorden").unwrap();
    assert_eq!(text(sheet.get_value((1, 0))), "Anouk de Vries");
    assert_eq!(text(sheet.get_value((3, 1))), "Welzijn Lelystad");
    // Dates are dates (shown d-m-yyyy), not text.
    match sheet.get_value((2, 2)) {
        Some(Data::DateTime(d)) => {
            let want = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 5, 4).unwrap().to_excel();
            assert_eq!(d.as_f64(), want);
        }
        other => panic!("the date is {other:?}"),
    }
    assert!(text(sheet.get_value((3, 2))).is_empty());
    assert_eq!(text(sheet.get_value((1, 3))), "A");
    assert_eq!(text(sheet.get_value((1, 4))), "B");
    assert!(text(sheet.get_value((2, 5))).is_empty(), "an open answer is an empty cell");
}

/// Depends on `report` reading .xlsx (calamine, in src/answers/).
#[test]
fn typed_in_forms_become_reports_with_the_chosen_advice() {
    let h = content();
    let dir = scratch("template-round-trip");
    let input = save_forms(&h, &dir);
    let out_dir = dir.join("rapporten");
    let out =
        run(&["report", input.to_str().unwrap(), "-o", out_dir.to_str().unwrap(), "--name", "{{ naam }}"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(pdfs(&out_dir).len(), 3);

    // (form, report's creation date: the respondent's date, else SOURCE_DATE_EPOCH)
    for (form, date) in forms(&h).iter().zip(["D:20260312", "D:20260504", "D:20260101"]) {
        let pdf = Pdf::load(&out_dir.join(format!("{}.pdf", form.naam)));
        let name = &form.naam;
        let text = squash(&pdf.all_text());
        assert!(text.contains(&squash(name)) && text.contains(&squash(&form.organisatie)), "{name}");
        let created = pdf.info("CreationDate").unwrap_or_default();
        assert!(created.starts_with(date), "{name}: dated {created}, not {date}");
        let answer = |id: &str| form.antwoorden.get(id).copied().flatten();
        // Some answers open alike (R4V1 A and R4V2 A): absent means not the opening of any answer given.
        let given: Vec<String> =
            h.vragen().filter_map(|(_, v)| answer(&v.id).map(|l| opening(&h, &v.id, l))).collect();
        let absent = |opening: &String| given.contains(opening) || !text.contains(opening);
        let mut open = 0;
        for (_, v) in h.vragen() {
            let (a, b) = (opening(&h, &v.id, Letter::A), opening(&h, &v.id, Letter::B));
            match answer(&v.id) {
                Some(Letter::A) => assert!(text.contains(&a) && absent(&b), "{name}: {} is not A", v.id),
                Some(Letter::B) => assert!(text.contains(&b) && absent(&a), "{name}: {} is not B", v.id),
                None => {
                    open += 1;
                    assert!(absent(&a) && absent(&b), "{name}: open {} has advice", v.id);
                }
            }
        }
        assert_eq!(
            open > 0,
            text.contains(&squash("Niet beantwoord. Bij deze vraag")),
            "{name}: {open} open question(s)"
        );
    }
}
