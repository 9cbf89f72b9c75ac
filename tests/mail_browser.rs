//! Step 4 of the web app in a real browser: a consultant sends every respondent
//! their own report without a terminal, to an SMTP server on 127.0.0.1 that this
//! test starts (tests/common/smtp_sink.rs). The run is stopped halfway and sent
//! again: every respondent gets exactly one mail. The drafts come as a zip; the
//! password is never written anywhere or shown again; the command line, pointed
//! at the same send log, finds nothing left to send. axe-core checks every page,
//! at a laptop's width and at a phone's (360 px).

use std::path::Path;

use crate::common;

use common::browser::{Look, heading, open_with, press};
use common::server::unzip;
use common::smtp_sink::{Fault, Sink};
use fantoccini::{Client, Locator};
use mail_parser::MimeHeaders;

const PASSWORD: &str = "uiterst-geheim-5521-wachtwoord";

async fn fill(client: &Client, id: &str, value: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// The server form of the mail page, filled in for the test's SMTP server, and sent.
async fn server_form(client: &Client, sink: &Sink) {
    fill(client, "server", "127.0.0.1").await;
    fill(client, "poort", &sink.port().to_string()).await;
    client.find(Locator::Id("geen")).await.unwrap().click().await.unwrap();
    fill(client, "gebruiker", "marian").await;
    fill(client, "wachtwoord", PASSWORD).await;
    press(client, "Verder").await;
    heading(client, "Versturen bevestigen").await;
}

async fn main_text(client: &Client) -> String {
    client.find(Locator::Css("main")).await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_consultant_mails_every_report_from_the_browser_once() {
    let brand = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/brands/adviesbureau/brand.toml");
    let log_dir = common::scratch("mail-browser-log");
    let (server, _driver, client, axe, screens) = open_with(
        "mail-browser",
        &["--brand", brand.to_str().unwrap(), "--send-log", log_dir.to_str().unwrap()],
    )
    .await;
    let mut look = Look { client: &client, axe, screens, findings: vec![], width: 1200 };
    // The second message is held by the server until the test lets it go: the run is stopped there.
    let sink = Sink::start(Fault::Hold { nth: 2 });

    client.goto(&format!("{}/", server.base)).await.unwrap();
    heading(&client, "Antwoorden kiezen").await;
    let sheet = std::fs::canonicalize("tests/fixtures/web/versturen.csv").unwrap();
    client.find(Locator::Id("antwoorden")).await.unwrap().send_keys(sheet.to_str().unwrap()).await.unwrap();
    client.find(Locator::Css("#upload button[type=submit]")).await.unwrap().click().await.unwrap();
    heading(&client, "Controleren").await;
    client.find(Locator::LinkText("Verder: rapporten maken")).await.unwrap().click().await.unwrap();
    heading(&client, "Rapporten maken").await;
    press(&client, "Alle rapporten maken").await;
    heading(&client, "Klaar").await;
    client.find(Locator::LinkText("Per e-mail versturen")).await.unwrap().click().await.unwrap();

    heading(&client, "Versturen").await;
    let shown = main_text(&client).await;
    // The sender from the brand, one real mail, who gets what and who not and why.
    assert!(shown.contains("Wie krijgt wat: 4 e-mails"), "{shown}");
    assert!(
        shown.contains("Anna <b>Smit</b> <anna@example.org>"),
        "the preview is addressed literally:\n{shown}"
    );
    assert!(shown.contains("Zorggroep & Co - Anna <b>Smit</b>.pdf") || shown.contains(".pdf ("), "{shown}");
    assert!(shown.contains("Geen e-mail: 2"), "{shown}");
    assert!(shown.contains("geen e-mailadres"), "{shown}");
    assert!(shown.contains("“tess@example” is geen bruikbaar e-mailadres"), "{shown}");
    look.page("9-versturen").await;
    let url = client.current_url().await.unwrap().to_string();
    let session = url.trim_start_matches(&server.base).trim_end_matches("versturen").to_string();

    // Drafts: one .eml per mail, marked unsent, in a zip (the same session, fetched directly).
    let drafts = server.post_form(&format!("{session}versturen/concepten.zip"), &[]);
    assert_eq!(drafts.status, 200, "{}", drafts.text());
    let files = unzip(&drafts.body);
    assert_eq!(files.len(), 4, "{:?}", files.keys());
    for (name, eml) in &files {
        let eml = String::from_utf8_lossy(eml);
        assert!(name.ends_with(".eml") && eml.contains("X-Unsent: 1"), "{name}");
    }

    // Send, stopped while the server holds the second mail.
    server_form(&client, &sink).await;
    let confirm = client.source().await.unwrap();
    assert!(confirm.contains("4 e-mails versturen"), "{confirm}");
    assert!(!confirm.contains(PASSWORD), "the password is on the confirmation page");
    look.page("10-versturen-bevestigen").await;
    press(&client, "4 e-mails versturen").await;
    for _ in 0..600 {
        if sink.held() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(sink.held(), "the second mail never reached the server");
    press(&client, "Stoppen").await;
    sink.release();
    heading(&client, "Versturen klaar").await;
    let stopped = main_text(&client).await;
    assert!(stopped.contains("2 e-mails verstuurd; gestopt"), "{stopped}");
    assert!(stopped.contains("2 e-mails zijn nog niet verstuurd"), "{stopped}");
    look.page("11-versturen-gestopt").await;

    // Again: only the two that did not go yet.
    press(&client, "Terug naar versturen").await;
    heading(&client, "Versturen").await;
    let again = main_text(&client).await;
    assert!(again.contains("Wie krijgt wat: 2 e-mails"), "{again}");
    assert!(again.contains("al verstuurd aan anna@example.org"), "{again}");
    server_form(&client, &sink).await;
    press(&client, "2 e-mails versturen").await;
    heading(&client, "Versturen klaar").await;
    assert!(main_text(&client).await.contains("2 e-mails verstuurd."));
    press(&client, "Terug naar versturen").await;
    heading(&client, "Versturen").await;
    let done = main_text(&client).await;
    assert!(done.contains("Er is niemand meer om een e-mail aan te sturen"), "{done}");
    assert!(client.find(Locator::Id("wachtwoord")).await.is_err(), "a send form with nothing left to send");

    // The same pages at a phone's width.
    client.set_window_size(360, 800).await.unwrap();
    look.width = 360;
    look.page("9-versturen-telefoon").await;
    let findings = std::mem::take(&mut look.findings);
    client.close().await.unwrap();
    assert!(findings.is_empty(), "axe-core found accessibility problems:\n{}", findings.join("\n"));

    // Exactly one mail per respondent with an address, each with their own report.
    let received = sink.messages();
    let mut to: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to,
        ["anna@example.org", "jeroen@example.com", "karin@example.net", "piet.devries@example.org"],
        "{received:?}"
    );
    for message in &received {
        let parsed = mail_parser::MessageParser::default().parse(&message.data).unwrap();
        let attachment = parsed.attachments().next().expect("a report attached");
        let name = attachment.attachment_name().unwrap_or_default().to_string();
        let first = message.to[0].split('@').next().unwrap().split('.').next().unwrap().to_lowercase();
        assert!(name.to_lowercase().contains(&first), "{name} went to {:?}", message.to);
    }
    assert!(sink.logins().iter().all(|(user, password)| user == "marian" && password == PASSWORD));

    // The password is nowhere on disk: not in the send log, the session's files or the server's log.
    let mut seen = vec![];
    for dir in [&log_dir, &server.tmp] {
        for file in walk(dir) {
            if std::fs::read(&file)
                .is_ok_and(|bytes| bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()))
            {
                seen.push(file.display().to_string());
            }
        }
    }
    assert!(seen.is_empty(), "the password was written to {seen:?}");

    // The command line, on the same reports and send log, has nothing left to send.
    let reports =
        server.root().join(session.trim_start_matches("/s/").trim_end_matches('/')).join("rapporten");
    let cli = common::run(&[
        "mail",
        reports.to_str().unwrap(),
        "--send-log",
        log_dir.to_str().unwrap(),
        "--dry-run",
    ]);
    let said = String::from_utf8_lossy(&cli.stderr).into_owned() + &String::from_utf8_lossy(&cli.stdout);
    assert_eq!(said.matches("sent to ").count(), 4, "{said}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
