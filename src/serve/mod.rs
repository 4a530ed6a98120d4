//! `upwire serve`: a local Upstash-compatible REST endpoint over a real Redis (docs/serve.md).
//!
//! It speaks Upstash's REST protocol — a JSON command array POSTed to `/`, path style
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
//! Code map: this file starts serve ([`spawn`], `run`), holds [`ServeHandle`] and the parts of
//! [`ServeConfig`] that need the other files (validation, SRH's variables); `config.rs` is what
//! to serve and how ([`ServeConfig`], [`Timeouts`]) and [`ServeError`]; `route.rs`
//! reads once what a request's path asks for; `request.rs` turns HTTP requests into Redis
//! commands (`Work`: one, a pipeline or a transaction), `policy.rs` decides which commands a
//! token may run, `dialect.rs` translates what Upstash accepts and Redis does not
//! (`script.rs`: Upstash-only shebang flags and the client's script hashes; `SCAN ...
//! WITHTYPE`), `backend.rs` talks to Redis, `exec.rs` runs the parsed request (checked,
//! translated, sent, written), `reply.rs` writes Redis replies as Upstash JSON or RESP2 bytes,
//! `response.rs` is the response every step returns (`Reply`) before it becomes HTTP,
//! `sync_token.rs` makes the `Upstash-Sync-Token`s, `http.rs` is the HTTP/1 server around
//! them (one acceptor, one worker thread per core, each with its own single-threaded runtime
//! and Redis connections; headers, auth, body, CORS), `tokens.rs` says which token reaches
//! which backend (`--tokens`, SRH's formats), `auth.rs` checks tokens, `guard.rs` checks
//! `Host` and `Origin`, `refusal.rs` is the one refusal type, `log.rs` writes serve's lines on
//! stderr (the request line among them), `limits.rs` holds the body budget,
//! `slots.rs` the connection slots (`--max-connections`: active work; idle connections give
//! theirs up), `ephemeral.rs` runs `--ephemeral`'s redis-server and `-- CMD`,
//! `wire.rs` gives hyper's own error responses a JSON body, `stream.rs` serves pub/sub and
//! MONITOR as server-sent events.

mod auth;
mod backend;
mod config;
mod dialect;
mod ephemeral;
mod exec;
mod guard;
mod http;
mod limits;
mod log;
mod policy;
mod refusal;
mod reply;
mod request;
mod response;
mod route;
mod script;
mod slots;
mod stream;
mod sync_token;
mod tokens;
mod wire;

use crate::secret::Secret;
pub(crate) use config::{
    DEFAULT_MAX_BODY_BUDGET, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_STREAMS, DEFAULT_PORT,
    DEFAULT_REDIS, Extras, parse_listen,
};
pub use config::{MAX_BODY_BYTES, ServeConfig, ServeError, Timeouts};
use std::fmt;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

/// What needs the other modules: SRH's variables (`tokens.rs`), the checks of each setting
/// (`guard.rs`, `backend.rs`), the routes, the CA file and the start-up token. Here, beside
/// the start paths, so that `config.rs` depends on no other part of serve.
impl ServeConfig {
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
    pub(super) fn routes(&self) -> Result<tokens::Routes, ServeError> {
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
    pub(super) fn read_ca(&self) -> Result<Option<std::sync::Arc<[u8]>>, ServeError> {
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
    pub(super) fn with_token(mut self) -> Result<(Self, Option<Secret>), ServeError> {
        if self.token.is_some() || self.no_auth || self.tokens_file.is_some() {
            return Ok((self, None));
        }
        let token = Secret::new(auth::random_token().map_err(ServeError::Runtime)?);
        self.token = Some(token.clone());
        Ok((self, Some(token)))
    }
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
    let Started {
        config,
        listener,
        mut workers,
        ..
    } = start(config)?;
    let addr = config.listen;
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

/// What both start paths ([`spawn`] and `run`) begin with.
struct Started {
    /// With the token made at start-up, if any, and the real listen address (the `Host`
    /// check needs the real port).
    config: ServeConfig,
    /// The token made at start-up, when none was given.
    generated: Option<Secret>,
    listener: std::net::TcpListener,
    routes: tokens::Routes,
    ca: Option<std::sync::Arc<[u8]>>,
    workers: http::Workers,
}

/// The settings checked, a token made when none was given, the listener bound and the
/// workers started: ready to accept.
fn start(config: ServeConfig) -> Result<Started, ServeError> {
    config.validate()?;
    let (mut config, generated) = config.with_token()?;
    let listener = bind(config.listen)?;
    config.listen = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: config.listen,
        source,
    })?;
    let routes = config.routes()?;
    let ca = config.read_ca()?;
    let workers = http::Workers::start(&config, routes.clone(), ca.clone())?;
    Ok(Started {
        config,
        generated,
        listener,
        routes,
        ca,
        workers,
    })
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
    return_freed_memory();
    let Started {
        config,
        generated,
        listener,
        routes,
        ca,
        mut workers,
    } = start(config)?;
    let config = &config;
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
        log::line(&format!(
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
            Some(token) => log::line(&format!(
                "no --token given, so this run has a random token; to connect, set\n\n    \
                 {UPSTASH_REST_URL}=http://{addr}\n    {UPSTASH_REST_TOKEN}={}\n",
                token.expose_secret()
            )),
            None if extras.command.is_empty() => log::line(&format!(
                "set {UPSTASH_REST_URL}=http://{addr} in the code under test"
            )),
            None => {}
        }
        if extras.command.is_empty() {
            for probe in probes {
                tokio::spawn(async move {
                    if let Err(e) = probe.ping().await {
                        log::line(&format!("warning: {e}; requests get 503 until it is up"));
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
                log::line(&format!("warning: {e}; requests get 503 until it is up"));
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
    log::line("stopped");
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
    log::line("signal received: finishing in-flight requests");
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
