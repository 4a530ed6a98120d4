//! `eas.json`, EAS Build's configuration in an Expo app (Expo docs, "Configuration with
//! eas.json"): each build profile's `env`, and its `android.env` and `ios.env`, set variables
//! for the build, and an `EXPO_PUBLIC_` one is inlined into the app bundle as a `.env` file's
//! would be (Expo docs, "Environment variables in Expo"). The file is committed with the app.
//! `lint` reads those variables as it reads an env file's: the same checks, with the findings
//! placed on the JSON's own lines, so that a full-access token under `EXPO_PUBLIC_` in a build
//! profile is the same error as in `.env`.
//!
//! EAS CLI reads the file as JSON5 (`@expo/json-file`): comments and trailing commas are
//! allowed, and read here too.

use std::ops::Range;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Location, SourceFile};

/// The file name EAS reads.
pub(crate) const FILE_NAME: &str = crate::framework::EAS_FILE;

/// One variable of a build profile: its name and value, and where both stand in the file
/// (inside the quotes).
#[derive(Debug)]
struct Variable {
    key: String,
    key_span: Range<usize>,
    value: String,
    value_span: Range<usize>,
    /// Whether the value is written without escapes, so that a byte of it is a byte of the
    /// file.
    plain: bool,
}

/// Lints `source`, an `eas.json`: its build profiles' variables are checked as an env file's
/// are, names behind the `declared` prefixes included. Returns the file with its secrets
/// registered, and the findings.
///
/// # Errors
/// The 1-based line and column where the text stops being JSON (EAS CLI refuses it too):
/// nothing of it is checked.
pub(crate) fn lint(
    mut source: SourceFile,
    declared: &[String],
) -> Result<(SourceFile, Vec<Diagnostic>), (usize, usize)> {
    let groups =
        variables(&source.text).map_err(|at| source.line_col(at.min(source.text.len())))?;
    // Each `env` object is its own environment (one profile's, or its Android or iOS
    // build's): the same name in two profiles is no duplicate, nor are two profiles' URL
    // and token one pair.
    let mut found = Vec::new();
    for variables in &groups {
        found.extend(lint_group(&mut source, variables, declared));
    }
    Ok((source, found))
}

/// Lints one `env` object's `variables` of `source` as an env file, registering their
/// secrets in `source`; the findings are placed on the JSON.
fn lint_group(
    source: &mut SourceFile,
    variables: &[Variable],
    declared: &[String],
) -> Vec<Diagnostic> {
    // The variables as an env file, one per line, each line's parts remembered.
    let mut text = String::new();
    let mut lines: Vec<(Range<usize>, Range<usize>, &Variable)> = Vec::new();
    for v in variables {
        // A name or value an env file cannot hold as it is (a line break, a quote) is
        // written double-quoted, its positions then the whole value's.
        let key_at = text.len();
        text.push_str(&v.key);
        let key = key_at..text.len();
        text.push('=');
        let raw = v
            .value
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '#' | '\\' | '`' | '$'));
        let value_at = text.len();
        if raw {
            text.push_str(&v.value);
        } else {
            text.push('"');
            for c in v.value.chars() {
                match c {
                    '"' | '\\' | '$' | '`' => {
                        text.push('\\');
                        text.push(c);
                    }
                    '\n' => text.push_str("\\n"),
                    '\r' => text.push_str("\\r"),
                    c => text.push(c),
                }
            }
            text.push('"');
        }
        let value = value_at..text.len();
        text.push('\n');
        lines.push((key, value, v));
    }
    let as_env = SourceFile::new(source.name.clone(), text);
    let (as_env, found) = crate::lint::lint_env_declaring(as_env, declared);
    // Each secret of the env file is the same bytes of the JSON.
    for secret in as_env.secret_ranges() {
        if let Some(span) = place(&lines, secret.clone(), true) {
            source.add_secret(span);
        }
    }
    // The values themselves too, where they hold escapes: a secret is masked whole.
    for (_, value, v) in &lines {
        if !v.plain
            && as_env
                .secret_ranges()
                .iter()
                .any(|s| s.start < value.end && value.start < s.end)
        {
            source.add_secret(v.value_span.clone());
        }
    }
    found
        .into_iter()
        .map(|mut d| {
            if let Some(location) = &d.location {
                if d.code == Code::DuplicateKey {
                    json_lines_in_message(source, &lines, location.span.start, &mut d.message);
                }
                let span = place(&lines, location.span.clone(), false).unwrap_or(0..0);
                d.location = Some(Location::new(source, span));
            }
            // Edits are of the env file's bytes, not the JSON's: `fix` does not write JSON.
            d.fix.clear();
            d
        })
        .collect()
}

