//! Writes the example workbooks in `examples/exports/` and the workbook fixtures in
//! `tests/fixtures/sheets/`, each in the layout its survey tool really uses. Run it
//! through `examples/exports/make-workbooks.sh`, which also converts two of them to
//! .xls and .ods with LibreOffice and makes the fixtures that need Python.
//!
//! ```sh
//! cargo run --example make_workbooks -- target/make-workbooks
//! cargo run --example make_workbooks -- --big 50000 big.xlsx   # for the benchmark
//! ```
//!
//! The argument is a work folder for the intermediate files (`kobotoolbox.xlsx` and
//! `handmatig.xlsx` to convert, `antwoorden.xlsx` to encrypt and to inflate).
//!
//! No real people: the same three synthetic respondents with the same answers as
//! `examples/exports/google-forms.csv` (Sanne leaves R1V3, R3V1, R4V2 and R5V1 open),
//! so one test can check every export. The question texts, reflection titles and
//! answer labels come from the handreiking's own content.

use std::error::Error;
use std::path::{Path, PathBuf};

use handreiking::content::Handreiking;
use rust_xlsxwriter::{ColNum, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

struct Person {
    naam: &'static str,
    organisatie: &'static str,
    email: &'static str,
    /// Day of the month (the answers are from May 2026 unless `year`/`month` say otherwise).
    day: u8,
    /// One letter per question, R1V1…R5V2 in order; `-` is left open.
    answers: &'static str,
}

/// The three respondents of every example (and of `google-forms.csv`).
const PEOPLE: [Person; 3] = [
    Person {
        naam: "Anouk de Vries",
        organisatie: "Zorggroep Almere",
        email: "anouk@example.nl",
        day: 4,
        answers: "AABAABAABAAB",
    },
    Person {
        naam: "Mehmet Yılmaz",
        organisatie: "Welzijn Lelystad",
        email: "mehmet@example.nl",
        day: 5,
        answers: "BBBABBBAABBA",
    },
    Person {
        naam: "Sanne Jansen",
        organisatie: "Huisartsenpraktijk De Linde",
        email: "sanne@example.nl",
        day: 6,
        answers: "BA-AB-BA-B-A",
    },
];

/// Other people, for sheets that must NOT be read (a hidden old sheet, a first measurement).
const OTHERS: [Person; 2] = [
    Person {
        naam: "Joris Bakker",
        organisatie: "Stichting Buurtzorg Flevoland",
        email: "joris@example.nl",
        day: 10,
        answers: "BBBBBBBBBBBB",
    },
    Person {
        naam: "Fatima El Amrani",
        organisatie: "Welzijn Lelystad",
        email: "fatima@example.nl",
        day: 11,
        answers: "AAAAAAAAAAAA",
    },
];

impl Person {
    fn answer(&self, i: usize) -> Option<char> {
        self.answers.chars().nth(i).filter(|c| *c != '-')
    }
}

/// One question as a survey shows it.
struct Question {
    id: String,
    reflectie: u32,
    /// `Reflectie 1: Start samenwerking, visieontwikkeling en belanghebbenden`
    titel: String,
    tekst: String,
}

struct Content {
    questions: Vec<Question>,
    /// Full labels of A and B, as in content/handreiking.toml.
    label: [String; 2],
    /// Short labels.
    kort: [String; 2],
}

impl Content {
    fn load() -> Result<Content> {
        let h: Handreiking = handreiking::load_content(&Default::default())?;
        let questions = h
            .reflecties
            .iter()
            .flat_map(|r| {
                r.vragen.iter().map(move |v| Question {
                    id: v.id.clone(),
                    reflectie: r.nummer,
                    titel: format!("Reflectie {}: {}", r.nummer, r.titel),
                    tekst: v.tekst.clone(),
                })
            })
            .collect::<Vec<_>>();
        assert_eq!(questions.len(), 12, "the examples are written for 12 questions");
        Ok(Content {
            questions,
            label: [h.labels.a.label.clone(), h.labels.b.label.clone()],
            kort: [h.labels.a.kort.clone(), h.labels.b.kort.clone()],
        })
    }

    /// The reflections in order: (title, questions).
    fn reflecties(&self) -> Vec<(&str, Vec<&Question>)> {
        let mut out: Vec<(&str, Vec<&Question>)> = vec![];
        for q in &self.questions {
            match out.last_mut() {
                Some((t, qs)) if *t == q.titel => qs.push(q),
                _ => out.push((&q.titel, vec![q])),
            }
        }
        out
    }
}

/// A choice as text: `labels[0]` for A, `labels[1]` for B.
fn pick(labels: &[String; 2], letter: char) -> &str {
    if letter.eq_ignore_ascii_case(&'A') { &labels[0] } else { &labels[1] }
}

fn at(year: u16, month: u8, day: u8, h: u16, m: u8, s: u8) -> Result<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(year, month, day)?.and_hms(h, m, s)?)
}

