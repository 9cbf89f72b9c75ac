//! Brand files: two organisations, two looks; every mistake named with its line.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Pdf, run, run_ok, scratch, squash};

fn brands() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/brands")
}

fn anouk(dir: &Path) -> Pdf {
    Pdf::load(&dir.join("Zorggroep Almere - Anouk de Vries.pdf"))
}

#[test]
fn two_brands_two_looks() {
    let consultancy = scratch("brand-consultancy");
    run_ok(&[
        "report",
        "-o",
        consultancy.to_str().unwrap(),
        "--brand",
        brands().join("adviesbureau/brand.toml").to_str().unwrap(),
        "examples/antwoorden.csv",
    ]);
    let municipality = scratch("brand-municipality");
    run_ok(&[
        "report",
        "-o",
        municipality.to_str().unwrap(),
        // Its fonts folder is named in the brand file: no --font-path needed.
        "--brand",
        brands().join("gemeente/brand.toml").to_str().unwrap(),
        "examples/antwoorden.csv",
    ]);
    let a = anouk(&consultancy);
    let b = anouk(&municipality);
    let (ta, tb) = (squash(&a.all_text()), squash(&b.all_text()));

    // Sender, titles, personal opening, footer.
    assert!(ta.contains(&squash("Verbinding & Co Advies")) && !ta.contains(&squash("Gemeente Zuiderzee")));
    assert!(tb.contains(&squash("Rapportage sociaal domein")) && tb.contains(&squash("Team Sociaal Domein")));
    assert!(ta.contains(&squash("Beste Anouk de Vries, Dank voor het invullen")), "personal opening");
    assert!(tb.contains(&squash("Geachte Anouk de Vries,")));
    assert!(ta.contains(&squash("Persoonlijk advies voor Zorggroep Almere")));
    assert!(
        squash(&a.text[2]).contains(&squash("vertrouwelijk advies voor Zorggroep Almere")),
        "footer text"
    );
    assert!(ta.contains(&squash("Tot slot Wil je een van de werkvormen samen uitproberen")));
    assert_eq!(a.info("Title").as_deref(), Some("Adviesrapport Anouk de Vries – Zorggroep Almere"));
    assert_eq!(
        b.info("Title").as_deref(),
        Some("Rapportage sociaal domein Anouk de Vries – Zorggroep Almere")
    );

    // The sender wrote the report; the respondent is named in title and subject, not as author.
    assert_eq!(a.info("Author").as_deref(), Some("Marian de Boer, Verbinding & Co Advies"));
    assert_eq!(b.info("Author").as_deref(), Some("Team Sociaal Domein, Gemeente Zuiderzee"));
    let subject = b.info("Subject").unwrap_or_default();
    assert!(subject.contains("Anouk de Vries (Zorggroep Almere)"), "{subject}");
    assert!(!a.xmp().contains("<rdf:li>Anouk de Vries</rdf:li>"), "{}", a.xmp());

    // Fonts: Inter for one, Vollkorn for the other, nothing else.
    assert!(a.font_names().iter().all(|f| f.contains("Inter")), "{:?}", a.font_names());
    assert!(b.font_names().iter().any(|f| f.contains("Vollkorn")), "{:?}", b.font_names());
    assert!(!b.font_names().iter().any(|f| f.contains("Inter")), "{:?}", b.font_names());

    // The logo is in the document as a figure with its alt text.
    assert!(
        a.alt_texts().iter().any(|t| t.starts_with("Logo van Verbinding & Co Advies")),
        "{:?}",
        a.alt_texts()
    );
    assert!(
        b.alt_texts().iter().any(|t| t.starts_with("Wapen van de gemeente Zuiderzee")),
        "{:?}",
        b.alt_texts()
    );
}

#[test]
fn the_blank_handreiking_takes_the_brand_too() {
    let dir = scratch("brand-blank");
    let out = dir.join("h.pdf");
    run_ok(&[
        "blank",
        "-o",
        out.to_str().unwrap(),
        "--brand",
        brands().join("adviesbureau/brand.toml").to_str().unwrap(),
    ]);
    let pdf = Pdf::load(&out);
    assert!(squash(&pdf.text[0]).contains(&squash("Verbinding & Co Advies")));
    assert!(squash(&pdf.text[3]).contains(&squash("vertrouwelijk advies")), "footer");
}

