//! `upwire serve` over raw HTTP/1.1 against a real `redis-server` that each test starts on a
//! free loopback port (and kills at the end). The peers and the client are in `support/`.

#![cfg(feature = "serve")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use upwire::serve::{ServeConfig, ServeError, spawn};

use crate::support::http::{Request, raw, raw_tolerant};
use crate::support::redis::RedisServer;
use crate::support::serve::{
    READONLY_TOKEN, Serve, ServeOptions, ServeProcess, TOKEN, spawn_quiet,
};
use crate::support::tier::{self, Group};
use crate::support::{free_port, root, upwire};

fn b64(s: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

// ---------------------------------------------------------------------------------------
// Protocol

#[test]
fn root_json_command_replies_in_upstash_shapes() {
    let s = Serve::start();
    let r = s.cmd(json!(["SET", "greeting", "hello", "EX", 100]));
    assert_eq!((r.status, r.json()), (200, json!({"result": "OK"})));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        s.cmd(json!(["GET", "greeting"])).json(),
        json!({"result": "hello"})
    );
    assert_eq!(
        s.cmd(json!(["GET", "missing"])).json(),
        json!({"result": null})
    );
    assert_eq!(
        s.cmd(json!(["INCRBY", "n", 41])).json(),
        json!({"result": 41})
    );
    assert_eq!(
        s.cmd(json!(["INCRBYFLOAT", "f", 1.5])).json(),
        json!({"result": "1.5"})
    );
    s.cmd(json!(["HSET", "h", "a", "1", "b", "2"]));
    assert_eq!(
        s.cmd(json!(["HGETALL", "h"])).json(),
        json!({"result": ["a", "1", "b", "2"]})
    );
    assert_eq!(
        s.cmd(json!(["MGET", "greeting", "missing"])).json(),
        json!({"result": ["hello", null]})
    );
    assert_eq!(s.cmd(json!(["PING"])).json(), json!({"result": "PONG"}));
    assert_eq!(s.cmd(json!(["echo", "hé"])).json(), json!({"result": "hé"}));
    // Booleans and numbers travel as their JSON text, as @upstash/redis sends them.
    s.cmd(json!(["SET", "b", true]));
    assert_eq!(s.cmd(json!(["GET", "b"])).json(), json!({"result": "true"}));
}

#[test]
fn redis_error_replies_are_400_with_the_redis_message() {
    let s = Serve::start();
    let r = s.cmd(json!(["GET"]));
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "ERR wrong number of arguments for 'get' command");
    s.cmd(json!(["SET", "s", "x"]));
    let r = s.cmd(json!(["INCR", "s"]));
    assert_eq!(
        (r.status, r.error().as_str()),
        (400, "ERR value is not an integer or out of range")
    );
    let r = s.cmd(json!(["NOSUCHCOMMAND", "x"]));
    assert_eq!(r.status, 400);
    assert!(
        r.error().starts_with("ERR unknown command"),
        "{}",
        r.error()
    );
}

#[test]
fn path_style_is_percent_decoded_and_binary_safe() {
    let s = Serve::start();
    // `/` and space inside a key, UTF-8 in a value.
    let r = s.get("/set/a%2Fb%20c/h%C3%A9llo");
    assert_eq!((r.status, r.json()), (200, json!({"result": "OK"})));
    assert_eq!(
        s.cmd(json!(["GET", "a/b c"])).json(),
        json!({"result": "héllo"})
    );
    assert_eq!(s.get("/GET/a%2Fb%20c").json(), json!({"result": "héllo"}));
    // Raw non-UTF-8 bytes in a path segment arrive byte for byte.
    assert_eq!(s.get("/set/bin/%FF%00%FE").status, 200);
    let r = Request::get("/get/bin")
        .bearer(TOKEN)
        .header("Upstash-Encoding", "base64")
        .send(s.addr());
    assert_eq!(r.json(), json!({"result": b64(b"\xff\x00\xfe")}));
    // A trailing slash is not an extra empty argument.
    assert_eq!(s.get("/get/a%2Fb%20c/").json(), json!({"result": "héllo"}));
}

