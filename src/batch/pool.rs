//! Reports one at a time, on request (the live meeting's PDFs): the batch's
//! render processes kept running behind a queue, so a report is made as the
//! batch makes it, a crash takes only a render process with it, and requests
//! are served in the order they came.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use super::job::{Job, RowOutcome, Target, name_fields};
use super::processes::{self, Processes, Setup};
use crate::answers::Location;
use crate::mapping::Respondent;
use crate::settings::Settings;

/// Requests waiting for their report, by (file, location).
type Waiting = Arc<Mutex<HashMap<(String, Location), Vec<std::sync::mpsc::Sender<Made>>>>>;

/// A report's path, or why it could not be made.
type Made = Result<PathBuf, String>;

pub struct Pool {
    jobs: SyncSender<Job>,
    waiting: Waiting,
}

/// Requests that may wait in the queue; more wait for room in it, in order.
const QUEUE: usize = 256;

impl Pool {
    /// Starts the queue; a render process starts with the first request and
    /// is replaced after `processes.reports_each` reports. Reports are written
    /// into `out_dir` (overwritten: a participant's answers may have changed).
    pub fn start(processes: Processes, settings: Settings, out_dir: PathBuf) -> Pool {
        let (jobs, receive) = sync_channel::<Job>(QUEUE);
        let waiting: Waiting = Arc::default();
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let target = Target { out_dir, force: true, emit_data: None, timestamp: settings.timestamp() };
        let setup = Setup { settings, target, threads };
        let answer = waiting.clone();
        std::thread::spawn(move || run(&processes, &setup, receive, &answer));
        Pool { jobs, waiting }
    }

    /// Makes the report of `respondent` (from `file`) as `name` in the pool's
    /// folder, waiting for its turn; the path, or why it could not be made.
    pub fn render(&self, file: &str, respondent: Respondent, name: String) -> Result<PathBuf, String> {
        let (tell, told) = channel();
        let key = (file.to_string(), respondent.location);
        self.waiting.lock().unwrap().entry(key).or_default().push(tell);
        let fields = name_fields(&respondent);
        let job = Job { file: file.to_string(), respondent, fields, name, retried: false, earlier: None };
        let stopped = || "the render processes have stopped".to_string();
        self.jobs.send(job).map_err(|_| stopped())?;
        told.recv().unwrap_or_else(|_| Err(stopped()))
    }
}

/// The queue's thread: hands jobs to render processes for as long as the pool lives.
fn run(processes: &Processes, setup: &Setup, jobs: Receiver<Job>, waiting: &Waiting) {
    let done = |rendered: super::job::Rendered| {
        let key = (rendered.row.file.clone(), rendered.row.location);
        let Some(tells) = waiting.lock().unwrap().remove(&key) else { return };
        let made: Made = match &rendered.row.outcome {
            RowOutcome::Written { path, .. } => Ok(path.clone()),
            RowOutcome::Failed(why) => Err(why.clone()),
            RowOutcome::Bad(_) => Err("the answers are not answers".into()),
        };
        for tell in tells {
            let _ = tell.send(made.clone());
        }
    };
    // A process that cannot start ends the pool: every waiting request hears so.
    let _ = processes::render_in_processes(processes, setup, jobs, &done);
    waiting.lock().unwrap().clear();
}
