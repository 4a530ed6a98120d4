//! Validated TCP and REST endpoints, and the checks that produce them.
//!
//! A value is parsed once into [`RedisUrl`], [`RestUrl`] or a checked token; every problem is
//! a [`Finding`] with a byte range relative to the value, so callers can point a caret into
//! the descriptor or env file. Messages and help never contain a secret.

use std::ops::Range;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity, SourceFile};
use crate::secret::{MASK, find_placeholder, mask_url};

/// One problem with a value, positioned relative to the start of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The diagnostic code.
    pub code: Code,
    /// Severity when it differs from the code's default.
    pub severity: Severity,
    /// What is wrong (secrets masked).
    pub message: String,
    /// The fix (secrets masked).
    pub help: Option<String>,
    /// Where in the value; `None` means the whole value.
    pub range: Option<Range<usize>>,
}

impl Finding {
    fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            range: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn range(mut self, range: Range<usize>) -> Self {
        self.range = Some(range);
        self
    }

    fn shift(mut self, by: usize) -> Self {
        self.range = self.range.map(|r| r.start + by..r.end + by);
        self
    }

    /// Whether this finding is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic for this finding, placed at `span` of `source`.
    #[must_use]
    pub fn into_diagnostic(self, source: &SourceFile, span: Range<usize>) -> Diagnostic {
        let mut d = Diagnostic::new(self.code, self.message)
            .at(source, span)
            .severity(self.severity);
        d.help = self.help;
        d
    }
}

/// A TCP endpoint that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisUrl {
    /// `rediss://` (TLS) or `redis://`.
    pub tls: bool,
    /// The user name, percent-decoded (`default` when empty).
    pub username: String,
    /// Whether a password is present.
    pub has_password: bool,
    /// Host name or address, without brackets.
    pub host: String,
    /// Port (6379 when absent).
    pub port: u16,
    /// Logical database index.
    pub db: i64,
}

impl RedisUrl {
    /// Whether the host is an Upstash database.
    #[must_use]
    pub fn is_upstash(&self) -> bool {
        is_upstash_host(&self.host)
    }
}

/// A REST endpoint that passed validation: the bare origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestUrl {
    /// `https://host[:port]`, no trailing slash.
    pub origin: String,
    /// Host name or address.
    pub host: String,
}

/// Whether `host` is an Upstash database host.
#[must_use]
pub fn is_upstash_host(host: &str) -> bool {
    host.to_ascii_lowercase().ends_with(".upstash.io")
}

