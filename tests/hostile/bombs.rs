//! Workbooks and sheets built to overload a reader: each claims or unpacks to
//! far more than its size, the way an attacker (or a broken exporter) would
//! make them. Written from scratch with the `zip` crate and patched from
//! `examples/exports/kobotoolbox.xls`, so nothing large is kept in the repo.

use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

/// One hostile file: its name and what it does.
pub struct Bomb {
    pub path: PathBuf,
    pub what: &'static str,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// A part of a workbook: its name, and its content as pieces written one
/// after another (so a part of a gigabyte is never held whole).
struct Part<'a> {
    name: &'a str,
    pieces: Vec<(&'a [u8], usize)>,
}

fn part<'a>(name: &'a str, text: &'a str) -> Part<'a> {
    Part { name, pieces: vec![(text.as_bytes(), 1)] }
}

/// An .xlsx of the usual parts with these shared strings and this sheet.
fn xlsx(path: &Path, strings: Part<'_>, sheet: Part<'_>, more: Vec<Part<'_>>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    // Level 1: the gigabyte parts are written in seconds, and still shrink a thousandfold.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let parts = [
        part("[Content_Types].xml", CONTENT_TYPES),
        part("_rels/.rels", RELS),
        part("xl/workbook.xml", WORKBOOK),
        part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        strings,
        sheet,
    ];
    for part in parts.into_iter().chain(more) {
        zip.start_file(part.name, options).unwrap();
        for (piece, times) in part.pieces {
            for _ in 0..times {
                zip.write_all(piece).unwrap();
            }
        }
    }
    zip.finish().unwrap();
}

/// A sheet of one row with these cells (`<c …>` elements).
fn one_row(cells: &str) -> String {
    format!(r#"{SHEET_START}<sheetData><row r="1">{cells}</row></sheetData></worksheet>"#)
}

fn strings(items: &[&str]) -> String {
    let si: String = items.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{si}</sst>"#,
        n = items.len()
    )
}

