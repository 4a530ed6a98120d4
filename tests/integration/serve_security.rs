//! `upwire serve` tried as an attacker on loopback: one test per finding, each
//! against a real `redis-server` and with a timeout on every network call. SECURITY.md names
//! these tests as the proof of its promises.

#![cfg(feature = "serve")]

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use upwire::serve::{ServeConfig, Timeouts, spawn};

use crate::support::http::{Reply, Request, raw_tolerant};
use crate::support::redis::RedisServer;
use crate::support::serve::{READONLY_TOKEN, Serve, ServeOptions, ServeProcess, TOKEN};

/// The request of the finding, byte for byte what curl sends for
/// `curl -X POST 127.0.0.1:PORT/ -H 'Origin: https://evil.example' -H 'Content-Type: text/plain'
/// -d '["SET","csrf","pwned"]'`: a "simple" request a web page can make without a preflight.
#[test]
fn csrf_text_plain_post_from_another_origin_is_403_and_sets_nothing() {
    // Even the most open serve (--no-auth) refuses it.
    let s = Serve::start_with(|mut c| {
        c.token = None;
        c.readonly_token = None;
        c.no_auth(true)
    });
    let r = Request::post("/", br#"["SET","csrf","pwned"]"#)
        .header("User-Agent", "curl/8.5.0")
        .header("Accept", "*/*")
        .header("Origin", "https://evil.example")
        .header("Content-Type", "text/plain")
        .send(s.addr());
    assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().contains("origin"), "{}", r.error());
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(
        Request::get("/get/csrf").send(s.addr()).json(),
        json!({"result": null}),
        "the key must not be set"
    );
    // Path style and GET too.
    let r = Request::get("/set/csrf/pwned")
        .header("Origin", "https://evil.example")
        .send(s.addr());
    assert_eq!(r.status, 403);
    assert_eq!(
        Request::get("/get/csrf").send(s.addr()).json(),
        json!({"result": null})
    );
}

#[test]
fn dns_rebinding_host_is_403_unless_allowed() {
    let s = Serve::start_with(|c| c.allow_host("dev.example.test"));
    let port = s.addr().port();
    for host in [
        "attacker.example".to_owned(),
        format!("attacker.example:{port}"),
        format!("127.0.0.1.attacker.example:{port}"),
    ] {
        let request = format!(
            "GET /get/k HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
        );
        let r = raw_tolerant(s.addr(), request.as_bytes());
        assert_eq!(r.status, 403, "{host}");
        assert!(r.error().contains("Host"), "{}", r.error());
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".to_owned(),
        "dev.example.test".to_owned(),
    ] {
        let request = format!(
            "GET /ping HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            raw_tolerant(s.addr(), request.as_bytes()).status,
            200,
            "{host}"
        );
    }
    // An absolute request target naming another host is refused the same way.
    let request = format!(
        "GET http://attacker.example/ping HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(raw_tolerant(s.addr(), request.as_bytes()).status, 403);
}

#[test]
fn private_network_preflight_is_refused_unless_an_origin_is_allowed() {
    let preflight = |s: &Serve, origin: &str| {
        Request::new("OPTIONS", "/")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "authorization")
            .header("Access-Control-Request-Private-Network", "true")
            .send(s.addr())
    };
    let closed = Serve::start();
    let r = preflight(&closed, "https://evil.example");
    assert_eq!(r.status, 403);
    assert!(r.json().get("error").is_some());
    assert_eq!(r.header("access-control-allow-private-network"), None);
    assert_eq!(r.header("access-control-allow-origin"), None);

    let open = Serve::start_with(|c| c.cors_origin("https://app.example"));
    assert_eq!(preflight(&open, "https://evil.example").status, 403);
    let r = preflight(&open, "https://app.example");
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-private-network"),
        Some("true")
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization")
    );
}

#[test]
fn head_runs_nothing_and_is_405_json() {
    let s = Serve::start();
    let r = Request::new("HEAD", "/set/headkey/v")
        .bearer(TOKEN)
        .send(s.addr());
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, POST, OPTIONS"));
    assert_eq!(s.get("/get/headkey").json(), json!({"result": null}));
}

