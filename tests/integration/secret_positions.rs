//! Secrets outside value positions: each input that printed a secret before every input file
//! was scanned by shape, as its own test with the exact input, in text, JSON and SARIF. A
//! token alone on a line, as a key (the `=` forgotten), after a line continuation, as
//! `TOKEN:` or `TOKEN  # comment`, set twice (`duplicate-key`, the `fix --dry-run` diff),
//! missing from `.env.example` (`env-example-drift`), between `${` and `}`; a credential that
//! is not a string; a numeric password with the host forgotten; a short password; a password
//! in SRH's `tokens.json` that serde quotes; values clap reads from the environment.
//!
//! Each test also checks that the finding it is about was reported (and masked: `****`), so
//! that it cannot pass by the input being ignored.

use std::path::Path;
use std::process::Output;

use crate::support::{all_output, run_in};

/// A token-shaped canary (mixed case and digits, as Upstash's tokens are).
const TOKEN: &str = "AXYMleakPosCanary7f3a9QzLm";

const DESCRIPTOR: &str = "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n";
const REDIS_URL: &str = "REDIS_URL=rediss://default:benignPassword1@eu1-cat.upstash.io:6379\n";

fn project(toml: &str, env: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upwire.toml"), toml).unwrap();
    std::fs::write(dir.path().join(".env"), env).unwrap();
    dir
}

/// `secret` (in any letter case) is nowhere in the output, and `shown` is.
fn assert_masked(out: &Output, secret: &str, shown: &str, what: &str) {
    let text = all_output(out);
    assert!(
        !text
            .to_ascii_lowercase()
            .contains(&secret.to_ascii_lowercase()),
        "{what}: `{secret}` printed:\n{text}"
    );
    assert!(text.contains(shown), "{what}: `{shown}` missing:\n{text}");
}

/// `lint ARGS` in text, JSON and SARIF: no `secret`, and the finding `code` reported.
fn lint_all_formats(dir: &Path, args: &[&str], secret: &str, code: &str) {
    for format in ["text", "json", "sarif"] {
        let out = run_in(dir, &[], &[&["--format", format, "lint"], args].concat());
        assert_masked(&out, secret, code, &format!("lint {args:?} ({format})"));
        // The text shows the source line, masked.
        assert!(
            format != "text" || all_output(&out).contains("****"),
            "lint {args:?} ({format}): nothing masked:\n{}",
            all_output(&out)
        );
    }
}

/// `COMMAND` in text and JSON: no `secret`, and `shown` in the output.
fn command_all_formats(dir: &Path, command: &str, secret: &str, shown: &str) {
    for format in ["text", "json"] {
        let out = run_in(dir, &[], &["--format", format, command]);
        assert_masked(&out, secret, shown, &format!("{command} ({format})"));
    }
}

/// An env file with the token where no value is.
#[test]
fn a_token_outside_a_value_in_an_env_file_is_masked() {
    for (what, line) in [
        ("alone on a line", format!("{TOKEN}\n")),
        (
            "as a key, the `=` forgotten",
            format!("UPSTASH_REDIS_REST_TOKEN{TOKEN}\n"),
        ),
        (
            "after a line continuation",
            format!("UPSTASH_REDIS_REST_URL=https://x \\\n{TOKEN}\n"),
        ),
        ("as `TOKEN:`", format!("{TOKEN}: 1\n")),
        ("as `TOKEN  # comment`", format!("{TOKEN}  # comment\n")),
        (
            "in a comment after a bad line",
            format!("BROKEN LINE # {TOKEN}\n"),
        ),
        (
            "indented with a non-breaking space",
            format!("\u{a0}{TOKEN}\u{3000}\n"),
        ),
    ] {
        let dir = project(DESCRIPTOR, &format!("{REDIS_URL}{line}"));
        for format in ["text", "json", "sarif"] {
            let out = run_in(dir.path(), &[], &["--format", format, "lint", ".env"]);
            assert_masked(
                &out,
                TOKEN,
                "invalid-env-line",
                &format!("{what} ({format})"),
            );
        }
    }
    // A variable name before the token stays readable.
    let dir = project(
        DESCRIPTOR,
        &format!("{REDIS_URL}UPSTASH_REDIS_REST_TOKEN{TOKEN}\n"),
    );
    let out = run_in(dir.path(), &[], &["lint", ".env"]);
    assert_masked(
        &out,
        TOKEN,
        "UPSTASH_REDIS_REST_TOKEN****",
        "known name kept",
    );
}

/// A token used as a key twice: the `duplicate-key` message, and the diff `fix --dry-run`
/// prints to remove the later line.
#[test]
fn a_token_as_a_duplicated_key_is_masked_in_the_message_and_the_diff() {
    let dir = project(DESCRIPTOR, &format!("{REDIS_URL}{TOKEN}=1\n{TOKEN}=1\n"));
    std::fs::write(
        dir.path().join(".env.example"),
        format!("REDIS_URL=\n{TOKEN}=\n"),
    )
    .unwrap();
    lint_all_formats(dir.path(), &[".env"], TOKEN, "duplicate-key");
    for format in ["text", "json"] {
        let out = run_in(
            dir.path(),
            &[],
            &["--format", format, "fix", "--dry-run", ".env"],
        );
        assert_masked(
            &out,
            TOKEN,
            "duplicate-key",
            &format!("fix --dry-run ({format})"),
        );
    }
    let out = run_in(dir.path(), &[], &["fix", "--dry-run", ".env"]);
    assert_masked(&out, TOKEN, "-****", "the diff's removed line");
}

