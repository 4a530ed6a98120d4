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
pub(crate) const MIN_SCRUB_LEN: usize = 6;

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

/// How much of each secret the automaton searches for. Building it is quadratic in the length
/// of a periodic pattern (a token made of 100,000 copies of `${A}` with `A=AXsecret0123` is a
/// 1.2 MB secret): so it finds the first `PREFIX_LEN` bytes, and the whole secret is then
/// compared where such a prefix stands.
const PREFIX_LEN: usize = 64;

/// Words never remembered as weak secrets: Upstash's user names and words upwire's own
/// messages are made of. A password that is one of them is still masked where it stands.
const NOT_WEAK: &[&str] = &[
    "default",
    "default_ro",
    "redis",
    "rediss",
    "http",
    "https",
    "localhost",
    "password",
    "pass",
    "token",
    "secret",
    "upstash",
];

/// How long a weak secret may be: a longer one is distinctive unless it is a number or a
/// lower-case word, and such a secret that long is no password anyone types.
const MAX_WEAK_LEN: usize = 256;

#[derive(Default)]
struct Registry {
    /// Secrets too short or too common to search for in all output (`pw12`, `83749201`): a
    /// password slot or credential field of any length. [`scrub_message`] masks them where
    /// they stand as a whole word in a parser's or clap's error text, which quotes input
    /// without knowing where the secrets are.
    weak: HashSet<String>,
    /// The automaton over `weak`, and how many weak secrets it was built from.
    weak_matcher: Option<(AhoCorasick, usize)>,
    secrets: Vec<String>,
    /// The same, for a constant-time "already known?" (an env file may hold 100,000 tokens).
    known: HashSet<String>,
    /// An automaton over `secrets[..built]`, built on demand, and one over
    /// `secrets[built..recent_built]`, those remembered since. A process that keeps learning
    /// secrets (a test binary, a long `check`) must neither rebuild the first on every scrub
    /// (it is rebuilt when the others are half as many) nor search the others one by one (the
    /// second is rebuilt every 64): past `recent_built`, at most 64 are searched one by one.
    matcher: Option<Matcher>,
    built: usize,
    recent: Option<Matcher>,
    recent_built: usize,
}

/// The automaton over the secrets' prefixes, and for each of its patterns the secrets that
/// start with it, longest first.
struct Matcher {
    automaton: AhoCorasick,
    secrets: Vec<Vec<usize>>,
}

impl Matcher {
    fn build(all: &[String]) -> Option<Matcher> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut secrets: Vec<Vec<usize>> = Vec::new();
        for (i, s) in all.iter().enumerate() {
            let prefix = prefix_of(s);
            let p = *index.entry(prefix).or_insert_with(|| {
                patterns.push(prefix);
                secrets.push(Vec::new());
                patterns.len() - 1
            });
            secrets[p].push(i);
        }
        for list in &mut secrets {
            list.sort_by_key(|&i| std::cmp::Reverse(all[i].len()));
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some(Matcher { automaton, secrets })
    }

    /// The byte ranges of `text` to mask: each secret found whole, or a secret's prefix where
    /// the rest differs (that much of a secret is never shown either).
    fn ranges(&self, text: &str, all: &[String]) -> Vec<std::ops::Range<usize>> {
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for m in self.automaton.find_iter(text) {
            let end = self.secrets[m.pattern().as_usize()]
                .iter()
                .map(|&i| all[i].as_str())
                .find(|s| text[m.start()..].starts_with(s))
                .map_or(m.end(), |s| m.start() + s.len());
            match out.last_mut() {
                // Inside a secret already masked (a long secret's prefix repeats in it).
                Some(last) if m.start() < last.end => last.end = last.end.max(end),
                _ => out.push(m.start()..end),
            }
        }
        out
    }
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn lock() -> MutexGuard<'static, Option<Registry>> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Remembers `secret` (and its percent-decoded form, which servers and messages may show
/// instead) so that [`scrub`] masks it in all output from now on.
pub(crate) fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.is_empty() {
        return;
    }
    let mut guard = lock();
    let reg = guard.get_or_insert_with(Registry::default);
    if !distinctive(secret) {
        remember_weak(reg, secret);
        return;
    }
    if reg.known.contains(secret) {
        return;
    }
    let decoded = percent_decoded(secret);
    // Without base64 padding too: a word found by shape keeps its `=`, a key quoted in a
    // message (`AXYM...` of `AXYM...=1`) does not.
    let unpadded = Some(secret.trim_end_matches('='))
        .filter(|u| u.len() < secret.len())
        .map(str::to_owned);
    for s in std::iter::once(secret.to_owned())
        .chain(decoded)
        .chain(unpadded)
    {
        if distinctive(&s) && reg.known.insert(s.clone()) {
            reg.secrets.push(s);
        }
    }
}

