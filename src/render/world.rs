//! The single I/O boundary of typesetting: templates and fonts from the engine,
//! the document's data at `/data.json`, nothing from the file system.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::Engine;

pub struct DocWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl<'a> DocWorld<'a> {
    pub fn new(engine: &'a Engine, main: FileId, data: Bytes, today: Option<Datetime>) -> Self {
        DocWorld { engine, main, data, today }
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.data_id {
            return Ok(self.data.clone());
        }
        if let Some(source) = self.engine.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.engine.assets.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(format!("{:?}", id.vpath()).into())
}
