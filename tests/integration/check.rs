//! `upwire check` against real peers on loopback: redis-server with TLS, a password and ACL
//! users, a plain redis-server, `upwire serve` for REST, a listener that never answers, a
//! closed port and a name that cannot resolve.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::certs::{CertShape, Certs};
use crate::support::peers::{BlackHole, Canned};
use crate::support::redis::{RedisOptions, RedisServer};
use crate::support::serve::spawn_quiet;
use crate::support::tier::{self, Group};
use crate::support::{all_output, free_port, json, run_tool, upwire};

const PASSWORD: &str = "CANARYpw7Q2x";
const TOKEN: &str = "AXCANARYtok9Zr";

fn tls_server() -> RedisServer {
    RedisServer::start(RedisOptions {
        password: Some(PASSWORD.to_owned()),
        tls: true,
        users: vec![(
            "reader".to_owned(),
            "CANARYro5Kp".to_owned(),
            "~* &* +@read +ping".to_owned(),
        )],
        ..RedisOptions::default()
    })
}

fn check(args: &[&str]) -> Output {
    upwire()
        .arg("check")
        .args(args)
        .output()
        .expect("upwire runs")
}

/// Text output with timings and ports replaced, for snapshots.
fn normalize(out: &Output, ports: &[u16]) -> String {
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for p in ports {
        text = text.replace(&p.to_string(), "[PORT]");
    }
    let mut result = String::new();
    for line in text.lines() {
        // Timings vary in width, and so does the padding before them: fold runs of spaces.
        let indent = &line[..line.len() - line.trim_start().len()];
        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        let mut fixed = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            let next_is_ms = words.get(i + 1).is_some_and(|n| n.starts_with("ms"));
            if next_is_ms && w.parse::<f64>().is_ok() {
                fixed.push("[T]");
            } else {
                fixed.push(w);
            }
        }
        result.push_str(indent);
        result.push_str(&fixed.join(" "));
        result.push('\n');
    }
    result
}

fn assert_no_secrets(out: &Output) {
    let all = all_output(out);
    for canary in [PASSWORD, TOKEN, "CANARYro5Kp", "CANARY"] {
        assert!(!all.contains(canary), "output shows a secret:\n{all}");
    }
}

/// The exit code is `code`; the message shows stdout and stderr.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "{}", all_output(out));
}

#[test]
fn tls_login_with_password_succeeds_and_times_every_stage() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server();
    let url = server.url(None, Some(PASSWORD));
    let ca = server.ca().display().to_string();
    let out = check(&[
        "--redis-url",
        &url,
        "--ca-file",
        &ca,
        "--samples",
        "20",
        "--format",
        "json",
    ]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    let doc = json(&out);
    let c = &doc["checks"][0];
    assert_eq!(c["ok"], true);
    assert_eq!(c["transport"], "tcp");
    assert_eq!(c["stage"], "command");
    assert_eq!(c["error_kind"], serde_json::Value::Null);
    let stages: Vec<&str> = c["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["dns", "connect", "tls", "auth", "command"]);
    let l = &c["latency_ms"];
    let (min, median, p95) = (
        l["min"].as_f64().unwrap(),
        l["median"].as_f64().unwrap(),
        l["p95"].as_f64().unwrap(),
    );
    assert!(0.0 < min && min <= median && median <= p95, "{l}");
    let text = check(&["--redis-url", &url, "--ca-file", &ca]);
    crate::snapshots!("tcp_ok", normalize(&text, &[server.port]));
}

#[test]
fn acl_read_only_user_logs_in_and_a_wrong_password_is_an_auth_failure() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server();
    let ca = server.ca().display().to_string();
    let ok = check(&[
        "--redis-url",
        &server.url(Some("reader"), Some("CANARYro5Kp")),
        "--ca-file",
        &ca,
    ]);
    assert_exit(&ok, 0);
    let bad = check(&[
        "--redis-url",
        &server.url(Some("reader"), Some("CANARYnope")),
        "--ca-file",
        &ca,
    ]);
    assert_no_secrets(&bad);
    assert_exit(&bad, 1);
    crate::snapshots!("tcp_wrongpass", normalize(&bad, &[server.port]));
}

#[test]
fn missing_password_is_noauth() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server();
    let out = check(&[
        "--redis-url",
        &server.url(None, None),
        "--ca-file",
        &server.ca().display().to_string(),
        "--format",
        "json",
    ]);
    let c = &json(&out)["checks"][0];
    assert_eq!(
        (c["ok"].as_bool(), c["error_kind"].as_str()),
        (Some(false), Some("auth"))
    );
    assert!(c["message"].as_str().unwrap().contains("NOAUTH"), "{c}");
}

#[test]
fn an_untrusted_certificate_is_a_tls_failure_that_names_ca_file() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server();
    let out = check(&["--redis-url", &server.url(None, Some(PASSWORD))]);
    assert_exit(&out, 1);
    assert_no_secrets(&out);
    crate::snapshots!("tls_untrusted", normalize(&out, &[server.port]));
}

