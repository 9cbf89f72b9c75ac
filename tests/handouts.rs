//! Workshop material: the answer form, the werkvorm cards and the group report.

use crate::common;

use common::{Pdf, run_ok, scratch, squash};
use handreiking::content::{Letter, markdown};

fn make(args: &[&str], name: &str) -> Pdf {
    let dir = scratch(&format!("handout-{name}"));
    let out = dir.join(format!("{name}.pdf"));
    let mut all = args.to_vec();
    all.extend(["-o", out.to_str().unwrap()]);
    run_ok(&all);
    Pdf::load(&out)
}

#[test]
fn the_answer_form_lists_every_question_in_sheet_order() {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let pdf = make(&["form"], "form");
    let text = pdf.all_text();
    let flat = squash(&text);
    for field in ["Naam", "Organisatie", "Datum", "Toelichting"] {
        assert!(text.contains(field), "no {field}");
    }
    // The ids appear in the order of the answer sheet's columns (the footer's
    // "R1V1 … R5V2" hint aside, each id is found after the one before).
    let template = String::from_utf8(run_ok(&["template"]).stdout).unwrap();
    let order: Vec<&str> = template.trim().split(',').skip(3).collect();
    let body = text.replace("R1V1 … R5V2", "");
    let mut last = 0;
    for id in &order {
        let at = body[last..].find(id).unwrap_or_else(|| panic!("{id} missing or out of order"));
        last += at + id.len();
        assert!(flat.contains(&squash(&h.vraag(id).unwrap().tekst)));
    }
    assert!(pdf.catalog_entry("StructTreeRoot").is_some() && pdf.xmp().contains("pdfuaid"));
}

#[test]
fn werkvorm_cards_two_to_a_sheet_each_complete() {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let pdf = make(&["cards"], "cards");
    assert_eq!(pdf.pages.len(), h.werkvormen.len().div_ceil(2));
    let outline: Vec<String> = pdf.outline().into_iter().map(|(_, t, _)| t).collect();
    for (i, w) in h.werkvormen.iter().enumerate() {
        let page = squash(&pdf.text[i / 2]);
        assert!(page.contains(&squash(&w.titel)), "{} not on page {}", w.id, i / 2 + 1);
        let mut paragraphs = vec![];
        markdown::paragraphs(&w.tekst, &mut paragraphs);
        for p in paragraphs {
            assert!(page.contains(&squash(&p)), "{}: missing {p:?}", w.id);
        }
        assert!(outline.iter().any(|t| t.contains(&w.titel)), "no bookmark for {}", w.id);
    }
}

#[test]
fn the_group_report_counts_orders_and_advises() {
    let h = handreiking::load_content(&Default::default()).unwrap();
    let pdf = make(&["group", "examples/antwoorden.csv"], "group");
    let text = pdf.all_text();
    let flat = squash(&text);
    // examples/antwoorden.csv: R1V1 is A 1, B 3; R1V3 is A 1, B 2, open 1.
    assert!(text.contains("A 1 · B 3"), "counts as text");
    assert!(text.contains("A 1 · B 2 · open 1"));
    assert!(flat.contains(&squash("4 deelnemers")));
    // Respondents are counted, not named.
    assert!(!text.contains("Anouk de Vries"));
    // The advice for the answer most chosen: R1V1 B (3 of 4), R1V2 A (3 of 4).
    let opening = |id: &str, l: Letter| {
        let a = h.vraag(id).unwrap().antwoorden.iter().find(|a| a.letter == l).unwrap();
        let mut out = vec![];
        markdown::paragraphs(&a.tekst, &mut out);
        squash(&out[0]).chars().take(80).collect::<String>()
    };
    assert!(flat.contains(&opening("R1V1", Letter::B)) && !flat.contains(&opening("R1V1", Letter::A)));
    assert!(flat.contains(&opening("R1V2", Letter::A)) && !flat.contains(&opening("R1V2", Letter::B)));
    // "Meeste verbetermogelijkheden" comes before "Meest verdeeld", each with its questions.
    let improve = text.find("Meeste verbetermogelijkheden").unwrap();
    let divided = text.find("Meest verdeeld").unwrap();
    assert!(improve < divided);
    let outline: Vec<String> = pdf.outline().into_iter().map(|(_, t, _)| t).collect();
    assert!(
        outline.iter().any(|t| t.contains("Waar staat de groep"))
            && outline.iter().any(|t| t.contains("Bijlage: werkvormen"))
    );
    assert!(pdf.xmp().contains("pdfuaid"));

    let named = make(&["group", "--names", "examples/antwoorden.csv"], "group-names");
    assert!(named.all_text().contains("Anouk de Vries"));
}

#[test]
fn handouts_take_the_brand() {
    let brand = "examples/brands/adviesbureau/brand.toml";
    for (cmd, name) in [("form", "form-brand"), ("cards", "cards-brand")] {
        let pdf = make(&[cmd, "--brand", brand], name);
        assert!(
            pdf.alt_texts().iter().any(|t| t.contains("Verbinding & Co")) || cmd == "cards",
            "{cmd}: no logo"
        );
        assert!(pdf.font_names().iter().all(|f| f.contains("Inter")));
    }
    let pdf = make(&["group", "--brand", brand, "examples/antwoorden.csv"], "group-brand");
    assert!(squash(&pdf.all_text()).contains(&squash("Verbinding & Co Advies")));
}