/// Fly.io private Upstash databases speak plain `redis://` inside Fly's network.
fn is_fly_private(host: &str) -> bool {
    is_upstash_host(host) && host.to_ascii_lowercase().starts_with("fly-")
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Strips whitespace and wrapping quotes, reporting them. Returns the inner range.
fn check_whitespace(value: &str, findings: &mut Vec<Finding>) -> Range<usize> {
    let trimmed_start = value.len() - value.trim_start().len();
    let trimmed_end = value.trim_end().len();
    let mut inner = trimmed_start..trimmed_end.max(trimmed_start);
    if inner != (0..value.len()) {
        findings.push(
            Finding::new(
                Code::WhitespaceInValue,
                "the value has leading or trailing whitespace",
            )
            .help("remove the spaces, tabs or newlines around the value")
            .range(0..value.len()),
        );
    }
    let text = &value[inner.clone()];
    if text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')))
    {
        findings.push(
            Finding::new(
                Code::WhitespaceInValue,
                "the value is wrapped in quotes that are part of the value",
            )
            .help("remove the quotes: they would be sent as part of the URL or token")
            .range(inner.clone()),
        );
        inner = inner.start + 1..inner.end - 1;
    }
    if let Some(i) = value[inner.clone()].find(['\n', '\r']) {
        findings.push(
            Finding::new(Code::WhitespaceInValue, "the value contains a line break")
                .help("remove the line break; the value must be on one line")
                .range(inner.start + i..inner.start + i + 1),
        );
    }
    inner
}

fn placeholder(value: &str, offset: usize) -> Option<Finding> {
    let r = find_placeholder(value)?;
    let text = &value[r.clone()];
    Some(
        Finding::new(
            Code::PlaceholderValue,
            format!("the placeholder `{text}` was left in the value"),
        )
        .help("replace it with the real value from the Upstash console, ideally via an env file")
        .range(r.start + offset..r.end + offset),
    )
}

/// Splits `scheme://rest`.
fn split_scheme(value: &str) -> Option<(&str, &str)> {
    let i = value.find("://")?;
    let scheme = &value[..i];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    Some((scheme, &value[i + 3..]))
}

/// The host of a URL-like string, found without a full parse (for help texts).
fn rough_host(rest: &str) -> String {
    let after_user = rest.rfind('@').map_or(rest, |i| &rest[i + 1..]);
    let end = after_user.find(['/', '?', '#']).unwrap_or(after_user.len());
    let hostport = &after_user[..end];
    if hostport.starts_with('[') {
        return hostport
            .find(']')
            .map_or(hostport, |i| &hostport[..=i])
            .to_owned();
    }
    hostport.split(':').next().unwrap_or("").to_owned()
}

fn tcp_form(host: &str, port: u16) -> String {
    let host = if host.is_empty() { "<host>" } else { host };
    format!("rediss://default:{MASK}@{host}:{port}")
}

/// Validates a TCP endpoint (`REDIS_URL`, `redis_url`).
#[must_use]
pub fn validate_redis_url(value: &str) -> (Option<RedisUrl>, Vec<Finding>) {
    let mut findings = Vec::new();
    let inner = check_whitespace(value, &mut findings);
    let v = &value[inner.clone()];
    let off = inner.start;
    if let Some(f) = placeholder(v, off) {
        findings.push(f);
        return (None, findings);
    }
    let parsed = parse_redis(v).map_err(|f| f.shift(off));
    match parsed {
        Ok((url, extra)) => {
            findings.extend(extra.into_iter().map(|f| f.shift(off)));
            let ok = !findings.iter().any(Finding::is_error);
            (ok.then_some(url), findings)
        }
        Err(f) => {
            findings.push(f);
            (None, findings)
        }
    }
}

fn parse_redis(v: &str) -> Result<(RedisUrl, Vec<Finding>), Finding> {
    if v.is_empty() {
        return Err(Finding::new(Code::InvalidUrl, "the URL is empty")
            .help(format!("use the TCP endpoint, {}", tcp_form("", 6379))));
    }
    let Some((scheme, rest)) = split_scheme(v) else {
        let host = rough_host(v);
        return Err(
            Finding::new(Code::InvalidUrl, format!("`{}` has no scheme", mask_url(v))).help(
                format!(
                    "a TCP URL starts with `rediss://`: {}",
                    tcp_form(&host, 6379)
                ),
            ),
        );
    };
    let scheme_range = 0..scheme.len();
    match scheme.to_ascii_lowercase().as_str() {
        "redis" | "rediss" => {}
        "http" | "https" => {
            let host = rough_host(rest);
            return Err(Finding::new(
                Code::RestUrlInRedisUrl,
                format!(
                    "`{}` is the REST endpoint, not a TCP URL",
                    mask_url(v)
                ),
            )
            .help(format!(
                "use the TCP endpoint, {}, or read this value as UPSTASH_REDIS_REST_URL with the REST API",
                tcp_form(&host, 6379)
            ))
            .range(scheme_range));
        }
        "unix" | "redis+unix" => {
            return Err(Finding::new(
                Code::InvalidUrl,
                "unix socket URLs cannot reach a hosted Redis",
            )
            .help(format!("use the TCP endpoint, {}", tcp_form("", 6379)))
            .range(scheme_range));
        }
        other => {
            return Err(
                Finding::new(Code::InvalidUrl, format!("unsupported scheme `{other}`"))
                    .help(format!(
                        "use `rediss://` (TLS) or `redis://`: {}",
                        tcp_form(&rough_host(rest), 6379)
                    ))
                    .range(scheme_range),
            );
        }
    }
    let tls = scheme.eq_ignore_ascii_case("rediss");
    let base = scheme.len() + 3;
    let (userinfo, after) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), at + 1),
        None => (None, 0),
    };
    if let Some(userinfo) = userinfo {
        check_userinfo(userinfo, rest, base, tls)?;
    }
    let tail = &rest[after..];
    let host_end = tail.find(['/', '?', '#']).unwrap_or(tail.len());
    let hostport = &tail[..host_end];
    let hp_base = base + after;
    let (host, port_text) = split_host_port(hostport).map_err(|f| f.shift(hp_base))?;
    if host.is_empty() {
        return Err(Finding::new(Code::InvalidUrl, "the URL has no host")
            .help(format!("add the host: {}", tcp_form("", 6379)))
            .range(hp_base..hp_base + hostport.len()));
    }
    let port = match port_text {
        None => 6379,
        // A missing port points at its `:` (nothing follows it when the value ends there).
        Some((text, at)) => parse_port(text).map_err(|f| {
            f.range(if text.is_empty() {
                hp_base + at - 1..hp_base + at
            } else {
                hp_base + at..hp_base + at + text.len()
            })
            .help(format!(
                "write the port as a number from 1 to 65535, e.g. {}",
                tcp_form(&host, 6379)
            ))
        })?,
    };
    let url = url::Url::parse(v).map_err(|e| url_error(&e, v, &host))?;
    if url.fragment().is_some() {
        let at = v.find('#').unwrap_or(0);
        return Err(Finding::new(
            Code::InvalidUrl,
            "the URL has a `#` fragment, which Redis clients ignore or reject",
        )
        .help("remove everything from `#`; inside a password, write `#` as `%23`")
        .range(at..v.len()));
    }
    // The host as clients read it: `url` writes IPv6 literals in their short form.
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_owned(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => host,
    };
    if host == "0.0.0.0" || host == "::" {
        return Err(Finding::new(
            Code::InvalidUrl,
            format!("`{host}` is an address to listen on; clients cannot connect to it"),
        )
        .help("use 127.0.0.1 or ::1 for a server on this machine, or the database's host name")
        .range(hp_base..hp_base + hostport.len()));
    }
    if let Some(userinfo) = userinfo {
        let colon = userinfo.find(':').unwrap_or(userinfo.len());
        for (part, raw, range) in [
            ("user name", url.username(), base..base + colon),
            (
                "password",
                url.password().unwrap_or(""),
                base + colon + 1..base + userinfo.len(),
            ),
        ] {
            if String::from_utf8(percent_decode_bytes(raw)).is_err() {
                return Err(Finding::new(
                    Code::InvalidUrl,
                    format!("the {part} percent-encodes bytes that are not UTF-8 text"),
                )
                .help(format!("percent-encode the UTF-8 bytes of each character in the {part}, e.g. `ä` as `%C3%A4`"))
                .range(range));
            }
        }
    }
    if let Some((_, p)) = url
        .query_pairs()
        .find(|(k, p)| k == "protocol" && !matches!(p.as_ref(), "2" | "3" | "resp2" | "resp3"))
    {
        let at = v.find('?').unwrap_or(0);
        return Err(Finding::new(
            Code::InvalidUrl,
            format!("`protocol={p}` is not a protocol version clients accept"),
        )
        .help("write `protocol=resp3` or `protocol=resp2`, or leave it out for RESP2")
        .range(at..v.len()));
    }
    let path = url.path().trim_matches('/');
    let db: i64 = if path.is_empty() {
        0
    } else {
        path.parse().map_err(|_| {
            let at = base + after + host_end;
            // The span covers the path as written: `url` percent-encodes and normalises it,
            // so its length says nothing about the value's.
            let raw = tail[host_end..]
                .find(['?', '#'])
                .unwrap_or(tail.len() - host_end);
            Finding::new(
                Code::InvalidUrl,
                format!("the database `/{path}` is not a number"),
            )
            .help(format!("remove the path: {}", tcp_form(&host, port)))
            .range(at..at + raw)
        })?
    };
    let username = percent_decode(url.username());
    let has_password = url.password().is_some_and(|p| !p.is_empty());
    let mut extra = Vec::new();
    let upstash = is_upstash_host(&host);
    if upstash && !tls && !is_fly_private(&host) {
        extra.push(
            Finding::new(
                Code::TlsRequired,
                "Upstash accepts only TLS connections, but this URL uses `redis://`",
            )
            .help(format!(
                "use `rediss://`: {}",
                mask_url(&format!("rediss{}", &v[scheme.len()..]))
            ))
            .range(scheme_range.clone()),
        );
    }
    if upstash && !has_password {
        extra.push(
            Finding::new(
                Code::MissingPassword,
                "the URL has no password; Upstash requires one",
            )
            .help(format!(
                "add the database password from the console: {}",
                tcp_form(&host, port)
            ))
            .range(base..hp_base + hostport.len()),
        );
    }
    if url.username().is_empty() && has_password {
        let colon = base;
        extra.push(
            Finding::new(Code::EmptyUsername, "the user name is empty")
                .help(format!(
                    "write the user explicitly: {}",
                    mask_url(&format!("{scheme}://default{rest}"))
                ))
                .range(colon..colon + 1),
        );
    }
    if upstash && db != 0 {
        let at = base + after + host_end;
        extra.push(
            Finding::new(
                Code::NonzeroDatabase,
                format!("Upstash has only database 0, this URL selects database {db}"),
            )
            .help(format!("remove the path: {}", tcp_form(&host, port)))
            .range(at..at + 1 + path.len()),
        );
    }
    Ok((
        RedisUrl {
            tls,
            username: if username.is_empty() {
                "default".to_owned()
            } else {
                username
            },
            has_password,
            host,
            port,
            db,
        },
        extra,
    ))
}

