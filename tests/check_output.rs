//! What `check` prints of a user's values (control characters shown, never
//! sent to the terminal) and of the e-mail addresses `mail` will skip, on the
//! command line and on the web app's check page.

use crate::common;

use std::path::{Path, PathBuf};

use common::server::Server;
use common::{run, scratch};

/// Addresses `mail` skips, one per row from row 2, then a good one.
const ADDRESSES: [&str; 5] =
    ["jan@example.nl, piet@example.nl", "Jan <jan@example.nl>", "jan@\nexample.nl", "", "geen"];

fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// Rows 2–6 with the addresses above, row 7 with a good one.
fn addresses_csv(dir: &Path, extra_header: &str, name7: &str, answer8: Option<&str>) -> PathBuf {
    let mut csv = format!("naam,E-mail,R1V1,R1V2,{}\n", quoted(extra_header));
    for (i, address) in ADDRESSES.iter().enumerate() {
        csv.push_str(&format!("Persoon {i},{},A,B,x\n", quoted(address)));
    }
    csv.push_str(&format!("{},anna@example.nl,B,A,y\n", quoted(name7)));
    if let Some(answer) = answer8 {
        csv.push_str(&format!("Piet,piet@example.nl,{},A,z\n", quoted(answer)));
    }
    let input = dir.join("adressen.csv");
    std::fs::write(&input, csv).unwrap();
    input
}

#[test]
fn check_shows_control_characters_in_values_instead_of_sending_them() {
    let dir = scratch("check-escapes");
    let input = addresses_csv(&dir, "Extra \u{1b}[2J kolom", "\u{1b}]0;evil\u{7}Anna", Some("\u{1b}[31mX"));
    // The file's own name carries one too.
    let named = dir.join("antwoorden \u{1b}[1m.csv");
    std::fs::rename(&input, &named).unwrap();
    let named = named.to_str().unwrap();
    for args in [vec!["check", named], vec!["check", named, "--earlier", named]] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(3), "a row with a bad cell: {out:?}");
        assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b), "{args:?} sent ESC: {out:?}");
        assert!(!out.stdout.contains(&0x07), "{args:?} sent BEL");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("antwoorden \\u{1b}[1m.csv"), "the file name: {text}");
        assert!(text.contains("“Extra \\u{1b}[2J kolom”"), "the header: {text}");
        assert!(text.contains("`\\u{1b}[31mX` is not an answer"), "the cell: {text}");
        if args.len() > 2 {
            // Names are cleaned of control characters when a sheet is read; what is left is shown.
            assert!(text.contains("]0;evilAnna)"), "the name: {text}");
        }
    }
    // `report` says the same of the bad cell, on stderr.
    let out = run(&["report", named, "-o", dir.join("out").to_str().unwrap(), "--reports-per-process", "0"]);
    assert!(!out.stderr.contains(&0x1b), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}[31mX"), "{out:?}");
}

#[test]
fn check_lists_the_addresses_mail_will_skip() {
    let dir = scratch("check-addresses");
    let input = addresses_csv(&dir, "Project", "Anna", None);
    let out = run(&["check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("5 respondent(s) will get no mail"), "{text}");
    for (row, address) in [(2, ADDRESSES[0]), (3, ADDRESSES[1]), (4, "jan@ example.nl"), (6, ADDRESSES[4])] {
        let line = format!("row {row}: not an e-mail address: `{address}`");
        assert!(text.contains(&line), "{line} not in:\n{text}");
    }
    assert!(text.contains("no e-mail address: row 5\n"), "{text}");
    assert!(!text.contains("row 7:"), "Anna's address is good: {text}");

    // Without an e-mail column nothing is said about mail.
    let plain = dir.join("zonder.csv");
    std::fs::write(&plain, "naam,R1V1\nJan,A\n").unwrap();
    let out = run(&["check", plain.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("mail"), "{out:?}");
}

#[test]
fn the_check_page_lists_the_addresses_mail_will_skip() {
    let dir = scratch("check-addresses-web");
    let input = addresses_csv(&dir, "Project", "Anna", None);
    let server = Server::start("check-addresses-serve", &[]);
    let session = server.session();
    server.upload_sheets(&session, &[&input]);
    let page = server.get(&format!("{session}controleren")).text();
    assert!(page.contains("Alles is in orde"), "{page}");
    assert!(page.contains("5 deelnemers krijgen hun rapport niet per e-mail"), "{page}");
    let table = &page[page.find("Rijen zonder bruikbaar e-mailadres").expect("the list of addresses")..];
    let body = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    let rows: Vec<&str> = body.split("<tr>").skip(1).collect();
    let cells = |r: &str| -> Vec<String> {
        r.split("<td>").skip(1).map(|c| c.split("</td>").next().unwrap().to_string()).collect()
    };
    let rows: Vec<Vec<String>> = rows.iter().map(|r| cells(r)).collect();
    let numbers: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(numbers, ["2", "3", "4", "5", "6"], "{table}");
    assert!(rows[0][2].contains("meer dan één adres"), "{:?}", rows[0]);
    assert!(
        rows[1][1].contains("Jan &lt;jan@example.nl&gt;") && rows[1][2].contains("een naam bij het adres")
    );
    assert!(rows[2][2].contains("regeleinde"), "{:?}", rows[2]);
    assert_eq!(rows[3][2], "geen e-mailadres");
    assert!(rows[4][2].contains("ontbreekt een naam, een @ of een domein"), "{:?}", rows[4]);
}
