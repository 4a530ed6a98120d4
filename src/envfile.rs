//! A position-keeping reader for `KEY=VALUE` files (`.env`, `.env.local`, `.dev.vars`).
//!
//! `--env-file` values are read with `dotenvy`; this scanner exists for what dotenvy does not
//! give: the byte position of every key and value (for diagnostics) and the exact bytes of
//! every line (so `generate` can replace managed keys and keep everything else).

use std::ops::Range;

/// One logical line of an env file. The ranges of all lines tile the text exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvLine {
    /// What the line holds.
    pub kind: LineKind,
    /// Its bytes, line terminator included (a quoted value may span several lines).
    pub range: Range<usize>,
}

impl EnvLine {
    /// The line's `KEY=VALUE` entry, if it is one.
    #[must_use]
    pub fn entry(&self) -> Option<&EnvEntry> {
        match &self.kind {
            LineKind::Entry(e) => Some(e),
            _ => None,
        }
    }
}

/// What a line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// Empty or whitespace only.
    Blank,
    /// A `#` comment.
    Comment,
    /// `KEY=VALUE`.
    Entry(EnvEntry),
    /// Anything else.
    Invalid,
}

/// A `KEY=VALUE` entry.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvEntry {
    /// The key.
    pub key: String,
    /// Where the key is.
    pub key_span: Range<usize>,
    /// The value as a dotenv parser yields it: quotes removed, escapes applied.
    pub value: String,
    /// The raw value, quotes included.
    pub value_span: Range<usize>,
    /// Where `value` starts in the text when it appears there byte for byte.
    pub verbatim: Option<usize>,
    /// The quote character, if the value is quoted.
    pub quote: Option<char>,
}

impl EnvEntry {
    /// Maps a range of the value to the text; the raw value when not verbatim.
    #[must_use]
    pub fn value_range(&self, range: Option<&Range<usize>>) -> Range<usize> {
        match (range, self.verbatim) {
            (Some(r), Some(start)) => start + r.start..start + r.end,
            _ => self.value_span.clone(),
        }
    }
}

/// The UTF-8 byte-order mark some editors write at the start of a file. The scanner reads
/// the first line after it, and the mark stays part of that line's bytes (so [`merge`] keeps
/// it); dotenvy skips it too.
pub(crate) const BOM: char = '\u{feff}';

/// The length in bytes of the byte-order mark `text` starts with (0 without one).
#[must_use]
pub(crate) fn bom_len(text: &str) -> usize {
    if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    }
}

/// Splits `text` into lines and parses each.
#[must_use]
pub fn scan(text: &str) -> Vec<EnvLine> {
    scan_lines(text).collect()
}

/// [`scan`], one line at a time: a reader that keeps only some lines holds only those.
pub(crate) fn scan_lines(text: &str) -> impl Iterator<Item = EnvLine> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let (kind, end) = scan_line(text, pos);
        let line = EnvLine {
            kind,
            range: pos..end,
        };
        pos = end;
        Some(line)
    })
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i + 1)
}

fn content_end(text: &str, from: usize, end: usize) -> usize {
    let s = &text[from..end];
    from + s.trim_end_matches(['\n', '\r']).len()
}