fn check_userinfo(userinfo: &str, rest: &str, base: usize, tls: bool) -> Result<(), Finding> {
    let bad: Vec<char> = ['@', '#', '/', '?', ' ']
        .into_iter()
        .filter(|c| userinfo.contains(*c))
        .collect();
    let bad_percent = userinfo.match_indices('%').any(|(i, _)| {
        userinfo
            .get(i + 1..i + 3)
            .is_none_or(|h| !h.chars().all(|c| c.is_ascii_hexdigit()))
    });
    if bad.is_empty() && !bad_percent {
        return Ok(());
    }
    let (part, part_range) = match userinfo.find(':') {
        Some(c) => ("password", base + c + 1..base + userinfo.len()),
        None => ("user name", base..base + userinfo.len()),
    };
    let mut list: Vec<String> = bad
        .iter()
        .map(|c| {
            format!(
                "`{}` as `{}`",
                if *c == ' ' {
                    "space".into()
                } else {
                    c.to_string()
                },
                encode_char(*c)
            )
        })
        .collect();
    if bad_percent {
        list.push("`%` as `%25`".to_owned());
    }
    let host = rough_host(rest);
    let scheme = if tls { "rediss" } else { "redis" };
    let user = userinfo.split(':').next().unwrap_or("default");
    let user = if user.is_empty() || part == "user name" {
        "default"
    } else {
        user
    };
    Err(Finding::new(
        Code::InvalidUrl,
        format!(
            "the {part} contains characters that must be percent-encoded in a URL"
        ),
    )
    .help(format!(
        "percent-encode {} in the {part}: {scheme}://{user}:{MASK}@{host}:6379 with the encoded {part}",
        list.join(", ")
    ))
    .range(part_range))
}

