//! Env-file entries → endpoints: the names of the variable families (`crate::family`), after
//! any prefix.

use super::{Endpoint, Role};
use crate::envfile::EnvEntry;
use crate::family::{Family, Scope, lookup, name_of};

/// The role of a variable, and its public prefix.
#[must_use]
pub(crate) fn role_of_variable(key: &str) -> Option<(Option<&'static str>, Role)> {
    lookup(key).map(|k| (k.public, k.variable.role))
}

/// The endpoint for an env-file entry, when its name is one of a family's. A value with a
/// `${NAME}` reference is not checked (its value is not known here). `scope` says which
/// prefixes are read ([`Scope`]).
#[must_use]
pub(crate) fn from_env_entry(e: &EnvEntry, scope: &Scope) -> Option<Endpoint> {
    let known = scope.lookup(&e.key)?;
    if e.value.contains("${") {
        return None;
    }
    let mut ep = Endpoint::new(known.variable.role, &e.value);
    ep.label = format!("`{}`", e.key);
    // The names of one family and one prefix describe one database; `REDIS_URL` belongs to
    // both families (`host-mismatch` pairs it with either's REST URL).
    ep.group = group(known.prefix, known.variable.family);
    ep.family = Some(known.variable.family);
    ep.public_prefix = known.public;
    ep.prefix_span = known
        .public
        .map(|p| e.key_span.start..e.key_span.start + p.len());
    ep.span = e.value_span.clone();
    ep.verbatim = e.verbatim;
    ep.rest_rename = rest_url_variable(&e.key, scope).map(|name| (e.key_span.clone(), name));
    Some(ep)
}

/// The group of the names of `family` after `prefix`.
#[must_use]
pub(crate) fn group(prefix: &str, family: Family) -> String {
    format!("{prefix}\u{0}{}", family.label())
}

/// The REST URL variable of a TCP URL variable's family, prefix kept:
/// `REDIS_URL` and `UPSTASH_REDIS_URL` → `UPSTASH_REDIS_REST_URL`, `KV_URL` →
/// `KV_REST_API_URL`.
#[must_use]
fn rest_url_variable(key: &str, scope: &Scope) -> Option<String> {
    let known = scope.lookup(key)?;
    if known.variable.role != Role::TcpUrl || known.variable.family == Family::Srh {
        return None;
    }
    Some(crate::family::compose(
        known.prefix,
        name_of(known.variable.family, Role::RestUrl),
    ))
}
