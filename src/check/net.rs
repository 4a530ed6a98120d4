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

use super::verify::{PinnedVerifier, format_utc, is_ca_used_as_end_entity};
use super::{ErrorKind, Failure};
use crate::error::Error;

/// The TLS client configuration: webpki roots plus the certificates of `--ca-file`.
///
/// A `--ca-file` certificate that the server presents as its own is accepted even when it is
/// a CA certificate (`openssl req -x509` makes those), after its name and dates are checked:
/// see `verify.rs`.
///
/// # Errors
/// When the CA file cannot be read or holds no certificate.
pub(crate) fn tls_config(
    ca_file: Option<&Path>,
    alpn: &[&[u8]],
) -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut pinned = Vec::new();
    if let Some(path) = ca_file {
        // Bounded like every input: `--ca-file /dev/zero` is refused at 8 MiB.
        let pem = crate::input::read_bounded(path)?;
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
                .add(cert.clone())
                .map_err(|e| Error::Usage(format!("--ca-file `{}`: {e}", path.display())))?;
            pinned.push(cert);
        }
    }
    // aws-lc-rs: rustls's default provider, with post-quantum key exchange (X25519MLKEM768)
    // preferred; ring's provider is deprecated since rustls 0.23.48.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| Error::Runtime(format!("TLS setup: {e}")))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Runtime(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedVerifier::new(webpki, pinned)))
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
                .help(dns_help(host))
        })?
        .collect();
    if addrs.is_empty() {
        return Err(
            Failure::new(ErrorKind::Dns, format!("`{host}` has no address")).help(dns_help(host)),
        );
    }
    Ok(addrs)
}

/// What to do when `host` does not resolve. A Fly.io private database's name resolves only
/// inside Fly's private network (Fly docs, https://fly.io/docs/reference/redis/).
pub(crate) fn dns_help(host: &str) -> String {
    if crate::parse::is_fly_private(host) {
        format!(
            "`{host}` is a Fly.io private database: its name resolves only inside Fly's private network. Run the check on a Fly machine, or tunnel it to this one with `fly redis proxy` and check redis://default:<password>@localhost:<port> (the port it prints)"
        )
    } else {
        "check the host name: copy the endpoint again from the console".to_owned()
    }
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
        .help("check the port (Upstash serves TCP on 6379 and REST on 443) and that the server is running")
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

/// The subjectAltName entry for `host`: `IP:` for an address, `DNS:` for a name.
fn san(host: &str) -> String {
    if host.parse::<std::net::IpAddr>().is_ok() {
        format!("IP:{host}")
    } else {
        format!("DNS:{host}")
    }
}

/// A name as webpki reports it (`DnsName("db.example.com")`, `IpAddress(10.0.0.1)`), plain.
fn plain_name(presented: &str) -> &str {
    let inner = presented
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or(presented);
    inner.trim_matches('"')
}

/// The two openssl commands that make a CA and a server certificate signed by it, for `host`.
fn ca_and_leaf_commands(host: &str) -> String {
    let san = san(host);
    format!(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj '/CN=my Redis CA' -keyout ca.key -out ca.pem && \
openssl req -x509 -CA ca.pem -CAkey ca.key -newkey rsa:2048 -nodes -days 365 -subj '/CN={host}' \
-addext 'subjectAltName={san}' -addext 'basicConstraints=critical,CA:FALSE' -addext 'extendedKeyUsage=serverAuth' \
-keyout server.key -out server.pem"
    )
}

fn classify_tls(e: &io::Error, host: &str, plain_scheme: &str) -> Failure {
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
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return Failure::new(ErrorKind::Tls, format!("the TLS handshake failed: {e}"))
            .tls_error(e.to_string());
    };
    if matches!(tls, rustls::Error::InvalidMessage(_)) {
        return not_tls().tls_error(tls.to_string());
    }
    let (message, help) = tls_words(tls, host);
    let failure = Failure::new(ErrorKind::Tls, message).tls_error(tls.to_string());
    match help {
        Some(help) => failure.help(help),
        None => failure,
    }
}

