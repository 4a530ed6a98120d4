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

/// The binary run from the repository root with an empty environment, so that relative paths
/// in the output and did-you-mean suggestions over variable names do not depend on the machine.
pub fn upwire_at_root() -> Command {
    let mut cmd = upwire();
    cmd.env_clear().current_dir(root());
    cmd
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `path` relative to the repository root, with `/` separators, as the tests pass it.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs a command and renders exit code, stdout and stderr for a snapshot, with `dir`
/// replaced by `[DIR]`.
pub fn transcript(output: &Output, dir: &Path) -> String {
    let clean = |b: &[u8]| String::from_utf8_lossy(b).replace(&dir.display().to_string(), "[DIR]");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        clean(&output.stdout),
        clean(&output.stderr)
    )
}

/// Runs `cmd` and returns its output; panics only when the binary cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the upwire binary runs")
}

/// The exit code, or -1 when the process was killed by a signal.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Stdout and stderr together, lossily decoded, for "never contains" assertions.
pub fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Stdout parsed as the one JSON document `--format json` promises.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Insta settings shared by every snapshot: one top-level `snapshots/` directory, no module
/// prefix in the file names.
#[macro_export]
macro_rules! snapshots {
    ($body:block) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots",
            prepend_module_to_snapshot => false,
        }, $body)
    };
}