fn encode_char(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned()
}

fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

type HostPort<'a> = (String, Option<(&'a str, usize)>);

/// Splits `host[:port]` or `[v6][:port]`; the port comes with its offset in `hostport`.
fn split_host_port(hostport: &str) -> Result<HostPort<'_>, Finding> {
    if let Some(stripped) = hostport.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            return Err(
                Finding::new(Code::InvalidUrl, "the IPv6 address has no closing `]`")
                    .range(0..hostport.len()),
            );
        };
        let host = stripped[..close].to_owned();
        let after = &stripped[close + 1..];
        return match after.strip_prefix(':') {
            Some(p) => Ok((host, Some((p, close + 3)))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(
                Finding::new(Code::InvalidUrl, "unexpected text after the IPv6 address")
                    .range(close + 2..hostport.len()),
            ),
        };
    }
    match hostport.find(':') {
        Some(i) => Ok((hostport[..i].to_owned(), Some((&hostport[i + 1..], i + 1)))),
        None => Ok((hostport.to_owned(), None)),
    }
}

fn parse_port(text: &str) -> Result<u16, Finding> {
    if text.is_empty() {
        return Err(Finding::new(
            Code::InvalidPort,
            "the port is missing after `:`",
        ));
    }
    if !text.chars().all(|c| c.is_ascii_digit()) {
        return Err(Finding::new(
            Code::InvalidPort,
            format!("the port `{text}` is not a number"),
        ));
    }
    match text.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(u16::try_from(p).unwrap_or(u16::MAX)),
        _ => Err(Finding::new(
            Code::InvalidPort,
            format!("the port `{text}` is out of range (1-65535)"),
        )),
    }
}

