//! Each leak found before secrets were classified where they are read, as its own
//! regression test with the exact input that leaked. The leak matrix (`secret_matrix.rs`)
//! generalises them; these name the cases, so a regression says which one came back.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::http::Request;
use crate::support::peers::Canned;
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::{all_output, free_port, run_bounded, run_in, upwire};

const PW: &str = "Sekr3tZZ";
const TOKEN: &str = "AXdummyTok-1234";

/// `upwire --format FORMAT check ARGS --timeout 2`.
fn check(dir: &Path, format: &str, args: &[&str]) -> Output {
    run_in(
        dir,
        &[],
        &[&["--format", format, "check"], args, &["--timeout", "2"]].concat(),
    )
}

fn assert_shows(out: &Output, text: &str) {
    assert!(
        all_output(out).contains(text),
        "`{text}` missing:\n{}",
        all_output(out)
    );
}

fn assert_clean(out: &Output, secrets: &[&str], what: &str) {
    let text = all_output(out);
    for s in secrets {
        assert!(!text.contains(s), "{what}: `{s}` printed:\n{text}");
    }
}

/// Group 1: a TCP URL (or a REST URL with a secret) given where the REST URL belongs.
#[test]
fn check_never_prints_the_url_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let closed = free_port();
    for url in [
        format!("rediss://default:{PW}@127.0.0.1:{closed}"),
        format!("https://127.0.0.1:99999/?_token={PW}"),
        format!("https:/127.0.0.1?_token={PW}"),
        format!("http://evil.example/?_token={PW}"),
        format!("https://user:{PW}@127.0.0.1:99999"),
    ] {
        for format in ["text", "json"] {
            let out = run_in(
                dir.path(),
                &[],
                &[
                    "--format",
                    format,
                    "check",
                    "--rest-url",
                    &url,
                    "--rest-token",
                    TOKEN,
                    "--timeout",
                    "1",
                ],
            );
            assert_clean(
                &out,
                &[PW, TOKEN],
                &format!("check --rest-url {url} ({format})"),
            );
            // The check still says what it was given, masked, or (these URLs are all lint
            // errors, so nothing connects) the finding that stopped it.
            let text = all_output(&out);
            assert!(
                text.contains("****") || text.contains("\"severity\": \"error\""),
                "{text}"
            );
        }
    }
    // Through a descriptor: `edge: rest rediss://default:...`.
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nrest_url = \"${URL}\"\nrest_token = \"${TOK}\"\n[target.edge]\nkind = \"edge\"\n",
    )
    .unwrap();
    let mut cmd = upwire();
    cmd.current_dir(dir.path())
        .env("URL", format!("rediss://default:{PW}@127.0.0.1:{closed}"))
        .env("TOK", TOKEN)
        .args(["check", "--timeout", "1"]);
    let out = run_bounded(cmd, Duration::from_secs(20));
    assert_clean(&out, &[PW, TOKEN], "check through a descriptor");
}

