//! The stages TCP and REST share: DNS, connect, TLS. Certificates are always verified.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::{ErrorKind, Failure};
use crate::error::Error;

/// The TLS client configuration: webpki roots plus the certificates of `--ca-file`.
///
/// # Errors
/// When the CA file cannot be read or holds no certificate.
pub fn tls_config(
    ca_file: Option<&Path>,
    alpn: &[&[u8]],
) -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        // Bounded like every input: `--ca-file /dev/zero` is refused at 8 MiB.
        let pem = crate::error::read_bounded(path)?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<_, _>>()
            .map_err(|e| Error::Usage(format!("--ca-file `{}`: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(Error::Usage(format!(
                "--ca-file `{}` holds no PEM certificate",
                path.display()
            )));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| Error::Usage(format!("--ca-file `{}`: {e}", path.display())))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Usage(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(config))
}

/// Resolves `host:port`.
pub(crate) async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Failure> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| {
            Failure::new(ErrorKind::Dns, format!("cannot resolve `{host}`: {e}"))
                .help("check the host name: copy the endpoint again from the console")
        })?
        .collect();
    if addrs.is_empty() {
        return Err(
            Failure::new(ErrorKind::Dns, format!("`{host}` has no address"))
                .help("check the host name: copy the endpoint again from the console"),
        );
    }
    Ok(addrs)
}

/// Connects to the first address that accepts.
pub(crate) async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, Failure> {
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    let (addr, e) = last.ok_or_else(|| Failure::new(ErrorKind::Dns, "no address to connect to"))?;
    Err(if e.kind() == io::ErrorKind::ConnectionRefused {
        Failure::new(
            ErrorKind::Refused,
            format!("connection to {addr} refused: nothing listens on that port"),
        )
        .help("check the port (Upstash TCP uses 6379) and that the server is running")
    } else {
        Failure::new(ErrorKind::Refused, format!("cannot connect to {addr}: {e}"))
            .help("check the host and port, and that this machine can reach them")
    })
}

/// Performs the TLS handshake, classifying the ways it fails.
pub(crate) async fn handshake(
    stream: TcpStream,
    host: &str,
    config: Arc<rustls::ClientConfig>,
    plain_scheme: &str,
) -> Result<TlsStream<TcpStream>, Failure> {
    let name = ServerName::try_from(host.to_owned()).map_err(|_| {
        Failure::new(
            ErrorKind::Tls,
            format!("`{host}` is not a valid TLS server name"),
        )
    })?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| classify_tls(&e, host, plain_scheme))
}

fn classify_tls(e: &io::Error, host: &str, plain_scheme: &str) -> Failure {
    use rustls::{CertificateError, Error as TlsError};
    let not_tls = || {
        Failure::new(
            ErrorKind::Tls,
            "the server is not speaking TLS on this port",
        )
        .help(format!(
            "use {plain_scheme}:// for a plain port, or the TLS port of the server"
        ))
    };
    if matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
    ) {
        return not_tls();
    }
    let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<TlsError>())
    else {
        return Failure::new(ErrorKind::Tls, format!("TLS handshake failed: {e}"));
    };
    match tls {
        TlsError::InvalidMessage(_) => not_tls(),
        TlsError::InvalidCertificate(CertificateError::UnknownIssuer) => Failure::new(
            ErrorKind::Tls,
            "the server's certificate is not signed by a trusted CA",
        )
        .help("for a private CA pass its certificate with --ca-file ca.pem; upwire never skips verification"),
        TlsError::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => Failure::new(
            ErrorKind::Tls,
            format!("the server's certificate is not valid for `{host}`"),
        )
        .help("connect with the host name the certificate was issued for"),
        TlsError::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => Failure::new(ErrorKind::Tls, "the server's certificate has expired"),
        other => Failure::new(ErrorKind::Tls, format!("TLS handshake failed: {other}")),
    }
}