fn url_error(e: &url::ParseError, v: &str, host: &str) -> Finding {
    match e {
        url::ParseError::InvalidPort => Finding::new(Code::InvalidPort, "the port is not valid")
            .help(format!(
                "write the port as a number from 1 to 65535, e.g. {}",
                tcp_form(host, 6379)
            )),
        other => Finding::new(
            Code::InvalidUrl,
            format!("`{}` is not a valid URL: {other}", mask_url(v)),
        ),
    }
}

/// Validates a REST endpoint (`UPSTASH_REDIS_REST_URL`, `rest_url`).
#[must_use]
pub fn validate_rest_url(value: &str) -> (Option<RestUrl>, Vec<Finding>) {
    let mut findings = Vec::new();
    let inner = check_whitespace(value, &mut findings);
    let v = &value[inner.clone()];
    let off = inner.start;
    if let Some(f) = placeholder(v, off) {
        findings.push(f);
        return (None, findings);
    }
    match parse_rest(v) {
        Ok((url, extra)) => {
            findings.extend(extra.into_iter().map(|f| f.shift(off)));
            let ok = !findings.iter().any(Finding::is_error);
            (ok.then_some(url), findings)
        }
        Err(f) => {
            findings.push(f.shift(off));
            (None, findings)
        }
    }
}

fn parse_rest(v: &str) -> Result<(RestUrl, Vec<Finding>), Finding> {
    if v.is_empty() {
        return Err(Finding::new(Code::InvalidUrl, "the URL is empty")
            .help("use the REST endpoint from the console, https://<host>"));
    }
    let Some((scheme, rest)) = split_scheme(v) else {
        let host = rough_host(v);
        return Err(
            Finding::new(Code::InvalidUrl, format!("`{}` has no scheme", mask_url(v)))
                .help(format!("a REST URL starts with `https://`: https://{host}")),
        );
    };
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
    if lower == "http" && !loopback {
        extra.push(
            Finding::new(
                Code::RestUrlInsecure,
                "the REST URL uses `http://`; the token would travel in plain text",
            )
            .help(format!("use https://{host}{port}"))
            .range(scheme_range),
        );
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
        extra.push(
            Finding::new(
                Code::RestUrlHasPath,
                format!("the REST URL has {what}; clients append command paths themselves"),
            )
            .help(format!("use the bare origin: {origin}"))
            .range(start..v.len()),
        );
    }
    Ok((RestUrl { origin, host }, extra))
}

