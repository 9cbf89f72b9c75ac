//! The integration tests, one module per part of the program, built as one test
//! binary: linking the library (Typst included) into 26 binaries took most of CI's
//! build time. Run one part with `cargo test <module>::`, e.g. `cargo test workshop::`.
//! Every test runs the real binary (or server) on fixtures and reads what it made.

mod common;

mod blank;
mod book;
mod brand;
mod browser;
mod check_output;
mod content;
mod desktop;
mod earlier;
mod exports;
mod fuzz_smoke;
mod handouts;
mod hostile;
mod hostile_uploads;
mod hostile_workbooks;
mod interrupt;
mod mail;
mod mail_browser;
mod pdfua;
mod processes;
mod report;
mod reserved_names;
mod serve;
mod streaming;
mod template;
mod workbooks;
mod workshop;
mod workshop_browser;
mod workshop_load;
