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
                "use https://{host} here (no user, password or port); the password goes into the token"
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
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(Finding::new(Code::InvalidUrl, "the URL has no host")
            .help("use the REST endpoint from the console, https://<host>"));
    };
    let host = host.to_owned();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut extra = Vec::new();
    let loopback = is_loopback(&host);
    // Upstash's own hosts serve REST on https:// at the origin, so its help is a concrete
    // value there; another host (a self-hosted proxy) may not.
    let upstash = is_upstash_host(&host) && !is_fly_private(&host);
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
    Ok((RestUrl { origin, host }, extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::parse::codes;

    #[test]
    fn rest_url_checks() {
        let (url, f) = validate_rest_url("https://eu1-cat.upstash.io");
        assert!(f.is_empty());
        assert_eq!(url.unwrap().origin, "https://eu1-cat.upstash.io");
        let (url, f) = validate_rest_url("http://127.0.0.1:8079");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(url.unwrap().origin, "http://127.0.0.1:8079");
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
        ] {
            let (_, f) = validate_rest_url(value);
            assert!(codes(&f).contains(&code), "{value}: {f:?}");
        }
    }
}
