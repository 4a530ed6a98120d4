//! Redis replies → Upstash JSON: `{"result": ...}` / `{"error": "..."}`, written straight into
//! a byte buffer.
//!
//! Mapping (RESP2, as Upstash answers): nil → `null`, integer → number, bulk and status
//! strings → string, array → array. RESP3-only types, which serve never asks for, still map
//! to what the RESP2 form of the same reply would be: map → flat `[k, v, ...]` array, double
//! and big number → string, boolean → 1/0.
//!
//! Strings are not always UTF-8. Without `Upstash-Encoding: base64` invalid bytes become
//! U+FFFD, as on Upstash; with it every string is base64 except a top-level `"OK"`, which
//! is what `@upstash/redis` decodes (it leaves a top-level `"OK"` alone and base64-decodes
//! every other string, nested ones included).

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use redis::{ServerError, Value};

/// How strings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// JSON strings, invalid UTF-8 replaced.
    Utf8,
    /// Base64 of the raw bytes.
    Base64,
}

/// The text of a Redis error reply: `ERR wrong number of arguments for 'get' command`.
pub(crate) fn server_error_text(e: &ServerError) -> String {
    match e.details() {
        Some(detail) => format!("{} {detail}", e.code()),
        None => e.code().to_owned(),
    }
}

/// Writes `{"result": v}`, or `{"error": "..."}` when the reply is an error. Returns whether
/// it was an error.
pub(crate) fn write_reply(out: &mut Vec<u8>, v: &Value, enc: Encoding) -> bool {
    if let Value::ServerError(e) = v {
        write_error(out, &server_error_text(e));
        return true;
    }
    out.extend_from_slice(b"{\"result\":");
    write_value(out, v, enc, true);
    out.push(b'}');
    false
}

/// Writes `{"error": "message"}`.
pub(crate) fn write_error(out: &mut Vec<u8>, message: &str) {
    out.extend_from_slice(b"{\"error\":");
    write_str(out, message);
    out.push(b'}');
}

/// The body of an error response.
pub(crate) fn error_body(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 16);
    write_error(&mut out, message);
    out
}

/// Writes a reply as RESP2 bytes, as Redis would send it over TCP to a RESP2 client
/// (`Upstash-Response-Format: resp2`). Returns whether it was an error reply. RESP3-only
/// types map as in the JSON form; a nil reply is `$-1` (redis reads RESP2's null array `*-1`
/// into the same nil, so the two cannot be told apart here).
pub(crate) fn write_resp(out: &mut Vec<u8>, v: &Value) -> bool {
    match v {
        Value::Nil => out.extend_from_slice(b"$-1\r\n"),
        Value::Int(i) => {
            let _ = write!(out, ":{i}\r\n");
        }
        Value::Boolean(b) => out.extend_from_slice(if *b { b":1\r\n" } else { b":0\r\n" }),
        Value::Okay => out.extend_from_slice(b"+OK\r\n"),
        Value::SimpleString(s) => write_resp_line(out, b'+', s),
        Value::BulkString(b) => write_resp_bulk(out, b),
        Value::VerbatimString { text, .. } => write_resp_bulk(out, text.as_bytes()),
        Value::Double(d) => write_resp_bulk(out, d.to_string().as_bytes()),
        Value::Array(items) | Value::Set(items) | Value::Push { data: items, .. } => {
            let _ = write!(out, "*{}\r\n", items.len());
            for item in items {
                write_resp(out, item);
            }
        }
        Value::Map(pairs) => {
            let _ = write!(out, "*{}\r\n", pairs.len() * 2);
            for (k, v) in pairs {
                write_resp(out, k);
                write_resp(out, v);
            }
        }
        Value::Attribute { data, .. } => return write_resp(out, data),
        Value::ServerError(e) => {
            write_resp_error(out, &server_error_text(e));
            return true;
        }
        other => match redis::from_redis_value_ref::<Vec<u8>>(other) {
            Ok(bytes) => write_resp_bulk(out, &bytes),
            Err(_) => out.extend_from_slice(b"$-1\r\n"),
        },
    }
    false
}

/// Writes `-message\r\n` (a line break in the message becomes a space).
pub(crate) fn write_resp_error(out: &mut Vec<u8>, message: &str) {
    write_resp_line(out, b'-', message);
}

