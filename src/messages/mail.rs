//! `mail`: what goes to whom, the drafts written, each message sent, the
//! end of a send run, and the password prompt.

use std::io::Write;

use super::shown;

/// Rows that get no mail and were not sent before: what a user still has to look at.
fn unmailed<'a>(skips: impl Iterator<Item = &'a handreiking::mail::Skip>) -> usize {
    skips.filter(|s| !matches!(s, handreiking::mail::Skip::Sent { same_report: true, .. })).count()
}

/// "row 7" (with the sheet when the reports came from several), and who.
fn mail_row(plan: &handreiking::mail::Plan, item: &handreiking::mail::Planned) -> String {
    let several = plan.items.iter().any(|i| i.source != item.source);
    let row = if several {
        format!("{}: row {}", shown(&item.source), item.row)
    } else {
        format!("row {}", item.row)
    };
    let (respondent, address) = (shown(&item.respondent), item.address.as_deref().map(shown));
    let who = match (respondent.trim(), address.as_deref().map(str::trim)) {
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
        err!("note: {note}");
    }
    let reply = plan.reply_to.as_deref().map(|r| format!(", replies to {r}")).unwrap_or_default();
    out!("{}: {} row(s); from {}{reply}", plan.manifest.display(), plan.items.len(), plan.sender);
    for item in &plan.items {
        match (&item.skip, item.report_name()) {
            (None, Some(report)) => out!("  {}  ← {}", mail_row(plan, item), shown(&report)),
            (Some(skip), _) => out!("  {}  skipped: {}", mail_row(plan, item), shown(&skip.to_string())),
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
        err!(
            "dry run: {ready} mail(s) would be {how}; {unmailed} row(s) skipped. Nothing was written or sent."
        );
    }
    unmailed
}

pub fn drafts_written(plan: &handreiking::mail::Plan, drafts: &handreiking::mail::Drafts) -> usize {
    for (i, skip) in &drafts.late {
        err!("error: {}: {}", mail_row(plan, &plan.items[*i]), shown(&skip.to_string()));
    }
    for path in &drafts.removed {
        err!("removed the old draft {}: its row gets no mail now", path.display());
    }
    let unmailed =
        unmailed(plan.skipped().filter_map(|i| i.skip.as_ref()).chain(drafts.late.iter().map(|(_, s)| s)));
    if drafts.written.is_empty() {
        err!("no drafts written; {unmailed} row(s) skipped");
    } else {
        err!(
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
    let to = shown(item.address.as_deref().unwrap_or_default().trim());
    match result {
        SendResult::Sent { .. } => err!("  [{done}/{total}] sent row {} to {to}", item.row),
        SendResult::Refused { error } => {
            err!("  [{done}/{total}] refused, row {} to {to}: {error}", item.row)
        }
        SendResult::Uncertain { error } => {
            err!("  [{done}/{total}] may or may not have arrived, row {} to {to}: {error}", item.row)
        }
        SendResult::Skipped(skip) => {
            err!("  [{done}/{total}] not sent, row {}: {}", item.row, shown(&skip.to_string()))
        }
    }
}

/// The end of a send run; returns the rows that got no mail.
pub fn mail_sent(
    plan: &handreiking::mail::Plan,
    outcome: &handreiking::mail::SendOutcome,
    server: &handreiking::mail::SmtpServer,
) -> usize {
    use handreiking::mail::SendResult;
    let log = &plan.log;
    if let Some(why) = &outcome.stopped {
        err!(
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
    err!(
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
    err!(
        "\ninterrupted: what was sent is in the send log ({}); run the same command again to send the rest. \
         A message that was on its way may have arrived: it is listed, and not sent again until you remove its lines.",
        handreiking::mail::LOG
    );
}
