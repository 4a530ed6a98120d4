//! Which commands a request may run.
//!
//! Two different sources, on purpose:
//! - What the REST API does not offer at all is Upstash's contract, so it is the
//!   fixed table `capability::REST_LACKS`, which the transport rules read too. The integration tests check it against Redis's own `@blocking`,
//!   `@transaction`, `@connection` and `@pubsub` categories, so it cannot silently fall
//!   behind a newer Redis.
//! - What the read-only token may run is decided by Redis's own command table (`COMMAND`):
//!   its flags and ACL categories, fetched once and cached. Allowed: what Redis flags
//!   `readonly` (unless `@dangerous`, like KEYS) and what touches no data (PING, ECHO, TIME).
//!   Refused: anything flagged `write`, `admin` or `may_replicate`, anything in `@write`,
//!   `@admin` or `@dangerous`, and scripting or pub/sub without the `readonly` flag (EVAL's
//!   script may write).
//! - On top of Redis's flags, the read-only token is kept harmless: no script or function at
//!   all (`EVAL_RO`, `FCALL_RO`, `SCRIPT ...`, anything in `@scripting`) unless
//!   `--readonly-scripts` — a script can busy-loop Redis for every client and calls `KEYS` or
//!   `INFO` past the refusals below — and no `MEMORY`, `INFO` or `KEYS` whatever their flags.

use std::collections::{HashMap, HashSet};

use redis::Value;

use super::refusal::Refusal;
use super::request::Command;

/// Refuses commands the REST API does not offer, with Upstash's wording.
pub(crate) fn check_supported(command: &Command) -> Result<(), Refusal> {
    let name = command.name();
    let refused = crate::capability::rest_lacks_command(name)
        || ((name.eq_ignore_ascii_case(b"xread") || name.eq_ignore_ascii_case(b"xreadgroup"))
            && has_block_option(command));
    if refused {
        return Err(Refusal::bad_request(format!(
            "ERR Command is not available: '{}'. upwire serve, like the Upstash REST API, does not offer \
             blocking, transaction (use /multi-exec), connection or subscribe commands",
            String::from_utf8_lossy(name)
        )));
    }
    Ok(())
}

/// `XREAD [COUNT n] [BLOCK ms] STREAMS ...`: options come before `STREAMS`.
fn has_block_option(command: &Command) -> bool {
    command
        .args()
        .skip(1)
        .take_while(|a| !a.eq_ignore_ascii_case(b"streams"))
        .any(|a| a.eq_ignore_ascii_case(b"block"))
}

/// What a command does to the data: whether the read-only token may run it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Read,
    Write,
}

/// Commands the read-only token never runs, with all their subcommands, whatever Redis's
/// flags say: `MEMORY PURGE` and `MEMORY DOCTOR` are not flagged as writes, `INFO` shows
/// everything, and `KEYS` and `SCAN` walk every key, which Upstash's read-only token refuses;
/// `RANDOMKEY` names keys the client never knew as well (called often enough, most of them).
const READONLY_DENIED: &[&str] = &["memory", "info", "keys", "scan", "randomkey"];

/// Redis's command table, reduced to what the read-only token needs.
#[derive(Debug, Default)]
pub(crate) struct CommandTable {
    /// `get`, `config|set`, ... (lowercase).
    commands: HashMap<Vec<u8>, Effect>,
    /// Commands whose access is decided per subcommand (`config`, `object`, ...).
    containers: HashSet<Vec<u8>>,
    /// Commands and subcommands in `@scripting` (`eval_ro`, `script|load`, `fcall_ro`, ...).
    scripting: HashSet<Vec<u8>>,
}

impl CommandTable {
    /// Builds the table from the reply to `COMMAND` (Redis 2.8 to 7.x layouts).
    pub(crate) fn from_reply(reply: &Value) -> Option<Self> {
        let Value::Array(entries) = reply else {
            return None;
        };
        let mut table = Self::default();
        for entry in entries {
            table.add(entry);
        }
        (!table.commands.is_empty()).then_some(table)
    }

