//! upwire: which Redis connection settings does each part of a deployment need, TCP
//! `REDIS_URL` or the Upstash REST API? It reads `upwire.toml`, decides the transport of every
//! target with a written reason, validates every URL and token, reports rustc-style
//! diagnostics, and generates env files, platform files and a starter Rust client.
//!
//! # From `build.rs`
//!
//! The library's main use in a Rust project: generate the starter client of one target on
//! every build. Add upwire as a build dependency without its command-line features (that
//! pulls in no async runtime, network or CLI crate):
//!
//! ```toml
//! [build-dependencies]
//! upwire = { version = "0.1", default-features = false }
//! ```
//!
//! Describe the deployment in `upwire.toml` beside `Cargo.toml` (`upwire init` writes one),
//! then call the [`build::Builder`] from `build.rs`:
//!
//! ```no_run
//! // build.rs
//! use upwire::build::Builder;
//!
//! fn main() {
//!     Builder::new("upwire.toml").target("api").generate().unwrap();
//! }
//! ```
//!
//! and include what it writes into `OUT_DIR` (this is what tests/fixtures/buildrs does, built
//! and run by the integration tests):
//!
//! ```text
//! // src/main.rs
//! mod redis_client {
//!     include!(concat!(env!("OUT_DIR"), "/upwire_redis.rs"));
//! }
//!
//! #[tokio::main]
//! async fn main() -> redis::RedisResult<()> {
//!     use redis::AsyncTypedCommands as _;
//!     let mut redis = redis_client::connect().await?; // reads REDIS_URL at run time
//!     redis.set("greeting", "hello").await?;
//!     Ok(())
//! }
//! ```
//!
//! The client needs a few dependencies of its own: the generated file lists them in its
//! header, and [`cargo_dependencies`] returns them. For a TCP target:
//!
//! ```
//! use upwire::build::cargo_dependencies;
//! use upwire::Transport;
//!
//! let lines = cargo_dependencies(Transport::Tcp);
//! assert!(lines.iter().any(|l| l.starts_with("redis = ")));
//! assert!(lines.iter().any(|l| l.starts_with("tokio = ")));
//! ```
//!
//! What the build then does:
//!
//! - it writes `OUT_DIR/upwire_redis.rs` only when the content changed, so nothing
//!   recompiles needlessly, and prints `cargo:rerun-if-changed=` for the descriptor (and for
//!   any [`build::Builder::env_file`]);
//! - warnings in the descriptor become `cargo:warning=` lines;
//! - errors fail the build with the rendered diagnostic, as `upwire lint` prints it;
//! - it reads no environment variable: the generated code names the variables and reads
//!   them at run time, so secrets are never needed to build, and `unresolved-variable`
//!   findings do not fail the build.
//!
//!
//! # What is public
//!
//! The build-script API above is the library's public, documented surface: [`Builder`],
//! [`BuildError`] (with [`FileError`] for what could not be read or written), [`OUTPUT_FILE`],
//! [`cargo_dependencies`] and [`Transport`]; and, with the feature `serve` (on by default),
//! [`serve`]: a local Upstash-compatible REST endpoint to start from Rust tests. The
//! command-line tool is built from the same crate; what its binary, the integration tests and
//! the fuzz targets reach into is in `internal`, hidden from the docs and not covered by semver.
//!
//! # Feature flags
//!
//! | Feature | Default | What it adds | What it pulls in |
//! |---|---|---|---|
//! | `cli` | yes | the `upwire` binary (`required-features`) | clap, clap_complete, serde_json, similar |
//! | `serve` | yes | [`serve`]: the local Upstash-compatible REST endpoint, and `upwire serve` | tokio, hyper, redis (with rustls for `rediss://`), base64 and a few small crates |
//! | `check` | yes | `upwire check`: staged TCP/TLS and REST logins | tokio, hyper's client, rustls with aws-lc-rs, webpki and its roots |
//!
//! Without any of them (`default-features = false`) the crate is the build-script API alone,
//! with no async runtime, network or command-line dependency: serde, toml, url, askama,
//! thiserror, annotate-snippets, dotenvy, strsim and aho-corasick. Items that need a feature
//! say so on docs.rs.

