//! `serve`'s SSE routes over raw HTTP: `/subscribe/<channel>`, `/psubscribe/<pattern>` and
//! `/monitor` — the framing `@upstash/redis` parses, heartbeats, the stream cap, the Redis
//! connection of each stream released when its client goes, and a backend that dies
//! mid-stream.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::http::{EventStream, Reply, Request, raw};
use crate::support::redis::RedisServer;
use crate::support::serve::{READONLY_TOKEN, Serve, ServeOptions, ServeProcess, TOKEN};

const WAIT: Duration = Duration::from_secs(10);

/// The request `@upstash/redis`'s `subscribe()` makes.
fn stream_request(path: &str, token: &str) -> Request {
    Request::post_json(path, "[]")
        .bearer(token)
        .header("Accept", "text/event-stream")
        .header("Cache-Control", "no-cache")
        .header("Upstash-Encoding", "base64")
}

fn open(s: &Serve, path: &str) -> EventStream {
    let events = EventStream::open(s.addr(), &stream_request(path, TOKEN));
    assert_eq!(events.head.status, 200, "{path}: {}", events.head.text());
    assert_eq!(
        events.head.header("content-type"),
        Some("text/event-stream")
    );
    events
}

fn redis_conn(redis: &RedisServer) -> redis::Connection {
    redis::Client::open(redis.url(None, None))
        .and_then(|c| c.get_connection())
        .expect("connect to redis-server")
}

/// PUBLISH straight to the redis-server, as a TCP client would.
fn publish_tcp(redis: &RedisServer, channel: &str, payload: &[u8]) -> i64 {
    redis::cmd("PUBLISH")
        .arg(channel)
        .arg(payload)
        .query(&mut redis_conn(redis))
        .expect("PUBLISH")
}

/// The redis-server's pub/sub connections.
fn pubsub_clients(redis: &RedisServer) -> usize {
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .arg("TYPE")
        .arg("pubsub")
        .query(&mut redis_conn(redis))
        .expect("CLIENT LIST");
    list.lines().filter(|l| !l.trim().is_empty()).count()
}

/// A JSON error reply with `status` whose message contains `needle`.
fn assert_refused(r: &Reply, status: u16, needle: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert!(r.is_json_error(), "{}", r.text());
    assert!(r.error().contains(needle), "{}", r.error());
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what} within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn subscribe_frames_events_as_upstash_for_rest_and_tcp_publishers() {
    let s = Serve::start();
    let mut events = open(&s, "/subscribe/chat");
    events.wait_for("data: subscribe,chat,1\n\n", WAIT);
    assert_eq!(
        s.get("/publish/chat/hello%20world").json(),
        json!({"result": 1})
    );
    // Commas in a payload stay (it is the last field); a line break starts a new data line;
    // Upstash-Encoding: base64 does not apply to streams (the client does not decode them).
    assert_eq!(publish_tcp(&s.redis, "chat", b"a,b\nc"), 1);
    let body = events.wait_for("data: c\n\n", WAIT);
    assert_eq!(
        body,
        "data: subscribe,chat,1\n\n\
         data: message,chat,hello world\n\n\
         data: message,chat,a,b\ndata: c\n\n"
    );
}

#[test]
fn psubscribe_and_several_channels() {
    let s = Serve::start();
    let mut patterns = open(&s, "/psubscribe/news.*");
    patterns.wait_for("data: psubscribe,news.*,1\n\n", WAIT);
    let mut channels = open(&s, "/subscribe/a/b%20c");
    channels.wait_for("data: subscribe,a,1\n\ndata: subscribe,b c,2\n\n", WAIT);
    assert_eq!(publish_tcp(&s.redis, "news.tech", b"{\"t\":1}"), 1);
    assert_eq!(s.cmd(json!(["PUBLISH", "b c", "x"])).json()["result"], 1);
    patterns.wait_for("data: pmessage,news.*,news.tech,{\"t\":1}\n\n", WAIT);
    channels.wait_for("data: message,b c,x\n\n", WAIT);
    // More channels than a stream buffers events: every subscription is confirmed.
    let many: Vec<String> = (1..=100).map(|i| format!("c{i}")).collect();
    let mut wide = open(&s, &format!("/subscribe/{}", many.join("/")));
    wide.wait_for("data: subscribe,c100,100\n\n", WAIT);
    // The read-only token may subscribe too.
    let mut readonly = EventStream::open(s.addr(), &stream_request("/subscribe/a", READONLY_TOKEN));
    assert_eq!(readonly.head.status, 200);
    readonly.wait_for("data: subscribe,a,1\n\n", WAIT);
}

#[test]
fn heartbeats_keep_an_idle_stream_open() {
    let s = Serve::start_with(|mut c| {
        c.timeouts.heartbeat = Duration::from_millis(200);
        c
    });
    let mut events = open(&s, "/subscribe/idle");
    let body = events.wait_for(": ping\n\n: ping\n\n", WAIT);
    assert!(body.starts_with("data: subscribe,idle,1\n\n"), "{body}");
}

