//! Reading in a process of its own: a parser fault takes only that process.
//!
//! Rust cannot catch an allocation failure (it aborts), a stack overflow, or a
//! loop that never ends, and a workbook library may have any of them on a file
//! built for it. So the front ends (`handreiking::answers::isolate_with`) have
//! every sheet read by a child of the same program (`read-process`), under a
//! memory limit and a processor-time limit. When the child dies, the parent
//! says why, naming the file; every other file, session and the program go on.
//!
//! The protocol is JSON lines. The parent writes one [`Request::Open`]; the
//! child answers with the workbook's tabs, or with the header part and rows
//! of any other sheet. For a workbook the parent then asks for rows of a tab
//! ([`Request::Rows`]), as often as choosing the sheet needs. Only rows cross
//! the boundary, one line each, never the whole file twice.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::workbook::{Book, Elsewhere, Tab};
use super::{Location, ReadOptions, Row, Rows, Sheet, Streamed, unreadable};
use crate::error::{Error, Problem, Result};

/// The hidden subcommand a reader process runs.
pub const SUBCOMMAND: &str = "read-process";
/// The most memory (address space) a reader process may take.
pub const MEMORY_LIMIT: u64 = 512 << 20;
/// The most processor time a reader process may take, in seconds.
pub const CPU_SECONDS: u64 = 20;

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Has every answer sheet read by a reader process of `program` (this
/// program): the front ends call it once at start. Without it (tests of the
/// library, fuzzing), sheets are read in the calling process.
pub fn isolate_with(program: PathBuf) {
    let _ = PROGRAM.set(program);
}

pub(super) fn program() -> Option<&'static Path> {
    PROGRAM.get().map(PathBuf::as_path)
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
enum Request {
    Open { name: String, path: PathBuf, options: ReadOptions },
    Rows { tab: String, file: String, limit: Option<usize> },
}

/// The header part of a sheet that is not a workbook, as it crosses.
#[derive(Serialize, Deserialize)]
struct Head {
    file: String,
    headers: Vec<String>,
    extra_headers: Vec<Vec<String>>,
    layout: Option<String>,
    notes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
enum Reply {
    Workbook {
        tabs: Vec<Tab>,
        renamed: Option<String>,
    },
    Sheet(Head),
    Row(Location, Vec<String>),
    /// The rows asked for have all been sent; notes from reading them.
    End(Vec<String>),
    Failed(Vec<Problem>),
}

/// The child's side: limits itself, then answers requests until stdin ends.
pub fn serve(input: impl BufRead, output: impl Write) -> Result<(), String> {
    limit_self();
    let mut output = std::io::BufWriter::new(output);
    let mut book: Option<Book> = None;
    for line in input.lines() {
        let line = line.map_err(|e| e.to_string())?;
        let request: Request = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let mut send = |reply: &Reply| -> bool {
            let mut text = serde_json::to_string(reply).expect("replies serialise");
            text.push('\n');
            output.write_all(text.as_bytes()).is_ok()
        };
        match request {
            Request::Open { name, path, options } => match super::open_here(&name, &path, &options) {
                Err(e) => {
                    send(&Reply::Failed(problems(e)));
                }
                Ok(Opened::Workbook(opened, renamed)) => {
                    send(&Reply::Workbook { tabs: opened.tabs(), renamed });
                    book = Some(opened);
                }
                Ok(Opened::Sheet(sheet, mut rows)) => {
                    let head = Head {
                        file: sheet.file,
                        headers: sheet.headers,
                        extra_headers: sheet.extra_headers,
                        layout: sheet.layout.map(str::to_string),
                        notes: sheet.notes,
                    };
                    if !send(&Reply::Sheet(head)) {
                        break;
                    }
                    let mut failed = None;
                    for row in rows.by_ref() {
                        match row {
                            Ok(row) => {
                                if !send(&Reply::Row(row.location, row.cells)) {
                                    return Ok(());
                                }
                            }
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                    match failed {
                        Some(e) => send(&Reply::Failed(problems(e))),
                        None => send(&Reply::End(rows.notes())),
                    };
                }
            },
            Request::Rows { tab, file, limit } => {
                let Some(book) = book.as_mut() else { return Err("no workbook is open".into()) };
                let read = book.rows(&file, &tab, limit, |number, cells| {
                    Ok(send(&Reply::Row(Location::Row(number), cells)))
                });
                match read {
                    Ok(()) => send(&Reply::End(vec![])),
                    Err(e) => send(&Reply::Failed(problems(e))),
                };
            }
        }
        output.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// What opening a file in this process gave: a workbook to ask for rows, or a sheet.
pub(super) enum Opened {
    Workbook(Book, Option<String>),
    Sheet(Sheet, Rows),
}

fn problems(e: Error) -> Vec<Problem> {
    match e {
        Error::Sheet(problems) => problems,
        other => vec![Problem::new("", None, other.to_string())],
    }
}

/// The limits a reader process puts on itself before it reads a byte.
fn limit_self() {
    #[cfg(unix)]
    // SAFETY: plain system calls on this process's own limits; lowering a limit always succeeds.
    unsafe {
        let lower = |resource, wanted: u64| {
            let mut now = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            if libc::getrlimit(resource, &mut now) == 0 {
                let soft = now.rlim_cur.min(wanted as libc::rlim_t);
                let hard = now.rlim_max.min((wanted + 1) as libc::rlim_t);
                let _ = libc::setrlimit(resource, &libc::rlimit { rlim_cur: soft, rlim_max: hard.max(soft) });
            }
        };
        lower(libc::RLIMIT_AS, MEMORY_LIMIT);
        // At the soft limit the kernel sends SIGXCPU, one second later SIGKILL.
        lower(libc::RLIMIT_CPU, CPU_SECONDS);
        // A reader that dies leaves no core file of the user's answers behind.
        lower(libc::RLIMIT_CORE, 0);
    }
}

/// The parent's side of a reader process.
struct Reader {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    /// The file as messages name it.
    name: String,
    /// What the child wrote on stderr (its last words, if it dies).
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Reader {
    fn start(program: &Path, name: &str, path: &Path, options: &ReadOptions) -> Result<Reader> {
        let mut child = Command::new(program)
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| unreadable(name, None, format!("cannot start a process to read it: {e}"), ""))?;
        let input = child.stdin.take().expect("piped");
        let output = BufReader::new(child.stdout.take().expect("piped"));
        let mut stderr = child.stderr.take().expect("piped");
        let stderr = std::thread::spawn(move || {
            // Only the end matters; a child that writes without end is not held in memory.
            let mut last = std::collections::VecDeque::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n @ 1..) = std::io::Read::read(&mut stderr, &mut chunk) {
                last.extend(&chunk[..n]);
                while last.len() > 4096 {
                    last.pop_front();
                }
            }
            String::from_utf8_lossy(last.make_contiguous()).into_owned()
        });
        let mut reader = Reader { child, input, output, name: name.to_string(), stderr: Some(stderr) };
        reader.send(&Request::Open {
            name: name.to_string(),
            path: path.to_owned(),
            options: options.clone(),
        })?;
        Ok(reader)
    }

    fn send(&mut self, request: &Request) -> Result<()> {
        let mut line = serde_json::to_string(request).expect("requests serialise");
        line.push('\n');
        match self.input.write_all(line.as_bytes()).and_then(|()| self.input.flush()) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.died()),
        }
    }

    fn receive(&mut self) -> Result<Reply> {
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(1..) => serde_json::from_str(&line).map_err(|e| {
                unreadable(&self.name, None, format!("the reader process answered wrongly: {e}"), "")
            }),
            _ => Err(self.died()),
        }
    }

    /// Why the child stopped answering, as a message about the file.
    fn died(&mut self) -> Error {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        let said = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        unreadable(&self.name, None, death(status, &said), HINT_DIED)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const HINT_DIED: &str = "the file is damaged or was built to overload a reader; export the answers again from the survey tool (CSV or .xlsx), or open the file in Excel or LibreOffice and save it again";

/// What a reader process's end means for the user.
fn death(status: Option<std::process::ExitStatus>, said: &str) -> String {
    #[cfg(unix)]
    let signal = status.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    let memory = said.contains("memory allocation") || said.contains("capacity overflow");
    #[cfg(unix)]
    let cpu = signal == Some(libc::SIGXCPU) || signal == Some(libc::SIGKILL);
    #[cfg(not(unix))]
    let cpu = false;
    if memory {
        format!(
            "reading it needs more than {} MB of memory, far more than any survey export; it was stopped",
            MEMORY_LIMIT >> 20
        )
    } else if cpu {
        format!("reading it took more than {CPU_SECONDS} seconds of processor time; it was stopped")
    } else {
        let how = match (signal, status.and_then(|s| s.code())) {
            (Some(signal), _) => format!("signal {signal}"),
            (None, Some(code)) => format!("exit code {code}"),
            (None, None) => "an unknown cause".to_string(),
        };
        format!("the reader stopped on this file ({how}): it cannot be read")
    }
}

/// Opens a sheet through a reader process.
pub(super) fn open(
    program: &Path,
    name: &str,
    path: &Path,
    options: &ReadOptions,
    fit: &dyn Fn(&Sheet) -> usize,
) -> Result<(Sheet, Rows)> {
    let mut reader = Reader::start(program, name, path, options)?;
    match reader.receive()? {
        Reply::Failed(problems) => Err(Error::Sheet(named(problems, name))),
        Reply::Workbook { tabs, renamed } => {
            let book = Book::Elsewhere(Box::new(Remote { reader, tabs }));
            let (mut sheet, rows) = super::workbook::open(name, book, options, fit)?;
            if let Some(note) = renamed {
                sheet.notes.insert(0, note);
            }
            Ok((sheet, Rows::Streamed(rows)))
        }
        Reply::Sheet(head) => {
            let sheet = Sheet {
                file: head.file,
                headers: head.headers,
                extra_headers: head.extra_headers,
                layout: head.layout.as_deref().and_then(known_layout),
                rows: vec![],
                notes: head.notes,
            };
            let rows = Streamed::spawn_with_notes(vec![], move |send, note| {
                loop {
                    match reader.receive()? {
                        Reply::Row(location, cells) => {
                            if !send(Row { location, cells }) {
                                return Ok(());
                            }
                        }
                        Reply::End(notes) => {
                            note(notes);
                            return Ok(());
                        }
                        Reply::Failed(problems) => {
                            let name = reader.name.clone();
                            return Err(Error::Sheet(named(problems, &name)));
                        }
                        _ => {
                            return Err(unreadable(
                                &reader.name,
                                None,
                                "the reader process answered wrongly",
                                "",
                            ));
                        }
                    }
                }
            });
            Ok((sheet, Rows::Streamed(rows)))
        }
        _ => Err(unreadable(name, None, "the reader process answered wrongly", "")),
    }
}

/// Problems the child could not name a file in (an I/O error) get the file's name.
fn named(mut problems: Vec<Problem>, name: &str) -> Vec<Problem> {
    for p in &mut problems {
        if p.file.is_empty() {
            p.file = name.to_string();
        }
    }
    problems
}

/// A survey tool's layout as the readers name it (they compare names).
fn known_layout(name: &str) -> Option<&'static str> {
    ["Microsoft Forms", "Qualtrics", "Qualtrics (legacy)", "SurveyMonkey", "Typeform", "LimeSurvey"]
        .into_iter()
        .find(|known| *known == name)
}

/// A workbook open in a reader process.
struct Remote {
    reader: Reader,
    tabs: Vec<Tab>,
}

impl Elsewhere for Remote {
    fn tabs(&self) -> &[Tab] {
        &self.tabs
    }

    /// Rows of a tab, as [`Book::rows`] gives them. A caller that stops early
    /// without a limit ends the reader process: it has nothing more to do.
    fn rows(
        &mut self,
        file: &str,
        tab: &str,
        limit: Option<usize>,
        each: &mut dyn FnMut(usize, Vec<String>) -> Result<bool>,
    ) -> Result<()> {
        self.reader.send(&Request::Rows { tab: tab.to_string(), file: file.to_string(), limit })?;
        loop {
            match self.reader.receive()? {
                Reply::Row(location, cells) => {
                    if !each(location.number(), cells)? {
                        if limit.is_some() {
                            // Drain to the end of this answer, so the next request starts clean.
                            while !matches!(self.reader.receive()?, Reply::End(_) | Reply::Failed(_)) {}
                        } else {
                            let _ = self.reader.child.kill();
                        }
                        return Ok(());
                    }
                }
                Reply::End(_) => return Ok(()),
                Reply::Failed(problems) => return Err(Error::Sheet(named(problems, file))),
                _ => return Err(unreadable(file, None, "the reader process answered wrongly", "")),
            }
        }
    }
}
