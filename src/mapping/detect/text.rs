//! Questions found by their text: how alike a header and a question's text
//! are, in the whole header or in the part a grid or matrix question puts a
//! row's text in, and when a match is strong enough to take.

use super::ids::question_id;

pub(super) const STRONG: f64 = 0.8;
pub(super) const WEAK: f64 = 0.55;
pub(super) const MARGIN: f64 = 0.05;

pub(super) fn better_elsewhere(scores: &[(String, Vec<Match>)], id: &str, col: usize, score: f64) -> bool {
    scores.iter().any(|(other, ranked)| other != id && ranked.iter().any(|m| m.col == col && m.score > score))
}

/// How well a column's header matches a question's text, and in which part.
pub(super) struct Match {
    pub(super) col: usize,
    pub(super) score: f64,
    /// The part of the header that matched, when not the whole (a grid's row).
    pub(super) part: Option<String>,
}

/// The best match of a question's text with any header row of a column, or
/// any part of one: a grid's row (`Title [row]`, `Title - row`, `Title.row`)
/// holds the question's text only in a part.
pub(super) fn best_match(col: usize, texts: &[&str], question: &str) -> Match {
    let mut best = Match { col, score: 0.0, part: None };
    for text in texts {
        for (i, part) in parts(text).into_iter().enumerate() {
            let score = similarity(part, question);
            if score > best.score {
                best = Match { col, score, part: (i > 0).then(|| part.trim().to_string()) };
            }
        }
    }
    best
}

/// A header, then the parts a grid or matrix question puts a row's text in:
/// the bracketed end (Google Forms: `Title [row]`), and what stands before
/// and after a separator (Qualtrics: `Title - row`; Microsoft Forms:
/// `Title.row`; `Title: row`). Bounded, so an odd header costs little.
fn parts(header: &str) -> Vec<&str> {
    let mut parts = vec![header];
    let trimmed = header.trim_end();
    if let Some(inner) = trimmed.strip_suffix(']')
        && let Some(open) = inner.rfind('[')
    {
        parts.push(&inner[open + 1..]);
        parts.push(&inner[..open]);
    }
    const SEPARATORS: [&str; 7] = [" - ", " – ", " — ", ": ", ". ", ".", " | "];
    for sep in SEPARATORS {
        for (at, _) in header.match_indices(sep).take(4) {
            let (before, after) = (&header[..at], &header[at + sep.len()..]);
            // A dot between digits or inside a word is no separator ("1.1", "e.g").
            if sep == "."
                && (after.starts_with(|c: char| !c.is_uppercase())
                    || before.ends_with(|c: char| c.is_ascii_digit()))
            {
                continue;
            }
            parts.push(before);
            parts.push(after);
        }
    }
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// How alike a header and a question text are (0–1), ignoring numbering,
/// punctuation, case and line breaks; small typos cost little.
pub fn similarity(header: &str, question: &str) -> f64 {
    let a = strip_numbering(&words(header));
    let b = words(question);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    // A header that holds the whole question plus a little more ("… (kies A of B)").
    if a.contains(&b) && b.len() * 10 >= a.len() * 7 {
        return 0.95;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    // The length difference alone bounds the score: skip the quadratic work when it cannot matter.
    let bound = 1.0 - la.abs_diff(lb) as f64 / la.max(lb) as f64;
    if bound < WEAK {
        return bound;
    }
    strsim::normalized_levenshtein(&a, &b)
}

pub(super) fn words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "1 ", "12 ", "vraag 3 ", "q4 ", "r1v1 " in front of a header's text.
fn strip_numbering(s: &str) -> String {
    let mut rest = s;
    loop {
        let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let numbering = first.chars().all(|c| c.is_ascii_digit())
            || question_id(first).is_some()
            || ((first.starts_with('q') || first.starts_with('v'))
                && first[1..].chars().all(|c| c.is_ascii_digit())
                && first.len() > 1)
            || first == "vraag"
            || first == "question";
        if numbering && !tail.is_empty() {
            rest = tail;
        } else {
            return rest.to_string();
        }
    }
}
