//! All console text of the binary in one place, a file per concern: what
//! `check` understood, the report runs, the follow-up matching, the mails,
//! the files written and the app's address. Here: what they all share.

use std::borrow::Cow;
use std::io::Write;

/// Like `println!`, but a closed pipe (`| head`) ends the output quietly instead
/// of panicking, and no control character but the line break reaches the terminal.
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), "{}", $crate::messages::lines(&format!($($t)*)));
    }};
}

/// Like `eprintln!`, with no control character but the line break.
macro_rules! err {
    ($($t:tt)*) => {{
        eprintln!("{}", $crate::messages::lines(&format!($($t)*)));
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
pub use serve::{no_browser, serving, workshop};
pub use written::{data_written, initialised, workbook_needs_file, workbook_written, written};

/// Writes text as it is to standard output, ignoring a closed pipe.
pub fn raw(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

/// `mapping`'s suggested file: it quotes headers and the file's name, so no
/// control character of theirs reaches the terminal either.
pub fn suggestion(text: &str) {
    raw(&lines(text));
}

pub fn error(e: &handreiking::Error) {
    err!("error: {e}");
}

pub fn usage(message: &str) {
    err!("error: {message}");
}

/// A value from a user's file (a name, a cell, a header, a file or sheet name)
/// as the terminal shows it: control characters written out (`\u{1b}`, `\n`),
/// so that a value can neither drive the terminal (escape sequences) nor pose
/// as a line of its own. Spaces and all printable text stay as they are.
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    escaped(s, false)
}

/// A whole message, in which values may sit that were not passed through
/// [`shown`] (a library's error text): as [`shown`], but its own line breaks stay.
pub(crate) fn lines(s: &str) -> Cow<'_, str> {
    escaped(s, true)
}

fn escaped(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    // Bidirectional overrides reorder what follows them on the line: shown too.
    let hidden = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(|c| hidden(c) && !(keep_newlines && c == '\n')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A header or value as messages quote it: cut short, control characters shown.
fn quoted(s: &str) -> String {
    let short: String = s.chars().take(26).collect();
    let ellipsis = if short.len() < s.len() { "…" } else { "" };
    format!("\"{}{ellipsis}\"", shown(&short))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(shown("Jan de Vries"), "Jan de Vries");
        assert_eq!(shown("\u{1b}]0;evil\u{7}x"), "\\u{1b}]0;evil\\u{7}x");
        assert_eq!(shown("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(shown("\u{9b}2J \u{202e}cba"), "\\u{9b}2J \\u{202e}cba");
        assert_eq!(lines("one\ntwo \u{1b}[2J"), "one\ntwo \\u{1b}[2J");
        assert_eq!(quoted(&"é".repeat(30)), format!("\"{}…\"", "é".repeat(26)));
    }
}
