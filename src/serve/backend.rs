//! The Redis side, one per worker thread: a multiplexed connection for ordinary commands and
//! pipelines (pipelining the worker's concurrent requests over it), dedicated connections for
//! `/multi-exec`, and the cached command table.
//!
//! Failures are classified once here: a Redis error reply is a value (the client's problem,
//! 400); not reaching Redis is [`NoReply::Unavailable`] (503); no answer in time is
//! [`NoReply::Timeout`] (504).
//!
//! After a Redis restart the old connections are dead. A command that finds its connection
//! dead before it was handed over (see [`unsent`]) cannot have run, so it is sent once more on
//! a new connection: the first request after a restart succeeds. A command that was already
//! on its way when the connection broke is not repeated (it may have run): 503.
//!
//! Scripts and functions have a time limit of their own, shorter than the command timeout:
//! past it they are stopped with `SCRIPT KILL` / `FUNCTION KILL` from a separate connection,
//! so that one request cannot keep Redis busy for everybody.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::{
    AsyncConnectionConfig, Client, Cmd, ConnectionAddr, ConnectionInfo, IntoConnectionInfo,
    Pipeline, ProtocolVersion, RedisError, Value,
};
use tokio::sync::OnceCell;

use super::config::{ServeError, Timeouts};
use super::policy::CommandTable;
use super::reply::server_error_text;

/// One Redis behind `serve`.
#[derive(Clone)]
pub(crate) struct BackendSpec {
    /// The name in the tokens file (`default` without one), for messages.
    pub(crate) name: String,
    pub(crate) url: String,
    /// `/multi-exec` connections at once, process-wide.
    pub(crate) pool: usize,
}

/// Idle dedicated connections kept for `/multi-exec`.
const MAX_IDLE_DEDICATED: usize = 8;

/// Why Redis gave no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoReply {
    /// Redis cannot be reached or the connection broke (503).
    Unavailable(String),
    /// Redis did not answer in time (504).
    Timeout,
    /// A script or function ran past the script time limit (504).
    ScriptTimeout {
        /// `SCRIPT KILL` or `FUNCTION KILL`.
        kill: &'static str,
        /// What the kill did.
        outcome: Kill,
    },
    /// Redis answered with a reply the redis crate cannot read (an error or status line that
    /// is not UTF-8, where Redis echoed bytes of the request): that request fails (400), on a
    /// connection of its own that is then dropped. The parser's message is not kept: it may
    /// quote the reply, and so the request.
    Unreadable,
}

/// What `SCRIPT KILL` / `FUNCTION KILL` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kill {
    /// The script stopped (or had ended by itself).
    Stopped,
    /// `UNKILLABLE`: the script has written, so Redis cannot stop it; Redis answers `BUSY`
    /// to everything until it ends or Redis is restarted.
    Unkillable,
    /// The kill itself failed: why.
    Failed(String),
}

/// The kill command for a script or function, when `cmd` runs one.
fn kill_for(cmd: &Cmd) -> Option<&'static str> {
    let Some(redis::Arg::Simple(name)) = cmd.args_iter().next() else {
        return None;
    };
    let is = |word: &[u8]| name.eq_ignore_ascii_case(word);
    if is(b"eval") || is(b"evalsha") || is(b"eval_ro") || is(b"evalsha_ro") {
        Some("SCRIPT KILL")
    } else if is(b"fcall") || is(b"fcall_ro") {
        Some("FUNCTION KILL")
    } else {
        None
    }
}

/// Whether Redis may answer `cmd` with an error or status line that is not UTF-8, which the
/// redis crate cannot parse and answers by dropping the connection, for every request on it:
/// Redis echoes arguments in some errors (`unknown command 'x\xff'`, unknown subcommands, Lua
/// compile errors), and a script can return any bytes as an error or status. Such commands go
/// over a connection of their own.
fn may_answer_unreadable(cmd: &Cmd) -> bool {
    kill_for(cmd).is_some()
        || cmd.args_iter().any(|arg| match arg {
            redis::Arg::Simple(bytes) => std::str::from_utf8(bytes).is_err(),
            _ => false,
        })
}

