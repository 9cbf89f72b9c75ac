//! The web app with a follow-up measurement: the nulmeting uploaded beside the
//! new answers, matched on the check page as `check --earlier` matches it, and
//! the reports, group report and manifest those of `report`/`group --earlier`.

use super::common::server::{Server, unescape, unzip};
use super::common::{self, Pdf, run_ok, scratch, squash};
use super::{pdfs_in, suggested_option};

/// A page's text as a reader sees it: tags removed, entities read, spaces single.
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = unescape(&text).replace("&#x3d;", "=");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The part of `text` from `start` up to the first of `ends` after it (or the end).
fn section<'a>(text: &'a str, start: &str, ends: &[&str]) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("`{start}` not in:\n{text}"));
    let rest = &text[from..];
    let to = ends.iter().filter_map(|e| rest[start.len()..].find(e).map(|i| i + start.len())).min();
    &rest[..to.unwrap_or(rest.len())]
}

/// What `check NEW --earlier OLD` prints under each heading of its matching, as
/// (row, name) pairs: the CLI's "row 5 (Fleur Smit)", which the page says as "rij 5 (Fleur Smit)".
struct CliMatching {
    /// (new row, earlier row, key as the CLI words it)
    matched: Vec<(String, String, String)>,
    only_new: Vec<String>,
    only_old: Vec<String>,
    /// (new row, the earlier rows it fits, "rows 6 and 7")
    ambiguous: Vec<(String, String)>,
}

