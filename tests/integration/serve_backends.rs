//! `upwire serve` with several backends and tokens: upwire's tokens file,
//! SRH's variables and `tokens.json`, `rediss://` backends with `--ca-file`, and the start-up
//! errors of a bad tokens file. Every test checks that no token reaches the output.

#![cfg(feature = "serve")]

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::certs::{CertShape, Certs};
use crate::support::http::{EventStream, Reply, Request};
use crate::support::redis::{RedisOptions, RedisServer};
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::tier::{self, Group};
use crate::support::{run_bounded, upwire};

/// Canary tokens: none of them may appear in any output.
const TOKEN_A: &str = "AXcanaryBackendTokenAAAA1111";
const TOKEN_B: &str = "AXcanaryBackendTokenBBBB2222";
const TOKEN_RO: &str = "AocanaryReadOnlyTokenCCCC3333";
const ALL: [&str; 3] = [TOKEN_A, TOKEN_B, TOKEN_RO];

fn result(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["result"].clone()
}

fn assert_no_token(output: &str) {
    for token in ALL {
        assert!(!output.contains(token), "a token leaked:\n{output}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the tokens file");
    path.display().to_string()
}

/// `upwire serve` that must refuse to start: its exit code and stderr.
fn refused(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = upwire();
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("UPWIRE_SERVE_TOKEN")
        .env_remove("UPWIRE_SERVE_READONLY_TOKEN")
        .envs(env.iter().copied());
    let out = run_bounded(cmd, Duration::from_secs(20));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_token(&all);
    (out.status.code(), all)
}

/// Two plain redis-servers and a tokens file `name` in a temporary directory, its text made
/// from their URLs.
struct TwoBackends {
    _redis: [RedisServer; 2],
    _dir: tempfile::TempDir,
    file: String,
}

fn two_backends(name: &str, text: impl Fn(&str, &str) -> String) -> TwoBackends {
    let redis = [RedisServer::plain(), RedisServer::plain()];
    let dir = tempfile::tempdir().unwrap();
    let text = text(&redis[0].url(None, None), &redis[1].url(None, None));
    let file = write(dir.path(), name, &text);
    TwoBackends {
        _redis: redis,
        _dir: dir,
        file,
    }
}

#[test]
fn tokens_file_routes_each_token_to_its_backend() {
    let backends = two_backends("tokens.toml", |one, two| {
        format!(
            "[backend.one]\nurl = \"{one}\"\npool = 2\n\n[backend.two]\nurl = \"{two}\"\n\n\
             [[token]]\ntoken = \"{TOKEN_A}\"\nbackend = \"one\"\n\n\
             [[token]]\ntoken = \"${{UPWIRE_TEST_TOKEN_B}}\"\nbackend = \"two\"\n\n\
             [[token]]\ntoken = \"{TOKEN_RO}\"\nbackend = \"one\"\naccess = \"read-only\"\n"
        )
    });
    let file = &backends.file;
    let serve = ServeProcess::start(
        "redis://127.0.0.1:1",
        &ServeOptions::default()
            .arg("--tokens")
            .arg(file)
            .env("UPWIRE_TEST_TOKEN_B", TOKEN_B),
    );
    assert_eq!(
        result(&serve.post("/", r#"["SET","k","from-a"]"#, TOKEN_A)),
        "OK"
    );
    // Not visible through the other backend's token.
    assert_eq!(
        result(&serve.post("/", r#"["GET","k"]"#, TOKEN_B)),
        Value::Null
    );
    assert_eq!(
        result(&serve.post("/", r#"["SET","k","from-b"]"#, TOKEN_B)),
        "OK"
    );
    assert_eq!(
        result(&serve.post("/", r#"["GET","k"]"#, TOKEN_A)),
        "from-a"
    );
    // The read-only token reads backend one and may not write.
    assert_eq!(
        result(&serve.post("/", r#"["GET","k"]"#, TOKEN_RO)),
        "from-a"
    );
    let write = serve.post("/", r#"["SET","k","x"]"#, TOKEN_RO);
    assert_eq!(write.status, 400, "{}", write.text());
    // Transactions go through each backend's pool.
    let tx = Request::post("/multi-exec", r#"[["INCR","n"],["INCR","n"]]"#)
        .bearer(TOKEN_B)
        .send(serve.addr);
    assert_eq!(tx.status, 200, "{}", tx.text());
    assert_eq!(
        result(&serve.post("/", r#"["GET","n"]"#, TOKEN_A)),
        Value::Null
    );
    let wrong = serve.post("/", r#"["GET","k"]"#, "AXnotAToken");
    assert_eq!(wrong.status, 401);
    let log = serve.stop();
    assert!(log.contains("3 tokens from"), "{log}");
    assert_no_token(&log);
}

#[test]
fn srh_env_mode() {
    let password = "CANARYsrhRedisPassword55";
    let redis = RedisServer::start(RedisOptions {
        password: Some(password.to_owned()),
        ..RedisOptions::default()
    });
    let url = redis.url(None, Some(password));
    let serve = ServeProcess::start(
        "redis://127.0.0.1:1",
        &ServeOptions::default()
            .env("SRH_MODE", "env")
            .env("SRH_TOKEN", TOKEN_A)
            .env("SRH_CONNECTION_STRING", &url)
            .env("SRH_MAX_CONNECTIONS", "4"),
    );
    assert_eq!(
        result(&serve.post("/", r#"["SET","srh","env"]"#, TOKEN_A)),
        "OK"
    );
    assert_eq!(result(&serve.post("/", r#"["GET","srh"]"#, TOKEN_A)), "env");
    assert_eq!(serve.post("/", r#"["GET","srh"]"#, TOKEN_B).status, 401);
    let log = serve.stop();
    assert_no_token(&log);
    assert!(!log.contains(password), "{log}");

    let (code, err) = refused(&[], &[("SRH_MODE", "env"), ("SRH_TOKEN", TOKEN_A)]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("SRH_MODE=env needs SRH_CONNECTION_STRING"),
        "{err}"
    );
}

#[test]
fn srh_file_mode() {
    let backends = two_backends("tokens.json", |one, two| {
        format!(
            "{{\n  \"{TOKEN_A}\": {{\"srh_id\": \"one\", \"connection_string\": \"{one}\", \"max_connections\": 3}},\n  \
             \"{TOKEN_B}\": {{\"srh_id\": \"two\", \"connection_string\": \"{two}\", \"max_connections\": 2}}\n}}\n"
        )
    });
    let file = &backends.file;
    let dir = tempfile::tempdir().unwrap();
    let serve = ServeProcess::start(
        "redis://127.0.0.1:1",
        &ServeOptions::default()
            .env("SRH_MODE", "file")
            .env("SRH_CONFIG", file),
    );
    assert_eq!(
        result(&serve.post("/", r#"["SET","k","one"]"#, TOKEN_A)),
        "OK"
    );
    assert_eq!(
        result(&serve.post("/", r#"["GET","k"]"#, TOKEN_B)),
        Value::Null
    );
    assert_eq!(result(&serve.post("/", r#"["GET","k"]"#, TOKEN_A)), "one");
    assert_no_token(&serve.stop());

    // The same file through --tokens works as well, and a duplicate token is refused.
    let dup = write(
        dir.path(),
        "dup.json",
        &format!(
            "{{\n\"{TOKEN_A}\": {{\"srh_id\": \"one\", \"connection_string\": \"redis://127.0.0.1:1\"}},\n\
             \"{TOKEN_A}\": {{\"srh_id\": \"two\", \"connection_string\": \"redis://127.0.0.1:2\"}}\n}}\n"
        ),
    );
    let (code, err) = refused(&["--tokens", &dup], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains(&format!("{dup}:3: duplicate token")), "{err}");
}

#[test]
fn bad_tokens_files_stop_start_up_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let head = "[backend.main]\nurl = \"redis://127.0.0.1:6379\"\n\n";
    let token = |value: &str, extra: &str| {
        format!("[[token]]\ntoken = \"{value}\"\nbackend = \"main\"\n{extra}")
    };
    let cases = [
        (
            "dup.toml",
            format!(
                "{head}{}\n{}",
                token(TOKEN_A, ""),
                token(TOKEN_A, "access = \"read-only\"\n")
            ),
            ":9: duplicate token: the same token is on line 5",
        ),
        (
            "unknown.toml",
            format!(
                "{head}{}",
                token(TOKEN_B, "").replace("\"main\"", "\"mian\"")
            ),
            ":6: unknown backend `mian`: the file defines main",
        ),
        (
            "url.toml",
            format!(
                "[backend.main]\nurl = \"http://127.0.0.1\"\n{}",
                token(TOKEN_B, "")
            ),
            ":2: invalid --redis URL",
        ),
    ];
    for (name, text, expected) in cases {
        let path = write(dir.path(), name, &text);
        let (code, err) = refused(&["--tokens", &path], &[]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(&format!("{path}{expected}")), "{err}");
    }

    let missing = dir.path().join("missing.toml").display().to_string();
    let (code, err) = refused(&["--tokens", &missing], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("{missing}: cannot read the tokens file")),
        "{err}"
    );

    // --tokens replaces --token.
    let dup = dir.path().join("dup.toml").display().to_string();
    let (code, err) = refused(&["--tokens", &dup, "--token", TOKEN_RO], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn rediss_backend_with_a_private_ca() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let password = "CANARYtlsRedisPassword77";
    let redis = RedisServer::start(RedisOptions {
        tls: true,
        password: Some(password.to_owned()),
        ..RedisOptions::default()
    });
    let url = redis.url(None, Some(password));
    assert!(url.starts_with("rediss://"));
    let ca = redis.ca().display().to_string();
    let serve = ServeProcess::start(
        &url,
        &ServeOptions::default()
            .token(TOKEN_A)
            .arg("--ca-file")
            .arg(&ca),
    );
    assert_eq!(
        result(&serve.post("/", r#"["SET","tls","yes"]"#, TOKEN_A)),
        "OK"
    );
    assert_eq!(result(&serve.post("/", r#"["GET","tls"]"#, TOKEN_A)), "yes");
    let log = serve.stop();
    assert_no_token(&log);
    assert!(!log.contains(password), "{log}");

    // Another CA: the first request fails with 503 and says what to do.
    let other = Certs::shaped(CertShape::Signed);
    let serve = ServeProcess::start(
        &url,
        &ServeOptions::default()
            .token(TOKEN_A)
            .arg("--ca-file")
            .arg(&other.ca.display().to_string()),
    );
    let reply = serve.post("/", r#"["GET","tls"]"#, TOKEN_A);
    assert_eq!(reply.status, 503, "{}", reply.text());
    assert!(
        reply.error().contains("certificate") && reply.error().contains("--ca-file"),
        "{}",
        reply.error()
    );
    let log = serve.stop();
    assert_no_token(&log);
    assert!(!log.contains(password), "{log}");

    // A --ca-file that is not one stops start-up.
    let dir = tempfile::tempdir().unwrap();
    let junk = write(dir.path(), "ca.pem", "not a certificate\n");
    let (code, err) = refused(&["--redis", &url, "--ca-file", &junk], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("--ca-file {junk}: no PEM certificate")),
        "{err}"
    );
    assert!(!err.contains(password), "{err}");
}

#[test]
fn a_stream_subscribes_on_its_tokens_backend() {
    let backends = two_backends("tokens.toml", |one, two| {
        format!(
            "[backend.one]\nurl = \"{one}\"\n\n[backend.two]\nurl = \"{two}\"\n\n\
             [[token]]\ntoken = \"{TOKEN_A}\"\nbackend = \"one\"\n\n\
             [[token]]\ntoken = \"{TOKEN_B}\"\nbackend = \"two\"\n"
        )
    });
    let serve = ServeProcess::start(
        "redis://127.0.0.1:1",
        &ServeOptions::default().arg("--tokens").arg(&backends.file),
    );
    let subscribe = Request::post("/subscribe/news", "[]")
        .bearer(TOKEN_B)
        .header("Accept", "text/event-stream");
    let mut events = EventStream::open(serve.addr, &subscribe);
    assert_eq!(events.head.status, 200, "{}", events.head.text());
    events.wait_for("subscribe,news,1", Duration::from_secs(10));
    // A PUBLISH through backend one reaches nobody; through backend two, the stream.
    assert_eq!(
        result(&serve.post("/", r#"["PUBLISH","news","on-one"]"#, TOKEN_A)),
        0
    );
    assert_eq!(
        result(&serve.post("/", r#"["PUBLISH","news","on-two"]"#, TOKEN_B)),
        1
    );
    let body = events.wait_for("message,news,on-two", Duration::from_secs(10));
    assert!(!body.contains("on-one"), "{body}");
    assert_no_token(&body);
    assert_no_token(&serve.stop());
}
