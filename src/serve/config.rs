//! What to serve and how: [`ServeConfig`] with its time limits, validation and defaults,
//! the `--listen` parser, and [`ServeError`], every reason serve does not start.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use super::limits;
use crate::secret::Secret;

/// Where `upwire serve` listens when `--listen` is not given.
pub(crate) const DEFAULT_LISTEN: &str = "127.0.0.1:8079";

/// The port of [`DEFAULT_LISTEN`].
pub(crate) const DEFAULT_PORT: u16 = 8079;

/// The Redis `upwire serve` talks to when `--redis` is not given.
pub(crate) const DEFAULT_REDIS: &str = "redis://127.0.0.1:6379";

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// `/multi-exec` connections per backend at once when nothing says otherwise.
pub(crate) const DEFAULT_POOL: usize = 8;

/// The default process-wide budget for request bodies in flight (`--max-body-budget`).
pub(crate) const DEFAULT_MAX_BODY_BUDGET: usize = 64 * 1024 * 1024;

/// The default limit on open client connections (`--max-connections`).
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// The default limit on open SSE streams (`/subscribe`, `/psubscribe`, `/monitor`).
pub(crate) const DEFAULT_MAX_STREAMS: usize = 64;

/// What to serve and how: [`ServeConfig::new`], then the chained setters (or assign the
/// public fields). More fields may come, so it cannot be built with a struct literal.
#[derive(Clone)]
#[non_exhaustive]
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
    /// [`ServeHandle::token`](super::ServeHandle::token)) unless `no_auth` is set.
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
            pool: DEFAULT_POOL,
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

    /// Allow this many connections doing work at once.
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// Let request bodies in flight hold this many bytes together.
    #[must_use]
    pub fn max_body_budget(mut self, bytes: usize) -> Self {
        self.max_body_budget = bytes;
        self
    }

    /// Let the read-only token run read-only scripts and functions (`EVAL_RO`, `FCALL_RO`).
    #[must_use]
    pub fn readonly_scripts(mut self, allow: bool) -> Self {
        self.readonly_scripts = allow;
        self
    }

    /// Do not log requests.
    #[must_use]
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
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

/// Network time limits. Every wait in `serve` is bounded by one of these. Start from
/// [`Timeouts::default`] and assign the fields to change: more may come, so it cannot be
/// built with a struct literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