#[test]
fn plain_text_to_a_tls_port_says_use_rediss() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server();
    let url = server
        .url(None, Some(PASSWORD))
        .replace("rediss://", "redis://");
    let out = check(&["--redis-url", &url, "--timeout", "3"]);
    assert_exit(&out, 1);
    crate::snapshots!("plain_to_tls_port", normalize(&out, &[server.port]));
}

#[test]
fn tls_to_a_plain_port_says_use_redis_within_the_timeout() {
    let server = RedisServer::plain();
    let url = format!("rediss://127.0.0.1:{}", server.port);
    let start = Instant::now();
    let out = check(&["--redis-url", &url, "--timeout", "1"]);
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert_exit(&out, 1);
    crate::snapshots!("tls_to_plain_port", normalize(&out, &[server.port]));
}

#[test]
fn a_server_that_never_answers_times_out_within_the_bound() {
    let hole = BlackHole::start();
    let start = Instant::now();
    let out = check(&[
        "--redis-url",
        &format!("redis://default:{PASSWORD}@127.0.0.1:{}", hole.port),
        "--timeout",
        "1",
        "--format",
        "json",
    ]);
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(4),
        "took {elapsed:?}"
    );
    assert_no_secrets(&out);
    let c = &json(&out)["checks"][0];
    assert_eq!(
        (c["stage"].as_str(), c["error_kind"].as_str()),
        (Some("auth"), Some("timeout")),
        "{c}"
    );
}

#[test]
fn a_closed_port_is_refused() {
    let port = free_port();
    let out = check(&["--redis-url", &format!("redis://127.0.0.1:{port}")]);
    assert_exit(&out, 1);
    crate::snapshots!("refused", normalize(&out, &[port]));
}

