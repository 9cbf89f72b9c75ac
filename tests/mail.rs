//! Delivering the reports: drafts parsed back with a MIME parser, and mail sent
//! to an SMTP server on loopback that the test starts and stops. Every report
//! goes to its own respondent once, whatever happens in between.

use crate::common;
// Two runs at once, re-runs after `report`, old send logs.
#[path = "mail/twice.rs"]
mod twice;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use mail_parser::{Message, MessageParser, MimeHeaders};

use common::smtp_sink::{self, Fault, Sink};
use common::{bin, run, scratch};

const PASSWORD: &str = "zeer-geheim-7319-wachtwoord";
const SENDER: &str = "marian@verbinding-en-co.example";

fn brand() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/brands/adviesbureau/brand.toml")
        .display()
        .to_string()
}

/// Reports for a fixture sheet, rendered once per test run (with the
/// consultancy's brand, which has a sender) and copied into a fresh folder per test.
fn reports(test: &str, sheet: &'static str) -> PathBuf {
    static EMAIL: OnceLock<PathBuf> = OnceLock::new();
    static PROBLEMS: OnceLock<PathBuf> = OnceLock::new();
    let cell = if sheet == "email.csv" { &EMAIL } else { &PROBLEMS };
    let rendered = cell.get_or_init(|| {
        let out = scratch(&format!("mail-rendered-{sheet}"));
        let input = format!("tests/fixtures/sheets/{sheet}");
        let done = run(&["report", "-o", out.to_str().unwrap(), "--brand", &brand(), &input]);
        assert!(done.status.code().is_some_and(|c| c == 0 || c == 3), "{}", text(&done));
        out
    });
    let dir = scratch(test).join("rapporten");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(rendered).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// `handreiking mail DIR ARGS…`, with the password in the environment as a user would set it.
fn mail(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("mail")
        .arg(dir)
        .args(args)
        .env("HANDREIKING_SMTP_PASSWORD", PASSWORD)
        .output()
        .expect("binary runs")
}

fn send(dir: &Path, sink: &Sink, extra: &[&str]) -> Output {
    let address = sink.address();
    let mut args = vec!["--send", "--smtp", &address, "--tls", "none", "--smtp-user", "marian"];
    args.extend_from_slice(extra);
    mail(dir, &args)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Written rows by address: (report file name, respondent).
fn written_rows(dir: &Path) -> BTreeMap<String, (String, String)> {
    manifest(dir)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "written" && r["email"].is_string())
        .map(|r| {
            let address = r["email"].as_str().unwrap().to_string();
            (
                address,
                (r["output"].as_str().unwrap().to_string(), r["respondent"].as_str().unwrap().to_string()),
            )
        })
        .collect()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default().parse(bytes).expect("a MIME message")
}

fn to_of(message: &Message) -> String {
    message.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_string()
}

/// The one attachment's name and bytes.
fn attachment(message: &Message) -> (String, Vec<u8>) {
    let parts: Vec<_> = message.attachments().collect();
    assert_eq!(parts.len(), 1, "one attachment");
    (parts[0].attachment_name().unwrap_or_default().to_string(), parts[0].contents().to_vec())
}

/// Every message a sink received is for the row of its recipient, with that row's report.
fn assert_each_to_its_own(dir: &Path, received: &[smtp_sink::Received]) {
    let rows = written_rows(dir);
    for m in received {
        let message = parse(&m.data);
        let to = to_of(&message);
        assert_eq!(m.to.first(), Some(&to), "envelope and To agree");
        let (report, _) = rows.get(&to).unwrap_or_else(|| panic!("a mail to {to}, who has no row"));
        let (name, bytes) = attachment(&message);
        assert_eq!(&name, report, "the report of {to}'s own row");
        assert_eq!(bytes, std::fs::read(dir.join(report)).unwrap(), "the exact PDF");
        assert!(message.header("X-Unsent").is_none(), "a sent mail is no draft");
    }
}

#[test]
fn drafts_parse_back_with_each_respondent_s_own_report() {
    let dir = reports("mail-drafts", "email.csv");
    let out = mail(&dir, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let rows = written_rows(&dir);
    assert_eq!(rows.len(), 5, "every row has its address in the manifest");
    let drafts: Vec<PathBuf> =
        std::fs::read_dir(dir.join("mail")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(drafts.len(), 5);
    for path in &drafts {
        let bytes = std::fs::read(path).unwrap();
        let message = parse(&bytes);
        let to = to_of(&message);
        let (report, respondent) = &rows[&to];
        assert_eq!(path.file_name().unwrap().to_string_lossy(), report.replace(".pdf", ".eml"));
        assert_eq!(message.from().and_then(|a| a.first()).and_then(|a| a.address()), Some(SENDER));
        assert_eq!(message.from().and_then(|a| a.first()).and_then(|a| a.name()), Some("Marian de Boer"));
        assert_eq!(
            message.subject(),
            Some("Uw adviesrapport bij de handreiking Digitaal samenwerken in welzijn en zorg")
        );
        assert_eq!(message.header("X-Unsent").and_then(|h| h.as_text()), Some("1"));
        let (name, pdf) = attachment(&message);
        assert_eq!(&name, report);
        assert_eq!(pdf, std::fs::read(dir.join(report)).unwrap(), "the exact bytes of the row's report");
        let plain = message.body_text(0).unwrap();
        assert!(plain.starts_with(&format!("Beste {respondent},")), "{plain}");
        assert!(plain.contains("Marian de Boer") && plain.contains("Verbinding & Co Advies"), "{plain}");
        let html = message.body_html(0).unwrap();
        assert!(html.contains("Verbinding &amp; Co Advies"), "{html}");
    }
    // User text is shown, never run: the name with markup in it, escaped in the HTML.
    let anna = parse_file(&dir.join("mail/Zorggroep & Co - Anna _b_Smit__b_.eml"));
    let plain = anna.body_text(0).unwrap().into_owned();
    let html = anna.body_html(0).unwrap().into_owned();
    assert!(plain.starts_with("Beste Anna <b>Smit</b>,"), "{plain}");
    assert!(plain.contains("op 12 maart 2026"), "the date as a Dutch reader writes it: {plain}");
    assert!(html.contains("Beste Anna &lt;b&gt;Smit&lt;/b&gt;,"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    // Drafts change nothing that would stop a later send.
    assert!(!dir.join("mail-log.jsonl").exists());
}

fn parse_file(path: &Path) -> Message<'static> {
    let bytes: &'static [u8] = Box::leak(std::fs::read(path).unwrap().into_boxed_slice());
    parse(bytes)
}

#[test]
fn report_with_mail_writes_the_drafts_too() {
    let dir = scratch("mail-report-flag");
    let out = dir.join("rapporten");
    let done = run(&[
        "report",
        "-o",
        out.to_str().unwrap(),
        "--brand",
        &brand(),
        "--mail",
        "tests/fixtures/sheets/email.csv",
    ]);
    assert!(done.status.success(), "{}", text(&done));
    let drafts = std::fs::read_dir(out.join("mail")).unwrap().count();
    assert_eq!(drafts, 5);
    // Without a sender's address (the embedded brand has none) nothing goes out in nobody's name.
    let plain = dir.join("zonder-merk");
    let done = run(&["report", "-o", plain.to_str().unwrap(), "--mail", "tests/fixtures/sheets/email.csv"]);
    assert_eq!(done.status.code(), Some(2), "{}", text(&done));
    assert!(text(&done).contains("the brand has no sender's address"), "{}", text(&done));
    assert!(!plain.join("mail").exists());
}

#[test]
fn rows_without_a_usable_address_are_listed_and_skipped() {
    let dir = reports("mail-problems", "email-problems.csv");
    let out = mail(&dir, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = text(&out);
    for (who, why) in [
        ("Ruud Zonder", "skipped: no e-mail address"),
        ("Tess Typo <tess@example>", "the domain `example` has no dot"),
        ("Bram Twee", "holds more than one address"),
        ("Lies Gedeeld <team@example.org>", "the same address as row 6"),
        ("Mark Gedeeld <Team@Example.org>", "the same address as row 5"),
        ("row 8", "no report for this row (bad in `report`)"),
    ] {
        let line = said.lines().find(|l| l.contains(who)).unwrap_or_else(|| panic!("{who} listed:\n{said}"));
        assert!(line.contains(why), "{who}: {line}");
    }
    let drafts: Vec<String> = std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(drafts, vec!["Buurtteam Noord - Goed Adres.eml"]);

    // One person with two reports: only when asked for.
    let out = mail(&dir, &["--allow-shared-address"]);
    assert_eq!(out.status.code(), Some(3), "the rows without an address remain: {}", text(&out));
    let mut drafts: Vec<String> = std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    drafts.sort();
    assert_eq!(
        drafts,
        vec![
            "Buurtteam Noord - Goed Adres.eml",
            "Team Oost - Lies Gedeeld.eml",
            "Team Oost - Mark Gedeeld.eml"
        ]
    );
    let lies = parse_file(&dir.join("mail/Team Oost - Lies Gedeeld.eml"));
    assert_eq!(attachment(&lies).0, "Team Oost - Lies Gedeeld.pdf", "each with their own report");
}

#[test]
fn every_mail_arrives_once_and_a_rerun_sends_nothing() {
    let dir = reports("mail-send", "email.csv");
    // Drafts first, then sent after all: no draft is left to send a second time by hand.
    assert!(mail(&dir, &[]).status.success());
    assert_eq!(std::fs::read_dir(dir.join("mail")).unwrap().count(), 5);
    let sink = Sink::start(Fault::None);
    let out = send(&dir, &sink, &["--bcc-sender", "--per-minute", "6000"]);
    assert!(out.status.success(), "{}", text(&out));
    let received = sink.messages();
    assert_eq!(received.len(), 5, "{}", text(&out));
    assert_each_to_its_own(&dir, &received);
    let mut to: Vec<String> = received.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "five respondents, once each");
    for m in &received {
        assert_eq!(m.from, SENDER);
        assert_eq!(m.to.get(1).map(String::as_str), Some(SENDER), "the blind copy goes to the sender");
        assert!(!String::from_utf8_lossy(&m.data).contains("Bcc:"), "a blind copy is not named in the mail");
    }
    // Signed in with the password, which appears nowhere else.
    assert_eq!(sink.logins(), vec![("marian".to_string(), PASSWORD.to_string())]);
    let log = std::fs::read_to_string(dir.join("mail-log.jsonl")).unwrap();
    for written in [text(&out), log.clone(), std::fs::read_to_string(dir.join("manifest.json")).unwrap()] {
        assert!(!written.contains(PASSWORD));
    }
    assert_eq!(log.lines().filter(|l| l.contains("\"event\":\"sent\"")).count(), 5);
    assert_eq!(std::fs::read_dir(dir.join("mail")).unwrap().count(), 0, "the drafts of sent mail are gone");

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(again.messages().is_empty(), "nothing twice");
    assert!(again.logins().is_empty(), "nothing to send: no connection");
    assert_eq!(text(&out).matches("skipped: sent to").count(), 5, "{}", text(&out));
}

#[test]
fn a_refused_message_is_sent_by_the_rerun_and_only_that_one() {
    let dir = reports("mail-refused", "email.csv");
    let sink = Sink::start(Fault::Refuse { nth: 3, reply: "554 5.7.1 message refused" });
    let out = send(&dir, &sink, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let refused =
        text(&out).lines().find(|l| l.contains("refused, row")).map(String::from).unwrap_or_default();
    assert!(refused.contains("(554)") && refused.contains("message refused"), "{}", text(&out));
    let first = sink.messages();
    assert_eq!(first.len(), 4, "the run went on after the refusal");

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let second = again.messages();
    assert_eq!(second.len(), 1);
    let all: Vec<_> = first.into_iter().chain(second).collect();
    assert_each_to_its_own(&dir, &all);
    let mut to: Vec<&str> = all.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to.len(), 5);
    to.dedup();
    assert_eq!(to.len(), 5, "exactly one mail per respondent over both runs");
}

#[test]
fn a_server_that_says_try_later_stops_the_run_and_the_rerun_finishes() {
    let dir = reports("mail-later", "email.csv");
    let sink = Sink::start(Fault::Refuse { nth: 3, reply: "451 4.7.0 too many messages, try again later" });
    let out = send(&dir, &sink, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("2 mail(s) were not tried"), "{}", text(&out));
    let first = sink.messages();
    assert_eq!(first.len(), 2);

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let all: Vec<_> = first.into_iter().chain(again.messages()).collect();
    assert_each_to_its_own(&dir, &all);
    let mut to: Vec<&str> = all.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    to.dedup();
    assert_eq!((all.len(), to.len()), (5, 5), "exactly one mail per respondent");
}

#[test]
fn a_message_that_may_have_arrived_is_not_sent_again() {
    let dir = reports("mail-broken", "email.csv");
    // The connection breaks after the third message's data: it may have arrived.
    let sink = Sink::start(Fault::Drop { nth: 3 });
    let out = send(&dir, &sink, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(sink.messages().len(), 2);
    let log = std::fs::read_to_string(dir.join("mail-log.jsonl")).unwrap();
    let uncertain: serde_json::Value =
        serde_json::from_str(log.lines().find(|l| l.contains("\"event\":\"uncertain\"")).unwrap()).unwrap();

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert_eq!(out.status.code(), Some(3), "one row waits for the user: {}", text(&out));
    let sent: Vec<String> = again.messages().iter().map(|m| m.to[0].clone()).collect();
    assert_eq!(sent.len(), 2, "the two not tried");
    let to = uncertain["to"].as_str().unwrap();
    assert!(!sent.iter().any(|s| s == to), "{to} is not sent again");
    let line = text(&out).lines().find(|l| l.contains(to)).map(String::from).unwrap_or_default();
    assert!(line.contains("may have arrived"), "{line}");
}

#[test]
fn a_changed_report_is_listed_and_not_sent() {
    let dir = reports("mail-changed", "email.csv");
    let rows = written_rows(&dir);
    let (report, _) = &rows["piet.devries@example.org"];
    let mut bytes = std::fs::read(dir.join(report)).unwrap();
    bytes.extend_from_slice(b"\n% changed\n");
    std::fs::write(dir.join(report), bytes).unwrap();

    let out = mail(&dir, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let line = text(&out).lines().find(|l| l.contains("Piet de Vries")).map(String::from).unwrap_or_default();
    assert!(line.contains("the report changed since `report` wrote it"), "{line}");
    assert!(!dir.join("mail").join(report.replace(".pdf", ".eml")).exists());

    let sink = Sink::start(Fault::None);
    let out = send(&dir, &sink, &[]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let received = sink.messages();
    assert_eq!(received.len(), 4);
    assert!(received.iter().all(|m| m.to[0] != "piet.devries@example.org"));
    assert_each_to_its_own(&dir, &received);
}

#[test]
fn a_dry_run_lists_and_sends_nothing() {
    let dir = reports("mail-dry-run", "email.csv");
    let sink = Sink::start(Fault::None);
    let out = send(&dir, &sink, &["--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("5 mail(s) would be sent via 127.0.0.1"), "{said}");
    assert!(
        said.contains("Anna <b>Smit</b> <anna@example.org>  ← Zorggroep & Co - Anna _b_Smit__b_.pdf"),
        "{said}"
    );
    assert!(sink.messages().is_empty() && sink.logins().is_empty());
    assert!(!dir.join("mail").exists() && !dir.join("mail-log.jsonl").exists());
}

#[test]
fn unencrypted_to_another_host_is_refused_before_anything_happens() {
    let dir = reports("mail-tls-none", "email.csv");
    // A reserved name (RFC 2606): a connection attempt could not reach anything.
    let out = mail(&dir, &["--send", "--smtp", "smtp.example.invalid:25", "--tls", "none"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("--tls none would send the reports and the password unencrypted"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("cannot connect"), "no connection was tried");
    assert!(!dir.join("mail-log.jsonl").exists() && !dir.join("mail").exists());
    // The password is never a flag.
    let out = mail(&dir, &["--send", "--smtp", "localhost", "--smtp-password", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn survey_tools_e_mail_columns_are_recorded_and_anonymous_is_no_address() {
    let dir = scratch("mail-forms");
    // Signed-in Microsoft Forms and Google Forms collect addresses; an anonymous
    // Microsoft form writes "anonymous" in its `Email` column.
    for (export, addresses) in
        [("microsoft-forms-nl.xlsx", true), ("microsoft-forms-en.xlsx", false), ("google-forms.csv", true)]
    {
        let out = dir.join(export);
        let done = run(&["report", "-o", out.to_str().unwrap(), &format!("examples/exports/{export}")]);
        assert!(done.status.success(), "{export}: {}", text(&done));
        let rows = manifest(&out)["rows"].as_array().unwrap().clone();
        assert!(!rows.is_empty());
        for row in &rows {
            let email = row["email"].as_str();
            match addresses {
                true => assert!(email.is_some_and(|a| a.ends_with("@example.nl")), "{export}: {row}"),
                false => assert_eq!(email, None, "{export}: {row}"),
            }
        }
    }
}

#[test]
fn starttls_is_required_not_tried() {
    let dir = reports("mail-starttls", "email.csv");
    // The sink offers no STARTTLS: nothing may go over the plain connection.
    let sink = Sink::start(Fault::None);
    let address = sink.address();
    let out = mail(&dir, &["--send", "--smtp", &address, "--smtp-user", "marian"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("does not offer STARTTLS"), "{}", text(&out));
    assert!(sink.messages().is_empty() && sink.logins().is_empty(), "no password, no mail in the clear");
    assert!(!text(&out).contains(PASSWORD));
}
