{{ doc }} Starter Redis client for target `{{ target }}` over TCP, written by `upwire generate`.
{%- if for_include %}
{{ doc }} build.rs writes it into OUT_DIR on every build; to change it, take the same code from
{{ doc }} `upwire generate` (src/redis_client.rs) into your crate instead.
{%- else %}
{{ doc }} Edit it freely: upwire never overwrites it without `--force`.
{%- endif %}
{{ doc }}
{{ doc }} The connection URL is read from `{{ url_var }}` at run time, never compiled in:
{{ doc }} `rediss://default:<password>@<host>:6379`, where `rediss` is TLS (public Upstash
{{ doc }} endpoints require it). Certificates are checked against the webpki roots (Mozilla's
{{ doc }} CA list), which covers Upstash and other public hosts. For a server with a private
{{ doc }} CA (a self-hosted Redis, a local `redis-server --tls-port`), set `{{ ca_var }}` to
{{ doc }} the CA's PEM file: that CA is then trusted *instead of* the webpki roots.
{{ doc }}
{{ doc }} Cargo.toml:
{% include "starter_usage.txt" %}
{{ doc }} use redis::AsyncTypedCommands as _;
{{ doc }}
{{ doc }} let mut redis = redis_client::connect().await?;
{{ doc }} redis.set("greeting", "hello").await?;
{{ doc }} let greeting: Option<String> = redis.get("greeting").await?;
{{ doc }} ```
{{ doc }}
{{ doc }} `ConnectionManager` is one multiplexed connection: clone it into every task instead of
{{ doc }} connecting again (connection limits are per database). Settings, chosen for Upstash
{{ doc }} (`connect_with` takes others: start from `config()`):
{{ doc }} - timeouts: each connection attempt and each reply wait at most 5 s; past that a call
{{ doc }}   fails with an error whose `is_timeout()` is true.
{{ doc }} - reconnect: Upstash closes idle connections, and networks drop them. When the
{{ doc }}   connection is lost the manager connects again in the background: up to 6 retries
{{ doc }}   after the first attempt, waiting 100 ms, 200 ms, 400 ms, ... (doubling up to 2 s,
{{ doc }}   plus up to as much again at random) in between, 5 to 10 s in all; commands sent
{{ doc }}   meanwhile wait for the new connection. A command that was in flight when the
{{ doc }}   connection broke fails (it may have run) and is not sent again: retry it yourself
{{ doc }}   if it is safe to run twice.
{{ doc }} - TCP keep-alive: a probe after 60 s without traffic, then every 10 s, so that a
{{ doc }}   connection that died without a close (a NAT or load balancer that forgot it, a host
{{ doc }}   that went away) is found and replaced instead of swallowing the next command until
{{ doc }}   its timeout. Probes are TCP, not Redis: they do not keep Upstash from closing an
{{ doc }}   idle connection, which the manager then replaces.
{{ doc }} - TCP_NODELAY: commands go out at once (redis leaves Nagle's algorithm on).

use std::path::Path;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::io::tcp::socket2::TcpKeepalive;
use redis::{Client, ErrorKind, IntoConnectionInfo as _, RedisError, RedisResult, TlsCertificates};

/// The variable that holds the connection URL.
#[allow(dead_code)]
pub const URL_VAR: &str = "{{ url_var }}";

/// The optional variable naming a PEM file with the CA to trust instead of the webpki roots.
#[allow(dead_code)]
pub const CA_FILE_VAR: &str = "{{ ca_var }}";

/// How long to wait for the TCP and TLS handshakes.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait for each reply.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
/// Connection attempts after the first one fails, when connecting or reconnecting.
const RECONNECT_RETRIES: usize = 6;
/// The wait before the first reconnect attempt; it doubles with each one after.
const RECONNECT_MIN_DELAY: Duration = Duration::from_millis(100);
/// The longest wait between two reconnect attempts.
const RECONNECT_MAX_DELAY: Duration = Duration::from_secs(2);
/// Idle time before the first TCP keep-alive probe.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(60);
/// Time between TCP keep-alive probes.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);

/// Connects to the database in `{{ url_var }}`.
#[allow(dead_code)]
pub async fn connect() -> RedisResult<ConnectionManager> {
    let url = std::env::var(URL_VAR)
        .ok()
        .filter(|url| !url.is_empty())
        .ok_or_else(|| config_error(format!("{URL_VAR} is not set")))?;
    let ca_file = std::env::var_os(CA_FILE_VAR).filter(|path| !path.is_empty());
    connect_to(&url, ca_file.as_deref().map(Path::new)).await
}

/// Connects to `url`, trusting only the CA in `ca_file` when one is given.
#[allow(dead_code)]
pub async fn connect_to(url: &str, ca_file: Option<&Path>) -> RedisResult<ConnectionManager> {
    connect_with(url, ca_file, config()).await
}

/// The settings `connect` and `connect_to` use: 5 s to connect, 5 s for each reply, 6 retries
/// of a failed connection 100 ms, 200 ms, ... up to 2 s apart. Start from these to change
/// one, for [`connect_with`].
#[allow(dead_code)]
pub fn config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECTION_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(RECONNECT_RETRIES)
        .set_min_delay(RECONNECT_MIN_DELAY)
        .set_exponent_base(2.0)
        .set_max_delay(RECONNECT_MAX_DELAY)
}

/// Connects to `url` with `config`, trusting only the CA in `ca_file` when one is given.
#[allow(dead_code)]
pub async fn connect_with(
    url: &str,
    ca_file: Option<&Path>,
    config: ConnectionManagerConfig,
) -> RedisResult<ConnectionManager> {
    // redis uses rustls without choosing a crypto provider; install aws-lc-rs, rustls's
    // default, once per process (an error only means a provider is installed already).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let info = url.into_connection_info()?;
    let keepalive = TcpKeepalive::new()
        .with_time(KEEPALIVE_IDLE)
        .with_interval(KEEPALIVE_INTERVAL);
    let tcp = info
        .tcp_settings()
        .clone()
        .set_nodelay(true)
        .set_keepalive(keepalive);
    let info = info.set_tcp_settings(tcp);
    let client = match ca_file {
        None => Client::open(info)?,
        Some(path) => {
            let root_cert = std::fs::read(path).map_err(|e| {
                config_error(format!("cannot read {CA_FILE_VAR} {}: {e}", path.display()))
            })?;
            let certificates = TlsCertificates {
                client_tls: None,
                root_cert: Some(root_cert),
            };
            Client::build_with_tls(info, certificates)?
        }
    };
    ConnectionManager::new_with_config(client, config).await
}

/// A configuration error; it names variables, never their values.
fn config_error(detail: String) -> RedisError {
    RedisError::from((ErrorKind::InvalidClientConfig, "bad Redis settings", detail))
}
