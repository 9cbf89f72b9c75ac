//! `handreiking completions` and `handreiking manual`: what a package
//! installs beside the binary, made from the command line's own definition.

use clap::CommandFactory;

use super::{EXIT_FAILURE, Outcome};
use crate::cli::{Cli, CompletionsArgs, ManualArgs};
use crate::messages;

pub fn completions(args: CompletionsArgs) -> Outcome {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "handreiking", &mut std::io::stdout());
    Ok(())
}

/// `handreiking.1` and `handreiking-<command>.1` for every command a user runs.
pub fn manual(args: ManualArgs) -> Outcome {
    let written = std::fs::create_dir_all(&args.dir).and_then(|()| {
        let command = Cli::command();
        clap_mangen::generate_to(command, &args.dir)
    });
    written.map_err(|e| {
        messages::usage(&format!("cannot write the manual pages into {}: {e}", args.dir.display()));
        EXIT_FAILURE
    })
}
