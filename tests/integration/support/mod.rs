//! Helpers shared by the integration tests. This file: run the real binary (bounded in time),
//! transcripts for snapshots, list what a command wrote, free loopback ports, proptest and insta
//! settings. The submodules start real peers on loopback, each killed when its handle drops:
//! [`redis`] (redis-server plain, TLS, password, ACL users; restart and pause), [`certs`]
//! (certificates made with openssl at test time), [`serve`] (`upwire serve` as a process or in
//! process), [`peers`] (listeners that never answer or answer one canned reply) and [`http`]
//! (the one HTTP/1.1 client, every step with a timeout), [`fake_rest`] (a stand-in for the
//! Upstash REST API); [`crates`] builds the Rust crates the
//! tests generate, against the lockfiles kept in the repository; [`tier`] says whether a test
//! that needs more than the Rust toolchain and redis-server runs (the fast and the full tier).

#![allow(dead_code)]

pub mod certs;
pub mod crates;
pub mod fake_rest;
pub mod http;
pub mod peers;
pub mod redis;
pub mod serve;
pub mod test;
pub mod tier;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The built `upwire` binary.
pub fn upwire() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_upwire"));
    cmd.env_remove("UPWIRE_CONFIG").env("NO_COLOR", "1");
    cmd
}

/// The binary in `dir` with an empty environment (and `NO_COLOR=1`).
pub fn upwire_in(dir: &Path) -> Command {
    test::Test::in_dir(dir).command()
}

/// The binary in `dir` with this process's environment (less `UPWIRE_CONFIG` and
/// `REDIS_URL`) and `env`, run with `args` (bounded in time).
pub fn run_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    test::Test::in_dir(dir)
        .inherit_env()
        .envs(env)
        .args(args)
        .run()
}

/// `upwire lint --color never ARGS` in `dir` with an empty environment (bounded in time).
pub fn lint(dir: &Path, args: &[&str]) -> Output {
    test::Test::in_dir(dir)
        .args(["lint", "--color", "never"])
        .args(args)
        .run()
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

/// Runs `cmd` to completion, killing it after `limit`; `Err` names the command that hung.
pub fn try_run_bounded(mut cmd: Command, limit: Duration) -> Result<Output, String> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("upwire starts");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(output) => Ok(output.expect("upwire runs")),
        Err(_) => {
            signal(pid, "-9");
            Err(format!("upwire did not finish within {limit:?}: {cmd:?}"))
        }
    }
}

/// Runs `cmd` to completion, killing it after `limit` (and then panicking).
pub fn run_bounded(cmd: Command, limit: Duration) -> Output {
    try_run_bounded(cmd, limit).unwrap_or_else(|e| panic!("{e}"))
}

/// The files `generate` may put secrets in (docs/generate.md): nothing else may contain one.
pub const SECRET_FILES: &[&str] = &[
    ".env",
    ".dev.vars",
    "docker.env",
    "redis-secret.yaml",
    "lambda-env.json",
    "fly-secrets.env",
];

/// Every file below `root`, relative path → its bytes (a directory that cannot be read is
/// passed over).
pub fn file_bytes_below(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Every file below `root`, relative path → contents, lossily decoded.
pub fn files_below(root: &Path) -> BTreeMap<String, String> {
    file_bytes_below(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// The relative paths of every file below `root`, sorted.
pub fn file_names_below(root: &Path) -> Vec<String> {
    file_bytes_below(root).into_keys().collect()
}

/// A free TCP port on 127.0.0.1 (bound, then released): nobody listens on it right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Panics with an install hint when `tool` (`redis-server`, which every tier needs) is not on
/// PATH. Tools only some tests need go through [`tier::require`].
pub fn require(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`{tool}` is not installed: run `bash .ci/run` (it installs the test peers) or `apt-get install redis-server`"
    );
}

/// Runs `program` (a tool, not upwire) with `args` in `dir`; panics with its stderr unless it
/// succeeds.
pub fn run_tool(program: &str, args: &[&str], dir: &Path) -> Output {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Sends `signal` (`-TERM`, `-STOP`, ...) to process `pid` with `kill`: whether it was sent.
pub fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .status()
        .is_ok_and(|s| s.success())
}

/// Proptest settings: `cases` per property unless `PROPTEST_CASES` says otherwise, and no
/// failure files next to the sources (findings become named regression tests instead).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// Insta settings shared by every snapshot: `snapshots/<module>/`, the folder of the test
/// module that asserts it (`check` for tests/integration/check.rs), no module prefix in the
/// file names. `snapshots!({ .. })` runs a block under them; `snapshots!(name, value)` asserts
/// one snapshot.
#[macro_export]
macro_rules! snapshots {
    ($body:block) => {
        insta::with_settings!({
            snapshot_path => format!(
                "../../snapshots/{}",
                module_path!().split("::").nth(1).expect("a test module")
            ),
            prepend_module_to_snapshot => false,
        }, $body)
    };
    ($name:expr, $value:expr) => {
        $crate::snapshots!({ insta::assert_snapshot!($name, $value) })
    };
}

/// A valid (fake) value for each variable the descriptor `init` writes refers to.
pub const INIT_VARIABLES: [(&str, &str); 4] = [
    (
        "REDIS_URL",
        "rediss://default:ATA5aW5pdC1wYXNzd29yZA@eu1-tidy-cat-12345.upstash.io:6379",
    ),
    (
        "UPSTASH_REDIS_REST_URL",
        "https://eu1-tidy-cat-12345.upstash.io",
    ),
    ("UPSTASH_REDIS_REST_TOKEN", "ATA5aW5pdC10b2tlbi0xMjM0NQ"),
    (
        "UPSTASH_REDIS_REST_READONLY_TOKEN",
        "AjA5aW5pdC1yZWFkb25seS0xMjM",
    ),
];
