//! Masking and placeholder detection. Everything that shows a URL or token to a user goes
//! through [`mask_url`] or [`MASK`]; nothing here ever returns a character of a secret.

use std::ops::Range;

/// What a secret is replaced with in every output.
pub const MASK: &str = "****";

/// The byte range of the password in a URL-like string, found without parsing so that it
/// works on URLs that are invalid (unencoded `@` or `#` in the password, a bad port, ...).
///
/// The user information runs from after `scheme://` to the *last* `@` (host names never
/// contain `@`, passwords often do). The password is what follows the first `:` in it. When
/// there is no `:`, a user part that is neither `default` nor `default_ro` is treated as a
/// password too (`redis://<password>@host` is a common mistake).
#[must_use]
pub fn url_password_range(url: &str) -> Option<Range<usize>> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let at = rest.rfind('@')?;
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) if colon + 1 < at => Some(start + colon + 1..start + at),
        Some(_) => None,
        None if userinfo.is_empty() || is_known_user(userinfo) => None,
        None => Some(start..start + at),
    }
}

fn is_known_user(user: &str) -> bool {
    matches!(user, "default" | "default_ro")
}

/// The byte range of a `_token=` value in the query string of a URL-like string. Upstash
/// accepts the REST token there, so it is as secret as a password.
#[must_use]
pub fn url_token_range(url: &str) -> Option<Range<usize>> {
    // The query starts after the user information: an unencoded `?` in a password is not it.
    let after_password = url_password_range(url).map_or(0, |r| r.end);
    let start = url[after_password..].find('?')? + after_password + 1;
    let end = url[start..].find('#').map_or(url.len(), |i| start + i);
    let mut at = start;
    for pair in url[start..end].split('&') {
        if let Some(value) = pair.strip_prefix("_token=")
            && !value.is_empty()
        {
            return Some(at + "_token=".len()..at + pair.len());
        }
        at += pair.len() + 1;
    }
    None
}

/// Every secret in a URL-like string, in order: the password, then a `_token=` query value.
#[must_use]
pub fn url_secret_ranges(url: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = url_password_range(url)
        .into_iter()
        .chain(url_token_range(url))
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// The URL with its password and `_token=` value replaced by `****`; any other string is
/// returned unchanged.
#[must_use]
pub fn mask_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut pos = 0;
    for r in url_secret_ranges(url) {
        if r.end <= pos {
            continue;
        }
        out.push_str(&url[pos..r.start.max(pos)]);
        out.push_str(MASK);
        pos = r.end;
    }
    out.push_str(&url[pos..]);
    out
}

/// Masks a value for display according to what it holds.
#[must_use]
pub fn mask_value(value: &str, kind: SecretKind) -> String {
    match kind {
        SecretKind::Url => mask_url(value),
        SecretKind::Token => {
            if value.is_empty() {
                String::new()
            } else {
                MASK.to_owned()
            }
        }
        SecretKind::Public => value.to_owned(),
    }
}

/// How a value must be masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A URL whose password is secret.
    Url,
    /// A token: secret as a whole.
    Token,
    /// Nothing secret.
    Public,
}

/// Finds a placeholder left in a value (`<PASSWORD>`, `YOUR_TOKEN`, `********`, ...), with
/// its byte range.
#[must_use]
pub fn find_placeholder(value: &str) -> Option<Range<usize>> {
    angle_placeholder(value)
        .or_else(|| delimited(value, "{{", "}}"))
        .or_else(|| bracket_placeholder(value))
        .or_else(|| run_of(value, |c| c == '*', 3))
        .or_else(|| word_run(value, |c| c == 'x' || c == 'X', 6))
        .or_else(|| named_placeholder(value))
}

fn angle_placeholder(value: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(open) = value[from..].find('<').map(|i| i + from) {
        if let Some(len) = value[open + 1..].find('>') {
            let inner = &value[open + 1..open + 1 + len];
            if !inner.is_empty()
                && inner.len() <= 40
                && inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
            {
                return Some(open..open + len + 2);
            }
        }
        from = open + 1;
    }
    None
}

/// `{{NAME}}` template holes. Like `<NAME>`, only a short name counts: the message quotes the
/// placeholder, and a looser match could run across a real password between two holes.
fn delimited(value: &str, open: &str, close: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(s) = value[from..].find(open).map(|i| i + from) {
        let body = s + open.len();
        if let Some(len) = value[body..].find(close) {
            let inner = &value[body..body + len];
            if !inner.trim().is_empty()
                && inner.len() <= 40
                && inner
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
            {
                return Some(s..body + len + close.len());
            }
        }
        from = s + 1;
    }
    None
}

fn bracket_placeholder(value: &str) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(open) = value[from..].find('[').map(|i| i + from) {
        if let Some(len) = value[open + 1..].find(']') {
            let inner = &value[open + 1..open + 1 + len];
            if inner.len() >= 3 && inner.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                return Some(open..open + len + 2);
            }
        }
        from = open + 1;
    }
    None
}

