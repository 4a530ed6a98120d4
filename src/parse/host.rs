//! Host names: which are Upstash's, Fly's private ones, loopback; the host of a URL that
//! did not parse, for help texts.

use crate::secret::MASK;

/// `host` without the one trailing dot of its fully qualified spelling: `x.upstash.io.` is
/// the host `x.upstash.io`, which DNS and TLS resolve and check alike.
#[must_use]
pub(crate) fn unqualified(host: &str) -> &str {
    host.strip_suffix('.').unwrap_or(host)
}

/// Whether two host names are one host: case and a trailing dot aside.
#[must_use]
pub(crate) fn same_host(a: &str, b: &str) -> bool {
    unqualified(a).eq_ignore_ascii_case(unqualified(b))
}

/// Whether `host` is an Upstash database host: `*.upstash.io`, and the hosts of Vercel KV
/// (`*.kv.vercel-storage.com`), which were Upstash databases under Vercel's name.
#[must_use]
pub(crate) fn is_upstash_host(host: &str) -> bool {
    let host = unqualified(host).to_ascii_lowercase();
    host.ends_with(".upstash.io") || host.ends_with(".kv.vercel-storage.com")
}

/// Whether `value` is a URL whose host is an Upstash database's ([`is_upstash_host`]): what
/// confirms a prefix of a user's variables as Upstash's (`crate::family::Scope`).
#[must_use]
pub(crate) fn points_at_upstash(value: &str) -> bool {
    value
        .trim()
        .split_once("://")
        .is_some_and(|(_, rest)| is_upstash_host(&rough_host(rest)))
}

/// Fly.io private Upstash databases speak plain `redis://` inside Fly's network.
pub(crate) fn is_fly_private(host: &str) -> bool {
    let host = unqualified(host).to_ascii_lowercase();
    host.starts_with("fly-") && host.ends_with(".upstash.io")
}

pub(super) fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    unqualified(h).eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host of a URL-like string, found without a full parse (for help texts).
pub(super) fn rough_host(rest: &str) -> String {
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

/// The TCP URL to write for `host`: `rediss://`, except for Fly's private databases.
pub(super) fn tcp_form(host: &str, port: u16) -> String {
    let scheme = if is_fly_private(host) {
        "redis"
    } else {
        "rediss"
    };
    let host = if host.is_empty() { "<host>" } else { host };
    format!("{scheme}://default:{MASK}@{host}:{port}")
}
