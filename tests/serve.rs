//! `handreiking serve` over HTTP: the real server on a free port of 127.0.0.1,
//! driven as a browser would (uploads, forms, downloads), its output read back.

use crate::common;
// The crate root would look for tests/earlier.rs (the command line's follow-up tests).
#[path = "serve/earlier.rs"]
mod earlier;
#[path = "serve/private.rs"]
mod private;

use common::server::{Server, unescape, unzip};
use common::{Pdf, run_ok, scratch, squash};
use std::path::Path;

/// The PDFs of a zip, written to `dir`, by name.
fn pdfs_in(zip: &[u8], dir: &Path) -> Vec<(String, Pdf)> {
    std::fs::create_dir_all(dir).unwrap();
    unzip(zip)
        .into_iter()
        .filter(|(name, _)| name.ends_with(".pdf"))
        .map(|(name, bytes)| {
            let path = dir.join(&name);
            std::fs::write(&path, bytes).unwrap();
            (name, Pdf::load(&path))
        })
        .collect()
}

/// The `value` of the option marked as the best guess in the select `name`.
fn suggested_option(page: &str, name: &str) -> String {
    let select = &page[page.find(&format!("name=\"{name}\"")).expect("the select is on the page")..];
    let select = &select[..select.find("</select>").unwrap()];
    let option =
        select.split("<option").find(|o| o.contains("lijkt er het meest op")).expect("a suggested column");
    option.split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[test]
fn reports_made_in_the_browser_are_those_of_the_command_line() {
    let server = Server::start("serve-flow", &[]);
    let session = server.session();
    let page = server.get(&session);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Antwoorden kiezen"));

    let sent = server.upload_sheets(&session, &[Path::new("examples/antwoorden.csv")]);
    assert_eq!(sent.status, 303, "{}", sent.text());
    assert_eq!(sent.location.as_deref(), Some(format!("{session}controleren").as_str()));

    let check = server.get(&format!("{session}controleren")).text();
    assert!(check.contains("Alles is in orde"), "{check}");
    assert!(check.contains("antwoorden.csv"), "the user's file name is shown");
    assert!(!check.contains(&server.tmp.display().to_string()), "no temporary path is shown");
    assert!(check.contains("vraag R1V1"), "columns and what they are");

    let reports = server.get(&format!("{session}rapporten")).text();
    assert!(reports.contains("Alle rapporten maken"), "{reports}");
    assert!(reports.contains("Anouk de Vries"), "the preview is the first respondent's");
    let image = server.get(&format!("{session}voorbeeld/1"));
    assert_eq!(image.content_type, "image/png");
    assert!(image.body.starts_with(b"\x89PNG"));
    let preview = server.get(&format!("{session}voorbeeld.pdf"));
    assert!(preview.body.starts_with(b"%PDF"));

    let done = server.make_reports(&session, &[("groep", "ja"), ("kaarten", "ja")]).text();
    assert!(done.contains("4 rapporten gemaakt"), "{done}");
    let zip = server.get(&format!("{session}rapporten.zip"));
    assert_eq!(zip.status, 200);
    assert!(zip.disposition.contains("rapporten.zip"));
    let files = unzip(&zip.body);
    assert!(files.contains_key("manifest.json"));
    assert!(
        files.contains_key("groepsrapport.pdf") && files.contains_key("werkvormkaarten.pdf"),
        "{:?}",
        files.keys()
    );
    let manifest = String::from_utf8(files["manifest.json"].clone()).unwrap();
    assert!(manifest.contains("\"antwoorden.csv\""), "the manifest names the user's file: {manifest}");
    assert!(!manifest.contains(&server.tmp.display().to_string()));

    // The same reports as `handreiking report` makes, text for text.
    let dir = scratch("serve-flow-cli");
    run_ok(&["report", "examples/antwoorden.csv", "-o", dir.join("cli").to_str().unwrap()]);
    let web = pdfs_in(&zip.body, &dir.join("web"));
    let web: Vec<_> = web.into_iter().filter(|(n, _)| n.contains(" - ")).collect();
    let cli = common::pdfs(&dir.join("cli"));
    assert_eq!(web.len(), cli.len());
    for (name, pdf) in &web {
        let expected = Pdf::load(&dir.join("cli").join(name));
        assert_eq!(pdf.all_text(), expected.all_text(), "{name}");
    }

    // Each report on its own, by the link on the page.
    let link =
        done.split("href=\"").filter_map(|h| h.split('"').next()).find(|h| h.contains("Anouk")).unwrap();
    let one = server.get(&unescape(link));
    assert_eq!(one.status, 200);
    assert!(one.body.starts_with(b"%PDF"));
    assert!(one.disposition.contains("filename*=UTF-8''"), "{}", one.disposition);
}

#[test]
fn a_column_detection_refused_is_chosen_on_the_page_and_kept_as_a_mapping_file() {
    let server = Server::start("serve-mapping", &[]);
    let session = server.session();
    let input = Path::new("tests/fixtures/web/eigen-vragen.csv");
    server.upload_sheets(&session, &[input]);
    let check = server.get(&format!("{session}controleren")).text();
    assert!(check.contains("Nog niet klaar"), "{check}");
    assert!(check.contains("kies een kolom"), "a drop-down asks for the column");
    assert!(!check.contains("Verder: rapporten maken"));
    let column = suggested_option(&check, "vraag_R1V2");

    // Only the question that needs it is chosen; the rest stays as detected.
    let saved =
        server.post_form(&format!("{session}koppeling"), &[("bestand", "1"), ("vraag_R1V2", &column)]);
    assert_eq!(saved.status, 303, "{}", saved.text());
    let check = server.get(&format!("{session}controleren")).text();
    assert!(check.contains("Alles is in orde"), "{check}");

    let mapping = server.get(&format!("{session}koppeling.toml"));
    assert!(mapping.disposition.contains("koppeling.toml"));
    let text = mapping.text();
    assert!(text.contains("R1V2 = "), "{text}");
    // The downloaded file works on the command line as it is.
    let dir = scratch("serve-mapping-cli");
    let file = dir.join("koppeling.toml");
    std::fs::write(&file, &text).unwrap();
    run_ok(&["check", input.to_str().unwrap(), "--mapping", file.to_str().unwrap()]);

    let done = server.make_reports(&session, &[]).text();
    assert!(done.contains("2 rapporten gemaakt"), "{done}");
    let zip = server.get(&format!("{session}rapporten.zip"));
    let reports = pdfs_in(&zip.body, &dir.join("web"));
    let h = handreiking::load_content(&Default::default()).unwrap();
    let (_, fatima) = reports.iter().find(|(n, _)| n.contains("Fatima")).expect("Fatima's report");
    // Fatima answered "Goed op weg" (B) in the column that had to be chosen.
    let text = squash(&fatima.all_text());
    assert!(text.contains(&common::opening(&h, "R1V2", handreiking::content::Letter::B)));
    assert!(!text.contains(&common::opening(&h, "R1V2", handreiking::content::Letter::A)));
}

#[test]
fn unknown_values_are_given_a_meaning_on_the_page() {
    let server = Server::start("serve-values", &[]);
    let session = server.session();
    server.upload_sheets(&session, &[Path::new("tests/fixtures/sheets/bad-value.csv")]);
    let check = server.get(&format!("{session}controleren")).text();
    assert!(check.contains("Rijen met problemen"), "{check}");
    assert!(check.contains("“C”"), "the bad value is shown");
    let field = check.split("name=\"waardetekst_").nth(1).unwrap().split('"').next().unwrap().to_string();
    let saved = server.post_form(
        &format!("{session}koppeling"),
        &[("bestand", "1"), (&format!("waardetekst_{field}"), "C"), (&format!("waarde_{field}"), "open")],
    );
    assert_eq!(saved.status, 303);
    let check = server.get(&format!("{session}controleren")).text();
    assert!(check.contains("Alles is in orde"), "{check}");
    assert!(!check.contains("Rijen met problemen"));
    assert!(server.get(&format!("{session}koppeling.toml")).text().contains("open = [\"C\"]"));
}

#[test]
fn bad_files_get_the_command_lines_message_on_the_page() {
    let server = Server::start("serve-bad", &["--max-upload", "1"]);
    let session = server.session();
    server.upload_sheets(&session, &[Path::new("tests/fixtures/sheets/spss.sav")]);
    let check = server.get(&format!("{session}controleren"));
    assert_eq!(check.status, 200);
    // The command line's message, without the file's path (the page names the file itself).
    let cli = common::run(&["check", "tests/fixtures/sheets/spss.sav"]);
    let said = String::from_utf8_lossy(&cli.stderr).into_owned();
    let message = said.lines().find(|l| l.contains("SPSS")).expect("the CLI says what the file is");
    let message = message.split("spss.sav: ").nth(1).unwrap();
    assert!(unescape(&check.text()).contains(message), "{message}\n{}", check.text());
    assert!(!check.text().contains("Alles is in orde"));

    // Too big: refused with a message, and the session still works.
    let big = vec![b'a'; 2 << 20];
    let refused = server.upload(&format!("{session}bestanden"), &[("antwoorden", "groot.csv", &big)]);
    assert_eq!(refused.status, 413);
    assert!(refused.text().contains("groter dan"), "{}", refused.text());
    // Nothing chosen.
    let empty = server.upload(&format!("{session}bestanden"), &[("antwoorden", "", b"")]);
    assert_eq!(empty.status, 400);
    assert!(empty.text().contains("Kies eerst een bestand"));
}

#[test]
fn other_sites_cannot_drive_the_app() {
    let server = Server::start("serve-guard", &[]);
    let session = server.session();
    // A page on another site posting a file (cross-site request).
    let posted = server.upload_with(
        &format!("{session}bestanden"),
        &[("antwoorden", "a.csv", b"naam,R1V1\nx,A\n")],
        Some("http://evil.example"),
    );
    assert_eq!(posted.status, 403);
    assert!(posted.text().contains("geweigerd"));
    assert!(!server.get(&session).text().contains("a.csv"), "nothing was stored");
    // The same from the app's own origin works.
    let own = server.upload_with(
        &format!("{session}bestanden"),
        &[("antwoorden", "a.csv", b"naam,R1V1\nx,A\n")],
        Some(&server.base),
    );
    assert_eq!(own.status, 303);
    // DNS rebinding: a foreign name that resolves to 127.0.0.1.
    let answer = server.raw("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    // Whatever a page on another site makes the browser ask (a link, an image,
    // a form, a script), also a GET, also with this app's Origin: refused.
    let host = server.base.trim_start_matches("http://");
    let ask = |method: &str, path: &str, site: &str| {
        server.raw(&format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nSec-Fetch-Site: {site}\r\n\
             Content-Length: 0\r\nConnection: close\r\n\r\n",
            server.base
        ))
    };
    let wipe = format!("{session}wissen");
    for (method, path) in
        [("GET", "/"), ("GET", session.as_str()), ("GET", "/stijl.css"), ("POST", wipe.as_str())]
    {
        let answer = ask(method, path, "cross-site");
        assert!(answer.starts_with("HTTP/1.1 403"), "{method} {path}: {answer}");
        assert!(answer.contains("andere website"), "a page that says why: {answer}");
    }
    assert!(server.get(&session).text().contains("a.csv"), "the session and its file are still there");
    // The app's own pages, a typed address or bookmark, and this machine's other ports pass.
    for site in ["same-origin", "none", "same-site"] {
        let answer = ask("GET", "/", site);
        assert!(answer.starts_with("HTTP/1.1 303"), "{site}: {answer}");
    }
    // Unknown or made-up sessions are not found.
    assert_eq!(server.get("/s/00000000000000000000000000000000/").status, 404);
    assert_eq!(server.get("/s/../../etc/passwd").status, 404);
}

#[test]
fn opening_the_app_again_and_again_pushes_out_no_session_with_files() {
    let server = Server::start("serve-full", &[]);
    let sheet: &[u8] = b"naam,R1V1\nx,A\n";
    let upload = |session: &str| {
        let sent = server.upload(&format!("{session}bestanden"), &[("antwoorden", "a.csv", sheet)]);
        assert_eq!(sent.status, 303, "{}", sent.text());
    };
    let kept = server.session();
    upload(&kept);
    // What a page that makes the browser open the app 70 times does.
    for _ in 0..70 {
        assert_eq!(server.get("/").status, 303);
    }
    let page = server.get(&kept);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("a.csv"), "the session keeps its file");
    // Empty sessions give way; once every session has files, a new one is refused instead.
    let mut others = vec![];
    let refused = loop {
        let start = server.get("/");
        if start.status != 303 {
            break start;
        }
        let session = start.location.unwrap();
        upload(&session);
        others.push(session);
        assert!(others.len() < 1000, "a new session is refused at some point");
    };
    assert_eq!(refused.status, 503);
    assert!(refused.text().contains("Te veel sessies"), "{}", refused.text());
    assert_eq!(others.len(), 63, "64 sessions at most");
    for session in others.iter().chain([&kept]) {
        assert!(server.get(session).text().contains("a.csv"), "{session} is still there");
    }
    // Ending one makes room.
    server.post_form(&format!("{}wissen", others[0]), &[]);
    assert_eq!(server.get("/").status, 303);
}

