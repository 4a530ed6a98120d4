//! `UPSTASH_REDIS_REST_URL`: a REST endpoint, `https://host`.

use super::Finding;
use super::host::{is_fly_private, is_loopback, is_upstash_host, rough_host};
use crate::code::Code;
use crate::diagnostic::Edit;
use crate::secret::mask_url;

/// A REST endpoint that passed validation: the bare origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestUrl {
    /// `https://host[:port]`, no trailing slash.
    pub origin: String,
    /// Host name or address.
    pub host: String,
}

/// Validates a REST endpoint (`UPSTASH_REDIS_REST_URL`, `rest_url`).
#[must_use]
pub fn validate_rest_url(value: &str) -> (Option<RestUrl>, Vec<Finding>) {
    super::validate_url(value, parse_rest)
}

fn parse_rest(v: &str) -> Result<(RestUrl, Vec<Finding>), Finding> {
    let (scheme, rest) = super::split_url(
        v,
        || "use the REST endpoint from the console, https://<host>".to_owned(),
        |host| format!("a REST URL starts with `https://`: https://{host}"),
    )?;
    let scheme_range = 0..scheme.len();
    let lower = scheme.to_ascii_lowercase();
    match lower.as_str() {
        "http" | "https" => {}
        "redis" | "rediss" => {
            let host = rough_host(rest);
            return Err(Finding::new(
                Code::RedisUrlInRestUrl,
                format!("`{}` is a TCP URL, not the REST endpoint", mask_url(v)),
            )
            .help(format!(
                "use https://{host} here (no user, password or port); the REST token is a secret of its own, not this URL's password: copy it from the REST API section of the database's page in the Upstash console"
            ))
            .range(scheme_range));
        }
        other => {
            return Err(Finding::new(
                Code::InvalidUrl,
                format!("unsupported scheme `{other}` for a REST URL"),
            )
            .help(format!("use https://{}", rough_host(rest)))
            .range(scheme_range));
        }
    }
    let url = url::Url::parse(v).map_err(|e| match e {
        url::ParseError::InvalidPort => Finding::new(Code::InvalidPort, "the port is not valid")
            .help("write the port as a number from 1 to 65535, or leave it out"),
        other => Finding::new(
            Code::InvalidUrl,
            format!("`{}` is not a valid URL: {other}", mask_url(v)),
        ),
    })?;
    let Some(host) = url.host_str().filter(|h| !super::unqualified(h).is_empty()) else {
        return Err(Finding::new(Code::InvalidUrl, "the URL has no host")
            .help("use the REST endpoint from the console, https://<host>"));
    };
    let host = host.to_owned();
    // Where the host is written in `v` (`url` lower-cases it); `None` when the text differs
    // (an international name that `url` turned into punycode).
    let authority_start = scheme.len() + 3;
    let authority = &v[authority_start..];
    let authority = &authority[..authority.find(['/', '?', '#']).unwrap_or(authority.len())];
    let host_start = authority_start + authority.rfind('@').map_or(0, |i| i + 1);
    let host_span = v
        .get(host_start..host_start + host.len())
        .filter(|written| written.eq_ignore_ascii_case(&host))
        .map(|_| host_start..host_start + host.len());
    if is_console_host(&host) {
        return Err(Finding::new(
            Code::RestUrlNotEndpoint,
            format!("`{host}` is Upstash's console or management API, not a database's REST endpoint"),
        )
        .help("copy {var.rest_url} from the REST API section of the database page in the console: https://<name>.upstash.io")
        .range(host_span.unwrap_or(0..v.len())));
    }
    if is_fly_private(&host) {
        // Fly docs (https://fly.io/docs/reference/redis/): private databases, reached over
        // Fly's IPv6 network with the Redis protocol only.
        return Err(Finding::new(
            Code::FlyRestUrl,
            format!("`{host}` is a Fly.io private database: it has no REST API"),
        )
        .help(format!("on Fly use the TCP URL, redis://default:<password>@{host}:6379, in {{var.tcp_url}}; for REST create a regular Upstash database"))
        .range(host_span.unwrap_or(0..v.len())));
    }
    let mut extra = Vec::new();
    let loopback = is_loopback(&host);
    // Upstash's own hosts serve REST on https:// at the origin, so its help is a concrete
    // value there; another host (a self-hosted proxy) may not.
    let upstash = is_upstash_host(&host);
    // `url` drops a default port (`:443` for https), so the written one is read from the text.
    let after_host = host_span.map_or(v.len(), |span| span.end);
    let written_port = v[after_host..]
        .strip_prefix(':')
        .map(|rest| rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let port = if upstash {
        String::new()
    } else {
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    };
    if let (true, Some(len)) = (upstash, written_port) {
        let range = after_host..after_host + 1 + len;
        extra.push(
            Finding::new(
                Code::RestUrlHasPort,
                format!(
                    "the REST URL has the port `{}`; Upstash serves REST on the default HTTPS port",
                    &v[range.start + 1..range.end]
                ),
            )
            .help(format!("remove the port: https://{host}"))
            .range(range.clone())
            .edits(vec![Edit::delete(range)]),
        );
    }
    if lower == "http" && !loopback {
        let f = Finding::new(
            Code::RestUrlInsecure,
            "the REST URL uses `http://`; the token would travel in plain text",
        )
        .help(format!("use https://{host}{port}"))
        .range(scheme_range);
        extra.push(if upstash { f.replace_with("https") } else { f });
    }
    let has_extra = url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some();
    let origin = format!("{lower}://{host}{port}");
    if has_extra {
        let what = if !url.username().is_empty() || url.password().is_some() {
            "credentials"
        } else if url.query().is_some() {
            "a query string"
        } else {
            "a path"
        };
        let start = scheme.len() + 3;
        let f = Finding::new(
            Code::RestUrlHasPath,
            format!("the REST URL has {what}; clients append command paths themselves"),
        )
        .help(format!("use the bare origin: {origin}"))
        .range(start..v.len());
        // Only a path is removed: a query or credentials may hold the token.
        let path_only = what == "a path" && url.fragment().is_none();
        extra.push(match v[start..].find('/') {
            Some(slash) if upstash && path_only => {
                f.edits(vec![Edit::delete(start + slash..v.len())])
            }
            _ => f,
        });
    }
    // A bare trailing slash parses as the empty path, but clients join command paths to the
    // URL as written: upstash-redis (Python) sends `https://host//pipeline`
    // (`upstash_redis/client.py`: `f"{url}/{multi_exec}"`).
    if !has_extra && v.ends_with('/') {
        let slash = v.len() - 1;
        let f = Finding::new(
            Code::RestUrlHasPath,
            "the REST URL ends in `/`; a client that appends command paths as written sends `//pipeline` (upstash-redis for Python does)",
        )
        .help(format!("use the bare origin: {origin}"))
        .range(slash..v.len());
        extra.push(if upstash {
            f.edits(vec![Edit::delete(slash..v.len())])
        } else {
            f
        });
    }
    Ok((RestUrl { origin, host }, extra))
}

/// Upstash's console and management API: where users copy from, never an endpoint.
fn is_console_host(host: &str) -> bool {
    let host = super::unqualified(host).to_ascii_lowercase();
    host == "upstash.com" || host.ends_with(".upstash.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::parse::codes;

    /// A trailing slash is a path to clients that join `/pipeline` to the URL as written:
    /// flagged, and on Upstash's hosts removed by `fix`; the bare origin is not.
    #[test]
    fn a_trailing_slash_is_flagged_and_removed() {
        let (url, f) = validate_rest_url("https://eu1-cat-12345.upstash.io/");
        assert_eq!(
            url.map(|u| u.origin).as_deref(),
            Some("https://eu1-cat-12345.upstash.io")
        );
        assert_eq!(codes(&f), ["rest-url-has-path"]);
        assert!(f[0].message.contains("`//pipeline`"), "{}", f[0].message);
        assert!(f[0].fix.is_some());
        let (_, f) = validate_rest_url("https://eu1-cat-12345.upstash.io");
        assert!(f.is_empty());
        // Elsewhere it is said, not removed.
        let (_, f) = validate_rest_url("https://redis.example.com/");
        assert_eq!(codes(&f), ["rest-url-has-path"]);
        assert!(f[0].fix.is_none());
    }

    /// The TCP password is not the REST token (Upstash answers `WRONGPASS invalid or
    /// missing auth token`): the help never steers it there.
    #[test]
    fn a_tcp_url_here_points_at_the_rest_token_in_the_console() {
        let (_, f) = validate_rest_url("rediss://default:pw@eu1-cat.upstash.io:6379");
        let help = f[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("https://eu1-cat.upstash.io"), "{help}");
        assert!(help.contains("REST API section"), "{help}");
        assert!(!help.contains("password goes into"), "{help}");
    }

    #[test]
    fn rest_url_checks() {
        let (url, f) = validate_rest_url("https://eu1-cat.upstash.io");
        assert!(f.is_empty());
        assert_eq!(url.unwrap().origin, "https://eu1-cat.upstash.io");
        let (url, f) = validate_rest_url("http://127.0.0.1:8079");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(url.unwrap().origin, "http://127.0.0.1:8079");
        // The port is reported, and its fix removes exactly `:6379`.
        let (_, f) = validate_rest_url("https://eu1-cat.upstash.io:6379");
        assert_eq!(f[0].range, Some(26..31), "{f:?}");
        assert!(f[0].fix.is_some(), "{f:?}");
        // A self-hosted proxy keeps its port.
        let (url, f) = validate_rest_url("https://redis.example.com:8443");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(url.unwrap().origin, "https://redis.example.com:8443");
        for (value, code) in [
            (
                "rediss://default:pw@eu1-cat.upstash.io:6379",
                "redis-url-in-rest-url",
            ),
            ("http://eu1-cat.upstash.io", "rest-url-insecure"),
            ("https://eu1-cat.upstash.io/get/foo", "rest-url-has-path"),
            ("https://eu1-cat.upstash.io?_token=x", "rest-url-has-path"),
            ("eu1-cat.upstash.io", "invalid-url"),
            ("https://<ENDPOINT>", "placeholder-value"),
            (
                "https://console.upstash.com/redis/0a1b2c3d?teamid=0",
                "rest-url-not-endpoint",
            ),
            ("https://api.upstash.com", "rest-url-not-endpoint"),
            ("https://fly-late-waterfall-1133.upstash.io", "fly-rest-url"),
            ("https://eu1-cat.upstash.io:6379", "rest-url-has-port"),
            ("https://eu1-cat.upstash.io:443", "rest-url-has-port"),
            (
                "https://default:pw@eu1-cat.upstash.io:6379/",
                "rest-url-has-port",
            ),
        ] {
            let (_, f) = validate_rest_url(value);
            assert!(codes(&f).contains(&code), "{value}: {f:?}");
        }
    }
}
