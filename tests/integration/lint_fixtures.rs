//! `upwire lint` over `tests/fixtures/codes/`: one small fixture per diagnostic code.
//!
//! Each fixture says what it must produce in comment lines of the form
//!
//! ```text
//! # expect: <code> at <text>
//! ```
//!
//! meaning: a diagnostic with that code whose line and column point at the first character of
//! `<text>` on a line of the fixture. A fixture produces exactly the findings it expects, no
//! more. Descriptor fixtures take their `${NAME}` values from `fixture.env`, which is itself a
//! fixture that expects nothing.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Output;

use crate::support::{code, json, lint, relative, root, transcript};

const FIXTURES: &str = "tests/fixtures/codes";
const FIXTURE_ENV: &str = "tests/fixtures/codes/fixture.env";

/// Codes that only `generate` reports, about the files it writes: `lint` never sees those
/// files, so no lint fixture can produce them.
const NOT_FROM_LINT: &[&str] = &["target-skipped", "env-not-ignored"];

/// `lint` on one fixture (a path relative to the repository root) with the fixture env file.
fn lint_fixture(path: &str, format: &str) -> Output {
    lint(
        &root(),
        &["--format", format, "--env-file", FIXTURE_ENV, path],
    )
}

fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(FIXTURES))
        .expect("the fixture directory exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml" || e == "env"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn lint_fixtures() {
    crate::snapshots!({
        insta::glob!("../fixtures/codes", "*.{toml,env}", |path| {
            let output = lint_fixture(&relative(path), "text");
            insta::assert_snapshot!("lint", transcript(&output, &root()));
        });
    });
}

#[derive(Debug)]
struct Expect {
    code: String,
    text: String,
}

fn expectations(source: &str) -> Vec<Expect> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|rest| {
            let (code, text) = rest
                .split_once(" at ")
                .unwrap_or_else(|| panic!("`# expect: {rest}` lacks ` at <text>`"));
            assert!(!text.is_empty(), "`# expect: {rest}` has an empty text");
            Expect {
                code: code.to_owned(),
                text: text.to_owned(),
            }
        })
        .collect()
}

/// Whether the 1-based `line`:`column` of `source` is where `text` starts, on a line that is
/// not itself an expectation. Columns are counted as editors show them, after a byte-order
/// mark.
fn points_at(source: &str, line: u64, column: u64, text: &str) -> bool {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some(l) = usize::try_from(line)
        .ok()
        .and_then(|n| source.lines().nth(n.checked_sub(1)?))
    else {
        return false;
    };
    let rest: String = l
        .chars()
        .skip(
            usize::try_from(column)
                .unwrap_or(usize::MAX)
                .saturating_sub(1),
        )
        .collect();
    !l.starts_with("# expect:") && column >= 1 && rest.starts_with(text)
}

#[test]
fn every_fixture_produces_exactly_what_it_expects_where_it_expects_it() {
    let names: BTreeSet<&str> = upwire::internal::Code::ALL
        .iter()
        .map(|c| c.name())
        .collect();
    for name in NOT_FROM_LINT {
        assert!(
            names.contains(name),
            "`{name}` is no longer a code: drop it from NOT_FROM_LINT"
        );
    }
    let mut produced = BTreeSet::new();
    let mut failures = Vec::new();
    let paths = fixtures();
    assert!(
        paths.len() > names.len(),
        "expected at least one fixture per code"
    );
    for path in &paths {
        let rel = relative(path);
        let source = std::fs::read_to_string(path).expect("fixtures are UTF-8");
        let expects = expectations(&source);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem != "fixture" {
            assert!(
                names.contains(stem),
                "{rel}: `{stem}` is not a diagnostic code"
            );
            assert!(
                expects.iter().any(|e| e.code == stem),
                "{rel}: a fixture named after `{stem}` must expect it"
            );
        }
        let output = lint_fixture(&rel, "json");
        let doc = json(&output);
        assert_eq!(doc["version"], 1, "{rel}");
        assert!(output.stderr.is_empty(), "{rel}: json mode wrote to stderr");
        let diags = doc["diagnostics"].as_array().expect("diagnostics array");
        let mut matched = vec![false; expects.len()];
        for d in diags {
            let c = d["code"].as_str().expect("code is a string");
            produced.insert(c.to_owned());
            assert_eq!(d["file"].as_str(), Some(rel.as_str()), "{rel}: {d}");
            let (line, column) = (d["line"].as_u64(), d["column"].as_u64());
            let hit = expects.iter().enumerate().find(|(i, e)| {
                !matched[*i]
                    && e.code == c
                    && line
                        .zip(column)
                        .is_some_and(|(l, col)| points_at(&source, l, col, &e.text))
            });
            match hit {
                Some((i, _)) => matched[i] = true,
                None => failures.push(format!("{rel}: unexpected or misplaced {d}")),
            }
        }
        for (e, ok) in expects.iter().zip(&matched) {
            if !ok {
                failures.push(format!("{rel}: no `{}` at `{}`", e.code, e.text));
            }
        }
        let errors = diags.iter().any(|d| d["severity"] == "error");
        assert_eq!(code(&output), i32::from(errors), "{rel}: exit code");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !produced.contains(**n) && !NOT_FROM_LINT.contains(n))
        .copied()
        .collect();
    assert!(missing.is_empty(), "no fixture produces: {missing:?}");
}

