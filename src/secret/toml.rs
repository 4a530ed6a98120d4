//! Where the secrets of a descriptor are, decided when it is read, before and whether or
//! not it parses as TOML.
//!
//! [`line_secrets`] scans the text line by line, so that a file that is not valid TOML (a
//! one-line `[database.main] redis_url = "..."`, an unclosed quote) still has its secrets
//! found; [`value_secrets`] walks the parsed document, so that a value of any type (an array,
//! an inline table, a multi-line string) under any key is classified too. The key decides the
//! hint: a credential-like key, or one close to a secret field (`rest_tokn`), makes the whole
//! value secret; any other value is secret where it looks like one.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::classify::{Hint, hint_for_name, sensitive_ranges};
use super::value::Sensitive;

/// The descriptor fields that hold a whole credential.
const TOKEN_FIELDS: &[&str] = &["rest_token", "rest_readonly_token"];
/// The descriptor fields that hold a URL.
const URL_FIELDS: &[&str] = &["redis_url", "rest_url"];

/// The hint for a value under `key`: its name, or the secret field it is a typo of.
#[must_use]
pub(crate) fn hint_for_key(key: &str) -> Hint {
    let by_name = hint_for_name(key);
    if by_name == Hint::Credential {
        return by_name;
    }
    let lower = key.to_ascii_lowercase();
    // The secret field this key is, or is closest to.
    let best = TOKEN_FIELDS
        .iter()
        .chain(URL_FIELDS)
        .filter(|f| jaro_may_exceed(&lower, f, 0.7))
        .map(|f| (strsim::jaro_winkler(&lower, f), *f))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, f)) if TOKEN_FIELDS.contains(&f) => Hint::Credential,
        Some(_) => Hint::Url,
        None if by_name == Hint::Url => Hint::Url,
        // A target's folder: a path, secret only where it holds what a secret looks like.
        None if lower == "dir" => Hint::Path,
        None => Hint::Plain,
    }
}

/// Whether the Jaro similarity of `a` and `b` may be above `floor`, from the characters they
/// share: Jaro is `(m/|a| + m/|b| + (m-t)/m) / 3` with `m` matching characters, at most the
/// characters the two have in common, and `(m-t)/m` at most 1. Jaro-Winkler only adds to a
/// Jaro above 0.7, so a key whose bound is at most 0.7 cannot score above 0.8: most keys of a
/// descriptor (`kind`, `dir`, a target's name) are ruled out in a pass over their bytes
/// instead of a quadratic comparison with each field. `true` when unsure (non-ASCII).
fn jaro_may_exceed(a: &str, b: &str, floor: f64) -> bool {
    if a.is_empty() || b.is_empty() || !a.is_ascii() || !b.is_ascii() {
        return true;
    }
    let mut counts = [0u32; 128];
    for c in b.bytes() {
        counts[usize::from(c)] += 1;
    }
    let mut common = 0usize;
    for c in a.bytes() {
        let n = &mut counts[usize::from(c)];
        if *n > 0 {
            *n -= 1;
            common += 1;
        }
    }
    #[allow(clippy::cast_precision_loss)] // lengths far below 2^52
    let bound = (common as f64 / a.len() as f64 + common as f64 / b.len() as f64 + 1.0) / 3.0;
    // A margin for rounding: the bound decides only where it is clearly below.
    bound > floor - 1e-9
}

/// Secret byte ranges of a TOML text, found line by line without parsing it.
#[must_use]
pub(crate) fn line_secrets(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    // An array or inline table under a credential key that goes on over several lines, or
    // a multi-line string: (its hint, the closing delimiter).
    let mut open: Option<(Hint, &str)> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        // Whatever the syntax, every word shaped like a token is secret wherever it stands
        // on the line (a key, a header, a line without `=`): the key-aware scan below adds
        // what a field's name makes secret.
        out.extend(shift(sensitive_ranges(content, Hint::Plain), start));
        if let Some((hint, close)) = open {
            let end = content
                .find(close)
                .map_or(content.len(), |i| i + close.len());
            if hint == Hint::Credential {
                out.push(start..start + end);
            } else {
                out.extend(shift(sensitive_ranges(&content[..end], hint), start));
            }
            if end < content.len() || content.contains(close) {
                open = None;
            }
            scan_line(content, start, end, &mut out, &mut open);
        } else {
            scan_line(content, start, 0, &mut out, &mut open);
        }
        start += line.len();
    }
    out
}

