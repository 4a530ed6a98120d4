//! The HTTP/1.1 server: workers, accept loop, limits and timeouts, the request headers, auth,
//! the body, CORS and status codes; the parsed request runs in `exec.rs`, its log line is
//! `log.rs`'s.
//!
//! Status codes as Upstash uses them: 200 ok; 400 malformed request, refused command or
//! Redis error reply; 401 missing or wrong token; 405 other methods. Then what a gateway
//! needs on top: 403 a foreign `Host` or `Origin` (see `guard.rs`), 408 body too slow, 413
//! body over 10 MiB, 431 request head over 64 KiB, 503 Redis unreachable or the memory or
//! connection limit reached, 504 Redis or a script too slow. Every error body is JSON, but
//! for the one a client asks for: with `Upstash-Response-Format: resp2`, Redis's own error
//! replies are RESP errors (`-ERR ...`).

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt as _, Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, watch};

use super::auth::{self, Auth};
use super::backend::Backend;
use super::config::{MAX_BODY_BYTES, ServeConfig, ServeError, Timeouts};
use super::exec::{Exec, Format, Output};
use super::guard::Guard;
use super::limits::{Budget, Reservation};
use super::log::{self, LogLine};
use super::reply::{Encoding, error_body};
use super::request::{self, Work};
use super::response::{Reply, SYNC_TOKEN};
use super::route::Route;
use super::script::Scripts;
use super::slots::{Admission, Slots};
use super::stream::{self, EventBody, Streams};
use super::sync_token::SyncClock;
use super::tokens::Routes;
use super::wire::JsonErrors;
use crate::model::Access;

/// The largest request head (request line and headers) accepted; a longer one gets 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The request headers serve reads, found in one pass over the request's header map: a
/// lookup by name hashes the name (and a `&str` name is checked byte by byte first), and a
/// request carries only a handful of headers. Each is the first value of its name, as
/// `HeaderMap::get` would give it.
#[derive(Default)]
struct Known<'a> {
    host: Option<&'a HeaderValue>,
    authorization: Option<&'a HeaderValue>,
    origin: Option<&'a HeaderValue>,
    content_length: Option<&'a HeaderValue>,
    encoding: Option<&'a HeaderValue>,
    format: Option<&'a HeaderValue>,
    sync_token: Option<&'a HeaderValue>,
}

