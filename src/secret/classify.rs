//! Where a value's secrets are, decided once when the value is read.
//!
//! Every value that enters upwire (a descriptor field of any name and type, an env-file
//! line, a flag, an environment variable, a server's error text) goes through
//! [`sensitive_ranges`] with a [`Hint`] saying where it was read. The answer is a list of byte
//! ranges; everything that shows the value afterwards shows those ranges as `****`. The
//! classifier never needs the value to be valid: a URL with no host, a bad port or a scheme
//! typo still has its userinfo, its `pass=` query and its fragment found, and a value that
//! cannot be split at all is secret as a whole after its scheme.

use std::ops::Range;

use super::placeholder::find_placeholder;

/// What is known about a value from where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Under a credential-like name (a token, a password, a secret): secret as a whole.
    Credential,
    /// Under a URL field or variable: a URL whose password, credential query values and
    /// fragment are secret.
    Url,
    /// Anything else: secret wherever it looks like one (URL userinfo, `pass=`, a fragment,
    /// a token-shaped word).
    Plain,
    /// A folder path (a target's `dir`): as [`Hint::Plain`], but read as a URL only when it has
    /// what a URL with a secret has (`://`, `@`, `?`, `#` or `=`), since any `name/` reads as a
    /// scheme whose host was forgotten (`apps/we b` would be all secret after `apps/`).
    Path,
}

/// The hint for a value read under `name` (a descriptor field, an env-file key, a flag, a
/// query parameter): credential-like names make the whole value secret, URL-like names make
/// it a URL.
#[must_use]
pub(crate) fn hint_for_name(name: &str) -> Hint {
    if is_credential_name(name) {
        Hint::Credential
    } else if is_url_name(name) {
        Hint::Url
    } else {
        Hint::Plain
    }
}

/// Whether `name` says its value is a credential: it mentions a token, password, secret,
/// key or auth (`rest_token`, `rest_tokn`, `PASSWORD`, `pass`, `_token`, `api-key`, ...).
#[must_use]
pub(crate) fn is_credential_name(name: &str) -> bool {
    static WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            words(&[
                "token", "tokn", "tok", "pass", "pwd", "secret", "key", "auth", "cred", "sig",
            ])
        });
    mentions(&WORDS, name)
}

fn is_url_name(name: &str) -> bool {
    static WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            words(&[
                "url",
                "uri",
                "ur",
                "dsn",
                "endpoint",
                "connection",
                "redis",
                "rest",
            ])
        });
    mentions(&WORDS, name)
}

/// An automaton finding any of the lower-case ASCII `words` in any case.
fn words(words: &[&str]) -> Option<aho_corasick::AhoCorasick> {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .ok()
}

/// Whether `name` contains one of the automaton's words, in any case: what
/// `name.to_ascii_lowercase().contains(word)` for each word says, in one pass over the name
/// (a descriptor of 10,000 targets or a thousand env files ask it 70,000 times).
fn mentions(words: &Option<aho_corasick::AhoCorasick>, name: &str) -> bool {
    // The automaton is built from constant words; were it not, every name counts as one.
    words.as_ref().is_none_or(|w| w.is_match(name))
}

/// The byte ranges of `value` that may hold a secret, sorted and disjoint.
#[must_use]
pub(crate) fn sensitive_ranges(value: &str, hint: Hint) -> Vec<Range<usize>> {
    let mut ranges = match hint {
        Hint::Credential => whole(value),
        Hint::Url => match reference_then_query(value) {
            Some(query) => query_ranges(value, query),
            None => url_ranges(value),
        },
        Hint::Plain | Hint::Path => {
            let url_shaped = match hint {
                Hint::Path => value.contains("://") || value.contains(['@', '?', '#', '=']),
                Hint::Plain | Hint::Credential | Hint::Url => true,
            };
            let mut r = if url_shaped && looks_like_url(value) {
                url_ranges(value)
            } else {
                Vec::new()
            };
            r.extend(token_words(value));
            r
        }
    };
    // A secret that is only a placeholder (`<PASSWORD>`, `YOUR_TOKEN`) is shown: the
    // message about it quotes it so the user knows what to replace.
    ranges.retain(|r| {
        let text = value[r.clone()].trim();
        find_placeholder(text) != Some(0..text.len())
    });
    // `${NAME}` is the name of a secret, not one: `redis_url = "${REDIS_URL}"` stays
    // readable, and the value it stands for is classified when it is resolved. A name shaped
    // like a token (`${AXYM...}`, a token pasted between the braces) is a secret all the same.
    let names: Vec<Range<usize>> = references(value)
        .into_iter()
        .filter(|r| !token_shaped(&value[r.start + 2..r.end - 1]))
        .collect();
    without(merge_ranges(ranges), &names)
}

