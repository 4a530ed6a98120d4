//! Helpers shared by the integration tests: run the real binary, filter temp paths.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `upwire` binary.
pub fn upwire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_upwire"));
    cmd.env_remove("UPWIRE_CONFIG").env("NO_COLOR", "1");
    cmd
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a command and renders exit code, stdout and stderr for a snapshot, with `dir`
/// replaced by `[DIR]`.
pub fn transcript(output: &Output, dir: &Path) -> String {
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&dir.display().to_string(), "[DIR]");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_owned(), |c| c.to_string()),
        clean(&output.stdout),
        clean(&output.stderr)
    )
}
