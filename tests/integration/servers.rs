//! Real peers for the tests, on loopback only: `redis-server` (plain, TLS, password, ACL
//! users) on free ports, TLS certificates made with `openssl` at test time, and a listener
//! that accepts and never answers. Every process is killed when its handle drops.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn require(tool: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`{tool}` is not installed: run `bash .ci/run` (it installs the test peers) or `apt-get install redis-server openssl`"
    );
}

/// A CA and a server certificate for 127.0.0.1 / ::1 / localhost.
#[derive(Debug)]
pub struct Certs {
    _dir: tempfile::TempDir,
    /// The CA certificate (PEM): what a client must trust.
    pub ca: PathBuf,
    /// Server certificate.
    pub cert: PathBuf,
    /// Server key.
    pub key: PathBuf,
}

/// Which server certificate [`Certs::shaped`] makes (all for 127.0.0.1 unless said).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum CertShape {
    /// A CA and a server certificate signed by it.
    #[default]
    Signed,
    /// One self-signed certificate, as `openssl req -x509` makes it (`CA:TRUE`), with
    /// subjectAltNames; `ca` is the certificate itself.
    SelfSignedCa,
    /// The same without subjectAltName (only `CN=localhost`).
    SelfSignedCaNoSan,
    /// Signed by the CA, but itself `CA:TRUE`.
    CaAsLeaf,
    /// Signed by the CA, for `db.example.com` only.
    WrongName,
    /// Signed by the CA, valid 2020-01-01 to 2020-01-02 only.
    Expired,
}

impl Certs {
    /// Certificates made elsewhere (by commands a message gave), kept with their directory.
    pub fn from_files(dir: tempfile::TempDir, ca: &str, cert: &str, key: &str) -> Certs {
        Certs {
            ca: dir.path().join(ca),
            cert: dir.path().join(cert),
            key: dir.path().join(key),
            _dir: dir,
        }
    }

    /// Generates fresh certificates with openssl.
    pub fn generate() -> Certs {
        Self::shaped(CertShape::Signed)
    }

    /// Generates fresh certificates of the given shape with openssl.
    pub fn shaped(shape: CertShape) -> Certs {
        require("openssl");
        let dir = tempfile::tempdir().expect("temp dir");
        let p = |f: &str| dir.path().join(f);
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("openssl runs");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        if matches!(
            shape,
            CertShape::SelfSignedCa | CertShape::SelfSignedCaNoSan
        ) {
            let mut args = vec![
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.pem",
            ];
            if shape == CertShape::SelfSignedCa {
                args.extend([
                    "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
                ]);
            }
            run(&args);
            return Certs {
                ca: p("server.pem"),
                cert: p("server.pem"),
                key: p("server.key"),
                _dir: dir,
            };
        }
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=upwire test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        run(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        let (ca_flag, names) = match shape {
            CertShape::CaAsLeaf => ("CA:TRUE", "DNS:localhost,IP:127.0.0.1,IP:::1"),
            CertShape::WrongName => ("CA:FALSE", "DNS:db.example.com"),
            _ => ("CA:FALSE", "DNS:localhost,IP:127.0.0.1,IP:::1"),
        };
        let ext = format!(
            "basicConstraints={ca_flag}\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName={names}\n"
        );
        if shape == CertShape::Expired {
            // `openssl x509` of OpenSSL 3.0 takes no start date; `openssl ca` does.
            std::fs::write(
                p("ca.cnf"),
                format!(
                    "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n[ext]\n{ext}"
                ),
            )
            .expect("write ca.cnf");
            std::fs::write(p("index.txt"), "").expect("write index");
            std::fs::write(p("serial.txt"), "01\n").expect("write serial");
            run(&[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-cert",
                "ca.pem",
                "-keyfile",
                "ca.key",
                "-in",
                "server.csr",
                "-out",
                "server.pem",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200102000000Z",
                "-extensions",
                "ext",
                "-notext",
            ]);
            return Certs {
                ca: p("ca.pem"),
                cert: p("server.pem"),
                key: p("server.key"),
                _dir: dir,
            };
        }
        std::fs::write(p("ext.cnf"), ext).expect("write ext");
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ]);
        Certs {
            ca: p("ca.pem"),
            cert: p("server.pem"),
            key: p("server.key"),
            _dir: dir,
        }
    }
}

/// How to start a redis-server.
#[derive(Debug, Default, Clone)]
pub struct RedisOptions {
    /// `requirepass` for the default user.
    pub password: Option<String>,
    /// Serve TLS (only) with these certificates.
    pub tls: bool,
    /// Extra ACL users: (name, password, rules such as `~* &* +@read`).
    pub users: Vec<(String, String, String)>,
    /// The certificate made when `tls` is on.
    pub cert_shape: CertShape,
}

/// A running redis-server on 127.0.0.1.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    _dir: tempfile::TempDir,
    /// The port (plain or TLS, whichever it serves).
    pub port: u16,
    /// Certificates when TLS is on.
    pub certs: Option<Certs>,
}

