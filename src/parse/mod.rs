//! Parsing what users write into endpoints: each value is parsed once into a
//! [`RedisUrl`], a [`RestUrl`] or a checked token, and every problem is a [`Finding`] with a
//! byte range relative to the value, so callers can point a caret into the descriptor or env
//! file. Messages and help never contain a secret: they are built from masked parts, and
//! [`redact`] masks, in every finding, each part of the value that the classifier called
//! secret.
//!
//! | file | parses |
//! |---|---|
//! | `tcp_url.rs` | `REDIS_URL`: `rediss://user:password@host:port/db` |
//! | `rest_url.rs` | `UPSTASH_REDIS_REST_URL`: `https://host` |
//! | `token.rs` | `UPSTASH_REDIS_REST_TOKEN` |
//! | `host.rs` | host names: Upstash, Fly private, loopback |
//! | `value.rs` | whitespace, quotes and placeholders around any value |

use std::ops::Range;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Edit, Severity, SourceFile};
use crate::secret::{Hint, MASK, mask_ranges, sensitive_ranges};

mod host;
mod rest_url;
mod tcp_url;
mod token;
mod value;

pub(crate) use host::{is_fly_private, is_upstash_host, points_at_upstash, same_host, unqualified};
pub(crate) use rest_url::RestUrl;
pub use rest_url::validate_rest_url;
pub use tcp_url::validate_redis_url;
pub(crate) use tcp_url::{RedisUrl, fly_user_slot_fixed};
#[cfg(test)]
pub(crate) use token::facts_tests::token as token_of_bytes;
pub(crate) use token::token_facts;
pub use token::validate_token;

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
    /// The machine-applicable fix, when the help is a concrete value (`upwire fix`).
    pub fix: Option<Fix>,
}

/// A fix `upwire fix` can apply without asking: the help's concrete value, as edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Replace these ranges of the value (relative to the value, not overlapping).
    Value(Vec<Edit>),
    /// Move the value to the REST URL's variable (an env file's `REDIS_URL` holding an
    /// `https://` URL), when that variable is free.
    MoveToRestUrl,
}

impl Finding {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            range: None,
            fix: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn range(mut self, range: Range<usize>) -> Self {
        self.range = Some(range);
        self
    }

    /// The fix: these edits of the value.
    pub(crate) fn edits(mut self, edits: Vec<Edit>) -> Self {
        self.fix = Some(Fix::Value(edits));
        self
    }

    /// The fix: move the value to the REST URL's variable.
    pub(crate) fn move_to_rest_url(mut self) -> Self {
        self.fix = Some(Fix::MoveToRestUrl);
        self
    }

    /// The fix: replace this finding's range with `text`.
    pub(crate) fn replace_with(self, text: impl Into<String>) -> Self {
        let range = self.range.clone().unwrap_or(0..0);
        self.edits(vec![Edit::new(range, text)])
    }

