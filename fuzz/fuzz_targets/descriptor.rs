//! The descriptor pipeline over arbitrary text: TOML → descriptor → plan → diagnostics →
//! rendered text, generated files and the guide. Nothing may panic; every diagnostic must
//! point inside the file; a literal secret registered for masking never reaches a rendered line.
//! Each input runs again with non-ASCII whitespace in every position (`whitespace.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use upwire::internal::{Env, SourceFile, TextRenderer, resolve};

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
    // Values the fuzzer can reach with `${NAME}`, including ones that break the validators.
    let env = Env::from_pairs([
        (
            "REDIS_URL",
            "rediss://default:AXfuzzPassw0rd@eu1-tidy-cat-12345.upstash.io:6379",
        ),
        ("REST_URL", "https://eu1-tidy-cat-12345.upstash.io"),
        ("TOKEN", "AXfuzzT0kenValue"),
        ("RO", "AofuzzReadOnlyT0ken"),
        ("EMPTY", ""),
        ("SPACED", " AX token \n"),
        ("QUOTED", "\"rediss://default:p@ss#w@h:99999/3\""),
        ("UNI", "rediss://défault:pässwörd@hôst.upstash.io:6379"),
    ]);
    let resolved = resolve(SourceFile::new("upwire.toml", text), &env);
    let sources = std::slice::from_ref(&resolved.source);
    let renderer = TextRenderer::new(false);
    for d in &resolved.diagnostics {
        if let Some(l) = &d.location {
            assert!(l.span.start <= l.span.end, "{d:?}");
            assert!(l.span.end <= text.len(), "{d:?}");
            assert!(l.line >= 1 && l.column >= 1, "{d:?}");
        }
        let _ = renderer.render(d, sources);
        let _ = TextRenderer::new(true).render(d, sources);
    }
    for t in &resolved.plan.targets {
        let _ = t.to_json(false);
        let _ = t.to_json(true);
        for v in &t.env {
            let _ = v.display(false);
        }
    }
    let mut diags = resolved.diagnostics.clone();
    let _ = upwire::internal::generate::artifacts(&resolved.plan, &mut diags);
    let _ = upwire::internal::docs::guide(&resolved.plan);
}
