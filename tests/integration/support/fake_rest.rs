//! A loopback stand-in for the Upstash REST API, for tests/integration/generate.rs: the
//! generated REST client's requests, as the API sees them, without a real Redis behind it;
//! and the failures `upwire serve` never has: a 503 now and then, a connection closed
//! without an answer.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request as the stand-in REST API saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: String,
    pub content_type: String,
    /// `Upstash-Encoding`, if sent.
    pub encoding: Option<String>,
    /// `Upstash-Sync-Token`, if sent.
    pub sync_token: Option<String>,
    pub body: serde_json::Value,
    /// When the request had been read.
    pub at: Instant,
    /// Whether the stand-in closed the connection without answering (`DROPPED`).
    pub dropped: bool,
}

/// A loopback stand-in for the Upstash REST API: a tiny key-value store behind the documented
/// shapes (`POST /` with a JSON command, `/pipeline`, `/multi-exec`, `{"result"}` /
/// `{"error"}`, 401 for a wrong token, base64 strings when asked for with
/// `Upstash-Encoding: base64`). Every authorized reply carries `Upstash-Sync-Token:
/// sync-<n>`, n the request's place in the log. `OUTAGE` (with any arguments) always answers
/// 503; `FLAKY` answers 503 twice, then `{"result": "recovered"}`; `DROPPED` closes the
/// connection unanswered twice, then answers `{"result": "delivered"}`. Plain HTTP: TLS is
/// proven by the TCP test.
pub fn fake_rest_api(token: &'static str) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut store = Store::new();
        let (mut flaky_failures, mut drops) = (0, 0);
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let (mut length, mut authorization, mut content_type) =
                (0, String::new(), String::new());
            let (mut encoding, mut sync_token) = (None, None);
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
                    "upstash-encoding" => encoding = Some(value.trim().to_owned()),
                    "upstash-sync-token" => sync_token = Some(value.trim().to_owned()),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let body: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
            let base64 = encoding.as_deref() == Some("base64");
            let authorized = authorization == format!("Bearer {token}");
            let dropped = authorized && body == serde_json::json!(["DROPPED"]) && drops < 2;
            let index = {
                let mut log = log.lock().unwrap();
                log.push(Seen {
                    path: path.clone(),
                    authorization: authorization.clone(),
                    content_type,
                    encoding,
                    sync_token,
                    body: body.clone(),
                    at: Instant::now(),
                    dropped,
                });
                log.len() - 1
            };
            if dropped {
                // The whole request was read: closing sends a FIN, no reply.
                drops += 1;
                continue;
            }
            let (status, reply) = if !authorized {
                (401, serde_json::json!({"error": "Unauthorized"}))
            } else if body[0] == "OUTAGE" {
                (503, serde_json::json!({"error": "service unavailable"}))
            } else if body == serde_json::json!(["FLAKY"]) && flaky_failures < 2 {
                flaky_failures += 1;
                (503, serde_json::json!({"error": "service unavailable"}))
            } else if path == "/" {
                let reply = run_command(&mut store, &body, base64);
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
                    .map(|c| run_command(&mut store, c, base64))
                    .collect();
                (200, serde_json::Value::Array(replies))
            };
            let reply = reply.to_string();
            let sync = if authorized {
                format!("Upstash-Sync-Token: sync-{index}\r\n")
            } else {
                String::new()
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 {sync}Connection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, seen)
}

/// The stand-in's data: value and TTL in seconds (-1: no expiry) per key.
type Store = std::collections::HashMap<String, (Vec<u8>, i64)>;

/// Runs one command; with `base64`, its string results are base64 (a top-level `"OK"` is
/// not), as on Upstash.
fn run_command(store: &mut Store, command: &serde_json::Value, base64: bool) -> serde_json::Value {
    use base64::Engine as _;
    use serde_json::json;
    let string = |bytes: &[u8]| {
        if base64 {
            base64::engine::general_purpose::STANDARD.encode(bytes)
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
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
            store.insert((*key).to_owned(), (value.as_bytes().to_vec(), ttl));
            json!({"result": "OK"})
        }
        ["GET", key] => json!({"result": store.get(*key).map(|(value, _)| string(value))}),
        ["INCR", key] => {
            let (value, ttl) = store.get(*key).cloned().unwrap_or((b"0".to_vec(), -1));
            match String::from_utf8_lossy(&value).parse::<i64>() {
                Ok(n) => {
                    store.insert((*key).to_owned(), ((n + 1).to_string().into_bytes(), ttl));
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
        // Only `SET u8 #<offset> <value>`, the form the binary step uses.
        ["BITFIELD", key, sets @ ..] => {
            let (value, _) = store.entry((*key).to_owned()).or_insert((Vec::new(), -1));
            let mut old = Vec::new();
            for set in sets.chunks(4) {
                let ["SET", "u8", offset, byte] = set else {
                    return json!({"error": "ERR the stand-in knows only BITFIELD SET u8"});
                };
                let offset: usize = offset.trim_start_matches('#').parse().unwrap();
                if value.len() <= offset {
                    value.resize(offset + 1, 0);
                }
                old.push(value[offset]);
                value[offset] = byte.parse().unwrap();
            }
            json!({"result": old})
        }
        ["FLAKY"] => json!({"result": string(b"recovered")}),
        ["DROPPED"] => json!({"result": string(b"delivered")}),
        ["HGET", ..] => {
            json!({"error": "WRONGTYPE Operation against a key holding the wrong kind of value"})
        }
        _ => json!({"error": "ERR unknown command"}),
    }
}