#[test]
fn path_style_post_body_is_the_last_argument_then_query_options() {
    let s = Serve::start();
    let body: &[u8] = b"{\"cart\":[1,2]}\x00\xff binary";
    let r = Request::post("/set/doc?EX=100&_token=ignored-here", body)
        .bearer(TOKEN)
        .send(s.addr());
    assert_eq!((r.status, r.json()), (200, json!({"result": "OK"})));
    assert_eq!(s.get("/ttl/doc").json(), json!({"result": 100}));
    let r = Request::get("/get/doc")
        .bearer(TOKEN)
        .header("Upstash-Encoding", "base64")
        .send(s.addr());
    assert_eq!(r.json(), json!({"result": b64(body)}));
    // PUT is not one of serve's methods: 405, and nothing runs.
    let r = Request::new("PUT", "/set/put")
        .body(b"v")
        .bearer(TOKEN)
        .send(s.addr());
    assert_eq!(r.status, 405);
    assert_eq!(s.get("/get/put").json(), json!({"result": null}));
}

#[test]
fn base64_encoding_covers_every_string_but_a_top_level_ok() {
    let s = Serve::start();
    let enc = |path: &str, body: Value| {
        Request::post(path, body.to_string())
            .bearer(TOKEN)
            .header("Upstash-Encoding", "base64")
            .send(s.addr())
            .json()
    };
    assert_eq!(
        enc("/", json!(["SET", "k", "bar"])),
        json!({"result": "OK"})
    );
    assert_eq!(enc("/", json!(["GET", "k"])), json!({"result": "YmFy"}));
    assert_eq!(enc("/", json!(["PING"])), json!({"result": b64(b"PONG")}));
    assert_eq!(enc("/", json!(["INCR", "n"])), json!({"result": 1}));
    assert_eq!(enc("/", json!(["GET", "nope"])), json!({"result": null}));
    s.cmd(json!(["SET", "ok", "OK"]));
    assert_eq!(
        enc("/", json!(["MGET", "k", "nope", "ok"])),
        json!({"result": ["YmFy", null, "T0s="]})
    );
    assert_eq!(
        enc(
            "/pipeline",
            json!([["SET", "k", "x"], ["GET", "k"], ["INCR", "k"]])
        ),
        json!([{"result": "OK"}, {"result": "eA=="}, {"error": "ERR value is not an integer or out of range"}])
    );
    // Without the header, invalid UTF-8 becomes U+FFFD, as on Upstash.
    s.get("/set/bin/a%FFb");
    assert_eq!(s.get("/get/bin").json(), json!({"result": "a\u{fffd}b"}));
    // Unicode survives both ways.
    s.cmd(json!(["SET", "u", "日本語 😀"]));
    assert_eq!(
        s.cmd(json!(["GET", "u"])).json(),
        json!({"result": "日本語 😀"})
    );
    assert_eq!(
        enc("/", json!(["GET", "u"])),
        json!({"result": b64("日本語 😀".as_bytes())})
    );
}