impl<'a> Known<'a> {
    fn of(headers: &'a HeaderMap) -> Self {
        let mut known = Self::default();
        for (name, value) in headers {
            // Header names are lowercase in a `HeaderMap`.
            let slot = match name.as_str() {
                "host" => &mut known.host,
                "authorization" => &mut known.authorization,
                "origin" => &mut known.origin,
                "content-length" => &mut known.content_length,
                "upstash-encoding" => &mut known.encoding,
                "upstash-response-format" => &mut known.format,
                SYNC_TOKEN => &mut known.sync_token,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        known
    }
}

/// The methods serve answers. HEAD is not one: it would run the command of a path-style
/// request (`HEAD /set/k/v`) and throw the reply away.
const ALLOWED: &str = "GET, POST, OPTIONS";

/// What all workers share.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The body budget, for the whole process.
    budget: Arc<Budget>,
    /// Client script hashes → Redis's (`script.rs`).
    scripts: Arc<Scripts>,
    /// `Upstash-Sync-Token`s (`sync_token.rs`).
    clock: Arc<SyncClock>,
    /// Every backend and token (`tokens.rs`).
    routes: Arc<Routes>,
    /// Per backend, its pool of `/multi-exec` connections, for the whole process.
    pools: Vec<Arc<Semaphore>>,
    /// The `--ca-file` certificates.
    ca: Option<Arc<[u8]>>,
    /// The cap on open SSE streams (`stream.rs`).
    streams: Arc<Streams>,
}

/// Everything a request handler needs, shared by all connections.
pub(crate) struct State {
    /// One per backend, in the order of `Routes::backends`; a token picks one.
    backends: Vec<Backend>,
    auth: Auth,
    guard: Guard,
    budget: Arc<Budget>,
    scripts: Arc<Scripts>,
    clock: Arc<SyncClock>,
    streams: Arc<Streams>,
    /// Set when the worker stops: open streams end.
    closing: watch::Sender<bool>,
    readonly_scripts: bool,
    quiet: bool,
    timeouts: Timeouts,
}

impl State {
    /// Must run inside a tokio runtime (the Redis connection manager spawns a task).
    pub(crate) fn new(config: &ServeConfig, shared: Shared) -> Result<Self, ServeError> {
        let backends = shared
            .routes
            .backends
            .iter()
            .zip(&shared.pools)
            .map(|(spec, pool)| {
                Backend::new(
                    spec,
                    config.timeouts,
                    shared.ca.as_deref(),
                    Arc::clone(pool),
                )
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            backends,
            auth: Auth::new(&shared.routes.tokens),
            guard: Guard::new(config),
            budget: shared.budget,
            scripts: shared.scripts,
            clock: shared.clock,
            streams: shared.streams,
            closing: watch::Sender::new(false),
            readonly_scripts: config.readonly_scripts,
            quiet: config.quiet,
            timeouts: config.timeouts,
        })
    }
}

/// Most worker threads, whatever the core count.
const MAX_WORKERS: usize = 16;

/// Thread per core, as Redis and webdis do it: each worker thread runs a single-threaded
/// runtime with its own Redis connections and serves the HTTP connections handed to it, so a
/// request never changes threads. Cross-thread wake-ups are what costs most on a small, busy
/// machine: with one multi-threaded tokio runtime instead, bench/serve.sh measured roughly
/// half to three quarters of this throughput at 64 connections.
pub(crate) struct Workers {
    queues: Vec<mpsc::UnboundedSender<(std::net::TcpStream, Admission)>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    next: usize,
    /// One slot per connection doing work (`--max-connections`, `slots.rs`).
    slots: Arc<Slots>,
    /// How long a new connection may wait for a slot.
    slot_wait: Duration,
}

impl Workers {
    /// Starts one worker per core, each ready to serve when this returns.
    pub(crate) fn start(
        config: &ServeConfig,
        routes: Routes,
        ca: Option<Arc<[u8]>>,
    ) -> Result<Self, ServeError> {
        let count = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_WORKERS);
        let mut workers = Self {
            queues: Vec::with_capacity(count),
            threads: Vec::with_capacity(count),
            next: 0,
            slots: Slots::new(config.max_connections),
            slot_wait: config.timeouts.header_read,
        };
        // One budget, one script map and one sync clock for the whole process, not per worker.
        let shared = Shared {
            budget: Budget::new(config.max_body_budget),
            scripts: Arc::new(Scripts::default()),
            clock: Arc::new(SyncClock::default()),
            pools: routes
                .backends
                .iter()
                .map(|b| Arc::new(Semaphore::new(b.pool)))
                .collect(),
            routes: Arc::new(routes),
            ca,
            streams: Streams::new(config.max_streams),
        };
        for i in 0..count {
            match workers.start_one(i, config, shared.clone()) {
                Ok(()) => {}
                Err(e) => {
                    workers.stop();
                    return Err(e);
                }
            }
        }
        Ok(workers)
    }

