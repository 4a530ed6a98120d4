//! `upwire serve` under load and faults, as a separate process in front of a real
//! `redis-server`, over raw HTTP/1.1 on loopback:
//!
//! - 64 concurrent keep-alive clients, 10,000 requests (32 and 2,000 in the fast tier, see
//!   `support::tier`): 0 errors, every reply checked, and the serve process's peak RSS
//!   reported and bounded;
//! - Redis killed and restarted mid-load: JSON 5xx during the outage, full recovery after, no
//!   crash, no dropped connection;
//! - malformed JSON, huge and deeply nested arrays, non-UTF-8 bodies, oversized heads: a 4xx
//!   each while other clients carry on;
//! - clients that trickle bytes do not hold up the others.
//!
//! Every network call has a timeout and every loop a bound. `bench/gateway_load.sh` runs the
//! same tests in a release build with 64 clients × 10,000 requests each.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::http::{Client, IO_TIMEOUT, Reply, Request, raw_tolerant};
use crate::support::redis::RedisServer;
use crate::support::serve::{ServeOptions, ServeProcess, TOKEN, post};
use crate::support::tier::{self, Group};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// The serve process and its clients

/// A redis-server and `upwire serve --quiet` (the binary) in front of it, with [`TOKEN`].
fn gateway() -> (RedisServer, ServeProcess) {
    ServeProcess::with_redis(&ServeOptions::default().token(TOKEN).arg("--quiet"))
}

// ---------------------------------------------------------------------------------------------
// The workload

/// Request `i` of client `c`, and a check of its reply: SET, GET of what this client set, an
/// INCR of a shared counter, a pipeline, and path style.
fn workload(client: &mut Client, c: usize, i: usize) -> Result<bool, String> {
    let (response, expected) = match i % 5 {
        0 => (
            client.send(&post(
                "/",
                &json!(["SET", format!("k:{c}:{i}"), format!("v{c}-{i}")]).to_string(),
                TOKEN,
            )),
            json!({"result": "OK"}),
        ),
        1 => (
            client.send(&post(
                "/",
                &json!(["GET", format!("k:{c}:{}", i - 1)]).to_string(),
                TOKEN,
            )),
            json!({"result": format!("v{c}-{}", i - 1)}),
        ),
        2 => (
            client.send(&post("/", r#"["INCR","load:counter"]"#, TOKEN)),
            Value::Null,
        ),
        3 => (
            client.send(&post(
                "/pipeline",
                &json!([["PING"], ["ECHO", format!("e{c}-{i}")]]).to_string(),
                TOKEN,
            )),
            json!([{"result": "PONG"}, {"result": format!("e{c}-{i}")}]),
        ),
        _ => (
            client.send(&Request::get(&format!("/get/k:{c}:{}", i - 4)).bearer(TOKEN)),
            json!({"result": format!("v{c}-{}", i - 4)}),
        ),
    };
    let response = response.map_err(|e| format!("client {c} request {i}: {e}"))?;
    let body = response.try_json();
    let ok = response.status == 200
        && match (&body, &expected) {
            (Some(v), Value::Null) => v.get("result").is_some_and(Value::is_i64),
            (Some(v), expected) => v == expected,
            (None, _) => false,
        };
    if ok {
        Ok(i % 5 == 2)
    } else {
        Err(format!(
            "client {c} request {i}: {} {}",
            response.status,
            String::from_utf8_lossy(&response.body)
        ))
    }
}

/// Latencies in microseconds → (p50, p99, max) in milliseconds.
fn percentiles(mut micros: Vec<u64>) -> (f64, f64, f64) {
    micros.sort_unstable();
    let at = |q: f64| {
        let i = ((micros.len() as f64 - 1.0) * q).round() as usize;
        micros.get(i).copied().unwrap_or(0) as f64 / 1000.0
    };
    (at(0.5), at(0.99), at(1.0))
}

/// Runs `total` requests spread over `clients` threads, each on its own keep-alive
/// connection. Returns the errors, the number of INCRs and the latencies.
fn load(addr: SocketAddr, clients: usize, total: usize) -> (Vec<String>, usize, Vec<u64>) {
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let count = total / clients + usize::from(c < total % clients);
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut errors = Vec::new();
                let mut incrs = 0;
                let mut latencies = Vec::with_capacity(count);
                for i in 0..count {
                    let started = Instant::now();
                    match workload(&mut client, c, i) {
                        Ok(incr) => incrs += usize::from(incr),
                        Err(e) => errors.push(e),
                    }
                    latencies
                        .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
                }
                (errors, incrs, latencies)
            })
        })
        .collect();
    let mut errors = Vec::new();
    let mut incrs = 0;
    let mut latencies = Vec::new();
    for t in threads {
        let (e, n, l) = t.join().expect("a client thread panicked");
        errors.extend(e);
        incrs += n;
        latencies.extend(l);
    }
    (errors, incrs, latencies)
}

