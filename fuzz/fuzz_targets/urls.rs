//! The URL and token validators and the masking helpers over arbitrary text. Nothing may
//! panic; every range must be a valid slice of the value; no message or help may contain the
//! password the masking code itself finds in the value. Each input runs again with non-ASCII
//! whitespace in every position (`whitespace.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use upwire::internal::parse::{Finding, validate_redis_url, validate_rest_url, validate_token};
use upwire::internal::secret::{find_placeholder, mask_url, url_password_range, url_secret_ranges};

fn check_ranges(value: &str, findings: &[Finding]) {
    for f in findings {
        if let Some(r) = &f.range {
            assert!(
                value.get(r.clone()).is_some(),
                "{value:?}: range {r:?} of {} is not a slice",
                f.code.name()
            );
        }
    }
}

#[path = "whitespace.rs"]
mod whitespace;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    check(value);
    for variant in whitespace::variants(value) {
        check(&variant);
    }
});

fn check(value: &str) {
    let (_, tcp) = validate_redis_url(value);
    let (_, rest) = validate_rest_url(value);
    let token = validate_token(value);
    check_ranges(value, &tcp);
    check_ranges(value, &rest);
    check_ranges(value, &token);

    let masked = mask_url(value);
    for r in url_secret_ranges(value) {
        assert!(
            value.get(r.clone()).is_some(),
            "{value:?}: secret range {r:?}"
        );
    }
    if let Some(r) = find_placeholder(value) {
        assert!(
            value.get(r.clone()).is_some(),
            "{value:?}: placeholder {r:?}"
        );
    }
    // A password that the mask removes must not come back through a message or a help text.
    // Only passwords shaped like real ones (6+ characters with a digit, an upper- and a
    // lower-case letter, as Upstash's are) are checked: shorter or plainer ones occur in the
    // fixed text of messages (`default`, `6379`) by chance. Text that the same checks print
    // for the masked URL is boilerplate, not a leak.
    if let Some(r) = url_password_range(value) {
        let password = &value[r];
        let realistic = password.len() >= 6
            && password.chars().any(|c| c.is_ascii_digit())
            && password.chars().any(|c| c.is_ascii_uppercase())
            && password.chars().any(|c| c.is_ascii_lowercase());
        if realistic && !masked.contains(password) {
            let shown = |v: &str| {
                let (_, tcp) = validate_redis_url(v);
                let (_, rest) = validate_rest_url(v);
                tcp.iter()
                    .chain(&rest)
                    .map(|f| format!("{}\n{}\n", f.message, f.help.as_deref().unwrap_or("")))
                    .collect::<String>()
            };
            let text = shown(value);
            if text.contains(password) {
                assert!(
                    shown(&masked).contains(password),
                    "{value:?}: the findings reveal the password {password:?}:\n{text}"
                );
            }
        }
    }
}
