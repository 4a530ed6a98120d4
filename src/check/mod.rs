//! `upwire check`: prove the login over TCP/TLS and REST, one timed stage at a time.
//!
//! Each stage (DNS, connect, TLS, AUTH, command) runs under the same per-step timeout, so a
//! check never hangs. Failures are classified (`ErrorKind`) and carry the fix in words.
//! Only `PING` (and `AUTH`/`SELECT`) is ever sent: `check` never writes to the database.
//! `--access` adds a probe that tells read-only from read-write without writing (`access.rs`).

mod access;
pub(crate) mod net;
mod rest;
mod tcp;
mod verify;

use std::time::Duration;

use serde::Serialize;

pub(crate) use access::AccessFound;
pub(crate) use rest::check_rest;
pub(crate) use tcp::check_tcp;

use crate::model::Transport;

/// The stages of a check, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Stage {
    /// Resolving the host name.
    Dns,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    Tls,
    /// AUTH (TCP) or the token (REST, HTTP 401).
    Auth,
    /// PING.
    Command,
}

impl Stage {
    /// The lowercase name used in text and JSON.
    #[must_use]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Dns => "dns",
            Stage::Connect => "connect",
            Stage::Tls => "tls",
            Stage::Auth => "auth",
            Stage::Command => "command",
        }
    }
}

/// Why a check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ErrorKind {
    /// The name does not resolve.
    Dns,
    /// Nothing listens on the port.
    Refused,
    /// A step took longer than the timeout.
    Timeout,
    /// TLS failed: plain port, untrusted or mismatched certificate.
    Tls,
    /// WRONGPASS, NOAUTH or HTTP 401.
    Auth,
    /// The peer does not speak the expected protocol.
    Protocol,
    /// An HTTP status other than 200 and 401.
    Http,
    /// One of Upstash's plan limits is used up (requests per month or day, connections).
    Limit,
}

/// Upstash's plan limits, in the words of its errors (Upstash docs, troubleshooting pages
/// `max_requests_limit`, `max_daily_request_limit`, `max_concurrent_connections`): the
/// failure that names the limit, or `None` for any other error.
pub(crate) fn limit_failure(error: &str) -> Option<Failure> {
    let lower = error.to_ascii_lowercase();
    let (words, what, help) = if lower.contains("max daily request limit exceeded") {
        (
            "ERR max daily request limit exceeded",
            "the database used up its daily request limit",
            "nothing in the setup is wrong: send fewer commands, or upgrade the database (pay-as-you-go or a fixed plan) in the Upstash console",
        )
    } else if lower.contains("max requests limit exceeded") {
        (
            "ERR max requests limit exceeded",
            "the database used up its monthly request limit",
            "nothing in the setup is wrong: send fewer commands, or upgrade the database (pay-as-you-go or a fixed plan) in the Upstash console",
        )
    } else if lower.contains("max concurrent connections exceeded") {
        (
            "ERR max concurrent connections exceeded",
            "the database has as many open connections as its plan allows",
            "reuse one client per process; functions (lambda, edge) should use the REST API, which holds no connection",
        )
    } else {
        return None;
    };
    Some(Failure::new(ErrorKind::Limit, format!("{what} ({words})")).help(help))
}

/// Settings for one check.
#[derive(Debug, Clone)]
pub(crate) struct CheckOptions {
    /// The bound on every network step.
    pub timeout: Duration,
    /// How many PINGs to time.
    pub samples: usize,
    /// Also find out whether the credential may write (`--access`), without writing.
    pub access: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            samples: 1,
            access: false,
        }
    }
}

/// One stage that completed, with its duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct StageTime {
    /// The stage.
    pub stage: Stage,
    /// Milliseconds.
    pub ms: f64,
}

/// min / median / p95 of the command round trips, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Latency {
    /// Fastest.
    pub min: f64,
    /// Median.
    pub median: f64,
    /// 95th percentile (nearest rank).
    pub p95: f64,
}