#[test]
fn many_concurrent_clients_get_every_reply_right_with_bounded_memory() {
    // The fast tier serves a fifth of the full load from half the clients: the same checks
    // (every reply, every INCR counted once, no growth between two runs) in a second or two.
    let (clients, total) = if tier::full(Group::Load, "32 clients × 2,000 requests") {
        (64, 10_000)
    } else {
        (32, 2_000)
    };
    let clients = env_or("UPWIRE_LOAD_CLIENTS", clients);
    let total = env_or("UPWIRE_LOAD_REQUESTS", total);
    let (_redis, mut gateway) = gateway();
    let addr = gateway.addr;

    // Warm up (connections, allocator), then the measured run, then a second one: memory
    // that grows with the number of requests served would show between the two.
    let (errors, _, _) = load(addr, clients, clients * 10);
    assert!(errors.is_empty(), "warm-up: {errors:?}");
    let rss_warm = gateway.memory_kib("VmRSS");

    let started = Instant::now();
    let (errors, incrs_1, latencies) = load(addr, clients, total);
    let elapsed = started.elapsed();
    let rss_after_1 = gateway.memory_kib("VmRSS");
    let (errors_2, incrs_2, _) = load(addr, clients, total);
    let rss_after_2 = gateway.memory_kib("VmRSS");
    let peak = gateway.memory_kib("VmHWM");
    gateway.assert_alive();

    let (p50, p99, max) = percentiles(latencies);
    eprintln!(
        "gateway load: {clients} clients, {total} requests in {:.2} s ({:.0} req/s), {} errors; \
         latency p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms; serve RSS warm {} KiB, \
         after run 1 {} KiB, after run 2 {} KiB, peak {} KiB",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        errors.len() + errors_2.len(),
        rss_warm,
        rss_after_1,
        rss_after_2,
        peak
    );
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(
        errors_2.is_empty(),
        "{} errors in run 2, first: {:?}",
        errors_2.len(),
        &errors_2[..errors_2.len().min(5)]
    );

    // Every INCR counted exactly once, under concurrency.
    let mut client = Client::new(addr);
    let counter = client
        .send(&post("/", r#"["GET","load:counter"]"#, TOKEN))
        .unwrap()
        .try_json();
    let warmup_incrs: usize = (0..clients)
        .map(|_| (0..10).filter(|i| i % 5 == 2).count())
        .sum();
    assert_eq!(
        counter,
        Some(json!({"result": (warmup_incrs + incrs_1 + incrs_2).to_string()}))
    );

    // Bounded: a peak well under what a leak or unbounded buffering would reach, and no
    // growth from serving the same load again.
    assert!(peak < 256 * 1024, "peak RSS {peak} KiB");
    assert!(
        rss_after_2 < rss_after_1 + rss_after_1 / 4 + 8 * 1024,
        "RSS grew from {rss_after_1} KiB to {rss_after_2} KiB serving the same load again"
    );
}

// ---------------------------------------------------------------------------------------------
// Redis killed and restarted under load

#[derive(Debug)]
enum Outcome {
    Ok,
    /// A status other than 200, and whether the body was `{"error": "..."}`.
    Status(u16, bool),
    Io(String),
}

#[test]
fn redis_restart_mid_load_gives_json_5xx_then_full_recovery() {
    let (mut redis, mut gateway) = gateway();
    let addr = gateway.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let origin = Instant::now();
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut seen = Vec::new();
                // Bounded in count and time even if the main thread never says stop.
                for i in 0..200_000 {
                    if stop.load(Ordering::Relaxed) || origin.elapsed() > Duration::from_secs(40) {
                        break;
                    }
                    let started = origin.elapsed();
                    let body = json!(["SET", format!("r:{c}"), i]).to_string();
                    let outcome = match client.send(&post("/", &body, TOKEN)) {
                        Ok(r) if r.status == 200 => Outcome::Ok,
                        Ok(r) => Outcome::Status(r.status, r.is_json_error()),
                        Err(e) => Outcome::Io(e.to_string()),
                    };
                    seen.push((started, origin.elapsed(), outcome));
                    if i % 64 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                seen
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(500));
    let killed = origin.elapsed();
    redis.kill();
    std::thread::sleep(Duration::from_millis(1500));
    let restarting = origin.elapsed();
    redis.restart();
    let restarted = origin.elapsed();
    std::thread::sleep(Duration::from_millis(3000));
    stop.store(true, Ordering::Relaxed);
    let seen: Vec<(Duration, Duration, Outcome)> = clients
        .into_iter()
        .flat_map(|t| t.join().expect("a client thread panicked"))
        .collect();
    gateway.assert_alive();

    let io: Vec<&String> = seen
        .iter()
        .filter_map(|(_, _, o)| match o {
            Outcome::Io(e) => Some(e),
            _ => None,
        })
        .collect();
    assert!(
        io.is_empty(),
        "{} requests without an HTTP reply: {:?}",
        io.len(),
        &io[..io.len().min(5)]
    );
    let bad: Vec<_> = seen
        .iter()
        .filter(
            |(_, _, o)| matches!(o, Outcome::Status(s, json) if !(matches!(s, 503 | 504) && *json)),
        )
        .collect();
    assert!(
        bad.is_empty(),
        "replies other than 200 or a JSON 503/504: {:?}",
        &bad[..bad.len().min(5)]
    );

    // The outage: requests sent and answered well inside it got a JSON 5xx. (One that waits
    // for the reconnect may succeed once Redis is back: that is recovery, not an error.)
    let outage: Vec<_> = seen
        .iter()
        .filter(|(start, end, _)| *start > killed + Duration::from_millis(200) && *end < restarting)
        .collect();
    assert!(!outage.is_empty(), "no request was sent during the outage");
    let succeeded: Vec<_> = outage
        .iter()
        .filter(|(_, _, o)| matches!(o, Outcome::Ok))
        .collect();
    assert!(
        succeeded.is_empty(),
        "requests succeeded while Redis was down (killed {killed:?}, restarting {restarting:?}, restarted {restarted:?}): {:?}",
        &succeeded[..succeeded.len().min(5)]
    );
    // Fast: no request waited much longer than the Redis connect timeout (2 s).
    let slowest = seen
        .iter()
        .filter(|(start, _, _)| *start > killed)
        .map(|(s, e, _)| *e - *s)
        .max()
        .unwrap_or_default();
    assert!(
        slowest < Duration::from_secs(5),
        "an outage reply took {slowest:?}"
    );

    // Recovery: the first success comes soon after the restart; from a second later, every
    // request succeeds.
    let first_ok = seen
        .iter()
        .filter(|(start, _, o)| *start >= restarted && matches!(o, Outcome::Ok))
        .map(|(start, _, _)| *start)
        .min()
        .expect("no request succeeded after Redis came back");
    assert!(
        first_ok - restarted < Duration::from_secs(3),
        "recovery took {:?}",
        first_ok - restarted
    );
    let after: Vec<_> = seen
        .iter()
        .filter(|(start, _, _)| *start > first_ok + Duration::from_secs(1))
        .collect();
    assert!(
        after.len() > 100,
        "only {} requests after recovery",
        after.len()
    );
    let failed: Vec<_> = after
        .iter()
        .filter(|(_, _, o)| !matches!(o, Outcome::Ok))
        .collect();
    assert!(
        failed.is_empty(),
        "after recovery: {:?}",
        &failed[..failed.len().min(5)]
    );
    eprintln!(
        "redis restart: {} requests, {} during the outage (all JSON 5xx, slowest {slowest:?}), \
         first success {:?} after the restart, {} after recovery all 200",
        seen.len(),
        outage.len(),
        first_ok - restarted,
        after.len()
    );

    // And a fresh burst with full checking.
    let (errors, _, _) = load(addr, 16, 1000);
    assert!(errors.is_empty(), "{errors:?}");
}

// ---------------------------------------------------------------------------------------------
// Malformed requests

/// A request with a body and [`TOKEN`], as bytes for [`raw_tolerant`] (a server may stop
/// reading and answer early: 431, 413).
fn post_raw(addr: SocketAddr, target: &str, body: &[u8]) -> Vec<u8> {
    Request::post(target, body)
        .header("Content-Type", "application/json")
        .bearer(TOKEN)
        .bytes(addr, true)
}

#[test]
fn malformed_requests_get_a_4xx_each_while_others_carry_on() {
    let (_redis, mut gateway) = gateway();
    let addr = gateway.addr;

    // Normal traffic all along.
    let stop = Arc::new(AtomicBool::new(false));
    let background: Vec<_> = (0..8)
        .map(|c| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut client = Client::new(addr);
                let mut errors = Vec::new();
                let mut done = 0;
                for i in 0..1_000_000 {
                    if stop.load(Ordering::Relaxed) || i > 50_000 {
                        break;
                    }
                    if let Err(e) = workload(&mut client, 1000 + c, i) {
                        errors.push(e);
                    }
                    done += 1;
                }
                (errors, done)
            })
        })
        .collect();

    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge_under_limit = format!("[\"ECHO\"{}]", ",\"x\"".repeat(1_000_000));
    let huge_over_limit = format!("[\"ECHO\"{}]", ",\"x\"".repeat(3_000_000));
    let huge_pipeline = format!("[{}[\"PING\"]]", "[\"PING\",{}],".repeat(200_000));
    let raw_post = |body: &[u8]| post_raw(addr, "/", body);
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated JSON", raw_post(b"[\"SET\",\"k\"")),
        ("not JSON", raw_post(b"SET k v")),
        ("a JSON object", raw_post(br#"{"command":"PING"}"#)),
        ("an empty array", raw_post(b"[]")),
        ("an object argument", raw_post(br#"["SET","k",{"a":1}]"#)),
        ("100,000 levels of nesting", raw_post(nested.as_bytes())),
        ("a 1,000,001-element array (5 MiB)", raw_post(huge_under_limit.as_bytes())),
        ("a 3,000,001-element array (15 MiB)", raw_post(huge_over_limit.as_bytes())),
        ("a 200,000-command pipeline with bad commands", post_raw(addr, "/pipeline", huge_pipeline.as_bytes())),
        ("a non-UTF-8 body", raw_post(b"[\"SET\",\"k\",\"\xff\xfe\xc3\x28\"]")),
        ("invalid UTF-16 escapes", raw_post(br#"["SET","k","\ud800"]"#)),
        (
            "a 100 KiB header",
            format!("GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n", "a".repeat(100 * 1024)).into_bytes(),
        ),
        (
            "1,000 headers",
            format!(
                "GET /ping HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
                (0..1000).map(|i| format!("X-H{i}: v\r\n")).collect::<String>()
            )
            .into_bytes(),
        ),
        ("a non-UTF-8 request line", b"GET /\xff\xfe HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("garbage instead of HTTP", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n".to_vec()),
        ("a bad Content-Length", b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: ten\r\n\r\n".to_vec()),
        (
            "a bad chunk size",
            format!("POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n").into_bytes(),
        ),
        ("an unknown method", b"BREW / HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("no token", b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 8\r\n\r\n[\"PING\"]".to_vec()),
    ];
    // The same again, all at once.
    let concurrent: Vec<_> = cases
        .iter()
        .map(|(what, request)| {
            let (what, request) = ((*what).to_owned(), request.clone());
            std::thread::spawn(move || (what, raw_tolerant(addr, &request)))
        })
        .collect();
    let mut replies: Vec<(String, Reply)> = cases
        .drain(..)
        .map(|(what, request)| (what.to_owned(), raw_tolerant(addr, &request)))
        .collect();
    replies.extend(
        concurrent
            .into_iter()
            .map(|t| t.join().expect("a malformed request thread panicked")),
    );
    stop.store(true, Ordering::Relaxed);
    let mut served = 0;
    for t in background {
        let (errors, done) = t.join().expect("a client thread panicked");
        assert!(
            errors.is_empty(),
            "normal traffic failed: {:?}",
            &errors[..errors.len().min(5)]
        );
        served += done;
    }
    gateway.assert_alive();

    let mut summary = Vec::new();
    for (what, reply) in &replies {
        summary.push(format!("{what}: {}", reply.status));
        assert!(
            (400..500).contains(&reply.status),
            "{what}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        // Every error body is JSON, also those hyper writes for bad HTTP (serve::wire).
        assert!(
            reply.is_json_error(),
            "{what}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
    }
    eprintln!(
        "malformed requests ({served} normal requests meanwhile):\n{}",
        summary.join("\n")
    );
    let mut client = Client::new(addr);
    let pong = client.send(&post("/", r#"["PING"]"#, TOKEN)).unwrap();
    assert_eq!(
        (pong.status, pong.try_json()),
        (200, Some(json!({"result": "PONG"})))
    );
}

// ---------------------------------------------------------------------------------------------
// Slow clients

/// Slow clients keep trickling until the normal clients are done (or 20 s): if they held the
/// others up, the normal clients could not finish before the cap. Machine load only stretches
/// the numbers; it cannot make a blocking server pass.
#[test]
fn clients_that_trickle_bytes_do_not_block_the_others() {
    const CAP: Duration = Duration::from_secs(20);
    let (_redis, mut gateway) = gateway();
    let addr = gateway.addr;
    let stop = Arc::new(AtomicBool::new(false));

    // 16 connections trickling a request head and 16 trickling a body, one byte every 50 ms.
    let slow: Vec<_> = (0..32)
        .map(|n| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT).expect("connect");
                stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
                let (start, trickle): (String, &[u8]) = if n % 2 == 0 {
                    ("POST / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".to_owned(), b"abcdefghij")
                } else {
                    (
                        format!("POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: 100000\r\n\r\n[\"ECHO\",\""),
                        b"xxxxxxxxxx",
                    )
                };
                let _ = stream.write_all(start.as_bytes());
                let started = Instant::now();
                let mut sent = 0;
                // Whether this client was still mid-request when the others finished.
                let mut still_sending = false;
                while started.elapsed() < CAP {
                    if stop.load(Ordering::Relaxed) {
                        still_sending = true;
                        break;
                    }
                    if stream.write_all(&trickle[sent % trickle.len()..][..1]).is_err() {
                        break;
                    }
                    sent += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                (sent, still_sending)
            })
        })
        .collect();

    // Meanwhile, normal clients: every request answered.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (errors, _, latencies) = load(addr, 16, 2000);
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let slow: Vec<(usize, bool)> = slow
        .into_iter()
        .map(|t| t.join().expect("a slow client panicked"))
        .collect();
    gateway.assert_alive();
    let trickled: usize = slow.iter().map(|(sent, _)| sent).sum();
    let waiting = slow.iter().filter(|(_, still)| *still).count();
    let (p50, p99, max) = percentiles(latencies);
    eprintln!(
        "slow clients: 32 trickling ({trickled} bytes, {waiting} still mid-request at the end), \
         2000 normal requests in {elapsed:?}, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        elapsed < CAP / 2,
        "the normal requests took {elapsed:?}: they waited for the slow clients"
    );
    assert_eq!(
        waiting, 32,
        "every slow client was still mid-request when the normal ones were done"
    );
}
