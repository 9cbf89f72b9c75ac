//! A bounded, deterministic mutation run over the readers (CSV, JSON, mapping
//! files, content): whatever the bytes, they return a value or an error, never
//! panic. The long runs are the cargo-fuzz targets in fuzz/; this keeps CI honest.

use handreiking::answers::{self, ReadOptions};
use handreiking::files::Files;
use handreiking::mapping::{self, MappingFile};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPICE: &[&[u8]] = &[
    b"\"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\xC3",
    b"\0",
    b"{",
    b"}",
    b"[",
    b"]",
    b"R1V1",
    b"A",
    b"B",
    b"#",
    b"---\n",
    b"[[",
    b"=",
    b"\\",
    b"\xF0\x9F\x98\x80",
    b"{\"ImportId\":\"x\"}",
    b"<br>",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..=rng.below(8) {
        let at = rng.below(v.len() + 1);
        match rng.below(4) {
            0 => v.splice(at..at, SPICE[rng.below(SPICE.len())].iter().copied()).for_each(drop),
            1 if !v.is_empty() => {
                let end = (at + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            2 if at < v.len() => v[at] = rng.next() as u8,
            _ => v.truncate(at),
        }
    }
    v
}

#[test]
fn sheet_readers_and_mapping_never_panic() {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let seeds: Vec<(&str, Vec<u8>)> = vec![
        ("csv", std::fs::read("examples/antwoorden.csv").unwrap()),
        ("csv", std::fs::read("examples/antwoorden-excel-nl.csv").unwrap()),
        ("csv", std::fs::read("examples/exports/qualtrics.csv").unwrap()),
        ("csv", std::fs::read("examples/exports/surveymonkey.csv").unwrap()),
        ("json", std::fs::read("examples/antwoorden.json").unwrap()),
        ("json", std::fs::read("examples/exports/typeform.json").unwrap()),
        ("json", std::fs::read("examples/exports/limesurvey.json").unwrap()),
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..1500 {
        let (ext, seed) = &seeds[i % seeds.len()];
        let bytes = mutate(&mut rng, seed);
        let ext = if rng.below(5) == 0 { "" } else { ext };
        if let Ok(sheet) = answers::read_bytes("fuzz", ext, &bytes, &ReadOptions::default()) {
            if let Ok(m) = mapping::detect(&sheet, &h, None) {
                let _ = mapping::interpret(&sheet, &m, &h);
            }
            let _ = mapping::suggestion(&sheet, &h, &ReadOptions::default());
        }
    }
    let mapping_seed = std::fs::read("examples/exports/qualtrics.toml").unwrap();
    for _ in 0..500 {
        let bytes = mutate(&mut rng, &mapping_seed);
        let _ = MappingFile::parse("fuzz.toml", &String::from_utf8_lossy(&bytes), &h);
    }
}

#[test]
fn workbook_readers_never_panic_or_hang() {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-workbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let seeds: Vec<(&str, Vec<u8>)> =
        ["google-sheets-grid.xlsx", "surveymonkey.xlsx", "handmatig.ods", "kobotoolbox.xls"]
            .iter()
            .map(|f| (f.rsplit('.').next().unwrap(), std::fs::read(format!("examples/exports/{f}")).unwrap()))
            .collect();
    let fit = |sheet: &answers::Sheet| mapping::detect_all(sheet, &h, None).0.questions.len();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for i in 0..400 {
        let (ext, seed) = &seeds[i % seeds.len()];
        // Mutations near the start hit the zip headers; elsewhere, compressed sheets.
        let bytes = mutate(&mut rng, seed);
        let path = dir.join(format!("m.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        if let Ok((sheet, rows)) = answers::open(&path, &ReadOptions::default(), &fit) {
            let read: Vec<_> = rows.collect();
            if let Ok(m) = mapping::detect(&sheet, &h, None) {
                for row in read.iter().flatten() {
                    let _ = mapping::interpret_row(row, &sheet.headers, &m, &h, &mut Default::default());
                }
            }
        }
    }
}

#[test]
fn the_content_loader_never_panics() {
    let base: Vec<(String, Vec<u8>)> =
        Files::default_content().iter().map(|(r, b)| (r.to_string(), b.to_vec())).collect();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for _ in 0..300 {
        let mut files = base.clone();
        for _ in 0..=rng.below(3) {
            let k = rng.below(files.len());
            files[k].1 = mutate(&mut rng, &files[k].1);
        }
        let _ = handreiking::content::load(&Files::from_memory("content", files));
    }
}
