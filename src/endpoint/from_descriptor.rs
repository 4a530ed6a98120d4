//! `[database.NAME]` → endpoints: one per field that is present and resolved.

use super::{Endpoint, Role};
use crate::descriptor::{Database, Text};
use crate::model::Access;

/// The endpoints of a database, in field order. Fields whose `${NAME}` did not resolve are
/// left out (the unresolved variable is its own diagnostic).
#[must_use]
pub(crate) fn from_database(db: &Database) -> Vec<Endpoint> {
    [
        (Role::TcpUrl, &db.redis_url, "the TCP URL"),
        (Role::RestUrl, &db.rest_url, "the REST URL"),
        (Role::Token, &db.rest_token, "the REST token"),
        (
            Role::ReadonlyToken,
            &db.rest_readonly_token,
            "the read-only token",
        ),
    ]
    .into_iter()
    .filter_map(|(role, text, label)| {
        let text: &Text = text.as_ref()?;
        let value = text.value.as_ref()?;
        let mut ep = Endpoint::new(role, value);
        ep.label = label.to_owned();
        ep.group = db.name.clone();
        ep.group_label = format!("database `{}`: ", db.name);
        ep.span = text.span.clone();
        ep.verbatim = text.verbatim_start();
        ep.interpolated = text.is_interpolated().then(|| text.raw.clone());
        Some(ep)
    })
    .collect()
}

/// The token field of `db` a client with `access` uses, and its name (see
/// [`Role::token_for`]).
#[must_use]
pub(crate) fn token_field(db: &Database, access: Access) -> (&Option<Text>, &'static str) {
    match Role::token_for(access) {
        Role::ReadonlyToken => (&db.rest_readonly_token, "rest_readonly_token"),
        _ => (&db.rest_token, "rest_token"),
    }
}
