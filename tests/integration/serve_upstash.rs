//! `upwire serve` as a drop-in Upstash over raw HTTP against a real
//! `redis-server`: scripts with Upstash's shebang flag and the client's hashes of them,
//! `SCAN ... WITHTYPE`, `Upstash-Response-Format: resp2`, `Upstash-Sync-Token`, and the
//! read-only token's refusal of `SCAN` and `KEYS`. The official clients are tried in
//! `compat/` (`ratelimit.test.mjs`, `upstash.test.mjs`).

#![cfg(feature = "serve")]

use serde_json::{Value, json};

use crate::support::http::{Reply, Request, raw_tolerant};
use crate::support::serve::{READONLY_TOKEN, Serve, TOKEN};

/// `method target` with `headers` and `body`, on a fresh connection.
fn http(
    addr: std::net::SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Reply {
    let mut request = Request::new(method, target);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    request.send(addr)
}

const RESP2: (&str, &str) = ("Upstash-Response-Format", "resp2");

/// The SHA-1 a client computes from a script's text, as Redis computes it.
fn sha1(s: &Serve, text: &str) -> String {
    let r = s.cmd(json!(["EVAL", "return redis.sha1hex(ARGV[1])", 0, text]));
    r.json()["result"].as_str().unwrap().to_owned()
}

fn result(r: &Reply) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["result"].clone()
}

// ---------------------------------------------------------------------------------------
// Scripts

const LOCKING: &str =
    "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";

#[test]
fn upstash_shebang_flags_are_removed_and_redis_own_flags_kept() {
    let s = Serve::start();
    assert_eq!(
        result(&s.cmd(json!(["EVAL", LOCKING, 1, "n", 2]))),
        json!(2)
    );
    assert_eq!(
        result(&s.cmd(json!([
            "EVAL_RO",
            "#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1])",
            1,
            "n"
        ]))),
        json!("2")
    );
    // no-writes is Redis's and stays: the script cannot write.
    let r = s.cmd(json!([
        "EVAL",
        "#!lua flags=no-writes,allow-key-locking\nreturn redis.call('SET', KEYS[1], 'x')",
        1,
        "n"
    ]));
    assert_eq!(r.status, 400);
    assert!(
        r.error()
            .starts_with("ERR Write commands are not allowed from read-only scripts"),
        "{}",
        r.error()
    );
    // Redis's own errors for what is not Upstash's.
    for (script, error) in [
        (
            "#!lua flags=allow-key-locking,bogus\nreturn 1",
            "ERR Unexpected flag in script shebang: bogus",
        ),
        (
            "#!lua flags=bogus\nreturn 1",
            "ERR Unexpected flag in script shebang: bogus",
        ),
        (
            "#!lua name=lib flags=allow-key-locking\nreturn 1",
            "ERR Unknown lua shebang option: name=lib",
        ),
        (
            "#!python flags=allow-key-locking\nreturn 1",
            "ERR Unexpected engine in script shebang: #!python",
        ),
        (
            "#!lua flags=allow-key-locking",
            "ERR Invalid script shebang",
        ),
    ] {
        let r = s.cmd(json!(["EVAL", script, 0]));
        assert_eq!(r.status, 400, "{script}");
        assert_eq!(r.error(), error, "{script}");
    }
    // The key was written once only.
    assert_eq!(result(&s.cmd(json!(["GET", "n"]))), json!("2"));
}