#[test]
fn two_sessions_see_only_their_own_files_and_reports() {
    let server = Server::start("serve-two", &[]);
    let (one, two) = (server.session(), server.session());
    assert_ne!(one, two);
    server.upload_sheets(&one, &[Path::new("examples/antwoorden.csv")]);
    server.upload_sheets(&two, &[Path::new("tests/fixtures/web/eigen-vragen.csv")]);
    assert!(!server.get(&two).text().contains("antwoorden.csv"));
    let saved = server.get(&format!("{two}controleren")).text();
    let column = suggested_option(&saved, "vraag_R1V2");
    server.post_form(&format!("{two}koppeling"), &[("bestand", "1"), ("vraag_R1V2", &column)]);
    server.make_reports(&one, &[]);
    server.make_reports(&two, &[]);
    let names =
        |s: &str| unzip(&server.get(&format!("{s}rapporten.zip")).body).into_keys().collect::<Vec<_>>();
    let (first, second) = (names(&one), names(&two));
    assert_eq!(first.len(), 5, "{first:?}");
    assert_eq!(second.len(), 3, "{second:?}");
    for name in first.iter().filter(|n| n.ends_with(".pdf")) {
        assert!(!second.contains(name), "{name} is in both");
        let url = format!("{two}bestand/{}", name.replace(' ', "%20"));
        assert_eq!(server.get(&url).status, 404, "session two reaches session one's {name}");
    }
    assert_eq!(server.get(&format!("{two}koppeling.toml")).status, 200);
    assert_eq!(server.get(&format!("{one}koppeling.toml")).status, 404);
}

