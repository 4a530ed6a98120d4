//! REST: DNS → connect → TLS (for `https://`) → `POST /` with `["PING"]` and the Bearer token.

use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

use super::net::{connect, handshake};
use super::{AccessFound, CheckOptions, CheckResult, ErrorKind, Failure, Recorder, Stage};
use crate::model::Transport;
use crate::parse::{validate_rest_url, validate_token};

const MAX_BODY: usize = 1024 * 1024;

fn protocol(message: impl Into<String>) -> Failure {
    Failure::new(ErrorKind::Protocol, message)
        .help("this URL is not an Upstash REST endpoint: use https://<host> from the console's REST API section")
}

/// Interprets one reply to `POST / ["PING"]`.
fn interpret(status: u16, content_type: &str, body: &[u8]) -> Result<(), Failure> {
    if status == 401 {
        return Err(Failure::new(ErrorKind::Auth, "the REST token was rejected (HTTP 401)")
            .help(format!("copy {} again from the console (without `Bearer `); the read-only token works for PING too", crate::family::UPSTASH_REST_TOKEN)));
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let Some(json) = json else {
        let what = if content_type.contains("html") || body.trim_ascii_start().starts_with(b"<") {
            "an HTML page"
        } else {
            "a reply that is not JSON"
        };
        return Err(protocol(format!("HTTP {status} with {what}")));
    };
    if let Some(err) = json.get("error").and_then(|e| e.as_str()) {
        if let Some(limit) = super::limit_failure(err) {
            return Err(limit);
        }
        let kind = if status == 200 || status == 400 {
            ErrorKind::Protocol
        } else {
            ErrorKind::Http
        };
        return Err(Failure::new(kind, format!("HTTP {status}: {err}")));
    }
    if status != 200 {
        return Err(
            Failure::new(ErrorKind::Http, format!("unexpected HTTP status {status}"))
                .help("the REST API answers 200 to PING; check the URL and any proxy in between"),
        );
    }
    match json.get("result").and_then(|r| r.as_str()) {
        Some("PONG") => Ok(()),
        _ => Err(protocol("the JSON reply has no `result: \"PONG\"`")),
    }
}

/// Checks a REST endpoint with `token`. `tls` must offer ALPN `http/1.1`.
pub(crate) async fn check_rest(
    url: &str,
    token: &str,
    options: &CheckOptions,
    tls: Arc<rustls::ClientConfig>,
) -> CheckResult {
    let (parsed, findings) = validate_rest_url(url);
    let mut rec = Recorder::new(
        Transport::Rest,
        parsed.as_ref().map_or(url, |u| u.origin.as_str()),
    );
    let token_findings = validate_token(token);
    let first_error = findings
        .iter()
        .chain(&token_findings)
        .find(|f| f.is_error());
    let (Some(parsed), None) = (parsed, first_error) else {
        rec.fail(Failure::invalid(first_error));
        return rec.failed();
    };
    let url = url::Url::parse(&parsed.origin).ok();
    let https = parsed.origin.starts_with("https://");
    let port = url
        .as_ref()
        .and_then(url::Url::port_or_known_default)
        .unwrap_or(443);
    let host_header = parsed
        .origin
        .split("://")
        .nth(1)
        .unwrap_or(&parsed.host)
        .to_owned();
    let t = options.timeout;
    let Ok(addrs) = rec.resolve(&parsed.host, port, t).await else {
        return rec.failed();
    };
    let Ok(stream) = rec.stage(Stage::Connect, t, connect(&addrs)).await else {
        return rec.failed();
    };
    let (mut sender, conn) = if https {
        let Ok(tls_stream) = rec
            .stage(Stage::Tls, t, handshake(stream, &parsed.host, tls, "http"))
            .await
        else {
            return rec.failed();
        };
        match rec
            .stage(Stage::Tls, t, http_handshake(TokioIo::new(tls_stream)))
            .await
        {
            Ok(pair) => pair,
            Err(()) => return rec.failed(),
        }
    } else {
        match rec
            .stage(Stage::Connect, t, http_handshake(TokioIo::new(stream)))
            .await
        {
            Ok(pair) => pair,
            Err(()) => return rec.failed(),
        }
    };
    let mut samples = Vec::new();
    for _ in 0..options.samples.max(1) {
        let start = Instant::now();
        let exchange = async {
            let (status, content_type, body) =
                post(&mut sender, &host_header, token, br#"["PING"]"#.to_vec()).await?;
            interpret(status, &content_type, &body)
        };
        // Redis closes a connection that sends it `POST` without a reply: when a plain
        // http:// port does that, ask it once in RESP whether it is a Redis server.
        let exchange = async {
            match exchange.await {
                Err(f) if !https && f.message == CLOSED && speaks_resp(&addrs).await => {
                    Err(redis_port(&parsed.host, port))
                }
                other => other,
            }
        };
        if rec.stage(Stage::Command, t, exchange).await.is_err() {
            conn.abort();
            return rec.failed();
        }
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    if options.access {
        let found = tokio::time::timeout(t, probe_access(&mut sender, &host_header, token))
            .await
            .unwrap_or_else(|_| {
                AccessFound::unknown(format!(
                    "no answer to the access probe within {}",
                    super::fmt_duration(t)
                ))
            });
        rec.access(found);
    }
    conn.abort();
    rec.finish(&samples, format!("PONG from {}", parsed.origin))
}

/// One `POST /` with `body` and the Bearer token: the status, content type and body.
async fn post(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    host_header: &str,
    token: &str,
    body: Vec<u8>,
) -> Result<(u16, String, Bytes), Failure> {
    let request = hyper::Request::post("/")
        .header(hyper::header::HOST, host_header)
        .header(
            hyper::header::AUTHORIZATION,
            format!("Bearer {}", token.trim()),
        )
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|_| {
            Failure::new(
                ErrorKind::Protocol,
                "the token contains characters not allowed in an HTTP header",
            )
        })?;
    sender.ready().await.map_err(|_| closed())?;
    let response = sender.send_request(request).await.map_err(|e| {
        if e.is_incomplete_message() || e.is_canceled() {
            closed()
        } else {
            protocol(format!("HTTP request failed: {e}"))
        }
    })?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|_| protocol("the reply body is too large or broken"))?
        .to_bytes();
    Ok((status, content_type, body))
}

/// `check --access` over REST (see `access.rs`): the write probe that stores nothing, which
/// a read-only token is refused (`NOPERM`, as Upstash and `upwire serve` answer).
async fn probe_access(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    host_header: &str,
    token: &str,
) -> AccessFound {
    let key = super::access::probe_key();
    let body = serde_json::json!(["SET", key, "1", "XX"])
        .to_string()
        .into_bytes();
    let (status, _, body) = match post(sender, host_header, token, body).await {
        Ok(reply) => reply,
        Err(f) => return AccessFound::unknown(f.message),
    };
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    let error = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(|e| e.as_str());
    match (status, error, json.as_ref().and_then(|j| j.get("result"))) {
        (_, Some(e), _) => super::access::from_write_probe(Err(e)),
        (200, None, Some(_)) => super::access::from_write_probe(Ok("")),
        _ => AccessFound::unknown(format!(
            "HTTP {status} without a result or an error to the write probe"
        )),
    }
}

/// Starts an HTTP/1.1 client connection over `io`, driving it on its own task.
async fn http_handshake<T>(
    io: T,
) -> Result<(http1::SendRequest<Full<Bytes>>, tokio::task::JoinHandle<()>), Failure>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (sender, conn) = http1::handshake::<_, Full<Bytes>>(io)
        .await
        .map_err(|e| Failure::new(ErrorKind::Protocol, format!("HTTP handshake failed: {e}")))?;
    let task = tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok((sender, task))
}

