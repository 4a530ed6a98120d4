//! Property tests for the parsers and for what upwire promises about secrets and `.env` files,
//! plus one regression test per fuzzing finding (`fuzz/`).
//!
//! Case counts are modest so that CI stays fast; every case runs under a time limit, so a hang
//! fails the test instead of stalling it. For a deeper run:
//! `PROPTEST_CASES=5000 cargo test --test integration proptests`.

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::Config;
use upwire::internal::envfile::dotenv_value;
use upwire::internal::envfile::{LineKind, merge, scan, unclosed_quote};
use upwire::internal::lint::lint_env;
use upwire::internal::model::{Kind, Platform};
use upwire::internal::parse::{Finding, validate_redis_url, validate_rest_url, validate_token};
use upwire::internal::secret::mask_url;
use upwire::internal::{Env, SourceFile, TextRenderer, resolve};

use crate::support::test::toml_verbatim;

/// Cases per property, unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> Config {
    crate::support::proptest_config(cases)
}

/// How long one case may take (debug build, inputs of a few KiB) before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// How long one of the full-size cases of `large_files_lint_and_render_in_linear_time` may
/// take. They take about a second alone, and ten times that on two cores shared with the rest
/// of the suite: a hang guard, not a speed claim (the quadratic code took minutes on them).
const LARGE_CASE_LIMIT: Duration = Duration::from_secs(60);

/// Runs `f` on its own thread and fails when it panics or does not finish within
/// [`CASE_LIMIT`].
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    within_for(CASE_LIMIT, what, f)
}

/// [`within`] with its own limit.
fn within_for<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{what} did not finish within {limit:?}: a hang"),
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// Text that is mostly junk but often looks like what the parsers expect: descriptor and env
/// fragments, URL pieces, quotes, escapes, line ends and arbitrary Unicode.
fn junk() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[database.main]\n".to_owned()),
        Just("[target.api]\n".to_owned()),
        Just("[project]\nname = \"shop\"\n".to_owned()),
        Just("redis_url = ".to_owned()),
        Just("rest_url = ".to_owned()),
        Just("rest_token = ".to_owned()),
        Just("kind = \"edge\"\n".to_owned()),
        Just("needs = [\"blocking\"]\n".to_owned()),
        Just("transport = \"tcp\"\n".to_owned()),
        Just("\"${REDIS_URL}\"\n".to_owned()),
        Just("\"${TOKEN}\"".to_owned()),
        Just("REDIS_URL=".to_owned()),
        Just("export UPSTASH_REDIS_REST_TOKEN=".to_owned()),
        Just("NEXT_PUBLIC_".to_owned()),
        Just("rediss://default:".to_owned()),
        Just("@eu1-tidy-cat-12345.upstash.io:6379".to_owned()),
        Just("https://eu1-tidy-cat-12345.upstash.io".to_owned()),
        Just("?_token=".to_owned()),
        Just("<PASSWORD>".to_owned()),
        Just("{{HOST}}".to_owned()),
        Just("Bearer ".to_owned()),
        Just("[::1]".to_owned()),
        Just("%".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\\".to_owned()),
        Just("#".to_owned()),
        Just("=".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        "[a-zA-Z0-9_.:/@-]{0,12}",
        any::<String>(),
        // Whitespace that is not ASCII, as pasted from web pages: between and inside the
        // pieces above, so in every position (before a key, around `=`, in a value).
        prop::sample::select(NON_ASCII_WHITESPACE).prop_map(String::from),
        prop::sample::select(NON_ASCII_WHITESPACE).prop_map(|c| format!("{c}rest_token{c}={c}")),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

/// Whitespace that is not ASCII: no-break space, the U+2000 spaces up to the zero-width space,
/// the ideographic space and the byte-order mark (zero-width no-break space). Each is two or
/// three bytes in UTF-8, so a byte offset next to one is easily not a character boundary.
const NON_ASCII_WHITESPACE: &[char] = &[
    '\u{a0}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}',
    '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{200b}', '\u{3000}', '\u{feff}',
];

/// Secret characters. The structure around a secret in these tests (schemes, users, hosts,
/// ports, paths, messages) is ASCII, so the non-ASCII ones can only appear in an output if a
/// secret leaked, and so can their percent-encoded forms.
const NON_ASCII_SECRET: &[char] = &['é', 'ß', '€', 'Ω', 'Ж'];

/// What a non-ASCII secret character looks like percent-encoded.
fn encoded(c: char) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// A password or token: 12 to 30 characters, mostly base64 like Upstash's, with some of the
/// characters that break URLs (`@`, `#`, `/`, `?`, `%`, `:`) and at least one non-ASCII
/// character that no output may ever contain.
fn secret(extra: &'static str) -> impl Strategy<Value = String> {
    let ascii = proptest::string::string_regex(&format!("[A-Za-z0-9{extra}]{{11,28}}"))
        .expect("a valid character class");
    (
        ascii,
        prop::sample::select(NON_ASCII_SECRET),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut s, c, at)| {
            let i = at.index(s.len() + 1);
            let i = (0..=i).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
            s.insert(i, c);
            s
        })
}

/// Whether `output` reveals `secret`: the whole value, any of its non-ASCII characters, or one
/// of those percent-encoded.
fn reveals(output: &str, secret: &str) -> Option<String> {
    if output.contains(secret) {
        return Some(format!("the whole secret {secret:?}"));
    }
    let upper = output.to_ascii_uppercase();
    for c in secret.chars().filter(|c| !c.is_ascii()) {
        if output.contains(c) {
            return Some(format!("the character {c:?} of {secret:?}"));
        }
        if upper.contains(&encoded(c)) {
            return Some(format!("{} ({c:?} of {secret:?})", encoded(c)));
        }
    }
    None
}

fn assert_hidden(output: &str, secrets: &[&str], what: &str) {
    for s in secrets {
        if let Some(leak) = reveals(output, s) {
            panic!("{what} reveals {leak}:\n{output}");
        }
    }
}

/// A TCP or REST URL around `password`, with the mistakes people make: wrong scheme, no user,
/// an unknown user, the password as the user, a bad port, a database path, a query token,
/// whitespace and wrapping quotes.
fn url_around(password: String, token: String) -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["rediss", "redis", "https", "http", "ftp", "REDISS"]),
        prop::sample::select(vec!["default:", "default_ro:", ":", "app:", "", "none"]),
        prop::sample::select(vec![
            "eu1-tidy-cat-12345.upstash.io",
            "fly-shop.upstash.io",
            "127.0.0.1",
            "[::1]",
            "",
        ]),
        prop::sample::select(vec!["", ":6379", ":", ":99999", ":abc"]),
        prop::sample::select(vec!["", "/", "/0", "/3", "/db"]),
        any::<bool>(),
        prop::sample::select(vec!["", " ", "\"", "\n"]),
    )
        .prop_map(move |(scheme, user, host, port, path, query, wrap)| {
            let credentials = match user {
                "none" => String::new(),
                // The password alone in the user part is a common mistake; a `:` in it would
                // make its first half a user name, which is not secret.
                "" => format!("{}@", password.replace(':', "")),
                user => format!("{user}{password}@"),
            };
            let query = if query {
                format!("?_token={}", token.replace(['&', '#'], ""))
            } else {
                String::new()
            };
            let close = if wrap == "\n" { "" } else { wrap };
            format!("{wrap}{scheme}://{credentials}{host}{port}{path}{query}{close}")
        })
}

