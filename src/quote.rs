//! Quoting for every language upwire writes text into: one function per language, and every
//! template and generator goes through it for anything that comes from the user's files
//! (a `dir`, a target name, a value). Whatever the text holds, the file reads it back as that
//! text and never as code.
//!
//! - [`shell`]: a POSIX shell word (the scripts, REDIS.md's `sh` blocks);
//! - [`yaml`]: a YAML double-quoted scalar (the Kubernetes Secret);
//! - [`toml`]: a TOML basic string (`wrangler.redis.toml`, `init`'s descriptor);
//! - [`json`]: a JSON string (`lambda-env.json`);
//! - [`md_code`]: a Markdown code span (REDIS.md's prose and tables);
//! - dotenv files: [`crate::envfile::dotenv_value`].
//!
//! Names upwire has checked (target and database names, `[a-z0-9][a-z0-9-]*`; variable
//! names, `[A-Z0-9_]`) have no character any of these languages treats specially; they go
//! through these functions where they are values all the same.

/// `text` as one POSIX shell word (sh, bash, zsh, dash): as it is when every character is
/// one no shell treats specially, else in single quotes, where nothing is special, with each
/// `'` written `'\''`. A leading `-` stays an option to the command: callers that paste
/// paths use [`shell_path`].
#[must_use]
pub(crate) fn shell(text: &str) -> String {
    // No `=` or `~` first (zsh's `=cmd` and tilde expansion), no glob, no `%` (job specs).
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./,:+@-".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// The path `file` in the directory `dir` (`.` or empty: the current one) as one shell word
/// ([`shell`]), with `./` before a path that would start with `-` (an option otherwise).
#[must_use]
pub(crate) fn shell_path(dir: &str, file: &str) -> String {
    let path = if dir.is_empty() || dir == "." {
        file.to_owned()
    } else {
        format!("{}/{file}", dir.trim_end_matches('/'))
    };
    if path.starts_with('-') {
        shell(&format!("./{path}"))
    } else {
        shell(&path)
    }
}

/// `text` as a JSON string (RFC 8259): `"` and `\` escaped, control characters as `\n`,
/// `\r`, `\t` or `\u00XX`.
#[must_use]
pub(crate) fn json(text: &str) -> String {
    double_quoted(text, |c| {
        short_escape(c)
            .or_else(|| (u32::from(c) < 0x20 || c == '\u{7f}').then(|| unicode_escape(c)))
    })
}

/// The escapes JSON, TOML and YAML double-quoted strings all have.
fn short_escape(c: char) -> Option<String> {
    let escaped = match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => return None,
    };
    Some(escaped.to_owned())
}

/// `\uXXXX`, for a character below U+10000.
fn unicode_escape(c: char) -> String {
    format!("\\u{:04x}", u32::from(c))
}

/// `text` as a TOML basic string (TOML 1.0): `"` and `\` escaped, every control character
/// (U+0000-U+001F, U+007F) escaped, as TOML requires. The same bytes as [`json`] for any
/// text: each escape it writes is one TOML has.
#[must_use]
pub(crate) fn toml(text: &str) -> String {
    json(text)
}

/// `text` as a YAML double-quoted scalar (YAML 1.2, read the same by 1.1 parsers): [`json`]'s
/// escapes, and `\uXXXX` for every character YAML does not allow as it is (C1 controls,
/// surrogates, U+FFFE/U+FFFF) or that a YAML 1.1 parser takes as a line break (U+0085,
/// U+2028, U+2029) or a byte-order mark (U+FEFF).
#[must_use]
pub(crate) fn yaml(text: &str) -> String {
    // Every character outside the printable set is below U+10000.
    double_quoted(text, |c| {
        short_escape(c).or_else(|| (!yaml_printable(c)).then(|| unicode_escape(c)))
    })
}

/// YAML 1.2's `c-printable`, less the line breaks and the byte-order mark of YAML 1.1.
fn yaml_printable(c: char) -> bool {
    matches!(u32::from(c), 0x20..=0x7e | 0xa0..=0x2027 | 0x202a..=0xd7ff | 0xe000..=0xfefe | 0xff00..=0xfffd | 0x1_0000..)
}

