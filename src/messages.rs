//! All console text of the binary in one place.

use std::io::Write;
use std::path::Path;

/// Like `println!`, but a closed pipe (`| head`) ends the output quietly instead of panicking.
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Writes text as it is to standard output, ignoring a closed pipe.
pub fn raw(text: &str) {
    let _ = std::io::stdout().write_all(text.as_bytes());
}

use handreiking::content::Handreiking;

pub fn written(path: &Path, bytes: usize) {
    eprintln!("wrote {} ({} kB)", path.display(), bytes.div_ceil(1024));
}

pub fn data_written(path: &Path) {
    eprintln!("wrote the template data to {}", path.display());
}

pub fn workbook_written(path: &Path) {
    let shown = path.display().to_string();
    let arg = if shown.contains(char::is_whitespace) { format!("\"{shown}\"") } else { shown.clone() };
    eprintln!(
        "wrote {shown}: type the answer forms into its sheet \"Antwoorden\" (the sheet \"Uitleg\" says how), \
         then run: handreiking report {arg} -o rapporten"
    );
}

pub fn workbook_needs_file() {
    eprintln!(
        "error: an Excel workbook cannot be written to standard output; name the file with -o, e.g.\n  \
         handreiking template --format xlsx -o antwoorden.xlsx"
    );
}

pub fn content_ok(h: &Handreiking) {
    let vragen: usize = h.reflecties.iter().map(|r| r.vragen.len()).sum();
    out!(
        "content ok: {} reflections, {} questions, {} answers, {} werkvormen",
        h.reflecties.len(),
        vragen,
        vragen * 2,
        h.werkvormen.len()
    );
    for r in &h.reflecties {
        let ids: Vec<&str> = r.vragen.iter().map(|v| v.id.as_str()).collect();
        out!("  {} {}: {}", r.id, r.titel, ids.join(", "));
    }
}

pub fn error(e: &handreiking::Error) {
    eprintln!("error: {e}");
}

pub fn usage(message: &str) {
    eprintln!("error: {message}");
}

/// A one-line progress counter on a terminal; silent otherwise.
pub struct Progress {
    tty: bool,
}

impl Progress {
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress { tty: std::io::stderr().is_terminal() }
    }

    pub fn update(&self, done: usize, total: usize) {
        if self.tty {
            let width = 30;
            let filled = done * width / total.max(1);
            eprint!("\r  [{}{}] {done}/{total} reports", "#".repeat(filled), " ".repeat(width - filled));
        }
    }

    pub fn finish(&self) {
        if self.tty {
            eprint!("\r{}\r", " ".repeat(60));
        }
    }
}

pub fn batch(outcome: &handreiking::BatchOutcome, dir: &Path, elapsed: std::time::Duration) {
    use handreiking::RowOutcome;
    for note in &outcome.notes {
        eprintln!("note: {note}");
    }
    for row in &outcome.rows {
        match &row.outcome {
            RowOutcome::Written { .. } => {}
            RowOutcome::Bad(problems) => {
                for p in problems {
                    eprintln!("error: {}: {p}", row.file);
                }
            }
            RowOutcome::Failed(message) => {
                eprintln!("error: {}: {}: {message}", row.file, row.location)
            }
        }
    }
    if outcome.refused {
        eprintln!(
            "--strict: {} row(s) have problems, so no report was written. Fix them, or leave out --strict to write the others.",
            outcome.failed()
        );
        return;
    }
    if let Some(path) = &outcome.manifest {
        eprintln!("audit manifest: {}", path.display());
    }
    earlier_summary(outcome);
    let secs = elapsed.as_secs_f64();
    eprintln!(
        "{} report(s) written to {}, {} failed, in {:.1} s ({:.1} reports/s)",
        outcome.written(),
        dir.display(),
        outcome.failed(),
        secs,
        outcome.written() as f64 / secs.max(1e-9)
    );
}

