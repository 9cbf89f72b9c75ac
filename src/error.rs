//! Errors are values with a location; only the binary prints them.

use std::fmt;
use std::path::PathBuf;

/// One problem in a file the user gave us (or the embedded defaults), with
/// where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The file, as the user would name it (a path, or `<embedded>/…`).
    pub file: String,
    /// 1-based line (or spreadsheet row), when known.
    pub line: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Self { file: file.into(), line, message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message)?,
            None => write!(f, "{}: {}", self.file, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot {action} {}: {source}", path.display())]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },

    #[error("{}", list("the content", .0))]
    Content(Vec<Problem>),

    /// The brand file is wrong.
    #[error("{}", list("the brand file", .0))]
    Brand(Vec<Problem>),

    /// The mapping file is wrong.
    #[error("{}", list("the mapping file", .0))]
    Mapping(Vec<Problem>),

    /// The answer sheet cannot be read as answers at all.
    #[error("{}", list("the answer sheet", .0))]
    Sheet(Vec<Problem>),

    #[error("typesetting {template} failed:\n{}", .messages.join("\n"))]
    Render { template: String, messages: Vec<String> },

    #[error("{0}")]
    Usage(String),

    /// Stopped on request (the web app's Stop button) before the work was done.
    #[error("stopped before every report was made")]
    Cancelled,

    /// Another run holds the lock on this folder (the problem names the lock file).
    #[error("{0}")]
    Busy(Problem),

    /// The live user meeting's database cannot be opened or written.
    #[error("the workshop database {}: {message}", path.display())]
    Workshop { path: PathBuf, message: String },

    /// The mail server cannot be reached or refuses the connection or sign-in.
    #[error("the mail server {server}: {message}")]
    Smtp { server: String, message: String },
}

fn list(what: &str, problems: &[Problem]) -> String {
    let mut out =
        format!("{what} has {} problem{}:", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems {
        out.push_str("\n- ");
        out.push_str(&p.to_string().replace('\n', "\n  "));
    }
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a file, naming it in the error.
pub fn read(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { action: "read", path: path.to_owned(), source })
}
