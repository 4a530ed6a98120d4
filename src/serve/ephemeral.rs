//! `upwire serve --ephemeral` (a throwaway `redis-server` from `PATH`) and
//! `upwire serve -- CMD ARGS...` (a command run against serve, whose exit status serve exits
//! with): together, the whole CI step `upwire serve --ephemeral -- npm test`.

use std::ffi::OsString;
use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::config::ServeError;

/// How long a throwaway redis-server may take to answer `PING`.
const READY_WITHIN: Duration = Duration::from_secs(10);

/// A `redis-server` started for this run: loopback only, a free port, no persistence
/// (`--save ""`, `--appendonly no`), its directory a new temporary one. Stopped (and its
/// directory removed) on drop.
pub(crate) struct Ephemeral {
    child: Child,
    dir: PathBuf,
    port: u16,
    version: String,
}

impl Ephemeral {
    /// Starts `redis-server` from `PATH` and waits until it answers `PING`.
    ///
    /// # Errors
    /// [`ServeError::NoRedisServer`] when `PATH` has none; [`ServeError::Ephemeral`] when it
    /// does not start (its log's last lines say why).
    pub(crate) fn start() -> Result<Self, ServeError> {
        let exe = find_in_path("redis-server").ok_or(ServeError::NoRedisServer)?;
        let version = redis_version(&exe);
        // The free port is the kernel's pick, released again before redis-server binds it:
        // another process may take it in between, so a failed start is tried again.
        let mut last = None;
        for _ in 0..3 {
            let dir = temp_dir().map_err(|e| failed(&format!("cannot make a directory: {e}")))?;
            match Self::start_in(&exe, dir, &version) {
                Ok(redis) => return Ok(redis),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| failed("it did not start")))
    }

    fn start_in(exe: &Path, dir: PathBuf, version: &str) -> Result<Self, ServeError> {
        let port = free_port().map_err(|e| failed(&format!("no free port: {e}")))?;
        let log = std::fs::File::create(dir.join("redis.log"))
            .and_then(|log| Ok((log.try_clone()?, log)))
            .map_err(|e| failed(&format!("cannot write its log: {e}")))?;
        let child = Command::new(exe)
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--protected-mode", "yes", "--daemonize", "no"])
            .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
            .arg("--dir")
            .arg(&dir)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log.0)
            .stderr(log.1)
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(failed(&format!("cannot run {}: {e}", exe.display())));
            }
        };
        let mut redis = Self {
            child,
            dir,
            port,
            version: version.to_owned(),
        };
        redis.wait_ready()?;
        Ok(redis)
    }

    fn wait_ready(&mut self) -> Result<(), ServeError> {
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(failed(&format!("it exited ({status}){}", self.log_tail())));
            }
            if ping(self.port) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(failed(&format!(
            "it did not answer PING within {} s{}",
            READY_WITHIN.as_secs(),
            self.log_tail()
        )))
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().rev().take(3).collect();
        if lines.is_empty() {
            String::new()
        } else {
            let tail: Vec<&str> = lines.into_iter().rev().collect();
            format!("; its log ends: {}", tail.join(" | "))
        }
    }

    /// `redis://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// For the start-up line: `redis-server 7.0.15 (pid 1234) on 127.0.0.1:PORT`.
    pub(crate) fn describe(&self) -> String {
        format!(
            "a throwaway redis-server{} (pid {}) on 127.0.0.1:{}, no persistence",
            self.version,
            self.child.id(),
            self.port
        )
    }
}

impl Drop for Ephemeral {
    fn drop(&mut self) {
        // Nothing to save: it was started without persistence.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn failed(reason: &str) -> ServeError {
    ServeError::Ephemeral {
        reason: reason.to_owned(),
    }
}

/// ` 7.0.15` from `redis-server --version`, or nothing.
fn redis_version(exe: &Path) -> String {
    Command::new(exe)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let v = text.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
            Some(format!(" {v}"))
        })
        .unwrap_or_default()
}

/// The first executable `name` in `PATH`.
fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// A new private directory under the system's temporary directory.
fn temp_dir() -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let mut last = None;
    for _ in 0..8 {
        let name = format!(
            "upwire-redis-{}-{}",
            std::process::id(),
            super::auth::random_token()?.get(..12).unwrap_or_default()
        );
        let dir = base.join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no name")))
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Whether a Redis on 127.0.0.1:`port` answers `PING` within a second.
fn ping(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

/// Runs `command` (`-- CMD ARGS...`) with `env` set and `unset` removed from its environment,
/// passing SIGINT and SIGTERM on to it, until it exits: its exit code (128 + the signal's
/// number when a signal ended it).
///
/// The child is a `std::process::Child` polled every [`POLL`]: tokio's own process support
/// would add its driver to every worker runtime of serve, which then takes a lock each time a
/// worker parks, on every request (BENCHMARKS.md, section 3b).
///
/// # Errors
/// [`ServeError::Command`] when it cannot be started.
pub(crate) async fn run_command(
    command: &[OsString],
    env: &[(&str, String)],
    unset: &[&str],
) -> Result<i32, ServeError> {
    let Some((program, args)) = command.split_first() else {
        return Ok(0);
    };
    let shown = program.to_string_lossy().into_owned();
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    for name in unset {
        cmd.env_remove(name);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let mut child = cmd.spawn().map_err(|source| ServeError::Command {
        program: shown.clone(),
        source,
    })?;
    let status = wait_passing_signals(&mut child).await;
    let code = match status {
        Ok(status) => exit_code(status),
        Err(e) => {
            super::log::line(&format!("lost track of `{shown}`: {e}"));
            1
        }
    };
    Ok(code)
}

/// How often the command is asked whether it has exited: what its exit may wait for.
const POLL: Duration = Duration::from_millis(20);

#[cfg(unix)]
async fn wait_passing_signals(
    child: &mut std::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        return wait(child).await;
    };
    loop {
        let sent = tokio::select! {
            status = wait(child) => return status,
            _ = int.recv() => SIGINT,
            _ = term.recv() => SIGTERM,
        };
        // Only while it is not reaped: `try_wait` here and in `wait` are the only reapers,
        // both on this task, so its pid cannot have been reused.
        if child.try_wait()?.is_none()
            && let Ok(pid) = i32::try_from(child.id())
        {
            super::log::line(&format!(
                "signal received: passed on to the command (pid {pid}); waiting for it"
            ));
            send_signal(pid, sent);
        }
    }
}

#[cfg(not(unix))]
async fn wait_passing_signals(
    child: &mut std::process::Child,
) -> std::io::Result<std::process::ExitStatus> {
    wait(child).await
}

/// Waits for `child` to exit, asking every [`POLL`] (cancel-safe: nothing is lost when it is
/// dropped between two polls).
async fn wait(child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// `SIGINT` and `SIGTERM` have these numbers on Linux and the BSDs (macOS) alike.
#[cfg(unix)]
const SIGINT: i32 = 2;
#[cfg(unix)]
const SIGTERM: i32 = 15;

#[cfg(unix)]
fn send_signal(pid: i32, signal: i32) {
    unsafe extern "C" {
        fn kill(pid: i32, sig: i32) -> i32;
    }
    // SAFETY: kill(2) only sends a signal; `pid` is our own child's, still unreaped (its
    // `wait` has not returned), so the pid cannot have been reused.
    let _ = unsafe { kill(pid, signal) };
}

/// The exit status as a shell reports it: the code, or 128 + the signal's number.
fn exit_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}