/// A URL with a password and a token in it, and the two secrets.
fn secret_url() -> impl Strategy<Value = (String, String, String)> {
    (secret("@#/?%:"), secret("")).prop_flat_map(|(pw, token)| {
        url_around(pw.clone(), token.clone()).prop_map(move |url| (url, pw.clone(), token.clone()))
    })
}

/// A REST token with the mistakes people make.
fn token_value(token: String) -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "Bearer ", " ", "\"", "https://h/?_token="]).prop_map(
        move |wrap| match wrap {
            "\"" => format!("\"{token}\""),
            " " => format!(" {token} "),
            prefix => format!("{prefix}{token}"),
        },
    )
}

fn findings_text(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{}\n{}\n", f.message, f.help.as_deref().unwrap_or("")))
        .collect()
}

fn check_ranges(value: &str, findings: &[Finding]) {
    for f in findings {
        if let Some(r) = &f.range {
            assert!(
                value.get(r.clone()).is_some(),
                "{value:?}: the range {r:?} of {} is not a slice of the value",
                f.code.name()
            );
        }
    }
}

/// Everything a user sees for a descriptor, without `--show-secrets`: rendered diagnostics,
/// their JSON, the targets' JSON and masked variables, every generated file meant to be
/// committed, and the guide.
fn public_outputs(toml: &str, env: &Env) -> String {
    let resolved = resolve(SourceFile::new("upwire.toml", toml), env);
    let sources = std::slice::from_ref(&resolved.source);
    let mut out = String::new();
    for d in &resolved.diagnostics {
        out.push_str(&TextRenderer::new(false).render(d, sources));
        out.push_str(
            &serde_json::to_string(&upwire::internal::diagnostic::DiagnosticJson::from(d)).unwrap(),
        );
    }
    for t in &resolved.plan.targets {
        out.push_str(&serde_json::to_string(&t.to_json(false)).unwrap());
        for v in &t.env {
            out.push_str(&v.display(false).unwrap_or_default());
        }
    }
    let mut diags = resolved.diagnostics.clone();
    for a in upwire::internal::generate::artifacts(&resolved.plan, &mut diags) {
        if !a.secret {
            out.push_str(&a.contents);
        }
    }
    for d in &diags {
        out.push_str(&TextRenderer::new(false).render(d, sources));
    }
    out.push_str(&upwire::internal::docs::guide(&resolved.plan));
    out
}

// ---------------------------------------------------------------------------------------------
// No panics, no hangs

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_descriptor_pipeline_never_panics_or_hangs(text in junk()) {
        within("resolve", move || {
            let env = Env::from_pairs([
                ("REDIS_URL", "rediss://default:AXpw@eu1-tidy-cat-12345.upstash.io:6379"),
                ("TOKEN", "AXtoken"),
            ]);
            let resolved = resolve(SourceFile::new("upwire.toml", text.as_str()), &env);
            for d in &resolved.diagnostics {
                if let Some(l) = &d.location {
                    assert!(l.span.end <= text.len() && l.line >= 1 && l.column >= 1, "{d:?}");
                }
                let _ = TextRenderer::new(true).render(d, std::slice::from_ref(&resolved.source));
            }
            let mut diags = Vec::new();
            let _ = upwire::internal::generate::artifacts(&resolved.plan, &mut diags);
            let _ = upwire::internal::docs::guide(&resolved.plan);
        });
    }

    #[test]
    fn the_env_file_parsers_never_panic_or_hang(text in junk()) {
        within("scan, lint_env and merge", move || {
            let lines = scan(&text);
            let tiled: String = lines.iter().map(|l| &text[l.range.clone()]).collect();
            assert_eq!(tiled, text, "the lines tile the text");
            let (source, diags) = lint_env(SourceFile::new(".env", text.as_str()));
            for d in &diags {
                let _ = TextRenderer::new(false).render(d, std::slice::from_ref(&source));
            }
            let _ = merge(&text, &[("REDIS_URL".to_owned(), "x".to_owned())]);
        });
    }

    #[test]
    fn the_url_and_token_validators_never_panic_or_hang(value in junk()) {
        within("the validators", move || {
            let (_, tcp) = validate_redis_url(&value);
            let (_, rest) = validate_rest_url(&value);
            let token = validate_token(&value);
            check_ranges(&value, &tcp);
            check_ranges(&value, &rest);
            check_ranges(&value, &token);
            let _ = mask_url(&value);
        });
    }
}