    pub(crate) fn shift(mut self, by: usize) -> Self {
        self.range = self.range.map(|r| r.start + by..r.end + by);
        self.fix = self.fix.map(|fix| match fix {
            Fix::Value(edits) => Fix::Value(edits.into_iter().map(|e| e.shift(by)).collect()),
            other => other,
        });
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

/// A parser's answer: the value and its warnings, or the error that stopped it.
type ParseResult<T> = Result<(T, Vec<Finding>), Finding>;

/// The common frame of the URL validators: whitespace and quotes first, then a placeholder,
/// then `parse` on what is inside, with every finding's range relative to the whole value and
/// every secret part of the value masked in the findings.
fn validate_url<T>(value: &str, parse: fn(&str) -> ParseResult<T>) -> (Option<T>, Vec<Finding>) {
    let mut findings = Vec::new();
    let inner = value::check_whitespace(value, &mut findings);
    let v = &value[inner.clone()];
    let off = inner.start;
    let placeholders = value::placeholders(v, off);
    if !placeholders.is_empty() {
        findings.extend(placeholders);
        return (None, redact(value, Hint::Url, findings));
    }
    let parsed = match parse(v) {
        Ok((url, extra)) => {
            findings.extend(extra.into_iter().map(|f| f.shift(off)));
            let ok = !findings.iter().any(Finding::is_error);
            ok.then_some(url)
        }
        Err(f) => {
            findings.push(f.shift(off));
            None
        }
    };
    (parsed, redact(value, Hint::Url, findings))
}

/// A URL's scheme and what follows it. An empty value, or one without a scheme, is an
/// `invalid-url` whose help `empty` writes, or `no_scheme` given the host the value seems to
/// name.
fn split_url(
    v: &str,
    empty: impl FnOnce() -> String,
    no_scheme: impl FnOnce(&str) -> String,
) -> Result<(&str, &str), Finding> {
    if v.is_empty() {
        return Err(Finding::new(Code::InvalidUrl, "the URL is empty").help(empty()));
    }
    value::split_scheme(v).ok_or_else(|| {
        Finding::new(
            Code::InvalidUrl,
            format!("`{}` has no scheme", crate::secret::mask_url(v)),
        )
        .help(no_scheme(&host::rough_host(v)))
    })
}

/// The codes of `findings`, for the tests of each parser.
#[cfg(test)]
fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code.name()).collect()
}

/// Masks, in every finding about `value`, each part of the value that the classifier calls
/// secret: a quoted part (`` `...` ``) of the value that overlaps a secret shows that
/// secret as `****`, and no secret of the value appears anywhere in message or help. This
/// is what makes a message built from parts of a malformed value safe (the "port" of
/// `rediss://default:PASSWORD` is the password).
pub(crate) fn redact(value: &str, hint: Hint, mut findings: Vec<Finding>) -> Vec<Finding> {
    let ranges = sensitive_ranges(value, hint);
    if ranges.is_empty() {
        return findings;
    }
    let secrets: Vec<&str> = ranges
        .iter()
        .map(|r| &value[r.clone()])
        .filter(|s| s.len() >= 3)
        .collect();
    let clean = |text: &str| -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        // Quoted parts first: they may be a piece of a secret rather than all of it.
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else {
                break;
            };
            let quoted = &rest[open + 1..open + 1 + len];
            out.push_str(&rest[..=open]);
            out.push_str(&mask_quoted(value, &ranges, quoted));
            out.push('`');
            rest = &rest[open + len + 2..];
        }
        out.push_str(rest);
        for s in &secrets {
            if out.contains(s) {
                out = out.replace(s, MASK);
            }
        }
        out
    };
    for f in &mut findings {
        f.message = clean(&f.message);
        f.help = f.help.as_deref().map(clean);
    }
    findings
}

/// `quoted` with its secret bytes masked, when it is a part of `value` that overlaps a
/// secret range.
fn mask_quoted(value: &str, ranges: &[Range<usize>], quoted: &str) -> String {
    // One or two characters (`@` in "percent-encode `@` as `%40`") name a character, not a
    // part of the value.
    if quoted.len() < 3 {
        return quoted.to_owned();
    }
    for (at, _) in value.match_indices(quoted) {
        let span = at..at + quoted.len();
        let inner: Vec<Range<usize>> = ranges
            .iter()
            .filter(|r| r.start < span.end && r.end > span.start)
            .map(|r| r.start.max(span.start) - at..r.end.min(span.end) - at)
            .collect();
        if !inner.is_empty() {
            return mask_ranges(quoted, &inner);
        }
    }
    quoted.to_owned()
}

/// Whether two values of one variable are the same: equal, or two spellings of one URL (a
/// trailing `/`, a default port, the case of the host: [`normal_url`]).
#[must_use]
pub(crate) fn same_value(a: &str, b: &str) -> bool {
    a == b || normal_url(a) == normal_url(b)
}

