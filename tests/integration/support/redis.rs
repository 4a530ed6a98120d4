//! One `redis-server` on a free loopback port: plain or TLS, with a password, ACL users and
//! extra configuration; killed (SIGKILL, like a crash), restarted on the same port, or paused
//! (SIGSTOP: it accepts connections and never answers). Killed when its handle drops.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::certs::{CertShape, Certs};
use super::{free_port, require, signal};

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
    /// More `redis.conf` lines, such as `enable-debug-command yes`.
    pub config: Vec<String>,
}

/// A running redis-server on 127.0.0.1.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    dir: tempfile::TempDir,
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

    /// A plain server without password, with more `redis.conf` lines.
    pub fn with_config(lines: &[&str]) -> RedisServer {
        Self::start(RedisOptions {
            config: lines.iter().map(|l| (*l).to_owned()).collect(),
            ..RedisOptions::default()
        })
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
        let mut server = RedisServer {
            child: None,
            dir: tempfile::tempdir().expect("temp dir"),
            port: 0,
            certs,
        };
        // A free port can be taken between probing and binding: try a few.
        for _ in 0..5 {
            server.port = free_port();
            server.write_config(options);
            if server.launch() {
                return server;
            }
        }
        panic!("redis-server did not start on a free loopback port after 5 tries");
    }

    fn write_config(&self, options: &RedisOptions) {
        let port = self.port;
        let mut conf = format!(
            "bind 127.0.0.1\nprotected-mode no\nsave \"\"\nappendonly no\nloglevel warning\ndir {}\n",
            self.dir.path().display()
        );
        match &self.certs {
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
        for line in &options.config {
            conf.push_str(&format!("{line}\n"));
        }
        std::fs::write(self.dir.path().join("redis.conf"), conf).expect("write redis.conf");
    }

    /// Runs redis-server on `self.port`; whether it came up (and not, say, found the port taken).
    fn launch(&mut self) -> bool {
        let child = Command::new("redis-server")
            .arg(self.dir.path().join("redis.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(child) = &mut self.child
                && let Ok(Some(_)) = child.try_wait()
            {
                self.child = None;
                return false;
            }
            if self.ready() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        false
    }

    /// A plain server answers PING with PONG; a TLS one accepts connections.
    fn ready(&self) -> bool {
        let Ok(mut s) = TcpStream::connect_timeout(&self.addr(), Duration::from_millis(200)) else {
            return false;
        };
        if self.certs.is_some() {
            return true;
        }
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut buf = [0u8; 7];
        // With a password, the reply is a NOAUTH error: it is up all the same.
        s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok()
    }

    /// 127.0.0.1 and its port.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
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

    /// Kills the server (SIGKILL: no goodbye to clients, like a crash).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, with the same configuration.
    pub fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.launch() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not restart on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGSTOP / SIGCONT: a Redis that accepts connections but never answers.
    pub fn pause(&self, paused: bool) {
        let pid = self.child.as_ref().expect("redis-server runs").id();
        assert!(signal(pid, if paused { "-STOP" } else { "-CONT" }));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        // A paused server must be resumed to die promptly.
        if let Some(child) = &self.child {
            signal(child.id(), "-CONT");
        }
        self.kill();
    }
}