#[test]
fn pipeline_returns_one_result_or_error_per_command_in_order() {
    let s = Serve::start();
    let r = s.post(
        "/pipeline",
        &json!([
            ["SET", "k", "v"],
            ["SETEX", "k2", 13, "z"],
            ["INCR", "k"],
            ["ZADD", "z", 11, "a", 22, "b"],
            ["BLPOP", "q", 0],
            ["GET", "k"]
        ])
        .to_string(),
        TOKEN,
    );
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v[0], json!({"result": "OK"}));
    assert_eq!(v[1], json!({"result": "OK"}));
    assert_eq!(
        v[2],
        json!({"error": "ERR value is not an integer or out of range"})
    );
    assert_eq!(v[3], json!({"result": 2}));
    assert!(
        v[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("ERR Command is not available: 'BLPOP'"),
        "{v}"
    );
    assert_eq!(v[5], json!({"result": "v"}));
    assert_eq!(v.as_array().map(Vec::len), Some(6));

    let r = s.post("/pipeline", "[]", TOKEN);
    assert_eq!(r.status, 400);
    assert!(r.error().contains("empty pipeline"));
    let r = s.post("/pipeline", r#"["GET","k"]"#, TOKEN);
    assert_eq!(r.status, 400, "a 1-D array is not a pipeline");
}

#[test]
fn multi_exec_runs_atomically_or_not_at_all() {
    let s = Serve::start();
    let r = s.post(
        "/multi-exec",
        &json!([["SET", "k", "v"], ["INCR", "k"], ["SET", "k2", "w"]]).to_string(),
        TOKEN,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!([{"result": "OK"}, {"error": "ERR value is not an integer or out of range"}, {"result": "OK"}])
    );

    // A command Redis cannot queue discards the whole transaction: nothing ran.
    let r = s.post(
        "/multi-exec",
        &json!([["SET", "t", "1"], ["INCR"]]).to_string(),
        TOKEN,
    );
    assert_eq!(r.status, 400);
    assert!(r.error().starts_with("EXECABORT"), "{}", r.error());
    assert_eq!(s.cmd(json!(["EXISTS", "t"])).json(), json!({"result": 0}));

    // So does a command the REST API does not offer.
    let r = s.post(
        "/multi-exec",
        &json!([["SET", "t", "1"], ["WATCH", "t"]]).to_string(),
        TOKEN,
    );
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("Command is not available: 'WATCH'"),
        "{}",
        r.error()
    );
    assert_eq!(s.cmd(json!(["EXISTS", "t"])).json(), json!({"result": 0}));
}

#[test]
fn multi_exec_is_never_observed_half_done() {
    let s = Serve::start();
    s.cmd(json!(["MSET", "a", 0, "b", 0]));
    let addr = s.addr();
    let writer = thread::spawn(move || {
        for _ in 0..200 {
            let r = Request::post(
                "/multi-exec",
                json!([["INCR", "a"], ["INCR", "b"]]).to_string(),
            )
            .bearer(TOKEN)
            .send(addr);
            assert_eq!(r.status, 200);
        }
    });
    let mut reads = 0;
    while !writer.is_finished() || reads < 50 {
        let v = s.cmd(json!(["MGET", "a", "b"])).json();
        assert_eq!(
            v["result"][0], v["result"][1],
            "a transaction was seen half applied: {v}"
        );
        reads += 1;
    }
    writer.join().expect("writer thread");
    assert_eq!(
        s.cmd(json!(["MGET", "a", "b"])).json(),
        json!({"result": ["200", "200"]})
    );
}

// ---------------------------------------------------------------------------------------
// Auth, methods, limits

#[test]
fn tokens_come_from_the_bearer_header_or_the_query() {
    let s = Serve::start();
    let r = Request::get("/ping").send(s.addr());
    assert_eq!(
        (r.status, r.error().as_str()),
        (401, "WRONGPASS invalid or missing auth token")
    );
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        Request::get("/ping").bearer("wrong").send(s.addr()).status,
        401
    );
    assert_eq!(
        Request::get("/ping")
            .header("Authorization", &format!("Basic {TOKEN}"))
            .send(s.addr())
            .status,
        401
    );
    assert_eq!(
        Request::get(&format!("/ping?_token={TOKEN}x"))
            .send(s.addr())
            .status,
        401
    );
    let r = Request::get("/ping")
        .header("Authorization", &format!("bearer {TOKEN}"))
        .send(s.addr());
    assert_eq!((r.status, r.json()), (200, json!({"result": "PONG"})));
    let r = Request::get(&format!("/ping?_token={TOKEN}")).send(s.addr());
    assert_eq!((r.status, r.json()), (200, json!({"result": "PONG"})));
    // 401 comes before anything about the request itself.
    assert_eq!(Request::post("/", b"not json").send(s.addr()).status, 401);
}

#[test]
fn with_no_auth_loopback_serve_is_open() {
    let s = Serve::start_with(|mut c| {
        c.token = None;
        c.readonly_token = None;
        c.no_auth(true)
    });
    assert_eq!(
        Request::get("/ping").send(s.addr()).json(),
        json!({"result": "PONG"})
    );
    assert_eq!(
        Request::get("/ping")
            .bearer("anything")
            .send(s.addr())
            .status,
        200
    );
}

