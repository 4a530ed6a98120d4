//! `upwire generate`, the starter clients and the build.rs API, end to end: the generated
//! crates pass `cargo check`, `cargo clippy -D warnings` and `cargo fmt --check`; the TCP client
//! runs a realistic sequence, failures included, against a real `redis-server` with TLS and a
//! password; the REST client runs its sequence against a loopback stand-in for the REST API
//! (request shapes) and through `upwire serve` over a real `redis-server` (results); a crate
//! with a build.rs includes the client and runs; every template's output is snapshotted; and
//! bad input fails clearly.
//!
//! The generated crates share one target dir, `target/generated-crates`, so their
//! dependencies build once per machine rather than once per test.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use upwire::generate::{WritePolicy, artifacts, cargo_dependencies, client_for_include};
use upwire::model::Transport;
use upwire::{Env, SourceFile, TextRenderer, resolve};

use crate::support::peers::BlackHole;
use crate::support::redis::{RedisOptions, RedisServer};
use crate::support::{code, root, run, transcript, upwire};

/// The fake credentials of `examples/example.env`.
const EXAMPLE_SECRETS: [&str; 3] = [
    "AXJkYXRhYmFzZS1wYXNzd29yZC1leGFtcGxl",
    "AoJkcmVhZC1vbmx5LXRva2VuLWV4YW1wbGU",
    "rediss://default:AXJkYXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@",
];

// ---------------------------------------------------------------------------------------------
// Helpers

/// Where every generated crate builds.
fn shared_target_dir() -> PathBuf {
    root().join("target").join("generated-crates")
}

/// Runs cargo in `dir` with the shared target dir; panics with cargo's output on failure.
fn cargo(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Copies the bundled example into `dir` and runs `upwire generate` there.
fn generate_example(dir: &Path) -> Output {
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.join(file))
            .expect("copy the example");
    }
    let output = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir));
    output
}

/// The `Cargo.toml` lines a generated client lists in its header comment.
fn header_dependencies(client: &str) -> Vec<String> {
    client
        .lines()
        .map(|l| l.trim_start_matches("//!").trim_start_matches("//").trim())
        .skip_while(|l| *l != "```toml")
        .skip(1)
        .take_while(|l| *l != "```")
        .map(str::to_owned)
        .collect()
}

/// Makes the generated target directory `dir` a crate: `Cargo.toml` with exactly the
/// dependencies the client's header names, and `main_rs`. Tests that run the binary give it a
/// name of their own: they build in parallel into one target dir.
fn make_crate(dir: &Path, name: &str, transport: Transport, main_rs: &str) {
    let client =
        std::fs::read_to_string(dir.join("src/redis_client.rs")).expect("a starter client");
    let dependencies = header_dependencies(&client);
    assert_eq!(
        dependencies,
        cargo_dependencies(transport),
        "the header lists the one list"
    );
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n{}\n",
        dependencies.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), main_rs).expect("write main.rs");
}

/// The TCP sequence: what a server does with the generated client, then the failures it must
/// tell apart. `REDIS_URL` (and `REDIS_CA_FILE`) name the real server; `WRONG_REDIS_URL` the
/// same server with a wrong password; `BLACK_HOLE_URL` a listener that never answers.
const TCP_MAIN: &str = r#"mod redis_client;

use std::path::Path;
use std::time::{Duration, Instant};

