//! HTTP request → Redis commands: the JSON array body, the `/pipeline` and `/multi-exec`
//! 2-D arrays, and path style (`/set/key/value?EX=100`).

use std::borrow::Cow;
use std::fmt;

use percent_encoding::percent_decode;
use redis::{Arg, Cmd};
use serde::Deserializer as _;
use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};

/// Most commands one `/pipeline` or `/multi-exec` request may carry.
pub(crate) const MAX_COMMANDS: usize = 100_000;

/// Most arguments one request may carry, over all its commands. The 10 MiB body limit alone
/// would allow millions of one-byte arguments, each costing far more memory than its bytes.
pub(crate) const MAX_ARGS: usize = 1 << 20;

/// The request, parsed: one command (`/` or path style), a pipeline or a transaction
/// (`/multi-exec`); `exec.rs` checks and runs it.
pub(crate) enum Work {
    Single(Command),
    Pipeline(Vec<Command>),
    Transaction(Vec<Command>),
}

/// One Redis command as the client sent it (and, once `dialect.rs` has translated it, as
/// Redis runs it).
pub(crate) struct Command {
    cmd: Cmd,
    /// The name the client sent, when the translation runs another command (`SCAN ...
    /// WITHTYPE` runs as `EVAL`): what the log shows.
    sent_as: Option<Vec<u8>>,
}

impl Command {
    fn new(cmd: Cmd) -> Self {
        Self { cmd, sent_as: None }
    }

    /// The packed command, ready to send.
    pub(crate) fn cmd(&self) -> &Cmd {
        &self.cmd
    }

    /// The arguments, the command name first.
    pub(crate) fn args(&self) -> impl Iterator<Item = &[u8]> {
        self.cmd.args_iter().filter_map(|a| match a {
            Arg::Simple(bytes) => Some(bytes),
            _ => None,
        })
    }

    /// The command name as the client sent it.
    pub(crate) fn name(&self) -> &[u8] {
        match &self.sent_as {
            Some(name) => name,
            None => self.args().next().unwrap_or_default(),
        }
    }

    /// Runs `cmd` instead; the name the client sent stays [`Command::name`].
    pub(crate) fn replace(&mut self, cmd: Cmd) {
        if self.sent_as.is_none() {
            self.sent_as = Some(self.name().to_vec());
        }
        self.cmd = cmd;
    }
}

#[cfg(test)]
impl Command {
    /// The arguments as text (invalid UTF-8 replaced), for tests.
    pub(crate) fn text_args(&self) -> Vec<String> {
        self.args()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    }
}

impl fmt::Debug for Command {
    // Arguments may be secrets: only the name is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Command")
            .field("name", &String::from_utf8_lossy(self.name()))
            .finish_non_exhaustive()
    }
}

/// Why a request does not describe a command; answered with 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError(pub(crate) String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /` body: `["SET", "key", "value", "EX", 100]`.
pub(crate) fn parse_command(body: &[u8]) -> Result<Command, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut budget = MAX_ARGS;
    let command = CommandSeed {
        budget: &mut budget,
    }
    .deserialize(&mut de)
    .and_then(|c| de.end().map(|()| c))
    .map_err(|e| json_error("command", &e))?;
    Ok(command)
}

/// `POST /pipeline` and `POST /multi-exec` body: `[["SET", "k", "v"], ["GET", "k"]]`.
pub(crate) fn parse_commands(body: &[u8]) -> Result<Vec<Command>, ParseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let commands = de
        .deserialize_seq(CommandsVisitor)
        .and_then(|c| de.end().map(|()| c))
        .map_err(|e| json_error("commands", &e))?;
    if commands.is_empty() {
        return Err(ParseError(
            "ERR empty pipeline: send at least one command".to_owned(),
        ));
    }
    Ok(commands)
}

fn json_error(what: &str, e: &serde_json::Error) -> ParseError {
    ParseError(format!("ERR failed to parse {what}: {e}"))
}

