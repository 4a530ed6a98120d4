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
//! Upstash and Marketplace names are recognised after any prefix ending in `_` (a target's
//! `env_prefix`, the Marketplace's custom prefix, a public prefix such as `NEXT_PUBLIC_`).

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

/// Prefixes that compile a variable into a client bundle (SPEC §1).
pub(crate) const PUBLIC_PREFIXES: &[&str] = &[
    "NEXT_PUBLIC_",
    "VITE_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
    "REACT_APP_",
    "NUXT_PUBLIC_",
    "GATSBY_",
];

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

/// What `key` holds, when it is one of the table's names after any prefix ending in `_`
/// (SRH's names only exactly). The longest name wins: `UPSTASH_REDIS_URL` is not
/// `REDIS_URL` with the prefix `UPSTASH_`.
#[must_use]
pub(crate) fn lookup(key: &str) -> Option<Known<'_>> {
    VARIABLES
        .iter()
        .filter(|v| {
            key == v.name
                || (v.family != Family::Srh
                    && key
                        .strip_suffix(v.name)
                        .is_some_and(|prefix| prefix.ends_with('_')))
        })
        .max_by_key(|v| v.name.len())
        .map(|v| Known {
            prefix: &key[..key.len() - v.name.len()],
            public: public_prefix(key),
            variable: *v,
        })
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

/// `[project] env_names`: the family `generate` writes.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn role(key: &str) -> Option<(Role, Family, &str)> {
        lookup(key).map(|k| (k.variable.role, k.variable.family, k.prefix))
    }

    #[test]
    fn names_after_any_prefix() {
        assert_eq!(
            role("STORAGE_KV_REST_API_URL"),
            Some((Role::RestUrl, Family::Marketplace, "STORAGE_"))
        );
        assert_eq!(
            role("cache_REDIS_URL"),
            Some((Role::TcpUrl, Family::Shared, "cache_"))
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
            role("UPSTASH_REDIS_TCP_URL").map(|r| r.0),
            Some(Role::TcpUrl)
        );
        assert_eq!(role(SRH_TOKEN).map(|r| r.1), Some(Family::Srh));
    }

    #[test]
    fn other_names_are_not_read() {
        // No `_` between prefix and name, a name inside another, SRH's names prefixed.
        assert_eq!(role("MYREDIS_URL"), None);
        assert_eq!(role("REDIS_URL_OLD"), None);
        assert_eq!(role("APP_SRH_TOKEN"), None);
        assert_eq!(role("GITHUB_TOKEN"), None);
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
