//! Render processes: a batch's reports typeset in a child process that is
//! replaced after a fixed number of reports.
//!
//! Typst's memo caches are global to a process. Evicting them keeps the live
//! data bounded, but the tables that hold them and the allocator keep their
//! high-water mark, so a long batch in one process slowly grows (measured:
//! +24% from 200 to 5,000 reports). A process that exits gives all of it back.
//!
//! The protocol is JSON lines: the parent writes a [`Setup`] line and then one
//! job per line to the child's stdin; the child writes one result line per job
//! to its stdout, and exits when stdin ends. Reports are written by the child.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::job::{Job, Rendered, RowOutcome, RowResult, Target, render_here};
use crate::error::{Error, Result};
use crate::settings::{Settings, load_content};

/// The hidden subcommand a render process runs.
pub const SUBCOMMAND: &str = "render-process";

/// How render processes are started.
#[derive(Debug, Clone)]
pub struct Processes {
    /// The `handreiking` executable (normally `std::env::current_exe()`).
    pub program: PathBuf,
    /// Reports one process renders before it is replaced.
    pub reports_each: usize,
    /// How long one report may take (from being handed to the process) before
    /// the process is stopped; the report is tried once more, then fails.
    pub report_limit: Duration,
}

/// How long one report may take by default: a report takes well under a
/// second; what takes minutes is a value Typst cannot lay out in time.
pub const REPORT_LIMIT: Duration = Duration::from_secs(120);

/// What a render process needs besides the jobs: the same content, brand,
/// templates and fonts as its parent, and where to write.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setup {
    pub settings: Settings,
    pub target: Target,
    pub threads: usize,
}

/// Running render processes, so that an interrupted parent can stop them.
/// `None` once stopped: no process is started after that.
static RUNNING: Mutex<Option<Vec<u32>>> = Mutex::new(Some(Vec::new()));

fn running() -> std::sync::MutexGuard<'static, Option<Vec<u32>>> {
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// For an interrupted parent: asks every render process to stop (each removes
/// the file it was writing) and waits until they have.
pub fn stop_processes() {
    let Some(pids) = running().take() else { return };
    #[cfg(unix)]
    for pid in pids {
        // SAFETY: plain system calls on a child's pid; a child already reaped
        // by its waiting thread makes them fail harmlessly.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
            libc::waitpid(pid as libc::pid_t, std::ptr::null_mut(), 0);
        }
    }
    #[cfg(not(unix))]
    drop(pids);
}

fn start(processes: &Processes) -> Result<Child> {
    let mut running = running();
    let Some(pids) = running.as_mut() else {
        // Interrupted: the handler ends the process (exit 130) once the render
        // processes have stopped; returning an error here would race it.
        drop(running);
        loop {
            std::thread::park();
        }
    };
    let child = Command::new(&processes.program)
        .arg(SUBCOMMAND)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|source| Error::Io {
            action: "start a render process",
            path: processes.program.clone(),
            source,
        })?;
    pids.push(child.id());
    Ok(child)
}

