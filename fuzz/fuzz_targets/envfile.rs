//! The env-file scanner, the env-file lint and the `.env` merge over arbitrary text. Nothing
//! may panic; lines tile the text; spans are valid slices; the merge keeps every unmanaged
//! byte, writes the managed values, and merging twice changes nothing. Each input runs again
//! with non-ASCII whitespace in every position (`whitespace.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use upwire::internal::envfile::{LineKind, merge, scan, unclosed_quote};
use upwire::internal::envfile::dotenv_value;
use upwire::internal::lint::lint_env;
use upwire::internal::{SourceFile, TextRenderer};

#[path = "whitespace.rs"]
mod whitespace;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check(text);
    for variant in whitespace::variants(text) {
        check(&variant);
    }
});

fn check(text: &str) {
    let lines = scan(text);
    let mut at = 0;
    for line in &lines {
        assert_eq!(line.range.start, at, "{text:?}: lines do not tile");
        assert!(line.range.end > line.range.start, "{text:?}: empty line");
        at = line.range.end;
        if let LineKind::Entry(e) = &line.kind {
            assert_eq!(text.get(e.key_span.clone()), Some(e.key.as_str()));
            assert!(text.get(e.value_span.clone()).is_some(), "{text:?}: {e:?}");
            assert!(e.value_span.end <= line.range.end, "{text:?}: {e:?}");
            if let Some(start) = e.verbatim {
                assert_eq!(
                    text.get(start..start + e.value.len()),
                    Some(e.value.as_str()),
                    "{text:?}: verbatim value"
                );
            }
        }
    }
    assert_eq!(at, text.len(), "{text:?}: lines do not cover the text");

    let (source, diags) = lint_env(SourceFile::new(".env", text));
    let sources = std::slice::from_ref(&source);
    for d in &diags {
        if let Some(l) = &d.location {
            assert!(
                l.span.start <= l.span.end && l.span.end <= text.len(),
                "{d:?}"
            );
        }
        let _ = TextRenderer::new(false).render(d, sources);
    }

    let vars: Vec<(String, String)> = [
        (
            "REDIS_URL",
            "rediss://default:AXpw@eu1-tidy-cat-12345.upstash.io:6379",
        ),
        ("UPSTASH_REDIS_REST_TOKEN", "AX tok'en\"$x\n"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), dotenv_value(v)))
    .collect();
    let merged = merge(text, &vars);
    // Every line that is not a managed entry is kept byte for byte, in order.
    let mut rest = merged.as_str();
    for line in &lines {
        let managed =
            matches!(&line.kind, LineKind::Entry(e) if vars.iter().any(|(k, _)| *k == e.key));
        let bytes = &text[line.range.clone()];
        if !managed {
            let i = rest
                .find(bytes)
                .unwrap_or_else(|| panic!("{text:?}: unmanaged line {bytes:?} lost in {merged:?}"));
            rest = &rest[i + bytes.len()..];
        }
    }
    // `generate` refuses to merge into a file with an unclosed quote (write::apply): any
    // quote appended after it would close it. For every other file, merging twice changes
    // nothing and the managed keys read back with their new values.
    if unclosed_quote(text).is_some() {
        return;
    }
    assert_eq!(
        merge(&merged, &vars),
        merged,
        "{text:?}: merge is not idempotent"
    );
    for (key, value) in &vars {
        let read: Vec<String> = scan(&merged)
            .into_iter()
            .filter_map(|l| match l.kind {
                LineKind::Entry(e) if e.key == *key => Some(e.value),
                _ => None,
            })
            .collect();
        let LineKind::Entry(want) = &scan(&format!("K={value}\n"))[0].kind else {
            panic!("{value:?} does not scan as an entry")
        };
        assert!(
            !read.is_empty(),
            "{text:?}: {key} missing after merge: {merged:?}"
        );
        assert!(
            read.iter().all(|v| *v == want.value),
            "{text:?}: {key} reads back as {read:?} after merge: {merged:?}"
        );
    }
}