fn write_resp_line(out: &mut Vec<u8>, kind: u8, text: &str) {
    out.push(kind);
    out.extend(
        text.bytes()
            .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

fn write_resp_bulk(out: &mut Vec<u8>, bytes: &[u8]) {
    let _ = write!(out, "${}\r\n", bytes.len());
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

fn write_value(out: &mut Vec<u8>, v: &Value, enc: Encoding, top: bool) {
    match v {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Boolean(b) => out.push(if *b { b'1' } else { b'0' }),
        Value::Okay => write_bytes(out, b"OK", enc, top),
        Value::SimpleString(s) => write_bytes(out, s.as_bytes(), enc, top),
        Value::BulkString(b) => write_bytes(out, b, enc, top),
        Value::VerbatimString { text, .. } => write_bytes(out, text.as_bytes(), enc, top),
        Value::Double(d) => write_bytes(out, d.to_string().as_bytes(), enc, top),
        Value::Array(items) | Value::Set(items) | Value::Push { data: items, .. } => {
            write_array(out, items.iter(), enc);
        }
        Value::Map(pairs) => write_array(out, pairs.iter().flat_map(|(k, v)| [k, v]), enc),
        Value::Attribute { data, .. } => write_value(out, data, enc, top),
        // An error inside an array (a Lua script can return one): its text, as a string.
        Value::ServerError(e) => write_bytes(out, server_error_text(e).as_bytes(), enc, top),
        // Big numbers (whose payload type depends on redis's features) and any future
        // variant: as a string when redis can read one out of it, else null.
        other => match redis::from_redis_value_ref::<Vec<u8>>(other) {
            Ok(bytes) => write_bytes(out, &bytes, enc, top),
            Err(_) => out.extend_from_slice(b"null"),
        },
    }
}

fn write_array<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a Value>, enc: Encoding) {
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_value(out, item, enc, false);
    }
    out.push(b']');
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8], enc: Encoding, top: bool) {
    match enc {
        Encoding::Base64 if !(top && bytes == b"OK") => {
            out.push(b'"');
            let start = out.len();
            out.resize(
                start + base64::encoded_len(bytes.len(), true).unwrap_or(0),
                0,
            );
            let written = STANDARD.encode_slice(bytes, &mut out[start..]).unwrap_or(0);
            out.truncate(start + written);
            out.push(b'"');
        }
        _ => write_str(out, &String::from_utf8_lossy(bytes)),
    }
}

/// A JSON string literal.
fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(v: &Value, enc: Encoding) -> String {
        let mut out = Vec::new();
        write_reply(&mut out, v, enc);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_json() {
        assert_eq!(reply(&Value::Okay, Encoding::Utf8), r#"{"result":"OK"}"#);
        assert_eq!(reply(&Value::Nil, Encoding::Utf8), r#"{"result":null}"#);
        assert_eq!(reply(&Value::Int(-7), Encoding::Utf8), r#"{"result":-7}"#);
        let v = Value::Array(vec![
            Value::BulkString(b"a\"\n\x01".to_vec()),
            Value::Nil,
            Value::BulkString(b"\xff".to_vec()),
        ]);
        assert_eq!(
            reply(&v, Encoding::Utf8),
            "{\"result\":[\"a\\\"\\n\\u0001\",null,\"\u{fffd}\"]}"
        );
    }

    #[test]
    fn base64_everything_but_top_level_ok() {
        assert_eq!(reply(&Value::Okay, Encoding::Base64), r#"{"result":"OK"}"#);
        assert_eq!(
            reply(&Value::BulkString(b"bar".to_vec()), Encoding::Base64),
            r#"{"result":"YmFy"}"#
        );
        let v = Value::Array(vec![
            Value::Okay,
            Value::Int(1),
            Value::BulkString(vec![0xff, 0]),
        ]);
        assert_eq!(
            reply(&v, Encoding::Base64),
            r#"{"result":["T0s=",1,"/wA="]}"#
        );
        assert_eq!(
            reply(&Value::SimpleString("PONG".into()), Encoding::Base64),
            r#"{"result":"UE9ORw=="}"#
        );
    }

    fn resp(v: &Value) -> (String, bool) {
        let mut out = Vec::new();
        let error = write_resp(&mut out, v);
        (String::from_utf8(out).unwrap(), error)
    }

    #[test]
    fn resp2_bytes() {
        assert_eq!(resp(&Value::Okay), ("+OK\r\n".into(), false));
        assert_eq!(resp(&Value::Nil), ("$-1\r\n".into(), false));
        assert_eq!(resp(&Value::Int(-3)).0, ":-3\r\n");
        let v = Value::Array(vec![
            Value::BulkString(b"a\r\nb".to_vec()),
            Value::SimpleString("PONG".into()),
            Value::Array(vec![]),
            Value::Map(vec![(Value::BulkString(b"f".to_vec()), Value::Double(1.5))]),
        ]);
        assert_eq!(
            resp(&v).0,
            "*4\r\n$4\r\na\r\nb\r\n+PONG\r\n*0\r\n*2\r\n$1\r\nf\r\n$3\r\n1.5\r\n"
        );
        // Redis's own bytes read and written back are the same bytes.
        for bytes in [
            &b"-ERR unknown command 'x'\r\n"[..],
            b"-NOSCRIPT No matching script. Please use EVAL.\r\n",
            b"*3\r\n:1\r\n$-1\r\n*1\r\n$0\r\n\r\n",
        ] {
            let v = redis::parse_redis_value(bytes).unwrap();
            let (text, error) = resp(&v);
            assert_eq!(text.as_bytes(), bytes);
            assert_eq!(error, bytes[0] == b'-');
        }
        let mut out = Vec::new();
        write_resp_error(&mut out, "ERR a\r\nb");
        assert_eq!(out, b"-ERR a  b\r\n");
    }

    #[test]
    fn resp3_shapes_fall_back_to_resp2_forms() {
        let v = Value::Map(vec![(Value::BulkString(b"f".to_vec()), Value::Int(1))]);
        assert_eq!(reply(&v, Encoding::Utf8), r#"{"result":["f",1]}"#);
        assert_eq!(
            reply(&Value::Double(1.5), Encoding::Utf8),
            r#"{"result":"1.5"}"#
        );
        assert_eq!(
            reply(&Value::Boolean(true), Encoding::Utf8),
            r#"{"result":1}"#
        );
    }
}
