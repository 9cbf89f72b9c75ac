//! Survey-tool exports in their real layouts (examples/exports/) become correct
//! reports, with at most a short mapping file; and when the tool cannot decide,
//! `check` says what to write.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Pdf, assert_example_respondents, opening, run, run_ok, scratch, squash};
use handreiking::content::Letter;

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/exports").join(name).display().to_string()
}

/// Renders one export and checks the three synthetic respondents' advice:
/// Anouk answered R1V1 A and R1V3 B; Sanne left R1V3 open.
fn assert_export(tag: &str, file: &str, mapping: Option<&str>) {
    let dir = scratch(&format!("export-{tag}"));
    let mut args = vec![
        "report".to_string(),
        "-o".into(),
        dir.display().to_string(),
        "--name".into(),
        "{{ naam }}".into(),
    ];
    if let Some(m) = mapping {
        args.extend(["--mapping".into(), example(m)]);
    }
    args.push(example(file));
    let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{tag}: {}", String::from_utf8_lossy(&out.stderr));
    assert_example_respondents(tag, &dir);
}

#[test]
fn google_forms_question_texts_with_numbering_typos_and_line_breaks() {
    assert_export("google", "google-forms.csv", None);
}

#[test]
fn microsoft_forms_saved_by_dutch_excel() {
    assert_export("msforms", "microsoft-forms-nl.csv", None);
}

#[test]
fn qualtrics_three_header_rows_with_recode_mapping() {
    assert_export("qualtrics", "qualtrics.csv", Some("qualtrics.toml"));
}

#[test]
fn surveymonkey_two_header_rows() {
    assert_export("surveymonkey", "surveymonkey.csv", Some("surveymonkey.toml"));
    // Without a mapping: the name question is found, and SurveyMonkey's
    // month-first `05/04/2026` is 4 May.
    assert_export("surveymonkey-detected", "surveymonkey.csv", None);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-surveymonkey-detected");
    let cover = Pdf::load(&dir.join("Anouk de Vries.pdf")).text[0].clone();
    assert!(squash(&cover).contains("4mei2026"), "{cover}");
}

#[test]
fn limesurvey_codes_csv_and_json_share_one_mapping() {
    assert_export("lime-csv", "limesurvey-codes.csv", Some("limesurvey.toml"));
    assert_export("lime-json", "limesurvey.json", Some("limesurvey.toml"));
}

#[test]
fn limesurvey_full_text() {
    assert_export("lime-full", "limesurvey-fulltext.csv", None);
}

#[test]
fn kobotoolbox_group_paths() {
    assert_export("kobo", "kobotoolbox.csv", None);
}

#[test]
fn typeform_api_json_with_refs_mapped() {
    assert_export("typeform", "typeform.json", Some("typeform.toml"));
}