/// `${NAME}?query`: a URL from a variable with query parameters added to it
/// (`?ssl_cert_reqs=required` for Celery): where the `?` stands. The variable's value is
/// classified when it is resolved.
fn reference_then_query(value: &str) -> Option<usize> {
    let first = references(value).into_iter().next()?;
    (first.start == 0 && value[first.end..].starts_with('?')).then_some(first.end)
}

/// Words in a query parameter's name that make its value a credential.
const CREDENTIAL_PARAMS: &[&str] = &["pass", "pwd", "token", "secret", "auth", "key"];

/// The parts of the query at `start` (its `?`) that may be secret: the value of a parameter
/// named like a credential (`password=`, `token=`, `ssl_keyfile=`), and any token-shaped word.
fn query_ranges(value: &str, start: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = token_words(value)
        .into_iter()
        .filter(|r| r.start > start)
        .collect();
    let mut pos = start + 1;
    for pair in value[start + 1..].split('&') {
        if let Some((key, _)) = pair.split_once('=') {
            let key = key.to_ascii_lowercase();
            if CREDENTIAL_PARAMS.iter().any(|w| key.contains(w)) && key.len() + 1 < pair.len() {
                out.push(pos + key.len() + 1..pos + pair.len());
            }
        }
        pos += pair.len() + 1;
    }
    out.sort_by_key(|r| r.start);
    out
}

/// The `${NAME}` references in a value.
///
/// One pass: the name is scanned from each `${` as far as name characters go, never on to
/// a distant `}` (which made `${${${...}` quadratic).
fn references(value: &str) -> Vec<Range<usize>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = value[from..].find("${").map(|i| from + i) {
        let name = bytes[open + 2..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
            .count();
        let close = open + 2 + name;
        if name > 0 && bytes.get(close) == Some(&b'}') {
            out.push(open..close + 1);
            from = close + 1;
        } else {
            from = open + 2;
        }
    }
    out
}

/// `ranges` less every part covered by `holes` (both sorted and disjoint): one merge pass,
/// not every hole for every range.
fn without(ranges: Vec<Range<usize>>, holes: &[Range<usize>]) -> Vec<Range<usize>> {
    if holes.is_empty() {
        return ranges;
    }
    let mut out = Vec::with_capacity(ranges.len());
    let mut first = 0;
    for r in ranges {
        while first < holes.len() && holes[first].end <= r.start {
            first += 1;
        }
        let mut start = r.start;
        for h in holes[first..].iter().take_while(|h| h.start < r.end) {
            if h.start > start {
                out.push(start..h.start);
            }
            start = start.max(h.end);
        }
        if start < r.end {
            out.push(start..r.end);
        }
    }
    out
}

/// `value` with every range replaced by `****`.
#[must_use]
pub(crate) fn mask_ranges(value: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(value.len());
    let mut pos = 0;
    for r in ranges {
        let (start, end) = (r.start.max(pos), r.end.min(value.len()));
        if start >= end || !value.is_char_boundary(start) || !value.is_char_boundary(end) {
            continue;
        }
        out.push_str(&value[pos..start]);
        out.push_str(super::MASK);
        pos = end;
    }
    out.push_str(&value[pos..]);
    out
}

fn whole(value: &str) -> Vec<Range<usize>> {
    let mut start = value.len() - value.trim_start().len();
    // `Bearer ` is the HTTP scheme, not the token (and a finding of its own).
    if value[start..]
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        start += 7;
    }
    let end = value.trim_end().len();
    if start < end {
        std::iter::once(start..end).collect()
    } else {
        Vec::new()
    }
}

/// `ranges` sorted, with overlapping and touching ranges joined.
#[must_use]
pub(crate) fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

const KNOWN_SCHEMES: &[&str] = &[
    "redis",
    "rediss",
    "http",
    "https",
    "unix",
    "redis+unix",
    "rediss+unix",
    "valkey",
    "valkeys",
];

