//! Loopback peers that are not real servers: a listener that accepts and never answers, and
//! one that answers every request with one canned reply. Each stops when its handle drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A non-blocking listener on a free loopback port, its port, and a thread that hands every
/// connection to `each` until the returned flag is set.
fn listen(mut each: impl FnMut(TcpStream) + Send + 'static) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((stream, _)) => each(stream),
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (port, stop)
}

/// A listener that accepts connections and never answers, for timeout tests. It holds the
/// accepted sockets until dropped.
#[derive(Debug)]
pub struct BlackHole {
    /// Its port.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl BlackHole {
    /// Starts the listener on a free loopback port.
    pub fn start() -> BlackHole {
        let mut held = Vec::new();
        let (port, stop) = listen(move |s| held.push(s));
        BlackHole { port, stop }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What a [`Canned`] peer answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannedKind {
    /// RESP: every chunk read (AUTH, HELLO, PING, ...) gets the reply.
    Resp,
    /// HTTP/1.1: every request (headers and `Content-Length` body) gets the reply, then close.
    Http,
}

/// A loopback peer that answers every request with one fixed reply, for tests of what upwire
/// makes of a server's error text or of something that is not a REST endpoint. Read and write
/// timeouts on every connection; it records the bytes it received, and stops when dropped.
#[derive(Debug)]
pub struct Canned {
    /// Its port on 127.0.0.1.
    pub port: u16,
    received: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
}

impl Canned {
    /// A RESP peer answering every command with `reply` (e.g. `-ERR ...\r\n`).
    pub fn resp(reply: String) -> Canned {
        Self::start(CannedKind::Resp, reply.into_bytes())
    }

    /// An HTTP peer answering every request with `status` and a JSON `body`.
    pub fn http(status: u16, body: &str) -> Canned {
        Self::http_typed(status, "application/json", body)
    }

    /// An HTTP peer answering every request with `status` and a `body` of `content_type`.
    pub fn http_typed(status: u16, content_type: &str, body: &str) -> Canned {
        let response = format!(
            "HTTP/1.1 {status} Canned\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        Self::start(CannedKind::Http, response.into_bytes())
    }

    fn start(kind: CannedKind, reply: Vec<u8>) -> Canned {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let (port, stop) = listen(move |stream| {
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
            let _ = stream.set_write_timeout(Some(Duration::from_secs(3)));
            Self::answer(kind, stream, &reply, &log);
        });
        Canned {
            port,
            received,
            stop,
        }
    }

    fn answer(kind: CannedKind, mut stream: TcpStream, reply: &[u8], log: &Mutex<Vec<u8>>) {
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            log.lock().unwrap().extend_from_slice(&buf[..n]);
            request.extend_from_slice(&buf[..n]);
            match kind {
                CannedKind::Resp => {
                    if stream.write_all(reply).is_err() {
                        return;
                    }
                }
                CannedKind::Http => {
                    if super::http::complete_message(&request) {
                        let _ = stream.write_all(reply);
                        return;
                    }
                }
            }
        }
    }

    /// Everything received so far, lossily decoded.
    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
