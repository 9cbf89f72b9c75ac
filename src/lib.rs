//! `handreiking`: turns answer sheets for the handreiking "Digitaal samenwerken in
//! welzijn en zorg" into PDF advice reports, and typesets the handreiking itself.
//!
//! The library behind three thin front ends (the CLI, the web app, the reader
//! and render processes). Every command reads top to bottom as its pipeline:
//!
//! ```text
//! settings ─ content ─┐
//! answers ─ mapping ──┴─ resolve ─ render ─ output
//!           (sheets)              (batch: many at once, in processes)
//! ```
//!
//! - load: [`settings`] (embedded defaults and overrides), [`content`] (the
//!   handreiking), [`brand`], [`files`];
//! - read and map: [`answers`] (CSV, JSON, workbooks, in a reader process),
//!   [`mapping`] (columns to questions, cells to answers), [`sheets`] (both, per file);
//! - resolve: [`resolve`] (the document data a template receives), [`followup`]
//!   (against an earlier measurement);
//! - render: [`render`] (Typst), [`batch`] (one report per respondent);
//! - write and deliver: [`output`], [`mail`];
//! - the live user meeting: [`workshop`] (answers in SQLite, advice at once).
//!
//! The commands: [`batch::report`], [`group::group`], [`handout::handout`],
//! [`sheets::check`], [`sheets::suggest_mapping`], [`sheet_template::template`],
//! [`init::init`], [`mail::plan`] with [`mail::write_drafts`] or [`mail::send`].

pub mod answers;
pub mod batch;
pub mod brand;
pub mod content;
pub mod dates;
pub mod error;
pub mod files;
pub mod followup;
pub mod group;
pub mod handout;
pub mod html;
pub mod init;
pub mod mail;
pub mod mapping;
pub mod output;
pub mod render;
pub mod resolve;
pub mod settings;
pub mod sheet_template;
pub mod sheets;
pub mod workshop;

pub use batch::{BatchOutcome, Preview, ReportOptions, RowOutcome, RowResult, preview, report};
pub use error::{Error, Problem, Result};
pub use group::{GroupOutcome, group};
pub use handout::{BlankOptions, Handout, handout, handout_data};
pub use init::init;
pub use output::Written;
pub use settings::{Settings, load_content};
pub use sheet_template::{SheetFormat, template};
pub use sheets::{
    Inspection, ReadSheet, SheetOptions, check, inspect, read_sheet, stream_sheet, suggest_mapping,
};