impl Latency {
    /// Summarises samples in milliseconds; `None` when there are none.
    #[must_use]
    pub(crate) fn of(samples: &[f64]) -> Option<Latency> {
        if samples.is_empty() {
            return None;
        }
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let rank = |q: f64| {
            let i = (q * s.len() as f64).ceil() as usize;
            s[i.clamp(1, s.len()) - 1]
        };
        let median = if s.len() % 2 == 1 {
            s[s.len() / 2]
        } else {
            f64::midpoint(s[s.len() / 2 - 1], s[s.len() / 2])
        };
        Some(Latency {
            min: s[0],
            median,
            p95: rank(0.95),
        })
    }
}

/// The outcome of checking one endpoint.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckResult {
    /// TCP or REST.
    pub transport: Transport,
    /// The endpoint, password masked.
    pub endpoint: String,
    /// Whether every stage passed.
    pub ok: bool,
    /// The last stage reached (the failing one when `ok` is false).
    pub stage: Stage,
    /// Why it failed.
    pub error_kind: Option<ErrorKind>,
    /// What happened (never a secret).
    pub message: String,
    /// The fix, in words.
    pub help: Option<String>,
    /// The TLS library's own error text, for `--format json` only: the message says it in
    /// words.
    pub tls_error: Option<String>,
    /// Completed stages with their durations.
    pub stages: Vec<StageTime>,
    /// Command round trips.
    pub latency: Option<Latency>,
    /// With `--access`, after a login that worked: what the credential may do.
    pub access: Option<AccessFound>,
}

/// A failure inside a stage.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    pub(crate) tls_error: Option<String>,
}

impl Failure {
    /// A failure whose message may quote the server (`ERR invalid password ... <echo>`):
    /// classified when it is read, as any text from outside is, so an echoed credential
    /// shows as `****`.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = crate::secret::Sensitive::classify(message, crate::secret::Hint::Plain);
        Self {
            kind,
            message: message.masked(),
            help: None,
            tls_error: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The raw TLS error, classified like the message (it may quote certificate names).
    pub(crate) fn tls_error(mut self, raw: impl Into<String>) -> Self {
        let raw = crate::secret::Sensitive::classify(raw.into(), crate::secret::Hint::Plain);
        self.tls_error = Some(raw.masked());
        self
    }

    /// A URL or token that does not validate: nothing is sent; the lint finding explains.
    pub(crate) fn invalid(finding: Option<&crate::parse::Finding>) -> Self {
        Self {
            kind: ErrorKind::Protocol,
            message: finding.map_or_else(
                || "the URL is not valid".to_owned(),
                |f| format!("{} [{}]", f.message, f.code),
            ),
            help: finding.and_then(|f| f.help.clone()),
            tls_error: None,
        }
    }
}

/// Builds results stage by stage.
pub(crate) struct Recorder {
    result: CheckResult,
}

impl Recorder {
    /// `endpoint` is shown in every result: it is masked here, whatever shape it has.
    pub(crate) fn new(transport: Transport, endpoint: &str) -> Self {
        Self {
            result: CheckResult {
                transport,
                endpoint: crate::secret::mask_url(endpoint),
                ok: false,
                stage: Stage::Dns,
                error_kind: None,
                message: String::new(),
                help: None,
                tls_error: None,
                stages: Vec::new(),
                latency: None,
                access: None,
            },
        }
    }

    /// Runs one stage under `timeout`, recording its time or its failure.
    pub(crate) async fn stage<T, F>(
        &mut self,
        stage: Stage,
        timeout: Duration,
        f: F,
    ) -> Result<T, ()>
    where
        F: std::future::Future<Output = Result<T, Failure>>,
    {
        self.result.stage = stage;
        let start = std::time::Instant::now();
        let outcome = match tokio::time::timeout(timeout, f).await {
            Ok(r) => r,
            // A plain Redis port never answers a ClientHello: it waits for a newline. So a
            // TLS handshake that times out is reported as the TLS mistake it almost always is.
            Err(_) if stage == Stage::Tls => Err(Failure::new(
                ErrorKind::Tls,
                format!(
                    "no answer to the TLS handshake within {}: the server is probably not speaking TLS",
                    fmt_duration(timeout)
                ),
            )
            .help(timeout_help(stage))),
            Err(_) => Err(Failure::new(
                ErrorKind::Timeout,
                format!("no answer within {} at the {} stage", fmt_duration(timeout), stage.as_str()),
            )
            .help(timeout_help(stage))),
        };
        match outcome {
            Ok(v) if self.result.stages.last().is_some_and(|s| s.stage == stage) => Ok(v),
            Ok(v) => {
                self.result.stages.push(StageTime {
                    stage,
                    ms: start.elapsed().as_secs_f64() * 1000.0,
                });
                Ok(v)
            }
            Err(f) => {
                self.fail(f);
                Err(())
            }
        }
    }

