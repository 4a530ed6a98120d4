//! `REDIS_URL`: a TCP endpoint, `rediss://user:password@host:port/db`.

use super::Finding;
use super::host::{is_fly_private, is_upstash_host, rough_host, tcp_form};
use super::value::{encode_char, percent_decode, percent_decode_bytes};
use crate::code::Code;
use crate::diagnostic::Edit;
use crate::secret::{MASK, is_known_user, mask_url};

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

/// Validates a TCP endpoint (`REDIS_URL`, `redis_url`).
#[must_use]
pub fn validate_redis_url(value: &str) -> (Option<RedisUrl>, Vec<Finding>) {
    super::validate_url(value, parse_redis)
}

fn parse_redis(v: &str) -> Result<(RedisUrl, Vec<Finding>), Finding> {
    let (scheme, rest) = super::split_url(
        v,
        || format!("use the TCP endpoint, {}", tcp_form("", 6379)),
        |host| {
            format!(
                "a TCP URL starts with `rediss://`: {}",
                tcp_form(host, 6379)
            )
        },
    )?;
    let scheme_range = 0..scheme.len();
    match scheme.to_ascii_lowercase().as_str() {
        "redis" | "rediss" => {}
        "http" | "https" => {
            let host = rough_host(rest);
            return Err(Finding::new(
                Code::RestUrlInRedisUrl,
                format!("`{}` is the REST endpoint, not a TCP URL", mask_url(v)),
            )
            .help(format!(
                "use the TCP endpoint, {}, or read this value as {{var.rest_url}} with the REST API",
                tcp_form(&host, 6379),
            ))
            .range(scheme_range)
            .move_to_rest_url());
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
    if super::unqualified(&host).is_empty() {
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
    let fly = is_fly_private(&host);
    if upstash && !tls && !fly {
        extra.push(
            Finding::new(
                Code::TlsRequired,
                "Upstash accepts only TLS connections, but this URL uses `redis://`",
            )
            .help(format!(
                "use `rediss://`: {}",
                mask_url(&format!("rediss{}", &v[scheme.len()..]))
            ))
            .range(scheme_range.clone())
            .replace_with("rediss"),
        );
    }
    if fly && tls {
        extra.push(
            Finding::new(
                Code::TlsUnavailable,
                "Fly.io private databases offer no TLS, but this URL uses `rediss://`",
            )
            .help(format!(
                "use `redis://` inside Fly's private network: {}",
                mask_url(&format!("redis{}", &v[scheme.len()..]))
            ))
            .range(scheme_range.clone())
            .replace_with("redis"),
        );
    }
    // Fly prints `redis://<password>@fly-<name>.upstash.io`: the lone user part is the
    // password (the secret classifier masks a lone user part that is not a known user).
    let fly_password_as_user =
        fly && url.password().is_none() && !url.username().is_empty() && !is_known_user(&username);
    if upstash && !has_password && !fly_password_as_user {
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
    if fly_password_as_user {
        extra.push(
            Finding::new(
                Code::EmptyUsername,
                "Fly's form puts the password where the user name goes; most clients then send no password",
            )
            .help(format!(
                "write the user explicitly: {}",
                tcp_form(&host, port)
            ))
            .range(base..base + userinfo.map_or(0, str::len))
            .edits({
                // Fly's form has no port either: clients default to 6379, but the written
                // URL says it (as `fly redis status` does in its other lines).
                let mut edits = vec![Edit::new(base..base, "default:")];
                if port_text.is_none() {
                    let end = hp_base + hostport.len();
                    edits.push(Edit::new(end..end, ":6379"));
                }
                edits
            }),
        );
    } else if url.username().is_empty() && has_password {
        let colon = base;
        extra.push(
            Finding::new(Code::EmptyUsername, "the user name is empty")
                .help(format!(
                    "write the user explicitly: {}",
                    mask_url(&format!("{scheme}://default{rest}"))
                ))
                .range(colon..colon + 1)
                .edits(vec![Edit::new(colon..colon, "default")]),
        );
    }
    if upstash && db != 0 {
        let at = base + after + host_end;
        // The path as written, up to a query (`url` normalises it).
        let raw = tail[host_end..]
            .find(['?', '#'])
            .unwrap_or(tail.len() - host_end);
        extra.push(
            Finding::new(
                Code::NonzeroDatabase,
                format!("Upstash has only database 0, this URL selects database {db}"),
            )
            .help(format!("remove the path: {}", tcp_form(&host, port)))
            .range(at..at + 1 + path.len())
            .edits(vec![Edit::delete(at..at + raw)]),
        );
    }
    Ok((
        RedisUrl {
            tls,
            username: if username.is_empty() || fly_password_as_user {
                "default".to_owned()
            } else {
                username
            },
            has_password: has_password || fly_password_as_user,
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
    .range(part_range)
    .edits(vec![Edit::new(
        base..base + userinfo.len(),
        encode_userinfo(userinfo),
    )]))
}

/// `user:password` with each character that must be percent-encoded encoded (a `%` that
/// does not start an escape as `%25`), the first `:` kept as the separator: the value of the
/// `invalid-url` help for a password with reserved characters.
fn encode_userinfo(userinfo: &str) -> String {
    let encode = |part: &str| -> String {
        let mut out = String::with_capacity(part.len());
        for (i, c) in part.char_indices() {
            let escape = c == '%'
                && part
                    .get(i + 1..i + 3)
                    .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
            if matches!(c, '@' | '#' | '/' | '?' | ' ') || (c == '%' && !escape) {
                out.push_str(&encode_char(c));
            } else {
                out.push(c);
            }
        }
        out
    };
    match userinfo.split_once(':') {
        Some((user, password)) => format!("{}:{}", encode(user), encode(password)),
        None => encode(userinfo),
    }
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

/// The URL to write for Fly's user-slot form, `redis://<password>@fly-<name>.upstash.io`:
/// `redis://default:<password>@fly-<name>.upstash.io:6379`, which every client reads with
/// the password as the password. `None` for any other value (written as it is).
#[must_use]
pub(crate) fn fly_user_slot_fixed(value: &str) -> Option<String> {
    let (_, findings) = validate_redis_url(value);
    let finding = findings
        .iter()
        .find(|f| f.code == Code::EmptyUsername && f.message.starts_with("Fly's form"))?;
    let Some(super::Fix::Value(edits)) = &finding.fix else {
        return None;
    };
    let mut out = value.to_owned();
    // Edits are in order and do not overlap: apply from the last.
    for edit in edits.iter().rev() {
        out.replace_range(edit.range.clone(), &edit.text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::parse::codes;

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
    fn fly_private_databases_may_use_plain_redis() {
        let (url, f) = validate_redis_url("redis://default:pw@fly-shop-db.upstash.io:6379");
        assert!(f.is_empty(), "{f:?}");
        assert!(!url.unwrap().tls);
    }

    #[test]
    fn fly_forms_get_fly_help() {
        // As `fly redis status` prints it: the password where the user name goes.
        let (url, f) = validate_redis_url("redis://FlyPw123secret@fly-shop-db.upstash.io:6379");
        let url = url.unwrap();
        assert_eq!((url.username.as_str(), url.has_password), ("default", true));
        assert_eq!(codes(&f), ["empty-username"]);
        assert_eq!(
            f[0].help.as_deref(),
            Some("write the user explicitly: redis://default:****@fly-shop-db.upstash.io:6379")
        );
        assert_eq!(f[0].range, Some(8..22));
        // `fix` and `generate` write the form every client reads, port included.
        assert_eq!(
            fly_user_slot_fixed("redis://FlyPw123secret@fly-shop-db.upstash.io").as_deref(),
            Some("redis://default:FlyPw123secret@fly-shop-db.upstash.io:6379")
        );
        assert_eq!(
            fly_user_slot_fixed("redis://FlyPw123secret@fly-shop-db.upstash.io:6379").as_deref(),
            Some("redis://default:FlyPw123secret@fly-shop-db.upstash.io:6379")
        );
        assert_eq!(
            fly_user_slot_fixed("redis://default:pw@fly-shop-db.upstash.io:6379"),
            None
        );
        assert_eq!(
            fly_user_slot_fixed("rediss://default:pw@eu1-cat.upstash.io:6379"),
            None
        );
        // No password at all: the help keeps `redis://`, which is right on Fly.
        let (_, f) = validate_redis_url("redis://fly-shop-db.upstash.io:6379");
        assert_eq!(codes(&f), ["missing-password"]);
        assert!(
            f[0].help
                .as_deref()
                .unwrap()
                .ends_with("redis://default:****@fly-shop-db.upstash.io:6379")
        );
        assert!(!f[0].help.as_deref().unwrap().contains("rediss"));
        let (_, f) = validate_redis_url("redis://default@fly-shop-db.upstash.io:6379");
        assert_eq!(codes(&f), ["missing-password"]);
        // TLS to a Fly private database is refused by the server's plain port.
        let (_, f) = validate_redis_url("rediss://default:pw@fly-shop-db.upstash.io:6379");
        assert_eq!(codes(&f), ["tls-unavailable"]);
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "use `redis://` inside Fly's private network: redis://default:****@fly-shop-db.upstash.io:6379"
            )
        );
        // Only `fly-*.upstash.io` is Fly's: a public Upstash host keeps its TLS rules.
        let (_, f) = validate_redis_url("rediss://default:pw@fly-ish.example.com:6379");
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn vercel_kv_hosts_are_upstash() {
        let (_, f) =
            validate_redis_url("redis://default:pw@fancy-cat-12345.kv.vercel-storage.com:6379");
        assert_eq!(codes(&f), ["tls-required"]);
        let (url, f) =
            validate_redis_url("rediss://default:pw@fancy-cat-12345.kv.vercel-storage.com:6379");
        assert!(f.is_empty() && url.unwrap().is_upstash(), "{f:?}");
        let (_, f) =
            validate_redis_url("rediss://default:pw@fancy-cat-12345.kv.vercel-storage.com:6379/1");
        assert_eq!(codes(&f), ["nonzero-database"]);
    }
}
