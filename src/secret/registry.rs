//! The last line of defence: every secret found when a value was read is remembered here,
//! and every byte upwire prints (and every file meant to be committed) passes through
//! [`scrub`] on its way out. A message that quotes a secret by mistake prints `****`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use aho_corasick::{AhoCorasick, MatchKind};

/// Secrets shorter than this are masked where they stand (the quoted source line, the
/// value's own display, the findings about the value) but not searched for in all output: a
/// 3-byte password would turn every `abc` in a help text into `****`.
pub const MIN_SCRUB_LEN: usize = 6;

/// Whether a secret is distinctive enough to be searched for in all output. A short word
/// (`redis`, `password`, `localhost`) or a number would also match text that is no secret,
/// in messages and in generated files; those secrets are masked where they stand only.
fn distinctive(s: &str) -> bool {
    if s.len() < MIN_SCRUB_LEN {
        return false;
    }
    let wordlike = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_' || b == b'.');
    let number = s.bytes().all(|b| b.is_ascii_digit());
    !(number || (wordlike && s.len() < 12))
}

#[derive(Default)]
struct Registry {
    secrets: Vec<String>,
    /// The same, for a constant-time "already known?" (an env file may hold 100,000 tokens).
    known: HashSet<String>,
    /// An automaton over `secrets[..built]`, built on demand. Secrets remembered since are
    /// searched one by one until they are many enough to rebuild it: a process that keeps
    /// learning secrets (a test binary, a long `check`) must not rebuild it on every scrub.
    matcher: Option<AhoCorasick>,
    built: usize,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn lock() -> MutexGuard<'static, Option<Registry>> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Remembers `secret` (and its percent-decoded form, which servers and messages may show
/// instead) so that [`scrub`] masks it in all output from now on.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if !distinctive(secret) {
        return;
    }
    let mut guard = lock();
    let reg = guard.get_or_insert_with(Registry::default);
    if reg.known.contains(secret) {
        return;
    }
    let decoded = percent_decoded(secret);
    for s in std::iter::once(secret.to_owned()).chain(decoded) {
        if distinctive(&s) && reg.known.insert(s.clone()) {
            reg.secrets.push(s);
        }
    }
}

/// `text` with every remembered secret replaced by `****`.
#[must_use]
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut guard = lock();
    let Some(reg) = guard.as_mut() else {
        return Cow::Borrowed(text);
    };
    if reg.secrets.is_empty() {
        return Cow::Borrowed(text);
    }
    let pending = reg.secrets.len() - reg.built;
    if reg.matcher.is_none() || pending > 64.max(reg.built / 2) {
        reg.matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&reg.secrets)
            .ok();
        reg.built = if reg.matcher.is_some() {
            reg.secrets.len()
        } else {
            0
        };
    }
    let mut out = match &reg.matcher {
        Some(m) if m.is_match(text) => {
            Cow::Owned(m.replace_all(text, &vec![super::MASK; reg.built]))
        }
        _ => Cow::Borrowed(text),
    };
    // The ones remembered since the automaton was built (all of them if it could not be).
    for s in &reg.secrets[reg.built..] {
        if out.contains(s.as_str()) {
            out = Cow::Owned(out.replace(s.as_str(), super::MASK));
        }
    }
    out
}

/// [`scrub`] for bytes that may not be UTF-8 (a file's contents): invalid bytes are kept.
#[must_use]
pub fn scrub_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    match std::str::from_utf8(bytes) {
        Ok(text) => match scrub(text) {
            Cow::Borrowed(_) => Cow::Borrowed(bytes),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        },
        Err(_) => Cow::Borrowed(bytes),
    }
}

fn percent_decoded(s: &str) -> Option<String> {
    s.contains('%')
        .then(|| String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned())
}

/// `%XX` sequences decoded to bytes; a `%` not followed by two hex digits stays as it is.
pub(crate) fn percent_decode_bytes(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_secrets_are_masked_in_any_text() {
        remember("Scrub-Me-7f3a");
        remember("p%40ss-Scrub-99");
        remember("abc");
        remember("redis");
        remember("password");
        remember("6379");
        assert_eq!(scrub("redis password 6379"), "redis password 6379");
        assert_eq!(
            scrub("ERR invalid password Scrub-Me-7f3a for user"),
            "ERR invalid password **** for user"
        );
        assert_eq!(scrub("echo p@ss-Scrub-99"), "echo ****");
        assert_eq!(scrub("abc stays"), "abc stays");
        assert!(matches!(scrub("nothing here"), Cow::Borrowed(_)));
    }
}