impl CliMatching {
    fn of(args: &[&str]) -> CliMatching {
        let out = common::run(args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let text = &text[text.find("\nmatching ").expect("a matching section")..];
        let dutch = |s: &str| s.trim().replacen("row ", "rij ", 1);
        let mut m = CliMatching { matched: vec![], only_new: vec![], only_old: vec![], ambiguous: vec![] };
        let mut part = "";
        for line in text.lines() {
            let item = line.strip_prefix("    ").filter(|l| !l.starts_with(' '));
            match (line.trim_start().split(':').next().unwrap_or(""), item) {
                (heading, None) if line.starts_with("  ") && !line.starts_with("   ") => part = heading,
                (_, Some(item)) if part == "matched" => {
                    let (new, rest) = item.split_once(" ← earlier ").unwrap();
                    let (old, key) = rest.rsplit_once(", by ").unwrap();
                    m.matched.push((dutch(new), dutch(old), key.to_string()));
                }
                (_, Some(item)) if part.starts_with("only in the new") => m.only_new.push(dutch(item)),
                (_, Some(item)) if part.starts_with("only in the earlier") => {
                    m.only_old.push(dutch(item.strip_prefix("earlier ").unwrap()))
                }
                (_, Some(item)) if part.starts_with("ambiguous") => {
                    let (new, why) = item.split_once(": fits earlier ").unwrap();
                    let rows = why.split([',']).next().unwrap().to_string();
                    m.ambiguous.push((dutch(new), rows));
                }
                _ => {}
            }
        }
        m
    }
}

/// The page's wording of the CLI's key.
fn key_in_dutch(key: &str) -> String {
    match key {
        "e-mail address" => "e-mailadres".into(),
        "name and organisation" => "naam en organisatie".into(),
        column => format!("de kolom “{}”", column.trim_start_matches("the column \"").trim_end_matches('"')),
    }
}

/// The page's matching section says what `check --earlier` says, row for row.
fn assert_matching_as_the_cli(page: &str, cli: &CliMatching) {
    let matching = section(page, "Koppeling met de nulmeting", &["Nieuwe meting: "]);
    assert!(matching.contains(&format!("{} gekoppeld", cli.matched.len())), "{matching}");
    // Each list under its heading with its count; no heading for an empty one.
    let ends = ["Gekoppeld: ", "Alleen in de ", "Ook koppelen", "Niet vergeleken"];
    let listed = |heading: &str, items: &[String]| {
        if items.is_empty() {
            assert!(!matching.contains(heading), "`{heading}` on the page:\n{matching}");
            return;
        }
        let part = section(matching, heading, &ends);
        assert!(part.starts_with(&format!("{heading}{} ", items.len())), "{part}");
        for item in items {
            assert!(part.contains(item.as_str()), "missing `{item}` in:\n{part}");
        }
    };
    let matched: Vec<String> =
        cli.matched.iter().map(|(new, old, key)| format!("{new} {old} {}", key_in_dutch(key))).collect();
    listed("Gekoppeld: ", &matched);
    listed("Alleen in de nieuwe meting: ", &cli.only_new);
    listed("Alleen in de nulmeting: ", &cli.only_old);
    if !cli.ambiguous.is_empty() {
        let n = cli.ambiguous.len();
        assert!(matching.contains(&format!("{n} deelnemers niet eenduidig te koppelen")), "{matching}");
    }
    for (who, rows) in &cli.ambiguous {
        // "rows 6 and 7" is "rijen 6 en 7"; "row 8" is "rij 8".
        let rows = rows.replace("rows ", "rijen ").replace("row ", "rij ").replace(" and ", " en ");
        let line = format!("{who}: past bij {rows} van de nulmeting");
        assert!(matching.contains(&line), "missing `{line}` in:\n{matching}");
    }
}

#[test]
fn a_follow_up_is_matched_on_the_check_page_and_reported_as_the_command_line_does() {
    let (new, old) = ("tests/fixtures/earlier/vervolgmeting.csv", "tests/fixtures/earlier/nulmeting.csv");
    let server = Server::start("serve-earlier", &[]);
    let session = server.session();
    // Both measurements in one upload, as the first page's form sends them.
    let (new_bytes, old_bytes) = (std::fs::read(new).unwrap(), std::fs::read(old).unwrap());
    let sent = server.upload(
        &format!("{session}bestanden"),
        &[("antwoorden", "vervolgmeting.csv", &new_bytes), ("eerder", "nulmeting.csv", &old_bytes)],
    );
    assert_eq!(sent.location.as_deref(), Some(format!("{session}controleren").as_str()), "{}", sent.text());
    let chosen = page_text(&server.get(&session).text());
    assert!(chosen.contains("Eerdere meting (nulmeting) nulmeting.csv"), "{chosen}");

    // Without a match column: e-mail address, else name and organisation.
    let check = page_text(&server.get(&format!("{session}controleren")).text());
    assert!(check.contains("Alles is in orde"), "{check}");
    assert!(!check.contains(&server.tmp.display().to_string()), "no temporary path is shown");
    assert!(check.contains("Nulmeting: nulmeting.csv"), "the earlier file is checked too: {check}");
    let cli = CliMatching::of(&["check", new, "--earlier", old]);
    assert!(!cli.ambiguous.is_empty() && !cli.only_new.is_empty() && !cli.only_old.is_empty());
    assert_matching_as_the_cli(&check, &cli);

    // The code column both sheets have, chosen from the drop-down (as --match).
    let html = server.get(&format!("{session}controleren")).text();
    let select = section(&html, "name=\"kolom\"", &["</select>"]);
    assert!(select.contains("value=\"deelnemerscode\""), "{select}");
    assert!(!select.contains("value=\"R1V1\"") && !select.contains("value=\"naam\""), "{select}");
    let chose = server.post_form(&format!("{session}koppelen"), &[("kolom", "deelnemerscode")]);
    assert_eq!(chose.status, 303);
    let check = page_text(&server.get(&format!("{session}controleren")).text());
    let cli = CliMatching::of(&["check", new, "--earlier", old, "--match", "deelnemerscode"]);
    assert!(cli.matched.iter().any(|(_, _, key)| key.contains("deelnemerscode")));
    assert_matching_as_the_cli(&check, &cli);

    // The preview is the first report as the batch makes it: compared.
    let dir = scratch("serve-earlier-cli");
    let out = run_ok(&[
        "report",
        new,
        "--earlier",
        old,
        "--match",
        "deelnemerscode",
        "-o",
        dir.join("cli").to_str().unwrap(),
    ]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    let reports = page_text(&server.get(&format!("{session}rapporten")).text());
    let compared: usize =
        said.split(" report(s) compared").next().unwrap().rsplit('\n').next().unwrap().parse().unwrap();
    assert!(reports.contains(&format!("{compared} daarvan tonen ook wat er veranderd is")), "{reports}");
    let preview = dir.join("voorbeeld.pdf");
    std::fs::write(&preview, server.get(&format!("{session}voorbeeld.pdf")).body).unwrap();
    let preview = Pdf::load(&preview);
    assert!(squash(&preview.all_text()).contains(&squash("Wat is er veranderd sinds de nulmeting")));
    let first = Pdf::load(&dir.join("cli").join("Zorggroep Almere - Anouk de Vries-Smit.pdf"));
    assert_eq!(preview.all_text(), first.all_text());

    // The reports and the group report, text for text those of the command line.
    let done = server.make_reports(&session, &[("groep", "ja")]).text();
    let summary = page_text(&done);
    assert!(
        summary.contains(&format!("{compared} rapporten tonen wat er veranderd is sinds de nulmeting")),
        "{summary}"
    );
    let alone = section(&summary, "Zonder eerdere meting: ", &["Niet vergeleken", "Voor de bijeenkomst"]);
    let unmatched: Vec<&str> = said
        .split("without an earlier match (a report without comparison):\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(alone.starts_with(&format!("Zonder eerdere meting: {} ", unmatched.len())), "{alone}");
    for line in unmatched {
        let who = line.trim().replacen("row ", "rij ", 1);
        assert!(alone.contains(&who), "missing `{who}` in:\n{alone}");
    }
    let ambiguous = section(&summary, "Niet vergeleken, want niet eenduidig", &["Voor de bijeenkomst"]);
    assert!(ambiguous.contains("rij 6 (Kees Bakker): past bij rijen 6 en 7 van de nulmeting"), "{ambiguous}");

    let zip = server.get(&format!("{session}rapporten.zip"));
    let web = pdfs_in(&zip.body, &dir.join("web"));
    let cli_reports = common::pdfs(&dir.join("cli"));
    assert_eq!(web.iter().filter(|(n, _)| n.contains(" - ")).count(), cli_reports.len());
    for (name, pdf) in web.iter().filter(|(n, _)| n.contains(" - ")) {
        let expected = Pdf::load(&dir.join("cli").join(name));
        assert_eq!(pdf.all_text(), expected.all_text(), "{name}");
    }
    // The manifest is the command line's: whom each report was compared with, and why not.
    let files = unzip(&zip.body);
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let cli_manifest = std::fs::read_to_string(dir.join("cli").join("manifest.json")).unwrap();
    let cli_manifest: serde_json::Value =
        serde_json::from_str(&cli_manifest.replace(new, "vervolgmeting.csv").replace(old, "nulmeting.csv"))
            .unwrap();
    assert_eq!(manifest["earlier_inputs"], cli_manifest["earlier_inputs"]);
    let rows = manifest["rows"].as_array().unwrap();
    assert_eq!(rows.len(), cli_manifest["rows"].as_array().unwrap().len());
    for (web, cli) in rows.iter().zip(cli_manifest["rows"].as_array().unwrap()) {
        assert_eq!(web["earlier"], cli["earlier"], "row {}", web["row"]);
    }
    assert!(rows.iter().any(|r| r["earlier"]["status"] == "ambiguous"));

    let group = dir.join("groep.pdf");
    run_ok(&["group", new, "--earlier", old, "--match", "deelnemerscode", "-o", group.to_str().unwrap()]);
    let (_, web_group) = web.iter().find(|(n, _)| n == "groepsrapport.pdf").expect("the group report");
    let text = web_group.all_text();
    assert_eq!(text, Pdf::load(&group).all_text());
    assert!(squash(&text).contains(&squash("deelnemers deden beide keren mee")), "the group report compares");
}

#[test]
fn an_earlier_measurement_with_problems_is_checked_and_fixed_like_the_new_one() {
    let (new, old) = ("examples/antwoorden.csv", "tests/fixtures/web/eigen-vragen.csv");
    let server = Server::start("serve-earlier-fix", &[]);
    let session = server.session();
    let (new_bytes, old_bytes) = (std::fs::read(new).unwrap(), std::fs::read(old).unwrap());
    server.upload(
        &format!("{session}bestanden"),
        &[("eerder", "nulmeting.csv", &old_bytes), ("antwoorden", "antwoorden.csv", &new_bytes)],
    );
    let html = server.get(&format!("{session}controleren")).text();
    let check = page_text(&html);
    assert!(check.contains("Nog niet klaar"), "{check}");
    assert!(!check.contains("Verder: rapporten maken"));
    let earlier = section(&check, "Nulmeting: nulmeting.csv", &["Antwoorden per vraag"]);
    assert!(earlier.contains("kies een kolom"), "the earlier file asks for a column: {earlier}");
    assert!(check.contains("zodra beide metingen gelezen kunnen worden"), "{check}");
    // Its own choice, in its own form: the earlier measurement's mapping file.
    let form = &html[html.find("name=\"meting\" value=\"eerder\"").expect("the earlier file's form")..];
    let column = suggested_option(form, "vraag_R1V2");
    let saved = server.post_form(
        &format!("{session}koppeling"),
        &[("bestand", "1"), ("meting", "eerder"), ("vraag_R1V2", &column)],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(server.get(&format!("{session}koppeling.toml")).status, 404, "the new sheet's is untouched");
    let mapping = server.get(&format!("{session}koppeling-nulmeting.toml"));
    assert_eq!(mapping.status, 200);
    let text = mapping.text();
    assert!(text.contains("R1V2 = ") && text.contains("--earlier-mapping"), "{text}");

    let check = page_text(&server.get(&format!("{session}controleren")).text());
    assert!(check.contains("Alles is in orde"), "{check}");
    // The matching, as the command line makes it with that mapping file.
    let dir = scratch("serve-earlier-fix");
    let file = dir.join("koppeling-nulmeting.toml");
    std::fs::write(&file, &text).unwrap();
    let cli = CliMatching::of(&["check", new, "--earlier", old, "--earlier-mapping", file.to_str().unwrap()]);
    assert!(!cli.only_old.is_empty());
    assert_matching_as_the_cli(&check, &cli);

    // Removed again: no comparison any more.
    let removed = server.post_form(&format!("{session}bestand/eerder-1/weg"), &[]);
    assert_eq!(removed.status, 303);
    let chosen = page_text(&server.get(&session).text());
    assert!(!chosen.contains("nulmeting.csv"), "{chosen}");
    let check = page_text(&server.get(&format!("{session}controleren")).text());
    assert!(!check.contains("Koppeling met de nulmeting"), "{check}");
    assert!(check.contains("Alles is in orde"));
}