#[test]
fn a_name_that_cannot_resolve_is_a_dns_failure_bounded_by_the_timeout() {
    let start = Instant::now();
    let out = check(&[
        "--redis-url",
        "rediss://default:x@upwire-check-test.invalid:6379",
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    assert!(start.elapsed() < Duration::from_secs(5));
    let c = &json(&out)["checks"][0];
    assert_eq!(c["stage"], "dns");
    assert!(
        matches!(c["error_kind"].as_str(), Some("dns" | "timeout")),
        "{c}"
    );
}

#[test]
fn rest_login_through_serve_and_a_wrong_token() {
    let redis = RedisServer::plain();
    let serve = spawn_quiet(redis.url(None, None), TOKEN);
    let url = serve.url();
    let ok = check(&[
        "--rest-url",
        &url,
        "--rest-token",
        TOKEN,
        "--samples",
        "5",
        "--format",
        "json",
    ]);
    assert_no_secrets(&ok);
    let c = &json(&ok)["checks"][0];
    assert_eq!(
        (
            c["ok"].as_bool(),
            c["transport"].as_str(),
            c["stage"].as_str()
        ),
        (Some(true), Some("rest"), Some("command")),
        "{c}"
    );
    assert!(c["latency_ms"]["median"].as_f64().unwrap() > 0.0);
    let bad = check(&[
        "--rest-url",
        &url,
        "--rest-token",
        "AXCANARYwrong",
        "--format",
        "json",
    ]);
    assert_no_secrets(&bad);
    assert_exit(&bad, 1);
    let c = &json(&bad)["checks"][0];
    assert_eq!(c["error_kind"], "auth");
    let text = check(&["--rest-url", &url, "--rest-token", "AXCANARYwrong"]);
    crate::snapshots!("rest_401", normalize(&text, &[serve.addr().port()]));
}

/// A Redis port given as the REST URL: Redis drops the HTTP request without a reply, and
/// the message says it is a Redis server rather than suggesting https://. With and without
/// a password (the RESP reply is then `-NOAUTH`).
#[test]
fn a_redis_port_as_the_rest_url_is_named_as_one() {
    for server in [RedisServer::plain(), tls_free_with_password()] {
        let out = check(&[
            "--rest-url",
            &format!("http://127.0.0.1:{}", server.port),
            "--rest-token",
            TOKEN,
            "--timeout",
            "2",
        ]);
        assert_exit(&out, 1);
        let text = normalize(&out, &[server.port]);
        assert!(
            text.contains("is a Redis server (it answers in RESP)"),
            "{text}"
        );
        assert!(!text.contains("use https://"), "{text}");
    }
    let server = RedisServer::plain();
    let out = check(&[
        "--rest-url",
        &format!("http://127.0.0.1:{}", server.port),
        "--rest-token",
        TOKEN,
    ]);
    crate::snapshots!("rest_url_is_a_redis_port", normalize(&out, &[server.port]));
}

/// A plain-text redis-server that requires a password.
fn tls_free_with_password() -> RedisServer {
    RedisServer::start(RedisOptions {
        password: Some("PwCheckPlain0123".to_owned()),
        ..RedisOptions::default()
    })
}

#[test]
fn an_html_page_is_not_a_rest_endpoint_and_other_statuses_are_http_errors() {
    let html = Canned::http_typed(200, "text/html", "<!doctype html><title>Welcome</title>");
    let out = check(&[
        "--rest-url",
        &format!("http://127.0.0.1:{}", html.port),
        "--rest-token",
        TOKEN,
    ]);
    assert_exit(&out, 1);
    crate::snapshots!("rest_html", normalize(&out, &[html.port]));
    let err = Canned::http(503, "{\"error\":\"maintenance\"}");
    let out = check(&[
        "--rest-url",
        &format!("http://127.0.0.1:{}", err.port),
        "--rest-token",
        TOKEN,
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["checks"][0]["error_kind"], "http");
}

#[test]
fn descriptor_targets_with_both_transports_and_no_writes() {
    if !tier::require(Group::Openssl) {
        return;
    }
    // TCP goes to the TLS server; REST goes through serve to a plain one.
    let redis = tls_server();
    let plain = RedisServer::start(RedisOptions {
        password: Some(PASSWORD.to_owned()),
        ..RedisOptions::default()
    });
    let serve = spawn_quiet(plain.url(None, Some(PASSWORD)), TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("upwire.toml");
    std::fs::write(
        &toml,
        "[database.main]\nredis_url = \"${REDIS_URL}\"\nrest_url = \"${REST_URL}\"\nrest_token = \"${TOKEN}\"\n\n[target.api]\nkind = \"server\"\ndir = \"api\"\n\n[target.jobs]\nkind = \"lambda\"\ndir = \"jobs\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        upwire()
            .args([
                "-c",
                toml.to_str().unwrap(),
                "check",
                "--ca-file",
                redis.ca().to_str().unwrap(),
                "--samples",
                "3",
            ])
            .args(extra)
            .env("REDIS_URL", redis.url(None, Some(PASSWORD)))
            .env("REST_URL", serve.url())
            .env("TOKEN", TOKEN)
            .output()
            .unwrap()
    };
    let out = run(&["--format", "json"]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    let doc = json(&out);
    let checks: Vec<(&str, &str)> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["target"].as_str().unwrap(),
                c["transport"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(checks, [("api", "tcp"), ("jobs", "rest")]);
    let both = run(&["--both"]);
    assert_no_secrets(&both);
    let text = String::from_utf8_lossy(&both.stdout);
    assert!(text.contains("api: tcp median"), "{text}");
    assert!(text.contains("a long-lived process"), "{text}");
    assert!(
        text.contains("jobs: tcp median") && text.contains("a lambda would pay the TCP setup"),
        "{text}"
    );
    // Both targets share one database: each probe runs once and is shown once, for both.
    assert_eq!(text.matches("api, jobs: tcp ").count(), 1, "{text}");
    assert_eq!(text.matches("api, jobs: rest ").count(), 1, "{text}");
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(
        stderr.contains("ok: 2 checks passed for 2 targets"),
        "{stderr}"
    );
    // check never writes: the databases hold no key afterwards.
    for url in [
        redis.url(None, Some(PASSWORD)),
        plain.url(None, Some(PASSWORD)),
    ] {
        let out = std::process::Command::new("redis-cli")
            .args(["-u", &url, "--no-auth-warning"])
            .args(if url.starts_with("rediss") {
                vec!["--tls", "--cacert", redis.ca().to_str().unwrap()]
            } else {
                vec![]
            })
            .arg("DBSIZE")
            .output()
            .expect("redis-cli runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "0",
            "{url}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// TLS refusals in words: real redis-servers with openssl-made certificates.

fn tls_server_with(shape: CertShape) -> RedisServer {
    RedisServer::start(RedisOptions {
        password: Some(PASSWORD.to_owned()),
        tls: true,
        cert_shape: shape,
        ..RedisOptions::default()
    })
}

/// `check` of `server` trusting `ca`: the text run and the JSON run.
fn check_tls(server: &RedisServer, ca: &str) -> (Output, serde_json::Value) {
    let url = server.url(None, Some(PASSWORD));
    let text = check(&["--redis-url", &url, "--ca-file", ca, "--timeout", "5"]);
    let json_run = check(&[
        "--redis-url",
        &url,
        "--ca-file",
        ca,
        "--timeout",
        "5",
        "--format",
        "json",
    ]);
    assert_no_secrets(&text);
    assert_no_secrets(&json_run);
    (text, json(&json_run))
}

/// A TLS refusal: exit 1, the words in text, the raw rustls error only under `tls_error`.
fn assert_tls_refusal(text: &Output, json: &serde_json::Value, raw: &str) {
    assert_exit(text, 1);
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(
        !shown.contains("invalid peer certificate"),
        "the raw error is for JSON only:\n{shown}"
    );
    let r = &json["checks"][0];
    assert_eq!(r["error_kind"], "tls", "{json}");
    let tls_error = r["tls_error"]
        .as_str()
        .unwrap_or_else(|| panic!("no tls_error: {json}"));
    assert!(tls_error.contains(raw), "{tls_error}");
}

/// `check` of `server` trusting `ca` is a TLS refusal with `raw` under `tls_error`
/// ([`assert_tls_refusal`]); its text is snapshot `name`. The text run and the JSON run.
fn assert_refused(
    server: &RedisServer,
    ca: &Path,
    raw: &str,
    name: &str,
) -> (Output, serde_json::Value) {
    let (text, json) = check_tls(server, &ca.display().to_string());
    assert_tls_refusal(&text, &json, raw);
    crate::snapshots!(name, normalize(&text, &[server.port]));
    (text, json)
}

#[test]
fn a_self_signed_ca_certificate_is_accepted_when_it_is_the_ca_file() {
    if !tier::require(Group::Openssl) {
        return;
    }
    // `openssl req -x509` with subjectAltNames: CA:TRUE, as redis-cli users make them.
    let server = tls_server_with(CertShape::SelfSignedCa);
    let ca = server.ca().display().to_string();
    let (text, json) = check_tls(&server, &ca);
    assert_exit(&text, 0);
    assert_eq!(json["checks"][0]["ok"], true, "{json}");
    assert!(json["checks"][0].get("tls_error").is_none(), "{json}");

    // Any other certificate in --ca-file does not make the server's trusted: webpki refuses
    // a CA:TRUE certificate as the server's own before it looks for an issuer.
    let other = Certs::shaped(CertShape::SelfSignedCa);
    assert_refused(
        &server,
        &other.ca,
        "CaUsedAsEndEntity",
        "tls_self_signed_not_pinned",
    );

    // A leaf from an unknown CA.
    let signed = tls_server_with(CertShape::Signed);
    assert_refused(
        &signed,
        &other.ca,
        "UnknownIssuer",
        "tls_unknown_issuer_with_ca_file",
    );
}

#[test]
fn a_pinned_self_signed_certificate_without_names_says_which_names_it_lacks() {
    if !tier::require(Group::Openssl) {
        return;
    }
    // The plain `openssl req -x509 -subj /CN=localhost`: no subjectAltName, and the CN is
    // not a name TLS clients check. Pinned, so only the name is wrong.
    let server = tls_server_with(CertShape::SelfSignedCaNoSan);
    assert_refused(
        &server,
        server.ca(),
        "not valid for name",
        "tls_self_signed_no_san",
    );
}

#[test]
fn a_ca_certificate_as_the_servers_own_is_explained_and_the_fix_works() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server_with(CertShape::CaAsLeaf);
    let (_, json) = assert_refused(&server, server.ca(), "CaUsedAsEndEntity", "tls_ca_as_leaf");

    // The help gives two openssl commands: run them as given, serve what they make.
    let help = json["checks"][0]["help"].as_str().expect("help").to_owned();
    let commands = help.split("signed by it: ").nth(1).expect("the commands");
    let dir = tempfile::tempdir().expect("temp dir");
    run_tool("sh", &["-c", commands], dir.path());
    let fixed = RedisServer::start_tls(
        &RedisOptions {
            password: Some(PASSWORD.to_owned()),
            ..RedisOptions::default()
        },
        Certs::from_files(dir, "ca.pem", "server.pem", "server.key"),
    );
    let (text, _) = check_tls(&fixed, &fixed.ca().display().to_string());
    assert_exit(&text, 0);
}

#[test]
fn a_certificate_for_another_name_lists_the_names_it_has() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server_with(CertShape::WrongName);
    let (text, _) = assert_refused(&server, server.ca(), "not valid for name", "tls_wrong_name");
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("`db.example.com`"), "{shown}");
}

#[test]
fn an_expired_certificate_gives_its_dates() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let server = tls_server_with(CertShape::Expired);
    let (text, json) = check_tls(&server, &server.ca().display().to_string());
    assert_tls_refusal(&text, &json, "certificate expired");
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(
        shown.contains("expired on 2020-01-02 00:00:00 UTC"),
        "{shown}"
    );
    // "it is now ..." changes every second.
    let stable: String = normalize(&text, &[server.port])
        .lines()
        .map(|l| match l.find("(it is now ") {
            Some(i) => format!("{}(it is now [NOW])\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect();
    crate::snapshots!("tls_expired", stable);
}

// ---------------------------------------------------------------------------------------------
// `--access`: read-only or read-write, told without writing.

const READER_PW: &str = "CANARYreader3Vb";
const KEYS_PW: &str = "CANARYkeys8Wd";

/// A plain redis-server with a password for `default`, an ACL user that may only read, and one
/// that may write only keys under `app:`. One key is stored up front.
fn acl_server() -> RedisServer {
    let server = RedisServer::start(RedisOptions {
        password: Some(PASSWORD.to_owned()),
        users: vec![
            (
                "readonly".to_owned(),
                READER_PW.to_owned(),
                "~* &* +@read +@connection -@write".to_owned(),
            ),
            (
                "app".to_owned(),
                KEYS_PW.to_owned(),
                "~app:* &* +@all -@admin -@dangerous".to_owned(),
            ),
        ],
        ..RedisOptions::default()
    });
    redis_cli(&server.url(None, Some(PASSWORD)), &["SET", "kept", "1"]);
    server
}

fn redis_cli(url: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("redis-cli")
        .args(["-u", url, "--no-auth-warning"])
        .args(args)
        .output()
        .expect("redis-cli runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Nothing was written: the one key stored up front is all there is, and Redis counts no
/// change since it was stored (`rdb_changes_since_last_save` counts every write, even one that
/// left the same value).
fn assert_nothing_written(url: &str, changes_before: &str) {
    assert_eq!(redis_cli(url, &["DBSIZE"]), "1");
    assert_eq!(redis_cli(url, &["EXISTS", "kept"]), "1");
    assert_eq!(changes(url), changes_before, "a write happened");
    assert_eq!(redis_cli(url, &["KEYS", "upwire:*"]), "");
}

fn changes(url: &str) -> String {
    redis_cli(url, &["INFO", "persistence"])
        .lines()
        .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
        .expect("INFO persistence has the counter")
        .trim()
        .to_owned()
}

fn access_of(out: &Output) -> (Option<bool>, serde_json::Value, String) {
    let c = &json(out)["checks"][0];
    (
        c["ok"].as_bool(),
        c["access"].clone(),
        c["access_detail"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn access_over_tcp_tells_an_acl_read_only_user_from_a_full_one_without_writing() {
    let server = acl_server();
    let admin = server.url(None, Some(PASSWORD));
    let before = changes(&admin);
    let full = check(&["--access", "--redis-url", &admin, "--format", "json"]);
    assert_no_secrets(&full);
    assert_exit(&full, 0);
    let (ok, access, detail) = access_of(&full);
    assert_eq!(
        (ok, access.as_str()),
        (Some(true), Some("read-write")),
        "{detail}"
    );
    assert!(detail.contains("ACL DRYRUN"), "{detail}");
    let reader = server.url(Some("readonly"), Some(READER_PW));
    let ro = check(&["--access", "--redis-url", &reader, "--format", "json"]);
    assert_no_secrets(&ro);
    // A URL given on the command line has no `access` to disagree with: the check passes.
    assert_exit(&ro, 0);
    let (_, access, detail) = access_of(&ro);
    assert_eq!(access.as_str(), Some("read-only"), "{detail}");
    assert!(detail.contains("NOPERM"), "{detail}");
    // Key patterns keep the probe key out of reach: unknown, and why.
    let keys = server.url(Some("app"), Some(KEYS_PW));
    let limited = check(&["--access", "--redis-url", &keys, "--format", "json"]);
    assert_no_secrets(&limited);
    let (_, access, detail) = access_of(&limited);
    assert!(access.is_null(), "{access}");
    assert!(detail.contains("key patterns"), "{detail}");
    let text = check(&["--access", "--redis-url", &reader]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("  access   read-only (a write was refused: NOPERM"),
        "{stdout}"
    );
    // Without --access, no key and no probe.
    let plain = check(&["--redis-url", &admin, "--format", "json"]);
    assert!(json(&plain)["checks"][0].get("access").is_none());
    assert_nothing_written(&admin, &before);
}

#[test]
fn access_over_rest_tells_serves_read_only_token_from_the_full_one_without_writing() {
    use crate::support::serve::{READONLY_TOKEN, ServeOptions, ServeProcess, TOKEN as FULL};
    let redis = acl_server();
    let admin = redis.url(None, Some(PASSWORD));
    let serve = ServeProcess::start(&admin, &ServeOptions::tokens().arg("--quiet"));
    let before = changes(&admin);
    for (token, expected, evidence) in [
        (FULL, "read-write", "a write was accepted"),
        (READONLY_TOKEN, "read-only", "NOPERM"),
    ] {
        let out = check(&[
            "--access",
            "--rest-url",
            &serve.url(),
            "--rest-token",
            token,
            "--format",
            "json",
        ]);
        assert_exit(&out, 0);
        assert!(!all_output(&out).contains(token), "the token leaked");
        let (ok, access, detail) = access_of(&out);
        assert_eq!(
            (ok, access.as_str()),
            (Some(true), Some(expected)),
            "{detail}"
        );
        assert!(detail.contains(evidence), "{detail}");
    }
    assert_nothing_written(&admin, &before);
}

#[test]
fn access_that_disagrees_with_the_descriptor_fails_and_says_what_to_change() {
    use crate::support::serve::{READONLY_TOKEN, ServeOptions, ServeProcess, TOKEN as FULL};
    let redis = acl_server();
    let admin = redis.url(None, Some(PASSWORD));
    let serve = ServeProcess::start(&admin, &ServeOptions::tokens().arg("--quiet"));
    let before = changes(&admin);
    let dir = tempfile::tempdir().unwrap();
    // A writer over TCP and a mobile app over REST; which credentials they get is up to the
    // environment.
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\nrest_url = \"${REST_URL}\"\nrest_token = \"${TOKEN}\"\nrest_readonly_token = \"${RO_TOKEN}\"\n\n[target.api]\nkind = \"server\"\ndir = \"api\"\n\n[target.app]\nkind = \"mobile\"\ndir = \"app\"\n",
    )
    .unwrap();
    let run = |redis_url: &str, ro_token: &str, format: &str| {
        upwire()
            .current_dir(dir.path())
            .args(["--format", format, "check", "--access"])
            .env("REDIS_URL", redis_url)
            .env("REST_URL", serve.url())
            .env("TOKEN", FULL)
            .env("RO_TOKEN", ro_token)
            .output()
            .unwrap()
    };
    // Right: the writer logs in as `default`, the app gets the read-only token.
    let right = run(&admin, READONLY_TOKEN, "json");
    assert_exit(&right, 0);
    let doc = json(&right);
    let accesses: Vec<(&str, &str)> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["target"].as_str().unwrap(), c["access"].as_str().unwrap()))
        .collect();
    assert_eq!(accesses, [("api", "read-write"), ("app", "read-only")]);
    // Wrong both ways: the writer logs in as the read-only user, and the app's
    // "read-only" token is the full one.
    let reader = redis.url(Some("readonly"), Some(READER_PW));
    let wrong = run(&reader, FULL, "json");
    assert_exit(&wrong, 1);
    assert_no_secrets(&wrong);
    let checks = json(&wrong)["checks"].as_array().unwrap().clone();
    for c in &checks {
        assert_eq!(c["ok"], false, "{c}");
        assert!(c["error_kind"].is_null(), "the login itself worked: {c}");
    }
    let text = run(&reader, FULL, "text");
    assert_exit(&text, 1);
    let stdout = String::from_utf8_lossy(&text.stdout);
    for needed in [
        "FAILED [access]: target `api` has access = \"read-write\", but its TCP login is read-only",
        "help: log in as a user that may write",
        "FAILED [access]: target `app` has access = \"read-only\", but its REST token is read-write",
        "help: `app` sends the database's `rest_readonly_token`",
    ] {
        assert!(stdout.contains(needed), "lacks {needed}:\n{stdout}");
    }
    assert!(!all_output(&text).contains(FULL) && !all_output(&text).contains(READONLY_TOKEN));
    crate::snapshots!(
        "access_mismatch",
        normalize(&text, &[redis.port, serve.addr.port()])
    );
    assert_nothing_written(&admin, &before);
}

/// Without a descriptor, `check` takes the TCP URL and each family's REST URL and token from
/// the env files in the folder (a Vercel Marketplace name with its custom prefix among
/// them), says so on stderr, and needs no secret on its command line; a wrong token in the
/// file fails that check only. With neither a descriptor nor an env file, today's message.
#[test]
fn without_a_descriptor_the_env_files_in_the_folder_are_checked() {
    let redis = RedisServer::start(RedisOptions {
        password: Some(PASSWORD.to_owned()),
        ..RedisOptions::default()
    });
    let serve = spawn_quiet(redis.url(None, Some(PASSWORD)), TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        ".env",
        format!("REDIS_URL={}\n", redis.url(None, Some(PASSWORD))),
    );
    let url = serve.url();
    write(
        ".env.local",
        format!("STORAGE_KV_REST_API_URL={url}\nSTORAGE_KV_REST_API_TOKEN={TOKEN}\n"),
    );
    let run_check = |args: &[&str]| {
        upwire()
            .current_dir(dir.path())
            .arg("check")
            .args(args)
            .output()
            .expect("upwire runs")
    };
    let out = run_check(&["--format", "json"]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "note: no upwire.toml; checking the credentials in .env.local, .env (the env files in this folder)"
        ),
        "{stderr}"
    );
    let checks = json(&out)["checks"].as_array().unwrap().clone();
    let seen: Vec<(&str, &str, bool)> = checks
        .iter()
        .map(|c| {
            (
                c["target"].as_str().unwrap(),
                c["transport"].as_str().unwrap(),
                c["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("REDIS_URL", "tcp", true),
            ("STORAGE_KV_REST_API_URL", "rest", true)
        ]
    );

    // Upstash's names beside them, with a token of another database: that check fails.
    write(
        ".env.development.local",
        format!("UPSTASH_REDIS_REST_URL={url}\nUPSTASH_REDIS_REST_TOKEN=AXCANARYwrong\n"),
    );
    let out = run_check(&["--format", "json"]);
    assert_no_secrets(&out);
    assert_exit(&out, 1);
    let checks = json(&out)["checks"].as_array().unwrap().clone();
    let upstash = checks
        .iter()
        .find(|c| c["target"] == "UPSTASH_REDIS_REST_URL")
        .expect("Upstash's REST URL is checked");
    assert_eq!(upstash["error_kind"], "auth", "{upstash}");
    assert_eq!(checks.len(), 3);

    // Neither a descriptor nor an env file, nor credentials in the environment.
    let empty = tempfile::tempdir().unwrap();
    let out = upwire()
        .env_clear()
        .current_dir(empty.path())
        .arg("check")
        .output()
        .expect("upwire runs");
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no `upwire.toml` in this directory or any parent"),
        "{}",
        all_output(&out)
    );
}

/// `check` in `dir` with `env` as its whole environment.
fn check_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    upwire()
        .env_clear()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .envs(env.iter().copied())
        .arg("check")
        .args(args)
        .output()
        .expect("upwire runs")
}

/// `check` never needs a secret on its command line: `--rest-url` alone takes the token of
/// the env files in the folder or of the process environment, and says which; with neither
/// a descriptor nor an env file, the process environment's credentials are checked.
#[test]
fn check_takes_the_token_from_the_env_files_or_the_environment() {
    let redis = RedisServer::plain();
    let serve = spawn_quiet(redis.url(None, None), TOKEN);
    let url = serve.url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("UPSTASH_REDIS_REST_TOKEN={TOKEN}\n"),
    )
    .unwrap();
    // From the folder's `.env`.
    let out = check_in(dir.path(), &[], &["--rest-url", &url, "--format", "json"]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("note: the token for --rest-url is `UPSTASH_REDIS_REST_TOKEN` from .env"),
        "{}",
        all_output(&out)
    );
    assert_eq!(json(&out)["checks"][0]["ok"], true, "{}", all_output(&out));
    // A finding on that token says which file it came from.
    let bearer = tempfile::tempdir().unwrap();
    std::fs::write(
        bearer.path().join(".env"),
        format!("UPSTASH_REDIS_REST_TOKEN=\"Bearer {TOKEN}\"\n"),
    )
    .unwrap();
    let out = check_in(
        bearer.path(),
        &[],
        &["--rest-url", &url, "--format", "json"],
    );
    assert_no_secrets(&out);
    assert_exit(&out, 1);
    let finding = &json(&out)["diagnostics"][0];
    assert_eq!(
        finding["code"],
        "token-has-bearer-prefix",
        "{}",
        all_output(&out)
    );
    assert_eq!(finding["file"], "command line");
    let text = check_in(bearer.path(), &[], &["--rest-url", &url]);
    assert!(
        all_output(&text).contains("2 | UPSTASH_REDIS_REST_TOKEN (from .env) ****"),
        "{}",
        all_output(&text)
    );
    // From the process environment, which wins over the file (as dotenv loaders do).
    let empty = tempfile::tempdir().unwrap();
    let env = [("UPSTASH_REDIS_REST_TOKEN", TOKEN)];
    let out = check_in(empty.path(), &env, &["--rest-url", &url]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    assert!(
        all_output(&out).contains("from the process environment"),
        "{}",
        all_output(&out)
    );
    let wrong = [("UPSTASH_REDIS_REST_TOKEN", "AXCANARYwrong")];
    let out = check_in(
        dir.path(),
        &wrong,
        &["--rest-url", &url, "--format", "json"],
    );
    assert_exit(&out, 1);
    assert_eq!(json(&out)["checks"][0]["error_kind"], "auth");
    // Nowhere: what to set, and where.
    let out = check_in(empty.path(), &[], &["--rest-url", &url]);
    assert_exit(&out, 2);
    assert!(
        all_output(&out)
            .contains("--rest-url needs its token: set UPSTASH_REDIS_REST_TOKEN in .env"),
        "{}",
        all_output(&out)
    );

    // No descriptor, no env file: the credentials of the process environment (a CI job,
    // a Fly machine), both transports, linted first.
    let tcp = redis.url(None, None);
    let env = [
        ("UPSTASH_REDIS_REST_URL", url.as_str()),
        ("UPSTASH_REDIS_REST_TOKEN", TOKEN),
        ("REDIS_URL", tcp.as_str()),
    ];
    let out = check_in(empty.path(), &env, &["--format", "json"]);
    assert_no_secrets(&out);
    assert_exit(&out, 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "note: no upwire.toml and no env file here; checking the credentials in the process environment (REDIS_URL, UPSTASH_REDIS_REST_TOKEN, UPSTASH_REDIS_REST_URL)"
        ),
        "{}",
        all_output(&out)
    );
    let seen: Vec<(String, bool)> = json(&out)["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["target"].as_str().unwrap().to_owned(), c["ok"] == true))
        .collect();
    assert_eq!(
        seen,
        [
            ("UPSTASH_REDIS_REST_URL".to_owned(), true),
            ("REDIS_URL".to_owned(), true)
        ]
    );
    // An error among them stops it before it connects, as in an env file.
    let env = [
        ("UPSTASH_REDIS_REST_URL", url.as_str()),
        ("UPSTASH_REDIS_REST_TOKEN", "Bearer AXCANARYtok9Zr"),
    ];
    let text = assert_stopped_by(
        &check_in(empty.path(), &env, &[]),
        "token-has-bearer-prefix",
    );
    assert!(text.contains("process environment"), "{text}");
}

/// A placeholder is no secret: `check` shows it in its finding as `lint` does, so that the
/// user sees what to replace, and connects nowhere.
#[test]
fn a_placeholder_token_is_shown_as_lint_shows_it() {
    let closed = free_port();
    let url = format!("http://127.0.0.1:{closed}");
    for placeholder in ["your_token_here", "your-upstash-token"] {
        let text = assert_stopped_by(
            &check(&["--rest-url", &url, "--rest-token", placeholder]),
            "placeholder-value",
        );
        assert!(
            text.contains(&format!(
                "the placeholder `{placeholder}` was left in the value"
            )),
            "{text}"
        );
        assert!(!text.contains("refused"), "{text}");
    }
}

/// An unquoted `Bearer ...` token in `.env` is a line env file readers cannot parse: `check`
/// without a descriptor reports it as `lint` does instead of stopping at the parse error.
#[test]
fn an_unparsable_token_line_is_reported_as_lint_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let closed = free_port();
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "UPSTASH_REDIS_REST_URL=http://127.0.0.1:{closed}\nUPSTASH_REDIS_REST_TOKEN=Bearer {TOKEN}\n"
        ),
    )
    .unwrap();
    let text = assert_stopped_by(&check_in(dir.path(), &[], &[]), "token-has-bearer-prefix");
    assert!(!text.contains("cannot parse"), "{text}");
}

/// A check stopped before the network by the error `code`: exit 1, the finding and the
/// words that say so, no probe result, no secret. Returns the output.
fn assert_stopped_by(out: &Output, code: &str) -> String {
    assert_exit(out, 1);
    assert_no_secrets(out);
    let text = all_output(out);
    assert!(text.contains(&format!("error[{code}]")), "{text}");
    assert!(
        text.contains("error: not connecting: the credentials have the errors above"),
        "{text}"
    );
    assert!(!text.contains("FAILED"), "{text}");
    text
}

/// `check` runs the checks `lint` runs on the values it is given before it connects. An error
/// among them stops it before any network call: a RESP peer that records what it receives
/// gets nothing, and a port nothing listens on gives no connection error; the output is the
/// finding, with the secret masked.
#[test]
fn an_error_in_the_values_stops_check_before_it_connects() {
    let peer = Canned::resp("+PONG\r\n".to_owned());
    let closed = free_port();
    let tcp = format!("redis://default:{PASSWORD}@127.0.0.1:{}", peer.port);
    let rest = format!("http://127.0.0.1:{closed}");
    // A URL as the token (`token-is-url`), a REST URL to a Fly database (`fly-rest-url`).
    for (url, token, code) in [
        (
            rest.as_str(),
            "https://eu1-cat-12345.upstash.io",
            "token-is-url",
        ),
        (
            "https://fly-late-waterfall-1133.upstash.io",
            TOKEN,
            "fly-rest-url",
        ),
    ] {
        let args = [
            "--redis-url",
            &tcp,
            "--rest-url",
            url,
            "--rest-token",
            token,
        ];
        let text = assert_stopped_by(&check(&args), code);
        assert!(!text.contains("refused"), "{text}");
        let doc = json(&check(&[&args[..], &["--format", "json"]].concat()));
        assert_eq!(doc["checks"], serde_json::json!([]), "{doc}");
        assert_eq!(doc["diagnostics"][0]["code"], code, "{doc}");
        assert_eq!(doc["diagnostics"][0]["file"], "command line", "{doc}");
    }
    assert_eq!(peer.received(), "", "check connected despite the error");
}

/// A warning among the facts does not stop the check: the TCP password as the REST token
/// (32 hex digits), which a local serve made with that token accepts, is reported beside
/// the passing check.
#[test]
fn a_warning_in_the_values_is_reported_and_the_check_runs() {
    let hex = "0123456789abcdef0123456789abcdef";
    let redis = RedisServer::plain();
    let serve = spawn_quiet(redis.url(None, None), hex);
    let out = check(&["--rest-url", &serve.url(), "--rest-token", hex]);
    assert_exit(&out, 0);
    let text = all_output(&out);
    assert!(text.contains("warning[password-as-token]"), "{text}");
    assert!(!text.contains(hex), "{text}");
    assert!(text.contains("ok: 1 check passed"), "{text}");
}

/// Without a descriptor the env files found are linted first, and with a descriptor its
/// findings: an error in either stops the check before it connects.
#[test]
fn an_error_in_the_env_files_or_the_descriptor_stops_check_before_it_connects() {
    let peer = Canned::resp("+PONG\r\n".to_owned());
    let tcp = format!("redis://default:{PASSWORD}@127.0.0.1:{}", peer.port);
    let run_in = |dir: &Path| {
        upwire()
            .current_dir(dir)
            .arg("check")
            .output()
            .expect("upwire runs")
    };
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join(".env"),
        format!("REDIS_URL={tcp}\nUPSTASH_REDIS_REST_URL=https://eu1-cat-12345.upstash.io:6379\nUPSTASH_REDIS_REST_TOKEN={TOKEN}\n"),
    )
    .unwrap();
    let text = assert_stopped_by(&run_in(folder.path()), "rest-url-has-port");
    assert!(text.contains("--> .env:2:"), "{text}");

    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"container\"\nplatform = \"kubernetes\"\ndatabase = \"main\"\n",
    )
    .unwrap();
    std::fs::write(
        project.path().join(".env"),
        format!("REDIS_URL=redis://default:{PASSWORD}@fly-late-waterfall-1133.upstash.io:6379\n"),
    )
    .unwrap();
    assert_stopped_by(&run_in(project.path()), "fly-off-platform");
    assert_eq!(peer.received(), "", "check connected despite the error");
}