/// A `duplicate-key` message at `at` of the env file written from `lines` names the line of
/// the first of the two in that file (variable `i` is on line `i + 1`): `message` names the
/// JSON's line instead.
fn json_lines_in_message(
    source: &SourceFile,
    lines: &[(Range<usize>, Range<usize>, &Variable)],
    at: usize,
    message: &mut String,
) {
    let Some((_, _, later)) = lines.iter().find(|(key, _, _)| key.contains(&at)) else {
        return;
    };
    let Some(first) = lines.iter().position(|(_, _, v)| v.key == later.key) else {
        return;
    };
    let (json_line, _) = source.line_col(lines[first].2.key_span.start);
    *message = message.replace(
        &format!("first set on line {}", first + 1),
        &format!("first set on line {json_line}"),
    );
}

/// Where the bytes `span` of the env file written from `lines` are in the JSON: the same
/// bytes of a name or of a value written plainly, else the whole value, else the whole name.
/// `exact` (for a secret): only a span within one value.
fn place(
    lines: &[(Range<usize>, Range<usize>, &Variable)],
    span: Range<usize>,
    exact: bool,
) -> Option<Range<usize>> {
    let (key, value, v) = lines
        .iter()
        .find(|(key, value, _)| key.start <= span.start && span.start <= value.end)?;
    let within = |outer: &Range<usize>| outer.start <= span.start && span.end <= outer.end;
    if within(value) && span.start < value.end {
        let raw = v.plain && v.value.len() == value.len();
        if raw {
            let shift = v.value_span.start;
            return Some(shift + (span.start - value.start)..shift + (span.end - value.start));
        }
        return Some(v.value_span.clone());
    }
    if exact {
        return None;
    }
    if within(key) {
        let shift = v.key_span.start;
        return Some(shift + (span.start - key.start)..shift + (span.end - key.start));
    }
    Some(v.key_span.start..v.key_span.end)
}

/// The variables of every build profile of the `eas.json` whose text is `text`: `build.*.env`,
/// `build.*.android.env` and `build.*.ios.env`, string values only, in the file's order, one
/// list per `env` object; or the byte where the text stops being JSON.
fn variables(text: &str) -> Result<Vec<Vec<Variable>>, usize> {
    let mut p = Parser { text, at: 0 };
    let root = p.document()?;
    let mut out = Vec::new();
    let Value::Object(root) = root else {
        return Ok(out);
    };
    let member = |members: &[Member], name: &str| -> Option<Value> {
        members
            .iter()
            .rev()
            .find(|m| m.key == name)
            .map(|m| m.value.clone())
    };
    let Some(Value::Object(profiles)) = member(&root, "build") else {
        return Ok(out);
    };
    for profile in &profiles {
        let Value::Object(settings) = &profile.value else {
            continue;
        };
        let envs = [
            member(settings, "env"),
            match member(settings, "android") {
                Some(Value::Object(a)) => member(&a, "env"),
                _ => None,
            },
            match member(settings, "ios") {
                Some(Value::Object(i)) => member(&i, "env"),
                _ => None,
            },
        ];
        for env in envs.into_iter().flatten() {
            let Value::Object(vars) = env else {
                continue;
            };
            let mut group = Vec::new();
            for var in vars {
                // A name no environment can hold (`A=B`, a space, a line break) would read as
                // another line of the env file: it is no variable, and left out.
                let name = !var.key.is_empty()
                    && !var.key.starts_with(|c: char| c.is_ascii_digit())
                    && var
                        .key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !name {
                    continue;
                }
                if let Value::String { text, span, plain } = var.value {
                    group.push(Variable {
                        key: var.key,
                        key_span: var.key_span,
                        value: text,
                        value_span: span,
                        plain,
                    });
                }
            }
            out.push(group);
        }
    }
    Ok(out)
}