/// A token used as a key that `.env.example` lacks: `env-example-drift` names the key.
#[test]
fn a_token_as_a_key_missing_from_the_example_is_masked() {
    let dir = project(DESCRIPTOR, &format!("{REDIS_URL}{TOKEN}B=1\n"));
    std::fs::write(dir.path().join(".env.example"), "REDIS_URL=\n").unwrap();
    lint_all_formats(dir.path(), &[".env"], TOKEN, "env-example-drift");
}

/// `rest_token = "${TOKEN}"`: the token pasted between the braces, in the
/// `unresolved-variable` message and its help.
#[test]
fn a_token_between_braces_is_masked() {
    let toml = format!(
        "[database.main]\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"${{{TOKEN}}}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n"
    );
    let dir = project(&toml, "");
    lint_all_formats(dir.path(), &["upwire.toml"], TOKEN, "unresolved-variable");
    command_all_formats(dir.path(), "resolve", TOKEN, "unresolved-variable");
}

/// A token in a descriptor's comment, on a line a finding quotes.
#[test]
fn a_token_in_a_descriptor_comment_is_masked() {
    let toml = format!(
        "[database.main]\nredis_url = \"${{REDIS_URL}}\"\n\n[target.api]\nkind = \"servr\" # {TOKEN}\nplatform = \"fly\"\n"
    );
    let dir = project(&toml, REDIS_URL);
    lint_all_formats(dir.path(), &["upwire.toml"], TOKEN, "servr");
}

/// `rest_token = 123456789012345`: a credential written as a number.
#[test]
fn a_credential_that_is_not_a_string_is_masked() {
    let number = "123456789012345";
    let toml = format!(
        "[database.main]\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = {number}\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n"
    );
    let dir = project(&toml, "");
    lint_all_formats(dir.path(), &["upwire.toml"], number, "rest_token");
    command_all_formats(dir.path(), "resolve", number, "rest_token");
}

/// `rediss://default:83749201`: the host forgotten, so the URL parser reads the password
/// as a port ("the port ... is out of range").
#[test]
fn a_numeric_password_read_as_a_port_is_masked() {
    let password = "83749201";
    for (file, toml, env) in [
        (
            "upwire.toml",
            format!(
                "[database.main]\nredis_url = \"rediss://default:{password}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n"
            ),
            String::new(),
        ),
        (
            ".env",
            DESCRIPTOR.to_owned(),
            format!("REDIS_URL=rediss://default:{password}\n"),
        ),
    ] {
        let dir = project(&toml, &env);
        lint_all_formats(dir.path(), &[file], password, "invalid-port");
    }
}

/// Passwords under 12 characters in a URL's password slot and a token field.
#[test]
fn short_passwords_stay_masked() {
    let (password, token) = ("Kq9x2", "Zt4w");
    let toml = format!(
        "[database.main]\nredis_url = \"rediss://default:{password}@eu1-cat.upstash.io:99999\"\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"{token}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n"
    );
    let dir = project(&toml, "");
    for secret in [password, token] {
        lint_all_formats(dir.path(), &["upwire.toml"], secret, "invalid-port");
        for command in ["resolve", "docs"] {
            command_all_formats(dir.path(), command, secret, "****");
        }
    }
}

/// SRH's `tokens.json` with a URL string where an entry object belongs: serde quotes the
/// string ("invalid type: string ..."); upwire's TOML with a number as the token: toml
/// quotes it.
#[test]
fn tokens_file_parser_errors_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("tokens.json");
    std::fs::write(
        &json,
        format!("{{\"{TOKEN}\": \"redis://default:pw12@127.0.0.1:6379\"}}\n"),
    )
    .unwrap();
    let out = run_in(dir.path(), &[], &["serve", "--tokens", "tokens.json"]);
    assert_masked(&out, "pw12", "invalid type: string", "tokens.json");
    assert_masked(&out, TOKEN, "default:****@", "tokens.json");
    let toml = dir.path().join("tokens.toml");
    std::fs::write(
        &toml,
        "[backend.main]\nurl = \"redis://127.0.0.1:6379\"\n\n[[token]]\ntoken = 123456789012345\nbackend = \"main\"\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &[], &["serve", "--tokens", "tokens.toml"]);
    assert_masked(
        &out,
        "123456789012345",
        "invalid type: integer `****`",
        "tokens.toml",
    );
}

/// Values clap reads from the environment, quoted in its "invalid value" error, and
/// `UPWIRE_CONFIG` quoted in the error about the file.
#[test]
fn values_read_from_the_environment_are_masked() {
    let dir = tempfile::tempdir().unwrap();
    for listen in [
        format!("rediss://default:{TOKEN}@host"),
        TOKEN.to_owned(),
        "shortpw1".to_owned(),
    ] {
        let out = run_in(
            dir.path(),
            &[("UPWIRE_SERVE_LISTEN", &listen)],
            &["serve", "--redis", "redis://127.0.0.1:1"],
        );
        assert_masked(&out, &listen, "invalid value '****'", "UPWIRE_SERVE_LISTEN");
        assert_masked(&out, TOKEN, "--listen", "UPWIRE_SERVE_LISTEN");
    }
    for config in ["rediss://default:pw12@host".to_owned(), TOKEN.to_owned()] {
        let out = run_in(dir.path(), &[("UPWIRE_CONFIG", &config)], &["lint"]);
        assert_masked(&out, &config, "does not exist", "UPWIRE_CONFIG");
        for secret in ["pw12", TOKEN] {
            assert_masked(&out, secret, "****", "UPWIRE_CONFIG");
        }
    }
}
