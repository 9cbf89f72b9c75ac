//! Zips streamed to the browser as they are written: the files are read one
//! after another and sent in small pieces, so a batch of thousands of reports
//! costs the app no more memory than a batch of ten.

use std::io::Write;
use std::path::PathBuf;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::page::disposition;

/// What goes into a zip, under the name it has there.
pub enum Entry {
    /// A file, copied in as it is (PDFs are compressed already).
    File { name: String, path: PathBuf },
    /// Text made for the download (a manifest with the user's names), deflated.
    Text { name: String, text: String },
}

/// Pieces of at most this size are on their way at once, a few at a time.
const PIECE: usize = 64 * 1024;
const PIECES_WAITING: usize = 4;

/// The zip of `entries` as a download named `name`. A file that cannot be read
/// halfway breaks the download off (the browser says it failed), never a zip
/// that looks whole and is not.
pub fn zip(name: &str, entries: Vec<Entry>) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(PIECES_WAITING);
    tokio::task::spawn_blocking(move || {
        let mut out = Pieces { sender: sender.clone(), buffer: Vec::with_capacity(PIECE) };
        let written = write_zip(&mut out, entries).and_then(|()| out.flush());
        if let Err(e) = written {
            let _ = sender.blocking_send(Err(e));
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|piece| (piece, receiver))
    });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, disposition("attachment", name)),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

fn write_zip(out: &mut Pieces, entries: Vec<Entry>) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(out);
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for entry in entries {
        match entry {
            Entry::File { name, path } => {
                let mut file = std::fs::File::open(&path)?;
                zip.start_file(name.as_str(), stored).map_err(std::io::Error::other)?;
                std::io::copy(&mut file, &mut zip)?;
            }
            Entry::Text { name, text } => {
                zip.start_file(name.as_str(), deflated).map_err(std::io::Error::other)?;
                zip.write_all(text.as_bytes())?;
            }
        }
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// A writer that hands its bytes to the response in pieces; it stops with an
/// error once the browser has gone (the download was cancelled).
struct Pieces {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = PIECE - self.buffer.len();
        let taken = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..taken]);
        if self.buffer.len() == PIECE {
            self.flush()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE)));
        self.sender
            .blocking_send(Ok(piece))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was cancelled"))
    }
}
