//! Which token reaches which Redis: the routes `serve` runs with, from `--redis` / `--token` /
//! `--readonly-token`, from a tokens file (`--tokens`: upwire's TOML or SRH's JSON), or from
//! SRH's environment variables (`SRH_MODE`).
//!
//! upwire's TOML:
//!
//! ```toml
//! [backend.main]
//! url = "redis://127.0.0.1:6379"
//! pool = 8                      # optional: /multi-exec connections at once
//!
//! [[token]]
//! token = "${MAIN_TOKEN}"       # a literal, or ${NAME} from the environment
//! backend = "main"
//! access = "read-only"          # optional: read-write (default) or read-only
//! ```
//!
//! SRH's JSON (serverless-redis-http's `tokens.json`): an object from token to
//! `{"srh_id", "connection_string", "max_connections"}`; entries with the same `srh_id` share
//! one backend; every token has full access, as in SRH.
//!
//! Every token read is a [`Secret`] (remembered by the scrubber) and never printed: errors name
//! the file and line instead.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::backend::{self, BackendSpec};
use super::config::{DEFAULT_POOL, ServeError};
use crate::family::{SRH_CONNECTION_STRING, SRH_TOKEN};
use crate::model::Access;
use crate::secret::Secret;

/// SRH's `max_connections` / `SRH_MAX_CONNECTIONS` default.
const SRH_DEFAULT_POOL: usize = 3;

/// Where SRH's image reads its tokens file (relative to its working directory, `/app`).
const SRH_DEFAULT_FILE: &str = "srh-config/tokens.json";

/// One token and what it grants.
#[derive(Clone)]
pub(crate) struct TokenSpec {
    pub(crate) token: Secret,
    pub(crate) access: Access,
    /// Index into [`Routes::backends`].
    pub(crate) backend: usize,
}

/// Every backend and every token.
#[derive(Clone)]
pub(crate) struct Routes {
    pub(crate) backends: Vec<BackendSpec>,
    /// Empty: `--no-auth`, every request goes to the first backend with full access.
    pub(crate) tokens: Vec<TokenSpec>,
}

