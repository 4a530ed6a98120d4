//! `upwire serve --ephemeral -- CMD`: a throwaway redis-server from PATH, a command run against
//! serve with the REST variables in its environment, its exit status passed on, signals passed
//! to it, and nothing left running afterwards.

#![cfg(feature = "serve")]

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::tier::{self, Group};
use crate::support::{all_output, code, require, run_bounded, signal, upwire};

/// `upwire serve --ephemeral -- sh -c SCRIPT` in `dir`, without the caller's tokens.
fn serve_running(dir: &Path, script: &str) -> std::process::Command {
    let mut cmd = upwire();
    cmd.current_dir(dir)
        .args([
            "--no-dotenv",
            "serve",
            "--ephemeral",
            "--quiet",
            "--",
            "sh",
            "-c",
            script,
        ])
        .env_remove("UPWIRE_SERVE_TOKEN")
        .env_remove("UPWIRE_SERVE_READONLY_TOKEN")
        .env_remove("UPWIRE_SERVE_LISTEN")
        .env_remove("SRH_MODE")
        .stdin(Stdio::null());
    cmd
}

/// Whether a process with this pid exists.
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The pid in `file`, once the child wrote it (up to 20 s).
fn read_pid(file: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(pid) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            file.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The command sees the URL and a token that work (a SET through serve, with curl), its exit
/// status is upwire's, and the throwaway redis-server is gone afterwards.
#[test]
fn the_command_gets_the_variables_and_its_status_and_redis_is_stopped() {
    require("redis-server");
    if !tier::require(Group::Curl) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
        set -e
        env | grep '^UPSTASH_REDIS_REST_' | cut -d= -f1 | sort > vars
        curl -fsS -m 5 -H "Authorization: Bearer $UPSTASH_REDIS_REST_TOKEN" \
          "$UPSTASH_REDIS_REST_URL/set/from-child/yes" > set.out
        curl -fsS -m 5 -H "Authorization: Bearer $UPSTASH_REDIS_REST_TOKEN" \
          "$UPSTASH_REDIS_REST_URL/info/server" | grep -o 'process_id:[0-9]*' | cut -d: -f2 > redis.pid
        exit 7
    "#;
    let mut cmd = serve_running(dir.path(), script);
    // A real Upstash token in the caller's environment must not reach the command.
    cmd.env(
        "UPSTASH_REDIS_REST_READONLY_TOKEN",
        "AoRealReadonlyTokenFromTheShell",
    );
    let output = run_bounded(cmd, Duration::from_secs(60));
    let text = all_output(&output);
    assert_eq!(code(&output), 7, "{text}");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(
        read("vars"),
        "UPSTASH_REDIS_REST_TOKEN\nUPSTASH_REDIS_REST_URL\n",
        "no read-only token was configured, so none is passed on"
    );
    assert_eq!(read("set.out"), r#"{"result":"OK"}"#);
    let redis_pid: u32 = read("redis.pid").trim().parse().expect("a pid");
    assert!(!alive(redis_pid), "redis-server {redis_pid} still runs");
    assert!(
        text.contains("throwaway redis-server"),
        "the start-up line says what it serves: {text}"
    );
    // The token went to the command only.
    assert!(!text.contains("UPSTASH_REDIS_REST_TOKEN="), "{text}");
}

#[test]
fn a_read_only_token_reaches_the_command_too_and_status_zero_is_zero() {
    require("redis-server");
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = serve_running(
        dir.path(),
        r#"test "$UPSTASH_REDIS_REST_READONLY_TOKEN" = AoCommandReadonly0123456789 &&
           test "$UPSTASH_REDIS_REST_TOKEN" = AXCommandFull0123456789"#,
    );
    cmd.env("UPWIRE_SERVE_TOKEN", "AXCommandFull0123456789")
        .env("UPWIRE_SERVE_READONLY_TOKEN", "AoCommandReadonly0123456789");
    let output = run_bounded(cmd, Duration::from_secs(60));
    assert_eq!(code(&output), 0, "{}", all_output(&output));
}

#[test]
fn without_redis_server_on_path_the_error_names_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = serve_running(dir.path(), "touch ran");
    // sh is found by its full path; PATH has no redis-server.
    cmd.env("PATH", dir.path());
    let output = run_bounded(cmd, Duration::from_secs(30));
    let text = all_output(&output);
    assert_eq!(code(&output), 2, "{text}");
    assert!(
        text.contains("--ephemeral needs redis-server on PATH"),
        "{text}"
    );
    assert!(text.contains("apt-get install redis-server"), "{text}");
    assert!(text.contains("brew install redis"), "{text}");
    assert!(!dir.path().join("ran").exists(), "the command did not run");
}

/// SIGTERM to upwire reaches the command (its trap runs and sets the exit status), and then
/// serve and redis-server stop.
#[test]
fn sigterm_reaches_the_command_and_everything_stops() {
    require("redis-server");
    if !tier::require(Group::Curl) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
        curl -fsS -m 5 -H "Authorization: Bearer $UPSTASH_REDIS_REST_TOKEN" \
          "$UPSTASH_REDIS_REST_URL/info/server" | grep -o 'process_id:[0-9]*' | cut -d: -f2 > redis.pid
        trap 'echo got-term > trapped; exit 42' TERM
        echo $$ > child.pid
        while :; do sleep 0.1; done
    "#;
    let mut cmd = serve_running(dir.path(), script);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut upwire = cmd.spawn().expect("upwire starts");
    let child_pid = read_pid(&dir.path().join("child.pid"));
    let redis_pid = read_pid(&dir.path().join("redis.pid"));
    assert!(alive(redis_pid));
    assert!(signal(upwire.id(), "-TERM"));
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = upwire.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = upwire.kill();
            panic!("upwire did not stop after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        std::fs::read_to_string(dir.path().join("trapped"))
            .ok()
            .as_deref(),
        Some("got-term\n"),
        "the command's TERM trap ran"
    );
    assert_eq!(status.code(), Some(42), "the command's exit status");
    assert!(!alive(child_pid), "the command is gone");
    assert!(!alive(redis_pid), "redis-server {redis_pid} still runs");
}
