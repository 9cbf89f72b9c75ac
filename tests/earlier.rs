//! Follow-up measurements (`--earlier`): matching by each key, respondents on one
//! side only, ambiguous matches listed and never guessed, and the movement read
//! back from the PDFs and compared with what the two sheets say.
//!
//! The fixtures (tests/fixtures/earlier/) are made so that each case occurs once:
//! new row 2 matches by e-mail address (another name, the address in capitals),
//! row 3 by name and organisation (no accents, other case and spaces), row 4 only
//! by the code column (`--match deelnemerscode`); row 5 is new; row 6 fits two
//! earlier rows; rows 7 and 8 fit one earlier row; row 9 has the name and
//! organisation of earlier row 9 but another e-mail address.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Pdf, pdfs, run, run_ok, scratch, squash};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/earlier").join(name).display().to_string()
}

const OLD: &str = "nulmeting.csv";
const NEW: &str = "vervolgmeting.csv";

/// A fixture sheet: per spreadsheet row (2, 3, …) its cells by header.
struct Sheet {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    fn read(name: &str) -> Sheet {
        let mut reader = csv::Reader::from_path(fixture(name)).unwrap();
        let headers = reader.headers().unwrap().iter().map(String::from).collect();
        let rows = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
        Sheet { headers, rows }
    }

    fn questions(&self) -> Vec<String> {
        self.headers.iter().filter(|h| h.starts_with('R')).cloned().collect()
    }

    /// The answer in a spreadsheet row (the header is row 1) to a question, when given.
    fn answer(&self, row: usize, question: &str) -> Option<String> {
        let col = self.headers.iter().position(|h| h == question).unwrap();
        Some(self.rows[row - 2][col].trim().to_uppercase()).filter(|a| !a.is_empty())
    }

    fn share_b(&self, question: &str) -> f64 {
        let answers: Vec<String> =
            (2..self.rows.len() + 2).filter_map(|r| self.answer(r, question)).collect();
        answers.iter().filter(|a| *a == "B").count() as f64 / answers.len() as f64
    }
}

/// Improved, slipped, unchanged, newly answered, answered earlier only: from the sheets.
fn movement(old_row: usize, new_row: usize) -> [usize; 5] {
    let (old, new) = (Sheet::read(OLD), Sheet::read(NEW));
    let mut counts = [0; 5];
    for q in old.questions() {
        let i = match (old.answer(old_row, &q).as_deref(), new.answer(new_row, &q).as_deref()) {
            (Some("A"), Some("B")) => 0,
            (Some("B"), Some("A")) => 1,
            (Some(_), Some(_)) => 2,
            (None, Some(_)) => 3,
            (Some(_), None) => 4,
            (None, None) => continue,
        };
        counts[i] += 1;
    }
    counts
}