/// Prints what `check` understood; returns the number of bad rows.
pub fn check(h: &Handreiking, sheets: &[handreiking::ReadSheet]) -> usize {
    use handreiking::content::Letter;
    use handreiking::mapping::{How, column_letter};
    let mut bad = 0;
    for s in sheets {
        let sheet = &s.sheet;
        let cols = |cols: &[usize]| {
            cols.iter()
                .map(|&c| format!("{} {}", column_letter(c), quoted(&sheet.headers[c])))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        out!("{}", sheet.file);
        for note in &sheet.notes {
            out!("  note: {note}");
        }
        out!("  columns:");
        for (field, c) in &s.mapping.fields {
            out!("    {:<36} → {}", cols(c), field.name());
        }
        for (field, c) in &s.mapping.fallbacks {
            let first =
                s.mapping.fields.iter().find(|(f, _)| f == field).map(|(_, c)| cols(c)).unwrap_or_default();
            out!("    {:<36} → {} where {first} is empty", cols(c), field.name());
        }
        for q in &s.mapping.questions {
            let how = match &q.how {
                How::File => "mapping file".to_string(),
                How::Id => "id".to_string(),
                How::Text { score, part: None } => format!("text {:.0}%", score * 100.0),
                How::Text { score, part: Some(part) } => {
                    format!("text {:.0}% in {}", score * 100.0, quoted(part))
                }
            };
            out!("    {:<36} → question {} ({how})", cols(&[q.col]), q.id);
        }
        for (label, c) in &s.mapping.extras {
            out!("    {:<36} → shown in the report as “{label}”", cols(c));
        }
        let missing: Vec<&str> = s.mapping.unmatched.iter().map(|(id, _)| id.as_str()).collect();
        if !missing.is_empty() {
            out!("  no column for: {} (these count as unanswered)", missing.join(", "));
        }
        if !s.tally.values.is_empty() {
            out!("  values:");
            for (raw, (answer, n)) in &s.tally.values {
                let answer = match answer {
                    Some(Letter::A) => "A",
                    Some(Letter::B) => "B",
                    None => "unanswered",
                };
                out!("    {:<36} → {answer} ({n}×)", quoted(raw));
            }
        }
        if s.tally.untallied > 0 {
            out!(
                "    … and {} more cells with other values (only {} distinct values of each kind are listed)",
                s.tally.untallied,
                handreiking::mapping::Tally::MAX_DISTINCT
            );
        }
        out!("  answers:           A     B  open");
        for q in &s.mapping.questions {
            let [a, b, open] = s.answers.get(&q.id).copied().unwrap_or_default();
            out!("    {:<12} {a:>5} {b:>5} {open:>5}", q.id);
        }
        out!(
            "  {} respondent(s) ready, {} row(s) with problems{}",
            s.respondents,
            s.bad_row_count,
            if s.empty_rows > 0 { format!(", {} empty row(s) skipped", s.empty_rows) } else { String::new() }
        );
        if s.respondents == 0 && s.bad_row_count == 0 {
            out!("  error: the sheet has a header but no answer rows");
        }
        if s.unreadable_date_count > 0 {
            out!(
                "  note: {} date(s) could not be read; the reports show them as written:",
                s.unreadable_date_count
            );
            for (location, date) in &s.unreadable_dates {
                out!("    {location}: {}", quoted(date));
            }
            if s.unreadable_date_count > s.unreadable_dates.len() {
                out!("    … and {} more", s.unreadable_date_count - s.unreadable_dates.len());
            }
        }
        const SHOWN: usize = 10;
        let all: Vec<_> = s.bad_rows.iter().flat_map(|(_, problems)| problems).collect();
        for p in all.iter().take(SHOWN) {
            out!("  error: {p}");
        }
        if s.bad_cell_count > SHOWN {
            out!("  … and {} more cells like these", s.bad_cell_count - SHOWN);
        }
        if !s.tally.unknown.is_empty() {
            let seen: Vec<String> = s.tally.unknown.iter().map(|(v, n)| format!("{v:?} ({n}×)")).collect();
            out!("  values that are not answers: {}", seen.join(", "));
            out!(
                "  hint: if they are answer codes, say what they mean in a mapping file (--mapping FILE), e.g."
            );
            out!("    [answers]");
            out!(
                "    A = [{:?}]   # the value(s) meaning: {}",
                s.tally.unknown.keys().next().unwrap(),
                h.labels.a.label
            );
            out!("    B = []        # the value(s) meaning: {}", h.labels.b.label);
        }
        bad += s.bad_row_count;
    }
    bad
}

fn quoted(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    let short: String = one_line.chars().take(26).collect();
    if short.len() < one_line.len() { format!("\"{short}…\"") } else { format!("\"{short}\"") }
}

/// A respondent as messages show it: "row 5 (Anouk de Vries)", with the file
/// when a measurement has more than one.
fn who(files: &[String], file: usize, location: handreiking::answers::Location, naam: &str) -> String {
    let file = if files.len() > 1 { format!("{}: ", files[file]) } else { String::new() };
    let naam = if naam.is_empty() { String::new() } else { format!(" ({naam})") };
    format!("{file}{location}{naam}")
}

fn key(key: &handreiking::followup::Key) -> String {
    use handreiking::followup::Key;
    match key {
        Key::Email => "by e-mail address".into(),
        Key::Name => "by name and organisation".into(),
        Key::Column(column) => format!("by the column {}", quoted(column)),
    }
}

/// Why a new respondent was not compared although it fits: the rows involved.
fn ambiguity(plan: &handreiking::followup::Plan, row: &handreiking::followup::NewRow) -> String {
    use handreiking::followup::Outcome;
    let Outcome::Ambiguous { key: k, old, others } = &row.outcome else { return String::new() };
    let earlier = rows(
        &plan.index.files,
        old.iter().map(|&o| (plan.index.rows[o as usize].file, plan.index.rows[o as usize].location)),
    );
    if others.is_empty() {
        return format!("fits earlier {earlier}, {}", key(k));
    }
    let new: Vec<String> = others
        .iter()
        .map(|&i| {
            let r = &plan.rows[i];
            who(&plan.files, r.file, r.location, &r.naam)
        })
        .collect();
    let verb = if new.len() == 1 { "fits" } else { "fit" };
    format!("fits earlier {earlier}, which {} {verb} too, {}", and(&new), key(k))
}

/// "row 8", "rows 6 and 7"; each with its file when a measurement has more than one.
fn rows(files: &[String], rows: impl Iterator<Item = (usize, handreiking::answers::Location)>) -> String {
    use handreiking::answers::Location;
    let rows: Vec<(usize, Location)> = rows.collect();
    let same_kind = rows.iter().all(|(_, l)| matches!(l, Location::Row(_)))
        || rows.iter().all(|(_, l)| matches!(l, Location::Record(_)));
    if files.len() == 1 && rows.len() > 1 && same_kind {
        let numbers: Vec<String> = rows.iter().map(|(_, l)| l.number().to_string()).collect();
        let noun = if matches!(rows[0].1, Location::Row(_)) { "rows" } else { "records" };
        return format!("{noun} {}", and(&numbers));
    }
    and(&rows.iter().map(|&(f, l)| who(files, f, l, "")).collect::<Vec<_>>())
}

/// "rows 3 and 8", "row 3, row 5 and row 8".
fn and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// After a batch with --earlier: who was compared, and who was not and why.
fn earlier_summary(outcome: &handreiking::BatchOutcome) {
    use handreiking::followup::Outcome;
    let Some(plan) = &outcome.earlier else { return };
    let mut compared = 0;
    let mut alone = vec![];
    let mut ambiguous = vec![];
    for row in &outcome.rows {
        if !matches!(row.outcome, handreiking::RowOutcome::Written { .. }) {
            continue;
        }
        match plan.row(&row.file, row.location) {
            Some(new) if matches!(new.outcome, Outcome::Matched { .. }) => compared += 1,
            Some(new) if matches!(new.outcome, Outcome::Ambiguous { .. }) => ambiguous.push(new),
            Some(new) => alone.push(new),
            None => {}
        }
    }
    eprintln!("{compared} report(s) compared with the earlier measurement ({})", plan.index.files.join(", "));
    if !alone.is_empty() {
        eprintln!("{} report(s) without an earlier match (a report without comparison):", alone.len());
        for new in &alone {
            eprintln!("  {}", who(&plan.files, new.file, new.location, &new.naam));
        }
    }
    if !ambiguous.is_empty() {
        eprintln!(
            "{} report(s) not compared because the match is ambiguous (never guessed):",
            ambiguous.len()
        );
        for new in &ambiguous {
            eprintln!("  {}: {}", who(&plan.files, new.file, new.location, &new.naam), ambiguity(plan, new));
        }
    }
    let gone = plan.only_earlier().len();
    if gone > 0 {
        eprintln!("{gone} respondent(s) of the earlier measurement have no match in the new one");
    }
    if !alone.is_empty() || !ambiguous.is_empty() || gone > 0 {
        eprintln!(
            "hint: `handreiking check NEW --earlier OLD` shows the matching row by row; --match COLUMN \
             matches on a column both sheets have (a participant code)"
        );
    }
}

/// Before the earlier measurement's part of `check --earlier`.
pub fn earlier_heading(inputs: &[std::path::PathBuf]) {
    let files: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    out!("\nearlier measurement (--earlier {}):", files.join(", "));
}

/// What `check --earlier` shows of the matching; returns the number of ambiguous new rows.
pub fn matching(plan: &handreiking::followup::Plan) -> usize {
    use handreiking::followup::Outcome;
    let old = |o: u32| {
        let r = &plan.index.rows[o as usize];
        who(&plan.index.files, r.file, r.location, &r.naam)
    };
    let new = |r: &handreiking::followup::NewRow| who(&plan.files, r.file, r.location, &r.naam);
    out!("\nmatching {} with the earlier {}:", plan.files.join(", "), plan.index.files.join(", "));
    let matched: Vec<_> = plan.matched().collect();
    out!("  matched: {}", matched.len());
    for (r, _, k) in &matched {
        let Outcome::Matched { old: o, .. } = r.outcome else { continue };
        out!("    {} ← earlier {}, {}", new(r), old(o), key(k));
    }
    let only_new: Vec<_> = plan.only_new().collect();
    out!("  only in the new measurement (a report without comparison): {}", only_new.len());
    for r in &only_new {
        out!("    {}", new(r));
        if let Outcome::Unmatched { other_address: Some(o) } = r.outcome {
            out!("      not earlier {}: same name and organisation, but another e-mail address", old(o));
        }
    }
    let only_old = plan.only_earlier();
    out!("  only in the earlier measurement: {}", only_old.len());
    for r in &only_old {
        out!("    earlier {}", who(&plan.index.files, r.file, r.location, &r.naam));
    }
    let ambiguous: Vec<_> = plan.ambiguous().collect();
    if !ambiguous.is_empty() {
        out!("  ambiguous, not compared (a match is never guessed): {}", ambiguous.len());
        for r in &ambiguous {
            out!("    {}: {}", new(r), ambiguity(plan, r));
        }
        out!(
            "  hint: make these respondents unique: an e-mail column in both sheets, or a code column \
             both have with --match COLUMN"
        );
    }
    for (file, location) in &plan.index.bad_rows {
        out!(
            "  note: earlier {} has cells that are not answers; it is left out of the comparison",
            who(&plan.index.files, *file, *location, "")
        );
    }
    ambiguous.len()
}

pub fn initialised(dir: &Path, written: &[std::path::PathBuf]) {
    for path in written {
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "edit {0}/brand.toml, then use it with --brand {0}/brand.toml; templates in {0}/templates override the embedded ones with --templates {0}/templates",
        dir.display()
    );
}

pub fn group(outcome: &handreiking::GroupOutcome) {
    for p in &outcome.problems {
        eprintln!("error: {p}");
    }
    if outcome.bad_rows > 0 {
        eprintln!("{} row(s) with problems were left out of the group report", outcome.bad_rows);
    }
    if let Some(plan) = &outcome.earlier {
        let ambiguous: Vec<_> = plan.ambiguous().collect();
        eprintln!(
            "{} respondent(s) took part both times (earlier: {} in {})",
            plan.matched().count(),
            plan.index.rows.len(),
            plan.index.files.join(", ")
        );
        if !ambiguous.is_empty() {
            eprintln!(
                "{} respondent(s) not counted as taking part both times: the match is ambiguous",
                ambiguous.len()
            );
            for new in &ambiguous {
                eprintln!(
                    "  {}: {}",
                    who(&plan.files, new.file, new.location, &new.naam),
                    ambiguity(plan, new)
                );
            }
        }
    }
    eprintln!(
        "wrote {} ({} respondents, {} kB)",
        outcome.written.path.display(),
        outcome.respondents,
        outcome.written.bytes.div_ceil(1024)
    );
}

pub fn interrupted() {
    eprintln!(
        "\ninterrupted: the files written so far are complete; those being written were removed. \
         No manifest was written for this run; run the command again (with --force) to finish."
    );
}

/// `serve`: where the app is. Said in Dutch, like the app: its users may never use a terminal otherwise.
pub fn serving(url: &str) {
    eprintln!("handreiking draait op {url}");
    eprintln!("Open dat adres in uw browser. Stoppen: Ctrl-C (de tijdelijke bestanden worden dan gewist).");
}

pub fn no_browser(url: &str, e: &std::io::Error) {
    eprintln!("De browser kon niet worden geopend ({e}); open {url} zelf.");
}

/// Rows that get no mail and were not sent before: what a user still has to look at.
fn unmailed<'a>(skips: impl Iterator<Item = &'a handreiking::mail::Skip>) -> usize {
    skips.filter(|s| !matches!(s, handreiking::mail::Skip::Sent { same_report: true, .. })).count()
}