/// Path style: `/cmd/arg/...` percent-decoded (binary-safe), then the body (POST/PUT) as the
/// last argument, then every query pair except `_token` as `key value` (`?EX=100`).
pub(crate) fn parse_path(
    path: &str,
    body: Option<&[u8]>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Command, ParseError> {
    let path = path.strip_prefix('/').unwrap_or(path);
    // One trailing slash is a URL-joining accident, not an empty last argument.
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut cmd = Cmd::new();
    let mut count = 0usize;
    for segment in path.split('/') {
        cmd.arg(&*Cow::from(percent_decode(segment.as_bytes())));
        count += 1;
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        cmd.arg(body);
        count += 1;
    }
    for (key, value) in query {
        cmd.arg(key.as_bytes());
        count += 1;
        if !value.is_empty() {
            cmd.arg(value.as_bytes());
            count += 1;
        }
    }
    if count > MAX_ARGS {
        return Err(ParseError(format!(
            "ERR too many arguments: at most {MAX_ARGS} per request"
        )));
    }
    let command = Command::new(cmd);
    if command.name().is_empty() {
        return Err(ParseError("ERR empty command".to_owned()));
    }
    Ok(command)
}

struct CommandsVisitor;

impl<'de> Visitor<'de> for CommandsVisitor {
    type Value = Vec<Command>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a JSON array of command arrays, e.g. [["SET","k","v"],["GET","k"]]"#)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut budget = MAX_ARGS;
        let mut commands = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(command) = seq.next_element_seed(CommandSeed {
            budget: &mut budget,
        })? {
            if commands.len() == MAX_COMMANDS {
                return Err(de::Error::custom(format_args!(
                    "too many commands: at most {MAX_COMMANDS} per request"
                )));
            }
            commands.push(command);
        }
        Ok(commands)
    }
}

/// Deserializes one command array straight into a packed [`Cmd`], without an intermediate
/// `serde_json::Value`.
struct CommandSeed<'b> {
    /// Arguments the request may still carry.
    budget: &'b mut usize,
}

impl<'de> DeserializeSeed<'de> for CommandSeed<'_> {
    type Value = Command;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Command, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CommandSeed<'_> {
    type Value = Command;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a JSON array of strings and numbers, e.g. ["SET","k","v","EX",100]"#)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Command, A::Error> {
        let mut cmd = Cmd::new();
        let mut count = 0usize;
        while seq.next_element_seed(ArgSeed(&mut cmd))?.is_some() {
            if *self.budget == 0 {
                return Err(de::Error::custom(format_args!(
                    "too many arguments: at most {MAX_ARGS} per request"
                )));
            }
            *self.budget -= 1;
            count += 1;
        }
        if count == 0 {
            return Err(de::Error::custom("empty command"));
        }
        Ok(Command::new(cmd))
    }
}

/// One argument: strings as their UTF-8 bytes, numbers and booleans as their JSON text.
struct ArgSeed<'c>(&'c mut Cmd);

impl<'de> DeserializeSeed<'de> for ArgSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArgSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.arg(v.as_bytes());
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.arg(v);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.arg(v);
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        // Shortest text that reads back as the same number: `1.5`, `0.1`, `1000`.
        self.0.arg(v.to_string().as_bytes());
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.arg(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom("null is not an argument; send a string"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(
            "a nested array is not an argument; serialise it to a string",
        ))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(
            "an object is not an argument; serialise it to a JSON string",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(c: &Command) -> Vec<String> {
        c.text_args()
    }

    #[test]
    fn json_command_with_numbers_and_unicode() {
        let c =
            parse_command(br#"["SET","k","h\u00e9 \ud83d\ude00","EX",100,"x",1.5,true]"#).unwrap();
        assert_eq!(
            args(&c),
            ["SET", "k", "hé 😀", "EX", "100", "x", "1.5", "true"]
        );
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        for body in [
            &b""[..],
            b"{",
            b"[]",
            b"{}",
            b"\"GET\"",
            b"[null]",
            b"[[\"a\"]]",
            b"[{}]",
            b"[\"a\"] x",
            b"\xff\xfe",
        ] {
            assert!(
                parse_command(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        for body in [&b"[]"[..], b"[[]]", b"[\"GET\"]", b"[[\"GET\",[1]]]"] {
            assert!(
                parse_commands(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn pipeline_of_commands() {
        let cs = parse_commands(br#"[["SET","k","v"],["GET","k"]]"#).unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(args(&cs[1]), ["GET", "k"]);
    }

    #[test]
    fn too_many_arguments() {
        let mut body = b"[\"DEL\"".to_vec();
        for _ in 0..MAX_ARGS {
            body.extend_from_slice(b",1");
        }
        body.push(b']');
        let e = parse_command(&body).unwrap_err();
        assert!(e.0.contains("too many arguments"), "{e}");
    }

    #[test]
    fn path_style_decodes_and_appends_body_and_query() {
        let q = [
            (Cow::from("EX"), Cow::from("100")),
            (Cow::from("NX"), Cow::from("")),
        ];
        let c = parse_path("/set/a%2Fb/", Some(b"{\"x\":1}"), &q).unwrap();
        assert_eq!(args(&c), ["set", "a/b", "{\"x\":1}", "EX", "100", "NX"]);
        let c = parse_path("/set/k/%FF%00", None, &[]).unwrap();
        assert_eq!(c.args().nth(2), Some(&b"\xff\x00"[..]));
        assert!(parse_path("/", None, &[]).is_err());
    }
}
