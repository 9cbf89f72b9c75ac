//! The thin binary: parse arguments, call the library, print, choose the exit code.

mod cli;
mod messages;
mod web;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Something went wrong that stopped the command (bad content, unreadable file, …).
const EXIT_FAILURE: u8 = 1;
/// The command line itself is wrong.
const EXIT_USAGE: u8 = 2;
/// Some rows could not be turned into reports (the others were).
const EXIT_SOME_ROWS: u8 = 3;
/// The answer sheet could not be read at all.
const EXIT_UNREADABLE: u8 = 4;

/// Interrupted by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A render process is stopped by its parent, which says what happened.
    let quiet = matches!(cli.command, Command::RenderProcess | Command::ReadProcess);
    // Every answer sheet is read by a reader process under limits, so that no
    // file, however built, takes this program (or the web app) down with it.
    if !quiet && let Ok(program) = std::env::current_exe() {
        handreiking::answers::isolate_with(program);
    }
    let mailing = matches!(cli.command, Command::Mail { .. });
    // Finished files stay; the ones being written are removed, never left half-written.
    let _ = ctrlc::set_handler(move || {
        // Writes are held first, so that no manifest appears while the render processes stop.
        let _writes = handreiking::output::abandon_writes();
        handreiking::worker::stop_processes();
        web::remove_temporary_files();
        if mailing {
            messages::interrupted_mail();
        } else if !quiet {
            messages::interrupted();
        }
        std::process::exit(EXIT_INTERRUPTED);
    });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: Cli) -> Result<(), u8> {
    match cli.command {
        Command::Blank { output, print, emit_data, sources } => {
            let settings = settings(&sources)?;
            if let Some(path) = emit_data {
                let data =
                    handreiking::handout_data(&settings, handreiking::Handout::Blank, print).map_err(fail)?;
                handreiking::output::write_atomic(&path, data.as_bytes()).map_err(fail)?;
                messages::data_written(&path);
            }
            handout(&settings, handreiking::Handout::Blank, print, &output)?;
        }
        Command::Form { output, sources } => {
            handout(&settings(&sources)?, handreiking::Handout::Form, true, &output)?;
        }
        Command::Cards { output, sources } => {
            handout(&settings(&sources)?, handreiking::Handout::Cards, true, &output)?;
        }
        Command::Group { inputs, output, names, sheet, earlier, sources } => {
            let settings = settings(&sources)?;
            let options = sheet.options();
            let earlier = earlier.options();
            let outcome = handreiking::group(&settings, &inputs, &options, names, earlier.as_ref(), &output)
                .map_err(fail)?;
            messages::group(&outcome);
            if outcome.bad_rows > 0 {
                return Err(EXIT_SOME_ROWS);
            }
        }
        Command::Report {
            inputs,
            output,
            name,
            jobs,
            strict,
            force,
            sheet,
            earlier,
            emit_data,
            shard,
            reports_per_process,
            mail,
            sources,
        } => {
            let settings = settings(&sources)?;
            if mail {
                // A brand without a sender's address stops here, before any report is written.
                handreiking::mail::check_sender(settings.brand.as_deref()).map_err(fail)?;
            }
            let processes = match reports_per_process {
                0 => None,
                reports_each => Some(render_processes(reports_each)?),
            };
            let options = handreiking::ReportOptions {
                name,
                jobs: jobs.unwrap_or(0),
                strict,
                force,
                sheets: sheet.options(),
                emit_data,
                shard,
                processes,
                cancel: None,
                earlier: earlier.options(),
            };
            let started = std::time::Instant::now();
            let progress = messages::Progress::new();
            let outcome = handreiking::report(&settings, &inputs, &output, &options, &|done, total| {
                progress.update(done, total)
            })
            .map_err(fail)?;
            progress.finish();
            messages::batch(&outcome, &output, started.elapsed());
            let mut unmailed = 0;
            if let (true, Some(manifest)) = (mail, &outcome.manifest) {
                let options =
                    handreiking::mail::MailOptions { brand: settings.brand.clone(), ..Default::default() };
                let plan = handreiking::mail::plan(manifest, &options).map_err(fail)?;
                unmailed = drafts(&plan)?;
            }
            if outcome.failed() > 0 || unmailed > 0 {
                return Err(EXIT_SOME_ROWS);
            }
        }
        Command::Mail {
            dir,
            brand,
            send,
            dry_run,
            smtp,
            tls,
            smtp_user,
            per_minute,
            bcc_sender,
            allow_shared_address,
        } => {
            // The server first: `--tls none` to another machine stops here, before anything is read.
            let server = match (send, smtp) {
                (true, Some(spec)) => {
                    Some(handreiking::mail::SmtpServer::new(&spec, tls.into()).map_err(fail)?)
                }
                _ => None,
            };
            let options = handreiking::mail::MailOptions { brand, allow_shared_address, dry_run };
            let plan = handreiking::mail::plan(&dir, &options).map_err(fail)?;
            let unmailed = match server {
                _ if dry_run => messages::mail_plan(&plan, true, server.as_ref()),
                None => drafts(&plan)?,
                Some(server) => {
                    messages::mail_plan(&plan, false, Some(&server));
                    let password = match &smtp_user {
                        Some(user) if plan.ready().next().is_some() => Some(password(user, &server)?),
                        _ => None,
                    };
                    let options =
                        handreiking::mail::SendOptions { user: smtp_user, password, per_minute, bcc_sender };
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
        }
        Command::Mapping { input, sheet, sources } => {
            let settings = settings(&sources)?;
            let options = sheet.options();
            let text = handreiking::suggest_mapping(&settings, &input, &options).map_err(fail)?;
            messages::suggestion(&text);
        }
        Command::Check { inputs, sheet, earlier, sources } => {
            let settings = settings(&sources)?;
            let options = sheet.options();
            if let Some(earlier) = earlier.options() {
                let checked =
                    handreiking::followup::check(&settings, &inputs, &options, &earlier).map_err(fail)?;
                let bad = messages::check(&checked.handreiking, &checked.new, true);
                messages::earlier_heading(&earlier.inputs);
                let old_bad = messages::check(&checked.handreiking, &checked.old, false);
                let ambiguous = messages::matching(&checked.plan);
                if checked.new.iter().chain(&checked.old).any(|s| s.respondents == 0 && s.bad_row_count == 0)
                {
                    return Err(EXIT_UNREADABLE);
                }
                if bad + old_bad + ambiguous > 0 {
                    return Err(EXIT_SOME_ROWS);
                }
                return Ok(());
            }
            let (h, sheets) = handreiking::check(&settings, &inputs, &options).map_err(fail)?;
            let bad = messages::check(&h, &sheets, true);
            if sheets.iter().any(|s| s.respondents == 0 && s.bad_row_count == 0) {
                return Err(EXIT_UNREADABLE);
            }
            if bad > 0 {
                return Err(EXIT_SOME_ROWS);
            }
        }
        Command::Template { format, output, sources } => {
            let format = match format.or_else(|| output.as_deref().and_then(cli::Format::of)) {
                Some(cli::Format::Xlsx) => handreiking::SheetFormat::Xlsx,
                Some(cli::Format::Json) => handreiking::SheetFormat::Json,
                Some(cli::Format::Csv) | None => handreiking::SheetFormat::Csv,
            };
            // A workbook is binary: garbage on a terminal, and rarely meant for a pipe.
            if format == handreiking::SheetFormat::Xlsx && output.is_none() {
                messages::workbook_needs_file();
                return Err(EXIT_USAGE);
            }
            let settings = settings(&sources)?;
            let bytes = handreiking::template(&settings, format).map_err(fail)?;
            match output {
                Some(path) => {
                    handreiking::output::write_atomic(&path, &bytes).map_err(fail)?;
                    if format == handreiking::SheetFormat::Xlsx {
                        messages::workbook_written(&path);
                    } else {
                        messages::data_written(&path);
                    }
                }
                None => messages::raw(&String::from_utf8_lossy(&bytes)),
            }
        }
        Command::Init { dir, force } => {
            let written = handreiking::init(&dir, force).map_err(fail)?;
            messages::initialised(&dir, &written);
        }
        Command::Serve { port, open, max_upload, keep_hours, sources } => {
            let settings = settings(&sources)?;
            let options = web::ServeOptions {
                port,
                max_upload: max_upload.saturating_mul(1 << 20),
                keep_minutes: keep_hours.saturating_mul(60),
                processes: Some(render_processes(1000)?),
            };
            web::serve(settings, options, |url| {
                messages::serving(url);
                if open && let Err(e) = webbrowser::open(url) {
                    messages::no_browser(url, &e);
                }
            })
            .map_err(fail)?;
        }
        Command::RenderProcess => {
            handreiking::worker::serve(std::io::BufReader::new(std::io::stdin()), std::io::stdout())
                .map_err(fail)?;
        }
        Command::ReadProcess => {
            handreiking::answers::process::serve(std::io::stdin().lock(), std::io::stdout().lock()).map_err(
                |e| {
                    messages::usage(&format!("read-process: {e}"));
                    EXIT_FAILURE
                },
            )?;
        }
        Command::CheckContent { sources } => {
            let settings = settings(&sources)?;
            let h = handreiking::load_content(&settings).map_err(fail)?;
            messages::content_ok(&h);
        }
    }
    Ok(())
}

/// Writes the drafts of a mail plan and says what happened; returns the rows that get no draft.
fn drafts(plan: &handreiking::mail::Plan) -> Result<usize, u8> {
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

/// Typesets a document from the handreiking alone and says where it went.
fn handout(
    settings: &handreiking::Settings,
    kind: handreiking::Handout,
    print: bool,
    output: &std::path::Path,
) -> Result<(), u8> {
    let options = handreiking::BlankOptions { print };
    let written = handreiking::handout(settings, kind, &options, output).map_err(fail)?;
    messages::written(&written.path, written.bytes);
    Ok(())
}

/// Render processes started from this program, each replaced after `reports_each` reports.
fn render_processes(reports_each: usize) -> Result<handreiking::worker::Processes, u8> {
    let program = std::env::current_exe().map_err(|e| {
        messages::usage(&format!("cannot find this program to start render processes: {e}"));
        EXIT_FAILURE
    })?;
    Ok(handreiking::worker::Processes { program, reports_each })
}

fn settings(sources: &cli::Sources) -> Result<handreiking::Settings, u8> {
    sources.settings().map_err(|m| {
        messages::usage(&m);
        EXIT_USAGE
    })
}

fn fail(e: handreiking::Error) -> u8 {
    messages::error(&e);
    match e {
        handreiking::Error::Usage(_) | handreiking::Error::Mapping(_) | handreiking::Error::Brand(_) => {
            EXIT_USAGE
        }
        handreiking::Error::Sheet(_) => EXIT_UNREADABLE,
        handreiking::Error::Io { .. } => EXIT_UNREADABLE,
        _ => EXIT_FAILURE,
    }
}