/// The kills for a batch: `SCRIPT KILL` and/or `FUNCTION KILL`.
fn kills_for<'a>(cmds: impl Iterator<Item = &'a Cmd>) -> Vec<&'static str> {
    let mut kills: Vec<&'static str> = cmds.filter_map(kill_for).collect();
    kills.sort_unstable();
    kills.dedup();
    kills
}

/// The outcome of `MULTI` ... `EXEC`.
#[derive(Debug)]
pub(crate) enum Transaction {
    /// `EXEC` ran: one reply per command (error replies included).
    Committed(Vec<Value>),
    /// Redis refused to queue a command, so nothing ran.
    Aborted(String),
}

/// Parses and checks the Redis URL, forcing RESP2 (the reply shapes Upstash's REST API
/// has, e.g. `HGETALL` as a flat array).
pub(crate) fn connection_info(url: &str) -> Result<ConnectionInfo, ServeError> {
    let invalid = |reason: &str| ServeError::InvalidRedisUrl {
        url: crate::secret::mask_url(url),
        reason: reason.to_owned(),
    };
    let info = url
        .into_connection_info()
        .map_err(|e| invalid(&e.detail().map_or_else(|| e.to_string(), str::to_owned)))?;
    if let ConnectionAddr::TcpTls { insecure: true, .. } = info.addr() {
        return Err(invalid(
            "`#insecure` turns certificate checks off; trust a private CA with --ca-file instead",
        ));
    }
    let redis = info
        .redis_settings()
        .clone()
        .set_protocol(ProtocolVersion::RESP2);
    Ok(info.set_redis_settings(redis))
}

/// Checks that a `--ca-file` holds at least one PEM certificate.
pub(crate) fn check_ca(pem: &[u8]) -> Result<(), String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let mut count = 0;
    for cert in CertificateDer::pem_slice_iter(pem) {
        cert.map_err(|e| format!("not a PEM certificate file: {e}"))?;
        count += 1;
    }
    if count == 0 {
        return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in it".to_owned());
    }
    Ok(())
}

/// A handle on Redis, shared by every request.
#[derive(Clone)]
pub(crate) struct Backend(Arc<Inner>);

struct Inner {
    shared: ConnectionManager,
    client: Client,
    dedicated_config: AsyncConnectionConfig,
    idle_dedicated: Mutex<Vec<MultiplexedConnection>>,
    /// One permit per dedicated connection in use, for the whole process (the pool size).
    pool: Arc<tokio::sync::Semaphore>,
    /// Idle dedicated connections kept by this worker.
    max_idle: usize,
    /// `rediss://`: a certificate failure gets a hint.
    tls: bool,
    table: OnceCell<Arc<CommandTable>>,
    /// `127.0.0.1:6379`: no credentials, safe to show.
    addr: String,
    timeouts: Timeouts,
}