    /// The DNS stage: resolves `host:port` under `timeout`. A Fly.io private name that times
    /// out gets the help of one that does not resolve (`fly redis proxy`): from outside Fly
    /// both mean the same.
    pub(crate) async fn resolve(
        &mut self,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<Vec<std::net::SocketAddr>, ()> {
        self.lookup(host, net::resolve(host, port), timeout).await
    }

    /// [`Recorder::resolve`] with the lookup given.
    async fn lookup<T>(
        &mut self,
        host: &str,
        lookup: impl std::future::Future<Output = Result<T, Failure>>,
        timeout: Duration,
    ) -> Result<T, ()> {
        let addrs = self.stage(Stage::Dns, timeout, lookup).await;
        if addrs.is_err()
            && self.result.error_kind == Some(ErrorKind::Timeout)
            && crate::parse::is_fly_private(host)
        {
            self.result.help = Some(net::dns_help(host));
        }
        addrs
    }

    pub(crate) fn fail(&mut self, f: Failure) {
        self.result.ok = false;
        self.result.error_kind = Some(f.kind);
        self.result.message = f.message;
        self.result.help = f.help;
        self.result.tls_error = f.tls_error;
    }

    /// Records what the `--access` probe found.
    pub(crate) fn access(&mut self, found: AccessFound) {
        self.result.access = Some(found);
    }

    pub(crate) fn finish(mut self, samples: &[f64], message: String) -> CheckResult {
        self.result.ok = true;
        self.result.latency = Latency::of(samples);
        self.result.message = message;
        self.result
    }

    pub(crate) fn failed(self) -> CheckResult {
        self.result
    }
}

pub(crate) fn fmt_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn timeout_help(stage: Stage) -> &'static str {
    match stage {
        Stage::Dns => "the resolver did not answer: check the host name and this machine's DNS",
        Stage::Connect => {
            "a firewall may drop the packets, or the host is not reachable from here (Fly.io private databases are reachable only inside Fly)"
        }
        Stage::Tls => {
            "if this is a plain (non-TLS) port, use redis:// (http:// for a local REST endpoint); otherwise raise --timeout"
        }
        Stage::Auth | Stage::Command => {
            "the server accepted the connection but does not answer: if it expects TLS, use rediss:// (https:// for REST); otherwise raise --timeout"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup that never answers (no network: the future stays pending) times out; for a
    /// Fly.io private name the help is the one of a name that does not resolve.
    #[test]
    fn a_fly_lookup_that_times_out_names_fly_redis_proxy() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let help = |host: &str| {
            let mut rec = Recorder::new(Transport::Tcp, "redis://h:6379");
            let never = std::future::pending::<Result<(), Failure>>();
            let timeout = Duration::from_millis(1);
            assert!(runtime.block_on(rec.lookup(host, never, timeout)).is_err());
            let r = rec.failed();
            assert_eq!(r.error_kind, Some(ErrorKind::Timeout));
            r.help.unwrap_or_default()
        };
        assert!(help("fly-late-waterfall-1133.upstash.io").contains("`fly redis proxy`"));
        assert!(!help("eu1-tidy-cat-12345.upstash.io").contains("fly"));
    }

    #[test]
    fn latency_summary_uses_nearest_rank() {
        let l = Latency::of(&[5.0, 1.0, 3.0, 2.0, 4.0]).unwrap();
        assert_eq!((l.min, l.median, l.p95), (1.0, 3.0, 5.0));
        let l = Latency::of(&[1.0, 2.0]).unwrap();
        assert_eq!(l.median, 1.5);
        let many: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(Latency::of(&many).unwrap().p95, 95.0);
        assert!(Latency::of(&[]).is_none());
    }
}