/// `text` as a Markdown code span (CommonMark): between backtick fences longer than any run
/// of backticks in it, with a space inside each fence when the text starts or ends with a
/// backtick (or a space: CommonMark strips one from each end). Control characters are
/// written as escapes (`\n`): a line break would end a table row or a heading.
#[must_use]
pub(crate) fn md_code(text: &str) -> String {
    let text = crate::project_path::escape_controls(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `text` in double quotes, each character as `escape` writes it (`None`: as it is).
pub(crate) fn double_quoted(text: &str, escape: impl Fn(char) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match escape(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_as_they_are() {
        for word in ["web", "services/api", "a-b_c.d", "fly-secrets.env"] {
            assert_eq!(shell(word), word);
        }
        assert_eq!(shell(""), "''");
        assert_eq!(
            shell("x';touch /tmp/INJ;'"),
            "'x'\\'';touch /tmp/INJ;'\\'''"
        );
        assert_eq!(shell("=ls"), "'=ls'");
        assert_eq!(shell_path(".", "docker.env"), "docker.env");
        assert_eq!(shell_path("web", ".env"), "web/.env");
        assert_eq!(shell_path("-rf", ".env"), "./-rf/.env");
    }

    #[test]
    fn json_strings_escape_controls() {
        assert_eq!(json("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }

    #[test]
    fn yaml_escapes_what_yaml_does_not_take_as_it_is() {
        assert_eq!(
            yaml("a\u{85}b\u{2028}\u{feff}\u{9f}"),
            "\"a\\u0085b\\u2028\\ufeff\\u009f\""
        );
        assert_eq!(yaml("é 漢 🙂"), "\"é 漢 🙂\"");
    }

    /// Text chosen to break out of each language: quotes, expansions, escapes, comments, line
    /// breaks (ASCII and Unicode), YAML indicators, non-ASCII.
    const HOSTILE: &[&str] = &[
        "x';touch INJ1;'",
        "$(touch INJ2)",
        "`touch INJ3`",
        "a\"b\"c",
        "back\\slash\\",
        "new\nline",
        "cr\rlf\r\n",
        "tab\there",
        "# comment",
        ": colon",
        "- dash",
        "{flow: [x]}",
        "*glob?[a]",
        "~",
        "=ls",
        "!$ !!",
        "%s %n",
        "'",
        "",
        " lead and trail ",
        "\u{7f}\u{1}\u{1b}[31m",
        "\u{85}\u{2028}\u{2029}\u{feff}\u{9f}",
        "é 漢 🙂",
        "null",
        "true",
        "0x10",
    ];

    /// Runs `program` with `script` on stdin (or as `-c`) in `dir`; `None` when `program`
    /// is not installed and not required (`CI` unset).
    fn run_tool(
        program: &str,
        args: &[&str],
        stdin: &str,
        dir: &std::path::Path,
    ) -> Option<Vec<u8>> {
        use std::io::Write as _;
        let child = std::process::Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "{program} is needed under CI: {e}"
                );
                eprintln!("SKIPPED: {program} is not installed ({e})");
                return None;
            }
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(out.stdout)
    }

    /// Every hostile text, quoted by [`shell`], reaches a command as exactly that text in
    /// every POSIX shell here, and runs nothing.
    #[test]
    fn shell_words_are_data_in_every_shell() {
        let dir = tempfile::tempdir().unwrap();
        // A NUL cannot be in a shell argument at all.
        let words: Vec<String> = HOSTILE.iter().map(|t| shell(t)).collect();
        let script = format!("printf '%s\\0' {}\n", words.join(" "));
        let want: Vec<u8> = HOSTILE
            .iter()
            .flat_map(|t| [t.as_bytes(), b"\0"].concat())
            .collect();
        let mut ran = 0;
        for sh in ["sh", "bash", "zsh"] {
            let args: &[&str] = if sh == "zsh" { &["-f", "-s"] } else { &["-s"] };
            if let Some(out) = run_tool(sh, args, &script, dir.path()) {
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&want),
                    "{sh}"
                );
                ran += 1;
            }
        }
        assert!(ran >= 1);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "a quoted word ran a command: {left:?}");
    }

    /// JSON and TOML strings parse back to the text, with the parsers upwire's users run.
    #[test]
    fn json_and_toml_strings_parse_back() {
        for text in HOSTILE.iter().copied().chain(["\u{0}nul"]) {
            let back: String = serde_json::from_str(&json(text)).unwrap();
            assert_eq!(back, text, "json");
            let doc: ::toml::Table = format!("k = {}\n", toml(text)).parse().unwrap();
            assert_eq!(doc["k"].as_str(), Some(text), "toml");
        }
    }

    /// YAML scalars parse back to the text with PyYAML (what most YAML tooling, kubectl
    /// plugins and CI linters use), a YAML 1.1 parser, the stricter of the two versions.
    #[test]
    fn yaml_scalars_parse_back() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<&str> = HOSTILE.iter().copied().chain(["\u{0}nul"]).collect();
        let doc: String = texts
            .iter()
            .enumerate()
            .map(|(i, t)| format!("k{i}: {}\n", yaml(t)))
            .collect();
        let program = "import sys, json, yaml\nd = yaml.safe_load(sys.stdin.read())\nprint(json.dumps([d['k%d' % i] for i in range(len(d))]))\n";
        std::fs::write(dir.path().join("check.py"), program).unwrap();
        let Some(out) = run_tool("python3", &["check.py"], &doc, dir.path()) else {
            return;
        };
        let back: Vec<String> = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, texts);
    }

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(md_code("svc"), "`svc`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x``"), "``` `x`` ```");
        assert_eq!(md_code("a\nb"), "`a\\nb`");
    }
}
