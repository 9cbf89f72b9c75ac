//! Render processes: a batch split over processes that are replaced every few
//! reports gives the same reports as one process.

use crate::common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use common::{Pdf, pdfs, run, run_ok, scratch, squash};

/// Seven respondents: more than two processes' worth at three reports each.
fn sheet(dir: &Path) -> String {
    let mut csv =
        String::from("naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1,R2V2,R3V1,R3V2,R4V1,R4V2,R4V3,R5V1,R5V2\n");
    for i in 0..7 {
        let answers: Vec<&str> = (0..12).map(|q| if (i + q) % 3 == 0 { "A" } else { "B" }).collect();
        csv.push_str(&format!("Deelnemer {i},Stichting Wijkzorg {i},2026-03-1{i},{}\n", answers.join(",")));
    }
    let path = dir.join("zeven.csv");
    std::fs::File::create(&path).unwrap().write_all(csv.as_bytes()).unwrap();
    path.display().to_string()
}

fn hashes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    pdfs(dir)
        .iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect()
}

#[test]
fn reports_from_replaced_processes_equal_those_from_one_process() {
    let base = scratch("proc-sheet");
    let input = sheet(&base);
    let recycled = scratch("proc-recycled");
    let here = scratch("proc-here");
    run_ok(&[
        "report",
        &input,
        "-o",
        recycled.to_str().unwrap(),
        "--reports-per-process",
        "3",
        "--jobs",
        "2",
    ]);
    run_ok(&["report", &input, "-o", here.to_str().unwrap(), "--reports-per-process", "0", "--jobs", "2"]);

    let (a, b) = (hashes(&recycled), hashes(&here));
    assert_eq!(a.len(), 7, "every respondent has a report: {:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between render processes and one process");
    }
    let pdf = Pdf::load(&recycled.join("Stichting Wijkzorg 6 - Deelnemer 6.pdf"));
    assert!(squash(&pdf.all_text()).contains(&squash("Deelnemer 6")));

    // The manifest lists every report once, in row order, whichever process wrote it.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(recycled.join("manifest.json")).unwrap()).unwrap();
    let rows = manifest["rows"].as_array().expect("a list of reports");
    let numbers: Vec<u64> = rows.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert_eq!(numbers, (2..=8).collect::<Vec<_>>());
}

#[test]
fn the_render_process_is_not_started_by_hand() {
    let out = run(&["render-process"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("started by `handreiking report`"));
}

/// The pid of a render process of `parent` (from /proc), once it is there;
/// the reader process that reads the sheet is a child too.
fn child_of(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
        // pid (comm) state ppid …; comm may hold spaces, so split after its ')'.
        let after = &stat[stat.rfind(')')? + 2..];
        let ppid: u32 = after.split(' ').nth(1)?.parse().ok()?;
        let command = std::fs::read(entry.path().join("cmdline")).ok()?;
        let renders = command.split(|b| *b == 0).any(|arg| arg == b"render-process");
        (ppid == parent && renders).then(|| entry.file_name().to_str()?.parse().ok()).flatten()
    })
}

#[test]
fn a_render_process_that_dies_loses_no_report() {
    use std::time::{Duration, Instant};
    let dir = scratch("proc-killed");
    let mut csv = String::from("naam,organisatie,R1V1,R1V2,R2V1,R3V1,R4V1,R5V1\n");
    for i in 0..100 {
        csv.push_str(&format!("Deelnemer {i},Zorggroep {i},A,B,A,B,A,B\n"));
    }
    let input = dir.join("honderd.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.join("out");
    let parent = common::bin()
        .args(["report", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--jobs", "2"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while common::pdfs_if_any(&out).len() < 3 {
        assert!(start.elapsed() < Duration::from_secs(300), "no reports appeared");
        std::thread::sleep(Duration::from_millis(2));
    }
    let renderer = child_of(parent.id()).expect("a render process is running");
    // SAFETY: kills a process this test started (through the parent), as the OOM killer would.
    assert_eq!(unsafe { libc::kill(renderer as libc::pid_t, libc::SIGKILL) }, 0);
    let output = parent.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The reports it held were rendered again by a fresh process, and the user is told.
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("a render process stopped"), "{stderr}");

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let rows = manifest["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 100, "every row is accounted for");
    assert!(rows.iter().all(|r| r["status"] == "written"), "{rows:?}");
    // What the killed process was writing is gone.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.ends_with(".pdf") || n == "manifest.json"), "left behind: {names:?}");
    let pdfs = pdfs(&out);
    assert_eq!(pdfs.len(), 100);
    for pdf in pdfs {
        assert!(Pdf::load(&pdf).text[0].contains("Deelnemer"));
    }
}

#[test]
fn a_report_that_takes_too_long_fails_alone_and_the_batch_goes_on() {
    let dir = scratch("proc-too-long");
    // A cell of 16,000 soft hyphens takes Typst some 20 s to lay out (any
    // value may be far longer than a real one); the limit here is 5 s.
    let slow = "a\u{ad}".repeat(16_000);
    let mut csv = String::from("naam,organisatie,R1V1\nDeelnemer 1,Zorggroep,A\n");
    csv.push_str(&format!("{slow},Zorggroep,B\n"));
    for i in 2..6 {
        csv.push_str(&format!("Deelnemer {i},Zorggroep,A\n"));
    }
    let input = dir.join("traag.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.join("out");
    let output = common::bin()
        .env("HANDREIKING_REPORT_SECONDS", "5")
        .args(["report", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--jobs", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("row 3: typesetting this report took longer than 5 s, twice"), "{stderr}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let written: Vec<&str> = manifest["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "written")
        .map(|r| r["respondent"].as_str().unwrap())
        .collect();
    assert_eq!(written, ["Deelnemer 1", "Deelnemer 2", "Deelnemer 3", "Deelnemer 4", "Deelnemer 5"]);
    assert_eq!(pdfs(&out).len(), 5);
}
