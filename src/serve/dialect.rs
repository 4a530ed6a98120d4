//! What Upstash accepts and Redis does not, translated just before a command is sent (after
//! the token's permissions were checked on the command as the client sent it):
//!
//! - scripts with Upstash-only shebang flags (`EVAL`, `EVAL_RO`, `SCRIPT LOAD`), and the
//!   client's hash of such a script (`EVALSHA`, `EVALSHA_RO`, `SCRIPT EXISTS`); `SCRIPT FLUSH`
//!   forgets the hashes too (see `script.rs`);
//! - `SCAN ... WITHTYPE`, Upstash's option that answers each key with its type
//!   (`[cursor, [key, type, key, type, ...]]`): run as one read-only script that scans and asks
//!   `TYPE` of each key, atomically, so no key is reported with a type it no longer has;
//! - `COPY k k`: Redis refuses (`ERR source and destination objects are the same`), Upstash
//!   answers 0 (nothing copied), and so does serve.
//!
//! Everything else goes to Redis as it is.

use redis::Cmd;

use super::request::Command;
use super::script::{Scripts, sha1_hex, strip_upstash_flags};

/// `SCAN` with `ARGV` as its arguments (cursor and options), each key followed by its type.
/// A `SCAN` error (a bad cursor, a syntax error) is returned as Redis wrote it.
const SCAN_WITH_TYPE: &str = "#!lua flags=no-writes
local reply = redis.pcall('SCAN', unpack(ARGV))
if reply.err then return reply end
local keys = {}
for _, key in ipairs(reply[2]) do
  keys[#keys + 1] = key
  keys[#keys + 1] = redis.call('TYPE', key).ok
end
return {reply[1], keys}
";

/// What to change in Redis's reply to a translated command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReplyChange {
    /// Nothing.
    None,
    /// `SCRIPT LOAD` of a changed script: answer the client's hash, not Redis's.
    ClientHash(String),
    /// `COPY k k`: Redis's refusal becomes Upstash's 0.
    CopyToItself,
}

impl ReplyChange {
    /// Applies the change to Redis's reply.
    pub(crate) fn apply(&self, value: redis::Value) -> redis::Value {
        match (self, value) {
            (
                Self::ClientHash(hash),
                redis::Value::BulkString(_) | redis::Value::SimpleString(_),
            ) => redis::Value::BulkString(hash.clone().into_bytes()),
            (Self::CopyToItself, redis::Value::ServerError(e))
                if e.details()
                    .is_some_and(|d| d.contains("source and destination objects are the same")) =>
            {
                redis::Value::Int(0)
            }
            (_, value) => value,
        }
    }
}

/// Translates `command` in place into what Redis runs, and says what to change in the reply.
pub(crate) fn translate(command: &mut Command, scripts: &Scripts) -> ReplyChange {
    // Most commands are none of these: no lowercase copy of their name for them.
    let name = command.name();
    let first = name.first().map(u8::to_ascii_lowercase);
    if !matches!(first, Some(b'e' | b's' | b'c')) || name.len() > 10 {
        return ReplyChange::None;
    }
    let name = name.to_ascii_lowercase();
    match name.as_slice() {
        b"eval" | b"eval_ro" => {
            let stripped = nth(command, 1).and_then(|script| {
                let stripped = strip_upstash_flags(script)?;
                scripts.remember(sha1_hex(script), sha1_hex(&stripped));
                Some(stripped)
            });
            if let Some(stripped) = stripped {
                replace_arg(command, 1, &stripped);
            }
            ReplyChange::None
        }
        b"evalsha" | b"evalsha_ro" => {
            if let Some(server) = nth(command, 1).and_then(|h| scripts.server_hash(h)) {
                replace_arg(command, 1, server.as_bytes());
            }
            ReplyChange::None
        }
        b"script" => {
            let sub = nth(command, 1).map(<[u8]>::to_ascii_lowercase);
            match sub.as_deref() {
                Some(b"load") => {
                    let Some(script) = nth(command, 2) else {
                        return ReplyChange::None;
                    };
                    let Some(stripped) = strip_upstash_flags(script) else {
                        return ReplyChange::None;
                    };
                    let client = sha1_hex(script);
                    scripts.remember(client.clone(), sha1_hex(&stripped));
                    replace_arg(command, 2, &stripped);
                    ReplyChange::ClientHash(client)
                }
                Some(b"exists") => {
                    let mapped: Vec<Option<String>> = command
                        .args()
                        .skip(2)
                        .map(|h| scripts.server_hash(h))
                        .collect();
                    if mapped.iter().any(Option::is_some) {
                        let mut cmd = Cmd::new();
                        for (i, arg) in command.args().enumerate() {
                            match i.checked_sub(2).and_then(|j| mapped[j].as_deref()) {
                                Some(server) => cmd.arg(server),
                                None => cmd.arg(arg),
                            };
                        }
                        command.replace(cmd);
                    }
                    ReplyChange::None
                }
                Some(b"flush") => {
                    scripts.clear();
                    ReplyChange::None
                }
                _ => ReplyChange::None,
            }
        }
        b"copy" if nth(command, 1).is_some() && nth(command, 1) == nth(command, 2) => {
            ReplyChange::CopyToItself
        }
        b"scan" => {
            if let Some(args) = scan_without_withtype(command) {
                let mut cmd = Cmd::new();
                cmd.arg("EVAL").arg(SCAN_WITH_TYPE).arg(0);
                for arg in args {
                    cmd.arg(arg);
                }
                command.replace(cmd);
            }
            ReplyChange::None
        }
        _ => ReplyChange::None,
    }
}

/// The `SCAN` arguments (cursor and options) without `WITHTYPE`, when `WITHTYPE` is one of
/// its options; `None` otherwise, and for options serve does not know (Redis judges those).
fn scan_without_withtype(command: &Command) -> Option<Vec<Vec<u8>>> {
    let args: Vec<&[u8]> = command.args().skip(1).collect();
    let mut kept = vec![args.first()?.to_vec()];
    let mut with_type = false;
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        let option = arg.to_ascii_lowercase();
        match option.as_slice() {
            b"match" | b"count" | b"type" => {
                kept.push(arg.to_vec());
                kept.push(args.get(i + 1)?.to_vec());
                i += 2;
            }
            b"withtype" => {
                with_type = true;
                i += 1;
            }
            _ => return None,
        }
    }
    with_type.then_some(kept)
}

