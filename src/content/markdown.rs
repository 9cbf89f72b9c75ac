//! Markdown → a small tree of blocks and inlines that goes into the JSON the
//! templates read. Markdown never becomes Typst source: every piece of text is
//! a plain string, shown literally.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Block {
    P { c: Vec<Inline> },
    Ul { items: Vec<Vec<Block>> },
    Ol { start: u64, items: Vec<Vec<Block>> },
    H { level: u8, c: Vec<Inline> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Inline {
    Text {
        v: String,
    },
    Strong {
        c: Vec<Inline>,
    },
    Em {
        c: Vec<Inline>,
    },
    Br,
    /// A link to a web address.
    Link {
        url: String,
        c: Vec<Inline>,
    },
    /// A link to a part of the handreiking, by id (`W2`, `R1V1`, `R1V1-A`, `R3`).
    /// `live` says whether the document being made contains the target.
    Ref {
        id: String,
        live: bool,
        c: Vec<Inline>,
    },
}

/// A part of a Markdown text: what comes before the first level-2 heading
/// (heading `None`), then one part per level-2 heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: Option<(String, usize)>,
    pub blocks: Vec<Block>,
}

/// A cross-reference found in the text, checked once everything is loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct RefSite {
    pub id: String,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub sections: Vec<Section>,
    pub refs: Vec<RefSite>,
    /// (line, message) for constructs the documents cannot show.
    pub problems: Vec<(usize, String)>,
}

enum Frame {
    Blocks(Vec<Block>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Inlines { kind: InlineKind, c: Vec<Inline> },
}

enum InlineKind {
    /// A paragraph the list item opened implicitly (tight lists have no Paragraph event).
    ImplicitP,
    P,
    Heading(u8),
    Strong,
    Em,
    Link(String),
    /// `[text](#)`: a placeholder target; the text stays, the link goes.
    Plain,
    Ref(String),
}

/// Parses `text`; `first_line` is the file line the text starts on.
pub fn parse(text: &str, first_line: usize) -> Parsed {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| first_line + line_starts.partition_point(|&s| s <= offset) - 1;

    let mut out = Parsed::default();
    let mut sections = vec![Section { heading: None, blocks: vec![] }];
    let mut stack: Vec<Frame> = vec![Frame::Blocks(vec![])];

    let options = Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Inlines { kind: InlineKind::P, c: vec![] });
                }
                Tag::Heading { level, .. } => {
                    close_implicit(&mut stack);
                    let level = match level {
                        HeadingLevel::H1 => 1,
                        HeadingLevel::H2 => 2,
                        HeadingLevel::H3 => 3,
                        HeadingLevel::H4 => 4,
                        HeadingLevel::H5 => 5,
                        HeadingLevel::H6 => 6,
                    };
                    stack.push(Frame::Inlines { kind: InlineKind::Heading(level), c: vec![] });
                }
                Tag::List(start) => {
                    close_implicit(&mut stack);
                    stack.push(Frame::List { start, items: vec![] });
                }
                Tag::Item => stack.push(Frame::Blocks(vec![])),
                Tag::Emphasis => open_inline(&mut stack, InlineKind::Em),
                Tag::Strong => open_inline(&mut stack, InlineKind::Strong),
                Tag::Strikethrough => open_inline(&mut stack, InlineKind::Plain),
                Tag::Link { dest_url, .. } => {
                    let dest = dest_url.trim();
                    let kind = if dest == "#" || dest.is_empty() {
                        InlineKind::Plain
                    } else if let Some(id) = dest.strip_prefix('#') {
                        let id = id.trim().to_ascii_uppercase();
                        out.refs.push(RefSite { id: id.clone(), line });
                        InlineKind::Ref(id)
                    } else if ["http://", "https://", "mailto:"].iter().any(|p| dest.starts_with(p)) {
                        InlineKind::Link(dest.to_string())
                    } else {
                        out.problems.push((
                            line,
                            format!(
                                "link target `{dest}` is neither a web address (https://…, mailto:…) \
                                 nor an id such as #W2, #R1V1 or #R1V1-A"
                            ),
                        ));
                        InlineKind::Plain
                    };
                    open_inline(&mut stack, kind);
                }
                Tag::BlockQuote(_) | Tag::HtmlBlock => {}
                Tag::Image { .. } => {
                    out.problems.push((line, "images are not supported in the content".into()));
                    open_inline(&mut stack, InlineKind::Plain);
                }
                Tag::CodeBlock(_) => {
                    close_implicit(&mut stack);
                    stack.push(Frame::Inlines { kind: InlineKind::P, c: vec![] });
                }
                other => {
                    out.problems.push((line, format!("unsupported Markdown ({other:?})")));
                    open_inline(&mut stack, InlineKind::Plain);
                }
            },
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::CodeBlock => close_inline_block(&mut stack),
                TagEnd::Heading(_) => {
                    close_implicit(&mut stack);
                    let Some(Frame::Inlines { kind: InlineKind::Heading(level), c }) = stack.pop() else {
                        unreachable!("heading frame")
                    };
                    if level == 2 && stack.len() == 1 {
                        // A new section: flush what came before.
                        let Some(Frame::Blocks(blocks)) = stack.last_mut() else { unreachable!() };
                        sections.last_mut().unwrap().blocks.append(blocks);
                        sections.push(Section { heading: Some((plain_text(&c), line)), blocks: vec![] });
                    } else {
                        push_block(&mut stack, Block::H { level, c });
                    }
                }
                TagEnd::List(_) => {
                    close_implicit(&mut stack);
                    let Some(Frame::List { start, items }) = stack.pop() else { unreachable!("list frame") };
                    let block = match start {
                        Some(start) => Block::Ol { start, items },
                        None => Block::Ul { items },
                    };
                    push_block(&mut stack, block);
                }
                TagEnd::Item => {
                    close_implicit(&mut stack);
                    let Some(Frame::Blocks(blocks)) = stack.pop() else { unreachable!("item frame") };
                    if let Some(Frame::List { items, .. }) = stack.last_mut() {
                        items.push(blocks);
                    }
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image => {
                    close_inline(&mut stack)
                }
                TagEnd::BlockQuote(_) | TagEnd::HtmlBlock => {}
                _ => close_inline(&mut stack),
            },
            Event::Text(t)
            | Event::Code(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => push_text(&mut stack, &t),
            Event::Html(t) => push_text(&mut stack, t.trim_end_matches('\n')),
            Event::SoftBreak => push_text(&mut stack, " "),
            Event::HardBreak => push_inline(&mut stack, Inline::Br),
            Event::Rule => {}
            Event::FootnoteReference(t) => push_text(&mut stack, &t),
            Event::TaskListMarker(done) => push_text(&mut stack, if done { "☑ " } else { "☐ " }),
        }
    }
    close_implicit(&mut stack);
    if let Some(Frame::Blocks(blocks)) = stack.pop() {
        sections.last_mut().unwrap().blocks.extend(blocks);
    }
    out.sections = sections;
    out
}