/// A workbook whose bytes do not depend on the day it was made.
fn workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&at(2026, 5, 7, 9, 0, 0)?));
    Ok(wb)
}

fn col(i: usize) -> ColNum {
    ColNum::try_from(i).expect("few columns")
}

fn header<S: AsRef<str>>(ws: &mut Worksheet, row: u32, cells: &[S], format: Option<&Format>) -> Result<()> {
    for (i, c) in cells.iter().enumerate() {
        match format {
            Some(f) => ws.write_string_with_format(row, col(i), c.as_ref(), f)?,
            None => ws.write_string(row, col(i), c.as_ref())?,
        };
    }
    Ok(())
}

/// Writes the answers of `p` from column `first` on; open questions stay empty cells.
fn answers(ws: &mut Worksheet, row: u32, first: usize, p: &Person, labels: &[String; 2]) -> Result<()> {
    for i in 0..12 {
        if let Some(letter) = p.answer(i) {
            ws.write_string(row, col(first + i), pick(labels, letter))?;
        }
    }
    Ok(())
}

/// Microsoft Forms, "Open in Excel" / "Download a copy" of an anonymous form in English:
/// one Likert question per reflection. Forms heads a Likert statement's column with the
/// statement; some exports prefix the question title and a dot, so reflections 1–3 use
/// the statement alone and 4–5 the `title.statement` shape. A name question stands in
/// for the empty Name column; the quiz columns must be ignored.
fn microsoft_forms_en(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    let date = Format::new().set_num_format("m/d/yy h:mm:ss");
    let mut head: Vec<String> = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        "Total points",
        "Quiz feedback",
        "Grade posted time",
        "Wat is uw naam?",
        "Points - Wat is uw naam?",
        "Feedback - Wat is uw naam?",
        "Voor welke organisatie werkt u?",
    ]
    .map(String::from)
    .to_vec();
    let first = head.len();
    for q in &c.questions {
        head.push(if q.reflectie <= 3 { q.tekst.clone() } else { format!("{}.{}", q.titel, q.tekst) });
    }
    header(ws, 0, &head, None)?;
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, row)?;
        ws.write_datetime_with_format(row, 1, &at(2026, 5, p.day, 10, 50, 37)?, &date)?;
        ws.write_datetime_with_format(row, 2, &at(2026, 5, p.day, 10, 59, 37)?, &date)?;
        ws.write_string(row, 3, "anonymous")?;
        // Name and Last modified time stay empty: an anonymous form, never edited.
        ws.write_number(row, 6, 0)?;
        ws.write_string(row, 9, p.naam)?;
        ws.write_number(row, 10, 0)?;
        ws.write_string(row, 12, p.organisatie)?;
        answers(ws, row, first, p, &c.kort)?;
    }
    wb.save(path)?;
    Ok(())
}

