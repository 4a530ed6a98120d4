//! A loopback stand-in for the Upstash REST API, for tests/integration/generate.rs: the
//! generated REST client's requests, as the API sees them, without a real Redis behind it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request as the stand-in REST API saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub authorization: String,
    pub content_type: String,
    pub body: serde_json::Value,
}

/// A loopback stand-in for the Upstash REST API: a tiny key-value store behind the documented
/// shapes (`POST /` with a JSON command, `/pipeline`, `/multi-exec`, `{"result"}` /
/// `{"error"}`, 401 for a wrong token). Plain HTTP: TLS is proven by the TCP test.
pub fn fake_rest_api(token: &'static str) -> (String, Arc<Mutex<Vec<Seen>>>) {
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