impl fmt::Debug for Routes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Backend URLs may hold passwords: only the counts.
        f.debug_struct("Routes")
            .field("backends", &self.backends.len())
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl Routes {
    /// `--redis` with `--token` / `--readonly-token` (or none: `--no-auth`).
    pub(crate) fn single(
        url: &str,
        pool: usize,
        token: Option<&Secret>,
        readonly: Option<&Secret>,
    ) -> Self {
        let tokens = [(token, Access::ReadWrite), (readonly, Access::ReadOnly)]
            .into_iter()
            .filter_map(|(t, access)| {
                t.map(|t| TokenSpec {
                    token: t.clone(),
                    access,
                    backend: 0,
                })
            })
            .collect();
        Self {
            backends: vec![BackendSpec {
                name: "default".to_owned(),
                url: url.to_owned(),
                pool,
            }],
            tokens,
        }
    }

    /// A tokens file: SRH's JSON when it starts with `{`, else upwire's TOML.
    pub(crate) fn from_file(path: &Path) -> Result<Self, ServeError> {
        let shown = path.display().to_string();
        let unreadable = |message: String| ServeError::TokensFile {
            path: shown.clone(),
            line: 0,
            message,
        };
        let bytes = crate::input::read_bounded(path)
            .map_err(|e| unreadable(format!("cannot read the tokens file: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| unreadable("the tokens file is not UTF-8 text".to_owned()))?;
        let env = |name: &str| std::env::var(name).ok();
        remember_file_secrets(&text);
        if text.trim_start().starts_with('{') {
            from_srh_json(&shown, &text)
        } else {
            from_toml(&shown, &text, &env)
        }
    }
}

/// An error at a line of a tokens file.
fn at(path: &str, text: &str, offset: usize, message: impl Into<String>) -> ServeError {
    ServeError::TokensFile {
        path: path.to_owned(),
        line: line_of(text, offset),
        message: message.into(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    backend: BTreeMap<String, toml::Spanned<TomlBackend>>,
    #[serde(default)]
    token: Vec<toml::Spanned<TomlToken>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlBackend {
    url: toml::Spanned<String>,
    pool: Option<toml::Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlToken {
    token: toml::Spanned<String>,
    backend: toml::Spanned<String>,
    access: Option<toml::Spanned<String>>,
}

/// upwire's TOML tokens file; `${NAME}` values come from `env`.
fn from_toml(
    path: &str,
    text: &str,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Routes, ServeError> {
    let file: TomlFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        // toml's message quotes the source line, which may hold a token: only its first line,
        // and that masked (`invalid type: integer `123456789012345``).
        let message =
            crate::secret::scrub_message(e.message().lines().next().unwrap_or("invalid TOML"));
        at(path, text, offset, message)
    })?;
    let expand = |value: &toml::Spanned<String>, what: &str| -> Result<String, ServeError> {
        let raw = value.get_ref();
        match raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            Some(name) => env(name).ok_or_else(|| {
                at(
                    path,
                    text,
                    value.span().start,
                    format!("{what} `${{{name}}}`: the environment variable {name} is not set"),
                )
            }),
            None => Ok(raw.clone()),
        }
    };
    let mut backends = Vec::new();
    let mut names = Vec::new();
    for (name, spanned) in &file.backend {
        let def = spanned.get_ref();
        let url = expand(&def.url, "url")?;
        remember_url(&url);
        backend::connection_info(&url)
            .map_err(|e| at(path, text, def.url.span().start, e.to_string()))?;
        let pool = match &def.pool {
            None => DEFAULT_POOL,
            Some(p) => usize::try_from(*p.get_ref())
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| at(path, text, p.span().start, "pool must be at least 1"))?,
        };
        names.push(name.clone());
        backends.push(BackendSpec {
            name: name.clone(),
            url,
            pool,
        });
    }
    if backends.is_empty() {
        return Err(at(
            path,
            text,
            0,
            "no backend: add one, e.g. [backend.main] with url = \"redis://127.0.0.1:6379\"",
        ));
    }
    let mut tokens: Vec<(TokenSpec, usize)> = Vec::new();
    for spanned in &file.token {
        let def = spanned.get_ref();
        let start = def.token.span().start;
        let value = expand(&def.token, "token")?;
        let token = Secret::new(value);
        check_token(&token).map_err(|m| at(path, text, start, m))?;
        let wanted = def.backend.get_ref();
        let backend = names.iter().position(|n| n == wanted).ok_or_else(|| {
            at(
                path,
                text,
                def.backend.span().start,
                format!(
                    "unknown backend `{wanted}`: the file defines {}; add [backend.{wanted}] or fix the name",
                    names.join(", ")
                ),
            )
        })?;
        let access = match def.access.as_ref() {
            None => Access::ReadWrite,
            Some(given) => Access::parse(given.get_ref()).ok_or_else(|| {
                at(
                    path,
                    text,
                    given.span().start,
                    format!(
                        "unknown access `{}`: use {}",
                        given.get_ref(),
                        Access::NAMES.join(" or ")
                    ),
                )
            })?,
        };
        let line = line_of(text, start);
        tokens.push((
            TokenSpec {
                token,
                access,
                backend,
            },
            line,
        ));
    }
    finish(path, backends, tokens)
}

/// An SRH `tokens.json` entry.
#[derive(Deserialize)]
struct SrhEntry {
    srh_id: String,
    connection_string: String,
    max_connections: Option<i64>,
}

/// The top-level object, keys in order and duplicates kept (serde_json's map would keep only
/// the last one).
struct SrhEntries(Vec<(String, SrhEntry)>);

impl<'de> Deserialize<'de> for SrhEntries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = SrhEntries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from token to {srh_id, connection_string, max_connections}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SrhEntries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, SrhEntry>()? {
                    entries.push(entry);
                }
                Ok(SrhEntries(entries))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// SRH's JSON tokens file.
fn from_srh_json(path: &str, text: &str) -> Result<Routes, ServeError> {
    let entries: SrhEntries = serde_json::from_str(text).map_err(|e| ServeError::TokensFile {
        path: path.to_owned(),
        line: e.line(),
        // serde_json's messages quote a string of the wrong type (`invalid type: string
        // "redis://default:pw@host"`): masked like any parser's text.
        message: crate::secret::scrub_message(&strip_position(&e.to_string())),
    })?;
    // The line of each key, found in order in the text (a key is a token: never shown).
    let mut from = 0;
    let mut backends: Vec<BackendSpec> = Vec::new();
    let mut tokens = Vec::new();
    for (key, entry) in entries.0 {
        let quoted = serde_json::to_string(&key).unwrap_or_default();
        let offset = text
            .get(from..)
            .and_then(|rest| rest.find(&quoted))
            .map_or(from, |i| from + i);
        from = offset + quoted.len();
        let token = Secret::new(key);
        remember_url(&entry.connection_string);
        check_token(&token).map_err(|m| at(path, text, offset, m))?;
        backend::connection_info(&entry.connection_string)
            .map_err(|e| at(path, text, offset, e.to_string()))?;
        let pool = match entry.max_connections {
            None => SRH_DEFAULT_POOL,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| at(path, text, offset, "max_connections must be at least 1"))?,
        };
        let backend = match backends.iter().position(|b| b.name == entry.srh_id) {
            Some(i) if backends[i].url != entry.connection_string => {
                return Err(at(
                    path,
                    text,
                    offset,
                    format!(
                        "srh_id `{}` is used with two different connection strings; give each Redis its own srh_id",
                        entry.srh_id
                    ),
                ));
            }
            Some(i) => i,
            None => {
                backends.push(BackendSpec {
                    name: entry.srh_id,
                    url: entry.connection_string,
                    pool,
                });
                backends.len() - 1
            }
        };
        tokens.push((
            TokenSpec {
                token,
                access: Access::ReadWrite,
                backend,
            },
            line_of(text, offset),
        ));
    }
    if backends.is_empty() {
        return Err(at(path, text, 0, "no tokens: add an entry"));
    }
    finish(path, backends, tokens)
}

/// `... at line 3 column 5` → `...` (the line is reported separately).
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(m, _)| m)
        .to_owned()
}

/// Checks for duplicates and that there is at least one token.
fn finish(
    path: &str,
    backends: Vec<BackendSpec>,
    tokens: Vec<(TokenSpec, usize)>,
) -> Result<Routes, ServeError> {
    for (i, (token, line)) in tokens.iter().enumerate() {
        if let Some((_, first)) = tokens[..i]
            .iter()
            .find(|(t, _)| t.token.expose_secret() == token.token.expose_secret())
        {
            return Err(ServeError::TokensFile {
                path: path.to_owned(),
                line: *line,
                message: format!(
                    "duplicate token: the same token is on line {first}; each token must be unique (it picks the backend)"
                ),
            });
        }
    }
    if tokens.is_empty() {
        return Err(ServeError::TokensFile {
            path: path.to_owned(),
            line: 0,
            message: "no token: add a [[token]] with token and backend".to_owned(),
        });
    }
    Ok(Routes {
        backends,
        tokens: tokens.into_iter().map(|(t, _)| t).collect(),
    })
}

/// Makes the scrubber know everything secret in a tokens file before it is parsed, so that
/// no parser's message can quote it: every word shaped like a token and every URL password
/// wherever it stands; in SRH's JSON every key (a token, of any length) and every string
/// (a URL, even where an object belongs); in upwire's TOML the value of every
/// credential-like key, of any type (`token = 123456789012345`).
fn remember_file_secrets(text: &str) {
    let remember_ranges = |ranges: Vec<std::ops::Range<usize>>, text: &str| {
        for r in ranges {
            if let Some(secret) = text.get(r) {
                crate::secret::remember(secret);
            }
        }
    };
    remember_ranges(crate::secret::input_secrets(text), text);
    if text.trim_start().starts_with('{') {
        fn walk(value: &serde_json::Value, top: bool) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, v) in map {
                        if top {
                            crate::secret::remember(key);
                        }
                        walk(v, false);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, false)),
                serde_json::Value::String(s) => remember_url(s),
                _ => {}
            }
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            walk(&value, true);
        }
    } else {
        remember_ranges(crate::secret::toml::line_secrets(text), text);
    }
}

