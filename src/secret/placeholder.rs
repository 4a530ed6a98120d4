//! Placeholders left in a value (`<PASSWORD>`, `YOUR_TOKEN`, `********`, ...). A placeholder
//! is not a secret: messages quote it so the user sees what to replace.

use std::ops::Range;

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
        // Only a short name counts, so `>` is looked for no further than that: `<<<<...`
        // stays linear.
        if let Some(len) = window(value, open + 1, 41).find('>') {
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
        if let Some(len) = window(value, body, 40 + close.len()).find(close) {
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
        // The run of A-Z and _ after `[`, then `]`: the same as checking everything up to
        // the next `]`, without scanning to a distant one from every `[`.
        let len = value.as_bytes()[open + 1..]
            .iter()
            .take_while(|&&b| b.is_ascii_uppercase() || b == b'_')
            .count();
        if len >= 3 && value.as_bytes().get(open + 1 + len) == Some(&b']') {
            return Some(open..open + len + 2);
        }
        from = open + 1;
    }
    None
}

/// At most `len` bytes of `value` from `start`, cut back to a character boundary.
fn window(value: &str, start: usize, len: usize) -> &str {
    let mut end = (start + len).min(value.len());
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[start..end]
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
            || fill_in_here(word)
            || your_credential(word)
    })
}

/// What a credential placeholder names after `your`: `your-upstash-token`,
/// `your_rest_token`, `YOUR-DATABASE` (`https://your-database.upstash.io`). Only these words:
/// `your-mongoose-12345` could be a real host name.
const CREDENTIAL_WORDS: &[&str] = &[
    "upstash", "redis", "rest", "api", "kv", "url", "uri", "token", "readonly", "read", "only",
    "password", "pass", "secret", "key", "endpoint", "host", "hostname", "port", "database", "db",
    "instance", "name", "user", "username", "id", "region",
];

/// `your` followed by words of [`CREDENTIAL_WORDS`] only, each after a `_` or `-`.
fn your_credential(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("your_")
        .or_else(|| lower.strip_prefix("your-"))
    else {
        return false;
    };
    rest.split(['_', '-'])
        .all(|part| CREDENTIAL_WORDS.contains(&part))
}

/// `your_token_here`, `YOUR-REST-URL-HERE`, `paste_password_here`, `insert_key_here`: a word
/// that asks to be filled in (a real token or host name does not end in `_here`).
fn fill_in_here(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let Some(body) = lower
        .strip_suffix("_here")
        .or_else(|| lower.strip_suffix("-here"))
    else {
        return false;
    };
    ["your", "insert", "paste", "put", "enter", "add"]
        .iter()
        .any(|lead| {
            body.strip_prefix(lead)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['_', '-']))
        })
}
#[cfg(test)]
mod tests {
    use super::*;

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
            ("your_token_here", "your_token_here"),
            ("https://YOUR-REST-URL-HERE", "YOUR-REST-URL-HERE"),
            ("paste_password_here", "paste_password_here"),
            ("your-upstash-token", "your-upstash-token"),
            ("your-rest-token", "your-rest-token"),
            ("https://your-database.upstash.io", "your-database"),
            (
                "YOUR_UPSTASH_REDIS_REST_READONLY_TOKEN",
                "YOUR_UPSTASH_REDIS_REST_READONLY_TOKEN",
            ),
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
            "https://where-here-12345.upstash.io",
            "your_here_token",
            "https://your-cat-12345.upstash.io",
            "your-",
        ] {
            assert_eq!(find_placeholder(v), None, "{v}");
        }
    }
}
