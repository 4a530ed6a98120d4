//! Lua scripts as Upstash takes them, on a Redis that does not know Upstash's own shebang
//! flag.
//!
//! Upstash accepts `#!lua flags=allow-key-locking` (the script touches only the keys it
//! declares, so Upstash may lock just those); Redis refuses the flag (`ERR Unexpected flag in
//! script shebang`), and `@upstash/ratelimit` starts every script with it. Redis runs every
//! script atomically anyway, so serve removes the flag and keeps the rest of the shebang
//! line: `#!lua` stays (a script with a shebang runs in Redis's non-compatibility mode, one
//! without it does not), and so do Redis's own flags (`no-writes`, `allow-oom`, ...). Anything
//! else in the line — unknown flags, another engine, quotes — is left for Redis to judge, so
//! it answers with its own error.
//!
//! Removing the flag changes the script's text, so Redis knows it by another SHA-1 than the
//! one the client computed from what it sent. [`Scripts`] remembers, for each script serve
//! changed, the client's hash and Redis's, so that `EVALSHA` and `SCRIPT EXISTS` with the
//! client's hash reach Redis's script and `SCRIPT LOAD` answers the client's hash. It is
//! shared by all workers and bounded ([`MAX_SCRIPTS`], least recently used first out); an
//! entry that fell out only costs the client one `NOSCRIPT` and one `EVAL`, which is what
//! every Upstash client does on `NOSCRIPT`.

use std::collections::HashMap;
use std::sync::Mutex;

/// Shebang flags only Upstash understands, removed before a script reaches Redis.
pub(crate) const UPSTASH_ONLY_FLAGS: &[&[u8]] = &[b"allow-key-locking"];

/// Client hashes remembered at most.
pub(crate) const MAX_SCRIPTS: usize = 4096;

/// The script without its Upstash-only shebang flags, or `None` when it has none (then it
/// goes to Redis byte for byte).
pub(crate) fn strip_upstash_flags(script: &[u8]) -> Option<Vec<u8>> {
    if !script.starts_with(b"#!") {
        return None;
    }
    // Redis reads the shebang up to the first newline and refuses a script without one.
    let end = script.iter().position(|&b| b == b'\n')?;
    let line = &script[..end];
    // Redis splits the line like a command line, quotes included: leave quoting to it.
    if line.iter().any(|&b| b == b'"' || b == b'\'') {
        return None;
    }
    let mut parts = line
        .split(|b| b.is_ascii_whitespace() || *b == 0x0b)
        .filter(|p| !p.is_empty());
    if parts.next() != Some(&b"#!lua"[..]) {
        return None;
    }
    let mut rebuilt = b"#!lua".to_vec();
    let mut removed = false;
    for part in parts {
        let Some(flags) = part.strip_prefix(b"flags=") else {
            rebuilt.push(b' ');
            rebuilt.extend_from_slice(part);
            continue;
        };
        let kept: Vec<&[u8]> = if flags.is_empty() {
            Vec::new()
        } else {
            flags
                .split(|&b| b == b',')
                .filter(|flag| {
                    let upstash = UPSTASH_ONLY_FLAGS.contains(flag);
                    removed |= upstash;
                    !upstash
                })
                .collect()
        };
        // `flags=` with nothing left says nothing: dropped.
        if !kept.is_empty() {
            rebuilt.extend_from_slice(b" flags=");
            rebuilt.extend_from_slice(&kept.join(&b","[..]));
        }
    }
    if !removed {
        return None;
    }
    // The line's trailing white space (a `\r` before the `\n`) and the rest, as they were.
    let trailing = line
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != 0x0b)
        .map_or(line.len(), |i| i + 1);
    rebuilt.extend_from_slice(&script[trailing..]);
    Some(rebuilt)
}

/// The SHA-1 of a script as Redis writes it: 40 lowercase hex digits.
pub(crate) fn sha1_hex(script: &[u8]) -> String {
    sha1_smol::Sha1::from(script).digest().to_string()
}

/// Client hash → Redis's hash, for the scripts serve changed.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    map: Mutex<Map>,
}

#[derive(Debug, Default)]
struct Map {
    entries: HashMap<String, Entry>,
    /// Counts uses, for least-recently-used eviction.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    server: String,
    used: u64,
}