fn scan_line(text: &str, start: usize) -> (LineKind, usize) {
    let end = line_end(text, start);
    // A byte-order mark belongs to the first line's bytes but not to its key.
    let start = if start == 0 { bom_len(text) } else { start };
    let line = &text[start..content_end(text, start, end)];
    let trimmed = line.trim_start();
    if trimmed.is_empty() {
        return (LineKind::Blank, end);
    }
    if trimmed.starts_with('#') {
        return (LineKind::Comment, end);
    }
    let mut at = start + (line.len() - trimmed.len());
    if let Some(rest) = trimmed.strip_prefix("export ") {
        at += trimmed.len() - rest.len();
        at += rest.len() - rest.trim_start().len();
    }
    let key_len = text[at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(text.len() - at);
    let key_span = at..at + key_len;
    if key_len == 0 || text[at..].starts_with(|c: char| c.is_ascii_digit()) {
        return (LineKind::Invalid, end);
    }
    let mut p = key_span.end;
    p += text[p..].len() - text[p..].trim_start_matches([' ', '\t']).len();
    if !text[p..].starts_with('=') {
        return (LineKind::Invalid, end);
    }
    p += 1;
    p += text[p..].len() - text[p..].trim_start_matches([' ', '\t']).len();
    let key = text[key_span.clone()].to_owned();
    match text[p..].chars().next() {
        Some(q @ ('"' | '\'')) => quoted(text, key, key_span, p, q, end),
        _ => {
            let line_stop = content_end(text, p, end);
            let raw = &text[p..line_stop];
            // A `#` after whitespace starts a comment, and so does one where the value would
            // start (`KEY= # fill in`, `KEY=#x`: an empty value, as dotenvy and Node's dotenv
            // read them).
            let value_len = raw
                .char_indices()
                .find(|&(i, c)| c == '#' && (i == 0 || raw[..i].ends_with([' ', '\t'])))
                .map_or(raw.len(), |(i, _)| i);
            let value = raw[..value_len].trim_end();
            (
                LineKind::Entry(EnvEntry {
                    key,
                    key_span,
                    value: value.to_owned(),
                    value_span: p..p + value.len(),
                    verbatim: Some(p),
                    quote: None,
                }),
                end,
            )
        }
    }
}

fn quoted(
    text: &str,
    key: String,
    key_span: Range<usize>,
    open: usize,
    q: char,
    first_end: usize,
) -> (LineKind, usize) {
    let body = open + 1;
    let mut value = String::new();
    let mut escaped_any = false;
    let mut chars = text[body..].char_indices();
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        if c == q {
            close = Some(body + i);
            break;
        }
        if c == '\\' && q == '"' {
            escaped_any = true;
            match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => value.push(other),
                None => break,
            }
            continue;
        }
        value.push(c);
    }
    let Some(close) = close else {
        return (LineKind::Invalid, first_end);
    };
    let end = line_end(text, close);
    let after = text[close + 1..content_end(text, close + 1, end)].trim_start();
    if !(after.is_empty() || after.starts_with('#')) {
        return (LineKind::Invalid, end);
    }
    let multiline = text[body..close].contains('\n');
    (
        LineKind::Entry(EnvEntry {
            key,
            key_span,
            value,
            value_span: open..close + 1,
            verbatim: (!escaped_any && !multiline).then_some(body),
            quote: Some(q),
        }),
        end,
    )
}

/// The value of the first line of `text`, as [`scan`] reads it.
fn value_of(text: &str) -> Option<String> {
    match scan(text).into_iter().next()?.kind {
        LineKind::Entry(e) => Some(e.value),
        _ => None,
    }
}