use redis::AsyncTypedCommands as _;
use redis::IntegerReplyOrNoOp;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut redis = redis_client::connect().await?;
    redis.set("upwire:greeting", "hello over TLS").await?;
    let greeting = redis.get("upwire:greeting").await?;
    println!("GET upwire:greeting = {greeting:?}");
    println!("get missing: {:?}", redis.get("upwire:missing").await?);
    println!("incr: {}", redis.incr("upwire:visits", 1).await?);
    println!("incr: {}", redis.incr("upwire:visits", 1).await?);
    println!("expire: {}", redis.expire("upwire:visits", 60).await?);
    let ttl = redis.ttl("upwire:visits").await?;
    let expires = matches!(ttl, IntegerReplyOrNoOp::IntegerReply(1..=60));
    println!("ttl within 60 s: {expires}");
    println!(
        "ttl of a key without expiry: {:?}",
        redis.ttl("upwire:greeting").await?
    );

    let (n, value): (i64, String) = redis::pipe()
        .set("upwire:a", "1")
        .ignore()
        .incr("upwire:a", 1)
        .get("upwire:a")
        .query_async(&mut redis)
        .await?;
    println!("pipeline: {n} {value:?}");
    let (n, value): (i64, String) = redis::pipe()
        .atomic()
        .incr("upwire:a", 10)
        .get("upwire:a")
        .query_async(&mut redis)
        .await?;
    println!("multi-exec: {n} {value:?}");
    match redis.hget("upwire:a", "f").await {
        Err(e) => println!("redis error: {:?}", e.code()),
        other => println!("expected WRONGTYPE: {other:?}"),
    }
    println!("del: {}", redis.del(&["upwire:a", "upwire:missing"]).await?);

    let url = std::env::var(redis_client::URL_VAR)?;
    let ca_file = std::env::var_os(redis_client::CA_FILE_VAR);
    let ca_file = ca_file.as_deref().map(Path::new);
    let wrong = std::env::var("WRONG_REDIS_URL")?;
    match redis_client::connect_to(&wrong, ca_file).await {
        Err(e) => println!("wrong password: {:?}: {e}", e.kind()),
        Ok(_) => println!("expected AuthenticationFailed"),
    }

    // Nobody answers: the connection timeout fires, without retries.
    let black_hole = std::env::var("BLACK_HOLE_URL")?;
    let quick = redis_client::config()
        .set_connection_timeout(Some(Duration::from_millis(300)))
        .set_number_of_retries(0);
    let started = Instant::now();
    match redis_client::connect_with(&black_hole, ca_file, quick).await {
        Err(e) => println!(
            "black hole: timeout {}, within 3 s {}",
            e.is_timeout(),
            started.elapsed() < Duration::from_secs(3)
        ),
        Ok(_) => println!("expected a timeout"),
    }

    // A reply slower than the response timeout: BLPOP waits 2 s, the client 300 ms.
    let impatient = redis_client::config().set_response_timeout(Some(Duration::from_millis(300)));
    let mut slow = redis_client::connect_with(&url, ca_file, impatient).await?;
    let started = Instant::now();
    match slow.blpop("upwire:empty-list", 2.0).await {
        Err(e) => println!(
            "slow reply: timeout {}, within 1.5 s {}",
            e.is_timeout(),
            started.elapsed() < Duration::from_millis(1500)
        ),
        other => println!("expected a timeout: {other:?}"),
    }
    Ok(())
}
"#;

/// The REST sequence, the same against the stand-in and against `upwire serve`.
/// `BLACK_HOLE_URL` names a listener that accepts and never answers.
const REST_MAIN: &str = r#"mod redis_client;

use std::error::Error as _;
use std::time::{Duration, Instant};

use redis_client::{Error, RestClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let redis = RestClient::from_env()?;
    redis.set("greeting", "hello").await?;
    println!("get: {:?}", redis.get("greeting").await?);
    println!("get missing: {:?}", redis.get("missing").await?);
    redis.set_ex("session", "s1", 60).await?;
    println!("incr: {}", redis.incr("visits").await?);
    println!("expire: {}", redis.expire("visits", 60).await?);
    let ttl = redis.ttl("visits").await?;
    println!("ttl within 60 s: {}", (1..=60).contains(&ttl));
    println!(
        "ttl of a key without expiry: {}",
        redis.ttl("greeting").await?
    );
    println!("del: {}", redis.del(&["greeting", "missing"]).await?);
    let replies = redis.pipeline(&[&["SET", "a", "1"], &["INCR", "a"], &["HGET", "a", "f"]]);
    println!("pipeline: {:?}", replies.await?);
    let replies = redis.multi_exec(&[&["INCR", "a"], &["GET", "a"]]).await?;
    println!("multi-exec: {replies:?}");
    match redis.command(&["HGET", "a", "f"]).await {
        Err(Error::Redis(message)) => println!("redis error: {message}"),
        other => println!("expected a Redis error: {other:?}"),
    }
    match redis.command(&["OUTAGE"]).await {
        Err(Error::Http { status, body }) => println!("http error: {status} {body}"),
        other => println!("expected an HTTP error: {other:?}"),
    }
    let url = std::env::var(RestClient::URL_VAR)?;
    match RestClient::new(&url, "AXwrongtoken")?.get("greeting").await {
        Err(Error::Auth(message)) => println!("auth error: {message}"),
        other => println!("expected an auth error: {other:?}"),
    }
    let nobody_listens = RestClient::new("http://127.0.0.1:1", "AXtoken")?;
    match nobody_listens.get("k").await {
        Err(e @ Error::Transport(_)) => println!("transport error: {}", e.source().is_some()),
        other => println!("expected a transport error: {other:?}"),
    }
    let black_hole = std::env::var("BLACK_HOLE_URL")?;
    let never_answers = RestClient::with_timeouts(
        &black_hole,
        "AXtoken",
        Duration::from_secs(1),
        Duration::from_millis(300),
    )?;
    let started = Instant::now();
    match never_answers.get("k").await {
        Err(e @ Error::Timeout(_)) => println!(
            "timeout: {}, within 3 s {}",
            e.source().is_some(),
            started.elapsed() < Duration::from_secs(3)
        ),
        other => println!("expected a timeout: {other:?}"),
    }
    let debug = format!("{redis:?}");
    println!("debug hides the token: {}", !debug.contains("AX"));
    Ok(())
}
"#;