fn run_of(value: &str, pred: impl Fn(char) -> bool, min: usize) -> Option<Range<usize>> {
    let mut start = None;
    for (i, c) in value
        .char_indices()
        .chain(std::iter::once((value.len(), '\0')))
    {
        match (pred(c) && i < value.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) if i - s >= min => return Some(s..i),
            (false, Some(_)) => start = None,
            _ => {}
        }
    }
    None
}

/// A run of at least `min` characters matching `pred` that is a whole word: bounded by the
/// ends of the value or by characters that are not alphanumeric.
fn word_run(value: &str, pred: impl Fn(char) -> bool, min: usize) -> Option<Range<usize>> {
    for word in words(value) {
        let text = &value[word.clone()];
        if text.len() >= min && text.chars().all(&pred) {
            return Some(word);
        }
    }
    None
}

fn words(value: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices() {
        let part = c.is_ascii_alphanumeric() || c == '_' || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..value.len());
    }
    out.into_iter()
}

const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replace-me",
    "replaceme",
    "your_password",
    "your-password",
    "yourpassword",
    "your_token",
    "your-token",
    "yourtoken",
    "your_endpoint",
    "your-endpoint",
    "your_host",
    "your-host",
    "your_port",
    "your_url",
    "your-url",
    "your_rest_url",
    "your_rest_token",
    "your_redis_url",
    "your_upstash_redis_rest_url",
    "your_upstash_redis_rest_token",
    "password_here",
    "token_here",
];

fn named_placeholder(value: &str) -> Option<Range<usize>> {
    // No lowercased copy per word: most words differ in length from every placeholder, and
    // `eq_ignore_ascii_case` compares lengths first (this runs on every value `lint` sees).
    words(value).find(|w| {
        let word = &value[w.clone()];
        PLACEHOLDER_WORDS
            .iter()
            .any(|placeholder| placeholder.eq_ignore_ascii_case(word))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_found_even_with_unencoded_at_and_hash() {
        let url = "rediss://default:p@ss#w0rd@eu1-cat.upstash.io:6379";
        let r = url_password_range(url).unwrap();
        assert_eq!(&url[r], "p@ss#w0rd");
        assert_eq!(
            mask_url(url),
            "rediss://default:****@eu1-cat.upstash.io:6379"
        );
    }

    #[test]
    fn a_token_in_the_query_string_is_masked_too() {
        let url = "https://eu1-cat.upstash.io/?a=1&_token=AXsecret#frag";
        assert_eq!(&url[url_token_range(url).unwrap()], "AXsecret");
        assert_eq!(
            mask_url(url),
            "https://eu1-cat.upstash.io/?a=1&_token=****#frag"
        );
        assert_eq!(
            mask_url("https://u:pw@h/?_token=AXsecret"),
            "https://u:****@h/?_token=****"
        );
        assert_eq!(url_token_range("https://h/?_token="), None);
        assert_eq!(url_token_range("https://h/?my_token=x"), None);
    }

    #[test]
    fn user_only_urls_and_plain_hosts_keep_their_text() {
        assert_eq!(
            mask_url("rediss://default@host:6379"),
            "rediss://default@host:6379"
        );
        assert_eq!(mask_url("https://host"), "https://host");
        assert_eq!(mask_url("not a url"), "not a url");
        assert_eq!(mask_url("redis://AXsecret@host"), "redis://****@host");
        assert_eq!(mask_url("redis://:pw@host"), "redis://:****@host");
    }

    #[test]
    fn placeholders_are_found() {
        for (v, p) in [
            ("rediss://default:<PASSWORD>@h:6379", "<PASSWORD>"),
            ("rediss://default:pw@<ENDPOINT>:<PORT>", "<ENDPOINT>"),
            ("YOUR_PASSWORD", "YOUR_PASSWORD"),
            ("rediss://default:********@h:6379", "********"),
            ("[SENSITIVE]", "[SENSITIVE]"),
            ("xxxxxxxx", "xxxxxxxx"),
            ("https://{{HOST}}", "{{HOST}}"),
            ("changeme", "changeme"),
        ] {
            let r = find_placeholder(v).unwrap_or_else(|| panic!("{v}"));
            assert_eq!(&v[r], p);
        }
    }

    #[test]
    fn real_values_are_not_placeholders() {
        for v in [
            "rediss://default:AXb3c2Fz@eu1-tidy-cat-12345.upstash.io:6379",
            "https://eu1-tidy-cat-12345.upstash.io",
            "AXXXASQgODk3ZjA2ZTktYmM4Zi00ZmE4LWI2ZDMtOWY1OTA2NmVkNDM0NTA4ZmM0YzA",
            "redis://[::1]:6379",
            "https://your-mongoose-12345.upstash.io",
            "AXxxyz",
        ] {
            assert_eq!(find_placeholder(v), None, "{v}");
        }
    }
}