/// Every non-ASCII whitespace character at every character boundary of a descriptor and of
/// an env file that hold every kind of line (tables, keys, strings, arrays, comments,
/// `${NAME}`, URLs, tokens, continuations): resolving, linting and rendering never panic,
/// every finding points inside the text, and the secrets stay masked.
#[test]
fn non_ascii_whitespace_in_every_position_never_panics_or_leaks() {
    const DESCRIPTOR: &str = "[project]\nname = \"shop\"\n[database.main]\nredis_url = \"rediss://default:Pw9xQ7zK@eu1-tidy-cat-12345.upstash.io:6379\"\nrest_token = [\"AXwsCanary0Tok3n\"] # c\n[target.\"api\"]\nkind = 'server'\nneeds = [\"blocking\", \"pubsub\"]\nenv_prefix = \"${P}\"\n";
    const ENV: &str = "# c\nREDIS_URL=\"rediss://default:Pw9xQ7zK@h.upstash.io:6379\"\nexport UPSTASH_REDIS_REST_TOKEN='AXwsCanary0Tok3n' # c\nX=a \\\nAXwsCanary0Tok3n\nBAD LINE\n";
    // About 7,500 runs: 20 s in a debug build on two shared cores. A hang guard.
    within_for(Duration::from_secs(300), "every position", || {
        let env = Env::default();
        for &ws in NON_ASCII_WHITESPACE {
            for (name, base) in [("upwire.toml", DESCRIPTOR), (".env", ENV)] {
                for at in (0..=base.len()).filter(|&i| base.is_char_boundary(i)) {
                    let mut text = base.to_owned();
                    text.insert(at, ws);
                    let (source, diags) = if name == ".env" {
                        lint_env(SourceFile::new(name, text.as_str()))
                    } else {
                        let r = resolve(SourceFile::new(name, text.as_str()), &env);
                        (r.source, r.diagnostics)
                    };
                    let mut out = String::new();
                    for d in &diags {
                        if let Some(l) = &d.location {
                            assert!(l.span.end <= text.len(), "{text:?}: {d:?}");
                        }
                        out.push_str(
                            &TextRenderer::new(false).render(d, std::slice::from_ref(&source)),
                        );
                        // JSON as the CLI prints it: through the scrubber.
                        let json = serde_json::to_string(
                            &upwire::internal::diagnostic::DiagnosticJson::from(d),
                        )
                        .unwrap();
                        out.push_str(&upwire::internal::secret::scrub(&json));
                    }
                    for secret in ["Pw9xQ7zK", "AXwsCanary0Tok3n"] {
                        assert!(!out.contains(secret), "{name} {text:?}:\n{out}");
                    }
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Masking

proptest! {
    #![proptest_config(config(256))]

    /// `mask_url` keeps only the structure: no character of the password or of a `_token=`
    /// value survives, in any URL shape (invalid ones included).
    #[test]
    fn mask_url_never_reveals_any_character_of_the_secret(
        (url, password, token) in secret_url()
    ) {
        let masked = mask_url(&url);
        // Every character of these secrets that the structure does not use.
        let structure = "abcdefghijklmnopqrstuvwxyzREDIS0123456789:/@.[]_?=\"\n -";
        for secret in [&password, &token] {
            if !url.contains(secret.as_str()) {
                continue;
            }
            for c in secret.chars().filter(|c| !structure.contains(*c)) {
                prop_assert!(
                    !masked.contains(c),
                    "{url:?} masks to {masked:?}, which keeps {c:?} of {secret:?}"
                );
            }
            prop_assert!(reveals(&masked, secret).is_none(), "{url:?} → {masked:?}");
        }
    }

    /// The validators' messages and help texts never reveal the password or token they found.
    #[test]
    fn findings_never_reveal_the_secret((url, password, token) in secret_url()) {
        let (_, tcp) = validate_redis_url(&url);
        let (_, rest) = validate_rest_url(&url);
        check_ranges(&url, &tcp);
        check_ranges(&url, &rest);
        let text = findings_text(&tcp) + &findings_text(&rest);
        assert_hidden(&text, &[&password, &token], &format!("the findings for {url:?}"));
    }

    #[test]
    fn token_findings_never_reveal_the_token(value in secret("").prop_flat_map(token_value)) {
        let findings = validate_token(&value);
        check_ranges(&value, &findings);
        let token: String = value.chars().filter(|c| !c.is_ascii()).collect();
        assert_hidden(&findings_text(&findings), &[&token], &format!("the findings for {value:?}"));
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Through the whole pipeline — descriptor with secrets from `${NAME}` or written
    /// literally, every kind of mistake — nothing a user sees without `--show-secrets` and no
    /// file meant to be committed holds a character of a secret.
    #[test]
    fn no_output_reveals_a_secret(
        (url, password, _) in secret_url(),
        token in secret("").prop_flat_map(token_value),
        readonly in secret(""),
        literal in any::<bool>(),
        // Every kind and platform there is: a new one is tried without a change here.
        kind in prop::sample::select(Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
        platform in prop::sample::select(
            Platform::ALL.iter().map(|p| p.as_str()).collect::<Vec<_>>()
        ),
        transport in prop::sample::select(vec!["", "tcp", "rest"]),
        prefix in prop::sample::select(vec!["", "NEXT_PUBLIC_", "EXPO_PUBLIC_"]),
    ) {
        let rest_url = "https://eu1-tidy-cat-12345.upstash.io";
        let (fields, env) = if literal {
            (
                [toml_verbatim(&url), toml_verbatim(&token), toml_verbatim(&readonly)],
                Env::default(),
            )
        } else {
            (
                ["\"${UPSTASH_REDIS_URL}\"".to_owned(), "\"${TOKEN}\"".to_owned(), "\"${RO}\"".to_owned()],
                Env::from_pairs([
                    ("UPSTASH_REDIS_URL", url.as_str()),
                    ("TOKEN", token.as_str()),
                    ("RO", readonly.as_str()),
                ]),
            )
        };
        let transport = if transport.is_empty() {
            String::new()
        } else {
            format!("transport = \"{transport}\"\n")
        };
        let toml = format!(
            "[database.main]\nredis_url = {}\nrest_url = \"{rest_url}\"\nrest_token = {}\nrest_readonly_token = {}\n\n[target.app]\nkind = \"{kind}\"\nplatform = \"{platform}\"\n{transport}env_prefix = \"{prefix}\"\n",
            fields[0], fields[1], fields[2]
        );
        let token_secret: String = token.chars().filter(|c| !c.is_ascii()).collect();
        let out = within("the pipeline", {
            let toml = toml.clone();
            move || public_outputs(&toml, &env)
        });
        assert_hidden(
            &out,
            &[&password, &token_secret, &readonly],
            &format!("the outputs for\n{toml}\n"),
        );
    }

    /// `lint` on env files with secrets in every conventional variable, public prefixes, and
    /// lines that do not parse: the rendered diagnostics never reveal a secret.
    #[test]
    fn env_lint_never_reveals_a_secret(
        (url, password, _) in secret_url(),
        token in secret(""),
        prefix in prop::sample::select(vec!["", "NEXT_PUBLIC_", "VITE_", "EXPO_PUBLIC_"]),
        broken in prop::sample::select(vec!["", "=\"", " ", "='"]),
        eol in prop::sample::select(vec!["\n", "\r\n"]),
    ) {
        let url_line = match broken {
            // `KEY="value` never closed, `KEY value` without `=`, `KEY='value`.
            "" => format!("{prefix}REDIS_URL={}", dotenv_value(&url)),
            sep => format!("{prefix}REDIS_URL{sep}{url}"),
        };
        let text = [
            "# secrets".to_owned(),
            url_line,
            format!("{prefix}UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io/?_token={token}"),
            format!("{prefix}UPSTASH_REDIS_REST_TOKEN=Bearer {token}"),
            format!("KV_REST_API_TOKEN={token}"),
            format!("{prefix}KV_REST_API_TOKEN={token}"),
            format!("KV_URL={}", dotenv_value(&url)),
        ]
        .join(eol);
        let (source, diags) = lint_env(SourceFile::new(".env", text.as_str()));
        let rendered: String = diags
            .iter()
            .map(|d| TextRenderer::new(false).render(d, std::slice::from_ref(&source)))
            .collect();
        assert_hidden(&rendered, &[&password, &token], &format!("lint of\n{text}\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// `.env` merge

/// The keys `generate` manages in these tests.
const MANAGED: &[&str] = &[
    "REDIS_URL",
    "UPSTASH_REDIS_REST_URL",
    "UPSTASH_REDIS_REST_TOKEN",
];

/// A value as people write them: plain, single- or double-quoted (with escapes, and across
/// lines), empty. No `$`, which dotenv parsers expand.
fn written_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_./:@+-]{0,16}",
        "[A-Za-z0-9 _#\"./:-]{0,16}".prop_map(|v| format!("'{v}'")),
        "[A-Za-z0-9 _#'./:-]{0,16}".prop_map(|v| format!("\"{v}\"")),
        ("[A-Za-z0-9 ]{0,8}", "[A-Za-z0-9 ]{0,8}").prop_map(|(a, b)| format!("\"{a}\\n{b}\\\"\"")),
        ("[A-Za-z0-9 ]{0,8}", "[A-Za-z0-9 ]{0,8}").prop_map(|(a, b)| format!("\"{a}\n{b}\"")),
        ("[A-Za-z0-9 ]{0,8}", "[A-Za-z0-9 ]{0,8}").prop_map(|(a, b)| format!("'{a}\n{b}'")),
    ]
}

/// One line of an existing `.env`, without its line end.
fn env_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        prop::sample::select(MANAGED.to_vec()).prop_map(str::to_owned),
        "[A-Z][A-Z0-9_]{0,10}",
    ];
    prop_oneof![
        Just(String::new()),
        Just("   ".to_owned()),
        "# [a-zA-Z0-9 =#'\"._-]{0,20}",
        (
            prop::sample::select(vec!["", "export "]),
            key,
            prop::sample::select(vec!["=", " = ", "= "]),
            written_value(),
            prop::sample::select(vec!["", " # note", "\t# note", "  "]),
        )
            .prop_map(|(export, key, eq, value, comment)| format!(
                "{export}{key}{eq}{value}{comment}"
            )),
    ]
}

/// An existing `.env`: LF or CRLF, with or without a final line end.
fn env_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(env_line(), 0..12),
        prop::sample::select(vec!["\n", "\r\n"]),
        any::<bool>(),
    )
        .prop_map(|(lines, eol, last)| {
            let mut text = lines.join(eol);
            if last && !text.is_empty() {
                text.push_str(eol);
            }
            text
        })
}

/// New values for the managed keys, as raw values (anything a URL or token could be, and
/// worse) and as written by `generate`.
fn new_values() -> impl Strategy<Value = Vec<(String, String, String)>> {
    prop::collection::vec("[A-Za-z0-9 $'\"#\\\\=:/@\n\t-]{0,20}", MANAGED.len()).prop_map(
        |values| {
            MANAGED
                .iter()
                .zip(values)
                .map(|(k, v)| ((*k).to_owned(), dotenv_value(&v), v))
                .collect()
        },
    )
}

fn dotenvy_pairs(text: &str) -> Result<Vec<(String, String)>, dotenvy::Error> {
    dotenvy::from_read_iter(text.as_bytes()).collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// Every line that is not a managed entry is kept byte for byte and in place; a managed
    /// entry keeps everything around its value (`export `, spacing, comment, line end); the
    /// keys that were missing are appended once, under one comment.
    #[test]
    fn merge_keeps_every_unmanaged_byte(existing in env_file(), values in new_values()) {
        let vars: Vec<(String, String)> = values.iter().map(|(k, f, _)| (k.clone(), f.clone())).collect();
        prop_assume!(unclosed_quote(&existing).is_none());
        let merged = merge(&existing, &vars);
        let mut rest = merged.as_str();
        let mut seen = vec![false; vars.len()];
        for line in scan(&existing) {
            let text = &existing[line.range.clone()];
            let managed = match &line.kind {
                LineKind::Entry(e) => vars.iter().position(|(k, _)| *k == e.key).map(|i| (i, e)),
                _ => None,
            };
            match managed {
                None => {
                    prop_assert!(rest.starts_with(text), "{text:?} is not kept in place:\n{merged:?}");
                    rest = &rest[text.len()..];
                }
                Some((i, e)) => {
                    seen[i] = true;
                    let before = &existing[line.range.start..e.value_span.start];
                    let after = &existing[e.value_span.end..line.range.end];
                    let value = &vars[i].1;
                    let plain = format!("{before}{value}{after}");
                    let spaced = format!("{before}{value} {after}");
                    let quoted = format!("{before}'{value}'{after}");
                    // A line that already holds the value, however quoted, is kept as it is.
                    let read = |line: &str| {
                        scan(line).into_iter().find_map(|l| match l.kind {
                            LineKind::Entry(e) => Some(e.value),
                            _ => None,
                        })
                    };
                    let kept = (read(text) == read(&format!("K={value}\n"))).then(|| text.to_owned());
                    let replaced = [Some(plain), Some(spaced), Some(quoted), kept]
                        .into_iter()
                        .flatten()
                        .find(|r| rest.starts_with(r.as_str()));
                    prop_assert!(replaced.is_some(), "{text:?} is not replaced in place:\n{merged:?}");
                    rest = &rest[replaced.unwrap().len()..];
                }
            }
        }
        let missing: Vec<&(String, String)> = vars.iter().zip(&seen).filter(|(_, s)| !**s).map(|(v, _)| v).collect();
        if missing.is_empty() {
            prop_assert_eq!(rest, "");
        } else {
            let eol = if existing.contains("\r\n") { "\r\n" } else { "\n" };
            let mut appended = String::new();
            if !existing.is_empty() && !existing.ends_with('\n') {
                appended.push_str(eol);
            }
            appended.push_str("# added by `upwire generate`");
            appended.push_str(eol);
            for (k, v) in missing {
                appended.push_str(&format!("{k}={v}{eol}"));
            }
            prop_assert_eq!(rest, appended.as_str());
        }
    }

    /// Merging what was merged changes nothing.
    #[test]
    fn merge_is_idempotent(existing in env_file(), values in new_values()) {
        let vars: Vec<(String, String)> = values.iter().map(|(k, f, _)| (k.clone(), f.clone())).collect();
        prop_assume!(unclosed_quote(&existing).is_none());
        let once = merge(&existing, &vars);
        prop_assert_eq!(merge(&once, &vars), once);
    }

    /// What an application reads with a dotenv parser after the merge: the new value for every
    /// managed key, the old value for every other key.
    #[test]
    fn after_a_merge_dotenv_reads_the_new_values_and_the_old_ones(
        existing in env_file(),
        values in new_values(),
    ) {
        let vars: Vec<(String, String)> = values.iter().map(|(k, f, _)| (k.clone(), f.clone())).collect();
        prop_assume!(unclosed_quote(&existing).is_none());
        let Ok(before) = dotenvy_pairs(&existing) else {
            // Not a file dotenv parsers accept: nothing to compare with.
            return Ok(());
        };
        let merged = merge(&existing, &vars);
        let after = dotenvy_pairs(&merged);
        prop_assert!(after.is_ok(), "dotenvy cannot read the merged file {merged:?}: {after:?}");
        let after = after.unwrap();
        let unmanaged = |pairs: &[(String, String)]| -> Vec<(String, String)> {
            pairs.iter().filter(|(k, _)| !MANAGED.contains(&k.as_str())).cloned().collect()
        };
        prop_assert_eq!(unmanaged(&after), unmanaged(&before), "{:?} → {:?}", existing, merged);
        for (key, _, raw) in &values {
            for (k, v) in after.iter().filter(|(k, _)| k == key) {
                prop_assert_eq!(v, raw, "{} in {:?}", k, merged);
            }
        }
    }

    /// `generate` writes values with `dotenv_value`; a dotenv parser and upwire's own scanner
    /// read back exactly the value.
    #[test]
    fn dotenv_value_round_trips_through_dotenvy(
        value in prop_oneof![any::<String>(), "[a-zA-Z0-9 '\"$\\\\#=\r\n\té]{0,12}"]
    ) {
        prop_assume!(!value.contains('\0'));
        let line = format!("KEY={}\n", dotenv_value(&value));
        let read = dotenvy_pairs(&line);
        prop_assert!(read.is_ok(), "dotenvy cannot read {line:?}: {read:?}");
        prop_assert_eq!(read.unwrap(), vec![("KEY".to_owned(), value.clone())], "{:?}", line);
        let LineKind::Entry(e) = &scan(&line)[0].kind else {
            panic!("{line:?} does not scan as an entry");
        };
        prop_assert_eq!(&e.value, &value, "{:?}", line);
    }
}

// ---------------------------------------------------------------------------------------------
// Fuzzing findings (fuzz/, `bash fuzz/run.sh TARGET`), one test each

/// urls: an invalid database path with control characters, which `url` percent-encodes, gave a
/// span longer than the value.
#[test]
fn fuzz_database_path_span_stays_in_the_value() {
    let value = "rediss://default:ATA5Zml4dHVyZS2wYXPzd29yZC0xMjM0NQ@eu1-tidy/eu1-ti-cat-12345.up\u{1}\0\u{11}\0stash.io:6379";
    let (_, findings) = validate_redis_url(value);
    check_ranges(value, &findings);
    assert!(findings.iter().any(|f| f.code.name() == "invalid-url"));
}

/// urls: a `:` with no port at the very end pointed one byte past the value.
#[test]
fn fuzz_missing_port_at_the_end_points_at_the_colon() {
    for value in [
        "rediss://defaulASSWORtidy-cat-123<PAS27.0.0cat-123<PAS27.0.0.qh.io3:",
        "rediss://default:pw@host:",
    ] {
        let (_, findings) = validate_redis_url(value);
        check_ranges(value, &findings);
        let port = findings.iter().find(|f| f.code.name() == "invalid-port");
        let port = port.unwrap_or_else(|| panic!("{value}: {findings:?}"));
        assert_eq!(&value[port.range.clone().unwrap()], ":");
    }
}

/// urls: a token with a multi-byte character across byte 7 panicked in the `Bearer ` check
/// (`upwire lint` on such an env file crashed).
#[test]
fn fuzz_token_with_multibyte_character_at_byte_seven() {
    let findings = validate_token("\n3l|tpl\u{31b}HVy/");
    assert!(
        findings
            .iter()
            .any(|f| f.code.name() == "whitespace-in-value")
    );
    assert!(
        validate_token("Bearer\u{e9}AXtoken")
            .iter()
            .all(|f| f.code.name() != "token-has-bearer-prefix")
    );
}

/// urls: a `{{…}}` "placeholder" that ran from before a password to after it was quoted in the
/// message, password included.
#[test]
fn fuzz_template_placeholder_never_spans_a_password() {
    let value = "https://{{Hediss:6//default:ATA5Zml2345.upstas.upstashrediss://default:ATA5Zml2345.upstas.u@.hchangeme.OST}}.\u{1}\0\0\0y-c";
    let (_, tcp) = validate_redis_url(value);
    let (_, rest) = validate_rest_url(value);
    let text = findings_text(&tcp) + &findings_text(&rest);
    assert!(!text.contains("ATA5Zml2345"), "{text}");
    // Real template holes are still placeholders.
    let (_, f) = validate_redis_url("rediss://default:{{ redis_password }}@h:6379");
    assert!(
        f.iter().any(|f| f.code.name() == "placeholder-value"),
        "{f:?}"
    );
}

/// envfile: after a line that opens a quote and never closes it, a quote in an appended value
/// closed it, so the appended keys became part of its value (and every merge appended them
/// again). `generate` now refuses such a file (see tests/integration/write.rs).
#[test]
fn fuzz_unclosed_quote_is_detected() {
    let text = "# c\nUPSTASH_REDIS_REST_URL=ht://eu2-tidy-cat-12345.upstash.io\nUPSTASH_REDIS_REST_TOKEN=\"BerAer XaJk clients\n# expect\nUPSTASH_x at Bearer";
    assert_eq!(
        unclosed_quote(text),
        Some(text.find("UPSTASH_REDIS_REST_TOKEN").unwrap())
    );
    assert_eq!(unclosed_quote("A='x\n"), Some(0));
    assert_eq!(unclosed_quote("A=\"x\\\"\n"), Some(0));
    for fine in [
        "A=\"x\ny\"\n",
        "A='x' # c\n",
        "A=x\"y\n",
        "A=\"x\" trailing\n",
        "1A=\"x\n",
    ] {
        assert_eq!(unclosed_quote(fine), None, "{fine:?}");
    }
}

/// envfile: text right after a quoted value (`"old"# note`, `"old"\r\v# c`) ran into the
/// unquoted new value, so an application read `new# note` and the next merge dropped the
/// comment.
#[test]
fn fuzz_text_after_a_quoted_value_stays_out_of_the_new_value() {
    let vars = [(
        "REDIS_URL".to_owned(),
        "rediss://default:pw@h:6379".to_owned(),
    )];
    for existing in [
        "\nexport REDIS_URL=\"x\"\r\u{b}# c\u{5}\nB='multi\nline'\rRL=\"x\"\u{5}\r\n",
        "REDIS_URL=\"old\"# note\n",
    ] {
        let merged = merge(existing, &vars);
        assert_eq!(merge(&merged, &vars), merged, "{existing:?}");
        let LineKind::Entry(e) = scan(&merged)
            .into_iter()
            .map(|l| l.kind)
            .find(|k| matches!(k, LineKind::Entry(e) if e.key == "REDIS_URL"))
            .unwrap()
        else {
            unreachable!()
        };
        assert_eq!(e.value, "rediss://default:pw@h:6379", "{merged:?}");
    }
    // A space keeps the comment a comment (for dotenv parsers too).
    let merged = merge("REDIS_URL=\"old\"# note\n", &vars);
    assert_eq!(merged, "REDIS_URL=rediss://default:pw@h:6379 # note\n");
}

/// Reading dotenv files as dotenvy does: `KEY= # fill in` and `KEY=#x` are an empty value and a
/// comment (upwire's scanner read the comment as the value, so `lint` reported it as an
/// invalid URL and `generate` replaced the comment). The merge keeps the comment.
#[test]
fn a_comment_after_an_empty_value_is_a_comment() {
    let text = "REDIS_URL= # fill in from the console\nOTHER=#comment\n";
    let values: Vec<String> = scan(text)
        .into_iter()
        .filter_map(|l| match l.kind {
            LineKind::Entry(e) => Some(e.value),
            _ => None,
        })
        .collect();
    assert_eq!(values, ["", ""]);
    assert_eq!(
        dotenvy_pairs(text).unwrap(),
        [
            ("REDIS_URL".to_owned(), String::new()),
            ("OTHER".to_owned(), String::new())
        ]
    );
    let vars = [(
        "REDIS_URL".to_owned(),
        "rediss://default:pw@h:6379".to_owned(),
    )];
    let merged = merge(text, &vars);
    assert_eq!(
        merged,
        "REDIS_URL= rediss://default:pw@h:6379 # fill in from the console\nOTHER=#comment\n"
    );
    assert_eq!(merge(&merged, &vars), merged);
    assert_eq!(
        dotenvy_pairs(&merged).unwrap()[0].1,
        "rediss://default:pw@h:6379"
    );
}

/// proptest: `dotenv_value` single-quoted a value ending in `\`, and dotenvy reads `\'` inside
/// single quotes as an escaped quote: the `.env` did not parse, or swallowed the next line. It
/// also wrote `\r` for a carriage return, an escape dotenvy rejects.
#[test]
fn proptest_values_with_backslashes_and_carriage_returns_read_back() {
    for value in ["\\", "a b\\", "C:\\dir\\", "a\rb", "\r\n", "it's\r"] {
        let line = format!("KEY={}\nNEXT=1\n", dotenv_value(value));
        assert_eq!(
            dotenvy_pairs(&line).unwrap(),
            [
                ("KEY".to_owned(), value.to_owned()),
                ("NEXT".to_owned(), "1".to_owned())
            ],
            "{line:?}"
        );
    }
}

/// proptest: whitespace that is not ASCII (U+00A0) in a token gave a one-byte span into a
/// two-byte character.
#[test]
fn proptest_token_whitespace_span_covers_the_character() {
    let findings = validate_token("!\u{a0}!");
    check_ranges("!\u{a0}!", &findings);
    assert!(
        findings
            .iter()
            .any(|f| f.code.name() == "whitespace-in-value")
    );
}

/// descriptor: a TOML error on the `\r` of a CRLF line end put the span after the shown line,
/// and rendering panicked (`upwire lint` crashed on such a file).
#[test]
fn fuzz_toml_error_at_a_crlf_line_end_renders() {
    let text = "[project]\r\nname = \"abc\r\n";
    let resolved = resolve(SourceFile::new("upwire.toml", text), &Env::default());
    assert!(!resolved.diagnostics.is_empty());
    for d in &resolved.diagnostics {
        let shown = TextRenderer::new(false).render(d, std::slice::from_ref(&resolved.source));
        assert!(shown.contains("upwire.toml:2:"), "{shown}");
    }
}

/// Every diagnostic of `resolved`, rendered without colour.
fn render_all(resolved: &upwire::internal::Resolved) -> String {
    let renderer = TextRenderer::new(false);
    resolved
        .diagnostics
        .iter()
        .map(|d| renderer.render(d, std::slice::from_ref(&resolved.source)))
        .collect()
}

/// Large inputs (upwire reads up to 8 MiB): rendering looked at every secret of the file for
/// every diagnostic, and the public-token check compared every token with every other, so an
/// env file with 80,000 bad lines took seconds and a full-size one many minutes. Both are
/// linear now: this takes about a second in a debug build alone, the old code over 20 s.
#[test]
fn large_files_lint_and_render_in_linear_time() {
    within_for(
        LARGE_CASE_LIMIT,
        "render 10,000 findings in a file with 400,000 secrets",
        || {
            let line = "TOKEN=AXsecret0123\n";
            let mut source = SourceFile::new(".env", line.repeat(400_000));
            for i in 0..400_000 {
                let start = i * line.len() + "TOKEN=".len();
                source.add_secret(start..start + "AXsecret0123".len());
            }
            let renderer = TextRenderer::new(false);
            for i in (0..400_000).step_by(40) {
                let start = i * line.len();
                let d =
                    upwire::internal::Diagnostic::new(upwire::internal::Code::InvalidEnvLine, "x")
                        .at(&source, start..start + line.len() - 1);
                let shown = renderer.render(&d, std::slice::from_ref(&source));
                assert!(shown.contains("TOKEN=****"), "{shown}");
            }
        },
    );
    // A value made of 100,000 `${A}` took minutes (a finding per reference, each
    // with a did-you-mean over every variable name and a column counted from the line start;
    // with `A` set, a scrub automaton quadratic in the length of the periodic secret).
    for (what, env) in [
        (
            "unset",
            Env::from_pairs([("B", "1"), ("AA", "2"), ("PATH", "/bin")]),
        ),
        ("set", Env::from_pairs([("A", "AXsecret0123")])),
    ] {
        within_for(
            LARGE_CASE_LIMIT,
            &format!("resolve and render 100,000 `${{A}}` ({what})"),
            move || {
                let toml = format!(
                    "[project]\nname = \"q\"\n\n[database.main]\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_token = \"{}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n",
                    "${A}".repeat(100_000)
                );
                let resolved = resolve(SourceFile::new("upwire.toml", toml), &env);
                let shown = upwire::internal::secret::scrub(&render_all(&resolved)).into_owned();
                assert!(
                    !shown.contains("AXsecret0123"),
                    "{}",
                    &shown[..shown.len().min(2000)]
                );
                let unresolved = resolved
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == upwire::internal::Code::UnresolvedVariable)
                    .count();
                if what == "unset" {
                    assert_eq!(unresolved, 1, "one finding per distinct name");
                    assert!(shown.contains("(100000 times in this value)"), "{shown}");
                } else {
                    assert_eq!(unresolved, 0);
                }
            },
        );
    }
    within_for(
        LARGE_CASE_LIMIT,
        "resolve and render 100,000 different unset names in one value",
        || {
            let refs: String = (0..100_000).map(|i| format!("${{A{i}}}")).collect();
            let toml = format!("[database.main]\nrest_token = \"{refs}\"\n");
            let resolved = resolve(SourceFile::new("upwire.toml", toml), &Env::default());
            let shown = render_all(&resolved);
            // Ten by name, then one for the rest.
            assert!(
                shown.contains("99990 more variables in this value are not set"),
                "{shown}"
            );
            assert!(
                resolved.diagnostics.len() < 20,
                "{}",
                resolved.diagnostics.len()
            );
        },
    );
    within_for(
        LARGE_CASE_LIMIT,
        "lint 40,000 tokens under public prefixes",
        || {
            let text: String = (0..20_000)
            .map(|i| {
                format!(
                    "UPSTASH_REDIS_REST_TOKEN=AXa{i}\nNEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN=AXb{i}\n"
                )
            })
            .collect();
            let (_, diags) = lint_env(SourceFile::new(".env", text));
            assert!(diags.len() >= 20_000);
        },
    );
}

/// Lines for `fix_keeps_other_lines_and_reaches_a_fixed_point`: each kind of fixable value,
/// some that cannot be fixed, and (`None`) a line that must be kept as it is.
fn fix_line() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("REDIS_URL=redis://default:pw@eu1-cat.upstash.io:6379")),
        Just(Some("export REDIS_URL=https://eu1-cat.upstash.io # c")),
        Just(Some("UPSTASH_REDIS_REST_TOKEN=\"Bearer AXtok\"")),
        Just(Some("KV_URL=redis://:p@ss#1@eu1-cat.upstash.io:6379/1")),
        Just(Some(
            "UPSTASH_REDIS_REST_URL=' \"http://eu1-cat.upstash.io/x\" '"
        )),
        Just(Some("REDIS_URL=rediss://pw@fly-cat.upstash.io")),
        Just(Some("KV_REST_API_URL=https://eu1-cat.upstash.io")),
        Just(Some("REDIS_URL=rediss://eu1-cat.upstash.io:6379")),
        Just(Some("PORT=1")),
        Just(Some("PORT=2")),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    /// `fix` (lint's edits applied, round after round) reaches a text where lint has nothing
    /// left to fix within a few rounds, and every line that is not a variable upwire fixes
    /// (comments, blank lines, other keys) is kept byte for byte, line end included, in order.
    #[test]
    fn fix_keeps_other_lines_and_reaches_a_fixed_point(
        lines in proptest::collection::vec((fix_line(), any::<bool>()), 0..12)
    ) {
        let mut text = String::new();
        let mut kept = Vec::new();
        for (i, (line, crlf)) in lines.iter().enumerate() {
            let end = if *crlf { "\r\n" } else { "\n" };
            let line = match line {
                Some(l) => (*l).to_owned(),
                None => {
                    let other = [format!("# note {i}"), String::new(), format!("OTHER_{i}='a b' # c")][i % 3].clone();
                    kept.push(format!("{other}{end}"));
                    other
                }
            };
            text.push_str(&line);
            text.push_str(end);
        }
        let fixed = within("fix", move || {
            for _ in 0..6 {
                let (_, diags) = lint_env(SourceFile::new(".env", text.clone()));
                let (next, applied) = upwire::internal::fix::apply(&text, ".env", &diags);
                if applied.is_empty() {
                    return Some(text);
                }
                text = next;
            }
            None
        });
        let fixed = fixed.expect("a fixed point within 6 rounds");
        let left: Vec<&str> = fixed
            .split_inclusive('\n')
            .filter(|l| kept.iter().any(|k| k == l))
            .collect();
        prop_assert_eq!(left, kept.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
