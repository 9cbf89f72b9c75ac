//! Hostile values and hostile files: every report renders and shows values
//! literally; every bad file gets an error, never a panic, a hang or a broken PDF;
//! the same input gives the same bytes.

use crate::common;

/// Files built to overload a reader (shared with the upload and workbook tests).
pub mod bombs;

use std::path::Path;
use std::process::Command;

use common::{Pdf, run, scratch};

/// Exit code 101 is a Rust panic; a signal (None) is a crash.
fn assert_no_crash(out: &std::process::Output, what: &str) {
    assert!(
        matches!(out.status.code(), Some(0..=4)),
        "{what}: exit {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn report(dir: &Path, input: &Path) -> std::process::Output {
    run(&["report", "-o", dir.join("out").to_str().unwrap(), input.to_str().unwrap()])
}

#[test]
fn hostile_values_are_shown_literally() {
    let dir = scratch("hostile-values");
    let long = "Lange naam ".repeat(455); // ~5,000 characters
    let values = [
        "#read(\"/etc/passwd\")",
        "#let x = 1",
        "] ) } #set page(fill: red)",
        "$x^2$ <label> @ref *vet* _schuin_ \\",
        "<script>alert(1)</script> &amp;",
        "Tab\tbel\u{7}en\u{1b}escape",
        "שלום עולם مرحبا",
        "Zorg 😀 Groep",
        long.trim(),
        "",
    ];
    let mut csv = String::from("naam,organisatie,project,R1V1\n");
    for (i, v) in values.iter().enumerate() {
        let quoted = format!("\"{}\"", v.replace('"', "\"\""));
        csv.push_str(&format!("{quoted},Org {i},{quoted},A\n"));
    }
    let input = dir.join("hostile.csv");
    std::fs::write(&input, csv).unwrap();
    let out = report(&dir, &input);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pdfs: Vec<_> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), values.len());
    for (i, v) in values.iter().enumerate().take(5) {
        let pdf = pdfs.iter().find(|p| p.to_string_lossy().contains(&format!("Org {i} -"))).expect("report");
        let cover = Pdf::load(pdf).text[0].replace('\n', " ");
        // The value appears as typed on the cover (name and the extra field).
        let visible: String = v.chars().filter(|c| !c.is_control()).collect();
        assert!(cover.contains(visible.trim()), "value {v:?} not literal on the cover:\n{cover}");
    }
}