#[test]
fn evalsha_runs_by_the_client_hash_in_every_route_and_worker() {
    let s = Serve::start();
    let client = sha1(&s, LOCKING);
    // Not known yet: NOSCRIPT, as Upstash answers, so clients fall back to EVAL.
    let r = s.cmd(json!(["EVALSHA", client, 1, "n", 1]));
    assert_eq!(r.status, 400);
    assert_eq!(r.error(), "NOSCRIPT No matching script. Please use EVAL.");
    assert_eq!(
        result(&s.cmd(json!(["EVAL", LOCKING, 1, "n", 1]))),
        json!(1)
    );
    // Every request on a fresh connection, so the workers take turns: the map is shared.
    for i in 2..10 {
        assert_eq!(
            result(&s.cmd(json!(["EVALSHA", client.to_uppercase(), 1, "n", 1]))),
            json!(i)
        );
    }
    let v = s
        .post(
            "/pipeline",
            &json!([
                ["EVALSHA", client, 1, "n", 1],
                ["SCRIPT", "EXISTS", client, "0".repeat(40)]
            ])
            .to_string(),
            TOKEN,
        )
        .json();
    assert_eq!(v, json!([{"result": 10}, {"result": [1, 0]}]));
    let v = s.post(
        "/multi-exec",
        &json!([
            ["EVALSHA", client, 1, "n", 1],
            [
                "EVALSHA_RO",
                sha1(&s, "#!lua flags=allow-key-locking\nreturn 'ro'"),
                0
            ]
        ])
        .to_string(),
        TOKEN,
    );
    assert_eq!(v.status, 200);
    assert_eq!(v.json()[0], json!({"result": 11}));
    assert!(
        v.json()[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("NOSCRIPT")
    );
    // An unknown hash, or no hash at all: Redis's answers.
    let r = s.cmd(json!(["EVALSHA", "f".repeat(40), 0]));
    assert_eq!(r.error(), "NOSCRIPT No matching script. Please use EVAL.");
    let r = s.cmd(json!(["EVALSHA", "short", 0]));
    assert!(r.error().starts_with("NOSCRIPT"), "{}", r.error());
}

#[test]
fn script_load_answers_the_client_hash_and_script_flush_forgets() {
    let s = Serve::start();
    let text = "#!lua flags=allow-key-locking\nreturn 'loaded'";
    let client = sha1(&s, text);
    assert_eq!(
        result(&s.cmd(json!(["SCRIPT", "LOAD", text]))),
        json!(client)
    );
    assert_eq!(
        result(&s.cmd(json!(["script", "exists", client]))),
        json!([1])
    );
    assert_eq!(
        result(&s.cmd(json!(["EVALSHA", client, 0]))),
        json!("loaded")
    );
    let body = json!([["SCRIPT", "LOAD", text], ["EVALSHA", client, 0]]).to_string();
    for route in ["/pipeline", "/multi-exec"] {
        let v = s.post(route, &body, TOKEN).json();
        assert_eq!(
            v,
            json!([{"result": client}, {"result": "loaded"}]),
            "{route}"
        );
    }
    // Scripts without Upstash's flag are Redis's own: its hash is the client's anyway.
    let plain = "return 'plain'";
    assert_eq!(
        result(&s.cmd(json!(["SCRIPT", "LOAD", plain]))),
        json!(sha1(&s, plain))
    );

    assert_eq!(result(&s.cmd(json!(["SCRIPT", "FLUSH"]))), json!("OK"));
    assert_eq!(
        result(&s.cmd(json!(["SCRIPT", "EXISTS", client]))),
        json!([0])
    );
    let r = s.cmd(json!(["EVALSHA", client, 0]));
    assert_eq!(r.error(), "NOSCRIPT No matching script. Please use EVAL.");
    // Back by EVAL, as every Upstash client does on NOSCRIPT.
    assert_eq!(result(&s.cmd(json!(["EVAL", text, 0]))), json!("loaded"));
    assert_eq!(
        result(&s.cmd(json!(["EVALSHA", client, 0]))),
        json!("loaded")
    );
}

#[test]
fn readonly_scripts_with_the_flag_run_by_the_client_hash() {
    let s = Serve::start_with(|c| c.readonly_scripts(true));
    s.cmd(json!(["SET", "k", "v"]));
    let text = "#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1])";
    let ro = |body: Value| s.post_with("/", &body.to_string(), READONLY_TOKEN, &[]);
    assert_eq!(result(&ro(json!(["EVAL_RO", text, 1, "k"]))), json!("v"));
    assert_eq!(
        result(&ro(json!(["EVALSHA_RO", sha1(&s, text), 1, "k"]))),
        json!("v")
    );
    // Still no EVAL, and no SCRIPT LOAD, for the read-only token.
    for refused in [
        json!(["EVAL", text, 1, "k"]),
        json!(["SCRIPT", "LOAD", text]),
    ] {
        let r = ro(refused.clone());
        assert_eq!(r.status, 400, "{refused}");
        assert!(r.error().starts_with("NOPERM"), "{}", r.error());
    }
}

#[test]
fn a_huge_script_is_bounded_by_the_body_limit() {
    let s = Serve::start();
    // Just under 10 MiB: stripped and run.
    let padding = "-".repeat(9 * 1024 * 1024);
    let big = format!("#!lua flags=allow-key-locking\nreturn 'big' --{padding}");
    assert_eq!(result(&s.cmd(json!(["EVAL", big, 0]))), json!("big"));
    assert_eq!(
        result(&s.cmd(json!(["EVALSHA", sha1(&s, &big), 0]))),
        json!("big")
    );
    // Over it: 413 before anything is read (serve may answer before the body is sent).
    let huge = json!(["EVAL", format!("{big}{}", "-".repeat(2 * 1024 * 1024)), 0]).to_string();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n",
        huge.len()
    )
    .into_bytes();
    request.extend_from_slice(huge.as_bytes());
    let r = raw_tolerant(s.addr(), &request);
    assert_eq!(r.status, 413);
    assert!(r.error().contains("10 MiB"), "{}", r.error());
}

