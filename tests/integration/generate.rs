//! `upwire generate`, the starter clients and the build.rs API, end to end: the generated
//! crates pass `cargo check`, `cargo clippy -D warnings` and `cargo fmt --check`; the TCP client
//! runs a realistic sequence, failures included, against a real `redis-server` with TLS and a
//! password (its `main.rs` is tests/fixtures/starter/tcp_main.rs); the REST client
//! (rest_main.rs) runs its sequence against a loopback stand-in for the REST API (support/fake_rest.rs:
//! request shapes) and through `upwire serve` over a real `redis-server` (results); a crate
//! with a build.rs includes the client and runs; every template's output is snapshotted; and
//! bad input fails clearly.
//!
//! The generated crates build against the lockfiles kept in the repository and share one
//! target dir (support/crates.rs), so that a crates.io release cannot turn these tests red and
//! their dependencies build once per machine rather than once per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use upwire::cargo_dependencies;
use upwire::internal::generate::{Artifact, WritePolicy, artifacts, client_for_include};
use upwire::internal::model::Transport;
use upwire::internal::{Env, Resolved, SourceFile, TextRenderer, resolve};

use crate::support::crates::{self, Crate};
use crate::support::fake_rest::fake_rest_api;
use crate::support::peers::BlackHole;
use crate::support::redis::{RedisOptions, RedisServer};
use crate::support::tier::{self, Group};
use crate::support::{
    all_output, code, file_names_below, root, run, transcript, upwire, upwire_in,
};

/// The fake credentials of `examples/example.env`.
const EXAMPLE_SECRETS: [&str; 3] = [
    "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl",
    "AjA5cmVhZC1vbmx5LXRva2VuLWV4YW1wbGU",
    "rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@",
];

// ---------------------------------------------------------------------------------------------
// Helpers

/// Copies the bundled example into `dir` and runs `upwire generate` there.
pub fn generate_example(dir: &Path) -> Output {
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
pub fn header_dependencies(client: &str) -> Vec<String> {
    client
        .lines()
        .map(|l| l.trim_start_matches("//!").trim_start_matches("//").trim())
        .skip_while(|l| *l != "```toml")
        .skip(1)
        .take_while(|l| *l != "```")
        .map(str::to_owned)
        .collect()
}

/// The kept lockfile of the starter crates for `transport`.
fn starter_lock(transport: Transport) -> &'static str {
    match transport {
        Transport::Tcp => "tests/fixtures/starter/Cargo.tcp.lock",
        Transport::Rest => "tests/fixtures/starter/Cargo.rest.lock",
    }
}

/// Makes the generated target directory `dir` a crate: `Cargo.toml` with exactly the
/// dependencies the client's header names, and `main_rs`. The package is named after the
/// transport (its kept lockfile names it); tests that run the binary give it a name of their
/// own, as they build in parallel into one target dir.
fn make_crate(dir: &Path, bin: &str, transport: Transport, main_rs: &str) -> Crate {
    let client =
        std::fs::read_to_string(dir.join("src/redis_client.rs")).expect("a starter client");
    let dependencies = header_dependencies(&client);
    assert_eq!(
        dependencies,
        cargo_dependencies(transport),
        "the header lists the one list"
    );
    let package = match transport {
        Transport::Tcp => "upwire-starter-tcp",
        Transport::Rest => "upwire-starter-rest",
    };
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [[bin]]\nname = \"{bin}\"\npath = \"src/main.rs\"\n\n[workspace]\n\n[dependencies]\n{}\n",
        dependencies.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::write(dir.join("src/main.rs"), main_rs).expect("write main.rs");
    Crate::new(dir, starter_lock(transport))
}

/// The TCP sequence: what a server does with the generated client, then the failures it must
/// tell apart. `REDIS_URL` (and `REDIS_CA_FILE`) name the real server; `WRONG_REDIS_URL` the
/// same server with a wrong password; `BLACK_HOLE_URL` a listener that never answers.
const TCP_MAIN: &str = include_str!("../fixtures/starter/tcp_main.rs");

/// The REST sequence, the same against the stand-in and against `upwire serve`.
/// `BLACK_HOLE_URL` names a listener that accepts and never answers.
const REST_MAIN: &str = include_str!("../fixtures/starter/rest_main.rs");
// ---------------------------------------------------------------------------------------------
// The generated crates compile, are lint-clean and work

/// Generates the example, builds the `web` target's REST client around `REST_MAIN` as crate
/// `name`, runs it against `url` with `token` (and a listener that never answers for the
/// timeout step), and asserts it succeeded.
fn run_rest_main(name: &str, url: &str, token: &str) -> std::process::Output {
    let black_hole = BlackHole::start();
    let dir = tempfile::tempdir().unwrap();
    generate_example(dir.path());
    let krate = dir.path().join("functions/thumbnails");
    make_crate(&krate, name, Transport::Rest, REST_MAIN).cargo(&["build", "--quiet"]);
    let output = Command::new(crates::target_dir().join(format!("debug/{name}")))
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
    let krate = make_crate(&krate, name, transport, main_rs);
    krate.cargo(&["check", "--quiet"]);
    krate.cargo(&["clippy", "--quiet", "--", "-D", "warnings"]);
    krate.cargo(&["fmt", "--check"]);
}

#[test]
fn tcp_starter_client_passes_check_clippy_and_fmt() {
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
    assert_starter_is_clean(
        "services/api",
        "upwire-tcp-starter",
        Transport::Tcp,
        TCP_MAIN,
    );
}

#[test]
fn rest_starter_client_passes_check_clippy_and_fmt() {
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
    assert_starter_is_clean(
        "functions/thumbnails",
        "upwire-rest-starter",
        Transport::Rest,
        REST_MAIN,
    );
}

