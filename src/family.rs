//! The variable families: every environment variable name upwire reads or writes for an
//! endpoint, what it holds, and which client reads it in which order. lint, fix, generate,
//! init, check, serve and the docs read this table; no other file spells these names.
//!
//! | Family | TCP URL | REST URL | Token | Read-only token |
//! |---|---|---|---|---|
//! | Upstash (console, `upwire generate`) | `UPSTASH_REDIS_URL`, `UPSTASH_REDIS_TCP_URL`, `REDIS_URL` | `UPSTASH_REDIS_REST_URL` | `UPSTASH_REDIS_REST_TOKEN` | `UPSTASH_REDIS_REST_READONLY_TOKEN` |
//! | Vercel Marketplace (any prefix: `STORAGE_KV_REST_API_URL`, `cache_REDIS_URL`) | `KV_URL`, `REDIS_URL` | `KV_REST_API_URL` | `KV_REST_API_TOKEN` | `KV_REST_API_READ_ONLY_TOKEN` |
//! | SRH (`upwire serve`, exact names) | `SRH_CONNECTION_STRING` | | `SRH_TOKEN` | |
//!
//! Names are read exactly, behind a public prefix (`NEXT_PUBLIC_`), behind a descriptor's
//! `env_prefix` (`SHOP` makes `SHOPUPSTASH_REDIS_REST_URL`); the distinctive names
//! (`UPSTASH_*`, `KV_REST_API_*`) behind any prefix ending in `_`; the generic `REDIS_URL` and
//! `KV_URL` behind another prefix ending in `_` only where a value confirms the prefix as
//! Upstash's ([`Scope`]). Names are composed as `generate` composes them ([`compose`]).

use crate::model::Access;

/// What an endpoint value is (a variable holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Role {
    /// `REDIS_URL`, `redis_url`.
    TcpUrl,
    /// `UPSTASH_REDIS_REST_URL`, `rest_url`.
    RestUrl,
    /// `UPSTASH_REDIS_REST_TOKEN`, `rest_token`: full access.
    Token,
    /// `UPSTASH_REDIS_REST_READONLY_TOKEN`, `rest_readonly_token`.
    ReadonlyToken,
}

impl Role {
    /// The token role for an access level.
    #[must_use]
    pub(crate) fn token_for(access: Access) -> Role {
        match access {
            Access::ReadOnly => Role::ReadonlyToken,
            Access::ReadWrite => Role::Token,
        }
    }
}

/// Who defines a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Family {
    /// Upstash's console and `@upstash/redis`.
    Upstash,
    /// The Vercel Marketplace integration (formerly Vercel KV).
    Marketplace,
    /// Both: `REDIS_URL`.
    Shared,
    /// Serverless Redis HTTP, whose variables `upwire serve` reads.
    Srh,
}

impl Family {
    /// How messages name it.
    #[must_use]
    pub(crate) fn label(self) -> &'static str {
        match self {
            Family::Upstash => "Upstash",
            Family::Marketplace => "Vercel Marketplace",
            Family::Shared => "Upstash or Vercel Marketplace",
            Family::Srh => "SRH",
        }
    }
}

/// One variable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Variable {
    /// The name without any prefix.
    pub name: &'static str,
    /// Its family.
    pub family: Family,
    /// What it holds.
    pub role: Role,
}

const fn var(name: &'static str, family: Family, role: Role) -> Variable {
    Variable { name, family, role }
}

/// Upstash's REST URL variable.
pub(crate) const UPSTASH_REST_URL: &str = "UPSTASH_REDIS_REST_URL";
/// Upstash's REST token variable.
pub(crate) const UPSTASH_REST_TOKEN: &str = "UPSTASH_REDIS_REST_TOKEN";
/// Upstash's read-only REST token variable.
pub(crate) const UPSTASH_REST_READONLY_TOKEN: &str = "UPSTASH_REDIS_REST_READONLY_TOKEN";
/// The Marketplace's REST URL variable.
pub(crate) const KV_REST_URL: &str = "KV_REST_API_URL";
/// The Marketplace's REST token variable.
pub(crate) const KV_REST_TOKEN: &str = "KV_REST_API_TOKEN";
/// The Marketplace's read-only REST token variable.
pub(crate) const KV_REST_READONLY_TOKEN: &str = "KV_REST_API_READ_ONLY_TOKEN";
/// The TCP URL variable both families write.
pub(crate) const REDIS_URL: &str = "REDIS_URL";
/// SRH's token (`SRH_MODE=env`), read by `upwire serve`.
pub(crate) const SRH_TOKEN: &str = "SRH_TOKEN";
/// SRH's backend connection string (`SRH_MODE=env`), read by `upwire serve`.
pub(crate) const SRH_CONNECTION_STRING: &str = "SRH_CONNECTION_STRING";