impl Scripts {
    /// Remembers that Redis knows the script the client calls `client` as `server`.
    pub(crate) fn remember(&self, client: String, server: String) {
        let Ok(mut map) = self.map.lock() else {
            return;
        };
        map.clock += 1;
        let used = map.clock;
        if !map.entries.contains_key(&client) && map.entries.len() >= MAX_SCRIPTS {
            // Rare (a new script once the map is full), so a scan is cheap enough.
            if let Some(oldest) = map
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            {
                map.entries.remove(&oldest);
            }
        }
        map.entries.insert(client, Entry { server, used });
    }

    /// Redis's hash for the script the client calls `client` (any case, as `EVALSHA`
    /// takes it), if serve changed that script.
    pub(crate) fn server_hash(&self, client: &[u8]) -> Option<String> {
        if client.len() != 40 {
            return None;
        }
        let key = String::from_utf8(client.to_ascii_lowercase()).ok()?;
        let mut map = self.map.lock().ok()?;
        map.clock += 1;
        let used = map.clock;
        let entry = map.entries.get_mut(&key)?;
        entry.used = used;
        Some(entry.server.clone())
    }

    /// Forgets every script (`SCRIPT FLUSH`).
    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.entries.clear();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.lock().map(|m| m.entries.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> Option<String> {
        strip_upstash_flags(s.as_bytes()).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn removes_only_upstash_flags_and_keeps_the_shebang() {
        for (script, sent) in [
            (
                "#!lua flags=allow-key-locking\n  return 1",
                "#!lua\n  return 1",
            ),
            (
                "#!lua flags=no-writes,allow-key-locking,allow-oom\r\nreturn 1",
                "#!lua flags=no-writes,allow-oom\r\nreturn 1",
            ),
            (
                "#!lua   flags=allow-key-locking\t\nreturn 1",
                "#!lua\t\nreturn 1",
            ),
            // Unknown flags stay, for Redis's own error.
            (
                "#!lua flags=allow-key-locking,bogus\nreturn 1",
                "#!lua flags=bogus\nreturn 1",
            ),
        ] {
            assert_eq!(strip(script).as_deref(), Some(sent), "{script}");
        }
    }

    #[test]
    fn leaves_everything_else_byte_for_byte() {
        for script in [
            "return 1",
            "#!lua\nreturn 1",
            "#!lua flags=no-writes\nreturn 1",
            "#!lua flags=bogus\nreturn 1",
            // No newline: Redis's "Invalid script shebang".
            "#!lua flags=allow-key-locking",
            // Another engine: Redis's "Unexpected engine".
            "#!python flags=allow-key-locking\nreturn 1",
            // Quoting is Redis's to parse.
            "#!lua \"flags=allow-key-locking\"\nreturn 1",
            // Flags are case-sensitive, in Redis as here.
            "#!lua flags=ALLOW-KEY-LOCKING\nreturn 1",
            // Only the first line is the shebang.
            "return 1\n#!lua flags=allow-key-locking\n",
        ] {
            assert_eq!(strip(script), None, "{script}");
        }
    }

    #[test]
    fn hashes_are_redis_own() {
        // `redis-cli SCRIPT LOAD "return 1"`.
        assert_eq!(
            sha1_hex(b"return 1"),
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
        );
    }

    #[test]
    fn the_map_is_bounded_and_keeps_what_is_used() {
        let scripts = Scripts::default();
        let hash = |i: usize| format!("{i:040x}");
        scripts.remember(hash(0), "s0".into());
        for i in 1..MAX_SCRIPTS {
            scripts.remember(hash(i), format!("s{i}"));
        }
        // Used again: the least recently used is now hash(1).
        assert_eq!(
            scripts.server_hash(hash(0).as_bytes()).as_deref(),
            Some("s0")
        );
        scripts.remember(hash(MAX_SCRIPTS), "new".into());
        assert_eq!(scripts.len(), MAX_SCRIPTS);
        assert_eq!(scripts.server_hash(hash(1).as_bytes()), None);
        assert_eq!(
            scripts.server_hash(hash(0).as_bytes()).as_deref(),
            Some("s0")
        );
        assert_eq!(
            scripts
                .server_hash(hash(MAX_SCRIPTS).to_uppercase().as_bytes())
                .as_deref(),
            Some("new")
        );
        scripts.clear();
        assert_eq!(scripts.len(), 0);
        assert_eq!(scripts.server_hash(b"short"), None);
    }
}