fn open_inline(stack: &mut Vec<Frame>, kind: InlineKind) {
    ensure_inline_context(stack);
    stack.push(Frame::Inlines { kind, c: vec![] });
}

/// Inline content directly inside a list item (a tight list) gets a paragraph.
fn ensure_inline_context(stack: &mut Vec<Frame>) {
    if matches!(stack.last(), Some(Frame::Blocks(_))) {
        stack.push(Frame::Inlines { kind: InlineKind::ImplicitP, c: vec![] });
    }
}

fn close_implicit(stack: &mut Vec<Frame>) {
    if matches!(stack.last(), Some(Frame::Inlines { kind: InlineKind::ImplicitP, .. })) {
        close_inline_block(stack);
    }
}

fn close_inline_block(stack: &mut Vec<Frame>) {
    if let Some(Frame::Inlines { c, .. }) = stack.pop() {
        let c = trim_inlines(c);
        if !c.is_empty() {
            push_block(stack, Block::P { c });
        }
    }
}

fn close_inline(stack: &mut Vec<Frame>) {
    let Some(Frame::Inlines { kind, c }) = stack.pop() else {
        return;
    };
    match kind {
        InlineKind::Strong => push_inline(stack, Inline::Strong { c }),
        InlineKind::Em => push_inline(stack, Inline::Em { c }),
        InlineKind::Link(url) => push_inline(stack, Inline::Link { url, c }),
        InlineKind::Ref(id) => push_inline(stack, Inline::Ref { id, live: true, c }),
        InlineKind::Plain => {
            for inline in c {
                push_inline(stack, inline);
            }
        }
        InlineKind::P | InlineKind::ImplicitP | InlineKind::Heading(_) => {
            // Should not happen; keep the text rather than lose it.
            push_block(stack, Block::P { c });
        }
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    match stack.last_mut() {
        Some(Frame::Blocks(blocks)) => blocks.push(block),
        Some(Frame::List { items, .. }) => items.push(vec![block]),
        _ => {}
    }
}

fn push_inline(stack: &mut Vec<Frame>, inline: Inline) {
    ensure_inline_context(stack);
    if let Some(Frame::Inlines { c, .. }) = stack.last_mut() {
        // Merge neighbouring text so the JSON stays small and searchable.
        if let (Inline::Text { v: new }, Some(Inline::Text { v })) = (&inline, c.last_mut()) {
            v.push_str(new);
            return;
        }
        c.push(inline);
    }
}

fn push_text(stack: &mut Vec<Frame>, text: &str) {
    push_inline(stack, Inline::Text { v: text.to_string() });
}

fn trim_inlines(mut c: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text { v }) = c.first_mut() {
        *v = v.trim_start().to_string();
    }
    if let Some(Inline::Text { v }) = c.last_mut() {
        *v = v.trim_end().to_string();
    }
    c.retain(|i| !matches!(i, Inline::Text { v } if v.is_empty()));
    c
}