impl Backend {
    /// Prepares the connections without connecting (Redis may come up later). Must run
    /// inside a tokio runtime.
    pub(crate) fn new(
        spec: &BackendSpec,
        timeouts: Timeouts,
        ca: Option<&[u8]>,
        pool: Arc<tokio::sync::Semaphore>,
    ) -> Result<Self, ServeError> {
        let url = spec.url.as_str();
        let info = connection_info(url)?;
        let addr = info.addr().to_string();
        let tls = matches!(info.addr(), ConnectionAddr::TcpTls { .. });
        let opened = match ca {
            Some(pem) if tls => Client::build_with_tls(
                info,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.to_vec()),
                },
            ),
            _ => Client::open(info),
        };
        let client = opened.map_err(|e| ServeError::InvalidRedisUrl {
            url: crate::secret::mask_url(url),
            reason: e.to_string(),
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeouts.redis_connect))
            .set_response_timeout(Some(timeouts.redis_command))
            // Few, quick reconnect attempts: during an outage a request should fail fast
            // with 503; the next request starts a new attempt.
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let shared =
            ConnectionManager::new_lazy_with_config(client.clone(), config).map_err(|e| {
                ServeError::InvalidRedisUrl {
                    url: crate::secret::mask_url(url),
                    reason: e.to_string(),
                }
            })?;
        let dedicated_config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(timeouts.redis_connect))
            .set_response_timeout(Some(timeouts.redis_command));
        Ok(Self(Arc::new(Inner {
            shared,
            client,
            dedicated_config,
            idle_dedicated: Mutex::new(Vec::new()),
            max_idle: spec.pool.min(MAX_IDLE_DEDICATED),
            pool,
            tls,
            table: OnceCell::new(),
            addr,
            timeouts,
        })))
    }

    /// `Redis at 127.0.0.1:6379`.
    pub(crate) fn describe(&self) -> String {
        format!("Redis at {}", self.0.addr)
    }

    /// The message for a request Redis gave no reply to, naming Redis's address (never its password).
    pub(crate) fn no_reply_message(&self, no_reply: &NoReply) -> String {
        match no_reply {
            NoReply::Unavailable(reason) => format!(
                "ERR upwire serve: {} is unavailable: {reason}{}",
                self.describe(),
                if self.0.tls && reason.contains("certificate") {
                    "; if its certificate is signed by a private CA, pass that CA with --ca-file"
                } else {
                    ""
                }
            ),
            NoReply::Timeout => format!(
                "ERR upwire serve: {} did not answer within {} ms",
                self.describe(),
                self.0.timeouts.redis_command.as_millis()
            ),
            NoReply::ScriptTimeout { kill, outcome } => {
                let limit = self.script_limit().as_millis();
                match outcome {
                    Kill::Stopped => format!(
                        "ERR upwire serve: the script ran longer than {limit} ms and was stopped \
                         with {kill}"
                    ),
                    Kill::Unkillable => format!(
                        "ERR upwire serve: the script ran longer than {limit} ms and cannot be \
                         stopped: it has written, so {kill} answered UNKILLABLE; Redis at {} \
                         answers BUSY to every command until the script ends or Redis is \
                         restarted (SHUTDOWN NOSAVE stops it, losing writes not saved)",
                        self.0.addr
                    ),
                    Kill::Failed(why) => {
                        format!(
                            "ERR upwire serve: the script ran longer than {limit} ms; {kill} \
                             failed: {why}"
                        )
                    }
                }
            }
            NoReply::Unreadable => "ERR upwire serve: Redis answered this request with a \
                 reply that cannot be read: most likely an error or status line that is not \
                 UTF-8 text, echoing bytes of the request (such as %FF in a path); send \
                 commands and arguments Redis may echo as UTF-8 text. Other requests are not \
                 affected"
                .to_owned(),
        }
    }

    /// Checks that Redis answers.
    pub(crate) async fn ping(&self) -> Result<(), String> {
        match self.command(&redis::cmd("PING")).await {
            Ok(_) => Ok(()),
            Err(f) => Err(self.no_reply_message(&f)),
        }
    }

    /// One command on the shared connection. Error replies come back as `Value::ServerError`.
    pub(crate) async fn command(&self, cmd: &Cmd) -> Result<Value, NoReply> {
        if may_answer_unreadable(cmd) {
            let mut pipe = Pipeline::new();
            pipe.add_command(cmd.clone());
            let call = async {
                let mut replies = self.isolated(&pipe).await?;
                replies
                    .pop()
                    .ok_or_else(|| RedisError::from(std::io::Error::other("no reply")))
            };
            return self
                .limited(kill_for(cmd).into_iter().collect(), call)
                .await;
        }
        // No script gets here (scripts went above): the command deadline alone, the call
        // written straight into the timeout. Every wrapper future around it costs a copy of
        // it per request (callgrind: a third more `memcpy` with two more layers).
        let call = async {
            let mut conn = self.0.shared.clone();
            match unsent(conn.send_packed_command(cmd)).await {
                // The command was not sent (the connection could not be opened, or was
                // found dead): one more try goes over the reconnect the failure started.
                Err((e, unsent)) if worth_retry(&e, unsent) => conn.send_packed_command(cmd).await,
                Err((e, _)) => Err(e),
                Ok(value) => Ok(value),
            }
            .or_else(error_reply)
        };
        classify(tokio::time::timeout(self.deadline(), call).await)
    }

    /// Commands pipelined on the shared connection, one reply each.
    pub(crate) async fn pipeline<'a>(
        &self,
        cmds: impl Iterator<Item = &'a Cmd>,
    ) -> Result<Vec<Value>, NoReply> {
        let mut pipe = Pipeline::new();
        for cmd in cmds {
            pipe.add_command(cmd.clone());
        }
        let count = pipe.len();
        let kills = kills_for(pipe.cmd_iter());
        if pipe.cmd_iter().any(may_answer_unreadable) {
            return self.limited(kills, self.isolated(&pipe)).await;
        }
        let call = async {
            let mut conn = self.0.shared.clone();
            match unsent(conn.send_packed_commands(&pipe, 0, count)).await {
                Err((e, unsent)) if worth_retry(&e, unsent) => {
                    conn.send_packed_commands(&pipe, 0, count).await
                }
                Err((e, _)) => Err(e),
                Ok(values) => Ok(values),
            }
        };
        self.limited(kills, call).await
    }

    /// `MULTI`, the commands, `EXEC` on a connection no other request uses meanwhile, so
    /// nothing interleaves and `MULTI` state never leaks into another request.
    pub(crate) async fn transaction<'a>(
        &self,
        cmds: impl Iterator<Item = &'a Cmd>,
    ) -> Result<Transaction, NoReply> {
        let mut pipe = Pipeline::new();
        pipe.add_command(redis::cmd("MULTI"));
        for cmd in cmds {
            pipe.add_command(cmd.clone());
        }
        pipe.add_command(redis::cmd("EXEC"));
        let kills = kills_for(pipe.cmd_iter());
        let call = async { Ok(read_transaction(self.isolated(&pipe).await?)) };
        self.limited(kills, call).await
    }

    /// Sends `pipe` on a connection of its own ([`Self::on_dedicated`]). When that connection
    /// breaks while Redis still answers on another, the reply was one the redis crate could not
    /// parse (it then drops the connection and reports a broken pipe): a parse error.
    async fn isolated(&self, pipe: &Pipeline) -> Result<Vec<Value>, RedisError> {
        match self.on_dedicated(pipe).await {
            Err(e) if e.is_connection_dropped() && !e.is_connection_refusal() => {
                let mut conn = self.0.shared.clone();
                let ping = redis::cmd("PING");
                let ping = conn.send_packed_command(&ping);
                match tokio::time::timeout(self.0.timeouts.redis_connect, ping).await {
                    Ok(Ok(_)) => Err(RedisError::from(redis::ParsingError::from(
                        "unreadable reply".to_owned(),
                    ))),
                    _ => Err(e),
                }
            }
            other => other,
        }
    }

    /// Sends `pipe` on a connection no other request uses meanwhile, one of the pool's, and
    /// gives that connection back afterwards unless it failed (a reply it could not read, a
    /// broken connection): then it is dropped.
    async fn on_dedicated(&self, pipe: &Pipeline) -> Result<Vec<Value>, RedisError> {
        let count = pipe.len();
        // Waits within the deadline for one of the pool's connections.
        let _permit = Arc::clone(&self.0.pool)
            .acquire_owned()
            .await
            .map_err(|_| {
                RedisError::from(std::io::Error::other("the connection pool was closed"))
            })?;
        let mut conn = self.dedicated().await?;
        let replies = match unsent(conn.send_packed_commands(pipe, 0, count)).await {
            Ok(replies) => replies,
            Err((e, was_unsent)) => {
                // Idle connections opened before a Redis restart are dead too.
                self.drop_idle_dedicated();
                if !worth_retry(&e, was_unsent) {
                    return Err(e);
                }
                // Nothing was sent on the dead connection: once more on a new one.
                conn = self.dedicated().await?;
                conn.send_packed_commands(pipe, 0, count).await?
            }
        };
        self.give_back(conn);
        Ok(replies)
    }

    /// Runs a call under the command deadline, and under the script time limit when it runs
    /// scripts (`kills` not empty): past that, the scripts are killed from a separate
    /// connection and the call is abandoned.
    async fn limited<T>(
        &self,
        kills: Vec<&'static str>,
        call: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, NoReply> {
        let bounded = self.bounded(call);
        if kills.is_empty() {
            return bounded.await;
        }
        let mut bounded = pin!(bounded);
        match tokio::time::timeout(self.script_limit(), bounded.as_mut()).await {
            Ok(result) => result,
            Err(_) => {
                let mut worst = (
                    kills.first().copied().unwrap_or("SCRIPT KILL"),
                    Kill::Stopped,
                );
                for kill in &kills {
                    let outcome = self.kill(kill).await;
                    if outcome != Kill::Stopped {
                        worst = (*kill, outcome);
                    }
                }
                if worst.1 == Kill::Stopped {
                    // The killed script's error reply shows Redis is free again; answering
                    // only then means the client's next command does not meet a BUSY.
                    let _ = tokio::time::timeout(self.0.timeouts.redis_connect, bounded).await;
                }
                let (kill, outcome) = worst;
                Err(NoReply::ScriptTimeout { kill, outcome })
            }
        }
    }

    /// The script time limit, always shorter than the command timeout: a script must be
    /// stopped before its request would time out anyway.
    fn script_limit(&self) -> Duration {
        let t = self.0.timeouts;
        if t.script < t.redis_command {
            t.script
        } else {
            t.redis_command / 2
        }
    }

    /// Sends `SCRIPT KILL` or `FUNCTION KILL` on a connection of its own (the shared one waits
    /// behind the script).
    async fn kill(&self, kill: &str) -> Kill {
        let mut cmd = Cmd::new();
        for word in kill.split(' ') {
            cmd.arg(word);
        }
        let attempt = async {
            let mut conn = self
                .0
                .client
                .get_multiplexed_async_connection_with_config(&self.0.dedicated_config)
                .await?;
            conn.send_packed_command(&cmd).await
        };
        let deadline = self.0.timeouts.redis_command + self.0.timeouts.redis_connect;
        // An error reply may come as `Err` or as a `ServerError` value.
        let answer = match tokio::time::timeout(deadline, attempt).await {
            Err(_) => return Kill::Failed("no answer".to_owned()),
            Ok(Ok(Value::ServerError(e))) => Err((e.code().to_owned(), server_error_text(&e))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err((e.code().unwrap_or_default().to_owned(), e.to_string())),
        };
        match answer {
            Ok(()) => Kill::Stopped,
            // The script ended by itself meanwhile.
            Err((code, _)) if code == "NOTBUSY" => Kill::Stopped,
            Err((code, _)) if code == "UNKILLABLE" => Kill::Unkillable,
            Err((_, text)) => Kill::Failed(text),
        }
    }

    /// Redis's command table, fetched on first use and kept.
    pub(crate) async fn command_table(&self) -> Result<Arc<CommandTable>, NoReply> {
        self.0
            .table
            .get_or_try_init(|| async {
                match self.command(&redis::cmd("COMMAND")).await? {
                    Value::ServerError(e) => Err(NoReply::Unavailable(format!(
                        "COMMAND failed: {}",
                        server_error_text(&e)
                    ))),
                    reply => CommandTable::from_reply(&reply)
                        .map(Arc::new)
                        .ok_or_else(|| {
                            NoReply::Unavailable("COMMAND returned no command table".to_owned())
                        }),
                }
            })
            .await
            .cloned()
    }

    /// A Redis connection of its own for one SSE stream (`stream.rs`), in pub/sub mode once
    /// it subscribes; closed when the stream drops it.
    pub(crate) async fn pubsub(&self) -> Result<redis::aio::PubSub, NoReply> {
        self.bounded(self.0.client.get_async_pubsub()).await
    }

    /// A Redis connection of its own for one `/monitor` stream, after `MONITOR`.
    pub(crate) async fn monitor(&self) -> Result<redis::aio::Monitor, NoReply> {
        self.bounded(self.0.client.get_async_monitor()).await
    }

    /// The command table if it was fetched already.
    pub(crate) fn cached_command_table(&self) -> Option<Arc<CommandTable>> {
        self.0.table.get().cloned()
    }

    async fn dedicated(&self) -> Result<MultiplexedConnection, RedisError> {
        let idle = self
            .0
            .idle_dedicated
            .lock()
            .ok()
            .and_then(|mut idle| idle.pop());
        match idle {
            Some(conn) => Ok(conn),
            None => {
                self.0
                    .client
                    .get_multiplexed_async_connection_with_config(&self.0.dedicated_config)
                    .await
            }
        }
    }

    fn give_back(&self, conn: MultiplexedConnection) {
        if let Ok(mut idle) = self.0.idle_dedicated.lock()
            && idle.len() < self.0.max_idle
        {
            idle.push(conn);
        }
    }

    fn drop_idle_dedicated(&self) {
        if let Ok(mut idle) = self.0.idle_dedicated.lock() {
            idle.clear();
        }
    }

    /// Runs a Redis call under the command deadline and classifies its failure.
    async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, NoReply> {
        classify(tokio::time::timeout(self.deadline(), call).await)
    }

    /// The command deadline. The crate's own response timeout fires first; this also bounds
    /// waiting for a (re)connect.
    fn deadline(&self) -> Duration {
        self.0.timeouts.redis_command + self.0.timeouts.redis_connect
    }
}

/// A Redis call's outcome under the deadline, its failure classified.
fn classify<T>(
    outcome: Result<Result<T, RedisError>, tokio::time::error::Elapsed>,
) -> Result<T, NoReply> {
    match outcome {
        Err(_) => Err(NoReply::Timeout),
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) if e.is_timeout() => Err(NoReply::Timeout),
        Ok(Err(e)) if e.kind() == redis::ErrorKind::Parse => Err(NoReply::Unreadable),
        Ok(Err(e)) => Err(NoReply::Unavailable(e.to_string())),
    }
}

