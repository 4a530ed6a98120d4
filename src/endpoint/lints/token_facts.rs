//! `token-database-mismatch` and `readonly-token-is-full`: what a REST token appears to say
//! about itself ([`crate::parse::token_facts`]: its kind and its database's number), compared
//! with the URLs and the other token beside it. The format is not documented by Upstash, so
//! these are warnings worded "appears to".

use std::collections::BTreeSet;

use super::Lint;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::{Endpoint, Role};
use crate::parse::token_facts;

/// Compares each token with the hosts and the other token of its group.
pub(super) struct TokenFacts;

impl Lint for TokenFacts {
    fn run(&self, endpoints: &[Endpoint], source: &SourceFile, out: &mut Vec<Diagnostic>) {
        let real = |e: &&Endpoint| {
            !e.value.is_empty() && crate::secret::find_placeholder(&e.value).is_none()
        };
        let numbers_of = |group: Option<&str>| -> BTreeSet<(u16, &str)> {
            endpoints
                .iter()
                .filter(|e| group.is_none_or(|g| e.group == g))
                .filter_map(|e| e.host())
                .filter_map(|host| Some((database_number(host)?, host)))
                .collect()
        };
        let file_numbers = numbers_of(None);
        for e in endpoints.iter().filter(real) {
            if !matches!(e.role, Role::Token | Role::ReadonlyToken) {
                continue;
            }
            let Some(facts) = token_facts(&e.value) else {
                continue;
            };
            let group_numbers = numbers_of(Some(&e.group));
            let numbers = if group_numbers.is_empty() {
                &file_numbers
            } else {
                &group_numbers
            };
            if let Some((number, host)) = numbers.first()
                && !numbers.iter().any(|(n, _)| *n == facts.database)
            {
                out.push(
                    Diagnostic::new(
                        Code::TokenDatabaseMismatch,
                        format!(
                            "{}{} appears to belong to another database (number {}) than `{host}` ({number})",
                            e.group_label, e.label, facts.database
                        ),
                    )
                    .at(source, e.span.clone())
                    .help("copy the URL and the token from the same database page in the Upstash console (a token's second and third bytes appear to hold the number at the end of its host name; Upstash does not document it)"),
                );
            }
        }
        // A read-only token equal to the standard token of its group, or whose first byte
        // says standard (under a public prefix too: the bytes alone never make an error).
        for e in endpoints.iter().filter(real) {
            if e.role != Role::ReadonlyToken {
                continue;
            }
            // A token under a public prefix with the read-only one's value is that read-only
            // token under the name the client reads (`secret-public-prefix`), not a full one.
            let equal = endpoints.iter().any(|full| {
                full.role == Role::Token
                    && full.public_prefix.is_none()
                    && full.group == e.group
                    && full.value == e.value
            });
            let standard = token_facts(&e.value).is_some_and(|f| !f.read_only);
            if !equal && !standard {
                continue;
            }
            let message = if equal {
                format!(
                    "{}{} holds the same value as the full-access token",
                    e.group_label, e.label
                )
            } else {
                let shipped = if e.public_prefix.is_some() {
                    ", which ships in the client bundle"
                } else {
                    ""
                };
                format!(
                    "{}{} appears to hold the standard, full-access token{shipped}",
                    e.group_label, e.label
                )
            };
            out.push(
                Diagnostic::new(Code::ReadonlyTokenIsFull, message)
                    .at(source, e.span.clone())
                    .help("copy the read-only token from the REST API section of the database page; it is what goes into client bundles"),
            );
        }
    }
}

