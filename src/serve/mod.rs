//! `upwire serve`: a local Upstash-compatible REST endpoint over a real Redis (SPEC §9).
//!
//! It speaks the REST protocol of SPEC §1 — a JSON command array POSTed to `/`, path style
//! `/set/k/v`, `/pipeline`, `/multi-exec`, Bearer or `?_token=` auth, `Upstash-Encoding:
//! base64`, `Upstash-Response-Format: resp2`, `Upstash-Sync-Token`, scripts with Upstash's
//! shebang flag — so that edge, Lambda and mobile code using `@upstash/redis` (or any REST client)
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
//! commands a token may run, `dialect.rs` translates what Upstash accepts and Redis does not
//! (`script.rs`: Upstash-only shebang flags and the client's script hashes; `SCAN ...
//! WITHTYPE`), `backend.rs` talks to Redis, `reply.rs` writes Redis replies as Upstash JSON or
//! RESP2 bytes, `sync_token.rs` makes the `Upstash-Sync-Token`s, `http.rs` is the HTTP/1
//! server around them (one acceptor, one worker thread
//! per core, each with its own single-threaded runtime and Redis connections), `tokens.rs`
//! says which token reaches which backend (`--tokens`, SRH's formats), `auth.rs` checks
//! tokens, `guard.rs` checks `Host` and `Origin`, `limits.rs` holds the body budget,
//! `slots.rs` the connection slots (`--max-connections`: active work; idle connections give
//! theirs up), `ephemeral.rs` runs `--ephemeral`'s redis-server and `-- CMD`,
//! `wire.rs` gives hyper's own error responses a JSON body, `stream.rs` serves pub/sub and
//! MONITOR as server-sent events.

mod auth;
mod backend;
mod dialect;
mod ephemeral;
mod guard;
mod http;
mod limits;
mod policy;
mod reply;
mod request;
mod script;
mod slots;
mod stream;
mod sync_token;
mod tokens;
mod wire;

use crate::secret::Secret;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

/// Where `upwire serve` listens when `--listen` is not given.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8079";

/// The port of [`DEFAULT_LISTEN`].
pub(crate) const DEFAULT_PORT: u16 = 8079;

/// The Redis `upwire serve` talks to when `--redis` is not given.
pub(crate) const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// The default process-wide budget for request bodies in flight (`--max-body-budget`).
pub(crate) const DEFAULT_MAX_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// The default limit on open client connections (`--max-connections`).
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// The default limit on open SSE streams (`/subscribe`, `/psubscribe`, `/monitor`).
pub(crate) const DEFAULT_MAX_STREAMS: usize = 64;

/// What to serve and how.
#[derive(Clone)]
pub struct ServeConfig {
    /// The Redis to forward commands to (`redis://`, `rediss://` or `redis+unix://`).
    pub redis_url: String,
    /// `/multi-exec` connections to `redis_url` at once (each worker also keeps one shared,
    /// pipelined connection).
    pub pool: usize,
    /// A tokens file (`--tokens`): upwire's TOML or SRH's `tokens.json`, mapping each token
    /// to a backend. Replaces `redis_url`, `token` and `readonly_token`.
    pub tokens_file: Option<PathBuf>,
    /// The CA certificates (PEM) `rediss://` backends must be signed by (`--ca-file`);
    /// `None`: the system's trust store.
    pub ca_file: Option<PathBuf>,
    /// The address to listen on. Port 0 picks a free port.
    pub listen: SocketAddr,
    /// The full-access token; `None` makes a random one at start-up (see
    /// [`ServeHandle::token`]) unless `no_auth` is set.
    pub token: Option<Secret>,
    /// A token that may only run commands Redis does not flag as writes.
    pub readonly_token: Option<Secret>,
    /// Serve without any token (`--no-auth`): loopback only.
    pub no_auth: bool,
    /// Extra names accepted in the `Host` header (`--allow-host`), besides the listen
    /// address and `localhost`.
    pub allow_hosts: Vec<String>,
    /// Browser origins allowed to call (`--cors-origin`); `*` allows every origin. Empty:
    /// a request with an `Origin` header is refused.
    pub cors_origins: Vec<String>,
    /// Let the read-only token run read-only scripts and functions (`--readonly-scripts`).
    pub readonly_scripts: bool,
    /// Bytes of request bodies all requests together may hold at once
    /// (`--max-body-budget`); past it, 503.
    pub max_body_budget: usize,
    /// Open client connections at most (`--max-connections`); past it, 503.
    pub max_connections: usize,
    /// Open SSE streams (`/subscribe`, `/psubscribe`, `/monitor`) at most, 64 by default;
    /// past it, 503. Each holds a Redis connection of its own.
    pub max_streams: usize,
    /// Do not log one line per request.
    pub quiet: bool,
    /// Network time limits.
    pub timeouts: Timeouts,
}

