//! What the generated starter clients need: the `[dependencies]` lines for each transport.
//! `generate` writes them into the client's header, the guide lists them, and `build.rs`
//! users read them through [`crate::build::cargo_dependencies`].

use crate::model::Transport;

/// The `[dependencies]` lines the generated client needs, one `name = ...` line each.
///
/// Both clients use rustls with the webpki roots and the `ring` provider: no OpenSSL, no
/// `aws-lc-rs` C build. redis enables rustls without a provider, so the TCP client names
/// `rustls` to install `ring`; reqwest 0.12's `rustls-tls` brings `ring` itself (0.13 would
/// bring `aws-lc-rs` and the platform verifier).
#[must_use]
pub fn cargo_dependencies(transport: Transport) -> &'static [&'static str] {
    match transport {
        Transport::Tcp => &[
            r#"redis = { version = "1", default-features = false, features = ["tokio-rustls-comp", "tls-rustls-webpki-roots", "connection-manager"] }"#,
            r#"rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }"#,
            r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#,
        ],
        // base64 decodes the `Upstash-Encoding: base64` replies (the crate serve encodes them
        // with); tokio's `time` is the wait between retries.
        Transport::Rest => &[
            r#"base64 = "0.22""#,
            r#"reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }"#,
            r#"serde_json = "1""#,
            r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "time"] }"#,
        ],
    }
}