/// Every name, without prefix.
pub(crate) const VARIABLES: &[Variable] = &[
    var(REDIS_URL, Family::Shared, Role::TcpUrl),
    var("UPSTASH_REDIS_URL", Family::Upstash, Role::TcpUrl),
    var("UPSTASH_REDIS_TCP_URL", Family::Upstash, Role::TcpUrl),
    var(UPSTASH_REST_URL, Family::Upstash, Role::RestUrl),
    var(UPSTASH_REST_TOKEN, Family::Upstash, Role::Token),
    var(
        UPSTASH_REST_READONLY_TOKEN,
        Family::Upstash,
        Role::ReadonlyToken,
    ),
    var("KV_URL", Family::Marketplace, Role::TcpUrl),
    var(KV_REST_URL, Family::Marketplace, Role::RestUrl),
    var(KV_REST_TOKEN, Family::Marketplace, Role::Token),
    var(
        KV_REST_READONLY_TOKEN,
        Family::Marketplace,
        Role::ReadonlyToken,
    ),
    var(SRH_CONNECTION_STRING, Family::Srh, Role::TcpUrl),
    var(SRH_TOKEN, Family::Srh, Role::Token),
];

/// Next.js's public prefix.
pub(crate) const NEXT_PUBLIC: &str = "NEXT_PUBLIC_";
/// Vite's public prefix (`import.meta.env`).
pub(crate) const VITE_PUBLIC: &str = "VITE_";
/// Expo's public prefix: the only variables Expo inlines into the app bundle.
pub(crate) const EXPO_PUBLIC: &str = "EXPO_PUBLIC_";

/// Prefixes that compile a variable into a client bundle: the one list of them.
pub(crate) const PUBLIC_PREFIXES: &[&str] = &[
    NEXT_PUBLIC,
    VITE_PUBLIC,
    EXPO_PUBLIC,
    "PUBLIC_",
    "REACT_APP_",
    "NUXT_PUBLIC_",
    "GATSBY_",
];

/// Fills the names of this table into a text that cannot be a `format!` (an explanation in
/// a static table, a source citation): `{var.ROLE}` is a variable's name, `{prefix.NAME}` a
/// public prefix, `{prefix.all}` the list of them. Other braces stay as they are.
#[must_use]
pub(crate) fn fill(text: &str) -> String {
    fill_with(text, placeholder)
}

/// [`fill`] with `{var.tcp_url}`, `{var.rest_url}`, `{var.rest_token}` and
/// `{var.readonly_token}` named as the variable `key` names them: its family's names after its
/// prefix (`STORAGE_KV_REST_API_URL` → `STORAGE_KV_REST_API_TOKEN` for `{var.rest_token}`).
/// Upstash's names for `REDIS_URL`'s shared family, SRH's and a name that is none of the
/// table's; `rest_url` overrides `{var.rest_url}` (the variable a REST URL moves to).
#[must_use]
pub(crate) fn fill_for(text: &str, key: &str, rest_url: Option<&str>) -> String {
    let Some(known) = composed(key) else {
        return match rest_url {
            Some(r) => fill_with(text, |k| match k {
                "var.rest_url" => Some(r.to_owned()),
                other => placeholder(other),
            }),
            None => fill(text),
        };
    };
    let family = match known.variable.family {
        Family::Marketplace => Family::Marketplace,
        _ => Family::Upstash,
    };
    let own = |role| compose(known.prefix, name_of(family, role));
    fill_with(text, |k| match k {
        "var.tcp_url" => Some(own(Role::TcpUrl)),
        "var.rest_url" => Some(rest_url.map_or_else(|| own(Role::RestUrl), str::to_owned)),
        "var.rest_token" => Some(own(Role::Token)),
        "var.readonly_token" => Some(own(Role::ReadonlyToken)),
        other => placeholder(other),
    })
}