impl ServeConfig {
    /// Serve `redis_url` on a free loopback port with a random token made at start-up,
    /// logging requests.
    #[must_use]
    pub fn new(redis_url: impl Into<String>) -> Self {
        Self {
            redis_url: redis_url.into(),
            pool: tokens::DEFAULT_POOL,
            tokens_file: None,
            ca_file: None,
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            token: None,
            readonly_token: None,
            no_auth: false,
            allow_hosts: Vec::new(),
            cors_origins: Vec::new(),
            readonly_scripts: false,
            max_body_budget: DEFAULT_MAX_BODY_BUDGET,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_streams: DEFAULT_MAX_STREAMS,
            quiet: false,
            timeouts: Timeouts::default(),
        }
    }

    /// Serve without any token (loopback only).
    #[must_use]
    pub fn no_auth(mut self, no_auth: bool) -> Self {
        self.no_auth = no_auth;
        self
    }

    /// Also accept this name in the `Host` header.
    #[must_use]
    pub fn allow_host(mut self, name: impl Into<String>) -> Self {
        self.allow_hosts.push(name.into());
        self
    }

    /// Use these time limits.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Allow browser calls from this origin (`*`: from any origin).
    #[must_use]
    pub fn cors_origin(mut self, origin: impl Into<String>) -> Self {
        self.cors_origins.push(origin.into());
        self
    }

    /// Require this full-access token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Also accept this read-only token.
    #[must_use]
    pub fn readonly_token(mut self, token: impl Into<String>) -> Self {
        self.readonly_token = Some(Secret::new(token));
        self
    }