/// Makes every hostile file in `dir` whose name is `wanted`; returns them
/// with what each does.
pub fn made(dir: &Path, wanted: &dyn Fn(&str) -> bool) -> Vec<Bomb> {
    let mut bombs = vec![];
    let mut add = |name: &str, what: &'static str, make: &dyn Fn(&Path)| {
        if !wanted(name) {
            return;
        }
        let path = dir.join(name);
        make(&path);
        bombs.push(Bomb { path, what });
    };
    let header =
        r#"<c r="A1" t="inlineStr"><is><t>naam</t></is></c><c r="B1" t="inlineStr"><is><t>R1V1</t></is></c>"#;

    add("claimed-strings.xlsx", "a 2 KB workbook whose string table claims 10^14 strings", &|p| {
        let table = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="100000000000000" uniqueCount="100000000000000"><si><t>naam</t></si></sst>"#;
        xlsx(
            p,
            part("xl/sharedStrings.xml", table),
            part("xl/worksheets/sheet1.xml", &one_row(header)),
            vec![],
        );
    });

    add("amplified-string.xlsx", "one 1 MB shared string referenced by 16,384 cells", &|p| {
        let big = "x".repeat(1 << 20);
        let table = strings(&["naam", &big]);
        let cells: String =
            (0..16_384).map(|c| format!(r#"<c r="{}2" t="s"><v>1</v></c>"#, column(c))).collect();
        let sheet = format!(
            r#"{SHEET_START}<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">{cells}</row></sheetData></worksheet>"#
        );
        xlsx(p, part("xl/sharedStrings.xml", &table), part("xl/worksheets/sheet1.xml", &sheet), vec![]);
    });

    add("huge-string.xlsx", "one shared string of 1.5 GB in a 1.5 MB file", &|p| {
        let start = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#;
        let chunk = vec![b'x'; 1 << 20];
        let strings = Part {
            name: "xl/sharedStrings.xml",
            pieces: vec![(start.as_bytes(), 1), (&chunk, 1536), (b"</t></si></sst>".as_slice(), 1)],
        };
        let sheet = one_row(r#"<c r="A1" t="s"><v>0</v></c>"#);
        xlsx(p, strings, part("xl/worksheets/sheet1.xml", &sheet), vec![]);
    });

    add("zip-bomb.xlsx", "a sheet that unpacks from about 1 MB to 1 GB of blank space", &|p| {
        let table = strings(&["naam"]);
        let blank = vec![b' '; 1 << 20];
        let sheet = Part {
            name: "xl/worksheets/sheet1.xml",
            pieces: vec![
                (SHEET_START.as_bytes(), 1),
                (&blank, 1000),
                (b"<sheetData/></worksheet>".as_slice(), 1),
            ],
        };
        xlsx(p, part("xl/sharedStrings.xml", &table), sheet, vec![]);
    });

    add("many-parts.xlsx", "a workbook of 20,000 parts", &|p| {
        let table = strings(&["naam"]);
        let names: Vec<String> = (0..20_000).map(|i| format!("xl/media/image{i}.png")).collect();
        let more = names.iter().map(|n| part(n, "")).collect();
        xlsx(
            p,
            part("xl/sharedStrings.xml", &table),
            part("xl/worksheets/sheet1.xml", &one_row(header)),
            more,
        );
    });

    add("huge-dimension.xlsx", "a sheet that claims A1:XFD1048576 and has a cell in its last corner", &|p| {
        let table = strings(&["naam"]);
        let sheet = format!(
            r#"{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{header}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
        );
        xlsx(p, part("xl/sharedStrings.xml", &table), part("xl/worksheets/sheet1.xml", &sheet), vec![]);
    });

    add("beyond-the-sheet.xlsx", "a cell beyond the last column a workbook can have", &|p| {
        let table = strings(&["naam"]);
        let sheet = one_row(r#"<c r="ZZZZ1"><v>1</v></c>"#);
        xlsx(p, part("xl/sharedStrings.xml", &table), part("xl/worksheets/sheet1.xml", &sheet), vec![]);
    });

    add("deep-xml.xlsx", "a sheet of a million nested unknown elements", &|p| {
        let table = strings(&["naam"]);
        let sheet = Part {
            name: "xl/worksheets/sheet1.xml",
            pieces: vec![
                (SHEET_START.as_bytes(), 1),
                (b"<x>".as_slice(), 1_000_000),
                (b"</x>".as_slice(), 1_000_000),
                (b"<sheetData/></worksheet>".as_slice(), 1),
            ],
        };
        xlsx(p, part("xl/sharedStrings.xml", &table), sheet, vec![]);
    });

    add("many-rows.xlsx", "a million rows of one cell each, the most rows a sheet can have", &|p| {
        let table = strings(&["naam"]);
        let rows: String = (2..=1_048_576)
            .map(|r| format!(r#"<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>A</t></is></c></row>"#))
            .collect();
        let sheet =
            format!(r#"{SHEET_START}<sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>"#);
        xlsx(p, part("xl/sharedStrings.xml", &table), part("xl/worksheets/sheet1.xml", &sheet), vec![]);
    });

    add("dimension.xls", "an .xls whose dimension record claims 65,536 rows by 256 columns", &|p| {
        std::fs::write(p, xls_claiming(65_536, 256)).unwrap();
    });

    add("repeats.ods", "an .ods whose one cell repeats 16,384 columns by a million rows", &|p| {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(p).unwrap());
        let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("META-INF/manifest.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        zip.start_file("content.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Blad1"><table:table-row><table:table-cell office:value-type="string"><text:p>naam</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>A</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#).unwrap();
        zip.finish().unwrap();
    });

    add("long-cell.csv", "a 100 MB CSV of one quoted cell", &|p| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
        f.write_all(b"naam,R1V1\n\"").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..95 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\",A\n").unwrap();
    });

    add("wide.csv", "a 100 MB CSV whose rows have a million empty columns", &|p| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
        let row = vec![b','; 1 << 20];
        for _ in 0..95 {
            f.write_all(&row).unwrap();
            f.write_all(b"\n").unwrap();
        }
    });

    add("numbers.json", "a 100 MB JSON object holding 50 million numbers", &|p| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(p).unwrap());
        f.write_all(b"{\"answers\": [0").unwrap();
        let chunk = ",0".repeat(1 << 19);
        for _ in 0..95 {
            f.write_all(chunk.as_bytes()).unwrap();
        }
        f.write_all(b"]}").unwrap();
    });

    add("many-keys.json", "a JSON respondent with 200,000 different answer keys", &|p| {
        let keys: Vec<String> = (0..200_000).map(|i| format!("\"V{i}\": \"A\"")).collect();
        std::fs::write(
            p,
            format!("[{{\"respondent\": {{\"naam\": \"Jan\"}}, \"answers\": {{{}}}}}]", keys.join(",")),
        )
        .unwrap();
    });

    bombs
}

/// `A`, …, `Z`, `AA`, … for a 0-based column.
fn column(mut c: usize) -> String {
    let mut s = vec![];
    c += 1;
    while c > 0 {
        s.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

/// The KoBoToolbox .xls example with each sheet's DIMENSIONS record (BIFF8:
/// type 0x0200, first row, last row + 1, first column, last column + 1)
/// rewritten to claim `rows` by `columns`.
fn xls_claiming(rows: u32, columns: u16) -> Vec<u8> {
    use std::io::{Read, Seek};
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/exports/kobotoolbox.xls");
    let mut cfb = cfb::CompoundFile::open(std::io::Cursor::new(std::fs::read(&source).unwrap())).unwrap();
    let name = if cfb.exists("/Workbook") { "/Workbook" } else { "/Book" };
    let mut stream = cfb.open_stream(name).unwrap();
    let mut data = vec![];
    stream.read_to_end(&mut data).unwrap();
    let mut at = 0;
    let mut patched = 0;
    while at + 4 <= data.len() {
        let kind = u16::from_le_bytes([data[at], data[at + 1]]);
        let len = u16::from_le_bytes([data[at + 2], data[at + 3]]) as usize;
        if kind == 0x0200 && len >= 14 {
            let body = at + 4;
            data[body..body + 4].copy_from_slice(&0u32.to_le_bytes());
            data[body + 4..body + 8].copy_from_slice(&rows.to_le_bytes());
            data[body + 8..body + 10].copy_from_slice(&0u16.to_le_bytes());
            data[body + 10..body + 12].copy_from_slice(&columns.to_le_bytes());
            patched += 1;
        }
        at += 4 + len;
    }
    assert!(patched > 0, "the example .xls has a DIMENSIONS record");
    // The same length, written over the stream in place: the file stays as Excel made it.
    stream.rewind().unwrap();
    stream.write_all(&data).unwrap();
    stream.flush().unwrap();
    drop(stream);
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}
