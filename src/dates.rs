//! Dates as survey exports write them: shown in the reports the way a Dutch
//! reader writes them ("12 maart 2026"), and used for the PDF's date. The
//! document's date comes from the data (or SOURCE_DATE_EPOCH), never from the
//! clock, so the same input gives the same bytes.
//!
//! The forms read, a date with or without a time after it (a space or `T`
//! between them; the time is checked but never shown):
//!
//! - `2026-03-12`, `2026-03-12 10:59:37`, `2026-03-12T10:59:37.994Z`,
//!   `2026-03-12T10:59:37+02:00`: ISO, year first. Workbook date cells reach us
//!   in this form too.
//! - `12-3-2026`, `7-11-2026 10:05`, `4-5-2026 10:59:37`, `22-06-2021 10:12:19`,
//!   `12.03.2026`: day first, as Dutch Excel, Google Sheets (Dutch locale) and
//!   Castor write them.
//! - `12/03/2026`: with `/` and a four-digit year, also day first (12 March).
//!   Only when the day cannot be a month (`05/24/2026`) is the month first.
//! - `11/7/26 10:05:00`: with `/` and a two-digit year, month first (7 November
//!   2026), as Microsoft Forms' English export writes it; day first only when
//!   the first number cannot be a month (`13/7/26`). `7-11-26` (with `-` or
//!   `.`) is day first. Two-digit years 00–69 are 20xx, 70–99 19xx.
//!
//! The date is the one the source wrote: a time zone (`Z`, `+02:00`) is
//! accepted but not converted.

/// When neither the data nor SOURCE_DATE_EPOCH gives a date: 1980-01-01, the
/// usual fixed date of reproducible builds.
pub const FALLBACK: i64 = 315_532_800;

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A calendar date read from a sheet, and the seconds into that day of its time (0 without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Read {
    year: i64,
    month: i64,
    day: i64,
    seconds: i64,
}

/// Seconds since 1970 (UTC, the time taken as written) of a date in one of the
/// forms in the module documentation.
pub fn parse(s: &str) -> Option<i64> {
    let r = read(s)?;
    Some(days_from_civil(r.year, r.month, r.day) * 86_400 + r.seconds)
}

/// The date as a Dutch reader writes it: `7 november 2026` (no leading zero,
/// month in words, no time). None when the text is not a date in one of the
/// forms in the module documentation.
pub fn dutch(s: &str) -> Option<String> {
    let r = read(s)?;
    Some(format!("{} {} {}", r.day, MONTHS[(r.month - 1) as usize], r.year))
}

/// What a report shows for a respondent's date: the Dutch form when it can be
/// read, otherwise the text exactly as written.
pub fn shown(s: &str) -> String {
    dutch(s).unwrap_or_else(|| s.to_string())
}

/// The days a measurement took, as a Dutch reader writes them: `12 maart 2026`,
/// `12–14 maart 2026`, `28 februari – 3 maart 2026`, `30 december 2025 – 2 januari
/// 2026`, from the first to the last date that can be read; empty when none can.
pub fn span<'a>(dates: impl IntoIterator<Item = &'a str>) -> String {
    let mut days = dates.into_iter().filter_map(read).map(|r| (r.year, r.month, r.day));
    let Some(first) = days.next() else { return String::new() };
    let ((y0, m0, d0), (y1, m1, d1)) = days.fold((first, first), |(lo, hi), d| (lo.min(d), hi.max(d)));
    let month = |m: i64| MONTHS[(m - 1) as usize];
    if (y0, m0, d0) == (y1, m1, d1) {
        format!("{d0} {} {y0}", month(m0))
    } else if (y0, m0) == (y1, m1) {
        format!("{d0}–{d1} {} {y0}", month(m0))
    } else if y0 == y1 {
        format!("{d0} {} – {d1} {} {y0}", month(m0), month(m1))
    } else {
        format!("{d0} {} {y0} – {d1} {} {y1}", month(m0), month(m1))
    }
}

/// A date that is given but cannot be read (and so is shown as written).
pub fn unreadable(s: &str) -> bool {
    !s.trim().is_empty() && read(s).is_none()
}

/// A `/` date from a tool that writes the month first whatever the year's
/// length (SurveyMonkey: `05/04/2026 10:11:12 AM` is 4 May), rewritten as ISO
/// so that it reads unambiguously; None when it is no such date.
pub fn month_first_to_iso(s: &str) -> Option<String> {
    let s = s.trim();
    let (date, time) = s.split_once(char::is_whitespace).map_or((s, ""), |(d, t)| (d, t.trim()));
    let parts: Vec<&str> = date.split('/').collect();
    let [m, d, y] = parts.as_slice() else { return None };
    let (m, d, y): (u32, u32, u32) = (m.parse().ok()?, d.parse().ok()?, y.parse().ok()?);
    if y < 1000 {
        return None;
    }
    let iso = if time.is_empty() {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {time}")
    };
    read(&iso).map(|_| iso)
}

