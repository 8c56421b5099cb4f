//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::process::{Command, Output};

/// Runs the `goldsweep` binary with `args`, without the environment variables that change its
/// behaviour.
pub fn goldsweep(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goldsweep"))
        .args(args)
        .env_remove("GOLDSWEEP_THREADS")
        .env_remove("GOLDSWEEP_DEMO_DATA")
        .env_remove("GOLDSWEEP_GDAL_MESSAGES")
        .output()
        .unwrap_or_else(|e| panic!("cannot run goldsweep: {e}"))
}

/// Runs an external command-line tool (gdal_translate, ogr2ogr …) and panics unless it succeeds.
pub fn tool<S: AsRef<OsStr> + std::fmt::Debug>(program: &str, args: &[S]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
