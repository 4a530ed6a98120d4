{{ doc }} Starter Upstash REST client for the Cloudflare Worker `{{ target }}` (workers-rs), written by
{{ doc }} `upwire generate`.
{%- if for_include %}
{{ doc }} build.rs writes it into OUT_DIR on every build; to change it, take the same code from
{{ doc }} `upwire generate` (src/redis_client.rs) into your crate instead.
{%- else %}
{{ doc }} Edit it freely: upwire never overwrites it without `--force`.
{%- endif %}
{{ doc }}
{{ doc }} Read from the Worker's `Env` on each request, never compiled in:
{{ doc }} - `{{ url_var }}`: the endpoint, `https://<host>`, a `[vars]` entry
{{ doc }}   (wrangler.redis.toml);
{{ doc }} - `{{ token_var }}`: the {% if read_only %}read-only {% endif %}token, a secret:
{{ doc }}   `npx wrangler secret put {{ token_var }}` (`wrangler dev` reads it from `.dev.vars`).
{{ doc }}
{{ doc }} Every call is one `fetch` POST of the command as a JSON array, `["SET", "k", "v"]`, with
{{ doc }} `Authorization: Bearer <token>`; the reply is `{"result": ...}` or `{"error": "..."}`.
{{ doc }} `pipeline` and `multi_exec` send many commands in one request (`multi_exec` runs them as
{{ doc }} one transaction). It uses the Worker's own `fetch` (the `worker` crate): no tokio, no
{{ doc }} sockets, nothing that needs more than `wasm32-unknown-unknown`.
{%- if read_only %}
{{ doc }}
{{ doc }} This target has the read-only token: write commands fail with `Error::Redis`
{{ doc }} (`NOPERM ...`).
{%- endif %}
{{ doc }}
{{ doc }} Cargo.toml (with `crate-type = ["cdylib"]` under `[lib]`, as `worker-build` wants):
{% include "starter_usage.txt" %}
{{ doc }}
{{ doc }} #[worker::event(fetch)]
{{ doc }} async fn fetch(
{{ doc }}     _req: worker::Request,
{{ doc }}     env: worker::Env,
{{ doc }}     _ctx: worker::Context,
{{ doc }} ) -> worker::Result<worker::Response> {
{{ doc }}     let redis = redis_client::RestClient::from_env(&env)?;
{%- if !read_only %}
{{ doc }}     redis.set("greeting", "hello").await?;
{%- endif %}
{{ doc }}     let greeting = redis.get("greeting").await?;
{{ doc }}     worker::Response::ok(greeting.unwrap_or_default())
{{ doc }} }
{{ doc }} ```

use std::fmt;

use serde_json::{Value, json};
use worker::wasm_bindgen::JsValue;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

/// A client for one Upstash REST endpoint. Cheap to clone; make one per request from its `Env`.
#[allow(dead_code)]
#[derive(Clone)]
pub struct RestClient {
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
    /// A variable is missing from the Worker's environment (which one, and how to set it).
    Config(String),
    /// `fetch` failed: no reply came (DNS, TLS, connection), or the body could not be read.
    Transport(worker::Error),
    /// HTTP 401: the token is wrong, or belongs to another database.
    Auth,
    /// Redis refused the command (`{"error": ...}`): `WRONGTYPE`, `NOPERM`, a syntax error.
    Redis(String),
    /// Any other HTTP status, or a reply that is not the REST API's shape.
    Http {
        /// The status code.
        status: u16,
        /// The reply body (the token is never in it).
        body: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(what) => f.write_str(what),
            Error::Transport(e) => write!(f, "the REST request failed: {e}"),
            Error::Auth => write!(
                f,
                "the REST API refused the token (401): check {}",
                RestClient::TOKEN_VAR
            ),
            Error::Redis(message) => write!(f, "Redis error: {message}"),
            Error::Http { status, body } => write!(f, "HTTP {status}: {body}"),
        }
    }
}

impl std::error::Error for Error {}

/// So that a handler can use `?` on the client's calls.
impl From<Error> for worker::Error {
    fn from(e: Error) -> Self {
        worker::Error::RustError(e.to_string())
    }
}

#[allow(dead_code)]
impl RestClient {
    /// The variable that holds the endpoint.
    pub const URL_VAR: &str = "{{ url_var }}";
    /// The secret that holds the token.
    pub const TOKEN_VAR: &str = "{{ token_var }}";

    /// Reads the endpoint from the Worker's `[vars]` and the token from its secrets.
    pub fn from_env(env: &Env) -> Result<Self, Error> {
        let url = env.var(Self::URL_VAR).map_err(|_| {
            Error::Config(format!(
                "{} is not set: add it to [vars] in wrangler.toml (see wrangler.redis.toml)",
                Self::URL_VAR
            ))
        })?;
        let token = env.secret(Self::TOKEN_VAR).map_err(|_| {
            Error::Config(format!(
                "{} is not set: run `npx wrangler secret put {}` (`wrangler dev` reads .dev.vars)",
                Self::TOKEN_VAR,
                Self::TOKEN_VAR
            ))
        })?;
        Ok(Self::new(&url.to_string(), &token.to_string()))
    }

    /// A client for `url` (`https://<host>`) with `token`.
    pub fn new(url: &str, token: &str) -> Self {
        Self {
            url: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        }
    }

    /// Any command, as its words: `command(&["HSET", "user:1", "name", "Ada"])`.
    pub async fn command(&self, args: &[&str]) -> Result<Value, Error> {
        Self::reply(self.post("", json!(args)).await?)
    }

    /// Many commands in one request; each has its own result.
    pub async fn pipeline(&self, commands: &[&[&str]]) -> Result<Replies, Error> {
        Self::replies(self.post("/pipeline", json!(commands)).await?)
    }

    /// Many commands in one request, run as one transaction (MULTI/EXEC).
    pub async fn multi_exec(&self, commands: &[&[&str]]) -> Result<Replies, Error> {
        Self::replies(self.post("/multi-exec", json!(commands)).await?)
    }

    /// `GET key`: `None` when the key does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match self.command(&["GET", key]).await? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Err(Self::unexpected(&other)),
        }
    }

    /// `SET key value`.
    pub async fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.command(&["SET", key, value]).await.map(drop)
    }

    /// `SET key value EX seconds`.
    pub async fn set_ex(&self, key: &str, value: &str, seconds: u64) -> Result<(), Error> {
        let seconds = seconds.to_string();
        self.command(&["SET", key, value, "EX", &seconds])
            .await
            .map(drop)
    }

    /// `INCR key`: the new value.
    pub async fn incr(&self, key: &str) -> Result<i64, Error> {
        Self::integer(self.command(&["INCR", key]).await?)
    }

    /// `DEL key...`: how many keys were removed.
    pub async fn del(&self, keys: &[&str]) -> Result<i64, Error> {
        let mut args = vec!["DEL"];
        args.extend_from_slice(keys);
        Self::integer(self.command(&args).await?)
    }

    /// POSTs `body` to `path` with the token; the JSON reply, or why there is none.
    async fn post(&self, path: &str, body: Value) -> Result<Value, Error> {
        let headers = Headers::new();
        headers
            .set("Authorization", &format!("Bearer {}", self.token))
            .map_err(Error::Transport)?;
        headers
            .set("Content-Type", "application/json")
            .map_err(Error::Transport)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(JsValue::from_str(&body.to_string())));
        let request = Request::new_with_init(&format!("{}{path}", self.url), &init)
            .map_err(Error::Transport)?;
        let mut response = Fetch::Request(request)
            .send()
            .await
            .map_err(Error::Transport)?;
        let status = response.status_code();
        let text = response.text().await.map_err(Error::Transport)?;
        if status == 401 {
            return Err(Error::Auth);
        }
        match serde_json::from_str::<Value>(&text) {
            // A Redis error comes with 400; its body still has the API's shape.
            Ok(value) if (200..300).contains(&status) || value.get("error").is_some() => Ok(value),
            _ => Err(Error::Http { status, body: text }),
        }
    }

    /// `{"result": ...}` → the result; `{"error": ...}` → [`Error::Redis`].
    fn reply(item: Value) -> Result<Value, Error> {
        match item {
            Value::Object(mut map) => {
                if let Some(error) = map.remove("error") {
                    Err(Error::Redis(error.as_str().unwrap_or_default().to_owned()))
                } else if let Some(result) = map.remove("result") {
                    Ok(result)
                } else {
                    Err(Self::unexpected(&Value::Object(map)))
                }
            }
            other => Err(Self::unexpected(&other)),
        }
    }

    fn integer(reply: Value) -> Result<i64, Error> {
        reply.as_i64().ok_or_else(|| Self::unexpected(&reply))
    }

    /// A pipeline's array of replies; a transaction's error (`{"error": ...}`) as a whole.
    fn replies(body: Value) -> Result<Replies, Error> {
        match body {
            Value::Array(items) => Ok(items.into_iter().map(Self::reply).collect()),
            other => Err(Self::reply(other).map_or_else(|e| e, |v| Self::unexpected(&v))),
        }
    }

    fn unexpected(value: &Value) -> Error {
        Error::Http {
            status: 200,
            body: value.to_string(),
        }
    }
}