/// The byte offset of the first line that opens a quote and never closes it, if any.
///
/// Such a line reads as invalid today, but any quote written after it (a value that
/// [`merge`] appends, say) would close it and turn everything in between into one value: a
/// merge into this file could not keep its promises, and dotenv parsers reject it anyway.
#[must_use]
pub fn unclosed_quote(text: &str) -> Option<usize> {
    scan(text)
        .into_iter()
        .filter(|l| l.kind == LineKind::Invalid)
        .find_map(|l| {
            let line = &text[l.range.clone()];
            let rest = if l.range.start == 0 {
                &line[bom_len(line)..]
            } else {
                line
            }
            .trim_start();
            let rest = rest.strip_prefix("export ").unwrap_or(rest).trim_start();
            let key = rest.len()
                - rest
                    .trim_start_matches(|c: char| {
                        c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
                    })
                    .len();
            if key == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            let rest = rest[key..]
                .trim_start_matches([' ', '\t'])
                .strip_prefix('=')?;
            let value = rest.trim_start_matches([' ', '\t']);
            let q = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let body = l.range.start + (line.len() - value.len()) + 1;
            let mut chars = text[body..].chars();
            while let Some(c) = chars.next() {
                if c == q {
                    return None;
                }
                if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            Some(l.range.start)
        })
}

/// Why [`merge`] may not write `vars` into `text` without losing or misplacing something,
/// with the 1-based line it concerns; `None` when it may. Three shapes: a line that opens a
/// quote and never closes it ([`unclosed_quote`]); a line that is not `KEY=VALUE` and has a
/// quote after its `=` (`KEY="""`, Fly's multi-line form), so that where its value ends is a
/// matter of which tool reads it and a managed key below may be inside it; and a managed key
/// set twice with different values, where tools disagree on which one counts (upwire and
/// dotenvy the first, Node's dotenv, wrangler and Docker the last), so a merge would overwrite
/// the one that counts for some of them.
#[must_use]
pub(crate) fn merge_blocker(text: &str, vars: &[(String, String)]) -> Option<(usize, String)> {
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    if let Some(at) = unclosed_quote(text) {
        return Some((
            line_of(at),
            "opens a quote that is never closed; close it or remove the line".to_owned(),
        ));
    }
    let lines = scan(text);
    for l in &lines {
        let line = &text[l.range.clone()];
        if l.kind == LineKind::Invalid
            && line
                .split_once('=')
                .is_some_and(|(_, value)| value.contains(['"', '\'']))
        {
            return Some((
                line_of(l.range.start),
                "has a quoted value that dotenv tools read in different ways (a `\"\"\"` multi-line value?), so the lines below it may be part of it; write the value on one line or remove it".to_owned(),
            ));
        }
    }
    for (key, _) in vars {
        let mut set = lines.iter().filter_map(|l| {
            l.entry()
                .filter(|e| e.key == *key)
                .map(|e| (l.range.start, &e.value))
        });
        let Some((first, value)) = set.next() else {
            continue;
        };
        if let Some((again, _)) = set.find(|(_, other)| *other != value) {
            return Some((
                line_of(again),
                format!(
                    "sets `{key}` again, to another value than line {} does; tools disagree on which one counts, so keep the one you mean and remove the other",
                    line_of(first)
                ),
            ));
        }
    }
    None
}

/// The `(key, value)` pairs of an env file, in order.
#[must_use]
pub(crate) fn entries(text: &str) -> Vec<(String, String)> {
    scan(text)
        .into_iter()
        .filter_map(|l| match l.kind {
            LineKind::Entry(e) => Some((e.key, e.value)),
            _ => None,
        })
        .collect()
}

/// Replaces the values of `vars` in an existing env file and appends the missing ones.
/// Every other byte (comments, blank lines, other keys, `export ` prefixes, quoting of
/// unmanaged values, CRLF line endings) is kept as it is. Values must already be formatted
/// for the file (see `generate::dotenv_value`). Check [`unclosed_quote`] first: after such a
/// line, the appended keys would read as part of its value.
#[must_use]
pub fn merge(existing: &str, vars: &[(String, String)]) -> String {
    let eol = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(existing.len() + 256);
    let mut seen = vec![false; vars.len()];
    for line in scan(existing) {
        let text = &existing[line.range.clone()];
        let managed = line
            .entry()
            .and_then(|e| Some((vars.iter().position(|(k, _)| *k == e.key)?, e)));
        match managed {
            Some((i, e)) => {
                seen[i] = true;
                let before = &existing[line.range.start..e.value_span.start];
                let after = &existing[e.value_span.end..line.range.end];
                let value = &vars[i].1;
                // What followed the old value can run into the new one and become part of
                // it: a comment right after an empty value (`KEY= # fill in`) or glued to a
                // quoted one (`"old"# note`). Then separate it with a space, or quote the new
                // value as the old one was.
                let wanted = value_of(&format!("K={value}\n"));
                // A line that already holds the value, however quoted (`vercel env pull`
                // writes `KEY="value"`), stays as it is.
                if value_of(text) == wanted {
                    out.push_str(text);
                    continue;
                }
                let plain = !value.contains(['\'', '"', '\n', '\r']);
                // A `#` glued to a value is a comment only to upwire: dotenvy rejects it.
                let glued = after.starts_with('#');
                let replaced = [
                    (!glued).then(|| format!("{before}{value}{after}")),
                    Some(format!("{before}{value} {after}")),
                    plain.then(|| format!("{before}'{value}'{after}")),
                ]
                .into_iter()
                .flatten()
                .find(|line| value_of(line) == wanted)
                .unwrap_or_else(|| format!("{before}{value}{after}"));
                out.push_str(&replaced);
            }
            None => out.push_str(text),
        }
    }
    if seen.iter().all(|s| *s) {
        return out;
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str("# added by `upwire generate`");
    out.push_str(eol);
    for ((key, value), seen) in vars.iter().zip(seen) {
        if !seen {
            out.push_str(key);
            out.push('=');
            out.push_str(value);
            out.push_str(eol);
        }
    }
    out
}

/// The value as the classifier masks it for its key.
impl std::fmt::Debug for EnvEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hint = crate::secret::hint_for_name(&self.key);
        let ranges = crate::secret::sensitive_ranges(&self.value, hint);
        f.debug_struct("EnvEntry")
            .field("key", &self.key)
            .field("value", &crate::secret::mask_ranges(&self.value, &ranges))
            .field("value_span", &self.value_span)
            .finish_non_exhaustive()
    }
}