    fn start_one(
        &mut self,
        index: usize,
        config: &ServeConfig,
        shared: Shared,
    ) -> Result<(), ServeError> {
        let (queue, connections) = mpsc::unbounded_channel();
        let (ready, is_ready) = std::sync::mpsc::channel();
        let config = config.clone();
        let thread = std::thread::Builder::new()
            .name(format!("upwire-serve-{index}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready.send(Err(ServeError::Runtime(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    // Inside the runtime: the Redis connection manager spawns a task.
                    match State::new(&config, shared) {
                        Ok(state) => {
                            let _ = ready.send(Ok(()));
                            work(connections, Arc::new(state)).await;
                        }
                        Err(e) => {
                            let _ = ready.send(Err(e));
                        }
                    }
                });
            })
            .map_err(ServeError::Runtime)?;
        self.threads.push(thread);
        self.queues.push(queue);
        match is_ready.recv() {
            Ok(result) => result,
            Err(_) => Err(ServeError::Runtime(std::io::Error::other(
                "a serve worker thread exited while starting",
            ))),
        }
    }

    /// Hands a new connection to the next worker, round robin, once it has a slot: a free
    /// one, or one an idle connection gives up (`slots.rs`); it waits for one while every slot
    /// is busy with a request. Past the wait, or with too many waiting, it is answered 503
    /// and closed.
    fn dispatch(&mut self, stream: TcpStream) {
        let Some(queue) = self.queues.get(self.next).cloned() else {
            return;
        };
        self.next = (self.next + 1) % self.queues.len().max(1);
        let hand_over = move |stream: TcpStream, admission| {
            // Leaves this runtime's reactor; the worker registers it with its own.
            if let Ok(stream) = stream.into_std() {
                let _ = queue.send((stream, admission));
            }
        };
        if let Some(admission) = self.slots.try_admit() {
            hand_over(stream, admission);
            return;
        }
        let limit = self.slots.limit();
        if !self.slots.may_wait() {
            refuse_connection(stream, limit);
            return;
        }
        let slots = Arc::clone(&self.slots);
        let wait = self.slot_wait;
        tokio::spawn(async move {
            match slots.admit(wait).await {
                Some(admission) => hand_over(stream, admission),
                None => refuse_connection(stream, limit),
            }
        });
    }

    /// Closes the queues and waits until every worker has finished its connections (each
    /// within the shutdown grace). Blocks: call it outside the async runtime.
    pub(crate) fn stop(&mut self) {
        self.queues.clear();
        // Idle connections close at once, the others after their request.
        self.slots.close_all();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Refused connections still being answered, at most: past this many, a refused connection
/// is closed without an answer, so a flood cannot make refusing cost more than serving.
const MAX_REFUSING: usize = 64;

/// Refused connections being answered now.
static REFUSING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Answers a connection over the limit with 503 and closes it. The answer is written
/// without waiting (it fits any socket buffer); then what the client sent is read and
/// dropped for a moment, because closing a socket with unread data sends a reset, which
/// can make the client lose the answer.
fn refuse_connection(stream: TcpStream, limit: usize) {
    use std::sync::atomic::Ordering;
    let body = error_body(&format!(
        "ERR upwire serve: too many connections ({limit} busy with requests, \
         --max-connections); try again"
    ));
    let mut response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let _ = stream.try_write(&response);
    if REFUSING.fetch_add(1, Ordering::AcqRel) >= MAX_REFUSING {
        REFUSING.fetch_sub(1, Ordering::AcqRel);
        return;
    }
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let mut stream = stream;
        // End of answer: the client stops waiting for more.
        let _ = stream.shutdown().await;
        let mut sink = [0u8; 4096];
        let drain = async {
            let mut left: usize = 256 * 1024;
            while left > 0 {
                match stream.read(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => left = left.saturating_sub(n),
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_millis(500), drain).await;
        REFUSING.fetch_sub(1, Ordering::AcqRel);
    });
}

/// Accepts connections until `shutdown` resolves and spreads them over the workers.
pub(crate) async fn accept(
    listener: TcpListener,
    workers: &mut Workers,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => workers.dispatch(stream),
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    log::line(&format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
}

/// One worker: serves the connections it is handed until its queue closes, then gives
/// in-flight requests the shutdown grace to finish. Idle keep-alive connections close at once,
/// and so does one told to give its slot up (`slots.rs`).
async fn work(
    mut connections: mpsc::UnboundedReceiver<(std::net::TcpStream, Admission)>,
    state: Arc<State>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // Counted from when the server starts waiting for a request head: this bounds a slow
        // sender and an idle keep-alive connection alike.
        .header_read_timeout(state.timeouts.header_read)
        .max_header_size(MAX_HEAD_BYTES);
    // Every connection task holds a clone; `recv` ends once all have finished.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    while let Some((stream, admission)) = connections.recv().await {
        let Ok(stream) = TcpStream::from_std(stream) else {
            continue;
        };
        let Ok(peer) = stream.peer_addr() else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        // One reference count per request, for all a request needs from its connection.
        let client = Arc::new(Client {
            state: Arc::clone(&state),
            admission,
            peer,
        });
        let service = service_fn({
            let client = Arc::clone(&client);
            move |req| handle(Arc::clone(&client), req)
        });
        let io = TokioIo::new(JsonErrors::new(stream));
        let conn = http.serve_connection(io, service);
        let open = open.clone();
        tokio::spawn(async move {
            {
                let mut conn = std::pin::pin!(conn);
                let mut registered = false;
                let mut told = false;
                // Told to give its slot up, or serve stops (`Slots::close_all`): closes at
                // once when idle, after the request in progress otherwise.
                std::future::poll_fn(|cx| {
                    if !told
                        && client
                            .admission
                            .poll_evicted(cx, &mut registered)
                            .is_ready()
                    {
                        told = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    conn.as_mut().poll(cx)
                })
                .await
                .ok();
            }
            // The slot is held until the connection is closed.
            drop(client);
            drop(open);
        });
    }
    // Streams never finish on their own.
    state.closing.send_replace(true);
    drop(open);
    let open = open_count(&all_closed);
    tokio::select! {
        _ = all_closed.recv() => {}
        () = tokio::time::sleep(state.timeouts.shutdown_grace) => {
            log::line(&format!("shutdown grace over; closing {open} connection(s) with requests still running"));
        }
    }
}

/// Connections still open, from the channel their tasks hold senders of.
fn open_count(all_closed: &mpsc::Receiver<()>) -> usize {
    all_closed.sender_strong_count()
}

/// A served connection, as its requests see it.
struct Client {
    state: Arc<State>,
    /// Its slot (`slots.rs`).
    admission: Admission,
    peer: SocketAddr,
}

async fn handle(
    client: Arc<Client>,
    req: Request<Incoming>,
) -> Result<Response<Either<Full<Bytes>, EventBody>>, Infallible> {
    let Client {
        state,
        admission,
        peer,
    } = &*client;
    // The connection keeps its slot while a request runs; an SSE stream keeps it busy for
    // as long as it is open.
    let busy = admission.busy();
    // With --quiet, nothing of the log line is made (no clock read either).
    let start = (!state.quiet).then(Instant::now);
    let method = method_label(req.method());
    let mut log = LogLine::default();
    let reply = respond(state, req, &mut log).await;
    if let Some(start) = start {
        log.write(
            *peer,
            method,
            reply.status,
            start.elapsed(),
            reply.note.as_deref(),
        );
    }
    if reply.stream.is_some() {
        busy.hold();
    }
    Ok(reply.into_response())
}

/// The request, checked and run.
async fn respond(state: &State, req: Request<Incoming>, log: &mut LogLine) -> Reply {
    let (parts, body) = req.into_parts();
    let known = Known::of(&parts.headers);
    let route = Route::of(parts.uri.path());
    if !state.quiet {
        *log = LogLine::new(parts.uri.path(), route.log_label());
    }
    // A page on another site can make a browser send requests here; a name it re-points
    // at 127.0.0.1 (DNS rebinding) shows in Host, a cross-site request in Origin.
    let host_ok = known
        .host
        .is_some_and(|h| state.guard.host_allowed(h.as_bytes()))
        && parts
            .uri
            .authority()
            .is_none_or(|a| state.guard.host_allowed(a.as_str().as_bytes()));
    if !host_ok {
        return Reply::error(
            StatusCode::FORBIDDEN,
            "ERR upwire serve: the Host header does not name this server (the listen address \
             or localhost); allow another name with --allow-host NAME",
        );
    }
    let cors = match state.guard.cors(known.origin) {
        Ok(cors) => cors,
        Err(refusal) => return Reply::refused(&refusal),
    };
    let mut reply = respond_checked(state, &parts, &known, route, body, log).await;
    reply.cors = cors;
    reply
}

/// The request from an allowed host and origin.
async fn respond_checked(
    state: &State,
    parts: &hyper::http::request::Parts,
    known: &Known<'_>,
    route: Route,
    body: Incoming,
    log: &mut LogLine,
) -> Reply {
    let has_body = match parts.method {
        Method::GET => false,
        Method::POST => true,
        Method::OPTIONS if is_preflight(&parts.headers) => return preflight(&parts.headers),
        Method::OPTIONS => {
            return Reply::with(StatusCode::NO_CONTENT, Vec::new()).header(header::ALLOW, ALLOWED);
        }
        _ => {
            return Reply::error(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!(
                    "ERR method {} is not allowed; use {ALLOWED}",
                    method_label(&parts.method)
                ),
            )
            .header(header::ALLOW, ALLOWED);
        }
    };

    let query: Vec<(Cow<'_, str>, Cow<'_, str>)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).collect())
        .unwrap_or_default();
    let query_token = query
        .iter()
        .find(|(k, _)| k == "_token")
        .map(|(_, v)| v.as_bytes());
    let authorization = known.authorization.map(HeaderValue::as_bytes);
    let Some((access, backend)) = state
        .auth
        .check(auth::presented(authorization, query_token))
    else {
        return Reply::error(
            StatusCode::UNAUTHORIZED,
            "WRONGPASS invalid or missing auth token",
        )
        .header(header::WWW_AUTHENTICATE, "Bearer");
    };

    // Every authenticated reply carries a sync token larger than any before and than the one
    // the request carried (sync_token.rs).
    let seen = known.sync_token.map(HeaderValue::as_bytes);
    let Some(backend) = state.backends.get(backend) else {
        return Reply::error(StatusCode::INTERNAL_SERVER_ERROR, "ERR no backend");
    };
    let mut reply = run(
        state, backend, access, parts, known, route, &query, has_body, body, log,
    )
    .await;
    reply.sync_token = Some(state.clock.reply_token(seen));
    reply
}