#[test]
fn hypers_own_error_replies_have_json_bodies() {
    let s = Serve::start();
    let big = "x".repeat(70 * 1024);
    let r = raw_tolerant(
        s.addr(),
        format!("GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 431);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.error().starts_with("ERR request head"), "{}", r.error());
    let r = raw_tolerant(s.addr(), b"GET /\xff HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(r.status, 400);
    assert!(r.error().starts_with("ERR "), "{}", r.error());
    // Too large a body (413) and too slow a body (408) are JSON as well.
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n\r\n",
        upwire::serve::MAX_BODY_BYTES + 1
    );
    let r = raw_tolerant(s.addr(), head.as_bytes());
    assert_eq!(r.status, 413);
    assert!(r.error().contains("10 MiB"));
}

#[test]
fn first_request_after_a_redis_restart_succeeds() {
    let mut s = Serve::start();
    // Every worker has its connections open (shared and, for /multi-exec, dedicated).
    for _ in 0..8 {
        assert_eq!(s.cmd(json!(["SET", "k", "before"])).status, 200);
        let r = s.post("/multi-exec", &json!([["INCR", "x"]]).to_string(), TOKEN);
        assert_eq!(r.status, 200);
    }
    s.redis.restart();
    // Give serve's connections time to see the old Redis go.
    thread::sleep(Duration::from_millis(200));
    let r = s.cmd(json!(["SET", "k", "after"]));
    assert_eq!(
        (r.status, r.json()),
        (200, json!({"result": "OK"})),
        "the first request after the restart"
    );
    let r = s.post("/multi-exec", &json!([["INCR", "x"]]).to_string(), TOKEN);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = s.post(
        "/pipeline",
        &json!([["GET", "k"]]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    // Each worker's first request after the restart succeeds, not just one.
    for _ in 0..8 {
        assert_eq!(
            s.cmd(json!(["GET", "k"])).json(),
            json!({"result": "after"})
        );
    }
}

#[test]
fn readonly_token_runs_no_scripts_unless_allowed() {
    let s = Serve::start();
    s.cmd(json!(["SET", "k", "v"]));
    let load = s.cmd(json!([
        "FUNCTION",
        "LOAD",
        "#!lua name=t\nredis.register_function{function_name='get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}"
    ]));
    assert_eq!(load.status, 200, "{}", String::from_utf8_lossy(&load.body));
    let sha = s.cmd(json!(["SCRIPT", "LOAD", "return 1"])).json()["result"]
        .as_str()
        .expect("a sha")
        .to_owned();
    let ro = |body: Value| s.post("/", &body.to_string(), READONLY_TOKEN);
    for refused in [
        json!(["EVAL_RO", "while true do end", 0]),
        json!(["EVAL_RO", "return redis.call('KEYS','*')", 0]),
        json!(["EVAL_RO", "return redis.call('INFO')", 0]),
        json!(["EVALSHA_RO", sha, 0]),
        json!(["FCALL_RO", "get", 1, "k"]),
        json!(["EVAL", "return 1", 0]),
        json!(["FCALL", "get", 1, "k"]),
        json!(["SCRIPT", "EXISTS", sha]),
        json!(["FUNCTION", "LIST"]),
        json!(["MEMORY", "PURGE"]),
        json!(["MEMORY", "USAGE", "k"]),
        json!(["INFO"]),
        json!(["KEYS", "*"]),
    ] {
        let r = ro(refused.clone());
        assert_eq!(r.status, 400, "{refused}");
        assert!(r.error().starts_with("NOPERM"), "{refused}: {}", r.error());
    }
    // Nor through a pipeline or a transaction.
    let r = s.post(
        "/pipeline",
        &json!([["EVAL_RO", "return 1", 0]]).to_string(),
        READONLY_TOKEN,
    );
    assert!(
        r.json()[0]["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("NOPERM")
    );
    let r = s.post(
        "/multi-exec",
        &json!([["FCALL_RO", "get", 1, "k"]]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.status, 400);

    // --readonly-scripts lets read-only scripts through, and still no writing one.
    let s2 = Serve::start_with(|c| c.readonly_scripts(true));
    s2.cmd(json!(["SET", "k", "v"]));
    let r = s2.post(
        "/",
        &json!(["EVAL_RO", "return redis.call('GET', KEYS[1])", 1, "k"]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.json(), json!({"result": "v"}));
    let r = s2.post(
        "/",
        &json!(["EVAL", "return 1", 0]).to_string(),
        READONLY_TOKEN,
    );
    assert_eq!(r.status, 400);
}

/// Redis answering BUSY (and taking SCRIPT KILL) after 100 ms, serve killing scripts after
/// 500 ms.
fn serve_with_a_script_limit() -> (RedisServer, upwire::serve::ServeHandle) {
    let redis = RedisServer::with_config(&["busy-reply-threshold 100"]);
    let handle = spawn(
        ServeConfig::new(redis.url(None, None))
            .token(TOKEN)
            .quiet(true)
            .with_timeouts({
                let mut t = Timeouts::default();
                t.script = Duration::from_millis(500);
                t.redis_command = Duration::from_secs(5);
                t
            }),
    )
    .expect("serve starts");
    (redis, handle)
}

#[test]
fn a_script_past_its_time_limit_is_killed_with_504_and_redis_answers_again() {
    let (_redis, handle) = serve_with_a_script_limit();
    let addr = handle.addr();
    let post = |body: Value| {
        Request::post("/", body.to_string())
            .bearer(TOKEN)
            .send(addr)
    };
    let start = Instant::now();
    let r = post(json!(["EVAL", "while true do end", 0]));
    assert_eq!(r.status, 504, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().contains("SCRIPT KILL"), "{}", r.error());
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
    let start = Instant::now();
    assert_eq!(post(json!(["PING"])).json(), json!({"result": "PONG"}));
    assert!(start.elapsed() < Duration::from_secs(1), "Redis still busy");

    let load = post(json!([
        "FUNCTION",
        "LOAD",
        "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"
    ]));
    assert_eq!(load.status, 200, "{}", String::from_utf8_lossy(&load.body));
    let r = post(json!(["FCALL", "spin", 0]));
    assert_eq!(r.status, 504, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().contains("FUNCTION KILL"), "{}", r.error());
    assert_eq!(post(json!(["PING"])).json(), json!({"result": "PONG"}));
    handle.shutdown();
}

#[test]
fn an_unkillable_script_gets_a_504_that_says_redis_stays_busy() {
    let (redis, handle) = serve_with_a_script_limit();
    // It writes first: Redis refuses to kill it (UNKILLABLE).
    let r = Request::post(
        "/",
        json!(["EVAL", "redis.call('SET', 'k', 'v') while true do end", 0]).to_string(),
    )
    .bearer(TOKEN)
    .send(handle.addr());
    assert_eq!(r.status, 504, "{}", String::from_utf8_lossy(&r.body));
    let e = r.error();
    assert!(e.contains("cannot be stopped"), "{e}");
    assert!(e.contains("UNKILLABLE"), "{e}");
    assert!(e.contains("answers BUSY to every command until"), "{e}");
    assert!(e.contains("SHUTDOWN NOSAVE"), "{e}");
    assert!(!e.contains("was stopped"), "{e}");
    // As it says: Redis is still busy.
    let r = Request::post("/", json!(["PING"]).to_string())
        .bearer(TOKEN)
        .send(handle.addr());
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().starts_with("BUSY"), "{}", r.error());
    drop(handle);
    drop(redis);
}

/// A request whose reply the redis crate cannot parse (Redis echoes `%FF` of the path in its
/// error, which is then not UTF-8) fails alone with 400; it never resets the connection other
/// requests share, so clients running meanwhile see no 503.
#[test]
fn an_unreadable_reply_fails_its_request_alone() {
    let s = Serve::start();
    let addr = s.addr();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let others: Vec<_> = (0..3)
        .map(|i| {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let mut statuses = Vec::new();
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Acquire) {
                    let r = Request::get(&format!("/incr/c{i}"))
                        .bearer(TOKEN)
                        .send(addr);
                    statuses.push(r.status);
                    n += 1;
                }
                (n, statuses)
            })
        })
        .collect();
    // Redis echoes the bytes in `unknown command` and `unknown subcommand`, not in a wrong
    // number of arguments.
    for (path, echoed) in [
        ("/x%ff", true),
        ("/object/x%ff", true),
        ("/get/k/%ff%fe", false),
    ] {
        for _ in 0..20 {
            let r = Request::get(path).bearer(TOKEN).send(addr);
            assert_eq!(
                r.status,
                400,
                "{path}: {}",
                String::from_utf8_lossy(&r.body)
            );
            let e = r.error();
            assert_eq!(
                e.contains("reply that cannot be read"),
                echoed,
                "{path}: {e}"
            );
            if echoed {
                assert!(e.contains("Other requests are not affected"), "{e}");
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Release);
    for (i, other) in others.into_iter().enumerate() {
        let (n, statuses) = other.join().expect("a client thread");
        assert!(
            statuses.iter().all(|&status| status == 200),
            "client {i}: {statuses:?}"
        );
        let count = s.cmd(json!(["GET", format!("c{i}")])).json()["result"].clone();
        assert_eq!(count, json!(n.to_string()), "client {i}");
    }
}

#[test]
fn without_a_token_serve_prints_a_random_one_and_requires_it() {
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::default());
    let mut token = None;
    let mut url = None;
    for _ in 0..6 {
        let line = serve.next_line();
        if let Some(v) = line.trim().strip_prefix("UPSTASH_REDIS_REST_TOKEN=") {
            token = Some(v.to_owned());
            break;
        }
        if let Some(v) = line.trim().strip_prefix("UPSTASH_REDIS_REST_URL=") {
            url = Some(v.to_owned());
        }
    }
    let token = token.expect("serve prints UPSTASH_REDIS_REST_TOKEN=");
    assert_eq!(url, Some(format!("http://{}", serve.addr)));
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert_eq!(Request::get("/ping").send(serve.addr).status, 401);
    let r = Request::get("/ping").bearer(&token).send(serve.addr);
    assert_eq!(r.json(), json!({"result": "PONG"}));
    // Printed once: the request log never repeats it.
    let mut line = serve.next_line();
    while line.trim().is_empty() {
        line = serve.next_line();
    }
    assert!(line.contains(" 401 ") || line.contains(" 200 "), "{line}");
    assert!(!line.contains(&token), "{line}");
}

#[test]
fn idle_connections_give_their_slot_up_and_busy_ones_keep_it() {
    let s = Serve::start_with(|mut c| {
        // Also how long a connection waits for a slot.
        c.timeouts.header_read = Duration::from_secs(1);
        c.max_connections(2)
    });
    let connect = || {
        let stream =
            TcpStream::connect_timeout(&s.addr(), Duration::from_secs(5)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        stream
    };
    // Two idle connections hold both slots; a third client is served all the same, and the
    // one idle longest is the one closed for it.
    let mut oldest = connect();
    thread::sleep(Duration::from_millis(100));
    let newer = connect();
    thread::sleep(Duration::from_millis(200));
    let r = Request::get("/ping").bearer(TOKEN).send(s.addr());
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let mut byte = [0u8; 1];
    assert_eq!(
        std::io::Read::read(&mut oldest, &mut byte).expect("closed, not timed out"),
        0,
        "the connection idle longest was closed"
    );
    drop(newer);
    // Two requests in progress (their bodies still coming) hold both slots: a third waits
    // for one, here up to 1 s, then gets 503.
    let busy: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect();
            let head = format!(
                "POST / HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 20\r\n\r\n[\"PI",
                s.addr()
            );
            std::io::Write::write_all(&mut stream, head.as_bytes()).expect("write");
            stream
        })
        .collect();
    // A connection counts as busy once serve has read its request head; until then it is
    // idle, and the third client would be given its slot. Time for the heads to be read on
    // a machine busy with the rest of the suite (300 ms was too short once in a full run).
    thread::sleep(Duration::from_millis(1500));
    let r = Request::get("/ping").bearer(TOKEN).send(s.addr());
    assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.error().contains("--max-connections"), "{}", r.error());
    drop(busy);
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.get("/ping").status != 200 {
        assert!(Instant::now() < deadline, "the limit was not given back");
        thread::sleep(Duration::from_millis(50));
    }
}

/// 60 clients at once, each POSTing a 10 MiB body (half with the read-only token): what each
/// got, how long it took.
fn sixty_big_posts(addr: SocketAddr, body: &Arc<[u8]>) -> (Vec<Option<Reply>>, Duration) {
    let start = Instant::now();
    let clients: Vec<_> = (0..60)
        .map(|i| {
            let token = if i % 2 == 0 { TOKEN } else { READONLY_TOKEN };
            // `None` when the server closed before answering (a refused body is not read, so
            // the client may see a reset instead of the 503).
            let request = Request::new("POST", &format!("/set/big{i}"))
                .bearer(token)
                .shared_body(Arc::clone(body));
            thread::spawn(move || request.try_send(addr))
        })
        .collect();
    let replies = clients
        .into_iter()
        .map(|t| t.join().expect("a client thread"))
        .collect();
    (replies, start.elapsed())
}

/// The finding: 60 concurrent 10 MiB POSTs took serve from 5 MB to 627 MB (read-only token)
/// and 1.46 GB (full-token SETs). Now the body budget admits a few at a time and answers the
/// rest 503 at once: peak RSS stays under 150 MiB, and afterwards RSS is back to idle plus
/// the Redis connections' buffers (they keep the size of the largest command sent, about
/// 10 MiB per worker), however many rounds.
#[test]
fn sixty_concurrent_10_mib_bodies_keep_memory_bounded() {
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens().arg("--quiet"));
    let addr = serve.addr;
    assert_eq!(Request::get("/ping").bearer(TOKEN).send(addr).status, 200);
    let idle = serve.memory_kib("VmRSS");
    let body: Arc<[u8]> = vec![b'x'; upwire::serve::MAX_BODY_BYTES].into();
    let mut after = Vec::new();
    // Three rounds: memory kept per request would add up to far more than the margin.
    for round in 1..=3 {
        let (replies, took) = sixty_big_posts(addr, &body);
        let peak = serve.memory_kib("VmHWM");
        thread::sleep(Duration::from_secs(1));
        let rss = serve.memory_kib("VmRSS");
        after.push(rss);
        let count = |status| {
            replies
                .iter()
                .flatten()
                .filter(|r| r.status == status)
                .count()
        };
        eprintln!(
            "round {round}: 60 x 10 MiB POSTs in {took:?}: {} x 200, {} x 400, {} x 503, {} reset; \
             RSS idle {idle} KiB, peak (VmHWM) {peak} KiB, after 1 s {rss} KiB",
            count(200),
            count(400),
            count(503),
            replies.iter().filter(|r| r.is_none()).count(),
        );
        for r in replies.iter().flatten() {
            assert!(
                [200, 400, 503].contains(&r.status),
                "{} {}",
                r.status,
                String::from_utf8_lossy(&r.body)
            );
            if r.status == 503 {
                assert!(r.body.starts_with(b"{\"error\":"));
            }
        }
        assert!(
            count(200) + count(400) >= 1,
            "the budget admits some bodies (400: the read-only token's SET)"
        );
        assert!(peak < 150 * 1024, "peak RSS {peak} KiB");
        assert!(
            rss < idle + 48 * 1024,
            "RSS after {rss} KiB, idle {idle} KiB"
        );
        assert!(took < Duration::from_secs(60), "took {took:?}");
    }
    eprintln!("RSS after each round: {after:?} KiB");
    // Still serving.
    assert_eq!(Request::get("/ping").bearer(TOKEN).send(addr).status, 200);
}

#[test]
fn the_log_never_shows_request_text() {
    let canary = "AXLogCanary42xyz";
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let _ = serve.next_line(); // the UPSTASH_REDIS_REST_URL hint
    let requests: Vec<(&str, String, Option<String>)> = vec![
        ("GET", format!("/{canary}"), None),
        ("GET", format!("/{canary}/arg"), None),
        ("GET", format!("/set/{canary}/{canary}"), None),
        (
            "POST",
            "/".to_owned(),
            Some(json!([canary, "x"]).to_string()),
        ),
        (
            "POST",
            "/".to_owned(),
            Some(json!(["SET", canary, canary]).to_string()),
        ),
        (
            "POST",
            "/pipeline".to_owned(),
            Some(json!([[canary]]).to_string()),
        ),
        (canary, "/".to_owned(), None),
    ];
    for (method, path, body) in &requests {
        let mut request = Request::new(method, path).bearer(TOKEN);
        if let Some(body) = body {
            request = request.body(body);
        }
        let r = request.send(serve.addr);
        assert!(r.status >= 200, "{method} {path}");
    }
    let lines: Vec<String> = (0..requests.len()).map(|_| serve.next_line()).collect();
    for line in &lines {
        assert!(
            !line
                .to_ascii_lowercase()
                .contains(&canary.to_ascii_lowercase()),
            "request text in the log: {line}"
        );
        assert!(!line.contains(TOKEN), "{line}");
    }
    assert!(lines[0].contains("UNKNOWN"), "{}", lines[0]);
    assert!(lines[2].contains("\"GET /set/…\" SET"), "{}", lines[2]);
}