/// "row 7" (with the sheet when the reports came from several), and who.
fn mail_row(plan: &handreiking::mail::Plan, item: &handreiking::mail::Planned) -> String {
    let several = plan.items.iter().any(|i| i.source != item.source);
    let row =
        if several { format!("{}: row {}", item.source, item.row) } else { format!("row {}", item.row) };
    let who = match (item.respondent.trim(), item.address.as_deref().map(str::trim)) {
        ("", Some(address)) => format!("<{address}>"),
        (name, Some(address)) => format!("{name} <{address}>"),
        (name, None) => name.to_string(),
    };
    format!("{row:<8} {who}")
}

/// What goes to whom; returns the rows that get no mail (and were not sent before).
pub fn mail_plan(
    plan: &handreiking::mail::Plan,
    dry_run: bool,
    server: Option<&handreiking::mail::SmtpServer>,
) -> usize {
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    let reply = plan.reply_to.as_deref().map(|r| format!(", replies to {r}")).unwrap_or_default();
    out!("{}: {} row(s); from {}{reply}", plan.manifest.display(), plan.items.len(), plan.sender);
    for item in &plan.items {
        match (&item.skip, item.report_name()) {
            (None, Some(report)) => out!("  {}  ← {report}", mail_row(plan, item)),
            (Some(skip), _) => out!("  {}  skipped: {skip}", mail_row(plan, item)),
            (None, None) => {}
        }
    }
    let ready = plan.ready().count();
    let unmailed = unmailed(plan.skipped().filter_map(|i| i.skip.as_ref()));
    if dry_run {
        let how = match server {
            Some(server) => format!("sent via {}", server.name()),
            None => format!("written as drafts into {}", plan.dir.join(handreiking::mail::DRAFTS).display()),
        };
        eprintln!(
            "dry run: {ready} mail(s) would be {how}; {unmailed} row(s) skipped. Nothing was written or sent."
        );
    }
    unmailed
}