/// A URL in the form two spellings of one address share, so that they hash alike: the
/// scheme and host in lower case, the scheme's default port dropped (443 for `https`, 80
/// for `http`, 6379 for `redis`/`rediss`), the trailing dot of a fully qualified host and
/// trailing slashes of the path dropped. The user
/// name, password, path and query keep their case. A value that is not `scheme://...` is
/// kept as it is, trimmed.
pub(crate) fn normal_url(value: &str) -> String {
    let value = value.trim();
    let Some((scheme, rest)) = value.split_once("://") else {
        return value.to_owned();
    };
    let scheme = scheme.to_ascii_lowercase();
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, host_port) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let mut host = host_port.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => Some(":443"),
        "http" => Some(":80"),
        "redis" | "rediss" => Some(":6379"),
        _ => None,
    };
    if let Some(port) = default_port
        && host.ends_with(port)
    {
        host.truncate(host.len() - port.len());
    }
    // The fully qualified spelling (`x.upstash.io.`, `x.upstash.io.:6380`) is the same host.
    let name_end = match host.rfind(':') {
        Some(colon) if host[colon + 1..].bytes().all(|b| b.is_ascii_digit()) => colon,
        _ => host.len(),
    };
    if host[..name_end].ends_with('.') {
        host.remove(name_end - 1);
    }
    let (path, query) = match tail.find(['?', '#']) {
        Some(q) => tail.split_at(q),
        None => (tail, ""),
    };
    format!(
        "{scheme}://{user}{host}{}{query}",
        path.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fully_qualified_host_is_the_same_host() {
        // `x.upstash.io.` is what DNS and TLS resolve and check as `x.upstash.io`.
        assert!(is_upstash_host("eu1-cat-1.upstash.io."));
        assert!(is_fly_private("fly-db.upstash.io."));
        assert!(same_host("EU1-cat-1.upstash.io.", "eu1-cat-1.upstash.io"));
        assert!(!same_host("eu1-cat-1.upstash.io", "eu1-cat-2.upstash.io"));
        assert!(!same_host("eu1-cat-1.upstash.io..", "eu1-cat-1.upstash.io"));
        for (a, b) in [
            (
                "rediss://default:Pw@x.upstash.io.:6379",
                "rediss://default:Pw@x.upstash.io",
            ),
            ("https://x.upstash.io./", "https://X.upstash.io:443"),
            ("rediss://x.upstash.io.:6380", "rediss://x.upstash.io:6380"),
        ] {
            assert_eq!(normal_url(a), normal_url(b), "{a}");
        }
        assert_ne!(
            normal_url("rediss://[::1]:6380"),
            normal_url("rediss://[::1]")
        );
        assert_eq!(
            normal_url("rediss://[::1]:6379"),
            normal_url("rediss://[::1]")
        );
    }

    #[test]
    fn parts_of_malformed_values_are_quoted_masked() {
        for value in [
            "rediss://default:Sekr3tZZ",
            "rediss://default:Sekr3tZZ:6379",
            "default:Sekr3tZZ@host:6379",
            "rediss:/default:Sekr3tZZ@host",
            "redis+unix:///tmp/r.sock?pass=Sekr3tZZ",
            "rediss://default@host:6379#Sekr3tZZ",
            "https://host:99999/?_token=Sekr3tZZ",
            "https:/host?_token=Sekr3tZZ",
            "http://evil.example/?_token=Sekr3tZZ",
            "https://user:Sekr3tZZ@host:99999",
            "rediss://default:Sekr3tZZ@host:6379",
        ] {
            assert_never_quoted(value, "Sekr3t");
        }
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
            assert_never_quoted(value, "hunter2");
        }
    }

    /// No finding about `value`, as a TCP URL, a REST URL or a token, quotes `secret`.
    fn assert_never_quoted(value: &str, secret: &str) {
        let (_, f) = validate_redis_url(value);
        let (_, g) = validate_rest_url(value);
        let t = validate_token(value);
        for x in f.iter().chain(&g).chain(&t) {
            let all = format!("{} {:?}", x.message, x.help);
            assert!(!all.contains(secret), "{value}: {all}");
        }
    }
}
