//! Ctrl-C or SIGTERM in the middle of a batch: the reports written are whole,
//! the one being written is removed, nothing half-written stays behind.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Pdf, bin, scratch};

fn sheet(dir: &Path, rows: usize) -> std::path::PathBuf {
    let mut csv = String::from("naam,organisatie,R1V1,R1V2,R2V1,R3V1,R4V1,R5V1\n");
    for i in 0..rows {
        csv.push_str(&format!("Deelnemer {i},Zorggroep {i},A,B,A,B,A,B\n"));
    }
    let path = dir.join("antwoorden.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn stop_after(signal: libc::c_int, reports: usize, name: &str) {
    let dir = scratch(name);
    let input = sheet(&dir, 60);
    let out = dir.join("out");
    let mut child = bin()
        .args(["report", input.to_str().unwrap(), "-o", out.to_str().unwrap(), "--jobs", "2"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some reports are there, then interrupt while others are being written.
    let start = Instant::now();
    while common::pdfs_if_any(&out).len() < reports {
        assert!(start.elapsed() < Duration::from_secs(300), "no reports appeared");
        if child.try_wait().unwrap().is_some() {
            panic!("the batch ended before it could be interrupted");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: sends a signal to our own child.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");

    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.ends_with(".pdf")), "left behind: {names:?}");
    let pdfs = common::pdfs(&out);
    assert!(pdfs.len() >= reports && pdfs.len() < 60, "{} reports", pdfs.len());
    for pdf in pdfs {
        // Every report left is whole: it parses and has its cover text.
        let pdf = Pdf::load(&pdf);
        assert!(pdf.text[0].contains("Deelnemer"), "{:?}", pdf.text[0]);
    }
}

#[test]
fn ctrl_c_leaves_only_whole_reports() {
    stop_after(libc::SIGINT, 1, "interrupt-int-1");
    stop_after(libc::SIGINT, 4, "interrupt-int-4");
}

#[test]
fn sigterm_leaves_only_whole_reports() {
    stop_after(libc::SIGTERM, 2, "interrupt-term");
}
