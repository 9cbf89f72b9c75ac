//! The blank handreiking, read back from the PDF the real binary writes.

use crate::common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::{Pdf, run_ok, scratch, squash};
use handreiking::content::{Handreiking, markdown};

fn content() -> &'static Handreiking {
    static H: OnceLock<Handreiking> = OnceLock::new();
    H.get_or_init(|| handreiking::load_content(&Default::default()).expect("embedded content loads"))
}

fn pdf(print: bool) -> &'static Pdf {
    static SCREEN: OnceLock<Pdf> = OnceLock::new();
    static PRINT: OnceLock<Pdf> = OnceLock::new();
    let cell = if print { &PRINT } else { &SCREEN };
    cell.get_or_init(|| {
        let name = if print { "blank-print" } else { "blank-screen" };
        let dir = scratch(name);
        let out: PathBuf = dir.join("handreiking.pdf");
        let mut args = vec!["blank", "-o", out.to_str().unwrap()];
        if print {
            args.push("--print");
        }
        run_ok(&args);
        Pdf::load(&out)
    })
}

/// The page a named destination (a label such as `r1v1-a`) lands on.
fn page_of(pdf: &Pdf, id: &str) -> usize {
    let dests = pdf.named_dests();
    *dests
        .get(&id.to_ascii_lowercase())
        .unwrap_or_else(|| panic!("no destination {id}; have {:?}", dests.keys().collect::<Vec<_>>()))
}

#[test]
fn a_and_b_on_each_start_page_land_on_their_advice() {
    let pdf = pdf(false);
    for r in &content().reflecties {
        let start = page_of(pdf, &r.id);
        let links = pdf.links(start);
        for v in &r.vragen {
            for a in &v.antwoorden {
                let target = page_of(pdf, &a.id);
                assert!(
                    links.iter().any(|l| l.target == Some(target)),
                    "start page of {} (p. {}) has no link to {} (p. {})",
                    r.id,
                    start + 1,
                    a.id,
                    target + 1
                );
                let text = squash(&pdf.text[target]);
                assert!(
                    text.contains(&squash(&v.tekst)[..40.min(squash(&v.tekst).len())]),
                    "{} page lacks its question",
                    a.id
                );
                assert!(
                    text.contains(&squash(&format!("Antwoord {}", a.letter.as_str()))),
                    "{} page lacks its answer",
                    a.id
                );
            }
        }
    }
}

#[test]
fn every_advice_page_links_back_to_its_start_page() {
    let pdf = pdf(false);
    let dests = pdf.named_dests();
    for r in &content().reflecties {
        let start = page_of(pdf, &r.id);
        let first = r.vragen.first().unwrap().antwoorden.first().unwrap();
        let first_page = page_of(pdf, &first.id);
        let next_start = content()
            .reflecties
            .iter()
            .find(|n| n.nummer == r.nummer + 1)
            .map(|n| page_of(pdf, &n.id))
            .unwrap_or_else(|| dests["werkvormen"]);
        assert!(first_page > start);
        for page in first_page..next_start {
            assert!(
                pdf.links(page).iter().any(|l| l.target == Some(start)),
                "advice page {} of {} does not link back to its start page {}",
                page + 1,
                r.id,
                start + 1
            );
        }
    }
}

#[test]
fn next_reflection_links_chain_the_start_pages() {
    let pdf = pdf(false);
    let refl = &content().reflecties;
    for pair in refl.windows(2) {
        let start = page_of(pdf, &pair[0].id);
        let next = page_of(pdf, &pair[1].id);
        assert!(pdf.links(start).iter().any(|l| l.target == Some(next)), "{} → {}", pair[0].id, pair[1].id);
        assert!(squash(&pdf.text[start]).contains(&squash(&format!("Naar reflectie {}", pair[1].nummer))));
    }
}

#[test]
fn werkvorm_references_are_links_to_the_werkvorm() {
    let pdf = pdf(false);
    for w in &content().werkvormen {
        let target = page_of(pdf, &w.id);
        assert!(squash(&pdf.text[target]).contains(&squash(&w.titel)));
        for answer in &w.gebruikt_bij {
            let page = page_of(pdf, answer);
            let linked = (page..page + 3).any(|p| pdf.links(p).iter().any(|l| l.target == Some(target)));
            assert!(linked, "{answer} does not link to {}", w.id);
        }
    }
}

#[test]
fn outline_holds_every_reflection_question_and_answer() {
    let pdf = pdf(false);
    let outline = pdf.outline();
    let titles: Vec<String> = outline.iter().map(|(_, t, _)| squash(t)).collect();
    for r in &content().reflecties {
        assert!(titles.iter().any(|t| t.contains(&squash(&r.titel))), "no bookmark for {}", r.id);
        for v in &r.vragen {
            let pos = titles
                .iter()
                .position(|t| t.contains(&squash(&v.tekst)))
                .unwrap_or_else(|| panic!("no bookmark for {}", v.id));
            let level = outline[pos].0;
            // The two answers follow their question, one level deeper.
            for (k, a) in v.antwoorden.iter().enumerate() {
                let (alevel, atitle, apage) = &outline[pos + 1 + k];
                assert_eq!(*alevel, level + 1, "answer bookmark of {}", a.id);
                assert!(squash(atitle).contains(&squash(&format!("Antwoord {}", a.letter.as_str()))));
                assert_eq!(*apage, page_of(pdf, &a.id));
            }
        }
    }
    for w in &content().werkvormen {
        assert!(titles.iter().any(|t| t.contains(&squash(&w.titel))), "no bookmark for {}", w.id);
    }
}