/// Makes the scrubber know the password in a backend URL read from a file or the environment.
fn remember_url(url: &str) {
    for range in crate::secret::url_secret_ranges(url) {
        if let Some(secret) = url.get(range) {
            crate::secret::remember(secret);
        }
    }
}

/// The checks `--token` gets too.
fn check_token(token: &Secret) -> Result<(), String> {
    let token = token.expose_secret();
    if token.trim().is_empty() {
        return Err("a token must not be empty".to_owned());
    }
    if token
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
    {
        return Err("write the token without the `Bearer ` prefix; clients add it".to_owned());
    }
    Ok(())
}

/// What SRH's variables ask for (`SRH_MODE` set): `env` gives one token and backend, `file`
/// a tokens file (`SRH_CONFIG`, by default SRH's `srh-config/tokens.json`).
pub(crate) enum Srh {
    Env {
        token: Secret,
        url: String,
        pool: usize,
    },
    File(std::path::PathBuf),
}

/// Reads SRH's variables through `get`; `None` when `SRH_MODE` is not set.
pub(crate) fn srh_from_env(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Srh>, ServeError> {
    let Some(mode) = get("SRH_MODE") else {
        return Ok(None);
    };
    let missing = |name: &'static str| ServeError::SrhEnv {
        message: format!("SRH_MODE=env needs {name}"),
    };
    match mode.trim() {
        "env" => {
            let token = Secret::new(get(SRH_TOKEN).ok_or_else(|| missing(SRH_TOKEN))?);
            check_token(&token).map_err(|m| ServeError::SrhEnv {
                message: format!("{SRH_TOKEN}: {m}"),
            })?;
            let url = get(SRH_CONNECTION_STRING).ok_or_else(|| missing(SRH_CONNECTION_STRING))?;
            remember_url(&url);
            let pool = match get("SRH_MAX_CONNECTIONS") {
                None => SRH_DEFAULT_POOL,
                Some(n) => n
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ServeError::SrhEnv {
                        message: "SRH_MAX_CONNECTIONS must be a number of at least 1".to_owned(),
                    })?,
            };
            Ok(Some(Srh::Env { token, url, pool }))
        }
        "file" => Ok(Some(Srh::File(
            get("SRH_CONFIG")
                .unwrap_or_else(|| SRH_DEFAULT_FILE.to_owned())
                .into(),
        ))),
        other => Err(ServeError::SrhEnv {
            message: format!("SRH_MODE must be env or file, not `{other}`"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(text: &str) -> Result<Routes, String> {
        let env = |name: &str| (name == "TOK").then(|| "AXfromEnvToken123".to_owned());
        from_toml("t.toml", text, &env).map_err(|e| e.to_string())
    }

    const TWO: &str = "[backend.a]\nurl = \"redis://127.0.0.1:1\"\n[backend.b]\nurl = \"redis://127.0.0.1:2\"\npool = 2\n";

    #[test]
    fn toml_routes_tokens_to_backends() {
        let r = toml(&format!(
            "{TWO}[[token]]\ntoken = \"AXaaaa\"\nbackend = \"a\"\n[[token]]\ntoken = \"${{TOK}}\"\nbackend = \"b\"\naccess = \"read-only\"\n"
        ))
        .unwrap();
        assert_eq!(r.backends.len(), 2);
        assert_eq!(r.backends[1].pool, 2);
        assert_eq!(r.backends[0].pool, DEFAULT_POOL);
        assert_eq!(r.tokens[0].backend, 0);
        assert_eq!(r.tokens[1].backend, 1);
        assert_eq!(r.tokens[1].access, Access::ReadOnly);
        assert_eq!(r.tokens[1].token.expose_secret(), "AXfromEnvToken123");
    }

    #[test]
    fn toml_errors_name_the_line_never_the_token() {
        let dup = toml(&format!(
            "{TWO}[[token]]\ntoken = \"AXsecretdup\"\nbackend = \"a\"\n[[token]]\ntoken = \"AXsecretdup\"\nbackend = \"b\"\n"
        ))
        .unwrap_err();
        assert!(dup.starts_with("t.toml:10: duplicate token"), "{dup}");
        assert!(
            dup.contains("line 7") && !dup.contains("AXsecretdup"),
            "{dup}"
        );
        let unknown = toml(&format!(
            "{TWO}[[token]]\ntoken = \"AXx1\"\nbackend = \"c\"\n"
        ))
        .unwrap_err();
        assert!(
            unknown.starts_with("t.toml:8: unknown backend `c`"),
            "{unknown}"
        );
        let access = toml(&format!(
            "{TWO}[[token]]\ntoken = \"AXx1\"\nbackend = \"a\"\naccess = \"readonly\"\n"
        ))
        .unwrap_err();
        assert!(
            access.starts_with("t.toml:9: unknown access `readonly`: use read-write or read-only"),
            "{access}"
        );
        let url = toml("[backend.a]\nurl = \"http://x\"\n").unwrap_err();
        assert!(url.starts_with("t.toml:2: invalid --redis URL"), "{url}");
        let unset = toml(&format!(
            "{TWO}[[token]]\ntoken = \"${{NOPE}}\"\nbackend = \"a\"\n"
        ))
        .unwrap_err();
        assert!(
            unset.contains(":7:") && unset.contains("NOPE is not set"),
            "{unset}"
        );
        let field = toml("[backend.a]\nurl = \"redis://h\"\npoll = 3\n").unwrap_err();
        assert!(field.starts_with("t.toml:3:"), "{field}");
        assert!(toml(TWO).unwrap_err().contains("no token"));
    }

    #[test]
    fn srh_json() {
        let text = "{\n  \"AXone\": {\"srh_id\": \"x\", \"connection_string\": \"redis://127.0.0.1:1\", \"max_connections\": 5},\n  \"AXtwo\": {\"srh_id\": \"y\", \"connection_string\": \"redis://127.0.0.1:2\"}\n}";
        let r = from_srh_json("s.json", text).unwrap();
        assert_eq!(r.backends.len(), 2);
        assert_eq!(r.backends[0].pool, 5);
        assert_eq!(r.backends[1].pool, SRH_DEFAULT_POOL);
        assert_eq!(r.tokens[1].backend, 1);
        let dup = "{\n\"AXsame\": {\"srh_id\": \"x\", \"connection_string\": \"redis://h\"},\n\"AXsame\": {\"srh_id\": \"y\", \"connection_string\": \"redis://h\"}\n}";
        let e = from_srh_json("s.json", dup).unwrap_err().to_string();
        assert!(
            e.starts_with("s.json:3: duplicate token") && !e.contains("AXsame"),
            "{e}"
        );
        let bad = from_srh_json("s.json", "{\n\"AXa\": {\"srh_id\": 1}}")
            .unwrap_err()
            .to_string();
        assert!(bad.starts_with("s.json:2:"), "{bad}");
    }

    #[test]
    fn srh_env() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(srh_from_env(&vars(&[])).unwrap().is_none());
        let env = srh_from_env(&vars(&[
            ("SRH_MODE", "env"),
            ("SRH_TOKEN", "AXsrh"),
            ("SRH_CONNECTION_STRING", "redis://h:1"),
        ]))
        .unwrap();
        assert!(matches!(env, Some(Srh::Env { pool: 3, .. })));
        assert!(srh_from_env(&vars(&[("SRH_MODE", "env")])).is_err());
        let file = srh_from_env(&vars(&[("SRH_MODE", "file")])).unwrap();
        assert!(matches!(file, Some(Srh::File(p)) if p == Path::new(SRH_DEFAULT_FILE)));
        assert!(srh_from_env(&vars(&[("SRH_MODE", "redis")])).is_err());
    }
}