/// A JSON5 value, as far as `eas.json` needs: strings keep where they stand.
#[derive(Debug, Clone)]
enum Value {
    Object(Vec<Member>),
    String {
        text: String,
        span: Range<usize>,
        plain: bool,
    },
    Other,
}

#[derive(Debug, Clone)]
struct Member {
    key: String,
    key_span: Range<usize>,
    value: Value,
}

/// How deep objects and arrays may nest: far beyond any `eas.json`, short of the stack.
const MAX_DEPTH: usize = 64;

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn document(&mut self) -> Result<Value, usize> {
        let value = self.value(0)?;
        self.space()?;
        if self.at < self.text.len() {
            return Err(self.at);
        }
        Ok(value)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Skips white space and comments.
    fn space(&mut self) -> Result<(), usize> {
        loop {
            let rest = &self.text[self.at..];
            let trimmed = rest.trim_start();
            self.at += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.at += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if let Some(comment) = trimmed.strip_prefix("/*") {
                let end = comment.find("*/").ok_or(self.at)?;
                self.at += end + 4;
            } else {
                return Ok(());
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, usize> {
        self.space()?;
        if depth > MAX_DEPTH {
            return Err(self.at);
        }
        match self.peek().ok_or(self.at)? {
            b'{' => self.object(depth),
            b'[' => {
                self.at += 1;
                loop {
                    self.space()?;
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Ok(Value::Other);
                    }
                    self.value(depth + 1)?;
                    self.space()?;
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {}
                        _ => return Err(self.at),
                    }
                }
            }
            b'"' | b'\'' => {
                let (text, span, plain) = self.string()?;
                Ok(Value::String { text, span, plain })
            }
            _ => {
                // Numbers, true, false, null (and JSON5's Infinity, NaN, hex): a word.
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                {
                    self.at += 1;
                }
                if self.at == start {
                    return Err(start);
                }
                Ok(Value::Other)
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, usize> {
        self.at += 1;
        let mut members = Vec::new();
        loop {
            self.space()?;
            let key = match self.peek().ok_or(self.at)? {
                b'}' => {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                b'"' | b'\'' => {
                    let (key, span, _) = self.string()?;
                    (key, span)
                }
                _ => {
                    // JSON5: an identifier as a key.
                    let start = self.at;
                    while self
                        .peek()
                        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'))
                    {
                        self.at += 1;
                    }
                    if self.at == start {
                        return Err(start);
                    }
                    (self.text[start..self.at].to_owned(), start..self.at)
                }
            };
            self.space()?;
            if self.peek() != Some(b':') {
                return Err(self.at);
            }
            self.at += 1;
            let value = self.value(depth + 1)?;
            members.push(Member {
                key: key.0,
                key_span: key.1,
                value,
            });
            self.space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.at),
            }
        }
    }

    /// A string: its text, the span of its contents (inside the quotes), and whether it has
    /// no escape.
    fn string(&mut self) -> Result<(String, Range<usize>, bool), usize> {
        let quote = self.text.as_bytes()[self.at];
        self.at += 1;
        let start = self.at;
        let mut out = String::new();
        let mut plain = true;
        let mut chars = self.text[start..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c as u32 == u32::from(quote) => {
                    self.at = start + i + 1;
                    return Ok((out, start..start + i, plain));
                }
                '\\' => {
                    plain = false;
                    let (_, e) = chars.next().ok_or(start + i)?;
                    match e {
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        '0' => out.push('\0'),
                        'u' => {
                            let hex: String = (0..4)
                                .filter_map(|_| chars.next().map(|(_, h)| h))
                                .collect();
                            let code = u32::from_str_radix(&hex, 16).map_err(|_| start + i)?;
                            // A lone surrogate stands for itself as the replacement character.
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        // A line continuation (JSON5).
                        '\n' => {}
                        other => out.push(other),
                    }
                }
                '\n' => return Err(start + i),
                c => out.push(c),
            }
        }
        Err(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variables_of_every_profile_and_platform_are_read_with_their_places() {
        let text = r#"{
  // EAS CLI reads JSON5.
  "cli": { "version": ">= 16.0.0" },
  "build": {
    "development": { "developmentClient": true, "env": { "EXPO_PUBLIC_A": "a", "N": 1 } },
    "production": {
      env: { 'B': "b\"q" },
      "android": { "env": { "C": "c" } },
      "ios": { "image": "latest", "env": { "D": "d", }, },
    },
  },
}"#;
        let vars: Vec<Variable> = variables(text)
            .expect("JSON5")
            .into_iter()
            .flatten()
            .collect();
        let got: Vec<(&str, &str, &str, bool)> = vars
            .iter()
            .map(|v| {
                (
                    v.key.as_str(),
                    v.value.as_str(),
                    &text[v.value_span.clone()],
                    v.plain,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("EXPO_PUBLIC_A", "a", "a", true),
                ("B", "b\"q", "b\\\"q", false),
                ("C", "c", "c", true),
                ("D", "d", "d", true),
            ]
        );
        assert_eq!(&text[vars[0].key_span.clone()], "EXPO_PUBLIC_A");
    }

    #[test]
    fn what_is_not_json_stops_where_it_breaks_and_never_panics() {
        for (text, at) in [
            ("{\"build\": {", 11),
            ("{\"a\" 1}", 5),
            ("", 0),
            ("{\"a\": \"x\n\"}", 8),
        ] {
            assert_eq!(variables(text).err(), Some(at), "{text:?}");
        }
        // Deep nesting is refused, not recursed into.
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(variables(&deep).is_err());
        for text in ["\"\\u12", "{\"a\":\"\\", "/* open", "{'a':'é"] {
            assert!(variables(text).is_err(), "{text:?}");
        }
        // Names no environment holds are no variables: never lines of the env file.
        let odd = variables(
            r#"{"build":{"p":{"env":{"A=B":"x","C D":"y","1X":"z","E\nF":"w","OK_1":"v"}}}}"#,
        )
        .expect("JSON");
        assert_eq!(
            odd.iter()
                .flatten()
                .map(|v| v.key.as_str())
                .collect::<Vec<_>>(),
            ["OK_1"]
        );
        // Not an object, or no build profiles: no variables.
        assert!(variables("[1, 2]").expect("JSON").is_empty());
        assert!(variables("{\"build\": 3}").expect("JSON").is_empty());
    }

    /// Each build profile (and its Android and iOS builds) is its own environment: the same
    /// name in two profiles is no duplicate, and one profile's URL is not paired with another
    /// profile's token.
    #[test]
    fn each_profile_is_its_own_environment() {
        let text = r#"{"build": {
  "development": { "env": { "UPSTASH_REDIS_REST_URL": "https://eu1-dev-cat-22222.upstash.io" } },
  "preview": { "env": { "UPSTASH_REDIS_REST_URL": "https://eu1-tidy-cat-12345.upstash.io" } },
  "production": {
    "env": { "UPSTASH_REDIS_REST_TOKEN": "AjA5cmVhZC1vbmx5LXRva2VuLWV4YW1wbGU" },
    "android": { "env": { "UPSTASH_REDIS_REST_URL": "https://eu1-tidy-cat-12345.upstash.io" } }
  }
}}"#;
        let (_, found) = lint(SourceFile::new("eas.json", text), &[]).expect("JSON");
        assert_eq!(
            found.iter().map(|d| d.code.name()).collect::<Vec<_>>(),
            Vec::<&str>::new()
        );
        // Within one `env` object a name set twice is still a duplicate (JSON5 keeps the last).
        // The message names the JSON's line of the first.
        let twice = "{\"build\": {\"p\": {\"env\": {\n  \"REDIS_URL\": \"redis://localhost:6379\",\n\n  \"REDIS_URL\": \"redis://localhost:6380\"\n}}}}";
        let (_, found) = lint(SourceFile::new("eas.json", twice), &[]).expect("JSON");
        let got: Vec<(&str, &str, usize)> = found
            .iter()
            .map(|d| {
                let at = d.location.as_ref().expect("placed");
                (d.code.name(), d.message.as_str(), at.line)
            })
            .collect();
        assert_eq!(
            got,
            [(
                "duplicate-key",
                "`REDIS_URL` is set again here; it was first set on line 2",
                4
            )]
        );
    }
}
