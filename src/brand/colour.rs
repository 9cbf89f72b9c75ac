//! Brand colours: `#rrggbb` read, the WCAG contrast with white, and a darker
//! colour that passes to suggest.

pub fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().strip_prefix('#')?;
    let hex: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_string(),
        _ => return None,
    };
    let v = u32::from_str_radix(&hex, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// WCAG 2.1 contrast ratio of two sRGB colours.
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn lum((r, g, b): (u8, u8, u8)) -> f64 {
        let ch = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

pub(super) fn darken_until(mut c: (u8, u8, u8), ratio: f64) -> String {
    while contrast(c, (255, 255, 255)) < ratio && (c.0 > 0 || c.1 > 0 || c.2 > 0) {
        c = ((c.0 as f64 * 0.95) as u8, (c.1 as f64 * 0.95) as u8, (c.2 as f64 * 0.95) as u8);
    }
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wcag_contrast_ratios() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 0.01);
        // #767676 is the classic just-passing grey on white.
        assert!(contrast(parse_colour("#767676").unwrap(), (255, 255, 255)) >= 4.5);
        assert!(contrast(parse_colour("#777").unwrap(), (255, 255, 255)) < 4.5);
    }
}
