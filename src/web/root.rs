//! The folder every session lives in: `handreiking-serve-*` in the temporary
//! folder, private to this account, and marked as the app's own so that one
//! left by a crashed or killed run is removed at the next start, and nothing
//! else ever is.

use std::fs::File;
use std::path::{Path, PathBuf};

const PREFIX: &str = "handreiking-serve-";

/// A file in every root, locked by the app that made it for as long as it
/// runs: a root whose marker can be locked belongs to an app that is gone.
const MARKER: &str = ".handreiking-serve";

pub struct Root {
    pub path: PathBuf,
    /// Removes the folder when the app stops.
    _dir: tempfile::TempDir,
    /// Open for as long as the app runs: its lock says the root is in use.
    _marker: File,
}

impl Root {
    /// A new root in `tmp`, readable by this account only.
    pub fn create(tmp: &Path) -> std::io::Result<Root> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(PREFIX);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir_in(tmp)?;
        let marker = mark(dir.path())?;
        Ok(Root { path: dir.path().to_owned(), _dir: dir, _marker: marker })
    }
}

/// Writes the marker, locked before it appears under its name: another app
/// starting meanwhile never sees an unlocked marker of a live root.
fn mark(root: &Path) -> std::io::Result<File> {
    let part = root.join(format!("{MARKER}.part"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut marker = options.open(&part)?;
    std::io::Write::write_all(&mut marker, format!("{}\n", std::process::id()).as_bytes())?;
    // Unlocked (a file system without locks): left unmarked, so no other app
    // ever takes it for a dead one's; it is still removed when this app stops.
    if lock(&marker, true) {
        std::fs::rename(&part, root.join(MARKER))?;
    }
    Ok(marker)
}

/// Takes the marker's lock: waiting for it, or only when it is free right now.
#[cfg(unix)]
fn lock(file: &File, wait: bool) -> bool {
    use std::os::fd::AsRawFd;
    let how = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
    // SAFETY: flock on a descriptor this file owns; the lock ends when it is closed.
    unsafe { libc::flock(file.as_raw_fd(), how) == 0 }
}

#[cfg(not(unix))]
fn lock(_: &File, _: bool) -> bool {
    false
}

/// Removes the roots in `tmp` that earlier runs of the app left behind (a
/// crash, `kill -9`, a power cut): only folders named as ours, owned by this
/// account, not a symbolic link, with a marker no running app holds.
pub fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(PREFIX) && stale(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn stale(root: &Path) -> bool {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    // SAFETY: getuid cannot fail.
    let me = unsafe { libc::getuid() };
    let ours = |meta: &std::fs::Metadata| meta.uid() == me;
    // Not followed: a link named like a root is left alone, wherever it points.
    match std::fs::symlink_metadata(root) {
        Ok(meta) if meta.is_dir() && ours(&meta) => {}
        _ => return false,
    }
    // O_NONBLOCK: a FIFO put there does not hang the start (and is no file, so no marker).
    let marker = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(root.join(MARKER));
    let Ok(marker) = marker else { return false };
    // Released right after: a dead app's root never becomes live again.
    marker.metadata().is_ok_and(|meta| meta.is_file() && ours(&meta)) && lock(&marker, false)
}

#[cfg(not(unix))]
fn stale(_: &Path) -> bool {
    false
}
