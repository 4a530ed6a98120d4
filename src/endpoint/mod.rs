//! One endpoint model for the descriptor and for env files.
//!
//! Both reduce to a list of [`Endpoint`]s: a value with its role (TCP URL, REST URL, token,
//! read-only token), where it stands in its file, the public prefix of its name, and the
//! group it belongs to (a database, or the variables of one prefix in an env file). The lints
//! that concern endpoints run once, on that list, one file each in [`lints`]: the same code
//! finds a host mismatch in `upwire.toml` and in `.env`.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, SourceFile};
use crate::parse::{
    Finding, Fix, RedisUrl, RestUrl, validate_redis_url, validate_rest_url, validate_token,
};

mod from_descriptor;
mod from_env;
pub(crate) mod lints;

pub(crate) use from_descriptor::{from_database, token_field};
pub(crate) use from_env::{from_env_entry, group, role_of_variable};

pub(crate) use crate::family::Role;

/// The value parsed by its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// A TCP URL, when it validated.
    Tcp(Option<RedisUrl>),
    /// A REST URL, when it validated.
    Rest(Option<RestUrl>),
    /// A token (no structure).
    Token,
}

/// One value that says how to reach a database.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// What it is.
    pub role: Role,
    /// How messages name it: `` `REDIS_URL` `` or "the TCP URL".
    pub label: String,
    /// The group it belongs to (endpoints of one database); host mismatch compares a group's
    /// TCP and REST URLs.
    pub group: String,
    /// How messages name the group ("database `main`: "), empty for an env file.
    pub group_label: String,
    /// The variable family of its name, for env-file variables.
    pub family: Option<crate::family::Family>,
    /// The public prefix of its name (`NEXT_PUBLIC_`), for env-file variables.
    pub public_prefix: Option<&'static str>,
    /// The span of the name's public prefix.
    pub prefix_span: Option<Range<usize>>,
    /// The span of the whole value (the literal, quotes included, in a descriptor).
    pub span: Range<usize>,
    /// Where the value starts in the source when it stands there verbatim.
    pub verbatim: Option<usize>,
    /// `${NAME}` as written, when the value came from a variable.
    pub interpolated: Option<String>,
    /// The parsed value.
    pub parsed: Parsed,
    /// What validation found, ranges relative to the value.
    pub findings: Vec<Finding>,
    /// The value (resolved), kept for the lints that compare values.
    pub value: String,
    /// For an env file's TCP URL variable: its key's span and the REST URL variable of its
    /// family, which a REST URL found in it moves to (`upwire fix`) while that one is free.
    pub rest_rename: Option<(Range<usize>, String)>,
}

impl Endpoint {
    /// Parses `value` for `role`.
    #[must_use]
    pub(crate) fn new(role: Role, value: &str) -> Endpoint {
        let (parsed, findings) = match role {
            Role::TcpUrl => {
                let (u, f) = validate_redis_url(value);
                (Parsed::Tcp(u), f)
            }
            Role::RestUrl => {
                let (u, f) = validate_rest_url(value);
                (Parsed::Rest(u), f)
            }
            Role::Token | Role::ReadonlyToken => (Parsed::Token, validate_token(value)),
        };
        Endpoint {
            role,
            label: String::new(),
            group: String::new(),
            group_label: String::new(),
            family: None,
            public_prefix: None,
            prefix_span: None,
            span: 0..0,
            verbatim: None,
            interpolated: None,
            parsed,
            findings,
            value: value.to_owned(),
            rest_rename: None,
        }
    }

    /// Maps a range of the value to the source: exact when the value stands there verbatim,
    /// the whole value otherwise.
    #[must_use]
    pub(crate) fn at(&self, range: Option<&Range<usize>>) -> Range<usize> {
        match (range, self.verbatim) {
            (Some(r), Some(start)) => start + r.start..start + r.end,
            _ => self.span.clone(),
        }
    }

    /// The host, when the value is a valid URL.
    #[must_use]
    pub(crate) fn host(&self) -> Option<&str> {
        match &self.parsed {
            Parsed::Tcp(Some(u)) => Some(&u.host),
            Parsed::Rest(Some(u)) => Some(&u.host),
            _ => None,
        }
    }

    /// The diagnostic for one finding, placed in `source`.
    #[must_use]
    pub(crate) fn diagnostic(&self, f: &Finding, source: &SourceFile) -> Diagnostic {
        let span = self.at(f.range.as_ref());
        let mut f = f.clone();
        // The parsers name variables as `{var.rest_url}`: the ones of this variable's family
        // and prefix (`KV_URL`'s REST URL is `KV_REST_API_URL`), Upstash's elsewhere.
        let rest_url = self.rest_rename.as_ref().map(|(_, name)| name.as_str());
        let key = self.label.trim_matches('`');
        f.message = crate::family::fill_for(&f.message, key, rest_url);
        f.help = f.help.map(|h| crate::family::fill_for(&h, key, rest_url));
        let mut d = f.clone().into_diagnostic(source, span);
        d.fix = match (&f.fix, self.verbatim, &self.rest_rename) {
            // Edits of the value need it byte for byte in the file (no escapes, no `${NAME}`).
            (Some(Fix::Value(edits)), Some(start), _) => {
                edits.iter().map(|e| e.clone().shift(start)).collect()
            }
            (Some(Fix::MoveToRestUrl), _, Some((key, name))) => {
                vec![Edit::new(key.clone(), name.clone())]
            }
            _ => Vec::new(),
        };
        if let Some(raw) = &self.interpolated {
            d.message = format!("{} ({})", d.message, substituted(raw, self.role));
        }
        d
    }
}

/// Where an interpolated value came from, for the end of its message: `value of `${NAME}``
/// when the field is that one reference, else the field as written (secrets masked) "after
/// substitution", so the message never reads as the value being the value of itself.
fn substituted(raw: &str, role: Role) -> String {
    let whole = match crate::interpolate::references(raw).as_slice() {
        [crate::interpolate::Reference::Var { range, .. }] => *range == (0..raw.len()),
        _ => false,
    };
    if whole {
        format!("value of `{raw}`")
    } else {
        format!("`{}` after substitution", mask_raw(raw, role))
    }
}

/// A value as written, for "(value of `...`)": its secrets masked, and the password
/// position masked even when it holds a `${NAME}` (the message is about the resolved value).
fn mask_raw(raw: &str, role: Role) -> String {
    let ranges = match role {
        Role::TcpUrl | Role::RestUrl => {
            let mut r = crate::secret::sensitive_ranges(raw, crate::secret::Hint::Url);
            r.extend(crate::secret::url_password_range(raw));
            r
        }
        Role::Token | Role::ReadonlyToken => {
            crate::secret::sensitive_ranges(raw, crate::secret::Hint::Credential)
        }
    };
    let merged = crate::secret::merge_ranges(ranges);
    crate::secret::mask_ranges(raw, &merged)
}