/// The message of [`closed`].
const CLOSED: &str = "the server closed the connection without an HTTP reply";

fn closed() -> Failure {
    Failure::new(ErrorKind::Protocol, CLOSED).help("if the server expects TLS, use https://")
}

/// Whether the server at `addrs` answers an inline `PING` in RESP (`+PONG`, `-NOAUTH ...`,
/// `-DENIED ...`): the sign of a Redis port given as a REST URL. Bounded to one second; the
/// reply is only classified, never shown.
async fn speaks_resp(addrs: &[std::net::SocketAddr]) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let probe = async {
        let mut stream = connect(addrs).await.ok()?;
        stream.write_all(b"PING\r\n").await.ok()?;
        let mut reply = [0u8; 64];
        let n = stream.read(&mut reply).await.ok()?;
        let reply = &reply[..n];
        Some(matches!(reply.first(), Some(b'+' | b'-')) && reply.windows(2).any(|w| w == b"\r\n"))
    };
    tokio::time::timeout(std::time::Duration::from_secs(1), probe)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

/// The failure for a REST URL that leads to a Redis server's own port.
fn redis_port(host: &str, port: u16) -> Failure {
    Failure::new(
        ErrorKind::Protocol,
        format!("{host}:{port} is a Redis server (it answers in RESP), not a REST endpoint"),
    )
    .help(
        "the REST URL is the HTTP endpoint: https://<host> from the console's REST API section, \
         or the address `upwire serve` prints; check a Redis port as TCP with --redis-url \
         redis://...",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_classified() {
        assert!(interpret(200, "application/json", br#"{"result":"PONG"}"#).is_ok());
        assert_eq!(
            interpret(401, "", b"Unauthorized").unwrap_err().kind,
            ErrorKind::Auth
        );
        let html = interpret(200, "text/html", b"<!doctype html><html>").unwrap_err();
        assert_eq!(html.kind, ErrorKind::Protocol);
        assert!(html.message.contains("HTML"));
        assert_eq!(
            interpret(502, "application/json", br#"{"error":"bad gateway"}"#)
                .unwrap_err()
                .kind,
            ErrorKind::Http
        );
        assert_eq!(
            interpret(503, "text/plain", b"").unwrap_err().kind,
            ErrorKind::Protocol
        );
        assert_eq!(
            interpret(404, "application/json", b"{}").unwrap_err().kind,
            ErrorKind::Http
        );
        // Upstash's limits, with their words.
        for (body, words) in [
            (
                &br#"{"error":"ERR max requests limit exceeded. Limit: 500000, Usage: 500000."}"#[..],
                "ERR max requests limit exceeded",
            ),
            (
                br#"{"error":"ERR max daily request limit exceeded. Limit: 10000, Usage: 10000."}"#,
                "ERR max daily request limit exceeded",
            ),
            (
                br#"{"error":"ERR max concurrent connections exceeded"}"#,
                "ERR max concurrent connections exceeded",
            ),
        ] {
            let failure = interpret(400, "application/json", body).unwrap_err();
            assert_eq!(failure.kind, ErrorKind::Limit);
            assert!(failure.message.contains(words), "{}", failure.message);
            assert!(failure.help.is_some());
        }
    }
}