// docs.rs (nightly, `--cfg docsrs`) shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Without the command-line features, the code that only `cli`, `serve` and `check` call (and
// the re-exports for them) is unused: that is expected of a lean `build.rs` build, not dead code.
#![cfg_attr(
    not(all(feature = "cli", feature = "serve", feature = "check")),
    allow(dead_code, unused_imports)
)]

pub mod build;

pub use build::{BuildError, Builder, FileError, OUTPUT_FILE, cargo_dependencies};
pub use model::Transport;

mod capability;
#[cfg(feature = "check")]
mod check;
mod ci_serve;
mod code;
mod descriptor;
mod detect;
mod diagnostic;
mod docs;
mod eas;
mod endpoint;
mod envfile;
mod error;
mod explain;
mod family;
mod fix;
mod framework;
mod generate;
mod git;
mod init;
mod input;
mod interpolate;
mod lint;
mod model;
mod package_manager;
mod parse;
mod pasted;
mod plan;
mod platform;
mod project;
mod project_path;
mod quote;
// Only its test renders the tables of docs/ (`UPWIRE_UPDATE_DOCS=1 cargo test --lib reference`).
#[cfg(test)]
mod reference;
mod rule;
mod secret;
mod starter_client;
mod template;
mod write;

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "serve")]
#[cfg_attr(docsrs, doc(cfg(feature = "serve")))]
pub mod serve;

pub(crate) use explain::{explain, explain_ids};

#[doc(hidden)]
pub mod internal {
    //! Not a public API: what the `upwire` binary, the integration tests, the fuzz targets and
    //! the benchmarks use. Hidden from the docs; it may change in any release.

    pub use crate::code::Code;
    pub use crate::diagnostic::{Diagnostic, Severity, SourceFile, TextRenderer};
    pub use crate::error::Error;
    pub use crate::explain::{explain, explain_ids};
    pub use crate::interpolate::Env;
    pub use crate::plan::{Plan, Resolved, resolve};

    /// `upwire`'s command line: parses `std::env::args` and runs the command.
    #[cfg(feature = "cli")]
    pub use crate::cli::run;

    pub mod descriptor {
        pub use crate::descriptor::Descriptor;
    }
    pub mod diagnostic {
        pub use crate::diagnostic::{DiagnosticJson, Edit};
    }
    pub mod docs {
        pub use crate::docs::guide;
    }
    pub mod envfile {
        pub use crate::envfile::{LineKind, dotenv_value, merge, scan, unclosed_quote};
    }
    pub mod fix {
        pub use crate::fix::apply;
    }
    pub mod generate {
        pub use crate::generate::{Artifact, WritePolicy, artifacts, client_for_include};
    }
    pub mod lint {
        pub use crate::lint::lint_env;
    }
    pub mod model {
        pub use crate::model::{Framework, Kind, Platform, Transport};

        /// The kinds of code `platform` runs (`kind-platform-mismatch` reports the others).
        #[must_use]
        pub fn platform_runs(platform: Platform) -> &'static [Kind] {
            platform.runs().0
        }

        /// The kinds of code `framework` runs as (`kind-framework-mismatch`).
        #[must_use]
        pub fn framework_runs(framework: Framework) -> &'static [Kind] {
            framework.facts().kinds
        }
    }
    pub mod parse {
        pub use crate::parse::{
            Finding, Fix, validate_redis_url, validate_rest_url, validate_token,
        };
    }
    pub mod rule {
        pub use crate::rule::RULES;
    }
    pub mod secret {
        pub use crate::secret::{
            find_placeholder, mask_url, scrub, url_password_range, url_secret_ranges,
        };
    }
}
