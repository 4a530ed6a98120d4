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
{{ doc }} changes both); past that it fails with `Error::Timeout`.
{%- if read_only %}
{{ doc }}
{{ doc }} This target has the read-only token: write commands fail with `Error::Redis`
{{ doc }} (`NOPERM ...`).
{%- endif %}
{{ doc }}
{{ doc }} Cargo.toml:
{{ doc }}
{{ doc }} ```toml
{%- for d in dependencies %}
{{ doc }} {{ d }}
{%- endfor %}
{{ doc }} ```
{{ doc }}
{{ doc }} Usage:
{{ doc }}
{{ doc }} ```ignore
{%- if for_include %}
{{ doc }} mod redis_client {
{{ doc }}     include!(concat!(env!("OUT_DIR"), "/upwire_redis.rs"));
{{ doc }} }
{%- else %}
{{ doc }} mod redis_client;
{%- endif %}
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
use std::time::Duration;

use serde_json::{Value, json};

/// How long to wait for the TCP and TLS handshakes.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take, reply included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A client for one Upstash REST endpoint. Cheap to clone: clones share one connection pool.
#[allow(dead_code)]
#[derive(Clone)]
pub struct RestClient {
    http: reqwest::Client,
    url: String,
    token: String,
}

/// One result per command of a `pipeline` or `multi_exec`, in order.
#[allow(dead_code)]
pub type Replies = Vec<Result<Value, Error>>;

/// Why a call failed.
#[allow(dead_code)]
#[derive(Debug)]
pub enum Error {
    /// A variable is unset or empty, or the HTTP client could not be built.
    Config(String),
    /// The request did not complete: DNS, connection refused or reset, TLS.
    Transport(reqwest::Error),
    /// No connection or no complete reply within the timeout; the command may have run.
    Timeout(reqwest::Error),
    /// HTTP 401: the token is missing, wrong, or belongs to another database.
    Auth(String),
    /// Redis rejected the command (`{"error": "..."}`), e.g. `WRONGTYPE ...` or `NOPERM ...`.
    Redis(String),
    /// Another HTTP status, or a body that is not the JSON the REST API documents.
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// A reply of another type than a typed helper expects.
    UnexpectedReply(Value),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(message) => write!(f, "Redis REST settings: {message}"),
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
    /// A request that did not complete: [`Error::Timeout`] when a timeout fired.
    fn transport(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout(e)
        } else {
            Self::Transport(e)
        }
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
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .timeout(request)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            http,
            url: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        })
    }

    /// Runs one command, e.g. `&["HSET", "user:1", "name", "Ada"]`, and returns its reply.
    pub async fn command(&self, args: &[&str]) -> Result<Value, Error> {
        let body = self.post("", json!(args)).await?;
        Self::reply(body)
    }

    /// Sends many commands in one request; they run in order, but other clients' commands
    /// may run in between. One result per command: a failed command does not stop the others.
    pub async fn pipeline(&self, commands: &[&[&str]]) -> Result<Replies, Error> {
        let body = self.post("/pipeline", json!(commands)).await?;
        Self::replies(body)
    }

    /// Runs many commands as one transaction (MULTI/EXEC): nothing runs in between.
    pub async fn multi_exec(&self, commands: &[&[&str]]) -> Result<Replies, Error> {
        let body = self.post("/multi-exec", json!(commands)).await?;
        Self::replies(body)
    }

    /// `GET key`: the value, or `None` when the key does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match self.command(&["GET", key]).await? {
            Value::Null => Ok(None),
            Value::String(value) => Ok(Some(value)),
            other => Err(Error::UnexpectedReply(other)),
        }
    }

    /// `SET key value`.
    pub async fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.command(&["SET", key, value]).await?;
        Ok(())
    }

    /// `SET key value EX seconds`: the key expires after `seconds`.
    pub async fn set_ex(&self, key: &str, value: &str, seconds: u64) -> Result<(), Error> {
        self.command(&["SET", key, value, "EX", &seconds.to_string()])
            .await?;
        Ok(())
    }

    /// `INCR key`: the new value.
    pub async fn incr(&self, key: &str) -> Result<i64, Error> {
        Self::integer(self.command(&["INCR", key]).await?)
    }

    /// `EXPIRE key seconds`: whether the key exists (and now expires).
    pub async fn expire(&self, key: &str, seconds: u64) -> Result<bool, Error> {
        let reply = self.command(&["EXPIRE", key, &seconds.to_string()]).await?;
        Ok(Self::integer(reply)? == 1)
    }

    /// `TTL key`: seconds until the key expires; -1 when it does not expire, -2 when it does
    /// not exist.
    pub async fn ttl(&self, key: &str) -> Result<i64, Error> {
        Self::integer(self.command(&["TTL", key]).await?)
    }

    /// `DEL key...`: how many keys were removed.
    pub async fn del(&self, keys: &[&str]) -> Result<i64, Error> {
        let args: Vec<&str> = std::iter::once("DEL").chain(keys.iter().copied()).collect();
        Self::integer(self.command(&args).await?)
    }

    /// POSTs `body` as JSON to the endpoint plus `path` and returns the parsed reply body.
    async fn post(&self, path: &str, body: Value) -> Result<Value, Error> {
        let response = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(Error::transport)?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(Error::transport)?;
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        let error = parsed
            .as_ref()
            .and_then(|body| body.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let start = || text.trim().chars().take(200).collect::<String>();
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

    /// The reply of one command: `{"result": ...}` or `{"error": "..."}`.
    fn reply(item: Value) -> Result<Value, Error> {
        if let Some(message) = item.get("error").and_then(Value::as_str) {
            return Err(Error::Redis(message.to_owned()));
        }
        match item {
            Value::Object(mut object) => match object.remove("result") {
                Some(result) => Ok(result),
                None => Err(Error::UnexpectedReply(Value::Object(object))),
            },
            other => Err(Error::UnexpectedReply(other)),
        }
    }

    /// An integer reply (`INCR`, `DEL`, `EXPIRE`, ...).
    fn integer(reply: Value) -> Result<i64, Error> {
        reply.as_i64().ok_or(Error::UnexpectedReply(reply))
    }

    /// The replies of `pipeline` and `multi_exec`: an array of `{"result"}` / `{"error"}`.
    fn replies(body: Value) -> Result<Replies, Error> {
        match body {
            Value::Array(items) => Ok(items.into_iter().map(Self::reply).collect()),
            other => Err(Error::UnexpectedReply(other)),
        }
    }
}
