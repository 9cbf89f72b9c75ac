//! The guide (`docs/`, an mdBook) cannot drift from the program:
//! - every command has a reference page whose help block is the binary's own
//!   `--help` (run with `HANDREIKING_BLESS=1` to rewrite the blocks after
//!   changing a flag, then read the diff);
//! - the book builds with `mdbook` (installed by `.ci/run`; without it the
//!   test fails and says so), and no link in it, or in the README, is broken:
//!   every relative link reaches a file, every `#anchor` an element with that id.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run_ok, scratch};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The commands `handreiking --help` lists (the hidden child processes are not).
fn commands() -> Vec<String> {
    let help = String::from_utf8(run_ok(&["--help"]).stdout).unwrap();
    let listed = help.split("Commands:").nth(1).expect("--help lists commands");
    let listed = listed.split("\n\n").next().unwrap();
    listed
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

fn markers(command: &str) -> (String, String) {
    (format!("<!-- help:{command}:start -->"), format!("<!-- help:{command}:end -->"))
}

#[test]
fn every_command_has_a_reference_page_with_its_real_help() {
    let bless = std::env::var_os("HANDREIKING_BLESS").is_some();
    let commands = commands();
    assert!(commands.len() >= 12, "{commands:?}");
    let mut drifted = vec![];
    for command in &commands {
        let page = root().join("docs/src/reference").join(format!("{command}.md"));
        let text = std::fs::read_to_string(&page)
            .unwrap_or_else(|e| panic!("no reference page for `{command}`: {} ({e})", page.display()));
        let help = String::from_utf8(run_ok(&[command, "--help"]).stdout).unwrap();
        let block = format!("```text\n{}\n```", help.trim_end());
        let (start, end) = markers(command);
        let (Some(a), Some(b)) = (text.find(&start), text.find(&end)) else {
            panic!("{} has no `{start}` … `{end}` around the help block", page.display());
        };
        let current = text[a + start.len()..b].trim();
        if current != block {
            if bless {
                let updated = format!("{}{start}\n{block}\n{}", &text[..a], &text[b..]);
                std::fs::write(&page, updated).unwrap();
            } else {
                drifted.push(page.display().to_string());
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "the help in these pages is not the program's (rewrite them with HANDREIKING_BLESS=1 cargo test --test tests book::, \
         and read the diff): {drifted:?}"
    );
    // And no page for a command that is gone.
    let pages: BTreeSet<String> = std::fs::read_dir(root().join("docs/src/reference"))
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_string))
        .collect();
    for page in &pages {
        let text =
            std::fs::read_to_string(root().join("docs/src/reference").join(format!("{page}.md"))).unwrap();
        if text.contains("<!-- help:") {
            assert!(
                commands.contains(page),
                "docs/src/reference/{page}.md documents no command of this program"
            );
        }
    }
}

#[test]
fn the_book_builds_and_no_link_is_broken() {
    let out_dir = scratch("book");
    let built = Command::new("mdbook")
        .arg("build")
        .arg(root().join("docs"))
        .arg("--dest-dir")
        .arg(&out_dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "`mdbook` could not be run ({e}); install it as .ci/run does: cargo install mdbook --locked"
            )
        });
    let log = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "mdbook build failed:\n{log}");
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "mdbook build warned:\n{log}");

    let pages = html_files(&out_dir);
    assert!(pages.len() > 10, "the book has only {} pages", pages.len());
    let ids: BTreeMap<PathBuf, BTreeSet<String>> = pages
        .iter()
        .map(|p| (p.clone(), attribute_values(&std::fs::read_to_string(p).unwrap(), "id")))
        .collect();
    let mut broken = vec![];
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        for href in attribute_values(&html, "href").into_iter().chain(attribute_values(&html, "src")) {
            if let Some(why) = broken_link(page, &href, &ids) {
                broken.push(format!("{}: {href}: {why}", page.strip_prefix(&out_dir).unwrap().display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links in the book:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_links_reach_their_files() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 200, "the README has {lines} lines; the guide (docs/) is the place for more");
    let mut broken = vec![];
    for target in markdown_links(&readme) {
        if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
            continue;
        }
        let path = target.split('#').next().unwrap();
        if !root().join(path).exists() {
            broken.push(target);
        }
    }
    assert!(broken.is_empty(), "README links to files that do not exist: {broken:?}");
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(html_files(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The values of `name="…"` attributes in a page, HTML entities for & and quotes decoded.
fn attribute_values(html: &str, name: &str) -> BTreeSet<String> {
    let needle = format!(" {name}=\"");
    let mut values = BTreeSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        values.insert(rest[..end].replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'"));
        rest = &rest[end..];
    }
    values
}

/// Why a link from `page` does not reach its target, if it does not.
fn broken_link(page: &Path, href: &str, ids: &BTreeMap<PathBuf, BTreeSet<String>>) -> Option<String> {
    if href.is_empty()
        || href.contains("://")
        || href.starts_with("mailto:")
        || href.starts_with("javascript:")
    {
        return None;
    }
    if href.starts_with("data:") || href.starts_with("//") {
        return None;
    }
    let (path, anchor) = match href.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap();
    let target = if path.is_empty() { page.to_path_buf() } else { page.parent().unwrap().join(path) };
    let target = normalise(&target);
    let target = if target.is_dir() { target.join("index.html") } else { target };
    if !target.exists() {
        return Some(format!("no file {}", target.display()));
    }
    match anchor {
        Some(anchor) if !anchor.is_empty() && target.extension().is_some_and(|e| e == "html") => {
            let anchor = percent_decoded(anchor);
            let known = ids.get(&target).is_some_and(|ids| ids.contains(&anchor));
            (!known).then(|| format!("no element with id `{anchor}` in {}", target.display()))
        }
        _ => None,
    }
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The targets of `[text](target)` links and images in Markdown, outside code.
fn markdown_links(markdown: &str) -> Vec<String> {
    let mut links = vec![];
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = rest[..end].split_whitespace().next().unwrap_or("").to_string();
            if !target.is_empty() {
                links.push(target);
            }
            rest = &rest[end..];
        }
    }
    links
}
