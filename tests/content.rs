//! The content folder: complete against the source text, and every mistake an
//! editor can make is reported with its file and line.

use crate::common;

use std::path::{Path, PathBuf};

use common::{run, scratch, squash};
use handreiking::content::markdown;

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The fixes listed in content/README.md: (original, corrected).
fn fixes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(content_dir().join("README.md")).unwrap();
    let table = readme.split("## Changes against the original text").nth(1).expect("fix table");
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| original") && !l.starts_with("|---"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

/// Everything the content says, squashed into one searchable string.
fn content_text() -> String {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let mut all =
        vec![h.titel.clone(), h.ondertitel.clone(), h.rollen.vraag.clone(), h.introductie.titel.clone()];
    all.extend(h.rollen.namen.iter().cloned());
    markdown::paragraphs(&h.introductie.tekst, &mut all);
    for r in &h.reflecties {
        all.push(format!("Reflectie {} {}", r.nummer, r.titel));
        for v in &r.vragen {
            all.push(v.tekst.clone());
            for a in &v.antwoorden {
                all.extend(a.voorbeelden.iter().cloned());
                markdown::paragraphs(&a.tekst, &mut all);
                for b in &a.blokken {
                    markdown::paragraphs(&b.tekst, &mut all);
                }
            }
        }
    }
    for w in &h.werkvormen {
        let bron = w.bron.as_ref().map(|b| format!(" ({b})")).unwrap_or_default();
        all.push(format!("Werkvorm {}: {}{bron}", w.nummer, w.titel));
        markdown::paragraphs(&w.tekst, &mut all);
    }
    squash(&all.join("\n"))
}

/// Text of the interactive PDF that is navigation, not content.
fn is_navigation(line: &str) -> bool {
    let l = line.trim();
    let upper = l.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase());
    l.is_empty()
        || upper // REFLECTIE 1 - VRAAG 1, RANDVOORWAARDEN, section titles in capitals
        || l == "Kies een antwoord en klik op de letter"
        || ["werkvormen", "tips", "aandachtspunten"].contains(&l)
        || l.starts_with("NAAR REFLECTIE")
}

#[test]
fn every_sentence_of_the_source_is_in_the_content() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds/003_1b93c28af808ae69.txt");
    let Ok(source) = std::fs::read_to_string(&seed) else {
        eprintln!("skipped: the source text {} is not beside this checkout", seed.display());
        return;
    };
    let fixes = fixes();
    assert!(fixes.len() >= 10, "the fix table in content/README.md is missing");
    let content = content_text();
    let mut missing = vec![];
    for line in source.lines().filter(|l| !is_navigation(l)) {
        // List markers ("1. ", "- ") are structure, not text.
        let trimmed = line.trim_start();
        let unnumbered = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
        let body = match unnumbered.strip_prefix(". ") {
            Some(rest) if unnumbered.len() < trimmed.len() => rest,
            _ => trimmed.strip_prefix("- ").unwrap_or(trimmed),
        };
        let mut line = body.to_string();
        for (from, to) in &fixes {
            line = line.replace(from.as_str(), to);
        }
        if !content.contains(&squash(&line)) {
            missing.push(line);
        }
    }
    assert!(
        missing.is_empty(),
        "{} lines of the source are not in content/:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_fix_in_the_table_is_applied() {
    let content = content_text();
    for (from, to) in fixes() {
        assert!(content.contains(&squash(&to)), "corrected text `{to}` not found in the content");
        if squash(&from) != squash(&to) {
            assert!(!content.contains(&squash(&from)), "original text `{from}` is still in the content");
        }
    }
}

#[test]
fn the_embedded_content_checks_clean() {
    let out = run(&["check-content"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("5 reflections, 12 questions, 24 answers, 8 werkvormen"), "{stdout}");
}

/// A copy of the content folder with one file changed.
fn broken(name: &str, file: &str, change: impl FnOnce(String) -> String) -> PathBuf {
    let dir = scratch(name);
    copy_dir(&content_dir(), &dir);
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, change(text)).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn check_fails(dir: &Path) -> String {
    let out = run(&["check-content", "--content", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "expected failure, got {:?}", out.status);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn unknown_werkvorm_reference_names_file_and_line() {
    let dir = broken("unknown-ref", "antwoorden/r1v2-a.md", |t| t.replace("(#W2)", "(#W9)"));
    let err = check_fails(&dir);
    let line = std::fs::read_to_string(dir.join("antwoorden/r1v2-a.md"))
        .unwrap()
        .lines()
        .position(|l| l.contains("#W9"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("r1v2-a.md:{line}: link to #W9, which does not exist")), "{err}");
}

#[test]
fn unknown_werkvorm_in_front_matter_is_reported() {
    let dir =
        broken("unknown-wv", "antwoorden/r1v2-a.md", |t| t.replace("werkvormen: [W1]", "werkvormen: [W12]"));
    let err = check_fails(&dir);
    assert!(err.contains("r1v2-a.md:2: unknown werkvorm `W12`"), "{err}");
}

#[test]
fn missing_answer_is_reported_with_the_expected_file() {
    let dir = scratch("missing-answer");
    copy_dir(&content_dir(), &dir);
    std::fs::remove_file(dir.join("antwoorden/r3v2-b.md")).unwrap();
    let err = check_fails(&dir);
    assert!(err.contains("antwoorden/r3v2-b.md: file is missing"), "{err}");
}

#[test]
fn duplicate_question_id_is_reported() {
    let dir = broken("duplicate-id", "reflecties/r1.md", |t| t.replace("id: R1V2", "id: R1V1"));
    let err = check_fails(&dir);
    assert!(err.contains("r1.md:2: question 2 has id `R1V1`"), "{err}");
}

#[test]
fn malformed_front_matter_names_the_line() {
    let dir = broken("bad-yaml", "werkvormen/w3.md", |t| t.replacen("titel:", "titel: [unclosed", 1));
    let err = check_fails(&dir);
    assert!(err.contains("w3.md:") && err.contains("front matter"), "{err}");
    let dir = broken("unknown-key", "werkvormen/w3.md", |t| t.replacen("titel:", "titl:", 1));
    let err = check_fails(&dir);
    assert!(err.contains("w3.md:") && err.contains("unknown field `titl`"), "{err}");
}

#[test]
fn unknown_block_heading_is_reported() {
    let dir = broken("bad-heading", "antwoorden/r1v1-a.md", |t| t.replace("## Tips", "## Tipjes"));
    let err = check_fails(&dir);
    assert!(err.contains("unknown block `## Tipjes`") && err.contains("hint: the blocks are"), "{err}");
}

#[test]
fn an_edited_content_folder_changes_the_document() {
    let dir = broken("edited", "werkvormen/w5.md", |t| {
        t.replace("titel: User Groups", "titel: Gebruikersgroepen (eigen versie)")
    });
    let out_dir = scratch("edited-out");
    let pdf_path = out_dir.join("eigen.pdf");
    common::run_ok(&["blank", "--content", dir.to_str().unwrap(), "-o", pdf_path.to_str().unwrap()]);
    let pdf = common::Pdf::load(&pdf_path);
    assert!(squash(&pdf.all_text()).contains(&squash("Gebruikersgroepen (eigen versie)")));
}
