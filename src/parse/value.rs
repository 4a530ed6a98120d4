//! What every value is checked for before it is parsed: whitespace, wrapping quotes, line
//! breaks, placeholders; and the small text helpers the parsers share.

use std::ops::Range;

use super::Finding;
use crate::code::Code;
use crate::diagnostic::Edit;
use crate::secret::find_placeholder;

/// Strips whitespace and wrapping quotes, reporting them. Returns the inner range.
pub(super) fn check_whitespace(value: &str, findings: &mut Vec<Finding>) -> Range<usize> {
    let trimmed_start = value.len() - value.trim_start().len();
    let trimmed_end = value.trim_end().len();
    let mut inner = trimmed_start..trimmed_end.max(trimmed_start);
    if inner != (0..value.len()) {
        findings.push(
            Finding::new(
                Code::WhitespaceInValue,
                "the value has leading or trailing whitespace",
            )
            .help("remove the spaces, tabs or newlines around the value")
            .range(0..value.len())
            .edits(
                [
                    0..trimmed_start,
                    trimmed_end.max(trimmed_start)..value.len(),
                ]
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(Edit::delete)
                .collect(),
            ),
        );
    }
    let text = &value[inner.clone()];
    if text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')))
    {
        findings.push(
            Finding::new(
                Code::WhitespaceInValue,
                "the value is wrapped in quotes that are part of the value",
            )
            .help("remove the quotes: they would be sent as part of the URL or token")
            .range(inner.clone())
            .edits(vec![
                Edit::delete(inner.start..inner.start + 1),
                Edit::delete(inner.end - 1..inner.end),
            ]),
        );
        inner = inner.start + 1..inner.end - 1;
    }
    if let Some(i) = value[inner.clone()].find(['\n', '\r']) {
        findings.push(
            Finding::new(Code::WhitespaceInValue, "the value contains a line break")
                .help("remove the line break; the value must be on one line")
                .range(inner.start + i..inner.start + i + 1),
        );
    }
    inner
}

/// At most this many placeholders are reported in one value; each costs a pass over a part
/// of it.
const MAX_PLACEHOLDERS: usize = 10;

/// Every placeholder left in the value (`<PASSWORD>`, `<ENDPOINT>` and `<PORT>` of one URL
/// are three findings in one run), in order, at most [`MAX_PLACEHOLDERS`].
pub(super) fn placeholders(value: &str, offset: usize) -> Vec<Finding> {
    // Parts of the value still to search; a placeholder found splits its part in two, so
    // placeholders of different shapes on either side of it are found too.
    let mut parts: Vec<std::ops::Range<usize>> = Vec::new();
    parts.push(0..value.len());
    let mut found = Vec::new();
    while let Some(part) = parts.pop() {
        if found.len() == MAX_PLACEHOLDERS {
            break;
        }
        let Some(r) = find_placeholder(&value[part.clone()]) else {
            continue;
        };
        let r = part.start + r.start..part.start + r.end;
        parts.push(part.start..r.start);
        parts.push(r.end..part.end);
        found.push(r);
    }
    found.sort_by_key(|r| r.start);
    found
        .into_iter()
        .map(|r| {
            Finding::new(
                Code::PlaceholderValue,
                format!(
                    "the placeholder `{}` was left in the value",
                    &value[r.clone()]
                ),
            )
            .help(
                "replace it with the real value from the Upstash console, ideally via an env file",
            )
            .range(r.start + offset..r.end + offset)
        })
        .collect()
}

/// Splits `scheme://rest`.
pub(super) fn split_scheme(value: &str) -> Option<(&str, &str)> {
    let i = value.find("://")?;
    let scheme = &value[..i];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    Some((scheme, &value[i + 3..]))
}

pub(super) fn encode_char(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

pub(super) fn percent_decode(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s)).into_owned()
}

pub(super) fn percent_decode_bytes(s: &str) -> Vec<u8> {
    crate::secret::registry::percent_decode_bytes(s)
}
