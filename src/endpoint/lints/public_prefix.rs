//! `secret-public-prefix` and `public-token`: a variable whose public prefix puts it into a
//! client bundle holds the TCP URL's password or a token that is not known to be read-only.

use std::collections::HashSet;

use super::Lint;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::{Endpoint, Role};
use crate::family::Family;

/// Looks at every endpoint whose name has a public prefix.
pub(super) struct PublicPrefix;

impl Lint for PublicPrefix {
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
        // Sets: an env file may hold many thousands of entries (8 MiB), each looked up here.
        let full: HashSet<&str> = endpoints
            .iter()
            .filter(|e| e.public_prefix.is_none() && e.role == Role::Token)
            .map(|e| e.value.as_str())
            .collect();
        let readonly: HashSet<&str> = endpoints
            .iter()
            .filter(|e| e.role == Role::ReadonlyToken)
            .map(|e| e.value.as_str())
            .collect();
        // A read-only-named public token whose value is that of an unprefixed read-only token
        // in the same file: the value, not only the name, says read-only.
        let proven: HashSet<&str> = endpoints
            .iter()
            .filter(|e| e.public_prefix.is_none() && e.role == Role::ReadonlyToken)
            .map(|e| e.value.as_str())
            .collect();
        for e in endpoints {
            let (Some(prefix), Some(span)) = (e.public_prefix, e.prefix_span.clone()) else {
                continue;
            };
            if e.role == Role::ReadonlyToken && proven.contains(e.value.as_str()) {
                continue;
            }
            // Nothing real to ship: an empty value, or a placeholder (`.env.example`).
            if e.value.is_empty() || crate::secret::find_placeholder(&e.value).is_some() {
                continue;
            }
            let key = e.label.trim_matches('`');
            let base = &key[prefix.len().min(key.len())..];
            match e.role {
                Role::TcpUrl => out.push(
                    Diagnostic::new(
                        Code::SecretPublicPrefix,
                        format!("`{key}` puts the TCP URL and its password into the client bundle"),
                    )
                    .at(source, span)
                    .help(format!(
                        "rename it to `{base}` and use it only on the server; clients use the REST URL with the read-only token"
                    )),
                ),
                Role::Token if readonly.contains(e.value.as_str()) => {}
                // The value appears to be the read-only token (its first byte): what
                // `generate` writes for a mobile target under the standard name.
                Role::Token
                    if crate::parse::token_facts(&e.value).is_some_and(|f| f.read_only) => {}
                Role::Token if full.contains(e.value.as_str()) => out.push(
                    Diagnostic::new(
                        Code::SecretPublicPrefix,
                        format!("`{key}` puts the full-access token into the client bundle"),
                    )
                    .at(source, span)
                    .help(format!("use the console's read-only token here, under the name `{}`", readonly_name(key))),
                ),
                // Neither proven read-only by its value nor named so: an error, as a
                // full token is where tokens leak in real projects.
                Role::Token => out.push(
                    Diagnostic::new(
                        Code::SecretPublicPrefix,
                        format!(
                            "`{key}` ships in the client bundle, and nothing says it is the read-only token"
                        ),
                    )
                    .at(source, span)
                    .help(format!(
                        "put the console's read-only token here, under the name `{}`; the standard token must stay on the server",
                        readonly_name(key)
                    )),
                ),
                // Named read-only, but its first byte appears to say standard: the token's
                // bytes alone (an undocumented format) make a warning, `readonly-token-is-full`
                // (`token_facts`), not this error; the note would contradict it.
                Role::ReadonlyToken
                    if crate::parse::token_facts(&e.value).is_some_and(|f| !f.read_only) => {}
                Role::ReadonlyToken => out.push(
                    Diagnostic::new(
                        Code::PublicToken,
                        format!("`{key}` ships in the client bundle: its name says read-only"),
                    )
                    .at(source, span)
                    .help("make sure the value is the read-only token from the console, never the standard one"),
                ),
                Role::RestUrl => {}
            }
        }
    }
}

/// The read-only token's name in the family and with the prefix of `key`
/// (`NEXT_PUBLIC_KV_REST_API_TOKEN` → `NEXT_PUBLIC_KV_REST_API_READ_ONLY_TOKEN`).
fn readonly_name(key: &str) -> String {
    let (prefix, family) = crate::family::composed(key)
        .map_or(("", Family::Upstash), |k| (k.prefix, k.variable.family));
    crate::family::compose(prefix, crate::family::name_of(family, Role::ReadonlyToken))
}