/// Remembers a secret that is not distinctive, and its parts between `:`, `@` and `/` (all
/// after the scheme of `rediss://default:83749201` is one secret; a message quotes the
/// "port" alone).
fn remember_weak(reg: &mut Registry, secret: &str) {
    if secret.len() > MAX_WEAK_LEN {
        return;
    }
    for part in std::iter::once(secret).chain(secret.split([':', '@', '/'])) {
        let part = part.trim();
        let common = NOT_WEAK.iter().any(|w| w.eq_ignore_ascii_case(part));
        let placeholder = super::find_placeholder(part) == Some(0..part.len());
        // One or two characters (`1`, `pw`), or up to three digits (a line number, `443`),
        // would mask ordinary text in every message: masked where they stand only.
        let min = if part.bytes().all(|b| b.is_ascii_digit()) {
            4
        } else {
            3
        };
        if part.chars().count() >= min
            && part.chars().any(char::is_alphanumeric)
            && !common
            && !placeholder
            && !reg.weak.contains(part)
        {
            reg.weak.insert(part.to_owned());
        }
    }
}

/// A parser's or clap's error text (serde, toml, serde_json, clap), which quotes input
/// without knowing which part of it is secret: [`scrub`], then every quoted part
/// (`` `...` ``, `"..."`, `'...'`) classified by shape (a URL's password of any length, a
/// token-shaped word), then every weak secret (a short password, a numeric token) where it
/// stands as a whole word.
#[must_use]
pub(crate) fn scrub_message(text: &str) -> String {
    let text = scrub(text).into_owned();
    let quoted = mask_quoted_parts(&text);
    let mut guard = lock();
    let Some(reg) = guard.as_mut() else {
        return quoted;
    };
    if reg.weak.is_empty() {
        return quoted;
    }
    if reg
        .weak_matcher
        .as_ref()
        .is_none_or(|(_, n)| *n != reg.weak.len())
    {
        let mut patterns: Vec<&String> = reg.weak.iter().collect();
        patterns.sort();
        reg.weak_matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .ok()
            .map(|a| (a, reg.weak.len()));
    }
    let Some((automaton, _)) = &reg.weak_matcher else {
        return quoted;
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let ranges: Vec<std::ops::Range<usize>> = automaton
        .find_overlapping_iter(&quoted)
        .filter(|m| {
            !word(quoted[..m.start()].chars().next_back())
                && !word(quoted[m.end()..].chars().next())
        })
        .map(|m| m.range())
        .collect();
    super::classify::mask_ranges(&quoted, &super::classify::merge_ranges(ranges))
}

/// Every part of `text` between two equal quotes (`` ` ``, `"`, `'`) with what may be secret
/// in it masked: parsers quote the offending input (`invalid type: string "redis://..."`).
fn mask_quoted_parts(text: &str) -> String {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find(['`', '"', '\'']).map(|i| from + i) {
        let q = &text[open..=open];
        let Some(len) = text[open + 1..].find(q) else {
            break;
        };
        let inner = open + 1..open + 1 + len;
        // A file path is not classified by shape, as on the command line: a temporary
        // directory (`/tmp/.tmpAb12Cd/p/api/.env`) would otherwise read as a token.
        let part = &text[inner.clone()];
        let path = part.contains(['/', '\\']) && !part.contains("://") && !part.contains('@');
        if path {
            from = inner.end + 1;
            continue;
        }
        ranges.extend(
            super::classify::sensitive_ranges(&text[inner.clone()], super::classify::Hint::Plain)
                .into_iter()
                .map(|r| r.start + inner.start..r.end + inner.start),
        );
        from = inner.end + 1;
    }
    super::classify::mask_ranges(text, &ranges)
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
    const LINEAR: usize = 64;
    let total = reg.secrets.len();
    if reg.matcher.is_none() || total - reg.built > LINEAR.max(reg.built / 2) {
        reg.matcher = Matcher::build(&reg.secrets);
        reg.built = if reg.matcher.is_some() { total } else { 0 };
        reg.recent = None;
        reg.recent_built = reg.built;
    } else if total - reg.recent_built > LINEAR {
        reg.recent = Matcher::build(&reg.secrets[reg.built..]);
        reg.recent_built = if reg.recent.is_some() {
            total
        } else {
            reg.built
        };
    }
    let mut out = Cow::Borrowed(text);
    for (m, all) in [
        (&reg.matcher, &reg.secrets[..]),
        (&reg.recent, &reg.secrets[reg.built..]),
    ] {
        if let Some(m) = m
            && m.automaton.is_match(out.as_ref())
        {
            out = Cow::Owned(super::classify::mask_ranges(&out, &m.ranges(&out, all)));
        }
    }
    // The ones remembered since the automatons were built (all of them if they could not
    // be), found the same way: by their prefix, masked whole where the rest follows.
    for s in &reg.secrets[reg.recent_built..] {
        let prefix = prefix_of(s);
        if !out.contains(prefix) {
            continue;
        }
        let ranges: Vec<std::ops::Range<usize>> = out
            .match_indices(prefix)
            .map(|(at, _)| {
                at..if out[at..].starts_with(s.as_str()) {
                    at + s.len()
                } else {
                    at + prefix.len()
                }
            })
            .collect();
        out = Cow::Owned(super::classify::mask_ranges(
            &out,
            &super::classify::merge_ranges(ranges),
        ));
    }
    out
}

/// The first [`PREFIX_LEN`] bytes of a secret (less, to end on a character boundary).
fn prefix_of(s: &str) -> &str {
    let mut end = s.len().min(PREFIX_LEN);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// [`scrub`] for bytes that may not be UTF-8 (a file's contents): invalid bytes are kept.
#[must_use]
pub(crate) fn scrub_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
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
    fn secrets_learned_after_many_are_masked_through_every_tier() {
        // Many, then fewer than half as many one by one with a scrub between (the second
        // automaton, rebuilt every 64), then a few (searched one by one): each is masked
        // wherever it was learned.
        let secret = |tier: &str, i: usize| format!("TierSecret-{tier}-{i:05}-x9Q");
        for i in 0..2_000 {
            remember(&secret("main", i));
        }
        assert_eq!(scrub(&secret("main", 7)), "****");
        for i in 0..300 {
            remember(&secret("recent", i));
            assert_eq!(scrub(&secret("recent", i)), "****");
        }
        remember(&secret("tail", 1));
        let text = format!(
            "{} {} {} {}",
            secret("main", 1999),
            secret("recent", 0),
            secret("recent", 299),
            secret("tail", 1)
        );
        assert_eq!(scrub(&text), "**** **** **** ****");
    }

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

    /// A parser's text quotes input it cannot know is secret: a URL's password of any length
    /// in a quoted string, and any weak secret (short, numeric) standing as a whole word.
    #[test]
    fn parser_messages_are_masked_by_shape_and_by_weak_secrets() {
        remember("83749201");
        remember("pw12");
        remember("default");
        assert_eq!(
            scrub_message(r#"invalid type: string "redis://default:xy@h:6379", expected struct"#),
            r#"invalid type: string "redis://default:****@h:6379", expected struct"#
        );
        assert_eq!(
            scrub_message("the port `83749201` is out of range, 837492011 is not"),
            "the port `****` is out of range, 837492011 is not"
        );
        assert_eq!(scrub_message("`pw12`, pw123"), "`****`, pw123");
        assert_eq!(scrub_message("user `default`"), "user `default`");
        remember("1");
        remember("pw");
        assert_eq!(scrub_message("line 1: pw"), "line 1: pw");
        // A path is no token, whatever its directory names look like.
        assert_eq!(
            scrub_message("cannot write `/tmp/.tmpAb12Cd/p/api/.env`"),
            "cannot write `/tmp/.tmpAb12Cd/p/api/.env`"
        );
        // Weak secrets are not searched for in all output, only in parsers' messages.
        assert_eq!(scrub("port 83749201"), "port 83749201");
    }

    #[test]
    fn padding_does_not_hide_a_token() {
        remember("AXpaddedCanary77Zz==");
        assert_eq!(scrub("`AXpaddedCanary77Zz` is set"), "`****` is set");
    }

    #[test]
    fn long_secrets_are_masked_whole_and_their_prefix_alone_too() {
        let long = "AXlongsecret0123".repeat(100);
        remember(&long);
        assert_eq!(scrub(&format!("a {long} b")), "a **** b");
        let prefix = &long[..PREFIX_LEN];
        assert_eq!(scrub(&format!("a {prefix}zz b")), "a ****zz b");
        // Two different secrets side by side stay two masks, as before.
        remember("Adjacent-One-1");
        remember("Adjacent-Two-2");
        assert_eq!(scrub("Adjacent-One-1Adjacent-Two-2"), "********");
    }
}