fn shift(ranges: Vec<Range<usize>>, by: usize) -> impl Iterator<Item = Range<usize>> {
    ranges.into_iter().map(move |r| r.start + by..r.end + by)
}

/// Every `key = value` on one line from byte `from` on, and every string literal on it.
fn scan_line(
    line: &str,
    base: usize,
    from: usize,
    out: &mut Vec<Range<usize>>,
    open: &mut Option<(Hint, &str)>,
) {
    let bytes = line.as_bytes();
    let mut i = from;
    let mut key_hint = Hint::Plain;
    // Brackets open on this line: a `,` after a string separates items only inside them.
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => break,
            b'=' => {
                key_hint = hint_for_key(key_before(line, i));
                i += 1;
                let lead = line[i..].len() - line[i..].trim_start().len();
                i += lead;
                let rest = &line[i..];
                if rest.starts_with('[') || rest.starts_with('{') {
                    if key_hint == Hint::Credential {
                        let close = if rest.starts_with('[') { "]" } else { "}" };
                        let end = matching(rest).map_or(rest.len(), |e| e + 1);
                        out.push(base + i..base + i + end);
                        if matching(rest).is_none() {
                            *open = Some((Hint::Credential, close));
                        }
                        i += end;
                    }
                    continue;
                }
                if rest.starts_with('"') || rest.starts_with('\'') {
                    continue;
                }
                {
                    // A bare value (not valid TOML for a string): up to a separator.
                    let end = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
                    let value = rest[..end].trim_end();
                    out.extend(shift(sensitive_ranges(value, key_hint), base + i));
                    i += end;
                    continue;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = line[i..].starts_with(if q == b'"' { "\"\"\"" } else { "'''" });
                let delim = if triple {
                    if q == b'"' { "\"\"\"" } else { "'''" }
                } else if q == b'"' {
                    "\""
                } else {
                    "'"
                };
                let body = i + delim.len();
                let close = find_close(&line[body..], delim, q == b'"' && !triple);
                let end = close.map_or(line.len(), |c| body + c);
                let value = &line[body..end];
                let ranges = sensitive_ranges(value, key_hint);
                if key_hint == Hint::Credential && !ranges.is_empty() {
                    // The quotes too, as the value's own span does.
                    let stop = close.map_or(line.len(), |_| end + delim.len());
                    out.push(base + i..base + stop);
                } else {
                    out.extend(shift(ranges, base + body));
                }
                if close.is_none() && triple {
                    *open = Some((key_hint, delim));
                }
                i = close.map_or(line.len(), |_| end + delim.len());
                // Text after a closed string that is no separator or comment (`"" pw "`, a
                // quote closed too early) is part of what the user meant as the value. Outside
                // brackets nothing separates values, so there a `,` starts such text too
                // (`redis_url = "'",Bearer TOKEN`).
                let after = line[i..].trim_start();
                let separator = if depth == 0 {
                    after.starts_with('#')
                } else {
                    after.starts_with([',', ']', '}', '#'])
                };
                if !after.is_empty() && !separator {
                    let at = line.len() - after.len();
                    // By shape even after a credential key: `rest_token = "..." x` keeps `x`.
                    let hint = if key_hint == Hint::Credential {
                        Hint::Plain
                    } else {
                        key_hint
                    };
                    out.extend(shift(sensitive_ranges(after, hint), base + at));
                    break;
                }
                continue;
            }
            b'[' | b'{' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
}

/// The key just before the `=` at `eq`: a bare or quoted key, the last part of a dotted one.
fn key_before(line: &str, eq: usize) -> &str {
    let before = line[..eq].trim_end();
    // Past the separator, whatever its length: a non-breaking space (U+00A0, two bytes) is
    // whitespace too, and the key starts after its last byte.
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '[' | ']' | '{' | ',' | '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    before[start..].trim_matches(['"', '\''])
}

fn find_close(s: &str, delim: &str, escapes: bool) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        if escapes && s.as_bytes()[i] == b'\\' {
            // The backslash and the character it escapes, whatever its length.
            i += 1 + s[i + 1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if s[i..].starts_with(delim) {
            return Some(i);
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The offset of the bracket that closes the one `s` starts with.
fn matching(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Secret byte ranges of a parsed TOML document: every value of every type, by its key.
#[must_use]
pub(crate) fn value_secrets(source: &str, root: &DeTable<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    walk_table(source, root, &mut out);
    out
}

fn walk_table(source: &str, table: &DeTable<'_>, out: &mut Vec<Range<usize>>) {
    for (key, value) in table {
        // Keys are read too: a table name or a mistyped field may be a pasted secret.
        let name = key.get_ref();
        let ranges = Sensitive::classify(name.as_ref(), Hint::Plain);
        if ranges.has_secret() {
            out.push(key.span());
        }
        walk(source, hint_for_key(name), value, out);
    }
}

fn walk(source: &str, hint: Hint, value: &Spanned<DeValue<'_>>, out: &mut Vec<Range<usize>>) {
    let span = value.span();
    match value.get_ref() {
        DeValue::String(s) => {
            // Remembered as decoded, too: a message quotes the value, not its TOML escapes.
            let value = Sensitive::classify(s.as_ref(), hint);
            let ranges = value.secret_ranges().to_vec();
            if ranges.is_empty() {
                return;
            }
            let literal = source.get(span.clone()).unwrap_or("");
            // Map into the source when the literal holds the value verbatim; else all of it.
            match literal.find(s.as_ref()).filter(|_| !s.is_empty()) {
                Some(at) => out.extend(shift(ranges, span.start + at)),
                None => out.push(span),
            }
        }
        DeValue::Array(items) if hint == Hint::Credential => {
            let _ = items;
            out.push(span);
        }
        DeValue::Table(_) if hint == Hint::Credential && !is_header(source, &span) => {
            out.push(span);
        }
        DeValue::Array(items) => {
            for item in items {
                walk(source, hint, item, out);
            }
        }
        DeValue::Table(t) => walk_table(source, t, out),
        // A number, a date or a boolean under a credential key (`rest_token = 123456789012345`)
        // is the credential too, written without quotes.
        _ if hint == Hint::Credential => out.push(span),
        _ => {}
    }
}

/// Whether a table's span is a `[header]` section rather than an inline `{ ... }` table.
fn is_header(source: &str, span: &Range<usize>) -> bool {
    !source
        .get(span.clone())
        .is_some_and(|t| t.trim_start().starts_with('{'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::mask_ranges;

    fn masked(text: &str) -> String {
        let (root, _) = DeTable::parse_recoverable(text);
        let mut r = line_secrets(text);
        r.extend(value_secrets(text, root.get_ref()));
        let merged = crate::secret::merge_ranges(r);
        mask_ranges(text, &merged)
    }

    #[test]
    fn the_jaro_bound_never_rules_out_a_close_key() {
        // Every key the bound rules out scores at most 0.8 against that field; typos of the
        // fields are not ruled out.
        let keys = [
            "rest_tokn",
            "resttoken",
            "rest_url",
            "redis_ur",
            "rdis_url",
            "rest_readonly_tokn",
            "rest_readonlytoken",
            "restu_rl",
            "kind",
            "dir",
            "platform",
            "database",
            "t1",
            "t9999",
            "env_prefix",
            "transport",
            "url_rest",
            "nekot_tser",
            "rest",
            "r",
            "_token",
            "token_rest",
            "readonly",
            "rest_read_only_token",
            "redis",
            "url",
        ];
        let mut ruled_out = 0;
        for key in keys {
            for field in TOKEN_FIELDS.iter().chain(URL_FIELDS) {
                if !jaro_may_exceed(key, field, 0.7) {
                    ruled_out += 1;
                    let score = strsim::jaro_winkler(key, field);
                    assert!(score <= 0.8, "{key} vs {field}: {score}");
                }
            }
        }
        assert!(ruled_out > 20, "the bound rules out the unrelated keys");
        for typo in ["rest_tokn", "redis_ur", "rest_readonly_tokn", "rdis_url"] {
            assert_ne!(hint_for_key(typo), Hint::Plain, "{typo}");
        }
        assert_eq!(hint_for_key("t9999"), Hint::Plain);
    }

    #[test]
    fn every_shape_of_secret_line_is_found() {
        for (text, secret) in [
            ("[database.main]\nrest_tokn = \"AXcanary1\"\n", "AXcanary1"),
            (
                "[database.main]\nreadonly_token = \"AXcanary2\"\n",
                "AXcanary2",
            ),
            ("[database.main]\npassword = \"hunter2x\"\n", "hunter2x"),
            (
                "[database.main]\nredis_ur = \"rediss://default:Pw33x@h:6379\"\n",
                "Pw33x",
            ),
            (
                "[database.main]\nrest_token = [\"AXcanary3\"]\n",
                "AXcanary3",
            ),
            (
                "[database.main]\nrest_token = {v = \"AXcanary4\"}\n",
                "AXcanary4",
            ),
            (
                "[database.main] redis_url = \"rediss://default:Pw44x@h:6379\"\n",
                "Pw44x",
            ),
            ("[database.main]\nrest_token = \"AXcanary5\n", "AXcanary5"),
            ("[database.main]\nrest_token = AXcanary6\n", "AXcanary6"),
            (
                "[database.main]\nrest_token = [\n  \"AXcanary7\",\n]\n",
                "AXcanary7",
            ),
            (
                "[database.main]\nrest_token = \"\"\"\nAXcanary8\n\"\"\"\n",
                "AXcanary8",
            ),
            (
                "[target.api]\nkind = \"AXtokenShaped9Canary\"\n",
                "AXtokenShaped9Canary",
            ),
            (
                "[database.main]\nredis_url = \"\" rediss://default:Pw55x@h:6379 \"\n",
                "Pw55x",
            ),
            (
                "[target.AXtokenShaped10Canary]\nkind = \"server\"\n",
                "AXtokenShaped10Canary",
            ),
            // A string closed too early, then a `,` outside brackets: still the value.
            (
                "[database.main]\nredis_url = \"'\",Bearer AXleakCanary00ab12 '\n",
                "AXleakCanary00ab12",
            ),
            (
                "[database.main]\nredis_url = \"x\", Pw66xSecret\n",
                "Pw66xSecret",
            ),
            // Token-shaped text anywhere: a key, a line without `=`.
            (
                "[database.main]\nAXtokenShaped11Canary\n",
                "AXtokenShaped11Canary",
            ),
            ("AXtokenShaped12Canary = 1\n", "AXtokenShaped12Canary"),
        ] {
            let out = masked(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
        }
    }

    /// Every non-ASCII whitespace character, in every position of a line: no slice may
    /// fall inside one (a non-breaking space before a key panicked).
    #[test]
    fn non_ascii_whitespace_anywhere_never_panics() {
        for ws in [
            "\u{a0}", "\u{2000}", "\u{2003}", "\u{2009}", "\u{200a}", "\u{200b}", "\u{3000}",
            "\u{feff}",
        ] {
            let line = format!(
                "{ws}[{ws}database{ws}.{ws}main{ws}]{ws}\n{ws}rest_token{ws}={ws}\"{ws}AXcanary{ws}\"{ws},{ws}#{ws}\n{ws}redis_url{ws}={ws}[{ws}\"rediss://default:Pw9x@h\"{ws}]{ws}\n{ws}x{ws}={ws}{{{ws}a{ws}={ws}1{ws}}}\n"
            );
            for cut in (0..=line.len()).filter(|&i| line.is_char_boundary(i)) {
                let _ = masked(&line[..cut]);
                let _ = masked(&line[cut..]);
            }
            let out = masked(&line);
            assert!(
                !out.contains("AXcanary") && !out.contains("Pw9x"),
                "{out:?}"
            );
        }
    }

    /// A number, a boolean or a date under a credential key is the credential.
    #[test]
    fn non_string_credentials_are_secret() {
        for (text, secret) in [
            (
                "[database.main]\nrest_token = 123456789012345\n",
                "123456789012345",
            ),
            (
                "[database.main]\nrest_readonly_token = 1.5e300\n",
                "1.5e300",
            ),
            ("[database.main]\npassword = 1979-05-27\n", "1979-05-27"),
        ] {
            let out = masked(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn plain_fields_stay_readable() {
        let text = "[target.api]\nkind = \"server\"\ndir = \"services/api\"\n[database.main]\nrest_url = \"https://eu1-cat.upstash.io\"\n";
        assert_eq!(masked(text), text);
    }
}