// ---------------------------------------------------------------------------------------
// SCAN and KEYS

/// Redis refuses `COPY k k`; Upstash answers 0 (nothing copied), in every route.
#[test]
fn copy_of_a_key_to_itself_answers_zero_as_upstash_does() {
    let s = Serve::start();
    s.cmd(json!(["SET", "k", "v"]));
    assert_eq!(result(&s.cmd(json!(["COPY", "k", "k"]))), json!(0));
    assert_eq!(
        result(&s.cmd(json!(["copy", "k", "k", "REPLACE"]))),
        json!(0)
    );
    let v = s
        .post_with(
            "/pipeline",
            &json!([["COPY", "k", "k"], ["COPY", "k", "k2"]]).to_string(),
            TOKEN,
            &[],
        )
        .json();
    assert_eq!(v, json!([{"result": 0}, {"result": 1}]));
    let v = s
        .post_with(
            "/multi-exec",
            &json!([["COPY", "k", "k"], ["GET", "k2"]]).to_string(),
            TOKEN,
            &[],
        )
        .json();
    assert_eq!(v, json!([{"result": 0}, {"result": "v"}]));
    // Other COPY errors are Redis's.
    let r = s.cmd(json!(["COPY", "k", "k", "BOGUS"]));
    assert_eq!((r.status, r.error()), (400, "ERR syntax error".to_owned()));
}

#[test]
fn scan_withtype_answers_each_key_with_its_type() {
    let s = Serve::start();
    s.cmd(json!(["SET", "k:s", "a"]));
    s.cmd(json!(["HSET", "k:h", "f", 1]));
    s.cmd(json!(["RPUSH", "k:l", "x"]));
    s.cmd(json!(["SET", "other", "b"]));
    let pairs = |v: &Value| -> Vec<(String, String)> {
        let flat = v[1].as_array().unwrap();
        let mut pairs: Vec<_> = flat
            .chunks(2)
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    };
    let v = result(&s.cmd(json!([
        "SCAN", 0, "MATCH", "k:*", "COUNT", 1000, "WITHTYPE"
    ])));
    assert_eq!(v[0], json!("0"));
    assert_eq!(
        pairs(&v),
        [
            ("k:h".into(), "hash".into()),
            ("k:l".into(), "list".into()),
            ("k:s".into(), "string".into())
        ]
    );
    // With TYPE too, in any order and case, and by path style.
    let v = result(&s.cmd(json!([
        "scan", 0, "withtype", "type", "list", "count", 1000
    ])));
    assert_eq!(pairs(&v), [("k:l".into(), "list".into())]);
    let v = result(&s.get("/scan/0/WITHTYPE/MATCH/other"));
    assert_eq!(pairs(&v), [("other".into(), "string".into())]);
    // In a pipeline and a transaction.
    let body = json!([
        ["SCAN", 0, "MATCH", "k:s", "WITHTYPE"],
        ["SCAN", 0, "MATCH", "k:s"]
    ])
    .to_string();
    for route in ["/pipeline", "/multi-exec"] {
        let v = s.post(route, &body, TOKEN).json();
        assert_eq!(v[0]["result"], json!(["0", ["k:s", "string"]]), "{route}");
        assert_eq!(v[1]["result"], json!(["0", ["k:s"]]), "{route}");
    }
    // Redis's own errors.
    let r = s.cmd(json!(["SCAN", "x", "WITHTYPE"]));
    assert_eq!(
        (r.status, r.error()),
        (400, "ERR invalid cursor".to_owned())
    );
    let r = s.cmd(json!(["SCAN", 0, "WITHTYPE", "BOGUS"]));
    assert_eq!((r.status, r.error()), (400, "ERR syntax error".to_owned()));
}

