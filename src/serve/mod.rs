//! `upwire serve`: a local Upstash-compatible REST endpoint over a real Redis (SPEC §9).
//!
//! It speaks the REST protocol of SPEC §1 — a JSON command array POSTed to `/`, path style
//! `/set/k/v`, `/pipeline`, `/multi-exec`, Bearer or `?_token=` auth, `Upstash-Encoding:
//! base64` — so that edge, Lambda and mobile code using `@upstash/redis` (or any REST client)
//! can run locally and in CI without a cloud account.
//!
//! Tests start it on a free loopback port with [`spawn`]:
//!
//! ```no_run
//! use upwire::serve::{ServeConfig, spawn};
//!
//! let server = spawn(ServeConfig::new("redis://127.0.0.1:6379").token("AXdev-token"))?;
//! // Point the client under test at it.
//! let rest_url = server.url(); // "http://127.0.0.1:<free port>"
//! # let _ = rest_url;
//! server.shutdown();
//! # Ok::<(), upwire::serve::ServeError>(())
//! ```
//!
//! Code map: `request.rs` turns HTTP requests into Redis commands, `policy.rs` decides which
//! commands a token may run, `backend.rs` talks to Redis, `reply.rs` writes Redis replies as
//! Upstash JSON, `http.rs` is the HTTP/1 server around them (one acceptor, one worker thread
//! per core, each with its own single-threaded runtime and Redis connections), `auth.rs`
//! checks tokens.

mod auth;
mod backend;
mod http;
mod policy;
mod reply;
mod request;

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

/// Where `upwire serve` listens when `--listen` is not given.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8079";

/// The Redis `upwire serve` talks to when `--redis` is not given.
pub const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What to serve and how.
#[derive(Clone)]
pub struct ServeConfig {
    /// The Redis to forward commands to (`redis://` or `redis+unix://`).
    pub redis_url: String,
    /// The address to listen on. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The full-access token; `None` serves without authentication (loopback only).
    pub token: Option<String>,
    /// A token that may only run commands Redis does not flag as writes.
    pub readonly_token: Option<String>,
    /// Do not log one line per request.
    pub quiet: bool,
    /// Network time limits.
    pub timeouts: Timeouts,
}

impl ServeConfig {
    /// Serve `redis_url` on a free loopback port, without a token, logging requests.
    #[must_use]
    pub fn new(redis_url: impl Into<String>) -> Self {
        Self {
            redis_url: redis_url.into(),
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            token: None,
            readonly_token: None,
            quiet: false,
            timeouts: Timeouts::default(),
        }
    }

    /// Require this full-access token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Also accept this read-only token.
    #[must_use]
    pub fn readonly_token(mut self, token: impl Into<String>) -> Self {
        self.readonly_token = Some(token.into());
        self
    }

    /// Listen on this address instead of a free loopback port.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Do not log requests.
    #[must_use]
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Checks the combination of settings before anything is bound or connected.
    ///
    /// # Errors
    /// [`ServeError`] for an empty token, a read-only token without a full token, a
    /// non-loopback address without a token, or a Redis URL serve cannot use.
    pub fn validate(&self) -> Result<(), ServeError> {
        for token in [&self.token, &self.readonly_token].into_iter().flatten() {
            if token.trim().is_empty() {
                return Err(ServeError::EmptyToken);
            }
            if token
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
            {
                return Err(ServeError::BearerPrefix);
            }
        }
        if self.readonly_token.is_some() && self.token.is_none() {
            return Err(ServeError::ReadonlyWithoutToken);
        }
        if self.token.is_some() && self.token == self.readonly_token {
            return Err(ServeError::SameTokens);
        }
        if !self.listen.ip().is_loopback() && self.token.is_none() {
            return Err(ServeError::PublicWithoutToken { addr: self.listen });
        }
        backend::connection_info(&self.redis_url)?;
        Ok(())
    }
}

impl fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mask = |t: &Option<String>| t.as_ref().map(|_| crate::secret::MASK);
        f.debug_struct("ServeConfig")
            .field("redis_url", &crate::secret::mask_url(&self.redis_url))
            .field("listen", &self.listen)
            .field("token", &mask(&self.token))
            .field("readonly_token", &mask(&self.readonly_token))
            .field("quiet", &self.quiet)
            .field("timeouts", &self.timeouts)
            .finish()
    }
}

