//! TCP: DNS → connect → TLS (for `rediss://`) → AUTH → PING, speaking RESP directly so that
//! every stage is timed and classified on its own.

use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::net::{connect, handshake};
use super::{CheckOptions, CheckResult, ErrorKind, Failure, Recorder, Stage};
use crate::model::Transport;
use crate::parse::validate_redis_url;

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// One RESP reply of the simple kinds AUTH, SELECT and PING return.
#[derive(Debug)]
enum Reply {
    Simple(String),
    Error(String),
}

const MAX_LINE: usize = 64 * 1024;

fn closed() -> Failure {
    Failure::new(
        ErrorKind::Tls,
        "the server closed the connection without answering",
    )
    .help("a server that expects TLS drops plain-text clients: use rediss://")
}

async fn command(conn: &mut BufReader<Box<dyn Io>>, args: &[&str]) -> Result<Reply, Failure> {
    let mut buf = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        buf.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        buf.extend_from_slice(a.as_bytes());
        buf.extend_from_slice(b"\r\n");
    }
    conn.get_mut().write_all(&buf).await.map_err(|_| closed())?;
    conn.get_mut().flush().await.map_err(|_| closed())?;
    let mut line = Vec::new();
    let n = (&mut *conn)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .await
        .map_err(|_| closed())?;
    if n == 0 {
        return Err(closed());
    }
    let text = String::from_utf8_lossy(&line).trim_end().to_owned();
    match line.first() {
        Some(b'+') => Ok(Reply::Simple(text[1..].to_owned())),
        Some(b'-') => Ok(Reply::Error(text[1..].to_owned())),
        Some(b':') => Ok(Reply::Simple(text[1..].to_owned())),
        // A nil reply (`SET ... XX` of a key that does not exist, for `--access`).
        Some(b'$' | b'*') if text == "$-1" || text == "*-1" => Ok(Reply::Simple(String::new())),
        Some(b'$') => {
            let len: usize = text[1..]
                .parse()
                .map_err(|_| protocol("a malformed bulk reply"))?;
            let mut body = vec![0; len.min(MAX_LINE) + 2];
            conn.read_exact(&mut body).await.map_err(|_| closed())?;
            Ok(Reply::Simple(
                String::from_utf8_lossy(&body[..len.min(MAX_LINE)]).into_owned(),
            ))
        }
        Some(0x15 | 0x16) => Err(Failure::new(
            ErrorKind::Tls,
            "the server answered with a TLS record",
        )
        .help("the server expects TLS: use rediss://")),
        Some(b'H') if text.starts_with("HTTP/") => Err(protocol("the server answered with HTTP")
            .help(format!(
                "this is an HTTP endpoint: use it as {} (https://host), not as {}",
                crate::family::UPSTASH_REST_URL,
                crate::family::REDIS_URL
            ))),
        _ => Err(protocol("the server does not speak the Redis protocol")),
    }
}

fn protocol(what: &str) -> Failure {
    Failure::new(ErrorKind::Protocol, what.to_owned())
}

fn auth_failure(user: &str, error: &str) -> Failure {
    if let Some(limit) = super::limit_failure(error) {
        limit
    } else if error.starts_with("WRONGPASS") {
        Failure::new(
            ErrorKind::Auth,
            format!("the password for user `{user}` was rejected (WRONGPASS)"),
        )
        .help("copy the password again from the console; Upstash's users are `default` (read-write) and `default_ro` (read-only)")
    } else if error.contains("without any password configured")
        || error.contains("no password is set")
    {
        Failure::new(
            ErrorKind::Auth,
            "the server has no password, but the URL sends one",
        )
        .help("remove the password from the URL, or set one on the server (requirepass)")
    } else if error.starts_with("NOAUTH") {
        Failure::new(ErrorKind::Auth, "the server requires a password (NOAUTH)")
            .help("add it to the URL: rediss://default:<password>@host:port")
    } else {
        Failure::new(
            ErrorKind::Auth,
            format!("the login as `{user}` failed: {error}"),
        )
        .help("check the user and password; Upstash's read-only TCP user is `default_ro`")
    }
}