// ---------------------------------------------------------------------------------------------
// The generated crates compile, are lint-clean and work

/// Generates the example, builds the `web` target's REST client around `REST_MAIN` as crate
/// `name`, runs it against `url` with `token` (and a listener that never answers for the
/// timeout step), and asserts it succeeded.
fn run_rest_main(name: &str, url: &str, token: &str) -> std::process::Output {
    let black_hole = BlackHole::start();
    let dir = tempfile::tempdir().unwrap();
    generate_example(dir.path());
    let krate = dir.path().join("web");
    make_crate(&krate, name, Transport::Rest, REST_MAIN);
    cargo(&krate, &["build", "--quiet"]);
    let output = Command::new(shared_target_dir().join(format!("debug/{name}")))
        .env_clear()
        .env("UPSTASH_REDIS_REST_URL", url)
        .env("UPSTASH_REDIS_REST_TOKEN", token)
        .env(
            "BLACK_HOLE_URL",
            format!("http://127.0.0.1:{}", black_hole.port),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        transcript(&output, dir.path())
    );
    output
}

/// Generates the example, turns one target's directory into a crate around `main_rs`, and
/// runs `cargo check`, `cargo clippy -D warnings` and `cargo fmt --check` on it.
fn assert_starter_is_clean(target_dir: &str, name: &str, transport: Transport, main_rs: &str) {
    let dir = tempfile::tempdir().unwrap();
    generate_example(dir.path());
    let krate = dir.path().join(target_dir);
    make_crate(&krate, name, transport, main_rs);
    cargo(&krate, &["check", "--quiet"]);
    cargo(&krate, &["clippy", "--quiet", "--", "-D", "warnings"]);
    cargo(&krate, &["fmt", "--check"]);
}

#[test]
fn tcp_starter_client_passes_check_clippy_and_fmt() {
    assert_starter_is_clean(
        "services/api",
        "upwire-tcp-starter",
        Transport::Tcp,
        TCP_MAIN,
    );
}

#[test]
fn rest_starter_client_passes_check_clippy_and_fmt() {
    assert_starter_is_clean("web", "upwire-rest-starter", Transport::Rest, REST_MAIN);
}

/// The generated code verbatim, against `redis-server --tls-port` with a password: the
/// sequence of `TCP_MAIN` (strings, counters, expiry, a pipeline, a MULTI/EXEC transaction, a
/// Redis error, a wrong password, a listener that never answers, a reply slower than the
/// response timeout). The test CA is not in the webpki roots the client trusts by default, so
/// the test sets the client's documented `REDIS_CA_FILE` (trust this CA instead); a run
/// without it must fail on the certificate, which proves the default really verifies.
#[test]
fn tcp_starter_client_round_trips_through_redis_server_over_tls() {
    let password = "AXtlsTestPassword0123";
    let server = RedisServer::start(RedisOptions {
        password: Some(password.to_owned()),
        tls: true,
        users: Vec::new(),
        ..RedisOptions::default()
    });
    let black_hole = BlackHole::start();
    let dir = tempfile::tempdir().unwrap();
    generate_example(dir.path());
    let krate = dir.path().join("services/api");
    make_crate(&krate, "upwire-tcp-tls", Transport::Tcp, TCP_MAIN);
    cargo(&krate, &["build", "--quiet"]);
    let binary = shared_target_dir().join("debug/upwire-tcp-tls");
    let client = |url: &str, ca: Option<&Path>| {
        let mut cmd = Command::new(&binary);
        cmd.env_clear()
            .env("REDIS_URL", url)
            .env("WRONG_REDIS_URL", server.url(None, Some("AXwrongPassword")))
            .env(
                "BLACK_HOLE_URL",
                format!("rediss://default:{password}@127.0.0.1:{}", black_hole.port),
            );
        if let Some(ca) = ca {
            cmd.env("REDIS_CA_FILE", ca);
        }
        cmd.output().expect("the generated client runs")
    };

    let ok = client(&server.url(None, Some(password)), Some(server.ca()));
    assert!(ok.status.success(), "{}", transcript(&ok, dir.path()));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..11],
        [
            "GET upwire:greeting = Some(\"hello over TLS\")",
            "get missing: None",
            "incr: 1",
            "incr: 2",
            "expire: true",
            "ttl within 60 s: true",
            "ttl of a key without expiry: ExistsButNotRelevant",
            "pipeline: 2 \"2\"",
            "multi-exec: 12 \"12\"",
            "redis error: Some(\"WRONGTYPE\")",
            "del: 1",
        ],
        "{stdout}"
    );
    assert!(
        lines[11].starts_with("wrong password: AuthenticationFailed: "),
        "{stdout}"
    );
    assert_eq!(
        lines[12..],
        [
            "black hole: timeout true, within 3 s true",
            "slow reply: timeout true, within 1.5 s true",
        ],
        "{stdout}"
    );
    assert!(
        !stdout.contains("AXwrongPassword") && !stdout.contains(password),
        "errors never print the password: {stdout}"
    );

    let untrusted = client(&server.url(None, Some(password)), None);
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert!(
        !untrusted.status.success() && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );

    let unset = Command::new(&binary).env_clear().output().unwrap();
    let stderr = String::from_utf8_lossy(&unset.stderr);
    assert!(stderr.contains("REDIS_URL is not set"), "{stderr}");
}