/// Network time limits. Every wait in `serve` is bounded by one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// A connection must deliver a complete request head within this time, counted from
    /// when the server starts waiting for it; this also closes idle keep-alive connections.
    pub header_read: Duration,
    /// A request body must arrive completely within this time.
    pub body_read: Duration,
    /// Connecting to Redis, including the reconnects after it restarted.
    pub redis_connect: Duration,
    /// A Redis command (or pipeline, or transaction) must answer within this time; past it
    /// the request gets 504.
    pub redis_command: Duration,
    /// On shutdown, in-flight requests get this long to finish.
    pub shutdown_grace: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            redis_connect: Duration::from_secs(2),
            redis_command: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Why `serve` could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// `--listen` is not loopback and no token protects it.
    #[error(
        "refusing to listen on {addr} without a token: anyone who can reach it could read and \
         write the Redis; pass --token (or set UPWIRE_SERVE_TOKEN), or listen on 127.0.0.1"
    )]
    PublicWithoutToken {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// A read-only token without a full-access token would leave full access open.
    #[error(
        "--readonly-token needs --token: without a full-access token every request has full \
         access, so the read-only token would restrict nothing"
    )]
    ReadonlyWithoutToken,
    /// Both tokens are the same string.
    #[error("--token and --readonly-token must differ")]
    SameTokens,
    /// A token is empty or blank.
    #[error("a token must not be empty")]
    EmptyToken,
    /// A token starts with `Bearer `.
    #[error("pass the token without the `Bearer ` prefix; clients add it")]
    BearerPrefix,
    /// The `--listen` value is not an address.
    #[error("invalid --listen `{value}`: use IP:PORT, e.g. {DEFAULT_LISTEN} or [::1]:8079")]
    InvalidListen {
        /// The value given.
        value: String,
    },
    /// The Redis URL cannot be used.
    #[error("invalid --redis URL `{url}`: {reason}")]
    InvalidRedisUrl {
        /// The URL with its password masked.
        url: String,
        /// Why.
        reason: String,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Parses a `--listen` value: `IP:PORT`, `[IPv6]:PORT` or `localhost:PORT`.
///
/// # Errors
/// [`ServeError::InvalidListen`] when it is none of these.
pub fn parse_listen(value: &str) -> Result<SocketAddr, ServeError> {
    if let Ok(addr) = value.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let invalid = || ServeError::InvalidListen {
        value: value.to_owned(),
    };
    // Only `localhost` is resolved: any other name could resolve to a public address, and
    // the loopback check must see what will really be bound.
    let port = value.strip_prefix("localhost:").ok_or_else(invalid)?;
    let port: u16 = port.parse().map_err(|_| invalid())?;
    ("127.0.0.1", port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(invalid)
}

/// A running server started by [`spawn`]. Dropping it shuts the server down.
pub struct ServeHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServeHandle {
    /// The bound address (with the real port when the config asked for port 0).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The REST URL for clients: `http://<addr>`, no trailing slash.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish (within the shutdown grace) and waits.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ServeHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

impl fmt::Debug for ServeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Starts `serve` on a thread of its own (with its own async runtime) and returns once the
/// socket is bound, so requests can be sent right away. Redis is connected lazily: a Redis
/// that is not up yet makes requests fail with 503, not `spawn`.
///
/// Works from plain `#[test]` functions and from inside an async runtime alike.
///
/// # Errors
/// [`ServeError`] for an invalid config or an address that cannot be bound.
pub fn spawn(config: ServeConfig) -> Result<ServeHandle, ServeError> {
    config.validate()?;
    let listener = bind(config.listen)?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.listen,
        source,
    })?;
    let mut workers = http::Workers::start(&config)?;
    let (ready, is_ready) = std::sync::mpsc::channel::<Result<(), ServeError>>();
    let (stop, stopped) = oneshot::channel::<()>();
    // The accepting runtime is built, used and dropped on its own thread: dropping a runtime
    // inside the caller's async context would panic.
    let thread = std::thread::Builder::new()
        .name(format!("upwire-serve-accept-{}", addr.port()))
        .spawn(move || {
            let started = acceptor_runtime().and_then(|runtime| {
                let guard = runtime.enter();
                let listener = tokio::net::TcpListener::from_std(listener)
                    .map_err(|source| ServeError::Bind { addr, source })?;
                drop(guard);
                Ok((runtime, listener))
            });
            match started {
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
                Ok((runtime, listener)) => {
                    let _ = ready.send(Ok(()));
                    runtime.block_on(http::accept(listener, &mut workers, async {
                        let _ = stopped.await;
                    }));
                }
            }
            workers.stop();
        })
        .map_err(ServeError::Runtime)?;
    let mut handle = ServeHandle {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    };
    match is_ready.recv() {
        Ok(Ok(())) => Ok(handle),
        Ok(Err(e)) => {
            handle.stop_and_join();
            Err(e)
        }
        Err(_) => {
            handle.stop_and_join();
            Err(ServeError::Runtime(std::io::Error::other(
                "the serve thread exited while starting",
            )))
        }
    }
}

/// Runs `serve` in the foreground until SIGINT or SIGTERM, then shuts down gracefully. This is
/// `upwire serve`; it logs to stderr.
///
/// # Errors
/// [`ServeError`] when it cannot start.
pub fn run(config: &ServeConfig) -> Result<(), ServeError> {
    config.validate()?;
    let listener = bind(config.listen)?;
    let mut workers = http::Workers::start(config)?;
    let runtime = acceptor_runtime()?;
    let served = runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|source| ServeError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().unwrap_or(config.listen);
        let probe = backend::Backend::new(&config.redis_url, config.timeouts)?;
        http::log(&format!(
            "listening on http://{addr} for {} ({}); Ctrl-C stops",
            probe.describe(),
            match (&config.token, &config.readonly_token) {
                (None, _) => "no token: any local process has full access",
                (Some(_), None) => "token required",
                (Some(_), Some(_)) => "token required; read-only token accepted",
            }
        ));
        http::log(&format!(
            "set UPSTASH_REDIS_REST_URL=http://{addr} in the code under test"
        ));
        tokio::spawn(async move {
            if let Err(e) = probe.ping().await {
                http::log(&format!("warning: {e}; requests get 503 until it is up"));
            }
        });
        http::accept(listener, &mut workers, shutdown_signal()).await;
        Ok(())
    });
    drop(runtime);
    workers.stop();
    http::log("stopped");
    served
}