/// Where the authority starts: after `scheme:` and its slashes, also for typos
/// (`rediss:/`, `redis//`, `rediss;//`, `https:\\`); 0 when there is no scheme.
#[must_use]
pub(crate) fn authority_start(v: &str) -> usize {
    let bytes = v.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        // Junk before the scheme (`%%rediss://...`) does not hide where the authority starts.
        return v.find("://").map_or(0, |i| i + 3);
    }
    let n = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(bytes.len());
    // `:` (or the typo `;`) once, then slashes: a `:` after the slashes starts the userinfo
    // (`https://:password@host`).
    let colon = usize::from(matches!(bytes.get(n), Some(b':' | b';')));
    let slashes = bytes[n + colon..]
        .iter()
        .take_while(|b| matches!(b, b'/' | b'\\'))
        .count();
    let sep = colon + slashes;
    let seps = &bytes[n..n + sep];
    if seps.iter().any(|b| matches!(b, b'/' | b'\\')) {
        return n + sep;
    }
    if seps.first() == Some(&b':')
        && KNOWN_SCHEMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&v[..n]))
    {
        return n + sep;
    }
    0
}

fn looks_like_url(v: &str) -> bool {
    authority_start(v) > 0 || v.contains('@')
}

/// The userinfo of a URL-like string: from the authority start to the last `@` (host names
/// never contain `@`, passwords often do).
fn userinfo(v: &str) -> Option<Range<usize>> {
    let start = authority_start(v);
    let at = v[start..].rfind('@')?;
    Some(start..start + at)
}

/// Upstash's user names, which are not secret; any other lone user part may be a password.
pub(crate) fn is_known_user(user: &str) -> bool {
    matches!(user, "default" | "default_ro")
}

/// The byte range of the password in a URL-like string, found without parsing so that it
/// works on URLs that are invalid. When the user information has no `:`, a user part that is
/// neither `default` nor `default_ro` is treated as a password (`redis://<password>@host` is
/// a common mistake).
#[must_use]
pub fn url_password_range(v: &str) -> Option<Range<usize>> {
    let ui = userinfo(v)?;
    let text = &v[ui.clone()];
    match text.find(':') {
        Some(colon) if colon + 1 < text.len() => Some(ui.start + colon + 1..ui.end),
        Some(_) => None,
        None if text.is_empty() || is_known_user(text) => None,
        None => Some(ui),
    }
}

/// The byte range of a `_token=` value in the query string of a URL-like string.
#[must_use]
pub(crate) fn url_token_range(v: &str) -> Option<Range<usize>> {
    let (query, _) = query_and_fragment(v);
    let query = query?;
    pairs(v, query).find_map(|(k, val)| (&v[k] == "_token" && !val.is_empty()).then_some(val))
}

/// The query (after `?`, before `#`) and the fragment (after `#`) of a URL-like string,
/// looked for after the user information (an unencoded `?` or `#` in a password is not them).
fn query_and_fragment(v: &str) -> (Option<Range<usize>>, Option<Range<usize>>) {
    let from = userinfo(v).map_or(authority_start(v), |r| r.end + 1);
    let rest = &v[from..];
    let hash = rest.find('#').map(|i| from + i);
    let before_hash = hash.unwrap_or(v.len());
    let query = v[from..before_hash]
        .find('?')
        .map(|i| from + i + 1..before_hash);
    let fragment = hash.map(|h| h + 1..v.len());
    (query, fragment)
}

/// The `key=value` pairs of a query, as (key range, value range).
fn pairs<'a>(
    v: &'a str,
    query: Range<usize>,
) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + 'a {
    let mut at = query.start;
    v[query].split(['&', ';']).map(move |pair| {
        let start = at;
        at += pair.len() + 1;
        match pair.find('=') {
            Some(eq) => (start..start + eq, start + eq + 1..start + pair.len()),
            None => (
                start..start + pair.len(),
                start + pair.len()..start + pair.len(),
            ),
        }
    })
}

fn url_ranges(value: &str) -> Vec<Range<usize>> {
    // Whitespace and wrapping quotes around a URL are a mistake of their own (and reported
    // as one); the URL inside is classified as if they were not there.
    let mut inner = 0..value.len();
    loop {
        let text = &value[inner.clone()];
        let trimmed = text.trim();
        let lead = text.len() - text.trim_start().len();
        let quoted = trimmed.len() >= 2
            && ((trimmed.starts_with('"') && trimmed.ends_with('"'))
                || (trimmed.starts_with('\'') && trimmed.ends_with('\'')));
        let next = if quoted {
            inner.start + lead + 1..inner.start + lead + trimmed.len() - 1
        } else {
            inner.start + lead..inner.start + lead + trimmed.len()
        };
        if next == inner {
            break;
        }
        inner = next;
    }
    url_ranges_of(&value[inner.clone()])
        .into_iter()
        .map(|r| r.start + inner.start..r.end + inner.start)
        .collect()
}