/// [`fill`] with the placeholders' values from `value`.
fn fill_with(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match tail
            .find('}')
            .and_then(|end| Some((value(&tail[1..end])?, end)))
        {
            Some((value, end)) => {
                out.push_str(&value);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The value of one placeholder of [`fill`].
fn placeholder(key: &str) -> Option<String> {
    let name = match key {
        "var.tcp_url" => REDIS_URL,
        "var.rest_url" => UPSTASH_REST_URL,
        "var.rest_token" => UPSTASH_REST_TOKEN,
        "var.readonly_token" => UPSTASH_REST_READONLY_TOKEN,
        "var.kv_rest_url" => KV_REST_URL,
        "var.kv_rest_token" => KV_REST_TOKEN,
        "var.kv_readonly_token" => KV_REST_READONLY_TOKEN,
        "prefix.next" => NEXT_PUBLIC,
        "prefix.vite" => VITE_PUBLIC,
        "prefix.expo" => EXPO_PUBLIC,
        "prefix.all" => {
            let quoted: Vec<String> = PUBLIC_PREFIXES.iter().map(|p| format!("`{p}*`")).collect();
            let (last, first) = quoted.split_last()?;
            return Some(format!("{} or {last}", first.join(", ")));
        }
        _ => return None,
    };
    Some(name.to_owned())
}

/// The public prefix `name` starts with, if any.
#[must_use]
pub(crate) fn public_prefix(name: &str) -> Option<&'static str> {
    PUBLIC_PREFIXES
        .iter()
        .copied()
        .find(|p| name.starts_with(p))
}

/// A variable name read through the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known<'a> {
    /// Everything before the conventional name (`NEXT_PUBLIC_`, `STORAGE_`, an `env_prefix`).
    pub prefix: &'a str,
    /// The public prefix the name starts with.
    pub public: Option<&'static str>,
    /// The conventional name it ends with.
    pub variable: Variable,
}

/// Whether `prefix` is one a descriptor's `env_prefix` may be: `A-Z`, `0-9` and `_` only
/// (empty included). It need not end in `_`: `SHOP` makes `SHOPUPSTASH_REDIS_REST_URL`.
#[must_use]
pub(crate) fn valid_env_prefix(prefix: &str) -> bool {
    prefix
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The variable `name` of the table after `prefix`: how `generate` composes every name it
/// writes, and what [`lookup`] reads back.
#[must_use]
pub(crate) fn compose(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

/// Names apps use for any Redis (`REDIS_URL`, `KV_URL`): behind a prefix of their own they
/// are read only in a [`Scope`] that declares or confirms that prefix. `CELERY_BROKER_REDIS_URL`
/// or `HEROKU_REDIS_URL` is some other Redis.
fn generic(v: &Variable) -> bool {
    v.role == Role::TcpUrl && matches!(v.family, Family::Shared | Family::Marketplace)
}

/// Where names are read: the prefixes the descriptors of this run declare as `env_prefix`,
/// and the prefixes confirmed as Upstash's by the values of the files read together.
///
/// A name is read as a family variable when
/// - it is a table name exactly, or behind a public prefix ([`PUBLIC_PREFIXES`]), or
///   behind a declared `env_prefix` (which need not end in `_`: `SHOP` makes
///   `SHOPUPSTASH_REDIS_REST_URL`);
/// - it is a distinctive name (`UPSTASH_*`, `KV_REST_API_*`) behind any prefix ending in `_`
///   (the Marketplace's custom prefix: `STORAGE_KV_REST_API_URL`);
/// - it is a generic name (`REDIS_URL`, `KV_URL`) behind another prefix ending in `_`, and a
///   variable of the table with that prefix (itself included) holds a URL to an Upstash host
///   (`cache_REDIS_URL=https://<db>.upstash.io`). `ANALYTICS_REDIS_URL=unix:///...` is not
///   read: checking it, or renaming it, would break an app's own Redis.
///
/// SRH's names are read exactly only.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    /// Every prefix an `env_prefix` may be, and any ending in `_` ([`composed`]).
    any: bool,
    declared: Vec<String>,
    confirmed: std::collections::HashSet<String>,
}

impl Scope {
    /// A scope with the `env_prefix`es the descriptors of this run declare.
    #[must_use]
    pub(crate) fn declaring(prefixes: impl IntoIterator<Item = String>) -> Scope {
        Scope {
            any: false,
            declared: prefixes.into_iter().filter(|p| !p.is_empty()).collect(),
            confirmed: std::collections::HashSet::new(),
        }
    }

    /// Reads `(name, value)` entries of the files read together: a prefix ending in `_` of a
    /// table name whose value points at an Upstash host (`*.upstash.io`,
    /// `*.kv.vercel-storage.com`: `upstash` is `crate::parse::points_at_upstash`, passed in
    /// as `parse` reads this table) is confirmed as Upstash's.
    pub(crate) fn confirm<'v>(
        &mut self,
        entries: impl IntoIterator<Item = (&'v str, &'v str)>,
        upstash: impl Fn(&str) -> bool,
    ) {
        for (key, value) in entries {
            if !upstash(value) {
                continue;
            }
            for v in VARIABLES {
                if let Some(prefix) = key.strip_suffix(v.name)
                    && prefix.ends_with('_')
                {
                    self.confirmed.insert(prefix.to_owned());
                }
            }
        }
    }

    /// Whether a name `v` is read after `prefix` in this scope.
    fn reads(&self, prefix: &str, v: &Variable) -> bool {
        if prefix.is_empty() {
            return true;
        }
        if v.family == Family::Srh {
            return false;
        }
        if self.any {
            return prefix.ends_with('_') || valid_env_prefix(prefix);
        }
        if PUBLIC_PREFIXES.contains(&prefix) || self.declared.iter().any(|d| d == prefix) {
            return true;
        }
        prefix.ends_with('_') && (!generic(v) || self.confirmed.contains(prefix))
    }

    /// What `key` holds, when it is [`compose`] of a prefix this scope reads and one of the
    /// table's names. The longest name wins: `UPSTASH_REDIS_URL` is not `REDIS_URL` with the
    /// prefix `UPSTASH_`.
    #[must_use]
    pub(crate) fn lookup<'k>(&self, key: &'k str) -> Option<Known<'k>> {
        VARIABLES
            .iter()
            .filter_map(|v| {
                let prefix = key.strip_suffix(v.name)?;
                (self.reads(prefix, v) && compose(prefix, v.name) == key).then_some((v, prefix))
            })
            .max_by_key(|(v, _)| v.name.len())
            .map(|(v, prefix)| Known {
                prefix,
                public: public_prefix(key),
                variable: *v,
            })
    }
}

