//! Tokens: where a request carries one, and what it grants.

use subtle::ConstantTimeEq;

/// What a request may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Any command `serve` offers.
    Full,
    /// Only commands Redis does not flag as writes or administration.
    ReadOnly,
}

/// The configured tokens.
pub(crate) struct Auth {
    token: Option<Vec<u8>>,
    readonly: Option<Vec<u8>>,
}

impl Auth {
    pub(crate) fn new(token: Option<&str>, readonly: Option<&str>) -> Self {
        Self {
            token: token.map(|t| t.as_bytes().to_vec()),
            readonly: readonly.map(|t| t.as_bytes().to_vec()),
        }
    }

    /// The role the presented token grants, or `None` for 401. Without a configured token
    /// (loopback only) every request has full access.
    pub(crate) fn check(&self, presented: Option<&[u8]>) -> Option<Role> {
        let Some(full) = &self.token else {
            return Some(Role::Full);
        };
        let presented = presented?;
        // Both comparisons always run, each in constant time for equal lengths, so the
        // timing tells nothing about which token (or how much of one) matched.
        let is_full = constant_time_eq(presented, full);
        let is_readonly = self
            .readonly
            .as_deref()
            .is_some_and(|r| constant_time_eq(presented, r));
        if is_full {
            Some(Role::Full)
        } else if is_readonly {
            Some(Role::ReadOnly)
        } else {
            None
        }
    }
}

/// A fresh full-access token: 192 bits from the OS (`/dev/urandom`), URL-safe base64 after
/// an `AX` prefix (the shape of Upstash's full-access tokens), so it can go into a query
/// string or an env file unquoted.
pub(crate) fn random_token() -> std::io::Result<String> {
    use base64::Engine as _;
    use std::io::Read as _;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(format!(
        "AX{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// The token of a request: `Authorization: Bearer <token>` first, then `?_token=`.
pub(crate) fn presented<'a>(
    authorization: Option<&'a [u8]>,
    query_token: Option<&'a [u8]>,
) -> Option<&'a [u8]> {
    authorization.and_then(bearer).or(query_token)
}

fn bearer(value: &[u8]) -> Option<&[u8]> {
    let value = value.trim_ascii();
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"bearer") || !rest.first().is_some_and(u8::is_ascii_whitespace)
    {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_trimmed() {
        assert_eq!(bearer(b"Bearer AXtok"), Some(&b"AXtok"[..]));
        assert_eq!(bearer(b"bearer   AXtok "), Some(&b"AXtok"[..]));
        assert_eq!(bearer(b"Basic AXtok"), None);
        assert_eq!(bearer(b"BearerAXtok"), None);
        assert_eq!(bearer(b"Bearer "), None);
    }

    #[test]
    fn roles() {
        let auth = Auth::new(Some("AXfull"), Some("AXread"));
        assert_eq!(auth.check(Some(b"AXfull")), Some(Role::Full));
        assert_eq!(auth.check(Some(b"AXread")), Some(Role::ReadOnly));
        assert_eq!(auth.check(Some(b"AXful")), None);
        assert_eq!(auth.check(None), None);
        assert_eq!(Auth::new(None, None).check(None), Some(Role::Full));
    }

    #[test]
    fn random_tokens_are_long_url_safe_and_differ() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 34);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{a}"
        );
    }

    #[test]
    fn header_wins_over_query() {
        assert_eq!(presented(Some(b"Bearer a"), Some(b"b")), Some(&b"a"[..]));
        assert_eq!(presented(Some(b"Basic a"), Some(b"b")), Some(&b"b"[..]));
        assert_eq!(presented(None, None), None);
    }
}