#[test]
fn check_shows_how_columns_and_values_were_read() {
    let out = run_ok(&["check", &example("google-forms.csv")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("→ question R1V2 (text 9"), "the typo'd header should match by text: {stdout}");
    assert!(stdout.contains("\"Tijdstempel\"") && stdout.contains("→ datum"));
    assert!(stdout.contains("\"A. Er zijn verbetermogelij…\"        → A"), "{stdout}");
}

#[test]
fn codes_without_a_mapping_get_a_hint_with_the_lines_to_write() {
    let out = run(&["check", &example("qualtrics.csv")]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("values that are not answers: \"1\" (16×), \"2\" (16×)"), "{stdout}");
    assert!(stdout.contains("[answers]") && stdout.contains("A = [\"1\"]"), "{stdout}");
    // `handreiking mapping` writes a starting file that, completed, works.
    let suggestion = run_ok(&["mapping", &example("qualtrics.csv")]);
    let text = String::from_utf8_lossy(&suggestion.stdout)
        .replace("A = []", "A = [\"1\"]")
        .replace("B = []", "B = [\"2\"]");
    assert!(text.contains("R1V1 = \"Q1\"") && text.contains("header_rows = 3"), "{text}");
    let dir = scratch("suggested-mapping");
    let path = dir.join("mapping.toml");
    std::fs::write(&path, text).unwrap();
    let out = run_ok(&["check", "--mapping", path.to_str().unwrap(), &example("qualtrics.csv")]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 respondent(s) ready, 0 row(s) with problems"));
}

/// Writes a small CSV for a failure case.
fn sheet(name: &str, header: &[&str], rows: &[&[&str]]) -> PathBuf {
    let dir = scratch(&format!("case-{name}"));
    let path = dir.join(format!("{name}.csv"));
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(*r).unwrap();
    }
    w.flush().unwrap();
    path
}

fn question(id: &str) -> String {
    handreiking::load_content(&Default::default()).unwrap().vraag(id).unwrap().tekst.clone()
}

#[test]
fn a_question_without_a_column_is_named() {
    let path = sheet("no-column", &["naam", "R1V1", "R1V2"], &[&["Jan", "A", "B"]]);
    let out = run_ok(&["check", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no column for: R1V3, R2V1"), "{stdout}");
}

#[test]
fn two_columns_with_one_question_text_are_refused() {
    let q = question("R2V1");
    let path = sheet("twice", &["naam", &q, &format!("{q} ")], &[&["Jan", "A", "B"]]);
    let out = run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("question R2V1 is only a guess") && stderr.contains("R2V1 = "), "{stderr}");
}

#[test]
fn a_weak_text_match_is_refused_with_the_line_to_write() {
    let header = "Hoe financieren jullie het project, en zijn alle partijen het daarover eens?";
    let path = sheet("weak", &["naam", "R1V1", header], &[&["Jan", "A", "B"]]);
    let out = run(&["check", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Either refused as a guess (with the mapping line), or not matched at all: never silently used.
    assert!(!stdout.contains("→ question R2V1"), "{stdout}");
    if out.status.code() == Some(4) {
        assert!(stderr.contains(&format!("R2V1 = {header:?}")), "{stderr}");
    }
}

#[test]
fn mapping_file_mistakes_name_file_and_line() {
    let dir = scratch("bad-mapping");
    let path = dir.join("m.toml");
    std::fs::write(&path, "[questions]\nR1V1 = \"Q1\"\nR9V9 = \"Q2\"\n").unwrap();
    let out = run(&["check", "--mapping", path.to_str().unwrap(), &example("qualtrics.csv")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("m.toml:3: unknown question id `R9V9`"), "{stderr}");

    std::fs::write(&path, "[source]\nheader_rows = 3\n\n[vragen]\nR1V1 = \"Q1\"\n").unwrap();
    let out = run(&["check", "--mapping", path.to_str().unwrap(), &example("qualtrics.csv")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("m.toml:4:") && stderr.contains("vragen"), "{stderr}");

    std::fs::write(&path, "[questions]\nR1V1 = \"Q99\"\n").unwrap();
    let out = run(&["check", "--mapping", path.to_str().unwrap(), &example("qualtrics.csv")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("m.toml:2: `R1V1` names the column `Q99`"), "{stderr}");
}

/// The content's questions in order, with their reflection's title.
fn questions_with_titles() -> Vec<(String, String, String)> {
    let h = handreiking::load_content(&Default::default()).unwrap();
    h.reflecties
        .iter()
        .flat_map(|r| {
            r.vragen
                .iter()
                .map(move |v| (v.id.clone(), format!("Reflectie {}: {}", r.nummer, r.titel), v.tekst.clone()))
        })
        .collect()
}

#[test]
fn grid_questions_in_csv_need_no_mapping_and_check_shows_the_part_that_matched() {
    // Google Forms: one multiple-choice grid per reflection, `Title [row]`.
    let qs = questions_with_titles();
    let mut header = vec!["Tijdstempel".to_string(), "Naam".into(), "Organisatie".into()];
    header.extend(qs.iter().map(|(_, title, text)| format!("{title} [{text}]")));
    let mut row = vec!["12-3-2026 10:05:00".to_string(), "Jan".into(), "Org".into()];
    row.extend(
        qs.iter()
            .enumerate()
            .map(|(i, _)| if i % 2 == 0 { "Verbetermogelijkheden" } else { "Goed op weg" }.to_string()),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let row: Vec<&str> = row.iter().map(String::as_str).collect();
    let path = sheet("google-grid", &header, &[&row]);
    let out = run_ok(&["check", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 respondent(s) ready, 0 row(s) with problems"), "{stdout}");
    assert!(!stdout.contains("no column for"), "{stdout}");
    // The bracketed row matched, and check says so.
    assert!(stdout.contains("→ question R1V1 (text 100% in \"Is er een kartrekker"), "{stdout}");
    assert!(stdout.contains("\"Verbetermogelijkheden\"") && stdout.contains("→ A (6×)"), "{stdout}");
}

#[test]
fn qualtrics_matrix_rows_are_found_after_the_grid_title() {
    // Qualtrics matrix table: export tags `Q1_1`…, then `Title - row`, then ImportIds.
    let qs = questions_with_titles();
    let dir = scratch("qualtrics-matrix");
    let path = dir.join("matrix.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    let mut tags = vec!["RecipientFirstName".to_string(), "RecipientLastName".into()];
    tags.extend((1..=qs.len()).map(|i| format!("Q1_{i}")));
    let mut texts = vec!["Recipient First Name".to_string(), "Recipient Last Name".into()];
    texts.extend(qs.iter().map(|(_, _, text)| format!("Hoe staat het project ervoor? - {text}")));
    let mut ids = vec![
        "{\"ImportId\":\"recipientFirstName\"}".to_string(),
        "{\"ImportId\":\"recipientLastName\"}".into(),
    ];
    ids.extend((1..=qs.len()).map(|i| format!("{{\"ImportId\":\"QID1_{i}\"}}")));
    let mut answers = vec!["Anouk".to_string(), "de Vries".into()];
    answers
        .extend(qs.iter().map(|(id, _, _)| {
            if id == "R2V1" { "Goed op weg" } else { "Verbetermogelijkheden" }.to_string()
        }));
    for record in [tags, texts, ids, answers] {
        w.write_record(&record).unwrap();
    }
    w.flush().unwrap();
    let out_dir = dir.join("out");
    run_ok(&["report", "-o", out_dir.to_str().unwrap(), "--name", "{{ naam }}", path.to_str().unwrap()]);
    let h = handreiking::load_content(&Default::default()).unwrap();
    let text = squash(&Pdf::load(&out_dir.join("Anouk de Vries.pdf")).all_text());
    assert!(text.contains(&opening(&h, "R2V1", Letter::B)), "R2V1 B missing");
    assert!(text.contains(&opening(&h, "R1V1", Letter::A)), "R1V1 A missing");
    assert!(!text.contains(&opening(&h, "R2V1", Letter::A)), "R2V1 A present");
}