/// One request as the stand-in REST API saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: String,
    content_type: String,
    body: serde_json::Value,
}

/// A loopback stand-in for the Upstash REST API: a tiny key-value store behind the documented
/// shapes (`POST /` with a JSON command, `/pipeline`, `/multi-exec`, `{"result"}` /
/// `{"error"}`, 401 for a wrong token). Plain HTTP: TLS is proven by the TCP test.
fn fake_rest_api(token: &'static str) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut store = Store::new();
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let (mut length, mut authorization, mut content_type) =
                (0, String::new(), String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap_or((&line, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => value.trim().clone_into(&mut authorization),
                    "content-type" => value.trim().clone_into(&mut content_type),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            log.lock().unwrap().push(Seen {
                path: path.clone(),
                authorization: authorization.clone(),
                content_type,
                body: body.clone(),
            });
            let (status, reply) = if authorization != format!("Bearer {token}") {
                (401, serde_json::json!({"error": "Unauthorized"}))
            } else if body == serde_json::json!(["OUTAGE"]) {
                (503, serde_json::json!({"error": "service unavailable"}))
            } else if path == "/" {
                let reply = run_command(&mut store, &body);
                (
                    if reply.get("error").is_some() {
                        400
                    } else {
                        200
                    },
                    reply,
                )
            } else {
                let commands = body.as_array().cloned().unwrap_or_default();
                let replies = commands
                    .iter()
                    .map(|c| run_command(&mut store, c))
                    .collect();
                (200, serde_json::Value::Array(replies))
            };
            let reply = reply.to_string();
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, seen)
}

/// The stand-in's data: value and TTL in seconds (-1: no expiry) per key.
type Store = std::collections::HashMap<String, (String, i64)>;

fn run_command(store: &mut Store, command: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    let args: Vec<&str> = command
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str())
        .collect();
    match args.as_slice() {
        ["SET", key, value, rest @ ..] => {
            let ttl = match rest {
                ["EX", seconds] => seconds.parse().unwrap_or(-1),
                _ => -1,
            };
            store.insert((*key).to_owned(), ((*value).to_owned(), ttl));
            json!({"result": "OK"})
        }
        ["GET", key] => json!({"result": store.get(*key).map(|(value, _)| value)}),
        ["INCR", key] => {
            let (value, ttl) = store.get(*key).cloned().unwrap_or(("0".to_owned(), -1));
            match value.parse::<i64>() {
                Ok(n) => {
                    store.insert((*key).to_owned(), ((n + 1).to_string(), ttl));
                    json!({"result": n + 1})
                }
                Err(_) => json!({"error": "ERR value is not an integer or out of range"}),
            }
        }
        ["EXPIRE", key, seconds] => match store.get_mut(*key) {
            Some((_, ttl)) => {
                *ttl = seconds.parse().unwrap_or(-1);
                json!({"result": 1})
            }
            None => json!({"result": 0}),
        },
        ["TTL", key] => json!({"result": store.get(*key).map_or(-2, |(_, ttl)| *ttl)}),
        ["DEL", keys @ ..] => {
            json!({"result": keys.iter().filter(|k| store.remove(**k).is_some()).count()})
        }
        ["HGET", ..] => {
            json!({"error": "WRONGTYPE Operation against a key holding the wrong kind of value"})
        }
        _ => json!({"error": "ERR unknown command"}),
    }
}

#[test]
fn rest_starter_client_speaks_the_rest_api() {
    let token = "AXrestTestToken0123";
    let (url, seen) = fake_rest_api(token);
    let output = run_rest_main("upwire-rest-stand-in", &format!("{url}/"), token);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        r#"get: Some("hello")
get missing: None
incr: 1
expire: true
ttl within 60 s: true
ttl of a key without expiry: -1
del: 1
pipeline: [Ok(String("OK")), Ok(Number(2)), Err(Redis("WRONGTYPE Operation against a key holding the wrong kind of value"))]
multi-exec: [Ok(Number(3)), Ok(String("3"))]
redis error: WRONGTYPE Operation against a key holding the wrong kind of value
http error: 503 {"error":"service unavailable"}
auth error: Unauthorized
transport error: true
timeout: true, within 3 s true
debug hides the token: true
"#
    );
    let seen = seen.lock().unwrap();
    let first = &seen[0];
    assert_eq!(first.path, "/", "a trailing slash on the URL is trimmed");
    assert_eq!(first.authorization, format!("Bearer {token}"));
    assert_eq!(first.content_type, "application/json");
    assert_eq!(first.body, serde_json::json!(["SET", "greeting", "hello"]));
    let paths: Vec<&str> = seen.iter().map(|s| s.path.as_str()).collect();
    assert!(
        paths.contains(&"/pipeline") && paths.contains(&"/multi-exec"),
        "{paths:?}"
    );
    let pipeline = seen.iter().find(|s| s.path == "/pipeline").unwrap();
    assert_eq!(
        pipeline.body,
        serde_json::json!([["SET", "a", "1"], ["INCR", "a"], ["HGET", "a", "f"]])
    );
}