#[test]
fn open_streams_are_capped() {
    let s = Serve::start_with(|c| c.max_streams(2));
    let first = open(&s, "/subscribe/one");
    let _second = open(&s, "/psubscribe/two*");
    let refused = stream_request("/subscribe/three", TOKEN).send(s.addr());
    assert_refused(&refused, 503, "too many open streams (2");
    // Ordinary requests still work, and a closed stream frees its place.
    assert_eq!(s.cmd(json!(["PING"])).json(), json!({"result": "PONG"}));
    drop(first);
    wait_until("the closed stream's connection goes", || {
        pubsub_clients(&s.redis) == 1
    });
    open(&s, "/subscribe/three").wait_for("subscribe,three,1", WAIT);
}

#[test]
fn a_client_that_goes_releases_the_redis_connection() {
    let s = Serve::start();
    let mut events = open(&s, "/subscribe/bye");
    events.wait_for("subscribe,bye,1", WAIT);
    assert_eq!(pubsub_clients(&s.redis), 1);
    drop(events);
    wait_until("the pub/sub connection closes", || {
        pubsub_clients(&s.redis) == 0
    });

    // A client that vanishes while large messages are on their way.
    let mut events = open(&s, "/subscribe/burst");
    events.wait_for("subscribe,burst,1", WAIT);
    let payload = vec![b'x'; 256 * 1024];
    for _ in 0..8 {
        publish_tcp(&s.redis, "burst", &payload);
    }
    drop(events);
    for _ in 0..8 {
        publish_tcp(&s.redis, "burst", &payload);
    }
    wait_until("the pub/sub connection closes", || {
        pubsub_clients(&s.redis) == 0
    });
    assert_eq!(s.cmd(json!(["PING"])).json(), json!({"result": "PONG"}));
}

#[test]
fn a_backend_that_dies_ends_the_stream_with_an_error_event() {
    let mut s = Serve::start();
    let mut events = open(&s, "/subscribe/fragile");
    events.wait_for("subscribe,fragile,1", WAIT);
    s.redis.kill();
    let body = events.wait_for_end(WAIT);
    assert!(
        body.starts_with("data: subscribe,fragile,1\n\n")
            && body.contains("event: error\ndata: ERR upwire serve: the connection to Redis at ")
            && body.ends_with("was lost; this stream ends (subscribe again)\n\n"),
        "{body}"
    );
    // serve keeps running: 503 during the outage, streams again once Redis is back.
    let outage = s.cmd(json!(["PING"]));
    assert_eq!(outage.status, 503, "{}", outage.text());
    let refused = stream_request("/subscribe/fragile", TOKEN).send(s.addr());
    assert_refused(&refused, 503, "is unavailable");
    s.redis.restart();
    let mut events = open(&s, "/subscribe/fragile");
    events.wait_for("subscribe,fragile,1", WAIT);
}

#[test]
fn monitor_streams_commands_for_the_full_token_only() {
    let s = Serve::start();
    let mut events = open(&s, "/monitor");
    assert_eq!(s.cmd(json!(["SET", "monitored-key", "v"])).status, 200);
    let body = events.wait_for("\"monitored-key\"", WAIT);
    assert!(body.starts_with("data: "), "{body}");
    let refused = stream_request("/monitor", READONLY_TOKEN).send(s.addr());
    assert_refused(&refused, 400, "full-access token");
}

#[test]
fn bad_stream_requests_are_refused_with_json() {
    let s = Serve::start();
    for (path, status, needle) in [
        ("/subscribe", 400, "needs a channel"),
        ("/subscribe/", 400, "needs a channel"),
        ("/psubscribe/a//b", 400, "empty pattern"),
        ("/subscribe/a%2Cb", 400, "comma or a line break"),
        ("/subscribe/a%0Ab", 400, "comma or a line break"),
        ("/monitor/x", 400, "takes no arguments"),
    ] {
        assert_refused(&stream_request(path, TOKEN).send(s.addr()), status, needle);
    }
    let r = Request::get("/subscribe/c")
        .header("Accept", "text/event-stream")
        .send(s.addr());
    assert_eq!(r.status, 401);
    let r = raw(
        s.addr(),
        format!(
            "GET /subscribe/c HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer {TOKEN}\r\n\
             Connection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(r.status, 403);
    // Subscribing commands on the ordinary routes stay refused.
    assert_refused(
        &s.cmd(json!(["SUBSCRIBE", "c"])),
        400,
        "Command is not available",
    );
}

#[test]
fn shutdown_ends_open_streams() {
    let Serve {
        redis: _redis,
        handle,
    } = Serve::start();
    let mut events = EventStream::open(handle.addr(), &stream_request("/subscribe/s", TOKEN));
    events.wait_for("subscribe,s,1", WAIT);
    let start = Instant::now();
    handle.shutdown();
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "shutdown waited {:?} for the stream",
        start.elapsed()
    );
    events.wait_for_end(WAIT);
}

#[test]
fn the_command_line_sets_the_stream_cap() {
    let (_redis, serve) =
        ServeProcess::with_redis(&ServeOptions::tokens().arg("--max-streams").arg("1"));
    let first = EventStream::open(serve.addr, &stream_request("/subscribe/one", TOKEN));
    assert_eq!(first.head.status, 200, "{}", first.head.text());
    let refused = stream_request("/subscribe/two", TOKEN).send(serve.addr);
    assert_refused(&refused, 503, "too many open streams (1");
    drop(first);

    let (_redis, serve) =
        ServeProcess::with_redis(&ServeOptions::tokens().arg("--max-streams").arg("0"));
    let refused = stream_request("/subscribe/none", TOKEN).send(serve.addr);
    assert_refused(&refused, 503, "too many open streams (0");
}