/// Formats a value for a dotenv file so that dotenv parsers read back exactly `value`.
#[must_use]
pub fn dotenv_value(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.:/@%+=?&,~[]<>".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        value.to_owned()
    } else if !value.contains(['\'', '\\', '\n', '\r']) {
        // No backslash in single quotes: dotenvy reads `\'` there as an escaped quote.
        format!("'{value}'")
    } else {
        crate::quote::double_quoted(value, |c| match c {
            '"' | '\\' | '$' => Some(format!("\\{c}")),
            '\n' => Some("\\n".to_owned()),
            // Raw (`None`): dotenvy knows no `\r` escape and rejects the whole file.
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_values_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for value in [
            "rediss://default:AXpw@eu1-cat.upstash.io:6379",
            "pa ss#word",
            "it's $HOME \"quoted\"",
            "multi\nline",
            "",
        ] {
            let path = dir.path().join(".env");
            std::fs::write(&path, format!("K={}\n", dotenv_value(value))).unwrap();
            let got: Vec<(String, String)> = dotenvy::from_path_iter(&path)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(got, [("K".to_owned(), value.to_owned())], "{value:?}");
        }
    }

    #[test]
    fn lines_tile_the_text_and_values_are_parsed_like_dotenv() {
        let text = "# c\r\nexport A=1\nB = \"two # not comment\" # comment\nC='x\ny'\nD=plain # c\n\nbad line\nE=\"esc\\n\"";
        let lines = scan(text);
        let joined: String = lines.iter().map(|l| &text[l.range.clone()]).collect();
        assert_eq!(joined, text);
        assert_eq!(
            entries(text),
            [
                ("A".into(), "1".into()),
                ("B".into(), "two # not comment".into()),
                ("C".into(), "x\ny".into()),
                ("D".into(), "plain".into()),
                ("E".into(), "esc\n".into()),
            ]
        );
        assert!(lines.iter().any(|l| l.kind == LineKind::Invalid));
    }

    #[test]
    fn positions_point_at_the_value() {
        let text = "REDIS_URL=\"https://h\"\n";
        let LineKind::Entry(e) = &scan(text)[0].kind else {
            panic!()
        };
        assert_eq!(&text[e.value_range(Some(&(0..5)))], "https");
        assert_eq!(&text[e.key_span.clone()], "REDIS_URL");
    }

    #[test]
    fn merge_replaces_managed_keys_and_keeps_every_other_byte() {
        let old = "# top\r\nexport REDIS_URL=old # keep me\r\nOTHER=\"x\ny\"\r\n\r\nSECRET='s'";
        let vars = [
            ("REDIS_URL".to_owned(), "new".to_owned()),
            ("UPSTASH_REDIS_REST_TOKEN".to_owned(), "tok".to_owned()),
        ];
        let merged = merge(old, &vars);
        assert_eq!(
            merged,
            "# top\r\nexport REDIS_URL=new # keep me\r\nOTHER=\"x\ny\"\r\n\r\nSECRET='s'\r\n# added by `upwire generate`\r\nUPSTASH_REDIS_REST_TOKEN=tok\r\n"
        );
        assert_eq!(
            merge(&merged, &vars),
            merged,
            "merging twice changes nothing"
        );
    }

    #[test]
    fn merge_keeps_a_line_that_holds_the_value_already() {
        // As `vercel env pull` writes `.env.local`.
        let old = "# Created by Vercel CLI\nKV_REST_API_TOKEN=\"tok\"\nKV_REST_API_URL=\"https://a.upstash.io\"\n";
        let vars = [
            (
                "KV_REST_API_URL".to_owned(),
                "https://a.upstash.io".to_owned(),
            ),
            ("KV_REST_API_TOKEN".to_owned(), "tok".to_owned()),
        ];
        assert_eq!(merge(old, &vars), old);
        // A new value still replaces the old one.
        let vars = [("KV_REST_API_TOKEN".to_owned(), "new".to_owned())];
        assert_eq!(
            merge(old, &vars),
            "# Created by Vercel CLI\nKV_REST_API_TOKEN=new\nKV_REST_API_URL=\"https://a.upstash.io\"\n"
        );
    }

    #[test]
    fn a_bom_is_read_past_and_kept_by_merge() {
        let text = "\u{feff}REDIS_URL=old\nexport B='x'\n";
        assert_eq!(
            entries(text),
            [("REDIS_URL".into(), "old".into()), ("B".into(), "x".into())]
        );
        let lines = scan(text);
        assert_eq!(lines[0].range, 0..17, "the BOM is part of the first line");
        let LineKind::Entry(e) = &lines[0].kind else {
            panic!("{lines:?}")
        };
        assert_eq!(&text[e.key_span.clone()], "REDIS_URL");
        let vars = [("REDIS_URL".to_owned(), "new".to_owned())];
        assert_eq!(merge(text, &vars), "\u{feff}REDIS_URL=new\nexport B='x'\n");
        assert_eq!(unclosed_quote("\u{feff}A=\"open\n"), Some(0));
        assert_eq!(unclosed_quote("\u{feff}A=1\n"), None);
        assert_eq!(scan("\u{feff}")[0].kind, LineKind::Blank);
        assert_eq!(scan("\u{feff}# c\n")[0].kind, LineKind::Comment);
    }

    #[test]
    fn agrees_with_dotenvy_on_values() {
        let text = "A=1\nB=\"q v\"\nC='s'\nD=uv # c\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, text).unwrap();
        let theirs: Vec<(String, String)> = dotenvy::from_path_iter(&path)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(entries(text), theirs);
    }
}