#[test]
fn the_library_reports_the_same_as_the_binary() {
    // The JSON above comes from the binary; the library API must agree on the codes, so that
    // build.rs users see what `upwire lint` shows.
    let mut env = upwire::internal::Env::default();
    env.add_file(&root().join(FIXTURE_ENV))
        .expect("fixture.env parses");
    for path in fixtures() {
        // A fixture with a folder of its own (`env-conflict/`) holds its targets' env files,
        // which the CLI reads by convention and `build.rs` does not read at all.
        if path.with_extension("").is_dir() {
            continue;
        }
        let rel = relative(&path);
        let text = std::fs::read_to_string(&path).expect("fixtures are UTF-8");
        let source = upwire::internal::SourceFile::new(rel.clone(), text);
        let ours: Vec<String> = if path.extension().is_some_and(|e| e == "toml") {
            upwire::internal::resolve(source, &env).diagnostics
        } else {
            upwire::internal::lint::lint_env(source).1
        }
        .iter()
        .map(|d| d.code.name().to_owned())
        .collect();
        // `env-example-drift` compares two files: the CLI finds the second one, the
        // one-file library call cannot.
        let binary: Vec<String> = json(&lint_fixture(&rel, "json"))["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
            .filter(|c| c != "env-example-drift")
            .collect();
        assert_eq!(ours, binary, "{rel}");
    }
}

#[test]
fn the_expectation_checker_rejects_a_wrong_column() {
    let source = "# expect: unknown-value at \"lamda\"\nkind = \"lamda\"\n";
    assert!(points_at(source, 2, 8, "\"lamda\""));
    assert!(!points_at(source, 2, 9, "\"lamda\""));
    assert!(
        !points_at(source, 1, 28, "\"lamda\""),
        "the expectation line itself never counts"
    );
    assert!(!points_at(source, 3, 1, "k"));
    assert!(!points_at(source, 2, 0, "kind"));
    let bom = "\u{feff}REDIS_URL=x\n";
    assert!(points_at(bom, 1, 1, "REDIS_URL"));
    assert!(points_at(bom, 1, 11, "x"));
}

#[test]
fn text_output_names_the_same_positions_as_json() {
    // The `-->` line is where editors jump; it must match JSON even when a masked secret
    // earlier on the line makes the shown line shorter than the real one.
    for path in fixtures() {
        let rel = relative(&path);
        let text = lint_fixture(&rel, "text");
        let shown: Vec<String> = String::from_utf8_lossy(&text.stderr)
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--> "))
            .map(str::to_owned)
            .collect();
        let from_json: Vec<String> = json(&lint_fixture(&rel, "json"))["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{}",
                    d["file"].as_str().unwrap_or("?"),
                    d["line"],
                    d["column"]
                )
            })
            .collect();
        assert_eq!(shown, from_json, "{rel}");
    }
}