    /// Route tokens to backends as this tokens file says (upwire's TOML or SRH's JSON).
    #[must_use]
    pub fn tokens_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tokens_file = Some(path.into());
        self
    }

    /// Trust the CA certificates in this PEM file for `rediss://` backends.
    #[must_use]
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Applies SRH's (serverless-redis-http's) variables, read through `get`: with
    /// `SRH_MODE=env`, `SRH_TOKEN`, `SRH_CONNECTION_STRING` and `SRH_MAX_CONNECTIONS` (default
    /// 3) set the token, the Redis and its pool; with `SRH_MODE=file`, the tokens file is
    /// `SRH_CONFIG` (default `srh-config/tokens.json`, where SRH's image reads it). Without
    /// `SRH_MODE`, nothing changes.
    ///
    /// # Errors
    /// [`ServeError::SrhEnv`] for a missing or invalid variable, or SRH variables together
    /// with a token or tokens file already set.
    pub fn srh_env(mut self, get: impl Fn(&str) -> Option<String>) -> Result<Self, ServeError> {
        let Some(srh) = tokens::srh_from_env(&get)? else {
            return Ok(self);
        };
        if self.token.is_some() || self.readonly_token.is_some() || self.tokens_file.is_some() {
            return Err(ServeError::SrhEnv {
                message: "SRH_MODE cannot be combined with --token, --readonly-token or --tokens"
                    .to_owned(),
            });
        }
        match srh {
            tokens::Srh::Env { token, url, pool } => {
                self.token = Some(token);
                self.redis_url = url;
                self.pool = pool;
            }
            tokens::Srh::File(path) => self.tokens_file = Some(path),
        }
        Ok(self)
    }

    /// Listen on this address instead of a free loopback port.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Allow this many open SSE streams at most.
    #[must_use]
    pub fn max_streams(mut self, max: usize) -> Self {
        self.max_streams = max;
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
    /// [`ServeError`] for an empty token, `no_auth` with a token or on a non-loopback
    /// address, a non-loopback address without a token, a budget below one body, no
    /// connections, an invalid `--allow-host` or `--cors-origin`, or a Redis URL serve cannot
    /// use.
    pub fn validate(&self) -> Result<(), ServeError> {
        for token in [&self.token, &self.readonly_token].into_iter().flatten() {
            let token = token.expose_secret();
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
        if self.no_auth
            && (self.token.is_some() || self.readonly_token.is_some() || self.tokens_file.is_some())
        {
            return Err(ServeError::NoAuthWithToken);
        }
        if self.tokens_file.is_some() && (self.token.is_some() || self.readonly_token.is_some()) {
            return Err(ServeError::TokensWithToken);
        }
        if self.pool == 0 {
            return Err(ServeError::NoConnections);
        }
        if self.token.is_some() && self.token == self.readonly_token {
            return Err(ServeError::SameTokens);
        }
        if !self.listen.ip().is_loopback() {
            if self.no_auth {
                return Err(ServeError::NoAuthPublic { addr: self.listen });
            }
            if self.token.is_none() && self.tokens_file.is_none() {
                return Err(ServeError::PublicWithoutToken { addr: self.listen });
            }
        }
        if self.max_body_budget < MAX_BODY_BYTES * limits::COPIES {
            return Err(ServeError::BudgetTooSmall);
        }
        if self.max_connections == 0 {
            return Err(ServeError::NoConnections);
        }
        for origin in &self.cors_origins {
            guard::check_origin_setting(origin)?;
        }
        for host in &self.allow_hosts {
            guard::check_host_setting(host)?;
        }
        if self.tokens_file.is_none() {
            backend::connection_info(&self.redis_url)?;
        }
        self.read_ca()?;
        self.routes()?;
        Ok(())
    }

    /// Every backend and token, from the tokens file or from `redis_url` and the tokens.
    fn routes(&self) -> Result<tokens::Routes, ServeError> {
        match &self.tokens_file {
            Some(path) => tokens::Routes::from_file(path),
            None => Ok(tokens::Routes::single(
                &self.redis_url,
                self.pool,
                self.token.as_ref(),
                self.readonly_token.as_ref(),
            )),
        }
    }

    /// The `--ca-file` PEM, checked to hold at least one certificate.
    fn read_ca(&self) -> Result<Option<std::sync::Arc<[u8]>>, ServeError> {
        let Some(path) = &self.ca_file else {
            return Ok(None);
        };
        let invalid = |reason: String| ServeError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let pem = crate::input::read_bounded(path).map_err(|e| invalid(e.to_string()))?;
        backend::check_ca(&pem).map_err(invalid)?;
        Ok(Some(pem.into()))
    }

    /// The config as it is served: without a token and without `no_auth`, a random token
    /// (returned too, so that it can be shown once).
    fn with_token(mut self) -> Result<(Self, Option<Secret>), ServeError> {
        if self.token.is_some() || self.no_auth || self.tokens_file.is_some() {
            return Ok((self, None));
        }
        let token = Secret::new(auth::random_token().map_err(ServeError::Runtime)?);
        self.token = Some(token.clone());
        Ok((self, Some(token)))
    }
}

impl fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mask = |t: &Option<Secret>| t.as_ref().map(|_| crate::secret::MASK);
        f.debug_struct("ServeConfig")
            .field("redis_url", &crate::secret::mask_url(&self.redis_url))
            .field("pool", &self.pool)
            .field("tokens_file", &self.tokens_file)
            .field("ca_file", &self.ca_file)
            .field("listen", &self.listen)
            .field("token", &mask(&self.token))
            .field("readonly_token", &mask(&self.readonly_token))
            .field("no_auth", &self.no_auth)
            .field("allow_hosts", &self.allow_hosts)
            .field("cors_origins", &self.cors_origins)
            .field("readonly_scripts", &self.readonly_scripts)
            .field("max_body_budget", &self.max_body_budget)
            .field("max_connections", &self.max_connections)
            .field("max_streams", &self.max_streams)
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
    /// A script or function (`EVAL`, `FCALL`, their `_RO` forms) that runs longer is stopped
    /// with `SCRIPT KILL` / `FUNCTION KILL` and the request gets 504. When it is not shorter
    /// than `redis_command`, half of that is used instead. Redis answers the kill only once the script has run for its
    /// `busy-reply-threshold` (5 s by default), so the effective limit is the larger of both.
    pub script: Duration,
    /// On shutdown, in-flight requests get this long to finish.
    pub shutdown_grace: Duration,
    /// An SSE stream sends a `: ping` comment this often, so that proxies keep it open and a
    /// client that vanished is noticed.
    pub heartbeat: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            redis_connect: Duration::from_secs(2),
            redis_command: Duration::from_secs(10),
            script: Duration::from_secs(5),
            shutdown_grace: Duration::from_secs(10),
            heartbeat: Duration::from_secs(15),
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
    /// `--no-auth` on an address other machines can reach.
    #[error(
        "refusing --no-auth on {addr}: anyone who can reach it could read and write the \
         Redis; --no-auth works on loopback only (127.0.0.1 or [::1]); drop it to get a \
         random token, or pass --token"
    )]
    NoAuthPublic {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// `--no-auth` together with a token.
    #[error("--no-auth cannot be combined with --token, --readonly-token or --tokens")]
    NoAuthWithToken,
    /// `--tokens` together with `--token` or `--readonly-token`.
    #[error(
        "--tokens cannot be combined with --token or --readonly-token: put every token in the \
         tokens file"
    )]
    TokensWithToken,
    /// A tokens file that cannot be read or used; `line` 0 is the whole file.
    #[error("{}", tokens_file_message(path, *line, message))]
    TokensFile {
        /// The file as given.
        path: String,
        /// The line (1-based), or 0 for the whole file.
        line: usize,
        /// What is wrong and how to fix it (never a token).
        message: String,
    },
    /// SRH's variables (`SRH_MODE`, ...) ask for something that cannot be done.
    #[error("{message}")]
    SrhEnv {
        /// What is wrong.
        message: String,
    },
    /// The `--ca-file` cannot be read or holds no certificate.
    #[error("--ca-file {path}: {reason}")]
    CaFile {
        /// The file as given.
        path: String,
        /// Why.
        reason: String,
    },
    /// The body budget is smaller than one largest body.
    #[error(
        "--max-body-budget must be at least {} bytes: room for one 10 MiB body, which counts \
         twice (as received and as parsed)",
        MAX_BODY_BYTES * limits::COPIES
    )]
    BudgetTooSmall,
    /// `--max-connections 0`.
    #[error("--max-connections must be at least 1")]
    NoConnections,
    /// A `--cors-origin` or `--allow-host` value that cannot match anything.
    #[error("invalid {flag} `{value}`: {reason}")]
    InvalidSetting {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: String,
        /// Why.
        reason: &'static str,
    },
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
    /// `--ephemeral` without `redis-server` on `PATH`.
    #[error(
        "--ephemeral needs redis-server on PATH, and there is none: install it (Debian/Ubuntu: \
         `apt-get install redis-server`; Homebrew: `brew install redis`), or drop --ephemeral \
         and pass --redis URL"
    )]
    NoRedisServer,
    /// `--ephemeral`: redis-server did not start.
    #[error("--ephemeral: redis-server did not start: {reason}")]
    Ephemeral {
        /// Why.
        reason: String,
    },
    /// `-- CMD`: the command could not be started.
    #[error("cannot run `{program}`: {source}")]
    Command {
        /// The program as given.
        program: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// What `upwire serve` runs besides the server.
#[derive(Debug, Default, Clone)]
pub(crate) struct Extras {
    /// `--ephemeral`: a throwaway redis-server from `PATH` instead of `--redis`.
    pub(crate) ephemeral: bool,
    /// `-- CMD ARGS...`: run it against serve, then stop, with its exit status.
    pub(crate) command: Vec<std::ffi::OsString>,
}

fn tokens_file_message(path: &str, line: usize, message: &str) -> String {
    if line == 0 {
        format!("{path}: {message}")
    } else {
        format!("{path}:{line}: {message}")
    }
}

/// Parses a `--listen` value: `IP:PORT`, `[IPv6]:PORT` or `localhost:PORT`.
///
/// # Errors
/// [`ServeError::InvalidListen`] when it is none of these.
pub(crate) fn parse_listen(value: &str) -> Result<SocketAddr, ServeError> {
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
    token: Option<Secret>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServeHandle {
    /// The bound address (with the real port when the config asked for port 0).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full-access token clients must send: the configured one, or the random one made
    /// at start-up; `None` with `no_auth` or a tokens file.
    #[must_use]
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(Secret::expose_secret)
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
    let (mut config, _) = config.with_token()?;
    let listener = bind(config.listen)?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.listen,
        source,
    })?;
    // The Host check needs the real port.
    config.listen = addr;
    let mut workers = http::Workers::start(&config, config.routes()?, config.read_ca()?)?;
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
        token: config.token.clone(),
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
/// `upwire serve`; it logs to stderr. With `extras.ephemeral` it serves a throwaway
/// redis-server it starts and stops; with `extras.command` it runs that command once serve
/// answers, passes SIGINT and SIGTERM on to it, stops when it exits and returns its exit code.
///
/// # Errors
/// [`ServeError`] when it cannot start.
pub(crate) fn run(config: &ServeConfig, extras: &Extras) -> Result<i32, ServeError> {
    // Started first, stopped last (dropped after the workers have stopped).
    let redis = if extras.ephemeral {
        Some(ephemeral::Ephemeral::start()?)
    } else {
        None
    };
    let mut config = config.clone();
    if let Some(redis) = &redis {
        config.redis_url = redis.url();
    }
    config.validate()?;
    return_freed_memory();
    let (mut config, generated) = config.with_token()?;
    let listener = bind(config.listen)?;
    if let Ok(addr) = listener.local_addr() {
        // The Host check needs the real port.
        config.listen = addr;
    }
    let config = &config;
    let routes = config.routes()?;
    let ca = config.read_ca()?;
    let mut workers = http::Workers::start(config, routes.clone(), ca.clone())?;
    let runtime = acceptor_runtime()?;
    let served = runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|source| ServeError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().unwrap_or(config.listen);
        let probes = routes
            .backends
            .iter()
            .map(|spec| {
                let pool = std::sync::Arc::new(tokio::sync::Semaphore::new(spec.pool));
                backend::Backend::new(spec, config.timeouts, ca.as_deref(), pool)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let described = match (&probes[..], &redis) {
            (_, Some(redis)) => redis.describe(),
            ([one], None) => one.describe(),
            (many, None) => format!(
                "{} backends: {}",
                many.len(),
                routes
                    .backends
                    .iter()
                    .zip(many)
                    .map(|(spec, b)| format!("{} = {}", spec.name, b.describe()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let readonly = routes
            .tokens
            .iter()
            .any(|t| t.access == crate::model::Access::ReadOnly);
        let tokens_label;
        http::log(&format!(
            "listening on http://{addr} for {described} ({}); {}",
            match (routes.tokens.len(), readonly, &generated) {
                (0, _, _) => "--no-auth: any local process has full access",
                (_, _, Some(_)) => "token required: a random one, made at start-up",
                (1, _, None) => "token required",
                (2, true, None) if config.tokens_file.is_none() => {
                    "token required; read-only token accepted"
                }
                (n, _, None) => {
                    tokens_label = format!(
                        "{n} tokens from {}",
                        config
                            .tokens_file
                            .as_deref()
                            .map_or_else(String::new, |p| p.display().to_string())
                    );
                    &tokens_label
                }
            },
            if extras.command.is_empty() {
                "Ctrl-C stops"
            } else {
                "stops when the command exits"
            }
        ));
        use crate::family::{UPSTASH_REST_TOKEN, UPSTASH_REST_URL};
        match &generated {
            // With a command, the token goes into its environment and nowhere else.
            Some(_) if !extras.command.is_empty() => {}
            // Shown once, like Jupyter's login URL: the one place a token is printed.
            Some(token) => http::log(&format!(
                "no --token given, so this run has a random token; to connect, set\n\n    \
                 {UPSTASH_REST_URL}=http://{addr}\n    {UPSTASH_REST_TOKEN}={}\n",
                token.expose_secret()
            )),
            None if extras.command.is_empty() => http::log(&format!(
                "set {UPSTASH_REST_URL}=http://{addr} in the code under test"
            )),
            None => {}
        }
        if extras.command.is_empty() {
            for probe in probes {
                tokio::spawn(async move {
                    if let Err(e) = probe.ping().await {
                        http::log(&format!("warning: {e}; requests get 503 until it is up"));
                    }
                });
            }
            http::accept(listener, &mut workers, shutdown_signal()).await;
            return Ok(0);
        }
        // The command starts once Redis answered (or could not be reached: it is told, and
        // runs all the same, as the tests may expect that).
        for probe in probes {
            if let Err(e) = probe.ping().await {
                http::log(&format!("warning: {e}; requests get 503 until it is up"));
            }
        }
        let env = child_env(addr, config);
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.clone())).collect();
        let unset = [URL_VAR, TOKEN_VAR, READONLY_TOKEN_VAR];
        let mut code = Ok(0);
        // The listener was bound before the command starts: its connections queue until
        // accepted, so the command never sees a refused connection.
        http::accept(listener, &mut workers, async {
            code = ephemeral::run_command(&extras.command, &env, &unset).await;
        })
        .await;
        code
    });
    drop(runtime);
    workers.stop();
    drop(redis);
    http::log("stopped");
    served
}

/// The variables a command run with `-- CMD` gets, as `@upstash/redis`'s `Redis.fromEnv()`
/// reads them.
const URL_VAR: &str = crate::family::UPSTASH_REST_URL;
const TOKEN_VAR: &str = crate::family::UPSTASH_REST_TOKEN;
const READONLY_TOKEN_VAR: &str = crate::family::UPSTASH_REST_READONLY_TOKEN;

/// The URL, and the tokens serve has: the full token (configured or made at start-up) and the
/// read-only one when there is one. Inherited values of the three variables are removed
/// first, so a real Upstash token never reaches a command pointed at serve.
fn child_env(addr: SocketAddr, config: &ServeConfig) -> Vec<(&'static str, String)> {
    let mut env = vec![(URL_VAR, format!("http://{addr}"))];
    if let Some(token) = &config.token {
        env.push((TOKEN_VAR, token.expose_secret().to_owned()));
    }
    if let Some(token) = &config.readonly_token {
        env.push((READONLY_TOKEN_VAR, token.expose_secret().to_owned()));
    }
    env
}

/// Makes glibc's allocator give large freed blocks (request bodies, commands) back to the OS.
///
/// glibc serves a block over 128 KiB with `mmap` and returns it on `free` — until the first
/// such block is freed: then it raises that threshold to the block's size, and later 10 MiB
/// bodies come from the heap, which keeps them. Measured on `serve`: after 60 concurrent
/// 10 MiB requests RSS stayed at 75 MiB instead of dropping back to 14 MiB. Setting the
/// threshold explicitly turns the raising off. Only for `upwire serve`, not for [`spawn`]:
/// the setting is process-wide, and that process is the caller's.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// `M_MMAP_THRESHOLD` in glibc's `malloc.h`.
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        unsafe extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: mallopt only changes allocator tuning; it is called before any worker
        // thread exists, and glibc serialises it with the allocator's own locks.
        let _ = unsafe { mallopt(M_MMAP_THRESHOLD, 128 * 1024) };
    }
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
        assert!(matches!(
            base().listen(public).no_auth(true).validate(),
            Err(ServeError::NoAuthPublic { .. })
        ));
        assert!(matches!(
            base().token("AXtok").no_auth(true).validate(),
            Err(ServeError::NoAuthWithToken)
        ));
        assert!(base().no_auth(true).validate().is_ok());
        assert!(base().readonly_token("AXread").validate().is_ok());
        assert!(base().listen(public).token("AXtok").validate().is_ok());
        let e = ServeConfig::new("rediss://default:hunter2@host:6379/#insecure")
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