/// The request of an authenticated client.
#[allow(clippy::too_many_arguments)]
async fn run(
    state: &State,
    backend: &Backend,
    access: Access,
    parts: &hyper::http::request::Parts,
    known: &Known<'_>,
    route: Route,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    has_body: bool,
    body: Incoming,
    log: &mut LogLine,
) -> Reply {
    let encoding = match known.encoding {
        Some(v) if v.as_bytes().eq_ignore_ascii_case(b"base64") => Encoding::Base64,
        _ => Encoding::Utf8,
    };
    let path = parts.uri.path();
    let route = match route {
        Route::Stream(stream) => return open_stream(state, backend, access, stream, log).await,
        route => route,
    };
    // As Upstash: json or resp2; resp2 never with base64, and /multi-exec answers in JSON.
    let format = match known.format {
        None => Format::Json,
        Some(v) if v.as_bytes().eq_ignore_ascii_case(b"json") => Format::Json,
        Some(v) if v.as_bytes().eq_ignore_ascii_case(b"resp2") => {
            if encoding == Encoding::Base64 {
                return Reply::error(
                    StatusCode::BAD_REQUEST,
                    "ERR Upstash-Encoding: base64 cannot be combined with \
                     Upstash-Response-Format: resp2 (RESP2 is binary-safe already)",
                );
            }
            if matches!(route, Route::MultiExec) {
                Format::Json
            } else {
                Format::Resp2
            }
        }
        Some(_) => {
            return Reply::error(
                StatusCode::BAD_REQUEST,
                "ERR Upstash-Response-Format must be json or resp2",
            );
        }
    };

    let is_batch = matches!(route, Route::Pipeline | Route::MultiExec);
    if is_batch && !has_body {
        return Reply::error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("ERR {path} takes a POST with a JSON array of commands"),
        )
        .header(header::ALLOW, "POST");
    }
    if matches!(route, Route::Single) && !has_body {
        return Reply::error(
            StatusCode::BAD_REQUEST,
            r#"ERR empty command: POST a JSON array such as ["PING"], or use path style: /ping"#,
        );
    }
    // Held until the reply is written: the body, then the commands parsed from it.
    let mut reservation = state.budget.reservation();
    let body = if has_body {
        match read_body(state, known.content_length, body, &mut reservation).await {
            Ok(body) => body,
            Err(reply) => return reply,
        }
    } else {
        Vec::new()
    };

    let parsed = match route {
        Route::Single => request::parse_command(&body).map(Work::Single),
        Route::Pipeline => request::parse_commands(&body).map(Work::Pipeline),
        Route::MultiExec => request::parse_commands(&body).map(Work::Transaction),
        // Path style (streams went above).
        Route::Path | Route::Stream(_) => {
            let args: Vec<_> = query
                .iter()
                .filter(|(k, _)| k != "_token")
                .cloned()
                .collect();
            request::parse_path(path, has_body.then_some(&body[..]), &args).map(Work::Single)
        }
    };
    // The commands hold their own copy of every argument now.
    drop(body);
    let mut work = match parsed {
        Ok(work) => work,
        Err(e) => return Reply::error(StatusCode::BAD_REQUEST, &e.0),
    };
    let exec = Exec {
        backend,
        access,
        scripts: &state.scripts,
        readonly_scripts: state.readonly_scripts,
    };
    let reply = exec.run(Output { encoding, format }, &mut work).await;
    drop(reservation);
    if !state.quiet {
        // With Redis unreachable (5xx) the table is not fetched: that would only double the
        // wait for the 503.
        log::name(backend, &work, log, !reply.status.is_server_error()).await;
    }
    reply
}