#[test]
fn hostile_files_get_errors_not_crashes() {
    let dir = scratch("hostile-files");
    let mut garbage = vec![0u8; 4096];
    let mut x: u32 = 12345;
    for b in &mut garbage {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let wide = {
        let header: Vec<String> = (0..10_000).map(|i| format!("kolom {i}")).collect();
        format!("naam,R1V1,{}\nJan,A,{}\n", header.join(","), vec!["x"; 10_000].join(","))
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.csv", vec![]),
        ("header-only.csv", b"naam,R1V1\n".to_vec()),
        ("garbage.csv", garbage.clone()),
        ("garbage.json", garbage),
        ("half-utf8.csv", [b"naam,R1V1\nJos\xc3\xa9,A\n".as_slice(), b"Fran\xe7ois,B\n"].concat()),
        ("deep.json", deep.into_bytes()),
        ("duplicate-headers.csv", b"naam,naam,R1V1,R1V1\nJan,Piet,A,B\n".to_vec()),
        ("wide.csv", wide.into_bytes()),
        ("unclosed-quote.csv", b"naam,R1V1\n\"Jan,A\n".to_vec()),
        ("nul.csv", b"naam,R1V1\nJa\0n,A\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let input = dir.join(name);
        std::fs::write(&input, bytes).unwrap();
        let out = report(&dir, &input);
        assert_no_crash(&out, name);
        let check = run(&["check", input.to_str().unwrap()]);
        assert_no_crash(&check, name);
    }
    // No half-written files anywhere.
    if let Ok(entries) = std::fs::read_dir(dir.join("out")) {
        for e in entries {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.ends_with(".part"), "left behind: {name}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes_without_the_clock() {
    let run_once = |name: &str| {
        let dir = scratch(name);
        let out = Command::new(env!("CARGO_BIN_EXE_handreiking"))
            .env_remove("SOURCE_DATE_EPOCH")
            .args(["report", "-o", dir.to_str().unwrap(), "examples/antwoorden.csv"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        files
            .iter()
            .map(|p| (p.file_name().unwrap().to_owned(), std::fs::read(p).unwrap()))
            .collect::<Vec<_>>()
    };
    let a = run_once("repro-a");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = run_once("repro-b");
    assert_eq!(a.len(), 5, "4 reports and a manifest");
    assert!(a == b, "two runs of the same input differ");
    // The PDF's date is the respondent's date (2026-03-12), not today's.
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("repro-a/Zorggroep Almere - Anouk de Vries.pdf");
    let created = Pdf::load(&path).info("CreationDate").unwrap_or_default();
    assert!(created.starts_with("D:20260312"), "{created}");
}

#[test]
fn names_from_data_never_leave_the_output_folder() {
    let dir = scratch("escape");
    let input = dir.join("s.csv");
    std::fs::write(
        &input,
        "naam,organisatie,R1V1\n../../evil,..,A\n/etc/passwd,,A\nCON,,A\n\"a\u{0}b\",,A\nnaam. . ,,A\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = run(&[
        "report",
        "-o",
        out_dir.to_str().unwrap(),
        "--name",
        "{{ organisatie }}/{{ naam }}",
        input.to_str().unwrap(),
    ]);
    assert_no_crash(&out, "escape");
    let inside: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inside.iter().filter(|n| n.ends_with(".pdf")).count(), 5, "{inside:?}");
    assert!(!dir.join("evil.pdf").exists() && !Path::new("/etc/passwd.pdf").exists());
    assert!(inside.iter().all(|n| !n.contains('/') && !n.contains('\0')));
    assert!(inside.iter().any(|n| n.starts_with("_CON")), "{inside:?}");
}

#[test]
fn shards_together_write_exactly_the_unsharded_batch() {
    let dir = scratch("shards");
    let input = dir.join("s.csv");
    // Two respondents with one name: their names (with suffix) must not depend on the split.
    std::fs::write(
        &input,
        "naam,organisatie,R1V1\nJan,Org,A\nJan,Org,B\nPiet,Org,A\nKees,Org,B\nJan,Org,A\n",
    )
    .unwrap();
    let whole = dir.join("whole");
    common::run_ok(&["report", "-o", whole.to_str().unwrap(), input.to_str().unwrap()]);
    let split = dir.join("split");
    for k in 0..3 {
        common::run_ok(&[
            "report",
            "-o",
            split.to_str().unwrap(),
            "--shard",
            &format!("{k}/3"),
            input.to_str().unwrap(),
        ]);
    }
    let pdfs = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let (a, b) = (pdfs(&whole), pdfs(&split));
    assert_eq!(a.len(), 5);
    assert!(
        a == b,
        "sharded output differs: {:?} vs {:?}",
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for k in 0..3 {
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(split.join(format!("manifest-shard-{k}-of-3.json"))).unwrap(),
        )
        .unwrap();
        for row in m["rows"].as_array().unwrap() {
            assert_eq!(row["row"].as_u64().unwrap() % 3, k as u64);
        }
    }
}

#[test]
fn the_manifest_ties_each_report_to_its_row_and_input() {
    let dir = scratch("manifest");
    let out = dir.join("out");
    let _ = run(&["report", "-o", out.to_str().unwrap(), "tests/fixtures/sheets/bad-value.csv"]);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["tool"], "handreiking");
    assert_eq!(m["content_version"].as_str().unwrap().len(), 64);
    let input_hash = m["inputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(input_hash.len(), 64);
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1]["row"], 3);
    assert_eq!(rows[1]["status"], "bad");
    assert!(rows[1]["error"].as_str().unwrap().contains("`C`"));
    for row in rows.iter().filter(|r| r["status"] == "written") {
        let bytes = std::fs::read(out.join(row["output"].as_str().unwrap())).unwrap();
        use sha2::Digest;
        let hex: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(row["sha256"].as_str().unwrap(), hex);
    }
}

#[test]
fn a_control_character_in_a_column_header_still_makes_the_report() {
    let dir = scratch("hostile-header");
    let input = dir.join("kop.csv");
    std::fs::write(&input, "naam,\"Extra \u{1b}[2J kolom\",R1V1\nJan,waarde \u{1b}[31m rood,A\n").unwrap();
    let out = report(&dir, &input);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = common::pdfs(&dir.join("out")).pop().expect("a report");
    let cover = Pdf::load(&pdf).text[0].replace('\n', " ");
    // The field is shown without the character no font has.
    assert!(cover.contains("Extra [2J kolom"), "{cover}");
    assert!(cover.contains("waarde [31m rood"), "{cover}");
}

#[test]
fn the_longest_name_a_sheet_may_hold_still_makes_a_report() {
    let dir = scratch("hostile-long-name");
    // A cell holds up to 32,767 characters: as a name (and organisation), in
    // the PDF's title and subject it passed PDF/A's limit on a string and
    // failed the report.
    let long = "Lange naam ".repeat(2_900);
    let accents = "a\u{301}\u{302} \u{303}".repeat(6_500);
    let input = dir.join("lang.csv");
    std::fs::write(&input, format!("naam,organisatie,R1V1\n{long},{long},A\n{accents},Org,B\n")).unwrap();
    let out = report(&dir, &input);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pdfs = common::pdfs(&dir.join("out"));
    assert_eq!(pdfs.len(), 2);
    for pdf in pdfs {
        let pdf = Pdf::load(&pdf);
        let title = pdf.info("Title").expect("a title");
        assert!(title.ends_with('…') && title.chars().count() <= 1_001, "{} characters", title.len());
        assert!(pdf.info("Subject").expect("a subject").ends_with('…'));
    }
}

#[test]
fn accents_on_spaces_are_left_out_and_the_report_comes_within_bounds() {
    let dir = scratch("hostile-accents");
    // An accent typed after a space sits on nothing; 500 of them kept one
    // report busy for over a minute (Typst's line breaking). Bounded as the
    // readers are: a report of one row within 60 s and 1 GB, or this fails.
    let naam = format!("Jan{} Smit", " \u{303}".repeat(2_000));
    let organisatie = format!("\u{301}Zorg{}groep", "e\u{301}".repeat(100));
    let input = dir.join("accenten.csv");
    std::fs::write(&input, format!("naam,organisatie,R1V1\n{naam},{organisatie},A\n")).unwrap();
    let out = Command::new("prlimit")
        .args(["--as=1000000000", "timeout", "--signal=KILL", "60"])
        .arg(env!("CARGO_BIN_EXE_handreiking"))
        .args(["report", "-o", dir.join("out").to_str().unwrap(), input.to_str().unwrap()])
        .output()
        .expect("prlimit and timeout (util-linux, coreutils) run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = common::pdfs(&dir.join("out")).pop().expect("a report");
    let cover = Pdf::load(&pdf).text[0].replace('\n', " ");
    assert!(cover.contains("Jan Smit"), "{cover}");
    // Accents on letters stay.
    assert!(cover.replace("e\u{301}", "é").matches('é').count() >= 100, "{cover}");
}