#[test]
fn other_methods_are_405_and_preflights_get_cors_headers() {
    let s = Serve::start_with(|c| c.cors_origin("http://localhost:3000"));
    for method in ["DELETE", "PATCH", "PUT", "TRACE", "BREW"] {
        let r = Request::new(method, "/ping").bearer(TOKEN).send(s.addr());
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, POST, OPTIONS"));
        assert!(r.error().contains("not allowed"));
    }
    let r = s.get("/pipeline");
    assert_eq!((r.status, r.header("allow")), (405, Some("POST")));
    let r = Request::new("OPTIONS", "/")
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type, upstash-encoding, x-not-upstash",
        )
        .send(s.addr());
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization, content-type, upstash-encoding"),
        "only the headers the Upstash clients send"
    );
    // A request from the allowed origin gets the CORS header on its reply.
    let r = Request::post("/", br#"["PING"]"#)
        .bearer(TOKEN)
        .header("Origin", "http://localhost:3000")
        .send(s.addr());
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    // Without an Origin: no CORS header at all, never `*`.
    assert_eq!(s.get("/ping").header("access-control-allow-origin"), None);
}

#[test]
fn malformed_requests_are_400_json_never_a_panic() {
    let s = Serve::start();
    let bodies: &[&[u8]] = &[
        b"",
        b"{",
        b"[",
        b"{}",
        b"[]",
        b"\"GET\"",
        b"[null]",
        b"[\"SET\",\"k\",{\"a\":1}]",
        b"[\"SET\",\"k\",[1]]",
        b"[\"GET\",\"k\"] trailing",
        b"\xff\xfe\x00",
        b"[\"GET\",\"\xff\"]",
    ];
    for body in bodies {
        let r = Request::post("/", body).bearer(TOKEN).send(s.addr());
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(body));
        assert!(r.error().starts_with("ERR "), "{}", r.error());
    }
    // Deep nesting stops at serde_json's recursion limit.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(s.post("/pipeline", &deep, TOKEN).status, 400);
    // GET / carries no command.
    assert_eq!(s.get("/").status, 400);
    // The server still works.
    assert_eq!(s.cmd(json!(["PING"])).status, 200);
}