fn brand_file(name: &str, text: &str) -> PathBuf {
    let dir = scratch(&format!("brand-{name}"));
    std::fs::write(dir.join("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>").unwrap();
    std::fs::write(dir.join("kapot.png"), b"not an image at all").unwrap();
    let path = dir.join("brand.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn fails(brand: &Path) -> String {
    let out_dir = scratch("brand-fail-out");
    let out = run(&[
        "report",
        "-o",
        out_dir.to_str().unwrap(),
        "--brand",
        brand.to_str().unwrap(),
        "examples/antwoorden.csv",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        std::fs::read_dir(&out_dir).map(|d| d.count()).unwrap_or(0) == 0,
        "nothing is written with a bad brand"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn low_contrast_colours_are_named_with_how_much_they_miss() {
    let path = brand_file(
        "contrast",
        "[kleuren]\nprimair = \"#1f5f8b\"\naccent = \"#f0b400\"\nreflecties = [\"#111111\", \"#222222\", \"#333333\", \"#444444\", \"#555555\"]\n",
    );
    let err = fails(&path);
    assert!(
        err.contains("brand.toml:3: white text on accent #f0b400 has contrast") && err.contains("short"),
        "{err}"
    );
}

#[test]
fn logo_mistakes_are_errors_with_their_line() {
    let err = fails(&brand_file("no-alt", "[logo]\nbestand = \"logo.svg\"\n"));
    assert!(err.contains("brand.toml:2: the logo has no alt text"), "{err}");
    let err = fails(&brand_file("missing-logo", "[logo]\nbestand = \"weg.svg\"\nalt = \"Logo\"\n"));
    assert!(err.contains("brand.toml:2: cannot read the logo"), "{err}");
    let err = fails(&brand_file("bad-logo", "[logo]\nbestand = \"kapot.png\"\nalt = \"Logo\"\n"));
    assert!(err.contains("brand.toml:2: the logo `kapot.png` is not an SVG, PNG or JPEG image"), "{err}");
    let err = fails(&brand_file("unknown-key", "organisatie = \"X\"\nkleur = \"#000000\"\n"));
    assert!(err.contains("brand.toml:2:") && err.contains("kleur"), "{err}");
    let err = fails(&brand_file("no-font", "[lettertypen]\ntekst = \"Comic Sans MS\"\nkoppen = \"Inter\"\n"));
    assert!(
        err.contains("the font family `Comic Sans MS` is not available") && err.contains("--font-path"),
        "{err}"
    );
}

/// A brand folder `merk/` with `logo` (a fixture, or bytes) as its logo; the
/// report command with it must stop at once, with one problem naming the brand
/// file and the logo, and write nothing: no folder, no PDFs, no manifest.
fn logo_refused(name: &str, file: &str, bytes: &[u8]) -> String {
    let dir = scratch(&format!("logo-{name}"));
    let brand_dir = dir.join("merk");
    std::fs::create_dir_all(&brand_dir).unwrap();
    // Something the logo must not reach: next to the brand folder's parent.
    std::fs::write(dir.join("secret.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::write(brand_dir.join(file), bytes).unwrap();
    let brand = brand_dir.join("brand.toml");
    std::fs::write(&brand, format!("organisatie = \"X\"\n\n[logo]\nbestand = \"{file}\"\nalt = \"Logo\"\n"))
        .unwrap();
    let out_dir = dir.join("rapporten");
    let started = std::time::Instant::now();
    let out = run(&[
        "report",
        "-o",
        out_dir.to_str().unwrap(),
        "--brand",
        brand.to_str().unwrap(),
        "examples/antwoorden.csv",
    ]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(started.elapsed().as_secs() < 5, "took {:?}: {err}", started.elapsed());
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!out_dir.exists(), "nothing is written with a bad logo: {:?}", common::pdfs_if_any(&out_dir));
    assert_eq!(err.matches("error:").count(), 1, "one message: {err}");
    assert!(err.contains("the brand file has 1 problem"), "{err}");
    assert!(err.contains(&format!("brand.toml:4: the logo `{file}` ")), "{err}");
    err
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brands").join(name)).unwrap()
}

#[test]
fn a_broken_logo_stops_the_command_once_before_anything_is_written() {
    let err = logo_refused("broken-png", "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR broken");
    assert!(err.contains("is a PNG image that cannot be read"), "{err}");
    let err = logo_refused("not-an-image", "logo.png", b"GIF89a or anything else");
    assert!(err.contains("is not an SVG, PNG or JPEG image"), "{err}");
    // A PNG of 20 001 × 1 pixels is small as a file but too large to be a logo.
    let mut wide = vec![];
    image::RgbImage::new(20_001, 1)
        .write_to(&mut std::io::Cursor::new(&mut wide), image::ImageFormat::Png)
        .unwrap();
    let err = logo_refused("too-wide", "logo.png", &wide);
    assert!(err.contains("is 20001 × 1 pixels; at most 10000"), "{err}");
}

#[test]
fn an_svg_logo_that_reaches_outside_its_folder_is_refused() {
    let err = logo_refused("outside", "logo.svg", &fixture("outside.svg"));
    assert!(err.contains("refers to the file `../../secret.png`"), "{err}");
}

#[test]
fn an_svg_entity_bomb_is_refused_at_once() {
    let err = logo_refused("bomb", "logo.svg", &fixture("billion-laughs.svg"));
    assert!(err.contains("declares XML entities"), "{err}");
}

#[test]
fn a_fonts_folder_that_does_not_exist_and_a_bad_address_are_named_with_their_line() {
    let err = fails(&brand_file(
        "no-fonts-folder",
        "[lettertypen]\ntekst = \"Inter\"\nkoppen = \"Inter\"\nmap = \"lettertypen\"\n\n[afzender]\nemail = \"marian at example\"\n",
    ));
    assert!(err.contains("brand.toml:4: the fonts folder `lettertypen` does not exist"), "{err}");
    assert!(err.contains("brand.toml:7: `email` under [afzender] is `marian at example`"), "{err}");
}

#[test]
fn characters_no_font_has_are_reported_with_their_row() {
    let dir = scratch("glyphs");
    let sheet = dir.join("s.csv");
    std::fs::write(&sheet, "naam,organisatie,R1V1\nΑλέξης Иванов,Zorg 😀 Groep,A\n").unwrap();
    let out = run_ok(&["report", "-o", dir.join("out").to_str().unwrap(), sheet.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 2: no font has `😀` (U+1F600)"), "{stderr}");
    // That report cannot claim PDF/UA and PDF/A (they forbid missing glyphs), and says so.
    assert!(stderr.contains("without the PDF/UA-1 and PDF/A-2a claims"), "{stderr}");
    // Greek and Cyrillic are covered by the embedded fonts: no warning for them.
    assert!(!stderr.contains("U+03"), "{stderr}");
    let pdf = Pdf::load(&dir.join("out/Zorg 😀 Groep - Αλέξης Иванов.pdf"));
    assert!(pdf.text[0].contains("Иванов") && pdf.text[0].contains("Αλ"), "{}", pdf.text[0]);
}

#[test]
fn init_writes_an_editable_brand_and_templates_that_override() {
    let dir = scratch("init");
    run_ok(&["init", dir.to_str().unwrap()]);
    assert!(dir.join("brand.toml").exists() && dir.join("templates/report.typ").exists());
    // A second init does not overwrite.
    assert_eq!(run(&["init", dir.to_str().unwrap()]).status.code(), Some(2));
    let report = dir.join("templates/report.typ");
    let text = std::fs::read_to_string(&report)
        .unwrap()
        .replace("[Overzicht van de antwoorden]", "[Uw antwoorden in één oogopslag]");
    std::fs::write(&report, text).unwrap();
    let brand = std::fs::read_to_string(dir.join("brand.toml"))
        .unwrap()
        .replace("organisatie = \"Logt u even in\"", "organisatie = \"Eigen Huisstijl BV\"");
    std::fs::write(dir.join("brand.toml"), brand).unwrap();
    let out = dir.join("out");
    run_ok(&[
        "report",
        "-o",
        out.to_str().unwrap(),
        "--templates",
        dir.join("templates").to_str().unwrap(),
        "--brand",
        dir.join("brand.toml").to_str().unwrap(),
        "examples/antwoorden.csv",
    ]);
    let text = squash(&anouk(&out).all_text());
    assert!(
        text.contains(&squash("Uw antwoorden in één oogopslag"))
            && text.contains(&squash("Eigen Huisstijl BV"))
    );
}