/// Microsoft Forms in Dutch, a form for signed-in people of the organisation: e-mail
/// and name filled in by Forms, 12 single-choice questions with the long labels.
fn microsoft_forms_nl(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    let date = Format::new().set_num_format("m/d/yy h:mm:ss");
    let mut head: Vec<String> = [
        "ID",
        "Begintijd",
        "Tijd van voltooien",
        "E-mail",
        "Naam",
        "Tijd van laatste wijziging",
        "Voor welke organisatie werkt u?",
    ]
    .map(String::from)
    .to_vec();
    let first = head.len();
    head.extend(c.questions.iter().map(|q| q.tekst.clone()));
    header(ws, 0, &head, None)?;
    let labels = [format!("A. {}", c.label[0]), format!("B. {}", c.label[1])];
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, row)?;
        ws.write_datetime_with_format(row, 1, &at(2026, 5, p.day, 9, 2, 11)?, &date)?;
        ws.write_datetime_with_format(row, 2, &at(2026, 5, p.day, 9, 14, 52)?, &date)?;
        ws.write_string(row, 3, p.email)?;
        ws.write_string(row, 4, p.naam)?;
        ws.write_string(row, 6, p.organisatie)?;
        answers(ws, row, first, p, &labels)?;
    }
    wb.save(path)?;
    Ok(())
}

/// Google Sheets, File → Download → Microsoft Excel, of the responses sheet of a
/// Google Form (Dutch) with one multiple-choice grid per reflection:
/// `Grid title [row]` headers.
fn google_sheets_grid(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Formulierreacties 1")?;
    ws.set_freeze_panes(1, 0)?;
    let date = Format::new().set_num_format("d-m-yyyy h:mm:ss");
    let mut head: Vec<String> =
        ["Tijdstempel", "E-mailadres", "Naam", "Organisatie"].map(String::from).to_vec();
    let first = head.len();
    head.extend(c.questions.iter().map(|q| format!("{} [{}]", q.titel, q.tekst)));
    header(ws, 0, &head, None)?;
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_datetime_with_format(row, 0, &at(2026, 5, p.day, 10, 59, 37)?, &date)?;
        ws.write_string(row, 1, p.email)?;
        ws.write_string(row, 2, p.naam)?;
        ws.write_string(row, 3, p.organisatie)?;
        answers(ws, row, first, p, &c.kort)?;
    }
    wb.save(path)?;
    Ok(())
}

/// SurveyMonkey, Analyze results → Save as → All individual responses → XLSX: two
/// header rows. A matrix question's title sits in a merged range over its statement
/// columns, the statements in row 2; single columns have `Response` in row 2.
fn surveymonkey(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Sheet")?;
    let bold = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    let title = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("mm/dd/yyyy hh:mm:ss");
    let meta = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "Wat is uw naam?",
        "Wat is uw organisatie?",
    ];
    header(ws, 0, &meta, Some(&bold))?;
    ws.write_string_with_format(1, 9, "Response", &bold)?;
    ws.write_string_with_format(1, 10, "Response", &bold)?;
    let first = meta.len();
    let mut at_col = first;
    for (titel, qs) in c.reflecties() {
        let last = at_col + qs.len() - 1;
        ws.merge_range(0, col(at_col), 0, col(last), titel, &title)?;
        for (k, q) in qs.iter().enumerate() {
            ws.write_string_with_format(1, col(at_col + k), &q.tekst, &bold)?;
        }
        at_col = last + 1;
    }
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 2;
        ws.write_number(row, 0, 118_504_372_110.0 + i as f64 * 7.0)?;
        ws.write_number(row, 1, 431_236_118)?;
        ws.write_datetime_with_format(row, 2, &at(2026, 5, p.day, 10, 51, 2)?, &date)?;
        ws.write_datetime_with_format(row, 3, &at(2026, 5, p.day, 10, 59, 37)?, &date)?;
        ws.write_string(row, 9, p.naam)?;
        ws.write_string(row, 10, p.organisatie)?;
        answers(ws, row, first, p, &c.label)?;
    }
    wb.save(path)?;
    Ok(())
}