fn nth(command: &Command, i: usize) -> Option<&[u8]> {
    command.args().nth(i)
}

fn replace_arg(command: &mut Command, index: usize, value: &[u8]) {
    let mut cmd = Cmd::new();
    for (i, arg) in command.args().enumerate() {
        cmd.arg(if i == index { value } else { arg });
    }
    command.replace(cmd);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::request::parse_command;

    fn args(c: &Command) -> Vec<String> {
        c.text_args()
    }

    fn translated(json: &str, scripts: &Scripts) -> (Command, ReplyChange) {
        let mut c = parse_command(json.as_bytes()).unwrap();
        let change = translate(&mut c, scripts);
        (c, change)
    }

    #[test]
    fn eval_strips_and_evalsha_follows_the_client_hash() {
        let scripts = Scripts::default();
        let script = "#!lua flags=allow-key-locking\nreturn 1";
        let client = sha1_hex(script.as_bytes());
        let server = sha1_hex(b"#!lua\nreturn 1");
        let (c, change) = translated(
            &serde_json::json!(["EVAL", script, 0]).to_string(),
            &scripts,
        );
        assert_eq!(args(&c), ["EVAL", "#!lua\nreturn 1", "0"]);
        assert_eq!(change, ReplyChange::None);
        let (c, _) = translated(
            &serde_json::json!(["evalsha_ro", client.to_uppercase(), 1, "k", "a"]).to_string(),
            &scripts,
        );
        assert_eq!(args(&c), ["evalsha_ro", &server, "1", "k", "a"]);
        assert_eq!(c.name(), b"evalsha_ro");
        // Unknown hashes go to Redis as sent (it answers NOSCRIPT).
        let unknown = "0".repeat(40);
        let (c, _) = translated(&format!(r#"["EVALSHA","{unknown}",0]"#), &scripts);
        assert_eq!(args(&c), ["EVALSHA", &unknown, "0"]);
        let (c, _) = translated(
            &serde_json::json!(["SCRIPT", "EXISTS", client, unknown]).to_string(),
            &scripts,
        );
        assert_eq!(args(&c), ["SCRIPT", "EXISTS", &server, &unknown]);
        translated(r#"["script","flush"]"#, &scripts);
        let (c, _) = translated(&format!(r#"["EVALSHA","{client}",0]"#), &scripts);
        assert_eq!(args(&c), ["EVALSHA", &client, "0"]);
    }

    #[test]
    fn script_load_answers_the_client_hash() {
        let scripts = Scripts::default();
        let script = "#!lua flags=allow-key-locking,no-writes\nreturn 1";
        let (c, change) = translated(
            &serde_json::json!(["SCRIPT", "LOAD", script]).to_string(),
            &scripts,
        );
        assert_eq!(
            args(&c),
            ["SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1"]
        );
        let client = sha1_hex(script.as_bytes());
        assert_eq!(change, ReplyChange::ClientHash(client.clone()));
        assert_eq!(
            change.apply(redis::Value::BulkString(b"other".to_vec())),
            redis::Value::BulkString(client.into_bytes())
        );
        let error = redis::Value::Nil;
        assert_eq!(change.apply(error.clone()), error);
        // Scripts without Upstash flags are not touched.
        let (c, change) = translated(r#"["SCRIPT","LOAD","return 1"]"#, &scripts);
        assert_eq!(args(&c), ["SCRIPT", "LOAD", "return 1"]);
        assert_eq!(change, ReplyChange::None);
    }

    #[test]
    fn scan_withtype_becomes_a_script_and_plain_scan_stays() {
        let scripts = Scripts::default();
        let (c, _) = translated(
            r#"["scan",0,"match","withtype","COUNT",10,"WITHTYPE"]"#,
            &scripts,
        );
        let a = args(&c);
        assert_eq!(a[0], "EVAL");
        assert_eq!(a[1], SCAN_WITH_TYPE);
        assert_eq!(a[2..], ["0", "0", "match", "withtype", "COUNT", "10"]);
        assert_eq!(c.name(), b"scan");
        for plain in [
            r#"["SCAN",0]"#,
            r#"["SCAN",0,"MATCH","withtype"]"#,
            r#"["SCAN",0,"TYPE","string"]"#,
            r#"["SCAN",0,"BOGUS","WITHTYPE"]"#,
            r#"["SCAN",0,"COUNT"]"#,
        ] {
            let (c, _) = translated(plain, &scripts);
            assert_eq!(args(&c)[0], "SCAN", "{plain}");
        }
    }
}
