//! Secrets found by shape, whatever their position: every input file (descriptor, env file,
//! `.env.example`, tokens file) is scanned once, when it is read and before any message can
//! quote it, for words shaped like a token and for URL passwords. A token pasted as a key
//! (`UPSTASH_REDIS_REST_TOKENAXYM...` with the `=` forgotten), alone on a line, after a line
//! continuation, in a comment or between `${` and `}` is as secret as one in a value: a
//! `duplicate-key` or `env-example-drift` message, a diff, SARIF all show `****`.

use std::ops::Range;

use super::classify::{Hint, merge_ranges, sensitive_ranges, token_words};

/// The byte ranges of `text` that are secret by shape, sorted and disjoint: token-shaped
/// words, and the password, credential query values and fragment of every URL with user
/// information or a query (`# old: rediss://default:pw@host` in a comment).
#[must_use]
pub(crate) fn input_secrets(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = token_words(text)
        .into_iter()
        .map(|r| r.start + known_name_len(&text[r.clone()])..r.end)
        .collect();
    let mut from = 0;
    while let Some(sep) = text[from..].find("://").map(|i| from + i) {
        let bytes = text.as_bytes();
        let start = bytes[..sep]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
            .map_or(0, |i| i + 1);
        let end = text[sep..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .map_or(text.len(), |i| sep + i);
        let url = &text[start..end];
        let after_scheme = &url[sep - start + 3..];
        if after_scheme.contains(['@', '?']) || !after_scheme.contains(['.', '[', '/']) {
            // With user information or a query, or no host that reads as one (`default:pw`
            // with the host forgotten): classified as a URL.
            out.extend(
                sensitive_ranges(url, Hint::Url)
                    .into_iter()
                    .map(|r| r.start + start..r.end + start),
            );
        }
        from = end.max(sep + 3);
    }
    merge_ranges(out)
}

/// The last words of the variable names a token is pasted after (`..._TOKEN`, `..._URL`).
const NAME_ENDS: &[&str] = &["_TOKEN", "_URL", "_KEY", "_PASSWORD", "_SECRET"];

/// How much of a token-shaped word is a variable name, written with the token after it and
/// the `=` forgotten (`UPSTASH_REDIS_REST_TOKENAXYM...`): the name stays readable, the rest is
/// the secret. 0 when the word starts with no such name.
fn known_name_len(word: &str) -> usize {
    // Names are upper-case snake case: most words (a token alone) are passed over at once.
    if !word.starts_with(|c: char| c.is_ascii_uppercase()) || !word.contains('_') {
        return 0;
    }
    NAME_ENDS
        .iter()
        .flat_map(|end| word.match_indices(end).map(|(i, m)| i + m.len()))
        .filter(|&end| {
            word[..end]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                && super::classify::token_shaped(&word[end..])
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::mask_ranges;

    fn masked(text: &str) -> String {
        mask_ranges(text, &input_secrets(text))
    }

    #[test]
    fn tokens_are_found_in_every_position() {
        let t = "AXYMcanaryToken7f3a9QzLm";
        for text in [
            format!("UPSTASH_REDIS_REST_TOKEN{t}\n"),
            format!("{t}\n"),
            format!("A=x \\\n{t}\n"),
            format!("X=1 # {t}\n"),
            format!("{t}: 1\n"),
            format!("{t}  # c\n"),
            format!("{t}=1\n"),
            format!("rest_token = \"${{{t}}}\"\n"),
            format!("\u{a0}{t}\u{3000}\n"),
            format!("\u{feff}{t}\u{200b}=x\n"),
        ] {
            let out = masked(&text);
            assert!(!out.contains(t), "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn a_known_name_before_a_token_stays_readable() {
        assert_eq!(
            masked("UPSTASH_REDIS_REST_TOKENAXYMcanaryToken7f3a9QzLm\n"),
            "UPSTASH_REDIS_REST_TOKEN****\n"
        );
    }

    #[test]
    fn url_passwords_are_found_in_comments_and_continuations() {
        assert_eq!(
            masked("# old: rediss://default:pw@eu1-cat.upstash.io:6379 gone\n"),
            "# old: rediss://default:****@eu1-cat.upstash.io:6379 gone\n"
        );
        assert_eq!(
            masked("X=\"redis://default:83749201\"\n"),
            "X=\"redis://****\"\n"
        );
    }

    #[test]
    fn names_hosts_and_links_stay_readable() {
        for text in [
            "UPSTASH_REDIS_REST_TOKEN=\nKV_REST_API_READ_ONLY_TOKEN=\n",
            "rest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\n",
            "# see https://upstash.com/docs/redis/overall/getstarted\n",
            "redis_url = \"${REDIS_URL}\"\n",
            "[target.api-gateway]\nkind = \"server\"\n",
        ] {
            assert_eq!(masked(text), text);
        }
    }
}