/// What `key` holds, read without a descriptor's prefixes or a file's values: exact names,
/// names behind a public prefix, and distinctive names behind a prefix ending in `_`
/// ([`Scope`]).
#[must_use]
pub(crate) fn lookup(key: &str) -> Option<Known<'_>> {
    Scope::default().lookup(key)
}

/// What a name upwire composed itself holds (`generate`'s names, a descriptor field's
/// `${NAME}`), or how a name already read splits into prefix and name (for its help): read
/// after every prefix an `env_prefix` may be ([`valid_env_prefix`]) and any other ending in
/// `_`. Not for names found in a user's files: those are read in a [`Scope`].
#[must_use]
pub(crate) fn composed(key: &str) -> Option<Known<'_>> {
    Scope {
        any: true,
        ..Scope::default()
    }
    .lookup(key)
}

/// The name of `role` in `family` (Upstash's for the shared or SRH family).
#[must_use]
pub(crate) fn name_of(family: Family, role: Role) -> &'static str {
    match (family, role) {
        (_, Role::TcpUrl) => REDIS_URL,
        (Family::Marketplace, Role::RestUrl) => KV_REST_URL,
        (Family::Marketplace, Role::Token) => KV_REST_TOKEN,
        (Family::Marketplace, Role::ReadonlyToken) => KV_REST_READONLY_TOKEN,
        (_, Role::RestUrl) => UPSTASH_REST_URL,
        (_, Role::Token) => UPSTASH_REST_TOKEN,
        (_, Role::ReadonlyToken) => UPSTASH_REST_READONLY_TOKEN,
    }
}

/// `env_names` (of `[project]`, or of a `[target.NAME]` for its own names): the family
/// `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnvNames {
    /// `UPSTASH_REDIS_REST_URL`, `UPSTASH_REDIS_REST_TOKEN`, `REDIS_URL` (the default).
    #[default]
    Upstash,
    /// `KV_REST_API_URL`, `KV_REST_API_TOKEN` (`KV_REST_API_READ_ONLY_TOKEN` for read-only
    /// targets), `REDIS_URL`: what the Vercel Marketplace integration already manages.
    VercelMarketplace,
}

impl EnvNames {
    /// The values of `env_names`.
    pub(crate) const NAMES: &'static [&'static str] = &["upstash", "vercel-marketplace"];

    /// Parses a value of `env_names`.
    #[must_use]
    pub(crate) fn parse(s: &str) -> Option<EnvNames> {
        match s {
            "upstash" => Some(EnvNames::Upstash),
            "vercel-marketplace" => Some(EnvNames::VercelMarketplace),
            _ => None,
        }
    }

    /// Its value in the descriptor.
    #[must_use]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EnvNames::Upstash => "upstash",
            EnvNames::VercelMarketplace => "vercel-marketplace",
        }
    }

    /// The family it writes.
    #[must_use]
    pub(crate) fn family(self) -> Family {
        match self {
            EnvNames::Upstash => Family::Upstash,
            EnvNames::VercelMarketplace => Family::Marketplace,
        }
    }

    /// The variable a REST target's token is written to. Upstash's family writes either
    /// token under `UPSTASH_REDIS_REST_TOKEN` (what `Redis.fromEnv()` reads); the
    /// Marketplace's has its own name for the read-only one, which the integration sets.
    #[must_use]
    pub(crate) fn token_name(self, access: Access) -> &'static str {
        match (self, access) {
            (EnvNames::VercelMarketplace, Access::ReadOnly) => {
                name_of(Family::Marketplace, Role::ReadonlyToken)
            }
            _ => name_of(self.family(), Role::Token),
        }
    }
}