/// The same generated REST client against `upwire serve` in front of a real `redis-server`:
/// what the stand-in above asserts about shapes, a real Redis confirms about results, and the
/// data the sequence left behind is read back over RESP.
#[test]
fn rest_starter_client_round_trips_through_upwire_serve() {
    let token = "AXserveTestToken0123";
    let redis = RedisServer::plain();
    let serve = upwire::serve::spawn(
        upwire::serve::ServeConfig::new(redis.url(None, None))
            .token(token)
            .quiet(true),
    )
    .expect("serve starts");
    let output = run_rest_main("upwire-rest-serve", &serve.url(), token);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_eq!(
        lines[..10],
        [
            "get: Some(\"hello\")",
            "get missing: None",
            "incr: 1",
            "expire: true",
            "ttl within 60 s: true",
            "ttl of a key without expiry: -1",
            "del: 1",
            &format!("pipeline: [Ok(String(\"OK\")), Ok(Number(2)), Err(Redis(\"{wrongtype}\"))]"),
            "multi-exec: [Ok(Number(3)), Ok(String(\"3\"))]",
            &format!("redis error: {wrongtype}"),
        ],
        "{stdout}"
    );
    // A real Redis knows no OUTAGE command: that is a Redis error, not an HTTP one.
    assert!(
        lines[10].starts_with("expected an HTTP error: Err(Redis(\"ERR unknown command"),
        "{stdout}"
    );
    assert!(lines[11].starts_with("auth error: "), "{stdout}");
    assert_eq!(
        lines[12..],
        [
            "transport error: true",
            "timeout: true, within 3 s true",
            "debug hides the token: true"
        ],
        "{stdout}"
    );

    // What the sequence left in Redis, read back without serve.
    let mut resp = redis::Client::open(redis.url(None, None))
        .and_then(|c| c.get_connection())
        .expect("a RESP connection");
    let get = |con: &mut redis::Connection, key: &str| -> Option<String> {
        redis::cmd("GET").arg(key).query(con).unwrap()
    };
    assert_eq!(get(&mut resp, "a").as_deref(), Some("3"));
    assert_eq!(get(&mut resp, "visits").as_deref(), Some("1"));
    assert_eq!(get(&mut resp, "greeting"), None, "deleted");
    let ttl: i64 = redis::cmd("TTL").arg("session").query(&mut resp).unwrap();
    assert!((1..=60).contains(&ttl), "SET EX 60 expires: {ttl}");
}

// ---------------------------------------------------------------------------------------------
// build.rs

/// `tests/fixtures/buildrs`: upwire as a build-dependency with `default-features = false`,
/// build.rs calling the Builder, main.rs including the output. It builds, passes clippy,
/// warns through cargo, runs, and reads its URL at run time.
#[test]
fn buildrs_fixture_builds_warns_and_runs() {
    let fixture = root().join("tests/fixtures/buildrs");
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml")).unwrap();
    for line in cargo_dependencies(Transport::Tcp) {
        assert!(manifest.contains(line), "the fixture lists `{line}`");
    }
    cargo(&fixture, &["build", "--quiet"]);
    // The included client is lint-clean too (no inner attributes, no unused-code warnings).
    cargo(&fixture, &["clippy", "--quiet", "--", "-D", "warnings"]);
    let run = cargo(&fixture, &["run", "--quiet"]);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "reads REDIS_URL\nerror: bad Redis settings - InvalidClientConfig: REDIS_URL is not set\n"
    );
    // What the build script told cargo, and wrote, in its newest run directory.
    let run_dir = std::fs::read_dir(shared_target_dir().join("debug/build"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("upwire-buildrs-fixture-")
                && p.join("output").exists()
        })
        .max_by_key(|p| {
            std::fs::metadata(p.join("output"))
                .unwrap()
                .modified()
                .unwrap()
        })
        .expect("the build script ran");
    let instructions = std::fs::read_to_string(run_dir.join("output")).unwrap();
    assert!(
        instructions.starts_with("cargo:rerun-if-changed=upwire.toml\n"),
        "{instructions}"
    );
    assert!(
        instructions.contains(
            "cargo:warning=upwire.toml:16:13: transport-unavailable: target `edge` forces TCP"
        ),
        "{instructions}"
    );
    let code =
        std::fs::read_to_string(run_dir.join("out").join(upwire::build::OUTPUT_FILE)).unwrap();
    assert!(
        code.starts_with("// Starter Redis client for target `api` over TCP"),
        "{code}"
    );
}

