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
//! header, and [`build::cargo_dependencies`] returns them. For a TCP target:
//!
//! ```
//! use upwire::build::cargo_dependencies;
//! use upwire::model::Transport;
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
//! # Resolving a descriptor
//!
//! Everything else starts from [`resolve`]: descriptor text and an [`Env`] in, a [`Plan`]
//! (every target's transport, reasons and variables) and diagnostics out.
//!
//! ```
//! use upwire::{Env, SourceFile, resolve};
//!
//! let toml = r#"
//! [database.main]
//! rest_url = "https://eu1-tidy-cat-12345.upstash.io"
//! rest_token = "${TOKEN}"
//!
//! [target.edge]
//! kind = "edge"
//! "#;
//! let env = Env::from_pairs([("TOKEN", "AXexample")]);
//! let resolved = resolve(SourceFile::new("upwire.toml", toml), &env);
//! assert!(resolved.diagnostics.is_empty());
//! assert_eq!(resolved.plan.targets[0].rules, ["kind-edge"]);
//! ```
//!
//! # Generating files
//!
//! [`generate::artifacts`] renders every file of a plan from the templates, purely;
//! [`write::apply`] writes them (atomically, secrets with mode 0600, `.env` merged). The
//! starter client names its variables and never holds their values:
//!
//! ```
//! use upwire::{Env, SourceFile, generate, resolve};
//!
//! let toml = "[database.main]\nredis_url = \"${REDIS}\"\n\n[target.api]\nkind = \"server\"\n";
//! let env = Env::from_pairs([("REDIS", "rediss://default:AXsecret@eu1-tidy-cat-12345.upstash.io:6379")]);
//! let mut resolved = resolve(SourceFile::new("upwire.toml", toml), &env);
//! let files = generate::artifacts(&resolved.plan, &mut resolved.diagnostics);
//! let client = files.iter().find(|f| f.path.ends_with("src/redis_client.rs")).unwrap();
//! assert!(client.contents.contains("pub const URL_VAR: &str = \"REDIS_URL\";"));
//! assert!(!client.contents.contains("AXsecret"));
//! let dotenv = files.iter().find(|f| f.path.ends_with(".env")).unwrap();
//! assert!(dotenv.secret && dotenv.contents.contains("AXsecret"));
//! ```

pub mod build;
pub mod capability;
pub mod code;
pub mod descriptor;
pub mod diagnostic;
pub mod docs;
pub mod endpoint;
pub mod envfile;
pub mod error;
mod explain;
pub mod generate;
pub mod init;
pub mod interpolate;
pub mod lint;
#[cfg(feature = "check")]
pub mod login;
pub mod model;
pub mod parse;
pub mod plan;
pub mod platform;
pub mod project_path;
pub mod rule;
pub mod secret;
mod starter_client;
pub mod write;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "serve")]
pub mod serve;

pub use code::Code;
pub use diagnostic::{Diagnostic, Severity, SourceFile, TextRenderer};
pub use error::Error;
pub use explain::{explain, explain_ids};
pub use interpolate::Env;
pub use plan::{Plan, Resolved, resolve};