fn url_ranges_of(v: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let auth = authority_start(v);
    let ui = userinfo(v);
    if let Some(range) = url_password_range(v) {
        out.push(range);
    }
    let host_start = ui.as_ref().map_or(auth, |r| r.end + 1);
    let tail = &v[host_start..];
    let host_end = host_start + tail.find(['/', '?', '#']).unwrap_or(tail.len());
    let hostport = &v[host_start..host_end];
    if ui.is_none()
        && ((!hostport_parses(hostport) && !mistyped_port(hostport)) || forgotten_host(hostport))
    {
        // Nothing can be told apart: all after the scheme may be the secret
        // (`rediss://default:PASSWORD` with the host forgotten).
        if auth < v.len() {
            out.push(auth..v.len());
        }
        return out;
    }
    let host_len = hostport
        .rfind(':')
        .filter(|_| !hostport.ends_with(']'))
        .unwrap_or(hostport.len());
    out.extend(shaped_words(&hostport[..host_len], host_start));
    let (query, fragment) = query_and_fragment(v);
    let path_end = query
        .as_ref()
        .map(|q| q.start - 1)
        .or(fragment.as_ref().map(|f| f.start - 1))
        .unwrap_or(v.len())
        .max(host_end);
    let mut at = host_end;
    for segment in v[host_end..path_end].split('/') {
        out.extend(shaped_words(segment, at));
        at += segment.len() + 1;
    }
    if let Some(q) = query {
        for (k, val) in pairs(v, q) {
            let key = &v[k.clone()];
            if val.is_empty() {
                out.extend(shaped_words(key, k.start));
            } else if is_credential_name(key) {
                out.push(val);
            } else {
                out.extend(shaped_words(&v[val.clone()], val.start));
            }
        }
    }
    if let Some(f) = fragment
        && f.start < f.end
    {
        out.push(f);
    }
    out
}

/// Whether `host:port` is `user:password` with the host forgotten although it parses as a
/// host and a number: the "host" is an Upstash user name (`rediss://default:83749201`), or
/// the "port" has more digits than any port (a mistyped `:99999` stays a port) after a name
/// that is no real host (`rediss://alice:83749201`).
fn forgotten_host(hp: &str) -> bool {
    let Some((host, port)) = hp.split_once(':') else {
        return false;
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let real_host = host.contains('.') || host.eq_ignore_ascii_case("localhost");
    is_known_user(host) || (!real_host && port.len() > 5)
}

/// Whether `host:port` is a real host with a mistyped port (`host.io:6379x`), not a
/// forgotten host where the "port" is the password (`default:PASSWORD`).
fn mistyped_port(hp: &str) -> bool {
    let Some((host, port)) = hp.rsplit_once(':') else {
        return false;
    };
    let real_host = (host.contains('.') || host.eq_ignore_ascii_case("localhost"))
        && !is_known_user(host)
        && hostport_parses(host);
    real_host && port.len() <= 6 && port.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// Whether `host[:port]` reads as a host name or address with an optional numeric port.
fn hostport_parses(hp: &str) -> bool {
    if hp.is_empty() {
        return true;
    }
    let (host, port) = if let Some(inner) = hp.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return false;
        };
        let after = &inner[close + 1..];
        match after.strip_prefix(':') {
            Some(p) => (&inner[..close], Some(p)),
            None if after.is_empty() => (&inner[..close], None),
            None => return false,
        }
    } else {
        match hp.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hp, None),
        }
    };
    let placeholder = |s: &str| !s.is_empty() && find_placeholder(s) == Some(0..s.len());
    let host_ok = placeholder(host)
        || host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '%' | '~' | ':'));
    let port_ok = port.is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()) || placeholder(p));
    host_ok && port_ok
}

