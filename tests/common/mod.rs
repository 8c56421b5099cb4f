//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

/// The folder of real data beside the project (`../shared/data`), or `None` (after printing
/// why) when `sub` below it is absent: outside users do not have it.
pub fn shared_data_root(sub: &str) -> Option<PathBuf> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if root.join(sub).exists() {
        Some(root)
    } else {
        println!(
            "skipping: real data {} is absent (see ../shared/data/SOURCES.md)",
            root.join(sub).display()
        );
        None
    }
}

/// Exit code, stdout and stderr of a finished command, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()))
}
