//! The thin binary: parse the arguments, dispatch to the command's module
//! (`commands::<command>`), and exit with the code it chose.

mod cli;
mod commands;
mod messages;
mod web;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // No command: started from the menu (no terminal) it is the desktop program;
    // typed on a terminal, the help says what there is.
    let command = match cli.command {
        Some(command) => command,
        None if std::io::stdin().is_terminal() => {
            let _ = <Cli as clap::CommandFactory>::command().print_help();
            return ExitCode::from(commands::EXIT_USAGE);
        }
        None => Command::App(cli::AppArgs { port: cli::APP_PORT, ..Default::default() }),
    };
    // A child process is stopped by its parent, which says what happened.
    let child = matches!(command, Command::RenderProcess | Command::ReadProcess);
    // Every answer sheet is read by a reader process under limits, so that no
    // file, however built, takes this program (or the web app) down with it.
    if !child && let Ok(program) = std::env::current_exe() {
        handreiking::answers::isolate_with(program);
    }
    let mailing = matches!(command, Command::Mail(_));
    // Finished files stay; the ones being written are removed, never left half-written.
    let _ = ctrlc::set_handler(move || {
        // Writes are held first, so that no manifest appears while the render processes stop.
        let _writes = handreiking::output::abandon_writes();
        handreiking::batch::processes::stop_processes();
        web::remove_temporary_files();
        if mailing {
            messages::interrupted_mail();
        } else if !child {
            messages::interrupted();
        }
        std::process::exit(commands::EXIT_INTERRUPTED);
    });
    let outcome = match command {
        Command::Blank(args) => commands::handout::blank(args),
        Command::Form(args) => commands::handout::form(args),
        Command::Cards(args) => commands::handout::cards(args),
        Command::Group(args) => commands::group::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Mail(args) => commands::mail::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Mapping(args) => commands::mapping::run(args),
        Command::Template(args) => commands::template::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::CheckContent(args) => commands::check_content::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Workshop(args) => commands::workshop::run(args),
        Command::App(args) => commands::serve::app(args),
        Command::Completions(args) => commands::manual::completions(args),
        Command::Manual(args) => commands::manual::manual(args),
        Command::RenderProcess => commands::processes::render(),
        Command::ReadProcess => commands::processes::read(),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}