/// `/subscribe/...`, `/psubscribe/...` or `/monitor`: a `text/event-stream` reply whose
/// events come while the client stays (`stream.rs`).
async fn open_stream(
    state: &State,
    backend: &Backend,
    access: Access,
    route: Result<stream::StreamKind, String>,
    log: &mut LogLine,
) -> Reply {
    let route = match route {
        Ok(route) => route,
        Err(message) => return Reply::error(StatusCode::BAD_REQUEST, &message),
    };
    let (path, label) = route.label();
    log.route = Cow::Borrowed(path);
    log.label = Cow::Borrowed(label);
    let opening = stream::Opening {
        backend,
        streams: &state.streams,
        closing: state.closing.subscribe(),
        heartbeat: state.timeouts.heartbeat,
        command_timeout: state.timeouts.redis_command,
        quiet: state.quiet,
    };
    match stream::open(opening, access, route).await {
        Ok(events) => {
            let mut reply = Reply::ok(Vec::new()).header(header::CACHE_CONTROL, "no-cache");
            reply.content_type = "text/event-stream";
            reply.stream = Some(events);
            reply
        }
        Err(refusal) => {
            let mut reply = Reply::refused(&refusal);
            if refusal.status == StatusCode::SERVICE_UNAVAILABLE {
                reply = reply.header(header::RETRY_AFTER, "1");
            }
            if refusal.status.is_server_error() {
                reply.note = Some(refusal.message.into_owned());
            }
            reply
        }
    }
}

