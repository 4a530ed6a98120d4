//! Helpers shared by the integration tests: run the real binary (bounded in time), filter temp
//! paths, list what a command wrote, talk HTTP to `upwire serve`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::servers::{free_port, wait_for_port};

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
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            Err(format!("upwire did not finish within {limit:?}: {cmd:?}"))
        }
    }
}

/// Runs `cmd` to completion, killing it after `limit` (and then panicking).
pub fn run_bounded(cmd: Command, limit: Duration) -> Output {
    try_run_bounded(cmd, limit).unwrap_or_else(|e| panic!("{e}"))
}

/// The files `generate` may put secrets in (SPEC §6): nothing else may contain one.
pub const SECRET_FILES: &[&str] = &[
    ".env",
    ".dev.vars",
    "docker.env",
    "redis-secret.yaml",
    "lambda-env.json",
    "fly-secrets.env",
];

/// Every file below `root`, relative path (`/` separators) → contents, lossily decoded.
pub fn files_below(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(
                    rel,
                    String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
                );
            }
        }
    }
    out
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), every step bounded.
pub fn http(port: u16, request: &str) -> String {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(5))
            .expect("connect to serve");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

/// `POST target` with a JSON body and extra header lines (each ending in `\r\n`).
pub fn post(port: u16, target: &str, headers: &str, body: &str) -> String {
    http(
        port,
        &format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// The status code of an HTTP response, or `none`.
pub fn status(response: &str) -> &str {
    response.split(' ').nth(1).unwrap_or("none")
}

/// `upwire serve` (the binary, logging on) in front of `redis_url` with `token` and optionally
/// a read-only token; stderr goes to a file.
pub struct Serve {
    child: std::process::Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    log: PathBuf,
}

impl Serve {
    /// Starts it with its log in `dir/serve.log` and waits until it listens.
    pub fn start(redis_url: &str, token: &str, readonly: Option<&str>, dir: &Path) -> Serve {
        let port = free_port();
        let log = dir.join("serve.log");
        let mut cmd = upwire();
        cmd.args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--redis",
            redis_url,
        ])
        .env("UPWIRE_SERVE_TOKEN", token);
        if let Some(readonly) = readonly {
            cmd.env("UPWIRE_SERVE_READONLY_TOKEN", readonly);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("upwire serve starts");
        wait_for_port(port);
        Serve { child, port, log }
    }

    /// Stops it with SIGTERM (so it logs its shutdown too) and returns its stderr.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::read_to_string(&self.log).unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
