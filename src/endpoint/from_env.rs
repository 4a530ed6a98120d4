//! Env-file entries → endpoints: the conventional variables (SPEC §1) and their
//! public-prefixed forms.

use super::{Endpoint, Role};
use crate::envfile::EnvEntry;
use crate::model::public_prefix;

/// The variables upwire checks, by name without a public prefix.
const KNOWN: &[(&str, Role)] = &[
    ("REDIS_URL", Role::TcpUrl),
    ("KV_URL", Role::TcpUrl),
    ("UPSTASH_REDIS_URL", Role::TcpUrl),
    ("UPSTASH_REDIS_REST_URL", Role::RestUrl),
    ("KV_REST_API_URL", Role::RestUrl),
    ("UPSTASH_REDIS_REST_TOKEN", Role::Token),
    ("KV_REST_API_TOKEN", Role::Token),
    ("UPSTASH_REDIS_REST_READONLY_TOKEN", Role::ReadonlyToken),
    ("KV_REST_API_READ_ONLY_TOKEN", Role::ReadonlyToken),
];

/// The role of a variable, and its public prefix.
#[must_use]
pub(crate) fn role_of_variable(key: &str) -> Option<(Option<&'static str>, Role)> {
    let prefix = public_prefix(key);
    let base = prefix.map_or(key, |p| &key[p.len()..]);
    KNOWN
        .iter()
        .find(|(name, _)| *name == base)
        .map(|(_, r)| (prefix, *r))
}

/// The endpoint for an env-file entry, when its name is one upwire knows. A value with a
/// `${NAME}` reference is not checked (its value is not known here).
#[must_use]
pub(crate) fn from_env_entry(e: &EnvEntry) -> Option<Endpoint> {
    let (prefix, role) = role_of_variable(&e.key)?;
    if e.value.contains("${") {
        return None;
    }
    let mut ep = Endpoint::new(role, &e.value);
    ep.label = format!("`{}`", e.key);
    // Vercel's KV_* and Upstash's names describe the same database only within their family.
    ep.group = format!(
        "{}{}",
        prefix.unwrap_or(""),
        if e.key.contains("KV_") { "kv" } else { "" }
    );
    ep.public_prefix = prefix;
    ep.prefix_span = prefix.map(|p| e.key_span.start..e.key_span.start + p.len());
    ep.span = e.value_span.clone();
    ep.verbatim = e.verbatim;
    ep.rest_rename = rest_url_variable(&e.key).map(|name| (e.key_span.clone(), name));
    Some(ep)
}

/// The REST URL variable of a TCP URL variable's family, public prefix kept:
/// `REDIS_URL` and `UPSTASH_REDIS_URL` → `UPSTASH_REDIS_REST_URL`, `KV_URL` →
/// `KV_REST_API_URL`.
#[must_use]
fn rest_url_variable(key: &str) -> Option<String> {
    let (prefix, role) = role_of_variable(key)?;
    if role != Role::TcpUrl {
        return None;
    }
    let prefix = prefix.unwrap_or("");
    let rest = if key[prefix.len()..].starts_with("KV_") {
        "KV_REST_API_URL"
    } else {
        "UPSTASH_REDIS_REST_URL"
    };
    Some(format!("{prefix}{rest}"))
}