pub fn drafts_written(plan: &handreiking::mail::Plan, drafts: &handreiking::mail::Drafts) -> usize {
    for (i, skip) in &drafts.late {
        eprintln!("error: {}: {skip}", mail_row(plan, &plan.items[*i]));
    }
    for path in &drafts.removed {
        eprintln!("removed the old draft {}: its row gets no mail now", path.display());
    }
    let unmailed =
        unmailed(plan.skipped().filter_map(|i| i.skip.as_ref()).chain(drafts.late.iter().map(|(_, s)| s)));
    if drafts.written.is_empty() {
        eprintln!("no drafts written; {unmailed} row(s) skipped");
    } else {
        eprintln!(
            "wrote {} draft(s) to {}; {unmailed} row(s) skipped. Open a draft (double-click the .eml) in Outlook, \
             Thunderbird or Apple Mail, check it and send it from there; or send them all with \
             `handreiking mail {} --send --smtp HOST`",
            drafts.written.len(),
            drafts.dir.display(),
            plan.dir.display()
        );
    }
    unmailed
}

/// One message handed to the server (or not): a line as it happens.
pub fn mail_sent_one(
    done: usize,
    total: usize,
    item: &handreiking::mail::Planned,
    result: &handreiking::mail::SendResult,
) {
    use handreiking::mail::SendResult;
    let to = item.address.as_deref().unwrap_or_default().trim();
    match result {
        SendResult::Sent { .. } => eprintln!("  [{done}/{total}] sent row {} to {to}", item.row),
        SendResult::Refused { error } => {
            eprintln!("  [{done}/{total}] refused, row {} to {to}: {error}", item.row)
        }
        SendResult::Uncertain { error } => {
            eprintln!("  [{done}/{total}] may or may not have arrived, row {} to {to}: {error}", item.row)
        }
        SendResult::Skipped(skip) => eprintln!("  [{done}/{total}] not sent, row {}: {skip}", item.row),
    }
}

