//! `handreiking mail`: drafts, or sending over SMTP, after `report`.

use super::{EXIT_FAILURE, EXIT_SOME_ROWS, EXIT_USAGE, Outcome, fail};
use crate::cli::MailArgs;
use crate::messages;

pub fn run(args: MailArgs) -> Outcome {
    // The server first: `--tls none` to another machine stops here, before anything is read.
    let server = match (args.send, &args.smtp) {
        (true, Some(spec)) => Some(handreiking::mail::SmtpServer::new(spec, args.tls.into()).map_err(fail)?),
        _ => None,
    };
    let options = handreiking::mail::MailOptions {
        brand: args.brand,
        allow_shared_address: args.allow_shared_address,
        dry_run: args.dry_run,
        log_dir: args.send_log,
        sender: None,
        send_newer: args.send_newer,
    };
    let plan = handreiking::mail::plan(&args.dir, &options).map_err(fail)?;
    let unmailed = match server {
        _ if args.dry_run => messages::mail_plan(&plan, true, server.as_ref()),
        None => drafts(&plan)?,
        Some(server) => {
            messages::mail_plan(&plan, false, Some(&server));
            let password = match &args.smtp_user {
                Some(user) if plan.ready().next().is_some() => Some(password(user, &server)?),
                _ => None,
            };
            let options = handreiking::mail::SendOptions {
                user: args.smtp_user,
                password,
                per_minute: args.per_minute,
                bcc_sender: args.bcc_sender,
            };
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let outcome =
                handreiking::mail::send(&plan, &server, &options, &messages::mail_sent_one, &cancel)
                    .map_err(fail)?;
            let unmailed = messages::mail_sent(&plan, &outcome, &server);
            if outcome.stopped.is_some() {
                return Err(EXIT_FAILURE);
            }
            unmailed
        }
    };
    if unmailed > 0 {
        return Err(EXIT_SOME_ROWS);
    }
    Ok(())
}

/// Writes the drafts of a mail plan and says what happened; returns the rows that get no draft.
pub fn drafts(plan: &handreiking::mail::Plan) -> Result<usize, u8> {
    messages::mail_plan(plan, false, None);
    let drafts = handreiking::mail::write_drafts(plan).map_err(fail)?;
    Ok(messages::drafts_written(plan, &drafts))
}

/// The SMTP password: from HANDREIKING_SMTP_PASSWORD, else asked on the terminal. Never a flag.
fn password(user: &str, server: &handreiking::mail::SmtpServer) -> Result<handreiking::mail::Password, u8> {
    match std::env::var("HANDREIKING_SMTP_PASSWORD") {
        Ok(password) if !password.is_empty() => Ok(handreiking::mail::Password::new(password)),
        _ => messages::ask_password(user, &server.name()).map(handreiking::mail::Password::new).ok_or_else(|| {
            messages::usage(&format!(
                "no password for `{user}`: set HANDREIKING_SMTP_PASSWORD, or run on a terminal to be asked"
            ));
            EXIT_USAGE
        }),
    }
}
