//! The `goldsweep` command: arguments → resolved settings → pipeline, with exit codes
//! 0 (done), 2 (bad input: the message names the file and the problem) and 1 (anything else).

mod args;
mod commands;
mod plant;
mod progress;
mod settings;

use std::process::ExitCode;

use clap::Parser;

/// An error the user's input caused (exit code 2).
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    // GDAL's own handler prints every CPLError to stderr; the errors that matter come back as
    // typed errors with the file named, so keep the terminal to one line per problem.
    // GOLDSWEEP_GDAL_MESSAGES=1 shows GDAL's messages for debugging.
    if std::env::var_os("GOLDSWEEP_GDAL_MESSAGES").is_none() {
        gdal::config::set_error_handler(|_, _, _| {});
    }
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<goldsweep_pipeline::SweepError>()
                    .is_some_and(|s| s.is_bad_input())
                || e.downcast_ref::<goldsweep_eval::EvalError>().is_some()
                || e.downcast_ref::<goldsweep_catalogue::CatalogueError>()
                    .is_some()
                || e.downcast_ref::<goldsweep_ledger::LedgerError>()
                    .is_some_and(|l| l.is_bad_input())
                || e.downcast_ref::<goldsweep_raster::RasterError>()
                    .is_some_and(|r| r.is_bad_input())
                || e.downcast_ref::<goldsweep_synth::SynthError>()
                    .is_some_and(|s| s.is_bad_input());
            let msg = format!("{e}").replace('\n', " ");
            eprintln!("goldsweep: error: {msg}");
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}