/// The number the text shows right before `words` (squashed: "2 ↑ verbeterd" is "2verbeterd").
fn count_before(text: &str, words: &str) -> Option<usize> {
    let words = squash(words);
    text.match_indices(&words).find_map(|(at, _)| {
        let digits: String = text[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().ok()
    })
}

/// The first question id (squashed, "r1v1") in `text` after `after`.
fn first_id_after(text: &str, after: &str) -> String {
    let key = squash(after);
    let start = text.find(&key).unwrap_or_else(|| panic!("`{after}` not in the text")) + key.len();
    let rest = &text[start..];
    let bytes = rest.as_bytes();
    (0..bytes.len().saturating_sub(3))
        .find(|&i| {
            bytes[i] == b'r'
                && bytes[i + 1].is_ascii_digit()
                && bytes[i + 2] == b'v'
                && bytes[i + 3].is_ascii_digit()
        })
        .map(|i| rest[i..i + 4].to_string())
        .expect("a question id follows")
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_explains_every_match_and_lists_the_rest_with_their_rows() {
    let out = run(&["check", &fixture(NEW), "--earlier", &fixture(OLD), "--match", "deelnemerscode"]);
    // Ambiguous matches are problems to solve: the exit status says so.
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let matching = &text[text.find("\nmatching ").expect("a matching section")..];
    for line in [
        "matched: 3",
        "row 2 (Anouk de Vries-Smit) ← earlier row 2 (Anouk de Vries), by e-mail address",
        "row 3 (jose alvarez) ← earlier row 3 (José Álvarez), by name and organisation",
        "row 4 (Sanne Jansen-Bakker) ← earlier row 4 (Sanne Jansen), by the column \"deelnemerscode\"",
        "only in the new measurement (a report without comparison): 2",
        "    row 5 (Fleur Smit)",
        "    row 9 (Mehmet Yılmaz)",
        "not earlier row 9 (Mehmet Yılmaz): same name and organisation, but another e-mail address",
        "only in the earlier measurement: 2",
        "earlier row 5 (Jeroen 't Hart)",
        "earlier row 9 (Mehmet Yılmaz)",
        "ambiguous, not compared (a match is never guessed): 3",
        "row 6 (Kees Bakker): fits earlier rows 6 and 7, by name and organisation",
        "row 7 (Lotte Vos): fits earlier row 8, which row 8 (Lotte Vos) fits too, by name and organisation",
        "row 8 (Lotte Vos): fits earlier row 8, which row 7 (Lotte Vos) fits too, by name and organisation",
    ] {
        assert!(matching.contains(line), "missing `{line}` in:\n{matching}");
    }
    // Both measurements are checked as `check` checks one sheet.
    assert!(text.contains("earlier measurement (--earlier"), "{text}");
    assert_eq!(text.matches("respondent(s) ready").count(), 2, "{text}");
}

#[test]
fn without_match_the_code_column_is_not_a_key() {
    let out = run(&["check", &fixture(NEW), "--earlier", &fixture(OLD)]);
    let text = stdout(&out);
    let matching = &text[text.find("\nmatching ").expect("a matching section")..];
    assert!(matching.contains("matched: 2"), "{matching}");
    assert!(matching.contains("only in the new measurement (a report without comparison): 3"), "{matching}");
    assert!(matching.contains("    row 4 (Sanne Jansen-Bakker)\n"), "{matching}");
    assert!(matching.contains("earlier row 4 (Sanne Jansen)"), "{matching}");
}

#[test]
fn a_match_column_that_a_sheet_lacks_is_named() {
    let out = run(&["check", &fixture(NEW), "--earlier", &fixture(OLD), "--match", "klantnummer"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("nulmeting.csv") && err.contains("no column `klantnummer`"), "{err}");
    assert!(err.contains("deelnemerscode"), "the columns are listed: {err}");
    // --match and --earlier-mapping need --earlier.
    let out = run(&["check", &fixture(NEW), "--match", "deelnemerscode"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn reports_show_what_moved_and_unmatched_respondents_get_a_normal_report() {
    let dir = scratch("earlier-reports");
    let data = scratch("earlier-reports-data");
    let out = run_ok(&[
        "report",
        &fixture(NEW),
        "--earlier",
        &fixture(OLD),
        "--match",
        "deelnemerscode",
        "--emit-data",
        data.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    for line in [
        "3 report(s) compared with the earlier measurement",
        "2 report(s) without an earlier match (a report without comparison):",
        "  row 5 (Fleur Smit)",
        "3 report(s) not compared because the match is ambiguous (never guessed):",
        "  row 6 (Kees Bakker): fits earlier rows 6 and 7",
        "2 respondent(s) of the earlier measurement have no match in the new one",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
    assert_eq!(pdfs(&dir).len(), 8, "every respondent gets a report");

    // Anouk (new row 2, earlier row 2): the movement the sheets say, on the overview and the advice pages.
    let anouk = Pdf::load(&dir.join("Zorggroep Almere - Anouk de Vries-Smit.pdf"));
    let text = squash(&anouk.all_text());
    assert!(text.contains(&squash("Nulmeting 12 maart 2026 · Vervolgmeting 3 november 2026")), "cover");
    let [improved, slipped, same, new, gone] = movement(2, 2);
    assert!(improved > 0 && slipped > 0 && new > 0 && gone > 0, "the fixture has every kind of change");
    let overview = squash(&anouk.text[1]);
    assert_eq!(count_before(&overview, "verbeterd"), Some(improved), "{overview}");
    assert_eq!(count_before(&overview, "weer aandacht nodig"), Some(slipped), "{overview}");
    assert_eq!(count_before(&overview, "gelijk gebleven"), Some(same), "{overview}");
    assert_eq!(count_before(&overview, "nieuw beantwoord"), Some(new), "{overview}");
    assert_eq!(count_before(&overview, "nu niet beantwoord"), Some(gone), "{overview}");
    // The movement comes before the answers.
    let movement_at = overview.find(&squash("Wat is er veranderd sinds de nulmeting")).expect("movement");
    let answers_at =
        overview.find(&squash("Per vraag het antwoord bij de nulmeting en nu")).expect("answers");
    assert!(movement_at < answers_at, "the overview leads with the movement");
    // Each changed answer is marked where its advice is, with what it was.
    let marked = |change: &str| text.matches(&squash(&format!("{change} · bij de nulmeting"))).count();
    assert_eq!(marked("↑ verbeterd"), improved);
    assert_eq!(marked("↓ weer aandacht nodig"), slipped);
    assert_eq!(marked("+ nieuw beantwoord"), new);
    assert_eq!(marked("− nu niet beantwoord"), gone);
    // What the slipped answer was: R2V1 was B.
    assert!(text.contains(&squash("↓ weer aandacht nodig · bij de nulmeting: B (Goed op weg)")));
    // The overview links each reflection's title to its advice, and each question
    // that moved to its own.
    let dests = anouk.named_dests();
    let links: Vec<_> = (dests["overzicht"]..dests["r1"]).flat_map(|page| anouk.links(page)).collect();
    for r in 1..=5 {
        let id = format!("r{r}");
        assert!(links.iter().any(|l| l.target == Some(dests[&id])), "the overview does not link to {id}");
    }
    assert!(
        links.iter().any(|l| l.target == Some(dests["r2v1"])),
        "the slipped R2V1 does not link to its advice"
    );

    // Fleur has no earlier match, Kees an ambiguous one: a report without comparison.
    for name in ["Zorggroep Almere - Fleur Smit.pdf", "Zorg Noord - Kees Bakker.pdf"] {
        let text = squash(&Pdf::load(&dir.join(name)).all_text());
        assert!(!text.contains("nulmeting"), "{name} is compared");
        assert!(text.contains(&squash("Datum: 3 november 2026")), "{name} has its date");
    }
    let fleur: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("Zorggroep Almere - Fleur Smit.json")).unwrap())
            .unwrap();
    assert!(fleur.get("vervolg").is_none(), "no comparison in the data of a report without one");
    let anouk_data: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data.join("Zorggroep Almere - Anouk de Vries-Smit.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(anouk_data["vervolg"]["verbeterd"].as_array().unwrap().len(), improved);

    // The manifest says whom each report was compared with, and why not.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let row = |n: u64| manifest["rows"].as_array().unwrap().iter().find(|r| r["row"] == n).unwrap().clone();
    assert_eq!(row(2)["earlier"]["status"], "compared");
    assert_eq!(row(2)["earlier"]["by"], "e-mail");
    assert_eq!(row(2)["earlier"]["earlier"][0]["row"], 2);
    assert_eq!(row(3)["earlier"]["by"], "name and organisation");
    assert_eq!(row(4)["earlier"]["by"]["column"], "deelnemerscode");
    assert_eq!(row(5)["earlier"]["status"], "no match");
    assert_eq!(row(6)["earlier"]["status"], "ambiguous");
    let fits: Vec<u64> =
        row(6)["earlier"]["earlier"].as_array().unwrap().iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(fits, [6, 7]);
    assert_eq!(row(7)["earlier"]["also"][0]["row"], 8);
    assert!(manifest["earlier_inputs"][0]["sha256"].as_str().is_some_and(|s| s.len() == 64));

    // Rendered in this process instead of render processes: the same bytes, so the
    // earlier answers travel to a render process whole.
    let here = scratch("earlier-reports-here");
    run_ok(&[
        "report",
        &fixture(NEW),
        "--earlier",
        &fixture(OLD),
        "--match",
        "deelnemerscode",
        "--reports-per-process",
        "0",
        "-o",
        here.to_str().unwrap(),
    ]);
    for pdf in pdfs(&dir) {
        let name = pdf.file_name().unwrap();
        assert!(std::fs::read(&pdf).unwrap() == std::fs::read(here.join(name)).unwrap(), "{name:?} differs");
    }
}

#[test]
fn the_group_report_sets_both_measurements_side_by_side() {
    let dir = scratch("earlier-group");
    let pdf: PathBuf = dir.join("groep.pdf");
    let out = run_ok(&[
        "group",
        &fixture(NEW),
        "--earlier",
        &fixture(OLD),
        "--match",
        "deelnemerscode",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert!(err.contains("3 respondent(s) took part both times (earlier: 8"), "{err}");
    assert!(err.contains("row 6 (Kees Bakker): fits earlier rows 6 and 7"), "{err}");
    let text = squash(&Pdf::load(&pdf).all_text());
    assert!(text.contains(&squash("Nulmeting 12–13 maart 2026 · Vervolgmeting 3–5 november 2026")), "{text}");
    assert!(text.contains(&squash("3 deelnemers deden beide keren mee; bij de nulmeting waren het er 8")));

    // The questions whose share of B rose and fell most, from the sheets.
    let (old, new) = (Sheet::read(OLD), Sheet::read(NEW));
    let mut changes: Vec<(f64, String)> =
        old.questions().into_iter().map(|q| (new.share_b(&q) - old.share_b(&q), q)).collect();
    changes.sort_by(|x, y| y.0.total_cmp(&x.0));
    let (rose, fell) = (&changes[0], &changes[changes.len() - 1]);
    assert!(rose.0 > 0.0 && fell.0 < 0.0, "the fixture has both");
    assert_eq!(first_id_after(&text, "Meest verbeterd"), rose.1.to_lowercase());
    assert_eq!(first_id_after(&text, "Meest teruggevallen"), fell.1.to_lowercase());
    // With the share as text, and what the three who took part both times did.
    let percent = |s: f64| (s * 100.0).round() as i64;
    let shares = format!("{}% → {}%", percent(old.share_b(&rose.1)), percent(new.share_b(&rose.1)));
    let from = text.find(&squash("Meest verbeterd")).unwrap();
    assert!(text[from..].contains(&squash(&format!("Goed op weg: {shares}"))), "{shares}");
    let pairs = [(2, 2), (3, 3), (4, 4)];
    let up = pairs
        .iter()
        .filter(|&&(o, n)| {
            old.answer(o, &rose.1).as_deref() == Some("A") && new.answer(n, &rose.1).as_deref() == Some("B")
        })
        .count();
    assert!(text[from..].contains(&squash(&format!("Van de 3 die beide keren meededen: {up} verbeterd"))));
}