#[test]
fn ending_a_session_or_stopping_the_app_deletes_every_file() {
    let mut server = Server::start("serve-delete", &[]);
    let (one, two) = (server.session(), server.session());
    for session in [&one, &two] {
        server.upload_sheets(session, &[Path::new("examples/antwoorden.csv")]);
    }
    server.make_reports(&one, &[]);
    let root = std::fs::read_dir(&server.tmp)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("handreiking-serve-"))
        .expect("the app's temporary folder")
        .path();
    let id = one.trim_end_matches('/').rsplit('/').next().unwrap();
    assert!(root.join(id).join("rapporten").is_dir());
    let ended = server.post_form(&format!("{one}wissen"), &[]);
    assert!(ended.text().contains("gewist"));
    assert!(!root.join(id).exists(), "the session's folder is gone");
    assert_eq!(server.get(&one).status, 404);
    assert_eq!(server.get(&two).status, 200, "the other session lives on");

    // Ctrl-C: the app stops and takes every session's files with it.
    // SAFETY: signals a process this test started.
    assert_eq!(unsafe { libc::kill(server.pid() as libc::pid_t, libc::SIGINT) }, 0);
    let status = server.wait();
    assert_eq!(status.code(), Some(130));
    assert!(!root.exists(), "the app's temporary folder is gone");
}

