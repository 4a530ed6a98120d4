//! upwire: which Redis connection settings does each part of a deployment need, TCP
//! `REDIS_URL` or the Upstash REST API? It reads `upwire.toml`, decides the transport of every
//! target with a written reason, validates every URL and token, and reports rustc-style
//! diagnostics.
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

pub mod code;
pub mod descriptor;
pub mod diagnostic;
pub mod docs;
pub mod envfile;
pub mod error;
pub mod generate;
pub mod init;
pub mod interpolate;
pub mod lint;
#[cfg(feature = "check")]
pub mod login;
pub mod model;
pub mod plan;
pub mod redis_url;
pub mod rule;
pub mod secret;
pub mod write;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(all(feature = "cli", feature = "check"))]
mod cli_check;
#[cfg(feature = "cli")]
mod cli_generate;
#[cfg(feature = "serve")]
pub mod serve;

pub use code::Code;
pub use diagnostic::{Diagnostic, Severity, SourceFile, TextRenderer};
pub use error::Error;
pub use interpolate::Env;
pub use plan::{Plan, Resolved, resolve};

/// The long text for a rule id or diagnostic code, as `upwire explain` prints it.
#[must_use]
pub fn explain(id: &str) -> Option<String> {
    if let Some(rule) = rule::find(id) {
        return Some(wrap(
            &format!(
                "rule `{}`\n\n{}\n\n{}\n",
                rule.id(),
                rule.summary(),
                rule.explanation()
            ),
            90,
        ));
    }
    let code = Code::from_name(id)?;
    Some(wrap(
        &format!(
            "{} `{}`: {}\n\n{}\n",
            code.default_severity(),
            code.name(),
            code.summary(),
            code.explanation()
        ),
        90,
    ))
}

/// Wraps prose paragraphs at `width` columns; indented lines are kept as they are.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with(' ') || line.len() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut col = 0;
        for word in line.split(' ') {
            if col > 0 && col + 1 + word.len() > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(word);
            col += word.len();
        }
        out.push('\n');
    }
    out
}

/// Every id `explain` knows: rule ids, then diagnostic codes.
#[must_use]
pub fn explain_ids() -> Vec<&'static str> {
    rule::RULES
        .iter()
        .map(|r| r.id())
        .chain(Code::ALL.iter().map(|c| c.name()))
        .collect()
}