    fn add(&mut self, entry: &Value) {
        let Value::Array(fields) = entry else { return };
        let Some(name) = fields.first().and_then(text) else {
            return;
        };
        let name = name.to_ascii_lowercase();
        let words = |i: usize| -> Vec<Vec<u8>> {
            match fields.get(i) {
                Some(Value::Array(items) | Value::Set(items)) => items
                    .iter()
                    .filter_map(text)
                    .map(|w| w.to_ascii_lowercase())
                    .collect(),
                _ => Vec::new(),
            }
        };
        let flags = words(2);
        let categories = words(6);
        let has = |list: &[Vec<u8>], w: &str| list.iter().any(|x| x == w.as_bytes());
        if has(&categories, "@scripting") {
            self.scripting.insert(name.clone());
        }
        let has_any = |list: &[Vec<u8>], ws: &[&str]| ws.iter().any(|w| has(list, w));
        let access = if has_any(&flags, &["write", "may_replicate", "admin"])
            || has_any(&categories, &["@write", "@admin", "@dangerous"])
        {
            // Writes by Redis's own flags, plus administration and "dangerous" commands
            // (CONFIG SET, SHUTDOWN, KEYS, ...), as Upstash's read-only token refuses them.
            Effect::Write
        } else if has(&flags, "readonly") {
            // Redis's own mark for "does not modify data": GET, SCAN, EVAL_RO, ...
            Effect::Read
        } else if has_any(
            &categories,
            &["@read", "@keyspace", "@scripting", "@pubsub"],
        ) {
            // Touches data or has effects without either flag: EVAL (the script decides),
            // PUBLISH, SCRIPT FLUSH, ... Refused.
            Effect::Write
        } else {
            // Touches no data at all: PING, ECHO, TIME, COMMAND.
            Effect::Read
        };
        if let Some(Value::Array(subcommands)) = fields.get(9)
            && !subcommands.is_empty()
        {
            self.containers.insert(name.clone());
            for sub in subcommands {
                self.add(sub);
            }
        }
        self.commands.insert(name, access);
    }

    /// The command's name as Redis's table spells it (lowercase), or `None` when it is not
    /// a command: what the request log may show.
    pub(crate) fn known_name(&self, name: &[u8]) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.commands
            .get_key_value(&name)
            .and_then(|(k, _)| std::str::from_utf8(k).ok())
    }

    /// Refuses what the read-only token may not run, with Redis's ACL wording. Scripts and
    /// functions only with `allow_scripts` (`--readonly-scripts`), and then only those Redis
    /// flags read-only.
    pub(crate) fn check_readonly(
        &self,
        command: &Command,
        allow_scripts: bool,
    ) -> Result<(), Refusal> {
        let mut args = command.args();
        let name = args.next().unwrap_or_default().to_ascii_lowercase();
        if READONLY_DENIED.iter().any(|d| d.as_bytes() == name) {
            return Err(Refusal::bad_request(format!(
                "NOPERM this user has no permissions to run the '{}' command (read-only token)",
                String::from_utf8_lossy(&name)
            )));
        }
        let key = match args.next() {
            Some(sub) if self.containers.contains(&name) => {
                let mut key = name.clone();
                key.push(b'|');
                key.extend(sub.to_ascii_lowercase());
                key
            }
            _ => name,
        };
        if !allow_scripts
            && (self.scripting.contains(&key) || self.scripting.contains(&name_of(&key)))
        {
            return Err(Refusal::bad_request(format!(
                "NOPERM this user has no permissions to run the '{}' command (read-only token: \
                 scripts and functions need upwire serve --readonly-scripts)",
                String::from_utf8_lossy(&key)
            )));
        }
        match self.commands.get(&key) {
            Some(Effect::Read) => Ok(()),
            // Unknown names are refused too: a module loaded after the table was read could
            // add writes.
            Some(Effect::Write) | None => Err(Refusal::bad_request(format!(
                "NOPERM this user has no permissions to run the '{}' command (read-only token)",
                String::from_utf8_lossy(&key)
            ))),
        }
    }
}

/// `script|load` → `script`.
fn name_of(key: &[u8]) -> Vec<u8> {
    key.split(|&b| b == b'|')
        .next()
        .unwrap_or_default()
        .to_vec()
}

