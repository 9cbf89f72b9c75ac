//! Answer sheets in, advice reports out: the real binary on fixtures in every
//! shape real files come in, with the reports read back.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Pdf, opening, pdfs, run, run_ok, scratch, squash};
use handreiking::content::{Handreiking, Letter};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets").join(name).display().to_string()
}

fn content() -> Handreiking {
    handreiking::load_content(&Default::default()).unwrap()
}

fn report(dir: &str, args: &[&str]) -> (PathBuf, std::process::Output) {
    let out_dir = scratch(dir);
    let mut all = vec!["report", "-o", out_dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let output = run(&all);
    (out_dir, output)
}

#[test]
fn chosen_advice_is_in_and_the_other_answer_is_not() {
    let h = content();
    let (dir, out) = report("rep-example", &["examples/antwoorden.csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join("Zorggroep Almere - Anouk de Vries.pdf");
    let pdf = Pdf::load(&path);
    let text = squash(&pdf.all_text());
    // Anouk answered R1V1 A, R1V3 B.
    assert!(text.contains(&opening(&h, "R1V1", Letter::A)));
    assert!(!text.contains(&opening(&h, "R1V1", Letter::B)));
    assert!(text.contains(&opening(&h, "R1V3", Letter::B)));
    assert!(!text.contains(&opening(&h, "R1V3", Letter::A)));
    assert!(text.contains(&squash("Anouk de Vries")) && text.contains(&squash("Wijkplatform Almere Haven")));
    assert_eq!(pdfs(&dir).len(), 4);
}

#[test]
fn unanswered_questions_are_listed_without_advice() {
    let h = content();
    let (dir, out) = report("rep-open", &["examples/antwoorden.csv"]);
    assert!(out.status.success());
    // Sanne left R1V3 open.
    let pdf = Pdf::load(&dir.join("Huisartsenpraktijk De Linde - Sanne Jansen-Bakker.pdf"));
    let text = squash(&pdf.all_text());
    assert!(text.contains(&squash("Niet beantwoord. Bij deze vraag is geen antwoord gegeven")));
    assert!(text.contains(&squash(&h.vraag("R1V3").unwrap().tekst)));
    assert!(!text.contains(&opening(&h, "R1V3", Letter::A)));
    assert!(!text.contains(&opening(&h, "R1V3", Letter::B)));
}

#[test]
fn overview_links_land_on_the_advice_and_werkvormen_link_both_ways() {
    let (dir, _) = report("rep-links", &["examples/antwoorden.csv"]);
    let pdf = Pdf::load(&dir.join("Zorggroep Almere - Anouk de Vries.pdf"));
    let dests = pdf.named_dests();
    let overview = dests["overzicht"];
    let links = pdf.links(overview);
    for id in ["r1v1-a", "r1v2-a", "r1v3-b", "r5v2-b"] {
        assert!(links.iter().any(|l| l.target == Some(dests[id])), "overview does not link to {id}");
    }
    // Anouk's R1V2 A shows werkvorm 1; the appendix has it and links back.
    let w1 = dests["w1"];
    let advice = dests["r1v2-a"];
    assert!((advice..advice + 2).any(|p| pdf.links(p).iter().any(|l| l.target == Some(w1))));
    assert!(
        pdf.links(w1).iter().any(|l| l.target == Some(advice)),
        "werkvorm 1 does not link back to R1V2-A"
    );
    // An answer not given has no destination.
    assert!(!dests.contains_key("r1v1-b"));
}

#[test]
fn report_metadata_bookmarks_and_standards() {
    let (dir, _) = report("rep-meta", &["examples/antwoorden.csv"]);
    let pdf = Pdf::load(&dir.join("Welzijn Lelystad - Mehmet Yılmaz.pdf"));
    assert_eq!(pdf.info("Title").as_deref(), Some("Adviesrapport Mehmet Yılmaz – Welzijn Lelystad"));
    // The sender (the embedded brand's organisation) is the author, not the respondent.
    assert_eq!(pdf.info("Author").as_deref(), Some("Logt u even in"));
    assert!(pdf.catalog_entry("StructTreeRoot").is_some());
    assert!(pdf.xmp().contains("pdfuaid"));
    let outline: Vec<String> = pdf.outline().into_iter().map(|(_, t, _)| t).collect();
    for want in [
        "Overzicht van de antwoorden",
        "Start samenwerking",
        "Reflectie en monitoring",
        "Antwoord A",
        "Bijlage: werkvormen",
    ] {
        assert!(outline.iter().any(|t| t.contains(want)), "no bookmark {want:?} in {outline:?}");
    }
}

#[test]
fn dutch_excel_csv_is_read_with_its_accents_and_answer_forms() {
    let h = content();
    let (dir, out) = report("rep-excel", &[&fixture("excel-nl.csv")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Windows-1252"), "no encoding warning: {stderr}");
    let pdf = Pdf::load(&dir.join("Stichting Welzijn Noord - José Müller.pdf"));
    let text = squash(&pdf.all_text());
    assert!(text.contains(&squash("José Müller")));
    // "a. Er zijn verbetermogelijkheden" → A; "(B) goed op weg" → B; "A - ja" → A; "b" → B.
    assert!(text.contains(&opening(&h, "R1V2", Letter::A)));
    assert!(text.contains(&opening(&h, "R2V1", Letter::B)));
    assert!(text.contains(&opening(&h, "R2V2", Letter::A)));
    assert!(text.contains(&opening(&h, "R3V1", Letter::B)));
    assert!(dir.join("Zorggroep Zuid - Françoise Dijkstra.pdf").exists());
}

#[test]
fn bom_english_headers_and_id_variants() {
    let h = content();
    let out = run_ok(&["check", &fixture("bom-english.csv")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in
        ["→ naam", "→ organisatie", "→ datum", "\"R1-V2\"", "→ question R1V2", "\"1.3\"", "→ question R1V3"]
    {
        assert!(stdout.contains(line), "check output lacks {line:?}:\n{stdout}");
    }
    assert!(!stdout.contains("no column for"), "{stdout}");
    let (dir, _) = report("rep-bom", &[&fixture("bom-english.csv")]);
    let pdf = Pdf::load(&dir.join("Gemeente Ærø - Łucja Nowak.pdf"));
    assert!(squash(&pdf.all_text()).contains(&opening(&h, "R1V3", Letter::A)));
}

#[test]
fn tabs_and_multi_line_cells() {
    let out = run_ok(&["check", &fixture("tabs-multiline.tsv")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 respondent(s) ready"), "{stdout}");
    assert!(stdout.contains("\"opmerking\"") && stdout.contains("shown in the report as “opmerking”"));
    let (dir, _) = report("rep-tabs", &[&fixture("tabs-multiline.tsv")]);
    let pdf = Pdf::load(&dir.join("OZO verbindzorg - Piet Post.pdf"));
    assert!(squash(&pdf.text[0]).contains(&squash("Eerste regel Tweede regel")));
}

#[test]
fn a_bad_row_is_reported_and_the_others_are_written() {
    let (dir, out) = report("rep-bad", &[&fixture("bad-value.csv")]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 3, column R2V1 (G): `C` is not an answer; expected A or B"), "{stderr}");
    assert!(stderr.contains("2 report(s) written") && stderr.contains("1 failed"), "{stderr}");
    assert_eq!(pdfs(&dir).len(), 2);

    let out = run(&["check", &fixture("bad-value.csv")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("row 3, column R2V1 (G): `C`"));
}

#[test]
fn strict_renders_nothing_when_a_row_is_bad() {
    let (dir, out) = report("rep-strict", &["--strict", &fixture("bad-value.csv")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(pdfs(&dir).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--strict"));
}

#[test]
fn unreadable_sheets_exit_with_four() {
    for name in ["header-only.csv", "duplicate-question.csv"] {
        let (dir, out) = report(&format!("rep-{name}"), &[&fixture(name)]);
        assert_eq!(out.status.code(), Some(4), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(pdfs(&dir).is_empty());
    }
    let out = run(&["check", &fixture("duplicate-question.csv")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("duplicate-question.csv:1: columns B (`R1V1`) and C (`r1v1`) both claim question R1V1"),
        "{stderr}"
    );
    let missing = run(&["report", "-o", scratch("rep-missing").to_str().unwrap(), "geen-bestand.csv"]);
    assert_eq!(missing.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("geen-bestand.csv"));
}

#[test]
fn json_sheets_and_hostile_text_shown_literally() {
    let (dir, out) = report("rep-json", &[&fixture("respondents.json"), &fixture("single.json")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files = pdfs(&dir);
    assert_eq!(files.len(), 3, "{files:?}");
    let hostile = files.iter().find(|p| p.to_string_lossy().contains("#let")).expect("hostile report");
    assert_eq!(hostile.parent(), Some(dir.as_path()), "the name left the output folder");
    let pdf = Pdf::load(hostile);
    let cover = pdf.text[0].clone();
    assert!(cover.contains("#read(\"/etc/passwd\") *vet* $x$ <b>"), "{cover}");
    assert!(cover.contains("]) #let x = 1 @ref \\"), "{cover}");
}

#[test]
fn file_name_pattern_collisions_and_force() {
    let (dir, out) =
        report("rep-names", &["--name", "{{ datum }}/{{ organisatie }}", &fixture("bad-value.csv")]);
    assert_eq!(out.status.code(), Some(3));
    let names: Vec<String> =
        pdfs(&dir).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["2026-01-01_Org (2).pdf", "2026-01-01_Org.pdf"]);
    // A second run does not overwrite without --force.
    let again = run(&[
        "report",
        "-o",
        dir.to_str().unwrap(),
        "--name",
        "{{ datum }}/{{ organisatie }}",
        &fixture("bad-value.csv"),
    ]);
    assert_eq!(again.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already; use --force"));
    let forced = run(&[
        "report",
        "--force",
        "-o",
        dir.to_str().unwrap(),
        "--name",
        "{{ datum }}/{{ organisatie }}",
        &fixture("bad-value.csv"),
    ]);
    assert!(String::from_utf8_lossy(&forced.stderr).contains("2 report(s) written"));
    // No temporary files are left behind.
    assert!(
        std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".part"))
    );
}

#[test]
fn templates_round_trip_through_check() {
    let dir = scratch("templates");
    for format in ["csv", "json"] {
        let path = dir.join(format!("leeg.{format}"));
        run_ok(&["template", "--format", format, "-o", path.to_str().unwrap()]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("R1V1") && text.contains("R5V2") && text.contains("naam"));
        // Every column is recognised; an empty sheet has no answer rows yet.
        let out = run(&["check", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(4), "an empty template has no answers");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("→ question R5V2") && stdout.contains("→ naam"), "{stdout}");
        assert!(!stdout.contains("no column for"), "{stdout}");
    }
}

#[test]
fn parallel_and_single_threaded_give_the_same_reports() {
    let (one, _) = report("rep-j1", &["--jobs", "1", "examples/antwoorden.csv"]);
    let (many, _) = report("rep-j4", &["--jobs", "4", "examples/antwoorden.csv"]);
    let a: Vec<_> = pdfs(&one).iter().map(|p| std::fs::read(p).unwrap()).collect();
    let b: Vec<_> = pdfs(&many).iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(a.len(), 4);
    assert!(a == b, "reports differ between --jobs 1 and --jobs 4");
}

#[test]
fn dates_are_shown_as_a_dutch_reader_writes_them() {
    let dir = scratch("rep-dates-sheet");
    let mut csv =
        String::from("naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1,R2V2,R3V1,R3V2,R4V1,R4V2,R4V3,R5V1,R5V2\n");
    for (naam, datum) in [
        ("Iso", "2026-03-12"),
        ("Forms", "11/7/26 10:05:00"),
        ("Excel", "7-11-2026"),
        ("Tekst", "volgende week"),
    ] {
        csv.push_str(&format!("{naam},Org,{datum},A,A,A,A,A,A,A,A,A,A,A,A\n"));
    }
    let input = dir.join("antwoorden.csv");
    std::fs::write(&input, csv).unwrap();
    let input = input.to_str().unwrap();

    // In a render process (the default) and in this process: the note travels with the result.
    for (tag, extra) in [("rep-dates", vec![]), ("rep-dates-here", vec!["--reports-per-process", "0"])] {
        let mut args = extra;
        args.push(input);
        let (out_dir, out) = report(tag, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let cover =
            |naam: &str| Pdf::load(&out_dir.join(format!("Org - {naam}.pdf"))).text[0].replace('\n', " ");
        for (naam, shown) in [
            ("Iso", "12 maart 2026"),
            ("Forms", "7 november 2026"),
            ("Excel", "7 november 2026"),
            ("Tekst", "volgende week"),
        ] {
            let cover = cover(naam);
            assert!(squash(&cover).contains(&squash(&format!("Datum: {shown}"))), "{naam}: {cover}");
        }
        assert!(!squash(&cover("Forms")).contains("1005"), "the time is not shown");
        assert!(
            stderr.contains(
                "antwoorden.csv: row 5: the date \"volgende week\" could not be read; it is shown as written"
            ),
            "{stderr}"
        );
        assert_eq!(stderr.matches("could not be read").count(), 1, "{stderr}");
    }

    let out = run_ok(&["check", input]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 date(s) could not be read") && stdout.contains("row 5: \"volgende week\""),
        "{stdout}"
    );
}
