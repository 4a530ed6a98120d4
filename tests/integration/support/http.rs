//! The one HTTP/1.1 client of the tests, every step with a timeout: a [`Request`] builder sent
//! on a fresh connection (`Connection: close`), raw bytes for hostile requests ([`raw`],
//! [`raw_tolerant`]), and a keep-alive [`Client`] for load tests. Every reply is
//! read until the server closes or one whole response (head and `Content-Length` body) is in,
//! and parsed into a [`Reply`].

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Every connect, read and write gives up after this.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The response as received, head and body.
    raw: Vec<u8>,
}

impl Reply {
    /// Parses one response; `None` without a complete head and a status.
    pub fn parse(response: &[u8]) -> Option<Reply> {
        let end = head_end(response)?;
        let head = String::from_utf8_lossy(&response[..end]);
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        Some(Reply {
            status,
            headers,
            body: response[end + 4..].to_vec(),
            raw: response.to_vec(),
        })
    }

    /// The body as JSON, or `None`.
    pub fn try_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                self.body_text()
            )
        })
    }

    /// A header's value (the name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `error` string of an error body.
    pub fn error(&self) -> String {
        match self.json().get("error") {
            Some(Value::String(e)) => e.clone(),
            other => panic!("status {}: no error in the body: {other:?}", self.status),
        }
    }

    /// Whether the body is JSON of the shape `{"error": "<text>"}`.
    pub fn is_json_error(&self) -> bool {
        self.try_json()
            .is_some_and(|v| v.get("error").is_some_and(Value::is_string))
    }

    /// The body, lossily decoded.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The whole response, head and body, lossily decoded (for "never contains" checks).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

/// A request to build: method, target (sent as is, so tests control the exact bytes of the
/// path), headers and an optional body. `Host` is the address it is sent to.
#[derive(Debug, Clone)]
pub struct Request {
    method: String,
    target: String,
    /// The `Host` header when it is not the address the request goes to.
    host: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<Arc<[u8]>>,
}

impl Request {
    /// `method target` without headers or body.
    pub fn new(method: &str, target: &str) -> Request {
        Request {
            method: method.to_owned(),
            target: target.to_owned(),
            host: None,
            headers: Vec::new(),
            body: None,
        }
    }

    /// With this `Host` header instead of the address it is sent to.
    pub fn host(mut self, host: &str) -> Request {
        self.host = Some(host.to_owned());
        self
    }

    /// `GET target`.
    pub fn get(target: &str) -> Request {
        Self::new("GET", target)
    }

    /// `POST target` with `body` (no `Content-Type`).
    pub fn post(target: &str, body: impl AsRef<[u8]>) -> Request {
        Self::new("POST", target).body(body)
    }

    /// `POST target` with a JSON `body` and `Content-Type: application/json`.
    pub fn post_json(target: &str, body: &str) -> Request {
        Self::post(target, body).header("Content-Type", "application/json")
    }

    /// One more header line.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Request {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    /// The body (sent with its `Content-Length`).
    pub fn body(self, body: impl AsRef<[u8]>) -> Request {
        self.shared_body(body.as_ref().into())
    }

    /// The body, not copied (for many clients sending the same large body).
    pub fn shared_body(mut self, body: Arc<[u8]>) -> Request {
        self.body = Some(body);
        self
    }

