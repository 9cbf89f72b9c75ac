//! What a command wrote: a report or handout, the template data, a workbook
//! to type answers into, the folder `init` made.

use std::path::Path;

pub fn written(path: &Path, bytes: usize) {
    err!("wrote {} ({} kB)", path.display(), bytes.div_ceil(1024));
}

pub fn data_written(path: &Path) {
    err!("wrote the template data to {}", path.display());
}

pub fn workbook_written(path: &Path) {
    let shown = path.display().to_string();
    let arg = if shown.contains(char::is_whitespace) { format!("\"{shown}\"") } else { shown.clone() };
    err!(
        "wrote {shown}: type the answer forms into its sheet \"Antwoorden\" (the sheet \"Uitleg\" says how), \
         then run: handreiking report {arg} -o rapporten"
    );
}

pub fn workbook_needs_file() {
    err!(
        "error: an Excel workbook cannot be written to standard output; name the file with -o, e.g.\n  \
         handreiking template --format xlsx -o antwoorden.xlsx"
    );
}

pub fn initialised(dir: &Path, written: &[std::path::PathBuf]) {
    for path in written {
        err!("wrote {}", path.display());
    }
    err!(
        "edit {0}/brand.toml, then use it with --brand {0}/brand.toml; templates in {0}/templates override the embedded ones with --templates {0}/templates",
        dir.display()
    );
}
