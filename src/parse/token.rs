//! `UPSTASH_REDIS_REST_TOKEN`: a REST token.

use super::value::{check_whitespace, placeholders};
use super::{Finding, redact};
use crate::code::Code;
use crate::secret::Hint;

/// Validates a REST token. `field` names the variable or field for messages.
#[must_use]
pub fn validate_token(value: &str) -> Vec<Finding> {
    redact(value, Hint::Credential, validate(value))
}

fn validate(value: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let inner = check_whitespace(value, &mut findings);
    let v = &value[inner.clone()];
    let off = inner.start;
    let placeholders = placeholders(v, off);
    if !placeholders.is_empty() {
        findings.extend(placeholders);
        return findings;
    }
    if v.is_empty() {
        findings.push(
            Finding::new(Code::TokenMissing, "the token is empty")
                .help("copy the token from the REST API section of the Upstash console"),
        );
        return findings;
    }
    if v.get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        findings.push(
            Finding::new(
                Code::TokenHasBearerPrefix,
                "the token starts with `Bearer `; clients add that prefix themselves",
            )
            .help("keep only the token: remove `Bearer ` from the value")
            .range(off..off + 7)
            .replace_with(""),
        );
        return findings;
    }
    if v.contains("://") {
        findings.push(
            Finding::new(Code::TokenIsUrl, "a URL was given where the token belongs")
                .help("put the URL into {var.rest_url} / rest_url and the token here"),
        );
        return findings;
    }
    // The TCP password is 32 hex digits; the REST token is longer base64 (Upstash docs,
    // https://upstash.com/docs/redis/troubleshooting/http_unauthorized).
    if v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        findings.push(
            Finding::new(
                Code::PasswordAsToken,
                "the token appears to be the TCP password (32 hex digits), which the REST API rejects with `WRONGPASS invalid or missing auth token`",
            )
            .help("copy the REST token ({var.rest_token}) from the REST API section of the database page; the password belongs in the TCP URL"),
        );
        return findings;
    }
    if let Some((i, c)) = v.char_indices().find(|(_, c)| c.is_whitespace()) {
        findings.push(
            Finding::new(Code::WhitespaceInValue, "the token contains whitespace")
                .help("tokens have no spaces: copy it again from the console")
                .range(off + i..off + i + c.len_utf8()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::parse::codes;

    #[test]
    fn token_checks() {
        assert!(validate_token("AXb3c2Fzc3dvcmQ").is_empty());
        for (value, code) in [
            ("Bearer AXb3c2", "token-has-bearer-prefix"),
            ("", "token-missing"),
            ("https://eu1-cat.upstash.io", "token-is-url"),
            ("AXb3 c2", "whitespace-in-value"),
            ("AXb3c2\n", "whitespace-in-value"),
            ("<TOKEN>", "placeholder-value"),
            ("0123456789abcdef0123456789ABCDEF", "password-as-token"),
        ] {
            assert!(codes(&validate_token(value)).contains(&code), "{value:?}");
        }
    }
}

/// What an Upstash REST token says about itself. Not documented by Upstash, and read from
/// public examples: a token is URL-safe base64 whose first byte is 1 for the standard token
/// and 2 for the read-only one, and whose next two bytes (big-endian) are the number at the
/// end of the database's host name (`equipped-owl-22028` → 22028). Findings built on it say
/// "appears to".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TokenFacts {
    /// Whether it appears to be the read-only token.
    pub read_only: bool,
    /// The database number it appears to belong to.
    pub database: u16,
}

/// The facts of `token` (`None` when it is not shaped like an Upstash token: too short, not
/// base64, or a first byte other than 1 or 2).
#[must_use]
pub(crate) fn token_facts(token: &str) -> Option<TokenFacts> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        }))
    }
    let token = token.trim();
    // Upstash tokens are long; a short word is not one, whatever its first letters.
    if token.len() < 20 || !token.bytes().all(|c| sextet(c).is_some() || c == b'=') {
        return None;
    }
    let bytes = token.as_bytes();
    let mut bits = 0u32;
    for &c in &bytes[..4] {
        bits = (bits << 6) | sextet(c)?;
    }
    let [_, kind, hi, lo] = bits.to_be_bytes();
    let read_only = match kind {
        1 => false,
        2 => true,
        _ => return None,
    };
    Some(TokenFacts {
        read_only,
        database: u16::from_be_bytes([hi, lo]),
    })
}

#[cfg(test)]
pub(crate) mod facts_tests {
    use super::*;

    /// Tokens built byte by byte: kind, then the database number, then anything.
    pub(crate) fn token(kind: u8, database: u16, rest: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bytes = vec![kind];
        bytes.extend(database.to_be_bytes());
        bytes.extend(rest);
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let mut b = [0u8; 3];
            b[..chunk.len()].copy_from_slice(chunk);
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn kind_and_database_are_read_from_the_first_three_bytes() {
        let standard = token(1, 22028, b"password-of-the-database-0123");
        let read_only = token(2, 22028, b"password-of-the-database-0123");
        assert_eq!(
            token_facts(&standard),
            Some(TokenFacts {
                read_only: false,
                database: 22028
            })
        );
        assert_eq!(
            token_facts(&read_only),
            Some(TokenFacts {
                read_only: true,
                database: 22028
            })
        );
        assert_eq!(
            token_facts(&token(2, 1, b"x-y-z-w-v-u-t-s-r-q-p"))
                .unwrap()
                .database,
            1
        );
        // The README's example tokens.
        assert!(
            !token_facts("AXJkYXRhYmFzZS1wYXNzd29yZC1leGFtcGxl")
                .unwrap()
                .read_only
        );
        assert!(
            token_facts("AoJkcmVhZC1vbmx5LXRva2VuLWV4YW1wbGU")
                .unwrap()
                .read_only
        );
    }

    #[test]
    fn other_shapes_say_nothing() {
        assert_eq!(token_facts(&token(3, 1, b"password-of-the-database")), None);
        assert_eq!(
            token_facts("0123456789abcdef0123456789abcdef"),
            None,
            "a 32-hex password"
        );
        assert_eq!(token_facts("AX"), None);
        assert_eq!(token_facts("AXJk YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl"), None);
    }
}
