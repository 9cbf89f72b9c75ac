//! `handreiking init DIR`: the embedded brand file and templates, written out to edit.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::Files;
use crate::output;

/// `handreiking init DIR`: the default brand file and the templates, to edit.
pub fn init(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let templates = Files::default_templates();
    let mut written = vec![];
    let mut planned: Vec<(PathBuf, &[u8])> = vec![];
    for (rel, bytes) in templates.iter() {
        let target = if rel == "brand.toml" { dir.join(rel) } else { dir.join("templates").join(rel) };
        planned.push((target, bytes));
    }
    for (path, _) in &planned {
        if path.exists() && !force {
            return Err(Error::Usage(format!(
                "{} exists already; use --force to overwrite it",
                path.display()
            )));
        }
    }
    for (path, bytes) in planned {
        output::write_atomic(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}
