//! TLS certificates made with `openssl` at test time: a CA and a server certificate for
//! 127.0.0.1 / ::1 / localhost, or one of the broken shapes the TLS refusal tests need.

use std::path::PathBuf;

use super::run_tool;
use super::tier::{self, Group};

/// A CA and a server certificate, kept with their directory.
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

/// The names of a certificate for this machine.
const LOOPBACK_NAMES: &str = "DNS:localhost,IP:127.0.0.1,IP:::1";

impl Certs {
    /// Certificates in `dir` (made there by commands a message gave, or by [`Certs::shaped`]).
    pub fn from_files(dir: tempfile::TempDir, ca: &str, cert: &str, key: &str) -> Certs {
        Certs {
            ca: dir.path().join(ca),
            cert: dir.path().join(cert),
            key: dir.path().join(key),
            _dir: dir,
        }
    }

    /// Generates fresh certificates of the given shape with openssl.
    pub fn shaped(shape: CertShape) -> Certs {
        assert!(
            tier::require(Group::Openssl),
            "openssl is not installed: a test that makes certificates returns early when \
             `tier::require(Group::Openssl)` says false"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let run = |args: &[&str]| {
            run_tool("openssl", args, dir.path());
        };
        // `openssl req -x509`: a self-signed certificate (CA:TRUE), valid for two days.
        let self_signed = |subject: &str, key: &str, out: &str, extra: &[&str]| {
            let args = [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", subject,
                "-keyout", key, "-out", out,
            ];
            run(&[&args[..], extra].concat());
        };
        match shape {
            CertShape::SelfSignedCa => {
                let names = format!("subjectAltName={LOOPBACK_NAMES}");
                self_signed(
                    "/CN=localhost",
                    "server.key",
                    "server.pem",
                    &["-addext", &names],
                );
                return Self::from_files(dir, "server.pem", "server.pem", "server.key");
            }
            CertShape::SelfSignedCaNoSan => {
                self_signed("/CN=localhost", "server.key", "server.pem", &[]);
                return Self::from_files(dir, "server.pem", "server.pem", "server.key");
            }
            _ => {}
        }
        self_signed("/CN=upwire test CA", "ca.key", "ca.pem", &[]);
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
            CertShape::CaAsLeaf => ("CA:TRUE", LOOPBACK_NAMES),
            CertShape::WrongName => ("CA:FALSE", "DNS:db.example.com"),
            _ => ("CA:FALSE", LOOPBACK_NAMES),
        };
        let ext = format!(
            "basicConstraints={ca_flag}\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName={names}\n"
        );
        let write = |file: &str, text: &str| {
            std::fs::write(dir.path().join(file), text)
                .unwrap_or_else(|e| panic!("write {file}: {e}"));
        };
        if shape == CertShape::Expired {
            // `openssl x509` of OpenSSL 3.0 takes no start date; `openssl ca` does.
            write(
                "ca.cnf",
                &format!(
                    "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n[ext]\n{ext}"
                ),
            );
            write("index.txt", "");
            write("serial.txt", "01\n");
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
        } else {
            write("ext.cnf", &ext);
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
        }
        Self::from_files(dir, "ca.pem", "server.pem", "server.key")
    }
}
