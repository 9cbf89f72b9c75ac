//! Dates as survey exports write them, for the PDF's date: the document's date
//! comes from the data (or SOURCE_DATE_EPOCH), never from the clock, so the same
//! input gives the same bytes.

/// When neither the data nor SOURCE_DATE_EPOCH gives a date: 1980-01-01, the
/// usual fixed date of reproducible builds.
pub const FALLBACK: i64 = 315_532_800;

/// Seconds since 1970 (UTC) of `2026-03-12`, `2026-03-12 10:59:37`, `2026-03-12T10:59:37Z`,
/// `12-3-2026`, `12/03/2026 10:59`, `4-5-2026 10:59:37` (day first, as in Dutch;
/// month first when the day cannot be a month, as in `05/24/2026`).
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], s[i + 1..].trim()),
        None => (s, ""),
    };
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let n: Vec<i64> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (y, m, d) = if parts[0].len() == 4 {
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 {
        if n[1] > 12 && n[0] <= 12 { (n[2], n[0], n[1]) } else { (n[2], n[1], n[0]) }
    } else {
        return None;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=9999).contains(&y) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let clock: Vec<i64> = time
        .trim_end_matches('Z')
        .split(['+'])
        .next()
        .unwrap_or("")
        .split(':')
        .map_while(|p| p.split('.').next().and_then(|p| p.parse().ok()))
        .collect();
    if let [h, mi, rest @ ..] = clock.as_slice()
        && (0..24).contains(h)
        && (0..60).contains(mi)
    {
        secs += h * 3600 + mi * 60 + rest.first().copied().filter(|s| (0..60).contains(s)).unwrap_or(0);
    }
    Some(secs)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_date_formats() {
        let day = |y, m, d| days_from_civil(y, m, d) * 86_400;
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2026-03-12"), Some(day(2026, 3, 12)));
        assert_eq!(parse("2026-03-12 10:59:37"), Some(day(2026, 3, 12) + 39_577));
        assert_eq!(parse("2026-03-12T10:59:37.994Z"), Some(day(2026, 3, 12) + 39_577));
        assert_eq!(parse("4-5-2026 10:59:37"), Some(day(2026, 5, 4) + 39_577));
        assert_eq!(parse("12/03/2026"), Some(day(2026, 3, 12)));
        assert_eq!(parse("05/24/2026 10:00"), Some(day(2026, 5, 24) + 36_000));
        assert_eq!(parse("22-06-2021 10:12:19"), Some(day(2021, 6, 22) + 36_739));
        for bad in ["", "morgen", "2026-13-01", "32-1-2026", "1-2-3", "12:00"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