/// A client that reads REST credentials from the environment by itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader {
    /// The call.
    pub client: &'static str,
    /// Where it runs.
    pub runtime: &'static str,
    /// The URL variables it reads, first one set wins.
    pub url: &'static [&'static str],
    /// The token variables it reads, first one set wins.
    pub token: &'static [&'static str],
}

/// The readers, from the `@upstash/redis` 1.39.0 source pinned in compat/:
/// `nodejs.mjs` `Redis.fromEnv()` reads `process.env.UPSTASH_REDIS_REST_URL ||
/// process.env.KV_REST_API_URL` (the token likewise); `cloudflare.mjs` `Redis.fromEnv(env)`
/// reads `env?.UPSTASH_REDIS_REST_URL` (or the global) and has no `KV_` fallback.
pub(crate) const READERS: &[Reader] = &[
    Reader {
        client: "`Redis.fromEnv()` (@upstash/redis)",
        runtime: "Node.js, Vercel, Next.js",
        url: &[UPSTASH_REST_URL, KV_REST_URL],
        token: &[UPSTASH_REST_TOKEN, KV_REST_TOKEN],
    },
    Reader {
        client: "`Redis.fromEnv(env)` (@upstash/redis/cloudflare)",
        runtime: "Cloudflare Workers",
        url: &[UPSTASH_REST_URL],
        token: &[UPSTASH_REST_TOKEN],
    },
];

/// Whether the Vercel Marketplace integration writes the variable `name` (after any prefix it
/// was given): `Some(true)` for its own names, `Some(false)` for `REDIS_URL`, which it writes
/// too, `None` for any other (a public one included).
#[must_use]
pub(crate) fn integration_sets(name: &str) -> Option<bool> {
    composed(name)
        .filter(|k| k.public.is_none())
        .and_then(|k| match k.variable.family {
            Family::Marketplace => Some(true),
            Family::Shared => Some(false),
            _ => None,
        })
}