impl RedisServer {
    /// A plain server without password.
    pub fn plain() -> RedisServer {
        Self::start(RedisOptions::default())
    }

    /// Starts a server and waits until it accepts connections.
    pub fn start(options: RedisOptions) -> RedisServer {
        let certs = options.tls.then(|| Certs::shaped(options.cert_shape));
        Self::start_with(&options, certs)
    }

    /// Starts a TLS server with certificates made elsewhere.
    pub fn start_tls(options: &RedisOptions, certs: Certs) -> RedisServer {
        Self::start_with(options, Some(certs))
    }

    fn start_with(options: &RedisOptions, certs: Option<Certs>) -> RedisServer {
        require("redis-server");
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut conf = format!(
            "bind 127.0.0.1\nprotected-mode no\nsave \"\"\nappendonly no\ndir {}\n",
            dir.path().display()
        );
        match &certs {
            Some(c) => conf.push_str(&format!(
                "port 0\ntls-port {port}\ntls-cert-file {}\ntls-key-file {}\ntls-ca-cert-file {}\ntls-auth-clients no\n",
                c.cert.display(),
                c.key.display(),
                c.ca.display()
            )),
            None => conf.push_str(&format!("port {port}\n")),
        }
        if let Some(pw) = &options.password {
            conf.push_str(&format!("requirepass {pw}\n"));
        }
        for (name, pw, rules) in &options.users {
            conf.push_str(&format!("user {name} on >{pw} {rules}\n"));
        }
        let conf_path = dir.path().join("redis.conf");
        std::fs::write(&conf_path, conf).expect("write redis.conf");
        let child = Command::new("redis-server")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        let server = RedisServer {
            child,
            _dir: dir,
            port,
            certs,
        };
        wait_for_port(port);
        server
    }

    /// `redis://` or `rediss://` URL with an optional user and password.
    pub fn url(&self, user: Option<&str>, password: Option<&str>) -> String {
        let scheme = if self.certs.is_some() {
            "rediss"
        } else {
            "redis"
        };
        match (user, password) {
            (Some(u), Some(p)) => format!("{scheme}://{u}:{p}@127.0.0.1:{}", self.port),
            (None, Some(p)) => format!("{scheme}://default:{p}@127.0.0.1:{}", self.port),
            (Some(u), None) => format!("{scheme}://{u}@127.0.0.1:{}", self.port),
            (None, None) => format!("{scheme}://127.0.0.1:{}", self.port),
        }
    }

    /// The CA file to trust, for TLS servers.
    pub fn ca(&self) -> &Path {
        &self.certs.as_ref().expect("a TLS server").ca
    }

    /// Stops the server (for restart tests).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits up to 10 s for a listener on `port`.
pub fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200))
            .is_ok()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("nothing listens on 127.0.0.1:{port} after 10 s");
}

/// A listener that accepts connections and never answers, for timeout tests. It holds the
/// accepted sockets until dropped.
#[derive(Debug)]
pub struct BlackHole {
    /// Its port.
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl BlackHole {
    /// Starts the listener on a free loopback port.
    pub fn start() -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => held.push(s),
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        BlackHole { port, stop }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A one-shot HTTP server answering every request with `status`, `content_type` and `body`
/// (for "this is not a REST endpoint" tests).
pub fn http_stub(
    status: u16,
    content_type: &'static str,
    body: &'static str,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    listener.set_nonblocking(true).expect("nonblocking");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    let mut request_body = vec![0; length];
                    let _ = std::io::Read::read_exact(&mut reader, &mut request_body);
                    let mut s = reader.get_ref();
                    let _ = write!(
                        s,
                        "HTTP/1.1 {status} Stub\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    break;
                }
            }
        }
    });
    (port, stop)
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
/// makes of a server's error text. Read and write timeouts on every connection; it records
/// the bytes it received, and stops when dropped.
#[derive(Debug)]
pub struct Canned {
    /// Its port on 127.0.0.1.
    pub port: u16,
    received: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Canned {
    /// A RESP peer answering every command with `reply` (e.g. `-ERR ...\r\n`).
    pub fn resp(reply: String) -> Canned {
        Self::start(CannedKind::Resp, reply.into_bytes())
    }

    /// An HTTP peer answering every request with `status` and a JSON `body`.
    pub fn http(status: u16, body: &str) -> Canned {
        let response = format!(
            "HTTP/1.1 {status} Canned\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        Self::start(CannedKind::Http, response.into_bytes())
    }

    fn start(kind: CannedKind, reply: Vec<u8>) -> Canned {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, log) = (stop.clone(), received.clone());
        std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
                let _ = stream.set_write_timeout(Some(Duration::from_secs(3)));
                Self::answer(kind, stream, &reply, &log);
            }
        });
        Canned {
            port,
            received,
            stop,
        }
    }

    fn answer(
        kind: CannedKind,
        mut stream: TcpStream,
        reply: &[u8],
        log: &std::sync::Mutex<Vec<u8>>,
    ) {
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = match std::io::Read::read(&mut stream, &mut buf) {
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
                    let text = String::from_utf8_lossy(&request).into_owned();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
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
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