/// The Builder itself: what it writes, when it rewrites, what it prints for cargo.
#[test]
fn builder_writes_only_when_the_content_changed() {
    let dir = tempfile::tempdir().unwrap();
    let descriptor = dir.path().join("upwire.toml");
    std::fs::copy(
        root().join("tests/fixtures/buildrs/upwire.toml"),
        &descriptor,
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let builder = upwire::build::Builder::new(&descriptor)
        .target("api")
        .out_dir(&out);
    builder.generate().unwrap();
    let file = out.join(upwire::build::OUTPUT_FILE);
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(
        code.starts_with("// Starter Redis client for target `api`"),
        "{code}"
    );
    assert!(
        !code.contains("//!") && !code.contains("#!["),
        "no inner docs or attributes"
    );
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    builder.generate().unwrap();
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        before,
        "not rewritten"
    );
    std::fs::write(&file, "stale").unwrap();
    builder.generate().unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        code,
        "a stale file is replaced"
    );
}

#[test]
fn builder_errors_render_the_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let descriptor = dir.path().join("upwire.toml");
    std::fs::write(
        &descriptor,
        "[database.main]\nrest_url = \"${URL}\"\nrest_token = \"${TOKEN}\"\n\n[target.api]\nkind = \"sever\"\n",
    )
    .unwrap();
    let err = upwire::build::Builder::new(&descriptor)
        .out_dir(dir.path())
        .generate()
        .unwrap_err();
    let text = format!("{err:?}").replace(&dir.path().display().to_string(), "[DIR]");
    crate::snapshots!({ insta::assert_snapshot!("buildrs-error", text) });
    assert!(!dir.path().join(upwire::build::OUTPUT_FILE).exists());

    let several = root().join("tests/fixtures/buildrs/upwire.toml");
    let err = upwire::build::Builder::new(&several)
        .out_dir(dir.path())
        .generate()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("several targets: name one with .target(..): `api`, `edge`"),
        "{err}"
    );
    let err = upwire::build::Builder::new(&several)
        .target("nope")
        .out_dir(dir.path())
        .generate()
        .unwrap_err();
    assert!(err.to_string().contains("no target `nope`"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Snapshots of every template's output

/// Every artifact of a descriptor, rendered for review: each file with its policy, then the
/// diagnostics. Starter clients show their header only (they have their own snapshots).
fn render_artifacts(descriptor: &Path, env: &Env) -> String {
    let text = std::fs::read_to_string(descriptor).unwrap();
    let mut resolved = resolve(SourceFile::new("upwire.toml", text), env);
    let files = artifacts(&resolved.plan, &mut resolved.diagnostics);
    let mut out = String::new();
    for a in &files {
        let policy = match a.policy {
            WritePolicy::Replace => "replace",
            WritePolicy::CreateOnly => "create only",
            WritePolicy::MergeEnv(_) => "merge",
        };
        let secret = if a.secret { ", secret: mode 0600" } else { "" };
        out.push_str(&format!("=== {} ({policy}{secret})\n", a.path.display()));
        if a.path.ends_with("src/redis_client.rs") {
            let header = a
                .contents
                .lines()
                .take_while(|l| l.starts_with("//"))
                .collect::<Vec<_>>();
            out.push_str(&header.join("\n"));
            out.push_str("\n[... code: see the client snapshots]\n");
        } else {
            out.push_str(&a.contents);
        }
        if !a.secret {
            for secret in EXAMPLE_SECRETS {
                assert!(
                    !a.contents.contains(secret),
                    "{} holds a secret",
                    a.path.display()
                );
            }
        }
    }
    out.push_str("=== diagnostics\n");
    let renderer = TextRenderer::new(false);
    for d in &resolved.diagnostics {
        out.push_str(&renderer.render(d, std::slice::from_ref(&resolved.source)));
    }
    out
}

fn example_env() -> Env {
    let mut env = Env::default();
    env.add_file(&root().join("examples/example.env")).unwrap();
    env
}

#[test]
fn snapshot_of_every_file_for_the_example() {
    let text = render_artifacts(&root().join("examples/upwire.toml"), &example_env());
    crate::snapshots!({ insta::assert_snapshot!("generate@example", text) });
}

/// `tests/fixtures/generate/*.toml`, with the example's fake secrets: the platforms the
/// example does not have (docker, generic, netlify, cloudflare with REST and with a forced TCP).
#[test]
fn snapshot_of_every_file_for_the_fixture_descriptors() {
    let dir = root().join("tests/fixtures/generate");
    let mut descriptors: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    descriptors.sort();
    assert!(descriptors.len() >= 3, "{descriptors:?}");
    for descriptor in descriptors {
        let stem = descriptor
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = render_artifacts(&descriptor, &example_env());
        crate::snapshots!({ insta::assert_snapshot!(format!("generate@{stem}"), text) });
    }
}

/// The starter clients in full: TCP, REST, REST with the read-only token, and both as
/// build.rs writes them for `include!`.
#[test]
fn snapshot_of_the_starter_clients() {
    let text = std::fs::read_to_string(root().join("examples/upwire.toml")).unwrap();
    let mut resolved = resolve(SourceFile::new("upwire.toml", text), &example_env());
    let files = artifacts(&resolved.plan, &mut resolved.diagnostics);
    let client_of = |dir: &str| {
        let path = Path::new(dir).join("src/redis_client.rs");
        files
            .iter()
            .find(|a| a.path == path)
            .unwrap()
            .contents
            .clone()
    };
    let target = |name: &str| {
        resolved
            .plan
            .targets
            .iter()
            .find(|t| t.name == name)
            .unwrap()
    };
    crate::snapshots!({
        insta::assert_snapshot!("client@tcp", client_of("services/api"));
        insta::assert_snapshot!("client@rest", client_of("web"));
        insta::assert_snapshot!("client@rest-readonly", client_of("mobile"));
        insta::assert_snapshot!(
            "client@tcp-include",
            client_for_include(target("api")).unwrap()
        );
        insta::assert_snapshot!(
            "client@rest-include",
            client_for_include(target("storefront")).unwrap()
        );
    });
}

/// `--dry-run` on a fresh directory (one target) and after a change (all targets): diffs for
/// plain files, key names only for files with secrets, and nothing written.
#[test]
fn snapshot_of_dry_run_output() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let dry = |dir: &Path, extra: &[&str]| {
        run(upwire()
            .current_dir(dir)
            .args(["--env-file", "example.env", "generate", "--dry-run"])
            .args(extra))
    };
    // One target, so that the snapshot shows each kind of file once.
    let fresh = dry(dir.path(), &["--target", "api"]);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "a dry run writes nothing"
    );
    assert!(!crate::support::all_output(&fresh).contains(EXAMPLE_SECRETS[0]));
    crate::snapshots!({
        insta::assert_snapshot!("generate-dry-run@fresh", transcript(&fresh, dir.path()))
    });

    generate_example(dir.path());
    let env = std::fs::read_to_string(dir.path().join("example.env")).unwrap();
    let rotated = env.replace(
        "AoJkcmVhZC1vbmx5LXRva2VuLWV4YW1wbGU",
        "AoJrotatedReadOnlyTokenExample0123",
    );
    std::fs::write(dir.path().join("example.env"), rotated).unwrap();
    let toml = std::fs::read_to_string(dir.path().join("upwire.toml")).unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        toml.replace("name = \"shop\"", "name = \"store\""),
    )
    .unwrap();
    let changed = dry(dir.path(), &[]);
    let all = crate::support::all_output(&changed);
    assert!(
        !all.contains("AoJrotated") && !all.contains(EXAMPLE_SECRETS[0]),
        "{all}"
    );
    crate::snapshots!({
        insta::assert_snapshot!("generate-dry-run@changed", transcript(&changed, dir.path()))
    });
}