/// Whether every variable of `names` is one the Vercel Marketplace integration writes, one at
/// least under its own names ([`integration_sets`]): what it sets in the Vercel project
/// itself, so that no script pushes them.
#[must_use]
pub(crate) fn marketplace_only<'a>(mut names: impl Iterator<Item = &'a str> + Clone) -> bool {
    names.clone().any(|n| integration_sets(n) == Some(true))
        && names.all(|n| integration_sets(n).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(key: &str) -> Option<(Role, Family, &str)> {
        lookup(key).map(|k| (k.variable.role, k.variable.family, k.prefix))
    }

    /// The string literals of Rust source outside `#[cfg(test)] mod tests` (and, in
    /// `src/cli/`, the `///` comments, which clap shows as help), escapes read: what a
    /// program can print. Comments and identifiers (`family::REDIS_URL`) are not spellings.
    fn printable(path: &str, text: &str) -> Vec<String> {
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let help_comments = path.starts_with("src/cli/");
        let b: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        while i < b.len() {
            let c = b[i];
            if c == '/' && b.get(i + 1) == Some(&'/') {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(b.len(), |n| i + n);
                if help_comments && b.get(i + 2) == Some(&'/') {
                    out.push(b[i + 3..end].iter().collect());
                }
                i = end;
            } else if c == '/' && b.get(i + 1) == Some(&'*') {
                i += 2;
                while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            } else if c == '\'' {
                // A char literal ('"', '\\') or a lifetime.
                if b.get(i + 1) == Some(&'\\') {
                    // Past the escaped character (`'\''`), to the closing quote.
                    i += 3;
                    while i < b.len() && b[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if b.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            } else if c == 'r'
                && (i == 0 || !ident(b[i - 1]) || b[i - 1] == 'b')
                && matches!(b.get(i + 1), Some('"' | '#'))
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == '#').count();
                let start = i + 1 + hashes;
                if b.get(start) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let rest: String = b[start + 1..].iter().collect();
                let len = rest.find(&close).unwrap_or(rest.len());
                out.push(rest[..len].to_owned());
                i = start + 1 + rest[..len].chars().count() + close.chars().count();
            } else if c == '"' {
                let mut s = String::new();
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        i += 1;
                        if b.get(i) == Some(&'\n') {
                            while i + 1 < b.len() && b[i + 1].is_whitespace() {
                                i += 1;
                            }
                        } else if let Some(&e) = b.get(i) {
                            s.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                    } else {
                        s.push(b[i]);
                    }
                    i += 1;
                }
                out.push(s);
                i += 1;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Where `text` spells a name of the table (after any prefix: `cache_REDIS_URL`) or a
    /// public prefix (at the start of a name).
    fn spellings(text: &str) -> Vec<&'static str> {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut found = Vec::new();
        for v in VARIABLES {
            let hit = text.match_indices(v.name).any(|(i, m)| {
                let after = &text[i + m.len()..];
                // `{REDIS_URL}` in a format string names the constant.
                let argument = text[..i].ends_with('{') && after.starts_with(['}', ':']);
                !argument
                    && !after.starts_with(word)
                    && (i == 0 || text[..i].ends_with('_') || !text[..i].ends_with(word))
            });
            if hit {
                found.push(v.name);
            }
        }
        for p in PUBLIC_PREFIXES {
            let hit = text
                .match_indices(p)
                .any(|(i, _)| i == 0 || !text[..i].ends_with(word));
            if hit {
                found.push(*p);
            }
        }
        found
    }

    /// Every file of `dir` below the crate, recursively, as `dir/...` paths.
    fn files_below(dir: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(root.join(&d)).unwrap().flatten() {
                let path = format!("{d}/{}", e.file_name().to_string_lossy());
                if e.file_type().unwrap().is_dir() {
                    stack.push(path);
                } else {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Only this table spells the names and the public prefixes: every other file of
    /// `src/` and `templates/` reads them from here (templates get them passed in), so a
    /// name changes in one place. Tests may spell them (they check what users see).
    #[test]
    fn no_other_file_spells_the_names() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut bad = Vec::new();
        let mut scanned = 0;
        for path in files_below("src")
            .into_iter()
            .chain(files_below("templates"))
        {
            if path == "src/family.rs" {
                continue;
            }
            let text = std::fs::read_to_string(root.join(&path)).unwrap();
            let pieces = if path.ends_with(".rs") {
                printable(&path, &text)
            } else {
                vec![text]
            };
            scanned += 1;
            for piece in &pieces {
                // A placeholder of `fill` that does not exist would be printed as it is.
                let filled = fill(piece);
                if filled.contains("{var.") || filled.contains("{prefix.") {
                    bad.push(format!("{path}: an unknown placeholder in {piece:?}"));
                }
                for name in spellings(piece) {
                    let line = piece.lines().find(|l| l.contains(name)).unwrap_or(piece);
                    bad.push(format!("{path}: {name} in {line:?}"));
                }
            }
        }
        assert!(scanned > 50, "read the sources ({scanned} files)");
        assert!(
            bad.is_empty(),
            "names spelled outside src/family.rs:\n{}",
            bad.join("\n")
        );
    }

    /// The scanner sees what it must: strings (escaped, raw, continued over lines), a name
    /// after a prefix, clap's help comments; and not identifiers, comments or tests.
    #[test]
    fn the_scanner_finds_spellings_and_only_them() {
        let rust = "// REDIS_URL\nlet a = \"x KV_URL y\"; let c = '\"'; let q = '\\''; let b = family::REDIS_URL;\nlet r = r#\"cache_REDIS_URL\"#;\nlet l = \"a \\\n    NEXT_PUBLIC_x\";\n#[cfg(test)]\nmod tests { \"SRH_TOKEN\" }\n";
        let found: Vec<&str> = printable("src/x.rs", rust)
            .iter()
            .flat_map(|p| spellings(p))
            .collect();
        assert_eq!(found, ["KV_URL", "REDIS_URL", "NEXT_PUBLIC_"]);
        let help = printable("src/cli/x.rs", "/// Sets REDIS_URL.\nfn f() {}\n");
        assert_eq!(spellings(&help.concat()), ["REDIS_URL"]);
        assert!(spellings("MYREDIS_URL REDIS_URL_OLD SUPERVITE_X").is_empty());
    }

    #[test]
    fn fill_for_names_the_variables_of_the_same_family_and_prefix() {
        let text =
            "{var.tcp_url} {var.rest_url} {var.rest_token} {var.readonly_token} {prefix.expo}";
        assert_eq!(
            fill_for(text, "STORAGE_KV_REST_API_URL", None),
            "STORAGE_REDIS_URL STORAGE_KV_REST_API_URL STORAGE_KV_REST_API_TOKEN STORAGE_KV_REST_API_READ_ONLY_TOKEN EXPO_PUBLIC_"
        );
        assert_eq!(
            fill_for(text, "KV_URL", None),
            "REDIS_URL KV_REST_API_URL KV_REST_API_TOKEN KV_REST_API_READ_ONLY_TOKEN EXPO_PUBLIC_"
        );
        assert_eq!(
            fill_for(text, "APP_UPSTASH_REDIS_REST_TOKEN", None),
            fill_for(text, "APP_REDIS_URL", None)
        );
        assert_eq!(fill_for(text, "the TCP URL", None), fill(text));
        assert_eq!(
            fill_for(
                "{var.rest_url}",
                "cache_REDIS_URL",
                Some("cache_KV_REST_API_URL")
            ),
            "cache_KV_REST_API_URL"
        );
    }

    #[test]
    fn fill_puts_the_names_in() {
        assert_eq!(
            fill("`{var.rest_url}` or `{var.kv_rest_url}`, {prefix.expo}*, {host}, {"),
            "`UPSTASH_REDIS_REST_URL` or `KV_REST_API_URL`, EXPO_PUBLIC_*, {host}, {"
        );
        assert!(fill("{prefix.all}").ends_with(", `NUXT_PUBLIC_*` or `GATSBY_*`"));
    }

    /// A scope that read `file` (`NAME=value` lines), with `declared` `env_prefix`es.
    fn scope(declared: &[&str], file: &str) -> Scope {
        let mut scope = Scope::declaring(declared.iter().map(|p| (*p).to_owned()));
        scope.confirm(
            file.lines().filter_map(|l| l.split_once('=')),
            crate::parse::points_at_upstash,
        );
        scope
    }

    #[test]
    fn names_after_any_prefix() {
        assert_eq!(
            role("STORAGE_KV_REST_API_URL"),
            Some((Role::RestUrl, Family::Marketplace, "STORAGE_"))
        );
        assert_eq!(
            role("UPSTASH_REDIS_URL"),
            Some((Role::TcpUrl, Family::Upstash, ""))
        );
        assert_eq!(
            role("NEXT_PUBLIC_APP_UPSTASH_REDIS_REST_READONLY_TOKEN"),
            Some((Role::ReadonlyToken, Family::Upstash, "NEXT_PUBLIC_APP_"))
        );
        assert_eq!(
            lookup("NEXT_PUBLIC_KV_URL").unwrap().public,
            Some("NEXT_PUBLIC_")
        );
        assert_eq!(
            role("EXPO_PUBLIC_REDIS_URL"),
            Some((Role::TcpUrl, Family::Shared, "EXPO_PUBLIC_"))
        );
        assert_eq!(
            role("UPSTASH_REDIS_TCP_URL").map(|r| r.0),
            Some(Role::TcpUrl)
        );
        assert_eq!(role(SRH_TOKEN).map(|r| r.1), Some(Family::Srh));
    }

    /// `REDIS_URL` and `KV_URL` behind a prefix of their own are read where a value of that
    /// prefix points at an Upstash host; names behind a declared `env_prefix` always.
    #[test]
    fn generic_names_need_a_confirmed_or_declared_prefix() {
        let file = "cache_REDIS_URL=https://eu1-cat-1.upstash.io\n";
        let known = scope(&[], file).lookup("cache_REDIS_URL").unwrap();
        assert_eq!(
            (known.variable.role, known.variable.family, known.prefix),
            (Role::TcpUrl, Family::Shared, "cache_")
        );
        // Confirmed by another variable with the same prefix (Vercel KV's host too).
        let file = "APP_KV_URL=redis://localhost:6379\nAPP_KV_REST_API_URL=https://x.kv.vercel-storage.com\n";
        assert_eq!(
            scope(&[], file).lookup("APP_KV_URL").map(|k| k.prefix),
            Some("APP_")
        );
        // Another prefix's Upstash value confirms nothing here.
        let file = "A_REDIS_URL=rediss://default:pw@eu1-cat-1.upstash.io:6379\nB_REDIS_URL=redis://localhost\n";
        assert_eq!(scope(&[], file).lookup("B_REDIS_URL"), None);
        // A declared `env_prefix`, with or without `_`.
        for (prefix, key) in [
            ("SHOP", "SHOPUPSTASH_REDIS_REST_URL"),
            ("SHOP", "SHOPREDIS_URL"),
            ("APP_", "APP_REDIS_URL"),
        ] {
            assert_eq!(
                scope(&[prefix], "").lookup(key).map(|k| k.prefix),
                Some(prefix),
                "{key}"
            );
            assert_eq!(lookup(key), None, "{key}");
        }
    }

    /// Ordinary apps' variables that merely end like a table name are not read.
    #[test]
    fn other_apps_redis_variables_are_not_read() {
        let file = "ANALYTICS_REDIS_URL=unix:///var/run/redis.sock\n\
                    SENTINEL_REDIS_URL=redis+sentinel://host:26379/mymaster\n\
                    HEROKU_REDIS_URL=rediss://:p@ec2-1-2-3-4.compute-1.amazonaws.com:6379\n\
                    MY_KV_URL=http://localhost:8080\n\
                    STATS_KV_URL=https://example.com/kv\n\
                    SHOPKV_URL=https://x.example.com\n\
                    CELERY_BROKER_REDIS_URL=redis://localhost:6379/0\n";
        let scope = scope(&[], file);
        for line in file.lines() {
            let key = line.trim().split_once('=').unwrap().0;
            assert_eq!(scope.lookup(key), None, "{key}");
        }
        // Without a value to confirm it, no prefix ending in `_` is enough for them.
        assert_eq!(lookup("cache_REDIS_URL"), None);
    }

    #[test]
    fn other_names_are_not_read() {
        // A lower-case prefix without `_` (no `env_prefix` is one), a name inside
        // another, SRH's names prefixed.
        assert_eq!(role("myREDIS_URL"), None);
        assert_eq!(role("REDIS_URL_OLD"), None);
        assert_eq!(role("APP_SRH_TOKEN"), None);
        assert_eq!(role("GITHUB_TOKEN"), None);
        // A prefix without `_` that no descriptor declares.
        assert_eq!(role("SHOPUPSTASH_REDIS_REST_URL"), None);
    }

    /// Every name `generate` can write, for any prefix a descriptor allows (with or
    /// without a trailing `_`), is read back as what it holds, after that prefix, in a run
    /// that declares it and by [`composed`].
    #[test]
    fn every_composed_name_is_read_back() {
        for prefix in ["", "SHOP", "SHOP_", "APP2", "EXPO_PUBLIC_", "_", "X_Y"] {
            assert!(valid_env_prefix(prefix), "{prefix}");
            for names in [EnvNames::Upstash, EnvNames::VercelMarketplace] {
                for access in [Access::ReadOnly, Access::ReadWrite] {
                    let written = [
                        (name_of(names.family(), Role::TcpUrl), Role::TcpUrl),
                        (name_of(names.family(), Role::RestUrl), Role::RestUrl),
                        (names.token_name(access), Role::token_for(access)),
                    ];
                    for (name, role) in written {
                        let key = compose(prefix, name);
                        let declared = scope(&[prefix], "");
                        let known = declared
                            .lookup(&key)
                            .unwrap_or_else(|| panic!("{key} not read"));
                        assert_eq!(composed(&key), Some(known), "{key}");
                        // Upstash's read-only token is written under the full token's name.
                        let held = if names == EnvNames::Upstash && role == Role::ReadonlyToken {
                            Role::Token
                        } else {
                            role
                        };
                        assert_eq!(known.variable.role, held, "{key}");
                        assert_eq!(known.prefix, prefix, "{key}");
                    }
                }
            }
        }
        assert!(!valid_env_prefix("shop"));
        assert!(!valid_env_prefix("NEXT-PUBLIC"));
    }

    #[test]
    fn env_names_write_their_family() {
        assert_eq!(
            EnvNames::parse("vercel-marketplace"),
            Some(EnvNames::VercelMarketplace)
        );
        assert_eq!(EnvNames::parse("vercel"), None);
        assert_eq!(
            EnvNames::VercelMarketplace.token_name(Access::ReadOnly),
            "KV_REST_API_READ_ONLY_TOKEN"
        );
        assert_eq!(
            EnvNames::Upstash.token_name(Access::ReadOnly),
            "UPSTASH_REDIS_REST_TOKEN"
        );
        // Every name `generate` writes is read back as what it is.
        for names in [EnvNames::Upstash, EnvNames::VercelMarketplace] {
            for role in [
                Role::TcpUrl,
                Role::RestUrl,
                Role::Token,
                Role::ReadonlyToken,
            ] {
                let name = name_of(names.family(), role);
                assert_eq!(lookup(name).map(|k| k.variable.role), Some(role), "{name}");
            }
        }
    }
}