/// Runs `call` and says, with a failure, whether it failed on its very first poll: redis
/// hands a command to the connection's writer task without waiting, so a failure before
/// anything was awaited means the connection was closed before the command was handed over —
/// it was never sent. A failure after that (the reply never came) is not told apart by the
/// error itself: both are "broken pipe".
async fn unsent<T>(
    call: impl Future<Output = Result<T, RedisError>>,
) -> Result<T, (RedisError, bool)> {
    let mut call = pin!(call);
    let mut first = true;
    std::future::poll_fn(|cx| {
        let polled = call.as_mut().poll(cx);
        let was_first = std::mem::replace(&mut first, false);
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(value)) => Poll::Ready(Ok(value)),
            Poll::Ready(Err(e)) => Poll::Ready(Err((e, was_first))),
        }
    })
    .await
}

/// Whether a failed command is sure not to have run, and worth one more try on a new
/// connection: the connection could not be opened, or was found dead before the command was
/// handed over.
fn worth_retry(e: &RedisError, unsent: bool) -> bool {
    e.is_connection_refusal()
        || (unsent && (e.is_connection_dropped() || e.is_unrecoverable_error()))
}

/// A Redis error reply delivered as `Err` becomes the `Value::ServerError` it stands for.
fn error_reply(e: RedisError) -> Result<Value, RedisError> {
    if e.code().is_none() {
        return Err(e);
    }
    match e
        .clone()
        .into_server_errors()
        .and_then(|errs| errs.first().map(|(_, err)| err.clone()))
    {
        Some(err) => Ok(Value::ServerError(err)),
        None => Err(e),
    }
}

/// Replies to `MULTI`, n commands, `EXEC`: `+OK`, n × `+QUEUED` or a queueing error, then
/// the `EXEC` array (or `EXECABORT` when a command could not be queued).
fn read_transaction(mut replies: Vec<Value>) -> Transaction {
    let exec = replies.pop();
    let queue_error = replies
        .iter()
        .skip(1)
        .enumerate()
        .find_map(|(i, r)| match r {
            Value::ServerError(e) => Some(format!("command {}: {}", i + 1, server_error_text(e))),
            _ => None,
        });
    match exec {
        Some(Value::Array(results)) => Transaction::Committed(results),
        Some(Value::ServerError(e)) => Transaction::Aborted(match queue_error {
            Some(cause) => format!("{} ({cause})", server_error_text(&e)),
            None => server_error_text(&e),
        }),
        _ => Transaction::Aborted("ERR unexpected reply to EXEC".to_owned()),
    }
}