#[test]
fn no_sentence_of_the_content_is_missing() {
    let pdf = pdf(false);
    let text = squash(&pdf.all_text());
    let h = content();
    let mut expected = vec![h.titel.clone(), h.ondertitel.clone(), h.introductie.titel.clone()];
    markdown::paragraphs(&h.introductie.tekst, &mut expected);
    for r in &h.reflecties {
        expected.push(r.titel.clone());
        markdown::paragraphs(&r.tekst, &mut expected);
        for v in &r.vragen {
            expected.push(v.tekst.clone());
            for a in &v.antwoorden {
                expected.extend(a.voorbeelden.iter().cloned());
                markdown::paragraphs(&a.tekst, &mut expected);
                for b in &a.blokken {
                    expected.push(b.titel.clone());
                    markdown::paragraphs(&b.tekst, &mut expected);
                }
            }
        }
    }
    for w in &h.werkvormen {
        expected.push(format!("Werkvorm {}: {}", w.nummer, w.titel));
        markdown::paragraphs(&w.tekst, &mut expected);
    }
    let missing: Vec<&String> = expected.iter().filter(|p| !text.contains(&squash(p))).collect();
    assert!(
        missing.is_empty(),
        "{} of {} paragraphs missing from the PDF, e.g. {:?}",
        missing.len(),
        expected.len(),
        &missing[..missing.len().min(5)]
    );
}

#[test]
fn metadata_title_language_and_tags() {
    let pdf = pdf(false);
    assert_eq!(pdf.info("Title").as_deref(), Some(content().titel.as_str()));
    let lang = pdf
        .catalog_entry("Lang")
        .and_then(|o| o.as_str().map(|s| String::from_utf8_lossy(s).into_owned()).ok());
    assert_eq!(lang.as_deref(), Some("nl"));
    assert!(pdf.catalog_entry("StructTreeRoot").is_some(), "the PDF is not tagged");
    let mark = pdf.catalog_entry("MarkInfo").expect("MarkInfo");
    assert!(format!("{mark:?}").contains("Marked"));
    let xmp = pdf.xmp();
    assert!(xmp.contains("pdfuaid:part>1<") || xmp.contains("pdfuaid:part=\"1\""), "does not claim PDF/UA-1");
    assert!(xmp.contains("pdfaid:part>2<") || xmp.contains("pdfaid:part=\"2\""), "does not claim PDF/A-2");
}

#[test]
fn page_numbers_are_printed() {
    let pdf = pdf(false);
    // The footer shows the page number: page 5 says 5.
    for p in [3usize, 10, pdf.pages.len() - 1] {
        let last_line = pdf.text[p].trim_end().to_string();
        assert!(
            last_line.ends_with(&(p + 1).to_string()),
            "page {} footer: {:?}",
            p + 1,
            &last_line[last_line.len().saturating_sub(60)..]
        );
    }
}

#[test]
fn print_version_shows_the_target_page_next_to_each_answer() {
    let pdf = pdf(true);
    for r in &content().reflecties {
        let start = page_of(pdf, &r.id);
        let text = pdf.text[start].replace('\u{a0}', " ");
        for v in &r.vragen {
            for a in &v.antwoorden {
                let want = format!("p. {}", page_of(pdf, &a.id) + 1);
                assert!(text.contains(&want), "start page of {} lacks `{want}` for {}", r.id, a.id);
            }
        }
        // And every advice page names the start page to return to.
        let first = page_of(pdf, &r.vragen[0].antwoorden[0].id);
        let back = format!("p. {}", start + 1);
        assert!(
            pdf.text[first].replace('\u{a0}', " ").contains(&back),
            "advice page of {} lacks `{back}`",
            r.id
        );
    }
}

#[test]
fn placeholder_links_stay_plain_text() {
    let pdf = pdf(false);
    let mut uris = HashSet::new();
    for p in 0..pdf.pages.len() {
        for l in pdf.links(p) {
            if let Some(u) = &l.uri {
                uris.insert(u.clone());
            }
            if l.uri.is_none() {
                assert!(l.target.is_some(), "page {} has a link that lands nowhere: {:?}", p + 1, l.name);
            }
        }
    }
    assert!(!uris.iter().any(|u| u.is_empty() || u == "#"), "dead links: {uris:?}");
    assert!(squash(&pdf.all_text()).contains(&squash("website van Logt u even in")));
}