/// Resolves on the first SIGINT or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    http::log("signal received: finishing in-flight requests");
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, ServeError> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| ServeError::Bind { addr, source })?;
    Ok(listener)
}

/// The runtime that accepts connections (and handles signals); workers have their own.
fn acceptor_runtime() -> Result<tokio::runtime::Runtime, ServeError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_checks_tokens_and_addresses() {
        let base = || ServeConfig::new("redis://127.0.0.1:6379");
        assert!(base().validate().is_ok());
        assert!(base().token("ééééé-unicode").validate().is_ok());
        assert!(matches!(
            base().token(" ").validate(),
            Err(ServeError::EmptyToken)
        ));
        assert!(matches!(
            base().token("Bearer AXtok").validate(),
            Err(ServeError::BearerPrefix)
        ));
        assert!(matches!(
            base().token("a").readonly_token("a").validate(),
            Err(ServeError::SameTokens)
        ));
        let public = SocketAddr::from(([0, 0, 0, 0], 8079));
        assert!(matches!(
            base().listen(public).validate(),
            Err(ServeError::PublicWithoutToken { .. })
        ));
        assert!(base().listen(public).token("AXtok").validate().is_ok());
        let e = ServeConfig::new("rediss://default:hunter2@host:6379")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(e.contains("****") && !e.contains("hunter2"), "{e}");
        assert!(ServeConfig::new("http://127.0.0.1").validate().is_err());
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(
            parse_listen("127.0.0.1:8079").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 8079))
        );
        assert!(parse_listen("[::1]:8079").unwrap().ip().is_loopback());
        assert_eq!(
            parse_listen("localhost:9000").unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 9000))
        );
        for bad in ["8079", "example.com:80", "localhost:x", ""] {
            assert!(parse_listen(bad).is_err(), "{bad}");
        }
    }
}
