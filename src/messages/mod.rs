//! All console text of the binary in one place, a file per concern: what
//! `check` understood, the report runs, the follow-up matching, the mails,
//! the files written and the app's address. Here: what they all share.

use std::io::Write;

/// Like `println!`, but a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod check;
mod followup;
mod mail;
mod report;
mod serve;
mod written;

pub use check::{check, content_ok};
pub use followup::{earlier_heading, matching};
pub use mail::{ask_password, drafts_written, interrupted_mail, mail_plan, mail_sent, mail_sent_one};
pub use report::{Progress, batch, group, interrupted};
pub use serve::{no_browser, serving};
pub use written::{data_written, initialised, workbook_needs_file, workbook_written, written};

/// Writes text as it is to standard output, ignoring a closed pipe.
pub fn raw(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

pub fn error(e: &handreiking::Error) {
    eprintln!("error: {e}");
}

pub fn usage(message: &str) {
    eprintln!("error: {message}");
}

/// A header or value as messages quote it: on one line, cut short.
fn quoted(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    let short: String = one_line.chars().take(26).collect();
    if short.len() < one_line.len() { format!("\"{short}…\"") } else { format!("\"{short}\"") }
}