#[test]
fn readonly_token_refuses_scan_keys_and_randomkey_as_upstash_does() {
    let s = Serve::start();
    s.cmd(json!(["HSET", "h", "f", "v"]));
    let ro = |path: &str, body: Value| s.post_with(path, &body.to_string(), READONLY_TOKEN, &[]);
    // RANDOMKEY names a key the client never knew: called often enough, most of them.
    assert_eq!(result(&s.cmd(json!(["RANDOMKEY"]))), json!("h"));
    for walk in [
        json!(["SCAN", 0]),
        json!(["scan", 0, "WITHTYPE"]),
        json!(["KEYS", "*"]),
        json!(["RANDOMKEY"]),
        json!(["randomkey"]),
    ] {
        let r = ro("/", walk.clone());
        assert_eq!(r.status, 400, "{walk}");
        let name = walk[0].as_str().unwrap().to_ascii_lowercase();
        assert_eq!(
            r.error(),
            format!(
                "NOPERM this user has no permissions to run the '{name}' command (read-only token)"
            )
        );
        let v = ro("/pipeline", json!([walk, ["HGET", "h", "f"]])).json();
        assert!(v[0]["error"].as_str().unwrap().starts_with("NOPERM"), "{v}");
        assert_eq!(v[1], json!({"result": "v"}));
        let r = ro("/multi-exec", json!([["HGET", "h", "f"], walk]));
        assert_eq!(r.status, 400);
        assert!(r.error().starts_with("NOPERM"));
    }
    for path in ["/scan/0", "/randomkey"] {
        let r = http(
            s.addr(),
            "GET",
            &format!("{path}?_token={READONLY_TOKEN}"),
            &[],
            None,
        );
        assert_eq!(r.status, 400, "{path}");
    }
    // Walking one key is reading it.
    assert_eq!(
        result(&ro("/", json!(["HSCAN", "h", 0]))),
        json!(["0", ["f", "v"]])
    );
    // The full token walks everything.
    assert_eq!(result(&s.cmd(json!(["KEYS", "*"]))), json!(["h"]));
}

// ---------------------------------------------------------------------------------------
// Upstash-Response-Format: resp2

#[test]
fn resp2_format_answers_the_bytes_redis_sends() {
    let s = Serve::start();
    let one = |body: Value| s.post_with("/", &body.to_string(), TOKEN, &[RESP2]);
    let bytes = |r: &Reply| (r.status, String::from_utf8_lossy(&r.body).into_owned());
    let r = one(json!(["SET", "k", "bar"]));
    assert_eq!(bytes(&r), (200, "+OK\r\n".into()));
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(
        bytes(&one(json!(["GET", "k"]))),
        (200, "$3\r\nbar\r\n".into())
    );
    assert_eq!(
        bytes(&one(json!(["GET", "missing"]))),
        (200, "$-1\r\n".into())
    );
    assert_eq!(bytes(&one(json!(["INCR", "n"]))), (200, ":1\r\n".into()));
    s.cmd(json!(["HSET", "h", "f", "v"]));
    assert_eq!(
        bytes(&one(json!(["HGETALL", "h"]))),
        (200, "*2\r\n$1\r\nf\r\n$1\r\nv\r\n".into())
    );
    assert_eq!(
        bytes(&one(json!(["MGET", "k", "missing"]))),
        (200, "*2\r\n$3\r\nbar\r\n$-1\r\n".into())
    );
    // Redis's error replies as RESP errors, with 400 as in JSON.
    let r = one(json!(["INCR", "k"]));
    assert_eq!(
        bytes(&r),
        (
            400,
            "-ERR value is not an integer or out of range\r\n".into()
        )
    );
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    // Binary-safe: the stored bytes exactly.
    http(
        s.addr(),
        "POST",
        &format!("/set/bin?_token={TOKEN}"),
        &[],
        Some(b"\xff\x00\r\n"),
    );
    let r = http(
        s.addr(),
        "GET",
        &format!("/get/bin?_token={TOKEN}"),
        &[RESP2],
        None,
    );
    assert_eq!(r.body, b"$4\r\n\xff\x00\r\n\r\n");

    // A pipeline is the replies one after the other; a refusal is a RESP error in its place.
    let r = s.post_with(
        "/pipeline",
        &json!([["GET", "k"], ["INCR", "k"], ["GET", "missing"]]).to_string(),
        TOKEN,
        &[RESP2],
    );
    assert_eq!(
        bytes(&r),
        (
            200,
            "$3\r\nbar\r\n-ERR value is not an integer or out of range\r\n$-1\r\n".into()
        )
    );
    let r = s.post_with(
        "/pipeline",
        &json!([["SET", "k", "w"], ["GET", "k"]]).to_string(),
        READONLY_TOKEN,
        &[RESP2],
    );
    assert_eq!(
        bytes(&r),
        (200, "-NOPERM this user has no permissions to run the 'set' command (read-only token)\r\n$3\r\nbar\r\n".into())
    );
    // /multi-exec answers in JSON, as on Upstash.
    let r = s.post_with(
        "/multi-exec",
        &json!([["GET", "k"]]).to_string(),
        TOKEN,
        &[RESP2],
    );
    assert_eq!(r.json(), json!([{"result": "bar"}]));
    assert_eq!(r.header("content-type"), Some("application/json"));
    // What serve refuses itself stays JSON, like every error serve makes.
    let r = s.post_with(
        "/",
        &json!(["SET", "k", "w"]).to_string(),
        READONLY_TOKEN,
        &[RESP2],
    );
    assert_eq!(r.status, 400);
    assert!(r.error().starts_with("NOPERM"));
    let r = s.post_with("/", &json!(["GET", "k"]).to_string(), "AXwrong", &[RESP2]);
    assert_eq!(r.status, 401);
    assert_eq!(r.error(), "WRONGPASS invalid or missing auth token");
    // As on Upstash: json or resp2 only, and resp2 not with base64.
    let get = |headers: &[(&str, &str)]| {
        s.post_with("/", &json!(["GET", "k"]).to_string(), TOKEN, headers)
    };
    let r = get(&[RESP2, ("Upstash-Encoding", "base64")]);
    assert_eq!(r.status, 400);
    assert!(r.error().contains("cannot be combined"), "{}", r.error());
    let r = get(&[("Upstash-Response-Format", "xml")]);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.error(),
        "ERR Upstash-Response-Format must be json or resp2"
    );
    let r = get(&[("Upstash-Response-Format", "JSON")]);
    assert_eq!(r.json(), json!({"result": "bar"}));
}