/// The generated code verbatim, against `redis-server --tls-port` with a password: the
/// sequence of `TCP_MAIN` (strings, counters, expiry, a pipeline, a MULTI/EXEC transaction, a
/// Redis error, the bytes 0x00..=0xff in and out, the server closing the connection and the
/// manager reconnecting, a wrong password, a listener that never answers, a reply slower than
/// the response timeout). The test CA is not in the webpki roots the client trusts by default, so
/// the test sets the client's documented `REDIS_CA_FILE` (trust this CA instead); a run
/// without it must fail on the certificate, which proves the default really verifies.
#[test]
fn tcp_starter_client_round_trips_through_redis_server_over_tls() {
    if !tier::require(Group::GeneratedCrates) || !tier::require(Group::Openssl) {
        return;
    }
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
    make_crate(&krate, "upwire-tcp-tls", Transport::Tcp, TCP_MAIN).cargo(&["build", "--quiet"]);
    let binary = crates::target_dir().join("debug/upwire-tcp-tls");
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
        lines[..14],
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
            "binary value: true",
            "reconnected: true",
            "after reconnecting: Some(\"hello over TLS\")",
        ],
        "{stdout}"
    );
    assert!(
        lines[14].starts_with("wrong password: AuthenticationFailed: "),
        "{stdout}"
    );
    assert_eq!(
        lines[15..],
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

#[test]
fn rest_starter_client_speaks_the_rest_api() {
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
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
pipeline: [Ok(Bytes("OK")), Ok(Integer(2)), Err(Redis("WRONGTYPE Operation against a key holding the wrong kind of value"))]
multi-exec: [Ok(Integer(3)), Ok(Bytes("3"))]
redis error: WRONGTYPE Operation against a key holding the wrong kind of value
text value: true
binary argument: argument 2 is not UTF-8: the Redis REST API takes JSON strings
binary value: true
binary value as a String: unexpected reply
flaky: Ok(Bytes("recovered"))
dropped: Ok(Bytes("delivered"))
http error: 503 {"error":"service unavailable"}
without retries: 503
auth error: Unauthorized
transport error: true
bad URL: the endpoint is not an https:// URL
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
    assert!(
        seen.iter().all(|s| s.encoding.as_deref() == Some("base64")),
        "every request asks for base64: {seen:?}"
    );
    // Read-your-writes: each request carries the token of the last reply before it (the
    // clones' included); the first has none, nor has the wrong token's client.
    let authorized = format!("Bearer {token}");
    let mut latest: Option<String> = None;
    for (index, request) in seen.iter().enumerate() {
        if request.authorization != authorized {
            assert_eq!(request.sync_token, None, "{request:?}");
            continue;
        }
        assert_eq!(request.sync_token, latest, "request {index} of {seen:#?}");
        if !request.dropped {
            latest = Some(format!("sync-{index}"));
        }
    }
    // Tries: a 503 again and again (1 + 5 retries), twice then a result (3), a dropped
    // connection twice then a result (3); without retries, once. A 400 and a 401 once; the
    // binary argument was never sent.
    let tries = |body: serde_json::Value| seen.iter().filter(|s| s.body == body).count();
    assert_eq!(tries(serde_json::json!(["OUTAGE"])), 6);
    assert_eq!(tries(serde_json::json!(["FLAKY"])), 3);
    assert_eq!(tries(serde_json::json!(["DROPPED"])), 3);
    assert_eq!(tries(serde_json::json!(["OUTAGE", "once"])), 1);
    assert_eq!(
        tries(serde_json::json!(["HGET", "a", "f"])),
        1,
        "a 400 is not retried"
    );
    let unauthorized = seen.iter().filter(|s| s.authorization != authorized);
    assert_eq!(unauthorized.count(), 1, "a 401 is not retried");
    assert!(
        !seen
            .iter()
            .any(|s| s.body[0] == "SET" && s.body[1] == "binary"),
        "{seen:?}"
    );
    // The backoff of @upstash/redis: e^n * 50 ms before retry n + 1, at least.
    let outage: Vec<_> = seen
        .iter()
        .filter(|s| s.body == serde_json::json!(["OUTAGE"]))
        .collect();
    for (n, pair) in outage.windows(2).enumerate() {
        let waited = pair[1].at.duration_since(pair[0].at);
        let backoff = std::time::Duration::from_secs_f64((n as f64).exp() * 0.05);
        assert!(
            waited + std::time::Duration::from_millis(1) >= backoff,
            "retry {n}: {waited:?} after the try before, less than {backoff:?}"
        );
    }
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
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
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
        lines[..14],
        [
            "get: Some(\"hello\")",
            "get missing: None",
            "incr: 1",
            "expire: true",
            "ttl within 60 s: true",
            "ttl of a key without expiry: -1",
            "del: 1",
            &format!("pipeline: [Ok(Bytes(\"OK\")), Ok(Integer(2)), Err(Redis(\"{wrongtype}\"))]"),
            "multi-exec: [Ok(Integer(3)), Ok(Bytes(\"3\"))]",
            &format!("redis error: {wrongtype}"),
            "text value: true",
            "binary argument: argument 2 is not UTF-8: the Redis REST API takes JSON strings",
            "binary value: true",
            "binary value as a String: unexpected reply",
        ],
        "{stdout}"
    );
    // A real Redis knows no FLAKY, DROPPED or OUTAGE command: a Redis error (HTTP 400).
    for (line, start) in lines[14..18].iter().zip([
        "flaky: Err(Redis(\"ERR unknown command",
        "dropped: Err(Redis(\"ERR unknown command",
        "expected an HTTP error: Err(Redis(\"ERR unknown command",
        "expected an HTTP error: Err(Redis(\"ERR unknown command",
    ]) {
        assert!(line.starts_with(start), "{stdout}");
    }
    assert!(lines[18].starts_with("auth error: "), "{stdout}");
    assert_eq!(
        lines[19..],
        [
            "transport error: true",
            "bad URL: the endpoint is not an https:// URL",
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
    let text = "nul \0 quote \" line\n é ✓";
    assert_eq!(
        get(&mut resp, "text").as_deref(),
        Some(text),
        "text byte for byte"
    );
    let binary: Vec<u8> = redis::cmd("GET").arg("binary").query(&mut resp).unwrap();
    assert_eq!(
        binary,
        (0..=255).collect::<Vec<u8>>(),
        "BITFIELD wrote every byte"
    );
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
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
    let fixture = root().join("tests/fixtures/buildrs");
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml")).unwrap();
    for line in cargo_dependencies(Transport::Tcp) {
        assert!(manifest.contains(line), "the fixture lists `{line}`");
    }
    // Built in a copy, with upwire's path made absolute, so that the kept lockfile is only
    // ever written on purpose (`bash .ci/refresh-locks`).
    let copy = tempfile::tempdir().unwrap();
    std::fs::create_dir(copy.path().join("src")).unwrap();
    for file in ["build.rs", "upwire.toml", "src/main.rs"] {
        std::fs::copy(fixture.join(file), copy.path().join(file)).unwrap();
    }
    let upwire_path = format!("path = {:?}", root().display().to_string());
    assert!(manifest.contains(r#"path = "../../..""#));
    std::fs::write(
        copy.path().join("Cargo.toml"),
        manifest.replace(r#"path = "../../..""#, &upwire_path),
    )
    .unwrap();
    let krate = Crate::new(copy.path(), "tests/fixtures/buildrs/Cargo.lock");
    krate.cargo(&["build", "--quiet"]);
    // The included client is lint-clean too (no inner attributes, no unused-code warnings).
    krate.cargo(&["clippy", "--quiet", "--", "-D", "warnings"]);
    let run = krate.cargo(&["run", "--quiet"]);
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "reads REDIS_URL\nerror: bad Redis settings - InvalidClientConfig: REDIS_URL is not set\n"
    );
    // What the build script told cargo, and wrote, in its newest run directory.
    let run_dir = std::fs::read_dir(crates::target_dir().join("debug/build"))
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
    crate::snapshots!("buildrs_error", text);
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

/// A descriptor resolved with the example's fake secrets, and the files `generate` writes for it.
fn files_of(descriptor: &Path) -> (Resolved, Vec<Artifact>) {
    let text = std::fs::read_to_string(descriptor).unwrap();
    let mut env = Env::default();
    env.add_file(&root().join("examples/example.env")).unwrap();
    let mut resolved = resolve(SourceFile::new("upwire.toml", text), &env);
    let files = artifacts(&resolved.plan, &mut resolved.diagnostics);
    (resolved, files)
}

/// The example's descriptor.
fn example_descriptor() -> PathBuf {
    root().join("examples/upwire.toml")
}

/// The starter client among `files` that goes into `dir` (`src/redis_client.rs`, or
/// `lib/redis.ts` for a JavaScript target).
fn client_in(files: &[Artifact], dir: &str) -> String {
    let file = files.iter().find(|a| {
        ["src/redis_client.rs", "lib/redis.ts"]
            .iter()
            .any(|starter| a.path == Path::new(dir).join(starter))
    });
    file.expect("a starter client").contents.clone()
}

/// A starter client where a snapshot lists files: its size and SHA-256 (as `sha256sum` prints
/// it for the written file, cut short), not its text, which `snapshot_of_the_starter_clients`
/// holds once per template. A change to the text changes the hash.
fn client_summary(contents: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, contents.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let lines = contents.lines().count();
    format!(
        "[starter client: {lines} lines, sha256 {}...]\n",
        &hex[..16]
    )
}

/// Every artifact of a descriptor, rendered for review: each file with its policy, then the
/// diagnostics. Starter clients are summarized by `client_summary`.
fn render_artifacts(descriptor: &Path) -> String {
    let (resolved, files) = files_of(descriptor);
    let mut out = String::new();
    for a in &files {
        let policy = match a.policy {
            WritePolicy::Replace => "replace",
            WritePolicy::CreateOnly => "create only",
            WritePolicy::MergeEnv(_) => "merge",
        };
        let secret = if a.secret { ", secret: mode 0600" } else { "" };
        out.push_str(&format!("=== {} ({policy}{secret})\n", a.path.display()));
        // Starter files are the only ones written only when absent.
        if a.policy == WritePolicy::CreateOnly {
            out.push_str(&client_summary(&a.contents));
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

#[test]
fn snapshot_of_every_file_for_the_example() {
    let text = render_artifacts(&example_descriptor());
    crate::snapshots!("files@example", text);
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
        let text = render_artifacts(&descriptor);
        crate::snapshots!(format!("files@{stem}"), text);
    }
}

/// The starter clients, each template in full once: TCP, REST, workers-rs and TypeScript. Their
/// variants (REST with the read-only token, the Rust ones as build.rs writes them for
/// `include!`, the TypeScript module with prefixed variables for Expo and for a Next.js client
/// bundle) as a diff against the client they vary, so that a snapshot shows what the variant
/// changes and the shared code stays in one place.
#[test]
fn snapshot_of_the_starter_clients() {
    let (resolved, files) = files_of(&example_descriptor());
    let target = |name: &str| {
        resolved
            .plan
            .targets
            .iter()
            .find(|t| t.name == name)
            .unwrap()
    };
    let include = |name: &str| client_for_include(target(name)).unwrap();
    let tcp = client_in(&files, "services/api");
    let rest = client_in(&files, "functions/thumbnails");
    let typescript = client_in(&files, "web");
    let fixtures = root().join("tests/fixtures/generate");
    let (_, runtimes) = files_of(&fixtures.join("runtimes.toml"));
    let (cloudflare, workers) = files_of(&fixtures.join("cloudflare.toml"));
    let worker = client_in(&workers, "worker");
    let variant = |base: &str, variant: &str| {
        let diff = similar::TextDiff::from_lines(base, variant);
        diff.unified_diff().context_radius(1).to_string()
    };
    assert!(client_for_include(target("storefront")).is_none());
    crate::snapshots!({
        insta::assert_snapshot!("client@tcp", tcp);
        insta::assert_snapshot!("client@rest", rest);
        let readonly = client_in(&runtimes, "reports");
        insta::assert_snapshot!("client@rest-readonly", variant(&rest, &readonly));
        insta::assert_snapshot!("client@tcp-include", variant(&tcp, &include("api")));
        insta::assert_snapshot!(
            "client@rest-include",
            variant(&rest, &include("thumbnails"))
        );
        insta::assert_snapshot!("client@worker", worker);
        let worker_plan = cloudflare.plan.targets.iter().find(|t| t.name == "worker");
        insta::assert_snapshot!(
            "client@worker-include",
            variant(&worker, &client_for_include(worker_plan.unwrap()).unwrap())
        );
        insta::assert_snapshot!("client@typescript", typescript);
        let expo = client_in(&files, "mobile");
        insta::assert_snapshot!("client@typescript-expo", variant(&typescript, &expo));
        let nextjs = client_in(&runtimes, "site");
        insta::assert_snapshot!("client@typescript-nextjs", variant(&typescript, &nextjs));
        let (_, deno) = files_of(&fixtures.join("deno.toml"));
        let supabase = file_in(&deno, "web/supabase/functions/_shared/redis.ts");
        insta::assert_snapshot!(
            "client@typescript-supabase",
            variant(&typescript, &supabase)
        );
    });
}

/// The contents of the file `path` among `files`.
fn file_in(files: &[Artifact], path: &str) -> String {
    let file = files.iter().find(|a| a.path == Path::new(path));
    file.unwrap_or_else(|| panic!("no {path}")).contents.clone()
}

/// The starters that run in Deno isolates (Deno Deploy, Supabase Edge Functions) read their
/// variables with `Deno.env.get` and import `@upstash/redis` by an `npm:` specifier, where the
/// platform expects code; none reads `process.env`, which Deno does not have. (Deno is not
/// installed here: the text is what is checked.)
#[test]
fn deno_hosted_starters_read_deno_env() {
    let (_, files) = files_of(&root().join("tests/fixtures/generate/deno.toml"));
    for path in [
        "plain/redis.ts",
        "edge/src/redis.ts",
        "web/supabase/functions/_shared/redis.ts",
    ] {
        let code = file_in(&files, path);
        for line in [
            "import { Redis } from \"npm:@upstash/redis@^1.39.0\";",
            "  url: Deno.env.get(\"UPSTASH_REDIS_REST_URL\") ?? \"\",",
            "  token: Deno.env.get(\"UPSTASH_REDIS_REST_TOKEN\") ?? \"\",",
        ] {
            assert!(
                code.lines().any(|l| l == line),
                "{path} lacks {line}:\n{code}"
            );
        }
        assert!(
            !code.contains("process.env.") && !code.contains("fromEnv("),
            "{path}:\n{code}"
        );
    }
    // The Next.js module beside the Supabase functions stays on `process.env`.
    let next = file_in(&files, "web/lib/redis.ts");
    assert!(
        next.contains("from \"@upstash/redis\"") && !next.contains("Deno.env"),
        "{next}"
    );
}

/// `transcript` with the lines of the dry-run diff that creates the starter client `path`
/// summarized by `client_summary`; and the client's text.
fn summarize_new_client(transcript: &str, path: &str) -> (String, String) {
    let header = format!("+++ b/{path}\n");
    let hunk = transcript.find(&header).expect("the client's diff") + header.len();
    let start = transcript[hunk..].find('\n').unwrap() + hunk + 1;
    let added: Vec<&str> = transcript[start..]
        .split_inclusive('\n')
        .take_while(|l| l.starts_with('+'))
        .collect();
    let end = start + added.iter().map(|l| l.len()).sum::<usize>();
    let client: String = added.iter().map(|l| &l[1..]).collect();
    let summary = client_summary(&client);
    let text = format!("{}{summary}{}", &transcript[..start], &transcript[end..]);
    (text, client)
}

/// `--dry-run` on a fresh directory (one target) and after a change (all targets): diffs for
/// plain files, key names only for files with secrets, and nothing written. The new starter
/// client's lines are summarized: they are the text of the `client@tcp` snapshot.
#[test]
fn snapshot_of_dry_run_output() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let dry = |dir: &Path, extra: &[&str]| {
        run(upwire()
            .current_dir(dir)
            .args([
                "--env-file",
                "example.env",
                "generate",
                "--dry-run",
                "--diff",
            ])
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
    let (fresh, client) = summarize_new_client(
        &transcript(&fresh, dir.path()),
        "services/api/src/redis_client.rs",
    );
    let (_, files) = files_of(&example_descriptor());
    assert_eq!(
        client,
        client_in(&files, "services/api"),
        "the client@tcp snapshot"
    );
    crate::snapshots!("dry_run@fresh", fresh);

    generate_example(dir.path());
    let env = std::fs::read_to_string(dir.path().join("example.env")).unwrap();
    let rotated = env.replace(
        "AjA5cmVhZC1vbmx5LXRva2VuLWV4YW1wbGU",
        "AjA5rotatedReadOnlyTokenExample0123",
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
        !all.contains("AjA5rotated") && !all.contains(EXAMPLE_SECRETS[0]),
        "{all}"
    );
    crate::snapshots!("dry_run@changed", transcript(&changed, dir.path()));
}

/// `--dry-run` alone: the summary line first (counts per action), one line per file, no
/// diff, and every warning a real run gives, here `env-not-ignored` for the secret files it
/// would create in a git repository that does not ignore them. `--diff` alone implies the dry
/// run.
#[test]
fn dry_run_summarizes_first_and_warns_like_a_real_run() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let git = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git runs");
    assert!(git.success());
    let output = run(upwire().current_dir(dir.path()).args([
        "--env-file",
        "example.env",
        "generate",
        "--dry-run",
    ]));
    assert_eq!(code(&output), 0, "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("dry run, nothing written: ")
            && first.contains(" to create, 0 to change"),
        "{stdout}"
    );
    assert!(!stdout.contains("@@"), "a diff without --diff: {stdout}");
    assert!(stdout.contains("`--diff` shows each change"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning[env-not-ignored]") && stderr.contains("services/api/.env"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        3,
        "a dry run writes nothing"
    );
    crate::snapshots!("dry_run@summary", transcript(&output, dir.path()));
    let diff = run(upwire().current_dir(dir.path()).args([
        "--env-file",
        "example.env",
        "generate",
        "--diff",
    ]));
    assert_eq!(code(&diff), 0);
    let diff_out = String::from_utf8_lossy(&diff.stdout);
    assert!(
        diff_out.starts_with("dry run, nothing written: ") && diff_out.contains("@@"),
        "{diff_out}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
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
        "rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379",
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
        file_names_below(dir.path()),
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
    let files = file_names_below(dir.path());
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
        file_names_below(&dir.path().join("deep")),
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
    crate::snapshots!("bad_input@no-url", text);
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
        file_names_below(&dir.path().join("api")),
        [".env.example", "src/redis_client.rs"],
        "{text}"
    );
    crate::snapshots!("bad_input@unresolved", text);
}

// ---------------------------------------------------------------------------------------------
// The CI job for REST targets

/// `.github/upwire-serve.yml` is written for a project with a REST target, beside the
/// workflows and never among them, names the target's variables and no value, and the guide
/// says how to use it; a TCP-only project gets no CI job and no such section.
#[test]
fn the_ci_job_is_written_only_when_a_target_uses_rest() {
    let (tcp, output) = generate_with(&format!(
        "{DATABASE}[target.api]\nkind = \"server\"\ndir = \"api\"\n"
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, tcp.path()));
    assert!(
        !tcp.path().join(".github").exists(),
        "no CI job for TCP only"
    );
    let guide = std::fs::read_to_string(tcp.path().join("REDIS.md")).unwrap();
    assert!(!guide.contains("upwire-serve.yml"), "{guide}");

    let (rest, output) = generate_with(&format!(
        "{}\nrest_readonly_token = \"${{UPSTASH_REDIS_REST_READONLY_TOKEN}}\"\n\n\
         [target.api]\nkind = \"server\"\ndir = \"api\"\n\n\
         [target.edge]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"edge\"\n\n\
         [target.app]\nkind = \"mobile\"\nplatform = \"expo\"\ndir = \"app\"\n",
        DATABASE.trim_end()
    ));
    let text = transcript(&output, rest.path());
    assert_eq!(code(&output), 0, "{text}");
    assert!(text.contains("created .github/upwire-serve.yml"), "{text}");
    assert!(
        !rest.path().join(".github/workflows").exists(),
        "never a workflow the user did not ask for"
    );
    let job = std::fs::read_to_string(rest.path().join(".github/upwire-serve.yml")).unwrap();
    for line in [
        "jobs:",
        "  test:",
        "      - uses: actions/checkout@v4",
        "          upwire serve --ephemeral -- sh -c '",
        // The mobile target reads the read-only token under its public names.
        "            export EXPO_PUBLIC_UPSTASH_REDIS_REST_URL=\"$UPSTASH_REDIS_REST_URL\"",
        "            export EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN=\"$UPSTASH_REDIS_REST_READONLY_TOKEN\"",
        "            exec npm test'",
        "          readonly_token=\"$(openssl rand -hex 24)\"",
        "          echo \"::add-mask::$readonly_token\"",
        "          export UPWIRE_SERVE_READONLY_TOKEN=\"$readonly_token\"",
        // Both targets are JavaScript: Node.js and `npm ci` first.
        "      - run: npm ci",
    ] {
        assert!(job.lines().any(|l| l == line), "{line:?} in\n{job}");
    }
    assert!(
        job.contains("(edge, app)"),
        "the REST targets are named: {job}"
    );
    for secret in EXAMPLE_SECRETS
        .iter()
        .chain(&["https://eu1-tidy-cat-12345.upstash.io"])
    {
        assert!(!job.contains(secret), "no value in the job: {secret}");
    }
    // The TCP target's variable is not pointed at serve.
    assert!(!job.contains("REDIS_URL="), "{job}");
    assert!(
        !job.contains("services:"),
        "redis-server comes from --ephemeral: {job}"
    );
    let guide = std::fs::read_to_string(rest.path().join("REDIS.md")).unwrap();
    assert!(
        guide.contains("`upwire generate` writes `.github/upwire-serve.yml`: a GitHub Actions job"),
        "{guide}"
    );

    // A dry run with --diff shows it as a diff and writes nothing.
    std::fs::remove_file(rest.path().join(".github/upwire-serve.yml")).unwrap();
    let dry = run(upwire().current_dir(rest.path()).args([
        "--env-file",
        "example.env",
        "generate",
        "--dry-run",
        "--diff",
    ]));
    let text = transcript(&dry, rest.path());
    assert!(
        text.contains("would create .github/upwire-serve.yml"),
        "{text}"
    );
    assert!(text.contains("+name: tests against upwire serve"), "{text}");
    assert!(!rest.path().join(".github/upwire-serve.yml").exists());
}

/// `env_names = "vercel-marketplace"` writes the names the Vercel Marketplace integration
/// manages (the read-only token under its own name, `env_prefix` still prepended), the
/// TypeScript starters read exactly those names (not `Redis.fromEnv()`, which reads
/// `UPSTASH_REDIS_REST_*` first), and `lint` reads the written files clean.
#[test]
fn vercel_marketplace_names_are_written_and_read() {
    let (dir, output) = generate_with(&format!(
        "[project]\nenv_names = \"vercel-marketplace\"\n\n{}\nrest_readonly_token = \"${{UPSTASH_REDIS_REST_READONLY_TOKEN}}\"\n\n\
         [target.edge]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"edge\"\n\n\
         [target.app]\nkind = \"mobile\"\nplatform = \"expo\"\ndir = \"app\"\n\n\
         [target.api]\nkind = \"server\"\ndir = \"api\"\nenv_prefix = \"CACHE_\"\n",
        DATABASE.trim_end()
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let read = |path: &str| std::fs::read_to_string(dir.path().join(path)).unwrap();
    let keys = |path: &str| -> Vec<String> {
        read(path)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split('=').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(keys("edge/.env"), ["KV_REST_API_URL", "KV_REST_API_TOKEN"]);
    assert_eq!(
        keys("app/.env"),
        [
            "EXPO_PUBLIC_KV_REST_API_URL",
            "EXPO_PUBLIC_KV_REST_API_READ_ONLY_TOKEN"
        ]
    );
    assert_eq!(keys("api/.env"), ["CACHE_REDIS_URL"]);
    // The read-only target gets the read-only token, the edge target the full one.
    assert!(read("app/.env").contains(EXAMPLE_SECRETS[1]));
    assert!(read("edge/.env").contains(EXAMPLE_SECRETS[0]));
    let edge = read("edge/lib/redis.ts");
    assert!(
        edge.contains("url: process.env.KV_REST_API_URL,")
            && edge.contains("token: process.env.KV_REST_API_TOKEN,"),
        "{edge}"
    );
    assert!(!edge.contains("fromEnv"), "{edge}");
    let app = read("app/lib/redis.ts");
    assert!(
        app.contains("token: process.env.EXPO_PUBLIC_KV_REST_API_READ_ONLY_TOKEN,"),
        "{app}"
    );
    let lint =
        run(upwire()
            .current_dir(dir.path())
            .args(["lint", "edge/.env", "app/.env", "api/.env"]));
    assert_eq!(code(&lint), 0, "{}", transcript(&lint, dir.path()));

    // Without `env_names`, Upstash's names, which `Redis.fromEnv()` reads.
    let (dir, output) = generate_with(&format!(
        "{DATABASE}[target.edge]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"edge\"\n"
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let env = std::fs::read_to_string(dir.path().join("edge/.env")).unwrap();
    assert!(
        env.contains("\nUPSTASH_REDIS_REST_URL=") && env.contains("\nUPSTASH_REDIS_REST_TOKEN="),
        "{env}"
    );
    let edge = std::fs::read_to_string(dir.path().join("edge/lib/redis.ts")).unwrap();
    assert!(edge.contains("Redis.fromEnv()"), "{edge}");

    // A target's own `env_names` wins over the project's, for that target only.
    let (dir, output) = generate_with(&format!(
        "[project]\nenv_names = \"vercel-marketplace\"\n\n{DATABASE}\
         [target.edge]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"edge\"\nenv_names = \"upstash\"\n\n\
         [target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\ndir = \"web\"\n"
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let read = |path: &str| std::fs::read_to_string(dir.path().join(path)).unwrap();
    assert!(read("edge/.env").contains("\nUPSTASH_REDIS_REST_URL="));
    assert!(!read("edge/.env").contains("KV_"));
    assert!(read("web/.env").contains("\nKV_REST_API_URL="));
    assert!(!read("web/.env").contains("UPSTASH_"));
}

/// Two targets of one folder on different variable names (a Next.js app on the Marketplace's,
/// its middleware on Upstash's) get a starter each, under a name of its own, each reading its
/// own names, which the guide names; the folder's `vercel-env.sh` leaves out what the
/// integration sets; a second run changes nothing.
#[test]
fn two_starters_of_one_kind_in_one_folder_get_a_file_each() {
    let (dir, output) = generate_with(&format!(
        "{DATABASE}[target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n\
         dir = \"web\"\nenv_names = \"vercel-marketplace\"\n\n\
         [target.web-middleware]\nkind = \"edge\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"web\"\n"
    ));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let read = |path: &str| std::fs::read_to_string(dir.path().join(path)).unwrap();
    let web = read("web/lib/redis_web.ts");
    assert!(web.contains("process.env.KV_REST_API_URL"), "{web}");
    let middleware = read("web/lib/redis_web_middleware.ts");
    assert!(middleware.contains("Redis.fromEnv()"), "{middleware}");
    // The guide names the files generate wrote.
    let guide = read("REDIS.md");
    assert!(
        guide.contains("`lib/redis_web.ts`") && guide.contains("`lib/redis_web_middleware.ts`"),
        "{guide}"
    );
    assert!(!guide.contains("`lib/redis.ts`"), "{guide}");
    // The folder's vercel-env.sh pushes the middleware's names, not those the Marketplace
    // integration already sets in the Vercel project.
    let script = read("web/vercel-env.sh");
    assert!(script.contains("UPSTASH_REDIS_REST_URL"), "{script}");
    assert!(!script.contains("KV_REST_API"), "{script}");
    let again = run(upwire().current_dir(dir.path()).args([
        "--env-file",
        "example.env",
        "generate",
        "--force",
        "--dry-run",
    ]));
    let text = crate::support::all_output(&again);
    assert!(text.contains("0 files to create, 0 to change"), "{text}");
}

/// Fly prints `redis://<password>@fly-<name>.upstash.io` (the password in the user slot),
/// which redis-rs, ioredis and node-redis send as a user name with no password (`NOAUTH`):
/// `generate` writes `redis://default:<password>@fly-<name>.upstash.io:6379` instead.
#[test]
fn generate_writes_flys_user_slot_form_with_the_default_user() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${FLY_REDIS}\"\n\n[target.api]\nkind = \"server\"\nplatform = \"fly\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("secrets.env"),
        "FLY_REDIS=redis://FlyCanaryPw0123@fly-late-waterfall-1133.upstash.io\n",
    )
    .unwrap();
    let out = run(upwire()
        .current_dir(dir.path())
        .args(["--env-file", "secrets.env", "generate"]));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert!(!all_output(&out).contains("FlyCanaryPw0123"));
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(
        env.contains(
            "REDIS_URL=redis://default:FlyCanaryPw0123@fly-late-waterfall-1133.upstash.io:6379\n"
        ),
        "{env}"
    );
}

/// A mobile target's `rest_readonly_token` whose first byte says standard (1): `generate`
/// refuses to put it under `EXPO_PUBLIC_` and writes nothing for the target. The same
/// descriptor with a token whose first byte says read-only (2) is written.
#[test]
fn generate_refuses_a_standard_token_under_a_public_prefix() {
    for (token, refused) in [
        (
            "ATA5AAIncDE3ZmI0YmNlZTQ1ZjU0MzQ0OTVhMmE0NzZiN2Q1YjM2MnAx",
            true,
        ),
        (
            "AjA5AAIncDE3ZmI0YmNlZTQ1ZjU0MzQ0OTVhMmE0NzZiN2Q1YjM2MnAx",
            false,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("upwire.toml"),
            "[database.main]\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\n\
             rest_readonly_token = \"${RO_TOKEN}\"\n\n\
             [target.app]\nkind = \"mobile\"\nplatform = \"expo\"\naccess = \"read-only\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("secrets.env"),
            format!("RO_TOKEN={token}\n"),
        )
        .unwrap();
        let out =
            run(upwire()
                .current_dir(dir.path())
                .args(["--env-file", "secrets.env", "generate"]));
        let all = all_output(&out);
        assert!(!all.contains(token), "{all}");
        let env = dir.path().join(".env");
        if refused {
            assert_eq!(code(&out), 1, "{all}");
            assert!(all.contains("error[secret-public-prefix]"), "{all}");
            assert!(all.contains("appears to be the standard"), "{all}");
            assert!(!env.exists(), "nothing is written for the target");
        } else {
            assert_eq!(code(&out), 0, "{all}");
            let text = std::fs::read_to_string(&env).unwrap();
            assert!(
                text.contains(&format!("EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN={token}\n")),
                "{text}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Framework settings in REDIS.md

/// The targets' sections of the guide `generate` wrote for `descriptor` (the summary and the
/// troubleshooting are the same for every project), after checking that it generated cleanly
/// and that the guide holds no value.
fn guide_sections(descriptor: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
    // The example values, and a Fly.io private database's URL.
    let env = std::fs::read_to_string(root().join("examples/example.env")).unwrap()
        + &format!(
            "FLY_REDIS_URL=redis://default:{FLY_PASSWORD}@fly-tidy-cat-12345.upstash.io:6379\n"
        );
    std::fs::write(dir.path().join("example.env"), env).unwrap();
    let output =
        run(upwire()
            .current_dir(dir.path())
            .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let guide = std::fs::read_to_string(dir.path().join("REDIS.md")).unwrap();
    for secret in EXAMPLE_SECRETS.iter().chain(&[FLY_PASSWORD]) {
        assert!(!guide.contains(secret), "no value in REDIS.md: {secret}");
    }
    let start = guide.find("\n## `").expect("a target section");
    let end = guide
        .find("## Troubleshooting")
        .expect("the troubleshooting");
    guide[start + 1..end].to_owned()
}

/// A fake password for a Fly.io private database.
const FLY_PASSWORD: &str = "FlyPasswordExample0123456789";

/// REDIS.md shows, per framework, the settings that read the target's URL variable: a Django
/// site with its Celery worker in one folder (one URL with `ssl_cert_reqs=required`, which
/// both read), a Rails app with Sidekiq on a database of its own (under a prefixed name, so
/// Sidekiq gets an initializer), and a BullMQ worker on Fly with Fly's private database
/// (ioredis gets `family: 6`) beside an Express API in Docker (a public one: no `family`).
#[test]
fn snapshot_of_the_framework_settings_in_the_guide() {
    let django = guide_sections(
        "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}?ssl_cert_reqs=required\"\n\n\
         [target.site]\nkind = \"server\"\nframework = \"django\"\n\n\
         [target.worker]\nkind = \"server\"\nframework = \"celery\"\n",
    );
    let rails = guide_sections(
        "[database.cache]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\n\
         [database.queue]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\n\
         [target.web]\nkind = \"server\"\nplatform = \"fly\"\nframework = \"rails\"\ndatabase = \"cache\"\n\n\
         [target.jobs]\nkind = \"server\"\nplatform = \"fly\"\nframework = \"sidekiq\"\n\
         database = \"queue\"\nenv_prefix = \"SIDEKIQ_\"\n",
    );
    let bullmq = guide_sections(&format!(
        "{DATABASE}[database.fly]\nredis_url = \"${{FLY_REDIS_URL}}\"\n\n\
         [target.worker]\nkind = \"server\"\nplatform = \"fly\"\nframework = \"bullmq\"\n\
         database = \"fly\"\ndir = \"worker\"\n\n\
         [target.api]\nkind = \"container\"\nplatform = \"docker\"\nframework = \"express\"\n\
         database = \"main\"\ndir = \"api\"\n"
    ));
    assert_eq!(bullmq.matches("family: 6").count(), 2, "{bullmq}");
    // Sidekiq reads `REDIS_URL` by itself: only another name needs the initializer.
    assert!(rails.contains("ENV[\"SIDEKIQ_REDIS_URL\"]"), "{rails}");
    crate::snapshots!({
        insta::assert_snapshot!("guide@django-celery", django);
        insta::assert_snapshot!("guide@rails-sidekiq", rails);
        insta::assert_snapshot!("guide@bullmq-express", bullmq);
    });
}

/// A field that adds text to the variable generate writes (`${REDIS_URL}?ssl_cert_reqs=...`
/// for a Celery worker) is refused: generate wrote the composed value back into `REDIS_URL`,
/// and every later run added the text again. The env file is left as it was, however often
/// generate runs.
#[test]
fn a_field_that_extends_the_variable_generate_writes_never_grows_it() {
    let dir = tempfile::tempdir().unwrap();
    let env = "REDIS_URL=rediss://default:AbCdEf0123456789abcdef0123456789@eu1-cat-12345.upstash.io:6379\n";
    std::fs::write(dir.path().join(".env"), env).unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}?ssl_cert_reqs=required\"\n\n\
         [target.worker]\nkind = \"server\"\nframework = \"celery\"\n",
    )
    .unwrap();
    for _ in 0..2 {
        let out = run(upwire_in(dir.path()).arg("generate"));
        assert_eq!(code(&out), 1, "{}", all_output(&out));
        assert!(
            all_output(&out).contains("error[self-referencing-variable]"),
            "{}",
            all_output(&out)
        );
        assert!(!all_output(&out).contains("AbCdEf0123456789"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".env")).unwrap(),
            env
        );
    }
    // Read from another name, the same parameter is written once and stays once.
    std::fs::write(
        dir.path().join(".env"),
        env.replace("REDIS_URL=", "UPSTASH_REDIS_URL="),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}?ssl_cert_reqs=required\"\n\n\
         [target.worker]\nkind = \"server\"\nframework = \"celery\"\n",
    )
    .unwrap();
    for _ in 0..2 {
        let out = run(upwire_in(dir.path()).arg("generate"));
        assert_eq!(code(&out), 0, "{}", all_output(&out));
        let written = std::fs::read_to_string(dir.path().join(".env")).unwrap();
        assert_eq!(
            written.matches("ssl_cert_reqs=required").count(),
            1,
            "{written}"
        );
    }
}

/// Two apps of a monorepo on two databases under one variable name: one database for both is
/// `env-conflict` and nothing is written (it would copy one app's URL into the other's file);
/// a database each reads its own app's folder, and each file keeps its own value. No password
/// is printed either way.
#[test]
fn a_database_reads_its_own_apps_folder_and_one_for_two_apps_that_disagree_is_refused() {
    const WEB: &str = "CanaryWebPassword0123456789abcd";
    const WORKER: &str = "CanaryWorkerPassword0123456789ab";
    let web_env = format!("REDIS_URL=rediss://default:{WEB}@web-db-12345.upstash.io:6379\n");
    let worker_env =
        format!("REDIS_URL=rediss://default:{WORKER}@worker-db-67890.upstash.io:6379\n");
    let one = "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n\
        [target.web]\nkind = \"server\"\ndir = \"apps/web\"\n\n\
        [target.worker]\nkind = \"container\"\ndir = \"apps/worker\"\n";
    let t = crate::support::test::Test::new()
        .file("upwire.toml", one)
        .file("apps/web/.env", &web_env)
        .file("apps/worker/.env", &worker_env)
        .arg("generate")
        .status(1)
        .stderr_contains("error[env-conflict]: database `main`: `${REDIS_URL}` has one value in apps/web/.env and another in apps/worker/.env");
    let out = t.run();
    let read = |path: &str| std::fs::read_to_string(t.dir().join(path)).unwrap();
    let text = crate::support::all_output(&out);
    assert!(!text.contains(WEB) && !text.contains(WORKER), "{text}");
    assert_eq!(read("apps/web/.env"), web_env);
    assert_eq!(read("apps/worker/.env"), worker_env);

    let two = "[database.web]\nredis_url = \"${REDIS_URL}\"\n\n\
        [database.worker]\nredis_url = \"${REDIS_URL}\"\n\n\
        [target.web]\nkind = \"server\"\ndatabase = \"web\"\ndir = \"apps/web\"\n\n\
        [target.worker]\nkind = \"container\"\ndatabase = \"worker\"\ndir = \"apps/worker\"\n";
    let out = crate::support::test::Test::in_dir(t.dir())
        .file("upwire.toml", two)
        .arg("generate")
        .status(0)
        .run();
    let text = crate::support::all_output(&out);
    assert!(!text.contains(WEB) && !text.contains(WORKER), "{text}");
    let web = read("apps/web/.env");
    let worker = read("apps/worker/.env");
    assert!(
        web.contains(&format!("{WEB}@web-db-12345.upstash.io")),
        "{web}"
    );
    assert!(!web.contains("worker-db"), "{web}");
    assert!(
        worker.contains(&format!("{WORKER}@worker-db-67890.upstash.io")),
        "{worker}"
    );
    assert!(!worker.contains("web-db"), "{worker}");
}

/// A `${NAME}` in a target's own fields is read in that target's folder (then the
/// descriptor's), never in another app's: the web app's `env_prefix` is its own folder's,
/// and a name only the worker's folder sets is unresolved for the web app.
#[test]
fn a_targets_own_fields_read_its_own_folder() {
    let descriptor = "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n\
        [target.web]\nkind = \"server\"\ndir = \"apps/web\"\nenv_prefix = \"${APP_PREFIX}\"\n\n\
        [target.worker]\nkind = \"container\"\ndir = \"apps/worker\"\nenv_prefix = \"${APP_PREFIX}\"\n";
    let url = "REDIS_URL=rediss://default:CanaryPw0123456789abcdef@one-db-12345.upstash.io:6379\n";
    let t = crate::support::test::Test::new()
        .file("upwire.toml", descriptor)
        .file("apps/web/.env", format!("{url}APP_PREFIX=WEB_\n"))
        .file("apps/worker/.env", format!("{url}APP_PREFIX=JOBS_\n"))
        .args(["--format", "json", "resolve"])
        .status(0);
    let out = t.run();
    let doc = crate::support::json(&out);
    let names = |i: usize| -> Vec<String> {
        doc["targets"][i]["env"]
            .as_object()
            .expect("env")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(names(0), ["WEB_REDIS_URL"], "{doc}");
    assert_eq!(names(1), ["JOBS_REDIS_URL"], "{doc}");
    // Set only in the worker's folder: unresolved for the web app, and the help says where.
    let out = crate::support::test::Test::in_dir(t.dir())
        .file("apps/web/.env", url)
        .arg("lint")
        .status(1)
        .stderr_contains("error[unresolved-variable]: `${APP_PREFIX}` is not set in the environment or in any env file read for target `web`")
        .stderr_contains("apps/worker/.env sets it, but only for the targets in its folder")
        .stderr_contains("set it in `apps/web/.env`")
        .run();
    assert!(!crate::support::all_output(&out).contains("CanaryPw"));
    // A `dir` decides the folder: it is not read from a folder's file, and the help says
    // where it is read from.
    crate::support::test::Test::in_dir(t.dir())
        .file("upwire.toml", descriptor.replace("dir = \"apps/worker\"", "dir = \"${JOBS_DIR}\""))
        .file("apps/web/.env", format!("{url}APP_PREFIX=WEB_\nJOBS_DIR=apps/worker\n"))
        .arg("lint")
        .status(1)
        .stderr_contains("error[unresolved-variable]: `${JOBS_DIR}` is not set in the environment or in any env file read for the `dir` of target `worker`")
        .stderr_contains("a `dir` decides which folder a target reads, so it is read from the environment, an --env-file or the .env beside the descriptor only")
        .run();
}

/// An app's own env file that already holds another value under the name the target gets
/// (the Marketplace's `KV_REST_API_TOKEN`, where the database reads `${UPSTASH_REDIS_REST_TOKEN}`
/// in another app's folder) is two folders of one database disagreeing: `env-conflict`, and
/// the file is left as it is. A value given in the environment is taken as given, with
/// `env-overridden`, as for one name.
#[test]
fn a_value_under_another_name_in_an_apps_own_file_is_not_overwritten() {
    const WEB: &str = "CanaryWebToken0123456789abcdefAB";
    const ADMIN: &str = "CanaryAdminToken0123456789abcdef";
    let descriptor = "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\
        rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\n\
        [target.admin]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"apps/admin\"\n\n\
        [target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"apps/web\"\n\
        env_names = \"vercel-marketplace\"\n";
    let host = "https://one-db-12345.upstash.io";
    let web_env = format!("KV_REST_API_URL={host}\nKV_REST_API_TOKEN={WEB}\n");
    let admin_env = format!("UPSTASH_REDIS_REST_URL={host}\nUPSTASH_REDIS_REST_TOKEN={ADMIN}\n");
    let t = crate::support::test::Test::new()
        .file("upwire.toml", descriptor)
        .file("apps/web/.env.local", &web_env)
        .file("apps/admin/.env.local", &admin_env)
        .arg("generate")
        .status(1)
        .stderr_contains("error[env-conflict]: database `main`: target `web` gets `KV_REST_API_TOKEN` from `rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"`, and apps/web/.env.local already sets `KV_REST_API_TOKEN` to another value");
    let out = t.run();
    let text = crate::support::all_output(&out);
    assert!(!text.contains(WEB) && !text.contains(ADMIN), "{text}");
    let read = |path: &str| std::fs::read_to_string(t.dir().join(path)).unwrap();
    assert_eq!(read("apps/web/.env.local"), web_env);
    // Given in the environment: taken, with a warning naming the file it replaces.
    let out = crate::support::test::Test::in_dir(t.dir())
        .env("UPSTASH_REDIS_REST_TOKEN", ADMIN)
        .arg("generate")
        .status(0)
        .stderr_contains(
            "warning[env-overridden]: database `main`: target `web` gets `KV_REST_API_TOKEN`",
        )
        .run();
    let text = crate::support::all_output(&out);
    assert!(!text.contains(WEB) && !text.contains(ADMIN), "{text}");
    assert!(read("apps/web/.env.local").contains(&format!("KV_REST_API_TOKEN={ADMIN}")));
}

/// Each folder's value is the one its framework reads: a committed `.env` placeholder under a
/// Next.js app's `.env.local` is no conflict with another app on the same database, whichever
/// target comes first; and a Next.js app in the descriptor's folder keeps its `.env.local` to
/// itself (a worker's database does not take the app's URL from it).
#[test]
fn a_folders_value_is_the_one_its_framework_reads() {
    const PW: &str = "CanarySharedPassword0123456789ab";
    let real = format!("REDIS_URL=rediss://default:{PW}@one-db-12345.upstash.io:6379\n");
    for first in ["api", "zz"] {
        let descriptor = format!(
            "[database.main]\nredis_url = \"${{REDIS_URL}}\"\n\n\
             [target.{first}]\nkind = \"server\"\ndir = \"apps/jobs\"\n\n\
             [target.web]\nkind = \"lambda\"\nframework = \"nextjs\"\ntransport = \"tcp\"\ndir = \"apps/web\"\n"
        );
        let out = crate::support::test::Test::new()
            .file("upwire.toml", &descriptor)
            .file("apps/web/.env", "REDIS_URL=redis://localhost:6379\n")
            .file("apps/web/.env.local", &real)
            .file("apps/jobs/.env", &real)
            .args(["lint", "--format", "json"])
            .run();
        let codes: Vec<String> = crate::support::json(&out)["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(
            !codes.contains(&"env-conflict".to_owned()),
            "{first}: {codes:?}"
        );
    }

    let t = crate::support::test::Test::new()
        .file(
            "upwire.toml",
            "[database.app]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\nredis_url = \"${REDIS_URL}\"\n\n\
             [database.worker]\nredis_url = \"${REDIS_URL}\"\n\n\
             [target.app]\nkind = \"lambda\"\nframework = \"nextjs\"\ndatabase = \"app\"\n\n\
             [target.worker]\nkind = \"server\"\ndatabase = \"worker\"\ndir = \"worker\"\n",
        )
        .file(".env.local", &real)
        .file("worker/.env", "")
        .arg("generate")
        .status(1)
        .stderr_contains("error[unresolved-variable]: `${REDIS_URL}` is not set in the environment or in any env file read for database `worker`");
    let out = t.run();
    assert!(!crate::support::all_output(&out).contains(PW));
    assert_eq!(
        std::fs::read_to_string(t.dir().join("worker/.env")).unwrap(),
        ""
    );
}

/// A `REDIS_URL` exported in the shell long ago wins over the project's `.env`, as given, and
/// `lint` says so before `generate` would write it there; the password is not shown.
#[test]
fn a_variable_exported_over_the_projects_env_file_is_named() {
    const PW: &str = "CanaryExportedOverPassword012345";
    let out = crate::support::test::Test::new()
        .file(
            "upwire.toml",
            "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\n",
        )
        .file(
            ".env",
            format!("REDIS_URL=rediss://default:{PW}@one-db-12345.upstash.io:6379\n"),
        )
        .env("REDIS_URL", "redis://localhost:6379")
        .arg("lint")
        .status(0)
        .stderr_contains("warning[env-overridden]: `${REDIS_URL}` is taken from the process environment, and .env sets it to another value")
        .stderr_contains("unset it first (`unset REDIS_URL`)")
        .run();
    assert!(!crate::support::all_output(&out).contains(PW));
}

/// A JavaScript target with no `package.json` at or above its folder, nor beside the
/// descriptor: the CI job says so above the install that will fail there, naming the target
/// and what to set; a target with its package says nothing of the kind.
#[test]
fn the_ci_job_names_javascript_targets_without_a_package_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let descriptor = "[database.main]\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_token = \"${TOKEN}\"\n\n\
                      [target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"web\"\n\n\
                      [target.api]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"api\"\n";
    std::fs::write(dir.join("upwire.toml"), descriptor).unwrap();
    std::fs::create_dir_all(dir.join("api")).unwrap();
    std::fs::write(dir.join("api/package.json"), "{\"name\":\"api\"}\n").unwrap();
    let generate = || {
        let out = run(upwire()
            .current_dir(dir)
            .env("TOKEN", "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl")
            .arg("generate"));
        assert_eq!(code(&out), 0, "{}", all_output(&out));
        std::fs::read_to_string(dir.join(".github/upwire-serve.yml")).unwrap()
    };
    let job = generate();
    assert!(
        job.contains(
            "      # No package.json at or above the folder of target `web`, nor here: the\n"
        ),
        "{job}"
    );
    // With its package.json, nothing to say.
    std::fs::write(dir.join("web/package.json"), "{\"name\":\"web\"}\n").unwrap();
    let job = generate();
    assert!(!job.contains("No package.json"), "{job}");
    assert!(
        job.contains("(cd web && npm test) && (cd api && npm test)")
            || job.contains("(cd api && npm test) && (cd web && npm test)"),
        "{job}"
    );
}
