//! Where `serve` keeps its files: for this account only, gone when a session
//! ends (also while its batch runs), and a killed app's folder removed at the
//! next start while nothing else is.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::common::scratch;
use super::common::server::Server;

/// Every folder and file below `dir` (not following links), with its permission bits.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, bool, u32)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = std::fs::symlink_metadata(entry.path()).unwrap();
        out.push((entry.path(), meta.is_dir(), meta.permissions().mode() & 0o7777));
        if meta.is_dir() {
            walk(&entry.path(), out);
        }
    }
}

fn sheet(dir: &Path, rows: usize) -> PathBuf {
    let mut csv = String::from("naam,organisatie,email,R1V1,R1V2,R2V1,R3V1,R4V1,R5V1\n");
    for i in 0..rows {
        csv.push_str(&format!("Deelnemer {i},Zorggroep {i},deelnemer{i}@example.org,A,B,A,B,A,B\n"));
    }
    let path = dir.join("antwoorden.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn session_files_are_private_and_a_killed_apps_folder_is_removed_at_the_next_start() {
    let tmp = scratch("serve-private-tmp");
    // Not the app's: named like its folders, but without its marker, or a link.
    let lookalike = tmp.join("handreiking-serve-lookalike");
    std::fs::create_dir(&lookalike).unwrap();
    std::fs::write(lookalike.join("van iemand anders.txt"), "blijft").unwrap();
    let elsewhere = scratch("serve-private-elsewhere");
    std::fs::write(elsewhere.join(".handreiking-serve"), "1\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, tmp.join("handreiking-serve-link")).unwrap();

    let mut first = Server::start_in(&tmp, &[]);
    let session = first.session();
    first.upload_sheets(&session, &[Path::new("examples/antwoorden.csv")]);
    let done = first.make_reports(&session, &[("groep", "ja")]).text();
    assert!(done.contains("4 rapporten gemaakt"), "{done}");
    // A mapping file made from choices on the check page.
    let other = first.session();
    first.upload_sheets(&other, &[Path::new("tests/fixtures/web/eigen-vragen.csv")]);
    let check = first.get(&format!("{other}controleren")).text();
    let column = super::suggested_option(&check, "vraag_R1V2");
    let saved = first.post_form(&format!("{other}koppeling"), &[("bestand", "1"), ("vraag_R1V2", &column)]);
    assert_eq!(saved.status, 303, "{}", saved.text());

    let root = first.root();
    assert_eq!(std::fs::metadata(&root).unwrap().permissions().mode() & 0o7777, 0o700);
    let mut found = vec![];
    walk(&root, &mut found);
    for (path, dir, mode) in &found {
        let wanted = if *dir { 0o700 } else { 0o600 };
        assert_eq!(*mode, wanted, "{} is {mode:o}", path.display());
    }
    let names: Vec<String> =
        found.iter().map(|(p, _, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for made in ["bestand.csv", "koppeling.toml", "manifest.json", "groepsrapport.pdf"] {
        assert!(names.iter().any(|n| n == made), "{made} is among {names:?}");
    }
    assert!(names.iter().filter(|n| n.ends_with(".pdf")).count() >= 4, "{names:?}");

    // A second app with the same temporary folder leaves a running one's alone.
    let second = Server::start_in(&tmp, &[]);
    assert!(root.is_dir());
    assert_eq!(first.get(&session).status, 200);

    // Killed, the first leaves its folder; the next app to start removes it.
    // SAFETY: signals a process this test started.
    assert_eq!(unsafe { libc::kill(first.pid() as libc::pid_t, libc::SIGKILL) }, 0);
    first.wait();
    assert!(root.is_dir(), "a killed app cannot remove its own folder");
    let third = Server::start_in(&tmp, &[]);
    assert!(!root.exists(), "the killed app's folder is removed at the next start");
    assert!(second.root().is_dir(), "the running app's folder stays");
    assert_eq!(second.get(&second.session()).status, 200);
    assert!(third.root().is_dir());
    assert!(lookalike.join("van iemand anders.txt").is_file(), "a folder without the marker stays");
    assert!(tmp.join("handreiking-serve-link").symlink_metadata().unwrap().is_symlink(), "a link stays");
    assert!(elsewhere.join(".handreiking-serve").is_file(), "nothing is followed through a link");
}

#[test]
fn ending_a_session_stops_its_batch_and_nothing_makes_its_folder_again() {
    let server = Server::start("serve-end-running", &[]);
    let sheet = sheet(&scratch("serve-end-running-sheet"), 200);
    let session = server.session();
    server.upload_sheets(&session, &[&sheet]);
    let dir = server.root().join(session.trim_end_matches('/').rsplit('/').next().unwrap());
    assert_eq!(server.post_form(&format!("{session}maken"), &[("groep", "ja")]).status, 303);
    // Under way: the first reports are there.
    let reports = dir.join("rapporten");
    let started = (0..3000).any(|_| {
        let made = std::fs::read_dir(&reports).into_iter().flatten().flatten();
        let any = made.into_iter().any(|e| e.file_name().to_string_lossy().ends_with(".pdf"));
        if !any {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        any
    });
    assert!(started, "the batch made a first report");

    let ended = server.post_form(&format!("{session}wissen"), &[]).text();
    assert!(ended.contains("Sessie beëindigd"), "{ended}");
    assert_eq!(server.get(&session).status, 404);
    // Until the render processes are gone, and a while after: the folder is
    // never there again (the manifest, with names and e-mail addresses, is not written).
    let mut quiet = 0;
    for _ in 0..3000 {
        if !ended.contains("wordt gestopt") {
            assert!(!dir.exists(), "{} is there again", dir.display());
        }
        quiet = if server.children().is_empty() { quiet + 1 } else { 0 };
        if quiet > 20 && !dir.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!dir.exists(), "the session's folder is gone");
    assert!(server.children().is_empty(), "the batch stopped");
    let left: Vec<_> = std::fs::read_dir(server.root()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "only the marker is left: {left:?}");
}
