//! Folders of files that come either from the binary (the embedded defaults)
//! or from disk. A folder on disk can replace the defaults whole (content) or
//! override them file by file (templates).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

#[derive(Debug, Clone)]
pub struct Files {
    /// Relative path (with `/`) → bytes and where they came from.
    entries: BTreeMap<String, (Cow<'static, [u8]>, Origin)>,
    /// How to name a file that is missing: the folder it was looked for in.
    base: Origin,
}

#[derive(Debug, Clone)]
enum Origin {
    Embedded(&'static str),
    Dir(PathBuf),
}

impl Origin {
    fn name(&self, rel: &str) -> String {
        match self {
            Origin::Embedded(folder) => format!("<embedded>/{folder}/{rel}"),
            Origin::Dir(dir) => dir.join(rel).display().to_string(),
        }
    }
}

impl Files {
    fn embedded(folder: &'static str, list: &'static [(&'static str, &'static [u8])]) -> Self {
        let origin = Origin::Embedded(folder);
        let entries = list
            .iter()
            .map(|(rel, bytes)| (rel.to_string(), (Cow::Borrowed(*bytes), origin.clone())))
            .collect();
        Files { entries, base: origin }
    }

    pub fn default_content() -> Self {
        Self::embedded("content", embedded::CONTENT)
    }

    pub fn default_templates() -> Self {
        Self::embedded("templates", embedded::TEMPLATES)
    }

    pub fn default_fonts() -> Self {
        Self::embedded("fonts", embedded::FONTS)
    }

    /// Every file below `dir`, read now (content and templates are small).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let meta = std::fs::metadata(dir).map_err(|source| Error::Io {
            action: "open folder",
            path: dir.to_owned(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(Error::Usage(format!("{} is not a folder", dir.display())));
        }
        let origin = Origin::Dir(dir.to_owned());
        let mut entries = BTreeMap::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(folder) = stack.pop() {
            let read = std::fs::read_dir(&folder).map_err(|source| Error::Io {
                action: "read folder",
                path: folder.clone(),
                source,
            })?;
            for entry in read {
                let entry = entry.map_err(|source| Error::Io {
                    action: "read folder",
                    path: folder.clone(),
                    source,
                })?;
                let path = entry.path();
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if hidden {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .expect("walked below dir")
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    let bytes = crate::error::read(&path)?;
                    entries.insert(rel, (Cow::Owned(bytes), origin.clone()));
                }
            }
        }
        Ok(Files { entries, base: origin })
    }

    /// Files held in memory (for tests and fuzzing), named as if in `folder`.
    pub fn from_memory(folder: &'static str, files: Vec<(String, Vec<u8>)>) -> Self {
        let origin = Origin::Embedded(folder);
        let entries =
            files.into_iter().map(|(rel, bytes)| (rel, (Cow::Owned(bytes), origin.clone()))).collect();
        Files { entries, base: origin }
    }

    /// Files of `dir` replace files of `self` with the same relative path.
    pub fn overridden_by(mut self, dir: &Path) -> Result<Self> {
        let other = Files::from_dir(dir)?;
        self.entries.extend(other.entries);
        Ok(self)
    }

    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.entries.get(rel).map(|(bytes, _)| bytes.as_ref())
    }

    /// How to name `rel` to the user: the path it was read from, or would be.
    pub fn name(&self, rel: &str) -> String {
        match self.entries.get(rel) {
            Some((_, origin)) => origin.name(rel),
            None => self.base.name(rel),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().map(|(rel, (bytes, _))| (rel.as_str(), bytes.as_ref()))
    }

    /// Writes every file below `dir` (for `init` and inspection).
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        for (rel, bytes) in self.iter() {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                    action: "create folder",
                    path: parent.to_owned(),
                    source,
                })?;
            }
            std::fs::write(&path, bytes).map_err(|source| Error::Io { action: "write", path, source })?;
        }
        Ok(())
    }
}
