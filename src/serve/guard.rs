//! Which browsers and names may talk to `serve`: the `Host` check (against DNS rebinding) and
//! the `Origin` check with CORS (against cross-site requests from a page the developer
//! happens to have open).
//!
//! A web page can make the browser send requests to `127.0.0.1`: a `text/plain` POST needs no
//! preflight, and a name that the attacker re-points at `127.0.0.1` after the page loaded
//! makes even the responses readable. Both carry a tell-tale header the page cannot remove:
//! `Origin` (a cross-site request) and `Host` (the attacker's name). Non-browser clients —
//! `@upstash/redis` on Node, curl, the generated clients — send neither an `Origin` nor a
//! foreign `Host`, so refusing both costs them nothing.

use std::net::SocketAddr;

use hyper::header::HeaderValue;

use super::config::{ServeConfig, ServeError};
use super::refusal::Refusal;

/// The request headers the Upstash clients send; a preflight allows these and no others.
const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "upstash-encoding",
    "upstash-response-format",
    "upstash-sync-token",
    "upstash-telemetry-platform",
    "upstash-telemetry-retry",
    "upstash-telemetry-runtime",
    "upstash-telemetry-sdk",
];

/// Which origins may call.
#[derive(Debug)]
enum Origins {
    /// `--cors-origin '*'`.
    Any,
    /// Exact origins, lowercase, without a trailing slash; may be empty.
    List(Vec<String>),
}

/// The configured names and origins.
#[derive(Debug)]
pub(crate) struct Guard {
    listen: SocketAddr,
    /// The listen address's IP as a `Host` names it: `127.0.0.1`, `[::1]`.
    listen_name: String,
    /// `LISTEN_NAME:PORT` and `localhost:PORT`, what nearly every request's `Host` is, byte
    /// for byte: matched before any parsing.
    usual_hosts: [Vec<u8>; 2],
    /// `--allow-host` values, lowercase: `name` (any port) or `name:port`.
    hosts: Vec<String>,
    origins: Origins,
}

impl Guard {
    pub(crate) fn new(config: &ServeConfig) -> Self {
        let origins = if config.cors_origins.iter().any(|o| o == "*") {
            Origins::Any
        } else {
            Origins::List(
                config
                    .cors_origins
                    .iter()
                    .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                    .collect(),
            )
        };
        let listen_name = match config.listen.ip() {
            std::net::IpAddr::V4(v4) => v4.to_string(),
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        };
        let port = config.listen.port();
        Self {
            listen: config.listen,
            usual_hosts: [
                format!("{listen_name}:{port}").into_bytes(),
                format!("localhost:{port}").into_bytes(),
            ],
            listen_name,
            hosts: config
                .allow_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            origins,
        }
    }

    /// Whether a `Host` header (or the authority of an absolute request target) names this
    /// server: its listen address, `localhost`, or an `--allow-host` name.
    pub(crate) fn host_allowed(&self, host: &[u8]) -> bool {
        // The usual case, allowed by the rules below too, without parsing.
        if self.usual_hosts.iter().any(|usual| usual == host) {
            return true;
        }
        let Ok(host) = std::str::from_utf8(host) else {
            return false;
        };
        // Names compare without case, and without a lowercase copy per request.
        let Some((name, port)) = split_host(host.trim()) else {
            return false;
        };
        let is = |other: &str| name.eq_ignore_ascii_case(other);
        let port_ok = port.is_none_or(|p| p == self.listen.port());
        let ip = self.listen.ip();
        let loopback_name = is("127.0.0.1") || is("[::1]");
        if port_ok
            && (is(&self.listen_name) || is("localhost") || (ip.is_unspecified() && loopback_name))
        {
            return true;
        }
        self.hosts.iter().any(|allowed| match split_host(allowed) {
            Some((n, Some(p))) => is(n) && port == Some(p),
            Some((n, None)) => is(n),
            None => false,
        })
    }

    /// The `Access-Control-Allow-Origin` value for a request with this `Origin` header:
    /// `None` without one; an `Origin` that is not allowed is refused.
    pub(crate) fn cors(
        &self,
        origin: Option<&HeaderValue>,
    ) -> Result<Option<HeaderValue>, Refusal> {
        let Some(origin) = origin else {
            return Ok(None);
        };
        match &self.origins {
            Origins::Any => Ok(Some(HeaderValue::from_static("*"))),
            Origins::List(list)
                if list
                    .iter()
                    .any(|o| o.as_bytes().eq_ignore_ascii_case(origin.as_bytes())) =>
            {
                Ok(Some(origin.clone()))
            }
            Origins::List(_) => Err(Refusal::forbidden(
                "ERR upwire serve: requests from this browser origin are refused (a web page \
                 must not reach your local Redis); allow it with --cors-origin ORIGIN",
            )),
        }
    }

    /// The request headers a preflight may allow: those asked for that the Upstash clients
    /// send, in the order asked.
    pub(crate) fn preflight_headers(requested: Option<&HeaderValue>) -> HeaderValue {
        let allowed: Vec<&str> = match requested.and_then(|v| v.to_str().ok()) {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter_map(|h| {
                    CLIENT_HEADERS
                        .iter()
                        .copied()
                        .find(|c| c.eq_ignore_ascii_case(h))
                })
                .collect(),
            None => vec!["authorization", "content-type", "upstash-encoding"],
        };
        HeaderValue::from_str(&allowed.join(", "))
            .unwrap_or_else(|_| HeaderValue::from_static("authorization"))
    }
}