fn text(v: &Value) -> Option<&[u8]> {
    match v {
        Value::BulkString(b) => Some(b),
        Value::SimpleString(s) => Some(s.as_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::request::parse_command;

    fn cmd(json: &str) -> Command {
        parse_command(json.as_bytes()).unwrap()
    }

    #[test]
    fn unsupported_commands() {
        for c in [
            r#"["BLPOP","q",0]"#,
            r#"["watch","k"]"#,
            r#"["SELECT",1]"#,
            r#"["subscribe","c"]"#,
        ] {
            let e = check_supported(&cmd(c)).unwrap_err();
            assert!(
                e.message.starts_with("ERR Command is not available: '"),
                "{}",
                e.message
            );
        }
        assert!(
            check_supported(&cmd(r#"["XREAD","COUNT",1,"BLOCK",0,"STREAMS","s","$"]"#)).is_err()
        );
        assert!(check_supported(&cmd(r#"["XREAD","STREAMS","block","0"]"#)).is_ok());
        assert!(check_supported(&cmd(r#"["PING"]"#)).is_ok());
        assert!(check_supported(&cmd(r#"["PUBLISH","c","m"]"#)).is_ok());
    }

    fn entry(name: &str, flags: &[&str], categories: &[&str], subs: Vec<Value>) -> Value {
        let list = |xs: &[&str]| {
            Value::Array(
                xs.iter()
                    .map(|x| Value::SimpleString((*x).to_owned()))
                    .collect(),
            )
        };
        Value::Array(vec![
            Value::BulkString(name.as_bytes().to_vec()),
            Value::Int(-1),
            list(flags),
            Value::Int(0),
            Value::Int(0),
            Value::Int(0),
            list(categories),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Array(subs),
        ])
    }

    #[test]
    fn readonly_from_flags_and_subcommands() {
        let reply = Value::Array(vec![
            entry(
                "get",
                &["readonly", "fast"],
                &["@read", "@string", "@fast"],
                vec![],
            ),
            entry(
                "set",
                &["write", "denyoom"],
                &["@write", "@string", "@slow"],
                vec![],
            ),
            entry(
                "keys",
                &["readonly"],
                &["@keyspace", "@read", "@slow", "@dangerous"],
                vec![],
            ),
            entry(
                "object",
                &[],
                &["@slow"],
                vec![entry(
                    "object|encoding",
                    &["readonly"],
                    &["@keyspace", "@read", "@slow"],
                    vec![],
                )],
            ),
            entry(
                "config",
                &[],
                &["@slow"],
                vec![entry(
                    "config|set",
                    &["admin"],
                    &["@admin", "@slow", "@dangerous"],
                    vec![],
                )],
            ),
            entry("ping", &["fast"], &["@fast", "@connection"], vec![]),
            entry("eval", &["noscript"], &["@slow", "@scripting"], vec![]),
            entry(
                "eval_ro",
                &["readonly", "noscript"],
                &["@slow", "@scripting"],
                vec![],
            ),
            entry(
                "publish",
                &["pubsub", "fast"],
                &["@pubsub", "@fast"],
                vec![],
            ),
        ]);
        let table = CommandTable::from_reply(&reply).unwrap();
        assert!(table.check_readonly(&cmd(r#"["GET","k"]"#), false).is_ok());
        assert!(
            table
                .check_readonly(&cmd(r#"["object","ENCODING","k"]"#), false)
                .is_ok()
        );
        let e = table
            .check_readonly(&cmd(r#"["SET","k","v"]"#), false)
            .unwrap_err();
        assert!(
            e.message
                .starts_with("NOPERM this user has no permissions to run the 'set' command"),
            "{}",
            e.message
        );
        for walk in [
            r#"["KEYS","*"]"#,
            r#"["SCAN",0]"#,
            r#"["scan",0,"MATCH","*"]"#,
            r#"["RANDOMKEY"]"#,
        ] {
            let e = table.check_readonly(&cmd(walk), false).unwrap_err();
            assert!(e.message.starts_with("NOPERM"), "{walk}: {}", e.message);
        }
        assert!(
            table
                .check_readonly(&cmd(r#"["CONFIG","SET","x","y"]"#), false)
                .is_err()
        );
        assert!(table.check_readonly(&cmd(r#"["NOSUCH"]"#), false).is_err());
        assert!(table.check_readonly(&cmd(r#"["PING"]"#), false).is_ok());
        assert!(
            table
                .check_readonly(&cmd(r#"["EVAL_RO","return 1",0]"#), true)
                .is_ok()
        );
        let e = table
            .check_readonly(&cmd(r#"["EVAL_RO","return 1",0]"#), false)
            .unwrap_err();
        assert!(e.message.contains("--readonly-scripts"), "{}", e.message);
        assert!(
            table
                .check_readonly(&cmd(r#"["EVAL","return 1",0]"#), true)
                .is_err()
        );
        assert_eq!(table.known_name(b"GET"), Some("get"));
        assert_eq!(table.known_name(b"AXLogCanary42xyz"), None);
        assert!(
            table
                .check_readonly(&cmd(r#"["EVAL","return 1",0]"#), false)
                .is_err()
        );
        assert!(
            table
                .check_readonly(&cmd(r#"["PUBLISH","c","m"]"#), false)
                .is_err()
        );
    }
}