/// The text of inlines without markup (for headings, search and tests).
pub fn plain_text(c: &[Inline]) -> String {
    let mut out = String::new();
    for inline in c {
        match inline {
            Inline::Text { v } => out.push_str(v),
            Inline::Br => out.push(' '),
            Inline::Strong { c } | Inline::Em { c } | Inline::Link { c, .. } | Inline::Ref { c, .. } => {
                out.push_str(&plain_text(c))
            }
        }
    }
    out
}

/// Every paragraph and list item of `blocks` as plain text.
pub fn paragraphs(blocks: &[Block], out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::P { c } | Block::H { c, .. } => out.push(plain_text(c)),
            Block::Ul { items } | Block::Ol { items, .. } => {
                for item in items {
                    paragraphs(item, out);
                }
            }
        }
    }
}

/// The ids of every cross-reference in `blocks`.
pub fn ref_ids(blocks: &[Block]) -> Vec<String> {
    let mut out = vec![];
    let mut copy = blocks.to_vec();
    visit_inlines_mut(&mut copy, &mut |i| {
        if let Inline::Ref { id, .. } = i {
            out.push(id.clone());
        }
    });
    out
}

/// Calls `f` on every inline of `blocks`, depth first, mutably.
pub fn visit_inlines_mut(blocks: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
    fn inlines(c: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
        for inline in c {
            f(inline);
            match inline {
                Inline::Strong { c } | Inline::Em { c } | Inline::Link { c, .. } | Inline::Ref { c, .. } => {
                    inlines(c, f)
                }
                Inline::Text { .. } | Inline::Br => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::P { c } | Block::H { c, .. } => inlines(c, f),
            Block::Ul { items } | Block::Ol { items, .. } => {
                for item in items {
                    visit_inlines_mut(item, f);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &str) -> Inline {
        Inline::Text { v: v.into() }
    }

    #[test]
    fn tight_list_items_become_paragraphs_with_emphasis() {
        let parsed = parse("- een *samen* ding\n- **wél** twee\n", 1);
        assert_eq!(parsed.sections.len(), 1);
        let Block::Ul { items } = &parsed.sections[0].blocks[0] else { panic!("not a list") };
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0],
            vec![Block::P { c: vec![text("een "), Inline::Em { c: vec![text("samen")] }, text(" ding")] }]
        );
    }

    #[test]
    fn level_two_headings_split_sections_with_their_line() {
        let parsed = parse("Intro.\n\n## Tips\n\n- a\n\n## Faalfactoren\n\nb\n", 5);
        let headings: Vec<_> = parsed.sections.iter().map(|s| s.heading.clone()).collect();
        assert_eq!(headings, vec![None, Some(("Tips".into(), 7)), Some(("Faalfactoren".into(), 11))]);
        assert_eq!(parsed.sections[0].blocks, vec![Block::P { c: vec![text("Intro.")] }]);
    }

    #[test]
    fn links_become_refs_web_links_or_plain_text() {
        let parsed = parse("Zie [werkvorm 2](#w2), [site](https://example.org) en [Logt u even in](#).\n", 1);
        let Block::P { c } = &parsed.sections[0].blocks[0] else { panic!() };
        assert_eq!(c[1], Inline::Ref { id: "W2".into(), live: true, c: vec![text("werkvorm 2")] });
        assert_eq!(c[3], Inline::Link { url: "https://example.org".into(), c: vec![text("site")] });
        assert_eq!(c[4], text(" en Logt u even in."));
        assert_eq!(parsed.refs, vec![RefSite { id: "W2".into(), line: 1 }]);
    }

    #[test]
    fn typst_and_html_syntax_stay_literal_text() {
        let parsed = parse("#read(\"/etc/passwd\") $x$ <b>vet</b> `code`\n", 1);
        assert_eq!(
            plain_text(match &parsed.sections[0].blocks[0] {
                Block::P { c } => c,
                _ => panic!(),
            }),
            "#read(\"/etc/passwd\") $x$ <b>vet</b> code"
        );
    }

    #[test]
    fn relative_links_are_reported_with_their_line() {
        let parsed = parse("a\n\n[x](pagina.html)\n", 10);
        assert_eq!(parsed.problems.len(), 1);
        assert_eq!(parsed.problems[0].0, 12);
    }

    #[test]
    fn numbered_lists_keep_their_start() {
        let parsed = parse("3. drie\n4. vier\n", 1);
        assert!(
            matches!(parsed.sections[0].blocks[0], Block::Ol { start: 3, ref items } if items.len() == 2)
        );
    }
}
