//! Tokens: where a request carries one, and what it grants.

use subtle::{ConditionallySelectable as _, ConstantTimeEq};

use super::tokens::TokenSpec;
use crate::model::Access;

/// The configured tokens, each with its access and backend.
pub(crate) struct Auth {
    /// Empty: `--no-auth`.
    tokens: Vec<(Vec<u8>, Access, usize)>,
}

impl Auth {
    pub(crate) fn new(tokens: &[TokenSpec]) -> Self {
        Self {
            tokens: tokens
                .iter()
                .map(|t| {
                    (
                        t.token.expose_secret().as_bytes().to_vec(),
                        t.access,
                        t.backend,
                    )
                })
                .collect(),
        }
    }

    /// The access the presented token grants and the backend it is for, or `None` for 401.
    /// Without a configured token (loopback only) every request has full access to the first
    /// backend.
    pub(crate) fn check(&self, presented: Option<&[u8]>) -> Option<(Access, usize)> {
        if self.tokens.is_empty() {
            return Some((Access::ReadWrite, 0));
        }
        let presented = presented?;
        // Every comparison always runs, each in constant time for equal lengths, and the
        // match is picked without a branch, so the timing tells nothing about which token
        // (or how much of one) matched.
        let mut found = u32::MAX;
        for (i, (token, _, _)) in self.tokens.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            found.conditional_assign(&index, presented.ct_eq(token));
        }
        let (_, access, backend) = self.tokens.get(usize::try_from(found).ok()?)?;
        Some((*access, *backend))
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
    fn roles_and_backends() {
        use crate::secret::Secret;
        let spec = |t: &str, access, backend| TokenSpec {
            token: Secret::new(t),
            access,
            backend,
        };
        let auth = Auth::new(&[
            spec("AXfull", Access::ReadWrite, 0),
            spec("AXread", Access::ReadOnly, 0),
            spec("AXother", Access::ReadWrite, 1),
        ]);
        assert_eq!(auth.check(Some(b"AXfull")), Some((Access::ReadWrite, 0)));
        assert_eq!(auth.check(Some(b"AXread")), Some((Access::ReadOnly, 0)));
        assert_eq!(auth.check(Some(b"AXother")), Some((Access::ReadWrite, 1)));
        assert_eq!(auth.check(Some(b"AXful")), None);
        assert_eq!(auth.check(None), None);
        assert_eq!(Auth::new(&[]).check(None), Some((Access::ReadWrite, 0)));
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