/// Validates a REST token. `field` names the variable or field for messages.
#[must_use]
pub fn validate_token(value: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let inner = check_whitespace(value, &mut findings);
    let v = &value[inner.clone()];
    let off = inner.start;
    if let Some(f) = placeholder(v, off) {
        findings.push(f);
        return findings;
    }
    if v.is_empty() {
        findings.push(
            Finding::new(Code::TokenMissing, "the token is empty")
                .help("copy the token from the REST API section of the Upstash console"),
        );
        return findings;
    }
    if v.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        findings.push(
            Finding::new(
                Code::TokenHasBearerPrefix,
                "the token starts with `Bearer `; clients add that prefix themselves",
            )
            .help("keep only the token: remove `Bearer ` from the value")
            .range(off..off + 7),
        );
        return findings;
    }
    if v.contains("://") {
        findings.push(
            Finding::new(Code::TokenIsUrl, "a URL was given where the token belongs")
                .help("put the URL into UPSTASH_REDIS_REST_URL / rest_url and the token here"),
        );
        return findings;
    }
    if let Some((i, c)) = v.char_indices().find(|(_, c)| c.is_whitespace()) {
        findings.push(
            Finding::new(Code::WhitespaceInValue, "the token contains whitespace")
                .help("tokens have no spaces: copy it again from the console")
                .range(off + i..off + i + c.len_utf8()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code.name()).collect()
    }

    #[test]
    fn a_good_upstash_url_parses() {
        let (url, f) =
            validate_redis_url("rediss://default:AXb3c2@eu1-tidy-cat-12345.upstash.io:6379");
        assert!(f.is_empty(), "{f:?}");
        let url = url.unwrap();
        assert!(url.tls && url.has_password && url.is_upstash());
        assert_eq!(
            (url.host.as_str(), url.port, url.db),
            ("eu1-tidy-cat-12345.upstash.io", 6379, 0)
        );
    }

    #[test]
    fn each_tcp_mistake_has_its_code() {
        for (value, code) in [
            ("https://eu1-cat.upstash.io", "rest-url-in-redis-url"),
            ("redis://default:pw@eu1-cat.upstash.io:6379", "tls-required"),
            ("rediss://eu1-cat.upstash.io:6379", "missing-password"),
            ("redis://:pw@localhost:6379", "empty-username"),
            (
                "rediss://default:pw@eu1-cat.upstash.io:6379/2",
                "nonzero-database",
            ),
            ("rediss://default:pw@host:", "invalid-port"),
            ("rediss://default:pw@host:abc", "invalid-port"),
            ("rediss://default:pw@host:70000", "invalid-port"),
            ("rediss://default:p@ss@host:6379", "invalid-url"),
            ("rediss://default:p#ss@host:6379", "invalid-url"),
            ("rediss://default:<PASSWORD>@host:6379", "placeholder-value"),
            (" rediss://default:pw@host:6379", "whitespace-in-value"),
            ("\"rediss://default:pw@host:6379\"", "whitespace-in-value"),
            ("eu1-cat.upstash.io:6379", "invalid-url"),
            // The redis crate refuses these three.
            ("redis://0.0.0.0:6379", "invalid-url"),
            ("rediss://default:%FF@host:6379", "invalid-url"),
            ("redis://localhost:6379/?protocol=resp4", "invalid-url"),
        ] {
            let (_, f) = validate_redis_url(value);
            assert!(codes(&f).contains(&code), "{value}: {f:?}");
        }
    }

    #[test]
    fn ipv6_hosts_are_read_in_their_short_form() {
        let (url, f) = validate_redis_url("redis://[0:0:0:0:0:0:0:1]:6380");
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(url.unwrap().host, "::1");
    }

    #[test]
    fn fly_private_databases_may_use_plain_redis() {
        let (url, f) = validate_redis_url("redis://default:pw@fly-shop-db.upstash.io:6379");
        assert!(f.is_empty(), "{f:?}");
        assert!(!url.unwrap().tls);
    }

    #[test]
    fn messages_never_contain_the_password() {
        for value in [
            "https://default:hunter2secret@eu1-cat.upstash.io",
            "redis://default:hunter2secret@eu1-cat.upstash.io:6379/3",
            "rediss://default:hunter2@secret@host:6379",
            "rediss://default:hunter2secret@host:99999",
            "ftp://default:hunter2secret@host",
        ] {
            let (_, f) = validate_redis_url(value);
            let (_, g) = validate_rest_url(value);
            for x in f.iter().chain(&g) {
                let all = format!("{} {:?}", x.message, x.help);
                assert!(!all.contains("hunter2"), "{value}: {all}");
            }
        }
    }

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

    #[test]
    fn token_checks() {
        assert!(validate_token("AXb3c2Fzc3dvcmQ").is_empty());
        for (value, code) in [
            ("Bearer AXb3c2", "token-has-bearer-prefix"),
            ("", "token-missing"),
            ("https://eu1-cat.upstash.io", "token-is-url"),
            ("AXb3 c2", "whitespace-in-value"),
            ("AXb3c2\n", "whitespace-in-value"),
            ("<TOKEN>", "placeholder-value"),
        ] {
            assert!(codes(&validate_token(value)).contains(&code), "{value:?}");
        }
    }
}