/// The end of a send run; returns the rows that got no mail.
pub fn mail_sent(
    plan: &handreiking::mail::Plan,
    outcome: &handreiking::mail::SendOutcome,
    server: &handreiking::mail::SmtpServer,
) -> usize {
    use handreiking::mail::SendResult;
    let log = plan.dir.join(handreiking::mail::LOG);
    if let Some(why) = &outcome.stopped {
        eprintln!(
            "error: stopped after {} of {} mail(s): {why}. {} mail(s) were not tried; run the same command \
             again to send them (what was sent is in {} and is not sent again)",
            outcome.results.len(),
            outcome.results.len() + outcome.not_tried,
            outcome.not_tried,
            log.display()
        );
    }
    let problems = outcome.results.iter().filter(|(_, r)| !matches!(r, SendResult::Sent { .. })).count();
    let unmailed = unmailed(plan.skipped().filter_map(|i| i.skip.as_ref())) + problems + outcome.not_tried;
    eprintln!(
        "sent {} mail(s) via {}; {unmailed} row(s) without a mail this time. Send log: {} (run again to retry \
         what was refused; nothing is sent twice)",
        outcome.sent(),
        server.name(),
        log.display()
    );
    unmailed
}

/// Asks for the SMTP password on the terminal, without echo; None when there is no terminal.
pub fn ask_password(user: &str, server: &str) -> Option<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return None;
    }
    // rpassword turns echo off (and back on) on Unix and Windows terminals alike.
    rpassword::prompt_password(format!("password for {user} at {server}: ")).ok()
}

pub fn interrupted_mail() {
    eprintln!(
        "\ninterrupted: what was sent is in the send log ({}); run the same command again to send the rest. \
         A message that was on its way may have arrived: it is listed, and not sent again until you remove its lines.",
        handreiking::mail::LOG
    );
}
