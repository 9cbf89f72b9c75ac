//! Question ids in headers: `R1V1` as survey authors spell it (`r1v1`,
//! `R1-V1`, `1.1`), alone, as a path's last segment or inside the text.

/// A question id in a header: the whole header (`R1V1`, `1.1`), its last path
/// segment (Kobo's `reflectie1/R1V1`), or an `R1V1` token inside the text.
pub fn id_in_header(header: &str) -> Option<String> {
    if let Some(id) = question_id(header) {
        return Some(id);
    }
    if let Some(last) = header.rsplit('/').next().filter(|l| l.len() < header.len())
        && let Some(id) = question_id(last)
    {
        return Some(id);
    }
    header
        .split(|c: char| !c.is_alphanumeric())
        .find(|t| t.len() >= 4 && t.to_uppercase().starts_with('R') && t.to_uppercase().contains('V'))
        .and_then(question_id)
}

/// `R1V1`, `r1v1`, `R1-V1`, `R1.V1`, `1.1`, `1-1` → `R1V1`.
pub fn question_id(header: &str) -> Option<String> {
    let s: String = header.trim().to_uppercase().chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_prefix('R').unwrap_or(&s);
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (r, rest) = s.split_at(split);
    let rest = rest.trim_start_matches(['-', '.', '_', ':']);
    let rest = rest.strip_prefix('V').unwrap_or(rest);
    if r.is_empty() || rest.is_empty() || !rest.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("R{}V{}", r.parse::<u32>().ok()?, rest.parse::<u32>().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids_in_their_usual_spellings() {
        for (header, id) in [
            ("R1V1", "R1V1"),
            ("r1v1", "R1V1"),
            ("R1-V1", "R1V1"),
            ("1.1", "R1V1"),
            (" R5V2 ", "R5V2"),
            ("r4.v3", "R4V3"),
        ] {
            assert_eq!(question_id(header).as_deref(), Some(id), "{header}");
        }
        for header in ["naam", "R1", "V1", "1", "R1V1x", "email"] {
            assert_eq!(question_id(header), None, "{header}");
        }
    }
}
