#![no_main]
//! Any bytes as a workbook (.xlsx, .xls, .ods by the first byte's choice), read
//! in this process: the container checks and the cell bounds must refuse what
//! would take more than libFuzzer's memory limit (-rss_limit_mb, -malloc_limit_mb),
//! and nothing may panic. What still gets through is the reader process's to stop.
use std::sync::OnceLock;

use handreiking::answers::{self, ReadOptions};
use handreiking::content::Handreiking;
use libfuzzer_sys::fuzz_target;

fn content() -> &'static Handreiking {
    static H: OnceLock<Handreiking> = OnceLock::new();
    H.get_or_init(|| handreiking::load_content(&Default::default()).unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let ext = ["xlsx", "xls", "ods", "xlsb"][choice as usize % 4];
    let path = std::env::temp_dir().join(format!("handreiking-fuzz-{}.{ext}", std::process::id()));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let h = content();
    let fit = |sheet: &answers::Sheet| handreiking::mapping::detect_all(sheet, h, None).0.questions.len();
    if let Ok((sheet, rows)) = answers::open(&path, &ReadOptions::default(), &fit) {
        let rows: Vec<_> = rows.flatten().collect();
        if let Ok(m) = handreiking::mapping::detect(&sheet, h, None) {
            for row in &rows {
                let _ = handreiking::mapping::interpret_row(row, &sheet.headers, &m, h, &mut Default::default());
            }
        }
    }
});
