//! The hidden child commands: a render process (`render-process`) and a reader
//! process (`read-process`), started by this program itself, never by hand.

use super::{EXIT_FAILURE, Outcome, fail};
use crate::messages;

pub fn render() -> Outcome {
    handreiking::batch::processes::serve(std::io::BufReader::new(std::io::stdin()), std::io::stdout())
        .map_err(fail)
}

pub fn read() -> Outcome {
    handreiking::answers::process::serve(std::io::stdin().lock(), std::io::stdout().lock()).map_err(|e| {
        messages::usage(&format!("read-process: {e}"));
        EXIT_FAILURE
    })
}