/// Stops a render process at once (the watchdog: it is busy, so a request
/// to stop would wait for the report it cannot finish).
fn kill(pid: u32) {
    #[cfg(unix)]
    // SAFETY: a plain system call on our child's pid, which is not reaped
    // before the scope the watchdog runs in has ended.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

fn finished(child: &Child) {
    if let Some(pids) = running().as_mut() {
        pids.retain(|&pid| pid != child.id());
    }
}

/// A job on its way to a render process, and how often a process died holding
/// it (or was stopped for taking too long over it).
struct Sent {
    job: Job,
    tries: usize,
    /// When it was handed to the process now holding it.
    since: Instant,
    timed_out: bool,
}

/// The parent's side: jobs handed to one render process after another, each
/// result to `done` as it comes (from another thread). A process
/// holds at most two jobs per thread that it has not answered yet, so one that
/// dies (killed, or a crash in Typst) takes few with it; those are tried once more
/// in the next process, and fail if that one dies holding them too. A process
/// that holds one report longer than `report_limit` is stopped, as if it died.
pub(crate) fn render_in_processes(
    processes: &Processes,
    setup: &Setup,
    jobs: Receiver<Job>,
    done: &(dyn Fn(Rendered) + Sync),
) -> Result<Vec<String>> {
    let setup_line = serde_json::to_string(setup).expect("the setup serialises");
    let in_flight = setup.threads.max(1) * 2;
    let mut notes = vec![];
    let mut jobs = jobs
        .into_iter()
        .map(|job| Sent { job, tries: 0, since: Instant::now(), timed_out: false })
        .peekable();
    // Jobs to send before new ones: held by a process that died, or taken for one that had gone.
    let mut again: std::collections::VecDeque<Sent> = Default::default();
    while !again.is_empty() || jobs.peek().is_some() {
        let mut child = start(processes)?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        // Sent and not answered yet, by (file, row); `None` once the process's output has ended.
        let pending = Mutex::new(Some(std::collections::BTreeMap::<_, Sent>::new()));
        let answered_or_gone = std::sync::Condvar::new();
        let pid = child.id();
        let answered = std::thread::scope(|scope| {
            // The watchdog: a report held longer than the limit stops the
            // process (what it holds is tried again in the next one).
            scope.spawn(|| {
                let mut pending = pending.lock().unwrap();
                while let Some(waiting) = pending.as_mut() {
                    let mut late = false;
                    for sent in waiting.values_mut().filter(|s| s.since.elapsed() > processes.report_limit) {
                        sent.timed_out = true;
                        late = true;
                    }
                    if late {
                        drop(pending);
                        return kill(pid);
                    }
                    pending = answered_or_gone.wait_timeout(pending, Duration::from_millis(250)).unwrap().0;
                }
            });
            let reader = scope.spawn(|| {
                let mut answered = 0;
                for line in BufReader::new(stdout).lines() {
                    let Some(rendered) = line.ok().and_then(|l| serde_json::from_str::<Rendered>(&l).ok())
                    else {
                        break;
                    };
                    if let Some(pending) = pending.lock().unwrap().as_mut() {
                        pending.remove(&(rendered.row.file.clone(), rendered.row.location));
                    }
                    answered_or_gone.notify_all();
                    done(rendered);
                    answered += 1;
                }
                let held = pending.lock().unwrap().take();
                answered_or_gone.notify_all();
                (answered, held.unwrap_or_default())
            });
            let mut stdin = std::io::BufWriter::new(stdin);
            let mut open = writeln!(stdin, "{setup_line}").and_then(|()| stdin.flush()).is_ok();
            let mut given = 0;
            while open && given < processes.reports_each {
                let Some(mut sent) = again.pop_front().or_else(|| jobs.next()) else { break };
                let line = serde_json::to_string(&sent.job).expect("jobs serialise");
                let mut pending = pending.lock().unwrap();
                while pending.as_ref().is_some_and(|p| p.len() >= in_flight) {
                    pending = answered_or_gone.wait(pending).unwrap();
                }
                let Some(waiting) = pending.as_mut() else {
                    again.push_front(sent);
                    break;
                };
                (sent.since, sent.timed_out) = (Instant::now(), false);
                waiting.insert((sent.job.file.clone(), sent.job.respondent.location), sent);
                drop(pending);
                open = writeln!(stdin, "{line}").and_then(|()| stdin.flush()).is_ok();
                given += 1;
            }
            // End of input: the process finishes what it has and exits.
            drop(stdin);
            reader.join().expect("the result reader does not panic")
        });
        let (answered, held) = answered;
        let status = child.wait();
        finished(&child);
        let status = match status {
            Ok(status) if status.success() => status,
            Ok(status) => {
                // Nothing a dead process was writing may stay.
                let target = &setup.target;
                for dir in std::iter::once(&target.out_dir).chain(&target.emit_data) {
                    crate::output::remove_parts_of(dir, child.id());
                }
                // An exit code of its own (not a signal) before any report: it could not start.
                if answered == 0 && status.code().is_some() {
                    return Err(Error::Usage(format!(
                        "the render process ({} {SUBCOMMAND}) could not start ({status})",
                        processes.program.display()
                    )));
                }
                status
            }
            Err(e) => return Err(Error::Usage(format!("lost track of a render process: {e}"))),
        };
        if !held.is_empty() {
            notes.push(format!(
                "a render process stopped ({status}) holding {} report(s); each is tried once more in a fresh one",
                held.len()
            ));
        }
        for (_, mut sent) in held {
            if sent.tries == 0 {
                sent.tries += 1;
                sent.job.retried = true;
                again.push_back(sent);
                continue;
            }
            let job = sent.job;
            let message = if sent.timed_out {
                format!(
                    "typesetting this report took longer than {} s, twice; a value of this row \
                     (a name, an organisation, another column) is probably far longer than a real one",
                    processes.report_limit.as_secs()
                )
            } else {
                format!("the render process stopped twice while holding this report ({status})")
            };
            let row = RowResult {
                file: job.file,
                location: job.respondent.location,
                naam: job.respondent.naam,
                outcome: RowOutcome::Failed(message),
                email: job.respondent.email,
                fields: job.fields,
            };
            done(Rendered { row, missing: vec![], unreadable_date: None });
        }
    }
    Ok(notes)
}

/// The child's side: reads the setup and then jobs from `input`, renders them
/// in the setup's number of threads, and writes a result line per job.
pub fn serve(mut input: impl BufRead + Send, output: impl Write + Send) -> Result<()> {
    let mut line = String::new();
    input.read_line(&mut line).map_err(|e| Error::Usage(format!("no setup line: {e}")))?;
    let setup: Setup = serde_json::from_str(&line).map_err(|e| {
        Error::Usage(format!("{SUBCOMMAND} is started by `handreiking report`, not by hand ({e})"))
    })?;
    let h = load_content(&setup.settings)?;
    let brand = setup.settings.brand()?;
    let engine = setup.settings.engine(&brand)?;
    let output = Mutex::new(output);
    let (send, receive) = std::sync::mpsc::sync_channel::<Job>(setup.threads.max(1));
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for line in input.lines() {
                let Some(job) = line.ok().and_then(|l| serde_json::from_str::<Job>(&l).ok()) else { break };
                if send.send(job).is_err() {
                    break;
                }
            }
        });
        render_here(&engine, &h, &brand, &setup.target, setup.threads, receive, &|rendered| {
            let line = serde_json::to_string(&rendered).expect("results serialise");
            let mut output = output.lock().unwrap();
            // A closed output means the parent is gone; its end of our input closes too.
            let _ = writeln!(output, "{line}").and_then(|()| output.flush());
        });
    });
    Ok(())
}
