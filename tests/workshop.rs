//! `handreiking workshop`, the live user meeting, run for real: the board on
//! 127.0.0.1, phones on 127.0.0.2 (the venue's network), answers in the
//! meeting's database. Three phones answer and each gets their own advice
//! and PDF; the board counts them and shows the room only when asked; a
//! `kill -9` loses nothing; the export goes back through `check`, `report`,
//! `group` and `--earlier`; closing and deleting do what they say; the venue
//! serves nothing of the facilitator's.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::meeting::{Meeting, Phone, free_port};
use common::{Pdf, pdfs, run, run_ok, scratch, squash};

/// The question ids on reflection page `n`, as the page's radio buttons name them.
fn questions_on(phone: &mut Phone, n: usize) -> Vec<String> {
    common::meeting::radio_names(&phone.get(&format!("/vraag/{n}")).text())
}

/// Answers every page with `pick(question index)`; the answers given, by question id.
fn answer_all(phone: &mut Phone, pick: impl Fn(usize) -> &'static str) -> BTreeMap<String, String> {
    let mut given = BTreeMap::new();
    let mut n = 1;
    loop {
        let ids = questions_on(phone, n);
        assert!(!ids.is_empty(), "page {n} has no questions");
        let answers: Vec<(String, &str)> = ids
            .iter()
            .map(|id| {
                let letter = pick(given.len());
                given.insert(id.clone(), letter.to_string());
                (id.clone(), letter)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = answers.iter().map(|(id, l)| (id.as_str(), *l)).collect();
        let sent = phone.answer(n, &pairs);
        assert_eq!(sent.status, 303, "{}", sent.text());
        match sent.location.as_deref() {
            Some("/advies") => return given,
            Some(next) => assert_eq!(next, format!("/vraag/{}", n + 1)),
            None => panic!("no next page"),
        }
        n += 1;
    }
}

fn joined(meeting: &Meeting, naam: &str, organisatie: &str) -> Phone {
    let mut phone = meeting.phone();
    let sent = phone.join(&meeting.code(), naam, organisatie);
    assert_eq!((sent.status, sent.location.as_deref()), (303, Some("/vraag/1")), "{}", sent.text());
    phone
}

#[test]
fn three_phones_answer_and_each_gets_their_own_advice_and_pdf_while_the_board_counts() {
    let dir = scratch("workshop-three").join("bijeenkomst");
    let meeting = Meeting::start(&dir, free_port("127.0.0.2"), &["--ask-names"]);
    let picks: [fn(usize) -> &'static str; 3] = [|_| "A", |_| "B", |i| if i % 2 == 0 { "A" } else { "B" }];
    let people = [("Anouk de Vries", "Zorggroep Oost"), ("Piet <b>Smit</b>", "Welzijn & Co"), ("", "")];
    let mut phones = vec![];
    let mut given = vec![];
    for ((naam, org), pick) in people.iter().zip(picks) {
        let mut phone = joined(&meeting, naam, org);
        given.push(answer_all(&mut phone, pick));
        phones.push(phone);
    }
    let questions = given[0].len();
    assert_eq!(questions, 12, "the handreiking has 12 questions");

    for (i, phone) in phones.iter_mut().enumerate() {
        // Their advice, at once: each answer, and nobody else's name.
        let advice = phone.get("/advies");
        assert_eq!(advice.status, 200);
        let page = advice.text();
        let a = page.matches("Uw antwoord: <strong>A</strong>").count();
        let b = page.matches("Uw antwoord: <strong>B</strong>").count();
        let expected_a = given[i].values().filter(|l| *l == "A").count();
        assert_eq!((a, b), (expected_a, questions - expected_a), "participant {i}");
        for (j, (naam, _)) in people.iter().enumerate() {
            if j != i && !naam.is_empty() {
                assert!(!page.contains(naam.split(' ').next().unwrap()), "participant {i} sees {naam}");
            }
        }
        // Their PDF, made by the render processes, with their name on it.
        let pdf = phone.get("/advies.pdf");
        assert_eq!((pdf.status, pdf.content_type.as_str()), (200, "application/pdf"), "{}", pdf.text());
        let file = dir.with_extension(format!("pdf-{i}"));
        std::fs::write(&file, &pdf.body).unwrap();
        let text = squash(&Pdf::load(&file).all_text());
        if !people[i].0.is_empty() {
            assert!(text.contains(&squash(people[i].0)), "participant {i}'s PDF lacks their name");
        }
        assert!(text.contains(&squash("Persoonlijk")) || text.contains(&squash("Adviesrapport")));
        // Again: the same file, not made twice.
        assert_eq!(phone.get("/advies.pdf").body, pdf.body);
    }
    // The board counts everyone; the room's answers only once shown.
    let mut board = meeting.facilitator();
    let page = board.get("/").text();
    assert!(page.contains("<strong>3</strong> deelnemers doen mee, <strong>3</strong> zijn klaar"), "{page}");
    assert!(!page.contains("A (verbetermogelijkheden)"), "results shown before asked");
    assert_eq!(board.post("/tonen", &[("tonen", "ja")]).status, 303);
    let stand = board.get("/stand").text();
    let first = given.iter().filter(|g| g.values().next().unwrap() == "A").count();
    assert!(
        stand.contains(&format!("A (verbetermogelijkheden): {first} (")),
        "the first question's count of A is {first}:\n{stand}"
    );
    assert!(!stand.contains("Anouk"), "the room's view shows no names");

    // The venue serves phones only: no board route, no export, not for another Host.
    let mut stranger = meeting.phone();
    for path in ["/antwoorden.csv", "/antwoorden.xlsx", "/stand", "/stroom", "/groepsrapport.pdf", "/qr.svg"]
    {
        assert_eq!(stranger.get(path).status, 404, "{path} on the venue");
    }
    assert_eq!(stranger.post("/tonen", &[("tonen", "nee")]).status, 404);
    let venue = meeting.venue.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&venue).unwrap();
    use std::io::{Read, Write};
    write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 403"), "another Host on the venue: {answer}");

    // Forms without this phone's token are refused.
    assert_eq!(phones[0].post("/vraag/1", &[("csrf", "0123"), ("R1V1", "A")]).status, 403);
    let mut forger = meeting.phone();
    forger.get("/");
    let forged =
        forger.post("/meedoen", &[("csrf", "00000000000000000000000000000000"), ("code", &meeting.code())]);
    assert_eq!(forged.status, 403);
    // An answer that is not A or B, or a question that is not there, is not stored.
    let page = phones[0].get("/vraag/1").text();
    let csrf = common::meeting::hidden(&page, "csrf");
    let bad = phones[0].post("/vraag/1", &[("csrf", &csrf), ("R1V1", "C")]);
    assert_eq!(bad.status, 400);
    assert_eq!(phones[0].get("/vraag/99").status, 404);

    // A body bigger than any form is not read; a flood from one phone is held back;
    // and the meeting goes on for everyone.
    let big = "A".repeat(100_000);
    assert_eq!(phones[0].post("/vraag/1", &[("csrf", &csrf), ("R1V1", &big)]).status, 413);
    let mut flood = meeting.phone();
    let held = (0..400).map(|_| flood.get("/privacy").status).filter(|s| *s == 429).count();
    assert!(held > 0, "400 requests at once from one phone were all served");
    assert_eq!(phones[1].get("/advies").status, 200);

    // The folder is this account's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("workshop.sqlite")), 0o600);
    }
}

#[test]
fn a_kill_9_loses_nothing_and_every_phone_goes_on_where_it_was() {
    let dir = scratch("workshop-kill").join("bijeenkomst");
    let port = free_port("127.0.0.2");
    let mut meeting = Meeting::start(&dir, port, &[]);
    let code = meeting.code();
    let mut first = joined(&meeting, "", "");
    let ids1 = questions_on(&mut first, 1);
    let ids2 = questions_on(&mut first, 2);
    let a: Vec<(&str, &str)> = ids1.iter().map(|id| (id.as_str(), "B")).collect();
    assert_eq!(first.answer(1, &a).status, 303);
    let b: Vec<(&str, &str)> = ids2.iter().map(|id| (id.as_str(), "A")).collect();
    assert_eq!(first.answer(2, &b).status, 303);
    let mut second = joined(&meeting, "", "");
    assert_eq!(second.answer(1, &a).status, 303);

    meeting.kill();
    let meeting = Meeting::start(&dir, port, &[]);
    assert!(meeting.said().contains("hervat"), "{}", meeting.said());
    assert_eq!(meeting.code(), code, "the join code stays");
    // Each phone, with the cookie it had, goes on at its first open page.
    assert_eq!(first.get("/").location.as_deref(), Some("/vraag/3"));
    assert_eq!(second.get("/").location.as_deref(), Some("/vraag/2"));
    let page = first.get("/vraag/1").text();
    assert_eq!(page.matches("value=\"B\" checked").count(), ids1.len(), "the answers given before the kill");
    let board = meeting.facilitator().get("/").text();
    assert!(
        board.contains("<strong>2</strong> deelnemers doen mee, <strong>0</strong> zijn klaar"),
        "{board}"
    );
}

#[test]
fn the_export_goes_back_through_check_report_group_and_earlier_exactly() {
    let dir = scratch("workshop-export").join("bijeenkomst");
    let meeting = Meeting::start(&dir, free_port("127.0.0.2"), &["--ask-names"]);
    let mut given = vec![];
    for (naam, org, pick) in [
        (
            "Anouk de Vries",
            "Zorggroep Oost",
            (|i| if i % 3 == 0 { "B" } else { "A" }) as fn(usize) -> &'static str,
        ),
        ("José Álvarez", "Buurtzorg; Noord", |i| if i % 2 == 0 { "B" } else { "A" }),
    ] {
        let mut phone = joined(&meeting, naam, org);
        given.push((naam, answer_all(&mut phone, pick)));
    }
    let mut board = meeting.facilitator();
    let out = scratch("workshop-export-out");
    for (path, file) in [("/antwoorden.csv", "antwoorden.csv"), ("/antwoorden.xlsx", "antwoorden.xlsx")] {
        let reply = board.get(path);
        assert_eq!(reply.status, 200, "{}", reply.text());
        std::fs::write(out.join(file), &reply.body).unwrap();
    }
    for file in ["antwoorden.csv", "antwoorden.xlsx"] {
        let sheet = out.join(file);
        let sheet = sheet.to_str().unwrap();
        let check = run(&["check", sheet]);
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
        // Every answer as given, read back from the report data.
        let data = out.join(format!("data-{file}"));
        let reports = out.join(format!("rapporten-{file}"));
        run_ok(&["report", sheet, "-o", reports.to_str().unwrap(), "--emit-data", data.to_str().unwrap()]);
        assert_eq!(pdfs(&reports).len(), 2);
        for (naam, answers) in &given {
            let json = std::fs::read_dir(&data)
                .unwrap()
                .flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .find(|j| j.contains(naam))
                .unwrap_or_else(|| panic!("no report data for {naam}"));
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            let mut read = BTreeMap::new();
            for r in value["reflecties"].as_array().unwrap() {
                for v in r["vragen"].as_array().unwrap() {
                    read.insert(
                        v["id"].as_str().unwrap().to_string(),
                        v["antwoord"].as_str().unwrap_or("").to_string(),
                    );
                }
            }
            assert_eq!(&read, answers, "{naam} in {file}");
        }
        let group = out.join(format!("groep-{file}.pdf"));
        run_ok(&["group", sheet, "-o", group.to_str().unwrap()]);
        assert!(Pdf::load(&group).pages.len() > 1);
    }
    // A second meeting later, with the first as the nulmeting: matched by name and organisation.
    let first = out.join("antwoorden.csv");
    let later = run(&["check", first.to_str().unwrap(), "--earlier", first.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&later.stdout);
    assert!(said.contains("matched: 2"), "{said}");
    // And the board's group report, from the answers so far.
    let report = board.get("/groepsrapport.pdf");
    assert_eq!((report.status, report.content_type.as_str()), (200, "application/pdf"));
}

#[test]
fn a_closed_meeting_takes_nothing_new_a_full_one_nobody_more_and_a_deleted_one_is_gone() {
    let dir = scratch("workshop-close").join("bijeenkomst");
    let meeting = Meeting::start(&dir, free_port("127.0.0.2"), &["--max-participants", "2"]);
    let code = meeting.code();
    let mut one = joined(&meeting, "", "");
    let _two = joined(&meeting, "", "");
    let mut three = meeting.phone();
    assert_eq!(three.join(&code, "", "").status, 503, "a third of at most two");
    let mut wrong = meeting.phone();
    let refused = wrong.join("AAAAAA", "", "");
    assert_eq!(refused.status, 400);
    assert!(refused.text().contains("code klopt niet"));

    let mut board = meeting.facilitator();
    assert_eq!(board.post("/sluiten", &[]).status, 303);
    let ids = questions_on(&mut one, 1);
    let a: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "A")).collect();
    let late = one.answer(1, &a);
    assert_eq!(late.status, 403, "{}", late.text());
    assert!(board.get("/").text().contains("gesloten"));

    // Deleting asks for a tick first; then the database, reports and exports are gone.
    board.get("/antwoorden.csv");
    assert_eq!(board.post("/wissen", &[]).status, 303);
    assert!(dir.join("workshop.sqlite").exists());
    let gone = board.post("/wissen", &[("zeker", "ja")]);
    assert_eq!(gone.status, 200);
    assert!(gone.text().contains("gewist"));
    assert!(!dir.exists(), "the meeting's folder is gone: {:?}", std::fs::read_dir(&dir).map(|d| d.count()));
    assert_eq!(board.get("/").status, 410);
    // The phones' listener has stopped.
    let address = meeting.venue.trim_start_matches("http://").to_string();
    let mut stopped = false;
    for _ in 0..50 {
        if std::net::TcpStream::connect(&address).is_err() {
            stopped = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(stopped, "the venue still listens");
}