/// LimeSurvey, Responses → Export → Microsoft Excel, with "Full question text" headings
/// and "Full answers": the fixed columns translated into the survey language, dates
/// as text, the sheet named after the survey title cut to 31 characters (as the real
/// sample in /work/shared/survey-samples/limesurvey). LimeSurvey's writer stores text
/// as inline strings; make-workbooks.sh rewrites the shared strings to match.
fn limesurvey(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Digitaal samenwerken in welzijn")?;
    let mut head: Vec<String> = [
        "Antwoord ID",
        "Datum verstuurd",
        "Laatste pagina",
        "Starttaal",
        "Seed",
        "Datum gestart",
        "Datum laatste actie",
        "Uw naam",
        "Uw organisatie",
    ]
    .map(String::from)
    .to_vec();
    let first = head.len();
    head.extend(c.questions.iter().map(|q| q.tekst.clone()));
    header(ws, 0, &head, None)?;
    let seeds = [457_029_033, 812_764_697, 90_211_458];
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 1;
        let done = format!("2026-05-{:02} 11:00:00", p.day);
        ws.write_number(row, 0, 14 + row)?;
        ws.write_string(row, 1, &done)?;
        ws.write_number(row, 2, 6)?;
        ws.write_string(row, 3, "nl")?;
        ws.write_number(row, 4, seeds[i])?;
        ws.write_string(row, 5, format!("2026-05-{:02} 10:47:19", p.day))?;
        ws.write_string(row, 6, &done)?;
        ws.write_string(row, 7, p.naam)?;
        ws.write_string(row, 8, p.organisatie)?;
        answers(ws, row, first, p, &c.label)?;
    }
    wb.save(path)?;
    Ok(())
}

/// KoboToolbox, Downloads → XLS with "XML values and headers" and `/` as the group
/// separator: group paths, choice names, meta columns, timestamps as text. Written as
/// xlsx; make-workbooks.sh converts it to .xls (the legacy KoBoCAT format).
fn kobotoolbox(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    // The form's title, cut to Excel's 31 characters.
    ws.set_name("Reflecties digitaal samenwerken")?;
    let mut head: Vec<String> = ["start", "end", "naam", "organisatie"].map(String::from).to_vec();
    let first = head.len();
    head.extend(c.questions.iter().map(|q| format!("reflectie_{}/{}", q.reflectie, q.id)));
    let meta = [
        "__version__",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "_tags",
        "_index",
    ];
    let meta_at = head.len();
    head.extend(meta.map(String::from));
    header(ws, 0, &head, None)?;
    let choices = ["a".to_string(), "b".to_string()];
    for (i, p) in PEOPLE.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, format!("2026-05-{:02}T10:50:37.000+02:00", p.day))?;
        ws.write_string(row, 1, format!("2026-05-{:02}T10:59:37.000+02:00", p.day))?;
        ws.write_string(row, 2, p.naam)?;
        ws.write_string(row, 3, p.organisatie)?;
        answers(ws, row, first, p, &choices)?;
        let m = col(meta_at);
        ws.write_string(row, m, "vKx7hQm4T9bNcRzW2pL3sD")?;
        ws.write_number(row, m + 1, 48_201 + row)?;
        ws.write_string(row, m + 2, format!("5b0f6c1e-2d4a-4e8b-9c3f-7a1d2e3f40{:02}", row))?;
        ws.write_string(row, m + 3, format!("2026-05-{:02}T08:59:41", p.day))?;
        ws.write_string(row, m + 6, "submitted_via_web")?;
        ws.write_number(row, m + 9, row)?;
    }
    wb.save(path)?;
    Ok(())
}

/// The plain answer-sheet layout: naam, organisatie, datum (a date cell), R1V1…R5V2
/// with A or B, as someone types it in LibreOffice or Excel.
fn plain_sheet(ws: &mut Worksheet, people: &[Person], year: u16, month: u8) -> Result<()> {
    let date = Format::new().set_num_format("d-m-yyyy");
    let mut head: Vec<String> = ["naam", "organisatie", "datum"].map(String::from).to_vec();
    head.extend(
        ["R1V1", "R1V2", "R1V3", "R2V1", "R2V2", "R3V1", "R3V2", "R4V1", "R4V2", "R4V3", "R5V1", "R5V2"]
            .map(String::from),
    );
    header(ws, 0, &head, None)?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 28)?;
    ws.set_column_width(2, 11)?;
    let letters = ["A".to_string(), "B".to_string()];
    for (i, p) in people.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, p.naam)?;
        ws.write_string(row, 1, p.organisatie)?;
        ws.write_datetime_with_format(row, 2, &ExcelDateTime::from_ymd(year, month, p.day)?, &date)?;
        answers(ws, row, 3, p, &letters)?;
    }
    Ok(())
}