/// What a rustls error means for the user, and the fix: (message, help).
#[allow(deprecated)] // `UnsupportedSignatureAlgorithm` is still what older paths return
fn tls_words(tls: &rustls::Error, host: &str) -> (String, Option<String>) {
    use rustls::{CertificateError as C, Error as E};
    let cert = "the server's certificate";
    let s = |m: &str| m.to_owned();
    // With or without the dates rustls knew, an expired or early certificate has one fix.
    let renew =
        "renew the server's certificate; if it should still be valid, check this machine's clock";
    let not_yet =
        "check this machine's clock, or reissue the certificate with a start date in the past";
    let never = "upwire never skips verification";
    match tls {
        E::InvalidCertificate(c) => match c {
            C::UnknownIssuer => (
                format!(
                    "{cert} is not signed by a CA upwire trusts (the web PKI roots, or --ca-file)"
                ),
                Some(format!(
                    "pass the certificate of the CA that signed it with --ca-file ca.pem (for a self-signed certificate, the certificate itself); {never}"
                )),
            ),
            C::NotValidForNameContext { presented, .. } => {
                let names = if presented.is_empty() {
                    "it names no host at all (no subjectAltName; the CN is not used)".to_owned()
                } else {
                    format!(
                        "it is for {}",
                        presented
                            .iter()
                            .map(|n| format!("`{}`", plain_name(n)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                (
                    format!("{cert} is not valid for `{host}`: {names}"),
                    Some(if presented.is_empty() {
                        format!("reissue it with -addext 'subjectAltName={}'", san(host))
                    } else {
                        format!(
                            "connect with a name the certificate holds, or reissue it with -addext 'subjectAltName={}'",
                            san(host)
                        )
                    }),
                )
            }
            C::NotValidForName => (
                format!("{cert} is not valid for `{host}`"),
                Some(s(
                    "connect with the host name the certificate was issued for",
                )),
            ),
            C::ExpiredContext { time, not_after } => (
                format!(
                    "{cert} expired on {} (it is now {})",
                    format_utc(not_after.as_secs()),
                    format_utc(time.as_secs())
                ),
                Some(s(renew)),
            ),
            C::Expired => (format!("{cert} has expired"), Some(s(renew))),
            C::NotValidYetContext { time, not_before } => (
                format!(
                    "{cert} is not valid before {} (it is now {})",
                    format_utc(not_before.as_secs()),
                    format_utc(time.as_secs())
                ),
                Some(s(not_yet)),
            ),
            C::NotValidYet => (format!("{cert} is not valid yet"), Some(s(not_yet))),
            C::Revoked => (
                format!("{cert} has been revoked by its CA"),
                Some(s("the server needs a new certificate: tell its operator")),
            ),
            C::BadSignature => (
                format!(
                    "{cert} carries a signature that does not verify: it was not signed by the CA it names"
                ),
                Some(s(
                    "check that --ca-file is the CA that issued the server's certificate, and that the certificate was not altered",
                )),
            ),
            C::UnsupportedSignatureAlgorithm
            | C::UnsupportedSignatureAlgorithmContext { .. }
            | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => (
                format!(
                    "{cert} is signed with an algorithm upwire does not accept (such as SHA-1, or a key under 2048 bits)"
                ),
                Some(s(
                    "reissue it with SHA-256 (openssl's default) and an RSA 2048+ or EC P-256 key",
                )),
            ),
            C::BadEncoding => (
                format!("{cert} cannot be parsed (it is not valid DER)"),
                Some(s(
                    "reissue the certificate; check that the server is configured with the right file",
                )),
            ),
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => (
                format!(
                    "{cert} is not meant for TLS servers (its extended key usage lacks serverAuth)"
                ),
                Some(s("reissue it with -addext 'extendedKeyUsage=serverAuth'")),
            ),
            C::UnhandledCriticalExtension => (
                format!("{cert} has a critical extension that upwire does not understand"),
                Some(s(
                    "reissue it without that extension, or mark it non-critical",
                )),
            ),
            C::Other(_) if is_ca_used_as_end_entity(tls) => (
                format!(
                    "{cert} is a CA certificate (CA:TRUE) used as the server's own; `openssl req -x509` makes those, and TLS clients such as rustls and browsers refuse them"
                ),
                Some(format!(
                    "pass that same certificate with --ca-file (upwire then accepts exactly that certificate, after checking its name and dates), or make a CA and a server certificate signed by it: {}",
                    ca_and_leaf_commands(host)
                )),
            ),
            C::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
                Some(webpki::Error::EndEntityUsedAsCa) => (
                    format!("{cert} is signed by a certificate that is not a CA (CA:FALSE)"),
                    Some(format!(
                        "sign the server's certificate with a CA certificate: {}",
                        ca_and_leaf_commands(host)
                    )),
                ),
                Some(
                    webpki::Error::PathLenConstraintViolated
                    | webpki::Error::MaximumPathDepthExceeded,
                ) => (
                    format!("{cert} chain is longer than its CAs allow"),
                    Some(s(
                        "issue the server's certificate from a CA closer to the root, or serve a shorter chain",
                    )),
                ),
                Some(webpki::Error::NameConstraintViolation) => (
                    format!("{cert} names a host its CA may not issue for (name constraints)"),
                    Some(s("reissue it from a CA allowed to issue for this host")),
                ),
                _ => (
                    format!("{cert} was refused: {other}"),
                    Some(format!("reissue the server's certificate; {never}")),
                ),
            },
            _ => (
                format!("{cert} was refused ({c:?})"),
                Some(format!("reissue the server's certificate; {never}")),
            ),
        },
        E::NoCertificatesPresented => (
            s("the server sent no certificate"),
            Some(s(
                "configure the server with a certificate (Redis: tls-cert-file and tls-key-file)",
            )),
        ),
        E::AlertReceived(alert) => (
            format!("the server ended the TLS handshake ({alert:?} alert)"),
            Some(s(
                "the server and upwire share no TLS version or cipher suite (upwire speaks TLS 1.2 and 1.3), or the server wants a client certificate, which upwire does not send",
            )),
        ),
        E::PeerIncompatible(why) => (
            format!("the server's TLS is not compatible with upwire's ({why:?})"),
            Some(s(
                "upwire speaks TLS 1.2 and 1.3 with modern cipher suites; update the server's TLS settings",
            )),
        ),
        E::PeerMisbehaved(why) => (format!("the server broke the TLS protocol ({why:?})"), None),
        other => (format!("the TLS handshake failed: {other}"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fly_host_that_does_not_resolve_gets_fly_redis_proxy() {
        assert!(dns_help("fly-late-waterfall-1133.upstash.io").contains("fly redis proxy"));
        assert!(!dns_help("eu1-tidy-cat-12345.upstash.io").contains("fly"));
    }

    #[test]
    fn names_as_webpki_reports_them_are_shown_plain() {
        assert_eq!(plain_name("DnsName(\"db.example.com\")"), "db.example.com");
        assert_eq!(plain_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(plain_name("odd"), "odd");
        assert_eq!(san("127.0.0.1"), "IP:127.0.0.1");
        assert_eq!(san("::1"), "IP:::1");
        assert_eq!(san("localhost"), "DNS:localhost");
    }
}