fn read(s: &str) -> Option<Read> {
    let s = s.trim();
    let (date, time) = match s.char_indices().find(|&(_, c)| c.is_whitespace() || c == 'T') {
        Some((i, c)) => (s[..i].trim_end_matches(','), Some(s[i + c.len_utf8()..].trim())),
        None => (s, None),
    };
    let sep = date.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3
        || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i64> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let len = |i: usize| parts[i].len();
    let (year, month, day) = if len(0) == 4 && len(1) <= 2 && len(2) <= 2 {
        (n[0], n[1], n[2])
    } else if len(0) <= 2 && len(1) <= 2 && (len(2) == 4 || len(2) == 2) {
        let year = match len(2) {
            4 => n[2],
            _ if n[2] < 70 => 2000 + n[2],
            _ => 1900 + n[2],
        };
        // The ambiguity rule: with `/` and a two-digit year, month first
        // (Microsoft Forms' English `11/7/26`); otherwise day first (Dutch
        // `7-11-2026`, and `12/03/2026`). The other order only when the rule's
        // order is impossible and the other one fits (`05/24/2026`, `13/7/26`).
        let month_first =
            if sep == '/' && len(2) == 2 { !(n[0] > 12 && n[1] <= 12) } else { n[1] > 12 && n[0] <= 12 };
        if month_first { (year, n[0], n[1]) } else { (year, n[1], n[0]) }
    } else {
        return None;
    };
    if !(1900..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let seconds = match time {
        Some(time) => clock(time)?,
        None => 0,
    };
    Some(Read { year, month, day, seconds })
}

/// Seconds into the day of `10:59`, `10:59:37`, `10:59:37.994`, optionally
/// followed by `Z`, `UTC`, an offset (`+02:00`, `-0500`) or `AM`/`PM`.
fn clock(s: &str) -> Option<i64> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || matches!(c, ':' | '.' | ','))).unwrap_or(s.len());
    let (time, suffix) = (&s[..end], s[end..].trim_start());
    let (hms, fraction) = match time.split_once(['.', ',']) {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        (lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
    };
    let (h, m) = (digits(parts[0], 1..=2)?, digits(parts.get(1)?, 2..=2)?);
    let sec = match parts.get(2) {
        Some(p) => digits(p, 2..=2)?,
        None => 0,
    };
    if parts.len() > 3 || m > 59 || sec > 59 {
        return None;
    }
    if let Some(f) = fraction
        && (parts.len() != 3 || f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let h = match suffix.to_ascii_uppercase().as_str() {
        "AM" | "PM" if !(1..=12).contains(&h) => return None,
        "AM" => h % 12,
        "PM" => h % 12 + 12,
        "" | "Z" | "UTC" | "GMT" => h,
        offset if offset.starts_with(['+', '-']) && is_offset(&offset[1..]) => h,
        _ => return None,
    };
    (h < 24).then_some(h * 3600 + m * 60 + sec)
}

/// `02:00`, `0200` or `02` (after the sign of a UTC offset).
fn is_offset(s: &str) -> bool {
    if !s.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return false;
    }
    let (h, m) = match s.split_once(':') {
        Some((h, m)) => (h, m),
        None if s.len() == 4 => s.split_at(2),
        None => (s, "00"),
    };
    let ok = |p: &str, max: u32| {
        p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    ok(h, 14) && ok(m, 59)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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

/// Days since 1970-01-01 as a calendar date (year, month, day): the inverse of
/// `days_from_civil` (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m as u8, d as u8)
}

/// Seconds since 1970 as (calendar date, hour, minute, second), in UTC.
pub fn civil_time(secs: i64) -> ((i64, u8, u8), u8, u8, u8) {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    (civil_from_days(days), (rest / 3600) as u8, (rest / 60 % 60) as u8, (rest % 60) as u8)
}

/// Seconds since 1970 as an ISO 8601 UTC time, `2026-11-23T10:05:00Z` (for logs).
pub fn iso_utc(secs: i64) -> String {
    let ((y, m, d), hh, mm, ss) = civil_time(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn iso_times_round_trip() {
        for (secs, iso) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_767_225_600, "2026-01-01T00:00:00Z"),
            (951_782_400 + 3_723, "2000-02-29T01:02:03Z"),
        ] {
            assert_eq!(iso_utc(secs), iso);
        }
        for days in [-1000, 0, 59, 60, 10_000, 20_000] {
            let iso = iso_utc(days * 86_400);
            let (y, m, d) =
                (iso[0..4].parse().unwrap(), iso[5..7].parse().unwrap(), iso[8..10].parse().unwrap());
            assert_eq!(days_from_civil(y, m, d), days, "{iso}");
        }
    }

    #[test]
    fn month_first_tools_dates_become_iso() {
        assert_eq!(month_first_to_iso("05/04/2026 10:11:12 AM").as_deref(), Some("2026-05-04 10:11:12 AM"));
        assert_eq!(dutch(&month_first_to_iso("05/04/2026").unwrap()).as_deref(), Some("4 mei 2026"));
        assert_eq!(month_first_to_iso("24/05/2026"), None);
        assert_eq!(month_first_to_iso("2026-05-04"), None);
    }

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
        assert_eq!(parse("11/7/26 10:05:00"), Some(day(2026, 11, 7) + 36_300));
        assert_eq!(parse("11/7/26 10:05:00 PM"), Some(day(2026, 11, 7) + 79_500));
        assert_eq!(parse("11/7/26 12:05 AM"), Some(day(2026, 11, 7) + 300));
        for bad in ["", "morgen", "2026-13-01", "32-1-2026", "1-2-3", "12:00"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn dutch_from_every_form() {
        for (text, want) in [
            // ISO, and what workbook date cells become.
            ("2026-03-12", "12 maart 2026"),
            ("2026-03-12 10:59:37", "12 maart 2026"),
            ("2026-03-12T10:59:37Z", "12 maart 2026"),
            ("2026-03-12T10:59:37.994Z", "12 maart 2026"),
            ("2026-03-12T10:59:37.123456+02:00", "12 maart 2026"),
            ("2026-03-12T23:30:00-05:00", "12 maart 2026"),
            ("2026-03-12 10:59:37 +0100", "12 maart 2026"),
            ("2026-01-01", "1 januari 2026"),
            (" 2026-03-05 ", "5 maart 2026"),
            ("2026-03-05\u{a0}10:00", "5 maart 2026"),
            // Microsoft Forms, English: US month/day/two-digit year.
            ("11/7/26 10:05:00", "7 november 2026"),
            ("11/7/26", "7 november 2026"),
            ("1/2/26 9:05:00 AM", "2 januari 2026"),
            ("13/7/26", "13 juli 2026"),
            ("12/31/99", "31 december 1999"),
            // Dutch Excel and Google Sheets (Dutch locale): day first.
            ("7-11-2026", "7 november 2026"),
            ("7-11-2026 10:05", "7 november 2026"),
            ("4-5-2026 10:59:37", "4 mei 2026"),
            ("07-11-26", "7 november 2026"),
            ("12.03.2026", "12 maart 2026"),
            // Castor.
            ("22-06-2021 10:12:19", "22 juni 2021"),
            // `/` with four digits: day first, month first only when the day cannot be a month.
            ("12/03/2026", "12 maart 2026"),
            ("05/24/2026", "24 mei 2026"),
            ("12/03/2026, 10:59:37", "12 maart 2026"),
            // Every month's name; leap days.
            ("2026-02-28", "28 februari 2026"),
            ("29-2-2024", "29 februari 2024"),
            ("2000-02-29", "29 februari 2000"),
            ("2026-04-30", "30 april 2026"),
            ("2026-06-01", "1 juni 2026"),
            ("2026-08-31", "31 augustus 2026"),
            ("2026-09-09", "9 september 2026"),
            ("2026-10-10", "10 oktober 2026"),
        ] {
            assert_eq!(dutch(text).as_deref(), Some(want), "{text:?}");
        }
    }

    #[test]
    fn the_days_of_a_measurement() {
        assert_eq!(span(["2026-03-12", "12-3-2026 10:00"]), "12 maart 2026");
        assert_eq!(span(["2026-03-14", "2026-03-12", "volgende week", ""]), "12–14 maart 2026");
        assert_eq!(span(["2026-03-03", "28-2-2026"]), "28 februari – 3 maart 2026");
        assert_eq!(span(["2026-01-02", "2025-12-30"]), "30 december 2025 – 2 januari 2026");
        assert_eq!(span(["morgen", ""]), "");
        assert_eq!(span([]), "");
    }

    #[test]
    fn what_is_not_a_date_is_shown_as_written() {
        for bad in [
            "",
            "   ",
            "volgende week",
            "morgen",
            "12 maart 2026",
            "31-2-2026",
            "29-2-2026",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "0-1-2026",
            "32-1-2026",
            "13/13/26",
            "1-2-3",
            "12:00",
            "2026-03",
            "2026-03-12-01",
            "12-03/2026",
            "2026-03-12 volgende week",
            "2026-03-12T",
            "2026-03-12 25:00",
            "2026-03-12 10:60",
            "2026-03-12 10:5",
            "2026-03-12 13:00 PM",
            "2026-03-12 10:00 +25:00",
            "46093",
            "0001-01-01",
            "12/03/02026",
            "2026-03-12\u{a0}x",
            "2026-03-12 10:00 +1é1",
        ] {
            assert_eq!(dutch(bad), None, "{bad:?}");
            assert_eq!(shown(bad), bad, "{bad:?}");
            assert_eq!(unreadable(bad), !bad.trim().is_empty(), "{bad:?}");
        }
        assert_eq!(shown("2026-03-12"), "12 maart 2026");
        assert!(!unreadable("7-11-2026"));
    }
}