// ---------------------------------------------------------------------------------------
// Upstash-Sync-Token

fn sync_token(r: &Reply) -> u64 {
    r.header("upstash-sync-token")
        .unwrap_or_else(|| panic!("no sync token on a {} reply", r.status))
        .parse()
        .expect("a decimal sync token")
}

#[test]
fn every_reply_carries_a_sync_token_that_only_grows() {
    let s = Serve::start_with(|c| c.cors_origin("http://localhost:3000"));
    let send = |path: &str, body: Value, token: &str, seen: Option<&str>| {
        let mut headers = vec![];
        if let Some(seen) = seen {
            headers.push(("Upstash-Sync-Token", seen));
        }
        s.post_with(path, &body.to_string(), token, &headers)
    };
    // The first request of @upstash/redis sends an empty token.
    let write = send("/", json!(["SET", "k", "v"]), TOKEN, Some(""));
    let t1 = sync_token(&write);
    // Read-your-writes: the read with the write's token sees the write, on any worker.
    let read = send("/", json!(["GET", "k"]), TOKEN, Some(&t1.to_string()));
    assert_eq!(read.json(), json!({"result": "v"}));
    let t2 = sync_token(&read);
    assert!(t2 > t1);
    // A token from ahead (another serve over this Redis, or before a restart) moves it on.
    let ahead = t2 + 1_000_000;
    let t3 = sync_token(&send(
        "/",
        json!(["GET", "k"]),
        TOKEN,
        Some(&ahead.to_string()),
    ));
    assert!(t3 > ahead);
    // One that is not serve's is ignored.
    let t4 = sync_token(&send(
        "/",
        json!(["GET", "k"]),
        TOKEN,
        Some("opaque-upstash-token"),
    ));
    assert!(t4 > t3);
    // On every route, for both tokens, on replies with errors too.
    let mut last = t4;
    for r in [
        send("/pipeline", json!([["GET", "k"]]), TOKEN, None),
        send("/multi-exec", json!([["GET", "k"]]), TOKEN, None),
        send("/", json!(["GET", "k"]), READONLY_TOKEN, None),
        send("/", json!(["SET", "k", "w"]), READONLY_TOKEN, None),
        send("/", json!(["INCR", "k"]), TOKEN, None),
        s.post_with("/", &json!(["GET", "k"]).to_string(), TOKEN, &[RESP2]),
    ] {
        let t = sync_token(&r);
        assert!(t > last, "{t} after {last}");
        last = t;
    }
    // Nothing for a request without a valid token.
    let r = send("/", json!(["GET", "k"]), "AXwrong", None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("upstash-sync-token"), None);
    // Browser clients may read it from an allowed origin.
    let r = s.post_with(
        "/",
        &json!(["GET", "k"]).to_string(),
        TOKEN,
        &[("Origin", "http://localhost:3000")],
    );
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("upstash-sync-token")
    );
    assert!(sync_token(&r) > last);
}
