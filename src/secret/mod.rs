//! Secrets by construction.
//!
//! - [`classify`] decides, once, where a value that upwire reads may hold a secret.
//! - [`value`] holds secrets in types that print `****` ([`Secret`], [`Sensitive`]); the raw
//!   text comes out only through `expose_secret()`.
//! - [`registry`] remembers every secret found, and [`scrub`] masks them in everything
//!   printed or committed: a message that quotes one by mistake still prints `****`.
//! - [`shapes`] finds, in every input file as it is read, the words shaped like a token and
//!   the URL passwords wherever they stand (a key, a comment, a line of their own).
//! - [`placeholder`] finds `<PASSWORD>` and friends, which are shown, never masked.

pub(crate) mod classify;
pub(crate) mod placeholder;
pub(crate) mod registry;
pub(crate) mod shapes;
pub(crate) mod toml;
pub(crate) mod value;

pub use classify::url_password_range;
pub(crate) use classify::{
    Hint, hint_for_name, is_known_user, mask_ranges, merge_ranges, sensitive_ranges,
    url_token_range,
};
pub use placeholder::find_placeholder;
pub use registry::scrub;
pub(crate) use registry::{remember, scrub_bytes, scrub_message};
pub(crate) use shapes::input_secrets;
pub(crate) use value::{Secret, Sensitive};

/// What a secret is replaced with in every output.
pub(crate) const MASK: &str = "****";

/// Every secret in a URL-like string, in order.
#[must_use]
pub fn url_secret_ranges(url: &str) -> Vec<std::ops::Range<usize>> {
    sensitive_ranges(url, Hint::Url)
}

/// The URL with everything that may be secret replaced by `****`: the password, credential
/// query values, the fragment, and all after the scheme when the URL cannot be split.
#[must_use]
pub fn mask_url(url: &str) -> String {
    mask_ranges(url, &sensitive_ranges(url, Hint::Url))
}

/// How a value must be masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A URL whose password is secret.
    Url,
    /// A token: secret as a whole.
    Token,
    /// Nothing secret known; masked where it looks like a secret all the same.
    Public,
}
