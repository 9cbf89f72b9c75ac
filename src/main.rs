//! The thin binary: parse arguments, call the library, print, choose the exit code.

mod cli;
mod messages;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Something went wrong that stopped the command (bad content, unreadable file, …).
const EXIT_FAILURE: u8 = 1;
/// The command line itself is wrong.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: Cli) -> Result<(), u8> {
    match cli.command {
        Command::Blank {
            output,
            print,
            emit_data,
            sources,
        } => {
            let settings = settings(&sources)?;
            if let Some(path) = emit_data {
                let data = handreiking::blank_data(&settings, print).map_err(fail)?;
                handreiking::output::write_atomic(&path, data.as_bytes()).map_err(fail)?;
                messages::data_written(&path);
            }
            let options = handreiking::BlankOptions { print };
            let written = handreiking::blank(&settings, &options, &output).map_err(fail)?;
            messages::written(&written.path, written.bytes);
        }
        Command::CheckContent { sources } => {
            let settings = settings(&sources)?;
            let h = handreiking::load_content(&settings).map_err(fail)?;
            messages::content_ok(&h);
        }
    }
    Ok(())
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
        handreiking::Error::Usage(_) => EXIT_USAGE,
        _ => EXIT_FAILURE,
    }
}
