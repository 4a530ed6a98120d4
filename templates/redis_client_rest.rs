{{ doc }} Starter Upstash REST client for target `{{ target }}`, written by `upwire generate`.
{%- if for_include %}
{{ doc }} build.rs writes it into OUT_DIR on every build; to change it, take the same code from
{{ doc }} `upwire generate` (src/redis_client.rs) into your crate instead.
{%- else %}
{{ doc }} Edit it freely: upwire never overwrites it without `--force`.
{%- endif %}
{{ doc }}
{{ doc }} Read at run time, never compiled in:
{{ doc }} - `{{ url_var }}`: the endpoint, `https://<host>`;
{{ doc }} - `{{ token_var }}`: the token.
{{ doc }}
{{ doc }} Every call is one HTTPS POST of the command as a JSON array, `["SET", "k", "v"]`, with
{{ doc }} `Authorization: Bearer <token>`; the reply is `{"result": ...}` or `{"error": "..."}`.
{{ doc }} `pipeline` and `multi_exec` send many commands in one request (`multi_exec` runs them as
{{ doc }} one transaction).
{{ doc }} Every request is bounded: 5 s to connect, 10 s in all (`RestClient::with_timeouts`
{{ doc }} changes both); past that it fails with `Error::Timeout`, and is not tried again (the
{{ doc }} command may have run, and the caller's time is up).
{{ doc }}
{{ doc }} As `@upstash/redis` does by default:
{{ doc }} - a request that fails on the network (connection refused or reset, DNS, TLS) is tried
{{ doc }}   again up to 5 times, waiting e^n * 50 ms before retry n + 1 (50, 136, 369, 1004,
{{ doc }}   2730 ms); `with_retries` changes the count, `with_retries(0)` turns retries off. This
{{ doc }}   client also retries an HTTP 5xx (the service failing), which `@upstash/redis` does
{{ doc }}   not; a 4xx (a Redis error, a wrong token) is never retried. A retried write may run
{{ doc }}   twice (`INCR` counts twice) when the failure came after Redis ran it.
{{ doc }} - every request asks for `Upstash-Encoding: base64`: replies carry the raw bytes, so
{{ doc }}   binary values read back exactly (`get_bytes`, `Reply::Bytes`).
{{ doc }} - read-your-writes: the `Upstash-Sync-Token` of the latest reply goes with every later
{{ doc }}   request, shared by all clones, so a read after a write is not served by a replica
{{ doc }}   that has not caught up with it.
{{ doc }}
{{ doc }} Limit: the REST API takes the command as JSON strings, so arguments must be UTF-8
{{ doc }} (`Error::NotUtf8` otherwise, before anything is sent): keys and values may be any
{{ doc }} `AsRef<[u8]>`, but binary data goes in over TCP, or with commands whose arguments are
{{ doc }} text (`BITFIELD k SET u8 #0 255 ...`, or base64 you encode yourself). Replies have no
{{ doc }} such limit.
{%- if read_only %}
{{ doc }}
{{ doc }} This target has the read-only token: write commands fail with `Error::Redis`
{{ doc }} (`NOPERM ...`).
{%- endif %}
{{ doc }}
{{ doc }} Cargo.toml:
{% include "starter_usage.txt" %}
{{ doc }}
{{ doc }} let redis = redis_client::RestClient::from_env()?;
{%- if read_only %}
{{ doc }} let greeting: Option<String> = redis.get("greeting").await?;
{%- else %}
{{ doc }} redis.set("greeting", "hello").await?;
{{ doc }} let greeting: Option<String> = redis.get("greeting").await?;
{{ doc }} let replies = redis.multi_exec(&[&["INCR", "visits"], &["EXPIRE", "visits", "60"]]).await?;
{%- endif %}
{{ doc }} ```

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde_json::Value;

/// How long to wait for the TCP and TLS handshakes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take, reply included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries after a network failure or a 5xx, as `@upstash/redis` (`retry.retries: 5`).
const RETRIES: u32 = 5;
/// The header of read-your-writes tokens, in requests and replies.
const SYNC_TOKEN: &str = "upstash-sync-token";

/// A client for one Upstash REST endpoint. Cheap to clone: clones share one connection pool
/// and one sync token.
#[allow(dead_code)]
#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    url: String,
    token: String,
    retries: u32,
    /// The `Upstash-Sync-Token` of the latest reply, sent with every later request.
    sync_token: Arc<Mutex<Option<HeaderValue>>>,
}

/// A reply, decoded from the base64 the client asks for.
#[allow(dead_code)]
#[derive(Clone, PartialEq, Eq)]
pub enum Reply {
    /// No value (`null`): a missing key, say.
    Nil,
    /// An integer reply (`INCR`, `DEL`, `TTL`, ...).
    Integer(i64),
    /// A string, as the bytes Redis holds.
    Bytes(Vec<u8>),
    /// An array reply (`MGET`, `HGETALL`, ...).
    Array(Vec<Reply>),
}

#[allow(dead_code)]
impl Reply {
    /// The bytes of a string reply.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// A string reply that is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        self.as_bytes().and_then(|b| std::str::from_utf8(b).ok())
    }

    /// An integer reply.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(*n),
            _ => None,
        }
    }
}

// Strings as text where they are UTF-8: `Bytes("OK")`, else as bytes.
impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nil => f.write_str("Nil"),
            Self::Integer(n) => f.debug_tuple("Integer").field(n).finish(),
            Self::Bytes(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => f.debug_tuple("Bytes").field(&text).finish(),
                Err(_) => f.debug_tuple("Bytes").field(bytes).finish(),
            },
            Self::Array(items) => f.debug_tuple("Array").field(items).finish(),
        }
    }
}

/// One result per command of a `pipeline` or `multi_exec`, in order.
#[allow(dead_code)]
pub type Replies = Vec<Result<Reply, Error>>;

/// Why a call failed.
#[allow(dead_code)]
#[derive(Debug)]
pub enum Error {
    /// A variable is unset or empty, the URL is not one, or the HTTP client could not be
    /// built.
    Config(String),
    /// An argument is not UTF-8: the REST API takes JSON strings. Nothing was sent.
    NotUtf8 {
        /// The argument's position in the command, from 0 (the command's name).
        index: usize,
    },
    /// The request did not complete, after every try: DNS, connection refused or reset, TLS.
    Transport(reqwest::Error),
    /// No connection or no complete reply within the timeout; the command may have run.
    Timeout(reqwest::Error),
    /// HTTP 401: the token is missing, wrong, or belongs to another database.
    Auth(String),
    /// Redis rejected the command (`{"error": "..."}`), e.g. `WRONGTYPE ...` or `NOPERM ...`.
    Redis(String),
    /// Another HTTP status (a 5xx after every try), or a body that is not the JSON the REST
    /// API documents.
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A reply of another shape or type than expected, described.
    UnexpectedReply(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(message) => write!(f, "Redis REST settings: {message}"),
            Self::NotUtf8 { index } => write!(
                f,
                "argument {index} is not UTF-8: the Redis REST API takes JSON strings"
            ),
            Self::Transport(e) => write!(f, "Redis REST request failed: {e}"),
            Self::Timeout(e) => write!(f, "Redis REST request timed out: {e}"),
            Self::Auth(message) => write!(f, "Redis REST token rejected (HTTP 401): {message}"),
            Self::Redis(message) => write!(f, "Redis error: {message}"),
            Self::Http { status, body } => write!(f, "Redis REST API: HTTP {status}: {body}"),
            Self::UnexpectedReply(reply) => write!(f, "unexpected Redis reply: {reply}"),
        }
    }
}

impl Error {
    /// A request that did not complete: [`Error::Timeout`] when a timeout fired,
    /// [`Error::Config`] when the URL is not one.
    fn transport(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout(e)
        } else if e.is_builder() {
            Self::Config(format!("bad endpoint URL: {e}"))
        } else {
            Self::Transport(e)
        }
    }

    /// Whether another try may succeed: the network failed, or the service answered 5xx.
    /// Not a timeout (the caller's time is up), and never a 4xx (the same request fails the
    /// same way).
    fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) => true,
            Self::Http { status, .. } => (500..600).contains(status),
            _ => false,
        }
    }

    /// A command that could not be written as JSON.
    fn encode(e: serde_json::Error) -> Self {
        Self::Config(format!("cannot encode the command: {e}"))
    }

    /// A reply that is not what a typed helper expects.
    fn unexpected(reply: &Reply) -> Self {
        Self::UnexpectedReply(format!("{reply:?}"))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(e) | Self::Timeout(e) => Some(e),
            _ => None,
        }
    }
}

// The token is a secret: keep it out of logs and panic messages.
impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestClient")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("retries", &self.retries)
            .finish_non_exhaustive()
    }
}

#[allow(dead_code)]
impl RestClient {
    /// The variable that holds the endpoint, `https://<host>`.
    pub const URL_VAR: &str = "{{ url_var }}";
    /// The variable that holds the token.
    pub const TOKEN_VAR: &str = "{{ token_var }}";

    /// A client for the endpoint and token in the variables [`Self::URL_VAR`] and
    /// [`Self::TOKEN_VAR`].
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| Error::Config(format!("{name} is not set")))
        };
        Self::new(&var(Self::URL_VAR)?, &var(Self::TOKEN_VAR)?)
    }

    /// A client for `url` (`https://<host>`) and `token`, with the default timeouts (5 s to
    /// connect, 10 s per request).
    pub fn new(url: &str, token: &str) -> Result<Self, Error> {
        Self::with_timeouts(url, token, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    /// Like [`Self::new`], with other timeouts: `connect` for the TCP and TLS handshakes,
    /// `request` for a whole request, reply included (e.g. shorter in a Lambda whose own
    /// deadline is near). Past either, a call fails with [`Error::Timeout`].
    pub fn with_timeouts(
        url: &str,
        token: &str,
        connect: Duration,
        request: Duration,
    ) -> Result<Self, Error> {
        // Named by its variable, never printed: a token pasted into it would show.
        match reqwest::Url::parse(url) {
            Ok(parsed) if matches!(parsed.scheme(), "https" | "http") => {}
            _ => {
                return Err(Error::Config(
                    "the endpoint is not an https:// URL".to_owned(),
                ));
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .timeout(request)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            url: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            retries: RETRIES,
            sync_token: Arc::default(),
        })
    }

    /// The same client with at most `retries` retries per request after a network failure
    /// or a 5xx (5 by default; 0 sends each request once).
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Runs one command, e.g. `&["HSET", "user:1", "name", "Ada"]`, and returns its reply.
    pub async fn command<A: AsRef<[u8]>>(&self, args: &[A]) -> Result<Reply, Error> {
        let body = serde_json::to_vec(&Self::json_command(args)?).map_err(Error::encode)?;
        let body = self.post("", body).await?;
        Self::reply(body)
    }

    /// Sends many commands in one request; they run in order, but other clients' commands
    /// may run in between. One result per command: a failed command does not stop the others.
    pub async fn pipeline<A: AsRef<[u8]>>(&self, commands: &[&[A]]) -> Result<Replies, Error> {
        let body = serde_json::to_vec(&Self::json_commands(commands)?).map_err(Error::encode)?;
        let body = self.post("/pipeline", body).await?;
        Self::replies(body)
    }

    /// Runs many commands as one transaction (MULTI/EXEC): nothing runs in between.
    pub async fn multi_exec<A: AsRef<[u8]>>(&self, commands: &[&[A]]) -> Result<Replies, Error> {
        let body = serde_json::to_vec(&Self::json_commands(commands)?).map_err(Error::encode)?;
        let body = self.post("/multi-exec", body).await?;
        Self::replies(body)
    }

    /// `GET key`: the value, or `None` when the key does not exist. A value that is not UTF-8
    /// is [`Error::UnexpectedReply`]; [`Self::get_bytes`] reads any value.
    pub async fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<String>, Error> {
        match self.get_bytes(key).await? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|e| Error::unexpected(&Reply::Bytes(e.into_bytes()))),
        }
    }

    /// `GET key`: the value's bytes, or `None` when the key does not exist.
    pub async fn get_bytes(&self, key: impl AsRef<[u8]>) -> Result<Option<Vec<u8>>, Error> {
        match self.command(&[&b"GET"[..], key.as_ref()]).await? {
            Reply::Nil => Ok(None),
            Reply::Bytes(value) => Ok(Some(value)),
            other => Err(Error::unexpected(&other)),
        }
    }

    /// `SET key value`.
    pub async fn set(&self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<(), Error> {
        self.command(&[&b"SET"[..], key.as_ref(), value.as_ref()])
            .await?;
        Ok(())
    }

    /// `SET key value EX seconds`: the key expires after `seconds`.
    pub async fn set_ex(
        &self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
        seconds: u64,
    ) -> Result<(), Error> {
        let seconds = seconds.to_string();
        let args = [
            &b"SET"[..],
            key.as_ref(),
            value.as_ref(),
            b"EX",
            seconds.as_bytes(),
        ];
        self.command(&args).await?;
        Ok(())
    }

    /// `INCR key`: the new value.
    pub async fn incr(&self, key: impl AsRef<[u8]>) -> Result<i64, Error> {
        Self::integer(self.command(&[&b"INCR"[..], key.as_ref()]).await?)
    }

    /// `EXPIRE key seconds`: whether the key exists (and now expires).
    pub async fn expire(&self, key: impl AsRef<[u8]>, seconds: u64) -> Result<bool, Error> {
        let seconds = seconds.to_string();
        let reply = self
            .command(&[&b"EXPIRE"[..], key.as_ref(), seconds.as_bytes()])
            .await?;
        Ok(Self::integer(reply)? == 1)
    }

    /// `TTL key`: seconds until the key expires; -1 when it does not expire, -2 when it does
    /// not exist.
    pub async fn ttl(&self, key: impl AsRef<[u8]>) -> Result<i64, Error> {
        Self::integer(self.command(&[&b"TTL"[..], key.as_ref()]).await?)
    }

    /// `DEL key...`: how many keys were removed.
    pub async fn del<K: AsRef<[u8]>>(&self, keys: &[K]) -> Result<i64, Error> {
        let args: Vec<&[u8]> = std::iter::once(&b"DEL"[..])
            .chain(keys.iter().map(AsRef::as_ref))
            .collect();
        Self::integer(self.command(&args).await?)
    }

    /// A command as the JSON array of strings the REST API takes.
    fn json_command<A: AsRef<[u8]>>(args: &[A]) -> Result<Vec<&str>, Error> {
        args.iter()
            .enumerate()
            .map(|(index, arg)| {
                std::str::from_utf8(arg.as_ref()).map_err(|_| Error::NotUtf8 { index })
            })
            .collect()
    }

    /// Many commands, for `/pipeline` and `/multi-exec`.
    fn json_commands<'a, A: AsRef<[u8]>>(commands: &[&'a [A]]) -> Result<Vec<Vec<&'a str>>, Error> {
        commands
            .iter()
            .map(|command| Self::json_command(command))
            .collect()
    }

    /// POSTs `body`, a JSON command or commands, to the endpoint plus `path`, trying again
    /// after a network failure or a 5xx, and returns the parsed reply body.
    async fn post(&self, path: &str, body: Vec<u8>) -> Result<Value, Error> {
        let url = format!("{}{path}", self.url);
        let mut retry = 0;
        loop {
            match self.post_once(&url, body.clone()).await {
                Err(e) if e.is_retryable() && retry < self.retries => {
                    // @upstash/redis's default backoff: e^n * 50 ms before retry n + 1.
                    let wait_ms = f64::from(retry).exp() * 50.0;
                    tokio::time::sleep(Duration::from_secs_f64(wait_ms / 1000.0)).await;
                    retry += 1;
                }
                result => return result,
            }
        }
    }

    /// One try of [`Self::post`].
    async fn post_once(&self, url: &str, body: Vec<u8>) -> Result<Value, Error> {
        let mut request = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .header(CONTENT_TYPE, "application/json")
            .header("upstash-encoding", "base64")
            .body(body);
        let sync_token = self.sync_token.lock().ok().and_then(|t| t.clone());
        if let Some(sync_token) = sync_token {
            request = request.header(SYNC_TOKEN, sync_token);
        }
        let response = request.send().await.map_err(Error::transport)?;
        if let (Some(token), Ok(mut latest)) =
            (response.headers().get(SYNC_TOKEN), self.sync_token.lock())
        {
            *latest = Some(token.clone());
        }
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(Error::transport)?;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let error = parsed
            .as_ref()
            .and_then(|body| body.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let start = || {
            let text = String::from_utf8_lossy(&bytes);
            text.trim().chars().take(200).collect::<String>()
        };
        match (status, error, parsed) {
            (401, error, _) => Err(Error::Auth(error.unwrap_or_else(start))),
            // Command errors come as 400 (or inside a 200 pipeline reply); a 5xx with an
            // `error` field is the service failing, not Redis refusing.
            (..500, Some(message), _) => Err(Error::Redis(message)),
            (200..300, None, Some(body)) => Ok(body),
            _ => Err(Error::Http {
                status,
                body: start(),
            }),
        }
    }

    /// The reply of one command: `{"result": ...}` or `{"error": "..."}`. Errors are text.
    fn reply(item: Value) -> Result<Reply, Error> {
        if let Some(message) = item.get("error").and_then(Value::as_str) {
            return Err(Error::Redis(message.to_owned()));
        }
        match item {
            Value::Object(mut object) => match object.remove("result") {
                Some(result) => Self::decode(result, true),
                None => Err(Error::UnexpectedReply(Value::Object(object).to_string())),
            },
            other => Err(Error::UnexpectedReply(other.to_string())),
        }
    }

    /// A result in `Upstash-Encoding: base64`: every string is base64 except a top-level
    /// `"OK"`; integers and `null` are as they are. As `@upstash/redis`, a string that is not
    /// base64 is taken as it is.
    fn decode(result: Value, top: bool) -> Result<Reply, Error> {
        match result {
            Value::Null => Ok(Reply::Nil),
            Value::String(text) if top && text == "OK" => Ok(Reply::Bytes(text.into_bytes())),
            Value::String(text) => match STANDARD.decode(&text) {
                Ok(bytes) => Ok(Reply::Bytes(bytes)),
                Err(_) => Ok(Reply::Bytes(text.into_bytes())),
            },
            Value::Number(n) => match n.as_i64() {
                Some(n) => Ok(Reply::Integer(n)),
                None => Err(Error::UnexpectedReply(n.to_string())),
            },
            Value::Array(items) => items
                .into_iter()
                .map(|item| Self::decode(item, false))
                .collect::<Result<_, _>>()
                .map(Reply::Array),
            other => Err(Error::UnexpectedReply(other.to_string())),
        }
    }

    /// An integer reply (`INCR`, `DEL`, `EXPIRE`, ...).
    fn integer(reply: Reply) -> Result<i64, Error> {
        reply.as_i64().ok_or_else(|| Error::unexpected(&reply))
    }

    /// The replies of `pipeline` and `multi_exec`: an array of `{"result"}` / `{"error"}`.
    fn replies(body: Value) -> Result<Replies, Error> {
        match body {
            Value::Array(items) => Ok(items.into_iter().map(Self::reply).collect()),
            other => Err(Error::UnexpectedReply(other.to_string())),
        }
    }
}
