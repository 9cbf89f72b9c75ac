//! A long answer sheet (CSV, or a JSON array) is read as a stream: memory stays bounded however many
//! rows it has. One test only in this file, because it reads the peak memory
//! of this process's children.

use crate::common;

use std::io::Write;

use common::{bin, scratch};

/// A streamed read stays within a quarter of the file's size above what `check`
/// takes for a four-row sheet (`baseline`); reading it whole takes several times its size.
fn assert_streamed(peak: u64, baseline: u64, size: u64, what: &str) {
    assert!(
        peak < baseline + size / 4,
        "check took {} MB for a {} MB {what} ({} MB for four rows)",
        peak >> 20,
        size >> 20,
        baseline >> 20
    );
}

/// The largest resident set any finished child of this process had, in bytes.
fn peak_child_memory() -> u64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    usage.ru_maxrss as u64 * 1024 // Linux reports kilobytes
}

#[test]
fn a_long_sheet_is_checked_in_bounded_memory() {
    let dir = scratch("streaming");
    // What the program itself takes, checking a four-row sheet: the sheets below
    // may add only a fraction of their size to it.
    let tiny = bin().args(["check", "examples/antwoorden.csv"]).output().unwrap();
    assert!(tiny.status.success());
    let baseline = peak_child_memory();
    let path = dir.join("lang.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(
        file,
        "naam,organisatie,datum,R1V1,R1V2,R1V3,R2V1,R2V2,R3V1,R3V2,R4V1,R4V2,R4V3,R5V1,R5V2,toelichting"
    )
    .unwrap();
    let rows = 400_000;
    for i in 0..rows {
        let answers: Vec<&str> = (0..12).map(|q| if (i * 7 + q * 3) % 5 < 2 { "A" } else { "B" }).collect();
        // Every 1000th row has a value that is not an answer.
        let last = if i % 1000 == 999 { "misschien" } else { answers[11] };
        writeln!(
            file,
            "Respondent {i},Organisatie {},2026-03-01,{},{last},Een toelichting van respondent {i} met wat tekst",
            i % 50,
            answers[..11].join(",")
        )
        .unwrap();
    }
    file.flush().unwrap();
    drop(file);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 40 << 20, "the sheet is {size} bytes");

    let out = bin().args(["check", path.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(3),
        "bad rows make check exit 3:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{} respondent(s) ready, {} row(s) with problems", rows - 400, 400)),
        "{stdout}"
    );
    // The first bad row is row 1001 (the header is row 1).
    assert!(stdout.contains("row 1001, column R5V2"), "{stdout}");

    // Reading the file whole would take several times its size.
    assert_streamed(peak_child_memory(), baseline, size, "sheet");

    // The same for a JSON array of respondents (parsed whole, it took 25 times its size).
    let path = dir.join("lang.json");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let json_rows = 200_000;
    write!(file, "[").unwrap();
    for i in 0..json_rows {
        let answers: Vec<String> = ["R1V1", "R2V1", "R3V1", "R4V1", "R5V1", "R5V2"]
            .iter()
            .enumerate()
            .map(|(q, id)| format!("\"{id}\": \"{}\"", if (i + q) % 3 == 0 { "A" } else { "B" }))
            .collect();
        let comma = if i + 1 < json_rows { "," } else { "" };
        writeln!(
            file,
            "{{\"respondent\": {{\"naam\": \"Respondent {i}\", \"organisatie\": \"Organisatie {}\"}}, \"answers\": {{{}}}}}{comma}",
            i % 50,
            answers.join(", ")
        )
        .unwrap();
    }
    write!(file, "]").unwrap();
    file.flush().unwrap();
    drop(file);
    let json_size = std::fs::metadata(&path).unwrap().len();
    let out = bin().args(["check", path.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{json_rows} respondent(s) ready")), "{stdout}");
    // The largest child so far: the JSON sheet's check, or the CSV's before it.
    assert_streamed(peak_child_memory(), baseline, json_size, "JSON sheet");
}
