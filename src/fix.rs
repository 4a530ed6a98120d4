//! `upwire fix`: the edits that lint's findings carry ([`Diagnostic::fix`]), applied to a
//! file's text. Which findings have a fix, and what it is, is decided where the finding is
//! made (the parsers, `lint.rs`); this module only applies them, so `fix` can never change
//! what lint did not report.

use crate::diagnostic::{Diagnostic, Edit};

/// Applies the fixes of `diags` that point into `file` to `text`. A finding's edits are
/// applied all or none; a finding whose edits overlap those of one taken before it (in file
/// order) is left for the next round, when lint has looked at the new text. Returns the new
/// text and the findings whose fixes were applied.
#[must_use]
pub fn apply<'a>(text: &str, file: &str, diags: &'a [Diagnostic]) -> (String, Vec<&'a Diagnostic>) {
    let mut candidates: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| !d.fix.is_empty())
        .filter(|d| d.location.as_ref().is_some_and(|l| l.file == file))
        .filter(|d| d.fix.iter().all(|e| fits(text, e)))
        .collect();
    candidates.sort_by_key(|d| d.fix.iter().map(|e| e.range.start).min());
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = Vec::new();
    for d in candidates {
        let clash = d
            .fix
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(&t.range, &e.range)))
            || d.fix
                .iter()
                .enumerate()
                .any(|(i, e)| d.fix[i + 1..].iter().any(|f| overlaps(&e.range, &f.range)));
        if clash {
            continue;
        }
        taken.extend(&d.fix);
        applied.push(d);
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in taken {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.text);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// Whether `edit` lies inside `text`, on character boundaries.
fn fits(text: &str, edit: &Edit) -> bool {
    edit.range.start <= edit.range.end
        && text.is_char_boundary(edit.range.start)
        && text.is_char_boundary(edit.range.end)
}

/// Whether two edits touch the same bytes (two insertions at one place count: their order
/// would be a guess).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::diagnostic::SourceFile;

    fn fix_once(text: &str) -> String {
        let (_, diags) = crate::lint::lint_env(SourceFile::new(".env", text));
        apply(text, ".env", &diags).0
    }

    #[test]
    fn each_fix_kind_edits_only_its_bytes() {
        for (before, after) in [
            (
                "export REDIS_URL=redis://default:pw@eu1-cat.upstash.io:6379 # c\r\n",
                "export REDIS_URL=rediss://default:pw@eu1-cat.upstash.io:6379 # c\r\n",
            ),
            (
                "UPSTASH_REDIS_REST_TOKEN='Bearer AXtok'\n",
                "UPSTASH_REDIS_REST_TOKEN='AXtok'\n",
            ),
            (
                "REDIS_URL=\" rediss://default:pw@eu1-cat.upstash.io:6379\"\n",
                "REDIS_URL=\"rediss://default:pw@eu1-cat.upstash.io:6379\"\n",
            ),
            (
                "REDIS_URL=\"'rediss://default:pw@eu1-cat.upstash.io:6379'\"\n",
                "REDIS_URL=\"rediss://default:pw@eu1-cat.upstash.io:6379\"\n",
            ),
            (
                "REDIS_URL=rediss://default:p@ss#1@eu1-cat.upstash.io:6379\n",
                "REDIS_URL=rediss://default:p%40ss%231@eu1-cat.upstash.io:6379\n",
            ),
            (
                "REDIS_URL=https://eu1-cat.upstash.io\n",
                "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\n",
            ),
            ("A=1\nA=1\nB=2\n", "A=1\nB=2\n"),
            (
                "REDIS_URL=rediss://:pw@eu1-cat.upstash.io:6379/3\n",
                "REDIS_URL=rediss://default:pw@eu1-cat.upstash.io:6379\n",
            ),
            (
                "REDIS_URL=redis://pw@fly-cat.upstash.io:6379\n",
                "REDIS_URL=redis://default:pw@fly-cat.upstash.io:6379\n",
            ),
        ] {
            let mut text = before.to_owned();
            for _ in 0..4 {
                text = fix_once(&text);
            }
            assert_eq!(text, after, "{before:?}");
        }
    }

    #[test]
    fn what_is_not_safe_is_left() {
        for text in [
            // Different values: a loader would lose one.
            "A=1\nA=2\n",
            // Fly's private network has no TLS.
            "REDIS_URL=redis://default:pw@fly-cat.upstash.io:6379\n",
            // The REST URL's variable is taken.
            "REDIS_URL=https://eu1-cat.upstash.io\nUPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io\n",
            // Not Upstash: https:// there is a guess.
            "UPSTASH_REDIS_REST_URL=http://srh:8080\n",
            // A query may hold the token.
            "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io/?_token=x\n",
            // No password to write: never invented.
            "REDIS_URL=rediss://eu1-cat.upstash.io:6379\n",
            // An escape: the value is not in the file byte for byte.
            "REDIS_URL=\"redis://default:pw@eu1-cat.upstash.io:6379\\n\"\n",
        ] {
            assert_eq!(fix_once(text), text);
        }
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let d = |range: std::ops::Range<usize>, text: &str| {
            let mut d = Diagnostic::new(Code::TlsRequired, "m")
                .at(&SourceFile::new("f", "abcdef"), range.clone());
            d.fix = vec![Edit::new(range, text)];
            d
        };
        let diags = [d(0..3, "X"), d(2..4, "Y"), d(4..5, "Z")];
        let (text, applied) = apply("abcdef", "f", &diags);
        assert_eq!(text, "XdZf");
        assert_eq!(applied.len(), 2);
    }
}
