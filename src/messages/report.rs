//! The report runs: the progress counter, the batch's summary, the group
//! report's, and what an interrupted run left.

use std::path::Path;

use super::followup::{ambiguity, earlier_summary, who};
use super::shown;

/// A one-line progress counter on a terminal; silent otherwise.
pub struct Progress {
    tty: bool,
}

impl Progress {
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress { tty: std::io::stderr().is_terminal() }
    }

    pub fn update(&self, done: usize, total: usize) {
        if self.tty {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!("\r  [{}{}] {done}/{total} reports", "#".repeat(filled), " ".repeat(width - filled));
        }
    }

    pub fn finish(&self) {
        if self.tty {
            eprint!("\r{}\r", " ".repeat(60));
        }
    }
}

pub fn batch(outcome: &handreiking::BatchOutcome, dir: &Path, elapsed: std::time::Duration) {
    use handreiking::RowOutcome;
    for note in &outcome.notes {
        err!("note: {note}");
    }
    for row in &outcome.rows {
        match &row.outcome {
            RowOutcome::Written { .. } => {}
            RowOutcome::Bad(problems) => {
                for p in problems {
                    err!("error: {}: {}", shown(&row.file), shown(&p.to_string()));
                }
            }
            RowOutcome::Failed(message) => {
                err!("error: {}: {}: {message}", shown(&row.file), row.location)
            }
        }
    }
    if outcome.refused {
        err!(
            "--strict: {} row(s) have problems, so no report was written. Fix them, or leave out --strict to write the others.",
            outcome.failed()
        );
        return;
    }
    if let Some(path) = &outcome.manifest {
        err!("audit manifest: {}", path.display());
    }
    earlier_summary(outcome);
    let secs = elapsed.as_secs_f64();
    err!(
        "{} report(s) written to {}, {} failed, in {:.1} s ({:.1} reports/s)",
        outcome.written(),
        dir.display(),
        outcome.failed(),
        secs,
        outcome.written() as f64 / secs.max(1e-9)
    );
}

pub fn group(outcome: &handreiking::GroupOutcome) {
    for p in &outcome.problems {
        err!("error: {}", shown(p));
    }
    if outcome.bad_rows > 0 {
        err!("{} row(s) with problems were left out of the group report", outcome.bad_rows);
    }
    if let Some(plan) = &outcome.earlier {
        let ambiguous: Vec<_> = plan.ambiguous().collect();
        err!(
            "{} respondent(s) took part both times (earlier: {} in {})",
            plan.matched().count(),
            plan.index.rows.len(),
            plan.index.files.join(", ")
        );
        if !ambiguous.is_empty() {
            err!(
                "{} respondent(s) not counted as taking part both times: the match is ambiguous",
                ambiguous.len()
            );
            for new in &ambiguous {
                err!("  {}: {}", who(&plan.files, new.file, new.location, &new.naam), ambiguity(plan, new));
            }
        }
    }
    err!(
        "wrote {} ({} respondents, {} kB)",
        outcome.written.path.display(),
        outcome.respondents,
        outcome.written.bytes.div_ceil(1024)
    );
}

pub fn interrupted() {
    err!(
        "\ninterrupted: the files written so far are complete; those being written were removed. \
         No manifest was written for this run; run the command again (with --force) to finish."
    );
}