// ---------------------------------------------------------------------------------------------
// .env merging and re-runs

#[test]
fn dotenv_merge_keeps_unmanaged_lines_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let api = dir.path().join("services/api");
    std::fs::create_dir_all(&api).unwrap();
    let before = "# app settings\r\n\
                  export NODE_ENV=production\r\n\
                  REDIS_URL=\"redis://old:old@localhost:6379\" # rotated monthly\r\n\
                  \r\n\
                  SESSION_SECRET='s3cr3t # not a comment'\r\n\
                  MULTI=\"line one\r\nline two\"\r\n\
                  # trailing comment, no final newline";
    std::fs::write(api.join(".env"), before).unwrap();
    generate_example(dir.path());
    let after = std::fs::read_to_string(api.join(".env")).unwrap();
    let expected = before.replace(
        "\"redis://old:old@localhost:6379\"",
        "rediss://default:AXJkYXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379",
    );
    assert_eq!(after, expected);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(api.join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A second run changes nothing, and says so.
    let again =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout
            .lines()
            .all(|l| l.trim_start().starts_with("unchanged") || l.trim_start().starts_with("kept")),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(api.join(".env")).unwrap(), expected);
}

#[test]
fn starter_client_is_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    generate_example(dir.path());
    let client = dir.path().join("services/api/src/redis_client.rs");
    std::fs::write(&client, "// mine\n").unwrap();
    let kept =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    assert!(
        String::from_utf8_lossy(&kept.stdout)
            .contains("kept services/api/src/redis_client.rs (exists; --force replaces it)")
    );
    assert_eq!(std::fs::read_to_string(&client).unwrap(), "// mine\n");
    run(upwire().current_dir(dir.path()).args([
        "--env-file",
        "example.env",
        "generate",
        "--force",
    ]));
    assert!(
        std::fs::read_to_string(&client)
            .unwrap()
            .starts_with("//! Starter Redis client")
    );
}

