//! Types that hold secrets and cannot print them.
//!
//! [`Secret`] holds a whole credential (a password, a token, a full `REDIS_URL`); its
//! `Display`, `Debug` and `Serialize` all give `****`. [`Sensitive`] holds a value with the
//! byte ranges that may be secret (a URL whose password is secret but whose host is not);
//! it displays with those ranges masked. The raw text comes out only through
//! `expose_secret()`, the one call to grep for where a secret leaves upwire: a connection, a
//! written secret file, `resolve --show-secrets`.

use std::fmt;
use std::ops::Range;

use serde::{Serialize, Serializer};

use super::classify::{Hint, mask_ranges, sensitive_ranges};
use super::{MASK, registry};

/// A credential as a whole. Prints as `****` (empty when it is empty).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and remembers it, so that it is masked in all output.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        registry::remember(&value);
        Secret(value)
    }

    /// The raw secret. Call only where the secret must leave upwire: a login, a connection,
    /// a secret file, `--show-secrets`.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "" } else { MASK })
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// The last short values classified, and their ranges: a descriptor repeats the same few
/// values in every target (`kind = "server"`, each target's copy of its database's URL and
/// token), and 10,000 targets would classify them 60,000 times. Classifying is a pure
/// function of the text and the hint, and the secrets it finds are remembered on the first
/// call, so a repeat is answered from here.
mod recent {
    use std::cell::RefCell;
    use std::ops::Range;

    use super::Hint;

    /// Values longer than this are classified each time (comparing them costs as much).
    const MAX_LEN: usize = 256;
    /// How many values are kept, the oldest replaced first.
    const SLOTS: usize = 32;

    type Entry = (Hint, String, Vec<Range<usize>>);

    thread_local! {
        static RECENT: RefCell<(Vec<Entry>, usize)> = const { RefCell::new((Vec::new(), 0)) };
    }

    pub(super) fn get(text: &str, hint: Hint) -> Option<Vec<Range<usize>>> {
        if text.len() > MAX_LEN {
            return None;
        }
        RECENT.with_borrow(|(entries, _)| {
            entries
                .iter()
                .find(|(h, t, _)| *h == hint && t == text)
                .map(|(_, _, ranges)| ranges.clone())
        })
    }

    pub(super) fn put(text: &str, hint: Hint, ranges: &[Range<usize>]) {
        if text.len() > MAX_LEN {
            return;
        }
        RECENT.with_borrow_mut(|(entries, next)| {
            let entry = (hint, text.to_owned(), ranges.to_vec());
            if entries.len() < SLOTS {
                entries.push(entry);
            } else {
                entries[*next] = entry;
                *next = (*next + 1) % SLOTS;
            }
        });
    }
}

/// A value whose possibly secret byte ranges were decided when it was read.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Sensitive {
    text: String,
    secrets: Vec<Range<usize>>,
}

impl Sensitive {
    /// Classifies `text` (see [`sensitive_ranges`]) and remembers its secrets.
    #[must_use]
    pub fn classify(text: impl Into<String>, hint: Hint) -> Self {
        let text = text.into();
        if let Some(secrets) = recent::get(&text, hint) {
            // Classified before, so its secrets are remembered already.
            return Sensitive { text, secrets };
        }
        let secrets = sensitive_ranges(&text, hint);
        recent::put(&text, hint, &secrets);
        for r in &secrets {
            let secret = &text[r.clone()];
            registry::remember(secret);
            // And each token-shaped word in it on its own: a message may show the secret
            // without the text around it.
            for word in secret.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=_-".contains(c)))
            {
                if super::classify::token_shaped(word) {
                    registry::remember(word);
                }
            }
        }
        Sensitive { text, secrets }
    }

    /// The raw value, secrets included. Call only where the value must leave upwire.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.text
    }

    /// The ranges of the value that are secret.
    #[must_use]
    pub fn secret_ranges(&self) -> &[Range<usize>] {
        &self.secrets
    }

    /// Whether any part of the value is secret.
    #[must_use]
    pub fn has_secret(&self) -> bool {
        !self.secrets.is_empty()
    }

    /// The value with its secrets masked.
    #[must_use]
    pub fn masked(&self) -> String {
        mask_ranges(&self.text, &self.secrets)
    }

    /// A part of the value for a message: its secret bytes masked.
    #[must_use]
    pub fn quote(&self, range: Range<usize>) -> String {
        let range = range.start.min(self.text.len())..range.end.min(self.text.len());
        let inner: Vec<Range<usize>> = self
            .secrets
            .iter()
            .filter(|s| s.start < range.end && s.end > range.start)
            .map(|s| s.start.max(range.start) - range.start..s.end.min(range.end) - range.start)
            .collect();
        match self.text.get(range) {
            Some(part) => mask_ranges(part, &inner),
            None => MASK.to_owned(),
        }
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive({:?})", self.masked())
    }
}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_way_to_print_a_secret_by_accident() {
        let s = Secret::new("AXvalueCanary1234");
        assert_eq!(format!("{s} {s:?}"), "**** Secret(****)");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"****\"");
        assert_eq!(s.expose_secret(), "AXvalueCanary1234");
        let v = Sensitive::classify("rediss://default:Pw-7788@h:6379", Hint::Url);
        assert_eq!(v.to_string(), "rediss://default:****@h:6379");
        assert!(!format!("{v:?}").contains("Pw-7788"));
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            "\"rediss://default:****@h:6379\""
        );
        assert_eq!(v.quote(9..26), "default:****@h");
    }
}