/// The method for the log and for messages: one of HTTP's own, or `OTHER` (a method is any
/// token the client likes).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        Method::HEAD => "HEAD",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "OTHER",
    }
}

/// Reads the body within the time limit, the 10 MiB limit and the process-wide budget:
/// a declared length is reserved before anything is read, a chunked body as it arrives.
async fn read_body(
    state: &State,
    content_length: Option<&HeaderValue>,
    body: Incoming,
    reservation: &mut Reservation,
) -> Result<Vec<u8>, Reply> {
    let too_large = || {
        Reply::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("ERR request body is larger than {MAX_BODY_BYTES} bytes (10 MiB)"),
        )
    };
    let busy = || {
        Reply::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ERR upwire serve: too many request bodies in flight (--max-body-budget); try again",
        )
        .header(header::RETRY_AFTER, "1")
        // The body is left unread, so the connection cannot carry another request.
        .header(header::CONNECTION, "close")
    };
    let declared = content_length
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let declared = match declared.map(usize::try_from) {
        None => None,
        Some(Ok(len)) if len <= MAX_BODY_BYTES => Some(len),
        Some(_) => return Err(too_large()),
    };
    if let Some(len) = declared
        && !reservation.grow(len)
    {
        return Err(busy());
    }
    let limit = state.timeouts.body_read;
    let read = async {
        let mut body = body;
        // Exactly the declared size: no growth, no spare capacity to keep.
        let mut buf = Vec::with_capacity(declared.unwrap_or(0));
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else {
                return Err(Reply::error(
                    StatusCode::BAD_REQUEST,
                    "ERR could not read the request body",
                ));
            };
            let Ok(data) = frame.into_data() else {
                continue;
            };
            if buf.len() + data.len() > MAX_BODY_BYTES {
                return Err(too_large());
            }
            if declared.is_none() && !reservation.grow(data.len()) {
                return Err(busy());
            }
            buf.extend_from_slice(&data);
        }
        Ok(buf)
    };
    match tokio::time::timeout(limit, read).await {
        Err(_) => Err(Reply::error(
            StatusCode::REQUEST_TIMEOUT,
            &format!("ERR request body not received within {} s", limit.as_secs()),
        )),
        Ok(result) => result,
    }
}

fn is_preflight(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// A CORS preflight from an allowed origin (`respond` refused the others): browsers send
/// one before a POST with an `Authorization` header. It allows the headers the Upstash
/// clients send and no others, and private-network access (Chrome asks before a public page
/// may call 127.0.0.1) only because the origin was allowed explicitly.
fn preflight(headers: &HeaderMap) -> Reply {
    let mut reply = Reply::with(StatusCode::NO_CONTENT, Vec::new())
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
        .header(header::ACCESS_CONTROL_MAX_AGE, "600");
    reply.headers.push((
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        Guard::preflight_headers(headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS)),
    ));
    if headers
        .get("access-control-request-private-network")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        reply = reply.header(
            header::HeaderName::from_static("access-control-allow-private-network"),
            "true",
        );
    }
    reply
}
