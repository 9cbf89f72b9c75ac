//! A participant's advice as an accessible HTML page: the same document data
//! as their PDF (`resolve::Report`), its text blocks written as HTML here,
//! every value escaped.

use handreiking::content::{Antwoord, Block, Inline};
use handreiking::html::escape;
use handreiking::resolve::Report;
use serde_json::{Value, json};

/// The advice page's view of a report.
pub fn view(report: &Report, labels: &handreiking::content::Labels) -> Value {
    let titles: Vec<(String, String)> =
        report.werkvormen.iter().map(|w| (w.id.clone(), w.titel.clone())).collect();
    let reflecties: Vec<Value> = report
        .reflecties
        .iter()
        .map(|r| {
            let vragen: Vec<Value> = r
                .vragen
                .iter()
                .map(|v| {
                    json!({
                        "id": v.id,
                        "nummer": v.nummer,
                        "tekst": v.tekst,
                        "antwoord": v.antwoord.map(|l| l.as_str()),
                        "label": v.antwoord.map(|l| labels.get(l).label.clone()),
                        "advies": v.advies.as_ref().map(|a| answer(a, &titles)).unwrap_or_default(),
                    })
                })
                .collect();
            json!({ "id": r.id, "nummer": r.nummer, "titel": r.titel, "vragen": vragen })
        })
        .collect();
    let werkvormen: Vec<Value> = report
        .werkvormen
        .iter()
        .map(|w| json!({ "id": w.id, "titel": w.titel, "bron": w.bron, "tekst": blocks(&w.tekst, 3) }))
        .collect();
    json!({
        "title": "Uw advies",
        "open": report.samenvatting.open,
        "reflecties": reflecties,
        "werkvormen": werkvormen,
    })
}

/// The advice for one answer: its opening text, then its blocks (conditions,
/// success factors, werkvormen, …), each under its own heading.
fn answer(a: &Antwoord, werkvormen: &[(String, String)]) -> String {
    let mut html = blocks(&a.tekst, 3);
    for blok in &a.blokken {
        html.push_str(&format!("<h4>{}</h4>", escape(&blok.titel)));
        html.push_str(&blocks(&blok.tekst, 4));
        let shown: Vec<String> = blok
            .werkvormen
            .iter()
            .filter_map(|id| werkvormen.iter().find(|(w, _)| w == id))
            .map(|(id, titel)| format!("<a href=\"#{}\">{}</a>", escape(id), escape(titel)))
            .collect();
        if !shown.is_empty() {
            html.push_str(&format!(
                "<p>Zie de werkvorm{} {} hieronder.</p>",
                if shown.len() == 1 { "" } else { "en" },
                shown.join(", ")
            ));
        }
    }
    html
}

/// Blocks as HTML; their headings start one level below `level`.
pub fn blocks(blocks: &[Block], level: u8) -> String {
    let mut html = String::new();
    for block in blocks {
        match block {
            Block::P { c } => html.push_str(&format!("<p>{}</p>", inlines(c))),
            Block::Ul { items } => {
                html.push_str("<ul>");
                for item in items {
                    html.push_str(&format!("<li>{}</li>", blocks_inline(item, level)));
                }
                html.push_str("</ul>");
            }
            Block::Ol { start, items } => {
                html.push_str(&format!("<ol start=\"{start}\">"));
                for item in items {
                    html.push_str(&format!("<li>{}</li>", blocks_inline(item, level)));
                }
                html.push_str("</ol>");
            }
            Block::H { level: l, c } => {
                let h = (level + l).min(6);
                html.push_str(&format!("<h{h}>{}</h{h}>", inlines(c)));
            }
        }
    }
    html
}

/// A list item: a lone paragraph without its <p>, so items stay compact.
fn blocks_inline(item: &[Block], level: u8) -> String {
    match item {
        [Block::P { c }] => inlines(c),
        _ => blocks(item, level),
    }
}

fn inlines(inlines: &[Inline]) -> String {
    let mut html = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { v } => html.push_str(&escape(v)),
            Inline::Strong { c } => html.push_str(&format!("<strong>{}</strong>", self::inlines(c))),
            Inline::Em { c } => html.push_str(&format!("<em>{}</em>", self::inlines(c))),
            Inline::Br => html.push_str("<br>"),
            Inline::Link { url, c }
                if ["https://", "http://", "mailto:"].iter().any(|p| url.starts_with(p)) =>
            {
                html.push_str(&format!("<a href=\"{}\">{}</a>", escape(url), self::inlines(c)))
            }
            Inline::Link { c, .. } => html.push_str(&self::inlines(c)),
            // A part of the handreiking on this page: a link to it (an answer is shown under its question).
            Inline::Ref { id, live: true, c } => {
                let anchor = id.split('-').next().unwrap_or(id);
                html.push_str(&format!("<a href=\"#{}\">{}</a>", escape(anchor), self::inlines(c)))
            }
            Inline::Ref { c, .. } => html.push_str(&self::inlines(c)),
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_only_web_links_are_links() {
        let c = vec![
            Inline::Text { v: "<script>alert(1)</script> & \"x\"".into() },
            Inline::Link { url: "javascript:alert(1)".into(), c: vec![Inline::Text { v: "klik".into() }] },
            Inline::Link {
                url: "https://example.org/?a=1&b=\"2\"".into(),
                c: vec![Inline::Text { v: "site".into() }],
            },
            Inline::Ref { id: "R1V1-A".into(), live: true, c: vec![Inline::Text { v: "vraag".into() }] },
        ];
        let html = blocks(&[Block::P { c }], 3);
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;klik\
             <a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">site</a><a href=\"#R1V1\">vraag</a></p>"
        );
    }
}
