//! Never twice: two runs on one folder at the same time, a re-run after
//! `report` named the reports differently, and a send log from before the log
//! named the respondent.

use std::process::{Command, Output, Stdio};

use super::*;

/// `mail DIR --send` as a child process, its output captured.
fn spawn_send(dir: &Path, sink: &Sink) -> std::process::Child {
    let mut command: Command = bin();
    command
        .arg("mail")
        .arg(dir)
        .args(["--send", "--smtp", &sink.address(), "--tls", "none", "--smtp-user", "marian"])
        .env("HANDREIKING_SMTP_PASSWORD", PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().expect("binary runs")
}

/// Exactly one mail per address over everything the sinks received.
fn once_each(received: &[smtp_sink::Received]) -> Vec<String> {
    let mut to: Vec<String> = received.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    let all = to.len();
    to.dedup();
    assert_eq!(all, to.len(), "one mail per respondent: {to:?}");
    to
}

const BUSY: &str = "another `handreiking mail` run on this folder is busy";

#[test]
fn two_runs_started_at_once_send_each_mail_once() {
    let dir = reports("mail-at-once", "email.csv");
    let sink = Sink::start(Fault::None);
    let (a, b) = (spawn_send(&dir, &sink), spawn_send(&dir, &sink));
    let runs: Vec<Output> = [a, b].into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let said: Vec<String> = runs.iter().map(text).collect();
    let received = sink.messages();
    assert_eq!(once_each(&received).len(), 5, "{said:?}");
    assert_each_to_its_own(&dir, &received);
    // Whichever came second stopped at the lock, or (when the first was done
    // by then) found everything sent.
    let sent_all = said.iter().filter(|s| s.contains("sent 5 mail(s)")).count();
    let second = said.iter().filter(|s| s.contains(BUSY) || s.contains("sent 0 mail(s)")).count();
    assert_eq!((sent_all, second), (1, 1), "{said:?}");
}

#[test]
fn a_second_run_while_one_is_sending_stops_at_once() {
    let dir = reports("mail-busy", "email.csv");
    // The first run is held with its second message on the way, lock in hand.
    let sink = Sink::start(Fault::Hold { nth: 2 });
    let mut first = spawn_send(&dir, &sink);
    while !sink.held() {
        if let Some(status) = first.try_wait().unwrap() {
            panic!("the first run ended ({status}) before its second message");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let lock = dir.join("mail-log.lock");
    for (second, what) in [(send(&dir, &sink, &[]), "a send"), (mail(&dir, &[]), "drafts")] {
        assert_eq!(second.status.code(), Some(1), "{what}: {}", text(&second));
        let said = text(&second);
        assert!(said.contains(BUSY) && said.contains(&lock.display().to_string()), "{what}: {said}");
        assert!(said.contains("hint: wait until that run has finished"), "{what}: {said}");
        assert!(!said.contains("sent row") && !said.contains("draft(s)"), "{what}: {said}");
    }
    assert!(!dir.join("mail").exists(), "the drafts run wrote nothing");
    sink.release();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", text(&first));
    let received = sink.messages();
    assert_eq!(once_each(&received).len(), 5);
    assert_each_to_its_own(&dir, &received);

    // The lock goes with the run: the next run reads the log and sends nothing again.
    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(again.messages().is_empty());
}

#[test]
fn a_rerun_of_report_that_renames_the_reports_sends_nothing_again() {
    let dir = reports("mail-renamed", "email.csv");
    let sink = Sink::start(Fault::None);
    let out = send(&dir, &sink, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let first = sink.messages();
    assert_eq!(first.len(), 5);

    // The sheet again with a namesake of Piet's, at his organisation, above
    // him (his report becomes `… (2).pdf`, the namesake's gets his old name),
    // and one of Karin's answers added.
    let sheet = std::fs::read_to_string("tests/fixtures/sheets/email.csv").unwrap();
    let karin = sheet.lines().find(|l| l.starts_with("Karin Bos,")).unwrap();
    let mut lines: Vec<String> = sheet.lines().map(String::from).collect();
    let karin_at = lines.iter().position(|l| l == karin).unwrap();
    lines[karin_at] = karin.replacen(",B,A,,A,", ",B,A,A,A,", 1);
    assert_ne!(lines[karin_at], karin);
    let piet_at = lines.iter().position(|l| l.starts_with("Piet de Vries,")).unwrap();
    lines.insert(
        piet_at,
        "Piet de Vries,Welzijn Oost,2026-03-20,p.devries@example.org,A,A,A,A,A,A,A,A,A,A,A,A".into(),
    );
    let rerun = scratch("mail-renamed-sheet").join("antwoorden.csv");
    std::fs::write(&rerun, lines.join("\n") + "\n").unwrap();
    let done = run(&[
        "report",
        "-o",
        dir.to_str().unwrap(),
        "--brand",
        &brand(),
        "--force",
        rerun.to_str().unwrap(),
    ]);
    assert!(done.status.success(), "{}", text(&done));
    let rows = written_rows(&dir);
    assert_eq!(rows["piet.devries@example.org"].0, "Welzijn Oost - Piet de Vries (2).pdf");
    assert_eq!(rows["p.devries@example.org"].0, "Welzijn Oost - Piet de Vries.pdf");

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    // Karin's newer report waits for the user.
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let second = again.messages();
    assert_eq!(second.iter().map(|m| m.to[0].as_str()).collect::<Vec<_>>(), vec!["p.devries@example.org"]);
    assert_each_to_its_own(&dir, &second);
    let all: Vec<_> = first.into_iter().chain(second).collect();
    assert_eq!(once_each(&all).len(), 6, "five respondents and the namesake, once each");

    let said = text(&out);
    let line = |who: &str| said.lines().find(|l| l.contains(who)).map(String::from).unwrap_or_default();
    let piet = line("<piet.devries@example.org>");
    assert!(
        piet.contains("skipped: sent to piet.devries@example.org")
            && piet.contains("then named `Welzijn Oost - Piet de Vries.pdf`"),
        "{said}"
    );
    let karin = line("<karin@example.net>");
    assert!(
        karin.contains("an earlier version of this report") && karin.contains("this one is newer"),
        "{said}"
    );
    // Every report of the re-run differs in its bytes (listed as newer); none goes twice.
    let anna = line("<anna@example.org>");
    assert!(anna.contains("skipped: sent to anna@example.org on"), "{said}");
}

#[test]
fn a_send_log_from_before_it_named_respondents_still_counts() {
    let dir = reports("mail-old-log", "email.csv");
    let sink = Sink::start(Fault::None);
    assert!(send(&dir, &sink, &[]).status.success());
    assert_eq!(sink.messages().len(), 5);
    // The lines as an earlier version wrote them: found by the report's name only.
    let path = dir.join("mail-log.jsonl");
    let old: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|line| {
            let mut entry: serde_json::Value = serde_json::from_str(line).unwrap();
            let fields = entry.as_object_mut().unwrap();
            assert!(fields.remove("naam").is_some(), "{line}");
            fields.remove("organisatie");
            fields.remove("nth");
            format!("{entry}\n")
        })
        .collect();
    std::fs::write(&path, old).unwrap();

    let again = Sink::start(Fault::None);
    let out = send(&dir, &again, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(again.messages().is_empty(), "nothing twice");
    assert_eq!(text(&out).matches("skipped: sent to").count(), 5, "{}", text(&out));
    assert!(!text(&out).contains("earlier version"), "the same reports: {}", text(&out));
}