#[test]
fn huge_arrays_are_refused_with_400() {
    let s = Serve::start();
    let body = format!("[{}]", vec![r#"["PING"]"#; 100_001].join(","));
    let r = s.post("/pipeline", &body, TOKEN);
    assert_eq!(r.status, 400);
    assert!(r.error().contains("too many commands"), "{}", r.error());
    let body = format!(r#"["DEL"{}]"#, ",1".repeat(1 << 20));
    let r = s.post("/", &body, TOKEN);
    assert_eq!(r.status, 400);
    assert!(r.error().contains("too many arguments"), "{}", r.error());
}

#[test]
fn bodies_over_10_mib_are_413() {
    let s = Serve::start();
    let limit = upwire::serve::MAX_BODY_BYTES;
    // Declared too large: refused before the body is read.
    let head = format!(
        "POST /set/big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n",
        limit + 1
    );
    let r = raw(s.addr(), head.as_bytes());
    assert_eq!(r.status, 413);
    assert!(r.error().contains("10 MiB"), "{}", r.error());
    // Chunked, so the size shows only while reading.
    let mut req = format!(
        "POST /set/big HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..11 {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let r = raw_tolerant(s.addr(), &req);
    assert_eq!(r.status, 413);
    // Exactly 10 MiB is fine, and binary-safe.
    let body = vec![0xabu8; limit];
    let r = Request::post("/set/big", &body)
        .bearer(TOKEN)
        .send(s.addr());
    assert_eq!(r.status, 200);
    assert_eq!(
        s.cmd(json!(["STRLEN", "big"])).json(),
        json!({"result": limit})
    );
}

#[test]
fn header_size_and_idle_time_are_bounded() {
    let s = Serve::start_with(|mut c| {
        c.timeouts.header_read = Duration::from_millis(500);
        c.timeouts.body_read = Duration::from_millis(500);
        c
    });
    // A head over 64 KiB.
    let big = "x".repeat(70 * 1024);
    let r = raw_tolerant(
        s.addr(),
        format!("GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 431);
    assert!(r.error().contains("64 KiB"), "{}", r.error());
    // A connection that sends nothing is closed.
    let start = Instant::now();
    let mut idle = TcpStream::connect(s.addr()).expect("connect");
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "idle connection open for {:?}",
        start.elapsed()
    );
    // So is a keep-alive connection after its request.
    let mut conn = TcpStream::connect(s.addr()).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    conn.write_all(
        format!("GET /ping HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
            .as_bytes(),
    )
    .expect("send");
    let start = Instant::now();
    let mut all = Vec::new();
    let _ = conn.read_to_end(&mut all);
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
    assert!(start.elapsed() < Duration::from_secs(5));
    // A body that does not arrive in time is 408.
    let r = raw_tolerant(
        s.addr(),
        format!("POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n[\"PING\"").as_bytes(),
    );
    assert_eq!(r.status, 408);
}

// ---------------------------------------------------------------------------------------
// Commands: read-only token, unsupported commands

#[test]
fn readonly_token_reads_but_cannot_write() {
    let s = Serve::start();
    s.cmd(json!(["SET", "k", "v"]));
    s.cmd(json!(["ZADD", "z", 1, "a"]));
    let ro = |body: Value| s.post("/", &body.to_string(), READONLY_TOKEN);
    assert_eq!(ro(json!(["GET", "k"])).json(), json!({"result": "v"}));
    assert_eq!(
        ro(json!(["ZRANGE", "z", 0, -1, "WITHSCORES"])).json(),
        json!({"result": ["a", "1"]})
    );
    assert_eq!(ro(json!(["OBJECT", "ENCODING", "k"])).status, 200);
    assert_eq!(ro(json!(["PING"])).json(), json!({"result": "PONG"}));
    assert_eq!(ro(json!(["TIME"])).status, 200);
    for write in [
        json!(["SET", "k", "w"]),
        json!(["DEL", "k"]),
        json!(["ZADD", "z", 2, "b"]),
        json!(["EXPIRE", "k", 1]),
        json!(["FLUSHALL"]),
        json!(["EVAL", "return 1", 0]),
        json!(["CONFIG", "SET", "maxmemory", "1"]),
        json!(["PUBLISH", "c", "m"]),
        json!(["KEYS", "*"]),
        json!(["NOSUCHCOMMAND"]),
        json!(["EVAL_RO", "return 1", 0]),
        json!(["MEMORY", "PURGE"]),
        json!(["INFO"]),
    ] {
        let r = ro(write.clone());
        assert_eq!(r.status, 400, "{write}");
        assert!(
            r.error()
                .starts_with("NOPERM this user has no permissions to run the '"),
            "{}",
            r.error()
        );
    }
    assert_eq!(
        s.cmd(json!(["GET", "k"])).json(),
        json!({"result": "v"}),
        "nothing was written"
    );
    let v = s
        .post(
            "/pipeline",
            &json!([["GET", "k"], ["SET", "k", "x"]]).to_string(),
            READONLY_TOKEN,
        )
        .json();
    assert_eq!(v[0], json!({"result": "v"}));
    assert!(v[1]["error"].as_str().unwrap().starts_with("NOPERM"));
    let r = s.post(
        "/multi-exec",
        &json!([["GET", "k"], ["SET", "k", "x"]]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.status, 400);
    assert!(r.error().starts_with("NOPERM"));
    // Path style too.
    let r = Request::get(&format!("/set/k/y?_token={READONLY_TOKEN}")).send(s.addr());
    assert_eq!(r.status, 400);
    assert_eq!(s.cmd(json!(["GET", "k"])).json(), json!({"result": "v"}));
}

#[test]
fn unsupported_commands_are_400_like_upstash() {
    let s = Serve::start();
    for command in [
        json!(["BLPOP", "q", 0]),
        json!(["BRPOP", "q", 0]),
        json!(["BRPOPLPUSH", "a", "b", 0]),
        json!(["BLMOVE", "a", "b", "LEFT", "RIGHT", 0]),
        json!(["BZPOPMIN", "z", 0]),
        json!(["BZPOPMAX", "z", 0]),
        json!(["XREAD", "BLOCK", 0, "STREAMS", "s", "$"]),
        json!([
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            0,
            "STREAMS",
            "s",
            ">"
        ]),
        json!(["WATCH", "k"]),
        json!(["UNWATCH"]),
        json!(["DISCARD"]),
        json!(["MULTI"]),
        json!(["EXEC"]),
        json!(["AUTH", "x"]),
        json!(["SELECT", 1]),
        json!(["HELLO", 3]),
        json!(["CLIENT", "REPLY", "OFF"]),
        json!(["QUIT"]),
        json!(["SUBSCRIBE", "c"]),
        json!(["PSUBSCRIBE", "c*"]),
        json!(["MONITOR"]),
    ] {
        let r = s.cmd(command.clone());
        assert_eq!(r.status, 400, "{command}");
        let name = command[0].as_str().unwrap();
        assert!(
            r.error()
                .starts_with(&format!("ERR Command is not available: '{name}'")),
            "{}",
            r.error()
        );
    }
    // Non-blocking XREAD, PING, ECHO and PUBLISH are fine.
    assert_eq!(s.cmd(json!(["XREAD", "STREAMS", "s", "0"])).status, 200);
    assert_eq!(
        s.cmd(json!(["PUBLISH", "c", "m"])).json(),
        json!({"result": 0})
    );
    // The connection shared by all requests is unharmed.
    assert_eq!(s.cmd(json!(["PING"])).json(), json!({"result": "PONG"}));
}

/// The fixed list of unsupported commands covers every command this Redis puts into the
/// categories the REST API leaves out, so a newer Redis cannot slip one past it.
#[test]
fn unsupported_list_covers_redis_own_categories() {
    let s = Serve::start();
    let table = s.cmd(json!(["COMMAND"])).json();
    let entries = table["result"]
        .as_array()
        .expect("COMMAND returns an array");
    let mut checked = 0;
    for entry in entries {
        let name = entry[0].as_str().unwrap_or_default().to_ascii_lowercase();
        let categories: Vec<&str> = entry[6]
            .as_array()
            .map(|c| c.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let excluded = categories.contains(&"@transaction")
            || (categories.contains(&"@connection")
                && !["ping", "echo", "command"].contains(&name.as_str()))
            || (categories.contains(&"@blocking")
                && !["xread", "xreadgroup"].contains(&name.as_str()))
            || name.ends_with("subscribe")
            || ["monitor", "sync", "psync"].contains(&name.as_str());
        if excluded {
            let r = s.cmd(json!([name]));
            assert_eq!(r.status, 400, "{name}");
            assert!(
                r.error().contains("Command is not available"),
                "{name}: {}",
                r.error()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 25,
        "only {checked} commands checked; is COMMAND's layout as expected?"
    );
}

// ---------------------------------------------------------------------------------------
// Resilience

#[test]
fn survives_a_redis_restart() {
    let mut s = Serve::start();
    assert_eq!(s.cmd(json!(["SET", "k", "before"])).status, 200);
    s.redis.kill();
    // During the outage: a JSON 503, quickly.
    for _ in 0..3 {
        let start = Instant::now();
        let r = s.cmd(json!(["GET", "k"]));
        assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
        assert!(r.error().contains("is unavailable"), "{}", r.error());
        assert!(r.error().contains(&s.redis.addr().to_string()));
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "took {:?}",
            start.elapsed()
        );
    }
    let r = s.post("/multi-exec", &json!([["INCR", "x"]]).to_string(), TOKEN);
    assert_eq!(r.status, 503);
    s.redis.restart();
    // Back: requests succeed again without restarting serve.
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.cmd(json!(["PING"])).status != 200 {
        assert!(Instant::now() < deadline, "serve did not reconnect");
        thread::sleep(Duration::from_millis(50));
    }
    for i in 0..20 {
        assert_eq!(
            s.cmd(json!(["SET", "k", i])).json(),
            json!({"result": "OK"})
        );
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = s.post(
            "/multi-exec",
            &json!([["INCR", "x"], ["GET", "k"]]).to_string(),
            TOKEN,
        );
        if r.status == 200 {
            assert_eq!(r.json()[1], json!({"result": "19"}));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "multi-exec did not recover: {}",
            r.error()
        );
    }
    let r = s.post(
        "/pipeline",
        &json!([["GET", "k"]]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.json(), json!([{"result": "19"}]));
}

#[test]
fn redis_that_never_answers_gets_504_within_the_deadline() {
    let s = Serve::start_with(|mut c| {
        c.timeouts.redis_command = Duration::from_millis(500);
        c.timeouts.redis_connect = Duration::from_millis(500);
        c
    });
    assert_eq!(s.cmd(json!(["PING"])).status, 200);
    s.redis.pause(true);
    let start = Instant::now();
    let r = s.cmd(json!(["GET", "k"]));
    let took = start.elapsed();
    s.redis.pause(false);
    assert_eq!(r.status, 504, "{}", String::from_utf8_lossy(&r.body));
    assert!(
        r.error().contains("did not answer within 500 ms"),
        "{}",
        r.error()
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn redis_not_up_yet_is_503_not_a_startup_failure() {
    let port = free_port();
    let handle = spawn(
        ServeConfig::new(format!("redis://127.0.0.1:{port}"))
            .no_auth(true)
            .quiet(true),
    )
    .expect("serve starts without Redis");
    let start = Instant::now();
    let r = Request::get("/ping").send(handle.addr());
    assert_eq!(r.status, 503);
    assert!(start.elapsed() < Duration::from_secs(3));
    handle.shutdown();
}

// ---------------------------------------------------------------------------------------
// Safety and the command line

#[test]
fn refuses_a_public_address_without_a_token() {
    let config =
        ServeConfig::new("redis://127.0.0.1:6379").listen(SocketAddr::from(([0, 0, 0, 0], 0)));
    assert!(matches!(
        spawn(config),
        Err(ServeError::PublicWithoutToken { .. })
    ));
    let config = ServeConfig::new("redis://127.0.0.1:6379")
        .listen(SocketAddr::from(([0, 0, 0, 0], 0)))
        .no_auth(true);
    assert!(matches!(
        spawn(config),
        Err(ServeError::NoAuthPublic { .. })
    ));
    // TLS without certificate checks is refused (--ca-file trusts a private CA instead).
    let config = ServeConfig::new("rediss://default:secret@127.0.0.1:6379/#insecure");
    let e = spawn(config).expect_err("#insecure is refused").to_string();
    assert!(e.contains("****") && !e.contains("secret"), "{e}");

    let out = upwire()
        .args([
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--redis",
            "redis://127.0.0.1:1",
        ])
        .env_remove("UPWIRE_SERVE_TOKEN")
        .output()
        .expect("upwire runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without a token"),
        "{stderr}"
    );
    // --no-auth on a public address: exit 2 and why.
    let out = upwire()
        .args([
            "serve",
            "--no-auth",
            "--listen",
            "0.0.0.0:0",
            "--redis",
            "redis://127.0.0.1:1",
        ])
        .env_remove("UPWIRE_SERVE_TOKEN")
        .env_remove("UPWIRE_SERVE_READONLY_TOKEN")
        .output()
        .expect("upwire runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing --no-auth on 0.0.0.0:0") && stderr.contains("loopback only"),
        "{stderr}"
    );
}

#[test]
fn cli_logs_one_line_per_request_without_secrets() {
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let _ = serve.next_line(); // the UPSTASH_REDIS_REST_URL hint
    let secret_value = "s3cr3t-value-in-path";
    let r = Request::get(&format!("/set/session/{secret_value}?_token={TOKEN}")).send(serve.addr);
    assert_eq!(r.status, 200);
    let line = serve.next_line();
    assert!(line.contains("\"GET /set/…\" SET 200"), "{line}");
    let r = Request::post("/", json!(["SET", "k", secret_value]).to_string())
        .bearer(TOKEN)
        .send(serve.addr);
    assert_eq!(r.status, 200);
    let line2 = serve.next_line();
    assert!(line2.contains("\"POST /\" SET 200"), "{line2}");
    let r = Request::get("/ping").bearer("nope").send(serve.addr);
    assert_eq!(r.status, 401);
    let line3 = serve.next_line();
    assert!(line3.contains(" 401 "), "{line3}");
    for l in [&line, &line2, &line3] {
        assert!(
            !l.contains(TOKEN) && !l.contains(secret_value) && !l.contains("nope"),
            "secret in log: {l}"
        );
    }
}

#[test]
fn cli_quiet_logs_nothing_per_request_and_sigterm_drains_in_flight_requests() {
    let redis = RedisServer::with_config(&["enable-debug-command yes"]);
    let mut serve = ServeProcess::start(
        &redis.url(None, None),
        &ServeOptions::tokens().arg("--quiet"),
    );
    let _ = serve.next_line();
    assert_eq!(
        Request::get("/ping").bearer(TOKEN).send(serve.addr).status,
        200
    );
    // A request still running when SIGTERM arrives completes.
    let addr = serve.addr;
    let slow = thread::spawn(move || {
        Request::post("/", br#"["DEBUG","SLEEP","0.6"]"#)
            .bearer(TOKEN)
            .send(addr)
    });
    thread::sleep(Duration::from_millis(200));
    serve.signal("-TERM");
    let r = slow.join().expect("slow request thread");
    assert_eq!((r.status, r.json()), (200, json!({"result": "OK"})));
    assert_eq!(serve.wait(Duration::from_secs(5)), Some(0));
    let rest = serve.remaining_lines();
    assert!(
        rest.iter()
            .all(|l| !l.contains("\" PING ") && !l.contains("/ping")),
        "--quiet logged requests: {rest:?}"
    );
    assert!(
        rest.iter().any(|l| l.contains("signal received")),
        "{rest:?}"
    );
    assert!(rest.iter().any(|l| l.ends_with("stopped")), "{rest:?}");
}

#[test]
fn spawn_gives_tests_a_url_and_stops_on_shutdown() {
    let redis = RedisServer::plain();
    let handle = spawn_quiet(redis.url(None, None), TOKEN);
    let url = handle.url();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    let addr = handle.addr();
    assert_eq!(Request::get("/ping").bearer(TOKEN).send(addr).status, 200);
    handle.shutdown();
    // Nothing answers as this serve any more. (The port may already belong to a server that
    // a test running in parallel started: the OS hands freed ports out again. So a connection
    // alone proves nothing; a PONG for our token would.)
    if let Some(r) = Request::get("/ping").bearer(TOKEN).try_send(addr) {
        assert!(
            !r.text().contains("PONG"),
            "serve still answers after shutdown"
        );
    }
}

/// Runs a compat/ script with the binary under test; its output, asserting it succeeded.
fn compat_script(script: &str) -> String {
    let root = root();
    let out = Command::new("bash")
        .arg(root.join("compat").join(script))
        .env("UPWIRE_BIN", env!("CARGO_BIN_EXE_upwire"))
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("bash runs compat/{script}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "compat/{script} failed ({:?}):\n{stdout}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The official `@upstash/redis` client against `upwire serve` (compat/run.sh: node's test
/// runner, its own redis-server and serve). Needs `npm ci` in compat/ first, as `.ci/run` does.
#[test]
fn upstash_redis_client_compat_suite() {
    if !tier::require(Group::Node) {
        return;
    }
    compat_script("run.sh");
}

/// 20 rounds of 1000 concurrent commands from `@upstash/redis` under node and under bun,
/// against serve with its default settings (compat/burst.sh): none rejected, though node's
/// fetch opens a socket per command in flight and keeps them all (idle connections give their
/// slot up).
#[test]
fn upstash_redis_bursts_from_node_and_bun_are_all_served() {
    if !tier::require(Group::Node) {
        return;
    }
    let out = compat_script("burst.sh");
    let rounds: Vec<&str> = out.lines().filter(|l| l.starts_with("burst (")).collect();
    // Two modes under node, two under bun (where npm's bun package runs).
    assert!(rounds.len() >= 2, "{out}");
    for line in rounds {
        assert!(
            line.contains(": 0 rejected, counter 20000 of 20000"),
            "{line}"
        );
    }
}