/// An answer sheet typed by hand (LibreOffice: the first sheet is `Blad1`); converted
/// to .ods by make-workbooks.sh.
fn handmatig(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Blad1")?;
    plain_sheet(ws, &PEOPLE, 2026, 5)?;
    wb.save(path)?;
    Ok(())
}

/// The three respondents on one sheet `Antwoorden`: the base of encrypted.xlsx and
/// absurd-size.xlsx.
fn antwoorden(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Antwoorden")?;
    plain_sheet(ws, &PEOPLE, 2026, 5)?;
    wb.save(path)?;
    Ok(())
}

/// A hidden first sheet with last year's answers; the visible second one is current.
fn hidden_first_sheet(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let mut old = Worksheet::new();
    old.set_name("Oud")?;
    plain_sheet(&mut old, &OTHERS, 2025, 3)?;
    old.set_hidden(true);
    let mut current = Worksheet::new();
    current.set_name("Antwoorden")?;
    plain_sheet(&mut current, &PEOPLE, 2026, 5)?;
    current.set_active(true);
    wb.push_worksheet(old);
    wb.push_worksheet(current);
    wb.save(path)?;
    Ok(())
}

/// A first sheet that explains how to fill in the second.
fn instructions_first(c: &Content, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let uitleg = wb.add_worksheet();
    uitleg.set_name("Uitleg")?;
    uitleg.set_column_width(0, 90)?;
    let bold = Format::new().set_bold();
    uitleg.write_string_with_format(
        0,
        0,
        "Antwoordblad handreiking Digitaal samenwerken in welzijn en zorg",
        &bold,
    )?;
    let lines = [
        String::new(),
        "Vul op het blad Antwoorden per deelnemer één regel in.".to_string(),
        "Kolommen R1V1 t/m R5V2: de vragen van reflectie 1 tot en met 5.".to_string(),
        format!("A = {}", c.label[0]),
        format!("B = {}", c.label[1]),
        "Laat een vraag leeg als de deelnemer hem niet heeft beantwoord.".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        if !l.is_empty() {
            uitleg.write_string(i as u32 + 1, 0, l)?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("Antwoorden")?;
    plain_sheet(ws, &PEOPLE, 2026, 5)?;
    wb.save(path)?;
    Ok(())
}

/// Two measurements in one workbook, with different respondents.
fn two_answer_sheets(path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Nulmeting")?;
    plain_sheet(ws, &OTHERS, 2026, 3)?;
    let ws = wb.add_worksheet();
    ws.set_name("Vervolgmeting")?;
    plain_sheet(ws, &PEOPLE, 2026, 5)?;
    wb.save(path)?;
    Ok(())
}

/// The start of an SPSS system file: the 176-byte header (`$FL2`), one numeric
/// variable record per question and the end of the dictionary; no cases.
fn spss() -> Vec<u8> {
    fn padded(s: &str, n: usize) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.resize(n, b' ');
        v
    }
    let ids =
        ["R1V1", "R1V2", "R1V3", "R2V1", "R2V2", "R3V1", "R3V2", "R4V1", "R4V2", "R4V3", "R5V1", "R5V2"];
    let mut b = b"$FL2".to_vec();
    b.extend(padded("@(#) SPSS DATA FILE MS Windows 29.0.0.0", 60));
    b.extend(2i32.to_le_bytes()); // layout code
    b.extend((ids.len() as i32).to_le_bytes()); // nominal case size
    b.extend(1i32.to_le_bytes()); // bytecode compression
    b.extend(0i32.to_le_bytes()); // no weight variable
    b.extend(0i32.to_le_bytes()); // cases
    b.extend(100f64.to_le_bytes()); // compression bias
    b.extend(b"07 May 26");
    b.extend(b"09:00:00");
    b.extend(padded("Reflecties digitaal samenwerken", 64));
    b.extend([0u8; 3]);
    assert_eq!(b.len(), 176);
    let f1 = 0x0005_0100i32; // F1.0
    for id in ids {
        b.extend(2i32.to_le_bytes()); // variable record
        b.extend(0i32.to_le_bytes()); // numeric
        b.extend(0i32.to_le_bytes()); // no label
        b.extend(0i32.to_le_bytes()); // no missing values
        b.extend(f1.to_le_bytes());
        b.extend(f1.to_le_bytes());
        b.extend(padded(id, 8));
    }
    b.extend(999i32.to_le_bytes());
    b.extend(0i32.to_le_bytes());
    b
}

/// A one-page PDF with a line of text, objects and cross-reference table correct.
fn pdf() -> Vec<u8> {
    let text = "BT /F1 14 Tf 72 770 Td (Antwoordformulier Digitaal samenwerken in welzijn en zorg) Tj ET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

/// A long Google Sheets download for the benchmark (tests/bench/run.sh): `n`
/// synthetic respondents with pseudo-random answers (a fixed seed, so runs
/// compare), in the grid layout, with date cells and shared strings as Sheets writes.
fn big_grid(c: &Content, n: u32, path: &Path) -> Result<()> {
    let mut wb = workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Formulierreacties 1")?;
    let date = Format::new().set_num_format("d-m-yyyy h:mm:ss");
    let mut head: Vec<String> =
        ["Tijdstempel", "E-mailadres", "Naam", "Organisatie"].map(String::from).to_vec();
    let first = head.len();
    head.extend(c.questions.iter().map(|q| format!("{} [{}]", q.titel, q.tekst)));
    header(ws, 0, &head, None)?;
    let mut seed: u64 = 42;
    for row in 1..=n {
        ws.write_datetime_with_format(
            row,
            0,
            &at(2026, 5, (row % 28 + 1) as u8, 10, (row % 60) as u8, 0)?,
            &date,
        )?;
        ws.write_string(row, 1, format!("respondent{row}@example.nl"))?;
        ws.write_string(row, 2, format!("Respondent {row}"))?;
        ws.write_string(row, 3, format!("Organisatie {}", row % 37 + 1))?;
        for q in 0..c.questions.len() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let value = match seed % 20 {
                0..=8 => c.kort[0].as_str(),
                9..=17 => c.kort[1].as_str(),
                _ => continue,
            };
            ws.write_string(row, col(first + q), value)?;
        }
    }
    wb.save(path)?;
    Ok(())
}

fn main() -> Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, n, path] = args.as_slice()
        && flag == "--big"
    {
        return big_grid(&Content::load()?, n.parse()?, Path::new(path));
    }
    let work =
        std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| root.join("target/make-workbooks"));
    let exports = root.join("examples/exports");
    let fixtures = root.join("tests/fixtures/sheets");
    std::fs::create_dir_all(&work)?;
    std::fs::create_dir_all(&fixtures)?;
    let c = Content::load()?;

    microsoft_forms_en(&c, &exports.join("microsoft-forms-en.xlsx"))?;
    microsoft_forms_nl(&c, &exports.join("microsoft-forms-nl.xlsx"))?;
    google_sheets_grid(&c, &exports.join("google-sheets-grid.xlsx"))?;
    surveymonkey(&c, &exports.join("surveymonkey.xlsx"))?;
    limesurvey(&c, &exports.join("limesurvey.xlsx"))?;
    kobotoolbox(&c, &work.join("kobotoolbox.xlsx"))?;
    handmatig(&work.join("handmatig.xlsx"))?;
    antwoorden(&work.join("antwoorden.xlsx"))?;

    hidden_first_sheet(&fixtures.join("hidden-first-sheet.xlsx"))?;
    instructions_first(&c, &fixtures.join("instructions-first.xlsx"))?;
    two_answer_sheets(&fixtures.join("two-answer-sheets.xlsx"))?;
    // A workbook saved under a CSV name, and a CSV under a workbook name.
    std::fs::copy(exports.join("microsoft-forms-nl.xlsx"), fixtures.join("workbook-named.csv"))?;
    std::fs::copy(exports.join("google-forms.csv"), fixtures.join("csv-named.xlsx"))?;
    std::fs::write(fixtures.join("empty.xlsx"), b"")?;
    std::fs::write(fixtures.join("spss.sav"), spss())?;
    std::fs::write(fixtures.join("document.pdf"), pdf())?;
    eprintln!("wrote the workbooks; intermediate files in {}", work.display());
    Ok(())
}
