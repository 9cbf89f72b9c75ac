//! A report never takes the name of a file the batch writes itself (the group
//! report, the manifest, the mail folder and log, the handouts, the zip): a
//! respondent named like one gets a suffix, and every file keeps its own content.

use crate::common;

use std::path::Path;

use common::server::{Server, unzip};
use common::{Pdf, run_ok, scratch};

/// Respondents named like the batch's own files, as a file system may see them
/// (another case, a space before the extension, a decomposed accent).
const NAMES: [&str; 12] = [
    "groepsrapport",
    "Groepsrapport.pdf",
    "groepsrapport .pdf",
    "manifest",
    "Manifest-shard-0-of-2",
    "mail",
    "mail-log",
    "handreiking",
    "Antwoordformulier",
    "werkvormkaarten",
    "rapporten",
    "Ree\u{301}l",
];

fn sheet(dir: &Path) -> std::path::PathBuf {
    let mut csv = String::from("naam,E-mail,R1V1,R1V2\n");
    for (i, naam) in NAMES.iter().enumerate() {
        csv.push_str(&format!("{naam},persoon{i}@example.org,{},B\n", if i % 2 == 0 { "A" } else { "B" }));
    }
    // Réel, composed: the same name to macOS as the decomposed one above.
    csv.push_str("R\u{e9}el,persoon99@example.org,A,A\n");
    let input = dir.join("namen.csv");
    std::fs::write(&input, csv).unwrap();
    input
}

/// The respondent's report: its subject names them, and only them.
fn assert_report_of(pdf: &Path, naam: &str) {
    let subject = Pdf::load(pdf).info("Subject").unwrap_or_default();
    assert!(
        subject.starts_with(&format!("Persoonlijk advies voor {naam} bij")),
        "{} is not the report of {naam:?}: {subject}",
        pdf.display()
    );
}

#[test]
fn respondents_named_like_the_batchs_files_keep_their_own_reports() {
    let dir = scratch("reserved-names");
    let input = sheet(&dir);
    let out = dir.join("rapporten");
    let (input, out_s) = (input.to_str().unwrap(), out.to_str().unwrap());
    let brand = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/brands/adviesbureau/brand.toml");
    // The reports, their data and mail drafts in one folder; then the group
    // report and a handout into it under their default names.
    run_ok(&[
        "report",
        input,
        "-o",
        out_s,
        "--name",
        "{{ naam }}",
        "--emit-data",
        out_s,
        "--brand",
        brand.to_str().unwrap(),
        "--mail",
        "--reports-per-process",
        "0",
    ]);
    let group = out.join("groepsrapport.pdf");
    run_ok(&["group", input, "--names", "-o", group.to_str().unwrap()]);
    run_ok(&["cards", "-o", out.join("werkvormkaarten.pdf").to_str().unwrap()]);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).expect("the manifest");
    let rows = manifest["rows"].as_array().unwrap();
    assert_eq!(rows.len(), NAMES.len() + 1);
    let mut files = std::collections::BTreeSet::new();
    for row in rows {
        let naam = row["respondent"].as_str().unwrap();
        let file = row["output"].as_str().unwrap_or_else(|| panic!("no report for {naam}: {row}"));
        assert!(files.insert(file.to_lowercase()), "{file} twice");
        let stem = file.strip_suffix(".pdf").unwrap().to_lowercase();
        for own in ["groepsrapport", "manifest", "mail", "mail-log", "werkvormkaarten", "handreiking"] {
            assert_ne!(stem, own, "{naam} got the batch's own name {file}");
        }
        let bytes = std::fs::read(out.join(file)).unwrap();
        assert_eq!(
            handreiking::output::sha256_hex(&bytes),
            row["sha256"].as_str().unwrap(),
            "{file} was overwritten after the batch wrote it"
        );
        assert_report_of(&out.join(file), naam);
        // Its data and its draft, by the same stem, are its own too.
        let data = std::fs::read_to_string(out.join(format!("{}.json", &file[..file.len() - 4]))).unwrap();
        assert!(data.contains(&serde_json::to_string(naam).unwrap()), "{file}'s data: {naam}");
        assert!(
            out.join("mail").join(format!("{}.eml", &file[..file.len() - 4])).is_file(),
            "{file}'s draft"
        );
    }
    assert!(files.contains("groepsrapport (2).pdf"), "{files:?}");

    // The group report is the group's, with everyone in it.
    let group = Pdf::load(&group);
    assert_eq!(group.info("Subject"), None);
    let text = common::squash(&group.all_text());
    assert!(text.contains("groepsrapport"));
    for naam in ["Manifest-shard-0-of-2", "Antwoordformulier", "werkvormkaarten"] {
        assert!(text.contains(&common::squash(naam)), "{naam} missing from the group report");
    }
    assert!(std::fs::read(out.join("werkvormkaarten.pdf")).unwrap().starts_with(b"%PDF"));
}

#[test]
fn the_web_apps_zip_hands_each_respondent_their_own_report() {
    let dir = scratch("reserved-names-web");
    let input = sheet(&dir);
    let server = Server::start("reserved-names-serve", &[]);
    let session = server.session();
    let sent = server.upload_sheets(&session, &[&input]);
    assert_eq!(sent.status, 303, "{}", sent.text());
    let done = server.make_reports(&session, &[("groep", "ja"), ("namen", "ja"), ("kaarten", "ja")]).text();
    assert!(done.contains("Groepsrapport"), "{done}");
    let files = unzip(&server.get(&format!("{session}rapporten.zip")).body);
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).expect("the manifest");
    let unpacked = dir.join("zip");
    std::fs::create_dir_all(&unpacked).unwrap();
    for (name, bytes) in &files {
        std::fs::write(unpacked.join(name), bytes).unwrap();
    }
    for row in manifest["rows"].as_array().unwrap() {
        let file = row["output"].as_str().expect("a report");
        assert_report_of(&unpacked.join(file), row["respondent"].as_str().unwrap());
    }
    let group = Pdf::load(&unpacked.join("groepsrapport.pdf"));
    assert_eq!(group.info("Subject"), None, "the zip's groepsrapport.pdf is the group's");
    assert!(files.contains_key("groepsrapport (2).pdf"), "{:?}", files.keys());
    assert!(Pdf::load(&unpacked.join("werkvormkaarten.pdf")).text.len() > 1);
}