#[test]
fn progress_is_streamed_and_a_batch_can_be_stopped_keeping_what_was_made() {
    let server = Server::start("serve-stop", &[]);
    let dir = scratch("serve-stop-sheet");
    let mut csv = String::from("naam,organisatie,R1V1,R1V2,R2V1,R3V1,R4V1,R5V1\n");
    for i in 0..300 {
        csv.push_str(&format!("Deelnemer {i},Zorggroep {i},A,B,A,B,A,B\n"));
    }
    let sheet = dir.join("driehonderd.csv");
    std::fs::write(&sheet, csv).unwrap();
    let session = server.session();
    server.upload_sheets(&session, &[&sheet]);
    assert_eq!(server.post_form(&format!("{session}maken"), &[]).status, 303);
    // The page's live progress: events until the batch is done, then `klaar`.
    let stopped = server.post_form(&format!("{session}stoppen"), &[]);
    assert_eq!(stopped.status, 303);
    let events = server.get(&format!("{session}voortgang/stroom"));
    assert!(events.content_type.starts_with("text/event-stream"), "{}", events.content_type);
    assert!(events.text().contains("event: klaar"), "{}", events.text());

    let page = server.make_reports_wait(&session);
    assert!(page.contains("Gestopt"), "{page}");
    // "<strong>12 rapporten gemaakt</strong>"
    let before = page.split(" rapport").next().unwrap();
    let digits: String =
        before.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    let written: usize = digits.parse().unwrap_or_else(|_| panic!("a count of reports: {page}"));
    assert!(written < 300, "stopped before the end: {written}");
    // What was made is downloadable, with a manifest that lists exactly that.
    let files = unzip(&server.get(&format!("{session}rapporten.zip")).body);
    assert_eq!(files.keys().filter(|n| n.ends_with(".pdf")).count(), written);
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["rows"].as_array().unwrap().len(), written);
}
