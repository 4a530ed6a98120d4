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
                .help("put the URL into UPSTASH_REDIS_REST_URL / rest_url and the token here"),
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
        ] {
            assert!(codes(&validate_token(value)).contains(&code), "{value:?}");
        }
    }
}