/// Group 2: a TCP URL whose host is missing or mistyped, in every command.
#[test]
fn malformed_tcp_urls_are_masked_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n[target.api]\nkind = \"server\"\n",
    )
    .unwrap();
    for url in [
        format!("rediss://default:{PW}"),
        format!("default:{PW}@host:6379"),
        format!("rediss:/default:{PW}@host"),
        format!("rediss://default:{PW}:6379"),
        format!("redis+unix:///tmp/r.sock?pass={PW}"),
        format!("rediss://host:6379/?pass={PW}"),
        format!("rediss://host:6379#{PW}"),
    ] {
        std::fs::write(dir.path().join("app.env"), format!("REDIS_URL={url}\n")).unwrap();
        for format in ["text", "json"] {
            for args in [
                vec!["lint", "app.env"],
                vec!["--env-file", "app.env", "resolve"],
                vec!["--env-file", "app.env", "docs"],
                vec!["--env-file", "app.env", "generate", "--dry-run", "--diff"],
                vec!["--env-file", "app.env", "check", "--timeout", "1"],
                vec!["check", "--redis-url", &url, "--timeout", "1"],
            ] {
                let mut all = vec!["--format", format];
                all.extend(&args);
                let out = run_in(dir.path(), &[], &all);
                assert_clean(&out, &[PW], &format!("{args:?} with {url} ({format})"));
            }
        }
    }
    // The help stays useful: a REST URL in REDIS_URL still gets host and port back.
    std::fs::write(
        dir.path().join("app.env"),
        "REDIS_URL=https://eu1-tidy-cat-12345.upstash.io\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &[], &["lint", "app.env"]);
    assert_shows(
        &out,
        "rediss://default:****@eu1-tidy-cat-12345.upstash.io:6379",
    );
    // ... and the invalid port of a real host is still quoted.
    std::fs::write(
        dir.path().join("app.env"),
        "REDIS_URL=rediss://default:x@eu1-tidy-cat-12345.upstash.io:6379x\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &[], &["lint", "app.env"]);
    assert_shows(&out, "the port `6379x` is not a number");
}

/// Group 3: descriptor lines with a secret under a mistyped field, a wrong type, or a line
/// that does not parse.
#[test]
fn descriptor_diagnostics_never_quote_a_secret_line() {
    let dir = tempfile::tempdir().unwrap();
    for body in [
        format!("[database.main]\nrest_tokn = \"{TOKEN}\"\n"),
        format!("[database.main]\nreadonly_token = \"{TOKEN}\"\n"),
        format!("[database.main]\npassword = \"{PW}\"\n"),
        format!("[database.main]\nredis_ur = \"rediss://default:{PW}@h.upstash.io:6379\"\n"),
        format!("[database.main]\nrest_token = [\"{TOKEN}\"]\n"),
        format!("[database.main]\nrest_token = {{v = \"{TOKEN}\"}}\n"),
        format!("[database.main] redis_url = \"rediss://default:{PW}@h.upstash.io:6379\"\n"),
    ] {
        std::fs::write(
            dir.path().join("upwire.toml"),
            format!("{body}[target.api]\nkind = \"server\"\n"),
        )
        .unwrap();
        for format in ["text", "json"] {
            let out = run_in(dir.path(), &[], &["--format", format, "lint"]);
            assert_clean(&out, &[PW, TOKEN], &format!("lint of {body:?} ({format})"));
            assert!(
                all_output(&out).contains("error"),
                "the mistake is still reported: {}",
                all_output(&out)
            );
        }
    }
}

/// Group 4: a server that echoes the credential in its error reply.
#[test]
fn check_never_repeats_a_credential_the_server_echoes() {
    let dir = tempfile::tempdir().unwrap();
    let echoed = "EchoedPw-555";
    let tcp = Canned::resp(format!(
        "-ERR invalid password for user default {echoed}\r\n"
    ));
    let rest = Canned::http(
        400,
        &format!("{{\"error\":\"WRONGPASS token {TOKEN} is not valid\"}}"),
    );
    for format in ["text", "json"] {
        let url = format!("redis://default:{echoed}@127.0.0.1:{}", tcp.port);
        let out = check(dir.path(), format, &["--redis-url", &url]);
        assert_clean(&out, &[echoed], "RESP error reply");
        assert_shows(&out, "invalid password");
        let url = format!("http://127.0.0.1:{}", rest.port);
        let out = check(
            dir.path(),
            format,
            &["--rest-url", &url, "--rest-token", TOKEN],
        );
        assert_clean(&out, &[TOKEN], "HTTP error reply");
        assert_shows(&out, "WRONGPASS");
    }
    // Positive control: the peers really received the credentials.
    assert!(tcp.received().contains(echoed));
    assert!(rest.received().contains(TOKEN));
}

/// Group 5: serve's request log never shows request text.
#[test]
fn serve_logs_a_command_name_only_from_the_command_table() {
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::default().token("dev-token"));
    let canary = "AXLogCanary42xyz";
    Request::get(&format!("/{canary}"))
        .bearer("dev-token")
        .send(serve.addr);
    Request::post_json("/", &format!("[\"{canary}\"]"))
        .bearer("dev-token")
        .send(serve.addr);
    let log = serve.stop();
    assert!(
        !log.to_ascii_uppercase()
            .contains(&canary.to_ascii_uppercase()),
        "{log}"
    );
    assert!(log.contains("UNKNOWN"), "{log}");
}

/// A process environment variable that is not UTF-8 (any name) made `std::env::vars` panic,
/// and the panic message quoted its value: `check` and `lint` printed the secret and exited
/// 101. Such a variable is now passed over.
#[test]
fn a_variable_that_is_not_utf8_neither_panics_nor_prints() {
    use std::os::unix::ffi::OsStringExt;
    let canary = "AXcanarySECRET9f8e7d6c5b4a";
    let mut value = canary.as_bytes().to_vec();
    value.push(0xff);
    let value = std::ffi::OsString::from_vec(value);
    let tmp = tempfile::tempdir().expect("temp dir");
    let with_descriptor = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        with_descriptor.path().join("upwire.toml"),
        "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\n[target.fn]\nkind = \"lambda\"\n",
    )
    .expect("descriptor");
    for (dir, args) in [
        (tmp.path(), &["check", "--timeout", "2"][..]),
        (with_descriptor.path(), &["check", "--timeout", "2"][..]),
        (with_descriptor.path(), &["lint"][..]),
        (with_descriptor.path(), &["resolve"][..]),
    ] {
        for name in ["MY_SECRET", "UPSTASH_REDIS_REST_TOKEN"] {
            let mut cmd = upwire();
            cmd.env_clear()
                .env(name, &value)
                .current_dir(dir)
                .args(args);
            let out = run_bounded(cmd, Duration::from_secs(20));
            let shown = all_output(&out);
            assert_ne!(out.status.code(), Some(101), "{args:?}: {shown}");
            assert!(!shown.contains("panicked"), "{args:?}: {shown}");
            assert!(
                !shown.contains(canary),
                "{args:?} printed the secret: {shown}"
            );
        }
    }
}