/// Checks a TCP endpoint. `tls` is the client configuration from [`super::net::tls_config`].
pub(crate) async fn check_tcp(
    url: &str,
    options: &CheckOptions,
    tls: Arc<rustls::ClientConfig>,
) -> CheckResult {
    let mut rec = Recorder::new(Transport::Tcp, url);
    let (parsed, findings) = validate_redis_url(url);
    let Some(parsed) = parsed else {
        rec.fail(Failure::invalid(findings.iter().find(|f| f.is_error())));
        return rec.failed();
    };
    let (user, password) = match url::Url::parse(url.trim()) {
        Ok(u) => (
            percent_decode(u.username()),
            u.password().map(percent_decode).filter(|p| !p.is_empty()),
        ),
        Err(_) => (String::new(), None),
    };
    let user = if user.is_empty() {
        "default".to_owned()
    } else {
        user
    };
    let t = options.timeout;
    let Ok(addrs) = rec.resolve(&parsed.host, parsed.port, t).await else {
        return rec.failed();
    };
    let Ok(stream) = rec.stage(Stage::Connect, t, connect(&addrs)).await else {
        return rec.failed();
    };
    let io: Box<dyn Io> = if parsed.tls {
        match rec
            .stage(Stage::Tls, t, handshake(stream, &parsed.host, tls, "redis"))
            .await
        {
            Ok(s) => Box::new(s),
            Err(()) => return rec.failed(),
        }
    } else {
        Box::new(stream)
    };
    let mut conn = BufReader::new(io);
    if password.is_some() || parsed.db != 0 {
        let db = parsed.db.to_string();
        let login = async {
            if let Some(pw) = &password {
                match command(&mut conn, &["AUTH", &user, pw]).await? {
                    Reply::Simple(_) => {}
                    Reply::Error(e) => return Err(auth_failure(&user, &e)),
                }
            }
            if parsed.db != 0
                && let Reply::Error(e) = command(&mut conn, &["SELECT", &db]).await?
            {
                return Err(auth_failure(&user, &e));
            }
            Ok(())
        };
        if rec.stage(Stage::Auth, t, login).await.is_err() {
            return rec.failed();
        }
    }
    let mut samples = Vec::with_capacity(options.samples);
    for _ in 0..options.samples.max(1) {
        let start = Instant::now();
        let ping = async {
            match command(&mut conn, &["PING"]).await? {
                Reply::Simple(s) if s == "PONG" => Ok(()),
                Reply::Simple(s) => Err(protocol(&format!("PING answered `{s}` instead of PONG"))),
                Reply::Error(e) if e.starts_with("NOAUTH") || e.starts_with("WRONGPASS") => {
                    Err(auth_failure(&user, &e))
                }
                Reply::Error(e) => Err(super::limit_failure(&e)
                    .unwrap_or_else(|| protocol(&format!("PING failed: {e}")))),
            }
        };
        if rec.stage(Stage::Command, t, ping).await.is_err() {
            return rec.failed();
        }
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    if options.access {
        let found = tokio::time::timeout(t, probe_access(&mut conn, &user))
            .await
            .unwrap_or_else(|_| {
                super::AccessFound::unknown(format!(
                    "no answer to the access probe within {}",
                    super::fmt_duration(t)
                ))
            });
        rec.access(found);
    }
    let secure = if parsed.tls { "TLS, " } else { "" };
    rec.finish(
        &samples,
        format!(
            "PONG from {}:{} ({secure}user `{user}`)",
            parsed.host, parsed.port
        ),
    )
}

/// `check --access` over TCP (see `access.rs`): `ACL DRYRUN` where the user may run it, else
/// the write probe that stores nothing. Never writes.
async fn probe_access(conn: &mut BufReader<Box<dyn Io>>, url_user: &str) -> super::AccessFound {
    use super::access::{from_dryrun, from_write_probe, probe_key};
    let as_result = |r: &Reply| match r {
        Reply::Simple(s) => Ok(s.clone()),
        Reply::Error(e) => Err(e.clone()),
    };
    let key = probe_key();
    // The user the connection is logged in as (`default` without AUTH).
    let user = match command(conn, &["ACL", "WHOAMI"]).await {
        Ok(Reply::Simple(u)) if !u.is_empty() => u,
        Ok(_) => url_user.to_owned(),
        Err(f) => return super::AccessFound::unknown(f.message),
    };
    match command(conn, &["ACL", "DRYRUN", &user, "SET", &key, "1"]).await {
        Ok(reply) => {
            let reply = as_result(&reply);
            let reply = reply.as_ref().map(String::as_str).map_err(String::as_str);
            if let Some(found) = from_dryrun(&user, reply) {
                return found;
            }
        }
        Err(f) => return super::AccessFound::unknown(f.message),
    }
    match command(conn, &["SET", &key, "1", "XX"]).await {
        Ok(reply) => {
            let reply = as_result(&reply);
            from_write_probe(reply.as_ref().map(String::as_str).map_err(String::as_str))
        }
        Err(f) => super::AccessFound::unknown(f.message),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
