//! `upwire serve` for the tests: [`ServeProcess`] runs the binary (tokens from the environment,
//! extra arguments, its stderr kept line by line), [`Serve`] runs it in process
//! (`upwire::serve::spawn`) in front of its own redis-server.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use upwire::serve::{ServeConfig, ServeHandle, spawn};

use super::http::{Reply, Request};
use super::redis::RedisServer;
use super::{signal, upwire};

/// Full-access and read-only tokens for the tests (fake, realistic shape).
pub const TOKEN: &str = "AXtestFullAccessToken0123456789";
pub const READONLY_TOKEN: &str = "AoTestReadOnlyToken0123456789";

/// In-process serve in front of `redis_url` with `token`, quiet, on a free loopback port.
pub fn spawn_quiet(redis_url: String, token: &str) -> ServeHandle {
    spawn(ServeConfig::new(redis_url).token(token).quiet(true)).expect("serve starts")
}

/// Redis plus `serve` in front of it (library API, on a free port).
pub struct Serve {
    pub redis: RedisServer,
    pub handle: ServeHandle,
}

impl Serve {
    /// Serve with [`TOKEN`] and [`READONLY_TOKEN`], quiet.
    pub fn start() -> Self {
        Self::start_with(|c| c)
    }

    /// Serve with the config adjusted by `f`.
    pub fn start_with(f: impl FnOnce(ServeConfig) -> ServeConfig) -> Self {
        let redis = RedisServer::plain();
        let config = f(ServeConfig::new(redis.url(None, None))
            .token(TOKEN)
            .readonly_token(READONLY_TOKEN)
            .quiet(true));
        let handle = spawn(config).expect("serve starts");
        Self { redis, handle }
    }

    pub fn addr(&self) -> SocketAddr {
        self.handle.addr()
    }

    /// `POST /` with the full token.
    pub fn cmd(&self, command: Value) -> Reply {
        self.post("/", &command.to_string(), TOKEN)
    }

    /// `POST path` with a JSON body and a token.
    pub fn post(&self, path: &str, body: &str, token: &str) -> Reply {
        post(path, body, token).send(self.addr())
    }

    /// `POST path` with a JSON body, a token and more headers.
    pub fn post_with(
        &self,
        path: &str,
        body: &str,
        token: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        headers
            .iter()
            .fold(post(path, body, token), |r, (name, value)| {
                r.header(name, value)
            })
            .send(self.addr())
    }

    /// `GET path` with the full token.
    pub fn get(&self, path: &str) -> Reply {
        Request::get(path).bearer(TOKEN).send(self.addr())
    }
}

/// How to run the binary: its tokens (in `UPWIRE_SERVE_TOKEN` and
/// `UPWIRE_SERVE_READONLY_TOKEN`; without a token serve makes one), more arguments and more
/// environment variables (`SRH_MODE`, ...).
#[derive(Debug, Default, Clone)]
pub struct ServeOptions {
    pub token: Option<String>,
    pub readonly_token: Option<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl ServeOptions {
    /// [`TOKEN`] and [`READONLY_TOKEN`].
    pub fn tokens() -> ServeOptions {
        ServeOptions::default()
            .token(TOKEN)
            .readonly_token(READONLY_TOKEN)
    }

    pub fn token(mut self, token: &str) -> ServeOptions {
        self.token = Some(token.to_owned());
        self
    }

    pub fn readonly_token(mut self, token: &str) -> ServeOptions {
        self.readonly_token = Some(token.to_owned());
        self
    }

    /// One more environment variable.
    pub fn env(mut self, name: &str, value: &str) -> ServeOptions {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// One more command-line argument (`--quiet`, ...).
    pub fn arg(mut self, arg: &str) -> ServeOptions {
        self.args.push(arg.to_owned());
        self
    }
}

/// `upwire serve` as a process on a port the OS picks (`--listen 127.0.0.1:0`; the address
/// is read from its first line), killed on drop. Its stderr is kept: line by line
/// ([`next_line`](Self::next_line)) and whole ([`log`](Self::log), [`stop`](Self::stop)).
pub struct ServeProcess {
    pub child: Child,
    pub addr: SocketAddr,
    lines: mpsc::Receiver<String>,
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

/// `POST path` with a JSON body and a token: the request the serve tests send.
pub fn post(path: &str, body: &str, token: &str) -> Request {
    Request::post_json(path, body).bearer(token)
}

impl ServeProcess {
    /// `POST path` with a JSON body and a token, on a connection of its own.
    pub fn post(&self, path: &str, body: &str, token: &str) -> Reply {
        post(path, body, token).send(self.addr)
    }

    /// Starts it in front of `redis_url` and waits until it says where it listens.
    pub fn start(redis_url: &str, options: &ServeOptions) -> Self {
        let mut cmd = upwire();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--redis", redis_url]);
        Self::spawn(cmd, options)
    }

    /// Runs `cmd` (`upwire serve ...`) with `options`' arguments and environment (none of
    /// the caller's serve variables) and waits until it says where it listens.
    pub fn spawn(mut cmd: std::process::Command, options: &ServeOptions) -> Self {
        cmd.args(&options.args)
            .env_remove("UPWIRE_SERVE_TOKEN")
            .env_remove("UPWIRE_SERVE_READONLY_TOKEN")
            .env_remove("UPWIRE_SERVE_LISTEN")
            .envs(options.env.iter().map(|(k, v)| (k, v)));
        if let Some(token) = &options.token {
            cmd.env("UPWIRE_SERVE_TOKEN", token);
        }
        if let Some(token) = &options.readonly_token {
            cmd.env("UPWIRE_SERVE_READONLY_TOKEN", token);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("upwire serve starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, lines) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let all = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                all.lock().unwrap().push(line.clone());
                let _ = tx.send(line);
            }
        });
        let mut serve = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
            log,
            reader: Some(reader),
        };
        let first = serve
            .lines
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("serve prints where it listens:\n{}", serve.log()));
        serve.addr = first
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        serve
    }

    /// A fresh plain redis-server and the binary in front of it.
    pub fn with_redis(options: &ServeOptions) -> (RedisServer, ServeProcess) {
        let redis = RedisServer::plain();
        let serve = Self::start(&redis.url(None, None), options);
        (redis, serve)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next line of stderr not read yet (waits up to 10 s).
    pub fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a log line")
    }

    /// The lines of stderr not read yet; all of them once the process has exited.
    pub fn remaining_lines(&mut self) -> Vec<String> {
        if self.child.try_wait().ok().flatten().is_some()
            && let Some(reader) = self.reader.take()
        {
            let _ = reader.join();
        }
        self.lines.try_iter().collect()
    }

    /// Everything on stderr so far, one line each.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// Sends `signal` (`-TERM`, ...) to the process.
    pub fn signal(&self, sig: &str) {
        assert!(signal(self.child.id(), sig));
    }

    /// Waits up to `within` for the process to exit; its exit code.
    pub fn wait(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "serve did not exit within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops it with SIGTERM (so it logs its shutdown too; SIGKILL after 10 s) and returns
    /// its whole stderr.
    pub fn stop(mut self) -> String {
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.log()
    }

    /// Panics when the process has exited (crashed).
    pub fn assert_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("upwire serve exited ({status}):\n{}", self.log());
        }
    }

    /// A field of /proc/<pid>/status in KiB (`VmRSS`: now, `VmHWM`: peak).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/<pid>/status (Linux)");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
