//! Files built to overload a reader (tests/hostile/bombs.rs) end `check`
//! within 512 MB of memory and 30 seconds, with a message that says what is
//! wrong: never an abort, an out-of-memory kill or a hang. Each runs under
//! `prlimit --as` and `timeout`, as the guide promises (docs/src/sheets/files-from-anyone.md).

use crate::common;

use crate::hostile::bombs;

use std::process::Command;

/// The memory (address space) `check` gets, as the guide promises (docs/src/sheets/files-from-anyone.md).
const MEMORY: u64 = 512 << 20;

/// The largest resident size of any process waited for so far (this test's
/// children and theirs), in bytes.
fn peak_of_children() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn hostile_files_end_check_with_a_message_within_bounds() {
    let dir = common::scratch("bombs");
    let made = std::time::Instant::now();
    let bombs = bombs::made(&dir, &|_| true);
    eprintln!("made {} hostile files in {:.1} s", bombs.len(), made.elapsed().as_secs_f64());
    let mut failures = vec![];
    for bomb in &bombs {
        let size = std::fs::metadata(&bomb.path).unwrap().len();
        assert!(size <= 100_000_000, "{}: the promise is for files up to 100 MB", bomb.path.display());
        let started = std::time::Instant::now();
        let out = Command::new("prlimit")
            .arg(format!("--as={MEMORY}"))
            .args(["timeout", "--signal=KILL", "30"])
            .arg(env!("CARGO_BIN_EXE_handreiking"))
            .arg("check")
            .arg(&bomb.path)
            .output()
            .expect("prlimit and timeout (util-linux, coreutils) run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = bomb.path.file_name().unwrap().to_string_lossy();
        eprintln!(
            "{name} ({} KB, {}): exit {:?} after {:.1} s\n  {}",
            size / 1000,
            bomb.what,
            out.status.code(),
            started.elapsed().as_secs_f64(),
            stderr.lines().take(3).collect::<Vec<_>>().join("\n  ")
        );
        // 2 and 4 are the exit codes for a file that cannot be read; 0 and 3
        // for one that was read. 134 (abort), 137 (killed), 124 (timeout) and
        // 101 (panic) are the failures this test is for.
        match out.status.code() {
            Some(2 | 4) => {
                if !stderr.contains(name.as_ref()) || stderr.contains("panicked") {
                    failures.push(format!("{name}: the message does not name the file:\n{stderr}"));
                }
            }
            Some(0 | 3) => {}
            other => failures.push(format!("{name}: exit {other:?}\n{stderr}")),
        }
    }
    let peak = peak_of_children();
    eprintln!("largest process: {} MB", peak >> 20);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(peak <= MEMORY, "a process took {} MB", peak >> 20);
}

#[test]
fn a_claimed_string_table_is_refused_with_what_is_wrong() {
    let dir = common::scratch("bomb-claims");
    let bombs = bombs::made(&dir, &|name| name == "claimed-strings.xlsx");
    let claimed = &bombs[0];
    let out = common::run(&["check", claimed.path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("claims 100000000000000 strings"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
}