/// `name[:port]` or `[v6][:port]` → (name, port); `None` for anything else.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (name, rest) = host.split_at(end + 1);
        match rest {
            "" => (name, None),
            _ => (name, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    if name.is_empty() {
        return None;
    }
    match port {
        None => Some((name, None)),
        Some(p) => p.parse().ok().map(|p| (name, Some(p))),
    }
}

/// Checks a `--allow-host` value.
pub(crate) fn check_host_setting(value: &str) -> Result<(), ServeError> {
    let invalid = |reason| ServeError::InvalidSetting {
        flag: "--allow-host",
        value: value.to_owned(),
        reason,
    };
    if value.contains("://") || value.contains('/') {
        return Err(invalid(
            "give a host name such as dev.example.test, not a URL",
        ));
    }
    if split_host(&value.to_ascii_lowercase()).is_none()
        || value
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(invalid("give a host name, optionally with :PORT"));
    }
    Ok(())
}

/// Checks a `--cors-origin` value.
pub(crate) fn check_origin_setting(value: &str) -> Result<(), ServeError> {
    let invalid = |reason| ServeError::InvalidSetting {
        flag: "--cors-origin",
        value: value.to_owned(),
        reason,
    };
    if value == "*" {
        return Ok(());
    }
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| invalid("an origin is scheme://host[:port], e.g. http://localhost:3000"))?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains('/') || HeaderValue::from_str(value).is_err() {
        return Err(invalid(
            "an origin is scheme://host[:port] without a path, e.g. http://localhost:3000",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(listen: &str, hosts: &[&str], origins: &[&str]) -> Guard {
        let mut config = ServeConfig::new("redis://127.0.0.1:6379").listen(listen.parse().unwrap());
        config.allow_hosts = hosts.iter().map(|s| (*s).to_owned()).collect();
        config.cors_origins = origins.iter().map(|s| (*s).to_owned()).collect();
        Guard::new(&config)
    }

    #[test]
    fn hosts() {
        let g = guard("127.0.0.1:8079", &["dev.example.test", "box:9000"], &[]);
        for ok in [
            "127.0.0.1:8079",
            "127.0.0.1",
            "localhost",
            "LOCALHOST:8079",
            "dev.example.test",
            "dev.example.test:1234",
            "box:9000",
        ] {
            assert!(g.host_allowed(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "attacker.example",
            "attacker.example:8079",
            "127.0.0.1:1",
            "localhost:1",
            "box:9001",
            "box",
            "",
            ":8079",
            "127.0.0.1:x",
            "[::1]:8079",
            "localhost.",
        ] {
            assert!(!g.host_allowed(bad.as_bytes()), "{bad}");
        }
        assert!(!g.host_allowed(b"\xff"));
        let v6 = guard("[::1]:8079", &[], &[]);
        assert!(v6.host_allowed(b"[::1]:8079"));
        assert!(v6.host_allowed(b"[::1]"));
        assert!(!v6.host_allowed(b"127.0.0.1:8079"));
        let any = guard("0.0.0.0:8079", &[], &[]);
        assert!(any.host_allowed(b"127.0.0.1:8079"));
        assert!(!any.host_allowed(b"attacker.example:8079"));
    }

    #[test]
    fn origins() {
        use hyper::header::{self, HeaderMap};
        let mut headers = HeaderMap::new();
        let none = guard("127.0.0.1:8079", &[], &[]);
        assert!(matches!(none.cors(headers.get(header::ORIGIN)), Ok(None)));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(none.cors(headers.get(header::ORIGIN)).is_err());
        let some = guard("127.0.0.1:8079", &[], &["http://localhost:3000/"]);
        assert!(some.cors(headers.get(header::ORIGIN)).is_err());
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:3000"),
        );
        assert_eq!(
            some.cors(headers.get(header::ORIGIN))
                .ok()
                .flatten()
                .unwrap(),
            "http://localhost:3000"
        );
        let any = guard("127.0.0.1:8079", &[], &["*"]);
        assert_eq!(
            any.cors(headers.get(header::ORIGIN))
                .ok()
                .flatten()
                .unwrap(),
            "*"
        );
    }

    #[test]
    fn preflight_headers_are_the_clients_only() {
        let asked = HeaderValue::from_static("Authorization, X-Evil, upstash-sync-token");
        assert_eq!(
            Guard::preflight_headers(Some(&asked)),
            "authorization, upstash-sync-token"
        );
    }

    #[test]
    fn settings() {
        assert!(check_origin_setting("*").is_ok());
        assert!(check_origin_setting("http://localhost:3000").is_ok());
        assert!(check_origin_setting("https://app.example/").is_ok());
        for bad in ["localhost:3000", "http://", "http://a/b", "ftp://x"] {
            assert!(check_origin_setting(bad).is_err(), "{bad}");
        }
        assert!(check_host_setting("dev.example.test").is_ok());
        assert!(check_host_setting("dev.example.test:8080").is_ok());
        for bad in ["http://x", "a b", "", "x:y"] {
            assert!(check_host_setting(bad).is_err(), "{bad}");
        }
    }
}