    /// The request's head for `host`, with `Connection: close` when `close`.
    fn head(&self, host: SocketAddr, close: bool) -> Vec<u8> {
        let host = self.host.clone().unwrap_or_else(|| host.to_string());
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\n",
            self.method, self.target
        );
        if close {
            head.push_str("Connection: close\r\n");
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = &self.body {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    /// The request's bytes for `host`, with `Connection: close` when `close`.
    pub fn bytes(&self, host: SocketAddr, close: bool) -> Vec<u8> {
        [self.head(host, close).as_slice(), self.body_bytes()].concat()
    }

    fn body_bytes(&self) -> &[u8] {
        self.body.as_deref().unwrap_or_default()
    }

    /// Sends it on a fresh connection; panics when the exchange fails.
    pub fn send(&self, addr: SocketAddr) -> Reply {
        let response = exchange(addr, &[&self.head(addr, true), self.body_bytes()], true);
        parse_or_panic(&response.expect("connect to serve"))
    }

    /// Sends it on a fresh connection; `None` when no reply came (a refused body may be
    /// answered with a reset instead).
    pub fn try_send(&self, addr: SocketAddr) -> Option<Reply> {
        let response = exchange(addr, &[&self.head(addr, true), self.body_bytes()], false)?;
        Reply::parse(&response)
    }
}

/// A connection to `addr` with read and write timeouts.
fn connect(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

fn head_end(message: &[u8]) -> Option<usize> {
    message.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Whether `message` holds a whole HTTP message: its head and the `Content-Length` bytes of
/// body it announces (none when it announces none).
pub fn complete_message(message: &[u8]) -> bool {
    let Some(end) = head_end(message) else {
        return false;
    };
    let head = String::from_utf8_lossy(&message[..end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    message.len() >= end + 4 + length
}

/// Reads one response: until the server closes, a read fails, or a whole response is in (so a
/// connection the server keeps open does not wait for its idle timeout). A whole response has
/// a `Content-Length`, unless `keep_alive` (the connection stays open: no length, no body).
/// The error is the read's, when nothing was read.
fn read_response(stream: &mut TcpStream, keep_alive: bool) -> std::io::Result<Vec<u8>> {
    let mut response = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let deadline = Instant::now() + IO_TIMEOUT;
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => response.extend_from_slice(&buf[..n]),
            // A signal to the test process (another test's child exiting) is not the
            // server's answer: read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if response.is_empty() => return Err(e),
            Err(_) => break,
        }
        let has_length = head_end(&response).is_some_and(|end| {
            String::from_utf8_lossy(&response[..end])
                .to_ascii_lowercase()
                .contains("\r\ncontent-length:")
        });
        if (keep_alive || has_length) && complete_message(&response) {
            break;
        }
    }
    Ok(response)
}

/// Sends `parts` on a fresh connection and reads the response; `None` when it cannot connect.
/// When `strict`, a failed write or read panics; otherwise the server may answer (and close)
/// before the whole request is sent.
fn exchange(addr: SocketAddr, parts: &[&[u8]], strict: bool) -> Option<Vec<u8>> {
    let mut stream = connect(addr).ok()?;
    for part in parts {
        let sent = stream.write_all(part);
        if strict {
            sent.expect("send the request");
        }
    }
    let response = read_response(&mut stream, false);
    Some(if strict {
        response.expect("read the response")
    } else {
        response.unwrap_or_default()
    })
}

fn parse_or_panic(response: &[u8]) -> Reply {
    Reply::parse(response).unwrap_or_else(|| {
        panic!(
            "no complete response head: {:?}",
            String::from_utf8_lossy(response)
        )
    })
}

/// Sends raw bytes on a fresh connection and reads the response; panics when the connection,
/// the write or the read fails, or the response has no complete head.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    parse_or_panic(&exchange(addr, &[request], true).expect("connect to serve"))
}

/// Like [`raw`], but the server may answer (and close) before the whole request is sent.
pub fn raw_tolerant(addr: SocketAddr, request: &[u8]) -> Reply {
    parse_or_panic(&exchange(addr, &[request], false).expect("connect to serve"))
}

/// One keep-alive connection, reused for every request (reconnects after the server closed
/// it or an exchange failed).
pub struct Client {
    addr: SocketAddr,
    conn: Option<TcpStream>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr, conn: None }
    }

    /// Sends `request` on the connection and reads its reply.
    pub fn send(&mut self, request: &Request) -> std::io::Result<Reply> {
        let result = self.exchange(request);
        let open = matches!(&result, Ok(r) if !r
            .header("connection")
            .is_some_and(|c| c.to_ascii_lowercase().contains("close")));
        if !open {
            self.conn = None;
        }
        result
    }

    fn exchange(&mut self, request: &Request) -> std::io::Result<Reply> {
        if self.conn.is_none() {
            let stream = connect(self.addr)?;
            stream.set_nodelay(true)?;
            self.conn = Some(stream);
        }
        let conn = self.conn.as_mut().expect("connected");
        conn.write_all(&request.bytes(self.addr, false))?;
        let response = read_response(conn, true)?;
        if response.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        if !complete_message(&response) {
            return Err(std::io::Error::other(format!(
                "an incomplete response: {:?}",
                String::from_utf8_lossy(&response)
            )));
        }
        Reply::parse(&response)
            .ok_or_else(|| std::io::Error::other("a response without a status line"))
    }
}

/// A `text/event-stream` response read as it arrives (serve's `/subscribe/...`): the head
/// once it is in, then the body, de-chunked, event by event. Every wait is bounded.
pub struct EventStream {
    stream: TcpStream,
    pub head: Reply,
    /// Raw bytes after the head, chunk framing included.
    raw: Vec<u8>,
    closed: bool,
}

impl EventStream {
    /// Sends `request` (keep-alive) on a fresh connection and reads the response head.
    pub fn open(addr: SocketAddr, request: &Request) -> EventStream {
        let mut stream = connect(addr).expect("connect to serve");
        stream
            .write_all(&request.bytes(addr, false))
            .expect("send the request");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("set a read timeout");
        let mut events = EventStream {
            stream,
            head: Reply::parse(b"HTTP/1.1 000 -\r\n\r\n").expect("a placeholder"),
            raw: Vec::new(),
            closed: false,
        };
        let deadline = Instant::now() + IO_TIMEOUT;
        while head_end(&events.raw).is_none() {
            assert!(
                Instant::now() < deadline && !events.closed,
                "no response head"
            );
            events.read_some();
        }
        let end = head_end(&events.raw).expect("a head") + 4;
        events.head = Reply::parse(&events.raw).expect("a response head");
        events.raw.drain(..end);
        events
    }

    fn read_some(&mut self) {
        let mut buf = [0u8; 16 * 1024];
        match self.stream.read(&mut buf) {
            Ok(0) => self.closed = true,
            Ok(n) => self.raw.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => self.closed = true,
        }
    }

    /// The body so far, de-chunked; and whether its last chunk came.
    pub fn body(&self) -> (String, bool) {
        let mut body = Vec::new();
        let mut rest = &self.raw[..];
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = std::str::from_utf8(&rest[..eol])
                .ok()
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .expect("a chunk size");
            if size == 0 {
                return (String::from_utf8_lossy(&body).into_owned(), true);
            }
            let start = eol + 2;
            if rest.len() < start + size + 2 {
                break;
            }
            body.extend_from_slice(&rest[start..start + size]);
            rest = &rest[start + size + 2..];
        }
        (String::from_utf8_lossy(&body).into_owned(), false)
    }

    /// Reads until the body contains `needle`; the body so far. Panics after `within`.
    pub fn wait_for(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let (body, _) = self.body();
            if body.contains(needle) {
                return body;
            }
            assert!(
                Instant::now() < deadline && !self.closed,
                "no {needle:?} within {within:?}; got {body:?}"
            );
            self.read_some();
        }
    }

    /// Reads until the response ends (last chunk or closed); the whole body. Panics after
    /// `within`.
    pub fn wait_for_end(&mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let (body, ended) = self.body();
            if ended || self.closed {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "the stream did not end within {within:?}; got {body:?}"
            );
            self.read_some();
        }
    }
}