/// In a git work tree, files with secrets that git would commit are named, in one warning;
/// a `!` pattern that re-includes a file counts as not ignored.
#[test]
fn secret_files_git_would_commit_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status();
    assert!(git.is_ok_and(|s| s.success()), "git init");
    std::fs::write(dir.path().join(".gitignore"), ".env\n!services/api/.env\n").unwrap();
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let output =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "warning[env-not-ignored]: files with secrets are not git-ignored: \
             functions/thumbnails/lambda-env.json, services/api/.env, \
             services/api/fly-secrets.env, services/worker/redis-secret.yaml\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("add these lines to .gitignore: .env, fly-secrets.env, lambda-env.json, redis-secret.yaml"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input

/// Writes `descriptor` and runs `generate` with the example's secrets.
fn generate_with(descriptor: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
    std::fs::copy(
        root().join("examples/example.env"),
        dir.path().join("example.env"),
    )
    .unwrap();
    let output =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    (dir, output)
}

const DATABASE: &str = "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\
                        rest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\
                        rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\n";

/// Every file below `dir`, relative, sorted.
fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A directory that cannot be created (its parent is a regular file, which stops root too).
#[test]
fn an_unwritable_directory_fails_clearly_and_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocker"), "a regular file\n").unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        format!("{DATABASE}[target.api]\nkind = \"server\"\ndir = \"blocker/api\"\n"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/example.env"),
        dir.path().join("example.env"),
    )
    .unwrap();
    let output =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&output), 2, "{}", transcript(&output, dir.path()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write `blocker/api/.env.example`"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("blocker")).unwrap(),
        "a regular file\n"
    );
    assert_eq!(
        files_below(dir.path()),
        ["blocker", "example.env", "upwire.toml"]
    );

    // A file that cannot replace what is there (a directory named `.env`): the temp file is
    // removed and the directory left as it was.
    let (dir, _) = generate_with(&format!(
        "{DATABASE}[target.api]\nkind = \"server\"\ndir = \"api\"\n"
    ));
    std::fs::remove_file(dir.path().join("api/.env")).unwrap();
    std::fs::create_dir(dir.path().join("api/.env")).unwrap();
    std::fs::write(dir.path().join("api/.env/keep"), "x").unwrap();
    let output =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&output), 2, "{}", transcript(&output, dir.path()));
    assert!(String::from_utf8_lossy(&output.stderr).contains("api/.env"));
    let files = files_below(dir.path());
    assert!(files.iter().all(|f| !f.contains(".tmp")), "{files:?}");
    assert!(files.contains(&"api/.env/keep".to_owned()), "{files:?}");
}

#[test]
fn a_missing_target_dir_is_created() {
    let (dir, output) = generate_with(&format!(
        "{DATABASE}[target.api]\nkind = \"server\"\ndir = \"deep/new/api\"\n"
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    assert_eq!(
        files_below(&dir.path().join("deep")),
        [
            "new/api/.env",
            "new/api/.env.example",
            "new/api/src/redis_client.rs"
        ]
    );
}

/// A server target whose database has no `redis_url`: no files for it, and the core's
/// diagnostic says why. The other target is still generated.
#[test]
fn a_target_whose_transport_has_no_url_gets_no_files() {
    let descriptor = "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\
                      rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\n\
                      [target.api]\nkind = \"server\"\ndir = \"api\"\n\n\
                      [target.edge]\nkind = \"edge\"\ndir = \"edge\"\n";
    let (dir, output) = generate_with(descriptor);
    let text = transcript(&output, dir.path());
    assert!(!dir.path().join("api").exists(), "{text}");
    assert!(dir.path().join("edge/.env").exists(), "{text}");
    crate::snapshots!({ insta::assert_snapshot!("generate-bad@no-url", text) });
}

/// Without the secrets: `.env` is skipped with a diagnostic, `.env.example` and the starter
/// client are still written.
#[test]
fn unresolved_variables_skip_dotenv_but_write_the_example() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        format!("{DATABASE}[target.api]\nkind = \"server\"\ndir = \"api\"\n"),
    )
    .unwrap();
    let output = run(upwire().current_dir(dir.path()).env_clear().arg("generate"));
    let text = transcript(&output, dir.path());
    assert_eq!(
        files_below(&dir.path().join("api")),
        [".env.example", "src/redis_client.rs"],
        "{text}"
    );
    crate::snapshots!({ insta::assert_snapshot!("generate-bad@unresolved", text) });
}