/// Words of free text that are shaped like a token or password: long runs of base64 /
/// base64url characters mixing upper case, lower case and digits, or long hex strings.
pub(crate) fn token_words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    // `=` only as trailing padding: in `pass=AXsecret` it separates a key from the value.
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '_' | '-');
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (is_word(c) && i < text.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                // Trailing `/` and `=` padding belong to the word; leading slashes do not.
                let word = &text[s..i];
                let lead = word.len() - word.trim_start_matches('/').len();
                if token_shaped(&word[lead..]) {
                    let pad = text[i..].bytes().take_while(|&b| b == b'=').count();
                    out.push(s + lead..i + pad);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The token-shaped words of a part of a URL that starts at byte `at`: shape is judged per
/// word, so a character outside the token alphabet next to a secret (`%`, `~`, `.`) never
/// hides it (`AXsecret%` as a host is `****%`).
fn shaped_words(part: &str, at: usize) -> impl Iterator<Item = Range<usize>> {
    token_words(part)
        .into_iter()
        .map(move |r| r.start + at..r.end + at)
}

/// Whether a single word looks like a credential.
#[must_use]
pub(crate) fn token_shaped(w: &str) -> bool {
    if w.len() < 12
        || !w
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-'))
    {
        return false;
    }
    let upper = w.bytes().any(|b| b.is_ascii_uppercase());
    let lower = w.bytes().any(|b| b.is_ascii_lowercase());
    let digit = w.bytes().any(|b| b.is_ascii_digit());
    let hex = w.len() >= 24
        && digit
        && (w
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f' | b'-'))
            || w.bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F' | b'-')));
    (upper && lower && digit) || hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_added_to_a_url_variable_is_shown_but_its_credentials() {
        let shown = |v: &str| {
            let mut out = v.to_owned();
            for r in sensitive_ranges(v, Hint::Url).into_iter().rev() {
                out.replace_range(r, "****");
            }
            out
        };
        assert_eq!(
            shown("${REDIS_URL}?ssl_cert_reqs=required"),
            "${REDIS_URL}?ssl_cert_reqs=required"
        );
        assert_eq!(
            shown("${REDIS_URL}?ssl_cert_reqs=required&password=hunter2hunter2&db=0"),
            "${REDIS_URL}?ssl_cert_reqs=required&password=****&db=0"
        );
        assert_eq!(
            shown("${REDIS_URL}?AXYMAAIncDE3ZmI0YmNlZTQ1ZjU0MzQ0OTVhMmE0NzZiN2Q1YjM2MnAxMTIzNDU"),
            "${REDIS_URL}?****"
        );
        // Not a query after a variable: the URL rules, all of it after the scheme here.
        assert_ne!(shown("${HOST}:secretpass"), "${HOST}:secretpass");
    }

    fn masked(v: &str, hint: Hint) -> String {
        mask_ranges(v, &sensitive_ranges(v, hint))
    }

    #[test]
    fn valid_urls_keep_scheme_user_host_and_port() {
        for (v, want) in [
            (
                "rediss://default:p@ss#w0rd@eu1-cat.upstash.io:6379",
                "rediss://default:****@eu1-cat.upstash.io:6379",
            ),
            (
                "https://eu1-cat.upstash.io/?a=1&_token=AXsecret#frag",
                "https://eu1-cat.upstash.io/?a=1&_token=****#****",
            ),
            (
                "https://u:pw@h/?_token=AXsecret",
                "https://u:****@h/?_token=****",
            ),
            ("rediss://default@host:6379", "rediss://default@host:6379"),
            ("https://host", "https://host"),
            ("redis://AXsecret@host", "redis://****@host"),
            ("redis://:pw@host", "redis://:****@host"),
            ("redis://[::1]:6379", "redis://[::1]:6379"),
            ("https://<ENDPOINT>", "https://<ENDPOINT>"),
            (
                "rediss://default:<PASSWORD>@<ENDPOINT>:<PORT>",
                "rediss://default:<PASSWORD>@<ENDPOINT>:<PORT>",
            ),
        ] {
            assert_eq!(masked(v, Hint::Url), want, "{v}");
        }
    }

    #[test]
    fn malformed_urls_hide_what_may_be_the_password() {
        for (v, want) in [
            ("rediss://default:Sekr3tZZ", "rediss://****"),
            ("rediss://default:S3kr:6379", "rediss://****"),
            ("default:S3kr@host:6379", "default:****@host:6379"),
            ("rediss:/default:S3kr@host", "rediss:/default:****@host"),
            ("redis//default:S3kr@host", "redis//default:****@host"),
            ("rediss;//default:S3kr@host", "rediss;//default:****@host"),
            (
                "redis+unix:///tmp/r.sock?pass=S3kr",
                "redis+unix:///tmp/r.sock?pass=****",
            ),
            (
                "rediss://host:6379/?password=S3kr",
                "rediss://host:6379/?password=****",
            ),
            (
                "rediss://default@host:6379#S3kr",
                "rediss://default@host:6379#****",
            ),
            ("https:/host?_token=S3kr", "https:/host?_token=****"),
            (
                "https://host:99999/?_token=S3kr",
                "https://host:99999/?_token=****",
            ),
            (
                "https://user:S3kr@host:99999",
                "https://user:****@host:99999",
            ),
        ] {
            assert_eq!(masked(v, Hint::Url), want, "{v}");
            assert_eq!(masked(v, Hint::Plain), want, "{v} (plain)");
        }
    }

    #[test]
    fn a_numeric_password_with_the_host_forgotten_is_secret() {
        for v in [
            "rediss://default:83749201",
            "rediss://default:8374",
            "rediss://alice:83749201",
        ] {
            assert_eq!(masked(v, Hint::Url), "rediss://****", "{v}");
            assert_eq!(masked(v, Hint::Plain), "rediss://****", "{v} (plain)");
        }
        // A port mistyped after a real host, or one digit too many in range, stays shown.
        for keep in [
            "rediss://redis:6379",
            "rediss://host:99999",
            "redis://h.io:637900",
        ] {
            assert_eq!(masked(keep, Hint::Url), keep);
        }
    }

    /// A token pasted between `${` and `}` is a secret; a variable's name is not.
    #[test]
    fn a_token_shaped_reference_name_is_secret() {
        assert_eq!(
            masked("${AXYMcanaryToken7f3a9QzLm}", Hint::Credential),
            "****"
        );
        assert_eq!(
            masked("x ${AXYMcanaryToken7f3a9QzLm} y", Hint::Plain),
            "x ${****} y"
        );
        assert_eq!(
            masked("${UPSTASH_REDIS_REST_TOKEN}", Hint::Credential),
            "${UPSTASH_REDIS_REST_TOKEN}"
        );
    }

    #[test]
    fn credentials_are_secret_as_a_whole_unless_a_placeholder() {
        assert_eq!(masked(" AXtoken ", Hint::Credential), " **** ");
        assert_eq!(masked("<TOKEN>", Hint::Credential), "<TOKEN>");
        assert_eq!(masked("", Hint::Credential), "");
    }

    /// Shape is judged per word: a `%`, `~` or `.` beside a token (an unclosed quote around
    /// `%TOKEN%`, say) never hides it, in a host, a path segment or a query value.
    #[test]
    fn a_character_outside_the_token_alphabet_never_hides_a_token() {
        for (value, hint) in [
            ("AXleakCanary00ab12%", Hint::Url),
            ("%AXleakCanary00ab12", Hint::Url),
            ("%AXleakCanary00ab12%", Hint::Url),
            ("~AXleakCanary00ab12.", Hint::Url),
            ("https://host/AXleakCanary00ab12%25", Hint::Url),
            ("https://host/?x=%AXleakCanary00ab12", Hint::Url),
            ("https://host/?AXleakCanary00ab12%", Hint::Url),
            ("%AXleakCanary00ab12%", Hint::Plain),
        ] {
            let out = masked(value, hint);
            assert!(!out.contains("AXleakCanary00ab12"), "{value:?} -> {out:?}");
        }
        assert_eq!(
            masked("eu1-tidy-cat-12345.upstash.io", Hint::Url),
            "eu1-tidy-cat-12345.upstash.io"
        );
    }

    #[test]
    fn token_shaped_words_in_free_text() {
        assert_eq!(
            masked(
                "ERR invalid password for user default EchoedPw-555",
                Hint::Plain
            ),
            "ERR invalid password for user default ****"
        );
        assert_eq!(
            masked("WRONGPASS token AXdummyTok-1234 is not valid", Hint::Plain),
            "WRONGPASS token **** is not valid"
        );
        for keep in [
            "eu1-tidy-cat-12345.upstash.io",
            "UPSTASH_REDIS_REST_TOKEN",
            "invalid peer certificate: CaUsedAsEndEntity",
            "services/api-gateway",
            "apn1-glorious-mongoose-12345",
        ] {
            assert_eq!(masked(keep, Hint::Plain), keep);
        }
    }

    #[test]
    fn names_decide_the_hint() {
        for n in [
            "rest_token",
            "rest_tokn",
            "readonly_token",
            "password",
            "PASS",
            "_token",
        ] {
            assert_eq!(hint_for_name(n), Hint::Credential, "{n}");
        }
        for n in ["redis_url", "redis_ur", "REDIS_URL", "rest_url"] {
            assert_eq!(hint_for_name(n), Hint::Url, "{n}");
        }
        assert_eq!(hint_for_name("kind"), Hint::Plain);
    }
}