/// The number at the end of an Upstash host's first label (`eu1-tidy-cat-12345.upstash.io`
/// → 12345), when it has one that fits the token's two bytes.
fn database_number(host: &str) -> Option<u16> {
    if !crate::parse::is_upstash_host(host) {
        return None;
    }
    let label = host.split('.').next()?;
    let (_, digits) = label.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::token_of_bytes as token;

    /// The codes `lint` reports for an env file (the lints run on its endpoints).
    fn codes(text: &str) -> Vec<&'static str> {
        let (_, diags) = crate::lint::lint_env(SourceFile::new(".env", text.to_owned()));
        diags.iter().map(|d| d.code.name()).collect()
    }

    #[test]
    fn tokens_are_compared_with_the_host_and_the_other_token() {
        let url = "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n";
        let full = token(1, 12345, b"password-of-the-database-0123");
        let read_only = token(2, 12345, b"password-of-the-database-0123");
        let other = token(1, 22028, b"password-of-the-database-0123");
        let line = |name: &str, value: &str| format!("{name}={value}\n");
        // The pair of one database: nothing to say.
        let good = format!(
            "{url}{}{}",
            line("UPSTASH_REDIS_REST_TOKEN", &full),
            line("UPSTASH_REDIS_REST_READONLY_TOKEN", &read_only)
        );
        assert!(codes(&good).is_empty(), "{:?}", codes(&good));
        // Another database's token.
        let text = format!("{url}{}", line("UPSTASH_REDIS_REST_TOKEN", &other));
        assert_eq!(codes(&text), ["token-database-mismatch"]);
        // The same number behind the TCP URL only: compared with that host.
        let tcp = "REDIS_URL=rediss://default:pw0123456789@eu1-tidy-cat-22028.upstash.io:6379\n";
        let text = format!("{tcp}{}", line("UPSTASH_REDIS_REST_TOKEN", &other));
        assert!(codes(&text).is_empty(), "{:?}", codes(&text));
        // The read-only token equal to the full one, and a standard one named read-only.
        let text = format!(
            "{url}{}{}",
            line("UPSTASH_REDIS_REST_TOKEN", &full),
            line("UPSTASH_REDIS_REST_READONLY_TOKEN", &full)
        );
        assert_eq!(codes(&text), ["readonly-token-is-full"]);
        let text = format!("{url}{}", line("UPSTASH_REDIS_REST_READONLY_TOKEN", &full));
        assert_eq!(codes(&text), ["readonly-token-is-full"]);
        // An Expo app's read-only token also under the public token name the client reads
        // (what `generate` writes for a read-only target): one token, nothing to say.
        let expo = format!(
            "EXPO_PUBLIC_{url}{}{}",
            line("EXPO_PUBLIC_UPSTASH_REDIS_REST_READONLY_TOKEN", &read_only),
            line("EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN", &read_only)
        );
        assert!(
            !codes(&expo).contains(&"readonly-token-is-full"),
            "{:?}",
            codes(&expo)
        );
        // Under a public prefix, the bytes alone are still a warning, worded "appears to";
        // a public name that says standard is the error.
        let public = line("EXPO_PUBLIC_UPSTASH_REDIS_REST_READONLY_TOKEN", &full);
        assert_eq!(codes(&public), ["readonly-token-is-full"]);
        let (_, diags) = crate::lint::lint_env(SourceFile::new(".env", public));
        assert_eq!(diags[0].severity, crate::code::Severity::Warning);
        assert!(
            diags[0].message.contains("appears to"),
            "{}",
            diags[0].message
        );
        let named = line("EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN", "not-a-token-shape");
        assert_eq!(codes(&named), ["secret-public-prefix"]);
        // No host with a number, or a token of another shape: nothing is claimed.
        let text = line("UPSTASH_REDIS_REST_TOKEN", &other);
        assert!(codes(&text).is_empty(), "{:?}", codes(&text));
        let text = format!(
            "{url}{}",
            line("UPSTASH_REDIS_REST_TOKEN", "local-serve-token-0123456789")
        );
        assert!(codes(&text).is_empty(), "{:?}", codes(&text));
    }

    #[test]
    fn the_number_is_read_from_the_first_label() {
        assert_eq!(
            database_number("eu1-tidy-cat-12345.upstash.io"),
            Some(12345)
        );
        assert_eq!(
            database_number("equipped-owl-22028.upstash.io"),
            Some(22028)
        );
        assert_eq!(
            database_number("fly-late-waterfall-1133.upstash.io"),
            Some(1133)
        );
        assert_eq!(database_number("eu1-tidy-cat.upstash.io"), None);
        assert_eq!(
            database_number("cat-99999.upstash.io"),
            None,
            "past two bytes"
        );
        assert_eq!(database_number("redis-12345.example.com"), None);
    }
}
